#!/bin/bash
# make-starttls-captures.sh - TLS that starts inside another protocol,
# recorded with tcpdump -i lo (root), and tshark's reading of each
# (expected/<capture>.txt; never from tlsdiag).
#
#  irc, nntp, sieve, lmtp: openssl s_client -starttls PROTO (a real client
#    preamble) against starttls-capture-tool.py's server (the preamble as
#    the protocol's specification writes it), then TLS 1.2 (OpenSSL both
#    ends)
#  mysql, rdp, tds: both sides from starttls-capture-tool.py, the protocol
#    bytes built from its documentation ([MySQL] HandshakeV10/SSLRequest,
#    [MS-RDPBCGR] X.224 with RDP_NEG_REQ/RSP, [MS-TDS] PRELOGIN with the
#    handshake inside PRELOGIN packets) around a real TLS handshake
#    (Python's ssl module: OpenSSL). Debian's mariadb-server and freerdp2
#    were not used: see README.md.
# Usage: ./make-starttls-captures.sh [NAME...] | --check
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PKI=$HERE/../tls/pki
EXP=$HERE/expected
PY=/usr/bin/python3
TOOL=$HERE/starttls-capture-tool.py
OPENSSL=${OPENSSL:-openssl}
TSHARK=${TSHARK:-tshark}
TCPDUMP=${TCPDUMP:-tcpdump}
ALL="irc nntp sieve lmtp mysql rdp tds"
port_of() { case $1 in irc) echo 6667 ;; nntp) echo 119 ;; sieve) echo 4190 ;; lmtp) echo 24 ;;
	mysql) echo 3306 ;; rdp) echo 3389 ;; tds) echo 1433 ;; esac; }
. "$HERE/../capture-lib.sh"
capture_init make-starttls-captures

make_one() {
	local p=$1 port out
	port=$(port_of "$p")
	out=$HERE/$p-starttls.pcap
	log "$p (port $port)"
	start_tcpdump "$port" "$WORK/$p.pcap"
	start_server "$port" "$WORK/$p.server.log" "$PY" "$TOOL" server "$p" "$port" \
		"$PKI/rsa-server.crt" "$PKI/rsa-server.key" "$PKI/rsa-chain2.pem"
	case $p in
	irc | nntp | sieve | lmtp)
		echo hello | timeout 10 "$OPENSSL" s_client -connect "127.0.0.1:$port" -starttls "$p" \
			-tls1_2 -CAfile "$PKI/rsa-root.crt" -verify_return_error -ign_eof \
			>"$WORK/$p.client.log" 2>&1 || true ;;
	*) timeout 10 "$PY" "$TOOL" client "$p" "$port" "$PKI/rsa-root.crt" ;;
	esac
	wait_server
	stop_tcpdump
	cp "$WORK/$p.pcap" "$out"
	"$PY" "$TOOL" expected "$TSHARK" "$out" "$p" "$port" "$PKI/rsa-server.crt" \
		"$PKI/rsa-chain2.pem" >"$EXP/$p-starttls.txt"
}

if [ "${1:-}" = --check ]; then
	rc=0
	for p in $ALL; do
		"$PY" "$TOOL" expected "$TSHARK" "$HERE/$p-starttls.pcap" "$p" "$(port_of "$p")" \
			"$PKI/rsa-server.crt" "$PKI/rsa-chain2.pem" >"$WORK/x.txt"
		diff -u "$EXP/$p-starttls.txt" "$WORK/x.txt" || rc=1
	done
	exit $rc
fi
[ $# -gt 0 ] || set -- $ALL
for p in "$@"; do make_one "$p"; done

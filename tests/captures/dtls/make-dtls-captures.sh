#!/bin/bash
# make-dtls-captures.sh - regenerate the DTLS test captures and what tshark
# reads in them (expected/<capture>.txt).
#
# The captures are real: openssl s_server / s_client (OpenSSL 3.0) speaking
# DTLS over 127.0.0.1 UDP, recorded with tcpdump -i lo. Two are then
# rewritten with scapy (dtls-capture-tool.py): STUN and RTP datagrams put on
# the DTLS-SRTP session's own address/port pair (RFC 7983 demultiplexing,
# as WebRTC and Cisco Meeting Server media do), and a DTLS 1.3 handshake
# (Debian 12's OpenSSL has none) built from RFC 9147's record formats
# around the hellos and protected records of a real TLS 1.3 handshake.
# expected/*.txt come from tshark only, never from tlsdiag.
#
# Usage (as root, for tcpdump on lo):
#   ./make-dtls-captures.sh                 every capture and expected file
#   ./make-dtls-captures.sh NAME...         only these
#   ./make-dtls-captures.sh --check         recompute expected/ from the
#                                           committed captures and diff
# Environment: OPENSSL, TSHARK, TCPDUMP; DTLS_CAPTURE_PORT_BASE (44330).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PKI=$HERE/../tls/pki
EXP=$HERE/expected
PY=/usr/bin/python3
TOOL=$HERE/dtls-capture-tool.py
OPENSSL=${OPENSSL:-openssl}
TSHARK=${TSHARK:-tshark}
TCPDUMP=${TCPDUMP:-tcpdump}
PORT_BASE=${DTLS_CAPTURE_PORT_BASE:-44330}

ALL="dtls12-rsa dtls10-rsa dtls12-mtls dtls12-unknown-ca dtls12-srtp-stun-rtp dtls13-synthetic"

. "$HERE/../capture-lib.sh"
capture_init make-dtls-captures

udp_listening() { ss -Hlun "sport = :$1" | grep -q .; }

# capture NAME PORT 'SERVER OPTIONS' 'CLIENT OPTIONS': one DTLS session
capture() {
	local name=$1 port=$2 sopts=$3 copts=$4 out=$WORK/$1.pcap
	log "$name"
	"$TCPDUMP" -i lo -U --immediate-mode -n -s 0 -w "$out" "udp port $port" \
		2>"$WORK/tcpdump.err" &
	local tpid=$!
	PIDS+=("$tpid")
	wait_for "tcpdump to start" grep -q "listening on" "$WORK/tcpdump.err"
	# shellcheck disable=SC2086
	"$OPENSSL" s_server -accept "127.0.0.1:$port" -naccept 1 -mtu 1200 $sopts \
		<&9 >"$WORK/$name.server.log" 2>&1 &
	local spid=$!
	PIDS+=("$spid")
	wait_for "server on udp $port" udp_listening "$port"
	# shellcheck disable=SC2086
	echo hello | timeout 10 "$OPENSSL" s_client -connect "127.0.0.1:$port" -mtu 1200 \
		$copts >"$WORK/$name.client.log" 2>&1 || true
	sleep 0.5
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	sleep 0.3
	kill -INT "$tpid"
	wait "$tpid" || true
	cp "$out" "$HERE/$name.pcap"
}

RSA="-cert $PKI/rsa-server.crt -key $PKI/rsa-server.key -cert_chain $PKI/rsa-chain2.pem"
make_one() {
	case $1 in
	dtls12-rsa) capture "$1" $((PORT_BASE)) "-dtls1_2 $RSA" \
		"-dtls1_2 -CAfile $PKI/rsa-root.crt -verify_return_error" ;;
	dtls10-rsa) capture "$1" $((PORT_BASE + 1)) "-dtls1 -cipher DEFAULT@SECLEVEL=0 $RSA" \
		"-dtls1 -cipher DEFAULT@SECLEVEL=0 -CAfile $PKI/rsa-root.crt -verify_return_error" ;;
	dtls12-mtls) capture "$1" $((PORT_BASE + 2)) \
		"-dtls1_2 $RSA -Verify 2 -CAfile $PKI/rsa-root.crt -client_sigalgs RSA+SHA256" \
		"-dtls1_2 -CAfile $PKI/rsa-root.crt -cert $PKI/rsa-client.crt -key $PKI/rsa-client.key -cert_chain $PKI/rsa-chain2.pem" ;;
	dtls12-unknown-ca) capture "$1" $((PORT_BASE + 3)) "-dtls1_2 $RSA" \
		"-dtls1_2 -CAfile $PKI/other-root.crt -verify_return_error" ;;
	dtls12-srtp-stun-rtp)
		capture dtls12-srtp-raw $((PORT_BASE + 4)) "-dtls1_2 $RSA -use_srtp SRTP_AES128_CM_SHA1_80" \
			"-dtls1_2 -CAfile $PKI/rsa-root.crt -use_srtp SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32"
		"$PY" "$TOOL" stun-rtp "$HERE/dtls12-srtp-raw.pcap" "$HERE/$1.pcap"
		rm -f "$HERE/dtls12-srtp-raw.pcap" ;;
	dtls13-synthetic)
		"$PY" "$TOOL" dtls13 "$HERE/../tls/tls13-rsa.pcap" "$HERE/$1.pcap" ;;
	*) die "unknown capture $1" ;;
	esac
	"$PY" "$TOOL" expected "$TSHARK" "$HERE/$1.pcap" >"$EXP/$1.txt"
}

if [ "${1:-}" = --check ]; then
	rc=0
	for n in $ALL; do
		"$PY" "$TOOL" expected "$TSHARK" "$HERE/$n.pcap" >"$WORK/$n.txt"
		diff -u "$EXP/$n.txt" "$WORK/$n.txt" || rc=1
	done
	exit $rc
fi
[ $# -gt 0 ] || set -- $ALL
for n in "$@"; do make_one "$n"; done

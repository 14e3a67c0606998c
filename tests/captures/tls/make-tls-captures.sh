#!/bin/bash
# Option strings ($RSA2, $OLD, ...) are split on purpose; paths must not
# contain blanks.
# shellcheck disable=SC2086,SC2046
# make-tls-captures.sh - regenerate the TLS handshake test captures and their
# "expected" descriptions.
#
# The captures are real: openssl s_server / s_client (and, for XMPP STARTTLS
# and the SSLv2-compatible hello, small /usr/bin/python3 programs) talking
# over 127.0.0.1, recorded with tcpdump -i lo.  A few are then rewritten with
# scapy (re-segmentation, a removed segment).  The expected/*.txt files are
# derived from tshark and openssl only (tls-capture-tool.py expected), never
# from tlsdiag.  See README.md in this directory for the list and the format.
#
# Usage (as root, or with capture rights on lo):
#   ./make-tls-captures.sh                 regenerate every capture + expected
#   ./make-tls-captures.sh NAME...         regenerate only these (e.g. tls12-mtls)
#   ./make-tls-captures.sh --expected-only [NAME...]
#                                          recompute expected/*.txt from the
#                                          committed .pcap files
#   ./make-tls-captures.sh --check [NAME...]
#                                          recompute expected/*.txt into a temp
#                                          dir and diff against the committed
#                                          ones (exit 1 on difference)
#   ./make-tls-captures.sh --pki           (re)create pki/ (normally done once
#                                          and committed; invalidates nothing
#                                          else until captures are redone)
#
# Environment: OPENSSL, TSHARK, TCPDUMP override the tools;
# TLS_CAPTURE_PORT_BASE (default 47400) moves the TCP ports used (each
# capture uses PORT_BASE + a fixed offset; xmpp uses 5222, nonstandard 12345,
# small-records 23456).

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# As root, run in a private network namespace (its own loopback): nothing
# else on the machine can use the ports or appear in the captures.
if [ "$(id -u)" = 0 ] && [ -z "${TLS_CAPTURE_NETNS:-}" ] && command -v unshare >/dev/null; then
	exec env TLS_CAPTURE_NETNS=1 unshare --net -- sh -c 'ip link set lo up && exec "$0" "$@"' "$0" "$@"
fi
PKI=$HERE/pki
EXP=$HERE/expected
PY=/usr/bin/python3
TOOL=$HERE/tls-capture-tool.py
OPENSSL=${OPENSSL:-openssl}
TSHARK=${TSHARK:-tshark}
TCPDUMP=${TCPDUMP:-tcpdump}
PORT_BASE=${TLS_CAPTURE_PORT_BASE:-47400}

ALL_CAPTURES="tls10-rsa tls11-rsa tls12-rsa tls13-rsa tls12-ecdsa
tls12-rsa-chain3 tls12-mtls tls12-empty-client-cert tls12-chain3-1byte
xmpp-starttls alert-before-ccs alert-after-ccs gap-in-certificate
tls12-sni-alpn tls13-hrr sslv2-hello nonstandard-port tls13-mtls
tls13-mtls-rejected gap-in-leaf small-records"

# $WORK, PIDS, die, log, an empty openssl.cnf, the servers' stdin (fd 9),
# and the capture helpers (wait_for, start_tcpdump, start_server, ...)
. "$HERE/../capture-lib.sh"
capture_init make-tls-captures

###########################################################################
# PKI (generated once, committed)
###########################################################################

make_pki() {
	log "creating PKI in $PKI"
	mkdir -p "$PKI"
	local t=$WORK/pki
	mkdir -p "$t"
	cat > "$t/ext.cnf" <<'EOF'
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[int]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[rsa_server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:server.tlsdiag.test, DNS:www.example.com, DNS:example.com, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[rsa_client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:client.tlsdiag.test, email:client@tlsdiag.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ec_server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:ec.tlsdiag.test, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
	rsakey() { "$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/$1.key" 2>/dev/null; }
	eckey() { "$OPENSSL" genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$2" \
		-pkeyopt ec_param_enc:named_curve -out "$PKI/$1.key"; }
	# selfsign NAME SUBJECT SERIAL EXTSECTION DIGEST
	selfsign() {
		"$OPENSSL" req -new -utf8 -key "$PKI/$1.key" -subj "$2" -out "$t/$1.csr"
		"$OPENSSL" x509 -req -in "$t/$1.csr" -signkey "$PKI/$1.key" -set_serial "$3" \
			-days 7300 "-$5" -extfile "$t/ext.cnf" -extensions "$4" -out "$PKI/$1.crt" 2>/dev/null
	}
	# sign NAME SUBJECT ISSUER SERIAL EXTSECTION DIGEST
	sign() {
		"$OPENSSL" req -new -utf8 -key "$PKI/$1.key" -subj "$2" -out "$t/$1.csr"
		"$OPENSSL" x509 -req -in "$t/$1.csr" -CA "$PKI/$3.crt" -CAkey "$PKI/$3.key" \
			-set_serial "$4" -days 7300 "-$6" -extfile "$t/ext.cnf" -extensions "$5" \
			-out "$PKI/$1.crt" 2>/dev/null
	}

	rsakey rsa-root
	selfsign rsa-root "/C=US/O=tlsdiag tests/CN=tlsdiag Test RSA Root CA" 0x5001 root sha256
	rsakey rsa-int
	sign rsa-int "/C=US/O=tlsdiag tests, Inc./CN=tlsdiag Test RSA Intermediate CA" rsa-root 0x5002 int sha256
	rsakey rsa-server
	sign rsa-server "/C=US/ST=California/L=San Jose/O=tlsdiag tests/CN=server.tlsdiag.test" \
		rsa-int 0x7d3c5a9e1b2f4c6d8e0a1b2c3d4e5f60 rsa_server sha256
	rsakey rsa-client
	sign rsa-client "/C=CH/O=tlsdiag tests/OU=Zürich Lab/CN=client.tlsdiag.test" \
		rsa-int 0x5004 rsa_client sha256

	eckey ec-root P-384
	selfsign ec-root "/C=US/O=tlsdiag tests/CN=tlsdiag Test ECDSA Root CA" 0xec01 root sha384
	eckey ec-int P-384
	sign ec-int "/C=US/O=tlsdiag tests/CN=tlsdiag Test ECDSA P-384 Intermediate CA" ec-root 0xec02 int sha384
	eckey ec-server P-256
	sign ec-server "/C=US/O=tlsdiag tests/CN=ec.tlsdiag.test" ec-int 0xec03 ec_server sha384

	# A root that issued none of the above (client trust store for the
	# unknown_ca alert capture).
	rsakey other-root
	selfsign other-root "/C=US/O=Elsewhere/CN=Unrelated Root CA" 0x0bad01 root sha256

	cat "$PKI/rsa-int.crt" > "$PKI/rsa-chain2.pem"
	cat "$PKI/rsa-int.crt" "$PKI/rsa-root.crt" > "$PKI/rsa-chain3.pem"
	cat "$PKI/ec-int.crt" "$PKI/ec-root.crt" > "$PKI/ec-chain3.pem"
	cat "$PKI/rsa-root.crt" "$PKI/ec-root.crt" > "$PKI/client-cas.pem"

	"$OPENSSL" verify -CAfile "$PKI/rsa-root.crt" -untrusted "$PKI/rsa-int.crt" \
		"$PKI/rsa-server.crt" "$PKI/rsa-client.crt" >/dev/null
	"$OPENSSL" verify -CAfile "$PKI/ec-root.crt" -untrusted "$PKI/ec-int.crt" \
		"$PKI/ec-server.crt" >/dev/null
}

###########################################################################
# Capture plumbing
###########################################################################

# port OFFSET -> TCP port for a capture
port() { echo $((PORT_BASE + $1)); }

# The client keeps stdin open for a moment (so it reads everything the
# server sends after the handshake, e.g. TLS 1.3 tickets), then sees EOF and
# closes the session with close_notify.
CLIENT_INPUT=	# application data the client sends first (if any)
run_client() {	# run_client LOG COMMAND...
	local lg=$1
	shift
	(printf '%s' "$CLIENT_INPUT"; sleep 0.5) | timeout 20 "$@" >"$lg" 2>&1 || true
}

# openssl_capture NAME PORT "SERVER OPTIONS" "CLIENT OPTIONS"
# One s_server/s_client session on 127.0.0.1:PORT, captured to $WORK/NAME.raw.pcap
openssl_capture() {
	local name=$1 p=$2 sopts=$3 copts=$4
	log "$name (port $p)"
	start_tcpdump "$p" "$WORK/$name.raw.pcap"
	# shellcheck disable=SC2086
	start_server "$p" "$WORK/$name.server.log" \
		"$OPENSSL" s_server -accept "127.0.0.1:$p" -naccept 1 $sopts
	# shellcheck disable=SC2086
	run_client "$WORK/$name.client.log" \
		"$OPENSSL" s_client -connect "127.0.0.1:$p" $copts
	wait_server
	stop_tcpdump
}

# Install a capture: copy into place (canonical pcap, link type, one TCP
# connection), then check it with tshark.
install_capture() {	# install_capture NAME [SOURCE]
	local name=$1 src=${2:-$WORK/$1.raw.pcap}
	"$PY" "$TOOL" canonicalize "$src" "$HERE/$name.pcap"
}

###########################################################################
# The captures
###########################################################################

RSA2="-cert $PKI/rsa-server.crt -key $PKI/rsa-server.key -cert_chain $PKI/rsa-chain2.pem"
RSA3="-cert $PKI/rsa-server.crt -key $PKI/rsa-server.key -cert_chain $PKI/rsa-chain3.pem"
TRUST_RSA="-CAfile $PKI/rsa-root.crt -verify_return_error"
OLD="-cipher DEFAULT@SECLEVEL=0"

cap_tls10-rsa() {
	openssl_capture tls10-rsa "$(port 10)" "$RSA2 -tls1 $OLD" "$TRUST_RSA -tls1 $OLD"
	install_capture tls10-rsa
}
cap_tls11-rsa() {
	openssl_capture tls11-rsa "$(port 11)" "$RSA2 -tls1_1 $OLD" "$TRUST_RSA -tls1_1 $OLD"
	install_capture tls11-rsa
}
cap_tls12-rsa() {
	openssl_capture tls12-rsa "$(port 12)" "$RSA2 -tls1_2" "$TRUST_RSA -tls1_2"
	install_capture tls12-rsa
}
cap_tls13-rsa() {
	openssl_capture tls13-rsa "$(port 13)" "$RSA2 -tls1_3" "$TRUST_RSA -tls1_3"
	install_capture tls13-rsa
}
cap_tls12-ecdsa() {
	openssl_capture tls12-ecdsa "$(port 14)" \
		"-cert $PKI/ec-server.crt -key $PKI/ec-server.key -cert_chain $PKI/ec-chain3.pem -tls1_2" \
		"-CAfile $PKI/ec-root.crt -verify_return_error -tls1_2"
	install_capture tls12-ecdsa
}
cap_tls12-rsa-chain3() {
	openssl_capture tls12-rsa-chain3 "$(port 15)" "$RSA3 -tls1_2" "$TRUST_RSA -tls1_2"
	install_capture tls12-rsa-chain3
}
cap_tls12-mtls() {
	# -Verify: a client certificate is required.  -CAfile with two roots:
	# s_server sends their names as the CertificateRequest's CA list.
	openssl_capture tls12-mtls "$(port 16)" \
		"$RSA2 -tls1_2 -Verify 2 -verify_return_error -CAfile $PKI/client-cas.pem" \
		"$TRUST_RSA -tls1_2 -cert $PKI/rsa-client.crt -key $PKI/rsa-client.key -cert_chain $PKI/rsa-chain2.pem"
	install_capture tls12-mtls
}
cap_tls12-empty-client-cert() {
	openssl_capture tls12-empty-client-cert "$(port 17)" \
		"$RSA2 -tls1_2 -verify 2 -CAfile $PKI/client-cas.pem" \
		"$TRUST_RSA -tls1_2"
	install_capture tls12-empty-client-cert
}
cap_tls12-chain3-1byte() {
	# Same handshake as tls12-rsa-chain3 (a fresh session), then every TCP
	# segment of the server's first flight is cut to 1 byte of payload.
	openssl_capture tls12-chain3-1byte "$(port 18)" "$RSA3 -tls1_2" "$TRUST_RSA -tls1_2"
	"$PY" "$TOOL" resegment --mss 1 "$WORK/tls12-chain3-1byte.raw.pcap" "$WORK/tls12-chain3-1byte.seg.pcap"
	install_capture tls12-chain3-1byte "$WORK/tls12-chain3-1byte.seg.pcap"
}
cap_xmpp-starttls() {
	local p=5222
	log "xmpp-starttls (port $p)"
	start_tcpdump "$p" "$WORK/xmpp-starttls.raw.pcap"
	start_server "$p" "$WORK/xmpp-starttls.server.log" \
		"$PY" "$TOOL" xmpp-server --port "$p" --cert "$PKI/rsa-server.crt" \
		--key "$PKI/rsa-server.key" --chain "$PKI/rsa-chain2.pem"
	run_client "$WORK/xmpp-starttls.client.log" \
		"$OPENSSL" s_client -connect "127.0.0.1:$p" -starttls xmpp -xmpphost example.com \
		$TRUST_RSA -tls1_2
	wait_server
	stop_tcpdump
	install_capture xmpp-starttls
}
cap_alert-before-ccs() {
	# The client trusts only an unrelated root: it rejects the server chain
	# with a fatal unknown_ca alert, in clear, right after ServerHelloDone.
	openssl_capture alert-before-ccs "$(port 19)" "$RSA2 -tls1_2" \
		"-CAfile $PKI/other-root.crt -verify_return_error -tls1_2"
	install_capture alert-before-ccs
}
cap_alert-after-ccs() {
	# A complete handshake, one application data record from the client
	# (same content type as nothing else: 23, encrypted), then the client
	# closes with close_notify and the server answers with its own
	# close_notify (both encrypted alerts, content type 21).
	CLIENT_INPUT=$'GET / HTTP/1.0\r\n\r\n'
	openssl_capture alert-after-ccs "$(port 20)" "$RSA2 -tls1_2" "$TRUST_RSA -tls1_2"
	CLIENT_INPUT=
	install_capture alert-after-ccs
}
cap_gap-in-certificate() {
	# The 3-certificate RSA handshake; the server's first flight is cut into
	# 500-byte segments and one segment inside the second certificate (after
	# the first certificate is complete) is removed.
	openssl_capture gap-in-certificate "$(port 21)" "$RSA3 -tls1_2" "$TRUST_RSA -tls1_2"
	"$PY" "$TOOL" resegment --mss 500 "$WORK/gap-in-certificate.raw.pcap" "$WORK/gap-in-certificate.seg.pcap"
	"$PY" "$TOOL" drop-in-certificate "$WORK/gap-in-certificate.seg.pcap" "$WORK/gap-in-certificate.gap.pcap"
	install_capture gap-in-certificate "$WORK/gap-in-certificate.gap.pcap"
	# The undamaged re-segmented capture is kept as expected/...orig.pcap so
	# that the expected file can describe (via tshark) what the gap destroyed.
	"$PY" "$TOOL" canonicalize "$WORK/gap-in-certificate.seg.pcap" "$EXP/gap-in-certificate.orig.pcap"
}
cap_tls12-sni-alpn() {
	openssl_capture tls12-sni-alpn "$(port 22)" "$RSA2 -tls1_2 -alpn http/1.1" \
		"$TRUST_RSA -tls1_2 -servername www.example.com -alpn h2,http/1.1"
	install_capture tls12-sni-alpn
}
cap_tls13-hrr() {
	# The client's first key share (X25519) is not acceptable to the server
	# (P-256 only): HelloRetryRequest, second ClientHello with a P-256 share.
	openssl_capture tls13-hrr "$(port 23)" "$RSA2 -tls1_3 -groups P-256" \
		"$TRUST_RSA -tls1_3 -groups X25519:P-256"
	install_capture tls13-hrr
}
cap_sslv2-hello() {
	# An SSLv2-compatible ClientHello offering TLS 1.2 (legacy clients).  It
	# has no signature_algorithms extension, so the server would have to sign
	# with SHA-1, which needs SECLEVEL=0; the server answers with its TLS 1.2
	# flight and the client then just closes the connection.
	local p
	p=$(port 24)
	log "sslv2-hello (port $p)"
	start_tcpdump "$p" "$WORK/sslv2-hello.raw.pcap"
	start_server "$p" "$WORK/sslv2-hello.server.log" \
		"$OPENSSL" s_server -accept "127.0.0.1:$p" -naccept 1 $RSA2 -tls1_2 $OLD
	"$PY" "$TOOL" sslv2-client --port "$p" >"$WORK/sslv2-hello.client.log" 2>&1
	wait_server
	stop_tcpdump
	install_capture sslv2-hello
}
cap_tls13-mtls() {
	# Mutual TLS 1.3 that works: the client's request line is its first
	# application data, the server's tickets follow its Finished.
	CLIENT_INPUT=$'OPTIONS sip:127.0.0.1 SIP/2.0\r\n\r\n'
	openssl_capture tls13-mtls "$(port 25)" \
		"$RSA2 -tls1_3 -Verify 2 -verify_return_error -CAfile $PKI/rsa-root.crt" \
		"$TRUST_RSA -tls1_3 -cert $PKI/rsa-client.crt -key $PKI/rsa-client.key -cert_chain $PKI/rsa-chain2.pem"
	CLIENT_INPUT=
	install_capture tls13-mtls
}
cap_tls13-mtls-rejected() {
	# The same server; the client presents a certificate from a CA the
	# server does not trust (the ECDSA test PKI): the server rejects it
	# with an alert, encrypted as everything after its ServerHello, right
	# after the client's flight, then closes. Without keys the capture
	# shows one short record (19 bytes) and FIN.
	openssl_capture tls13-mtls-rejected "$(port 26)" \
		"$RSA2 -tls1_3 -Verify 2 -verify_return_error -CAfile $PKI/rsa-root.crt" \
		"$TRUST_RSA -tls1_3 -cert $PKI/ec-server.crt -key $PKI/ec-server.key -cert_chain $PKI/ec-int.crt"
	install_capture tls13-mtls-rejected
}
cap_gap-in-leaf() {
	# The client trusts only an unrelated root and rejects the server's
	# 3-certificate chain with unknown_ca; the server's flight is cut into
	# 500-byte segments and one segment inside the FIRST certificate (the
	# leaf) is removed: no certificate of the message can be decoded, yet
	# the message was not empty and the alert answers the server's chain.
	openssl_capture gap-in-leaf "$(port 27)" "$RSA3 -tls1_2" \
		"-CAfile $PKI/other-root.crt -verify_return_error -tls1_2"
	"$PY" "$TOOL" resegment --mss 500 "$WORK/gap-in-leaf.raw.pcap" "$WORK/gap-in-leaf.seg.pcap"
	"$PY" "$TOOL" drop-in-certificate --cert 0 "$WORK/gap-in-leaf.seg.pcap" "$WORK/gap-in-leaf.gap.pcap"
	install_capture gap-in-leaf "$WORK/gap-in-leaf.gap.pcap"
	"$PY" "$TOOL" canonicalize "$WORK/gap-in-leaf.seg.pcap" "$EXP/gap-in-leaf.orig.pcap"
}
cap_nonstandard-port() {
	openssl_capture nonstandard-port 12345 "$RSA2 -tls1_2" "$TRUST_RSA -tls1_2"
	install_capture nonstandard-port
}
cap_small-records() {
	# A TLS 1.2 session on a port no protocol claims, every handshake
	# record of both sides (until their ChangeCipherSpec) cut into records
	# of 8 bytes: found by content, the messages put back together.
	openssl_capture small-records 23456 "$RSA3 -tls1_2" "$TRUST_RSA -tls1_2"
	"$PY" "$TOOL" reframe --size 8 "$WORK/small-records.raw.pcap" "$WORK/small-records.rf.pcap"
	install_capture small-records "$WORK/small-records.rf.pcap"
}

###########################################################################
# Expected files and verification
###########################################################################

make_expected() {	# make_expected NAME OUTDIR
	local name=$1 out=$2 pcap=$HERE/$1.pcap extra=()
	[ -f "$pcap" ] || die "$pcap missing"
	case $name in
	gap-in-certificate | gap-in-leaf) extra=(--original "$EXP/$name.orig.pcap") ;;
	esac
	TSHARK=$TSHARK OPENSSL=$OPENSSL "$PY" "$TOOL" expected "${extra[@]}" "$pcap" > "$out/$name.txt.tmp"
	mv "$out/$name.txt.tmp" "$out/$name.txt"
}

verify_capture() {	# tshark must read it without malformed/error expert items
	local name=$1 pcap=$HERE/$1.pcap
	TSHARK=$TSHARK "$PY" "$TOOL" verify "$pcap" $(case $name in gap-in-*) echo --damaged ;; esac)
}

###########################################################################
# Main
###########################################################################

mode=capture
while [ $# -gt 0 ]; do
	case $1 in
	--pki) mode=pki ;;
	--expected-only) mode=expected ;;
	--check) mode=check ;;
	-h|--help) sed -n '/^# make-tls/,/^$/p' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
	shift
done
names=${*:-$ALL_CAPTURES}
for n in $names; do
	case " ${ALL_CAPTURES//$'\n'/ } " in *" $n "*) ;; *) die "unknown capture $n" ;; esac
done

case $mode in
pki)
	make_pki
	exit 0
	;;
capture)
	[ -f "$PKI/rsa-server.crt" ] || make_pki
	mkdir -p "$EXP"
	for n in $names; do
		"cap_$n"
		verify_capture "$n"
		make_expected "$n" "$EXP"
	done
	;;
expected)
	for n in $names; do
		verify_capture "$n"
		make_expected "$n" "$EXP"
	done
	;;
check)
	mkdir -p "$WORK/expected"
	rc=0
	for n in $names; do
		verify_capture "$n"
		make_expected "$n" "$WORK/expected"
		diff -u "$EXP/$n.txt" "$WORK/expected/$n.txt" || rc=1
	done
	exit $rc
	;;
esac

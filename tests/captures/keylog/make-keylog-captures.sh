#!/bin/bash
# make-keylog-captures.sh - regenerate the key-log decryption test captures:
# real openssl s_server / s_client sessions on 127.0.0.1 with
# `s_client -keylogfile`, recorded with tcpdump -i lo. Each capture NAME.pcap
# comes with NAME.keys, the key log the client wrote (NSS format).
#
# Usage (as root, or with capture rights on lo):
#   ./make-keylog-captures.sh            regenerate every capture
#   ./make-keylog-captures.sh NAME...    only these (e.g. tls13-ccm8)
#   ./make-keylog-captures.sh --pki      (re)create pki/ (done once, committed)
#
# Environment: OPENSSL, TSHARK, TCPDUMP override the tools;
# KEYLOG_CAPTURE_PORT_BASE (default 47500) moves the TCP ports.
#
# What each capture is, and what tlsdiag must find in it, is in README.md
# and expected.txt (written by hand). tests/e2e/test_keylog.sh checks every
# capture against tshark given the same key log.
#
# Option strings ($RSA2, ...) are split on purpose; paths have no blanks.
# shellcheck disable=SC2086
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TLSPKI=$HERE/../tls/pki       # the TLS capture PKI (RSA root, intermediate, leaves)
PKI=$HERE/pki                 # what this directory adds (expired, serverAuth-only clients)
OPENSSL=${OPENSSL:-openssl}
TSHARK=${TSHARK:-tshark}
TCPDUMP=${TCPDUMP:-tcpdump}
PORT_BASE=${KEYLOG_CAPTURE_PORT_BASE:-47500}

# $WORK, PIDS, die, log, an empty openssl.cnf, the servers' stdin (fd 9),
# and the capture helpers (wait_for, start_tcpdump, start_server, ...)
. "$HERE/../capture-lib.sh"
capture_init make-keylog-captures

###########################################################################
# PKI additions (made once, committed; test keys only)
###########################################################################

make_pki() {
	log "creating $PKI"
	mkdir -p "$PKI"
	local t=$WORK/pki
	mkdir -p "$t"
	cat >"$t/ca.cnf" <<'CNF'
[ca]
default_ca = c
[c]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
unique_subject = no
copy_extensions = none
[p]
commonName = supplied
organizationName = optional
countryName = optional
[client_expired]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[client_serveronly]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:client-serveronly.tlsdiag.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF
	: >"$t/index.txt"
	echo 6001 >"$t/serial"
	# issue NAME SUBJECT EXTSECTION STARTDATE ENDDATE
	issue() {
		"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/$1.key" 2>/dev/null
		"$OPENSSL" req -new -key "$PKI/$1.key" -subj "$2" -out "$t/$1.csr"
		(cd "$t" && "$OPENSSL" ca -batch -config ca.cnf -cert "$TLSPKI/rsa-int.crt" \
			-keyfile "$TLSPKI/rsa-int.key" -in "$1.csr" -out "$PKI/$1.crt" -notext \
			-extensions "$3" -startdate "$4" -enddate "$5" 2>/dev/null)
	}
	# Expired two years before the captures were made.
	issue rsa-client-expired "/C=US/O=tlsdiag tests/CN=expired-client.tlsdiag.test" \
		client_expired 20230101000000Z 20240101000000Z
	# The 2026 clientAuth sunset: a server certificate used as a client's.
	issue rsa-client-serveronly "/C=US/O=tlsdiag tests/CN=client-serveronly.tlsdiag.test" \
		client_serveronly 20250101000000Z 20450101000000Z
}

###########################################################################
# Capture plumbing (shared with tests/captures/tls/make-tls-captures.sh)
###########################################################################

port() { echo $((PORT_BASE + $1)); }

# The client sends one request line (and, with KEYUPDATE set, then a line
# "K": s_client's command for a KeyUpdate that asks the peer to update
# too), reads for a moment, then closes with close_notify.
KEYUPDATE=
run_client() {
	local lg=$1
	shift
	(printf 'GET / HTTP/1.0\r\n'; sleep 0.3
	 if [ -n "$KEYUPDATE" ]; then printf 'K\n'; sleep 0.3; printf 'after\n'; fi
	 sleep 0.5) | timeout 20 "$@" >"$lg" 2>&1 || true
}

# capture NAME PORT-OFFSET "SERVER OPTIONS" "CLIENT OPTIONS"
capture() {
	local name=$1 p
	p=$(port "$2")
	log "$name (port $p)"
	rm -f "$WORK/$name.keys"
	start_tcpdump "$p" "$WORK/$name.pcap"
	start_server "$p" "$WORK/$name.server.log" \
		"$OPENSSL" s_server -accept "127.0.0.1:$p" -naccept 1 $3
	run_client "$WORK/$name.client.log" \
		"$OPENSSL" s_client -connect "127.0.0.1:$p" -keylogfile "$WORK/$name.keys" $4
	wait_server
	stop_tcpdump
	[ -s "$WORK/$name.keys" ] || die "$name: the client wrote no key log"
	# tshark must decrypt it with the key log (a record it reads in clear).
	"$TSHARK" -r "$WORK/$name.pcap" -o "tls.keylog_file:$WORK/$name.keys" -Y tls \
		-T fields -e tls.handshake.type -e tls.alert_message.desc >"$WORK/$name.tshark" 2>/dev/null
	grep -q '20' "$WORK/$name.tshark" || die "$name: tshark decrypts no Finished"
	cp "$WORK/$name.pcap" "$HERE/$name.pcap"
	cp "$WORK/$name.keys" "$HERE/$name.keys"
}

###########################################################################
# The captures
###########################################################################

RSA2="-cert $TLSPKI/rsa-server.crt -key $TLSPKI/rsa-server.key -cert_chain $TLSPKI/rsa-chain2.pem"
TRUST_RSA="-CAfile $TLSPKI/rsa-root.crt -verify_return_error"
# Mutual TLS: the server asks for a certificate (-Verify: required), names
# the two test roots as acceptable CAs and trusts the RSA one.
MTLS_SERVER="$RSA2 -Verify 2 -verify_return_error -CAfile $TLSPKI/client-cas.pem -chainCAfile $TLSPKI/rsa-root.crt"
CLIENT_CERT="-cert $TLSPKI/rsa-client.crt -key $TLSPKI/rsa-client.key -cert_chain $TLSPKI/rsa-chain2.pem"
OLD="-cipher DEFAULT@SECLEVEL=0"

# TLS 1.3 (default suite TLS_AES_256_GCM_SHA384), mutual TLS that works.
cap_tls13-mtls() {
	capture tls13-mtls 1 "$MTLS_SERVER -tls1_3" "$TRUST_RSA -tls1_3 $CLIENT_CERT"
}
# The server rejects an expired client certificate: certificate_expired,
# encrypted, right after the client's Finished.
cap_tls13-client-expired() {
	capture tls13-client-expired 2 "$MTLS_SERVER -tls1_3" \
		"$TRUST_RSA -tls1_3 -cert $PKI/rsa-client-expired.crt -key $PKI/rsa-client-expired.key -cert_chain $TLSPKI/rsa-chain2.pem"
}
# The client does not trust the server's CA: unknown_ca, encrypted, after
# the server's flight; the client never sends its certificate.
cap_tls13-unknown-ca() {
	capture tls13-unknown-ca 3 "$MTLS_SERVER -tls1_3" \
		"-CAfile $TLSPKI/other-root.crt -verify_return_error -tls1_3 $CLIENT_CERT"
}
# A client certificate with serverAuth only (the 2026 clientAuth sunset).
cap_tls13-client-serveronly() {
	capture tls13-client-serveronly 4 "$MTLS_SERVER -tls1_3" \
		"$TRUST_RSA -tls1_3 -cert $PKI/rsa-client-serveronly.crt -key $PKI/rsa-client-serveronly.key -cert_chain $TLSPKI/rsa-chain2.pem"
}
# The server requires a certificate, the client has none: an empty
# Certificate, then certificate_required.
cap_tls13-no-client-cert() {
	capture tls13-no-client-cert 5 "$MTLS_SERVER -tls1_3" "$TRUST_RSA -tls1_3"
}
# HelloRetryRequest (X25519 share, server wants P-256), then mutual TLS.
cap_tls13-hrr() {
	capture tls13-hrr 6 "$MTLS_SERVER -tls1_3 -groups P-256" \
		"$TRUST_RSA -tls1_3 -groups X25519:P-256 $CLIENT_CERT"
}
# Each TLS 1.3 AEAD (both ends allow only that suite).
cap_tls13-aes128gcm() {
	capture tls13-aes128gcm 7 "$RSA2 -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256" \
		"$TRUST_RSA -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256"
}
cap_tls13-chacha20() {
	capture tls13-chacha20 8 "$RSA2 -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256" \
		"$TRUST_RSA -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256"
}
cap_tls13-ccm() {
	capture tls13-ccm 9 "$MTLS_SERVER -tls1_3 -ciphersuites TLS_AES_128_CCM_SHA256" \
		"$TRUST_RSA -tls1_3 -ciphersuites TLS_AES_128_CCM_SHA256 $CLIENT_CERT"
}
cap_tls13-ccm8() {
	capture tls13-ccm8 10 "$MTLS_SERVER -tls1_3 -ciphersuites TLS_AES_128_CCM_8_SHA256" \
		"$TRUST_RSA -tls1_3 -ciphersuites TLS_AES_128_CCM_8_SHA256 $CLIENT_CERT"
}
# The client asks for a KeyUpdate after its request: its close_notify is
# under the next application secret, the server's answer too.
cap_tls13-keyupdate() {
	KEYUPDATE=1
	capture tls13-keyupdate 11 "$RSA2 -tls1_3" "$TRUST_RSA -tls1_3"
	KEYUPDATE=
}
# TLS 1.2 and earlier: the client logs CLIENT_RANDOM master secrets.
cap_tls12-gcm() {
	capture tls12-gcm 20 "$MTLS_SERVER -tls1_2" \
		"$TRUST_RSA -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 $CLIENT_CERT"
}
cap_tls12-gcm384() {
	capture tls12-gcm384 21 "$RSA2 -tls1_2" "$TRUST_RSA -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384"
}
cap_tls12-chacha20() {
	capture tls12-chacha20 22 "$RSA2 -tls1_2" "$TRUST_RSA -tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305"
}
# AES-CBC: encrypt_then_mac (OpenSSL's default), then MAC-then-encrypt.
cap_tls12-cbc-sha() {
	capture tls12-cbc-sha 23 "$RSA2 -tls1_2" "$TRUST_RSA -tls1_2 -cipher ECDHE-RSA-AES128-SHA"
}
cap_tls12-cbc-sha256-noetm() {
	capture tls12-cbc-sha256-noetm 24 "$RSA2 -tls1_2 -no_etm" \
		"$TRUST_RSA -tls1_2 -no_etm -cipher ECDHE-RSA-AES128-SHA256"
}
cap_tls12-cbc-sha384() {
	capture tls12-cbc-sha384 25 "$RSA2 -tls1_2" "$TRUST_RSA -tls1_2 -cipher ECDHE-RSA-AES256-SHA384"
}
cap_tls12-ccm() {
	capture tls12-ccm 26 "$RSA2 -tls1_2 -cipher AES128-CCM" "$TRUST_RSA -tls1_2 -cipher AES128-CCM"
}
cap_tls12-ccm8() {
	capture tls12-ccm8 27 "$RSA2 -tls1_2 -cipher AES128-CCM8" "$TRUST_RSA -tls1_2 -cipher AES128-CCM8"
}
# Explicit IVs (TLS 1.1) and chained IVs (TLS 1.0), MAC-then-encrypt.
cap_tls11-cbc() {
	capture tls11-cbc 28 "$RSA2 -tls1_1 $OLD -no_etm" "$TRUST_RSA -tls1_1 $OLD -no_etm -cipher ECDHE-RSA-AES256-SHA@SECLEVEL=0"
}
cap_tls10-cbc() {
	capture tls10-cbc 29 "$RSA2 -tls1 $OLD -no_etm" "$TRUST_RSA -tls1 $OLD -no_etm -cipher ECDHE-RSA-AES128-SHA@SECLEVEL=0"
}
cap_tls10-cbc-etm() {
	capture tls10-cbc-etm 30 "$RSA2 -tls1 $OLD" "$TRUST_RSA -tls1 $OLD -cipher ECDHE-RSA-AES128-SHA@SECLEVEL=0"
}

ALL="tls13-mtls tls13-client-expired tls13-unknown-ca tls13-client-serveronly
tls13-no-client-cert tls13-hrr tls13-aes128gcm tls13-chacha20 tls13-ccm tls13-ccm8
tls13-keyupdate tls12-gcm tls12-gcm384 tls12-chacha20 tls12-cbc-sha
tls12-cbc-sha256-noetm tls12-cbc-sha384 tls12-ccm tls12-ccm8 tls11-cbc tls10-cbc
tls10-cbc-etm"

if [ "${1:-}" = --pki ]; then
	make_pki
	exit 0
fi
[ -f "$PKI/rsa-client-expired.crt" ] || make_pki
for n in ${*:-$ALL}; do
	case " ${ALL//$'\n'/ } " in *" $n "*) ;; *) die "unknown capture $n" ;; esac
	"cap_$n"
done

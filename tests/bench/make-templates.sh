#!/bin/bash
# Option strings are split on purpose; paths must not contain blanks.
# shellcheck disable=SC2086
# make-templates.sh - record the real TLS 1.2 handshakes that the benchmark
# generator (make-bench-captures.py) replays, and the PKI they use.
#
# Each template is one openssl s_server / s_client connection on 127.0.0.1,
# recorded with tcpdump -i lo into templates/<name>.pcap. The generator
# takes only the TLS bytes of each direction and how they group into
# flights; it re-frames them into its own TCP segments. Run once (as root,
# or with capture rights on lo) and commit pki/ and templates/ together:
#
#   tests/bench/make-templates.sh            PKI (if missing) + all templates
#   tests/bench/make-templates.sh NAME...    only these templates
#   tests/bench/make-templates.sh --pki      recreate the PKI (then redo all)
#
# The PKI holds test keys only. Three RSA hierarchies give sent chains of
# 2, 3 and 4 certificates; an ECDSA one gives a chain of 3; "other" is a CA
# nobody trusts (client certificates a server rejects). The generator
# re-signs the server and client leaves with the intermediates' keys to make
# many distinct certificates of identical length (see its --help).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PKI=$HERE/pki
OUT=$HERE/templates
OPENSSL=${OPENSSL:-openssl}
TCPDUMP=${TCPDUMP:-tcpdump}
PORT_BASE=${BENCH_TEMPLATE_PORT_BASE:-44300}

WORK=$(mktemp -d /tmp/bench-templates.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	exec 9>&- 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
die() { echo "make-templates: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

# No host openssl.cnf policy may change what is negotiated.
: > "$WORK/openssl.cnf"
export OPENSSL_CONF=$WORK/openssl.cnf
# s_server quits on EOF of stdin: give it a FIFO nobody writes to.
mkfifo "$WORK/hold"
exec 9<>"$WORK/hold"

make_pki() {
	log "creating the PKI in $PKI"
	rm -rf "$PKI"
	mkdir -p "$PKI"
	cat > "$WORK/ext.cnf" <<'EOF'
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[int1]
basicConstraints = critical, CA:TRUE, pathlen:1
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[int0]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
authorityInfoAccess = caIssuers;URI:http://pki.bench.test/ca.crt

[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.bench.test, DNS:*.bench.test, DNS:bench.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
crlDistributionPoints = URI:http://pki.bench.test/int.crl

[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:client.bench.test, email:client@bench.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
	rsakey() { "$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/$1.key" 2>/dev/null; }
	eckey() { "$OPENSSL" genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$2" \
		-pkeyopt ec_param_enc:named_curve -out "$PKI/$1.key"; }
	# cert NAME SUBJECT ISSUER|self SERIAL EXT DIGEST
	cert() {
		"$OPENSSL" req -new -utf8 -key "$PKI/$1.key" -subj "$2" -out "$WORK/$1.csr"
		if [ "$3" = self ]; then
			"$OPENSSL" x509 -req -in "$WORK/$1.csr" -signkey "$PKI/$1.key" -set_serial "$4" \
				-days 7300 "-$6" -extfile "$WORK/ext.cnf" -extensions "$5" \
				-out "$PKI/$1.crt" 2>/dev/null
		else
			"$OPENSSL" x509 -req -in "$WORK/$1.csr" -CA "$PKI/$3.crt" -CAkey "$PKI/$3.key" \
				-set_serial "$4" -days 7300 "-$6" -extfile "$WORK/ext.cnf" -extensions "$5" \
				-out "$PKI/$1.crt" 2>/dev/null
		fi
	}
	# B: root -> int -> server / client leaves (chains of 2 and 3).
	rsakey b-root; cert b-root "/C=US/O=Bench B/CN=Bench B Root CA" self 0x0b01 root sha256
	rsakey b-int; cert b-int "/C=US/O=Bench B/CN=Bench B Issuing CA 1" b-root 0x0b02 int0 sha256
	rsakey b-server; cert b-server "/C=US/O=Bench Shop/CN=www.bench.test" b-int \
		0x42a1c3e5f70911b3d5f7092b4d6f8011 server sha256
	rsakey b-client; cert b-client "/C=DE/O=Bench Shop/OU=Clients/CN=client.bench.test" b-int \
		0x43a1c3e5f70911b3d5f7092b4d6f8012 client sha256
	# A: root -> int1 -> int2 -> server / client leaves (chains of 4).
	rsakey a-root; cert a-root "/C=US/O=Bench A/CN=Bench A Root CA" self 0x0a01 root sha256
	rsakey a-int1; cert a-int1 "/C=US/O=Bench A/CN=Bench A Policy CA" a-root 0x0a02 int1 sha256
	rsakey a-int2; cert a-int2 "/C=US/O=Bench A/CN=Bench A Issuing CA 7" a-int1 0x0a03 int0 sha256
	rsakey a-server; cert a-server "/C=US/O=Bench API/CN=api.bench.test" a-int2 \
		0x52a1c3e5f70911b3d5f7092b4d6f8021 server sha256
	rsakey a-client; cert a-client "/C=FR/O=Bench API/OU=Devices/CN=device.bench.test" a-int2 \
		0x53a1c3e5f70911b3d5f7092b4d6f8022 client sha256
	# E: ECDSA P-384 root and intermediate, P-256 leaf (chain of 3).
	eckey e-root P-384; cert e-root "/C=US/O=Bench E/CN=Bench E ECC Root" self 0x0e01 root sha384
	eckey e-int P-384; cert e-int "/C=US/O=Bench E/CN=Bench E ECC CA" e-root 0x0e02 int0 sha384
	eckey e-server P-256; cert e-server "/C=US/O=Bench Edge/CN=edge.bench.test" e-int 0x0e03 server sha384
	# O: a CA no server here trusts, with a client leaf.
	rsakey o-root; cert o-root "/C=US/O=Elsewhere/CN=Elsewhere Root CA" self 0x0f01 root sha256
	rsakey o-int; cert o-int "/C=US/O=Elsewhere/CN=Elsewhere Issuing CA" o-root 0x0f02 int0 sha256
	rsakey o-client; cert o-client "/C=US/O=Elsewhere/CN=laptop.elsewhere.test" o-int 0x0f03 client sha256

	cat "$PKI/b-int.crt" > "$PKI/b-chain2.pem"
	cat "$PKI/b-int.crt" "$PKI/b-root.crt" > "$PKI/b-chain3.pem"
	cat "$PKI/a-int2.crt" "$PKI/a-int1.crt" "$PKI/a-root.crt" > "$PKI/a-chain4.pem"
	cat "$PKI/e-int.crt" "$PKI/e-root.crt" > "$PKI/e-chain3.pem"
	cat "$PKI/o-int.crt" > "$PKI/o-chain2.pem"
	cat "$PKI/b-root.crt" "$PKI/a-root.crt" > "$PKI/client-cas.pem"
	"$OPENSSL" verify -CAfile "$PKI/b-root.crt" -untrusted "$PKI/b-int.crt" \
		"$PKI/b-server.crt" "$PKI/b-client.crt" >/dev/null
	"$OPENSSL" verify -CAfile "$PKI/a-root.crt" -untrusted "$PKI/a-chain4.pem" \
		"$PKI/a-server.crt" "$PKI/a-client.crt" >/dev/null
	"$OPENSSL" verify -CAfile "$PKI/e-root.crt" -untrusted "$PKI/e-int.crt" "$PKI/e-server.crt" >/dev/null
	"$OPENSSL" verify -CAfile "$PKI/o-root.crt" -untrusted "$PKI/o-int.crt" "$PKI/o-client.crt" >/dev/null
	rm -f "$PKI"/*.srl
}

wait_for() { # wait_for WHAT CMD...
	local what=$1 _
	shift
	for _ in $(seq 200); do
		if "$@"; then return 0; fi
		sleep 0.05
	done
	die "timed out waiting for $what"
}
listening() { ss -Hltn "sport = :$1" | grep -q .; }

# record NAME PORT "SERVER OPTIONS" "CLIENT OPTIONS" [CLIENT INPUT]
record() {
	local name=$1 p=$2 sopts=$3 copts=$4 input=${5:-}
	log "$name (port $p)"
	"$TCPDUMP" -i lo -U --immediate-mode -n -s 0 -w "$WORK/$name.pcap" "tcp port $p" \
		2>"$WORK/tcpdump.err" &
	local tpid=$!
	PIDS+=("$tpid")
	wait_for "tcpdump" grep -q "listening on" "$WORK/tcpdump.err"
	"$OPENSSL" s_server -accept "127.0.0.1:$p" -naccept 1 $sopts <&9 >"$WORK/$name.s.log" 2>&1 &
	local spid=$!
	PIDS+=("$spid")
	wait_for "s_server on $p" listening "$p"
	(printf '%b' "$input"; sleep 0.5) |
		timeout 20 "$OPENSSL" s_client -connect "127.0.0.1:$p" $copts >"$WORK/$name.c.log" 2>&1 || true
	local _
	for _ in $(seq 100); do kill -0 "$spid" 2>/dev/null || break; sleep 0.05; done
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	sleep 0.3
	kill -INT "$tpid"
	wait "$tpid" || true
	mkdir -p "$OUT"
	cp "$WORK/$name.pcap" "$OUT/$name.pcap"
}

# Servers: TLS 1.2 only, SNI expected. Clients verify (and say why not with
# an alert) and send one HTTP request so there is application data.
B2="-cert $PKI/b-server.crt -key $PKI/b-server.key -cert_chain $PKI/b-chain2.pem"
B3="-cert $PKI/b-server.crt -key $PKI/b-server.key -cert_chain $PKI/b-chain3.pem"
A4="-cert $PKI/a-server.crt -key $PKI/a-server.key -cert_chain $PKI/a-chain4.pem"
E3="-cert $PKI/e-server.crt -key $PKI/e-server.key -cert_chain $PKI/e-chain3.pem"
SRV="-tls1_2 -www"
CLI="-tls1_2 -servername www.bench.test -verify_return_error"
TB="-CAfile $PKI/b-root.crt"
TA="-CAfile $PKI/a-root.crt"
TE="-CAfile $PKI/e-root.crt"
REQ='GET / HTTP/1.1\r\nHost: www.bench.test\r\n\r\n'
MTLS_B="-Verify 4 -verify_return_error -CAfile $PKI/client-cas.pem"
MTLS_A="-Verify 4 -verify_return_error -CAfile $PKI/a-root.crt"

ALL="b2-ok b2-unknown-ca b2-bad-certificate b2-handshake-failure b3-ok b3-unknown-ca
a4-ok a4-bad-certificate e3-ok mb2-ok mb3-ok ma4-ok mb-unknown-ca mb-unsupported-certificate
mb-no-certificate ob-empty-ok"

tmpl() { # the recipe of one template
	local n=$1 i=0 x
	for x in $ALL; do [ "$x" = "$n" ] && break; i=$((i + 1)); done
	local p=$((PORT_BASE + i))
	case $n in
	b2-ok) record "$n" $p "$B2 $SRV" "$CLI $TB" "$REQ" ;;
	b2-unknown-ca) record "$n" $p "$B2 $SRV" "$CLI $TA" ;;
	b2-bad-certificate) record "$n" $p "$B2 $SRV" "$CLI $TB -verify_hostname shop.example.org" ;;
	b2-handshake-failure)
		record "$n" $p "$B2 $SRV -cipher ECDHE-RSA-AES128-GCM-SHA256" "$CLI $TB -cipher AES256-SHA" ;;
	b3-ok) record "$n" $p "$B3 $SRV" "$CLI $TB" "$REQ" ;;
	b3-unknown-ca) record "$n" $p "$B3 $SRV" "$CLI $TE" ;;
	a4-ok) record "$n" $p "$A4 $SRV" "$CLI $TA -servername api.bench.test" "$REQ" ;;
	a4-bad-certificate) record "$n" $p "$A4 $SRV" "$CLI $TA -verify_hostname api.example.org" ;;
	e3-ok) record "$n" $p "$E3 $SRV" "$CLI $TE -servername edge.bench.test" "$REQ" ;;
	mb2-ok) record "$n" $p "$B2 $SRV $MTLS_B" \
		"$CLI $TB -cert $PKI/b-client.crt -key $PKI/b-client.key -cert_chain $PKI/b-chain2.pem" "$REQ" ;;
	mb3-ok) record "$n" $p "$B3 $SRV $MTLS_B" \
		"$CLI $TB -cert $PKI/b-client.crt -key $PKI/b-client.key -cert_chain $PKI/b-chain3.pem" "$REQ" ;;
	ma4-ok) record "$n" $p "$A4 $SRV $MTLS_A" \
		"$CLI $TA -servername api.bench.test -cert $PKI/a-client.crt -key $PKI/a-client.key -cert_chain $PKI/a-chain4.pem" "$REQ" ;;
	mb-unknown-ca) record "$n" $p "$B2 $SRV -Verify 4 -verify_return_error -CAfile $PKI/b-root.crt" \
		"$CLI $TB -cert $PKI/o-client.crt -key $PKI/o-client.key -cert_chain $PKI/o-chain2.pem" ;;
	mb-unsupported-certificate) record "$n" $p "$B2 $SRV $MTLS_B" \
		"$CLI $TB -cert $PKI/b-server.crt -key $PKI/b-server.key -cert_chain $PKI/b-chain2.pem" ;;
	mb-no-certificate) record "$n" $p "$B2 $SRV $MTLS_B" "$CLI $TB" ;;
	ob-empty-ok) record "$n" $p "$B2 $SRV -verify 4 -CAfile $PKI/client-cas.pem" "$CLI $TB" "$REQ" ;;
	*) die "unknown template $n" ;;
	esac
}

if [ "${1:-}" = --pki ]; then
	make_pki
	exit 0
fi
[ -s "$PKI/b-int.key" ] || make_pki
names=${*:-$ALL}
for n in $names; do tmpl "$n"; done
log "done: $(cd "$OUT" && echo $names | wc -w) template(s) in $OUT"

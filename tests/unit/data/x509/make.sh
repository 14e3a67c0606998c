#!/bin/sh
# make.sh - generate the X.509 test PKI for tests/unit/test_x509.c and,
# for every certificate, a <name>.expect file whose values come from the
# openssl CLI (never from tlsdiag), so the unit test checks our decoder
# against an independent implementation.
#
# The outputs are committed. The build never runs this script: rerunning it
# makes new keys, serials and dates, so every file changes; do that only
# when adding a case, then review and commit all outputs together.
#
#   cd tests/unit/data/x509 && ./make.sh        (needs openssl 3.x)
#
# Outputs (all in this directory):
#   <name>.pem / <name>.der   one certificate, PEM and DER
#   <name>.expect             key=value lines from openssl (format below)
#   chain.p7b, chain-pem.p7b  PKCS#7 (leaf, intermediate, root), DER and PEM
#   bundle.pem                several certificates with other blocks between
#   corrupt-trunc.der         leaf-rsa.der cut in half
#   corrupt-len.der           leaf-rsa.der with the TBSCertificate length
#                             byte changed
#
# .expect format: one "key=value" per line; keys may repeat (lists, in
# openssl's order). Keys: parse (ok|fail), version, subject, issuer (RFC 2253
# as `-nameopt RFC2253` prints), serial (openssl's hex), not_before,
# not_after (`-dateopt iso_8601`), sha1, sha256 (colon hex), sig_alg,
# key_alg, key_bits, key_curve, san (openssl's one-line list), eku (long
# names), ku, bc, ski, aki, crl_dp, ocsp, ca_issuers, policy; for files
# holding several certificates: count and cert=<sha256> in file order.
set -eu
OPENSSL=${OPENSSL:-openssl}
cd "$(dirname "$0")"
out=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -f ./*.pem ./*.der ./*.p7b ./*.expect

rsakey() { "$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"${2:-2048}" -out "$tmp/$1.key" 2>/dev/null; }
eckey() { "$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:"$2" -out "$tmp/$1.key"; }
edkey() { "$OPENSSL" genpkey -algorithm "$2" -out "$tmp/$1.key"; }

# ext <name> <lines...>: write an extension section file.
ext() {
	f="$tmp/$1.ext"
	shift
	printf '%s\n' "$@" >"$f"
}

# selfsign <name> <subject> <digest> [extfile] [-multivalue-rdn ...]
selfsign() {
	n=$1 subj=$2 md=$3 extf=$4
	shift 4
	"$OPENSSL" req -new -utf8 -key "$tmp/$n.key" -subj "$subj" "$@" -out "$tmp/$n.csr"
	set -- -req -in "$tmp/$n.csr" -key "$tmp/$n.key" -days 7300 -out "$out/$n.pem"
	[ "$md" = none ] || set -- "$@" "-$md"
	"$OPENSSL" x509 "$@" -extfile "$extf" -extensions ext
}

# sign <name> <subject> <ca> <digest> <extfile> [serial] [req options...]
sign() {
	n=$1 subj=$2 ca=$3 md=$4 extf=$5 serial=${6:-}
	shift 5
	[ $# -gt 0 ] && shift
	"$OPENSSL" req -new -utf8 -key "$tmp/$n.key" -subj "$subj" "$@" -out "$tmp/$n.csr"
	set -- -req -in "$tmp/$n.csr" -CA "$out/$ca.pem" -CAkey "$tmp/$ca.key" \
		-days 3650 -out "$out/$n.pem" -extfile "$extf" -extensions ext
	[ "$md" = none ] || set -- "$@" "-$md"
	if [ -n "$serial" ]; then
		set -- "$@" -set_serial "$serial"
	else
		set -- "$@" -CAcreateserial -CAserial "$tmp/$ca.srl"
	fi
	"$OPENSSL" x509 "$@"
}

# A req configuration that names the unusual subject OID (only req knows the
# name; every other openssl command sees 1.3.6.1.4.1.6449.1.2.1.5.1) and
# lets req pick PrintableString, T61String or BMPString by content.
cat >"$tmp/req.cnf" <<CNF
oid_section = oids
[oids]
oddAttr = 1.3.6.1.4.1.6449.1.2.1.5.1
[req]
distinguished_name = dn
string_mask = default
[dn]
CNF

# --- the RSA hierarchy -------------------------------------------------------
rsakey root-rsa
ext root-rsa "[ext]" "basicConstraints=critical,CA:TRUE" \
	"keyUsage=critical,keyCertSign,cRLSign" "subjectKeyIdentifier=hash"
selfsign root-rsa "/C=US/O=tlsdiag test/CN=tlsdiag Test Root CA" sha256 "$tmp/root-rsa.ext"

rsakey int-rsa
ext int-rsa "[ext]" "basicConstraints=critical,CA:TRUE,pathlen:0" \
	"keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
	"subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid:always" \
	"crlDistributionPoints=URI:http://crl.example.com/root.crl" \
	"authorityInfoAccess=caIssuers;URI:http://ca.example.com/root.crt"
sign int-rsa "/C=US/O=tlsdiag test/OU=Issuing/CN=tlsdiag Test Intermediate CA" \
	root-rsa sha256 "$tmp/int-rsa.ext"

rsakey leaf-rsa
ext leaf-rsa "[ext]" "basicConstraints=CA:FALSE" \
	"keyUsage=critical,digitalSignature,keyEncipherment" \
	"extendedKeyUsage=serverAuth,clientAuth" \
	"subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" \
	"subjectAltName=DNS:expressway.example.com,DNS:exp1.example.com,DNS:exp2.example.com,IP:10.0.0.1,IP:2001:db8::1,IP:fe80::1:0:0:2,email:admin@example.com,URI:sip:exp.example.com" \
	"crlDistributionPoints=URI:http://crl.example.com/int.crl,URI:ldap://ldap.example.com/cn=int" \
	"authorityInfoAccess=OCSP;URI:http://ocsp.example.com,caIssuers;URI:http://ca.example.com/int.crt" \
	"certificatePolicies=2.23.140.1.2.2,1.3.6.1.4.1.99999.1.2"
sign leaf-rsa "/C=US/ST=California/L=San Jose/O=Acme, Inc./OU=R\\+D/CN=expressway.example.com" \
	int-rsa sha256 "$tmp/leaf-rsa.ext"

# --- ECDSA: P-384 CA, P-256 leaf ---------------------------------------------
eckey ca-p384 secp384r1
ext ca-p384 "[ext]" "basicConstraints=critical,CA:TRUE" \
	"keyUsage=critical,keyCertSign,cRLSign" "subjectKeyIdentifier=hash"
selfsign ca-p384 "/O=tlsdiag test/CN=tlsdiag Test ECDSA CA" sha384 "$tmp/ca-p384.ext"

eckey leaf-p256 prime256v1
ext leaf-p256 "[ext]" "keyUsage=critical,digitalSignature" \
	"extendedKeyUsage=serverAuth" "subjectAltName=DNS:cucm.example.com" \
	"subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid"
sign leaf-p256 "/O=tlsdiag test/CN=cucm.example.com" ca-p384 sha384 "$tmp/leaf-p256.ext"

# --- EdDSA (self-signed) ----------------------------------------------------------
edkey ed25519 ED25519
ext ed25519 "[ext]" "basicConstraints=critical,CA:TRUE" "subjectKeyIdentifier=hash"
selfsign ed25519 "/CN=tlsdiag Ed25519" none "$tmp/ed25519.ext"

edkey ed448 ED448
ext ed448 "[ext]" "extendedKeyUsage=serverAuth,1.3.6.1.4.1.311.10.3.3,ipsecEndSystem,1.3.6.1.4.1.99999.3.1"
selfsign ed448 "/CN=tlsdiag Ed448" none "$tmp/ed448.ext"

# --- leaves signed by the intermediate with one property each ----------------
leafext="basicConstraints=CA:FALSE"
rsakey sha1 1024
ext sha1 "[ext]" "$leafext" "extendedKeyUsage=serverAuth" "subjectAltName=DNS:old.example.com"
sign sha1 "/CN=old.example.com" int-rsa sha1 "$tmp/sha1.ext"

rsakey oddoid
ext oddoid "[ext]" "$leafext" "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=DNS:odd.example.com"
sign oddoid "/C=GB/oddAttr=foo/CN=odd.example.com" int-rsa sha256 "$tmp/oddoid.ext" "" \
	-config "$tmp/req.cnf"

rsakey nosan
ext nosan "[ext]" "$leafext" "keyUsage=digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth,clientAuth"
sign nosan "/O=tlsdiag test/CN=cucm-pub.example.com" int-rsa sha256 "$tmp/nosan.ext"

rsakey noeku
ext noeku "[ext]" "$leafext" "subjectAltName=DNS:noeku.example.com"
sign noeku "/CN=noeku.example.com" int-rsa sha256 "$tmp/noeku.ext"

rsakey highserial
ext highserial "[ext]" "$leafext" "extendedKeyUsage=clientAuth"
sign highserial "/CN=highserial.example.com" int-rsa sha256 "$tmp/highserial.ext" 0x8f00a1b2c3d4e5f60718293a4b5c6d7e

# Names that need RFC 4514 escaping, a multi-valued RDN, UTF-8, DC, email.
rsakey names
ext names "[ext]" "$leafext" \
	"subjectAltName=DNS:names.example.com,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:upn@example.com,DNS:*.wild.example.com,RID:1.2.3.4,dirName:dir_sect" \
	"certificatePolicies=2.25.329800735698586629295641978511506172918" \
	"[dir_sect]" "CN=dir name"
uuml=$(printf '\303\274')
sign names "/DC=com/DC=example/O=Z${uuml}rich \"Q\" <x>; a\\\\b/OU=#hash/OU=sales+UID=u1/CN=lead and trail /emailAddress=pki@example.com/serialNumber=1234" \
	int-rsa sha512 "$tmp/names.ext" "" -multivalue-rdn

# T61String (Latin-1), BMPString and leading/trailing spaces.
rsakey names2
ext names2 "[ext]" "$leafext"
euro=$(printf '\342\202\254')
sign names2 "/O=Z${uuml}rich/OU=${euro}uro/CN= spaced " int-rsa sha256 "$tmp/names2.ext" "" \
	-config "$tmp/req.cnf"

rsakey pss
ext pss "[ext]" "$leafext" "subjectAltName=DNS:pss.example.com"
"$OPENSSL" req -new -key "$tmp/pss.key" -subj "/CN=pss.example.com" -out "$tmp/pss.csr"
"$OPENSSL" x509 -req -in "$tmp/pss.csr" -CA "$out/int-rsa.pem" -CAkey "$tmp/int-rsa.key" \
	-days 3650 -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 \
	-set_serial 0x5055 -extfile "$tmp/pss.ext" -extensions ext -out "$out/pss.pem"

# RSA 8192 (Expressway's SIP TLS zones fail with it; wolfSSL as Debian
# builds it stops at 4096 bits for signatures).
rsakey rsa8192 8192
ext rsa8192 "[ext]" "basicConstraints=critical,CA:TRUE" "subjectKeyIdentifier=hash"
selfsign rsa8192 "/CN=tlsdiag RSA 8192" sha256 "$tmp/rsa8192.ext"

# A version 1 certificate (no extensions at all).
rsakey v1
"$OPENSSL" req -new -key "$tmp/v1.key" -subj "/CN=v1.example.com" -out "$tmp/v1.csr"
"$OPENSSL" x509 -req -in "$tmp/v1.csr" -CA "$out/int-rsa.pem" -CAkey "$tmp/int-rsa.key" \
	-days 3650 -sha256 -set_serial 1 -out "$out/v1.pem"

# Dates outside 1970..2049: `openssl ca` is the CLI that takes explicit
# dates. 1999 is a UTCTime, 2051 and 9999 GeneralizedTime, 1965 a UTCTime
# before the epoch.
mkdir -p "$tmp/ca"
: >"$tmp/ca/index.txt"
cat >"$tmp/ca.cnf" <<CNF
[ca]
default_ca = d
[d]
database = $tmp/ca/index.txt
new_certs_dir = $tmp/ca
serial = $tmp/ca/serial
policy = p
default_md = sha256
unique_subject = no
copy_extensions = none
x509_extensions = ext
[p]
commonName = supplied
[ext]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
CNF
echo 1999 >"$tmp/ca/serial"
rsakey dates
"$OPENSSL" req -new -key "$tmp/dates.key" -subj "/CN=dates.example.com" -out "$tmp/dates.csr"
"$OPENSSL" ca -batch -notext -config "$tmp/ca.cnf" -cert "$out/int-rsa.pem" -keyfile "$tmp/int-rsa.key" \
	-startdate 19990101000000Z -enddate 20510630235959Z -in "$tmp/dates.csr" -out "$out/dates.pem" 2>/dev/null
rsakey dates2
"$OPENSSL" req -new -key "$tmp/dates2.key" -subj "/CN=dates2.example.com" -out "$tmp/dates2.csr"
"$OPENSSL" ca -batch -notext -config "$tmp/ca.cnf" -cert "$out/int-rsa.pem" -keyfile "$tmp/int-rsa.key" \
	-startdate 19650315123456Z -enddate 99991231235959Z -in "$tmp/dates2.csr" -out "$out/dates2.pem" 2>/dev/null

SINGLE="root-rsa int-rsa leaf-rsa ca-p384 leaf-p256 ed25519 ed448 sha1 oddoid nosan noeku highserial names names2 pss rsa8192 v1 dates dates2"

# --- expected values, from openssl ----------------------------------------------
# section <text-file> <header>: the indented lines under an extension header.
section() {
	awk -v h="$2" '
		index($0, h ":") { on = 1; next }
		on && /^            [^ ]/ { exit }
		on && /^    [^ ]/ { exit }
		on { sub(/^ +/, ""); print }' "$1"
}

expect() {
	n=$1 pem="$out/$1.pem"
	x() { "$OPENSSL" x509 -in "$pem" -noout "$@"; }
	x -text >"$tmp/$n.txt"
	t="$tmp/$n.txt"
	{
		echo "parse=ok"
		sed -n 's/^ *Version: \([0-9]*\) .*/version=\1/p' "$t"
		x -subject -nameopt RFC2253 | sed 's/^subject=/subject=/'
		x -issuer -nameopt RFC2253 | sed 's/^issuer=/issuer=/'
		x -serial | sed 's/^serial=/serial=/'
		x -startdate -dateopt iso_8601 | sed 's/^notBefore=/not_before=/'
		x -enddate -dateopt iso_8601 | sed 's/^notAfter=/not_after=/'
		x -fingerprint -sha1 | sed 's/^.*Fingerprint=/sha1=/'
		x -fingerprint -sha256 | sed 's/^.*Fingerprint=/sha256=/'
		sed -n 's/^    Signature Algorithm: \(.*\)/sig_alg=\1/p' "$t" | head -n 1
		sed -n 's/^ *Public Key Algorithm: \(.*\)/key_alg=\1/p' "$t"
		sed -n 's/^ *\(RSA \)\{0,1\}Public-Key: (\([0-9]*\) bit)/key_bits=\2/p' "$t"
		sed -n 's/^ *ASN1 OID: \(.*\)/key_curve=\1/p' "$t"
		section "$t" "X509v3 Subject Alternative Name" | sed 's/^/san=/'
		section "$t" "X509v3 Extended Key Usage" | sed 's/^/eku=/'
		section "$t" "X509v3 Key Usage" | sed 's/^/ku=/'
		section "$t" "X509v3 Basic Constraints" | sed 's/^/bc=/'
		section "$t" "X509v3 Subject Key Identifier" | sed 's/^/ski=/'
		section "$t" "X509v3 Authority Key Identifier" | sed 's/^keyid://; s/^/aki=/'
		section "$t" "X509v3 CRL Distribution Points" | sed -n 's/^URI:/crl_dp=/p'
		section "$t" "Authority Information Access" | sed -n 's/^OCSP - URI:/ocsp=/p'
		section "$t" "Authority Information Access" | sed -n 's/^CA Issuers - URI:/ca_issuers=/p'
		section "$t" "X509v3 Certificate Policies" | sed -n 's/^Policy: /policy=/p'
		printf 'spki_sha256='
		x -pubkey | "$OPENSSL" pkey -pubin -outform DER | "$OPENSSL" dgst -sha256 -c |
			tr a-f A-F | sed 's/^.*= //'
	} >"$out/$n.expect"
	"$OPENSSL" x509 -in "$pem" -outform DER -out "$out/$n.der"
}

for n in $SINGLE; do
	expect "$n"
done

# fps <file...>: cert=<sha256> for each PEM certificate in the given files.
fps() {
	cat "$@" | awk -v d="$tmp" '
		/-----BEGIN CERTIFICATE-----/ { f = sprintf("%s/split%03d.pem", d, ++n) }
		f { print > f }
		/-----END CERTIFICATE-----/ { close(f); f = "" }'
	for f in "$tmp"/split*.pem; do
		"$OPENSSL" x509 -in "$f" -noout -fingerprint -sha256 | sed 's/^.*Fingerprint=/cert=/'
	done
	rm -f "$tmp"/split*.pem
}

# PKCS#7 chains, as CUCM and Expressway export them.
"$OPENSSL" crl2pkcs7 -nocrl -certfile "$out/leaf-rsa.pem" -certfile "$out/int-rsa.pem" \
	-certfile "$out/root-rsa.pem" -outform DER -out "$out/chain.p7b"
"$OPENSSL" crl2pkcs7 -nocrl -certfile "$out/leaf-rsa.pem" -certfile "$out/int-rsa.pem" \
	-certfile "$out/root-rsa.pem" -outform PEM -out "$out/chain-pem.p7b"
for p in chain.p7b chain-pem.p7b; do
	form=DER
	[ "$p" = chain-pem.p7b ] && form=PEM
	"$OPENSSL" pkcs7 -inform "$form" -in "$out/$p" -print_certs >"$tmp/p7.pem"
	{
		echo "count=$(grep -c 'BEGIN CERTIFICATE' "$tmp/p7.pem")"
		fps "$tmp/p7.pem"
	} >"$out/$p.expect"
done

# The same chain as BER with indefinite lengths and a signer, as streaming
# CMS signers write it.
echo "tlsdiag" >"$tmp/content.txt"
"$OPENSSL" cms -sign -stream -binary -nodetach -in "$tmp/content.txt" -signer "$out/leaf-rsa.pem" \
	-inkey "$tmp/leaf-rsa.key" -certfile "$out/int-rsa.pem" -outform DER -out "$out/chain-ber.p7b"
"$OPENSSL" pkcs7 -inform DER -in "$out/chain-ber.p7b" -print_certs >"$tmp/p7.pem"
{
	echo "count=$(grep -c 'BEGIN CERTIFICATE' "$tmp/p7.pem")"
	fps "$tmp/p7.pem"
} >"$out/chain-ber.p7b.expect"

# A PEM bundle with text and non-certificate blocks around the certificates.
{
	echo "Bag Attributes"
	echo "    friendlyName: tomcat"
	cat "$out/leaf-p256.pem"
	"$OPENSSL" pkey -in "$tmp/leaf-p256.key" -pubout
	echo "subject=whatever"
	cat "$out/ca-p384.pem"
	echo
	cat "$out/ed25519.pem"
	echo "trailing text"
} >"$out/bundle.pem"
{
	echo "count=3"
	fps "$out/bundle.pem"
} >"$out/bundle.pem.expect"

# Corrupted DER: still fingerprinted (openssl dgst), and openssl must
# refuse it too.
len=$(wc -c <"$out/leaf-rsa.der")
head -c $((len / 2)) "$out/leaf-rsa.der" >"$out/corrupt-trunc.der"
# Byte 4 is the first byte of the TBSCertificate header (30 82 hi lo);
# byte 6 is its length's high byte: add one to it.
"$OPENSSL" x509 -in "$out/leaf-rsa.der" -inform DER -outform DER | {
	dd bs=1 count=6 2>/dev/null
	b=$(dd bs=1 count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	printf "\\$(printf '%03o' $(((b + 1) % 256)))"
	cat
} >"$out/corrupt-len.der"
for c in corrupt-trunc corrupt-len; do
	if "$OPENSSL" x509 -inform DER -in "$out/$c.der" -noout 2>/dev/null; then
		echo "make.sh: openssl accepts $c.der" >&2
		exit 1
	fi
	{
		echo "parse=fail"
		"$OPENSSL" dgst -sha1 -c "$out/$c.der" | tr a-f A-F | sed 's/^.*= /sha1=/'
		"$OPENSSL" dgst -sha256 -c "$out/$c.der" | tr a-f A-F | sed 's/^.*= /sha256=/' 
	} >"$out/$c.expect"
done
rm -f "$out"/*.srl
echo "make.sh: done"

#!/bin/sh
# make.sh - generate the certificates and trust stores for
# tests/unit/test_rules.c and tests/unit/test_trust.c.
#
# The outputs are committed; the build never runs this script. Rerunning it
# makes new keys and serials (every file changes) but keeps the dates below,
# which the tests rely on: review and commit all outputs together.
#
#   cd tests/unit/data/rules && ./make.sh        (needs openssl 3.x)
#
# Dates are absolute so that tests can judge at fixed times (AT_FIXED):
#   root*       2020-01-01 .. 2045-01-01
#   inter       2021-01-01 .. 2035-01-01
#   leaves      2025-01-01 .. 2027-01-01
#   old-root    2010-01-01 .. 2015-01-01   (expired trust store entry)
#
# Certificates (PEM <name>.pem and DER <name>.der):
#   root          CN=Rules Test Root CA          self-signed, CA
#   inter         CN=Rules Test Issuing CA       root -> inter, CA, AIA of root
#   root2         CN=Rules Test Root CA          SAME subject as root, other key
#   other-root    CN=Other Root CA               unrelated CA
#   other-inter   CN=Other Issuing CA            other-root -> other-inter
#   notca-inter   CN=Rules Not A CA              inter -> CA:FALSE "issuer"
#   old-root      CN=Old Expired Root            expired self-signed CA
# Leaves (issued by inter unless said; AIA caIssuers = INTER_URL):
#   srv           srv.example.com, srv1.example.com; serverAuth+clientAuth
#   srv-other     srv.example.com issued by other-inter
#   cli           cli.example.com; serverAuth+clientAuth
#   serveronly    serverAuth only
#   clientonly    clientAuth only
#   noeku         no EKU extension (any usage)
#   kubad         keyUsage keyCertSign only
#   wildcard      DNS:*.example.com
#   ipsan         srv.example.com + IP:10.0.0.5
#   nosan         CN=srv.example.com, no SAN
#   sha1          signed with SHA-1
#   rsa1024       RSA 1024
#   rsa8192       RSA 8192
#   longsan       SAN over 999 characters
#   oddoid        subject holds 1.3.6.1.4.1.6449.1.2.1.5.1
#   self          self-signed leaf (CA:FALSE) srv.example.com
#   under-notca   leaf issued by notca-inter
#   noaia         srv.example.com without AIA
# Trust stores:
#   store-chain.pem      root + inter (PEM bundle)
#   store-root.pem       root only
#   store-other.pem      other-root + other-inter
#   store-chain.p7b      root + inter, PKCS#7 DER
#   store-chain-pem.p7b  root + inter, PKCS#7 PEM
#   store-lint.pem       root, root2 (same subject), old-root (expired),
#                        srv (not a CA)
#   store-shadow.pem     root2 then root (root2 shadows root)
#   store-dir/           root.pem + inter.der (+ a README that is no cert)
#   empty.pem            no certificate at all
set -eu
OPENSSL=${OPENSSL:-openssl}
cd "$(dirname "$0")"
out=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export CADIR=$tmp
INTER_URL=http://pki.example.test/rules-issuing-ca.crt
ROOT_URL=http://pki.example.test/rules-root-ca.crt

rm -rf ./*.pem ./*.der ./*.p7b store-dir

cat >"$tmp/ca.cnf" <<'CNF'
oid_section = oids
[ oids ]
oddAttr = 1.3.6.1.4.1.6449.1.2.1.5.1
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $ENV::CADIR
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
preserve = yes
[ policy_any ]
domainComponent = optional
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
oddAttr = optional
[ req ]
distinguished_name = dn
prompt = no
string_mask = utf8only
[ dn ]
CN = placeholder
CNF

key() { # name bits
	"$OPENSSL" genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:${2:-2048}" -out "$tmp/$1.key"
}

# issue NAME ISSUER|self SUBJECT FROM TO EXTLINES [MD]
issue() {
	n=$1 iss=$2 subj=$3 from=$4 to=$5 extl=$6 md=${7:-sha256}
	printf '[ext]\n%s\n' "$extl" >"$tmp/$n.ext"
	"$OPENSSL" req -new -config "$tmp/ca.cnf" -key "$tmp/$n.key" -subj "$subj" -out "$tmp/$n.csr"
	if [ "$iss" = self ]; then
		CADIR=$tmp/ca-$n
		set -- -selfsign -keyfile "$tmp/$n.key"
	else
		CADIR=$tmp/ca-$iss
		set -- -cert "$out/$iss.pem" -keyfile "$tmp/$iss.key"
	fi
	export CADIR
	if [ ! -d "$CADIR" ]; then
		mkdir -p "$CADIR/newcerts"
		: >"$CADIR/index.txt"
		"$OPENSSL" rand -hex 8 | sed 's/^./4/' >"$CADIR/serial"
	fi
	"$OPENSSL" ca -batch -config "$tmp/ca.cnf" -notext -preserveDN -utf8 "$@" \
		-in "$tmp/$n.csr" -subj "$subj" -extfile "$tmp/$n.ext" -extensions ext -md "$md" \
		-startdate "$from" -enddate "$to" -out "$out/$n.pem" 2>"$tmp/err" ||
		{ cat "$tmp/err" >&2; exit 1; }
	"$OPENSSL" x509 -in "$out/$n.pem" -outform DER -out "$out/$n.der"
}

CA_EXT='basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier=hash'
INTER_EXT="$CA_EXT
authorityKeyIdentifier=keyid:always
authorityInfoAccess=caIssuers;URI:$ROOT_URL"
LEAF_BASE="basicConstraints=critical,CA:FALSE
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always"
KU='keyUsage=critical,digitalSignature,keyEncipherment'
AIA="authorityInfoAccess=caIssuers;URI:$INTER_URL"
BOTH='extendedKeyUsage=serverAuth,clientAuth'
SRV_SAN='subjectAltName=DNS:srv.example.com,DNS:srv1.example.com'
L_FROM=20250101000000Z
L_TO=20270101000000Z

leaf() { # name subject extra-ext-lines [issuer] [md] [bits]
	key "$1" "${6:-2048}"
	issue "$1" "${4:-inter}" "$2" $L_FROM $L_TO "$LEAF_BASE
$3" "${5:-sha256}"
}

key root; issue root self "/O=tlsdiag rules test/CN=Rules Test Root CA" 20200101000000Z 20450101000000Z "$CA_EXT"
key inter; issue inter root "/O=tlsdiag rules test/CN=Rules Test Issuing CA" 20210101000000Z 20350101000000Z "$INTER_EXT"
key root2; issue root2 self "/O=tlsdiag rules test/CN=Rules Test Root CA" 20200101000000Z 20450101000000Z "$CA_EXT"
key other-root; issue other-root self "/O=Other/CN=Other Root CA" 20200101000000Z 20450101000000Z "$CA_EXT"
key other-inter; issue other-inter other-root "/O=Other/CN=Other Issuing CA" 20210101000000Z 20350101000000Z "$INTER_EXT"
key old-root; issue old-root self "/O=Old/CN=Old Expired Root" 20100101000000Z 20150101000000Z "$CA_EXT"
key notca-inter
issue notca-inter inter "/O=tlsdiag rules test/CN=Rules Not A CA" 20210101000000Z 20350101000000Z \
	"basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always"

S=/O=tlsdiag\ rules\ test
leaf srv "$S/CN=srv.example.com" "$KU
$BOTH
$SRV_SAN
$AIA"
leaf srv-other "$S/CN=srv.example.com" "$KU
$BOTH
$SRV_SAN" other-inter
leaf cli "$S/CN=cli.example.com" "$KU
$BOTH
subjectAltName=DNS:cli.example.com
$AIA"
leaf serveronly "$S/CN=srv.example.com" "$KU
extendedKeyUsage=serverAuth
$SRV_SAN
$AIA"
leaf clientonly "$S/CN=srv.example.com" "$KU
extendedKeyUsage=clientAuth
$SRV_SAN
$AIA"
leaf noeku "$S/CN=srv.example.com" "$KU
$SRV_SAN
$AIA"
leaf kubad "$S/CN=srv.example.com" "keyUsage=critical,keyCertSign
$BOTH
$SRV_SAN
$AIA"
leaf wildcard "$S/CN=*.example.com" "$KU
$BOTH
subjectAltName=DNS:*.example.com
$AIA"
leaf ipsan "$S/CN=srv.example.com" "$KU
$BOTH
subjectAltName=DNS:srv.example.com,IP:10.0.0.5
$AIA"
leaf nosan "$S/CN=srv.example.com" "$KU
$BOTH
$AIA"
leaf sha1 "$S/CN=srv.example.com" "$KU
$BOTH
$SRV_SAN
$AIA" inter sha1
leaf rsa1024 "$S/CN=srv.example.com" "$KU
$BOTH
$SRV_SAN
$AIA" inter sha256 1024
leaf rsa8192 "$S/CN=srv.example.com" "$KU
$BOTH
$SRV_SAN
$AIA" inter sha256 8192
long=DNS:srv.example.com
i=0
while [ $i -lt 30 ]; do
	long="$long,DNS:cisco-phone-model-$i-secure-sip-profile.example.com"
	i=$((i + 1))
done
leaf longsan "$S/CN=srv.example.com" "$KU
$BOTH
subjectAltName=$long
$AIA"
leaf oddoid "$S/oddAttr=foo/CN=srv.example.com" "$KU
$BOTH
$SRV_SAN
$AIA"
key self
issue self self "$S/CN=srv.example.com" $L_FROM $L_TO "basicConstraints=critical,CA:FALSE
$KU
$BOTH
$SRV_SAN
subjectKeyIdentifier=hash"
leaf under-notca "$S/CN=srv.example.com" "$KU
$BOTH
$SRV_SAN" notca-inter
leaf noaia "$S/CN=srv.example.com" "$KU
$BOTH
$SRV_SAN"

# --- trust stores ----------------------------------------------------------
cat root.pem inter.pem >store-chain.pem
cat root.pem >store-root.pem
cat other-root.pem other-inter.pem >store-other.pem
"$OPENSSL" crl2pkcs7 -nocrl -certfile root.pem -certfile inter.pem -outform DER -out store-chain.p7b
"$OPENSSL" crl2pkcs7 -nocrl -certfile root.pem -certfile inter.pem -outform PEM -out store-chain-pem.p7b
cat root.pem root2.pem old-root.pem srv.pem >store-lint.pem
cat root2.pem root.pem inter.pem >store-shadow.pem
mkdir store-dir
cp root.pem store-dir/root.pem
cp inter.der store-dir/inter.der
printf 'not a certificate\n' >store-dir/README
printf '# nothing here\n' >empty.pem

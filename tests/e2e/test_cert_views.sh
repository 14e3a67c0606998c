#!/bin/bash
# What the X.509 decoder reads, in every view (issue 13): six certificates
# of tests/x509/corpus that decode in unusual ways travel in one generated
# capture, and the text report (-v), the HTML page and the TUI's
# certificate screen must each show what openssl shows of them: an
# unknown version number, a date that does not parse (never "expired" in
# 1970), an X25519 key by name, an ML-DSA signature as not checked,
# duplicate extensions, unique IDs, and the extension list (its length
# from `openssl x509 -text`). JSON is checked field by field by
# test_x509_vs_openssl.sh.
set -u
: "${TLSDIAG:?}" "${top_srcdir:?}"
[ -n "${OPENSSL:-}" ] || { echo "openssl not found"; exit 77; }
C="$top_srcdir/tests/x509/corpus"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# One chain per line (leaf, issuer), in this order: sessions 1..6.
cat >"$TMP/chains" <<CH
$C/structure/version-4.der $C/genconf/ca.der
$C/dates/bad-feb-30.der $C/genconf/ca.der
$C/keys/x25519.der $C/keys/ec-p384-ca.der
$C/sigs/ml-dsa-65.der
$C/exts/dup-san.der $C/genconf/ca.der
$C/structure/v2-unique-ids.der $C/genconf/ca.der
$C/dates/bad-month-13.der $C/genconf/ca.der
CH
python3 "$top_srcdir/tests/x509/certs-to-pcap.py" "$TMP/c.pcap" <"$TMP/chains" ||
	{ echo "could not make the capture"; exit 99; }

# openssl's reading, the oracle for what each view must say.
[ "$("$OPENSSL" x509 -inform der -in "$C/structure/version-4.der" -noout -text |
	grep -c 'Version: Unknown (4)')" -eq 1 ] || fail "openssl does not read version-4 as Unknown (4)"
"$OPENSSL" x509 -inform der -in "$C/dates/bad-feb-30.der" -noout -text |
	grep -q 'Not Before: Bad time value' || fail "openssl reads bad-feb-30's notBefore"
"$OPENSSL" x509 -inform der -in "$C/keys/x25519.der" -noout -text |
	grep -q 'Public Key Algorithm: X25519' || fail "openssl does not see X25519"
nexts=$("$OPENSSL" x509 -inform der -in "$C/exts/dup-san.der" -noout -text |
	sed -n '/X509v3 extensions:/,/Signature Algorithm:/p' | grep -c '^            [^ ]')

# ---- text report, -v
"$TLSDIAG" -v --at 2030-01-01 "$TMP/c.pcap" >"$TMP/text" 2>&1
grep -q 'The version field holds 4; only v1, v2 and v3 exist' "$TMP/text" ||
	fail "text: the unknown version number is not named"
grep -q 'valid (date does not parse) to ' "$TMP/text" ||
	fail "text: an unreadable notBefore is not said"
grep -q 'The notBefore date does not parse' "$TMP/text" ||
	fail "text: no remark on the unreadable date"
grep -q 'validity at the capture not known' "$TMP/text" ||
	fail "text: a certificate with an unreadable date is judged"
grep -q '1970' "$TMP/text" && fail "text: a date shown as 1970"
"$OPENSSL" x509 -inform der -in "$C/dates/bad-month-13.der" -noout -text |
	grep -q 'Not After : Bad time value' || fail "openssl reads bad-month-13's notAfter"
grep -q 'expires: the notAfter date does not parse' "$TMP/text" ||
	fail "text summary: an unreadable notAfter is not said"
grep -q 'The notBefore and notAfter dates do not parse' "$TMP/text" ||
	fail "text: no remark on both unreadable dates"
"$TLSDIAG" --json --at 2030-01-01 "$TMP/c.pcap" 2>/dev/null | tail -n 1 | python3 -c '
import json, sys
s = json.loads(sys.stdin.readline())
bad = [c for c in s["certificates"] if c["subject"] and "bad-month-13" in c["subject"]]
sys.exit(0 if bad and bad[0]["not_after"] is None and bad[0]["days_to_expiry"] is None else 1)' ||
	fail "JSON summary: an unreadable notAfter has a date or days to expiry"
grep -q 'key X25519' "$TMP/text" || fail "text: the X25519 key is not named"
grep -q 'X25519 is a key-agreement key' "$TMP/text" || fail "text: X25519 remark missing"
grep -q 'Signature not checked: tlsdiag cannot verify' "$TMP/text" ||
	fail "text: the ML-DSA signature is not said to be unchecked"
grep -q 'repeats an earlier one' "$TMP/text" || fail "text: the duplicate SAN is not said"
grep -q 'issuer and subject unique IDs' "$TMP/text" || fail "text: unique IDs not said"
got=$(awk '/dup-san|session 5/{s=1} s && /extension X509v3 Subject Alternative Name \(2.5.29.17\)/' \
	"$TMP/text" | grep -c 'duplicate')
[ "$got" -ge 1 ] || fail "text -v: the extension list does not mark the duplicate SAN"
got=$(grep -c '^ *extension ' "$TMP/text")
[ "$got" -ge "$nexts" ] || fail "text -v: $got extension lines, openssl lists $nexts on dup-san alone"
"$TLSDIAG" --at 2030-01-01 "$TMP/c.pcap" 2>&1 | grep -q '^ *extension ' &&
	fail "text without -v lists extensions"

# ---- HTML
"$TLSDIAG" --at 2030-01-01 --html "$TMP/r.html" "$TMP/c.pcap" >/dev/null 2>&1
for want in 'The version field holds 4' '(date does not parse)' 'validity not known' \
	'X25519 is a key-agreement key' 'Signature not checked' 'repeats an earlier one' \
	"<summary>$nexts extensions</summary>"; do
	grep -qF "$want" "$TMP/r.html" || fail "HTML: no '$want'"
done

# ---- TUI: the certificate screens of sessions 1 (version) and 2 (date).
tui() { # $1: keys; writes $TMP/tui.txt
	COLUMNS=100 LINES=60 LANG=C.UTF-8 "$TLSDIAG" --tui --at 2030-01-01 "$TMP/c.pcap" \
		--script "$1" --dump-screen "$TMP/tui.txt" >/dev/null 2>&1
}
tui '\n\n'
grep -q 'field holds 4 (not v1-v3)' "$TMP/tui.txt" ||
	grep -q 'The version field holds 4' "$TMP/tui.txt" || fail "TUI: version 4 not shown"
tui 'j\n\n'
grep -q '(date does not parse)' "$TMP/tui.txt" || fail "TUI: unreadable date not shown"
grep -q 'validity at the capture not known' "$TMP/tui.txt" || fail "TUI: date judged"

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "the unusual certificates read the same in text, HTML and TUI"

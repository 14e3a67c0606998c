#!/bin/sh
# test_tui_list.sh - the TUI's sessions list, through --script and
# --dump-screen (no terminal needed; issue 9, item 10):
#
#  - the finding column names a fatal alert by the alert's name
#    (unknown_ca, bad_certificate; "encrypted alert?" for a TLS 1.3
#    rejection inferred without keys), never "fatal_alert";
#  - a File column when several files are open (each file's base name on
#    its session's row), none for one file;
#  - a Frame column with the session's first frame (3 in
#    samples/dns-name-mismatch-5061.pcap, whose session starts after a DNS
#    exchange: the --json first_frame);
#  - the TLS column shows the version ("TLS 1.2");
#  - the filter (f) with field:value terms (issue 9, item 9; the matching
#    itself is rules/select.c's, unit-tested in test_select): ip: is exact
#    (ip:10.48.80.4 shows nothing where the plain word 10.48.80.4 shows the
#    10.48.80.47 sessions), finding: takes an alert's name, a bad value is
#    said and filters nothing;
#  - chain export (E) of a two-certificate chain: Tab Tab gives .p7b,
#    openssl reads two certificates from it; a .der name is refused, not
#    written as concatenated DER (issue 9, item 12).

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
make_tmp
cd "$top_srcdir" || exit 1
S=samples
T=tests/captures/tls

list() { # OUT COLS FILE...: the list screen, COLS wide
	_out=$1 _cols=$2
	shift 2
	COLUMNS=$_cols LINES=12 LANG=C.UTF-8 "$TLSDIAG" --tui --script '' --dump-screen "$_out" \
		"$@" >/dev/null 2>"$TMP/err" || fail "tlsdiag --tui $*: $(cat "$TMP/err")"
}
# row SCREEN TEXT: the list row that holds TEXT
row() { grep -F -- "$2" "$1" | head -1; }

list "$TMP/many" 160 $S/expressway-7001-unknown-ca.pcap $S/dns-name-mismatch-5061.pcap \
	$T/tls13-mtls-rejected.pcap $S/tls13-443.pcap
sed 's/^/    | /' "$TMP/many"
grep -q 'fatal_alert' "$TMP/many" && fail "the list shows fatal_alert, not the alert's name"
head -3 "$TMP/many" | tail -1 | grep -q ' File ' || fail "several files: no File column"
head -3 "$TMP/many" | tail -1 | grep -q ' Frame ' || fail "no Frame column"
r=$(row "$TMP/many" 10.48.36.101:7001)
case $r in *expressway-7001*) ;; *) fail "File column: no file name on the 7001 row: $r" ;; esac
case $r in *unknown_ca*) ;; *) fail "7001 row: no unknown_ca (the alert's name): $r" ;; esac
case $r in *'TLS 1.2'*) ;; *) fail "7001 row: no 'TLS 1.2' in the TLS column: $r" ;; esac
r=$(row "$TMP/many" 10.48.80.47:5061)
case $r in *bad_certificate*) ;; *) fail "5061 row: no bad_certificate (the alert's name): $r" ;; esac
first=$("$TLSDIAG" --json - $S/dns-name-mismatch-5061.pcap 2>/dev/null |
	sed -n 's/.*"first_frame":\([0-9]*\).*/\1/p' | head -1)
[ "$first" = 3 ] || fail "dns-name-mismatch-5061: --json first_frame is '$first', expected 3"
echo "$r" | grep -Eq "[0-9:.]+ +$first +10\.48\.55\.10:" ||
	fail "5061 row: the first frame $first is not after the time: $r"
r=$(row "$TMP/many" 127.0.0.1:)
case $r in *'encrypted alert?'*) ;; *) fail "TLS 1.3 inferred rejection: no 'encrypted alert?': $r" ;; esac

list "$TMP/one" 160 $S/expressway-7001-unknown-ca.pcap
head -3 "$TMP/one" | tail -1 | grep -q ' File ' && fail "one file: a File column"
grep -q unknown_ca "$TMP/one" || fail "one file: no unknown_ca"

# ---- the filter
filt() { # OUT FILTER FILE...
	_out=$1 _f=$2
	shift 2
	COLUMNS=160 LINES=12 LANG=C.UTF-8 "$TLSDIAG" --tui --script "f$_f\\n" --dump-screen "$_out" \
		"$@" >/dev/null 2>"$TMP/err" || fail "tlsdiag --tui (filter $_f): $(cat "$TMP/err")"
}
set -- $S/expressway-7001-unknown-ca.pcap $S/dns-name-mismatch-5061.pcap $S/tls13-443.pcap
filt "$TMP/f1" 10.48.80.4 "$@"
grep -q '(2 shown)' "$TMP/f1" || fail "plain 10.48.80.4: not the two 10.48.80.47 sessions: $(sed -n 2p "$TMP/f1")"
filt "$TMP/f2" ip:10.48.80.4 "$@"
grep -q 'No session matches the filter' "$TMP/f2" || fail "ip:10.48.80.4 is not exact: $(sed -n 2p "$TMP/f2")"
filt "$TMP/f3" ip:10.48.80.47 "$@"
grep -q '(2 shown)' "$TMP/f3" || fail "ip:10.48.80.47: $(sed -n 2p "$TMP/f3")"
filt "$TMP/f4" finding:unknown_ca "$@"
grep -q '(1 shown)' "$TMP/f4" && grep -q '10.48.36.101:7001' "$TMP/f4" ||
	fail "finding:unknown_ca (the alert's name) does not pick the 7001 session: $(sed -n 2p "$TMP/f4")"
filt "$TMP/f5" port:http "$@"
grep -q "port: 'http' is not a port number" "$TMP/f5" || fail "port:http: no error shown"
grep -q 'filter:' "$TMP/f5" && fail "port:http: a bad filter was applied"

# ---- chain export: PKCS#7, never concatenated DER
OPENSSL=${OPENSSL:-$(command -v openssl)}
if [ -n "$OPENSSL" ]; then
	COLUMNS=100 LINES=20 "$TLSDIAG" --tui --script "\\n<Tab>E<C-u>$TMP/c<Tab><Tab>\\n" \
		--dump-screen "$TMP/e1" $T/tls12-mtls.pcap >/dev/null 2>&1
	grep -q 'wrote 2 certificates (PKCS#7)' "$TMP/e1" || fail "E, Tab Tab: no PKCS#7 export: $(tail -1 "$TMP/e1")"
	n=$("$OPENSSL" pkcs7 -inform DER -in "$TMP/c.p7b" -print_certs -noout 2>/dev/null | grep -c '^subject')
	[ "$n" = 2 ] || fail "the .p7b holds $n certificates for openssl, expected 2"
	COLUMNS=100 LINES=20 "$TLSDIAG" --tui --script "\\n<Tab>E<C-u>$TMP/c.der\\n" \
		--dump-screen "$TMP/e2" $T/tls12-mtls.pcap >/dev/null 2>&1
	grep -q 'not DER' "$TMP/e2" || fail "a chain as .der: not refused: $(tail -1 "$TMP/e2")"
	[ -e "$TMP/c.der" ] && fail "a chain was written as concatenated DER"
else
	note "no openssl: chain export not checked"
fi

finish

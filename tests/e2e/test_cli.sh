#!/bin/sh
# test_cli.sh - the command line as a user meets it.
#
#  - --help exits 0 and lists exactly the options the man page lists (the
#    man page's MODES and OPTIONS tags against --help's option column, both
#    ways); --version.
#  - usage errors (unknown option, missing or bad values, conflicting
#    modes, no input) exit 2 with one line and "Try 'tlsdiag --help'".
#  - a missing file exits 2 and names the path.
#  - a capture with an error finding exits 1, a clean one exits 0.
#  - colour: none in a pipe; in a terminal (script(1) gives a pty) colour
#    unless NO_COLOR is set or --no-color / --color never; --color always
#    wins everywhere.
#  - hostile wire strings (tests/captures/hostile/sni-escape.pcap: an SNI
#    with an OSC title sequence, BEL, CSI and invalid UTF-8; a certificate
#    whose CN/O/SAN carry escapes): no raw ESC or BEL ever reaches the text
#    report, the escapes are shown as \xNN; with colour, every ESC starts
#    one of our own SGR sequences.
#  - --export-certs: file names, PEM fingerprints equal to openssl's and to
#    the JSON's sha256, DER variant, no silent overwrite; each chain also as
#    PKCS#7 (.p7b) byte for byte as openssl crl2pkcs7 -nocrl makes it.
#  - --streams still works through the new command line.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
make_tmp

MAN=$top_srcdir/docs/tlsdiag.1
HOSTILE=$top_srcdir/tests/captures/hostile/sni-escape.pcap
TLSCAP=$top_srcdir/tests/captures/tls
ESC=$(printf '\033')
BEL=$(printf '\007')

# ---- --help and the man page agree ---------------------------------------
run_tlsdiag "$TMP/help" "$TMP/e" --help
[ "$rc" -eq 0 ] || fail "--help: exit status $rc, expected 0"
[ -s "$TMP/help" ] || fail "--help printed nothing"
run_tlsdiag "$TMP/h2" "$TMP/e" -h
cmp -s "$TMP/help" "$TMP/h2" || fail "-h differs from --help"

# Options of the man page: the tag line after each .TP in MODES and OPTIONS.
awk '
	/^\.SH/ { sec = $0; next }
	/^\.TP/ { tag = 1; next }
	tag {
		tag = 0
		if (sec !~ /MODES|OPTIONS/) next
		line = $0
		gsub(/\\-/, "-", line)
		gsub(/\\f[BIRP]/, " ", line)
		n = split(line, w, /[ ,"|=[]+/)
		for (i = 1; i <= n; i++)
			if (w[i] ~ /^--[a-z][a-z-]*$/ || w[i] ~ /^-[A-Za-z]$/) print w[i]
	}' "$MAN" | sort -u >"$TMP/man.opts"
# Options of --help: the option column (up to two spaces) of lines that
# start with blanks and a dash.
awk '
	/^ +-/ {
		line = $0
		sub(/^ +/, "", line)
		i = index(line, "  ")
		if (i) line = substr(line, 1, i - 1)
		n = split(line, w, /[ ,=[]+/)
		for (k = 1; k <= n; k++)
			if (w[k] ~ /^--[a-z][a-z-]*$/ || w[k] ~ /^-[A-Za-z]$/) print w[k]
	}' "$TMP/help" | sort -u >"$TMP/help.opts"
[ "$(wc -l <"$TMP/man.opts")" -ge 30 ] ||
	fail "man page option list looks wrong ($(wc -l <"$TMP/man.opts") options)"
comm -23 "$TMP/man.opts" "$TMP/help.opts" | while read -r o; do
	echo "FAIL: $o is in the man page but not in --help"
	echo x >>"$TMP/mismatch"
done
comm -13 "$TMP/man.opts" "$TMP/help.opts" | while read -r o; do
	echo "FAIL: $o is in --help but not in the man page"
	echo x >>"$TMP/mismatch"
done
[ ! -f "$TMP/mismatch" ] || nfail=$((nfail + $(wc -l <"$TMP/mismatch")))
# Every option the parser accepts is documented: try each one.
for o in $(cat "$TMP/man.opts"); do
	case $o in -h | --help | -V | --version) continue ;; esac
	"$TLSDIAG" "$o" >/dev/null 2>"$TMP/e" </dev/null
	if grep -q "unknown option" "$TMP/e"; then
		fail "$o is documented but the parser does not know it"
	fi
done

run_tlsdiag "$TMP/v" "$TMP/e" --version
[ "$rc" -eq 0 ] || fail "--version: exit status $rc"
grep -q '^tlsdiag [0-9]' "$TMP/v" || fail "--version: no 'tlsdiag VERSION' line"

# ---- usage errors: exit 2, one line + the hint ---------------------------
usage_err() { # what ARGS...
	_what=$1
	shift
	run_tlsdiag "$TMP/o" "$TMP/e" "$@"
	[ "$rc" -eq 2 ] || fail "$_what: exit status $rc, expected 2"
	grep -q "^Try 'tlsdiag --help'" "$TMP/e" || fail "$_what: no \"Try 'tlsdiag --help'\" hint"
	[ "$(wc -l <"$TMP/e")" -eq 2 ] || fail "$_what: expected 2 lines on stderr, got: $(cat "$TMP/e")"
	[ ! -s "$TMP/o" ] || fail "$_what: printed on stdout"
}
usage_err "unknown option" --no-such-option "$HOSTILE"
grep -q -- "--no-such-option" "$TMP/e" || fail "unknown option: message does not name it"
usage_err "unknown short option" -Z "$HOSTILE"
usage_err "no input" --report
usage_err "missing argument" "$HOSTILE" --html
usage_err "two modes" --report --json "$HOSTILE"
usage_err "bad --expiring" --expiring soon "$HOSTILE"
usage_err "negative --expiring" --expiring -3 "$HOSTILE"
usage_err "bad --jobs" -j many "$HOSTILE"
usage_err "bad --at" --at 2026-13-01 "$HOSTILE"
usage_err "bad --at day" --at 2026-02-30 "$HOSTILE"
usage_err "bad --at epoch" --at @12x "$HOSTILE"
usage_err "bad --port" --port 70000=x "$HOSTILE"
usage_err "--port without name" --port 5061 "$HOSTILE"
usage_err "bad --name" --name not-an-ip=x.example.com "$HOSTILE"
usage_err "bad --trust-for" --trust-for 10.0.0.1 "$HOSTILE"
usage_err "bad --color" --color sometimes "$HOSTILE"
usage_err "bad --export-format" --export-format p12 "$HOSTILE"
usage_err "bad --max-buffer" --max-buffer 4X "$HOSTILE"
usage_err "bad --idle-timeout" --idle-timeout 0 "$HOSTILE"
usage_err "bad --max-flows" --max-flows 0 "$HOSTILE"
usage_err "db without FILE" db

# Good values are accepted (exit is not 2).
run_tlsdiag "$TMP/o" "$TMP/e" --report -q --at 2026-11-23 --at 2026-11-23T04:05:06Z \
	--at @1795406706 --expiring 60 -j 2 --port 5061=sip --name 10.48.36.101:5061=expe.example.com \
	--name '[2001:db8::1]:443=v6.example.com' --max-buffer 64K --idle-timeout 2.5 \
	--max-flows 1000 --color=never "$HOSTILE"
[ "$rc" -ne 2 ] || fail "good option values refused: $(cat "$TMP/e")"

# ---- missing file: 2 and the path ------------------------------------------
missing=$TMP/no-such-capture.pcap
run_tlsdiag "$TMP/o" "$TMP/e" --report "$missing"
[ "$rc" -eq 2 ] || fail "missing file: exit status $rc, expected 2"
grep -q "no-such-capture.pcap" "$TMP/e" || fail "missing file: path not in the message"
run_tlsdiag "$TMP/o" "$TMP/e" --json "$missing"
[ "$rc" -eq 2 ] || fail "missing file (--json): exit status $rc, expected 2"

# ---- exit status by findings ---------------------------------------------
run_tlsdiag "$TMP/o" "$TMP/e" --report "$HOSTILE"
[ "$rc" -eq 1 ] || fail "capture with a fatal alert: exit status $rc, expected 1"
grep -q '^Session 1' "$TMP/o" || fail "hostile capture: no session block"
grep -q 'unknown_ca' "$TMP/o" || fail "hostile capture: unknown_ca alert not reported"
run_tlsdiag "$TMP/o" "$TMP/e" --report "$TLSCAP/tls12-rsa.pcap"
[ "$rc" -eq 0 ] || fail "clean TLS 1.2 capture: exit status $rc, expected 0"
grep -q '^Session 1' "$TMP/o" || fail "clean capture: no session block"
# Mixed: one readable, one missing: the findings decide.
run_tlsdiag "$TMP/o" "$TMP/e" --report "$TLSCAP/tls12-rsa.pcap" "$missing"
[ "$rc" -eq 0 ] || fail "clean + missing file: exit status $rc, expected 0"

# ---- hostile strings never reach the terminal raw ------------------------
for args in "--report" "--report -v" "--report --no-color" "-v -v"; do
	# shellcheck disable=SC2086
	run_tlsdiag "$TMP/o" "$TMP/e" $args "$HOSTILE"
	if grep -q "$ESC" "$TMP/o" "$TMP/e"; then
		fail "tlsdiag $args: a raw ESC byte in the output"
	fi
	if grep -q "$BEL" "$TMP/o" "$TMP/e"; then
		fail "tlsdiag $args: a raw BEL byte in the output"
	fi
done
run_tlsdiag "$TMP/o" "$TMP/e" --report "$HOSTILE"
grep -qF '\x1b]0;pwned\x07evil\x1b[2J\xff.example.com' "$TMP/o" ||
	fail "hostile SNI not shown escaped as \\xNN"
# DNs are RFC 4514 strings, where such bytes are already hex pairs (\1B);
# either escaping is inert.
grep -qF -e 'expe\x1b]0;pwned\x07.example.com' -e 'expe\1B]0\;pwned\07.example.com' "$TMP/o" ||
	fail "hostile certificate CN not shown escaped"
grep -qF 'evil\x1b[2J.example.com' "$TMP/o" || fail "hostile SAN dNSName not shown escaped"
grep -qF -e '\xe2\x80\xae' -e '\E2\80\AE' "$TMP/o" || fail "bidi override in O= not shown escaped"
grep -q "$(printf '\342\200\256')" "$TMP/o" && fail "a raw bidi override (U+202E) in the output"
# With colour, only our SGR sequences: ESC [ digits/; m.
run_tlsdiag "$TMP/o" "$TMP/e" --report --color=always "$HOSTILE"
grep -q "$ESC" "$TMP/o" || fail "--color=always: no colour at all"
if sed "s/$ESC\[[0-9;]*m//g" "$TMP/o" | grep -q "$ESC"; then
	fail "--color=always: an ESC that is not one of our SGR sequences"
fi
grep -q "$BEL" "$TMP/o" && fail "--color=always: a raw BEL byte"
# JSON: escapes are JSON escapes, never raw bytes; invalid UTF-8 as \xNN.
run_tlsdiag "$TMP/o" "$TMP/e" --json "$HOSTILE"
grep -q "$ESC" "$TMP/o" && fail "--json: a raw ESC byte"
grep -qF '"sni":"\u001B]0;pwned\u0007evil\u001B[2J\\xff.example.com"' "$TMP/o" ||
	fail "--json: SNI not as expected: $(grep -o '"sni":"[^"]*"' "$TMP/o")"

# ---- colour ----------------------------------------------------------------
run_tlsdiag "$TMP/o" "$TMP/e" --report "$TLSCAP/tls12-rsa.pcap"
grep -q "$ESC" "$TMP/o" && fail "colour in a pipe without --color"
run_tlsdiag "$TMP/o" "$TMP/e" --report --color=always "$TLSCAP/tls12-rsa.pcap"
grep -q "$ESC" "$TMP/o" || fail "--color=always in a pipe: no colour"
NO_COLOR=1 run_tlsdiag "$TMP/o" "$TMP/e" --report --color=always "$TLSCAP/tls12-rsa.pcap"
grep -q "$ESC" "$TMP/o" || fail "--color=always must win over NO_COLOR"
if command -v script >/dev/null 2>&1; then
	# In a pseudo-terminal: auto colour, unless NO_COLOR or --no-color.
	in_pty() { # OUT ENV ARGS...
		_o=$1
		_env=$2
		shift 2
		_cmd="env $_env TERM=xterm '$TLSDIAG' --report -q"
		for _a in "$@"; do _cmd="$_cmd '$_a'"; done
		script -qec "$_cmd" /dev/null </dev/null >"$_o" 2>&1
	}
	in_pty "$TMP/pty1" "NO_COLOR=" "$TLSCAP/tls12-rsa.pcap"
	grep -q "$ESC\[" "$TMP/pty1" || fail "terminal without NO_COLOR: no colour"
	in_pty "$TMP/pty2" "NO_COLOR=1" "$TLSCAP/tls12-rsa.pcap"
	grep -q "$ESC\[[0-9;]*m" "$TMP/pty2" && fail "terminal with NO_COLOR=1: colour"
	in_pty "$TMP/pty3" "NO_COLOR=" --no-color "$TLSCAP/tls12-rsa.pcap"
	grep -q "$ESC\[[0-9;]*m" "$TMP/pty3" && fail "terminal with --no-color: colour"
	in_pty "$TMP/pty4" "NO_COLOR=" --color=never "$TLSCAP/tls12-rsa.pcap"
	grep -q "$ESC\[[0-9;]*m" "$TMP/pty4" && fail "terminal with --color=never: colour"
	in_pty "$TMP/pty5" "NO_COLOR=1" "$HOSTILE"
	grep -q "$ESC" "$TMP/pty5" && fail "terminal, hostile capture, NO_COLOR: an ESC byte"
	grep -q "$BEL" "$TMP/pty5" && fail "terminal, hostile capture: a BEL byte"
else
	note "script(1) not available: terminal colour checks skipped"
fi

# ---- --export-certs ----------------------------------------------------------
if [ -n "$OPENSSL" ] && command -v "$OPENSSL" >/dev/null 2>&1; then
	cap=$TLSCAP/tls12-mtls.pcap
	run_tlsdiag "$TMP/json" "$TMP/e" --json --export-certs "$TMP/x" "$cap"
	[ "$rc" -le 1 ] || fail "--export-certs: exit status $rc: $(cat "$TMP/e")"
	for f in server-0 server-1 client-0 client-1; do
		[ -f "$TMP/x/tls12-mtls-s1-$f.pem" ] || fail "--export-certs: tls12-mtls-s1-$f.pem missing"
	done
	[ -f "$TMP/x/tls12-mtls-s1-server-chain.pem" ] || fail "--export-certs: server chain bundle missing"
	[ "$(grep -c 'BEGIN CERTIFICATE' "$TMP/x/tls12-mtls-s1-server-chain.pem" 2>/dev/null)" = 2 ] ||
		fail "--export-certs: the server bundle does not hold 2 certificates"
	# The chain as PKCS#7 (.p7b, DER): what openssl crl2pkcs7 -nocrl makes
	# of the PEM bundle, byte for byte; its certificates in sent order.
	for side in server client; do
		p7=$TMP/x/tls12-mtls-s1-$side-chain.p7b
		[ -f "$p7" ] || {
			fail "--export-certs: $side chain .p7b missing"
			continue
		}
		"$OPENSSL" crl2pkcs7 -nocrl -certfile "$TMP/x/tls12-mtls-s1-$side-chain.pem" \
			-outform DER -out "$TMP/ossl.p7b" 2>/dev/null
		cmp -s "$p7" "$TMP/ossl.p7b" || fail "--export-certs: $side .p7b differs from openssl crl2pkcs7's"
		"$OPENSSL" pkcs7 -inform DER -in "$p7" -print_certs -noout 2>/dev/null |
			sed -n 's/^subject=//p' >"$TMP/p7.subjects"
		for i in 0 1; do
			"$OPENSSL" x509 -noout -subject -in "$TMP/x/tls12-mtls-s1-$side-$i.pem" 2>/dev/null |
				sed 's/^subject=//'
		done >"$TMP/sent.subjects"
		cmp -s "$TMP/p7.subjects" "$TMP/sent.subjects" ||
			fail "--export-certs: $side .p7b does not hold the sent certificates in order"
	done
	for f in "$TMP"/x/tls12-mtls-s1-*-[0-9].pem; do
		[ -f "$f" ] || continue
		fp=$("$OPENSSL" x509 -noout -fingerprint -sha256 -in "$f" 2>/dev/null |
			sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
		[ -n "$fp" ] || {
			fail "$(basename "$f"): openssl cannot read it"
			continue
		}
		grep -q "\"sha256\":\"$fp\"" "$TMP/json" ||
			fail "$(basename "$f"): openssl's SHA-256 $fp is not in the JSON"
		# The expected file (from tshark) knows the same fingerprint.
		FP=$(echo "$fp" | tr 'a-f' 'A-F' | sed 's/../&:/g; s/:$//')
		grep -q "sha256=$FP" "$TLSCAP/expected/tls12-mtls.txt" ||
			fail "$(basename "$f"): fingerprint not in expected/tls12-mtls.txt"
	done
	# JSON sha256 of the leaf == the exported file's.
	leaf=$(/usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["type"] == "session" and o["server_chain"]:
        print(o["server_chain"][0]["sha256"])
        break' "$TMP/json")
	fp=$("$OPENSSL" x509 -noout -fingerprint -sha256 -in "$TMP/x/tls12-mtls-s1-server-0.pem" 2>/dev/null |
		sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
	[ -n "$leaf" ] && [ "$leaf" = "$fp" ] || fail "JSON leaf sha256 '$leaf' != exported leaf '$fp'"
	# Never overwrite: a second run refuses, files unchanged.
	echo "keep me" >"$TMP/x/tls12-mtls-s1-server-0.pem"
	sum1=$(cat "$TMP"/x/* | sha256sum)
	run_tlsdiag "$TMP/o" "$TMP/e" --report --export-certs "$TMP/x" "$cap"
	grep -q "already exists" "$TMP/e" || fail "--export-certs over existing files: no refusal message"
	grep -q "tls12-mtls-s1-server-0.pem" "$TMP/e" || fail "--export-certs: refusal does not name the file"
	[ "$(cat "$TMP"/x/* | sha256sum)" = "$sum1" ] || fail "--export-certs overwrote existing files"
	# DER: the same certificate bytes.
	run_tlsdiag "$TMP/o" "$TMP/e" --report --export-certs "$TMP/d" --export-format der "$cap"
	[ -f "$TMP/d/tls12-mtls-s1-server-0.der" ] || fail "--export-format der: .der file missing"
	fpd=$("$OPENSSL" x509 -inform DER -noout -fingerprint -sha256 -in "$TMP/d/tls12-mtls-s1-server-0.der" 2>/dev/null |
		sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
	[ -n "$fpd" ] && [ "$fpd" = "$leaf" ] || fail "DER export fingerprint '$fpd' != JSON '$leaf'"
	[ -f "$TMP/d/tls12-mtls-s1-server-chain.pem" ] || fail "--export-format der: chain bundle missing"
else
	note "openssl not available: --export-certs fingerprint checks skipped"
fi

# ---- --streams still answers -------------------------------------------------
run_tlsdiag "$TMP/o" "$TMP/e" --streams "$CORPUS/tcp_in_order.pcap"
[ "$rc" -eq 0 ] || fail "--streams: exit status $rc"
grep -q '^flow 1 ' "$TMP/o" || fail "--streams: no flow line"
mkdir -p "$TMP/dump"
run_tlsdiag "$TMP/o" "$TMP/e" --streams --max-flows 10 --max-buffer 1M --idle-timeout 30 \
	--dump-streams "$TMP/dump" "$CORPUS/tcp_in_order.pcap"
[ "$rc" -eq 0 ] || fail "--streams with limits: exit status $rc"
ls "$TMP/dump"/tcp_in_order.pcap.flow1.* >/dev/null 2>&1 || fail "--dump-streams wrote nothing"

# ---- an output that was asked for but could not be written: exit 2 -----------
run_tlsdiag "$TMP/o" "$TMP/e" --report -q --html "$TMP/no/such/dir/r.html" "$TLSCAP/tls12-rsa.pcap"
[ "$rc" -eq 2 ] || fail "--html to an unwritable path: exit status $rc, expected 2"
grep -q "no/such/dir/r.html" "$TMP/e" || fail "--html to an unwritable path: no message naming it"
run_tlsdiag "$TMP/o" "$TMP/e" --report -q --html "$TMP/r.html" "$TLSCAP/tls12-rsa.pcap"
[ "$rc" -eq 0 ] && [ -s "$TMP/r.html" ] || fail "--html to a writable path: exit status $rc"

finish

#!/bin/sh
# test_tui.sh - the ncurses TUI, driven for real inside a detached tmux
# session (send-keys in, capture-pane out), then through --script and
# --dump-screen without a terminal.
#
#  1. The headline path: from the sessions list of
#     samples/expressway-7001-unknown-ca.pcap, the rejected certificate and
#     its advice are on screen after at most FIVE key presses (counted), and
#     the certificate under the cursor is the one the rules blame (--json).
#  2. Export: `e` with a typed path; the file's SHA-256 (openssl x509
#     -fingerprint) equals the screen's and --json's; an existing file is
#     never replaced without a "y"; Tab switches to DER; `E` writes the
#     whole chain (count checked with openssl), Tab there to PKCS#7 (.p7b,
#     byte for byte openssl crl2pkcs7's); a chain of several is refused as
#     DER (test_tui_list.sh checks that with a two-certificate chain).
#  3. Search (/, n, not found), filter (port:, verdict:, id:, text, Esc),
#     sort (s cycles verdict/time/server/service; order checked) over all
#     samples.
#  4. Resize (tmux resize-window): 100x30 -> 80x24 -> 30x8 ("window too
#     small") -> 100x30; the layout follows each size.
#  5. Quit with q: exit status 0, the shell prompt is back and the tty is
#     sane (stty); SIGINT and SIGTERM: exit 130/143, tty sane.
#  6. TERM=vt100 NO_COLOR=1 at 80x24: no colour escapes, the same journey
#     works; LANG=C: ASCII only on screen.
#  7. --script/--dump-screen without a terminal: size, content, <Resize=>.
#
# Needs $TMUX (the tmux binary; `make check` sets it): exit 77 only when it
# is empty. Also $OPENSSL (or openssl on PATH) and jq or /usr/bin/python3.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

if [ -z "$TMUX" ]; then
	skip "tmux not configured (TMUX is empty)"
fi
TMUXBIN=$TMUX
if [ ! -x "$TMUXBIN" ]; then
	# Run by hand inside tmux, $TMUX is tmux's own socket variable.
	TMUXBIN=$(command -v tmux) || {
		echo "FAIL: TMUX='$TMUX' is not an executable and tmux is not on PATH"
		exit 1
	}
fi
if [ -z "$TLSDIAG" ] || [ ! -x "$TLSDIAG" ]; then
	echo "FAIL: tlsdiag binary not found (TLSDIAG='$TLSDIAG')"
	exit 1
fi
OPENSSL=${OPENSSL:-$(command -v openssl)}
if [ -z "$OPENSSL" ]; then
	echo "FAIL: openssl not found (needed to check exported certificates)"
	exit 1
fi
if command -v jq >/dev/null 2>&1; then
	JSONTOOL=jq
elif [ -x /usr/bin/python3 ]; then
	JSONTOOL=py
else
	echo "FAIL: neither jq nor /usr/bin/python3 to read --json"
	exit 1
fi

make_tmp
SOCK=tlsdiag-test-$$
SAMPLE=samples/expressway-7001-unknown-ca.pcap
OPTS="--trust-for 10.48.80.47=samples/trust/expc-trusted-ca.pem"
cd "$top_srcdir" || exit 1
if [ ! -f "$SAMPLE" ]; then
	echo "FAIL: $top_srcdir/$SAMPLE missing"
	exit 1
fi

# Our own tmux server, its socket under $TMP, never the user's.
tm() { env -u TMUX TMUX_TMPDIR="$TMP" "$TMUXBIN" -u -L "$SOCK" "$@"; }
trap 'tm kill-server >/dev/null 2>&1; rm -rf "$TMP"' EXIT

screen() { tm capture-pane -p -t tui; }
# wait_for REGEX [TENTHS]: until the screen shows it (default 10 s).
wait_for() {
	_n=${2:-100}
	while [ "$_n" -gt 0 ]; do
		screen >"$TMP/screen" 2>/dev/null
		grep -q -e "$1" "$TMP/screen" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
# expect REGEX WHAT: wait for it, or FAIL showing the screen.
expect() {
	if wait_for "$1"; then
		return 0
	fi
	fail "$2: the screen never showed /$1/"
	sed 's/^/    | /' "$TMP/screen"
	return 1
}
# reject REGEX WHAT: the current screen must not show it.
reject() {
	screen >"$TMP/screen"
	if grep -q -e "$1" "$TMP/screen"; then
		fail "$2: the screen shows /$1/"
		sed 's/^/    | /' "$TMP/screen"
	fi
}
keys() { tm send-keys -t tui "$@"; }
# press KEY: one key the user presses, counted for the five-key goal.
press() {
	PRESSES=$((PRESSES + 1))
	keys "$1"
}
# type TEXT: literal text into a prompt (not counted).
typetext() { tm send-keys -t tui -l "$1"; }
# start CMD: run CMD in the pane's shell, with its exit status after it.
start() {
	keys -l "$1; echo TUI-EXIT=\$?"
	keys Enter
}
row() { sed -n "$1p" "$TMP/screen"; }
# narrower FILE COLS: every line of FILE fits in COLS characters (UTF-8
# continuation bytes are not characters).
narrower() {
	LC_ALL=C sed 's/[\x80-\xbf]//g' "$1" | awk -v w="$2" 'length($0) > w { exit 1 }'
}
# tty_sane WHEN: the pane's terminal is back in cooked mode with echo,
# then clear the screen for the next run.
STTYN=0
tty_sane() {
	STTYN=$((STTYN + 1))
	keys -l "stty -a >$TMP/stty.$STTYN; echo STTY-DONE-$STTYN"
	keys Enter
	if expect "^STTY-DONE-$STTYN" "$1: stty"; then
		tr ' ;' '\n\n' <"$TMP/stty.$STTYN" | grep -q -x -e -icanon -e -echo &&
			fail "$1: terminal left without icanon/echo"
	fi
	keys -l "clear"
	keys Enter
	wait_for '^PROMPT>' || fail "$1: no prompt after clear"
}
# back_to_shell WHAT: the last line on screen is the shell prompt.
back_to_shell() {
	wait_for '^PROMPT>' || fail "$1: no shell prompt"
	grep -v '^$' "$TMP/screen" | tail -1 | grep -q '^PROMPT>' ||
		fail "$1: the shell prompt is not the last line"
}

# json FILTER ARGS...: run tlsdiag --json and query the session objects.
json_query() {
	_q=$1
	shift
	"$TLSDIAG" --json "$@" >"$TMP/json.out" 2>"$TMP/json.err"
	if [ "$JSONTOOL" = jq ]; then
		jq -r "select(.type == \"session\") | $_q" <"$TMP/json.out"
	else
		/usr/bin/python3 - "$_q" "$TMP/json.out" <<'EOF'
import json, sys
q, path = sys.argv[1], sys.argv[2]
for line in open(path):
    o = json.loads(line)
    if o.get("type") != "session":
        continue
    if q == "blamed":
        for f in o["findings"]:
            if f["side"] == "server" and f["cert"] is not None and f["severity"] == "error":
                print(f["cert"]); break
    elif q == "fingerprints":
        for c in o["server_chain"]:
            print(c["index"], c["sha256"])
    elif q == "nchain":
        print(len(o["server_chain"]))
EOF
	fi
}
blamed_cert() {
	if [ "$JSONTOOL" = jq ]; then
		json_query '[.findings[] | select(.side == "server" and .cert != null and .severity == "error")][0].cert' "$@"
	else
		json_query blamed "$@"
	fi
}
fingerprints() {
	if [ "$JSONTOOL" = jq ]; then
		json_query '.server_chain[] | "\(.index) \(.sha256)"' "$@"
	else
		json_query fingerprints "$@"
	fi
}
nchain() {
	if [ "$JSONTOOL" = jq ]; then
		json_query '.server_chain | length' "$@"
	else
		json_query nchain "$@"
	fi
}
# The SHA-256 fingerprint on screen (one line, or two halves), as
# lowercase hex without colons.
screen_fp() {
	awk '/SHA-256 fingerprint/ { n = 2; next }
	     n > 0 { n--; gsub(/[^0-9A-F:]/, ""); s = s $0 }
	     END { gsub(/:/, "", s); print tolower(substr(s, 1, 64)) }' "$TMP/screen"
}
openssl_fp() {
	"$OPENSSL" x509 "$@" -noout -fingerprint -sha256 2>/dev/null |
		sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}

# ---------------------------------------------------------------- start
tm new-session -d -s tui -x 100 -y 30 "env PS1='PROMPT> ' HOME='$TMP' TERM=screen LANG=C.UTF-8 LC_ALL= /bin/sh" ||
	{ echo "FAIL: cannot start tmux"; exit 1; }
tm set-option -t tui status off >/dev/null
wait_for '^PROMPT>' || { fail "the shell in tmux never prompted"; finish; }

# ---------------------------------------------------------------- 1. five keys
start "LANG=C.UTF-8 '$TLSDIAG' --tui $OPTS $SAMPLE"
PRESSES=0
if expect 'sessions\{0,1\}: ' "sessions list"; then
	grep -q 'expressway-7001-unknown-ca.pcap' "$TMP/screen" ||
		fail "list header does not name the capture"
	row 2 | grep -q '1 failed' || fail "list header does not count the failed session"
	row 4 | grep -q 'FAILED.*10.48.36.101:7001' ||
		fail "the failing 7001 session is not the first (selected) row"
	row 30 | grep -q 'Enter open.*q quit' || fail "status line does not show the list's keys"
fi
press Enter
if expect '^ Session 1 ' "session view"; then
	row 2 | grep -q 'FAILED.*rejected' || fail "session view does not open on the blame sentence"
	grep -q '^Server chain' "$TMP/screen" || fail "server chain not on the session's first screen"
	grep -q '^Findings' "$TMP/screen" || fail "findings not on the session's first screen"
	grep -q 'e export' "$TMP/screen" || fail "status line does not show the session's keys"
fi
press Enter
want=$(blamed_cert $OPTS "$SAMPLE")
if expect '^ Certificate \[' "certificate view"; then
	row 1 | grep -q "Certificate \[$want\] of the server chain" ||
		fail "Enter, Enter opened $(row 1) instead of the blamed server cert [$want]"
	grep -q 'Fix: ' "$TMP/screen" || fail "the certificate's advice (Fix:) is not on screen"
	grep -q 'unknown_ca' "$TMP/screen" || fail "the unknown_ca finding is not on screen"
fi
if [ "$PRESSES" -gt 5 ]; then
	fail "the rejected certificate took $PRESSES key presses (goal: 5)"
else
	echo "ok: rejected certificate and advice after $PRESSES key presses"
fi
fp_screen=$(screen_fp)
fp_json=$(fingerprints $OPTS "$SAMPLE" | awk -v i="$want" '$1 == i { print $2 }')
[ -n "$fp_screen" ] && [ "$fp_screen" = "$fp_json" ] ||
	fail "screen fingerprint '$fp_screen' differs from --json's '$fp_json'"

# ---------------------------------------------------------------- 2. export
keys e
if expect 'Export certificate to' "export prompt"; then
	grep -q 'Export certificate to.*\./.*\.pem' "$TMP/screen" ||
		fail "export prompt has no ./<name>.pem default"
fi
keys C-u
typetext "$TMP/exported.pem"
keys Enter
expect 'wrote .*exported.pem' "export message"
fp_file=$(openssl_fp -in "$TMP/exported.pem")
[ -n "$fp_file" ] && [ "$fp_file" = "$fp_screen" ] ||
	fail "exported file's SHA-256 '$fp_file' differs from the screen's '$fp_screen'"
cp "$TMP/exported.pem" "$TMP/exported.orig"
keys e C-u
typetext "$TMP/exported.pem"
keys Enter
expect 'exists. Overwrite? (y/N)' "overwrite question"
keys n
expect 'existing file is kept' "refused overwrite"
cmp -s "$TMP/exported.pem" "$TMP/exported.orig" || fail "the existing file was changed after 'n'"
# Tab switches the format: no extension -> .pem -> .der
keys e C-u
typetext "$TMP/asder"
keys Tab Tab Enter
expect 'wrote .*asder.der (DER)' "DER export"
fp_der=$(openssl_fp -inform DER -in "$TMP/asder.der")
[ "$fp_der" = "$fp_screen" ] || fail "DER export's SHA-256 '$fp_der' differs from '$fp_screen'"
keys E
expect 'Export the server chain' "chain export prompt"
keys C-u
typetext "$TMP/chain.pem"
keys Enter
n_json=$(nchain $OPTS "$SAMPLE")
expect "wrote $n_json certificates\{0,1\} (PEM)" "chain export message"
n_file=$("$OPENSSL" crl2pkcs7 -nocrl -certfile "$TMP/chain.pem" 2>/dev/null |
	"$OPENSSL" pkcs7 -print_certs -noout 2>/dev/null | grep -c '^subject')
[ "$n_file" = "$n_json" ] || fail "chain file holds $n_file certificates, --json says $n_json"
# Tab in the chain prompt: PKCS#7 (.p7b), the same bytes as openssl makes
# from the PEM bundle; a chain is never written as concatenated DER.
keys E C-u
typetext "$TMP/chain"
keys Tab Tab Enter
expect "wrote $n_json certificates\{0,1\} (PKCS#7)" "chain export as PKCS#7"
"$OPENSSL" crl2pkcs7 -nocrl -certfile "$TMP/chain.pem" -outform DER -out "$TMP/chain.ossl.p7b" 2>/dev/null
cmp -s "$TMP/chain.p7b" "$TMP/chain.ossl.p7b" ||
	fail "the .p7b differs from openssl crl2pkcs7 -nocrl's for the same chain"
n_p7=$("$OPENSSL" pkcs7 -inform DER -in "$TMP/chain.p7b" -print_certs -noout 2>/dev/null | grep -c '^subject')
[ "$n_p7" = "$n_json" ] || fail "the .p7b holds $n_p7 certificates, --json says $n_json"
if [ "$n_json" -gt 1 ]; then
	keys E C-u
	typetext "$TMP/chain.der"
	keys Enter
	expect 'not DER' "a chain refused as DER"
	[ -e "$TMP/chain.der" ] && fail "a chain was written as concatenated DER"
fi

# ---------------------------------------------------------------- search in a session
keys q
expect '^ Session 1 ' "back to the session (q)"
keys /
expect 'Search:' "search prompt"
typetext "ServerHelloDone"
keys Enter
sleep 0.2
screen >"$TMP/screen"
grep -q 'ServerHelloDone' "$TMP/screen" || fail "search did not bring ServerHelloDone on screen"
keys n
expect 'only this line matches\|wrapped around' "n repeats the search"
keys / 
typetext "no-such-text-xyz"
keys Enter
expect 'not found: no-such-text-xyz' "search miss"
keys Escape
expect '^ tlsdiag ' "back to the list (Esc)"

# ---------------------------------------------------------------- help
keys '?'
expect 'tlsdiag help' "help screen"
grep -q 'sort: verdict, time, server, service' "$TMP/screen" || fail "help lacks the sort key"
keys q
expect '^ tlsdiag ' "back from help"

# ---------------------------------------------------------------- 5. quit
keys q
expect 'TUI-EXIT=[0-9]' "quit"
grep -q 'TUI-EXIT=0' "$TMP/screen" || fail "q did not exit with status 0: $(grep TUI-EXIT "$TMP/screen")"
back_to_shell "after q"
reject '^ tlsdiag ' "screen after quitting (alternate screen not left)"
tty_sane "after q"

# ---------------------------------------------------------------- 3. filter, sort
ALL=$(ls samples/*.pcap | tr '\n' ' ')
start "LANG=C.UTF-8 '$TLSDIAG' --tui $OPTS $ALL"
if expect 'sessions: ' "multi-file list"; then
	total=$(sed -n 2p "$TMP/screen" | sed 's/^ *\([0-9]*\) sessions.*/\1/')
	first_ok=$(sed -n '4,$p' "$TMP/screen" | grep -n '^ *OK ' | head -1 | cut -d: -f1)
	last_failed=$(sed -n '4,$p' "$TMP/screen" | grep -n '^ *FAILED ' | tail -1 | cut -d: -f1)
	if [ -n "$first_ok" ] && [ -n "$last_failed" ] && [ "$first_ok" -lt "$last_failed" ]; then
		fail "failing sessions are not first by default"
	fi
fi
keys f
expect 'Filter' "filter prompt"
typetext "port:2445"
keys Enter
expect 'filter: port:2445' "filter applied"
rows=$(sed -n '4,29p' "$TMP/screen" | grep -c '[0-9]:[0-9]')
bad=$(sed -n '4,29p' "$TMP/screen" | grep '[0-9]:[0-9]' | grep -vc ':2445')
[ "$rows" -ge 1 ] && [ "$bad" -eq 0 ] || fail "port:2445 filter shows $rows rows, $bad not on 2445"
keys Escape
expect 'filter cleared' "Esc clears the filter"
keys f
typetext "verdict:failed id:unknown_ca"
keys Enter
expect 'sessions match' "verdict+id filter"
row 2 | grep -q 'filter: verdict:failed' || fail "header does not show the verdict+id filter"
sed -n '4,29p' "$TMP/screen" | grep '[0-9]:[0-9]' | grep -v '^ *FAILED ' | grep -q . &&
	fail "verdict:failed filter shows other verdicts"
keys f C-u
typetext "no-such-session-xyz"
keys Enter
expect 'No session matches the filter' "empty filter result"
keys Escape
expect 'filter cleared' "Esc clears the filter again"

# s cycles: time, server, service, verdict. Check time and server order.
col_of() { # the characters of column NAME in the body rows
	awk -v name="$1" 'NR == 3 { s = index($0, name); if (!s) exit
			      rest = substr($0, s + length(name)); match(rest, /[^ ]/)
			      w = length(name) + RSTART - 1 }
		NR >= 4 && NR <= 29 && s && $0 ~ /[0-9]:[0-9]/ { v = substr($0, s, w); gsub(/ +$/, "", v); print v }' "$TMP/screen"
}
# The status line is the last row drawn: once it says so, the body above
# it is the new order too (the header alone may be ahead of the body).
keys s
expect 'sort: time' "sort by time"
expect 'sorted by time' "sort by time (status line)"
col_of Time >"$TMP/times"
sort "$TMP/times" | cmp -s - "$TMP/times" || fail "sort: time does not order by time: $(tr '\n' ' ' <"$TMP/times")"
keys s
expect 'sort: server' "sort by server"
expect 'sorted by server' "sort by server (status line)"
col_of Server | sed 's/:.*//' >"$TMP/servers"
sort -t . -k1,1n -k2,2n -k3,3n -k4,4n "$TMP/servers" | cmp -s - "$TMP/servers" ||
	fail "sort: server does not order by server address: $(tr '\n' ' ' <"$TMP/servers")"
keys s
expect 'sort: service' "sort by service"
keys s
expect 'sort: verdict' "sort cycles back to verdict"

# ---------------------------------------------------------------- 4. resize
tm resize-window -t tui -x 80 -y 24
sleep 0.3
if expect 'q quit' "redraw at 80x24"; then
	[ "$(wc -l <"$TMP/screen")" -eq 24 ] || fail "screen is not 24 rows after resize"
	row 24 | grep -q 'q quit' || fail "status line not on the last row at 80x24"
	row 1 | grep -q '^ tlsdiag' || fail "title not on the first row at 80x24"
	narrower "$TMP/screen" 80 || fail "a line is wider than 80 columns"
fi
tm resize-window -t tui -x 30 -y 8
expect 'window too small' "too small a window"
tm resize-window -t tui -x 100 -y 30
expect 'sort: verdict' "redraw back at 100x30"
row 30 | grep -q 'q quit' || fail "status line not on row 30 after growing again"
keys Enter
expect '^ Session ' "open a session after resizes"
tm resize-window -t tui -x 80 -y 24
sleep 0.3
expect 'q back' "session view redrawn at 80x24"
narrower "$TMP/screen" 80 || fail "session view wider than 80 after resize"
keys Q
expect 'TUI-EXIT=0' "Q quits from a session"
tty_sane "after Q"

# ---------------------------------------------------------------- signals
start "LANG=C.UTF-8 '$TLSDIAG' --tui $OPTS $SAMPLE"
expect 'sessions\{0,1\}: ' "list before SIGINT"
keys C-c
expect 'TUI-EXIT=130' "SIGINT (C-c) ends the TUI with 130"
back_to_shell "after SIGINT"
reject '^ tlsdiag ' "screen after SIGINT"
tty_sane "after SIGINT"
start "sh -c 'echo \$\$ >$TMP/pid; exec env LANG=C.UTF-8 $TLSDIAG --tui $OPTS $SAMPLE'"
expect 'sessions\{0,1\}: ' "list before SIGTERM"
kill -TERM "$(cat "$TMP/pid")"
expect 'TUI-EXIT=143' "SIGTERM ends the TUI with 143"
back_to_shell "after SIGTERM"
reject '^ tlsdiag ' "screen after SIGTERM"
tty_sane "after SIGTERM"

# ---------------------------------------------------------------- 6. vt100, no colour, ASCII
tm resize-window -t tui -x 80 -y 24
start "TERM=vt100 NO_COLOR=1 LANG=C.UTF-8 '$TLSDIAG' --tui $OPTS $SAMPLE"
PRESSES=0
expect 'sessions\{0,1\}: ' "vt100 list"
tm capture-pane -e -p -t tui >"$TMP/esc"
if grep -q "$(printf '\033')\[[0-9;]*\(3[0-7]\|4[0-7]\|38;\|48;\)[0-9;]*m" "$TMP/esc"; then
	fail "colour escapes with TERM=vt100 NO_COLOR=1"
fi
press Enter
expect '^ Session 1 ' "vt100 session view"
press Enter
expect '^ Certificate \[' "vt100 certificate view"
grep -q 'Fix: ' "$TMP/screen" || fail "vt100 80x24: advice not on the certificate's first screen"
[ "$PRESSES" -le 5 ] || fail "vt100: $PRESSES key presses"
keys q q q
expect 'TUI-EXIT=0' "vt100 quit"
tty_sane "after vt100"
start "LANG=C LC_ALL=C '$TLSDIAG' --tui $OPTS $SAMPLE"
expect 'sessions\{0,1\}: ' "C locale list"
keys Enter
expect '^ Session 1 ' "C locale session view"
if LC_ALL=C grep -q '[^ -~]' "$TMP/screen"; then
	fail "non-ASCII on screen in the C locale"
	LC_ALL=C grep -n '[^ -~]' "$TMP/screen" | head -3 | sed 's/^/    | /'
fi
grep -q '`- \[' "$TMP/screen" || fail "C locale: no ASCII chain tree"
keys Q
expect 'TUI-EXIT=0' "C locale quit"

# ---------------------------------------------------------------- 7. --script / --dump-screen
COLUMNS=80 LINES=24 LANG=C.UTF-8 "$TLSDIAG" --tui $OPTS "$SAMPLE" --script '\n\n' \
	--dump-screen "$TMP/dump.txt" >"$TMP/dump.out" 2>"$TMP/dump.err"
rc=$?
[ "$rc" -eq 0 ] || fail "--script/--dump-screen exited $rc: $(cat "$TMP/dump.err")"
[ "$(wc -l <"$TMP/dump.txt")" -eq 24 ] || fail "--dump-screen: not 24 lines"
grep -q '^ Certificate \[' "$TMP/dump.txt" || fail "--script '\\n\\n' did not reach a certificate"
grep -q 'Fix: ' "$TMP/dump.txt" || fail "--dump-screen: no advice on the certificate screen"
narrower "$TMP/dump.txt" 80 || fail "--dump-screen wider than 80"
# The issue's own command line, no trust store: still two keys.
COLUMNS=80 LINES=24 LANG=C.UTF-8 "$TLSDIAG" --tui "$SAMPLE" --script '\n\n' \
	--dump-screen "$TMP/bare.txt" >/dev/null 2>"$TMP/bare.err" ||
	fail "tlsdiag --tui $SAMPLE (no options) failed: $(cat "$TMP/bare.err")"
want=$(blamed_cert "$SAMPLE")
grep -q "^ Certificate \[$want\] of the server chain" "$TMP/bare.txt" ||
	fail "without --trust, Enter Enter did not open the blamed server cert [$want]: $(head -1 "$TMP/bare.txt")"
grep -q 'Fix: ' "$TMP/bare.txt" || fail "without --trust, no advice on the certificate screen"
COLUMNS=100 LINES=30 LANG=C.UTF-8 "$TLSDIAG" --tui $OPTS "$SAMPLE" \
	--script '<Enter><Resize=60x20>' --dump-screen "$TMP/dump2.txt" >/dev/null 2>&1
[ "$(wc -l <"$TMP/dump2.txt")" -eq 20 ] || fail "<Resize=60x20> did not give a 20-row screen"
narrower "$TMP/dump2.txt" 60 || fail "<Resize=60x20>: wider than 60"
"$TLSDIAG" --tui "$SAMPLE" --script '<Bogus>' --dump-screen "$TMP/x" >/dev/null 2>&1
[ $? -eq 2 ] || fail "an unknown <key> in --script is not a usage error"

finish

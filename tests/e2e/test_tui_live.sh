#!/bin/sh
# test_tui_live.sh - the TUI on a live capture (tlsdiag -i lo in a tmux
# pane), in a private network namespace (unshare -n) with openssl
# handshakes:
#
#  - new sessions appear as they conclude, and the title counts packets,
#    sessions and how many left the view (--keep 2 keeps two sessions
#    that did not fail; failing ones always stay);
#  - the cursor stays on its session while an older one leaves the view
#    (it moves up a row, it does not jump to another session);
#  - F follows: the newest session is selected as it comes;
#  - q ends it cleanly (the terminal restored, exit status shown).
#
# Needs root and unshare (skips 77 otherwise), and tmux.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

: "${OPENSSL:=openssl}"
PKI=$top_srcdir/tests/bench/pki
TMUXBIN=${TMUX:-}
[ -x "$TMUXBIN" ] || TMUXBIN=$(command -v tmux 2>/dev/null)

need_tlsdiag
need_tool "$OPENSSL" openssl
need_tool "$TMUXBIN" tmux
export TMUX="$TMUXBIN" # tmux itself runs without it (tm)
live_netns "$0" "$@"
make_tmp
chmod 755 "$TMP"
SOCK=tlsdiag-live-$$
tm() { env -u TMUX TMUX_TMPDIR="$TMP" "$TMUXBIN" -u -L "$SOCK" "$@"; }
cleanup_pids=
trap 'tm kill-server >/dev/null 2>&1; for p in $cleanup_pids; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

screen() { tm capture-pane -p -t tui; }
wait_for() {
	_n=${2:-50}
	while [ "$_n" -gt 0 ]; do
		screen >"$TMP/screen" 2>/dev/null
		grep -q -e "$1" "$TMP/screen" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
expect() {
	wait_for "$1" && return 0
	fail "$2: the screen never showed /$1/"
	sed 's/^/    | /' "$TMP/screen"
	return 1
}
keys() { tm send-keys -t tui "$@"; }
# The status line's position, after a key that only redraws (C-l)
# cleared any message.
pos_is() {
	keys C-l
	expect " $1\$" "$2"
}

# ok: a completed handshake (not failing); bad: the client rejects it.
"$OPENSSL" s_server -accept 4433 -cert "$PKI/e-server.crt" -key "$PKI/e-server.key" \
	-cert_chain "$PKI/e-chain3.pem" -quiet </dev/null >/dev/null 2>&1 &
cleanup_pids="$cleanup_pids $!"
ok() {
	echo | "$OPENSSL" s_client -connect 127.0.0.1:4433 -tls1_2 \
		-servername www.bench.test >/dev/null 2>&1
}
bad() {
	echo | "$OPENSSL" s_client -connect 127.0.0.1:4433 -tls1_2 -servername www.bench.test \
		-CAfile "$PKI/a-root.crt" -verify_return_error >/dev/null 2>&1
}

tm new-session -d -s tui -x 120 -y 30 "sh -c '\"$TLSDIAG\" -i lo -f \"tcp port 4433\" \
--keep 2 2>$TMP/err.txt; echo TUI-EXIT=\$?; sleep 60'" || skip "tmux cannot start"
expect "interface lo: .* packets" "the title names the interface" || {
	cat "$TMP/err.txt"
	finish
}

# New sessions appear; --keep 2: the third ok session pushes the first out.
ok
expect "1 sessions, 0 left the view" "a session appears"
ok
ok
expect "3 sessions, 1 left the view" "a session leaves the view past --keep 2"
expect "2 sessions: 2 ok" "the list holds two sessions"

# Sorted by time, on the second (newest) row: when an older one leaves,
# the cursor stays on its session, now the first row.
keys s
expect "sorted by time" "s sorts"
keys G
pos_is "2/2" "the cursor on the second row"
ok
expect "4 sessions, 2 left the view" "a fourth session"
pos_is "1/2" "the cursor stayed on its session"

# A failing session always stays; the status counts it.
bad
expect "3 sessions: 1 failed" "a failing session is kept beside --keep"

# F follows the newest.
keys g
pos_is "1/3" "the cursor on the first row"
keys F
expect "following the newest session" "F follows"
ok
expect "6 sessions" "a sixth session"
pos_is "3/3" "F keeps the newest selected"

keys q
expect "TUI-EXIT=[01]" "q ends the live TUI"
grep -v '^$' "$TMP/err.txt" && fail "messages on stderr: $(cat "$TMP/err.txt")"

finish

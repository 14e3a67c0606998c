#!/bin/sh
# test_live_follow.sh - `tlsdiag --follow` behind a real tcpdump, in a
# private network namespace (unshare -n) with openssl handshakes:
#
#  - tcpdump -U -w NAME -C 1 -W 3 (a ring of three 1 MB files): a rejected
#    handshake is in the streamed --json within a second of happening;
#  - bulk traffic makes tcpdump rotate (and wrap) its ring; a handshake
#    after that is read from the newer file, the one before is not
#    reported twice;
#  - SIGTERM ends it: the summary is written, exit status 1 (findings).
#
# Needs root (for tcpdump and the namespace), tcpdump and unshare; skips
# (77) with the reason otherwise.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

: "${OPENSSL:=openssl}"
PY=/usr/bin/python3
PKI=$top_srcdir/tests/bench/pki
TCPDUMP=$(command -v tcpdump || echo /usr/bin/tcpdump)

need_tlsdiag
need_tool "$OPENSSL" openssl
need_tool "$PY" python3
need_tool "$TCPDUMP" tcpdump
live_netns "$0" "$@"
make_tmp
cleanup_pids=
trap 'for p in $cleanup_pids; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT


"$OPENSSL" s_server -accept 4433 -cert "$PKI/b-server.crt" -key "$PKI/b-server.key" \
	-quiet </dev/null >/dev/null 2>&1 &
cleanup_pids="$cleanup_pids $!"
# A sink for bulk traffic.
"$PY" -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 5000)); s.listen(8)
while True:
    c = s.accept()[0]
    while c.recv(65536):
        pass
    c.close()
' &
cleanup_pids="$cleanup_pids $!"
sleep 0.3

client() {
	echo | "$OPENSSL" s_client -connect 127.0.0.1:4433 -tls1_2 -servername www.bench.test \
		-CAfile "$PKI/a-root.crt" -verify_return_error >/dev/null 2>&1
}

# tcpdump -U --immediate-mode: each packet written as it comes (without
# immediate mode libpcap hands tcpdump packets up to a second late).
"$TCPDUMP" -i lo -U --immediate-mode -Z root -s 0 -w "$TMP/cap" -C 1 -W 3 'tcp' 2>"$TMP/tcpdump.err" &
D=$!
cleanup_pids="$cleanup_pids $D"
"$TLSDIAG" --follow "$TMP/cap" --json -o "$TMP/out.json" 2>"$TMP/err.txt" &
T=$!
cleanup_pids="$cleanup_pids $T"
wait_line "$TMP/tcpdump.err" 'listening on' 3000 || fail "tcpdump did not start"
sleep 0.3

client
t0=$(ms)
if wait_line "$TMP/out.json" '"type":"session"' 1000; then
	note "session streamed $(($(ms) - t0)) ms after the handshake"
else
	fail "no session in the --follow stream within a second"
fi
grep -q '"id":"unknown_ca"' "$TMP/out.json" || fail "the session has no unknown_ca finding"

# 4 MB through the 1 MB ring of 3, paced (a follower more than a whole
# ring behind loses what tcpdump overwrote, as tail -F would): it
# rotates and wraps.
"$PY" -c '
import socket, time
c = socket.create_connection(("127.0.0.1", 5000))
for n in range(64):
    c.sendall(b"y" * 65536)
    time.sleep(0.02)
c.close()
'
sleep 0.5
ls "$TMP"/cap? >/dev/null 2>&1 || fail "tcpdump wrote no ring ($(ls "$TMP"))"
client
wait_line "$TMP/out.json" '"session":2,' 2000 || fail "no session after the ring rotated"

kill -TERM $T
wait $T
rc=$?
[ $rc = 1 ] || fail "exit status $rc after SIGTERM, expected 1 (findings)"
grep -q '"type":"summary"' "$TMP/out.json" || fail "no summary after SIGTERM"
n=$(grep -c '"id":"unknown_ca"' "$TMP/out.json")
[ "$n" = 2 ] || fail "$n sessions with unknown_ca, expected 2: $(cat "$TMP/err.txt")"

finish

#!/bin/sh
# test_live.sh - `tlsdiag -i` for real, in a private network namespace the
# test makes itself (unshare -n: only its own loopback, nothing outside
# captured or disturbed), with openssl s_server/s_client handshakes:
#
#  - a client rejecting the server's chain: the session, with unknown_ca,
#    is in the streamed --json output within a second of the handshake,
#    while tlsdiag still runs (line-buffered, one line per session);
#  - the process parsing packets is not root (dropped to nobody; no
#    capabilities), and -Z with an unknown user refuses to start;
#  - -f goes to the kernel: a handshake on another port is not seen;
#  - a flow that stays open but idle is concluded by wall clock
#    (--idle-timeout 1), without any further packet;
#  - SIGUSR1 prints the figures on stderr and the capture goes on; SIGHUP
#    reopens -o FILE after it was moved away (log rotation);
#  - a reader that goes away (| head) ends the capture;
#  - SIGINT ends cleanly: the open flows' sessions and the summary are
#    written, the final figures printed, exit status 1 (findings);
#  - -w DIR writes a pcapng ring that tlsdiag reads back with the same
#    session; -C and -W bound its files' size and number;
#  - kernel drops (a small -B, tlsdiag stopped during a flood) are in the
#    figures, and the session open meanwhile gets capture_gap.
#
# Needs root (or CAP_NET_RAW + CAP_SYS_ADMIN) and unshare; skips (77)
# with the reason otherwise.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

: "${OPENSSL:=openssl}"
PY=/usr/bin/python3
PKI=$top_srcdir/tests/bench/pki

need_tlsdiag
need_tool "$OPENSSL" openssl
need_tool "$PY" python3
live_netns "$0" "$@"
make_tmp
chmod 755 "$TMP"
cleanup_pids=
trap 'for p in $cleanup_pids; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

# hello PORT SECONDS [MARKER]: a TLS 1.2 ClientHello to PORT, then
# silence for SECONDS (MARKER made once it is sent); in the background.
hello() {
	"$PY" -c '
import socket, ssl, sys, time
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
ctx = ssl.create_default_context(); ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
o = ssl.MemoryBIO(); i = ssl.MemoryBIO()
t = ctx.wrap_bio(i, o, server_hostname="idle.example")
try:
    t.do_handshake()
except ssl.SSLWantReadError:
    pass
c.sendall(o.read())
if len(sys.argv) > 3:
    open(sys.argv[3], "w").close()
time.sleep(float(sys.argv[2]))
' "$@" &
}

server() { # PORT: a server sending only its leaf (the client lacks the issuer)
	"$OPENSSL" s_server -accept "$1" -cert "$PKI/b-server.crt" -key "$PKI/b-server.key" \
		-quiet </dev/null >/dev/null 2>&1 &
	cleanup_pids="$cleanup_pids $!"
	i=0
	while ! "$PY" -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1)" \
		2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

client() { # PORT: TLS 1.2 so that the chain is visible; rejects unknown_ca
	echo | "$OPENSSL" s_client -connect "127.0.0.1:$1" -tls1_2 -servername www.bench.test \
		-CAfile "$PKI/a-root.crt" -verify_return_error >/dev/null 2>&1
}

# -Z with a user that does not exist: refused before anything is captured.
"$TLSDIAG" -i lo --json -Z no-such-user-tlsdiag >/dev/null 2>"$TMP/z.err"
rc=$?
[ $rc = 2 ] || fail "-Z no-such-user: exit $rc, expected 2"
grep -q "no-such-user-tlsdiag" "$TMP/z.err" || fail "-Z no-such-user: no message naming it"

# -o FILE's directory: the user it drops to makes the next file there.
mkdir "$TMP/log" && chown nobody "$TMP/log" || fail "cannot make a directory for nobody"

server 4433
server 4434
# The silent server: accepts and never answers (the handshake stays open).
"$PY" -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 4435)); s.listen(8)
c = []
while True:
    c.append(s.accept()[0])
' &
cleanup_pids="$cleanup_pids $!"

"$TLSDIAG" -i lo -f 'tcp port 4433 or tcp port 4435' --json --idle-timeout 1 \
	-w "$TMP/ring" -o "$TMP/log/out.json" 2>"$TMP/err.txt" &
T=$!
cleanup_pids="$cleanup_pids $T"
sleep 0.5 # pcap_activate

# 1. The rejected handshake, in the stream within a second.
client 4433
t0=$(ms)
if wait_line "$TMP/log/out.json" '"type":"session".*"port":4433' 1000; then
	note "session streamed $(($(ms) - t0)) ms after the handshake"
else
	fail "no session for port 4433 in the JSON stream within a second"
fi
grep '"port":4433' "$TMP/log/out.json" | grep -q '"id":"unknown_ca"' ||
	fail "the session has no unknown_ca finding"

# 2. The parsing process is not root, and holds no capability.
uid=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$T/status")
case " $uid " in
*" 0 "*) fail "tlsdiag still runs as root: Uid $uid" ;;
esac
[ "$(awk '/^Uid:/ { print $3 }' "/proc/$T/status")" = "$(id -u nobody)" ] ||
	fail "tlsdiag is not nobody: Uid $uid"
grep -q '^CapEff:[[:space:]]*0*$' "/proc/$T/status" || fail "tlsdiag holds capabilities"

# 3. The filter is in the kernel: port 4434 never reaches tlsdiag.
client 4434

# 4. Idle by wall clock: the handshake to the silent server concludes
#    after --idle-timeout 1 with no packet after it.
hello 4435 4
idle=$!
t0=$(ms)
if wait_line "$TMP/log/out.json" '"port":4435' 3000; then
	note "idle session concluded $(($(ms) - t0)) ms after its ClientHello"
	kill -0 $idle 2>/dev/null || fail "the idle connection was already closed"
else
	fail "the idle flow was not concluded by wall clock (--idle-timeout 1)"
fi

# 5. SIGUSR1: the figures on stderr, the capture goes on.
kill -USR1 $T
wait_line "$TMP/err.txt" 'so far: .* packets' 2000 || fail "SIGUSR1 printed no figures"
grep 'so far' "$TMP/err.txt" | grep -q 'kernel drops 0' ||
	fail "SIGUSR1 figures lack the kernel drops: $(cat "$TMP/err.txt")"

# 6. SIGHUP reopens -o FILE.
mv "$TMP/log/out.json" "$TMP/log/out.json.1"
kill -HUP $T
sleep 0.3
client 4433
wait_line "$TMP/log/out.json" '"port":4433' 1000 || fail "after SIGHUP, no session in the new -o FILE"

# 7. SIGINT: clean end, summary written, figures printed, exit 1.
kill -INT $T
wait $T
rc=$?
[ $rc = 1 ] || fail "exit status $rc after SIGINT, expected 1 (findings)"
grep -q '"type":"summary"' "$TMP/log/out.json" || fail "no summary after SIGINT"
grep -q 'at the end: .* packets' "$TMP/err.txt" || fail "no final figures on stderr"
grep -q '"port":4434' "$TMP/log/out.json" "$TMP/log/out.json.1" && fail "port 4434 was captured despite -f"
n=$(cat "$TMP/log/out.json.1" "$TMP/log/out.json" | grep -c '"type":"session"')
[ "$n" = 3 ] || fail "$n sessions, expected 3 (two rejected, one idle)"
kill $idle 2>/dev/null

# 8. The -w ring holds what was captured, as a capture tlsdiag reads.
ls "$TMP"/ring/tlsdiag-*.pcapng >/dev/null 2>&1 || fail "-w wrote no pcapng file"
"$TLSDIAG" --json "$TMP"/ring/tlsdiag-*.pcapng >"$TMP/ring.json" 2>/dev/null
n=$(grep -c '"id":"unknown_ca"' "$TMP/ring.json")
[ "$n" = 2 ] || fail "the -w ring has $n unknown_ca sessions, expected 2"

# 8a. A reader that goes away (| head) ends the capture (exit status 2).
mkfifo "$TMP/pipe"
"$TLSDIAG" -i lo -f 'tcp port 4433' --json >"$TMP/pipe" 2>"$TMP/pipe.err" &
P=$!
cleanup_pids="$cleanup_pids $P"
head -c 1 <"$TMP/pipe" >/dev/null &
sleep 0.5
client 4433
client 4433
i=0
while kill -0 $P 2>/dev/null && [ $i -lt 60 ]; do
	sleep 0.05
	i=$((i + 1))
done
if kill -0 $P 2>/dev/null; then
	fail "tlsdiag goes on capturing after its reader went away"
else
	wait $P
	rc=$?
	[ $rc = 2 ] || fail "exit status $rc after its reader went away, expected 2"
fi

# 8b. -C/-W bound the ring: 4 KiB files, 2 kept, whatever was captured.
"$TLSDIAG" -i lo -f 'tcp port 4433' --json -w "$TMP/small" -C 4K -W 2 >/dev/null \
	2>"$TMP/small.err" &
W=$!
cleanup_pids="$cleanup_pids $W"
sleep 0.5
for i in 1 2 3 4; do client 4433; done
sleep 0.3
kill -INT $W
wait $W
n=$(ls "$TMP"/small/tlsdiag-*.pcapng 2>/dev/null | wc -l)
[ "$n" = 2 ] || fail "-W 2: $n files in the ring"
for f in "$TMP"/small/tlsdiag-*.pcapng; do
	sz=$(stat -c %s "$f")
	[ "$sz" -le 4096 ] || fail "-C 4K: $f has $sz bytes"
done
grep -q 'at the end: -w: .* packets in [3-9][0-9]* files ([1-9][0-9]* removed)' \
	"$TMP/small.err" || fail "the final figures do not show the ring rotating: $(cat "$TMP/small.err")"

# 9. Kernel drops mark the sessions open meanwhile with capture_gap: a
#    handshake left open (the silent server), tlsdiag stopped while a
#    flood overflows its small buffer (-B 2048), then resumed.
"$TLSDIAG" -i lo -B 2048 --json --idle-timeout 1 -o "$TMP/gap.json" 2>"$TMP/gap.err" &
G=$!
cleanup_pids="$cleanup_pids $G"
sleep 0.5
hello 4435 3 "$TMP/gap.sent"
idle=$!
# Stop it only once it has taken the handshake's packets (SYN to the
# ClientHello's ACK: 5), as its figures (SIGUSR1) say.
i=0
while [ $i -lt 60 ]; do
	if [ -e "$TMP/gap.sent" ]; then
		kill -USR1 $G
		sleep 0.05
		grep -q 'so far: \([5-9]\|[1-9][0-9][0-9]*\) packets' "$TMP/gap.err" && break
	fi
	sleep 0.05
	i=$((i + 1))
done
kill -STOP $G
"$PY" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for n in range(20000):
    s.sendto(b"x" * 1000, ("127.0.0.1", 9))
'
kill -CONT $G
if wait_line "$TMP/gap.json" '"type":"session"' 3000; then
	grep '"type":"session"' "$TMP/gap.json" | grep -q '"id":"capture_gap"' ||
		fail "kernel drops, but the session open meanwhile has no capture_gap"
else
	fail "no session after the drops"
fi
kill -USR1 $G
wait_line "$TMP/gap.err" 'so far: .*kernel drops [1-9]' 2000 ||
	fail "SIGUSR1 shows no kernel drops: $(cat "$TMP/gap.err")"
kill -TERM $G
wait $G
grep -q '"type":"summary"' "$TMP/gap.json" || fail "no summary after SIGTERM"
grep -q 'at the end: .*1 with a capture gap' "$TMP/gap.err" ||
	fail "the final figures do not count the session with a capture gap"
kill $idle 2>/dev/null

finish

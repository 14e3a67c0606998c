#!/bin/sh
# test_live_soak.sh - tlsdiag -i for the length of 10,000 TLS connections
# (openssl s_server, a Python client resuming its session; in a private
# network namespace, unshare -n), under a minute:
#
#  - no session is missed when the kernel reports no drops: 10,000
#    connections, 10,000 sessions in the --json stream;
#  - memory stays flat: RSS after 10,000 connections is within 10% of
#    RSS after 1,000 (the flow table, the sessions and the summary are
#    bounded; the kernel ring has wrapped by 1,000);
#  - the parsing process is not root.
#
# The long run by hand (figures every 10,000 connections):
#   SOAK_SECONDS=1800 nice -n 10 make check TESTS=tests/e2e/test_live_soak.sh
#
# Needs root (or CAP_NET_RAW + CAP_SYS_ADMIN) and unshare; skips (77)
# with the reason otherwise.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

: "${OPENSSL:=openssl}"
PY=/usr/bin/python3
PKI=$top_srcdir/tests/bench/pki
N=${SOAK_CONNECTIONS:-10000}

need_tlsdiag
need_tool "$OPENSSL" openssl
need_tool "$PY" python3
live_netns "$0" "$@"
make_tmp
cleanup_pids=
trap 'for p in $cleanup_pids; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

# ECDSA P-256: cheap handshakes. -rev answers each line.
"$OPENSSL" s_server -accept 4433 -cert "$PKI/e-server.crt" -key "$PKI/e-server.key" \
	-rev -quiet </dev/null >/dev/null 2>&1 &
cleanup_pids="$cleanup_pids $!"
# -s 4096: the kernel ring's slots are a snaplen each (immediate mode),
# so 64 MiB hold 16,000 packets, not 1,000 of loopback's 64 KiB: the test
# shares its machine, and tlsdiag may wait for the processor a while.
# Under AddressSanitizer, freed memory waits in its quarantine (RSS grows
# by design): without one, the figures are tlsdiag's own.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0" \
	"$TLSDIAG" -i lo -f 'tcp port 4433' -s 4096 -B 65536 --json -o "$TMP/out.json" 2>"$TMP/err.txt" &
T=$!
cleanup_pids="$cleanup_pids $T"
sleep 0.7

"$PY" "$top_srcdir/tests/e2e/live-soak.py" 4433 "$N" "$T" "$TMP/out.json" \
	${SOAK_SECONDS:-} >"$TMP/soak.txt" 2>&1 || fail "the client failed: $(cat "$TMP/soak.txt")"
cat "$TMP/soak.txt"

uid=$(awk '/^Uid:/ { print $3 }' "/proc/$T/status")
[ "$uid" != 0 ] || fail "tlsdiag parses as root"

kill -INT $T
wait $T
cat "$TMP/err.txt"
drops=$(sed -n 's/.*at the end: .*kernel drops \([0-9]*\), interface drops \([0-9]*\).*/\1 \2/p' \
	"$TMP/err.txt")
[ -n "$drops" ] || fail "no final figures on stderr"
conns=$(awk '$1 == "connections" { print $2 }' "$TMP/soak.txt")
sessions=$(grep -c '"type":"session"' "$TMP/out.json")
if [ "$drops" = "0 0" ]; then
	[ "$sessions" = "$conns" ] || fail "$conns connections, $sessions sessions, no drops"
else
	note "the kernel dropped packets ($drops): not counting missed sessions"
fi
r1=$(awk '$1 == "rss1k" { print $2 }' "$TMP/soak.txt")
rn=$(awk '$1 == "rssN" { print $2 }' "$TMP/soak.txt")
if [ -n "$r1" ] && [ -n "$rn" ]; then
	note "RSS after 1,000 connections: $r1 KB; after $conns: $rn KB"
	[ $((rn * 10)) -le $((r1 * 11)) ] || fail "RSS grew from $r1 KB to $rn KB (more than 10%)"
else
	fail "no RSS figures"
fi

finish

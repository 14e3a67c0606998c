#!/bin/sh
# test_db_pg.sh - the inventory in PostgreSQL (`--db postgresql://...`),
# against a private server this test starts (pg-lib.sh):
#
#  - the same archive stored in SQLite and in PostgreSQL (by URI and by
#    key=value conninfo) gives identical `db stats|expiring|failing|where`;
#  - a second run skips every capture; the schema is versioned;
#  - an unreachable server: exit 2 with libpq's message, at the start of a
#    run and for `tlsdiag db`;
#  - three workers over 200 captures, one killed with SIGKILL midway and
#    started again: every capture stored exactly once (the captures each
#    runs reported add up to the inventory's), every claim 'done', and
#    stats, expiring, failing and report equal to one process's SQLite
#    inventory; `db report --html` from the database alone;
#  - the connection terminated midway (pg_terminate_backend): the worker
#    connects again and goes on, nothing half-written; the server stopped
#    midway: bounded retries, then a clear message and exit 2.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/pg-lib.sh"
need_tlsdiag
make_tmp
pg_start

# ---- an archive of the sample and TLS test captures ------------------------
D=$TMP/arc
mkdir -p "$D/a"
n=0
for f in "$top_srcdir"/samples/*.pcap "$top_srcdir"/tests/captures/tls/*.pcap; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	cp "$f" "$D/a/$n-$(basename "$f")"
done
[ "$n" -ge 3 ] || skip "fewer than 3 sample captures found"
echo "not a capture" >"$D/a/junk.pcap"
nfiles=$((n + 1))
LITE=$TMP/t.db

run_tlsdiag "$TMP/o1" "$TMP/e1" -q --db "$LITE" "$D"
[ "$rc" -le 1 ] || fail "SQLite run: exit status $rc: $(cat "$TMP/e1")"
run_tlsdiag "$TMP/o2" "$TMP/e2" -q --db "$PGURI" "$D"
[ "$rc" -le 1 ] || fail "PostgreSQL run: exit status $rc: $(cat "$TMP/e2")"
[ "$(pg_sql 'SELECT count(*) FROM captures')" = "$nfiles" ] ||
	fail "PostgreSQL: $(pg_sql 'SELECT count(*) FROM captures') captures, expected $nfiles"
[ "$(pg_sql 'SELECT version FROM tlsdiag_schema')" = "$(sed -n 's/^#define DB_SCHEMA_VERSION //p' "$top_srcdir/ui/store/store_int.h")" ] ||
	fail "PostgreSQL: schema version $(pg_sql 'SELECT version FROM tlsdiag_schema')"

# The same answers from both (the database line and the run times aside).
sha=$(pg_sql "SELECT sha256 FROM certificates c ORDER BY
	(SELECT count(*) FROM chain_certs cc WHERE cc.cert_id = c.id) DESC, sha256 LIMIT 1")
sep=$(pg_sql "SELECT s.server_ip || '|' || s.server_port FROM sessions s WHERE s.verdict = 'failed'
	ORDER BY s.server_ip, s.server_port LIMIT 1")
sip=${sep%|*}
sport=${sep#*|}
compare() {
	for q in "stats" "expiring 36500" "expiring -v 36500" "expiring 0" "failing" "where $sha" \
		"where CN=" "where nothing-matches-this" "where $sip" "where $sip:$sport"; do
		# shellcheck disable=SC2086
		run_tlsdiag "$TMP/ql" "$TMP/el" db "$LITE" $q
		rl=$rc
		# shellcheck disable=SC2086
		run_tlsdiag "$TMP/qp" "$TMP/ep" db "$1" $q
		[ "$rc" = "$rl" ] || fail "db $q: exit $rc on PostgreSQL, $rl on SQLite: $(cat "$TMP/ep")"
		sed -i '/^database /d; /^analysed /d' "$TMP/ql" "$TMP/qp"
		[ -s "$TMP/ql" ] || fail "db $q: no output"
		cmp -s "$TMP/ql" "$TMP/qp" ||
			fail "db $q differs ($2):$(diff "$TMP/ql" "$TMP/qp" | head -10)"
	done
}
compare "$PGURI" URI
compare "$PGCONN" conninfo
grep -q "^database *postgresql://tlsdiag@/tlsdiag" "$TMP/qp" 2>/dev/null ||
	run_tlsdiag "$TMP/qp" "$TMP/ep" db "$PGURI" stats
grep -q "(schema [0-9]*)" "$TMP/qp" || fail "db stats: no schema version"

# ---- second run: everything skipped ----------------------------------------
run_tlsdiag "$TMP/o3" "$TMP/e3" -q --db "$PGCONN" "$D"
grep -q "skipped $nfiles unchanged" "$TMP/e3" || fail "second run: $(cat "$TMP/e3")"
[ "$(pg_sql 'SELECT count(*) FROM captures')" = "$nfiles" ] || fail "second run added captures"

# ---- unreachable ------------------------------------------------------------
BAD="host=$PGDIR port=1 user=tlsdiag dbname=tlsdiag"
run_tlsdiag "$TMP/o" "$TMP/e" -q --db "$BAD" "$D"
[ "$rc" -eq 2 ] || fail "unreachable --db: exit status $rc, expected 2"
grep -q 'connection to server on socket.*failed' "$TMP/e" ||
	fail "unreachable --db: not libpq's message: $(cat "$TMP/e")"
[ ! -s "$TMP/o" ] || fail "unreachable --db: a report was written anyway"
run_tlsdiag "$TMP/o" "$TMP/e" db "postgresql://tlsdiag:s3cret@/tlsdiag?host=$PGDIR&port=1" stats
[ "$rc" -eq 2 ] || fail "unreachable db stats: exit status $rc, expected 2"
grep -q 'connection to server' "$TMP/e" || fail "unreachable db stats: $(cat "$TMP/e")"
! grep -q s3cret "$TMP/e" || fail "the password was shown: $(cat "$TMP/e")"
pg_sql 'CREATE DATABASE other' postgres
pg_sql 'CREATE TABLE captures (x int)' other
run_tlsdiag "$TMP/o" "$TMP/e" -q --db "host=$PGDIR port=$PGPORT_T user=tlsdiag dbname=other" "$D"
[ "$rc" -eq 2 ] && grep -q "not one of tlsdiag's" "$TMP/e" ||
	fail "--db on someone else's database: status $rc, $(cat "$TMP/e")"

# ---- three workers, one killed and restarted --------------------------------
W=$TMP/work
mkdir -p "$W"
i=0
while [ $i -lt 5 ]; do
	for f in "$D"/a/*.pcap; do
		[ "$f" = "$D/a/junk.pcap" ] && continue
		[ "$(ls "$W" | wc -l)" -lt 200 ] && cp "$f" "$W/$i-$(basename "$f")"
	done
	i=$((i + 1))
done
nw=$(ls "$W" | wc -l)
[ "$nw" -eq 200 ] || note "$nw captures in the shared archive"
pg_sql 'CREATE DATABASE workers' postgres
WDB="host=$PGDIR port=$PGPORT_T user=tlsdiag dbname=workers"
wsql() { pg_sql "$1" workers; }
# One process into SQLite: what the workers must add up to.
run_tlsdiag "$TMP/one" "$TMP/eone" -q --json -j 1 --db "$TMP/one.db" "$W"
for w in 1 2 3; do
	TLSDIAG_HOST=w$w "$TLSDIAG" -q --json -j 1 --db "$WDB" "$W" >"$TMP/w$w.out" 2>"$TMP/w$w.err" &
	eval "pid$w=\$!"
done
i=0
while [ "$(wsql "SELECT count(*) FROM captures WHERE sensor = 'w1'" 2>/dev/null || echo 0)" -lt 10 ] &&
	[ $i -lt 600 ]; do
	sleep 0.05
	i=$((i + 1))
done
# shellcheck disable=SC2154
kill -9 "$pid1"
wait "$pid1" 2>/dev/null
killed=$(wsql "SELECT count(*) FROM captures WHERE sensor = 'w1'")
killed_sessions=$(wsql "SELECT count(*) FROM sessions s JOIN captures c ON c.id = s.capture_id
	WHERE c.sensor = 'w1'")
[ "$killed" -lt "$nw" ] || note "worker 1 stored everything before it was killed"
TLSDIAG_HOST=w1 "$TLSDIAG" -q --json -j 1 --db "$WDB" "$W" >"$TMP/w1.out" 2>"$TMP/w1.err" &
pid1=$!
for p in "$pid1" "$pid2" "$pid3"; do
	wait "$p"
	[ $? -le 1 ] || fail "a worker exited with status $?"
done
for w in 1 2 3; do
	grep -q -e Sanitizer -e 'runtime error' -e 'cannot' "$TMP/w$w.err" &&
		fail "worker $w: $(cat "$TMP/w$w.err")"
done
[ "$(wsql 'SELECT count(*) FROM captures')" -eq "$nw" ] ||
	fail "workers: $(wsql 'SELECT count(*) FROM captures') captures stored, expected $nw"
[ "$(wsql "SELECT count(*) FROM work WHERE state = 'done'")" -eq "$nw" ] ||
	fail "workers: claims left: $(wsql "SELECT state, count(*) FROM work GROUP BY state")"
# Sessions reported by the runs that finished, plus those the killed one
# had stored: each capture's sessions exactly once.
analysed=$killed_sessions
for w in 1 2 3; do
	analysed=$((analysed + $(grep -c '"type":"session"' "$TMP/w$w.out")))
done
want=$(wsql 'SELECT count(*) FROM sessions')
[ "$analysed" -eq "$want" ] ||
	fail "workers reported $analysed sessions in all ($killed_sessions stored by the killed one), the inventory has $want: some capture was analysed twice or not at all"
for w in 1 2 3; do
	[ "$(grep '"type":"summary"' "$TMP/w$w.out" | grep -o '"files":{"total":[0-9]*' | grep -o '[0-9]*$')" -le "$nw" ] ||
		fail "worker $w: summary counts more than $nw captures"
done
[ "$(wsql 'SELECT count(*) FROM captures c WHERE n_sessions !=
	(SELECT count(*) FROM sessions s WHERE s.capture_id = c.id)')" = 0 ] ||
	fail "workers: a capture is stored without all its sessions"
for q in "stats" "expiring 36500" "failing" "report"; do
	# shellcheck disable=SC2086
	run_tlsdiag "$TMP/ql" "$TMP/el" db "$TMP/one.db" $q
	# shellcheck disable=SC2086
	run_tlsdiag "$TMP/qp" "$TMP/ep" db "$WDB" $q
	sed -i '/^database /d; /^analysed /d; s/ as of [0-9TZ:-]*//' "$TMP/ql" "$TMP/qp"
	cmp -s "$TMP/ql" "$TMP/qp" || fail "workers vs one process, db $q:$(diff "$TMP/ql" "$TMP/qp" | head)"
done

run_tlsdiag "$TMP/qp" "$TMP/ep" db "$WDB" report --html "$TMP/r.html"
[ "$rc" -le 1 ] || fail "db report --html: exit status $rc: $(cat "$TMP/ep")"
grep -q "Files: *$nw " "$TMP/qp" || fail "db report: not $nw files: $(grep Files "$TMP/qp")"
[ -s "$TMP/r.html" ] && grep -q '</html>' "$TMP/r.html" || fail "db report --html: no page"

# ---- the connection terminated midway --------------------------------------
# The worker stores the archive, then waits on a FIFO (its connection idle
# and alive): the backend is terminated there, and the FIFO's capture and
# a few more after it go on through a new connection.
pg_sql 'CREATE DATABASE lost' postgres
LDB="host=$PGDIR port=$PGPORT_T user=tlsdiag dbname=lost"
W2=$TMP/work2
mkdir -p "$W2"
for f in $(ls "$W" | head -5); do cp "$W/$f" "$W2/x-$f"; done
mkfifo "$TMP/fifo.pcap"
"$TLSDIAG" -q --json -j 1 --db "$LDB" "$W" "$TMP/fifo.pcap" "$W2" >"$TMP/l.out" 2>"$TMP/l.err" &
pid=$!
i=0
while [ "$(pg_sql 'SELECT count(*) FROM captures' lost 2>/dev/null || echo 0)" -lt "$nw" ] &&
	[ $i -lt 1200 ]; do
	sleep 0.05
	i=$((i + 1))
done
nterm=$(pg_sql "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
	WHERE application_name = 'tlsdiag' AND datname = 'lost'" postgres)
[ "$nterm" = 1 ] || fail "terminated connection: $nterm backends terminated, expected 1"
cat "$(ls "$W"/* | head -1)" >"$TMP/fifo.pcap"
wait $pid
lrc=$?
[ "$lrc" -le 1 ] || fail "terminated connection: exit status $lrc: $(cat "$TMP/l.err")"
grep -q "connection lost, connected again" "$TMP/l.err" ||
	fail "terminated connection: no word of it: $(cat "$TMP/l.err")"
[ "$(pg_sql "SELECT count(*) FROM captures WHERE path NOT LIKE '%fifo.pcap'" lost)" -eq $((nw + 5)) ] ||
	fail "terminated connection: $(pg_sql 'SELECT count(*) FROM captures' lost) captures stored, expected $((nw + 5)) besides the FIFO"
[ "$(pg_sql 'SELECT count(*) FROM captures c WHERE n_sessions !=
	(SELECT count(*) FROM sessions s WHERE s.capture_id = c.id)' lost)" = 0 ] ||
	fail "terminated connection: a capture half written"

# ---- the server stopped midway: bounded retries, then a clear stop ----------
pg_sql 'CREATE DATABASE gone' postgres
GDB="host=$PGDIR port=$PGPORT_T user=tlsdiag dbname=gone"
"$TLSDIAG" -q --json -j 1 --db "$GDB" "$W" >"$TMP/g.out" 2>"$TMP/g.err" &
pid=$!
i=0
while [ "$(pg_sql 'SELECT count(*) FROM captures' gone 2>/dev/null || echo 0)" -lt 10 ] && [ $i -lt 600 ]; do
	sleep 0.05
	i=$((i + 1))
done
pg_as "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
t0=$(date +%s)
wait $pid
grc=$?
[ "$grc" -eq 2 ] || fail "server stopped: exit status $grc, expected 2: $(cat "$TMP/g.err")"
grep -q "not regained after 5 attempts" "$TMP/g.err" ||
	fail "server stopped: no clear message: $(cat "$TMP/g.err")"
[ $(($(date +%s) - t0)) -lt 60 ] || fail "server stopped: the worker took over a minute to give up"

finish

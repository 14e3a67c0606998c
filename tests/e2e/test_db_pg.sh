#!/bin/sh
# test_db_pg.sh - the inventory in PostgreSQL (`--db postgresql://...`),
# against a private server this test starts (pg-lib.sh):
#
#  - the same archive stored in SQLite and in PostgreSQL (by URI and by
#    key=value conninfo) gives identical `db stats|expiring|failing|where`;
#  - a second run skips every capture; the schema is versioned;
#  - an unreachable server: exit 2 with libpq's message, at the start of a
#    run and for `tlsdiag db`.

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
compare() {
	for q in "stats" "expiring 36500" "expiring 0" "failing" "where $sha" "where CN=" \
		"where nothing-matches-this"; do
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

finish

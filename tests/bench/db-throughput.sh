#!/bin/sh
# db-throughput.sh - captures per second into the inventory, measured on a
# private PostgreSQL server (tests/e2e/pg-lib.sh) and an SQLite file, with
# COPIES copies (default 10) of the repository's sample and TLS captures.
# Prints one line per case. By hand, from the build directory:
#   top_srcdir=/path/to/src TLSDIAG=$PWD/tlsdiag nice -n 10 sh /path/to/src/tests/bench/db-throughput.sh
# PG_FSYNC=on makes the server sync its commits as a real one does.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/pg-lib.sh"
make_tmp
pg_start
W=$TMP/w
mkdir -p "$W"
i=0
while [ $i -lt "${COPIES:-10}" ]; do
	for f in "$top_srcdir"/samples/*.pcap "$top_srcdir"/tests/captures/tls/*.pcap; do
		cp "$f" "$W/$i-$(basename "$f")"
	done
	i=$((i + 1))
done
n=$(ls "$W" | wc -l)
echo "archive: $n captures, $(du -sk "$W" | cut -f1) KiB; PostgreSQL fsync=${PG_FSYNC:-off}"
ms() { date +%s%3N; }
rate() { echo "$1: $n captures in $(($3 - $2)) ms, $((n * 1000 / ($3 - $2 + 1))) captures/s"; }
t0=$(ms)
"$TLSDIAG" -q -j 1 "$W" >/dev/null 2>&1
t1=$(ms)
rate "no --db, 1 process -j 1" "$t0" "$t1"
"$TLSDIAG" -q -j 1 --db "$TMP/l.db" "$W" >/dev/null 2>&1
t2=$(ms)
rate "SQLite, 1 process -j 1" "$t1" "$t2"
"$TLSDIAG" -q -j 1 --db "$PGCONN" "$W" >/dev/null 2>&1
t3=$(ms)
rate "PostgreSQL, 1 process -j 1" "$t2" "$t3"
pg_sql 'CREATE DATABASE two' postgres
t3=$(ms)
for k in 1 2; do
	"$TLSDIAG" -q -j 1 --db "host=$PGDIR port=$PGPORT_T user=tlsdiag dbname=two" "$W" \
		>/dev/null 2>&1 &
done
wait
t4=$(ms)
rate "PostgreSQL, 2 processes -j 1 sharing the archive" "$t3" "$t4"
[ "$(pg_sql 'SELECT count(*) FROM captures' two)" -eq "$n" ] || echo "FAIL: not every capture stored"

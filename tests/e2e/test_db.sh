#!/bin/sh
# test_db.sh - `--db FILE` and `tlsdiag db FILE ...`.
#
#  - a run over a directory stores every capture (bad ones with status
#    'bad'), its sessions, deduplicated certificates with DER, chains and
#    findings; the schema is versioned and the journal is WAL;
#  - a second run over the same directory analyses nothing ("skipped N
#    unchanged") and changes no count; a touched file, a file with new
#    contents, and a file with the same size and mtime but other bytes are
#    analysed again (and only they);
#  - kill -9: a run blocked on a FIFO after the first directory has stored
#    exactly that directory; a run killed at a random point over a large
#    directory leaves a database that passes integrity_check with every
#    stored capture complete, and the next run goes on from there;
#  - a database of schema 1 (no sessions.transport, established, outcome) is
#    brought up to schema 2 when opened, its rows kept;
#  - `db expiring|failing|where|stats` print what the database holds
#    (checked against python's sqlite3), and usage errors exit 2.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
make_tmp
PY=${PYTHON:-/usr/bin/python3}
need_tool "$PY" python3

q() { "$PY" -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
for r in c.execute(sys.argv[2]): print("|".join("" if v is None else str(v) for v in r))' "$@"; }

# ---- an archive of the sample and TLS test captures ------------------------
D=$TMP/arc
mkdir -p "$D/a/b"
n=0
for f in "$top_srcdir"/samples/*.pcap "$top_srcdir"/tests/captures/tls/*.pcap; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	if [ $((n % 2)) -eq 0 ]; then
		cp "$f" "$D/a/$n-$(basename "$f")"
	else
		gzip -c "$f" >"$D/a/b/$n-$(basename "$f").gz"
	fi
done
[ "$n" -ge 3 ] || skip "fewer than 3 sample captures found"
echo "not a capture" >"$D/a/junk.pcap"
nfiles=$((n + 1))
DB=$TMP/t.db

# ---- first run --------------------------------------------------------------
run_tlsdiag "$TMP/o1" "$TMP/e1" -q --json --db "$DB" "$D"
[ "$rc" -le 1 ] || fail "first run: exit status $rc"
! grep -q 'skipped' "$TMP/e1" || fail "first run: skipped something"
[ "$(q "$DB" 'PRAGMA user_version')" = 2 ] || fail "user_version is not 2"
[ "$(q "$DB" "SELECT count(*) FROM sessions WHERE transport <> 'tcp'")" = 0 ] ||
	fail "a TLS session stored with another transport"
[ "$(q "$DB" 'PRAGMA journal_mode')" = wal ] || fail "journal_mode is not wal"
[ "$(q "$DB" 'SELECT count(*) FROM captures')" -eq "$nfiles" ] ||
	fail "captures: $(q "$DB" 'SELECT count(*) FROM captures'), expected $nfiles"
[ "$(q "$DB" "SELECT status FROM captures WHERE path LIKE '%/junk.pcap'")" = bad ] ||
	fail "junk.pcap not stored as bad"
[ -n "$(q "$DB" "SELECT message FROM captures WHERE path LIKE '%/junk.pcap'")" ] ||
	fail "junk.pcap stored without its message"
# The JSON summary and the database agree.
"$PY" - "$DB" "$TMP/o1" <<'EOF' || fail "first run: database and JSON summary disagree"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
summ = [json.loads(l) for l in open(sys.argv[2]) if '"type":"summary"' in l][-1]
ok = True
def eq(what, a, b):
    global ok
    if a != b:
        print(f"FAIL: {what}: database {a}, JSON {b}"); ok = False
one = lambda sql: db.execute(sql).fetchone()[0]
eq("sessions", one("SELECT count(*) FROM sessions"), summ["sessions"]["total"])
for v in ("ok", "warning", "failed", "incomplete"):
    eq("sessions " + v, one(f"SELECT count(*) FROM sessions WHERE verdict = '{v}'"), summ["sessions"][v])
eq("certificates", sorted(r[0] for r in db.execute("SELECT sha256 FROM certificates")),
   sorted(c["sha256"] for c in summ["certificates"]))
got = dict(db.execute("SELECT finding, count(*) FROM findings GROUP BY finding").fetchall())
exp = {k: v for k, v in summ["findings"].items() if not k.startswith("trust_store")}
eq("findings", got, exp)
eq("files", one("SELECT count(*) FROM captures"), summ["files"]["total"])
eq("captures hashed", one("SELECT count(*) FROM captures WHERE length(sha256) = 64"), summ["files"]["total"])
eq("sessions per capture", [], db.execute(
    "SELECT c.path FROM captures c WHERE c.n_sessions != (SELECT count(*) FROM sessions s WHERE s.capture_id = c.id)").fetchall())
import hashlib
for sha, der in db.execute("SELECT sha256, der FROM certificates WHERE parse_ok = 1"):
    eq("DER of " + sha[:12], hashlib.sha256(der).hexdigest(), sha)
sys.exit(0 if ok else 1)
EOF

counts() {
	q "$DB" "SELECT (SELECT count(*) FROM captures), (SELECT count(*) FROM sessions),
		(SELECT count(*) FROM certificates), (SELECT count(*) FROM chain_certs),
		(SELECT count(*) FROM findings)"
}
c1=$(counts)
at1=$(q "$DB" 'SELECT group_concat(analysed_at) FROM captures ORDER BY path')

# ---- second run: nothing to do --------------------------------------------
sleep 1 # so a re-analysis would show in analysed_at
# (from another directory, by a relative path with "." and "..": the same
# captures by their absolute paths)
cd "$TMP" || exit 1
run_tlsdiag "$TMP/o2" "$TMP/e2" -q --json --db "$DB" ./arc/a/..
cd - >/dev/null || exit 1
[ "$rc" -eq 0 ] || fail "second run: exit status $rc, expected 0"
grep -q "skipped $nfiles unchanged" "$TMP/e2" || fail "second run: no 'skipped $nfiles unchanged' ($(cat "$TMP/e2"))"
[ "$(grep -c '"type":"session"' "$TMP/o2")" -eq 0 ] || fail "second run: sessions reported"
[ "$(counts)" = "$c1" ] || fail "second run changed the counts: $c1 -> $(counts)"
[ "$(q "$DB" 'SELECT group_concat(analysed_at) FROM captures ORDER BY path')" = "$at1" ] ||
	fail "second run: a capture was stored again"

# ---- touched, rewritten, same size+mtime but other bytes --------------------
touched=$(ls "$D/a"/*.pcap | grep -v junk | head -1)
touch "$touched"
rewritten=$(ls "$D/a"/*.pcap | grep -v junk | sed -n 2p)
other=$(ls "$top_srcdir"/tests/captures/tls/*.pcap | tail -1)
cp "$other" "$rewritten"
samesize=$(ls "$D/a"/*.pcap | grep -v junk | sed -n 3p)
cp -p "$samesize" "$TMP/keep"
"$PY" - "$samesize" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[-1] ^= 0x01   # last byte of the last packet: still a capture, other bytes
open(p, "wb").write(b)
EOF
touch -r "$TMP/keep" "$samesize"
run_tlsdiag "$TMP/o3" "$TMP/e3" -q --json --db "$DB" "$D"
grep -q "skipped $((nfiles - 3)) unchanged" "$TMP/e3" ||
	fail "after touch/rewrite/same-size change: expected 'skipped $((nfiles - 3)) unchanged', got: $(cat "$TMP/e3")"
[ "$(grep -o '"total":[0-9]*' "$TMP/o3" | head -1)" = '"total":3' ] ||
	fail "third run did not analyse exactly 3 files"
for f in "$touched" "$rewritten" "$samesize"; do
	want=$(sha256sum <"$f" | cut -d' ' -f1)
	got=$(q "$DB" "SELECT sha256 FROM captures WHERE path = '$f'")
	[ "$got" = "$want" ] || fail "$(basename "$f"): stored sha256 $got, file has $want"
done
run_tlsdiag "$TMP/o" "$TMP/e" --json "$other"
want=$(grep -c '"type":"session"' "$TMP/o")
got=$(q "$DB" "SELECT count(*) FROM sessions s JOIN captures c ON c.id = s.capture_id
	WHERE c.path = '$rewritten'")
[ "$got" -eq "$want" ] || fail "rewritten capture: $got sessions stored, the new contents have $want"
[ "$(q "$DB" 'SELECT count(*) FROM captures')" -eq "$nfiles" ] || fail "re-analysis added capture rows"
[ -z "$(q "$DB" 'PRAGMA foreign_key_check')" ] || fail "foreign keys broken after re-analysis"

# ---- db subcommands against the database ------------------------------------
run_tlsdiag "$TMP/st" "$TMP/e" db "$DB" stats
[ "$rc" -eq 0 ] || fail "db stats: exit status $rc"
want=$(q "$DB" "SELECT count(*) || ' (ok ' || sum(status='ok') || ', partial ' || sum(status='partial') || ', bad ' || sum(status='bad') || ')' FROM captures")
grep -q "^captures *$want\$" "$TMP/st" || fail "db stats: captures line is not '$want': $(grep captures "$TMP/st")"
want=$(q "$DB" "SELECT count(*) || ' (ok ' || sum(verdict='ok') || ', warning ' || sum(verdict='warning') || ', failed ' || sum(verdict='failed') || ', incomplete ' || sum(verdict='incomplete') || ')' FROM sessions")
grep -q "^sessions *$want\$" "$TMP/st" || fail "db stats: sessions line is not '$want'"
grep -q "^certificates *$(q "$DB" 'SELECT count(*) FROM certificates') unique" "$TMP/st" ||
	fail "db stats: certificates count"
q "$DB" "SELECT finding, count(*) FROM findings GROUP BY finding" | while IFS='|' read -r id cnt; do
	grep -q "^  $id  *$cnt\$" "$TMP/st" || echo "db stats: finding $id not $cnt"
done >"$TMP/stf"
[ -s "$TMP/stf" ] && fail "$(cat "$TMP/stf")"

run_tlsdiag "$TMP/ex" "$TMP/e" db "$DB" expiring 36500
[ "$rc" -eq 0 ] || fail "db expiring: exit status $rc"
got=$(grep -oE '\b[0-9a-f]{64}\b' "$TMP/ex" | sort | tr '\n' ' ')
want=$(q "$DB" "SELECT sha256 FROM certificates c WHERE parse_ok = 1
	AND not_after <= strftime('%s','now') + 36500 * 86400
	AND EXISTS (SELECT 1 FROM chain_certs cc WHERE cc.cert_id = c.id)" | sort | tr '\n' ' ')
[ -n "$want" ] || fail "db expiring: test setup: no certificate at all"
[ "$got" = "$want" ] || fail "db expiring 36500: listed [$got], database has [$want]"
run_tlsdiag "$TMP/ex0" "$TMP/e" db "$DB" expiring 0
got=$(grep -oE '\b[0-9a-f]{64}\b' "$TMP/ex0" | sort | tr '\n' ' ')
want=$(q "$DB" "SELECT sha256 FROM certificates c WHERE parse_ok = 1 AND not_after <= strftime('%s','now')
	AND EXISTS (SELECT 1 FROM chain_certs cc WHERE cc.cert_id = c.id)" | sort | tr '\n' ' ')
[ "$got" = "$want" ] || fail "db expiring 0: listed [$got], database has [$want]"
grep -c EXPIRED "$TMP/ex0" >/dev/null || [ -z "$want" ] || fail "db expiring 0: expired ones not flagged"

run_tlsdiag "$TMP/fl" "$TMP/e" db "$DB" failing
[ "$rc" -eq 0 ] || fail "db failing: exit status $rc"
got=$(grep -E '^[^ ].* failed of ' "$TMP/fl" | awk '{print $1, $2}' | sort | tr '\n' ' ')
want=$(q "$DB" "SELECT server_ip || ':' || server_port || ' ' || count(*) FROM sessions
	WHERE verdict = 'failed' GROUP BY server_ip, server_port" | sort | tr '\n' ' ')
[ "$got" = "$want" ] || fail "db failing: listed [$got], database has [$want]"
if [ -n "$want" ]; then
	grep -q 'latest finding: ' "$TMP/fl" || fail "db failing: no latest finding"
fi

sha=$(q "$DB" "SELECT sha256 FROM certificates c ORDER BY
	(SELECT count(*) FROM chain_certs cc WHERE cc.cert_id = c.id) DESC, sha256 LIMIT 1")
for what in "$sha" "$(echo "$sha" | cut -c1-10)" "$(echo "$sha" | cut -c1-8 | tr a-f A-F)"; do
	run_tlsdiag "$TMP/wh" "$TMP/e" db "$DB" where "$what"
	[ "$rc" -eq 0 ] || fail "db where $what: exit status $rc"
	grep -q "^$sha\$" "$TMP/wh" || fail "db where $what: the certificate is not named"
done
run_tlsdiag "$TMP/wh" "$TMP/e" db "$DB" where "$sha"
got=$(grep -c 'presented by' "$TMP/wh")
want=$(q "$DB" "SELECT count(*) FROM chain_certs cc JOIN certificates c ON c.id = cc.cert_id WHERE c.sha256 = '$sha'")
[ "$got" -eq "$want" ] || fail "db where: $got sightings, database has $want"
subj=$(q "$DB" "SELECT subject FROM certificates WHERE sha256 = '$sha'")
cn=$(echo "$subj" | sed -n 's/^CN=\([^,]*\).*/\1/p' | cut -c1-12)
if [ -n "$cn" ]; then
	run_tlsdiag "$TMP/wh" "$TMP/e" db "$DB" where "$cn"
	grep -q "^$sha\$" "$TMP/wh" || fail "db where '$cn' (subject text): $sha not listed"
	n_match=$(grep -cE '^[0-9a-f]{64}$' "$TMP/wh")
	want=$(q "$DB" "SELECT count(*) FROM certificates WHERE subject LIKE '%$cn%'")
	[ "$n_match" -eq "$want" ] || fail "db where '$cn': $n_match certificates, database has $want"
fi
run_tlsdiag "$TMP/wh" "$TMP/e" db "$DB" where "no such certificate anywhere"
[ "$rc" -eq 1 ] || fail "db where (no match): exit status $rc, expected 1"

# usage errors
for args in "bogus" "expiring abc" "expiring -3" "expiring 5 6" "where" "failing extra" ""; do
	# shellcheck disable=SC2086
	run_tlsdiag "$TMP/o" "$TMP/e" db "$DB" $args
	[ "$rc" -eq 2 ] || fail "db DB $args: exit status $rc, expected 2"
	grep -qi 'usage\|missing' "$TMP/e" || fail "db DB $args: no usage message"
done
run_tlsdiag "$TMP/o" "$TMP/e" db "$TMP/none.db" stats
[ "$rc" -eq 2 ] || fail "db on a missing file: exit status $rc"
[ ! -e "$TMP/none.db" ] || fail "db on a missing file created it"
echo "hello" >"$TMP/notdb"
run_tlsdiag "$TMP/o" "$TMP/e" db "$TMP/notdb" stats
[ "$rc" -eq 2 ] && grep -q 'notdb' "$TMP/e" || fail "db on a text file: status $rc, $(cat "$TMP/e")"
q "$TMP/other.db" "CREATE TABLE t(x)" >/dev/null
run_tlsdiag "$TMP/o" "$TMP/e" -q --json --db "$TMP/other.db" "$D"
[ "$rc" -eq 2 ] && grep -q "not one of tlsdiag's" "$TMP/e" ||
	fail "--db on someone else's database: status $rc, $(cat "$TMP/e")"

# ---- an older database is brought up to date --------------------------------
OLD=$TMP/old.db
run_tlsdiag /dev/null "$TMP/eo" -q --report --db "$OLD" "$top_srcdir/samples/tvs-2445-healthy.pcap"
"$PY" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("ALTER TABLE sessions DROP COLUMN established")
c.execute("ALTER TABLE sessions DROP COLUMN outcome")
c.execute("ALTER TABLE sessions DROP COLUMN transport")
c.execute("PRAGMA user_version = 1")
c.commit()' "$OLD" || fail "cannot make a schema 1 database"
run_tlsdiag /dev/null "$TMP/eo" -q --report --db "$OLD" "$top_srcdir/samples/rsa-8192-5061.pcap"
[ "$rc" -le 1 ] || fail "schema 1 database: exit status $rc: $(head -2 "$TMP/eo")"
[ "$(q "$OLD" 'PRAGMA user_version')" = 2 ] || fail "schema 1 database not brought up to 2"
[ "$(q "$OLD" "SELECT count(*) FROM sessions")" = 2 ] || fail "schema 1 database: rows lost"
[ "$(q "$OLD" "SELECT verdict, established, outcome FROM sessions WHERE server_port = 5061")" = "at_risk|1|completed" ] ||
	fail "schema 1 database: the new session has no outcome"
[ "$(q "$OLD" "SELECT group_concat(transport) FROM sessions")" = "tcp,tcp" ] ||
	fail "schema 1 database: its sessions are not marked TLS over TCP"

# ---- kill -9 while blocked: exactly the first directory is stored ----------
K=$TMP/kill.db
mkfifo "$TMP/fifo.pcap"
"$TLSDIAG" -q --json -j 2 --db "$K" "$D" "$TMP/fifo.pcap" "$D" >/dev/null 2>"$TMP/ek" &
pid=$!
i=0
while [ "$(q "$K" 'SELECT count(*) FROM captures' 2>/dev/null || echo 0)" -lt "$nfiles" ] &&
	[ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.3
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
[ "$(q "$K" 'PRAGMA integrity_check')" = ok ] || fail "kill -9 (blocked): integrity_check is not ok"
[ "$(q "$K" 'SELECT count(*) FROM captures')" -eq "$nfiles" ] ||
	fail "kill -9 (blocked): $(q "$K" 'SELECT count(*) FROM captures') captures stored, expected $nfiles"
[ "$(q "$K" 'SELECT count(*) FROM sessions')" -eq "$(q "$DB" 'SELECT count(*) FROM sessions')" ] ||
	fail "kill -9 (blocked): sessions differ from the full run"

# ---- kill -9 at a random point over a large directory ------------------------
L=$TMP/large
mkdir -p "$L"
i=0
for f in "$D"/a/*.pcap "$D"/a/b/*.gz; do
	[ "$f" = "$D/a/junk.pcap" ] && continue
	j=0
	while [ $j -lt 120 ]; do
		cp "$f" "$L/$i-$j-$(basename "$f")"
		j=$((j + 1))
	done
	i=$((i + 1))
done
nlarge=$(ls "$L" | wc -l)
LK=$TMP/large.db
"$TLSDIAG" -q --json --db "$LK" "$L" >/dev/null 2>"$TMP/el" &
pid=$!
i=0
while [ "$(q "$LK" 'SELECT count(*) FROM captures' 2>/dev/null || echo 0)" -lt 20 ] &&
	[ $i -lt 600 ]; do
	sleep 0.02
	i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
stored=$(q "$LK" 'SELECT count(*) FROM captures')
[ "$(q "$LK" 'PRAGMA integrity_check')" = ok ] || fail "kill -9 (random): integrity_check is not ok"
[ -z "$(q "$LK" 'PRAGMA foreign_key_check')" ] || fail "kill -9 (random): foreign keys broken"
[ "$stored" -ge 20 ] || fail "kill -9 (random): only $stored captures stored"
[ -z "$(q "$LK" 'SELECT path FROM captures c WHERE n_sessions !=
	(SELECT count(*) FROM sessions s WHERE s.capture_id = c.id)')" ] ||
	fail "kill -9 (random): a capture is stored without all its sessions"
if [ "$stored" -ge "$nlarge" ]; then
	note "the large run finished before the kill ($stored captures); the blocked kill above covers it"
fi
run_tlsdiag "$TMP/o" "$TMP/e" -q --json --db "$LK" "$L"
if [ "$stored" -lt "$nlarge" ]; then
	grep -q "skipped $stored unchanged" "$TMP/e" || fail "after the kill: expected 'skipped $stored unchanged': $(cat "$TMP/e")"
fi
[ "$(q "$LK" 'SELECT count(*) FROM captures')" -eq "$nlarge" ] ||
	fail "after the kill and a new run: $(q "$LK" 'SELECT count(*) FROM captures') captures, expected $nlarge"

finish

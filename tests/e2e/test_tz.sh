#!/bin/sh
# test_tz.sh - --tz local|UTC|ZONE (issue 9, item 11): what people read is
# in the chosen zone, checked against date(1) (not our own formatting);
# JSON stays UTC.
#
#  - the text report's "Started:" and certificate validity in
#    Europe/Paris (+01:00 in November, +02:00 in August: the offset of each
#    time, not of today) and Asia/Kolkata (+05:30), as
#    `TZ=... date -d @SECONDS` prints them;
#  - --tz local follows the environment's TZ;
#  - --tz UTC (and no --tz) give the report as before, "...Z";
#  - --json with --tz is byte for byte the --json without it;
#  - the HTML page and the TUI (list header zone, session's start) follow;
#  - an unknown zone is a usage error (exit 2), never silently UTC.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
make_tmp
need_tool date date
[ -f /usr/share/zoneinfo/Europe/Paris ] || skip "no tz database (tzdata) in /usr/share/zoneinfo"
cd "$top_srcdir" || exit 1
CAP=samples/expressway-7001-unknown-ca.pcap

"$TLSDIAG" --json - "$CAP" >"$TMP/utc.json" 2>/dev/null
start=$(sed -n 's/.*"type":"session".*"start":"\([^"]*\)".*/\1/p' "$TMP/utc.json" | head -1)
[ -n "$start" ] || fail "no session start in --json"
sec=$(date -u -d "$(echo "$start" | sed 's/\.[0-9]*Z$/Z/')" +%s)
us=$(echo "$start" | sed 's/.*\(\.[0-9]*\)Z$/\1/')
# want ZONE: the session start as date(1) writes it in ZONE
want() { TZ=$1 date -d "@$sec" "+%Y-%m-%dT%H:%M:%S$us%:z"; }

for zone in Europe/Paris Asia/Kolkata; do
	"$TLSDIAG" --report --tz "$zone" "$CAP" >"$TMP/r.txt" 2>"$TMP/err"
	w=$(want "$zone")
	grep -qF "Started:  $w " "$TMP/r.txt" || fail "--tz $zone: no 'Started:  $w': $(grep Started "$TMP/r.txt")"
done
# A validity date in August: Paris is +02:00 then.
nb=$("$TLSDIAG" --report "$CAP" 2>/dev/null | sed -n 's/.*valid \([0-9-]*T[0-9:]*Z\) to .*/\1/p' | head -1)
[ -n "$nb" ] || fail "no 'valid ... to' in the report"
nbs=$(date -u -d "$nb" +%s)
wnb=$(TZ=Europe/Paris date -d "@$nbs" +%Y-%m-%dT%H:%M:%S%:z)
"$TLSDIAG" --report --tz Europe/Paris "$CAP" 2>/dev/null | grep -qF "valid $wnb to" ||
	fail "--tz Europe/Paris: validity start not '$wnb'"

TZ=America/New_York "$TLSDIAG" --report --tz local "$CAP" >"$TMP/l.txt" 2>/dev/null
w=$(want America/New_York)
grep -qF "Started:  $w " "$TMP/l.txt" || fail "--tz local (TZ=America/New_York): no '$w'"

"$TLSDIAG" --report "$CAP" >"$TMP/default.txt" 2>/dev/null
"$TLSDIAG" --report --tz UTC "$CAP" >"$TMP/utc.txt" 2>/dev/null
cmp -s "$TMP/default.txt" "$TMP/utc.txt" || fail "--tz UTC changes the report"
grep -qF "Started:  $start " "$TMP/utc.txt" || fail "--tz UTC: 'Started:  $start' missing"

"$TLSDIAG" --json - --tz Asia/Kolkata "$CAP" >"$TMP/k.json" 2>/dev/null
# The summary's run time differs between runs: compare the sessions.
grep '"type":"session"' "$TMP/utc.json" >"$TMP/a"
grep '"type":"session"' "$TMP/k.json" >"$TMP/b"
[ -s "$TMP/a" ] && cmp -s "$TMP/a" "$TMP/b" || fail "--json changes with --tz (JSON stays UTC)"

rm -f "$TMP/p.html"
"$TLSDIAG" --report --tz Europe/Paris --html "$TMP/p.html" "$CAP" >/dev/null 2>&1
grep -qF "$(want Europe/Paris)" "$TMP/p.html" || fail "HTML: no '$(want Europe/Paris)'"

COLUMNS=120 LINES=10 "$TLSDIAG" --tui --tz Europe/Paris --script '' --dump-screen "$TMP/tui" \
	"$CAP" >/dev/null 2>&1
hm=$(TZ=Europe/Paris date -d "@$sec" +%H:%M:%S)
grep -q " CET *$" "$TMP/tui" || fail "TUI list header: no CET zone: $(head -1 "$TMP/tui")"
grep -qF " $hm" "$TMP/tui" || fail "TUI list: no $hm (Paris time)"

"$TLSDIAG" --report --tz Mars/Olympus_Mons "$CAP" >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -eq 2 ] || fail "--tz Mars/Olympus_Mons: exit $rc, expected 2"
grep -q "tz database" "$TMP/err" || fail "--tz Mars/Olympus_Mons: no reason given: $(cat "$TMP/err")"
"$TLSDIAG" --report --tz ../../etc/passwd "$CAP" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--tz with .. accepted"

finish

#!/bin/sh
# samples-digest.sh - one digest of everything tlsdiag prints about the
# repository's captures, to show that a change which only moves code
# changes no report.
#
# For every samples/*.pcap, with the options its "# cmd:" line in
# samples/expected/<scenario>.findings gives (as samples/README.md does),
# and for the test captures under tests/captures/{tls,hostile}/ without
# options, it runs tlsdiag as
#   --report, --report -v, --json, --html FILE, --streams,
#   --export-certs DIR (file names and contents), --db FILE (table rows),
# then one run over all the samples together (-j1 and -j2, text and JSON),
# and prints one SHA-256 per output and a total. The analysis time ("now")
# is masked where a report prints it; days counted from now (the summary's
# days to expiry, "as of now" notes) change only when the date does, so
# compare digests made on the same day.
#
# Usage: tests/samples-digest.sh [TLSDIAG]    (default: $TLSDIAG, ./tlsdiag)
#        tests/samples-digest.sh -v [TLSDIAG] (one line per output)
set -eu

verbose=0
if [ "${1:-}" = "-v" ]; then
	verbose=1
	shift
fi
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-${TLSDIAG:-./tlsdiag}}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ -x "$bin" ] || { echo "samples-digest: no tlsdiag at $bin" >&2; exit 2; }
PY=/usr/bin/python3
cd "$top"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsdiag-digest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
sums=$tmp/sums

# The analysis time, where it is printed.
mask() {
	sed -e 's/days to expiry as of [0-9T:-]*Z/days to expiry as of NOW/' \
	    -e 's/"now":"[^"]*"/"now":"NOW"/' \
	    -e '/"type":"summary"/s/"timestamp":"[^"]*"/"timestamp":"NOW"/' \
	    -e 's/analysed [0-9T:-]*Z/analysed NOW/'
}

# record NAME FILE: one line "sha256  NAME".
record() {
	h=$(mask <"$2" | sha256sum | cut -c1-64)
	echo "$h  $1" >>"$sums"
}

# db_rows DB: every row of every table but the run's own time.
db_rows() {
	"$PY" - "$1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.text_factory = bytes
for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
    t = t.decode()
    cols = [r[1].decode() for r in db.execute("PRAGMA table_info(%s)" % t)]
    cols = [c for c in cols if c != "analysed_at"]
    for row in db.execute("SELECT %s FROM %s ORDER BY 1, 2, 3" % (", ".join(cols), t)):
        print(t, [r.hex() if isinstance(r, bytes) else r for r in row])
EOF
}

# one NAME OPTIONS... CAPTURE
one() {
	name=$1
	shift
	o=$tmp/$name
	mkdir -p "$o"
	"$bin" --report "$@" >"$o/text" 2>&1 || true
	"$bin" --report -v "$@" >"$o/text-v" 2>&1 || true
	"$bin" --json "$@" >"$o/json" 2>&1 || true
	"$bin" --report --html "$o/page.html" "$@" >/dev/null 2>&1 || true
	"$bin" --report --export-certs "$o/certs" "$@" >/dev/null 2>"$o/export.err" || true
	"$bin" --report --db "$o/db.sqlite" "$@" >/dev/null 2>&1 || true
	(cd "$o/certs" 2>/dev/null && ls | while read -r f; do sha256sum "$f"; done) >"$o/export" || true
	cat "$o/export.err" >>"$o/export"
	[ -f "$o/db.sqlite" ] && db_rows "$o/db.sqlite" >"$o/db" || echo "no db" >"$o/db"
	[ -f "$o/page.html" ] || echo "no page" >"$o/page.html"
	for k in text text-v json page.html export db; do
		record "$name $k" "$o/$k"
	done
}

for f in samples/*.pcap; do
	b=$(basename "$f" .pcap)
	cmd=$(sed -n 's/^# cmd: \.\/tlsdiag //p' "samples/expected/$b.findings" | head -1)
	opts=${cmd% *}
	[ "$opts" = "$cmd" ] && opts=""
	# shellcheck disable=SC2086
	one "$b" $opts "$f"
	"$bin" --streams "$f" >"$tmp/$b/streams" 2>&1 || true
	record "$b streams" "$tmp/$b/streams"
done
for f in tests/captures/tls/*.pcap tests/captures/hostile/*.pcap; do
	one "$(basename "$(dirname "$f")")-$(basename "$f" .pcap)" "$f"
done

# All samples in one run: the summary across files, input order, threads.
for j in 1 2; do
	"$bin" --report -j$j --trust samples/trust/learningext-ca-chain.pem samples/*.pcap \
		>"$tmp/all-j$j.text" 2>&1 || true
	"$bin" --json -j$j --trust samples/trust/learningext-ca-chain.pem samples/*.pcap \
		>"$tmp/all-j$j.json" 2>&1 || true
	record "all -j$j text" "$tmp/all-j$j.text"
	record "all -j$j json" "$tmp/all-j$j.json"
done

[ "$verbose" = 1 ] && cat "$sums"
echo "samples digest: $(sha256sum <"$sums" | cut -c1-16) ($(wc -l <"$sums") outputs)"

#!/bin/sh
# test_batch.sh - `tlsdiag --json DIR` over an archive of 200 captures.
#
# The archive is made here, at test time: the repository's sample and TLS
# test captures copied under varied names (.pcap, .cap, .pcapng, gzipped
# .pcap.gz / .gz, spaces in names) into nested subdirectories, plus five
# damaged files (truncated, random garbage, empty, wrong magic, corrupt
# gzip) and files the walk must ignore (README.txt, a hidden file).
#
# Checks:
#  - the summary names exactly the five damaged files, each with a message,
#    and stderr names each of them;
#  - its counts (files, sessions by verdict, findings by id, unique
#    certificates, and per certificate its files and sessions) equal what
#    the per-file runs of each distinct source capture give, multiplied by
#    the number of copies (the damaged files' own runs added in);
#  - sessions come out in sorted path order, and -j 1 and -j 4 give the
#    same output (but for the summary's "now");
#  - the exit status is 1 exactly when some source has an error finding;
#  - with --trust, every file is judged as when run alone (the stores are
#    loaded once and shared) and the store's own findings count once;
#  - a file that is not a capture is read only when named directly; "-"
#    reads standard input; an empty directory is a usage error (2).

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
make_tmp
PY=${PYTHON:-/usr/bin/python3}
need_tool "$PY" python3

# ---- the distinct sources ------------------------------------------------
SRC=$TMP/src
mkdir -p "$SRC"
n=0
for f in "$top_srcdir"/samples/*.pcap "$top_srcdir"/samples/*.pcapng \
	"$top_srcdir"/tests/captures/tls/*.pcap; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	# Same base name twice (samples/ and tests/) must stay two sources.
	cp "$f" "$SRC/$(printf '%03d' "$n")-$(basename "$f")"
done
[ "$n" -ge 3 ] || skip "fewer than 3 sample captures found"
ls "$SRC" >"$TMP/sources"
nsrc=$(wc -l <"$TMP/sources")

# ---- the archive: 195 good copies + 5 damaged ---------------------------
ARC=$TMP/archive
mkdir -p "$ARC"
i=0
while [ "$i" -lt 195 ]; do
	k=$((i % nsrc + 1))
	src=$(sed -n "${k}p" "$TMP/sources")
	case $((i % 3)) in
	0) dir="$ARC/site-$((i % 5))" ;;
	1) dir="$ARC/site-$((i % 5))/case $((i % 7))" ;;
	*) dir="$ARC/site-$((i % 5))/case $((i % 7))/node-$((i % 2))" ;;
	esac
	mkdir -p "$dir"
	case $((i % 6)) in
	0) cp "$SRC/$src" "$dir/c$i.pcap" ;;
	1) cp "$SRC/$src" "$dir/C$i.CAP" ;;
	2) cp "$SRC/$src" "$dir/c$i with space.pcapng" ;;
	3) gzip -c "$SRC/$src" >"$dir/c$i.pcap.gz" ;;
	4) gzip -c "$SRC/$src" >"$dir/c$i.gz" ;;
	*) cp "$SRC/$src" "$dir/z-$i.pcap" ;;
	esac
	echo "$src" >>"$TMP/copies"
	i=$((i + 1))
done
first=$(sed -n 1p "$TMP/sources")
big=$(ls -S "$SRC" | head -1)
mkdir -p "$ARC/bad/deeper"
size=$(wc -c <"$SRC/$big")
head -c $((size * 2 / 3)) "$SRC/$big" >"$ARC/bad/truncated.pcap"
head -c 4096 /dev/urandom >"$ARC/bad/deeper/garbage.pcap"
: >"$ARC/bad/empty.pcap"
{ printf 'XXXX'; tail -c +5 "$SRC/$first"; } >"$ARC/bad/wrong-magic.cap"
gzip -c "$SRC/$big" >"$TMP/good.gz"
gsize=$(wc -c <"$TMP/good.gz")
# keep the gzip header and a third of the stream, then garbage
{ head -c $((gsize / 3)) "$TMP/good.gz"; head -c 2000 /dev/zero | tr '\0' 'Z'; } \
	>"$ARC/bad/deeper/corrupt.pcap.gz"
# Not captures by name: ignored by the walk.
echo "notes about this case" >"$ARC/site-0/README.txt"
cp "$SRC/$first" "$ARC/site-0/.hidden.pcap"
cp "$SRC/$first" "$ARC/site-0/capture.pcap.txt"

nfiles=$(find "$ARC" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.CAP' \
	-o -name '*.cap' -o -name '*.gz' \) ! -name '.*' | wc -l)
[ "$nfiles" -eq 200 ] || fail "test setup: $nfiles captures in the archive, expected 200"

# ---- per-file runs -------------------------------------------------------
mkdir -p "$TMP/one"
anyerr=0
while read -r s; do
	run_tlsdiag "$TMP/one/$s.json" "$TMP/one/$s.err" --json "$SRC/$s"
	case $rc in
	0) ;;
	1) anyerr=1 ;;
	*) fail "$s alone: exit status $rc" ;;
	esac
done <"$TMP/sources"
for b in truncated.pcap deeper/garbage.pcap empty.pcap wrong-magic.cap \
	deeper/corrupt.pcap.gz; do
	o=$TMP/one/bad-$(echo "$b" | tr / _)
	run_tlsdiag "$o.json" "$o.err" --json "$ARC/bad/$b"
	[ "$rc" -eq 1 ] && anyerr=1
done

# ---- the batch, twice ----------------------------------------------------
run_tlsdiag "$TMP/j1.json" "$TMP/j1.err" --json -q -j 1 "$ARC"
rc1=$rc
run_tlsdiag "$TMP/j4.json" "$TMP/j4.err" --json -q -j 4 "$ARC"
rc4=$rc
[ "$rc1" -eq "$rc4" ] || fail "exit status -j 1 $rc1, -j 4 $rc4"
[ "$rc1" -eq "$anyerr" ] || fail "exit status $rc1, expected $anyerr (error findings in a source: $anyerr)"
sed 's/"now":"[^"]*"//' "$TMP/j1.json" >"$TMP/j1.cmp"
sed 's/"now":"[^"]*"//' "$TMP/j4.json" >"$TMP/j4.cmp"
cmp -s "$TMP/j1.cmp" "$TMP/j4.cmp" || {
	fail "-j 1 and -j 4 outputs differ"
	diff "$TMP/j1.cmp" "$TMP/j4.cmp" | head -5 | cut -c1-300
}
for b in truncated.pcap garbage.pcap empty.pcap wrong-magic.cap corrupt.pcap.gz; do
	[ "$(grep -c "/$b: " "$TMP/j4.err")" -eq 1 ] ||
		fail "stderr does not name $b exactly once"
done

"$PY" - "$TMP" "$ARC" >"$TMP/check.out" 2>&1 <<'EOF' || fail "summary check (python) failed to run"
import json, os, sys, collections
tmp, arc = sys.argv[1], sys.argv[2]
problems = []
def bad(msg): problems.append(msg)

def load(path):
    sessions, summary = [], None
    with open(path) as f:
        for line in f:
            o = json.loads(line)
            if o.get("type") == "summary":
                if summary is not None: bad(path + ": two summaries")
                summary = o
            elif o.get("type") == "session":
                sessions.append(o)
    if summary is None:
        bad(path + ": no summary object")
        summary = {}
    return sessions, summary

sources = open(os.path.join(tmp, "sources")).read().split()
copies = collections.Counter(open(os.path.join(tmp, "copies")).read().split())
bad_runs = sorted(p for p in os.listdir(os.path.join(tmp, "one")) if p.startswith("bad-") and p.endswith(".json"))

exp_files = 0; exp_ok = 0
exp_verdict = collections.Counter(); exp_find = collections.Counter()
exp_cert_files = collections.Counter(); exp_cert_sessions = collections.Counter()
store_findings = set()
def add(summary, times):
    global exp_files, exp_ok
    exp_files += summary.get("files", {}).get("total", 0) * times
    exp_ok += summary.get("files", {}).get("ok", 0) * times
    for k, v in summary.get("sessions", {}).items():
        if k != "total": exp_verdict[k] += v * times
    for k, v in summary.get("findings", {}).items():
        # run-wide (trust store) findings are counted once per run
        exp_find[k] += v * times
    for c in summary.get("certificates", []):
        exp_cert_files[c["sha256"]] += len(c["files"]) * times
        exp_cert_sessions[c["sha256"]] += c["sessions"] * times

for s in sources:
    _, summ = load(os.path.join(tmp, "one", s + ".json"))
    add(summ, copies[s])
for b in bad_runs:
    _, summ = load(os.path.join(tmp, "one", b))
    add(summ, 1)

for name in ("j1.json", "j4.json"):
    sessions, summ = load(os.path.join(tmp, name))
    files = summ.get("files", {})
    if files.get("total") != 200: bad(f"{name}: files.total {files.get('total')}, expected 200")
    if exp_files != 200: bad(f"per-file runs count {exp_files} files, expected 200")
    if files.get("ok") != exp_ok: bad(f"{name}: files.ok {files.get('ok')}, expected {exp_ok}")
    failed = files.get("failed", [])
    got_bad = sorted(os.path.relpath(f["path"], arc) for f in failed)
    want_bad = sorted(["bad/truncated.pcap", "bad/deeper/garbage.pcap", "bad/empty.pcap",
                       "bad/wrong-magic.cap", "bad/deeper/corrupt.pcap.gz"])
    if got_bad != want_bad: bad(f"{name}: bad files {got_bad}, expected {want_bad}")
    for f in failed:
        if not f.get("message"): bad(f"{name}: no message for {f.get('path')}")
    sess = summ.get("sessions", {})
    total = sum(exp_verdict.values())
    if sess.get("total") != total: bad(f"{name}: sessions.total {sess.get('total')}, expected {total}")
    if len(sessions) != total: bad(f"{name}: {len(sessions)} session objects, expected {total}")
    for k in ("ok", "warning", "failed", "at_risk", "incomplete"):
        if sess.get(k) != exp_verdict[k]: bad(f"{name}: sessions.{k} {sess.get(k)}, expected {exp_verdict[k]}")
    got_find = summ.get("findings", {})
    if dict(got_find) != {k: v for k, v in exp_find.items() if v}:
        bad(f"{name}: findings {got_find}, expected {dict(exp_find)}")
    certs = {c["sha256"]: c for c in summ.get("certificates", [])}
    if set(certs) != set(exp_cert_files):
        bad(f"{name}: {len(certs)} unique certificates, expected {len(exp_cert_files)}")
    for sha, c in certs.items():
        if len(c["files"]) != exp_cert_files[sha]:
            bad(f"{name}: certificate {sha[:16]} in {len(c['files'])} files, expected {exp_cert_files[sha]}")
        if c["sessions"] != exp_cert_sessions[sha]:
            bad(f"{name}: certificate {sha[:16]} in {c['sessions']} sessions, expected {exp_cert_sessions[sha]}")
        if len(set(c["files"])) != len(c["files"]):
            bad(f"{name}: certificate {sha[:16]} lists a file twice")
    exp_list = [c["sha256"] for c in summ.get("certificates", [])
                if c.get("days_to_expiry") is not None and c["days_to_expiry"] <= summ.get("expiring_days", 30)]
    if [c["sha256"] for c in summ.get("expiring", [])] != exp_list:
        bad(f"{name}: the expiring list does not match the certificates' days to expiry")
    order = [s["file"] for s in sessions]
    if order != sorted(order, key=lambda p: p.encode()):
        bad(f"{name}: sessions are not in sorted path order")
    if any("README" in p or ".hidden" in p or p.endswith(".txt") for p in order):
        bad(f"{name}: a file that is not a capture by name was read")

print("\n".join(problems) if problems else "summary ok")
sys.exit(1 if problems else 0)
EOF
if ! grep -q '^summary ok$' "$TMP/check.out"; then
	sed 's/^/FAIL: /' "$TMP/check.out"
	nfail=$((nfail + 1))
else
	echo "ok: summary of 200 captures matches the per-file runs"
fi

# ---- one trust store load shared by every file -----------------------------
# The batch must judge each file as a run over that file alone does, and
# count the store's own findings once.
TRUST=$top_srcdir/samples/trust/expc-trusted-ca-shadowed.pem
if [ -f "$TRUST" ]; then
	run_tlsdiag "$TMP/tb.json" "$TMP/tb.err" --json -q -j 4 --trust "$TRUST" "$SRC"
	: >"$TMP/tone.json"
	mkdir -p "$TMP/tone"
	while read -r s; do
		run_tlsdiag "$TMP/tone/$s.json" "$TMP/e" --json --trust "$TRUST" "$SRC/$s"
		grep '"type":"session"' "$TMP/tone/$s.json" >>"$TMP/tone.json"
	done <"$TMP/sources"
	grep '"type":"session"' "$TMP/tb.json" | cmp -s - "$TMP/tone.json" ||
		fail "--trust: the batch's sessions differ from the per-file runs'"
	"$PY" - "$TMP/tb.json" "$TMP/tone" <<'EOF2' || fail "--trust: findings or store findings miscounted"
import collections, json, os, sys
summ = lambda p: [json.loads(l) for l in open(p) if '"type":"summary"' in l][0]
b = summ(sys.argv[1])
runs = [summ(os.path.join(sys.argv[2], f)) for f in sorted(os.listdir(sys.argv[2]))]
store = collections.Counter(f["id"] for f in runs[0]["store_findings"])
want = collections.Counter()
for r in runs:
    if r["store_findings"] != runs[0]["store_findings"]: sys.exit("store findings differ between runs")
    want.update(r["findings"])
for k, v in store.items():   # each run counted the store once; the batch, once in all
    want[k] -= v * (len(runs) - 1)
ok = b["store_findings"] == runs[0]["store_findings"] and len(store) > 0
ok = ok and b["findings"] == {k: v for k, v in want.items() if v}
if not ok: print("batch", b["findings"], "expected", dict(want))
sys.exit(0 if ok else 1)
EOF2
else
	note "no samples/trust store: shared trust not checked"
fi

# ---- named directly, stdin, empty directory --------------------------------
run_tlsdiag "$TMP/o" "$TMP/e" --json "$ARC/site-0/README.txt"
[ "$rc" -eq 2 ] || fail "README.txt named directly: exit status $rc, expected 2"
grep -q 'README.txt' "$TMP/o" || fail "README.txt named directly: not in the summary's bad files"
run_tlsdiag "$TMP/o" "$TMP/e" --json - <"$SRC/$first"
[ "$rc" -le 1 ] || fail "stdin: exit status $rc"
n_stdin=$(grep -c '"type":"session"' "$TMP/o")
n_file=$(grep -c '"type":"session"' "$TMP/one/$first.json")
[ "$n_stdin" -eq "$n_file" ] || fail "stdin: $n_stdin sessions, the file alone gives $n_file"
mkdir -p "$TMP/empty-dir"
run_tlsdiag "$TMP/o" "$TMP/e" --json "$TMP/empty-dir"
[ "$rc" -eq 2 ] || fail "empty directory: exit status $rc, expected 2"
grep -q 'no capture files' "$TMP/e" || fail "empty directory: no message"

finish

#!/bin/sh
# test_findings.sh - the diagnostic rules end to end, over the scenario
# captures in samples/.
#
# For every samples/<scenario>.pcap (or .pcapng, .pcap.gz) there must be a
# samples/expected/<scenario>.findings, written by hand from DOMAIN.md: one
# finding per line, "id side cert_index" (side client|server, or - for the
# whole session; cert_index a number, or - / -1 for none); blank lines and
# lines starting with # are ignored, except
#   # cmd: ./tlsdiag --trust samples/trust/expc-trusted-ca.pem samples/<scenario>.pcap
#   # options: --trust-for 10.48.80.47=samples/trust/expc-trusted-ca.pem
#   # verdict: failed                                       (optional)
# The options come from the "# cmd:" (or "# options:") line, else from the
# command samples/README.md gives for the capture. tlsdiag runs as
#   $TLSDIAG --json <options> samples/<scenario>.pcap
# from the top of the source tree (so that samples/trust/... paths work),
# and the set of (id, side, cert) over the capture's sessions must equal
# the expected file exactly. Each difference is a FAIL that names the
# finding, with the JSON message of an unexpected one.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
make_tmp

PY=/usr/bin/python3
SAMPLES=$top_srcdir/samples

if [ -z "$TLSDIAG" ] || [ ! -x "$TLSDIAG" ]; then
	echo "FAIL: tlsdiag binary not found (TLSDIAG='$TLSDIAG')"
	exit 1
fi
need_tool "$PY" python3
# A tree without samples/ at all (a tarball made without them) cannot run this.
[ -d "$SAMPLES" ] || skip "no samples/ directory in $top_srcdir"

set -- "$SAMPLES"/*.pcap "$SAMPLES"/*.pcapng "$SAMPLES"/*.pcap.gz
ncap=0
for f in "$@"; do [ -f "$f" ] && ncap=$((ncap + 1)); done
if [ "$ncap" -eq 0 ]; then
	echo "FAIL: no scenario captures in $SAMPLES (samples/make-samples.sh makes them)"
	exit 1
fi

# compare.py NAME JSON EXPECTED: prints one line per difference.
cat >"$TMP/compare.py" <<'EOF'
import json, sys

name, jpath, epath = sys.argv[1:4]

def norm_side(s):
    if s is None:
        return "-"
    s = str(s).strip().lower()
    return s if s in ("client", "server") else "-"

def norm_cert(c):
    if c is None:
        return "-"
    c = str(c).strip().lower()
    return "-" if c in ("-", "-1", "null", "none", "") else c

want, want_verdict = set(), None
for ln, line in enumerate(open(epath, encoding="utf-8"), 1):
    t = line.strip()
    if t.startswith("#"):
        body = t.lstrip("#").strip()
        if body.lower().startswith("verdict:"):
            want_verdict = body.split(":", 1)[1].strip()
        continue
    if not t:
        continue
    w = t.split()
    if len(w) < 2:
        print("%s: expected file line %d is not 'id side cert': %r" % (name, ln, t))
        continue
    want.add((w[0], norm_side(w[1]), norm_cert(w[2] if len(w) > 2 else "-")))

got, msgs, verdicts, nsess = set(), {}, [], 0
for ln, line in enumerate(open(jpath, encoding="utf-8"), 1):
    if not line.strip():
        continue
    try:
        o = json.loads(line)
    except ValueError as e:
        print("%s: output line %d is not JSON: %s" % (name, ln, e))
        continue
    if o.get("type", "session") != "session":
        continue
    nsess += 1
    verdicts.append(o.get("verdict"))
    for f in o.get("findings") or []:
        k = (f.get("id"), norm_side(f.get("side")), norm_cert(f.get("cert")))
        got.add(k)
        msgs.setdefault(k, "%s [%s, %s]: %s" % (f.get("id"), f.get("severity"),
                        f.get("basis"), f.get("message")))

if nsess == 0:
    print("%s: tlsdiag reported no TLS session" % name)
for k in sorted(want - got):
    print("%s: missing finding %s %s %s" % ((name,) + k))
for k in sorted(got - want):
    print("%s: unexpected finding %s %s %s -- %s" % ((name,) + k + (msgs[k],)))
if want_verdict and want_verdict not in verdicts:
    print("%s: verdict %s, expected %s" % (name, ",".join(map(str, verdicts)), want_verdict))
EOF

# options.py SCENARIO EXPECTED README: the tlsdiag options for a capture,
# one per line (from "# options:" in the expected file, else README).
cat >"$TMP/options.py" <<'EOF'
import os, re, shlex, sys

scen, epath, readme = sys.argv[1:4]
DROP = {"--json", "--report", "--tui", "-q", "--quiet", "--no-color", "--color"}

def emit(words):
    out, skip = [], False
    for w in words:
        if skip:
            skip = False
            continue
        if w in DROP:
            continue
        if w in ("--html", "--db", "--export-certs"):
            skip = True
            continue
        if re.search(r"(^|/)%s\.pcap(ng)?(\.gz)?$" % re.escape(scen), w):
            continue
        out.append(w)
    for w in out:
        print(w)
    sys.exit(0)

for line in open(epath, encoding="utf-8"):
    t = line.strip()
    if not t.startswith("#"):
        continue
    body = t.lstrip("#").strip()
    low = body.lower()
    if low.startswith("options:"):
        emit(shlex.split(body[len("options:"):]))
    if low.startswith("cmd:"):
        words = shlex.split(body[len("cmd:"):])
        # "./tlsdiag", "tlsdiag", "$TLSDIAG" ...: the program itself
        if words and re.search(r"tlsdiag$|TLSDIAG\}?$", words[0]):
            words = words[1:]
        emit(words)

if os.path.exists(readme):
    text = open(readme, encoding="utf-8").read().replace("\\\n", " ")
    pat = re.compile(r"(^|/)%s\.pcap(ng)?(\.gz)?\b" % re.escape(scen))
    for line in text.splitlines():
        t = line.strip().strip("`").strip()
        if not pat.search(t) or "tlsdiag" not in t:
            continue
        t = t[t.index("tlsdiag") + len("tlsdiag"):]
        t = t.split("`")[0].split("|")[0]
        try:
            words = shlex.split(t)
        except ValueError:
            continue
        if any(pat.search(w) for w in words):
            emit(words)
sys.exit(1)
EOF

cd "$top_srcdir" || exit 1
for cap in "$@"; do
	[ -f "$cap" ] || continue
	base=${cap##*/}
	scen=${base%.gz}
	scen=${scen%.pcapng}
	scen=${scen%.pcap}
	exp=samples/expected/$scen.findings
	if [ ! -r "$exp" ]; then
		fail "$scen: no $exp (write the expected findings by hand from DOMAIN.md)"
		continue
	fi
	if ! "$PY" "$TMP/options.py" "$scen" "$exp" samples/README.md >"$TMP/opts.$scen"; then
		note "$scen: no options in $exp or samples/README.md; running without any"
		: >"$TMP/opts.$scen"
	fi
	# word-split the options one per line (paths here have no blanks)
	opts=$(tr '\n' ' ' <"$TMP/opts.$scen")
	# shellcheck disable=SC2086
	run_tlsdiag "$TMP/out.$scen" "$TMP/err.$scen" --json $opts "samples/$base"
	if grep -q -i -e 'not built into this binary' -e 'unknown option.*json' "$TMP/err.$scen"; then
		echo "FAIL: this tlsdiag has no --json output yet (the JSON sink has not landed):"
		sed 's/^/    | /' "$TMP/err.$scen" | head -5
		exit 1
	fi
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
		fail "$scen: tlsdiag --json $opts samples/$base exited $rc"
		sed 's/^/    | /' "$TMP/err.$scen" | head -20
		continue
	fi
	"$PY" "$TMP/compare.py" "$scen" "$TMP/out.$scen" "$exp" >"$TMP/diff.$scen" 2>&1 ||
		echo "$scen: the comparison itself failed" >>"$TMP/diff.$scen"
	if [ -s "$TMP/diff.$scen" ]; then
		while IFS= read -r l; do fail "$l"; done <"$TMP/diff.$scen"
		echo "    (command: tlsdiag --json $opts samples/$base)"
	else
		echo "ok: $scen ($(grep -cv '^[[:space:]]*\(#\|$\)' "$exp") findings)"
	fi
done
finish

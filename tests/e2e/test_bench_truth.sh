#!/bin/bash
# The benchmark's generator, kept honest at a tiny scale (an exactness test,
# not a timing one; `make bench` is not part of `make check`):
# - it is deterministic and makes every case the benchmark relies on
#   (reordered and retransmitted flights, chains of 2, 3 and 4 certificates,
#   mutual TLS, empty client Certificate, several alert descriptions,
#   connections joined mid-stream, all flows concurrent in flows100k);
# - its ground truth agrees with tshark's reading of the same captures
#   (an independent tool), and with tlsdiag's on every capture;
# - the checker fails when a count is off.
set -u
: "${TLSDIAG:?}" "${top_srcdir:?}"
. "$top_srcdir/tests/e2e/lib.sh"
PY=/usr/bin/python3
BENCH=$top_srcdir/tests/bench
[ -x "$PY" ] || skip "$PY missing"
"$PY" -c 'import cryptography' 2>/dev/null || skip "python3-cryptography missing"
[ -x "$TLSDIAG" ] || { echo "FAIL: no tlsdiag at $TLSDIAG"; exit 1; }
make_tmp
G=$TMP/gen

"$PY" "$BENCH/make-bench-captures.py" --scale tiny "$G" 2>"$TMP/gen.err" ||
	{ cat "$TMP/gen.err"; echo "FAIL: the generator failed"; exit 1; }
"$PY" "$BENCH/make-bench-captures.py" --scale tiny --only span "$TMP/again" 2>/dev/null
cmp -s "$G/span.pcap" "$TMP/again/span.pcap" || fail "two runs of the generator made different span.pcap"
cmp -s "$G/truth/span.pcap.json" "$TMP/again/truth/span.pcap.json" || fail "two runs made different truth"

# Every case is there.
"$PY" - "$G/truth" <<'EOF' || fail "the tiny captures lack a case (above)"
import json, os, sys
t = {f[:-5]: json.load(open(os.path.join(sys.argv[1], f))) for f in os.listdir(sys.argv[1])}
s, h, fl = t["span.pcap"], t["handshakes.pcap"], t["flows100k.pcap"]
need = {
    "span: flights out of order": s["flights_out_of_order"] > 0,
    "span: flights with a retransmission": s["flights_retransmitted"] > 0,
    "span: sessions joined mid-stream": s["sessions_midstream"] > 0,
    "span: mutual TLS": s["mutual_tls"] > 0,
    "span: server chains of 2, 3 and 4": set(s["server_chain_lengths"]) == {"2", "3", "4"},
    "span-q1: fewer handshakes than span": 0 < t["span-q1.pcap"]["handshakes"] < s["handshakes"],
    "handshakes: 4 kinds of clear alert": len([a for a in h["alerts"] if a[0] != "("]) >= 4,
    "handshakes: empty client Certificate": h["client_certificate_empty"] > 0,
    "handshakes: certificates reused": h["certificates"]["presented"] > 3 * h["certificates"]["unique"],
    "flows100k: every connection open at once": fl["max_concurrent_tcp_flows"] == fl["handshakes"],
}
bad = [k for k, v in need.items() if not v]
for k in bad:
    print("missing: " + k)
sys.exit(1 if bad else 0)
EOF

check() { # capture (relative to $G)
	local name=$1 t
	t=$G/truth/$(echo "$name" | tr / _).json
	"$TLSDIAG" --json -q "$G/$name" >"$TMP/out.json"
	[ $? -le 1 ] || fail "tlsdiag failed on $name"
	"$PY" "$BENCH/check_counts.py" --truth "$t" --tlsdiag "$TMP/out.json" || fail "tlsdiag's counts of $name"
}
for c in span.pcap span-q1.pcap handshakes.pcap flows100k.pcap; do check "$c"; done
"$TLSDIAG" --json -q -j 2 "$G/dir" >"$TMP/dir.json"
"$PY" "$BENCH/check_counts.py" --truth "$G/truth/dir_part-01.pcap.json" \
	--truth "$G/truth/dir_part-02.pcap.json" --tlsdiag "$TMP/dir.json" || fail "tlsdiag's counts of dir/"

# The ground truth against an independent reader.
if [ -n "${TSHARK:-}" ] && [ -x "$TSHARK" ]; then
	fields=$("$PY" -c "import sys; sys.dont_write_bytecode = True; sys.path.insert(0, '$BENCH')
import check_counts; print(' '.join(check_counts.TSHARK_FIELDS))")
	for c in span.pcap handshakes.pcap; do
		# shellcheck disable=SC2086
		"$TSHARK" -n -r "$G/$c" $fields >"$TMP/$c.tsv" 2>/dev/null || fail "tshark failed on $c"
		"$PY" "$BENCH/check_counts.py" --truth "$G/truth/$c.json" --tshark "$TMP/$c.tsv" ||
			fail "tshark and the ground truth of $c disagree"
	done
else
	note "tshark not available: the ground truth is not cross-checked"
fi

# The checker can fail: one handshake too many, one certificate presented
# once more, one alert less.
"$TLSDIAG" --json -q "$G/handshakes.pcap" >"$TMP/hs.json"
for edit in 't["handshakes"] += 1' \
	'k = sorted(t["certificates"]["by_sha256"])[0]; t["certificates"]["by_sha256"][k] += 1' \
	'k = sorted(t["alerts"])[-1]; t["alerts"][k] -= 1'; do
	"$PY" -c "import json, sys
t = json.load(open(sys.argv[1]))
$edit
json.dump(t, open(sys.argv[2], 'w'))" "$G/truth/handshakes.pcap.json" "$TMP/bad.json"
	if "$PY" "$BENCH/check_counts.py" --truth "$TMP/bad.json" --tlsdiag "$TMP/hs.json" >/dev/null; then
		fail "the checker accepted a wrong truth ($edit)"
	fi
done
finish

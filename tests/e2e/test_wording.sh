#!/bin/sh
# test_wording.sh - what a support engineer reads (issue 9, items 2, 6, 7):
# sentences that would be wrong are looked for in the reports of every
# capture of the repository (samples with and without their trust stores,
# the TLS, key log, capture and hostile test captures), in the text report
# (-v), the JSON and the HTML page.
#
#  - A partly captured Certificate message (tests/captures/tls/gap-in-leaf:
#    a gap inside the leaf; gap-in-certificate: inside the second
#    certificate) is never "empty", never "no certificate sent", never a
#    count of what was sent, and never the other side's missing client
#    certificate; the JSON says sent null, what was read and how many bytes
#    are missing.
#  - Without a trust store a healthy chain is not broken: "root not sent
#    (normal); not checked: no trust store given", no "issuer missing", no
#    "[missing]" row, no red box on the HTML page.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
make_tmp
PY=${PYTHON:-/usr/bin/python3}
need_tool "$PY" python3
T=$top_srcdir/tests/captures/tls

# ---- item 2: a partly captured Certificate ---------------------------------
for c in gap-in-leaf gap-in-certificate; do
	run_tlsdiag "$TMP/$c.txt" "$TMP/err" --report -v "$T/$c.pcap"
	grep -q "Server chain (frame [0-9]*): only partly captured: 500 of its 2796 bytes are missing" \
		"$TMP/$c.txt" || fail "$c: the server chain is not said to be partly captured"
	grep -n -i -e 'empty' -e 'no certificate sent' -e 'no client certificate' \
		-e 'certificates\{0,1\} sent' "$TMP/$c.txt" >"$TMP/bad" &&
		fail "$c: $(head -3 "$TMP/bad")"
	run_tlsdiag "$TMP/$c.json" "$TMP/err" --json "$T/$c.pcap"
	"$PY" - "$TMP/$c.json" "$c" <<'EOF' || fail "$c: JSON chain check"
import json, sys
s = json.loads(open(sys.argv[1]).readline())
c = s["server_chain_check"]
# Three were sent; the one the gap cuts is lost, the two around it read
# (issue 14 item 4), the hole said where it is.
want_read = 2
want_at = 0 if sys.argv[2] == "gap-in-leaf" else 1
bad = []
l = c["lost"] or {}
if (l.get("count"), l.get("exact"), l.get("before_index")) != (1, True, want_at):
    bad.append("lost %r" % c["lost"])
if "1 certificate lost in the gap, 2 read around it" not in c["summary"]:
    bad.append("summary %r" % c["summary"])
if c["complete"] is not False: bad.append("complete %r" % c["complete"])
if c["sent"] is not None: bad.append("sent %r, expected null" % c["sent"])
if c["read"] != want_read: bad.append("read %r, expected %d" % (c["read"], want_read))
if c["missing_bytes"] != 500: bad.append("missing_bytes %r" % c["missing_bytes"])
if any(f["id"] == "client_cert_missing" for f in s["findings"]): bad.append("client_cert_missing")
# With the leaf lost, certificate 0 is the intermediate: no rule about the
# leaf may judge it.
LEAF = {"key_usage_mismatch", "missing_server_auth_eku", "name_mismatch", "ip_address_peer",
        "wildcard", "self_signed_leaf"}
if sys.argv[2] == "gap-in-leaf":
    bad += ["leaf rule on a lost leaf: " + f["id"] for f in s["findings"] if f["id"] in LEAF]
if "empty" in s["headline"] or "no client certificate" in s["headline"]: bad.append(s["headline"])
for b in bad: print(b)
sys.exit(1 if bad else 0)
EOF
done
run_tlsdiag /dev/null "$TMP/err" --report --html "$TMP/leaf.html" "$T/gap-in-leaf.pcap"
grep -q -i 'empty' "$TMP/leaf.html" && fail "gap-in-leaf: the HTML page says empty"
grep -q 'only partly captured' "$TMP/leaf.html" || fail "gap-in-leaf: the HTML page does not say partly captured"

# ---- item 6: no trust store, a healthy chain --------------------------------
run_tlsdiag "$TMP/rsa.txt" "$TMP/err" --report "$T/tls12-rsa.pcap"
grep -q 'Server chain (frame 6): 2 certificates sent, root not sent (normal); not checked: no trust store given$' \
	"$TMP/rsa.txt" || fail "tls12-rsa without a store: $(grep 'Server chain' "$TMP/rsa.txt")"
grep -q '\[not sent\] CN=tlsdiag Test RSA Root CA' "$TMP/rsa.txt" ||
	fail "tls12-rsa without a store: the root's row does not say 'not sent'"
# A failing session (the client trusts another root) whose chain is sound:
# the HTML page draws it, and must not draw it broken.
run_tlsdiag /dev/null "$TMP/err" --report --html "$TMP/abc.html" "$T/alert-before-ccs.pcap"
grep -q '<div class="cert bad' "$TMP/abc.html" &&
	fail "alert-before-ccs without a store: a red certificate box on the HTML page"
grep -q 'root not sent (normal)' "$TMP/abc.html" ||
	fail "alert-before-ccs without a store: the HTML page does not say the root is not sent (normal)"

# Every capture, without trust stores: no "issuer missing" anywhere, no
# "[missing]" row (nobody looked for anything).
for f in "$top_srcdir"/samples/*.pcap "$T"/*.pcap "$top_srcdir"/tests/captures/keylog/*.pcap \
	"$top_srcdir"/tests/captures/hostile/*.pcap; do
	run_tlsdiag "$TMP/n.txt" "$TMP/err" --report -v "$f"
	run_tlsdiag "$TMP/n.json" "$TMP/err" --json "$f"
	if grep -n -e 'issuer missing' -e '\[missing\]' -e 'neither sent nor in' "$TMP/n.txt" \
		"$TMP/n.json" >"$TMP/bad"; then
		fail "$(basename "$f") without a store: $(head -2 "$TMP/bad")"
	fi
done

# ---- item 7: the classes, over every report ---------------------------------
LE=$top_srcdir/samples/trust/learningext-ca-chain.pem
: >"$TMP/all.json"
: >"$TMP/all.txt"
runs=0
one() { # options... capture
	run_tlsdiag "$TMP/o.txt" "$TMP/err" --report -v "$@"
	cat "$TMP/o.txt" >>"$TMP/all.txt"
	run_tlsdiag "$TMP/o.json" "$TMP/err" --json "$@"
	cat "$TMP/o.json" >>"$TMP/all.json"
	runs=$((runs + 1))
}
for f in "$top_srcdir"/samples/*.pcap; do
	b=$(basename "$f" .pcap)
	cmd=$(sed -n 's/^# cmd: \.\/tlsdiag //p' "$top_srcdir/samples/expected/$b.findings" | head -1)
	opts=${cmd% *}
	[ "$opts" = "$cmd" ] && opts=""
	# shellcheck disable=SC2086
	opts=$(echo "$opts" | sed "s|samples/|$top_srcdir/samples/|g")
	# shellcheck disable=SC2086
	one $opts "$f"
	one --trust "$LE" "$f"
	one --at 2000-01-01 "$f"
	one --trust "$LE" --at 2100-01-01 "$f"
done
for f in "$T"/*.pcap "$top_srcdir"/tests/captures/capture/*.pcap \
	"$top_srcdir"/tests/captures/hostile/*.pcap "$top_srcdir"/tests/captures/keylog/*.pcap; do
	one "$f"
done
for f in "$top_srcdir"/tests/captures/keylog/*.pcap; do
	one --keylog "${f%.pcap}.keys" "$f"
done

# A capture cut at 100 bytes whose header says 262144 (editcap -s keeps
# the header's snaplen; so do many capture tools).
cat >"$TMP/cut.py" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
e = "<" if d[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
hdr = bytearray(d[:24])
struct.pack_into(e + "I", hdr, 16, 262144)
out = [bytes(hdr)]
o = 24
while o + 16 <= len(d):
    ts, us, incl, orig = struct.unpack_from(e + "IIII", d, o)
    data = d[o + 16:o + 16 + incl]
    o += 16 + incl
    n = min(incl, 100)
    out.append(struct.pack(e + "IIII", ts, us, n, orig) + data[:n])
open(sys.argv[2], "wb").write(b"".join(out))
EOF
"$PY" "$TMP/cut.py" "$top_srcdir/samples/expressway-7001-unknown-ca.pcap" "$TMP/cut100.pcap" ||
	fail "cannot make the 100-byte capture"
run_tlsdiag "$TMP/cut.txt" "$TMP/err" --report "$TMP/cut100.pcap"
grep -q "cut short at 100 bytes by the capture's snapshot length" "$TMP/cut.txt" ||
	fail "cut100: $(grep -i 'snapshot' "$TMP/cut.txt" | head -1)"
grep -q '262144' "$TMP/cut.txt" && fail "cut100: the file's 262144 is blamed"
cat "$TMP/cut.txt" >>"$TMP/all.txt"

cat >"$TMP/classes.py" <<'EOF'
import json, re, sys, collections
problems = collections.OrderedDict()
def bad(kind, text):
    problems[(kind, text[:160])] = problems.get((kind, text[:160]), 0) + 1

COLLIDE = re.compile(r"\.\)[.,]|\)\.\)|\)\. \(|[^.]\.\.[^.]|,\.|;\.|:\.")
LOWER = re.compile(r"(?<![ei]\.)[a-z0-9)\]]\. [a-z]")
UNNAMED = re.compile(r"\bunknown (of|from|is|in frame|\()|'s unknown \(|the unknown in")

def sentences(o):
    # (.get: the checker also reads older tlsdiag's output, to show what
    # it got wrong)
    yield "headline", o["headline"]
    yield "outcome_text", o.get("outcome_text", "")
    for f in o["findings"]:
        yield "message " + f["id"], f["message"]
        yield "advice " + f["id"], f["advice"]
    for n in o["notes"]:
        yield "note", n["text"]
    for side in ("server_chain_check", "client_chain_check"):
        if o[side]:
            yield side, o[side].get("summary", "")

for line in open(sys.argv[1]):
    try:
        o = json.loads(line)
    except ValueError:
        continue
    if o.get("type") != "session":
        continue
    for kind, t in sentences(o):
        if not t:
            continue
        if COLLIDE.search(t): bad("punctuation", kind + ": " + t)
        # A chain's summary is a phrase after "Server chain (frame 6): ".
        if t[0].islower() and "chain_check" not in kind:
            bad("lower-case start", kind + ": " + t)
        if LOWER.search(t): bad("lower-case sentence", kind + ": " + t)
        if UNNAMED.search(t): bad("unnamed message", kind + ": " + t)
    # "As of now (D), it is valid." only of a certificate valid on D.
    for f in o["findings"]:
        m = re.search(r"As of now \((\d{4}-\d\d-\d\d)\), it is valid", f["message"])
        if not m or f["side"] is None or f["cert"] is None:
            continue
        chain = o[f["side"] + "_chain"]
        c = chain[f["cert"]] if f["cert"] < len(chain) else None
        if c and not (c["not_before"][:10] <= m.group(1) <= c["not_after"][:10]):
            bad("as of now", f["message"])
    # The alert's finding refers to the finding it confirms: said once.
    others = [f for f in o["findings"] if f["id"] != "fatal_alert"]
    for f in o["findings"]:
        if f["id"] != "fatal_alert":
            continue
        for g in others:
            if len(g["message"]) >= 40 and g["message"] in f["message"]:
                bad("repeated paragraph", "fatal_alert repeats " + g["id"] + ": " + g["message"])
            if g["advice"] and g["advice"] == f["advice"]:
                bad("repeated fix", "fatal_alert repeats the fix of " + g["id"] + ": " + g["advice"])

flat = re.sub(r"\s+", " ", open(sys.argv[2], encoding="utf-8", errors="replace").read())
for m in re.finditer(r"\.\)\.|\)\.\)|\)\. \(", flat):
    bad("punctuation (text report)", flat[max(0, m.start() - 60):m.end() + 20])
for m in UNNAMED.finditer(flat):
    bad("unnamed message (text report)", flat[max(0, m.start() - 40):m.end() + 40])
for (kind, t), n in problems.items():
    print("%s (%dx): %s" % (kind, n, t))
sys.exit(1 if problems else 0)
EOF
if ! "$PY" "$TMP/classes.py" "$TMP/all.json" "$TMP/all.txt" >"$TMP/problems" 2>&1; then
	fail "wording (item 7): $(wc -l <"$TMP/problems") problems"
	head -30 "$TMP/problems" | sed 's/^/    /'
fi
note "$runs reports looked at"

finish

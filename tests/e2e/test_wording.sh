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
want_read = 0 if sys.argv[2] == "gap-in-leaf" else 1
bad = []
if c["complete"] is not False: bad.append("complete %r" % c["complete"])
if c["sent"] is not None: bad.append("sent %r, expected null" % c["sent"])
if c["read"] != want_read: bad.append("read %r, expected %d" % (c["read"], want_read))
if c["missing_bytes"] != 500: bad.append("missing_bytes %r" % c["missing_bytes"])
if sys.argv[2] == "gap-in-certificate" and c["more_sent"] is not True: bad.append("more_sent")
if any(f["id"] == "client_cert_missing" for f in s["findings"]): bad.append("client_cert_missing")
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

finish

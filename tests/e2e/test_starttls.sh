#!/bin/sh
# test_starttls.sh - TLS that starts inside another protocol (issue 14
# item 1), on real captures (tests/captures/starttls: openssl s_client
# -starttls irc/nntp/sieve/lmtp; MySQL, RDP and TDS preambles built from
# their documentation around real TLS handshakes): found without options,
# the outer protocol named in `starttls`, the server's chain equal to
# tshark's reading (or, where tshark cannot follow the preamble, to the
# chain the server was configured with, read by openssl).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
make_tmp
PY=${PYTHON:-/usr/bin/python3}
need_tool "$PY" python3
D=$top_srcdir/tests/captures/starttls
n=0
for cap in "$D"/*.pcap; do
	name=$(basename "$cap" .pcap)
	n=$((n + 1))
	"$TLSDIAG" --json "$cap" >"$TMP/$name.json" 2>/dev/null
	"$PY" - "$TMP/$name.json" "$D/expected/$name.txt" >"$TMP/$name.cmp" 2>&1 <<'PY' || fail "$name: $(cat "$TMP/$name.cmp")"
import json, sys
ss = [json.loads(l) for l in open(sys.argv[1]) if '"type":"session"' in l]
exp, sect, certs = {}, None, []
for line in open(sys.argv[2]):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    if line.startswith("["):
        sect = line[1:-1]
    elif sect == "capture":
        k, _, v = line.partition("=")
        exp[k] = v
    elif sect == "certificates" and line.startswith("side="):
        d = dict(kv.split("=", 1) for kv in line.split())
        certs.append(d["sha256"])
if len(ss) != 1:
    sys.exit("%d sessions, expected 1" % len(ss))
s = ss[0]
bad = []
if s["starttls"] != exp["starttls"]:
    bad.append("starttls %r, expected %r" % (s["starttls"], exp["starttls"]))
if str(s["flow"]["server"]["port"]) != exp["server_port"]:
    bad.append("server port %r" % s["flow"]["server"]["port"])
got = [c["sha256"] for c in s["server_chain"]]
if got != certs:
    bad.append("server chain %r, expected %r" % (got, certs))
if bad:
    sys.exit("; ".join(bad))
PY
done
[ "$n" -ge 7 ] || fail "only $n captures"
[ "$nfail" -eq 0 ] && echo "all checks passed"
exit "$nfail"

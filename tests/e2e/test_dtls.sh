#!/bin/sh
# test_dtls.sh - DTLS over UDP end to end (issue 14 item 2).
#
#  1. Every capture of tests/captures/dtls (real openssl DTLS 1.0 and 1.2
#     sessions: cookie exchange, fragmented certificates, mutual TLS, a
#     client's unknown_ca, DTLS-SRTP with STUN and RTP on the same port;
#     a DTLS 1.3 handshake built around real key material) read as tshark
#     reads it (expected/<capture>.txt, made by tshark only): the version,
#     each side's certificates by SHA-256 in order, the alerts.
#  2. tshark itself, when there, still reads the committed captures so.
#  3. DTLS sessions appear in every view: text report, JSON, HTML, the
#     TUI, the SQLite inventory, certificate export; and the rules blame
#     the client that rejected the server's chain.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
make_tmp
PY=${PYTHON:-/usr/bin/python3}
need_tool "$PY" python3
D=$top_srcdir/tests/captures/dtls
n=0
for cap in "$D"/*.pcap; do
	name=$(basename "$cap" .pcap)
	exp=$D/expected/$name.txt
	[ -r "$exp" ] || { fail "$name: no expected file"; continue; }
	n=$((n + 1))
	"$TLSDIAG" --json "$cap" >"$TMP/$name.json" 2>"$TMP/$name.err"
	[ $? -le 1 ] || fail "$name: tlsdiag failed: $(cat "$TMP/$name.err")"
	"$PY" - "$TMP/$name.json" "$exp" >"$TMP/$name.cmp" 2>&1 <<'PY' || fail "$name: $(cat "$TMP/$name.cmp")"
import json, sys
sessions = [json.loads(l) for l in open(sys.argv[1]) if '"type":"session"' in l]
sect, exp = None, {"capture": {}, "certificates": [], "alerts": []}
for line in open(sys.argv[2]):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    if line.startswith("["):
        sect = line[1:-1]
        continue
    if sect == "capture":
        k, _, v = line.partition("=")
        exp["capture"][k] = v
    elif sect in ("certificates", "alerts"):
        exp[sect].append(dict(kv.split("=", 1) if "=" in kv else (kv, True) for kv in line.split()))
bad = []
if len(sessions) != 1:
    sys.exit("%d sessions, expected 1" % len(sessions))
s = sessions[0]
names = {"0xfeff": "DTLS 1.0", "0xfefd": "DTLS 1.2", "0xfefc": "DTLS 1.3"}
if s["transport"] != "udp" or s["dtls"] is None:
    bad.append("transport %r, dtls %r" % (s["transport"], s["dtls"]))
if s["tls"]["version"] != names.get(exp["capture"]["version"]):
    bad.append("version %r, tshark %r" % (s["tls"]["version"], exp["capture"]["version"]))
if str(s["flow"]["client"]["port"]) != exp["capture"]["client_port"]:
    bad.append("client port %r, tshark %r" % (s["flow"]["client"]["port"], exp["capture"]["client_port"]))
for side in ("server", "client"):
    got = [c["sha256"] for c in s[side + "_chain"]]
    want = [c["sha256"] for c in exp["certificates"] if c["side"] == side]
    if got != want:
        bad.append("%s chain %r, tshark %r" % (side, got, want))
got = [(a["from"], a["frame"], a["encrypted"], a["code"]) for a in s["alerts"]]
want = [(a["from"], int(a["frame"]), "encrypted" in a, None if "encrypted" in a else int(a["desc"]))
        for a in exp["alerts"]]
if got != want:
    bad.append("alerts %r, tshark %r" % (got, want))
if bad:
    sys.exit("; ".join(bad))
PY
done
[ "$n" -ge 6 ] || fail "only $n DTLS captures"

# 2. tshark's reading of the committed captures has not moved.
if [ -n "${TSHARK:-}" ] && command -v "$TSHARK" >/dev/null 2>&1; then
	for cap in "$D"/*.pcap; do
		name=$(basename "$cap" .pcap)
		"$PY" "$D/dtls-capture-tool.py" expected "$TSHARK" "$cap" >"$TMP/$name.tshark" 2>/dev/null &&
			diff -q "$D/expected/$name.txt" "$TMP/$name.tshark" >/dev/null ||
			fail "$name: tshark now reads it otherwise than expected/$name.txt"
	done
else
	note "no tshark: expected files not rechecked"
fi

# 3. Every view.
C=$D/dtls12-unknown-ca.pcap
"$TLSDIAG" --report "$C" >"$TMP/r.txt" 2>&1
grep -q '^  TLS:      DTLS 1.2' "$TMP/r.txt" || fail "text report: no DTLS 1.2"
grep -q '^  DTLS:     over UDP; cookie exchange (HelloVerifyRequest)' "$TMP/r.txt" ||
	fail "text report: no DTLS line"
grep -q 'rejected the chain of the server 127.0.0.1 with unknown_ca' "$TMP/r.txt" ||
	fail "text report: the client's rejection is not blamed"
"$TLSDIAG" --report "$D/dtls12-srtp-stun-rtp.pcap" >"$TMP/srtp.txt" 2>&1
grep -q 'DTLS-SRTP SRTP_AES128_CM_HMAC_SHA1_80; 8 other datagrams (STUN, RTP)' "$TMP/srtp.txt" ||
	fail "text report: DTLS-SRTP and the RTP beside it not shown"
"$TLSDIAG" --html "$TMP/r.html" "$C" >/dev/null 2>&1
grep -q '<dt>transport</dt><dd>over UDP' "$TMP/r.html" || fail "HTML: no transport"
grep -q 'DTLS 1.2' "$TMP/r.html" || fail "HTML: no DTLS 1.2"
COLUMNS=100 LINES=40 LANG=C.UTF-8 "$TLSDIAG" --tui "$C" --script '\n' \
	--dump-screen "$TMP/tui.txt" >/dev/null 2>&1 || fail "TUI: --script failed"
grep -q 'DTLS 1.2' "$TMP/tui.txt" || fail "TUI: no DTLS 1.2"
grep -q 'HelloVerifyRequest' "$TMP/tui.txt" || fail "TUI: no HelloVerifyRequest on the ladder"
"$TLSDIAG" -q --db "$TMP/t.db" "$D" >/dev/null 2>&1
[ "$("$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(
    "select count(*) from sessions where transport=\"udp\"").fetchone()[0])' "$TMP/t.db")" = "$n" ] ||
	fail "SQLite: not every DTLS session stored with transport udp"
"$TLSDIAG" -q --export-certs "$TMP/certs" "$C" >/dev/null 2>&1
[ "$(ls "$TMP/certs" 2>/dev/null | wc -l)" -ge 2 ] || fail "export: the DTLS chain was not exported"

[ "$nfail" -eq 0 ] && echo "all checks passed"
exit "$nfail"

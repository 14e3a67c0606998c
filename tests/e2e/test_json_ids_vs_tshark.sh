#!/bin/sh
# test_json_ids_vs_tshark.sh - the JSON's log pipeline identifiers against
# tshark, on every capture in the repository (samples/, tests/captures/),
# TLS over TCP and DTLS over UDP:
#
#  - `community_id` of each session equals tshark's Community ID
#    (`--enable-protocol communityid`, seed 0, base64: the defaults) of
#    the session's first frame;
#  - `tls.ja3s` and `tls.ja3s_full` equal tshark's tls.handshake.ja3s and
#    ja3s_full (dtls.handshake.* for DTLS) on the flow's ServerHello (the
#    last one, after a HelloRetryRequest);
#  - `tls.ja4s` equals JA4S computed here, in Python, from the fields
#    tshark decodes from that ServerHello (version, cipher suite,
#    extension types in order, ALPN): tshark 4.0 has no JA4S of its own.
#
# Enough sessions must be compared (IPv6 and DTLS ones among them), so a tshark
# that decodes nothing cannot pass the test.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
need_tool "$TSHARK" tshark
make_tmp

PY=/usr/bin/python3
[ -x "$PY" ] || skip "$PY not installed"

cat >"$TMP/cmp.py" <<'PYEOF'
import hashlib, json, os, subprocess, sys
tlsdiag, tshark, top = sys.argv[1:4]
caps = sys.argv[4:]
problems = 0
n = {"cid": 0, "v6": 0, "udp": 0, "ja3s": 0, "dtls": 0}

def fail(msg):
    global problems
    problems += 1
    print(msg)

def ja4s_of(proto, ver, cipher, exts, alpn):
    vers = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3",
            0x0002: "s2", 0xfefc: "d3", 0xfefd: "d2", 0xfeff: "d1"}
    grease = lambda v: (v & 0x0f0f) == 0x0a0a and (v >> 8) == (v & 0xff)
    exts = [e for e in exts if not grease(e)]
    a = "00"
    if alpn:
        f, l = alpn[0], alpn[-1]
        if f.isascii() and f.isalnum() and l.isascii() and l.isalnum():
            a = f + l
        else:
            a = alpn.encode().hex()[0] + alpn.encode().hex()[-1]
    h = ",".join("%04x" % e for e in exts)
    h12 = hashlib.sha256(h.encode()).hexdigest()[:12] if exts else "0" * 12
    return "%s%s%02d%s_%04x_%s" % (proto, vers.get(ver, "00"), min(len(exts), 99), a, cipher, h12)

ADDR = ["frame.number", "communityid", "ip.src", "ipv6.src", "tcp.srcport", "udp.srcport",
        "ip.dst", "ipv6.dst", "tcp.dstport", "udp.dstport"]
HS = ["type", "ja3s", "ja3s_full", "ciphersuite", "extension.type",
      "extensions.supported_version", "extensions_alpn_str", "version"]
FIELDS = ADDR + ["%s.handshake.%s" % (p, h) for p in ("tls", "dtls") for h in HS]
last = lambda v: v.split("|")[-1]

for cap in caps:
    name = os.path.relpath(cap, top)
    j = subprocess.run([tlsdiag, "--json", "-q", cap], capture_output=True, text=True)
    sessions = [d for d in map(json.loads, j.stdout.splitlines()) if d.get("type") == "session"]
    if not sessions:
        continue
    cmd = [tshark, "-r", cap, "-n", "--enable-protocol", "communityid",
           "-o", "tcp.desegment_tcp_streams:TRUE", "-o", "tcp.reassemble_out_of_order:TRUE",
           "-T", "fields", "-E", "aggregator=|"]
    for f in FIELDS:
        cmd += ["-e", f]
    t = subprocess.run(cmd, capture_output=True, text=True)
    rows, hellos = {}, {}
    for line in t.stdout.splitlines():
        v = dict(zip(FIELDS, line.split("\t")))
        if len(v) < len(FIELDS):
            continue
        rows[int(v["frame.number"])] = v
        for p in ("tls", "dtls"):
            if "2" in v[p + ".handshake.type"].split("|") and v[p + ".handshake.ja3s"]:
                src = (last(v["ip.src"]) or last(v["ipv6.src"]),
                       last(v["tcp.srcport"]) or last(v["udp.srcport"]))
                dst = (last(v["ip.dst"]) or last(v["ipv6.dst"]),
                       last(v["tcp.dstport"]) or last(v["udp.dstport"]))
                hellos.setdefault((src, dst), []).append((p, v))
    for d in sessions:
        fl = d["flow"]
        what = "%s session %d" % (name, d["session"])
        ff = d["first_frame"]
        if ff in rows and rows[ff]["communityid"]:
            want = last(rows[ff]["communityid"])
            n["cid"] += 1
            n["v6"] += ":" in fl["client"]["ip"]
            n["udp"] += d["transport"] == "udp"
            if d["community_id"] != want:
                fail("%s: community_id %s, tshark (frame %d) %s" % (what, d["community_id"], ff, want))
        key = ((fl["server"]["ip"], str(fl["server"]["port"])),
               (fl["client"]["ip"], str(fl["client"]["port"])))
        if key not in hellos:
            continue
        p, v = hellos[key][-1]  # after a HelloRetryRequest, the ServerHello
        h = lambda k: v["%s.handshake.%s" % (p, k)]
        n["ja3s"] += 1
        n["dtls"] += p == "dtls"
        if d["tls"]["ja3s"] != h("ja3s") or d["tls"]["ja3s_full"] != h("ja3s_full"):
            fail("%s: ja3s %s %s, tshark (frame %s) %s %s" % (what, d["tls"]["ja3s"],
                 d["tls"]["ja3s_full"], v["frame.number"], h("ja3s"), h("ja3s_full")))
        exts = [int(x) for x in h("extension.type").split("|")] if h("extension.type") else []
        sv = last(h("extensions.supported_version"))
        ver = int(sv, 16) if sv else int(h("version").split("|")[0], 16)
        alpn = h("extensions_alpn_str") if 16 in exts else ""
        want = ja4s_of("d" if p == "dtls" else "t", ver, int(h("ciphersuite").split("|")[0], 16),
                       exts, alpn)
        if d["tls"]["ja4s"] != want:
            fail("%s: ja4s %s, from tshark's fields (frame %s) %s" % (what, d["tls"]["ja4s"],
                 v["frame.number"], want))
print("compared: community_id %(cid)d (IPv6 %(v6)d, UDP %(udp)d), ja3s and ja4s %(ja3s)d (DTLS %(dtls)d)" % n)
if n["cid"] < 100 or n["v6"] < 5 or n["udp"] < 3 or n["ja3s"] < 100 or n["dtls"] < 3:
    fail("too few sessions compared: is tshark decoding TLS and DTLS?")
sys.exit(1 if problems else 0)
PYEOF

find "$top_srcdir/samples" "$top_srcdir/tests/captures" -type f \
	\( -name '*.pcap' -o -name '*.pcapng' -o -name '*.pcap.gz' -o -name '*.pcapng.gz' \) \
	2>/dev/null | sort >"$TMP/captures"
# shellcheck disable=SC2046
if ! "$PY" "$TMP/cmp.py" "$TLSDIAG" "$TSHARK" "$top_srcdir" $(cat "$TMP/captures") >"$TMP/out" 2>&1; then
	fail "tlsdiag --json and tshark disagree:"
	head -30 "$TMP/out" | sed 's/^/    /'
else
	note "$(tail -n 1 "$TMP/out")"
fi
finish

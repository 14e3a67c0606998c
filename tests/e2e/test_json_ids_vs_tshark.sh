#!/bin/sh
# test_json_ids_vs_tshark.sh - the JSON's log pipeline identifiers against
# tshark, on every capture in the repository (samples/, tests/captures/):
#
#  - `community_id` of each session equals tshark's Community ID
#    (`--enable-protocol communityid`, seed 0, base64: the defaults) of
#    the session's first frame;
#  - `tls.ja3s` and `tls.ja3s_full` equal tshark's tls.handshake.ja3s and
#    ja3s_full on the flow's ServerHello (the last one, after a
#    HelloRetryRequest);
#  - `tls.ja4s` equals JA4S computed here, in Python, from the fields
#    tshark decodes from that ServerHello (version, cipher suite,
#    extension types in order, ALPN): tshark 4.0 has no JA4S of its own.
#
# Enough sessions must be compared (IPv6 ones among them), so a tshark
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
n_cid = n_v6 = n_ja3s = n_ja4s = 0
def fail(msg):
    global problems
    problems += 1
    print(msg)

def ja4s_of(ver, ncipher, exts, alpn):
    vers = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3", 0x0002: "s2"}
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
    return "t%s%02d%s_%04x_%s" % (vers.get(ver, "00"), min(len(exts), 99), a, ncipher, h12)

for cap in caps:
    name = os.path.relpath(cap, top)
    j = subprocess.run([tlsdiag, "--json", "-q", cap], capture_output=True, text=True)
    sessions = [d for d in map(json.loads, j.stdout.splitlines()) if d.get("type") == "session"]
    if not sessions:
        continue
    t = subprocess.run([tshark, "-r", cap, "-n", "--enable-protocol", "communityid",
                        "-o", "tcp.desegment_tcp_streams:TRUE", "-o", "tcp.reassemble_out_of_order:TRUE",
                        "-T", "fields", "-E", "aggregator=|", "-e", "frame.number", "-e", "communityid",
                        "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport", "-e", "ip.dst", "-e", "ipv6.dst",
                        "-e", "tcp.dstport", "-e", "tls.handshake.type", "-e", "tls.handshake.ja3s",
                        "-e", "tls.handshake.ja3s_full", "-e", "tls.handshake.ciphersuite",
                        "-e", "tls.handshake.extension.type", "-e", "tls.handshake.extensions.supported_version",
                        "-e", "tls.handshake.extensions_alpn_str", "-e", "tls.handshake.version"],
                       capture_output=True, text=True)
    rows = {}
    hellos = {}
    for line in t.stdout.splitlines():
        f = line.split("\t")
        if len(f) < 16:
            continue
        rows[int(f[0])] = f
        types = f[8].split("|") if f[8] else []
        if "2" in types and f[9]:
            src = (f[2].split("|")[-1] or f[3].split("|")[-1], f[4].split("|")[-1])
            dst = (f[5].split("|")[-1] or f[6].split("|")[-1], f[7].split("|")[-1])
            hellos.setdefault((src, dst), []).append(f)
    for d in sessions:
        fl = d["flow"]
        what = "%s session %d" % (name, d["session"])
        ff = d["first_frame"]
        if ff in rows and rows[ff][1]:
            want = rows[ff][1].split("|")[-1]
            n_cid += 1
            n_v6 += ":" in fl["client"]["ip"]
            if d["community_id"] != want:
                fail("%s: community_id %s, tshark (frame %d) %s" % (what, d["community_id"], ff, want))
        key = ((fl["server"]["ip"], str(fl["server"]["port"])), (fl["client"]["ip"], str(fl["client"]["port"])))
        sh = hellos.get(key)
        if not sh:
            continue
        f = sh[-1]
        n_ja3s += 1
        if d["tls"]["ja3s"] != f[9] or d["tls"]["ja3s_full"] != f[10]:
            fail("%s: ja3s %s %s, tshark (frame %s) %s %s" % (what, d["tls"]["ja3s"], d["tls"]["ja3s_full"], f[0], f[9], f[10]))
        exts = [int(x) for x in f[12].split("|")] if f[12] else []
        sv = f[13].split("|")[-1] if f[13] else ""
        ver = int(sv, 16) if sv else int(f[15].split("|")[0], 16)
        alpn = f[14] if 16 in exts else ""
        want = ja4s_of(ver, int(f[11].split("|")[0], 16), exts, alpn)
        n_ja4s += 1
        if d["tls"]["ja4s"] != want:
            fail("%s: ja4s %s, from tshark's fields (frame %s) %s" % (what, d["tls"]["ja4s"], f[0], want))
print("compared: community_id %d (IPv6 %d), ja3s %d, ja4s %d" % (n_cid, n_v6, n_ja3s, n_ja4s))
if n_cid < 100 or n_v6 < 5 or n_ja3s < 100 or n_ja4s < 100:
    fail("too few sessions compared: is tshark decoding TLS?")
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

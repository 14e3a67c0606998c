#!/usr/bin/python3
"""dtls-capture-tool.py - what make-dtls-captures.sh needs besides openssl.

  stun-rtp IN OUT      put STUN (RFC 8489) before and RTP (RFC 3550) after
                       the DTLS datagrams, on the DTLS flow's own address and
                       port pair, as WebRTC / Cisco Meeting Server media do
                       (RFC 7983 tells them apart by the first byte)
  dtls13 IN OUT        a DTLS 1.3 handshake (RFC 9147) built from a real TLS
                       1.3 capture: its ClientHello and ServerHello (random,
                       key shares: real key material) reframed as DTLS 1.3
                       (legacy_version {254,253}, legacy_cookie, DTLS
                       handshake headers, supported_versions {254,252}), the
                       protected records carried in unified headers (epoch
                       2 for the handshake, 3 for application data)
  expected TSHARK PCAP what tshark reads in a capture: version, handshake
                       messages by frame, certificates (SHA-256) by side,
                       alerts (clear ones with their description)
"""
import hashlib
import struct
import subprocess
import sys

from scapy.all import IP, UDP, TCP, Ether, Raw, rdpcap, wrpcap  # noqa: E402


def udp_pkt(tmpl, src, sport, dst, dport, payload, t):
    p = Ether(src=tmpl[Ether].src, dst=tmpl[Ether].dst) / IP(src=src, dst=dst) / \
        UDP(sport=sport, dport=dport) / Raw(payload)
    p.time = t
    return p


def stun_rtp(inp, out):
    pkts = rdpcap(inp)
    first = pkts[0]
    c, s = (first[IP].src, first[UDP].sport), (first[IP].dst, first[UDP].dport)
    t0 = float(first.time)
    tid = bytes(range(1, 13))
    req = struct.pack(">HHI", 0x0001, 0, 0x2112A442) + tid
    # Binding success response with XOR-MAPPED-ADDRESS (IPv4)
    port = c[1] ^ 0x2112
    addr = bytes(a ^ b for a, b in zip(bytes(map(int, c[0].split("."))), b"\x21\x12\xa4\x42"))
    attr = struct.pack(">HHBBH", 0x0020, 8, 0, 1, port) + addr
    resp = struct.pack(">HHI", 0x0101, len(attr), 0x2112A442) + tid + attr
    pre = [udp_pkt(first, c[0], c[1], s[0], s[1], req, t0 - 0.004),
           udp_pkt(first, s[0], s[1], c[0], c[1], resp, t0 - 0.003)]
    last = pkts[-1]
    # The DTLS session closes with its alerts; media flows before that.
    # Put 4 RTP packets each way after the handshake (before the closing
    # alerts: the last two datagrams).
    body = list(pkts)
    cut = len(body) - 2 if len(body) > 4 else len(body)
    tm = float(body[cut - 1].time)
    media = []
    for i in range(4):
        for (a, b, ssrc) in ((c, s, 0x11223344), (s, c, 0x55667788)):
            rtp = struct.pack(">BBHII", 0x80, 111, 100 + i, 960 * i, ssrc) + bytes(40)
            media.append(udp_pkt(last, a[0], a[1], b[0], b[1], rtp, tm + 0.0001 * (len(media) + 1)))
    shift = 0.0001 * (len(media) + 2)
    for p in body[cut:]:
        p.time = float(p.time) + shift
    wrpcap(out, pre + body[:cut] + media + body[cut:])


def tcp_records(pkts, sport):
    """TLS records of one direction of a TCP capture, in order (the
    capture is in order and whole)."""
    data = b"".join(bytes(p[TCP].payload) for p in pkts
                    if TCP in p and p[TCP].sport == sport and len(p[TCP].payload))
    recs, i = [], 0
    while i + 5 <= len(data):
        t, v, n = data[i], struct.unpack(">H", data[i + 1:i + 3])[0], \
            struct.unpack(">H", data[i + 3:i + 5])[0]
        recs.append((t, data[i + 5:i + 5 + n]))
        i += 5 + n
    return recs


def rewrite_versions(ext_block, client):
    """supported_versions: TLS 1.3 (0x0304) becomes DTLS 1.3 (0xfefc), and
    a client's list keeps only it and DTLS 1.2."""
    out, i = b"", 0
    while i + 4 <= len(ext_block):
        t, n = struct.unpack(">HH", ext_block[i:i + 4])
        body = ext_block[i + 4:i + 4 + n]
        if t == 43:
            body = b"\x04\xfe\xfc\xfe\xfd" if client else b"\xfe\xfc"
        out += struct.pack(">HH", t, len(body)) + body
        i += 4 + n
    return out


def dtls_ch(body):
    # legacy_version, random, session_id, [cookie], suites, comp, exts
    sid_len = body[34]
    head = b"\xfe\xfd" + body[2:35 + sid_len] + b"\x00"  # empty legacy_cookie
    rest = body[35 + sid_len:]
    cs = struct.unpack(">H", rest[:2])[0]
    comp = rest[2 + cs]
    fixed = rest[:3 + cs + comp]
    exts = rest[3 + cs + comp + 2:]
    exts = rewrite_versions(exts, True)
    return head + fixed + struct.pack(">H", len(exts)) + exts


def dtls_sh(body):
    sid_len = body[34]
    head = b"\xfe\xfd" + body[2:35 + sid_len] + body[35 + sid_len:38 + sid_len]
    exts = rewrite_versions(body[38 + sid_len + 2:], False)
    return head + struct.pack(">H", len(exts)) + exts


def hs(t, body, seq):
    return struct.pack(">B", t) + len(body).to_bytes(3, "big") + struct.pack(">H", seq) + \
        (0).to_bytes(3, "big") + len(body).to_bytes(3, "big") + body


def plain(t, version, rseq, body):
    return struct.pack(">BHHHI", t, version, 0, rseq >> 32, rseq & 0xffffffff) + \
        struct.pack(">H", len(body)) + body


def unified(epoch, seq, body):
    # 0 0 1 C=0 S=1 L=1 E E
    return struct.pack(">BHH", 0x2c | (epoch & 3), seq & 0xffff, len(body)) + body


def dtls13(inp, out):
    pkts = rdpcap(inp)
    syn = next(p for p in pkts if TCP in p and p[TCP].flags & 0x02 and not p[TCP].flags & 0x10)
    cport, sport = syn[TCP].sport, syn[TCP].dport
    crec, srec = tcp_records(pkts, cport), tcp_records(pkts, sport)
    ch = next(b for t, b in crec if t == 22)
    sh = next(b for t, b in srec if t == 22)
    assert ch[0] == 1 and sh[0] == 2
    senc = [b for t, b in srec if t == 23]
    cenc = [b for t, b in crec if t == 23]
    tmpl = pkts[0]
    c, s = "127.0.0.1", "127.0.0.1"
    t0 = float(syn.time)
    seq = [0]

    def at():
        seq[0] += 1
        return t0 + 0.0002 * seq[0]
    dg = []
    dg.append(udp_pkt(tmpl, c, cport, s, 4433, plain(22, 0xfeff, 0, hs(1, dtls_ch(ch[4:]), 0)), at()))
    # server: ServerHello, then its protected flight (EncryptedExtensions,
    # Certificate, CertificateVerify, Finished) in epoch 2
    flight = plain(22, 0xfefd, 0, hs(2, dtls_sh(sh[4:]), 0))
    dg.append(udp_pkt(tmpl, s, 4433, c, cport, flight, at()))
    for i, b in enumerate(senc[:1]):
        dg.append(udp_pkt(tmpl, s, 4433, c, cport, unified(2, i, b), at()))
    # client Finished (epoch 2), then application data (epoch 3) both ways
    dg.append(udp_pkt(tmpl, c, cport, s, 4433, unified(2, 0, cenc[0]), at()))
    for i, b in enumerate(cenc[1:2]):
        dg.append(udp_pkt(tmpl, c, cport, s, 4433, unified(3, i, b), at()))
    for i, b in enumerate(senc[1:2]):
        dg.append(udp_pkt(tmpl, s, 4433, c, cport, unified(3, i, b), at()))
    wrpcap(out, dg)


def expected(tshark, pcap):
    fields = ["frame.number", "ip.src", "udp.srcport", "udp.dstport", "dtls.record.content_type",
              "dtls.handshake.type", "dtls.alert_message.level", "dtls.alert_message.desc",
              "dtls.handshake.certificate", "dtls.handshake.extensions.supported_version",
              "dtls.handshake.version"]
    cmd = [tshark, "-r", pcap, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
           "-E", "aggregator=;"]
    for f in fields:
        cmd += ["-e", f]
    rows = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.splitlines()
    client = None
    msgs, certs, alerts, version = [], [], [], ""
    for r in rows:
        v = (r.split("\t") + [""] * len(fields))[:len(fields)]
        frame, src, sp, dp, ct, ht, al, ad, cert, sv, hv = v
        if not ct:
            continue
        if client is None and ht.split(";")[0] == "1":
            client = sp
        d = "c2s" if sp == client else "s2c"
        msgs.append("frame=%s dir=%s records=%s handshake=%s" % (frame, d, ct, ht))
        if ht and "2" in ht.split(";"):
            version = sv.split(";")[-1] if sv else hv.split(";")[0]
        if cert:
            side = "client" if d == "c2s" else "server"
            for i, h in enumerate(cert.split(";")):
                der = bytes.fromhex(h.replace(":", ""))
                certs.append("side=%s index=%d sha256=%s" % (side, i, hashlib.sha256(der).hexdigest()))
        if "21" in ct.split(";"):
            if ad:
                alerts.append("frame=%s from=%s level=%s desc=%s" % (
                    frame, "client" if d == "c2s" else "server", al, ad))
            else:
                alerts.append("frame=%s from=%s encrypted" % (frame, "client" if d == "c2s" else "server"))
    print("# what tshark reads in %s (dtls-capture-tool.py expected); not from tlsdiag"
          % pcap.split("/")[-1])
    print("[capture]")
    print("client_port=%s" % (client or ""))
    print("version=%s" % version)
    print("[messages]")
    for m in msgs:
        print(m)
    print("[certificates]")
    for c in certs:
        print(c)
    print("[alerts]")
    for a in alerts:
        print(a)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "stun-rtp":
        stun_rtp(sys.argv[2], sys.argv[3])
    elif cmd == "dtls13":
        dtls13(sys.argv[2], sys.argv[3])
    elif cmd == "expected":
        expected(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: dtls-capture-tool.py stun-rtp|dtls13|expected ...")

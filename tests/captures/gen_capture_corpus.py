#!/usr/bin/python3
"""gen_capture_corpus.py - build the capture-stage test corpus.

Writes small, deterministic captures into tests/captures/capture/ that
exercise every capture format and link type tlsdiag reads, the tunnels and
IP features the decoder handles, and the TCP reassembly corner cases, plus
expected.txt with the result each one must give.

Everything is built by hand from bytes (no scapy, no clock, no randomness
beyond a fixed-seed PRNG), so re-running the script gives identical files:

    /usr/bin/python3 tests/captures/gen_capture_corpus.py [--check]

--check regenerates into memory and fails if any file on disk differs.

The TCP payloads are the two byte streams of a real TLS 1.2 handshake
(src/tls12_handshake_lo.pcap: openssl s_server/s_client on 127.0.0.1,
certificate chain src/tls12_server.pem <- src/tls12_ca.pem): the client's
362 bytes (ClientHello, ClientKeyExchange+CCS+Finished, one application
data record, close_notify) and the server's 1316 bytes (ServerHello,
Certificate, ServerKeyExchange, ServerHelloDone, NewSessionTicket+CCS+
Finished, close_notify).

Expected results.  For every flow the script states by hand what the
receiver got (bytes delivered, gaps, retransmissions, out-of-order
segments, overlaps and conflicts, snaplen cuts, how the flow started and
ended) and the exact bytes delivered (their SHA-256).  A small independent
model of a first-copy-wins receiver then replays the segments as built and
the script aborts if it disagrees with the hand-written numbers, so
expected.txt is checked twice before tshark ever sees it.

Counter conventions (tcp.h), as expected.txt uses them:
  segments   data segments (payload_segments in tcp.h: segments carrying
             payload, duplicates included; an IP-fragmented segment counts
             once, when complete); this is what --streams prints
  all_segments  every TCP segment of that direction: SYN, pure ACKs, FIN,
             RST and data (tcp_dir_stats.segments)
  bytes      payload bytes delivered in stream order, gaps not counted
  gaps N/B   holes never filled: N holes, B missing bytes (a snaplen cut
             makes the cut tail of each segment one hole)
  retrans    data segments lying wholly before the delivered edge
  ooo        data segments that arrived ahead of a hole
  overlaps N/C  data segments that partly overlap bytes already delivered
             or buffered (N), C of them with different bytes; the first
             copy is kept.  A wholly-old segment is a retransmission, not
             an overlap.
  snapcut    data segments whose payload the snaplen cut
  start      syn (the SYN was captured) or midstream; midstream, the
             client (dir 0) is the first sender seen (tcp.h), which is also
             tshark's node 0
  close      fin (both FINs seen), rst, idle (300 s without packets, capture
             time), end (still open when the file ended)
  frames     first and last frame (1-based record numbers) of the flow,
             the final ACK after both FINs included (as tshark's
             tcp.stream counts them); a fragmented segment belongs to the
             frame completing it
"""

import gzip
import hashlib
import io
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUTDIR = os.path.join(HERE, "capture")
SRC_HANDSHAKE = os.path.join(OUTDIR, "src", "tls12_handshake_lo.pcap")

# 2026-12-01 10:00:00 UTC: inside the validity of the certificates in src/.
T0_NS = 1796119200 * 1000000000
MS = 1000000

ACK, PSH, RST, SYN, FIN = 0x10, 0x08, 0x04, 0x02, 0x01

# --------------------------------------------------------------------------
# The real TLS streams


def read_tls_messages(path):
    """(dir, payload) for every data segment of the loopback handshake, in
    capture order; dir 0 is the client (the sender of the SYN)."""
    raw = open(path, "rb").read()
    magic = struct.unpack("<I", raw[:4])[0]
    assert magic == 0xA1B2C3D4, "expected a little-endian microsecond pcap"
    assert struct.unpack("<I", raw[20:24])[0] == 1  # Ethernet
    off = 24
    client = None
    msgs = []
    while off < len(raw):
        _, _, caplen, _ = struct.unpack("<IIII", raw[off:off + 16])
        frame = raw[off + 16:off + 16 + caplen]
        off += 16 + caplen
        assert frame[12:14] == b"\x08\x00"
        ip = frame[14:]
        ihl = (ip[0] & 15) * 4
        tot = struct.unpack(">H", ip[2:4])[0]
        tcp = ip[ihl:tot]
        sport = struct.unpack(">H", tcp[:2])[0]
        flags = tcp[13]
        if client is None:
            assert flags & SYN and not flags & ACK
            client = sport
        data = tcp[(tcp[12] >> 4) * 4:]
        if data:
            msgs.append((0 if sport == client else 1, bytes(data)))
    return msgs


MESSAGES = read_tls_messages(SRC_HANDSHAKE)
C = b"".join(m for d, m in MESSAGES if d == 0)   # client -> server stream
S = b"".join(m for d, m in MESSAGES if d == 1)   # server -> client stream
C_LEN, S_LEN = 362, 1316
CH_LEN = 208           # the ClientHello record
SFLIGHT_LEN = 1043     # ServerHello .. ServerHelloDone
assert (len(C), len(S)) == (C_LEN, S_LEN)
assert [len(m) for d, m in MESSAGES] == [208, 1043, 93, 242, 30, 31, 31]
assert C[0] == 0x16 and C[5] == 1 and S[0] == 0x16 and S[5] == 2


class Prng:
    """xorshift32 with a fixed seed: deterministic filler bytes."""

    def __init__(self, seed):
        self.x = seed or 1

    def byte(self):
        x = self.x
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        self.x = x
        return x & 0xFF

    def bytes(self, n):
        return bytes(self.byte() for _ in range(n))


# --------------------------------------------------------------------------
# IP / TCP / tunnel / link builders


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ip6(a):
    # enough of inet_pton for the addresses used here
    if "::" in a:
        head, tail = a.split("::")
        h = [x for x in head.split(":") if x]
        t = [x for x in tail.split(":") if x]
        parts = h + ["0"] * (8 - len(h) - len(t)) + t
    else:
        parts = a.split(":")
    assert len(parts) == 8
    return b"".join(struct.pack("!H", int(p, 16)) for p in parts)


def tcp_header(src, dst, sport, dport, seq, ack, flags, payload, window,
               bad_csum=False):
    """src/dst are packed addresses (4 or 16 bytes) for the pseudo header."""
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                      ack & 0xFFFFFFFF, 5 << 4, flags, window, 0, 0)
    seg = hdr + payload
    if len(src) == 4:
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(seg))
    else:
        pseudo = src + dst + struct.pack("!IxxxB", len(seg), 6)
    c = csum16(pseudo + seg)
    if bad_csum:
        c ^= 0x5A5A
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def ipv4_packet(src, dst, proto, payload, ident, df=True, mf=False,
                frag_off=0, ttl=64, bad_csum=False, total_len=None):
    flags = (0x4000 if df else 0) | (0x2000 if mf else 0) | (frag_off // 8)
    tl = total_len if total_len is not None else 20 + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tl, ident & 0xFFFF, flags,
                      ttl, proto, 0, src, dst)
    c = csum16(hdr)
    if bad_csum:
        c ^= 0x1234
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def ipv6_packet(src, dst, nh, payload, hlim=64, flow_label=0):
    return struct.pack("!IHBB16s16s", (6 << 28) | flow_label, len(payload),
                       nh, hlim, src, dst) + payload


# IPv6 extension headers: (protocol number of this header, bytes given the
# next header value)
def ext_hop_by_hop(nh):
    # Pad1, PadN(3): 8 bytes
    return bytes([nh, 0, 0, 1, 3, 0, 0, 0])


def ext_dest_opts(nh):
    # PadN(4) plus an unknown option whose action bits (00) say "skip"
    return bytes([nh, 1, 1, 4, 0, 0, 0, 0, 0x1E, 4, 0xDE, 0xAD, 0xBE, 0xEF,
                  1, 0])


def ext_routing_srh(nh, final_dst):
    # Segment Routing Header (type 4), one segment, Segments Left 0: the
    # IPv6 destination is already the final one.
    return bytes([nh, 2, 4, 0, 0, 0, 0, 0]) + final_dst


def eth(dst_mac, src_mac, ethertype, payload):
    return dst_mac + src_mac + struct.pack("!H", ethertype) + payload


def mac(n):
    return bytes([0x02, 0, 0, 0, 0, n])


def vlan_tag(tpid, vid, prio=0):
    return struct.pack("!HH", tpid, (prio << 13) | vid)


# --------------------------------------------------------------------------
# Capture file writers


def pcap_file(linktype, records, snaplen=262144, endian="<", nano=False):
    """records: (ts_ns, data, origlen).  data is cut to snaplen."""
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = [struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, snaplen,
                       linktype)]
    for ts, data, origlen in records:
        sec, ns = divmod(ts, 1000000000)
        frac = ns if nano else ns // 1000
        data = data[:snaplen]
        out.append(struct.pack(endian + "IIII", sec, frac, len(data),
                               origlen) + data)
    return b"".join(out)


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def ng_options(opts):
    if not opts:
        return b""
    out = b""
    for code, val in opts:
        out += struct.pack("<HH", code, len(val)) + pad4(val)
    return out + struct.pack("<HH", 0, 0)


def ng_block(btype, body):
    body = pad4(body)
    total = 12 + len(body)
    return struct.pack("<II", btype, total) + body + struct.pack("<I", total)


def ng_shb(opts=()):
    return ng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
                    + ng_options(list(opts)))


def ng_idb(linktype, snaplen=262144, opts=()):
    return ng_block(1, struct.pack("<HHI", linktype, 0, snaplen)
                    + ng_options(list(opts)))


def ng_epb(ifid, ts_units, data, origlen, opts=()):
    return ng_block(6, struct.pack("<IIIII", ifid, ts_units >> 32,
                                   ts_units & 0xFFFFFFFF, len(data), origlen)
                    + pad4(data) + ng_options(list(opts)))


def ng_nrb(entries):
    body = b""
    for addr, name in entries:
        val = addr + name.encode() + b"\0"
        body += struct.pack("<HH", 1 if len(addr) == 4 else 2,
                            len(val)) + pad4(val)
    body += struct.pack("<HH", 0, 0)
    return ng_block(4, body)


def ng_isb(ifid, ts_units, received):
    return ng_block(5, struct.pack("<III", ifid, ts_units >> 32,
                                   ts_units & 0xFFFFFFFF)
                    + ng_options([(4, struct.pack("<Q", received))]))


def gzip_bytes(data):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0,
                       compresslevel=9) as g:
        g.write(data)
    return buf.getvalue()


# --------------------------------------------------------------------------
# Flows and captures


class Pkt:
    def __init__(self, l3, ts, flow, d, seg=None, note=""):
        self.l3 = l3          # IPv4 or IPv6 packet (possibly a fragment)
        self.ts = ts
        self.flow = flow
        self.dir = d
        self.seg = seg        # (off, payload) when the segment has data and
                              # this frame completes it
        self.iface = 0
        self.note = note


class Flow:
    """One TCP connection.  Offsets are stream offsets: data offset 0 is
    sequence number ISN+1 of that direction."""

    def __init__(self, cap, fam, caddr, saddr, cport, sport, cisn, sisn,
                 window=(64240, 65160)):
        self.cap = cap
        self.fam = fam
        self.addr = [caddr, saddr]
        self.packed = [ip4(caddr) if fam == 4 else ip6(caddr),
                       ip4(saddr) if fam == 4 else ip6(saddr)]
        self.port = [cport, sport]
        self.isn = [cisn, sisn]
        self.window = window
        self.hi = [0, 0]          # highest data offset end sent per dir
        self.fin_sent = [False, False]
        self.ident = [0x1000 * (len(cap.flows) + 1), 0x8000 + 0x100 * len(cap.flows)]
        self.id = len(cap.flows) + 1
        self.iface = 0
        self.ext6 = None          # IPv6 extension headers: [(proto, fn(nh, dst))]
        cap.flows.append(self)

    def ep(self, d):
        a = self.addr[d]
        return ("%s:%d" if self.fam == 4 else "[%s]:%d") % (a, self.port[d])

    def ack_no(self, d):
        o = 1 - d
        return self.isn[o] + 1 + self.hi[o] + (1 if self.fin_sent[o] else 0)

    def l4(self, d, seq, flags, payload=b"", ack=None, bad_tcp=False):
        if ack is None:
            ack = self.ack_no(d) if flags & ACK else 0
        return tcp_header(self.packed[d], self.packed[1 - d], self.port[d],
                          self.port[1 - d], seq, ack, flags, payload,
                          self.window[d], bad_csum=bad_tcp)

    def l3(self, d, l4, bad_ip=False):
        self.ident[d] += 1
        if self.fam == 4:
            return ipv4_packet(self.packed[d], self.packed[1 - d], 6, l4,
                               self.ident[d], bad_csum=bad_ip)
        nh, body = 6, l4
        for proto, mk in reversed(self.ext6 or []):
            body = mk(nh, self.packed[1 - d]) + body
            nh = proto
        return ipv6_packet(self.packed[d], self.packed[1 - d], nh, body)

    def emit(self, d, l4, seg=None, bad_ip=False, note=""):
        p = Pkt(self.l3(d, l4, bad_ip=bad_ip), self.cap.next_ts(),
                self, d, seg, note)
        p.iface = self.iface
        self.cap.pkts.append(p)
        return p

    # -- segment kinds
    def syn(self):
        return self.emit(0, self.l4(0, self.isn[0], SYN))

    def synack(self):
        return self.emit(1, self.l4(1, self.isn[1], SYN | ACK,
                                    ack=self.isn[0] + 1))

    def handshake(self):
        self.syn()
        self.synack()
        self.ack(0)

    def ack(self, d, **kw):
        seq = self.isn[d] + 1 + self.hi[d] + (1 if self.fin_sent[d] else 0)
        return self.emit(d, self.l4(d, seq, ACK, **kw))

    def data(self, d, off, payload, flags=ACK | PSH, emit=True, bad_ip=False,
             bad_tcp=False, note=""):
        """A data segment at stream offset off.  emit=False builds the
        IP packet without adding it (for fragmenting by hand)."""
        self.hi[d] = max(self.hi[d], off + len(payload))
        l4 = self.l4(d, self.isn[d] + 1 + off, flags, payload,
                     bad_tcp=bad_tcp)
        if not emit:
            return l4
        return self.emit(d, l4, seg=(off, payload), bad_ip=bad_ip, note=note)

    def lose(self, d, off, payload):
        """The sender sent this, the capture missed it."""
        self.hi[d] = max(self.hi[d], off + len(payload))

    def fin(self, d):
        seq = self.isn[d] + 1 + self.hi[d]
        p = self.emit(d, self.l4(d, seq, FIN | ACK))
        self.fin_sent[d] = True
        return p

    def rst(self, d, ack=True):
        seq = self.isn[d] + 1 + self.hi[d] + (1 if self.fin_sent[d] else 0)
        return self.emit(d, self.l4(d, seq, RST | (ACK if ack else 0)))

    def send(self, d, off, payload, mss):
        for i in range(0, len(payload), mss):
            self.data(d, off + i, payload[i:i + mss])

    def tls_exchange(self, mss=1000, close=True):
        """The loopback TLS conversation replayed: handshake, every TLS
        message cut into mss-sized segments and acknowledged by the peer,
        then FIN, FIN, ACK."""
        self.handshake()
        off = [0, 0]
        for d, m in MESSAGES:
            self.send(d, off[d], m, mss)
            off[d] += len(m)
            self.ack(1 - d)
        if close:
            self.fin(0)
            self.fin(1)
            self.ack(0)


class Capture:
    def __init__(self, name, desc, linktype=1, kind="tcp"):
        self.name = name
        self.desc = desc
        self.linktype = linktype
        self.kind = kind          # tcp | bad
        self.flows = []
        self.pkts = []
        self.ts = T0_NS
        self.step = MS
        self.expects = {}         # flow -> dict
        self.anom = dict(bad_ip_csum=0, bad_tcp_csum=0, snaplen_cut=0,
                         malformed=0, frag_reassembled=0)
        self.snaplen = 262144
        self.format = "pcap"
        self.linkname = None
        self.records = None       # frames as written (after link wrapping)
        self.extra = []           # extra expected.txt lines

    def next_ts(self):
        t = self.ts
        self.ts += self.step
        return t

    def flow(self, *a, **kw):
        return Flow(self, *a, **kw)

    def expect(self, f, start="syn", close="fin", c2s=None, s2c=None,
               c2s_data=None, s2c_data=None, tshark="same"):
        """Hand-derived result for flow f.  c2s/s2c: dict with bytes, gaps
        (n, bytes), retrans, ooo, overlaps (n, conflicts), snapcut.
        *_data: the exact bytes the receiver got (gaps left out).
        tshark: what tshark's follow,tcp,raw gives per direction: 'same'
        (identical bytes once its "[N bytes missing in capture file]"
        lines are removed) or 'differs' (see NOTES), or a (c2s, s2c) pair."""
        self.expects[f] = dict(start=start, close=close,
                               dirs=[dict(c2s or {}), dict(s2c or {})],
                               data=[c2s_data, s2c_data], tshark=tshark)


# --------------------------------------------------------------------------
# Link-layer framing of a capture's IP packets


def ethertype_of(p):
    return 0x0800 if p.l3[0] >> 4 == 4 else 0x86DD


def macs(p):
    return mac(2 - p.dir), mac(1 + p.dir)   # dst, src


def wrap_ethernet(p):
    dst, src = macs(p)
    return eth(dst, src, ethertype_of(p), p.l3)


def wrap_vlan(p):
    dst, src = macs(p)
    return dst + src + vlan_tag(0x8100, 100, prio=3) + \
        struct.pack("!H", ethertype_of(p)) + p.l3


def wrap_qinq(p):
    dst, src = macs(p)
    return dst + src + vlan_tag(0x88A8, 200) + vlan_tag(0x8100, 100) + \
        struct.pack("!H", ethertype_of(p)) + p.l3


def wrap_sll(p):
    # packet type: 0 to us (server->client seen on the client), 4 outgoing
    ptype = 4 if p.dir == 0 else 0
    return struct.pack("!HHH8sH", ptype, 1, 6, mac(1 + p.dir) + b"\0\0",
                       ethertype_of(p)) + p.l3


def wrap_sll2(p):
    ptype = 4 if p.dir == 0 else 0
    return struct.pack("!HHIHBB8s", ethertype_of(p), 0, 3, 1, ptype, 6,
                       mac(1 + p.dir) + b"\0\0") + p.l3


def wrap_raw(p):
    return p.l3


def wrap_null(af6, endian):
    def w(p):
        af = 2 if p.l3[0] >> 4 == 4 else af6(p)
        return struct.pack(endian + "I", af) + p.l3
    return w


def wrap_loop(p):
    af = 2 if p.l3[0] >> 4 == 4 else 24
    return struct.pack("!I", af) + p.l3


TUN_A, TUN_B = ip4("192.0.2.10"), ip4("192.0.2.20")   # tunnel endpoints


def outer_gre(gre, ident):
    ipp = ipv4_packet(TUN_A, TUN_B, 47, gre, ident)
    return eth(mac(0x20), mac(0x10), 0x0800, ipp)


def wrap_gre_ipv4(p):
    ident = 0x4000 + p.index
    if p.dir == 0:
        gre = struct.pack("!HH", 0, 0x0800) + p.l3        # no options
    else:
        # checksum + key present
        body = struct.pack("!HH", 0xA000, 0x0800) + b"\0\0\0\0" + \
            struct.pack("!I", 0x00C0FFEE) + p.l3
        c = csum16(body)
        gre = body[:4] + struct.pack("!H", c) + body[6:]
    return outer_gre(gre, ident)


def wrap_gre_teb(p):
    gre = struct.pack("!HH", 0x2000, 0x6558) + struct.pack("!I", 7) + \
        wrap_ethernet(p)
    return outer_gre(gre, 0x4000 + p.index)


def wrap_erspan2(p):
    seq = p.index + 1
    gre = struct.pack("!HHI", 0x1000, 0x88BE, seq)
    # Ver=1, VLAN 0 | COS 0, En 0, T 0, session 42 | reserved 0, index 5
    hdr = struct.pack("!HHI", (1 << 12) | 0, 42, 5)
    return outer_gre(gre + hdr + wrap_ethernet(p), 0x4000 + p.index)


def wrap_erspan3(platform):
    def w(p):
        seq = p.index + 1
        gre = struct.pack("!HHI", 0x1000, 0x22EB, seq)
        ts = 0x10000000 + p.index * 1000
        # Ver=2 VLAN 0 | COS 0 BSO 0 T 0 session 77 | timestamp |
        # SGT 0, P 0, FT 0, HW ID 1, D 0, Gra 3 (IEEE 1588), O
        last = (1 << 4) | (3 << 1) | (1 if platform else 0)
        hdr = struct.pack("!HHIHH", (2 << 12) | 0, 77, ts, 0, last)
        if platform:
            # Platf ID 3 (6 bits) + 58 bits of platform info (port 9,
            # upper timestamp bits)
            hdr += struct.pack("!Q", (3 << 58) | (9 << 32) | 0x1234)
        return outer_gre(gre + hdr + wrap_ethernet(p), 0x4000 + p.index)
    return w


# --------------------------------------------------------------------------
# Independent model of the receiver (checks the hand-written numbers)


def model_direction(segs, midstream=False):
    """segs: (off, captured_bytes, wire_len) in arrival order.  Returns the
    counters and delivered bytes of a first-copy-wins receiver that turns
    holes into gaps only at the end.  Midstream, the stream starts at the
    first segment seen."""
    have = {}           # offset -> byte, or None when known but not captured
    edge = segs[0][0] if midstream and segs else 0
    start = edge
    st = dict(bytes=0, gaps=0, gap_bytes=0, retrans=0, ooo=0, overlaps=0,
              conflicts=0, snapcut=0)
    delivered = bytearray()
    for off, data, wire in segs:
        end = off + wire
        if len(data) < wire:
            st["snapcut"] += 1
        if end <= edge:
            st["retrans"] += 1
            continue
        if off > edge and any(o not in have for o in range(edge, off)):
            st["ooo"] += 1
        over = conflict = False
        for i in range(wire):
            o = off + i
            b = data[i] if i < len(data) else None
            if o in have:
                over = True
                if b is not None and have[o] is not None and have[o] != b:
                    conflict = True
            else:
                have[o] = b
        st["overlaps"] += over
        st["conflicts"] += conflict
        while edge in have:
            edge += 1
    # deliver everything, counting runs of missing bytes
    top = max(have) + 1 if have else 0
    o = start
    in_gap = False
    while o < top:
        b = have.get(o)
        if b is None:
            if not in_gap:
                st["gaps"] += 1
            st["gap_bytes"] += 1
            in_gap = True
        else:
            delivered.append(b)
            in_gap = False
        o += 1
    st["bytes"] = len(delivered)
    return st, bytes(delivered)


# --------------------------------------------------------------------------
# The corpus

CAPS = []
FILES = {}     # name -> bytes for files that are not built from a Capture


def new(name, desc, **kw):
    c = Capture(name, desc, **kw)
    CAPS.append(c)
    return c


STD = dict(start="syn", close="fin")
FULL_C = dict(bytes=C_LEN)
FULL_S = dict(bytes=S_LEN)


def std_flow(cap, fam=4, cport=51000, sport=443, cisn=0x1000, sisn=0x80000,
             caddr=None, saddr=None, mss=1000):
    if caddr is None:
        caddr, saddr = ("10.0.0.1", "10.0.0.2") if fam == 4 else \
            ("2001:db8::1", "2001:db8::2")
    f = cap.flow(fam, caddr, saddr, cport, sport, cisn, sisn)
    f.tls_exchange(mss=mss)
    cap.expect(f, c2s=FULL_C, s2c=FULL_S)
    return f


# ---- link types -----------------------------------------------------------

c = new("lt_ethernet.pcap", "Ethernet (1), one IPv4 TLS flow, 21 packets")
c.wrap = wrap_ethernet
std_flow(c)

c = new("lt_vlan_8021q.pcap", "802.1Q tag (TPID 0x8100, VID 100, PCP 3) "
        "on Ethernet")
c.wrap = wrap_vlan
std_flow(c, cport=51001)

c = new("lt_qinq.pcap", "QinQ: outer 802.1ad tag 0x88a8 VID 200, inner "
        "0x8100 VID 100")
c.wrap = wrap_qinq
std_flow(c, cport=51002)

c = new("lt_linux_sll.pcap", "Linux cooked capture v1 (113)", linktype=113)
c.wrap = wrap_sll
std_flow(c, cport=51003)

c = new("lt_linux_sll2.pcap", "Linux cooked capture v2 (276)", linktype=276)
c.wrap = wrap_sll2
std_flow(c, cport=51004)

c = new("lt_raw_ipv4_ipv6.pcap", "raw IP (101): an IPv4 flow and an IPv6 "
        "flow", linktype=101)
c.wrap = wrap_raw
std_flow(c, cport=51005)
std_flow(c, fam=6, cport=51006)

c = new("lt_ipv4.pcap", "LINKTYPE_IPV4 (228)", linktype=228)
c.wrap = wrap_raw
std_flow(c, cport=51007)

c = new("lt_ipv6.pcap", "LINKTYPE_IPV6 (229)", linktype=229)
c.wrap = wrap_raw
std_flow(c, fam=6, cport=51008)

c = new("lt_null_le.pcap", "BSD NULL (0), little-endian file, host-order AF:"
        " AF_INET 2 and AF_INET6 24, 28, 30 (one flow each)", linktype=0)
AF6_BY_PORT = {51010: 24, 51011: 28, 51012: 30}
c.wrap = wrap_null(lambda p: AF6_BY_PORT[p.flow.port[0]], "<")
std_flow(c, cport=51009)
for port in (51010, 51011, 51012):
    std_flow(c, fam=6, cport=port)

c = new("lt_null_be.pcap", "BSD NULL (0) in a big-endian file: the AF value "
        "is big-endian too (AF_INET 2, AF_INET6 30)", linktype=0)
c.wrap = wrap_null(lambda p: 30, ">")
c.endian = ">"
std_flow(c, cport=51013)
std_flow(c, fam=6, cport=51014)

c = new("lt_loop.pcap", "OpenBSD LOOP (108), network-order AF: AF_INET 2 "
        "and AF_INET6 24", linktype=108)
c.wrap = wrap_loop
std_flow(c, cport=51015)
std_flow(c, fam=6, cport=51016)

# pcapng with two interfaces of different link types; interface 1 also
# has nanosecond timestamps and its flow's packets are one second apart, so
# reading its timestamps as microseconds makes them 1000 s apart (an idle
# close would show).
c = new("pcapng_two_linktypes.pcapng", "pcapng: interface 0 Ethernet "
        "(microseconds), interface 1 Linux SLL (if_tsresol 9), one flow on "
        "each, interleaved; plus NRB and ISB blocks to skip")
c.format = "pcapng"
fa = c.flow(4, "10.0.0.1", "10.0.0.2", 51020, 443, 0x11111111, 0x22222222)
fb = c.flow(4, "10.0.1.1", "10.0.1.2", 51021, 8443, 0x33333333, 0x44444444)
fb.iface = 1
# build each flow separately, then interleave by index
fa.tls_exchange()
pa = c.pkts
c.pkts = []
fb.tls_exchange()
pb = c.pkts
c.pkts = []
for i in range(max(len(pa), len(pb))):
    for lst in (pa, pb):
        if i < len(lst):
            c.pkts.append(lst[i])
for i, p in enumerate(c.pkts):
    p.ts = T0_NS + i * 500 * MS + 123456   # 0.5 s apart
c.expect(fa, **STD, c2s=FULL_C, s2c=FULL_S)
c.expect(fb, **STD, c2s=FULL_C, s2c=FULL_S)

c = new("pcapng_nanosecond.pcapng", "pcapng, one Ethernet interface with "
        "if_tsresol 9; packets 1.000000001 s apart")
c.format = "pcapng"
c.ng_nano = True
f = std_flow(c, cport=51022)
for i, p in enumerate(c.pkts):
    p.ts = T0_NS + i * (1000 * MS + 1)

c = new("pcap_big_endian.pcap", "pcap written big-endian (magic a1b2c3d4 "
        "in network order), Ethernet")
c.wrap = wrap_ethernet
c.endian = ">"
std_flow(c, cport=51023)

c = new("pcap_nanosecond.pcap", "pcap with the nanosecond magic a1b23c4d; "
        "sub-second fields of .05/.95 s would read as 50/950 s if taken "
        "for microseconds")
c.wrap = wrap_ethernet
c.nano = True
std_flow(c, cport=51024)
for i, p in enumerate(c.pkts):
    p.ts = T0_NS + i * 1000 * MS + (50 if i % 2 == 0 else 950) * MS + 7

# ---- tunnels --------------------------------------------------------------

c = new("tun_erspan_type2.pcap", "ERSPAN type II (GRE 0x88BE, S bit, 8-byte "
        "header) around Ethernet frames")
c.wrap = wrap_erspan2
std_flow(c, cport=51030)

c = new("tun_erspan_type3.pcap", "ERSPAN type III (GRE 0x22EB, 12-byte "
        "header, O=0) around Ethernet frames")
c.wrap = wrap_erspan3(False)
std_flow(c, cport=51031)

c = new("tun_erspan_type3_platform.pcap", "ERSPAN type III with O=1: the "
        "8-byte platform-specific subheader follows the header")
c.wrap = wrap_erspan3(True)
std_flow(c, cport=51032)

c = new("tun_gre_ipv4.pcap", "GRE (proto 0x0800) carrying IPv4: c2s GRE "
        "without options, s2c with checksum and key present")
c.wrap = wrap_gre_ipv4
std_flow(c, cport=51033)

c = new("tun_gre_teb.pcap", "GRE transparent Ethernet bridging (0x6558, "
        "key present) carrying Ethernet frames")
c.wrap = wrap_gre_teb
std_flow(c, cport=51034)

# ---- IP features ----------------------------------------------------------

c = new("ip6_exthdrs.pcap", "IPv6 flow, every packet with hop-by-hop, "
        "routing (SRH, segments left 0) and destination options headers "
        "before TCP")
c.wrap = wrap_ethernet
f = c.flow(6, "2001:db8::1", "2001:db8::2", 51040, 443, 0x1000, 0x80000)
f.ext6 = [(0, lambda nh, dst: ext_hop_by_hop(nh)),
          (43, lambda nh, dst: ext_routing_srh(nh, dst)),
          (60, lambda nh, dst: ext_dest_opts(nh))]
f.tls_exchange()
c.expect(f, **STD, c2s=FULL_C, s2c=FULL_S)


def frag4(l3, sizes, order):
    """Split an IPv4 packet's payload into fragments of the given sizes
    (multiples of 8 but the last) and return them in `order`."""
    hdr, body = l3[:20], l3[20:]
    src, dst = hdr[12:16], hdr[16:20]
    ident = struct.unpack("!H", hdr[4:6])[0]
    frags = []
    off = 0
    for i, n in enumerate(sizes):
        last = i == len(sizes) - 1
        part = body[off:] if last else body[off:off + n]
        assert last or n % 8 == 0
        frags.append(ipv4_packet(src, dst, 6, part, ident, df=False,
                                 mf=not last, frag_off=off))
        off += len(part)
    assert off == len(body)
    return [frags[i] for i in order]


def add_frags(cap, f, d, off, payload, sizes, order, fragfn):
    """Emit a data segment as fragments; the frame carrying the last
    fragment to arrive completes the segment."""
    l4 = f.data(d, off, payload, emit=False)
    f.ident[d] += 1
    if f.fam == 4:
        full = ipv4_packet(f.packed[d], f.packed[1 - d], 6, l4, f.ident[d])
    else:
        full = (f.packed[d], f.packed[1 - d], l4, 0xABC00000 + f.ident[d])
    pieces = fragfn(full, sizes, order)
    for i, fr in enumerate(pieces):
        last = i == len(pieces) - 1
        p = Pkt(fr, cap.next_ts(), f, d, (off, payload) if last else None,
                "fragment")
        cap.pkts.append(p)


c = new("ip4_fragments.pcap", "IPv4-fragmented TCP segments: ClientHello "
        "in 2 fragments sent last-first, the 1000-byte server segment in 3 "
        "in order, the 242-byte one in 3 as 3,1,2")
c.wrap = wrap_ethernet
f = c.flow(4, "10.0.0.1", "10.0.0.2", 51050, 443, 0x1000, 0x80000)
f.handshake()
add_frags(c, f, 0, 0, C[:208], [120, 108], [1, 0], frag4)
f.ack(1)
add_frags(c, f, 1, 0, S[:1000], [400, 400, 220], [0, 1, 2], frag4)
f.data(1, 1000, S[1000:1043])
f.ack(0)
f.data(0, 208, C[208:301])
add_frags(c, f, 1, 1043, S[1043:1285], [96, 96, 70], [2, 0, 1], frag4)
f.ack(0)
f.data(0, 301, C[301:362])
f.fin(0)
f.data(1, 1285, S[1285:])
f.fin(1)
f.ack(0)
c.expect(f, **STD, c2s=FULL_C, s2c=FULL_S)
c.anom["frag_reassembled"] = 3


def frag6(full, sizes, order):
    src, dst, l4, ident = full
    frags = []
    off = 0
    for i, n in enumerate(sizes):
        last = i == len(sizes) - 1
        part = l4[off:] if last else l4[off:off + n]
        assert last or n % 8 == 0
        fh = struct.pack("!BBHI", 6, 0, (off // 8) << 3 | (0 if last else 1),
                         ident)
        frags.append(ipv6_packet(src, dst, 44, fh + part))
        off += len(part)
    assert off == len(l4)
    return [frags[i] for i in order]


c = new("ip6_fragments.pcap", "IPv6 fragment headers: ClientHello in 2 "
        "fragments in order, the 1000-byte server segment in 3 sent 2,3,1")
c.wrap = wrap_ethernet
f = c.flow(6, "2001:db8::1", "2001:db8::2", 51051, 443, 0x1000, 0x80000)
f.handshake()
add_frags(c, f, 0, 0, C[:208], [128, 100], [0, 1], frag6)
f.ack(1)
add_frags(c, f, 1, 0, S[:1000], [400, 400, 220], [1, 2, 0], frag6)
f.data(1, 1000, S[1000:1043])
f.ack(0)
f.data(0, 208, C[208:])
f.data(1, 1043, S[1043:])
f.fin(0)
f.fin(1)
f.ack(0)
c.expect(f, **STD, c2s=FULL_C, s2c=FULL_S)
c.anom["frag_reassembled"] = 2

c = new("bad_checksums.pcap", "wrong IPv4 header checksums (frames 4, 10) "
        "and wrong TCP checksums (frames 6, 7, 8): all must be used")
c.wrap = wrap_ethernet
f = c.flow(4, "10.0.0.1", "10.0.0.2", 51060, 443, 0x1000, 0x80000)
f.handshake()                                           # 1-3
f.data(0, 0, C[:208], bad_ip=True)                      # 4  bad IP
f.ack(1)                                                # 5
f.data(1, 0, S[:1000], bad_tcp=True)                    # 6  bad TCP
f.data(1, 1000, S[1000:1043], bad_tcp=True)             # 7  bad TCP
f.ack(0, bad_tcp=True)                                  # 8  bad TCP
f.data(0, 208, C[208:301])                              # 9
f.data(1, 1043, S[1043:1285], bad_ip=True)              # 10 bad IP
f.data(0, 301, C[301:])                                 # 11
f.data(1, 1285, S[1285:])                               # 12
f.fin(0)
f.fin(1)
f.ack(0)                                                # 15
c.expect(f, **STD, c2s=FULL_C, s2c=FULL_S)
c.anom["bad_ip_csum"] = 2
c.anom["bad_tcp_csum"] = 3

# ---- formats and damaged files --------------------------------------------

c = new("compressed.pcap.gz", "gzip-compressed Ethernet pcap (one TLS "
        "flow); read directly, the reader must gunzip")
c.wrap = wrap_ethernet
c.gzip = True
std_flow(c, cport=51070)

c = new("snaplen96.pcap", "snaplen 96: every payload past 42 bytes is cut "
        "(5 segments); the 30/31-byte ones fit")
c.wrap = wrap_ethernet
c.snaplen = 96
f = std_flow(c, cport=51071)
# Ethernet 14 + IPv4 20 + TCP 20 = 54 bytes of headers: 42 payload bytes
# fit.  c2s data segments 208, 93, 30, 31 -> 42, 42, 30, 31 delivered;
# s2c 1000, 43, 242, 31 -> 42, 42, 42, 31.  Each cut tail is one gap
# (the next segment starts a fresh run).
c.expect(f, **STD,
         c2s=dict(bytes=145, gaps=(2, 166 + 51), snapcut=2),
         s2c=dict(bytes=157, gaps=(3, 958 + 1 + 200), snapcut=3),
         c2s_data=C[:42] + C[208:250] + C[301:],
         s2c_data=S[:42] + S[1000:1042] + S[1043:1085] + S[1285:],
         tshark="same")
c.anom["snaplen_cut"] = 5

c = new("truncated.pcap", "the standard Ethernet flow cut 50 bytes into "
        "frame 10's data: 9 packets readable, then the file ends", kind="bad")
c.wrap = wrap_ethernet
f = std_flow(c, cport=51072)
c.truncate_in_frame = 10
c.truncate_into = 50
# frames 1-9: handshake, ClientHello, ACK, S[0:1000], S[1000:1043], ACK, C[208:301]
c.expect(f, start="syn", close="end", c2s=dict(bytes=301),
         s2c=dict(bytes=1043), c2s_data=C[:301], s2c_data=S[:1043])

c = new("corrupt_caplen.pcap", "record 8 claims caplen 0x7ffffff0 (> "
        "snaplen, > file): reading stops there; frames 1-7 are usable",
        kind="bad")
c.wrap = wrap_ethernet
f = std_flow(c, cport=51073)
c.corrupt_frame = 8
c.expect(f, start="syn", close="end", c2s=dict(bytes=208),
         s2c=dict(bytes=1043), c2s_data=C[:208], s2c_data=S[:1043])

c = new("unknown_linktype_user0.pcap", "link type 147 (USER0) around "
        "Ethernet frames: no flows; the error names 147", linktype=147,
        kind="bad")
c.wrap = wrap_ethernet
f = c.flow(4, "10.0.0.1", "10.0.0.2", 51074, 443, 0x1000, 0x80000)
f.handshake()
f.data(0, 0, C[:208])
c.no_flows = True

FILES["empty.pcap"] = (b"", "empty file (0 bytes): not a capture")
FILES["not_a_capture.txt"] = (
    b"This is a text file, not a packet capture.\n"
    b"tlsdiag must say so and exit with status 2.\n",
    "plain text: not a capture")

# ---- TCP reassembly -------------------------------------------------------

c = new("tcp_in_order.pcap", "in-order TLS exchange, MSS 300 (server "
        "flight in 4 segments)")
c.wrap = wrap_ethernet
std_flow(c, cport=52000, mss=300)

c = new("tcp_reversed.pcap", "after the handshake each side's data "
        "segments arrive in reverse order: client 100,100,100,62 as "
        "4,3,2,1; server 300,300,300,300,116 as 5..1")
c.wrap = wrap_ethernet
f = c.flow(4, "10.0.0.1", "10.0.0.2", 52001, 443, 0x1000, 0x80000)
f.handshake()
for off in (300, 200, 100, 0):
    f.data(0, off, C[off:off + 100])
f.ack(1)
for off in (1200, 900, 600, 300, 0):
    f.data(1, off, S[off:off + 300])
f.ack(0)
f.fin(0)
f.fin(1)
f.ack(0)
c.expect(f, **STD, c2s=dict(bytes=362, ooo=3), s2c=dict(bytes=1316, ooo=4))

c = new("tcp_retrans.pcap", "duplicated segments: c2s ClientHello sent "
        "twice, s2c segment 2 sent three times, and a repacketized "
        "retransmission of bytes 0-600 in one segment")
c.wrap = wrap_ethernet
f = c.flow(4, "10.0.0.1", "10.0.0.2", 52002, 443, 0x1000, 0x80000)
f.handshake()
f.data(0, 0, C[:208])
f.data(0, 0, C[:208])              # retransmission
f.ack(1)
f.data(1, 0, S[:300])
f.data(1, 300, S[300:600])
f.data(1, 300, S[300:600])         # retransmission
f.data(1, 600, S[600:900])
f.data(1, 300, S[300:600])         # again
f.data(1, 0, S[:600])              # repacketized: 0-600 in one segment
f.data(1, 900, S[900:])
f.ack(0)
f.data(0, 208, C[208:])
f.fin(0)
f.fin(1)
f.ack(0)
c.expect(f, **STD, c2s=dict(bytes=362, retrans=1),
         s2c=dict(bytes=1316, retrans=3))

c = new("tcp_overlap_same.pcap", "overlapping segments with identical "
        "bytes: c2s [0,120)+[80,208); s2c [0,500) [450,700) [900,1100) "
        "[700,950) [1100,1316)")
c.wrap = wrap_ethernet
f = c.flow(4, "10.0.0.1", "10.0.0.2", 52003, 443, 0x1000, 0x80000)
f.handshake()
f.data(0, 0, C[:120])
f.data(0, 80, C[80:208])           # overlaps delivered [80,120)
f.ack(1)
f.data(1, 0, S[:500])
f.data(1, 450, S[450:700])         # overlaps delivered [450,500)
f.data(1, 900, S[900:1100])        # ahead of the hole [700,900)
f.data(1, 700, S[700:950])         # fills it, overlaps buffered [900,950)
f.data(1, 1100, S[1100:])
f.ack(0)
f.data(0, 208, C[208:])
f.fin(0)
f.fin(1)
f.ack(0)
c.expect(f, **STD, c2s=dict(bytes=362, overlaps=(1, 0)),
         s2c=dict(bytes=1316, ooo=1, overlaps=(2, 0)))


def garble(b):
    return bytes(x ^ 0xFF for x in b)


c = new("tcp_overlap_conflict.pcap", "overlaps whose second copy differs: "
        "same layout as tcp_overlap_same, the overlapping bytes of the later "
        "segment inverted; first copy wins, so the streams are the real ones")
c.wrap = wrap_ethernet
f = c.flow(4, "10.0.0.1", "10.0.0.2", 52004, 443, 0x1000, 0x80000)
f.handshake()
f.data(0, 0, C[:120])
f.data(0, 80, garble(C[80:120]) + C[120:208])       # vs delivered
f.ack(1)
f.data(1, 0, S[:500])
f.data(1, 450, garble(S[450:500]) + S[500:700])     # vs delivered
f.data(1, 900, S[900:1100])
f.data(1, 700, S[700:900] + garble(S[900:950]))     # vs buffered
f.data(1, 1100, S[1100:])
f.ack(0)
f.data(0, 208, C[208:])
f.fin(0)
f.fin(1)
f.ack(0)
c.expect(f, **STD, c2s=dict(bytes=362, overlaps=(1, 1)),
         s2c=dict(bytes=1316, ooo=1, overlaps=(2, 2)),
         tshark=("same", "differs"))

c = new("tcp_gap.pcap", "lost segments: flow 1 s2c loses [300,600) and c2s "
        "[208,258), both acknowledged later (the receiver got them); flow 2 "
        "loses its first 100 bytes and the capture ends unacknowledged")
c.wrap = wrap_ethernet
f = c.flow(4, "10.0.0.1", "10.0.0.2", 52005, 443, 0x1000, 0x80000)
f.handshake()
f.data(0, 0, C[:208])
f.ack(1)
f.data(1, 0, S[:300])
f.lose(1, 300, S[300:600])
f.data(1, 600, S[600:900])
f.data(1, 900, S[900:1200])
f.data(1, 1200, S[1200:])
f.ack(0)                           # acks 1316: covers the hole
f.lose(0, 208, C[208:258])
f.data(0, 258, C[258:])
f.ack(1)                           # acks 362
f.fin(0)
f.fin(1)
f.ack(0)
c.expect(f, **STD, c2s=dict(bytes=312, gaps=(1, 50), ooo=1),
         s2c=dict(bytes=1016, gaps=(1, 300), ooo=3),
         c2s_data=C[:208] + C[258:], s2c_data=S[:300] + S[600:])
f2 = c.flow(4, "10.0.0.1", "10.0.0.2", 52006, 443, 0x2000, 0x90000)
f2.handshake()
f2.lose(0, 0, C[:100])
f2.data(0, 100, C[100:208])
c.expect(f2, start="syn", close="end", c2s=dict(bytes=108, gaps=(1, 100),
                                                ooo=1),
         s2c=dict(bytes=0), c2s_data=C[100:208], s2c_data=b"",
         tshark=("differs", "same"))

c = new("tcp_seq_wrap.pcap", "sequence numbers wrap: client ISN 0xffffff37 "
        "(wrap inside the ClientHello, retransmitted once after the wrap), "
        "server ISN 0xffffffff (data starts at seq 0), server segments 2 and "
        "3 swapped")
c.wrap = wrap_ethernet
f = c.flow(4, "10.0.0.1", "10.0.0.2", 52007, 443, 0xFFFFFF37, 0xFFFFFFFF)
f.handshake()
f.data(0, 0, C[:208])              # seq 0xffffff38 .. 0x00000008
f.ack(1)
f.data(1, 0, S[:400])
f.data(1, 800, S[800:1200])        # ahead of [400,800)
f.data(1, 400, S[400:800])
f.data(0, 0, C[:208])              # retransmission across the wrap
f.data(1, 1200, S[1200:])
f.ack(0)
f.data(0, 208, C[208:])
f.fin(0)
f.fin(1)
f.ack(0)
c.expect(f, **STD, c2s=dict(bytes=362, retrans=1),
         s2c=dict(bytes=1316, ooo=1))

c = new("tcp_midstream.pcap", "no handshake captured: flow 1 joins with a "
        "client data segment (client->server is dir 0); flow 2 joins with a "
        "server segment, so the server is the first sender seen")
c.wrap = wrap_ethernet
f = c.flow(4, "10.0.0.1", "10.0.0.2", 52008, 443, 0x1000, 0x80000)
f.hi = [208, 1043]                 # what was sent before the capture began
f.data(0, 208, C[208:301])
f.data(1, 1043, S[1043:1285])
f.data(0, 301, C[301:331])
f.data(0, 331, C[331:])
f.fin(0)
f.data(1, 1285, S[1285:])
f.fin(1)
f.ack(0)
c.expect(f, start="midstream", close="fin", c2s=dict(bytes=154),
         s2c=dict(bytes=273), c2s_data=C[208:], s2c_data=S[1043:])
# flow 2: endpoints stated from the first sender (the server) - dir 0 is
# 10.0.0.2:443 -> 10.0.0.1:52009.  Built as a flow whose "client" is the
# server.
g = c.flow(4, "10.0.0.2", "10.0.0.1", 443, 52009, 0x90000, 0x2000)
g.hi = [1043, 208]
g.data(0, 1043, S[1043:1285])      # server data first
g.data(1, 208, C[208:301])
g.data(1, 301, C[301:])
g.data(0, 1285, S[1285:])
g.ack(1)
c.expect(g, start="midstream", close="end", c2s=dict(bytes=273),
         s2c=dict(bytes=154), c2s_data=S[1043:], s2c_data=C[208:])

c = new("tcp_interleaved.pcap", "three TLS flows (two clients, two "
        "servers) with their packets interleaved one by one")
c.wrap = wrap_ethernet
fl = []
parts = []
for i, (ca, sa, port) in enumerate([("10.0.0.1", "10.0.0.2", 52010),
                                    ("10.0.0.1", "10.0.0.2", 52011),
                                    ("10.0.0.3", "10.0.0.4", 52012)]):
    f = c.flow(4, ca, sa, port, 443, 0x10000 * (i + 1), 0x700000 * (i + 1))
    f.tls_exchange(mss=500 + 100 * i)
    parts.append(c.pkts)
    c.pkts = []
    c.expect(f, **STD, c2s=FULL_C, s2c=FULL_S)
for i in range(max(len(x) for x in parts)):
    for lst in parts:
        if i < len(lst):
            c.pkts.append(lst[i])
for i, p in enumerate(c.pkts):
    p.ts = T0_NS + i * MS

c = new("tcp_closes.pcap", "how flows end: 1 idle (no packet for 400 s), "
        "2 FIN both ways, 3 RST from the server after the ClientHello, 4 SYN "
        "answered by RST (refused), 5 only the client sent FIN (half-closed "
        "at the end of the file)")
c.wrap = wrap_ethernet
f1 = c.flow(4, "10.0.0.1", "10.0.0.2", 52020, 443, 0x1000, 0x80000)
f1.handshake()
f1.data(0, 0, C[:208])
f1.ack(1)
c.ts += 400 * 1000 * MS            # 400 s of silence
f2 = c.flow(4, "10.0.0.1", "10.0.0.2", 52021, 443, 0x2000, 0x90000)
f2.tls_exchange()
f3 = c.flow(4, "10.0.0.1", "10.0.0.2", 52022, 443, 0x3000, 0xA0000)
f3.handshake()
f3.data(0, 0, C[:208])
f3.rst(1)
f4 = c.flow(4, "10.0.0.1", "10.0.0.2", 52023, 443, 0x4000, 0xB0000)
f4.syn()
f4.emit(1, f4.l4(1, 0, RST | ACK, ack=f4.isn[0] + 1))
f5 = c.flow(4, "10.0.0.1", "10.0.0.2", 52024, 443, 0x5000, 0xC0000)
f5.handshake()
f5.data(0, 0, C[:208])
f5.ack(1)
f5.data(1, 0, S[:1043])
f5.fin(0)
f5.ack(1)
c.expect(f1, start="syn", close="idle", c2s=dict(bytes=208),
         s2c=dict(bytes=0), c2s_data=C[:208], s2c_data=b"")
c.expect(f2, **STD, c2s=FULL_C, s2c=FULL_S)
c.expect(f3, start="syn", close="rst", c2s=dict(bytes=208),
         s2c=dict(bytes=0), c2s_data=C[:208], s2c_data=b"")
c.expect(f4, start="syn", close="rst", c2s=dict(bytes=0), s2c=dict(bytes=0),
         c2s_data=b"", s2c_data=b"")
c.expect(f5, start="syn", close="end", c2s=dict(bytes=208),
         s2c=dict(bytes=1043), c2s_data=C[:208], s2c_data=S[:1043])

c = new("tcp_ipv6.pcap", "the TLS exchange over IPv6 on Ethernet, MSS 500")
c.wrap = wrap_ethernet
std_flow(c, fam=6, cport=52030, mss=500)

c = new("tcp_filler_ooo.pcap", "pseudo-random (seeded) bytes, 64 segments "
        "of 97 bytes each way, ISN 0x7ffffff0 (sign boundary); c2s in order, "
        "s2c in a shuffled order (fixed seed), 3 segments sent twice right "
        "after being delivered")
c.wrap = wrap_ethernet
rng = Prng(0xC0FFEE)
a = rng.bytes(64 * 97)
b = rng.bytes(64 * 97)
order = list(range(64))
for i in range(63, 0, -1):          # Fisher-Yates with the fixed PRNG
    j = (rng.byte() << 8 | rng.byte()) % (i + 1)
    order[i], order[j] = order[j], order[i]
# Hand rules for the shuffled side: a segment is out of order when some
# lower-numbered segment has not arrived yet; the duplicates are sent for
# segments that had no hole before them (so they were delivered at once)
# and are therefore retransmissions.
arrived = set()
ooo_s2c = 0
in_order_ks = []
for k, i in enumerate(order):
    if any(j not in arrived for j in range(i)):
        ooo_s2c += 1
    else:
        in_order_ks.append(k)
    arrived.add(i)
dups = in_order_ks[1:4]
assert len(dups) == 3
f = c.flow(4, "10.0.0.5", "10.0.0.6", 52040, 8080, 0x7FFFFFF0, 0x12345678)
f.handshake()
for i in range(64):
    f.data(0, i * 97, a[i * 97:(i + 1) * 97])
f.ack(1)
for k, i in enumerate(order):
    f.data(1, i * 97, b[i * 97:(i + 1) * 97])
    if k in dups:
        f.data(1, i * 97, b[i * 97:(i + 1) * 97])     # duplicate
f.ack(0)
f.fin(0)
f.fin(1)
f.ack(0)
c.expect(f, **STD, c2s=dict(bytes=6208),
         s2c=dict(bytes=6208, ooo=ooo_s2c, retrans=3),
         c2s_data=a, s2c_data=b)


# --------------------------------------------------------------------------
# Assembly, checks, output


def build_records(cap):
    for i, p in enumerate(cap.pkts):
        p.index = i
    recs = []
    for p in cap.pkts:
        data = cap.wrap(p) if cap.format == "pcap" else (
            wrap_sll(p) if p.iface == 1 else wrap_ethernet(p))
        recs.append((p.ts, data, len(data)))
    return recs


def linkname(cap):
    names = {0: "NULL", 1: "ETHERNET", 101: "RAW", 108: "LOOP",
             113: "LINUX_SLL", 147: None, 228: "IPV4", 229: "IPV6",
             276: "LINUX_SLL2"}
    if cap.format == "pcapng" and len({p.iface for p in cap.pkts}) > 1:
        return "-"
    return names[cap.linktype]


def render(cap):
    recs = build_records(cap)
    cap.records = recs
    if cap.format == "pcapng":
        nano = getattr(cap, "ng_nano", False)
        out = ng_shb([(4, b"tlsdiag gen_capture_corpus.py")])
        ifaces = sorted({p.iface for p in cap.pkts})
        tsres = {}
        for i in ifaces:
            lt = 113 if i == 1 else 1
            opts = [(2, ("eth%d" % i).encode())]
            res9 = nano or i == 1
            if res9:
                opts.append((9, b"\x09"))
            tsres[i] = 1 if res9 else 1000
            out += ng_idb(lt, 65535, opts)
        if len(ifaces) > 1:
            out += ng_nrb([(ip4("10.0.0.2"), "server.test"),
                           (ip6("2001:db8::2"), "server6.test")])
        for p, (ts, data, ol) in zip(cap.pkts, recs):
            opts = [(1, b"first frame")] if p.index == 0 else []
            out += ng_epb(p.iface, ts // tsres[p.iface], data, ol, opts)
        if len(ifaces) > 1:
            last = cap.pkts[-1].ts
            for i in ifaces:
                out += ng_isb(i, last // tsres[i],
                              sum(1 for p in cap.pkts if p.iface == i))
        return out
    endian = getattr(cap, "endian", "<")
    nano = getattr(cap, "nano", False)
    data = pcap_file(cap.linktype, recs, snaplen=cap.snaplen, endian=endian,
                     nano=nano)
    if hasattr(cap, "truncate_in_frame"):
        off = 24
        for k, (ts, d, ol) in enumerate(recs, 1):
            if k == cap.truncate_in_frame:
                cap.cut_record_offset = off
                cap.cut_at = off + 16 + cap.truncate_into
                assert cap.truncate_into < len(d)
                data = data[:cap.cut_at]
                break
            off += 16 + len(d)
    if hasattr(cap, "corrupt_frame"):
        off = 24
        for k, (ts, d, ol) in enumerate(recs, 1):
            if k == cap.corrupt_frame:
                cap.corrupt_record_offset = off
                data = data[:off + 8] + struct.pack("<I", 0x7FFFFFF0) + \
                    data[off + 12:]
                break
            off += 16 + len(d)
    if getattr(cap, "gzip", False):
        data = gzip_bytes(data)
    return data


def seg_captured(cap, p):
    """Payload bytes of p's segment that survive the snaplen."""
    off, payload = p.seg
    link = len(cap.wrap(p)) - len(p.l3) if cap.format == "pcap" else 0
    ip_hdr = len(p.l3) - 20 - len(payload)      # 20-byte TCP header
    room = cap.snaplen - link - ip_hdr - 20
    return payload[:max(0, room)]


def last_frame(cap):
    if hasattr(cap, "truncate_in_frame"):
        return cap.truncate_in_frame - 1
    if hasattr(cap, "corrupt_frame"):
        return cap.corrupt_frame - 1
    return len(cap.pkts)


def check_and_describe(cap):
    """Model-check the hand-written expectations; return expected.txt lines."""
    lines = []
    n = last_frame(cap)
    pkts = cap.pkts[:n]
    lines.append("%s file format %s linktype %s packets %d kind %s" % (
        cap.name, cap.format, linkname(cap) or "-", n, cap.kind))
    if getattr(cap, "no_flows", False):
        lines.append("%s flows 0" % cap.name)
        return lines
    order = []
    for p in pkts:
        if p.flow not in order:
            order.append(p.flow)
    lines.append("%s flows %d" % (cap.name, len(order)))
    for fid, f in enumerate(order, 1):
        e = cap.expects[f]
        fp = [(k, p) for k, p in enumerate(cap.pkts[:n], 1) if p.flow is f]
        first, last = fp[0][0], fp[-1][0]
        lines.append("%s flow %d %s -> %s %s closed %s frames %d-%d" % (
            cap.name, fid, f.ep(0), f.ep(1), e["start"], e["close"], first,
            last))
        for d, dname in ((0, "c2s"), (1, "s2c")):
            segs = []
            nseg = ndata = 0
            for k, p in fp:
                if p.dir != d:
                    continue
                if p.note == "fragment" and p.seg is None:
                    continue
                nseg += 1
                if p.seg:
                    off, payload = p.seg
                    if not payload:
                        continue
                    ndata += 1
                    got = seg_captured(cap, p)
                    segs.append((off, got, len(payload)))
            st, delivered = model_direction(segs,
                                            e["start"] == "midstream")
            want = dict(bytes=None, gaps=(0, 0), retrans=0, ooo=0,
                        overlaps=(0, 0), snapcut=0)
            want.update(e["dirs"][d])
            data = e["data"][d]
            if data is None:
                data = (C, S)[d]
            hand = dict(bytes=want["bytes"], gaps=want["gaps"][0],
                        gap_bytes=want["gaps"][1], retrans=want["retrans"],
                        ooo=want["ooo"], overlaps=want["overlaps"][0],
                        conflicts=want["overlaps"][1],
                        snapcut=want["snapcut"])
            if hand != st or data != delivered:
                sys.exit("%s flow %d %s: hand-written %s, model %s%s" % (
                    cap.name, fid, dname, hand, st,
                    "" if data == delivered else " (bytes differ)"))
            if cap.anom["snaplen_cut"] == 0:
                assert st["snapcut"] == 0
            ts = e["tshark"]
            if not isinstance(ts, str):
                ts = ts[d]
            assert ts in ("same", "differs")
            lines.append(
                "%s flow %d %s bytes %d segments %d all_segments %d gaps "
                "%d/%d retrans %d ooo %d overlaps %d/%d snapcut %d sha256 %s "
                "tshark %s" % (
                    cap.name, fid, dname, st["bytes"], ndata, nseg, st["gaps"],
                    st["gap_bytes"], st["retrans"], st["ooo"],
                    st["overlaps"], st["conflicts"], st["snapcut"],
                    hashlib.sha256(delivered).hexdigest(), ts))
    a = cap.anom
    lines.append("%s anomalies bad_ip_csum %d bad_tcp_csum %d snaplen_cut %d "
                 "malformed %d frag_reassembled %d" % (
                     cap.name, a["bad_ip_csum"], a["bad_tcp_csum"],
                     a["snaplen_cut"], a["malformed"],
                     a["frag_reassembled"]))
    if hasattr(cap, "cut_at"):
        lines.append("%s cut record_offset %d file_size %d" % (
            cap.name, cap.cut_record_offset, cap.cut_at))
    if hasattr(cap, "corrupt_record_offset"):
        lines.append("%s corrupt record_offset %d" % (
            cap.name, cap.corrupt_record_offset))
    return lines


HEADER = """\
# expected.txt - what tlsdiag --streams must report for each capture in this
# directory.  Generated by ../gen_capture_corpus.py from the hand-written
# expectations in that script (each one cross-checked there by a small
# receiver model); do not edit by hand, edit the script.
#
# Line kinds (first word is the file name):
#   NAME file format pcap|pcapng linktype NAME|- packets N kind tcp|bad
#   NAME flows N
#   NAME flow ID CLIENT -> SERVER syn|midstream closed fin|rst|idle|end frames A-B
#   NAME flow ID c2s|s2c bytes N segments N all_segments N gaps N/BYTES
#        retrans N ooo N overlaps N/CONFLICTS snapcut N sha256 HEX
#        tshark same|differs
#   NAME anomalies bad_ip_csum N bad_tcp_csum N snaplen_cut N malformed N
#        frag_reassembled N
#   NAME cut record_offset N file_size N      (truncated file)
#   NAME corrupt record_offset N              (record with absurd caplen)
#
# CLIENT is the sender of the SYN, or the first sender seen (midstream).
# Flow IDs count flows in order of their first packet.  sha256 is of the
# bytes delivered in that direction with gaps left out (what
# --dump-streams writes).  "tshark same" means tshark -z follow,tcp,raw
# gives exactly these bytes; "differs" marks where tshark's follow and a
# first-copy-wins receiver disagree (see README.md).
# Counter definitions: see the docstring of gen_capture_corpus.py.
"""


def main():
    check = "--check" in sys.argv[1:]
    outputs = {}
    expected = [HEADER]
    readme = []
    for cap in CAPS:
        data = render(cap)
        assert len(data) < 50000, (cap.name, len(data))
        outputs[cap.name] = data
        expected.extend(l + "\n" for l in check_and_describe(cap))
        expected.append("\n")
        readme.append((cap.name, cap.desc))
    for name, (data, desc) in FILES.items():
        outputs[name] = data
        expected.append("%s file format - linktype - packets 0 kind bad\n"
                        "%s flows 0\n\n" % (name, name))
        readme.append((name, desc))
    outputs["expected.txt"] = "".join(expected).encode()
    readme.append(("expected.txt", "expected flows, counters and stream "
                   "SHA-256 of every capture (generated, checked)"))
    readme.append(("src/tls12_handshake_lo.pcap", "real TLS 1.2 handshake "
                   "(openssl s_server/s_client on 127.0.0.1, tcpdump -i lo): "
                   "source of the payload bytes"))
    readme.append(("src/tls12_ca.pem", "root CA of that handshake (CN "
                   "tlsdiag Test Root CA, P-256)"))
    readme.append(("src/tls12_server.pem", "server certificate of that "
                   "handshake (CN/SAN server.test, serial 0x1234)"))
    outputs["README.md"] = render_readme(readme).encode()

    bad = []
    for name, data in outputs.items():
        path = os.path.join(OUTDIR, name)
        if check:
            try:
                old = open(path, "rb").read()
            except OSError:
                old = None
            if old != data:
                bad.append(name)
            continue
        with open(path, "wb") as fh:
            fh.write(data)
    if check:
        if bad:
            sys.exit("differs from the generator: " + " ".join(bad))
        print("all %d files match" % len(outputs))
    else:
        print("wrote %d files to %s" % (len(outputs), OUTDIR))


def render_readme(rows):
    out = ["# Capture-stage test corpus\n",
           "Generated by `/usr/bin/python3 tests/captures/gen_capture_corpus.py`"
           " (deterministic: re-running gives identical bytes; `--check` "
           "verifies). Expected results: `expected.txt`. TCP payloads are "
           "the streams of the real TLS 1.2 handshake in `src/` (client 362 "
           "bytes, server 1316) unless stated.\n",
           "Unless stated, a capture holds one IPv4 flow 10.0.0.1:5xxxx -> "
           "10.0.0.2:443 replaying that handshake (SYN, data in 1000-byte "
           "segments, each message acknowledged, FIN/FIN/ACK: 21 packets), "
           "1 ms apart from 2026-12-01 10:00:00 UTC.\n",
           "Where tshark's follow differs from a first-copy-wins receiver "
           "(tcp_overlap_conflict.pcap s2c, tcp_gap.pcap flow 2 c2s), "
           "expected.txt says `tshark differs`; see the notes at the end.\n",
           "| file | exercises |", "|---|---|"]
    for name, desc in rows:
        out.append("| `%s` | %s |" % (name, desc))
    out.append("")
    out.append(NOTES)
    return "\n".join(out) + "\n"


NOTES = """\
Notes

- tcp_overlap_conflict.pcap, s2c: the segment [700,950) arrives after
  [900,1100) was buffered and carries different bytes for [900,950).  A
  receiver (and tlsdiag, tcp.h: "bytes already delivered or already
  buffered win") keeps the buffered copy, so the stream is the real server
  flight.  tshark 4.0's follow keeps the later segment's bytes for that
  range, so its s2c bytes differ in those 50 bytes (same count).  The test
  compares that direction with expected.txt only.
- tcp_gap.pcap, flow 2 c2s: the first 100 bytes after the SYN are lost and
  nothing ever acknowledges them; the capture ends.  tshark's follow keeps
  the 108 bytes after the hole waiting for it and prints nothing (0 bytes);
  tcp.h says that at the end of input holes become gaps and what follows
  is delivered, so tlsdiag must give 108 bytes and one 100-byte gap.
- tshark 4.0's follow,tcp,raw writes a gap as a line holding the bytes of
  "[N bytes missing in capture file]" plus a NUL (tcp_gap.pcap flow 1);
  test_streams_vs_tshark.sh removes those lines before comparing and checks
  their count and N against the gaps in expected.txt.  It writes no such
  line for bytes cut by the snaplen (snaplen96.pcap): it just gives the
  captured bytes, which are also what we deliver.
- tcp_overlap_conflict.pcap: the conflicts count includes the overlaps
  with bytes already delivered (c2s 1/1, s2c 2/2), as tcp.h defines it
  ("counted again as a conflict when the new copy's bytes differ"); a
  reassembler that no longer holds delivered bytes cannot see those.
- tcp_midstream.pcap flow 2: the first packet is the server's (port 443),
  so by tcp.h the flow is 10.0.0.2:443 -> 10.0.0.1:52009 with the server's
  bytes as c2s; tshark's node 0 is the same endpoint.
- Every "frames A-B" ends at the last packet of the connection, normally
  the client's ACK of the server's FIN, as tshark's tcp.stream has it.
"""


if __name__ == "__main__":
    main()

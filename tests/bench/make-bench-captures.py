#!/usr/bin/python3
"""make-bench-captures.py - the captures `make bench` measures, and their
ground truth.

    make-bench-captures.py [--scale full|small|tiny] [--only NAME,...] OUTDIR

Writes into OUTDIR (classic pcap, Ethernet, microsecond timestamps):

  span.pcap          span-like traffic: bulk TCP, TLS application data on
                     connections that began before the capture, DNS,
                     RTP-like UDP, and TLS 1.2 sessions (handshake,
                     application data, close) among ~2,000 concurrent TCP
                     flows; 3% of flights out of order, 2% with a segment
                     retransmitted
  span-q1.pcap       the first quarter (by time) of span.pcap, byte for byte
  handshakes.pcap    nothing but TLS 1.2 handshakes: chains of 2-4
                     certificates, mutual TLS, alerts; most certificates are
                     reused across sessions
  flows100k.pcap     100,000 TLS connections open at the same time
  dir/part-NN.pcap   smaller span-like captures (for tlsdiag -j N over a
                     directory)
  truth/NAME.json    the ground truth of each capture (below)
  manifest.json      every capture with its size and packet count

The TLS bytes are real: handshakes recorded once with openssl s_server /
s_client (templates/, made by make-templates.sh). The generator re-frames
them into its own TCP segments (MSS 1460, ACKs, out-of-order and
retransmitted segments) and gives server and client leaf certificates new
serial numbers, re-signed with the issuing CA's key (pki/), so that there
are many distinct valid certificates of the same length and the recorded
ServerKeyExchange signatures stay valid. Everything is seeded: the same
inputs give the same bytes.

Ground truth (truth/NAME.json), counted as packets are written, so a cut
capture (span-q1) gets its own: `handshakes` (ClientHellos), `sessions`
(TCP connections carrying TLS: handshakes plus connections joined
mid-stream), `mutual_tls` (client Certificate messages with at least one
certificate), `certificates.by_sha256` (how many times each certificate was
presented, per Certificate message), `alerts` (clear alerts by description;
"(encrypted)" for alerts after ChangeCipherSpec but before application data
has flowed both ways; the later ones, close_notify mostly, are counted
apart: tlsdiag stops following a connection there), plus flows, concurrency
and how many flights were reordered or had a retransmission. A message
counts once all of its bytes (and those before it) are in the capture. No
handshake straddles the quarter cut or the end of a capture.

Needs /usr/bin/python3 with python3-cryptography (RSA signatures).
"""
import argparse
import collections
import hashlib
import heapq
import json
import os
import random
import ssl
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tlsnames import ENCRYPTED, alert_name  # noqa: E402

MASK = 0xFFFFFFFF
MSS = 1460
WIN = 64240
HTTPS = 443
SEC = 1000000  # µs

###########################################################################
# Templates: real handshakes, as TLS records grouped into flights
###########################################################################


def pcap_frames(path):
    """(timestamp µs, frame) of an Ethernet pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magics = {b"\xd4\xc3\xb2\xa1": ("<", 1), b"\xa1\xb2\xc3\xd4": (">", 1),
              b"\x4d\x3c\xb2\xa1": ("<", 1000), b"\xa1\xb2\x3c\x4d": (">", 1000)}
    if data[:4] not in magics:
        sys.exit("%s: not a classic pcap file" % path)
    e, div = magics[data[:4]]
    if struct.unpack(e + "I", data[20:24])[0] != 1:
        sys.exit("%s: templates must be Ethernet (tcpdump -i lo)" % path)
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack_from(e + "IIII", data, off)
        yield sec * SEC + frac // div, data[off + 16:off + 16 + incl]
        off += 16 + incl


class Record:
    """One TLS record of a template: its bytes, the events it completes
    (offset of the event's last byte + 1 within the record, event) and the
    certificates in it (offset, length, leaf role or None)."""
    __slots__ = ("ctype", "data", "events", "slots")

    def __init__(self, ctype, data):
        self.ctype, self.data, self.events, self.slots = ctype, data, [], []


class Flight:
    __slots__ = ("dir", "records")

    def __init__(self, d, records):
        self.dir, self.records = d, records


class Template:
    """A recorded TLS connection: flights of the handshake phase (up to the
    last handshake record, ChangeCipherSpec or clear alert) and of the tail
    (application data, close_notify). dir 0 is client to server."""

    def __init__(self, name, path, pki):
        self.name = name
        streams, order = [bytearray(), bytearray()], []
        client, nxt = None, {}
        self.t0 = None
        for ts, fr in pcap_frames(path):
            if self.t0 is None:
                self.t0 = ts
            if fr[12:14] != b"\x08\x00" or fr[23] != 6:
                continue
            ihl = (fr[14] & 15) * 4
            tot = struct.unpack_from("!H", fr, 16)[0]
            t = 14 + ihl
            sport, _, seq = struct.unpack_from("!HHI", fr, t)
            flags = fr[t + 13]
            src = (bytes(fr[26:30]), sport)
            if client is None:
                if flags & 0x12 != 0x02:
                    sys.exit("%s: does not begin with a SYN" % path)
                client = src
            d = 0 if src == client else 1
            pay = fr[t + (fr[t + 12] >> 4) * 4:14 + tot]
            if flags & 0x02:
                nxt[d] = (seq + 1) & MASK
                continue
            if not pay:
                continue
            if seq != nxt.get(d):
                sys.exit("%s: segments out of order or missing (record it again)" % path)
            nxt[d] = (seq + len(pay)) & MASK
            if not order or order[-1][0] != d:
                order.append([d, len(streams[d]), 0])
            streams[d] += pay
            order[-1][2] = len(streams[d])
        recs = [self._records(d, bytes(streams[d]), pki) for d in (0, 1)]
        flights, ri = [], [0, 0]
        for d, start, end in order:
            rs = []
            while ri[d] < len(recs[d]) and recs[d][ri[d]][0] < end:
                at, r = recs[d][ri[d]]
                if at < start:
                    sys.exit("%s: a record spans two flights" % path)
                rs.append(r)
                ri[d] += 1
            flights.append(Flight(d, rs))
        last_hs = max(i for i, f in enumerate(flights)
                      if any(r.ctype in (20, 22) or (r.ctype == 21 and r.events and
                                                     r.events[0][1][0] == "alert" and
                                                     r.events[0][1][1] != ENCRYPTED)
                             for r in f.records))
        self.hs = flights[:last_hs + 1]
        self.tail = flights[last_hs + 1:]
        # The tail without application data: close_notify only.
        self.tail_alerts = [Flight(f.dir, [r for r in f.records if r.ctype == 21])
                            for f in self.tail]
        self.tail_alerts = [f for f in self.tail_alerts if f.records]
        self.roles = {s[2] for f in self.hs for r in f.records for s in r.slots if s[2]}
        self.ok = not any(ev[0] == "alert" and ev[1] != ENCRYPTED
                          for f in self.hs for r in f.records for _, ev in r.events)

    @staticmethod
    def _records(d, stream, pki):
        """[(stream offset, Record)] of one direction, with events."""
        out, pos, ccs = [], 0, False
        while pos < len(stream):
            if pos + 5 > len(stream):
                sys.exit("template: a record is cut short")
            ctype = stream[pos]
            ln = struct.unpack_from("!H", stream, pos + 3)[0]
            body = stream[pos + 5:pos + 5 + ln]
            r = Record(ctype, stream[pos:pos + 5 + ln])
            if ctype == 20:
                ccs = True
            elif ctype == 21:
                r.events.append((5 + ln, ("alert", ENCRYPTED if ccs else alert_name(body[1]))))
            elif ctype == 22 and not ccs:
                p = 0
                while p < ln:
                    ht = body[p]
                    hl = int.from_bytes(body[p + 1:p + 4], "big")
                    mend = p + 4 + hl
                    if mend > ln:
                        sys.exit("template: a handshake message spans records")
                    if ht == 1:
                        r.events.append((5 + mend, ("client_hello",)))
                    elif ht == 11:
                        side = "client" if d == 0 else "server"
                        q, n = p + 7, []
                        while q < mend:
                            cl = int.from_bytes(body[q:q + 3], "big")
                            der = bytes(body[q + 3:q + 3 + cl])
                            role = pki.role_of(der, side)
                            r.slots.append((5 + q + 3, cl, role, der))
                            n.append(len(r.slots) - 1)
                            q += 3 + cl
                        r.events.append((5 + mend, ("certificate", side, n)))
                    p = mend
            out.append((pos, r))
            pos += 5 + ln
        return out


###########################################################################
# PKI: leaf certificates with new serial numbers, re-signed by their CA
###########################################################################


def tlv(b, i):
    """(tag, content start, end) of the DER element at b[i]."""
    n = b[i + 1]
    j = i + 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(b[j:j + k], "big")
        j += k
    return b[i], j, j + n


class Pki:
    # role: (leaf certificate, issuing CA whose key re-signs it, side)
    ROLES = {"srv-b": ("b-server", "b-int", "server"), "srv-a": ("a-server", "a-int2", "server"),
             "cli-b": ("b-client", "b-int", "client"), "cli-a": ("a-client", "a-int2", "client")}

    def __init__(self, d):
        try:
            from cryptography.hazmat.primitives import hashes, serialization
            from cryptography.hazmat.primitives.asymmetric import padding
        except ImportError:
            sys.exit("make-bench-captures: needs python3-cryptography")
        self._pad, self._hash = padding.PKCS1v15(), hashes.SHA256()
        self.leaf, self.key, self.layout, self._by_der = {}, {}, {}, {}
        self._cache = {}
        for role, (leaf, ca, side) in self.ROLES.items():
            with open(os.path.join(d, leaf + ".crt")) as f:
                der = ssl.PEM_cert_to_DER_cert(f.read())
            with open(os.path.join(d, ca + ".key"), "rb") as f:
                self.key[role] = serialization.load_pem_private_key(f.read(), None)
            self.leaf[role] = der
            self._by_der[(der, side)] = role
            _, c0, _ = tlv(der, 0)
            _, tc, te = tlv(der, c0)
            _, _, ve = tlv(der, tc)                   # [0] version
            tag, sc, se = tlv(der, ve)                # serialNumber
            _, _, ae = tlv(der, te)                   # signatureAlgorithm
            btag, bc, be = tlv(der, ae)               # signatureValue
            assert tag == 2 and btag == 3 and der[bc] == 0 and be == len(der)
            self.layout[role] = (c0, sc, se, te, bc + 1)

    def role_of(self, der, side):
        return self._by_der.get((der, side))

    def variant(self, role, idx):
        """(DER, SHA-256 hex) of leaf `role` number idx (0: the original)."""
        k = (role, idx)
        v = self._cache.get(k)
        if v is None:
            der = self.leaf[role]
            if idx:
                c0, sc, se, te, so = self.layout[role]
                serial = der[sc:sc + 1] + hashlib.sha256(b"%s:%d" % (role.encode(), idx)).digest()[:se - sc - 1]
                tbs = der[c0:sc] + serial + der[se:te]
                sig = self.key[role].sign(tbs, self._pad, self._hash)
                der = der[:c0] + tbs + der[te:so] + sig
                assert len(der) == len(self.leaf[role])
            v = self._cache[k] = (der, hashlib.sha256(der).hexdigest())
        return v

    def forget(self):
        self._cache.clear()


###########################################################################
# Frames
###########################################################################

TCPH = struct.Struct("!BBHHHBBH4s4sHHIIBBHHH")
UDPH = struct.Struct("!BBHHHBBH4s4sHHHH")
REC = struct.Struct("<IIII")
ETH_TYPE = b"\x08\x00"
MAC_IN = bytes.fromhex("001b21a0c1d2")    # the client side's router
MAC_OUT = bytes.fromhex("3cfdfe0a0b0c")   # the server side's router
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def w32(a):
    return (a[0] << 8 | a[1]) + (a[2] << 8 | a[3])


def psum(b):
    """One's complement sum of b as 16-bit words, modulo 65535."""
    if not b:
        return 0
    v = int.from_bytes(b, "big")
    return (v << 8 if len(b) & 1 else v) % 65535


class Way:
    """One direction of a connection: addresses and checksum constants."""
    __slots__ = ("eth", "src", "dst", "sport", "dport", "ipc", "l4c", "ipid")

    def __init__(self, src, sport, dst, dport, inbound, proto, ipid):
        self.eth = (MAC_OUT + MAC_IN if inbound else MAC_IN + MAC_OUT) + ETH_TYPE
        self.src, self.dst, self.sport, self.dport = src, dst, sport, dport
        self.ipc = 0x4500 + 0x4000 + (64 << 8 | proto) + w32(src) + w32(dst)
        self.l4c = w32(src) + w32(dst) + proto + sport + dport
        self.ipid = ipid

    def tcp(self, seq, ack, flags, payload, ps):
        n = len(payload)
        self.ipid = ipid = (self.ipid + 1) & 0xFFFF
        return self.eth + TCPH.pack(
            0x45, 0, 40 + n, ipid, 0x4000, 64, 6,
            0xFFFF - (self.ipc + 40 + n + ipid) % 65535, self.src, self.dst,
            self.sport, self.dport, seq, ack, 0x50, flags, WIN,
            0xFFFF - (self.l4c + 20 + n + (seq >> 16) + (seq & 0xFFFF) + (ack >> 16) +
                      (ack & 0xFFFF) + (0x5000 | flags) + WIN + ps) % 65535, 0) + payload

    def udp(self, payload, ps):
        n = len(payload)
        self.ipid = ipid = (self.ipid + 1) & 0xFFFF
        ck = 0xFFFF - (self.l4c + 2 * (8 + n) + ps) % 65535
        return self.eth + UDPH.pack(
            0x45, 0, 28 + n, ipid, 0x4000, 64, 17,
            0xFFFF - (self.ipc + 28 + n + ipid) % 65535, self.src, self.dst,
            self.sport, self.dport, 8 + n, ck or 0xFFFF) + payload


def ip4(n):
    return struct.pack("!I", n)


###########################################################################
# A TCP connection seen at a tap next to the servers
###########################################################################


class Conv:
    """Segments, ACKs and timing of one TCP connection, and when each TLS
    event is complete in the capture (all bytes up to its end seen, as a
    reassembler needs them). Methods are generators of (t µs, frame,
    truth deltas or None); self.t is the connection's clock.

    Client packets are seen when they reach the server; the server answers
    `think` later; the client's answers come one RTT after what they
    answer. Receivers ACK every second segment (the client's ACKs one RTT
    late). A flight may be reordered (two adjacent segments swapped, a
    one-segment flight split in two) or get a retransmitted segment."""

    def __init__(self, cli, cport, srv, sport, rng, rtt, p_ooo, p_retx, t0=0):
        self.w = (Way(cli, cport, srv, sport, True, 6, rng.getrandbits(16)),
                  Way(srv, sport, cli, cport, False, 6, rng.getrandbits(16)))
        self.isn = [rng.getrandbits(32), rng.getrandbits(32)]
        self.off = [0, 0]       # stream bytes sent by each side
        self.rcv = [0, 0]       # contiguous stream bytes of each side in the capture
        self.fin = [0, 0]
        self.pend = ([], [])
        self.ev = ([], [])      # (end offset, delta) not yet complete, by end
        self.later = []         # deferred packets: (t, n, kind, args)
        self.nlater = 0
        self.rng, self.rtt, self.p_ooo, self.p_retx = rng, rtt, p_ooo, p_retx
        self.t = t0
        self.opened = False

    def _seq(self, d, off):
        return (self.isn[d] + 1 + off) & MASK

    def _ack(self, d):
        o = 1 - d
        return (self.isn[o] + 1 + self.rcv[o] + self.fin[o]) & MASK

    def _delta(self, extra):
        if not self.opened:
            self.opened = True
            return [{"open": 1}] + (extra or [])
        return extra

    def _seg(self, d, off, payload, flags, extra=None):
        """A data segment; reassembly bookkeeping; the deltas it completes."""
        end = off + len(payload)
        r = self.rcv[d]
        p = self.pend[d]
        if off <= r < end:
            r = end
            if p:
                p.sort()
                while p and p[0][0] <= r:
                    r = max(r, p.pop(0)[1])
        elif off > r:
            p.append((off, end))
        self.rcv[d] = r
        ev = self.ev[d]
        while ev and ev[0][0] <= r:
            extra = (extra or []) + [ev.pop(0)[1]]
        fr = self.w[d].tcp(self._seq(d, off), self._ack(d), flags, payload, psum(payload))
        return fr, self._delta(extra)

    def _defer(self, t, kind, args):
        self.nlater += 1
        heapq.heappush(self.later, (t, self.nlater, kind, args))

    def _flush(self, upto):
        lt = self.later
        while lt and lt[0][0] <= upto:
            t, _, kind, a = heapq.heappop(lt)
            if kind == "ack":
                d, ack = a
                yield t, self.w[d].tcp(self._seq(d, self.off[d]), ack, ACK, b"", 0), self._delta(None)
            else:
                d, off, payload, flags = a
                fr, dl = self._seg(d, off, payload, flags)
                yield t, fr, dl

    def settle(self):
        """Emit everything deferred; the clock moves past it."""
        if self.later:
            last = max(t for t, _, _, _ in self.later)
            yield from self._flush(last)
            self.t = max(self.t, last)

    def handshake(self):
        rng, t = self.rng, self.t
        yield t, self.w[0].tcp(self.isn[0], 0, SYN, b"", 0), self._delta(None)
        t += rng.randint(30, 120)
        yield t, self.w[1].tcp(self.isn[1], (self.isn[0] + 1) & MASK, SYN | ACK, b"", 0), None
        t += self.rtt
        yield t, self.w[0].tcp(self._seq(0, 0), self._ack(0), ACK, b"", 0), None
        self.t = t

    def expect(self, d, events):
        """Register events (offset in the next flight of d, delta)."""
        base = self.off[d]
        self.ev[d].extend((base + e, dl) for e, dl in events)

    def flight(self, d, data, gap, perturb=True, extra=None):
        rng = self.rng
        n = len(data)
        base = self.off[d]
        segs = [(o, min(o + MSS, n)) for o in range(0, n, MSS)]
        last = segs[-1][1]
        retx = None
        if perturb and n >= 2 and rng.random() < self.p_ooo:
            if len(segs) == 1:
                k = rng.randrange(1, n)
                segs = [(0, k), (k, n)]
            i = rng.randrange(len(segs) - 1)
            segs[i], segs[i + 1] = segs[i + 1], segs[i]
            extra = (extra or []) + [{"flights_out_of_order": 1}]
        if perturb and rng.random() < self.p_retx:
            j = rng.randrange(len(segs))
            retx = segs[j]
            if j + 1 < len(segs) and segs[j + 1][0] == retx[1] and \
                    segs[j + 1][1] - retx[0] <= MSS and rng.random() < 0.3:
                retx = (retx[0], segs[j + 1][1])      # repacketised: two in one
            extra = (extra or []) + [{"flights_retransmitted": 1}]
        t = self.t
        unacked = 0
        other = 1 - d
        ack_delay = self.rtt if d == 1 else rng.randint(20, 200)
        for s, e in segs:
            if self.later:
                yield from self._flush(t)
            fr, dl = self._seg(d, base + s, data[s:e], PSH | ACK if e == last else ACK, extra)
            extra = None
            yield t, fr, dl
            unacked += 1
            if unacked == 2:
                self._defer(t + ack_delay, "ack", (other, self._ack(other)))
                unacked = 0
            t += gap
        t -= gap
        if unacked:
            self._defer(t + ack_delay, "ack", (other, self._ack(other)))
        if retx:
            s, e = retx
            self._defer(t + rng.randint(200, 3000) + (self.rtt if d == 1 else 0), "seg",
                        (d, base + s, data[s:e], ACK))
        self.off[d] = base + n
        self.t = t

    def close(self, d, rst=False):
        """d closes (FIN, or RST); the other side answers FIN; last ACK."""
        yield from self.settle()
        rng = self.rng
        t = self.t + rng.randint(50, 2000)
        if rst:
            yield t, self.w[d].tcp(self._seq(d, self.off[d]), self._ack(d), RST | ACK, b"", 0), [{"close": 1}]
            return
        yield t, self.w[d].tcp(self._seq(d, self.off[d]), self._ack(d), FIN | ACK, b"", 0), None
        self.fin[d] = 1
        t += self.rtt if d == 1 else rng.randint(50, 300)
        o = 1 - d
        yield t, self.w[o].tcp(self._seq(o, self.off[o]), self._ack(o), FIN | ACK, b"", 0), None
        self.fin[o] = 1
        t += self.rtt if o == 1 else rng.randint(50, 300)
        yield t, self.w[d].tcp((self._seq(d, self.off[d]) + 1) & MASK, self._ack(d), ACK, b"", 0), [{"close": 1}]
        self.t = t


HS_END = None  # marks the end of a session's handshake phase


def app_records(pool, rng, total):
    """TLS application data records (random bytes) of `total` body bytes."""
    out = []
    while total > 0:
        n = min(total, 16408)
        o = rng.randrange(len(pool) - n)
        out.append(b"\x17\x03\x03" + struct.pack("!H", n) + pool[o:o + n])
        total -= n
    return b"".join(out)


class Session:
    """The plan of one TLS connection."""
    __slots__ = ("tmpl", "cli", "cport", "srv", "srv_v", "cli_v", "seed", "exchanges",
                 "app_tail", "idle", "close_at", "rst")


def tls_session(ctx, s):
    rng = random.Random(s.seed)
    rtt = rng.choice((300, 800, 2000, 5000, 12000, 25000, 40000, 80000)) + rng.randint(0, 300)
    c = Conv(s.cli, s.cport, s.srv, HTTPS, rng, rtt, ctx.p_ooo, ctx.p_retx)
    tm = s.tmpl
    var = {}
    for role in tm.roles:
        v = s.srv_v if role.startswith("srv") else s.cli_v
        var[role] = ctx.pki.variant(role, v)
    gap = rng.choice((12, 12, 25, 60, 120))
    app = [False, False]
    yield from c.handshake()
    for fl in tm.hs:
        data, events = assemble(fl, var, tm, app)
        c.t += rng.randint(150, 1500) if fl.dir == 1 else rtt + rng.randint(30, 600)
        c.expect(fl.dir, events)
        yield from c.flight(fl.dir, data, gap)
    yield from c.settle()
    yield HS_END
    # Application data: requests and responses spread over the lifetime.
    for idle in s.idle:
        c.t += idle
        app[0] = app[1] = True
        yield from c.flight(0, app_records(ctx.pool, rng, rng.randint(90, 900)), gap)
        c.t += rng.randint(200, 20000)
        size = min(int(rng.lognormvariate(ctx.resp_mu, 1.0)), 400000) + 1
        yield from c.flight(1, app_records(ctx.pool, rng, size), gap)
    if s.close_at is not None and s.close_at > c.t:
        c.t = s.close_at
    tail = tm.tail if s.app_tail else tm.tail_alerts
    for fl in tail:
        data, events = assemble(fl, var, tm, app)
        c.t += rng.randint(150, 1500) if fl.dir == 1 else rtt + rng.randint(30, 600)
        c.expect(fl.dir, events)
        yield from c.flight(fl.dir, data, gap, perturb=False)
    last = (tail or tm.hs)[-1].dir
    yield from c.close(last, rst=s.rst)


def assemble(fl, var, tm, app):
    """The bytes of a template flight with this session's leaves, and its
    events as (offset, truth delta). app: has each side sent application
    data yet (updated)."""
    parts, events, off = [], [], 0
    for r in fl.records:
        if r.ctype == 23:
            app[fl.dir] = True
        b = r.data
        if r.slots and var:
            bb = None
            for o, n, role, _ in r.slots:
                if role in var:
                    bb = bb or bytearray(b)
                    bb[o:o + n] = var[role][0]
            b = bytes(bb) if bb else b
        for end, ev in r.events:
            if ev[0] == "client_hello":
                dl = {"handshakes": 1, "sessions": 1, "template": tm.name}
            elif ev[0] == "alert" and ev[1] == ENCRYPTED and app[0] and app[1]:
                dl = {"encrypted_alerts_after_application_data": 1}
            elif ev[0] == "alert":
                dl = {"alert": ev[1]}
            else:
                shas = []
                for i in ev[2]:
                    o, n, role, der = r.slots[i]
                    shas.append(var[role][1] if role in var else hashlib.sha256(der).hexdigest())
                if ev[1] == "server":
                    dl = {"certs": shas, "certificate_messages_server": 1,
                          "chain_len_%d" % len(shas): 1}
                elif shas:
                    dl = {"certs": shas, "certificate_messages_client": 1, "mutual_tls": 1}
                else:
                    dl = {"certificate_messages_client": 1, "client_certificate_empty": 1}
            events.append((off + end, dl))
        parts.append(b)
        off += len(b)
    return b"".join(parts), events


def tls_midstream(ctx, seed, cli, cport, srv, nbytes, t0, t1):
    """A TLS connection that began before the capture: the server streams
    16 KiB records, the client sends a request now and then. Both
    directions start at a record boundary."""
    rng = random.Random(seed)
    c = Conv(cli, cport, srv, HTTPS, rng, rng.randint(1000, 30000), ctx.p_ooo, ctx.p_retx, t0)
    c.opened = False
    n_fl = max(1, nbytes // 65536)
    step = max(1, (t1 - t0) // n_fl)
    first = [{"sessions": 1, "sessions_midstream": 1}]
    for i in range(n_fl):
        if i % 8 == 0:
            c.t += rng.randint(100, 3000)
            yield from c.flight(0, app_records(ctx.pool, rng, rng.randint(60, 500)), 20, extra=first)
            first = None
        c.t += rng.randint(200, 2000)
        yield from c.flight(1, app_records(ctx.pool, rng, 65536 - 20), 12)
        c.t = max(c.t, t0 + (i + 1) * step)
    yield from c.close(1, rst=rng.random() < 0.2)


def tcp_bulk(ctx, seed, cli, cport, srv, sport, nbytes, t0, t1, syn):
    """A non-TLS TCP transfer: a request, then the server streams bytes."""
    rng = random.Random(seed)
    c = Conv(cli, cport, srv, sport, rng, rng.randint(1000, 30000), ctx.p_ooo, ctx.p_retx, t0)
    pool = ctx.pool
    if syn:
        yield from c.handshake()
        req = b"GET /data/%d HTTP/1.1\r\nHost: files.bench.test\r\n\r\n" % rng.randrange(10 ** 6) \
            if sport == 8080 else pool[0:rng.randint(100, 300)]
        yield from c.flight(0, req, 20)
        c.t += rng.randint(200, 2000)
    burst = 32 * MSS
    n_fl = max(1, nbytes // burst)
    step = max(1, (t1 - t0) // n_fl)
    for i in range(n_fl):
        o = rng.randrange(len(pool) - burst)
        data = pool[o:o + burst]
        if i == 0 and syn and sport == 8080:
            hdr = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n" \
                b"Content-Length: %d\r\n\r\n" % (n_fl * burst)
            data = hdr + data[len(hdr):]
        yield from c.flight(1, data, rng.choice((12, 25, 50)))
        c.t = max(c.t, t0 + (i + 1) * step)
    yield from c.close(1)


def rtp_call(ctx, seed, a, b, t0, t1):
    """Two RTP streams (20 ms PCMU frames) between a and b."""
    rng = random.Random(seed)
    pa, pb = 16384 + 2 * rng.randrange(8000), 16384 + 2 * rng.randrange(8000)
    ways = (Way(a, pa, b, pb, True, 17, rng.getrandbits(16)),
            Way(b, pb, a, pa, False, 17, rng.getrandbits(16)))
    ssrc = (rng.getrandbits(32), rng.getrandbits(32))
    seq = [rng.getrandbits(16), rng.getrandbits(16)]
    ts = [rng.getrandbits(32), rng.getrandbits(32)]
    skew = rng.randint(0, 9999)
    cache = ctx.rtp_payloads
    t = t0
    while t < t1:
        for d in (0, 1):
            k = rng.randrange(len(cache))
            payload, ps = cache[k]
            hdr = struct.pack("!BBHII", 0x80, 0, seq[d], ts[d], ssrc[d])
            seq[d] = (seq[d] + 1) & 0xFFFF
            ts[d] = (ts[d] + 160) & MASK
            yield t + (skew if d else 0), ways[d].udp(hdr + payload, (psum(hdr) + ps) % 65535), None
        t += 20000 + rng.randint(-300, 300)


def dns_name(name):
    return b"".join(bytes([len(x)]) + x.encode() for x in name.split(".")) + b"\0"


def dns_traffic(ctx, seed, clients, answers, qps, t0, t1):
    """Queries for A records and their answers, from many clients to one
    resolver."""
    rng = random.Random(seed)
    resolver = ip4(0x0A350035)  # 10.53.0.53
    t = t0
    replies, n = [], 0
    while True:
        t += int(rng.expovariate(qps / SEC)) + 1
        while replies and replies[0][0] <= t:
            yield heapq.heappop(replies)[::2] + (None,)
        if t >= t1:
            while replies:
                yield heapq.heappop(replies)[::2] + (None,)
            return
        cli = rng.choice(clients)
        name, ips = rng.choice(answers)
        port = 1024 + rng.randrange(60000)
        q = Way(cli, port, resolver, 53, True, 17, rng.getrandbits(16))
        r = Way(resolver, 53, cli, port, False, 17, rng.getrandbits(16))
        qid = rng.getrandbits(16)
        qd = dns_name(name) + b"\x00\x01\x00\x01"
        msg = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + qd
        yield t, q.udp(msg, psum(msg)), None
        ans = b"".join(b"\xc0\x0c\x00\x01\x00\x01" + struct.pack("!IH", 300, 4) + ip for ip in ips)
        msg = struct.pack("!HHHHHH", qid, 0x8180, 1, len(ips), 0, 0) + qd + ans
        n += 1
        heapq.heappush(replies, (t + rng.randint(300, 30000), n, r.udp(msg, psum(msg)), None))


###########################################################################
# Writing: one merge of every flow by time, into one or more files
###########################################################################


class Truth:
    def __init__(self):
        self.c = collections.Counter()
        self.certs = collections.Counter()
        self.alerts = collections.Counter()
        self.templates = collections.Counter()
        self.active = self.max_active = 0

    def apply(self, deltas):
        for dl in deltas:
            for k, v in dl.items():
                if k == "certs":
                    self.certs.update(v)
                elif k == "alert":
                    self.alerts[v] += 1
                elif k == "template":
                    self.templates[v] += 1
                elif k == "open":
                    self.active += 1
                    self.c["tcp_flows"] += 1
                    if self.active > self.max_active:
                        self.max_active = self.active
                elif k == "close":
                    self.active -= 1
                else:
                    self.c[k] += v


class Out:
    def __init__(self, path, name, cut, base):
        self.path, self.name, self.cut, self.base = path, name, cut, base
        self.f = open(path + ".tmp", "wb", buffering=1 << 20)
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        self.bytes, self.packets, self.first, self.last = 24, 0, None, None
        self.truth = Truth()

    def close(self):
        self.f.close()
        os.replace(self.path + ".tmp", self.path)


def write(outs, launches):
    """launches: [(start µs, factory, args)]. Every flow is a generator of
    (t, frame, deltas) in time order; flows start when the merge reaches
    their start time."""
    launches.sort(key=lambda x: x[0])
    heap, li, n = [], 0, 0
    end = max(o.cut for o in outs)
    rec = REC.pack
    lastt = -1
    while True:
        top = heap[0][0] if heap else 1 << 62
        while li < len(launches) and launches[li][0] <= top:
            _, fn, args = launches[li]
            launches[li] = None
            li += 1
            g = fn(*args)
            for item in g:
                if item is not HS_END:
                    heapq.heappush(heap, (item[0], n, item[1], item[2], g))
                    n += 1
                    break
            top = heap[0][0] if heap else 1 << 62
        if not heap:
            break
        t, _, fr, dl, g = heap[0]
        if t >= end:
            break
        assert t >= lastt, "time went backwards"
        lastt = t
        ln = len(fr)
        for o in outs:
            if t < o.cut:
                ts = o.base + t
                o.f.write(rec(ts // SEC, ts % SEC, ln, ln))
                o.f.write(fr)
                o.bytes += 16 + ln
                o.packets += 1
                if o.first is None:
                    o.first = t
                o.last = t
                if dl:
                    o.truth.apply(dl)
        for item in g:
            if item is not HS_END:
                heapq.heapreplace(heap, (item[0], n, item[1], item[2], g))
                n += 1
                break
        else:
            heapq.heappop(heap)
    for o in outs:
        o.close()


def guarded(gen, start, cuts):
    """Start a TLS session at `start`, or later if its handshake phase would
    straddle one of `cuts` (so that each cut keeps whole handshakes)."""
    head = []
    for item in gen:
        if item is HS_END:
            break
        head.append(item)
    hs_end = head[-1][0]
    for c in cuts:
        if start < c <= start + hs_end:
            start = c + 1000
    for t, fr, dl in head:
        yield start + t, fr, dl
    for t, fr, dl in gen:
        yield start + t, fr, dl


def launch_session(ctx, s, start, cuts):
    return guarded(tls_session(ctx, s), start, cuts)


###########################################################################
# The captures
###########################################################################

PROFILES = [  # server profile, weight, [(template, weight)]
    ("b2", 0.35, [("b2-ok", 0.88), ("b2-unknown-ca", 0.04), ("b2-bad-certificate", 0.04),
                  ("b2-handshake-failure", 0.04)]),
    ("b3", 0.15, [("b3-ok", 0.93), ("b3-unknown-ca", 0.07)]),
    ("a4", 0.12, [("a4-ok", 0.94), ("a4-bad-certificate", 0.06)]),
    ("e3", 0.12, [("e3-ok", 1.0)]),
    ("mb2", 0.10, [("mb2-ok", 0.85), ("mb-unknown-ca", 0.05), ("mb-unsupported-certificate", 0.05),
                   ("mb-no-certificate", 0.05)]),
    ("mb3", 0.05, [("mb3-ok", 1.0)]),
    ("ma4", 0.05, [("ma4-ok", 1.0)]),
    ("ob", 0.06, [("ob-empty-ok", 1.0)]),
]
DNS_NAME = {"b2": "www.bench.test", "b3": "shop.bench.test", "a4": "api.bench.test",
            "e3": "edge.bench.test", "mb2": "www.bench.test", "mb3": "shop.bench.test",
            "ma4": "api.bench.test", "ob": "www.bench.test"}


class Ctx:
    def __init__(self, pki, templates, seed, p_ooo=0.03, p_retx=0.02):
        self.pki, self.templates = pki, templates
        self.p_ooo, self.p_retx = p_ooo, p_retx
        r = random.Random("pool:%d" % seed)
        self.pool = r.randbytes(4 << 20)
        self.rtp_payloads = []
        for _ in range(256):
            o = r.randrange(len(self.pool) - 160)
            p = self.pool[o:o + 160]
            self.rtp_payloads.append((p, psum(p)))
        self.resp_mu = 8.0


class Population:
    """Servers (address, profile, leaf variant) and clients of a capture."""

    def __init__(self, ctx, rng, n_servers, n_clients, net, variant_base, ok_only=False):
        self.ctx, self.rng = ctx, rng
        names, weights = zip(*[(p[0], p[1]) for p in PROFILES])
        self.servers = []
        for i in range(n_servers):
            prof = rng.choices(names, weights)[0]
            self.servers.append((ip4(0xC6120000 | (net << 12) | (i + 1)), prof, variant_base + i + 1))
        # Popularity: a few servers get most connections (Zipf-like).
        w, acc = [1.0 / (i + 1) ** 0.9 for i in range(n_servers)], 0.0
        self.cum = []
        for x in w:
            acc += x
            self.cum.append(acc)
        self.clients = [ip4(0x0A000000 | (net << 16) | h) for h in rng.sample(range(1, 1 << 16), n_clients)]
        self.ports = {}
        self.mix = {p[0]: ([t for t, _ in p[2] if not ok_only or t.endswith("ok")],
                           [w for t, w in p[2] if not ok_only or t.endswith("ok")]) for p in PROFILES}
        self.variant_base = variant_base
        self.n_cli_ids = max(1, n_clients // 8)

    def session(self, server=None):
        rng, ctx = self.rng, self.ctx
        srv, prof, sv = server or rng.choices(self.servers, cum_weights=self.cum)[0]
        tn, tw = self.mix[prof]
        s = Session()
        s.tmpl = ctx.templates[rng.choices(tn, tw)[0]]
        ci = rng.randrange(len(self.clients))
        s.cli = self.clients[ci]
        s.cport = self.ports.get(ci, 32768 + rng.randrange(8192))
        self.ports[ci] = s.cport + 1 + rng.randrange(3)
        if self.ports[ci] > 65000:
            self.ports[ci] = 32768
        s.srv, s.srv_v = srv, sv
        s.cli_v = self.variant_base + 1 + ci % self.n_cli_ids
        s.seed = rng.getrandbits(64)
        s.idle, s.app_tail, s.close_at = [], True, None
        s.rst = not s.tmpl.ok and rng.random() < 0.2
        return s


def capture_base(templates):
    """Midnight (UTC) two days after the templates were recorded: inside
    every certificate's validity."""
    t0 = max(t.t0 for t in templates.values()) // SEC
    return (t0 // 86400 + 2) * 86400 * SEC


def span_launches(ctx, seed, P, cuts):
    """Launches of a span-like capture of P (parameters)."""
    rng = random.Random(seed)
    D = P["seconds"] * SEC
    pop = Population(ctx, rng, P["servers"], P["clients"], P["net"], P["net"] * 100000)
    L = []
    mean_life = P["tls_concurrency"] * D / max(1, P["handshakes"])
    for _ in range(P["handshakes"]):
        s = pop.session()
        start = rng.randrange(0, max(1, D - 3 * SEC))
        if s.tmpl.ok:
            life = min(int(rng.expovariate(1.0 / mean_life)), 6 * int(mean_life))
            k = 1 + life // (6 * SEC)
            s.idle = [rng.randint(life // (2 * k), 3 * life // (2 * k)) for _ in range(k)]
        L.append((start, launch_session, (ctx, s, start, cuts)))
    # TLS application data on connections older than the capture.
    for i in range(P["tls_midstream"]):
        cli, srv = rng.choice(pop.clients), rng.choice(pop.servers)[0]
        t0 = 0 if i % 3 else rng.randrange(D // 2)
        t1 = min(D, t0 + D // (1 + i % 4)) if i % 2 else D + SEC
        L.append((t0, tls_midstream, (ctx, rng.getrandbits(64), cli, 20000 + i, srv,
                                      P["tls_midstream_bytes"], t0, t1)))
    for i in range(P["bulk"]):
        cli = rng.choice(pop.clients)
        srv = ip4(0xC6130000 | (P["net"] << 12) | (i + 1))
        syn = i % 2 == 0
        port = (445, 8080 if syn else 9100, 873, 3260, 2049)[i % 5]
        t0 = rng.randrange(D // 2) if syn else 0
        t1 = min(D + SEC, t0 + rng.randrange(D // 4, D))
        L.append((t0, tcp_bulk, (ctx, rng.getrandbits(64), cli, 30000 + i, srv, port,
                                 P["bulk_bytes"], t0, t1, syn)))
    for i in range(P["rtp_calls"]):
        a, b = rng.choice(pop.clients), ip4(0xC6138000 | rng.randrange(1, 4096))
        t0 = rng.randrange(D)
        dur = rng.randrange(20 * SEC, 240 * SEC)
        t0 = max(0, t0 - dur // 2)
        L.append((t0, rtp_call, (ctx, rng.getrandbits(64), a, b, t0, min(D, t0 + dur))))
    answers = [(DNS_NAME[p], [srv]) for srv, p, _ in pop.servers[:200]]
    answers += [("cdn%d.example.net" % i, [ip4(0xCB007100 | i), ip4(0xCB007180 | i)]) for i in range(100)]
    L.append((0, dns_traffic, (ctx, rng.getrandbits(64), pop.clients, answers, P["dns_qps"], 0, D)))
    return L


SCALES = {
    # span: seconds, TLS sessions and servers/clients; TLS concurrency; the
    # rest of the bytes are mid-stream TLS, bulk TCP, RTP calls and DNS.
    "full": {
        "span": dict(seconds=120, handshakes=24000, servers=2000, clients=8000, tls_concurrency=1850,
                     tls_midstream=40, tls_midstream_bytes=4 << 20, bulk=60, bulk_bytes=4200000,
                     rtp_calls=40, dns_qps=150, net=1),
        "handshakes": dict(seconds=60, target=200 << 20, servers=500, unique=0.10, clients=2000, net=2),
        "flows": dict(n=100000, servers=1000, clients=2000, net=3),
        "dir": dict(parts=16, seconds=16, handshakes=375, servers=100, clients=400, tls_concurrency=40,
                    tls_midstream=2, tls_midstream_bytes=2 << 20, bulk=2, bulk_bytes=3 << 20,
                    rtp_calls=2, dns_qps=30),
    },
    "small": {
        "span": dict(seconds=30, handshakes=750, servers=150, clients=600, tls_concurrency=80,
                     tls_midstream=4, tls_midstream_bytes=1 << 20, bulk=4, bulk_bytes=2 << 20,
                     rtp_calls=3, dns_qps=40, net=1),
        "handshakes": dict(seconds=20, target=8 << 20, servers=60, unique=0.10, clients=300, net=2),
        "flows": dict(n=5000, servers=200, clients=400, net=3),
        "dir": dict(parts=4, seconds=8, handshakes=100, servers=30, clients=100, tls_concurrency=10,
                    tls_midstream=1, tls_midstream_bytes=1 << 20, bulk=1, bulk_bytes=1 << 20,
                    rtp_calls=1, dns_qps=10),
    },
    "tiny": {  # make check: seconds of work, every case present
        "span": dict(seconds=8, handshakes=160, servers=40, clients=60, tls_concurrency=20,
                     tls_midstream=2, tls_midstream_bytes=200000, bulk=2, bulk_bytes=300000,
                     rtp_calls=1, dns_qps=20, net=1),
        "handshakes": dict(seconds=6, target=1 << 20, servers=12, unique=0.2, clients=30, net=2),
        "flows": dict(n=400, servers=20, clients=40, net=3),
        "dir": dict(parts=2, seconds=4, handshakes=30, servers=8, clients=20, tls_concurrency=4,
                    tls_midstream=1, tls_midstream_bytes=100000, bulk=1, bulk_bytes=100000,
                    rtp_calls=1, dns_qps=5),
    },
}


def session_bytes(ctx, pop, n, app_tail):
    """Average bytes in the capture of a handshake-only session (a dry run
    with its own random numbers)."""
    total = 0
    saved, ports = pop.rng, dict(pop.ports)
    pop.rng = random.Random(7)
    for _ in range(n):
        s = pop.session()
        s.app_tail = app_tail
        total += sum(16 + len(it[1]) for it in tls_session(ctx, s) if it is not HS_END)
    pop.rng, pop.ports = saved, ports
    return total / n


def handshakes_launches(ctx, seed, P):
    rng = random.Random(seed)
    D = P["seconds"] * SEC
    pop = Population(ctx, rng, P["servers"], P["clients"], P["net"], P["net"] * 100000)
    n = int(P["target"] / session_bytes(ctx, pop, 300, False))
    L = []
    for i in range(n):
        server = None
        if rng.random() < P["unique"]:   # a server seen once: its own leaf
            _, prof, _ = rng.choice(pop.servers)
            server = (ip4(0xC613C000 + i), prof, P["net"] * 100000 + 50000 + i)
        s = pop.session(server)
        s.app_tail = False
        start = rng.randrange(0, max(1, D - 3 * SEC))
        if s.tmpl.ok:
            s.close_at = rng.randrange(0, 2 * SEC)
        L.append((start, launch_session, (ctx, s, start, [D])))
    return L


def flows_launches(ctx, seed, P):
    """P['n'] TLS connections: every handshake in the first half, then all
    stay open until they close, in the same order, in the second half."""
    rng = random.Random(seed)
    n = P["n"]
    pop = Population(ctx, rng, P["servers"], P["clients"] * max(1, n // 20000), P["net"],
                     P["net"] * 100000, ok_only=True)
    half = max(10 * SEC, n * 300)            # 300 µs between SYNs
    L = []
    for i in range(n):
        s = pop.session()
        s.app_tail = False
        start = i * half // n
        s.close_at = half + 2 * SEC
        L.append((start, launch_session, (ctx, s, start, [])))
    return L, 2 * half + 10 * SEC


def write_truth(path, o, extra):
    tr = o.truth
    c = tr.c
    doc = {
        "capture": o.name,
        "generator": "tests/bench/make-bench-captures.py",
        "bytes": o.bytes,
        "packets": o.packets,
        "seconds": round(((o.last or 0) - (o.first or 0)) / SEC, 6),
        "handshakes": c["handshakes"],
        "sessions": c["sessions"],
        "sessions_midstream": c["sessions_midstream"],
        "mutual_tls": c["mutual_tls"],
        "client_certificate_empty": c["client_certificate_empty"],
        "certificate_messages": {"server": c["certificate_messages_server"],
                                 "client": c["certificate_messages_client"]},
        "server_chain_lengths": {k[10:]: v for k, v in sorted(c.items()) if k.startswith("chain_len_")},
        "certificates": {"unique": len(tr.certs), "presented": sum(tr.certs.values()),
                         "by_sha256": dict(sorted(tr.certs.items()))},
        "alerts": dict(sorted(tr.alerts.items())),
        "encrypted_alerts_after_application_data": c["encrypted_alerts_after_application_data"],
        "tcp_flows": c["tcp_flows"],
        "max_concurrent_tcp_flows": tr.max_active,
        "flights_out_of_order": c["flights_out_of_order"],
        "flights_retransmitted": c["flights_retransmitted"],
        "templates": dict(sorted(tr.templates.items())),
    }
    doc.update(extra)
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    return doc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--scale", choices=sorted(SCALES), default="full")
    ap.add_argument("--only", default="span,handshakes,flows,dir",
                    help="comma-separated subset of span,handshakes,flows,dir")
    a = ap.parse_args()
    only = set(a.only.split(","))
    S = SCALES[a.scale]
    pki = Pki(os.path.join(HERE, "pki"))
    tdir = os.path.join(HERE, "templates")
    templates = {f[:-5]: Template(f[:-5], os.path.join(tdir, f), pki)
                 for f in sorted(os.listdir(tdir)) if f.endswith(".pcap")}
    need = {t for p in PROFILES for t, _ in p[2]}
    if need - set(templates):
        sys.exit("missing templates: %s" % " ".join(sorted(need - set(templates))))
    base = capture_base(templates)
    os.makedirs(os.path.join(a.outdir, "truth"), exist_ok=True)
    manifest = {"scale": a.scale, "captures": {}}
    mpath = os.path.join(a.outdir, "manifest.json")
    if os.path.exists(mpath):
        with open(mpath) as f:
            old = json.load(f)
        if old.get("scale") == a.scale:
            manifest = old

    def done(o, extra=None):
        doc = write_truth(os.path.join(a.outdir, "truth", o.name.replace("/", "_") + ".json"), o, extra or {})
        manifest["captures"][o.name] = {"bytes": o.bytes, "packets": o.packets,
                                        "handshakes": doc["handshakes"]}
        print("%-18s %8.1f MiB %9d packets %7d handshakes %6d max concurrent TCP flows" %
              (o.name, o.bytes / 1048576, o.packets, doc["handshakes"], doc["max_concurrent_tcp_flows"]),
              file=sys.stderr)

    if "span" in only:
        P = S["span"]
        D = P["seconds"] * SEC
        ctx = Ctx(pki, templates, 1)
        full = Out(os.path.join(a.outdir, "span.pcap"), "span.pcap", D, base)
        q1 = Out(os.path.join(a.outdir, "span-q1.pcap"), "span-q1.pcap", D // 4, base)
        write([full, q1], span_launches(ctx, 1, P, [D // 4, D]))
        done(full)
        done(q1, {"first_quarter_of": "span.pcap"})
        pki.forget()
    if "handshakes" in only:
        P = S["handshakes"]
        ctx = Ctx(pki, templates, 2)
        o = Out(os.path.join(a.outdir, "handshakes.pcap"), "handshakes.pcap", P["seconds"] * SEC, base)
        write([o], handshakes_launches(ctx, 2, P))
        done(o)
        pki.forget()
    if "flows" in only:
        P = S["flows"]
        ctx = Ctx(pki, templates, 3)
        L, D = flows_launches(ctx, 3, P)
        o = Out(os.path.join(a.outdir, "flows100k.pcap"), "flows100k.pcap", D, base)
        write([o], L)
        done(o)
        pki.forget()
    if "dir" in only:
        P = dict(S["dir"])
        os.makedirs(os.path.join(a.outdir, "dir"), exist_ok=True)
        for i in range(P["parts"]):
            P["net"] = 8 + i
            D = P["seconds"] * SEC
            ctx = Ctx(pki, templates, 100 + i)
            name = "dir/part-%02d.pcap" % (i + 1)
            o = Out(os.path.join(a.outdir, name), name, D, base + i * 3600 * SEC)
            write([o], span_launches(ctx, 100 + i, P, [D]))
            done(o)
        pki.forget()
    with open(mpath, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

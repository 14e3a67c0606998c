#!/usr/bin/python3
"""Write the seed corpora for tests/fuzz/fuzz_{decode,tcp,source}.c.

    /usr/bin/python3 tests/fuzz/make-seeds.py

Deterministic: frames and file prefixes come from the committed capture
corpus (tests/captures/capture/*.pcap*), the rest is built here by hand.
Seeds are named seed-*; inputs the fuzzer found are kept as crash-* etc.
and are never rewritten by this script.
"""
import gzip
import os
import struct

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CAP = os.path.join(TOP, "tests", "captures", "capture")
OUT = os.path.join(TOP, "tests", "fuzz", "corpus")

# fuzz_decode.c's LINKTYPES index for each link type number.
LT_INDEX = {1: 0, 101: 1, 0: 2, 108: 3, 113: 4, 276: 5, 228: 6, 229: 7, 12: 8, 14: 9, 147: 14}


def write(target, name, data):
    path = os.path.join(OUT, target, "seed-" + name)
    with open(path, "wb") as f:
        f.write(data)


def pcap_frames(name):
    """(linktype, [frame bytes]) of a pcap file (either byte order)."""
    b = open(os.path.join(CAP, name), "rb").read()
    big = b[:4] in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d")
    fmt = ">I" if big else "<I"
    lt = struct.unpack(fmt, b[20:24])[0] & 0xFFFF
    off, frames = 24, []
    while off + 16 <= len(b):
        incl = struct.unpack(fmt, b[off + 8:off + 12])[0]
        frames.append(b[off + 16:off + 16 + incl])
        off += 16 + incl
    return lt, frames


def pcap_prefix(name, npackets):
    """The file header and the first npackets records, bytes as they are."""
    b = open(os.path.join(CAP, name), "rb").read()
    big = b[:4] in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d")
    fmt = ">I" if big else "<I"
    off = 24
    for _ in range(npackets):
        if off + 16 > len(b):
            break
        incl = struct.unpack(fmt, b[off + 8:off + 12])[0]
        off += 16 + incl
    return b[:off]


def pcapng_prefix(name, nblocks):
    b = open(os.path.join(CAP, name), "rb").read()
    bom = b[8:12]
    fmt = ">I" if bom == b"\x1a\x2b\x3c\x4d" else "<I"
    off = 0
    for _ in range(nblocks):
        if off + 8 > len(b):
            break
        off += struct.unpack(fmt, b[off + 4:off + 8])[0]
    return b[:off]


def decode_seeds():
    picks = [("lt_ethernet.pcap", [0, 3]), ("lt_vlan_8021q.pcap", [3]), ("lt_qinq.pcap", [3]),
             ("lt_linux_sll.pcap", [3]), ("lt_linux_sll2.pcap", [3]), ("lt_null_le.pcap", [3]),
             ("lt_null_be.pcap", [3]), ("lt_loop.pcap", [3]), ("lt_ipv4.pcap", [3]),
             ("lt_ipv6.pcap", [3]), ("lt_raw_ipv4_ipv6.pcap", [3, 4]),
             ("ip6_exthdrs.pcap", [3]), ("tun_gre_ipv4.pcap", [3]), ("tun_gre_teb.pcap", [3]),
             ("tun_erspan_type2.pcap", [3]), ("tun_erspan_type3.pcap", [3]),
             ("tun_erspan_type3_platform.pcap", [3]), ("bad_checksums.pcap", [3])]
    for name, idx in picks:
        lt, frames = pcap_frames(name)
        for i in idx:
            if i < len(frames):
                write("decode", "%s-%d" % (name.split(".")[0], i + 1),
                      bytes([LT_INDEX[lt]]) + frames[i])
    # Fragments: a sequence of frames through one decoder (mode bit 0x80).
    for name in ("ip4_fragments.pcap", "ip6_fragments.pcap"):
        lt, frames = pcap_frames(name)
        seq = bytes([0x80 | LT_INDEX[lt]])
        for fr in frames[3:9]:
            seq += struct.pack(">H", len(fr)) + fr
        write("decode", name.split(".")[0] + "-seq", seq)
    # A DNS response over UDP/IPv4 (raw IP): example.com A + AAAA, compressed.
    q = b"\x07example\x03com\x00" + struct.pack(">HH", 1, 1)
    an = struct.pack(">HHHIH", 0xC00C, 1, 1, 60, 4) + bytes([93, 184, 216, 34])
    an += struct.pack(">HHHIH", 0xC00C, 28, 1, 60, 16) + bytes(range(16))
    dns = struct.pack(">HHHHHH", 0x1234, 0x8180, 1, 2, 0, 0) + q + an
    udp = struct.pack(">HHHH", 53, 40000, 8 + len(dns), 0) + dns
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     bytes([192, 0, 2, 53]), bytes([192, 0, 2, 1])) + udp
    write("decode", "dns-a-aaaa", bytes([LT_INDEX[101]]) + ip)
    # ... and with a compression loop in the answer name.
    loop = dns[:12 + len(q)] + struct.pack(">HHHIH", 0xC000 | (12 + len(q)), 1, 1, 60, 4) + b"\1\2\3\4"
    udp = struct.pack(">HHHH", 53, 40000, 8 + len(loop), 0) + loop
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     bytes([192, 0, 2, 53]), bytes([192, 0, 2, 1])) + udp
    write("decode", "dns-loop", bytes([LT_INDEX[101]]) + ip)
    write("decode", "unknown-linktype", bytes([14]) + b"\0" * 20)


def tcp_rec(flags, dseq, dack, payload=b"", cut=0, tstep=1, dirn=0, flow=0):
    b0 = (flags & 0x3F) | (dirn << 6) | (flow << 7)
    return struct.pack(">BhhBBB", b0, dseq, dack, len(payload), cut, tstep) + payload


FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16


def tcp_seeds():
    hdr = bytes([1, 16, 0, 0, 0x12, 0x34])  # 2 flows, 257-byte buffer
    hs = (tcp_rec(SYN, 0, 0) + tcp_rec(SYN | ACK, 0, 0, dirn=1) + tcp_rec(ACK, 0, 0))
    write("tcp", "in-order", hdr + hs + tcp_rec(PSH | ACK, 0, 0, b"hello ") +
          tcp_rec(PSH | ACK, 0, 0, b"world") + tcp_rec(PSH | ACK, 0, 0, b"HI", dirn=1) +
          tcp_rec(FIN | ACK, 0, 0) + tcp_rec(FIN | ACK, 0, 0, dirn=1) + tcp_rec(ACK, 0, 0))
    # Out of order, a hole, an overlap that conflicts, an ACK past the hole.
    write("tcp", "holes", hdr + hs + tcp_rec(PSH | ACK, 6, 0, b"ghi") +
          tcp_rec(PSH | ACK, -12, 0, b"abcdXY") + tcp_rec(ACK, 0, 12, dirn=1) +
          tcp_rec(PSH | ACK, 0, 0, b"jkl", cut=2) + tcp_rec(RST, 0, 0, dirn=1))
    # Two flows interleaved, mid-stream, with a small buffer and an idle gap.
    small = bytes([0, 1, 2, 1, 0xFF, 0xFF])  # 1 flow, 17-byte buffer, 2 s idle, ignore
    # Consistent mode (payload computed from sequence numbers): the same
    # holes, overlaps, a wrap and a cut, checked byte for byte.
    cons = bytes([0x81, 2, 0, 0, 0xFF, 0xFF])  # ISN near 2^32: wraps
    write("tcp", "consistent", cons + hs + tcp_rec(PSH | ACK, 200, 0, b"x" * 100) +
          tcp_rec(PSH | ACK, -300, 0, b"x" * 150) + tcp_rec(PSH | ACK, -100, 0, b"x" * 120, cut=3) +
          tcp_rec(PSH | ACK, 0, 0, b"x" * 60, dirn=1) + tcp_rec(ACK, 0, 400, dirn=1) +
          tcp_rec(PSH | ACK, 0, 0, b"x" * 200) + tcp_rec(FIN | ACK, 0, 0) +
          tcp_rec(FIN | ACK, 0, 0, dirn=1))
    write("tcp", "two-flows", small + tcp_rec(PSH | ACK, 0, 0, b"a" * 20, flow=1) +
          tcp_rec(PSH | ACK, 40, 0, b"b" * 20) + tcp_rec(PSH | ACK, 0, 0, b"c" * 10, dirn=1) +
          tcp_rec(PSH | ACK, 0, 0, b"d" * 10, tstep=50, flow=1) +
          tcp_rec(SYN, 0, 0, b"tfo") + tcp_rec(PSH | ACK, -100, 0, b"e" * 30))


def source_seeds():
    write("source", "pcap-eth-3", pcap_prefix("lt_ethernet.pcap", 3))
    write("source", "pcap-be-2", pcap_prefix("pcap_big_endian.pcap", 2))
    write("source", "pcap-ns-2", pcap_prefix("pcap_nanosecond.pcap", 2))
    write("source", "pcap-corrupt", pcap_prefix("corrupt_caplen.pcap", 9)[:2000])
    write("source", "pcap-cut", pcap_prefix("lt_ethernet.pcap", 4)[:-7])
    write("source", "pcapng-two-lt", pcapng_prefix("pcapng_two_linktypes.pcapng", 6))
    write("source", "pcapng-ns", pcapng_prefix("pcapng_nanosecond.pcapng", 5))
    write("source", "pcap-eth-3.gz", gzip.compress(pcap_prefix("lt_ethernet.pcap", 3), mtime=0))
    write("source", "text", b"not a capture\n")
    # Hand-built pcapng: IDB options (if_tsresol 10^-9 and 2^-10,
    # if_tsoffset), EPB, SPB, the obsolete PB, a second big-endian section.
    frame = pcap_frames("lt_raw_ipv4_ipv6.pcap")[1][3]

    def blk(e, btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack(e + "II", btype, n) + body + struct.pack(e + "I", n)

    def opt(e, code, val):
        return struct.pack(e + "HH", code, len(val)) + val + b"\0" * (-len(val) % 4)

    def section(e):
        out = blk(e, 0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1))
        out += blk(e, 1, struct.pack(e + "HHI", 101, 0, 262144) + opt(e, 9, b"\x09") +
                   opt(e, 14, struct.pack(e + "q", 1000)) + opt(e, 0, b""))
        out += blk(e, 1, struct.pack(e + "HHI", 101, 0, 64) + opt(e, 9, b"\x8a") + opt(e, 0, b""))
        ts = 1700000000123456789
        out += blk(e, 6, struct.pack(e + "IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(frame),
                                     len(frame)) + frame)
        out += blk(e, 3, struct.pack(e + "I", len(frame)) + frame)
        out += blk(e, 2, struct.pack(e + "HHIIII", 1, 0, 0, 4096, 64, len(frame)) + frame[:64])
        return out
    ng = section("<") + section(">")
    write("source", "pcapng-options", ng)
    # gzip whose deflate stream is damaged in the middle.
    z = bytearray(gzip.compress(pcap_prefix("lt_ethernet.pcap", 6), mtime=0))
    for i in range(len(z) // 2, len(z) // 2 + 8):
        z[i] ^= 0x5A
    write("source", "pcap-damaged.gz", bytes(z))


if __name__ == "__main__":
    for t in ("decode", "tcp", "source"):
        os.makedirs(os.path.join(OUT, t), exist_ok=True)
    decode_seeds()
    tcp_seeds()
    source_seeds()

#!/usr/bin/python3
"""certs-to-pcap.py - put certificates into a TLS capture, one TCP
connection per chain, so that tlsdiag reads them the way it reads every
capture (TCP reassembly, TLS records, the Certificate message).

    certs-to-pcap.py OUT.pcap < chains

stdin: one chain per line, DER file paths separated by blanks (leaf
first). Each chain becomes a TLS 1.2 handshake on 10.13.0.0/16 port 443:
SYN, SYN-ACK, ACK, ClientHello; ServerHello, Certificate, ServerHelloDone
in records of at most 16384 bytes cut into 1448-byte segments, each ACKed;
then FINs. Classic pcap, Ethernet, correct IP and TCP checksums.
Standard library only.
"""
import struct
import sys

MSS = 1448


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(src, dst, sport, dport, seq, ack, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    pseudo = struct.pack("!4s4sBBH", src, dst, 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    return eth + ip + tcp


def hs(kind, body):
    return struct.pack("!B", kind) + struct.pack("!I", len(body))[1:] + body


def records(data, version=b"\x03\x03"):
    out = b""
    for i in range(0, len(data), 16384):
        chunk = data[i:i + 16384]
        out += b"\x16" + version + struct.pack("!H", len(chunk)) + chunk
    return out


def u24(n):
    return struct.pack("!I", n)[1:]


def session(n, chain):
    """The frames of one connection carrying `chain` (a list of DER)."""
    client = bytes([10, 13, 1 + n // 250 % 250, 1 + n % 250])
    server = bytes([10, 13, 0, 1])
    cport, sport = 20000 + n % 40000, 443
    cseq, sseq = 1000, 5000
    rnd = bytes((n + i) & 0xFF for i in range(32))
    hello = hs(1, b"\x03\x03" + rnd + b"\x00" + b"\x00\x02\xc0\x2f" + b"\x01\x00")
    shello = hs(2, b"\x03\x03" + rnd[::-1] + b"\x00" + b"\xc0\x2f" + b"\x00")
    certs = b"".join(u24(len(c)) + c for c in chain)
    flight = records(shello + hs(11, u24(len(certs)) + certs) + hs(14, b""))
    ch = records(hello, b"\x03\x01")
    out = [frame(client, server, cport, sport, cseq, 0, 0x02),
           frame(server, client, sport, cport, sseq, cseq + 1, 0x12),
           frame(client, server, cport, sport, cseq + 1, sseq + 1, 0x10),
           frame(client, server, cport, sport, cseq + 1, sseq + 1, 0x18, ch)]
    cseq += 1 + len(ch)
    sseq += 1
    for i in range(0, len(flight), MSS):
        seg = flight[i:i + MSS]
        out.append(frame(server, client, sport, cport, sseq, cseq, 0x18, seg))
        sseq += len(seg)
        out.append(frame(client, server, cport, sport, cseq, sseq, 0x10))
    out.append(frame(client, server, cport, sport, cseq, sseq, 0x11))
    out.append(frame(server, client, sport, cport, sseq, cseq + 1, 0x11))
    out.append(frame(client, server, cport, sport, cseq + 1, sseq + 1, 0x10))
    return out


def main():
    frames = []
    for n, line in enumerate(l for l in sys.stdin.read().splitlines() if l.strip()):
        chain = [open(p, "rb").read() for p in line.split()]
        frames += session(n, chain)
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        t = 1767225600  # 2026-01-01
        for i, fr in enumerate(frames):
            us = i * 100
            f.write(struct.pack("<IIII", t + us // 1000000, us % 1000000, len(fr), len(fr)))
            f.write(fr)


if __name__ == "__main__":
    main()

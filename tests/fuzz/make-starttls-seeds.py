#!/usr/bin/python3
"""make-starttls-seeds.py - seeds for fuzz_tls_stream (corpus/tls_stream/
seed-starttls-*): each clear-text preamble dissect/starttls.c recognises
(IRC, NNTP, ManageSieve, LMTP, FTP, MySQL, RDP), then the two streams of
tests/captures/tls/tls12-rsa.pcap; and TDS, whose TLS records travel in
PRELOGIN packets. Input format: flags(1) = 0 (chunks straight into the
handler), then dir(1) len(2) bytes. Also seed-overlap-later-copy: a
corrupt first copy of the server's flight and the right one retransmitted,
through the TCP table. Deterministic."""
import os
import struct

from scapy.all import TCP, rdpcap

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
out = os.path.join(top, "tests", "fuzz", "corpus", "tls_stream")
pk = rdpcap(os.path.join(top, "tests", "captures", "tls", "tls12-rsa.pcap"))
cport = next(p[TCP].sport for p in pk if TCP in p and p[TCP].flags & 0x02)
chunks = [(0 if p[TCP].sport == cport else 1, bytes(p[TCP].payload))
          for p in pk if TCP in p and len(p[TCP].payload)]

PRE = {
    "irc": [(0, b"STARTTLS\r\n"), (1, b":irc.example.net 670 * :STARTTLS successful\r\n")],
    "nntp": [(1, b"200 news.example.com ready\r\n"), (0, b"STARTTLS\r\n"),
             (1, b"382 Continue with TLS negotiation\r\n")],
    "sieve": [(1, b'"IMPLEMENTATION" "x"\r\n"STARTTLS"\r\nOK\r\n'), (0, b"STARTTLS\r\n"),
              (1, b'OK "Begin TLS negotiation now."\r\n')],
    "lmtp": [(1, b"220 mda LMTP\r\n"), (0, b"LHLO c\r\n"), (1, b"250 STARTTLS\r\n"),
             (0, b"STARTTLS\r\n"), (1, b"220 ready\r\n")],
    "ftp": [(1, b"220 FTP ready\r\n"), (0, b"AUTH TLS\r\n"), (1, b"234 go\r\n")],
    "mysql": [(1, bytes.fromhex("530000000a31302e31312e362d4d61726961444200030000003426372b5e4b4c3e00fef7"
                                "080200ff8115000000000000070000006b3c7e2c5a2e273d7a2b2a38006d7973716c5f"
                                "6e61746976655f70617373776f726400")),
              (0, bytes.fromhex("2000000105ae0e00000000012d" + "00" * 23))],
    "rdp": [(0, bytes.fromhex("0300002b26e00000000000436f6f6b69653a206d737473686173683d61646d696e0d0a"
                              "0100080003000000")),
            (1, bytes.fromhex("030000130ed00000123400021f080001000000"))],
}


def frame(d, b):
    return struct.pack(">BH", d, len(b)) + b


def tds(typ, b, max_=512):
    o, i, n = b"", 0, 1
    while True:
        k = b[i:i + max_]
        last = i + len(k) >= len(b)
        o += struct.pack(">BBHHBB", typ, 1 if last else 0, 8 + len(k), 0, n, 0) + k
        n += 1
        i += max_
        if last:
            return o


for name, pre in PRE.items():
    body = bytes([0]) + b"".join(frame(d, b) for d, b in pre + chunks)
    open(os.path.join(out, "seed-starttls-" + name), "wb").write(body)
# TDS: PRELOGIN exchange, then the first flights inside PRELOGIN packets
opts = bytes.fromhex("000000b000601001100010ff0f0007d0000001")
t = [(0, tds(0x12, opts)), (1, tds(0x04, opts))]
t += [(d, tds(0x12, b)) for d, b in chunks[:3]] + chunks[3:]
open(os.path.join(out, "seed-starttls-tds"), "wb").write(
    bytes([0]) + b"".join(frame(d, b) for d, b in t))
# Issue 14: through the TCP table with the handshake (flags 3), the
# server's first flight sent with 300 bytes inside the Certificate zeroed,
# then again right (dir 1 | 2: a retransmission of the last bytes sent).
srv = next(b for d, b in chunks if d == 1)
bad = srv[:400] + bytes(300) + srv[700:]
i = chunks.index((1, srv))
seq = chunks[:i] + [(1, bad), (3, srv)] + chunks[i + 1:]
open(os.path.join(out, "seed-overlap-later-copy"), "wb").write(
    bytes([3]) + b"".join(frame(d, b) for d, b in seq))

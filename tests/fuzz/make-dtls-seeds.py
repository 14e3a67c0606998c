#!/usr/bin/python3
"""make-dtls-seeds.py - seeds for fuzz_dtls (corpus/dtls/seed-*): the UDP
datagrams of every tests/captures/dtls capture in the target's input
format (flags, then dir(1) len(2) bytes per datagram; dir 0 is the first
sender). Deterministic; rerun after the captures change."""
import os
import struct
import sys

from scapy.all import UDP, rdpcap

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
src = os.path.join(top, "tests", "captures", "dtls")
out = os.path.join(top, "tests", "fuzz", "corpus", "dtls")
os.makedirs(out, exist_ok=True)
for name in sorted(os.listdir(src)):
    if not name.endswith(".pcap"):
        continue
    first = None
    body = bytearray([0])
    for p in rdpcap(os.path.join(src, name)):
        if UDP not in p:
            continue
        key = (p[UDP].sport, p[UDP].dport)
        if first is None:
            first = key
        pl = bytes(p[UDP].payload)
        body += struct.pack(">BH", 0 if key == first else 1, len(pl)) + pl
    with open(os.path.join(out, "seed-" + name[:-5]), "wb") as f:
        f.write(body)
sys.exit(0)

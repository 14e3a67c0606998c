#!/usr/bin/python3
"""Build a large, realistic benchmark capture from small real handshakes.

Every template capture (one TCP connection each) is replayed many times
with new client addresses/ports and shifted sequence numbers and times,
interleaved with bulk flows (HTTPS-like application data and plain TCP)
so that, as in a real SPAN capture, most bytes are not handshakes.

    make-bench-pcap.py OUT.pcap [--sessions N] [--bulk-mb M] TEMPLATE.pcap...

Deterministic (fixed seed). Writes classic pcap, Ethernet.
"""
import argparse
import random
import struct
import sys


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        raise SystemExit(f"{path}: only little-endian pcap templates are supported")
    nsec = magic == 0xA1B23C4D
    lt = struct.unpack("<I", data[20:24])[0]
    if lt != 1:
        raise SystemExit(f"{path}: template must be Ethernet")
    off, pkts = 24, []
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        ts = sec + frac / (1e9 if nsec else 1e6)
        pkts.append((ts, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return pkts


def ip_csum(hdr):
    s = 0
    for i in range(0, len(hdr), 2):
        s += (hdr[i] << 8) | hdr[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def rewrite(frame, cli_ip, srv_ip, cli_port, orig_cli_port, seq_shift):
    f = bytearray(frame)
    if len(f) < 34 or f[12:14] != b"\x08\x00":
        return bytes(f)
    ihl = (f[14] & 0x0F) * 4
    src_port = struct.unpack(">H", f[14 + ihl:16 + ihl])[0]
    from_client = src_port == orig_cli_port
    f[26:30] = cli_ip if from_client else srv_ip
    f[30:34] = srv_ip if from_client else cli_ip
    f[24:26] = b"\0\0"
    f[24:26] = struct.pack(">H", ip_csum(f[14:14 + ihl]))
    t = 14 + ihl
    if from_client:
        f[t:t + 2] = struct.pack(">H", cli_port)
    else:
        f[t + 2:t + 4] = struct.pack(">H", cli_port)
    seq, ack = struct.unpack(">II", f[t + 4:t + 12])
    sh_s, sh_c = seq_shift
    seq = (seq + (sh_c if from_client else sh_s)) & 0xFFFFFFFF
    if f[t + 13] & 0x10:
        ack = (ack + (sh_s if from_client else sh_c)) & 0xFFFFFFFF
    f[t + 4:t + 12] = struct.pack(">II", seq, ack)
    return bytes(f)


def tcp_frame(src, dst, sport, dport, seq, ack, flags, payload):
    ip_len = 20 + 20 + len(payload)
    ip = bytearray(struct.pack(">BBHHHBBH4s4s", 0x45, 0, ip_len, 0, 0x4000, 64, 6, 0, src, dst))
    ip[10:12] = struct.pack(">H", ip_csum(ip))
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    eth = b"\x00\x50\x56\x01\x02\x03\x00\x50\x56\x0a\x0b\x0c\x08\x00"
    return eth + bytes(ip) + tcp + payload


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("templates", nargs="+")
    ap.add_argument("--sessions", type=int, default=20000)
    ap.add_argument("--bulk-mb", type=int, default=400)
    a = ap.parse_args()
    rng = random.Random(1)
    tmpl = []
    for p in a.templates:
        pk = read_pcap(p)
        if not pk:
            continue
        f0 = pk[0][1]
        ihl = (f0[14] & 0x0F) * 4
        cport = struct.unpack(">H", f0[14 + ihl:16 + ihl])[0]
        t0 = pk[0][0]
        tmpl.append([(ts - t0, fr) for ts, fr in pk] + [cport])
    out = open(a.out, "wb")
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    base = 1795000000.0  # 2026-11-18: inside the templates' validity
    events = []
    for i in range(a.sessions):
        t = tmpl[i % len(tmpl)]
        start = base + i * 0.003
        cli = bytes([10, 1 + (i >> 16) % 200, (i >> 8) & 255, i & 255])
        srv = bytes([10, 200, (i >> 8) % 16, 1 + i % 250])
        shift = (rng.getrandbits(32), rng.getrandbits(32))
        port = 20000 + (i % 40000)
        for dt, fr in t[:-1]:
            events.append((start + dt, rewrite(fr, cli, srv, port, t[-1], shift)))
    # Bulk: long flows of 1448-byte segments (TLS app-data records and plain).
    bulk_bytes = a.bulk_mb * 1024 * 1024
    nflows = 200
    per_flow = bulk_bytes // nflows
    rec = b"\x17\x03\x03\x05\xa3" + bytes(rng.getrandbits(8) for _ in range(1443))
    plain = bytes(rng.getrandbits(8) for _ in range(1448))
    for k in range(nflows):
        src = bytes([172, 16, k >> 8, k & 255])
        dst = bytes([172, 17, 0, 1 + k % 200])
        seq = rng.getrandbits(32)
        t = base + k * 0.05
        body = rec if k % 2 == 0 else plain
        # SYN/SYN-ACK so it is a normal connection, then data only.
        events.append((t, tcp_frame(src, dst, 40000 + k, 443 if k % 2 == 0 else 8080, seq, 0, 0x02, b"")))
        events.append((t + 1e-4, tcp_frame(dst, src, 443 if k % 2 == 0 else 8080, 40000 + k, 7, seq + 1, 0x12, b"")))
        n = per_flow // 1448
        for j in range(n):
            events.append((t + 2e-4 + j * 2e-5,
                           tcp_frame(dst, src, 443 if k % 2 == 0 else 8080, 40000 + k,
                                     (8 + j * 1448) & 0xFFFFFFFF, seq + 1, 0x18, body)))
    events.sort(key=lambda e: e[0])
    for ts, fr in events:
        sec = int(ts)
        usec = int(round((ts - sec) * 1e6))
        if usec >= 1000000:
            sec, usec = sec + 1, usec - 1000000
        out.write(struct.pack("<IIII", sec, usec, len(fr), len(fr)))
        out.write(fr)
    out.close()
    print(f"{a.out}: {len(events)} packets, {a.sessions} handshakes, ~{a.bulk_mb} MB bulk", file=sys.stderr)


if __name__ == "__main__":
    main()

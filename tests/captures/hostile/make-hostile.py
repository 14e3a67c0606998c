#!/usr/bin/python3
"""make-hostile.py - captures whose wire strings attack the terminal.

Writes, next to this script:

  sni-escape.pcap  A TLS 1.2 handshake on 5061 (10.48.80.47:51234 ->
                   10.48.36.101:5061): ClientHello with an SNI carrying an
                   OSC title-change sequence, a BEL, a clear-screen CSI and
                   an invalid UTF-8 byte, ALPN names with escapes; the server
                   answers with a self-signed certificate whose CN, O and SAN
                   dNSName carry escape sequences too (generated here with
                   python3-cryptography); then the client sends a fatal
                   unknown_ca alert (frame 6) and both sides close.

tlsdiag must show every one of these strings as inert \\xNN text (text
report) or as JSON escapes (--json), and the session must fail (exit 1).
The capture is committed; rerun this only to change it:

  /usr/bin/python3 tests/captures/hostile/make-hostile.py
"""
import datetime
import os
import struct

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from scapy.all import IP, TCP, Ether, wrpcap

HERE = os.path.dirname(os.path.abspath(__file__))
SNI = b"\x1b]0;pwned\x07evil\x1b[2J\xff.example.com"
ALPN = [b"h2\x1b[31m", b"sip\x9b1m"]
CLIENT, SERVER = ("10.48.80.47", 51234), ("10.48.36.101", 5061)
T0 = datetime.datetime(2026, 11, 23, 4, 5, 6, tzinfo=datetime.timezone.utc).timestamp()


def hostile_cert():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "expe\x1b]0;pwned\x07.example.com"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Evil \x1b[2J Corp\u202e"),
    ])
    nb = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(0x5eed)
            .not_valid_before(nb)
            .not_valid_after(nb + datetime.timedelta(days=3650))
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("evil\x1b[2J.example.com")]), critical=False)
            .add_extension(x509.ExtendedKeyUsage(
                [x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


def u8(v): return struct.pack("!B", v)
def u16(v): return struct.pack("!H", v)
def u24(v): return struct.pack("!I", v)[1:]
def vec8(b): return u8(len(b)) + b
def vec16(b): return u16(len(b)) + b
def vec24(b): return u24(len(b)) + b
def hs(t, body): return u8(t) + u24(len(body)) + body
def ext(t, body): return u16(t) + vec16(body)
def record(ct, body, ver=0x0303): return u8(ct) + u16(ver) + vec16(body)


def client_hello():
    exts = (ext(0, vec16(u8(0) + vec16(SNI)))
            + ext(16, vec16(b"".join(vec8(p) for p in ALPN)))
            + ext(10, vec16(u16(0x001d) + u16(0x0017)))
            + ext(11, vec8(b"\x00"))
            + ext(13, vec16(u16(0x0401) + u16(0x0403) + u16(0x0804))))
    body = (u16(0x0303) + bytes(range(32)) + vec8(b"")
            + vec16(u16(0xc02f) + u16(0xc030) + u16(0x009c))
            + vec8(b"\x00") + vec16(exts))
    return record(22, hs(1, body), 0x0301)


def server_flight(der):
    sh = hs(2, u16(0x0303) + bytes(range(32, 64)) + vec8(b"") + u16(0xc02f) + u8(0)
            + vec16(ext(0xff01, vec8(b""))))
    cert = hs(11, vec24(vec24(der)))
    shd = hs(14, b"")
    return record(22, sh + cert + shd)


def main():
    der = hostile_cert()
    pkts = []
    t = [T0]
    seq = {CLIENT: 1000, SERVER: 5000}

    def send(src, dst, flags, payload=b""):
        p = (Ether(src="00:50:56:aa:bb:01", dst="00:00:0c:07:ac:01")
             / IP(src=src[0], dst=dst[0], ttl=63)
             / TCP(sport=src[1], dport=dst[1], flags=flags, seq=seq[src],
                   ack=seq[dst] if "A" in flags else 0, window=64240)
             / payload)
        p.time = t[0]
        t[0] += 0.0003
        pkts.append(p)
        seq[src] += len(payload) + (1 if ("S" in flags or "F" in flags) else 0)

    send(CLIENT, SERVER, "S")
    send(SERVER, CLIENT, "SA")
    send(CLIENT, SERVER, "A")
    send(CLIENT, SERVER, "PA", client_hello())          # frame 4
    flight = server_flight(der)
    for i in range(0, len(flight), 1448):               # frame 5
        send(SERVER, CLIENT, "PA" if i + 1448 >= len(flight) else "A", flight[i:i + 1448])
    send(CLIENT, SERVER, "PA", record(21, b"\x02\x30"))   # frame 6: fatal unknown_ca
    send(CLIENT, SERVER, "FA")
    send(SERVER, CLIENT, "FA")
    send(CLIENT, SERVER, "A")
    wrpcap(os.path.join(HERE, "sni-escape.pcap"), pkts)


if __name__ == "__main__":
    main()

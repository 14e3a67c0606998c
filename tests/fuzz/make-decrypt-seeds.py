#!/usr/bin/python3
"""make-decrypt-seeds.py - seeds for fuzz_tls_decrypt (see its header for the
input format), written to tests/fuzz/corpus/tls_decrypt/seed-*:

  mode 0  every key log of tests/captures/keylog, and one with CRLF,
          comments and junk lines;
  mode 1  the client Finished record of each TLS 1.0-1.2 capture there and
          the RFC 8448 records, under each suite selector;
  mode 2  a TLS 1.3 handshake in plaintext, which the harness encrypts:
          EncryptedExtensions (ALPN), a CertificateRequest with
          certificate_authorities, Certificate (the test PKI), a
          CompressedCertificate (zlib), CertificateVerify, Finished, from
          both sides, then NewSessionTicket, KeyUpdate and alerts.

Deterministic: rerun with /usr/bin/python3 tests/fuzz/make-decrypt-seeds.py
"""
import os
import struct
import subprocess
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, "..", "..")
OUT = os.path.join(HERE, "corpus", "tls_decrypt")
CAPS = os.path.join(TOP, "tests", "captures", "keylog")
PKI = os.path.join(TOP, "tests", "captures", "tls", "pki")


def der(name):
    return subprocess.run(["openssl", "x509", "-in", os.path.join(PKI, name), "-outform", "DER"],
                          check=True, capture_output=True).stdout


def tlv(d, i):
    """(start of value, end) of the DER element at i."""
    n = d[i + 1]
    if n < 0x80:
        return i + 2, i + 2 + n
    k = n & 0x7f
    ln = int.from_bytes(d[i + 2:i + 2 + k], "big")
    return i + 2 + k, i + 2 + k + ln


def subject_der(name):
    """The subject Name of a certificate, as DER (TBSCertificate's 6th
    element: [0] version, serial, signature, issuer, validity, subject)."""
    d = der(name)
    v, _ = tlv(d, 0)          # Certificate
    i, _ = tlv(d, v)          # TBSCertificate: its first element
    for _ in range(5):
        i = tlv(d, i)[1]
    return d[i:tlv(d, i)[1]]


def u8(b):
    return struct.pack(">B", len(b)) + b


def u16(b):
    return struct.pack(">H", len(b)) + b


def u24(b):
    return struct.pack(">I", len(b))[1:] + b


def hs(t, body):
    return bytes([t]) + u24(body)


def frame(flags, b):
    return bytes([flags]) + struct.pack(">H", len(b)) + b


def write(name, data):
    with open(os.path.join(OUT, "seed-" + name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    # mode 0
    for k in sorted(os.listdir(CAPS)):
        if k.endswith(".keys"):
            write("keylog-" + k[:-5], b"\x00" + open(os.path.join(CAPS, k), "rb").read())
    write("keylog-mixed", b"\x00# comment\r\n\r\nCLIENT_RANDOM " + b"ab" * 32 + b" " + b"cd" * 48 +
          b"\r\nRSA 0011223344556677 " + b"ee" * 48 + b"\nJUNK\n\tSERVER_TRAFFIC_SECRET_0  " +
          b"ab" * 32 + b" " + b"01" * 32)
    # mode 1
    vec = os.path.join(TOP, "tests", "unit", "data", "keylog", "tls12-vectors.h")
    recs = []
    for line in open(vec):
        if line.startswith("  { 0x17") or line.startswith("  { 0x16"):
            hdr = bytes(int(x, 16) for x in line.strip(" {},\n").split(", "))
            recs.append([hdr])
        elif line.lstrip().startswith(tuple("0123456789")) and "(const uint8_t[])" in line:
            body = line.split("{", 1)[1].split("}")[0].strip()
            recs[-1].append(bytes(int(x, 16) for x in body.split(", ")))
    for i, (hdr, frag) in enumerate(recs):
        for sel in (5, 10, 11, 13, 0x85, 0x2a):
            write("record-%02d-%02x" % (i, sel), bytes([1, sel, 0]) + hdr + frag)
    rfc = open(os.path.join(TOP, "tests", "unit", "data", "keylog", "rfc8448.h")).read()
    for name in ("RFC8448_CFIN_REC", "RFC8448_C_ALERT_REC", "RFC8448_NST_REC"):
        h = "".join(rfc.split(name)[1].split(";")[0].split('"')[1::2])
        r = bytes.fromhex(h)
        for sel in range(5):
            write("record-%s-%d" % (name[8:].lower(), sel), bytes([1, sel, 1]) + r)
    # mode 2
    leaf, inter = der("rsa-server.crt"), der("rsa-int.crt")
    client = der("rsa-client.crt")
    ee = hs(8, u16(struct.pack(">H", 16) + u16(u16(u8(b"h2"))) + struct.pack(">HH", 10, 4) +
                   struct.pack(">HH", 2, 0x1d)))
    cas = u16(u16(subject_der("rsa-root.crt")) + u16(subject_der("ec-root.crt")))
    cr = hs(13, u8(b"") + u16(struct.pack(">H", 13) + u16(u16(struct.pack(">HH", 0x0804, 0x0403))) +
                              struct.pack(">H", 47) + u16(cas)))

    def cert13(certs):
        return u8(b"") + u24(b"".join(u24(c) + u16(b"") for c in certs))

    scert = hs(11, cert13([leaf, inter]))
    cv = hs(15, struct.pack(">H", 0x0804) + u16(b"\x5a" * 256))
    fin = hs(20, b"\x00" * 32)
    ccert = hs(11, cert13([client, inter]))
    body = cert13([client, inter])
    comp = hs(25, struct.pack(">H", 1) + struct.pack(">I", len(body))[1:] + u24(zlib.compress(body)))
    nst = hs(4, struct.pack(">II", 7200, 1) + u8(b"\x01") + u16(b"\x02" * 16) + u16(b""))
    ku = hs(24, b"\x01")
    S, C = 1, 0
    flight = frame(S, ee + cr + scert + cv + fin)
    write("conn-mtls", b"\x02" + flight + frame(C | 2, b"\x14\x03\x03\x00\x01\x01") +
          frame(C, ccert + cv + fin) + frame(S, nst) + frame(C, ku) +
          frame(C | (23 << 2), b"GET /") + frame(C | (21 << 2), b"\x01\x00") +
          frame(S | (21 << 2), b"\x01\x00"))
    write("conn-rejected", b"\x02" + flight + frame(C, ccert + cv + fin) +
          frame(S | (21 << 2), b"\x02\x2a"))
    write("conn-compressed", b"\x02" + frame(S, ee + cr) + frame(S, comp) + frame(S, cv + fin) +
          frame(C, comp + cv + fin) + frame(S | (21 << 2), b"\x02\x74"))
    write("conn-split", b"\x02" + frame(S, (ee + cr + scert)[:700]) +
          frame(S, (ee + cr + scert)[700:] + cv) + frame(S, fin) + frame(C, hs(11, cert13([])) + fin) +
          frame(S | (21 << 2), b"\x02\x74"))


if __name__ == "__main__":
    main()

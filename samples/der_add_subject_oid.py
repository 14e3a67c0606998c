#!/usr/bin/python3
"""der_add_subject_oid.py - add an unusual attribute to a certificate's subject and re-sign it.

Used by make-samples.sh for the unusual-subject-OID scenario. The TAC deck
(seed 002) shows a customer certificate whose subject carries

    1.3.6.1.4.1.6449.1.2.1.5.1 = #060C2B06010401B2310102010501

an attribute TYPE that is no directory attribute at all (it is a CA's
certificate-policy arc). openssl's -subj only accepts attribute types it has
a name for, so this script edits the DER instead: it prepends the RDN
{ 1.3.6.1.4.1.6449.1.2.1.5.1 = PrintableString "1.3.6.1.4.1.6449.1.2.1.5.1" }
to the subject Name (most significant position), keeps everything else in the
TBSCertificate as it was, and re-signs with the issuer's key through
`openssl dgst -sha256 -sign` (sha256WithRSAEncryption, as the original).

The value is a PrintableString, not the OBJECT IDENTIFIER the deck's hex dump
suggests: OpenSSL (and most X.509 parsers) reject a Name whose attribute
value is an OID, and the point of the sample is the unusual attribute TYPE
in a certificate every parser can read.

Usage: der_add_subject_oid.py IN.pem ISSUER.key OUT.pem [OID]
"""
import base64
import subprocess
import sys
import tempfile


def tlv(tag, body):
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + body


def parse(buf, off=0):
    """Return (tag, body, next_offset) of the TLV at off."""
    tag = buf[off]
    ln = buf[off + 1]
    off += 2
    if ln & 0x80:
        k = ln & 0x7F
        ln = int.from_bytes(buf[off:off + k], "big")
        off += k
    return tag, buf[off:off + ln], off + ln


def children(body):
    out, off = [], 0
    while off < len(body):
        t, b, nxt = parse(body, off)
        out.append((t, b))
        off = nxt
    return out


def oid_der(dotted):
    parts = [int(x) for x in dotted.split(".")]
    enc = bytes([parts[0] * 40 + parts[1]])
    for v in parts[2:]:
        chunk = [v & 0x7F]
        v >>= 7
        while v:
            chunk.append(0x80 | (v & 0x7F))
            v >>= 7
        enc += bytes(reversed(chunk))
    return tlv(0x06, enc)


def main():
    src, key, dst = sys.argv[1:4]
    oid = sys.argv[4] if len(sys.argv) > 4 else "1.3.6.1.4.1.6449.1.2.1.5.1"
    pem = open(src).read()
    b64 = "".join(l for l in pem.splitlines() if l and not l.startswith("-----"))
    der = base64.b64decode(b64)

    t, cert_body, _ = parse(der)
    assert t == 0x30
    (t_tbs, tbs), (t_alg, alg), (t_sig, _sig) = children(cert_body)
    parts = children(tbs)
    # [0]version, serial, sigalg, issuer, validity, subject, spki, [3]exts
    assert parts[0][0] == 0xA0 and parts[5][0] == 0x30, "unexpected TBS layout"
    attr = tlv(0x30, oid_der(oid) + tlv(0x13, oid.encode()))  # AttributeTypeAndValue
    rdn = tlv(0x31, attr)                          # RelativeDistinguishedName
    parts[5] = (0x30, rdn + parts[5][1])
    new_tbs = tlv(0x30, b"".join(tlv(t, b) for t, b in parts))

    with tempfile.NamedTemporaryFile() as f:
        f.write(new_tbs)
        f.flush()
        sig = subprocess.run(
            ["openssl", "dgst", "-sha256", "-sign", key, f.name],
            check=True, capture_output=True).stdout
    new = tlv(0x30, new_tbs + tlv(t_alg, alg) + tlv(0x03, b"\x00" + sig))
    body = base64.encodebytes(new).decode().replace("\n", "")
    with open(dst, "w") as f:
        f.write("-----BEGIN CERTIFICATE-----\n")
        for i in range(0, len(body), 64):
            f.write(body[i:i + 64] + "\n")
        f.write("-----END CERTIFICATE-----\n")


if __name__ == "__main__":
    main()

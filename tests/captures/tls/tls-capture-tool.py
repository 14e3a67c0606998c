#!/usr/bin/python3
"""Helpers for make-tls-captures.sh (run with Debian's /usr/bin/python3,
which has scapy).

  canonicalize IN OUT          check IN is one TCP connection, copy to OUT
  resegment --mss N IN OUT     cut the server's first flight into N-byte segments
  drop-in-certificate IN OUT   remove one server segment inside the 2nd certificate
  xmpp-server --port ...       minimal XMPP STARTTLS server (one connection)
  sslv2-client --port P        send an SSLv2-compatible ClientHello, read, close
  verify [--damaged] PCAP      tshark must read PCAP without malformed/error items
  expected [--original P] PCAP print the expected description (tshark + openssl)

The expected description is built only from tshark's dissection (PDML) and
openssl's reading of the certificate DER that tshark extracted; see README.md
for the format.
"""

import argparse
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
TSHARK = os.environ.get("TSHARK", "tshark")
OPENSSL = os.environ.get("OPENSSL", "openssl")


def fail(msg):
    sys.stderr.write("tls-capture-tool: %s\n" % msg)
    sys.exit(1)


###########################################################################
# pcap handling (scapy)
###########################################################################

def load(path):
    from scapy.all import rdpcap
    return list(rdpcap(path))


def save(path, pkts):
    from scapy.all import wrpcap
    wrpcap(path, pkts)


def tcp_of(p):
    from scapy.all import TCP
    return p[TCP] if p.haslayer(TCP) else None


def connection(pkts):
    """Return (client_port, server_port) of the single TCP connection."""
    syns = [tcp_of(p) for p in pkts
            if tcp_of(p) is not None and (tcp_of(p).flags & 0x12) == 0x02]
    if len(syns) != 1:
        fail("expected exactly one SYN, found %d" % len(syns))
    conns = set()
    for p in pkts:
        t = tcp_of(p)
        if t is None:
            fail("non-TCP packet in capture")
        conns.add(frozenset((t.sport, t.dport)))
    if len(conns) != 1:
        fail("expected one TCP connection, found %d" % len(conns))
    return syns[0].sport, syns[0].dport


def cmd_canonicalize(a):
    pkts = load(a.input)
    connection(pkts)
    t0 = tcp_of(pkts[0])
    if not (t0.flags & 0x02):
        fail("%s does not start with SYN" % a.input)
    if not any(tcp_of(p).flags & 0x05 for p in pkts):
        fail("%s has no FIN or RST" % a.input)
    last = None
    for p in pkts:
        if last is not None and p.time < last:
            fail("timestamps go backwards in %s" % a.input)
        last = p.time
    shutil.copyfile(a.input, a.output)


def server_flight(pkts, sport):
    """Indices of the server's data packets sent before the client's second
    data packet (i.e. the server's first flight, ServerHello..HelloDone)."""
    client_data = 0
    idx = []
    for i, p in enumerate(pkts):
        t = tcp_of(p)
        plen = len(bytes(t.payload))
        if plen == 0:
            continue
        if t.sport == sport:
            if client_data == 1:
                idx.append(i)
        else:
            client_data += 1
    if not idx:
        fail("no server flight found")
    return idx


def split_packet(p, mss):
    from scapy.all import IP, Raw
    t = tcp_of(p)
    data = bytes(t.payload)
    out = []
    for off in range(0, len(data), mss):
        q = p.copy()
        qt = tcp_of(q)
        qt.remove_payload()
        qt.add_payload(Raw(data[off:off + mss]))
        qt.seq = (t.seq + off) & 0xffffffff
        last = off + mss >= len(data)
        qt.flags = t.flags if last else (t.flags & ~0x08)   # PSH on the last only
        qi = q[IP]
        qi.id = (p[IP].id + len(out)) & 0xffff
        del qi.len
        del qi.chksum
        del qt.chksum
        out.append(q)
    return out


def retime(pkts):
    """Timestamps strictly increasing; packets that were split (equal
    times) get 1 microsecond steps."""
    last = None
    for p in pkts:
        us = int((Decimal(p.time) * 1000000).to_integral_value())
        if last is not None and us <= last:
            us = last + 1
        p.time = Decimal(us) / Decimal(1000000)
        last = us
    return pkts


def cmd_resegment(a):
    from scapy.all import Ether
    pkts = load(a.input)
    cport, sport = connection(pkts)
    flight = set(server_flight(pkts, sport))
    out = []
    for i, p in enumerate(pkts):
        if i in flight:
            out.extend(split_packet(p, a.mss))
        else:
            out.append(p)
    # rebuild so that lengths / checksums are computed
    out = [Ether(bytes(p)) for p in out]
    save(a.output, retime_keep(out, pkts, flight, a.mss))


def reframe_payload(data, size, clear):
    """Cut every handshake record of `data` (whole records only) into
    records of at most `size` payload bytes while clear[0] holds (the
    direction's ChangeCipherSpec ends it). None if data is not whole
    records."""
    out, off = b"", 0
    while off < len(data):
        if len(data) - off < 5:
            return None
        ctype, ver, ln = data[off], data[off + 1:off + 3], int.from_bytes(data[off + 3:off + 5], "big")
        body = data[off + 5:off + 5 + ln]
        if len(body) != ln:
            return None
        if ctype == 22 and clear[0]:
            for o in range(0, ln, size):
                piece = body[o:o + size]
                out += bytes([22]) + ver + len(piece).to_bytes(2, "big") + piece
        else:
            out += data[off:off + 5 + ln]
        if ctype == 20:
            clear[0] = False
        off += 5 + ln
    return out


def cmd_reframe(a):
    """Every clear handshake record of both directions cut into records of
    --size bytes (RFC 5246 §6.2.1 allows any fragmentation of handshake
    messages into records); sequence and acknowledgement numbers moved by
    the bytes added, lengths and checksums recomputed."""
    from scapy.all import Ether, IP, Raw
    pkts = load(a.input)
    cport, sport = connection(pkts)
    clear = {cport: [True], sport: [True]}
    isn = {}
    growth = {cport: [], sport: []}   # (old relative end offset, growth so far)
    total = {cport: 0, sport: 0}

    def grown(port, rel):
        g = 0
        for end, so_far in growth[port]:
            if end <= rel:
                g = so_far
        return g

    out = []
    for p in pkts:
        t = tcp_of(p)
        if t.flags & 0x02:
            isn[t.sport] = t.seq
        q = p.copy()
        qt = tcp_of(q)
        data = bytes(t.payload)
        if data:
            new = reframe_payload(data, a.size, clear[t.sport])
            if new is None:
                fail("packet %d: payload is not whole records" % (len(out) + 1))
            rel = (t.seq - isn[t.sport] - 1) & 0xffffffff
            qt.seq = (t.seq + grown(t.sport, rel)) & 0xffffffff
            qt.remove_payload()
            qt.add_payload(Raw(new))
            total[t.sport] += len(new) - len(data)
            growth[t.sport].append((rel + len(data), total[t.sport]))
        elif t.sport in isn and not (t.flags & 0x02):
            rel = (t.seq - isn[t.sport] - 1) & 0xffffffff
            qt.seq = (t.seq + grown(t.sport, rel)) & 0xffffffff
        peer = cport if t.sport == sport else sport
        if (t.flags & 0x10) and peer in isn:
            rel = (t.ack - isn[peer] - 1) & 0xffffffff
            qt.ack = (t.ack + grown(peer, rel)) & 0xffffffff
        del q[IP].len
        del q[IP].chksum
        del qt.chksum
        out.append(q)
    save(a.output, [Ether(bytes(p)) for p in out])


def retime_keep(rebuilt, orig, flight, mss):
    """Timestamps for the rebuilt packets: the pieces of a split packet are
    1 microsecond apart, and every later packet is shifted by the time the
    extra pieces took, so the original gaps between packets are kept."""
    times = []
    shift = 0
    for i, p in enumerate(orig):
        us = int((Decimal(p.time) * 1000000).to_integral_value()) + shift
        n = 1
        if i in flight:
            plen = len(bytes(tcp_of(p).payload))
            n = (plen + mss - 1) // mss
        times.extend(us + k for k in range(n))
        shift += n - 1
    assert len(times) == len(rebuilt)
    for p, us in zip(rebuilt, times):
        p.time = Decimal(us) / Decimal(1000000)
    return retime(rebuilt)


def server_stream(pkts, sport):
    """{relative offset: payload} for the server's data segments, plus the
    server's ISN + 1."""
    isn = None
    segs = []
    for i, p in enumerate(pkts):
        t = tcp_of(p)
        if t.sport != sport:
            continue
        if t.flags & 0x02:
            isn = t.seq
            continue
        data = bytes(t.payload)
        if data:
            segs.append((i, (t.seq - isn - 1) & 0xffffffff, data))
    return segs


def cmd_drop_in_certificate(a):
    """Remove one server segment that lies inside certificate --cert N of
    the server's Certificate message (default 1, the second: the first
    certificate is intact; 0: not even the leaf is)."""
    pkts = load(a.input)
    cport, sport = connection(pkts)
    segs = server_stream(pkts, sport)
    stream = bytearray()
    for i, off, data in segs:
        if off == len(stream):
            stream += data
        elif off > len(stream):
            break
    # Walk TLS records until the Certificate handshake message.
    pos = 0
    cert_ranges = None
    while pos + 5 <= len(stream):
        ctype = stream[pos]
        rlen = int.from_bytes(stream[pos + 3:pos + 5], "big")
        body = pos + 5
        if ctype == 22 and stream[body] == 11:
            mlen = int.from_bytes(stream[body + 1:body + 4], "big")
            if mlen + 4 > rlen:
                fail("Certificate message spans records; not handled")
            p = body + 4 + 3
            cert_ranges = []
            while p < body + 4 + mlen:
                clen = int.from_bytes(stream[p:p + 3], "big")
                cert_ranges.append((p + 3, p + 3 + clen))
                p += 3 + clen
            break
        pos = body + rlen
    if not cert_ranges or len(cert_ranges) < 3:
        fail("no 3-certificate Certificate message in the server stream")
    c1_start, c1_end = cert_ranges[a.cert]
    victim = None
    for i, off, data in segs:
        if off >= c1_start and off + len(data) <= c1_end:
            victim = i
            break
    if victim is None:
        fail("no segment lies entirely inside certificate %d" % a.cert)
    sys.stderr.write("drop-in-certificate: removing packet %d (certificate %d spans "
                     "server stream bytes %d-%d)\n" % (victim + 1, a.cert, c1_start, c1_end))
    save(a.output, [p for i, p in enumerate(pkts) if i != victim])


###########################################################################
# Peers
###########################################################################

def cmd_xmpp_server(a):
    """Just enough of an XMPP server for `openssl s_client -starttls xmpp`."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", a.port))
    ls.listen(1)
    conn, _ = ls.accept()
    ls.close()
    conn.settimeout(10)

    def read_until(marker):
        buf = b""
        while marker not in buf:
            d = conn.recv(4096)
            if not d:
                fail("xmpp-server: client closed before %r" % marker)
            buf += d
        return buf

    read_until(b">")                       # the client's <stream:stream ...>
    conn.sendall(b"<?xml version='1.0'?>"
                 b"<stream:stream xmlns='jabber:client' "
                 b"xmlns:stream='http://etherx.jabber.org/streams' "
                 b"id='tlsdiag-1' from='example.com' version='1.0'>"
                 b"<stream:features>"
                 b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
                 b"</stream:features>")
    read_until(b"starttls")                # <starttls xmlns=.../>
    conn.sendall(b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.options |= ssl.OP_NO_TICKET
    chain = os.path.join(tempfile.mkdtemp(), "chain.pem")
    with open(chain, "w") as f:
        f.write(open(a.cert).read() + open(a.chain).read())
    ctx.load_cert_chain(chain, a.key)
    tls = ctx.wrap_socket(conn, server_side=True)
    try:
        while tls.recv(4096):
            pass
    except (ssl.SSLError, OSError):
        pass
    try:
        tls.unwrap()      # answer the client's close_notify
    except (ssl.SSLError, OSError):
        pass
    conn.close()


def cmd_sslv2_client(a):
    """Send an SSLv2-compatible (RFC 5246 appendix E.2) ClientHello offering
    TLS 1.2, read whatever the server answers, close."""
    from scapy.layers.tls.record_sslv2 import SSLv2
    from scapy.layers.tls.handshake_sslv2 import SSLv2ClientHello
    hello = bytes(SSLv2(msg=[SSLv2ClientHello(
        version=0x0303,
        ciphers=[0x00c02f, 0x00c030, 0x00009c, 0x00009d, 0x00002f, 0x000035,
                 0x0000ff, 0x010080, 0x0700c0],
        challenge=bytes(range(0x40, 0x60)))]))
    assert hello[0] & 0x80 and hello[2] == 1, hello.hex()
    s = socket.create_connection(("127.0.0.1", a.port), timeout=5)
    s.sendall(hello)
    s.settimeout(1.0)
    got = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            got += d
    except socket.timeout:
        pass
    sys.stdout.write("sslv2-client: sent %d bytes, received %d bytes\n" % (len(hello), len(got)))
    s.close()


###########################################################################
# tshark
###########################################################################

def tshark_pdml(pcap, decode_as=None):
    cmd = [TSHARK, "-n", "-r", pcap, "-T", "pdml",
           "-o", "tcp.desegment_tcp_streams:TRUE",
           "-o", "tls.desegment_ssl_records:TRUE",
           "-o", "tls.desegment_ssl_application_data:TRUE"]
    if decode_as:
        cmd[3:3] = ["-d", decode_as]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        fail("tshark failed on %s: %s" % (pcap, r.stderr.decode(errors="replace")))
    return ET.fromstring(r.stdout)


def walk(el, name):
    """All descendant <field>/<proto> elements called name, in document order."""
    return [e for e in el.iter() if e.get("name") == name]


def first(el, name):
    for e in el.iter():
        if e.get("name") == name:
            return e
    return None


def show(el, name, default=""):
    e = first(el, name)
    return e.get("show") if e is not None else default


def packet_fields(pkt):
    """frame number, srcport, dstport of a PDML packet."""
    num = int(show(pkt, "frame.number"))
    sport = show(pkt, "tcp.srcport")
    dport = show(pkt, "tcp.dstport")
    return num, int(sport) if sport else None, int(dport) if dport else None


def decode_as_for(pcap):
    """tshark needs help when nothing says TLS: no well-known port."""
    root = tshark_pdml(pcap)
    if any(True for _ in walk(root, "tls")):
        return root, None
    pkts = root.findall("packet")
    _, sp, dp = packet_fields(pkts[0])
    da = "tcp.port==%d,tls" % dp
    return tshark_pdml(pcap, da), da


def cmd_verify(a):
    root, da = decode_as_for(a.pcap)
    bad = []
    warn = []
    frames = 0
    streams = set()
    for pkt in root.findall("packet"):
        frames += 1
        num, _, _ = packet_fields(pkt)
        streams.add(show(pkt, "tcp.stream"))
        if first(pkt, "_ws.malformed") is not None:
            bad.append("frame %d: malformed" % num)
        for e in walk(pkt, "_ws.expert"):
            sev = show(e, "_ws.expert.severity")
            msg = show(e, "_ws.expert.message")
            if sev == "8388608":        # PI_ERROR
                bad.append("frame %d: expert error: %s" % (num, msg))
            elif sev == "6291456":      # PI_WARN
                warn.append("frame %d: %s" % (num, msg))
    if len(streams) != 1:
        bad.append("%d TCP streams" % len(streams))
    if frames == 0:
        bad.append("no frames")
    name = os.path.basename(a.pcap)
    if bad and not a.damaged:
        fail("%s: %s" % (name, "; ".join(bad)))
    sys.stderr.write("verify %s: %d frames, %s%s\n" % (
        name, frames, "tshark errors (expected): %s" % "; ".join(bad) if bad else "no tshark errors",
        " (decode-as %s)" % da if da else ""))
    for w in warn:
        sys.stderr.write("  tshark warning: %s\n" % w)


###########################################################################
# Expected description
###########################################################################

HS_NAMES = {
    0: "hello_request", 1: "client_hello", 2: "server_hello",
    3: "hello_verify_request", 4: "new_session_ticket", 5: "end_of_early_data",
    8: "encrypted_extensions", 11: "certificate", 12: "server_key_exchange",
    13: "certificate_request", 14: "server_hello_done", 15: "certificate_verify",
    16: "client_key_exchange", 20: "finished", 22: "certificate_status",
    24: "key_update", 254: "message_hash",
}
ALERT_LEVELS = {1: "warning", 2: "fatal"}
ALERT_DESCS = {
    0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac",
    21: "decryption_failed", 22: "record_overflow", 30: "decompression_failure",
    40: "handshake_failure", 41: "no_certificate", 42: "bad_certificate",
    43: "unsupported_certificate", 44: "certificate_revoked",
    45: "certificate_expired", 46: "certificate_unknown",
    47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied",
    50: "decode_error", 51: "decrypt_error", 60: "export_restriction",
    70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
    86: "inappropriate_fallback", 90: "user_canceled", 100: "no_renegotiation",
    109: "missing_extension", 110: "unsupported_extension",
    112: "unrecognized_name", 113: "bad_certificate_status_response",
    115: "unknown_psk_identity", 116: "certificate_required",
    120: "no_application_protocol",
}
CONTENT_TYPES = {20: "change_cipher_spec", 21: "alert", 22: "handshake",
                 23: "application_data", 24: "heartbeat"}
LOWER_PROTOS = {"geninfo", "frame", "eth", "ip", "ipv6", "tcp", "_ws.short",
                "_ws.malformed", "_ws.expert"}
HRR_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"


def hexlist(el, name, width, prefix=""):
    """Values of every `name` field under el, as fixed-width hex."""
    out = []
    for e in walk(el, name):
        v = e.get("show")
        n = int(v, 0)
        out.append("%s%0*x" % (prefix, width, n))
    return ",".join(out)


def declist(el, name):
    return ",".join(e.get("show") for e in walk(el, name))


def extension_elems(hs):
    """The extension subtrees of a hello (PDML: unnamed field whose first
    child is tls.handshake.extension.type)."""
    out = []
    for e in hs:
        if e.tag == "field" and len(e) and e[0].get("name") == "tls.handshake.extension.type":
            out.append(e)
    return out


def ext_types(hs):
    return ",".join(e[0].get("show") for e in extension_elems(hs))


def ext_by_type(hs, t):
    for e in extension_elems(hs):
        if int(e[0].get("show")) == t:
            return e
    return None


def openssl(args, der=None):
    r = subprocess.run([OPENSSL] + args, input=der, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode != 0:
        fail("openssl %s: %s" % (" ".join(args), r.stderr.decode(errors="replace")))
    return r.stdout.decode("utf-8", errors="replace")


def x509_field(der, opts):
    out = openssl(["x509", "-inform", "DER", "-noout"] + opts, der).strip()
    return out.split("=", 1)[1] if "=" in out else out


def x509_ext(der, name):
    """The text openssl prints for one extension, folded onto one line."""
    out = openssl(["x509", "-inform", "DER", "-noout", "-ext", name], der)
    lines = out.splitlines()
    if not lines:
        return ""
    head = lines[0]
    crit = "critical," if "critical" in head else ""
    body = ",".join(l.strip() for l in lines[1:] if l.strip())
    return crit + body


def cert_lines(der):
    """key=value lines describing one certificate, all from openssl."""
    L = []
    L.append("der_length=%d" % len(der))
    L.append("subject=%s" % x509_field(der, ["-subject", "-nameopt", "RFC2253"]))
    L.append("subject_utf8=%s" % x509_field(der, ["-subject", "-nameopt", "RFC2253,-esc_msb"]))
    L.append("issuer=%s" % x509_field(der, ["-issuer", "-nameopt", "RFC2253"]))
    L.append("issuer_utf8=%s" % x509_field(der, ["-issuer", "-nameopt", "RFC2253,-esc_msb"]))
    L.append("serial=%s" % x509_field(der, ["-serial"]))
    L.append("not_before=%s" % x509_field(der, ["-startdate", "-dateopt", "iso_8601"]))
    L.append("not_after=%s" % x509_field(der, ["-enddate", "-dateopt", "iso_8601"]))
    text = openssl(["x509", "-inform", "DER", "-noout", "-text", "-certopt",
                    "no_header,no_version,no_serial,no_validity,no_subject,"
                    "no_issuer,no_extensions,no_sigdump,no_aux"], der)
    m = re.search(r"Signature Algorithm: (\S+)", text)
    L.append("signature_algorithm=%s" % (m.group(1) if m else ""))
    m = re.search(r"Public Key Algorithm: (\S+)", text)
    L.append("key_type=%s" % (m.group(1) if m else ""))
    m = re.search(r"Public-Key: \((\d+) bit\)", text)
    L.append("key_bits=%s" % (m.group(1) if m else ""))
    m = re.search(r"NIST CURVE: (\S+)", text) or re.search(r"ASN1 OID: (\S+)", text)
    L.append("key_curve=%s" % (m.group(1) if m else ""))
    L.append("basic_constraints=%s" % x509_ext(der, "basicConstraints"))
    L.append("key_usage=%s" % x509_ext(der, "keyUsage"))
    L.append("eku=%s" % x509_ext(der, "extendedKeyUsage"))
    L.append("san=%s" % x509_ext(der, "subjectAltName"))
    L.append("sha1=%s" % x509_field(der, ["-fingerprint", "-sha1"]))
    L.append("sha256=%s" % x509_field(der, ["-fingerprint", "-sha256"]))
    return L


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, body):
    return bytes([tag]) + der_len(len(body)) + body


_SPKI = None


def dn_rfc2253(dn_der, nameopt):
    """Have openssl print a DistinguishedName (as found in a
    CertificateRequest): wrap it as the subject of an (unsigned) PKCS#10
    request and ask `openssl req` for the subject."""
    global _SPKI
    if _SPKI is None:
        pem = openssl(["x509", "-in", os.path.join(HERE, "pki", "ec-root.crt"),
                       "-noout", "-pubkey"])
        r = subprocess.run([OPENSSL, "pkey", "-pubin", "-outform", "DER"],
                           input=pem.encode(), stdout=subprocess.PIPE, check=True)
        _SPKI = r.stdout
    info = tlv(0x30, tlv(0x02, b"\x00") + dn_der + _SPKI + b"\xa0\x00")
    alg = tlv(0x30, tlv(0x06, bytes.fromhex("2a8648ce3d040302")))  # ecdsa-with-SHA256
    req = tlv(0x30, info + alg + tlv(0x03, b"\x00" + tlv(0x30, tlv(0x02, b"\x01") + tlv(0x02, b"\x01"))))
    out = openssl(["req", "-inform", "DER", "-noout", "-subject", "-nameopt", nameopt], req).strip()
    return out.split("=", 1)[1] if out.startswith("subject=") else out


class Expected:
    def __init__(self, root, pcap, decode_as):
        self.root = root
        self.pcap = pcap
        self.decode_as = decode_as
        self.pkts = root.findall("packet")
        _, self.client_port, self.server_port = packet_fields(self.pkts[0])
        self.msgs = []          # one-line summaries
        self.sections = []      # (header, [lines])
        self.cert_count = {"server": 0, "client": 0}
        self.negotiated = ""

    def dir_of(self, sport):
        return "c2s" if sport == self.client_port else "s2c"

    def run(self):
        for pkt in self.pkts:
            num, sport, _ = packet_fields(pkt)
            d = self.dir_of(sport)
            for proto in pkt.findall("proto"):
                pname = proto.get("name")
                if pname == "tls":
                    for rec in proto:
                        if rec.get("name") == "tls.record":
                            self.record(num, d, rec)
                elif pname not in LOWER_PROTOS:
                    # clear text before TLS (STARTTLS): tshark's protocol,
                    # and for XML protocols the first element's name
                    tag = first(proto, "xml.tag")
                    extra = ""
                    if tag is not None:
                        extra = " tag=%s" % tag.get("showname").strip("</>").split()[0]
                    self.line(num, d, "cleartext", pname + extra)

    def line(self, num, d, rtype, text):
        self.msgs.append("frame=%d dir=%s record=%s type=%s" % (num, d, rtype, text))

    def record(self, num, d, rec):
        # TLS 1.3 protected records carry an "opaque type" (always 23)
        ct = show(rec, "tls.record.content_type") or show(rec, "tls.record.opaque_type")
        rv = show(rec, "tls.record.version")
        if not ct:
            # SSLv2 record: tshark 4.0 uses tls.record with tls.record.length
            # and tls.handshake.type = 1 (Client Hello), no content type.
            if first(rec, "tls.record.is_escape") is not None or \
               first(rec, "tls.record.padding_length") is not None or \
               "SSLv2" in (rec.get("showname") or ""):
                self.sslv2_record(num, d, rec)
                return
            fail("frame %d: TLS record without content type: %s" % (num, rec.get("showname")))
        ct = int(ct)
        rtype = CONTENT_TYPES.get(ct, "content_type_%d" % ct)
        if ct == 22:
            hss = [e for e in rec if e.get("name") == "tls.handshake"]
            for hs in hss:
                t = show(hs, "tls.handshake.type")
                if t == "" and (hs.get("showname") or "").endswith("fragment)"):
                    # A piece of a message split over records: tshark
                    # shows the message where its last piece completes it.
                    continue
                if t == "":
                    self.line(num, d, rtype, "encrypted_handshake")
                    continue
                t = int(t)
                name = HS_NAMES.get(t, "handshake_%d" % t)
                if t == 2 and show(hs, "tls.handshake.random").replace(":", "") == HRR_RANDOM:
                    name = "hello_retry_request"
                self.line(num, d, rtype, name)
                self.handshake(num, d, rv, t, name, hs)
        elif ct == 20:
            self.line(num, d, rtype, "change_cipher_spec")
        elif ct == 21:
            lv = show(rec, "tls.alert_message.level")
            ds = show(rec, "tls.alert_message.desc")
            if lv == "" or ds == "":
                self.line(num, d, rtype, "encrypted_alert")
            else:
                lv, ds = int(lv), int(ds)
                self.line(num, d, rtype, "alert level=%s desc=%s(%d)" % (
                    ALERT_LEVELS.get(lv, str(lv)), ALERT_DESCS.get(ds, "unknown"), ds))
        elif ct == 23:
            self.line(num, d, rtype, "application_data length=%s" % show(rec, "tls.record.length"))
        else:
            self.line(num, d, rtype, "other")

    def sslv2_record(self, num, d, rec):
        t = show(rec, "tls.handshake.type")
        if t == "1":
            self.line(num, d, "sslv2", "sslv2_client_hello")
            L = ["frame=%d" % num, "dir=%s" % d,
                 "record_format=sslv2",
                 "version=%s" % ("0x%04x" % int(show(rec, "tls.handshake.version"), 0)),
                 "cipher_specs=%s" % hexlist(rec, "tls.handshake.cipherspec", 6),
                 "session_id_length=%s" % show(rec, "tls.handshake.session_id_length"),
                 "challenge_length=%s" % show(rec, "tls.handshake.challenge_length"),
                 "record_length=%s" % show(rec, "tls.record.length")]
            self.sections.append(("sslv2_client_hello", L))
        else:
            self.line(num, d, "sslv2", "sslv2_message_%s" % t)

    def handshake(self, num, d, rv, t, name, hs):
        L = ["frame=%d" % num, "dir=%s" % d]
        if t == 1:
            L.append("record_version=%s" % rv)
            L += self.client_hello(hs)
            self.sections.append(("client_hello", L))
        elif t == 2:
            L.append("record_version=%s" % rv)
            L += self.server_hello(hs, name)
            if name == "server_hello":
                sv = [l.split("=", 1)[1] for l in L if l.startswith("supported_version=")]
                self.negotiated = (sv[0] if sv and sv[0] else show(hs, "tls.handshake.version"))
            self.sections.append((name, L))
        elif t == 11:
            side = "server" if d == "s2c" else "client"
            certs = [bytes.fromhex(e.get("value")) for e in walk(hs, "tls.handshake.certificate")]
            L.append("side=%s" % side)
            L.append("count=%d" % len(certs))
            self.sections.append(("certificate", L))
            for i, der in enumerate(certs):
                self.sections.append(("cert", ["frame=%d" % num, "side=%s" % side,
                                               "index=%d" % i] + cert_lines(der)))
            self.cert_count[side] += len(certs)
        elif t == 13:
            L += self.certificate_request(hs)
            self.sections.append(("certificate_request", L))

    def client_hello(self, hs):
        L = []
        L.append("version=%s" % show(hs, "tls.handshake.version"))
        L.append("session_id_length=%s" % show(hs, "tls.handshake.session_id_length"))
        L.append("cipher_suites=%s" % hexlist(hs, "tls.handshake.ciphersuite", 4))
        L.append("compression_methods=%s" % hexlist(hs, "tls.handshake.comp_method", 2))
        L.append("extensions=%s" % ext_types(hs))
        L.append("sni=%s" % ",".join(e.get("show") for e in walk(hs, "tls.handshake.extensions_server_name")))
        L.append("alpn=%s" % ",".join(e.get("show") for e in walk(hs, "tls.handshake.extensions_alpn_str")))
        sv = ext_by_type(hs, 43)
        L.append("supported_versions=%s" % (hexlist(sv, "tls.handshake.extensions.supported_version", 4, "0x") if sv is not None else ""))
        sa = ext_by_type(hs, 13)
        L.append("signature_algorithms=%s" % (hexlist(sa, "tls.handshake.sig_hash_alg", 4) if sa is not None else ""))
        sg = ext_by_type(hs, 10)
        L.append("supported_groups=%s" % (hexlist(sg, "tls.handshake.extensions_supported_group", 4) if sg is not None else ""))
        ks = ext_by_type(hs, 51)
        L.append("key_share_groups=%s" % (hexlist(ks, "tls.handshake.extensions_key_share_group", 4) if ks is not None else ""))
        L.append("ja3_full=%s" % show(hs, "tls.handshake.ja3_full"))
        L.append("ja3=%s" % show(hs, "tls.handshake.ja3"))
        return L

    def server_hello(self, hs, name):
        L = []
        L.append("version=%s" % show(hs, "tls.handshake.version"))
        L.append("session_id_length=%s" % show(hs, "tls.handshake.session_id_length"))
        L.append("cipher_suite=%s" % hexlist(hs, "tls.handshake.ciphersuite", 4))
        L.append("compression_method=%s" % hexlist(hs, "tls.handshake.comp_method", 2))
        L.append("extensions=%s" % ext_types(hs))
        sv = ext_by_type(hs, 43)
        L.append("supported_version=%s" % (hexlist(sv, "tls.handshake.extensions.supported_version", 4, "0x") if sv is not None else ""))
        L.append("alpn=%s" % ",".join(e.get("show") for e in walk(hs, "tls.handshake.extensions_alpn_str")))
        ks = ext_by_type(hs, 51)
        grp = ""
        if ks is not None:
            grp = hexlist(ks, "tls.handshake.extensions_key_share_group", 4) or \
                hexlist(ks, "tls.handshake.extensions_key_share_selected_group", 4)
        L.append("key_share_group=%s" % grp)
        L.append("ja3s_full=%s" % show(hs, "tls.handshake.ja3s_full"))
        L.append("ja3s=%s" % show(hs, "tls.handshake.ja3s"))
        return L

    def certificate_request(self, hs):
        L = []
        L.append("cert_types=%s" % declist(hs, "tls.handshake.cert_type"))
        L.append("signature_algorithms=%s" % hexlist(hs, "tls.handshake.sig_hash_alg", 4))
        dns = walk(hs, "tls.handshake.dname")
        L.append("ca_count=%d" % len(dns))
        for i, dn in enumerate(dns):
            # tshark gives each RDN SET's content; re-wrap as SET and SEQUENCE
            items = [bytes.fromhex(e.get("value")) for e in dn
                     if e.get("name") == "x509if.RDNSequence_item"]
            der = tlv(0x30, b"".join(tlv(0x31, i) for i in items))
            L.append("ca.%d=%s" % (i, dn_rfc2253(der, "RFC2253")))
            L.append("ca.%d.utf8=%s" % (i, dn_rfc2253(der, "RFC2253,-esc_msb")))
            L.append("ca.%d.der=%s" % (i, der.hex()))
        return L

    def emit(self, out, extra_sections=()):
        name = os.path.basename(self.pcap)
        out.write("# Expected dissection of %s, derived from tshark (PDML) and openssl\n" % name)
        out.write("# by make-tls-captures.sh; never from tlsdiag.  Format: README.md.\n")
        out.write("[capture]\n")
        out.write("file=%s\n" % name)
        out.write("frames=%d\n" % len(self.pkts))
        out.write("client_port=%d\n" % self.client_port)
        out.write("server_port=%d\n" % self.server_port)
        out.write("tshark_decode_as=%s\n" % (self.decode_as or ""))
        out.write("negotiated_version=%s\n" % self.negotiated)
        out.write("server_certificates=%d\n" % self.cert_count["server"])
        out.write("client_certificates=%d\n" % self.cert_count["client"])
        out.write("\n[messages]\n")
        for m in self.msgs:
            out.write(m + "\n")
        for hdr, L in list(self.sections) + list(extra_sections):
            out.write("\n[%s]\n" % hdr)
            for l in L:
                out.write(l + "\n")


def gap_sections(gap_pcap, orig_pcap):
    """Describe what the removed segment destroyed: the removed server stream
    bytes, and for each certificate of the server's Certificate message (as
    tshark reads it from the undamaged capture) whether all its bytes are in
    the damaged capture."""
    gp, op = load(gap_pcap), load(orig_pcap)
    _, sport = connection(op)
    have = {(off, len(data)) for _, off, data in server_stream(gp, sport)}
    osegs = server_stream(op, sport)
    removed = [(off, off + len(data)) for _, off, data in osegs if (off, len(data)) not in have]
    stream = bytearray()
    for _, off, data in osegs:
        if off == len(stream):
            stream += data
    root, _ = decode_as_for(orig_pcap)
    L = ["original=expected/%s" % os.path.basename(orig_pcap),
         "removed_segments=%d" % len(removed)]
    for a, b in removed:
        L.append("removed_server_stream_bytes=%d-%d" % (a, b - 1))
    secs = [("gap", L)]
    certs = []
    for pkt in root.findall("packet"):
        _, sp, _ = packet_fields(pkt)
        if sp != sport:
            continue
        for hs in walk(pkt, "tls.handshake"):
            if show(hs, "tls.handshake.type") == "11":
                certs = [bytes.fromhex(e.get("value")) for e in walk(hs, "tls.handshake.certificate")]
                break
        if certs:
            break
    for i, der in enumerate(certs):
        start = stream.find(der)
        if start < 0:
            fail("certificate %d not found in the original server stream" % i)
        end = start + len(der)
        intact = all(b <= start or a >= end for a, b in removed)
        secs.append(("original_cert", ["side=server", "index=%d" % i,
                                       "server_stream_bytes=%d-%d" % (start, end - 1),
                                       "intact_in_damaged_capture=%s" % ("yes" if intact else "no")]
                     + cert_lines(der)))
    return secs


def cmd_expected(a):
    root, da = decode_as_for(a.pcap)
    e = Expected(root, a.pcap, da)
    e.run()
    extra = gap_sections(a.pcap, a.original) if a.original else ()
    e.emit(sys.stdout, extra)


###########################################################################

def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("canonicalize"); p.add_argument("input"); p.add_argument("output")
    p = sub.add_parser("resegment"); p.add_argument("--mss", type=int, required=True)
    p.add_argument("input"); p.add_argument("output")
    p = sub.add_parser("reframe"); p.add_argument("--size", type=int, required=True)
    p.add_argument("input"); p.add_argument("output")
    p = sub.add_parser("drop-in-certificate"); p.add_argument("input"); p.add_argument("output")
    p.add_argument("--cert", type=int, default=1)
    p = sub.add_parser("xmpp-server"); p.add_argument("--port", type=int, required=True)
    p.add_argument("--cert", required=True); p.add_argument("--key", required=True)
    p.add_argument("--chain", required=True)
    p = sub.add_parser("sslv2-client"); p.add_argument("--port", type=int, required=True)
    p = sub.add_parser("verify"); p.add_argument("--damaged", action="store_true")
    p.add_argument("pcap")
    p = sub.add_parser("expected"); p.add_argument("--original"); p.add_argument("pcap")
    a = ap.parse_args()
    {"canonicalize": cmd_canonicalize, "resegment": cmd_resegment,
     "reframe": cmd_reframe,
     "drop-in-certificate": cmd_drop_in_certificate, "xmpp-server": cmd_xmpp_server,
     "sslv2-client": cmd_sslv2_client, "verify": cmd_verify,
     "expected": cmd_expected}[a.cmd](a)


if __name__ == "__main__":
    main()

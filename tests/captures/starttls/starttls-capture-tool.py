#!/usr/bin/python3
"""starttls-capture-tool.py - the clear-text sides of TLS-inside-another-
protocol captures (make-starttls-captures.sh), around real TLS handshakes
(Python's ssl module: OpenSSL).

  server PROTO PORT CERT KEY CHAIN   one connection: the protocol's clear
                                     preamble as its specification writes
                                     it, then TLS as the server (irc, nntp,
                                     sieve, lmtp: for openssl s_client
                                     -starttls; mysql, rdp, tds: for the
                                     client below)
  client PROTO PORT CAFILE           mysql: HandshakeV10 read, SSLRequest
                                     (CLIENT_SSL), TLS; rdp: X.224
                                     Connection Request with RDP_NEG_REQ
                                     (PROTOCOL_SSL), Confirm, TLS; tds:
                                     PRELOGIN (ENCRYPTION on), response,
                                     then the TLS handshake inside PRELOGIN
                                     packets ([MS-TDS] 2.2.6.5), then bare TLS
  expected TSHARK PCAP PROTO PORT    tshark's reading: certificates by
                                     SHA-256 and side, alerts
"""
import hashlib
import socket
import ssl
import struct
import subprocess
import sys


def recv_line(s):
    b = b""
    while not b.endswith(b"\n"):
        c = s.recv(1)
        if not c:
            break
        b += c
    return b


def recv_n(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b


def server_ctx(cert, key, chain):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2  # certificates in the clear
    ctx.load_cert_chain(cert, key)
    if chain:
        ctx.load_verify_locations(chain)
    return ctx


def finish_tls(conn, ctx, server_side):
    t = ctx.wrap_socket(conn, server_side=server_side)
    if server_side:
        t.recv(100)
        t.sendall(b"bye\r\n")
    else:
        t.sendall(b"hello\r\n")
        t.recv(100)
    t.close()


def chain_ctx(cert, key, chain):
    # the server sends leaf + intermediate: a bundle file
    import tempfile
    f = tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False)
    f.write(open(cert).read() + open(chain).read())
    f.close()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(f.name, key)
    return ctx


def tds_pkt(typ, payload, pid=1):
    return struct.pack(">BBHHBB", typ, 1, 8 + len(payload), 0, pid, 0) + payload


# [MS-TDS] 2.2.6.5: option tokens (token, offset, length), 0xff, then the
# data: VERSION 15.0.2000, ENCRYPTION = ENCRYPT_ON, INSTOPT, THREADID, MARS
PRELOGIN = (struct.pack(">BHH", 0, 26, 6) + struct.pack(">BHH", 1, 32, 1) +
            struct.pack(">BHH", 2, 33, 1) + struct.pack(">BHH", 3, 34, 4) +
            struct.pack(">BHH", 4, 38, 1) + b"\xff" +
            bytes([15, 0, 0x07, 0xd0, 0, 0]) + b"\x01" + b"\x00" + bytes(4) + b"\x00")


def tds_handshake(sock, obj, inc, out, server):
    """Run the TLS handshake with its records inside PRELOGIN packets."""
    while True:
        try:
            obj.do_handshake()
            done = True
        except ssl.SSLWantReadError:
            done = False
        data = out.read()
        if data:
            sock.sendall(tds_pkt(0x12, data))
        if done:
            return
        h = recv_n(sock, 8)
        typ, st, ln = struct.unpack(">BBH", h[:4])
        inc.write(recv_n(sock, ln - 8))


def server(proto, port, cert, key, chain):
    ctx = chain_ctx(cert, key, chain)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(1)
    conn, _ = ls.accept()
    if proto == "irc":
        recv_line(conn)  # STARTTLS
        conn.sendall(b":irc.example.net 670 * :STARTTLS successful, proceed with TLS handshake\r\n")
    elif proto == "nntp":
        conn.sendall(b"200 news.example.net InterNetNews NNRP server ready\r\n")
        recv_line(conn)  # CAPABILITIES (RFC 3977 §5.2)
        conn.sendall(b"101 Capability list:\r\nVERSION 2\r\nREADER\r\nSTARTTLS\r\n.\r\n")
        recv_line(conn)  # STARTTLS (RFC 4642 §2.2)
        conn.sendall(b"382 Continue with TLS negotiation\r\n")
    elif proto == "sieve":
        conn.sendall(b'"IMPLEMENTATION" "tlsdiag test ManageSieve"\r\n"SIEVE" "fileinto"\r\n'
                     b'"STARTTLS"\r\n"VERSION" "1.0"\r\nOK "ready"\r\n')
        recv_line(conn)
        conn.sendall(b'OK "Begin TLS negotiation now."\r\n')
    elif proto == "lmtp":
        conn.sendall(b"220 mda.example.net LMTP server ready\r\n")
        recv_line(conn)  # LHLO
        conn.sendall(b"250-mda.example.net\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n"
                     b"250 STARTTLS\r\n")
        recv_line(conn)
        conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
    elif proto == "mysql":
        ver = b"10.11.6-MariaDB-0+deb12u1\x00"
        caps = 0xf7fe | 0x0800
        p = b"\x0a" + ver + struct.pack("<I", 7) + b"(Fgd!2vZ\x00" + struct.pack("<H", caps & 0xffff) + \
            b"\x2d" + struct.pack("<H", 2) + struct.pack("<H", 0x81ff) + b"\x15" + b"\x00" * 6 + \
            struct.pack("<I", 0) + b"]L`)b{g:4@Zw\x00" + b"mysql_native_password\x00"
        conn.sendall(struct.pack("<I", len(p))[:3] + b"\x00" + p)
        recv_n(conn, 36)  # SSLRequest
    elif proto == "rdp":
        h = recv_n(conn, 4)
        recv_n(conn, struct.unpack(">H", h[2:4])[0] - 4)
        x = bytes([0xd0, 0, 0, 0x12, 0x34, 0]) + bytes([2, 0x1f, 8, 0, 1, 0, 0, 0])
        conn.sendall(bytes([3, 0]) + struct.pack(">H", 5 + len(x)) + bytes([len(x)]) + x)
    elif proto == "tds":
        h = recv_n(conn, 8)
        recv_n(conn, struct.unpack(">H", h[2:4])[0] - 8)
        conn.sendall(tds_pkt(0x04, PRELOGIN))
        inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
        obj = ctx.wrap_bio(inc, out, server_side=True)
        tds_handshake(conn, obj, inc, out, True)
        # bare TLS from here on
        data = recv_n(conn, 5)
        data += recv_n(conn, struct.unpack(">H", data[3:5])[0])
        inc.write(data)
        obj.read(100)
        obj.write(b"bye")
        conn.sendall(out.read())
        conn.close()
        return
    finish_tls(conn, ctx, True)


def client(proto, port, cafile):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.load_verify_locations(cafile)
    s = socket.create_connection(("127.0.0.1", port))
    if proto == "mysql":
        h = recv_n(s, 4)
        recv_n(s, struct.unpack("<I", h[:3] + b"\x00")[0])
        caps = 0x000aa205 | 0x0800 | 0x0200
        s.sendall(struct.pack("<I", 32)[:3] + b"\x01" + struct.pack("<IIB", caps, 1 << 24, 0x2d) +
                  b"\x00" * 23)
    elif proto == "rdp":
        cookie = b"Cookie: mstshash=tester\r\n"
        x = bytes([0xe0, 0, 0, 0, 0, 0]) + cookie + bytes([1, 0, 8, 0, 1, 0, 0, 0])
        s.sendall(bytes([3, 0]) + struct.pack(">H", 5 + len(x)) + bytes([len(x)]) + x)
        h = recv_n(s, 4)
        recv_n(s, struct.unpack(">H", h[2:4])[0] - 4)
    elif proto == "tds":
        s.sendall(tds_pkt(0x12, PRELOGIN))
        h = recv_n(s, 8)
        recv_n(s, struct.unpack(">H", h[2:4])[0] - 8)
        inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
        obj = ctx.wrap_bio(inc, out, server_side=False)
        tds_handshake(s, obj, inc, out, False)
        obj.write(b"hello")
        s.sendall(out.read())
        data = recv_n(s, 5)
        data += recv_n(s, struct.unpack(">H", data[3:5])[0])
        s.close()
        return
    finish_tls(s, ctx, False)


def pem_ders(path):
    out = subprocess.run(["openssl", "crl2pkcs7", "-nocrl", "-certfile", path],
                         capture_output=True, check=True).stdout
    text = subprocess.run(["openssl", "pkcs7", "-print_certs"], input=out,
                          capture_output=True, check=True).stdout.decode()
    ders, cur = [], []
    for line in text.splitlines():
        if "BEGIN CERTIFICATE" in line:
            cur = [line]
        elif cur:
            cur.append(line)
            if "END CERTIFICATE" in line:
                ders.append(subprocess.run(["openssl", "x509", "-outform", "DER"],
                                           input="\n".join(cur).encode(),
                                           capture_output=True, check=True).stdout)
                cur = []
    return ders


def expected(tshark, pcap, proto, port, cert=None, chain=None):
    decode = {"mysql": "mysql", "rdp": "tpkt", "tds": "tds"}
    cmd = [tshark, "-r", pcap, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=;",
           "-e", "tcp.srcport", "-e", "tls.handshake.certificate"]
    if proto in decode:
        cmd[3:3] = ["-d", "tcp.port==%s,%s" % (port, decode[proto])]
    rows = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.splitlines()
    print("# what tshark reads in %s (starttls-capture-tool.py expected); not from tlsdiag"
          % pcap.split("/")[-1])
    print("[capture]")
    print("starttls=%s" % proto)
    print("server_port=%s" % port)
    lines, n = [], {"server": 0, "client": 0}
    for r in rows:
        sp, _, certs = r.partition("\t")
        if not certs:
            continue
        side = "server" if sp == str(port) else "client"
        for h in certs.split(";"):
            der = bytes.fromhex(h.replace(":", ""))
            lines.append("side=%s index=%d sha256=%s" % (side, n[side], hashlib.sha256(der).hexdigest()))
            n[side] += 1
    if lines:
        print("source=tshark")
    elif cert:
        # tshark 4.0 does not follow TLS after this preamble: the chain the
        # server was configured with, as openssl reads the files
        print("source=openssl (the server's configured chain; tshark shows no certificate)")
        for i, der in enumerate(pem_ders(cert) + pem_ders(chain)):
            lines.append("side=server index=%d sha256=%s" % (i, hashlib.sha256(der).hexdigest()))
    print("[certificates]")
    for line in lines:
        print(line)


if __name__ == "__main__":
    a = sys.argv
    if a[1] == "server":
        server(a[2], int(a[3]), a[4], a[5], a[6])
    elif a[1] == "client":
        client(a[2], int(a[3]), a[4])
    elif a[1] == "expected":
        expected(a[2], a[3], a[4], a[5], *(a[6:8]))

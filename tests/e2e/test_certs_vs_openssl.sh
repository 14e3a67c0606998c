#!/bin/bash
# Every certificate in every capture of the repository, as tlsdiag's JSON
# shows it, against an independent decoder: tshark extracts the DER of
# each certificate from the handshake, openssl decodes it. Subject,
# issuer, serial, validity, SAN (DNS and IP), EKU, key size and both
# fingerprints must agree, and tlsdiag must show exactly the certificates
# tshark sees (same multiset of SHA-256 per capture).
set -u
: "${TLSDIAG:?}" "${top_srcdir:?}"
[ -n "${TSHARK:-}" ] || { echo "tshark not found"; exit 77; }
[ -n "${OPENSSL:-}" ] || { echo "openssl not found"; exit 77; }
exec /usr/bin/python3 - "$TLSDIAG" "$TSHARK" "$OPENSSL" "$top_srcdir" <<'PY'
import glob, hashlib, ipaddress, json, os, re, subprocess, sys, tempfile

tlsdiag, tshark, openssl, top = sys.argv[1:5]
caps = sorted(glob.glob(f"{top}/samples/*.pcap") + glob.glob(f"{top}/tests/captures/**/*.pcap", recursive=True)
              + glob.glob(f"{top}/tests/captures/**/*.pcapng", recursive=True))
fails = 0
checked = 0

def fail(msg):
    global fails
    fails += 1
    if fails <= 40:
        print("FAIL:", msg)

EKU = {"TLS Web Server Authentication": "serverAuth", "TLS Web Client Authentication": "clientAuth",
       "Code Signing": "codeSigning", "E-mail Protection": "emailProtection",
       "Time Stamping": "timeStamping", "OCSP Signing": "OCSPSigning",
       "IPSec End System": "ipsecEndSystem", "IPSec Tunnel": "ipsecTunnel", "IPSec User": "ipsecUser",
       "Any Extended Key Usage": "anyExtendedKeyUsage"}

def utf8_dn(s):
    # openssl -nameopt RFC2253 escapes bytes >= 0x80 as \XX: undo those only.
    out, i, b = [], 0, bytearray()
    while i < len(s):
        m = re.match(r"\\([0-9A-F]{2})", s[i:])
        if m and int(m.group(1), 16) >= 0x80:
            b.append(int(m.group(1), 16)); i += 3; continue
        if b:
            out.append(b.decode("utf-8", "replace")); b = bytearray()
        out.append(s[i]); i += 1
    if b:
        out.append(b.decode("utf-8", "replace"))
    return "".join(out)

def ossl(der):
    with tempfile.NamedTemporaryFile(suffix=".der") as f:
        f.write(der); f.flush()
        r = subprocess.run([openssl, "x509", "-inform", "DER", "-in", f.name, "-noout",
                            "-subject", "-issuer", "-serial", "-startdate", "-enddate",
                            "-nameopt", "RFC2253", "-dateopt", "iso_8601",
                            "-ext", "subjectAltName,extendedKeyUsage", "-text"],
                           capture_output=True, text=True, errors="replace")
    if r.returncode != 0:
        return None
    o = {}
    t = r.stdout
    o["subject"] = utf8_dn(re.search(r"^subject=(.*)$", t, re.M).group(1))
    o["issuer"] = utf8_dn(re.search(r"^issuer=(.*)$", t, re.M).group(1))
    o["serial"] = re.search(r"^serial=(.*)$", t, re.M).group(1).lower()
    o["not_before"] = re.search(r"^notBefore=(.*)$", t, re.M).group(1).replace(" ", "T")
    o["not_after"] = re.search(r"^notAfter=(.*)$", t, re.M).group(1).replace(" ", "T")
    m = re.search(r"X509v3 Subject Alternative Name:.*?\n\s+(.*)\n", t)
    san = m.group(1) if m else ""
    o["dns"] = [x.strip()[4:] for x in san.split(",") if x.strip().startswith("DNS:")]
    o["ip"] = [str(ipaddress.ip_address(x.strip()[11:])) for x in san.split(",")
               if x.strip().startswith("IP Address:")]
    m = re.search(r"X509v3 Extended Key Usage:.*?\n\s+(.*)\n", t)
    o["eku"] = [EKU.get(x.strip(), x.strip()) for x in m.group(1).split(",")] if m else []
    m = re.search(r"Public-Key: \((\d+) bit\)", t)
    o["bits"] = int(m.group(1)) if m else None
    o["sha1"] = hashlib.sha1(der).hexdigest()
    o["sha256"] = hashlib.sha256(der).hexdigest()
    return o

for cap in caps:
    name = os.path.relpath(cap, top)
    r = subprocess.run([tshark, "-r", cap, "-n", "-o", "tcp.desegment_tcp_streams:TRUE", "-o", "tcp.reassemble_out_of_order:TRUE",
                        "-d", "tcp.port==5222,xmpp", "-T", "fields", "-e", "tls.handshake.certificate",
                        "-e", "dtls.handshake.certificate"],
                       capture_output=True, text=True)
    want = []
    for line in r.stdout.splitlines():
        for h in line.replace("\t", ",").split(","):
            h = h.strip().replace(":", "")
            if h:
                want.append(bytes.fromhex(h))
    exp = tempfile.mkdtemp(prefix="tlsdiag-certs-")
    j = subprocess.run([tlsdiag, "--json", "-q", "--export-certs", exp, "--export-format", "der", cap],
                       capture_output=True, text=True)
    got = []
    exported = []  # (json certificate, path of the DER tlsdiag exported for it)
    for line in j.stdout.splitlines():
        d = json.loads(line)
        if d.get("type") != "session":
            continue
        for key, side in (("server_chain", "server"), ("client_chain", "client")):
            for c in d.get(key) or []:
                got.append(c)
                base = re.sub(r"(\.pcapng|\.pcap|\.cap)?(\.gz)?$", "", os.path.basename(cap))
                exported.append((c, f"{exp}/{base}-s{d['session']}-{side}-{c['index']}.der"))
    # Certificates tshark could not reassemble (a capture gap) are not on
    # its list; ours may include the ones before the gap.
    # tshark keeps the later of two conflicting overlapping copies; a
    # receiver (and tlsdiag) keeps the first: there the DER differs on
    # purpose, and only the export check below applies.
    if name.endswith("tcp_overlap_conflict.pcap"):
        want = []
    # Where tshark does not follow TLS after a clear-text preamble (IRC
    # STARTTLS, RDP's X.224 negotiation), the capture's expected file says
    # source=openssl and test_starttls.sh compares with the server's
    # configured chain; here only the export check below applies.
    stem = re.sub(r"\.pcap(ng)?$", "", os.path.basename(cap))
    try:
        with open(os.path.join(os.path.dirname(cap), "expected", stem + ".txt")) as f:
            if re.search(r"^source=openssl", f.read(), re.M):
                want = []
                name += " (tshark blind)"
    except OSError:
        pass
    want_fp = sorted(hashlib.sha256(x).hexdigest() for x in want)
    got_fp = sorted(c["sha256"] for c in got if not c.get("parse_error"))
    if "gap" not in name and "overlap_conflict" not in name and "tshark blind" not in name and want_fp != got_fp:
        fail(f"{name}: tshark sees {len(want_fp)} certificates, tlsdiag {len(got_fp)}")
    byfp = {c["sha256"]: c for c in got}
    pairs = []
    for der in want:
        fp = hashlib.sha256(der).hexdigest()
        c = byfp.get(fp)
        if c is None:
            if "gap" not in name:
                fail(f"{name}: certificate {fp[:16]} missing from tlsdiag's JSON")
            continue
        pairs.append((der, c, "tshark"))
    # Every certificate tlsdiag shows, through the DER it exports: this
    # covers captures where tshark cannot give the same bytes.
    for c, path in exported:
        if c.get("parse_error"):
            continue
        try:
            der = open(path, "rb").read()
        except OSError:
            fail(f"{name}: --export-certs wrote no {os.path.basename(path)}")
            continue
        pairs.append((der, c, "export"))
    subprocess.run(["rm", "-rf", exp])
    for der, c, src in pairs:
        o = ossl(der)
        if o is None:
            fail(f"{name}: openssl cannot read the DER ({src})")
            continue
        checked += 1
        who = f"{name} ({src}): {o['subject'][:60]}"
        for k in ("subject", "issuer", "serial", "not_before", "not_after", "sha1", "sha256"):
            if c.get(k) != o[k]:
                fail(f"{who}: {k} tlsdiag {c.get(k)!r} openssl {o[k]!r}")
        san = c.get("san") or {}
        if (san.get("dns") or []) != o["dns"]:
            fail(f"{who}: SAN DNS tlsdiag {san.get('dns')} openssl {o['dns']}")
        if [str(ipaddress.ip_address(x)) for x in (san.get("ip") or [])] != o["ip"]:
            fail(f"{who}: SAN IP tlsdiag {san.get('ip')} openssl {o['ip']}")
        if (c.get("eku") or []) != o["eku"]:
            fail(f"{who}: EKU tlsdiag {c.get('eku')} openssl {o['eku']}")
        if o["bits"] is not None and (c.get("key") or {}).get("bits") != o["bits"]:
            fail(f"{who}: key bits tlsdiag {(c.get('key') or {}).get('bits')} openssl {o['bits']}")

print(f"{len(caps)} captures, {checked} certificates compared with openssl, {fails} mismatches")
sys.exit(1 if fails or checked < 20 else 0)
PY

#!/bin/bash
# The X.509 differential test (issue 13): every certificate of
# tests/x509/corpus (made by openssl, tests/x509/make-corpus.py) and every
# Mozilla root of Debian's ca-certificates travels in a generated TLS
# capture (tests/x509/certs-to-pcap.py, one connection per certificate, its
# issuer sent after it), is decoded by tlsdiag (--json and --export-certs)
# and compared field by field with `openssl x509 -text -nameopt RFC2253`:
# subject, issuer, serial, dates, SAN, EKU, key usage, basic constraints,
# key type and size, curve, signature algorithm, version, unique IDs, the
# list of extensions with their criticality, policies, AIA and CRL URIs,
# fingerprints. The fields the JSON report does not carry come from
# tests/x509/x509dump (the same decoder, on the DER tlsdiag exported).
# Signatures: where `openssl dgst -verify` (pkeyutl for EdDSA) verifies the
# certificate's signature with its issuer's key, tlsdiag must say 1; where
# openssl says it does not verify, 0. Any difference fails the test.
set -u
: "${TLSDIAG:?}" "${top_srcdir:?}" "${top_builddir:?}"
[ -n "${OPENSSL:-}" ] || { echo "openssl not found"; exit 77; }
exec /usr/bin/python3 - "$TLSDIAG" "$OPENSSL" "$top_srcdir" "$top_builddir" <<'PY'
import base64, calendar, concurrent.futures, glob, hashlib, ipaddress, json, os, re
import subprocess, sys, tempfile

tlsdiag, openssl, top, build = sys.argv[1:5]
X = os.path.join(top, "tests/x509")
MOZILLA = "/usr/share/ca-certificates/mozilla"
tmp = tempfile.mkdtemp(prefix="tlsdiag-x509-")
fails = []


def fail(who, msg):
    fails.append("%s: %s" % (who, msg))


# ------------------------------------------------------------------ inputs

certs = []  # (name, der, issuer name or None)
byname = {}
for line in open(os.path.join(X, "MANIFEST")):
    path, issuer = line.split()
    der = open(os.path.join(X, "corpus", path), "rb").read()
    certs.append([path, der, None if issuer == "-" else path if issuer == "self" else issuer])
    byname[path] = der
mozilla = sorted(glob.glob(os.path.join(MOZILLA, "*.crt")))
for p in mozilla:
    pem = open(p).read()
    b64 = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", pem, re.S)
    der = base64.b64decode(b64.group(1))
    name = "mozilla/" + os.path.basename(p)
    certs.append([name, der, name])
    byname[name] = der
if not mozilla:
    print("note: no Mozilla roots in %s (ca-certificates not installed)" % MOZILLA)

# openssl's names of objects: oid -> (short, long)
objs = {}
for line in subprocess.run([openssl, "list", "-objects"], capture_output=True,
                           text=True).stdout.splitlines():
    m = re.match(r"(\S+) = (?:(.*), )?([0-9.]+)$", line)
    if m:
        objs[m.group(3)] = (m.group(1), m.group(2) or m.group(1))


def ln(oid):
    return objs.get(oid, (oid, oid))[1]


# ------------------------------------------------------------------ tlsdiag

for i, c in enumerate(certs):
    write = os.path.join(tmp, "c%d.der" % i)
    open(write, "wb").write(c[1])
    c.append(write)
chains = []
for c in certs:
    chain = [c[3]]
    if c[2] and c[2] != c[0]:
        chain.append(os.path.join(tmp, "c%d.der" % [x[0] for x in certs].index(c[2])))
    chains.append(" ".join(chain))
pcap = os.path.join(tmp, "x509.pcap")
subprocess.run(["/usr/bin/python3", os.path.join(X, "certs-to-pcap.py"), pcap],
               input="\n".join(chains), text=True, check=True)
exp = os.path.join(tmp, "export")
os.mkdir(exp)
r = subprocess.run([tlsdiag, "--json", "-q", "--export-certs", exp, "--export-format", "der", pcap],
                   capture_output=True, text=True)
sessions = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
sessions = [s for s in sessions if s.get("type") == "session"]
if len(sessions) != len(certs):
    fail("capture", "%d sessions in tlsdiag's JSON, %d certificates sent" % (len(sessions), len(certs)))
jsonby = {}   # sha256 -> (json certificate, exported DER path)
for s in sessions:
    for c in s.get("server_chain") or []:
        if c["index"] == 0:
            jsonby[c["sha256"]] = (c, "%s/x509-s%d-server-0.der" % (exp, s["session"]))

# ------------------------------------------------------------------ openssl


def ossl_text(der_path):
    r = subprocess.run([openssl, "x509", "-inform", "DER", "-in", der_path, "-noout", "-subject",
                        "-issuer", "-serial", "-startdate", "-enddate", "-nameopt", "RFC2253",
                        "-dateopt", "iso_8601", "-fingerprint", "-sha256", "-text"],
                       capture_output=True, text=True, errors="surrogateescape")
    return r.stdout if r.returncode == 0 else None


def utf8_dn(s):
    # -nameopt RFC2253 escapes bytes >= 0x80 as \XX: undo those only.
    out, i, b = [], 0, bytearray()
    while i < len(s):
        m = re.match(r"\\([0-9A-F]{2})", s[i:])
        if m and int(m.group(1), 16) >= 0x80:
            b.append(int(m.group(1), 16))
            i += 3
            continue
        if b:
            out.append(b.decode("utf-8", "replace"))
            b = bytearray()
        out.append(s[i])
        i += 1
    if b:
        out.append(b.decode("utf-8", "replace"))
    return "".join(out)


def block(text, header, indent):
    """What follows `header` (at `indent` spaces) on its line and on the
    lines indented more."""
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if l.startswith(" " * indent + header):
            rest = l[indent + len(header):].strip()
            out = [rest] if rest else []
            for m in lines[i + 1:]:
                if len(m) - len(m.lstrip(" ")) <= indent:
                    break
                out.append(m.strip())
            return out
    return None


def extensions(text):
    """[(name, critical, [value lines])] as openssl prints them."""
    out, cur = [], None
    lines = text.splitlines()
    try:
        start = lines.index("        X509v3 extensions:")
    except ValueError:
        return out
    for l in lines[start + 1:]:
        ind = len(l) - len(l.lstrip(" "))
        if not l.strip():
            continue  # openssl prints an empty value as an empty line
        if ind <= 8:
            break
        if ind == 12:
            m = re.match(r" {12}(.*): ?(critical)?$", l)
            cur = (m.group(1), bool(m.group(2)), [])
            out.append(cur)
        elif cur:
            cur[2].append(l.strip())
    return out


KU = {"Digital Signature": "digitalSignature", "Non Repudiation": "nonRepudiation",
      "Key Encipherment": "keyEncipherment", "Data Encipherment": "dataEncipherment",
      "Key Agreement": "keyAgreement", "Certificate Sign": "keyCertSign", "CRL Sign": "cRLSign",
      "Encipher Only": "encipherOnly", "Decipher Only": "decipherOnly"}
KEY_TYPE = {"rsaEncryption": "RSA", "rsassaPss": "RSA", "id-ecPublicKey": "EC", "ED25519": "Ed25519",
            "ED448": "Ed448", "dsaEncryption": "DSA", "X25519": "X25519", "X448": "X448"}


def days_from_civil(y, m, d):
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def parse_date(s):
    m = re.match(r"\s*(\d+)-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?Z$", s)
    if not m:
        return None, None
    y, mo, d, h, mi, sec = (int(m.group(k)) for k in range(1, 7))
    return ("%04d-%02d-%02dT%02d:%02d:%02dZ" % (y, mo, d, h, mi, sec),
            days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec)


def san_items(lines):
    if not lines:
        return []
    return [x.strip() for x in " ".join(lines).split(", ")]


def parse(text, der):
    o = {}
    def g(rx):
        m = re.search(rx, text, re.M)
        return m.group(1).rstrip() if m else None
    o["subject"] = utf8_dn(g(r"^subject=(.*)$") or "")
    o["issuer"] = utf8_dn(g(r"^issuer=(.*)$") or "")
    # long serials continue on the next lines after a backslash
    m = re.search(r"^serial=((?:[0-9A-F-]*\\\n)*[0-9A-F-]*)$", text, re.M)
    o["serial"] = m.group(1).replace("\\\n", "").lower() if m else ""
    o["not_before"] = parse_date(g(r"^notBefore=(.*)$") or "")
    o["not_after"] = parse_date(g(r"^notAfter=(.*)$") or "")
    o["fp256"] = (g(r"^sha256 Fingerprint=(.*)$") or "").replace(":", "").lower()
    v = g(r"^ {8}Version: (.*)$") or ""
    m = re.match(r"(\d+) \(0x", v)
    o["version"] = int(m.group(1)) if m else 0
    m = re.match(r"Unknown \((-?\d+)\)", v)
    o["version_num"] = int(m.group(1)) if m else o["version"] - 1
    o["sig_tbs"] = g(r"^ {8}Signature Algorithm: (.*)$")
    o["sig"] = g(r"^ {4}Signature Algorithm: (.*)$")
    spki = block(text, "Subject Public Key Info:", 8) or []
    o["key_alg"] = next((l.split(": ", 1)[1] for l in spki if l.startswith("Public Key Algorithm:")), None)
    o["key_loaded"] = not any(l.startswith("Unable to load Public Key") for l in spki)
    bits = [re.search(r"Public-Key: \((\d+) bit\)", l) for l in spki]
    bits = [b for b in bits if b]
    o["key_bits"] = int(bits[0].group(1)) if bits else None
    o["curve"] = next((l.split(": ", 1)[1] for l in spki if l.startswith("ASN1 OID:")), None)
    o["explicit"] = any(l.startswith("Field Type:") for l in spki)
    for k, h in (("issuer_uid", "Issuer Unique ID:"), ("subject_uid", "Subject Unique ID:")):
        b = block(text, h, 8)
        o[k] = "".join(b).replace(":", "").lower() if b is not None else None
    o["exts"] = extensions(text)
    o["sha1"] = hashlib.sha1(der).hexdigest()
    o["sha256"] = hashlib.sha256(der).hexdigest()
    return o


def same_name(ours, oid, theirs):
    """tlsdiag's name (or dotted OID when it has none) against what openssl
    printed: equal; or a name openssl 3.0 does not have (it prints the OID);
    or no name at tlsdiag and openssl's own name for the OID."""
    return ours == theirs or theirs == oid or (ours == oid and theirs == ln(oid))


def ext_value(o, oid):
    """The value lines of the first extension `oid` openssl printed, or None."""
    for name, crit, lines in o["exts"]:
        if name == ln(oid) or name == oid:
            return lines
    return None


def all_values(o, oid):
    return [lines for name, crit, lines in o["exts"] if name == ln(oid) or name == oid]


# ------------------------------------------------------------------ signatures by openssl

HASH = {"md5": "md5", "sha1": "sha1", "sha224": "sha224", "sha256": "sha256", "sha384": "sha384",
        "sha512": "sha512", "sha512-224": "sha512-224", "sha512-256": "sha512-256",
        "sha3-224": "sha3-224", "sha3-256": "sha3-256", "sha3-384": "sha3-384", "sha3-512": "sha3-512"}


def der_split(b):
    """(tag, contents, length of the whole TLV); BER indefinite lengths too."""
    tag, n = b[0], b[1]
    if n < 128:
        return tag, b[2:2 + n], 2 + n
    k = n & 0x7F
    if k == 0:
        off = 2
        while b[off:off + 2] != b"\0\0":
            off += der_split(b[off:])[2]
        return tag, b[2:off], off + 2
    n = int.from_bytes(b[2:2 + k], "big")
    return tag, b[2 + k:2 + k + n], 2 + k + n


def signed_parts(der):
    _, body, _ = der_split(der)
    tag, _, tl = der_split(body)
    tbs = body[:tl]
    _, _, al = der_split(body[tl:])
    alg = body[tl:tl + al]
    _, sig, _ = der_split(body[tl + al:])
    # the TBSCertificate's own AlgorithmIdentifier (after [0] and the serial)
    _, tbody, _ = der_split(tbs)
    off = 0
    if tbody[0] == 0xA0:
        off += der_split(tbody)[2]
    off += der_split(tbody[off:])[2]
    inner = tbody[off:off + der_split(tbody[off:])[2]]
    return tbs, alg, inner, sig[1:]


def openssl_verify(i, child, issuer, text, itext):
    """'ok', 'bad', or None (openssl cannot tell) for child's signature."""
    if text is None or itext is None:
        return None
    try:
        tbs, alg, inner, sig = signed_parts(child)
    except (ValueError, IndexError):
        return None
    if alg != inner:
        return "bad"  # X509_verify: signature algorithm mismatch
    d = os.path.join(tmp, "v%d" % i)
    os.makedirs(d, exist_ok=True)
    open(d + "/tbs", "wb").write(tbs)
    open(d + "/sig", "wb").write(sig)
    open(d + "/issuer.der", "wb").write(issuer)
    r = subprocess.run([openssl, "x509", "-inform", "DER", "-in", d + "/issuer.der", "-noout",
                        "-pubkey", "-out", d + "/pub.pem"], capture_output=True)
    if r.returncode != 0:
        return None
    name = (re.search(r"^ {4}Signature Algorithm: (.*)$", text, re.M) or [None, ""])[1].strip()
    if name in ("ED25519", "ED448"):
        args = ["pkeyutl", "-verify", "-pubin", "-inkey", d + "/pub.pem", "-rawin", "-in",
                d + "/tbs", "-sigfile", d + "/sig"]
    else:
        if name == "rsassaPss":
            m = re.search(r"Hash Algorithm: (\S+)(?: \(default\))?\n\s+Mask Algorithm: mgf1 with "
                          r"(\S+)(?: \(default\))?\n\s+(?:Minimum )?Salt Length: (?:0x)?([0-9A-Fa-f]+)"
                          r"( \(default\))?", text)
            if not m:
                return None
            md, mgf = m.group(1), m.group(2)
            salt = "20" if m.group(4) else str(int(m.group(3), 16))
            extra = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:" + salt,
                     "-sigopt", "rsa_mgf1_md:" + mgf]
        else:
            m = re.search(r"(md5|sha1|sha224|sha256|sha384|sha512-224|sha512-256|sha512|"
                          r"sha3-224|sha3-256|sha3-384|sha3-512)", name.replace("SHA", "sha")
                          .replace("_with_", "-").replace("WithRSA", "-"))
            if not m:
                return None
            md, extra = m.group(1), []
        args = ["dgst", "-" + HASH.get(md, md), "-verify", d + "/pub.pem", "-signature",
                d + "/sig"] + extra + [d + "/tbs"]
    r = subprocess.run([openssl] + args, capture_output=True, text=True)
    out = r.stdout + r.stderr
    if r.returncode == 0 and "Verified" in out:
        return "ok"
    if "Verification failure" in out or "Signature Verification Failure" in out:
        return "bad"
    return None


# ------------------------------------------------------------------ compare


def compare(i, c, text, ours, js):
    name, der, issuer = c[0], c[1], c[2]
    o = parse(text, der)
    who = name

    def eq(field, got, want):
        if got != want:
            fail(who, "%s: tlsdiag %r, openssl %r" % (field, got, want))

    # fingerprints and the DER that travelled
    eq("sha256 (openssl -fingerprint)", ours["sha256"], o["fp256"])
    eq("sha1", ours["sha1"], o["sha1"])
    # names, serial, version
    eq("subject", ours["subject"]["rfc4514"], o["subject"])
    eq("issuer", ours["issuer"]["rfc4514"], o["issuer"])
    eq("serial", ours["serial"], o["serial"])
    eq("version", ours["version"], o["version"] if o["version"] in (1, 2, 3) else 0)
    if o["version"] not in (1, 2, 3):
        eq("version number", ours["version_num"], o["version_num"])
    # dates
    for k in ("not_before", "not_after"):
        want = o[k][0]
        eq(k, ours[k], want)
        if want is not None:
            eq(k + " (seconds)", ours[k + "_epoch"], o[k][1])
    # key
    kt = KEY_TYPE.get(o["key_alg"])
    if not same_name(ours["key_alg"], ours["key_alg_oid"], o["key_alg"]):
        eq("key algorithm", ours["key_alg"], o["key_alg"])
    eq("key type", ours["key_type"], kt or "unknown")
    if o["key_loaded"] and o["key_bits"] is not None:
        eq("key bits", ours["key_bits"], o["key_bits"])
    if o["key_loaded"] and kt == "EC":
        eq("curve", ours["key_curve"], None if o["explicit"] else o["curve"])
        eq("explicit curve", ours["key_explicit_curve"], o["explicit"])
    # signature algorithm: openssl's name, or the OID where it has none
    if not same_name(ours["sig_alg"], ours["sig_alg_oid"], o["sig"]):
        eq("signature algorithm", ours["sig_alg"], o["sig"])
    eq("TBS algorithm differs", ours["sig_alg_mismatch"], o["sig"] != o["sig_tbs"] or
       signed_parts_mismatch(der))
    # unique IDs
    eq("issuerUniqueID", ours["issuer_uid"], o["issuer_uid"])
    eq("subjectUniqueID", ours["subject_uid"], o["subject_uid"])
    # extensions: names, criticality, order
    got = [(on if same_name(e["name"] or e["oid"], e["oid"], on) else e["name"] or e["oid"],
            e["critical"]) for e, (on, oc, _) in zip(ours["extensions"], o["exts"])]
    eq("extensions", got + [(e["name"] or e["oid"], e["critical"]) for e in ours["extensions"][len(got):]],
       [(n, c) for n, c, _ in o["exts"]])
    bad = {e["oid"] for e in ours["extensions"] if e["undecodable"]}
    # SAN
    sans = all_values(o, "2.5.29.17")
    if "2.5.29.17" in bad:
        items = san_items(sum(sans, []))
        if any(re.match(r"(DNS|IP Address|email|URI):", x) for x in items) and \
                not any("<invalid" in x for x in items):
            fail(who, "SAN: tlsdiag could not decode it, openssl did: %s" % items)
    else:
        items = [x for v in sans for x in san_items(v)]
        eq("has SAN", ours["has_san"], bool(sans))
        for prefix, key in (("DNS:", "san_dns"), ("email:", "san_email"), ("URI:", "san_uri")):
            eq("SAN " + prefix, ours[key], [x[len(prefix):] for x in items if x.startswith(prefix)])
        ips = []
        for x in items:
            if x.startswith("IP Address:"):
                v = x[11:]
                ips.append(v if v.startswith("<") else str(ipaddress.ip_address(v)))
        eq("SAN IP", [x if x.startswith("<") else str(ipaddress.ip_address(x)) for x in ours["san_ip"]], ips)
    # EKU
    v = ext_value(o, "2.5.29.37")
    if "2.5.29.37" in bad:
        if v and all(x in objs.values() or re.match(r"[0-9.]+$", x) for x in ", ".join(v).split(", ")):
            fail(who, "EKU: tlsdiag could not decode it, openssl did: %s" % v)
    else:
        want = [x for x in ", ".join(v or []).split(", ") if x]
        if v is not None and not ours["eku_oids"]:
            want = []  # an empty list: openssl prints the raw value instead
        eq("EKU", [ln(x) for x in ours["eku_oids"]], want)
        eq("EKU names", ours["eku_names"], [objs.get(x, (x, x))[0] for x in ours["eku_oids"]])
    # key usage
    v = ext_value(o, "2.5.29.15")
    if "2.5.29.15" not in bad:
        want = [KU.get(x, "?" + x) for x in ", ".join(v).split(", ") if x] if v else []
        if v is not None and not ours["key_usage"] and not all(x in KU for x in ", ".join(v).split(", ")):
            want = []  # no bit set: openssl prints the raw value instead
        eq("key usage", ours["key_usage"], want)
        eq("has key usage", ours["has_key_usage"], v is not None)
    elif v and all(x in KU for x in ", ".join(v).split(", ")):
        fail(who, "key usage: tlsdiag could not decode it, openssl did: %s" % v)
    # basic constraints
    v = ext_value(o, "2.5.29.19")
    if "2.5.29.19" not in bad:
        eq("has basicConstraints", ours["has_basic_constraints"], v is not None)
        if v is not None:
            t = ", ".join(v)
            eq("CA", ours["is_ca"], "CA:TRUE" in t)
            m = re.search(r"pathlen:(-?\d+)", t)
            eq("pathlen", ours["path_len"], min(int(m.group(1)), 2**31 - 1) if m else -1)
    elif v and re.match(r"CA:(TRUE|FALSE)(, pathlen:\d+)?$", ", ".join(v)):
        fail(who, "basicConstraints: tlsdiag could not decode it, openssl did: %s" % v)
    # policies, AIA, CRL DP
    v = ext_value(o, "2.5.29.32")
    if v is not None and "2.5.29.32" not in bad:
        eq("policies", [ln(x) for x in ours["policies"]],
           [x[8:] for x in v if x.startswith("Policy: ")])
    v = ext_value(o, "1.3.6.1.5.5.7.1.1")
    if v is not None and "1.3.6.1.5.5.7.1.1" not in bad:
        eq("OCSP", ours["ocsp"], [x[len("OCSP - URI:"):] for x in v if x.startswith("OCSP - URI:")])
        eq("caIssuers", ours["ca_issuers"],
           [x[len("CA Issuers - URI:"):] for x in v if x.startswith("CA Issuers - URI:")])
    v = ext_value(o, "2.5.29.31")
    if v is not None and "2.5.29.31" not in bad:
        eq("CRL DP", ours["crl_dp"], [x[4:] for x in v if x.startswith("URI:")])
    v = ext_value(o, "2.5.29.14")
    if v is not None and "2.5.29.14" not in bad:
        eq("SKI", ours["ski"], v[0].replace(":", "").lower())
    # tlsdiag's own JSON report for the same certificate
    if js is None:
        fail(who, "not in tlsdiag's JSON report")
        return
    eq("JSON subject", js["subject"], o["subject"])
    eq("JSON issuer", js["issuer"], o["issuer"])
    eq("JSON serial", js["serial"], o["serial"])
    eq("JSON not_before", js["not_before"], o["not_before"][0])
    eq("JSON not_after", js["not_after"], o["not_after"][0])
    eq("JSON sha1", js["sha1"], o["sha1"])
    eq("JSON signature", js["signature"], ours["sig_alg"])
    eq("JSON key", (js["key"]["type"], js["key"]["bits"], js["key"]["curve"]),
       ({"RSA": "RSA", "EC": "EC", "Ed25519": "Ed25519", "Ed448": "Ed448", "DSA": "DSA",
         "X25519": "X25519", "X448": "X448"}.get(ours["key_type"]),
        ours["key_bits"] or None, ours["key_curve"]))
    eq("JSON SAN", (js["san"]["dns"], js["san"]["ip"]), (ours["san_dns"], ours["san_ip"]))
    eq("JSON EKU", js["eku"], ours["eku_names"])
    eq("JSON key usage", js["key_usage"], ours["key_usage"])
    eq("JSON is_ca", js["is_ca"], ours["is_ca"])
    eq("JSON key algorithm", js["key"]["algorithm"], ours["key_alg"] or None)
    eq("JSON version", js["version"], o["version"] if o["version"] in (1, 2, 3) else None)
    eq("JSON signature_checked", js["signature_checked"], ours["sig_known"])
    # The extension list every view shows, against openssl's (names and
    # criticality, in order) and the decoder's flags.
    eq("JSON extensions (openssl)", [(n, c) for n, c in [(e["name"] or e["oid"], e["critical"])
                                                         for e in js["extensions"]]],
       [(e["name"] or e["oid"], e["critical"]) for e in ours["extensions"]])
    eq("JSON extension flags", [(e["oid"], e["handled"], e["duplicate"], e["decoded"])
                                for e in js["extensions"]],
       [(e["oid"], e["handled"], e["duplicate"], not e["undecodable"]) for e in ours["extensions"]])
    if o["version"] not in (1, 2, 3) and not any("version field holds" in r for r in js["remarks"]):
        fail(who, "JSON remarks do not name the unknown version number")
    if (js["not_before"] is None or js["not_after"] is None) and \
            not any("not parse" in r for r in js["remarks"]):
        fail(who, "JSON remarks do not say a date does not parse")
    if not js["signature_checked"] and not any("Signature not checked" in r for r in js["remarks"]):
        fail(who, "JSON remarks do not say the signature is not checked")


def signed_parts_mismatch(der):
    try:
        tbs, alg, inner, sig = signed_parts(der)
    except (ValueError, IndexError):
        return False
    return alg != inner


def check(i):
    c = certs[i]
    name, der, issuer = c[0], c[1], c[2]
    text = ossl_text(c[3])
    try:
        if der_split(der)[2] != len(der):
            text = None  # openssl reads the first object and ignores the rest
    except (ValueError, IndexError):
        pass
    fp = hashlib.sha256(der).hexdigest()
    js, path = jsonby.get(fp, (None, None))
    res = {"name": name, "openssl": text is not None, "verify": None}
    if path is None or not os.path.exists(path):
        fail(name, "tlsdiag did not show or export it")
        return res
    if open(path, "rb").read() != der:
        fail(name, "the DER tlsdiag exported is not the DER sent")
    res["path"] = path
    res["text"] = text
    if issuer:
        idx = [x[0] for x in certs].index(issuer)
        itext = ossl_text(certs[idx][3])
        res["verify"] = openssl_verify(i, der, certs[idx][1], text, itext)
        res["binary_curve"] = bool(itext and re.search(
            r"characteristic-two-field|ASN1 OID: (sect|c2)", itext))
        res["issuer_path"] = certs[idx][3]
    res["json"] = js
    return res


with concurrent.futures.ThreadPoolExecutor(4) as pool:
    results = list(pool.map(check, range(len(certs))))

dump_in = "\n".join("%s\t%s" % (r.get("path", "/dev/null"), r.get("issuer_path", "-"))
                    for r in results if "path" in r) + "\n"
d = subprocess.run([os.path.join(build, "tests/x509/x509dump")], input=dump_in,
                   capture_output=True, text=True)
if d.returncode != 0:
    print(d.stderr[-3000:])
    print("FAIL: x509dump exited with %d" % d.returncode)
    sys.exit(1)
dumps = iter([json.loads(l) for l in d.stdout.splitlines()])
compared = unparseable_ok = verified = 0
gaps = []
for i, r in enumerate(results):
    if "path" not in r:
        continue
    ours = next(dumps)
    c = certs[i]
    if r["openssl"]:
        if not ours["parse_ok"]:
            fail(r["name"], "unparseable (%s), openssl reads it" % ours["parse_error"])
            continue
        compared += 1
        try:
            compare(i, c, r["text"], ours, r["json"])
        except Exception as e:  # a comparison that cannot even be made
            fail(r["name"], "comparison failed: %r" % e)
    else:
        unparseable_ok += 1
        if not c[0].startswith("rejected/"):
            fail(r["name"], "openssl cannot read it: it belongs in rejected/")
    v = r["verify"]
    if v == "ok" and ours.get("verify") == -1 and r.get("binary_curve"):
        # ECDSA over GF(2^m) (sect*): openssl checks it, tlsdiag does not
        gaps.append(r["name"])
    elif v == "ok":
        verified += 1
        if ours.get("verify") != 1:
            fail(r["name"], "openssl verifies its signature, tlsdiag says %s" % ours.get("verify"))
    elif v == "bad" and ours.get("verify") != 0:
        fail(r["name"], "openssl says its signature does not verify, tlsdiag says %s" % ours.get("verify"))
    elif v is None and c[2] and ours.get("verify") == 1 and r["openssl"]:
        fail(r["name"], "tlsdiag verifies a signature openssl cannot check")

# RSA 8192 and 16384 CAs (DOMAIN §4: a known UC problem; Debian's wolfSSL
# stops at 4096 bits): in the capture, the leaf they signed is linked and a
# tampered one is a bad signature, which only a signature check can tell.
for name, want in (("keys/rsa8192-leaf.der", "linked"), ("sigs/tampered-rsa8192.der", "bad signature"),
                   ("keys/rsa16384-leaf.der", "linked"),
                   ("sigs/tampered-rsa16384.der", "bad signature")):
    js = jsonby.get(hashlib.sha256(byname[name]).hexdigest(), (None, None))[0]
    if js is None or js.get("status") != want:
        fail(name, "chain status %r, expected %r" % (js and js.get("status"), want))

subprocess.run(["rm", "-rf", tmp])
for f in fails[:60]:
    print("FAIL:", f)
if gaps:
    print("not checked by tlsdiag (ECDSA over a binary field): %d: %s" % (len(gaps), " ".join(gaps)))
print("%d certificates (%d corpus, %d Mozilla roots): %d compared with openssl, %d that openssl "
      "cannot read, %d signatures verified by both, %d differences"
      % (len(certs), len(certs) - len(mozilla), len(mozilla), compared, unparseable_ok, verified,
         len(fails)))
sys.exit(1 if fails or compared < 300 else 0)
PY

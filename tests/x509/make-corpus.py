#!/usr/bin/python3
"""make-corpus.py - make the X.509 differential corpus (tests/x509/corpus/).

Every certificate is made by openssl: `openssl req` + `openssl ca` with odd
configurations where those can make it, and a TBSCertificate written with
`openssl asn1parse -genconf`, signed with `openssl dgst` / `pkeyutl`, for
what they cannot (bad versions, unique IDs, odd string types and times,
duplicate or malformed extensions, unknown algorithms). A few BER forms no
openssl command writes (long-form lengths, indefinite lengths) are made by
re-encoding a genconf TBSCertificate here, then signed by openssl.

The outputs are committed; `make check` never runs this (RSA 16384 key
generation alone takes minutes). Keys are kept in keys/ (test keys, public)
so that a rerun reissues the same certificates from the same keys; ECDSA,
DSA and PSS signatures are randomised, so a rerun changes those bytes.

    tests/x509/make-corpus.py            regenerate corpus/ and MANIFEST
    OPENSSL=/path/to/openssl ...         another openssl (3.0 was used)

MANIFEST: one line per certificate, "<group>/<name>.der <issuer>", issuer
being the corpus path of the certificate whose key signed it ("self" for
a self-signed one, "-" when there is none to check against). README.md says
what each group exercises.
"""
import base64
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")
KEYS = os.path.join(HERE, "keys")
OPENSSL = os.environ.get("OPENSSL", "openssl")
WORK = tempfile.mkdtemp(prefix="x509-corpus.")
MANIFEST = []
START, END = "20200101000000Z", "20400101000000Z"


def ossl(*args, data=None):
    r = subprocess.run([OPENSSL] + list(args), input=data, capture_output=True)
    if r.returncode != 0:
        sys.stderr.write("openssl %s failed:\n%s\n" % (" ".join(args), r.stderr.decode()))
        raise SystemExit(1)
    return r.stdout


def wpath(name):
    return os.path.join(WORK, name)


def write(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


# ---------------------------------------------------------------- DER helpers

def tlv(tag, body, long_len=0):
    """tag + length + body; long_len > 0 forces a long-form length of that
    many bytes (BER allows it, DER does not)."""
    n = len(body)
    if long_len:
        ln = n.to_bytes(long_len, "big")
        return bytes([tag, 0x80 | long_len]) + ln + body
    if n < 128:
        return bytes([tag, n]) + body
    ln = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(ln)]) + ln + body


def der_split(b):
    """The (tag, header length, body) of the TLV at the start of b."""
    tag, n = b[0], b[1]
    if n < 128:
        return tag, 2, b[2:2 + n]
    k = n & 0x7F
    n = int.from_bytes(b[2:2 + k], "big")
    return tag, 2 + k, b[2 + k:2 + k + n]


def der_items(body):
    out = []
    while body:
        tag, h, b = der_split(body)
        out.append(body[:h + len(b)])
        body = body[h + len(b):]
    return out


def hexs(b):
    return b.hex().upper()


def oid_der(dotted):
    arcs = [int(x) for x in dotted.split(".")]
    body = b""
    for v in [arcs[0] * 40 + arcs[1]] + arcs[2:]:
        chunk = [v & 0x7F]
        v >>= 7
        while v:
            chunk.append(0x80 | (v & 0x7F))
            v >>= 7
        body += bytes(reversed(chunk))
    return tlv(0x06, body)


# ---------------------------------------------------------------- keys

EC_CURVES = ["prime192v1", "prime192v2", "prime192v3", "prime239v1", "prime239v2",
             "prime239v3", "prime256v1", "secp112r1", "secp112r2", "secp128r1", "secp128r2",
             "secp160k1", "secp160r1", "secp160r2", "secp192k1", "secp224k1", "secp224r1",
             "secp256k1", "secp384r1", "secp521r1", "sect163k1", "sect163r2", "sect233k1",
             "sect233r1", "sect283k1", "sect283r1", "sect409k1", "sect409r1", "sect571k1",
             "sect571r1", "brainpoolP160r1", "brainpoolP192r1", "brainpoolP224r1",
             "brainpoolP256r1", "brainpoolP320r1", "brainpoolP384r1", "brainpoolP512r1"]


def key(name):
    """A private key in keys/<name>.key, made once. Names: rsa<bits>[-e<exp>],
    pss<bits>[-<md>], ec-<curve>, ecx-<curve> (explicit parameters),
    ed25519, ed448, x25519, x448, dsa<p>-<q>."""
    path = os.path.join(KEYS, name + ".key")
    if os.path.exists(path):
        return path
    os.makedirs(KEYS, exist_ok=True)
    print("key", name, file=sys.stderr)
    name = name.split("_")[0]  # rsa2048_b: a second key of the kind
    if name.startswith("rsa"):
        bits, _, exp = name[3:].partition("-e")
        args = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + bits]
        if exp:
            args += ["-pkeyopt", "rsa_keygen_pubexp:" + exp]
    elif name.startswith("pss"):
        bits, _, md = name[3:].partition("-")
        args = ["-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:" + bits]
        if md:
            args += ["-pkeyopt", "rsa_pss_keygen_md:" + md, "-pkeyopt",
                     "rsa_pss_keygen_mgf1_md:" + md, "-pkeyopt", "rsa_pss_keygen_saltlen:32"]
    elif name.startswith("ec-") or name.startswith("ecx-"):
        curve = name.split("-", 1)[1]
        args = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" + curve,
                "-pkeyopt", "ec_param_enc:" + ("explicit" if name.startswith("ecx") else "named_curve")]
    elif name in ("ed25519", "ed448", "x25519", "x448"):
        args = ["-algorithm", name.upper()]
    elif name == "sm2":
        args = ["-algorithm", "SM2"]
    elif name.startswith("dsa"):
        p, q = name[3:].split("-")
        params = wpath(name + ".params")
        ossl("genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:" + p,
             "-pkeyopt", "dsa_paramgen_q_bits:" + q, "-out", params)
        ossl("genpkey", "-paramfile", params, "-out", path)
        return path
    else:
        raise SystemExit("unknown key " + name)
    ossl("genpkey", *args, "-out", path)
    return path


def spki(keyname):
    return ossl("pkey", "-in", key(keyname), "-pubout", "-outform", "DER")


# ---------------------------------------------------------------- openssl ca

CA_CNF = """
[ca]
default_ca = CA_default
[CA_default]
dir = {work}
database = {work}/index.txt
new_certs_dir = {work}
serial = {work}/serial
policy = policy_any
unique_subject = no
email_in_dn = yes
copy_extensions = none
default_md = default
[policy_any]
[req]
distinguished_name = dn
string_mask = {mask}
prompt = no
{req_extra}
[dn]
{dn}
[oids]
{oids}
[ext]
{ext}
"""


class Cert:
    def __init__(self, path, keyname):
        self.path = path          # corpus-relative DER path
        self.keyname = keyname

    @property
    def pem(self):
        p = wpath(self.path.replace("/", "_") + ".pem")
        if not os.path.exists(p):
            ossl("x509", "-inform", "DER", "-in", os.path.join(OUT, self.path), "-out", p)
        return p


def save(group, name, der, issuer):
    os.makedirs(os.path.join(OUT, group), exist_ok=True)
    rel = "%s/%s.der" % (group, name)
    write(os.path.join(OUT, rel), der)
    MANIFEST.append("%s %s" % (rel, issuer))
    return rel


SERIAL = [0x1000]


def issue(group, name, keyname, subj=None, issuer=None, md="sha256", ext="", start=START,
          end=END, serial=None, mask="utf8only", req_opts=(), ca_opts=(), dn="", oids="",
          sigopts=(), req_extra=""):
    """openssl req -new + openssl ca: subject `subj` (-subj syntax) or `dn`
    (config lines), extensions `ext` (config lines; "" makes a v1
    certificate), issued by `issuer` (a Cert) or self-signed."""
    cnf = wpath("ca.cnf")
    write(cnf, CA_CNF.format(work=WORK, mask=mask, dn=dn or "CN = unused", oids=oids,
                             ext=ext or "", req_extra=req_extra))
    if oids:
        write(cnf, "oid_section = oids\n" + open(cnf).read())
    write(wpath("index.txt"), "")
    SERIAL[0] += 1
    write(wpath("serial"), "%X\n" % (serial if serial is not None else SERIAL[0]))
    csr = wpath("req.csr")
    args = ["req", "-new", "-key", key(keyname), "-config", cnf, "-out", csr] + list(req_opts)
    if subj is not None:
        args += ["-subj", subj]
    ossl(*args)
    pem = wpath("out.pem")
    args = ["ca", "-batch", "-config", cnf, "-in", csr, "-out", pem, "-notext", "-preserveDN",
            "-startdate", start, "-enddate", end] + list(ca_opts)
    if md:
        args += ["-md", md]
    for s in sigopts:
        args += ["-sigopt", s]
    if ext:
        args += ["-extfile", cnf, "-extensions", "ext"]
    if issuer is None:
        args += ["-selfsign", "-keyfile", key(keyname)]
    else:
        args += ["-cert", issuer.pem, "-keyfile", key(issuer.keyname)]
    ossl(*args)
    der = ossl("x509", "-in", pem, "-outform", "DER")
    rel = save(group, name, der, issuer.path if issuer else "self")
    return Cert(rel, keyname)


CA_EXT = """basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash"""
LEAF_EXT = """basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:leaf.example.com"""


# ---------------------------------------------------------------- asn1parse -genconf

def sign(keyname, tbs, md="sha256", sigopts=()):
    """The signature value of tbs with keyname's key."""
    k = key(keyname)
    if keyname in ("ed25519", "ed448"):
        write(wpath("tbs.bin"), tbs)
        return ossl("pkeyutl", "-sign", "-inkey", k, "-rawin", "-in", wpath("tbs.bin"))
    args = ["dgst", "-" + md, "-sign", k]
    for s in sigopts:
        args += ["-sigopt", s]
    return ossl(*args, data=tbs)


def genconf(text):
    """DER from an asn1parse -genconf configuration (top-level `asn1=`)."""
    cnf, out = wpath("gen.cnf"), wpath("gen.der")
    write(cnf, text)
    if os.environ.get("DEBUG_GENCONF"):
        sys.stderr.write(text + "\n----\n")
    ossl("asn1parse", "-genconf", cnf, "-out", out, "-noout")
    return open(out, "rb").read()


SIGALGS = {
    # signer key type -> (AlgorithmIdentifier genconf section body, digest)
    "ecdsa-sha256": ("o=OID:ecdsa-with-SHA256", "sha256"),
    "ecdsa-sha384": ("o=OID:ecdsa-with-SHA384", "sha384"),
    "rsa-sha256": ("o=OID:sha256WithRSAEncryption\np=NULL", "sha256"),
    "rsa-sha1": ("o=OID:sha1WithRSAEncryption\np=NULL", "sha1"),
    "ed25519": ("o=OID:ED25519", None),
}


def name_section(sec, rdns):
    """Name sections: rdns is a list of RDNs, each a list of (oid, type, value)
    in genconf syntax ("UTF8", "PRINTABLESTRING", "FORMAT:HEX,BMPSTRING", ...)."""
    out = ["[%s]" % sec]
    subs = []
    for i, rdn in enumerate(rdns):
        out.append("r%d=SET:%s_r%d" % (i, sec, i))
        sub = ["[%s_r%d]" % (sec, i)]
        for j, (oid, typ, val) in enumerate(rdn):
            # genconf takes hex only for OCTET and BIT STRING: raw bytes of
            # a string type are an OCTET STRING with the string's tag
            raw = {"FORMAT:HEX,UTF8": 12, "FORMAT:HEX,T61STRING": 20,
                   "FORMAT:HEX,BMPSTRING": 30, "FORMAT:HEX,UNIVERSALSTRING": 28,
                   "FORMAT:HEX,PRINTABLESTRING": 19}
            if typ in raw:
                typ = "IMPLICIT:%dU,FORMAT:HEX,OCTETSTRING" % raw[typ]
            sub.append("a%d=SEQUENCE:%s_r%d_a%d" % (j, sec, i, j))
            subs.append("[%s_r%d_a%d]\no=OID:%s\nv=%s:%s" % (sec, i, j, oid, typ, val))
        subs.append("\n".join(sub))
    return "\n".join(out) + "\n" + "\n".join(subs) + "\n"


def spki_section(sec, keyname):
    """A SubjectPublicKeyInfo section rebuilt from keyname's public key."""
    d = spki(keyname)
    _, _, body = der_split(d)
    alg, bits = der_items(body)
    _, _, algbody = der_split(alg)
    parts = der_items(algbody)
    _, _, oid = der_split(parts[0])
    lines = ["[%s]" % sec, "alg=SEQUENCE:%s_alg" % sec,
             "key=FORMAT:HEX,BITSTRING:%s" % hexs(der_split(bits)[2][1:])]
    alg_lines = ["[%s_alg]" % sec, "o=OID:%s" % oid_text(oid)]
    for i, p in enumerate(parts[1:]):
        t, _, pb = der_split(p)
        if t == 0x06:
            alg_lines.append("p%d=OID:%s" % (i, oid_text(pb)))
        elif t == 0x05:
            alg_lines.append("p%d=NULL" % i)
        else:
            raise SystemExit("spki_section: parameters of %s need openssl ca" % keyname)
    return "\n".join(lines) + "\n" + "\n".join(alg_lines) + "\n"


def oid_text(b):
    arcs, v = [], 0
    for x in b:
        v = v << 7 | (x & 0x7F)
        if not x & 0x80:
            arcs.append(v)
            v = 0
    first = arcs[0]
    a1 = 0 if first < 40 else 1 if first < 80 else 2
    return ".".join(str(a) for a in [a1, first - 40 * a1] + arcs[1:])


DEFAULT_NAME = [[("commonName", "UTF8", "genconf.example.com")]]


def tbs_config(version="EXPLICIT:0,INTEGER:2", serial="INTEGER:0x2001",
               sigalg="o=OID:ecdsa-with-SHA256", issuer=None, subject=None,
               validity=("UTCTIME:200101000000Z", "UTCTIME:400101000000Z"),
               keyname="ec-prime256v1", spki_text=None, extra_fields="", exts=None, more=""):
    """A TBSCertificate genconf text. exts: list of (oid, critical or None,
    value genconf) or raw field text; extra_fields: lines added before
    extensions (unique IDs)."""
    lines = ["asn1=SEQUENCE:tbs", "[tbs]"]
    if version:
        lines.append("ver=" + version)
    lines += ["serial=" + serial, "sig=SEQUENCE:sigalg", "issuer=SEQUENCE:issuer",
              "validity=SEQUENCE:validity", "subject=SEQUENCE:subject", "spki=SEQUENCE:spki"]
    if extra_fields:
        lines.append(extra_fields)
    if exts is not None:
        lines.append("ext=EXPLICIT:3,SEQUENCE:exts")
    text = "\n".join(lines) + "\n"
    text += "[sigalg]\n" + sigalg + "\n"
    text += name_section("issuer", issuer or [[("commonName", "UTF8", "tlsdiag genconf CA")]])
    text += name_section("subject", subject or DEFAULT_NAME)
    text += "[validity]\nnb=%s\nna=%s\n" % validity
    text += spki_text or spki_section("spki", keyname)
    if exts is not None:
        text += "[exts]\n"
        sub = ""
        for i, (oid, crit, val) in enumerate(exts):
            text += "e%d=SEQUENCE:ext%d\n" % (i, i)
            sub += "[ext%d]\no=OID:%s\n" % (i, oid)
            if crit is not None:
                sub += "c=BOOLEAN:%s\n" % ("TRUE" if crit else "FALSE")
            sub += "v=%s\n" % val
        text += sub
    return text + more


def assemble(tbs, signer, sigalg="o=OID:ecdsa-with-SHA256", md="sha256", sigopts=(),
             sigvalue=None, outer_sigalg=None):
    """Certificate ::= SEQUENCE { tbs, signatureAlgorithm, signatureValue },
    written by genconf from the same AlgorithmIdentifier section."""
    if sigvalue is None:
        sigvalue = sign(signer, tbs, md, sigopts)
    alg = genconf("asn1=SEQUENCE:a\n[a]\n" + (outer_sigalg or sigalg) + "\n")
    bits = genconf("asn1=FORMAT:HEX,BITSTRING:%s\n" % hexs(sigvalue))
    return tlv(0x30, tbs + alg + bits)


GENCA = {}


def genconf_ca():
    """The CA the genconf certificates name as issuer, made by openssl ca."""
    if "ca" not in GENCA:
        GENCA["ca"] = issue("genconf", "ca", "ec-prime256v1", subj="/CN=tlsdiag genconf CA",
                            ext=CA_EXT)
    return GENCA["ca"]


def gen(group, name, signer_cert=None, tbs_text=None, tbs=None, sigalg="o=OID:ecdsa-with-SHA256",
        md="sha256", sigvalue=None, outer_sigalg=None, issuer_path=None, **kw):
    """A certificate from a genconf TBSCertificate (or raw tbs bytes),
    signed by signer_cert's key (default: the genconf CA)."""
    signer_cert = signer_cert or genconf_ca()
    if tbs is None:
        tbs = genconf(tbs_text or tbs_config(sigalg=outer_sigalg and sigalg or sigalg, **kw))
    der = assemble(tbs, signer_cert.keyname, sigalg, md, sigvalue=sigvalue,
                   outer_sigalg=outer_sigalg)
    iss = issuer_path if issuer_path is not None else signer_cert.path
    return save(group, name, der, iss)


# ---------------------------------------------------------------- groups

def group_keys():
    """Every key type and size: RSA 512..16384 (each size signs a leaf, so
    its signatures are checked), RSA-PSS keys, every named curve openssl
    makes, explicit curves, Ed25519/Ed448, X25519/X448 (cannot sign: issued
    by an ECDSA CA), DSA with and without parameters, GOST, ML-DSA and
    SLH-DSA keys, an unknown key algorithm."""
    g = "keys"
    for bits, md in ((512, "sha256"), (1024, "sha256"), (1536, "sha256"), (2048, "sha256"),
                     (3072, "sha256"), (4096, "sha384"), (6144, "sha256"), (8192, "sha256"),
                     (16384, "sha512")):
        ca = issue(g, "rsa%d-ca" % bits, "rsa%d" % bits, subj="/CN=RSA %d CA/O=tlsdiag" % bits,
                   ext=CA_EXT, md=md)
        issue(g, "rsa%d-leaf" % bits, "rsa2048", subj="/CN=leaf of RSA %d/O=tlsdiag" % bits,
              issuer=ca, ext=LEAF_EXT, md=md)
    for name in ("rsa2048-e3", "rsa2048-e17", "rsa4096-e4294967297"):
        issue(g, name, name, subj="/CN=%s" % name, ext=CA_EXT)
    for name in ("pss2048", "pss2048-sha256", "pss3072-sha384", "pss4096-sha512"):
        md = name.split("-")[1] if "-" in name else "sha256"
        ca = issue(g, name + "-ca", name, subj="/CN=%s CA" % name, ext=CA_EXT, md=md)
        issue(g, name + "-leaf", "ec-prime256v1", subj="/CN=leaf of %s" % name, issuer=ca,
              ext=LEAF_EXT, md=md)
    for curve in EC_CURVES:
        issue(g, "ec-" + curve, "ec-" + curve, subj="/CN=EC %s" % curve, ext=CA_EXT,
              md="sha1" if curve.startswith(("secp112", "secp128")) else "sha256")
    for curve in ("prime256v1", "secp384r1", "secp521r1", "secp256k1", "brainpoolP256r1",
                  "sect283k1"):
        issue(g, "ecx-" + curve, "ecx-" + curve, subj="/CN=EC %s explicit" % curve, ext=CA_EXT,
              md="sha384")
    for ed in ("ed25519", "ed448"):
        ca = issue(g, ed + "-ca", ed, subj="/CN=%s CA" % ed, ext=CA_EXT, md=None)
        issue(g, ed + "-leaf", "ec-prime256v1", subj="/CN=leaf of %s" % ed, issuer=ca,
              ext=LEAF_EXT, md=None)
    ec_ca = issue(g, "ec-p384-ca", "ec-secp384r1", subj="/CN=EC P-384 CA", ext=CA_EXT,
                  md="sha384")
    for x in ("x25519", "x448"):
        gen(g, x, signer_cert=ec_ca, keyname=x, sigalg="o=OID:ecdsa-with-SHA384", md="sha384",
            issuer=[[("commonName", "UTF8", "EC P-384 CA")]],
            subject=[[("commonName", "UTF8", x + " key agreement")]])
    for dsa, md in (("dsa1024-160", "sha1"), ("dsa2048-224", "sha224"),
                    ("dsa2048-256", "sha256"), ("dsa3072-256", "sha256")):
        ca = issue(g, dsa + "-ca", dsa, subj="/CN=DSA %s CA" % dsa, ext=CA_EXT, md=md)
        issue(g, dsa + "-leaf", "dsa2048-256", subj="/CN=leaf of %s" % dsa, issuer=ca,
              ext=LEAF_EXT, md=md)
    # A DSA key without Dss-Parms: it takes its issuer's (RFC 3279 §2.3.2).
    dca = Cert("keys/dsa2048-256-ca.der", "dsa2048-256")
    d = spki("dsa2048-256")
    _, _, body = der_split(d)
    alg, bits = der_items(body)
    inherit = ("[spki]\nalg=SEQUENCE:spki_alg\nkey=FORMAT:HEX,BITSTRING:%s\n"
               "[spki_alg]\no=OID:dsaEncryption\n" % hexs(der_split(bits)[2][1:]))
    gen(g, "dsa-inherited-params", signer_cert=dca, spki_text=inherit,
        sigalg="o=OID:dsa_with_SHA256", md="sha256",
        issuer=[[("commonName", "UTF8", "DSA dsa2048-256 CA")]],
        subject=[[("commonName", "UTF8", "DSA key with inherited parameters")]])
    # Keys openssl 3.0 names but has no code for, and keys it does not know.
    others = [
        ("gost2012-256", "1.2.643.7.1.1.1.1", "SEQUENCE:gostp", "OCTETSTRING", 64,
         "[gostp]\na=OID:1.2.643.7.1.2.1.1.1\nb=OID:1.2.643.7.1.1.2.2\n"),
        ("gost2001", "1.2.643.2.2.19", "SEQUENCE:gostp", "OCTETSTRING", 64,
         "[gostp]\na=OID:1.2.643.2.2.35.1\nb=OID:1.2.643.2.2.30.1\n"),
        ("ml-dsa-44", "2.16.840.1.101.3.4.3.17", None, None, 1312, ""),
        ("ml-dsa-65", "2.16.840.1.101.3.4.3.18", None, None, 1952, ""),
        ("ml-dsa-87", "2.16.840.1.101.3.4.3.19", None, None, 2592, ""),
        ("slh-dsa-sha2-128s", "2.16.840.1.101.3.4.3.20", None, None, 32, ""),
        ("slh-dsa-shake-256f", "2.16.840.1.101.3.4.3.31", None, None, 64, ""),
        ("unknown-key-alg", "1.3.6.1.4.1.55555.1.2", "NULL", None, 40, ""),
    ]
    for name, oid, params, inner, n, more in others:
        pub = bytes((i * 37 + 11) & 0xFF for i in range(n))
        if inner:
            pub = tlv(0x04, pub)
        text = "[spki]\nalg=SEQUENCE:spki_alg\nkey=FORMAT:HEX,BITSTRING:%s\n[spki_alg]\no=OID:%s\n" % (
            hexs(pub), oid)
        if params:
            text += "p=" + params + "\n"
        gen(g, name, spki_text=text + more,
            subject=[[("commonName", "UTF8", "%s key" % name)]])


def group_sigs():
    """Signature algorithms: RSASSA-PKCS1-v1_5 with every digest openssl
    signs with (MD5 on a v1 certificate), RSASSA-PSS with several digests,
    salts and MGF1 digests (by RSA 2048, 8192 and 16384 CAs), ECDSA with
    SHA-1/2/3 on P-256/384/521, DSA, EdDSA; alternate OIDs (OIW), unknown
    and post-quantum algorithms (named, not checked), a TBSCertificate
    whose algorithm differs from the signature's, tampered signatures."""
    g = "sigs"
    rsa = issue(g, "rsa2048-ca", "rsa2048_b", subj="/CN=Signatures RSA CA", ext=CA_EXT)
    for md in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha512-224",
               "sha512-256", "sha3-224", "sha3-256", "sha3-384", "sha3-512"):
        issue(g, "rsa-" + md, "ec-prime256v1", subj="/CN=signed %s with RSA" % md, issuer=rsa,
              ext="" if md == "md5" else LEAF_EXT, md=md)
    issue(g, "rsa-md5-v1-selfsigned", "rsa1024", subj="/CN=old v1 MD5 root/O=Old Corp", md="md5")
    big = {b: Cert("keys/rsa%d-ca.der" % b, "rsa%d" % b) for b in (2048, 8192, 16384)}
    for b, ca in big.items():
        for md, salt, mgf in (("sha256", "digest", "sha256"), ("sha256", "0", "sha256"),
                              ("sha384", "48", "sha384"), ("sha512", "max", "sha512"),
                              ("sha1", "20", "sha1"), ("sha256", "32", "sha1")):
            if b > 4096 and (md == "sha1" or mgf != md):
                continue  # nettle has PSS with MGF1 of the same SHA-2 only
            issue(g, "pss-rsa%d-%s-salt%s-mgf%s" % (b, md, salt, mgf), "ec-prime256v1",
                  subj="/CN=PSS %s salt %s" % (md, salt), issuer=ca, ext=LEAF_EXT, md=md,
                  sigopts=("rsa_padding_mode:pss", "rsa_pss_saltlen:" + salt,
                           "rsa_mgf1_md:" + mgf))
    for curve, bits in (("prime256v1", 256), ("secp384r1", 384), ("secp521r1", 521)):
        ca = issue(g, "ecdsa-p%d-ca" % bits, "ec-" + curve, subj="/CN=ECDSA P-%d CA" % bits,
                   ext=CA_EXT, md="sha256")
        for md in ("sha1", "sha224", "sha256", "sha384", "sha512", "sha3-256", "sha3-512"):
            issue(g, "ecdsa-p%d-%s" % (bits, md), "rsa2048", subj="/CN=ECDSA P-%d %s" % (bits, md),
                  issuer=ca, ext=LEAF_EXT, md=md)
    dsa = Cert("keys/dsa2048-256-ca.der", "dsa2048-256")
    for md in ("sha1", "sha224", "sha256"):
        issue(g, "dsa-" + md, "ec-prime256v1", subj="/CN=DSA %s" % md, issuer=dsa, ext=LEAF_EXT,
              md=md)
    # Alternate OIDs for the same algorithms, and the NULL parameters question.
    rsa_iss = [[("commonName", "UTF8", "Signatures RSA CA")]]
    for name, alg, md in (("oiw-sha1WithRSA", "o=OID:1.3.14.3.2.29\np=NULL", "sha1"),
                          ("oiw-md5WithRSA", "o=OID:1.3.14.3.2.3\np=NULL", "md5"),
                          ("rsa-sha256-no-null", "o=OID:sha256WithRSAEncryption", "sha256"),
                          ("rsa-sha384-null", "o=OID:sha384WithRSAEncryption\np=NULL", "sha384")):
        gen(g, name, signer_cert=rsa, sigalg=alg, md=md, issuer=rsa_iss)
    gen(g, "dsaWithSHA1-old-oid", signer_cert=dsa, sigalg="o=OID:1.3.14.3.2.27", md="sha1",
        issuer=[[("commonName", "UTF8", "DSA dsa2048-256 CA")]])
    gen(g, "ecdsa-with-null-params", sigalg="o=OID:ecdsa-with-SHA256\np=NULL")
    # Algorithms nobody here can check: named (or dotted), "not checked".
    for name, oid, n in (("ml-dsa-44", "2.16.840.1.101.3.4.3.17", 2420),
                         ("ml-dsa-65", "2.16.840.1.101.3.4.3.18", 3309),
                         ("ml-dsa-87", "2.16.840.1.101.3.4.3.19", 4627),
                         ("slh-dsa-sha2-128s", "2.16.840.1.101.3.4.3.20", 7856),
                         ("slh-dsa-shake-128f", "2.16.840.1.101.3.4.3.27", 17088),
                         ("gost2012-256", "1.2.643.7.1.1.3.2", 64),
                         ("sm2-with-sm3", "1.2.156.10197.1.501", 72),
                         ("unknown-sig-alg", "1.3.6.1.4.1.55555.9.9", 64),
                         ("ecdsa-with-Specified", "1.2.840.10045.4.3", 70)):
        sig = bytes((i * 13 + 7) & 0xFF for i in range(n))
        gen(g, name, sigalg="o=OID:" + oid, sigvalue=sig, issuer_path="-")
    # TBSCertificate says one thing, the signature another (OpenSSL rejects).
    gen(g, "alg-mismatch", signer_cert=rsa, sigalg="o=OID:sha256WithRSAEncryption\np=NULL",
        outer_sigalg="o=OID:sha384WithRSAEncryption\np=NULL", md="sha384", issuer=rsa_iss)
    # Tampered: one bit of the signature, one byte of the TBSCertificate.
    src = open(os.path.join(OUT, "sigs/rsa-sha256.der"), "rb").read()
    save(g, "tampered-signature", src[:-1] + bytes([src[-1] ^ 1]), rsa.path)
    i = src.index(b"signed sha256")
    save(g, "tampered-tbs", src[:i] + b"S" + src[i + 1:], rsa.path)
    src = open(os.path.join(OUT, "sigs/ecdsa-p256-sha256.der"), "rb").read()
    i = src.index(b"ECDSA P-256")
    save(g, "tampered-ecdsa", src[:i] + b"e" + src[i + 1:], "sigs/ecdsa-p256-ca.der")
    # Tampered under the CAs only nettle checks: "bad signature" proves the
    # check ran (an unchecked one would only be "not checked").
    for b in (8192, 16384):
        src = open(os.path.join(OUT, "keys/rsa%d-leaf.der" % b), "rb").read()
        i = src.index(b"leaf of RSA")
        save(g, "tampered-rsa%d" % b, src[:i] + b"L" + src[i + 1:], "keys/rsa%d-ca.der" % b)
    # Signed by one key, checked against another of the same type and size.
    save(g, "wrong-issuer-key", open(os.path.join(OUT, "sigs/rsa-sha512.der"), "rb").read(),
         "keys/rsa2048-ca.der")


def group_names():
    """Names: repeated attributes, multi-valued RDNs, every string type
    (UTF8String, PrintableString, T61String with Latin-1, BMPString,
    UniversalString, IA5String, NumericString, VisibleString) as openssl's
    string masks pick them and as genconf writes them, RFC 4514 specials,
    spaces, non-ASCII scripts, unknown attribute types, non-string values,
    an empty name and an empty RDN, and issuer names re-encoded (other
    string type, case, spacing, RDN order inside a multi-valued RDN) that
    must still link to their CA (RFC 5280 §7.1)."""
    g = "names"
    ca = issue(g, "ca", "ec-secp384r1", subj="/C=US/O=tlsdiag names/CN=Names CA", ext=CA_EXT,
               md="sha384")
    subjects = {
        "repeated-ou": "/C=US/O=Example/OU=Sales/OU=East/OU=Region 5/CN=repeated.example.com",
        "repeated-cn": "/CN=first.example.com/CN=second.example.com/CN=third.example.com",
        "multi-valued": "/C=US/O=Example+OU=Sales/CN=multi.example.com+UID=jdoe",
        "multi-valued-3": "/DC=com/DC=example/CN=a+CN=b+CN=c",
        "dc-email": "/DC=com/DC=example/DC=corp/CN=Jane Doe/emailAddress=jane@example.com",
        "serialnumber": "/C=DE/ST=Bayern/L=München/serialNumber=HRB 12345/CN=ev.example.de",
        "ev-jurisdiction": "/jurisdictionC=US/jurisdictionST=Delaware/businessCategory=Private "
                           "Organization/serialNumber=5157550/C=US/O=Example Inc/CN=ev.example.com",
        "specials": '/O=Comma\\, Inc./OU=Plus+Sign/OU=Quote"Q"/OU=Back\\\\slash/OU=<angle>;semi/CN=#hash',
        "spaces": "/O=  leading/OU=trailing  /OU=in  side/CN= both ",
        "utf8-cjk": "/C=JP/O=株式会社/CN=例.jp",
        "utf8-cyrillic": "/C=RU/O=ООО Тест/CN=test.ru",
        "utf8-emoji": "/CN=emoji \U0001F512 lock",
        "many-attrs": "/C=US/ST=California/L=San Jose/street=170 West Tasman/postalCode=95134/"
                      "O=Cisco/OU=Collaboration/title=Engineer/GN=Jane/SN=Doe/initials=JD/"
                      "pseudonym=jd/dnQualifier=q1/CN=many.example.com",
        "oid-attribute": "/C=GB/1.3.6.1.4.1.6449.1.2.1.5.1=foo/CN=odd.example.com",
        "empty-subject": "/",
    }
    for name, subj in subjects.items():
        opts = ["-utf8"]
        if "+" in subj and name.startswith("multi"):
            opts.append("-multivalue-rdn")
        issue(g, name, "ec-prime256v1", subj=subj, issuer=ca, ext=LEAF_EXT, req_opts=opts)
    # openssl's string masks pick the string type by content.
    latin = "/C=DE/O=Büro Müller/CN=mask.example.de"
    cjk = "/CN=例え"
    for mask in ("default", "pkix", "nombstr", "utf8only"):
        issue(g, "mask-%s-latin1" % mask, "ec-prime256v1", subj=latin, issuer=ca, ext=LEAF_EXT,
              mask=mask, req_opts=["-utf8"])
        if mask != "nombstr":
            issue(g, "mask-%s-cjk" % mask, "ec-prime256v1", subj=cjk, issuer=ca, ext=LEAF_EXT,
                  mask=mask, req_opts=["-utf8"])
    # String types and structures written directly.
    iss = [[("countryName", "PRINTABLESTRING", "US")], [("organizationName", "UTF8", "tlsdiag names")],
           [("commonName", "UTF8", "Names CA")]]
    cn = "commonName"
    forms = {
        "t61-latin1": [[(cn, "FORMAT:HEX,T61STRING", "5AFC72696368")]],          # Zürich
        "bmp": [[(cn, "FORMAT:HEX,BMPSTRING", hexs("€ur\0o".encode("utf-16-be")))]],
        "bmp-cjk": [[(cn, "FORMAT:HEX,BMPSTRING", hexs("例字".encode("utf-16-be")))]],
        "universal": [[(cn, "FORMAT:HEX,UNIVERSALSTRING", hexs("\U0001F512 A".encode("utf-32-be")))]],
        "ia5-cn": [[(cn, "IA5STRING", "ia5.example.com")]],
        "numeric": [[("serialNumber", "NUMERICSTRING", "0123456789")], [(cn, "UTF8", "n")]],
        "printable-odd": [[(cn, "FORMAT:HEX,PRINTABLESTRING", hexs(b"odd*chars@example.com"))]],
        "utf8-controls": [[(cn, "FORMAT:HEX,UTF8", "610A6209630D64")]],
        "utf8-nul": [[(cn, "FORMAT:HEX,UTF8", "676F6F642E6578616D706C65002E6576696C")]],
        "empty-value": [[("organizationalUnitName", "UTF8", "")], [(cn, "UTF8", "e")]],
        "unknown-oid-utf8": [[("1.2.3.4.5.6", "UTF8", "private attribute")], [(cn, "UTF8", "u")]],
        "known-oid-sequence": [[(cn, "SEQUENCE", "seqval")]],
        "multi-reordered": [[(cn, "UTF8", "z"), ("organizationalUnitName", "UTF8", "a"),
                             ("organizationName", "UTF8", "m")]],
        "same-type-in-rdn": [[("organizationalUnitName", "UTF8", "b"),
                              ("organizationalUnitName", "UTF8", "a")]],
        "long-cn": [[(cn, "UTF8", "long-label-" * 30 + "example.com")]],
        "deep-many-rdns": [[("domainComponent", "IA5STRING", "dc%d" % i)] for i in range(60)],
    }
    for name, rdns in forms.items():
        more = "[seqval]\nx=UTF8:inner\n" if name == "known-oid-sequence" else ""
        gen(g, name, signer_cert=ca, sigalg="o=OID:ecdsa-with-SHA384", md="sha384",
            issuer=iss, subject=rdns, more=more)
    # An empty RDN (SET with no attribute) and an empty Name.
    text = tbs_config(sigalg="o=OID:ecdsa-with-SHA384", issuer=iss,
                      subject=[[(cn, "UTF8", "placeholder")]])
    text = text.replace("[subject]\nr0=SET:subject_r0", "[subject]\nr0=SET:emptyset\nr1=SET:subject_r0")
    gen(g, "empty-rdn", signer_cert=ca, md="sha384", sigalg="o=OID:ecdsa-with-SHA384",
        tbs_text=text + "[emptyset]\n")
    # The CA's name re-encoded in the issuer field: same name by RFC 5280 §7.1.
    reenc = {
        "issuer-utf8-for-printable": [[("countryName", "UTF8", "US")],
                                      [("organizationName", "UTF8", "tlsdiag names")],
                                      [(cn, "UTF8", "Names CA")]],
        "issuer-case-and-spaces": [[("countryName", "PRINTABLESTRING", "us")],
                                   [("organizationName", "UTF8", "  TLSDIAG   Names ")],
                                   [(cn, "PRINTABLESTRING", "names ca")]],
        "issuer-bmp": [[("countryName", "PRINTABLESTRING", "US")],
                       [("organizationName", "FORMAT:HEX,BMPSTRING",
                         hexs("tlsdiag names".encode("utf-16-be")))],
                       [(cn, "FORMAT:HEX,BMPSTRING", hexs("Names CA".encode("utf-16-be")))]],
    }
    for name, rdns in reenc.items():
        gen(g, name, signer_cert=ca, sigalg="o=OID:ecdsa-with-SHA384", md="sha384",
            issuer=rdns, subject=[[(cn, "UTF8", name + ".example.com")]])


def group_dates():
    """Validity: UTCTime and GeneralizedTime across 1950/2049/2050, before
    1970 and far after 2038 (up to 9999), leap days, missing seconds,
    offsets, fractional seconds, and dates openssl prints as "Bad time
    value" (the certificate still parses)."""
    g = "dates"
    ca = genconf_ca()
    for start, end in (("19500101000000Z", "19691231235959Z"), ("19690720201800Z", "20491231235959Z"),
                       ("19000101000000Z", "99991231235959Z"), ("20500101000000Z", "20991231235959Z"),
                       ("20380119031407Z", "20380119031409Z"), ("00010101000000Z", "19491231235959Z"),
                       ("20240229120000Z", "21000228235959Z"), ("19991231235959Z", "20000101000000Z")):
        issue(g, "ca-%s-%s" % (start[:8], end[:8]), "ec-prime256v1", subj="/CN=dates %s" % start,
              issuer=ca, ext=LEAF_EXT, start=start, end=end)
    times = {
        "utc-1950": ("UTCTIME:500101000000Z", "UTCTIME:491231235959Z"),
        "utc-no-seconds": ("UTCTIME:2001010000Z", "UTCTIME:4001010000Z"),
        "utc-offset-plus": ("UTCTIME:200101000000+0530", "UTCTIME:400101000000+1200"),
        "utc-offset-minus": ("UTCTIME:200101000000-0800", "UTCTIME:400101000000-0000"),
        "utc-no-seconds-offset": ("UTCTIME:2001010000-0130", "UTCTIME:4001010000Z"),
        "gen-for-2020": ("GENTIME:20200101000000Z", "GENTIME:20400101000000Z"),
        "gen-fraction": ("GENTIME:20200101000000.5Z", "GENTIME:20400101000000.123456Z"),
        "gen-no-seconds": ("GENTIME:202001010000Z", "GENTIME:204001010000Z"),
        "gen-offset": ("GENTIME:20200101000000+0100", "GENTIME:20400101000000-0230"),
        "gen-year-0": ("GENTIME:00000101000000Z", "GENTIME:00001231235959Z"),
        "gen-leap-2000": ("GENTIME:20000229000000Z", "GENTIME:24000229000000Z"),
        "bad-feb-30": ("UTCTIME:200230000000Z", "UTCTIME:400101000000Z"),
        "bad-1900-feb-29": ("GENTIME:19000229000000Z", "UTCTIME:400101000000Z"),
        "bad-month-13": ("UTCTIME:201301000000Z", "UTCTIME:401301000000Z"),
        "bad-hour-24": ("UTCTIME:200101240000Z", "UTCTIME:400101000000Z"),
        "bad-second-60": ("UTCTIME:200101235960Z", "UTCTIME:400101000000Z"),
        "bad-local-time": ("UTCTIME:200101000000", "GENTIME:20400101000000"),
        "bad-letters": ("UTCTIME:20AB01000000Z", "UTCTIME:400101000000Z"),
        "bad-empty": ("UTCTIME:", "UTCTIME:400101000000Z"),
        "bad-offset-hours": ("UTCTIME:200101000000+1400", "UTCTIME:400101000000Z"),
        "inverted": ("UTCTIME:400101000000Z", "UTCTIME:200101000000Z"),
    }
    def raw(t):
        # genconf checks times: write the characters under the time's tag
        kind, _, text = t.partition(":")
        tag = 23 if kind == "UTCTIME" else 24
        if not text:
            return "IMPLICIT:%dU,OCTETSTRING:" % tag
        return "IMPLICIT:%dU,FORMAT:HEX,OCTETSTRING:%s" % (tag, hexs(text.encode()))
    for name, (nb, na) in times.items():
        gen(g, name, validity=(raw(nb), raw(na)),
            subject=[[("commonName", "UTF8", "dates " + name)]])


def group_exts():
    """Extensions: SAN of every GeneralName kind, EKU, key usage bits,
    basic constraints, policies, policyMappings, nameConstraints, policy
    constraints, inhibitAnyPolicy (critical, as CAs mark them), AIA, CRL
    DP, SIA, TLS feature, Netscape ones, the CT precertificate poison and
    SCT list, critical extensions nobody processes, unknown ones,
    duplicates, values that do not decode, an explicit critical FALSE,
    extensions in v1 and v2 certificates, an empty extension list."""
    g = "exts"
    ca = issue(g, "ca", "rsa3072", subj="/CN=Extensions CA/O=tlsdiag", ext=CA_EXT, md="sha256")
    base = "basicConstraints = CA:FALSE\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n"
    cases = {
        "san-dns-many": "subjectAltName = " + ",".join("DNS:host%d.example.com" % i for i in range(40)),
        "san-ip": "subjectAltName = IP:192.0.2.1,IP:2001:db8::1,IP:::ffff:10.0.0.1,IP:0.0.0.0",
        "san-email-uri": "subjectAltName = email:a@example.com,URI:https://example.com/x?y=z,URI:sip:u@example.com",
        "san-all-kinds": "subjectAltName = DNS:a.example.com,IP:10.1.2.3,email:e@example.com,"
                         "URI:http://u.example.com/,RID:1.2.3.4,dirName:dir_sect,"
                         "otherName:1.3.6.1.4.1.311.20.2.3;UTF8:upn@example.com\n[dir_sect]\nCN=dir name\nO=Dir Org",
        "san-wildcard-idn": "subjectAltName = DNS:*.example.com,DNS:xn--bcher-kva.example,DNS:example.com.",
        "san-critical-empty-subject": "subjectAltName = critical,DNS:only-san.example.com",
        "eku-server": "extendedKeyUsage = serverAuth",
        "eku-all-named": "extendedKeyUsage = serverAuth,clientAuth,codeSigning,emailProtection,"
                         "timeStamping,OCSPSigning,ipsecIKE,msSGC,nsSGC,anyExtendedKeyUsage",
        "eku-unknown-oids": "extendedKeyUsage = 1.3.6.1.4.1.311.20.2.1,1.3.6.1.5.5.7.3.5,2.999.1",
        "eku-critical": "extendedKeyUsage = critical,clientAuth",
        "ku-each-bit": "keyUsage = digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment,"
                       "keyAgreement,keyCertSign,cRLSign,encipherOnly,decipherOnly",
        "ku-decipher-only": "keyUsage = keyAgreement,decipherOnly",
        "ku-noncritical-sign": "keyUsage = digitalSignature",
        "bc-ca-pathlen0": "basicConstraints = critical,CA:TRUE,pathlen:0\nkeyUsage = keyCertSign",
        "bc-ca-pathlen7": "basicConstraints = critical,CA:TRUE,pathlen:7\nkeyUsage = keyCertSign",
        "bc-ca-nopathlen": "basicConstraints = CA:TRUE",
        "policies": "certificatePolicies = 2.23.140.1.2.1,1.3.6.1.4.1.44947.1.1.1,@pol\n"
                    "[pol]\npolicyIdentifier = 1.2.3.4\nCPS.1 = https://cps.example.com\n"
                    "userNotice.1 = @notice\n[notice]\nexplicitText = UTF8:Notice text\n",
        "policy-mappings": "basicConstraints = critical,CA:TRUE\npolicyMappings = critical,"
                           "1.2.3.4:1.2.3.5,2.23.140.1.2.1:1.2.3.6",
        "name-constraints": "basicConstraints = critical,CA:TRUE\nnameConstraints = critical,"
                            "permitted;DNS:.example.com,permitted;IP:10.0.0.0/255.0.0.0,"
                            "excluded;email:.bad.example,excluded;DNS:evil.example.com",
        "policy-constraints": "basicConstraints = critical,CA:TRUE\npolicyConstraints = critical,"
                              "requireExplicitPolicy:0,inhibitPolicyMapping:1",
        "inhibit-any-policy": "basicConstraints = critical,CA:TRUE\ninhibitAnyPolicy = critical,0",
        "aia-crldp": "authorityInfoAccess = OCSP;URI:http://ocsp.example.com,caIssuers;URI:"
                     "http://ca.example.com/ca.crt,caIssuers;URI:ldap://ldap.example.com/cn=ca\n"
                     "crlDistributionPoints = URI:http://crl.example.com/a.crl,URI:http://crl2.example.com/b.crl",
        "sia-tls-feature": "subjectInfoAccess = caRepository;URI:http://repo.example.com/\n"
                           "tlsfeature = status_request",
        "netscape": "nsCertType = server,client\nnsComment = \"made by tlsdiag tests\"",
        "issuer-alt-name": "issuerAltName = DNS:issuer.example.com,email:ca@example.com",
        "ocsp-nocheck": "noCheck = ignored\nextendedKeyUsage = OCSPSigning",
        "aki-issuer-serial": "authorityKeyIdentifier = keyid,issuer:always",
        "ct-poison": "1.3.6.1.4.1.11129.2.4.3 = critical,ASN1:NULL\nsubjectAltName = DNS:precert.example.com",
        "unknown-critical": "1.3.6.1.4.1.55555.7.1 = critical,ASN1:UTF8String:must understand",
        "unknown-noncritical": "1.3.6.1.4.1.55555.7.2 = ASN1:INTEGER:42\n2.999.3 = DER:0500",
        "critical-aki": "authorityKeyIdentifier = critical,keyid",
        "critical-aia": "authorityInfoAccess = critical,OCSP;URI:http://ocsp.example.com",
        "critical-ian": "issuerAltName = critical,DNS:issuer.example.com",
    }
    for name, ext in cases.items():
        subj = "/" if name == "san-critical-empty-subject" else "/CN=%s.example.com" % name
        issue(g, name, "ec-prime256v1", subj=subj, issuer=ca, ext=base + ext)
    # Written directly: what openssl's configuration cannot say.
    def ext(oid, crit, der):
        return (oid, crit, "FORMAT:HEX,OCTETSTRING:" + hexs(der))

    def dns(*names):
        return tlv(0x30, b"".join(tlv(0x82, n.encode()) for n in names))

    bc_ca = ext("2.5.29.19", True, tlv(0x30, b"\x01\x01\xff"))
    san = ext("2.5.29.17", None, dns("a.example", "b.example"))
    gtime = lambda tag, t: tlv(tag, t.encode())
    direct = {
        "dup-san": [ext("2.5.29.17", None, dns("first.example")),
                    ext("2.5.29.17", None, dns("second.example"))],
        "dup-ku": [ext("2.5.29.15", True, bytes.fromhex("03020780")),
                   ext("2.5.29.15", True, bytes.fromhex("03020204"))],
        "dup-bc": [bc_ca, ext("2.5.29.19", True, tlv(0x30, b""))],
        "dup-unknown": [ext("1.2.3.4", None, b"\x05\x00"), ext("1.2.3.4", None, b"\x05\x00")],
        "explicit-critical-false": [ext("2.5.29.19", False, tlv(0x30, b"")), san],
        "bad-san-value": [ext("2.5.29.17", None, bytes.fromhex("DEADBEEF"))],
        "bad-san-tag": [ext("2.5.29.17", None, tlv(0x30, tlv(0x82, b"a") + tlv(0x89, b"b")))],
        "bad-bc-value": [ext("2.5.29.19", True, tlv(0x30, b"\x02\x01\x01") + b"\xff")],
        "bad-ku-value": [ext("2.5.29.15", True, tlv(0x04, b"\xff"))],
        "bad-eku-value": [ext("2.5.29.37", None, tlv(0x30, tlv(0x0C, b"a")))],
        "bad-aki-value": [ext("2.5.29.35", None, tlv(0x30, tlv(0x80, b"\x01")) + b"\xff")],
        "san-ip-bad-length": [ext("2.5.29.17", None, tlv(0x30, tlv(0x87, bytes.fromhex("C0000201FF"))))],
        "eku-empty": [ext("2.5.29.37", None, tlv(0x30, b""))],
        "ku-empty": [ext("2.5.29.15", True, tlv(0x03, b"\x00"))],
        "ku-unused-bits": [ext("2.5.29.15", True, tlv(0x03, b"\x05\xa0"))],
        "ku-two-bytes": [ext("2.5.29.15", True, tlv(0x03, b"\x00\x80\x80"))],
        "bc-false-explicit": [ext("2.5.29.19", None, tlv(0x30, b"\x01\x01\x00"))],
        "bc-empty": [ext("2.5.29.19", True, tlv(0x30, b""))],
        "bc-pathlen-huge": [ext("2.5.29.19", True,
                                tlv(0x30, b"\x01\x01\xff" + tlv(0x02, bytes.fromhex("00FFFFFFF0"))))],
        "bc-pathlen-negative": [ext("2.5.29.19", True,
                                    tlv(0x30, b"\x01\x01\xff" + tlv(0x02, b"\xff")))],
        "ski-long": [ext("2.5.29.14", None, tlv(0x04, b"\xab" * 32))],
        "sct-list": [ext("1.3.6.1.4.1.11129.2.4.2", None, tlv(0x04, b"\x00\x01\x00"))],
        "private-key-usage-period": [ext("2.5.29.16", None, tlv(0x30, gtime(0x80, "20200101000000Z") +
                                                               gtime(0x81, "20300101000000Z")))],
        "subject-dir-attrs": [ext("2.5.29.9", None, tlv(0x30, tlv(0x30, oid_der("1.3.6.1.4.1.311.20.2.3") +
                                                                  tlv(0x31, tlv(0x0C, b"username")))))],
        "qc-statements": [ext("1.3.6.1.5.5.7.1.3", None,
                              tlv(0x30, tlv(0x30, oid_der("0.4.0.1862.1.1"))))],
        "ms-template": [ext("1.3.6.1.4.1.311.21.7", None,
                            tlv(0x30, oid_der("1.3.6.1.4.1.311.21.8.1.2") + b"\x02\x01\x64\x02\x01\x00")),
                        ext("1.3.6.1.4.1.311.20.2", None, tlv(0x1E, "WebServer".encode("utf-16-be")))],
        "many-unknown": [ext("1.3.6.1.4.1.55555.%d" % i, i % 3 == 0, b"\x05\x00") for i in range(50)],
    }
    for name, exts in direct.items():
        gen(g, name, exts=exts, issuer=[[("commonName", "UTF8", "tlsdiag genconf CA")]],
            subject=[[("commonName", "UTF8", name + ".example.com")]])
    gen(g, "v1-with-extensions", version=None, exts=[san],
        subject=[[("commonName", "UTF8", "v1 with extensions")]])
    gen(g, "v2-with-extensions", version="EXPLICIT:0,INTEGER:1", exts=[san],
        subject=[[("commonName", "UTF8", "v2 with extensions")]])
    gen(g, "empty-extensions", exts=[], subject=[[("commonName", "UTF8", "empty extension list")]])


def reencode(der, long_len=0, indefinite=False):
    """The same TLV with its outer length in another BER form."""
    tag, h, body = der_split(der)
    if indefinite:
        return bytes([tag, 0x80]) + body + b"\x00\x00"
    return tlv(tag, body, long_len)


def group_structure():
    """The TBSCertificate frame: v1 without a version field and with an
    explicit v1, v2 and v3 with unique IDs (also v1 with them), version
    numbers openssl calls "Unknown", serial numbers (zero, negative, 20 and
    40 bytes), BER lengths openssl reads (long form with leading zeros,
    indefinite), a RSA-signed v1 root."""
    g = "structure"
    for name, ver in (("v1-no-version", None), ("v1-explicit", "EXPLICIT:0,INTEGER:0"),
                      ("v2", "EXPLICIT:0,INTEGER:1"), ("version-3", "EXPLICIT:0,INTEGER:3"),
                      ("version-4", "EXPLICIT:0,INTEGER:4"), ("version-255", "EXPLICIT:0,INTEGER:255"),
                      ("version-minus-1", "EXPLICIT:0,INTEGER:-1"),
                      ("version-huge", "EXPLICIT:0,INTEGER:0x0123456789ABCDEF0123456789"),
                      ("version-2-63", "EXPLICIT:0,INTEGER:0x7FFFFFFFFFFFFFFF")):
        gen(g, name, version=ver, subject=[[("commonName", "UTF8", name)]])
    uids = ("iuid=IMPLICIT:1,FORMAT:HEX,BITSTRING:0123456789ABCDEF\n"
            "suid=IMPLICIT:2,FORMAT:HEX,BITSTRING:FEDCBA9876543210AA")
    for name, ver, f in (("v2-unique-ids", "EXPLICIT:0,INTEGER:1", uids),
                         ("v3-unique-ids", "EXPLICIT:0,INTEGER:2", uids),
                         ("v1-unique-ids", None, uids),
                         ("v2-issuer-uid-only", "EXPLICIT:0,INTEGER:1",
                          "iuid=IMPLICIT:1,FORMAT:HEX,BITSTRING:00"),
                         ("v2-subject-uid-only", "EXPLICIT:0,INTEGER:1",
                          "suid=IMPLICIT:2,FORMAT:HEX,BITSTRING:5A")):
        gen(g, name, version=ver, extra_fields=f,
            exts=[("2.5.29.19", None, "FORMAT:HEX,OCTETSTRING:3000")] if ver and ver.endswith(":2") else None,
            subject=[[("commonName", "UTF8", name)]])
    for name, serial in (("serial-zero", "INTEGER:0"), ("serial-negative", "INTEGER:-1"),
                         ("serial-negative-big", "INTEGER:-0x0123456789ABCDEF"),
                         ("serial-high-bit", "INTEGER:0x80"),
                         ("serial-20-bytes", "INTEGER:0x7F" + "AB" * 19),
                         ("serial-40-bytes", "INTEGER:0x" + "CD" * 40),
                         ("serial-2048-bit", "INTEGER:0x" + "1F" * 256)):
        gen(g, name, serial=serial, subject=[[("commonName", "UTF8", name)]])
    # BER forms openssl's reader takes, signed over as they are.
    tbs = genconf(tbs_config(subject=[[("commonName", "UTF8", "long-form lengths")]]))
    tag, h, body = der_split(tbs)
    items = der_items(body)
    items = [reencode(x, long_len=3) if x[0] == 0x30 else x for x in items]
    gen(g, "ber-long-form-lengths", tbs=reencode(tlv(0x30, b"".join(items)), long_len=4))
    tbs = genconf(tbs_config(subject=[[("commonName", "UTF8", "indefinite length")]]))
    gen(g, "ber-indefinite-tbs", tbs=reencode(tbs, indefinite=True))
    tbs = genconf(tbs_config(subject=[[("commonName", "UTF8", "indefinite name")]]))
    tag, h, body = der_split(tbs)
    items = der_items(body)
    items[5] = reencode(items[5], indefinite=True)  # subject
    gen(g, "ber-indefinite-subject", tbs=tlv(0x30, b"".join(items)))
    issue(g, "v1-rsa-root", "rsa2048", subj="/C=US/O=Old Root Inc/CN=v1 root", md="sha1")
    issue(g, "v1-leaf-of-v1-root", "ec-prime256v1", subj="/CN=leaf of v1 root",
          issuer=Cert("structure/v1-rsa-root.der", "rsa2048"), md="sha256")


def group_rejected():
    """Certificates openssl cannot read (its ASN.1 templates refuse them):
    kept to show that tlsdiag neither crashes nor shows garbage; whether it
    is more lenient than openssl (non-minimal INTEGERs, an empty serial, a
    VisibleString or OCTET STRING name value) is its choice. Also a
    certificate followed by a byte: `openssl x509` reads the first object
    of a file, but its TLS stack refuses such a Certificate entry
    (SSL_R_CERT_LENGTH_MISMATCH), and so does tlsdiag."""
    g = "rejected"
    tbs = genconf(tbs_config(subject=[[("commonName", "UTF8", "trailing in TBS")]]))
    tag, h, body = der_split(tbs)
    gen(g, "trailing-bytes-in-tbs", tbs=tlv(0x30, body + b"\x05\x00"), issuer_path="-")
    items = der_items(der_split(genconf(tbs_config()))[2])
    items[1] = b"\x02\x00"  # genconf refuses an empty INTEGER
    gen(g, "serial-empty", tbs=tlv(0x30, b"".join(items)), issuer_path="-")
    items[1] = b"\x02\x02\x00\x01"  # not the shortest form
    gen(g, "serial-not-minimal", tbs=tlv(0x30, b"".join(items)), issuer_path="-")
    gen(g, "time-wrong-type", validity=("IA5STRING:200101000000Z", "UTCTIME:400101000000Z"),
        issuer_path="-")
    gen(g, "name-octet-string-value", subject=[[("commonName", "FORMAT:HEX,OCTETSTRING", "41")]],
        issuer_path="-")
    # VisibleString is not among the types openssl's X509_NAME takes
    # (B_ASN1_PRINTABLE): tlsdiag shows it.
    gen(g, "name-visiblestring", subject=[[("commonName", "VISIBLESTRING", "visible.example.com")]],
        issuer_path="-")
    gen(g, "critical-not-boolean", exts=[("2.5.29.19", None, "INTEGER:1\nv2=FORMAT:HEX,OCTETSTRING:3000")],
        issuer_path="-")
    der = open(os.path.join(OUT, "structure/v3-unique-ids.der"), "rb").read()
    save(g, "certificate-trailing-bytes", der + b"\x00", "-")
    save(g, "truncated", der[: len(der) // 2], "-")


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    try:
        group_keys()
        group_sigs()
        group_names()
        group_dates()
        group_exts()
        group_structure()
        group_rejected()
        write(os.path.join(HERE, "MANIFEST"), "\n".join(MANIFEST) + "\n")
        print("%d certificates in %s" % (len(MANIFEST), OUT))
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()

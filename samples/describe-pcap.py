#!/usr/bin/python3
"""describe-pcap.py - one line per TLS-bearing frame, from tshark's own dissection.

Used by make-samples.sh (and by hand) to write the "what tshark shows"
part of samples/README.md: frame numbers, who sent what, SNI, the subjects
of the certificates in each Certificate message in wire order, the CA names
of a CertificateRequest, and alerts. Everything comes from `tshark -V`, an
independent dissector, never from tlsdiag.

Usage: describe-pcap.py FILE.pcap PORT
"""
import re
import subprocess
import sys


def cn(rdn):
    m = re.search(r"id-at-commonName=([^,)]*)", rdn)
    return ("CN=" + m.group(1)) if m else rdn


def main():
    f, port = sys.argv[1], sys.argv[2]
    out = subprocess.run(
        ["tshark", "-r", f, "-d", "tcp.port==%s,tls" % port, "-V",
         "-o", "tls.desegment_ssl_records:TRUE",
         "-o", "tls.desegment_ssl_application_data:TRUE"],
        capture_output=True, text=True, check=True).stdout
    frames = re.split(r"\n(?=Frame \d+:)", out)
    for fr in frames:
        m = re.match(r"Frame (\d+):", fr)
        if not m or "Transport Layer Security" not in fr:
            continue
        num = m.group(1)
        ip = re.search(r"Internet Protocol Version 4, Src: (\S+), Dst: (\S+)", fr)
        parts = []
        lines = fr.splitlines()
        reasm = re.search(r"\[(\d+) Reassembled TCP Segments \((\d+) bytes\): ([^\]]*)\]", fr)
        i = 0
        in_cert = False
        certs = []
        while i < len(lines):
            l = lines[i].strip()
            mh = re.match(r"Handshake Type: (.*) \((\d+)\)$", l)
            if mh:
                if in_cert:
                    parts.append("Certificate[%d]: %s" % (len(certs), ", ".join(certs) or "EMPTY"))
                    in_cert, certs = False, []
                if mh.group(2) == "11":
                    in_cert = True
                else:
                    parts.append(mh.group(1).replace(" ", ""))
            elif l.startswith("Server Name:"):
                parts.append("SNI=" + l.split(":", 1)[1].strip())
            elif l == "subject: rdnSequence (0)" and in_cert:
                certs.append(cn(lines[i + 1].strip()))
            elif l.startswith("Distinguished Name:"):
                parts.append("CA-name " + cn(l))
            elif l.startswith("Alert Message") or l.startswith("Encrypted Alert"):
                pass
            elif re.match(r"Description: .* \(\d+\)$", l) and "Alert" in fr:
                lvl = re.search(r"Level: (\w+)", fr)
                parts.append("ALERT %s %s" % (lvl.group(1) if lvl else "?", l.split(":", 1)[1].strip()))
            elif "Content Type: Application Data (23)" in l or "Opaque Type: Application Data (23)" in l:
                parts.append("ApplicationData")
            elif "Content Type: Alert (21)" in l and "Encrypted Alert" in fr:
                parts.append("EncryptedAlert")
            elif "Content Type: Change Cipher Spec (20)" in l:
                parts.append("ChangeCipherSpec")
            i += 1
        if in_cert:
            parts.append("Certificate[%d]: %s" % (len(certs), ", ".join(certs) or "EMPTY"))
        if "Encrypted Handshake Message" in fr:
            parts.append("EncryptedHandshake")
        if not parts:  # only the first part of a message reassembled later
            continue
        where = "%s -> %s" % (ip.group(1), ip.group(2)) if ip else "?"
        extra = ""
        if reasm:
            extra = "  (reassembled from %s TCP segments: %s)" % (reasm.group(1), reasm.group(3))
        print("frame %s %s: %s%s" % (num, where, "; ".join(parts), extra))


if __name__ == "__main__":
    main()

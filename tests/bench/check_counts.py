#!/usr/bin/python3
"""check_counts.py - does a reading of a benchmark capture agree with the
generator's ground truth?

    check_counts.py --truth T.json [--truth T2.json ...]
                    [--tlsdiag OUT.ndjson] [--tshark FIELDS.tsv]

--tlsdiag: `tlsdiag --json` output; with several --truth files (a
directory run), each capture's sessions are those whose "file" has the
capture's base name. --tshark: the output of

    tshark -n -r CAPTURE -o tcp.reassemble_out_of_order:TRUE -Y tls -T fields \\
        -E separator=/t -E occurrence=a -E aggregator=, -e tcp.stream \\
        -e tcp.srcport -e tls.record.content_type -e tls.handshake.type \\
        -e tls.handshake.certificate -e tls.alert_message.desc

(TSHARK_FIELDS below; TLS servers are on port 443 in these captures).
Compared: handshakes (ClientHellos), sessions, mutual TLS, empty client
Certificate messages, Certificate messages per side, every certificate by
SHA-256 with how many times it was presented, and alerts by description
(for tlsdiag, encrypted ones only until application data has flowed both
ways: it stops following a connection there, so the truth counts the later
ones apart; tshark follows connections to the end).
Exit status 1, with the differences, when a reading disagrees.
"""
import argparse
import collections
import hashlib
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tlsnames import ENCRYPTED, alert_name  # noqa: E402

TSHARK_FIELDS = ["-o", "tcp.reassemble_out_of_order:TRUE", "-Y", "tls", "-T", "fields",
                 "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,",
                 "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tls.record.content_type",
                 "-e", "tls.handshake.type", "-e", "tls.handshake.certificate",
                 "-e", "tls.alert_message.desc"]
SERVER_PORT = "443"

SCALARS = ["handshakes", "sessions", "mutual_tls", "client_certificate_empty",
           "certificate_messages_server", "certificate_messages_client"]


def empty():
    return {"scalars": collections.Counter(), "certs": collections.Counter(),
            "alerts": collections.Counter()}


def from_truth(t):
    c = empty()
    s = c["scalars"]
    for k in ("handshakes", "sessions", "mutual_tls", "client_certificate_empty"):
        s[k] = t[k]
    s["certificate_messages_server"] = t["certificate_messages"]["server"]
    s["certificate_messages_client"] = t["certificate_messages"]["client"]
    c["certs"].update(t["certificates"]["by_sha256"])
    c["alerts"].update(t["alerts"])
    return c


def from_truth_all_alerts(t):
    """The truth as a reader that follows connections to their end sees
    it: encrypted alerts after application data too."""
    c = from_truth(t)
    c["alerts"][ENCRYPTED] += t["encrypted_alerts_after_application_data"]
    return c


def from_tlsdiag(path, names=None):
    """Counts per capture base name (None: everything in one)."""
    out = collections.defaultdict(empty)
    with open(path) as f:
        for line in f:
            o = json.loads(line)
            if o.get("type") != "session":
                continue
            key = os.path.basename(o["file"]) if names else None
            c = out[key]
            s = c["scalars"]
            s["sessions"] += 1
            if o["tls"]["ja3"] is not None:
                s["handshakes"] += 1
            if o["client_chain"]:
                s["mutual_tls"] += 1
            if o["server_chain_check"] is not None:
                s["certificate_messages_server"] += 1
            cc = o["client_chain_check"]
            if cc is not None:
                s["certificate_messages_client"] += 1
                if cc["sent"] == 0:
                    s["client_certificate_empty"] += 1
            for cert in o["server_chain"] + o["client_chain"]:
                c["certs"][cert["sha256"]] += 1
            for a in o["alerts"]:
                if a["encrypted"]:
                    c["alerts"][ENCRYPTED] += 1
                else:
                    c["alerts"][a["description"] or alert_name(a["code"])] += 1
    return out


def from_tshark(path):
    c = empty()
    s = c["scalars"]
    streams, mutual = set(), set()
    with open(path) as f:
        for line in f:
            col = line.rstrip("\n").split("\t")
            col += [""] * (6 - len(col))
            stream, sport, ctypes, hstypes, certs, descs = col[:6]
            ctypes = ctypes.split(",") if ctypes else []
            hstypes = hstypes.split(",") if hstypes else []
            certs = certs.split(",") if certs else []
            descs = descs.split(",") if descs else []
            if ctypes:
                streams.add(stream)
            s["handshakes"] += hstypes.count("1")
            if "11" in hstypes:
                server = sport == SERVER_PORT
                s["certificate_messages_server" if server else "certificate_messages_client"] += 1
                if not server:
                    if certs:
                        mutual.add(stream)
                    else:
                        s["client_certificate_empty"] += 1
            for h in certs:
                c["certs"][hashlib.sha256(bytes.fromhex(h.replace(":", ""))).hexdigest()] += 1
            for d in descs:
                c["alerts"][alert_name(int(d, 0))] += 1
            enc = ctypes.count("21") - len(descs)
            if enc > 0:
                c["alerts"][ENCRYPTED] += enc
    s["sessions"] = len(streams)
    s["mutual_tls"] = len(mutual)
    return c


def describe(c):
    s = c["scalars"]
    return ("%d handshakes, %d sessions, %d certificates (%d presented), %d mutual TLS, alerts %s" %
            (s["handshakes"], s["sessions"], len(c["certs"]), sum(c["certs"].values()),
             s["mutual_tls"], ", ".join("%s %d" % kv for kv in sorted(c["alerts"].items())) or "none"))


def diff(got, want, limit=8):
    """Differences of got from want, in words (empty: they agree)."""
    out = []
    for k in SCALARS:
        if got["scalars"][k] != want["scalars"][k]:
            out.append("%s: %d, ground truth %d" % (k, got["scalars"][k], want["scalars"][k]))
    for what in ("certs", "alerts"):
        g, w = got[what], want[what]
        bad = sorted(k for k in set(g) | set(w) if g[k] != w[k])
        if bad:
            name = "certificate" if what == "certs" else "alert"
            out.append("%d %s(s) counted differently:" % (len(bad), name))
            out += ["  %s: %d, ground truth %d" % (k, g[k], w[k]) for k in bad[:limit]]
            if len(bad) > limit:
                out.append("  ... and %d more" % (len(bad) - limit))
    return out


def check(truth_paths, tlsdiag=None, tshark=None, out=sys.stdout):
    """Print one verdict per reading; True when all agree with the truth."""
    ok = True
    truths = []
    for p in truth_paths:
        with open(p) as f:
            truths.append(json.load(f))
    td = from_tlsdiag(tlsdiag, names=len(truths) > 1) if tlsdiag else None
    for t in truths:
        want = from_truth(t)
        readings = []
        if td is not None:
            key = os.path.basename(t["capture"]) if len(truths) > 1 else None
            readings.append(("tlsdiag", td.get(key, empty())))
        if tshark:
            readings.append(("tshark", from_tshark(tshark)))
        print("%s: ground truth: %s" % (t["capture"], describe(want)), file=out)
        for name, got in readings:
            d = diff(got, from_truth_all_alerts(t) if name == "tshark" else want)
            if d:
                ok = False
                print("%s: %s DISAGREES with the ground truth:" % (t["capture"], name), file=out)
                for line in d:
                    print("    " + line, file=out)
            else:
                print("%s: %s agrees" % (t["capture"], name), file=out)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--truth", action="append", required=True)
    ap.add_argument("--tlsdiag")
    ap.add_argument("--tshark")
    a = ap.parse_args()
    if a.tshark and len(a.truth) > 1:
        ap.error("--tshark reads one capture: give one --truth")
    sys.exit(0 if check(a.truth, a.tlsdiag, a.tshark) else 1)


if __name__ == "__main__":
    main()

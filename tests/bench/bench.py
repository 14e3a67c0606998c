#!/usr/bin/python3
"""bench.py - `make bench`: tlsdiag's speed and memory beside a bare libpcap
loop, ndpiReader and tshark, on generated captures whose ground truth is
known, and tlsdiag's counts checked against that truth.

    bench.py --tlsdiag BIN --pcaploop BIN --runstat BIN --data DIR [--scale full|small]
             [--runs N] [--tshark BIN] [--ndpireader BIN]

The captures (make-bench-captures.py) are made once per scale under
DIR/<scale>/ and made again only when the generator, its templates or its
PKI change. Every tool runs on the same files, interleaved, N times
(BENCH_RUNS, default 3; tshark BENCH_TSHARK_RUNS, default the same), with
the page cache warm, each under runstat (wall time, user+sys CPU time and
peak RSS from wait4); the table shows medians. Wall time is what the
targets are judged on; CPU time (user+sys) is steadier on a shared machine
and is shown beside it, with the load average during the runs.

Exit status: 1 when tlsdiag's counts disagree with the ground truth or
with tshark, when a tool fails, or when repeated or -j 1/-j 2 runs do not
print the same output; 0 otherwise (targets not met are figures, not
failures).
"""
import argparse
import glob
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_counts  # noqa: E402

GEN = os.path.join(HERE, "make-bench-captures.py")
MIB = 1048576.0


def inputs_digest(scale):
    h = hashlib.sha256(scale.encode())
    files = [GEN, os.path.join(HERE, "tlsnames.py")]
    files += sorted(glob.glob(os.path.join(HERE, "templates", "*.pcap")))
    files += sorted(glob.glob(os.path.join(HERE, "pki", "*")))
    for p in files:
        h.update(os.path.basename(p).encode() + b"\0")
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


NEEDED_GIB = {"full": 3.5, "small": 0.2, "tiny": 0.05}  # captures + outputs


def captures(data, scale):
    """Make the captures unless the ones in `data` came from the same inputs."""
    stamp = os.path.join(data, "inputs.sha256")
    digest = inputs_digest(scale)
    if os.path.exists(stamp) and os.path.exists(os.path.join(data, "manifest.json")):
        with open(stamp) as f:
            if f.read().strip() == digest:
                print("captures: %s (up to date)" % data)
                return
    os.makedirs(os.path.dirname(data) or ".", exist_ok=True)
    if os.path.isdir(data):
        shutil.rmtree(data)
    os.makedirs(data)
    free = shutil.disk_usage(data).free / (1 << 30)
    if free < NEEDED_GIB[scale] * 1.5:
        sys.exit("bench: %.1f GiB free under %s; the %s captures need about %.1f GiB" %
                 (free, data, scale, NEEDED_GIB[scale]))
    print("captures: generating the %s scale into %s (nice -n 10) ..." % (scale, data), flush=True)
    t0 = time.monotonic()
    subprocess.run(["nice", "-n", "10", "/usr/bin/python3", GEN, "--scale", scale, data], check=True)
    with open(stamp, "w") as f:
        f.write(digest + "\n")
    print("captures: generated in %.0f s" % (time.monotonic() - t0))


def measure(runstat, argv, out_path, err_path):
    """Run argv under runstat (see runstat.c for why not from here);
    (wall s, user+sys s, peak RSS KiB, exit code)."""
    rep = out_path + ".runstat"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        subprocess.run([runstat, rep] + argv, stdout=out, stderr=err)
    with open(rep) as f:
        wall, cpu, rss, code = f.read().split()
    return float(wall), float(cpu), int(rss), int(code)


def output_digest(path):
    """Digest of a tlsdiag --json output, without the summary's "now" and
    "timestamp" (the run's own time)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for line in f:
            if line.startswith(b'{"type":"summary"'):
                o = json.loads(line)
                o.pop("now", None)
                o.pop("timestamp", None)
                line = json.dumps(o, sort_keys=True).encode()
            h.update(line)
    return h.hexdigest()


class Job:
    def __init__(self, key, tool, capture, argv, ok_codes=(0,), runs=None, tlsdiag=False):
        self.key, self.tool, self.capture, self.argv = key, tool, capture, argv
        self.ok_codes, self.runs, self.tlsdiag = ok_codes, runs, tlsdiag
        self.results, self.digests = [], []


def which(explicit, name):
    if explicit:
        return explicit if os.path.exists(explicit) else None
    return shutil.which(name)


def fmt_ratio(x):
    return "%.1fx" % x if x < 100 else "%.0fx" % x


def faster(r):
    """r = other's time / ours, in words."""
    return "%s faster" % fmt_ratio(r) if r >= 1 else "%s slower" % fmt_ratio(1 / r)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tlsdiag", required=True)
    ap.add_argument("--pcaploop", required=True)
    ap.add_argument("--runstat", required=True)
    ap.add_argument("--data", required=True, help="directory for the captures (per scale)")
    ap.add_argument("--scale", default=os.environ.get("BENCH_SCALE") or "full",
                    choices=("full", "small", "tiny"))
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS") or 3))
    ap.add_argument("--tshark", default=os.environ.get("TSHARK"))
    ap.add_argument("--ndpireader", default=os.environ.get("NDPIREADER"))
    a = ap.parse_args()
    runs = max(1, a.runs)
    tshark_runs = max(1, int(os.environ.get("BENCH_TSHARK_RUNS") or runs))
    data = os.path.join(a.data, a.scale)
    captures(data, a.scale)
    with open(os.path.join(data, "manifest.json")) as f:
        manifest = json.load(f)["captures"]
    res = os.path.join(data, "results")
    os.makedirs(res, exist_ok=True)
    tshark = which(a.tshark, "tshark")
    ndpi = which(a.ndpireader, "ndpiReader")
    D = lambda name: os.path.join(data, name)  # noqa: E731
    td = a.tlsdiag
    loop = a.pcaploop
    parts = sorted(n for n in manifest if n.startswith("dir/"))

    jobs = [
        Job("span.td", "tlsdiag --json", "span.pcap", [td, "--json", D("span.pcap")], (0, 1), tlsdiag=True),
        Job("span.loop", "bare libpcap loop", "span.pcap", [loop, D("span.pcap")]),
        Job("q1.td", "tlsdiag --json", "span-q1.pcap", [td, "--json", D("span-q1.pcap")], (0, 1), tlsdiag=True),
        Job("q1.loop", "bare libpcap loop", "span-q1.pcap", [loop, D("span-q1.pcap")]),
    ]
    if tshark:
        jobs.append(Job("q1.tshark", "tshark (fields)", "span-q1.pcap",
                        [tshark, "-n", "-r", D("span-q1.pcap")] + check_counts.TSHARK_FIELDS,
                        runs=tshark_runs))
    jobs += [
        Job("hs.td", "tlsdiag --json", "handshakes.pcap", [td, "--json", D("handshakes.pcap")], (0, 1),
            tlsdiag=True),
        Job("hs.loop", "bare libpcap loop", "handshakes.pcap", [loop, D("handshakes.pcap")]),
    ]
    if ndpi:
        jobs.append(Job("hs.ndpi", "ndpiReader -v 2", "handshakes.pcap", [ndpi, "-i", D("handshakes.pcap"), "-v", "2"]))
    jobs += [
        Job("flows.td", "tlsdiag --json", "flows100k.pcap", [td, "--json", D("flows100k.pcap")], (0, 1),
            tlsdiag=True),
        Job("flows.loop", "bare libpcap loop", "flows100k.pcap", [loop, D("flows100k.pcap")]),
        Job("dir.j1", "tlsdiag --json -j 1", "dir/", [td, "--json", "-j", "1", D("dir")], (0, 1), tlsdiag=True),
        Job("dir.j2", "tlsdiag --json -j 2", "dir/", [td, "--json", "-j", "2", D("dir")], (0, 1), tlsdiag=True),
    ]

    def size_of(cap):
        if cap == "dir/":
            return sum(manifest[p]["bytes"] for p in parts), sum(manifest[p]["packets"] for p in parts)
        return manifest[cap]["bytes"], manifest[cap]["packets"]

    # The page cache warm: read everything once.
    for p in [D(n) for n in manifest]:
        with open(p, "rb") as f:
            while f.read(1 << 24):
                pass
    ncpu = os.cpu_count()
    start_uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    loads = []
    failed = []
    t_start = time.monotonic()
    for r in range(runs):
        for j in jobs:
            if j.runs is not None and r >= j.runs:
                continue
            loads.append(os.getloadavg()[0])
            out = os.path.join(res, j.key + (".json" if j.tlsdiag else ".out"))
            err = os.path.join(res, j.key + ".err")
            wall, cpu, rss, code = measure(a.runstat, j.argv, out, err)
            print("run %d/%d  %-20s %-16s %7.2f s wall %7.2f s CPU %7.1f MiB peak RSS  load %.2f" %
                  (r + 1, runs, j.tool, j.capture, wall, cpu, rss / 1024.0, loads[-1]), flush=True)
            j.results.append((wall, cpu, rss))
            if code not in j.ok_codes:
                failed.append("%s on %s exited with %d (see %s)" % (j.tool, j.capture, code, err))
            if j.tlsdiag:
                j.digests.append(output_digest(out))
    end_uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    by = {j.key: j for j in jobs}

    def med(key, i):
        j = by.get(key)
        if j is None or not j.results:
            return None
        return statistics.median(x[i] for x in j.results)

    # ---- exactness ----
    print()
    print("== Exactness: tlsdiag's counts against the generator's ground truth%s" %
          (" and tshark" if tshark else ""))
    ok = True
    truth = lambda n: os.path.join(data, "truth", n.replace("/", "_") + ".json")  # noqa: E731
    for key, cap in (("span.td", "span.pcap"), ("hs.td", "handshakes.pcap"), ("flows.td", "flows100k.pcap")):
        ok &= check_counts.check([truth(cap)], os.path.join(res, key + ".json"))
    ok &= check_counts.check([truth("span-q1.pcap")], os.path.join(res, "q1.td.json"),
                             os.path.join(res, "q1.tshark.out") if tshark else None)
    ok &= check_counts.check([truth(p) for p in parts], os.path.join(res, "dir.j1.json"))
    for j in jobs:
        if j.tlsdiag and len(set(j.digests)) > 1:
            ok = False
            print("%s on %s: the %d runs printed different output" % (j.tool, j.capture, len(j.digests)))
    if by["dir.j1"].digests[:1] != by["dir.j2"].digests[:1]:
        ok = False
        print("dir/: -j 1 and -j 2 printed different output (%s, %s)" %
              (os.path.join(res, "dir.j1.json"), os.path.join(res, "dir.j2.json")))
    else:
        print("dir/: -j 1 and -j 2 print the same output; repeated runs too")
    for key in ("span.loop", "hs.loop", "flows.loop", "q1.loop"):
        with open(os.path.join(res, key + ".out")) as f:
            got = int(f.read().split()[0])
        want = manifest[by[key].capture]["packets"]
        if got != want:
            ok = False
            print("%s: libpcap read %d packets, the generator wrote %d" % (by[key].capture, got, want))
    for line in failed:
        print(line)
    ok &= not failed

    # ---- table ----
    print()
    print("== Speed and memory: medians of %d run(s)%s, page cache warm" %
          (runs, "" if tshark_runs == runs or not tshark else " (tshark: %d)" % tshark_runs))
    print("machine: %d CPUs; at start: %s" % (ncpu, start_uptime))
    print("         at end:   %s" % end_uptime)
    print("load average (1 min) when each run began: min %.2f, median %.2f, max %.2f; %.0f s in all" %
          (min(loads), statistics.median(loads), max(loads), time.monotonic() - t_start))
    print()
    hdr = "%-16s %8s %9s  %-20s %8s %13s %8s %8s %8s %9s" % (
        "capture", "MiB", "packets", "tool", "wall s", "(min-max)", "CPU s", "MiB/s", "kpkt/s", "RSS MiB")
    print(hdr)
    print("-" * len(hdr))
    last = None
    for j in jobs:
        if not j.results:
            continue
        size, pkts = size_of(j.capture)
        w = statistics.median(x[0] for x in j.results)
        c = statistics.median(x[1] for x in j.results)
        rss = statistics.median(x[2] for x in j.results) / 1024.0
        lo, hi = min(x[0] for x in j.results), max(x[0] for x in j.results)
        first = j.capture != last
        last = j.capture
        print("%-16s %8s %9s  %-20s %8.2f %13s %8.2f %8.1f %8.0f %9.1f" % (
            j.capture if first else "", "%.1f" % (size / MIB) if first else "", pkts if first else "",
            j.tool, w, "(%.2f-%.2f)" % (lo, hi), c, size / MIB / w, pkts / 1000.0 / w, rss))
    # ---- targets ----
    print()
    print("== Targets (issue 11), on wall time medians (the same of CPU times in brackets)%s" %
          ("" if a.scale == "full" else "; %s scale: indicative only" % a.scale))
    rows = []

    def ratio_row(what, num, den, target, met, words):
        wn, wd = med(num, 0), med(den, 0)
        if wn is None or wd is None:
            rows.append((what, "not measured (tool missing)", target, "-"))
            return
        cn, cd = med(num, 1), med(den, 1)
        r, rc = wn / wd, (cn / cd if cd else float("inf"))
        rows.append((what, "%s [CPU: %s]" % (words(r), words(rc)), target,
                     "met" if met(r) else "NOT MET"))

    ratio_row("tlsdiag --json vs bare libpcap loop, span", "span.td", "span.loop",
              "within 2x", lambda r: r <= 2.0, lambda r: "%s the loop's time" % fmt_ratio(r))
    ratio_row("tlsdiag vs ndpiReader -v 2, handshakes", "hs.ndpi", "hs.td",
              ">= 3x faster", lambda r: r >= 3.0, faster)
    ratio_row("tlsdiag vs tshark, span first quarter", "q1.tshark", "q1.td",
              ">= 50x faster", lambda r: r >= 50.0, faster)
    rss_span, rss_q1, rss_flows = med("span.td", 2), med("q1.td", 2), med("flows.td", 2)
    rows.append(("peak RSS, span", "%.1f MiB" % (rss_span / 1024), "<= 64 MiB",
                 "met" if rss_span <= 64 * 1024 else "NOT MET"))
    rows.append(("flatness: peak RSS span / its first quarter", "%.2f (%.1f / %.1f MiB)" %
                 (rss_span / rss_q1, rss_span / 1024, rss_q1 / 1024), "<= 1.10",
                 "met" if rss_span <= 1.10 * rss_q1 else "NOT MET"))
    with open(truth("flows100k.pcap")) as f:
        conc = json.load(f)["max_concurrent_tcp_flows"]
    rows.append(("peak RSS, %d concurrent flows" % conc, "%.1f MiB" % (rss_flows / 1024), "< 200 MiB",
                 "met" if rss_flows < 200 * 1024 else "NOT MET"))
    ratio_row("-j 2 vs -j 1, dir/ (%d files)" % len(parts), "dir.j1", "dir.j2",
              ">= 1.8x faster", lambda r: r >= 1.8, faster)
    rows.append(("exactness (counts, repeated runs, -j 1 = -j 2)", "agrees" if ok else "DISAGREES",
                 "agrees", "met" if ok else "NOT MET"))
    wid = max(len(r[0]) for r in rows)
    wm = max(len(r[1]) for r in rows)
    print("%-*s  %-*s  %-14s %s" % (wid, "target", wm, "measured", "goal", ""))
    for r in rows:
        print("%-*s  %-*s  %-14s %s" % (wid, r[0], wm, r[1], r[2], r[3]))
    summary = {"scale": a.scale, "runs": runs, "uptime_start": start_uptime, "uptime_end": end_uptime,
               "jobs": {j.key: {"tool": j.tool, "capture": j.capture, "results": j.results} for j in jobs},
               "targets": rows, "exact": ok}
    with open(os.path.join(res, "bench.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print("\n(raw figures: %s)" % os.path.join(res, "bench.json"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""rewrite-pcap.py - make a loopback capture look like a capture from a customer site.

Used by make-samples.sh. The input is one TCP connection captured with
`tcpdump -i lo` (127.0.0.1 <-> 127.0.0.1, all-zero MACs). The output keeps
every byte of TCP payload, every port and every timestamp (validity is judged
at capture time), and changes only:

  - IPv4 addresses: the side using --port is the server, the other the client;
  - Ethernet addresses, as seen from the capture point (--at): frames between
    the capture host and the far side carry the far side's default gateway
    MAC (--gw-mac) when one is given, else the far host's own MAC;
  - IPv4 TTL of frames that crossed the gateway (64 -> 63);
  - IP and TCP checksums, recomputed (the chksum fields are deleted so scapy
    computes them again).

Usage:
  rewrite-pcap.py IN OUT --port N --client IP,MAC --server IP,MAC
                  [--gw-mac MAC] [--at client|server]
"""
import argparse
import sys

from scapy.all import Ether, IP, TCP, PcapReader, PcapWriter  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--client", required=True, help="IP,MAC")
    ap.add_argument("--server", required=True, help="IP,MAC")
    ap.add_argument("--gw-mac", default=None)
    ap.add_argument("--at", choices=("client", "server"), default="client")
    a = ap.parse_args()

    cip, cmac = a.client.split(",")
    sip, smac = a.server.split(",")
    n = 0
    with PcapReader(a.inp) as rd, PcapWriter(a.out, linktype=1, sync=True) as wr:
        for p in rd:
            if not (p.haslayer(IP) and p.haslayer(TCP)):
                sys.exit("unexpected non-TCP/IPv4 frame %d" % (n + 1))
            ip, tcp = p[IP], p[TCP]
            if tcp.dport == a.port:
                from_client = True
            elif tcp.sport == a.port:
                from_client = False
            else:
                sys.exit("frame %d is not on port %d" % (n + 1, a.port))
            ip.src, ip.dst = (cip, sip) if from_client else (sip, cip)
            # Which MACs does the capture host see?
            at_client = a.at == "client"
            if a.gw_mac:
                if from_client == at_client:  # sent by the capture host
                    src, dst = (cmac if at_client else smac), a.gw_mac
                else:  # received through the gateway
                    src, dst = a.gw_mac, (cmac if at_client else smac)
                    ip.ttl = ip.ttl - 1
            else:
                src, dst = (cmac, smac) if from_client else (smac, cmac)
            p[Ether].src, p[Ether].dst = src, dst
            del ip.chksum
            del tcp.chksum
            q = Ether(bytes(p))  # rebuild: checksums computed here
            q.time = p.time
            wr.write(q)
            n += 1
    print("%s: %d frames rewritten" % (a.out, n))


if __name__ == "__main__":
    main()

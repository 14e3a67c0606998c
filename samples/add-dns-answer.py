#!/usr/bin/python3
"""Prepend a DNS query and its answer to a scenario capture.

    add-dns-answer.py IN.pcap OUT.pcap CLIENT_IP DNS_SERVER_IP NAME ADDR

The client asks DNS_SERVER for NAME and is told ADDR, 20 ms before the
first packet of IN: what a CUCM or Expressway does before it opens a SIP
TLS connection to a peer configured by FQDN. tlsdiag then knows which
name the client dialled even though the ClientHello carries no SNI.
"""
import sys

from scapy.all import DNS, DNSQR, DNSRR, IP, UDP, Ether, rdpcap, wrpcap

src, dst, client, server, name, addr = sys.argv[1:7]
pkts = rdpcap(src)
t0 = float(pkts[0].time)
eth = pkts[0][Ether]
# The client's MAC is the source of the first packet (its SYN).
cmac, gmac = eth.src, eth.dst
q = Ether(src=cmac, dst=gmac) / IP(src=client, dst=server) / UDP(sport=53533, dport=53) / \
    DNS(id=0x4a21, rd=1, qd=DNSQR(qname=name, qtype="A"))
a = Ether(src=gmac, dst=cmac) / IP(src=server, dst=client) / UDP(sport=53, dport=53533) / \
    DNS(id=0x4a21, qr=1, aa=1, rd=1, ra=1, qd=DNSQR(qname=name, qtype="A"),
        an=DNSRR(rrname=name, type="A", ttl=300, rdata=addr))
q.time = t0 - 0.020
a.time = t0 - 0.019
wrpcap(dst, [q, a] + list(pkts))

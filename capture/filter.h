/*
 * filter.h - a BPF filter in tcpdump's syntax (pcap-filter(7)) applied to
 * packets we read ourselves (capture files through source.c, which
 * libpcap cannot read when a pcapng mixes link types).
 *
 * libpcap compiles the expression (pcap_open_dead + pcap_compile) and runs
 * it (pcap_offline_filter): one compiled program per link type, compiled
 * when the first packet of that link type arrives, because the same words
 * compile to different programs on Ethernet, Linux cooked capture or raw
 * IP, and some (`vlan`, `ether host`) do not compile at all on some link
 * types. Live capture sets the same expression in the kernel instead
 * (capture/live.c).
 */
#ifndef TLSDIAG_FILTER_H
#define TLSDIAG_FILTER_H

#include <stddef.h>

#include "capture/source.h"

struct pkt_filter;

/*
 * Check `expr` and keep a copy. It must compile for at least one of the
 * link types we decode (Ethernet first: its error is the one reported).
 * Returns NULL with libpcap's message in err when it compiles for none:
 * the caller's usage error. Thread-safe (libpcap >= 1.8 compiles in
 * parallel); one pkt_filter must not be used by two threads at once.
 */
struct pkt_filter *pkt_filter_new(const char *expr, char *err, size_t errlen);

/*
 * 1 when the filter accepts the packet, 0 when it rejects it, -1 when the
 * expression cannot be compiled for the packet's link type
 * (pkt_filter_message() says why; every later packet of that link type gets
 * -1 too). Allocates only the first time a link type is seen.
 */
int pkt_filter_match(struct pkt_filter *f, const struct pkt *p);

/* Why the last pkt_filter_match() returned -1 ("" otherwise). */
const char *pkt_filter_message(const struct pkt_filter *f);
const char *pkt_filter_expr(const struct pkt_filter *f);
void pkt_filter_free(struct pkt_filter *f);

/* libpcap's DLT_ value for a LINKTYPE_ number as files carry it (they
 * differ for raw IP: LINKTYPE_RAW 101 is DLT_RAW), and back. */
int dlt_of_linktype(int linktype);
int linktype_of_dlt(int dlt);

#endif

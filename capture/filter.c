/*
 * filter.c - tcpdump's filter expressions on packets from capture files:
 * one program per link type, compiled by libpcap against a "dead" handle
 * of that link type and run by its BPF interpreter (pcap_offline_filter),
 * which checks every load against the packet's captured length.
 */
#include "capture/filter.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"

/* Distinct link types one filter compiles for; a capture with more is
 * hostile, and packets past the cap are reported like an expression that
 * does not compile. */
#define FILTER_MAX_LINKTYPES 64

/* What the compiled program returns for an accepted packet is the
 * snaplen; it must not be 0 (that would reject everything). */
#define FILTER_SNAPLEN 262144

struct prog {
	int linktype;
	int ok; /* compiled */
	struct bpf_program bpf;
	char *err; /* !ok: libpcap's message */
};

struct pkt_filter {
	char *expr;
	struct prog *progs;
	size_t n;
	char msg[512];
};

int dlt_of_linktype(int lt)
{
	switch (lt) {
	case LT_RAW:	   /* LINKTYPE_RAW */
	case LT_RAW_DLT12: /* DLT_RAW, as some writers put it in files */
	case LT_RAW_DLT14: /* DLT_RAW on OpenBSD */ return DLT_RAW;
	default: return lt; /* the other values we decode are equal */
	}
}

int linktype_of_dlt(int dlt)
{
	return dlt == DLT_RAW ? LT_RAW : dlt;
}

/* Compile expr for one link type. 0 ok (bpf filled), -1 with err. */
static int compile(const char *expr, int linktype, struct bpf_program *bpf, char *err,
		   size_t errlen)
{
	pcap_t *p = pcap_open_dead(dlt_of_linktype(linktype), FILTER_SNAPLEN);
	if (p == NULL) {
		snprintf(err, errlen, "libpcap could not set up link type %d", linktype);
		return -1;
	}
	int rc = pcap_compile(p, bpf, expr, 1, PCAP_NETMASK_UNKNOWN);
	if (rc != 0)
		snprintf(err, errlen, "%s", pcap_geterr(p));
	pcap_close(p);
	return rc == 0 ? 0 : -1;
}

struct pkt_filter *pkt_filter_new(const char *expr, char *err, size_t errlen)
{
	/* The link types decode.c reads, Ethernet first. */
	static const int tried[] = { LT_ETHERNET, LT_LINUX_SLL2, LT_LINUX_SLL, LT_RAW,
				     LT_IPV4,	  LT_IPV6,	 LT_NULL,      LT_LOOP };
	char first[512] = "";
	int ok = 0;
	for (size_t i = 0; i < sizeof tried / sizeof tried[0] && !ok; i++) {
		struct bpf_program bpf;
		char e[512];
		if (compile(expr, tried[i], &bpf, e, sizeof e) == 0) {
			pcap_freecode(&bpf);
			ok = 1;
		} else if (i == 0) {
			snprintf(first, sizeof first, "%s", e);
		}
	}
	if (!ok) {
		snprintf(err, errlen, "%s", first);
		return NULL;
	}
	struct pkt_filter *f = xcalloc(1, sizeof *f);
	f->expr = xstrdup(expr);
	return f;
}

static struct prog *prog_for(struct pkt_filter *f, int linktype)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->progs[i].linktype == linktype)
			return &f->progs[i];
	if (f->n >= FILTER_MAX_LINKTYPES)
		return NULL;
	f->progs = xreallocarray(f->progs, f->n + 1, sizeof *f->progs);
	struct prog *p = &f->progs[f->n++];
	memset(p, 0, sizeof *p);
	p->linktype = linktype;
	char e[512];
	if (compile(f->expr, linktype, &p->bpf, e, sizeof e) == 0)
		p->ok = 1;
	else
		p->err = xstrdup(e);
	return p;
}

int pkt_filter_match(struct pkt_filter *f, const struct pkt *pk)
{
	struct prog *p = prog_for(f, pk->linktype);
	if (p == NULL || !p->ok) {
		const char *name = linktype_name(pk->linktype);
		snprintf(f->msg, sizeof f->msg,
			 "the filter \"%s\" cannot be applied to packets of link type %d%s%s%s: %s",
			 f->expr, pk->linktype, name ? " (" : "", name ? name : "", name ? ")" : "",
			 p ? p->err : "too many link types");
		return -1;
	}
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof h);
	h.ts.tv_sec = (time_t)(pk->ts_ns / 1000000000);
	h.ts.tv_usec = (suseconds_t)(pk->ts_ns % 1000000000 / 1000);
	h.caplen = pk->caplen;
	h.len = pk->origlen;
	return pcap_offline_filter(&p->bpf, &h, pk->data) != 0;
}

const char *pkt_filter_message(const struct pkt_filter *f)
{
	return f->msg;
}

const char *pkt_filter_expr(const struct pkt_filter *f)
{
	return f->expr;
}

void pkt_filter_free(struct pkt_filter *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++) {
		if (f->progs[i].ok)
			pcap_freecode(&f->progs[i].bpf);
		free(f->progs[i].err);
	}
	free(f->progs);
	free(f->expr);
	free(f);
}

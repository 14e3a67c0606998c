/*
 * capture.c - the one loop from any packet source (file, live interfaces,
 * followed file) through the filter and decoding into the flow table, and
 * the file source that capture_run_file() runs it over.
 */
#include "capture/capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"

/* ---- a capture file as a source ---- */

static enum src_status file_next(void *impl, struct pkt *out, int timeout_ms)
{
	(void)timeout_ms; /* a file has its packets or has ended */
	return src_next(impl, out);
}

static const char *file_message(const void *impl)
{
	return src_message(impl);
}

static uint32_t file_snaplen(const void *impl, uint32_t ifindex)
{
	return src_snaplen(impl, ifindex);
}

static void file_stats(void *impl, struct pkt_source_stats *st)
{
	memset(st, 0, sizeof *st);
	st->bytes = src_offset(impl);
}

static void file_close(void *impl)
{
	src_close(impl);
}

static const struct pkt_source_ops file_ops = {
	.next = file_next,
	.message = file_message,
	.snaplen = file_snaplen,
	.stats = file_stats,
	.close = file_close,
};

int pkt_source_file(struct pkt_source *src, const char *path, char *err, size_t errlen)
{
	memset(src, 0, sizeof *src);
	struct source *s = src_open(path, err, errlen);
	if (s == NULL)
		return -1;
	src->ops = &file_ops;
	src->impl = s;
	return 0;
}

struct source *pkt_source_file_src(const struct pkt_source *src)
{
	return src->ops == &file_ops ? src->impl : NULL;
}

void pkt_source_close(struct pkt_source *src)
{
	if (src->ops && src->impl)
		src->ops->close(src->impl);
	memset(src, 0, sizeof *src);
}

/* ---- the loop ---- */

struct capture {
	struct decoder *dec;
	struct tcp_table *t;
	struct capture_hooks hooks;
	struct capture_result *res;
	struct decoded out; /* large (DNS answers): not on the stack per packet */
};

struct capture *capture_new(struct tcp_table *t, const struct capture_hooks *hooks,
			    struct capture_result *res)
{
	struct capture *c = xcalloc(1, sizeof *c);
	c->dec = decoder_new();
	c->t = t;
	if (hooks)
		c->hooks = *hooks;
	c->res = res;
	return c;
}

void capture_free(struct capture *c)
{
	if (c == NULL)
		return;
	decoder_free(c->dec);
	free(c);
}

static void note_linktype(struct capture_result *r, int lt)
{
	for (int i = 0; i < r->nlinktypes; i++)
		if (r->linktypes[i] == lt)
			return;
	if (r->nlinktypes < CAPTURE_MAX_LINKTYPES)
		r->linktypes[r->nlinktypes++] = lt;
}

/* What every packet read counts for, whether the filter keeps it or not. */
static void count_packet(struct capture_result *res, const struct pkt_source *src,
			 const struct pkt *p)
{
	res->packets++;
	if (res->packets == 1 || p->ts_ns < res->first_ts)
		res->first_ts = p->ts_ns;
	if (p->ts_ns > res->last_ts)
		res->last_ts = p->ts_ns;
	note_linktype(res, p->linktype);
	uint32_t sl = src->ops->snaplen(src->impl, p->ifindex);
	if (sl && (res->snaplen == 0 || sl < res->snaplen))
		res->snaplen = sl;
}

/* A packet cut short by the snapshot length: counted, and where it was cut
 * (the file's snaplen may say otherwise). */
static void count_cut(struct capture_result *res, const struct pkt *p)
{
	if (res->snaplen_cut_packets == 0 || p->caplen < res->cut_min)
		res->cut_min = p->caplen;
	if (p->caplen > res->cut_max)
		res->cut_max = p->caplen;
	res->snaplen_cut_packets++;
}

static void decode_one(struct capture *c, const struct pkt *p)
{
	struct decoded *out = &c->out;
	enum decode_result r = decode_packet(c->dec, p, out, &c->res->dec);
	/* A frame short only of its link trailer (FCS, padding) lost nothing. */
	if (p->caplen < p->origlen && !out->trailer_cut)
		count_cut(c->res, p);
	switch (r) {
	case DEC_TCP: tcp_table_input(c->t, &out->tcp); break;
	case DEC_UDP:
		if (c->hooks.udp)
			udp_table_input(c->hooks.udp, &out->udp);
		break;
	case DEC_DNS:
		if (c->hooks.dns)
			for (size_t i = 0; i < out->n_dns; i++)
				c->hooks.dns(c->hooks.ctx, &out->dns[i]);
		break;
	default: break;
	}
}

static void progress(struct capture *c, struct pkt_source *src)
{
	struct pkt_source_stats st;
	src->ops->stats(src->impl, &st);
	c->hooks.progress(c->hooks.ctx, st.bytes);
}

enum src_status capture_pump(struct capture *c, struct pkt_source *src, int timeout_ms,
			     uint64_t max_packets)
{
	struct capture_result *res = c->res;
	struct pkt p;
	for (uint64_t n = 0; n < max_packets; n++) {
		enum src_status st = src->ops->next(src->impl, &p, timeout_ms);
		if (st == SRC_AGAIN)
			return st;
		if (st != SRC_OK) {
			res->status = st;
			if (st != SRC_EOF)
				snprintf(res->message, sizeof res->message, "%s",
					 src->ops->message(src->impl));
			return st;
		}
		count_packet(res, src, &p);
		int keep = c->hooks.filter ? pkt_filter_match(c->hooks.filter, &p) : 1;
		if (keep < 0) {
			res->status = SRC_ERROR;
			snprintf(res->message, sizeof res->message,
				 "%s (frame %llu); reading stopped there",
				 pkt_filter_message(c->hooks.filter), (unsigned long long)p.frame);
			return SRC_ERROR;
		}
		if (keep == 0) {
			res->filtered_out++;
			if (p.caplen < p.origlen)
				count_cut(res, &p);
		} else {
			if (c->hooks.packet)
				c->hooks.packet(c->hooks.ctx, &p);
			decode_one(c, &p);
		}
		if (c->hooks.progress && (res->packets & 0xfff) == 0)
			progress(c, src);
	}
	return SRC_OK;
}

/* ---- one file ---- */

int capture_run_file(const char *path, struct tcp_table *t, const struct capture_hooks *hooks,
		     struct capture_result *res)
{
	char err[512];
	struct pkt_source src;
	memset(res, 0, sizeof *res);
	if (pkt_source_file(&src, path, err, sizeof err) != 0) {
		snprintf(res->message, sizeof res->message, "%s", err);
		res->status = SRC_ERROR;
		return -1;
	}
	struct source *s = pkt_source_file_src(&src);
	res->opened = 1;
	snprintf(res->format, sizeof res->format, "%s", src_format(s));
	res->compressed = src_compressed(s);
	if (hooks && hooks->secrets)
		src_on_secrets(s, hooks->secrets, hooks->ctx);

	struct capture *c = capture_new(t, hooks, res);
	while (capture_pump(c, &src, 0, UINT64_MAX) == SRC_OK)
		;
	res->bytes_read = src_offset(s);
	if (res->dec.unknown_linktype && res->dec.tcp == 0 && res->message[0] == 0) {
		const char *n = linktype_name(res->dec.last_unknown_linktype);
		snprintf(res->message, sizeof res->message,
			 "link type %d%s%s%s is not supported: %llu packets could not be decoded",
			 res->dec.last_unknown_linktype, n ? " (" : "", n ? n : "", n ? ")" : "",
			 (unsigned long long)res->dec.unknown_linktype);
	}
	capture_free(c);
	pkt_source_close(&src);
	return 0;
}

/* capture.c - one file: source -> decode -> flow table. */
#include "capture/capture.h"

#include <stdio.h>
#include <string.h>

static void note_linktype(struct capture_result *r, int lt)
{
	for (int i = 0; i < r->nlinktypes; i++)
		if (r->linktypes[i] == lt)
			return;
	if (r->nlinktypes < CAPTURE_MAX_LINKTYPES)
		r->linktypes[r->nlinktypes++] = lt;
}

int capture_run_file(const char *path, struct tcp_table *t, const struct capture_hooks *hooks,
		     struct capture_result *res)
{
	char err[512];
	memset(res, 0, sizeof *res);
	struct source *s = src_open(path, err, sizeof err);
	if (s == NULL) {
		snprintf(res->message, sizeof res->message, "%s", err);
		res->status = SRC_ERROR;
		return -1;
	}
	res->opened = 1;
	snprintf(res->format, sizeof res->format, "%s", src_format(s));
	res->compressed = src_compressed(s);
	if (hooks && hooks->secrets)
		src_on_secrets(s, hooks->secrets, hooks->ctx);

	struct decoder *d = decoder_new();
	struct pkt p;
	struct decoded out;
	enum src_status st;
	uint32_t reported_unknown = 0;
	while ((st = src_next(s, &p)) == SRC_OK) {
		res->packets++;
		if (res->packets == 1 || p.ts_ns < res->first_ts)
			res->first_ts = p.ts_ns;
		if (p.ts_ns > res->last_ts)
			res->last_ts = p.ts_ns;
		note_linktype(res, p.linktype);
		uint32_t sl = src_snaplen(s, p.ifindex);
		if (sl && (res->snaplen == 0 || sl < res->snaplen))
			res->snaplen = sl;
		if (p.caplen < p.origlen)
			res->snaplen_cut_packets++;
		switch (decode_packet(d, &p, &out, &res->dec)) {
		case DEC_TCP:
			tcp_table_input(t, &out.tcp);
			break;
		case DEC_DNS:
			if (hooks && hooks->dns)
				for (size_t i = 0; i < out.n_dns; i++)
					hooks->dns(hooks->ctx, &out.dns[i]);
			break;
		case DEC_UNKNOWN_LINK:
			reported_unknown++;
			break;
		default:
			break;
		}
		if (hooks && hooks->progress && (res->packets & 0xfff) == 0)
			hooks->progress(hooks->ctx, src_offset(s));
	}
	res->status = st;
	res->bytes_read = src_offset(s);
	if (st != SRC_EOF)
		snprintf(res->message, sizeof res->message, "%s", src_message(s));
	if (reported_unknown && res->dec.tcp == 0 && res->message[0] == 0) {
		const char *n = linktype_name(res->dec.last_unknown_linktype);
		snprintf(res->message, sizeof res->message,
			 "link type %d%s%s%s is not supported: %llu packets could not be decoded",
			 res->dec.last_unknown_linktype, n ? " (" : "", n ? n : "", n ? ")" : "",
			 (unsigned long long)reported_unknown);
	}
	decoder_free(d);
	src_close(s);
	return 0;
}

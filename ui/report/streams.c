/*
 * streams.c - the reassembly diagnostic: what each receiver got, per flow
 * and direction, with gaps and anomalies. Checked in tests against
 * `tshark -z follow,tcp,raw`.
 */
#include "ui/report/report.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "capture/xalloc.h"

struct flow_rec {
	uint64_t id;
	enum tcp_close_reason why;
	char line[600];
	struct dbuf buf[2];
};

struct sctx {
	struct flow_rec **recs;
	size_t n, cap;
	const char *dump_dir;
	const char *base;
	FILE *err;
};

static void s_open(void *ctx, struct tcp_flow *f)
{
	struct sctx *s = ctx;
	struct flow_rec *r = xcalloc(1, sizeof *r);
	r->id = f->id;
	dbuf_init(&r->buf[0], s->dump_dir ? (size_t)256 << 20 : 0);
	dbuf_init(&r->buf[1], s->dump_dir ? (size_t)256 << 20 : 0);
	f->user = r;
	VEC_PUSH(s->recs, s->n, s->cap, r);
}

static enum tcp_verdict s_data(void *ctx, struct tcp_flow *f, const struct tcp_chunk *c)
{
	struct sctx *s = ctx;
	struct flow_rec *r = f->user;
	if (s->dump_dir && c->data && dbuf_add(&r->buf[c->dir], c->data, c->len) != 0)
		fprintf(s->err, "tlsdiag: flow %llu: stream over 256 MiB, dump truncated\n",
			(unsigned long long)f->id);
	return TCP_KEEP;
}

static void dir_line(char *b, size_t n, const char *name, const struct tcp_dir_stats *d)
{
	snprintf(b, n,
		 "  %s bytes %llu segments %llu gaps %llu/%llu retrans %llu ooo %llu overlaps "
		 "%llu/%llu snapcut %llu\n",
		 name, (unsigned long long)d->bytes, (unsigned long long)d->payload_segments,
		 (unsigned long long)d->gaps, (unsigned long long)d->gap_bytes,
		 (unsigned long long)d->retransmits, (unsigned long long)d->out_of_order,
		 (unsigned long long)d->overlaps, (unsigned long long)d->overlap_conflicts,
		 (unsigned long long)d->snaplen_cut);
}

/* Closing fixes the reason; the figures are written when the flow leaves
 * the table, so ACKs and retransmissions after the close count too. */
static void s_close(void *ctx, struct tcp_flow *f, enum tcp_close_reason why)
{
	struct flow_rec *r = f->user;
	(void)ctx;
	r->why = why;
}

static void s_release(void *ctx, struct tcp_flow *f)
{
	struct sctx *s = ctx;
	struct flow_rec *r = f->user;
	enum tcp_close_reason why = r->why;
	char a[80], b[80], l0[200], l1[200];
	endpoint_str(&f->ep[0], a, sizeof a);
	endpoint_str(&f->ep[1], b, sizeof b);
	dir_line(l0, sizeof l0, "c2s", &f->d[0].st);
	dir_line(l1, sizeof l1, "s2c", &f->d[1].st);
	snprintf(r->line, sizeof r->line, "flow %llu %s -> %s %s frames %llu-%llu closed %s\n%s%s",
		 (unsigned long long)f->id, a, b, f->syn_seen ? "syn" : "midstream",
		 (unsigned long long)f->first_frame, (unsigned long long)f->last_frame,
		 tcp_close_reason_str(why), l0, l1);
	if (s->dump_dir) {
		for (int d = 0; d < 2; d++) {
			char *path = xasprintf("%s/%s.flow%llu.%s", s->dump_dir, s->base,
					       (unsigned long long)f->id, d ? "s2c" : "c2s");
			FILE *o = fopen(path, "wb");
			if (o == NULL || fwrite(r->buf[d].p ? (void *)r->buf[d].p : (void *)"", 1,
						r->buf[d].len, o) != r->buf[d].len)
				fprintf(s->err, "tlsdiag: %s: %s\n", path, strerror(errno));
			if (o)
				fclose(o);
			free(path);
			dbuf_free(&r->buf[d]);
		}
	}
}

int streams_run(char **files, int nfiles, const struct tcp_config *cfg, const char *dump_dir,
		FILE *out)
{
	int any_read = 0;
	for (int i = 0; i < nfiles; i++) {
		struct sctx s = { 0 };
		s.dump_dir = dump_dir;
		s.err = stderr;
		char *pathcopy = xstrdup(files[i]);
		s.base = strcmp(files[i], "-") == 0 ? "stdin" : basename(pathcopy);
		struct tcp_handler h = { &s, s_open, s_data, s_close, s_release };
		struct tcp_table *t = tcp_table_new(cfg, &h);
		struct capture_result res;
		int rc = capture_run_file(files[i], t, NULL, &res);
		tcp_table_finish(t);
		if (rc != 0) {
			fprintf(stderr, "tlsdiag: %s\n", res.message);
		} else {
			any_read = 1;
			fprintf(out, "file %s: %s%s, ", files[i], res.format,
				res.compressed ? " (gzip)" : "");
			for (int k = 0; k < res.nlinktypes; k++) {
				const char *n = linktype_name(res.linktypes[k]);
				if (n)
					fprintf(out, "%s%s", k ? "+" : "", n);
				else
					fprintf(out, "%sLINKTYPE_%d", k ? "+" : "",
						res.linktypes[k]);
			}
			fprintf(out, "%s%llu packets\n", res.nlinktypes ? ", " : "",
				(unsigned long long)res.packets);
			for (size_t k = 0; k < s.n; k++)
				fputs(s.recs[k]->line, out);
			const struct decode_stats *d = &res.dec;
			const struct tcp_table_stats *ts = tcp_table_stats(t);
			fprintf(out,
				"anomalies: bad_ip_csum %llu bad_tcp_csum %llu snaplen_cut %llu "
				"malformed %llu frag_reassembled %llu frag_dropped %llu non_ip %llu "
				"unknown_linktype %llu evicted %llu idle_closed %llu buffer_overflows %llu\n",
				(unsigned long long)d->bad_ip_csum,
				(unsigned long long)d->bad_tcp_csum,
				(unsigned long long)res.snaplen_cut_packets,
				(unsigned long long)d->malformed,
				(unsigned long long)d->frag_reassembled,
				(unsigned long long)d->frag_dropped, (unsigned long long)d->non_ip,
				(unsigned long long)d->unknown_linktype,
				(unsigned long long)ts->evicted,
				(unsigned long long)ts->closed_idle,
				(unsigned long long)ts->buffer_overflows);
			if (res.snaplen_cut_packets)
				fprintf(stderr,
					"tlsdiag: %s: %llu packets were cut short by the capture's "
					"snapshot length (%u bytes): certificates in them are incomplete; "
					"capture again with a larger snaplen (tcpdump -s 0)\n",
					files[i], (unsigned long long)res.snaplen_cut_packets,
					res.snaplen);
			if (res.message[0])
				fprintf(stderr, "tlsdiag: %s: %s\n", files[i], res.message);
		}
		for (size_t k = 0; k < s.n; k++) {
			dbuf_free(&s.recs[k]->buf[0]);
			dbuf_free(&s.recs[k]->buf[1]);
			free(s.recs[k]);
		}
		free(s.recs);
		free(pathcopy);
		tcp_table_free(t);
	}
	return any_read ? 0 : 2;
}

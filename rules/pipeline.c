/*
 * pipeline.c - packets in, judged sessions out, one at a time
 * (rules/pipeline.h).
 *
 *   packet source ──capture_pump──> decode ──> tcp_table ──> tls_dissector
 *      (file, live,     (capture/)     (capture/)  (capture/)   (dissect/)
 *       followed file)                    └──────> udp_table ──> dtls_dissector
 *                                                                   │
 *                 ┌─────────────── concluded sessions, in order ────┘
 *                 v
 *     rules_evaluate (rules/) ──> emit(report) ──> the caller: sinks, a
 *                                                  queue to another thread,
 *                                                  the TUI's store
 *
 * Who owns what:
 * - The pipeline owns, per input, the source, the capture loop, the flow
 *   table (and through it each flow's reassembly buffers), the dissector
 *   (and through it each flow's parsing state and unfinished session),
 *   the DNS answers and the file report being filled; all of it goes at
 *   pipeline_close(). Across inputs it keeps the certificate cache.
 * - A concluded session waits in the dissector's queue while a flow that
 *   began before it may still become a session (so sessions leave in the
 *   order of their first packets); once handed to emit, its report and
 *   session belong to the receiver, who destroys them when done. The
 *   certificates its chains point at stay in the pipeline's cache while
 *   any session holds them (an atomic count), so the pipeline must
 *   outlive every report it emitted.
 * - env (configuration, trust stores, key logs) is borrowed, read only.
 *
 * Threads: a pipeline runs entirely on the thread that calls it (reading,
 * decoding, reassembly, dissection and the rules). emit runs on that
 * thread too; the receiver may pass the report to another thread, which
 * may destroy it there (ui/batch.c does: its workers run pipelines, its
 * main thread runs the sinks).
 *
 * Driven packet by packet: pipeline_pump() returns after a timeout or a
 * number of packets so a live caller keeps its ticks (pipeline_tick()
 * expires idle flows by capture time), and every session concluded during
 * a call is emitted before it returns.
 */
#include "rules/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/udp.h"
#include "capture/xalloc.h"
#include "dissect/certcache.h"
#include "dissect/dtls.h"
#include "dissect/tls.h"
#include "rules/rules.h"

/* Sessions concluded but not yet handed on (see release()). */
struct held {
	struct tls_session **v;
	size_t head, n, cap; /* v[head .. n) */
};

struct pipeline {
	struct pipeline_env env;
	pipeline_emit_fn emit;
	void *ctx;
	struct cert_cache *certs;

	/* the input being read */
	int open;
	struct file_report fr;
	struct pkt_source src;
	struct capture *cap;
	struct pkt_filter *filter;
	struct tcp_table *t;
	struct tls_dissector *td;
	struct udp_table *ut; /* DTLS over UDP */
	struct dtls_dissector *ud;
	struct held tls, dtls; /* in order of first frame, each */
	struct dns_table dns;
	size_t n_sessions;
};

struct pipeline *pipeline_new(const struct pipeline_env *env, pipeline_emit_fn emit, void *ctx)
{
	struct pipeline *p = xcalloc(1, sizeof *p);
	p->env = *env;
	p->emit = emit;
	p->ctx = ctx;
	p->certs = certcache_new();
	certcache_set_limit(p->certs, PIPELINE_CERTS_KEPT);
	return p;
}

/* A session, judged and handed on: numbered in the order they leave. */
static void judge_emit(struct pipeline *p, struct tls_session *s)
{
	struct session_report *r = xcalloc(1, sizeof *r);
	struct rules_ctx rc = { p->env.cfg, p->env.trust, &p->dns, p->env.now };
	s->id = ++p->n_sessions;
	r->s = s;
	rules_evaluate(&rc, r);
	p->emit(p->ctx, r);
}

static struct tls_session *held_peek(const struct held *h)
{
	return h->head < h->n ? h->v[h->head] : NULL;
}

/* Insert in order of first frame (TLS sessions arrive in order: at the
 * end; DTLS ones nearly so). */
static void held_add(struct held *h, struct tls_session *s)
{
	if (h->head == h->n)
		h->head = h->n = 0;
	if (h->n == h->cap) {
		if (h->head > 0) { /* slide down before growing */
			memmove(h->v, h->v + h->head, (h->n - h->head) * sizeof *h->v);
			h->n -= h->head;
			h->head = 0;
		}
		if (h->n == h->cap) {
			h->cap = h->cap ? 2 * h->cap : 16;
			h->v = xreallocarray(h->v, h->cap, sizeof *h->v);
		}
	}
	size_t i = h->n++;
	while (i > h->head && h->v[i - 1]->first_frame > s->first_frame) {
		h->v[i] = h->v[i - 1];
		i--;
	}
	h->v[i] = s;
}

/*
 * TLS sessions come from the TLS dissector in order of their flows' first
 * packets, DTLS ones from the DTLS dissector in theirs. A session leaves
 * once no flow that began before it, on either side, may still become a
 * session (each dissector says where its oldest open flow began), so the
 * two merge into one order; `all` at the end of an input.
 */
static void release(struct pipeline *p, int all)
{
	for (;;) {
		struct tls_session *a = held_peek(&p->tls), *b = held_peek(&p->dtls), *s;
		struct held *from;
		if (a && (!b || a->first_frame <= b->first_frame)) {
			s = a;
			from = &p->tls;
		} else if (b) {
			s = b;
			from = &p->dtls;
		} else {
			return;
		}
		if (!all) {
			uint64_t open = p->td ? tls_dissector_pending_from(p->td) : UINT64_MAX;
			uint64_t uopen = p->ud ? dtls_dissector_open_from(p->ud) : UINT64_MAX;
			if (s->first_frame >= (open < uopen ? open : uopen))
				return;
		}
		from->head++;
		judge_emit(p, s);
	}
}

static void on_session(void *ctx, struct tls_session *s)
{
	struct pipeline *p = ctx;
	held_add(&p->tls, s);
	release(p, 0);
}

static void on_dtls_session(void *ctx, struct tls_session *s)
{
	struct pipeline *p = ctx;
	held_add(&p->dtls, s);
	release(p, 0);
}

static void on_dns(void *ctx, const struct dns_seen *d)
{
	dns_table_add(&((struct pipeline *)ctx)->dns, d);
}

/* pcapng Decryption Secrets Blocks: the capture's own key log. */
static void on_secrets(void *ctx, uint32_t type, const uint8_t *b, size_t n)
{
	tls_dissector_add_secrets(((struct pipeline *)ctx)->td, type, b, n);
}

/* Everything but the source: the flow table, the dissector, the loop. */
static int begin(struct pipeline *p, const char *name)
{
	const struct analysis_config *cfg = p->env.cfg;
	memset(&p->fr, 0, sizeof p->fr);
	p->fr.path = xstrdup(name);
	p->n_sessions = 0;
	p->open = 1;
	p->td = tls_dissector_new(p->certs, name, on_session, p);
	tls_dissector_set_keylog(p->td, p->env.keys);
	struct tcp_handler h = tls_dissector_handler(p->td);
	p->t = tcp_table_new(&cfg->tcp, &h);
	p->ud = dtls_dissector_new(p->certs, name, on_dtls_session, p);
	struct udp_handler uh = dtls_dissector_handler(p->ud);
	struct udp_config ucfg;
	udp_config_default(&ucfg);
	p->ut = udp_table_new(&ucfg, &uh);
	if (cfg->filter) {
		char ferr[512];
		p->filter = pkt_filter_new(cfg->filter, ferr, sizeof ferr);
		if (p->filter == NULL) {
			/* The command line checked it; only a caller that did not
			 * gets here. */
			snprintf(p->fr.cap.message, sizeof p->fr.cap.message, "filter \"%s\": %s",
				 cfg->filter, ferr);
			p->fr.cap.status = SRC_ERROR;
			return -1;
		}
	}
	return 0;
}

static void hooks_of(struct pipeline *p, struct capture_hooks *h)
{
	memset(h, 0, sizeof *h);
	h->ctx = p;
	h->dns = p->env.cfg->keep_dns ? on_dns : NULL;
	h->secrets = on_secrets;
	h->filter = p->filter;
	h->udp = p->ut;
}

int pipeline_open_file(struct pipeline *p, const char *path)
{
	struct capture_hooks h;
	if (p->open)
		pipeline_close(p, NULL);
	if (begin(p, path) != 0)
		return -1;
	hooks_of(p, &h);
	if (capture_file_open(path, &p->src, &h, &p->fr.cap) != 0)
		return -1;
	p->cap = capture_new(p->t, &h, &p->fr.cap);
	return 0;
}

void pipeline_open_source(struct pipeline *p, const char *name, struct pkt_source *src)
{
	struct capture_hooks h;
	if (p->open)
		pipeline_close(p, NULL);
	p->src = *src;
	memset(src, 0, sizeof *src);
	if (begin(p, name) != 0)
		return;
	hooks_of(p, &h);
	p->fr.cap.opened = 1;
	p->cap = capture_new(p->t, &h, &p->fr.cap);
}

enum src_status pipeline_pump(struct pipeline *p, int timeout_ms, uint64_t max_packets)
{
	if (!p->open || p->cap == NULL || p->src.ops == NULL)
		return p->fr.cap.status != SRC_OK ? p->fr.cap.status : SRC_ERROR;
	enum src_status st = capture_pump(p->cap, &p->src, timeout_ms, max_packets);
	release(p, 0); /* flows that ended without a session moved the mark */
	return st;
}

void pipeline_tick(struct pipeline *p, int64_t now_ns)
{
	if (p->open && p->t)
		tcp_table_advance(p->t, now_ns);
	if (p->open)
		release(p, 0);
}

size_t pipeline_waiting(const struct pipeline *p)
{
	if (!p->open)
		return 0;
	return (p->td ? tls_dissector_stats(p->td)->waiting : 0) + (p->tls.n - p->tls.head) +
	       (p->dtls.n - p->dtls.head);
}

void pipeline_close(struct pipeline *p, struct file_report *fr)
{
	if (!p->open)
		return;
	if (p->cap)
		capture_file_done(&p->src, &p->fr.cap);
	tcp_table_finish(p->t); /* the last sessions are concluded here */
	udp_table_finish(p->ut);
	release(p, 1);
	p->fr.ok = p->cap != NULL && p->fr.cap.opened;
	p->fr.tcp = *tcp_table_stats(p->t);
	p->fr.n_sessions = p->n_sessions;
	capture_free(p->cap);
	pkt_source_close(&p->src);
	pkt_filter_free(p->filter);
	tcp_table_free(p->t);
	tls_dissector_free(p->td);
	udp_table_free(p->ut);
	dtls_dissector_free(p->ud);
	free(p->tls.v);
	free(p->dtls.v);
	memset(&p->tls, 0, sizeof p->tls);
	memset(&p->dtls, 0, sizeof p->dtls);
	dns_table_free(&p->dns);
	p->cap = NULL;
	p->filter = NULL;
	p->t = NULL;
	p->td = NULL;
	p->ut = NULL;
	p->ud = NULL;
	p->open = 0;
	if (fr)
		*fr = p->fr;
	else
		free(p->fr.path);
	memset(&p->fr, 0, sizeof p->fr);
}

int pipeline_run_file(struct pipeline *p, const char *path, struct file_report *fr)
{
	if (pipeline_open_file(p, path) == 0)
		while (pipeline_pump(p, 0, UINT64_MAX) == SRC_OK)
			;
	pipeline_close(p, fr);
	return fr->ok ? 0 : -1;
}

void pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	pipeline_close(p, NULL);
	certcache_free(p->certs);
	free(p);
}

void session_report_destroy(struct session_report *r)
{
	if (r == NULL)
		return;
	tls_session_free(r->s);
	r->s = NULL;
	session_report_free(r); /* contents only */
	free(r);
}

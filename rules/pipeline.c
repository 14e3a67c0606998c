/*
 * pipeline.c - packets in, judged sessions out, one at a time
 * (rules/pipeline.h).
 *
 *   packet source ──capture_pump──> decode ──> tcp_table ──> tls_dissector
 *      (file, live,     (capture/)     (capture/)  (capture/)   (dissect/)
 *       followed file)                                              │
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

#include "capture/xalloc.h"
#include "dissect/certcache.h"
#include "dissect/tls.h"
#include "rules/rules.h"

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

/* The dissector's sessions, in order: judged and handed on. */
static void on_session(void *ctx, struct tls_session *s)
{
	struct pipeline *p = ctx;
	struct session_report *r = xcalloc(1, sizeof *r);
	struct rules_ctx rc = { p->env.cfg, p->env.trust, &p->dns, p->env.now };
	r->s = s;
	rules_evaluate(&rc, r);
	p->n_sessions++;
	p->emit(p->ctx, r);
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
	tls_dissector_set_unordered(p->td, p->env.in_conclusion_order);
	struct tcp_handler h = tls_dissector_handler(p->td);
	p->t = tcp_table_new(&cfg->tcp, &h);
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
	return capture_pump(p->cap, &p->src, timeout_ms, max_packets);
}

void pipeline_tick(struct pipeline *p, int64_t now_ns)
{
	if (p->open && p->t)
		tcp_table_advance(p->t, now_ns);
}

const struct tcp_table_stats *pipeline_tcp_stats(const struct pipeline *p)
{
	return p->open && p->t ? tcp_table_stats(p->t) : NULL;
}

size_t pipeline_waiting(const struct pipeline *p)
{
	return p->open && p->td ? tls_dissector_stats(p->td)->waiting : 0;
}

void pipeline_close(struct pipeline *p, struct file_report *fr)
{
	if (!p->open)
		return;
	if (p->cap)
		capture_file_done(&p->src, &p->fr.cap);
	tcp_table_finish(p->t); /* the last sessions are emitted here */
	p->fr.ok = p->cap != NULL && p->fr.cap.opened;
	p->fr.tcp = *tcp_table_stats(p->t);
	p->fr.n_sessions = p->n_sessions;
	capture_free(p->cap);
	pkt_source_close(&p->src);
	pkt_filter_free(p->filter);
	tcp_table_free(p->t);
	tls_dissector_free(p->td);
	dns_table_free(&p->dns);
	p->cap = NULL;
	p->filter = NULL;
	p->t = NULL;
	p->td = NULL;
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

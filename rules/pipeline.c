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
 *   order of their first packets). DTLS sessions (dissect/dtls.h, over the
 *   UDP flow table) come when their UDP flow ends; TLS and DTLS sessions
 *   meet in the pipeline's own queue (`pend`, by first frame), which lets
 *   a session go once no flow of either kind that began before it is open
 *   (a capture without DTLS flows waits for nothing; one long DTLS flow
 *   holds back the sessions that began after it). Once handed to emit,
 *   its report and
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
	struct dtls_dissector *dd;
	/* Sessions handed over by either dissector, by first frame, waiting
	 * while a flow of the other that began before them is open. */
	struct tls_session **pend;
	size_t pend_head, n_pend, cap_pend;
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

/* A session in its place: judged, numbered and handed on. */
static void judge(struct pipeline *p, struct tls_session *s)
{
	struct session_report *r = xcalloc(1, sizeof *r);
	struct rules_ctx rc = { p->env.cfg, p->env.trust, &p->dns, p->env.now };
	s->id = ++p->n_sessions;
	r->s = s;
	rules_evaluate(&rc, r);
	p->emit(p->ctx, r);
}

/*
 * TLS sessions come from their dissector in order of their flows' first
 * packets; DTLS sessions when their UDP flow ends. A waiting session
 * leaves once no flow that began before it is open in either (a capture
 * without DTLS flows waits for nothing).
 */
static void release(struct pipeline *p)
{
	uint64_t mark = p->td ? tls_dissector_oldest_frame(p->td) : UINT64_MAX;
	uint64_t umark = p->dd ? dtls_dissector_open_from(p->dd) : UINT64_MAX;
	if (umark < mark)
		mark = umark;
	if (p->env.in_conclusion_order) /* live: each session as it concludes */
		mark = UINT64_MAX;
	while (p->pend_head < p->n_pend && p->pend[p->pend_head]->first_frame < mark)
		judge(p, p->pend[p->pend_head++]);
	if (p->pend_head == p->n_pend)
		p->pend_head = p->n_pend = 0;
	else if (p->pend_head > 1024 && p->pend_head * 2 > p->n_pend) {
		memmove(p->pend, p->pend + p->pend_head,
			(p->n_pend - p->pend_head) * sizeof *p->pend);
		p->n_pend -= p->pend_head;
		p->pend_head = 0;
	}
}

static int before(const struct tls_session *a, const struct tls_session *b)
{
	return a->first_frame != b->first_frame ? a->first_frame < b->first_frame
						: a->flow_id < b->flow_id;
}

/* Either dissector's session: put in its place among those waiting. */
static void on_session(void *ctx, struct tls_session *s)
{
	struct pipeline *p = ctx;
	if (p->n_pend == p->cap_pend) {
		p->cap_pend = p->cap_pend ? 2 * p->cap_pend : 16;
		p->pend = xreallocarray(p->pend, p->cap_pend, sizeof *p->pend);
	}
	size_t i = p->n_pend;
	while (i > p->pend_head && before(s, p->pend[i - 1])) {
		p->pend[i] = p->pend[i - 1];
		i--;
	}
	p->pend[i] = s;
	p->n_pend++;
	release(p);
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
	/* DTLS over UDP: its sessions join the same ordered stream */
	p->dd = dtls_dissector_new(p->certs, name, on_session, p);
	struct udp_handler uh = dtls_dissector_handler(p->dd);
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
	release(p); /* a flow that was not TLS may have let sessions go */
	return st;
}

void pipeline_tick(struct pipeline *p, int64_t now_ns)
{
	if (p->open && p->t)
		tcp_table_advance(p->t, now_ns);
	if (p->open)
		release(p);
}

const struct tcp_table_stats *pipeline_tcp_stats(const struct pipeline *p)
{
	return p->open && p->t ? tcp_table_stats(p->t) : NULL;
}

size_t pipeline_waiting(const struct pipeline *p)
{
	return (p->open && p->td ? tls_dissector_stats(p->td)->waiting : 0) +
	       (p->n_pend - p->pend_head);
}

void pipeline_close(struct pipeline *p, struct file_report *fr)
{
	if (!p->open)
		return;
	if (p->cap)
		capture_file_done(&p->src, &p->fr.cap);
	tcp_table_finish(p->t); /* the last sessions are emitted here */
	udp_table_finish(p->ut);
	release(p);
	p->fr.ok = p->cap != NULL && p->fr.cap.opened;
	p->fr.tcp = *tcp_table_stats(p->t);
	p->fr.n_sessions = p->n_sessions;
	capture_free(p->cap);
	pkt_source_close(&p->src);
	pkt_filter_free(p->filter);
	tcp_table_free(p->t);
	tls_dissector_free(p->td);
	udp_table_free(p->ut);
	dtls_dissector_free(p->dd);
	dns_table_free(&p->dns);
	p->cap = NULL;
	p->filter = NULL;
	p->t = NULL;
	p->td = NULL;
	p->ut = NULL;
	p->dd = NULL;
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
	free(p->pend);
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

/*
 * analysis.c - one run: trust stores loaded once, then each capture file
 * read, dissected and judged. The order of sessions is the order their
 * connections began in the capture.
 */
#include "rules/analysis.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "dissect/dtls.h"
#include "dissect/keylog.h"
#include "dissect/tls.h"
#include "rules/rules.h"
#include "rules/trust.h"

/* --keylog files must be read and hold secrets; SSLKEYLOGFILE is taken
 * as it is (the UI already warned when it cannot be read). */
static int load_keylogs(struct analysis *a, char *err, size_t errlen)
{
	const struct analysis_config *c = &a->cfg;
	if (c->n_keylog == 0 && c->keylog_env == NULL)
		return 0;
	a->keys = keylog_new();
	for (size_t i = 0; i < c->n_keylog; i++) {
		size_t before = keylog_stats(a->keys)->secrets;
		if (keylog_load_file(a->keys, c->keylog_paths[i], err, errlen) != 0)
			return -1;
		if (keylog_stats(a->keys)->secrets == before) {
			snprintf(err, errlen,
				 "%s: not a key log: no line of it is a TLS secret "
				 "(NSS key log format, as SSLKEYLOGFILE writes)",
				 c->keylog_paths[i]);
			return -1;
		}
	}
	if (c->keylog_env) {
		char ignored[256];
		(void)keylog_load_file(a->keys, c->keylog_env, ignored, sizeof ignored);
	}
	return 0;
}

int analysis_init(struct analysis *a, struct analysis_config *cfg, char *err, size_t errlen)
{
	memset(a, 0, sizeof *a);
	a->cfg = *cfg;
	memset(cfg, 0, sizeof *cfg);
	a->certs = certcache_new();
	a->now = time(NULL);
	if (err && errlen)
		err[0] = 0;
	a->trust = trust_new(&a->cfg, a->certs, &a->store_report, err, errlen);
	if (a->trust == NULL && err && err[0])
		return -1;
	char kerr[512] = "";
	if (load_keylogs(a, kerr, sizeof kerr) != 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s", kerr);
		return -1;
	}
	return 0;
}

void analysis_init_shared(struct analysis *a, struct analysis_config *cfg,
			  const struct analysis *owner)
{
	memset(a, 0, sizeof *a);
	a->cfg = *cfg;
	memset(cfg, 0, sizeof *cfg);
	a->certs = certcache_new();
	a->now = time(NULL);
	a->trust = owner->trust;
	a->trust_borrowed = 1;
	a->keys = owner->keys;
	for (size_t i = 0; i < owner->store_report.nf; i++) {
		const struct finding *f = &owner->store_report.f[i];
		report_add(&a->store_report, f->id, f->sev, f->side, f->cert, f->basis, f->field,
			   f->frame, f->message, f->advice);
	}
}

struct collect {
	struct tls_session **v;
	size_t n, cap;
};

static void collect_session(void *ctx, struct tls_session *s)
{
	struct collect *c = ctx;
	VEC_PUSH(c->v, c->n, c->cap, s);
}

/* What the capture hooks of one file feed. */
struct file_hooks {
	struct dns_table *dns;
	struct tls_dissector *td;
};

static void collect_dns(void *ctx, const struct dns_seen *d)
{
	struct dns_table *t = ((struct file_hooks *)ctx)->dns;
	if (t->n >= 100000)
		return;
	VEC_PUSH(t->v, t->n, t->cap, *d);
}

/* pcapng Decryption Secrets Blocks: the capture's own key log. */
static void collect_secrets(void *ctx, uint32_t type, const uint8_t *p, size_t n)
{
	tls_dissector_add_secrets(((struct file_hooks *)ctx)->td, type, p, n);
}

static int by_first_frame(const void *x, const void *y)
{
	const struct tls_session *a = *(struct tls_session *const *)x;
	const struct tls_session *b = *(struct tls_session *const *)y;
	if (a->first_frame != b->first_frame)
		return a->first_frame < b->first_frame ? -1 : 1;
	return a->flow_id < b->flow_id ? -1 : a->flow_id > b->flow_id;
}

int analysis_add_file(struct analysis *a, const char *path)
{
	struct file_report fr = { 0 };
	struct collect col = { 0 };
	struct dns_table dns = { 0 };
	fr.path = xstrdup(path);

	struct tls_dissector *td = tls_dissector_new(a->certs, path, collect_session, &col);
	struct tcp_handler h = tls_dissector_handler(td);
	struct tcp_table *t = tcp_table_new(&a->cfg.tcp, &h);
	tls_dissector_set_keylog(td, a->keys);
	/* DTLS over UDP: its sessions join the same collection */
	struct dtls_dissector *dd = dtls_dissector_new(a->certs, path, collect_session, &col);
	struct udp_handler uh = dtls_dissector_handler(dd);
	struct udp_config ucfg;
	udp_config_default(&ucfg);
	struct udp_table *ut = udp_table_new(&ucfg, &uh);
	struct file_hooks fh = { &dns, td };
	struct capture_hooks hooks = {
		.ctx = &fh,
		.dns = a->cfg.keep_dns ? collect_dns : NULL,
		.secrets = collect_secrets,
		.udp = ut,
	};
	int rc;
	char ferr[512];
	if (a->cfg.filter &&
	    (hooks.filter = pkt_filter_new(a->cfg.filter, ferr, sizeof ferr)) == NULL) {
		/* The command line checked it; only a caller that did not gets here. */
		snprintf(fr.cap.message, sizeof fr.cap.message, "filter \"%s\": %s", a->cfg.filter,
			 ferr);
		fr.cap.status = SRC_ERROR;
		rc = -1;
	} else {
		rc = capture_run_file(path, t, &hooks, &fr.cap);
	}
	pkt_filter_free(hooks.filter);
	tcp_table_finish(t);
	udp_table_finish(ut);
	fr.ok = rc == 0;
	fr.tcp = *tcp_table_stats(t);

	if (col.n > 1) /* qsort(NULL, 0) is undefined (UBSan) */
		qsort(col.v, col.n, sizeof *col.v, by_first_frame);
	fr.first_session = a->n_sessions;
	fr.n_sessions = col.n;
	struct rules_ctx rc_ctx = { &a->cfg, a->trust, &dns, a->now };
	for (size_t i = 0; i < col.n; i++) {
		struct tls_session *s = col.v[i];
		s->id = i + 1;
		struct session_report *r = xcalloc(1, sizeof *r);
		r->s = s;
		rules_evaluate(&rc_ctx, r);
		VEC_PUSH(a->sessions, a->n_sessions, a->cap_sessions, r);
	}
	VEC_PUSH(a->files, a->n_files, a->cap_files, fr);

	free(col.v);
	free(dns.v);
	tcp_table_free(t);
	tls_dissector_free(td);
	udp_table_free(ut);
	dtls_dissector_free(dd);
	return rc;
}

void analysis_counts(const struct analysis *a, size_t counts[VERDICT__COUNT])
{
	memset(counts, 0, VERDICT__COUNT * sizeof counts[0]);
	for (size_t i = 0; i < a->n_sessions; i++)
		counts[a->sessions[i]->verdict]++;
}

void analysis_free(struct analysis *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n_sessions; i++) {
		tls_session_free(a->sessions[i]->s);
		a->sessions[i]->s = NULL;
		session_report_free(a->sessions[i]); /* contents only */
		free(a->sessions[i]);
	}
	free(a->sessions);
	for (size_t i = 0; i < a->n_files; i++)
		free(a->files[i].path);
	free(a->files);
	if (!a->trust_borrowed) {
		trust_free(a->trust);
		keylog_free(a->keys);
	}
	session_report_free(&a->store_report);
	certcache_free(a->certs);
	analysis_config_free(&a->cfg);
	memset(a, 0, sizeof *a);
}

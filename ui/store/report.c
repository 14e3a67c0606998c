/*
 * report.c - `tlsdiag db FILE|CONNINFO report [--html FILE]`: the run
 * summary (rules/summary.h) of everything the inventory holds, rebuilt
 * from its rows alone and drawn by the same text and HTML reports a run
 * draws, so whoever runs an archive with many workers gets the whole
 * picture afterwards (issue 16 item 3).
 *
 * The summary is computed by rules/summary.c, as in a run: this file only
 * turns rows back into what it reads (a file report per capture; per
 * session its verdict, finding ids, endpoints and chains of certificates
 * with the stored subject, issuer, serial and validity). Captures in path
 * order, sessions in their order within a capture: the same on both
 * databases. Not in it (not stored): the trust store findings of the runs.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/xalloc.h"
#include "rules/summary.h"
#include "ui/report/report.h"
#include "ui/store/store_int.h"

static const char *pool_str(struct str_pool *p, const char *s)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i], s) == 0)
			return p->v[i];
	p->v = xreallocarray(p->v, p->n + 1, sizeof(*p->v));
	return p->v[p->n++] = xstrdup(s);
}

void str_pool_free(struct str_pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
}

static void endpoint_of(const char *ip, int64_t port, struct endpoint *e)
{
	memset(e, 0, sizeof(*e));
	e->port = (uint16_t)port;
	if (ip && inet_pton(AF_INET6, ip, e->addr) == 1) {
		e->family = 6;
	} else {
		e->family = 4;
		if (ip)
			(void)inet_pton(AF_INET, ip, e->addr);
	}
}

static struct cert_info *cert_of(struct db_stmt *q)
{
	struct cert_info *c = xcalloc(1, sizeof(*c));
	snprintf(c->sha256_hex, sizeof(c->sha256_hex), "%s",
		 db_col_text(q, 3) ? db_col_text(q, 3) : "");
	c->parse_ok = (int)db_col_int64(q, 4);
	if (db_col_text(q, 5))
		c->subject.rfc4514 = xstrdup(db_col_text(q, 5));
	if (db_col_text(q, 6))
		c->issuer.rfc4514 = xstrdup(db_col_text(q, 6));
	if (db_col_text(q, 7))
		c->serial_hex = xstrdup(db_col_text(q, 7));
	c->not_before = (time_t)db_col_int64(q, 8);
	c->not_after = (time_t)db_col_int64(q, 9);
	/* A date that did not parse is stored as NULL (writer.c). */
	c->not_before_bad = c->parse_ok && db_col_null(q, 8);
	c->not_after_bad = c->parse_ok && db_col_null(q, 9);
	return c;
}

static void cert_drop(struct cert_info *c)
{
	if (!c)
		return;
	free(c->subject.rfc4514);
	free(c->issuer.rfc4514);
	free(c->serial_hex);
	free(c);
}

/* One session's chains and findings into r (r->s made here). */
static int session_of(struct db *db, int64_t sid, struct session_report *r, struct str_pool *pool)
{
	struct db_stmt *q = db_prepare(
		db,
		"SELECT cc.side, cc.idx, 0, c.sha256, c.parse_ok, c.subject, c.issuer, c.serial,"
		" c.not_before, c.not_after FROM chain_certs cc JOIN certificates c"
		" ON c.id = cc.cert_id WHERE cc.session_id = ?1 ORDER BY cc.side, cc.idx");
	int rc;
	db_bind_int64(q, 1, sid);
	while ((rc = db_step(q)) == DB_ROW) {
		int side = strcmp(db_col_text(q, 0), "client") == 0 ? SIDE_CLIENT : SIDE_SERVER;
		struct tls_chain *ch = &r->s->chain[side];
		size_t idx = (size_t)db_col_int64(q, 1);
		if (idx > 4096)
			continue;
		if (idx >= ch->n) {
			ch->certs = xreallocarray(ch->certs, idx + 1, sizeof(*ch->certs));
			memset(ch->certs + ch->n, 0, (idx + 1 - ch->n) * sizeof(*ch->certs));
			ch->n = idx + 1;
		}
		ch->present = 1;
		ch->certs[idx] = cert_of(q);
	}
	db_finalize(q);
	if (rc == DB_ERROR)
		return -1;
	q = db_prepare(db, "SELECT finding FROM findings WHERE session_id = ?1 ORDER BY id");
	db_bind_int64(q, 1, sid);
	while ((rc = db_step(q)) == DB_ROW) {
		struct finding f;
		memset(&f, 0, sizeof(f));
		f.id = pool_str(pool, db_col_text(q, 0) ? db_col_text(q, 0) : "unknown");
		r->f = xreallocarray(r->f, r->nf + 1, sizeof(*r->f));
		r->f[r->nf++] = f;
	}
	db_finalize(q);
	return rc == DB_ERROR ? -1 : 0;
}

static void session_drop(struct session_report *r)
{
	for (int side = 0; side < 2; side++) {
		for (size_t i = 0; i < r->s->chain[side].n; i++)
			cert_drop(r->s->chain[side].certs[i]);
		free(r->s->chain[side].certs);
	}
	free(r->s);
	free(r->f);
}

static enum verdict verdict_of(const char *s)
{
	for (int v = 0; v < VERDICT__COUNT; v++)
		if (s && strcmp(s, verdict_str((enum verdict)v)) == 0)
			return (enum verdict)v;
	return VERDICT_INCOMPLETE;
}

/* The whole inventory (key NULL) or one capture into sum; the number of
 * captures added, or -1 (db->err). */
static int rebuild(struct db *db, const char *key, struct run_summary *sum, struct str_pool *pool)
{
	struct db_stmt *cq = db_prepare(
		db, key ? "SELECT id, path, status, message, size FROM captures WHERE path = ?1"
			: "SELECT id, path, status, message, size FROM captures ORDER BY path");
	struct db_stmt *sq =
		db_prepare(db,
			   "SELECT id, verdict, client_ip, client_port, server_ip, server_port, start_ns"
			   " FROM sessions WHERE capture_id = ?1 ORDER BY num, id");
	int rc = 0, r, n = 0;
	if (key)
		db_bind_text(cq, 1, key);
	while (rc == 0 && (r = db_step(cq)) == DB_ROW) {
		n++;
		struct file_report f;
		const char *status = db_col_text(cq, 2);
		const char *path = db_col_text(cq, 1) ? db_col_text(cq, 1) : "";
		memset(&f, 0, sizeof(f));
		f.path = xstrdup(path);
		f.ok = !status || strcmp(status, "bad") != 0;
		f.cap.status = status && strcmp(status, "partial") == 0 ? SRC_TRUNCATED : SRC_EOF;
		snprintf(f.cap.message, sizeof(f.cap.message), "%s",
			 db_col_text(cq, 3) ? db_col_text(cq, 3) : "");
		f.cap.bytes_read = (uint64_t)db_col_int64(cq, 4);
		db_reset(sq);
		db_bind_int64(sq, 1, db_col_int64(cq, 0));
		while (rc == 0 && (r = db_step(sq)) == DB_ROW) {
			struct session_report sr;
			memset(&sr, 0, sizeof(sr));
			sr.s = xcalloc(1, sizeof(*sr.s));
			sr.verdict = verdict_of(db_col_text(sq, 1));
			endpoint_of(db_col_text(sq, 2), db_col_int64(sq, 3), &sr.s->client);
			endpoint_of(db_col_text(sq, 4), db_col_int64(sq, 5), &sr.s->server);
			sr.s->start_ts = db_col_int64(sq, 6);
			if (session_of(db, db_col_int64(sq, 0), &sr, pool) != 0)
				rc = -1;
			else
				summary_add_session(sum, &sr, f.path);
			session_drop(&sr);
		}
		if (r == DB_ERROR)
			rc = -1;
		summary_add_file(sum, &f);
		free(f.path);
	}
	if (r == DB_ERROR)
		rc = -1;
	db_finalize(cq);
	db_finalize(sq);
	return rc < 0 ? rc : n;
}

int db_summary_add_capture(struct db *db, const char *key, struct run_summary *sum,
			   struct str_pool *pool, int *errors)
{
	int n = rebuild(db, key, sum, pool);
	if (n > 0) {
		struct db_stmt *q = db_prepare(
			db,
			"SELECT count(*) FROM findings x JOIN sessions s ON s.id = x.session_id"
			" JOIN captures c ON c.id = s.capture_id WHERE c.path = ?1 AND x.sev_rank >= 2");
		db_bind_text(q, 1, key);
		if (db_step(q) == DB_ROW && db_col_int64(q, 0) > 0)
			*errors = 1;
		db_finalize(q);
	}
	return n;
}

int db_report(struct db *db, const struct ui_opts *o, const char *html)
{
	struct run_summary sum;
	struct str_pool pool = { NULL, 0 };
	int rc = EXIT_CLEAN;
	summary_init(&sum, time(NULL), o->acfg.expiring_days);
	if (rebuild(db, NULL, &sum, &pool) < 0) {
		fprintf(stderr, "tlsdiag: db: %s\n", db->err);
		rc = EXIT_USAGE;
		goto out;
	}
	summary_finish(&sum);
	struct sink sinks[2];
	size_t n = 0;
	sinks[n++] = sink_text_new(stdout, o);
	if (html)
		sinks[n++] = sink_html_new(html, o);
	for (size_t i = 0; i < n; i++) {
		if (!sinks[i].ops)
			continue;
		if (sinks[i].ops->begin)
			sinks[i].ops->begin(sinks[i].st, o);
		sinks[i].ops->end(sinks[i].st, &sum);
		if (sinks[i].ops->failed && sinks[i].ops->failed(sinks[i].st))
			rc = EXIT_USAGE;
		sinks[i].ops->free(sinks[i].st);
	}
	/* As a run's: 1 when some finding is an error. */
	if (rc == EXIT_CLEAN &&
	    db_scalar(db, "SELECT count(*) FROM findings WHERE sev_rank >= 2", 0))
		rc = EXIT_FINDINGS;
out:
	summary_free(&sum);
	str_pool_free(&pool);
	return rc;
}

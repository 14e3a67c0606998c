/*
 * writer.c - the inventory as a sink (ui/sink.h): every analysed capture
 * is written in ONE transaction, which opens with the capture's first
 * session (or at its end, when it has none) and commits at file_end, when
 * the capture's row gets what reading the file showed. A run killed
 * midway leaves every capture before the kill complete and none half
 * written. A capture already stored with the same absolute path, size,
 * mtime and SHA-256 is not analysed again (skip); a changed one replaces
 * its old rows (ON DELETE CASCADE).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "capture/xalloc.h"
#include "rules/facts.h"
#include "ui/store/store_int.h"
#include "ui/text/text.h"

enum {
	Q_FIND_CAPTURE,
	Q_DEL_CAPTURE,
	Q_INS_CAPTURE,
	Q_END_CAPTURE,
	Q_INS_SESSION,
	Q_INS_CERT,
	Q_CERT_ID,
	Q_INS_CHAIN,
	Q_INS_FINDING,
	Q_PRUNE_CERTS,
	Q_COUNT
};

static const char *const QUERIES[Q_COUNT] = {
	[Q_FIND_CAPTURE] = "SELECT id, size, mtime_ns, sha256 FROM captures WHERE path = ?1",
	[Q_DEL_CAPTURE] = "DELETE FROM captures WHERE path = ?1",
	[Q_INS_CAPTURE] = "INSERT INTO captures (path, size, mtime_ns, sha256, analysed_at, status) "
			  "VALUES (?1, ?2, ?3, ?4, ?5, 'bad')",
	[Q_END_CAPTURE] =
		"UPDATE captures SET status = ?2, message = ?3, format = ?4, compressed = ?5, "
		"packets = ?6, first_ts_ns = ?7, last_ts_ns = ?8, n_sessions = ?9 WHERE id = ?1",
	[Q_INS_SESSION] =
		"INSERT INTO sessions (capture_id, num, client_ip, client_port, server_ip, "
		"server_port, sni, version, tls13, service, verdict, headline, expected_name, "
		"start_ns, end_ns, first_frame, last_frame, transport, established, outcome) VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
		"?19, ?20)",
	[Q_INS_CERT] = "INSERT OR IGNORE INTO certificates (sha256, sha1, subject, issuer, serial, "
		       "not_before, not_after, parse_ok, self_issued, is_ca, key_type, key_bits, "
		       "sig_alg, san_dns, der) VALUES "
		       "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[Q_CERT_ID] = "SELECT id FROM certificates WHERE sha256 = ?1",
	[Q_INS_CHAIN] = "INSERT OR REPLACE INTO chain_certs (session_id, side, idx, cert_id, "
			"status) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_INS_FINDING] =
		"INSERT INTO findings (session_id, finding, severity, sev_rank, side, cert_idx, "
		"cert_id, basis, field, frame, message, advice) VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[Q_PRUNE_CERTS] = "DELETE FROM certificates WHERE id NOT IN "
			  "(SELECT cert_id FROM chain_certs) AND id NOT IN "
			  "(SELECT cert_id FROM findings WHERE cert_id IS NOT NULL)",
};

struct db_sink {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *q[Q_COUNT];
	time_t run_at;
	uint64_t stored, failed;
	int warned;
	/* The capture being written (one transaction). */
	int in_file;	 /* its transaction is open */
	int file_failed; /* a statement failed: rolled back, skip the rest */
	int existed;	 /* it replaced an older row */
	int64_t capture_id;
};

static sqlite3_stmt *Q(struct db_sink *d, int which)
{
	sqlite3_stmt *st = d->q[which];
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static int db_skip(void *stp, const char *path)
{
	struct db_sink *d = stp;
	struct stat st;
	char hex[65];
	int skip = 0;
	if (!d->db || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	char *key = db_key_path(path);
	sqlite3_stmt *q = Q(d, Q_FIND_CAPTURE);
	bind_text(q, 1, key);
	if (sqlite3_step(q) == SQLITE_ROW &&
	    sqlite3_column_int64(q, 1) == (sqlite3_int64)st.st_size &&
	    sqlite3_column_int64(q, 2) == mtime_ns(&st) &&
	    sqlite3_column_type(q, 3) == SQLITE_TEXT) {
		char stored[65];
		snprintf(stored, sizeof(stored), "%s", (const char *)sqlite3_column_text(q, 3));
		sqlite3_reset(q);
		/* Same size and time: the contents decide. */
		if (file_sha256(path, hex) == 0 && strcmp(hex, stored) == 0)
			skip = 1;
	}
	sqlite3_reset(q);
	free(key);
	return skip;
}

static const char *side_name(int side)
{
	return side == SIDE_CLIENT ? "client" : side == SIDE_SERVER ? "server" : NULL;
}

static int64_t cert_id_of(struct db_sink *d, const struct cert_info *ci)
{
	sqlite3_stmt *q = Q(d, Q_INS_CERT);
	struct dbuf san;
	dbuf_init(&san, DBUF_TEXT_MAX);
	for (size_t i = 0; i < ci->san_dns.n; i++)
		dbuf_addf(&san, "%s%s", i ? "," : "", ci->san_dns.v[i]);
	bind_text(q, 1, ci->sha256_hex);
	bind_text(q, 2, ci->sha1_hex);
	if (ci->parse_ok) {
		bind_text(q, 3, ci->subject.rfc4514);
		bind_text(q, 4, ci->issuer.rfc4514);
		bind_text(q, 5, ci->serial_hex);
		/* A date that does not parse is NULL, never 1970. */
		if (!ci->not_before_bad)
			sqlite3_bind_int64(q, 6, (sqlite3_int64)ci->not_before);
		if (!ci->not_after_bad)
			sqlite3_bind_int64(q, 7, (sqlite3_int64)ci->not_after);
	}
	sqlite3_bind_int(q, 8, ci->parse_ok ? 1 : 0);
	sqlite3_bind_int(q, 9, ci->self_issued);
	sqlite3_bind_int(q, 10, ci->is_ca);
	bind_text(q, 11, ui_key_type_str(ci->key_type));
	sqlite3_bind_int(q, 12, ci->key_bits);
	bind_text(q, 13, ci->sig_alg);
	bind_text(q, 14, ci->san_dns.n ? dbuf_str(&san) : NULL);
	if (ci->der && ci->der_len <= INT_MAX)
		sqlite3_bind_blob(q, 15, ci->der, (int)ci->der_len, SQLITE_STATIC);
	else
		sqlite3_bind_zeroblob(q, 15, 0);
	int rc = step_done(q);
	sqlite3_reset(q);
	dbuf_free(&san);
	if (rc != 0)
		return -1;
	q = Q(d, Q_CERT_ID);
	bind_text(q, 1, ci->sha256_hex);
	int64_t id = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
	sqlite3_reset(q);
	return id;
}

static int store_session(struct db_sink *d, int64_t capture_id, const struct session_report *r)
{
	const struct tls_session *s = r->s;
	char cip[64], sip[64], vb[16];
	int64_t sid;
	int64_t ids[2][64];
	size_t nids[2] = { 0, 0 };
	sqlite3_stmt *q = Q(d, Q_INS_SESSION);

	sqlite3_bind_int64(q, 1, capture_id);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)s->id);
	bind_text(q, 3, endpoint_addr_str(&s->client, cip, sizeof(cip)));
	sqlite3_bind_int(q, 4, s->client.port);
	bind_text(q, 5, endpoint_addr_str(&s->server, sip, sizeof(sip)));
	sqlite3_bind_int(q, 6, s->server.port);
	bind_text(q, 7, s->ch.sni);
	bind_text(q, 8, version_text(s->version, vb, sizeof vb));
	sqlite3_bind_int(q, 9, s->tls13);
	bind_text(q, 10, r->service);
	bind_text(q, 11, verdict_str(r->verdict));
	bind_text(q, 12, r->headline);
	bind_text(q, 13, r->expected_name);
	sqlite3_bind_int64(q, 14, s->start_ts);
	sqlite3_bind_int64(q, 15, s->end_ts);
	sqlite3_bind_int64(q, 16, (sqlite3_int64)s->first_frame);
	sqlite3_bind_int64(q, 17, (sqlite3_int64)s->last_frame);
	bind_text(q, 18, transport_key(s->transport));
	sqlite3_bind_int(q, 19, r->established ? 1 : 0);
	bind_text(q, 20, outcome_str(r->outcome));
	if (step_done(q) != 0)
		return -1;
	sid = sqlite3_last_insert_rowid(d->db);

	for (int side = 0; side < 2; side++) {
		const struct tls_chain *ch = &s->chain[side];
		const struct chain_view *cv = &r->chain[side];
		for (size_t i = 0; i < ch->n; i++) {
			if (!ch->certs[i])
				continue;
			int64_t cid = cert_id_of(d, ch->certs[i]);
			if (cid < 0)
				return -1;
			if (i < 64) {
				ids[side][i] = cid;
				nids[side] = i + 1;
			}
			q = Q(d, Q_INS_CHAIN);
			sqlite3_bind_int64(q, 1, sid);
			bind_text(q, 2, side_name(side));
			sqlite3_bind_int64(q, 3, (sqlite3_int64)i);
			sqlite3_bind_int64(q, 4, cid);
			bind_text(q, 5,
				  cv->status && i < cv->n ? cert_status_str(cv->status[i]) : NULL);
			if (step_done(q) != 0)
				return -1;
		}
	}
	for (size_t i = 0; i < r->nf; i++) {
		const struct finding *f = &r->f[i];
		q = Q(d, Q_INS_FINDING);
		sqlite3_bind_int64(q, 1, sid);
		bind_text(q, 2, f->id ? f->id : "unknown");
		bind_text(q, 3, severity_str(f->sev));
		sqlite3_bind_int(q, 4, (int)f->sev);
		bind_text(q, 5, side_name(f->side));
		if (f->cert >= 0) {
			sqlite3_bind_int(q, 6, f->cert);
			if ((f->side == 0 || f->side == 1) && (size_t)f->cert < nids[f->side])
				sqlite3_bind_int64(q, 7, ids[f->side][f->cert]);
		}
		bind_text(q, 8, basis_str(f->basis));
		bind_text(q, 9, f->field);
		if (f->frame)
			sqlite3_bind_int64(q, 10, (sqlite3_int64)f->frame);
		bind_text(q, 11, f->message);
		bind_text(q, 12, f->advice);
		if (step_done(q) != 0)
			return -1;
	}
	return 0;
}

/* A statement of the capture's transaction failed: roll it back, say so
 * once, and store nothing more of this capture. */
static void file_fail(struct db_sink *d, const char *path, int rollback)
{
	if (rollback)
		exec_sql(d->db, "ROLLBACK", NULL, 0);
	d->in_file = 0;
	d->file_failed = 1;
	d->failed++;
	if (!d->warned) {
		char pb[512];
		fprintf(stderr, "tlsdiag: %s: cannot store %s: %s\n", d->path,
			ui_sanitize_buf(path, pb, sizeof(pb)), sqlite3_errmsg(d->db));
		d->warned = 1;
	}
}

/* Open the capture's transaction: its old row goes, its new row comes
 * (as unreadable until file_end says otherwise). */
static void file_begin(struct db_sink *d, const char *path)
{
	struct stat st;
	int have_stat = strcmp(path, "-") != 0 && stat(path, &st) == 0;
	char hex[65];
	int have_hash = have_stat && file_sha256(path, hex) == 0;
	char *key = db_key_path(path);
	sqlite3_stmt *q;

	if (exec_sql(d->db, "BEGIN IMMEDIATE", NULL, 0) != 0) {
		file_fail(d, path, 0);
		goto out;
	}
	d->in_file = 1;
	q = Q(d, Q_DEL_CAPTURE);
	bind_text(q, 1, key);
	if (step_done(q) != 0) {
		file_fail(d, path, 1);
		goto out;
	}
	d->existed = sqlite3_changes(d->db) > 0;
	q = Q(d, Q_INS_CAPTURE);
	bind_text(q, 1, key);
	if (have_stat) {
		sqlite3_bind_int64(q, 2, (sqlite3_int64)st.st_size);
		sqlite3_bind_int64(q, 3, mtime_ns(&st));
	}
	if (have_hash)
		bind_text(q, 4, hex);
	sqlite3_bind_int64(q, 5, (sqlite3_int64)d->run_at);
	if (step_done(q) != 0) {
		file_fail(d, path, 1);
		goto out;
	}
	d->capture_id = sqlite3_last_insert_rowid(d->db);
out:
	for (int i = 0; i < Q_COUNT; i++)
		if (d->q[i])
			sqlite3_reset(d->q[i]);
	free(key);
}

static void db_session(void *stp, const struct sink_file *file, const struct session_report *r)
{
	struct db_sink *d = stp;
	const char *path = file->path ? file->path : "-";

	if (!d->db || d->file_failed || !r->s)
		return;
	if (!d->in_file)
		file_begin(d, path);
	if (d->in_file && store_session(d, d->capture_id, r) != 0)
		file_fail(d, path, 1);
}

static void db_file_end(void *stp, const struct sink_file *file, const struct file_report *f)
{
	struct db_sink *d = stp;
	const char *path = file->path ? file->path : "-";
	const char *status;
	sqlite3_stmt *q;

	if (!d->db || d->file_failed)
		goto out;
	if (!d->in_file)
		file_begin(d, path);
	if (!d->in_file)
		goto out;
	if (!f->ok)
		status = "bad";
	else if (f->cap.status != SRC_EOF && f->cap.status != SRC_OK)
		status = "partial";
	else
		status = "ok";
	q = Q(d, Q_END_CAPTURE);
	sqlite3_bind_int64(q, 1, d->capture_id);
	bind_text(q, 2, status);
	bind_text(q, 3, f->cap.message[0] ? f->cap.message : NULL);
	bind_text(q, 4, f->cap.format[0] ? f->cap.format : NULL);
	sqlite3_bind_int(q, 5, f->cap.compressed);
	sqlite3_bind_int64(q, 6, (sqlite3_int64)f->cap.packets);
	if (f->cap.packets) {
		sqlite3_bind_int64(q, 7, f->cap.first_ts);
		sqlite3_bind_int64(q, 8, f->cap.last_ts);
	}
	sqlite3_bind_int64(q, 9, (sqlite3_int64)f->n_sessions);
	if (step_done(q) != 0)
		goto fail;
	if (d->existed) {
		/* The capture changed: certificates only its old version had
		 * are no longer seen anywhere. */
		q = Q(d, Q_PRUNE_CERTS);
		if (step_done(q) != 0)
			goto fail;
	}
	if (exec_sql(d->db, "COMMIT", NULL, 0) != 0)
		goto fail;
	d->in_file = 0;
	d->stored++;
	goto out;
fail:
	file_fail(d, path, 1);
out:
	for (int i = 0; i < Q_COUNT; i++)
		if (d->q[i])
			sqlite3_reset(d->q[i]);
	d->in_file = 0;
	d->file_failed = 0;
	d->existed = 0;
}

static void db_begin(void *stp, const struct ui_opts *o)
{
	struct db_sink *d = stp;
	(void)o;
	d->run_at = time(NULL);
}

static void db_end(void *stp, const struct run_summary *sum)
{
	struct db_sink *d = stp;
	(void)sum;
	if (d->failed)
		fprintf(stderr, "tlsdiag: %s: %llu capture%s could not be stored\n", d->path,
			(unsigned long long)d->failed, d->failed == 1 ? "" : "s");
	/* Fold the WAL back so the file alone is the whole database. */
	if (d->db)
		sqlite3_wal_checkpoint_v2(d->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

static void db_free(void *stp)
{
	struct db_sink *d = stp;
	if (!d)
		return;
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(d->q[i]);
	sqlite3_close(d->db);
	free(d->path);
	free(d);
}

static const struct sink_ops db_ops = {
	.name = "db",
	.begin = db_begin,
	.session = db_session,
	.file_end = db_file_end,
	.end = db_end,
	.free = db_free,
	.skip = db_skip,
};

struct sink sink_db_new(const char *path, const struct ui_opts *o, char *err, size_t errlen)
{
	struct db_sink *d;
	sqlite3 *db;
	(void)o;
	db = db_open(path, 1, err, errlen);
	if (!db)
		return (struct sink){ NULL, NULL };
	d = xcalloc(1, sizeof(*d));
	d->db = db;
	d->path = xstrdup(path);
	for (int i = 0; i < Q_COUNT; i++) {
		if (sqlite3_prepare_v2(db, QUERIES[i], -1, &d->q[i], NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
			db_free(d);
			return (struct sink){ NULL, NULL };
		}
	}
	return (struct sink){ &db_ops, d };
}

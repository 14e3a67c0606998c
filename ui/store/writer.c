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
#include "ui/store/claim.h"
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
	[Q_FIND_CAPTURE] = "SELECT id, size, mtime_ns, sha256, fingerprint FROM captures "
			   "WHERE path = ?1",
	[Q_DEL_CAPTURE] = "DELETE FROM captures WHERE path = ?1",
	[Q_INS_CAPTURE] = "INSERT INTO captures (path, size, mtime_ns, sha256, analysed_at, status, "
			  "fingerprint, sensor) VALUES (?1, ?2, ?3, ?4, ?5, 'bad', ?6, ?7) "
			  "RETURNING id",
	[Q_END_CAPTURE] =
		"UPDATE captures SET status = ?2, message = ?3, format = ?4, compressed = ?5, "
		"packets = ?6, first_ts_ns = ?7, last_ts_ns = ?8, n_sessions = ?9 WHERE id = ?1",
	[Q_INS_SESSION] =
		"INSERT INTO sessions (capture_id, num, client_ip, client_port, server_ip, "
		"server_port, sni, version, tls13, service, verdict, headline, expected_name, "
		"start_ns, end_ns, first_frame, last_frame, transport, established, outcome) VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
		"?19, ?20) RETURNING id",
	/* Another worker may store the same certificate at the same time:
	 * the first one's row stays. */
	[Q_INS_CERT] = "INSERT INTO certificates (sha256, sha1, subject, issuer, serial, "
		       "not_before, not_after, parse_ok, self_issued, is_ca, key_type, key_bits, "
		       "sig_alg, san_dns, der) VALUES "
		       "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
		       "ON CONFLICT (sha256) DO NOTHING",
	[Q_CERT_ID] = "SELECT id FROM certificates WHERE sha256 = ?1",
	[Q_INS_CHAIN] = "INSERT INTO chain_certs (session_id, side, idx, cert_id, status) "
			"VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (session_id, side, idx) "
			"DO UPDATE SET cert_id = excluded.cert_id, status = excluded.status",
	[Q_INS_FINDING] =
		"INSERT INTO findings (session_id, finding, severity, sev_rank, side, cert_idx, "
		"cert_id, basis, field, frame, message, advice) VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[Q_PRUNE_CERTS] = "DELETE FROM certificates WHERE id NOT IN "
			  "(SELECT cert_id FROM chain_certs) AND id NOT IN "
			  "(SELECT cert_id FROM findings WHERE cert_id IS NOT NULL)",
};

struct db_sink {
	struct db *db;
	char *path;
	struct db_stmt *q[Q_COUNT];
	struct claimer *claims;
	char *fingerprint;    /* of this run's judging options */
	const char *sensor;   /* --sensor, or NULL: the host */
	char **claimed;	      /* keys claimed and not yet stored */
	struct str_pool pool; /* finding ids of skipped captures in the summary */
	size_t n_claimed;
	int dead; /* the connection is lost for good: store nothing more */
	time_t run_at;
	uint64_t stored, failed, lost_claims;
	int warned;
	/* The capture being written (one transaction). */
	int in_file;	 /* its transaction is open */
	int file_failed; /* a statement failed: rolled back, skip the rest */
	int existed;	 /* it replaced an older row */
	int64_t capture_id;
};

static struct db_stmt *Q(struct db_sink *d, int which)
{
	struct db_stmt *st = d->q[which];
	db_reset(st);
	return st;
}

static int step_done(struct db_stmt *st)
{
	return db_step(st) == DB_ERROR ? -1 : 0;
}

/* Run an INSERT ... RETURNING id; the id or -1. */
static int64_t step_id(struct db_stmt *st)
{
	int64_t id = db_step(st) == DB_ROW ? db_col_int64(st, 0) : -1;
	db_reset(st);
	return id;
}

/* The connection is gone (a server restart, pg_terminate_backend, the
 * network): its open transaction died with it. Reconnect, waiting
 * 0.2, 0.4 ... 3.2 s between attempts; after the last, give up for good
 * with one clear message. 0 when connected again. */
static int recover(struct db_sink *d)
{
	char why[sizeof(d->db->err)];
	if (d->dead)
		return -1;
	if (d->db->fail != DBF_LOST)
		return 0;
	snprintf(why, sizeof(why), "%s", d->db->err);
	for (int i = 0; i < 5; i++) {
		struct timespec ts = { 0, 200L * 1000 * 1000 };
		for (int k = 0; k < i; k++) {
			ts.tv_nsec *= 2;
			if (ts.tv_nsec >= 1000L * 1000 * 1000) {
				ts.tv_sec += ts.tv_nsec / (1000L * 1000 * 1000);
				ts.tv_nsec %= 1000L * 1000 * 1000;
			}
		}
		nanosleep(&ts, NULL);
		if (db_reconnect(d->db) == 0) {
			fprintf(stderr, "tlsdiag: %s: connection lost, connected again (%s)\n",
				d->db->shown, why);
			return 0;
		}
	}
	fprintf(stderr,
		"tlsdiag: %s: connection lost and not regained after 5 attempts (%s); "
		"storing stops here: run again to store the captures left\n",
		d->db->shown, d->db->err);
	d->dead = 1;
	return -1;
}

static int claimed_index(const struct db_sink *d, const char *key)
{
	for (size_t i = 0; i < d->n_claimed; i++)
		if (strcmp(d->claimed[i], key) == 0)
			return (int)i;
	return -1;
}

static void claimed_forget(struct db_sink *d, int i)
{
	if (i < 0)
		return;
	free(d->claimed[i]);
	d->claimed[i] = d->claimed[--d->n_claimed];
}

/* Stored, with the same size, mtime, contents and judging options? */
static int stored_unchanged(struct db_sink *d, const char *path, const char *key,
			    const struct stat *st)
{
	char hex[65];
	int same = 0;
	struct db_stmt *q = Q(d, Q_FIND_CAPTURE);
	db_bind_text(q, 1, key);
	if (db_step(q) == DB_ROW && db_col_int64(q, 1) == (int64_t)st->st_size &&
	    db_col_int64(q, 2) == mtime_ns(st) && db_col_text(q, 3) && db_col_text(q, 4) &&
	    strcmp(db_col_text(q, 4), d->fingerprint) == 0) {
		char stored[65];
		snprintf(stored, sizeof(stored), "%s", db_col_text(q, 3));
		db_reset(q);
		/* Same size and time: the contents decide. */
		if (file_sha256(path, hex) == 0 && strcmp(hex, stored) == 0)
			same = 1;
	}
	db_reset(q);
	return same;
}

/*
 * Before a capture is analysed: skip it when it is stored unchanged, or
 * when another process has claimed it; else claim it for this one.
 */
static int ds_skip(void *stp, const char *path)
{
	struct db_sink *d = stp;
	struct stat st;
	int skip = 0, was_done = 0;
	if (d->dead)
		return 1; /* stopped: analysing what cannot be stored is waste */
	if (!d->db || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	char *key = db_key_path(path);
	claim_renew(d->claims, 0);
	if (stored_unchanged(d, path, key, &st)) {
		skip = 1;
		goto out;
	}
	int r = claim_take(d->claims, key, &was_done);
	if (r == CLAIM_ERROR && recover(d) == 0)
		r = claim_take(d->claims, key, &was_done);
	if (r == CLAIM_ERROR) {
		/* Analyse it anyway: the report is still wanted. */
		if (!d->dead && !d->warned) {
			fprintf(stderr, "tlsdiag: %s: cannot claim captures: %s\n", d->db->shown,
				d->db->err);
			d->warned = 1;
		}
		skip = d->dead;
		goto out;
	}
	if (r == CLAIM_OTHERS) {
		skip = 1;
		goto out;
	}
	if (was_done && stored_unchanged(d, path, key, &st)) {
		/* Another process stored it between the look and the claim. */
		(void)claim_done(d->claims, key);
		skip = 1;
		goto out;
	}
	if (claimed_index(d, key) < 0) {
		d->claimed = xreallocarray(d->claimed, d->n_claimed + 1, sizeof(*d->claimed));
		d->claimed[d->n_claimed++] = key;
		key = NULL;
	}
out:
	free(key);
	return skip;
}

static const char *side_name(int side)
{
	return side == SIDE_CLIENT ? "client" : side == SIDE_SERVER ? "server" : NULL;
}

static int64_t cert_id_of(struct db_sink *d, const struct cert_info *ci)
{
	struct db_stmt *q = Q(d, Q_INS_CERT);
	struct dbuf san;
	dbuf_init(&san, DBUF_TEXT_MAX);
	for (size_t i = 0; i < ci->san_dns.n; i++)
		dbuf_addf(&san, "%s%s", i ? "," : "", ci->san_dns.v[i]);
	db_bind_text(q, 1, ci->sha256_hex);
	db_bind_text(q, 2, ci->sha1_hex);
	if (ci->parse_ok) {
		db_bind_text(q, 3, ci->subject.rfc4514);
		db_bind_text(q, 4, ci->issuer.rfc4514);
		db_bind_text(q, 5, ci->serial_hex);
		/* A date that does not parse is NULL, never 1970. */
		if (ci->not_before_bad)
			db_bind_null(q, 6);
		else
			db_bind_int64(q, 6, (int64_t)ci->not_before);
		if (ci->not_after_bad)
			db_bind_null(q, 7);
		else
			db_bind_int64(q, 7, (int64_t)ci->not_after);
	}
	db_bind_int64(q, 8, ci->parse_ok ? 1 : 0);
	db_bind_int64(q, 9, ci->self_issued);
	db_bind_int64(q, 10, ci->is_ca);
	db_bind_text(q, 11, ui_key_type_str(ci->key_type));
	db_bind_int64(q, 12, ci->key_bits);
	db_bind_text(q, 13, ci->sig_alg);
	db_bind_text(q, 14, ci->san_dns.n ? dbuf_str(&san) : NULL);
	if (ci->der && ci->der_len <= INT_MAX)
		db_bind_blob(q, 15, ci->der, ci->der_len);
	else
		db_bind_blob(q, 15, "", 0);
	int rc = step_done(q);
	db_reset(q);
	dbuf_free(&san);
	if (rc != 0)
		return -1;
	q = Q(d, Q_CERT_ID);
	db_bind_text(q, 1, ci->sha256_hex);
	return step_id(q);
}

static int store_session(struct db_sink *d, int64_t capture_id, const struct session_report *r)
{
	const struct tls_session *s = r->s;
	char cip[64], sip[64], vb[16];
	int64_t sid;
	int64_t ids[2][64];
	size_t nids[2] = { 0, 0 };
	struct db_stmt *q = Q(d, Q_INS_SESSION);

	db_bind_int64(q, 1, capture_id);
	db_bind_int64(q, 2, (int64_t)s->id);
	db_bind_text(q, 3, endpoint_addr_str(&s->client, cip, sizeof(cip)));
	db_bind_int64(q, 4, s->client.port);
	db_bind_text(q, 5, endpoint_addr_str(&s->server, sip, sizeof(sip)));
	db_bind_int64(q, 6, s->server.port);
	db_bind_text(q, 7, s->ch.sni);
	db_bind_text(q, 8, version_text(s->version, vb, sizeof vb));
	db_bind_int64(q, 9, s->tls13);
	db_bind_text(q, 10, r->service);
	db_bind_text(q, 11, verdict_str(r->verdict));
	db_bind_text(q, 12, r->headline);
	db_bind_text(q, 13, r->expected_name);
	db_bind_int64(q, 14, s->start_ts);
	db_bind_int64(q, 15, s->end_ts);
	db_bind_int64(q, 16, (int64_t)s->first_frame);
	db_bind_int64(q, 17, (int64_t)s->last_frame);
	db_bind_text(q, 18, transport_key(s->transport));
	db_bind_int64(q, 19, r->established ? 1 : 0);
	db_bind_text(q, 20, outcome_str(r->outcome));
	sid = step_id(q);
	if (sid < 0)
		return -1;

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
			db_bind_int64(q, 1, sid);
			db_bind_text(q, 2, side_name(side));
			db_bind_int64(q, 3, (int64_t)i);
			db_bind_int64(q, 4, cid);
			db_bind_text(q, 5,
				     cv->status && i < cv->n ? cert_status_str(cv->status[i])
							     : NULL);
			if (step_done(q) != 0)
				return -1;
		}
	}
	for (size_t i = 0; i < r->nf; i++) {
		const struct finding *f = &r->f[i];
		q = Q(d, Q_INS_FINDING);
		db_bind_int64(q, 1, sid);
		db_bind_text(q, 2, f->id ? f->id : "unknown");
		db_bind_text(q, 3, severity_str(f->sev));
		db_bind_int64(q, 4, (int)f->sev);
		db_bind_text(q, 5, side_name(f->side));
		if (f->cert >= 0) {
			db_bind_int64(q, 6, f->cert);
			if ((f->side == 0 || f->side == 1) && (size_t)f->cert < nids[f->side])
				db_bind_int64(q, 7, ids[f->side][f->cert]);
		}
		db_bind_text(q, 8, basis_str(f->basis));
		db_bind_text(q, 9, f->field);
		if (f->frame)
			db_bind_int64(q, 10, (int64_t)f->frame);
		db_bind_text(q, 11, f->message);
		db_bind_text(q, 12, f->advice);
		if (step_done(q) != 0)
			return -1;
	}
	return 0;
}

/* A statement of the capture's transaction failed: roll it back, say so
 * once, store nothing more of this capture, and give its claim back (once
 * connected again, when the connection was lost) for the next run. */
static void file_fail(struct db_sink *d, const char *path, int rollback)
{
	char *key = db_key_path(path);
	if (rollback)
		db_rollback(d->db);
	d->in_file = 0;
	d->file_failed = 1;
	d->failed++;
	if (!d->warned) {
		char pb[512], eb[1100];
		fprintf(stderr, "tlsdiag: %s: cannot store %s: %s\n", d->db->shown,
			ui_sanitize_buf(path, pb, sizeof(pb)),
			ui_sanitize_buf(d->db->err, eb, sizeof(eb)));
		d->warned = 1;
	}
	int i = claimed_index(d, key);
	if (i >= 0 && recover(d) == 0)
		claim_release(d->claims, key);
	claimed_forget(d, i);
	free(key);
}

/* Open the capture's transaction: its old row goes, its new row comes
 * (as unreadable until file_end says otherwise). */
static void file_begin(struct db_sink *d, const char *path)
{
	struct stat st;
	int have_stat = strcmp(path, "-") != 0 && stat(path, &st) == 0;
	char hex[65];
	/* A FIFO or a device cannot be read twice: only files are hashed. */
	int have_hash = have_stat && S_ISREG(st.st_mode) && file_sha256(path, hex) == 0;
	char *key = db_key_path(path);
	struct db_stmt *q;

	if (db_begin(d->db) != 0) {
		file_fail(d, path, 0);
		goto out;
	}
	d->in_file = 1;
	q = Q(d, Q_DEL_CAPTURE);
	db_bind_text(q, 1, key);
	if (step_done(q) != 0) {
		file_fail(d, path, 1);
		goto out;
	}
	d->existed = db_changes(q) > 0;
	q = Q(d, Q_INS_CAPTURE);
	db_bind_text(q, 1, key);
	if (have_stat) {
		db_bind_int64(q, 2, (int64_t)st.st_size);
		db_bind_int64(q, 3, mtime_ns(&st));
	}
	if (have_hash)
		db_bind_text(q, 4, hex);
	db_bind_int64(q, 5, (int64_t)d->run_at);
	db_bind_text(q, 6, d->fingerprint);
	db_bind_text(q, 7, d->sensor ? d->sensor : claimer_host(d->claims));
	d->capture_id = step_id(q);
	if (d->capture_id < 0)
		file_fail(d, path, 1);
out:
	for (int i = 0; i < Q_COUNT; i++)
		if (d->q[i])
			db_reset(d->q[i]);
	free(key);
}

static void ds_session(void *stp, const struct sink_file *file, const struct session_report *r)
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

static void ds_file_end(void *stp, const struct sink_file *file, const struct file_report *f)
{
	struct db_sink *d = stp;
	const char *path = file->path ? file->path : "-";
	const char *status;
	struct db_stmt *q;

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
	db_bind_int64(q, 1, d->capture_id);
	db_bind_text(q, 2, status);
	db_bind_text(q, 3, f->cap.message[0] ? f->cap.message : NULL);
	db_bind_text(q, 4, f->cap.format[0] ? f->cap.format : NULL);
	db_bind_int64(q, 5, f->cap.compressed);
	db_bind_int64(q, 6, (int64_t)f->cap.packets);
	if (f->cap.packets) {
		db_bind_int64(q, 7, f->cap.first_ts);
		db_bind_int64(q, 8, f->cap.last_ts);
	}
	db_bind_int64(q, 9, (int64_t)f->n_sessions);
	if (step_done(q) != 0)
		goto fail;
	if (d->existed) {
		/* The capture changed: certificates only its old version had
		 * are no longer seen anywhere. */
		q = Q(d, Q_PRUNE_CERTS);
		if (step_done(q) != 0)
			goto fail;
	}
	char *key = db_key_path(path);
	int ci = claimed_index(d, key), cd = ci >= 0 ? claim_done(d->claims, key) : 0;
	free(key);
	if (cd < 0)
		goto fail;
	if (cd > 0) {
		/* Our lease ran out and another process took the capture
		 * over: its rows are the ones to keep. */
		db_rollback(d->db);
		claimed_forget(d, ci);
		d->lost_claims++;
		goto out;
	}
	if (db_commit(d->db) != 0)
		goto fail;
	claimed_forget(d, ci);
	d->in_file = 0;
	d->stored++;
	claim_renew(d->claims, 0);
	goto out;
fail:
	file_fail(d, path, 1);
out:
	for (int i = 0; i < Q_COUNT; i++)
		if (d->q[i])
			db_reset(d->q[i]);
	d->in_file = 0;
	d->file_failed = 0;
	d->existed = 0;
}

static void ds_begin(void *stp, const struct ui_opts *o)
{
	struct db_sink *d = stp;
	(void)o;
	d->run_at = time(NULL);
}

static void ds_end(void *stp, const struct run_summary *sum)
{
	struct db_sink *d = stp;
	(void)sum;
	if (d->failed)
		fprintf(stderr, "tlsdiag: %s: %llu capture%s could not be stored\n",
			d->db ? d->db->shown : d->path, (unsigned long long)d->failed,
			d->failed == 1 ? "" : "s");
	if (d->lost_claims)
		fprintf(stderr,
			"tlsdiag: %s: %llu capture%s taken over by another process (lease "
			"expired)\n",
			d->db ? d->db->shown : d->path, (unsigned long long)d->lost_claims,
			d->lost_claims == 1 ? "" : "s");
	/* Claims taken for captures never delivered go back. */
	for (size_t i = 0; d->db && !d->dead && i < d->n_claimed; i++)
		claim_release(d->claims, d->claimed[i]);
	/* Fold SQLite's WAL back so the file alone is the whole database. */
	if (d->db && d->db->d->kind == DB_SQLITE)
		(void)db_exec(d->db, "PRAGMA wal_checkpoint(PASSIVE)");
}

static void ds_free(void *stp)
{
	struct db_sink *d = stp;
	if (!d)
		return;
	for (int i = 0; i < Q_COUNT; i++)
		db_finalize(d->q[i]);
	claimer_free(d->claims);
	for (size_t i = 0; i < d->n_claimed; i++)
		free(d->claimed[i]);
	free(d->claimed);
	free(d->fingerprint);
	str_pool_free(&d->pool);
	db_close(d->db);
	free(d->path);
	free(d);
}

/* A capture skipped (stored unchanged, or another process's): what the
 * inventory holds of it goes into this run's summary. */
static int ds_skipped(void *stp, const char *path, struct run_summary *sum)
{
	struct db_sink *d = stp;
	int errors = 0;
	if (!d->db || d->dead)
		return 0;
	char *key = db_key_path(path);
	(void)db_summary_add_capture(d->db, key, sum, &d->pool, &errors);
	free(key);
	return errors;
}

/* Storing stopped for good (the connection could not be regained). */
static int ds_failed(const void *stp)
{
	const struct db_sink *d = stp;
	return d->dead;
}

static const struct sink_ops db_ops = {
	.name = "db",
	.begin = ds_begin,
	.session = ds_session,
	.file_end = ds_file_end,
	.end = ds_end,
	.free = ds_free,
	.skip = ds_skip,
	.skipped = ds_skipped,
	.failed = ds_failed,
};

struct sink sink_db_new(const char *path, const struct ui_opts *o, char *err, size_t errlen)
{
	struct db_sink *d;
	struct db *db;
	db = store_open(path, 1, err, errlen);
	if (!db)
		return (struct sink){ NULL, NULL };
	d = xcalloc(1, sizeof(*d));
	d->db = db;
	d->path = xstrdup(path);
	for (int i = 0; i < Q_COUNT; i++)
		d->q[i] = db_prepare(db, QUERIES[i]);
	d->claims = claimer_new(db);
	d->fingerprint = judging_fingerprint(&o->acfg);
	d->sensor = o->sensor;
	return (struct sink){ &db_ops, d };
}

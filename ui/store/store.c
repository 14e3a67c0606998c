/*
 * store.c - the SQLite store of runs (--db FILE) and `tlsdiag db FILE ...`.
 *
 * Every analysed capture is written in ONE transaction: its row, its
 * sessions, the certificates of their chains (deduplicated by SHA-256,
 * with the DER), chain membership and findings. The transaction opens
 * with the capture's first session (or at its end, when it has none) and
 * commits at file_end, when the row gets what reading the file showed. A run killed midway
 * therefore leaves every capture before the kill complete and none half
 * written. WAL mode with synchronous=NORMAL keeps committed transactions
 * across a crash of the process.
 *
 * A capture already in the database with the same absolute path, size,
 * mtime and SHA-256 of its contents is not analysed again: batch_run asks
 * the sink's skip() before it queues a file. A changed capture replaces
 * its old rows (ON DELETE CASCADE).
 *
 * Schema (PRAGMA user_version = 1):
 *
 *   captures      id, path UNIQUE, size, mtime_ns, sha256, analysed_at,
 *                 status ('ok' | 'partial' | 'bad'), message, format,
 *                 compressed, packets, first_ts_ns, last_ts_ns, n_sessions
 *   sessions      id, capture_id -> captures, num (1-based in its file),
 *                 client_ip, client_port, server_ip, server_port, sni,
 *                 version, tls13, service, verdict, headline,
 *                 expected_name, start_ns, end_ns, first_frame, last_frame
 *   certificates  id, sha256 UNIQUE, sha1, subject, issuer, serial,
 *                 not_before, not_after, parse_ok, self_issued, is_ca,
 *                 key_type, key_bits, sig_alg, san_dns, der
 *   chain_certs   session_id -> sessions, side ('client' | 'server'), idx,
 *                 cert_id -> certificates, status (cert_status_str)
 *   findings      id, session_id -> sessions, finding, severity, sev_rank,
 *                 side, cert_idx, cert_id, basis, field, frame, message,
 *                 advice
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "capture/xalloc.h"
#include "rules/facts.h"
#include "ui/text/text.h"
#include "ui/store/store.h"

#define DB_SCHEMA_VERSION 1

static const char SCHEMA[] =
	"CREATE TABLE captures (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  path TEXT NOT NULL UNIQUE,\n"
	"  size INTEGER,\n"
	"  mtime_ns INTEGER,\n"
	"  sha256 TEXT,\n"
	"  analysed_at INTEGER NOT NULL,\n"
	"  status TEXT NOT NULL CHECK (status IN ('ok','partial','bad')),\n"
	"  message TEXT,\n"
	"  format TEXT,\n"
	"  compressed INTEGER,\n"
	"  packets INTEGER,\n"
	"  first_ts_ns INTEGER,\n"
	"  last_ts_ns INTEGER,\n"
	"  n_sessions INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE TABLE sessions (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  capture_id INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,\n"
	"  num INTEGER NOT NULL,\n"
	"  client_ip TEXT, client_port INTEGER,\n"
	"  server_ip TEXT, server_port INTEGER,\n"
	"  sni TEXT,\n"
	"  version TEXT,\n"
	"  tls13 INTEGER,\n"
	"  service TEXT,\n"
	"  verdict TEXT NOT NULL,\n"
	"  headline TEXT,\n"
	"  expected_name TEXT,\n"
	"  start_ns INTEGER, end_ns INTEGER,\n"
	"  first_frame INTEGER, last_frame INTEGER\n"
	");\n"
	"CREATE INDEX sessions_capture ON sessions(capture_id);\n"
	"CREATE INDEX sessions_server ON sessions(server_ip, server_port);\n"
	"CREATE TABLE certificates (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  sha256 TEXT NOT NULL UNIQUE,\n"
	"  sha1 TEXT,\n"
	"  subject TEXT, issuer TEXT, serial TEXT,\n"
	"  not_before INTEGER, not_after INTEGER,\n"
	"  parse_ok INTEGER NOT NULL,\n"
	"  self_issued INTEGER, is_ca INTEGER,\n"
	"  key_type TEXT, key_bits INTEGER, sig_alg TEXT,\n"
	"  san_dns TEXT,\n"
	"  der BLOB NOT NULL\n"
	");\n"
	"CREATE INDEX certificates_not_after ON certificates(not_after);\n"
	"CREATE TABLE chain_certs (\n"
	"  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,\n"
	"  side TEXT NOT NULL CHECK (side IN ('client','server')),\n"
	"  idx INTEGER NOT NULL,\n"
	"  cert_id INTEGER NOT NULL REFERENCES certificates(id),\n"
	"  status TEXT,\n"
	"  PRIMARY KEY (session_id, side, idx)\n"
	");\n"
	"CREATE INDEX chain_certs_cert ON chain_certs(cert_id);\n"
	"CREATE TABLE findings (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,\n"
	"  finding TEXT NOT NULL,\n"
	"  severity TEXT NOT NULL,\n"
	"  sev_rank INTEGER NOT NULL,\n"
	"  side TEXT,\n"
	"  cert_idx INTEGER,\n"
	"  cert_id INTEGER REFERENCES certificates(id),\n"
	"  basis TEXT,\n"
	"  field TEXT,\n"
	"  frame INTEGER,\n"
	"  message TEXT,\n"
	"  advice TEXT\n"
	");\n"
	"CREATE INDEX findings_session ON findings(session_id);\n"
	"CREATE INDEX findings_finding ON findings(finding);\n";

/* ------------------------------------------------------------ helpers */

/* SHA-256 of a file's bytes as stored on disk (compressed or not). */
static int file_sha256(const char *path, char hex[65])
{
	wc_Sha256 sha;
	unsigned char buf[1 << 16], dig[32];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = -1;
	if (!f)
		return -1;
	if (wc_InitSha256(&sha) != 0) {
		fclose(f);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (wc_Sha256Update(&sha, buf, (word32)n) != 0)
			goto out;
	if (ferror(f) || wc_Sha256Final(&sha, dig) != 0)
		goto out;
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", dig[i]);
	rc = 0;
out:
	wc_Sha256Free(&sha);
	fclose(f);
	return rc;
}

/*
 * The key of a capture in the database: its absolute path, made from the
 * path as given and the current directory, "." and ".." and repeated
 * slashes removed by the text alone. Symbolic links are not resolved: a
 * link is a capture under its own name, as the run reports it.
 */
static char *db_key_path(const char *path)
{
	char *full, *out, **parts;
	size_t n = 0, len;
	if (strcmp(path, "-") == 0)
		return xstrdup("-");
	if (path[0] == '/') {
		full = xstrdup(path);
	} else {
		char *cwd = getcwd(NULL, 0);
		if (!cwd)
			return xstrdup(path);
		full = xasprintf("%s/%s", cwd, path);
		free(cwd);
	}
	len = strlen(full);
	parts = xcalloc(len / 2 + 2, sizeof(*parts));
	for (char *save = NULL, *t = strtok_r(full, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (strcmp(t, ".") == 0)
			continue;
		if (strcmp(t, "..") == 0) {
			if (n)
				n--;
			continue;
		}
		parts[n++] = t;
	}
	out = xcalloc(len + 2, 1);
	for (size_t i = 0; i < n; i++) {
		strcat(out, "/");
		strcat(out, parts[i]);
	}
	if (n == 0)
		strcpy(out, "/");
	free(parts);
	free(full);
	return out;
}

static int64_t mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000LL + (int64_t)st->st_mtim.tv_nsec;
}

static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		if (err)
			snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int user_version(sqlite3 *db, int *v)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/*
 * Open (creating when `create`) and check or make the schema. Returns
 * NULL with a message in err.
 */
static sqlite3 *db_open(const char *path, int create, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int v = -1;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	if (!create) {
		struct stat st;
		if (stat(path, &st) != 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return NULL;
		}
	}
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 10000);
	if (user_version(db, &v) != 0) {
		snprintf(err, errlen, "%s: not a tlsdiag database (%s)", path, sqlite3_errmsg(db));
		goto fail;
	}
	if (v > DB_SCHEMA_VERSION) {
		snprintf(err, errlen,
			 "%s: written by a newer tlsdiag (schema %d; this one knows %d)", path, v,
			 DB_SCHEMA_VERSION);
		goto fail;
	}
	if (exec_sql(db, "PRAGMA foreign_keys = ON", err, errlen) != 0)
		goto fail;
	if (v == 0) {
		/* A new file, or one that is not ours. */
		sqlite3_stmt *st;
		int n = 0;
		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) ==
		    SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				n = sqlite3_column_int(st, 0);
			sqlite3_finalize(st);
		}
		if (n > 0) {
			snprintf(err, errlen,
				 "%s: an SQLite database, but not one of tlsdiag's (refusing to "
				 "change it)",
				 path);
			goto fail;
		}
		if (!create) {
			snprintf(err, errlen, "%s: empty database: nothing stored yet", path);
			goto fail;
		}
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d;\n", DB_SCHEMA_VERSION);
		if (exec_sql(db, "PRAGMA journal_mode = WAL", err, errlen) != 0 ||
		    exec_sql(db, "BEGIN IMMEDIATE", err, errlen) != 0)
			goto fail;
		if (exec_sql(db, SCHEMA, err, errlen) != 0 || exec_sql(db, sql, err, errlen) != 0 ||
		    exec_sql(db, "COMMIT", err, errlen) != 0) {
			exec_sql(db, "ROLLBACK", NULL, 0);
			goto fail;
		}
	} else if (create) {
		if (exec_sql(db, "PRAGMA journal_mode = WAL", err, errlen) != 0)
			goto fail;
	}
	if (exec_sql(db, "PRAGMA synchronous = NORMAL", err, errlen) != 0)
		goto fail;
	return db;
fail:
	sqlite3_close(db);
	return NULL;
}

/* ------------------------------------------------------------ the sink */

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
	[Q_INS_CAPTURE] =
		"INSERT INTO captures (path, size, mtime_ns, sha256, analysed_at, status) "
		"VALUES (?1, ?2, ?3, ?4, ?5, 'bad')",
	[Q_END_CAPTURE] =
		"UPDATE captures SET status = ?2, message = ?3, format = ?4, compressed = ?5, "
		"packets = ?6, first_ts_ns = ?7, last_ts_ns = ?8, n_sessions = ?9 WHERE id = ?1",
	[Q_INS_SESSION] =
		"INSERT INTO sessions (capture_id, num, client_ip, client_port, server_ip, "
		"server_port, sni, version, tls13, service, verdict, headline, expected_name, "
		"start_ns, end_ns, first_frame, last_frame) VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
	[Q_INS_CERT] =
		"INSERT OR IGNORE INTO certificates (sha256, sha1, subject, issuer, serial, "
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
	int in_file;               /* its transaction is open */
	int file_failed;           /* a statement failed: rolled back, skip the rest */
	int existed;               /* it replaced an older row */
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
		sqlite3_bind_int64(q, 6, (sqlite3_int64)ci->not_before);
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
			bind_text(q, 5, cv->status && i < cv->n ? cert_status_str(cv->status[i])
								: NULL);
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

/* ------------------------------------------------------------ `tlsdiag db` */

static const char DB_USAGE[] =
	"usage: tlsdiag db FILE expiring [DAYS]   certificates expiring within DAYS (30) or expired\n"
	"       tlsdiag db FILE failing           endpoints with failed sessions, latest finding\n"
	"       tlsdiag db FILE where SHA256|PREFIX|TEXT\n"
	"                                         where a certificate was seen (fingerprint,\n"
	"                                         fingerprint prefix or subject substring)\n"
	"       tlsdiag db FILE stats             what the database holds\n";

__attribute__((format(printf, 1, 2))) static int db_usage(const char *fmt, ...)
{
	va_list ap;
	fputs("tlsdiag: db: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(DB_USAGE, stderr);
	return EXIT_USAGE;
}

/* Column text, sanitised for the terminal, never NULL. */
static const char *col(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return ui_sanitize_buf(t ? (const char *)t : "", buf, len);
}

static const char *fmt_time(int64_t secs, char *buf, size_t len)
{
	time_t t = (time_t)secs;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "@%lld", (long long)secs);
	return buf;
}

static const char *fmt_ns(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL) {
		snprintf(buf, len, "-");
		return buf;
	}
	int64_t ns = sqlite3_column_int64(st, i);
	int64_t s = ns / 1000000000LL;
	if (ns < 0 && ns % 1000000000LL)
		s--;
	return fmt_time(s, buf, len);
}

static int prep(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		fprintf(stderr, "tlsdiag: db: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static int cmd_expiring(sqlite3 *db, int days)
{
	sqlite3_stmt *st;
	time_t now = time(NULL);
	int n = 0;
	if (prep(db,
		 "SELECT c.sha256, c.subject, c.not_after,"
		 " (SELECT count(DISTINCT cc.session_id) FROM chain_certs cc WHERE cc.cert_id = c.id),"
		 " (SELECT group_concat(ep, ' ') FROM (SELECT DISTINCT"
		 "   CASE cc.side WHEN 'client' THEN"
		 "     (CASE WHEN instr(s.client_ip, ':') THEN '[' || s.client_ip || ']' ELSE s.client_ip END) || ':' || s.client_port"
		 "   ELSE"
		 "     (CASE WHEN instr(s.server_ip, ':') THEN '[' || s.server_ip || ']' ELSE s.server_ip END) || ':' || s.server_port END AS ep"
		 "   FROM chain_certs cc JOIN sessions s ON s.id = cc.session_id"
		 "   WHERE cc.cert_id = c.id ORDER BY ep))"
		 " FROM certificates c"
		 " WHERE c.parse_ok = 1 AND c.not_after <= ?1"
		 " AND EXISTS (SELECT 1 FROM chain_certs cc WHERE cc.cert_id = c.id)"
		 " ORDER BY c.not_after, c.subject, c.sha256",
		 &st) != 0)
		return EXIT_USAGE;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now + (sqlite3_int64)days * SECS_PER_DAY);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char sha[80], subj[1024], eps[2048], tb[40];
		int64_t na = sqlite3_column_int64(st, 2);
		long d = days_between(now, (time_t)na);
		if (n++ == 0)
			printf("%-20s %6s  %-8s  %-64s  %s\n", "NOT AFTER", "DAYS", "STATE", "SHA-256",
			       "SUBJECT / SEEN AT");
		printf("%-20s %6ld  %-8s  %s  %s\n", fmt_time(na, tb, sizeof(tb)), d,
		       na < now ? "EXPIRED" : "expiring", col(st, 0, sha, sizeof(sha)),
		       col(st, 1, subj, sizeof(subj)));
		printf("%-20s %6s  %-8s  %-64s  seen at %s (%lld session%s)\n", "", "", "", "",
		       col(st, 4, eps, sizeof(eps)), (long long)sqlite3_column_int64(st, 3),
		       sqlite3_column_int64(st, 3) == 1 ? "" : "s");
	}
	sqlite3_finalize(st);
	if (n == 0)
		printf("no certificate expires within %d day%s (none expired)\n", days,
		       days == 1 ? "" : "s");
	return EXIT_CLEAN;
}

static int cmd_failing(sqlite3 *db)
{
	sqlite3_stmt *st;
	int n = 0;
	/* Per server endpoint: failed and total sessions, then the latest
	 * failed session's worst finding and headline. */
	if (prep(db,
		 "WITH f AS (SELECT s.*, row_number() OVER (PARTITION BY s.server_ip, s.server_port"
		 "   ORDER BY s.start_ns DESC, s.id DESC) AS rn,"
		 "   count(*) OVER (PARTITION BY s.server_ip, s.server_port) AS nfail"
		 "   FROM sessions s WHERE s.verdict = 'failed')"
		 " SELECT f.server_ip, f.server_port, f.nfail,"
		 "  (SELECT count(*) FROM sessions t WHERE t.server_ip = f.server_ip"
		 "   AND t.server_port = f.server_port),"
		 "  f.start_ns,"
		 "  (SELECT x.finding FROM findings x WHERE x.session_id = f.id"
		 "   ORDER BY x.sev_rank DESC, x.id LIMIT 1),"
		 "  (SELECT x.message FROM findings x WHERE x.session_id = f.id"
		 "   ORDER BY x.sev_rank DESC, x.id LIMIT 1),"
		 "  f.headline, c.path, f.num, f.service"
		 " FROM f JOIN captures c ON c.id = f.capture_id WHERE f.rn = 1"
		 " ORDER BY f.start_ns DESC, f.server_ip, f.server_port",
		 &st) != 0)
		return EXIT_USAGE;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char ip[80], tb[40], fid[80], msg[2048], head[2048], path[1024], svc[256];
		const char *ipt = col(st, 0, ip, sizeof(ip));
		int v6 = strchr(ipt, ':') != NULL;
		n++;
		printf("%s%s%s:%d  %lld failed of %lld session%s  last %s%s%s%s\n", v6 ? "[" : "", ipt,
		       v6 ? "]" : "", sqlite3_column_int(st, 1),
		       (long long)sqlite3_column_int64(st, 2), (long long)sqlite3_column_int64(st, 3),
		       sqlite3_column_int64(st, 3) == 1 ? "" : "s", fmt_ns(st, 4, tb, sizeof(tb)),
		       sqlite3_column_type(st, 10) != SQLITE_NULL ? "  (" : "",
		       sqlite3_column_type(st, 10) != SQLITE_NULL ? col(st, 10, svc, sizeof(svc)) : "",
		       sqlite3_column_type(st, 10) != SQLITE_NULL ? ")" : "");
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			printf("    latest finding: %s: %s\n", col(st, 5, fid, sizeof(fid)),
			       col(st, 6, msg, sizeof(msg)));
		else
			printf("    latest finding: (none)\n");
		if (sqlite3_column_type(st, 7) != SQLITE_NULL)
			printf("    %s\n", col(st, 7, head, sizeof(head)));
		printf("    in %s, session %lld\n", col(st, 8, path, sizeof(path)),
		       (long long)sqlite3_column_int64(st, 9));
	}
	sqlite3_finalize(st);
	if (n == 0)
		printf("no failed sessions stored\n");
	return EXIT_CLEAN;
}

/* "ab:CD:01..." -> "abcd01..." when the text is a fingerprint or a prefix
 * of one (4 to 64 hex digits, colons allowed); else NULL. */
static char *hex_prefix(const char *s)
{
	char out[65];
	size_t n = 0;
	for (const char *p = s; *p; p++) {
		if (*p == ':')
			continue;
		int c = (unsigned char)*p;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return NULL;
		if (n == 64)
			return NULL;
		out[n++] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
	}
	if (n < 4)
		return NULL;
	out[n] = '\0';
	return xstrdup(out);
}

/* LIKE pattern for a substring, with % _ and the escape escaped. */
static char *like_pattern(const char *s, int prefix_only)
{
	size_t n = strlen(s);
	char *p = xcalloc(n * 2 + 3, 1), *o = p;
	if (!prefix_only)
		*o++ = '%';
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

static int cmd_where(sqlite3 *db, const char *what)
{
	sqlite3_stmt *cs, *ws;
	char *hex = hex_prefix(what);
	int n = 0;
	int rc = EXIT_CLEAN;
	if (prep(db,
		 "SELECT id, sha256, subject, issuer, not_after, parse_ok FROM certificates c"
		 " WHERE (?1 IS NOT NULL AND sha256 LIKE ?1 ESCAPE '\\')"
		 "  OR (?2 IS NOT NULL AND subject LIKE ?2 ESCAPE '\\')"
		 " ORDER BY subject, sha256",
		 &cs) != 0) {
		free(hex);
		return EXIT_USAGE;
	}
	if (prep(db,
		 "SELECT p.path, s.num, cc.side, cc.idx, s.client_ip, s.client_port, s.server_ip,"
		 " s.server_port, s.start_ns, s.verdict, s.sni, cc.status"
		 " FROM chain_certs cc JOIN sessions s ON s.id = cc.session_id"
		 " JOIN captures p ON p.id = s.capture_id WHERE cc.cert_id = ?1"
		 " ORDER BY s.start_ns, p.path, s.num, cc.side, cc.idx",
		 &ws) != 0) {
		sqlite3_finalize(cs);
		free(hex);
		return EXIT_USAGE;
	}
	char *hexpat = hex ? like_pattern(hex, 1) : NULL;
	char *subjpat = like_pattern(what, 0);
	/* A fingerprint-looking text is tried as one first; subject text is
	 * searched when it matched nothing (e.g. "cafe" or "ACME"). */
	for (int pass = 0; pass < 2 && n == 0; pass++) {
		if (pass == 0 && !hexpat)
			continue;
		sqlite3_reset(cs);
		sqlite3_clear_bindings(cs);
		if (pass == 0)
			bind_text(cs, 1, hexpat);
		else
			bind_text(cs, 2, subjpat);
		while (sqlite3_step(cs) == SQLITE_ROW) {
			char sha[80], subj[1024], iss[1024], tb[40];
			n++;
			printf("%s%s\n", n > 1 ? "\n" : "", col(cs, 1, sha, sizeof(sha)));
			if (sqlite3_column_int(cs, 5)) {
				printf("  subject   %s\n", col(cs, 2, subj, sizeof(subj)));
				printf("  issuer    %s\n", col(cs, 3, iss, sizeof(iss)));
				printf("  not after %s\n",
				       fmt_time(sqlite3_column_int64(cs, 4), tb, sizeof(tb)));
			} else {
				printf("  (could not be decoded)\n");
			}
			sqlite3_reset(ws);
			sqlite3_bind_int64(ws, 1, sqlite3_column_int64(cs, 0));
			int m = 0;
			while (sqlite3_step(ws) == SQLITE_ROW) {
				char path[1024], side[16], cip[80], sip[80], verdict[32], sni[512],
					status[64];
				const char *sd = col(ws, 2, side, sizeof(side));
				int client = strcmp(sd, "client") == 0;
				const char *c4 = col(ws, 4, cip, sizeof(cip));
				const char *s4 = col(ws, 6, sip, sizeof(sip));
				int cp = sqlite3_column_int(ws, 5), sp = sqlite3_column_int(ws, 7);
				int c6 = strchr(c4, ':') != NULL, s6 = strchr(s4, ':') != NULL;
				char pres[128], peer[128];
				snprintf(pres, sizeof(pres), "%s%s%s:%d", (client ? c6 : s6) ? "[" : "",
					 client ? c4 : s4, (client ? c6 : s6) ? "]" : "",
					 client ? cp : sp);
				snprintf(peer, sizeof(peer), "%s%s%s:%d", (client ? s6 : c6) ? "[" : "",
					 client ? s4 : c4, (client ? s6 : c6) ? "]" : "",
					 client ? sp : cp);
				if (m++ == 0)
					printf("  seen:\n");
				printf("    %s  %s session %lld  %s chain #%d  presented by %s to %s  "
				       "%s%s%s%s%s\n",
				       fmt_ns(ws, 8, tb, sizeof(tb)), col(ws, 0, path, sizeof(path)),
				       (long long)sqlite3_column_int64(ws, 1), sd,
				       sqlite3_column_int(ws, 3), pres, peer,
				       col(ws, 9, verdict, sizeof(verdict)),
				       sqlite3_column_type(ws, 10) != SQLITE_NULL ? "  SNI " : "",
				       sqlite3_column_type(ws, 10) != SQLITE_NULL
					       ? col(ws, 10, sni, sizeof(sni))
					       : "",
				       sqlite3_column_type(ws, 11) != SQLITE_NULL ? "  " : "",
				       sqlite3_column_type(ws, 11) != SQLITE_NULL
					       ? col(ws, 11, status, sizeof(status))
					       : "");
			}
			if (m == 0)
				printf("  seen: nowhere any more\n");
		}
	}
	if (n == 0) {
		char wb[512];
		printf("no certificate matches '%s'\n", ui_sanitize_buf(what, wb, sizeof(wb)));
		rc = EXIT_FINDINGS;
	}
	sqlite3_finalize(cs);
	sqlite3_finalize(ws);
	free(hex);
	free(hexpat);
	free(subjpat);
	return rc;
}

static int64_t scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int cmd_stats(sqlite3 *db, const char *path)
{
	sqlite3_stmt *st;
	char pb[1024], tb[40], tb2[40];
	time_t now = time(NULL);
	int v = 0;
	user_version(db, &v);
	printf("database      %s (schema %d)\n", ui_sanitize_buf(path, pb, sizeof(pb)), v);
	printf("captures      %lld (ok %lld, partial %lld, bad %lld)\n",
	       (long long)scalar(db, "SELECT count(*) FROM captures"),
	       (long long)scalar(db, "SELECT count(*) FROM captures WHERE status = 'ok'"),
	       (long long)scalar(db, "SELECT count(*) FROM captures WHERE status = 'partial'"),
	       (long long)scalar(db, "SELECT count(*) FROM captures WHERE status = 'bad'"));
	printf("sessions      %lld (ok %lld, warning %lld, failed %lld, incomplete %lld)\n",
	       (long long)scalar(db, "SELECT count(*) FROM sessions"),
	       (long long)scalar(db, "SELECT count(*) FROM sessions WHERE verdict = 'ok'"),
	       (long long)scalar(db, "SELECT count(*) FROM sessions WHERE verdict = 'warning'"),
	       (long long)scalar(db, "SELECT count(*) FROM sessions WHERE verdict = 'failed'"),
	       (long long)scalar(db, "SELECT count(*) FROM sessions WHERE verdict = 'incomplete'"));
	if (prep(db,
		 "SELECT count(*), coalesce(sum(parse_ok = 1 AND not_after < ?1), 0),"
		 " coalesce(sum(parse_ok = 1 AND not_after >= ?1 AND not_after <= ?2), 0)"
		 " FROM certificates",
		 &st) != 0)
		return EXIT_USAGE;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now + 30 * SECS_PER_DAY);
	if (sqlite3_step(st) == SQLITE_ROW)
		printf("certificates  %lld unique (%lld expired, %lld expiring within 30 days)\n",
		       (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
		       (long long)sqlite3_column_int64(st, 2));
	sqlite3_finalize(st);
	printf("findings      %lld\n", (long long)scalar(db, "SELECT count(*) FROM findings"));
	if (prep(db, "SELECT finding, count(*) FROM findings GROUP BY finding ORDER BY finding",
		 &st) != 0)
		return EXIT_USAGE;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char id[128];
		printf("  %-28s %lld\n", col(st, 0, id, sizeof(id)),
		       (long long)sqlite3_column_int64(st, 1));
	}
	sqlite3_finalize(st);
	if (scalar(db, "SELECT count(*) FROM captures") > 0)
		printf("analysed      %s .. %s\n",
		       fmt_time(scalar(db, "SELECT min(analysed_at) FROM captures"), tb, sizeof(tb)),
		       fmt_time(scalar(db, "SELECT max(analysed_at) FROM captures"), tb2,
				sizeof(tb2)));
	return EXIT_CLEAN;
}

int db_command(const struct ui_opts *o)
{
	char err[1024] = "";
	const char *cmd;
	sqlite3 *db;
	int rc;

	if (!o->db_path)
		return db_usage("missing FILE");
	if (o->n_db_args < 1)
		return db_usage("missing COMMAND after %s", o->db_path);
	cmd = o->db_args[0];
	int days = 30;
	if (strcmp(cmd, "expiring") == 0) {
		if (o->n_db_args > 2)
			return db_usage("expiring: too many arguments (%s ...)", o->db_args[2]);
		if (o->n_db_args == 2) {
			char *end;
			errno = 0;
			long v = strtol(o->db_args[1], &end, 10);
			if (errno || end == o->db_args[1] || *end || v < 0 || v > 36500)
				return db_usage("expiring: DAYS must be a number of days 0-36500, "
						"not '%s'",
						o->db_args[1]);
			days = (int)v;
		}
	} else if (strcmp(cmd, "failing") == 0 || strcmp(cmd, "stats") == 0) {
		if (o->n_db_args > 1)
			return db_usage("too many arguments (%s ...)", o->db_args[1]);
	} else if (strcmp(cmd, "where") == 0) {
		if (o->n_db_args != 2 || !o->db_args[1][0])
			return db_usage("where: expected one SHA256, prefix or subject text");
	} else {
		return db_usage("unknown command '%s'", cmd);
	}

	db = db_open(o->db_path, 0, err, sizeof(err));
	if (!db) {
		char eb[1100];
		fprintf(stderr, "tlsdiag: db: %s\n", ui_sanitize_buf(err, eb, sizeof(eb)));
		return EXIT_USAGE;
	}
	if (strcmp(cmd, "expiring") == 0)
		rc = cmd_expiring(db, days);
	else if (strcmp(cmd, "failing") == 0)
		rc = cmd_failing(db);
	else if (strcmp(cmd, "where") == 0)
		rc = cmd_where(db, o->db_args[1]);
	else
		rc = cmd_stats(db, o->db_path);
	sqlite3_close(db);
	return rc;
}

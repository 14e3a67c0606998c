/*
 * schema.c - the inventory's one schema, for both databases (SQLite and
 * PostgreSQL: types are backend.h's {tokens}), and opening a database:
 * made when new, migrated when older, checked when it is ours, refused
 * when it is not. The version is SQLite's PRAGMA user_version, or the
 * one row of PostgreSQL's table tlsdiag_schema; MIGRATIONS[i] takes a
 * database from version i to i + 1, in the transaction that opens it.
 *
 * Schema (version 3; what came with versions 2 and 3 is marked so):
 *
 *   captures      id, path UNIQUE, size, mtime_ns, sha256, analysed_at,
 *                 status ('ok' | 'partial' | 'bad'), message, format,
 *                 compressed, packets, first_ts_ns, last_ts_ns, n_sessions,
 *                 fingerprint (3), sensor (3)
 *   sessions      id, capture_id -> captures, num (1-based in its file),
 *                 client_ip, client_port, server_ip, server_port, sni,
 *                 version, tls13, service, verdict, headline,
 *                 expected_name, start_ns, end_ns, first_frame, last_frame,
 *                 transport (2: 'tcp' | 'udp': TLS or DTLS),
 *                 established (2: 0/1), outcome (2: outcome_str)
 *   certificates  id, sha256 UNIQUE, sha1, subject, issuer, serial,
 *                 not_before, not_after, parse_ok, self_issued, is_ca,
 *                 key_type, key_bits, sig_alg, san_dns, der
 *   chain_certs   session_id -> sessions, side ('client' | 'server'), idx,
 *                 cert_id -> certificates, status (cert_status_str)
 *   findings      id, session_id -> sessions, finding, severity, sev_rank,
 *                 side, cert_idx, cert_id, basis, field, frame, message,
 *                 advice
 *   work (3)      path PRIMARY KEY, state ('claimed' | 'done'), claimed_by,
 *                 lease_until
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "capture/xalloc.h"
#include "ui/store/store_int.h"

/* Version 1: the inventory of captures, sessions, certificates, chains
 * and findings. */
static const char SCHEMA_V1[] =
	"CREATE TABLE captures (\n"
	"  id {pk},\n"
	"  path {text} NOT NULL UNIQUE,\n"
	"  size {int},\n"
	"  mtime_ns {int},\n"
	"  sha256 {text},\n"
	"  analysed_at {int} NOT NULL,\n"
	"  status {text} NOT NULL CHECK (status IN ('ok','partial','bad')),\n"
	"  message {text},\n"
	"  format {text},\n"
	"  compressed {int},\n"
	"  packets {int},\n"
	"  first_ts_ns {int},\n"
	"  last_ts_ns {int},\n"
	"  n_sessions {int} NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE TABLE sessions (\n"
	"  id {pk},\n"
	"  capture_id {int} NOT NULL REFERENCES captures(id) ON DELETE CASCADE,\n"
	"  num {int} NOT NULL,\n"
	"  client_ip {text}, client_port {int},\n"
	"  server_ip {text}, server_port {int},\n"
	"  sni {text},\n"
	"  version {text},\n"
	"  tls13 {int},\n"
	"  service {text},\n"
	"  verdict {text} NOT NULL,\n"
	"  headline {text},\n"
	"  expected_name {text},\n"
	"  start_ns {int}, end_ns {int},\n"
	"  first_frame {int}, last_frame {int}\n"
	");\n"
	"CREATE INDEX sessions_capture ON sessions(capture_id);\n"
	"CREATE INDEX sessions_server ON sessions(server_ip, server_port);\n"
	"CREATE TABLE certificates (\n"
	"  id {pk},\n"
	"  sha256 {text} NOT NULL UNIQUE,\n"
	"  sha1 {text},\n"
	"  subject {text}, issuer {text}, serial {text},\n"
	"  not_before {int}, not_after {int},\n"
	"  parse_ok {int} NOT NULL,\n"
	"  self_issued {int}, is_ca {int},\n"
	"  key_type {text}, key_bits {int}, sig_alg {text},\n"
	"  san_dns {text},\n"
	"  der {blob} NOT NULL\n"
	");\n"
	"CREATE INDEX certificates_not_after ON certificates(not_after);\n"
	"CREATE TABLE chain_certs (\n"
	"  session_id {int} NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,\n"
	"  side {text} NOT NULL CHECK (side IN ('client','server')),\n"
	"  idx {int} NOT NULL,\n"
	"  cert_id {int} NOT NULL REFERENCES certificates(id),\n"
	"  status {text},\n"
	"  PRIMARY KEY (session_id, side, idx)\n"
	");\n"
	"CREATE INDEX chain_certs_cert ON chain_certs(cert_id);\n"
	"CREATE TABLE findings (\n"
	"  id {pk},\n"
	"  session_id {int} NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,\n"
	"  finding {text} NOT NULL,\n"
	"  severity {text} NOT NULL,\n"
	"  sev_rank {int} NOT NULL,\n"
	"  side {text},\n"
	"  cert_idx {int},\n"
	"  cert_id {int} REFERENCES certificates(id),\n"
	"  basis {text},\n"
	"  field {text},\n"
	"  frame {int},\n"
	"  message {text},\n"
	"  advice {text}\n"
	");\n"
	"CREATE INDEX findings_session ON findings(session_id);\n"
	"CREATE INDEX findings_finding ON findings(finding);\n";

/* Version 2: the transport of a session (TLS over TCP, DTLS over UDP;
 * version 1 knew only TCP), and what happened apart from the verdict
 * (issue 9: established 0/1, outcome as outcome_str; NULL for the rows of
 * a version 1 file). */
static const char SCHEMA_V2[] =
	"ALTER TABLE sessions ADD COLUMN transport {text} NOT NULL DEFAULT 'tcp';\n"
	"ALTER TABLE sessions ADD COLUMN established {int};\n"
	"ALTER TABLE sessions ADD COLUMN outcome {text};\n";

/* Version 3: work shared by several processes (claim.c). A capture's row
 * says which judging options judged it (judging.c) and which sensor or
 * host stored it; `work` holds one claim per capture path: 'claimed' by
 * "host:pid" until lease_until (the database's clock, ms), or 'done'
 * (committed with the capture's rows). */
static const char SCHEMA_V3[] = "ALTER TABLE captures ADD COLUMN fingerprint {text};\n"
				"ALTER TABLE captures ADD COLUMN sensor {text};\n"
				"CREATE TABLE work (\n"
				"  path {text} PRIMARY KEY,\n"
				"  state {text} NOT NULL CHECK (state IN ('claimed','done')),\n"
				"  claimed_by {text},\n"
				"  lease_until {int}\n"
				");\n";

/* ------------------------------------------------------------ helpers */

/* SHA-256 of a file's bytes as stored on disk (compressed or not). */
int file_sha256(const char *path, char hex[65])
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
char *db_key_path(const char *path)
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
	for (char *save = NULL, *t = strtok_r(full, "/", &save); t;
	     t = strtok_r(NULL, "/", &save)) {
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

int64_t mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000LL + (int64_t)st->st_mtim.tv_nsec;
}

/* ------------------------------------------------------------ versions */

/* The migrations, in order: MIGRATIONS[i] takes version i to i + 1. SQL
 * in backend.h's spelling, rendered for the database's dialect. */
static const char *const MIGRATIONS[] = {
	SCHEMA_V1,
	SCHEMA_V2,
	SCHEMA_V3,
};
_Static_assert(sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0]) == DB_SCHEMA_VERSION,
	       "one migration per schema version");

int store_version(struct db *db)
{
	return (int)db_scalar(db, db->d->version_get, -1);
}

/* Inside the open transaction: check the version, make or migrate. */
static int check_schema(struct db *db, int create, char *err, size_t errlen)
{
	int v = store_version(db);
	if (v < 0) {
		snprintf(err, errlen, "%s: not a tlsdiag database (%s)", db->shown,
			 db->err[0] ? db->err : "no schema version");
		return -1;
	}
	if (v > DB_SCHEMA_VERSION) {
		snprintf(err, errlen,
			 "%s: written by a newer tlsdiag (schema %d; this one knows %d)", db->shown,
			 v, DB_SCHEMA_VERSION);
		return -1;
	}
	if (v == 0) {
		/* A new database, or one that is not ours. */
		if (db_scalar(db, db->d->count_tables, 1) > 0) {
			snprintf(err, errlen,
				 "%s: a%s %s database, but not one of tlsdiag's (refusing to "
				 "change it)",
				 db->shown, db->d->kind == DB_SQLITE ? "n" : "", db->d->name);
			return -1;
		}
		if (!create) {
			snprintf(err, errlen, "%s: empty database: nothing stored yet", db->shown);
			return -1;
		}
	}
	if (v < DB_SCHEMA_VERSION && !create) {
		snprintf(err, errlen,
			 "%s: schema %d is older than %d: run tlsdiag --db on it first", db->shown,
			 v, DB_SCHEMA_VERSION);
		return -1;
	}
	for (; v < DB_SCHEMA_VERSION; v++) {
		char *set = xasprintf("%s%d%s", db->d->version_set[0], v + 1,
				      db->d->version_set[1]);
		int rc = db_exec(db, MIGRATIONS[v]) != 0 || db_exec(db, set) != 0 ? -1 : 0;
		free(set);
		if (rc != 0) {
			snprintf(err, errlen, "%s", db->err);
			return -1;
		}
	}
	return 0;
}

/*
 * Connect, then check or make the schema in one transaction (a writer's
 * one that makes concurrent first runs wait for each other: SQLite's
 * BEGIN IMMEDIATE, PostgreSQL's advisory lock).
 */
struct db *store_open(const char *target, int create, char *err, size_t errlen)
{
	struct db *db = db_connect(target, create, err, errlen);
	if (!db)
		return NULL;
	/* SQLite's journal mode cannot change inside a transaction. */
	if (create && db->d->tune_write && db_exec(db, db->d->tune_write) != 0) {
		snprintf(err, errlen, "%s: not a tlsdiag database (%s)", db->shown, db->err);
		goto fail;
	}
	if (db_exec(db, create ? db->d->begin_write : "BEGIN") != 0) {
		snprintf(err, errlen, "%s", db->err);
		goto fail;
	}
	if ((db->d->lock_schema && db_exec(db, db->d->lock_schema) != 0) ||
	    (db->d->version_make && db_exec(db, db->d->version_make) != 0)) {
		snprintf(err, errlen, "%s", db->err);
		db_rollback(db);
		goto fail;
	}
	if (check_schema(db, create, err, errlen) != 0) {
		db_rollback(db);
		goto fail;
	}
	if (db_commit(db) != 0) {
		snprintf(err, errlen, "%s", db->err);
		goto fail;
	}
	if (db->d->tune && db_exec(db, db->d->tune) != 0) {
		snprintf(err, errlen, "%s", db->err);
		goto fail;
	}
	return db;
fail:
	db_close(db);
	return NULL;
}

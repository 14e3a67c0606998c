/*
 * schema.c - the SQLite inventory's one schema, and opening a database:
 * made when new, checked when it is ours, refused when it is not.
 *
 * WAL mode with synchronous=NORMAL keeps committed transactions across
 * a crash of the process (writer.c writes each capture in one).
 *
 * Schema (PRAGMA user_version = 2; an older database is brought up to
 * date when opened, MIGRATIONS below):
 *
 *   captures      id, path UNIQUE, size, mtime_ns, sha256, analysed_at,
 *                 status ('ok' | 'partial' | 'bad'), message, format,
 *                 compressed, packets, first_ts_ns, last_ts_ns, n_sessions
 *   sessions      id, capture_id -> captures, num (1-based in its file),
 *                 client_ip, client_port, server_ip, server_port, sni,
 *                 version, tls13, service, verdict, headline,
 *                 expected_name, start_ns, end_ns, first_frame, last_frame,
 *                 transport ('tcp' | 'udp': TLS or DTLS),
 *                 established (0/1), outcome (outcome_str)
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "capture/xalloc.h"
#include "ui/store/store_int.h"

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
	"  first_frame INTEGER, last_frame INTEGER,\n"
	"  transport TEXT NOT NULL DEFAULT 'tcp',\n"
	"  established INTEGER, outcome TEXT\n"
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

/* From version i + 1 to i + 2 (the SCHEMA above is the latest whole). */
static const char *const MIGRATIONS[] = {
	/* 1 -> 2: TLS or DTLS (every version-1 session was TLS over TCP), and
	 * what happened apart from the verdict (issue 9) */
	"ALTER TABLE sessions ADD COLUMN transport TEXT NOT NULL DEFAULT 'tcp';\n"
	"ALTER TABLE sessions ADD COLUMN established INTEGER;\n"
	"ALTER TABLE sessions ADD COLUMN outcome TEXT;\n",
};

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

int exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen)
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

int user_version(sqlite3 *db, int *v)
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

void bind_text(sqlite3_stmt *st, int i, const char *s)
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
sqlite3 *db_open(const char *path, int create, char *err, size_t errlen)
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
	} else {
		if (create && exec_sql(db, "PRAGMA journal_mode = WAL", err, errlen) != 0)
			goto fail;
		if (v < DB_SCHEMA_VERSION) {
			/* Written by an older tlsdiag: bring it up to date, in one
			 * transaction (its rows stay; what they lack is NULL). */
			char sql[64];
			if (exec_sql(db, "BEGIN IMMEDIATE", err, errlen) != 0)
				goto fail;
			for (int k = v; k < DB_SCHEMA_VERSION; k++)
				if (exec_sql(db, MIGRATIONS[k - 1], err, errlen) != 0) {
					exec_sql(db, "ROLLBACK", NULL, 0);
					goto fail;
				}
			snprintf(sql, sizeof(sql), "PRAGMA user_version = %d;\n",
				 DB_SCHEMA_VERSION);
			if (exec_sql(db, sql, err, errlen) != 0 ||
			    exec_sql(db, "COMMIT", err, errlen) != 0) {
				exec_sql(db, "ROLLBACK", NULL, 0);
				goto fail;
			}
		}
	}
	if (exec_sql(db, "PRAGMA synchronous = NORMAL", err, errlen) != 0)
		goto fail;
	return db;
fail:
	sqlite3_close(db);
	return NULL;
}

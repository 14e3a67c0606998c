/*
 * backend_sqlite.c - the inventory in one SQLite file (ui/store/backend.h).
 *
 * WAL mode with synchronous=NORMAL (set once the file is known to be
 * ours, schema.c) keeps committed transactions across a crash of the
 * process; several processes may write one file, each waiting up to 10 s
 * for another's transaction (then the failure is transient: retry).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "ui/store/backend.h"

static const char *const TOKENS[][2] = {
	{ "{pk}", "INTEGER PRIMARY KEY" },
	{ "{int}", "INTEGER" },
	{ "{text}", "TEXT" },
	{ "{blob}", "BLOB" },
	/* julianday is fractional days since noon UTC, 4714 BC. */
	{ "{now_ms}", "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)" },
	/* One writer at a time: no row locks to take. */
	{ "{key_share}", "" },
	{ "{skip_locked}", "" },
	/* LIKE is already case-insensitive (for ASCII). */
	{ "{ilike}", "LIKE" },
	{ NULL, NULL },
};

static const struct dialect SQLITE_DIALECT = {
	.kind = DB_SQLITE,
	.name = "SQLite",
	.tokens = TOKENS,
	.begin_write = "BEGIN IMMEDIATE",
	.lock_schema = NULL,
	.version_get = "PRAGMA user_version",
	.version_set = { "PRAGMA user_version = ", "" },
	.version_make = NULL,
	.count_tables = "SELECT count(*) FROM sqlite_master",
	.tune = "PRAGMA synchronous = NORMAL",
	.tune_write = "PRAGMA journal_mode = WAL",
};

static sqlite3 *H(const struct db *db)
{
	return db->conn;
}

static enum db_fail classify(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return DBF_TRANSIENT;
	default: return DBF_PERMANENT;
	}
}

static void set_err(struct db *db, int rc)
{
	db_set_err(db, classify(rc), "%s: %s", db->shown, sqlite3_errmsg(H(db)));
}

static int s_open(struct db *db, int create)
{
	sqlite3 *h = NULL;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	if (!create) {
		struct stat st;
		if (stat(db->target, &st) != 0) {
			db_set_err(db, DBF_PERMANENT, "%s: %s", db->shown, strerror(errno));
			return -1;
		}
	}
	if (sqlite3_open_v2(db->target, &h, flags, NULL) != SQLITE_OK) {
		db_set_err(db, DBF_PERMANENT, "%s: %s", db->shown,
			   h ? sqlite3_errmsg(h) : "cannot open");
		sqlite3_close(h);
		return -1;
	}
	db->conn = h;
	sqlite3_busy_timeout(h, 10000);
	char *msg = NULL;
	if (sqlite3_exec(h, "PRAGMA foreign_keys = ON", NULL, NULL, &msg) != SQLITE_OK) {
		db_set_err(db, DBF_PERMANENT, "%s: %s", db->shown, msg ? msg : "cannot open");
		sqlite3_free(msg);
		sqlite3_close(h);
		db->conn = NULL;
		return -1;
	}
	return 0;
}

static void s_close(struct db *db)
{
	sqlite3_close_v2(H(db));
	db->conn = NULL;
}

static int s_exec(struct db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(H(db), sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		db_set_err(db, classify(rc), "%s: %s", db->shown,
			   msg ? msg : sqlite3_errmsg(H(db)));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int s_prepare(struct db_stmt *st)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(H(st->db), st->sql, -1, &s, NULL);
	if (rc != SQLITE_OK) {
		set_err(st->db, rc);
		return -1;
	}
	st->impl = s;
	return 0;
}

static int s_step(struct db_stmt *st, int first)
{
	sqlite3_stmt *s = st->impl;
	if (first) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		for (int i = 0; i < st->n_v; i++) {
			const struct db_value *v = &st->v[i];
			switch (v->type) {
			case DBV_NULL: break;
			case DBV_INT: sqlite3_bind_int64(s, i + 1, v->i); break;
			case DBV_TEXT:
				sqlite3_bind_text(s, i + 1, v->p, (int)v->n, SQLITE_TRANSIENT);
				break;
			case DBV_BLOB:
				sqlite3_bind_blob(s, i + 1, v->p, (int)v->n, SQLITE_TRANSIENT);
				break;
			}
		}
	}
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE) {
		st->changes = sqlite3_changes(H(st->db));
		return DB_DONE;
	}
	set_err(st->db, rc);
	return DB_ERROR;
}

static int s_col_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(st->impl, i) == SQLITE_NULL;
}

static const char *s_col_text(struct db_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st->impl, i);
}

static int64_t s_col_int64(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(st->impl, i);
}

static const void *s_col_blob(struct db_stmt *st, int i, size_t *n)
{
	const void *p = sqlite3_column_blob(st->impl, i);
	*n = (size_t)sqlite3_column_bytes(st->impl, i);
	return p;
}

static void s_reset(struct db_stmt *st)
{
	sqlite3_reset(st->impl);
}

static void s_drop(struct db_stmt *st)
{
	sqlite3_finalize(st->impl);
	st->impl = NULL;
}

const struct db_backend db_backend_sqlite = {
	.dialect = &SQLITE_DIALECT,
	.open = s_open,
	.close = s_close,
	.exec = s_exec,
	.prepare = s_prepare,
	.step = s_step,
	.col_null = s_col_null,
	.col_text = s_col_text,
	.col_int64 = s_col_int64,
	.col_blob = s_col_blob,
	.reset = s_reset,
	.drop = s_drop,
};

/*
 * backend.c - what both database backends share (ui/store/backend.h):
 * rendering SQL for a dialect, keeping bound values, lazy (re)preparation,
 * and the small helpers every caller wants (transactions, one-value
 * queries). Choosing a backend and connecting is connect.c's.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "ui/store/backend.h"

void db_set_err(struct db *db, enum db_fail fail, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(db->err, sizeof(db->err), fmt, ap);
	va_end(ap);
	db->fail = fail;
}

/* ------------------------------------------------------------ SQL */

/* The highest ?N of rendered-or-not SQL (both dialects number them). */
static int max_param(const char *sql)
{
	int n = 0;
	for (const char *p = sql; *p; p++) {
		if ((*p == '?' || *p == '$') && isdigit((unsigned char)p[1])) {
			int k = atoi(p + 1);
			if (k > n)
				n = k;
		}
	}
	return n;
}

char *db_render(const struct dialect *d, const char *sql)
{
	struct dbuf b;
	dbuf_init(&b, DBUF_TEXT_MAX);
	for (const char *p = sql; *p;) {
		if (*p == '{') {
			const char *const(*t)[2] = d->tokens;
			size_t len = 0;
			for (; (*t)[0]; t++) {
				len = strlen((*t)[0]);
				if (strncmp(p, (*t)[0], len) == 0)
					break;
			}
			if ((*t)[0]) {
				dbuf_addstr(&b, (*t)[1]);
				p += len;
				continue;
			}
		}
		if (*p == '?' && isdigit((unsigned char)p[1]) && d->kind == DB_PG) {
			dbuf_addstr(&b, "$");
			p++;
			continue;
		}
		dbuf_add(&b, p++, 1);
	}
	return dbuf_take(&b);
}

/* ------------------------------------------------------------ connections */

static void drop_impls(struct db *db)
{
	for (struct db_stmt *st = db->stmts; st; st = st->next) {
		if (st->impl)
			db->be->drop(st);
		st->impl = NULL;
		st->gen = 0;
		st->running = 0;
	}
}

int db_reconnect(struct db *db)
{
	drop_impls(db);
	if (db->conn)
		db->be->close(db);
	db->conn = NULL;
	db->gen++;
	return db->be->open(db, 0);
}

void db_close(struct db *db)
{
	if (!db)
		return;
	drop_impls(db);
	while (db->stmts) {
		struct db_stmt *st = db->stmts;
		db->stmts = st->next;
		st->db = NULL;
		db_finalize(st);
	}
	if (db->conn)
		db->be->close(db);
	free(db->target);
	free(db->shown);
	free(db);
}

int db_exec(struct db *db, const char *sql)
{
	char *r = db_render(db->d, sql);
	db->fail = DBF_NONE;
	int rc = db->be->exec(db, r);
	free(r);
	return rc;
}

int db_begin(struct db *db)
{
	return db_exec(db, db->d->begin_write);
}

int db_commit(struct db *db)
{
	return db_exec(db, "COMMIT");
}

void db_rollback(struct db *db)
{
	char keep[sizeof(db->err)];
	enum db_fail f = db->fail;
	/* The error that made us roll back is the one to report. */
	memcpy(keep, db->err, sizeof(keep));
	if (db->conn)
		(void)db->be->exec(db, "ROLLBACK");
	memcpy(db->err, keep, sizeof(keep));
	db->fail = f;
}

/* ------------------------------------------------------------ statements */

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	struct db_stmt *st = xcalloc(1, sizeof(*st));
	st->db = db;
	st->sql = db_render(db->d, sql);
	st->n_v = max_param(sql);
	st->v = xcalloc((size_t)st->n_v + 1, sizeof(*st->v));
	st->next = db->stmts;
	db->stmts = st;
	return st;
}

static void value_clear(struct db_value *v)
{
	free(v->p);
	memset(v, 0, sizeof(*v));
}

static struct db_value *slot(struct db_stmt *st, int i)
{
	if (st->running) {
		if (st->impl)
			st->db->be->reset(st);
		st->running = 0;
	}
	if (i < 1 || i > st->n_v)
		return NULL;
	value_clear(&st->v[i - 1]);
	return &st->v[i - 1];
}

void db_bind_null(struct db_stmt *st, int i)
{
	(void)slot(st, i);
}

void db_bind_int64(struct db_stmt *st, int i, int64_t x)
{
	struct db_value *v = slot(st, i);
	if (!v)
		return;
	v->type = DBV_INT;
	v->i = x;
}

void db_bind_text(struct db_stmt *st, int i, const char *s)
{
	struct db_value *v = slot(st, i);
	if (!v || !s)
		return;
	v->type = DBV_TEXT;
	v->p = xstrdup(s);
	v->n = strlen(s);
}

void db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	struct db_value *v = slot(st, i);
	if (!v)
		return;
	v->type = DBV_BLOB;
	v->p = xcalloc(n + 1, 1);
	if (n)
		memcpy(v->p, p, n);
	v->n = n;
}

int db_step(struct db_stmt *st)
{
	struct db *db = st->db;
	int first = !st->running;
	db->fail = DBF_NONE;
	if (first) {
		if (!db->conn) {
			db_set_err(db, DBF_LOST, "not connected");
			return DB_ERROR;
		}
		if (st->gen != db->gen || !st->impl) {
			if (st->impl)
				db->be->drop(st);
			st->impl = NULL;
			if (db->be->prepare(st) != 0)
				return DB_ERROR;
			st->gen = db->gen;
		}
		st->running = 1;
		st->changes = 0;
	}
	int rc = db->be->step(st, first);
	if (rc == DB_ERROR) {
		db->be->reset(st);
		st->running = 0;
	}
	return rc;
}

int db_col_null(struct db_stmt *st, int i)
{
	return st->db->be->col_null(st, i);
}

int64_t db_col_int64(struct db_stmt *st, int i)
{
	return st->db->be->col_int64(st, i);
}

const char *db_col_text(struct db_stmt *st, int i)
{
	return st->db->be->col_text(st, i);
}

const void *db_col_blob(struct db_stmt *st, int i, size_t *n)
{
	return st->db->be->col_blob(st, i, n);
}

int64_t db_changes(struct db_stmt *st)
{
	return st->changes;
}

void db_reset(struct db_stmt *st)
{
	if (st->running && st->impl)
		st->db->be->reset(st);
	st->running = 0;
	for (int i = 0; i < st->n_v; i++)
		value_clear(&st->v[i]);
}

void db_finalize(struct db_stmt *st)
{
	if (!st)
		return;
	struct db *db = st->db;
	if (db) {
		if (st->impl) {
			if (st->running)
				db->be->reset(st);
			db->be->drop(st);
		}
		for (struct db_stmt **pp = &db->stmts; *pp; pp = &(*pp)->next) {
			if (*pp == st) {
				*pp = st->next;
				break;
			}
		}
	}
	for (int i = 0; i < st->n_v; i++)
		value_clear(&st->v[i]);
	free(st->v);
	free(st->sql);
	free(st);
}

int64_t db_scalar(struct db *db, const char *sql, int64_t fallback)
{
	struct db_stmt *st = db_prepare(db, sql);
	int64_t v = fallback;
	if (db_step(st) == DB_ROW && !db_col_null(st, 0))
		v = db_col_int64(st, 0);
	db_finalize(st);
	return v;
}

/*
 * backend.h - the one interface the inventory's SQL goes through, so that
 * the schema (schema.c), the writer (writer.c), the claims (claim.c) and
 * the queries (queries.c, report.c) are written once for both databases:
 * SQLite (backend_sqlite.c) and PostgreSQL through libpq (backend_pg.c).
 *
 *   db_connect -> ( db_prepare -> (db_bind_* ... db_step ... db_col_*)* )*
 *              -> db_begin / db_commit / db_rollback -> db_close
 *
 * SQL is written once, in SQLite's spelling of placeholders (?1, ?2 ...)
 * and with {tokens} the dialect fills in: types ({pk} {int} {text} {blob}),
 * the database's clock in milliseconds ({now_ms}) and row locks that only
 * PostgreSQL needs ({key_share}, {skip_locked}). db_render() does it, and
 * db_prepare/db_exec call it, so callers never write a dialect's SQL.
 *
 * Bound values are kept by the statement (copies), and a statement is
 * prepared on the connection lazily, at its first step after a
 * (re)connection: db_reconnect() keeps every statement usable.
 *
 * Every failure leaves a message in db->err and says in db->fail whether
 * retrying can help: after DBF_TRANSIENT roll back and run the
 * transaction again; after DBF_LOST reconnect first.
 */
#ifndef TLSDIAG_STORE_BACKEND_H
#define TLSDIAG_STORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

enum db_kind { DB_SQLITE = 0, DB_PG };

enum db_fail {
	DBF_NONE = 0,
	DBF_PERMANENT, /* the statement cannot work here: do not retry */
	DBF_TRANSIENT, /* busy, deadlock, serialization failure: retry */
	DBF_LOST,      /* the connection is gone: reconnect, then retry */
};

/* What differs between the two SQL dialects, by token name. */
struct dialect {
	enum db_kind kind;
	const char *name;		/* "SQLite", "PostgreSQL" */
	const char *const (*tokens)[2]; /* { "{name}", "text" } pairs, NULL-ended */
	const char *begin_write;	/* opens a transaction that will write */
	const char *lock_schema;	/* taken before reading or changing the
					   schema's version (NULL: begin_write does) */
	const char *version_get;	/* one row, one column: the schema version */
	const char *version_set[2];	/* SQL before and after the number */
	const char *version_make;	/* what version_get needs (NULL: nothing) */
	const char *count_tables;	/* tables present, when version is 0 */
	const char *tune;		/* run once the database is known to be ours */
	const char *tune_write;		/* ... and when this connection will write */
};

struct db_backend;
struct db_stmt;

struct db {
	const struct db_backend *be;
	const struct dialect *d;
	char *target; /* as given: may hold a password, never printed */
	char *shown;  /* the target for messages, password removed */
	unsigned gen; /* bumped by each (re)connection */
	char err[1024];
	enum db_fail fail;
	struct db_stmt *stmts; /* every statement of this db (re-prepared lazily) */
	void *conn;	       /* the backend's connection */
};

enum { DB_ERROR = -1, DB_DONE = 0, DB_ROW = 1 };

/* Is `target` a PostgreSQL connection (a postgresql:// or postgres://
 * URI, or key=value conninfo that libpq parses) rather than a file? */
int db_target_is_pg(const char *target);

/*
 * Connect. `create`: an SQLite file may be made (PostgreSQL databases are
 * made by their administrator). NULL with the backend's message in err
 * (libpq's, for an unreachable server).
 */
struct db *db_connect(const char *target, int create, char *err, size_t errlen);
/* Drop the connection (if any) and make it again; statements stay usable.
 * 0, or -1 with db->err set. */
int db_reconnect(struct db *db);
/* Frees every statement still open too. Accepts NULL. */
void db_close(struct db *db);

/* The SQL for this dialect: a new string. */
char *db_render(const struct dialect *d, const char *sql);

/* Run SQL without parameters or results (several statements allowed).
 * 0 or -1. */
int db_exec(struct db *db, const char *sql);
int db_begin(struct db *db); /* a transaction that will write */
int db_commit(struct db *db);
/* Roll back, ignoring errors (the connection may be gone). */
void db_rollback(struct db *db);

/* A statement: never NULL (SQL errors show at the first step). */
struct db_stmt *db_prepare(struct db *db, const char *sql);
/* Values for ?i (1-based); text and blobs are copied. Binding clears the
 * previous result. */
void db_bind_null(struct db_stmt *st, int i);
void db_bind_int64(struct db_stmt *st, int i, int64_t v);
void db_bind_text(struct db_stmt *st, int i, const char *s); /* NULL: null */
void db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n);
/* The first call runs the statement; DB_ROW while there are rows, then
 * DB_DONE; DB_ERROR with db->err and db->fail set. */
int db_step(struct db_stmt *st);
/* Columns of the current row (0-based). */
int db_col_null(struct db_stmt *st, int i);
int64_t db_col_int64(struct db_stmt *st, int i);
const char *db_col_text(struct db_stmt *st, int i); /* NULL when null */
const void *db_col_blob(struct db_stmt *st, int i, size_t *n);
/* Rows the last data-changing statement changed. */
int64_t db_changes(struct db_stmt *st);
/* Forget the result and the values (the statement can run again). */
void db_reset(struct db_stmt *st);
void db_finalize(struct db_stmt *st);

/* One value of a one-row query (e.g. count(*)); `fallback` when it fails. */
int64_t db_scalar(struct db *db, const char *sql, int64_t fallback);

/* ------------------------------------------------------------ backends */

/* A bound value (backend.c keeps them; backends read them). */
enum db_vtype { DBV_NULL = 0, DBV_INT, DBV_TEXT, DBV_BLOB };
struct db_value {
	enum db_vtype type;
	int64_t i;
	char *p; /* TEXT: NUL-terminated; BLOB: n bytes */
	size_t n;
};

struct db_stmt {
	struct db *db;
	struct db_stmt *next; /* in db->stmts */
	char *sql;	      /* rendered */
	struct db_value *v;   /* ?1 .. ?n_v */
	int n_v;
	unsigned gen; /* the connection it was prepared on (0: not yet) */
	int running;  /* executed: rows are being read */
	int64_t changes;
	void *impl; /* the backend's statement */
};

struct db_backend {
	const struct dialect *dialect;
	/* Connect db->target into db->conn; 0 or -1 (db->err). */
	int (*open)(struct db *db, int create);
	void (*close)(struct db *db);
	int (*exec)(struct db *db, const char *sql);
	/* Make st->impl for the current connection; 0 or -1. */
	int (*prepare)(struct db_stmt *st);
	/* Run with st->v (first) or move to the next row. */
	int (*step)(struct db_stmt *st, int first);
	int (*col_null)(struct db_stmt *st, int i);
	const char *(*col_text)(struct db_stmt *st, int i);
	int64_t (*col_int64)(struct db_stmt *st, int i);
	const void *(*col_blob)(struct db_stmt *st, int i, size_t *n);
	/* End the run (keep the prepared statement). */
	void (*reset)(struct db_stmt *st);
	/* Free st->impl (the connection may already be gone). */
	void (*drop)(struct db_stmt *st);
};

extern const struct db_backend db_backend_sqlite;
extern const struct db_backend db_backend_pg;

/* printf into db->err, with db->fail. */
void db_set_err(struct db *db, enum db_fail fail, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

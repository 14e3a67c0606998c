/*
 * store_int.h - what the files of ui/store share (not for outside):
 * opening a database with the one schema (schema.c) and small helpers.
 */
#ifndef TLSDIAG_STORE_INT_H
#define TLSDIAG_STORE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "ui/store/backend.h"
#include "ui/store/store.h"

#define DB_SCHEMA_VERSION 3

/* Connect to a database (an SQLite file or a PostgreSQL conninfo) and
 * check or make the schema (creating an SQLite file only when `create`).
 * NULL with a message in err. */
struct db *store_open(const char *target, int create, char *err, size_t errlen);
/* The schema version stored in the database (-1: unknown). */
int store_version(struct db *db);
/* SHA-256 of a file's bytes as stored on disk, as 64 hex digits; 0 or -1. */
int file_sha256(const char *path, char hex[65]);
/* The key of a capture: its absolute path, "." and ".." resolved by the
 * text alone (links are not followed). A new string. */
char *db_key_path(const char *path);
/* `tlsdiag db ... report [--html FILE]` (report.c): the exit status. */
struct ui_opts;
int db_report(struct db *db, const struct ui_opts *o, const char *html);
/* Strings a run summary points at (finding ids) live as long as it. */
struct str_pool {
	char **v;
	size_t n;
};
void str_pool_free(struct str_pool *p);
/* A stored capture (by key) added to a run's summary, as if analysed:
 * 1, 0 when it is not stored, -1 on error; *errors set when it has an
 * error finding. */
struct run_summary;
int db_summary_add_capture(struct db *db, const char *key, struct run_summary *sum,
			   struct str_pool *pool, int *errors);
/* The judging options' fingerprint (judging.c): 64 hex digits, a new
 * string. */
struct analysis_config;
char *judging_fingerprint(const struct analysis_config *c);
/* A file's mtime in nanoseconds. */
int64_t mtime_ns(const struct stat *st);

#endif

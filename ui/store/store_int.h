/*
 * store_int.h - what the files of ui/store share (not for outside):
 * opening a database with the one schema (schema.c) and small SQLite
 * helpers.
 */
#ifndef TLSDIAG_STORE_INT_H
#define TLSDIAG_STORE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "ui/store/store.h"

#define DB_SCHEMA_VERSION 2

/* Open (creating when `create`) and check or make the schema. Returns
 * NULL with a message in err. */
sqlite3 *db_open(const char *path, int create, char *err, size_t errlen);
/* Run SQL without results; 0, or -1 with the message in err (may be NULL). */
int exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen);
/* PRAGMA user_version; 0 or -1. */
int user_version(sqlite3 *db, int *v);
/* Bind a string, or NULL. */
void bind_text(sqlite3_stmt *st, int i, const char *s);
/* SHA-256 of a file's bytes as stored on disk, as 64 hex digits; 0 or -1. */
int file_sha256(const char *path, char hex[65]);
/* The key of a capture: its absolute path, "." and ".." resolved by the
 * text alone (links are not followed). A new string. */
char *db_key_path(const char *path);
/* A file's mtime in nanoseconds. */
int64_t mtime_ns(const struct stat *st);

#endif

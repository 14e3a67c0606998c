/*
 * connect.c - choosing the backend by the target's form (a PostgreSQL
 * connection string, else an SQLite file) and connecting
 * (ui/store/backend.h): above backend.c and both backends, so that none
 * of them needs another.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "ui/store/backend.h"

static const struct db_backend *backend_for(const char *target)
{
	return db_target_is_pg(target) ? &db_backend_pg : &db_backend_sqlite;
}

/* A URI's or conninfo's text without its password (PostgreSQL); a file
 * name as it is. */
static char *shown_target(const char *t)
{
	struct dbuf b;
	const char *p = t;
	if (!db_target_is_pg(t))
		return xstrdup(t);
	dbuf_init(&b, DBUF_TEXT_MAX);
	const char *scheme = strstr(t, "://");
	if (scheme) {
		/* scheme://[user[:password]@]host...[?k=v&password=...] */
		const char *auth = scheme + 3;
		const char *end = auth + strcspn(auth, "/?");
		const char *at = NULL;
		for (const char *q = auth; q < end; q++)
			if (*q == '@')
				at = q;
		const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		dbuf_addf(&b, "%.*s", (int)((colon ? colon : end) - t), t);
		if (colon)
			dbuf_addf(&b, "%.*s", (int)(end - at), at);
		p = end;
		while (*p) {
			/* Query parameters: drop password=... */
			size_t n = strcspn(p + 1, "&");
			if ((*p == '?' || *p == '&') && strncmp(p + 1, "password=", 9) == 0) {
				if (*p == '?' && p[1 + n] == '&') {
					dbuf_addf(&b, "?");
					p += 2 + n;
				} else {
					p += 1 + n;
				}
				continue;
			}
			dbuf_addf(&b, "%.*s", (int)(1 + n), p);
			p += 1 + n;
		}
	} else {
		/* key = value ..., values maybe '...' with \' escapes. */
		while (*p) {
			const char *start = p;
			while (isspace((unsigned char)*p))
				p++;
			const char *key = p;
			while (*p && *p != '=' && !isspace((unsigned char)*p))
				p++;
			size_t klen = (size_t)(p - key);
			while (isspace((unsigned char)*p) || *p == '=')
				p++;
			if (*p == '\'') {
				for (p++; *p && *p != '\''; p++)
					if (*p == '\\' && p[1])
						p++;
				if (*p)
					p++;
			} else {
				while (*p && !isspace((unsigned char)*p))
					p++;
			}
			if (!(klen == 8 && strncmp(key, "password", 8) == 0))
				dbuf_addf(&b, "%.*s", (int)(p - start), start);
			if (p == start)
				break;
		}
	}
	return dbuf_take(&b);
}

struct db *db_connect(const char *target, int create, char *err, size_t errlen)
{
	struct db *db = xcalloc(1, sizeof(*db));
	db->be = backend_for(target);
	db->d = db->be->dialect;
	db->target = xstrdup(target);
	db->shown = shown_target(target);
	db->gen = 1;
	if (db->be->open(db, create) != 0) {
		snprintf(err, errlen, "%s", db->err);
		db_close(db);
		return NULL;
	}
	return db;
}

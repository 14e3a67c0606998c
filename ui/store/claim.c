/*
 * claim.c - captures shared by several tlsdiag processes through the
 * inventory alone (issue 16 item 2): before analysing a capture, a
 * process claims it in the table `work` (schema.c, version 2).
 *
 * A claim is a row (path, 'claimed', "host:pid", lease_until). Taking
 * one is a short transaction of its own: insert the row if there is none
 * (ON CONFLICT DO NOTHING: of two processes inserting at once, one wins);
 * else read it FOR UPDATE SKIP LOCKED (PostgreSQL: a row another process
 * is claiming right now is simply passed over) and take it over only if
 * it is 'done' (the writer has already found the capture changed or
 * judged otherwise), ours, past its lease, or held by a process of this
 * host that no longer exists (so a worker killed and restarted takes its
 * own work back at once; on other hosts, the lease decides). The lease is
 * on the database's clock (one clock for all hosts) and renewed while
 * the process works (claim_renew). The writer marks the claim 'done' in
 * the capture's own transaction (claim_done), so a capture is stored and
 * released at once, or neither.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/xalloc.h"
#include "ui/store/claim.h"

enum { C_INSERT, C_READ, C_TAKE, C_DONE, C_RENEW, C_RELEASE, C_COUNT };

static const char *const SQL[C_COUNT] = {
	[C_INSERT] = "INSERT INTO work (path, state, claimed_by, lease_until) "
		     "VALUES (?1, 'claimed', ?2, {now_ms} + ?3) ON CONFLICT (path) DO NOTHING",
	[C_READ] = "SELECT state, claimed_by, lease_until, {now_ms} FROM work WHERE path = ?1 "
		   "{skip_locked}",
	[C_TAKE] = "UPDATE work SET state = 'claimed', claimed_by = ?2, lease_until = {now_ms} + ?3 "
		   "WHERE path = ?1",
	[C_DONE] = "UPDATE work SET state = 'done', claimed_by = NULL, lease_until = NULL "
		   "WHERE path = ?1 AND claimed_by = ?2",
	[C_RENEW] = "UPDATE work SET lease_until = {now_ms} + ?2 "
		    "WHERE claimed_by = ?1 AND state = 'claimed'",
	[C_RELEASE] = "DELETE FROM work WHERE path = ?1 AND claimed_by = ?2 AND state = 'claimed'",
};

struct claimer {
	struct db *db;
	char host[256];
	char *me; /* "host:pid" */
	int64_t lease_ms;
	time_t renewed;
	struct db_stmt *q[C_COUNT];
};

struct claimer *claimer_new(struct db *db)
{
	struct claimer *c = xcalloc(1, sizeof(*c));
	const char *h = getenv("TLSDIAG_HOST");
	const char *l = getenv("TLSDIAG_LEASE");
	c->db = db;
	if (h && *h)
		snprintf(c->host, sizeof(c->host), "%s", h);
	else if (gethostname(c->host, sizeof(c->host) - 1) != 0)
		snprintf(c->host, sizeof(c->host), "localhost");
	c->me = xasprintf("%s:%ld", c->host, (long)getpid());
	c->lease_ms = (l && atol(l) > 0 ? atol(l) : CLAIM_LEASE_S) * 1000LL;
	c->renewed = time(NULL);
	for (int i = 0; i < C_COUNT; i++)
		c->q[i] = db_prepare(db, SQL[i]);
	return c;
}

void claimer_free(struct claimer *c)
{
	if (!c)
		return;
	for (int i = 0; i < C_COUNT; i++)
		db_finalize(c->q[i]);
	free(c->me);
	free(c);
}

const char *claimer_host(const struct claimer *c)
{
	return c->host;
}

/* Is "host:pid" a process of this host that has ended? */
static int holder_gone(const struct claimer *c, const char *by)
{
	const char *colon = by ? strrchr(by, ':') : NULL;
	if (!colon || (size_t)(colon - by) != strlen(c->host) ||
	    strncmp(by, c->host, (size_t)(colon - by)) != 0)
		return 0;
	long pid = strtol(colon + 1, NULL, 10);
	if (pid <= 0)
		return 0;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

static struct db_stmt *Q(struct claimer *c, int i)
{
	db_reset(c->q[i]);
	return c->q[i];
}

/* Run C_INSERT or C_TAKE for key, as us, with our lease. */
static int claim_write(struct claimer *c, int which, const char *key)
{
	struct db_stmt *q = Q(c, which);
	db_bind_text(q, 1, key);
	db_bind_text(q, 2, c->me);
	db_bind_int64(q, 3, c->lease_ms);
	return db_step(q) == DB_ERROR ? -1 : 0;
}

int claim_take(struct claimer *c, const char *key, int *was_done)
{
	struct db_stmt *q;
	int rc = CLAIM_OTHERS;
	*was_done = 0;
	if (db_begin(c->db) != 0)
		return CLAIM_ERROR;
	if (claim_write(c, C_INSERT, key) != 0)
		goto fail;
	if (db_changes(c->q[C_INSERT]) == 1) {
		rc = CLAIM_MINE;
		goto commit;
	}
	q = Q(c, C_READ);
	db_bind_text(q, 1, key);
	int r = db_step(q);
	if (r == DB_ERROR)
		goto fail;
	if (r == DB_DONE)
		goto commit; /* another process is claiming it right now */
	const char *state = db_col_text(q, 0), *by = db_col_text(q, 1);
	int done = state && strcmp(state, "done") == 0;
	int take = done || !by || strcmp(by, c->me) == 0 ||
		   db_col_int64(q, 2) <= db_col_int64(q, 3) || holder_gone(c, by);
	db_reset(q);
	if (!take)
		goto commit;
	if (claim_write(c, C_TAKE, key) != 0)
		goto fail;
	*was_done = done;
	rc = CLAIM_MINE;
commit:
	db_reset(c->q[C_INSERT]);
	db_reset(c->q[C_READ]);
	db_reset(c->q[C_TAKE]);
	if (db_commit(c->db) != 0)
		goto fail;
	return rc;
fail:
	db_rollback(c->db);
	return CLAIM_ERROR;
}

int claim_done(struct claimer *c, const char *key)
{
	struct db_stmt *q = Q(c, C_DONE);
	db_bind_text(q, 1, key);
	db_bind_text(q, 2, c->me);
	int r = db_step(q);
	int64_t n = db_changes(q);
	db_reset(q);
	return r == DB_ERROR ? -1 : n == 1 ? 0 : 1;
}

void claim_release(struct claimer *c, const char *key)
{
	struct db_stmt *q = Q(c, C_RELEASE);
	db_bind_text(q, 1, key);
	db_bind_text(q, 2, c->me);
	(void)db_step(q);
	db_reset(q);
}

void claim_renew(struct claimer *c, int force)
{
	time_t now = time(NULL);
	if (!force && now - c->renewed < c->lease_ms / 3000)
		return;
	struct db_stmt *q = Q(c, C_RENEW);
	db_bind_text(q, 1, c->me);
	db_bind_int64(q, 2, c->lease_ms);
	if (db_step(q) != DB_ERROR)
		c->renewed = now;
	db_reset(q);
}

/*
 * claim.h - claims on captures in the inventory's table `work`, so that
 * several processes split an archive through the database (claim.c).
 */
#ifndef TLSDIAG_STORE_CLAIM_H
#define TLSDIAG_STORE_CLAIM_H

#include "ui/store/backend.h"

/* How long a claim holds without renewal (TLSDIAG_LEASE overrides, in
 * seconds). */
#define CLAIM_LEASE_S 600

struct claimer;

/* Claims as "host:pid" (TLSDIAG_HOST overrides the host name). */
struct claimer *claimer_new(struct db *db);
void claimer_free(struct claimer *c);
const char *claimer_host(const struct claimer *c);

enum { CLAIM_ERROR = -1, CLAIM_MINE = 0, CLAIM_OTHERS = 1 };
/* Claim the capture `key` in a transaction of its own (none may be open).
 * CLAIM_MINE (was_done: it had been stored before, by anyone),
 * CLAIM_OTHERS, or CLAIM_ERROR (db->err). */
int claim_take(struct claimer *c, const char *key, int *was_done);
/* Inside the capture's transaction: the claim becomes 'done'. 0; 1 when
 * it is no longer ours (another process took it over); -1 on error. */
int claim_done(struct claimer *c, const char *key);
/* Give a claim back (the capture could not be stored). */
void claim_release(struct claimer *c, const char *key);
/* Push our claims' leases forward (at most every third of the lease,
 * unless `force`); outside a transaction. */
void claim_renew(struct claimer *c, int force);

#endif

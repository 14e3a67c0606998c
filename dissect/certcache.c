/*
 * certcache.c - open-addressing hash table of decoded certificates keyed by
 * a fast hash of their DER (confirmed by comparing the DER), plus an array
 * in order of first sight.
 *
 *   slots[]  (power of two, at most 3/4 full, linear probing)
 *     0 = empty, k = entries[k - 1]
 *   entries[] in order of first sight, owned; each with its DER hash and
 *     when it was last handed out
 *
 * A certificate seen before costs one pass of the cheap hash and a
 * memcmp; SHA-256 and the decoding are paid once, on first sight.
 *
 * Holding: certcache_get() counts a hold on what it returns and
 * certcache_put() drops it (an atomic decrement: the thread that frees a
 * session need not be the cache's). A cache with a limit
 * (certcache_set_limit) sweeps once it holds twice the limit: every
 * certificate nobody holds that was not handed out among the last `limit`
 * lookups goes. Only the cache's own thread looks up and sweeps, and a
 * certificate nobody holds can only be held again through a lookup, so a
 * count read as 0 in a sweep stays 0.
 */
#include "dissect/certcache.h"

#include <stdlib.h>
#include <string.h>

#include "capture/cursor.h"
#include "capture/xalloc.h"
#include "dissect/x509.h"

struct entry {
	struct cert_info *c;
	uint64_t hash; /* span_hash64 of the DER */
	uint64_t used; /* the lookup that last handed it out */
};

struct cert_cache {
	struct entry *entries;
	size_t n, cap;
	uint32_t *slots;
	size_t nslots;
	uint64_t lookups;
	size_t limit;	 /* 0: keep everything */
	size_t sweep_at; /* entries that start the next sweep */
	uint64_t evicted;
	struct cert_info *full; /* placeholder once CERTCACHE_MAX is reached */
};

struct cert_cache *certcache_new(void)
{
	struct cert_cache *cc = xcalloc(1, sizeof(*cc));
	cc->nslots = 64;
	cc->slots = xcalloc(cc->nslots, sizeof(*cc->slots));
	return cc;
}

void certcache_set_limit(struct cert_cache *cc, size_t limit)
{
	cc->limit = limit;
	cc->sweep_at = limit ? 2 * limit : 0;
}

/* The table over entries[0..n) again, in nslots slots. */
static void rebuild(struct cert_cache *cc, size_t nslots)
{
	size_t mask = nslots - 1;
	uint32_t *slots = xcalloc(nslots, sizeof(*slots));

	for (size_t k = 0; k < cc->n; k++) {
		size_t i = (size_t)cc->entries[k].hash & mask;
		while (slots[i])
			i = (i + 1) & mask;
		slots[i] = (uint32_t)(k + 1);
	}
	free(cc->slots);
	cc->slots = slots;
	cc->nslots = nslots;
}

static unsigned refs_of(struct cert_info *c)
{
	return __atomic_load_n(&c->cache_refs, __ATOMIC_ACQUIRE);
}

/* Drop what nobody holds and nobody asked for lately; order is kept. */
static void sweep(struct cert_cache *cc)
{
	size_t kept = 0;
	uint64_t recent = cc->lookups > cc->limit ? cc->lookups - cc->limit : 0;

	for (size_t k = 0; k < cc->n; k++) {
		struct entry *e = &cc->entries[k];
		if (e->used < recent && refs_of(e->c) == 0) {
			cert_info_free(e->c);
			cc->evicted++;
			continue;
		}
		cc->entries[kept++] = *e;
	}
	cc->n = kept;
	rebuild(cc, cc->nslots);
	/* Amortised: the next sweep comes after as many new entries again. */
	cc->sweep_at = kept + cc->limit > 2 * cc->limit ? kept + cc->limit : 2 * cc->limit;
}

struct cert_info *certcache_get(struct cert_cache *cc, const uint8_t *der, size_t len)
{
	struct span want = { der, der ? len : 0 };
	uint64_t h = span_hash64(want);
	size_t mask = cc->nslots - 1, i;
	struct cert_info *c;

	cc->lookups++;
	for (i = (size_t)h & mask; cc->slots[i]; i = (i + 1) & mask) {
		struct entry *e = &cc->entries[cc->slots[i] - 1];
		struct span have = { e->c->der, e->c->der_len };
		if (e->hash == h && span_eq(have, want)) {
			e->used = cc->lookups;
			__atomic_add_fetch(&e->c->cache_refs, 1, __ATOMIC_RELAXED);
			return e->c;
		}
	}
	if (cc->n >= CERTCACHE_MAX) {
		if (cc->full == NULL) {
			cc->full = xcalloc(1, sizeof(*cc->full));
			cc->full->path_len = -1;
			cc->full->parse_error = xstrdup("certificate cache full");
		}
		return cc->full;
	}
	if (cc->limit && cc->n >= cc->sweep_at) {
		sweep(cc);
		mask = cc->nslots - 1;
		for (i = (size_t)h & mask; cc->slots[i]; i = (i + 1) & mask)
			;
	}
	c = x509_decode(want.p, want.n);
	c->cache_refs = 1;
	struct entry e = { c, h, cc->lookups };
	VEC_PUSH(cc->entries, cc->n, cc->cap, e);
	cc->slots[i] = (uint32_t)cc->n;
	if (cc->n * 4 > cc->nslots * 3)
		rebuild(cc, cc->nslots * 2);
	return c;
}

void certcache_put(struct cert_info *c)
{
	if (c == NULL)
		return;
	/* The placeholder and certificates made outside a cache hold
	 * nothing: never below 0. */
	unsigned n = __atomic_load_n(&c->cache_refs, __ATOMIC_RELAXED);
	while (n > 0 && !__atomic_compare_exchange_n(&c->cache_refs, &n, n - 1, 0, __ATOMIC_ACQ_REL,
						     __ATOMIC_RELAXED))
		;
}

size_t certcache_count(const struct cert_cache *cc)
{
	return cc ? cc->n : 0;
}

uint64_t certcache_evicted(const struct cert_cache *cc)
{
	return cc ? cc->evicted : 0;
}

struct cert_info *certcache_at(const struct cert_cache *cc, size_t i)
{
	return cc && i < cc->n ? cc->entries[i].c : NULL;
}

int certcache_foreach(const struct cert_cache *cc, int (*fn)(struct cert_info *c, void *arg),
		      void *arg)
{
	for (size_t k = 0; cc && k < cc->n; k++) {
		int r = fn(cc->entries[k].c, arg);
		if (r)
			return r;
	}
	return 0;
}

void certcache_free(struct cert_cache *cc)
{
	if (cc == NULL)
		return;
	for (size_t k = 0; k < cc->n; k++)
		cert_info_free(cc->entries[k].c);
	free(cc->entries);
	free(cc->slots);
	cert_info_free(cc->full);
	free(cc);
}

/*
 * certcache.c - open-addressing hash table of decoded certificates keyed by
 * the SHA-256 of their DER, plus an array in order of first sight.
 *
 *   slots[]  (power of two, at most 3/4 full, linear probing)
 *     0 = empty, k = entries[k - 1]
 *   entries[] in insertion order, owned
 */
#include "dissect/certcache.h"

#include <stdlib.h>
#include <string.h>

#include "capture/cursor.h"
#include "capture/xalloc.h"
#include "dissect/x509.h"

struct cert_cache {
	struct cert_info **entries;
	size_t n, cap;
	uint32_t *slots;
	size_t nslots;
	struct cert_info *full; /* placeholder once CERTCACHE_MAX is reached */
};

/* The digest is uniformly distributed: its first bytes are the hash. */
static size_t slot_of(const uint8_t sha256[32], size_t mask)
{
	uint64_t h = 0;
	for (int i = 0; i < 8; i++)
		h = h << 8 | sha256[i];
	return (size_t)h & mask;
}

struct cert_cache *certcache_new(void)
{
	struct cert_cache *cc = xcalloc(1, sizeof(*cc));
	cc->nslots = 64;
	cc->slots = xcalloc(cc->nslots, sizeof(*cc->slots));
	return cc;
}

static void grow(struct cert_cache *cc)
{
	size_t nslots = cc->nslots * 2, mask = nslots - 1;
	uint32_t *slots = xcalloc(nslots, sizeof(*slots));

	for (size_t k = 0; k < cc->n; k++) {
		size_t i = slot_of(cc->entries[k]->sha256, mask);
		while (slots[i])
			i = (i + 1) & mask;
		slots[i] = (uint32_t)(k + 1);
	}
	free(cc->slots);
	cc->slots = slots;
	cc->nslots = nslots;
}

struct cert_info *certcache_get(struct cert_cache *cc, const uint8_t *der, size_t len)
{
	uint8_t h[32];
	struct span want = { der, der ? len : 0 };
	size_t mask = cc->nslots - 1, i;
	struct cert_info *c;

	x509_sha256(want.p, want.n, h);
	for (i = slot_of(h, mask); cc->slots[i]; i = (i + 1) & mask) {
		c = cc->entries[cc->slots[i] - 1];
		struct span have = { c->der, c->der_len };
		struct span hc = { c->sha256, sizeof c->sha256 }, hw = { h, sizeof h };
		if (span_eq(hc, hw) && span_eq(have, want))
			return c;
	}
	if (cc->n >= CERTCACHE_MAX) {
		if (cc->full == NULL) {
			cc->full = xcalloc(1, sizeof(*cc->full));
			cc->full->path_len = -1;
			cc->full->parse_error = xstrdup("certificate cache full");
		}
		return cc->full;
	}
	c = x509_decode(want.p, want.n);
	VEC_PUSH(cc->entries, cc->n, cc->cap, c);
	cc->slots[i] = (uint32_t)cc->n;
	if (cc->n * 4 > cc->nslots * 3)
		grow(cc);
	return c;
}

size_t certcache_count(const struct cert_cache *cc)
{
	return cc ? cc->n : 0;
}

struct cert_info *certcache_at(const struct cert_cache *cc, size_t i)
{
	return cc && i < cc->n ? cc->entries[i] : NULL;
}

int certcache_foreach(const struct cert_cache *cc, int (*fn)(struct cert_info *c, void *arg),
		      void *arg)
{
	for (size_t k = 0; cc && k < cc->n; k++) {
		int r = fn(cc->entries[k], arg);
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
		cert_info_free(cc->entries[k]);
	free(cc->entries);
	free(cc->slots);
	cert_info_free(cc->full);
	free(cc);
}

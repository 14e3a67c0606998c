/*
 * dns.c - the DNS answers a capture showed, by address (rules/settings.h):
 * the expected name of a session that sent no SNI is the name its
 * server's address was last resolved from before the session began.
 *
 * Two generations of open-addressing tables keyed by address; each entry
 * keeps its address' latest DNS_KEEP answers in a ring. When the current
 * generation holds DNS_GEN addresses it becomes the old one (the old one
 * is dropped), so memory is bounded however long the capture runs, and an
 * address still resolved lately is copied forward on its next answer.
 */
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "rules/settings.h"

struct dns_addr {
	uint8_t used, family, n, next; /* n answers in the ring; next: where
					  the next one goes */
	uint8_t addr[16];
	struct dns_seen a[DNS_KEEP];
};

static size_t addr_hash(uint8_t family, const uint8_t *addr)
{
	uint64_t h = 1469598103934665603ULL ^ family;
	for (size_t i = 0; i < (family == 6 ? 16u : 4u); i++) {
		h ^= addr[i];
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ h >> 31);
}

static int same(const struct dns_addr *e, uint8_t family, const uint8_t *addr)
{
	return e->family == family && memcmp(e->addr, addr, family == 6 ? 16 : 4) == 0;
}

static struct dns_addr *find(const struct dns_gen *g, uint8_t family, const uint8_t *addr)
{
	if (g->cap == 0)
		return NULL;
	size_t mask = g->cap - 1;
	for (size_t i = addr_hash(family, addr) & mask; g->e[i].used; i = (i + 1) & mask)
		if (same(&g->e[i], family, addr))
			return &g->e[i];
	return NULL;
}

/* A free slot for a new address (the generation has room). */
static struct dns_addr *insert(struct dns_gen *g, uint8_t family, const uint8_t *addr)
{
	if ((g->n + 1) * 2 > g->cap) {
		struct dns_gen bigger = { NULL, 0, g->cap ? g->cap * 2 : 64 };
		bigger.e = xcalloc(bigger.cap, sizeof *bigger.e);
		for (size_t k = 0; k < g->cap; k++) {
			if (!g->e[k].used)
				continue;
			size_t m = bigger.cap - 1, i = addr_hash(g->e[k].family, g->e[k].addr) & m;
			while (bigger.e[i].used)
				i = (i + 1) & m;
			bigger.e[i] = g->e[k];
			bigger.n++;
		}
		free(g->e);
		*g = bigger;
	}
	size_t mask = g->cap - 1, i = addr_hash(family, addr) & mask;
	while (g->e[i].used)
		i = (i + 1) & mask;
	struct dns_addr *e = &g->e[i];
	memset(e, 0, sizeof *e);
	e->used = 1;
	e->family = family;
	memcpy(e->addr, addr, family == 6 ? 16 : 4);
	g->n++;
	return e;
}

static void ring_add(struct dns_addr *e, const struct dns_seen *d)
{
	e->a[e->next] = *d;
	e->next = (uint8_t)((e->next + 1) % DNS_KEEP);
	if (e->n < DNS_KEEP)
		e->n++;
}

void dns_table_add(struct dns_table *t, const struct dns_seen *d)
{
	if (!d->name[0] || (d->family != 4 && d->family != 6))
		return;
	t->answers++;
	struct dns_addr *e = find(&t->gen[0], d->family, d->addr);
	if (e == NULL) {
		if (t->gen[0].n >= DNS_GEN) {
			t->dropped += t->gen[1].n;
			free(t->gen[1].e);
			t->gen[1] = t->gen[0];
			memset(&t->gen[0], 0, sizeof t->gen[0]);
		}
		const struct dns_addr *old = find(&t->gen[1], d->family, d->addr);
		e = insert(&t->gen[0], d->family, d->addr);
		if (old) { /* carried forward: still resolved lately */
			for (unsigned k = 0; k < old->n; k++)
				ring_add(e,
					 &old->a[(old->next + DNS_KEEP - old->n + k) % DNS_KEEP]);
		}
	}
	ring_add(e, d);
}

/* Of e's answers (oldest first), the latest at or before ts; ties go to
 * the one seen later. */
static const struct dns_seen *pick(const struct dns_addr *e, int64_t ts)
{
	const struct dns_seen *best = NULL;
	for (unsigned k = 0; e && k < e->n; k++) {
		const struct dns_seen *x = &e->a[(e->next + DNS_KEEP - e->n + k) % DNS_KEEP];
		if (x->ts_ns > ts)
			continue;
		if (!best || x->ts_ns >= best->ts_ns)
			best = x;
	}
	return best;
}

const struct dns_seen *dns_table_find(const struct dns_table *t, uint8_t family,
				      const uint8_t addr[16], int64_t ts)
{
	if (t == NULL || (family != 4 && family != 6))
		return NULL;
	const struct dns_seen *d = pick(find(&t->gen[0], family, addr), ts);
	return d ? d : pick(find(&t->gen[1], family, addr), ts);
}

void dns_table_free(struct dns_table *t)
{
	if (t == NULL)
		return;
	free(t->gen[0].e);
	free(t->gen[1].e);
	memset(t, 0, sizeof *t);
}

/*
 * udp.c - the UDP flow table: a hash of address/port pairs (both
 * directions in one bucket) and a list by last activity for idle expiry
 * and eviction. Datagrams are handed on as they came, from the packet.
 */
#include "capture/udp.h"

#include <stdlib.h>

#include "capture/xalloc.h"

struct udp_table {
	struct udp_config cfg;
	struct udp_handler h;
	struct udp_flow **buckets;
	size_t nbuckets;
	struct udp_flow *head, *tail; /* head: most recently active */
	uint64_t next_id;
	int64_t now;
	struct udp_table_stats st;
};

void udp_config_default(struct udp_config *c)
{
	c->max_flows = 20000;
	c->idle_timeout_ns = 120LL * 1000000000;
}

struct udp_table *udp_table_new(const struct udp_config *cfg, const struct udp_handler *h)
{
	struct udp_table *t = xcalloc(1, sizeof *t);
	t->cfg = *cfg;
	if (t->cfg.max_flows == 0)
		t->cfg.max_flows = 1;
	t->h = *h;
	size_t nb = 256;
	while (nb < t->cfg.max_flows && nb < (1u << 20))
		nb <<= 1;
	t->nbuckets = nb;
	t->buckets = xcalloc(nb, sizeof *t->buckets);
	t->now = INT64_MIN;
	return t;
}

const struct udp_table_stats *udp_table_stats(const struct udp_table *t)
{
	return &t->st;
}

/* Order-independent (both directions in one bucket): the sum of each
 * endpoint's FNV-1a. */
static uint64_t ep_fnv(const struct endpoint *e)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t n = e->family == 6 ? 16 : 4;
	for (size_t i = 0; i < n; i++)
		h = (h ^ e->addr[i]) * 0x100000001b3ULL;
	h = (h ^ (e->port >> 8)) * 0x100000001b3ULL;
	return (h ^ (e->port & 0xff)) * 0x100000001b3ULL;
}

static size_t bucket(const struct udp_table *t, const struct endpoint *a, const struct endpoint *b)
{
	uint64_t h = ep_fnv(a) + ep_fnv(b);
	return (size_t)((h ^ h >> 31) & (t->nbuckets - 1));
}

static void unlink_lru(struct udp_table *t, struct udp_flow *f)
{
	*(f->lru_prev ? &f->lru_prev->lru_next : &t->head) = f->lru_next;
	*(f->lru_next ? &f->lru_next->lru_prev : &t->tail) = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void to_front(struct udp_table *t, struct udp_flow *f)
{
	if (t->head == f)
		return;
	if (f->lru_prev || f->lru_next || t->tail == f)
		unlink_lru(t, f);
	f->lru_next = t->head;
	*(t->head ? &t->head->lru_prev : &t->tail) = f;
	t->head = f;
}

static void end_flow(struct udp_table *t, struct udp_flow *f, enum tcp_close_reason why)
{
	switch (why) {
	case TCP_CLOSE_IDLE: t->st.closed_idle++; break;
	case TCP_CLOSE_EVICTED: t->st.evicted++; break;
	default: t->st.closed_end++; break;
	}
	if (t->h.close)
		t->h.close(t->h.ctx, f, why);
	for (struct udp_flow **pp = &t->buckets[bucket(t, &f->ep[0], &f->ep[1])]; *pp;
	     pp = &(*pp)->hnext)
		if (*pp == f) {
			*pp = f->hnext;
			break;
		}
	unlink_lru(t, f);
	t->st.active--;
	free(f);
}

static struct udp_flow *find(struct udp_table *t, const struct udp_dgram *d, int *dir)
{
	for (struct udp_flow *f = t->buckets[bucket(t, &d->src, &d->dst)]; f; f = f->hnext) {
		int fwd = endpoint_eq(&f->ep[0], &d->src) && endpoint_eq(&f->ep[1], &d->dst);
		if (fwd || (endpoint_eq(&f->ep[1], &d->src) && endpoint_eq(&f->ep[0], &d->dst))) {
			*dir = fwd ? 0 : 1;
			return f;
		}
	}
	return NULL;
}

void udp_table_input(struct udp_table *t, const struct udp_dgram *d)
{
	int dir = 0;
	if (d->ts_ns > t->now)
		t->now = d->ts_ns;
	/* 128-bit: timestamps are arbitrary (hostile) 64-bit values. */
	while (t->tail && (__int128)t->now - t->tail->last_ts > (__int128)t->cfg.idle_timeout_ns)
		end_flow(t, t->tail, TCP_CLOSE_IDLE);
	struct udp_flow *f = find(t, d, &dir);
	if (f == NULL) {
		if (t->h.want && !t->h.want(t->h.ctx, d)) {
			t->st.unwanted++;
			return;
		}
		if (t->st.active >= t->cfg.max_flows && t->tail)
			end_flow(t, t->tail, TCP_CLOSE_EVICTED);
		f = xcalloc(1, sizeof *f);
		f->id = ++t->next_id;
		f->ep[0] = d->src;
		f->ep[1] = d->dst;
		f->first_ts = d->ts_ns;
		f->first_frame = d->frame;
		size_t b = bucket(t, &d->src, &d->dst);
		f->hnext = t->buckets[b];
		t->buckets[b] = f;
		t->st.flows++;
		if (++t->st.active > t->st.peak_active)
			t->st.peak_active = t->st.active;
		if (t->h.open)
			t->h.open(t->h.ctx, f);
	}
	f->last_ts = d->ts_ns;
	f->last_frame = d->frame;
	to_front(t, f);
	struct udp_dir_stats *st = &f->st[dir];
	st->datagrams++;
	st->bytes += d->payload.n;
	if (d->payload.n < d->wire_len)
		st->snaplen_cut++;
	if (!f->ignored && t->h.data && t->h.data(t->h.ctx, f, dir, d) == UDP_IGNORE) {
		f->ignored = 1;
		t->st.ignored_flows++;
	}
}

void udp_table_finish(struct udp_table *t)
{
	while (t->tail)
		end_flow(t, t->tail, TCP_CLOSE_END);
}

void udp_table_free(struct udp_table *t)
{
	if (t == NULL)
		return;
	udp_table_finish(t);
	free(t->buckets);
	free(t);
}

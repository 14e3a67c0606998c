/*
 * tcp.c - flow table and per-direction reassembly (RFC 9293 sequence
 * space, serial-number arithmetic so wraps at 2^32 are invisible).
 *
 * Stream offsets are 64-bit and start at 0 for the first byte after the
 * SYN (or the first byte seen, for a flow joined mid-stream). A segment's
 * offset is found relative to the next expected sequence number, so
 * streams longer than 4 GiB keep working.
 *
 * In-order data with nothing buffered is delivered straight from the
 * packet (no copy). Anything else is copied into a sorted list of held
 * ranges in which the first copy of every byte wins; the list drains as
 * soon as it connects to the delivered edge. A segment that reaches the
 * edge is delivered from the packet too, piece by piece around held ranges
 * (which win where they overlap). Holes become gap chunks when the
 * receiver's ACK proves the bytes were sent past them (it reaches into the
 * hole while later data is held, or it acknowledges the FIN), when the
 * buffer ceiling is reached, or when the flow ends.
 */
#include "capture/tcp.h"

#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"

struct tcp_seg_node {
	uint64_t off;
	size_t len;
	int64_t ts_ns;
	uint64_t frame;
	struct tcp_seg_node *next;
	uint8_t data[];
};

struct flow_list {
	struct tcp_flow *head, *tail;
};

struct tcp_table {
	struct tcp_config cfg;
	struct tcp_handler h;
	struct tcp_flow **buckets;
	size_t nbuckets;
	struct flow_list lru;	 /* open flows; head: most recently active */
	struct flow_list closed; /* closed flows lingering, the same way */
	uint64_t next_id;
	int64_t now;
	struct tcp_table_stats st;
};

const char *tcp_close_reason_str(enum tcp_close_reason r)
{
	switch (r) {
	case TCP_CLOSE_FIN: return "fin";
	case TCP_CLOSE_RST: return "rst";
	case TCP_CLOSE_IDLE: return "idle";
	case TCP_CLOSE_EVICTED: return "evicted";
	case TCP_CLOSE_END: return "end";
	}
	return "?";
}

void tcp_config_default(struct tcp_config *c)
{
	c->max_flows = 100000;
	c->max_buffer = 4u * 1024 * 1024;
	c->idle_timeout_ns = 300LL * 1000000000;
	c->linger_ns = TCP_LINGER_NS;
}

struct tcp_table *tcp_table_new(const struct tcp_config *cfg, const struct tcp_handler *h)
{
	struct tcp_table *t = xcalloc(1, sizeof *t);
	t->cfg = *cfg;
	if (t->cfg.max_flows == 0)
		t->cfg.max_flows = 1;
	t->h = *h;
	size_t nb = 1024;
	while (nb < t->cfg.max_flows && nb < (1u << 22))
		nb <<= 1;
	t->nbuckets = nb;
	t->buckets = xcalloc(nb, sizeof *t->buckets);
	t->now = INT64_MIN; /* no packet yet: any timestamp moves it */
	return t;
}

const struct tcp_table_stats *tcp_table_stats(const struct tcp_table *t)
{
	return &t->st;
}

/* ---- hashing ---- */

static uint64_t mix(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t ep_hash(const struct endpoint *e)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	h = mix(h, e->addr, e->family == 6 ? 16 : 4);
	uint8_t pb[2] = { (uint8_t)(e->port >> 8), (uint8_t)e->port };
	return mix(h, pb, 2);
}

/* Order-independent: both directions land in one bucket. */
static size_t bucket_of(const struct tcp_table *t, const struct endpoint *a,
			const struct endpoint *b)
{
	uint64_t h = ep_hash(a) ^ ep_hash(b);
	h ^= h >> 29;
	return (size_t)(h & (t->nbuckets - 1));
}

/* ---- LRU ---- */

/* A flow is on one of two lists: open flows, or closed flows lingering
 * (state TCP_CLOSED), each by last activity. */
static struct flow_list *list_of(struct tcp_table *t, const struct tcp_flow *f)
{
	return f->state == TCP_CLOSED ? &t->closed : &t->lru;
}

static void list_unlink(struct flow_list *l, struct tcp_flow *f)
{
	if (f->lru_prev)
		f->lru_prev->lru_next = f->lru_next;
	else if (l->head == f)
		l->head = f->lru_next;
	if (f->lru_next)
		f->lru_next->lru_prev = f->lru_prev;
	else if (l->tail == f)
		l->tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void list_front(struct flow_list *l, struct tcp_flow *f)
{
	if (l->head == f)
		return;
	if (f->lru_prev || f->lru_next || l->tail == f)
		list_unlink(l, f);
	f->lru_next = l->head;
	if (l->head)
		l->head->lru_prev = f;
	l->head = f;
	if (l->tail == NULL)
		l->tail = f;
}

static void lru_unlink(struct tcp_table *t, struct tcp_flow *f)
{
	list_unlink(list_of(t, f), f);
}

static void lru_front(struct tcp_table *t, struct tcp_flow *f)
{
	list_front(list_of(t, f), f);
}

/* ---- delivery ---- */

static void account(struct tcp_table *t, long delta)
{
	if (delta < 0 && (uint64_t)-delta > t->st.buffered_bytes)
		t->st.buffered_bytes = 0;
	else
		t->st.buffered_bytes = (uint64_t)((long)t->st.buffered_bytes + delta);
	if (t->st.buffered_bytes > t->st.peak_buffered_bytes)
		t->st.peak_buffered_bytes = t->st.buffered_bytes;
}

static void free_ooo(struct tcp_table *t, struct tcp_dir *d)
{
	while (d->ooo) {
		struct tcp_seg_node *n = d->ooo->next;
		free(d->ooo);
		d->ooo = n;
	}
	account(t, -(long)d->ooo_bytes);
	d->ooo_bytes = 0;
}

/* Remember delivered bytes [next_off - n, next_off) in the ring. */
static void recent_push(struct tcp_dir *d, struct span s)
{
	const size_t w = TCP_RECENT_BYTES;
	struct cursor c;
	if (d->recent == NULL)
		d->recent = xcalloc(w, 1);
	size_t keep = s.n < w ? s.n : w;
	uint64_t from = d->next_off - keep;
	size_t pos = (size_t)(from % w), first = w - pos < keep ? w - pos : keep;
	cur_init(&c, s.p, s.n);
	if (cur_skip(&c, s.n - keep) != PE_OK || cur_copy(&c, d->recent + pos, first) != PE_OK ||
	    cur_copy(&c, d->recent, keep - first) != PE_OK)
		return; /* cannot happen: keep <= s.n */
	d->recent_n = d->recent_n + s.n < w ? d->recent_n + s.n : w;
}

/* Do bytes [off, off+n), already delivered, differ from what was delivered?
 * Only the part still in the ring can be compared. */
static int recent_differs(const struct tcp_dir *d, uint64_t off, struct span s)
{
	const size_t w = TCP_RECENT_BYTES;
	uint64_t lo = d->next_off - d->recent_n;
	uint64_t a = off > lo ? off : lo;
	uint64_t b = off + s.n < d->next_off ? off + s.n : d->next_off;
	struct cursor c;
	cur_init(&c, s.p, s.n);
	if (a < b && cur_skip(&c, (size_t)(a - off)) != PE_OK)
		return 0;
	while (a < b) {
		size_t pos = (size_t)(a % w);
		size_t k = (size_t)(b - a) < w - pos ? (size_t)(b - a) : w - pos;
		struct span piece, held = { d->recent + pos, k };
		if (cur_bytes(&c, k, &piece) != PE_OK)
			return 0;
		if (!span_eq(piece, held))
			return 1;
		a += k;
	}
	return 0;
}

/* ---- the other copies of conflicting overlaps ---- */

static void alt_drop(struct tcp_dir *d, size_t i)
{
	free(d->alt[i].data);
	memmove(&d->alt[i], &d->alt[i + 1], (d->n_alt - i - 1) * sizeof *d->alt); /* lint: ok */
	d->n_alt--;
}

/* `s`, the copy of [off, off+s.n) that lost to the kept bytes, differs
 * from them: keep it (at most TCP_ALT_MAX bytes of it) for a dissector
 * that finds the kept bytes do not parse. The oldest copy makes room;
 * copies the delivered edge left TCP_ALT_WINDOW behind go. Only a
 * conflict allocates. */
static void alt_keep(struct tcp_dir *d, uint64_t off, struct span s)
{
	struct cursor c;
	size_t n = s.n < TCP_ALT_MAX ? s.n : TCP_ALT_MAX;
	for (size_t i = 0; i < d->n_alt;) {
		if (d->alt[i].off + d->alt[i].len + TCP_ALT_WINDOW < d->next_off)
			alt_drop(d, i);
		else
			i++;
	}
	if (n == 0)
		return;
	if (d->alt == NULL)
		d->alt = xcalloc(TCP_ALTS, sizeof *d->alt);
	if (d->n_alt == TCP_ALTS)
		alt_drop(d, 0);
	uint8_t *copy = xcalloc(1, n);
	cur_init(&c, s.p, s.n);
	if (cur_copy(&c, copy, n) != PE_OK) {
		free(copy);
		return; /* cannot happen: n <= s.n */
	}
	d->alt[d->n_alt++] = (struct tcp_alt){ off, n, copy };
	d->alt_gen++;
}

size_t tcp_alt_overlay(const struct tcp_flow *f, int dir, uint64_t off, uint8_t *buf, size_t n)
{
	const struct tcp_dir *d = &f->d[dir & 1];
	size_t changed = 0;
	/* In arrival order: where copies overlap, the latest is written last. */
	for (size_t i = 0; i < d->n_alt; i++) {
		const struct tcp_alt *a = &d->alt[i];
		uint64_t lo = a->off > off ? a->off : off;
		uint64_t hi = a->off + a->len < off + n ? a->off + a->len : off + n;
		if (lo >= hi)
			continue;
		size_t k = (size_t)(hi - lo);
		uint8_t *dst = buf + (size_t)(lo - off);
		struct cursor ac, bc, from;
		cur_init(&ac, a->data, a->len);
		cur_init(&bc, dst, k);
		if (cur_skip(&ac, (size_t)(lo - a->off)) != PE_OK)
			continue; /* cannot happen: lo is inside the copy */
		from = ac;
		for (size_t j = 0; j < k; j++) {
			uint8_t x, y;
			if (cur_u8(&ac, &x) != PE_OK || cur_u8(&bc, &y) != PE_OK)
				break;
			changed += x != y;
		}
		if (cur_copy(&from, dst, k) != PE_OK)
			break;
	}
	return changed;
}

void tcp_alt_used(struct tcp_flow *f, int dir)
{
	f->d[dir & 1].st.overlap_resynced++;
}

/* The ring of delivered bytes and the other copies: not needed once the
 * flow is ignored or closed. */
static void recent_free(struct tcp_dir *d)
{
	free(d->recent);
	d->recent = NULL;
	d->recent_n = 0;
	while (d->n_alt)
		alt_drop(d, d->n_alt - 1);
	free(d->alt);
	d->alt = NULL;
}

/* The handler wants no more of this flow's payload. */
static void flow_ignore(struct tcp_table *t, struct tcp_flow *f)
{
	if (f->ignored)
		return;
	f->ignored = 1;
	t->st.ignored_flows++;
	free_ooo(t, &f->d[0]);
	free_ooo(t, &f->d[1]);
	recent_free(&f->d[0]);
	recent_free(&f->d[1]);
}

static void deliver(struct tcp_table *t, struct tcp_flow *f, int dir, const uint8_t *p, size_t n,
		    int64_t ts, uint64_t frame)
{
	struct tcp_dir *d = &f->d[dir];
	if (n == 0)
		return;
	struct tcp_chunk c = { dir, p, n, d->next_off, ts, frame };
	d->next_off += n;
	if (p) {
		struct span s = { p, n };
		d->st.bytes += n;
		if (!f->ignored)
			recent_push(d, s);
	} else {
		d->st.gaps++;
		d->st.gap_bytes += n;
		d->recent_n = 0; /* the ring must end at next_off */
	}
	if (!f->ignored && t->h.data && t->h.data(t->h.ctx, f, &c) == TCP_IGNORE)
		flow_ignore(t, f);
}

/* Deliver held ranges that touch the delivered edge. */
static void drain(struct tcp_table *t, struct tcp_flow *f, int dir)
{
	struct tcp_dir *d = &f->d[dir];
	while (d->ooo && d->ooo->off <= d->next_off && !f->ignored) {
		struct tcp_seg_node *n = d->ooo;
		d->ooo = n->next;
		d->ooo_bytes -= n->len;
		account(t, -(long)n->len);
		if (n->off + n->len > d->next_off) {
			struct cursor c;
			cur_init(&c, n->data, n->len);
			if (cur_skip(&c, (size_t)(d->next_off - n->off)) == PE_OK) {
				struct span rest = cur_rest(&c);
				deliver(t, f, dir, rest.p, rest.n, n->ts_ns, n->frame);
			}
		}
		free(n);
	}
}

/* Turn the hole before the first held range (or up to `upto` when nothing
 * is held) into a gap and drain. */
static void fill_hole(struct tcp_table *t, struct tcp_flow *f, int dir, uint64_t upto, int64_t ts,
		      uint64_t frame)
{
	struct tcp_dir *d = &f->d[dir];
	uint64_t to = d->ooo ? d->ooo->off : upto;
	if (d->ooo) { /* name the gap after the data that follows it */
		ts = d->ooo->ts_ns;
		frame = d->ooo->frame;
	}
	if (to > d->next_off)
		deliver(t, f, dir, NULL, (size_t)(to - d->next_off), ts, frame);
	drain(t, f, dir);
}

/* Copy the parts of [off, off+len) not already held into the sorted list.
 * Overlaps with held bytes keep the held copy. */
static void hold(struct tcp_table *t, struct tcp_flow *f, int dir, uint64_t off, struct span s,
		 int64_t ts, uint64_t frame)
{
	struct tcp_dir *d = &f->d[dir];
	struct tcp_seg_node **pp = &d->ooo;
	uint64_t end = off + s.n;
	int overlapped = 0, conflict = 0;
	struct cursor c;

	cur_init(&c, s.p, s.n);

	while (off < end) {
		while (*pp && (*pp)->off + (*pp)->len <= off)
			pp = &(*pp)->next;
		struct tcp_seg_node *n = *pp;
		uint64_t piece_end = end;
		if (n && n->off <= off) {
			/* [off, min(end, n_end)) is already held: compare. */
			uint64_t ov_end = n->off + n->len < end ? n->off + n->len : end;
			struct cursor hc;
			struct span ours, held;
			overlapped = 1;
			cur_init(&hc, n->data, n->len);
			if (cur_skip(&hc, (size_t)(off - n->off)) != PE_OK ||
			    cur_bytes(&hc, (size_t)(ov_end - off), &held) != PE_OK ||
			    cur_bytes(&c, (size_t)(ov_end - off), &ours) != PE_OK)
				break; /* cannot happen: the ranges overlap */
			if (!span_eq(ours, held)) {
				conflict = 1;
				alt_keep(d, off, ours);
			}
			off = ov_end;
			continue;
		}
		if (n && n->off < piece_end)
			piece_end = n->off;
		size_t plen = (size_t)(piece_end - off);
		struct tcp_seg_node *nn = xcalloc(1, sizeof *nn + plen);
		nn->off = off;
		nn->len = plen;
		nn->ts_ns = ts;
		nn->frame = frame;
		if (cur_copy(&c, nn->data, plen) != PE_OK) {
			free(nn);
			break; /* cannot happen: plen <= what is left */
		}
		nn->next = n;
		*pp = nn;
		pp = &nn->next;
		d->ooo_bytes += plen;
		account(t, (long)plen);
		off = piece_end;
	}
	if (overlapped)
		d->st.overlaps++;
	if (conflict)
		d->st.overlap_conflicts++;
}

/*
 * A segment that starts at the delivered edge: deliver it straight from the
 * packet, except where held ranges already cover it (the held copy wins and
 * is compared), then whatever held data now connects.
 */
static void merge_at_edge(struct tcp_table *t, struct tcp_flow *f, int dir, struct span s,
			  int64_t ts, uint64_t frame)
{
	struct tcp_dir *d = &f->d[dir];
	int overlapped = 0, conflict = 0;
	struct cursor c;

	cur_init(&c, s.p, s.n);
	/* After drain() every held range starts past next_off. */
	drain(t, f, dir);
	while (cur_left(&c) > 0 && !f->ignored) {
		struct tcp_seg_node *n = d->ooo;
		struct span piece;
		if (n == NULL || n->off >= d->next_off + cur_left(&c)) {
			piece = cur_rest(&c);
			deliver(t, f, dir, piece.p, piece.n, ts, frame);
			break;
		}
		if (n->off > d->next_off) {
			if (cur_bytes(&c, (size_t)(n->off - d->next_off), &piece) != PE_OK)
				break; /* cannot happen: n starts within our bytes */
			deliver(t, f, dir, piece.p, piece.n, ts, frame);
			continue;
		}
		/* n starts at the edge: its bytes win over ours. */
		size_t ov = cur_left(&c) < n->len ? cur_left(&c) : n->len;
		struct span held = { n->data, ov };
		overlapped = 1;
		if (cur_bytes(&c, ov, &piece) != PE_OK)
			break;
		if (!span_eq(piece, held)) {
			conflict = 1;
			alt_keep(d, d->next_off, piece);
		}
		d->ooo = n->next;
		d->ooo_bytes -= n->len;
		account(t, -(long)n->len);
		deliver(t, f, dir, n->data, n->len, n->ts_ns, n->frame);
		free(n);
	}
	drain(t, f, dir);
	if (overlapped)
		d->st.overlaps++;
	if (conflict)
		d->st.overlap_conflicts++;
}

/*
 * Holding `len` more bytes at `uoff` (past the edge) would pass max_buffer:
 * give up holes, oldest first, as gaps (a hole ends where the segment
 * starts if that comes first) until the segment fits or reaches the edge.
 */
static void make_room(struct tcp_table *t, struct tcp_flow *f, int dir, uint64_t uoff, size_t len,
		      int64_t ts, uint64_t frame)
{
	struct tcp_dir *d = &f->d[dir];
	t->st.buffer_overflows++;
	while (uoff > d->next_off && d->ooo_bytes + len > t->cfg.max_buffer && !f->ignored) {
		/* The gap is named after the data that follows it. */
		if (d->ooo && d->ooo->off < uoff)
			deliver(t, f, dir, NULL, (size_t)(d->ooo->off - d->next_off), d->ooo->ts_ns,
				d->ooo->frame);
		else
			deliver(t, f, dir, NULL, (size_t)(uoff - d->next_off), ts, frame);
		drain(t, f, dir);
	}
}

/* Stream offset of sequence number `seq` in direction d. */
static int64_t seq_off(const struct tcp_dir *d, uint32_t seq)
{
	uint32_t expect = d->isn + (uint32_t)d->next_off;
	int32_t delta = (int32_t)(seq - expect);
	return (int64_t)d->next_off + delta;
}

/* The next `skip` bytes of a segment's payload lie before the delivered
 * edge, where the receiver kept its first copy: count the overlap (and a
 * conflict when they differ from what was delivered) and step past them.
 * 0, or -1 when nothing of the segment is left. */
static int skip_delivered(struct tcp_dir *d, struct cursor *pc, uint64_t *uoff, size_t *len,
			  size_t skip)
{
	struct span before;
	d->st.overlaps++;
	if (cur_bytes(pc, skip, &before) != PE_OK)
		return -1;
	if (recent_differs(d, *uoff, before)) {
		d->st.overlap_conflicts++;
		alt_keep(d, *uoff, before);
	}
	*len -= skip;
	*uoff += skip;
	return *len ? 0 : -1;
}

static void dir_data(struct tcp_table *t, struct tcp_flow *f, int dir, const struct tcp_seg *s)
{
	struct tcp_dir *d = &f->d[dir];
	struct cursor pc; /* the payload; `len` bytes of it are left */
	size_t len = s->payload.n;
	uint32_t seq = s->seq + ((s->flags & TCPF_SYN) ? 1u : 0u);

	if (!d->started) {
		d->started = 1;
		d->isn = seq;
		d->next_off = 0;
		/* Joined mid-stream: if the peer already acknowledged an earlier
		 * point, start there so early-arriving later bytes wait for
		 * the ones before them instead of making them retransmits. */
		if (d->have_peer_ack) {
			int32_t back = (int32_t)(seq - d->peer_ack);
			if (back > 0 && back < (1 << 20))
				d->isn = d->peer_ack;
		}
	}
	int64_t off = seq_off(d, seq);
	if (s->flags & TCPF_FIN) {
		int64_t fo = off + (int64_t)s->wire_len;
		if (fo >= 0 && (!d->fin_seen || (uint64_t)fo < d->fin_off)) {
			d->fin_seen = 1;
			d->fin_off = (uint64_t)fo;
		}
	}
	if (len == 0)
		return;
	cur_init(&pc, s->payload.p, s->payload.n);
	d->st.payload_segments++;
	if (f->ignored) {
		d->st.dropped_ignored += len;
		return;
	}
	if (off < 0) { /* starts before the stream: keep only what follows */
		if ((uint64_t)-off >= len || cur_skip(&pc, (size_t)-off) != PE_OK)
			return;
		len -= (size_t)-off;
		off = 0;
	}
	uint64_t uoff = (uint64_t)off, end = uoff + len;
	if (end <= d->next_off) {
		d->st.retransmits++;
		if (recent_differs(d, uoff, cur_rest(&pc))) {
			d->st.overlap_conflicts++;
			alt_keep(d, uoff, cur_rest(&pc));
		}
		return;
	}
	if (uoff < d->next_off) {
		/* Partly before the edge: the receiver kept its first copy. */
		if (skip_delivered(d, &pc, &uoff, &len, (size_t)(d->next_off - uoff)) != 0)
			return;
	}
	if (uoff > d->next_off) {
		d->st.out_of_order++;
		if (d->ooo_bytes + len > t->cfg.max_buffer) {
			make_room(t, f, dir, uoff, len, s->ts_ns, s->frame);
			if (f->ignored)
				return;
			if (uoff < d->next_off) {
				/* Held bytes the gap released cover our start. */
				size_t skip = (size_t)(d->next_off - uoff) < len
						      ? (size_t)(d->next_off - uoff)
						      : len;
				if (skip_delivered(d, &pc, &uoff, &len, skip) != 0)
					return;
			}
		}
	}
	if (uoff == d->next_off)
		merge_at_edge(t, f, dir, cur_rest(&pc), s->ts_ns, s->frame);
	else
		hold(t, f, dir, uoff, cur_rest(&pc), s->ts_ns, s->frame);
}

/* Nothing of this direction delivered yet: its ISN may still change. */
static int dir_fresh(const struct tcp_dir *d)
{
	return d->next_off == 0 && d->st.bytes == 0 && d->st.gaps == 0;
}

/* A repeated SYN (SYN-ACK) with another ISN: remember it, the peer's ACK
 * will say which one the connection uses. */
static void syn_alt_isn(struct tcp_dir *d, uint32_t isn)
{
	if (isn == d->isn || !dir_fresh(d))
		return;
	for (size_t i = 0; i < d->n_alt_isn; i++)
		if (d->alt_isn[i] == isn)
			return;
	if (d->n_alt_isn < TCP_ALT_ISNS)
		d->alt_isn[d->n_alt_isn++] = isn;
	else
		d->alt_isn[TCP_ALT_ISNS - 1] = isn; /* the latest replaces the last */
}

/* The peer acknowledges `ack`, which is one of the other ISNs (plus bytes
 * held ahead): move the stream's origin there. Held segments were placed
 * against the old ISN; they move by the same distance (those that would
 * fall before the new start are dropped). */
static void take_alt_isn(struct tcp_table *t, struct tcp_dir *d, uint32_t ack)
{
	uint32_t isn = 0;
	int found = 0;
	for (size_t i = 0; i < d->n_alt_isn && !found; i++) {
		int32_t ahead = (int32_t)(ack - d->alt_isn[i]);
		/* the ACK covers the new ISN and at most what is held */
		if (ahead >= 0 && (uint64_t)ahead <= d->ooo_bytes + (d->fin_seen ? 1u : 0u) &&
		    (int32_t)(ack - d->isn) != 0) {
			isn = d->alt_isn[i];
			found = 1;
		}
	}
	if (!found)
		return;
	int64_t shift = (int32_t)(isn - d->isn);
	struct tcp_seg_node **pp = &d->ooo;
	while (*pp) {
		struct tcp_seg_node *n = *pp;
		int64_t off = (int64_t)n->off - shift;
		if (off < 0) {
			*pp = n->next;
			d->ooo_bytes -= n->len;
			account(t, -(long)n->len);
			free(n);
			continue;
		}
		n->off = (uint64_t)off;
		pp = &n->next;
	}
	if (d->fin_seen) {
		int64_t fo = (int64_t)d->fin_off - shift;
		d->fin_off = fo > 0 ? (uint64_t)fo : 0;
	}
	d->alt_isn[0] = d->isn;
	d->n_alt_isn = 1;
	d->isn = isn;
}

/* The peer acknowledged `ack` for direction dir. */
static void dir_acked(struct tcp_table *t, struct tcp_flow *f, int dir, uint32_t ack,
		      const struct tcp_seg *s)
{
	struct tcp_dir *d = &f->d[dir];
	if (d->n_alt_isn && d->started && dir_fresh(d) && !f->ignored) {
		take_alt_isn(t, d, ack);
		drain(t, f, dir);
	}
	if (!d->have_peer_ack || (int32_t)(ack - d->peer_ack) > 0) {
		d->have_peer_ack = 1;
		d->peer_ack = ack;
	}
	if (!d->started || f->ignored)
		return;
	/* The receiver has every byte before aoff, so bytes before it that the
	 * capture did not show were lost by the capture. Acted on here while
	 * data is held behind a hole (it would wait forever otherwise) or when
	 * the FIN is acknowledged (the stream is complete); a plain trailing
	 * hole waits for the close, since a merged or mirrored capture can
	 * show an ACK slightly before the data it acknowledges. */
	int64_t aoff = seq_off(d, ack);
	if (d->fin_seen && aoff > (int64_t)d->fin_off) {
		while (d->ooo && !f->ignored)
			fill_hole(t, f, dir, d->ooo->off, s->ts_ns, s->frame);
		if (!f->ignored && d->fin_off > d->next_off)
			deliver(t, f, dir, NULL, (size_t)(d->fin_off - d->next_off), s->ts_ns,
				s->frame);
		return;
	}
	while (d->ooo && !f->ignored && aoff > (int64_t)d->next_off) {
		uint64_t to = d->ooo->off < (uint64_t)aoff ? d->ooo->off : (uint64_t)aoff;
		/* Name the gap after the data that follows it. */
		deliver(t, f, dir, NULL, (size_t)(to - d->next_off), d->ooo->ts_ns, d->ooo->frame);
		drain(t, f, dir);
	}
	/* The receiver has every byte delivered and nothing is held: the ring
	 * goes until bytes are delivered again (a retransmission of bytes
	 * already acknowledged is then counted, not compared). A flow that
	 * waits between flights holds no ring. */
	if (d->recent && !d->ooo && aoff >= (int64_t)d->next_off) {
		/* Only the ring: other copies of an overlap stay until their
		 * window passes or the flow closes (the handler may still read
		 * them: dissect/tls.c's kept Certificate). */
		free(d->recent);
		d->recent = NULL;
		d->recent_n = 0;
	}
}

/* Deliver everything held, holes as gaps; then a trailing gap for bytes the
 * peer acknowledged but the capture never showed. */
static void flush_dir(struct tcp_table *t, struct tcp_flow *f, int dir)
{
	struct tcp_dir *d = &f->d[dir];
	if (!d->started)
		return;
	while (d->ooo && !f->ignored)
		fill_hole(t, f, dir, d->ooo->off, f->last_ts, f->last_frame);
	if (f->ignored)
		return;
	if (d->have_peer_ack) {
		int64_t aoff = seq_off(d, d->peer_ack);
		uint64_t limit = d->fin_seen ? d->fin_off : UINT64_MAX;
		if (d->fin_seen && aoff > (int64_t)limit)
			aoff = (int64_t)limit;
		if (aoff > (int64_t)d->next_off && aoff - (int64_t)d->next_off < (1LL << 30))
			deliver(t, f, dir, NULL, (size_t)(aoff - (int64_t)d->next_off), f->last_ts,
				f->last_frame);
	}
}

static void flow_close(struct tcp_table *t, struct tcp_flow *f, enum tcp_close_reason why)
{
	if (f->state == TCP_CLOSED)
		return;
	flush_dir(t, f, 0);
	flush_dir(t, f, 1);
	free_ooo(t, &f->d[0]);
	free_ooo(t, &f->d[1]);
	lru_unlink(t, f); /* from the open flows to the lingering ones */
	f->state = TCP_CLOSED;
	lru_front(t, f);
	switch (why) {
	case TCP_CLOSE_FIN: t->st.closed_fin++; break;
	case TCP_CLOSE_RST: t->st.closed_rst++; break;
	case TCP_CLOSE_IDLE: t->st.closed_idle++; break;
	case TCP_CLOSE_EVICTED: t->st.evicted++; break;
	case TCP_CLOSE_END: t->st.closed_end++; break;
	}
	if (t->h.close)
		t->h.close(t->h.ctx, f, why);
	recent_free(&f->d[0]); /* after close: the handler may still ask */
	recent_free(&f->d[1]);
}

/* Remove from the table and free. */
static void flow_destroy(struct tcp_table *t, struct tcp_flow *f)
{
	if (t->h.release)
		t->h.release(t->h.ctx, f);
	size_t b = bucket_of(t, &f->ep[0], &f->ep[1]);
	for (struct tcp_flow **pp = &t->buckets[b]; *pp; pp = &(*pp)->hnext)
		if (*pp == f) {
			*pp = f->hnext;
			break;
		}
	lru_unlink(t, f);
	t->st.active--;
	recent_free(&f->d[0]);
	recent_free(&f->d[1]);
	free(f);
}

static void flow_end(struct tcp_table *t, struct tcp_flow *f, enum tcp_close_reason why)
{
	flow_close(t, f, why);
	flow_destroy(t, f);
}

/* Close flows idle for longer than the timeout, and let closed flows go
 * after lingering (capture time). */
static void expire(struct tcp_table *t)
{
	/* 128-bit: timestamps are arbitrary (hostile) 64-bit values. */
	int64_t linger = t->cfg.linger_ns < t->cfg.idle_timeout_ns ? t->cfg.linger_ns
								   : t->cfg.idle_timeout_ns;
	while (t->closed.tail && (__int128)t->now - t->closed.tail->last_ts > (__int128)linger)
		flow_destroy(t, t->closed.tail);
	while (t->lru.tail &&
	       (__int128)t->now - t->lru.tail->last_ts > (__int128)t->cfg.idle_timeout_ns)
		flow_end(t, t->lru.tail, TCP_CLOSE_IDLE);
}

static struct tcp_flow *lookup(struct tcp_table *t, const struct tcp_seg *s, int *dir)
{
	size_t b = bucket_of(t, &s->src, &s->dst);
	for (struct tcp_flow *f = t->buckets[b]; f; f = f->hnext) {
		if (endpoint_eq(&f->ep[0], &s->src) && endpoint_eq(&f->ep[1], &s->dst)) {
			*dir = 0;
			return f;
		}
		if (endpoint_eq(&f->ep[1], &s->src) && endpoint_eq(&f->ep[0], &s->dst)) {
			*dir = 1;
			return f;
		}
	}
	return NULL;
}

static struct tcp_flow *create(struct tcp_table *t, const struct tcp_seg *s, int *dir)
{
	if (t->st.active >= t->cfg.max_flows && t->closed.tail)
		flow_destroy(t, t->closed.tail); /* a lingering flow goes first */
	else if (t->st.active >= t->cfg.max_flows && t->lru.tail)
		flow_end(t, t->lru.tail, TCP_CLOSE_EVICTED);
	struct tcp_flow *f = xcalloc(1, sizeof *f);
	int src_is_client;
	if ((s->flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN) {
		src_is_client = 1;
	} else if ((s->flags & (TCPF_SYN | TCPF_ACK)) == (TCPF_SYN | TCPF_ACK)) {
		src_is_client = 0;
	} else {
		f->midstream = 1;
		/* Joined mid-stream: the first sender seen is the client, as in
		 * tshark. The TLS layer corrects it from the ClientHello. */
		src_is_client = 1;
	}
	f->syn_seen = (s->flags & TCPF_SYN) != 0;
	f->ep[0] = src_is_client ? s->src : s->dst;
	f->ep[1] = src_is_client ? s->dst : s->src;
	*dir = src_is_client ? 0 : 1;
	f->id = ++t->next_id;
	f->state = f->syn_seen ? TCP_OPENING : TCP_OPEN;
	f->first_ts = f->last_ts = s->ts_ns;
	f->first_frame = f->last_frame = s->frame;
	size_t b = bucket_of(t, &f->ep[0], &f->ep[1]);
	f->hnext = t->buckets[b];
	t->buckets[b] = f;
	lru_front(t, f);
	t->st.flows++;
	t->st.active++;
	if (t->st.active > t->st.peak_active)
		t->st.peak_active = t->st.active;
	if (t->h.open)
		t->h.open(t->h.ctx, f);
	return f;
}

void tcp_table_input(struct tcp_table *t, const struct tcp_seg *s)
{
	int dir;
	if (s->ts_ns > t->now)
		t->now = s->ts_ns;
	expire(t);
	struct tcp_flow *f = lookup(t, s, &dir);
	if (f && f->state == TCP_CLOSED && (s->flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN) {
		/* The port pair is reused by a new connection. */
		flow_destroy(t, f);
		f = NULL;
	}
	if (f && (s->flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN && dir == 0 && f->d[0].started &&
	    s->seq + 1 != f->d[0].isn) {
		/* A new SYN with another ISN while the old flow lingers. */
		flow_end(t, f, TCP_CLOSE_END);
		f = NULL;
	}
	if (f == NULL)
		f = create(t, s, &dir);
	f->last_ts = s->ts_ns;
	f->last_frame = s->frame;
	lru_front(t, f);

	struct tcp_dir *d = &f->d[dir];
	d->st.segments++;
	if (s->payload.n < s->wire_len)
		d->st.snaplen_cut++;
	if (f->state == TCP_CLOSED) {
		if (s->payload.n)
			d->st.retransmits++;
		return;
	}
	if (s->flags & TCPF_SYN) {
		d->st.syn++;
		if (!d->started) {
			d->started = 1;
			d->isn = s->seq + 1;
			d->next_off = 0;
		} else {
			syn_alt_isn(d, s->seq + 1);
		}
		if (s->flags & TCPF_ACK)
			f->state = TCP_OPEN;
	}
	if (s->flags & TCPF_FIN)
		d->st.fin++;
	if (s->flags & TCPF_RST)
		d->st.rst++;

	/* A payload cut by the snaplen is delivered as far as it goes and the
	 * rest is a gap: the bytes existed, the capture did not keep them. */
	dir_data(t, f, dir, s);
	if (s->payload.n < s->wire_len && !f->ignored && d->started) {
		int64_t off = seq_off(d, s->seq + ((s->flags & TCPF_SYN) ? 1u : 0u));
		uint64_t end = (uint64_t)(off + (int64_t)s->wire_len);
		if (off >= 0 && end > d->next_off && (uint64_t)off + s->payload.n >= d->next_off &&
		    d->ooo == NULL)
			deliver(t, f, dir, NULL, (size_t)(end - d->next_off), s->ts_ns, s->frame);
	}
	if (s->flags & TCPF_ACK)
		dir_acked(t, f, 1 - dir, s->ack, s);

	if (s->flags & TCPF_RST) {
		flow_close(t, f, TCP_CLOSE_RST);
		return;
	}
	/* An ignored flow delivers nothing: its FINs end it without waiting
	 * for the bytes before them. */
	for (int i = 0; i < 2; i++)
		if (f->d[i].fin_seen && (f->ignored || f->d[i].next_off >= f->d[i].fin_off) &&
		    f->state != TCP_CLOSED)
			f->state = TCP_CLOSING;
	if (f->d[0].fin_seen && f->d[1].fin_seen &&
	    (f->ignored ||
	     (f->d[0].next_off >= f->d[0].fin_off && f->d[1].next_off >= f->d[1].fin_off)))
		flow_close(t, f, TCP_CLOSE_FIN);
}

void tcp_table_advance(struct tcp_table *t, int64_t now_ns)
{
	if (now_ns > t->now)
		t->now = now_ns;
	expire(t);
}

void tcp_table_finish(struct tcp_table *t)
{
	while (t->lru.tail)
		flow_end(t, t->lru.tail, TCP_CLOSE_END);
	while (t->closed.tail)
		flow_destroy(t, t->closed.tail);
}

void tcp_table_free(struct tcp_table *t)
{
	if (t == NULL)
		return;
	tcp_table_finish(t);
	free(t->buckets);
	free(t);
}

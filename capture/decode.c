/*
 * decode.c - a captured frame down to TCP (or a DNS answer).
 *
 *  link:    Ethernet II / 802.3+SNAP, 802.1Q, 802.1ad QinQ, MPLS, PPPoE,
 *           Linux SLL (16 bytes) and SLL2 (20 bytes), raw IP, BSD NULL
 *           (host byte order AF) and LOOP (network order AF)
 *  tunnels: GRE (RFC 2784/2890) carrying IP, transparent Ethernet bridging
 *           (0x6558), ERSPAN type I/II (0x88BE) and III (0x22EB); IP-in-IP;
 *           VXLAN (UDP 4789)
 *  IPv4:    RFC 791, options skipped, fragments reassembled (RFC 815 holes
 *           tracked in 8-byte units, first copy wins on overlap)
 *  IPv6:    RFC 8200, hop-by-hop/routing/destination/AH headers skipped,
 *           fragment header reassembled like IPv4
 *  TCP:     RFC 9293 header; checksum checked and counted, never enforced
 *  DNS:     RFC 1035 responses over UDP 53/5353: A and AAAA answers keyed by
 *           the name that was asked (what the client dialled)
 */
#include "capture/decode.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"

#define MAX_DEPTH 8
#define FRAG_MAX_DGRAMS 1024
#define FRAG_TIMEOUT_NS (30LL * 1000000000)
#define FRAG_MAX_SIZE 65535u

struct frag_dgram {
	uint8_t family, proto;
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t *buf;				 /* FRAG_MAX_SIZE + 8 */
	uint8_t have[FRAG_MAX_SIZE / 8 / 8 + 2]; /* bitmap of 8-byte units */
	uint32_t total; /* payload length, known once the last piece came */
	int last_seen;
	int64_t first_ts;
	struct frag_dgram *next;
};

struct decoder {
	struct frag_dgram *frags;
	size_t nfrags;
	uint8_t *dgram; /* the reassembled datagram handed out */
	size_t dgram_len;
};

/* Per-call context threaded through the layers. */
struct dctx {
	struct decoder *d;
	const struct pkt *p;
	struct decoded *out;
	struct decode_stats *st;
	int depth;
	int cut;      /* caplen < origlen */
	int ip_whole; /* the outermost IP datagram: -1 not seen, 1 captured whole */
};

static enum decode_result dec_ether(struct dctx *x, struct cursor *c);
static enum decode_result dec_ip(struct dctx *x, struct cursor *c);

/* ---- endpoints ---- */

const char *endpoint_addr_str(const struct endpoint *e, char *buf, size_t len)
{
	if (inet_ntop(e->family == 6 ? AF_INET6 : AF_INET, e->addr, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

const char *endpoint_str(const struct endpoint *e, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	endpoint_addr_str(e, a, sizeof a);
	if (e->family == 6)
		snprintf(buf, len, "[%s]:%u", a, e->port);
	else
		snprintf(buf, len, "%s:%u", a, e->port);
	return buf;
}

int endpoint_eq(const struct endpoint *a, const struct endpoint *b)
{
	size_t n = a->family == 6 ? 16 : 4;
	int same = memcmp(a->addr, b->addr, n) == 0; /* lint: ok, copies out of packets */
	return a->family == b->family && a->port == b->port && same;
}

/* ---- decoder ---- */

struct decoder *decoder_new(void)
{
	return xcalloc(1, sizeof(struct decoder));
}

static void frag_free(struct frag_dgram *f)
{
	free(f->buf);
	free(f);
}

void decoder_free(struct decoder *d)
{
	if (d == NULL)
		return;
	while (d->frags) {
		struct frag_dgram *n = d->frags->next;
		frag_free(d->frags);
		d->frags = n;
	}
	free(d->dgram);
	free(d);
}

/* ---- link layers ---- */

static enum decode_result by_ethertype(struct dctx *x, struct cursor *c, uint16_t type)
{
	switch (type) {
	case 0x0800:
	case 0x86dd: return dec_ip(x, c);
	case 0x8100:
	case 0x88a8:
	case 0x9100: {
		uint16_t tci, inner;
		if (cur_u16(c, &tci) != PE_OK || cur_u16(c, &inner) != PE_OK)
			return x->cut ? DEC_SKIP : DEC_BAD;
		x->st->vlan_tagged += x->depth == 0 ? 1 : 0;
		if (++x->depth > MAX_DEPTH)
			return DEC_BAD;
		return by_ethertype(x, c, inner);
	}
	case 0x8847:
	case 0x8848: { /* MPLS: pop labels to bottom of stack, guess by version */
		for (int i = 0; i < 16; i++) {
			uint32_t lse;
			if (cur_u32(c, &lse) != PE_OK)
				return DEC_BAD;
			if (lse & 0x100)
				return dec_ip(x, c);
		}
		return DEC_BAD;
	}
	case 0x8864: { /* PPPoE session */
		uint8_t vt, code;
		uint16_t sid, len, proto;
		if (cur_u8(c, &vt) != PE_OK || cur_u8(c, &code) != PE_OK ||
		    cur_u16(c, &sid) != PE_OK || cur_u16(c, &len) != PE_OK ||
		    cur_u16(c, &proto) != PE_OK)
			return DEC_BAD;
		if (proto == 0x0021 || proto == 0x0057)
			return dec_ip(x, c);
		x->st->non_ip++;
		return DEC_SKIP;
	}
	case 0x6558:
		if (++x->depth > MAX_DEPTH)
			return DEC_BAD;
		return dec_ether(x, c);
	}
	x->st->non_ip++;
	return DEC_SKIP;
}

static enum decode_result dec_ether(struct dctx *x, struct cursor *c)
{
	uint16_t type;
	if (cur_skip(c, 12) != PE_OK || cur_u16(c, &type) != PE_OK)
		return DEC_BAD;
	if (type <= 1500) { /* 802.3 length: IP only inside LLC/SNAP */
		uint8_t dsap, ssap, ctl;
		if (cur_u8(c, &dsap) != PE_OK || cur_u8(c, &ssap) != PE_OK ||
		    cur_u8(c, &ctl) != PE_OK)
			return DEC_BAD;
		if (dsap != 0xaa || ssap != 0xaa || ctl != 0x03 || cur_skip(c, 3) != PE_OK ||
		    cur_u16(c, &type) != PE_OK) {
			x->st->non_ip++;
			return DEC_SKIP;
		}
	}
	return by_ethertype(x, c, type);
}

static enum decode_result dec_af(struct dctx *x, struct cursor *c, uint32_t af)
{
	switch (af) {
	case 2: /* AF_INET everywhere */
	case 10:
	case 24:
	case 28:
	case 30: /* AF_INET6: Linux, BSDs, macOS */ return dec_ip(x, c);
	}
	x->st->non_ip++;
	return DEC_SKIP;
}

static enum decode_result dec_link(struct dctx *x, struct cursor *c, int lt)
{
	uint16_t proto;
	uint32_t af;
	switch (lt) {
	case LT_ETHERNET: return dec_ether(x, c);
	case LT_RAW:
	case LT_RAW_DLT12:
	case LT_RAW_DLT14:
	case LT_IPV4:
	case LT_IPV6: return dec_ip(x, c);
	case LT_NULL:
		/* Host byte order of the capturing machine: try both. */
		if (cur_u32le(c, &af) != PE_OK)
			return DEC_BAD;
		if (af > 0xffff)
			af = (af >> 24) | ((af >> 8) & 0xff00);
		return dec_af(x, c, af);
	case LT_LOOP:
		if (cur_u32(c, &af) != PE_OK)
			return DEC_BAD;
		return dec_af(x, c, af);
	case LT_LINUX_SLL:
		if (cur_skip(c, 14) != PE_OK || cur_u16(c, &proto) != PE_OK)
			return DEC_BAD;
		return by_ethertype(x, c, proto);
	case LT_LINUX_SLL2:
		if (cur_u16(c, &proto) != PE_OK || cur_skip(c, 18) != PE_OK)
			return DEC_BAD;
		return by_ethertype(x, c, proto);
	}
	x->st->unknown_linktype++;
	x->st->last_unknown_linktype = lt;
	return DEC_UNKNOWN_LINK;
}

/* ---- tunnels ---- */

/* GRE, RFC 2784 / 2890, and the ERSPAN headers it may carry. */
static enum decode_result dec_gre(struct dctx *x, struct cursor *c)
{
	uint16_t fl, proto;
	if (cur_u16(c, &fl) != PE_OK || cur_u16(c, &proto) != PE_OK)
		return DEC_BAD;
	if ((fl & 0x7) != 0) { /* version 1 is PPTP's enhanced GRE */
		x->st->other_l4++;
		return DEC_SKIP;
	}
	int has_seq = (fl & 0x1000) != 0;
	if ((fl & 0x8000) && cur_skip(c, 4) != PE_OK) /* checksum + reserved */
		return DEC_BAD;
	if ((fl & 0x2000) && cur_skip(c, 4) != PE_OK) /* key */
		return DEC_BAD;
	if (has_seq && cur_skip(c, 4) != PE_OK)
		return DEC_BAD;
	if (++x->depth > MAX_DEPTH)
		return DEC_BAD;
	x->st->tunnelled_gre++;
	if (proto == 0x88be) {
		/* ERSPAN type I has no header and no GRE sequence number;
		 * type II has an 8-byte header. */
		x->st->tunnelled_erspan++;
		if (has_seq && cur_skip(c, 8) != PE_OK)
			return DEC_BAD;
		return dec_ether(x, c);
	}
	if (proto == 0x22eb) {
		/* ERSPAN type III: 12 bytes; the O bit (last bit) adds an
		 * 8-byte platform-specific subheader; FT 2 means IP, not Ethernet. */
		uint8_t h[12];
		x->st->tunnelled_erspan++;
		if (cur_copy(c, h, sizeof h) != PE_OK)
			return DEC_BAD;
		if ((h[11] & 1) && cur_skip(c, 8) != PE_OK)
			return DEC_BAD;
		unsigned ft = (h[10] >> 2) & 0x1f;
		if (ft == 2)
			return dec_ip(x, c);
		return dec_ether(x, c);
	}
	return by_ethertype(x, c, proto);
}

/* ---- DNS (answers only) ---- */

/* Read a possibly compressed name starting at cursor position `at` of the
 * whole message; writes a dotted name into out. */
static int dns_name(struct span msg, size_t at, char *out, size_t outlen, size_t *after)
{
	size_t o = 0, pos = at;
	int jumps = 0, jumped = 0;
	struct cursor c;
	for (;;) {
		uint8_t len;
		cur_init(&c, msg.p, msg.n);
		if (cur_skip(&c, pos) != PE_OK || cur_u8(&c, &len) != PE_OK)
			return -1;
		if ((len & 0xc0) == 0xc0) {
			uint8_t lo;
			if (cur_u8(&c, &lo) != PE_OK || ++jumps > 32)
				return -1;
			if (!jumped && after)
				*after = pos + 2;
			jumped = 1;
			pos = (size_t)(len & 0x3f) << 8 | lo;
			continue;
		}
		if (len & 0xc0)
			return -1;
		if (len == 0) {
			if (!jumped && after)
				*after = pos + 1;
			break;
		}
		struct span lab;
		if (cur_bytes(&c, len, &lab) != PE_OK)
			return -1;
		if (o + len + 2 > outlen)
			return -1;
		if (o)
			out[o++] = '.';
		struct cursor lc;
		cur_init(&lc, lab.p, lab.n);
		for (size_t i = 0; i < lab.n; i++) {
			uint8_t ch;
			if (cur_u8(&lc, &ch) != PE_OK)
				return -1;
			out[o++] = ch ? (char)ch : '?';
		}
		pos += 1 + len;
	}
	out[o] = 0;
	return 0;
}

static void dec_dns(struct dctx *x, struct span msg)
{
	struct cursor c;
	uint16_t id, flags, qd, an, ns, ar;
	cur_init(&c, msg.p, msg.n);
	if (cur_u16(&c, &id) != PE_OK || cur_u16(&c, &flags) != PE_OK ||
	    cur_u16(&c, &qd) != PE_OK || cur_u16(&c, &an) != PE_OK || cur_u16(&c, &ns) != PE_OK ||
	    cur_u16(&c, &ar) != PE_OK)
		return;
	if (!(flags & 0x8000) || qd != 1 || an == 0)
		return;
	char qname[256];
	size_t pos = 12, after = 0;
	if (dns_name(msg, pos, qname, sizeof qname, &after) != 0)
		return;
	pos = after + 4;
	for (unsigned i = 0; i < an && x->out->n_dns < DECODE_MAX_DNS; i++) {
		char nm[256];
		if (dns_name(msg, pos, nm, sizeof nm, &after) != 0)
			return;
		cur_init(&c, msg.p, msg.n);
		uint16_t type, cls, rdlen;
		uint32_t ttl;
		struct span rd;
		if (cur_skip(&c, after) != PE_OK || cur_u16(&c, &type) != PE_OK ||
		    cur_u16(&c, &cls) != PE_OK || cur_u32(&c, &ttl) != PE_OK ||
		    cur_u16(&c, &rdlen) != PE_OK || cur_bytes(&c, rdlen, &rd) != PE_OK)
			return;
		pos = after + 10 + rdlen;
		if ((type == 1 && rdlen == 4) || (type == 28 && rdlen == 16)) {
			struct dns_seen *d = &x->out->dns[x->out->n_dns++];
			struct cursor rc;
			memset(d, 0, sizeof *d);
			d->family = type == 1 ? 4 : 6;
			cur_init(&rc, rd.p, rd.n);
			if (cur_copy(&rc, d->addr, rdlen) != PE_OK)
				return;
			snprintf(d->name, sizeof d->name, "%s", qname);
			d->ts_ns = x->p->ts_ns;
			d->frame = x->p->frame;
		}
	}
}

/* ---- transport ---- */

static uint32_t pseudo_sum(uint8_t family, const uint8_t *src, const uint8_t *dst, uint8_t proto,
			   uint32_t len)
{
	size_t n = family == 6 ? 16 : 4;
	struct span s = { src, n }, d = { dst, n };
	uint32_t acc = span_sum16(s, 0);
	acc = span_sum16(d, acc);
	acc += proto;
	acc += len >> 16;
	acc += len & 0xffff;
	return acc;
}

static enum decode_result dec_l4(struct dctx *x, uint8_t family, const uint8_t *src,
				 const uint8_t *dst, uint8_t proto, struct cursor *c,
				 uint32_t wire_len)
{
	if (proto == 47)
		return dec_gre(x, c);
	if (proto == 4 || proto == 41) {
		if (++x->depth > MAX_DEPTH)
			return DEC_BAD;
		return dec_ip(x, c);
	}
	if (proto == 17) {
		uint16_t sp, dp, ulen, sum;
		if (cur_u16(c, &sp) != PE_OK || cur_u16(c, &dp) != PE_OK ||
		    cur_u16(c, &ulen) != PE_OK || cur_u16(c, &sum) != PE_OK)
			return x->cut ? DEC_SKIP : DEC_BAD;
		x->st->udp++;
		if (dp == 4789 && ++x->depth <= MAX_DEPTH) { /* VXLAN */
			uint32_t f, vni;
			if (cur_u32(c, &f) == PE_OK && cur_u32(c, &vni) == PE_OK &&
			    (f & 0x08000000))
				return dec_ether(x, c);
			return DEC_SKIP;
		}
		if (sp == 53 || sp == 5353) {
			x->out->n_dns = 0;
			dec_dns(x, cur_rest(c));
			if (x->out->n_dns) {
				x->st->dns_answers += x->out->n_dns;
				return DEC_DNS;
			}
		}
		/* RFC 768: the length covers the 8-byte header; the IP
		 * datagram's length bounds it. */
		if (ulen < 8 || ulen > wire_len)
			return DEC_BAD;
		struct udp_dgram *u = &x->out->udp;
		size_t alen = family == 6 ? 16 : 4;
		memset(u, 0, sizeof *u);
		u->src.family = u->dst.family = family;
		/* src and dst were copied out of the packet by cur_copy */
		memcpy(u->src.addr, src, alen); /* lint: ok */
		memcpy(u->dst.addr, dst, alen); /* lint: ok */
		u->src.port = sp;
		u->dst.port = dp;
		u->wire_len = (uint32_t)ulen - 8;
		u->payload = cur_rest(c);
		if (u->payload.n > u->wire_len)
			u->payload.n = u->wire_len; /* Ethernet padding */
		if (u->payload.n < u->wire_len)
			x->st->snaplen_cut++;
		u->ts_ns = x->p->ts_ns;
		u->frame = x->p->frame;
		return DEC_UDP;
	}
	if (proto != 6) {
		x->st->other_l4++;
		return DEC_SKIP;
	}
	struct span whole = cur_rest(c);
	struct tcp_seg *t = &x->out->tcp;
	uint8_t off_byte, flags;
	uint16_t sum, urg;
	memset(t, 0, sizeof *t);
	if (cur_u16(c, &t->src.port) != PE_OK || cur_u16(c, &t->dst.port) != PE_OK ||
	    cur_u32(c, &t->seq) != PE_OK || cur_u32(c, &t->ack) != PE_OK ||
	    cur_u8(c, &off_byte) != PE_OK || cur_u8(c, &flags) != PE_OK ||
	    cur_u16(c, &t->window) != PE_OK || cur_u16(c, &sum) != PE_OK ||
	    cur_u16(c, &urg) != PE_OK) {
		if (x->cut) {
			x->st->snaplen_cut++;
			return DEC_SKIP;
		}
		return DEC_BAD;
	}
	size_t hlen = (size_t)(off_byte >> 4) * 4;
	if (hlen < 20 || hlen > wire_len) {
		return DEC_BAD;
	}
	if (cur_skip(c, hlen - 20) != PE_OK) {
		x->st->snaplen_cut++;
		return DEC_SKIP;
	}
	x->st->tcp++;
	t->flags = flags;
	t->src.family = t->dst.family = family;
	/* src and dst were copied out of the packet by cur_copy */
	memcpy(t->src.addr, src, family == 6 ? 16 : 4); /* lint: ok */
	memcpy(t->dst.addr, dst, family == 6 ? 16 : 4); /* lint: ok */
	t->payload = cur_rest(c);
	t->wire_len = wire_len - (uint32_t)hlen;
	if (t->payload.n > t->wire_len)
		t->payload.n = t->wire_len; /* Ethernet padding */
	if (t->payload.n < t->wire_len)
		x->st->snaplen_cut++;
	else if (whole.n >= wire_len) {
		struct span seg = { whole.p, wire_len };
		uint32_t acc = pseudo_sum(family, src, dst, 6, wire_len);
		if (csum_finish(span_sum16(seg, acc)) != 0)
			x->st->bad_tcp_csum++;
	}
	t->ts_ns = x->p->ts_ns;
	t->frame = x->p->frame;
	return DEC_TCP;
}

/* ---- fragments ---- */

static void bit_set_range(uint8_t *bm, uint32_t from, uint32_t to)
{
	for (uint32_t u = from; u < to; u++)
		bm[u >> 3] |= (uint8_t)(1u << (u & 7));
}

static int bit_all(const uint8_t *bm, uint32_t to)
{
	for (uint32_t u = 0; u < to; u++)
		if (!(bm[u >> 3] & (1u << (u & 7))))
			return 0;
	return 1;
}

/*
 * Add one fragment. Returns 1 and sets *dg and *dlen when the datagram is
 * complete (payload only, borrowed from the decoder), 0 when held.
 */
static int frag_add(struct dctx *x, uint8_t family, const uint8_t *src, const uint8_t *dst,
		    uint32_t id, uint8_t proto, uint32_t off, int more, struct span data,
		    const uint8_t **dg, uint32_t *dlen)
{
	struct decoder *d = x->d;
	size_t n = family == 6 ? 16 : 4;
	int64_t now = x->p->ts_ns;
	struct frag_dgram **pp = &d->frags, *f = NULL;

	x->st->frag_pieces++;
	/* Expire old datagrams while looking for ours. */
	while (*pp) {
		struct frag_dgram *g = *pp;
		/* 128-bit: timestamps are arbitrary (hostile) 64-bit values. */
		if ((__int128)now - g->first_ts > FRAG_TIMEOUT_NS) {
			*pp = g->next;
			frag_free(g);
			d->nfrags--;
			x->st->frag_dropped++;
			continue;
		}
		/* src and dst were copied out of the packet by the cursor */
		int same_src = memcmp(g->src, src, n) == 0; /* lint: ok */
		int same_dst = memcmp(g->dst, dst, n) == 0; /* lint: ok */
		if (g->family == family && g->proto == proto && g->id == id && same_src && same_dst)
			f = g;
		pp = &g->next;
	}
	if (off + data.n > FRAG_MAX_SIZE) {
		x->st->malformed++;
		return 0;
	}
	if (f == NULL) {
		if (d->nfrags >= FRAG_MAX_DGRAMS) {
			/* Drop the oldest: the list is newest first, so the
			 * last one (not the head, or a flood of first pieces
			 * would lock new datagrams out until the timeout). */
			struct frag_dgram **last = &d->frags;
			while ((*last)->next)
				last = &(*last)->next;
			frag_free(*last);
			*last = NULL;
			d->nfrags--;
			x->st->frag_dropped++;
		}
		f = xcalloc(1, sizeof *f);
		f->family = family;
		f->proto = proto;
		f->id = id;
		memcpy(f->src, src, n); /* lint: ok, addresses copied out by the cursor */
		memcpy(f->dst, dst, n); /* lint: ok */
		f->buf = xcalloc(FRAG_MAX_SIZE + 8, 1);
		f->first_ts = now;
		f->next = d->frags;
		d->frags = f;
		d->nfrags++;
	}
	/* First copy wins: only fill 8-byte units not yet held. */
	uint32_t end = off + (uint32_t)data.n;
	struct cursor dc;
	cur_init(&dc, data.p, data.n);
	for (uint32_t u = off / 8; u * 8 < end; u++) {
		uint32_t a = u * 8 < off ? off : u * 8, b = (u + 1) * 8 > end ? end : (u + 1) * 8;
		if (!(f->have[u >> 3] & (1u << (u & 7)))) {
			if (cur_copy(&dc, f->buf + a, b - a) != PE_OK)
				break;
		} else if (cur_skip(&dc, b - a) != PE_OK) {
			break;
		}
	}
	bit_set_range(f->have, off / 8, (end + 7) / 8);
	if (!more) {
		f->last_seen = 1;
		f->total = end;
	}
	if (!f->last_seen || !bit_all(f->have, (f->total + 7) / 8))
		return 0;
	/* Complete: hand it out and forget it. */
	free(d->dgram);
	d->dgram = f->buf;
	d->dgram_len = f->total;
	f->buf = NULL;
	for (pp = &d->frags; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	frag_free(f);
	d->nfrags--;
	x->st->frag_reassembled++;
	*dg = d->dgram;
	*dlen = (uint32_t)d->dgram_len;
	return 1;
}

/* ---- IP ---- */

static enum decode_result dec_ipv4(struct dctx *x, struct cursor *c)
{
	struct span hdr_start = cur_rest(c);
	uint8_t vihl, tos, ttl, proto;
	uint16_t tot, id, frag, sum;
	uint8_t src[4], dst[4];
	if (cur_u8(c, &vihl) != PE_OK || cur_u8(c, &tos) != PE_OK || cur_u16(c, &tot) != PE_OK ||
	    cur_u16(c, &id) != PE_OK || cur_u16(c, &frag) != PE_OK || cur_u8(c, &ttl) != PE_OK ||
	    cur_u8(c, &proto) != PE_OK || cur_u16(c, &sum) != PE_OK ||
	    cur_copy(c, src, 4) != PE_OK || cur_copy(c, dst, 4) != PE_OK)
		goto short_hdr;
	size_t ihl = (size_t)(vihl & 0x0f) * 4;
	/* Total length 0 is a TSO/BIG TCP capture (handled below). */
	if (ihl < 20 || (tot != 0 && tot < ihl))
		return DEC_BAD;
	if (cur_skip(c, ihl - 20) != PE_OK)
		goto short_hdr;
	x->st->ipv4++;
	struct span h = { hdr_start.p, ihl };
	if (csum_finish(span_sum16(h, 0)) != 0)
		x->st->bad_ip_csum++;
	/* TSO captures show total length 0: take what was captured. */
	uint32_t plen = tot ? (uint32_t)(tot - ihl) : (uint32_t)cur_left(c);
	struct cursor pl;
	size_t avail = cur_left(c) < plen ? cur_left(c) : plen;
	if (cur_sub(c, avail, &pl) != PE_OK)
		return DEC_BAD;
	if (x->ip_whole < 0)
		x->ip_whole = tot != 0 && avail >= plen;
	uint32_t foff = (uint32_t)(frag & 0x1fff) * 8;
	int more = (frag & 0x2000) != 0;
	if (foff || more) {
		if (avail < plen) { /* a cut fragment cannot be reassembled */
			x->st->snaplen_cut++;
			x->st->frag_dropped++;
			return DEC_SKIP;
		}
		const uint8_t *dg;
		uint32_t dlen;
		if (!frag_add(x, 4, src, dst, id, proto, foff, more, cur_rest(&pl), &dg, &dlen))
			return DEC_SKIP;
		struct cursor rc;
		cur_init(&rc, dg, dlen);
		return dec_l4(x, 4, src, dst, proto, &rc, dlen);
	}
	return dec_l4(x, 4, src, dst, proto, &pl, plen);
short_hdr:
	if (x->cut) {
		x->st->snaplen_cut++;
		return DEC_SKIP;
	}
	return DEC_BAD;
}

/*
 * Skip IPv6 extension headers (RFC 8200 §4.1) up to the upper-layer header
 * or a Fragment header, updating *nh. *len counts the payload bytes from
 * the cursor on (the IP header's view, which a snaplen may cut the cursor
 * short of) and shrinks with each header.
 */
PE_MUST_USE static enum parse_err v6_skip_ext(struct cursor *pl, uint8_t *nh, uint32_t *len)
{
	for (int i = 0; i < 16; i++) {
		uint8_t next, hl;
		size_t skip;
		switch (*nh) {
		case 0:	  /* hop-by-hop */
		case 43:  /* routing */
		case 60:  /* destination options */
		case 135: /* mobility */
		case 139: /* HIP */
		case 140: /* shim6 */
			TRY(cur_u8(pl, &next));
			TRY(cur_u8(pl, &hl));
			skip = (size_t)hl * 8 + 6;
			break;
		case 51: /* AH: length in 4-byte units minus 2 */
			TRY(cur_u8(pl, &next));
			TRY(cur_u8(pl, &hl));
			skip = (size_t)hl * 4 + 6;
			break;
		default: return PE_OK;
		}
		TRY(cur_skip(pl, skip));
		*len = *len > skip + 2 ? *len - (uint32_t)(skip + 2) : 0;
		*nh = next;
	}
	return PE_OK; /* a chain this long is left undecoded (other_l4) */
}

static enum decode_result dec_ipv6(struct dctx *x, struct cursor *c)
{
	uint32_t vtf;
	uint16_t plen;
	uint8_t nh, hop, src[16], dst[16];
	if (cur_u32(c, &vtf) != PE_OK || cur_u16(c, &plen) != PE_OK || cur_u8(c, &nh) != PE_OK ||
	    cur_u8(c, &hop) != PE_OK || cur_copy(c, src, 16) != PE_OK ||
	    cur_copy(c, dst, 16) != PE_OK) {
		if (x->cut) {
			x->st->snaplen_cut++;
			return DEC_SKIP;
		}
		return DEC_BAD;
	}
	x->st->ipv6++;
	/* Payload length 0: a jumbogram, or a TSO/BIG TCP capture (over 64 KiB
	 * with the length left 0): take what was captured. */
	uint32_t len = plen ? plen : (uint32_t)cur_left(c);
	size_t avail = cur_left(c) < len ? cur_left(c) : len;
	struct cursor pl;
	if (cur_sub(c, avail, &pl) != PE_OK)
		return DEC_BAD;
	if (x->ip_whole < 0)
		x->ip_whole = plen != 0 && avail >= len;
	for (int atomic = 0; atomic < 4; atomic++) {
		if (v6_skip_ext(&pl, &nh, &len) != PE_OK)
			goto cut;
		if (nh != 44)
			return dec_l4(x, 6, src, dst, nh, &pl, len);
		/* Fragment header. Everything after it, extension headers
		 * included, is the fragmentable part that offsets count in
		 * (RFC 8200 §4.5), so that is parsed after reassembly. */
		uint8_t next, res;
		uint16_t offm;
		uint32_t fid;
		if (cur_u8(&pl, &next) != PE_OK || cur_u8(&pl, &res) != PE_OK ||
		    cur_u16(&pl, &offm) != PE_OK || cur_u32(&pl, &fid) != PE_OK)
			goto cut;
		len = len > 8 ? len - 8 : 0;
		nh = next;
		uint32_t foff = (uint32_t)(offm & 0xfff8);
		int more = offm & 1;
		if (foff == 0 && !more)
			continue; /* an atomic fragment is the whole packet */
		if (cur_left(&pl) < len) {
			x->st->snaplen_cut++;
			x->st->frag_dropped++;
			return DEC_SKIP;
		}
		const uint8_t *dg;
		uint32_t dlen;
		if (!frag_add(x, 6, src, dst, fid, nh, foff, more, cur_rest(&pl), &dg, &dlen))
			return DEC_SKIP;
		struct cursor rc;
		cur_init(&rc, dg, dlen);
		/* The reassembled datagram is complete: running short in it is
		 * malformed, and so is another fragment header inside it. */
		if (v6_skip_ext(&rc, &nh, &dlen) != PE_OK || nh == 44)
			return DEC_BAD;
		return dec_l4(x, 6, src, dst, nh, &rc, dlen);
	}
	return DEC_BAD; /* atomic fragment headers nested past reason */
cut:
	if (x->cut) {
		x->st->snaplen_cut++;
		return DEC_SKIP;
	}
	return DEC_BAD;
}

static enum decode_result dec_ip(struct dctx *x, struct cursor *c)
{
	uint8_t v;
	if (cur_peek_u8(c, 0, &v) != PE_OK)
		return x->cut ? DEC_SKIP : DEC_BAD;
	switch (v >> 4) {
	case 4: return dec_ipv4(x, c);
	case 6: return dec_ipv6(x, c);
	}
	x->st->non_ip++;
	return DEC_SKIP;
}

enum decode_result decode_packet(struct decoder *d, const struct pkt *p, struct decoded *out,
				 struct decode_stats *st)
{
	struct dctx x = { d, p, out, st, 0, p->caplen < p->origlen, -1 };
	struct cursor c;
	st->frames++;
	out->n_dns = 0;
	cur_init(&c, p->data, p->caplen);
	enum decode_result r = dec_link(&x, &c, p->linktype);
	out->trailer_cut = x.cut && x.ip_whole == 1;
	if (r == DEC_BAD && x.cut)
		r = DEC_SKIP;
	if (r == DEC_BAD)
		st->malformed++;
	return r;
}

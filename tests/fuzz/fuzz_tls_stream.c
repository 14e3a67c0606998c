/*
 * fuzz_tls_stream.c - the TLS stream machine (dissect/tls.c) fed two
 * directions of a TCP connection.
 *
 * Input:  flags(1) then frames, each  dir(1) len(2, big-endian) bytes[len]
 *   dir & 1        direction (0 client->server, 1 server->client)
 *   len & 0x8000   a capture gap of (len & 0x7fff) bytes; no bytes follow
 *   dir & 2        (with a table) another copy of the last len bytes sent
 *                  that way, which may differ: a retransmission (the TCP
 *                  layer keeps the other copy; the dissector may read it)
 * flags & 1: 0 = chunks go straight to the handler's data callback (exact
 *            gaps, no table); 1 = they become TCP segments through a
 *            tcp_table (ACKs reveal gaps; the dissector may ignore the flow).
 * flags & 2: with a table, the three-way handshake is captured first.
 * Every emitted session is checked for internal consistency, then freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/cursor.h"
#include "capture/tcp.h"
#include "capture/xalloc.h"
#include "dissect/certcache.h"
#include "dissect/session.h"
#include "dissect/tls.h"
#include "rules/notes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void need(int cond)
{
	if (!cond)
		abort();
}

static void emit(void *ctx, struct tls_session *s)
{
	(void)ctx;
	need(s->n_ladder <= s->cap_ladder || s->ladder == NULL);
	for (size_t i = 0; i < s->n_ladder; i++) {
		const struct ladder_entry *e = &s->ladder[i];
		if (e->kind == LAD_ALERT)
			need(e->type >= 0 && (size_t)e->type < s->n_alerts);
		need(e->side == SIDE_CLIENT || e->side == SIDE_SERVER);
		(void)tls_hs_type_name(e->type);
	}
	for (size_t i = 0; i < s->n_alerts; i++)
		(void)tls_alert_name(s->alerts[i].desc);
	for (size_t i = 0; i < s->n_notes; i++) {
		char *t = note_text(&s->notes[i]); /* the rules word any note */
		need(t != NULL && t[0]);
		free(t);
	}
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < s->chain[k].n; i++)
			need(s->chain[k].certs[i] != NULL);
	for (size_t i = 0; i < s->cr.n_ca; i++)
		need(s->cr.ca_der[i] != NULL);
	if (s->ch.present)
		need(strlen(s->ch.ja4) == 36 && strlen(s->ch.ja3) == 32);
	(void)tls_version_name(s->version);
	tls_session_free(s);
}

static void ep(struct endpoint *e, uint8_t last, uint16_t port)
{
	memset(e, 0, sizeof *e);
	e->family = 4;
	e->addr[0] = 10;
	e->addr[3] = last;
	e->port = port;
}

struct seg_state {
	struct tcp_table *t;
	uint32_t isn[2];
	uint64_t next[2]; /* stream offset of the next byte, gaps included */
	uint64_t frame;
};

static void send_seg(struct seg_state *g, int dir, uint8_t flags, const uint8_t *p, size_t n)
{
	struct tcp_seg s;
	memset(&s, 0, sizeof s);
	ep(&s.src, dir ? 2 : 1, dir ? 443 : 40000);
	ep(&s.dst, dir ? 1 : 2, dir ? 40000 : 443);
	s.seq = g->isn[dir] + 1 + (uint32_t)g->next[dir];
	s.ack = g->isn[1 - dir] + 1 + (uint32_t)g->next[1 - dir];
	s.flags = flags;
	s.window = 65535;
	s.payload.p = p;
	s.payload.n = n;
	s.wire_len = (uint32_t)n;
	g->frame++;
	s.frame = g->frame;
	s.ts_ns = (int64_t)g->frame * 1000000;
	if (flags & TCPF_SYN) {
		s.seq = g->isn[dir];
		s.ack = dir ? g->isn[0] + 1 : 0;
	}
	tcp_table_input(g->t, &s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c;
	uint8_t flags;
	cur_init(&c, data, size);
	if (cur_u8(&c, &flags) != PE_OK)
		return 0;

	struct cert_cache *cc = certcache_new();
	struct tls_dissector *d = tls_dissector_new(cc, "fuzz", emit, NULL);
	struct tcp_handler h = tls_dissector_handler(d);

	if (flags & 1) {
		struct tcp_config cfg;
		tcp_config_default(&cfg);
		cfg.max_flows = 4; /* one flow: keep the table small */
		cfg.max_buffer = 1u << 16;
		struct seg_state g = { 0 };
		g.t = tcp_table_new(&cfg, &h);
		g.isn[0] = 1000;
		g.isn[1] = 0xfffff000u; /* wraps */
		if (flags & 2) {
			send_seg(&g, 0, TCPF_SYN, NULL, 0);
			send_seg(&g, 1, TCPF_SYN | TCPF_ACK, NULL, 0);
			send_seg(&g, 0, TCPF_ACK, NULL, 0);
		}
		for (;;) {
			uint8_t dir;
			uint16_t len;
			struct span b;
			if (cur_u8(&c, &dir) != PE_OK || cur_u16(&c, &len) != PE_OK)
				break;
			int again = (dir & 2) != 0;
			dir &= 1;
			if (len & 0x8000) {
				g.next[dir] += len & 0x7fff;
				continue;
			}
			if (cur_bytes(&c, len, &b) != PE_OK)
				b = cur_rest(&c);
			if (again) {
				uint64_t next = g.next[dir];
				g.next[dir] -= b.n < next ? b.n : next;
				send_seg(&g, dir, TCPF_ACK | TCPF_PSH, b.p, b.n);
				g.next[dir] = next > g.next[dir] + b.n ? next : g.next[dir] + b.n;
			} else {
				send_seg(&g, dir, TCPF_ACK | TCPF_PSH, b.p, b.n);
				g.next[dir] += b.n;
			}
			if (b.n < len)
				break;
		}
		tcp_table_finish(g.t);
		tcp_table_free(g.t);
	} else {
		struct tcp_flow f;
		uint64_t off[2] = { 0, 0 }, frame = 0;
		memset(&f, 0, sizeof f);
		f.id = 1;
		ep(&f.ep[0], 1, 40000);
		ep(&f.ep[1], 2, 443);
		f.first_frame = 1;
		h.open(h.ctx, &f);
		for (;;) {
			uint8_t dir;
			uint16_t len;
			struct span b;
			struct tcp_chunk ch;
			if (cur_u8(&c, &dir) != PE_OK || cur_u16(&c, &len) != PE_OK)
				break;
			memset(&ch, 0, sizeof ch);
			ch.dir = dir & 1;
			ch.off = off[ch.dir];
			ch.frame = ++frame;
			ch.ts_ns = (int64_t)frame * 1000000;
			if (len & 0x8000) {
				ch.data = NULL;
				ch.len = len & 0x7fff;
			} else {
				if (cur_bytes(&c, len, &b) != PE_OK)
					b = cur_rest(&c);
				if (b.n == 0)
					break;
				ch.data = b.p;
				ch.len = b.n;
			}
			if (ch.len == 0)
				continue;
			off[ch.dir] += ch.len;
			f.last_frame = frame;
			f.last_ts = ch.ts_ns;
			h.data(h.ctx, &f, &ch);
		}
		h.close(h.ctx, &f, TCP_CLOSE_END);
	}
	tls_dissector_free(d);
	certcache_free(cc);
	return 0;
}

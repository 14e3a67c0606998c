/*
 * fuzz_dtls.c - DTLS over UDP (dissect/dtls.c) fed datagrams of one
 * address/port pair, through a udp_table as capture.c feeds it.
 *
 * Input:  flags(1) then datagrams, each  dir(1) len(2, big-endian) bytes[len]
 *   dir & 1       direction (0: the first sender, 1: the other)
 *   dir & 2       the datagram was cut by the snaplen: its wire length
 *                 is 64 bytes more than what follows
 *   dir & 4       a time step past the idle timeout before it (the flow
 *                 ends, a new one may start)
 * flags & 1: a second address/port pair interleaved (dir & 8 picks it).
 * Then dtls_record_parse() / dtls_fragment_parse() on the whole input as
 * one datagram, with every CID length the input's first byte gives.
 * Every emitted session is checked for internal consistency, then freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/cursor.h"
#include "capture/udp.h"
#include "dissect/certcache.h"
#include "dissect/dtls.h"
#include "dissect/session.h"
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
	need(s->transport == TRANSPORT_UDP);
	for (size_t i = 0; i < s->n_ladder; i++) {
		const struct ladder_entry *e = &s->ladder[i];
		if (e->kind == LAD_ALERT)
			need(e->type >= 0 && (size_t)e->type < s->n_alerts);
		need(e->side == SIDE_CLIENT || e->side == SIDE_SERVER);
	}
	for (size_t i = 0; i < s->n_notes; i++) {
		char *t = note_text(&s->notes[i]);
		need(t != NULL && t[0]);
		free(t);
	}
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < s->chain[k].n; i++)
			need(s->chain[k].certs[i] != NULL);
	if (s->ch.present)
		need(strlen(s->ch.ja4) == 36 && strlen(s->ch.ja3) == 32);
	need(s->n_alerts <= 256 && s->n_ladder <= 4096);
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

static void parsers(const uint8_t *data, size_t size)
{
	struct cursor c;
	for (int cid = -1; cid <= 8; cid += 3) {
		cur_init(&c, data, size);
		struct dtls_record r;
		while (cur_left(&c) && dtls_record_parse(&c, cid, &r) == PE_OK) {
			need(r.body.n <= cur_left(&c) + c.off);
			struct cursor b;
			struct dtls_fragment f;
			cur_init(&b, r.body.p, r.body.n);
			while (cur_left(&b) && dtls_fragment_parse(&b, &f) == PE_OK)
				need((uint64_t)f.off + f.bytes.n <= f.len);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c;
	uint8_t flags;
	cur_init(&c, data, size);
	if (cur_u8(&c, &flags) != PE_OK)
		return 0;
	struct cert_cache *cc = certcache_new();
	struct dtls_dissector *d = dtls_dissector_new(cc, "fuzz", emit, NULL);
	struct udp_handler h = dtls_dissector_handler(d);
	struct udp_config cfg;
	udp_config_default(&cfg);
	cfg.max_flows = 2;
	struct udp_table *t = udp_table_new(&cfg, &h);
	uint64_t frame = 0;
	int64_t ts = 0;
	for (;;) {
		uint8_t dir;
		uint16_t len;
		struct span b;
		if (cur_u8(&c, &dir) != PE_OK || cur_u16(&c, &len) != PE_OK)
			break;
		if (cur_bytes(&c, len, &b) != PE_OK)
			b = cur_rest(&c);
		if (cur_skip(&c, b.n) != PE_OK && b.n == 0)
			break;
		struct udp_dgram g;
		memset(&g, 0, sizeof g);
		int pair = (flags & 1) && (dir & 8);
		ep(dir & 1 ? &g.src : &g.dst, 2, pair ? 5004 : 4433);
		ep(dir & 1 ? &g.dst : &g.src, 1, pair ? 6000 : 5000);
		g.payload = b;
		g.wire_len = (uint32_t)b.n + (dir & 2 ? 64u : 0u);
		ts += dir & 4 ? cfg.idle_timeout_ns + 1 : 1000000;
		g.ts_ns = ts;
		g.frame = ++frame;
		udp_table_input(t, &g);
	}
	udp_table_free(t);
	dtls_dissector_free(d);
	certcache_free(cc);
	parsers(data, size);
	return 0;
}

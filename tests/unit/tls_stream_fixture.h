/*
 * tls_stream_fixture.h - what the TLS stream tests share
 * (test_tls_stream.c, test_tls_stream_more.c): TLS messages and records
 * built by hand, one connection driven through a tcp_table (or straight
 * into the handler), and the model rendered for comparison.
 *
 * Client 10.0.0.1:40000, server 10.0.0.2:443 (ISNs 1000 / 900000). Each
 * segment is one frame; frame n has timestamp n ms. Ladders are written
 * as "side NAME@frame" items ("c CH@4", "s CERT*@6" for an incomplete
 * message, "c ALERT2.48@9", "s ENC@7", "GAP" entries as "s GAP@5").
 */
#ifndef TLSDIAG_TLS_STREAM_FIXTURE_H
#define TLSDIAG_TLS_STREAM_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "capture/tcp.h"
#include "capture/xalloc.h"
#include "dissect/certcache.h"
#include "dissect/session.h"
#include "dissect/tls.h"
#include "dissect/x509.h"
#include "tests/unit/t.h"

/* ---- bytes ---- */

#include "tests/unit/bb.h"
#include "tests/unit/pki.h"

/* ---- TLS messages ---- */

static struct cert_info **pki; /* leaf, intermediate, root */
static size_t npki;

/* Handshake message: type, u24 length, body. */
static inline void hs_open(struct bb *b, unsigned type)
{
	put8(b, type);
	open_(b, 3);
}

static inline void client_hello(struct bb *b, int tls13, const char *sni)
{
	hs_open(b, 1);
	put16(b, 0x0303);
	fill(b, 0x11, 32);
	put8(b, 0);
	open_(b, 2);
	if (tls13)
		put16(b, 0x1301);
	put16(b, 0xc02f);
	put16(b, 0x009c);
	close_(b);
	put8(b, 1);
	put8(b, 0);
	open_(b, 2);
	if (sni) {
		put16(b, 0);
		open_(b, 2);
		open_(b, 2);
		put8(b, 0);
		open_(b, 2);
		puts_(b, sni);
		close_(b);
		close_(b);
		close_(b);
	}
	put16(b, 10); /* supported_groups */
	put16(b, 4);
	put16(b, 2);
	put16(b, 0x0017);
	if (tls13) {
		put16(b, 43);
		put16(b, 3);
		put8(b, 2);
		put16(b, 0x0304);
	}
	close_(b);
	close_(b);
}

static inline void server_hello(struct bb *b, int tls13, unsigned cipher)
{
	hs_open(b, 2);
	put16(b, 0x0303);
	fill(b, 0x22, 32);
	put8(b, 0);
	put16(b, cipher);
	put8(b, 0);
	open_(b, 2);
	if (tls13) {
		put16(b, 43);
		put16(b, 2);
		put16(b, 0x0304);
		put16(b, 51);
		put16(b, 4 + 32);
		put16(b, 0x001d);
		put16(b, 32);
		fill(b, 0x5e, 32);
	} else {
		put16(b, 0xff01);
		put16(b, 1);
		put8(b, 0);
	}
	close_(b);
	close_(b);
}

static inline void certificate(struct bb *b, size_t n)
{
	hs_open(b, 11);
	open_(b, 3);
	for (size_t i = 0; i < n && i < npki; i++) {
		open_(b, 3);
		putn(b, pki[i]->der, pki[i]->der_len);
		close_(b);
	}
	close_(b);
	close_(b);
}

static inline void ske(struct bb *b)
{
	hs_open(b, 12);
	put8(b, 3);
	put16(b, 0x0017);
	put8(b, 65);
	fill(b, 4, 65);
	put16(b, 0x0401);
	put16(b, 256);
	fill(b, 0x5a, 256);
	close_(b);
}

static inline void shd(struct bb *b)
{
	put8(b, 14);
	put24(b, 0);
}

static inline void cke(struct bb *b)
{
	hs_open(b, 16);
	put8(b, 65);
	fill(b, 4, 65);
	close_(b);
}

/* One record of `type` around bytes. */
static inline void record(struct bb *out, unsigned type, const void *p, size_t n)
{
	put8(out, type);
	put16(out, 0x0303);
	put16(out, (unsigned)n);
	putn(out, p, n);
}

/* Records of at most `max` payload bytes around a handshake byte string. */
static inline void records(struct bb *out, unsigned type, const struct bb *in, size_t max)
{
	for (size_t o = 0; o < in->n; o += max)
		record(out, type, in->p + o, in->n - o < max ? in->n - o : max);
}

static inline void ccs(struct bb *out)
{
	record(out, 20, "\x01", 1);
}

/* An encrypted record: opaque bytes. */
static inline void opaque(struct bb *out, unsigned type, size_t n)
{
	put8(out, type);
	put16(out, 0x0303);
	put16(out, (unsigned)n);
	fill(out, 0xe7, n);
}

static inline void alert(struct bb *out, unsigned level, unsigned desc)
{
	uint8_t a[2] = { (uint8_t)level, (uint8_t)desc };
	record(out, 21, a, 2);
}

/* ---- the connection ---- */

#define MAXS 8

static struct {
	struct tcp_table *t;
	struct tls_dissector *d;
	struct cert_cache *cc;
	struct tls_session *s[MAXS];
	size_t ns;
	uint32_t isn[2];
	uint64_t off[2]; /* next stream offset per direction */
	uint64_t frame;
	/* direct mode */
	struct tcp_flow flow;
	struct tcp_handler h;
	int direct;
} C;

static inline void emit(void *ctx, struct tls_session *s)
{
	(void)ctx;
	if (C.ns < MAXS)
		C.s[C.ns++] = s;
	else
		tls_session_free(s);
}

static inline void ep(struct endpoint *e, int server)
{
	memset(e, 0, sizeof *e);
	e->family = 4;
	e->addr[0] = 10;
	e->addr[3] = server ? 2 : 1;
	e->port = server ? 443 : 40000;
}

static inline void start(int direct)
{
	memset(&C, 0, sizeof C);
	C.cc = certcache_new();
	C.d = tls_dissector_new(C.cc, "test.pcap", emit, NULL);
	C.h = tls_dissector_handler(C.d);
	C.isn[0] = 1000;
	C.isn[1] = 900000;
	C.direct = direct;
	if (direct) {
		C.flow.id = 1;
		ep(&C.flow.ep[0], 0);
		ep(&C.flow.ep[1], 1);
		C.flow.first_frame = 1;
		C.h.open(C.h.ctx, &C.flow);
	} else {
		struct tcp_config cfg;
		tcp_config_default(&cfg);
		C.t = tcp_table_new(&cfg, &C.h);
	}
}

/* One segment from `dir` (0 client, 1 server) with the peer's ACK. */
static inline void seg(int dir, uint8_t flags, const void *p, size_t n)
{
	struct tcp_seg s;
	memset(&s, 0, sizeof s);
	ep(&s.src, dir);
	ep(&s.dst, !dir);
	s.seq = C.isn[dir] + 1 + (uint32_t)C.off[dir];
	s.ack = C.isn[!dir] + 1 + (uint32_t)C.off[!dir];
	s.flags = (uint8_t)(flags | TCPF_ACK);
	if (flags & TCPF_SYN) {
		s.seq = C.isn[dir];
		if (dir == 0)
			s.flags = TCPF_SYN;
	}
	s.window = 65535;
	s.payload.p = p;
	s.payload.n = n;
	s.wire_len = (uint32_t)n;
	s.frame = ++C.frame;
	s.ts_ns = (int64_t)C.frame * 1000000;
	tcp_table_input(C.t, &s);
	C.off[dir] += n;
}

static inline void handshake3(void)
{
	seg(0, TCPF_SYN, NULL, 0);
	seg(1, TCPF_SYN, NULL, 0);
	seg(0, 0, NULL, 0);
}

/* Direct mode: a chunk (p == NULL: a gap of n bytes). */
static inline void chunk(int dir, const void *p, size_t n)
{
	struct tcp_chunk ch;
	memset(&ch, 0, sizeof ch);
	ch.dir = dir;
	ch.data = p;
	ch.len = n;
	ch.off = C.off[dir];
	ch.frame = ++C.frame;
	ch.ts_ns = (int64_t)C.frame * 1000000;
	C.flow.last_frame = C.frame;
	C.flow.last_ts = ch.ts_ns;
	C.h.data(C.h.ctx, &C.flow, &ch);
	C.off[dir] += n;
}

/* Send bytes from dir as segments of at most `mss` bytes. */
static inline void send_(int dir, const struct bb *b, size_t mss)
{
	for (size_t o = 0; o < b->n; o += mss) {
		size_t k = b->n - o < mss ? b->n - o : mss;
		if (C.direct)
			chunk(dir, b->p + o, k);
		else
			seg(dir, TCPF_PSH, b->p + o, k);
	}
}

/* Handshake bytes `h` from dir in records of 16384 and one segment (or
 * chunk); h is freed. */
static inline void send_hs(int dir, struct bb *h)
{
	struct bb r = { 0 };
	records(&r, 22, h, 16384);
	send_(dir, &r, 1 << 16);
	bb_free(h);
	bb_free(&r);
}

/* Through the TCP table: the TCP handshake (frames 1-3), then the client's
 * ClientHello (TLS 1.3 form when tls13) in one segment (frame 4). */
static inline void start_with_hello(int tls13, const char *sni)
{
	struct bb h = { 0 };
	start(0);
	handshake3();
	client_hello(&h, tls13, sni);
	send_hs(0, &h);
}

static inline void finish(void)
{
	if (C.direct) {
		C.h.close(C.h.ctx, &C.flow, TCP_CLOSE_END);
	} else {
		tcp_table_finish(C.t);
	}
}

static inline void stop(void)
{
	for (size_t i = 0; i < C.ns; i++)
		tls_session_free(C.s[i]);
	if (C.t)
		tcp_table_free(C.t);
	tls_dissector_free(C.d);
	certcache_free(C.cc);
	memset(&C, 0, sizeof C);
}

/* ---- rendering the model ---- */

static inline const char *hs_name(int t)
{
	switch (t) {
	case 1: return "CH";
	case 2: return "SH";
	case 4: return "NST";
	case 8: return "EE";
	case 11: return "CERT";
	case 12: return "SKE";
	case 13: return "CR";
	case 14: return "SHD";
	case 15: return "CV";
	case 16: return "CKE";
	case 20: return "FIN";
	}
	return "HS?";
}

static inline const char *ladder(const struct tls_session *s)
{
	static char out[8192];
	size_t o = 0;
	out[0] = 0;
	for (size_t i = 0; i < s->n_ladder && o < sizeof out - 64; i++) {
		const struct ladder_entry *e = &s->ladder[i];
		char name[32];
		switch (e->kind) {
		case LAD_HANDSHAKE: snprintf(name, sizeof name, "%s", hs_name(e->type)); break;
		case LAD_CCS: snprintf(name, sizeof name, "CCS"); break;
		case LAD_ALERT: {
			const struct tls_alert *a = &s->alerts[e->type];
			if (a->encrypted)
				snprintf(name, sizeof name, "EALERT");
			else
				snprintf(name, sizeof name, "ALERT%d.%d", a->level, a->desc);
			break;
		}
		case LAD_ENCRYPTED_HS: snprintf(name, sizeof name, "ENC"); break;
		case LAD_APP_DATA: snprintf(name, sizeof name, "APP"); break;
		case LAD_GAP: snprintf(name, sizeof name, "GAP"); break;
		case LAD_SSLV2_HELLO: snprintf(name, sizeof name, "V2"); break;
		case LAD_HRR: snprintf(name, sizeof name, "HRR"); break;
		}
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%c %s%s@%llu", i ? ", " : "",
				      e->side == SIDE_CLIENT ? 'c' : 's', name,
				      e->incomplete ? "*" : "", (unsigned long long)e->frame);
	}
	return out;
}

static inline const char *notes(const struct tls_session *s)
{
	static const char *const kind[] = { "GAP",    "MALFORMED", "TRUNCATED",
					    "LIMIT",  "SNAPLEN",   "MIDSTREAM",
					    "RECGAP", "BADALERT",  "CERTSLOST" };
	static char out[4096];
	size_t o = 0;
	out[0] = 0;
	for (size_t i = 0; i < s->n_notes && o < sizeof out - 64; i++)
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%s", i ? ", " : "",
				      kind[s->notes[i].kind]);
	return out;
}

static inline void check_endpoints(const struct tls_session *s)
{
	CHECK_EQ_INT(s->client.addr[3], 1);
	CHECK_EQ_INT(s->client.port, 40000);
	CHECK_EQ_INT(s->server.addr[3], 2);
	CHECK_EQ_INT(s->server.port, 443);
}

static inline void check_chain(const struct tls_session *s, int side, size_t n, int complete)
{
	CHECK_EQ_INT(s->chain[side].present, 1);
	CHECK_EQ_INT(s->chain[side].n, n);
	CHECK_EQ_INT(s->chain[side].complete, complete);
	for (size_t i = 0; i < n && i < s->chain[side].n && i < npki; i++)
		CHECK_EQ_STR(s->chain[side].certs[i]->sha256_hex, pki[i]->sha256_hex);
}

/* The whole server flight of a TLS 1.2 handshake, as handshake bytes. */
static inline void server_flight(struct bb *hs, size_t ncerts)
{
	server_hello(hs, 0, 0xc02f);
	certificate(hs, ncerts);
	ske(hs);
	shd(hs);
}

/* The rest of a TLS 1.2 handshake after the server flight, then one
 * application data record each way. */
static inline void tls12_tail(size_t mss)
{
	struct bb c = { 0 }, h = { 0 }, s = { 0 };
	cke(&h);
	records(&c, 22, &h, 16384);
	ccs(&c);
	opaque(&c, 22, 40);
	send_(0, &c, mss);
	bb_free(&c);
	ccs(&s);
	opaque(&s, 22, 40);
	send_(1, &s, mss);
	bb_free(&s);
	opaque(&c, 23, 100);
	send_(0, &c, mss);
	bb_free(&c);
	opaque(&s, 23, 300);
	send_(1, &s, mss);
	bb_free(&s);
	bb_free(&h);
}

/* Load the test PKI (pki, npki); 0, or 1 with a message. */
static inline int fixture_init(void)
{
	pki = test_pki_load(&npki);
	if (pki == NULL)
		return 1;
	CHECK_EQ_INT(npki, 3);
	return 0;
}

#endif

/*
 * test_tls_stream.c - the TLS stream machine (dissect/tls.c) driven through
 * a real tcp_table with synthetic segments (or, for exact gaps, through
 * the handler's data callback with tcp_chunk values), checking the model
 * it emits exactly: every ladder entry with its side and frame, chains,
 * alerts, notes, and the dissector's and table's counters.
 *
 * Client 10.0.0.1:40000, server 10.0.0.2:443 (ISNs 1000 / 900000). Each
 * segment is one frame; frame n has timestamp n ms. Ladders are written
 * as "side NAME@frame" items ("c CH@4", "s CERT*@6" for an incomplete
 * message, "c ALERT2.48@9", "s ENC@7", "GAP" entries as "s GAP@5").
 */
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
static void hs_open(struct bb *b, unsigned type)
{
	put8(b, type);
	open_(b, 3);
}

static void client_hello(struct bb *b, int tls13, const char *sni)
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

static void server_hello(struct bb *b, int tls13, unsigned cipher)
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

static void certificate(struct bb *b, size_t n)
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

static void ske(struct bb *b)
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

static void shd(struct bb *b)
{
	put8(b, 14);
	put24(b, 0);
}

static void cke(struct bb *b)
{
	hs_open(b, 16);
	put8(b, 65);
	fill(b, 4, 65);
	close_(b);
}

/* One record of `type` around bytes. */
static void record(struct bb *out, unsigned type, const void *p, size_t n)
{
	put8(out, type);
	put16(out, 0x0303);
	put16(out, (unsigned)n);
	putn(out, p, n);
}

/* Records of at most `max` payload bytes around a handshake byte string. */
static void records(struct bb *out, unsigned type, const struct bb *in, size_t max)
{
	for (size_t o = 0; o < in->n; o += max)
		record(out, type, in->p + o, in->n - o < max ? in->n - o : max);
}

static void ccs(struct bb *out)
{
	record(out, 20, "\x01", 1);
}

/* An encrypted record: opaque bytes. */
static void opaque(struct bb *out, unsigned type, size_t n)
{
	put8(out, type);
	put16(out, 0x0303);
	put16(out, (unsigned)n);
	fill(out, 0xe7, n);
}

static void alert(struct bb *out, unsigned level, unsigned desc)
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

static void emit(void *ctx, struct tls_session *s)
{
	(void)ctx;
	if (C.ns < MAXS)
		C.s[C.ns++] = s;
	else
		tls_session_free(s);
}

static void ep(struct endpoint *e, int server)
{
	memset(e, 0, sizeof *e);
	e->family = 4;
	e->addr[0] = 10;
	e->addr[3] = server ? 2 : 1;
	e->port = server ? 443 : 40000;
}

static void start(int direct)
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
		tls_dissector_set_table(C.d, C.t);
	}
}

/* One segment from `dir` (0 client, 1 server) with the peer's ACK. */
static void seg(int dir, uint8_t flags, const void *p, size_t n)
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

static void handshake3(void)
{
	seg(0, TCPF_SYN, NULL, 0);
	seg(1, TCPF_SYN, NULL, 0);
	seg(0, 0, NULL, 0);
}

/* Direct mode: a chunk (p == NULL: a gap of n bytes). */
static void chunk(int dir, const void *p, size_t n)
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
static void send_(int dir, const struct bb *b, size_t mss)
{
	for (size_t o = 0; o < b->n; o += mss) {
		size_t k = b->n - o < mss ? b->n - o : mss;
		if (C.direct)
			chunk(dir, b->p + o, k);
		else
			seg(dir, TCPF_PSH, b->p + o, k);
	}
}

static void finish(void)
{
	if (C.direct) {
		C.h.close(C.h.ctx, &C.flow, TCP_CLOSE_END);
	} else {
		tcp_table_finish(C.t);
	}
}

static void stop(void)
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

static const char *hs_name(int t)
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

static const char *ladder(const struct tls_session *s)
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
				      e->side == SIDE_CLIENT ? 'c' : 's', name, e->incomplete ? "*" : "",
				      (unsigned long long)e->frame);
	}
	return out;
}

static const char *notes(const struct tls_session *s)
{
	static const char *const kind[] = { "GAP", "MALFORMED", "TRUNCATED",
					    "LIMIT", "SNAPLEN", "MIDSTREAM" };
	static char out[4096];
	size_t o = 0;
	out[0] = 0;
	for (size_t i = 0; i < s->n_notes && o < sizeof out - 64; i++)
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%s", i ? ", " : "",
				      kind[s->notes[i].kind]);
	return out;
}

static void check_endpoints(const struct tls_session *s)
{
	CHECK_EQ_INT(s->client.addr[3], 1);
	CHECK_EQ_INT(s->client.port, 40000);
	CHECK_EQ_INT(s->server.addr[3], 2);
	CHECK_EQ_INT(s->server.port, 443);
}

static void check_chain(const struct tls_session *s, int side, size_t n, int complete)
{
	CHECK_EQ_INT(s->chain[side].present, 1);
	CHECK_EQ_INT(s->chain[side].n, n);
	CHECK_EQ_INT(s->chain[side].complete, complete);
	for (size_t i = 0; i < n && i < s->chain[side].n && i < npki; i++)
		CHECK_EQ_STR(s->chain[side].certs[i]->sha256_hex, pki[i]->sha256_hex);
}

/* The whole server flight of a TLS 1.2 handshake, as handshake bytes. */
static void server_flight(struct bb *hs, size_t ncerts)
{
	server_hello(hs, 0, 0xc02f);
	certificate(hs, ncerts);
	ske(hs);
	shd(hs);
}

/* The rest of a TLS 1.2 handshake after the server flight, then one
 * application data record each way. */
static void tls12_tail(size_t mss)
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

/* ---- scenarios ---- */

static void test_tls12_basic(void)
{
	start(0);
	handshake3();
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, "server.tlsdiag.test");
	records(&r, 22, &h, 16384);
	send_(0, &r, 1460 * 4); /* frame 4 */
	bb_free(&h);
	bb_free(&r);
	server_flight(&h, 2);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* frame 5 */
	bb_free(&h);
	bb_free(&r);
	tls12_tail(1 << 16);                     /* frames 6, 7, 8, 9 */
	seg(0, TCPF_PSH, "after release", 13); /* frame 10: not delivered */
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s), "c CH@4, s SH@5, s CERT@5, s SKE@5, s SHD@5, c CKE@6, c CCS@6, "
					"c ENC@6, s CCS@7, s ENC@7, c APP@8, s APP@9");
		CHECK_EQ_STR(notes(s), "");
		check_endpoints(s);
		check_chain(s, SIDE_SERVER, 2, 1);
		CHECK_EQ_INT(s->chain[SIDE_SERVER].frame, 5);
		CHECK_EQ_INT(s->chain[SIDE_CLIENT].present, 0);
		CHECK_EQ_STR(s->ch.sni, "server.tlsdiag.test");
		CHECK_EQ_INT(s->ch.frame, 4);
		CHECK_EQ_INT(s->version, 0x0303);
		CHECK_EQ_INT(s->sh.cipher, 0xc02f);
		CHECK_EQ_INT(s->ske_present, 1);
		CHECK_EQ_INT(s->ske_group, 0x0017);
		CHECK_EQ_INT(s->handshake_done, 1);
		CHECK_EQ_INT(s->tls13, 0);
		CHECK_EQ_INT(s->n_alerts, 0);
		CHECK(s->starttls == NULL);
		CHECK_EQ_INT(s->flow_midstream, 0);
		CHECK_EQ_STR(s->file, "test.pcap");
		CHECK_EQ_INT(s->first_frame, 1);
	}
	/* Released once both sides sent application data. */
	CHECK_EQ_INT(tcp_table_stats(C.t)->ignored_flows, 1);
	const struct tls_stats *st = tls_dissector_stats(C.d);
	CHECK_EQ_INT(st->flows_seen, 1);
	CHECK_EQ_INT(st->flows_tls, 1);
	CHECK_EQ_INT(st->flows_not_tls, 0);
	CHECK_EQ_INT(st->sessions, 1);
	stop();
}

/* Messages spanning records, several messages in one record, records
 * spanning segments: the same model, frames of the completing segment. */
static void test_spanning(void)
{
	start(0);
	handshake3();
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 50); /* a ClientHello over 3 records */
	send_(0, &r, 1 << 16);   /* frame 4 */
	bb_free(&h);
	bb_free(&r);
	/* SH + half the Certificate in one record; the rest of the
	 * Certificate, SKE and SHD in records of 1000 bytes; sent in
	 * segments of 700 bytes (frames 5..). */
	server_flight(&h, 3);
	records(&r, 22, &h, 1000);
	uint64_t f0 = C.frame;
	send_(1, &r, 700);
	uint64_t last = C.frame;
	bb_free(&h);
	bb_free(&r);
	tls12_tail(1 << 16);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		/* Which segment completes each message: SH ends at byte 4+... of
		 * the flight; compute from the layout. */
		struct bb sh = { 0 }, cert = { 0 };
		server_hello(&sh, 0, 0xc02f);
		certificate(&cert, 3);
		size_t flight = sh.n + cert.n + (4 + 1 + 2 + 1 + 65 + 2 + 2 + 256) + 4;
		size_t nrec = (flight + 999) / 1000;
		/* wire offset of handshake byte k: 5 per started record */
		size_t end_sh = sh.n + 5 * ((sh.n + 999) / 1000);
		size_t end_cert = sh.n + cert.n + 5 * ((sh.n + cert.n + 999) / 1000);
		size_t end_all = flight + 5 * nrec;
		char want[512];
		snprintf(want, sizeof want,
			 "c CH@4, s SH@%llu, s CERT@%llu, s SKE@%llu, s SHD@%llu, c CKE@%llu, "
			 "c CCS@%llu, c ENC@%llu, s CCS@%llu, s ENC@%llu, c APP@%llu, s APP@%llu",
			 (unsigned long long)(f0 + (end_sh + 699) / 700),
			 (unsigned long long)(f0 + (end_cert + 699) / 700),
			 (unsigned long long)last, (unsigned long long)last,
			 (unsigned long long)last + 1, (unsigned long long)last + 1,
			 (unsigned long long)last + 1, (unsigned long long)last + 2,
			 (unsigned long long)last + 2, (unsigned long long)last + 3,
			 (unsigned long long)last + 4);
		CHECK_EQ_INT(last, f0 + (end_all + 699) / 700);
		CHECK_EQ_STR(ladder(s), want);
		CHECK_EQ_STR(notes(s), "");
		check_chain(s, SIDE_SERVER, 3, 1);
		CHECK_EQ_INT(s->ch.present, 1);
		CHECK(s->ch.sni == NULL);
		bb_free(&sh);
		bb_free(&cert);
	}
	stop();
}

/* The server flight one byte per segment: record headers split at every
 * position; each message's frame is that of its last byte. */
static void test_one_byte_segments(void)
{
	start(0);
	handshake3();
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, "a.example");
	records(&r, 22, &h, 16384);
	send_(0, &r, 1);
	uint64_t ch_frame = C.frame;
	bb_free(&h);
	bb_free(&r);
	server_flight(&h, 2);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1);
	uint64_t end = C.frame;
	bb_free(&h);
	bb_free(&r);
	alert(&r, 2, 48);
	send_(0, &r, 1);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		struct bb sh = { 0 }, cert = { 0 };
		server_hello(&sh, 0, 0xc02f);
		certificate(&cert, 2);
		char want[256];
		uint64_t f0 = ch_frame;
		snprintf(want, sizeof want,
			 "c CH@%llu, s SH@%llu, s CERT@%llu, s SKE@%llu, s SHD@%llu, c ALERT2.48@%llu",
			 (unsigned long long)ch_frame, (unsigned long long)(f0 + 5 + sh.n),
			 (unsigned long long)(f0 + 5 + sh.n + cert.n),
			 (unsigned long long)(end - 4), (unsigned long long)end,
			 (unsigned long long)(end + 7));
		CHECK_EQ_STR(ladder(s), want);
		CHECK_EQ_STR(s->ch.sni, "a.example");
		check_chain(s, SIDE_SERVER, 2, 1);
		CHECK_EQ_INT(s->n_alerts, 1);
		CHECK_EQ_INT(s->alerts[0].side, SIDE_CLIENT);
		CHECK_EQ_INT(s->alerts[0].level, 2);
		CHECK_EQ_INT(s->alerts[0].desc, 48);
		CHECK_EQ_INT(s->alerts[0].encrypted, 0);
		CHECK_EQ_INT(s->handshake_done, 0);
		bb_free(&sh);
		bb_free(&cert);
	}
	stop();
}

/* An alert record between two records carrying one Certificate. */
static void test_alert_interleaved(void)
{
	start(0);
	handshake3();
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 4 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 0, 0x009c);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 5 */
	bb_free(&h);
	bb_free(&r);
	certificate(&h, 2);
	record(&r, 22, h.p, 300);
	send_(1, &r, 1 << 16); /* 6 */
	bb_free(&r);
	alert(&r, 1, 90); /* warning user_canceled */
	send_(1, &r, 1 << 16); /* 7 */
	bb_free(&r);
	record(&r, 22, h.p + 300, h.n - 300);
	struct bb d = { 0 };
	shd(&d);
	record(&r, 22, d.p, d.n);
	send_(1, &r, 1 << 16); /* 8 */
	bb_free(&r);
	bb_free(&h);
	bb_free(&d);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s), "c CH@4, s SH@5, s ALERT1.90@7, s CERT@8, s SHD@8");
		check_chain(s, SIDE_SERVER, 2, 1);
		CHECK_EQ_INT(s->chain[SIDE_SERVER].frame, 8);
		CHECK_EQ_STR(notes(s), "");
	}
	stop();
}

/* A capture gap inside the Certificate record: the leaf before it is kept,
 * dissection resumes exactly at the next message of the same record. */
static void test_gap_in_record(void)
{
	for (int direct = 0; direct <= 1; direct++) {
		start(direct);
		if (!direct)
			handshake3();
		struct bb h = { 0 }, r = { 0 };
		client_hello(&h, 0, NULL);
		records(&r, 22, &h, 16384);
		send_(0, &r, 1 << 16);
		uint64_t fch = C.frame;
		bb_free(&h);
		bb_free(&r);
		server_flight(&h, 3);
		records(&r, 22, &h, 16384); /* one record */
		struct bb sh = { 0 };
		server_hello(&sh, 0, 0xc02f);
		/* hole: from the middle of the intermediate for 200 bytes */
		size_t hole = 5 + sh.n + 4 + 3 + 3 + pki[0]->der_len + 3 + 100;
		struct bb a = { 0 };
		putn(&a, r.p, hole);
		send_(1, &a, 1 << 16); /* fsrv */
		uint64_t fsrv = C.frame;
		bb_free(&a);
		putn(&a, r.p + hole + 200, r.n - hole - 200);
		if (direct) {
			chunk(1, NULL, 200);
			send_(1, &a, 1 << 16);
		} else {
			C.off[1] += 200;
			send_(1, &a, 1 << 16); /* held behind the hole */
			seg(0, 0, NULL, 0);     /* the client's ACK reveals it */
		}
		uint64_t fafter = direct ? C.frame : C.frame - 1;
		bb_free(&a);
		bb_free(&h);
		bb_free(&r);
		bb_free(&sh);
		finish();
		CHECK_EQ_INT(C.ns, 1);
		if (C.ns == 1) {
			struct tls_session *s = C.s[0];
			char want[256];
			snprintf(want, sizeof want,
				 "c CH@%llu, s SH@%llu, s CERT*@%llu, s GAP@%llu, s SKE@%llu, s SHD@%llu",
				 (unsigned long long)fch, (unsigned long long)fsrv,
				 (unsigned long long)fsrv, (unsigned long long)(direct ? fafter - 1 : fafter),
				 (unsigned long long)fafter, (unsigned long long)fafter);
			CHECK_EQ_STR(ladder(s), want);
			CHECK_EQ_STR(notes(s), "GAP");
			CHECK_EQ_INT(s->notes[0].bytes, 200);
			CHECK_EQ_INT(s->notes[0].side, SIDE_SERVER);
			CHECK_EQ_INT(s->notes[0].in_handshake, 1);
			check_chain(s, SIDE_SERVER, 1, 0);
			CHECK_EQ_INT(s->ske_group, 0x0017);
		}
		stop();
	}
}

/* A gap across a record boundary: the framing is lost and found again at
 * the next record header. */
static void test_gap_across_records(void)
{
	start(1);
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	/* SH in one record, Certificate in another, SKE, SHD in a third. */
	server_hello(&h, 0, 0xc02f);
	records(&r, 22, &h, 16384);
	size_t end_sh = r.n;
	bb_free(&h);
	certificate(&h, 2);
	records(&r, 22, &h, 16384);
	size_t end_cert = r.n;
	bb_free(&h);
	ske(&h);
	shd(&h);
	records(&r, 22, &h, 16384);
	struct bb a = { 0 };
	/* bytes: SH record, the Certificate record up to 50 bytes into the
	 * intermediate; then a gap to 10 bytes before its end; then those 10
	 * bytes + the last record. */
	size_t cut = end_sh + 5 + 4 + 3 + 3 + pki[0]->der_len + 3 + 50;
	putn(&a, r.p, cut);
	send_(1, &a, 1 << 16); /* 2 */
	bb_free(&a);
	chunk(1, NULL, end_cert - 10 - cut); /* 3: still inside */
	putn(&a, r.p + end_cert - 10, r.n - (end_cert - 10));
	send_(1, &a, 1 << 16); /* 4 */
	bb_free(&a);
	/* Now a gap that swallows a record boundary: the next flight's CCS
	 * header and half the Finished record. */
	bb_free(&r);
	ccs(&r);
	opaque(&r, 22, 40);
	opaque(&r, 23, 50);
	chunk(0, NULL, 20); /* 5 */
	putn(&a, r.p + 20, r.n - 20);
	send_(0, &a, 1 << 16); /* 6 */
	bb_free(&a);
	bb_free(&r);
	bb_free(&h);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s), "c CH@1, s SH@2, s CERT*@2, s GAP@3, s SKE@4, s SHD@4, c GAP@5, "
					"c APP@6");
		CHECK_EQ_STR(notes(s), "GAP, GAP");
		check_chain(s, SIDE_SERVER, 1, 0);
	}
	stop();
}

/* Joined mid-record: a gap first, then the tail of a record, then records.
 * Nothing crashes; the hunt needs two headers in a row. */
static void test_gap_at_start(void)
{
	start(1);
	struct bb h = { 0 }, r = { 0 };
	chunk(1, NULL, 3000); /* 1 */
	certificate(&h, 2);
	records(&r, 22, &h, 16384);
	bb_free(&h);
	ske(&h);
	records(&r, 22, &h, 16384);
	bb_free(&h);
	shd(&h);
	records(&r, 22, &h, 16384);
	struct bb a = { 0 };
	putn(&a, r.p + 700, r.n - 700); /* inside the Certificate record */
	send_(1, &a, 1 << 16); /* 2 */
	bb_free(&a);
	bb_free(&h);
	bb_free(&r);
	alert(&r, 2, 42);
	send_(0, &r, 1 << 16); /* 3: the client's alert, a clean record */
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s), "s SKE@2, s SHD@2, c ALERT2.42@3");
		CHECK_EQ_STR(notes(s), "MIDSTREAM");
		CHECK_EQ_INT(s->chain[SIDE_SERVER].present, 0);
	}
	const struct tls_stats *st = tls_dissector_stats(C.d);
	CHECK_EQ_INT(st->flows_tls, 1);
	stop();

	/* The same through the table: no SYN seen, the first segment starts
	 * inside a record (a mid-stream join). */
	start(0);
	certificate(&h, 2);
	records(&r, 22, &h, 16384);
	bb_free(&h);
	shd(&h);
	records(&r, 22, &h, 16384);
	putn(&a, r.p + 900, r.n - 900);
	send_(1, &a, 1 << 16);
	bb_free(&a);
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		/* One record that stands alone (a ServerHelloDone filling it
		 * exactly) is enough; the ServerHelloDone tells the roles
		 * although TCP saw the server first. */
		CHECK_EQ_STR(ladder(C.s[0]), "s SHD@1");
		CHECK_EQ_STR(notes(C.s[0]), "MIDSTREAM");
		CHECK_EQ_INT(C.s[0]->flow_midstream, 1);
		check_endpoints(C.s[0]);
	}
	stop();

	/* Garbage after a gap at the start: released once the hunt budget is
	 * spent, no session. */
	start(1);
	chunk(0, NULL, 100);
	uint8_t junk[4096];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (uint8_t)(i * 7 + 1);
	for (int i = 0; i < 100; i++)
		chunk(0, junk, sizeof junk);
	finish();
	CHECK_EQ_INT(C.ns, 0);
	CHECK_EQ_INT(tls_dissector_stats(C.d)->flows_not_tls, 1);
	stop();
}

/* A record header with a length over 2^14 + 2048: malformed; dissection
 * resumes at the next plausible header. */
static void test_oversized_record(void)
{
	start(1);
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 0, 0xc02f);
	records(&r, 22, &h, 16384);
	put8(&r, 22);
	put16(&r, 0x0303);
	put16(&r, 0x4801); /* 18433 */
	fill(&r, 0, 30);
	bb_free(&h);
	shd(&h);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 2 */
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		CHECK_EQ_STR(ladder(C.s[0]), "c CH@1, s SH@2, s SHD@2");
		CHECK_EQ_STR(notes(C.s[0]), "MALFORMED");
		CHECK_EQ_INT(C.s[0]->sh.present, 1);
	}
	stop();
}

/* False record headers back to back in one large chunk (each a zero-length
 * record followed by a byte that is not a header): every one is noted (up
 * to the notes cap) and skipped in place; the real record after them is
 * found. This used to recurse once per false header, copying the rest of
 * the chunk each time (about 100 MB and 5000 stack frames for 32 KB). */
static void test_false_headers(void)
{
	start(1);
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 0, 0xc02f);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 2 */
	bb_free(&r);
	for (int i = 0; i < 10000; i++) {
		put8(&r, 22);
		put16(&r, 0x0303);
		put16(&r, 0);
		put8(&r, 0);
	}
	bb_free(&h);
	shd(&h);
	records(&r, 22, &h, 16384);
	struct rusage before, after;
	getrusage(RUSAGE_SELF, &before);
	send_(1, &r, 1 << 17); /* 3: one chunk of 60 KB */
	getrusage(RUSAGE_SELF, &after);
	/* Peak memory may not grow by a multiple of the input. */
	CHECK(after.ru_maxrss - before.ru_maxrss < 20 * 1024);
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		CHECK_EQ_STR(ladder(C.s[0]), "c CH@1, s SH@2, s SHD@3");
		CHECK_EQ_INT(C.s[0]->n_notes, 256);
		CHECK_EQ_INT(C.s[0]->notes[255].kind, NOTE_MALFORMED);
	}
	stop();
}

/* Handshake messages over our 1 MiB cap: skipped exactly by their length;
 * a 16 MiB claim that the stream never fills. */
static void test_huge_message(void)
{
	start(1);
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 0, 0xc02f);
	put8(&h, 11);
	put24(&h, (1u << 20) + 1); /* one byte over the cap, really sent */
	for (size_t i = 0; i < (1u << 20) + 1; i++)
		put8(&h, (unsigned)(i & 0xff));
	shd(&h);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16);
	uint64_t last = C.frame;
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		char want[128];
		snprintf(want, sizeof want, "c CH@1, s SH@2, s CERT*@2, s SHD@%llu",
			 (unsigned long long)last);
		CHECK_EQ_STR(ladder(C.s[0]), want);
		CHECK_EQ_STR(notes(C.s[0]), "LIMIT");
		CHECK_EQ_INT(C.s[0]->ladder[2].length, (1u << 20) + 1);
		CHECK_EQ_INT(C.s[0]->chain[SIDE_SERVER].present, 0);
	}
	stop();

	start(1);
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	put8(&h, 11);
	put24(&h, 0xffffff);
	fill(&h, 0x30, 40000);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1000); /* 2.. */
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		CHECK_EQ_STR(ladder(C.s[0]), "c CH@1, s CERT*@2");
		CHECK_EQ_STR(notes(C.s[0]), "LIMIT");
	}
	stop();
}

/* Not TLS: released at once, later payload not even buffered. */
static void test_not_tls(void)
{
	start(0);
	handshake3();
	seg(1, TCPF_PSH, "SSH-2.0-OpenSSH_9.2p1\r\n", 23);
	seg(0, TCPF_PSH, "SSH-2.0-PuTTY\r\n", 15);
	seg(1, TCPF_PSH, "more bytes", 10);
	finish();
	CHECK_EQ_INT(C.ns, 0);
	const struct tls_stats *st = tls_dissector_stats(C.d);
	CHECK_EQ_INT(st->flows_not_tls, 1);
	CHECK_EQ_INT(st->flows_tls, 0);
	CHECK_EQ_INT(tcp_table_stats(C.t)->ignored_flows, 1);
	stop();
}

/* STARTTLS: SMTP, LDAP, and an HTTP CONNECT tunnel. */
static void starttls_case(const char *const *lines, const int *dirs, size_t n, const char *proto,
			  int midstream)
{
	start(0);
	if (!midstream)
		handshake3();
	uint64_t clear = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(lines[i]);
		if (lines[i][0] == '=') { /* "=hex": binary */
			struct bb b = { 0 };
			for (size_t k = 1; k + 1 < len; k += 2) {
				unsigned v;
				sscanf(lines[i] + k, "%2x", &v);
				put8(&b, v);
			}
			seg(dirs[i], TCPF_PSH, b.p, b.n);
			clear += b.n;
			bb_free(&b);
		} else {
			seg(dirs[i], TCPF_PSH, lines[i], len);
			clear += len;
		}
	}
	uint64_t f0 = C.frame;
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, "mail.example.com");
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16);
	bb_free(&h);
	bb_free(&r);
	server_flight(&h, 2);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16);
	bb_free(&h);
	bb_free(&r);
	tls12_tail(1 << 16);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		char want[256];
		unsigned long long f = (unsigned long long)f0;
		snprintf(want, sizeof want,
			 "c CH@%llu, s SH@%llu, s CERT@%llu, s SKE@%llu, s SHD@%llu, c CKE@%llu, "
			 "c CCS@%llu, c ENC@%llu, s CCS@%llu, s ENC@%llu, c APP@%llu, s APP@%llu",
			 f + 1, f + 2, f + 2, f + 2, f + 2, f + 3, f + 3, f + 3, f + 4, f + 4, f + 5,
			 f + 6);
		CHECK_EQ_STR(ladder(s), want);
		CHECK_EQ_STR(s->starttls, proto);
		CHECK_EQ_INT(s->starttls_bytes, clear);
		CHECK_EQ_STR(s->ch.sni, "mail.example.com");
		check_chain(s, SIDE_SERVER, 2, 1);
		check_endpoints(s);
		CHECK_EQ_STR(notes(s), "");
	}
	CHECK_EQ_INT(tls_dissector_stats(C.d)->flows_starttls, 1);
	stop();
}

static void test_starttls(void)
{
	static const char *const smtp[] = {
		"220 mail.example.com ESMTP Postfix\r\n",
		"EHLO client.example.com\r\n",
		"250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 STARTTLS\r\n",
		"STARTTLS\r\n",
		"220 2.0.0 Ready to start TLS\r\n",
	};
	static const int smtp_dirs[] = { 1, 0, 1, 0, 1 };
	starttls_case(smtp, smtp_dirs, 5, "smtp", 0);

	/* LDAP: ExtendedRequest 1.3.6.1.4.1.1466.20037, ExtendedResponse
	 * success (RFC 4511 §4.14). */
	static const char *const ldap[] = {
		"=301d02010177188016312e332e362e312e342e312e313436362e3230303337",
		"=300c02010178070a010004000400",
	};
	static const int ldap_dirs[] = { 0, 1 };
	starttls_case(ldap, ldap_dirs, 2, "ldap", 0);

	/* PostgreSQL SSLRequest (protocol code 80877103), then 'S'. */
	static const char *const pg[] = { "=0000000804d2162f", "S" };
	static const int pg_dirs[] = { 0, 1 };
	starttls_case(pg, pg_dirs, 2, "postgresql", 0);

	static const char *const http[] = {
		"CONNECT mail.example.com:443 HTTP/1.1\r\nHost: mail.example.com:443\r\n\r\n",
		"HTTP/1.1 200 Connection established\r\n\r\n",
	};
	static const int http_dirs[] = { 0, 1 };
	starttls_case(http, http_dirs, 2, "http-connect", 0);
}

/* TLS 1.3: certificates encrypted; the server's encrypted flight is the
 * first type-23 record after its ServerHello, not the ServerHello. */
static void test_tls13(void)
{
	start(0);
	handshake3();
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 1, "tls13.example");
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 4 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 1, 0x1301);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 5 */
	bb_free(&r);
	ccs(&r);
	opaque(&r, 23, 30);   /* EncryptedExtensions */
	opaque(&r, 23, 2000); /* Certificate */
	opaque(&r, 23, 280);  /* CertificateVerify */
	opaque(&r, 23, 60);   /* Finished */
	send_(1, &r, 1 << 16); /* 6 */
	bb_free(&r);
	ccs(&r);
	opaque(&r, 23, 60); /* client Finished */
	send_(0, &r, 1 << 16); /* 7 */
	bb_free(&r);
	opaque(&r, 23, 250); /* NewSessionTicket */
	send_(1, &r, 1 << 16); /* 8 */
	bb_free(&r);
	opaque(&r, 23, 100);
	send_(0, &r, 1 << 16); /* 9: released here */
	bb_free(&r);
	bb_free(&h);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s), "c CH@4, s SH@5, s CCS@6, s ENC@6, c CCS@7, c ENC@7, s APP@8, "
					"c APP@9");
		CHECK_EQ_INT(s->tls13, 1);
		CHECK_EQ_INT(s->version, 0x0304);
		CHECK_EQ_INT(s->sh.key_share_group, 0x001d);
		CHECK_EQ_INT(s->chain[SIDE_SERVER].present, 0);
		CHECK_EQ_INT(s->chain[SIDE_CLIENT].present, 0);
		CHECK_EQ_INT(s->handshake_done, 1);
		CHECK_EQ_STR(notes(s), "");
	}
	CHECK_EQ_INT(tcp_table_stats(C.t)->ignored_flows, 1);
	stop();

	/* HelloRetryRequest, then a second ClientHello. */
	start(1);
	client_hello(&h, 1, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	hs_open(&h, 2);
	put16(&h, 0x0303);
	static const uint8_t hrr[32] = { 0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
					 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
					 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
					 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c };
	putn(&h, hrr, 32);
	put8(&h, 0);
	put16(&h, 0x1301);
	put8(&h, 0);
	put16(&h, 12);
	put16(&h, 43);
	put16(&h, 2);
	put16(&h, 0x0304);
	put16(&h, 51);
	put16(&h, 2);
	put16(&h, 0x0017);
	close_(&h);
	records(&r, 22, &h, 16384);
	ccs(&r);
	send_(1, &r, 1 << 16); /* 2 */
	bb_free(&h);
	bb_free(&r);
	client_hello(&h, 1, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 3 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 1, 0x1301);
	records(&r, 22, &h, 16384);
	opaque(&r, 23, 500);
	send_(1, &r, 1 << 16); /* 4 */
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s), "c CH@1, s HRR@2, s CCS@2, c CH@3, s SH@4, s ENC@4");
		CHECK_EQ_INT(s->sh.hrr, 1);
		CHECK_EQ_INT(s->sh.present, 1);
		CHECK_EQ_INT(s->tls13, 1);
		CHECK_EQ_INT(s->ch.frame, 1);
	}
	stop();
}

/* SSLv2-compatible ClientHello in three segments. */
static void test_sslv2_split(void)
{
	start(0);
	handshake3();
	struct bb v = { 0 };
	put16(&v, 0x8000 | (9 + 9 * 3 + 32));
	put8(&v, 1);
	put16(&v, 0x0301);
	put16(&v, 27);
	put16(&v, 0);
	put16(&v, 32);
	for (unsigned i = 0; i < 9; i++) {
		put8(&v, i % 3 == 0 ? 0x01 : 0);
		put16(&v, i % 3 == 0 ? 0x0080 : 0x002f + i);
	}
	fill(&v, 0xab, 32);
	seg(0, TCPF_PSH, v.p, 3);          /* 4 */
	seg(0, TCPF_PSH, v.p + 3, 20);     /* 5 */
	seg(0, TCPF_PSH, v.p + 23, v.n - 23); /* 6 */
	bb_free(&v);
	struct bb h = { 0 }, r = { 0 };
	server_hello(&h, 0, 0x0035);
	certificate(&h, 1);
	shd(&h);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 7 */
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s), "c V2@6, s SH@7, s CERT@7, s SHD@7");
		CHECK_EQ_INT(s->ch.sslv2, 1);
		CHECK_EQ_INT(s->ch.legacy_version, 0x0301);
		CHECK_EQ_INT(s->ch.ciphers.n, 6);
		CHECK_EQ_INT(s->ch.frame, 6);
		check_chain(s, SIDE_SERVER, 1, 1);
		check_endpoints(s);
	}
	stop();
}

/* Mid-stream join where the first packet seen is the server's: TCP calls
 * the server's direction 0; the ClientHello's direction decides roles. */
static void test_roles(void)
{
	start(0);
	/* A bare ACK from the server first (no SYN captured). */
	struct tcp_seg s;
	memset(&s, 0, sizeof s);
	ep(&s.src, 1);
	ep(&s.dst, 0);
	s.seq = C.isn[1] + 1;
	s.ack = C.isn[0] + 1;
	s.flags = TCPF_ACK;
	s.frame = ++C.frame;
	s.ts_ns = 1000000;
	tcp_table_input(C.t, &s);
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, "roles.example");
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 2 */
	bb_free(&h);
	bb_free(&r);
	server_flight(&h, 2);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 3 */
	bb_free(&h);
	bb_free(&r);
	alert(&r, 2, 48);
	send_(0, &r, 1 << 16); /* 4 */
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *x = C.s[0];
		CHECK_EQ_STR(ladder(x), "c CH@2, s SH@3, s CERT@3, s SKE@3, s SHD@3, c ALERT2.48@4");
		check_endpoints(x);
		check_chain(x, SIDE_SERVER, 2, 1);
		CHECK_EQ_INT(x->chain[SIDE_CLIENT].present, 0);
		CHECK_EQ_INT(x->alerts[0].side, SIDE_CLIENT);
		CHECK_EQ_INT(x->flow_midstream, 1);
	}
	stop();

	/* The same with the ServerHello first seen (the ClientHello was
	 * before the capture): roles from the ServerHello's direction. */
	start(1);
	server_flight(&h, 1);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1: TCP direction 0 is the server */
	bb_free(&h);
	bb_free(&r);
	cke(&h);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 2 */
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *x = C.s[0];
		CHECK_EQ_STR(ladder(x), "s SH@1, s CERT@1, s SKE@1, s SHD@1, c CKE@2");
		check_chain(x, SIDE_SERVER, 1, 1);
		CHECK_EQ_INT(x->server.port, 40000); /* ep[0] of the flow sent the ServerHello */
		CHECK_EQ_INT(x->client.port, 443);
	}
	stop();
}

/* Mutual TLS with a CertificateRequest, then alerts: a clear fatal one and
 * encrypted ones after ChangeCipherSpec; a client that sends no
 * certificate; the stream ends inside a message. */
static void test_mtls_alerts_truncated(void)
{
	struct bb h = { 0 }, r = { 0 };
	start(1);
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 0, 0xc02f);
	certificate(&h, 3);
	records(&r, 22, &h, 16384);
	size_t cut = r.n - 300;
	r.n = cut;
	send_(1, &r, 1 << 16); /* 2: the stream ends inside the Certificate */
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s), "c CH@1, s SH@2, s CERT*@2");
		CHECK_EQ_STR(notes(s), "TRUNCATED");
		CHECK_EQ_INT(s->notes[0].bytes, 300);
		check_chain(s, SIDE_SERVER, 2, 0);
	}
	stop();

	start(1);
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 0, 0xc02f);
	certificate(&h, 2);
	hs_open(&h, 13);
	put8(&h, 1);
	put8(&h, 1);
	put16(&h, 2);
	put16(&h, 0x0401);
	open_(&h, 2);
	open_(&h, 2);
	putn(&h, pki[2]->subject.der, pki[2]->subject.der_len);
	close_(&h);
	close_(&h);
	close_(&h);
	shd(&h);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 2 */
	bb_free(&h);
	bb_free(&r);
	hs_open(&h, 11); /* empty client Certificate */
	put24(&h, 0);
	close_(&h);
	cke(&h);
	records(&r, 22, &h, 16384);
	ccs(&r);
	opaque(&r, 22, 40);
	send_(0, &r, 1 << 16); /* 3 */
	bb_free(&h);
	bb_free(&r);
	alert(&r, 2, 116); /* certificate_required, in clear before the server's CCS */
	ccs(&r);
	opaque(&r, 21, 26); /* and an encrypted one after it */
	send_(1, &r, 1 << 16); /* 4 */
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s), "c CH@1, s SH@2, s CERT@2, s CR@2, s SHD@2, c CERT@3, c CKE@3, "
					"c CCS@3, c ENC@3, s ALERT2.116@4, s CCS@4, s EALERT@4");
		CHECK_EQ_INT(s->cr.present, 1);
		CHECK_EQ_INT(s->cr.n_ca, 1);
		CHECK_EQ_INT(s->cr.frame, 2);
		check_chain(s, SIDE_CLIENT, 0, 1);
		CHECK_EQ_INT(s->n_alerts, 2);
		CHECK_EQ_INT(s->alerts[1].encrypted, 1);
		CHECK_EQ_INT(s->alerts[1].level, -1);
		CHECK_EQ_INT(s->alerts[0].desc, 116);
		CHECK_EQ_STR(notes(s), "");
	}
	stop();
}

/* A peer that sends alerts forever: the list is capped, memory is not. */
static void test_alert_flood(void)
{
	start(1);
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16);
	bb_free(&h);
	bb_free(&r);
	for (int i = 0; i < 2000; i++)
		alert(&r, 1, 0);
	send_(1, &r, 1 << 16);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		CHECK_EQ_INT(C.s[0]->n_alerts, 256);
		CHECK_EQ_STR(notes(C.s[0]), "LIMIT");
	}
	stop();
}

int main(void)
{
	pki = test_pki_load(&npki);
	if (pki == NULL)
		return 1;
	CHECK_EQ_INT(npki, 3);

	test_tls12_basic();
	test_spanning();
	test_one_byte_segments();
	test_alert_interleaved();
	test_gap_in_record();
	test_gap_across_records();
	test_gap_at_start();
	test_oversized_record();
	test_false_headers();
	test_huge_message();
	test_not_tls();
	test_starttls();
	test_tls13();
	test_sslv2_split();
	test_roles();
	test_mtls_alerts_truncated();
	test_alert_flood();

	x509_free_list(pki, npki);
	return t_done("tls_stream");
}

/*
 * test_dtls.c - DTLS over UDP (dissect/dtls.c): the record and fragment
 * parsers on valid and hostile input, then whole handshakes driven
 * through a udp_table: HelloVerifyRequest, a certificate chain cut into
 * fragments across records and datagrams (in order, reversed, repeated),
 * retransmitted flights, STUN and RTP on the same port (RFC 7983), alerts
 * in the clear and encrypted, connection IDs (RFC 9146 records), DTLS 1.3
 * (unified headers), and a Certificate whose end never came.
 *
 * Client 10.0.0.1:5000, server 10.0.0.2:4433; datagram n is frame n at n ms.
 */
#include "capture/udp.h"
#include "dissect/dtls.h"
#include "tests/unit/tls_stream_fixture.h"

/* ---- DTLS framing of the fixture's TLS messages ---- */

/* A DTLS ClientHello: as TLS's, with a cookie after the session id. */
static void dtls_client_hello(struct bb *b, uint16_t version, const char *cookie, int cid, int srtp)
{
	hs_open(b, 1);
	put16(b, version == 0xfefc ? 0xfefd : version);
	fill(b, 0x11, 32);
	put8(b, 0);
	put8(b, (unsigned)strlen(cookie));
	puts_(b, cookie);
	open_(b, 2);
	put16(b, 0xc02f);
	close_(b);
	put8(b, 1);
	put8(b, 0);
	open_(b, 2);
	put16(b, 10);
	put16(b, 4);
	put16(b, 2);
	put16(b, 0x0017);
	if (srtp) { /* use_srtp: SRTP_AES128_CM_HMAC_SHA1_80, no MKI */
		put16(b, 14);
		put16(b, 5);
		put16(b, 2);
		put16(b, 1);
		put8(b, 0);
	}
	if (cid) { /* connection_id: the client wants 4-byte CIDs */
		put16(b, 54);
		put16(b, 5);
		put8(b, 4);
		puts_(b, "ccid");
	}
	if (version == 0xfefc) {
		put16(b, 43);
		put16(b, 3);
		put8(b, 2);
		put16(b, 0xfefc);
	}
	close_(b);
	close_(b);
}

static void dtls_server_hello(struct bb *b, uint16_t version, int cid, int srtp)
{
	hs_open(b, 2);
	put16(b, version == 0xfefc ? 0xfefd : version);
	fill(b, 0x22, 32);
	put8(b, 0);
	put16(b, 0xc02f);
	put8(b, 0);
	open_(b, 2);
	if (srtp) {
		put16(b, 14);
		put16(b, 5);
		put16(b, 2);
		put16(b, 1);
		put8(b, 0);
	}
	if (cid) { /* the server wants 2-byte CIDs */
		put16(b, 54);
		put16(b, 3);
		put8(b, 2);
		puts_(b, "sc");
	}
	if (version == 0xfefc) {
		put16(b, 43);
		put16(b, 2);
		put16(b, 0xfefc);
	}
	close_(b);
	close_(b);
}

static void hello_verify(struct bb *b)
{
	hs_open(b, 3);
	put16(b, 0xfeff);
	put8(b, 6);
	puts_(b, "cookie");
	close_(b);
}

/* TLS handshake messages (type, u24 length, body) as DTLS fragments of at
 * most `max` body bytes each, numbered from *seq. */
static void fragments(struct bb *out, const struct bb *hs, uint16_t *seq, size_t max)
{
	size_t at = 0;
	while (at + 4 <= hs->n) {
		unsigned type = hs->p[at];
		size_t len = (size_t)hs->p[at + 1] << 16 | (size_t)hs->p[at + 2] << 8 |
			     hs->p[at + 3];
		const uint8_t *body = hs->p + at + 4;
		size_t off = 0;
		do {
			size_t k = len - off < max ? len - off : max;
			put8(out, type);
			put24(out, len);
			put16(out, *seq);
			put24(out, off);
			put24(out, k);
			putn(out, body + off, k);
			off += k;
		} while (off < len);
		(*seq)++;
		at += 4 + len;
	}
}

static void drec(struct bb *out, unsigned type, unsigned version, unsigned epoch, uint64_t rseq,
		 const void *p, size_t n)
{
	put8(out, type);
	put16(out, version);
	put16(out, epoch);
	put16(out, (unsigned)(rseq >> 32));
	put16(out, (unsigned)(rseq >> 16));
	put16(out, (unsigned)rseq);
	put16(out, (unsigned)n);
	putn(out, p, n);
}

/* ---- the connection ---- */

static struct {
	struct udp_table *t;
	struct dtls_dissector *d;
	struct cert_cache *cc;
	struct tls_session *s[4];
	size_t ns;
	uint64_t frame;
} U;

static void uemit(void *ctx, struct tls_session *s)
{
	(void)ctx;
	if (U.ns < 4)
		U.s[U.ns++] = s;
	else
		tls_session_free(s);
}

static void ustart(void)
{
	memset(&U, 0, sizeof U);
	U.cc = certcache_new();
	U.d = dtls_dissector_new(U.cc, "dtls.pcap", uemit, NULL);
	struct udp_handler h = dtls_dissector_handler(U.d);
	struct udp_config cfg;
	udp_config_default(&cfg);
	U.t = udp_table_new(&cfg, &h);
}

static void dgram(int from_server, const struct bb *b)
{
	struct udp_dgram g;
	memset(&g, 0, sizeof g);
	ep(&g.src, from_server);
	ep(&g.dst, !from_server);
	g.src.port = from_server ? 4433 : 5000;
	g.dst.port = from_server ? 5000 : 4433;
	g.payload.p = b->p;
	g.payload.n = g.wire_len = (uint32_t)b->n;
	g.frame = ++U.frame;
	g.ts_ns = (int64_t)g.frame * 1000000;
	udp_table_input(U.t, &g);
}

static void ustop(void)
{
	for (size_t i = 0; i < U.ns; i++)
		tls_session_free(U.s[i]);
	udp_table_free(U.t);
	dtls_dissector_free(U.d);
	certcache_free(U.cc);
	memset(&U, 0, sizeof U);
}

static void ufinish(void)
{
	udp_table_finish(U.t);
}

/* ---- parsers ---- */

static enum parse_err rec_of(const uint8_t *p, size_t n, int cid_len, struct dtls_record *r,
			     size_t *used)
{
	uint8_t *c = xcalloc(n ? n : 1, 1);
	memcpy(c, p, n);
	struct cursor cur;
	cur_init(&cur, c, n);
	enum parse_err e = dtls_record_parse(&cur, cid_len, r);
	*used = cur.off;
	free(c);
	return e;
}

static void test_parsers(void)
{
	struct dtls_record r;
	size_t used;
	static const uint8_t ok[] = { 22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 7, 0, 2, 'h', 'i' };
	CHECK_EQ_INT(rec_of(ok, sizeof ok, -1, &r, &used), PE_OK);
	CHECK_EQ_INT(r.type, 22);
	CHECK_EQ_INT(r.version, 0xfefd);
	CHECK_EQ_INT(r.epoch, 0);
	CHECK_EQ_INT(r.body.n, 2);
	CHECK_EQ_INT(used, sizeof ok);
	/* one byte short, every length down to empty */
	for (size_t n = 0; n < sizeof ok; n++)
		CHECK(rec_of(ok, n, -1, &r, &used) != PE_OK);
	/* a TLS version, a content type out of range, a length over the cap */
	static const uint8_t tlsv[] = { 22, 3, 3, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0 };
	CHECK_EQ_INT(rec_of(tlsv, sizeof tlsv, -1, &r, &used), PE_MALFORMED);
	static const uint8_t badt[] = { 27, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0 };
	CHECK_EQ_INT(rec_of(badt, sizeof badt, -1, &r, &used), PE_MALFORMED);
	static const uint8_t big[] = { 23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 7, 0x48, 1 };
	CHECK_EQ_INT(rec_of(big, sizeof big, -1, &r, &used), PE_MALFORMED);
	/* tls12_cid with a known 2-byte CID, and fitted to the datagram */
	static const uint8_t cid[] = {
		25, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 1, 'x', 'y', 0, 1, 0xaa
	};
	CHECK_EQ_INT(rec_of(cid, sizeof cid, 2, &r, &used), PE_OK);
	CHECK_EQ_INT(r.cid, 1);
	CHECK_EQ_INT(r.body.n, 1);
	CHECK_EQ_INT(rec_of(cid, sizeof cid, -1, &r, &used), PE_OK);
	CHECK_EQ_INT(r.body.n, 1);
	CHECK(rec_of(cid, sizeof cid - 1, -1, &r, &used) != PE_OK);
	/* DTLS 1.3 unified headers: C, S, L and the epoch bits */
	static const uint8_t u1[] = { 0x2e, 0x12, 0x34, 0, 3, 'a', 'b', 'c', 'z' };
	CHECK_EQ_INT(rec_of(u1, sizeof u1, -1, &r, &used), PE_OK);
	CHECK_EQ_INT(r.type, DTLS_UNIFIED);
	CHECK_EQ_INT(r.epoch, 2);
	CHECK_EQ_INT(r.body.n, 3);
	CHECK_EQ_INT(used, 8);
	static const uint8_t u2[] = { 0x23, 0x07, 'a', 'b' }; /* no length: to the end */
	CHECK_EQ_INT(rec_of(u2, sizeof u2, -1, &r, &used), PE_OK);
	CHECK_EQ_INT(r.epoch, 3);
	CHECK_EQ_INT(r.body.n, 2);
	static const uint8_t u3[] = { 0x3e, 'c', 'i', 0x12, 0x34, 0, 1, 'q' };
	CHECK_EQ_INT(rec_of(u3, sizeof u3, -1, &r, &used), PE_UNSUPPORTED);
	CHECK_EQ_INT(rec_of(u3, sizeof u3, 2, &r, &used), PE_OK);
	CHECK_EQ_INT(r.cid, 1);
	CHECK_EQ_INT(r.body.n, 1);
	CHECK_EQ_INT(rec_of(u3, 5, 2, &r, &used), PE_SHORT);

	/* fragments */
	static const uint8_t fr[] = { 11, 0, 0, 10, 0, 2, 0, 0, 4, 0, 0, 3, 'a', 'b', 'c' };
	uint8_t *c = xcalloc(sizeof fr, 1);
	memcpy(c, fr, sizeof fr);
	struct cursor cur;
	struct dtls_fragment f;
	cur_init(&cur, c, sizeof fr);
	CHECK_EQ_INT(dtls_fragment_parse(&cur, &f), PE_OK);
	CHECK_EQ_INT(f.type, 11);
	CHECK_EQ_INT(f.len, 10);
	CHECK_EQ_INT(f.seq, 2);
	CHECK_EQ_INT(f.off, 4);
	CHECK_EQ_INT(f.bytes.n, 3);
	for (size_t n = 0; n < sizeof fr; n++) {
		cur_init(&cur, c, n);
		CHECK(dtls_fragment_parse(&cur, &f) != PE_OK);
	}
	c[4] = 0;
	c[8] = 9; /* offset 9 + 3 bytes past a 10-byte message */
	cur_init(&cur, c, sizeof fr);
	CHECK_EQ_INT(dtls_fragment_parse(&cur, &f), PE_MALFORMED);
	free(c);
}

/* ---- handshakes ---- */

/* A DTLS 1.2 handshake: CH, HVR, CH with the cookie, the server flight
 * (SH, Certificate with the 3-certificate chain, SKE, SHD) in fragments
 * of `frag` bytes, records of up to `per_dgram` fragments per datagram,
 * sent in the order `order` gives (0 forward, 1 backward, 2 twice), then
 * the rest; STUN before and RTP after on the same port. */
static void handshake12(size_t frag, int order, int stun_rtp)
{
	struct bb h = { 0 }, f = { 0 }, r = { 0 };
	uint16_t cseq = 0, sseq = 0;
	if (stun_rtp) { /* a STUN binding request (RFC 8489: first byte 0) */
		static const uint8_t stun[20] = { 0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42 };
		putn(&r, stun, sizeof stun);
		dgram(0, &r);
		bb_free(&r);
	}
	dtls_client_hello(&h, 0xfefd, "", 0, stun_rtp);
	fragments(&f, &h, &cseq, 1 << 16);
	drec(&r, 22, 0xfeff, 0, 0, f.p, f.n);
	dgram(0, &r);
	bb_free(&h), bb_free(&f), bb_free(&r);
	hello_verify(&h);
	fragments(&f, &h, &sseq, 1 << 16);
	drec(&r, 22, 0xfeff, 0, 0, f.p, f.n);
	dgram(1, &r);
	bb_free(&h), bb_free(&f), bb_free(&r);
	dtls_client_hello(&h, 0xfefd, "cookie", 0, stun_rtp);
	fragments(&f, &h, &cseq, 1 << 16);
	drec(&r, 22, 0xfeff, 0, 1, f.p, f.n);
	dgram(0, &r);
	bb_free(&h), bb_free(&f), bb_free(&r);
	/* the server flight, one fragment per record, one record per datagram */
	dtls_server_hello(&h, 0xfefd, 0, stun_rtp);
	certificate(&h, 3);
	ske(&h);
	shd(&h);
	fragments(&f, &h, &sseq, frag);
	bb_free(&h);
	struct bb dg[64];
	size_t nd = 0, at = 0;
	memset(dg, 0, sizeof dg);
	while (at < f.n && nd < 64) {
		size_t k = (size_t)f.p[at + 9] << 16 | (size_t)f.p[at + 10] << 8 | f.p[at + 11];
		drec(&dg[nd], 22, 0xfefd, 0, 2 + nd, f.p + at, 12 + k);
		nd++;
		at += 12 + k;
	}
	bb_free(&f);
	for (size_t i = 0; i < nd; i++)
		dgram(1, &dg[order == 1 ? nd - 1 - i : i]);
	if (order == 2) /* the whole flight again: a retransmission */
		for (size_t i = 0; i < nd; i++)
			dgram(1, &dg[i]);
	for (size_t i = 0; i < nd; i++)
		bb_free(&dg[i]);
	cke(&h);
	fragments(&f, &h, &cseq, 1 << 16);
	drec(&r, 22, 0xfefd, 0, 2, f.p, f.n);
	drec(&r, 20, 0xfefd, 0, 3, "\x01", 1);
	uint8_t fin[40];
	memset(fin, 0xe7, sizeof fin);
	drec(&r, 22, 0xfefd, 1, 0, fin, sizeof fin);
	dgram(0, &r);
	bb_free(&h), bb_free(&f), bb_free(&r);
	drec(&r, 20, 0xfefd, 0, 9, "\x01", 1);
	drec(&r, 22, 0xfefd, 1, 0, fin, sizeof fin);
	dgram(1, &r);
	bb_free(&r);
	drec(&r, 23, 0xfefd, 1, 1, fin, sizeof fin);
	dgram(0, &r);
	dgram(1, &r);
	bb_free(&r);
	if (stun_rtp) { /* RTP (RFC 3550: version 2, first byte 0x80) */
		static const uint8_t rtp[12] = { 0x80, 0x60, 0, 1 };
		putn(&r, rtp, sizeof rtp);
		dgram(0, &r);
		dgram(1, &r);
		bb_free(&r);
	}
}

static void check12(const struct tls_session *s)
{
	CHECK_EQ_INT(s->transport, TRANSPORT_UDP);
	CHECK_EQ_INT(s->version, 0xfefd);
	CHECK_EQ_INT(s->ch.present, 1);
	CHECK_EQ_INT(s->ch.dtls, 1);
	CHECK(strncmp(s->ch.ja4, "dd2i", 4) == 0);
	CHECK_EQ_INT(strlen(s->ch.ja4), 36);
	CHECK_EQ_INT(s->sh.present, 1);
	CHECK_EQ_INT(s->dtls.hello_verify, 1);
	check_chain(s, SIDE_SERVER, 3, 1);
	CHECK_EQ_INT(s->ske_present, 1);
	CHECK_EQ_INT(s->handshake_done, 1);
	CHECK_EQ_INT(s->client.port, 5000);
	CHECK_EQ_INT(s->server.port, 4433);
	CHECK_EQ_STR(notes(s), "");
}

static void test_dtls12(void)
{
	/* fragments of 500 bytes, in order */
	ustart();
	handshake12(500, 0, 0);
	ufinish();
	CHECK_EQ_INT(U.ns, 1);
	if (U.ns == 1) {
		struct tls_session *s = U.s[0];
		check12(s);
		/* 500-byte fragments: the Certificate completes in the sixth
		 * datagram of the flight, SKE and SHD have one each */
		CHECK_EQ_STR(ladder(s), "c CH@1, s HS?@2, c CH@3, s SH@4, s CERT@10, s SKE@11, "
					"s SHD@12, c CKE@13, c CCS@13, c ENC@13, s CCS@14, "
					"s ENC@14, c APP@15, s APP@16");
		CHECK_EQ_INT(s->dtls.retransmitted[SIDE_SERVER], 0);
		CHECK(s->dtls.fragments[SIDE_SERVER] > 8);
	}
	ustop();

	/* the server flight backwards: messages still handed on in order */
	ustart();
	handshake12(700, 1, 0);
	ufinish();
	CHECK_EQ_INT(U.ns, 1);
	if (U.ns == 1) {
		check12(U.s[0]);
		CHECK(strstr(ladder(U.s[0]), "c CH@3, s SH@") != NULL);
	}
	ustop();

	/* the flight twice: each message read once, the repeats counted */
	ustart();
	handshake12(300, 2, 0);
	ufinish();
	CHECK_EQ_INT(U.ns, 1);
	if (U.ns == 1) {
		check12(U.s[0]);
		CHECK(U.s[0]->dtls.retransmitted[SIDE_SERVER] > 8);
	}
	ustop();

	/* STUN and RTP on the port, DTLS-SRTP negotiated */
	ustart();
	handshake12(1200, 0, 1);
	ufinish();
	CHECK_EQ_INT(U.ns, 1);
	if (U.ns == 1) {
		check12(U.s[0]);
		CHECK_EQ_INT(U.s[0]->sh.srtp_profile, 1);
		CHECK_EQ_INT(U.s[0]->dtls.other_datagrams[SIDE_CLIENT],
			     1); /* RTP; STUN came first */
		CHECK_EQ_INT(U.s[0]->dtls.other_datagrams[SIDE_SERVER], 1);
	}
	ustop();
}

/* The client rejects the server's chain with a fatal alert in the clear,
 * and the Certificate of another connection never ends: certificates
 * before the hole are kept. Also the server's datagrams first (a capture
 * that began late): the roles come from the messages. */
static void test_alert_and_cut(void)
{
	struct bb h = { 0 }, f = { 0 }, r = { 0 };
	uint16_t cseq = 0, sseq = 0;
	ustart();
	dtls_client_hello(&h, 0xfefd, "", 0, 0);
	fragments(&f, &h, &cseq, 1 << 16);
	drec(&r, 22, 0xfefd, 0, 0, f.p, f.n);
	dgram(0, &r);
	bb_free(&h), bb_free(&f), bb_free(&r);
	dtls_server_hello(&h, 0xfefd, 0, 0);
	certificate(&h, 2);
	shd(&h);
	fragments(&f, &h, &sseq, 1 << 16);
	drec(&r, 22, 0xfefd, 0, 0, f.p, f.n);
	dgram(1, &r);
	bb_free(&h), bb_free(&f), bb_free(&r);
	drec(&r, 21, 0xfefd, 0, 1, "\x02\x30", 2); /* fatal unknown_ca */
	dgram(0, &r);
	bb_free(&r);
	ufinish();
	CHECK_EQ_INT(U.ns, 1);
	if (U.ns == 1) {
		struct tls_session *s = U.s[0];
		CHECK_EQ_STR(ladder(s), "c CH@1, s SH@2, s CERT@2, s SHD@2, c ALERT2.48@3");
		check_chain(s, SIDE_SERVER, 2, 1);
		CHECK_EQ_INT(s->n_alerts, 1);
		CHECK_EQ_INT(s->alerts[0].side, SIDE_CLIENT);
		CHECK_EQ_INT(s->alerts[0].encrypted, 0);
	}
	ustop();

	/* the server speaks first in the capture; its Certificate's last
	 * fragment is missing */
	ustart();
	sseq = 1;
	dtls_server_hello(&h, 0xfefd, 0, 0);
	certificate(&h, 3);
	fragments(&f, &h, &sseq, 600);
	bb_free(&h);
	size_t at = 0, n = 0;
	while (at < f.n) {
		size_t k = (size_t)f.p[at + 9] << 16 | (size_t)f.p[at + 10] << 8 | f.p[at + 11];
		size_t off = (size_t)f.p[at + 6] << 16 | (size_t)f.p[at + 7] << 8 | f.p[at + 8];
		size_t len = (size_t)f.p[at + 1] << 16 | (size_t)f.p[at + 2] << 8 | f.p[at + 3];
		if (!(f.p[at] == 11 && off + k == len)) { /* drop the Certificate's last piece */
			drec(&r, 22, 0xfefd, 0, n, f.p + at, 12 + k);
			dgram(0, &r); /* direction 0: the server, as first sender */
			bb_free(&r);
		}
		n++;
		at += 12 + k;
	}
	bb_free(&f);
	cseq = 1;
	cke(&h);
	fragments(&f, &h, &cseq, 1 << 16);
	drec(&r, 22, 0xfefd, 0, 2, f.p, f.n);
	dgram(1, &r);
	bb_free(&h), bb_free(&f), bb_free(&r);
	ufinish();
	CHECK_EQ_INT(U.ns, 1);
	if (U.ns == 1) {
		struct tls_session *s = U.s[0];
		CHECK_EQ_INT(s->server.port, 5000); /* the first sender was the server */
		CHECK_EQ_INT(s->chain[SIDE_SERVER].present, 1);
		CHECK_EQ_INT(s->chain[SIDE_SERVER].complete, 0);
		CHECK(s->chain[SIDE_SERVER].n >= 1); /* the leaf at least came whole */
		CHECK(strstr(notes(s), "TRUNCATED") != NULL);
		CHECK(strstr(ladder(s), "s CERT*@") != NULL);
	}
	ustop();
}

/* Connection IDs (RFC 9146): records of type 25 after the handshake, with
 * the CID each side asked for; and DTLS 1.3 with unified headers. */
static void test_cid_and_13(void)
{
	struct bb h = { 0 }, f = { 0 }, r = { 0 };
	uint16_t cseq = 0, sseq = 0;
	ustart();
	dtls_client_hello(&h, 0xfefd, "", 1, 0);
	fragments(&f, &h, &cseq, 1 << 16);
	drec(&r, 22, 0xfefd, 0, 0, f.p, f.n);
	dgram(0, &r);
	bb_free(&h), bb_free(&f), bb_free(&r);
	dtls_server_hello(&h, 0xfefd, 1, 0);
	certificate(&h, 1);
	shd(&h);
	fragments(&f, &h, &sseq, 1 << 16);
	drec(&r, 22, 0xfefd, 0, 0, f.p, f.n);
	dgram(1, &r);
	bb_free(&h), bb_free(&f), bb_free(&r);
	/* client -> server: the server's 2-byte CID; two records in one datagram */
	static const uint8_t c2s[] = { 25,  0xfe, 0xfd, 0, 1, 0,   0,	0,    0,    0, 1, 's',
				       'c', 0,	  3,	1, 2, 3,   25,	0xfe, 0xfd, 0, 1, 0,
				       0,   0,	  0,	0, 2, 's', 'c', 0,    2,    7, 8 };
	putn(&r, c2s, sizeof c2s);
	dgram(0, &r);
	bb_free(&r);
	/* server -> client: the client's 4-byte CID */
	static const uint8_t s2c[] = { 25, 0xfe, 0xfd, 0,   1,	 0, 0, 0, 0, 0,
				       1,  'c',	 'c',  'i', 'd', 0, 2, 9, 9 };
	putn(&r, s2c, sizeof s2c);
	dgram(1, &r);
	bb_free(&r);
	ufinish();
	CHECK_EQ_INT(U.ns, 1);
	if (U.ns == 1) {
		struct tls_session *s = U.s[0];
		CHECK_EQ_INT(s->ch.cid_present, 1);
		CHECK_EQ_INT(s->ch.cid_len, 4);
		CHECK_EQ_INT(s->sh.cid_len, 2);
		CHECK_EQ_INT(s->dtls.cid[SIDE_CLIENT], 1);
		CHECK_EQ_INT(s->dtls.cid[SIDE_SERVER], 1);
		CHECK_EQ_INT(s->dtls.records[SIDE_CLIENT], 3);
		/* the second protected record of a side is taken for data */
		CHECK_EQ_STR(ladder(s),
			     "c CH@1, s SH@2, s CERT@2, s SHD@2, c ENC@3, c APP@3, s ENC@4");
	}
	ustop();

	/* DTLS 1.3: hellos in the clear, the rest in unified headers: epoch
	 * 2 is the handshake, 3 application data. */
	cseq = sseq = 0;
	ustart();
	dtls_client_hello(&h, 0xfefc, "", 0, 0);
	fragments(&f, &h, &cseq, 1 << 16);
	drec(&r, 22, 0xfefd, 0, 0, f.p, f.n);
	dgram(0, &r);
	bb_free(&h), bb_free(&f), bb_free(&r);
	dtls_server_hello(&h, 0xfefc, 0, 0);
	fragments(&f, &h, &sseq, 1 << 16);
	drec(&r, 22, 0xfefd, 0, 0, f.p, f.n);
	static const uint8_t enc[] = { 0x2e, 0, 0, 0, 4, 1, 2, 3, 4 }; /* epoch 2 */
	putn(&r, enc, sizeof enc);
	putn(&r, enc, sizeof enc);
	dgram(1, &r);
	bb_free(&h), bb_free(&f), bb_free(&r);
	putn(&r, enc, sizeof enc);
	dgram(0, &r);
	bb_free(&r);
	static const uint8_t app[] = { 0x2b, 0, 1, 0, 2, 5, 6 }; /* epoch 3 */
	putn(&r, app, sizeof app);
	dgram(0, &r);
	dgram(1, &r);
	bb_free(&r);
	ufinish();
	CHECK_EQ_INT(U.ns, 1);
	if (U.ns == 1) {
		struct tls_session *s = U.s[0];
		CHECK_EQ_INT(s->version, 0xfefc);
		CHECK_EQ_INT(s->tls13, 1);
		CHECK(strncmp(s->ch.ja4, "dd3", 3) == 0);
		CHECK_EQ_STR(ladder(s), "c CH@1, s SH@2, s ENC@2, c ENC@3, c APP@4, s APP@5");
		CHECK_EQ_INT(s->handshake_done, 1);
	}
	ustop();
}

/* Not DTLS: nothing wanted, nothing emitted; a flow whose datagrams stop
 * being DTLS does not crash and keeps what it had. */
static void test_not_dtls(void)
{
	struct bb r = { 0 };
	ustart();
	puts_(&r, "\x16\x03\x03 this is TLS, not DTLS");
	dgram(0, &r);
	bb_free(&r);
	static const uint8_t rtp[12] = { 0x80, 0x60, 0, 1 };
	putn(&r, rtp, sizeof rtp);
	dgram(0, &r);
	bb_free(&r);
	/* a handshake record whose fragment overruns it */
	static const uint8_t bad[] = { 22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12,
				       1,  0,	 0,    9, 0, 0, 0, 0, 0, 0, 0, 9 };
	putn(&r, bad, sizeof bad);
	dgram(0, &r);
	bb_free(&r);
	ufinish();
	CHECK_EQ_INT(U.ns, 0);
	CHECK_EQ_INT(udp_table_stats(U.t)->flows, 0);
	CHECK_EQ_INT(udp_table_stats(U.t)->unwanted, 3);
	ustop();
}

int main(void)
{
	if (fixture_init() != 0)
		return 1;
	test_parsers();
	test_dtls12();
	test_alert_and_cut();
	test_cid_and_13();
	test_not_dtls();
	x509_free_list(pki, npki);
	return t_done("dtls");
}

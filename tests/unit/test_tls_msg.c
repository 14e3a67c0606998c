/*
 * test_tls_msg.c - the single-message parsers of dissect/tls_msg.h:
 * ClientHello, SSLv2-compatible ClientHello, ServerHello, Certificate,
 * CertificateRequest, ServerKeyExchange (ECDHE group), and JA3/JA4.
 *
 * Every parser gets valid messages and hostile ones (STYLE.md §5): empty,
 * every prefix of a valid message (one byte short at every position),
 * every single-byte deletion and bit flip (no crash), lengths overrunning
 * their parent, trailing bytes, maximum counts, GREASE everywhere, and a
 * malformed extension followed by a good one. Inputs are copied into
 * exact-size heap blocks so the sanitizer build catches any over-read.
 *
 * Reference values: JA4 of the FoxIO spec's example ClientHello
 * (technical_details/JA4.md: t13d1516h2_8daaf6152771_e5627efa2ab1, plus its
 * worked no-signature-algorithms value 6d807ffa2a79 and ALPN examples);
 * JA3 strings and hashes as tshark 4.0.17 prints tls.handshake.ja3_full /
 * tls.handshake.ja3 for the same bytes (`test_tls_msg --dump-hello N`
 * writes hello N as a TLS record; wrapped with text2pcap and read by tshark).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/cursor.h"
#include "capture/xalloc.h"
#include "dissect/certcache.h"
#include "dissect/session.h"
#include "dissect/tls_msg.h"
#include "dissect/x509.h"
#include "tests/unit/t.h"

/* tshark 4.0.17 tls.handshake.ja3 of hellos 0, 1, 2 (see above). */
#define JA3_SPEC "c000e2caf3a25423f9de6c8a4b12a975"
#define JA3_OLD "949becf5039ab7a0ac55170c6afb53d4"
#define JA3_IP "61df301f19e326ba36eb33ac0420f657"
/* sha256("000a,002f,0035,00ff"), first 12 hex digits */
#define JA4B_OLD "e2f6df6ad119"

#ifndef TLS_TEST_PKI
#define TLS_TEST_PKI "tests/captures/tls/pki"
#endif

#include "tests/unit/bb.h"

/* An extension: type, then its body between open/close. */
static void ext_open(struct bb *b, unsigned type)
{
	put16(b, type);
	open_(b, 2);
}

/* ---- running parsers over exact-size copies ---- */

enum which { P_CH, P_SSLV2, P_SH, P_CERT, P_CERT_PARTIAL, P_CR12, P_CR10, P_SKE };

struct result {
	enum parse_err e;
	struct tls_session *s;	/* the parsed model (ch, sh, chain[1], cr, ske) */
	size_t left;		/* bytes the parser left in the cursor */
	struct cert_cache *own; /* a cache of this run only (sweeps) */
};

static struct cert_cache *cache;
static int fresh_cache; /* sweeps: do not grow the shared cache */

static struct result run(enum which w, const uint8_t *p, size_t n)
{
	struct result r = { PE_OK, xcalloc(1, sizeof *r.s), 0, NULL };
	struct cert_cache *cc = cache;
	if (fresh_cache && (w == P_CERT || w == P_CERT_PARTIAL))
		cc = r.own = certcache_new();
	uint8_t *copy = malloc(n ? n : 1);
	if (n)
		memcpy(copy, p, n);
	struct cursor c;
	cur_init(&c, n ? copy : NULL, n);
	switch (w) {
	case P_CH: r.e = tls_parse_client_hello(&c, &r.s->ch); break;
	case P_SSLV2: r.e = tls_parse_sslv2_hello(&c, &r.s->ch); break;
	case P_SH: r.e = tls_parse_server_hello(&c, &r.s->sh); break;
	case P_CERT: r.e = tls_parse_certificate(&c, 0, cc, &r.s->chain[1]); break;
	case P_CERT_PARTIAL: r.e = tls_parse_certificate(&c, 1, cc, &r.s->chain[1]); break;
	case P_CR12: r.e = tls_parse_cert_request(&c, 0x0303, &r.s->cr); break;
	case P_CR10: r.e = tls_parse_cert_request(&c, 0x0301, &r.s->cr); break;
	case P_SKE: r.e = tls_parse_ske_group(&c, &r.s->ske_group); break;
	}
	r.left = cur_left(&c);
	free(copy);
	return r;
}

static void done(struct result *r)
{
	tls_session_free(r->s);
	certcache_free(r->own);
	r->s = NULL;
	r->own = NULL;
}

static enum parse_err run_e(enum which w, const struct bb *b)
{
	struct result r = run(w, b->p, b->n);
	enum parse_err e = r.e;
	done(&r);
	return e;
}

/*
 * Every prefix of a valid message must fail with PE_SHORT or PE_MALFORMED,
 * except `ok_at` (a prefix that is itself a valid message, e.g. a hello cut
 * right before its optional extensions; -1 for none). Then every single
 * byte deletion and every bit flip must not crash (results not asserted:
 * many are valid messages).
 */
static void hostile_sweep(const char *what, enum which w, const struct bb *b, long ok_at)
{
	int bad = 0;
	fresh_cache = 1;
	for (size_t k = 0; k < b->n; k++) {
		struct result r = run(w, b->p, k);
		if ((long)k == ok_at) {
			if (r.e != PE_OK) {
				fprintf(stderr, "%s: prefix %zu: %s, expected ok\n", what, k,
					pe_str(r.e));
				bad++;
			}
		} else if (r.e != PE_SHORT && r.e != PE_MALFORMED) {
			fprintf(stderr, "%s: prefix %zu of %zu: %s\n", what, k, b->n, pe_str(r.e));
			bad++;
		}
		done(&r);
	}
	CHECK_EQ_INT(bad, 0);
	uint8_t *m = malloc(b->n + 1);
	for (size_t k = 0; k < b->n; k++) {
		memcpy(m, b->p, k);
		memcpy(m + k, b->p + k + 1, b->n - k - 1);
		struct result r = run(w, m, b->n - 1);
		done(&r);
		for (int bit = 0; bit < 8; bit++) {
			memcpy(m, b->p, b->n);
			m[k] = (uint8_t)(m[k] ^ (1u << bit));
			r = run(w, m, b->n);
			done(&r);
		}
	}
	free(m);
	fresh_cache = 0;
	/* The whole message parses, and with a byte added it does not. */
	struct result r = run(w, b->p, b->n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(r.left, 0);
	done(&r);
	if (w != P_SSLV2 && w != P_SKE) {
		struct bb t = { 0 };
		putn(&t, b->p, b->n);
		put8(&t, 0);
		r = run(w, t.p, t.n);
		CHECK(r.e != PE_OK);
		done(&r);
		bb_free(&t);
	}
}

/* ---- ClientHellos ---- */

static const uint16_t spec_ciphers[] = { 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f,
					 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
					 0xc014, 0x009c, 0x009d, 0x002f, 0x0035 };
static const uint16_t spec_sigalgs[] = { 0x0403, 0x0804, 0x0401, 0x0503,
					 0x0805, 0x0501, 0x0806, 0x0601 };

/* Fixed part of a ClientHello up to (not including) the extensions. */
static void ch_head(struct bb *b, unsigned version, const uint16_t *cs, size_t ncs, int sid)
{
	put16(b, version);
	for (int i = 0; i < 32; i++)
		put8(b, (unsigned)(0x10 + i)); /* random */
	open_(b, 1);
	if (sid)
		fill(b, 0x5a, 32);
	close_(b);
	open_(b, 2);
	for (size_t i = 0; i < ncs; i++)
		put16(b, cs[i]);
	close_(b);
	put8(b, 1); /* compression_methods: null */
	put8(b, 0);
}

static void ext_sni(struct bb *b, const char *host)
{
	ext_open(b, 0x0000);
	open_(b, 2);
	put8(b, 0);
	open_(b, 2);
	puts_(b, host);
	close_(b);
	close_(b);
	close_(b);
}

static void ext_alpn(struct bb *b, const char *const *names, size_t n)
{
	ext_open(b, 0x0010);
	open_(b, 2);
	for (size_t i = 0; i < n; i++) {
		open_(b, 1);
		puts_(b, names[i]);
		close_(b);
	}
	close_(b);
	close_(b);
}

static void ext_u16s(struct bb *b, unsigned type, int width, const uint16_t *v, size_t n)
{
	ext_open(b, type);
	open_(b, width);
	for (size_t i = 0; i < n; i++)
		put16(b, v[i]);
	close_(b);
	close_(b);
}

/*
 * The FoxIO JA4 spec's example: 15 ciphers, 16 extensions in the order of
 * its JA4_ro line, signature algorithms in its order, ALPN h2, TLS 1.3 in
 * supported_versions; plus the GREASE Chrome adds (a cipher, two
 * extensions, a group, a version, a key share), which JA4 ignores.
 */
static void build_spec_hello(struct bb *b)
{
	uint16_t cs[16];
	cs[0] = 0x7a7a; /* GREASE */
	memcpy(cs + 1, spec_ciphers, sizeof spec_ciphers);
	ch_head(b, 0x0303, cs, 16, 1);
	open_(b, 2);
	ext_open(b, 0x2a2a); /* GREASE */
	close_(b);
	ext_open(b, 0x001b); /* compress_certificate: brotli */
	put8(b, 2);
	put16(b, 2);
	close_(b);
	ext_sni(b, "www.example.com");
	ext_open(b, 0x0033); /* key_share: GREASE(1 byte), x25519 */
	open_(b, 2);
	put16(b, 0x5a5a);
	put16(b, 1);
	put8(b, 0);
	put16(b, 0x001d);
	put16(b, 32);
	fill(b, 0x33, 32);
	close_(b);
	close_(b);
	static const char *const alpn[] = { "h2", "http/1.1" };
	ext_alpn(b, alpn, 2);
	ext_open(b, 0x4469); /* application_settings */
	open_(b, 2);
	open_(b, 1);
	puts_(b, "h2");
	close_(b);
	close_(b);
	close_(b);
	ext_open(b, 0x0017); /* extended_master_secret */
	close_(b);
	ext_open(b, 0x002d); /* psk_key_exchange_modes: psk_dhe_ke */
	put8(b, 1);
	put8(b, 1);
	close_(b);
	ext_u16s(b, 0x000d, 2, spec_sigalgs, 8);
	ext_open(b, 0x0005); /* status_request: ocsp */
	put8(b, 1);
	put16(b, 0);
	put16(b, 0);
	close_(b);
	ext_open(b, 0x0023); /* session_ticket */
	close_(b);
	ext_open(b, 0x0012); /* signed_certificate_timestamp */
	close_(b);
	static const uint16_t versions[] = { 0xdada, 0x0304, 0x0303 };
	ext_u16s(b, 0x002b, 1, versions, 3);
	ext_open(b, 0xff01); /* renegotiation_info */
	put8(b, 0);
	close_(b);
	ext_open(b, 0x000b); /* ec_point_formats: uncompressed */
	put8(b, 1);
	put8(b, 0);
	close_(b);
	static const uint16_t groups[] = { 0x5a5a, 0x001d, 0x0017, 0x0018 };
	ext_u16s(b, 0x000a, 2, groups, 4);
	ext_open(b, 0x0015); /* padding */
	fill(b, 0, 17);
	close_(b);
	ext_open(b, 0xfafa); /* GREASE, one byte */
	put8(b, 0);
	close_(b);
	close_(b);
}

/* A TLS 1.0-era hello: no extensions at all. */
static void build_old_hello(struct bb *b)
{
	static const uint16_t cs[] = { 0x0035, 0x002f, 0x000a, 0x00ff };
	ch_head(b, 0x0301, cs, 4, 0);
}

/* A TLS 1.2 hello like OpenSSL's to an IP address (no SNI), with
 * sig algs, groups, point formats, session ticket. */
static void build_ip_hello(struct bb *b)
{
	static const uint16_t cs[] = { 0xc02c, 0xc030, 0x009f, 0xcca9, 0xc02b, 0xc02f, 0x00ff };
	ch_head(b, 0x0303, cs, 7, 0);
	open_(b, 2);
	ext_open(b, 0x000b);
	put8(b, 3);
	put8(b, 0);
	put8(b, 1);
	put8(b, 2);
	close_(b);
	static const uint16_t groups[] = { 0x001d, 0x0017, 0x001e, 0x0019, 0x0018 };
	ext_u16s(b, 0x000a, 2, groups, 5);
	ext_open(b, 0x0023);
	close_(b);
	ext_open(b, 0x0016);
	close_(b);
	ext_open(b, 0x0017);
	close_(b);
	static const uint16_t sa[] = { 0x0403, 0x0503, 0x0603, 0x0804, 0x0401 };
	ext_u16s(b, 0x000d, 2, sa, 5);
	close_(b);
}

static void build_hello(int which, struct bb *b)
{
	switch (which) {
	case 0: build_spec_hello(b); break;
	case 1: build_old_hello(b); break;
	default: build_ip_hello(b); break;
	}
}

/* Write hello N as a handshake record (for text2pcap + tshark). */
static int dump_hello(int which)
{
	struct bb m = { 0 }, b = { 0 };
	build_hello(which, &m);
	put8(&b, 22);
	put16(&b, 0x0301);
	open_(&b, 2);
	put8(&b, 1);
	put24(&b, m.n);
	putn(&b, m.p, m.n);
	close_(&b);
	fwrite(b.p, 1, b.n, stdout);
	bb_free(&m);
	bb_free(&b);
	return 0;
}

static void test_ja4_spec_example(void)
{
	struct bb b = { 0 };
	build_spec_hello(&b);
	struct result r = run(P_CH, b.p, b.n);
	struct tls_client_hello *ch = &r.s->ch;
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(ch->present, 1);
	CHECK_EQ_STR(ch->ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
	/* tshark 4.0.17 tls.handshake.ja3_full / ja3 of the same bytes. */
	CHECK_EQ_STR(ch->ja3_string, "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-"
				     "49172-156-157-47-53,27-0-51-16-17513-23-45-13-5-35-18-43-"
				     "65281-11-10-21,29-23-24,0");
	CHECK_EQ_STR(ch->ja3, JA3_SPEC);
	CHECK_EQ_STR(ch->sni, "www.example.com");
	CHECK_EQ_INT(ch->alpn.n, 2);
	CHECK_EQ_STR(ch->alpn.v[1], "http/1.1");
	CHECK_EQ_INT(ch->ciphers.n, 16); /* the model keeps GREASE; fingerprints drop it */
	CHECK_EQ_INT(ch->ciphers.v[0], 0x7a7a);
	CHECK_EQ_INT(ch->extensions.n, 18);
	CHECK_EQ_INT(ch->versions.n, 3);
	CHECK_EQ_INT(ch->groups.n, 4);
	CHECK_EQ_INT(ch->sig_algs.n, 8);
	CHECK_EQ_INT(ch->ec_point_formats.n, 1);
	CHECK_EQ_INT(ch->legacy_version, 0x0303);
	done(&r);
	hostile_sweep("spec hello", P_CH, &b, 2 + 32 + 1 + 32 + 2 + 32 + 2);
	bb_free(&b);
}

static void test_ja3_tshark(void)
{
	struct bb b = { 0 };
	build_old_hello(&b);
	struct result r = run(P_CH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_STR(r.s->ch.ja3_string, "769,53-47-10-255,,,");
	CHECK_EQ_STR(r.s->ch.ja3, JA3_OLD);
	CHECK_EQ_STR(r.s->ch.ja4, "t10i0400"
				  "00_" JA4B_OLD "_000000000000");
	done(&r);
	hostile_sweep("old hello", P_CH, &b, (long)b.n);
	bb_free(&b);

	build_ip_hello(&b);
	r = run(P_CH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_STR(
		r.s->ch.ja3_string,
		"771,49196-49200-159-52393-49195-49199-255,11-10-35-22-23-13,29-23-30-25-24,0-1-2");
	CHECK_EQ_STR(r.s->ch.ja3, JA3_IP);
	CHECK(strncmp(r.s->ch.ja4, "t12i070600_", 11) == 0);
	CHECK(r.s->ch.sni == NULL);
	done(&r);
	hostile_sweep("ip hello", P_CH, &b, 2 + 32 + 1 + 2 + 14 + 2);
	bb_free(&b);
}

/* JA4 details from the spec: ALPN characters, empty parts, no sig algs. */
static void ja4_of(const char *alpn0, const uint16_t *ext, size_t next, const uint16_t *sa,
		   size_t nsa, char *out)
{
	struct tls_client_hello ch;
	memset(&ch, 0, sizeof ch);
	ch.legacy_version = 0x0303;
	ch.extensions.v = (uint16_t *)ext;
	ch.extensions.n = next;
	ch.sig_algs.v = (uint16_t *)sa;
	ch.sig_algs.n = nsa;
	char *names[1] = { (char *)alpn0 };
	if (alpn0) {
		ch.alpn.v = names;
		ch.alpn.n = 1;
	}
	tls_fingerprint(&ch);
	strcpy(out, ch.ja4);
	free(ch.ja3_string);
}

static void test_ja4_details(void)
{
	char j[64];
	static const struct {
		const char *alpn, *want;
	} a[] = {
		{ "h2", "h2" },
		{ "http/1.1", "h1" },
		{ "x", "xx" },
		{ "\xab", "ab" },
		{ "\xab\xcd", "ad" },
		{ "\x30\xab", "3b" },
		{ "\x30\x31\xab\xcd", "3d" },
		{ "\x30\xab\xcd\x31", "01" },
		{ NULL, "00" },
	};
	for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
		ja4_of(a[i].alpn, NULL, 0, NULL, 0, j);
		char want[16];
		snprintf(want, sizeof want, "t12i0000%s", a[i].want);
		CHECK(strncmp(j, want, 10) == 0);
		if (strncmp(j, want, 10) != 0)
			fprintf(stderr, "alpn case %zu: %s\n", i, j);
		/* No ciphers, no extensions: both hashes are twelve zeros. */
		CHECK_EQ_STR(j + 10, "_000000000000_000000000000");
	}
	/* The spec's worked value without signature algorithms (the list is
	 * given already sorted; SNI and ALPN are added here and must go). */
	static const uint16_t ext[] = { 0x0010, 0x0005, 0x000a, 0x000b, 0x000d, 0x0012,
					0x0015, 0x0017, 0x001b, 0x0023, 0x002b, 0x002d,
					0x0033, 0x4469, 0xff01, 0x0000, 0x0a0a };
	ja4_of("h2", ext, sizeof ext / sizeof ext[0], NULL, 0, j);
	CHECK_EQ_STR(j, "t12d0016h2_000000000000_6d807ffa2a79");
	/* And with the spec's signature algorithms the spec's c part. */
	ja4_of("h2", ext, sizeof ext / sizeof ext[0], spec_sigalgs, 8, j);
	CHECK_EQ_STR(j + 24, "e5627efa2ab1");
	/* Only SNI and ALPN: the sorted list is empty -> zeros. */
	static const uint16_t only[] = { 0x0000, 0x0010 };
	ja4_of("h2", only, 2, NULL, 0, j);
	CHECK_EQ_STR(j, "t12d0002h2_000000000000_000000000000");
}

static void test_grease(void)
{
	int n = 0;
	for (unsigned v = 0; v <= 0xffff; v++)
		n += tls_is_grease((uint16_t)v);
	CHECK_EQ_INT(n, 16);
	CHECK(tls_is_grease(0x0a0a) && tls_is_grease(0xfafa) && tls_is_grease(0x3a3a));
	CHECK(!tls_is_grease(0x0a1a) && !tls_is_grease(0x1a0a) && !tls_is_grease(0x0000) &&
	      !tls_is_grease(0xabab));
	CHECK(tls_is_grease(0xaaaa));

	/* GREASE only, in every list: nothing is counted or hashed. */
	struct bb b = { 0 };
	static const uint16_t cs[] = { 0x0a0a, 0x1a1a };
	ch_head(&b, 0x0303, cs, 2, 0);
	open_(&b, 2);
	static const uint16_t g[] = { 0x2a2a };
	ext_u16s(&b, 0x000a, 2, g, 1);
	ext_u16s(&b, 0x002b, 1, g, 1);
	ext_open(&b, 0x3a3a);
	close_(&b);
	close_(&b);
	struct result r = run(P_CH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_STR(r.s->ch.ja3_string, "771,,10-43,,");
	/* versions: only GREASE -> the legacy version decides; c is
	 * sha256("000a,002b"). */
	CHECK_EQ_STR(r.s->ch.ja4, "t12i000200_000000000000_b0ac53b37fa7");
	done(&r);
	bb_free(&b);
}

static void test_ch_hostile(void)
{
	struct bb b = { 0 };
	struct result r;

	CHECK_EQ_INT(run_e(P_CH, &b), PE_SHORT); /* empty */

	/* Zero-length SNI host name, then a good ALPN: the hello is kept,
	 * marked malformed; JA4 still says "d" (the extension is there). */
	static const uint16_t cs[] = { 0x1301 };
	ch_head(&b, 0x0303, cs, 1, 0);
	open_(&b, 2);
	ext_sni(&b, "");
	static const char *const h2[] = { "h2" };
	ext_alpn(&b, h2, 1);
	close_(&b);
	r = run(P_CH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_MALFORMED);
	CHECK_EQ_INT(r.s->ch.present, 1);
	CHECK(r.s->ch.sni == NULL);
	CHECK_EQ_INT(r.s->ch.alpn.n, 1);
	CHECK(strncmp(r.s->ch.ja4, "t12d0102h2_", 11) == 0);
	done(&r);
	bb_free(&b);

	/* A malformed extension (groups with an odd length) followed by a good
	 * SNI: both types recorded, SNI decoded, the groups left empty. */
	ch_head(&b, 0x0303, cs, 1, 0);
	open_(&b, 2);
	ext_open(&b, 0x000a);
	open_(&b, 2);
	put16(&b, 0x001d);
	put8(&b, 0x17);
	close_(&b);
	close_(&b);
	ext_sni(&b, "good.example");
	close_(&b);
	r = run(P_CH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_MALFORMED);
	CHECK_EQ_STR(r.s->ch.sni, "good.example");
	CHECK_EQ_INT(r.s->ch.extensions.n, 2);
	CHECK_EQ_INT(r.s->ch.groups.n, 0);
	CHECK(r.s->ch.ja3[0] != 0);
	done(&r);
	bb_free(&b);

	/* An extension whose length overruns the extension list. */
	ch_head(&b, 0x0303, cs, 1, 0);
	open_(&b, 2);
	put16(&b, 0x0017);
	put16(&b, 10);
	put16(&b, 0);
	close_(&b);
	r = run(P_CH, b.p, b.n);
	CHECK(r.e == PE_SHORT || r.e == PE_MALFORMED);
	CHECK(r.s->ch.ja3[0] != 0); /* what was read is fingerprinted */
	done(&r);
	bb_free(&b);

	/* The SNI list overruns its extension. */
	ch_head(&b, 0x0303, cs, 1, 0);
	open_(&b, 2);
	ext_open(&b, 0x0000);
	put16(&b, 40);
	put8(&b, 0);
	put16(&b, 3);
	puts_(&b, "abc");
	close_(&b);
	close_(&b);
	r = run(P_CH, b.p, b.n);
	CHECK(r.e == PE_SHORT || r.e == PE_MALFORMED);
	CHECK(r.s->ch.sni == NULL);
	done(&r);
	bb_free(&b);

	/* The cipher suite vector overruns the hello. */
	put16(&b, 0x0303);
	fill(&b, 0, 32);
	put8(&b, 0);
	put16(&b, 200);
	put16(&b, 0x1301);
	r = run(P_CH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_SHORT);
	CHECK_EQ_INT(r.s->ch.present, 0);
	done(&r);
	bb_free(&b);

	/* Odd cipher vector, empty cipher vector, empty compression methods,
	 * a 33-byte session id. */
	static const struct {
		int sid, cslen, comp;
	} bad[] = { { 0, 3, 1 }, { 0, 0, 1 }, { 0, 2, 0 }, { 33, 2, 1 } };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		put16(&b, 0x0303);
		fill(&b, 0, 32);
		put8(&b, (unsigned)bad[i].sid);
		fill(&b, 0, (size_t)bad[i].sid);
		put16(&b, (unsigned)bad[i].cslen);
		fill(&b, 0x13, (size_t)bad[i].cslen);
		put8(&b, (unsigned)bad[i].comp);
		fill(&b, 0, (size_t)bad[i].comp);
		r = run(P_CH, b.p, b.n);
		CHECK_EQ_INT(r.e, PE_MALFORMED);
		CHECK_EQ_INT(r.s->ch.present, 0);
		done(&r);
		bb_free(&b);
	}

	/* The same extension twice. */
	ch_head(&b, 0x0303, cs, 1, 0);
	open_(&b, 2);
	ext_sni(&b, "one.example");
	ext_sni(&b, "two.example");
	close_(&b);
	r = run(P_CH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_MALFORMED);
	CHECK_EQ_STR(r.s->ch.sni, "one.example");
	done(&r);
	bb_free(&b);

	/* Trailing bytes inside an extension (after the ALPN list). */
	ch_head(&b, 0x0303, cs, 1, 0);
	open_(&b, 2);
	ext_open(&b, 0x0010);
	open_(&b, 2);
	open_(&b, 1);
	puts_(&b, "h2");
	close_(&b);
	close_(&b);
	put8(&b, 0xee);
	close_(&b);
	close_(&b);
	r = run(P_CH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_TRAILING);
	done(&r);
	bb_free(&b);

	/* Supported versions with an odd length; an empty ALPN name; a NUL in
	 * the host name (kept as '?'). */
	ch_head(&b, 0x0303, cs, 1, 0);
	open_(&b, 2);
	ext_open(&b, 0x002b);
	put8(&b, 3);
	put16(&b, 0x0304);
	put8(&b, 3);
	close_(&b);
	ext_open(&b, 0x0010);
	put16(&b, 1);
	put8(&b, 0);
	close_(&b);
	ext_open(&b, 0x0000);
	put16(&b, 6);
	put8(&b, 0);
	put16(&b, 3);
	putn(&b, "a\0b", 3);
	close_(&b);
	close_(&b);
	r = run(P_CH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_MALFORMED);
	CHECK_EQ_STR(r.s->ch.sni, "a?b");
	CHECK_EQ_INT(r.s->ch.alpn.n, 0);
	CHECK_EQ_INT(r.s->ch.versions.n, 0);
	done(&r);
	bb_free(&b);
}

static void test_ch_max(void)
{
	/* 32767 cipher suites (the whole u16 vector), 64 ALPN names. */
	struct bb b = { 0 };
	uint16_t *cs = xcalloc(32767, sizeof *cs);
	for (size_t i = 0; i < 32767; i++)
		cs[i] = (uint16_t)(i + 1);
	ch_head(&b, 0x0303, cs, 32767, 1);
	open_(&b, 2);
	char names[65][8];
	const char *np[65];
	for (int i = 0; i < 65; i++) {
		snprintf(names[i], sizeof names[i], "p%d", i);
		np[i] = names[i];
	}
	ext_alpn(&b, np, 64);
	close_(&b);
	struct result r = run(P_CH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(r.s->ch.ciphers.n, 32767);
	CHECK_EQ_INT(r.s->ch.ciphers.v[32766], 32767);
	CHECK_EQ_INT(r.s->ch.alpn.n, 64);
	CHECK_EQ_STR(r.s->ch.alpn.v[63], "p63");
	/* 32767 minus the 16 GREASE values among 1..32767 (0x0a0a..0x7a7a: 8) */
	CHECK(strncmp(r.s->ch.ja4, "t12i9901p0_", 11) == 0);
	CHECK(strlen(r.s->ch.ja3_string) > 32767 * 2);
	done(&r);
	bb_free(&b);

	/* 65 ALPN names: 64 kept, the hello flagged over a limit. */
	ch_head(&b, 0x0303, cs, 1, 0);
	open_(&b, 2);
	ext_alpn(&b, np, 65);
	close_(&b);
	r = run(P_CH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_LIMIT);
	CHECK_EQ_INT(r.s->ch.alpn.n, 64);
	CHECK_EQ_INT(r.s->ch.present, 1);
	done(&r);
	bb_free(&b);

	/* 16383 empty extensions (the most a u16 vector holds), all distinct. */
	ch_head(&b, 0x0303, cs, 1, 0);
	open_(&b, 2);
	for (unsigned t = 0; t < 16383; t++) {
		put16(&b, 0x8000 + t);
		put16(&b, 0);
	}
	close_(&b);
	r = run(P_CH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(r.s->ch.extensions.n, 16383);
	CHECK(strncmp(r.s->ch.ja4, "t12i0199", 8) == 0);
	done(&r);
	bb_free(&b);
	free(cs);
}

/* ---- SSLv2-compatible hello ---- */

static void build_sslv2(struct bb *b, size_t nspecs, unsigned chlen)
{
	put8(b, 1);
	put16(b, 0x0303);
	put16(b, (unsigned)(nspecs * 3));
	put16(b, 0);
	put16(b, chlen);
	for (size_t i = 0; i < nspecs; i++) {
		if (i % 3 == 2) { /* an SSLv2-only spec: not a TLS suite */
			put8(b, 0x07);
			put16(b, 0x00c0);
		} else {
			put8(b, 0);
			put16(b, (unsigned)(i + 1));
		}
	}
	fill(b, 0xcc, chlen);
}

static void test_sslv2(void)
{
	struct bb b = { 0 };
	CHECK_EQ_INT(run_e(P_SSLV2, &b), PE_SHORT);
	build_sslv2(&b, 9, 32);
	struct result r = run(P_SSLV2, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(r.s->ch.sslv2, 1);
	CHECK_EQ_INT(r.s->ch.ciphers.n, 6);
	CHECK_EQ_INT(r.s->ch.ciphers.v[1], 2);
	CHECK_EQ_STR(r.s->ch.ja3_string, "771,1-2-4-5-7-8,,,");
	CHECK(strncmp(r.s->ch.ja4, "t12i060000_", 11) == 0);
	done(&r);
	hostile_sweep("sslv2", P_SSLV2, &b, -1);
	/* Trailing bytes after the challenge. */
	put8(&b, 0);
	CHECK_EQ_INT(run_e(P_SSLV2, &b), PE_TRAILING);
	bb_free(&b);

	/* Challenge too short, cipher specs not a multiple of 3, no specs,
	 * wrong message type. */
	build_sslv2(&b, 3, 15);
	CHECK_EQ_INT(run_e(P_SSLV2, &b), PE_MALFORMED);
	bb_free(&b);
	build_sslv2(&b, 3, 16);
	b.p[4] = 8;
	CHECK_EQ_INT(run_e(P_SSLV2, &b), PE_MALFORMED);
	bb_free(&b);
	build_sslv2(&b, 0, 16);
	CHECK_EQ_INT(run_e(P_SSLV2, &b), PE_MALFORMED);
	bb_free(&b);
	build_sslv2(&b, 3, 16);
	b.p[0] = 4;
	CHECK_EQ_INT(run_e(P_SSLV2, &b), PE_MALFORMED);
	bb_free(&b);

	/* The most cipher specs a u16 length holds (65535 / 3). */
	build_sslv2(&b, 21845, 16);
	r = run(P_SSLV2, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(r.s->ch.ciphers.n, 14564); /* two of every three */
	done(&r);
	bb_free(&b);
}

/* ---- ServerHello ---- */

static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
	0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
	0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static void sh_head(struct bb *b, unsigned version, int hrr, size_t sid, unsigned cipher)
{
	put16(b, version);
	if (hrr)
		putn(b, hrr_random, 32);
	else
		fill(b, 0x42, 32);
	put8(b, (unsigned)sid);
	fill(b, 0x77, sid);
	put16(b, cipher);
	put8(b, 0);
}

static void build_sh13(struct bb *b)
{
	sh_head(b, 0x0303, 0, 32, 0x1302);
	open_(b, 2);
	ext_open(b, 0x002b);
	put16(b, 0x0304);
	close_(b);
	ext_open(b, 0x0033);
	put16(b, 0x0017);
	open_(b, 2);
	fill(b, 0x04, 65);
	close_(b);
	close_(b);
	close_(b);
}

static void test_server_hello(void)
{
	struct bb b = { 0 };
	CHECK_EQ_INT(run_e(P_SH, &b), PE_SHORT);

	build_sh13(&b);
	struct result r = run(P_SH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(r.s->sh.present, 1);
	CHECK_EQ_INT(r.s->sh.hrr, 0);
	CHECK_EQ_INT(r.s->sh.legacy_version, 0x0303);
	CHECK_EQ_INT(r.s->sh.version, 0x0304);
	CHECK_EQ_INT(r.s->sh.cipher, 0x1302);
	CHECK_EQ_INT(r.s->sh.key_share_group, 0x0017);
	CHECK_EQ_INT(r.s->sh.extensions.n, 2);
	done(&r);
	hostile_sweep("sh13", P_SH, &b, 2 + 32 + 1 + 32 + 3);
	bb_free(&b);

	/* TLS 1.2 with ALPN and renegotiation_info. */
	sh_head(&b, 0x0303, 0, 0, 0xc030);
	open_(&b, 2);
	ext_open(&b, 0xff01);
	put8(&b, 0);
	close_(&b);
	static const char *const h11[] = { "http/1.1" };
	ext_alpn(&b, h11, 1);
	close_(&b);
	r = run(P_SH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(r.s->sh.version, 0x0303);
	CHECK_EQ_STR(r.s->sh.alpn, "http/1.1");
	done(&r);
	hostile_sweep("sh12", P_SH, &b, 2 + 32 + 1 + 3);
	bb_free(&b);

	/* HelloRetryRequest: recognised by its random, not a ServerHello. */
	sh_head(&b, 0x0303, 1, 32, 0x1301);
	open_(&b, 2);
	ext_open(&b, 0x002b);
	put16(&b, 0x0304);
	close_(&b);
	ext_open(&b, 0x0033);
	put16(&b, 0x0017);
	close_(&b);
	close_(&b);
	r = run(P_SH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(r.s->sh.hrr, 1);
	CHECK_EQ_INT(r.s->sh.present, 0);
	CHECK_EQ_INT(r.s->sh.key_share_group, 0x0017);
	CHECK_EQ_INT(r.s->sh.extensions.n, 0);
	done(&r);
	bb_free(&b);

	/* Hostile: a 33-byte session id; two ALPN names; selected_version with
	 * trailing bytes; the same extension twice; extension overrunning. */
	sh_head(&b, 0x0303, 0, 33, 0x1301);
	CHECK_EQ_INT(run_e(P_SH, &b), PE_MALFORMED);
	bb_free(&b);

	sh_head(&b, 0x0303, 0, 0, 0x1301);
	open_(&b, 2);
	static const char *const two[] = { "h2", "http/1.1" };
	ext_alpn(&b, two, 2);
	close_(&b);
	r = run(P_SH, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_MALFORMED);
	CHECK(r.s->sh.alpn == NULL);
	done(&r);
	bb_free(&b);

	sh_head(&b, 0x0303, 0, 0, 0x1301);
	open_(&b, 2);
	ext_open(&b, 0x002b);
	put16(&b, 0x0304);
	put8(&b, 0);
	close_(&b);
	close_(&b);
	CHECK_EQ_INT(run_e(P_SH, &b), PE_TRAILING);
	bb_free(&b);

	sh_head(&b, 0x0303, 0, 0, 0x1301);
	open_(&b, 2);
	ext_open(&b, 0xff01);
	put8(&b, 0);
	close_(&b);
	ext_open(&b, 0xff01);
	put8(&b, 0);
	close_(&b);
	close_(&b);
	CHECK_EQ_INT(run_e(P_SH, &b), PE_MALFORMED);
	bb_free(&b);

	sh_head(&b, 0x0303, 0, 0, 0x1301);
	open_(&b, 2);
	put16(&b, 0xff01);
	put16(&b, 9);
	put8(&b, 0);
	close_(&b);
	r = run(P_SH, b.p, b.n);
	CHECK(r.e == PE_SHORT || r.e == PE_MALFORMED);
	CHECK_EQ_INT(r.s->sh.present, 1); /* the fixed part was fine */
	done(&r);
	bb_free(&b);
}

/* ---- Certificate ---- */

static struct cert_info **pki;
static size_t npki;

static void cert_msg(struct bb *b, size_t from, size_t n)
{
	open_(b, 3);
	for (size_t i = from; i < from + n; i++) {
		open_(b, 3);
		putn(b, pki[i]->der, pki[i]->der_len);
		close_(b);
	}
	close_(b);
}

static void test_certificate(void)
{
	struct bb b = { 0 };
	struct result r;

	r = run(P_CERT, NULL, 0);
	CHECK_EQ_INT(r.e, PE_SHORT);
	CHECK_EQ_INT(r.s->chain[1].present, 1);
	CHECK_EQ_INT(r.s->chain[1].complete, 0);
	done(&r);
	if (npki < 3) {
		CHECK(!"rsa-chain3.pem not loaded");
		return;
	}

	cert_msg(&b, 0, 3);
	r = run(P_CERT, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(r.s->chain[1].n, 3);
	CHECK_EQ_INT(r.s->chain[1].complete, 1);
	CHECK_EQ_INT(r.s->chain[1].declared_len, b.n - 3);
	CHECK(r.s->chain[1].certs[0]->parse_ok);
	CHECK_EQ_STR(r.s->chain[1].certs[0]->sha256_hex, pki[0]->sha256_hex);
	CHECK_EQ_STR(r.s->chain[1].certs[2]->sha256_hex, pki[2]->sha256_hex);
	struct cert_info *first = r.s->chain[1].certs[0];
	done(&r);
	/* The cache hands out the same certificate for the same DER. */
	r = run(P_CERT, b.p, b.n);
	CHECK(r.s->chain[1].certs[0] == first);
	done(&r);
	hostile_sweep("certificate", P_CERT, &b, -1);

	/* Cut inside the intermediate, as after a capture gap: partial mode
	 * keeps the leaf; whole-message mode calls it malformed. */
	size_t cut = 3 + 3 + pki[0]->der_len + 3 + pki[1]->der_len / 2;
	r = run(P_CERT_PARTIAL, b.p, cut);
	CHECK_EQ_INT(r.e, PE_SHORT);
	CHECK_EQ_INT(r.s->chain[1].n, 1);
	CHECK_EQ_INT(r.s->chain[1].complete, 0);
	CHECK_EQ_INT(r.s->chain[1].declared_len, b.n - 3);
	done(&r);
	r = run(P_CERT, b.p, cut);
	CHECK_EQ_INT(r.e, PE_MALFORMED);
	CHECK_EQ_INT(r.s->chain[1].complete, 0);
	done(&r);
	/* Partial mode on every prefix: the certificates wholly inside it. */
	int bad = 0;
	for (size_t k = 0; k < b.n; k++) {
		r = run(P_CERT_PARTIAL, b.p, k);
		size_t want = k >= 3 + 3 + pki[0]->der_len + 3 + pki[1]->der_len ? 2
			      : k >= 3 + 3 + pki[0]->der_len			 ? 1
										 : 0;
		bad += r.e != PE_SHORT || r.s->chain[1].n != want || r.s->chain[1].complete;
		done(&r);
	}
	CHECK_EQ_INT(bad, 0);
	bb_free(&b);

	/* An empty list: a client without a certificate. */
	put24(&b, 0);
	r = run(P_CERT, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(r.s->chain[1].present, 1);
	CHECK_EQ_INT(r.s->chain[1].complete, 1);
	CHECK_EQ_INT(r.s->chain[1].n, 0);
	done(&r);
	bb_free(&b);

	/* A zero-length certificate; a certificate overrunning the list; a list
	 * overrunning the message; trailing bytes after the list. */
	put24(&b, 3);
	put24(&b, 0);
	CHECK_EQ_INT(run_e(P_CERT, &b), PE_MALFORMED);
	bb_free(&b);
	put24(&b, 10);
	put24(&b, 100);
	fill(&b, 0x30, 7);
	CHECK_EQ_INT(run_e(P_CERT, &b), PE_MALFORMED);
	bb_free(&b);
	put24(&b, 0x10000);
	put24(&b, 5);
	CHECK_EQ_INT(run_e(P_CERT, &b), PE_MALFORMED);
	bb_free(&b);
	cert_msg(&b, 0, 1);
	put8(&b, 0);
	r = run(P_CERT, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_TRAILING);
	CHECK_EQ_INT(r.s->chain[1].n, 1);
	done(&r);
	bb_free(&b);

	/* Garbage that is not DER is still a certificate entry (parse_ok 0). */
	put24(&b, 7);
	put24(&b, 4);
	puts_(&b, "junk");
	r = run(P_CERT, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(r.s->chain[1].n, 1);
	CHECK_EQ_INT(r.s->chain[1].certs[0]->parse_ok, 0);
	done(&r);
	bb_free(&b);

	/* 64 certificates (our cap) decode; the 65th is over the limit. */
	open_(&b, 3);
	for (int i = 0; i < 65; i++) {
		open_(&b, 3);
		putn(&b, pki[(size_t)i % npki]->der, pki[(size_t)i % npki]->der_len);
		close_(&b);
	}
	close_(&b);
	r = run(P_CERT, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_LIMIT);
	CHECK_EQ_INT(r.s->chain[1].n, 64);
	CHECK_EQ_INT(r.s->chain[1].complete, 0);
	done(&r);
	bb_free(&b);
}

/* ---- CertificateRequest ---- */

static void cr_msg(struct bb *b, int tls12, size_t nca)
{
	open_(b, 1);
	put8(b, 1);  /* rsa_sign */
	put8(b, 64); /* ecdsa_sign */
	close_(b);
	if (tls12) {
		open_(b, 2);
		put16(b, 0x0804);
		put16(b, 0x0403);
		put16(b, 0x0401);
		close_(b);
	}
	open_(b, 2);
	for (size_t i = 0; i < nca; i++) {
		const struct cert_info *c = pki[i % npki];
		open_(b, 2);
		putn(b, c->subject.der, c->subject.der_len);
		close_(b);
	}
	close_(b);
}

/* Issue 14 item 4: a Certificate with a hole of known length. `cut` and
 * `hole` are offsets in the message body (after the 4-byte header). */
static struct tls_chain holed(const struct bb *b, size_t cut, size_t hole, size_t after_n,
			      int whole, enum parse_err *e)
{
	struct tls_chain ch = { 0 };
	size_t left = cut + hole < b->n ? b->n - cut - hole : 0;
	size_t an = left < after_n ? left : after_n;
	uint8_t *bef = xcalloc(cut ? cut : 1, 1), *aft = xcalloc(an ? an : 1, 1);
	memcpy(bef, b->p, cut);
	if (an)
		memcpy(aft, b->p + cut + hole, an);
	struct span before = { bef, cut }, after = { aft, an };
	*e = tls_parse_certificate_holed(before, hole, after, whole, cache, &ch);
	free(bef);
	free(aft);
	return ch;
}

static void test_certificate_holed(void)
{
	struct bb b = { 0 };
	enum parse_err e;
	if (npki < 3)
		return;
	cert_msg(&b, 0, 3);
	size_t e0 = 3, e1 = e0 + 3 + pki[0]->der_len, e2 = e1 + 3 + pki[1]->der_len;

	/* A hole inside the intermediate, its length header seen: the root
	 * after it is found where the intermediate's length says. */
	struct tls_chain ch = holed(&b, e1 + 3 + 100, 200, SIZE_MAX, 1, &e);
	CHECK_EQ_INT(ch.present, 1);
	CHECK_EQ_INT(ch.complete, 0);
	CHECK_EQ_INT(ch.n, 2);
	if (ch.n == 2) {
		CHECK_EQ_STR(ch.certs[0]->sha256_hex, pki[0]->sha256_hex);
		CHECK_EQ_STR(ch.certs[1]->sha256_hex, pki[2]->sha256_hex);
	}
	CHECK_EQ_INT(ch.lost, 1);
	CHECK_EQ_INT(ch.lost_exact, 1);
	CHECK_EQ_INT(ch.lost_at, 1);
	CHECK_EQ_INT(ch.lost_from, e1 - 3);
	CHECK_EQ_INT(ch.lost_to, e2 - 3);
	free(ch.certs);

	/* The hole swallows the intermediate's length header: the boundary
	 * is found again by scanning for entries of whole, decodable DER. */
	ch = holed(&b, e1 + 1, 300, SIZE_MAX, 1, &e);
	CHECK_EQ_INT(ch.n, 2);
	if (ch.n == 2)
		CHECK_EQ_STR(ch.certs[1]->sha256_hex, pki[2]->sha256_hex);
	CHECK_EQ_INT(ch.lost_exact, 0);
	CHECK_EQ_INT(ch.lost_to, e2 - 3);
	free(ch.certs);

	/* The hole takes the intermediate whole and the root's header: the
	 * root is cut, nothing after the hole is accepted. */
	ch = holed(&b, e1, e2 - e1 + 2, SIZE_MAX, 1, &e);
	CHECK_EQ_INT(ch.n, 1);
	CHECK_EQ_INT(ch.lost_at, 1);
	CHECK_EQ_INT(ch.lost_to, b.n - 3);
	free(ch.certs);

	/* What follows the hole is cut again (not up to the message's end):
	 * the root is still taken when its DER is whole. */
	ch = holed(&b, e1 + 3 + 10, 20, b.n, 0, &e);
	CHECK_EQ_INT(ch.n, 2);
	free(ch.certs);
	ch = holed(&b, e1 + 3 + 10, 20, (e2 - (e1 + 3 + 30)) + 3 + 100, 0, &e);
	CHECK_EQ_INT(ch.n, 1); /* the root cut: not taken */
	free(ch.certs);

	/* The capture ends inside the intermediate (no hole, nothing after). */
	ch = holed(&b, e1 + 50, 0, 0, 0, &e);
	CHECK_EQ_INT(ch.n, 1);
	CHECK_EQ_INT(ch.lost, 1);
	CHECK_EQ_INT(ch.lost_exact, 0);
	CHECK_EQ_INT(ch.lost_to, b.n - 3);
	free(ch.certs);

	/* The list's length itself lost; an empty before and after. */
	ch = holed(&b, 2, 10, SIZE_MAX, 1, &e);
	CHECK_EQ_INT(ch.present, 1);
	CHECK_EQ_INT(ch.n, 0);
	CHECK_EQ_INT(ch.lost, 1);
	free(ch.certs);
	ch = holed(&b, 0, 0, 0, 0, &e);
	CHECK_EQ_INT(ch.n, 0);
	CHECK_EQ_INT(ch.complete, 0);
	free(ch.certs);

	/* Hostile: after the hole, bytes that look like an entry whose DER
	 * does not decode; a hole longer than the list; a length that points
	 * past the end. Nothing false is accepted. */
	struct bb h = { 0 };
	putn(&h, b.p, e1 + 10);
	put24(&h, 6); /* "an entry": SEQUENCE of 4 bytes of nonsense */
	put8(&h, 0x30);
	put8(&h, 4);
	put8(&h, 1);
	put8(&h, 2);
	put8(&h, 3);
	put8(&h, 4);
	ch = holed(&h, e1 + 5, 5, SIZE_MAX, 1, &e);
	CHECK_EQ_INT(ch.n, 1);
	free(ch.certs);
	ch = holed(&b, e1 + 5, 1u << 20, SIZE_MAX, 1, &e);
	CHECK_EQ_INT(ch.n, 1);
	free(ch.certs);
	bb_free(&h);
	bb_free(&b);
}

static void test_cert_request(void)
{
	struct bb b = { 0 };
	struct result r;
	CHECK_EQ_INT(run_e(P_CR12, &b), PE_SHORT);
	if (npki < 3)
		return;

	cr_msg(&b, 1, 2);
	r = run(P_CR12, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(r.s->cr.present, 1);
	CHECK_EQ_INT(r.s->cr.cert_types.n, 2);
	CHECK_EQ_INT(r.s->cr.cert_types.v[1], 64);
	CHECK_EQ_INT(r.s->cr.sig_algs.n, 3);
	CHECK_EQ_INT(r.s->cr.sig_algs.v[2], 0x0401);
	CHECK_EQ_INT(r.s->cr.n_ca, 2);
	CHECK_EQ_INT(r.s->cr.ca_der_len[1], pki[1]->subject.der_len);
	CHECK(memcmp(r.s->cr.ca_der[1], pki[1]->subject.der, pki[1]->subject.der_len) == 0);
	/* The dissector names the list itself (no later pass does). */
	CHECK_EQ_STR(r.s->cr.ca_names[1], pki[1]->subject.rfc4514);
	done(&r);
	hostile_sweep("cr12", P_CR12, &b, -1);
	/* Read as TLS 1.0 the signature algorithms become garbage. */
	CHECK(run_e(P_CR10, &b) != PE_OK);
	bb_free(&b);

	cr_msg(&b, 0, 3);
	r = run(P_CR10, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(r.s->cr.sig_algs.n, 0);
	CHECK_EQ_INT(r.s->cr.n_ca, 3);
	done(&r);
	hostile_sweep("cr10", P_CR10, &b, -1);
	bb_free(&b);

	/* No CA names at all is fine (any CA). */
	cr_msg(&b, 1, 0);
	r = run(P_CR12, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(r.s->cr.n_ca, 0);
	done(&r);
	bb_free(&b);

	/* 1024 CA names (our cap) are kept; 1025 is over the limit. The
	 * names are minimal (an empty RDN sequence) so the list fits its u16. */
	for (int n = 1024; n <= 1025; n++) {
		open_(&b, 1);
		put8(&b, 1);
		close_(&b);
		open_(&b, 2);
		put16(&b, 0x0401);
		close_(&b);
		open_(&b, 2);
		for (int i = 0; i < n; i++) {
			put16(&b, 5);
			putn(&b, "\x30\x03\x31\x01\x00", 5);
		}
		close_(&b);
		r = run(P_CR12, b.p, b.n);
		CHECK_EQ_INT(r.e, n == 1024 ? PE_OK : PE_LIMIT);
		CHECK_EQ_INT(r.s->cr.n_ca, 1024);
		CHECK_EQ_INT(r.s->cr.ca_der_len[1023], 5);
		done(&r);
		bb_free(&b);
	}

	/* Empty certificate_types <1..>; empty or odd signature algorithms;
	 * an empty DistinguishedName <1..>; a DN overrunning the list. */
	static const char *const bad[] = {
		"\x00\x00\x02\x04\x01\x00\x00",
		"\x01\x01\x00\x00\x00\x00",
		"\x01\x01\x00\x03\x04\x01\x02\x00\x00",
		"\x01\x01\x00\x02\x04\x01\x00\x02\x00\x00",
		"\x01\x01\x00\x02\x04\x01\x00\x04\x00\x09\x30\x00",
	};
	static const size_t badlen[] = { 7, 6, 9, 10, 12 };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		putn(&b, bad[i], badlen[i]);
		enum parse_err e = run_e(P_CR12, &b);
		CHECK(e == PE_MALFORMED || e == PE_SHORT);
		if (e != PE_MALFORMED && e != PE_SHORT)
			fprintf(stderr, "bad CR %zu: %s\n", i, pe_str(e));
		bb_free(&b);
	}
}

/* ---- ServerKeyExchange ---- */

static void test_ske(void)
{
	struct bb b = { 0 };
	struct result r;
	CHECK_EQ_INT(run_e(P_SKE, &b), PE_SHORT);
	put8(&b, 3);
	put16(&b, 0x001d);
	put8(&b, 32);
	fill(&b, 9, 32);
	r = run(P_SKE, b.p, b.n);
	CHECK_EQ_INT(r.e, PE_OK);
	CHECK_EQ_INT(r.s->ske_group, 0x001d);
	done(&r);
	for (size_t k = 0; k < 3; k++) {
		r = run(P_SKE, b.p, k);
		CHECK_EQ_INT(r.e, PE_SHORT);
		done(&r);
	}
	b.p[0] = 1; /* explicit_prime: not decoded */
	CHECK_EQ_INT(run_e(P_SKE, &b), PE_UNSUPPORTED);
	bb_free(&b);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--dump-hello") == 0)
		return dump_hello(atoi(argv[2]));

	char err[256];
	if (x509_load_file(TLS_TEST_PKI "/rsa-chain3.pem", &pki, &npki, err, sizeof err) != 0)
		fprintf(stderr, "%s\n", err);
	/* leaf + chain: rsa-server first */
	struct cert_info **leaf = NULL;
	size_t nleaf = 0;
	if (x509_load_file(TLS_TEST_PKI "/rsa-server.crt", &leaf, &nleaf, err, sizeof err) == 0 &&
	    nleaf == 1) {
		pki = xreallocarray(pki, npki + 1, sizeof *pki);
		memmove(pki + 1, pki, npki * sizeof *pki);
		pki[0] = leaf[0];
		npki++;
		free(leaf);
	} else {
		x509_free_list(leaf, nleaf);
	}
	CHECK(npki == 3);
	cache = certcache_new();

	test_grease();
	test_ja4_spec_example();
	test_ja4_details();
	test_ja3_tshark();
	test_ch_hostile();
	test_ch_max();
	test_sslv2();
	test_server_hello();
	test_certificate();
	test_certificate_holed();
	test_cert_request();
	test_ske();

	certcache_free(cache);
	x509_free_list(pki, npki);
	return t_done("tls_msg");
}

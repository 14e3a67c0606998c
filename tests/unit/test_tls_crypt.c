/*
 * Unit tests for dissect/tls_crypt.c against vectors made elsewhere:
 *  - RFC 8448 §3's published TLS 1.3 trace: HKDF-Expand-Label to the
 *    traffic keys and IVs, every protected record opened (server flight,
 *    client Finished, NewSessionTicket, application data, alerts), both
 *    Finished checked against the transcript;
 *  - the TLS 1.0-1.2 PRF against `openssl kdf TLS1-PRF` (SHA-256, SHA-384,
 *    MD5-SHA1);
 *  - the client Finished record of real openssl sessions for each TLS
 *    1.0-1.2 suite family (data/keylog/tls12-vectors.h, made by
 *    make-vectors.py from tests/captures/keylog);
 * and hostile cases: any changed byte, a wrong sequence number or key, a
 * record too short for its tag, a TLS 1.3 record of only padding.
 */
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>

#include "dissect/tls_crypt.h"
#include "tests/unit/data/keylog/rfc8448.h"
#include "tests/unit/t.h"

static size_t unhex(const char *h, uint8_t *out, size_t max)
{
	size_t n = 0;
	for (; h[0] && h[1] && n < max; h += 2) {
		unsigned v;
		if (sscanf(h, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
	}
	return n;
}

static int eq_hex(const uint8_t *p, size_t n, const char *hex)
{
	uint8_t b[1024];
	size_t m = unhex(hex, b, sizeof b);
	return m == n && memcmp(p, b, n) == 0;
}

struct rec {
	uint8_t b[1024];
	size_t n;
};

static struct span frag_of(const struct rec *r)
{
	struct span s = { r->b + 5, r->n - 5 };
	return s;
}

static void rec_of(struct rec *r, const char *hex)
{
	r->n = unhex(hex, r->b, sizeof r->b);
}

static void test_rfc8448(void)
{
	uint8_t out[1024], secret[48], calc[48];
	size_t len;
	uint8_t type;
	struct tls_rkey shs, chs, sap, cap;
	const struct tls_suite *s = tls_suite_find(0x1301);
	struct rec r;

	CHECK(s != NULL && s->tls13 && s->bulk == TLS_BULK_AES_GCM && s->key_len == 16);
	/* §7.3 traffic keys */
	unhex(RFC8448_S_HS, secret, 32);
	CHECK(tls13_rkey_init(&shs, s, secret, 32) == 0);
	CHECK(eq_hex(shs.key, 16, RFC8448_S_HS_KEY) && eq_hex(shs.iv, 12, RFC8448_S_HS_IV));
	CHECK(tls13_expand_label(TLS_HASH_SHA256, secret, 32, "finished", NULL, 0, calc, 32) == 0);
	CHECK(eq_hex(calc, 32, RFC8448_S_FINISHED_KEY));
	unhex(RFC8448_C_HS, secret, 32);
	CHECK(tls13_rkey_init(&chs, s, secret, 32) == 0);
	CHECK(eq_hex(chs.key, 16, RFC8448_C_HS_KEY) && eq_hex(chs.iv, 12, RFC8448_C_HS_IV));
	unhex(RFC8448_S_AP, secret, 32);
	CHECK(tls13_rkey_init(&sap, s, secret, 32) == 0);
	CHECK(eq_hex(sap.key, 16, RFC8448_S_AP_KEY) && eq_hex(sap.iv, 12, RFC8448_S_AP_IV));
	unhex(RFC8448_C_AP, secret, 32);
	CHECK(tls13_rkey_init(&cap, s, secret, 32) == 0);
	/* A secret of the wrong length is refused. */
	CHECK(tls13_rkey_init(&cap, s, secret, 31) == -1);
	unhex(RFC8448_C_AP, secret, 32);
	CHECK(tls13_rkey_init(&cap, s, secret, 32) == 0);

	/* The transcript: ClientHello, ServerHello ... */
	struct tls_transcript *tr = tls_transcript_new();
	uint8_t ch[256];
	struct span chs_ = { ch, unhex(RFC8448_CH, ch, sizeof ch) };
	tls_transcript_add(tr, chs_);
	rec_of(&r, RFC8448_SH_REC);
	tls_transcript_add(tr, frag_of(&r));

	/* ... the server's flight: EE, Certificate, CertificateVerify, Finished. */
	rec_of(&r, RFC8448_FLIGHT_REC);
	CHECK_EQ_INT(r.n, 679);
	CHECK(tls_record_open(&shs, 0, r.b, frag_of(&r), out, &len, &type) == TLS_DEC_OK);
	CHECK_EQ_INT(type, 22);
	CHECK_EQ_INT(len, 679 - 5 - 16 - 1);
	CHECK(out[0] == 8 && out[1] == 0 && out[2] == 0 &&
	      out[3] == 0x24); /* EncryptedExtensions */
	/* Walk the messages; the Finished is the last (36 bytes). */
	size_t at = 0, fin_at = 0;
	int msgs = 0;
	while (at + 4 <= len) {
		size_t ml = (size_t)out[at + 1] << 16 | (size_t)out[at + 2] << 8 | out[at + 3];
		if (out[at] == 20)
			fin_at = at;
		at += 4 + ml;
		msgs++;
	}
	CHECK_EQ_INT(at, len);
	CHECK_EQ_INT(msgs, 4);
	CHECK_EQ_INT(fin_at, len - 36);
	struct span before_fin = { out, fin_at };
	tls_transcript_add(tr, before_fin);
	uint8_t th[48];
	unhex(RFC8448_S_HS, secret, 32);
	CHECK(tls_transcript_hash(tr, TLS_HASH_SHA256, th) == 0);
	CHECK(tls13_finished(TLS_HASH_SHA256, secret, th, calc) == 0);
	CHECK(memcmp(calc, out + fin_at + 4, 32) == 0);
	struct span sfin = { out + fin_at, 36 };
	tls_transcript_add(tr, sfin);

	/* Any change is caught by the tag; so are another key and another seq. */
	for (size_t i = 0; i < r.n; i += 97) {
		r.b[i] ^= 0x01;
		CHECK(tls_record_open(&shs, 0, r.b, frag_of(&r), out, &len, &type) != TLS_DEC_OK);
		CHECK_EQ_INT(len, 0);
		r.b[i] ^= 0x01;
	}
	CHECK(tls_record_open(&shs, 1, r.b, frag_of(&r), out, &len, &type) == TLS_DEC_BAD_AUTH);
	CHECK(tls_record_open(&chs, 0, r.b, frag_of(&r), out, &len, &type) == TLS_DEC_BAD_AUTH);
	struct span tiny = { r.b + 5, 16 };
	CHECK(tls_record_open(&shs, 0, r.b, tiny, out, &len, &type) == TLS_DEC_MALFORMED);
	struct span none = { r.b + 5, 0 };
	CHECK(tls_record_open(&shs, 0, r.b, none, out, &len, &type) == TLS_DEC_MALFORMED);

	/* The client's Finished. */
	rec_of(&r, RFC8448_CFIN_REC);
	CHECK(tls_record_open(&chs, 0, r.b, frag_of(&r), out, &len, &type) == TLS_DEC_OK);
	CHECK(type == 22 && len == 36 && out[0] == 20);
	unhex(RFC8448_C_HS, secret, 32);
	CHECK(tls_transcript_hash(tr, TLS_HASH_SHA256, th) == 0);
	CHECK(tls13_finished(TLS_HASH_SHA256, secret, th, calc) == 0);
	CHECK(memcmp(calc, out + 4, 32) == 0);

	/* Application keys: NewSessionTicket, data 00..31 both ways, close_notify. */
	rec_of(&r, RFC8448_NST_REC);
	CHECK(tls_record_open(&sap, 0, r.b, frag_of(&r), out, &len, &type) == TLS_DEC_OK);
	CHECK(type == 22 && out[0] == 4);
	rec_of(&r, RFC8448_C_APP_REC);
	CHECK(tls_record_open(&cap, 0, r.b, frag_of(&r), out, &len, &type) == TLS_DEC_OK);
	int seq_ok = type == 23 && len == 50;
	for (size_t i = 0; i < 50 && seq_ok; i++)
		seq_ok = out[i] == i;
	CHECK(seq_ok);
	rec_of(&r, RFC8448_S_APP_REC);
	CHECK(tls_record_open(&sap, 1, r.b, frag_of(&r), out, &len, &type) == TLS_DEC_OK);
	CHECK(type == 23 && len == 50 && out[49] == 49);
	rec_of(&r, RFC8448_C_ALERT_REC);
	CHECK(tls_record_open(&cap, 1, r.b, frag_of(&r), out, &len, &type) == TLS_DEC_OK);
	CHECK(type == 21 && len == 2 && out[0] == 1 && out[1] == 0);
	rec_of(&r, RFC8448_S_ALERT_REC);
	CHECK(tls_record_open(&sap, 2, r.b, frag_of(&r), out, &len, &type) == TLS_DEC_OK);
	CHECK(type == 21 && len == 2 && out[0] == 1 && out[1] == 0);
	CHECK(tls_record_open(&sap, 3, r.b, frag_of(&r), out, &len, &type) == TLS_DEC_BAD_AUTH);

	/* tls_rkey_next steps the sequence number. */
	sap.seq = 0;
	tls_rkey_next(&sap, 2, frag_of(&r));
	CHECK_EQ_INT(sap.seq, 3);
	tls_transcript_free(tr);
	tls_transcript_free(NULL);
}

/* A TLS 1.3 record whose plaintext is all padding has no content type
 * (RFC 8446 §5.4: unexpected_message). Made with the RFC's server key. */
static void test_only_padding(void)
{
	const struct tls_suite *s = tls_suite_find(0x1301);
	struct tls_rkey k;
	uint8_t secret[32], rec[5 + 8 + 16], out[64], zeros[8] = { 0 }, nonce[12];
	size_t len = 99;
	uint8_t type;
	unhex(RFC8448_S_HS, secret, 32);
	CHECK(tls13_rkey_init(&k, s, secret, 32) == 0);
	uint8_t hdr[5] = { 23, 3, 3, 0, 8 + 16 };
	memcpy(rec, hdr, 5);
	memcpy(nonce, k.iv, 12); /* seq 0 */
	Aes aes;
	CHECK(wc_AesInit(&aes, NULL, INVALID_DEVID) == 0);
	CHECK(wc_AesGcmSetKey(&aes, k.key, 16) == 0);
	CHECK(wc_AesGcmEncrypt(&aes, rec + 5, zeros, 8, nonce, 12, rec + 13, 16, hdr, 5) == 0);
	wc_AesFree(&aes);
	struct span f = { rec + 5, 24 };
	CHECK(tls_record_open(&k, 0, rec, f, out, &len, &type) == TLS_DEC_MALFORMED);
	CHECK_EQ_INT(len, 0);
}

/* `openssl kdf -keylen 40 -kdfopt digest:D -kdfopt hexsecret:000102..2f
 * -kdfopt hexseed:<"test label"><646566..83> TLS1-PRF` */
static void test_prf(void)
{
	uint8_t secret[48], seed[32], out[40];
	for (int i = 0; i < 48; i++)
		secret[i] = (uint8_t)i;
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(100 + i);
	CHECK(tls_prf(0x0303, TLS_HASH_SHA256, secret, 48, "test label", seed, 32, out, 40) == 0);
	CHECK(eq_hex(
		out, 40,
		"ac02fa156e5c0c12d0056d6d44ebf6f273d41db46c7530ccaf401e3e0b5a820dd86b90992f99313a"));
	CHECK(tls_prf(0x0303, TLS_HASH_SHA384, secret, 48, "test label", seed, 32, out, 40) == 0);
	CHECK(eq_hex(
		out, 40,
		"6819829fb85594755d0866907dca0b8694e7d17066f2552479484bf321561dbaa01d6eb11451c627"));
	CHECK(tls_prf(0x0301, TLS_HASH_NONE, secret, 48, "test label", seed, 32, out, 40) == 0);
	CHECK(eq_hex(
		out, 40,
		"59dd29bd6b983fe4e344d334f9be21f8636e332efba190dc73a7e7161d9fe3b255ad64b07cb1f426"));
	/* TLS 1.2 needs a SHA-2 PRF; an over-long label + seed is refused. */
	CHECK(tls_prf(0x0303, TLS_HASH_MD5_SHA1, secret, 48, "x", seed, 32, out, 40) == -1);
	uint8_t big[200] = { 0 };
	CHECK(tls_prf(0x0303, TLS_HASH_SHA256, secret, 48, "x", big, sizeof big, out, 40) == -1);
}

struct vec12 {
	const char *name;
	uint16_t version, suite;
	int etm;
	uint8_t master[48], crand[32], srand[32], hdr[5];
	size_t n;
	const uint8_t *frag;
};

static const struct vec12 vecs[] = {
#include "tests/unit/data/keylog/tls12-vectors.h"
};

/* Each suite family from a real session: the client's Finished opens, and
 * a change anywhere in it (or a wrong master secret) does not. */
static void test_tls12_sessions(void)
{
	for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++) {
		const struct vec12 *v = &vecs[i];
		const struct tls_suite *s = tls_suite_find(v->suite);
		struct tls_rkey c, sv;
		uint8_t out[1024], frag[1024], type = 0;
		size_t len = 0;
		CHECK(s != NULL && !s->tls13);
		if (s == NULL)
			continue;
		CHECK(tls12_rkeys_init(&c, &sv, s, v->version, v->etm, v->master, v->crand,
				       v->srand) == 0);
		memcpy(frag, v->frag, v->n);
		struct span f = { frag, v->n };
		enum tls_dec r = tls_record_open(&c, 0, v->hdr, f, out, &len, &type);
		if (r != TLS_DEC_OK || type != 22 || len != 16 || out[0] != 20 || out[3] != 12)
			fprintf(stderr, "%s: %s, type %u, %zu bytes\n", v->name, tls_dec_str(r),
				type, len);
		CHECK(r == TLS_DEC_OK && type == 22 && len == 16 && out[0] == 20 && out[3] == 12);
		for (size_t j = 0; j < v->n; j += 7) {
			frag[j] ^= 0x80;
			r = tls_record_open(&c, 0, v->hdr, f, out, &len, &type);
			CHECK(r == TLS_DEC_BAD_AUTH || r == TLS_DEC_MALFORMED);
			frag[j] ^= 0x80;
		}
		CHECK(tls_record_open(&c, 1, v->hdr, f, out, &len, &type) == TLS_DEC_BAD_AUTH);
		CHECK(tls_record_open(&sv, 0, v->hdr, f, out, &len, &type) != TLS_DEC_OK);
		uint8_t m2[48];
		memcpy(m2, v->master, 48);
		m2[0] ^= 1;
		CHECK(tls12_rkeys_init(&c, &sv, s, v->version, v->etm, m2, v->crand, v->srand) ==
		      0);
		CHECK(tls_record_open(&c, 0, v->hdr, f, out, &len, &type) != TLS_DEC_OK);
		/* Cut anywhere: never opens. */
		struct span cut = { frag, v->n - 1 };
		CHECK(tls12_rkeys_init(&c, &sv, s, v->version, v->etm, v->master, v->crand,
				       v->srand) == 0);
		CHECK(tls_record_open(&c, 0, v->hdr, cut, out, &len, &type) != TLS_DEC_OK);
	}
	/* What cannot be decrypted is refused up front. */
	struct tls_rkey c, sv;
	uint8_t z[48] = { 0 };
	CHECK(tls_suite_find(0x000a) == NULL); /* 3DES */
	CHECK(tls_suite_find(0x0005) == NULL); /* RC4 */
	CHECK(tls12_rkeys_init(&c, &sv, tls_suite_find(0xc02f), 0x0300, 0, z, z, z) == -1);
	CHECK(tls12_rkeys_init(&c, &sv, tls_suite_find(0xc02f), 0x0302, 0, z, z, z) == -1);
	CHECK(tls12_rkeys_init(&c, &sv, tls_suite_find(0x1301), 0x0303, 0, z, z, z) == -1);
	CHECK(tls12_rkeys_init(&c, &sv, tls_suite_find(0xc013), 0x0301, 1, z, z, z) == 0);
	CHECK(c.etm == 1 && c.version == 0x0301);
}

/* RFC 8446 §4.4.1: a HelloRetryRequest replaces ClientHello1 by
 * message_hash(Hash(ClientHello1)). */
static void test_hrr_transcript(void)
{
	uint8_t ch1[] = { 1, 0, 0, 2, 0xaa, 0xbb }, h1[48], h2[48], mh[4 + 32];
	struct span s1 = { ch1, sizeof ch1 };
	struct tls_transcript *a = tls_transcript_new(), *b = tls_transcript_new();
	tls_transcript_add(a, s1);
	CHECK(tls_transcript_hash(a, TLS_HASH_SHA256, mh + 4) == 0);
	mh[0] = 254;
	mh[1] = mh[2] = 0;
	mh[3] = 32;
	CHECK(tls_transcript_hrr(a, TLS_HASH_SHA256) == 0);
	struct span m = { mh, sizeof mh };
	tls_transcript_add(b, m);
	CHECK(tls_transcript_hash(a, TLS_HASH_SHA256, h1) == 0);
	CHECK(tls_transcript_hash(b, TLS_HASH_SHA256, h2) == 0);
	CHECK(memcmp(h1, h2, 32) == 0);
	CHECK(tls_transcript_hrr(a, TLS_HASH_MD5_SHA1) == -1);
	CHECK(tls_transcript_hash(a, TLS_HASH_MD5_SHA1, h1) == 0);
	CHECK(tls_transcript_hash(a, TLS_HASH_NONE, h1) == -1);
	tls_transcript_free(a);
	tls_transcript_free(b);
}

static void test_key_update(void)
{
	uint8_t s1[32], s2[32];
	unhex(RFC8448_C_AP, s1, 32);
	memcpy(s2, s1, 32);
	CHECK(tls13_next_secret(TLS_HASH_SHA256, s2, 32) == 0);
	CHECK(memcmp(s1, s2, 32) != 0);
	/* = HKDF-Expand-Label(secret, "traffic upd", "", 32) */
	uint8_t e[32];
	CHECK(tls13_expand_label(TLS_HASH_SHA256, s1, 32, "traffic upd", NULL, 0, e, 32) == 0);
	CHECK(memcmp(e, s2, 32) == 0);
	CHECK(tls13_next_secret(TLS_HASH_SHA384, s2, 32) == -1);
	/* Labels and contexts over 255 bytes cannot be encoded. */
	char lbl[300];
	memset(lbl, 'a', sizeof lbl - 1);
	lbl[sizeof lbl - 1] = 0;
	CHECK(tls13_expand_label(TLS_HASH_SHA256, s1, 32, lbl, NULL, 0, e, 32) == -1);
	CHECK(tls13_expand_label(TLS_HASH_MD5_SHA1, s1, 32, "key", NULL, 0, e, 16) == -1);
}

int main(void)
{
	test_rfc8448();
	test_only_padding();
	test_prf();
	test_tls12_sessions();
	test_hrr_transcript();
	test_key_update();
	return t_done("tls_crypt");
}

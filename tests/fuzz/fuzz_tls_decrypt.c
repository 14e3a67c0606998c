/*
 * fuzz_tls_decrypt.c - the key-log decryption path: the key log parser,
 * record opening with fixed keys, and a TLS 1.3 connection whose protected
 * records the harness itself encrypts, so that what follows decryption
 * (the handshake messages read from plaintext, alerts, KeyUpdate, the
 * Finished checks) is reached with content the fuzzer chooses.
 *
 * Input: mode(1), then by mode % 3:
 *   0  key log text, fed in pieces whose sizes come from the text's own
 *      bytes; then every session it holds is looked up.
 *   1  suite(1) seq(1) header(5) payload: tls_record_open() under fixed
 *      keys for one of SUITES (TLS 1.3 from a fixed secret, TLS 1.0-1.2
 *      from a fixed master secret; suite bit 7 = encrypt_then_mac, bits
 *      5-6 the version for TLS 1.2 suites).
 *   2  frames  flags(1) len(2, big-endian) bytes[len]  after a fixed
 *      ClientHello/ServerHello (TLS_AES_128_GCM_SHA256) whose secrets are
 *      in the key log the dissector is given:
 *        flags & 1   direction (0 client, 1 server)
 *        flags & 2   raw bytes in clear (record headers and all)
 *        otherwise   a protected record: the bytes are the plaintext,
 *                    flags >> 2 its inner content type (0 -> 22); the
 *                    harness encrypts it with that side's current key
 *                    (handshake key, then the application key after the
 *                    side's Finished, the next after its KeyUpdate: it
 *                    follows the same schedule over its own plaintext).
 * Every emitted session is checked for internal consistency, then freed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>

#include "capture/cursor.h"
#include "capture/xalloc.h"
#include "dissect/certcache.h"
#include "dissect/keylog.h"
#include "dissect/tls.h"
#include "dissect/tls_crypt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void need(int cond)
{
	if (!cond)
		abort();
}

/* ---- mode 0: key logs ---- */

static void fuzz_keylog(const uint8_t *p, size_t n)
{
	struct keylog *kl = keylog_new();
	struct cursor c;
	cur_init(&c, p, n);
	while (cur_left(&c)) {
		uint8_t k = 1;
		struct span piece;
		if (cur_peek_u8(&c, 0, &k) != PE_OK)
			break;
		size_t take = (size_t)(k % 61) + 1;
		if (take > cur_left(&c))
			take = cur_left(&c);
		if (cur_bytes(&c, take, &piece) != PE_OK)
			break;
		keylog_feed(kl, piece.p, piece.n);
	}
	keylog_feed_end(kl);
	const struct keylog_stats *st = keylog_stats(kl);
	need(st->secrets + st->unused + st->junk <= st->lines);
	need(st->junk == 0 || st->first_junk_line >= 1);
	need(keylog_sessions(kl) <= st->secrets);
	/* Every stored secret fits its label. */
	uint8_t r[KEYLOG_RANDOM_LEN] = { 0 };
	const struct keylog_entry *e = keylog_find(kl, r);
	if (e)
		for (int l = 0; l < KL_COUNT; l++)
			need(e->s[l].len <= KEYLOG_MAX_SECRET);
	keylog_free(kl);
}

/* ---- mode 1: one record under fixed keys ---- */

static const uint16_t SUITES[] = { 0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0xc02f, 0xc030,
				   0xcca8, 0xc09c, 0xc0a0, 0xc013, 0xc027, 0xc028, 0x0035 };

static void fuzz_record(const uint8_t *p, size_t n)
{
	struct cursor c;
	uint8_t sel, seq, hdr[5], secret[48], master[48], cr[32], sr[32];
	static uint8_t out[1 << 16];
	cur_init(&c, p, n);
	if (cur_u8(&c, &sel) != PE_OK || cur_u8(&c, &seq) != PE_OK || cur_copy(&c, hdr, 5) != PE_OK)
		return;
	const struct tls_suite *s = tls_suite_find(SUITES[(sel & 0x1f) % (sizeof SUITES / 2)]);
	need(s != NULL);
	struct tls_rkey k, k2;
	memset(secret, 0x5c, sizeof secret);
	memset(master, 0x3a, sizeof master);
	memset(cr, 0x11, sizeof cr);
	memset(sr, 0x22, sizeof sr);
	if (s->tls13) {
		need(tls13_rkey_init(&k, s, secret, tls_hash_len((enum tls_hash)s->prf)) == 0);
	} else {
		static const uint16_t versions[] = { 0x0303, 0x0302, 0x0301, 0x0303 };
		uint16_t v = versions[(sel >> 5) & 3];
		if (tls12_rkeys_init(&k, &k2, s, v, sel >> 7, master, cr, sr) != 0)
			return;
	}
	struct span frag = cur_rest(&c);
	if (frag.n > sizeof out)
		return;
	size_t len = 0;
	uint8_t type = 0;
	enum tls_dec r = tls_record_open(&k, seq, hdr, frag, out, &len, &type);
	if (r == TLS_DEC_OK)
		need(len <= frag.n);
	else
		need(len == 0);
	tls_rkey_next(&k, seq, frag);
	need(k.seq == (uint64_t)seq + 1);
}

/* ---- mode 2: a TLS 1.3 connection encrypted by the harness ---- */

#define CRAND "3f0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

struct side_key {
	struct tls_rkey k;
	uint8_t secret[32];
	int app;	     /* on the application key */
	uint8_t hs[1 << 12]; /* handshake bytes sent, to follow Finished/KeyUpdate */
	size_t hs_n;
};

struct conn {
	struct tls_dissector *d;
	struct tcp_handler h;
	struct tcp_flow flow;
	uint64_t off[2], frame;
	struct side_key sk[2];
};

static void emit(void *ctx, struct tls_session *s)
{
	(void)ctx;
	for (size_t i = 0; i < s->n_ladder; i++) {
		const struct ladder_entry *e = &s->ladder[i];
		if (e->kind == LAD_ALERT)
			need(e->type >= 0 && (size_t)e->type < s->n_alerts);
		need(e->side == SIDE_CLIENT || e->side == SIDE_SERVER);
	}
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < s->chain[k].n; i++)
			need(s->chain[k].certs[i] != NULL);
		need(!s->decrypt.finished_ok[k] || s->decrypt.finished[k]);
		need(s->decrypt.hs_records[k] <= s->decrypt.records[k]);
	}
	for (size_t i = 0; i < s->n_alerts; i++)
		need(!s->alerts[i].decrypted || !s->alerts[i].encrypted);
	for (size_t i = 0; i < s->cr.n_ca; i++)
		need(s->cr.ca_der[i] != NULL);
	need(s->decrypt.status <= DECRYPT_WRONG_KEY);
	tls_session_free(s);
}

static void put_bytes(struct conn *c, int dir, const uint8_t *p, size_t n)
{
	struct tcp_chunk ch;
	memset(&ch, 0, sizeof ch);
	ch.dir = dir;
	ch.data = p;
	ch.len = n;
	ch.off = c->off[dir];
	ch.frame = ++c->frame;
	ch.ts_ns = (int64_t)c->frame * 1000;
	c->flow.last_frame = c->frame;
	c->h.data(c->h.ctx, &c->flow, &ch);
	c->off[dir] += n;
}

/* Keep the schedule the dissector keeps: after this side's Finished the
 * application secret, after each KeyUpdate the next one. */
static void follow(struct side_key *sk, const struct tls_suite *su, const uint8_t *p, size_t n,
		   const uint8_t app_secret[32])
{
	if (n > sizeof sk->hs - sk->hs_n)
		n = sizeof sk->hs - sk->hs_n;
	memcpy(sk->hs + sk->hs_n, p, n);
	sk->hs_n += n;
	for (;;) {
		if (sk->hs_n < 4)
			return;
		size_t len = (size_t)sk->hs[1] << 16 | (size_t)sk->hs[2] << 8 | sk->hs[3];
		if (len > sizeof sk->hs - 4) { /* the dissector drops it; so do we */
			sk->hs_n = 0;
			return;
		}
		if (sk->hs_n < 4 + len)
			return;
		if (sk->hs[0] == 20 && !sk->app) {
			memcpy(sk->secret, app_secret, 32);
			need(tls13_rkey_init(&sk->k, su, sk->secret, 32) == 0);
			sk->app = 1;
		} else if (sk->hs[0] == 24 && sk->app) {
			need(tls13_next_secret(TLS_HASH_SHA256, sk->secret, 32) == 0);
			need(tls13_rkey_init(&sk->k, su, sk->secret, 32) == 0);
		}
		memmove(sk->hs, sk->hs + 4 + len, sk->hs_n - 4 - len);
		sk->hs_n -= 4 + len;
	}
}

static void send_protected(struct conn *c, int dir, uint8_t type, const uint8_t *p, size_t n,
			   const struct tls_suite *su, const uint8_t app_secret[32])
{
	static uint8_t rec[5 + 16384 + 1 + 16];
	uint8_t inner[16384 + 1], nonce[12];
	struct side_key *sk = &c->sk[dir];
	if (n > 16384)
		n = 16384;
	memcpy(inner, p, n);
	inner[n] = type;
	size_t ct = n + 1 + 16;
	rec[0] = 23;
	rec[1] = 3;
	rec[2] = 3;
	rec[3] = (uint8_t)(ct >> 8);
	rec[4] = (uint8_t)ct;
	memcpy(nonce, sk->k.iv, 12);
	for (int i = 0; i < 8; i++)
		nonce[4 + i] ^= (uint8_t)(sk->k.seq >> (56 - 8 * i));
	Aes aes;
	need(wc_AesInit(&aes, NULL, INVALID_DEVID) == 0);
	need(wc_AesGcmSetKey(&aes, sk->k.key, 16) == 0);
	need(wc_AesGcmEncrypt(&aes, rec + 5, inner, (word32)(n + 1), nonce, 12, rec + 5 + n + 1, 16,
			      rec, 5) == 0);
	wc_AesFree(&aes);
	sk->k.seq++;
	put_bytes(c, dir, rec, 5 + ct);
	if (type == 22)
		follow(sk, su, p, n, app_secret);
}

/* A TLS 1.3 ClientHello (random CRAND, supported_versions 1.3) and
 * ServerHello (TLS_AES_128_GCM_SHA256), as records. */
static const uint8_t CH_REC[] = {
	22, 3,	1,  0,	54, 1,	0,    0,    50, 3,  3,	0x3f, 1,  2,  3,  4,  5,  6,  7,  8,
	9,  10, 11, 12, 13, 14, 15,   16,   17, 18, 19, 20,   21, 22, 23, 24, 25, 26, 27, 28,
	29, 30, 31, 0,	0,  2,	0x13, 0x01, 1,	0,  0,	7,    0,  43, 0,  3,  2,  3,  4,
};
static const uint8_t SH_REC[] = {
	22, 3,	3,  0,	50, 2,	0,    0,    46, 3,  3,	0x5e, 1,  2,  3,  4,  5,  6,  7,
	8,  9,	10, 11, 12, 13, 14,   15,   16, 17, 18, 19,   20, 21, 22, 23, 24, 25, 26,
	27, 28, 29, 30, 31, 0,	0x13, 0x01, 0,	0,  6,	0,    43, 0,  2,  3,  4,
};

static void fuzz_connection(const uint8_t *p, size_t n)
{
	static const uint8_t hs_secret[2][32] = { { 0xc0 }, { 0x5e } };
	static const uint8_t app_secret[2][32] = { { 0xca }, { 0x5a } };
	const struct tls_suite *su = tls_suite_find(0x1301);
	struct keylog *kl = keylog_new();
	char text[1024], hx[4][65];
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 32; j++) {
			snprintf(hx[i] + 2 * j, 3, "%02x", hs_secret[i][j]);
			snprintf(hx[2 + i] + 2 * j, 3, "%02x", app_secret[i][j]);
		}
	snprintf(text, sizeof text,
		 "CLIENT_HANDSHAKE_TRAFFIC_SECRET " CRAND
		 " %s\nSERVER_HANDSHAKE_TRAFFIC_SECRET " CRAND " %s\nCLIENT_TRAFFIC_SECRET_0 " CRAND
		 " %s\nSERVER_TRAFFIC_SECRET_0 " CRAND " %s\n",
		 hx[0], hx[1], hx[2], hx[3]);
	keylog_feed(kl, (const uint8_t *)text, strlen(text));
	struct cert_cache *cc = certcache_new();
	struct conn *c = xcalloc(1, sizeof *c);
	c->d = tls_dissector_new(cc, "fuzz", emit, NULL);
	tls_dissector_set_keylog(c->d, kl);
	c->h = tls_dissector_handler(c->d);
	c->flow.id = 1;
	c->flow.ep[0].family = c->flow.ep[1].family = 4;
	c->flow.ep[1].port = 443;
	c->h.open(c->h.ctx, &c->flow);
	for (int i = 0; i < 2; i++) {
		memcpy(c->sk[i].secret, hs_secret[i], 32);
		need(tls13_rkey_init(&c->sk[i].k, su, c->sk[i].secret, 32) == 0);
	}
	put_bytes(c, 0, CH_REC, sizeof CH_REC);
	put_bytes(c, 1, SH_REC, sizeof SH_REC);

	struct cursor in;
	cur_init(&in, p, n);
	for (;;) {
		uint8_t flags;
		uint16_t len;
		struct span b;
		if (cur_u8(&in, &flags) != PE_OK || cur_u16(&in, &len) != PE_OK)
			break;
		if (cur_bytes(&in, len <= cur_left(&in) ? len : cur_left(&in), &b) != PE_OK)
			break;
		int dir = flags & 1;
		if (flags & 2) {
			if (b.n)
				put_bytes(c, dir, b.p, b.n);
		} else {
			uint8_t type = (uint8_t)(flags >> 2);
			send_protected(c, dir, type ? type : 22, b.p, b.n, su, app_secret[dir]);
		}
	}
	c->h.close(c->h.ctx, &c->flow, TCP_CLOSE_FIN);
	tls_dissector_free(c->d);
	certcache_free(cc);
	keylog_free(kl);
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0: fuzz_keylog(data + 1, size - 1); break;
	case 1: fuzz_record(data + 1, size - 1); break;
	case 2: fuzz_connection(data + 1, size - 1); break;
	}
	return 0;
}

/*
 * tls_crypt.c - TLS key derivation, record decryption and the handshake
 * transcript through wolfCrypt (see tls_crypt.h for what and which RFC).
 *
 * Protected records (what tls_record_open() takes apart):
 *
 *   TLS 1.3 (RFC 8446 §5.2)   opaque_type=23 0x0303 length | AEAD(TLSInnerPlaintext) tag
 *       TLSInnerPlaintext = content | ContentType | zeros
 *       nonce = iv XOR seq (64-bit, left-padded to 12 bytes); AAD = the 5-byte header
 *   TLS 1.2 AES-GCM/CCM (RFC 5288 §3, RFC 6655 §3)
 *       explicit_nonce(8) | ciphertext | tag        nonce = salt(4) | explicit_nonce
 *   TLS 1.2 ChaCha20-Poly1305 (RFC 7905 §2)
 *       ciphertext | tag                            nonce = iv XOR seq
 *       AAD (both) = seq(8) | type(1) | version(2) | plaintext length(2)
 *   TLS 1.0-1.2 AES-CBC (RFC 5246 §6.2.3.2)
 *       [IV(16), from TLS 1.1] | E(content | MAC | padding | padding_length)
 *       MAC = HMAC(seq | type | version | length(2) | content)
 *   with encrypt_then_mac (RFC 7366 §3)
 *       IV(16) | E(content | padding | padding_length) | MAC
 *       MAC = HMAC(seq | type | version | length(IV + ciphertext) | IV | ciphertext)
 */
#include "dissect/tls_crypt.h"

#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/chacha20_poly1305.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/hmac.h>
#include <wolfssl/wolfcrypt/md5.h>
#include <wolfssl/wolfcrypt/sha.h>
#include <wolfssl/wolfcrypt/sha256.h>
#include <wolfssl/wolfcrypt/sha512.h>

#include "capture/xalloc.h"

/* ---- cipher suites (IANA TLS Cipher Suites registry) ---- */

#define GCM(id, k, prf)                                                                            \
	{                                                                                          \
		id, TLS_BULK_AES_GCM, k, 16, TLS_HASH_NONE, prf, 0                                 \
	}
#define CCM(id, k, tag)                                                                            \
	{                                                                                          \
		id, TLS_BULK_AES_CCM, k, tag, TLS_HASH_NONE, TLS_HASH_SHA256, 0                    \
	}
#define CHACHA(id)                                                                                 \
	{                                                                                          \
		id, TLS_BULK_CHACHA20_POLY1305, 32, 16, TLS_HASH_NONE, TLS_HASH_SHA256, 0          \
	}
#define CBC(id, k, mac, prf)                                                                       \
	{                                                                                          \
		id, TLS_BULK_AES_CBC, k, 0, mac, prf, 0                                            \
	}
#define S1 TLS_HASH_SHA1
#define S256 TLS_HASH_SHA256
#define S384 TLS_HASH_SHA384

static const struct tls_suite suites[] = {
	/* TLS 1.3 (RFC 8446 §B.4) */
	{ 0x1301, TLS_BULK_AES_GCM, 16, 16, TLS_HASH_NONE, S256, 1 },
	{ 0x1302, TLS_BULK_AES_GCM, 32, 16, TLS_HASH_NONE, S384, 1 },
	{ 0x1303, TLS_BULK_CHACHA20_POLY1305, 32, 16, TLS_HASH_NONE, S256, 1 },
	{ 0x1304, TLS_BULK_AES_CCM, 16, 16, TLS_HASH_NONE, S256, 1 },
	{ 0x1305, TLS_BULK_AES_CCM, 16, 8, TLS_HASH_NONE, S256, 1 },
	/* RSA, DH, DHE key exchange with AES-CBC (RFC 5246, 3268) */
	CBC(0x002f, 16, S1, S256),
	CBC(0x0030, 16, S1, S256),
	CBC(0x0031, 16, S1, S256),
	CBC(0x0032, 16, S1, S256),
	CBC(0x0033, 16, S1, S256),
	CBC(0x0035, 32, S1, S256),
	CBC(0x0036, 32, S1, S256),
	CBC(0x0037, 32, S1, S256),
	CBC(0x0038, 32, S1, S256),
	CBC(0x0039, 32, S1, S256),
	CBC(0x003c, 16, S256, S256),
	CBC(0x003d, 32, S256, S256),
	CBC(0x003e, 16, S256, S256),
	CBC(0x003f, 16, S256, S256),
	CBC(0x0040, 16, S256, S256),
	CBC(0x0067, 16, S256, S256),
	CBC(0x0068, 32, S256, S256),
	CBC(0x0069, 32, S256, S256),
	CBC(0x006a, 32, S256, S256),
	CBC(0x006b, 32, S256, S256),
	/* PSK with AES-CBC (RFC 4279, 5487) */
	CBC(0x008c, 16, S1, S256),
	CBC(0x008d, 32, S1, S256),
	CBC(0x0090, 16, S1, S256),
	CBC(0x0091, 32, S1, S256),
	CBC(0x0094, 16, S1, S256),
	CBC(0x0095, 32, S1, S256),
	CBC(0x00ae, 16, S256, S256),
	CBC(0x00af, 32, S384, S384),
	CBC(0x00b2, 16, S256, S256),
	CBC(0x00b3, 32, S384, S384),
	CBC(0x00b6, 16, S256, S256),
	CBC(0x00b7, 32, S384, S384),
	/* AES-GCM (RFC 5288, 5487) */
	GCM(0x009c, 16, S256),
	GCM(0x009d, 32, S384),
	GCM(0x009e, 16, S256),
	GCM(0x009f, 32, S384),
	GCM(0x00a0, 16, S256),
	GCM(0x00a1, 32, S384),
	GCM(0x00a2, 16, S256),
	GCM(0x00a3, 32, S384),
	GCM(0x00a4, 16, S256),
	GCM(0x00a5, 32, S384),
	GCM(0x00a8, 16, S256),
	GCM(0x00a9, 32, S384),
	GCM(0x00aa, 16, S256),
	GCM(0x00ab, 32, S384),
	GCM(0x00ac, 16, S256),
	GCM(0x00ad, 32, S384),
	/* ECDH(E) with AES-CBC (RFC 8422, 5289, 5489) */
	CBC(0xc004, 16, S1, S256),
	CBC(0xc005, 32, S1, S256),
	CBC(0xc009, 16, S1, S256),
	CBC(0xc00a, 32, S1, S256),
	CBC(0xc00e, 16, S1, S256),
	CBC(0xc00f, 32, S1, S256),
	CBC(0xc013, 16, S1, S256),
	CBC(0xc014, 32, S1, S256),
	CBC(0xc018, 16, S1, S256),
	CBC(0xc019, 32, S1, S256),
	CBC(0xc023, 16, S256, S256),
	CBC(0xc024, 32, S384, S384),
	CBC(0xc025, 16, S256, S256),
	CBC(0xc026, 32, S384, S384),
	CBC(0xc027, 16, S256, S256),
	CBC(0xc028, 32, S384, S384),
	CBC(0xc029, 16, S256, S256),
	CBC(0xc02a, 32, S384, S384),
	CBC(0xc035, 16, S1, S256),
	CBC(0xc036, 32, S1, S256),
	CBC(0xc037, 16, S256, S256),
	CBC(0xc038, 32, S384, S384),
	/* ECDH(E) with AES-GCM (RFC 5289, 8442) */
	GCM(0xc02b, 16, S256),
	GCM(0xc02c, 32, S384),
	GCM(0xc02d, 16, S256),
	GCM(0xc02e, 32, S384),
	GCM(0xc02f, 16, S256),
	GCM(0xc030, 32, S384),
	GCM(0xc031, 16, S256),
	GCM(0xc032, 32, S384),
	GCM(0xd001, 16, S256),
	GCM(0xd002, 32, S384),
	/* AES-CCM (RFC 6655, 7251, 8442) */
	CCM(0xc09c, 16, 16),
	CCM(0xc09d, 32, 16),
	CCM(0xc09e, 16, 16),
	CCM(0xc09f, 32, 16),
	CCM(0xc0a0, 16, 8),
	CCM(0xc0a1, 32, 8),
	CCM(0xc0a2, 16, 8),
	CCM(0xc0a3, 32, 8),
	CCM(0xc0a4, 16, 16),
	CCM(0xc0a5, 32, 16),
	CCM(0xc0a6, 16, 16),
	CCM(0xc0a7, 32, 16),
	CCM(0xc0a8, 16, 8),
	CCM(0xc0a9, 32, 8),
	CCM(0xc0aa, 16, 8),
	CCM(0xc0ab, 32, 8),
	CCM(0xc0ac, 16, 16),
	CCM(0xc0ad, 32, 16),
	CCM(0xc0ae, 16, 8),
	CCM(0xc0af, 32, 8),
	CCM(0xd003, 16, 8),
	CCM(0xd005, 16, 16),
	/* ChaCha20-Poly1305 (RFC 7905) */
	CHACHA(0xcca8),
	CHACHA(0xcca9),
	CHACHA(0xccaa),
	CHACHA(0xccab),
	CHACHA(0xccac),
	CHACHA(0xccad),
	CHACHA(0xccae),
};

const struct tls_suite *tls_suite_find(uint16_t id)
{
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		if (suites[i].id == id)
			return &suites[i];
	return NULL;
}

size_t tls_hash_len(enum tls_hash h)
{
	switch (h) {
	case TLS_HASH_MD5_SHA1: return WC_MD5_DIGEST_SIZE + WC_SHA_DIGEST_SIZE;
	case TLS_HASH_SHA1: return WC_SHA_DIGEST_SIZE;
	case TLS_HASH_SHA256: return WC_SHA256_DIGEST_SIZE;
	case TLS_HASH_SHA384: return WC_SHA384_DIGEST_SIZE;
	case TLS_HASH_NONE: break;
	}
	return 0;
}

const char *tls_dec_str(enum tls_dec r)
{
	switch (r) {
	case TLS_DEC_OK: return "decrypted";
	case TLS_DEC_BAD_AUTH: return "authentication failed";
	case TLS_DEC_MALFORMED: return "malformed";
	case TLS_DEC_ERROR: return "crypto error";
	}
	return "unknown";
}

/* ---- HMAC, PRF, HKDF ---- */

static int wc_type(enum tls_hash h)
{
	switch (h) {
	case TLS_HASH_SHA1: return WC_SHA;
	case TLS_HASH_SHA256: return WC_SHA256;
	case TLS_HASH_SHA384: return WC_SHA384;
	default: return -1;
	}
}

/* HMAC over the concatenation of n pieces. `type` is wolfCrypt's. */
static int hmac_v(int type, const uint8_t *key, size_t key_len, const struct span *parts, size_t n,
		  uint8_t *out)
{
	Hmac h;
	int rc = -1;
	if (type < 0 || wc_HmacInit(&h, NULL, INVALID_DEVID) != 0)
		return -1;
	if (wc_HmacSetKey(&h, type, key, (word32)key_len) != 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (parts[i].n && wc_HmacUpdate(&h, parts[i].p, (word32)parts[i].n) != 0)
			goto out;
	if (wc_HmacFinal(&h, out) != 0)
		goto out;
	rc = 0;
out:
	wc_HmacFree(&h);
	return rc;
}

/* RFC 5246 §5: P_hash(secret, seed), XORed into out when `xor`. */
static int p_hash(int type, size_t hlen, const uint8_t *secret, size_t slen, const uint8_t *seed,
		  size_t seed_len, uint8_t *out, size_t out_len, int xor)
{
	uint8_t a[TLS_MAX_HASH], chunk[TLS_MAX_HASH];
	struct span s1[1] = { { seed, seed_len } };
	if (hmac_v(type, secret, slen, s1, 1, a) != 0) /* A(1) */
		return -1;
	for (size_t done = 0; done < out_len;) {
		struct span s2[2] = { { a, hlen }, { seed, seed_len } };
		if (hmac_v(type, secret, slen, s2, 2, chunk) != 0)
			return -1;
		for (size_t i = 0; i < hlen && done < out_len; i++, done++)
			out[done] = (uint8_t)(xor? out[done] ^ chunk[i] : chunk[i]);
		struct span s3[1] = { { a, hlen } };
		if (hmac_v(type, secret, slen, s3, 1, a) != 0) /* A(i+1) */
			return -1;
	}
	return 0;
}

int tls_prf(uint16_t version, enum tls_hash h, const uint8_t *secret, size_t secret_len,
	    const char *label, const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len)
{
	uint8_t ls[128];
	size_t ll = strlen(label);
	if (ll + seed_len > sizeof ls)
		return -1;
	memcpy(ls, label, ll); /* lint: ok: our label */
	if (seed_len)
		memcpy(ls + ll, seed, seed_len); /* lint: ok: randoms or hash we made */
	if (version >= 0x0303) {
		if (h != TLS_HASH_SHA256 && h != TLS_HASH_SHA384)
			return -1;
		return p_hash(wc_type(h), tls_hash_len(h), secret, secret_len, ls, ll + seed_len,
			      out, out_len, 0);
	}
	/* RFC 2246 §5: the secret's halves (sharing a byte when odd) feed
	 * P_MD5 and P_SHA-1, whose outputs are XORed. */
	size_t half = (secret_len + 1) / 2;
	memset(out, 0, out_len);
	if (p_hash(WC_MD5, WC_MD5_DIGEST_SIZE, secret, half, ls, ll + seed_len, out, out_len, 1) !=
	    0)
		return -1;
	return p_hash(WC_SHA, WC_SHA_DIGEST_SIZE, secret + (secret_len - half), half, ls,
		      ll + seed_len, out, out_len, 1);
}

int tls13_expand_label(enum tls_hash h, const uint8_t *secret, size_t secret_len, const char *label,
		       const uint8_t *ctx, size_t ctx_len, uint8_t *out, size_t out_len)
{
	/* struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } */
	uint8_t info[2 + 1 + 255 + 1 + 255];
	size_t ll = strlen(label), n = 0;
	if (wc_type(h) < 0 || 6 + ll > 255 || ctx_len > 255 || out_len > 0xffff)
		return -1;
	info[n++] = (uint8_t)(out_len >> 8);
	info[n++] = (uint8_t)out_len;
	info[n++] = (uint8_t)(6 + ll);
	memcpy(info + n, "tls13 ", 6); /* lint: ok: our label */
	n += 6;
	memcpy(info + n, label, ll); /* lint: ok: our label */
	n += ll;
	info[n++] = (uint8_t)ctx_len;
	if (ctx_len)
		memcpy(info + n, ctx, ctx_len); /* lint: ok: a hash we made */
	n += ctx_len;
	return wc_HKDF_Expand(wc_type(h), secret, (word32)secret_len, info, (word32)n, out,
			      (word32)out_len) == 0
		       ? 0
		       : -1;
}

int tls13_rkey_init(struct tls_rkey *k, const struct tls_suite *s, const uint8_t *secret,
		    size_t secret_len)
{
	memset(k, 0, sizeof *k);
	if (!s->tls13 || secret_len != tls_hash_len((enum tls_hash)s->prf))
		return -1;
	k->suite = s;
	k->version = 0x0304;
	if (tls13_expand_label((enum tls_hash)s->prf, secret, secret_len, "key", NULL, 0, k->key,
			       s->key_len) != 0 ||
	    tls13_expand_label((enum tls_hash)s->prf, secret, secret_len, "iv", NULL, 0, k->iv,
			       12) != 0)
		return -1;
	return 0;
}

int tls13_next_secret(enum tls_hash h, uint8_t *secret, size_t secret_len)
{
	uint8_t next[TLS_MAX_HASH];
	if (secret_len != tls_hash_len(h) ||
	    tls13_expand_label(h, secret, secret_len, "traffic upd", NULL, 0, next, secret_len) !=
		    0)
		return -1;
	memcpy(secret, next, secret_len); /* lint: ok: derived */
	return 0;
}

int tls13_finished(enum tls_hash h, const uint8_t *secret, const uint8_t *transcript_hash,
		   uint8_t *out)
{
	uint8_t key[TLS_MAX_HASH];
	size_t hl = tls_hash_len(h);
	if (tls13_expand_label(h, secret, hl, "finished", NULL, 0, key, hl) != 0)
		return -1;
	struct span p[1] = { { transcript_hash, hl } };
	return hmac_v(wc_type(h), key, hl, p, 1, out);
}

int tls12_rkeys_init(struct tls_rkey *client, struct tls_rkey *server, const struct tls_suite *s,
		     uint16_t version, int etm, const uint8_t master[48],
		     const uint8_t client_random[32], const uint8_t server_random[32])
{
	uint8_t seed[64], kb[2 * (TLS_MAX_MAC_KEY + TLS_MAX_KEY + 16)];
	memset(client, 0, sizeof *client);
	memset(server, 0, sizeof *server);
	if (s->tls13 || version < 0x0301 || version > 0x0303)
		return -1;
	/* Before TLS 1.2 only the SHA-1 CBC suites exist. */
	if (version < 0x0303 && (s->bulk != TLS_BULK_AES_CBC || s->mac != TLS_HASH_SHA1))
		return -1;
	size_t mac_len = s->bulk == TLS_BULK_AES_CBC ? tls_hash_len((enum tls_hash)s->mac) : 0;
	size_t iv_len = s->bulk == TLS_BULK_AES_CBC		? 16
			: s->bulk == TLS_BULK_CHACHA20_POLY1305 ? 12
								: 4;
	size_t need = 2 * (mac_len + s->key_len + iv_len);
	memcpy(seed, server_random, 32);      /* lint: ok: copied randoms */
	memcpy(seed + 32, client_random, 32); /* lint: ok: copied randoms */
	if (tls_prf(version, (enum tls_hash)s->prf, master, 48, "key expansion", seed, 64, kb,
		    need) != 0)
		return -1;
	/* client MAC, server MAC, client key, server key, client IV, server IV */
	size_t o = 0;
	struct tls_rkey *k[2] = { client, server };
	for (int i = 0; i < 2; i++, o += mac_len)
		memcpy(k[i]->mac_key, kb + o, mac_len); /* lint: ok: key block */
	for (int i = 0; i < 2; i++, o += s->key_len)
		memcpy(k[i]->key, kb + o, s->key_len); /* lint: ok: key block */
	for (int i = 0; i < 2; i++, o += iv_len) {
		memcpy(k[i]->iv, kb + o, iv_len); /* lint: ok: key block */
		k[i]->suite = s;
		k[i]->version = version;
		k[i]->etm = s->bulk == TLS_BULK_AES_CBC && etm;
	}
	return 0;
}

int tls12_finished(uint16_t version, enum tls_hash h, const uint8_t master[48], int from_server,
		   const uint8_t *hash, size_t hash_len, uint8_t out[12])
{
	return tls_prf(version, h, master, 48, from_server ? "server finished" : "client finished",
		       hash, hash_len, out, 12);
}

/* ---- records ---- */

static void put_seq(uint8_t b[8], uint64_t seq)
{
	for (int i = 7; i >= 0; i--, seq >>= 8)
		b[i] = (uint8_t)seq;
}

/* iv XOR the sequence number, left-padded to 12 bytes. */
static void xor_nonce(const uint8_t iv[12], uint64_t seq, uint8_t nonce[12])
{
	uint8_t s[8];
	put_seq(s, seq);
	memcpy(nonce, iv, 12); /* lint: ok: derived IV */
	for (int i = 0; i < 8; i++)
		nonce[4 + i] ^= s[i];
}

static enum tls_dec aead_open(const struct tls_rkey *k, const uint8_t nonce[12], const uint8_t *aad,
			      size_t aad_len, struct span ct, struct span tag, uint8_t *out)
{
	Aes aes;
	int r;
	switch (k->suite->bulk) {
	case TLS_BULK_CHACHA20_POLY1305:
		r = wc_ChaCha20Poly1305_Decrypt(k->key, nonce, aad, (word32)aad_len, ct.p,
						(word32)ct.n, tag.p, out);
		return r == 0		       ? TLS_DEC_OK
		       : r == MAC_CMP_FAILED_E ? TLS_DEC_BAD_AUTH
					       : TLS_DEC_ERROR;
	case TLS_BULK_AES_GCM:
	case TLS_BULK_AES_CCM:
		if (wc_AesInit(&aes, NULL, INVALID_DEVID) != 0)
			return TLS_DEC_ERROR;
		if (k->suite->bulk == TLS_BULK_AES_GCM) {
			r = wc_AesGcmSetKey(&aes, k->key, k->suite->key_len);
			if (r == 0)
				r = wc_AesGcmDecrypt(&aes, out, ct.p, (word32)ct.n, nonce, 12,
						     tag.p, (word32)tag.n, aad, (word32)aad_len);
			if (r == AES_GCM_AUTH_E)
				r = 1;
		} else {
			r = wc_AesCcmSetKey(&aes, k->key, k->suite->key_len);
			if (r == 0)
				r = wc_AesCcmDecrypt(&aes, out, ct.p, (word32)ct.n, nonce, 12,
						     tag.p, (word32)tag.n, aad, (word32)aad_len);
			if (r == AES_CCM_AUTH_E)
				r = 1;
		}
		wc_AesFree(&aes);
		return r == 0 ? TLS_DEC_OK : r == 1 ? TLS_DEC_BAD_AUTH : TLS_DEC_ERROR;
	}
	return TLS_DEC_ERROR;
}

/* TLS 1.2 AEAD additional data. */
static void aad12(uint8_t aad[13], uint64_t seq, uint8_t type, uint16_t version, size_t len)
{
	put_seq(aad, seq);
	aad[8] = type;
	aad[9] = (uint8_t)(version >> 8);
	aad[10] = (uint8_t)version;
	aad[11] = (uint8_t)(len >> 8);
	aad[12] = (uint8_t)len;
}

static enum tls_dec open_aead(const struct tls_rkey *k, uint64_t seq, const uint8_t hdr[5],
			      uint8_t htype, uint16_t hver, struct span frag, uint8_t *out,
			      size_t *len, uint8_t *type)
{
	struct cursor c;
	struct span expl, ct, tag;
	uint8_t nonce[12], aad[13];
	size_t tl = k->suite->tag_len;
	int tls13 = k->version >= 0x0304;
	int explicit_nonce = !tls13 && k->suite->bulk != TLS_BULK_CHACHA20_POLY1305;
	cur_init(&c, frag.p, frag.n);
	if (explicit_nonce) {
		if (cur_bytes(&c, 8, &expl) != PE_OK)
			return TLS_DEC_MALFORMED;
		struct cursor e;
		cur_init(&e, expl.p, expl.n);
		memcpy(nonce, k->iv, 4); /* lint: ok: derived salt */
		if (cur_copy(&e, nonce + 4, 8) != PE_OK)
			return TLS_DEC_MALFORMED;
	} else {
		xor_nonce(k->iv, seq, nonce);
	}
	/* TLS 1.3: at least the content type byte is encrypted. */
	if (cur_left(&c) < tl + (tls13 ? 1 : 0) || cur_bytes(&c, cur_left(&c) - tl, &ct) != PE_OK ||
	    cur_bytes(&c, tl, &tag) != PE_OK)
		return TLS_DEC_MALFORMED;
	enum tls_dec r;
	if (tls13)
		r = aead_open(k, nonce, hdr, 5, ct, tag, out);
	else {
		aad12(aad, seq, htype, hver, ct.n);
		r = aead_open(k, nonce, aad, sizeof aad, ct, tag, out);
	}
	if (r != TLS_DEC_OK)
		return r;
	if (!tls13) {
		*len = ct.n;
		*type = htype;
		return TLS_DEC_OK;
	}
	/* RFC 8446 §5.4: the content type is the last non-zero byte. */
	struct cursor pc;
	size_t n = ct.n;
	uint8_t b = 0;
	cur_init(&pc, out, ct.n);
	while (n > 0 && cur_peek_u8(&pc, n - 1, &b) == PE_OK && b == 0)
		n--;
	if (n == 0)
		return TLS_DEC_MALFORMED;
	*type = b;
	*len = n - 1;
	return TLS_DEC_OK;
}

/* CBC padding (RFC 5246 §6.2.3.2): padding_length + 1 bytes all equal to
 * padding_length. Returns the padding's total length, or 0 if wrong. */
static size_t cbc_padding(const uint8_t *p, size_t n)
{
	struct cursor c;
	uint8_t pl, b;
	cur_init(&c, p, n);
	if (n == 0 || cur_peek_u8(&c, n - 1, &pl) != PE_OK || (size_t)pl + 1 > n)
		return 0;
	for (size_t i = 0; i <= pl; i++)
		if (cur_peek_u8(&c, n - 1 - i, &b) != PE_OK || b != pl)
			return 0;
	return (size_t)pl + 1;
}

static int cbc_decrypt(const struct tls_rkey *k, const uint8_t iv[16], struct span ct, uint8_t *out)
{
	Aes aes;
	int r;
	if (ct.n == 0)
		return 0;
	if (wc_AesInit(&aes, NULL, INVALID_DEVID) != 0)
		return -1;
	r = wc_AesSetKey(&aes, k->key, k->suite->key_len, iv, AES_DECRYPTION);
	if (r == 0)
		r = wc_AesCbcDecrypt(&aes, out, ct.p, (word32)ct.n);
	wc_AesFree(&aes);
	return r == 0 ? 0 : -1;
}

static enum tls_dec open_cbc(const struct tls_rkey *k, uint64_t seq, uint8_t htype, uint16_t hver,
			     struct span frag, uint8_t *out, size_t *len, uint8_t *type)
{
	struct cursor c;
	struct span ivs = { NULL, 0 }, ct, mac;
	uint8_t iv[16], hdr[13], calc[TLS_MAX_HASH];
	size_t ml = tls_hash_len((enum tls_hash)k->suite->mac);
	int mt = wc_type((enum tls_hash)k->suite->mac);
	cur_init(&c, frag.p, frag.n);
	if (k->version >= 0x0302) { /* explicit IV */
		struct cursor ic;
		if (cur_bytes(&c, 16, &ivs) != PE_OK)
			return TLS_DEC_MALFORMED;
		cur_init(&ic, ivs.p, ivs.n);
		if (cur_copy(&ic, iv, 16) != PE_OK)
			return TLS_DEC_MALFORMED;
	} else {
		memcpy(iv, k->iv, 16); /* lint: ok: our chained IV */
	}
	if (k->etm) {
		if (cur_left(&c) < ml + 16 || cur_bytes(&c, cur_left(&c) - ml, &ct) != PE_OK ||
		    cur_bytes(&c, ml, &mac) != PE_OK || ct.n % 16)
			return TLS_DEC_MALFORMED;
		aad12(hdr, seq, htype, hver, ivs.n + ct.n);
		struct span parts[3] = { { hdr, 13 }, ivs, ct };
		if (hmac_v(mt, k->mac_key, ml, parts, 3, calc) != 0)
			return TLS_DEC_ERROR;
		struct span cs = { calc, ml };
		if (!span_eq(cs, mac))
			return TLS_DEC_BAD_AUTH;
		if (cbc_decrypt(k, iv, ct, out) != 0)
			return TLS_DEC_ERROR;
		size_t pad = cbc_padding(out, ct.n);
		if (pad == 0)
			return TLS_DEC_BAD_AUTH;
		*len = ct.n - pad;
		*type = htype;
		return TLS_DEC_OK;
	}
	if (cur_bytes(&c, cur_left(&c), &ct) != PE_OK || ct.n % 16 || ct.n < ml + 1 || ct.n == 0)
		return TLS_DEC_MALFORMED;
	if (cbc_decrypt(k, iv, ct, out) != 0)
		return TLS_DEC_ERROR;
	size_t pad = cbc_padding(out, ct.n);
	if (pad == 0 || pad + ml > ct.n)
		return TLS_DEC_BAD_AUTH;
	size_t n = ct.n - pad - ml;
	struct span content = { out, n }, sent = { out + n, ml };
	aad12(hdr, seq, htype, hver, n);
	struct span parts[2] = { { hdr, 13 }, content };
	if (hmac_v(mt, k->mac_key, ml, parts, 2, calc) != 0)
		return TLS_DEC_ERROR;
	struct span cs = { calc, ml };
	if (!span_eq(cs, sent))
		return TLS_DEC_BAD_AUTH;
	*len = n;
	*type = htype;
	return TLS_DEC_OK;
}

enum tls_dec tls_record_open(const struct tls_rkey *k, uint64_t seq, const uint8_t hdr[5],
			     struct span frag, uint8_t *out, size_t *len, uint8_t *type)
{
	struct cursor h;
	uint8_t htype;
	uint16_t hver;
	enum tls_dec r;
	*len = 0;
	cur_init(&h, hdr, 5);
	if (k->suite == NULL || cur_u8(&h, &htype) != PE_OK || cur_u16(&h, &hver) != PE_OK)
		return TLS_DEC_ERROR;
	if (k->suite->bulk == TLS_BULK_AES_CBC)
		r = open_cbc(k, seq, htype, hver, frag, out, len, type);
	else
		r = open_aead(k, seq, hdr, htype, hver, frag, out, len, type);
	if (r != TLS_DEC_OK)
		*len = 0;
	return r;
}

void tls_rkey_next(struct tls_rkey *k, uint64_t seq, struct span frag)
{
	k->seq = seq + 1;
	if (k->suite && k->suite->bulk == TLS_BULK_AES_CBC && k->version < 0x0302) {
		/* The last ciphertext block (before the MAC with encrypt_then_mac). */
		size_t ml = k->etm ? tls_hash_len((enum tls_hash)k->suite->mac) : 0;
		struct cursor c;
		cur_init(&c, frag.p, frag.n);
		if (frag.n < ml + 16 || cur_skip(&c, frag.n - ml - 16) != PE_OK ||
		    cur_copy(&c, k->iv, 16) != PE_OK)
			return;
	}
}

/* ---- transcript ---- */

struct tls_transcript {
	wc_Md5 md5;
	wc_Sha sha1;
	wc_Sha256 sha256;
	wc_Sha384 sha384;
	int ok;
};

static int transcript_init(struct tls_transcript *t)
{
	t->ok = wc_InitMd5(&t->md5) == 0 && wc_InitSha(&t->sha1) == 0 &&
		wc_InitSha256(&t->sha256) == 0 && wc_InitSha384(&t->sha384) == 0;
	return t->ok ? 0 : -1;
}

static void transcript_release(struct tls_transcript *t)
{
	wc_Md5Free(&t->md5);
	wc_ShaFree(&t->sha1);
	wc_Sha256Free(&t->sha256);
	wc_Sha384Free(&t->sha384);
}

struct tls_transcript *tls_transcript_new(void)
{
	struct tls_transcript *t = xcalloc(1, sizeof *t);
	if (transcript_init(t) != 0)
		t->ok = 0;
	return t;
}

void tls_transcript_free(struct tls_transcript *t)
{
	if (t == NULL)
		return;
	transcript_release(t);
	free(t);
}

void tls_transcript_add(struct tls_transcript *t, struct span msg)
{
	word32 n = (word32)msg.n;
	if (!t->ok || msg.n == 0)
		return;
	if (wc_Md5Update(&t->md5, msg.p, n) != 0 || wc_ShaUpdate(&t->sha1, msg.p, n) != 0 ||
	    wc_Sha256Update(&t->sha256, msg.p, n) != 0 ||
	    wc_Sha384Update(&t->sha384, msg.p, n) != 0)
		t->ok = 0;
}

int tls_transcript_hash(struct tls_transcript *t, enum tls_hash h, uint8_t *out)
{
	if (!t->ok)
		return -1;
	switch (h) {
	case TLS_HASH_MD5_SHA1:
		return wc_Md5GetHash(&t->md5, out) == 0 &&
				       wc_ShaGetHash(&t->sha1, out + WC_MD5_DIGEST_SIZE) == 0
			       ? 0
			       : -1;
	case TLS_HASH_SHA1: return wc_ShaGetHash(&t->sha1, out) == 0 ? 0 : -1;
	case TLS_HASH_SHA256: return wc_Sha256GetHash(&t->sha256, out) == 0 ? 0 : -1;
	case TLS_HASH_SHA384: return wc_Sha384GetHash(&t->sha384, out) == 0 ? 0 : -1;
	case TLS_HASH_NONE: break;
	}
	return -1;
}

int tls_transcript_hrr(struct tls_transcript *t, enum tls_hash h)
{
	uint8_t mh[4 + TLS_MAX_HASH];
	size_t hl = tls_hash_len(h);
	if (h != TLS_HASH_SHA256 && h != TLS_HASH_SHA384)
		return -1;
	if (tls_transcript_hash(t, h, mh + 4) != 0)
		return -1;
	mh[0] = 254; /* message_hash */
	mh[1] = 0;
	mh[2] = 0;
	mh[3] = (uint8_t)hl;
	transcript_release(t);
	if (transcript_init(t) != 0)
		return -1;
	struct span s = { mh, 4 + hl };
	tls_transcript_add(t, s);
	return t->ok ? 0 : -1;
}

/*
 * digest.c - the hashes the certificate model and the signature checks
 * need, through wolfCrypt, and the DigestInfo an RSASSA-PKCS1-v1_5
 * signature covers (RFC 8017 §9.2). Below cert.c, sig.c and sig_nettle.c,
 * which all hash.
 */
#include "dissect/x509/x509_int.h"

#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/hash.h>

int x509_wc_hash_type(enum hash_alg h)
{
	switch (h) {
	case HASH_MD2: return WC_HASH_TYPE_MD2;
	case HASH_MD4: return WC_HASH_TYPE_MD4;
	case HASH_MD5: return WC_HASH_TYPE_MD5;
	case HASH_SHA1: return WC_HASH_TYPE_SHA;
	case HASH_SHA224: return WC_HASH_TYPE_SHA224;
	case HASH_SHA256: return WC_HASH_TYPE_SHA256;
	case HASH_SHA384: return WC_HASH_TYPE_SHA384;
	case HASH_SHA512: return WC_HASH_TYPE_SHA512;
	case HASH_SHA3_224: return WC_HASH_TYPE_SHA3_224;
	case HASH_SHA3_256: return WC_HASH_TYPE_SHA3_256;
	case HASH_SHA3_384: return WC_HASH_TYPE_SHA3_384;
	case HASH_SHA3_512: return WC_HASH_TYPE_SHA3_512;
	default: return WC_HASH_TYPE_NONE;
	}
}

int x509_hash(enum hash_alg h, struct span s, uint8_t *out)
{
	const struct hash_def *d = hash_by_id(h);
	enum wc_HashType t = (enum wc_HashType)x509_wc_hash_type(h);
	static const uint8_t none = 0;

	if (d == NULL || t == WC_HASH_TYPE_NONE || s.n > UINT32_MAX)
		return -1;
	return wc_Hash(t, s.n ? s.p : &none, (word32)s.n, out, (word32)d->len) == 0 ? 0 : -1;
}

void x509_sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	struct span s = { p, p ? n : 0 };
	if (x509_hash(HASH_SHA256, s, out) != 0)
		memset(out, 0, 32);
}

size_t x509_digest_info(const struct sig_check *sc, uint8_t *out, size_t max)
{
	const struct hash_def *h = sc->alg.hash;
	size_t alg = 2 + h->der_oid_len + 2; /* AlgorithmIdentifier contents */
	size_t body = 2 + alg + 2 + h->len, total = 2 + body;

	if (total > max || body > 127)
		return 0;
	out[0] = 0x30;
	out[1] = (uint8_t)body;
	out[2] = 0x30;
	out[3] = (uint8_t)alg;
	out[4] = 0x06;
	out[5] = (uint8_t)h->der_oid_len;
	memcpy(out + 6, h->der_oid, h->der_oid_len); /* lint: ok: DigestInfo we build */
	out[6 + h->der_oid_len] = 0x05;
	out[7 + h->der_oid_len] = 0x00;
	out[8 + h->der_oid_len] = 0x04;
	out[9 + h->der_oid_len] = (uint8_t)h->len;
	memcpy(out + 10 + h->der_oid_len, sc->digest, h->len); /* lint: ok: our digest */
	return total;
}

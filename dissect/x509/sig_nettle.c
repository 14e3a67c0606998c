/*
 * sig_nettle.c - the signatures Debian's wolfSSL cannot check, through
 * nettle's hogweed (GMP arithmetic, no size limit of its own):
 *
 * - RSA moduli over 4096 bits. Debian 12's libwolfssl is built with
 *   SP_INT_BITS 4096, so an 8192-bit CA (a known UC problem, DOMAIN §4)
 *   or a 16384-bit one could never be verified. RSASSA-PKCS1-v1_5 with
 *   any digest; RSASSA-PSS with SHA-256/384/512 and MGF1 of the same
 *   digest (the PSS functions nettle has).
 * - DSA: wolfSSL's wc_DsaVerify() takes 20-byte (SHA-1) digests only;
 *   nettle checks DSA with any digest and the q sizes openssl allows
 *   (160, 224, 256 bits).
 *
 * Everything else stays with wolfCrypt (sig.c). This is the one function
 * that uses nettle.
 */
#include "dissect/x509/x509_int.h"

#include <gmp.h>
#include <nettle/bignum.h>
#include <nettle/dsa.h>
#include <nettle/rsa.h>
#include <string.h>

#define DSA_MAX_BITS 10000 /* openssl's OPENSSL_DSA_MAX_MODULUS_BITS */

static void mpz_from(mpz_t x, struct span s)
{
	nettle_mpz_init_set_str_256_u(x, s.n, s.p);
}

static int rsa(const struct sig_check *sc)
{
	struct rsa_public_key key;
	mpz_t sig;
	int result = -1;

	rsa_public_key_init(&key);
	nettle_mpz_set_str_256_u(key.n, sc->key.n.n, sc->key.n.p);
	nettle_mpz_set_str_256_u(key.e, sc->key.e.n, sc->key.e.p);
	mpz_from(sig, sc->sig);
	if (!rsa_public_key_prepare(&key))
		goto out;
	if (sc->sig.n != key.size) {
		result = 0; /* openssl: wrong signature length */
		goto out;
	}
	if (sc->alg.scheme == SIG_RSA) {
		uint8_t di[128];
		size_t n = x509_digest_info(sc, di, sizeof di);
		if (n)
			result = rsa_pkcs1_verify(&key, n, di, sig) ? 1 : 0;
	} else if (sc->alg.mgf_hash == sc->alg.hash) {
		switch (sc->alg.hash->id) {
		case HASH_SHA256:
			result = rsa_pss_sha256_verify_digest(&key, sc->alg.salt_len, sc->digest, sig);
			break;
		case HASH_SHA384:
			result = rsa_pss_sha384_verify_digest(&key, sc->alg.salt_len, sc->digest, sig);
			break;
		case HASH_SHA512:
			result = rsa_pss_sha512_verify_digest(&key, sc->alg.salt_len, sc->digest, sig);
			break;
		default:
			break;
		}
	}
out:
	mpz_clear(sig);
	rsa_public_key_clear(&key);
	return result;
}

/* Dss-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } */
static int dsa(const struct sig_check *sc)
{
	struct dsa_params params;
	struct dsa_signature sig;
	struct cursor c;
	struct der seq, r, s;
	struct span rm, sm;
	mpz_t y;
	int qbits = span_bits(sc->key.q), result;

	/* (a zero modulus would make GMP divide by zero) */
	if (span_bits(sc->key.p) < 512 || span_bits(sc->key.p) > DSA_MAX_BITS ||
	    span_bits(sc->key.g) < 2 || (qbits != 160 && qbits != 224 && qbits != 256))
		return -1;
	cur_init(&c, sc->sig.p, sc->sig.n);
	if (der_expect(&c, DER_SEQUENCE, &seq) != PE_OK || cur_expect_end(&c) != PE_OK ||
	    der_expect(&seq.val, DER_INTEGER, &r) != PE_OK ||
	    der_expect(&seq.val, DER_INTEGER, &s) != PE_OK || cur_expect_end(&seq.val) != PE_OK ||
	    der_uint(&r, &rm) != PE_OK || der_uint(&s, &sm) != PE_OK)
		return 0;
	dsa_params_init(&params);
	dsa_signature_init(&sig);
	nettle_mpz_set_str_256_u(params.p, sc->key.p.n, sc->key.p.p);
	nettle_mpz_set_str_256_u(params.q, sc->key.q.n, sc->key.q.p);
	nettle_mpz_set_str_256_u(params.g, sc->key.g.n, sc->key.g.p);
	nettle_mpz_set_str_256_u(sig.r, rm.n, rm.p);
	nettle_mpz_set_str_256_u(sig.s, sm.n, sm.p);
	mpz_from(y, sc->key.y);
	result = dsa_verify(&params, y, sc->alg.hash->len, sc->digest, &sig) ? 1 : 0;
	mpz_clear(y);
	dsa_signature_clear(&sig);
	dsa_params_clear(&params);
	return result;
}

int x509_verify_nettle(const struct sig_check *sc)
{
	switch (sc->alg.scheme) {
	case SIG_RSA:
	case SIG_RSA_PSS:
		return rsa(sc);
	case SIG_DSA:
		return dsa(sc);
	default:
		return -1;
	}
}

/*
 * sig.c - certificate signatures (RFC 5280 §4.1.1.3): the issuer's key
 * over the child's TBSCertificate, and the hashes the model needs.
 *
 * wolfCrypt checks what Debian's build of it can: RSASSA-PKCS1-v1_5 and
 * RSASSA-PSS up to 4096-bit moduli, ECDSA on the curves it carries (named
 * or given explicitly with the parameters of one), Ed25519, Ed448.
 * x509_verify_nettle() (sig_nettle.c) checks the rest: larger RSA keys and
 * DSA. The limits are openssl's: RSA moduli over 16384 bits, and public
 * exponents over 64 bits with moduli over 3072, are not checked.
 */
#include "dissect/x509/x509_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/ed25519.h>
#include <wolfssl/wolfcrypt/ed448.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/rsa.h>

#define RSA_MAX_BITS 16384     /* openssl's OPENSSL_RSA_MAX_MODULUS_BITS */
#define RSA_WOLF_MAX_BITS 4096 /* Debian's wolfSSL: SP_INT_BITS 4096 */

/* ---- wolfCrypt ------------------------------------------------------------------ */

static int wolf_mgf(enum hash_alg h)
{
	switch (h) {
	case HASH_SHA1: return WC_MGF1SHA1;
	case HASH_SHA224: return WC_MGF1SHA224;
	case HASH_SHA256: return WC_MGF1SHA256;
	case HASH_SHA384: return WC_MGF1SHA384;
	case HASH_SHA512: return WC_MGF1SHA512;
	default: return -1;
	}
}

static int wolf_rsa(const struct sig_check *sc)
{
	RsaKey key;
	uint8_t *buf, *out = NULL, want[128];
	size_t mod_len = (size_t)(span_bits(sc->key.n) + 7) / 8, wn;
	int ret, result = -1;

	if (sc->sig.n != mod_len)
		return 0; /* openssl: wrong signature length */
	if (wc_InitRsaKey(&key, NULL) != 0)
		return -1;
	if (wc_RsaPublicKeyDecodeRaw(sc->key.n.p, (word32)sc->key.n.n, sc->key.e.p,
				     (word32)sc->key.e.n, &key) != 0)
		goto out_key;
	buf = span_dup(sc->sig);
	if (sc->alg.scheme == SIG_RSA) {
		ret = wc_RsaSSL_VerifyInline(buf, (word32)sc->sig.n, &out, &key);
		wn = x509_digest_info(sc, want, sizeof want);
		if (ret < 0)
			result = ret == BAD_FUNC_ARG || ret == MEMORY_E || ret == MP_EXPTMOD_E ? -1
											       : 0;
		else
			result = wn && (size_t)ret == wn &&
				 memcmp(out, want, wn) == 0; /* lint: ok: decrypted vs ours */
	} else {
		int mgf = wolf_mgf(sc->alg.mgf_hash->id);
		enum wc_HashType ht = (enum wc_HashType)x509_wc_hash_type(sc->alg.hash->id);

		if (mgf < 0 || ht == WC_HASH_TYPE_NONE) {
			result = -1;
		} else {
			ret = wc_RsaPSS_VerifyInline_ex(buf, (word32)sc->sig.n, &out, ht, mgf,
							(int)sc->alg.salt_len, &key);
			if (ret < 0)
				result = ret == BAD_FUNC_ARG || ret == MEMORY_E ? -1 : 0;
			else
				result = wc_RsaPSS_CheckPadding_ex(sc->digest,
								   (word32)sc->alg.hash->len, out,
								   (word32)ret, ht,
								   (int)sc->alg.salt_len,
								   span_bits(sc->key.n)) == 0;
		}
	}
	free(buf);
out_key:
	wc_FreeRsaKey(&key);
	return result;
}

static int wolf_ecdsa(const struct sig_check *sc)
{
	const struct key_info *k = &sc->key;
	ecc_key key;
	int id, res = 0, ret, result = -1;

	if (k->explicit_curve) {
		if (k->prime.n == 0 || k->gx.n == 0 || k->cofactor <= 0 || k->cofactor > 0xffff)
			return -1;
		id = wc_ecc_get_curve_id_from_params(span_bits(k->prime), k->prime.p,
						     (word32)k->prime.n, k->a.p, (word32)k->a.n,
						     k->b.p, (word32)k->b.n, k->order.p,
						     (word32)k->order.n, k->gx.p, (word32)k->gx.n,
						     k->gy.p, (word32)k->gy.n, (int)k->cofactor);
	} else {
		id = wc_ecc_get_curve_id_from_oid(k->curve_der.p, (word32)k->curve_der.n);
	}
	if (id < 0 || id == ECC_CURVE_INVALID)
		return -1;
	if (wc_ecc_init(&key) != 0)
		return -1;
	if (wc_ecc_import_x963_ex(k->point.p, (word32)k->point.n, &key, id) != 0)
		goto out; /* not a point of that curve: not checked, as openssl */
	ret = wc_ecc_verify_hash(sc->sig.p, (word32)sc->sig.n, sc->digest,
				 (word32)sc->alg.hash->len, &res, &key);
	if (ret == 0)
		result = res == 1;
	else
		result = ret == ASN_PARSE_E || ret == ASN_ECC_KEY_E || ret == MP_VAL ||
					 ret == ECC_BAD_ARG_E || ret == SIG_VERIFY_E ||
					 ret == BUFFER_E
				 ? 0
				 : -1;
out:
	wc_ecc_free(&key);
	return result;
}

static int wolf_eddsa(const struct sig_check *sc)
{
	int res = 0, ret, result = -1;

	if (sc->alg.scheme == SIG_ED25519) {
		ed25519_key key;
		if (wc_ed25519_init(&key) != 0)
			return -1;
		if (wc_ed25519_import_public(sc->key.pub.p, (word32)sc->key.pub.n, &key) == 0) {
			ret = wc_ed25519_verify_msg(sc->sig.p, (word32)sc->sig.n, sc->tbs.p,
						    (word32)sc->tbs.n, &res, &key);
			result = ret == 0 ? res == 1 : ret == BAD_FUNC_ARG ? -1 : 0;
		}
		wc_ed25519_free(&key);
	} else {
		ed448_key key;
		if (wc_ed448_init(&key) != 0)
			return -1;
		if (wc_ed448_import_public(sc->key.pub.p, (word32)sc->key.pub.n, &key) == 0) {
			ret = wc_ed448_verify_msg(sc->sig.p, (word32)sc->sig.n, sc->tbs.p,
						  (word32)sc->tbs.n, &res, &key, NULL, 0);
			result = ret == 0 ? res == 1 : ret == BAD_FUNC_ARG ? -1 : 0;
		}
		wc_ed448_free(&key);
	}
	return result;
}

/* ---- one check ------------------------------------------------------------------- */

static int verify_uncached(const struct cert_info *child, const struct cert_info *issuer)
{
	struct span der = { child->der, child->der_len };
	struct span spki = { issuer->spki_der, issuer->spki_der_len };
	struct signed_parts sp;
	struct sig_check sc;
	struct cursor c;
	struct der d;
	const struct sig_alg_def *def;

	memset(&sc, 0, sizeof sc);
	if (cert_signed_parts(der, &sp) != PE_OK || sig_alg_walk(&sp.alg, &sc.alg) != PE_OK)
		return -1;
	def = sc.alg.def;
	if (sc.alg.scheme == SIG_UNKNOWN || def == NULL)
		return -1;
	if (!span_eq(sp.tbs_alg, sp.alg.tlv))
		return 0; /* openssl: signature algorithm mismatch */
	cur_init(&c, spki.p, spki.n);
	if (der_get(&c, &d) != PE_OK || key_walk(&d, &sc.key) != PE_OK)
		return -1;
	if (sc.key.type == KEY_UNKNOWN)
		return -1;
	if (def->key != sc.key.type)
		return 0; /* that key cannot have made this signature */
	if (sc.key.bad || sc.key.params_inherited)
		return -1;
	sc.tbs = sp.tbs;
	sc.sig = sp.sig;
	if (sc.alg.scheme != SIG_ED25519 && sc.alg.scheme != SIG_ED448) {
		if (sc.alg.hash == NULL)
			return -1;
		sc.digest_ok = x509_hash(sc.alg.hash->id, sc.tbs, sc.digest) == 0;
	}

	switch (sc.alg.scheme) {
	case SIG_RSA:
	case SIG_RSA_PSS: {
		int bits = span_bits(sc.key.n);
		if (bits == 0 || bits > RSA_MAX_BITS || (bits > 3072 && span_bits(sc.key.e) > 64))
			return -1;
		if (bits > RSA_WOLF_MAX_BITS || !sc.digest_ok)
			return x509_verify_nettle(&sc);
		return wolf_rsa(&sc);
	}
	case SIG_ECDSA: {
		int r = sc.digest_ok ? wolf_ecdsa(&sc) : -1;
		/* a curve or parameters wolfSSL does not carry */
		return r == -1 ? x509_verify_nettle(&sc) : r;
	}
	case SIG_ED25519:
	case SIG_ED448: return wolf_eddsa(&sc);
	case SIG_DSA: return x509_verify_nettle(&sc);
	default: return -1;
	}
}

/*
 * Signature checks are memoised by the pair of fingerprints: the same
 * chain arrives in thousands of handshakes of a capture, and the answer
 * depends only on the two DERs. Direct-mapped, overwritten on collision,
 * shared by batch worker threads under one mutex (a lookup is far cheaper
 * than one RSA verification).
 */
#define SIGMEMO_SLOTS 4096
struct sigmemo {
	uint8_t child[32], issuer[32];
	int result;
	int used;
};
static struct sigmemo sigmemo[SIGMEMO_SLOTS];
static pthread_mutex_t sigmemo_mu = PTHREAD_MUTEX_INITIALIZER;

static size_t sigmemo_slot(const uint8_t *c, const uint8_t *i)
{
	size_t h = 0;
	for (int k = 0; k < 8; k++)
		h = h * 131 + (size_t)(c[k] ^ i[31 - k]);
	return h % SIGMEMO_SLOTS;
}

int x509_verify_signature(const struct cert_info *child, const struct cert_info *issuer)
{
	if (child == NULL || issuer == NULL || !child->parse_ok || !issuer->parse_ok)
		return -1;
	size_t slot = sigmemo_slot(child->sha256, issuer->sha256);
	pthread_mutex_lock(&sigmemo_mu);
	struct sigmemo *m = &sigmemo[slot];
	/* lint: ok (both lines): the memo compares and keeps our own digests */
	if (m->used && memcmp(m->child, child->sha256, 32) == 0 && /* lint: ok */
	    memcmp(m->issuer, issuer->sha256, 32) == 0) {	   /* lint: ok */
		int r = m->result;
		pthread_mutex_unlock(&sigmemo_mu);
		return r;
	}
	pthread_mutex_unlock(&sigmemo_mu);
	int r = verify_uncached(child, issuer);
	pthread_mutex_lock(&sigmemo_mu);
	m->used = 1;
	memcpy(m->child, child->sha256, 32);   /* lint: ok */
	memcpy(m->issuer, issuer->sha256, 32); /* lint: ok */
	m->result = r;
	pthread_mutex_unlock(&sigmemo_mu);
	return r;
}

void x509_thread_done(void)
{
#ifdef FP_ECC
	wc_ecc_fp_free();
#endif
}

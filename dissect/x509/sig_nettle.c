/*
 * sig_nettle.c - the signatures Debian's wolfSSL cannot check, through
 * nettle's hogweed and the GMP arithmetic it is built on (no size limit of
 * their own):
 *
 * - RSA moduli over 4096 bits. Debian 12's libwolfssl is built with
 *   SP_INT_BITS 4096, so an 8192-bit CA (a known UC problem, DOMAIN §4)
 *   or a 16384-bit one could never be verified. RSASSA-PKCS1-v1_5 with
 *   any digest; RSASSA-PSS with SHA-256/384/512 and MGF1 of the same
 *   digest (the PSS functions nettle has).
 * - DSA: wolfSSL's wc_DsaVerify() takes 20-byte (SHA-1) digests only;
 *   nettle checks DSA with any digest and the q sizes openssl allows
 *   (160, 224, 256 bits).
 * - ECDSA on the prime curves Debian's wolfSSL leaves out (under 224
 *   bits: P-192, secp160r1, brainpoolP192r1, ...) or given by explicit
 *   parameters it does not recognise: the verification equation over
 *   GF(p) in affine coordinates with GMP (ecdsa_gfp() below; a signature
 *   check handles no secret, so constant time does not matter). Curves
 *   over GF(2^m) (sect*) are not checked.
 * - Digests wolfCrypt lacks here (SHA-512/224, SHA-512/256).
 *
 * Everything else stays with wolfCrypt (sig.c). x509_verify_nettle() is
 * the one entry point.
 */
#include "dissect/x509/x509_int.h"

#include <gmp.h>
#include <nettle/bignum.h>
#include <nettle/dsa.h>
#include <nettle/rsa.h>
#include <nettle/sha2.h>
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
			result = rsa_pss_sha256_verify_digest(&key, sc->alg.salt_len, sc->digest,
							      sig);
			break;
		case HASH_SHA384:
			result = rsa_pss_sha384_verify_digest(&key, sc->alg.salt_len, sc->digest,
							      sig);
			break;
		case HASH_SHA512:
			result = rsa_pss_sha512_verify_digest(&key, sc->alg.salt_len, sc->digest,
							      sig);
			break;
		default: break;
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

/* ---- ECDSA over GF(p) --------------------------------------------------------- */

/*
 * Named prime curves (SEC 2, RFC 5639, X9.62): p, a, b, Gx, Gy, n in hex,
 * as `openssl ecparam -name NAME -param_enc explicit -text` prints them.
 */
static const struct {
	const char *name, *p, *a, *b, *gx, *gy, *n;
} gfp_curves[] = {
	{ "prime192v1", "fffffffffffffffffffffffffffffffeffffffffffffffff",
	  "fffffffffffffffffffffffffffffffefffffffffffffffc",
	  "64210519e59c80e70fa7e9ab72243049feb8deecc146b9b1",
	  "188da80eb03090f67cbf20eb43a18800f4ff0afd82ff1012",
	  "07192b95ffc8da78631011ed6b24cdd573f977a11e794811",
	  "ffffffffffffffffffffffff99def836146bc9b1b4d22831" },
	{ "prime192v2", "fffffffffffffffffffffffffffffffeffffffffffffffff",
	  "fffffffffffffffffffffffffffffffefffffffffffffffc",
	  "cc22d6dfb95c6b25e49c0d6364a4e5980c393aa21668d953",
	  "eea2bae7e1497842f2de7769cfe9c989c072ad696f48034a",
	  "6574d11d69b6ec7a672bb82a083df2f2b0847de970b2de15",
	  "fffffffffffffffffffffffe5fb1a724dc80418648d8dd31" },
	{ "prime192v3", "fffffffffffffffffffffffffffffffeffffffffffffffff",
	  "fffffffffffffffffffffffffffffffefffffffffffffffc",
	  "22123dc2395a05caa7423daeccc94760a7d462256bd56916",
	  "7d29778100c65a1da1783716588dce2b8b4aee8e228f1896",
	  "38a90f22637337334b49dcb66a6dc8f9978aca7648a943b0",
	  "ffffffffffffffffffffffff7a62d031c83f4294f640ec13" },
	{ "prime239v1", "7fffffffffffffffffffffff7fffffffffff8000000000007fffffffffff",
	  "7fffffffffffffffffffffff7fffffffffff8000000000007ffffffffffc",
	  "6b016c3bdcf18941d0d654921475ca71a9db2fb27d1d37796185c2942c0a",
	  "0ffa963cdca8816ccc33b8642bedf905c3d358573d3f27fbbd3b3cb9aaaf",
	  "7debe8e4e90a5dae6e4054ca530ba04654b36818ce226b39fccb7b02f1ae",
	  "7fffffffffffffffffffffff7fffff9e5e9a9f5d9071fbd1522688909d0b" },
	{ "prime239v2", "7fffffffffffffffffffffff7fffffffffff8000000000007fffffffffff",
	  "7fffffffffffffffffffffff7fffffffffff8000000000007ffffffffffc",
	  "617fab6832576cbbfed50d99f0249c3fee58b94ba0038c7ae84c8c832f2c",
	  "38af09d98727705120c921bb5e9e26296a3cdcf2f35757a0eafd87b830e7",
	  "5b0125e4dbea0ec7206da0fc01d9b081329fb555de6ef460237dff8be4ba",
	  "7fffffffffffffffffffffff800000cfa7e8594377d414c03821bc582063" },
	{ "prime239v3", "7fffffffffffffffffffffff7fffffffffff8000000000007fffffffffff",
	  "7fffffffffffffffffffffff7fffffffffff8000000000007ffffffffffc",
	  "255705fa2a306654b1f4cb03d6a750a30c250102d4988717d9ba15ab6d3e",
	  "6768ae8e18bb92cfcf005c949aa2c6d94853d0e660bbf854b1c9505fe95a",
	  "1607e6898f390c06bc1d552bad226f3b6fcfe48b6e818499af18e3ed6cf3",
	  "7fffffffffffffffffffffff7fffff975deb41b3a6057c3c432146526551" },
	{ "prime256v1", "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
	  "ffffffff00000001000000000000000000000000fffffffffffffffffffffffc",
	  "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
	  "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
	  "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
	  "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551" },
	{ "secp112r1", "db7c2abf62e35e668076bead208b", "db7c2abf62e35e668076bead2088",
	  "659ef8ba043916eede8911702b22", "09487239995a5ee76b55f9c2f098",
	  "a89ce5af8724c0a23e0e0ff77500", "db7c2abf62e35e7628dfac6561c5" },
	{ "secp112r2", "db7c2abf62e35e668076bead208b", "6127c24c05f38a0aaaf65c0ef02c",
	  "51def1815db5ed74fcc34c85d709", "4ba30ab5e892b4e1649dd0928643",
	  "adcd46f5882e3747def36e956e97", "36df0aafd8b8d7597ca10520d04b" },
	{ "secp128r1", "fffffffdffffffffffffffffffffffff", "fffffffdfffffffffffffffffffffffc",
	  "e87579c11079f43dd824993c2cee5ed3", "161ff7528b899b2d0c28607ca52c5b86",
	  "cf5ac8395bafeb13c02da292dded7a83", "fffffffe0000000075a30d1b9038a115" },
	{ "secp128r2", "fffffffdffffffffffffffffffffffff", "d6031998d1b3bbfebf59cc9bbff9aee1",
	  "5eeefca380d02919dc2c6558bb6d8a5d", "7b6aa5d85e572983e6fb32a7cdebc140",
	  "27b6916a894d3aee7106fe805fc34b44", "3fffffff7fffffffbe0024720613b5a3" },
	{ "secp160k1", "fffffffffffffffffffffffffffffffeffffac73", "0", "07",
	  "3b4c382ce37aa192a4019e763036f4f5dd4d7ebb", "938cf935318fdced6bc28286531733c3f03c4fee",
	  "0100000000000000000001b8fa16dfab9aca16b6b3" },
	{ "secp160r1", "ffffffffffffffffffffffffffffffff7fffffff",
	  "ffffffffffffffffffffffffffffffff7ffffffc", "1c97befc54bd7a8b65acf89f81d4d4adc565fa45",
	  "4a96b5688ef573284664698968c38bb913cbfc82", "23a628553168947d59dcc912042351377ac5fb32",
	  "0100000000000000000001f4c8f927aed3ca752257" },
	{ "secp160r2", "fffffffffffffffffffffffffffffffeffffac73",
	  "fffffffffffffffffffffffffffffffeffffac70", "b4e134d3fb59eb8bab57274904664d5af50388ba",
	  "52dcb034293a117e1f4ff11b30f7199d3144ce6d", "feaffef2e331f296e071fa0df9982cfea7d43f2e",
	  "0100000000000000000000351ee786a818f3a1a16b" },
	{ "secp192k1", "fffffffffffffffffffffffffffffffffffffffeffffee37", "0", "03",
	  "db4ff10ec057e9ae26b07d0280b7f4341da5d1b1eae06c7d",
	  "9b2f2f6d9c5628a7844163d015be86344082aa88d95e2f9d",
	  "fffffffffffffffffffffffe26f2fc170f69466a74defd8d" },
	{ "secp224k1", "fffffffffffffffffffffffffffffffffffffffffffffffeffffe56d", "0", "05",
	  "a1455b334df099df30fc28a169a467e9e47075a90f7e650eb6b7a45c",
	  "7e089fed7fba344282cafbd6f7e319f7c0b0bd59e2ca4bdb556d61a5",
	  "010000000000000000000000000001dce8d2ec6184caf0a971769fb1f7" },
	{ "secp224r1", "ffffffffffffffffffffffffffffffff000000000000000000000001",
	  "fffffffffffffffffffffffffffffffefffffffffffffffffffffffe",
	  "b4050a850c04b3abf54132565044b0b7d7bfd8ba270b39432355ffb4",
	  "b70e0cbd6bb4bf7f321390b94a03c1d356c21122343280d6115c1d21",
	  "bd376388b5f723fb4c22dfe6cd4375a05a07476444d5819985007e34",
	  "ffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3d" },
	{ "secp256k1", "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", "0",
	  "07", "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
	  "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8",
	  "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141" },
	{ "secp384r1",
	  "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
	  "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffc",
	  "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
	  "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
	  "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
	  "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973" },
	{ "secp521r1",
	  "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	  "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc",
	  "51953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
	  "c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66",
	  "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650",
	  "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409" },
	{ "brainpoolP160r1", "e95e4a5f737059dc60dfc7ad95b3d8139515620f",
	  "340e7be2a280eb74e2be61bada745d97e8f7c300", "1e589a8595423412134faa2dbdec95c8d8675e58",
	  "bed5af16ea3f6a4f62938c4631eb5af7bdbcdbc3", "1667cb477a1a8ec338f94741669c976316da6321",
	  "e95e4a5f737059dc60df5991d45029409e60fc09" },
	{ "brainpoolP192r1", "c302f41d932a36cda7a3463093d18db78fce476de1a86297",
	  "6a91174076b1e0e19c39c031fe8685c1cae040e5c69a28ef",
	  "469a28ef7c28cca3dc721d044f4496bcca7ef4146fbf25c9",
	  "c0a0647eaab6a48753b033c56cb0f0900a2f5c4853375fd6",
	  "14b690866abd5bb88b5f4828c1490002e6773fa2fa299b8f",
	  "c302f41d932a36cda7a3462f9e9e916b5be8f1029ac4acc1" },
	{ "brainpoolP224r1", "d7c134aa264366862a18302575d1d787b09f075797da89f57ec8c0ff",
	  "68a5e62ca9ce6c1c299803a6c1530b514e182ad8b0042a59cad29f43",
	  "2580f63ccfe44138870713b1a92369e33e2135d266dbb372386c400b",
	  "0d9029ad2c7e5cf4340823b2a87dc68c9e4ce3174c1e6efdee12c07d",
	  "58aa56f772c0726f24c6b89e4ecdac24354b9e99caa3f6d3761402cd",
	  "d7c134aa264366862a18302575d0fb98d116bc4b6ddebca3a5a7939f" },
	{ "brainpoolP256r1", "a9fb57dba1eea9bc3e660a909d838d726e3bf623d52620282013481d1f6e5377",
	  "7d5a0975fc2c3057eef67530417affe7fb8055c126dc5c6ce94a4b44f330b5d9",
	  "26dc5c6ce94a4b44f330b5d9bbd77cbf958416295cf7e1ce6bccdc18ff8c07b6",
	  "8bd2aeb9cb7e57cb2c4b482ffc81b7afb9de27e1e3bd23c23a4453bd9ace3262",
	  "547ef835c3dac4fd97f8461a14611dc9c27745132ded8e545c1d54c72f046997",
	  "a9fb57dba1eea9bc3e660a909d838d718c397aa3b561a6f7901e0e82974856a7" },
	{ "brainpoolP320r1",
	  "d35e472036bc4fb7e13c785ed201e065f98fcfa6f6f40def4f92b9ec7893ec28fcd412b1f1b32e27",
	  "3ee30b568fbab0f883ccebd46d3f3bb8a2a73513f5eb79da66190eb085ffa9f492f375a97d860eb4",
	  "520883949dfdbc42d3ad198640688a6fe13f41349554b49acc31dccd884539816f5eb4ac8fb1f1a6",
	  "43bd7e9afb53d8b85289bcc48ee5bfe6f20137d10a087eb6e7871e2a10a599c710af8d0d39e20611",
	  "14fdd05545ec1cc8ab4093247f77275e0743ffed117182eaa9c77877aaac6ac7d35245d1692e8ee1",
	  "d35e472036bc4fb7e13c785ed201e065f98fcfa5b68f12a32d482ec7ee8658e98691555b44c59311" },
	{ "brainpoolP384r1",
	  "8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b412b1da197fb71123acd3a729901d1a71874700133107ec53",
	  "7bc382c63d8c150c3c72080ace05afa0c2bea28e4fb22787139165efba91f90f8aa5814a503ad4eb04a8c7dd22ce2826",
	  "04a8c7dd22ce28268b39b55416f0447c2fb77de107dcd2a62e880ea53eeb62d57cb4390295dbc9943ab78696fa504c11",
	  "1d1c64f068cf45ffa2a63a81b7c13f6b8847a3e77ef14fe3db7fcafe0cbd10e8e826e03436d646aaef87b2e247d4af1e",
	  "8abe1d7520f9c2a45cb1eb8e95cfd55262b70b29feec5864e19c054ff99129280e4646217791811142820341263c5315",
	  "8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b31f166e6cac0425a7cf3ab6af6b7fc3103b883202e9046565" },
	{ "brainpoolP512r1",
	  "aadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca703308717d4d9b009bc66842aecda12ae6a380e62881ff2f2d82c68528aa6056583a48f3",
	  "7830a3318b603b89e2327145ac234cc594cbdd8d3df91610a83441caea9863bc2ded5d5aa8253aa10a2ef1c98b9ac8b57f1117a72bf2c7b9e7c1ac4d77fc94ca",
	  "3df91610a83441caea9863bc2ded5d5aa8253aa10a2ef1c98b9ac8b57f1117a72bf2c7b9e7c1ac4d77fc94cadc083e67984050b75ebae5dd2809bd638016f723",
	  "81aee4bdd82ed9645a21322e9c4c6a9385ed9f70b5d916c1b43b62eef4d0098eff3b1f78e2d0d48d50d1687b93b97d5f7c6d5047406a5e688b352209bcb9f822",
	  "7dde385d566332ecc0eabfa9cf7822fdf209f70024a57b1aa000c55b881f8111b2dcde494a5f485e5bca4bd88a2763aed1ca2b2fa8f0540678cd1e0f3ad80892",
	  "aadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca70330870553e5c414ca92619418661197fac10471db1d381085ddaddb58796829ca90069" },
};

struct pt {
	mpz_t x, y;
	int inf;
};

struct gfp {
	mpz_t p, a, b, n;
	struct pt g;
	mpz_t t1, t2, l; /* scratch */
	int err;	 /* an inverse did not exist: not a field */
};

static void pt_init(struct pt *P)
{
	mpz_inits(P->x, P->y, NULL);
	P->inf = 1;
}

static void pt_clear(struct pt *P)
{
	mpz_clears(P->x, P->y, NULL);
}

static void pt_set(struct pt *R, const struct pt *P)
{
	mpz_set(R->x, P->x);
	mpz_set(R->y, P->y);
	R->inf = P->inf;
}

/* With the slope l = t1 * t2 (the inverse already in t2): x3 = l^2 - x1 -
 * x2, y3 = l (x1 - x3) - y1; R may be P (doubling: x2 = x1). */
static void pt_finish(struct gfp *c, struct pt *R, const struct pt *P, const mpz_t x2)
{
	mpz_mul(c->l, c->t1, c->t2);
	mpz_mod(c->l, c->l, c->p);
	mpz_mul(c->t1, c->l, c->l);
	mpz_sub(c->t1, c->t1, P->x);
	mpz_sub(c->t1, c->t1, x2);
	mpz_mod(c->t1, c->t1, c->p);
	mpz_sub(c->t2, P->x, c->t1);
	mpz_mul(c->t2, c->t2, c->l);
	mpz_sub(c->t2, c->t2, P->y);
	mpz_mod(R->y, c->t2, c->p);
	mpz_set(R->x, c->t1);
	R->inf = 0;
}

/* R = 2P (R may be P) */
static void pt_dbl(struct gfp *c, struct pt *R, const struct pt *P)
{
	if (P->inf || mpz_sgn(P->y) == 0) {
		R->inf = 1;
		return;
	}
	/* l = (3x^2 + a) / 2y */
	mpz_mul(c->t1, P->x, P->x);
	mpz_mul_ui(c->t1, c->t1, 3);
	mpz_add(c->t1, c->t1, c->a);
	mpz_mul_2exp(c->t2, P->y, 1);
	mpz_mod(c->t2, c->t2, c->p);
	if (!mpz_invert(c->t2, c->t2, c->p)) {
		c->err = 1;
		R->inf = 1;
		return;
	}
	pt_finish(c, R, P, P->x);
}

/* R = P + Q (R may be P) */
static void pt_add(struct gfp *c, struct pt *R, const struct pt *P, const struct pt *Q)
{
	if (P->inf) {
		pt_set(R, Q);
		return;
	}
	if (Q->inf) {
		pt_set(R, P);
		return;
	}
	if (mpz_cmp(P->x, Q->x) == 0) {
		mpz_add(c->t1, P->y, Q->y);
		mpz_mod(c->t1, c->t1, c->p);
		if (mpz_sgn(c->t1) == 0)
			R->inf = 1;
		else
			pt_dbl(c, R, P);
		return;
	}
	/* l = (y2 - y1) / (x2 - x1) */
	mpz_sub(c->t1, Q->y, P->y);
	mpz_sub(c->t2, Q->x, P->x);
	mpz_mod(c->t2, c->t2, c->p);
	if (!mpz_invert(c->t2, c->t2, c->p)) {
		c->err = 1;
		R->inf = 1;
		return;
	}
	pt_finish(c, R, P, Q->x);
}

/* R = kP, double and add from the top bit */
static void pt_mul(struct gfp *c, struct pt *R, const mpz_t k, const struct pt *P)
{
	struct pt acc;

	pt_init(&acc);
	for (size_t i = mpz_sizeinbase(k, 2); i-- > 0;) {
		pt_dbl(c, &acc, &acc);
		if (mpz_tstbit(k, i))
			pt_add(c, &acc, &acc, P);
	}
	pt_set(R, &acc);
	pt_clear(&acc);
}

static int on_curve(struct gfp *c, const struct pt *P)
{
	if (mpz_sgn(P->x) < 0 || mpz_cmp(P->x, c->p) >= 0 || mpz_sgn(P->y) < 0 ||
	    mpz_cmp(P->y, c->p) >= 0)
		return 0;
	/* y^2 == x^3 + ax + b */
	mpz_mul(c->t1, P->y, P->y);
	mpz_mul(c->t2, P->x, P->x);
	mpz_add(c->t2, c->t2, c->a);
	mpz_mul(c->t2, c->t2, P->x);
	mpz_add(c->t2, c->t2, c->b);
	mpz_sub(c->t1, c->t1, c->t2);
	mpz_mod(c->t1, c->t1, c->p);
	return mpz_sgn(c->t1) == 0;
}

/* An uncompressed point 04 || x || y of a field of `len` bytes. */
static int point_from(struct pt *P, struct span s, size_t len)
{
	struct cursor c;
	struct span x, y;
	uint8_t form;

	cur_init(&c, s.p, s.n);
	if (cur_u8(&c, &form) != PE_OK || form != 4 || cur_left(&c) != 2 * len ||
	    cur_bytes(&c, len, &x) != PE_OK || cur_bytes(&c, len, &y) != PE_OK)
		return -1;
	nettle_mpz_set_str_256_u(P->x, x.n, x.p);
	nettle_mpz_set_str_256_u(P->y, y.n, y.p);
	P->inf = 0;
	return 0;
}

/* The curve of the issuer's key: explicit parameters, or a named one. */
static int curve_from(struct gfp *c, const struct key_info *k)
{
	if (k->explicit_curve) {
		if (k->prime.n == 0 || k->gx.n == 0 || k->cofactor != 1)
			return -1;
		nettle_mpz_set_str_256_u(c->p, k->prime.n, k->prime.p);
		nettle_mpz_set_str_256_u(c->a, k->a.n, k->a.p);
		nettle_mpz_set_str_256_u(c->b, k->b.n, k->b.p);
		nettle_mpz_set_str_256_u(c->n, k->order.n, k->order.p);
		nettle_mpz_set_str_256_u(c->g.x, k->gx.n, k->gx.p);
		nettle_mpz_set_str_256_u(c->g.y, k->gy.n, k->gy.p);
	} else {
		size_t i, n = sizeof gfp_curves / sizeof gfp_curves[0];

		for (i = 0; i < n && (!k->curve || strcmp(gfp_curves[i].name, k->curve->name)); i++)
			;
		if (i == n)
			return -1;
		mpz_set_str(c->p, gfp_curves[i].p, 16);
		mpz_set_str(c->a, gfp_curves[i].a, 16);
		mpz_set_str(c->b, gfp_curves[i].b, 16);
		mpz_set_str(c->n, gfp_curves[i].n, 16);
		mpz_set_str(c->g.x, gfp_curves[i].gx, 16);
		mpz_set_str(c->g.y, gfp_curves[i].gy, 16);
	}
	c->g.inf = 0;
	mpz_mod(c->a, c->a, c->p);
	/* a prime field of at most 1024 bits, a prime order, a base point on
	 * the curve (explicit parameters come from the certificate) */
	if (mpz_sizeinbase(c->p, 2) > 1024 || mpz_cmp_ui(c->p, 3) <= 0 || !mpz_odd_p(c->p) ||
	    mpz_cmp_ui(c->n, 1) <= 0 || mpz_sizeinbase(c->n, 2) > 1024 || !on_curve(c, &c->g) ||
	    !mpz_probab_prime_p(c->p, 20) || !mpz_probab_prime_p(c->n, 20))
		return -1;
	return 0;
}

/* SEC 1 §4.1.4 */
static int ecdsa_gfp(const struct sig_check *sc)
{
	struct gfp c;
	struct pt Q, R, T;
	mpz_t r, s, e, w, u1, u2;
	struct cursor cur;
	struct der seq, rd, sd;
	struct span rm, sm;
	size_t flen, nbits, hbits;
	int result = -1;

	mpz_inits(c.p, c.a, c.b, c.n, c.t1, c.t2, c.l, r, s, e, w, u1, u2, NULL);
	c.err = 0;
	pt_init(&c.g);
	pt_init(&Q);
	pt_init(&R);
	pt_init(&T);
	if (curve_from(&c, &sc->key) != 0)
		goto out;
	flen = (mpz_sizeinbase(c.p, 2) + 7) / 8;
	if (point_from(&Q, sc->key.point, flen) != 0 || !on_curve(&c, &Q))
		goto out; /* compressed, or not a point of the curve: not checked */
	result = 0;
	cur_init(&cur, sc->sig.p, sc->sig.n);
	if (der_expect(&cur, DER_SEQUENCE, &seq) != PE_OK || cur_expect_end(&cur) != PE_OK ||
	    der_expect(&seq.val, DER_INTEGER, &rd) != PE_OK ||
	    der_expect(&seq.val, DER_INTEGER, &sd) != PE_OK || cur_expect_end(&seq.val) != PE_OK ||
	    der_uint(&rd, &rm) != PE_OK || der_uint(&sd, &sm) != PE_OK)
		goto out;
	nettle_mpz_set_str_256_u(r, rm.n, rm.p);
	nettle_mpz_set_str_256_u(s, sm.n, sm.p);
	if (mpz_sgn(r) <= 0 || mpz_cmp(r, c.n) >= 0 || mpz_sgn(s) <= 0 || mpz_cmp(s, c.n) >= 0)
		goto out;
	/* e: the digest's leftmost bits, as many as the order has */
	nettle_mpz_set_str_256_u(e, sc->alg.hash->len, sc->digest);
	nbits = mpz_sizeinbase(c.n, 2);
	hbits = 8 * sc->alg.hash->len;
	if (hbits > nbits)
		mpz_fdiv_q_2exp(e, e, hbits - nbits);
	if (!mpz_invert(w, s, c.n))
		goto out;
	mpz_mul(u1, e, w);
	mpz_mod(u1, u1, c.n);
	mpz_mul(u2, r, w);
	mpz_mod(u2, u2, c.n);
	pt_mul(&c, &R, u1, &c.g);
	pt_mul(&c, &T, u2, &Q);
	pt_add(&c, &R, &R, &T);
	if (c.err) {
		result = -1;
		goto out;
	}
	if (R.inf)
		goto out;
	mpz_mod(R.x, R.x, c.n);
	result = mpz_cmp(R.x, r) == 0;
out:
	pt_clear(&T);
	pt_clear(&R);
	pt_clear(&Q);
	pt_clear(&c.g);
	mpz_clears(c.p, c.a, c.b, c.n, c.t1, c.t2, c.l, r, s, e, w, u1, u2, NULL);
	return result;
}

/* Digests wolfCrypt does not have in this build. */
static int digest(struct sig_check *sc)
{
	switch (sc->alg.hash->id) {
	case HASH_SHA512_224: {
		struct sha512_224_ctx ctx;
		sha512_224_init(&ctx);
		sha512_224_update(&ctx, sc->tbs.n, sc->tbs.p);
		sha512_224_digest(&ctx, SHA512_224_DIGEST_SIZE, sc->digest);
		return 0;
	}
	case HASH_SHA512_256: {
		struct sha512_256_ctx ctx;
		sha512_256_init(&ctx);
		sha512_256_update(&ctx, sc->tbs.n, sc->tbs.p);
		sha512_256_digest(&ctx, SHA512_256_DIGEST_SIZE, sc->digest);
		return 0;
	}
	default: return -1;
	}
}

int x509_verify_nettle(struct sig_check *sc)
{
	if (!sc->digest_ok && sc->alg.hash && digest(sc) != 0)
		return -1;
	switch (sc->alg.scheme) {
	case SIG_RSA:
	case SIG_RSA_PSS: return rsa(sc);
	case SIG_DSA: return dsa(sc);
	case SIG_ECDSA: return ecdsa_gfp(sc);
	default: return -1;
	}
}

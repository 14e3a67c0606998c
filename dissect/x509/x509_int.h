/*
 * x509_int.h - what the files of dissect/x509/ share; not a public API
 * (callers include dissect/x509.h).
 *
 *   der.c        DER (and the BER openssl also reads) TLVs on the cursor,
 *                INTEGER / BOOLEAN / BIT STRING / OID / time contents
 *   oid.c        names of OIDs: name attributes, algorithms, curves,
 *                extensions, extended key usages
 *   text.c       bounded UTF-8 text building
 *   name.c       Name: attributes, RFC 4514 text, RFC 5280 §7.1 comparison
 *   cert.c       Certificate (RFC 5280 §4.1) and its extensions
 *   sig.c        hashes and signature checks (wolfCrypt)
 *   sig_nettle.c what Debian's wolfSSL cannot verify (nettle/hogweed)
 *   file.c       certificate files: PEM, DER, PKCS#7 SignedData
 */
#ifndef TLSDIAG_X509_INT_H
#define TLSDIAG_X509_INT_H

#include <stddef.h>
#include <stdint.h>

#include "capture/cursor.h"
#include "capture/xalloc.h"
#include "dissect/x509.h"

/* ---- DER / BER (der.c) ------------------------------------------------------- */

/* Identifier octets of the types a certificate uses (X.690 §8.1.2). */
enum {
	DER_BOOLEAN = 0x01,
	DER_INTEGER = 0x02,
	DER_BIT_STRING = 0x03,
	DER_OCTET_STRING = 0x04,
	DER_NULL = 0x05,
	DER_OID = 0x06,
	DER_UTF8 = 0x0c,
	DER_NUMERIC = 0x12,
	DER_PRINTABLE = 0x13,
	DER_T61 = 0x14,
	DER_IA5 = 0x16,
	DER_UTCTIME = 0x17,
	DER_GENTIME = 0x18,
	DER_VISIBLE = 0x1a,
	DER_UNIVERSAL = 0x1c,
	DER_BMP = 0x1e,
	DER_SEQUENCE = 0x30,
	DER_SET = 0x31,
	DER_CTX0 = 0xa0, /* [n] constructed */
	DER_CTX1 = 0xa1,
	DER_CTX2 = 0xa2,
	DER_CTX3 = 0xa3,
	DER_CTX0_PRIM = 0x80, /* [n] primitive */
	DER_CTX1_PRIM = 0x81,
	DER_CTX2_PRIM = 0x82,
};

/* Nesting of indefinite-length (BER) values one TLV may hold. */
#define DER_MAX_DEPTH 32

struct der {
	uint8_t id;	   /* identifier octet; low 5 bits 0x1f: high tag number */
	uint32_t num;	   /* the tag number, also for low tags */
	int indefinite;	   /* BER indefinite length (then val excludes the 00 00) */
	struct cursor val; /* the contents */
	struct span tlv;   /* identifier, length and contents */
};

/*
 * Read one TLV as openssl's ASN.1 reader accepts it: any tag number,
 * definite lengths in short or long form (leading zero length bytes too),
 * indefinite lengths on constructed values (nested at most DER_MAX_DEPTH).
 * PE_SHORT when the value runs past the cursor.
 */
PE_MUST_USE enum parse_err der_get(struct cursor *c, struct der *d);
/* der_get() and the identifier must be `id` (else PE_MALFORMED). */
PE_MUST_USE enum parse_err der_expect(struct cursor *c, uint8_t id, struct der *d);
/* Is the next identifier octet `id`? */
int der_next_is(const struct cursor *c, uint8_t id);

/* BOOLEAN contents: exactly one byte, any non-zero value is TRUE (BER). */
PE_MUST_USE enum parse_err der_bool(const struct der *d, int *out);
/*
 * INTEGER contents as a long (two's complement). PE_MALFORMED when empty,
 * PE_LIMIT when it does not fit.
 */
PE_MUST_USE enum parse_err der_long(const struct der *d, long *out);
/* A non-negative INTEGER's magnitude without leading zero bytes; PE_MALFORMED
 * when empty or negative. */
PE_MUST_USE enum parse_err der_uint(const struct der *d, struct span *mag);
/* Significant bits of an unsigned big-endian number. */
int span_bits(struct span mag);
/* BIT STRING contents: the bits after the unused-bits byte (0..7). */
PE_MUST_USE enum parse_err der_bits(const struct der *d, struct span *bits, unsigned *unused);
/* A copy of borrowed bytes (never NULL; n may be 0). */
uint8_t *span_dup(struct span s);

#define OID_TEXT_MAX 160
/* Dotted text of an OBJECT IDENTIFIER's contents (arcs of any size). */
PE_MUST_USE enum parse_err oid_text(struct cursor o, char *out, size_t outlen);
/* The OID of `d` (an OBJECT IDENTIFIER TLV) as dotted text. */
PE_MUST_USE enum parse_err der_oid(const struct der *d, char *out, size_t outlen);

/*
 * UTCTime / GeneralizedTime contents as openssl reads them (RFC 5280
 * §4.1.2.5 wants Z and seconds; seconds may be missing, GeneralizedTime
 * may carry a fraction, and either an offset): seconds since the epoch (64
 * bits: before 1970 and after 2038 alike) and "YYYY-MM-DDTHH:MM:SSZ".
 * PE_MALFORMED for anything else (openssl prints "Bad time value").
 */
PE_MUST_USE enum parse_err der_time(const struct der *t, int64_t *out, char str[21]);
void x509_time_str(int64_t t, char out[21]);

/* ---- OID names (oid.c) -------------------------------------------------------- */

enum hash_alg {
	HASH_NONE = 0,
	HASH_MD2,
	HASH_MD4,
	HASH_MD5,
	HASH_SHA1,
	HASH_SHA224,
	HASH_SHA256,
	HASH_SHA384,
	HASH_SHA512,
	HASH_SHA512_224,
	HASH_SHA512_256,
	HASH_SHA3_224,
	HASH_SHA3_256,
	HASH_SHA3_384,
	HASH_SHA3_512,
	HASH_SHAKE256, /* Ed448's */
};

struct hash_def {
	const char *oid, *name;
	enum hash_alg id;
	size_t len;		/* digest bytes */
	int weak;		/* MD2, MD4, MD5, SHA-1 */
	const uint8_t *der_oid; /* contents of the OID, for DigestInfo */
	size_t der_oid_len;
};
const struct hash_def *oid_hash(const char *oid);
const struct hash_def *hash_by_id(enum hash_alg id);

/* How a signature algorithm is checked. */
enum sig_scheme {
	SIG_UNKNOWN = 0, /* named maybe, but not something tlsdiag can check */
	SIG_RSA,	 /* RSASSA-PKCS1-v1_5 */
	SIG_RSA_PSS,	 /* RSASSA-PSS, hash from the parameters */
	SIG_ECDSA,
	SIG_DSA,
	SIG_ED25519,
	SIG_ED448,
};

struct sig_alg_def {
	const char *oid, *name; /* name as `openssl x509 -text` prints it */
	enum sig_scheme scheme;
	enum hash_alg hash;
	enum key_type key; /* the issuer key type that can verify it */
};
const struct sig_alg_def *oid_sig_alg(const char *oid);

struct key_alg_def {
	const char *oid, *name; /* name as `openssl x509 -text` prints it */
	enum key_type type;
};
const struct key_alg_def *oid_key_alg(const char *oid);

struct curve_def {
	const char *oid, *name;
	int bits; /* of the group order, as openssl reports "Public-Key: (N bit)" */
};
const struct curve_def *oid_curve(const char *oid);

/* What cert.c does with an extension's value. */
enum ext_kind {
	EXT_OTHER = 0, /* listed only */
	EXT_SAN,
	EXT_EKU,
	EXT_KU,
	EXT_BC,
	EXT_SKI,
	EXT_AKI,
	EXT_CRLDP,
	EXT_AIA,
	EXT_POLICIES,
};

struct ext_def {
	const char *oid, *name; /* name as `openssl x509 -text` prints it */
	enum ext_kind kind;
	int handled; /* OpenSSL 3 processes it when critical */
};
const struct ext_def *oid_ext(const char *oid);

/* Name attribute short names and extended key usage names, as openssl. */
const char *oid_attr_name(const char *oid);
const char *oid_eku_name(const char *oid);

/* ---- bounded text (text.c) ---------------------------------------------------- */

/* Append, cutting at the buffer's ceiling (long strings are truncated). */
void txt_add(struct dbuf *b, const void *p, size_t n);
void txt_str(struct dbuf *b, const char *s);
void txt_hex(struct dbuf *b, struct span s, int upper);
void txt_utf8(struct dbuf *b, uint32_t cp);
/* The buffer as a new NUL-terminated string; frees the buffer. */
char *txt_take(struct dbuf *b);
/* Bytes as a string of at most X509_STR_MAX bytes; NUL becomes U+FFFD. */
char *span_text(struct span s);
/* Append to a list; PE_LIMIT (and `s` freed) past X509_LIST_MAX. */
PE_MUST_USE enum parse_err sl_push(struct strlist *l, char *s);

/*
 * A string-typed ASN.1 value as Unicode code points, the way openssl's
 * printing reads them: UTF8String as UTF-8, BMPString as UCS-2,
 * UniversalString as UCS-4, the one-byte types as Latin-1.
 * Returns the width (0 UTF-8, 1, 2, 4), or -1 when `tag` is not a string
 * type openssl prints as text or the contents do not decode.
 */
int str_width(uint8_t tag);
int str_to_utf8(uint8_t tag, struct cursor v, struct dbuf *out);
/* The next code point of a string of width w (str_width()); UTF-8 (w 0)
 * is decoded strictly. 0, or -1 at the end or when it does not decode. */
int str_next(int w, struct cursor *c, uint32_t *cp);

/* ---- names (name.c) ----------------------------------------------------------- */

/* Fill `dn` from a Name (SEQUENCE OF SET OF AttributeTypeAndValue). */
PE_MUST_USE enum parse_err name_walk(struct dn *dn, const struct der *name);
void dn_free(struct dn *d);

/* ---- keys and signed parts (cert.c) ------------------------------------------ */

/* A SubjectPublicKeyInfo, as far as it decodes (everything borrowed). */
struct key_info {
	char oid[OID_TEXT_MAX];	       /* algorithm */
	const struct key_alg_def *def; /* NULL: an algorithm tlsdiag does not know */
	enum key_type type;
	int bits;
	int bad;				/* the key or its parameters do not decode */
	const struct curve_def *curve;		/* EC named curve (NULL: unknown or explicit) */
	char curve_oid[OID_TEXT_MAX];		/* EC named curve OID, "" when none */
	struct span curve_der;			/* ... its contents */
	int explicit_curve;			/* EC ECParameters given in full */
	struct span prime, a, b, gx, gy, order; /* ... their values (prime field) */
	long cofactor;
	int params_inherited;	/* DSA without Dss-Parms */
	struct span n, e;	/* RSA */
	struct span point;	/* EC */
	struct span p, q, g, y; /* DSA */
	struct span pub;	/* Ed25519, Ed448, X25519, X448 */
};
/* PE_OK unless the SubjectPublicKeyInfo structure itself is broken (then
 * openssl cannot read the certificate either); a key inside it that does
 * not decode sets k->bad. */
PE_MUST_USE enum parse_err key_walk(const struct der *spki, struct key_info *k);

/* What a signature covers: a certificate's three parts (borrowed). */
struct signed_parts {
	struct span tbs;     /* TBSCertificate TLV */
	struct span tbs_alg; /* its signature AlgorithmIdentifier TLV */
	struct der alg;	     /* signatureAlgorithm */
	struct span sig;     /* signatureValue bits (unused bits 0) */
};
PE_MUST_USE enum parse_err cert_signed_parts(struct span der, struct signed_parts *sp);

/* ---- digests (digest.c) ---------------------------------------------------- */

/* The digest of `s` into out (hash_def len bytes); -1 when the hash is
 * not available. */
int x509_hash(enum hash_alg h, struct span s, uint8_t *out);
/* wolfCrypt's enum wc_HashType for h (WC_HASH_TYPE_NONE when it has none). */
int x509_wc_hash_type(enum hash_alg h);

/* ---- signatures (sig.c, sig_nettle.c) ---------------------------------------- */

/*
 * A signature algorithm with its parameters: how to check it. PE_OK with
 * sa->scheme SIG_UNKNOWN for algorithms tlsdiag does not check; an error
 * when the parameters do not decode (RSASSA-PSS-params).
 */
struct sig_alg {
	char oid[OID_TEXT_MAX];
	const struct sig_alg_def *def; /* NULL: unknown OID */
	enum sig_scheme scheme;
	const struct hash_def *hash;	 /* message digest (PSS: from the parameters) */
	const struct hash_def *mgf_hash; /* PSS MGF1 digest */
	size_t salt_len;		 /* PSS */
};
PE_MUST_USE enum parse_err sig_alg_walk(const struct der *alg, struct sig_alg *sa);

/* One signature to check, with everything borrowed from the two DERs. */
struct sig_check {
	struct sig_alg alg;
	struct span tbs;     /* the signed bytes */
	struct span sig;     /* signatureValue bits */
	uint8_t digest[64];  /* hash of tbs (not for EdDSA) */
	int digest_ok;	     /* digest holds it (wolfCrypt had the hash) */
	struct key_info key; /* the issuer's */
};

/* DigestInfo ::= SEQUENCE { SEQUENCE { OID, NULL }, OCTET STRING } of
 * sc->digest, as RSASSA-PKCS1-v1_5 signs it: bytes written, 0 when it does
 * not fit. */
size_t x509_digest_info(const struct sig_check *sc, uint8_t *out, size_t max);

/*
 * The signatures Debian's wolfSSL (5.5.4) cannot check: RSA moduli over
 * 4096 bits (its SP math stops there), DSA (it takes 20-byte digests
 * only), ECDSA on prime curves it leaves out, digests it lacks (computed
 * here when sc->digest_ok is 0). Returns 1 verified, 0 does not verify, -1
 * cannot be checked.
 */
int x509_verify_nettle(struct sig_check *sc);

#endif

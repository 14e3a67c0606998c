/*
 * x509.c - X.509 certificates (RFC 5280 §4.1) into struct cert_info, and
 * certificate files (PEM, DER, PKCS#7 SignedData of RFC 5652 §5.1).
 *
 *   Certificate ::= SEQUENCE {
 *     tbsCertificate        SEQUENCE {
 *       version         [0] EXPLICIT INTEGER DEFAULT v1,
 *       serialNumber        INTEGER,
 *       signature           AlgorithmIdentifier,   SEQUENCE { OID, ANY }
 *       issuer              Name,                  SEQUENCE OF SET OF
 *                                                  SEQUENCE { OID, ANY }
 *       validity            SEQUENCE { Time, Time },  UTCTime | GeneralizedTime
 *       subject             Name,
 *       subjectPublicKeyInfo SEQUENCE { AlgorithmIdentifier, BIT STRING },
 *       issuerUniqueID  [1] IMPLICIT BIT STRING OPTIONAL,
 *       subjectUniqueID [2] IMPLICIT BIT STRING OPTIONAL,
 *       extensions      [3] EXPLICIT SEQUENCE OF SEQUENCE {
 *                             extnID OID, critical BOOLEAN DEFAULT FALSE,
 *                             extnValue OCTET STRING } OPTIONAL },
 *     signatureAlgorithm    AlgorithmIdentifier,
 *     signatureValue        BIT STRING }
 *
 * Each certificate goes through two parsers:
 * 1. wolfSSL (wc_ParseCert, no signature check) decides whether it parses
 *    at all and gives version, basic constraints, key usage and the key
 *    identifiers. Only this file includes wolfSSL's certificate internals.
 * 2. A DER walk through capture/cursor.h gives what must match openssl
 *    exactly or what wolfSSL keeps only in part: the names (every attribute
 *    in order, and the RFC 4514 string as `openssl x509 -nameopt RFC2253`
 *    prints it), serial, validity, key, signature algorithm, and the list
 *    extensions (wolfSSL keeps one URI of CRL DP and of each AIA method, no
 *    policy OIDs in this build, and SAN addresses uncompressed).
 * A certificate that either rejects keeps its DER and fingerprints and
 * nothing else (parse_ok 0, parse_error saying who rejected what).
 */
#include "dissect/x509.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/sha.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "capture/cursor.h"
#include "capture/xalloc.h"

/* ---- DER TLVs ------------------------------------------------------------ */

enum {
	DER_BOOLEAN = 0x01,
	DER_INTEGER = 0x02,
	DER_BIT_STRING = 0x03,
	DER_OCTET_STRING = 0x04,
	DER_OID = 0x06,
	DER_UTCTIME = 0x17,
	DER_GENTIME = 0x18,
	DER_SEQUENCE = 0x30,
	DER_SET = 0x31,
	DER_CTX0 = 0xa0, /* [0] constructed */
	DER_CTX1_PRIM = 0x81,
	DER_CTX2_PRIM = 0x82,
	DER_CTX3 = 0xa3,
};

/* GeneralName choices we keep (RFC 5280 §4.2.1.6, IMPLICIT tags). */
enum { GN_EMAIL = 0x81, GN_DNS = 0x82, GN_URI = 0x86, GN_IP = 0x87 };

struct der {
	uint8_t tag;
	struct cursor val; /* the contents */
	struct span tlv;   /* tag, length and contents */
};

/* Read one TLV (definite length, low tag numbers: all X.509 needs). */
PE_MUST_USE static enum parse_err der_get(struct cursor *c, struct der *d)
{
	struct span start = cur_rest(c);
	uint8_t tag, b;
	size_t len = 0;

	TRY(cur_u8(c, &tag));
	if ((tag & 0x1f) == 0x1f)
		return PE_UNSUPPORTED; /* high tag number form */
	TRY(cur_u8(c, &b));
	if (b == 0x80)
		return PE_UNSUPPORTED; /* indefinite length: BER, not DER */
	if (b & 0x80) {
		unsigned nb = b & 0x7fu;
		if (nb > 4)
			return PE_LIMIT;
		while (nb--) {
			TRY(cur_u8(c, &b));
			len = len << 8 | b;
		}
	} else {
		len = b;
	}
	TRY(cur_sub(c, len, &d->val));
	d->tag = tag;
	d->tlv.p = start.p;
	d->tlv.n = start.n - cur_left(c);
	return PE_OK;
}

PE_MUST_USE static enum parse_err der_expect(struct cursor *c, uint8_t tag, struct der *d)
{
	TRY(der_get(c, d));
	return d->tag == tag ? PE_OK : PE_MALFORMED;
}

static int der_next_is(const struct cursor *c, uint8_t tag)
{
	uint8_t t;
	return cur_peek_u8(c, 0, &t) == PE_OK && t == tag;
}

/* Is the OID (contents of an OBJECT IDENTIFIER) exactly these bytes? */
static int oid_is(const struct cursor *oid, const uint8_t *want, size_t n)
{
	struct span want_s = { want, n };
	return span_eq(cur_rest(oid), want_s);
}

/* A copy of borrowed bytes (never NULL; n may be 0). */
static uint8_t *span_dup(struct span s)
{
	struct cursor c;
	uint8_t *p = xcalloc(s.n ? s.n : 1, 1);
	enum parse_err e;

	cur_init(&c, s.p, s.n);
	e = cur_copy(&c, p, cur_left(&c));
	assert(e == PE_OK);
	(void)e;
	return p;
}

/* ---- bounded text ------------------------------------------------------------ */

/* Append, cutting at the buffer's ceiling (long strings are truncated). */
static void txt_add(struct dbuf *b, const void *p, size_t n)
{
	size_t room = b->max - b->len;
	if (n > room)
		n = room;
	if (n)
		(void)dbuf_add(b, p, n);
}

static void txt_str(struct dbuf *b, const char *s)
{
	txt_add(b, s, strlen(s));
}

static void txt_hex(struct dbuf *b, struct span s, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	struct cursor c;
	uint8_t v;

	cur_init(&c, s.p, s.n);
	while (cur_u8(&c, &v) == PE_OK) {
		char two[2] = { digits[v >> 4], digits[v & 15] };
		txt_add(b, two, 2);
	}
}

static char *txt_take(struct dbuf *b)
{
	char *s = xstrndup(b->p ? (const char *)b->p : "", b->len);
	dbuf_free(b);
	return s;
}

/* Bytes as a string; an embedded NUL becomes U+FFFD so that a name like
 * "good.example\0.evil" can never compare equal to "good.example". */
static char *span_text(struct span s)
{
	struct dbuf b;
	struct cursor c;
	uint8_t v;

	dbuf_init(&b, X509_STR_MAX);
	cur_init(&c, s.p, s.n);
	while (cur_u8(&c, &v) == PE_OK) {
		if (v == 0)
			txt_str(&b, "\xef\xbf\xbd");
		else
			txt_add(&b, &v, 1);
	}
	return txt_take(&b);
}

static void utf8_put(struct dbuf *b, uint32_t cp)
{
	uint8_t u[4];
	size_t n;

	if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd; /* a lone surrogate is not a character */
	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xc0 | cp >> 6);
		u[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xe0 | cp >> 12);
		u[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else if (cp < 0x110000) {
		u[0] = (uint8_t)(0xf0 | cp >> 18);
		u[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	} else {
		utf8_put(b, 0xfffd);
		return;
	}
	txt_add(b, u, n);
}

PE_MUST_USE static enum parse_err sl_push(struct strlist *l, char *s)
{
	if (l->n >= X509_LIST_MAX) {
		free(s);
		return PE_LIMIT;
	}
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = s;
	return PE_OK;
}

/* ---- object identifiers ------------------------------------------------------ */

#define OID_TEXT_MAX 160

/*
 * Dotted text of an OID's contents. Arcs can be longer than 64 bits
 * (2.25.<UUID>), so each is accumulated in base-10^9 limbs.
 */
PE_MUST_USE static enum parse_err oid_text(struct cursor o, char *out, size_t outlen)
{
	size_t pos = 0;
	int first = 1;

	if (cur_left(&o) == 0)
		return PE_MALFORMED;
	while (cur_left(&o)) {
		uint32_t limb[8] = { 0 };
		size_t nl = 1, i;
		uint8_t b;
		int start = 1, w;

		do {
			uint64_t carry;
			TRY(cur_u8(&o, &b));
			if (start && b == 0x80)
				return PE_MALFORMED; /* not the shortest encoding */
			start = 0;
			carry = b & 0x7fu;
			for (i = 0; i < nl; i++) {
				uint64_t v = (uint64_t)limb[i] * 128 + carry;
				limb[i] = (uint32_t)(v % 1000000000u);
				carry = v / 1000000000u;
			}
			if (carry) {
				if (nl == 8)
					return PE_LIMIT;
				limb[nl++] = (uint32_t)carry;
			}
		} while (b & 0x80);

		if (first) {
			/* The first subidentifier is 40 * arc1 + arc2 (X.690 §8.19.4). */
			uint64_t v, arc1;
			if (nl > 2)
				return PE_UNSUPPORTED;
			v = limb[0] + (nl == 2 ? (uint64_t)limb[1] * 1000000000u : 0);
			arc1 = v < 40 ? 0 : v < 80 ? 1 : 2;
			w = snprintf(out + pos, outlen - pos, "%u.%llu", (unsigned)arc1,
				     (unsigned long long)(v - 40 * arc1));
			first = 0;
		} else {
			char arc[8 * 9 + 1];
			int k = snprintf(arc, sizeof arc, "%u", limb[nl - 1]);
			for (i = nl - 1; i-- > 0 && k > 0 && (size_t)k < sizeof arc;)
				k += snprintf(arc + k, sizeof arc - (size_t)k, "%09u", limb[i]);
			w = snprintf(out + pos, outlen - pos, ".%s", arc);
		}
		if (w < 0 || (size_t)w >= outlen - pos)
			return PE_LIMIT;
		pos += (size_t)w;
	}
	return PE_OK;
}

struct oid_name {
	const char *oid, *name;
};

static const char *oid_lookup(const struct oid_name *t, size_t n, const char *oid)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].oid, oid) == 0)
			return t[i].name;
	return NULL;
}

/*
 * Name attribute types openssl 3.0 knows, with the short names its
 * -nameopt RFC2253 prints (`openssl list -objects`). An OID not here is
 * printed the way openssl prints one it does not know: dotted, with the
 * value's DER in hex.
 */
static const struct oid_name dn_names[] = {
	{ "2.5.4.3", "CN" },
	{ "2.5.4.4", "SN" },
	{ "2.5.4.5", "serialNumber" },
	{ "2.5.4.6", "C" },
	{ "2.5.4.7", "L" },
	{ "2.5.4.8", "ST" },
	{ "2.5.4.9", "street" },
	{ "2.5.4.10", "O" },
	{ "2.5.4.11", "OU" },
	{ "2.5.4.12", "title" },
	{ "2.5.4.13", "description" },
	{ "2.5.4.14", "searchGuide" },
	{ "2.5.4.15", "businessCategory" },
	{ "2.5.4.16", "postalAddress" },
	{ "2.5.4.17", "postalCode" },
	{ "2.5.4.18", "postOfficeBox" },
	{ "2.5.4.19", "physicalDeliveryOfficeName" },
	{ "2.5.4.20", "telephoneNumber" },
	{ "2.5.4.21", "telexNumber" },
	{ "2.5.4.22", "teletexTerminalIdentifier" },
	{ "2.5.4.23", "facsimileTelephoneNumber" },
	{ "2.5.4.24", "x121Address" },
	{ "2.5.4.25", "internationaliSDNNumber" },
	{ "2.5.4.26", "registeredAddress" },
	{ "2.5.4.27", "destinationIndicator" },
	{ "2.5.4.28", "preferredDeliveryMethod" },
	{ "2.5.4.29", "presentationAddress" },
	{ "2.5.4.30", "supportedApplicationContext" },
	{ "2.5.4.31", "member" },
	{ "2.5.4.32", "owner" },
	{ "2.5.4.33", "roleOccupant" },
	{ "2.5.4.34", "seeAlso" },
	{ "2.5.4.35", "userPassword" },
	{ "2.5.4.36", "userCertificate" },
	{ "2.5.4.37", "cACertificate" },
	{ "2.5.4.38", "authorityRevocationList" },
	{ "2.5.4.39", "certificateRevocationList" },
	{ "2.5.4.40", "crossCertificatePair" },
	{ "2.5.4.41", "name" },
	{ "2.5.4.42", "GN" },
	{ "2.5.4.43", "initials" },
	{ "2.5.4.44", "generationQualifier" },
	{ "2.5.4.45", "x500UniqueIdentifier" },
	{ "2.5.4.46", "dnQualifier" },
	{ "2.5.4.47", "enhancedSearchGuide" },
	{ "2.5.4.48", "protocolInformation" },
	{ "2.5.4.49", "distinguishedName" },
	{ "2.5.4.50", "uniqueMember" },
	{ "2.5.4.51", "houseIdentifier" },
	{ "2.5.4.52", "supportedAlgorithms" },
	{ "2.5.4.53", "deltaRevocationList" },
	{ "2.5.4.54", "dmdName" },
	{ "2.5.4.65", "pseudonym" },
	{ "2.5.4.72", "role" },
	{ "2.5.4.97", "organizationIdentifier" },
	{ "2.5.4.98", "c3" },
	{ "2.5.4.99", "n3" },
	{ "2.5.4.100", "dnsName" },
	{ "1.2.840.113549.1.9.1", "emailAddress" },
	{ "1.2.840.113549.1.9.2", "unstructuredName" },
	{ "1.2.840.113549.1.9.3", "contentType" },
	{ "1.2.840.113549.1.9.4", "messageDigest" },
	{ "1.2.840.113549.1.9.5", "signingTime" },
	{ "1.2.840.113549.1.9.6", "countersignature" },
	{ "1.2.840.113549.1.9.7", "challengePassword" },
	{ "1.2.840.113549.1.9.8", "unstructuredAddress" },
	{ "1.2.840.113549.1.9.9", "extendedCertificateAttributes" },
	{ "1.2.840.113549.1.9.14", "extReq" },
	{ "1.2.840.113549.1.9.15", "SMIME-CAPS" },
	{ "1.2.840.113549.1.9.16", "SMIME" },
	{ "1.2.840.113549.1.9.20", "friendlyName" },
	{ "1.2.840.113549.1.9.21", "localKeyID" },
	{ "1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL" },
	{ "1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST" },
	{ "1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC" },
	{ "0.9.2342.19200300.100.1.1", "UID" },
	{ "0.9.2342.19200300.100.1.2", "textEncodedORAddress" },
	{ "0.9.2342.19200300.100.1.3", "mail" },
	{ "0.9.2342.19200300.100.1.4", "info" },
	{ "0.9.2342.19200300.100.1.5", "favouriteDrink" },
	{ "0.9.2342.19200300.100.1.6", "roomNumber" },
	{ "0.9.2342.19200300.100.1.7", "photo" },
	{ "0.9.2342.19200300.100.1.8", "userClass" },
	{ "0.9.2342.19200300.100.1.9", "host" },
	{ "0.9.2342.19200300.100.1.10", "manager" },
	{ "0.9.2342.19200300.100.1.11", "documentIdentifier" },
	{ "0.9.2342.19200300.100.1.12", "documentTitle" },
	{ "0.9.2342.19200300.100.1.13", "documentVersion" },
	{ "0.9.2342.19200300.100.1.14", "documentAuthor" },
	{ "0.9.2342.19200300.100.1.15", "documentLocation" },
	{ "0.9.2342.19200300.100.1.20", "homeTelephoneNumber" },
	{ "0.9.2342.19200300.100.1.21", "secretary" },
	{ "0.9.2342.19200300.100.1.22", "otherMailbox" },
	{ "0.9.2342.19200300.100.1.23", "lastModifiedTime" },
	{ "0.9.2342.19200300.100.1.24", "lastModifiedBy" },
	{ "0.9.2342.19200300.100.1.25", "DC" },
	{ "0.9.2342.19200300.100.1.26", "aRecord" },
	{ "0.9.2342.19200300.100.1.27", "pilotAttributeType27" },
	{ "0.9.2342.19200300.100.1.28", "mXRecord" },
	{ "0.9.2342.19200300.100.1.29", "nSRecord" },
	{ "0.9.2342.19200300.100.1.30", "sOARecord" },
	{ "0.9.2342.19200300.100.1.31", "cNAMERecord" },
	{ "0.9.2342.19200300.100.1.37", "associatedDomain" },
	{ "0.9.2342.19200300.100.1.38", "associatedName" },
	{ "0.9.2342.19200300.100.1.39", "homePostalAddress" },
	{ "0.9.2342.19200300.100.1.40", "personalTitle" },
	{ "0.9.2342.19200300.100.1.41", "mobileTelephoneNumber" },
	{ "0.9.2342.19200300.100.1.42", "pagerTelephoneNumber" },
	{ "0.9.2342.19200300.100.1.43", "friendlyCountryName" },
	{ "0.9.2342.19200300.100.1.44", "uid" },
	{ "0.9.2342.19200300.100.1.45", "organizationalStatus" },
	{ "0.9.2342.19200300.100.1.46", "janetMailbox" },
	{ "0.9.2342.19200300.100.1.47", "mailPreferenceOption" },
	{ "0.9.2342.19200300.100.1.48", "buildingName" },
	{ "0.9.2342.19200300.100.1.49", "dSAQuality" },
	{ "0.9.2342.19200300.100.1.50", "singleLevelQuality" },
	{ "0.9.2342.19200300.100.1.51", "subtreeMinimumQuality" },
	{ "0.9.2342.19200300.100.1.52", "subtreeMaximumQuality" },
	{ "0.9.2342.19200300.100.1.53", "personalSignature" },
	{ "0.9.2342.19200300.100.1.54", "dITRedirect" },
	{ "0.9.2342.19200300.100.1.55", "audio" },
	{ "0.9.2342.19200300.100.1.56", "documentPublisher" },
};

/* Extended key usages, by openssl's short names. */
static const struct oid_name eku_names[] = {
	{ OID_EKU_SERVER_AUTH, "serverAuth" },
	{ OID_EKU_CLIENT_AUTH, "clientAuth" },
	{ "1.3.6.1.5.5.7.3.3", "codeSigning" },
	{ "1.3.6.1.5.5.7.3.4", "emailProtection" },
	{ "1.3.6.1.5.5.7.3.5", "ipsecEndSystem" },
	{ "1.3.6.1.5.5.7.3.6", "ipsecTunnel" },
	{ "1.3.6.1.5.5.7.3.7", "ipsecUser" },
	{ "1.3.6.1.5.5.7.3.8", "timeStamping" },
	{ "1.3.6.1.5.5.7.3.9", "OCSPSigning" },
	{ "1.3.6.1.5.5.7.3.17", "ipsecIKE" },
	{ "1.3.6.1.5.5.7.3.21", "secureShellClient" },
	{ "1.3.6.1.5.5.7.3.22", "secureShellServer" },
	{ OID_EKU_ANY, "anyExtendedKeyUsage" },
	{ "1.3.6.1.4.1.311.10.3.3", "msSGC" },
	{ "1.3.6.1.4.1.311.10.3.4", "msEFS" },
	{ "1.3.6.1.4.1.311.20.2.2", "msSmartcardLogin" },
	{ "2.16.840.1.113730.4.1", "nsSGC" },
	{ "1.3.6.1.5.2.3.4", "pkInitClientAuth" },
	{ "1.3.6.1.5.2.3.5", "pkInitKDC" },
};

/* Signature algorithms, by the names `openssl x509 -text` prints. */
static const struct sig_alg {
	const char *oid, *name;
	enum key_type key; /* the issuer key type that can verify it */
	int weak;          /* MD2/MD4/MD5/SHA-1 digest */
} sig_algs[] = {
	{ "1.2.840.113549.1.1.2", "md2WithRSAEncryption", KEY_RSA, 1 },
	{ "1.2.840.113549.1.1.3", "md4WithRSAEncryption", KEY_RSA, 1 },
	{ "1.2.840.113549.1.1.4", "md5WithRSAEncryption", KEY_RSA, 1 },
	{ "1.2.840.113549.1.1.5", "sha1WithRSAEncryption", KEY_RSA, 1 },
	{ "1.3.14.3.2.29", "sha1WithRSA", KEY_RSA, 1 },
	{ "1.2.840.113549.1.1.10", "rsassaPss", KEY_RSA, 0 }, /* weak: see the hash */
	{ "1.2.840.113549.1.1.11", "sha256WithRSAEncryption", KEY_RSA, 0 },
	{ "1.2.840.113549.1.1.12", "sha384WithRSAEncryption", KEY_RSA, 0 },
	{ "1.2.840.113549.1.1.13", "sha512WithRSAEncryption", KEY_RSA, 0 },
	{ "1.2.840.113549.1.1.14", "sha224WithRSAEncryption", KEY_RSA, 0 },
	{ "2.16.840.1.101.3.4.3.13", "RSA-SHA3-224", KEY_RSA, 0 },
	{ "2.16.840.1.101.3.4.3.14", "RSA-SHA3-256", KEY_RSA, 0 },
	{ "2.16.840.1.101.3.4.3.15", "RSA-SHA3-384", KEY_RSA, 0 },
	{ "2.16.840.1.101.3.4.3.16", "RSA-SHA3-512", KEY_RSA, 0 },
	{ "1.2.840.10045.4.1", "ecdsa-with-SHA1", KEY_EC, 1 },
	{ "1.2.840.10045.4.3.1", "ecdsa-with-SHA224", KEY_EC, 0 },
	{ "1.2.840.10045.4.3.2", "ecdsa-with-SHA256", KEY_EC, 0 },
	{ "1.2.840.10045.4.3.3", "ecdsa-with-SHA384", KEY_EC, 0 },
	{ "1.2.840.10045.4.3.4", "ecdsa-with-SHA512", KEY_EC, 0 },
	{ "2.16.840.1.101.3.4.3.9", "ecdsa_with_SHA3-224", KEY_EC, 0 },
	{ "2.16.840.1.101.3.4.3.10", "ecdsa_with_SHA3-256", KEY_EC, 0 },
	{ "2.16.840.1.101.3.4.3.11", "ecdsa_with_SHA3-384", KEY_EC, 0 },
	{ "2.16.840.1.101.3.4.3.12", "ecdsa_with_SHA3-512", KEY_EC, 0 },
	{ "1.3.101.112", "ED25519", KEY_ED25519, 0 },
	{ "1.3.101.113", "ED448", KEY_ED448, 0 },
	{ "1.2.840.10040.4.3", "dsaWithSHA1", KEY_DSA, 1 },
	{ "2.16.840.1.101.3.4.3.1", "dsa_with_SHA224", KEY_DSA, 0 },
	{ "2.16.840.1.101.3.4.3.2", "dsa_with_SHA256", KEY_DSA, 0 },
};

static const struct sig_alg *sig_alg_find(const char *oid)
{
	for (size_t i = 0; i < sizeof(sig_algs) / sizeof(sig_algs[0]); i++)
		if (strcmp(sig_algs[i].oid, oid) == 0)
			return &sig_algs[i];
	return NULL;
}

/* Named curves, with the bits openssl reports ("Public-Key: (N bit)"). */
static const struct curve {
	const char *oid, *name;
	int bits;
} curves[] = {
	{ "1.2.840.10045.3.1.7", "prime256v1", 256 },
	{ "1.3.132.0.34", "secp384r1", 384 },
	{ "1.3.132.0.35", "secp521r1", 521 },
	{ "1.3.132.0.10", "secp256k1", 256 },
	{ "1.3.132.0.33", "secp224r1", 224 },
	{ "1.2.840.10045.3.1.1", "prime192v1", 192 },
	{ "1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1", 256 },
	{ "1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1", 384 },
	{ "1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1", 512 },
	{ "1.2.156.10197.1.301", "SM2", 256 },
};

/* DER contents of the OIDs the walk acts on. */
static const uint8_t OID_SAN[] = { 0x55, 0x1d, 0x11 };
static const uint8_t OID_EKU[] = { 0x55, 0x1d, 0x25 };
static const uint8_t OID_CRLDP[] = { 0x55, 0x1d, 0x1f };
static const uint8_t OID_POLICIES[] = { 0x55, 0x1d, 0x20 };
static const uint8_t OID_AIA[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01 };
static const uint8_t OID_AD_OCSP[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01 };
static const uint8_t OID_AD_CAISSUERS[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02 };
static const uint8_t OID_RSA[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const uint8_t OID_RSA_PSS[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a };
static const uint8_t OID_EC[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const uint8_t OID_DSA[] = { 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01 };
static const uint8_t OID_ED25519[] = { 0x2b, 0x65, 0x70 };
static const uint8_t OID_ED448[] = { 0x2b, 0x65, 0x71 };
static const uint8_t OID_SHA1[] = { 0x2b, 0x0e, 0x03, 0x02, 0x1a };
static const uint8_t OID_MD5[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05 };
static const uint8_t OID_P7_SIGNED[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02 };

/* ---- names ------------------------------------------------------------------- */

/*
 * How many bytes per character the string types openssl prints as text
 * have (a_strex.c's tag2nbyte): 0 UTF-8, 1 one byte (read as Latin-1),
 * 2 BMPString, 4 UniversalString; -1 not a string.
 */
static int string_width(uint8_t tag)
{
	switch (tag) {
	case 0x0c:
		return 0;
	case 0x12: case 0x13: case 0x14: case 0x15: case 0x16:
	case 0x17: case 0x18: case 0x19: case 0x1a: case 0x1b:
		return 1;
	case 0x1c:
		return 4;
	case 0x1e:
		return 2;
	default:
		return -1;
	}
}

/* A directory string as UTF-8; -1 if it is not a string openssl prints. */
static int dir_string_utf8(const struct der *v, struct dbuf *out)
{
	int w = string_width(v->tag);
	struct cursor c = v->val;

	if (w < 0 || (w > 1 && cur_left(&c) % (size_t)w))
		return -1;
	while (cur_left(&c)) {
		uint8_t b;
		uint16_t u16;
		uint32_t cp;

		if (w == 0) {
			if (cur_u8(&c, &b) != PE_OK)
				return -1;
			txt_add(out, &b, 1);
			continue;
		}
		if (w == 1) {
			if (cur_u8(&c, &b) != PE_OK)
				return -1;
			cp = b;
		} else if (w == 2) {
			if (cur_u16(&c, &u16) != PE_OK)
				return -1;
			cp = u16;
		} else if (cur_u32(&c, &cp) != PE_OK) {
			return -1;
		}
		utf8_put(out, cp);
	}
	return 0;
}

/*
 * RFC 4514 §2.4 escaping as openssl's ASN1_STRFLGS_RFC2253 does it: the
 * specials ,+"\<>; always; '#' first and ' ' first or last (in a one-byte
 * value only "last" applies, as in openssl); control bytes and every byte
 * over 0x7e as \XX.
 */
static void rfc4514_escape(struct dbuf *out, struct span utf8)
{
	struct cursor c;
	size_t i = 0, n = utf8.n;
	uint8_t v;

	cur_init(&c, utf8.p, utf8.n);
	while (cur_u8(&c, &v) == PE_OK) {
		int first = i == 0 && n > 1, last = i == n - 1;
		char esc[4];

		i++;
		if (v != 0 && strchr(",+\"\\<>;", v) != NULL) {
			esc[0] = '\\';
			esc[1] = (char)v;
			txt_add(out, esc, 2);
		} else if ((v == '#' && first) || (v == ' ' && (first || last))) {
			esc[0] = '\\';
			esc[1] = (char)v;
			txt_add(out, esc, 2);
		} else if (v < 0x20 || v == 0x7f) {
			/* RFC 4514 lets UTF-8 stand as it is ("OU=Zürich Lab", not
			 * openssl's default "Z\\C3\\BCrich"); only controls are
			 * escaped here, and views sanitise again. */
			snprintf(esc, sizeof esc, "\\%02X", v);
			txt_add(out, esc, 3);
		} else {
			txt_add(out, &v, 1);
		}
	}
}

static void dn_free(struct dn *d)
{
	for (size_t i = 0; i < d->nattrs; i++) {
		free(d->attrs[i].oid);
		free(d->attrs[i].name);
		free(d->attrs[i].value);
	}
	free(d->attrs);
	free(d->rfc4514);
	free(d->der);
	memset(d, 0, sizeof(*d));
}

PE_MUST_USE static enum parse_err walk_name(struct dn *dn, const struct der *name)
{
	struct cursor rdns = name->val;
	char **shown = NULL; /* "type=value" as RFC 4514 prints each attribute */
	size_t *rdn_of = NULL, nrdn = 0, i;
	enum parse_err e = PE_OK;
	struct dbuf s;

	dn->der = span_dup(name->tlv);
	dn->der_len = name->tlv.n;
	while (cur_left(&rdns)) {
		struct der rdn;

		if ((e = der_expect(&rdns, DER_SET, &rdn)) != PE_OK)
			goto out;
		while (cur_left(&rdn.val)) {
			struct der atv, oid, val;
			char oidbuf[OID_TEXT_MAX];
			const char *sn;
			struct dbuf u, r;
			int text;
			struct dn_attr *a;

			if (dn->nattrs == X509_LIST_MAX) {
				e = PE_LIMIT;
				goto out;
			}
			if ((e = der_expect(&rdn.val, DER_SEQUENCE, &atv)) != PE_OK ||
			    (e = der_expect(&atv.val, DER_OID, &oid)) != PE_OK ||
			    (e = der_get(&atv.val, &val)) != PE_OK ||
			    (e = cur_expect_end(&atv.val)) != PE_OK ||
			    (e = oid_text(oid.val, oidbuf, sizeof oidbuf)) != PE_OK)
				goto out;
			sn = oid_lookup(dn_names, sizeof(dn_names) / sizeof(dn_names[0]), oidbuf);

			dbuf_init(&u, X509_STR_MAX);
			text = dir_string_utf8(&val, &u) == 0;
			dbuf_init(&r, X509_DN_STR_MAX);
			txt_str(&r, sn ? sn : oidbuf);
			txt_add(&r, "=", 1);
			if (sn && text) {
				struct span us = { u.p, u.len };
				rfc4514_escape(&r, us);
			} else {
				/* openssl dumps unknown types and values as #<DER hex> */
				txt_add(&r, "#", 1);
				txt_hex(&r, val.tlv, 1);
			}

			dn->attrs = xreallocarray(dn->attrs, dn->nattrs + 1, sizeof(*dn->attrs));
			shown = xreallocarray(shown, dn->nattrs + 1, sizeof(*shown));
			rdn_of = xreallocarray(rdn_of, dn->nattrs + 1, sizeof(*rdn_of));
			a = &dn->attrs[dn->nattrs];
			a->oid = xstrdup(oidbuf);
			a->name = sn ? xstrdup(sn) : NULL;
			if (text) {
				struct span us = { u.p, u.len };
				a->value = span_text(us);
			} else {
				struct dbuf h;
				dbuf_init(&h, X509_STR_MAX);
				txt_add(&h, "#", 1);
				txt_hex(&h, val.tlv, 1);
				a->value = txt_take(&h);
			}
			dbuf_free(&u);
			shown[dn->nattrs] = txt_take(&r);
			rdn_of[dn->nattrs] = nrdn;
			dn->nattrs++;
		}
		nrdn++;
	}

	/* Most significant last; openssl reverses attribute by attribute, so
	 * a multi-valued RDN comes out in reverse too ("UID=u1+OU=sales"). */
	dbuf_init(&s, X509_DN_STR_MAX);
	for (i = dn->nattrs; i-- > 0;) {
		if (i + 1 < dn->nattrs)
			txt_add(&s, rdn_of[i] == rdn_of[i + 1] ? "+" : ",", 1);
		txt_str(&s, shown[i]);
	}
	dn->rfc4514 = txt_take(&s);
out:
	for (i = 0; shown && i < dn->nattrs; i++)
		free(shown[i]);
	free(shown);
	free(rdn_of);
	return e;
}

/* ---- time -------------------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). Counting years
 * from March puts the leap day at the end of the year. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t yy = y - (m <= 2);
	unsigned mar = (m + 9) % 12; /* March = 0 */
	int64_t days = yy * 365 + floor_div(yy, 4) - floor_div(yy, 100) + floor_div(yy, 400);
	return days + (153 * mar + 2) / 5 + d - 1 - 719468; /* 0000-03-01 .. 1970-01-01 */
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	return (unsigned)(days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
			  days_from_civil(y, m, 1));
}

static void time_str(time_t t, char out[21])
{
	int64_t days = floor_div((int64_t)t, 86400), secs = (int64_t)t - days * 86400;
	int64_t y = 1970 + floor_div(days, 366);
	unsigned m = 1;

	while (days_from_civil(y, 1, 1) > days)
		y--;
	while (days_from_civil(y + 1, 1, 1) <= days)
		y++;
	while (m < 12 && days_from_civil(y, m + 1, 1) <= days)
		m++;
	snprintf(out, 21, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m,
		 (unsigned)(days - days_from_civil(y, m, 1) + 1), (unsigned)(secs / 3600),
		 (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
}

PE_MUST_USE static enum parse_err digits(struct cursor *c, unsigned n, unsigned *out)
{
	uint8_t v;
	*out = 0;
	while (n--) {
		TRY(cur_u8(c, &v));
		if (v < '0' || v > '9')
			return PE_MALFORMED;
		*out = *out * 10 + (unsigned)(v - '0');
	}
	return PE_OK;
}

/*
 * UTCTime YYMMDDHHMM[SS] or GeneralizedTime YYYYMMDDHHMMSS[.f*], then Z or
 * +-hhmm (RFC 5280 §4.1.2.5 wants Z and seconds; older BER certificates
 * have the rest). UTCTime years 50..99 are 19xx.
 */
PE_MUST_USE static enum parse_err walk_time(const struct der *t, time_t *out, char str[21])
{
	struct cursor c = t->val;
	unsigned y, mo, d, h, mi, s = 0, oh, om;
	int64_t year, v;
	uint8_t z;

	if (t->tag == DER_UTCTIME) {
		TRY(digits(&c, 2, &y));
		year = y < 50 ? 2000 + y : 1900 + y;
	} else if (t->tag == DER_GENTIME) {
		TRY(digits(&c, 4, &y));
		year = y;
	} else {
		return PE_MALFORMED;
	}
	TRY(digits(&c, 2, &mo));
	TRY(digits(&c, 2, &d));
	TRY(digits(&c, 2, &h));
	TRY(digits(&c, 2, &mi));
	TRY(cur_peek_u8(&c, 0, &z));
	if (z >= '0' && z <= '9')
		TRY(digits(&c, 2, &s));
	else if (t->tag == DER_GENTIME)
		return PE_MALFORMED;
	if (t->tag == DER_GENTIME && cur_peek_u8(&c, 0, &z) == PE_OK && z == '.') {
		TRY(cur_u8(&c, &z));
		while (cur_peek_u8(&c, 0, &z) == PE_OK && z >= '0' && z <= '9')
			TRY(cur_u8(&c, &z));
	}
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(year, mo) || h > 23 || mi > 59 ||
	    s > 59)
		return PE_MALFORMED;
	v = days_from_civil(year, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	TRY(cur_u8(&c, &z));
	if (z == '+' || z == '-') {
		TRY(digits(&c, 2, &oh));
		TRY(digits(&c, 2, &om));
		if (oh > 23 || om > 59)
			return PE_MALFORMED;
		v += (z == '+' ? -1 : 1) * (int64_t)(oh * 3600 + om * 60);
	} else if (z != 'Z') {
		return PE_MALFORMED; /* local time: no way to know the zone */
	}
	TRY(cur_expect_end(&c));
	*out = (time_t)v;
	time_str(*out, str);
	return PE_OK;
}

/* ---- the pieces of a certificate --------------------------------------------- */

/* openssl -serial: the magnitude in hex (no sign-padding 00), "-" if
 * negative (invalid per RFC 5280, but it occurs). */
static char *serial_text(struct cursor v)
{
	struct dbuf b;
	uint8_t first, *mag;
	size_t n = cur_left(&v), i;
	struct span s;

	dbuf_init(&b, X509_STR_MAX);
	if (n == 0 || cur_peek_u8(&v, 0, &first) != PE_OK)
		return txt_take(&b);
	if (n > X509_STR_MAX / 2 - 1)
		n = X509_STR_MAX / 2 - 1;
	mag = xcalloc(n, 1);
	if (cur_copy(&v, mag, n) != PE_OK)
		n = 0;
	if (first & 0x80) {
		/* two's complement: magnitude = ~x + 1 */
		unsigned carry = 1;
		for (i = n; i-- > 0;) {
			unsigned x = (unsigned)(uint8_t)~mag[i] + carry;
			mag[i] = (uint8_t)x;
			carry = x >> 8;
		}
		txt_add(&b, "-", 1);
	}
	i = 0;
	while (i + 1 < n && mag[i] == 0)
		i++;
	s.p = mag + i;
	s.n = n - i;
	txt_hex(&b, s, 0);
	free(mag);
	return txt_take(&b);
}

/* Number of significant bits of an unsigned big-endian INTEGER. */
static int integer_bits(struct cursor v)
{
	uint8_t b = 0;
	while (cur_peek_u8(&v, 0, &b) == PE_OK && b == 0)
		if (cur_skip(&v, 1) != PE_OK)
			return 0;
	if (cur_left(&v) == 0 || cur_left(&v) > (1u << 20))
		return 0; /* b is now the first significant byte */
	int bits = (int)(cur_left(&v) - 1) * 8;
	while (b) {
		bits++;
		b >>= 1;
	}
	return bits;
}

PE_MUST_USE static enum parse_err walk_sig_alg(struct cert_info *c, struct cursor alg)
{
	struct der oid, params, hash, halg, hoid;
	char buf[OID_TEXT_MAX];
	const struct sig_alg *sa;

	TRY(der_expect(&alg, DER_OID, &oid));
	TRY(oid_text(oid.val, buf, sizeof buf));
	sa = sig_alg_find(buf);
	c->sig_alg_oid = xstrdup(buf);
	c->sig_alg = xstrdup(sa ? sa->name : buf);
	c->sig_sha1 = sa ? sa->weak : 0;
	if (oid_is(&oid.val, OID_RSA_PSS, sizeof OID_RSA_PSS)) {
		/* RSASSA-PSS-params: hashAlgorithm [0] defaults to SHA-1. */
		c->sig_sha1 = 1;
		if (cur_left(&alg) && der_next_is(&alg, DER_SEQUENCE)) {
			TRY(der_get(&alg, &params));
			if (der_next_is(&params.val, DER_CTX0)) {
				TRY(der_get(&params.val, &hash));
				TRY(der_expect(&hash.val, DER_SEQUENCE, &halg));
				TRY(der_expect(&halg.val, DER_OID, &hoid));
				c->sig_sha1 = oid_is(&hoid.val, OID_SHA1, sizeof OID_SHA1) ||
					      oid_is(&hoid.val, OID_MD5, sizeof OID_MD5);
			}
		}
	}
	return PE_OK;
}

PE_MUST_USE static enum parse_err walk_spki(struct cert_info *c, const struct der *spki)
{
	struct cursor in = spki->val;
	struct der alg, oid, key, seq, n, params;
	char buf[OID_TEXT_MAX];
	uint8_t unused;

	c->spki_der = span_dup(spki->tlv);
	c->spki_der_len = spki->tlv.n;
	TRY(der_expect(&in, DER_SEQUENCE, &alg));
	TRY(der_expect(&in, DER_BIT_STRING, &key));
	TRY(cur_expect_end(&in));
	TRY(der_expect(&alg.val, DER_OID, &oid));
	TRY(cur_u8(&key.val, &unused));

	if (oid_is(&oid.val, OID_RSA, sizeof OID_RSA) ||
	    oid_is(&oid.val, OID_RSA_PSS, sizeof OID_RSA_PSS)) {
		c->key_type = KEY_RSA;
		TRY(der_expect(&key.val, DER_SEQUENCE, &seq)); /* RSAPublicKey */
		TRY(der_expect(&seq.val, DER_INTEGER, &n));
		c->key_bits = integer_bits(n.val);
	} else if (oid_is(&oid.val, OID_EC, sizeof OID_EC)) {
		c->key_type = KEY_EC;
		/* namedCurve; implicitCurve and specifiedCurve leave it unknown */
		if (der_next_is(&alg.val, DER_OID)) {
			TRY(der_get(&alg.val, &params));
			const struct curve *cv = NULL;
			TRY(oid_text(params.val, buf, sizeof buf));
			for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
				if (strcmp(curves[i].oid, buf) == 0)
					cv = &curves[i];
			/* an unknown curve keeps its OID and 0 bits */
			c->key_curve = xstrdup(cv ? cv->name : buf);
			c->key_bits = cv ? cv->bits : 0;
		}
	} else if (oid_is(&oid.val, OID_ED25519, sizeof OID_ED25519)) {
		c->key_type = KEY_ED25519;
		c->key_bits = 255;
	} else if (oid_is(&oid.val, OID_ED448, sizeof OID_ED448)) {
		c->key_type = KEY_ED448;
		c->key_bits = 448;
	} else if (oid_is(&oid.val, OID_DSA, sizeof OID_DSA)) {
		c->key_type = KEY_DSA;
		/* Dss-Parms ::= SEQUENCE { p, q, g }: the size is p's */
		if (der_next_is(&alg.val, DER_SEQUENCE)) {
			TRY(der_get(&alg.val, &params));
			TRY(der_expect(&params.val, DER_INTEGER, &n));
			c->key_bits = integer_bits(n.val);
		}
	}
	return PE_OK;
}

/* A GeneralName we keep, as text; others are skipped. */
PE_MUST_USE static enum parse_err general_name(struct cert_info *c, const struct der *gn,
					      int count_san)
{
	struct strlist *l;
	char *s;

	switch (gn->tag) {
	case GN_DNS:
		l = &c->san_dns;
		break;
	case GN_EMAIL:
		l = &c->san_email;
		break;
	case GN_URI:
		l = &c->san_uri;
		break;
	case GN_IP:
		l = &c->san_ip;
		break;
	default:
		return PE_OK;
	}
	if (gn->tag == GN_IP) {
		uint8_t a[16];
		char txt[INET6_ADDRSTRLEN];
		struct cursor v = gn->val;
		size_t n = cur_left(&v);

		if (n == 4 || n == 16) {
			TRY(cur_copy(&v, a, n));
			if (inet_ntop(n == 4 ? AF_INET : AF_INET6, a, txt, sizeof txt) == NULL)
				return PE_MALFORMED;
			s = xstrdup(txt);
		} else {
			s = xasprintf("<invalid length=%zu>", n); /* as openssl prints it */
		}
	} else {
		s = span_text(cur_rest(&gn->val));
	}
	if (count_san)
		c->san_text_len += strlen(s) + (c->san_text_len ? 1 : 0);
	return sl_push(l, s);
}

PE_MUST_USE static enum parse_err ext_san(struct cert_info *c, struct cursor v)
{
	struct der names, gn;

	c->has_san = 1;
	c->san_der_len = cur_left(&v);
	TRY(der_expect(&v, DER_SEQUENCE, &names));
	TRY(cur_expect_end(&v));
	while (cur_left(&names.val)) {
		TRY(der_get(&names.val, &gn));
		TRY(general_name(c, &gn, 1));
	}
	return PE_OK;
}

PE_MUST_USE static enum parse_err ext_eku(struct cert_info *c, struct cursor v)
{
	struct der seq, oid;
	char buf[OID_TEXT_MAX];
	const char *name;

	c->has_eku = 1;
	TRY(der_expect(&v, DER_SEQUENCE, &seq));
	TRY(cur_expect_end(&v));
	while (cur_left(&seq.val)) {
		TRY(der_expect(&seq.val, DER_OID, &oid));
		TRY(oid_text(oid.val, buf, sizeof buf));
		name = oid_lookup(eku_names, sizeof(eku_names) / sizeof(eku_names[0]), buf);
		TRY(sl_push(&c->eku_oids, xstrdup(buf)));
		TRY(sl_push(&c->eku_names, xstrdup(name ? name : buf)));
		c->eku_server_auth |= strcmp(buf, OID_EKU_SERVER_AUTH) == 0;
		c->eku_client_auth |= strcmp(buf, OID_EKU_CLIENT_AUTH) == 0;
		c->eku_any |= strcmp(buf, OID_EKU_ANY) == 0;
	}
	return PE_OK;
}

/* URIs out of GeneralNames into a list. */
PE_MUST_USE static enum parse_err uris(struct cursor names, struct strlist *out)
{
	struct der gn;
	while (cur_left(&names)) {
		TRY(der_get(&names, &gn));
		if (gn.tag == GN_URI)
			TRY(sl_push(out, span_text(cur_rest(&gn.val))));
	}
	return PE_OK;
}

/* DistributionPoint ::= SEQUENCE { [0] DistributionPointName OPTIONAL,
 *   [1] reasons, [2] cRLIssuer }; DistributionPointName ::= CHOICE {
 *   fullName [0] GeneralNames, nameRelativeToCRLIssuer [1] } */
PE_MUST_USE static enum parse_err ext_crldp(struct cert_info *c, struct cursor v)
{
	struct der seq, dp, name, full;

	TRY(der_expect(&v, DER_SEQUENCE, &seq));
	TRY(cur_expect_end(&v));
	while (cur_left(&seq.val)) {
		TRY(der_expect(&seq.val, DER_SEQUENCE, &dp));
		if (!der_next_is(&dp.val, DER_CTX0))
			continue;
		TRY(der_get(&dp.val, &name));
		if (!der_next_is(&name.val, DER_CTX0))
			continue;
		TRY(der_get(&name.val, &full));
		TRY(uris(full.val, &c->crl_dp));
	}
	return PE_OK;
}

/* AuthorityInfoAccessSyntax ::= SEQUENCE OF SEQUENCE { accessMethod OID,
 *   accessLocation GeneralName } */
PE_MUST_USE static enum parse_err ext_aia(struct cert_info *c, struct cursor v)
{
	struct der seq, ad, method, loc;

	TRY(der_expect(&v, DER_SEQUENCE, &seq));
	TRY(cur_expect_end(&v));
	while (cur_left(&seq.val)) {
		TRY(der_expect(&seq.val, DER_SEQUENCE, &ad));
		TRY(der_expect(&ad.val, DER_OID, &method));
		TRY(der_get(&ad.val, &loc));
		TRY(cur_expect_end(&ad.val));
		if (loc.tag != GN_URI)
			continue;
		if (oid_is(&method.val, OID_AD_OCSP, sizeof OID_AD_OCSP))
			TRY(sl_push(&c->ocsp, span_text(cur_rest(&loc.val))));
		else if (oid_is(&method.val, OID_AD_CAISSUERS, sizeof OID_AD_CAISSUERS))
			TRY(sl_push(&c->ca_issuers, span_text(cur_rest(&loc.val))));
	}
	return PE_OK;
}

/* certificatePolicies ::= SEQUENCE OF SEQUENCE { policyIdentifier OID,
 *   policyQualifiers SEQUENCE OPTIONAL } */
PE_MUST_USE static enum parse_err ext_policies(struct cert_info *c, struct cursor v)
{
	struct der seq, pi, oid;
	char buf[OID_TEXT_MAX];

	TRY(der_expect(&v, DER_SEQUENCE, &seq));
	TRY(cur_expect_end(&v));
	while (cur_left(&seq.val)) {
		TRY(der_expect(&seq.val, DER_SEQUENCE, &pi));
		TRY(der_expect(&pi.val, DER_OID, &oid));
		TRY(oid_text(oid.val, buf, sizeof buf));
		TRY(sl_push(&c->policies, xstrdup(buf)));
	}
	return PE_OK;
}

PE_MUST_USE static enum parse_err walk_extensions(struct cert_info *c, struct cursor x,
						 const char **what)
{
	static const struct {
		const uint8_t *oid;
		size_t len;
		const char *name, *dup;
		enum parse_err (*fn)(struct cert_info *, struct cursor);
	} known[] = {
		{ OID_SAN, sizeof OID_SAN, "subjectAltName", "duplicate subjectAltName", ext_san },
		{ OID_EKU, sizeof OID_EKU, "extendedKeyUsage", "duplicate extendedKeyUsage",
		  ext_eku },
		{ OID_CRLDP, sizeof OID_CRLDP, "crlDistributionPoints",
		  "duplicate crlDistributionPoints", ext_crldp },
		{ OID_AIA, sizeof OID_AIA, "authorityInfoAccess", "duplicate authorityInfoAccess",
		  ext_aia },
		{ OID_POLICIES, sizeof OID_POLICIES, "certificatePolicies",
		  "duplicate certificatePolicies", ext_policies },
	};
	unsigned seen = 0;
	size_t count = 0;
	struct der list, ext, oid, crit, val;

	TRY(der_expect(&x, DER_SEQUENCE, &list));
	TRY(cur_expect_end(&x));
	while (cur_left(&list.val)) {
		*what = "extensions";
		if (++count > X509_LIST_MAX)
			return PE_LIMIT;
		TRY(der_expect(&list.val, DER_SEQUENCE, &ext));
		TRY(der_expect(&ext.val, DER_OID, &oid));
		if (der_next_is(&ext.val, DER_BOOLEAN))
			TRY(der_get(&ext.val, &crit));
		TRY(der_expect(&ext.val, DER_OCTET_STRING, &val));
		TRY(cur_expect_end(&ext.val));
		for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
			if (!oid_is(&oid.val, known[i].oid, known[i].len))
				continue;
			if (seen & 1u << i) {
				*what = known[i].dup; /* RFC 5280 §4.2: at most once */
				return PE_MALFORMED;
			}
			seen |= 1u << i;
			*what = known[i].name;
			TRY(known[i].fn(c, val.val));
		}
	}
	return PE_OK;
}

PE_MUST_USE static enum parse_err walk_cert(struct cert_info *c, const char **what)
{
	struct cursor all, cert, tbs;
	struct der d, t;

	*what = "Certificate";
	cur_init(&all, c->der, c->der_len);
	TRY(der_expect(&all, DER_SEQUENCE, &d));
	TRY(cur_expect_end(&all));
	cert = d.val;
	TRY(der_expect(&cert, DER_SEQUENCE, &t));
	TRY(der_expect(&cert, DER_SEQUENCE, &d)); /* signatureAlgorithm */
	TRY(der_expect(&cert, DER_BIT_STRING, &d));
	TRY(cur_expect_end(&cert));
	tbs = t.val;

	*what = "version";
	if (der_next_is(&tbs, DER_CTX0))
		TRY(der_get(&tbs, &d));
	*what = "serialNumber";
	TRY(der_expect(&tbs, DER_INTEGER, &d));
	c->serial_hex = serial_text(d.val);
	*what = "signature";
	TRY(der_expect(&tbs, DER_SEQUENCE, &d));
	TRY(walk_sig_alg(c, d.val));
	*what = "issuer";
	TRY(der_expect(&tbs, DER_SEQUENCE, &d));
	TRY(walk_name(&c->issuer, &d));
	*what = "validity";
	TRY(der_expect(&tbs, DER_SEQUENCE, &d));
	TRY(der_get(&d.val, &t));
	TRY(walk_time(&t, &c->not_before, c->not_before_str));
	TRY(der_get(&d.val, &t));
	TRY(walk_time(&t, &c->not_after, c->not_after_str));
	TRY(cur_expect_end(&d.val));
	*what = "subject";
	TRY(der_expect(&tbs, DER_SEQUENCE, &d));
	TRY(walk_name(&c->subject, &d));
	*what = "subjectPublicKeyInfo";
	TRY(der_expect(&tbs, DER_SEQUENCE, &d));
	TRY(walk_spki(c, &d));
	*what = "uniqueIdentifier";
	if (der_next_is(&tbs, DER_CTX1_PRIM))
		TRY(der_get(&tbs, &d));
	if (der_next_is(&tbs, DER_CTX2_PRIM))
		TRY(der_get(&tbs, &d));
	if (der_next_is(&tbs, DER_CTX3)) {
		*what = "extensions";
		TRY(der_get(&tbs, &d));
		TRY(walk_extensions(c, d.val, what));
	}
	*what = "TBSCertificate";
	return cur_expect_end(&tbs);
}

/* ---- wolfSSL ----------------------------------------------------------------- */

static void hash_span(struct span s, int sha256, uint8_t *out)
{
	struct cursor c;
	struct span chunk;
	int ret;
	wc_Sha sha1;
	wc_Sha256 sha2;

	cur_init(&c, s.p, s.n);
	ret = sha256 ? wc_InitSha256(&sha2) : wc_InitSha(&sha1);
	while (ret == 0 && cur_left(&c)) {
		size_t k = cur_left(&c) > (1u << 30) ? (1u << 30) : cur_left(&c);
		if (cur_bytes(&c, k, &chunk) != PE_OK)
			break;
		ret = sha256 ? wc_Sha256Update(&sha2, chunk.p, (word32)chunk.n)
			     : wc_ShaUpdate(&sha1, chunk.p, (word32)chunk.n);
	}
	if (ret == 0)
		ret = sha256 ? wc_Sha256Final(&sha2, out) : wc_ShaFinal(&sha1, out);
	if (ret != 0)
		memset(out, 0, sha256 ? WC_SHA256_DIGEST_SIZE : WC_SHA_DIGEST_SIZE);
	if (sha256)
		wc_Sha256Free(&sha2);
	else
		wc_ShaFree(&sha1);
}

void x509_sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	struct span s = { p, p ? n : 0 };
	hash_span(s, 1, out);
}

static void hex_into(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* A copy of bytes wolfSSL points at inside our DER. */
static uint8_t *wolf_copy(const byte *p, word32 n, size_t *len)
{
	struct span s = { p, p ? n : 0 };
	*len = s.n;
	return s.n ? span_dup(s) : NULL;
}

static unsigned key_usage_bits(word16 ku)
{
	static const struct {
		word16 wolf;
		unsigned ours;
	} map[] = {
		{ KEYUSE_DIGITAL_SIG, KU_DIGITAL_SIGNATURE },
		{ KEYUSE_CONTENT_COMMIT, KU_NON_REPUDIATION },
		{ KEYUSE_KEY_ENCIPHER, KU_KEY_ENCIPHERMENT },
		{ KEYUSE_DATA_ENCIPHER, KU_DATA_ENCIPHERMENT },
		{ KEYUSE_KEY_AGREE, KU_KEY_AGREEMENT },
		{ KEYUSE_KEY_CERT_SIGN, KU_KEY_CERT_SIGN },
		{ KEYUSE_CRL_SIGN, KU_CRL_SIGN },
		{ KEYUSE_ENCIPHER_ONLY, KU_ENCIPHER_ONLY },
		{ KEYUSE_DECIPHER_ONLY, KU_DECIPHER_ONLY },
	};
	unsigned out = 0;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (ku & map[i].wolf)
			out |= map[i].ours;
	return out;
}

/* Parse with wolfSSL (no signature check) and copy out what it gives
 * exactly. Returns 0, or wolfSSL's error with *err set. */
static int wolf_decode(struct cert_info *c, char **err)
{
	DecodedCert *dc = xcalloc(1, sizeof(*dc));
	int ret;

	wc_InitDecodedCert(dc, c->der, (word32)c->der_len, NULL);
	ret = wc_ParseCert(dc, CERT_TYPE, NO_VERIFY, NULL);
	if (ret != 0) {
		*err = xasprintf("wolfSSL: %s (%d)", wc_GetErrorString(ret), ret);
		goto out;
	}
	c->version = dc->version + 1; /* v1(0) .. v3(2) */
	if (dc->extBasicConstSet) {
		c->has_basic_constraints = 1;
		c->is_ca = dc->isCA;
		if (dc->pathLengthSet)
			c->path_len = dc->pathLength;
	}
	if (dc->extKeyUsageSet) {
		c->has_key_usage = 1;
		c->key_usage = key_usage_bits(dc->extKeyUsage);
	}
	if (dc->extSubjKeyIdSet && dc->extSubjKeyIdSrc && dc->extSubjKeyIdSz <= c->der_len)
		c->ski = wolf_copy(dc->extSubjKeyIdSrc, dc->extSubjKeyIdSz, &c->ski_len);
	if (dc->extAuthKeyIdSet && dc->extAuthKeyIdSrc && dc->extAuthKeyIdSz <= c->der_len)
		c->aki = wolf_copy(dc->extAuthKeyIdSrc, dc->extAuthKeyIdSz, &c->aki_len);
out:
	wc_FreeDecodedCert(dc);
	free(dc);
	return ret;
}

/* ---- decode / free ----------------------------------------------------------- */

void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Free everything decoded; keep DER and fingerprints. */
static void cert_clear_parsed(struct cert_info *c)
{
	struct cert_info keep;

	free(c->parse_error);
	free(c->serial_hex);
	dn_free(&c->subject);
	dn_free(&c->issuer);
	strlist_free(&c->san_dns);
	strlist_free(&c->san_ip);
	strlist_free(&c->san_email);
	strlist_free(&c->san_uri);
	strlist_free(&c->eku_oids);
	strlist_free(&c->eku_names);
	free(c->ski);
	free(c->aki);
	free(c->key_curve);
	free(c->spki_der);
	free(c->sig_alg);
	free(c->sig_alg_oid);
	strlist_free(&c->crl_dp);
	strlist_free(&c->ocsp);
	strlist_free(&c->ca_issuers);
	strlist_free(&c->policies);

	memset(&keep, 0, sizeof keep);
	keep.der = c->der;
	keep.der_len = c->der_len;
	memcpy(keep.sha1, c->sha1, sizeof keep.sha1);
	memcpy(keep.sha256, c->sha256, sizeof keep.sha256);
	memcpy(keep.sha1_hex, c->sha1_hex, sizeof keep.sha1_hex);
	memcpy(keep.sha256_hex, c->sha256_hex, sizeof keep.sha256_hex);
	keep.path_len = -1;
	*c = keep;
}

struct cert_info *x509_decode(const uint8_t *der, size_t len)
{
	struct cert_info *c = xcalloc(1, sizeof(*c));
	struct span s = { der, der ? len : 0 };
	const char *what = NULL;
	char *werr = NULL;
	enum parse_err e;

	c->path_len = -1;
	c->der = span_dup(s);
	c->der_len = s.n;
	hash_span(s, 0, c->sha1);
	hash_span(s, 1, c->sha256);
	hex_into(c->sha1_hex, c->sha1, sizeof c->sha1);
	hex_into(c->sha256_hex, c->sha256, sizeof c->sha256);

	if (c->der_len == 0) {
		c->parse_error = xstrdup("empty certificate");
		return c;
	}
	if (c->der_len > X509_MAX_DER) {
		c->parse_error = xasprintf("certificate of %zu bytes is over the %u-byte limit",
					   c->der_len, X509_MAX_DER);
		return c;
	}
	if (wolf_decode(c, &werr) != 0) {
		/* Our walk may say where; wolfSSL's codes rarely do. */
		e = walk_cert(c, &what);
		cert_clear_parsed(c);
		if (e != PE_OK) {
			c->parse_error = xasprintf("%s; %s: %s", werr, what, pe_str(e));
			free(werr);
		} else {
			c->parse_error = werr;
		}
		return c;
	}
	e = walk_cert(c, &what);
	if (e != PE_OK) {
		cert_clear_parsed(c);
		c->parse_error = xasprintf("%s: %s", what, pe_str(e));
		return c;
	}
	struct span subj = { c->subject.der, c->subject.der_len };
	struct span iss = { c->issuer.der, c->issuer.der_len };
	c->self_issued = span_eq(subj, iss);
	c->parse_ok = 1;
	return c;
}

void cert_info_free(struct cert_info *c)
{
	if (c == NULL)
		return;
	cert_clear_parsed(c);
	free(c->der);
	free(c);
}

/* ---- signatures -------------------------------------------------------------- */

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

static int verify_uncached(const struct cert_info *child, const struct cert_info *issuer);

int x509_verify_signature(const struct cert_info *child, const struct cert_info *issuer)
{
	if (child == NULL || issuer == NULL || !child->parse_ok || !issuer->parse_ok)
		return -1;
	size_t slot = sigmemo_slot(child->sha256, issuer->sha256);
	pthread_mutex_lock(&sigmemo_mu);
	struct sigmemo *m = &sigmemo[slot];
	if (m->used && memcmp(m->child, child->sha256, 32) == 0 &&
	    memcmp(m->issuer, issuer->sha256, 32) == 0) {
		int r = m->result;
		pthread_mutex_unlock(&sigmemo_mu);
		return r;
	}
	pthread_mutex_unlock(&sigmemo_mu);
	int r = verify_uncached(child, issuer);
	pthread_mutex_lock(&sigmemo_mu);
	m->used = 1;
	memcpy(m->child, child->sha256, 32);
	memcpy(m->issuer, issuer->sha256, 32);
	m->result = r;
	pthread_mutex_unlock(&sigmemo_mu);
	return r;
}

static int verify_uncached(const struct cert_info *child, const struct cert_info *issuer)
{
	const struct sig_alg *sa;
	DecodedCert *dc;
	int ret, result;

	if (child == NULL || issuer == NULL || !child->parse_ok || !issuer->parse_ok)
		return -1;
	sa = sig_alg_find(child->sig_alg_oid);
	if (sa == NULL || issuer->key_type == KEY_UNKNOWN)
		return -1;
	if (sa->key != issuer->key_type)
		return 0; /* that key cannot have made this signature */

	/* The issuer's key in the form wolfSSL keeps it, from its own parse. */
	dc = xcalloc(1, sizeof(*dc));
	wc_InitDecodedCert(dc, issuer->der, (word32)issuer->der_len, NULL);
	ret = wc_ParseCert(dc, CERT_TYPE, NO_VERIFY, NULL);
	if (ret != 0) {
		result = -1;
		goto out;
	}
	ret = wc_CheckCertSigPubKey(child->der, (word32)child->der_len, NULL, dc->publicKey,
				    dc->pubKeySize, (int)dc->keyOID);
	if (ret == 0)
		result = 1;
	else if (ret == ASN_SIG_CONFIRM_E || ret == SIG_VERIFY_E || ret == BAD_PADDING_E)
		result = 0;
	else
		result = -1; /* e.g. RSA over wolfSSL's size limit, unsupported hash */
out:
	wc_FreeDecodedCert(dc);
	free(dc);
	return result;
}

/* ---- files ------------------------------------------------------------------- */

struct loader {
	const char *name;
	struct cert_info **v;
	size_t n;
	size_t problems;
	char *err;
	size_t errlen;
};

#define X509_LOAD_MAX 65536 /* certificates from one file */

static void problem(struct loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct loader *ld, const char *fmt, ...)
{
	va_list ap;
	if (ld->problems++ || ld->err == NULL || ld->errlen == 0)
		return;
	int w = snprintf(ld->err, ld->errlen, "%s: ", ld->name);
	if (w < 0 || (size_t)w >= ld->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ld->err + w, ld->errlen - (size_t)w, fmt, ap);
	va_end(ap);
}

/* Decode and keep one certificate; `where` is " (line 12)" or "". */
static void add_cert(struct loader *ld, struct span der, const char *where)
{
	struct cert_info *c;

	if (ld->n == X509_LOAD_MAX) {
		problem(ld, "more than %d certificates", X509_LOAD_MAX);
		return;
	}
	c = x509_decode(der.p, der.n);
	ld->v = xreallocarray(ld->v, ld->n + 1, sizeof(*ld->v));
	ld->v[ld->n++] = c;
	if (!c->parse_ok)
		problem(ld, "certificate %zu%s: %s", ld->n, where, c->parse_error);
}

/* PKCS#7 ContentInfo { signedData, [0] EXPLICIT SignedData { version,
 * digestAlgorithms, encapContentInfo, certificates [0] IMPLICIT SET OF
 * CertificateChoices OPTIONAL, crls [1] OPTIONAL, signerInfos } } */
PE_MUST_USE static enum parse_err p7_walk(struct loader *ld, struct span p7, const char *where)
{
	struct cursor c;
	struct der ci, type, content, sd, d, certs, cert;

	cur_init(&c, p7.p, p7.n);
	TRY(der_expect(&c, DER_SEQUENCE, &ci));
	TRY(der_expect(&ci.val, DER_OID, &type));
	if (!oid_is(&type.val, OID_P7_SIGNED, sizeof OID_P7_SIGNED))
		return PE_UNSUPPORTED;
	TRY(der_expect(&ci.val, DER_CTX0, &content));
	TRY(der_expect(&content.val, DER_SEQUENCE, &sd));
	TRY(der_expect(&sd.val, DER_INTEGER, &d));
	TRY(der_expect(&sd.val, DER_SET, &d));
	TRY(der_expect(&sd.val, DER_SEQUENCE, &d));
	if (!der_next_is(&sd.val, DER_CTX0))
		return PE_OK; /* no certificates */
	TRY(der_get(&sd.val, &certs));
	while (cur_left(&certs.val)) {
		TRY(der_get(&certs.val, &cert));
		if (cert.tag == DER_SEQUENCE) /* not the attribute-certificate choices */
			add_cert(ld, cert.tlv, where);
	}
	return PE_OK;
}

static void load_p7(struct loader *ld, struct span p7, const char *where)
{
	size_t before = ld->n;
	enum parse_err e = p7_walk(ld, p7, where);

	if (e == PE_UNSUPPORTED && ld->n == before && p7.n <= UINT32_MAX) {
		/* Indefinite lengths (BER, as streaming signers write): convert. */
		word32 len = 0;
		if (wc_BerToDer(p7.p, (word32)p7.n, NULL, &len) == LENGTH_ONLY_E && len) {
			byte *der = xcalloc(len, 1);
			if (wc_BerToDer(p7.p, (word32)p7.n, der, &len) == 0) {
				struct span s = { der, len };
				e = p7_walk(ld, s, where);
			}
			free(der);
		}
	}
	if (e == PE_UNSUPPORTED)
		problem(ld, "PKCS#7%s: not a SignedData this reader understands", where);
	else if (e != PE_OK)
		problem(ld, "PKCS#7%s: %s", where, pe_str(e));
}

static int b64_value(uint8_t ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

PE_MUST_USE static enum parse_err b64_decode(struct span text, struct dbuf *out)
{
	struct cursor c;
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t chars = 0, pad = 0;
	uint8_t ch;

	cur_init(&c, text.p, text.n);
	while (cur_u8(&c, &ch) == PE_OK) {
		int v;
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
			continue;
		if (ch == '=') {
			pad++;
			continue;
		}
		v = b64_value(ch);
		if (v < 0 || pad)
			return PE_MALFORMED;
		chars++;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			uint8_t b;
			bits -= 8;
			b = (uint8_t)(acc >> bits);
			if (dbuf_add(out, &b, 1) != 0)
				return PE_LIMIT;
		}
	}
	if (pad > 2 || (chars + pad) % 4 != 0 || chars % 4 == 1)
		return PE_MALFORMED;
	return PE_OK;
}

/* The next line, without leading blanks and end-of-line bytes (PEM pasted
 * from mail is often indented). */
static int next_line(struct cursor *c, struct span *line)
{
	struct span rest;
	size_t n = 0;
	uint8_t ch;

	if (cur_left(c) == 0)
		return 0;
	while (cur_peek_u8(c, 0, &ch) == PE_OK && (ch == ' ' || ch == '\t'))
		if (cur_skip(c, 1) != PE_OK)
			break;
	rest = cur_rest(c);
	while (cur_u8(c, &ch) == PE_OK && ch != '\n')
		n++;
	line->p = rest.p;
	line->n = n;
	/* drop trailing \r and blanks */
	while (line->n) {
		struct cursor lc;
		cur_init(&lc, line->p, line->n);
		if (cur_skip(&lc, line->n - 1) != PE_OK || cur_u8(&lc, &ch) != PE_OK ||
		    (ch != '\r' && ch != ' ' && ch != '\t'))
			break;
		line->n--;
	}
	return 1;
}

/* Does `s` start with `lit`? Then *rest is what follows. */
static int has_prefix(struct span s, const char *lit, struct span *rest)
{
	struct cursor c;
	struct span head, want = { (const uint8_t *)lit, strlen(lit) };

	cur_init(&c, s.p, s.n);
	if (cur_bytes(&c, want.n, &head) != PE_OK || !span_eq(head, want))
		return 0;
	if (rest)
		*rest = cur_rest(&c);
	return 1;
}

/* "-----BEGIN LABEL-----" (kind "BEGIN ") -> LABEL */
static int pem_marker(struct span line, const char *kind, struct span *label)
{
	struct span rest, tail, dashes = { (const uint8_t *)"-----", 5 };
	struct cursor c;
	char lead[20];

	snprintf(lead, sizeof lead, "-----%s", kind);
	if (!has_prefix(line, lead, &rest) || rest.n < 5)
		return 0;
	cur_init(&c, rest.p, rest.n);
	if (cur_bytes(&c, rest.n - 5, label) != PE_OK || cur_bytes(&c, 5, &tail) != PE_OK)
		return 0;
	return span_eq(tail, dashes);
}

static int label_is(struct span label, const char *s)
{
	struct span want = { (const uint8_t *)s, strlen(s) };
	return span_eq(label, want);
}

static int contains_byte(struct span s, uint8_t b)
{
	struct cursor c;
	uint8_t v;
	cur_init(&c, s.p, s.n);
	while (cur_u8(&c, &v) == PE_OK)
		if (v == b)
			return 1;
	return 0;
}

static void load_pem(struct loader *ld, struct span buf)
{
	struct cursor c;
	struct span line, label = { NULL, 0 }, endlabel;
	struct dbuf text;
	size_t lineno = 0, begin_line = 0, block = 0;
	int in = 0;
	char where[48];

	dbuf_init(&text, X509_FILE_MAX);
	cur_init(&c, buf.p, buf.n);
	while (next_line(&c, &line)) {
		lineno++;
		if (!in) {
			if (pem_marker(line, "BEGIN ", &label)) {
				in = 1;
				block++;
				begin_line = lineno;
				dbuf_reset(&text);
			}
			continue;
		}
		if (pem_marker(line, "BEGIN ", &endlabel)) {
			problem(ld, "block %zu (line %zu) has no END line", block, begin_line);
			label = endlabel;
			block++;
			begin_line = lineno;
			dbuf_reset(&text);
			continue;
		}
		if (!pem_marker(line, "END ", &endlabel)) {
			/* RFC 1421 headers ("Proc-Type: ...") hold a ':', base64 never */
			if (!contains_byte(line, ':') && dbuf_add(&text, line.p, line.n) != 0)
				problem(ld, "block %zu (line %zu) is too long", block, begin_line);
			continue;
		}
		in = 0;
		if (!span_eq(label, endlabel)) {
			problem(ld, "block %zu (line %zu): END does not match BEGIN", block,
				begin_line);
			continue;
		}
		int is_cert = label_is(label, "CERTIFICATE") ||
			      label_is(label, "X509 CERTIFICATE") ||
			      label_is(label, "TRUSTED CERTIFICATE");
		int is_p7 = label_is(label, "PKCS7") || label_is(label, "PKCS #7 SIGNED DATA") ||
			    label_is(label, "CMS");
		if (!is_cert && !is_p7)
			continue; /* keys, CRLs, requests */

		struct dbuf der;
		struct span t = { text.p, text.len }, d;
		dbuf_init(&der, X509_FILE_MAX);
		snprintf(where, sizeof where, " (line %zu)", begin_line);
		if (b64_decode(t, &der) != PE_OK) {
			problem(ld, "block %zu (line %zu): bad base64", block, begin_line);
		} else {
			d.p = der.p;
			d.n = der.len;
			if (is_p7) {
				load_p7(ld, d, where);
			} else {
				/* TRUSTED CERTIFICATE: openssl's trust settings follow
				 * the certificate; keep the certificate alone. */
				struct cursor dc;
				struct der one;
				cur_init(&dc, d.p, d.n);
				if (label_is(label, "TRUSTED CERTIFICATE") &&
				    der_get(&dc, &one) == PE_OK)
					d = one.tlv;
				add_cert(ld, d, where);
			}
		}
		dbuf_free(&der);
	}
	if (in)
		problem(ld, "block %zu (line %zu) has no END line", block, begin_line);
	dbuf_free(&text);
}

static void load_der(struct loader *ld, struct span buf)
{
	struct cursor c;
	char where[48];

	cur_init(&c, buf.p, buf.n);
	while (cur_left(&c)) {
		struct span rest = cur_rest(&c);
		struct der d;
		uint8_t b0 = 0, b1 = 0;
		size_t off = c.off;
		enum parse_err e;

		snprintf(where, sizeof where, " (offset %zu)", off);
		if (cur_peek_u8(&c, 0, &b0) == PE_OK && cur_peek_u8(&c, 1, &b1) == PE_OK &&
		    b0 == DER_SEQUENCE && b1 == 0x80) {
			load_p7(ld, rest, where); /* BER PKCS#7 is the only indefinite form */
			return;
		}
		e = der_get(&c, &d);
		if (e != PE_OK) {
			/* truncated or broken: keep it as an unparsed certificate */
			add_cert(ld, rest, where);
			return;
		}
		if (der_next_is(&d.val, DER_OID)) /* ContentInfo, not Certificate */
			load_p7(ld, d.tlv, where);
		else if (der_next_is(&d.val, DER_INTEGER)) /* keys, PKCS#12 */
			problem(ld, "DER at offset %zu is not a certificate (a key or PKCS#12?)",
				off);
		else
			add_cert(ld, d.tlv, where);
	}
}

int x509_load_buffer(const uint8_t *buf, size_t len, const char *name, struct cert_info ***out,
		     size_t *n, char *err, size_t errlen)
{
	struct loader ld = { name ? name : "(buffer)", NULL, 0, 0, err, errlen };
	struct span s = { buf, buf ? len : 0 };
	struct cursor c;
	uint8_t first = 0;
	struct span rest;

	if (err && errlen)
		err[0] = '\0';
	if (has_prefix(s, "\xef\xbb\xbf", &rest)) /* UTF-8 BOM (Windows editors) */
		s = rest;
	cur_init(&c, s.p, s.n);
	if (cur_peek_u8(&c, 0, &first) != PE_OK)
		first = 0;
	int pem = 0;
	for (struct span line; !pem && next_line(&c, &line);)
		pem = has_prefix(line, "-----BEGIN ", NULL);
	if (pem)
		load_pem(&ld, s);
	else if (first == DER_SEQUENCE)
		load_der(&ld, s);
	if (ld.n == 0 && ld.problems == 0)
		problem(&ld, "no certificates found");
	if (ld.problems > 1 && err && errlen) {
		size_t used = strlen(err);
		snprintf(err + used, errlen - used, " (and %zu more problem%s)", ld.problems - 1,
			 ld.problems > 2 ? "s" : "");
	}
	*out = ld.v;
	*n = ld.n;
	return ld.problems ? -1 : 0;
}

int x509_load_file(const char *path, struct cert_info ***out, size_t *n, char *err,
		   size_t errlen)
{
	FILE *f;
	struct dbuf b;
	uint8_t chunk[65536];
	size_t got;
	int ret;

	*out = NULL;
	*n = 0;
	if (err && errlen)
		err[0] = '\0';
	f = fopen(path, "rb");
	if (f == NULL) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	dbuf_init(&b, X509_FILE_MAX);
	ret = 0;
	while (ret == 0 && (got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (dbuf_add(&b, chunk, got) != 0) {
			if (err && errlen)
				snprintf(err, errlen, "%s: larger than %u bytes", path,
					 X509_FILE_MAX);
			ret = -1;
		}
	}
	if (ret == 0 && ferror(f)) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		ret = -1;
	}
	fclose(f);
	if (ret == 0)
		ret = x509_load_buffer(b.p, b.len, path, out, n, err, errlen);
	dbuf_free(&b);
	return ret;
}

void x509_free_list(struct cert_info **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		cert_info_free(v[i]);
	free(v);
}

int x509_write_der(FILE *f, const struct cert_info *c)
{
	if (c == NULL || c->der_len == 0)
		return -1;
	return fwrite(c->der, 1, c->der_len, f) == c->der_len ? 0 : -1;
}

int x509_write_pem(FILE *f, const struct cert_info *c)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct cursor in;
	char line[65];
	size_t col = 0;

	if (c == NULL || c->der_len == 0)
		return -1;
	cur_init(&in, c->der, c->der_len);
	fputs("-----BEGIN CERTIFICATE-----\n", f);
	while (cur_left(&in)) {
		uint8_t g[3] = { 0, 0, 0 };
		size_t k = cur_left(&in) < 3 ? cur_left(&in) : 3;
		uint32_t v;

		if (cur_copy(&in, g, k) != PE_OK)
			return -1;
		v = (uint32_t)g[0] << 16 | (uint32_t)g[1] << 8 | g[2];
		line[col++] = b64[v >> 18 & 63];
		line[col++] = b64[v >> 12 & 63];
		line[col++] = k > 1 ? b64[v >> 6 & 63] : '=';
		line[col++] = k > 2 ? b64[v & 63] : '=';
		if (col == 64 || cur_left(&in) == 0) {
			line[col++] = '\n';
			fwrite(line, 1, col, f);
			col = 0;
		}
	}
	fputs("-----END CERTIFICATE-----\n", f);
	return ferror(f) ? -1 : 0;
}

/* ---- names on their own ------------------------------------------------------ */

char *x509_dn_string(const uint8_t *der, size_t len)
{
	struct cursor c;
	struct der name;
	struct dn dn = { 0 };
	char *s = NULL;

	cur_init(&c, der, len);
	if (der_expect(&c, DER_SEQUENCE, &name) == PE_OK && walk_name(&dn, &name) == PE_OK) {
		s = dn.rfc4514;
		dn.rfc4514 = NULL;
	}
	dn_free(&dn);
	return s;
}

void x509_thread_done(void)
{
#ifdef FP_ECC
	wc_ecc_fp_free();
#endif
}

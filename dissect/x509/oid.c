/*
 * oid.c - names of the object identifiers a certificate carries, as
 * `openssl x509 -text -nameopt RFC2253` prints them (OpenSSL 3.0: the
 * long name of an algorithm or extension, the short name of a name
 * attribute; `openssl asn1parse -genstr OID:<dotted>` shows each), plus
 * what tlsdiag does with each: how a signature is checked, which key type
 * a key algorithm gives, the size of a named curve, which extensions OpenSSL
 * processes when they are critical.
 *
 * Names newer than OpenSSL 3.0 (ML-DSA, SLH-DSA) are FIPS 204 / 205's.
 */
#include "dissect/x509/x509_int.h"

#include <string.h>

#define N_OF(t) (sizeof(t) / sizeof((t)[0]))

struct oid_name {
	const char *oid, *name;
};

/* The row of `oid` in a table of n rows of `size` bytes, each starting
 * with its `const char *oid`; NULL when absent. */
static const void *row(const void *table, size_t n, size_t size, const char *oid)
{
	const char *base = table;

	for (size_t i = 0; i < n; i++) {
		const char *const *key =
			(const char *const *)(const void *)(base +
							    i * size); /* lint: ok: our own table */
		if (strcmp(*key, oid) == 0)
			return key;
	}
	return NULL;
}

#define ROW(t, oid) row((t), N_OF(t), sizeof((t)[0]), (oid))

static const char *lookup(const struct oid_name *t, size_t n, const char *oid)
{
	const struct oid_name *r = row(t, n, sizeof(*t), oid);
	return r ? r->name : NULL;
}

/*
 * Name attribute types openssl 3.0 knows, with the short names its
 * -nameopt RFC2253 prints (`openssl list -objects`). An OID not here is
 * printed the way openssl prints one it does not know: dotted, with the
 * value's DER in hex.
 */
static const struct oid_name attr_names[] = {
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

const char *oid_attr_name(const char *oid)
{
	return lookup(attr_names, N_OF(attr_names), oid);
}

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

const char *oid_eku_name(const char *oid)
{
	return lookup(eku_names, N_OF(eku_names), oid);
}

/* Message digests (DigestInfo carries the OID; RSA-PSS names them). */
static const uint8_t D_MD2[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x02 };
static const uint8_t D_MD4[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x04 };
static const uint8_t D_MD5[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05 };
static const uint8_t D_SHA1[] = { 0x2b, 0x0e, 0x03, 0x02, 0x1a };
#define D_NIST(x)                                                                                  \
	{                                                                                          \
		0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, x                                  \
	}
static const uint8_t D_SHA256[] = D_NIST(1), D_SHA384[] = D_NIST(2), D_SHA512[] = D_NIST(3),
		     D_SHA224[] = D_NIST(4), D_SHA512_224[] = D_NIST(5), D_SHA512_256[] = D_NIST(6),
		     D_SHA3_224[] = D_NIST(7), D_SHA3_256[] = D_NIST(8), D_SHA3_384[] = D_NIST(9),
		     D_SHA3_512[] = D_NIST(10), D_SHAKE256[] = D_NIST(12);
#define D(x) x, sizeof x

static const struct hash_def hashes[] = {
	{ "1.2.840.113549.2.2", "md2", HASH_MD2, 16, 1, D(D_MD2) },
	{ "1.2.840.113549.2.4", "md4", HASH_MD4, 16, 1, D(D_MD4) },
	{ "1.2.840.113549.2.5", "md5", HASH_MD5, 16, 1, D(D_MD5) },
	{ "1.3.14.3.2.26", "sha1", HASH_SHA1, 20, 1, D(D_SHA1) },
	{ "2.16.840.1.101.3.4.2.4", "sha224", HASH_SHA224, 28, 0, D(D_SHA224) },
	{ "2.16.840.1.101.3.4.2.1", "sha256", HASH_SHA256, 32, 0, D(D_SHA256) },
	{ "2.16.840.1.101.3.4.2.2", "sha384", HASH_SHA384, 48, 0, D(D_SHA384) },
	{ "2.16.840.1.101.3.4.2.3", "sha512", HASH_SHA512, 64, 0, D(D_SHA512) },
	{ "2.16.840.1.101.3.4.2.5", "sha512-224", HASH_SHA512_224, 28, 0, D(D_SHA512_224) },
	{ "2.16.840.1.101.3.4.2.6", "sha512-256", HASH_SHA512_256, 32, 0, D(D_SHA512_256) },
	{ "2.16.840.1.101.3.4.2.7", "sha3-224", HASH_SHA3_224, 28, 0, D(D_SHA3_224) },
	{ "2.16.840.1.101.3.4.2.8", "sha3-256", HASH_SHA3_256, 32, 0, D(D_SHA3_256) },
	{ "2.16.840.1.101.3.4.2.9", "sha3-384", HASH_SHA3_384, 48, 0, D(D_SHA3_384) },
	{ "2.16.840.1.101.3.4.2.10", "sha3-512", HASH_SHA3_512, 64, 0, D(D_SHA3_512) },
	{ "2.16.840.1.101.3.4.2.12", "shake256", HASH_SHAKE256, 64, 0, D(D_SHAKE256) },
};

const struct hash_def *oid_hash(const char *oid)
{
	return ROW(hashes, oid);
}

const struct hash_def *hash_by_id(enum hash_alg id)
{
	for (size_t i = 0; i < N_OF(hashes); i++)
		if (hashes[i].id == id)
			return &hashes[i];
	return NULL;
}

#define NIST_SIG(x) "2.16.840.1.101.3.4.3." #x

/* Signature algorithms. SIG_UNKNOWN ones are named, not checked. */
static const struct sig_alg_def sig_algs[] = {
	{ "1.2.840.113549.1.1.2", "md2WithRSAEncryption", SIG_RSA, HASH_MD2, KEY_RSA },
	{ "1.2.840.113549.1.1.3", "md4WithRSAEncryption", SIG_RSA, HASH_MD4, KEY_RSA },
	{ "1.2.840.113549.1.1.4", "md5WithRSAEncryption", SIG_RSA, HASH_MD5, KEY_RSA },
	{ "1.2.840.113549.1.1.5", "sha1WithRSAEncryption", SIG_RSA, HASH_SHA1, KEY_RSA },
	{ "1.2.840.113549.1.1.10", "rsassaPss", SIG_RSA_PSS, HASH_NONE, KEY_RSA },
	{ "1.2.840.113549.1.1.11", "sha256WithRSAEncryption", SIG_RSA, HASH_SHA256, KEY_RSA },
	{ "1.2.840.113549.1.1.12", "sha384WithRSAEncryption", SIG_RSA, HASH_SHA384, KEY_RSA },
	{ "1.2.840.113549.1.1.13", "sha512WithRSAEncryption", SIG_RSA, HASH_SHA512, KEY_RSA },
	{ "1.2.840.113549.1.1.14", "sha224WithRSAEncryption", SIG_RSA, HASH_SHA224, KEY_RSA },
	{ "1.2.840.113549.1.1.15", "sha512-224WithRSAEncryption", SIG_RSA, HASH_SHA512_224,
	  KEY_RSA },
	{ "1.2.840.113549.1.1.16", "sha512-256WithRSAEncryption", SIG_RSA, HASH_SHA512_256,
	  KEY_RSA },
	/* OIW's older numbers for the same algorithms */
	{ "1.3.14.3.2.3", "md5WithRSA", SIG_RSA, HASH_MD5, KEY_RSA },
	{ "1.3.14.3.2.29", "sha1WithRSA", SIG_RSA, HASH_SHA1, KEY_RSA },
	{ "1.3.14.3.2.15", "shaWithRSAEncryption", SIG_UNKNOWN, HASH_NONE, KEY_RSA }, /* SHA-0 */
	{ "1.3.14.3.2.13", "dsaWithSHA", SIG_UNKNOWN, HASH_NONE, KEY_DSA },	      /* SHA-0 */
	{ "1.3.14.3.2.27", "dsaWithSHA1-old", SIG_DSA, HASH_SHA1, KEY_DSA },
	{ NIST_SIG(13), "RSA-SHA3-224", SIG_RSA, HASH_SHA3_224, KEY_RSA },
	{ NIST_SIG(14), "RSA-SHA3-256", SIG_RSA, HASH_SHA3_256, KEY_RSA },
	{ NIST_SIG(15), "RSA-SHA3-384", SIG_RSA, HASH_SHA3_384, KEY_RSA },
	{ NIST_SIG(16), "RSA-SHA3-512", SIG_RSA, HASH_SHA3_512, KEY_RSA },
	{ "1.2.840.10045.4.1", "ecdsa-with-SHA1", SIG_ECDSA, HASH_SHA1, KEY_EC },
	{ "1.2.840.10045.4.3.1", "ecdsa-with-SHA224", SIG_ECDSA, HASH_SHA224, KEY_EC },
	{ "1.2.840.10045.4.3.2", "ecdsa-with-SHA256", SIG_ECDSA, HASH_SHA256, KEY_EC },
	{ "1.2.840.10045.4.3.3", "ecdsa-with-SHA384", SIG_ECDSA, HASH_SHA384, KEY_EC },
	{ "1.2.840.10045.4.3.4", "ecdsa-with-SHA512", SIG_ECDSA, HASH_SHA512, KEY_EC },
	{ "1.2.840.10045.4.2", "ecdsa-with-Recommended", SIG_UNKNOWN, HASH_NONE, KEY_EC },
	{ "1.2.840.10045.4.3", "ecdsa-with-Specified", SIG_UNKNOWN, HASH_NONE, KEY_EC },
	{ NIST_SIG(9), "ecdsa_with_SHA3-224", SIG_ECDSA, HASH_SHA3_224, KEY_EC },
	{ NIST_SIG(10), "ecdsa_with_SHA3-256", SIG_ECDSA, HASH_SHA3_256, KEY_EC },
	{ NIST_SIG(11), "ecdsa_with_SHA3-384", SIG_ECDSA, HASH_SHA3_384, KEY_EC },
	{ NIST_SIG(12), "ecdsa_with_SHA3-512", SIG_ECDSA, HASH_SHA3_512, KEY_EC },
	{ "1.3.101.112", "ED25519", SIG_ED25519, HASH_NONE, KEY_ED25519 },
	{ "1.3.101.113", "ED448", SIG_ED448, HASH_NONE, KEY_ED448 },
	{ "1.2.840.10040.4.3", "dsaWithSHA1", SIG_DSA, HASH_SHA1, KEY_DSA },
	{ NIST_SIG(1), "dsa_with_SHA224", SIG_DSA, HASH_SHA224, KEY_DSA },
	{ NIST_SIG(2), "dsa_with_SHA256", SIG_DSA, HASH_SHA256, KEY_DSA },
	{ NIST_SIG(3), "dsa_with_SHA384", SIG_DSA, HASH_SHA384, KEY_DSA },
	{ NIST_SIG(4), "dsa_with_SHA512", SIG_DSA, HASH_SHA512, KEY_DSA },
	{ NIST_SIG(5), "dsa_with_SHA3-224", SIG_DSA, HASH_SHA3_224, KEY_DSA },
	{ NIST_SIG(6), "dsa_with_SHA3-256", SIG_DSA, HASH_SHA3_256, KEY_DSA },
	{ NIST_SIG(7), "dsa_with_SHA3-384", SIG_DSA, HASH_SHA3_384, KEY_DSA },
	{ NIST_SIG(8), "dsa_with_SHA3-512", SIG_DSA, HASH_SHA3_512, KEY_DSA },
	/* Known by name only: no verifier for them here. */
	{ "1.2.643.2.2.3", "GOST R 34.11-94 with GOST R 34.10-2001", SIG_UNKNOWN, HASH_NONE,
	  KEY_UNKNOWN },
	{ "1.2.643.7.1.1.3.2", "GOST R 34.10-2012 with GOST R 34.11-2012 (256 bit)", SIG_UNKNOWN,
	  HASH_NONE, KEY_UNKNOWN },
	{ "1.2.643.7.1.1.3.3", "GOST R 34.10-2012 with GOST R 34.11-2012 (512 bit)", SIG_UNKNOWN,
	  HASH_NONE, KEY_UNKNOWN },
	{ "1.2.156.10197.1.501", "SM2-with-SM3", SIG_UNKNOWN, HASH_NONE, KEY_EC },
	{ NIST_SIG(17), "ML-DSA-44", SIG_UNKNOWN, HASH_NONE, KEY_UNKNOWN },
	{ NIST_SIG(18), "ML-DSA-65", SIG_UNKNOWN, HASH_NONE, KEY_UNKNOWN },
	{ NIST_SIG(19), "ML-DSA-87", SIG_UNKNOWN, HASH_NONE, KEY_UNKNOWN },
	{ NIST_SIG(20), "SLH-DSA-SHA2-128s", SIG_UNKNOWN, HASH_NONE, KEY_UNKNOWN },
	{ NIST_SIG(21), "SLH-DSA-SHA2-128f", SIG_UNKNOWN, HASH_NONE, KEY_UNKNOWN },
	{ NIST_SIG(22), "SLH-DSA-SHA2-192s", SIG_UNKNOWN, HASH_NONE, KEY_UNKNOWN },
	{ NIST_SIG(23), "SLH-DSA-SHA2-192f", SIG_UNKNOWN, HASH_NONE, KEY_UNKNOWN },
	{ NIST_SIG(24), "SLH-DSA-SHA2-256s", SIG_UNKNOWN, HASH_NONE, KEY_UNKNOWN },
	{ NIST_SIG(25), "SLH-DSA-SHA2-256f", SIG_UNKNOWN, HASH_NONE, KEY_UNKNOWN },
	{ NIST_SIG(26), "SLH-DSA-SHAKE-128s", SIG_UNKNOWN, HASH_NONE, KEY_UNKNOWN },
	{ NIST_SIG(27), "SLH-DSA-SHAKE-128f", SIG_UNKNOWN, HASH_NONE, KEY_UNKNOWN },
	{ NIST_SIG(28), "SLH-DSA-SHAKE-192s", SIG_UNKNOWN, HASH_NONE, KEY_UNKNOWN },
	{ NIST_SIG(29), "SLH-DSA-SHAKE-192f", SIG_UNKNOWN, HASH_NONE, KEY_UNKNOWN },
	{ NIST_SIG(30), "SLH-DSA-SHAKE-256s", SIG_UNKNOWN, HASH_NONE, KEY_UNKNOWN },
	{ NIST_SIG(31), "SLH-DSA-SHAKE-256f", SIG_UNKNOWN, HASH_NONE, KEY_UNKNOWN },
};

const struct sig_alg_def *oid_sig_alg(const char *oid)
{
	return ROW(sig_algs, oid);
}

/* Public key algorithms (SubjectPublicKeyInfo). */
static const struct key_alg_def key_algs[] = {
	{ "1.2.840.113549.1.1.1", "rsaEncryption", KEY_RSA },
	{ "1.2.840.113549.1.1.10", "rsassaPss", KEY_RSA },
	{ "2.5.8.1.1", "rsa", KEY_RSA },
	{ "1.2.840.10045.2.1", "id-ecPublicKey", KEY_EC },
	{ "1.3.101.112", "ED25519", KEY_ED25519 },
	{ "1.3.101.113", "ED448", KEY_ED448 },
	{ "1.3.101.110", "X25519", KEY_X25519 },
	{ "1.3.101.111", "X448", KEY_X448 },
	{ "1.2.840.10040.4.1", "dsaEncryption", KEY_DSA },
	{ "1.3.14.3.2.12", "dsaEncryption-old", KEY_DSA },
	{ "1.2.840.113549.1.3.1", "dhKeyAgreement", KEY_UNKNOWN },
	{ "1.2.840.10046.2.1", "X9.42 DH", KEY_UNKNOWN },
	{ "1.2.643.2.2.19", "GOST R 34.10-2001", KEY_UNKNOWN },
	{ "1.2.643.7.1.1.1.1", "GOST R 34.10-2012 with 256 bit modulus", KEY_UNKNOWN },
	{ "1.2.643.7.1.1.1.2", "GOST R 34.10-2012 with 512 bit modulus", KEY_UNKNOWN },
	{ "1.2.156.10197.1.301", "sm2", KEY_EC },
	{ NIST_SIG(17), "ML-DSA-44", KEY_UNKNOWN },
	{ NIST_SIG(18), "ML-DSA-65", KEY_UNKNOWN },
	{ NIST_SIG(19), "ML-DSA-87", KEY_UNKNOWN },
};

const struct key_alg_def *oid_key_alg(const char *oid)
{
	return ROW(key_algs, oid);
}

/* Named curves, with the bits openssl reports (the size of the order). */
static const struct curve_def curves[] = {
	{ "1.2.840.10045.3.1.7", "prime256v1", 256 },
	{ "1.3.132.0.34", "secp384r1", 384 },
	{ "1.3.132.0.35", "secp521r1", 521 },
	{ "1.3.132.0.33", "secp224r1", 224 },
	{ "1.2.840.10045.3.1.1", "prime192v1", 192 },
	{ "1.2.840.10045.3.1.2", "prime192v2", 192 },
	{ "1.2.840.10045.3.1.3", "prime192v3", 192 },
	{ "1.2.840.10045.3.1.4", "prime239v1", 239 },
	{ "1.2.840.10045.3.1.5", "prime239v2", 239 },
	{ "1.2.840.10045.3.1.6", "prime239v3", 239 },
	{ "1.3.132.0.6", "secp112r1", 112 },
	{ "1.3.132.0.7", "secp112r2", 110 },
	{ "1.3.132.0.28", "secp128r1", 128 },
	{ "1.3.132.0.29", "secp128r2", 126 },
	{ "1.3.132.0.8", "secp160r1", 161 },
	{ "1.3.132.0.30", "secp160r2", 161 },
	{ "1.3.132.0.9", "secp160k1", 161 },
	{ "1.3.132.0.31", "secp192k1", 192 },
	{ "1.3.132.0.32", "secp224k1", 225 },
	{ "1.3.132.0.10", "secp256k1", 256 },
	{ "1.3.132.0.1", "sect163k1", 163 },
	{ "1.3.132.0.15", "sect163r2", 163 },
	{ "1.3.132.0.26", "sect233k1", 232 },
	{ "1.3.132.0.27", "sect233r1", 233 },
	{ "1.3.132.0.16", "sect283k1", 281 },
	{ "1.3.132.0.17", "sect283r1", 282 },
	{ "1.3.132.0.36", "sect409k1", 407 },
	{ "1.3.132.0.37", "sect409r1", 409 },
	{ "1.3.132.0.38", "sect571k1", 570 },
	{ "1.3.132.0.39", "sect571r1", 570 },
	{ "1.3.36.3.3.2.8.1.1.1", "brainpoolP160r1", 160 },
	{ "1.3.36.3.3.2.8.1.1.3", "brainpoolP192r1", 192 },
	{ "1.3.36.3.3.2.8.1.1.5", "brainpoolP224r1", 224 },
	{ "1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1", 256 },
	{ "1.3.36.3.3.2.8.1.1.9", "brainpoolP320r1", 320 },
	{ "1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1", 384 },
	{ "1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1", 512 },
	{ "1.2.156.10197.1.301", "SM2", 256 },
};

const struct curve_def *oid_curve(const char *oid)
{
	return ROW(curves, oid);
}

/*
 * Extensions. `handled`: OpenSSL 3's X509_supported_extension(), the
 * extensions its verifier processes; any other one marked critical makes
 * it reject the certificate ("unhandled critical extension"), and Java's
 * PKIX validator (CUCM) does the same with the ones it does not know.
 */
static const struct ext_def exts[] = {
	{ "2.5.29.14", "X509v3 Subject Key Identifier", EXT_SKI, 0 },
	{ "2.5.29.15", "X509v3 Key Usage", EXT_KU, 1 },
	{ "2.5.29.17", "X509v3 Subject Alternative Name", EXT_SAN, 1 },
	{ "2.5.29.19", "X509v3 Basic Constraints", EXT_BC, 1 },
	{ "2.5.29.32", "X509v3 Certificate Policies", EXT_POLICIES, 1 },
	{ "2.5.29.31", "X509v3 CRL Distribution Points", EXT_CRLDP, 1 },
	{ "2.5.29.37", "X509v3 Extended Key Usage", EXT_EKU, 1 },
	{ "2.5.29.35", "X509v3 Authority Key Identifier", EXT_AKI, 0 },
	{ "1.3.6.1.5.5.7.1.1", "Authority Information Access", EXT_AIA, 0 },
	{ "2.5.29.30", "X509v3 Name Constraints", EXT_OTHER, 1 },
	{ "2.5.29.33", "X509v3 Policy Mappings", EXT_OTHER, 1 },
	{ "2.5.29.36", "X509v3 Policy Constraints", EXT_OTHER, 1 },
	{ "2.5.29.54", "X509v3 Inhibit Any Policy", EXT_OTHER, 1 },
	{ "2.16.840.1.113730.1.1", "Netscape Cert Type", EXT_OTHER, 1 },
	{ "1.3.6.1.5.5.7.1.7", "sbgp-ipAddrBlock", EXT_OTHER, 1 },
	{ "1.3.6.1.5.5.7.1.8", "sbgp-autonomousSysNum", EXT_OTHER, 1 },
	{ "1.3.6.1.5.5.7.1.14", "Proxy Certificate Information", EXT_OTHER, 1 },
	{ "1.3.6.1.5.5.7.48.1.5", "OCSP No Check", EXT_OTHER, 1 },
	{ "2.5.29.9", "X509v3 Subject Directory Attributes", EXT_OTHER, 0 },
	{ "2.5.29.16", "X509v3 Private Key Usage Period", EXT_OTHER, 0 },
	{ "2.5.29.18", "X509v3 Issuer Alternative Name", EXT_OTHER, 0 },
	{ "2.5.29.46", "X509v3 Freshest CRL", EXT_OTHER, 0 },
	{ "2.5.29.55", "X509v3 AC Targeting", EXT_OTHER, 0 },
	{ "2.5.29.56", "X509v3 No Revocation Available", EXT_OTHER, 0 },
	{ "1.3.6.1.5.5.7.1.3", "qcStatements", EXT_OTHER, 0 },
	{ "1.3.6.1.5.5.7.1.11", "Subject Information Access", EXT_OTHER, 0 },
	{ "1.3.6.1.5.5.7.1.24", "TLS Feature", EXT_OTHER, 0 },
	{ "1.3.6.1.4.1.11129.2.4.2", "CT Precertificate SCTs", EXT_OTHER, 0 },
	{ "1.3.6.1.4.1.11129.2.4.3", "CT Precertificate Poison", EXT_OTHER, 0 },
	{ "2.16.840.1.113730.1.2", "Netscape Base Url", EXT_OTHER, 0 },
	{ "2.16.840.1.113730.1.3", "Netscape Revocation Url", EXT_OTHER, 0 },
	{ "2.16.840.1.113730.1.4", "Netscape CA Revocation Url", EXT_OTHER, 0 },
	{ "2.16.840.1.113730.1.7", "Netscape Renewal Url", EXT_OTHER, 0 },
	{ "2.16.840.1.113730.1.8", "Netscape CA Policy Url", EXT_OTHER, 0 },
	{ "2.16.840.1.113730.1.12", "Netscape SSL Server Name", EXT_OTHER, 0 },
	{ "2.16.840.1.113730.1.13", "Netscape Comment", EXT_OTHER, 0 },
};

const struct ext_def *oid_ext(const char *oid)
{
	return ROW(exts, oid);
}

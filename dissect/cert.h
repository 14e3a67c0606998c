/*
 * cert.h - our certificate model, filled from DER by dissect/x509.c
 * through wolfSSL. Everything here is owned by the cert_info (copied out of
 * wolfSSL's structures, with length caps); strings are NUL-terminated,
 * sanitised of nothing (views sanitise), and may contain any byte except NUL.
 *
 * A certificate wolfSSL cannot parse is still a cert_info: `parse_ok` is 0,
 * `parse_error` says why, `der` and the fingerprints are set, the rest empty.
 */
#ifndef TLSDIAG_CERT_H
#define TLSDIAG_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* One attribute of a distinguished name, in the order it appears. */
struct dn_attr {
	char *oid;   /* dotted numbers, always set: "2.5.4.3" */
	char *name;  /* short name when known ("CN", "O", "OU", "C", "ST", "L",
			"emailAddress", "DC", "serialNumber", ...), else NULL */
	char *value; /* the attribute's string value (UTF-8 as decoded) */
};

struct dn {
	char *rfc4514;        /* RFC 4514 string, most-significant RDN LAST
				 (as `openssl x509 -nameopt RFC2253` prints) */
	struct dn_attr *attrs; /* in DER order (most significant first) */
	size_t nattrs;
	uint8_t *der;         /* the DER of the Name, for exact comparison */
	size_t der_len;
};

enum key_type { KEY_UNKNOWN = 0, KEY_RSA, KEY_EC, KEY_ED25519, KEY_ED448, KEY_DSA };

/* Key usage bits, in the order of RFC 5280 §4.2.1.3. */
enum {
	KU_DIGITAL_SIGNATURE = 1 << 0,
	KU_NON_REPUDIATION = 1 << 1,
	KU_KEY_ENCIPHERMENT = 1 << 2,
	KU_DATA_ENCIPHERMENT = 1 << 3,
	KU_KEY_AGREEMENT = 1 << 4,
	KU_KEY_CERT_SIGN = 1 << 5,
	KU_CRL_SIGN = 1 << 6,
	KU_ENCIPHER_ONLY = 1 << 7,
	KU_DECIPHER_ONLY = 1 << 8,
};

#define OID_EKU_SERVER_AUTH "1.3.6.1.5.5.7.3.1"
#define OID_EKU_CLIENT_AUTH "1.3.6.1.5.5.7.3.2"
#define OID_EKU_ANY "2.5.29.37.0"
/* Name attributes the rules look for (RFC 5280 §4.1.2.4, RFC 4519). */
#define OID_ATTR_PREFIX "2.5.4."  /* X.520 attribute types */
#define OID_CN "2.5.4.3"
#define OID_O "2.5.4.10"
#define OID_DC "0.9.2342.19200300.100.1.25"
#define OID_UID "0.9.2342.19200300.100.1.1"
#define OID_EMAIL "1.2.840.113549.1.9.1"

struct strlist {
	char **v;
	size_t n;
};
/* Free every string and the array; leaves the list empty (dissect/x509.c). */
void strlist_free(struct strlist *l);

struct cert_info {
	/* Always set, even when parsing failed. */
	uint8_t *der;
	size_t der_len;
	uint8_t sha1[20];
	uint8_t sha256[32];
	char sha1_hex[41];   /* lowercase, no colons */
	char sha256_hex[65];

	int parse_ok;
	char *parse_error; /* set when !parse_ok */

	int version;       /* 1..3 */
	char *serial_hex;  /* lowercase hex, no colons, no leading "00" pad
			      beyond what the DER integer holds; "" if empty */
	struct dn subject, issuer;
	time_t not_before, not_after; /* UTC seconds since the epoch */
	char not_before_str[21], not_after_str[21]; /* "YYYY-MM-DDTHH:MM:SSZ" */

	/* Subject Alternative Name */
	int has_san;
	struct strlist san_dns, san_ip, san_email, san_uri;
	size_t san_der_len;   /* length of the SAN extension value (for the
				 Expressway 999-character rule) */
	size_t san_text_len;  /* total characters of all SAN names, comma-joined */

	/* Extended key usage: both named and raw OIDs, in order. */
	int has_eku;
	struct strlist eku_oids;  /* dotted OIDs */
	struct strlist eku_names; /* "serverAuth", "clientAuth", ..., or the OID */
	int eku_server_auth, eku_client_auth, eku_any;

	int has_key_usage;
	unsigned key_usage;       /* KU_* bits */

	int has_basic_constraints;
	int is_ca;
	int path_len;             /* -1 when absent */

	uint8_t *ski; size_t ski_len;  /* subject key identifier (may be NULL) */
	uint8_t *aki; size_t aki_len;  /* authority key identifier keyid */

	enum key_type key_type;
	int key_bits;             /* RSA modulus bits, EC field bits, 255/448 */
	char *key_curve;          /* "prime256v1", "secp384r1", ... or NULL */
	uint8_t *spki_der; size_t spki_der_len; /* SubjectPublicKeyInfo DER */

	char *sig_alg;            /* "sha256WithRSAEncryption", "ecdsa-with-SHA384" ... */
	char *sig_alg_oid;
	int sig_sha1;             /* signature uses SHA-1 (or MD5): weak */

	struct strlist crl_dp;    /* CRL distribution point URIs */
	struct strlist ocsp;      /* AIA OCSP URIs */
	struct strlist ca_issuers;/* AIA caIssuers URIs */
	struct strlist policies;  /* certificate policy OIDs */

	int self_issued;          /* subject DN == issuer DN (exact DER compare) */
};

#endif

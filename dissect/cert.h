/*
 * cert.h - our certificate model, filled from DER by dissect/x509/ (our own
 * decoder, as lenient as openssl with what is seen in the wild). Everything
 * here is owned by the cert_info (copied out of the DER, with length caps);
 * strings are NUL-terminated, sanitised of nothing (views sanitise), and may
 * contain any byte except NUL.
 *
 * A certificate that cannot be parsed (where openssl cannot parse it
 * either) is still a cert_info: `parse_ok` is 0, `parse_error` says why,
 * `der` and the fingerprints are set, the rest empty. A parsed certificate
 * may still have parts that did not decode (a bad date, a key or an
 * extension value): those are flagged, and everything else is there.
 */
#ifndef TLSDIAG_CERT_H
#define TLSDIAG_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* One attribute of a distinguished name, in the order it appears. */
struct dn_attr {
	char *oid;    /* dotted numbers, always set: "2.5.4.3" */
	char *name;   /* short name when known ("CN", "O", "OU", "C", "ST", "L",
			"emailAddress", "DC", "serialNumber", ...), else NULL */
	char *value;  /* the attribute's string value (UTF-8 as decoded), or
			"#" and the DER in hex when it is not a string */
	unsigned rdn; /* index of its RDN (DER order): attributes with the same
			 number form one multi-valued RDN */
	uint8_t tag;  /* ASN.1 tag of the value: 0x0c UTF8String, 0x13
			 PrintableString, 0x14 T61String, 0x16 IA5String,
			 0x1c UniversalString, 0x1e BMPString, ... */
};

struct dn {
	char *rfc4514;	       /* RFC 4514 string, most-significant RDN LAST
				 (as `openssl x509 -nameopt RFC2253` prints) */
	struct dn_attr *attrs; /* in DER order (most significant first) */
	size_t nattrs;
	uint8_t *der; /* the DER of the Name */
	size_t der_len;
	uint8_t *canon; /* the form x509_dn_eq() compares (RFC 5280 §7.1);
				 NULL for a name too long to prepare */
	size_t canon_len;
};

/* Key types tlsdiag knows; any other key is KEY_UNKNOWN with key_alg naming it. */
enum key_type {
	KEY_UNKNOWN = 0,
	KEY_RSA, /* rsaEncryption and rsassaPss keys */
	KEY_EC,
	KEY_ED25519,
	KEY_ED448,
	KEY_DSA,
	KEY_X25519, /* key agreement only: cannot sign */
	KEY_X448,
};

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
#define OID_ATTR_PREFIX "2.5.4." /* X.520 attribute types */
#define OID_CN "2.5.4.3"
#define OID_O "2.5.4.10"
#define OID_DC "0.9.2342.19200300.100.1.25"
#define OID_UID "0.9.2342.19200300.100.1.1"
#define OID_EMAIL "1.2.840.113549.1.9.1"

struct strlist {
	char **v;
	size_t n;
};
/* Free every string and the array; leaves the list empty (dissect/x509/cert.c). */
void strlist_free(struct strlist *l);

/* One extension, in certificate order. */
struct cert_ext {
	char *oid;  /* dotted */
	char *name; /* as openssl names it ("X509v3 Key Usage"), or NULL */
	int critical;
	int handled;	 /* a validator (OpenSSL's list) processes it; a critical
			    one that is not handled makes strict peers reject
			    the certificate */
	int undecodable; /* an extension tlsdiag reads whose value did not
			    decode (the fields it gives are partial) */
	int duplicate;	 /* an earlier extension has the same OID (RFC 5280
			    §4.2 forbids it; OpenSSL rejects the certificate) */
};

struct cert_info {
	/* Always set, even when parsing failed. */
	uint8_t *der;
	size_t der_len;
	uint8_t sha1[20];
	uint8_t sha256[32];
	char sha1_hex[41]; /* lowercase, no colons */
	char sha256_hex[65];

	int parse_ok;
	char *parse_error; /* set when !parse_ok */

	int version;	  /* 1..3; 0 when the version field holds another number */
	long version_num; /* the number in the version field (0 = v1, absent
			      too); -1 when it does not fit, as openssl prints */
	char *serial_hex; /* lowercase hex, no colons, no leading "00" pad
			      beyond what the DER integer holds; "" if empty */
	struct dn subject, issuer;
	time_t not_before, not_after;		    /* UTC seconds since the epoch (64-bit:
					 years 1950..9999 all fit) */
	char not_before_str[21], not_after_str[21]; /* "YYYY-MM-DDTHH:MM:SSZ" */
	int not_before_bad, not_after_bad;	    /* the date does not parse (openssl:
					      "Bad time value"); then it is 0
					      and its string "" */

	/* issuerUniqueID / subjectUniqueID (v2), the bits as bytes */
	uint8_t *issuer_uid;
	size_t issuer_uid_len;
	uint8_t *subject_uid;
	size_t subject_uid_len;

	/* Subject Alternative Name */
	int has_san;
	struct strlist san_dns, san_ip, san_email, san_uri;
	size_t san_der_len;  /* length of the SAN extension value (for the
				 Expressway 999-character rule) */
	size_t san_text_len; /* total characters of all SAN names, comma-joined */

	/* Extended key usage: both named and raw OIDs, in order. */
	int has_eku;
	struct strlist eku_oids;  /* dotted OIDs */
	struct strlist eku_names; /* "serverAuth", "clientAuth", ..., or the OID */
	int eku_server_auth, eku_client_auth, eku_any;

	int has_key_usage;
	unsigned key_usage; /* KU_* bits */

	int has_basic_constraints;
	int is_ca;
	int path_len; /* -1 when absent */

	uint8_t *ski;
	size_t ski_len; /* subject key identifier (may be NULL) */
	uint8_t *aki;
	size_t aki_len; /* authority key identifier keyid */

	enum key_type key_type;
	int key_bits;	 /* RSA modulus bits, EC group order bits (as openssl
				     counts them), DSA p bits, 255 / 448 for the
				     Edwards and Montgomery keys; 0 when unknown */
	char *key_curve; /* "prime256v1", "secp384r1", ..., the dotted OID of
				     an unknown named curve, or NULL */
	char *key_alg;	 /* "rsaEncryption", "id-ecPublicKey", "ED25519",
				     "X25519", "dsaEncryption", ..., or the dotted OID */
	char *key_alg_oid;
	int key_bad;		  /* the key does not decode (openssl: "Unable to
				     load Public Key"); key_bits may still be known */
	int key_explicit_curve;	  /* EC parameters given explicitly, not by name */
	int key_params_inherited; /* DSA key without parameters: they are the
				     issuer's (RFC 3279 §2.3.2) */
	uint8_t *spki_der;
	size_t spki_der_len; /* SubjectPublicKeyInfo DER */

	char *sig_alg; /* signatureAlgorithm as openssl names it
				     ("sha256WithRSAEncryption", "ecdsa-with-SHA384",
				     "ML-DSA-65", ...), else the dotted OID */
	char *sig_alg_oid;
	int sig_known;	      /* tlsdiag can check this algorithm; 0: the
				     signature is not checked */
	int sig_alg_mismatch; /* the TBSCertificate's signature field names
				     another algorithm (OpenSSL rejects it) */
	int sig_sha1;	      /* signature uses SHA-1 (or MD5): weak */

	struct strlist crl_dp;	   /* CRL distribution point URIs */
	struct strlist ocsp;	   /* AIA OCSP URIs */
	struct strlist ca_issuers; /* AIA caIssuers URIs */
	struct strlist policies;   /* certificate policy OIDs */

	struct cert_ext *exts; /* every extension, in order */
	size_t n_exts;
	size_t unhandled_critical; /* critical extensions no validator processes */

	int self_issued; /* subject DN == issuer DN (RFC 5280 §7.1) */

	/* The cert cache's (dissect/certcache.h): how many sessions hold it
	 * (atomic: the thread that frees a session drops its hold). */
	unsigned cache_refs;
};

#endif

/*
 * x509.h - X.509 certificates (RFC 5280) into our model (dissect/cert.h):
 * the public face of dissect/x509/ (our own DER decoder on the cursor;
 * wolfCrypt, and nettle where Debian's wolfSSL cannot, for hashes and
 * signatures). Everything a caller gets back is owned by the cert_info and
 * outlives the DER it was decoded from.
 */
#ifndef TLSDIAG_X509_H
#define TLSDIAG_X509_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dissect/cert.h"

/* Caps on what one certificate may put into the model. */
#define X509_MAX_DER (16u << 20)  /* opaque ASN.1Cert<1..2^24-1> (RFC 8446) */
#define X509_STR_MAX 4096	  /* bytes of one string (longer: truncated) */
#define X509_DN_STR_MAX 16384	  /* bytes of one RFC 4514 string */
#define X509_LIST_MAX 1024	  /* entries of one list (more: parse error) */
#define X509_FILE_MAX (64u << 20) /* bytes of a file for x509_load_file */

/*
 * Decode one DER certificate. Never returns NULL. The result owns a copy of
 * the DER and its SHA-1/SHA-256 fingerprints even when decoding failed; then
 * parse_ok is 0, parse_error says which part could not be read and why, and
 * every other field is empty (path_len -1). A certificate fails only where
 * openssl fails too (the Certificate, TBSCertificate, Name or validity
 * structure is broken, or bytes follow the certificate); a bad version, date,
 * key or extension value is flagged in the model and the rest is read.
 * `der` may be NULL only when len is 0. Free with cert_info_free().
 */
struct cert_info *x509_decode(const uint8_t *der, size_t len);

/* Free a cert_info and everything it owns. Accepts NULL. */
void cert_info_free(struct cert_info *c);

/*
 * Does issuer's public key verify child's signature?
 * 1: yes. 0: no (wrong key, or a key of another type than the signature
 * algorithm, a tampered certificate, or a TBSCertificate naming another
 * algorithm than the signature). -1: could not be checked (either
 * certificate failed to parse, an algorithm tlsdiag does not check
 * (child->sig_known 0), a key that does not decode, or one over the sizes
 * openssl also refuses: RSA over 16384 bits, DSA over 10000).
 * RSA of every size (PKCS#1 v1.5 and PSS), ECDSA on prime curves (named
 * or given explicitly; not the binary sect* curves), Ed25519, Ed448 and
 * DSA are checked. Names, validity and CA flags are not
 * looked at. Results are memoised by the pair of fingerprints; thread-safe.
 */
int x509_verify_signature(const struct cert_info *child, const struct cert_info *issuer);

/*
 * Load every certificate from a file: PEM (any number of CERTIFICATE,
 * X509 CERTIFICATE, TRUSTED CERTIFICATE or PKCS7 blocks; other blocks and
 * text are skipped), one or more concatenated DER certificates, or a
 * PKCS#7 SignedData (.p7b/.p7c, DER, BER or PEM), as CUCM and Expressway
 * export them.
 *
 * *out and *n are always set (possibly to NULL, 0); the caller frees them
 * with x509_free_list() whatever the return value. Certificates that do
 * not decode are in the list with parse_ok 0.
 * Returns 0 when at least one certificate was found and nothing was
 * malformed; -1 otherwise, with a message in err (file unreadable or over
 * X509_FILE_MAX, no certificate found, the first malformed block or
 * certificate by number and line, and how many problems there were).
 */
int x509_load_file(const char *path, struct cert_info ***out, size_t *n, char *err, size_t errlen);

/* The same over bytes in memory; `name` prefixes messages. */
int x509_load_buffer(const uint8_t *buf, size_t len, const char *name, struct cert_info ***out,
		     size_t *n, char *err, size_t errlen);

/* Free a list from x509_load_file(). Accepts NULL. */
void x509_free_list(struct cert_info **v, size_t n);

/*
 * Write the certificate's DER, as PEM ("-----BEGIN CERTIFICATE-----",
 * base64 in 64-column lines) or raw. Return 0, or -1 on a write error or
 * an empty certificate.
 */
int x509_write_pem(FILE *f, const struct cert_info *c);
int x509_write_der(FILE *f, const struct cert_info *c);

/* SHA-256 of bytes (wolfCrypt), for keys such as the certificate cache's. */
void x509_sha256(const uint8_t *p, size_t n, uint8_t out[32]);

/*
 * The RFC 4514 string of a DER-encoded Name (as a CertificateRequest's
 * certificate_authorities list carries them), or NULL when it does not
 * decode. The caller frees it.
 */
char *x509_dn_string(const uint8_t *der, size_t len);

/*
 * Are two names the same name, compared as RFC 5280 §7.1 says (RDN by RDN,
 * attributes of an RDN in any order, string values after RFC 4518
 * preparation: any string type, case and runs of spaces do not matter)?
 * A certificate re-issued with its issuer name re-encoded (PrintableString
 * to UTF8String, other case or spacing) still links. 0 when either is empty
 * or NULL.
 */
int x509_dn_eq(const struct dn *a, const struct dn *b);

/* The same for a DER-encoded Name (a CertificateRequest's CA list entry);
 * 0 when it does not decode. */
int x509_dn_eq_der(const uint8_t *der, size_t len, const struct dn *b);

/*
 * Free what wolfCrypt keeps per thread for signature checks (its EC point
 * cache, in Debian's FP_ECC build). Call once at the end of every thread
 * that verified signatures, the main thread included.
 */
void x509_thread_done(void);

#endif

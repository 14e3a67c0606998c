/*
 * tls_msg.h - parsers for single TLS handshake messages, each reading one
 * message body (after the 4-byte handshake header) through a cursor. They
 * fill the session model and never print. Exposed for unit tests and
 * fuzzers; the stream machinery is dissect/tls.c.
 */
#ifndef TLSDIAG_TLS_MSG_H
#define TLSDIAG_TLS_MSG_H

#include "capture/cursor.h"
#include "capture/xalloc.h"
#include "dissect/certcache.h"
#include "dissect/session.h"

/* RFC 8446 §4.1.2 / RFC 5246 §7.4.1.2. Extensions decoded: server_name,
 * supported_groups, ec_point_formats, signature_algorithms, ALPN,
 * supported_versions. Fills ja3/ja4 too. */
PE_MUST_USE enum parse_err tls_parse_client_hello(struct cursor *body, struct tls_client_hello *ch);
/* RFC 6347 §4.2.1 / RFC 9147 §5.3: the DTLS ClientHello (a cookie after
 * the session id); sets ch->dtls. */
PE_MUST_USE enum parse_err dtls_parse_client_hello(struct cursor *body,
						   struct tls_client_hello *ch);
/* RFC 5246 Appendix E.2: SSLv2-compatible ClientHello (the whole record
 * after its 2-byte header). */
PE_MUST_USE enum parse_err tls_parse_sslv2_hello(struct cursor *rec, struct tls_client_hello *ch);
/* RFC 8446 §4.1.3 (HelloRetryRequest recognised by its random). */
PE_MUST_USE enum parse_err tls_parse_server_hello(struct cursor *body, struct tls_server_hello *sh);
/* RFC 5246 §7.4.2: certificate_list. With `partial`, a body cut short
 * (capture gap) still yields every certificate that is complete. */
PE_MUST_USE enum parse_err tls_parse_certificate(struct cursor *body, int partial,
						 struct cert_cache *cache, struct tls_chain *out);
/* Does a Certificate body (TLS 1.2 form) parse completely: the list's
 * length is the body's, and entries of DER that decodes tile it? No
 * side effect (nothing cached). */
int tls_certificate_parses(struct cursor body);
/* RFC 5246 §7.4.2 with a hole of exactly `hole` bytes in the body:
 * `before` is the body up to the hole, `after` what follows it (up to the
 * message's end when `after_whole`, else cut again). Every certificate
 * wholly before the hole; then, where the entry boundaries can be found
 * again after it (the entry cut by the hole announced its length, or one
 * position from which entries of complete, decodable DER tile the rest of
 * the list), every certificate after it. The lost entries go to
 * out->lost*; out->complete stays 0. */
PE_MUST_USE enum parse_err tls_parse_certificate_holed(struct span before, uint64_t hole,
						       struct span after, int after_whole,
						       struct cert_cache *cache,
						       struct tls_chain *out);
/* RFC 5246 §7.4.4 (RFC 4346 §7.4.4 before TLS 1.2: no signature algorithms).
 * Each CA name is kept as DER and named in RFC 4514 form (x509_dn_string). */
PE_MUST_USE enum parse_err tls_parse_cert_request(struct cursor *body, uint16_t version,
						  struct tls_cert_request *cr);
/* The TLS 1.3 forms (RFC 8446 §4.4.2, §4.3.2), read after decryption:
 * they fill the same chain and CertificateRequest as the TLS 1.2 ones. */
PE_MUST_USE enum parse_err tls13_parse_certificate(struct cursor *body, int partial,
						   struct cert_cache *cache, struct tls_chain *out);
PE_MUST_USE enum parse_err tls13_parse_cert_request(struct cursor *body,
						    struct tls_cert_request *cr);
/* RFC 8879 §4: CompressedCertificate (zlib, brotli, zstd), decompressed
 * (to at most 2^20 bytes) and read as a TLS 1.3 Certificate. */
PE_MUST_USE enum parse_err tls_parse_compressed_certificate(struct cursor *body,
							    struct cert_cache *cache,
							    struct tls_chain *out);
/* RFC 8446 §4.3.1: EncryptedExtensions; their types go to
 * sh->ee_extensions, the ALPN to sh->alpn. */
PE_MUST_USE enum parse_err tls13_parse_encrypted_extensions(struct cursor *body,
							    struct tls_server_hello *sh);
/* RFC 8446 §4.4.3 (and TLS 1.2, RFC 5246 §4.7): a CertificateVerify's
 * SignatureScheme. */
PE_MUST_USE enum parse_err tls_parse_cert_verify(struct cursor *body, uint16_t *alg);
/* RFC 8446 §4.1.3: the ServerHello.random of a HelloRetryRequest. */
extern const uint8_t tls_hrr_random[32];

/* RFC 8422 §5.4: the named curve of an ECDHE ServerKeyExchange. */
PE_MUST_USE enum parse_err tls_parse_ske_group(struct cursor *body, uint16_t *group);

/* GREASE values (RFC 8701) are left out of fingerprints. */
int tls_is_grease(uint16_t v);
/* JA3 (Salesforce) and JA4 (FoxIO) of a parsed ClientHello. */
void tls_fingerprint(struct tls_client_hello *ch);

/* The pieces of the JA3 and JA4 families, shared with the server side's
 * (JA3S, JA4S: rules/ids.c). */
/* Append the values in decimal joined by '-' (a JA3 field). */
void tls_ja3_join(struct dbuf *s, const struct u16list *l, int skip_grease);
/* MD5 of n bytes of s as 32 lowercase hex digits (JA3's hash). */
void tls_md5_hex(const char *s, size_t n, char out[33]);
/* The first 12 hex digits of SHA-256 of n bytes of s; twelve zeros when
 * n is 0 (JA4's hashed parts). */
void tls_ja4_hash12(const char *s, size_t n, char out[13]);
/* The values as 4-digit lowercase hex joined by ',', GREASE and `omit`
 * left out, sorted or in order; the count kept in *count (may be NULL).
 * The caller frees the string. */
char *tls_ja4_hex_list(const struct u16list *l, int sort, const uint16_t *omit, size_t nomit,
		       size_t *count);
/* A version in JA4's two characters: "13", "12", ..., "s3", "d2" (DTLS 1.2), "00"
 * unknown. */
const char *tls_ja4_version(uint16_t v);
/* An ALPN value in JA4's two characters: its first and last characters
 * when both are ASCII letters or digits, else the first and last digits
 * of its hex form; "00" for NULL or "". */
void tls_ja4_alpn(const char *alpn, char out[3]);

#endif

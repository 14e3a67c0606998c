/*
 * certcache.h - every distinct certificate of an analysis, decoded once.
 *
 * Keyed by a fast hash of the DER (hash table, confirmed by comparing the
 * DER): a certificate seen again costs no SHA-256 and no decoding. The
 * cache owns the cert_info it hands out. Each certcache_get() counts a
 * hold on the certificate, which certcache_put() drops (tls_session_free
 * does for a session's chains). Without a limit the same DER gives the
 * same pointer until certcache_free(); with one (certcache_set_limit),
 * certificates nobody holds and nobody asked for lately are freed, so a
 * long capture keeps only what its open sessions and recent traffic use.
 * Lookups are for one thread (the cache's); certcache_put from any.
 */
#ifndef TLSDIAG_CERTCACHE_H
#define TLSDIAG_CERTCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "dissect/cert.h"

/* Distinct certificates one cache holds (the ceiling of its growth). */
#define CERTCACHE_MAX (1u << 20)

struct cert_cache;

struct cert_cache *certcache_new(void);

/* Keep at most about `limit` certificates that no session holds (the
 * most recently used); 0 (the default): keep everything. */
void certcache_set_limit(struct cert_cache *cc, size_t limit);

/*
 * The decoded certificate for this DER (x509_decode() on first sight, so a
 * certificate that does not parse is an entry with parse_ok 0). Never
 * returns NULL: once CERTCACHE_MAX certificates are held, new ones get a
 * single shared placeholder (parse_ok 0, parse_error "certificate cache
 * full", no DER) that is not counted or iterated.
 */
struct cert_info *certcache_get(struct cert_cache *cc, const uint8_t *der, size_t len);

/* Drop one hold that certcache_get() counted (any thread; NULL, the
 * placeholder and certificates not from a cache are left alone). */
void certcache_put(struct cert_info *c);

/* Certificates the limit freed so far. */
uint64_t certcache_evicted(const struct cert_cache *cc);

/* Certificates held, and the i-th in order of first sight (NULL past the end). */
size_t certcache_count(const struct cert_cache *cc);
struct cert_info *certcache_at(const struct cert_cache *cc, size_t i);

/* Call fn for each certificate in order of first sight; stops early when
 * fn returns non-zero and returns that value, else 0. */
int certcache_foreach(const struct cert_cache *cc, int (*fn)(struct cert_info *c, void *arg),
		      void *arg);

/* Free the cache and every cert_info in it. Accepts NULL. */
void certcache_free(struct cert_cache *cc);

#endif

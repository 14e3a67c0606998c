/*
 * certcache.h - every distinct certificate of an analysis, decoded once.
 *
 * Keyed by the SHA-256 of the DER (hash table, confirmed by comparing the
 * DER). The cache owns the cert_info it hands out: the same DER gives the
 * same pointer until certcache_free(). Not thread-safe (one cache per
 * analysis).
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

/*
 * The decoded certificate for this DER (x509_decode() on first sight, so a
 * certificate that does not parse is an entry with parse_ok 0). Never
 * returns NULL: once CERTCACHE_MAX certificates are held, new ones get a
 * single shared placeholder (parse_ok 0, parse_error "certificate cache
 * full", no DER) that is not counted or iterated.
 */
struct cert_info *certcache_get(struct cert_cache *cc, const uint8_t *der, size_t len);

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

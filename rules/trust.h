/*
 * trust.h - the trust stores a run judges chains against.
 *
 * Global stores come from --trust PATH (repeatable; "system" is
 * /etc/ssl/certs/ca-certificates.crt) and are merged, in command-line order,
 * into one store that serves every receiver. Per-endpoint stores come from
 * --trust-for IP[:PORT]=PATH and serve only that receiver: the side that
 * validates a chain (the client for the server's chain, the server for the
 * client's chain). A binding with a port beats one without, which beats the
 * global store.
 *
 * Each file may be a PEM bundle, one or more DER certificates, a PKCS#7
 * (DER or PEM), or a directory of such files (read in name order, files
 * that hold no certificate skipped). A store keeps its certificates in load
 * order, without exact duplicates (same SHA-256): order matters, because
 * Expressway searches its trusted CA list by subject and stops at the first
 * match.
 *
 * A trust_ctx is immutable once trust_new() returns: batch workers may
 * share one without locking. It owns its certificates; chain views and
 * findings may point at them for as long as the context lives.
 */
#ifndef TLSDIAG_TRUST_H
#define TLSDIAG_TRUST_H

#include <stddef.h>

#include "capture/decode.h"
#include "dissect/cert.h"
#include "rules/settings.h"
#include "rules/finding.h"

#define TRUST_SYSTEM_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

struct trust_store {
	char *name;		  /* "expc-trusted-ca.pem", "system", or several
				     joined with ", " for the global store */
	char *bound_to;		  /* the --trust-for spec ("10.48.80.47:7001"), or
				     NULL for the global store */
	struct cert_info **certs; /* owned, load order, parse_ok only */
	size_t n;
};

struct cert_cache;

/*
 * Load every store of cfg. On success returns the context (possibly holding
 * no store at all when cfg names none) and appends lint findings to `lint`
 * (side -1, cert -1, basis predicted): trust_store_shadowing (two entries
 * with the same subject: which two, and which one wins), trust_store_expired
 * and trust_store_not_ca (warnings). `lint` may be NULL. Expiry is judged
 * at cfg->at when cfg->at_mode is AT_FIXED, else at the current time.
 * `cache` may be NULL; the context does not keep it.
 * Returns NULL with a message in err when a path is unreadable, holds no
 * certificate, or a --trust-for address is unusable.
 */
struct trust_ctx *trust_new(const struct analysis_config *cfg, struct cert_cache *cache,
			    struct session_report *lint, char *err, size_t errlen);

/* The store for a receiver (port-specific binding, then address-only, then
 * global), or NULL when there is none at all. `ctx` may be NULL. */
const struct trust_store *trust_for(const struct trust_ctx *ctx, const struct endpoint *receiver);

/* Number of stores (global counts as one), for "was any store given". */
size_t trust_count(const struct trust_ctx *ctx);

/* Store number i (0 .. trust_count()-1; the global store first), or NULL.
 * Rules use every store as the pool of known CA certificates, to name a
 * missing intermediate or root in advice. `ctx` may be NULL. */
const struct trust_store *trust_store_at(const struct trust_ctx *ctx, size_t i);

/* The certificates of `st` whose subject DN equals `dn` (DER), in store
 * order; returns the count and fills at most `max` entries of out. */
size_t trust_by_subject(const struct trust_store *st, const struct dn *dn,
			const struct cert_info **out, size_t max);

/* Is `c` in the store (same DER, or same subject and public key)? */
int trust_contains(const struct trust_store *st, const struct cert_info *c);

void trust_free(struct trust_ctx *ctx);

#endif

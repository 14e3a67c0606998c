/*
 * chain.h - rebuilding the path of a presented chain (RFC 5280 §6, the way
 * OpenSSL-based Expressway and Java-based CUCM do it in practice).
 *
 * Starting at the leaf (the first certificate sent), each next link is a
 * certificate whose subject DN equals the current certificate's issuer DN
 * (compared as RFC 5280 §7.1 says: x509_dn_eq()), whose SubjectKeyIdentifier equals the current
 * AuthorityKeyIdentifier when both are present, and whose key verifies the
 * current signature (x509_verify_signature). The presented chain is
 * searched first, then the receiver's trust store; the path ends at a
 * self-signed certificate or where no issuer is found. What the presented
 * chain holds beyond the path (unrelated certificates, duplicates) and
 * whether it was sent in path order are recorded.
 *
 * When the path stops short, every loaded store is searched as a pool of
 * known CA certificates, to name what is missing (the intermediate, the
 * root) in advice, and to tell "only an intermediate is missing" (the
 * receiver has the root: incomplete chain) from "the receiver does not
 * know this CA" (unknown CA).
 */
#ifndef TLSDIAG_CHAIN_H
#define TLSDIAG_CHAIN_H

#include <stddef.h>

#include "dissect/session.h"
#include "rules/finding.h"
#include "rules/trust.h"

#define CHAIN_MAX_KNOWN 8

/* What rules need beyond the chain_view. */
struct chain_result {
	int *dup_of;		     /* per presented cert: index of an earlier identical
				      cert, or -1 (owned) */
	size_t n_dup, n_extra;	     /* duplicates; certs off the path (not duplicates) */
	int bad_sig;		     /* presented index whose named issuer does not verify
				      it, or -1 */
	int leaf_self_signed;	     /* the leaf is its own issuer (and verifies) */
	int top_self_signed;	     /* the path ends at a self-signed certificate */
	const struct cert_info *top; /* last certificate of the path (presented or store) */
	int top_in_store;	     /* `top` is in the receiver's store */
	/* Expressway's first-match-by-subject: the store entry found first by
	 * subject (winner) is not the one that verifies (loser). */
	const struct cert_info *shadow_winner, *shadow_loser;
	/* The store holds a certificate with the subject of the (self-signed)
	 * top of the path but another key: a stale or re-generated copy. */
	const struct cert_info *stale_in_store;
	/* When the path stops short: CA certificates from any loaded store that
	 * continue it, leaf side first (not owned), and whether they reach a
	 * self-signed root, and whether that completion meets the receiver's
	 * store (then only intermediates are missing). */
	const struct cert_info *known[CHAIN_MAX_KNOWN];
	size_t n_known;
	int known_reaches_root;
	int known_meets_store;
};

/*
 * Fill `v` (zeroed by the caller) and `res` for chain `ch` as judged by a
 * receiver holding `store` (NULL: no store, reaches_trust -1). `pool` (may
 * be NULL) gives every loaded store for naming missing certificates.
 * Free with chain_result_free(); `v` is freed with the session report.
 */
void chain_build(struct chain_view *v, struct chain_result *res, const struct tls_chain *ch,
		 const struct trust_store *store, const struct trust_ctx *pool);

void chain_result_free(struct chain_result *res);

/*
 * (Re)make v->rows (rules/finding.h, struct chain_row) from the view's
 * path, store path and missing issuer and the presented chain `ch`.
 * `dup_of` (may be NULL) gives, per presented certificate, an earlier
 * identical one or -1. chain_build calls it; a view assembled by hand
 * (tests) calls it when it is complete. The rows point into v and ch.
 */
void chain_view_rows(struct chain_view *v, const struct tls_chain *ch, const int *dup_of);

/* Does `issuer` plausibly and verifiably issue `child`? 1 yes (signature
 * verified), 2 names and key ids match but the signature cannot be checked,
 * 0 names or key ids do not match, -1 names match but the signature fails. */
int chain_issued_by(const struct cert_info *child, const struct cert_info *issuer);

#endif

/*
 * chain.c - path rebuilding for a presented chain (rules/chain.h).
 *
 * DOMAIN §4, "Chain of trust": the leaf's issuer must chain through every
 * intermediate to a self-signed root in the receiver's trust store. Link by
 * issuer DN == subject DN, confirm with AKI == SKI and a signature check.
 * A store certificate that is not self-signed is not enough on its own
 * (OpenSSL, as on Expressway, keeps looking for the root: "intermediate
 * present but root missing: rejected").
 *
 * The trust store is searched the way Expressway does: by subject, in list
 * order. When the first entry with the wanted subject is not the one whose
 * key verifies, a generic validator would go on to the next entry but
 * Expressway stops: that is recorded as shadowing.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "dissect/x509.h"
#include "rules/chain.h"

#define STORE_CANDS 16

int chain_issued_by(const struct cert_info *child, const struct cert_info *issuer)
{
	int sig;

	if (!child->parse_ok || !issuer->parse_ok)
		return 0;
	if (!x509_dn_eq(&child->issuer, &issuer->subject))
		return 0;
	if (child->aki && issuer->ski &&
	    (child->aki_len != issuer->ski_len ||
	     memcmp(child->aki, issuer->ski, child->aki_len) != 0))
		return 0;
	sig = x509_verify_signature(child, issuer);
	if (sig == 1)
		return 1;
	if (sig == 0)
		return -1;
	return 2;
}

static int is_self_signed(const struct cert_info *c)
{
	int r;

	if (!c->parse_ok || !c->self_issued)
		return 0;
	r = chain_issued_by(c, c);
	return r == 1 || r == 2;
}

static int same_der(const struct cert_info *a, const struct cert_info *b)
{
	return memcmp(a->sha256, b->sha256, sizeof(a->sha256)) == 0;
}

/* Find the issuer of c in the store, Expressway style. Returns the cert
 * whose key verifies c (or NULL) and sets *winner to the first entry with
 * the subject when that is another certificate. */
static const struct cert_info *store_issuer(const struct trust_store *st, const struct cert_info *c,
					    const struct cert_info **winner)
{
	const struct cert_info *cands[STORE_CANDS];
	size_t n = trust_by_subject(st, &c->issuer, cands, STORE_CANDS), i;
	const struct cert_info *unverifiable = NULL;

	*winner = NULL;
	if (n > STORE_CANDS)
		n = STORE_CANDS;
	for (i = 0; i < n; i++) {
		int r = chain_issued_by(c, cands[i]);

		if (r == 1) {
			if (i > 0)
				*winner = cands[0];
			return cands[i];
		}
		if (r == 2 && !unverifiable)
			unverifiable = cands[i];
	}
	if (unverifiable && unverifiable != cands[0])
		*winner = cands[0];
	return unverifiable;
}

/* Search every loaded store for the issuer of c. */
static const struct cert_info *pool_issuer(const struct trust_ctx *pool, const struct cert_info *c)
{
	const struct cert_info *w, *best = NULL;
	size_t i;

	for (i = 0; i < trust_count(pool); i++) {
		const struct cert_info *f = store_issuer(trust_store_at(pool, i), c, &w);

		if (f && chain_issued_by(c, f) == 1)
			return f;
		if (f && !best)
			best = f;
	}
	return best;
}

static char *dn_copy(const struct dn *d)
{
	return xstrdup(d->rfc4514 && d->rfc4514[0] ? d->rfc4514 : "(empty name)");
}

/* Continue a path that stopped at `c` through the pool of known CAs. */
static void complete_from_pool(struct chain_result *res, const struct cert_info *c,
			       const struct trust_store *store, const struct trust_ctx *pool)
{
	size_t guard;

	for (guard = 0; guard < CHAIN_MAX_KNOWN && !is_self_signed(c); guard++) {
		const struct cert_info *f = pool_issuer(pool, c);
		size_t k;
		int loop = 0;

		if (!f)
			return;
		for (k = 0; k < res->n_known; k++)
			loop |= same_der(res->known[k], f);
		if (loop)
			return;
		res->known[res->n_known++] = f;
		if (store && trust_contains(store, f))
			res->known_meets_store = 1;
		c = f;
	}
	if (is_self_signed(c))
		res->known_reaches_root = 1;
}

void chain_build(struct chain_view *v, struct chain_result *res, const struct tls_chain *ch,
		 const struct trust_store *store, const struct trust_ctx *pool)
{
	size_t n = ch->n, i, j, nstore = 0;
	unsigned char *used;
	const struct cert_info *c;
	int cur; /* presented index of c, or -1 for a store certificate */

	memset(res, 0, sizeof(*res));
	res->bad_sig = -1;
	v->present = ch->present;
	v->n = n;
	v->reaches_trust = store ? 0 : -1;
	v->in_order = 1;
	if (store)
		v->trust_store_name = xstrdup(store->name);
	if (n == 0) {
		chain_view_rows(v, ch, NULL);
		return;
	}

	v->status = xcalloc(n, sizeof(*v->status));
	v->problems = xcalloc(n, sizeof(*v->problems));
	v->path = xcalloc(n, sizeof(*v->path));
	res->dup_of = xcalloc(n, sizeof(*res->dup_of));
	used = xcalloc(n, 1);
	for (i = 0; i < n; i++) {
		v->status[i] = ch->certs[i]->parse_ok ? CS_UNCHECKED : CS_UNPARSEABLE;
		res->dup_of[i] = -1;
		for (j = 0; j < i && res->dup_of[i] < 0; j++)
			if (same_der(ch->certs[j], ch->certs[i]))
				res->dup_of[i] = (int)j;
		if (res->dup_of[i] >= 0)
			res->n_dup++;
	}

	c = ch->certs[0];
	cur = 0;
	v->path[v->path_len++] = 0;
	used[0] = 1;
	if (!c->parse_ok) {
		res->top = c;
		goto done;
	}
	res->leaf_self_signed = is_self_signed(c);
	for (;;) {
		int best = -1, best_r = 0, bad = -1;
		const struct cert_info *sc = NULL, *winner = NULL;

		if (is_self_signed(c)) {
			res->top_self_signed = 1;
			if (cur >= 0)
				v->root_sent = 1;
			if (store) {
				const struct cert_info *cands[STORE_CANDS];
				size_t nc = trust_by_subject(store, &c->subject, cands,
							     STORE_CANDS);

				res->top_in_store = cur < 0 || trust_contains(store, c);
				if (res->top_in_store && nc > 0 && !same_der(cands[0], c) &&
				    cur >= 0 && chain_issued_by(c, cands[0]) != 1) {
					/* the first entry by subject is another key */
					res->shadow_winner = cands[0];
					for (i = 0; i < nc && i < STORE_CANDS; i++)
						if (same_der(cands[i], c) ||
						    chain_issued_by(c, cands[i]) == 1)
							res->shadow_loser = cands[i];
					if (!res->shadow_loser)
						res->shadow_loser = c;
				}
				if (!res->top_in_store && nc > 0)
					res->stale_in_store = cands[0];
				if (cur >= 0)
					v->status[cur] = res->top_in_store ? CS_TRUSTED_ROOT
									   : CS_UNTRUSTED_ROOT;
				v->reaches_trust = res->top_in_store;
			}
			break;
		}
		/* 1. the presented chain */
		for (j = 0; j < n; j++) {
			int r;

			if (used[j] || res->dup_of[j] >= 0 || !ch->certs[j]->parse_ok)
				continue;
			r = chain_issued_by(c, ch->certs[j]);
			if (r == 1) {
				/* verified: no need to try the rest (a hostile chain of
				 * 64 same-named certificates stays at 64 checks a step) */
				best = (int)j;
				best_r = 1;
				break;
			} else if (r == 2 && best < 0) {
				best = (int)j;
				best_r = 2;
			} else if (r == -1 && bad < 0) {
				bad = (int)j;
			}
		}
		/* Expressway looks in its trusted list first; a verified store
		 * issuer beats an unverifiable presented one. */
		if (store && best_r != 1)
			sc = store_issuer(store, c, &winner);
		if (sc && (best < 0 || chain_issued_by(c, sc) == 1)) {
			if (winner && !res->shadow_winner) {
				res->shadow_winner = winner;
				res->shadow_loser = sc;
			}
			if (cur >= 0)
				v->status[cur] = CS_TRUSTED_VIA_STORE;
			if (nstore >= CHAIN_MAX_KNOWN * 2)
				break; /* a loop through the store */
			v->store_path = xreallocarray(v->store_path, nstore + 1,
						      sizeof(*v->store_path));
			v->store_path[nstore++] = (struct cert_info *)sc;
			v->n_store_path = nstore;
			c = sc;
			cur = -1;
			continue;
		}
		if (best >= 0) {
			if (cur >= 0)
				v->status[cur] = CS_LINKED;
			used[best] = 1;
			v->path[v->path_len++] = (size_t)best;
			c = ch->certs[best];
			cur = best;
			continue;
		}
		/* no issuer */
		if (bad >= 0 && cur >= 0) {
			v->status[cur] = CS_BAD_SIGNATURE;
			res->bad_sig = cur;
		} else if (cur >= 0) {
			/* Without a store, an issuer not sent is not missing:
			 * nobody looked for it (and a root is never sent). In
			 * a message the capture holds in part it may lie
			 * after the gap: not judged. */
			v->status[cur] = v->partial ? CS_UNCHECKED
					 : store    ? CS_ISSUER_MISSING
						    : CS_ISSUER_NOT_SENT;
		}
		v->missing_issuer = dn_copy(&c->issuer);
		if (c->ca_issuers.n > 0)
			v->missing_issuer_url = xstrdup(c->ca_issuers.v[0]);
		break;
	}
	res->top = c;
	if (!res->top_self_signed && res->bad_sig < 0)
		complete_from_pool(res, c, store, pool);

done:
	for (i = 0; i < v->path_len; i++)
		if (v->path[i] != i)
			v->in_order = 0;
	for (i = 0; i < n; i++) {
		if (used[i])
			continue;
		if (v->status[i] != CS_UNPARSEABLE)
			v->status[i] = CS_EXTRA;
		if (res->dup_of[i] < 0)
			res->n_extra++;
	}
	if (!res->top_self_signed && v->missing_issuer)
		v->ends_at = xstrdup(v->missing_issuer);
	else
		v->ends_at = dn_copy(&res->top->subject);
	free(used);
	chain_view_rows(v, ch, res->dup_of);
}

static struct chain_row *row_add(struct chain_view *v, enum chain_row_kind kind, size_t depth)
{
	struct chain_row *w = &v->rows[v->n_rows++];

	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->depth = depth;
	w->index = w->dup_of = w->status = -1;
	return w;
}

static void head_add(struct chain_view *v, enum tone tone, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void head_add(struct chain_view *v, enum tone tone, const char *fmt, ...)
{
	va_list ap;
	int len;
	char *t;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	t = xcalloc((size_t)len + 1, 1);
	va_start(ap, fmt);
	vsnprintf(t, (size_t)len + 1, fmt, ap);
	va_end(ap);
	v->head = xreallocarray(v->head, v->n_head + 1, sizeof(*v->head));
	v->head[v->n_head].text = t;
	v->head[v->n_head++].tone = tone;
}

/* "2 certificates sent, root not sent (normal); checked against X:
 * does not reach a trusted root", in spans. */
static void chain_view_head(struct chain_view *v, const struct tls_chain *ch, int judged)
{
	size_t n = ch->n;

	for (size_t i = 0; i < v->n_head; i++)
		free(v->head[i].text);
	free(v->head);
	v->head = NULL;
	v->n_head = 0;
	if (!ch->present)
		return;
	if (v->partial || !ch->complete) {
		/* Never "empty", never a count: part of it is not there. */
		char miss[96] = "";

		if (v->missing && v->msg_len)
			snprintf(miss, sizeof(miss), ": %llu of its %u bytes are missing",
				 (unsigned long long)v->missing, v->msg_len);
		if (n == 0)
			head_add(v, TONE_WARN,
				 "only partly captured%s, so no certificate could be read", miss);
		else if (ch->lost && ch->lost_at < n)
			/* Decoded on both sides of the hole (dissect/tls_hs.c). */
			head_add(v, TONE_WARN,
				 "only partly captured%s; %s%zu certificate%s lost in the gap, "
				 "%zu read around it",
				 miss, ch->lost_exact ? "" : "at least ", ch->lost,
				 ch->lost == 1 ? "" : "s", n);
		else
			head_add(v, TONE_WARN,
				 "only partly captured%s; %zu certificate%s read before the gap%s",
				 miss, n, n == 1 ? "" : "s",
				 v->more_sent ? ", more were sent" : "");
		head_add(v, TONE_DIM, "; the chain cannot be judged as a whole");
		return;
	}
	if (n == 0) {
		head_add(v, TONE_WARN, "empty: no certificate sent");
		return;
	}
	head_add(v, TONE_PLAIN, "%zu certificate%s sent", n, n == 1 ? "" : "s");
	if (!judged)
		return;
	head_add(v, TONE_PLAIN, v->root_sent ? ", root sent" : ", root not sent (normal)");
	if (!v->in_order)
		head_add(v, TONE_WARN, ", out of order");
	if (v->trust_store_name) {
		head_add(v, TONE_PLAIN, "; checked against %s: ", v->trust_store_name);
		if (v->reaches_trust == 1)
			head_add(v, TONE_GOOD, "reaches a trusted root");
		else
			head_add(v, TONE_BAD, "does not reach a trusted root");
	} else {
		head_add(v, TONE_DIM, "; not checked: no trust store given");
	}
}

void chain_view_rows(struct chain_view *v, const struct tls_chain *ch, const int *dup_of)
{
	size_t n = ch->n, depth = 0, i, k;
	int judged = v->present && v->path_len > 0;
	unsigned char *on_path;
	struct chain_row *w;

	free(v->rows);
	v->rows = NULL;
	v->n_rows = 0;
	chain_view_head(v, ch, judged);
	if (n == 0)
		return;
	v->rows = xcalloc(n + v->n_store_path + 1, sizeof(*v->rows));
	on_path = xcalloc(n, 1);
	for (k = 0; k < (judged ? v->path_len : n); k++) {
		i = judged ? v->path[k] : k;
		if (i >= n || on_path[i])
			continue;
		on_path[i] = 1;
		w = row_add(v, ROW_SENT, depth++);
		w->index = (int)i;
		w->cert = ch->certs[i];
		w->status = judged && v->status && i < v->n ? (int)v->status[i] : -1;
	}
	for (k = 0; judged && k < v->n_store_path; k++)
		row_add(v, ROW_STORE, depth++)->cert = v->store_path[k];
	/* A partly captured message may hold the issuer after the gap. */
	if (judged && v->missing_issuer && !v->partial) {
		w = row_add(v, ROW_MISSING, depth);
		w->name = v->missing_issuer;
		w->url = v->missing_issuer_url;
		if (v->reaches_trust == -1) {
			/* Nobody looked for it: not sending the root is normal. */
			w->tag = "not sent";
			w->note = "not checked: no trust store given";
			w->tone = TONE_DIM;
		} else {
			w->tag = "missing";
			w->note = "neither sent nor in the receiver's trust store";
			w->tone = TONE_BAD;
		}
	}
	for (i = 0; i < n; i++) {
		if (on_path[i])
			continue;
		w = row_add(v, dup_of && dup_of[i] >= 0 ? ROW_DUPLICATE : ROW_EXTRA, 0);
		w->index = (int)i;
		w->dup_of = dup_of ? dup_of[i] : -1;
		w->cert = ch->certs[i];
		w->status = v->status && i < v->n ? (int)v->status[i] : -1;
	}
	free(on_path);
}

void chain_result_free(struct chain_result *res)
{
	if (!res)
		return;
	free(res->dup_of);
	memset(res, 0, sizeof(*res));
	res->bad_sig = -1;
}

/*
 * rule_chain.c - the rules about a presented chain as a whole (DOMAIN §4,
 * "Chain of trust" and "Order"): sent out of order or with unrelated and
 * duplicate certificates (chain_out_of_order); a self-signed leaf; a trust
 * store that shadows the right CA by subject (Expressway's first match);
 * and whether the chain reaches the receiver's store: unknown_ca, or
 * incomplete_chain when only an intermediate is missing. Without a trust
 * store only structure is judged.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "capture/xalloc.h"
#include "rules/rule_int.h"
#include "rules/trust.h"

/* The names of known certificates that would complete the path, for
 * "add that root and the intermediate ...". */
static char *known_missing_text(const struct chain_result *res)
{
	struct dbuf t;
	size_t i, ninter = 0;

	if (res->n_known == 0)
		return NULL;
	dbuf_init(&t, DBUF_TEXT_MAX);
	if (res->known_reaches_root) {
		dbuf_addf(&t, "the root %s", rule_dn(&res->known[res->n_known - 1]->subject));
		ninter = res->n_known - 1;
	} else {
		ninter = res->n_known;
	}
	for (i = 0; i < ninter; i++)
		dbuf_addf(&t,
			  i == 0 ? (t.len ? " and the intermediate %s" : "the intermediate %s")
				 : ", %s",
			  rule_dn(&res->known[i]->subject));
	return dbuf_take(&t);
}

/* The organisation of a DN: its O values, or its DC components joined. */
static int dn_org_eq(const struct dn *a, const struct dn *b)
{
	size_t i, j, ia = 0, ib = 0;
	int dc_a = 0, dc_b = 0, dc_same = 1;

	for (i = 0; i < a->nattrs; i++) {
		if (!a->attrs[i].oid || !a->attrs[i].value)
			continue;
		if (strcmp(a->attrs[i].oid, OID_O) == 0)
			for (j = 0; j < b->nattrs; j++)
				if (b->attrs[j].oid && b->attrs[j].value &&
				    strcmp(b->attrs[j].oid, OID_O) == 0 &&
				    strcasecmp(a->attrs[i].value, b->attrs[j].value) == 0)
					return 1;
	}
	/* DC sequences, in order */
	for (;;) {
		while (ia < a->nattrs &&
		       (!a->attrs[ia].oid || strcmp(a->attrs[ia].oid, OID_DC) != 0))
			ia++;
		while (ib < b->nattrs &&
		       (!b->attrs[ib].oid || strcmp(b->attrs[ib].oid, OID_DC) != 0))
			ib++;
		if (ia >= a->nattrs || ib >= b->nattrs)
			break;
		dc_a++;
		dc_b++;
		if (!a->attrs[ia].value || !b->attrs[ib].value ||
		    strcasecmp(a->attrs[ia].value, b->attrs[ib].value) != 0)
			dc_same = 0;
		ia++;
		ib++;
	}
	while (ia < a->nattrs)
		dc_a += a->attrs[ia].oid && strcmp(a->attrs[ia++].oid, OID_DC) == 0;
	while (ib < b->nattrs)
		dc_b += b->attrs[ib].oid && strcmp(b->attrs[ib++].oid, OID_DC) == 0;
	return dc_a > 0 && dc_a == dc_b && dc_same;
}

static const struct cert_info *same_org_in_store(const struct trust_store *st, const struct dn *d)
{
	size_t i;

	for (i = 0; st && i < st->n; i++)
		if (st->certs[i]->has_basic_constraints && st->certs[i]->is_ca &&
		    dn_org_eq(&st->certs[i]->subject, d))
			return st->certs[i];
	return NULL;
}

static int last_path_index(const struct chain_view *v)
{
	return v->path_len ? (int)v->path[v->path_len - 1] : 0;
}

void rule_chain_order(struct rule_eval *e, int side)
{
	const struct tls_chain *ch = &e->s->chain[side];
	const struct chain_view *v = &e->r->chain[side];
	const struct chain_result *res = &e->cr[side];
	struct dbuf msg;
	char *adv, *own, whose[96];
	int first = -1;
	size_t i;

	if (v->in_order && res->n_extra == 0 && res->n_dup == 0)
		return;
	dbuf_init(&msg, DBUF_TEXT_MAX);
	for (i = 0; i < v->path_len && first < 0; i++)
		if (v->path[i] != i)
			first = (int)i;
	for (i = 0; i < ch->n && first < 0; i++)
		if (v->status[i] == CS_EXTRA || (i > 0 && v->status[i] == CS_UNPARSEABLE))
			first = (int)i;
	rule_whose(e, side, whose, sizeof(whose));
	dbuf_addf(&msg, "%s chain was sent as:", whose);
	for (i = 0; i < ch->n; i++)
		dbuf_addf(&msg, " #%zu %s%s", i,
			  ch->certs[i]->parse_ok ? rule_dn(&ch->certs[i]->subject)
						 : "(a certificate that could not be decoded)",
			  i + 1 < ch->n ? ";" : ".");
	if (!v->in_order) {
		dbuf_addstr(&msg, " The issuer path is");
		for (i = 0; i < v->path_len; i++)
			dbuf_addf(&msg, "%s#%zu", i ? " -> " : " ", v->path[i]);
		dbuf_addstr(&msg, ": each certificate must be followed by its issuer.");
	}
	for (i = 0; i < ch->n; i++) {
		if (v->status[i] != CS_EXTRA)
			continue;
		if (res->dup_of[i] >= 0)
			dbuf_addf(&msg, " #%zu is a duplicate of #%d.", i, res->dup_of[i]);
		else
			dbuf_addf(&msg, " #%zu is not on the path from the leaf.", i);
	}
	own = advice_own_cert(&e->svc, side);
	adv = xasprintf("Send the leaf first, then each intermediate in order (its issuer next), "
			"and nothing unrelated: rebuild the certificate chain file. %s",
			own);
	report_add(e->r, "chain_out_of_order", SEV_WARNING, side, first < 0 ? 0 : first,
		   BASIS_PREDICTED, "Certificate", ch->frame, dbuf_str(&msg), adv);
	free(own);
	free(adv);
	dbuf_free(&msg);
}

void rule_chain_trust(struct rule_eval *e, int side)
{
	const struct tls_chain *ch = &e->s->chain[side];
	const struct chain_view *v = &e->r->chain[side];
	const struct chain_result *res = &e->cr[side];
	const struct trust_store *st = e->store[side];
	int recv = 1 - side;
	char who_r[128], who_p[128], ra[80];
	struct dbuf msg;
	char *adv = NULL, *at = NULL, *own = NULL, *known = NULL;
	const char *url = v->missing_issuer_url;
	int last = last_path_index(v);

	/* an undecodable or lost leaf: nothing can be said about its path */
	if (!ch->certs[0]->parse_ok || chain_leaf_lost(ch))
		return;
	dbuf_init(&msg, DBUF_TEXT_MAX);
	rule_who(e, recv, who_r, sizeof(who_r));
	rule_who(e, side, who_p, sizeof(who_p));
	rule_addr(e->s, recv, ra, sizeof(ra));

	if (res->leaf_self_signed) {
		/* Pinned in the receiver's store it works, but every peer must hold
		 * this exact certificate and each regeneration breaks them all. */
		int pinned = st && res->top_in_store && !res->shadow_winner;

		at = advice_trust(&e->svc, recv);
		own = advice_own_cert(&e->svc, side);
		if (pinned)
			dbuf_addf(&msg,
				  "The certificate of %s (%s) is self-signed; the trust store given "
				  "for %s holds this exact certificate, so it is accepted, but every "
				  "peer must hold it and regenerating it breaks them all.",
				  who_p, rule_dn(&ch->certs[0]->subject), ra);
		else
			dbuf_addf(&msg,
				  "The certificate of %s (%s) is self-signed: %s accepts it only if "
				  "this exact certificate is in its trust list.",
				  who_p, rule_dn(&ch->certs[0]->subject), who_r);
		adv = xasprintf("Prefer a certificate issued by a CA both sides trust. %s To keep the "
				"self-signed one: %s",
				own, at);
		report_add(e->r, "self_signed_leaf", pinned ? SEV_INFO : SEV_WARNING, side, 0,
			   BASIS_PREDICTED, "issuer", ch->frame, dbuf_str(&msg), adv);
		dbuf_reset(&msg);
		free(adv);
		free(at);
		free(own);
		adv = at = own = NULL;
	}

	if (st && res->shadow_winner) {
		at = advice_trust(&e->svc, recv);
		dbuf_addf(&msg,
			  "The trust store given for %s (%s) holds two certificates with the subject %s. "
			  "Expressway searches by subject and stops at the first match: it finds SHA-256 "
			  "%.16s... (valid to %s), whose key does not verify the chain of %s (certificate "
			  "#%d), and never reaches SHA-256 %.16s... (valid to %s), which would.",
			  ra, v->trust_store_name, rule_dn(&res->shadow_winner->subject),
			  res->shadow_winner->sha256_hex, res->shadow_winner->not_after_str, who_p,
			  last, res->shadow_loser->sha256_hex, res->shadow_loser->not_after_str);
		adv = xasprintf(
			"Delete the certificate that shadows the right one (or re-issue one of the "
			"two so that the subjects differ; CUCM's self-signed tomcat and CallManager "
			"certificates share the node's name). %s",
			at);
		/* about the store, not a certificate of the chain: session-wide (the
		 * message names the chain it breaks) */
		report_add(e->r, "trust_store_shadowing", SEV_ERROR, -1, -1, BASIS_PREDICTED,
			   "issuer", ch->frame, dbuf_str(&msg), adv);
		goto out;
	}

	if (!st) {
		/* Structure only: a path that stops although the peer sent more
		 * certificates, or a named issuer whose key does not verify. */
		if (res->bad_sig >= 0) {
			dbuf_addf(&msg,
				  "%s sent certificate #%d with an issuer named %s, but the "
				  "certificate it sent under that name does not verify #%d's "
				  "signature (an old or wrong intermediate).",
				  who_p, res->bad_sig, rule_dn(&ch->certs[res->bad_sig]->issuer),
				  res->bad_sig);
		} else if (!res->top_self_signed && res->n_extra > 0 && v->missing_issuer) {
			dbuf_addf(&msg,
				  "%s sent %zu certificates but not the issuer of #%d: %s is missing "
				  "between them.",
				  who_p, ch->n, last, v->missing_issuer);
		} else {
			goto out;
		}
		if (url)
			dbuf_addf(&msg, " The missing certificate can be downloaded from %s.", url);
		own = advice_own_cert(&e->svc, side);
		adv = xasprintf("Add the right intermediate to the chain %s sends. %s",
				service_role(&e->svc, side), own);
		report_add(e->r, "incomplete_chain", SEV_WARNING, side,
			   res->bad_sig >= 0 ? res->bad_sig : last, BASIS_PREDICTED, "issuer",
			   ch->frame, dbuf_str(&msg), adv);
		goto out;
	}

	if (v->reaches_trust == 1)
		goto out;

	at = advice_trust(&e->svc, recv);
	own = advice_own_cert(&e->svc, side);
	known = known_missing_text(res);
	if (res->top_self_signed) {
		/* an untrusted root (or self-signed leaf) */
		dbuf_addf(&msg,
			  "The chain of %s ends at %s, which is not in the trust store given for "
			  "%s (%s).",
			  who_p, rule_dn(&res->top->subject), ra, v->trust_store_name);
		if (res->stale_in_store)
			dbuf_addf(&msg,
				  " The store holds another certificate with that subject but a different "
				  "key (SHA-256 %.16s...): the CA was re-generated, or an old copy was "
				  "uploaded.",
				  res->stale_in_store->sha256_hex);
		/* Advice fragments are whole sentences: they follow each other,
		 * never inside parentheses ("...peer). (the root"). */
		adv = xasprintf("%s The root to add is %s. Or have %s present a certificate from a "
				"CA that %s already trusts.",
				at, rule_dn(&res->top->subject), service_role(&e->svc, side),
				service_role(&e->svc, recv));
		report_add(e->r, "unknown_ca", SEV_ERROR, side, last, BASIS_PREDICTED, "issuer",
			   ch->frame, dbuf_str(&msg), adv);
		goto out;
	}
	if (res->known_meets_store) {
		/* The receiver trusts the root; only intermediates are missing. */
		dbuf_addf(&msg,
			  "%s did not send the intermediate %s, and the trust store given for %s "
			  "(%s) does not hold it, although it trusts %s%s.",
			  who_p, v->missing_issuer, ra, v->trust_store_name,
			  res->known_reaches_root ? rule_dn(&res->known[res->n_known - 1]->subject)
						  : "the CA above it",
			  res->known_reaches_root ? ", the root above it" : "");
		if (url)
			dbuf_addf(&msg,
				  " The intermediate can be downloaded from %s (the AIA caIssuers "
				  "of certificate #%d).",
				  url, last);
		adv = xasprintf("Either add the intermediate %s to the chain %s sends, or add it "
				"to the trust list of %s. For the chain: %s For the trust list: %s",
				v->missing_issuer, service_role(&e->svc, side),
				service_role(&e->svc, recv), own, at);
		report_add(e->r, "incomplete_chain", SEV_ERROR, side, last, BASIS_PREDICTED,
			   "issuer", ch->frame, dbuf_str(&msg), adv);
		goto out;
	}
	if (res->n_known == 0 && res->bad_sig < 0 && res->top) {
		/* Nothing loaded holds the missing issuer. When the receiver trusts a
		 * CA of the same organisation (O, or the DC name), the missing piece
		 * is most likely an intermediate of that CA: public and enterprise
		 * roots do not issue leaves directly. */
		const struct cert_info *kin = same_org_in_store(st, &res->top->issuer);

		if (kin) {
			dbuf_addf(&msg,
				  "%s did not send the issuer of certificate #%d, %s, and the trust "
				  "store given for %s (%s) does not hold it. The store does trust %s "
				  "of the same organisation: most likely only the intermediate is "
				  "missing.",
				  who_p, last, v->missing_issuer, ra, v->trust_store_name,
				  rule_dn(&kin->subject));
			if (url)
				dbuf_addf(&msg,
					  " The intermediate can be downloaded from %s (the AIA "
					  "caIssuers of certificate #%d).",
					  url, last);
			adv = xasprintf("Add the intermediate %s to the chain %s sends. %s Clients with "
					"a fixed CA list (phones over MRA) can only be fixed this way; "
					"others can also get it in their trust list. %s",
					v->missing_issuer, service_role(&e->svc, side), own, at);
			report_add(e->r, "incomplete_chain", SEV_ERROR, side, last, BASIS_PREDICTED,
				   "issuer", ch->frame, dbuf_str(&msg), adv);
			goto out;
		}
	}
	if (res->bad_sig >= 0)
		dbuf_addf(&msg,
			  "%s sent certificate #%d with an issuer named %s, but the certificate "
			  "sent under that name does not verify its signature, and the trust store "
			  "given for %s (%s) has no certificate that does.",
			  who_p, res->bad_sig, rule_dn(&ch->certs[res->bad_sig]->issuer), ra,
			  v->trust_store_name);
	else if (known && res->known_reaches_root)
		dbuf_addf(&msg,
			  "The chain of %s ends at %s, which is not in the trust store given for "
			  "%s (%s).",
			  who_p, rule_dn(&res->known[res->n_known - 1]->subject), ra,
			  v->trust_store_name);
	else
		dbuf_addf(&msg,
			  "The chain of %s ends at %s: that issuer was not sent and is not in "
			  "the trust store given for %s (%s).",
			  who_p, v->missing_issuer, ra, v->trust_store_name);
	if (known) {
		char *k = xasprintf(" To trust it, %s needs %s.", service_role(&e->svc, recv),
				    known);

		dbuf_addf(&msg, "%s", k);
		free(k);
	} else if (side == SIDE_SERVER && v->missing_issuer) {
		char *kin = rule_cr_kin(e->s, v->missing_issuer);

		if (kin) {
			dbuf_addf(&msg,
				  " %s's own CertificateRequest (frame %llu) lists %s of the same "
				  "organisation: most likely the root above it, and %s needs both.",
				  service_role(&e->svc, side), (unsigned long long)e->s->cr.frame,
				  kin, service_role(&e->svc, recv));
			free(known);
			known = xasprintf("the root %s and the intermediate %s", kin,
					  v->missing_issuer);
			free(kin);
		}
	}
	if (url)
		dbuf_addf(&msg, " The missing issuer can be downloaded from %s.", url);
	adv = xasprintf("%s%s%s%s Or have %s present a certificate from a CA that %s already "
			"trusts.",
			at, known ? " Upload " : "", known ? known : "", known ? "." : "",
			service_role(&e->svc, side), service_role(&e->svc, recv));
	report_add(e->r, "unknown_ca", SEV_ERROR, side, last, BASIS_PREDICTED, "issuer", ch->frame,
		   dbuf_str(&msg), adv);
out:
	dbuf_free(&msg);
	free(adv);
	free(at);
	free(own);
	free(known);
}

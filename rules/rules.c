/*
 * rules.c - from one dissected TLS session to its report (rules/rules.h):
 * chain views, findings with evidence and advice, the verdict and the
 * headline. The finding ids are those of DOMAIN §5.
 *
 * Order of work:
 *   1. the service on the server port (roles, mutual TLS, Cisco UC);
 *   2. the time validity is judged at, and the name the client dialled;
 *   3. each presented chain rebuilt against its RECEIVER's trust store
 *      (the client judges the server's chain and vice versa);
 *   4. predicted findings: chain trust and structure (here), every
 *      certificate (rule_cert.c), names, client authentication, capture
 *      limits;
 *   5. observed findings: fatal alerts, tied to the chain they answer and,
 *      where the predictions agree, to the reason (rule_alert.c);
 *   6. verdict and headline.
 *
 * Without a trust store no rule invents an unknown CA: only structure is
 * judged, and an observed alert is reported as what the peer said.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "capture/xalloc.h"
#include "rules/rule_int.h"
#include "rules/trust.h"

/* ------------------------------------------------------------ helpers */

const char *rule_addr(const struct tls_session *s, int side, char *buf, size_t len)
{
	return endpoint_addr_str(side == SIDE_CLIENT ? &s->client : &s->server, buf, len);
}

const char *rule_who(const struct rule_eval *e, int side, char *buf, size_t len)
{
	char a[80];

	snprintf(buf, len, "%s %s", service_role(&e->svc, side), rule_addr(e->s, side, a, sizeof(a)));
	return buf;
}

const char *rule_whose(const struct rule_eval *e, int side, char *buf, size_t len)
{
	snprintf(buf, len, "%s's", service_role(&e->svc, side));
	return buf;
}

char *rule_cap(char *s)
{
	if (s && s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
	return s;
}

const char *rule_dn(const struct dn *d)
{
	return d->rfc4514 && d->rfc4514[0] ? d->rfc4514 : "(empty name)";
}

const char *rule_day(time_t t, char buf[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%d", &tm);
	return buf;
}

static time_t ns_to_time(int64_t ns)
{
	return (time_t)(ns / 1000000000);
}

/* ------------------------------------------------------------ expected name */

static int endpoint_addr_match(const struct endpoint *a, const struct endpoint *b)
{
	return a->family == b->family &&
	       memcmp(a->addr, b->addr, a->family == 6 ? 16 : 4) == 0;
}

static char *spec_target(const struct target_value *tv)
{
	const char *eq;
	char buf[80];

	if (tv->spec && (eq = strchr(tv->spec, '=')) != NULL)
		return xstrndup(tv->spec, (size_t)(eq - tv->spec));
	if (tv->spec)
		return xstrdup(tv->spec);
	return xstrdup(tv->ep.port ? endpoint_str(&tv->ep, buf, sizeof(buf))
				   : endpoint_addr_str(&tv->ep, buf, sizeof(buf)));
}

static void set_ip_name(struct rule_eval *e, const char *name)
{
	uint8_t a[16];

	if (inet_pton(AF_INET, name, a) == 1) {
		e->name_is_ip = 1;
		e->name_ip_family = 4;
		memset(e->name_ip, 0, sizeof(e->name_ip));
		memcpy(e->name_ip, a, 4);
	} else if (inet_pton(AF_INET6, name, a) == 1) {
		e->name_is_ip = 1;
		e->name_ip_family = 6;
		memcpy(e->name_ip, a, 16);
	}
}

/* Did the client reject the server's chain with an alert a failed name
 * check gives (bad_certificate, certificate_unknown)? */
static int client_rejected_name(const struct tls_session *s)
{
	size_t i;

	for (i = 0; i < s->n_alerts; i++) {
		const struct tls_alert *a = &s->alerts[i];

		if (a->side != SIDE_CLIENT || a->encrypted || a->level != 2)
			continue;
		if (a->desc == 42 || a->desc == 46)
			return s->chain[SIDE_SERVER].present && s->chain[SIDE_SERVER].n > 0;
	}
	return 0;
}

static void expected_name(struct rule_eval *e)
{
	const struct tls_session *s = e->s;
	const struct analysis_config *cfg = e->ctx->cfg;
	struct session_report *r = e->r;
	const struct target_value *best = NULL;
	size_t i;

	if (s->ch.sni && s->ch.sni[0]) {
		r->expected_name = xstrdup(s->ch.sni);
		r->expected_name_source = xstrdup("SNI");
		set_ip_name(e, s->ch.sni);
		return;
	}
	for (i = 0; cfg && i < cfg->n_names; i++) {
		const struct target_value *tv = &cfg->names[i];

		if (!tv->value || !endpoint_addr_match(&tv->ep, &s->server))
			continue;
		if (tv->ep.port == s->server.port) {
			best = tv;
			break;
		}
		if (tv->ep.port == 0 && !best)
			best = tv;
	}
	if (best) {
		char *t = spec_target(best);

		r->expected_name = xstrdup(best->value);
		r->expected_name_source = xasprintf("--name %s", t);
		free(t);
		set_ip_name(e, best->value);
		return;
	}
	if (e->ctx->dns && (!cfg || cfg->keep_dns)) {
		const struct dns_seen *d = NULL;

		for (i = 0; i < e->ctx->dns->n; i++) {
			const struct dns_seen *x = &e->ctx->dns->v[i];

			if (x->family != s->server.family ||
			    memcmp(x->addr, s->server.addr, x->family == 6 ? 16 : 4) != 0)
				continue;
			if (x->ts_ns > s->start_ts || !x->name[0])
				continue;
			if (!d || x->ts_ns >= d->ts_ns)
				d = x;
		}
		if (d) {
			r->expected_name = xstrndup(d->name, strnlen(d->name, sizeof(d->name)));
			r->expected_name_source =
				xasprintf("DNS answer (frame %llu)", (unsigned long long)d->frame);
			return;
		}
	}
	/* Nothing names the server: the client is taken to have dialled its
	 * address (a zone or trunk peer configured by IP). Where clients often
	 * send no SNI anyway, only when it then rejected the server's chain
	 * the way a failed name check does. */
	if (!e->svc.trust_by_cert && s->server.family &&
	    (!e->svc.sni_optional || client_rejected_name(s))) {
		char a[80];

		r->expected_name = xstrdup(rule_addr(s, SIDE_SERVER, a, sizeof(a)));
		r->expected_name_source =
			xstrdup("server address (no SNI, no --name, no DNS answer in the capture)");
		e->name_is_ip = 1;
		e->name_ip_family = s->server.family;
		memcpy(e->name_ip, s->server.addr, 16);
		e->name_from_rejection = e->svc.sni_optional;
	}
}

/* ------------------------------------------------------------ chain trust */

static void append(char **buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void append(char **buf, const char *fmt, ...)
{
	va_list ap;
	char *n = NULL, *j;

	va_start(ap, fmt);
	if (vasprintf(&n, fmt, ap) < 0)
		n = NULL;
	va_end(ap);
	j = xasprintf("%s%s", *buf ? *buf : "", n ? n : "");
	free(n);
	free(*buf);
	*buf = j;
}

/* The names of known certificates that would complete the path, for
 * "add that root and the intermediate ...". */
static char *known_missing_text(const struct chain_result *res)
{
	char *t = NULL;
	size_t i, ninter = 0;

	if (res->n_known == 0)
		return NULL;
	if (res->known_reaches_root) {
		append(&t, "the root %s", rule_dn(&res->known[res->n_known - 1]->subject));
		ninter = res->n_known - 1;
	} else {
		ninter = res->n_known;
	}
	for (i = 0; i < ninter; i++) {
		append(&t, i == 0 ? (t ? " and the intermediate %s" : "the intermediate %s") : ", %s",
		       rule_dn(&res->known[i]->subject));
	}
	return t;
}

/* The organisation of a DN: its O values, or its DC components joined. */
static int dn_org_eq(const struct dn *a, const struct dn *b)
{
	static const char O[] = "2.5.4.10", DC[] = "0.9.2342.19200300.100.1.25";
	size_t i, j, ia = 0, ib = 0;
	int dc_a = 0, dc_b = 0, dc_same = 1;

	for (i = 0; i < a->nattrs; i++) {
		if (!a->attrs[i].oid || !a->attrs[i].value)
			continue;
		if (strcmp(a->attrs[i].oid, O) == 0)
			for (j = 0; j < b->nattrs; j++)
				if (b->attrs[j].oid && b->attrs[j].value &&
				    strcmp(b->attrs[j].oid, O) == 0 &&
				    strcasecmp(a->attrs[i].value, b->attrs[j].value) == 0)
					return 1;
	}
	/* DC sequences, in order */
	for (;;) {
		while (ia < a->nattrs && (!a->attrs[ia].oid || strcmp(a->attrs[ia].oid, DC) != 0))
			ia++;
		while (ib < b->nattrs && (!b->attrs[ib].oid || strcmp(b->attrs[ib].oid, DC) != 0))
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
		dc_a += a->attrs[ia].oid && strcmp(a->attrs[ia++].oid, DC) == 0;
	while (ib < b->nattrs)
		dc_b += b->attrs[ib].oid && strcmp(b->attrs[ib++].oid, DC) == 0;
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

/* Length of the first RDN of an RFC 4514 string (up to the first
 * unescaped comma), or the whole length. */
static size_t first_rdn_len(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		if (s[i] == '\\' && s[i + 1]) {
			i++;
			continue;
		}
		if (s[i] == ',')
			return i;
	}
	return i;
}

/* Names in the server's CertificateRequest that differ from `dn` only in
 * their first (most specific) RDN: the same organisation's other CAs, most
 * likely the root of `dn` (the server lists what it trusts, its own CA
 * among them). "a; b", or NULL. */
char *rule_cr_kin(const struct tls_session *s, const char *dn)
{
	size_t i, k = first_rdn_len(dn);
	char *out = NULL;

	if (!s->cr.present || !dn[k])
		return NULL;
	for (i = 0; i < s->cr.n_ca; i++) {
		const char *c = s->cr.ca_names ? s->cr.ca_names[i] : NULL;
		size_t ck;

		if (!c || strcmp(c, dn) == 0)
			continue;
		ck = first_rdn_len(c);
		if (c[ck] && strcasecmp(c + ck, dn + k) == 0)
			append(&out, out ? "; %s" : "%s", c);
	}
	return out;
}

static int last_path_index(const struct chain_view *v)
{
	return v->path_len ? (int)v->path[v->path_len - 1] : 0;
}

static void rule_chain_order(struct rule_eval *e, int side)
{
	const struct tls_chain *ch = &e->s->chain[side];
	const struct chain_view *v = &e->r->chain[side];
	const struct chain_result *res = &e->cr[side];
	char *msg = NULL, *adv, *own, whose[96];
	int first = -1;
	size_t i;

	if (v->in_order && res->n_extra == 0 && res->n_dup == 0)
		return;
	for (i = 0; i < v->path_len && first < 0; i++)
		if (v->path[i] != i)
			first = (int)i;
	for (i = 0; i < ch->n && first < 0; i++)
		if (v->status[i] == CS_EXTRA || (i > 0 && v->status[i] == CS_UNPARSEABLE))
			first = (int)i;
	rule_whose(e, side, whose, sizeof(whose));
	append(&msg, "%s chain was sent as:", whose);
	for (i = 0; i < ch->n; i++) {
		char *item = xasprintf(" #%zu %s%s", i,
				       ch->certs[i]->parse_ok ? rule_dn(&ch->certs[i]->subject)
							      : "(a certificate that could not be decoded)",
				       i + 1 < ch->n ? ";" : ".");
		append(&msg, "%s", item);
		free(item);
	}
	if (!v->in_order) {
		append(&msg, "%s", " The issuer path is");
		for (i = 0; i < v->path_len; i++) {
			char n[32];

			snprintf(n, sizeof(n), "%s#%zu", i ? " -> " : " ", v->path[i]);
			append(&msg, "%s", n);
		}
		append(&msg, "%s", ": each certificate must be followed by its issuer.");
	}
	for (i = 0; i < ch->n; i++) {
		char n[96];

		if (v->status[i] != CS_EXTRA)
			continue;
		if (res->dup_of[i] >= 0)
			snprintf(n, sizeof(n), " #%zu is a duplicate of #%d.", i, res->dup_of[i]);
		else
			snprintf(n, sizeof(n), " #%zu is not on the path from the leaf.", i);
		append(&msg, "%s", n);
	}
	own = advice_own_cert(&e->svc, side);
	adv = xasprintf("Send the leaf first, then each intermediate in order (its issuer next), "
			"and nothing unrelated: rebuild the certificate chain file. %s",
			own);
	report_add(e->r, "chain_out_of_order", SEV_WARNING, side, first < 0 ? 0 : first,
		   BASIS_PREDICTED, "Certificate", ch->frame, rule_cap(msg), adv);
	free(own);
	free(adv);
	free(msg);
}

static void rule_chain_trust(struct rule_eval *e, int side)
{
	const struct tls_chain *ch = &e->s->chain[side];
	const struct chain_view *v = &e->r->chain[side];
	const struct chain_result *res = &e->cr[side];
	const struct trust_store *st = e->store[side];
	int recv = 1 - side;
	char who_r[128], who_p[128], ra[80];
	char *msg = NULL, *adv = NULL, *at = NULL, *own = NULL, *known = NULL;
	const char *url = v->missing_issuer_url;
	int last = last_path_index(v);

	/* an undecodable leaf: nothing can be said about its path */
	if (!ch->certs[0]->parse_ok)
		return;
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
			msg = xasprintf("The certificate of %s (%s) is self-signed; the trust store given "
					"for %s holds this exact certificate, so it is accepted, but every "
					"peer must hold it and regenerating it breaks them all.",
					who_p, rule_dn(&ch->certs[0]->subject), ra);
		else
			msg = xasprintf("The certificate of %s (%s) is self-signed: %s accepts it only if "
					"this exact certificate is in its trust list.",
					who_p, rule_dn(&ch->certs[0]->subject), who_r);
		adv = xasprintf("Prefer a certificate issued by a CA both sides trust. %s To keep the "
				"self-signed one: %s",
				own, at);
		report_add(e->r, "self_signed_leaf", pinned ? SEV_INFO : SEV_WARNING, side, 0,
			   BASIS_PREDICTED, "issuer", ch->frame, msg, adv);
		free(msg);
		free(adv);
		free(at);
		free(own);
		msg = adv = at = own = NULL;
	}

	if (st && res->shadow_winner) {
		at = advice_trust(&e->svc, recv);
		msg = xasprintf(
			"The trust store given for %s (%s) holds two certificates with the subject %s. "
			"Expressway searches by subject and stops at the first match: it finds SHA-256 "
			"%.16s... (valid to %s), whose key does not verify the chain of %s (certificate "
			"#%d), and never reaches SHA-256 %.16s... (valid to %s), which would.",
			ra, v->trust_store_name, rule_dn(&res->shadow_winner->subject),
			res->shadow_winner->sha256_hex, res->shadow_winner->not_after_str, who_p, last,
			res->shadow_loser->sha256_hex, res->shadow_loser->not_after_str);
		adv = xasprintf("Delete the certificate that shadows the right one (or re-issue one of the "
				"two so that the subjects differ; CUCM's self-signed tomcat and CallManager "
				"certificates share the node's name). %s",
				at);
		/* about the store, not a certificate of the chain: session-wide (the
		 * message names the chain it breaks) */
		report_add(e->r, "trust_store_shadowing", SEV_ERROR, -1, -1, BASIS_PREDICTED,
			   "issuer", ch->frame, msg, adv);
		goto out;
	}

	if (!st) {
		/* Structure only: a path that stops although the peer sent more
		 * certificates, or a named issuer whose key does not verify. */
		if (res->bad_sig >= 0) {
			msg = xasprintf("%s sent certificate #%d with an issuer named %s, but the "
					"certificate it sent under that name does not verify #%d's "
					"signature (an old or wrong intermediate).",
					who_p, res->bad_sig, rule_dn(&ch->certs[res->bad_sig]->issuer),
					res->bad_sig);
		} else if (!res->top_self_signed && res->n_extra > 0 && v->missing_issuer) {
			msg = xasprintf("%s sent %zu certificates but not the issuer of #%d: %s is missing "
					"between them.",
					who_p, ch->n, last, v->missing_issuer);
		} else {
			goto out;
		}
		if (url)
			append(&msg, " The missing certificate can be downloaded from %s.", url);
		own = advice_own_cert(&e->svc, side);
		adv = xasprintf("Add the right intermediate to the chain %s sends. %s",
				service_role(&e->svc, side), own);
		report_add(e->r, "incomplete_chain", SEV_WARNING, side, res->bad_sig >= 0 ? res->bad_sig : last,
			   BASIS_PREDICTED, "issuer", ch->frame, rule_cap(msg), adv);
		goto out;
	}

	if (v->reaches_trust == 1)
		goto out;

	at = advice_trust(&e->svc, recv);
	own = advice_own_cert(&e->svc, side);
	known = known_missing_text(res);
	if (res->top_self_signed) {
		/* an untrusted root (or self-signed leaf) */
		msg = xasprintf("The chain of %s ends at %s, which is not in the trust store given for "
				"%s (%s).",
				who_p, rule_dn(&res->top->subject), ra, v->trust_store_name);
		if (res->stale_in_store)
			append(&msg,
			       " The store holds another certificate with that subject but a different "
			       "key (SHA-256 %.16s...): the CA was re-generated, or an old copy was "
			       "uploaded.",
			       res->stale_in_store->sha256_hex);
		adv = xasprintf("%s (the root %s). Or have %s present a certificate from a CA "
				"that %s already trusts.",
				at, rule_dn(&res->top->subject), service_role(&e->svc, side),
				service_role(&e->svc, recv));
		report_add(e->r, "unknown_ca", SEV_ERROR, side, last, BASIS_PREDICTED, "issuer",
			   ch->frame, msg, adv);
		goto out;
	}
	if (res->known_meets_store) {
		/* The receiver trusts the root; only intermediates are missing. */
		msg = xasprintf("%s did not send the intermediate %s, and the trust store given for %s "
				"(%s) does not hold it, although it trusts %s%s.",
				who_p, v->missing_issuer, ra, v->trust_store_name,
				res->known_reaches_root
					? rule_dn(&res->known[res->n_known - 1]->subject)
					: "the CA above it",
				res->known_reaches_root ? ", the root above it" : "");
		if (url)
			append(&msg, " The intermediate can be downloaded from %s (the AIA caIssuers "
				     "of certificate #%d).", url, last);
		adv = xasprintf("Either add the intermediate %s to the chain %s sends (%s), or add it "
				"to the trust list of %s: %s",
				v->missing_issuer, service_role(&e->svc, side), own,
				service_role(&e->svc, recv), at);
		report_add(e->r, "incomplete_chain", SEV_ERROR, side, last, BASIS_PREDICTED, "issuer",
			   ch->frame, rule_cap(msg), adv);
		goto out;
	}
	if (res->n_known == 0 && res->bad_sig < 0 && res->top) {
		/* Nothing loaded holds the missing issuer. When the receiver trusts a
		 * CA of the same organisation (O, or the DC name), the missing piece
		 * is most likely an intermediate of that CA: public and enterprise
		 * roots do not issue leaves directly. */
		const struct cert_info *kin = same_org_in_store(st, &res->top->issuer);

		if (kin) {
			msg = xasprintf("%s did not send the issuer of certificate #%d, %s, and the trust "
					"store given for %s (%s) does not hold it. The store does trust %s "
					"of the same organisation: most likely only the intermediate is "
					"missing.",
					who_p, last, v->missing_issuer, ra, v->trust_store_name,
					rule_dn(&kin->subject));
			if (url)
				append(&msg, " The intermediate can be downloaded from %s (the AIA "
					     "caIssuers of certificate #%d).", url, last);
			adv = xasprintf("Add the intermediate %s to the chain %s sends (%s). Clients with "
					"a fixed CA list (phones over MRA) can only be fixed this way; "
					"others can also get it in their trust list: %s",
					v->missing_issuer, service_role(&e->svc, side), own, at);
			report_add(e->r, "incomplete_chain", SEV_ERROR, side, last, BASIS_PREDICTED,
				   "issuer", ch->frame, rule_cap(msg), adv);
			goto out;
		}
	}
	if (res->bad_sig >= 0)
		msg = xasprintf("%s sent certificate #%d with an issuer named %s, but the certificate "
				"sent under that name does not verify its signature, and the trust store "
				"given for %s (%s) has no certificate that does.",
				who_p, res->bad_sig, rule_dn(&ch->certs[res->bad_sig]->issuer), ra,
				v->trust_store_name);
	else if (known && res->known_reaches_root)
		msg = xasprintf("The chain of %s ends at %s, which is not in the trust store given for "
				"%s (%s).",
				who_p, rule_dn(&res->known[res->n_known - 1]->subject), ra,
				v->trust_store_name);
	else
		msg = xasprintf("The chain of %s ends at %s: that issuer was not sent and is not in "
				"the trust store given for %s (%s).",
				who_p, v->missing_issuer, ra, v->trust_store_name);
	if (known) {
		char *k = xasprintf(" To trust it, %s needs %s.", service_role(&e->svc, recv), known);

		append(&msg, "%s", k);
		free(k);
	} else if (side == SIDE_SERVER && v->missing_issuer) {
		char *kin = rule_cr_kin(e->s, v->missing_issuer);

		if (kin) {
			append(&msg,
			       " %s's own CertificateRequest (frame %llu) lists %s of the same "
			       "organisation: most likely the root above it, and %s needs both.",
			       service_role(&e->svc, side), (unsigned long long)e->s->cr.frame, kin,
			       service_role(&e->svc, recv));
			free(known);
			known = xasprintf("the root %s and the intermediate %s", kin, v->missing_issuer);
			free(kin);
		}
	}
	if (url)
		append(&msg, " The missing issuer can be downloaded from %s.", url);
	adv = xasprintf("%s%s%s%s Or have %s present a certificate from a CA that %s already "
			"trusts.",
			at, known ? " Upload " : "", known ? known : "", known ? "." : "",
			service_role(&e->svc, side), service_role(&e->svc, recv));
	report_add(e->r, "unknown_ca", SEV_ERROR, side, last, BASIS_PREDICTED, "issuer", ch->frame,
		   rule_cap(msg), adv);
out:
	free(msg);
	free(adv);
	free(at);
	free(own);
	free(known);
}

/* ------------------------------------------------------------ session rules */

static void rule_tls13(struct rule_eval *e)
{
	if (!tls_handshake_hidden(e->s))
		return;
	/* side: the chain a user looks for is the server's (the client's, if
	 * any, is hidden too) */
	report_add(e->r, "certs_not_visible_tls13", SEV_INFO, SIDE_SERVER, -1, BASIS_OBSERVED,
		   "ServerHello",
		   e->s->sh.frame,
		   "This session negotiated TLS 1.3: the certificates (and the CertificateRequest and "
		   "most alerts) are encrypted, so they cannot be checked from the capture.",
		   "To see the certificates, capture a handshake limited to TLS 1.2 (for a test, "
		   "restrict the client or server to TLS 1.2), or have the client write its keys "
		   "with SSLKEYLOGFILE and decrypt the capture.");
}

/* Key-log decryption, when a key log was given: what it showed, or why
 * it showed nothing (where there was something to show). */
static void rule_decryption(struct rule_eval *e)
{
	const struct tls_session *s = e->s;
	const struct tls_decryption *dc = &s->decrypt;
	char cr[65], *msg = NULL, who[128];
	int hidden_alert = 0;
	size_t i;

	for (i = 0; i < s->n_alerts; i++)
		hidden_alert |= s->alerts[i].encrypted;
	for (i = 0; i < 32; i++)
		snprintf(cr + 2 * i, 3, "%02x", dc->client_random[i]);
	switch (dc->status) {
	case DECRYPT_NONE:
		return;
	case DECRYPT_OK: {
		if (dc->records[0] + dc->records[1] == 0)
			return; /* the secrets are there, but no protected record was captured */
		const char *src = dc->keys_from_capture
					  ? " stored in the capture (a pcapng Decryption Secrets Block)"
					  : "";
		char fin[256] = "";
		if (tls_finished_verified(s))
			snprintf(fin, sizeof(fin), " Both Finished messages match the handshake as "
						   "captured: the keys are right and nothing was altered.");
		else
			for (int side = SIDE_CLIENT; side <= SIDE_SERVER; side++)
				if (dc->finished[side] && !dc->finished_ok[side]) {
					rule_whose(e, side, who, sizeof(who));
					snprintf(fin, sizeof(fin),
						 " %s Finished does not match the handshake as captured "
						 "(a handshake message is missing from the capture, or was "
						 "altered).",
						 who);
				}
		msg = xasprintf("This session was decrypted with the key log%s: %s%s%s", src,
				s->tls13 ? "its certificates, CertificateRequest, Finished messages and "
					   "alerts are read and judged as in TLS 1.2."
					 : "its encrypted Finished messages and alerts are read.",
				fin,
				dc->failed[0] + dc->failed[1]
					? " Some later records could not be decrypted (lost or damaged in "
					  "the capture) and stay encrypted."
					: "");
		report_add(e->r, "decrypted_with_keylog", SEV_INFO, -1, -1, BASIS_OBSERVED, "key log",
			   s->sh.frame, msg, "");
		break;
	}
	case DECRYPT_NO_KEYS:
	case DECRYPT_UNSUPPORTED:
		if (!s->tls13 && !hidden_alert)
			return; /* nothing was hidden that keys would have shown */
		if (dc->status == DECRYPT_NO_KEYS)
			msg = xasprintf("The key log has no secrets for this session (ClientHello random "
					"%s), so %s stay encrypted.",
					cr, s->tls13 ? "its certificates and alerts" : "its alerts");
		else
			msg = xasprintf("The key log has secrets for this session (ClientHello random "
					"%s), but its cipher suite or version (%s, %s) is not one tlsdiag "
					"decrypts.",
					cr, tls_cipher_str(s->sh.cipher) ? tls_cipher_str(s->sh.cipher) : "?",
					tls_version_str(s->version));
		report_add(e->r, "not_decrypted", SEV_INFO, -1, -1, BASIS_OBSERVED, "key log",
			   s->sh.frame, msg,
			   dc->status == DECRYPT_NO_KEYS
				   ? "Give the key log that this session's client (or server) wrote at the "
				     "time of the capture: a key log only holds the sessions its program made."
				   : "");
		break;
	case DECRYPT_WRONG_KEY:
		if (dc->failed_side == SIDE_CLIENT || dc->failed_side == SIDE_SERVER) {
			rule_whose(e, dc->failed_side, who, sizeof(who));
			msg = xasprintf("The key log has secrets for this session (ClientHello random %s), "
					"but they do not decrypt it: %s record in frame %llu fails "
					"authentication (AEAD tag or MAC), so nothing of it was read.",
					cr, who, (unsigned long long)dc->failed_frame);
		} else {
			msg = xasprintf("The key log has secrets for this session (ClientHello random %s), "
					"but they cannot be its keys (their length does not fit its cipher "
					"suite), so nothing of it was read.",
					cr);
		}
		report_add(e->r, "not_decrypted", SEV_INFO, -1, -1, BASIS_OBSERVED, "key log",
			   dc->failed_frame ? dc->failed_frame : s->sh.frame, msg,
			   "The secrets logged for this ClientHello random belong to another session or "
			   "were damaged: use the key log written at the time of this capture.");
		break;
	}
	free(msg);
}

static int is_dn_in_request(const struct tls_cert_request *cr, const struct dn *d)
{
	size_t i;

	for (i = 0; i < cr->n_ca; i++)
		if (cr->ca_der_len[i] == d->der_len && d->der_len > 0 &&
		    memcmp(cr->ca_der[i], d->der, d->der_len) == 0)
			return 1;
	return 0;
}

static int server_fatal_alert(const struct tls_session *s)
{
	for (size_t i = 0; i < s->n_alerts; i++)
		if (s->alerts[i].side == SIDE_SERVER && !s->alerts[i].encrypted &&
		    s->alerts[i].level == 2)
			return 1;
	return 0;
}

static void rule_client_auth(struct rule_eval *e)
{
	const struct tls_session *s = e->s;
	const struct tls_chain *cc = &s->chain[SIDE_CLIENT];
	const struct chain_view *v = &e->r->chain[SIDE_CLIENT];
	char who_c[128], who_s[128], *msg, *adv, *own;
	size_t i;

	if (!s->cr.present)
		return;
	rule_who(e, SIDE_CLIENT, who_c, sizeof(who_c));
	rule_who(e, SIDE_SERVER, who_s, sizeof(who_s));
	if (cc->present && cc->n == 0) {
		/* A TLS 1.3 client finishes its side of the handshake before the
		 * server judges its Certificate: a fatal alert then is a refusal. */
		int accepted = s->handshake_done && !server_fatal_alert(s);

		own = advice_own_cert(&e->svc, SIDE_CLIENT);
		msg = xasprintf("%s asked for a client certificate (CertificateRequest, frame %llu) and "
				"%s sent an empty Certificate message%s.",
				who_s, (unsigned long long)s->cr.frame, who_c,
				accepted ? "; the server went on without one" : "");
		adv = xasprintf("Configure %s with a certificate (and its key) that %s trusts, with the "
				"clientAuth EKU. %s",
				service_role(&e->svc, SIDE_CLIENT), service_role(&e->svc, SIDE_SERVER),
				own);
		report_add(e->r, "client_cert_missing", accepted ? SEV_WARNING : SEV_ERROR, SIDE_CLIENT,
			   -1, BASIS_PREDICTED, "Certificate", cc->frame, rule_cap(msg), adv);
		free(msg);
		free(adv);
		free(own);
		return;
	}
	if (!cc->present || cc->n == 0 || s->cr.n_ca == 0)
		return;
	/* Acceptable when any issuer on the client's path (or any CA it sent)
	 * is one of the names the server listed. */
	for (i = 0; i < cc->n; i++) {
		const struct cert_info *c = cc->certs[i];

		if (!c->parse_ok)
			continue;
		if (is_dn_in_request(&s->cr, &c->issuer))
			return;
		if (i > 0 && is_dn_in_request(&s->cr, &c->subject))
			return;
	}
	for (i = 0; i < v->n_store_path; i++)
		if (is_dn_in_request(&s->cr, &v->store_path[i]->subject) ||
		    is_dn_in_request(&s->cr, &v->store_path[i]->issuer))
			return;
	if (!cc->certs[0]->parse_ok)
		return;
	msg = xasprintf("%s's CertificateRequest (frame %llu) lists %zu acceptable CA name%s (",
			who_s, (unsigned long long)s->cr.frame, s->cr.n_ca, s->cr.n_ca == 1 ? "" : "s");
	for (i = 0; i < s->cr.n_ca && i < 6; i++) {
		char *t = xasprintf("%s%s%s", msg, i ? "; " : "",
				    s->cr.ca_names && s->cr.ca_names[i] ? s->cr.ca_names[i] : "?");
		free(msg);
		msg = t;
	}
	{
		char *t = xasprintf("%s%s), but %s's certificate is issued by %s, which is not among "
				    "them: the server is unlikely to accept it.",
				    msg, s->cr.n_ca > 6 ? "; ..." : "", who_c,
				    rule_dn(&cc->certs[0]->issuer));
		free(msg);
		msg = t;
	}
	own = advice_trust(&e->svc, SIDE_SERVER);
	adv = xasprintf("Either add the client certificate's CA to the server's trust list (%s), or "
			"give %s a certificate from one of the listed CAs.",
			own, service_role(&e->svc, SIDE_CLIENT));
	report_add(e->r, "ca_not_acceptable", SEV_ERROR, SIDE_CLIENT, 0, BASIS_PREDICTED, "issuer",
		   s->cr.frame, rule_cap(msg), adv);
	free(msg);
	free(adv);
	free(own);
}

static void rule_gaps(struct rule_eval *e)
{
	const struct tls_session *s = e->s;
	int done[2] = { 0, 0 };
	size_t i;

	for (i = 0; i < s->n_notes; i++) {
		const struct tls_note *n = &s->notes[i];
		int side = n->side == SIDE_SERVER ? SIDE_SERVER : n->side == SIDE_CLIENT ? SIDE_CLIENT : -1;
		char who[128], *msg;

		if (n->kind != NOTE_GAP || !n->in_handshake)
			continue;
		if (side >= 0 && done[side])
			continue;
		if (side >= 0) {
			done[side] = 1;
			rule_who(e, side, who, sizeof(who));
		} else {
			snprintf(who, sizeof(who), "one side");
		}
		msg = xasprintf("The capture lost %llu byte%s sent by %s during the handshake (frame "
				"%llu%s%s): the handshake is incomplete in the capture, so what follows "
				"it cannot be fully judged.",
				(unsigned long long)n->bytes, n->bytes == 1 ? "" : "s", who,
				(unsigned long long)n->frame, n->text ? "; " : "", n->text ? n->text : "");
		report_add(e->r, "capture_gap", SEV_WARNING, side, -1, BASIS_OBSERVED, "TCP", n->frame,
			   rule_cap(msg),
			   "Capture again on the host itself or on a SPAN port that is not "
			   "oversubscribed, with a full snapshot length (tcpdump -s 0) and a large "
			   "enough buffer (tcpdump -B 16384); capture from before the connection opens.");
		free(msg);
	}
}

/* ------------------------------------------------------------ verdict */

static int has_fatal_alert(const struct session_report *r)
{
	size_t i;

	for (i = 0; i < r->nf; i++)
		if (strcmp(r->f[i].id, "fatal_alert") == 0)
			return 1;
	return 0;
}

static const char *incomplete_reason(const struct tls_session *s)
{
	size_t i;

	for (i = 0; i < s->n_notes; i++)
		if (s->notes[i].kind == NOTE_GAP && s->notes[i].in_handshake)
			return "the capture lost data during the handshake";
	for (i = 0; i < s->n_notes; i++)
		if (s->notes[i].kind == NOTE_MIDSTREAM)
			return "the capture starts after the handshake began";
	if (s->flow_midstream && !s->ch.present)
		return "the capture starts after the handshake began";
	if (s->handshake_done || (s->app_data[0] && s->app_data[1]))
		return NULL;
	for (i = 0; i < s->n_notes; i++)
		if (s->notes[i].kind == NOTE_TRUNCATED)
			return "the capture ends inside a handshake message";
	if (!s->sh.present)
		return "no ServerHello was seen";
	if (!s->tls13 && !s->chain[SIDE_SERVER].present && !s->ccs[SIDE_SERVER])
		return "the server's Certificate was not seen";
	return "the handshake did not complete and no alert was sent (the connection closed or "
	       "the capture ended)";
}

static void set_verdict(struct rule_eval *e)
{
	struct session_report *r = e->r;
	const struct finding *w = report_worst(r);
	const char *why = incomplete_reason(e->s);

	if ((w && w->sev == SEV_ERROR) || has_fatal_alert(r))
		r->verdict = VERDICT_FAILED;
	else if (why)
		r->verdict = VERDICT_INCOMPLETE;
	else if (w && w->sev == SEV_WARNING)
		r->verdict = VERDICT_WARNING;
	else
		r->verdict = VERDICT_OK;

	if (r->headline)
		goto asof;
	{
		char c[128], sv[128];
		const char *ver = e->s->version ? tls_version_str(e->s->version) : "TLS";

		rule_who(e, SIDE_CLIENT, c, sizeof(c));
		rule_who(e, SIDE_SERVER, sv, sizeof(sv));
		if (r->verdict == VERDICT_INCOMPLETE)
			r->headline = xasprintf("%s handshake between %s and %s not seen completely: %s.",
						ver, c, sv, why);
		else if (w && w->sev >= SEV_WARNING)
			r->headline = xasprintf("%s", w->message);
		else if (tls_handshake_hidden(e->s))
			/* Nothing failed, but nothing about the certificates could
			 * be checked either: say so rather than "no problems". */
			r->headline = xasprintf("%s handshake between %s and %s completed; its "
						"certificates are encrypted (TLS 1.3) and could not "
						"be checked from the capture.",
						ver, c, sv);
		else
			r->headline = xasprintf("%s handshake between %s and %s: no problems found.",
						ver, c, sv);
		rule_cap(r->headline);
	}
asof:
	if (e->asof_note) {
		char *h = xasprintf("%s %s", r->headline, e->asof_note);

		free(r->headline);
		r->headline = rule_cap(h);
	}
}

static void count_problems(struct session_report *r)
{
	size_t i;

	for (i = 0; i < r->nf; i++) {
		const struct finding *f = &r->f[i];
		struct chain_view *v;

		if (f->side != SIDE_CLIENT && f->side != SIDE_SERVER)
			continue;
		v = &r->chain[f->side];
		if (f->cert >= 0 && (size_t)f->cert < v->n && v->problems)
			v->problems[f->cert]++;
	}
}

/* ------------------------------------------------------------ entry point */

void rules_evaluate(const struct rules_ctx *ctx, struct session_report *r)
{
	struct rule_eval e;
	const struct tls_session *s = r->s;
	const struct analysis_config *cfg = ctx->cfg;
	int side;

	memset(&e, 0, sizeof(e));
	e.ctx = ctx;
	e.r = r;
	e.s = s;
	e.now = ctx->now ? ctx->now : time(NULL);
	service_get(cfg, s->server.port, &e.svc);
	r->service = e.svc.name;
	r->cisco_uc = e.svc.cisco_uc;
	if (cfg && cfg->at_mode == AT_FIXED)
		e.at = cfg->at;
	else if (cfg && cfg->at_mode == AT_NOW) {
		e.at = e.now;
		e.at_is_now = 1;
	} else
		e.at = s->start_ts ? ns_to_time(s->start_ts) : e.now;
	r->judged_at = e.at;

	expected_name(&e);

	for (side = SIDE_CLIENT; side <= SIDE_SERVER; side++) {
		const struct endpoint *receiver = side == SIDE_SERVER ? &s->client : &s->server;

		e.store[side] = trust_for(ctx->trust, receiver);
		chain_build(&r->chain[side], &e.cr[side], &s->chain[side], e.store[side], ctx->trust);
	}

	rule_tls13(&e);
	rule_decryption(&e);
	for (side = SIDE_SERVER; side >= SIDE_CLIENT; side--) {
		const struct tls_chain *ch = &s->chain[side];

		if (!ch->present || ch->n == 0)
			continue;
		/* A chain the capture cut short cannot be judged for structure. */
		if (ch->complete) {
			rule_chain_order(&e, side);
			rule_chain_trust(&e, side);
		}
		rule_certs(&e, side);
		if (side == SIDE_SERVER)
			rule_names(&e);
	}
	rule_client_auth(&e);
	rule_gaps(&e);
	rule_alerts(&e);
	count_problems(r);
	set_verdict(&e);
	chain_result_free(&e.cr[0]);
	chain_result_free(&e.cr[1]);
	free(e.asof_note);
}

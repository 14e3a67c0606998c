/*
 * rule_cert.c - the rules that look at one certificate at a time (DOMAIN
 * §4), applied to EVERY certificate of a presented chain, not just the
 * leaf: validity at the judged time, critical extensions validators do not
 * process, key usage and basicConstraints for issuers, Extended Key Usage by role (both roles where the service uses
 * one certificate for both, DOMAIN §3), key size, signature hash, subject
 * attributes, and the Cisco-specific leaf rules (wildcards, RSA over 4096
 * bits, SAN over 999 characters). Also the server name rules (RFC 6125).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "capture/xalloc.h"
#include "rules/facts.h"
#include "rules/rule_int.h"

static char *label(const struct rule_eval *e, int side, size_t i, const struct cert_info *c)
{
	char whose[96];

	rule_whose(e, side, whose, sizeof(whose));
	return xasprintf("%s certificate #%zu (%s)", whose, i, rule_dn(&c->subject));
}

/* "when captured", "at --at", "as of now" with the date */
static char *judged_text(const struct rule_eval *e)
{
	char d[32];

	rule_day(e->at, d);
	if (e->at_is_now)
		return xasprintf("as of now (%s)", d);
	if (e->ctx->cfg && e->ctx->cfg->at_mode == AT_FIXED)
		return xasprintf("at the time given with --at (%s)", d);
	return xasprintf("when captured (%s)", d);
}

/* ------------------------------------------------------------ validity */

/* " As of now (2026-12-03), it has expired too (on ...)." when the day
 * tlsdiag runs tells something the judged time does not: the state of
 * the certificate today, in words that are true of it today. "" when
 * there is nothing to add (the caller frees). */
static char *now_text(const struct rule_eval *e, const struct cert_info *c, enum validity then)
{
	struct cert_validity v = cert_validity(c, e->now);
	char dnow[32];

	if (e->at_is_now || day_of(e->at) == day_of(e->now) || v.state == then)
		return xstrdup("");
	rule_day(e->now, dnow);
	switch (v.state) {
	case VALID: return xasprintf(" As of now (%s), it is valid.", dnow);
	case EXPIRED:
		return xasprintf(" As of now (%s), it has expired (on %s).", dnow,
				 c->not_after_str);
	case NOT_YET_VALID:
		return xasprintf(" As of now (%s), it is not valid yet (from %s).", dnow,
				 c->not_before_str);
	case VALIDITY_UNKNOWN: break; /* rule_dates runs only on readable dates */
	}
	return xstrdup("");
}

static void rule_dates(struct rule_eval *e, int side, size_t i, const struct cert_info *c,
		       uint64_t frame)
{
	int expired_at = e->at > c->not_after, nyv_at = e->at < c->not_before;
	int expired_now = e->now > c->not_after;
	/* "as of now" is worth saying when judged at another day than now */
	int differ = !e->at_is_now && day_of(e->at) != day_of(e->now);
	int exp_days = e->ctx->cfg ? e->ctx->cfg->expiring_days : 30;
	char dnow[32], *lab = label(e, side, i, c), *when = judged_text(e), *msg = NULL, *adv;
	char *now = NULL;
	const char *cafix =
		i > 0 ? " This is a CA certificate: install the CA's renewed certificate "
			"wherever the old one is (the chain the server sends and every "
			"trust list)."
		      : "";

	rule_day(e->now, dnow);
	adv = advice_own_cert(&e->svc, side);
	if (nyv_at) {
		now = now_text(e, c, NOT_YET_VALID);
		msg = xasprintf("%s is not valid before %s: %s it was not yet valid.%s", lab,
				c->not_before_str, when, now);
		{
			char *a = xasprintf(
				"The certificate was installed before its start date: keep the "
				"previous certificate until %s, or check the clock (NTP) of both "
				"sides. %s",
				c->not_before_str, adv);
			report_add(e->r, "not_yet_valid", SEV_ERROR, side, (int)i, BASIS_PREDICTED,
				   "notBefore", frame, msg, a);
			free(a);
		}
	} else if (expired_at) {
		msg = xasprintf("%s expired on %s, %ld day%s before it was judged %s.", lab,
				c->not_after_str, days_between(c->not_after, e->at),
				days_between(c->not_after, e->at) == 1 ? "" : "s", when);
		{
			char *a = xasprintf("Renew the certificate.%s %s", cafix, adv);
			report_add(e->r, "expired", SEV_ERROR, side, (int)i, BASIS_PREDICTED,
				   "notAfter", frame, msg, a);
			free(a);
		}
	} else if (exp_days > 0 && c->not_after - e->at <= (time_t)exp_days * SECS_PER_DAY) {
		now = now_text(e, c, VALID);
		msg = xasprintf("%s expires on %s, %ld day%s after it was judged %s.%s", lab,
				c->not_after_str, days_between(e->at, c->not_after),
				days_between(e->at, c->not_after) == 1 ? "" : "s", when, now);
		{
			char *a = xasprintf("Renew the certificate before it expires.%s %s", cafix,
					    adv);
			report_add(e->r, "expiring_soon", SEV_WARNING, side, (int)i,
				   BASIS_PREDICTED, "notAfter", frame, msg, a);
			free(a);
		}
	} else if (differ && expired_now) {
		/* Valid then, expired now: not a finding about the session as
		 * captured (the finding set must not depend on the day tlsdiag
		 * runs), but said in the headline. */
		dbuf_addf(&e->asof,
			  "%s%s was valid %s but has expired since (on %s; as of now, %s).",
			  e->asof.len ? " " : "", lab, when, c->not_after_str, dnow);
	}
	free(msg);
	free(now);
	free(adv);
	free(lab);
	free(when);
}

/* ------------------------------------------------------------ algorithms */

static void rule_sig(struct rule_eval *e, int side, size_t i, const struct cert_info *c,
		     uint64_t frame)
{
	char *lab, *msg, *adv;

	if (!c->sig_sha1)
		return;
	lab = label(e, side, i, c);
	msg = xasprintf("%s is signed with %s: SHA-1 signatures are deprecated, and current TLS "
			"stacks (OpenSSL 3 at its default security level, browsers, newer "
			"Expressway and CUCM releases) reject them.",
			lab, c->sig_alg ? c->sig_alg : "SHA-1");
	adv = advice_own_cert(&e->svc, side);
	{
		char *a = xasprintf("Have the CA re-issue the certificate with SHA-256. %s", adv);
		report_add(e->r, "weak_signature_sha1", SEV_WARNING, side, (int)i, BASIS_PREDICTED,
			   "signatureAlgorithm", frame, msg, a);
		free(a);
	}
	free(lab);
	free(msg);
	free(adv);
}

static void rule_key(struct rule_eval *e, int side, size_t i, const struct cert_info *c,
		     uint64_t frame)
{
	char *lab = label(e, side, i, c), *adv = advice_own_cert(&e->svc, side), *msg = NULL;
	enum severity sev = SEV_WARNING;

	if (c->key_type == KEY_RSA && c->key_bits > 0 && c->key_bits < 2048) {
		sev = c->key_bits < 1024 ? SEV_ERROR : SEV_WARNING;
		msg = xasprintf("%s has a %d-bit RSA key: keys under 2048 bits are weak, and current "
				"TLS stacks reject them (older CUCM releases generated 1024-bit keys).",
				lab, c->key_bits);
	} else if (c->key_type == KEY_EC && c->key_bits > 0 && c->key_bits < 224) {
		msg = xasprintf("%s has a %d-bit EC key: under 224 bits is weak.", lab,
				c->key_bits);
	} else if (c->key_type == KEY_DSA) {
		msg = xasprintf("%s has a DSA key, which current TLS stacks no longer accept.",
				lab);
	}
	if (msg) {
		char *a =
			xasprintf("Re-generate the key (RSA 2048 or 3072, or the ECDSA variant of the "
				  "service where it exists) and re-issue the certificate. %s",
				  adv);
		report_add(e->r, "weak_key", sev, side, (int)i, BASIS_PREDICTED,
			   "subjectPublicKeyInfo", frame, msg, a);
		free(a);
		free(msg);
		msg = NULL;
	}
	if (c->key_type == KEY_RSA && c->key_bits > 4096) {
		msg = xasprintf(
			"%s has an RSA key of %d bits. %s", lab, c->key_bits,
			e->svc.cisco_uc
				? "Expressway does not take keys over 4096 bits (they must not be "
				  "uploaded), and RSA 8192 makes SIP TLS zones fail."
				: "Cisco collaboration products do not take keys over 4096 bits; "
				  "elsewhere it only costs handshake time.");
		{
			char *a =
				xasprintf("Re-generate the key as RSA 2048, 3072 or 4096 and re-issue "
					  "the certificate. %s",
					  adv);
			report_add(e->r, "rsa_key_8192", e->svc.cisco_uc ? SEV_ERROR : SEV_INFO,
				   side, (int)i, BASIS_PREDICTED, "subjectPublicKeyInfo", frame,
				   msg, a);
			free(a);
		}
		free(msg);
	}
	free(lab);
	free(adv);
}

static int standard_subject_oid(const char *oid)
{
	static const char *const extra[] = {
		OID_DC,
		OID_UID,
		OID_EMAIL,
	};
	size_t k;

	if (strncmp(oid, OID_ATTR_PREFIX, strlen(OID_ATTR_PREFIX)) == 0)
		return 1;
	for (k = 0; k < sizeof(extra) / sizeof(extra[0]); k++)
		if (strcmp(oid, extra[k]) == 0)
			return 1;
	return 0;
}

static void rule_oid(struct rule_eval *e, int side, size_t i, const struct cert_info *c,
		     uint64_t frame)
{
	size_t k;

	for (k = 0; k < c->subject.nattrs; k++) {
		const struct dn_attr *a = &c->subject.attrs[k];
		char *lab, *msg, *adv, *fix;

		if (!a->oid || standard_subject_oid(a->oid))
			continue;
		lab = label(e, side, i, c);
		msg = xasprintf("%s has a non-standard attribute %s%s%s%s in its subject. %s", lab,
				a->oid, a->name ? " (" : "", a->name ? a->name : "",
				a->name ? ")" : "",
				e->svc.cisco_uc
					? "Expressway breaks on unusual subject OIDs (its SSH "
					  "tunnels to the peer fail)."
					: "Some Cisco collaboration products break on "
					  "unusual subject OIDs.");
		fix = advice_own_cert(&e->svc, side);
		adv = xasprintf("Request the certificate with a plain subject (CN, O, OU, L, ST, C): "
				"ask the CA not to add %s. %s",
				a->oid, fix);
		report_add(e->r, "unusual_subject_oid", e->svc.cisco_uc ? SEV_WARNING : SEV_INFO,
			   side, (int)i, BASIS_PREDICTED, "subject", frame, msg, adv);
		free(lab);
		free(msg);
		free(adv);
		free(fix);
		return; /* one finding per certificate */
	}
}

/* ------------------------------------------------------------ extensions */

#define OID_CT_POISON "1.3.6.1.4.1.11129.2.4.3"

/* A critical extension that validators do not process (RFC 5280 §4.2: "A
 * certificate-using system MUST reject the certificate if it encounters a
 * critical extension it does not recognize"): OpenSSL, as on Expressway,
 * fails with "unhandled critical extension", Java (CUCM) likewise. */
static void rule_critical(struct rule_eval *e, int side, size_t i, const struct cert_info *c,
			  uint64_t frame)
{
	const struct cert_ext *x = NULL;
	char *lab, *msg, *adv, *own;
	size_t k;

	if (!c->unhandled_critical)
		return;
	for (k = 0; k < c->n_exts && !x; k++)
		if (c->exts[k].critical && !c->exts[k].handled)
			x = &c->exts[k];
	if (!x)
		return;
	lab = label(e, side, i, c);
	own = advice_own_cert(&e->svc, side);
	if (strcmp(x->oid, OID_CT_POISON) == 0) {
		msg = xasprintf("%s is a Certificate Transparency precertificate (it carries the "
				"critical poison extension %s), not a certificate: every TLS peer "
				"rejects it.",
				lab, x->oid);
		adv = xasprintf("Install the certificate the CA issued after logging the "
				"precertificate (the one with the embedded SCT list), not the "
				"precertificate. %s",
				own);
	} else {
		msg = xasprintf("%s has %zu critical extension%s that validators do not process, "
				"first %s%s%s%s: OpenSSL (Expressway) and Java (CUCM) reject a "
				"certificate with a critical extension they do not handle "
				"(\"unhandled critical extension\").",
				lab, c->unhandled_critical, c->unhandled_critical == 1 ? "" : "s",
				x->name ? x->name : x->oid, x->name ? " (" : "",
				x->name ? x->oid : "", x->name ? ")" : "");
		adv = xasprintf("Have the CA re-issue the certificate without marking that extension "
				"critical (or without it). %s",
				own);
	}
	report_add(e->r, "unknown_critical_extension", SEV_ERROR, side, (int)i, BASIS_PREDICTED,
		   "extensions", frame, msg, adv);
	free(lab);
	free(msg);
	free(adv);
	free(own);
}

/* ------------------------------------------------------------ usage */

static int eku_missing(const struct cert_info *c, int role)
{
	if (!c->has_eku || c->eku_any)
		return 0;
	return role == SIDE_SERVER ? !c->eku_server_auth : !c->eku_client_auth;
}

static char *eku_list(const struct cert_info *c)
{
	struct dbuf t;
	size_t k;

	dbuf_init(&t, DBUF_TEXT_MAX);
	for (k = 0; k < c->eku_names.n; k++)
		dbuf_addf(&t, "%s%s", k ? ", " : "", c->eku_names.v[k]);
	if (!c->eku_names.n)
		dbuf_addstr(&t, "nothing");
	return dbuf_take(&t);
}

#define SUNSET_ADVICE                                                                              \
	"Public CAs are dropping the clientAuth EKU from server certificates (browser "            \
	"root-program policy, 2026): a renewal from a public CA silently loses it, and a "         \
	"traversal zone or SIP trunk that worked for years breaks. Re-issue the certificate "      \
	"from a CA template that includes clientAuth (often an enterprise CA, e.g. an AD CS "      \
	"template with Server and Client Authentication), or load a dedicated client "             \
	"certificate where the Expressway release supports one."

static void report_eku(struct rule_eval *e, int side, size_t i, const struct cert_info *c, int role,
		       int cross, uint64_t frame)
{
	char *lab = label(e, side, i, c), *list = eku_list(c),
	     *own = advice_own_cert(&e->svc, side);
	char *msg, *adv, recv[128];
	const char *eku = role == SIDE_SERVER ? "serverAuth" : "clientAuth";
	const char *id = role == SIDE_SERVER ? "missing_server_auth_eku"
					     : "missing_client_auth_eku";
	const char *what = role == SIDE_SERVER ? "a TLS server" : "a TLS client";

	rule_who(e, 1 - side, recv, sizeof(recv));
	if (i > 0)
		msg = xasprintf("%s restricts its Extended Key Usage to %s, without %s: validators "
				"(OpenSSL on Expressway among them) then refuse every certificate it "
				"issues for use as %s.",
				lab, list, eku, what);
	else if (!cross)
		msg = xasprintf("%s has an Extended Key Usage without %s (it lists %s), but %s uses "
				"it as %s here: %s rejects it (\"unsupported certificate purpose\").",
				lab, eku, list, service_role(&e->svc, side), what, recv);
	else
		msg = xasprintf("%s has an Extended Key Usage without %s (it lists %s). On %s the same "
				"certificate is also used as %s (mutual TLS: both serverAuth and "
				"clientAuth are needed), and that will fail.",
				lab, eku, list, e->svc.name ? e->svc.name : "this service", what);
	if (role == SIDE_CLIENT)
		adv = xasprintf("%s %s", SUNSET_ADVICE, own);
	else
		adv = xasprintf("Re-issue the certificate from a template that includes Server "
				"Authentication (serverAuth)%s. %s",
				e->svc.mutual ? " and Client Authentication (clientAuth)" : "",
				own);
	report_add(e->r, id, cross ? SEV_WARNING : SEV_ERROR, side, (int)i, BASIS_PREDICTED,
		   "extendedKeyUsage", frame, msg, adv);
	free(lab);
	free(list);
	free(own);
	free(msg);
	free(adv);
}

static void rule_eku(struct rule_eval *e, int side, size_t i, const struct cert_info *c,
		     uint64_t frame)
{
	if (eku_missing(c, side))
		report_eku(e, side, i, c, side, 0, frame);
	if (e->svc.mutual && eku_missing(c, 1 - side))
		report_eku(e, side, i, c, 1 - side, 1, frame);
}

static void rule_leaf_ku(struct rule_eval *e, int side, const struct cert_info *c, uint64_t frame)
{
	unsigned tls = KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT | KU_KEY_AGREEMENT;
	char *lab, *msg, *adv, *own;

	if (!c->has_key_usage || (c->key_usage & tls))
		return;
	lab = label(e, side, 0, c);
	msg = xasprintf("%s has a Key Usage without digitalSignature or keyEncipherment%s, so it "
			"cannot be used for TLS.%s",
			lab, c->key_type == KEY_EC ? " (or keyAgreement)" : "",
			c->has_basic_constraints && c->is_ca && !c->self_issued
				? " It is a CA certificate (basicConstraints CA:TRUE, keyCertSign): it "
				  "was issued from a CA template (e.g. \"Subordinate Certification "
				  "Authority\") instead of a web server template."
				: "");
	own = advice_own_cert(&e->svc, side);
	adv = xasprintf("Re-issue the certificate from a server template (Key Usage "
			"digitalSignature and keyEncipherment; EKU serverAuth%s). %s",
			e->svc.mutual ? " and clientAuth" : "", own);
	report_add(e->r, "key_usage_mismatch", SEV_ERROR, side, 0, BASIS_PREDICTED, "keyUsage",
		   frame, msg, adv);
	free(lab);
	free(msg);
	free(adv);
	free(own);
}

static void rule_ca_usage(struct rule_eval *e, int side, size_t i, const struct cert_info *c,
			  uint64_t frame)
{
	int not_ca = !(c->has_basic_constraints && c->is_ca) &&
		     !(c->version == 1 && c->self_issued);
	int no_sign = c->has_key_usage && !(c->key_usage & KU_KEY_CERT_SIGN);
	char *lab, *msg, *adv, *own;

	if (!not_ca && !no_sign)
		return;
	lab = label(e, side, i, c);
	msg = xasprintf("%s signs the certificate below it on the path but %s%s%s: validators "
			"reject the chain.",
			lab, not_ca ? "is not a CA certificate (no basicConstraints CA:TRUE)" : "",
			not_ca && no_sign ? " and " : "",
			no_sign ? "its Key Usage lacks keyCertSign" : "");
	own = advice_own_cert(&e->svc, side);
	adv = xasprintf("Certificates that issue others must be CA certificates (basicConstraints "
			"CA:TRUE, Key Usage keyCertSign): have the CA administrator fix the issuing "
			"CA, or check that the right intermediate is in the chain. %s",
			own);
	report_add(e->r, "key_usage_mismatch", SEV_ERROR, side, (int)i, BASIS_PREDICTED,
		   not_ca ? "basicConstraints" : "keyUsage", frame, msg, adv);
	free(lab);
	free(msg);
	free(adv);
	free(own);
}

/* ------------------------------------------------------------ Cisco leaf rules */

static int has_star(const char *s)
{
	return s && strchr(s, '*') != NULL;
}

static void rule_wildcard(struct rule_eval *e, int side, const struct cert_info *c, uint64_t frame)
{
	const char *w = NULL, *cn;
	size_t k;
	char *lab, *msg, *adv, *own;

	for (k = 0; k < c->san_dns.n && !w; k++)
		if (has_star(c->san_dns.v[k]))
			w = c->san_dns.v[k];
	for (k = 0; !w && (cn = dn_next(&c->subject, OID_CN, &k)) != NULL;)
		if (has_star(cn))
			w = cn;
	if (!w)
		return;
	lab = label(e, side, 0, c);
	msg = xasprintf("%s is a wildcard certificate (%s). %s", lab, w,
			e->svc.cisco_uc
				? "CUCM and Expressway do not support wildcard certificates."
				: "Fine for most HTTPS servers, but CUCM and Expressway do "
				  "not support wildcard certificates.");
	own = advice_own_cert(&e->svc, side);
	adv = xasprintf("Request a certificate that lists every FQDN explicitly in the SAN (for a "
			"cluster: the cluster FQDN and every peer's FQDN). %s",
			own);
	report_add(e->r, "wildcard", e->svc.cisco_uc ? SEV_WARNING : SEV_INFO, side, 0,
		   BASIS_PREDICTED, "subjectAltName", frame, msg, adv);
	free(lab);
	free(msg);
	free(adv);
	free(own);
}

static void rule_san_len(struct rule_eval *e, int side, size_t i, const struct cert_info *c,
			 uint64_t frame)
{
	size_t k, pos = 0;
	const char *past = NULL;
	int dialled_past = 0;
	char *lab, *msg, *adv, *own;

	if (c->san_text_len <= 999)
		return;
	for (k = 0; k < c->san_dns.n; k++) {
		pos += strlen(c->san_dns.v[k]) + (k ? 1 : 0);
		if (pos > 999) {
			if (!past)
				past = c->san_dns.v[k];
			if (e->r->expected_name &&
			    strcasecmp(e->r->expected_name, c->san_dns.v[k]) == 0)
				dialled_past = 1;
		}
	}
	lab = label(e, side, i, c);
	msg = xasprintf("The subjectAltName of %s is %zu characters long: Expressway ignores SAN "
			"content beyond 999 characters, so the names past that point%s%s%s are "
			"effectively missing%s.",
			lab, c->san_text_len, past ? " (from " : "", past ? past : "",
			past ? " on)" : "",
			dialled_past ? ", including the name the client asked for" : "");
	own = advice_own_cert(&e->svc, side);
	adv = xasprintf("Shorten the SAN list below 1,000 characters (for secure phone profiles, "
			"use short profile names, or one certificate per function). %s",
			own);
	report_add(e->r, "san_too_long", e->svc.cisco_uc ? SEV_WARNING : SEV_INFO, side, (int)i,
		   BASIS_PREDICTED, "subjectAltName", frame, msg, adv);
	free(lab);
	free(msg);
	free(adv);
	free(own);
}

/* ------------------------------------------------------------ all certificates */

void rule_certs(struct rule_eval *e, int side)
{
	const struct tls_chain *ch = &e->s->chain[side];
	const struct chain_view *v = &e->r->chain[side];
	const struct chain_result *res = &e->cr[side];
	size_t i;

	for (i = 0; i < ch->n; i++) {
		const struct cert_info *c = ch->certs[i];
		int on_path = v->status && v->status[i] != CS_EXTRA &&
			      v->status[i] != CS_UNPARSEABLE;
		int leaf = i == 0 && !chain_leaf_lost(ch);
		int self_signed = i == 0 ? res->leaf_self_signed
					 : (c == res->top && res->top_self_signed);

		if (!c->parse_ok || (res->dup_of && res->dup_of[i] >= 0))
			continue;
		if (!c->not_before_bad && !c->not_after_bad) /* no date to judge */
			rule_dates(e, side, i, c, ch->frame);
		rule_critical(e, side, i, c, ch->frame);
		if (!self_signed)
			rule_sig(e, side, i, c, ch->frame);
		rule_key(e, side, i, c, ch->frame);
		rule_oid(e, side, i, c, ch->frame);
		rule_san_len(e, side, i, c, ch->frame);
		if (leaf) {
			rule_leaf_ku(e, side, c, ch->frame);
			rule_eku(e, side, i, c, ch->frame);
			rule_wildcard(e, side, c, ch->frame);
		} else if (on_path) {
			rule_ca_usage(e, side, i, c, ch->frame);
			if (!self_signed)
				rule_eku(e, side, i, c, ch->frame);
		}
	}
	/* The trust store's certificates that complete the path: an expired
	 * anchor or intermediate there fails validation just the same (the
	 * store lint judges it at another time: now or --at). */
	for (i = 0; i < v->n_store_path; i++) {
		const struct cert_info *c = v->store_path[i];
		int expired = e->at > c->not_after;
		char ra[80], *when, *msg, *at, *adv;

		if (!c->parse_ok || c->not_before_bad || c->not_after_bad) /* no date to judge */
			continue;
		if (!expired && e->at >= c->not_before)
			continue;
		rule_addr(e->s, 1 - side, ra, sizeof(ra));
		when = judged_text(e);
		msg = xasprintf("The trust store given for %s (%s) completes this chain with %s, which "
				"%s %s: judged %s, validation fails there.",
				ra, v->trust_store_name ? v->trust_store_name : "?",
				rule_dn(&c->subject),
				expired ? "expired on" : "is not valid before",
				expired ? c->not_after_str : c->not_before_str, when);
		at = advice_trust(&e->svc, 1 - side);
		adv = xasprintf("Replace that CA certificate with its renewed version. %s", at);
		report_add(e->r, expired ? "expired" : "not_yet_valid", SEV_ERROR, side, -1,
			   BASIS_PREDICTED, expired ? "notAfter" : "notBefore", ch->frame, msg,
			   adv);
		free(when);
		free(msg);
		free(at);
		free(adv);
	}
}

/* ------------------------------------------------------------ names */

static size_t strip_dot(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && s[n - 1] == '.' ? n - 1 : n;
}

/* RFC 6125 §6.4: case-insensitive; a wildcard only as the whole left-most
 * label, matching exactly one label, with at least two labels after it. */
int rule_name_match(const char *pattern, const char *host)
{
	size_t pn = strip_dot(pattern), hn = strip_dot(host);
	const char *dot;
	size_t rest, k, labels = 0;

	if (pn == 0 || hn == 0)
		return 0;
	if (!memchr(pattern, '*', pn))
		return pn == hn && strncasecmp(pattern, host, pn) == 0;
	if (pn < 3 || pattern[0] != '*' || pattern[1] != '.' || memchr(pattern + 1, '*', pn - 1))
		return 0;
	for (k = 2; k < pn; k++)
		labels += pattern[k] == '.';
	if (labels < 1)
		return 0; /* "*.com" */
	dot = memchr(host, '.', hn);
	if (!dot || dot == host)
		return 0;
	rest = hn - (size_t)(dot - host);
	return rest == pn - 1 && strncasecmp(dot, pattern + 1, rest) == 0;
}

static int ip_in_san(const struct cert_info *c, int family, const uint8_t *ip)
{
	size_t k;

	for (k = 0; k < c->san_ip.n; k++) {
		uint8_t a[16];

		if (family == 4 && inet_pton(AF_INET, c->san_ip.v[k], a) == 1 &&
		    memcmp(a, ip, 4) == 0)
			return 1;
		if (family == 6 && inet_pton(AF_INET6, c->san_ip.v[k], a) == 1 &&
		    memcmp(a, ip, 16) == 0)
			return 1;
	}
	return 0;
}

static char *names_text(const struct cert_info *c)
{
	struct dbuf t;
	size_t k, shown = c->san_dns.n < 8 ? c->san_dns.n : 8;

	dbuf_init(&t, DBUF_TEXT_MAX);
	for (k = 0; k < shown; k++)
		dbuf_addf(&t, "%s%s", k ? ", " : "", c->san_dns.v[k]);
	if (c->san_dns.n > shown)
		dbuf_addf(&t, " and %zu more", c->san_dns.n - shown);
	return dbuf_take(&t);
}

void rule_names(struct rule_eval *e)
{
	const struct tls_chain *ch = &e->s->chain[SIDE_SERVER];
	const struct cert_info *c;
	struct session_report *r = e->r;
	char who_c[128], who_s[128], *lab, *msg = NULL, *adv = NULL, *own;
	int from_guess;
	size_t k;

	if (!ch->present || ch->n == 0 || !r->expected_name || chain_leaf_lost(ch))
		return;
	c = ch->certs[0];
	if (!c->parse_ok)
		return;
	rule_who(e, SIDE_CLIENT, who_c, sizeof(who_c));
	rule_who(e, SIDE_SERVER, who_s, sizeof(who_s));
	from_guess = strncmp(r->expected_name_source, "server address", 14) == 0 ||
		     strncmp(r->expected_name_source, "DNS answer", 10) == 0;
	lab = label(e, SIDE_SERVER, 0, c);
	own = advice_own_cert(&e->svc, SIDE_SERVER);

	if (e->name_is_ip) {
		size_t k2;

		if (ip_in_san(c, e->name_ip_family, e->name_ip))
			goto out;
		/* Taken from the rejection alone: only when nothing certain
		 * explains it. */
		for (k2 = 0; e->name_from_rejection && k2 < r->nf; k2++)
			if (r->f[k2].side == SIDE_SERVER && r->f[k2].sev == SEV_ERROR)
				goto out;
		if (e->name_from_rejection)
			msg = xasprintf(
				"%s sent no SNI, no name is known for %s (no --name, no DNS "
				"answer in the capture), and it rejected the certificate: it most "
				"likely dialled the address %s, and %s has no SAN iPAddress %s "
				"(almost never done).",
				who_c, who_s, r->expected_name, lab, r->expected_name);
		else if (strncmp(r->expected_name_source, "server address", 14) == 0)
			msg = xasprintf("%s sent no SNI and no name is known for %s (no --name, no DNS "
					"answer in the capture): if %s is configured with the address "
					"%s, its name check fails, because %s has no SAN iPAddress %s "
					"(almost never done).",
					who_c, who_s, service_role(&e->svc, SIDE_CLIENT),
					r->expected_name, lab, r->expected_name);
		else
			msg = xasprintf("%s dialled the address %s (from %s), but %s has no SAN "
					"iPAddress %s (almost never done): a client that checks names "
					"rejects it.",
					who_c, r->expected_name, r->expected_name_source, lab,
					r->expected_name);
		adv = xasprintf("Configure the peer by an FQDN that is in the certificate's SAN (zone "
				"peer address, SIP trunk destination, LDAP server host name), or add "
				"the address as a SAN iPAddress when re-issuing. If the client did dial "
				"a name, tell tlsdiag with --name IP=FQDN. %s",
				own);
		report_add(r, "ip_address_peer", from_guess ? SEV_WARNING : SEV_ERROR, SIDE_SERVER,
			   0, BASIS_PREDICTED, "subjectAltName", ch->frame, msg, adv);
		goto out;
	}
	if (c->san_dns.n > 0) {
		char *list;

		for (k = 0; k < c->san_dns.n; k++)
			if (rule_name_match(c->san_dns.v[k], r->expected_name))
				goto out;
		list = names_text(c);
		msg = xasprintf("%s asked for %s (from %s), but %s does not hold that name: its "
				"subjectAltName lists %s.",
				who_c, r->expected_name, r->expected_name_source, lab, list);
		free(list);
	} else {
		const char *v;
		int cn = 0;

		for (k = 0; (v = dn_next(&c->subject, OID_CN, &k)) != NULL;) {
			cn = 1;
			if (rule_name_match(v, r->expected_name))
				goto out;
		}
		msg = xasprintf("%s asked for %s (from %s), but %s has no subjectAltName DNS names "
				"and %s.",
				who_c, r->expected_name, r->expected_name_source, lab,
				cn ? "its CN does not match" : "no CN");
	}
	if (strncmp(r->expected_name_source, "DNS answer", 10) == 0) {
		char *m2 = xasprintf("%s The name comes from a DNS answer in the capture; if the "
				     "client dialled another name, give it with --name.",
				     msg);
		free(msg);
		msg = m2;
	}
	adv = xasprintf("Re-issue the certificate with %s in the SAN (CUCM: in the CSR's SAN list; a "
			"cluster certificate carries the cluster FQDN and every peer's FQDN), or have "
			"%s dial a name the certificate holds. %s",
			r->expected_name, service_role(&e->svc, SIDE_CLIENT), own);
	report_add(r, "name_mismatch", from_guess ? SEV_WARNING : SEV_ERROR, SIDE_SERVER, 0,
		   BASIS_PREDICTED, "subjectAltName", ch->frame, msg, adv);
out:
	free(lab);
	free(own);
	free(msg);
	free(adv);
}

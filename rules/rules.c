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
 *   4. predicted findings: chain trust and structure (rule_chain.c), every
 *      certificate and the names (rule_cert.c), client authentication,
 *      capture limits (here);
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
#include "dissect/x509.h"
#include "rules/facts.h"
#include "rules/ladder.h"
#include "rules/notes.h"
#include "rules/rule_int.h"
#include "rules/rules.h"
#include "rules/trust.h"

static time_t ns_to_time(int64_t ns)
{
	return (time_t)(ns / 1000000000);
}

/* ------------------------------------------------------------ expected name */

static int endpoint_addr_match(const struct endpoint *a, const struct endpoint *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, a->family == 6 ? 16 : 4) == 0;
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

		if (a->side != SIDE_CLIENT || a->encrypted || a->level != TLS_ALERT_FATAL)
			continue;
		if (a->desc == AL_BAD_CERTIFICATE || a->desc == AL_CERTIFICATE_UNKNOWN)
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
			r->expected_name_source = xasprintf("DNS answer (frame %llu)",
							    (unsigned long long)d->frame);
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
		r->expected_name_source = xstrdup(
			"server address (no SNI, no --name, no DNS answer in the capture)");
		e->name_is_ip = 1;
		e->name_ip_family = s->server.family;
		memcpy(e->name_ip, s->server.addr, 16);
		e->name_from_rejection = e->svc.sni_optional;
	}
}

/* ------------------------------------------------------------ session rules */

static void rule_tls13(struct rule_eval *e)
{
	if (!tls_handshake_hidden(e->s))
		return;
	/* About the whole session (both chains are hidden): side -1, which
	 * JSON writes as null (docs/json.md). */
	report_add(e->r, "certs_not_visible_tls13", SEV_INFO, -1, -1, BASIS_OBSERVED, "ServerHello",
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
	case DECRYPT_NONE: return;
	case DECRYPT_OK: {
		if (dc->records[0] + dc->records[1] == 0)
			return; /* the secrets are there, but no protected record was captured */
		const char *src =
			dc->keys_from_capture
				? " stored in the capture (a pcapng Decryption Secrets Block)"
				: "";
		char fin[256] = "";
		if (tls_finished_verified(s))
			snprintf(fin, sizeof(fin),
				 " Both Finished messages match the handshake as "
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
		msg = xasprintf(
			"This session was decrypted with the key log%s: %s%s%s", src,
			s->tls13 ? "its certificates, CertificateRequest, Finished messages and "
				   "alerts are read and judged as in TLS 1.2."
				 : "its encrypted Finished messages and alerts are read.",
			fin,
			dc->failed[0] + dc->failed[1]
				? " Some later records could not be decrypted (lost or damaged in "
				  "the capture) and stay encrypted."
				: "");
		report_add(e->r, "decrypted_with_keylog", SEV_INFO, -1, -1, BASIS_OBSERVED,
			   "key log", s->sh.frame, msg, "");
		break;
	}
	case DECRYPT_NO_KEYS:
	case DECRYPT_UNSUPPORTED:
		if (!s->tls13 && !hidden_alert)
			return; /* nothing was hidden that keys would have shown */
		if (dc->status == DECRYPT_NO_KEYS)
			msg = xasprintf("The key log has no secrets for this session (ClientHello random "
					"%s), so %s stay encrypted.",
					cr,
					s->tls13 ? "its certificates and alerts" : "its alerts");
		else {
			char vb[16];
			const char *cs = tls_cipher_name(s->sh.cipher);
			msg = xasprintf("The key log has secrets for this session (ClientHello random "
					"%s), but its cipher suite or version (%s, %s) is not one tlsdiag "
					"decrypts.",
					cr, cs ? cs : "?", version_text(s->version, vb, sizeof vb));
		}
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
			msg = xasprintf(
				"The key log has secrets for this session (ClientHello random %s), "
				"but they do not decrypt it: %s record in frame %llu fails "
				"authentication (AEAD tag or MAC), so nothing of it was read.",
				cr, who, (unsigned long long)dc->failed_frame);
		} else {
			msg = xasprintf(
				"The key log has secrets for this session (ClientHello random %s), "
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

	/* RFC 5280 §7.1: a CA name re-encoded by the server still matches */
	for (i = 0; i < cr->n_ca; i++)
		if (x509_dn_eq_der(cr->ca_der[i], cr->ca_der_len[i], d))
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
	struct dbuf m;
	size_t i;

	if (!s->cr.present)
		return;
	rule_who(e, SIDE_CLIENT, who_c, sizeof(who_c));
	rule_who(e, SIDE_SERVER, who_s, sizeof(who_s));
	if (cc->present && cc->n == 0 && cc->complete) { /* cut by the capture: not empty */
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
				service_role(&e->svc, SIDE_CLIENT),
				service_role(&e->svc, SIDE_SERVER), own);
		report_add(e->r, "client_cert_missing", accepted ? SEV_WARNING : SEV_ERROR,
			   SIDE_CLIENT, -1, BASIS_PREDICTED, "Certificate", cc->frame,
			   rule_cap(msg), adv);
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
	if (!cc->certs[0]->parse_ok || chain_leaf_lost(cc))
		return;
	dbuf_init(&m, DBUF_TEXT_MAX);
	dbuf_addf(&m, "%s's CertificateRequest (frame %llu) lists %zu acceptable CA name%s (",
		  who_s, (unsigned long long)s->cr.frame, s->cr.n_ca, s->cr.n_ca == 1 ? "" : "s");
	for (i = 0; i < s->cr.n_ca && i < 6; i++)
		dbuf_addf(&m, "%s%s", i ? "; " : "",
			  s->cr.ca_names && s->cr.ca_names[i] ? s->cr.ca_names[i] : "?");
	dbuf_addf(&m,
		  "%s), but %s's certificate is issued by %s, which is not among them: the server "
		  "is unlikely to accept it.",
		  s->cr.n_ca > 6 ? "; ..." : "", who_c, rule_dn(&cc->certs[0]->issuer));
	own = advice_trust(&e->svc, SIDE_SERVER);
	adv = xasprintf("Either add the client certificate's CA to the server's trust list, or "
			"give %s a certificate from one of the listed CAs. For the trust list: %s",
			service_role(&e->svc, SIDE_CLIENT), own);
	report_add(e->r, "ca_not_acceptable", SEV_ERROR, SIDE_CLIENT, 0, BASIS_PREDICTED, "issuer",
		   s->cr.frame, dbuf_str(&m), adv);
	dbuf_free(&m);
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
		int side = n->side == SIDE_SERVER   ? SIDE_SERVER
			   : n->side == SIDE_CLIENT ? SIDE_CLIENT
						    : -1;
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
				(unsigned long long)n->frame, i < e->r->n_notes ? "; " : "",
				i < e->r->n_notes ? e->r->notes[i] : "");
		report_add(e->r, "capture_gap", SEV_WARNING, side, -1, BASIS_OBSERVED, "TCP",
			   n->frame, rule_cap(msg),
			   "Capture again on the host itself or on a SPAN port that is not "
			   "oversubscribed, with a full snapshot length (tcpdump -s 0) and a large "
			   "enough buffer (tcpdump -B 16384); capture from before the connection opens.");
		free(msg);
	}
}

/* ------------------------------------------------------------ verdict */

/* An aborted handshake failed, though no alert says why. */
static void rule_aborted(struct rule_eval *e)
{
	const struct tls_session *s = e->s;
	const struct ladder_entry *l = NULL;
	char c[128], sv[128], *msg, *adv;
	struct dbuf m;

	if (e->r->outcome != OUTCOME_ABORTED)
		return;
	for (size_t i = s->n_ladder; i > 0 && !l; i--)
		if (s->ladder[i - 1].kind != LAD_GAP)
			l = &s->ladder[i - 1];
	rule_who(e, SIDE_CLIENT, c, sizeof(c));
	rule_who(e, SIDE_SERVER, sv, sizeof(sv));
	dbuf_init(&m, DBUF_TEXT_MAX);
	dbuf_addf(&m, "The handshake between %s and %s was aborted: the connection was %s", c, sv,
		  s->close_reason == TCP_CLOSE_RST ? "reset (RST)" : "closed (FIN)");
	if (l && (l->side == SIDE_CLIENT || l->side == SIDE_SERVER))
		dbuf_addf(&m, " after the %s's %s (frame %llu)", side_str(l->side),
			  rule_ladder_name(l), (unsigned long long)l->frame);
	dbuf_addstr(&m, ", with no alert.");
	msg = dbuf_take(&m);
	adv = xasprintf("Read the logs of %s and %s at that time: a peer that closes without an "
			"alert often refused what it just received (some stacks send no alert), "
			"or a firewall or load balancer cut the connection.",
			service_role(&e->svc, SIDE_CLIENT), service_role(&e->svc, SIDE_SERVER));
	report_add(e->r, "handshake_aborted", SEV_ERROR, -1, -1, BASIS_OBSERVED, "TCP",
		   l ? l->frame : s->last_frame, msg, adv);
	free(msg);
	free(adv);
}

/* A completed handshake whose capture lost part of it: what was lost
 * cannot be judged. */
static int handshake_partly_lost(const struct tls_session *s)
{
	for (size_t i = 0; i < s->n_notes; i++)
		if ((s->notes[i].kind == NOTE_GAP && s->notes[i].in_handshake) ||
		    s->notes[i].kind == NOTE_MIDSTREAM)
			return 1;
	return 0;
}

static void set_verdict(struct rule_eval *e)
{
	struct session_report *r = e->r;
	const struct finding *w = report_worst(r);
	char c[128], sv[128], vb[16];
	const char *ver = e->s->version ? version_text(e->s->version, vb, sizeof vb) : "TLS";

	switch (r->outcome) {
	case OUTCOME_REJECTED_BY_CLIENT:
	case OUTCOME_REJECTED_BY_SERVER:
	case OUTCOME_ABORTED: r->verdict = VERDICT_FAILED; break;
	case OUTCOME_NOT_SEEN: r->verdict = VERDICT_INCOMPLETE; break;
	case OUTCOME_COMPLETED:
		if (w && w->sev == SEV_ERROR)
			r->verdict = VERDICT_AT_RISK;
		else if (handshake_partly_lost(e->s))
			r->verdict = VERDICT_INCOMPLETE;
		else if (w && w->sev == SEV_WARNING)
			r->verdict = VERDICT_WARNING;
		else
			r->verdict = VERDICT_OK;
		break;
	}

	rule_who(e, SIDE_CLIENT, c, sizeof(c));
	rule_who(e, SIDE_SERVER, sv, sizeof(sv));
	if (r->headline)
		; /* an alert decided it (rule_alerts) */
	else if (r->outcome == OUTCOME_ABORTED && w)
		r->headline = xstrdup(w->message); /* handshake_aborted, or worse */
	else if (r->verdict == VERDICT_INCOMPLETE) {
		const char *why = e->not_seen_why ? e->not_seen_why
						  : "the capture lost data during the handshake";

		if (w && w->sev == SEV_ERROR)
			r->headline =
				xasprintf("%s handshake between %s and %s not seen completely: "
					  "%s. What it shows has an error all the same: %s",
					  ver, c, sv, why, w->message);
		else
			r->headline =
				xasprintf("%s handshake between %s and %s not seen completely: %s.",
					  ver, c, sv, why);
	} else if (r->verdict == VERDICT_AT_RISK)
		r->headline = xasprintf("%s handshake between %s and %s completed, but it is at "
					"risk: %s",
					ver, c, sv, w->message);
	else if (w && w->sev >= SEV_WARNING)
		r->headline = xasprintf("%s", w->message);
	else if (tls_handshake_hidden(e->s))
		/* Nothing failed, but nothing about the certificates could be
		 * checked either: say so rather than "no problems". */
		r->headline = xasprintf("%s handshake between %s and %s completed; its certificates "
					"are encrypted (TLS 1.3) and could not be checked from the "
					"capture.",
					ver, c, sv);
	else
		r->headline = xasprintf("%s handshake between %s and %s: no problems found.", ver,
					c, sv);
	rule_cap(r->headline);
	if (e->asof.len) {
		char *h = xasprintf("%s %s", r->headline, dbuf_str(&e->asof));

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

/* ------------------------------------------------------------ partial chains */

/* A Certificate message the capture holds only in part: how much of it is
 * missing (the dissector's notes) and whether more certificates were sent
 * than could be read. */
static void chain_partial(const struct tls_session *s, int side, struct chain_view *v)
{
	const struct tls_chain *ch = &s->chain[side];
	uint64_t read = 0;

	if (!ch->present || ch->complete)
		return;
	v->partial = 1;
	for (size_t i = 0; i < s->n_notes; i++) {
		const struct tls_note *n = &s->notes[i];
		uint64_t left = n->msg_len > n->msg_seen ? (uint64_t)n->msg_len - n->msg_seen : 0;

		if (n->side != side || n->msg_type != HS_CERTIFICATE ||
		    (n->kind != NOTE_GAP && n->kind != NOTE_TRUNCATED))
			continue;
		v->msg_len = n->msg_len;
		v->missing += n->kind == NOTE_GAP && n->bytes < left ? n->bytes : left;
	}
	/* Each entry: a 3-byte length and the DER (TLS 1.3: and 2 bytes of
	 * extensions at least). */
	for (size_t i = 0; i < ch->n; i++)
		read += 3 + ch->certs[i]->der_len + (s->tls13 ? 2 : 0);
	v->more_sent = !ch->compression && ch->declared_len > read;
}

/* ------------------------------------------------------------ entry point */

void rules_evaluate(const struct rules_ctx *ctx, struct session_report *r)
{
	struct rule_eval e;
	const struct tls_session *s = r->s;
	const struct analysis_config *cfg = ctx->cfg;
	int side;

	memset(&e, 0, sizeof(e));
	dbuf_init(&e.asof, DBUF_TEXT_MAX);
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

	rules_word_notes(r);
	expected_name(&e);

	for (side = SIDE_CLIENT; side <= SIDE_SERVER; side++) {
		const struct endpoint *receiver = side == SIDE_SERVER ? &s->client : &s->server;

		e.store[side] = trust_for(ctx->trust, receiver);
		chain_partial(s, side, &r->chain[side]);
		chain_build(&r->chain[side], &e.cr[side], &s->chain[side], e.store[side],
			    ctx->trust);
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
	rule_outcome(&e);
	rule_aborted(&e);
	rule_alerts(&e);
	count_problems(r);
	set_verdict(&e);
	rule_outcome_text(&e);
	ladder_rows(r);
	chain_result_free(&e.cr[0]);
	chain_result_free(&e.cr[1]);
	dbuf_free(&e.asof);
}

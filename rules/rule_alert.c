/*
 * rule_alert.c - fatal alerts, with blame: who rejected whose chain, and why.
 *
 * DOMAIN §2: a client that cannot validate the server's chain sends a fatal
 * Alert right after the server's Certificate (and never sends its own); a
 * server that rejects the client's chain sends it after the client's
 * Certificate. So an alert answers the chain its sender most recently
 * RECEIVED: a client's alert answers the server's chain, a server's alert
 * the client's chain, when that chain arrived before the alert.
 *
 * Each fatal alert becomes a `fatal_alert` finding (basis observed: the
 * peer said so on the wire). Where tlsdiag's own validation (basis
 * predicted) found a problem with the answered chain that the alert's
 * description stands for (unknown_ca: the chain does not reach the trust
 * store; certificate_expired: dates; unsupported_certificate: EKU or key
 * usage; ...), the message says the two agree and uses that finding's
 * explanation and advice. Without a trust store for the alert's sender,
 * nothing about trust is invented: the message says what the chain ends
 * at, and that --trust / --trust-for would sharpen the verdict.
 *
 * After ChangeCipherSpec (and in TLS 1.3) alerts are encrypted: they are
 * reported as "an encrypted alert" with direction and timing, never with a
 * guessed description.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "rules/facts.h"
#include "rules/rule_int.h"

/* Which predicted findings on the answered chain an alert description
 * stands for, most specific first. NULL-terminated. */
/* clang-format off */
static const char *const ids_unknown_ca[] = { "unknown_ca", "incomplete_chain",
					      "trust_store_shadowing", "self_signed_leaf",
					      "ca_not_acceptable", "key_usage_mismatch", NULL };
static const char *const ids_expired[] = { "expired", "not_yet_valid", NULL };
static const char *const ids_unsupported[] = { "missing_server_auth_eku",
					       "missing_client_auth_eku", "key_usage_mismatch",
					       "unknown_critical_extension", "rsa_key_8192", "weak_key",
					       "weak_signature_sha1", NULL };
static const char *const ids_bad_cert[] = { "missing_server_auth_eku", "missing_client_auth_eku",
					    "key_usage_mismatch", "unknown_critical_extension",
					    "name_mismatch", "ip_address_peer",
					    "weak_signature_sha1", "weak_key", "rsa_key_8192",
					    "expired", "not_yet_valid", "unknown_ca",
					    "incomplete_chain", NULL };
/* Generic rejections (Java stacks, some appliances): anything. */
static const char *const ids_generic[] = { "unknown_ca", "incomplete_chain",
					   "trust_store_shadowing", "self_signed_leaf",
					   "client_cert_missing", "ca_not_acceptable", "expired",
					   "not_yet_valid", "missing_server_auth_eku",
					   "missing_client_auth_eku", "key_usage_mismatch",
					   "unknown_critical_extension", "name_mismatch",
					   "ip_address_peer", "weak_signature_sha1",
					   "weak_key", "rsa_key_8192", NULL };
static const char *const ids_cert_required[] = { "client_cert_missing", NULL };
static const char *const ids_name[] = { "name_mismatch", NULL };
/* clang-format on */

static const char *const *ids_for(int desc)
{
	switch (desc) {
	case AL_UNKNOWN_CA: return ids_unknown_ca;
	case AL_CERTIFICATE_EXPIRED: return ids_expired;
	case AL_UNSUPPORTED_CERTIFICATE: return ids_unsupported;
	case AL_BAD_CERTIFICATE: return ids_bad_cert;
	case AL_CERTIFICATE_UNKNOWN:
	case AL_HANDSHAKE_FAILURE:
	case AL_INTERNAL_ERROR:
	case AL_ACCESS_DENIED:
	case AL_INSUFFICIENT_SECURITY: return ids_generic;
	case AL_CERTIFICATE_REQUIRED: return ids_cert_required;
	case AL_UNRECOGNIZED_NAME: return ids_name;
	default: return NULL;
	}
}

/* What a description usually means here (DOMAIN §2). */
static const char *meaning(int desc)
{
	switch (desc) {
	case AL_HANDSHAKE_FAILURE:
		return "no shared protocol version or cipher suite, or (some stacks) a rejected "
		       "certificate";
	case AL_BAD_CERTIFICATE:
		return "the certificate is malformed, or its signature or usage was rejected";
	case AL_UNSUPPORTED_CERTIFICATE:
		return "the key type or usage is not supported (e.g. an EKU without the role's "
		       "purpose, or an EC certificate where RSA is required)";
	case AL_CERTIFICATE_REVOKED: return "a CRL or OCSP answer says the certificate is revoked";
	case AL_CERTIFICATE_EXPIRED: return "a certificate is expired or not yet valid";
	case AL_CERTIFICATE_UNKNOWN:
		return "a generic rejection; Java stacks (CUCM Tomcat, DRF) send it for unknown "
		       "issuers";
	case AL_UNKNOWN_CA: return "the chain does not reach a root in the receiver's trust store";
	case AL_ACCESS_DENIED: return "the certificate is valid, but not allowed";
	case AL_DECODE_ERROR: return "a message was malformed";
	case AL_DECRYPT_ERROR:
		return "a signature or Finished check failed (often the wrong private key for the "
		       "certificate)";
	case AL_PROTOCOL_VERSION: return "no protocol version both sides allow";
	case AL_INSUFFICIENT_SECURITY: return "the offered cipher suites are too weak for the peer";
	case AL_INTERNAL_ERROR: return "the sender's own failure";
	case AL_UNRECOGNIZED_NAME: return "the server does not know the name in the SNI";
	case AL_CERTIFICATE_REQUIRED: return "the server needed a client certificate and got none";
	default: return NULL;
	}
}

int rule_alert_fatal(const struct tls_session *s, const struct tls_alert *a)
{
	if (a->encrypted || a->level < 0)
		/* Description unknown: an encrypted alert before the handshake
		 * finished (and before the sender sent data) ends it; one after
		 * is almost always close_notify. */
		return !s->handshake_done && !s->app_data[a->side == SIDE_SERVER ? 1 : 0];
	if (a->desc == AL_CLOSE_NOTIFY || a->desc == AL_USER_CANCELED ||
	    a->desc == AL_NO_RENEGOTIATION)
		return 0;
	if (a->level == TLS_ALERT_FATAL)
		return 1;
	/* TLS 1.3 ignores the level: every other alert is fatal. */
	return s->tls13 && a->level != TLS_ALERT_WARNING ? 1 : 0;
}

static int came_before(uint64_t f1, int64_t t1, uint64_t f2, int64_t t2)
{
	if (f1 && f2)
		return f1 <= f2;
	return t1 <= t2;
}

/* The last message the sender received before the alert. */
static const struct ladder_entry *last_received(const struct tls_session *s,
						const struct tls_alert *a)
{
	const struct ladder_entry *best = NULL;
	size_t i;

	for (i = 0; i < s->n_ladder; i++) {
		const struct ladder_entry *l = &s->ladder[i];

		if (l->side == a->side || l->kind == LAD_GAP)
			continue;
		if (!came_before(l->frame, l->ts_ns, a->frame, a->ts_ns))
			continue;
		best = l;
	}
	return best;
}

/* The first predicted finding on `side` whose id is in `ids` (in the
 * order of ids), errors before warnings: a certain problem explains an
 * alert better than a guess (an IP peer inferred from a missing SNI). */
static const struct finding *match_finding(const struct session_report *r, int side,
					   const char *const *ids)
{
	size_t k, i;
	int sev;

	for (sev = SEV_ERROR; sev >= SEV_WARNING; sev--)
		for (k = 0; ids && ids[k]; k++)
			for (i = 0; i < r->nf; i++) {
				const struct finding *f = &r->f[i];

				/* shadowing is session-wide but breaks this chain */
				int on_side = f->side == side ||
					      (f->side == -1 &&
					       strcmp(f->id, "trust_store_shadowing") == 0);

				if (on_side && f->basis == BASIS_PREDICTED && (int)f->sev == sev &&
				    strcmp(f->id, ids[k]) == 0)
					return f;
			}
	return NULL;
}

static const struct finding *worst_on(const struct session_report *r, int side)
{
	const struct finding *w = NULL;
	size_t i;

	for (i = 0; i < r->nf; i++) {
		const struct finding *f = &r->f[i];

		if (f->side != side || f->basis != BASIS_PREDICTED || f->sev < SEV_WARNING)
			continue;
		if (!w || f->sev > w->sev)
			w = f;
	}
	return w;
}

/* What the answered chain ends at, as far as anything loaded knows:
 * "ends at the root X", "leads, through Y (not sent), to the root X",
 * "stops at Z: its issuer Y was not sent". */
static char *chain_end_text(const struct rule_eval *e, int side)
{
	const struct chain_result *res = &e->cr[side];
	const struct chain_view *v = &e->r->chain[side];

	if (v->partial)
		return xstrdup("is only partly in the capture (so where it ends is not known)");
	if (res->top_self_signed)
		return xasprintf("ends at the self-signed %s", rule_dn(&res->top->subject));
	if (res->n_known && res->known_reaches_root && v->missing_issuer)
		return xasprintf("leads, through %s (not sent), to the root %s", v->missing_issuer,
				 rule_dn(&res->known[res->n_known - 1]->subject));
	if (v->missing_issuer && res->top) {
		char *kin = side == SIDE_SERVER ? rule_cr_kin(e->s, v->missing_issuer) : NULL;
		char *t = xasprintf("stops at %s: its issuer %s was not sent%s%s%s",
				    rule_dn(&res->top->subject), v->missing_issuer,
				    kin ? " (the server's own CertificateRequest lists " : "",
				    kin ? kin : "",
				    kin ? " of the same organisation, most likely the root)" : "");
		free(kin);
		return t;
	}
	return xasprintf("ends at %s", v->ends_at ? v->ends_at : "(nothing)");
}

static int trust_related(int desc)
{
	return desc == AL_UNKNOWN_CA || desc == AL_CERTIFICATE_UNKNOWN ||
	       desc == AL_BAD_CERTIFICATE || desc == AL_HANDSHAKE_FAILURE;
}

/* A TLS 1.3 rejection read from the protected records (rule_outcome):
 * what the wire shows, and what it most likely means. */
static char *inferred_text(const struct rule_eval *e)
{
	const struct tls_session *s = e->s;
	char who_s[128], who_o[128];
	char *d = rule_delta_text(e->inferred_after.ts_ns, e->inferred_rec.ts_ns), *t;
	const char *how = s->close_reason == TCP_CLOSE_RST ? "reset (RST)" : "closed (FIN)";

	rule_who(e, e->inferred_side, who_s, sizeof(who_s));
	rule_who(e, 1 - e->inferred_side, who_o, sizeof(who_o));

	if (e->inferred_side == SIDE_CLIENT)
		t = xasprintf("Probably rejected by %s (encrypted alert): instead of its Finished, it "
			      "answered the encrypted flight of %s (frame %llu) with one short "
			      "encrypted record (%u bytes, frame %llu, %s later), and the connection "
			      "was %s. Without keys that is what a TLS 1.3 alert looks like: most "
			      "likely the client refused the server's certificate, but the alert's "
			      "description is encrypted.",
			      who_s, who_o, (unsigned long long)e->inferred_after.frame,
			      e->inferred_rec.len, (unsigned long long)e->inferred_rec.frame, d,
			      how);
	else
		t = xasprintf("Probably rejected by %s (encrypted alert): after the encrypted "
			      "Finished flight of %s (frame %llu), it sent one short encrypted record "
			      "(%u bytes, frame %llu, %s later) and no application data, and the "
			      "connection was %s. Without keys that is what a TLS 1.3 alert looks "
			      "like: most likely the server refused the client's certificate (or its "
			      "lack of one), but the alert's description is encrypted.",
			      who_s, who_o, (unsigned long long)e->inferred_after.frame,
			      e->inferred_rec.len, (unsigned long long)e->inferred_rec.frame, d,
			      how);
	free(d);
	return t;
}

static void one_alert(struct rule_eval *e, const struct tls_alert *a, int first, int inferred)
{
	const struct tls_session *s = e->s;
	struct session_report *r = e->r;
	int sender = a->side == SIDE_SERVER ? SIDE_SERVER : SIDE_CLIENT, other = 1 - sender;
	const struct tls_chain *ch = &s->chain[other];
	int answered = !tls_handshake_hidden(s) && ch->present &&
		       came_before(ch->frame, ch->ts_ns, a->frame, a->ts_ns);
	const char *desc = a->encrypted || a->desc < 0 ? NULL
			   : tls_alert_name(a->desc)   ? tls_alert_name(a->desc)
						       : "unknown";
	const struct finding *m = NULL;
	char who_s[128], who_o[128], ra[80];
	char *blame = NULL, *reason = NULL, *ref = NULL, *adv = NULL, *delta = NULL, *msg;

	rule_who(e, sender, who_s, sizeof(who_s));
	rule_cap(who_s);
	rule_who(e, other, who_o, sizeof(who_o));
	rule_addr(s, sender, ra, sizeof(ra));

	if (inferred) {
		blame = inferred_text(e);
	} else if (answered) {
		delta = rule_delta_text(ch->ts_ns, a->ts_ns);
		/* A Certificate the capture holds in part is never empty, and
		 * only a client's empty one means "no client certificate". */
		const char *part = ch->complete ? "" : ", which the capture holds only in part";

		if (ch->n == 0 && ch->complete && other == SIDE_CLIENT)
			blame = xasprintf("%s rejected %s, which sent no client certificate, with %s "
					  "(frame %llu, %s after the empty Certificate in frame %llu).",
					  who_s, who_o, desc ? desc : "an encrypted alert",
					  (unsigned long long)a->frame, delta,
					  (unsigned long long)ch->frame);
		else if (ch->n == 0 && ch->complete)
			blame = xasprintf("%s rejected %s, whose Certificate message (frame %llu) was "
					  "empty, with %s (frame %llu, %s later).",
					  who_s, who_o, (unsigned long long)ch->frame,
					  desc ? desc : "an encrypted alert",
					  (unsigned long long)a->frame, delta);
		else if (desc)
			blame = xasprintf("%s rejected the chain of %s with %s (frame %llu, %s after the "
					  "Certificate in frame %llu%s).",
					  who_s, who_o, desc, (unsigned long long)a->frame, delta,
					  (unsigned long long)ch->frame, part);
		else
			blame = xasprintf("%s sent an encrypted alert (frame %llu, %s after the "
					  "Certificate of %s in frame %llu%s) and the handshake ended: "
					  "most likely it rejected that chain, but the alert's "
					  "description is encrypted.",
					  who_s, (unsigned long long)a->frame, delta, who_o,
					  (unsigned long long)ch->frame, part);
	} else {
		const struct ladder_entry *l = last_received(s, a);
		char after[160] = "";

		if (l) {
			free(delta);
			delta = rule_delta_text(l->ts_ns, a->ts_ns);
			snprintf(after, sizeof(after), ", %s after the %s in frame %llu", delta,
				 rule_ladder_name(l), (unsigned long long)l->frame);
		}
		if (desc)
			blame = xasprintf("%s ended the handshake with %s (frame %llu%s)%s%s.",
					  who_s, desc, (unsigned long long)a->frame, after,
					  meaning(a->desc) ? ": " : "",
					  meaning(a->desc) ? meaning(a->desc) : "");
		else if (s->tls13)
			blame = xasprintf(
				"%s ended the TLS 1.3 handshake with an encrypted alert (frame "
				"%llu%s). In TLS 1.3 the certificates are encrypted too; an "
				"alert at this point is typically %s rejecting the certificate "
				"it just received, but the capture cannot show it.",
				who_s, (unsigned long long)a->frame, after,
				service_role(&e->svc, sender));
		else
			blame = xasprintf("%s ended the handshake with an encrypted alert (frame %llu%s): "
					  "its description is encrypted.",
					  who_s, (unsigned long long)a->frame, after);
	}

	if (answered && desc) {
		const struct trust_store *st = e->store[other];

		m = match_finding(r, other, ids_for(a->desc));
		if (!m)
			m = worst_on(r, other);
		/* The predicted finding says what is wrong and how to fix it:
		 * the headline quotes it whole, the alert's finding refers to it
		 * (said once). */
		if (m) {
			if (match_finding(r, other, ids_for(a->desc)) == m) {
				reason = xasprintf("This agrees with tlsdiag's own validation (%s, "
						   "predicted): %s",
						   m->id, m->message);
				ref = xasprintf("This agrees with tlsdiag's own validation: see %s "
						"(predicted) for what is wrong.",
						m->id);
			} else {
				reason = xasprintf("The validation tlsdiag does itself does not match "
						   "%s exactly, but finds this (%s, predicted): %s",
						   desc, m->id, m->message);
				ref = xasprintf("The validation tlsdiag does itself does not match %s "
						"exactly, but finds %s (predicted): see that finding.",
						desc, m->id);
			}
			adv = xasprintf("The fix is the one given for %s.", m->id);
		} else if (!ch->complete) {
			reason = xasprintf(
				"The capture lost part of that Certificate message (%llu of its %u "
				"bytes), so tlsdiag cannot tell which certificate %s refused.",
				(unsigned long long)e->r->chain[other].missing,
				e->r->chain[other].msg_len, service_role(&e->svc, sender));
		} else if (st && trust_related(a->desc) && ch->n > 0) {
			reason = xasprintf(
				"The validation tlsdiag does itself against the trust store given for "
				"%s (%s) finds nothing wrong with that chain: the real trust "
				"list or settings of %s differ from that store (or the reason "
				"is revocation or a policy not visible in the capture).",
				ra, e->r->chain[other].trust_store_name,
				service_role(&e->svc, sender));
		} else if (!st && trust_related(a->desc) && ch->n > 0) {
			char *end = chain_end_text(e, other);

			reason = xasprintf(
				"The chain it was sent %s; %s does not accept it. No trust "
				"store was given for %s, so tlsdiag judged only the chain's "
				"structure: a trust store (--trust / --trust-for) would sharpen "
				"the verdict.",
				end, service_role(&e->svc, sender), ra);
			free(end);
		}
	}
	if (!adv) {
		if (answered && ch->n > 0 && (!desc || trust_related(a->desc)))
			adv = advice_trust(&e->svc, sender);
		else if (answered && desc &&
			 (a->desc == AL_CERTIFICATE_EXPIRED ||
			  a->desc == AL_UNSUPPORTED_CERTIFICATE))
			adv = advice_own_cert(&e->svc, other);
		else if (desc &&
			 (a->desc == AL_HANDSHAKE_FAILURE || a->desc == AL_PROTOCOL_VERSION ||
			  a->desc == AL_INSUFFICIENT_SECURITY))
			adv = xasprintf(
				"Compare the protocol versions and cipher suites the ClientHello "
				"offers with what %s allows (on Expressway: Maintenance > "
				"Security > Ciphers; on CUCM: the TLS minimum version and cipher "
				"enterprise parameters).",
				service_role(&e->svc, SIDE_SERVER));
		else if (!desc)
			adv = xasprintf("To see the reason, decrypt the capture with the keys from "
					"SSLKEYLOGFILE or capture a TLS 1.2 handshake, and read the logs "
					"of %s at the time of frame %llu.",
					service_role(&e->svc, sender),
					(unsigned long long)a->frame);
		else
			adv = xasprintf("Read the logs of %s at the time of frame %llu for the reason.",
					service_role(&e->svc, sender),
					(unsigned long long)a->frame);
	}
	/* With no store for the sender, the only word on trust is the peer's:
	 * it is recorded as an observed unknown_ca, which carries the fix. */
	int obs_uca = answered && desc && a->desc == AL_UNKNOWN_CA && ch->n > 0 &&
		      !e->store[other] && !match_finding(r, other, ids_unknown_ca);
	char *uca_adv = obs_uca ? advice_trust(&e->svc, sender) : NULL;

	if (obs_uca && !m) {
		free(adv);
		adv = xstrdup("The fix is the one given for unknown_ca.");
	}
	msg = reason ? xasprintf("%s %s", blame, reason) : xstrdup(blame);
	{
		char *fmsg = ref ? xasprintf("%s %s", blame, ref) : NULL;

		/* side: who sent it; no certificate of the sender's is meant */
		struct finding *fa = report_add(r, "fatal_alert", SEV_ERROR, sender, -1,
						BASIS_OBSERVED, "alert", a->frame,
						fmsg ? fmsg : msg, adv);

		/* Lists name the alert, not the finding: "unknown_ca". */
		fa->name = desc ? desc : inferred ? "encrypted alert?" : "encrypted alert";
		free(fmsg);
	}
	/* ... observed, never predicted. */
	if (obs_uca) {
		char *end = chain_end_text(e, other);
		char *u =
			xasprintf("%s said unknown_ca on the wire (frame %llu): the chain of %s, which "
				  "%s, does not reach a CA it trusts.",
				  who_s, (unsigned long long)a->frame, who_o, end);

		free(end);
		report_add(r, "unknown_ca", SEV_ERROR, other,
			   (int)(e->r->chain[other].path_len
					 ? e->r->chain[other].path[e->r->chain[other].path_len - 1]
					 : 0),
			   BASIS_OBSERVED, "alert", a->frame, u, uca_adv);
		free(u);
	}
	free(uca_adv);
	if (first) {
		free(r->headline);
		r->headline = msg;
		msg = NULL;
	}
	free(msg);
	free(blame);
	free(reason);
	free(ref);
	free(adv);
	free(delta);
}

void rule_alerts(struct rule_eval *e)
{
	const struct tls_session *s = e->s;
	size_t i;
	int first = 1;

	for (i = 0; i < s->n_alerts; i++) {
		if (!rule_alert_fatal(s, &s->alerts[i]))
			continue;
		one_alert(e, &s->alerts[i], first, 0);
		first = 0;
	}
	if (first && e->inferred_side >= 0) {
		/* No alert in sight, but the protected records show one. */
		struct tls_alert a = { e->inferred_side,      1, -1, -1, e->inferred_rec.ts_ns,
				       e->inferred_rec.frame, 0 };

		one_alert(e, &a, 1, 1);
	}
}

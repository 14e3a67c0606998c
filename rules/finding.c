/*
 * finding.c - findings, chain views and verdicts of one session report
 * (rules/finding.h): appending findings, freeing a report, and the names
 * of the enums as they appear in every view (text, JSON, TUI).
 *
 * Ownership: a session_report owns its findings' strings, its chain views'
 * arrays and strings, the headline and the expected name. It does NOT own
 * r->s (the session) nor the certificates the chain views point at (the
 * cert cache and the trust stores own those), nor `service` (static).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "rules/finding.h"
#include "rules/ladder.h"

const char *severity_str(enum severity s)
{
	switch (s) {
	case SEV_INFO: return "info";
	case SEV_WARNING: return "warning";
	case SEV_ERROR: return "error";
	}
	return "unknown";
}

const char *basis_str(enum basis b)
{
	switch (b) {
	case BASIS_OBSERVED: return "observed";
	case BASIS_PREDICTED: return "predicted";
	}
	return "unknown";
}

const char *verdict_str(enum verdict v)
{
	switch (v) {
	case VERDICT_OK: return "ok";
	case VERDICT_WARNING: return "warning";
	case VERDICT_FAILED: return "failed";
	case VERDICT_INCOMPLETE: return "incomplete";
	case VERDICT_AT_RISK: return "at_risk";
	case VERDICT__COUNT: break;
	}
	return "unknown";
}

const char *verdict_label(enum verdict v)
{
	return v == VERDICT_AT_RISK ? "at risk" : verdict_str(v);
}

int verdict_rank(enum verdict v)
{
	switch (v) {
	case VERDICT_FAILED: return 0;
	case VERDICT_AT_RISK: return 1;
	case VERDICT_WARNING: return 2;
	case VERDICT_INCOMPLETE: return 3;
	case VERDICT_OK:
	case VERDICT__COUNT: break;
	}
	return 4;
}

const char *cert_status_str(enum cert_status s)
{
	switch (s) {
	case CS_UNCHECKED: return "unchecked";
	case CS_TRUSTED_ROOT: return "trusted root";
	case CS_TRUSTED_VIA_STORE: return "trusted via store";
	case CS_LINKED: return "linked";
	case CS_ISSUER_MISSING: return "issuer missing";
	case CS_UNTRUSTED_ROOT: return "untrusted root";
	case CS_BAD_SIGNATURE: return "bad signature";
	case CS_UNPARSEABLE: return "unparseable";
	case CS_EXTRA: return "extra";
	case CS_ISSUER_NOT_SENT: return "issuer not sent";
	}
	return "unknown";
}

enum tone cert_status_tone(enum cert_status s)
{
	switch (s) {
	case CS_TRUSTED_ROOT:
	case CS_TRUSTED_VIA_STORE:
	case CS_LINKED: return TONE_GOOD;
	case CS_UNCHECKED:
	case CS_EXTRA:
	case CS_ISSUER_NOT_SENT: return TONE_DIM;
	case CS_ISSUER_MISSING:
	case CS_UNTRUSTED_ROOT:
	case CS_BAD_SIGNATURE:
	case CS_UNPARSEABLE: return TONE_BAD;
	}
	return TONE_DIM;
}

/* clang-format off */
const struct finding_kind finding_kinds[] = {
	{ "unknown_ca", SEV_ERROR, SEV_ERROR,
	  "The chain does not reach a CA the receiver trusts (its top is not in the trust store "
	  "given, or the peer said unknown_ca)." },
	{ "incomplete_chain", SEV_WARNING, SEV_ERROR,
	  "An intermediate certificate between the leaf and a trusted root was not sent (error "
	  "when the trust store given does not hold it either)." },
	{ "chain_out_of_order", SEV_WARNING, SEV_WARNING,
	  "The certificates were not sent leaf first, each followed by its issuer." },
	{ "self_signed_leaf", SEV_INFO, SEV_WARNING,
	  "The peer's own certificate is self-signed (info when the receiver's trust store holds "
	  "that very certificate)." },
	{ "missing_server_auth_eku", SEV_WARNING, SEV_ERROR,
	  "A server certificate's Extended Key Usage lacks serverAuth (warning when only its other "
	  "use, mutual TLS, needs it)." },
	{ "missing_client_auth_eku", SEV_WARNING, SEV_ERROR,
	  "A client certificate's Extended Key Usage lacks clientAuth (warning when only its other "
	  "use, mutual TLS, needs it)." },
	{ "key_usage_mismatch", SEV_ERROR, SEV_ERROR,
	  "The Key Usage does not allow what the handshake uses the key for." },
	{ "unknown_critical_extension", SEV_ERROR, SEV_ERROR,
	  "A certificate carries a critical extension that OpenSSL and Java validators do not "
	  "process, or is a Certificate Transparency precertificate; strict peers reject it." },
	{ "name_mismatch", SEV_WARNING, SEV_ERROR,
	  "The leaf's names (SAN, else CN) do not cover the name the client dialled (warning when "
	  "that name is only guessed from the server's address)." },
	{ "ip_address_peer", SEV_WARNING, SEV_ERROR,
	  "The client dialled an IP address the certificate has no IP SAN for (warning when the "
	  "address is only guessed)." },
	{ "wildcard", SEV_INFO, SEV_WARNING,
	  "The leaf's name is a wildcard (warning on Cisco collaboration ports, where wildcards are "
	  "not supported)." },
	{ "expired", SEV_ERROR, SEV_ERROR,
	  "A certificate's notAfter is before the time it was judged at (the capture's own time)." },
	{ "not_yet_valid", SEV_ERROR, SEV_ERROR,
	  "A certificate's notBefore is after the time it was judged at." },
	{ "expiring_soon", SEV_WARNING, SEV_WARNING,
	  "A certificate expires within 30 days (--expiring) of the time it was judged at." },
	{ "weak_signature_sha1", SEV_WARNING, SEV_WARNING,
	  "A certificate that is not self-signed is signed with SHA-1 (or MD5)." },
	{ "weak_key", SEV_WARNING, SEV_ERROR,
	  "An RSA key under 2048 bits (error under 1024), an EC key under 224 bits, or a DSA key." },
	{ "rsa_key_8192", SEV_INFO, SEV_ERROR,
	  "An RSA key over 4096 bits (error on Cisco collaboration ports: Expressway does not take "
	  "it and SIP TLS zones fail)." },
	{ "san_too_long", SEV_INFO, SEV_WARNING,
	  "The SAN extension is longer than Cisco collaboration products accept (warning on their "
	  "ports)." },
	{ "unusual_subject_oid", SEV_INFO, SEV_WARNING,
	  "The subject holds an attribute outside X.520 and the usual extras, which some Cisco "
	  "collaboration products refuse (warning on their ports)." },
	{ "ca_not_acceptable", SEV_ERROR, SEV_ERROR,
	  "The client chain's issuer is not in the CA list of the server's CertificateRequest." },
	{ "client_cert_missing", SEV_WARNING, SEV_ERROR,
	  "The server asked for a client certificate and the client sent an empty Certificate "
	  "(warning when the server went on without it)." },
	{ "fatal_alert", SEV_ERROR, SEV_ERROR,
	  "A fatal alert ended the handshake: which side rejected which chain, and why when the "
	  "rules can tell." },
	{ "handshake_aborted", SEV_ERROR, SEV_ERROR,
	  "The connection closed during the handshake without an alert." },
	{ "certs_not_visible_tls13", SEV_INFO, SEV_INFO,
	  "TLS 1.3 encrypts the certificates: without a key log they cannot be read." },
	{ "capture_gap", SEV_WARNING, SEV_WARNING,
	  "Bytes of the handshake are missing from the capture (lost segments, snap length)." },
	{ "decrypted_with_keylog", SEV_INFO, SEV_INFO,
	  "The session was read with the key log given (--keylog)." },
	{ "not_decrypted", SEV_INFO, SEV_INFO,
	  "A key log was given but has no usable secrets for the session." },
	{ "trust_store_shadowing", SEV_WARNING, SEV_ERROR,
	  "Two trust store entries have the same subject: Expressway uses the first (error when "
	  "that breaks a chain seen in the capture)." },
	{ "trust_store_expired", SEV_WARNING, SEV_WARNING,
	  "A trust store entry has expired." },
	{ "trust_store_not_ca", SEV_WARNING, SEV_WARNING,
	  "A trust store entry is not a CA certificate." },
};
/* clang-format on */
const size_t n_finding_kinds = sizeof(finding_kinds) / sizeof(finding_kinds[0]);

const struct finding_kind *finding_kind(const char *id)
{
	for (size_t i = 0; id && i < n_finding_kinds; i++)
		if (strcmp(finding_kinds[i].id, id) == 0)
			return &finding_kinds[i];
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Copies every string; `id` must be static (it is kept as is). */
struct finding *report_add(struct session_report *r, const char *id, enum severity sev, int side,
			   int cert, enum basis basis, const char *field, uint64_t frame,
			   const char *message, const char *advice)
{
	struct finding f = {
		.id = id,
		.name = id,
		.sev = sev,
		.side = side,
		.cert = cert,
		.basis = basis,
		.field = dup_or_null(field),
		.frame = frame,
		.message = xstrdup(message ? message : ""),
		.advice = xstrdup(advice ? advice : ""),
	};

	/* Messages are sentences: rules may start them with "the client". */
	if (f.message[0] >= 'a' && f.message[0] <= 'z')
		f.message[0] = (char)(f.message[0] - 'a' + 'A');
	VEC_PUSH(r->f, r->nf, r->cap_f, f);
	return &r->f[r->nf - 1];
}

static void chain_view_free(struct chain_view *v)
{
	free(v->status);
	free(v->problems);
	free(v->path);
	free(v->ends_at);
	free(v->missing_issuer);
	free(v->missing_issuer_url);
	free(v->store_path);
	free(v->trust_store_name);
	free(v->rows);
	for (size_t i = 0; i < v->n_head; i++)
		free(v->head[i].text);
	free(v->head);
	memset(v, 0, sizeof(*v));
}

/* Frees what the report owns and zeroes it; r->s is left alone (the caller
 * owns the session). Accepts a zeroed report. */
void session_report_free(struct session_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nf; i++) {
		free(r->f[i].field);
		free(r->f[i].message);
		free(r->f[i].advice);
	}
	free(r->f);
	r->f = NULL;
	r->nf = r->cap_f = 0;
	chain_view_free(&r->chain[0]);
	chain_view_free(&r->chain[1]);
	for (i = 0; i < r->n_notes; i++)
		free(r->notes[i]);
	free(r->notes);
	r->notes = NULL;
	r->n_notes = 0;
	free(r->headline);
	free(r->outcome_text);
	r->outcome_text = NULL;
	ladder_rows_free(r);
	free(r->expected_name);
	free(r->expected_name_source);
	r->headline = r->expected_name = r->expected_name_source = NULL;
}

const struct finding *report_worst(const struct session_report *r)
{
	const struct finding *w = NULL;
	size_t i;

	for (i = 0; i < r->nf; i++)
		if (!w || r->f[i].sev > w->sev)
			w = &r->f[i];
	return w;
}

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
	}
	return "unknown";
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
	}
	return "unknown";
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
	free(r->expected_name);
	free(r->expected_name_source);
	r->headline = r->expected_name = r->expected_name_source = NULL;
	session_ids_free(&r->ids);
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

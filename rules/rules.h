/*
 * rules.h - the diagnostic rules: from a dissected session to a report
 * (chain views, findings with evidence and advice, verdict, headline).
 */
#ifndef TLSDIAG_RULES_H
#define TLSDIAG_RULES_H

#include <time.h>

#include "rules/analysis.h"

struct rules_ctx {
	const struct analysis_config *cfg;
	struct trust_ctx *trust;     /* may hold no store at all */
	const struct dns_table *dns; /* answers seen in this capture */
	time_t now;		     /* analysis time (for "expired as of now") */
};

/* Fill `r` (zeroed by the caller, r->s set) for session s. */
void rules_evaluate(const struct rules_ctx *ctx, struct session_report *r);

/* A session note in words (rules/notes.c); the caller frees it. */
char *note_text(const struct tls_note *n);
/* Word every note of r->s into r->notes (rules_evaluate does). */
void rules_word_notes(struct session_report *r);

/* Service name for a port pair (server port first), or NULL. */
const char *service_lookup(const struct analysis_config *cfg, uint16_t server_port, int *cisco_uc);

#endif

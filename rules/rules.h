/*
 * rules.h - the diagnostic rules: from a dissected session to a report
 * (chain views, findings with evidence and advice, verdict, headline).
 */
#ifndef TLSDIAG_RULES_H
#define TLSDIAG_RULES_H

#include <time.h>

#include "rules/finding.h"
#include "rules/settings.h"

/* Fill `r` (zeroed by the caller, r->s set) for session s. */
void rules_evaluate(const struct rules_ctx *ctx, struct session_report *r);

#endif

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

/*
 * A live capture lost `drops` packets (kernel or interface drops) while
 * the session was open: a capture_gap warning, and a session judged ok
 * becomes a warning (its headline says why).
 */
void rules_add_capture_gap(struct session_report *r, uint64_t drops);

#endif

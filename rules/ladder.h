/*
 * ladder.h - the handshake ladder's rows (rules/ladder.c): what the TUI
 * and the HTML page draw for a session's messages, worded once.
 */
#ifndef TLSDIAG_LADDER_H
#define TLSDIAG_LADDER_H

#include "rules/finding.h"

/* (Re)make r->ladder from r->s, its findings and its outcome
 * (rules_evaluate does, last; a report assembled by hand calls it when
 * complete). */
void ladder_rows(struct session_report *r);
/* Free r->ladder (session_report_free does). */
void ladder_rows_free(struct session_report *r);

#endif

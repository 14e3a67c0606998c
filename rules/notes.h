/*
 * notes.h - the dissector's notes (dissect/session.h, struct tls_note)
 * in words (rules/notes.c).
 */
#ifndef TLSDIAG_NOTES_H
#define TLSDIAG_NOTES_H

#include "dissect/session.h"
#include "rules/finding.h"

/* A session note in words; the caller frees it. */
char *note_text(const struct tls_note *n);
/* Word every note of r->s into r->notes (rules_evaluate does). */
void rules_word_notes(struct session_report *r);

#endif

/*
 * select.h - which sessions a filter picks (the TUI's `f`): the filter is
 * parsed once into terms, each session is matched against all of them.
 * The matching lives here, apart from the drawing code, so that every
 * view that filters sessions agrees and a unit test can pin it down
 * (tests/unit/test_select.c).
 *
 * Terms are separated by blanks; every term must match:
 *   ip:ADDR        the client or the server has exactly that address
 *                  (IPv4 or IPv6, "[...]" allowed): ip:10.0.0.1 does not
 *                  match 10.0.0.10
 *   port:N         the client or the server port is N
 *   finding:ID     a finding has that id or name (a fatal_alert's name is
 *                  the alert's: finding:unknown_ca matches both the
 *                  predicted unknown_ca and the peer's unknown_ca alert);
 *                  id:ID is the same
 *   verdict:V      the verdict begins with V (failed, at_risk, warning,
 *                  incomplete, ok); v:V is the same
 *   outcome:O      the outcome begins with O (completed, rejected_by_client,
 *                  rejected_by_server, aborted, not_seen)
 *   sni:TEXT       the SNI contains TEXT; "sni:" alone: no SNI was sent
 *   subject:TEXT   a presented certificate's subject DN or one of its DNS
 *                  SAN names contains TEXT
 *   file:TEXT      the capture file's path contains TEXT
 *   anything else  a word searched everywhere: endpoints, file, service,
 *                  version, SNI, verdict, outcome, headline, findings
 *                  (id, name, message) and certificate subjects
 *                  (select_text), to which a view may add its own cells
 * Field names and text compare without regard to ASCII case.
 */
#ifndef TLSDIAG_SELECT_H
#define TLSDIAG_SELECT_H

#include <stddef.h>

#include "rules/finding.h"

struct select_term {
	int field; /* enum select_field (select.c) */
	char *value;
	uint8_t addr[16]; /* ip: the address */
	int family;	  /* ip: 4 or 6 */
	unsigned port;	  /* port: */
};

struct session_select {
	struct select_term *t;
	size_t n;
};

/* Parse `text` into q (emptied first). 0 on success; -1 with a sentence in
 * err (a bad port, an unknown verdict or finding) and q empty. An empty
 * text selects every session. */
int select_parse(struct session_select *q, const char *text, char *err, size_t errlen);
/* Does r match every term? Plain words are looked for in `text`: NULL is
 * select_text(r); a view passes select_text(r) with its own cells added
 * (and keeps it, as it is asked again for every filter). */
int select_match(const struct session_select *q, const struct session_report *r, const char *text);
/* The text plain words search in a session (caller frees). */
char *select_text(const struct session_report *r);
void select_free(struct session_select *q);

#endif

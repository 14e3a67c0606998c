/*
 * ladder.c - the handshake ladder as every view draws it (rules/finding.h,
 * struct ladder_row): one row per entry of the session's ladder, with the
 * time since the ClientHello, the words for it ("Certificate (2 certs)",
 * "Alert: fatal unknown_ca (48)", "Encrypted record (19 bytes): probably
 * an alert"), its tone, whether a key log decrypted it, and for an alert
 * what it answers and the finding that reads it. The TUI and the HTML
 * page draw these rows; neither words an entry itself.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "rules/facts.h"
#include "rules/ladder.h"
#include "rules/rule_int.h"

/* The words for one entry. */
static char *entry_label(const struct session_report *r, const struct ladder_entry *e)
{
	const struct tls_session *s = r->s;
	char vb[16], ab[96], *t;
	struct dbuf b;

	dbuf_init(&b, DBUF_TEXT_MAX);
	switch (e->kind) {
	case LAD_HANDSHAKE:
		if (e->type == HS_CERTIFICATE &&
		    (e->side == SIDE_CLIENT || e->side == SIDE_SERVER) &&
		    s->chain[e->side].present && s->chain[e->side].frame == e->frame) {
			const struct tls_chain *ch = &s->chain[e->side];

			if (!ch->complete)
				dbuf_addstr(&b, "Certificate (partly captured)");
			else if (ch->n == 0)
				dbuf_addstr(&b, "Certificate (empty)");
			else
				dbuf_addf(&b, "Certificate (%zu cert%s)", ch->n,
					  ch->n == 1 ? "" : "s");
		} else if (e->type == HS_SERVER_HELLO && s->version) {
			dbuf_addf(&b, "ServerHello (%s)", version_text(s->version, vb, sizeof vb));
		} else {
			dbuf_addstr(&b, hs_type_text(e->type));
		}
		break;
	case LAD_CCS: dbuf_addstr(&b, "ChangeCipherSpec"); break;
	case LAD_ALERT:
		if (e->type >= 0 && (size_t)e->type < s->n_alerts && !s->alerts[e->type].encrypted)
			dbuf_addf(&b, "Alert: %s", alert_text(&s->alerts[e->type], ab, sizeof ab));
		else
			dbuf_addstr(&b, "Encrypted alert");
		break;
	case LAD_ENCRYPTED_HS:
		dbuf_addstr(&b, tls_handshake_hidden(s) ? "Encrypted handshake messages"
							: "Encrypted handshake message");
		break;
	case LAD_APP_DATA: dbuf_addstr(&b, "Application data"); break;
	case LAD_GAP:
		dbuf_addf(&b, "capture gap: %u byte%s missing", e->length,
			  e->length == 1 ? "" : "s");
		break;
	case LAD_SSLV2_HELLO: dbuf_addstr(&b, "ClientHello (SSLv2 format)"); break;
	case LAD_HRR: dbuf_addstr(&b, "HelloRetryRequest"); break;
	}
	if (e->incomplete)
		dbuf_addstr(&b, " (incomplete)");
	if (e->decrypted)
		dbuf_addstr(&b, " (decrypted)");
	t = dbuf_take(&b);
	return t;
}

/* TLS 1.3 without keys: a record that came in the same frame as its side's
 * encrypted flight is the rest of that flight (its CertificateVerify and
 * Finished), whatever its outer type says. */
static int flight_rest(const struct tls_session *s, size_t i)
{
	const struct ladder_entry *e = &s->ladder[i];

	if (e->kind != LAD_APP_DATA || !tls_handshake_hidden(s))
		return 0;
	for (size_t k = 0; k < i; k++)
		if (s->ladder[k].kind == LAD_ENCRYPTED_HS && s->ladder[k].side == e->side &&
		    s->ladder[k].frame == e->frame)
			return 1;
	return 0;
}

/* What an alert answers: the other side's last flight before it, and in
 * that flight its Certificate when there is one (what gets rejected). */
static const struct ladder_entry *answered(const struct tls_session *s, size_t at)
{
	const struct ladder_entry *al = &s->ladder[at], *last = NULL, *cert = NULL;
	size_t i = at;

	while (i > 0) {
		const struct ladder_entry *e = &s->ladder[--i];

		if (e->kind == LAD_GAP || flight_rest(s, i))
			continue;
		if (e->side == al->side) {
			if (last)
				break;
			continue;
		}
		if (!last)
			last = e;
		if (e->kind == LAD_HANDSHAKE && e->type == HS_CERTIFICATE)
			cert = e;
	}
	return cert ? cert : last;
}

/* The fatal_alert finding read from the entry at `frame` sent by `side`. */
static int alert_finding(const struct session_report *r, int side, uint64_t frame)
{
	for (size_t k = 0; k < r->nf; k++)
		if (r->f[k].frame == frame && r->f[k].side == side &&
		    strcmp(r->f[k].id, "fatal_alert") == 0)
			return (int)k;
	return -1;
}

void ladder_rows_free(struct session_report *r)
{
	for (size_t i = 0; i < r->n_ladder; i++) {
		free(r->ladder[i].label);
		free(r->ladder[i].note);
	}
	free(r->ladder);
	r->ladder = NULL;
	r->n_ladder = 0;
}

void ladder_rows(struct session_report *r)
{
	const struct tls_session *s = r->s;
	int64_t t0;
	/* TLS 1.3 without keys: the record read as an alert (outcome.c). */
	int inferred = r->outcome_basis == OB_INFERRED &&
		       (r->outcome == OUTCOME_REJECTED_BY_CLIENT ||
			r->outcome == OUTCOME_REJECTED_BY_SERVER);
	int inf_side = r->outcome == OUTCOME_REJECTED_BY_CLIENT ? SIDE_CLIENT : SIDE_SERVER;

	ladder_rows_free(r);
	if (!s || !s->n_ladder)
		return;
	t0 = s->ch.present ? s->ch.ts_ns : s->start_ts;
	r->ladder = xcalloc(s->n_ladder, sizeof(*r->ladder));
	for (size_t i = 0; i < s->n_ladder; i++) {
		const struct ladder_entry *e = &s->ladder[i];
		struct ladder_row *w;
		int fatal = 0;

		if (flight_rest(s, i) &&
		    !(r->outcome_basis == OB_INFERRED && alert_finding(r, e->side, e->frame) >= 0))
			continue;
		w = &r->ladder[r->n_ladder++];
		w->side = e->side;
		w->kind = e->kind;
		w->frame = e->frame;
		w->ms = (double)(e->ts_ns - t0) / 1e6;
		w->decrypted = e->decrypted;
		w->finding = -1;
		w->label = entry_label(r, e);
		w->tone = e->kind == LAD_GAP ? TONE_WARN : TONE_PLAIN;
		if (e->kind == LAD_ALERT && e->type >= 0 && (size_t)e->type < s->n_alerts)
			fatal = rule_alert_fatal(s, &s->alerts[e->type]);
		if (inferred && e->side == inf_side &&
		    (e->kind == LAD_APP_DATA || e->kind == LAD_ENCRYPTED_HS) &&
		    alert_finding(r, inf_side, e->frame) >= 0) {
			/* The short record the rules read as an encrypted alert. */
			free(w->label);
			w->label = xasprintf("Encrypted record (%u bytes): probably an alert",
					     e->length);
			fatal = 1;
		}
		if (!fatal)
			continue;
		w->tone = TONE_BAD;
		w->alert = 1;
		{
			const struct ladder_entry *q = answered(s, i);

			if (q) {
				char *what = entry_label(r, q);

				w->note = xasprintf("answers the %s's %s (frame %llu)",
						    side_str(q->side), what,
						    (unsigned long long)q->frame);
				free(what);
			}
		}
		w->finding = alert_finding(r, e->side, e->frame);
	}
}

/*
 * outcome.c - what happened to a handshake, apart from what is wrong with
 * it (DOMAIN §2: "a handshake can complete with an expired certificate (a
 * lenient client), or fail with a perfect chain (a missing trust entry on
 * the far side). Say both."). One fact, computed here and read by every
 * view: the outcome, whether the session was established, how we know.
 *
 *   rejected_by_client / rejected_by_server
 *                  a fatal alert ended the handshake: read in clear, read
 *                  with a key log, or (TLS 1.3 without keys) inferred from
 *                  the protected records, below
 *   completed      both Finished messages (TLS 1.3: the client's, and
 *                  nothing after it that looks like a rejection)
 *   aborted        the connection closed (FIN, RST) during the handshake
 *                  without an alert
 *   not_seen       the capture does not show how it ended (it starts
 *                  after the handshake, loses bytes of it, or ends first)
 *
 * TLS 1.3 without keys: every alert after the ServerHello is encrypted and
 * looks like any other protected record. An alert is 2 bytes plus the
 * content type and the AEAD tag: 19 bytes of record with a 16-byte tag,
 * 11 with CCM_8's 8 bytes, a few more when the sender pads. A Finished is
 * at least 4 + 32 + 1 + 8 = 45. So a sender that answers the peer's
 * flight with ONE short record, sends nothing after it, and the
 * connection then closes (FIN or RST) without application data from it,
 * most likely rejected the handshake: "probably rejected (encrypted
 * alert)", with the record's size, frame and delay as evidence. A key log
 * that decrypts the alert replaces the inference: the decrypted alert is a
 * visible one (dissect/session.h, alerts[].decrypted), which comes first.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "rules/facts.h"
#include "rules/rule_int.h"

/* Longest protected record that can still be one alert: 2 bytes, the
 * content type, a 16-byte tag and a little padding. */
#define ALERT_RECORD_MAX 24
#define ALERT_RECORD_MIN 11

const char *outcome_str(enum outcome o)
{
	switch (o) {
	case OUTCOME_COMPLETED: return "completed";
	case OUTCOME_REJECTED_BY_CLIENT: return "rejected_by_client";
	case OUTCOME_REJECTED_BY_SERVER: return "rejected_by_server";
	case OUTCOME_ABORTED: return "aborted";
	case OUTCOME_NOT_SEEN: return "not_seen";
	}
	return "not_seen";
}

const char *outcome_basis_str(enum outcome_basis b)
{
	switch (b) {
	case OB_MESSAGES: return "messages";
	case OB_ALERT: return "alert";
	case OB_DECRYPTED: return "decrypted";
	case OB_INFERRED: return "inferred";
	case OB_CAPTURE: return "capture";
	}
	return "messages";
}

static int short_record(const struct tls_record_seen *r)
{
	return r->len >= ALERT_RECORD_MIN && r->len <= ALERT_RECORD_MAX;
}

static int closed(const struct tls_session *s)
{
	return s->close_reason == TCP_CLOSE_FIN || s->close_reason == TCP_CLOSE_RST;
}

int outcome_infer_tls13(const struct tls_session *s, struct tls_record_seen *rec,
			struct tls_record_seen *after)
{
	const struct tls_protected *c = &s->prot[SIDE_CLIENT], *sv = &s->prot[SIDE_SERVER];

	if (!s->tls13 || !closed(s) || sv->n == 0)
		return -1;
	/* The client answered the server's flight with one short record and
	 * nothing else: no Finished (45 bytes or more), an alert. */
	if (c->n == 1 && short_record(&c->first) && c->n_before_peer == 0 &&
	    sv->n - sv->n_before_peer == 0) {
		*rec = c->first;
		*after = sv->last;
		return SIDE_CLIENT;
	}
	/* The client sent its flight (and maybe data); the server's only
	 * record after it is short, and the last it sent. A short last
	 * record of the client before it would be the client closing first
	 * (close_notify, answered by the server's). */
	if (c->n >= 1 && sv->n - sv->n_before_peer == 1 && short_record(&sv->last) &&
	    sv->last.frame >= c->first.frame &&
	    !(c->n > 1 && short_record(&c->last) && c->last.frame <= sv->last.frame)) {
		*rec = sv->last;
		*after = c->n > 1 && c->last.frame <= sv->last.frame ? c->last : c->first;
		return SIDE_SERVER;
	}
	return -1;
}

/* The first alert that ended the handshake, or NULL. */
static const struct tls_alert *ending_alert(const struct tls_session *s)
{
	for (size_t i = 0; i < s->n_alerts; i++)
		if (rule_alert_fatal(s, &s->alerts[i]))
			return &s->alerts[i];
	return NULL;
}

/* Why the capture does not show how the handshake ended, or NULL. */
static const char *not_seen_reason(const struct tls_session *s)
{
	size_t i;

	for (i = 0; i < s->n_notes; i++)
		if (s->notes[i].kind == NOTE_MIDSTREAM)
			return "the capture starts after the handshake began";
	if (s->flow_midstream && !s->ch.present)
		return "the capture starts after the handshake began";
	/* Bytes of the handshake are missing: done or not, what the hellos
	 * said may be lost with them. */
	if (!s->handshake_done || !s->ch.present || !s->sh.present)
		for (i = 0; i < s->n_notes; i++)
			if (s->notes[i].kind == NOTE_GAP && s->notes[i].in_handshake) {
				for (size_t k = 0; k < s->n_notes; k++)
					if (s->notes[k].kind == NOTE_SNAPLEN)
						return "the capture's snapshot length cut the "
						       "handshake's packets short";
				return "the capture lost data during the handshake";
			}
	if (s->handshake_done)
		return NULL;
	for (i = 0; i < s->n_notes; i++)
		if (s->notes[i].kind == NOTE_TRUNCATED)
			return "the capture ends inside a handshake message";
	if (!closed(s))
		return s->close_reason == TCP_CLOSE_IDLE ? "the connection went quiet before the "
							   "handshake finished"
		       : s->close_reason == TCP_CLOSE_EVICTED
			       ? "the connection was dropped from the flow table (--max-flows)"
			       : "the capture ends before the handshake finished";
	return NULL;
}

/* The last ladder entry (not a gap), or NULL. */
static const struct ladder_entry *last_entry(const struct tls_session *s)
{
	for (size_t i = s->n_ladder; i > 0; i--)
		if (s->ladder[i - 1].kind != LAD_GAP)
			return &s->ladder[i - 1];
	return NULL;
}

void rule_outcome(struct rule_eval *e)
{
	const struct tls_session *s = e->s;
	struct session_report *r = e->r;
	const struct tls_alert *a = ending_alert(s);
	const char *why;
	struct tls_record_seen rec, after;
	int side;

	e->inferred_side = -1;
	r->outcome_alert = -1;
	if (a) {
		r->outcome = a->side == SIDE_CLIENT ? OUTCOME_REJECTED_BY_CLIENT
						    : OUTCOME_REJECTED_BY_SERVER;
		r->outcome_basis = a->decrypted ? OB_DECRYPTED : OB_ALERT;
		r->outcome_alert = (int)(a - s->alerts);
		r->established = 0;
		return;
	}
	if (tls_handshake_hidden(s) && (side = outcome_infer_tls13(s, &rec, &after)) >= 0) {
		r->outcome = side == SIDE_CLIENT ? OUTCOME_REJECTED_BY_CLIENT
						 : OUTCOME_REJECTED_BY_SERVER;
		r->outcome_basis = OB_INFERRED;
		r->established = 0;
		e->inferred_side = side;
		e->inferred_rec = rec;
		e->inferred_after = after;
		return;
	}
	why = not_seen_reason(s);
	if (!s->ch.present && !s->sh.present && !why)
		why = "no hello of this connection was captured";
	if (why) {
		r->outcome = OUTCOME_NOT_SEEN;
		r->outcome_basis = OB_CAPTURE;
		/* Data flowing both ways shows the keys were agreed, even when
		 * the handshake itself is not in the capture. */
		r->established = s->handshake_done && s->app_data[0] && s->app_data[1];
		e->not_seen_why = why;
		return;
	}
	if (s->handshake_done) {
		r->outcome = OUTCOME_COMPLETED;
		r->outcome_basis = tls_finished_verified(s) ? OB_DECRYPTED : OB_MESSAGES;
		r->established = 1;
		return;
	}
	r->outcome = OUTCOME_ABORTED;
	r->outcome_basis = OB_MESSAGES;
	r->established = 0;
}

static const char *close_word(const struct tls_session *s)
{
	return s->close_reason == TCP_CLOSE_RST ? "reset (RST)" : "closed (FIN)";
}

void rule_outcome_text(struct rule_eval *e)
{
	const struct tls_session *s = e->s;
	struct session_report *r = e->r;
	struct dbuf b;
	char who[128], ab[96];

	dbuf_init(&b, DBUF_TEXT_MAX);
	switch (r->outcome) {
	case OUTCOME_REJECTED_BY_CLIENT:
	case OUTCOME_REJECTED_BY_SERVER: {
		int side = r->outcome == OUTCOME_REJECTED_BY_CLIENT ? SIDE_CLIENT : SIDE_SERVER;

		rule_who(e, side, who, sizeof(who));
		if (r->outcome_basis == OB_INFERRED) {
			char *d = rule_delta_text(e->inferred_after.ts_ns, e->inferred_rec.ts_ns);

			dbuf_addf(&b,
				  "Probably rejected by %s (encrypted alert): one short encrypted record "
				  "(%u bytes, frame %llu, %s after frame %llu), then the connection was "
				  "%s with no application data from it.",
				  who, e->inferred_rec.len,
				  (unsigned long long)e->inferred_rec.frame, d,
				  (unsigned long long)e->inferred_after.frame, close_word(s));
			free(d);
		} else if (r->outcome_alert >= 0) {
			const struct tls_alert *a = &s->alerts[r->outcome_alert];

			dbuf_addf(&b, "Rejected by %s: %s in frame %llu%s.", who,
				  alert_text(a, ab, sizeof(ab)), (unsigned long long)a->frame,
				  a->decrypted ? ", read with the key log" : "");
		}
		break;
	}
	case OUTCOME_COMPLETED:
		if (r->outcome_basis == OB_DECRYPTED)
			dbuf_addstr(&b,
				    "Completed: both Finished messages were decrypted and match "
				    "the handshake.");
		else if (s->tls13)
			dbuf_addstr(&b,
				    "Completed: the client sent its Finished, and nothing after it "
				    "looks like a rejection.");
		else
			dbuf_addstr(&b, "Completed: both sides sent their Finished.");
		break;
	case OUTCOME_ABORTED: {
		const struct ladder_entry *l = last_entry(s);

		dbuf_addf(&b, "Aborted: the connection was %s during the handshake, with no alert",
			  close_word(s));
		if (l && (l->side == SIDE_CLIENT || l->side == SIDE_SERVER))
			dbuf_addf(&b, "; the last message was the %s's %s (frame %llu)",
				  side_str(l->side), rule_ladder_name(l),
				  (unsigned long long)l->frame);
		dbuf_addstr(&b, ".");
		break;
	}
	case OUTCOME_NOT_SEEN:
		dbuf_addf(&b, "Not seen: %s%s.", e->not_seen_why ? e->not_seen_why : "",
			  r->established ? " (application data flowed both ways)" : "");
		break;
	}
	free(r->outcome_text);
	r->outcome_text = dbuf_take(&b);
}

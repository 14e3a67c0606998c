/*
 * notes.c - what the capture or the peer kept from view, in words. The
 * dissector records notes as data (dissect/session.h, struct tls_note:
 * a kind, the side, the message and the numbers); this is the one place
 * that turns them into the sentences every view shows.
 */
#include "config.h"

#include <stdlib.h>

#include "capture/xalloc.h"
#include "rules/facts.h"
#include "rules/notes.h"

/* "X from the client is malformed (frame 7); what could be read is kept" */
static void message_refused(struct dbuf *b, const struct tls_note *n)
{
	char tb[64];

	dbuf_addf(b, "%s from the %s is %s (frame %llu); what could be read is kept",
		  hs_type_words(n->msg_type, tb, sizeof(tb)), side_str(n->side), pe_str(n->err),
		  (unsigned long long)n->frame);
}

char *note_text(const struct tls_note *n)
{
	struct dbuf b;
	char tb[64];
	const char *who = side_str(n->side), *msg = hs_type_words(n->msg_type, tb, sizeof(tb));
	char *t;

	dbuf_init(&b, DBUF_TEXT_MAX);
	switch (n->kind) {
	case NOTE_GAP:
		if (n->msg_type >= 0) {
			uint64_t missing = (uint64_t)n->msg_len - n->msg_seen;

			dbuf_addf(&b,
				  "%llu bytes of the %s's %s (%u bytes) are missing from the capture "
				  "after frame %llu",
				  (unsigned long long)(n->bytes < missing ? n->bytes : missing),
				  who, msg, n->msg_len, (unsigned long long)n->frame);
		} else {
			dbuf_addf(&b,
				  "%llu bytes from the %s are missing from the capture after frame %llu",
				  (unsigned long long)n->bytes, who, (unsigned long long)n->frame);
		}
		break;
	case NOTE_MALFORMED:
		if (n->msg_type >= 0)
			message_refused(&b, n);
		else
			dbuf_addf(&b,
				  "bytes that are not a TLS record header in frame %llu; looking for the "
				  "next record",
				  (unsigned long long)n->frame);
		break;
	case NOTE_LIMIT:
		if (n->limit == LIMIT_ALERTS)
			dbuf_addf(&b, "more than %llu alerts; the rest are not listed",
				  (unsigned long long)n->cap);
		else if (n->limit == LIMIT_MESSAGE && n->msg_type >= 0)
			dbuf_addf(&b,
				  "the %s's %s, announced as %u bytes, is over our limit; not decoded",
				  who, msg, n->msg_len);
		else if (n->limit == LIMIT_MESSAGE)
			dbuf_addf(&b, "a handshake message over %llu bytes was not decoded",
				  (unsigned long long)n->cap);
		else
			message_refused(&b, n);
		break;
	case NOTE_TRUNCATED:
		dbuf_addf(&b, "the capture ends inside the %s's %s (%u of %u bytes seen)", who, msg,
			  n->msg_seen, n->msg_len);
		break;
	case NOTE_SNAPLEN:
		dbuf_addf(&b,
			  "%llu segments of this connection were cut short by the capture's snapshot "
			  "length; capture again with tcpdump -s 0",
			  (unsigned long long)n->bytes);
		break;
	case NOTE_MIDSTREAM:
		dbuf_addstr(&b, "the capture starts after this connection's handshake began");
		break;
	case NOTE_RECORD_GAP:
		dbuf_addf(&b,
			  "%llu bytes of a protected record from the %s (%u bytes, frame %llu) are "
			  "missing, so it could not be decrypted",
			  (unsigned long long)n->bytes, who, n->msg_len,
			  (unsigned long long)n->frame);
		break;
	case NOTE_CERTS_LOST:
		dbuf_addf(&b,
			  "%s%llu certificate%s of the %s's chain %s not captured (%llu bytes of its "
			  "certificate list are missing, frame %llu); the others are shown",
			  n->msg_seen ? "" : "at least ", (unsigned long long)n->cap,
			  n->cap == 1 ? "" : "s", who, n->cap == 1 ? "was" : "were",
			  (unsigned long long)n->bytes, (unsigned long long)n->frame);
		break;
	case NOTE_BAD_ALERT:
		dbuf_addf(&b,
			  "a decrypted alert record from the %s (frame %llu) is not one 2-byte alert",
			  who, (unsigned long long)n->frame);
		break;
	}
	/* A sentence of its own in every view: it starts with a capital. */
	t = dbuf_take(&b);
	if (t[0] >= 'a' && t[0] <= 'z')
		t[0] = (char)(t[0] - 'a' + 'A');
	return t;
}

void rules_word_notes(struct session_report *r)
{
	const struct tls_session *s = r->s;

	for (size_t i = 0; i < r->n_notes; i++)
		free(r->notes[i]);
	free(r->notes);
	r->notes = NULL;
	r->n_notes = 0;
	if (!s || !s->n_notes)
		return;
	r->notes = xcalloc(s->n_notes, sizeof(*r->notes));
	for (size_t i = 0; i < s->n_notes; i++)
		r->notes[i] = note_text(&s->notes[i]);
	r->n_notes = s->n_notes;
}

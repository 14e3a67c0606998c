/*
 * tls_hs.c - a whole handshake message into the session model, shared by
 * TLS over TCP (tls.c) and DTLS over UDP (dtls.c): the messages and their
 * bodies are the same (RFC 6347 §4.2, RFC 9147 §5: DTLS changes only the
 * message header, and the ClientHello's cookie).
 */
#include "dissect/tls_hs.h"

#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "dissect/tls_msg.h"

int tls_hs_side(const struct tls_hs_conn *c, int dir)
{
	int cd = c->client_dir < 0 ? 0 : c->client_dir;
	return dir == cd ? SIDE_CLIENT : SIDE_SERVER;
}

struct ladder_entry *tls_ladder_add(struct tls_session *s, enum ladder_kind k, int side, int type,
				    uint32_t len, int64_t ts, uint64_t frame)
{
	struct ladder_entry e = { k, side, type, len, ts, frame };
	if (s->n_ladder >= 4096)
		return NULL;
	VEC_PUSH(s->ladder, s->n_ladder, s->cap_ladder, e);
	return &s->ladder[s->n_ladder - 1];
}

void tls_ladder_add_incomplete(struct tls_session *s, int side, int type, uint32_t len, int64_t ts,
			       uint64_t frame)
{
	struct ladder_entry *e = tls_ladder_add(s, LAD_HANDSHAKE, side, type, len, ts, frame);
	if (e)
		e->incomplete = 1;
}

struct tls_note *tls_note_add(struct tls_session *s, enum tls_note_kind k, int side, uint64_t bytes,
			      int64_t ts, uint64_t frame)
{
	struct tls_note n = { k, side,	!s->handshake_done, bytes, ts, frame, -1, 0,
			      0, PE_OK, LIMIT_PARSER,	    0 };
	if (s->n_notes >= 256)
		return NULL;
	VEC_PUSH(s->notes, s->n_notes, s->cap_notes, n);
	return &s->notes[s->n_notes - 1];
}

struct tls_note *tls_note_msg(struct tls_session *s, enum tls_note_kind k, int side, uint64_t bytes,
			      int64_t ts, uint64_t frame, int type, uint32_t len, uint32_t seen)
{
	struct tls_note *n = tls_note_add(s, k, side, bytes, ts, frame);
	if (n) {
		n->msg_type = type;
		n->msg_len = len;
		n->msg_seen = seen;
	}
	return n;
}

void tls_alert_add(struct tls_session *s, const struct tls_alert *a, int *capped)
{
	if (s->n_alerts >= TLS_MAX_ALERTS) {
		struct tls_note *n = *capped ? NULL
					     : tls_note_add(s, NOTE_LIMIT, a->side, 0, a->ts_ns,
							    a->frame);
		if (n) {
			n->limit = LIMIT_ALERTS;
			n->cap = TLS_MAX_ALERTS;
		}
		*capped = 1;
		return;
	}
	VEC_PUSH(s->alerts, s->n_alerts, s->cap_alerts, *a);
	tls_ladder_add(s, LAD_ALERT, a->side, (int)(s->n_alerts - 1), a->encrypted ? 0 : 2,
		       a->ts_ns, a->frame);
}

void tls_hs_set_client_dir(struct tls_hs_conn *c, int dir)
{
	struct tls_session *s = c->s;
	if (c->client_dir >= 0)
		return;
	c->client_dir = dir;
	if (dir == 0)
		return;
	for (size_t i = 0; i < s->n_ladder; i++)
		s->ladder[i].side = 1 - s->ladder[i].side;
	for (size_t i = 0; i < s->n_alerts; i++)
		s->alerts[i].side = 1 - s->alerts[i].side;
	for (size_t i = 0; i < s->n_notes; i++)
		if (s->notes[i].side >= 0)
			s->notes[i].side = 1 - s->notes[i].side;
	struct tls_chain ch = s->chain[0];
	s->chain[0] = s->chain[1];
	s->chain[1] = ch;
	int *pairs[] = { s->ccs, s->encrypted_hs, s->app_data, s->dtls.cid };
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		int t = pairs[i][0];
		pairs[i][0] = pairs[i][1];
		pairs[i][1] = t;
	}
	uint64_t *counts[] = { s->dtls.records, s->dtls.retransmitted, s->dtls.fragments,
			       s->dtls.other_datagrams };
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		uint64_t t = counts[i][0];
		counts[i][0] = counts[i][1];
		counts[i][1] = t;
	}
}

/* The TLS version a version number stands for (DTLS 1.2 is TLS 1.2's). */
static uint16_t tver(const struct tls_hs_conn *c, uint16_t v)
{
	return c->dtls ? tls_version_equiv(v) : v;
}

static int is_tls13(const struct tls_hs_conn *c, uint16_t v)
{
	return tver(c, v) == TLS_V1_3 || TLS_V1_3_DRAFT(v);
}

int tls_hs_message(struct tls_hs_conn *c, int dir, uint8_t type, struct cursor *body, uint32_t len,
		   int64_t ts, uint64_t frame)
{
	struct tls_session *s = c->s;
	enum parse_err e = PE_OK;
	int ret = 0;

	/* Messages only one side sends tell the roles (a mid-stream join may
	 * have named the directions the other way round). */
	switch (type) {
	case HS_CLIENT_HELLO:
	case HS_CLIENT_KEY_EXCHANGE:
	case HS_CERTIFICATE_VERIFY: tls_hs_set_client_dir(c, dir); break;
	case HS_SERVER_HELLO:
	case HS_SERVER_KEY_EXCHANGE:
	case HS_CERTIFICATE_REQUEST:
	case HS_SERVER_HELLO_DONE:
	case HS_NEW_SESSION_TICKET: tls_hs_set_client_dir(c, 1 - dir); break;
	case HS_HELLO_VERIFY_REQUEST: /* DTLS only (RFC 6347 §4.2.1) */
		if (c->dtls)
			tls_hs_set_client_dir(c, 1 - dir);
		break;
	}
	int side = tls_hs_side(c, dir);

	switch (type) {
	case HS_CLIENT_HELLO:
		if (!s->ch.present) {
			e = c->dtls ? dtls_parse_client_hello(body, &s->ch)
				    : tls_parse_client_hello(body, &s->ch);
			s->ch.ts_ns = ts;
			s->ch.frame = frame;
		}
		break;
	case HS_SERVER_HELLO: {
		struct tls_server_hello sh = { 0 };
		e = tls_parse_server_hello(body, &sh);
		if (sh.hrr) {
			s->sh.hrr = 1;
			/* The server's answer even when nothing follows it (the
			 * client may have closed already): it chose TLS 1.3. */
			if (!s->sh.present && e == PE_OK && s->version == 0) {
				s->version = sh.version;
				s->tls13 = is_tls13(c, sh.version);
			}
			free(sh.extensions.v);
			free(sh.alpn);
			tls_ladder_add(s, LAD_HRR, side, type, len, ts, frame);
			return 0;
		}
		if (!s->sh.present) {
			int hrr = s->sh.hrr;
			/* An EncryptedExtensions may have come first (a hostile
			 * or broken peer): the ServerHello replaces what it set. */
			free(s->sh.extensions.v);
			free(s->sh.ee_extensions.v);
			free(s->sh.alpn);
			s->sh = sh;
			s->sh.hrr = hrr;
			s->sh.ts_ns = ts;
			s->sh.frame = frame;
			s->version = sh.version;
			if (is_tls13(c, sh.version)) {
				/* Everything after the ServerHello is encrypted. */
				s->tls13 = 1;
				ret = TLS_HS_ENCRYPT;
			}
		} else {
			free(sh.extensions.v);
			free(sh.alpn);
		}
		break;
	}
	case HS_CERTIFICATE:
	case HS_COMPRESSED_CERTIFICATE:
		if (!s->chain[side].present) {
			/* TLS 1.3 handshakes are read here once decrypted. */
			e = type == HS_COMPRESSED_CERTIFICATE
				    ? tls_parse_compressed_certificate(body, c->cache,
								       &s->chain[side])
			    : s->tls13 ? tls13_parse_certificate(body, 0, c->cache, &s->chain[side])
				       : tls_parse_certificate(body, 0, c->cache, &s->chain[side]);
			s->chain[side].ts_ns = ts;
			s->chain[side].frame = frame;
		}
		break;
	case HS_ENCRYPTED_EXTENSIONS: e = tls13_parse_encrypted_extensions(body, &s->sh); break;
	case HS_SERVER_KEY_EXCHANGE:
		s->ske_present = 1;
		if (tls_parse_ske_group(body, &s->ske_group) != PE_OK)
			s->ske_group = 0;
		break;
	case HS_CERTIFICATE_REQUEST:
		if (!s->cr.present) {
			uint16_t v = s->version ? tver(c, s->version) : TLS_V1_2;
			e = s->tls13 ? tls13_parse_cert_request(body, &s->cr)
				     : tls_parse_cert_request(body, v, &s->cr);
			s->cr.ts_ns = ts;
			s->cr.frame = frame;
		}
		break;
	case HS_CERTIFICATE_VERIFY:
		/* In TLS 1.3 (decrypted) the server sends one too. */
		if (side == SIDE_CLIENT)
			s->cert_verify_present = 1;
		if (tver(c, s->version) >= 0x0303)
			e = tls_parse_cert_verify(body, &s->cert_verify_alg[side]);
		break;
	default: break;
	}
	tls_ladder_add(s, LAD_HANDSHAKE, side, type, len, ts, frame);
	if (e != PE_OK && e != PE_UNSUPPORTED) {
		struct tls_note *n = tls_note_msg(s, e == PE_LIMIT ? NOTE_LIMIT : NOTE_MALFORMED,
						  side, 0, ts, frame, type, len, len);
		if (n)
			n->err = e;
	}
	return ret;
}

void tls_hs_cut_certificate(struct tls_hs_conn *c, int dir, uint32_t len, struct span before,
			    uint64_t hole, struct span after, int after_whole, int64_t ts,
			    uint64_t frame)
{
	struct tls_session *s = c->s;
	int side = tls_hs_side(c, dir);
	struct tls_chain *ch = &s->chain[side];
	if (!ch->present) {
		enum parse_err pe = tls_parse_certificate_holed(before, hole, after, after_whole,
								c->cache, ch);
		(void)pe; /* PE_SHORT is expected: the list is cut */
		ch->ts_ns = ts;
		ch->frame = frame;
		if (ch->lost) {
			uint64_t to = ch->lost_to == UINT32_MAX ? ch->declared_len : ch->lost_to;
			struct tls_note *n = tls_note_msg(s, NOTE_CERTS_LOST, side,
							  to > ch->lost_from ? to - ch->lost_from
									     : 0,
							  ts, frame, HS_CERTIFICATE, len,
							  (uint32_t)ch->lost_exact);
			if (n)
				n->cap = ch->lost;
		}
	}
	tls_ladder_add_incomplete(s, side, HS_CERTIFICATE, len, ts, frame);
}

void tls_hs_certificate_again(struct tls_hs_conn *c, int dir, struct cursor *body)
{
	struct tls_chain *ch = &c->s->chain[tls_hs_side(c, dir)];
	int64_t ts = ch->ts_ns;
	uint64_t frame = ch->frame;
	free(ch->certs); /* the certificates belong to the cache */
	memset(ch, 0, sizeof *ch);
	if (tls_parse_certificate(body, 0, c->cache, ch) != PE_OK)
		ch->complete = 0; /* cannot happen: the caller saw it parse */
	ch->ts_ns = ts;
	ch->frame = frame;
}

void tls_hs_cut_message(struct tls_hs_conn *c, int dir, uint8_t type, uint32_t len,
			struct span have, int64_t ts, uint64_t frame)
{
	struct tls_session *s = c->s;
	int side = tls_hs_side(c, dir);
	if (type == HS_CERTIFICATE && !s->tls13) {
		struct span none = { NULL, 0 };
		tls_hs_cut_certificate(c, dir, len, have, 0, none, 0, ts, frame);
		return;
	}
	if (type == HS_CERTIFICATE && !s->chain[side].present) {
		struct cursor body;
		cur_init(&body, have.p, have.n);
		enum parse_err pe = s->tls13 ? tls13_parse_certificate(&body, 1, c->cache,
								       &s->chain[side])
					     : tls_parse_certificate(&body, 1, c->cache,
								     &s->chain[side]);
		(void)pe; /* PE_SHORT is expected: the list is cut */
		s->chain[side].complete = 0;
		s->chain[side].ts_ns = ts;
		s->chain[side].frame = frame;
	}
	tls_ladder_add_incomplete(s, side, type, len, ts, frame);
}

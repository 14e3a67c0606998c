/*
 * dtls.c - DTLS records and handshake messages from UDP datagrams.
 *
 *   RFC 7983 §7: the first byte of a datagram on a port that STUN, DTLS
 *   and RTP share: 0-3 STUN, 16-19 ZRTP, 20-63 DTLS, 64-79 TURN channel,
 *   128-191 RTP/RTCP. Datagrams that are not DTLS are counted, not read.
 *
 *   DTLSPlaintext (RFC 6347 §4.1):
 *     type(1) version(2) epoch(2) sequence_number(6) length(2) fragment
 *   DTLSCiphertext with a connection ID (RFC 9146 §4): type 25, the CID
 *     between sequence_number and length
 *   DTLS 1.3 unified header (RFC 9147 §4): 001CSLEE, [CID], seq(1|2), [length(2)]
 *   Handshake (RFC 6347 §4.2.2, RFC 9147 §5.2):
 *     msg_type(1) length(3) message_seq(2) fragment_offset(3)
 *     fragment_length(3) body
 *
 * Several records share a datagram. Epoch 0 is in the clear: its
 * handshake fragments are put back together per message_seq (a message
 * may be cut across records and datagrams, in any order), each message
 * is handled once however often its flight is retransmitted, and in
 * message_seq order. A message still missing bytes when the flow ends
 * keeps the certificates before its hole. Later epochs are encrypted:
 * they count as the encrypted Finished, application data or an
 * encrypted alert, as in TLS; DTLS 1.3 tells its handshake epoch (2)
 * from application data (3 and on) in the clear.
 */
#include "dissect/dtls.h"

#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "dissect/tls_hs.h"

#define MAX_DTLS_MSG (1u << 18) /* a larger handshake message is hostile */
#define SLOTS 8			/* messages gathered at once per direction */
#define RANGES 32		/* pieces of one message held apart */
#define RELEASE_AFTER 64	/* datagrams after the handshake before letting go */

enum parse_err dtls_record_parse(struct cursor *c, int cid_len, struct dtls_record *r)
{
	uint8_t b0;
	memset(r, 0, sizeof *r);
	TRY(cur_peek_u8(c, 0, &b0));
	if ((b0 & 0xe0) == DTLS_UNIFIED) {
		uint8_t seq8;
		uint16_t seq16, len;
		TRY(cur_u8(c, &b0));
		r->type = DTLS_UNIFIED;
		r->epoch = b0 & 0x03;
		if (b0 & 0x10) { /* C */
			if (cid_len < 0)
				return PE_UNSUPPORTED; /* its length was negotiated unseen */
			r->cid = 1;
			TRY(cur_skip(c, (size_t)cid_len));
		}
		if (b0 & 0x08)
			TRY(cur_u16(c, &seq16));
		else
			TRY(cur_u8(c, &seq8));
		if (b0 & 0x04) {
			TRY(cur_u16(c, &len));
			return cur_bytes(c, len, &r->body);
		}
		return cur_bytes(c, cur_left(c), &r->body);
	}
	uint16_t len;
	TRY(cur_u8(c, &r->type));
	TRY(cur_u16(c, &r->version));
	TRY(cur_u16(c, &r->epoch));
	if (r->type < TLS_CT_CHANGE_CIPHER_SPEC || r->type > DTLS_CT_ACK)
		return PE_MALFORMED;
	if (r->version != DTLS_V1_0 && r->version != DTLS_V1_2 && r->version != DTLS_V1_3 &&
	    r->version != DTLS_V1_0_OPENSSL)
		return PE_MALFORMED;
	TRY(cur_skip(c, 6)); /* sequence_number */
	if (r->type == DTLS_CT_TLS12_CID) {
		r->cid = 1;
		if (cid_len < 0) {
			/* Not negotiated in sight: the CID length that makes the
			 * record end where the datagram does. */
			for (size_t k = 0; k <= 255; k++) {
				uint16_t l;
				if (cur_peek_u16(c, k, &l) != PE_OK)
					return PE_SHORT;
				if ((size_t)l + k + 2 == cur_left(c)) {
					cid_len = (int)k;
					break;
				}
			}
			if (cid_len < 0)
				return PE_MALFORMED;
		}
		TRY(cur_skip(c, (size_t)cid_len));
	}
	TRY(cur_u16(c, &len));
	if (len > 16384 + 2048)
		return PE_MALFORMED;
	return cur_bytes(c, len, &r->body);
}

enum parse_err dtls_fragment_parse(struct cursor *c, struct dtls_fragment *f)
{
	uint32_t flen;
	memset(f, 0, sizeof *f);
	TRY(cur_u8(c, &f->type));
	TRY(cur_u24(c, &f->len));
	TRY(cur_u16(c, &f->seq));
	TRY(cur_u24(c, &f->off));
	TRY(cur_u24(c, &flen));
	if ((uint64_t)f->off + flen > f->len)
		return PE_MALFORMED;
	return cur_bytes(c, flen, &f->bytes);
}

/* ---- state ---- */

/* One handshake message being put back together. */
struct slot {
	int used;
	uint16_t seq;
	uint8_t type;
	uint32_t len;
	uint8_t *buf;	       /* len bytes */
	uint32_t r[RANGES][2]; /* received [from, to), sorted, apart */
	size_t nr;
	int64_t ts;
	uint64_t frame;
};

struct ddir {
	int have_seq;	   /* next_seq is known */
	uint16_t next_seq; /* the next message to hand on */
	struct slot slot[SLOTS];
	int encrypted; /* a TLS 1.3 ServerHello was seen: the rest is protected */
	int64_t ts;
	uint64_t frame;
};

struct dflow {
	struct tls_hs_conn hc;
	struct tls_session *s;
	int alerts_capped;
	int limit_noted;
	uint64_t after_done; /* datagrams since the handshake ended */
	struct ddir d[2];
};

struct dtls_dissector {
	struct cert_cache *cache;
	char *file;
	void (*emit)(void *ctx, struct tls_session *s);
	void *ctx;
	struct dtls_stats st;
};

static int side_of(const struct dflow *fs, int dir)
{
	return tls_hs_side(&fs->hc, dir);
}

/* The CID length in records `dir` sends: the one its peer asked for in
 * its hello (RFC 9146 §3); -1 when not seen. */
static int cid_len_of(const struct dflow *fs, int dir)
{
	const struct tls_session *s = fs->s;
	if (fs->hc.client_dir < 0)
		return -1;
	if (side_of(fs, dir) == SIDE_CLIENT)
		return s->sh.cid_present ? s->sh.cid_len : -1;
	return s->ch.cid_present ? s->ch.cid_len : -1;
}

static void slot_free(struct slot *sl)
{
	free(sl->buf);
	memset(sl, 0, sizeof *sl);
}

/* Bytes [a, b) arrived: merge into the sorted ranges. 0, or -1 when they
 * would need more ranges than we keep. */
static int add_range(struct slot *sl, uint32_t a, uint32_t b)
{
	size_t i = 0;
	while (i < sl->nr && sl->r[i][1] < a)
		i++;
	size_t j = i;
	while (j < sl->nr && sl->r[j][0] <= b) {
		if (sl->r[j][0] < a)
			a = sl->r[j][0];
		if (sl->r[j][1] > b)
			b = sl->r[j][1];
		j++;
	}
	if (i == j && sl->nr == RANGES)
		return -1;
	/* ranges i..j-1 become one */
	size_t keep = sl->nr - j;
	if (i == j) {
		memmove(sl->r[i + 1], sl->r[i], keep * sizeof sl->r[0]); /* lint: ok, our ranges */
		sl->nr++;
	} else if (j > i + 1) {
		memmove(sl->r[i + 1], sl->r[j], keep * sizeof sl->r[0]); /* lint: ok */
		sl->nr -= j - i - 1;
	}
	sl->r[i][0] = a;
	sl->r[i][1] = b;
	return 0;
}

static int slot_whole(const struct slot *sl)
{
	return sl->len == 0 ? sl->nr <= 1
			    : sl->nr == 1 && sl->r[0][0] == 0 && sl->r[0][1] == sl->len;
}

/* Body bytes from the message's start up to its first hole. */
static struct span slot_prefix(const struct slot *sl)
{
	struct span p = { sl->buf, 0 };
	if (sl->nr && sl->r[0][0] == 0)
		p.n = sl->r[0][1];
	return p;
}

static void note_limit(struct dflow *fs, int side, uint64_t cap, int64_t ts, uint64_t frame)
{
	if (fs->limit_noted)
		return;
	fs->limit_noted = 1;
	struct tls_note *n = tls_note_add(fs->s, NOTE_LIMIT, side, 0, ts, frame);
	if (n) {
		n->limit = LIMIT_MESSAGE;
		n->cap = cap;
	}
}

/* A whole message: the same handling as TLS's. */
static void deliver(struct dflow *fs, int dir, struct slot *sl)
{
	struct cursor body;
	cur_init(&body, sl->buf, sl->len);
	if (tls_hs_message(&fs->hc, dir, sl->type, &body, sl->len, sl->ts, sl->frame) &
	    TLS_HS_ENCRYPT)
		fs->d[0].encrypted = fs->d[1].encrypted = 1;
	if (sl->type == HS_HELLO_VERIFY_REQUEST)
		fs->s->dtls.hello_verify = 1;
}

/* Hand on every whole message from next_seq on, in order. */
static void drain(struct dflow *fs, int dir)
{
	struct ddir *dd = &fs->d[dir];
	for (;;) {
		struct slot *sl = NULL;
		for (size_t i = 0; i < SLOTS; i++)
			if (dd->slot[i].used && dd->slot[i].seq == dd->next_seq)
				sl = &dd->slot[i];
		if (sl == NULL || !slot_whole(sl))
			return;
		deliver(fs, dir, sl);
		slot_free(sl);
		dd->next_seq++;
	}
}

static void fragment(struct dflow *fs, int dir, const struct dtls_fragment *fr)
{
	struct ddir *dd = &fs->d[dir];
	struct dtls_info *di = &fs->s->dtls;
	int side = side_of(fs, dir);
	di->fragments[side]++;
	if (!dd->have_seq) {
		dd->have_seq = 1;
		dd->next_seq = fr->seq;
	}
	/* Before next_seq: a message already handed on, sent again with its
	 * flight (or a ClientHello answered by a HelloVerifyRequest). */
	if ((int16_t)(fr->seq - dd->next_seq) < 0) {
		di->retransmitted[side]++;
		return;
	}
	if (fr->seq - dd->next_seq >= 64) /* far ahead: not this connection's */
		return;
	if (fr->len > MAX_DTLS_MSG) {
		note_limit(fs, side, MAX_DTLS_MSG, dd->ts, dd->frame);
		return;
	}
	struct slot *sl = NULL, *freeslot = NULL;
	for (size_t i = 0; i < SLOTS; i++) {
		if (dd->slot[i].used && dd->slot[i].seq == fr->seq)
			sl = &dd->slot[i];
		else if (!dd->slot[i].used && freeslot == NULL)
			freeslot = &dd->slot[i];
	}
	if (sl && (sl->type != fr->type || sl->len != fr->len)) {
		/* The same message_seq with another message: malformed. */
		struct tls_note *n = tls_note_msg(fs->s, NOTE_MALFORMED, side, 0, dd->ts, dd->frame,
						  fr->type, fr->len, 0);
		if (n)
			n->err = PE_MALFORMED;
		return;
	}
	if (sl == NULL) {
		if (freeslot == NULL) {
			note_limit(fs, side, SLOTS, dd->ts, dd->frame);
			return;
		}
		sl = freeslot;
		sl->used = 1;
		sl->seq = fr->seq;
		sl->type = fr->type;
		sl->len = fr->len;
		sl->buf = xcalloc(fr->len ? fr->len : 1, 1);
	} else if (slot_whole(sl)) {
		di->retransmitted[side]++;
		return;
	}
	if (fr->bytes.n || fr->len == 0) {
		struct cursor fc;
		cur_init(&fc, fr->bytes.p, fr->bytes.n);
		if (cur_copy(&fc, sl->buf + fr->off, fr->bytes.n) != PE_OK)
			return; /* cannot happen: off + n <= len was checked */
		if (add_range(sl, fr->off, fr->off + (uint32_t)fr->bytes.n) != 0) {
			note_limit(fs, side, RANGES, dd->ts, dd->frame);
			slot_free(sl);
			return;
		}
	}
	/* The message is named after the fragment that completes it. */
	sl->ts = dd->ts;
	sl->frame = dd->frame;
	drain(fs, dir);
}

/* ---- records ---- */

static void once(struct tls_session *s, int *flag, enum ladder_kind k, int side, int64_t ts,
		 uint64_t frame)
{
	if (*flag)
		return;
	*flag = 1;
	tls_ladder_add(s, k, side, 0, 0, ts, frame);
}

static void handshake_done_check(struct tls_session *s)
{
	if (s->handshake_done)
		return;
	int fin_c = s->encrypted_hs[SIDE_CLIENT], fin_s = s->encrypted_hs[SIDE_SERVER];
	if (s->tls13 ? fin_c && fin_s : fin_c && fin_s)
		s->handshake_done = 1;
	else if (s->app_data[0] && s->app_data[1])
		s->handshake_done = 1;
}

static void record(struct dflow *fs, int dir, const struct dtls_record *r)
{
	struct ddir *dd = &fs->d[dir];
	struct tls_session *s = fs->s;
	int side = side_of(fs, dir);
	s->dtls.records[side]++;
	if (r->cid)
		s->dtls.cid[side] = 1;
	if (r->type == DTLS_UNIFIED) { /* DTLS 1.3, protected */
		if (r->epoch == 2 && !s->app_data[side])
			once(s, &s->encrypted_hs[side], LAD_ENCRYPTED_HS, side, dd->ts, dd->frame);
		else
			once(s, &s->app_data[side], LAD_APP_DATA, side, dd->ts, dd->frame);
		return;
	}
	switch (r->type) {
	case TLS_CT_HANDSHAKE:
		if (r->epoch == 0 && !dd->encrypted) {
			struct cursor c;
			cur_init(&c, r->body.p, r->body.n);
			while (cur_left(&c)) {
				struct dtls_fragment fr;
				enum parse_err e = dtls_fragment_parse(&c, &fr);
				if (e != PE_OK) {
					struct tls_note *n = tls_note_add(s, NOTE_MALFORMED, side,
									  0, dd->ts, dd->frame);
					if (n)
						n->err = e;
					break;
				}
				fragment(fs, dir, &fr);
				side = side_of(fs, dir); /* a hello may have told the roles */
			}
		} else if (r->epoch != 0) {
			once(s, &s->encrypted_hs[side], LAD_ENCRYPTED_HS, side, dd->ts, dd->frame);
		}
		break;
	case TLS_CT_CHANGE_CIPHER_SPEC:
		once(s, &s->ccs[side], LAD_CCS, side, dd->ts, dd->frame);
		break;
	case TLS_CT_ALERT: {
		struct cursor c;
		uint8_t lvl, desc;
		cur_init(&c, r->body.p, r->body.n);
		if (r->epoch == 0 && r->body.n == 2 && cur_u8(&c, &lvl) == PE_OK &&
		    cur_u8(&c, &desc) == PE_OK &&
		    (lvl == TLS_ALERT_WARNING || lvl == TLS_ALERT_FATAL)) {
			struct tls_alert a = { side, 0, lvl, desc, dd->ts, dd->frame, 0 };
			tls_alert_add(s, &a, &fs->alerts_capped);
		} else {
			struct tls_alert a = { side, 1, -1, -1, dd->ts, dd->frame, 0 };
			tls_alert_add(s, &a, &fs->alerts_capped);
		}
		break;
	}
	case TLS_CT_APPLICATION_DATA:
		once(s, &s->app_data[side], LAD_APP_DATA, side, dd->ts, dd->frame);
		break;
	case DTLS_CT_TLS12_CID: /* protected: its real type is inside */
		if (s->encrypted_hs[side])
			once(s, &s->app_data[side], LAD_APP_DATA, side, dd->ts, dd->frame);
		else
			once(s, &s->encrypted_hs[side], LAD_ENCRYPTED_HS, side, dd->ts, dd->frame);
		break;
	default: break; /* ACK, heartbeat */
	}
}

/* RFC 7983: the first byte of a DTLS record is 20-63. */
static int dtls_first_byte(uint8_t b)
{
	return b >= 20 && b <= 63;
}

/* ---- UDP handler ---- */

/* A flow starts with a handshake record in the clear (a hello, or a
 * HelloVerifyRequest): unprotected epoch 0. */
static int h_want(void *ctx, const struct udp_dgram *g)
{
	struct cursor c;
	struct dtls_record r;
	(void)ctx;
	cur_init(&c, g->payload.p, g->payload.n);
	uint8_t b0;
	if (cur_peek_u8(&c, 0, &b0) != PE_OK || b0 != TLS_CT_HANDSHAKE)
		return 0;
	if (dtls_record_parse(&c, -1, &r) != PE_OK || r.epoch != 0 || r.body.n < 12)
		return 0;
	struct cursor b;
	struct dtls_fragment f;
	cur_init(&b, r.body.p, r.body.n);
	return dtls_fragment_parse(&b, &f) == PE_OK;
}

static void h_open(void *ctx, struct udp_flow *f)
{
	struct dtls_dissector *d = ctx;
	struct dflow *fs = xcalloc(1, sizeof *fs);
	fs->s = xcalloc(1, sizeof *fs->s);
	fs->s->transport = TRANSPORT_UDP;
	fs->hc.s = fs->s;
	fs->hc.cache = d->cache;
	fs->hc.client_dir = -1;
	fs->hc.dtls = 1;
	d->st.flows++;
	f->user = fs;
}

static enum udp_verdict h_data(void *ctx, struct udp_flow *f, int dir, const struct udp_dgram *g)
{
	struct dflow *fs = f->user;
	(void)ctx;
	if (fs == NULL || (dir != 0 && dir != 1))
		return UDP_IGNORE;
	struct ddir *dd = &fs->d[dir];
	struct tls_session *s = fs->s;
	struct cursor c;
	uint8_t b0;
	dd->ts = g->ts_ns;
	dd->frame = g->frame;
	cur_init(&c, g->payload.p, g->payload.n);
	if (cur_peek_u8(&c, 0, &b0) != PE_OK || !dtls_first_byte(b0)) {
		s->dtls.other_datagrams[side_of(fs, dir)]++;
	} else {
		while (cur_left(&c)) {
			struct dtls_record r;
			if (dtls_record_parse(&c, cid_len_of(fs, dir), &r) != PE_OK)
				break; /* the rest of the datagram is not a record we can read */
			record(fs, dir, &r);
		}
	}
	handshake_done_check(s);
	if (s->handshake_done && ++fs->after_done > RELEASE_AFTER)
		return UDP_IGNORE;
	return UDP_KEEP;
}

/* The flow ended: messages still missing bytes are cut where their hole
 * begins (a Certificate keeps the certificates before it); whole ones
 * waiting for an earlier message that never came are handed on. */
static void finish_dir(struct dflow *fs, int dir)
{
	struct ddir *dd = &fs->d[dir];
	for (;;) {
		struct slot *sl = NULL;
		for (size_t i = 0; i < SLOTS; i++)
			if (dd->slot[i].used &&
			    (sl == NULL || (int16_t)(dd->slot[i].seq - sl->seq) < 0))
				sl = &dd->slot[i];
		if (sl == NULL)
			return;
		if (slot_whole(sl)) {
			deliver(fs, dir, sl);
		} else {
			struct span have = slot_prefix(sl);
			uint32_t seen = 0;
			for (size_t i = 0; i < sl->nr; i++)
				seen += sl->r[i][1] - sl->r[i][0];
			tls_hs_cut_message(&fs->hc, dir, sl->type, sl->len, have, sl->ts,
					   sl->frame);
			(void)tls_note_msg(fs->s, NOTE_TRUNCATED, side_of(fs, dir), sl->len - seen,
					   sl->ts, sl->frame, sl->type, sl->len, seen);
		}
		slot_free(sl);
	}
}

static void h_close(void *ctx, struct udp_flow *f, enum tcp_close_reason why)
{
	struct dtls_dissector *d = ctx;
	struct dflow *fs = f->user;
	if (fs == NULL)
		return;
	finish_dir(fs, 0);
	finish_dir(fs, 1);
	struct tls_session *s = fs->s;
	if (s->n_ladder > 0 || s->n_alerts > 0) {
		int cd = fs->hc.client_dir < 0 ? 0 : fs->hc.client_dir;
		s->client = f->ep[cd];
		s->server = f->ep[1 - cd];
		s->file = xstrdup(d->file ? d->file : "");
		s->flow_id = f->id;
		s->start_ts = s->ch.present ? s->ch.ts_ns
			      : s->ladder   ? s->ladder[0].ts_ns
					    : f->first_ts;
		s->end_ts = f->last_ts;
		s->first_frame = f->first_frame;
		s->last_frame = f->last_frame;
		s->close_reason = (int)why;
		uint64_t cut = f->st[0].snaplen_cut + f->st[1].snaplen_cut;
		if (cut)
			(void)tls_note_add(s, NOTE_SNAPLEN, -1, cut, f->last_ts, f->last_frame);
		d->st.sessions++;
		d->emit(d->ctx, s);
	} else {
		tls_session_free(s);
	}
	for (int i = 0; i < 2; i++)
		for (size_t k = 0; k < SLOTS; k++)
			slot_free(&fs->d[i].slot[k]);
	free(fs);
	f->user = NULL;
}

struct dtls_dissector *dtls_dissector_new(struct cert_cache *cache, const char *file,
					  void (*emit)(void *ctx, struct tls_session *s), void *ctx)
{
	struct dtls_dissector *d = xcalloc(1, sizeof *d);
	d->cache = cache;
	d->file = file ? xstrdup(file) : NULL;
	d->emit = emit;
	d->ctx = ctx;
	return d;
}

struct udp_handler dtls_dissector_handler(struct dtls_dissector *d)
{
	struct udp_handler h = { d, h_want, h_open, h_data, h_close };
	return h;
}

const struct dtls_stats *dtls_dissector_stats(const struct dtls_dissector *d)
{
	return &d->st;
}

void dtls_dissector_free(struct dtls_dissector *d)
{
	if (d == NULL)
		return;
	free(d->file);
	free(d);
}

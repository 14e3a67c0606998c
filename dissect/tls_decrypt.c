/*
 * tls_decrypt.c - the key schedule of one connection read with a key log
 * (see tls_decrypt.h). The cryptography is in tls_crypt.c; this file
 * decides which key opens which record and what a failure means.
 *
 * A failure means a wrong key only when no record of that key has opened
 * yet: once one has, a later record that does not open was damaged or
 * follows lost records (each try covers the next TRY_WINDOW sequence
 * numbers, so a few lost records are stepped over), and the direction is
 * left encrypted from there on.
 */
#include "dissect/tls_decrypt.h"

#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "dissect/tls_crypt.h"
#include "dissect/tls_msg.h"

#define MAX_RECORD (16384 + 2048) /* TLSCiphertext.length limit (RFC 5246 §6.2.3) */
#define TRY_WINDOW 32		  /* records that may have been lost in a gap */
#define MAX_EARLY_SKIPS 64	  /* client records taken for unreadable early data */

enum epoch {
	EP_NONE = 0,
	EP_HANDSHAKE, /* TLS 1.3 handshake keys; TLS 1.2: the only keys */
	EP_APP,	      /* TLS 1.3 application keys */
};

struct dir_keys {
	struct tls_rkey key;
	enum epoch epoch;
	int have;			  /* `key` opens this side's next records */
	int proven;			  /* a record opened with `key` */
	int stopped;			  /* given up: the rest stays encrypted */
	uint8_t hs_secret[TLS_MAX_HASH];  /* TLS 1.3: the Finished key's base */
	uint8_t app_secret[TLS_MAX_HASH]; /* TLS 1.3: the current application secret */
	int have_app;
	struct dbuf rec; /* the protected record being gathered */
	int rec_over;	 /* it did not fit */
};

struct tls_decrypt {
	const struct keylog *store[2];
	struct tls_transcript *tr;
	uint8_t client_random[32], server_random[32];
	int have_cr;
	int keyed; /* the ServerHello found secrets */
	int tls13;
	uint16_t version;
	const struct tls_suite *suite;
	enum tls_hash th;      /* transcript hash of the Finished checks */
	size_t hl;	       /* its length (TLS 1.3 secret length) */
	uint8_t master[48];    /* TLS 1.2 */
	int early_offered;     /* the ClientHello carried early_data */
	struct tls_rkey early; /* CLIENT_EARLY_TRAFFIC_SECRET's key */
	int have_early;
	unsigned early_skips;
	int done;	      /* both Finished: the transcript is complete */
	struct dir_keys d[2]; /* [SIDE_CLIENT], [SIDE_SERVER] */
	uint8_t *plain;	      /* the last record's content */
};

struct tls_decrypt *tls_decrypt_new(const struct keylog *first, const struct keylog *second)
{
	struct tls_decrypt *t = xcalloc(1, sizeof *t);
	t->store[0] = first;
	t->store[1] = second;
	t->tr = tls_transcript_new();
	for (int i = 0; i < 2; i++)
		dbuf_init(&t->d[i].rec, MAX_RECORD);
	return t;
}

void tls_decrypt_free(struct tls_decrypt *t)
{
	if (t == NULL)
		return;
	tls_transcript_free(t->tr);
	for (int i = 0; i < 2; i++)
		dbuf_free(&t->d[i].rec);
	/* Keys and plaintext are not left behind in freed memory. */
	if (t->plain)
		explicit_bzero(t->plain, MAX_RECORD);
	free(t->plain);
	explicit_bzero(t, sizeof *t);
	free(t);
}

/* The first store that logged `label` for this connection; sets *from_first. */
static const struct keylog_secret *secret_for(const struct tls_decrypt *t, enum keylog_label label,
					      int *from_first)
{
	for (int i = 0; i < 2; i++) {
		const struct keylog_entry *e = keylog_find(t->store[i], t->client_random);
		if (e && e->s[label].len) {
			if (from_first)
				*from_first = i == 0;
			return &e->s[label];
		}
	}
	return NULL;
}

static int has_u16(const struct u16list *l, uint16_t v)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == v)
			return 1;
	return 0;
}

static void fail_keys(struct tls_session *s, enum tls_decrypt_status st)
{
	s->decrypt.status = st;
	s->decrypt.failed_side = -1;
}

/* TLS 1.3 at the ServerHello: handshake keys for each side whose secret
 * was logged (a client that gives up on the server's flight may have
 * logged only the server's: it never switched its own write key). */
static void keys13(struct tls_decrypt *t, struct tls_session *s)
{
	int from[2] = { 0, 0 };
	const struct keylog_secret *hs[2] = {
		secret_for(t, KL_CLIENT_HANDSHAKE_TRAFFIC_SECRET, &from[SIDE_CLIENT]),
		secret_for(t, KL_SERVER_HANDSHAKE_TRAFFIC_SECRET, &from[SIDE_SERVER]),
	};
	const struct keylog_secret *app[2] = { secret_for(t, KL_CLIENT_TRAFFIC_SECRET_0, NULL),
					       secret_for(t, KL_SERVER_TRAFFIC_SECRET_0, NULL) };
	if (hs[0] == NULL && hs[1] == NULL) {
		fail_keys(s, DECRYPT_NO_KEYS);
		return;
	}
	if (t->suite == NULL || !t->suite->tls13 || t->version != 0x0304) {
		fail_keys(s, DECRYPT_UNSUPPORTED);
		return;
	}
	t->th = (enum tls_hash)t->suite->prf;
	t->hl = tls_hash_len(t->th);
	for (int i = 0; i < 2; i++) {
		struct dir_keys *dk = &t->d[i];
		if (hs[i] == NULL)
			continue;
		/* A secret of another length belongs to another suite. */
		if (hs[i]->len != t->hl ||
		    tls13_rkey_init(&dk->key, t->suite, hs[i]->v, t->hl) != 0) {
			t->d[0].have = t->d[1].have = 0; /* nothing half set up is used */
			fail_keys(s, DECRYPT_WRONG_KEY);
			return;
		}
		memcpy(dk->hs_secret, hs[i]->v, t->hl); /* lint: ok: key log copy */
		dk->epoch = EP_HANDSHAKE;
		dk->have = 1;
		if (app[i] && app[i]->len == t->hl) {
			memcpy(dk->app_secret, app[i]->v, t->hl); /* lint: ok: key log copy */
			dk->have_app = 1;
		}
	}
	const struct keylog_secret *e = secret_for(t, KL_CLIENT_EARLY_TRAFFIC_SECRET, NULL);
	if (e && e->len == t->hl && tls13_rkey_init(&t->early, t->suite, e->v, t->hl) == 0)
		t->have_early = 1;
	t->keyed = 1;
	s->decrypt.status = DECRYPT_OK;
	s->decrypt.keys_from_capture = (!hs[0] || from[0]) && (!hs[1] || from[1]);
	s->decrypt.failed_side = -1;
}

/* TLS 1.0-1.2 at the ServerHello: the key block. */
static void keys12(struct tls_decrypt *t, struct tls_session *s)
{
	int first = 0;
	const struct keylog_secret *ms = secret_for(t, KL_CLIENT_RANDOM, &first);
	if (ms == NULL) {
		fail_keys(s, DECRYPT_NO_KEYS);
		return;
	}
	/* RFC 7366: encrypt_then_mac (extension 22) in the ServerHello. */
	int etm = has_u16(&s->sh.extensions, 22);
	if (t->suite == NULL || t->suite->tls13 || ms->len != 48 ||
	    tls12_rkeys_init(&t->d[SIDE_CLIENT].key, &t->d[SIDE_SERVER].key, t->suite, t->version,
			     etm, ms->v, t->client_random, t->server_random) != 0) {
		fail_keys(s, DECRYPT_UNSUPPORTED);
		return;
	}
	memcpy(t->master, ms->v, 48); /* lint: ok: key log copy */
	t->th = t->version >= 0x0303 ? (enum tls_hash)t->suite->prf : TLS_HASH_MD5_SHA1;
	t->hl = tls_hash_len(t->th);
	for (int i = 0; i < 2; i++) {
		t->d[i].epoch = EP_HANDSHAKE;
		t->d[i].have = 1;
	}
	t->keyed = 1;
	s->decrypt.status = DECRYPT_OK;
	s->decrypt.keys_from_capture = first;
	s->decrypt.failed_side = -1;
}

static void server_hello(struct tls_decrypt *t, struct tls_session *s, struct cursor *body,
			 struct span msg)
{
	struct cursor sid;
	uint16_t legacy, cipher;
	uint8_t r[32];
	if (cur_u16(body, &legacy) != PE_OK || cur_copy(body, r, 32) != PE_OK ||
	    cur_sub_u8(body, &sid) != PE_OK || cur_u16(body, &cipher) != PE_OK)
		return;
	struct span rs = { r, 32 }, hs = { tls_hrr_random, 32 };
	if (span_eq(rs, hs)) {
		/* RFC 8446 §4.4.1: ClientHello1 becomes message_hash. */
		const struct tls_suite *su = tls_suite_find(cipher);
		if (su && su->tls13 && tls_transcript_hrr(t->tr, (enum tls_hash)su->prf) == 0)
			tls_transcript_add(t->tr, msg);
		return;
	}
	tls_transcript_add(t->tr, msg);
	if (t->keyed || !t->have_cr || !s->sh.present)
		return;
	memcpy(t->server_random, r, 32);			/* lint: ok: cur_copy made it */
	memcpy(s->decrypt.client_random, t->client_random, 32); /* lint: ok: our copy */
	t->version = s->version;
	t->tls13 = s->tls13;
	t->suite = tls_suite_find(s->sh.cipher);
	if (t->tls13)
		keys13(t, s);
	else
		keys12(t, s);
}

/* RFC 8446 §4.4.4 / RFC 5246 §7.4.9. */
static void finished(struct tls_decrypt *t, struct tls_session *s, int side, struct cursor *body)
{
	uint8_t th[TLS_MAX_HASH], want[TLS_MAX_HASH];
	size_t wl = t->tls13 ? t->hl : 12;
	struct dir_keys *dk = &t->d[side];
	if (!t->keyed || s->decrypt.finished[side])
		return;
	s->decrypt.finished[side] = 1;
	int ok = tls_transcript_hash(t->tr, t->th, th) == 0 &&
		 (t->tls13 ? tls13_finished(t->th, dk->hs_secret, th, want)
			   : tls12_finished(t->version, (enum tls_hash)t->suite->prf, t->master,
					    side == SIDE_SERVER, th, t->hl, want)) == 0;
	struct span w = { want, wl }, got = cur_rest(body);
	s->decrypt.finished_ok[side] = ok && span_eq(w, got);
	if (t->tls13) {
		/* Records after this side's Finished use its application keys. */
		dk->have = dk->have_app &&
			   tls13_rkey_init(&dk->key, t->suite, dk->app_secret, t->hl) == 0;
		dk->epoch = EP_APP;
		dk->proven = 0;
	}
}

/* RFC 8446 §4.6.3: the sender's next records use the next secret. */
static void key_update(struct tls_decrypt *t, int side)
{
	struct dir_keys *dk = &t->d[side];
	if (!t->tls13 || dk->epoch != EP_APP || !dk->have_app)
		return;
	dk->have = tls13_next_secret(t->th, dk->app_secret, t->hl) == 0 &&
		   tls13_rkey_init(&dk->key, t->suite, dk->app_secret, t->hl) == 0;
	dk->proven = 0;
}

void tls_decrypt_message(struct tls_decrypt *t, struct tls_session *s, int side, struct span msg)
{
	struct cursor c, body;
	uint8_t type;
	uint32_t len;
	if (t == NULL || (side != SIDE_CLIENT && side != SIDE_SERVER))
		return;
	cur_init(&c, msg.p, msg.n);
	if (cur_u8(&c, &type) != PE_OK || cur_u24(&c, &len) != PE_OK ||
	    cur_sub(&c, len, &body) != PE_OK)
		return;
	switch (type) {
	case HS_HELLO_REQUEST: return; /* never part of the transcript */
	case HS_CLIENT_HELLO:
		if (!t->have_cr) {
			uint16_t legacy;
			if (cur_u16(&body, &legacy) != PE_OK ||
			    cur_copy(&body, t->client_random, 32) != PE_OK)
				return;
			t->have_cr = 1;
			t->early_offered = has_u16(&s->ch.extensions, 42);
		}
		break;
	case HS_SERVER_HELLO: server_hello(t, s, &body, msg); return;
	case HS_FINISHED: finished(t, s, side, &body); break;
	case HS_KEY_UPDATE: key_update(t, side); break;
	}
	if (!t->done)
		tls_transcript_add(t->tr, msg);
	if (s->decrypt.finished[0] && s->decrypt.finished[1])
		t->done = 1;
}

int tls_decrypt_wants(const struct tls_decrypt *t, int side)
{
	return t && (side == SIDE_CLIENT || side == SIDE_SERVER) && t->d[side].have &&
	       !t->d[side].stopped;
}

void tls_decrypt_take(struct tls_decrypt *t, int side, const uint8_t *p, size_t n)
{
	if (!tls_decrypt_wants(t, side))
		return;
	if (dbuf_add(&t->d[side].rec, p, n) != 0)
		t->d[side].rec_over = 1;
}

/* Open with `k` at k->seq .. k->seq + TRY_WINDOW; steps k on success. */
static enum tls_dec try_open(struct tls_decrypt *t, struct tls_rkey *k, const uint8_t hdr[5],
			     struct span frag, size_t *len, uint8_t *type)
{
	enum tls_dec r = TLS_DEC_BAD_AUTH;
	for (uint64_t i = 0; i <= TRY_WINDOW; i++) {
		r = tls_record_open(k, k->seq + i, hdr, frag, t->plain, len, type);
		if (r == TLS_DEC_OK) {
			tls_rkey_next(k, k->seq + i, frag);
			return r;
		}
		if (r != TLS_DEC_BAD_AUTH)
			return r; /* the sequence number is not what is wrong */
	}
	return r;
}

/* tls_decrypt_record() on the record gathered in dk->rec (`frag`). */
static enum parse_err open_record(struct tls_decrypt *t, struct tls_session *s, int side,
				  const uint8_t hdr[5], int broken, int over, uint64_t frame,
				  uint8_t *type, struct span frag, struct span *plain)
{
	struct dir_keys *dk = &t->d[side];
	struct cursor h;
	uint8_t outer;
	size_t len = 0;
	cur_init(&h, hdr, 5);
	if (cur_u8(&h, &outer) != PE_OK)
		return PE_UNSUPPORTED;
	/* TLS 1.3 protects only opaque_type 23 (a ChangeCipherSpec or an
	 * alert sent before the keys is clear); TLS 1.2 protects every type
	 * after the ChangeCipherSpec. */
	if (t->tls13 ? outer != 23 : (outer < 21 || outer > 24))
		return PE_UNSUPPORTED;
	if (broken || over) {
		/* It counted in the sender's sequence all the same. */
		tls_rkey_next(&dk->key, dk->key.seq, frag);
		return PE_SHORT;
	}
	if (t->plain == NULL)
		t->plain = xcalloc(MAX_RECORD, 1);
	enum tls_dec r = try_open(t, &dk->key, hdr, frag, &len, type);
	if (r != TLS_DEC_OK && t->tls13 && dk->epoch == EP_HANDSHAKE && dk->have_app) {
		/* The side's Finished may have been lost in the capture: its
		 * application key may open what the handshake key does not. */
		struct tls_rkey app;
		if (tls13_rkey_init(&app, t->suite, dk->app_secret, t->hl) == 0 &&
		    try_open(t, &app, hdr, frag, &len, type) == TLS_DEC_OK) {
			dk->key = app;
			dk->epoch = EP_APP;
			r = TLS_DEC_OK;
		}
	}
	if (r != TLS_DEC_OK && t->tls13 && side == SIDE_CLIENT && dk->epoch == EP_HANDSHAKE &&
	    !dk->proven && t->early_offered) {
		/* Early data (or EndOfEarlyData) under the early key, or early
		 * data the server refused, which nobody can read. */
		if (t->have_early && try_open(t, &t->early, hdr, frag, &len, type) == TLS_DEC_OK) {
			s->decrypt.records[side]++;
			plain->p = t->plain;
			plain->n = len;
			return PE_OK;
		}
		if (++t->early_skips <= MAX_EARLY_SKIPS)
			return PE_UNSUPPORTED;
	}
	if (r != TLS_DEC_OK) {
		if (!dk->proven && s->decrypt.status == DECRYPT_OK) {
			s->decrypt.status = DECRYPT_WRONG_KEY;
			s->decrypt.failed_side = side;
			s->decrypt.failed_frame = frame;
		}
		s->decrypt.failed[side]++;
		dk->stopped = 1;
		return PE_MALFORMED;
	}
	dk->proven = 1;
	s->decrypt.records[side]++;
	if (t->tls13 && dk->epoch == EP_HANDSHAKE)
		s->decrypt.hs_records[side]++;
	plain->p = t->plain;
	plain->n = len;
	return PE_OK;
}

enum parse_err tls_decrypt_record(struct tls_decrypt *t, struct tls_session *s, int side,
				  const uint8_t hdr[5], int broken, uint64_t frame, uint8_t *type,
				  struct span *plain)
{
	plain->p = NULL;
	plain->n = 0;
	if (!tls_decrypt_wants(t, side))
		return PE_UNSUPPORTED;
	struct dir_keys *dk = &t->d[side];
	struct span frag = { dk->rec.p, dk->rec.len };
	int over = dk->rec_over;
	dk->rec_over = 0;
	enum parse_err e = open_record(t, s, side, hdr, broken, over, frame, type, frag, plain);
	/* Only now: dbuf_reset writes the NUL a text buffer keeps, over the
	 * record's first byte. */
	dbuf_reset(&dk->rec);
	return e;
}

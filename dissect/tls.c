/*
 * tls.c - records and handshake messages from TCP byte streams.
 *
 *   TLSPlaintext (RFC 8446 §5.1, RFC 5246 §6.2.1):
 *     type(1) 20 ccs | 21 alert | 22 handshake | 23 app data | 24 heartbeat
 *     legacy_record_version(2) 0x0300..0x0304
 *     length(2) <= 2^14 + 2048
 *   Handshake (RFC 8446 §4): msg_type(1) length(3) body
 *
 * Record payloads are fed to the handshake layer as they arrive, so a
 * message may span records and a record may hold several messages; no
 * record is buffered whole. Encrypted payloads are skipped, not copied.
 *
 * A capture gap inside a record is accounted for exactly: the record's
 * remaining length and the handshake message's remaining length are both
 * known, so dissection resumes at the next message. A gap across a record
 * boundary loses the framing; we then scan for the next plausible record
 * header. Certificates that precede a gap are decoded all the same.
 */
#include "dissect/tls.h"

#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "dissect/starttls.h"
#include "dissect/tls_decrypt.h"
#include "dissect/tls_hs.h"
#include "dissect/tls_msg.h"

#define MAX_RECORD_LEN (16384 + 2048)
#define MAX_HS_MSG (1u << 20)         /* a larger handshake message is hostile */
#define CLEAR_BUDGET (256u * 1024)    /* clear text scanned for STARTTLS */
#define HUNT_BUDGET (256u * 1024)     /* bytes searched for TLS after joining mid-record */
#define SCAN_KEEP 16
#define SCAN_SLICE 16384              /* scanning states take input in slices */
#define FATAL_GRACE 4 /* records after a fatal alert before concluding */
#define HS_MAP 8                      /* stream pieces of a message tracked */
#define PEND_MAX (64u * 1024)         /* a Certificate kept for another copy */

enum dstate {
	D_DETECT = 0, /* nothing seen yet */
	D_CLEAR,      /* clear-text preamble: scanning for where TLS starts */
	D_RECORDS,    /* in TLS record framing */
	D_RESYNC,     /* framing lost after a gap, or joined mid-record:
			 scanning for a header */
	D_OFF,        /* not TLS, or given up */
};

/* Where bytes of the message being gathered came from in the TCP stream:
 * hs.p[pos .. pos+len) is stream range [off, off+len). */
struct hs_piece {
	uint32_t pos, len;
	uint64_t off;
};

/* A Certificate that did not parse, kept (with where its bytes lie in the
 * stream) in case another copy of some of them comes later. */
struct cert_pending {
	struct hs_piece map[HS_MAP];
	size_t n_map;
	uint32_t gen; /* the TCP layer's alt_gen when last tried */
	size_t n;
	uint8_t msg[]; /* header and body */
};

struct dir_st {
	enum dstate st;
	struct dbuf scan;       /* detection / scanning window (bounded) */
	uint64_t clear_bytes;
	/* record layer */
	uint8_t hdr[5];
	size_t hdr_have;
	int in_record;
	uint8_t rtype;
	size_t rleft;
	size_t rlen;            /* the current record's length */
	int rec_enc;            /* the record began after encryption started */
	int rec_broken;         /* part of this record's payload was lost */
	uint64_t rec_lost;      /* ... that many bytes */
	uint8_t small[8];       /* alert / ccs payload */
	size_t small_have;
	int encrypted;          /* handshake records are encrypted now */
	int plain;              /* decrypted handshake bytes are being fed */
	uint64_t enc_records;
	/* handshake layer */
	struct dbuf hs;
	uint64_t hs_skip;       /* bytes of a broken message still to drop */
	/* A Certificate with a hole of known length: its bytes before the
	 * hole (header included), the hole, and (while hs_skip runs) what
	 * follows up to the message's end. */
	int cert_holed;
	struct dbuf cert_before, cert_after;
	uint64_t cert_hole;
	int hs_desync;          /* message boundaries lost until next record */
	int hs_check_start;     /* validate the first message after a resync */
	/* The stream pieces of the message in `hs` (map_bad: not all known,
	 * e.g. bytes read from the scan window or decrypted), to ask the TCP
	 * layer for the other copy of a conflicting overlap in it. */
	struct hs_piece map[HS_MAP];
	size_t n_map;
	int map_bad;
	struct cert_pending *pend;
	/* The TCP chunk being read: its bytes' stream offsets. */
	const uint8_t *chunk_p;
	size_t chunk_n;
	uint64_t chunk_off;
	/* joined mid-record before knowing the flow is TLS: a header only
	 * counts when the next record's header confirms it */
	int hunting;
	uint64_t hunt_bytes;
	/* where the current bytes came from */
	int64_t ts;
	uint64_t frame;
};

struct flow_st {
	struct tls_hs_conn hc;  /* the session, the client's TCP direction */
	struct tls_session *s;  /* = hc.s; NULL once handed over (or dropped) */
	int is_tls, starttls_candidate;
	enum starttls_strength starttls_strength; /* of the name in s->starttls */
	struct tds_deframe tds[2]; /* TLS inside TDS PRELOGIN packets */
	int released;
	int settled;            /* the session was concluded or dropped */
	int flow_gone;          /* the TCP flow closed while the session waits */
	struct flow_st *qprev, *qnext; /* the dissector's queue (in_queue) */
	uint64_t first_frame;          /* the flow's */
	int in_queue;
	int alerts_capped;
	int began_with_gap;     /* a direction's first bytes were missing */
	uint64_t records_after_done;
	int fatal_seen;		/* a fatal alert in clear */
	unsigned records_after_fatal;
	struct tls_decrypt *dec; /* with a key log; NULL otherwise */
	struct tcp_flow *flow;   /* the TCP flow (its other copies of overlaps) */
	struct dir_st d[2];
};

struct tls_dissector {
	struct cert_cache *cache;
	char *file;
	void (*emit)(void *ctx, struct tls_session *s);
	void *ctx;
	uint64_t next_id;
	/* Flows that may still become a session, and concluded sessions
	 * waiting for them, in order of the flows' first packets. */
	struct flow_st *qhead, *qtail;
	size_t queued;
	struct tls_stats st;
	int unordered;		    /* emit each session as it concludes (live) */
	const struct keylog *keys;  /* --keylog files, SSLKEYLOGFILE (borrowed) */
	struct keylog *file_keys;   /* this capture's Decryption Secrets Blocks */
};

/* ---- small helpers ---- */

static int side_of(const struct flow_st *fs, int dir)
{
	return tls_hs_side(&fs->hc, dir);
}

static int plausible_header(uint8_t type, uint8_t maj, uint8_t min, uint16_t len)
{
	return type >= TLS_CT_CHANGE_CIPHER_SPEC && type <= TLS_CT_HEARTBEAT && maj == 3 && min <= 4 &&
	       len <= MAX_RECORD_LEN;
}

/* ---- handshake messages ---- */

static void got_message(struct tls_dissector *d, struct flow_st *fs, int dir, uint8_t type,
			struct cursor *body, uint32_t len)
{
	struct dir_st *ds = &fs->d[dir];
	(void)d;
	if (tls_hs_message(&fs->hc, dir, type, body, len, ds->ts, ds->frame) & TLS_HS_ENCRYPT)
		fs->d[0].encrypted = fs->d[1].encrypted = 1;
}

static int plausible_hs_type(uint8_t t)
{
	switch (t) {
	case HS_CLIENT_HELLO:
	case HS_SERVER_HELLO:
	case HS_NEW_SESSION_TICKET:
	case HS_ENCRYPTED_EXTENSIONS:
	case HS_CERTIFICATE:
	case HS_SERVER_KEY_EXCHANGE:
	case HS_CERTIFICATE_REQUEST:
	case HS_SERVER_HELLO_DONE:
	case HS_CERTIFICATE_VERIFY:
	case HS_CLIENT_KEY_EXCHANGE:
	case HS_FINISHED:
	case HS_CERTIFICATE_STATUS:
	case HS_KEY_UPDATE:
	case HS_COMPRESSED_CERTIFICATE:
		return 1;
	}
	return 0;
}

static void hs_take(struct tls_dissector *d, struct flow_st *fs, int dir, const uint8_t *p,
		    size_t n);
static void map_add(struct dir_st *ds, const uint8_t *p, size_t n);
static void map_consume(struct dir_st *ds, size_t k);
static uint8_t *other_copy(struct tls_dissector *d, struct flow_st *fs, int dir, uint8_t type,
			   uint32_t len);
static void keep_pending(struct flow_st *fs, int dir, uint8_t type, uint32_t len);

/* Key-log decryption (dissect/tls_decrypt.h) sees every handshake message
 * once a key log holds secrets; it starts at the ClientHello (the random). */
static void decrypt_message(struct tls_dissector *d, struct flow_st *fs, int dir, uint8_t type,
			    const uint8_t *msg, size_t n)
{
	if (fs->dec == NULL && type == HS_CLIENT_HELLO &&
	    (keylog_sessions(d->keys) || keylog_sessions(d->file_keys)))
		fs->dec = tls_decrypt_new(d->file_keys, d->keys);
	if (fs->dec) {
		struct span m = { msg, n };
		tls_decrypt_message(fs->dec, fs->s, side_of(fs, dir), m);
	}
}

/* The Certificate with a hole is over (its end came, `whole`, or another
 * hole or the capture's end cut what followed): decode what was kept. */
static void cert_hole_done(struct flow_st *fs, int dir, int whole)
{
	struct dir_st *ds = &fs->d[dir];
	struct cursor c;
	uint8_t type;
	uint32_t len;
	if (!ds->cert_holed)
		return;
	ds->cert_holed = 0;
	cur_init(&c, ds->cert_before.p, ds->cert_before.len);
	if (cur_u8(&c, &type) == PE_OK && cur_u24(&c, &len) == PE_OK) {
		struct span after = { ds->cert_after.p, ds->cert_after.len };
		tls_hs_cut_certificate(&fs->hc, dir, len, cur_rest(&c), ds->cert_hole, after, whole,
				       ds->ts, ds->frame);
	}
	dbuf_reset(&ds->cert_before);
	dbuf_reset(&ds->cert_after);
}

/* Stream offset of p[0..n) when it lies in the TCP chunk being read;
 * UINT64_MAX otherwise (a copy: the scan window, decrypted bytes). */
static uint64_t chunk_offset(const struct dir_st *ds, const uint8_t *p, size_t n)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)ds->chunk_p;
	if (ds->chunk_p == NULL || a < b || a - b > ds->chunk_n || n > ds->chunk_n - (a - b))
		return UINT64_MAX;
	return ds->chunk_off + (a - b);
}

/* p[0..n) is about to be added to the message being gathered. */
static void map_add(struct dir_st *ds, const uint8_t *p, size_t n)
{
	uint64_t off = chunk_offset(ds, p, n);
	struct hs_piece *last = ds->n_map ? &ds->map[ds->n_map - 1] : NULL;
	if (ds->hs.len == 0) {
		ds->n_map = 0;
		ds->map_bad = 0;
		last = NULL;
	}
	if (ds->map_bad || n == 0)
		return;
	if (off == UINT64_MAX || ds->hs.len + n > UINT32_MAX) {
		ds->map_bad = 1;
	} else if (last && last->pos + last->len == ds->hs.len && last->off + last->len == off) {
		last->len += (uint32_t)n;
	} else if (ds->n_map == HS_MAP) {
		ds->map_bad = 1;
	} else {
		ds->map[ds->n_map++] = (struct hs_piece){ (uint32_t)ds->hs.len, (uint32_t)n, off };
	}
}

/* The first k bytes of the message buffer were consumed. */
static void map_consume(struct dir_st *ds, size_t k)
{
	size_t j = 0;
	for (size_t i = 0; i < ds->n_map; i++) {
		struct hs_piece e = ds->map[i];
		if ((size_t)e.pos + e.len <= k)
			continue;
		if (e.pos < k) {
			e.off += k - e.pos;
			e.len -= (uint32_t)(k - e.pos);
			e.pos = (uint32_t)k;
		}
		e.pos -= (uint32_t)k;
		ds->map[j++] = e;
	}
	ds->n_map = j;
}

/*
 * The whole message at the start of ds->hs (4 + len bytes) does not
 * parse, and the TCP layer kept the other copy of a conflicting overlap
 * in it (the receiver may have used that one: the first copy was corrupt):
 * returns the message with the other copy's bytes (heap) when that one
 * parses, the conflict resolved and counted; else NULL. Certificates (TLS
 * 1.2 form, in the clear) are what a corrupt copy loses, and whether
 * they parse is exact: the entries tile the list and every DER decodes.
 */
static uint8_t *other_copy(struct tls_dissector *d, struct flow_st *fs, int dir, uint8_t type,
			   uint32_t len)
{
	struct dir_st *ds = &fs->d[dir];
	size_t n = 4 + (size_t)len, changed = 0;
	struct cursor c, body;
	if (fs->flow == NULL || fs->flow->d[dir].n_alt == 0 || ds->map_bad || ds->plain ||
	    type != HS_CERTIFICATE || fs->s->tls13)
		return NULL;
	cur_init(&c, ds->hs.p, n);
	if (cur_skip(&c, 4) != PE_OK || cur_sub(&c, len, &body) != PE_OK ||
	    tls_certificate_parses(body))
		return NULL;
	uint8_t *buf = xcalloc(1, n);
	cur_init(&c, ds->hs.p, n);
	if (cur_copy(&c, buf, n) != PE_OK)
		goto no;
	for (size_t i = 0; i < ds->n_map && ds->map[i].pos < n; i++) {
		size_t k = ds->map[i].len < n - ds->map[i].pos ? ds->map[i].len : n - ds->map[i].pos;
		changed += tcp_alt_overlay(fs->flow, dir, ds->map[i].off, buf + ds->map[i].pos, k);
	}
	cur_init(&c, buf, n);
	if (changed == 0 || cur_skip(&c, 4) != PE_OK || cur_sub(&c, len, &body) != PE_OK ||
	    !tls_certificate_parses(body))
		goto no;
	tcp_alt_used(fs->flow, dir);
	d->st.overlap_resyncs++;
	return buf;
no:
	free(buf);
	return NULL;
}

/* The Certificate just read (4 + len bytes at the start of ds->hs) left
 * certificates that do not decode: keep it, in case the other copy of
 * the corrupt bytes comes after it (a retransmission the receiver used).
 * The cheap look at the chain first: a good chain costs nothing here. */
static void keep_pending(struct flow_st *fs, int dir, uint8_t type, uint32_t len)
{
	struct dir_st *ds = &fs->d[dir];
	const struct tls_chain *ch = &fs->s->chain[side_of(fs, dir)];
	size_t n = 4 + (size_t)len;
	int bad = ch->n == 0 && len > 3;
	struct cursor c, body;
	for (size_t i = 0; i < ch->n && !bad; i++)
		bad = !ch->certs[i]->parse_ok;
	if (!bad || fs->flow == NULL || ds->map_bad || ds->plain || type != HS_CERTIFICATE ||
	    fs->s->tls13 || n > PEND_MAX || ds->pend)
		return;
	cur_init(&c, ds->hs.p, n);
	if (cur_skip(&c, 4) != PE_OK || cur_sub(&c, len, &body) != PE_OK ||
	    tls_certificate_parses(body))
		return;
	struct cert_pending *kept = xcalloc(1, sizeof *kept + n);
	cur_init(&c, ds->hs.p, n);
	if (cur_copy(&c, kept->msg, n) != PE_OK) {
		free(kept);
		return;
	}
	kept->n = n;
	kept->n_map = ds->n_map;
	for (size_t i = 0; i < ds->n_map; i++)
		kept->map[i] = ds->map[i];
	kept->gen = fs->flow->d[dir].alt_gen;
	ds->pend = kept;
}

/* Other copies came since the kept Certificate of `dir` was read: when
 * the message with their bytes parses, the chain is read from it. */
static void retry_pending(struct tls_dissector *d, struct flow_st *fs, int dir)
{
	struct dir_st *ds = &fs->d[dir];
	struct cert_pending *p = ds->pend;
	struct cursor c, body;
	size_t changed = 0;
	if (p == NULL || fs->flow == NULL || fs->flow->d[dir].alt_gen == p->gen)
		return;
	p->gen = fs->flow->d[dir].alt_gen;
	uint8_t *buf = xcalloc(1, p->n);
	cur_init(&c, p->msg, p->n);
	if (cur_copy(&c, buf, p->n) != PE_OK)
		goto out;
	for (size_t i = 0; i < p->n_map && p->map[i].pos < p->n; i++) {
		size_t k = p->map[i].len < p->n - p->map[i].pos ? p->map[i].len : p->n - p->map[i].pos;
		changed += tcp_alt_overlay(fs->flow, dir, p->map[i].off, buf + p->map[i].pos, k);
	}
	cur_init(&c, buf, p->n);
	if (changed == 0 || cur_skip(&c, 4) != PE_OK || cur_sub(&c, p->n - 4, &body) != PE_OK ||
	    !tls_certificate_parses(body))
		goto out;
	tls_hs_certificate_again(&fs->hc, dir, &body);
	tcp_alt_used(fs->flow, dir);
	d->st.overlap_resyncs++;
	free(ds->pend);
	ds->pend = NULL;
out:
	free(buf);
}

/* Feed handshake-record payload bytes. */
static void hs_feed(struct tls_dissector *d, struct flow_st *fs, int dir, const uint8_t *p,
		    size_t n)
{
	struct dir_st *ds = &fs->d[dir];
	struct cursor in;
	cur_init(&in, p, n);
	/* Stops when a TLS 1.3 ServerHello turns encryption on: what follows
	 * it in its record would be encrypted-epoch data in a valid stream. */
	while (cur_left(&in) && !ds->hs_desync && (!ds->encrypted || ds->plain)) {
		size_t k = cur_left(&in);
		struct span piece;
		if (ds->hs_skip) {
			if (ds->hs_skip < k)
				k = (size_t)ds->hs_skip;
			ds->hs_skip -= k;
			if (cur_bytes(&in, k, &piece) != PE_OK)
				return;
			if (ds->cert_holed && dbuf_add(&ds->cert_after, piece.p, piece.n) != 0)
				cert_hole_done(fs, dir, 0);
			if (ds->hs_skip == 0 && ds->cert_holed)
				cert_hole_done(fs, dir, 1);
			continue;
		}
		/* Add at most what completes the message being gathered, so a
		 * message found over the limit can skip the rest exactly. */
		struct cursor c;
		uint8_t t;
		uint32_t len;
		cur_init(&c, ds->hs.p, ds->hs.len);
		if (cur_u8(&c, &t) == PE_OK && cur_u24(&c, &len) == PE_OK &&
		    (uint64_t)len + 4 - ds->hs.len < k)
			k = (size_t)((uint64_t)len + 4 - ds->hs.len);
		else if (ds->hs.len < 4 && 4 - ds->hs.len < k)
			k = 4 - ds->hs.len;
		if (cur_bytes(&in, k, &piece) != PE_OK)
			return;
		hs_take(d, fs, dir, piece.p, piece.n);
	}
}

/* Add handshake bytes (never past the end of the message being gathered)
 * and decode what is complete. */
static void hs_take(struct tls_dissector *d, struct flow_st *fs, int dir, const uint8_t *p,
		    size_t n)
{
	struct dir_st *ds = &fs->d[dir];
	map_add(ds, p, n);
	if (dbuf_add(&ds->hs, p, n) != 0) {
		/* Over our ceiling: drop this message and say so. */
		struct tls_note *nt = tls_note_add(fs->s, NOTE_LIMIT, side_of(fs, dir), 0, ds->ts, ds->frame);
		if (nt) {
			nt->limit = LIMIT_MESSAGE;
			nt->cap = MAX_HS_MSG;
		}
		dbuf_reset(&ds->hs);
		ds->hs_desync = 1;
		return;
	}
	for (;;) {
		struct cursor c, body;
		uint8_t type;
		uint32_t len;
		cur_init(&c, ds->hs.p, ds->hs.len);
		if (cur_u8(&c, &type) != PE_OK || cur_u24(&c, &len) != PE_OK)
			return;
		if (ds->hs_check_start) {
			ds->hs_check_start = 0;
			if (!plausible_hs_type(type) || len > MAX_HS_MSG) {
				dbuf_reset(&ds->hs);
				ds->hs_desync = 1;
				return;
			}
		}
		if (len > MAX_HS_MSG) {
			/* Its length is known: skip exactly that much and go on
			 * with the next message. */
			int side = side_of(fs, dir);
			tls_ladder_add_incomplete(fs->s, side, type, len, ds->ts, ds->frame);
			struct tls_note *nt = tls_note_msg(fs->s, NOTE_LIMIT, side, 0, ds->ts, ds->frame,
						       type, len, 0);
			if (nt) {
				nt->limit = LIMIT_MESSAGE;
				nt->cap = MAX_HS_MSG;
			}
			ds->hs_skip = len - (ds->hs.len - 4);
			dbuf_reset(&ds->hs);
			return;
		}
		if (cur_sub(&c, len, &body) != PE_OK)
			return; /* need more */
		uint8_t *other = other_copy(d, fs, dir, type, len);
		if (other) {
			cur_init(&c, other, 4 + (size_t)len);
			if (cur_skip(&c, 4) == PE_OK && cur_sub(&c, len, &body) == PE_OK) {
				got_message(d, fs, dir, type, &body, len);
				decrypt_message(d, fs, dir, type, other, 4 + (size_t)len);
			}
			free(other);
		} else {
			got_message(d, fs, dir, type, &body, len);
			decrypt_message(d, fs, dir, type, ds->hs.p, 4 + (size_t)len);
			keep_pending(fs, dir, type, len);
		}
		dbuf_consume(&ds->hs, 4 + (size_t)len);
		map_consume(ds, 4 + (size_t)len);
	}
}

/* The message being gathered will never be whole (a hole in the capture,
 * or its end): keep every certificate that came before the cut, and put
 * the message on the ladder marked incomplete. */
static void cut_message(struct tls_dissector *d, struct flow_st *fs, int dir, uint8_t type,
			uint32_t len)
{
	struct dir_st *ds = &fs->d[dir];
	struct cursor body;
	(void)d;
	cur_init(&body, ds->hs.p, ds->hs.len);
	/* past the 4-byte header (the caller read it from these bytes) */
	if (cur_skip(&body, 4) != PE_OK)
		cur_init(&body, NULL, 0);
	tls_hs_cut_message(&fs->hc, dir, type, len, cur_rest(&body), ds->ts, ds->frame);
}

/* `g` bytes of handshake payload were lost. */
static void hs_gap(struct tls_dissector *d, struct flow_st *fs, int dir, uint64_t g)
{
	struct dir_st *ds = &fs->d[dir];
	struct tls_session *s = fs->s;
	if (ds->hs_desync)
		return;
	if (ds->hs_skip) {
		uint64_t k = ds->hs_skip < g ? ds->hs_skip : g;
		ds->hs_skip -= k;
		g -= k;
		cert_hole_done(fs, dir, 0); /* a second hole: what followed the first is cut */
		if (g == 0)
			return;
		ds->hs_desync = 1;
		return;
	}
	struct cursor c;
	uint8_t type;
	uint32_t len;
	cur_init(&c, ds->hs.p, ds->hs.len);
	if (ds->hs.len == 0 || cur_u8(&c, &type) != PE_OK || cur_u24(&c, &len) != PE_OK) {
		/* Lost at (or right after) a message boundary. */
		dbuf_reset(&ds->hs);
		ds->hs_desync = 1;
		return;
	}
	int side = side_of(fs, dir);
	uint64_t have = ds->hs.len - 4, missing = (uint64_t)len - have;
	tls_note_msg(s, NOTE_GAP, side, g, ds->ts, ds->frame, type, len, (uint32_t)have);
	if (type == HS_CERTIFICATE && !s->tls13 && g < missing && !s->chain[side].present) {
		/* The hole's length is exact: keep what comes after it up to the
		 * message's end, so certificates after it can be decoded too. */
		struct dbuf t = ds->cert_before;
		ds->cert_before = ds->hs;
		ds->hs = t;
		ds->cert_holed = 1;
		ds->cert_hole = g;
		ds->hs_skip = missing - g;
		return;
	}
	cut_message(d, fs, dir, type, len);
	dbuf_reset(&ds->hs);
	if (g < missing)
		ds->hs_skip = missing - g;
	else if (g > missing)
		ds->hs_desync = 1;
}

/* ---- records ---- */

/* A record that arrived protected: with keys from a key log, decrypt it
 * and give its content to the handshake or alert layer as if it had come
 * in clear. Returns 1 when it did (the record then reads as clear). */
static int decrypt_record(struct tls_dissector *d, struct flow_st *fs, int dir)
{
	struct dir_st *ds = &fs->d[dir];
	struct span pt;
	struct cursor c;
	uint8_t type;
	if (!ds->rec_enc || fs->dec == NULL)
		return 0;
	int side = side_of(fs, dir);
	enum parse_err e = tls_decrypt_record(fs->dec, fs->s, side, ds->hdr, ds->rec_broken,
					      ds->frame, &type, &pt);
	if (e == PE_SHORT) {
		/* A gap inside it: none of it can be read, so a handshake
		 * message being gathered is cut there. */
		if (ds->hs.len == 0 && !fs->s->handshake_done) {
			struct tls_note *nt = tls_note_add(fs->s, NOTE_RECORD_GAP, side, ds->rec_lost,
						       ds->ts, ds->frame);
			if (nt)
				nt->msg_len = (uint32_t)ds->rlen;
		}
		hs_gap(d, fs, dir, UINT64_MAX);
	}
	if (e != PE_OK)
		return 0;
	ds->rec_enc = 0;
	ds->rtype = type;
	ds->rlen = pt.n;
	ds->small_have = 0;
	if (type == TLS_CT_HANDSHAKE) {
		ds->plain = 1;
		hs_feed(d, fs, dir, pt.p, pt.n);
		ds->plain = 0;
	} else if (type == TLS_CT_CHANGE_CIPHER_SPEC || type == TLS_CT_ALERT) {
		uint8_t lvl = 0;
		cur_init(&c, pt.p, pt.n);
		ds->small_have = pt.n < sizeof ds->small ? pt.n : sizeof ds->small;
		if (cur_copy(&c, ds->small, ds->small_have) != PE_OK)
			ds->small_have = 0;
		cur_init(&c, ds->small, ds->small_have);
		if (type == TLS_CT_ALERT && (pt.n != 2 || cur_u8(&c, &lvl) != PE_OK || (lvl != 1 && lvl != 2))) {
			/* Decrypted, so not an encrypted alert: a malformed one
			 * (one alert per record, RFC 8446 §5.1). */
			(void)tls_note_add(fs->s, NOTE_BAD_ALERT, side, 0, ds->ts, ds->frame);
			ds->rtype = 0;
		}
	}
	return 1;
}

static void mark_decrypted(struct tls_session *s, size_t ladder_from, size_t alerts_from)
{
	for (size_t i = ladder_from; i < s->n_ladder; i++)
		s->ladder[i].decrypted = 1;
	for (size_t i = alerts_from; i < s->n_alerts; i++)
		s->alerts[i].decrypted = 1;
}

/* Once both sides sent data, the rest of the connection tells nothing
 * more. In TLS 1.3 the second protected record of each side still does:
 * a short first one followed by nothing is how an encrypted alert looks. */
static void release_if_done(struct flow_st *fs)
{
	struct tls_session *s = fs->s;
	/* A fatal alert ends the connection (RFC 8446 §6, RFC 5246 §7.2.2):
	 * what the peers still send right after it (a ChangeCipherSpec and
	 * an encrypted alert, the other side's alert) is kept, then the
	 * session is concluded even if the flow stays open. */
	if (fs->fatal_seen && !fs->released && ++fs->records_after_fatal > FATAL_GRACE) {
		fs->released = 1;
		return;
	}
	if (fs->released || !s->handshake_done)
		return;
	/* TLS 1.3 without keys: the server's first records after the
	 * client's flight tell accepted (tickets, data) from rejected (one
	 * short encrypted alert, then FIN: rules/outcome.c), so the session
	 * is not concluded while all the server answered may be that alert. */
	const struct tls_protected *sv = &s->prot[SIDE_SERVER];
	uint32_t sv_after = sv->n - sv->n_before_peer;
	int answered = sv_after >= 2 || (sv_after == 1 && sv->last.len > TLS_ALERT_RECORD_MAX);
	int seen = s->app_data[0] && s->app_data[1] &&
		   (!s->tls13 || (s->prot[SIDE_CLIENT].n >= 2 && answered));
	if (seen || ++fs->records_after_done > 32)
		fs->released = 1; /* h_data tells the TCP layer: ignore the rest */
}

/* A protected record of `side`, before any key log had a look at it. */
static void protected_seen(struct tls_session *s, int side, const struct dir_st *ds)
{
	struct tls_protected *p = &s->prot[side], *peer = &s->prot[1 - side];
	struct tls_record_seen r = { (uint32_t)ds->rlen, ds->ts, ds->frame };
	if (p->n == 0) {
		p->first = r;
		peer->n_before_peer = peer->n;
	}
	p->last = r;
	if (p->n < UINT32_MAX)
		p->n++;
}

/* Alerts are capped: a peer may send any number of them. */
static void alert_add(struct flow_st *fs, const struct tls_alert *a)
{
	tls_alert_add(fs->s, a, &fs->alerts_capped);
}

static void record_end(struct tls_dissector *d, struct flow_st *fs, int dir)
{
	struct dir_st *ds = &fs->d[dir];
	struct tls_session *s = fs->s;
	int side = side_of(fs, dir);
	size_t ladder_from = s->n_ladder, alerts_from = s->n_alerts;
	if (ds->rec_enc && ds->rtype == TLS_CT_APPLICATION_DATA)
		protected_seen(s, side, ds);
	uint32_t outer_len = (uint32_t)ds->rlen;
	int decrypted = decrypt_record(d, fs, dir);
	ds->in_record = 0;
	if (ds->hs_desync) {
		ds->hs_desync = 0;
		ds->hs_check_start = 1;
		dbuf_reset(&ds->hs);
	}
	switch (ds->rtype) {
	case TLS_CT_CHANGE_CIPHER_SPEC:
		if (!ds->rec_broken) {
			tls_ladder_add(s, LAD_CCS, side, 0, 1, ds->ts, ds->frame);
			s->ccs[side] = 1;
			/* In TLS 1.3 a CCS is only middlebox compatibility (and may
			 * come before the real ServerHello, after a HelloRetryRequest):
			 * it never switches the direction to encrypted. */
			if (!s->tls13 && s->sh.present)
				ds->encrypted = 1;
		}
		break;
	case TLS_CT_ALERT: {
		int enc = ds->rec_enc && !s->tls13;
		if (ds->rec_broken)
			break;
		/* A clear alert is one 2-byte record (RFC 8446 §5.1 forbids
		 * fragmenting or coalescing alerts; TLS 1.2 stacks do the same)
		 * whose level is 1 or 2. Anything else is an encrypted alert
		 * whose ChangeCipherSpec the capture did not show. */
		if (!enc) {
			struct cursor lc;
			uint8_t lvl = 0;
			cur_init(&lc, ds->small, ds->small_have);
			if (ds->rlen != 2 || cur_u8(&lc, &lvl) != PE_OK || (lvl != TLS_ALERT_WARNING && lvl != TLS_ALERT_FATAL))
				enc = 1;
		}
		if (enc || ds->small_have < 2) {
			struct tls_alert a = { side, 1, -1, -1, ds->ts, ds->frame };
			if (!enc && ds->small_have < 2)
				break;
			alert_add(fs, &a);
		} else {
			struct cursor c;
			cur_init(&c, ds->small, ds->small_have);
			uint8_t lvl, desc;
			while (cur_u8(&c, &lvl) == PE_OK && cur_u8(&c, &desc) == PE_OK) {
				struct tls_alert a = { side, 0, lvl, desc, ds->ts, ds->frame };
				alert_add(fs, &a);
				if (lvl == TLS_ALERT_FATAL)
					fs->fatal_seen = 1;
			}
		}
		break;
	}
	case TLS_CT_HANDSHAKE:
		if (ds->rec_enc) {
			ds->enc_records++;
			if (!s->encrypted_hs[side])
				tls_ladder_add(s, LAD_ENCRYPTED_HS, side, 0, outer_len, ds->ts,
					   ds->frame);
			s->encrypted_hs[side] = 1;
		}
		break;
	case TLS_CT_APPLICATION_DATA:
		if (s->tls13 && ds->rec_enc && !s->handshake_done &&
		    !s->encrypted_hs[SIDE_CLIENT]) {
			/* TLS 1.3: the flights up to the client's Finished. */
			if (!s->encrypted_hs[side])
				tls_ladder_add(s, LAD_ENCRYPTED_HS, side, 0, outer_len, ds->ts,
					   ds->frame);
			s->encrypted_hs[side] = 1;
		} else {
			if (!s->app_data[side])
				tls_ladder_add(s, LAD_APP_DATA, side, 0, outer_len, ds->ts, ds->frame);
			s->app_data[side] = 1;
		}
		break;
	}
	if (decrypted)
		mark_decrypted(s, ladder_from, alerts_from);
	ds->rec_broken = 0;
	ds->rec_lost = 0;
	ds->small_have = 0;
	if (!s->handshake_done) {
		/* A side's Finished: seen encrypted, or decrypted. */
		int fin_c = s->encrypted_hs[SIDE_CLIENT] || s->decrypt.finished[SIDE_CLIENT];
		int fin_s = s->encrypted_hs[SIDE_SERVER] || s->decrypt.finished[SIDE_SERVER];
		if (s->tls13 ? fin_c : fin_c && fin_s)
			s->handshake_done = 1;
		else if (s->app_data[0] || s->app_data[1])
			s->handshake_done = s->ccs[0] || s->ccs[1] || !s->ch.present;
	}
	release_if_done(fs);
}

/* Payload bytes of the current record. */
static void record_payload(struct tls_dissector *d, struct flow_st *fs, int dir, const uint8_t *p,
			   size_t n)
{
	struct dir_st *ds = &fs->d[dir];
	if (ds->rec_enc && fs->dec)
		tls_decrypt_take(fs->dec, side_of(fs, dir), p, n);
	switch (ds->rtype) {
	case TLS_CT_HANDSHAKE:
		if (!ds->encrypted)
			hs_feed(d, fs, dir, p, n);
		break;
	case TLS_CT_CHANGE_CIPHER_SPEC:
	case TLS_CT_ALERT: {
		struct cursor c;
		cur_init(&c, p, n);
		size_t k = n;
		if (k > sizeof ds->small - ds->small_have)
			k = sizeof ds->small - ds->small_have;
		if (cur_copy(&c, ds->small + ds->small_have, k) == PE_OK)
			ds->small_have += k;
		break;
	}
	default:
		break; /* application data, heartbeat: skipped, never copied */
	}
}

/* Try to parse a whole SSLv2-compatible ClientHello at the start of the
 * scan buffer. Returns bytes consumed, 0 if more are needed, -1 if not one. */
static long sslv2_hello(struct flow_st *fs, int dir)
{
	struct dir_st *ds = &fs->d[dir];
	struct cursor c;
	uint16_t hdr;
	cur_init(&c, ds->scan.p, ds->scan.len);
	if (cur_u16(&c, &hdr) != PE_OK)
		return 0;
	size_t len = hdr & 0x7fff;
	struct cursor rec;
	if (cur_sub(&c, len, &rec) != PE_OK)
		return 0; /* at most 32767 bytes: wait for them */
	struct tls_session *s = fs->s;
	if (tls_parse_sslv2_hello(&rec, &s->ch) != PE_OK)
		return -1;
	tls_hs_set_client_dir(&fs->hc, dir);
	s->ch.ts_ns = ds->ts;
	s->ch.frame = ds->frame;
	tls_ladder_add(s, LAD_SSLV2_HELLO, side_of(fs, dir), HS_CLIENT_HELLO, (uint32_t)len, ds->ts,
		   ds->frame);
	return (long)(2 + len);
}


/* Where does TLS start in this clear text? Returns the offset or -1. */
static long find_tls_start(const struct dbuf *b, int client)
{
	struct cursor c;
	cur_init(&c, b->p, b->len);
	for (size_t i = 0; i + 9 <= b->len; i++) {
		uint8_t t, maj, min, ht;
		uint16_t len;
		uint32_t hl;
		if (cur_peek_u8(&c, i, &t) != PE_OK || cur_peek_u8(&c, i + 1, &maj) != PE_OK ||
		    cur_peek_u8(&c, i + 2, &min) != PE_OK || cur_peek_u16(&c, i + 3, &len) != PE_OK ||
		    cur_peek_u8(&c, i + 5, &ht) != PE_OK || cur_peek_u24(&c, i + 6, &hl) != PE_OK)
			return -1;
		if (maj != 3 || min > 4 || len < 4 || len > MAX_RECORD_LEN)
			continue;
		if (t == TLS_CT_HANDSHAKE && ht == (client ? HS_CLIENT_HELLO : HS_SERVER_HELLO) &&
		    hl < (1u << 16))
			return (long)i;
		if (t == TLS_CT_ALERT && !client && len == 2 &&
		    (ht == TLS_ALERT_WARNING || ht == TLS_ALERT_FATAL))
			return (long)i;
	}
	return -1;
}

/* Name the outer protocol; a surer recogniser renames it (the client's
 * LHLO after a "220" greeting that SMTP, LMTP and FTP share). */
static void starttls_name(struct flow_st *fs, const struct starttls_match *m)
{
	if (m->name == NULL || m->strength <= fs->starttls_strength)
		return;
	free(fs->s->starttls);
	fs->s->starttls = xstrdup(m->name);
	fs->starttls_strength = m->strength;
}

static void flow_not_tls(struct tls_dissector *d, struct flow_st *fs)
{
	fs->d[0].st = fs->d[1].st = D_OFF;
	if (!fs->released) {
		fs->released = 1; /* h_data tells the TCP layer: ignore the rest */
		d->st.flows_not_tls++;
	}
}

/* First bytes of a direction: TLS, SSLv2 hello, clear text, or neither.
 * Returns the offset in the scan window where records begin (state
 * D_RECORDS), or -1 (waiting, or another state chosen). */
static long detect(struct tls_dissector *d, struct flow_st *fs, struct tcp_flow *f, int dir)
{
	struct dir_st *ds = &fs->d[dir];
	struct cursor c;
	uint8_t b0, b1, b2;
	uint16_t len;
	cur_init(&c, ds->scan.p, ds->scan.len);
	if (ds->scan.len < 5)
		return -1; /* wait for a whole record header (1-byte segments exist) */
	if (cur_peek_u8(&c, 0, &b0) == PE_OK && cur_peek_u8(&c, 1, &b1) == PE_OK &&
	    cur_peek_u8(&c, 2, &b2) == PE_OK && cur_peek_u16(&c, 3, &len) == PE_OK &&
	    plausible_header(b0, b1, b2, len)) {
		if (!fs->is_tls) {
			fs->is_tls = 1;
			d->st.flows_tls++;
		}
		ds->st = D_RECORDS;
		return 0;
	}
	uint8_t b3 = 0;
	if ((b0 & 0x80) && cur_peek_u8(&c, 2, &b2) == PE_OK && b2 == 1 &&
	    cur_peek_u8(&c, 3, &b3) == PE_OK && (b3 == 0 || b3 == 3)) {
		long used = sslv2_hello(fs, dir);
		if (used == 0)
			return -1;
		if (used > 0) {
			if (!fs->is_tls) {
				fs->is_tls = 1;
				d->st.flows_tls++;
			}
			ds->st = D_RECORDS;
			return used;
		}
	}
	struct starttls_match m;
	struct span first = { ds->scan.p, ds->scan.len };
	enum starttls_strength known = starttls_recognise(first, &m);
	if (fs->is_tls && !fs->starttls_candidate) {
		/* The other direction is TLS: this one was joined inside a
		 * record; look for the next record header. */
		ds->st = D_RESYNC;
		return -1;
	}
	if (known != STARTTLS_NO || fs->starttls_candidate) {
		starttls_name(fs, &m);
		fs->starttls_candidate = 1;
		ds->st = D_CLEAR;
		return -1;
	}
	if (f->midstream || ds->hunting) {
		/* The capture began inside this connection (or lost its first
		 * bytes): these may be the middle of a record. Look for two
		 * record headers in a row before calling it TLS. */
		ds->hunting = 1;
		ds->st = D_RESYNC;
		return -1;
	}
	flow_not_tls(d, fs);
	return -1;
}

/* Clear text before STARTTLS: returns where TLS begins in the scan
 * window (state D_RECORDS), or -1. */
static long scan_clear(struct tls_dissector *d, struct flow_st *fs, int dir)
{
	struct dir_st *ds = &fs->d[dir];
	int client = fs->hc.client_dir < 0 ? (fs->s->ch.present ? 0 : 1) : dir == fs->hc.client_dir;
	if (fs->hc.client_dir < 0 && fs->s->ch.present)
		client = 0;
	long at = find_tls_start(&ds->scan, client || !fs->s->ch.present);
	if (at < 0 && fs->s->ch.present)
		at = find_tls_start(&ds->scan, 0);
	if (at >= 0) {
		if (!fs->is_tls) {
			fs->is_tls = 1;
			d->st.flows_tls++;
			d->st.flows_starttls++;
		}
		ds->clear_bytes += (uint64_t)at;
		fs->s->starttls_bytes += (uint64_t)at;
		ds->st = D_RECORDS;
		return at;
	}
	if (ds->scan.len > SCAN_KEEP) {
		size_t drop = ds->scan.len - SCAN_KEEP;
		ds->clear_bytes += drop;
		fs->s->starttls_bytes += drop;
		dbuf_consume(&ds->scan, drop);
	}
	if (fs->d[0].clear_bytes + fs->d[1].clear_bytes > CLEAR_BUDGET && !fs->is_tls)
		flow_not_tls(d, fs);
	return -1;
}

static int header_at(const struct cursor *c, size_t i, uint16_t *len)
{
	uint8_t t, maj, min;
	if (cur_peek_u8(c, i, &t) != PE_OK || cur_peek_u8(c, i + 1, &maj) != PE_OK ||
	    cur_peek_u8(c, i + 2, &min) != PE_OK || cur_peek_u16(c, i + 3, len) != PE_OK)
		return -1; /* not enough bytes */
	return plausible_header(t, maj, min, *len) && min != 0;
}

/* Is the record at `i` (all `len` bytes of it in the buffer) evidently
 * TLS by itself: handshake messages of plausible types that fill it
 * exactly, or a clear alert? */
static int record_stands_alone(const struct cursor *c, size_t i, uint16_t len)
{
	uint8_t t, b0;
	if (cur_peek_u8(c, i, &t) != PE_OK || len == 0 || cur_left(c) - i - 5 < len)
		return 0;
	if (t == TLS_CT_ALERT)
		return len == 2 && cur_peek_u8(c, i + 5, &b0) == PE_OK &&
		       (b0 == TLS_ALERT_WARNING || b0 == TLS_ALERT_FATAL);
	if (t != TLS_CT_HANDSHAKE)
		return 0;
	size_t at = i + 5, end = i + 5 + len;
	while (at < end) {
		uint8_t ht;
		uint32_t hl;
		if (end - at < 4 || cur_peek_u8(c, at, &ht) != PE_OK ||
		    cur_peek_u24(c, at + 1, &hl) != PE_OK || !plausible_hs_type(ht) ||
		    hl > end - at - 4)
			return 0;
		at += 4 + hl;
	}
	return 1;
}

/* Framing lost (or never had): find the next plausible record header in
 * p[0..n), in place. While hunting in a flow not yet known to be TLS, a
 * header must be followed by another one where its length says (or its
 * record must stand alone). Returns the header's offset (state
 * D_RECORDS), or -1 with *keep where the bytes worth keeping for the next
 * input begin (a header cut at the end, or a candidate waiting for the
 * header that would confirm it). */
static long resync_find(struct tls_dissector *d, struct flow_st *fs, int dir, const uint8_t *p,
			size_t n, size_t *keep)
{
	struct dir_st *ds = &fs->d[dir];
	struct cursor c;
	int confirm = ds->hunting && !fs->is_tls;
	cur_init(&c, p, n);
	*keep = n > SCAN_KEEP ? n - SCAN_KEEP : 0;
	for (size_t i = 0; i + 5 <= n; i++) {
		uint16_t len, len2;
		if (header_at(&c, i, &len) != 1)
			continue;
		if (confirm) {
			int next = header_at(&c, i + 5 + len, &len2);
			if (next < 0 && record_stands_alone(&c, i, len))
				next = 1;
			if (next == 0)
				continue;
			if (next < 0) {
				*keep = i;
				return -1;
			}
			fs->is_tls = 1;
			d->st.flows_tls++;
		}
		ds->hunting = 0;
		ds->st = D_RECORDS;
		ds->hs_desync = 0;
		ds->hs_check_start = 1;
		return (long)i;
	}
	return -1;
}

/* `n` bytes were searched in vain: a hunt has a budget. */
static void resync_dropped(struct tls_dissector *d, struct flow_st *fs, int dir, size_t n)
{
	struct dir_st *ds = &fs->d[dir];
	ds->hunt_bytes += n;
	if (ds->hunting && !fs->is_tls && ds->hunt_bytes > HUNT_BUDGET)
		flow_not_tls(d, fs);
}

/* Record-layer bytes. Returns how many were consumed: all of them, unless
 * the state leaves D_RECORDS (bytes that are not a record header: the
 * caller goes on scanning from the returned offset) or the flow is
 * released. */
static size_t feed_records(struct tls_dissector *d, struct flow_st *fs, int dir, const uint8_t *p,
			   size_t n)
{
	struct dir_st *ds = &fs->d[dir];
	struct cursor c;
	cur_init(&c, p, n);
	while (cur_left(&c) && ds->st == D_RECORDS && !fs->released) {
		if (!ds->in_record) {
			size_t had = ds->hdr_have;
			size_t k = 5 - had;
			if (k > cur_left(&c))
				k = cur_left(&c);
			if (cur_copy(&c, ds->hdr + had, k) != PE_OK)
				break;
			ds->hdr_have += k;
			if (ds->hdr_have < 5)
				break;
			ds->hdr_have = 0;
			struct cursor h;
			uint8_t t, maj, min;
			uint16_t len;
			cur_init(&h, ds->hdr, 5);
			if (cur_u8(&h, &t) != PE_OK || cur_u8(&h, &maj) != PE_OK ||
			    cur_u8(&h, &min) != PE_OK || cur_u16(&h, &len) != PE_OK)
				break;
			if (!plausible_header(t, maj, min, len)) {
				/* no message: bytes where a record header should be */
				(void)tls_note_add(fs->s, NOTE_MALFORMED, side_of(fs, dir), 0, ds->ts,
					       ds->frame);
				ds->st = D_RESYNC;
				dbuf_reset(&ds->scan);
				/* Look again from the false header's second byte (the
				 * first of it in this input, when it began earlier). */
				size_t back = k < 4 ? k : 4;
				return n - cur_left(&c) - back;
			}
			ds->in_record = 1;
			ds->rtype = t;
			ds->rleft = len;
			ds->rlen = len;
			ds->rec_enc = ds->encrypted;
			ds->small_have = 0;
			if (len == 0)
				record_end(d, fs, dir);
			continue;
		}
		size_t k = ds->rleft < cur_left(&c) ? ds->rleft : cur_left(&c);
		struct span piece;
		if (cur_bytes(&c, k, &piece) != PE_OK)
			break;
		record_payload(d, fs, dir, piece.p, piece.n);
		ds->rleft -= k;
		if (ds->rleft == 0)
			record_end(d, fs, dir);
	}
	return n - cur_left(&c);
}

/* One look at the scan window in a scanning state; a state change
 * without a result (detection chose clear text or a hunt) looks again
 * with the new state. Returns where records begin in the window, or -1. */
static long window_step(struct tls_dissector *d, struct flow_st *fs, struct tcp_flow *f, int dir)
{
	struct dir_st *ds = &fs->d[dir];
	for (;;) {
		enum dstate st = ds->st;
		long at;
		size_t keep;
		switch (st) {
		case D_DETECT:
			at = detect(d, fs, f, dir);
			break;
		case D_CLEAR:
			at = scan_clear(d, fs, dir);
			break;
		case D_RESYNC:
			at = resync_find(d, fs, dir, ds->scan.p, ds->scan.len, &keep);
			if (at < 0) {
				dbuf_consume(&ds->scan, keep);
				resync_dropped(d, fs, dir, keep);
			}
			break;
		default:
			return -1;
		}
		if (at >= 0 || ds->st == st || fs->released)
			return at;
	}
}

/* Stream bytes of one direction, whatever the state. Scanning reads the
 * input in place when nothing is held from before; otherwise it appends
 * a bounded slice to the scan window. Work is linear in the input: no
 * byte is copied more than once, and nothing recurses on the input. */
static void dir_input(struct tls_dissector *d, struct flow_st *fs, struct tcp_flow *f, int dir,
		      const uint8_t *p, size_t n)
{
	struct dir_st *ds = &fs->d[dir];
	struct cursor in;
	cur_init(&in, p, n);
	while (cur_left(&in) && !fs->released) {
		struct span rest = cur_rest(&in), piece;
		if (ds->st == D_OFF)
			return;
		if (ds->st == D_RECORDS) {
			if (cur_skip(&in, feed_records(d, fs, dir, rest.p, rest.n)) != PE_OK)
				return;
			continue;
		}
		if (ds->st == D_RESYNC && ds->scan.len == 0) {
			size_t keep;
			long at = resync_find(d, fs, dir, rest.p, rest.n, &keep);
			if (at >= 0) {
				if (cur_skip(&in, (size_t)at) != PE_OK)
					return;
				continue;
			}
			resync_dropped(d, fs, dir, keep);
			/* At most a cut header or one record plus a header. */
			if (ds->st == D_RESYNC && cur_skip(&in, keep) == PE_OK) {
				rest = cur_rest(&in);
				if (dbuf_add(&ds->scan, rest.p, rest.n) != 0)
					dbuf_reset(&ds->scan);
			}
			return;
		}
		if (cur_bytes(&in, rest.n < SCAN_SLICE ? rest.n : SCAN_SLICE, &piece) != PE_OK)
			return;
		if (dbuf_add(&ds->scan, piece.p, piece.n) != 0) {
			if (ds->st == D_CLEAR || ds->st == D_DETECT)
				flow_not_tls(d, fs);
			else
				dbuf_reset(&ds->scan);
			return;
		}
		long at = window_step(d, fs, f, dir);
		if (at >= 0) {
			/* Records begin inside the window. With the window taken
			 * out of the scan buffer, the nested call reads it in place
			 * and can only end by keeping its tail: one level deep. */
			struct dbuf tmp = ds->scan;
			struct cursor w;
			const uint8_t *cp = ds->chunk_p;
			size_t cn = ds->chunk_n;
			uint64_t co = ds->chunk_off, end = chunk_offset(ds, piece.p, piece.n);
			dbuf_init(&ds->scan, CLEAR_BUDGET);
			cur_init(&w, tmp.p, tmp.len);
			/* The window is the stream's bytes up to the end of `piece`
			 * (a gap empties it; TDS framing is not in it). */
			ds->chunk_p = NULL;
			if (end != UINT64_MAX && !fs->tds[dir].on && end + piece.n >= tmp.len) {
				ds->chunk_p = tmp.p;
				ds->chunk_n = tmp.len;
				ds->chunk_off = end + piece.n - tmp.len;
			}
			if (cur_skip(&w, (size_t)at) == PE_OK) {
				struct span records = cur_rest(&w);
				dir_input(d, fs, f, dir, records.p, records.n);
			}
			ds->chunk_p = cp;
			ds->chunk_n = cn;
			ds->chunk_off = co;
			dbuf_free(&tmp);
		}
	}
}

/* ---- TCP handler ---- */

static void h_open(void *ctx, struct tcp_flow *f)
{
	struct tls_dissector *d = ctx;
	struct flow_st *fs = xcalloc(1, sizeof *fs);
	fs->s = xcalloc(1, sizeof *fs->s);
	fs->hc.s = fs->s;
	fs->hc.cache = d->cache;
	fs->hc.client_dir = -1;
	for (int i = 0; i < 2; i++) {
		dbuf_init(&fs->d[i].scan, CLEAR_BUDGET);
		dbuf_init(&fs->d[i].hs, MAX_HS_MSG + 4);
		dbuf_init(&fs->d[i].cert_before, MAX_HS_MSG + 4);
		dbuf_init(&fs->d[i].cert_after, MAX_HS_MSG + 4);
	}
	d->st.flows_seen++;
	fs->flow = f;
	f->user = fs;
	fs->first_frame = f->first_frame;
	/* Flows open in order of their first packet: the queue's order. */
	fs->qprev = d->qtail;
	if (d->qtail)
		d->qtail->qnext = fs;
	else
		d->qhead = fs;
	d->qtail = fs;
	fs->in_queue = 1;
	d->queued++;
}

/*
 * Give back a direction's buffers once they are empty and not about to be
 * needed: the scanning window once records are framed, the handshake
 * buffer once a large message has been taken (a Certificate of a few KB)
 * or handshake records are encrypted. A flow that waits for its session
 * to be concluded (100,000 of them at once) then holds no buffer; either
 * is made again when bytes come for it.
 */
static void dir_trim(struct dir_st *ds)
{
	if (ds->scan.p && ds->scan.len == 0 && (ds->st == D_RECORDS || ds->st == D_OFF))
		dbuf_free(&ds->scan);
	if (ds->hs.p && ds->hs.len == 0 && (ds->hs.cap > 1024 || (ds->encrypted && !ds->plain)))
		dbuf_free(&ds->hs);
}

/* A connection that opens with a TDS PRELOGIN packet carries its TLS
 * handshake inside PRELOGIN packets: de-frame both directions from their
 * first byte on (the client speaks first in TDS). */
static void tds_detect(struct flow_st *fs, const struct tcp_chunk *ch)
{
	struct starttls_match m;
	struct span first = { ch->data, ch->len };
	if (fs->d[1 - ch->dir].clear_bytes || fs->d[1 - ch->dir].scan.len ||
	    fs->d[1 - ch->dir].st != D_DETECT)
		return;
	if (starttls_recognise(first, &m) == STARTTLS_NO || m.framing != STARTTLS_FRAME_TDS)
		return;
	starttls_name(fs, &m);
	fs->starttls_candidate = 1;
	for (int i = 0; i < 2; i++) {
		fs->tds[i].on = 1;
		fs->d[i].st = D_CLEAR;
	}
}

/* Bytes (or a gap) of one direction. Returns TCP_IGNORE once the flow is
 * released: not TLS, or TLS whose handshake is over, so the TCP layer
 * neither buffers nor delivers the rest. */
static enum tcp_verdict data_in(struct tls_dissector *d, struct flow_st *fs, struct tcp_flow *f,
				const struct tcp_chunk *ch)
{
	if (ch->dir != 0 && ch->dir != 1)
		return TCP_KEEP;
	retry_pending(d, fs, 0);
	retry_pending(d, fs, 1);
	struct dir_st *ds = &fs->d[ch->dir];
	if (ds->st == D_OFF)
		return fs->released ? TCP_IGNORE : TCP_KEEP;
	if (ch->data == NULL && ch->off == 0)
		fs->began_with_gap = 1;
	if (ch->data == NULL) { /* a capture gap */
		fs->tds[ch->dir].on = 0; /* TDS framing is lost with it */
		/* Messages cut by the gap keep the frame of their last bytes
		 * seen; what follows the gap takes the gap's frame. */
		uint64_t g = ch->len;
		if (ds->st == D_RECORDS) {
			if (ds->in_record) {
				uint64_t k = g < ds->rleft ? g : ds->rleft;
				if (ds->rtype == TLS_CT_HANDSHAKE && !ds->encrypted)
					hs_gap(d, fs, ch->dir, k);
				else {
					ds->rec_broken = 1;
					ds->rec_lost += k;
				}
				ds->rleft -= (size_t)k;
				g -= k;
				if (ds->rleft == 0)
					record_end(d, fs, ch->dir);
			}
			if (g > 0 || ds->hdr_have) {
				ds->hdr_have = 0;
				ds->in_record = 0;
				ds->st = D_RESYNC;
				dbuf_reset(&ds->scan);
				if (!fs->s->handshake_done && ds->hs_desync == 0 && ds->hs.len == 0) {
					(void)tls_note_add(fs->s, NOTE_GAP, side_of(fs, ch->dir), ch->len,
						       ds->ts, ds->frame);
				}
				ds->hs_desync = 1;
				dbuf_reset(&ds->hs);
			}
			if (fs->is_tls)
				tls_ladder_add(fs->s, LAD_GAP, side_of(fs, ch->dir), 0, (uint32_t)ch->len,
					   ch->ts_ns, ch->frame);
		} else if (ds->st == D_CLEAR || ds->st == D_RESYNC) {
			dbuf_reset(&ds->scan);
		} else if (ds->st == D_DETECT) {
			/* The first bytes are missing: what follows may be the
			 * middle of a record. */
			dbuf_reset(&ds->scan);
			ds->hunting = 1;
		}
		ds->ts = ch->ts_ns;
		ds->frame = ch->frame;
		return fs->released ? TCP_IGNORE : TCP_KEEP;
	}
	ds->ts = ch->ts_ns;
	ds->frame = ch->frame;
	if (ch->off == 0 && ds->st == D_DETECT && !fs->is_tls)
		tds_detect(fs, ch);
	ds->chunk_p = ch->data;
	ds->chunk_n = ch->len;
	ds->chunk_off = ch->off;
	if (fs->tds[ch->dir].on) {
		struct cursor in;
		struct span piece;
		cur_init(&in, ch->data, ch->len);
		while (!fs->released && tds_deframe_next(&fs->tds[ch->dir], &in, &piece))
			dir_input(d, fs, f, ch->dir, piece.p, piece.n);
	} else {
		dir_input(d, fs, f, ch->dir, ch->data, ch->len);
	}
	dir_trim(ds);
	ds->chunk_p = NULL;
	return fs->released ? TCP_IGNORE : TCP_KEEP;
}

static void settle(struct tls_dissector *d, struct flow_st *fs, struct tcp_flow *f, int why);

/* A released flow's session is concluded at once: a TLS session whose
 * handshake is over and whose data flowed has nothing more to show, and
 * a flow that is not TLS has no session. */
static enum tcp_verdict h_data(void *ctx, struct tcp_flow *f, const struct tcp_chunk *ch)
{
	struct tls_dissector *d = ctx;
	struct flow_st *fs = f->user;
	if (fs == NULL || fs->released)
		return TCP_IGNORE;
	enum tcp_verdict v = data_in(d, fs, f, ch);
	if (!fs->released)
		return v;
	settle(d, fs, f, -1);
	return TCP_IGNORE;
}

/* The stream ended: decode what a half-received message still shows. */
static void finish_dir(struct tls_dissector *d, struct flow_st *fs, int dir)
{
	struct dir_st *ds = &fs->d[dir];
	struct tls_session *s = fs->s;
	struct cursor c;
	uint8_t type;
	uint32_t len;
	cert_hole_done(fs, dir, 0);
	if (ds->hs.len == 0 || ds->hs_desync)
		return;
	cur_init(&c, ds->hs.p, ds->hs.len);
	if (cur_u8(&c, &type) != PE_OK || cur_u24(&c, &len) != PE_OK)
		return;
	int side = side_of(fs, dir);
	cut_message(d, fs, dir, type, len);
	(void)tls_note_msg(s, NOTE_TRUNCATED, side, len - (ds->hs.len - 4), ds->ts, ds->frame, type, len,
		       (uint32_t)(ds->hs.len - 4));
}

static void queue_unlink(struct tls_dissector *d, struct flow_st *fs)
{
	if (!fs->in_queue)
		return;
	if (fs->qprev)
		fs->qprev->qnext = fs->qnext;
	else
		d->qhead = fs->qnext;
	if (fs->qnext)
		fs->qnext->qprev = fs->qprev;
	else
		d->qtail = fs->qprev;
	fs->qprev = fs->qnext = NULL;
	fs->in_queue = 0;
	d->queued--;
}

static void flow_st_free(struct flow_st *fs)
{
	for (int i = 0; i < 2; i++) {
		dbuf_free(&fs->d[i].scan);
		dbuf_free(&fs->d[i].hs);
		dbuf_free(&fs->d[i].cert_before);
		dbuf_free(&fs->d[i].cert_after);
		free(fs->d[i].pend);
		fs->d[i].pend = NULL;
	}
	tls_decrypt_free(fs->dec);
	fs->dec = NULL;
	tls_session_free(fs->s);
	fs->s = fs->hc.s = NULL;
}

/* Hand over every concluded session at the head of the queue: a session
 * leaves once no flow that began before it may still become one. */
static void queue_drain(struct tls_dissector *d)
{
	while (d->qhead && d->qhead->settled) {
		struct flow_st *fs = d->qhead;
		struct tls_session *s = fs->s;
		queue_unlink(d, fs);
		d->st.waiting--;
		fs->s = NULL;
		s->id = ++d->next_id;
		d->emit(d->ctx, s);
		if (fs->flow_gone)
			free(fs);
	}
}

/*
 * The session of this flow is concluded (the handshake is over and data
 * flowed, or the flow closed: `why`, or -1 while it is still open), or
 * the flow turned out to hold none. Its session is filled from the flow
 * as it stands and waits in the queue for the flows that began before
 * it; the parsing state goes now.
 */
static void settle(struct tls_dissector *d, struct flow_st *fs, struct tcp_flow *f, int why)
{
	struct tls_session *s = fs->s;
	if (fs->settled)
		return;
	fs->settled = 1;
	int keep = fs->is_tls && (s->n_ladder > 0 || s->n_alerts > 0);
	retry_pending(d, fs, 0);
	retry_pending(d, fs, 1);
	if (keep) {
		finish_dir(d, fs, 0);
		finish_dir(d, fs, 1);
		int cd = fs->hc.client_dir < 0 ? 0 : fs->hc.client_dir;
		s->client = f->ep[cd];
		s->server = f->ep[1 - cd];
		s->file = xstrdup(d->file ? d->file : "");
		s->flow_id = f->id;
		s->start_ts = s->ch.present ? s->ch.ts_ns : s->ladder ? s->ladder[0].ts_ns : f->first_ts;
		s->end_ts = f->last_ts;
		s->first_frame = f->first_frame;
		s->last_frame = f->last_frame;
		s->flow_midstream = f->midstream;
		s->close_reason = why;
		uint64_t cut = f->d[0].st.snaplen_cut + f->d[1].st.snaplen_cut;
		if (cut)
			(void)tls_note_add(s, NOTE_SNAPLEN, -1, cut, f->last_ts, f->last_frame);
		/* Only when the stream's start is missing too (no TCP handshake,
		 * or a gap at offset 0): a hello cut short by the snaplen is not
		 * a late start. */
		if ((f->midstream || fs->began_with_gap) && !s->ch.present && !s->sh.present &&
		    s->n_ladder &&
		    !s->chain[1].present)
			(void)tls_note_add(s, NOTE_MIDSTREAM, -1, 0, f->first_ts, f->first_frame);
		d->st.sessions++;
		fs->s = NULL; /* the queue holds it */
		flow_st_free(fs);
		fs->s = s;
		if (++d->st.waiting > d->st.peak_waiting)
			d->st.peak_waiting = d->st.waiting;
		if (d->unordered) {
			/* Out of turn: the flow stays with its owner (h_close
			 * frees it, as it is no longer queued). */
			queue_unlink(d, fs);
			d->st.waiting--;
			fs->s = NULL;
			s->id = ++d->next_id;
			d->emit(d->ctx, s);
		}
	} else {
		if (fs->is_tls)
			d->st.sessions_without_handshake++;
		flow_st_free(fs);
		queue_unlink(d, fs);
	}
	queue_drain(d);
}

static void h_close(void *ctx, struct tcp_flow *f, enum tcp_close_reason why)
{
	struct tls_dissector *d = ctx;
	struct flow_st *fs = f->user;
	if (fs == NULL)
		return;
	f->user = NULL;
	settle(d, fs, f, (int)why);
	if (fs->in_queue)
		fs->flow_gone = 1; /* queue_drain frees it */
	else
		free(fs);
}

struct tls_dissector *tls_dissector_new(struct cert_cache *cache, const char *file,
					void (*emit)(void *ctx, struct tls_session *s), void *ctx)
{
	struct tls_dissector *d = xcalloc(1, sizeof *d);
	d->cache = cache;
	d->file = file ? xstrdup(file) : NULL;
	d->emit = emit;
	d->ctx = ctx;
	return d;
}

uint64_t tls_dissector_oldest_frame(const struct tls_dissector *d)
{
	return d->qhead ? d->qhead->first_frame : UINT64_MAX;
}

void tls_dissector_set_unordered(struct tls_dissector *d, int on)
{
	d->unordered = on;
}

struct tcp_handler tls_dissector_handler(struct tls_dissector *d)
{
	struct tcp_handler h = { d, h_open, h_data, h_close };
	return h;
}

const struct tls_stats *tls_dissector_stats(const struct tls_dissector *d)
{
	return &d->st;
}

void tls_dissector_set_keylog(struct tls_dissector *d, const struct keylog *keys)
{
	d->keys = keys;
}

void tls_dissector_add_secrets(struct tls_dissector *d, uint32_t type, const uint8_t *p, size_t n)
{
	if (type != TLS_SECRETS_KEYLOG)
		return;
	if (d->file_keys == NULL)
		d->file_keys = keylog_new();
	keylog_feed(d->file_keys, p, n);
	keylog_feed_end(d->file_keys);
}

void tls_dissector_free(struct tls_dissector *d)
{
	if (d == NULL)
		return;
	/* Sessions still waiting for a flow the TCP table never closed: the
	 * flows' states are the table's (their h_close frees them). */
	for (struct flow_st *fs = d->qhead, *next; fs; fs = next) {
		next = fs->qnext;
		queue_unlink(d, fs);
		if (fs->flow_gone) {
			flow_st_free(fs);
			free(fs);
		}
	}
	keylog_free(d->file_keys);
	free(d->file);
	free(d);
}

/*
 * keylog.c - the NSS key log parser and the store of secrets by client
 * random (see keylog.h for the format).
 *
 *   line    = *blank ( comment / entry / "" ) *blank [CR] LF
 *   entry   = label 1*blank random 1*blank secret
 *   random  = 64 HEXDIG           (ClientHello.random)
 *   secret  = 2*96 HEXDIG         (an even number)
 *
 * The store is an open-addressing hash table of indexes into an array of
 * entries, so lookups cost one hash of the 32-byte random.
 */
#include "dissect/keylog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/cursor.h"
#include "capture/xalloc.h"

struct keylog {
	struct keylog_entry *v;
	size_t n, cap;
	uint32_t *slots;  /* entry index + 1; 0 = empty */
	size_t nslots;	  /* a power of two, at least 2 * n */
	struct dbuf line; /* the line being gathered */
	int overlong;	  /* the current line passed KEYLOG_MAX_LINE */
	struct keylog_stats st;
};

static const char *const label_names[KL_COUNT] = {
	[KL_CLIENT_RANDOM] = "CLIENT_RANDOM",
	[KL_CLIENT_EARLY_TRAFFIC_SECRET] = "CLIENT_EARLY_TRAFFIC_SECRET",
	[KL_CLIENT_HANDSHAKE_TRAFFIC_SECRET] = "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
	[KL_SERVER_HANDSHAKE_TRAFFIC_SECRET] = "SERVER_HANDSHAKE_TRAFFIC_SECRET",
	[KL_CLIENT_TRAFFIC_SECRET_0] = "CLIENT_TRAFFIC_SECRET_0",
	[KL_SERVER_TRAFFIC_SECRET_0] = "SERVER_TRAFFIC_SECRET_0",
	[KL_EARLY_EXPORTER_SECRET] = "EARLY_EXPORTER_SECRET",
	[KL_EXPORTER_SECRET] = "EXPORTER_SECRET",
};

/* Labels other programs write that carry nothing we decrypt with. */
static const char *const unused_labels[] = { "RSA", "PMS_CLIENT_RANDOM" };

const char *keylog_label_name(enum keylog_label l)
{
	return (unsigned)l < KL_COUNT ? label_names[l] : "unknown";
}

struct keylog *keylog_new(void)
{
	struct keylog *kl = xcalloc(1, sizeof *kl);
	dbuf_init(&kl->line, KEYLOG_MAX_LINE);
	return kl;
}

void keylog_free(struct keylog *kl)
{
	if (kl == NULL)
		return;
	/* Secrets are not left behind in freed memory. */
	if (kl->v)
		explicit_bzero(kl->v, kl->cap * sizeof *kl->v);
	if (kl->line.p)
		explicit_bzero(kl->line.p, kl->line.cap);
	free(kl->v);
	free(kl->slots);
	dbuf_free(&kl->line);
	free(kl);
}

size_t keylog_sessions(const struct keylog *kl)
{
	return kl ? kl->n : 0;
}

const struct keylog_stats *keylog_stats(const struct keylog *kl)
{
	return &kl->st;
}

/* FNV-1a over the random: the randoms are random, except in a key log
 * made to hurt, and the session cap bounds what that can cost. */
static size_t hash_random(const uint8_t r[KEYLOG_RANDOM_LEN])
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < KEYLOG_RANDOM_LEN; i++) {
		h ^= r[i];
		h *= 0x100000001b3ull;
	}
	return (size_t)(h ^ (h >> 32));
}

/* The slot holding `r`, or the empty slot where it would go. */
static size_t slot_of(const struct keylog *kl, const uint8_t r[KEYLOG_RANDOM_LEN])
{
	size_t mask = kl->nslots - 1, i = hash_random(r) & mask;
	struct span want = { r, KEYLOG_RANDOM_LEN };
	while (kl->slots[i]) {
		struct span have = { kl->v[kl->slots[i] - 1].client_random, KEYLOG_RANDOM_LEN };
		if (span_eq(have, want))
			break;
		i = (i + 1) & mask;
	}
	return i;
}

static void rehash(struct keylog *kl, size_t nslots)
{
	free(kl->slots);
	kl->slots = xcalloc(nslots, sizeof *kl->slots);
	kl->nslots = nslots;
	for (size_t k = 0; k < kl->n; k++)
		kl->slots[slot_of(kl, kl->v[k].client_random)] = (uint32_t)(k + 1);
}

const struct keylog_entry *keylog_find(const struct keylog *kl,
				       const uint8_t client_random[KEYLOG_RANDOM_LEN])
{
	if (kl == NULL || kl->n == 0)
		return NULL;
	size_t i = slot_of(kl, client_random);
	return kl->slots[i] ? &kl->v[kl->slots[i] - 1] : NULL;
}

/* The entry for `r`, made if new; NULL once the store is full. */
static struct keylog_entry *entry_for(struct keylog *kl, const uint8_t r[KEYLOG_RANDOM_LEN])
{
	if (kl->nslots == 0)
		rehash(kl, 64);
	size_t i = slot_of(kl, r);
	if (kl->slots[i])
		return &kl->v[kl->slots[i] - 1];
	if (kl->n >= KEYLOG_MAX_SESSIONS)
		return NULL;
	if (kl->n == kl->cap) {
		kl->cap = kl->cap ? kl->cap * 2 : 16;
		kl->v = xreallocarray(kl->v, kl->cap, sizeof *kl->v);
	}
	struct keylog_entry *e = &kl->v[kl->n];
	memset(e, 0, sizeof *e);
	memcpy(e->client_random, r, KEYLOG_RANDOM_LEN); /* lint: ok: decoded hex */
	kl->n++;
	if (kl->n * 2 > kl->nslots)
		rehash(kl, kl->nslots * 2);
	else
		kl->slots[i] = (uint32_t)kl->n;
	return e;
}

/* ---- one line ---- */

static int is_blank(uint8_t b)
{
	return b == ' ' || b == '\t';
}

static void skip_blanks(struct cursor *c)
{
	uint8_t b;
	while (cur_peek_u8(c, 0, &b) == PE_OK && is_blank(b))
		if (cur_skip(c, 1) != PE_OK)
			return;
}

/* The next run of non-blank bytes. */
static struct span token(struct cursor *c)
{
	size_t n = 0;
	uint8_t b;
	struct span t = { NULL, 0 };
	while (cur_peek_u8(c, n, &b) == PE_OK && !is_blank(b))
		n++;
	if (cur_bytes(c, n, &t) != PE_OK)
		t.n = 0;
	return t;
}

static int hexval(uint8_t ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Hex digits to bytes; exactly `t.n / 2` bytes, at most `max`. */
static PE_MUST_USE enum parse_err unhex(struct span t, uint8_t *out, size_t max, size_t *len)
{
	struct cursor c;
	size_t k = 0;
	if (t.n == 0 || t.n % 2 || t.n / 2 > max)
		return PE_MALFORMED;
	cur_init(&c, t.p, t.n);
	while (cur_left(&c)) {
		uint8_t hi, lo;
		TRY(cur_u8(&c, &hi));
		TRY(cur_u8(&c, &lo));
		int h = hexval(hi), l = hexval(lo);
		if (h < 0 || l < 0)
			return PE_MALFORMED;
		out[k++] = (uint8_t)(h << 4 | l);
	}
	*len = k;
	return PE_OK;
}

static int span_is(struct span t, const char *s)
{
	struct span w = { (const uint8_t *)s, strlen(s) };
	return span_eq(t, w);
}

static void junk(struct keylog *kl)
{
	kl->st.junk++;
	if (kl->st.first_junk_line == 0)
		kl->st.first_junk_line = kl->st.lines;
}

static void parse_line(struct keylog *kl, struct span line)
{
	struct cursor c;
	uint8_t b;
	kl->st.lines++;
	/* A CR before the LF (files written on Windows) is no part of it. */
	cur_init(&c, line.p, line.n);
	if (line.n && cur_peek_u8(&c, line.n - 1, &b) == PE_OK && b == '\r')
		cur_init(&c, line.p, line.n - 1);
	skip_blanks(&c);
	if (cur_left(&c) == 0 || (cur_peek_u8(&c, 0, &b) == PE_OK && b == '#'))
		return;
	struct span label = token(&c);
	skip_blanks(&c);
	struct span rnd = token(&c);
	skip_blanks(&c);
	struct span sec = token(&c);
	skip_blanks(&c);
	int which = -1;
	for (int l = 0; l < KL_COUNT; l++)
		if (span_is(label, label_names[l]))
			which = l;
	if (which < 0) {
		for (size_t i = 0; i < sizeof unused_labels / sizeof unused_labels[0]; i++)
			if (span_is(label, unused_labels[i]) && sec.n) {
				kl->st.unused++;
				return;
			}
		junk(kl);
		return;
	}
	uint8_t r[KEYLOG_RANDOM_LEN], s[KEYLOG_MAX_SECRET];
	size_t rl = 0, sl = 0;
	if (cur_left(&c) != 0 || unhex(rnd, r, sizeof r, &rl) != PE_OK || rl != sizeof r ||
	    unhex(sec, s, sizeof s, &sl) != PE_OK || (which == KL_CLIENT_RANDOM && sl != 48) ||
	    (which != KL_CLIENT_RANDOM && sl < 32)) {
		junk(kl);
		return;
	}
	struct keylog_entry *e = entry_for(kl, r);
	if (e == NULL) {
		kl->st.over_limit++;
		return;
	}
	struct keylog_secret *ks = &e->s[which];
	struct span had = { ks->v, ks->len }, now = { s, sl };
	if (ks->len && !span_eq(had, now))
		kl->st.conflicts++;
	ks->len = (uint8_t)sl;
	memcpy(ks->v, s, sl); /* lint: ok: decoded hex */
	kl->st.secrets++;
}

/* ---- text in pieces ---- */

static void end_line(struct keylog *kl)
{
	if (kl->overlong) {
		kl->st.lines++;
		junk(kl);
	} else {
		struct span l = { kl->line.p, kl->line.len };
		parse_line(kl, l);
	}
	kl->overlong = 0;
	dbuf_reset(&kl->line);
}

void keylog_feed(struct keylog *kl, const uint8_t *p, size_t n)
{
	struct cursor c;
	cur_init(&c, p, n);
	while (cur_left(&c)) {
		size_t k = 0;
		uint8_t b = 0;
		while (cur_peek_u8(&c, k, &b) == PE_OK && b != '\n')
			k++;
		struct span piece;
		if (cur_bytes(&c, k, &piece) != PE_OK)
			return;
		if (!kl->overlong && dbuf_add(&kl->line, piece.p, piece.n) != 0)
			kl->overlong = 1;
		if (cur_left(&c) == 0)
			return;		      /* the line goes on in the next piece */
		if (cur_skip(&c, 1) != PE_OK) /* the LF */
			return;
		end_line(kl);
	}
}

void keylog_feed_end(struct keylog *kl)
{
	if (kl->line.len || kl->overlong)
		end_line(kl);
}

int keylog_load_file(struct keylog *kl, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	uint8_t buf[65536];
	int rc = 0;
	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open key log: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got = fread(buf, 1, sizeof buf, f);
		keylog_feed(kl, buf, got);
		if (got < sizeof buf)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: cannot read key log: %s", path, strerror(errno));
		rc = -1;
	}
	keylog_feed_end(kl);
	fclose(f);
	explicit_bzero(buf, sizeof buf);
	return rc;
}

/*
 * summary.c - the aggregate over a whole run (rules/summary.h).
 *
 * A batch feeds one analysis at a time (in input order) and frees it right
 * after, so everything kept here is a copy. Unique certificates are found
 * through a private open-addressing hash table keyed by SHA-256; the file
 * and endpoint lists of each certificate are deduplicated through a second
 * table keyed by (certificate, kind, string), so a root CA seen in ten
 * thousand files costs ten thousand entries, not ten thousand squared
 * comparisons.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "rules/facts.h"
#include "rules/summary.h"

/* ------------------------------------------------------------ hash set */

/* FNV-1a over a byte string, folded with a seed (the certificate index). */
static uint64_t hash_bytes(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *b = p;
	uint64_t h = 1469598103934665603ULL ^ (seed * 0x9e3779b97f4a7c15ULL);
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Slot of the certificate table: index + 1 into s->certs (0 = empty). */
struct cert_table {
	size_t *slot;
	size_t cap; /* power of two */
};

/* Set of (cert index, kind, text) that were already added to a list. */
struct pair_entry {
	uint64_t hash;
	size_t cert;
	int kind;
	char *text; /* NULL = empty slot */
};
struct pair_table {
	struct pair_entry *e;
	size_t n, cap;
};

struct summary_priv {
	struct cert_table certs;
	struct pair_table pairs;
};

static size_t cert_lookup(const struct run_summary *s, const struct cert_table *t, const char *hex,
			  int *found)
{
	uint64_t h = hash_bytes(hex, 64, 0);
	size_t mask = t->cap - 1, i = (size_t)h & mask;
	for (;;) {
		size_t v = t->slot[i];
		if (v == 0) {
			*found = 0;
			return i;
		}
		if (memcmp(s->certs[v - 1].sha256_hex, hex, 64) == 0) {
			*found = 1;
			return i;
		}
		i = (i + 1) & mask;
	}
}

static void cert_table_rebuild(struct run_summary *s, struct cert_table *t, size_t cap)
{
	free(t->slot);
	t->cap = cap;
	t->slot = xcalloc(cap, sizeof(*t->slot));
	for (size_t k = 0; k < s->n_certs; k++) {
		int found;
		size_t i = cert_lookup(s, t, s->certs[k].sha256_hex, &found);
		t->slot[i] = k + 1;
	}
}

/* Is (cert, kind, text) remembered? */
static int pair_known(const struct pair_table *t, size_t cert, int kind, const char *text)
{
	if (t->cap == 0)
		return 0;
	uint64_t h = hash_bytes(text, strlen(text), (uint64_t)cert * 2 + (uint64_t)kind + 1);
	for (size_t i = (size_t)h & (t->cap - 1); t->e[i].text; i = (i + 1) & (t->cap - 1))
		if (t->e[i].hash == h && t->e[i].cert == cert && t->e[i].kind == kind &&
		    strcmp(t->e[i].text, text) == 0)
			return 1;
	return 0;
}

/* Returns 1 when (cert, kind, text) is new (and remembers it), 0 if seen. */
static int pair_add(struct pair_table *t, size_t cert, int kind, const char *text)
{
	if ((t->n + 1) * 2 > t->cap) {
		struct pair_entry *old = t->e;
		size_t oldcap = t->cap;
		t->cap = oldcap ? oldcap * 2 : 64;
		t->e = xcalloc(t->cap, sizeof(*t->e));
		for (size_t k = 0; k < oldcap; k++) {
			if (!old[k].text)
				continue;
			size_t i = (size_t)old[k].hash & (t->cap - 1);
			while (t->e[i].text)
				i = (i + 1) & (t->cap - 1);
			t->e[i] = old[k];
		}
		free(old);
	}
	uint64_t h = hash_bytes(text, strlen(text), (uint64_t)cert * 2 + (uint64_t)kind + 1);
	size_t i = (size_t)h & (t->cap - 1);
	while (t->e[i].text) {
		if (t->e[i].hash == h && t->e[i].cert == cert && t->e[i].kind == kind &&
		    strcmp(t->e[i].text, text) == 0)
			return 0;
		i = (i + 1) & (t->cap - 1);
	}
	t->e[i].hash = h;
	t->e[i].cert = cert;
	t->e[i].kind = kind;
	t->e[i].text = xstrdup(text);
	t->n++;
	return 1;
}

/* ------------------------------------------------------------ summary */

void summary_init(struct run_summary *s, time_t now, int expiring_days)
{
	memset(s, 0, sizeof(*s));
	s->now = now;
	s->expiring_days = expiring_days;
	s->max_certs = SUMMARY_MAX_CERTS;
	struct summary_priv *p = xcalloc(1, sizeof(*p));
	p->certs.cap = 256;
	p->certs.slot = xcalloc(p->certs.cap, sizeof(*p->certs.slot));
	s->index = p;
}

static void add_bad(struct run_summary *s, const char *path, const char *msg)
{
	struct bad_file b = { xstrdup(path ? path : "(unnamed)"),
			      xstrdup(msg && *msg ? msg : "could not be read") };
	VEC_PUSH(s->bad, s->n_bad, s->cap_bad, b);
}

static void count_finding(struct run_summary *s, const char *id)
{
	if (!id)
		id = "unknown";
	for (size_t i = 0; i < s->n_findings; i++) {
		if (s->findings[i].id == id || strcmp(s->findings[i].id, id) == 0) {
			s->findings[i].count++;
			return;
		}
	}
	struct id_count c = { id, 1 };
	VEC_PUSH(s->findings, s->n_findings, s->cap_findings, c);
}

static char *dup_or_null(const char *p)
{
	return p ? xstrdup(p) : NULL;
}

/* The certificate's entry, made when new; SIZE_MAX when it is new and
 * the table is full. */
static size_t cert_entry(struct run_summary *s, const struct cert_info *ci)
{
	struct summary_priv *p = s->index;
	int found;
	size_t slot = cert_lookup(s, &p->certs, ci->sha256_hex, &found);
	if (found)
		return p->certs.slot[slot] - 1;
	if (s->max_certs && s->n_certs >= s->max_certs)
		return SIZE_MAX;

	struct seen_cert c;
	memset(&c, 0, sizeof(c));
	memcpy(c.sha256_hex, ci->sha256_hex, 64);
	c.sha256_hex[64] = '\0';
	c.parse_ok = ci->parse_ok;
	if (ci->parse_ok) {
		c.subject = dup_or_null(ci->subject.rfc4514);
		c.issuer = dup_or_null(ci->issuer.rfc4514);
		c.serial_hex = dup_or_null(ci->serial_hex);
		c.not_before = ci->not_before;
		c.not_after = ci->not_after;
		c.not_after_bad = ci->not_after_bad;
		/* A notAfter that does not parse is never "expired in 1970". */
		c.days_to_expiry = ci->not_after_bad ? LONG_MAX
						     : days_between(s->now, ci->not_after);
	} else {
		/* Nothing to judge: never "expiring" (views check parse_ok). */
		c.days_to_expiry = LONG_MAX;
	}
	c.first_seen_ns = INT64_MAX;
	c.last_seen_ns = INT64_MIN;
	VEC_PUSH(s->certs, s->n_certs, s->cap_certs, c);
	if (s->n_certs * 2 > p->certs.cap)
		cert_table_rebuild(s, &p->certs, p->certs.cap * 2);
	else
		p->certs.slot[slot] = s->n_certs;
	return s->n_certs - 1;
}

static void push_str(char ***v, size_t *n, const char *str)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = xstrdup(str);
}

void summary_add_session(struct run_summary *s, const struct session_report *r, const char *file)
{
	struct summary_priv *p = s->index;
	const struct tls_session *ss = r->s;

	s->sessions++;
	if ((unsigned)r->verdict < VERDICT__COUNT)
		s->by_verdict[r->verdict]++;
	for (size_t i = 0; i < r->nf; i++)
		count_finding(s, r->f[i].id);
	if (!ss)
		return;

	/* The same certificate in both chains of one session counts once. */
	size_t counted[2 * 64], n_counted = 0; /* a chain holds at most 64 (tls_cert.c) */
	for (int side = 0; side < 2; side++) {
		const struct tls_chain *ch = &ss->chain[side];
		const struct endpoint *ep = side == SIDE_CLIENT ? &ss->client : &ss->server;
		char epbuf[96];
		endpoint_str(ep, epbuf, sizeof(epbuf));
		int64_t ts = ch->ts_ns ? ch->ts_ns : ss->start_ts;
		for (size_t i = 0; i < ch->n; i++) {
			const struct cert_info *ci = ch->certs[i];
			if (!ci)
				continue;
			size_t k = cert_entry(s, ci);
			if (k == SIZE_MAX) {
				s->certs_unlisted++;
				continue;
			}
			struct seen_cert *c = &s->certs[k];
			if (file && pair_add(&p->pairs, k, 0, file))
				push_str(&c->files, &c->n_files, file);
			if (c->n_endpoints < SUMMARY_ENDPOINTS) {
				if (pair_add(&p->pairs, k, 1, epbuf))
					push_str(&c->endpoints, &c->n_endpoints, epbuf);
			} else if (!pair_known(&p->pairs, k, 1, epbuf)) {
				c->endpoints_unlisted++;
			}
			if (ts < c->first_seen_ns)
				c->first_seen_ns = ts;
			if (ts > c->last_seen_ns)
				c->last_seen_ns = ts;
			int dup = 0;
			for (size_t j = 0; j < n_counted; j++)
				dup |= counted[j] == k;
			if (!dup) {
				c->sessions++;
				if (n_counted < sizeof counted / sizeof counted[0])
					counted[n_counted++] = k;
			}
		}
	}
}

void summary_add_file(struct run_summary *s, const struct file_report *f)
{
	s->files++;
	s->bytes += f->cap.bytes_read;
	if (!f->ok) {
		add_bad(s, f->path, f->cap.message);
	} else if (f->cap.status != SRC_EOF && f->cap.status != SRC_OK) {
		/* Opened, but damaged: the sessions before the damage count,
		 * and the file is named among the bad ones. */
		s->files_partial++;
		add_bad(s, f->path, f->cap.message);
	} else {
		s->files_ok++;
	}
}

void summary_add_store(struct run_summary *s, const struct session_report *store)
{
	if (s->store_added)
		return;
	s->store_added = 1;
	for (size_t i = 0; i < store->nf; i++) {
		const struct finding *f = &store->f[i];
		report_add(&s->store, f->id, f->sev, f->side, f->cert, f->basis, f->field, f->frame,
			   f->message, f->advice);
		count_finding(s, f->id);
	}
}

void summary_add(struct run_summary *s, const struct analysis *a)
{
	for (size_t fi = 0; fi < a->n_files; fi++) {
		const struct file_report *f = &a->files[fi];
		for (size_t k = 0; k < f->n_sessions; k++) {
			size_t si = f->first_session + k;
			if (si < a->n_sessions && a->sessions[si])
				summary_add_session(s, a->sessions[si], f->path);
		}
		summary_add_file(s, f);
	}
	summary_add_store(s, &a->store_report);
}

static int cmp_id(const void *x, const void *y)
{
	const struct id_count *a = x, *b = y;
	return strcmp(a->id, b->id);
}

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Soonest expiry first (unparseable certificates last), then subject. */
static int cmp_cert(const void *x, const void *y)
{
	const struct seen_cert *a = x, *b = y;
	if (a->parse_ok != b->parse_ok)
		return a->parse_ok ? -1 : 1;
	if (a->parse_ok && a->not_after != b->not_after)
		return a->not_after < b->not_after ? -1 : 1;
	int c = cmp_str(a->subject, b->subject);
	return c ? c : strcmp(a->sha256_hex, b->sha256_hex);
}

static int cmp_pstr(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

void summary_finish(struct run_summary *s)
{
	struct summary_priv *p = s->index;
	if (s->n_findings)
		qsort(s->findings, s->n_findings, sizeof(*s->findings), cmp_id);
	for (size_t i = 0; i < s->n_certs; i++) {
		struct seen_cert *c = &s->certs[i];
		if (c->first_seen_ns == INT64_MAX)
			c->first_seen_ns = c->last_seen_ns = 0;
		if (c->n_endpoints > 1)
			qsort(c->endpoints, c->n_endpoints, sizeof(char *), cmp_pstr);
	}
	if (s->n_certs)
		qsort(s->certs, s->n_certs, sizeof(*s->certs), cmp_cert);
	/* The order changed: the table points at new places. The pair set is
	 * keyed by the old indices and is of no more use. */
	if (p) {
		cert_table_rebuild(s, &p->certs, p->certs.cap);
		for (size_t i = 0; i < p->pairs.cap; i++)
			free(p->pairs.e[i].text);
		free(p->pairs.e);
		memset(&p->pairs, 0, sizeof(p->pairs));
	}
}

void summary_free(struct run_summary *s)
{
	if (!s)
		return;
	struct summary_priv *p = s->index;
	for (size_t i = 0; i < s->n_bad; i++) {
		free(s->bad[i].path);
		free(s->bad[i].message);
	}
	free(s->bad);
	free(s->findings);
	for (size_t i = 0; i < s->n_certs; i++) {
		struct seen_cert *c = &s->certs[i];
		free(c->subject);
		free(c->issuer);
		free(c->serial_hex);
		for (size_t k = 0; k < c->n_files; k++)
			free(c->files[k]);
		free(c->files);
		for (size_t k = 0; k < c->n_endpoints; k++)
			free(c->endpoints[k]);
		free(c->endpoints);
	}
	free(s->certs);
	session_report_free(&s->store);
	if (p) {
		free(p->certs.slot);
		for (size_t i = 0; i < p->pairs.cap; i++)
			free(p->pairs.e[i].text);
		free(p->pairs.e);
		free(p);
	}
	memset(s, 0, sizeof(*s));
}

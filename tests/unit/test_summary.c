/*
 * test_summary.c - rules/summary.c over hand-built analyses: counts by
 * verdict and finding id, unique certificates with their files, endpoints,
 * sessions and days to expiry, bad and damaged files, ordering, and growth
 * past the hash tables' first sizes.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "rules/summary.h"
#include "t.h"

static const time_t NOW = 1767225600; /* 2026-01-01T00:00:00Z */
#define DAY 86400

/* ------------------------------------------------ hand-built model */

static struct cert_info *mk_cert(const char *name, time_t not_after, int parse_ok)
{
	struct cert_info *c = xcalloc(1, sizeof(*c));
	/* A fake but distinct "SHA-256": the name, hex-encoded, padded. */
	memset(c->sha256_hex, '0', 64);
	for (size_t i = 0; name[i] && i < 32; i++)
		snprintf(c->sha256_hex + 2 * i, 3, "%02x", (unsigned char)name[i]);
	c->sha256_hex[64] = '\0';
	c->parse_ok = parse_ok;
	if (parse_ok) {
		c->subject.rfc4514 = xasprintf("CN=%s", name);
		c->issuer.rfc4514 = xstrdup("CN=Issuer");
		c->serial_hex = xstrdup("01");
		c->not_before = NOW - 365 * DAY;
		c->not_after = not_after;
	}
	return c;
}

static void free_cert(struct cert_info *c)
{
	free(c->subject.rfc4514);
	free(c->issuer.rfc4514);
	free(c->serial_hex);
	free(c);
}

static struct endpoint ep4(uint8_t last, uint16_t port)
{
	struct endpoint e;
	memset(&e, 0, sizeof(e));
	e.family = 4;
	e.addr[0] = 10;
	e.addr[1] = 48;
	e.addr[2] = 0;
	e.addr[3] = last;
	e.port = port;
	return e;
}

static void set_chain(struct tls_session *s, int side, struct cert_info **certs, size_t n,
		      int64_t ts)
{
	s->chain[side].present = 1;
	s->chain[side].complete = 1;
	s->chain[side].n = n;
	s->chain[side].certs = xcalloc(n ? n : 1, sizeof(*certs));
	for (size_t i = 0; i < n; i++)
		s->chain[side].certs[i] = certs[i];
	s->chain[side].ts_ns = ts;
}

static struct session_report *mk_session(const char *file, uint8_t srv, enum verdict v)
{
	struct session_report *r = xcalloc(1, sizeof(*r));
	r->s = xcalloc(1, sizeof(*r->s));
	r->s->file = xstrdup(file);
	r->s->client = ep4(1, 50000);
	r->s->server = ep4(srv, 7001);
	r->verdict = v;
	return r;
}

static void add_finding(struct session_report *r, const char *id, enum severity sev)
{
	struct finding f;
	memset(&f, 0, sizeof(f));
	f.id = id;
	f.sev = sev;
	f.side = -1;
	f.cert = -1;
	VEC_PUSH(r->f, r->nf, r->cap_f, f);
}

static void free_session(struct session_report *r)
{
	for (int side = 0; side < 2; side++)
		free(r->s->chain[side].certs);
	free(r->s->file);
	free(r->s);
	free(r->f);
	free(r);
}

static void add_file(struct analysis *a, const char *path, int ok, enum src_status st,
		     const char *msg, uint64_t bytes)
{
	struct file_report f;
	memset(&f, 0, sizeof(f));
	f.path = xstrdup(path);
	f.ok = ok;
	f.cap.status = st;
	f.cap.bytes_read = bytes;
	snprintf(f.cap.message, sizeof(f.cap.message), "%s", msg);
	f.first_session = a->n_sessions;
	VEC_PUSH(a->files, a->n_files, a->cap_files, f);
}

static void add_sess(struct analysis *a, struct session_report *r)
{
	VEC_PUSH(a->sessions, a->n_sessions, a->cap_sessions, r);
	a->files[a->n_files - 1].n_sessions++;
}

static void free_analysis(struct analysis *a)
{
	for (size_t i = 0; i < a->n_files; i++)
		free(a->files[i].path);
	free(a->files);
	for (size_t i = 0; i < a->n_sessions; i++)
		free_session(a->sessions[i]);
	free(a->sessions);
	free(a->store_report.f);
	memset(a, 0, sizeof(*a));
}

static const struct seen_cert *find_cert(const struct run_summary *s, const char *subject)
{
	for (size_t i = 0; i < s->n_certs; i++)
		if (s->certs[i].subject && strcmp(s->certs[i].subject, subject) == 0)
			return &s->certs[i];
	return NULL;
}

static uint64_t count_of(const struct run_summary *s, const char *id)
{
	for (size_t i = 0; i < s->n_findings; i++)
		if (strcmp(s->findings[i].id, id) == 0)
			return s->findings[i].count;
	return 0;
}

/* ------------------------------------------------ tests */

static void test_basic(void)
{
	struct cert_info *leaf = mk_cert("leaf", NOW + 10 * DAY, 1);
	struct cert_info *inter = mk_cert("inter", NOW - 5 * DAY, 1);
	struct cert_info *root = mk_cert("root", NOW + 3650 * DAY, 1);
	struct cert_info *junk = mk_cert("junk", 0, 0);
	struct analysis a1, a2;
	struct run_summary s;
	memset(&a1, 0, sizeof(a1));
	memset(&a2, 0, sizeof(a2));

	/* Analysis 1: one good file with two sessions, one unreadable file. */
	add_file(&a1, "one.pcap", 1, SRC_EOF, "", 1000);
	struct session_report *r1 = mk_session("one.pcap", 101, VERDICT_FAILED);
	struct cert_info *c1[] = { leaf, inter };
	set_chain(r1->s, SIDE_SERVER, c1, 2, 2000);
	set_chain(r1->s, SIDE_CLIENT, c1, 1, 3000); /* the leaf again, other side */
	add_finding(r1, "unknown_ca", SEV_ERROR);
	add_finding(r1, "expired", SEV_ERROR);
	add_sess(&a1, r1);
	struct session_report *r2 = mk_session("one.pcap", 101, VERDICT_OK);
	struct cert_info *c2[] = { leaf, root };
	set_chain(r2->s, SIDE_SERVER, c2, 2, 1000);
	add_sess(&a1, r2);
	add_file(&a1, "garbage.pcap", 0, SRC_ERROR, "not a pcap or pcapng file", 0);
	struct finding sf;
	memset(&sf, 0, sizeof(sf));
	sf.id = "trust_store_shadowing";
	VEC_PUSH(a1.store_report.f, a1.store_report.nf, a1.store_report.cap_f, sf);

	/* Analysis 2: a truncated file with one session before the cut. */
	add_file(&a2, "dir/two.pcap", 1, SRC_TRUNCATED, "truncated at byte 4242", 4242);
	struct session_report *r3 = mk_session("dir/two.pcap", 102, VERDICT_WARNING);
	struct cert_info *c3[] = { inter, junk };
	set_chain(r3->s, SIDE_SERVER, c3, 2, 5000);
	add_finding(r3, "expiring_soon", SEV_WARNING);
	add_finding(r3, "expired", SEV_ERROR);
	add_sess(&a2, r3);
	VEC_PUSH(a2.store_report.f, a2.store_report.nf, a2.store_report.cap_f, sf);
	add_file(&a2, "empty.pcap", 0, SRC_ERROR, "", 0);

	summary_init(&s, NOW, 30);
	summary_add(&s, &a1);
	free_analysis(&a1); /* the summary keeps copies */
	summary_add(&s, &a2);
	free_analysis(&a2);
	summary_finish(&s);

	CHECK_EQ_INT(s.files, 4);
	CHECK_EQ_INT(s.files_ok, 1);
	CHECK_EQ_INT(s.files_partial, 1);
	CHECK_EQ_INT(s.bytes, 5242);
	CHECK_EQ_INT(s.n_bad, 3);
	if (s.n_bad == 3) {
		CHECK_EQ_STR(s.bad[0].path, "garbage.pcap");
		CHECK_EQ_STR(s.bad[0].message, "not a pcap or pcapng file");
		CHECK_EQ_STR(s.bad[1].path, "dir/two.pcap");
		CHECK_EQ_STR(s.bad[1].message, "truncated at byte 4242");
		CHECK_EQ_STR(s.bad[2].path, "empty.pcap");
		CHECK(s.bad[2].message && s.bad[2].message[0]); /* never empty */
	}
	CHECK_EQ_INT(s.sessions, 3);
	CHECK_EQ_INT(s.by_verdict[VERDICT_OK], 1);
	CHECK_EQ_INT(s.by_verdict[VERDICT_WARNING], 1);
	CHECK_EQ_INT(s.by_verdict[VERDICT_FAILED], 1);
	CHECK_EQ_INT(s.by_verdict[VERDICT_INCOMPLETE], 0);

	/* Findings by id, sorted, the trust store lint counted once. */
	CHECK_EQ_INT(s.n_findings, 4);
	if (s.n_findings == 4) {
		CHECK_EQ_STR(s.findings[0].id, "expired");
		CHECK_EQ_STR(s.findings[1].id, "expiring_soon");
		CHECK_EQ_STR(s.findings[2].id, "trust_store_shadowing");
		CHECK_EQ_STR(s.findings[3].id, "unknown_ca");
	}
	CHECK_EQ_INT(count_of(&s, "expired"), 2);
	CHECK_EQ_INT(count_of(&s, "unknown_ca"), 1);
	CHECK_EQ_INT(count_of(&s, "trust_store_shadowing"), 1);

	/* Unique certificates, soonest expiry first, unparseable last. */
	CHECK_EQ_INT(s.n_certs, 4);
	if (s.n_certs == 4) {
		CHECK_EQ_STR(s.certs[0].subject, "CN=inter");
		CHECK_EQ_STR(s.certs[1].subject, "CN=leaf");
		CHECK_EQ_STR(s.certs[2].subject, "CN=root");
		CHECK(s.certs[3].subject == NULL);
		CHECK_EQ_INT(s.certs[3].parse_ok, 0);
		CHECK_EQ_INT(s.certs[3].days_to_expiry, LONG_MAX);
		CHECK_EQ_STR(s.certs[3].sha256_hex, junk->sha256_hex);
	}
	const struct seen_cert *c = find_cert(&s, "CN=leaf");
	CHECK(c != NULL);
	if (c) {
		CHECK_EQ_INT(c->sessions, 2); /* both sides of r1 count once */
		CHECK_EQ_INT(c->n_files, 1);
		CHECK_EQ_STR(c->files[0], "one.pcap");
		CHECK_EQ_INT(c->n_endpoints, 2); /* as client and as server */
		if (c->n_endpoints == 2) {
			CHECK_EQ_STR(c->endpoints[0], "10.48.0.101:7001"); /* strcmp order */
			CHECK_EQ_STR(c->endpoints[1], "10.48.0.1:50000");
		}
		CHECK_EQ_INT(c->first_seen_ns, 1000);
		CHECK_EQ_INT(c->last_seen_ns, 3000);
		CHECK_EQ_INT(c->days_to_expiry, 10);
		CHECK_EQ_STR(c->issuer, "CN=Issuer");
		CHECK_EQ_STR(c->serial_hex, "01");
		CHECK_EQ_INT(c->not_after, NOW + 10 * DAY);
	}
	c = find_cert(&s, "CN=inter");
	CHECK(c != NULL);
	if (c) {
		CHECK_EQ_INT(c->sessions, 2);
		CHECK_EQ_INT(c->n_files, 2);
		CHECK_EQ_INT(c->n_endpoints, 2);
		CHECK_EQ_INT(c->days_to_expiry, -5); /* expired: negative */
		CHECK_EQ_INT(c->first_seen_ns, 2000);
		CHECK_EQ_INT(c->last_seen_ns, 5000);
	}
	c = find_cert(&s, "CN=root");
	CHECK(c && c->days_to_expiry == 3650 && c->sessions == 1);

	summary_free(&s);
	free_cert(leaf);
	free_cert(inter);
	free_cert(root);
	free_cert(junk);
}

/* Days are floored: 5 hours left is day 0, 5 hours ago is day -1. */
static void test_days_floor(void)
{
	struct cert_info *soon = mk_cert("soon", NOW + 5 * 3600, 1);
	struct cert_info *gone = mk_cert("gone", NOW - 5 * 3600, 1);
	struct analysis a;
	struct run_summary s;
	memset(&a, 0, sizeof(a));
	add_file(&a, "f.pcap", 1, SRC_EOF, "", 1);
	struct session_report *r = mk_session("f.pcap", 1, VERDICT_OK);
	struct cert_info *ch[] = { soon, gone };
	set_chain(r->s, SIDE_SERVER, ch, 2, 1);
	add_sess(&a, r);
	summary_init(&s, NOW, 30);
	summary_add(&s, &a);
	summary_finish(&s);
	CHECK_EQ_INT(s.n_certs, 2);
	if (s.n_certs == 2) {
		CHECK_EQ_STR(s.certs[0].subject, "CN=gone");
		CHECK_EQ_INT(s.certs[0].days_to_expiry, -1);
		CHECK_EQ_STR(s.certs[1].subject, "CN=soon");
		CHECK_EQ_INT(s.certs[1].days_to_expiry, 0);
	}
	summary_free(&s);
	free_analysis(&a);
	free_cert(soon);
	free_cert(gone);
}

/* Many certificates and one certificate in many files: the tables grow
 * and deduplication still holds. */
static void test_growth(void)
{
	enum { NCERT = 1500, NFILE = 400 };
	struct cert_info **certs = xcalloc(NCERT, sizeof(*certs));
	struct cert_info *shared = mk_cert("shared-root", NOW + 100 * DAY, 1);
	struct run_summary s;
	summary_init(&s, NOW, 30);
	for (size_t i = 0; i < NCERT; i++) {
		char name[32];
		snprintf(name, sizeof(name), "c%zu", i);
		certs[i] = mk_cert(name, NOW + (time_t)(i % 50) * DAY, 1);
	}
	for (size_t f = 0; f < NFILE; f++) {
		struct analysis a;
		char path[32];
		memset(&a, 0, sizeof(a));
		snprintf(path, sizeof(path), "f%03zu.pcap", f);
		add_file(&a, path, 1, SRC_EOF, "", 10);
		/* Two sessions per file from the same server: one file entry,
		 * one endpoint, two sessions for the shared cert. */
		for (int k = 0; k < 2; k++) {
			struct session_report *r = mk_session(path, 7, VERDICT_OK);
			struct cert_info *ch[3] = { certs[(f * 2 + (size_t)k) % NCERT],
						    certs[(f * 7 + 3) % NCERT], shared };
			set_chain(r->s, SIDE_SERVER, ch, 3, (int64_t)f);
			add_sess(&a, r);
		}
		summary_add(&s, &a);
		free_analysis(&a);
	}
	/* Every certificate once, through one more analysis. */
	struct analysis a;
	memset(&a, 0, sizeof(a));
	add_file(&a, "all.pcap", 1, SRC_EOF, "", 10);
	struct session_report *r = mk_session("all.pcap", 8, VERDICT_OK);
	set_chain(r->s, SIDE_SERVER, certs, NCERT, 0);
	add_sess(&a, r);
	summary_add(&s, &a);
	free_analysis(&a);
	summary_finish(&s);

	CHECK_EQ_INT(s.files, NFILE + 1);
	CHECK_EQ_INT(s.sessions, 2 * NFILE + 1);
	CHECK_EQ_INT(s.n_certs, NCERT + 1);
	const struct seen_cert *c = find_cert(&s, "CN=shared-root");
	CHECK(c != NULL);
	if (c) {
		CHECK_EQ_INT(c->n_files, NFILE);
		CHECK_EQ_INT(c->n_endpoints, 1);
		CHECK_EQ_INT(c->sessions, 2 * NFILE);
		CHECK_EQ_INT(c->last_seen_ns, NFILE - 1);
	}
	int sorted = 1;
	for (size_t i = 1; i < s.n_certs; i++)
		sorted &= s.certs[i - 1].not_after <= s.certs[i].not_after;
	CHECK(sorted);
	size_t uniq = 1;
	for (size_t i = 0; i < s.n_certs; i++)
		for (size_t k = i + 1; k < s.n_certs && uniq; k++)
			if (strcmp(s.certs[i].sha256_hex, s.certs[k].sha256_hex) == 0)
				uniq = 0;
	CHECK(uniq);
	summary_free(&s);
	for (size_t i = 0; i < NCERT; i++)
		free_cert(certs[i]);
	free(certs);
	free_cert(shared);
}

/* An empty run and freeing a zeroed summary. */
static void test_empty(void)
{
	struct run_summary s, z;
	summary_init(&s, NOW, 30);
	summary_finish(&s);
	CHECK_EQ_INT(s.files, 0);
	CHECK_EQ_INT(s.n_certs, 0);
	CHECK_EQ_INT(s.n_findings, 0);
	summary_free(&s);
	memset(&z, 0, sizeof(z));
	summary_free(&z);
	summary_free(NULL);
	CHECK(1);
}

/* The bounds: past max_certs unique certificates only counts; past
 * SUMMARY_ENDPOINTS endpoints of a certificate only counts. */
static void test_bounds(void)
{
	struct run_summary s;
	struct cert_info *c[5];
	char name[16];
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "c%d", i);
		c[i] = mk_cert(name, NOW + (i + 1) * DAY, 1);
	}
	summary_init(&s, NOW, 30);
	CHECK_EQ_INT(s.max_certs, SUMMARY_MAX_CERTS);
	s.max_certs = 3;
	for (int i = 0; i < 5; i++) {
		struct session_report *r = mk_session("a.pcap", 2, VERDICT_OK);
		set_chain(r->s, SIDE_SERVER, &c[i], 1, 1000);
		summary_add_session(&s, r, "a.pcap");
		free_session(r);
	}
	{ /* c0 again (listed), c4 again (not) */
		struct cert_info *two[2] = { c[0], c[4] };
		struct session_report *r = mk_session("a.pcap", 2, VERDICT_OK);
		set_chain(r->s, SIDE_SERVER, two, 2, 1000);
		summary_add_session(&s, r, "a.pcap");
		free_session(r);
	}
	CHECK_EQ_INT(s.n_certs, 3);
	CHECK_EQ_INT(s.certs_unlisted, 3); /* c3, c4, c4 */
	CHECK_EQ_INT(s.sessions, 6);
	const struct seen_cert *sc = find_cert(&s, "CN=c0");
	CHECK(sc != NULL && sc->sessions == 2);

	/* One certificate presented from many client ports. */
	for (unsigned port = 0; port < SUMMARY_ENDPOINTS + 10; port++) {
		struct session_report *r = mk_session("a.pcap", 2, VERDICT_OK);
		r->s->client = ep4(9, (uint16_t)(40000 + port));
		set_chain(r->s, SIDE_CLIENT, &c[1], 1, 2000);
		summary_add_session(&s, r, "a.pcap");
		if (port == 0) /* the same endpoint again: listed, not counted */
			summary_add_session(&s, r, "a.pcap");
		free_session(r);
	}
	sc = find_cert(&s, "CN=c1");
	CHECK(sc != NULL);
	if (sc) {
		CHECK_EQ_INT(sc->n_endpoints, SUMMARY_ENDPOINTS);
		/* the server it was presented by first, then 31 client ports */
		CHECK_EQ_INT(sc->endpoints_unlisted, 10 + 1);
		CHECK_EQ_INT(sc->sessions, 1 + SUMMARY_ENDPOINTS + 10 + 1);
	}
	summary_finish(&s);
	summary_free(&s);

	summary_init(&s, NOW, 30);
	s.max_certs = 0; /* no limit */
	for (int i = 0; i < 5; i++) {
		struct session_report *r = mk_session("a.pcap", 2, VERDICT_OK);
		set_chain(r->s, SIDE_SERVER, &c[i], 1, 1000);
		summary_add_session(&s, r, "a.pcap");
		free_session(r);
	}
	CHECK_EQ_INT(s.n_certs, 5);
	CHECK_EQ_INT(s.certs_unlisted, 0);
	summary_free(&s);
	for (int i = 0; i < 5; i++)
		free_cert(c[i]);
}

int main(void)
{
	test_basic();
	test_days_floor();
	test_growth();
	test_empty();
	test_bounds();
	return t_done("test_summary");
}

/*
 * test_report.c - the text, JSON and HTML sinks (ui/report/plain.c,
 * ui/report/json.c, ui/report/html.c) over a hand-built analysis: a traversal-zone session
 * rejected with unknown_ca (chain tree, missing root, findings, alerts,
 * a hostile SNI), a TLS 1.3 session (certificates hidden), and a session
 * with an unparseable certificate and invalid UTF-8 in a DN. Then the
 * summary of the run.
 */
#include <jansson.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/xalloc.h"
#include "rules/chain.h"
#include "rules/notes.h"
#include "rules/summary.h"
#include "t.h"
#include "ui/report/report.h"

/* 2026-11-23T04:05:06Z */
static const time_t T0 = 1795406706;
#define DAY 86400

static struct endpoint ep4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
	struct endpoint e;
	memset(&e, 0, sizeof e);
	e.family = 4;
	e.addr[0] = a;
	e.addr[1] = b;
	e.addr[2] = c;
	e.addr[3] = d;
	e.port = port;
	return e;
}

static void fake_hex(struct cert_info *c, const char *seed)
{
	memset(c->sha256_hex, '0', 64);
	memset(c->sha1_hex, '0', 40);
	for (size_t i = 0; seed[i] && i < 20; i++) {
		snprintf(c->sha256_hex + 2 * i, 3, "%02x", (unsigned char)seed[i]);
		snprintf(c->sha1_hex + 2 * i, 3, "%02x", (unsigned char)seed[i]);
	}
	for (size_t i = strlen(c->sha256_hex); i < 64; i++)
		c->sha256_hex[i] = '0';
	for (size_t i = strlen(c->sha1_hex); i < 40; i++)
		c->sha1_hex[i] = '0';
	c->sha256_hex[64] = 0;
	c->sha1_hex[40] = 0;
}

static void add_str(struct strlist *l, const char *s)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = xstrdup(s);
}

static struct cert_info *mk_cert(const char *subject, const char *issuer, time_t nb, time_t na,
				 int ca)
{
	struct cert_info *c = xcalloc(1, sizeof *c);
	fake_hex(c, subject);
	c->parse_ok = 1;
	c->version = 3;
	c->serial_hex = xstrdup("7d3c5a9e1b2f4c6d");
	c->subject.rfc4514 = xstrdup(subject);
	c->issuer.rfc4514 = xstrdup(issuer);
	c->not_before = nb;
	c->not_after = na;
	c->key_type = KEY_RSA;
	c->key_bits = ca ? 4096 : 2048;
	c->sig_alg = xstrdup("sha256WithRSAEncryption");
	c->has_key_usage = 1;
	c->key_usage = ca ? (KU_KEY_CERT_SIGN | KU_CRL_SIGN)
			  : (KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT);
	c->has_basic_constraints = 1;
	c->is_ca = ca;
	c->path_len = -1;
	if (!ca) {
		c->has_san = 1;
		add_str(&c->san_dns, "expe.example.com");
		add_str(&c->san_ip, "10.48.36.101");
		c->has_eku = 1;
		add_str(&c->eku_oids, OID_EKU_SERVER_AUTH);
		add_str(&c->eku_names, "serverAuth");
		c->eku_server_auth = 1;
	}
	return c;
}

static void free_strlist(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static void free_cert(struct cert_info *c)
{
	free(c->serial_hex);
	free(c->subject.rfc4514);
	free(c->issuer.rfc4514);
	free(c->sig_alg);
	free(c->parse_error);
	free_strlist(&c->san_dns);
	free_strlist(&c->san_ip);
	free_strlist(&c->eku_oids);
	free_strlist(&c->eku_names);
	free(c);
}

static struct cert_info *certs[5];

static struct session_report *mk_session(uint64_t id)
{
	struct session_report *r = xcalloc(1, sizeof *r);
	r->s = xcalloc(1, sizeof *r->s);
	r->s->id = id;
	r->s->file = xstrdup("zone.pcap");
	r->s->client = ep4(10, 48, 80, 47, 51234);
	r->s->server = ep4(10, 48, 36, 101, 7001);
	r->s->start_ts = (int64_t)T0 * 1000000000 + 123456789;
	r->s->end_ts = r->s->start_ts + 600000;
	r->s->first_frame = 1;
	r->s->last_frame = 20;
	r->judged_at = T0;
	return r;
}

static void set_chain(struct session_report *r, int side, struct cert_info **v, size_t n,
		      uint64_t frame)
{
	struct tls_chain *ch = &r->s->chain[side];
	ch->present = 1;
	ch->complete = 1;
	ch->n = n;
	ch->certs = xcalloc(n ? n : 1, sizeof *ch->certs);
	for (size_t i = 0; i < n; i++)
		ch->certs[i] = v[i];
	ch->frame = frame;
	r->chain[side].present = 1;
	r->chain[side].n = n;
	r->chain[side].status = xcalloc(n ? n : 1, sizeof(enum cert_status));
	r->chain[side].path = xcalloc(n ? n : 1, sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		r->chain[side].path[i] = i;
	r->chain[side].path_len = n;
	r->chain[side].in_order = 1;
	r->chain[side].reaches_trust = -1;
}

/* The model as the dissector and rules would leave it. */
static void build(struct analysis *a)
{
	struct session_report *r;

	memset(a, 0, sizeof *a);
	certs[0] = mk_cert("CN=expe.example.com,O=Example,C=US", "CN=learningext-ISSUING-CA",
			   T0 - 100 * DAY, T0 + 12 * DAY, 0);
	certs[1] = mk_cert("CN=learningext-ISSUING-CA", "CN=learningext-EXTDNS-CA", T0 - 400 * DAY,
			   T0 + 900 * DAY, 1);
	/* Invalid UTF-8 and an escape in a DN. */
	certs[2] = mk_cert("CN=bad\xff\x1b[31m", "CN=bad\xff\x1b[31m", T0 - 400 * DAY, T0 - 2 * DAY,
			   0);
	certs[2]->self_issued = 1;
	certs[3] = xcalloc(1, sizeof *certs[3]);
	fake_hex(certs[3], "unparseable");
	certs[3]->parse_ok = 0;
	certs[3]->parse_error = xstrdup("ASN.1 length overruns the certificate");
	certs[3]->path_len = -1;

	a->files = xcalloc(1, sizeof *a->files);
	a->n_files = a->cap_files = 1;
	a->files[0].path = xstrdup("zone.pcap");
	a->files[0].ok = 1;
	snprintf(a->files[0].cap.format, sizeof a->files[0].cap.format, "pcap");
	a->files[0].cap.packets = 40;
	a->files[0].cap.status = SRC_EOF;
	a->files[0].first_session = 0;
	a->files[0].n_sessions = 3;
	a->sessions = xcalloc(3, sizeof *a->sessions);
	a->n_sessions = a->cap_sessions = 3;

	/* 1: Expressway-C rejects Expressway-E's chain with unknown_ca. */
	r = mk_session(1);
	r->service = "Expressway traversal zone";
	r->s->version = 0x0303;
	r->s->ch.present = 1;
	r->s->ch.sni = xstrdup("expe.example.com\x1b]0;pwned\x07");
	add_str(&r->s->ch.alpn, "h2");
	add_str(&r->s->ch.alpn, "http/1.1");
	snprintf(r->s->ch.ja3, sizeof r->s->ch.ja3, "fbe7e189e37a07ee33706f86bc746344");
	r->s->sh.present = 1;
	r->s->sh.cipher = 0xc030;
	r->s->sh.alpn = xstrdup("h2");
	set_chain(r, SIDE_SERVER, certs, 2, 11);
	r->chain[SIDE_SERVER].status[0] = CS_LINKED;
	r->chain[SIDE_SERVER].status[1] = CS_ISSUER_MISSING;
	r->chain[SIDE_SERVER].reaches_trust = 0;
	r->chain[SIDE_SERVER].missing_issuer = xstrdup("CN=learningext-EXTDNS-CA");
	r->chain[SIDE_SERVER].ends_at = xstrdup("CN=learningext-EXTDNS-CA");
	r->s->cr.present = 1;
	r->s->cr.n_ca = 1;
	r->s->cr.ca_names = xcalloc(1, sizeof(char *));
	r->s->cr.ca_names[0] = xstrdup("CN=learningext-EXTDNS-CA");
	r->s->alerts = xcalloc(1, sizeof *r->s->alerts);
	r->s->n_alerts = r->s->cap_alerts = 1;
	r->s->alerts[0].side = SIDE_CLIENT;
	r->s->alerts[0].level = 2;
	r->s->alerts[0].desc = 48;
	r->s->alerts[0].frame = 13;
	r->s->alerts[0].ts_ns = r->s->start_ts + 600000;
	report_add(r, "unknown_ca", SEV_ERROR, SIDE_SERVER, 1, BASIS_OBSERVED, "alert", 13,
		   "Expressway-C 10.48.80.47 rejected Expressway-E 10.48.36.101's chain with "
		   "unknown_ca 48.",
		   "Upload CN=learningext-EXTDNS-CA under Maintenance > Security > Trusted CA "
		   "certificate.");
	report_add(r, "expiring_soon", SEV_WARNING, SIDE_SERVER, 0, BASIS_PREDICTED, "notAfter", 11,
		   "The server certificate expires in 12 days.", "Renew it.");
	r->verdict = VERDICT_FAILED;
	r->headline = xstrdup("Expressway-C 10.48.80.47 rejected Expressway-E 10.48.36.101's "
			      "chain with unknown_ca 48, 0.6 ms after frame 11");
	a->sessions[0] = r;

	/* 2: TLS 1.3, certificates encrypted. */
	r = mk_session(2);
	r->s->version = 0x0304;
	r->s->tls13 = 1;
	r->s->ch.present = 1;
	r->s->sh.present = 1;
	r->s->sh.cipher = 0x1301;
	r->s->n_alerts = r->s->cap_alerts = 1;
	r->s->alerts = xcalloc(1, sizeof *r->s->alerts);
	r->s->alerts[0].side = SIDE_SERVER;
	r->s->alerts[0].encrypted = 1;
	r->s->alerts[0].level = -1;
	r->s->alerts[0].desc = -1;
	r->s->alerts[0].frame = 9;
	report_add(r, "certs_not_visible_tls13", SEV_INFO, -1, -1, BASIS_OBSERVED, NULL, 0,
		   "TLS 1.3 encrypts the certificates.", "");
	r->verdict = VERDICT_OK;
	r->headline = xstrdup("TLS 1.3 handshake completed");
	a->sessions[1] = r;

	/* 3: a self-signed cert with a hostile DN, and an unparseable one. */
	r = mk_session(3);
	r->s->version = 0x0303;
	r->s->ch.present = 1;
	set_chain(r, SIDE_SERVER, certs + 2, 2, 5);
	r->chain[SIDE_SERVER].status[0] = CS_UNTRUSTED_ROOT;
	r->chain[SIDE_SERVER].status[1] = CS_EXTRA;
	r->chain[SIDE_SERVER].path_len = 1;
	r->chain[SIDE_SERVER].root_sent = 1;
	r->s->n_notes = r->s->cap_notes = 1;
	r->s->notes = xcalloc(1, sizeof *r->s->notes);
	r->s->notes[0].kind = NOTE_GAP;
	r->s->notes[0].side = SIDE_SERVER;
	r->s->notes[0].frame = 6;
	r->s->notes[0].bytes = 1448;
	r->s->notes[0].msg_type = -1;
	rules_word_notes(r);
	report_add(r, "self_signed_leaf", SEV_ERROR, SIDE_SERVER, 0, BASIS_PREDICTED, "issuer", 5,
		   "The leaf CN=bad\xff\x1b[31m is self-signed.", "Use a CA-signed certificate.");
	r->verdict = VERDICT_INCOMPLETE;
	r->headline = xstrdup("incomplete: capture gap");
	a->sessions[2] = r;

	report_add(&a->store_report, "trust_store_shadowing", SEV_WARNING, -1, -1, BASIS_PREDICTED,
		   NULL, 0, "Two trusted certificates share the subject CN=cucm.", "Remove one.");
	/* The rows every view draws, as the rules lay them out. */
	for (size_t i = 0; i < a->n_sessions; i++)
		for (int side = 0; side < 2; side++)
			chain_view_rows(&a->sessions[i]->chain[side],
					&a->sessions[i]->s->chain[side], NULL);
}

static void teardown(struct analysis *a)
{
	for (size_t i = 0; i < a->n_sessions; i++) {
		struct session_report *r = a->sessions[i];
		struct tls_session *s = r->s;
		for (int side = 0; side < 2; side++) {
			free(s->chain[side].certs);
			free(r->chain[side].status);
			free(r->chain[side].path);
			free(r->chain[side].missing_issuer);
			free(r->chain[side].ends_at);
			free(r->chain[side].rows);
			memset(&r->chain[side], 0, sizeof r->chain[side]);
			memset(&s->chain[side], 0, sizeof s->chain[side]);
		}
		for (size_t k = 0; k < s->cr.n_ca; k++)
			free(s->cr.ca_names[k]);
		free(s->cr.ca_names);
		s->cr.ca_names = NULL;
		s->cr.n_ca = 0;
		free(s->ch.sni);
		s->ch.sni = NULL;
		free_strlist(&s->ch.alpn);
		memset(&s->ch.alpn, 0, sizeof s->ch.alpn);
		free(s->sh.alpn);
		s->sh.alpn = NULL;
		free(s->alerts);
		s->alerts = NULL;
		free(s->notes);
		s->notes = NULL;
		free(s->file);
		s->file = NULL;
		free(s);
		r->s = NULL;
		for (size_t k = 0; k < r->nf; k++) {
			free(r->f[k].field);
			free(r->f[k].message);
			free(r->f[k].advice);
		}
		free(r->f);
		free(r->headline);
		for (size_t k = 0; k < r->n_notes; k++)
			free(r->notes[k]);
		free(r->notes);
		free(r);
	}
	for (size_t k = 0; k < a->store_report.nf; k++) {
		free(a->store_report.f[k].field);
		free(a->store_report.f[k].message);
		free(a->store_report.f[k].advice);
	}
	free(a->store_report.f);
	free(a->sessions);
	free(a->files[0].path);
	free(a->files);
	for (size_t i = 0; i < 4; i++)
		free_cert(certs[i]);
}

/* Hand an analysis to a sink as the batch driver does: each file's
 * sessions one by one, then the file's end, then the summary. */
static void feed(struct sink s, const struct ui_opts *o, const struct analysis *a)
{
	struct run_summary sum;

	summary_init(&sum, T0, 30);
	summary_add(&sum, a);
	summary_finish(&sum);
	s.ops->begin(s.st, o);
	for (size_t fi = 0; fi < a->n_files; fi++) {
		const struct file_report *fr = &a->files[fi];
		struct sink_file file = { fr->path, fi };
		for (size_t i = fr->first_session; i < fr->first_session + fr->n_sessions; i++)
			s.ops->session(s.st, &file, a->sessions[i]);
		if (s.ops->file_end)
			s.ops->file_end(s.st, &file, fr);
	}
	s.ops->end(s.st, &sum);
	s.ops->free(s.st);
	summary_free(&sum);
}

/* Run one sink over the analysis; returns the output (caller frees). */
static char *run_sink(struct sink (*mk)(FILE *, const struct ui_opts *), struct ui_opts *o,
		      const struct analysis *a, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	feed(mk(f, o), o, a);
	fclose(f);
	return buf;
}

static int has(const char *hay, const char *needle)
{
	int ok = strstr(hay, needle) != NULL;
	if (!ok)
		fprintf(stderr, "  missing: \"%s\"\n", needle);
	return ok;
}

/* Every ESC in colour output starts one of our SGR sequences. */
static int only_sgr(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\033')
			continue;
		if (i + 2 >= n || s[i + 1] != '[')
			return 0;
		size_t k = i + 2;
		while (k < n && ((s[k] >= '0' && s[k] <= '9') || s[k] == ';'))
			k++;
		if (k >= n || s[k] != 'm')
			return 0;
	}
	return 1;
}

static void test_text(const struct analysis *a)
{
	struct ui_opts o;
	size_t n;
	char *out;

	memset(&o, 0, sizeof o);
	out = run_sink(sink_text_new, &o, a, &n);
	if (getenv("TEST_REPORT_DUMP")) /* to look at it: TEST_REPORT_DUMP=1 */
		fwrite(out, 1, n, stderr);
	CHECK(memchr(out, '\033', n) == NULL);
	CHECK(memchr(out, '\a', n) == NULL);
	CHECK(has(out, "zone.pcap"));
	CHECK(has(out,
		  "Session 1: 10.48.80.47:51234 -> 10.48.36.101:7001 (Expressway traversal zone)"));
	CHECK(has(out, "Verdict:  failed"));
	CHECK(has(out, "rejected Expressway-E 10.48.36.101's"));
	CHECK(has(out, "SNI:      expe.example.com\\x1b]0;pwned\\x07"));
	CHECK(has(out, "TLS 1.2, cipher TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
	CHECK(has(out, "offered h2, http/1.1; selected h2"));
	CHECK(has(out, "fatal unknown_ca (48) from the client (10.48.80.47:51234), frame 13"));
	CHECK(has(out, "Server chain (frame 11): 2 certificates sent, root not sent"));
	CHECK(has(out, "    [0] CN=expe.example.com,O=Example,C=US\n"));
	CHECK(has(out, "    `- [1] CN=learningext-ISSUING-CA\n"));
	CHECK(has(out, "       `- [missing] CN=learningext-EXTDNS-CA"));
	CHECK(has(out, "status: issuer missing"));
	CHECK(has(out, "SAN DNS:expe.example.com, IP:10.48.36.101"));
	CHECK(has(out, "EKU serverAuth; key usage digitalSignature, keyEncipherment"));
	CHECK(has(out, "key RSA 2048, signed sha256WithRSAEncryption"));
	CHECK(has(out, "(12 days left at the capture)"));
	CHECK(has(out, "error   unknown_ca (observed; server cert 1, alert, frame 13)"));
	CHECK(has(out, "Fix: Upload CN=learningext-EXTDNS-CA"));
	CHECK(has(out, "Client certificate: requested by the server"));
	CHECK(has(out, "Certificates not visible: TLS 1.3"));
	CHECK(has(out, "encrypted alert from the server"));
	CHECK(has(out, "CN=bad\\xff\\x1b[31m"));
	CHECK(has(out, "cannot be decoded: ASN.1 length overruns the certificate"));
	CHECK(has(out, "[1] (not on the path)"));
	CHECK(has(out, "(expired 2 days before the capture)"));
	CHECK(has(out, "1448 bytes from the server are missing from the capture after frame 6"));
	/* Summary. */
	CHECK(has(out, "Sessions:     3: 1 ok, 0 warning, 0 at risk, 1 failed, 1 incomplete"));
	CHECK(has(out, "unknown_ca"));
	CHECK(has(out, "Trust store findings:"));
	CHECK(has(out, "Certificates: 4 unique"));
	CHECK(has(out, "Expiring within 30 days (or expired): 2"));
	CHECK(has(out, "in 12 days"));
	CHECK(has(out, "EXPIRED"));
	free(out);

	/* Colour: only our SGR sequences, the hostile ones still escaped. */
	o.color = 1;
	out = run_sink(sink_text_new, &o, a, &n);
	CHECK(memchr(out, '\033', n) != NULL);
	CHECK(only_sgr(out, n));
	CHECK(memchr(out, '\a', n) == NULL);
	free(out);

	/* -v: fingerprints and JA3. */
	o.color = 0;
	o.verbose = 1;
	out = run_sink(sink_text_new, &o, a, &n);
	CHECK(has(out, "JA3:      fbe7e189e37a07ee33706f86bc746344"));
	CHECK(has(out, "sha256 "));
	free(out);

	/* UTF-8 locale: box drawing. */
	if (setlocale(LC_ALL, "C.UTF-8")) {
		o.verbose = 0;
		out = run_sink(sink_text_new, &o, a, &n);
		CHECK(has(out, "    \u2514\u2500 [1] CN=learningext-ISSUING-CA\n"));
		CHECK(memchr(out, '\033', n) == NULL);
		free(out);
		setlocale(LC_ALL, "C");
	}
}

static json_t *line_at(char *out, int k)
{
	char *p = out;
	for (int i = 0; i < k && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p || !*p)
		return NULL;
	char *e = strchr(p, '\n');
	json_error_t err;
	json_t *j = json_loadb(p, e ? (size_t)(e - p) : strlen(p), 0, &err);
	if (!j)
		fprintf(stderr, "  line %d: %s\n", k, err.text);
	return j;
}

static const char *jget_s(json_t *o, const char *path)
{
	char key[64];
	const char *p = path, *dot;
	json_t *v = o;
	while (v && (dot = strchr(p, '.')) != NULL) {
		snprintf(key, sizeof key, "%.*s", (int)(dot - p), p);
		v = json_object_get(v, key);
		p = dot + 1;
	}
	v = v ? json_object_get(v, p) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void test_json(const struct analysis *a)
{
	struct ui_opts o;
	size_t n, lines = 0;
	char *out;
	json_t *s1, *s2, *s3, *sum, *c, *f, *al;

	memset(&o, 0, sizeof o);
	out = run_sink(sink_json_new, &o, a, &n);
	for (size_t i = 0; i < n; i++)
		lines += out[i] == '\n';
	CHECK_EQ_INT(lines, 4);
	/* NDJSON: raw ESC never appears, jansson escapes it. */
	CHECK(memchr(out, '\033', n) == NULL);
	CHECK(has(out, "expe.example.com\\u001B]0;pwned\\u0007"));

	s1 = line_at(out, 0);
	s2 = line_at(out, 1);
	s3 = line_at(out, 2);
	sum = line_at(out, 3);
	CHECK(s1 && s2 && s3 && sum);
	if (!(s1 && s2 && s3 && sum))
		goto out;
	CHECK_EQ_STR(jget_s(s1, "type"), "session");
	CHECK_EQ_INT(json_integer_value(json_object_get(s1, "schema_version")), 2);
	CHECK_EQ_STR(jget_s(s1, "file"), "zone.pcap");
	CHECK_EQ_STR(jget_s(s1, "flow.client.ip"), "10.48.80.47");
	CHECK_EQ_INT(json_integer_value(
			     json_object_get(json_object_get(json_object_get(s1, "flow"), "server"),
					     "port")),
		     7001);
	CHECK_EQ_STR(jget_s(s1, "start"), "2026-11-23T04:05:06.123456Z");
	CHECK_EQ_STR(jget_s(s1, "service"), "Expressway traversal zone");
	CHECK_EQ_STR(jget_s(s1, "tls.version"), "TLS 1.2");
	CHECK_EQ_STR(jget_s(s1, "tls.sni"), "expe.example.com\x1b]0;pwned\x07");
	CHECK_EQ_STR(jget_s(s1, "tls.cipher"), "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
	CHECK_EQ_STR(jget_s(s1, "tls.alpn_selected"), "h2");
	CHECK_EQ_INT(json_array_size(json_object_get(json_object_get(s1, "tls"), "alpn")), 2);
	CHECK_EQ_STR(jget_s(s1, "tls.ja3"), "fbe7e189e37a07ee33706f86bc746344");
	CHECK(json_is_null(json_object_get(json_object_get(s1, "tls"), "ja4")));
	CHECK_EQ_STR(jget_s(s1, "verdict"), "failed");
	CHECK(json_is_false(json_object_get(s1, "tls13_certs_hidden")));
	CHECK(json_is_true(json_object_get(s1, "client_cert_requested")));
	CHECK_EQ_STR(json_string_value(json_array_get(json_object_get(s1, "acceptable_cas"), 0)),
		     "CN=learningext-EXTDNS-CA");
	CHECK_EQ_INT(json_array_size(json_object_get(s1, "server_chain")), 2);
	CHECK_EQ_INT(json_array_size(json_object_get(s1, "client_chain")), 0);
	c = json_array_get(json_object_get(s1, "server_chain"), 0);
	CHECK_EQ_STR(jget_s(c, "subject"), "CN=expe.example.com,O=Example,C=US");
	CHECK_EQ_STR(jget_s(c, "issuer"), "CN=learningext-ISSUING-CA");
	CHECK_EQ_STR(jget_s(c, "serial"), "7d3c5a9e1b2f4c6d");
	CHECK_EQ_STR(jget_s(c, "key.type"), "RSA");
	CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(c, "key"), "bits")), 2048);
	CHECK_EQ_STR(jget_s(c, "sha256"), certs[0]->sha256_hex);
	CHECK_EQ_STR(jget_s(c, "status"), "linked");
	CHECK_EQ_STR(jget_s(c, "not_after"), "2026-12-05T04:05:06Z");
	CHECK(json_is_null(json_object_get(c, "parse_error")));
	CHECK_EQ_STR(json_string_value(json_array_get(json_object_get(c, "key_usage"), 1)),
		     "keyEncipherment");
	CHECK_EQ_STR(json_string_value(json_array_get(json_object_get(c, "eku"), 0)), "serverAuth");
	CHECK_EQ_STR(json_string_value(
			     json_array_get(json_object_get(json_object_get(c, "san"), "ip"), 0)),
		     "10.48.36.101");
	CHECK_EQ_INT(json_integer_value(json_object_get(c, "frame")), 11);
	al = json_array_get(json_object_get(s1, "alerts"), 0);
	CHECK_EQ_STR(jget_s(al, "from"), "client");
	CHECK_EQ_STR(jget_s(al, "level"), "fatal");
	CHECK_EQ_STR(jget_s(al, "description"), "unknown_ca");
	CHECK_EQ_INT(json_integer_value(json_object_get(al, "code")), 48);
	CHECK(json_is_false(json_object_get(al, "encrypted")));
	f = json_array_get(json_object_get(s1, "findings"), 0);
	CHECK_EQ_STR(jget_s(f, "id"), "unknown_ca");
	CHECK_EQ_STR(jget_s(f, "severity"), "error");
	CHECK_EQ_STR(jget_s(f, "side"), "server");
	CHECK_EQ_INT(json_integer_value(json_object_get(f, "cert")), 1);
	CHECK_EQ_STR(jget_s(f, "basis"), "observed");
	CHECK_EQ_STR(jget_s(f, "field"), "alert");
	CHECK_EQ_INT(json_integer_value(json_object_get(f, "frame")), 13);
	CHECK_EQ_STR(jget_s(s1, "server_chain_check.missing_issuer"), "CN=learningext-EXTDNS-CA");

	CHECK(json_is_true(json_object_get(s2, "tls13_certs_hidden")));
	CHECK_EQ_STR(jget_s(s2, "tls.version"), "TLS 1.3");
	al = json_array_get(json_object_get(s2, "alerts"), 0);
	CHECK(json_is_true(json_object_get(al, "encrypted")));
	CHECK(json_is_null(json_object_get(al, "level")));
	CHECK(json_is_null(json_object_get(al, "description")));
	CHECK(json_is_null(json_object_get(al, "code")));
	f = json_array_get(json_object_get(s2, "findings"), 0);
	CHECK(json_is_null(json_object_get(f, "side")));
	CHECK(json_is_null(json_object_get(f, "cert")));
	CHECK(json_is_null(json_object_get(f, "frame")));

	c = json_array_get(json_object_get(s3, "server_chain"), 0);
	CHECK_EQ_STR(jget_s(c, "subject"), "CN=bad\\xff\x1b[31m");
	CHECK(json_is_true(json_object_get(c, "self_signed")));
	c = json_array_get(json_object_get(s3, "server_chain"), 1);
	CHECK(json_is_null(json_object_get(c, "subject")));
	CHECK_EQ_STR(jget_s(c, "parse_error"), "ASN.1 length overruns the certificate");
	CHECK_EQ_STR(jget_s(c, "status"), "extra");
	CHECK_EQ_STR(jget_s(s3, "verdict"), "incomplete");
	CHECK_EQ_INT(json_array_size(json_object_get(s3, "notes")), 1);

	CHECK_EQ_STR(jget_s(sum, "type"), "summary");
	CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(sum, "sessions"), "total")),
		     3);
	CHECK_EQ_INT(json_integer_value(
			     json_object_get(json_object_get(sum, "sessions"), "failed")),
		     1);
	CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(sum, "files"), "total")),
		     1);
	CHECK_EQ_INT(json_integer_value(
			     json_object_get(json_object_get(sum, "findings"), "unknown_ca")),
		     1);
	CHECK_EQ_INT(json_array_size(json_object_get(sum, "certificates")), 4);
	CHECK_EQ_INT(json_array_size(json_object_get(sum, "expiring")), 2);
	CHECK_EQ_INT(json_array_size(json_object_get(sum, "store_findings")), 1);
	CHECK_EQ_STR(jget_s(json_array_get(json_object_get(sum, "store_findings"), 0), "id"),
		     "trust_store_shadowing");
out:
	json_decref(s1);
	json_decref(s2);
	json_decref(s3);
	json_decref(sum);
	free(out);
}

/* One file with one session whose server chain is v[0..n-1], sent in path
 * order (the first `path_len` on the path, the rest extra); `dup_of` (may
 * be NULL) marks duplicates. */
static struct session_report *mini(struct analysis *a, struct cert_info **v, size_t n,
				   size_t path_len, const int *dup_of)
{
	struct session_report *r = mk_session(1);

	memset(a, 0, sizeof *a);
	a->files = xcalloc(1, sizeof *a->files);
	a->n_files = a->cap_files = 1;
	a->files[0].path = xstrdup("zone.pcap");
	a->files[0].ok = 1;
	a->files[0].n_sessions = 1;
	a->sessions = xcalloc(1, sizeof *a->sessions);
	a->n_sessions = a->cap_sessions = 1;
	set_chain(r, SIDE_SERVER, v, n, 5);
	r->chain[SIDE_SERVER].path_len = path_len;
	for (size_t i = path_len; i < n; i++)
		r->chain[SIDE_SERVER].status[i] = CS_EXTRA;
	chain_view_rows(&r->chain[SIDE_SERVER], &r->s->chain[SIDE_SERVER], dup_of);
	r->verdict = VERDICT_FAILED;
	r->headline = xstrdup("rejected");
	a->sessions[0] = r;
	return r;
}

static void mini_free(struct analysis *a)
{
	struct session_report *r = a->sessions[0];

	free(r->chain[SIDE_SERVER].status);
	free(r->chain[SIDE_SERVER].path);
	free(r->chain[SIDE_SERVER].rows);
	free(r->s->chain[SIDE_SERVER].certs);
	free(r->s->file);
	free(r->s);
	free(r->headline);
	free(r);
	free(a->sessions);
	free(a->files[0].path);
	free(a->files);
}

/* The HTML page of an analysis (caller frees), or NULL. */
static char *html_page(const struct analysis *a)
{
	char path[] = "/tmp/test_report-XXXXXX", *page = NULL;
	struct ui_opts o;
	int fd = mkstemp(path);
	FILE *f;

	if (fd < 0)
		return NULL;
	close(fd);
	memset(&o, 0, sizeof o);
	feed(sink_html_new(path, &o), &o, a);
	f = fopen(path, "r");
	if (f) {
		page = xcalloc(1 << 20, 1);
		if (fread(page, 1, (1 << 20) - 1, f) == 0) {
			free(page);
			page = NULL;
		}
		fclose(f);
	}
	unlink(path);
	return page;
}

/* The HTML page draws a certificate's standing as the text report and the
 * rules do: one whose notBefore lies after the judged time is "not yet
 * valid", even when its notAfter is earlier still. */
static void test_html(void)
{
	struct analysis a;
	struct cert_info *inv = mk_cert("CN=inverted.example.com", "CN=learningext-ISSUING-CA",
					T0 + 5 * DAY, T0 - 5 * DAY, 0);
	char *page;

	mini(&a, &inv, 1, 1, NULL);
	page = html_page(&a);
	CHECK(page != NULL);
	if (page) {
		CHECK(has(page, "<div class=\"subj\">CN=inverted.example.com</div>"));
		/* In the certificate box, right after its dates (the summary's
		 * table of expired certificates says "expired" elsewhere). */
		CHECK(has(page, "Z <span class=\"pill expired\">not yet valid</span>"));
		CHECK(!has(page, "Z <span class=\"pill expired\">expired</span>"));
		free(page);
	}
	mini_free(&a);
	free_cert(inv);
}

/* A certificate sent twice is drawn as a duplicate of the first, by the
 * text report (without its details again) and the HTML page. */
static void test_duplicate(void)
{
	struct analysis a;
	struct cert_info *c = mk_cert("CN=twice.example.com", "CN=twice.example.com", T0 - 5 * DAY,
				      T0 + 50 * DAY, 0),
			 *v[2] = { c, c };
	int dup_of[2] = { -1, 0 };
	struct ui_opts o;
	char *out, *page;
	size_t n;

	memset(&o, 0, sizeof o);
	mini(&a, v, 2, 1, dup_of);
	out = run_sink(sink_text_new, &o, &a, &n);
	CHECK(has(out, "    [1] (duplicate of [0]) CN=twice.example.com\n"));
	CHECK(!has(out, "[1] (not on the path)"));
	free(out);
	page = html_page(&a);
	CHECK(page != NULL && has(page, "#1 sent, duplicate of #0"));
	free(page);
	mini_free(&a);
	free_cert(c);
}

int main(void)
{
	struct analysis a;
	build(&a);
	test_text(&a);
	test_json(&a);
	teardown(&a);
	test_html();
	test_duplicate();
	return t_done("test_report");
}

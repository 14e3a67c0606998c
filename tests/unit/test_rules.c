/*
 * test_rules.c - the diagnostic rules (rules/rules.c, rule_cert.c,
 * rule_alert.c, chain.c) over hand-built sessions.
 *
 * Every finding id of DOMAIN §5 has a case asserting the EXACT set of
 * findings (id, side, cert index, basis) it produces, and a clean
 * counterpart that produces none of them. Certificates come from
 * tests/unit/data/rules (made by its make.sh with openssl; leaves are valid
 * 2025-01-01 .. 2027-01-01, the issuing CA 2021 .. 2035, roots 2020 .. 2045).
 * Sessions are judged on 2026-06-01 unless a case says otherwise.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/xalloc.h"
#include "dissect/x509.h"
#include "rules/rule_int.h"
#include "rules/rules.h"
#include "rules/trust.h"
#include "tests/unit/t.h"

#define NS 1000000000LL
#define D_2024_06_01 1717200000
#define D_2026_06_01 1780272000
#define D_2026_12_15 1797292800
#define D_2027_02_01 1801440000
#define D_2027_06_01 1811808000
#define D_2036_01_01 2082758400

#define C SIDE_CLIENT
#define S SIDE_SERVER
#define P BASIS_PREDICTED
#define O BASIS_OBSERVED

static char data[4096];

/* ------------------------------------------------------------ certificates */

static struct {
	char *name;
	struct cert_info *c;
} certs[64];
static size_t ncerts;

static struct cert_info *cert(const char *name)
{
	struct cert_info **v = NULL;
	size_t n = 0, i;
	char err[256], *p;

	for (i = 0; i < ncerts; i++)
		if (strcmp(certs[i].name, name) == 0)
			return certs[i].c;
	p = xasprintf("%s/%s.der", data, name);
	if (x509_load_file(p, &v, &n, err, sizeof(err)) != 0 || n != 1 || !v[0]->parse_ok) {
		fprintf(stderr, "cannot load %s: %s\n", p, err);
		exit(1);
	}
	free(p);
	certs[ncerts].name = xstrdup(name);
	certs[ncerts].c = v[0];
	free(v);
	return certs[ncerts++].c;
}

static void certs_free(void)
{
	size_t i;

	for (i = 0; i < ncerts; i++) {
		free(certs[i].name);
		cert_info_free(certs[i].c);
	}
}

/* ------------------------------------------------------------ sessions */

static void ep_set(struct endpoint *ep, const char *ip, uint16_t port)
{
	memset(ep, 0, sizeof(*ep));
	if (inet_pton(AF_INET, ip, ep->addr) == 1)
		ep->family = 4;
	else if (inet_pton(AF_INET6, ip, ep->addr) == 1)
		ep->family = 6;
	ep->port = port;
}

/* A completed TLS 1.2 handshake 10.0.0.1 -> 10.0.0.5:port on 2026-06-01,
 * SNI srv.example.com; frames: 1 CH, 3 SH, 4 server Certificate, 6
 * client Certificate, 9 Finished. */
static struct tls_session *sess(uint16_t port)
{
	struct tls_session *s = xcalloc(1, sizeof(*s));
	int64_t t0 = (int64_t)D_2026_06_01 * NS;

	s->id = 1;
	ep_set(&s->client, "10.0.0.1", 50123);
	ep_set(&s->server, "10.0.0.5", port);
	s->start_ts = t0;
	s->end_ts = t0 + NS;
	s->first_frame = 1;
	s->last_frame = 12;
	s->ch.present = 1;
	s->ch.sni = xstrdup("srv.example.com");
	s->ch.frame = 1;
	s->ch.ts_ns = t0;
	s->sh.present = 1;
	s->sh.version = 0x0303;
	s->sh.frame = 3;
	s->sh.ts_ns = t0 + 1000000;
	s->version = 0x0303;
	s->handshake_done = 1;
	s->ccs[0] = s->ccs[1] = 1;
	s->encrypted_hs[0] = s->encrypted_hs[1] = 1;
	s->app_data[0] = s->app_data[1] = 1;
	return s;
}

static void set_chain(struct tls_session *s, int side, ...)
{
	struct tls_chain *ch = &s->chain[side];
	const char *name;
	va_list ap;

	free(ch->certs);
	memset(ch, 0, sizeof(*ch));
	ch->present = 1;
	ch->complete = 1;
	ch->frame = side == S ? 4 : 6;
	ch->ts_ns = s->start_ts + (side == S ? 2000000 : 5000000);
	va_start(ap, side);
	while ((name = va_arg(ap, const char *)) != NULL) {
		ch->certs = xreallocarray(ch->certs, ch->n + 1, sizeof(*ch->certs));
		ch->certs[ch->n++] = cert(name);
	}
	va_end(ap);
}

static void set_cr(struct tls_session *s, ...)
{
	const char *name;
	va_list ap;

	s->cr.present = 1;
	s->cr.frame = 4;
	s->cr.ts_ns = s->start_ts + 2000000;
	va_start(ap, s);
	while ((name = va_arg(ap, const char *)) != NULL) {
		const struct dn *d = &cert(name)->subject;
		size_t i = s->cr.n_ca++;

		s->cr.ca_names = xreallocarray(s->cr.ca_names, s->cr.n_ca, sizeof(char *));
		s->cr.ca_der = xreallocarray(s->cr.ca_der, s->cr.n_ca, sizeof(uint8_t *));
		s->cr.ca_der_len = xreallocarray(s->cr.ca_der_len, s->cr.n_ca, sizeof(size_t));
		s->cr.ca_names[i] = xstrdup(d->rfc4514);
		s->cr.ca_der[i] = xcalloc(1, d->der_len);
		memcpy(s->cr.ca_der[i], d->der, d->der_len);
		s->cr.ca_der_len[i] = d->der_len;
	}
	va_end(ap);
}

/* A fatal alert from `side` at frame, dt_ns after that side received the
 * other's chain; the handshake then did not complete. */
static void add_alert(struct tls_session *s, int side, int level, int desc, uint64_t frame,
		      int64_t ts_ns)
{
	struct tls_alert a = { side, 0, level, desc, ts_ns, frame };

	VEC_PUSH(s->alerts, s->n_alerts, s->cap_alerts, a);
	if (level == 2) {
		s->handshake_done = 0;
		s->app_data[0] = s->app_data[1] = 0;
		s->encrypted_hs[0] = s->encrypted_hs[1] = 0;
		s->ccs[0] = s->ccs[1] = 0;
	}
}

/* ------------------------------------------------------------ configuration */

struct setup {
	struct analysis_config cfg;
	struct trust_ctx *trust;
	struct dns_table dns;
	struct rules_ctx ctx;
};

static void setup_init(struct setup *u)
{
	memset(u, 0, sizeof(*u));
	u->cfg.expiring_days = 30;
	u->cfg.keep_dns = 1;
	u->cfg.at_mode = AT_CAPTURE;
}

static void trust_add(struct setup *u, const char *file)
{
	u->cfg.trust_paths = xreallocarray(u->cfg.trust_paths, u->cfg.n_trust + 1, sizeof(char *));
	u->cfg.trust_paths[u->cfg.n_trust++] = xasprintf("%s/%s", data, file);
}

static void trust_for_add(struct setup *u, const char *ip, uint16_t port, const char *file)
{
	struct target_value *tv;

	u->cfg.trust_for = xreallocarray(u->cfg.trust_for, u->cfg.n_trust_for + 1,
					 sizeof(*u->cfg.trust_for));
	tv = &u->cfg.trust_for[u->cfg.n_trust_for++];
	ep_set(&tv->ep, ip, port);
	tv->value = xasprintf("%s/%s", data, file);
	tv->spec = xasprintf("%s=%s", ip, file);
}

static void name_add(struct setup *u, const char *ip, uint16_t port, const char *fqdn)
{
	struct target_value *tv;

	u->cfg.names = xreallocarray(u->cfg.names, u->cfg.n_names + 1, sizeof(*u->cfg.names));
	tv = &u->cfg.names[u->cfg.n_names++];
	ep_set(&tv->ep, ip, port);
	tv->value = xstrdup(fqdn);
	tv->spec = port ? xasprintf("%s:%u=%s", ip, port, fqdn) : xasprintf("%s=%s", ip, fqdn);
}

static void setup_load(struct setup *u)
{
	char err[512];
	struct session_report lint;

	memset(&lint, 0, sizeof(lint));
	u->trust = trust_new(&u->cfg, NULL, &lint, err, sizeof(err));
	if (!u->trust) {
		fprintf(stderr, "trust_new: %s\n", err);
		exit(1);
	}
	session_report_free(&lint);
	u->ctx.cfg = &u->cfg;
	u->ctx.trust = u->trust;
	u->ctx.dns = &u->dns;
	u->ctx.now = D_2026_06_01 + 86400 * 10;
}

static void setup_free(struct setup *u)
{
	size_t i;

	trust_free(u->trust);
	for (i = 0; i < u->cfg.n_trust; i++)
		free(u->cfg.trust_paths[i]);
	free(u->cfg.trust_paths);
	for (i = 0; i < u->cfg.n_trust_for; i++) {
		free(u->cfg.trust_for[i].value);
		free(u->cfg.trust_for[i].spec);
	}
	free(u->cfg.trust_for);
	for (i = 0; i < u->cfg.n_names; i++) {
		free(u->cfg.names[i].value);
		free(u->cfg.names[i].spec);
	}
	free(u->cfg.names);
	free(u->dns.v);
}

/* ------------------------------------------------------------ expectations */

struct exp {
	const char *id;
	int side, cert;
	enum basis basis;
};

static struct session_report *judge(struct setup *u, struct tls_session *s)
{
	struct session_report *r = xcalloc(1, sizeof(*r));

	r->s = s;
	rules_evaluate(&u->ctx, r);
	if (getenv("TEST_RULES_VERBOSE"))
		fprintf(stderr, "headline: %s\n", r->headline);
	return r;
}

static void report_done(struct session_report *r)
{
	tls_session_free(r->s);
	session_report_free(r);
	free(r);
}

static void dump(const char *name, const struct session_report *r)
{
	size_t i;

	fprintf(stderr, "  [%s] findings (%zu), verdict %s:\n", name, r->nf, verdict_str(r->verdict));
	for (i = 0; i < r->nf; i++)
		fprintf(stderr, "    %s %d %d %s %s: %s\n", r->f[i].id, r->f[i].side, r->f[i].cert,
			basis_str(r->f[i].basis), severity_str(r->f[i].sev), r->f[i].message);
}

/* The findings, as a set, must equal `e`. */
static void expect_set(const char *name, int line, const struct session_report *r,
		       const struct exp *e, size_t n)
{
	size_t i, j;
	int bad = 0;

	for (j = 0; j < n; j++) {
		int found = 0;

		for (i = 0; i < r->nf && !found; i++)
			found = strcmp(r->f[i].id, e[j].id) == 0 && r->f[i].side == e[j].side &&
				r->f[i].cert == e[j].cert && r->f[i].basis == e[j].basis;
		if (!found) {
			fprintf(stderr, "%s:%d: [%s] missing finding %s %d %d %s\n", __FILE__, line,
				name, e[j].id, e[j].side, e[j].cert, basis_str(e[j].basis));
			bad = 1;
		}
	}
	for (i = 0; i < r->nf; i++) {
		int found = 0;

		for (j = 0; j < n && !found; j++)
			found = strcmp(r->f[i].id, e[j].id) == 0 && r->f[i].side == e[j].side &&
				r->f[i].cert == e[j].cert && r->f[i].basis == e[j].basis;
		if (!found) {
			fprintf(stderr, "%s:%d: [%s] unexpected finding %s %d %d %s\n", __FILE__, line,
				name, r->f[i].id, r->f[i].side, r->f[i].cert,
				basis_str(r->f[i].basis));
			bad = 1;
		}
		/* every finding carries a message and advice */
		if (!r->f[i].message[0] || !r->f[i].advice[0]) {
			fprintf(stderr, "%s:%d: [%s] %s without message or advice\n", __FILE__, line,
				name, r->f[i].id);
			bad = 1;
		}
	}
	if (bad || getenv("TEST_RULES_VERBOSE"))
		dump(name, r);
	if (bad)
		t_fail++;
	else
		t_pass++;
}

#define EXPECT(name, r, ...)                                                           \
	do {                                                                           \
		static const struct exp e_[] = { __VA_ARGS__ };                        \
		expect_set(name, __LINE__, r, e_, sizeof(e_) / sizeof(e_[0]));         \
	} while (0)
#define EXPECT_NONE(name, r) expect_set(name, __LINE__, r, NULL, 0)

static const struct finding *find(const struct session_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nf; i++)
		if (strcmp(r->f[i].id, id) == 0)
			return &r->f[i];
	return NULL;
}

static int has_text(const char *hay, const char *needle)
{
	if (hay && strstr(hay, needle))
		return 1;
	fprintf(stderr, "    text \"%s\" not in: %s\n", needle, hay ? hay : "(null)");
	return 0;
}

/* One-chain session on a port, judged with a setup; returns the report. */
static struct session_report *run(struct setup *u, struct tls_session *s)
{
	return judge(u, s);
}

/* ------------------------------------------------------------ cases */

/* A healthy 7001 traversal: both chains from the enterprise CA, both
 * stores hold the root. No findings at all. */
static void test_clean(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, "root", "inter", NULL);
	set_chain(s, C, "cli", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("clean 7001 with store", r);
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	CHECK_EQ_STR(r->service, "Expressway traversal zone");
	CHECK_EQ_INT(r->cisco_uc, 1);
	CHECK_EQ_INT(r->chain[S].reaches_trust, 1);
	CHECK_EQ_INT(r->chain[S].path_len, 2);
	CHECK_EQ_INT(r->chain[S].status[0], CS_LINKED);
	CHECK_EQ_INT(r->chain[S].status[1], CS_TRUSTED_VIA_STORE);
	CHECK_EQ_INT(r->chain[S].n_store_path, 1);
	CHECK_EQ_INT(r->chain[C].reaches_trust, 1);
	CHECK_EQ_STR(r->expected_name, "srv.example.com");
	CHECK_EQ_STR(r->expected_name_source, "SNI");
	CHECK_EQ_INT(r->judged_at, D_2026_06_01);
	CHECK(has_text(r->headline, "no problems"));
	report_done(r);

	/* The same without any store: structure only, still clean. */
	setup_free(&u);
	setup_init(&u);
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	set_cr(s, "inter", NULL);
	set_chain(s, C, "cli", NULL);
	r = run(&u, s);
	EXPECT_NONE("clean 7001 leaf-only, no store", r);
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	CHECK_EQ_INT(r->chain[S].reaches_trust, -1);
	CHECK_EQ_INT(r->chain[S].status[0], CS_ISSUER_MISSING);
	CHECK_EQ_STR(r->chain[S].missing_issuer, "CN=Rules Test Issuing CA,O=tlsdiag rules test");
	CHECK_EQ_STR(r->chain[S].missing_issuer_url, "http://pki.example.test/rules-issuing-ca.crt");
	report_done(r);

	/* Full chain with the root sent, in order: still clean. */
	s = sess(443);
	set_chain(s, S, "srv", "inter", "root", NULL);
	r = run(&u, s);
	EXPECT_NONE("clean 443 full chain, no store", r);
	CHECK_EQ_INT(r->chain[S].root_sent, 1);
	CHECK_EQ_INT(r->chain[S].in_order, 1);
	CHECK_EQ_STR(r->chain[S].ends_at, "CN=Rules Test Root CA,O=tlsdiag rules test");
	report_done(r);
	setup_free(&u);
}

static void test_unknown_ca(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;
	const struct finding *f;

	setup_init(&u);
	trust_add(&u, "store-root.pem");
	/* a store for someone else, so that the pool knows the Other CA */
	trust_for_add(&u, "10.9.9.9", 0, "store-other.pem");
	setup_load(&u);

	s = sess(7001);
	set_chain(s, S, "srv-other", "other-inter", NULL);
	r = run(&u, s);
	EXPECT("unknown_ca: chain from another CA", r, { "unknown_ca", S, 1, P });
	f = find(r, "unknown_ca");
	CHECK(f && f->sev == SEV_ERROR);
	CHECK(f && has_text(f->message, "CN=Other Root CA"));
	CHECK(f && has_text(f->message, "not in the trust store given for 10.0.0.1"));
	CHECK(f && has_text(f->advice, "Maintenance > Security > Trusted CA certificate"));
	CHECK(f && has_text(f->advice, "Expressway-C"));
	CHECK_EQ_INT(r->verdict, VERDICT_FAILED);
	CHECK_EQ_INT(r->chain[S].reaches_trust, 0);
	report_done(r);

	/* an untrusted root sent by the peer */
	s = sess(7001);
	set_chain(s, S, "srv-other", "other-inter", "other-root", NULL);
	r = run(&u, s);
	EXPECT("unknown_ca: untrusted root sent", r, { "unknown_ca", S, 2, P });
	CHECK_EQ_INT(r->chain[S].status[2], CS_UNTRUSTED_ROOT);
	report_done(r);

	/* clean counterpart */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("unknown_ca clean", r);
	report_done(r);
	setup_free(&u);

	/* Nothing loaded knows the missing CA, but the server's own
	 * CertificateRequest names its organisation's root. */
	setup_init(&u);
	trust_add(&u, "store-other.pem");
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	set_cr(s, "root", "inter", NULL);
	add_alert(s, C, 2, 48, 6, s->chain[S].ts_ns + 500000);
	r = run(&u, s);
	EXPECT("unknown_ca, root named by the CertificateRequest", r, { "unknown_ca", S, 0, P },
	       { "fatal_alert", C, -1, O });
	f = find(r, "unknown_ca");
	CHECK(f && has_text(f->message, "own CertificateRequest (frame 4) lists CN=Rules Test Root "
					"CA,O=tlsdiag rules test"));
	CHECK(f && has_text(f->advice, "Upload the root CN=Rules Test Root CA,O=tlsdiag rules test "
				       "and the intermediate CN=Rules Test Issuing CA"));
	CHECK(has_text(r->headline, "Expressway-C 10.0.0.1 rejected the chain of Expressway-E "
				    "10.0.0.5 with unknown_ca"));
	report_done(r);
	setup_free(&u);

	/* Without a store, never invented. */
	setup_init(&u);
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv-other", "other-inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("unknown_ca never predicted without a store", r);
	report_done(r);
	setup_free(&u);
}

static void test_incomplete_chain(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;
	const struct finding *f;

	/* The receiver trusts the root only; the leaf comes alone. */
	setup_init(&u);
	trust_add(&u, "store-root.pem");
	trust_for_add(&u, "10.9.9.9", 0, "store-chain.pem"); /* the pool knows inter */
	setup_load(&u);
	s = sess(8443);
	set_chain(s, S, "srv", NULL);
	r = run(&u, s);
	EXPECT("incomplete_chain: intermediate missing", r, { "incomplete_chain", S, 0, P });
	f = find(r, "incomplete_chain");
	CHECK(f && has_text(f->message, "CN=Rules Test Issuing CA"));
	CHECK(f && has_text(f->message, "http://pki.example.test/rules-issuing-ca.crt"));
	CHECK(f && has_text(f->advice, "tomcat-trust"));
	report_done(r);

	/* clean: the intermediate is sent */
	s = sess(8443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("incomplete_chain clean", r);
	report_done(r);

	/* clean: the receiver holds the intermediate */
	s = sess(8443);
	set_chain(s, S, "srv", NULL);
	ep_set(&s->client, "10.9.9.9", 50000); /* the receiver holding inter */
	r = run(&u, s);
	EXPECT_NONE("incomplete_chain clean (receiver has inter)", r);
	report_done(r);
	setup_free(&u);

	/* Nothing loaded knows the intermediate, but the receiver trusts a
	 * root of the same organisation: an intermediate is missing ... */
	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);
	s = sess(443);
	set_chain(s, S, "srv", NULL);
	r = run(&u, s);
	EXPECT("incomplete_chain by organisation", r, { "incomplete_chain", S, 0, P });
	CHECK(has_text(find(r, "incomplete_chain")->message, "same organisation"));
	CHECK(has_text(find(r, "incomplete_chain")->message, "rules-issuing-ca.crt"));
	report_done(r);
	/* ... another organisation's CA: unknown_ca */
	s = sess(443);
	set_chain(s, S, "srv-other", NULL);
	r = run(&u, s);
	EXPECT("unknown_ca, other organisation", r, { "unknown_ca", S, 0, P });
	report_done(r);
	setup_free(&u);

	/* Structure only: leaf and root sent, the intermediate between missing. */
	setup_init(&u);
	setup_load(&u);
	s = sess(443);
	set_chain(s, S, "srv", "root", NULL);
	r = run(&u, s);
	EXPECT("incomplete_chain without store", r, { "incomplete_chain", S, 0, P },
	       { "chain_out_of_order", S, 1, P });
	report_done(r);
	setup_free(&u);
}

static void test_order(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);

	s = sess(443);
	set_chain(s, S, "srv", "root", "inter", NULL);
	r = run(&u, s);
	EXPECT("chain_out_of_order: root before intermediate", r, { "chain_out_of_order", S, 1, P });
	CHECK_EQ_INT(r->chain[S].in_order, 0);
	CHECK_EQ_INT(r->chain[S].path_len, 3);
	CHECK_EQ_INT(r->chain[S].path[1], 2);
	CHECK_EQ_INT(r->chain[S].reaches_trust, 1);
	CHECK_EQ_INT(r->verdict, VERDICT_WARNING);
	report_done(r);

	s = sess(443);
	set_chain(s, S, "srv", "inter", "other-root", NULL);
	r = run(&u, s);
	EXPECT("chain_out_of_order: unrelated extra", r, { "chain_out_of_order", S, 2, P });
	CHECK_EQ_INT(r->chain[S].status[2], CS_EXTRA);
	report_done(r);

	s = sess(443);
	set_chain(s, S, "srv", "inter", "inter", NULL);
	r = run(&u, s);
	EXPECT("chain_out_of_order: duplicate", r, { "chain_out_of_order", S, 2, P });
	CHECK(has_text(find(r, "chain_out_of_order")->message, "duplicate of #1"));
	report_done(r);

	s = sess(443);
	set_chain(s, S, "srv", "inter", "root", NULL);
	r = run(&u, s);
	EXPECT_NONE("chain order clean", r);
	CHECK_EQ_INT(r->chain[S].status[2], CS_TRUSTED_ROOT);
	report_done(r);
	setup_free(&u);
}

static void test_self_signed(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	setup_load(&u);
	s = sess(8443);
	set_chain(s, S, "self", NULL);
	r = run(&u, s);
	EXPECT("self_signed_leaf, no store", r, { "self_signed_leaf", S, 0, P });
	CHECK_EQ_INT(r->verdict, VERDICT_WARNING);
	report_done(r);
	setup_free(&u);

	/* The receiver trusts exactly that certificate: accepted, an info. */
	setup_init(&u);
	trust_add(&u, "self.pem");
	setup_load(&u);
	s = sess(8443);
	set_chain(s, S, "self", NULL);
	r = run(&u, s);
	EXPECT("self_signed_leaf pinned", r, { "self_signed_leaf", S, 0, P });
	CHECK(find(r, "self_signed_leaf")->sev == SEV_INFO);
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	CHECK_EQ_INT(r->chain[S].status[0], CS_TRUSTED_ROOT);
	report_done(r);
	s = sess(8443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("self_signed_leaf clean (CA-issued leaf, pinned store)", r,
	       { "unknown_ca", S, 1, P });
	report_done(r);
	setup_free(&u);

	/* Not trusted: unknown_ca too. */
	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);
	s = sess(8443);
	set_chain(s, S, "self", NULL);
	r = run(&u, s);
	EXPECT("self_signed_leaf untrusted", r, { "self_signed_leaf", S, 0, P },
	       { "unknown_ca", S, 0, P });
	report_done(r);
	setup_free(&u);
}

static void test_eku(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;
	const struct finding *f;

	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);

	/* 8443 is server-auth only: serverAuth needed, clientAuth not */
	s = sess(8443);
	set_chain(s, S, "clientonly", "inter", NULL);
	r = run(&u, s);
	EXPECT("missing_server_auth_eku", r, { "missing_server_auth_eku", S, 0, P });
	CHECK(find(r, "missing_server_auth_eku")->sev == SEV_ERROR);
	report_done(r);

	s = sess(8443);
	set_chain(s, S, "serveronly", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("serverAuth only on 8443 is fine", r);
	report_done(r);

	s = sess(8443);
	set_chain(s, S, "noeku", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("no EKU extension = any usage", r);
	report_done(r);

	/* 7001: the client's certificate needs clientAuth (the sunset case) */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, "root", "inter", NULL);
	set_chain(s, C, "serveronly", "inter", NULL);
	r = run(&u, s);
	EXPECT("missing_client_auth_eku on the client", r, { "missing_client_auth_eku", C, 0, P });
	f = find(r, "missing_client_auth_eku");
	CHECK(f && f->sev == SEV_ERROR);
	CHECK(f && has_text(f->advice, "2026"));
	CHECK(f && has_text(f->advice, "template that includes clientAuth"));
	CHECK(f && has_text(f->advice, "enterprise CA"));
	CHECK(f && has_text(f->advice, "dedicated client certificate"));
	CHECK(f && has_text(f->advice, "Maintenance > Security > Server certificate"));
	report_done(r);

	/* 7001 mutual: the server's certificate needs both (warning for the
	 * role it does not play in this session) */
	s = sess(7001);
	set_chain(s, S, "serveronly", "inter", NULL);
	r = run(&u, s);
	EXPECT("7001 server cert without clientAuth", r, { "missing_client_auth_eku", S, 0, P });
	CHECK(find(r, "missing_client_auth_eku")->sev == SEV_WARNING);
	report_done(r);

	s = sess(5061);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, NULL);
	set_chain(s, C, "clientonly", "inter", NULL);
	r = run(&u, s);
	EXPECT("5061 client cert without serverAuth", r, { "missing_server_auth_eku", C, 0, P });
	CHECK(find(r, "missing_server_auth_eku")->sev == SEV_WARNING);
	report_done(r);

	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, "root", "inter", NULL);
	set_chain(s, C, "cli", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("EKU clean on 7001", r);
	report_done(r);
	setup_free(&u);
}

static void test_key_usage(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);
	s = sess(443);
	set_chain(s, S, "kubad", "inter", NULL);
	r = run(&u, s);
	EXPECT("key_usage_mismatch on the leaf", r, { "key_usage_mismatch", S, 0, P });
	report_done(r);

	/* an issuer that is not a CA: checked on EVERY certificate */
	s = sess(443);
	set_chain(s, S, "under-notca", "notca-inter", "inter", NULL);
	r = run(&u, s);
	EXPECT("key_usage_mismatch on the issuer", r, { "key_usage_mismatch", S, 1, P });
	CHECK(has_text(find(r, "key_usage_mismatch")->message, "basicConstraints"));
	CHECK_EQ_INT(r->chain[S].path_len, 3);
	report_done(r);

	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("key usage clean", r);
	report_done(r);
	setup_free(&u);
}

static void test_names(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;
	const struct finding *f;

	setup_init(&u);
	setup_load(&u);

	s = sess(8443);
	free(s->ch.sni);
	s->ch.sni = xstrdup("cucm.example.com");
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("name_mismatch from SNI", r, { "name_mismatch", S, 0, P });
	f = find(r, "name_mismatch");
	CHECK(f && f->sev == SEV_ERROR);
	CHECK(f && has_text(f->message, "cucm.example.com (from SNI)"));
	CHECK(f && has_text(f->message, "srv.example.com, srv1.example.com"));
	report_done(r);

	s = sess(8443);
	free(s->ch.sni);
	s->ch.sni = xstrdup("SRV1.example.com.");
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("name match (case, trailing dot)", r);
	report_done(r);

	/* CN only when there is no SAN */
	s = sess(8443);
	set_chain(s, S, "nosan", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("CN match without SAN", r);
	report_done(r);
	s = sess(8443);
	free(s->ch.sni);
	s->ch.sni = xstrdup("other.example.com");
	set_chain(s, S, "nosan", "inter", NULL);
	r = run(&u, s);
	EXPECT("CN mismatch without SAN", r, { "name_mismatch", S, 0, P });
	report_done(r);

	/* --name, port-specific beats address-only */
	setup_free(&u);
	setup_init(&u);
	name_add(&u, "10.0.0.5", 0, "srv.example.com");
	name_add(&u, "10.0.0.5", 7001, "expe.example.com");
	setup_load(&u);
	s = sess(7001);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("name_mismatch from --name", r, { "name_mismatch", S, 0, P });
	CHECK_EQ_STR(r->expected_name, "expe.example.com");
	CHECK_EQ_STR(r->expected_name_source, "--name 10.0.0.5:7001");
	CHECK(has_text(find(r, "name_mismatch")->message, "--name 10.0.0.5:7001"));
	report_done(r);
	s = sess(5061);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("--name address-only match", r);
	CHECK_EQ_STR(r->expected_name_source, "--name 10.0.0.5");
	report_done(r);
	setup_free(&u);

	/* a DNS answer in the capture, before the session */
	setup_init(&u);
	setup_load(&u);
	{
		struct dns_seen d;

		memset(&d, 0, sizeof(d));
		d.family = 4;
		inet_pton(AF_INET, "10.0.0.5", d.addr);
		snprintf(d.name, sizeof(d.name), "srv9.example.com");
		d.ts_ns = (int64_t)D_2026_06_01 * NS - NS;
		d.frame = 3;
		VEC_PUSH(u.dns.v, u.dns.n, u.dns.cap, d);
		snprintf(d.name, sizeof(d.name), "late.example.com");
		d.ts_ns = (int64_t)D_2026_06_01 * NS + 5 * NS; /* after: ignored */
		d.frame = 30;
		VEC_PUSH(u.dns.v, u.dns.n, u.dns.cap, d);
	}
	s = sess(7001);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("name_mismatch from DNS", r, { "name_mismatch", S, 0, P });
	CHECK_EQ_STR(r->expected_name, "srv9.example.com");
	CHECK_EQ_STR(r->expected_name_source, "DNS answer (frame 3)");
	CHECK(find(r, "name_mismatch")->sev == SEV_WARNING);
	report_done(r);
	setup_free(&u);
}

static void test_ip_peer(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	setup_load(&u);
	/* HTTPS clients send SNI when they dial a name: none means an address */
	s = sess(8443);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("ip_address_peer", r, { "ip_address_peer", S, 0, P });
	CHECK(has_text(find(r, "ip_address_peer")->message, "10.0.0.5"));
	CHECK(has_text(r->expected_name_source, "no SNI"));
	report_done(r);

	s = sess(8443);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "ipsan", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("ip_address_peer clean (SAN iPAddress)", r);
	report_done(r);

	/* SIP stacks often send no SNI: alone it says nothing ... */
	s = sess(5061);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("no SNI on 5061", r);
	CHECK(r->expected_name == NULL);
	report_done(r);
	/* ... but with a rejection the way a name check fails, it explains it */
	s = sess(5061);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	add_alert(s, C, 2, 42, 6, s->chain[S].ts_ns + 900000);
	r = run(&u, s);
	EXPECT("ip_address_peer from the rejection", r, { "ip_address_peer", S, 0, P },
	       { "fatal_alert", C, -1, O });
	CHECK(has_text(r->headline, "agrees"));
	CHECK(has_text(r->headline, "most likely dialled the address 10.0.0.5"));
	report_done(r);
	/* ... unless something certain explains it */
	s = sess(5061);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "kubad", "inter", NULL);
	add_alert(s, C, 2, 42, 6, s->chain[S].ts_ns + 900000);
	r = run(&u, s);
	EXPECT("rejection explained by key usage", r, { "key_usage_mismatch", S, 0, P },
	       { "fatal_alert", C, -1, O });
	report_done(r);

	/* phones trust TVS by certificate (ITL), not by name */
	s = sess(2445);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("no name rule on TVS without a name", r);
	report_done(r);
	setup_free(&u);

	/* --name with an address: certain, so an error */
	setup_init(&u);
	name_add(&u, "10.0.0.5", 0, "10.0.0.5");
	setup_load(&u);
	s = sess(5061);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("ip_address_peer from --name", r, { "ip_address_peer", S, 0, P });
	CHECK(find(r, "ip_address_peer")->sev == SEV_ERROR);
	report_done(r);
	setup_free(&u);
}

static void test_cisco_rules(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	setup_load(&u);

	s = sess(7001);
	free(s->ch.sni);
	s->ch.sni = xstrdup("expe.example.com");
	set_chain(s, S, "wildcard", "inter", NULL);
	r = run(&u, s);
	EXPECT("wildcard on 7001", r, { "wildcard", S, 0, P });
	CHECK(find(r, "wildcard")->sev == SEV_WARNING);
	report_done(r);
	s = sess(443);
	free(s->ch.sni);
	s->ch.sni = xstrdup("www.example.com");
	set_chain(s, S, "wildcard", "inter", NULL);
	r = run(&u, s);
	EXPECT("wildcard on 443 is info", r, { "wildcard", S, 0, P });
	CHECK(find(r, "wildcard")->sev == SEV_INFO);
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	report_done(r);
	/* RFC 6125: one label only */
	s = sess(443);
	free(s->ch.sni);
	s->ch.sni = xstrdup("a.b.example.com");
	set_chain(s, S, "wildcard", "inter", NULL);
	r = run(&u, s);
	EXPECT("wildcard matches one label", r, { "wildcard", S, 0, P }, { "name_mismatch", S, 0, P });
	report_done(r);

	s = sess(7001);
	set_chain(s, S, "rsa8192", "inter", NULL);
	r = run(&u, s);
	EXPECT("rsa_key_8192 on 7001", r, { "rsa_key_8192", S, 0, P });
	CHECK(find(r, "rsa_key_8192")->sev == SEV_ERROR);
	report_done(r);
	s = sess(443);
	set_chain(s, S, "rsa8192", "inter", NULL);
	r = run(&u, s);
	EXPECT("rsa_key_8192 on 443 is info", r, { "rsa_key_8192", S, 0, P });
	CHECK(find(r, "rsa_key_8192")->sev == SEV_INFO);
	report_done(r);

	s = sess(5061);
	set_chain(s, S, "longsan", "inter", NULL);
	r = run(&u, s);
	EXPECT("san_too_long", r, { "san_too_long", S, 0, P });
	CHECK(has_text(find(r, "san_too_long")->message, "999"));
	report_done(r);

	s = sess(7001);
	set_chain(s, S, "oddoid", "inter", NULL);
	r = run(&u, s);
	EXPECT("unusual_subject_oid", r, { "unusual_subject_oid", S, 0, P });
	CHECK(has_text(find(r, "unusual_subject_oid")->message, "1.3.6.1.4.1.6449.1.2.1.5.1"));
	report_done(r);

	s = sess(7001);
	set_chain(s, S, "sha1", "inter", NULL);
	r = run(&u, s);
	EXPECT("weak_signature_sha1", r, { "weak_signature_sha1", S, 0, P });
	report_done(r);

	s = sess(2445);
	set_chain(s, S, "rsa1024", "inter", NULL);
	r = run(&u, s);
	EXPECT("weak_key", r, { "weak_key", S, 0, P });
	report_done(r);

	/* clean counterpart for all of them; a self-signed root's own SHA-256
	 * signature is fine and its subject standard */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", "root", NULL);
	r = run(&u, s);
	EXPECT_NONE("Cisco rules clean", r);
	report_done(r);
	setup_free(&u);
}

static void test_dates(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	setup_load(&u);

	/* (c) the same session judged at fixed times before and after expiry */
	u.cfg.at_mode = AT_FIXED;
	u.cfg.at = D_2026_06_01;
	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("AT_FIXED before expiry", r);
	CHECK_EQ_INT(r->judged_at, D_2026_06_01);
	report_done(r);
	u.cfg.at = D_2027_02_01;
	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("AT_FIXED after expiry", r, { "expired", S, 0, P });
	CHECK(find(r, "expired")->sev == SEV_ERROR);
	CHECK(has_text(find(r, "expired")->message, "2027-01-01"));
	CHECK(has_text(find(r, "expired")->message, "--at"));
	CHECK_EQ_INT(r->verdict, VERDICT_FAILED);
	report_done(r);

	u.cfg.at = D_2024_06_01;
	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("not_yet_valid", r, { "not_yet_valid", S, 0, P });
	report_done(r);

	u.cfg.at = D_2026_12_15;
	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("expiring_soon", r, { "expiring_soon", S, 0, P });
	CHECK(has_text(find(r, "expiring_soon")->message, "17 days"));
	CHECK_EQ_INT(r->verdict, VERDICT_WARNING);
	report_done(r);
	u.cfg.expiring_days = 10;
	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("expiring_soon outside --expiring-days", r);
	report_done(r);
	u.cfg.expiring_days = 30;

	/* every certificate: in 2036 the intermediate has expired too */
	u.cfg.at = D_2036_01_01;
	s = sess(443);
	set_chain(s, S, "srv", "inter", "root", NULL);
	r = run(&u, s);
	EXPECT("expired leaf and intermediate", r, { "expired", S, 0, P }, { "expired", S, 1, P });
	report_done(r);

	/* ... and the trust store's intermediate that completes a leaf-only
	 * chain is checked too */
	setup_free(&u);
	setup_init(&u);
	trust_add(&u, "store-chain.pem");
	setup_load(&u);
	u.cfg.at_mode = AT_FIXED;
	u.cfg.at = D_2036_01_01;
	s = sess(443);
	set_chain(s, S, "srv", NULL);
	r = run(&u, s);
	EXPECT("expired store intermediate", r, { "expired", S, 0, P }, { "expired", S, -1, P });
	report_done(r);
	u.cfg.at = D_2026_06_01;
	s = sess(443);
	set_chain(s, S, "srv", NULL);
	r = run(&u, s);
	EXPECT_NONE("store intermediate valid", r);
	CHECK_EQ_INT(r->chain[S].n_store_path, 2);
	report_done(r);

	/* judged at capture time; as of now it differs: say both */
	u.cfg.at_mode = AT_CAPTURE;
	u.ctx.now = D_2027_06_01;
	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("valid when captured, expired now (a headline note, not a finding)", r);
	CHECK(has_text(r->headline, "no problems found"));
	CHECK(has_text(r->headline, "was valid when captured (2026-06-01) but has expired since"));
	CHECK(has_text(r->headline, "as of now, 2027-06-01"));
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	report_done(r);
	s = sess(443);
	s->start_ts = (int64_t)D_2026_12_15 * NS;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("expiring when captured, expired now", r, { "expiring_soon", S, 0, P });
	CHECK(has_text(find(r, "expiring_soon")->message, "As of now (2027-06-01) it has expired"));
	report_done(r);
	/* AT_NOW */
	u.cfg.at_mode = AT_NOW;
	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("AT_NOW", r, { "expired", S, 0, P });
	CHECK(find(r, "expired")->sev == SEV_ERROR);
	CHECK_EQ_INT(r->judged_at, D_2027_06_01);
	report_done(r);
	setup_free(&u);
}

static void test_client_auth(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	setup_load(&u);

	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, "other-root", "other-inter", NULL);
	set_chain(s, C, "cli", "inter", NULL);
	r = run(&u, s);
	EXPECT("ca_not_acceptable", r, { "ca_not_acceptable", C, 0, P });
	CHECK(has_text(find(r, "ca_not_acceptable")->message, "CN=Other Root CA"));
	report_done(r);

	/* the root is listed: the path from the client's chain reaches it */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, "root", NULL);
	set_chain(s, C, "cli", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("ca_not_acceptable clean", r);
	report_done(r);
	/* an empty list says nothing */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, NULL);
	set_chain(s, C, "cli", NULL);
	r = run(&u, s);
	EXPECT_NONE("empty CA list", r);
	report_done(r);

	/* asked, and the client sent nothing; the server then refused */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, NULL);
	set_chain(s, C, NULL);
	add_alert(s, S, 2, 40, 8, s->chain[C].ts_ns + 300000);
	r = run(&u, s);
	EXPECT("client_cert_missing", r, { "client_cert_missing", C, -1, P },
	       { "fatal_alert", S, -1, O });
	CHECK(find(r, "client_cert_missing")->sev == SEV_ERROR);
	CHECK(has_text(r->headline, "sent no client certificate"));
	CHECK(has_text(r->headline, "handshake_failure"));
	CHECK(has_text(r->headline, "agrees"));
	report_done(r);
	setup_free(&u);
}

static void test_alerts(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;
	const struct finding *f;

	/* With a store for the client: predicted and observed agree. */
	setup_init(&u);
	trust_for_add(&u, "10.0.0.1", 0, "store-other.pem");
	trust_for_add(&u, "10.0.0.5", 0, "store-chain.pem");
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	add_alert(s, C, 2, 48, 6, s->chain[S].ts_ns + 500000);
	r = run(&u, s);
	EXPECT("fatal_alert unknown_ca, agreeing", r, { "unknown_ca", S, 0, P },
	       { "fatal_alert", C, -1, O });
	f = find(r, "fatal_alert");
	CHECK(f && f->frame == 6);
	CHECK(has_text(r->headline, "Expressway-C 10.0.0.1 rejected the chain of Expressway-E "
				    "10.0.0.5 with unknown_ca (frame 6, 0.5 ms after the "
				    "Certificate in frame 4)."));
	CHECK(has_text(r->headline, "agrees"));
	/* the pool (the E's own store) names the root and the intermediate */
	CHECK(has_text(r->headline, "ends at CN=Rules Test Root CA"));
	CHECK(has_text(r->headline, "the intermediate CN=Rules Test Issuing CA"));
	CHECK(f && has_text(f->advice, "Trusted CA certificate"));
	CHECK_EQ_INT(r->verdict, VERDICT_FAILED);
	report_done(r);
	setup_free(&u);

	/* No store: the alert is the only word on trust. */
	setup_init(&u);
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	add_alert(s, C, 2, 48, 6, s->chain[S].ts_ns + 500000);
	r = run(&u, s);
	EXPECT("fatal_alert unknown_ca, no store", r, { "unknown_ca", S, 0, O },
	       { "fatal_alert", C, -1, O });
	CHECK(has_text(r->headline, "--trust"));
	CHECK(has_text(r->headline, "stops at CN=srv.example.com,O=tlsdiag rules test: its issuer "
				    "CN=Rules Test Issuing CA,O=tlsdiag rules test was not sent"));
	report_done(r);

	/* The server rejects the client's chain: blame on the client chain. */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, NULL);
	set_chain(s, C, "serveronly", "inter", NULL);
	add_alert(s, S, 2, 43, 8, s->chain[C].ts_ns + 2000000);
	r = run(&u, s);
	EXPECT("server rejects client chain", r, { "missing_client_auth_eku", C, 0, P },
	       { "fatal_alert", S, -1, O });
	CHECK(has_text(r->headline, "Expressway-E 10.0.0.5 rejected the chain of Expressway-C "
				    "10.0.0.1 with unsupported_certificate (frame 8, 2.0 ms after"));
	CHECK(has_text(r->headline, "missing_client_auth_eku"));
	CHECK(has_text(find(r, "fatal_alert")->advice, "2026"));
	report_done(r);

	/* An alert that answers no chain: ended after the ClientHello. */
	s = sess(5061);
	s->sh.present = 0;
	s->version = 0;
	{
		struct ladder_entry l = { LAD_HANDSHAKE, C, HS_CLIENT_HELLO, 200, s->start_ts, 1 };

		VEC_PUSH(s->ladder, s->n_ladder, s->cap_ladder, l);
	}
	add_alert(s, S, 2, 40, 2, s->start_ts + 300000);
	r = run(&u, s);
	EXPECT("handshake_failure after ClientHello", r, { "fatal_alert", S, -1, O });
	CHECK(has_text(r->headline, "The SIP server 10.0.0.5 ended the handshake with handshake_failure "
				    "(frame 2, 0.3 ms after the ClientHello in frame 1)"));
	CHECK_EQ_INT(r->verdict, VERDICT_FAILED);
	report_done(r);

	/* close_notify and warnings are no failure; a clean counterpart */
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	add_alert(s, C, 1, 0, 11, s->start_ts + 9000000);
	add_alert(s, S, 1, 112, 3, s->start_ts + 1000000);
	r = run(&u, s);
	EXPECT_NONE("close_notify is not a failure", r);
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	report_done(r);

	/* an encrypted alert after the handshake: close_notify */
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	{
		struct tls_alert a = { C, 1, -1, -1, s->start_ts + 9000000, 11 };

		VEC_PUSH(s->alerts, s->n_alerts, s->cap_alerts, a);
	}
	r = run(&u, s);
	EXPECT_NONE("encrypted alert after the handshake", r);
	report_done(r);
	setup_free(&u);
}

static void test_tls13_and_gaps(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);

	s = sess(7001);
	s->tls13 = 1;
	s->version = s->sh.version = 0x0304;
	r = run(&u, s);
	EXPECT("TLS 1.3", r, { "certs_not_visible_tls13", S, -1, O });
	CHECK(has_text(find(r, "certs_not_visible_tls13")->message, "encrypted"));
	CHECK(has_text(find(r, "certs_not_visible_tls13")->advice, "TLS 1.2"));
	CHECK(has_text(find(r, "certs_not_visible_tls13")->advice, "SSLKEYLOGFILE"));
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	report_done(r);

	/* TLS 1.3 and an encrypted alert before the end of the handshake */
	s = sess(7001);
	s->tls13 = 1;
	s->version = s->sh.version = 0x0304;
	s->handshake_done = 0;
	s->app_data[0] = s->app_data[1] = 0;
	{
		struct tls_alert a = { C, 1, -1, -1, s->start_ts + 4000000, 7 };

		VEC_PUSH(s->alerts, s->n_alerts, s->cap_alerts, a);
	}
	r = run(&u, s);
	EXPECT("TLS 1.3 encrypted rejection", r, { "certs_not_visible_tls13", S, -1, O },
	       { "fatal_alert", C, -1, O });
	CHECK(has_text(r->headline, "encrypted alert"));
	report_done(r);

	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	{
		struct tls_note n = { NOTE_GAP, S, 1, 1448, s->start_ts + 2000000, 4, NULL };

		n.text = xstrdup("1448 bytes missing");
		VEC_PUSH(s->notes, s->n_notes, s->cap_notes, n);
	}
	r = run(&u, s);
	EXPECT("capture_gap", r, { "capture_gap", S, -1, O });
	CHECK_EQ_INT(r->verdict, VERDICT_INCOMPLETE);
	report_done(r);

	/* a gap after the handshake is not a handshake gap */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	{
		struct tls_note n = { NOTE_GAP, S, 0, 100, s->start_ts + 9000000, 20, NULL };

		VEC_PUSH(s->notes, s->n_notes, s->cap_notes, n);
	}
	r = run(&u, s);
	EXPECT_NONE("gap after the handshake", r);
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	report_done(r);

	/* capture started mid-handshake: incomplete, no finding */
	s = sess(7001);
	s->ch.present = 0;
	s->sh.present = 0;
	s->handshake_done = 0;
	s->app_data[0] = s->app_data[1] = 0;
	s->flow_midstream = 1;
	r = run(&u, s);
	EXPECT_NONE("midstream", r);
	CHECK_EQ_INT(r->verdict, VERDICT_INCOMPLETE);
	CHECK(has_text(r->headline, "not seen completely"));
	report_done(r);
	setup_free(&u);
}

static void test_shadowing(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;
	const struct finding *f;

	/* root2 (other key, same subject) comes first in the store */
	setup_init(&u);
	trust_add(&u, "store-shadow.pem");
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	r = run(&u, s);
	EXPECT("trust_store_shadowing", r, { "trust_store_shadowing", -1, -1, P });
	f = find(r, "trust_store_shadowing");
	CHECK(f && f->sev == SEV_ERROR);
	CHECK(f && has_text(f->message, "Expressway searches by subject and stops at the first "
					"match"));
	report_done(r);

	s = sess(7001);
	set_chain(s, S, "srv", "inter", "root", NULL);
	r = run(&u, s);
	EXPECT("trust_store_shadowing (root sent)", r, { "trust_store_shadowing", -1, -1, P });
	CHECK(has_text(find(r, "trust_store_shadowing")->message, "(certificate #2)"));
	report_done(r);
	setup_free(&u);

	setup_init(&u);
	trust_add(&u, "store-chain.pem");
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	r = run(&u, s);
	EXPECT_NONE("trust_store_shadowing clean", r);
	report_done(r);
	setup_free(&u);
}

/* Hostile input: an undecodable certificate first, or in the middle. */
static void test_unparseable(void)
{
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	struct cert_info *bad = x509_decode(junk, sizeof(junk));
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	CHECK(bad && !bad->parse_ok);
	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, NULL);
	s->chain[S].certs = xcalloc(2, sizeof(struct cert_info *));
	s->chain[S].certs[0] = bad;
	s->chain[S].certs[1] = cert("inter");
	s->chain[S].n = 2;
	r = run(&u, s);
	EXPECT("undecodable leaf", r, { "chain_out_of_order", S, 1, P });
	CHECK_EQ_INT(r->chain[S].status[0], CS_UNPARSEABLE);
	report_done(r);

	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	s->chain[S].certs = xreallocarray(s->chain[S].certs, 3, sizeof(struct cert_info *));
	s->chain[S].certs[1] = bad;
	s->chain[S].certs[2] = cert("inter");
	s->chain[S].n = 3;
	r = run(&u, s);
	EXPECT("undecodable in the middle", r, { "chain_out_of_order", S, 1, P });
	CHECK_EQ_INT(r->chain[S].status[1], CS_UNPARSEABLE);
	CHECK_EQ_INT(r->chain[S].reaches_trust, 1);
	report_done(r);
	setup_free(&u);
	cert_info_free(bad);
}

/* Certificates of the X.509 differential corpus (tests/x509/corpus). */
#define CORPUS(name) ("../../../x509/corpus/" name)

/*
 * Re-encode a Name in place (test data, not wire input): every
 * PrintableString becomes a UTF8String and the other way round, and ASCII
 * letters change case. RFC 5280 §7.1 makes it the same name.
 */
static void reencode_name(uint8_t *p, size_t n)
{
	size_t i = 2;

	while (i + 1 < n) {
		uint8_t tag = p[i], len = p[i + 1];

		if (tag == 0x31 || tag == 0x30) { /* RDN SET, AttributeTypeAndValue */
			i += 2;
			continue;
		}
		if ((tag == 0x13 || tag == 0x0c) && i + 2 + len <= n) {
			p[i] = tag == 0x13 ? 0x0c : 0x13;
			for (size_t k = i + 2; k < i + 2 + len; k++)
				if ((p[k] | 0x20) >= 'a' && (p[k] | 0x20) <= 'z')
					p[k] ^= 0x20;
		}
		i += 2 + (size_t)len;
	}
}

static void test_reencoded_names(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;
	const struct cert_info *leaf = cert(CORPUS("names/issuer-case-and-spaces"));
	const struct cert_info *ca = cert(CORPUS("names/ca"));

	/* The issuer field spells the CA's name otherwise (case, spaces,
	 * PrintableString for UTF8String): it still names that CA, the
	 * signature verifies, the chain links. */
	CHECK(strcmp(leaf->issuer.rfc4514, ca->subject.rfc4514) != 0);
	CHECK_EQ_INT(chain_issued_by(leaf, ca), 1);
	CHECK_EQ_INT(chain_issued_by(cert(CORPUS("names/issuer-bmp")), ca), 1);
	CHECK_EQ_INT(chain_issued_by(cert(CORPUS("names/issuer-utf8-for-printable")), ca), 1);
	setup_init(&u);
	setup_load(&u);
	s = sess(443);
	set_chain(s, S, CORPUS("names/issuer-case-and-spaces"), CORPUS("names/ca"), NULL);
	r = run(&u, s);
	CHECK_EQ_INT(r->chain[S].path_len, 2);
	CHECK_EQ_INT(r->chain[S].status[0], CS_LINKED);
	CHECK(find(r, "incomplete_chain") == NULL && find(r, "unknown_ca") == NULL);
	report_done(r);

	/* The server's CertificateRequest lists the issuing CA re-encoded:
	 * the client's certificate is still acceptable. */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, "inter", NULL);
	reencode_name(s->cr.ca_der[0], s->cr.ca_der_len[0]);
	CHECK(memcmp(s->cr.ca_der[0], cert("inter")->subject.der, s->cr.ca_der_len[0]) != 0);
	set_chain(s, C, "cli", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("ca_not_acceptable, CA name re-encoded", r);
	report_done(r);
	/* ... but another name is another name */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, "inter", NULL);
	s->cr.ca_der[0][s->cr.ca_der_len[0] - 1] ^= 0x01;
	set_chain(s, C, "cli", "inter", NULL);
	r = run(&u, s);
	EXPECT("ca_not_acceptable, another name", r, { "ca_not_acceptable", C, 0, P });
	report_done(r);
	setup_free(&u);
}

/* A server chain of corpus certificates on 443, the client asking for sni. */
static struct session_report *corpus_chain(struct setup *u, const char *sni, const char *leaf,
					   const char *ca)
{
	struct tls_session *s = sess(443);

	free(s->ch.sni);
	s->ch.sni = xstrdup(sni);
	set_chain(s, S, leaf, ca, NULL);
	return run(u, s);
}

/* unknown_critical_extension: a critical extension validators do not
 * process, the CT precertificate poison, and critical ones they do. */
static void test_critical_extensions(void)
{
	struct setup u;
	struct session_report *r;
	const struct finding *f;

	setup_init(&u);
	setup_load(&u);
	r = corpus_chain(&u, "unknown-critical.example.com", CORPUS("exts/unknown-critical"),
			 CORPUS("exts/ca"));
	EXPECT("unknown critical extension", r, { "unknown_critical_extension", S, 0, P });
	f = find(r, "unknown_critical_extension");
	CHECK(f && f->sev == SEV_ERROR);
	CHECK(f && has_text(f->message, "1.3.6.1.4.1.55555.7.1"));
	report_done(r);

	r = corpus_chain(&u, "precert.example.com", CORPUS("exts/ct-poison"), CORPUS("exts/ca"));
	EXPECT("CT precertificate", r, { "unknown_critical_extension", S, 0, P });
	f = find(r, "unknown_critical_extension");
	CHECK(f && has_text(f->message, "precertificate"));
	report_done(r);

	/* a critical AKI: RFC 5280 says never critical, OpenSSL rejects it */
	r = corpus_chain(&u, "critical-aki.example.com", CORPUS("exts/critical-aki"),
			 CORPUS("exts/ca"));
	EXPECT("critical AKI", r, { "unknown_critical_extension", S, 0, P });
	report_done(r);

	/* critical extensions validators process: nothing to say */
	r = corpus_chain(&u, "eku-critical.example.com", CORPUS("exts/eku-critical"),
			 CORPUS("exts/ca"));
	CHECK(find(r, "unknown_critical_extension") == NULL);
	report_done(r);
	r = corpus_chain(&u, "policy-mappings.example.com", CORPUS("exts/policy-mappings"),
			 CORPUS("exts/ca"));
	CHECK(find(r, "unknown_critical_extension") == NULL);
	report_done(r);
	setup_free(&u);
}

/* A date that does not parse (openssl: "Bad time value") is not judged:
 * before, it read as 1970 and made the certificate "expired". */
static void test_bad_dates(void)
{
	struct setup u;
	struct session_report *r;

	setup_init(&u);
	setup_load(&u);
	CHECK(cert(CORPUS("dates/bad-local-time"))->not_after_bad);
	r = corpus_chain(&u, "genconf.example.com", CORPUS("dates/bad-local-time"),
			 CORPUS("genconf/ca"));
	CHECK(find(r, "expired") == NULL && find(r, "not_yet_valid") == NULL &&
	      find(r, "expiring_soon") == NULL);
	report_done(r);
	setup_free(&u);
}

static void test_name_match(void)
{
	CHECK(rule_name_match("srv.example.com", "SRV.Example.com"));
	CHECK(rule_name_match("*.example.com", "a.example.com"));
	CHECK(!rule_name_match("*.example.com", "example.com"));
	CHECK(!rule_name_match("*.example.com", "a.b.example.com"));
	CHECK(!rule_name_match("*.com", "example.com"));
	CHECK(!rule_name_match("a*.example.com", "ab.example.com"));
	CHECK(!rule_name_match("*.*.example.com", "a.b.example.com"));
	CHECK(!rule_name_match("", "a"));
	CHECK(rule_name_match("srv.example.com.", "srv.example.com"));
}

static void test_services(void)
{
	struct analysis_config c;
	struct port_name pn[2] = { { 7002, (char *)"traversal", 0 }, { 9999, (char *)"My App", 1 } };
	int uc = -1;

	memset(&c, 0, sizeof(c));
	CHECK_EQ_STR(service_lookup(&c, 7001, &uc), "Expressway traversal zone");
	CHECK_EQ_INT(uc, 1);
	CHECK_EQ_STR(service_lookup(&c, 8443, &uc), "CUCM Tomcat HTTPS");
	CHECK_EQ_STR(service_lookup(&c, 2445, &uc), "CUCM Trust Verification Service (TVS)");
	CHECK_EQ_STR(service_lookup(&c, 5061, &uc), "SIP over TLS");
	CHECK(service_lookup(&c, 12345, &uc) == NULL);
	CHECK_EQ_INT(uc, 0);
	c.ports = pn;
	c.n_ports = 2;
	CHECK_EQ_STR(service_lookup(&c, 7002, &uc), "traversal");
	CHECK_EQ_INT(uc, 1);
	CHECK_EQ_STR(service_lookup(&c, 9999, &uc), "My App");
	CHECK_EQ_INT(uc, 1);
	{
		struct service_def d;

		service_get(&c, 7002, &d);
		CHECK_EQ_STR(d.role[SIDE_CLIENT], "Expressway-C");
		CHECK_EQ_INT(d.mutual, 1);
		service_get(&c, 9999, &d);
		CHECK_EQ_STR(service_role(&d, SIDE_SERVER), "the server");
	}
}

int main(void)
{
	const char *top = getenv("top_srcdir");

	snprintf(data, sizeof(data), "%s/tests/unit/data/rules", top ? top : ".");
	test_name_match();
	test_services();
	test_clean();
	test_unknown_ca();
	test_incomplete_chain();
	test_order();
	test_self_signed();
	test_eku();
	test_key_usage();
	test_names();
	test_ip_peer();
	test_cisco_rules();
	test_dates();
	test_client_auth();
	test_alerts();
	test_tls13_and_gaps();
	test_shadowing();
	test_unparseable();
	test_reencoded_names();
	test_critical_extensions();
	test_bad_dates();
	certs_free();
	return t_done("test_rules");
}

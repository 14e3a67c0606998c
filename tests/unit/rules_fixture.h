/*
 * rules_fixture.h - what the rules tests share (test_rules.c,
 * test_rules_cert.c): certificates from tests/unit/data/rules by name,
 * hand-built sessions, trust stores and names, and expectations of the
 * EXACT set of findings a session gets.
 */
#ifndef TLSDIAG_RULES_FIXTURE_H
#define TLSDIAG_RULES_FIXTURE_H

#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/xalloc.h"
#include "dissect/x509.h"
#include "rules/rule_int.h"
#include "rules/notes.h"
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

static inline struct cert_info *cert(const char *name)
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

static inline void certs_free(void)
{
	size_t i;

	for (i = 0; i < ncerts; i++) {
		free(certs[i].name);
		cert_info_free(certs[i].c);
	}
}

/* ------------------------------------------------------------ sessions */

static inline void ep_set(struct endpoint *ep, const char *ip, uint16_t port)
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
static inline struct tls_session *sess(uint16_t port)
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

static inline void set_chain(struct tls_session *s, int side, ...)
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

static inline void set_cr(struct tls_session *s, ...)
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
static inline void add_alert(struct tls_session *s, int side, int level, int desc, uint64_t frame,
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

static inline void setup_init(struct setup *u)
{
	memset(u, 0, sizeof(*u));
	u->cfg.expiring_days = 30;
	u->cfg.keep_dns = 1;
	u->cfg.at_mode = AT_CAPTURE;
}

static inline void trust_add(struct setup *u, const char *file)
{
	u->cfg.trust_paths = xreallocarray(u->cfg.trust_paths, u->cfg.n_trust + 1, sizeof(char *));
	u->cfg.trust_paths[u->cfg.n_trust++] = xasprintf("%s/%s", data, file);
}

static inline void trust_for_add(struct setup *u, const char *ip, uint16_t port, const char *file)
{
	struct target_value *tv;

	u->cfg.trust_for = xreallocarray(u->cfg.trust_for, u->cfg.n_trust_for + 1,
					 sizeof(*u->cfg.trust_for));
	tv = &u->cfg.trust_for[u->cfg.n_trust_for++];
	ep_set(&tv->ep, ip, port);
	tv->value = xasprintf("%s/%s", data, file);
	tv->spec = xasprintf("%s=%s", ip, file);
}

static inline void name_add(struct setup *u, const char *ip, uint16_t port, const char *fqdn)
{
	struct target_value *tv;

	u->cfg.names = xreallocarray(u->cfg.names, u->cfg.n_names + 1, sizeof(*u->cfg.names));
	tv = &u->cfg.names[u->cfg.n_names++];
	ep_set(&tv->ep, ip, port);
	tv->value = xstrdup(fqdn);
	tv->spec = port ? xasprintf("%s:%u=%s", ip, port, fqdn) : xasprintf("%s=%s", ip, fqdn);
}

static inline void setup_load(struct setup *u)
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

static inline void setup_free(struct setup *u)
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
	dns_table_free(&u->dns);
}

/* ------------------------------------------------------------ expectations */

struct exp {
	const char *id;
	int side, cert;
	enum basis basis;
};

static inline struct session_report *judge(struct setup *u, struct tls_session *s)
{
	struct session_report *r = xcalloc(1, sizeof(*r));

	r->s = s;
	rules_evaluate(&u->ctx, r);
	if (getenv("TEST_RULES_VERBOSE"))
		fprintf(stderr, "headline: %s\n", r->headline);
	return r;
}

static inline void report_done(struct session_report *r)
{
	tls_session_free(r->s);
	session_report_free(r);
	free(r);
}

static inline void dump(const char *name, const struct session_report *r)
{
	size_t i;

	fprintf(stderr, "  [%s] findings (%zu), verdict %s:\n", name, r->nf,
		verdict_str(r->verdict));
	for (i = 0; i < r->nf; i++)
		fprintf(stderr, "    %s %d %d %s %s: %s\n", r->f[i].id, r->f[i].side, r->f[i].cert,
			basis_str(r->f[i].basis), severity_str(r->f[i].sev), r->f[i].message);
}

/* The findings, as a set, must equal `e`. */
static inline void expect_set(const char *name, int line, const struct session_report *r,
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
			fprintf(stderr, "%s:%d: [%s] unexpected finding %s %d %d %s\n", __FILE__,
				line, name, r->f[i].id, r->f[i].side, r->f[i].cert,
				basis_str(r->f[i].basis));
			bad = 1;
		}
		/* every finding carries a message and advice */
		if (!r->f[i].message[0] || !r->f[i].advice[0]) {
			fprintf(stderr, "%s:%d: [%s] %s without message or advice\n", __FILE__,
				line, name, r->f[i].id);
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

#define EXPECT(name, r, ...)                                                                       \
	do {                                                                                       \
		static const struct exp e_[] = { __VA_ARGS__ };                                    \
		expect_set(name, __LINE__, r, e_, sizeof(e_) / sizeof(e_[0]));                     \
	} while (0)
#define EXPECT_NONE(name, r) expect_set(name, __LINE__, r, NULL, 0)

static inline const struct finding *find(const struct session_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nf; i++)
		if (strcmp(r->f[i].id, id) == 0)
			return &r->f[i];
	return NULL;
}

static inline int has_text(const char *hay, const char *needle)
{
	if (hay && strstr(hay, needle))
		return 1;
	fprintf(stderr, "    text \"%s\" not in: %s\n", needle, hay ? hay : "(null)");
	return 0;
}

/* One-chain session on a port, judged with a setup; returns the report. */
static inline struct session_report *run(struct setup *u, struct tls_session *s)
{
	return judge(u, s);
}

/* The data directory, from $top_srcdir. */
static inline void fixture_init(void)
{
	const char *top = getenv("top_srcdir");

	snprintf(data, sizeof(data), "%s/tests/unit/data/rules", top ? top : ".");
}

#endif

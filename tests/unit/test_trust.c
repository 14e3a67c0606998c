/*
 * test_trust.c - trust stores (rules/trust.c): loading every format
 * (PEM bundle, DER, PKCS#7 DER and PEM, a directory, "system"), refusing
 * unreadable or empty stores, the lint (same-subject shadowing, expired
 * entries, non-CA entries) and the precedence of --trust-for bindings
 * (address and port, then address, then the global store).
 *
 * Data: tests/unit/data/rules (made by its make.sh, see there).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/xalloc.h"
#include "dissect/x509.h"
#include "rules/trust.h"
#include "tests/unit/t.h"

static char data[4096];

static char *path(const char *name)
{
	return xasprintf("%s/%s", data, name);
}

static void cfg_init(struct analysis_config *c)
{
	memset(c, 0, sizeof(*c));
	c->expiring_days = 30;
	c->keep_dns = 1;
	c->at_mode = AT_FIXED;
	c->at = 1780272000; /* 2026-06-01 */
}

static void cfg_add_trust(struct analysis_config *c, const char *p)
{
	c->trust_paths = xreallocarray(c->trust_paths, c->n_trust + 1, sizeof(char *));
	c->trust_paths[c->n_trust++] = strchr(p, '/') || strcmp(p, "system") == 0 ? xstrdup(p)
										  : path(p);
}

static void ep_set(struct endpoint *ep, const char *ip, uint16_t port)
{
	memset(ep, 0, sizeof(*ep));
	if (inet_pton(AF_INET, ip, ep->addr) == 1) {
		ep->family = 4;
	} else {
		CHECK(inet_pton(AF_INET6, ip, ep->addr) == 1);
		ep->family = 6;
	}
	ep->port = port;
}

static void cfg_add_for(struct analysis_config *c, const char *ip, uint16_t port, const char *file)
{
	struct target_value *tv;

	c->trust_for = xreallocarray(c->trust_for, c->n_trust_for + 1, sizeof(*c->trust_for));
	tv = &c->trust_for[c->n_trust_for++];
	ep_set(&tv->ep, ip, port);
	tv->value = path(file);
	tv->spec = xasprintf("%s:%u=%s", ip, port, file);
}

static void cfg_free(struct analysis_config *c)
{
	size_t i;

	for (i = 0; i < c->n_trust; i++)
		free(c->trust_paths[i]);
	free(c->trust_paths);
	for (i = 0; i < c->n_trust_for; i++) {
		free(c->trust_for[i].value);
		free(c->trust_for[i].spec);
	}
	free(c->trust_for);
	memset(c, 0, sizeof(*c));
}

static size_t count_id(const struct session_report *r, const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < r->nf; i++)
		n += strcmp(r->f[i].id, id) == 0;
	return n;
}

/* Load one store through --trust; return its size (or -1 on failure). */
static long load_one(const char *file, struct session_report *lint)
{
	struct analysis_config c;
	struct trust_ctx *t;
	struct endpoint any;
	const struct trust_store *st;
	char err[512];
	long n;

	cfg_init(&c);
	cfg_add_trust(&c, file);
	t = trust_new(&c, NULL, lint, err, sizeof(err));
	cfg_free(&c);
	if (!t) {
		CHECK(err[0] != '\0');
		return -1;
	}
	ep_set(&any, "192.0.2.1", 443);
	st = trust_for(t, &any);
	n = st ? (long)st->n : -2;
	trust_free(t);
	return n;
}

static void test_formats(void)
{
	struct session_report lint;

	memset(&lint, 0, sizeof(lint));
	CHECK_EQ_INT(load_one("store-chain.pem", &lint), 2);
	CHECK_EQ_INT(load_one("store-root.pem", &lint), 1);
	CHECK_EQ_INT(load_one("root.der", &lint), 1);
	CHECK_EQ_INT(load_one("store-chain.p7b", &lint), 2);
	CHECK_EQ_INT(load_one("store-chain-pem.p7b", &lint), 2);
	CHECK_EQ_INT(load_one("store-dir", &lint), 2);
	/* Clean CA stores lint clean. */
	CHECK_EQ_INT(lint.nf, 0);
	/* Unreadable, empty, missing: refused with a message. */
	CHECK_EQ_INT(load_one("empty.pem", &lint), -1);
	CHECK_EQ_INT(load_one("no-such-file.pem", &lint), -1);
	CHECK_EQ_INT(load_one("make.sh", &lint), -1);
	session_report_free(&lint);

	/* The system bundle loads and is never linted. */
	if (access(TRUST_SYSTEM_BUNDLE, R_OK) == 0) {
		memset(&lint, 0, sizeof(lint));
		CHECK(load_one("system", &lint) > 10);
		CHECK_EQ_INT(lint.nf, 0);
		session_report_free(&lint);
	}
}

static void test_lint(void)
{
	struct session_report lint;
	size_t i;

	memset(&lint, 0, sizeof(lint));
	/* root, root2 (same subject), old-root (expired), srv (not a CA) */
	CHECK_EQ_INT(load_one("store-lint.pem", &lint), 4);
	CHECK_EQ_INT(lint.nf, 3);
	CHECK_EQ_INT(count_id(&lint, "trust_store_shadowing"), 1);
	CHECK_EQ_INT(count_id(&lint, "trust_store_expired"), 1);
	CHECK_EQ_INT(count_id(&lint, "trust_store_not_ca"), 1);
	for (i = 0; i < lint.nf; i++) {
		const struct finding *f = &lint.f[i];

		CHECK_EQ_INT(f->side, -1);
		CHECK_EQ_INT(f->cert, -1);
		CHECK_EQ_INT(f->sev, SEV_WARNING);
		CHECK_EQ_INT(f->basis, BASIS_PREDICTED);
		if (strcmp(f->id, "trust_store_shadowing") == 0) {
			CHECK(strstr(f->message, "Expressway searches by subject and stops at the "
						 "first match") != NULL);
			CHECK(strstr(f->message, "entry 1 (") != NULL);
			CHECK(strstr(f->message, "entry 2 (") != NULL);
			CHECK(strstr(f->message, "entry 1 wins") != NULL);
			CHECK(strstr(f->message, "CN=Rules Test Root CA") != NULL);
		}
		if (strcmp(f->id, "trust_store_expired") == 0)
			CHECK(strstr(f->message, "Old Expired Root") != NULL);
		if (strcmp(f->id, "trust_store_not_ca") == 0)
			CHECK(strstr(f->message, "srv.example.com") != NULL);
	}
	session_report_free(&lint);

	/* Expiry is judged at --at: in 2012 old-root was valid. */
	{
		struct analysis_config c;
		struct trust_ctx *t;
		char err[256];

		memset(&lint, 0, sizeof(lint));
		cfg_init(&c);
		c.at = 1325376000; /* 2012-01-01 */
		cfg_add_trust(&c, "store-lint.pem");
		t = trust_new(&c, NULL, &lint, err, sizeof(err));
		CHECK(t != NULL);
		CHECK_EQ_INT(count_id(&lint, "trust_store_expired"), 0);
		CHECK_EQ_INT(count_id(&lint, "trust_store_shadowing"), 1);
		trust_free(t);
		cfg_free(&c);
		session_report_free(&lint);
	}

	/* The same file twice: one copy of each certificate, no shadowing. */
	{
		struct analysis_config c;
		struct trust_ctx *t;
		struct endpoint any;
		char err[256];

		memset(&lint, 0, sizeof(lint));
		cfg_init(&c);
		cfg_add_trust(&c, "store-chain.pem");
		cfg_add_trust(&c, "store-chain.p7b");
		t = trust_new(&c, NULL, &lint, err, sizeof(err));
		CHECK(t != NULL);
		ep_set(&any, "192.0.2.1", 443);
		CHECK_EQ_INT(trust_for(t, &any)->n, 2);
		CHECK_EQ_STR(trust_for(t, &any)->name, "store-chain.pem, store-chain.p7b");
		CHECK_EQ_INT(lint.nf, 0);
		trust_free(t);
		cfg_free(&c);
		session_report_free(&lint);
	}
}

static void test_precedence(void)
{
	struct analysis_config c;
	struct trust_ctx *t;
	struct endpoint ep;
	char err[256];
	const struct trust_store *st;

	/* No store at all. */
	cfg_init(&c);
	t = trust_new(&c, NULL, NULL, err, sizeof(err));
	CHECK(t != NULL);
	ep_set(&ep, "10.0.0.1", 7001);
	CHECK(trust_for(t, &ep) == NULL);
	CHECK_EQ_INT(trust_count(t), 0);
	trust_free(t);
	CHECK(trust_for(NULL, &ep) == NULL);

	/* Only a binding: other receivers get nothing. */
	cfg_add_for(&c, "10.0.0.1", 0, "store-other.pem");
	t = trust_new(&c, NULL, NULL, err, sizeof(err));
	CHECK(t != NULL);
	ep_set(&ep, "10.0.0.2", 7001);
	CHECK(trust_for(t, &ep) == NULL);
	ep_set(&ep, "10.0.0.1", 7001);
	CHECK(trust_for(t, &ep) != NULL);
	trust_free(t);
	cfg_free(&c);

	cfg_init(&c);
	cfg_add_trust(&c, "store-root.pem");
	cfg_add_for(&c, "10.0.0.1", 7001, "store-chain.pem"); /* before the address-only one */
	cfg_add_for(&c, "10.0.0.1", 0, "store-other.pem");
	cfg_add_for(&c, "2001:db8::1", 0, "store-dir");
	t = trust_new(&c, NULL, NULL, err, sizeof(err));
	CHECK(t != NULL);
	CHECK_EQ_INT(trust_count(t), 4);

	ep_set(&ep, "10.0.0.1", 7001);
	st = trust_for(t, &ep);
	CHECK(st && strcmp(st->name, "store-chain.pem") == 0);
	CHECK(st && st->bound_to && strcmp(st->bound_to, "10.0.0.1:7001") == 0);
	ep_set(&ep, "10.0.0.1", 5061);
	st = trust_for(t, &ep);
	CHECK(st && strcmp(st->name, "store-other.pem") == 0);
	CHECK(st && st->bound_to && strcmp(st->bound_to, "10.0.0.1") == 0);
	ep_set(&ep, "10.0.0.2", 7001);
	st = trust_for(t, &ep);
	CHECK(st && strcmp(st->name, "store-root.pem") == 0 && st->bound_to == NULL);
	ep_set(&ep, "2001:db8::1", 443);
	st = trust_for(t, &ep);
	CHECK(st && strcmp(st->name, "store-dir") == 0 && st->n == 2);
	ep_set(&ep, "2001:db8::2", 443);
	st = trust_for(t, &ep);
	CHECK(st && strcmp(st->name, "store-root.pem") == 0);

	/* Lookups. */
	{
		const struct cert_info *out[4];
		struct cert_info **v = NULL;
		size_t n = 0;
		char *p = path("inter.pem");
		char *p2 = path("root2.pem");

		ep_set(&ep, "10.0.0.1", 7001);
		st = trust_for(t, &ep);
		CHECK_EQ_INT(x509_load_file(p, &v, &n, err, sizeof(err)), 0);
		CHECK_EQ_INT(n, 1);
		if (n == 1) {
			CHECK(trust_contains(st, v[0]));
			CHECK_EQ_INT(trust_by_subject(st, &v[0]->subject, out, 4), 1);
			CHECK_EQ_INT(trust_by_subject(st, &v[0]->issuer, out, 4), 1);
		}
		x509_free_list(v, n);
		v = NULL;
		CHECK_EQ_INT(x509_load_file(p2, &v, &n, err, sizeof(err)), 0);
		if (n == 1) {
			/* root2 shares root's subject but not its key */
			CHECK(!trust_contains(st, v[0]));
			CHECK_EQ_INT(trust_by_subject(st, &v[0]->subject, out, 4), 1);
		}
		x509_free_list(v, n);
		free(p);
		free(p2);
	}
	trust_free(t);
	cfg_free(&c);

	/* A bad binding path fails the whole load, naming the file. */
	cfg_init(&c);
	cfg_add_for(&c, "10.0.0.1", 0, "missing.pem");
	t = trust_new(&c, NULL, NULL, err, sizeof(err));
	CHECK(t == NULL);
	CHECK(strstr(err, "missing.pem") != NULL);
	cfg_free(&c);
}

int main(void)
{
	const char *top = getenv("top_srcdir");

	snprintf(data, sizeof(data), "%s/tests/unit/data/rules", top ? top : ".");
	test_formats();
	test_lint();
	test_precedence();
	return t_done("test_trust");
}

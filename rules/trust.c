/*
 * trust.c - loading and linting the trust stores (rules/trust.h).
 *
 * What a store is, in the customer's world: Expressway's "Trusted CA
 * certificate" list (Maintenance > Security), CUCM's tomcat-trust or
 * CallManager-trust, a phone's fixed public CA list. Support engineers get
 * them as PEM bundles, PKCS#7 exports or a directory of files.
 *
 * Lint (DOMAIN §4, "Trust list shadowing"): Expressway searches its trusted
 * CA list by subject and stops at the first match, so two entries with the
 * same subject shadow each other; expired entries and entries that are not
 * CA certificates are reported too ("Expired certificates or CRLs detected
 * in trusted CA file").
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "capture/xalloc.h"
#include "dissect/x509.h"
#include "rules/trust.h"

struct trust_binding {
	struct endpoint ep; /* port 0: any port */
	struct trust_store st;
};

struct trust_ctx {
	struct trust_store global;
	int has_global;
	unsigned char *global_sys; /* per global cert: came from "system" (not linted) */
	struct trust_binding *b;
	size_t nb;
};

static int same_cert(const struct cert_info *a, const struct cert_info *b)
{
	return memcmp(a->sha256, b->sha256, sizeof(a->sha256)) == 0;
}

/* Append certs to st, dropping exact duplicates and unparseable entries.
 * Takes ownership of every element of v (and frees v). Returns how many
 * certificates were added. */
static size_t store_take(struct trust_store *st, struct cert_info **v, size_t n)
{
	size_t i, j, added = 0;

	for (i = 0; i < n; i++) {
		int dup = 0;

		if (!v[i]->parse_ok) {
			cert_info_free(v[i]);
			continue;
		}
		for (j = 0; j < st->n && !dup; j++)
			dup = same_cert(st->certs[j], v[i]);
		if (dup) {
			cert_info_free(v[i]);
			continue;
		}
		st->certs = xreallocarray(st->certs, st->n + 1, sizeof(*st->certs));
		st->certs[st->n++] = v[i];
		added++;
	}
	free(v);
	return added;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Load a directory: every regular file (or link to one) in name order;
 * files that are no certificate at all are skipped. */
static int load_dir(struct trust_store *st, const char *path, char *err, size_t errlen)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i, total = 0;

	if (!d) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		VEC_PUSH(names, n, cap, xstrdup(e->d_name));
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		char *full = xasprintf("%s/%s", path, names[i]);
		struct stat sb;
		struct cert_info **v = NULL;
		size_t nv = 0;
		char e2[256];

		if (stat(full, &sb) == 0 && S_ISREG(sb.st_mode)) {
			(void)x509_load_file(full, &v, &nv, e2, sizeof(e2));
			total += store_take(st, v, nv);
		}
		free(full);
		free(names[i]);
	}
	free(names);
	if (total == 0) {
		snprintf(err, errlen, "%s: no certificate in this directory", path);
		return -1;
	}
	return 0;
}

/* Load one --trust path (file, directory or "system") into st. */
static int load_path(struct trust_store *st, const char *spec, char *err, size_t errlen)
{
	const char *path = strcmp(spec, "system") == 0 ? TRUST_SYSTEM_BUNDLE : spec;
	struct cert_info **v = NULL;
	size_t nv = 0, i, good = 0;
	struct stat sb;
	char e2[512];
	int rc;

	if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "trust store %s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(sb.st_mode)) {
		char e3[512];

		if (load_dir(st, path, e3, sizeof(e3)) != 0) {
			snprintf(err, errlen, "trust store %s", e3);
			return -1;
		}
		return 0;
	}
	rc = x509_load_file(path, &v, &nv, e2, sizeof(e2));
	for (i = 0; i < nv; i++)
		good += v[i]->parse_ok ? 1 : 0;
	if (good == 0) {
		snprintf(err, errlen, "trust store %s: %s", path,
			 rc != 0 ? e2 : "no certificate that could be decoded");
		x509_free_list(v, nv);
		return -1;
	}
	/* A partly malformed bundle still gives its good certificates: a
	 * customer's export with one damaged block should not stop the run. */
	(void)store_take(st, v, nv);
	return 0;
}

static void store_name_add(struct trust_store *st, const char *spec)
{
	const char *base = strrchr(spec, '/');
	char *n;

	base = base && base[1] ? base + 1 : spec;
	if (!st->name) {
		st->name = xstrdup(base);
		return;
	}
	n = xasprintf("%s, %s", st->name, base);
	free(st->name);
	st->name = n;
}

static void store_free(struct trust_store *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		cert_info_free(st->certs[i]);
	free(st->certs);
	free(st->name);
	free(st->bound_to);
	memset(st, 0, sizeof(*st));
}

void trust_free(struct trust_ctx *ctx)
{
	size_t i;

	if (!ctx)
		return;
	store_free(&ctx->global);
	free(ctx->global_sys);
	for (i = 0; i < ctx->nb; i++)
		store_free(&ctx->b[i].st);
	free(ctx->b);
	free(ctx);
}

static int ep_addr_eq(const struct endpoint *a, const struct endpoint *b)
{
	size_t len;

	if (a->family != b->family)
		return 0;
	len = a->family == 6 ? 16 : 4;
	return memcmp(a->addr, b->addr, len) == 0;
}

static char *fp_short(const struct cert_info *c)
{
	return xasprintf("SHA-256 %.16s..., valid %s to %s", c->sha256_hex, c->not_before_str,
			 c->not_after_str);
}

static const char *dn_str(const struct dn *d)
{
	return d->rfc4514 && d->rfc4514[0] ? d->rfc4514 : "(empty name)";
}

/* skip: per certificate, 1 to leave it out (NULL: lint all). */
static void lint_store(const struct trust_store *st, const unsigned char *skip, time_t now,
		       struct session_report *lint)
{
	size_t i, j;
	char when[32];
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d", &tm);
	for (i = 0; i < st->n; i++) {
		const struct cert_info *c = st->certs[i];
		char *msg, *fp;

		if (skip && skip[i])
			continue;
		for (j = 0; j < i; j++) {
			const struct cert_info *w = st->certs[j];
			char *fw;

			if (!x509_dn_eq(&w->subject, &c->subject))
				continue;
			fw = fp_short(w);
			fp = fp_short(c);
			msg = xasprintf(
				"Trust store %s holds two certificates with the subject %s: entry %zu (%s) "
				"and entry %zu (%s). Expressway searches by subject and stops at the first "
				"match: entry %zu wins, and chains issued by the key of entry %zu will not "
				"verify.",
				st->name, dn_str(&c->subject), j + 1, fw, i + 1, fp, j + 1, i + 1);
			report_add(
				lint, "trust_store_shadowing", SEV_WARNING, -1, -1, BASIS_PREDICTED,
				"subject", 0, msg,
				"Keep only one certificate per subject in the trusted CA list "
				"(Expressway: Maintenance > Security > Trusted CA certificate). When both "
				"are needed, as with a CUCM node's self-signed tomcat and CallManager "
				"certificates, re-issue them from a CA so that the CA is trusted instead.");
			free(msg);
			free(fw);
			free(fp);
			break; /* one finding per shadowed entry */
		}
		if (c->not_after < now) {
			msg = xasprintf(
				"Trust store %s: entry %zu, %s, expired on %s (judged as of %s).",
				st->name, i + 1, dn_str(&c->subject), c->not_after_str, when);
			report_add(
				lint, "trust_store_expired", SEV_WARNING, -1, -1, BASIS_PREDICTED,
				"notAfter", 0, msg,
				"Remove the expired certificate from the trusted CA list and upload its "
				"renewed version (Expressway: Maintenance > Security > Trusted CA "
				"certificate; CUCM: OS Administration > Security > Certificate "
				"Management, delete the old tomcat-trust / CallManager-trust entry).");
			free(msg);
		}
		if (!(c->has_basic_constraints && c->is_ca)) {
			if (c->self_issued)
				msg = xasprintf(
					"Trust store %s: entry %zu, %s, is self-signed but not a CA certificate "
					"(no basicConstraints CA:TRUE): it can only vouch for itself, never for "
					"a certificate it signed.",
					st->name, i + 1, dn_str(&c->subject));
			else
				msg = xasprintf(
					"Trust store %s: entry %zu, %s, is not a CA certificate (no "
					"basicConstraints CA:TRUE; issued by %s): it is a server or client "
					"certificate, which validators do not accept as a trust anchor.",
					st->name, i + 1, dn_str(&c->subject), dn_str(&c->issuer));
			report_add(lint, "trust_store_not_ca", SEV_WARNING, -1, -1, BASIS_PREDICTED,
				   "basicConstraints", 0, msg,
				   "Trust the CA that issued the certificate (its root and intermediates) "
				   "instead of the certificate itself.");
			free(msg);
		}
	}
}

struct trust_ctx *trust_new(const struct analysis_config *cfg, struct cert_cache *cache,
			    struct session_report *lint, char *err, size_t errlen)
{
	struct trust_ctx *ctx = xcalloc(1, sizeof(*ctx));
	time_t now = cfg->at_mode == AT_FIXED ? cfg->at : time(NULL);
	size_t i, j;

	(void)cache; /* the context owns its certificates: it outlives every cache */
	if (errlen)
		err[0] = '\0';
	for (i = 0; i < cfg->n_trust; i++) {
		size_t before = ctx->global.n;

		if (load_path(&ctx->global, cfg->trust_paths[i], err, errlen) != 0)
			goto fail;
		store_name_add(&ctx->global, cfg->trust_paths[i]);
		ctx->has_global = 1;
		/* The system bundle is Mozilla's list, not the customer's: linting
		 * it would only add noise. */
		ctx->global_sys = xreallocarray(ctx->global_sys, ctx->global.n + 1, 1);
		for (j = before; j < ctx->global.n; j++)
			ctx->global_sys[j] = strcmp(cfg->trust_paths[i], "system") == 0;
	}
	for (i = 0; i < cfg->n_trust_for; i++) {
		const struct target_value *tv = &cfg->trust_for[i];
		struct trust_binding *b = NULL;

		if (!tv->value || !tv->value[0] || (tv->ep.family != 4 && tv->ep.family != 6)) {
			snprintf(err, errlen, "--trust-for %s: expected IP[:PORT]=PATH",
				 tv->spec ? tv->spec : "?");
			goto fail;
		}
		for (j = 0; j < ctx->nb; j++)
			if (ep_addr_eq(&ctx->b[j].ep, &tv->ep) && ctx->b[j].ep.port == tv->ep.port)
				b = &ctx->b[j];
		if (!b) {
			char buf[80];

			ctx->b = xreallocarray(ctx->b, ctx->nb + 1, sizeof(*ctx->b));
			b = &ctx->b[ctx->nb++];
			memset(b, 0, sizeof(*b));
			b->ep = tv->ep;
			b->st.bound_to = xstrdup(
				tv->ep.port ? endpoint_str(&tv->ep, buf, sizeof(buf))
					    : endpoint_addr_str(&tv->ep, buf, sizeof(buf)));
		}
		if (load_path(&b->st, tv->value, err, errlen) != 0)
			goto fail;
		store_name_add(&b->st, tv->value);
	}
	if (lint) {
		lint_store(&ctx->global, ctx->global_sys, now, lint);
		for (i = 0; i < ctx->nb; i++)
			lint_store(&ctx->b[i].st, NULL, now, lint);
	}
	return ctx;
fail:
	trust_free(ctx);
	return NULL;
}

const struct trust_store *trust_for(const struct trust_ctx *ctx, const struct endpoint *receiver)
{
	const struct trust_store *addr_only = NULL;
	size_t i;

	if (!ctx)
		return NULL;
	for (i = 0; receiver && i < ctx->nb; i++) {
		const struct trust_binding *b = &ctx->b[i];

		if (!ep_addr_eq(&b->ep, receiver))
			continue;
		if (b->ep.port != 0 && b->ep.port == receiver->port)
			return &b->st;
		if (b->ep.port == 0 && !addr_only)
			addr_only = &b->st;
	}
	if (addr_only)
		return addr_only;
	return ctx->has_global ? &ctx->global : NULL;
}

size_t trust_count(const struct trust_ctx *ctx)
{
	if (!ctx)
		return 0;
	return ctx->nb + (ctx->has_global ? 1 : 0);
}

const struct trust_store *trust_store_at(const struct trust_ctx *ctx, size_t i)
{
	if (!ctx)
		return NULL;
	if (ctx->has_global) {
		if (i == 0)
			return &ctx->global;
		i--;
	}
	return i < ctx->nb ? &ctx->b[i].st : NULL;
}

size_t trust_by_subject(const struct trust_store *st, const struct dn *dn,
			const struct cert_info **out, size_t max)
{
	size_t i, k = 0;

	if (!st)
		return 0;
	for (i = 0; i < st->n; i++) {
		if (!x509_dn_eq(&st->certs[i]->subject, dn))
			continue;
		if (k < max)
			out[k] = st->certs[i];
		k++;
	}
	return k;
}

int trust_contains(const struct trust_store *st, const struct cert_info *c)
{
	size_t i;

	if (!st || !c)
		return 0;
	for (i = 0; i < st->n; i++) {
		const struct cert_info *t = st->certs[i];

		if (same_cert(t, c))
			return 1;
		if (c->parse_ok && x509_dn_eq(&t->subject, &c->subject) &&
		    t->spki_der_len == c->spki_der_len && t->spki_der_len > 0 &&
		    memcmp(t->spki_der, c->spki_der, t->spki_der_len) == 0)
			return 1;
	}
	return 0;
}

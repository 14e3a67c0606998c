/*
 * x509dump.c - every field of dissect/cert.h's certificate model as one
 * JSON object per certificate, for tests/e2e/test_x509_vs_openssl.sh (the
 * fields tlsdiag's JSON report does not carry: extensions, version,
 * unique IDs, key algorithm, flags, and the signature check).
 *
 * stdin: lines "CERT.der<TAB>ISSUER.der" (ISSUER "-": no signature check).
 * stdout: one JSON object per line, in input order. Test program only.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "dissect/x509.h"

static struct cert_info *load(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0, got;
	struct cert_info *c;

	if (f == NULL)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = xreallocarray(buf, cap, 1);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	c = x509_decode(buf, n);
	free(buf);
	return c;
}

/* A model string as JSON; bytes that are not UTF-8 become "\\xNN". */
static json_t *str(const char *s)
{
	json_t *j;
	char *t;
	size_t n = 0;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	t = xcalloc(4 * strlen(s) + 1, 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += (size_t)(*p < 0x80 ? sprintf(t + n, "%c", *p) : sprintf(t + n, "\\x%02X", *p));
	j = json_string(t);
	free(t);
	return j;
}

static json_t *list(const struct strlist *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

static json_t *hex(const uint8_t *p, size_t n)
{
	char *s = xcalloc(2 * n + 1, 1);
	json_t *j;

	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	j = p ? json_string(s) : json_null();
	free(s);
	return j;
}

static const char *key_type(enum key_type t)
{
	static const char *const names[] = { "unknown", "RSA", "EC",	 "Ed25519",
					     "Ed448",	"DSA", "X25519", "X448" };
	return (size_t)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

static json_t *dn(const struct dn *d)
{
	json_t *o = json_object(), *a = json_array();

	json_object_set_new(o, "rfc4514", str(d->rfc4514));
	for (size_t i = 0; i < d->nattrs; i++) {
		json_t *x = json_object();
		json_object_set_new(x, "oid", str(d->attrs[i].oid));
		json_object_set_new(x, "value", str(d->attrs[i].value));
		json_object_set_new(x, "rdn", json_integer(d->attrs[i].rdn));
		json_object_set_new(x, "tag", json_integer(d->attrs[i].tag));
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "attrs", a);
	return o;
}

static json_t *dump(const struct cert_info *c, const struct cert_info *issuer)
{
	json_t *o = json_object(), *exts, *ku;
	static const char *const ku_names[] = { "digitalSignature", "nonRepudiation",
						"keyEncipherment",  "dataEncipherment",
						"keyAgreement",	    "keyCertSign",
						"cRLSign",	    "encipherOnly",
						"decipherOnly" };

#define SET(k, v) json_object_set_new(o, k, v)
	SET("sha1", json_string(c->sha1_hex));
	SET("sha256", json_string(c->sha256_hex));
	SET("parse_ok", json_boolean(c->parse_ok));
	SET("parse_error", str(c->parse_error));
	if (issuer)
		SET("verify", json_integer(x509_verify_signature(c, issuer)));
	if (!c->parse_ok)
		return o;
	exts = json_array();
	ku = json_array();
	SET("version", json_integer(c->version));
	SET("version_num", json_integer(c->version_num));
	SET("serial", str(c->serial_hex));
	SET("subject", dn(&c->subject));
	SET("issuer", dn(&c->issuer));
	SET("self_issued", json_boolean(c->self_issued));
	SET("not_before", c->not_before_bad ? json_null() : json_string(c->not_before_str));
	SET("not_after", c->not_after_bad ? json_null() : json_string(c->not_after_str));
	SET("not_before_epoch", json_integer((json_int_t)c->not_before));
	SET("not_after_epoch", json_integer((json_int_t)c->not_after));
	SET("issuer_uid", hex(c->issuer_uid, c->issuer_uid_len));
	SET("subject_uid", hex(c->subject_uid, c->subject_uid_len));
	SET("has_san", json_boolean(c->has_san));
	SET("san_dns", list(&c->san_dns));
	SET("san_ip", list(&c->san_ip));
	SET("san_email", list(&c->san_email));
	SET("san_uri", list(&c->san_uri));
	SET("has_eku", json_boolean(c->has_eku));
	SET("eku_oids", list(&c->eku_oids));
	SET("eku_names", list(&c->eku_names));
	for (unsigned i = 0; c->has_key_usage && i < 9; i++)
		if (c->key_usage & (1u << i))
			json_array_append_new(ku, json_string(ku_names[i]));
	SET("has_key_usage", json_boolean(c->has_key_usage));
	SET("key_usage", ku);
	SET("has_basic_constraints", json_boolean(c->has_basic_constraints));
	SET("is_ca", json_boolean(c->is_ca));
	SET("path_len", json_integer(c->path_len));
	SET("ski", hex(c->ski, c->ski_len));
	SET("aki", hex(c->aki, c->aki_len));
	SET("key_type", json_string(key_type(c->key_type)));
	SET("key_bits", json_integer(c->key_bits));
	SET("key_curve", str(c->key_curve));
	SET("key_alg", str(c->key_alg));
	SET("key_alg_oid", str(c->key_alg_oid));
	SET("key_bad", json_boolean(c->key_bad));
	SET("key_explicit_curve", json_boolean(c->key_explicit_curve));
	SET("key_params_inherited", json_boolean(c->key_params_inherited));
	SET("sig_alg", str(c->sig_alg));
	SET("sig_alg_oid", str(c->sig_alg_oid));
	SET("sig_known", json_boolean(c->sig_known));
	SET("sig_alg_mismatch", json_boolean(c->sig_alg_mismatch));
	SET("sig_weak", json_boolean(c->sig_sha1));
	SET("crl_dp", list(&c->crl_dp));
	SET("ocsp", list(&c->ocsp));
	SET("ca_issuers", list(&c->ca_issuers));
	SET("policies", list(&c->policies));
	for (size_t i = 0; i < c->n_exts; i++) {
		const struct cert_ext *e = &c->exts[i];
		json_t *x = json_object();
		json_object_set_new(x, "oid", str(e->oid));
		json_object_set_new(x, "name", str(e->name));
		json_object_set_new(x, "critical", json_boolean(e->critical));
		json_object_set_new(x, "handled", json_boolean(e->handled));
		json_object_set_new(x, "undecodable", json_boolean(e->undecodable));
		json_object_set_new(x, "duplicate", json_boolean(e->duplicate));
		json_array_append_new(exts, x);
	}
	SET("extensions", exts);
	SET("unhandled_critical", json_integer((json_int_t)c->unhandled_critical));
#undef SET
	return o;
}

int main(void)
{
	char line[8192];

	while (fgets(line, sizeof line, stdin)) {
		char *tab = strchr(line, '\t'), *ipath;
		struct cert_info *c, *is = NULL;
		json_t *o;
		char *s;

		line[strcspn(line, "\r\n")] = '\0';
		if (tab == NULL)
			tab = line + strlen(line);
		else
			*tab++ = '\0';
		ipath = tab;
		c = load(line);
		if (c == NULL) {
			fprintf(stderr, "x509dump: cannot read %s\n", line);
			return 2;
		}
		if (*ipath && strcmp(ipath, "-") != 0 && (is = load(ipath)) == NULL) {
			fprintf(stderr, "x509dump: cannot read %s\n", ipath);
			return 2;
		}
		o = dump(c, is);
		json_object_set_new(o, "file", json_string(line));
		s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
		puts(s);
		free(s);
		json_decref(o);
		cert_info_free(c);
		cert_info_free(is);
	}
	x509_thread_done();
	return 0;
}

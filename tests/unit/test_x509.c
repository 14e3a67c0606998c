#include <ctype.h>
/*
 * Unit tests for dissect/x509/ (the DER reader, names, the certificate
 * decoder, signatures, files) and dissect/certcache.c.
 *
 * Expected values come from openssl, never from tlsdiag: make.sh in
 * tests/unit/data/x509 generated the certificates and, for each, a
 * <name>.expect file of what `openssl x509` prints; tests/x509/corpus is
 * the differential corpus (made by openssl, compared with it by
 * test_x509_vs_openssl.sh); the DER, time and name cases below are written
 * by hand from X.690 and RFC 5280. Hostile cases: every DER structure
 * emptied, cut, overrunning, trailing, huge and deeply nested; truncation
 * at every length, bit flips at every byte, corrupted files.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "capture/xalloc.h"
#include "dissect/certcache.h"
#include "dissect/x509.h"
#include "dissect/x509/x509_int.h"
#include "tests/unit/t.h"

/* openssl -nameopt RFC2253 escapes bytes >= 0x80 as \XX; our model keeps
 * UTF-8 as RFC 4514 allows: undo exactly those escapes. */
static char *utf8_dn(const char *s)
{
	size_t n = s ? strlen(s) : 0, o = 0;
	char *d = calloc(n + 1, 1);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (s[i] == '\\' && i + 2 < n + 0 && sscanf(s + i + 1, "%2X", &v) == 1 &&
		    isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2]) &&
		    v >= 0x80) {
			d[o++] = (char)v;
			i += 2;
		} else if (s[i] == '\\' && i + 1 < n) {
			d[o++] = s[i];
			d[o++] = s[++i];
		} else {
			d[o++] = s[i];
		}
	}
	return d;
}

#ifndef X509_TEST_DATA
#define X509_TEST_DATA "tests/unit/data/x509"
#endif

static char data_dir[4096];

static char *path_of(const char *name)
{
	return xasprintf("%s/%s", data_dir, name);
}

static uint8_t *read_all(const char *name, size_t *len)
{
	char *p = path_of(name);
	FILE *f = fopen(p, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;

	*len = 0;
	if (f == NULL) {
		fprintf(stderr, "cannot open %s\n", p);
		free(p);
		return NULL;
	}
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = xreallocarray(buf, cap, 1);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	free(p);
	*len = n;
	return buf;
}

/* ---- .expect files (key=value lines from openssl) ---------------------------- */

struct expect {
	char **key, **val;
	size_t n;
};

static int expect_load(const char *name, struct expect *e)
{
	char *fn = xasprintf("%s.expect", name);
	size_t len;
	uint8_t *buf = read_all(fn, &len);
	char *s, *line, *save = NULL;

	free(fn);
	memset(e, 0, sizeof(*e));
	if (buf == NULL)
		return -1;
	s = xstrndup((const char *)buf, len);
	free(buf);
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		if (eq == NULL)
			continue;
		e->key = xreallocarray(e->key, e->n + 1, sizeof(char *));
		e->val = xreallocarray(e->val, e->n + 1, sizeof(char *));
		e->key[e->n] = xstrndup(line, (size_t)(eq - line));
		e->val[e->n] = xstrdup(eq + 1);
		e->n++;
	}
	free(s);
	return 0;
}

static void expect_free(struct expect *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->key[i]);
		free(e->val[i]);
	}
	free(e->key);
	free(e->val);
}

static const char *exp_get(const struct expect *e, const char *key)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->key[i], key) == 0)
			return e->val[i];
	return NULL;
}

/* All values of a repeated key, in order (borrowed; free the array). */
static const char **exp_all(const struct expect *e, const char *key, size_t *n)
{
	const char **v = xcalloc(e->n + 1, sizeof(char *));
	*n = 0;
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->key[i], key) == 0)
			v[(*n)++] = e->val[i];
	return v;
}

/* "AB:CD:.." -> "abcd.." */
static char *unhex_colons(const char *s)
{
	char *o = xcalloc(strlen(s) + 1, 1), *p = o;
	for (; *s; s++)
		if (*s != ':')
			*p++ = (char)(*s >= 'A' && *s <= 'F' ? *s - 'A' + 'a' : *s);
	return o;
}

static char *bytes_hex(const uint8_t *p, size_t n)
{
	char *o = xcalloc(2 * n + 1, 1);
	for (size_t i = 0; i < n; i++)
		snprintf(o + 2 * i, 3, "%02x", p[i]);
	return o;
}

static void check_list(const char *what, const struct strlist *got, const char **want, size_t n)
{
	if (got->n != n) {
		t_fail++;
		fprintf(stderr, "%s: %zu entries, expected %zu\n", what, got->n, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		CHECK_EQ_STR(got->v[i], want[i]);
}

/* ---- openssl's text -> our model ---------------------------------------------- */

/* openssl's long EKU names (`openssl list -objects`), to OIDs. */
static const struct {
	const char *ln, *oid, *sn;
} eku_ln[] = {
	{ "TLS Web Server Authentication", "1.3.6.1.5.5.7.3.1", "serverAuth" },
	{ "TLS Web Client Authentication", "1.3.6.1.5.5.7.3.2", "clientAuth" },
	{ "Code Signing", "1.3.6.1.5.5.7.3.3", "codeSigning" },
	{ "E-mail Protection", "1.3.6.1.5.5.7.3.4", "emailProtection" },
	{ "IPSec End System", "1.3.6.1.5.5.7.3.5", "ipsecEndSystem" },
	{ "IPSec Tunnel", "1.3.6.1.5.5.7.3.6", "ipsecTunnel" },
	{ "IPSec User", "1.3.6.1.5.5.7.3.7", "ipsecUser" },
	{ "Time Stamping", "1.3.6.1.5.5.7.3.8", "timeStamping" },
	{ "OCSP Signing", "1.3.6.1.5.5.7.3.9", "OCSPSigning" },
	{ "Any Extended Key Usage", "2.5.29.37.0", "anyExtendedKeyUsage" },
	{ "Microsoft Server Gated Crypto", "1.3.6.1.4.1.311.10.3.3", "msSGC" },
};

static const struct {
	const char *ln;
	unsigned bit;
} ku_ln[] = {
	{ "Digital Signature", KU_DIGITAL_SIGNATURE },
	{ "Non Repudiation", KU_NON_REPUDIATION },
	{ "Key Encipherment", KU_KEY_ENCIPHERMENT },
	{ "Data Encipherment", KU_DATA_ENCIPHERMENT },
	{ "Key Agreement", KU_KEY_AGREEMENT },
	{ "Certificate Sign", KU_KEY_CERT_SIGN },
	{ "CRL Sign", KU_CRL_SIGN },
	{ "Encipher Only", KU_ENCIPHER_ONLY },
	{ "Decipher Only", KU_DECIPHER_ONLY },
};

/* Split "a, b, c" in place. */
static size_t split_comma(char *s, char **out, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(s, ",", &save); tok && n < max;
	     tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		out[n++] = tok;
	}
	return n;
}

/* "1999-01-01 00:00:00Z" (openssl -dateopt iso_8601) */
static void check_time(const char *want, time_t got, const char *got_str)
{
	struct tm tm;
	char iso[32];

	if (want == NULL) {
		t_fail++;
		fprintf(stderr, "no date in .expect\n");
		return;
	}
	snprintf(iso, sizeof iso, "%s", want);
	if (strlen(iso) > 10)
		iso[10] = 'T';
	CHECK_EQ_STR(got_str, iso);
	memset(&tm, 0, sizeof tm);
	CHECK(sscanf(want, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		     &tm.tm_min, &tm.tm_sec) == 6);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	CHECK_EQ_INT(got, timegm(&tm));
}

static void check_san(const struct cert_info *c, const char *want)
{
	struct strlist dns = { 0 }, ip = { 0 }, email = { 0 }, uri = { 0 };
	char *items[256], *copy;
	size_t n, text_len = 0, names = 0;

	CHECK_EQ_INT(c->has_san, want != NULL);
	if (want == NULL) {
		CHECK(c->san_dns.n + c->san_ip.n + c->san_email.n + c->san_uri.n == 0);
		CHECK_EQ_INT(c->san_der_len, 0);
		return;
	}
	copy = xstrdup(want);
	n = split_comma(copy, items, 256);
	for (size_t i = 0; i < n; i++) {
		struct strlist *l = NULL;
		char *v = NULL, norm[INET6_ADDRSTRLEN];

		if (strncmp(items[i], "DNS:", 4) == 0) {
			l = &dns;
			v = xstrdup(items[i] + 4);
		} else if (strncmp(items[i], "email:", 6) == 0) {
			l = &email;
			v = xstrdup(items[i] + 6);
		} else if (strncmp(items[i], "URI:", 4) == 0) {
			l = &uri;
			v = xstrdup(items[i] + 4);
		} else if (strncmp(items[i], "IP Address:", 11) == 0) {
			/* openssl 3.0 prints IPv6 uncompressed ("2001:DB8:0:0:0:0:0:1");
			 * we keep RFC 5952 text: compare through inet_pton/ntop. */
			uint8_t a[16];
			int af = strchr(items[i] + 11, ':') ? AF_INET6 : AF_INET;
			CHECK(inet_pton(af, items[i] + 11, a) == 1);
			CHECK(inet_ntop(af, a, norm, sizeof norm) != NULL);
			l = &ip;
			v = xstrdup(norm);
		}
		if (l) {
			l->v = xreallocarray(l->v, l->n + 1, sizeof(char *));
			l->v[l->n++] = v;
			text_len += strlen(v);
			names++;
		}
	}
	check_list("san_dns", &c->san_dns, (const char **)dns.v, dns.n);
	check_list("san_ip", &c->san_ip, (const char **)ip.v, ip.n);
	check_list("san_email", &c->san_email, (const char **)email.v, email.n);
	check_list("san_uri", &c->san_uri, (const char **)uri.v, uri.n);
	CHECK_EQ_INT(c->san_text_len, text_len + (names ? names - 1 : 0));
	CHECK(c->san_der_len > 2);
	struct strlist *all[] = { &dns, &ip, &email, &uri };
	for (size_t k = 0; k < 4; k++) {
		for (size_t i = 0; i < all[k]->n; i++)
			free(all[k]->v[i]);
		free(all[k]->v);
	}
	free(copy);
}

static void check_eku(const struct cert_info *c, const char *want)
{
	char *items[64], *copy;
	size_t n;

	CHECK_EQ_INT(c->has_eku, want != NULL);
	if (want == NULL) {
		CHECK_EQ_INT(c->eku_oids.n, 0);
		CHECK(!c->eku_server_auth && !c->eku_client_auth && !c->eku_any);
		return;
	}
	copy = xstrdup(want);
	n = split_comma(copy, items, 64);
	CHECK_EQ_INT(c->eku_oids.n, n);
	CHECK_EQ_INT(c->eku_names.n, n);
	int server = 0, client = 0;
	for (size_t i = 0; i < n && i < c->eku_oids.n; i++) {
		const char *oid = items[i], *sn = items[i]; /* unknown: openssl prints the OID */
		for (size_t k = 0; k < sizeof(eku_ln) / sizeof(eku_ln[0]); k++)
			if (strcmp(eku_ln[k].ln, items[i]) == 0) {
				oid = eku_ln[k].oid;
				sn = eku_ln[k].sn;
			}
		CHECK_EQ_STR(c->eku_oids.v[i], oid);
		CHECK_EQ_STR(c->eku_names.v[i], sn);
		server |= strcmp(oid, OID_EKU_SERVER_AUTH) == 0;
		client |= strcmp(oid, OID_EKU_CLIENT_AUTH) == 0;
	}
	CHECK_EQ_INT(c->eku_server_auth, server);
	CHECK_EQ_INT(c->eku_client_auth, client);
	free(copy);
}

static void check_ku(const struct cert_info *c, const char *want)
{
	char *items[16], *copy;
	unsigned bits = 0;
	size_t n;

	CHECK_EQ_INT(c->has_key_usage, want != NULL);
	if (want == NULL)
		return;
	copy = xstrdup(want);
	n = split_comma(copy, items, 16);
	for (size_t i = 0; i < n; i++) {
		int found = 0;
		for (size_t k = 0; k < sizeof(ku_ln) / sizeof(ku_ln[0]); k++)
			if (strcmp(ku_ln[k].ln, items[i]) == 0) {
				bits |= ku_ln[k].bit;
				found = 1;
			}
		CHECK(found);
	}
	CHECK_EQ_INT(c->key_usage, bits);
	free(copy);
}

static void check_bytes(const char *what, const uint8_t *got, size_t got_len, const char *want)
{
	if (want == NULL) {
		if (got != NULL || got_len != 0) {
			t_fail++;
			fprintf(stderr, "%s: present, openssl says absent\n", what);
		} else {
			t_pass++;
		}
		return;
	}
	char *w = unhex_colons(want), *g = bytes_hex(got, got_len);
	CHECK_EQ_STR(g, w);
	free(w);
	free(g);
}

/* Decode <name>.der and compare every field with <name>.expect. */
static struct cert_info *check_cert(const char *name)
{
	struct expect e;
	char *fn = xasprintf("%s.der", name), *w;
	size_t len, n;
	uint8_t *der = read_all(fn, &len);
	struct cert_info *c;
	const char *v, **list;

	free(fn);
	fprintf(stderr, "-- %s\n", name);
	if (der == NULL || expect_load(name, &e) != 0) {
		t_fail++;
		free(der);
		return NULL;
	}
	c = x509_decode(der, len);
	free(der);

	w = unhex_colons(exp_get(&e, "sha1"));
	CHECK_EQ_STR(c->sha1_hex, w);
	free(w);
	w = unhex_colons(exp_get(&e, "sha256"));
	CHECK_EQ_STR(c->sha256_hex, w);
	free(w);
	CHECK_EQ_INT(c->parse_ok, strcmp(exp_get(&e, "parse"), "ok") == 0);
	if (!c->parse_ok) {
		CHECK(c->parse_error != NULL && c->parse_error[0] != '\0');
		CHECK(c->subject.rfc4514 == NULL && c->serial_hex == NULL);
		expect_free(&e);
		return c;
	}
	CHECK(c->parse_error == NULL);

	CHECK_EQ_INT(c->version, atoi(exp_get(&e, "version")));
	char *us = utf8_dn(exp_get(&e, "subject")), *ui = utf8_dn(exp_get(&e, "issuer"));
	CHECK_EQ_STR(c->subject.rfc4514, us);
	CHECK_EQ_STR(c->issuer.rfc4514, ui);
	free(us);
	free(ui);
	CHECK_EQ_INT(c->self_issued, strcmp(exp_get(&e, "subject"), exp_get(&e, "issuer")) == 0);
	w = unhex_colons(exp_get(&e, "serial"));
	CHECK_EQ_STR(c->serial_hex, w);
	free(w);
	check_time(exp_get(&e, "not_before"), c->not_before, c->not_before_str);
	check_time(exp_get(&e, "not_after"), c->not_after, c->not_after_str);
	CHECK_EQ_STR(c->sig_alg, exp_get(&e, "sig_alg"));
	CHECK_EQ_INT(c->sig_sha1, strstr(exp_get(&e, "sig_alg"), "sha1") != NULL ||
					  strstr(exp_get(&e, "sig_alg"), "SHA1") != NULL);

	v = exp_get(&e, "key_alg");
	CHECK_EQ_INT(c->key_type, strcmp(v, "rsaEncryption") == 0    ? KEY_RSA
				  : strcmp(v, "id-ecPublicKey") == 0 ? KEY_EC
				  : strcmp(v, "ED25519") == 0	     ? KEY_ED25519
				  : strcmp(v, "ED448") == 0	     ? KEY_ED448
								     : -1);
	if ((v = exp_get(&e, "key_bits")) != NULL)
		CHECK_EQ_INT(c->key_bits, atoi(v));
	if ((v = exp_get(&e, "key_curve")) != NULL)
		CHECK_EQ_STR(c->key_curve, v);
	else
		CHECK(c->key_curve == NULL);
	uint8_t h[32];
	x509_sha256(c->spki_der, c->spki_der_len, h);
	w = bytes_hex(h, 32);
	char *spki = unhex_colons(exp_get(&e, "spki_sha256"));
	CHECK_EQ_STR(w, spki);
	free(w);
	free(spki);

	check_san(c, exp_get(&e, "san"));
	check_eku(c, exp_get(&e, "eku"));
	check_ku(c, exp_get(&e, "ku"));

	v = exp_get(&e, "bc");
	CHECK_EQ_INT(c->has_basic_constraints, v != NULL);
	CHECK_EQ_INT(c->is_ca, v != NULL && strncmp(v, "CA:TRUE", 7) == 0);
	CHECK_EQ_INT(c->path_len,
		     v && strstr(v, "pathlen:") ? atoi(strstr(v, "pathlen:") + 8) : -1);

	check_bytes("ski", c->ski, c->ski_len, exp_get(&e, "ski"));
	check_bytes("aki", c->aki, c->aki_len, exp_get(&e, "aki"));

	list = exp_all(&e, "crl_dp", &n);
	check_list("crl_dp", &c->crl_dp, list, n);
	free(list);
	list = exp_all(&e, "ocsp", &n);
	check_list("ocsp", &c->ocsp, list, n);
	free(list);
	list = exp_all(&e, "ca_issuers", &n);
	check_list("ca_issuers", &c->ca_issuers, list, n);
	free(list);
	list = exp_all(&e, "policy", &n);
	check_list("policies", &c->policies, list, n);
	free(list);

	/* The Name DER is a SEQUENCE that the certificate contains. */
	CHECK(c->subject.der_len >= 2 && c->subject.der[0] == 0x30);
	CHECK(c->issuer.der_len >= 2 && c->issuer.der[0] == 0x30);
	CHECK(memmem(c->der, c->der_len, c->subject.der, c->subject.der_len) != NULL);
	expect_free(&e);
	return c;
}

/* ---- individual properties, written by hand ------------------------------------- */

static void check_attrs(const struct cert_info *c)
{
	/* oddoid: C=GB, 1.3.6.1.4.1.6449.1.2.1.5.1=foo, CN=odd.example.com */
	if (!c || c->subject.nattrs != 3) {
		t_fail++;
		return;
	}
	CHECK_EQ_STR(c->subject.attrs[0].oid, "2.5.4.6");
	CHECK_EQ_STR(c->subject.attrs[0].name, "C");
	CHECK_EQ_STR(c->subject.attrs[0].value, "GB");
	CHECK_EQ_STR(c->subject.attrs[1].oid, "1.3.6.1.4.1.6449.1.2.1.5.1");
	CHECK(c->subject.attrs[1].name == NULL);
	CHECK_EQ_STR(c->subject.attrs[1].value, "foo");
	CHECK_EQ_STR(c->subject.attrs[2].name, "CN");
	CHECK_EQ_STR(c->subject.attrs[2].value, "odd.example.com");
}

static void check_names2(const struct cert_info *c)
{
	/* T61String Latin-1, BMPString and spaces: values are UTF-8 */
	if (!c || c->subject.nattrs != 3) {
		t_fail++;
		return;
	}
	CHECK_EQ_STR(c->subject.attrs[0].value, "Z\xc3\xbcrich");
	CHECK_EQ_STR(c->subject.attrs[1].value, "\xe2\x82\xac"
						"uro");
	CHECK_EQ_STR(c->subject.attrs[2].value, " spaced ");
}

static void check_names(const struct cert_info *c)
{
	/* DC=com, DC=example, O=.., OU=#hash, {OU=sales + UID=u1}, CN, email, serialNumber */
	if (!c || c->subject.nattrs != 9) {
		t_fail++;
		return;
	}
	CHECK_EQ_STR(c->subject.attrs[0].name, "DC");
	CHECK_EQ_STR(c->subject.attrs[2].value, "Z\xc3\xbcrich \"Q\" <x>; a\\b");
	CHECK_EQ_STR(c->subject.attrs[4].name, "OU");
	CHECK_EQ_STR(c->subject.attrs[5].name, "UID");
	CHECK_EQ_STR(c->subject.attrs[7].name, "emailAddress");
	CHECK_EQ_STR(c->subject.attrs[7].oid, "1.2.840.113549.1.9.1");
	/* The SAN's otherName, RID and dirName are skipped, not misread. */
	CHECK_EQ_INT(c->san_dns.n, 2);
	CHECK_EQ_INT(c->san_ip.n + c->san_email.n + c->san_uri.n, 0);
}

/* ---- hostile input ----------------------------------------------------------- */

static void hostile(const uint8_t *der, size_t len)
{
	uint8_t *buf = xcalloc(len, 1), h[32];
	int bad = 0;

	/* Truncated anywhere: never parses, always fingerprinted. */
	for (size_t n = 0; n < len; n++) {
		memcpy(buf, der, n);
		struct cert_info *c = x509_decode(n ? buf : NULL, n);
		x509_sha256(buf, n, h);
		if (c->parse_ok || c->parse_error == NULL || memcmp(h, c->sha256, 32) != 0 ||
		    c->der_len != n)
			bad++;
		cert_info_free(c);
	}
	CHECK_EQ_INT(bad, 0);

	/* A byte flipped anywhere: whatever the outcome, a complete record. */
	bad = 0;
	static const uint8_t masks[] = { 0x01, 0x80, 0xff };
	for (size_t i = 0; i < len; i++) {
		for (size_t m = 0; m < sizeof masks; m++) {
			memcpy(buf, der, len);
			buf[i] ^= masks[m];
			struct cert_info *c = x509_decode(buf, len);
			if (c->parse_ok ? (c->subject.rfc4514 == NULL || c->serial_hex == NULL ||
					   c->sig_alg == NULL || c->spki_der == NULL)
					: (c->parse_error == NULL || c->subject.rfc4514 != NULL))
				bad++;
			cert_info_free(c);
		}
	}
	CHECK_EQ_INT(bad, 0);

	/* Trailing bytes after the certificate. */
	uint8_t *more = xcalloc(len + 1, 1);
	memcpy(more, der, len);
	struct cert_info *c = x509_decode(more, len + 1);
	CHECK(!c->parse_ok);
	cert_info_free(c);
	free(more);

	c = x509_decode(NULL, 0);
	CHECK(!c->parse_ok && c->parse_error && c->der_len == 0);
	CHECK_EQ_STR(c->sha256_hex,
		     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	cert_info_free(c);
	cert_info_free(NULL);
	free(buf);
}

/* ---- signatures -------------------------------------------------------------- */

static struct cert_info *load_one(const char *name)
{
	char *fn = xasprintf("%s.der", name);
	size_t len;
	uint8_t *der = read_all(fn, &len);
	struct cert_info *c = x509_decode(der, len);
	free(der);
	free(fn);
	return c;
}

static void verify_tests(void)
{
	static const struct {
		const char *child, *issuer;
		int want;
	} v[] = {
		{ "leaf-rsa", "int-rsa", 1 },  { "int-rsa", "root-rsa", 1 },
		{ "root-rsa", "root-rsa", 1 }, { "leaf-p256", "ca-p384", 1 },
		{ "ca-p384", "ca-p384", 1 },   { "ed25519", "ed25519", 1 },
		{ "ed448", "ed448", 1 },       { "sha1", "int-rsa", 1 },
		{ "pss", "int-rsa", 1 },       { "names", "int-rsa", 1 },
		{ "v1", "int-rsa", 1 },	       { "dates2", "int-rsa", 1 },
		{ "leaf-rsa", "root-rsa", 0 }, /* right type, wrong key */
		{ "leaf-rsa", "sha1", 0 },     /* RSA-1024 key */
		{ "pss", "root-rsa", 0 },      { "leaf-p256", "leaf-p256", 0 },
		{ "ca-p384", "leaf-p256", 0 }, { "leaf-rsa", "ca-p384", 0 }, /* key type */
		{ "leaf-p256", "int-rsa", 0 }, { "ed25519", "ed448", 0 },
		{ "ed448", "ed25519", 0 },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct cert_info *c = load_one(v[i].child), *is = load_one(v[i].issuer);
		int got = x509_verify_signature(c, is);
		if (got != v[i].want) {
			t_fail++;
			fprintf(stderr, "verify %s by %s: %d, expected %d\n", v[i].child,
				v[i].issuer, got, v[i].want);
		} else {
			t_pass++;
		}
		cert_info_free(c);
		cert_info_free(is);
	}

	/* Tampered: signature value, then a SAN byte inside the TBS. */
	size_t len;
	uint8_t *der = read_all("leaf-rsa.der", &len);
	struct cert_info *is = load_one("int-rsa");
	der[len - 1] ^= 1;
	struct cert_info *c = x509_decode(der, len);
	CHECK(c->parse_ok);
	CHECK_EQ_INT(x509_verify_signature(c, is), 0);
	cert_info_free(c);
	der[len - 1] ^= 1;
	uint8_t *p = memmem(der, len, "exp1.example.com", 16);
	CHECK(p != NULL);
	if (p)
		p[3] = '9';
	c = x509_decode(der, len);
	CHECK(c->parse_ok && c->san_dns.n > 1 && strcmp(c->san_dns.v[1], "exp9.example.com") == 0);
	CHECK_EQ_INT(x509_verify_signature(c, is), 0);
	cert_info_free(c);
	free(der);

	/* Cannot be checked: unparsed certificates, NULL. */
	c = load_one("corrupt-trunc");
	CHECK_EQ_INT(x509_verify_signature(c, is), -1);
	CHECK_EQ_INT(x509_verify_signature(is, c), -1);
	CHECK_EQ_INT(x509_verify_signature(NULL, is), -1);
	cert_info_free(c);
	cert_info_free(is);

	/* RSA 8192 (nettle: Debian's wolfSSL stops at 4096 bits). */
	c = load_one("rsa8192");
	CHECK_EQ_INT(x509_verify_signature(c, c), 1);
	cert_info_free(c);

	/* The differential corpus: every kind, and where nettle takes over. */
	static const struct {
		const char *child, *issuer;
		int want;
	} k[] = {
		{ "keys/rsa8192-leaf", "keys/rsa8192-ca", 1 },
		{ "keys/rsa16384-leaf", "keys/rsa16384-ca", 1 },
		{ "keys/rsa16384-ca", "keys/rsa16384-ca", 1 },
		{ "sigs/tampered-rsa8192", "keys/rsa8192-ca", 0 },
		{ "sigs/tampered-rsa16384", "keys/rsa16384-ca", 0 },
		{ "keys/rsa8192-leaf", "keys/rsa16384-ca", 0 },
		{ "sigs/pss-rsa8192-sha256-saltdigest-mgfsha256", "keys/rsa8192-ca", 1 },
		{ "sigs/pss-rsa16384-sha512-saltmax-mgfsha512", "keys/rsa16384-ca", 1 },
		{ "sigs/pss-rsa2048-sha256-salt32-mgfsha1", "keys/rsa2048-ca", 1 },
		{ "keys/pss4096-sha512-leaf", "keys/pss4096-sha512-ca", 1 },
		{ "sigs/ecdsa-p521-sha512", "sigs/ecdsa-p521-ca", 1 },
		{ "sigs/ecdsa-p384-sha3-256", "sigs/ecdsa-p384-ca", 1 },
		{ "keys/ed448-leaf", "keys/ed448-ca", 1 },
		{ "keys/ed25519-leaf", "keys/ed25519-ca", 1 },
		{ "keys/dsa3072-256-leaf", "keys/dsa3072-256-ca", 1 },
		{ "sigs/dsa-sha1", "keys/dsa2048-256-ca", 1 },
		{ "keys/ec-prime192v1", "keys/ec-prime192v1", 1 }, /* GF(p) by GMP */
		{ "keys/ec-secp160r1", "keys/ec-secp160r1", 1 },
		{ "keys/ecx-secp521r1", "keys/ecx-secp521r1", 1 }, /* explicit */
		{ "sigs/rsa-sha512-256", "sigs/rsa2048-ca", 1 },   /* nettle's digest */
		{ "sigs/rsa-md5", "sigs/rsa2048-ca", 1 },
		{ "sigs/oiw-sha1WithRSA", "sigs/rsa2048-ca", 1 },
		{ "sigs/tampered-ecdsa", "sigs/ecdsa-p256-ca", 0 },
		{ "sigs/alg-mismatch", "sigs/rsa2048-ca", 0 },
		{ "sigs/wrong-issuer-key", "keys/rsa2048-ca", 0 },
		{ "keys/x25519", "keys/ec-p384-ca", 1 },
		{ "sigs/rsa-sha256", "keys/x25519", 0 },    /* cannot sign */
		{ "sigs/ml-dsa-65", "sigs/ml-dsa-65", -1 }, /* not checked */
		{ "keys/dsa-inherited-params", "keys/dsa2048-256-ca", 1 },
		{ "keys/ec-sect283k1", "keys/ec-sect283k1", -1 }, /* GF(2^m) */
	};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		char *a = xasprintf("../../../x509/corpus/%s", k[i].child);
		char *b = xasprintf("../../../x509/corpus/%s", k[i].issuer);
		struct cert_info *cc = load_one(a), *ci = load_one(b);
		int got = x509_verify_signature(cc, ci);

		if (got != k[i].want) {
			t_fail++;
			fprintf(stderr, "verify %s by %s: %d, expected %d\n", k[i].child,
				k[i].issuer, got, k[i].want);
		} else {
			t_pass++;
		}
		CHECK(cc->parse_ok && ci->parse_ok);
		free(a);
		free(b);
		cert_info_free(cc);
		cert_info_free(ci);
	}
	/* an unknown algorithm is named, and "not checked" */
	c = load_one("../../../x509/corpus/sigs/ml-dsa-65");
	CHECK_EQ_STR(c->sig_alg, "ML-DSA-65");
	CHECK_EQ_INT(c->sig_known, 0);
	cert_info_free(c);
	c = load_one("../../../x509/corpus/sigs/unknown-sig-alg");
	CHECK_EQ_STR(c->sig_alg, "1.3.6.1.4.1.55555.9.9");
	CHECK_EQ_INT(c->sig_known, 0);
	cert_info_free(c);
}

/* ---- the DER reader (dissect/x509/der.c) -------------------------------------- */

static enum parse_err get1(const uint8_t *p, size_t n, struct der *d, size_t *left)
{
	struct cursor c;
	enum parse_err e;

	cur_init(&c, p, n);
	e = der_get(&c, d);
	*left = cur_left(&c);
	return e;
}

static void der_tests(void)
{
	struct der d, in;
	size_t left;
	long v;
	struct span bits, mag;
	unsigned unused;
	char oid[OID_TEXT_MAX];

	/* empty, one byte short, trailing bytes, overrunning the parent */
	CHECK_EQ_INT(get1(NULL, 0, &d, &left), PE_SHORT);
	static const uint8_t lone[] = { 0x30 };
	CHECK_EQ_INT(get1(lone, 1, &d, &left), PE_SHORT);
	static const uint8_t short1[] = { 0x30, 0x03, 0x02, 0x01 };
	CHECK_EQ_INT(get1(short1, sizeof short1, &d, &left), PE_SHORT);
	CHECK_EQ_INT(left, sizeof short1); /* a failed read consumes nothing */
	static const uint8_t trail[] = { 0x30, 0x03, 0x02, 0x01, 0x05, 0xff };
	CHECK_EQ_INT(get1(trail, sizeof trail, &d, &left), PE_OK);
	CHECK(left == 1 && cur_left(&d.val) == 3 && d.tlv.n == 5);
	static const uint8_t overrun[] = { 0x30, 0x03, 0x02, 0x05, 0x01, 0x02, 0x03 };
	CHECK_EQ_INT(get1(overrun, sizeof overrun, &d, &left), PE_OK);
	CHECK_EQ_INT(der_get(&d.val, &in), PE_SHORT);
	/* huge lengths: over the buffer, over size_t */
	static const uint8_t huge[] = { 0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00 };
	CHECK_EQ_INT(get1(huge, sizeof huge, &d, &left), PE_SHORT);
	static const uint8_t huger[] = { 0x30, 0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	CHECK_EQ_INT(get1(huger, sizeof huger, &d, &left), PE_LIMIT);
	/* BER that openssl reads: long form with leading zeros, indefinite */
	static const uint8_t longf[] = { 0x30, 0x83, 0x00, 0x00, 0x03, 0x02, 0x01, 0x05 };
	CHECK_EQ_INT(get1(longf, sizeof longf, &d, &left), PE_OK);
	CHECK(cur_left(&d.val) == 3 && d.tlv.n == 8 && !d.indefinite);
	static const uint8_t indef[] = { 0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00, 0x01 };
	CHECK_EQ_INT(get1(indef, sizeof indef, &d, &left), PE_OK);
	CHECK(d.indefinite && cur_left(&d.val) == 3 && d.tlv.n == 7 && left == 1);
	static const uint8_t noeoc[] = { 0x30, 0x80, 0x02, 0x01, 0x05 };
	CHECK_EQ_INT(get1(noeoc, sizeof noeoc, &d, &left), PE_SHORT);
	static const uint8_t indefprim[] = { 0x04, 0x80, 0x00, 0x00 };
	CHECK_EQ_INT(get1(indefprim, sizeof indefprim, &d, &left), PE_MALFORMED);
	/* deep nesting: indefinite values within each other, up to the cap */
	for (size_t depth = DER_MAX_DEPTH; depth <= DER_MAX_DEPTH + 1; depth++) {
		uint8_t *deep = xcalloc(4 * (depth + 1), 1);
		size_t n = 0;
		for (size_t i = 0; i <= depth; i++) {
			deep[n++] = 0x30;
			deep[n++] = 0x80;
		}
		for (size_t i = 0; i <= depth; i++) {
			deep[n++] = 0;
			deep[n++] = 0;
		}
		CHECK_EQ_INT(get1(deep, n, &d, &left), depth > DER_MAX_DEPTH ? PE_LIMIT : PE_OK);
		free(deep);
	}
	/* high tag numbers */
	static const uint8_t hi[] = { 0x9f, 0x81, 0x00, 0x00 };
	CHECK_EQ_INT(get1(hi, sizeof hi, &d, &left), PE_OK);
	CHECK(d.num == 128 && d.id == 0x9f);
	static const uint8_t hipad[] = { 0x9f, 0x80, 0x01, 0x00 };
	CHECK_EQ_INT(get1(hipad, sizeof hipad, &d, &left), PE_MALFORMED);
	static const uint8_t hilong[] = { 0x9f, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00 };
	CHECK_EQ_INT(get1(hilong, sizeof hilong, &d, &left), PE_LIMIT);
	/* INTEGER */
	static const uint8_t i0[] = { 0x02, 0x00 }, ineg[] = { 0x02, 0x02, 0xff, 0x7f },
			     ipad[] = { 0x02, 0x02, 0x00, 0xff },
			     i9[] = { 0x02, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	CHECK(get1(i0, sizeof i0, &d, &left) == PE_OK && der_long(&d, &v) == PE_MALFORMED);
	CHECK(get1(ineg, sizeof ineg, &d, &left) == PE_OK && der_long(&d, &v) == PE_OK &&
	      v == -129);
	CHECK(get1(ipad, sizeof ipad, &d, &left) == PE_OK && der_long(&d, &v) == PE_OK && v == 255);
	CHECK(der_uint(&d, &mag) == PE_OK && mag.n == 1 && span_bits(mag) == 8);
	CHECK(get1(i9, sizeof i9, &d, &left) == PE_OK && der_long(&d, &v) == PE_LIMIT);
	CHECK(get1(ineg, sizeof ineg, &d, &left) == PE_OK && der_uint(&d, &mag) == PE_MALFORMED);
	/* BIT STRING */
	static const uint8_t b8[] = { 0x03, 0x02, 0x08, 0xff }, bempty[] = { 0x03, 0x01, 0x03 },
			     b0[] = { 0x03, 0x00 }, bok[] = { 0x03, 0x02, 0x07, 0x80 };
	CHECK(get1(b8, sizeof b8, &d, &left) == PE_OK &&
	      der_bits(&d, &bits, &unused) == PE_MALFORMED);
	CHECK(get1(bempty, sizeof bempty, &d, &left) == PE_OK &&
	      der_bits(&d, &bits, &unused) == PE_MALFORMED);
	CHECK(get1(b0, sizeof b0, &d, &left) == PE_OK && der_bits(&d, &bits, &unused) == PE_SHORT);
	CHECK(get1(bok, sizeof bok, &d, &left) == PE_OK && der_bits(&d, &bits, &unused) == PE_OK &&
	      unused == 7 && bits.n == 1);
	/* BOOLEAN: one byte, any non-zero is TRUE (BER) */
	static const uint8_t t5[] = { 0x01, 0x01, 0x05 }, t2[] = { 0x01, 0x02, 0xff, 0xff };
	int bv = 0;
	CHECK(get1(t5, sizeof t5, &d, &left) == PE_OK && der_bool(&d, &bv) == PE_OK && bv == 1);
	CHECK(get1(t2, sizeof t2, &d, &left) == PE_OK && der_bool(&d, &bv) == PE_MALFORMED);
	/* OBJECT IDENTIFIER: big arcs, not the shortest form, cut */
	static const uint8_t uuid[] = { 0x06, 0x0f, 0x69, 0x83, 0xf1, 0x96, 0xaa, 0xd1, 0xd7,
					0xa1, 0xc7, 0xa5, 0xd0, 0xee, 0x9c, 0xb6, 0x01 };
	CHECK(get1(uuid, sizeof uuid, &d, &left) == PE_OK && der_oid(&d, oid, sizeof oid) == PE_OK);
	CHECK_EQ_STR(oid, "2.25.9616753001808578128086768385");
	/* limbs of 10^9 padded with zeros; a zero arc; 10^9 itself */
	static const uint8_t olimbs[] = { 0x06, 0x10, 0x2a, 0x8d, 0xf0, 0xad, 0xd6, 0xba, 0xbb,
					  0x90, 0x80, 0x01, 0x00, 0x83, 0xdc, 0xeb, 0x94, 0x00 };
	CHECK(get1(olimbs, sizeof olimbs, &d, &left) == PE_OK &&
	      der_oid(&d, oid, sizeof oid) == PE_OK);
	CHECK_EQ_STR(oid, "1.2.1000000000000000001.0.1000000000");
	static const uint8_t opad[] = { 0x06, 0x03, 0x2a, 0x80, 0x01 },
			     ocut[] = { 0x06, 0x02, 0x2a, 0x86 }, oempty[] = { 0x06, 0x00 };
	CHECK(get1(opad, sizeof opad, &d, &left) == PE_OK &&
	      der_oid(&d, oid, sizeof oid) == PE_MALFORMED);
	CHECK(get1(ocut, sizeof ocut, &d, &left) == PE_OK &&
	      der_oid(&d, oid, sizeof oid) == PE_SHORT);
	CHECK(get1(oempty, sizeof oempty, &d, &left) == PE_OK &&
	      der_oid(&d, oid, sizeof oid) == PE_MALFORMED);
}

/* UTCTime / GeneralizedTime as openssl reads them. */
static void time_tests(void)
{
	static const struct {
		uint8_t tag;
		const char *text, *want; /* want NULL: does not parse */
		long long secs;
	} t[] = {
		{ DER_UTCTIME, "500101000000Z", "1950-01-01T00:00:00Z", -631152000LL },
		{ DER_UTCTIME, "491231235959Z", "2049-12-31T23:59:59Z", 2524607999LL },
		{ DER_UTCTIME, "6907202018Z", "1969-07-20T20:18:00Z", -14182920LL },
		{ DER_UTCTIME, "200101000000+0530", "2019-12-31T18:30:00Z", 1577817000LL },
		{ DER_UTCTIME, "200101000000-0000", "2020-01-01T00:00:00Z", 1577836800LL },
		{ DER_GENTIME, "99991231235959Z", "9999-12-31T23:59:59Z", 253402300799LL },
		{ DER_GENTIME, "00010101000000Z", "0001-01-01T00:00:00Z", -62135596800LL },
		{ DER_GENTIME, "20000229120000.123Z", "2000-02-29T12:00:00Z", 951825600LL },
		{ DER_GENTIME, "20380119031408Z", "2038-01-19T03:14:08Z", 2147483648LL },
		{ DER_GENTIME, "19000229000000Z", NULL, 0 },
		{ DER_UTCTIME, "200230000000Z", NULL, 0 },
		{ DER_UTCTIME, "201301000000Z", NULL, 0 },
		{ DER_UTCTIME, "200101240000Z", NULL, 0 },
		{ DER_UTCTIME, "200101235960Z", NULL, 0 },
		{ DER_UTCTIME, "200101000000", NULL, 0 },
		{ DER_UTCTIME, "200101000000Z1", NULL, 0 },
		{ DER_UTCTIME, "200101000000+1300", NULL, 0 },
		{ DER_GENTIME, "20200101000000.Z", NULL, 0 },
		{ DER_UTCTIME, "", NULL, 0 },
		{ DER_OCTET_STRING, "200101000000Z", NULL, 0 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct der d;
		int64_t secs = 0;
		char str[21] = "";
		enum parse_err e;

		memset(&d, 0, sizeof d);
		d.id = t[i].tag;
		cur_init(&d.val, (const uint8_t *)t[i].text, strlen(t[i].text));
		e = der_time(&d, &secs, str);
		if (t[i].want == NULL) {
			CHECK(e != PE_OK);
			continue;
		}
		CHECK_EQ_INT(e, PE_OK);
		CHECK_EQ_STR(str, t[i].want);
		CHECK_EQ_INT(secs, t[i].secs);
	}
}

/* ---- names: RFC 5280 §7.1 ------------------------------------------------------ */

/* A Name from "tag:oid=value" parts; "|" starts a new RDN, "+" adds to it.
 * Tags: u UTF8String, p PrintableString, b BMPString, i IA5String,
 * t T61String, o OCTET STRING. Test data, ASCII values. */
static size_t build_name(const char *spec, uint8_t *out, size_t max)
{
	uint8_t body[1024], rdn[512];
	size_t bn = 0, rn = 0;
	char *copy = xstrdup(spec), *save = NULL;

	for (char *r = strtok_r(copy, "|", &save); r; r = strtok_r(NULL, "|", &save)) {
		char *save2 = NULL;
		rn = 0;
		for (char *a = strtok_r(r, "+", &save2); a; a = strtok_r(NULL, "+", &save2)) {
			uint8_t atv[256];
			size_t an = 0, vn;
			const char *val = strchr(a, '=') + 1;
			uint8_t tag = a[0] == 'u'   ? 0x0c
				      : a[0] == 'p' ? 0x13
				      : a[0] == 'b' ? 0x1e
				      : a[0] == 'i' ? 0x16
				      : a[0] == 't' ? 0x14
						    : 0x04;
			int oidarc = atoi(a + 2); /* 2.5.4.<arc> */

			vn = strlen(val) * (tag == 0x1e ? 2 : 1);
			atv[an++] = 0x30;
			atv[an++] = (uint8_t)(5 + 2 + vn);
			atv[an++] = 0x06;
			atv[an++] = 3;
			atv[an++] = 0x55;
			atv[an++] = 0x04;
			atv[an++] = (uint8_t)oidarc;
			atv[an++] = tag;
			atv[an++] = (uint8_t)vn;
			for (const char *v = val; *v; v++) {
				if (tag == 0x1e)
					atv[an++] = 0;
				atv[an++] = (uint8_t)*v;
			}
			memcpy(rdn + rn, atv, an);
			rn += an;
		}
		body[bn++] = 0x31;
		body[bn++] = (uint8_t)rn;
		memcpy(body + bn, rdn, rn);
		bn += rn;
	}
	free(copy);
	if (bn + 2 > max)
		return 0;
	out[0] = 0x30;
	out[1] = (uint8_t)bn;
	memcpy(out + 2, body, bn);
	return bn + 2;
}

static int names_eq(const char *a, const char *b)
{
	uint8_t da[1100], db[1100];
	size_t na = build_name(a, da, sizeof da), nb = build_name(b, db, sizeof db);
	struct cursor c;
	struct der d;
	struct dn dn;
	int r;

	memset(&dn, 0, sizeof dn);
	cur_init(&c, db, nb);
	if (der_get(&c, &d) != PE_OK || name_walk(&dn, &d) != PE_OK) {
		dn_free(&dn);
		return -1;
	}
	r = x509_dn_eq_der(da, na, &dn);
	dn_free(&dn);
	return r;
}

static void name_tests(void)
{
	static const struct {
		const char *a, *b;
		int eq;
	} n[] = {
		{ "u:3=Example CA", "u:3=Example CA", 1 },
		{ "p:6=US|u:10=Example|u:3=Example CA", "u:6=US|p:10=Example|p:3=Example CA", 1 },
		{ "u:3=Example CA", "u:3=EXAMPLE ca", 1 },
		{ "u:3=Example CA", "u:3=  Example    CA ", 1 },
		{ "u:3=Example CA", "b:3=Example CA", 1 },
		{ "u:3=Example CA", "t:3=example ca", 1 },
		{ "i:3=ca.example.com", "u:3=CA.Example.COM", 1 },
		{ "u:3=a+u:11=b", "u:11=b+u:3=a", 1 }, /* an RDN is a set */
		{ "u:3=a|u:11=b", "u:11=b|u:3=a", 0 }, /* RDN order matters */
		{ "u:3=a|u:11=b", "u:3=a+u:11=b", 0 }, /* two RDNs are not one */
		{ "u:3=Example CA", "u:3=Example CB", 0 },
		{ "u:3=Example CA", "u:10=Example CA", 0 }, /* another attribute */
		{ "u:3=Example CA", "u:3=Example CA|u:6=US", 0 },
		{ "u:3=ExampleCA", "u:3=Example CA", 0 }, /* inner space is kept (one) */
		{ "o:3=Example", "o:3=Example", 1 },	  /* not a string: its bytes */
		{ "o:3=Example", "o:3=EXAMPLE", 0 },
		{ "o:3=Example", "u:3=Example", 0 },
		{ "u:3=", "u:3=   ", 1 },
	};
	for (size_t i = 0; i < sizeof n / sizeof n[0]; i++) {
		int got = names_eq(n[i].a, n[i].b);
		if (got != n[i].eq) {
			t_fail++;
			fprintf(stderr, "names \"%s\" and \"%s\": %d, expected %d\n", n[i].a,
				n[i].b, got, n[i].eq);
		} else {
			t_pass++;
		}
	}

	/* Unicode: Latin-1 and Greek case folding, spaces of every kind, a
	 * zero-width space mapped to nothing (RFC 4518 §2.2). */
	static const uint8_t u1[] = { 0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03,
				      0x55, 0x04, 0x03, 0x0c, 0x03, 0xc3, 0x84, 0x62 }; /* Äb */
	static const uint8_t u2[] = { 0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03,
				      0x55, 0x04, 0x03, 0x0c, 0x03, 0xc3, 0xa4, 0x42 }; /* äB */
	static const uint8_t u3[] = { 0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55,
				      0x04, 0x03, 0x1e, 0x04, 0x00, 0xc4, 0x00, 0x42 }; /* BMP ÄB */
	static const uint8_t u4[] = {
		0x30, 0x11, 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04,
		0x03, 0x0c, 0x06, 0xc3, 0x84, 0xe2, 0x80, 0x8b, 0x62
	}; /* Ä ZWSP b */
	static const uint8_t u5[] = { 0x30, 0x12, 0x31, 0x10, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x04,
				      0x03, 0x0c, 0x07, 0x61, 0xc2, 0xa0, 0xe3, 0x80, 0x80, 0x62 };
	static const uint8_t u6[] = { 0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03,
				      0x55, 0x04, 0x03, 0x0c, 0x03, 0x61, 0x20, 0x62 }; /* "a b" */
	static const uint8_t bad_utf8[] = { 0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03,
					    0x55, 0x04, 0x03, 0x0c, 0x02, 0xc3, 0x28 };
	static const struct {
		const uint8_t *a, *b;
		size_t na, nb;
		int eq;
	} u[] = {
		{ u1, u2, sizeof u1, sizeof u2, 1 },
		{ u1, u3, sizeof u1, sizeof u3, 1 },
		{ u1, u4, sizeof u1, sizeof u4, 1 },
		{ u5, u6, sizeof u5, sizeof u6, 1 }, /* NBSP and ideographic space */
		{ bad_utf8, bad_utf8, sizeof bad_utf8, sizeof bad_utf8, 1 },
		{ bad_utf8, u6, sizeof bad_utf8, sizeof u6, 0 },
	};
	for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
		struct cursor c;
		struct der d;
		struct dn dn;

		memset(&dn, 0, sizeof dn);
		cur_init(&c, u[i].b, u[i].nb);
		CHECK(der_get(&c, &d) == PE_OK && name_walk(&dn, &d) == PE_OK);
		CHECK_EQ_INT(x509_dn_eq_der(u[i].a, u[i].na, &dn), u[i].eq);
		dn_free(&dn);
	}

	/* Empty, NULL, not a Name. */
	struct dn empty;
	memset(&empty, 0, sizeof empty);
	CHECK_EQ_INT(x509_dn_eq(&empty, &empty), 0);
	CHECK_EQ_INT(x509_dn_eq(NULL, &empty), 0);
	CHECK_EQ_INT(x509_dn_eq_der(u1, 3, &empty), 0);
	CHECK(x509_dn_string(u1, 5) == NULL);

	/* The corpus's re-encoded issuers name their CA; multi-valued RDNs
	 * and repeated attributes keep their structure in the model. */
	struct cert_info *ca = load_one("../../../x509/corpus/names/ca");
	static const char *const same[] = { "issuer-case-and-spaces", "issuer-bmp",
					    "issuer-utf8-for-printable" };
	for (size_t i = 0; i < 3; i++) {
		char *nm = xasprintf("../../../x509/corpus/names/%s", same[i]);
		struct cert_info *c = load_one(nm);
		CHECK(c->parse_ok && x509_dn_eq(&c->issuer, &ca->subject));
		CHECK(!x509_dn_eq(&c->subject, &ca->subject));
		free(nm);
		cert_info_free(c);
	}
	cert_info_free(ca);
	struct cert_info *mv = load_one("../../../x509/corpus/names/multi-valued");
	/* C=US / O=Example+OU=Sales / CN=multi.example.com+UID=jdoe */
	CHECK_EQ_INT(mv->subject.nattrs, 5);
	if (mv->subject.nattrs == 5) {
		CHECK(mv->subject.attrs[1].rdn == mv->subject.attrs[2].rdn);
		CHECK(mv->subject.attrs[0].rdn != mv->subject.attrs[1].rdn);
		CHECK(mv->subject.attrs[3].rdn == mv->subject.attrs[4].rdn);
	}
	cert_info_free(mv);
	struct cert_info *rep = load_one("../../../x509/corpus/names/repeated-ou");
	size_t ous = 0;
	for (size_t i = 0; i < rep->subject.nattrs; i++)
		ous += strcmp(rep->subject.attrs[i].oid, "2.5.4.11") == 0;
	CHECK_EQ_INT(ous, 3);
	cert_info_free(rep);
}

/* ---- every DER structure of a certificate, hostile ---------------------------- */

/* A certificate as a tree of TLVs (constructed ones opened). */
struct node {
	uint8_t id;
	struct span content;
	size_t first, n; /* children: nodes[first .. first+n) */
};

static size_t tree(struct node *nodes, size_t *count, size_t max, struct span s)
{
	struct cursor c;
	struct der d;
	size_t at = *count;

	cur_init(&c, s.p, s.n);
	while (cur_left(&c) && *count < max) {
		if (der_get(&c, &d) != PE_OK)
			break;
		nodes[*count].id = d.id;
		nodes[*count].content = cur_rest(&d.val);
		nodes[*count].n = 0;
		(*count)++;
	}
	size_t end = *count;
	for (size_t k = at; k < end; k++) {
		if (!(nodes[k].id & 0x20))
			continue;
		nodes[k].first = *count;
		nodes[k].n = tree(nodes, count, max, nodes[k].content);
	}
	return end - at;
}

enum mutation { M_EMPTY, M_SHORT, M_OVERRUN, M_TRAILING, M_HUGE, M_DEEP, M_COUNT };

static void put_len(struct dbuf *b, size_t n)
{
	uint8_t h[5];
	if (n < 128) {
		h[0] = (uint8_t)n;
		(void)dbuf_add(b, h, 1);
	} else {
		h[0] = 0x84;
		h[1] = (uint8_t)(n >> 24);
		h[2] = (uint8_t)(n >> 16);
		h[3] = (uint8_t)(n >> 8);
		h[4] = (uint8_t)n;
		(void)dbuf_add(b, h, 5);
	}
}

/* Write node k, and node `target` mutated; lengths of its ancestors fit. */
static void emit(struct dbuf *out, const struct node *nodes, size_t k, size_t target,
		 enum mutation m)
{
	struct dbuf body;
	const struct node *nd = &nodes[k];

	dbuf_init(&body, 1u << 24);
	if (k == target && m == M_DEEP) {
		for (int i = 0; i < 40; i++)
			(void)dbuf_add(&body, "\x30\x80", 2);
		for (int i = 0; i < 40; i++)
			(void)dbuf_add(&body, "\x00\x00", 2);
	} else if (k == target && m == M_EMPTY) {
		/* nothing */
	} else if (nd->id & 0x20 && nd->n) {
		for (size_t i = 0; i < nd->n; i++)
			emit(&body, nodes, nd->first + i, target, m);
	} else {
		(void)dbuf_add(&body, nd->content.p, nd->content.n);
	}
	if (k == target && m == M_SHORT && body.len)
		body.len--;
	if (k == target && m == M_TRAILING)
		(void)dbuf_add(&body, "\x05\x00", 2);
	(void)dbuf_add(out, &nd->id, 1);
	if (k == target && m == M_OVERRUN)
		put_len(out, body.len + 1);
	else if (k == target && m == M_HUGE)
		(void)dbuf_add(out, "\x84\x7f\xff\xff\xff", 5);
	else
		put_len(out, body.len);
	(void)dbuf_add(out, body.p, body.len);
	dbuf_free(&body);
}

static void structure_hostile(const char *name)
{
	size_t len, count = 0, bad = 0, parsed = 0;
	uint8_t *der = read_all(name, &len);
	struct node *nodes = xcalloc(4096, sizeof(*nodes));
	struct span s = { der, len };

	tree(nodes, &count, 4096, s);
	CHECK(count > 40);
	for (size_t k = 0; k < count; k++) {
		for (int m = 0; m < M_COUNT; m++) {
			struct dbuf out;
			struct cert_info *c;

			dbuf_init(&out, 1u << 24);
			emit(&out, nodes, 0, k, (enum mutation)m);
			c = x509_decode(out.p, out.len);
			/* whatever the outcome, a complete and consistent record */
			if (c->parse_ok ? (c->subject.rfc4514 == NULL || c->serial_hex == NULL ||
					   c->sig_alg == NULL || c->spki_der == NULL ||
					   c->key_alg == NULL || c->parse_error != NULL)
					: (c->parse_error == NULL || c->subject.rfc4514 != NULL))
				bad++;
			/* a length over the parent's, or a huge one, breaks every
			 * structure around it: never parsed */
			if ((m == M_OVERRUN || m == M_HUGE) && c->parse_ok)
				bad++;
			parsed += c->parse_ok;
			(void)x509_verify_signature(c, c);
			cert_info_free(c);
			dbuf_free(&out);
		}
	}
	CHECK_EQ_INT(bad, 0);
	CHECK(parsed > 0); /* some mutations (an extension's value) still parse */
	fprintf(stderr, "%s: %zu structures x %d mutations, %zu parsed\n", name, count, M_COUNT,
		parsed);
	free(nodes);
	free(der);
}

/* What a mutation of one structure must give, as openssl would. */
static void structure_expected(void)
{
	size_t len;
	uint8_t *der = read_all("leaf-rsa.der", &len);
	struct cert_info *c = x509_decode(der, len);
	struct signed_parts sp;
	struct span s = { der, len };

	CHECK(c->parse_ok);
	CHECK(cert_signed_parts(s, &sp) == PE_OK);
	/* bytes after the certificate: a TLS entry openssl refuses */
	uint8_t *more = xcalloc(len + 1, 1);
	memcpy(more, der, len);
	cert_info_free(c);
	c = x509_decode(more, len + 1);
	CHECK(!c->parse_ok && strstr(c->parse_error, "Certificate") != NULL);
	cert_info_free(c);
	free(more);
	free(der);

	/* an unknown critical extension, a duplicate, an undecodable value:
	 * parsed, and flagged */
	c = load_one("../../../x509/corpus/exts/unknown-critical");
	CHECK(c->parse_ok && c->unhandled_critical == 1);
	cert_info_free(c);
	c = load_one("../../../x509/corpus/exts/dup-san");
	CHECK(c->parse_ok && c->n_exts == 2 && c->exts[1].duplicate && !c->exts[0].duplicate);
	CHECK(c->san_dns.n == 2); /* both copies, as openssl shows both */
	cert_info_free(c);
	c = load_one("../../../x509/corpus/exts/bad-san-value");
	CHECK(c->parse_ok && c->n_exts == 1 && c->exts[0].undecodable && c->has_san);
	cert_info_free(c);
	c = load_one("../../../x509/corpus/exts/ct-poison");
	CHECK(c->parse_ok && c->unhandled_critical == 1);
	cert_info_free(c);
	c = load_one("../../../x509/corpus/exts/policy-mappings");
	CHECK(c->parse_ok && c->unhandled_critical == 0);
	cert_info_free(c);
	/* a bad version, bad dates, unique IDs, keys openssl cannot load */
	c = load_one("../../../x509/corpus/structure/version-4");
	CHECK(c->parse_ok && c->version == 0 && c->version_num == 4);
	cert_info_free(c);
	c = load_one("../../../x509/corpus/structure/version-huge");
	CHECK(c->parse_ok && c->version == 0 && c->version_num == -1);
	cert_info_free(c);
	c = load_one("../../../x509/corpus/dates/bad-feb-30");
	CHECK(c->parse_ok && c->not_before_bad && !c->not_after_bad && c->not_before_str[0] == 0);
	cert_info_free(c);
	c = load_one("../../../x509/corpus/structure/v2-unique-ids");
	CHECK(c->parse_ok && c->issuer_uid_len == 8 && c->subject_uid_len == 9);
	cert_info_free(c);
	c = load_one("../../../x509/corpus/keys/gost2012-256");
	CHECK(c->parse_ok && c->key_type == KEY_UNKNOWN);
	CHECK_EQ_STR(c->key_alg, "GOST R 34.10-2012 with 256 bit modulus");
	cert_info_free(c);
	c = load_one("../../../x509/corpus/keys/dsa-inherited-params");
	CHECK(c->parse_ok && c->key_type == KEY_DSA && c->key_params_inherited);
	cert_info_free(c);
	c = load_one("../../../x509/corpus/keys/ecx-secp384r1");
	CHECK(c->parse_ok && c->key_explicit_curve && c->key_bits == 384 && c->key_curve == NULL);
	cert_info_free(c);
	c = load_one("../../../x509/corpus/keys/x448");
	CHECK(c->parse_ok && c->key_type == KEY_X448 && c->key_bits == 448);
	cert_info_free(c);
	c = load_one("../../../x509/corpus/structure/ber-indefinite-tbs");
	CHECK(c->parse_ok);
	cert_info_free(c);
	/* where openssl cannot read it either */
	c = load_one("../../../x509/corpus/rejected/trailing-bytes-in-tbs");
	CHECK(!c->parse_ok && strstr(c->parse_error, "TBSCertificate") != NULL);
	cert_info_free(c);
	c = load_one("../../../x509/corpus/rejected/time-wrong-type");
	CHECK(!c->parse_ok && strstr(c->parse_error, "validity") != NULL);
	cert_info_free(c);
}

/* ---- files ------------------------------------------------------------------- */

static void check_file(const char *file, const char *expect_name, int want_ret)
{
	struct cert_info **v;
	struct expect e;
	size_t n, nfp;
	char err[512];
	char *path = path_of(file);
	int ret = x509_load_file(path, &v, &n, err, sizeof err);

	fprintf(stderr, "-- load %s\n", file);
	CHECK_EQ_INT(ret, want_ret);
	if (ret != 0)
		CHECK(err[0] != '\0');
	if (expect_load(expect_name, &e) == 0) {
		const char *cnt = exp_get(&e, "count");
		const char **fps = exp_all(&e, "cert", &nfp);
		if (cnt) {
			CHECK_EQ_INT(n, atoi(cnt));
			for (size_t i = 0; i < n && i < nfp; i++) {
				char *w = unhex_colons(fps[i]);
				CHECK_EQ_STR(v[i]->sha256_hex, w);
				CHECK(v[i]->parse_ok);
				free(w);
			}
		} else {
			/* a single certificate's .expect */
			char *w = unhex_colons(exp_get(&e, "sha256"));
			CHECK_EQ_INT(n, 1);
			if (n)
				CHECK_EQ_STR(v[0]->sha256_hex, w);
			free(w);
		}
		free(fps);
		expect_free(&e);
	} else {
		t_fail++;
	}
	x509_free_list(v, n);
	free(path);
}

static int load_buf(const char *text, size_t len, struct cert_info ***v, size_t *n, char *err,
		    size_t errlen)
{
	return x509_load_buffer((const uint8_t *)text, len, "buf", v, n, err, errlen);
}

static void file_tests(void)
{
	struct cert_info **v;
	size_t n, len, len2;
	char err[512];

	check_file("chain.p7b", "chain.p7b", 0);
	check_file("chain-pem.p7b", "chain-pem.p7b", 0);
	check_file("chain-ber.p7b", "chain-ber.p7b", 0);
	check_file("bundle.pem", "bundle.pem", 0);
	check_file("leaf-rsa.der", "leaf-rsa", 0);
	check_file("leaf-rsa.pem", "leaf-rsa", 0);
	check_file("ed25519.pem", "ed25519", 0);

	/* A truncated DER file: -1, but the certificate is still there. */
	char *path = path_of("corrupt-trunc.der");
	CHECK_EQ_INT(x509_load_file(path, &v, &n, err, sizeof err), -1);
	CHECK_EQ_INT(n, 1);
	if (n == 1)
		CHECK(!v[0]->parse_ok && v[0]->der_len > 0);
	CHECK(strstr(err, "certificate 1") != NULL);
	x509_free_list(v, n);
	free(path);

	path = path_of("no-such-file.pem");
	CHECK_EQ_INT(x509_load_file(path, &v, &n, err, sizeof err), -1);
	CHECK(v == NULL && n == 0 && strstr(err, "No such file") != NULL);
	free(path);

	CHECK_EQ_INT(load_buf("", 0, &v, &n, err, sizeof err), -1);
	CHECK(n == 0 && strstr(err, "no certificates") != NULL);
	x509_free_list(v, n);
	CHECK_EQ_INT(load_buf("hello\n", 6, &v, &n, err, sizeof err), -1);
	CHECK(n == 0);
	x509_free_list(v, n);
	static const char key_only[] =
		"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
	CHECK_EQ_INT(load_buf(key_only, sizeof key_only - 1, &v, &n, err, sizeof err), -1);
	CHECK(n == 0 && strstr(err, "no certificates") != NULL);
	x509_free_list(v, n);

	/* PEM damage: bad base64, no END, END of another label. */
	uint8_t *pem = read_all("leaf-rsa.pem", &len);
	char *s = xstrndup((const char *)pem, len);
	char *body = strchr(s, '\n') + 1;
	body[10] = '!';
	CHECK_EQ_INT(load_buf(s, len, &v, &n, err, sizeof err), -1);
	CHECK(n == 0 && strstr(err, "block 1 (line 1): bad base64") != NULL);
	x509_free_list(v, n);
	body[10] = (char)pem[body - s + 10];
	char *end = strstr(s, "-----END");
	CHECK_EQ_INT(load_buf(s, (size_t)(end - s), &v, &n, err, sizeof err), -1);
	CHECK(n == 0 && strstr(err, "no END") != NULL);
	x509_free_list(v, n);
	char *mixed = xasprintf("%.*s-----END X509 CRL-----\n", (int)(end - s), s);
	CHECK_EQ_INT(load_buf(mixed, strlen(mixed), &v, &n, err, sizeof err), -1);
	CHECK(n == 0 && strstr(err, "does not match") != NULL);
	x509_free_list(v, n);
	free(mixed);

	/* A UTF-8 BOM and indented lines (Notepad, mail) still load. */
	char *bom = xasprintf("\xef\xbb\xbf%s", s);
	CHECK_EQ_INT(load_buf(bom, strlen(bom), &v, &n, err, sizeof err), 0);
	CHECK_EQ_INT(n, 1);
	x509_free_list(v, n);
	free(bom);
	char *ind = xcalloc(2 * len + 3, 1), *o = ind;
	*o++ = ' ';
	*o++ = '\t';
	for (size_t i = 0; i < len; i++) {
		*o++ = s[i];
		if (s[i] == '\n' && i + 1 < len)
			*o++ = ' ';
	}
	CHECK_EQ_INT(load_buf(ind, strlen(ind), &v, &n, err, sizeof err), 0);
	CHECK_EQ_INT(n, 1);
	if (n == 1)
		CHECK(v[0]->parse_ok);
	x509_free_list(v, n);
	free(ind);

	/* DER that is a key, a PKCS#7 that is not SignedData. */
	static const uint8_t key[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	CHECK_EQ_INT(x509_load_buffer(key, sizeof key, "k", &v, &n, err, sizeof err), -1);
	CHECK(n == 0 && strstr(err, "not a certificate") != NULL);
	x509_free_list(v, n);
	static const uint8_t p7data[] = { 0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48,
					  0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01 };
	CHECK_EQ_INT(x509_load_buffer(p7data, sizeof p7data, "d", &v, &n, err, sizeof err), -1);
	CHECK(n == 0 && strstr(err, "not a SignedData") != NULL);
	x509_free_list(v, n);

	/* openssl cms -outform PEM labels the same SignedData "CMS". */
	size_t p7len;
	uint8_t *p7 = read_all("chain-pem.p7b", &p7len);
	char *cms = xstrndup((const char *)p7, p7len), *at;
	while ((at = strstr(cms, "PKCS7")) != NULL)
		memcpy(at, "CMS--", 5), memmove(at + 3, at + 5, strlen(at + 5) + 1);
	CHECK_EQ_INT(load_buf(cms, strlen(cms), &v, &n, err, sizeof err), 0);
	CHECK_EQ_INT(n, 3);
	x509_free_list(v, n);
	free(cms);
	free(p7);

	/* Two PEM certificates, the second valid base64 of a broken DER. */
	uint8_t *tr = read_all("corrupt-len.der", &len2);
	struct cert_info *broken = x509_decode(tr, len2);
	char *tmpl = xasprintf("%s/tlsdiag-x509-XXXXXX",
			       getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	int fd = mkstemp(tmpl);
	FILE *f = fd >= 0 ? fdopen(fd, "w+") : NULL;
	CHECK(f != NULL);
	if (f) {
		fwrite(s, 1, len, f);
		CHECK_EQ_INT(x509_write_pem(f, broken), 0);
		fclose(f);
		CHECK_EQ_INT(x509_load_file(tmpl, &v, &n, err, sizeof err), -1);
		CHECK_EQ_INT(n, 2);
		if (n == 2) {
			CHECK(v[0]->parse_ok && !v[1]->parse_ok);
			CHECK_EQ_STR(v[1]->sha256_hex, broken->sha256_hex);
		}
		size_t lines = 0;
		for (size_t i = 0; i < len; i++)
			lines += s[i] == '\n';
		char *want = xasprintf("certificate 2 (line %zu)", lines + 1);
		CHECK(strstr(err, want) != NULL);
		free(want);
		x509_free_list(v, n);
	}
	cert_info_free(broken);
	free(tr);

	/* x509_write_pem writes what openssl writes; DER round trip. */
	struct cert_info *leaf = load_one("leaf-rsa");
	f = fopen(tmpl, "w+");
	if (f) {
		CHECK_EQ_INT(x509_write_pem(f, leaf), 0);
		long sz = ftell(f);
		char *got = xcalloc((size_t)sz + 1, 1);
		rewind(f);
		CHECK_EQ_INT(fread(got, 1, (size_t)sz, f), sz);
		CHECK_EQ_INT(sz, len);
		CHECK(memcmp(got, pem, len) == 0);
		free(got);
		fclose(f);
	}
	f = fopen(tmpl, "w");
	if (f) {
		CHECK_EQ_INT(x509_write_der(f, leaf), 0);
		struct cert_info *other = load_one("int-rsa");
		CHECK_EQ_INT(x509_write_der(f, other), 0); /* two concatenated DER */
		fclose(f);
		CHECK_EQ_INT(x509_load_file(tmpl, &v, &n, err, sizeof err), 0);
		CHECK_EQ_INT(n, 2);
		if (n == 2) {
			CHECK_EQ_STR(v[0]->sha256_hex, leaf->sha256_hex);
			CHECK_EQ_STR(v[1]->sha256_hex, other->sha256_hex);
		}
		x509_free_list(v, n);
		cert_info_free(other);
	}
	unlink(tmpl);
	free(tmpl);
	cert_info_free(leaf);
	free(s);
	free(pem);
}

/* ---- cache ------------------------------------------------------------------- */

static int collect(struct cert_info *c, void *arg)
{
	struct cert_info ***p = arg;
	*(*p)++ = c;
	return 0;
}

static void cache_tests(void)
{
	struct cert_cache *cc = certcache_new();
	size_t len, len2;
	uint8_t *a = read_all("leaf-rsa.der", &len), *b = read_all("int-rsa.der", &len2);
	uint8_t *a2 = xcalloc(len, 1);

	memcpy(a2, a, len);
	struct cert_info *p1 = certcache_get(cc, a, len);
	struct cert_info *p1again = certcache_get(cc, a2, len);
	struct cert_info *p2 = certcache_get(cc, b, len2);
	CHECK(p1 != NULL && p1 == p1again);
	CHECK(p2 != NULL && p2 != p1);
	CHECK(p1->parse_ok && p2->parse_ok);
	CHECK_EQ_INT(certcache_count(cc), 2);
	CHECK(certcache_at(cc, 0) == p1 && certcache_at(cc, 1) == p2 &&
	      certcache_at(cc, 2) == NULL);

	/* Hundreds of distinct (truncated, unparseable) DERs: the table grows,
	 * lookups still find each, order is kept. */
	struct cert_info **first = xcalloc(len, sizeof(*first));
	for (size_t n = 1; n < len; n++)
		first[n] = certcache_get(cc, a, n);
	int bad = 0;
	for (size_t n = 1; n < len; n++)
		if (certcache_get(cc, a, n) != first[n] || first[n]->parse_ok ||
		    first[n]->der_len != n)
			bad++;
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(certcache_count(cc), 2 + len - 1);
	CHECK(certcache_get(cc, a, len) == p1);

	struct cert_info **all = xcalloc(certcache_count(cc), sizeof(*all)), **pos = all;
	CHECK_EQ_INT(certcache_foreach(cc, collect, &pos), 0);
	CHECK(all[0] == p1 && all[1] == p2 && all[2] == first[1] && all[len] == first[len - 1]);
	free(all);
	free(first);
	certcache_free(cc);
	certcache_free(NULL);

	/* Holds and the limit: what a session holds stays (the same pointer
	 * every time), what nobody holds and nobody asked for lately goes,
	 * and comes back decoded anew when it is seen again. */
	cc = certcache_new();
	certcache_set_limit(cc, 8);
	p1 = certcache_get(cc, a, len); /* held: 1 */
	CHECK_EQ_INT(p1->cache_refs, 1);
	CHECK(certcache_get(cc, a2, len) == p1);
	CHECK_EQ_INT(p1->cache_refs, 2);
	certcache_put(p1);
	p2 = certcache_get(cc, b, len2);
	certcache_put(p2); /* nobody holds the intermediate */
	size_t made = 2;
	for (size_t n = 1; n < 200 && n < len; n++, made++)
		certcache_put(certcache_get(cc, a, n)); /* churn nobody holds */
	CHECK(certcache_evicted(cc) > 0);
	CHECK(certcache_count(cc) <= 2 * 8 + 1);
	CHECK_EQ_INT(certcache_count(cc) + certcache_evicted(cc), made);
	CHECK(certcache_get(cc, a, len) == p1); /* still held: kept */
	CHECK_EQ_INT(p1->cache_refs, 2);
	certcache_put(p1);
	certcache_put(p1);
	CHECK_EQ_INT(p1->cache_refs, 0);
	certcache_put(p1); /* never below 0 */
	CHECK_EQ_INT(p1->cache_refs, 0);
	struct cert_info *p2again = certcache_get(cc, b, len2), *fresh = x509_decode(b, len2);
	CHECK(p2again->parse_ok);
	CHECK_EQ_STR(p2again->sha256_hex, fresh->sha256_hex);
	cert_info_free(fresh);
	certcache_put(NULL);
	certcache_free(cc);
	free(a);
	free(a2);
	free(b);
}

/*
 * Real-world names (BMPString, T61String, multi-valued RDNs, odd
 * attributes): every certificate of the system CA bundle against
 * `openssl x509` run on it. Skipped without $OPENSSL or the bundle.
 */
static void bundle_vs_openssl(const char *bundle)
{
	const char *openssl = getenv("OPENSSL");
	struct cert_info **v;
	size_t n, mismatches = 0, compared = 0;
	char err[512];

	if (openssl == NULL || *openssl == '\0' || access(bundle, R_OK) != 0) {
		fprintf(stderr, "skipped: %s against openssl (no $OPENSSL or no bundle)\n", bundle);
		return;
	}
	if (x509_load_file(bundle, &v, &n, err, sizeof err) != 0) {
		t_fail++;
		fprintf(stderr, "%s\n", err);
		x509_free_list(v, n);
		return;
	}
	char *tmp = xasprintf("%s/tlsdiag-x509-XXXXXX",
			      getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	int fd = mkstemp(tmp);
	if (fd < 0) {
		t_fail++;
		free(tmp);
		x509_free_list(v, n);
		return;
	}
	close(fd);
	for (size_t i = 0; i < n; i++) {
		const struct cert_info *c = v[i];
		FILE *f = fopen(tmp, "w");
		char line[8192], *cmd;
		int bad = 0;

		if (f == NULL || x509_write_pem(f, c) != 0) {
			if (f)
				fclose(f);
			t_fail++;
			continue;
		}
		fclose(f);
		cmd = xasprintf("'%s' x509 -in '%s' -noout -subject -issuer -serial -nameopt RFC2253 "
				"-startdate -enddate -dateopt iso_8601 -fingerprint -sha256",
				openssl, tmp);
		FILE *p = popen(cmd, "r");
		free(cmd);
		if (p == NULL) {
			t_fail++;
			continue;
		}
		while (fgets(line, sizeof line, p)) {
			char *eq = strchr(line, '='), *val, *w = NULL;
			const char *ours = NULL;
			line[strcspn(line, "\n")] = '\0';
			if (eq == NULL)
				continue;
			*eq = '\0';
			val = eq + 1;
			if (strcmp(line, "subject") == 0) {
				ours = c->subject.rfc4514;
				val = w = utf8_dn(val);
			} else if (strcmp(line, "issuer") == 0) {
				ours = c->issuer.rfc4514;
				val = w = utf8_dn(val);
			} else if (strcmp(line, "serial") == 0) {
				ours = c->serial_hex;
				val = w = unhex_colons(val);
			} else if (strcmp(line, "notBefore") == 0 ||
				   strcmp(line, "notAfter") == 0) {
				ours = line[3] == 'B' ? c->not_before_str : c->not_after_str;
				if (strlen(val) > 10)
					val[10] = 'T';
			} else if (strstr(line, "Fingerprint")) {
				ours = c->sha256_hex;
				val = w = unhex_colons(val);
			}
			if (ours && strcmp(ours, val) != 0) {
				if (mismatches < 10)
					fprintf(stderr,
						"%s cert %zu %s: ours \"%s\", openssl \"%s\"\n",
						bundle, i + 1, line, ours, val);
				bad = 1;
			}
			free(w);
		}
		if (pclose(p) != 0)
			bad = 1;
		mismatches += (size_t)bad;
		compared++;
	}
	unlink(tmp);
	free(tmp);
	fprintf(stderr, "%s: %zu certificates compared with openssl\n", bundle, compared);
	CHECK_EQ_INT(mismatches, 0);
	CHECK(compared > 0);
	x509_free_list(v, n);
}

int main(void)
{
	static const char *names[] = {
		"root-rsa", "int-rsa",	     "leaf-rsa",    "ca-p384", "leaf-p256", "ed25519",
		"ed448",    "sha1",	     "oddoid",	    "nosan",   "noeku",	    "highserial",
		"names",    "names2",	     "pss",	    "rsa8192", "v1",	    "dates",
		"dates2",   "corrupt-trunc", "corrupt-len",
	};
	const char *top = getenv("top_srcdir");

	if (top && *top)
		snprintf(data_dir, sizeof data_dir, "%s/tests/unit/data/x509", top);
	else
		snprintf(data_dir, sizeof data_dir, "%s", X509_TEST_DATA);

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct cert_info *c = check_cert(names[i]);
		if (c && strcmp(names[i], "oddoid") == 0)
			check_attrs(c);
		if (c && strcmp(names[i], "names2") == 0)
			check_names2(c);
		if (c && strcmp(names[i], "names") == 0)
			check_names(c);
		if (c && strcmp(names[i], "ed25519") == 0)
			CHECK_EQ_INT(c->key_bits, 255);
		if (c && strcmp(names[i], "ed448") == 0)
			CHECK_EQ_INT(c->key_bits, 448);
		cert_info_free(c);
	}

	size_t len;
	uint8_t *der = read_all("leaf-rsa.der", &len);
	if (der)
		hostile(der, len);
	free(der);
	der = read_all("leaf-p256.der", &len);
	if (der)
		hostile(der, len);
	free(der);

	der_tests();
	time_tests();
	name_tests();
	structure_hostile("leaf-rsa.der");
	structure_hostile("../../../x509/corpus/exts/san-all-kinds.der");
	structure_expected();
	verify_tests();
	file_tests();
	cache_tests();
	bundle_vs_openssl("/etc/ssl/certs/ca-certificates.crt");
	return t_done("x509");
}

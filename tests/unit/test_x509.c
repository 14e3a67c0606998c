#include <ctype.h>
/*
 * Unit tests for dissect/x509.c and dissect/certcache.c.
 *
 * Expected values come from openssl, never from tlsdiag: make.sh in
 * tests/unit/data/x509 generated the certificates and, for each, a
 * <name>.expect file of what `openssl x509` prints. Hostile cases:
 * truncation at every length, bit flips at every byte, corrupted files.
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
		    isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2]) && v >= 0x80) {
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
	{ "Digital Signature", KU_DIGITAL_SIGNATURE }, { "Non Repudiation", KU_NON_REPUDIATION },
	{ "Key Encipherment", KU_KEY_ENCIPHERMENT },   { "Data Encipherment", KU_DATA_ENCIPHERMENT },
	{ "Key Agreement", KU_KEY_AGREEMENT },         { "Certificate Sign", KU_KEY_CERT_SIGN },
	{ "CRL Sign", KU_CRL_SIGN },                   { "Encipher Only", KU_ENCIPHER_ONLY },
	{ "Decipher Only", KU_DECIPHER_ONLY },
};

/* Split "a, b, c" in place. */
static size_t split_comma(char *s, char **out, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(s, ",", &save); tok && n < max; tok = strtok_r(NULL, ",", &save)) {
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
	CHECK(sscanf(want, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		     &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6);
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
				  : strcmp(v, "ED25519") == 0        ? KEY_ED25519
				  : strcmp(v, "ED448") == 0          ? KEY_ED448
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
	CHECK_EQ_INT(c->path_len, v && strstr(v, "pathlen:") ? atoi(strstr(v, "pathlen:") + 8) : -1);

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
	CHECK_EQ_STR(c->subject.attrs[1].value, "\xe2\x82\xac" "uro");
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
	CHECK_EQ_STR(c->sha256_hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
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
		{ "leaf-rsa", "int-rsa", 1 },    { "int-rsa", "root-rsa", 1 },
		{ "root-rsa", "root-rsa", 1 },   { "leaf-p256", "ca-p384", 1 },
		{ "ca-p384", "ca-p384", 1 },     { "ed25519", "ed25519", 1 },
		{ "ed448", "ed448", 1 },         { "sha1", "int-rsa", 1 },
		{ "pss", "int-rsa", 1 },         { "names", "int-rsa", 1 },
		{ "v1", "int-rsa", 1 },          { "dates2", "int-rsa", 1 },
		{ "leaf-rsa", "root-rsa", 0 },   /* right type, wrong key */
		{ "leaf-rsa", "sha1", 0 },       /* RSA-1024 key */
		{ "pss", "root-rsa", 0 },        { "leaf-p256", "leaf-p256", 0 },
		{ "ca-p384", "leaf-p256", 0 },   { "leaf-rsa", "ca-p384", 0 }, /* key type */
		{ "leaf-p256", "int-rsa", 0 },   { "ed25519", "ed448", 0 },
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

	/* RSA 8192: wolfSSL as built may not manage; never a false "bad". */
	c = load_one("rsa8192");
	CHECK(x509_verify_signature(c, c) != 0);
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
	static const char key_only[] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
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
	char *tmpl = xasprintf("%s/tlsdiag-x509-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
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
	char *tmp = xasprintf("%s/tlsdiag-x509-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
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
			} else if (strcmp(line, "notBefore") == 0 || strcmp(line, "notAfter") == 0) {
				ours = line[3] == 'B' ? c->not_before_str : c->not_after_str;
				if (strlen(val) > 10)
					val[10] = 'T';
			} else if (strstr(line, "Fingerprint")) {
				ours = c->sha256_hex;
				val = w = unhex_colons(val);
			}
			if (ours && strcmp(ours, val) != 0) {
				if (mismatches < 10)
					fprintf(stderr, "%s cert %zu %s: ours \"%s\", openssl \"%s\"\n",
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
		"root-rsa", "int-rsa",  "leaf-rsa", "ca-p384",    "leaf-p256", "ed25519",
		"ed448",    "sha1",     "oddoid",   "nosan",      "noeku",     "highserial",
		"names",    "names2",   "pss",      "rsa8192",    "v1",        "dates",
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

	verify_tests();
	file_tests();
	cache_tests();
	bundle_vs_openssl("/etc/ssl/certs/ca-certificates.crt");
	return t_done("x509");
}

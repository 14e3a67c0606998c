/*
 * file.c - certificate files, as support engineers get them from CUCM,
 * Expressway and Windows CAs, and as trust stores are kept:
 *
 *   PEM (RFC 7468)  any number of CERTIFICATE, X509 CERTIFICATE, TRUSTED
 *                   CERTIFICATE (openssl's, trust settings after the
 *                   certificate), PKCS7 / PKCS #7 SIGNED DATA / CMS blocks;
 *                   other blocks and text between them are skipped; a
 *                   UTF-8 BOM and indented lines are accepted
 *   DER             one or more concatenated certificates
 *   PKCS#7          SignedData (.p7b / .p7c), DER, BER or PEM
 *
 * and the two ways a certificate is written back (PEM, DER).
 */
#include "dissect/x509/x509_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct loader {
	const char *name;
	struct cert_info **v;
	size_t n;
	size_t problems;
	char *err;
	size_t errlen;
};

#define X509_LOAD_MAX 65536 /* certificates from one file */

static void problem(struct loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct loader *ld, const char *fmt, ...)
{
	va_list ap;
	if (ld->problems++ || ld->err == NULL || ld->errlen == 0)
		return;
	int w = snprintf(ld->err, ld->errlen, "%s: ", ld->name);
	if (w < 0 || (size_t)w >= ld->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ld->err + w, ld->errlen - (size_t)w, fmt, ap);
	va_end(ap);
}

/* Decode and keep one certificate; `where` is " (line 12)" or "". */
static void add_cert(struct loader *ld, struct span der, const char *where)
{
	struct cert_info *c;

	if (ld->n == X509_LOAD_MAX) {
		problem(ld, "more than %d certificates", X509_LOAD_MAX);
		return;
	}
	c = x509_decode(der.p, der.n);
	ld->v = xreallocarray(ld->v, ld->n + 1, sizeof(*ld->v));
	ld->v[ld->n++] = c;
	if (!c->parse_ok)
		problem(ld, "certificate %zu%s: %s", ld->n, where, c->parse_error);
}

/*
 * PKCS#7 / CMS ContentInfo (RFC 5652 §3, §5.1), DER or BER (streaming
 * signers write indefinite lengths, which der_get() reads):
 *   ContentInfo ::= SEQUENCE { contentType OID (signedData),
 *     content [0] EXPLICIT SignedData ::= SEQUENCE { version INTEGER,
 *       digestAlgorithms SET, encapContentInfo SEQUENCE,
 *       certificates [0] IMPLICIT SET OF CertificateChoices OPTIONAL,
 *       crls [1] IMPLICIT OPTIONAL, signerInfos SET } }
 */
PE_MUST_USE static enum parse_err p7_walk(struct loader *ld, struct span p7, const char *where)
{
	struct cursor c;
	struct der ci, type, content, sd, d, certs, cert;
	char oid[OID_TEXT_MAX];

	cur_init(&c, p7.p, p7.n);
	TRY(der_expect(&c, DER_SEQUENCE, &ci));
	TRY(der_expect(&ci.val, DER_OID, &type));
	TRY(der_oid(&type, oid, sizeof oid));
	if (strcmp(oid, "1.2.840.113549.1.7.2") != 0)
		return PE_UNSUPPORTED;
	TRY(der_expect(&ci.val, DER_CTX0, &content));
	TRY(der_expect(&content.val, DER_SEQUENCE, &sd));
	TRY(der_expect(&sd.val, DER_INTEGER, &d));
	TRY(der_expect(&sd.val, DER_SET, &d));
	TRY(der_expect(&sd.val, DER_SEQUENCE, &d));
	if (!der_next_is(&sd.val, DER_CTX0))
		return PE_OK; /* no certificates */
	TRY(der_get(&sd.val, &certs));
	while (cur_left(&certs.val)) {
		TRY(der_get(&certs.val, &cert));
		if (cert.id == DER_SEQUENCE) /* not the attribute-certificate choices */
			add_cert(ld, cert.tlv, where);
	}
	return PE_OK;
}

static void load_p7(struct loader *ld, struct span p7, const char *where)
{
	enum parse_err e = p7_walk(ld, p7, where);

	if (e == PE_UNSUPPORTED)
		problem(ld, "PKCS#7%s: not a SignedData this reader understands", where);
	else if (e != PE_OK)
		problem(ld, "PKCS#7%s: %s", where, pe_str(e));
}

static int b64_value(uint8_t ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

PE_MUST_USE static enum parse_err b64_decode(struct span text, struct dbuf *out)
{
	struct cursor c;
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t chars = 0, pad = 0;
	uint8_t ch;

	cur_init(&c, text.p, text.n);
	while (cur_u8(&c, &ch) == PE_OK) {
		int v;
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
			continue;
		if (ch == '=') {
			pad++;
			continue;
		}
		v = b64_value(ch);
		if (v < 0 || pad)
			return PE_MALFORMED;
		chars++;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			uint8_t b;
			bits -= 8;
			b = (uint8_t)(acc >> bits);
			if (dbuf_add(out, &b, 1) != 0)
				return PE_LIMIT;
		}
	}
	if (pad > 2 || (chars + pad) % 4 != 0 || chars % 4 == 1)
		return PE_MALFORMED;
	return PE_OK;
}

/* The next line, without leading blanks and end-of-line bytes (PEM pasted
 * from mail is often indented). */
static int next_line(struct cursor *c, struct span *line)
{
	struct span rest;
	size_t n = 0;
	uint8_t ch;

	if (cur_left(c) == 0)
		return 0;
	while (cur_peek_u8(c, 0, &ch) == PE_OK && (ch == ' ' || ch == '\t'))
		if (cur_skip(c, 1) != PE_OK)
			break;
	rest = cur_rest(c);
	while (cur_u8(c, &ch) == PE_OK && ch != '\n')
		n++;
	line->p = rest.p;
	line->n = n;
	/* drop trailing \r and blanks */
	while (line->n) {
		struct cursor lc;
		cur_init(&lc, line->p, line->n);
		if (cur_skip(&lc, line->n - 1) != PE_OK || cur_u8(&lc, &ch) != PE_OK ||
		    (ch != '\r' && ch != ' ' && ch != '\t'))
			break;
		line->n--;
	}
	return 1;
}

/* Does `s` start with `lit`? Then *rest is what follows. */
static int has_prefix(struct span s, const char *lit, struct span *rest)
{
	struct cursor c;
	struct span head, want = { (const uint8_t *)lit, strlen(lit) };

	cur_init(&c, s.p, s.n);
	if (cur_bytes(&c, want.n, &head) != PE_OK || !span_eq(head, want))
		return 0;
	if (rest)
		*rest = cur_rest(&c);
	return 1;
}

/* "-----BEGIN LABEL-----" (kind "BEGIN ") -> LABEL */
static int pem_marker(struct span line, const char *kind, struct span *label)
{
	struct span rest, tail, dashes = { (const uint8_t *)"-----", 5 };
	struct cursor c;
	char lead[20];

	snprintf(lead, sizeof lead, "-----%s", kind);
	if (!has_prefix(line, lead, &rest) || rest.n < 5)
		return 0;
	cur_init(&c, rest.p, rest.n);
	if (cur_bytes(&c, rest.n - 5, label) != PE_OK || cur_bytes(&c, 5, &tail) != PE_OK)
		return 0;
	return span_eq(tail, dashes);
}

static int label_is(struct span label, const char *s)
{
	struct span want = { (const uint8_t *)s, strlen(s) };
	return span_eq(label, want);
}

static int contains_byte(struct span s, uint8_t b)
{
	struct cursor c;
	uint8_t v;
	cur_init(&c, s.p, s.n);
	while (cur_u8(&c, &v) == PE_OK)
		if (v == b)
			return 1;
	return 0;
}

static void load_pem(struct loader *ld, struct span buf)
{
	struct cursor c;
	struct span line, label = { NULL, 0 }, endlabel;
	struct dbuf text;
	size_t lineno = 0, begin_line = 0, block = 0;
	int in = 0;
	char where[48];

	dbuf_init(&text, X509_FILE_MAX);
	cur_init(&c, buf.p, buf.n);
	while (next_line(&c, &line)) {
		lineno++;
		if (!in) {
			if (pem_marker(line, "BEGIN ", &label)) {
				in = 1;
				block++;
				begin_line = lineno;
				dbuf_reset(&text);
			}
			continue;
		}
		if (pem_marker(line, "BEGIN ", &endlabel)) {
			problem(ld, "block %zu (line %zu) has no END line", block, begin_line);
			label = endlabel;
			block++;
			begin_line = lineno;
			dbuf_reset(&text);
			continue;
		}
		if (!pem_marker(line, "END ", &endlabel)) {
			/* RFC 1421 headers ("Proc-Type: ...") hold a ':', base64 never */
			if (!contains_byte(line, ':') && dbuf_add(&text, line.p, line.n) != 0)
				problem(ld, "block %zu (line %zu) is too long", block, begin_line);
			continue;
		}
		in = 0;
		if (!span_eq(label, endlabel)) {
			problem(ld, "block %zu (line %zu): END does not match BEGIN", block,
				begin_line);
			continue;
		}
		int is_cert = label_is(label, "CERTIFICATE") ||
			      label_is(label, "X509 CERTIFICATE") ||
			      label_is(label, "TRUSTED CERTIFICATE");
		int is_p7 = label_is(label, "PKCS7") || label_is(label, "PKCS #7 SIGNED DATA") ||
			    label_is(label, "CMS");
		if (!is_cert && !is_p7)
			continue; /* keys, CRLs, requests */

		struct dbuf der;
		struct span t = { text.p, text.len }, d;
		dbuf_init(&der, X509_FILE_MAX);
		snprintf(where, sizeof where, " (line %zu)", begin_line);
		if (b64_decode(t, &der) != PE_OK) {
			problem(ld, "block %zu (line %zu): bad base64", block, begin_line);
		} else {
			d.p = der.p;
			d.n = der.len;
			if (is_p7) {
				load_p7(ld, d, where);
			} else {
				/* TRUSTED CERTIFICATE: openssl's trust settings follow
				 * the certificate; keep the certificate alone. */
				struct cursor dc;
				struct der one;
				cur_init(&dc, d.p, d.n);
				if (label_is(label, "TRUSTED CERTIFICATE") &&
				    der_get(&dc, &one) == PE_OK)
					d = one.tlv;
				add_cert(ld, d, where);
			}
		}
		dbuf_free(&der);
	}
	if (in)
		problem(ld, "block %zu (line %zu) has no END line", block, begin_line);
	dbuf_free(&text);
}

static void load_der(struct loader *ld, struct span buf)
{
	struct cursor c;
	char where[48];

	cur_init(&c, buf.p, buf.n);
	while (cur_left(&c)) {
		struct span rest = cur_rest(&c);
		struct der d;
		size_t off = c.off;
		enum parse_err e;

		snprintf(where, sizeof where, " (offset %zu)", off);
		e = der_get(&c, &d);
		if (e != PE_OK) {
			/* truncated or broken: keep it as an unparsed certificate */
			add_cert(ld, rest, where);
			return;
		}
		if (der_next_is(&d.val, DER_OID)) /* ContentInfo, not Certificate */
			load_p7(ld, d.tlv, where);
		else if (der_next_is(&d.val, DER_INTEGER)) /* keys, PKCS#12 */
			problem(ld, "DER at offset %zu is not a certificate (a key or PKCS#12?)",
				off);
		else
			add_cert(ld, d.tlv, where);
	}
}

int x509_load_buffer(const uint8_t *buf, size_t len, const char *name, struct cert_info ***out,
		     size_t *n, char *err, size_t errlen)
{
	struct loader ld = { name ? name : "(buffer)", NULL, 0, 0, err, errlen };
	struct span s = { buf, buf ? len : 0 };
	struct cursor c;
	uint8_t first = 0;
	struct span rest;

	if (err && errlen)
		err[0] = '\0';
	if (has_prefix(s, "\xef\xbb\xbf", &rest)) /* UTF-8 BOM (Windows editors) */
		s = rest;
	cur_init(&c, s.p, s.n);
	if (cur_peek_u8(&c, 0, &first) != PE_OK)
		first = 0;
	int pem = 0;
	for (struct span line; !pem && next_line(&c, &line);)
		pem = has_prefix(line, "-----BEGIN ", NULL);
	if (pem)
		load_pem(&ld, s);
	else if (first == DER_SEQUENCE)
		load_der(&ld, s);
	if (ld.n == 0 && ld.problems == 0)
		problem(&ld, "no certificates found");
	if (ld.problems > 1 && err && errlen) {
		size_t used = strlen(err);
		snprintf(err + used, errlen - used, " (and %zu more problem%s)", ld.problems - 1,
			 ld.problems > 2 ? "s" : "");
	}
	*out = ld.v;
	*n = ld.n;
	return ld.problems ? -1 : 0;
}

int x509_load_file(const char *path, struct cert_info ***out, size_t *n, char *err, size_t errlen)
{
	FILE *f;
	struct dbuf b;
	uint8_t chunk[65536];
	size_t got;
	int ret;

	*out = NULL;
	*n = 0;
	if (err && errlen)
		err[0] = '\0';
	f = fopen(path, "rb");
	if (f == NULL) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	dbuf_init(&b, X509_FILE_MAX);
	ret = 0;
	while (ret == 0 && (got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (dbuf_add(&b, chunk, got) != 0) {
			if (err && errlen)
				snprintf(err, errlen, "%s: larger than %u bytes", path,
					 X509_FILE_MAX);
			ret = -1;
		}
	}
	if (ret == 0 && ferror(f)) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		ret = -1;
	}
	fclose(f);
	if (ret == 0)
		ret = x509_load_buffer(b.p, b.len, path, out, n, err, errlen);
	dbuf_free(&b);
	return ret;
}

void x509_free_list(struct cert_info **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		cert_info_free(v[i]);
	free(v);
}

int x509_write_der(FILE *f, const struct cert_info *c)
{
	if (c == NULL || c->der_len == 0)
		return -1;
	return fwrite(c->der, 1, c->der_len, f) == c->der_len ? 0 : -1;
}

int x509_write_pem(FILE *f, const struct cert_info *c)
{
	struct dbuf b;
	const char *t;
	int rc = -1;

	if (c == NULL || c->der_len == 0)
		return -1;
	dbuf_init(&b, c->der_len / 3 * 4 + 8);
	if (dbuf_add_base64(&b, c->der, c->der_len) != 0)
		goto out;
	fputs("-----BEGIN CERTIFICATE-----\n", f);
	t = dbuf_str(&b);
	for (size_t off = 0; off < b.len; off += 64) /* RFC 7468 §2: 64 columns */
		fprintf(f, "%.64s\n", t + off);	     /* lint: ok: our own base64 text */
	fputs("-----END CERTIFICATE-----\n", f);
	rc = ferror(f) ? -1 : 0;
out:
	dbuf_free(&b);
	return rc;
}

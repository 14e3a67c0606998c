/*
 * text.c - bounded text for the certificate model: what a certificate
 * says becomes NUL-terminated UTF-8 of at most a fixed size, and ASN.1
 * string types become Unicode the way openssl's printing reads them
 * (crypto/asn1/a_strex.c: UTF8String, the one-byte types read as Latin-1,
 * BMPString as UCS-2, UniversalString as UCS-4).
 */
#include "dissect/x509/x509_int.h"

#include <stdlib.h>
#include <string.h>

void txt_add(struct dbuf *b, const void *p, size_t n)
{
	size_t room = b->max - b->len;
	if (n > room)
		n = room;
	if (n)
		(void)dbuf_add(b, p, n);
}

void txt_str(struct dbuf *b, const char *s)
{
	txt_add(b, s, strlen(s));
}

void txt_hex(struct dbuf *b, struct span s, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	struct cursor c;
	uint8_t v;

	cur_init(&c, s.p, s.n);
	while (cur_u8(&c, &v) == PE_OK) {
		char two[2] = { digits[v >> 4], digits[v & 15] };
		txt_add(b, two, 2);
	}
}

char *txt_take(struct dbuf *b)
{
	char *s = xstrndup(b->p ? (const char *)b->p : "", b->len);
	dbuf_free(b);
	return s;
}

void txt_utf8(struct dbuf *b, uint32_t cp)
{
	uint8_t u[4];
	size_t n;

	if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd; /* a lone surrogate is not a character */
	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xc0 | cp >> 6);
		u[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xe0 | cp >> 12);
		u[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else if (cp < 0x110000) {
		u[0] = (uint8_t)(0xf0 | cp >> 18);
		u[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	} else {
		txt_utf8(b, 0xfffd);
		return;
	}
	txt_add(b, u, n);
}

/* Bytes as a string; an embedded NUL becomes U+FFFD so that a name like
 * "good.example\0.evil" can never compare equal to "good.example". */
char *span_text(struct span s)
{
	struct dbuf b;
	struct cursor c;
	uint8_t v;

	dbuf_init(&b, X509_STR_MAX);
	cur_init(&c, s.p, s.n);
	while (cur_u8(&c, &v) == PE_OK) {
		if (v == 0)
			txt_str(&b, "\xef\xbf\xbd");
		else
			txt_add(&b, &v, 1);
	}
	return txt_take(&b);
}

enum parse_err sl_push(struct strlist *l, char *s)
{
	if (l->n >= X509_LIST_MAX) {
		free(s);
		return PE_LIMIT;
	}
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = s;
	return PE_OK;
}

/* openssl's tag2nbyte (a_strex.c): the types it prints as characters. */
int str_width(uint8_t tag)
{
	switch (tag) {
	case DER_UTF8: return 0;
	case DER_NUMERIC:
	case DER_PRINTABLE:
	case DER_T61:
	case DER_IA5:
	case DER_UTCTIME:
	case DER_GENTIME:
	case DER_VISIBLE: return 1;
	case DER_UNIVERSAL: return 4;
	case DER_BMP: return 2;
	default: return -1;
	}
}

int str_to_utf8(uint8_t tag, struct cursor c, struct dbuf *out)
{
	int w = str_width(tag);

	if (w < 0 || (w > 1 && cur_left(&c) % (size_t)w))
		return -1;
	while (cur_left(&c)) {
		uint32_t cp;
		uint8_t b;

		if (w == 0) { /* UTF-8 stays as it is */
			if (cur_u8(&c, &b) != PE_OK)
				return -1;
			txt_add(out, &b, 1);
			continue;
		}
		if (str_next(w, &c, &cp) != 0)
			return -1;
		txt_utf8(out, cp);
	}
	return w;
}

/* The next code point of a string of that width; -1 at the end or when
 * it does not decode (UTF-8: overlong forms, surrogates, past U+10FFFF). */
int str_next(int w, struct cursor *c, uint32_t *cp)
{
	uint8_t b, k;
	uint16_t u16;
	unsigned more;
	uint32_t v, min;

	switch (w) {
	case 1:
		if (cur_u8(c, &b) != PE_OK)
			return -1;
		*cp = b;
		return 0;
	case 2:
		if (cur_u16(c, &u16) != PE_OK)
			return -1;
		*cp = u16;
		return 0;
	case 4: return cur_u32(c, cp) == PE_OK ? 0 : -1;
	case 0: break;
	default: return -1;
	}
	if (cur_u8(c, &b) != PE_OK)
		return -1;
	if (b < 0x80) {
		*cp = b;
		return 0;
	}
	if ((b & 0xe0) == 0xc0)
		more = 1, v = b & 0x1fu, min = 0x80;
	else if ((b & 0xf0) == 0xe0)
		more = 2, v = b & 0x0fu, min = 0x800;
	else if ((b & 0xf8) == 0xf0)
		more = 3, v = b & 0x07u, min = 0x10000;
	else
		return -1;
	while (more--) {
		if (cur_u8(c, &k) != PE_OK || (k & 0xc0) != 0x80)
			return -1;
		v = v << 6 | (k & 0x3fu);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return -1;
	*cp = v;
	return 0;
}

/*
 * der.c - ASN.1 TLVs (X.690) read on the cursor, as much BER as openssl's
 * ASN.1 reader takes, and the contents of the primitive types a
 * certificate uses.
 *
 *   identifier   class(2) constructed(1) tag(5)   [tag 31: a number in base 128]
 *   length       0xxxxxxx                          short form
 *                1nnnnnnn + n bytes                long form (leading zeros allowed)
 *                10000000 ... 00 00                indefinite (constructed only)
 *   contents
 */
#include "dissect/x509/x509_int.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static enum parse_err get(struct cursor *c, struct der *d, unsigned depth);

/* Skip the values of an indefinite-length constructed value up to and
 * including its end-of-contents (00 00). */
PE_MUST_USE static enum parse_err skip_indefinite(struct cursor *c, unsigned depth)
{
	for (;;) {
		uint8_t a, b;
		struct der inner;

		TRY(cur_peek_u8(c, 0, &a));
		TRY(cur_peek_u8(c, 1, &b));
		if (a == 0 && b == 0)
			return cur_skip(c, 2);
		TRY(get(c, &inner, depth + 1));
	}
}

static enum parse_err get(struct cursor *c, struct der *d, unsigned depth)
{
	struct span start = cur_rest(c);
	uint8_t id, b;
	uint32_t num;
	size_t len = 0;

	if (depth > DER_MAX_DEPTH)
		return PE_LIMIT;
	TRY(cur_u8(c, &id));
	num = id & 0x1fu;
	if (num == 0x1f) {
		/* high tag number: base 128, at most 28 bits, shortest form */
		num = 0;
		do {
			TRY(cur_u8(c, &b));
			if (num == 0 && b == 0x80)
				return PE_MALFORMED;
			if (num >> 21)
				return PE_LIMIT;
			num = num << 7 | (b & 0x7fu);
		} while (b & 0x80);
	}
	TRY(cur_u8(c, &b));
	if (b == 0x80) {
		struct cursor body = *c;
		size_t before = cur_left(c);

		if (!(id & 0x20))
			return PE_MALFORMED; /* indefinite primitive */
		TRY(skip_indefinite(c, depth));
		/* contents: what was skipped, less the end-of-contents */
		TRY(cur_sub(&body, before - cur_left(c) - 2, &d->val));
		d->indefinite = 1;
	} else {
		if (b & 0x80) {
			unsigned nb = b & 0x7fu;

			while (nb--) {
				TRY(cur_u8(c, &b));
				if (len > (SIZE_MAX >> 8))
					return PE_LIMIT;
				len = len << 8 | b;
			}
		} else {
			len = b;
		}
		TRY(cur_sub(c, len, &d->val));
		d->indefinite = 0;
	}
	d->id = id;
	d->num = num;
	d->tlv.p = start.p;
	d->tlv.n = start.n - cur_left(c);
	return PE_OK;
}

enum parse_err der_get(struct cursor *c, struct der *d)
{
	struct cursor save = *c;
	enum parse_err e = get(c, d, 0);

	if (e != PE_OK)
		*c = save;
	return e;
}

enum parse_err der_expect(struct cursor *c, uint8_t id, struct der *d)
{
	TRY(der_get(c, d));
	return d->id == id ? PE_OK : PE_MALFORMED;
}

int der_next_is(const struct cursor *c, uint8_t id)
{
	uint8_t t;
	return cur_peek_u8(c, 0, &t) == PE_OK && t == id;
}

enum parse_err der_bool(const struct der *d, int *out)
{
	struct cursor v = d->val;
	uint8_t b;

	if (d->id != DER_BOOLEAN || cur_left(&v) != 1)
		return PE_MALFORMED;
	TRY(cur_u8(&v, &b));
	*out = b != 0;
	return PE_OK;
}

enum parse_err der_long(const struct der *d, long *out)
{
	struct cursor v = d->val;
	uint8_t b;
	uint64_t u = 0;
	size_t n = cur_left(&v), i;
	int neg;

	if (n == 0)
		return PE_MALFORMED;
	TRY(cur_peek_u8(&v, 0, &b));
	neg = (b & 0x80) != 0;
	/* drop sign-extension bytes, then at most 8 significant bytes */
	while (n > 1) {
		uint8_t next;
		TRY(cur_peek_u8(&v, 1, &next));
		if (!((b == 0x00 && !(next & 0x80)) || (b == 0xff && (next & 0x80))))
			break;
		TRY(cur_skip(&v, 1));
		b = next;
		n--;
	}
	if (n > 8)
		return PE_LIMIT;
	for (i = 0; i < n; i++) {
		TRY(cur_u8(&v, &b));
		u = u << 8 | b;
	}
	if (neg && n < 8)
		u |= ~(uint64_t)0 << (8 * n);
	if (!neg && u > (uint64_t)INT64_MAX)
		return PE_LIMIT;
	*out = (long)(int64_t)u;
	return PE_OK;
}

enum parse_err der_uint(const struct der *d, struct span *mag)
{
	struct cursor v = d->val;
	uint8_t b;

	if (cur_left(&v) == 0)
		return PE_MALFORMED;
	TRY(cur_peek_u8(&v, 0, &b));
	if (b & 0x80)
		return PE_MALFORMED;
	while (cur_left(&v) > 1 && cur_peek_u8(&v, 0, &b) == PE_OK && b == 0)
		TRY(cur_skip(&v, 1));
	*mag = cur_rest(&v);
	return PE_OK;
}

int span_bits(struct span mag)
{
	struct cursor v;
	uint8_t b = 0;
	int bits;

	cur_init(&v, mag.p, mag.n);
	while (cur_peek_u8(&v, 0, &b) == PE_OK && b == 0)
		if (cur_skip(&v, 1) != PE_OK)
			return 0;
	if (cur_left(&v) == 0 || cur_left(&v) > (1u << 24))
		return 0; /* b is the first significant byte */
	bits = (int)(cur_left(&v) - 1) * 8;
	while (b) {
		bits++;
		b >>= 1;
	}
	return bits;
}

enum parse_err der_bits(const struct der *d, struct span *bits, unsigned *unused)
{
	struct cursor v = d->val;
	uint8_t u;

	TRY(cur_u8(&v, &u));
	if (u > 7 || (u && cur_left(&v) == 0))
		return PE_MALFORMED;
	*unused = u;
	*bits = cur_rest(&v);
	return PE_OK;
}

uint8_t *span_dup(struct span s)
{
	struct cursor c;
	uint8_t *p = xcalloc(s.n ? s.n : 1, 1);
	enum parse_err e;

	cur_init(&c, s.p, s.n);
	e = cur_copy(&c, p, cur_left(&c));
	assert(e == PE_OK);
	(void)e;
	return p;
}

/* ---- object identifiers ------------------------------------------------------ */

/* v in decimal at out, at least `width` digits (zeros before); returns
 * how many (at most 20). */
static size_t dec_digits(char *out, uint64_t v, size_t width)
{
	char d[20];
	size_t n = 0;
	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		d[n++] = '0';
	for (size_t i = 0; i < n; i++)
		out[i] = d[n - 1 - i];
	return n;
}

/*
 * Arcs can be longer than 64 bits (2.25.<UUID>), so each is accumulated in
 * limbs of base 10^9. A leading 0x80 (not the shortest form) is refused as
 * openssl refuses it.
 */
enum parse_err oid_text(struct cursor o, char *out, size_t outlen)
{
	size_t pos = 0;
	int first = 1;

	if (cur_left(&o) == 0)
		return PE_MALFORMED;
	while (cur_left(&o)) {
		uint32_t limb[8] = { 0 };
		size_t nl = 1, i;
		uint8_t b;
		int start = 1, w;

		do {
			uint64_t carry;
			TRY(cur_u8(&o, &b));
			if (start && b == 0x80)
				return PE_MALFORMED;
			start = 0;
			carry = b & 0x7fu;
			for (i = 0; i < nl; i++) {
				uint64_t v = (uint64_t)limb[i] * 128 + carry;
				limb[i] = (uint32_t)(v % 1000000000u);
				carry = v / 1000000000u;
			}
			if (carry) {
				if (nl == 8)
					return PE_LIMIT;
				limb[nl++] = (uint32_t)carry;
			}
		} while (b & 0x80);

		/* Digits without printf: every name attribute has an OID. */
		char arc[2 + 8 * 9 + 1];
		size_t k = 0;
		if (first) {
			/* The first subidentifier is 40 * arc1 + arc2 (X.690 §8.19.4). */
			uint64_t v, arc1;
			if (nl > 2)
				return PE_UNSUPPORTED;
			v = limb[0] + (nl == 2 ? (uint64_t)limb[1] * 1000000000u : 0);
			arc1 = v < 40 ? 0 : v < 80 ? 1 : 2;
			arc[k++] = (char)('0' + arc1);
			arc[k++] = '.';
			k += dec_digits(arc + k, v - 40 * arc1, 0);
			first = 0;
		} else {
			arc[k++] = '.';
			k += dec_digits(arc + k, limb[nl - 1], 0);
			for (i = nl - 1; i-- > 0;)
				k += dec_digits(arc + k, limb[i], 9);
		}
		w = (int)k;
		if ((size_t)w >= outlen - pos)
			return PE_LIMIT;
		memcpy(out + pos, arc, k); /* lint: ok, our own digits */
		pos += k;
		out[pos] = 0;
	}
	return PE_OK;
}

enum parse_err der_oid(const struct der *d, char *out, size_t outlen)
{
	if (d->id != DER_OID)
		return PE_MALFORMED;
	return oid_text(d->val, out, outlen);
}

/* ---- time -------------------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). Counting years
 * from March puts the leap day at the end of the year. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t yy = y - (m <= 2);
	unsigned mar = (m + 9) % 12; /* March = 0 */
	int64_t days = yy * 365 + floor_div(yy, 4) - floor_div(yy, 100) + floor_div(yy, 400);
	return days + (153 * mar + 2) / 5 + d - 1 - 719468; /* 0000-03-01 .. 1970-01-01 */
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	return (unsigned)(days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
			  days_from_civil(y, m, 1));
}

void x509_time_str(int64_t t, char out[21])
{
	int64_t days = floor_div(t, 86400), secs = t - days * 86400;
	int64_t y = 1970 + floor_div(days, 366);
	unsigned m = 1;

	while (days_from_civil(y, 1, 1) > days)
		y--;
	while (days_from_civil(y + 1, 1, 1) <= days)
		y++;
	while (m < 12 && days_from_civil(y, m + 1, 1) <= days)
		m++;
	snprintf(out, 21, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m,
		 (unsigned)(days - days_from_civil(y, m, 1) + 1), (unsigned)(secs / 3600),
		 (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
}

PE_MUST_USE static enum parse_err digits(struct cursor *c, unsigned n, unsigned *out)
{
	uint8_t v;
	*out = 0;
	while (n--) {
		TRY(cur_u8(c, &v));
		if (v < '0' || v > '9')
			return PE_MALFORMED;
		*out = *out * 10 + (unsigned)(v - '0');
	}
	return PE_OK;
}

/*
 * UTCTime YYMMDDHHMM[SS] or GeneralizedTime YYYYMMDDHHMM[SS][.f*], then Z
 * or +-hhmm (openssl's ossl_asn1_time_to_tm, not in strict X.509 mode).
 * UTCTime years 50..99 are 19xx.
 */
enum parse_err der_time(const struct der *t, int64_t *out, char str[21])
{
	struct cursor c = t->val;
	unsigned y, mo, d, h, mi, s = 0, oh, om;
	int64_t year, v;
	uint8_t z;

	if (t->id == DER_UTCTIME) {
		TRY(digits(&c, 2, &y));
		year = y < 50 ? 2000 + y : 1900 + y;
	} else if (t->id == DER_GENTIME) {
		TRY(digits(&c, 4, &y));
		year = y;
	} else {
		return PE_MALFORMED;
	}
	TRY(digits(&c, 2, &mo));
	TRY(digits(&c, 2, &d));
	TRY(digits(&c, 2, &h));
	TRY(digits(&c, 2, &mi));
	TRY(cur_peek_u8(&c, 0, &z));
	if (z >= '0' && z <= '9')
		TRY(digits(&c, 2, &s));
	if (t->id == DER_GENTIME && cur_peek_u8(&c, 0, &z) == PE_OK && z == '.') {
		int any = 0;
		TRY(cur_u8(&c, &z));
		while (cur_peek_u8(&c, 0, &z) == PE_OK && z >= '0' && z <= '9') {
			TRY(cur_u8(&c, &z));
			any = 1;
		}
		if (!any)
			return PE_MALFORMED;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(year, mo) || h > 23 || mi > 59 ||
	    s > 59)
		return PE_MALFORMED;
	v = days_from_civil(year, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	TRY(cur_u8(&c, &z));
	if (z == '+' || z == '-') {
		TRY(digits(&c, 2, &oh));
		TRY(digits(&c, 2, &om));
		if (oh > 12 || om > 59)
			return PE_MALFORMED;
		v += (z == '+' ? -1 : 1) * (int64_t)(oh * 3600 + om * 60);
	} else if (z != 'Z') {
		return PE_MALFORMED; /* local time: no way to know the zone */
	}
	TRY(cur_expect_end(&c));
	*out = v;
	x509_time_str(v, str);
	return PE_OK;
}

/*
 * name.c - Name (RFC 5280 §4.1.2.4), its RFC 4514 text, and names
 * compared as RFC 5280 §7.1 says.
 *
 *   Name ::= SEQUENCE OF RelativeDistinguishedName       (most significant first)
 *   RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
 *   AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY }
 *                             (DirectoryString: UTF8String, PrintableString,
 *                              TeletexString, BMPString, UniversalString;
 *                              IA5String for emailAddress and DC)
 *
 * Text: as `openssl x509 -nameopt RFC2253` prints it (most significant RDN
 * last, short names, RFC 4514 escaping, unknown types and values as
 * #<DER hex>), except that UTF-8 stays UTF-8 where openssl writes \XX.
 *
 * Comparison (§7.1): RDN by RDN, an RDN's attributes in any order, each
 * value of a string type through the RFC 4518 string preparation:
 * transcoded to Unicode whatever the string type, control characters
 * dropped, spaces of every kind one space, case folded (simple folding of
 * Latin, Greek, Cyrillic and fullwidth forms: no full NFKC), leading and
 * trailing spaces dropped and inner runs made one. Values of other types
 * compare as their encoding. Each Name keeps this prepared form (dn.canon)
 * so that comparing is one memcmp.
 */
#include "dissect/x509/x509_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- RFC 4514 text ----------------------------------------------------------- */

/*
 * RFC 4514 §2.4 escaping as openssl's ASN1_STRFLGS_RFC2253 does it: the
 * specials ,+"\<>; always; '#' first and ' ' first or last (in a one-byte
 * value only "last" applies, as in openssl); control bytes as \XX.
 */
static void rfc4514_escape(struct dbuf *out, struct span utf8)
{
	struct cursor c;
	size_t i = 0, n = utf8.n;
	uint8_t v;

	cur_init(&c, utf8.p, utf8.n);
	while (cur_u8(&c, &v) == PE_OK) {
		int first = i == 0 && n > 1, last = i == n - 1;
		char esc[4];

		i++;
		if (v != 0 && strchr(",+\"\\<>;", v) != NULL) {
			esc[0] = '\\';
			esc[1] = (char)v;
			txt_add(out, esc, 2);
		} else if ((v == '#' && first) || (v == ' ' && (first || last))) {
			esc[0] = '\\';
			esc[1] = (char)v;
			txt_add(out, esc, 2);
		} else if (v < 0x20 || v == 0x7f) {
			/* RFC 4514 lets UTF-8 stand as it is ("OU=Zürich Lab", not
			 * openssl's default "Z\\C3\\BCrich"); only controls are
			 * escaped here, and views sanitise again. */
			snprintf(esc, sizeof esc, "\\%02X", v);
			txt_add(out, esc, 3);
		} else {
			txt_add(out, &v, 1);
		}
	}
}

/* ---- RFC 4518 string preparation ------------------------------------------------ */

/* RFC 4518 §2.2: 0 mapped to nothing, 1 a space, 2 kept. */
static int prep_class(uint32_t cp)
{
	if ((cp >= 0x09 && cp <= 0x0d) || cp == 0x85 || cp == 0x20 || cp == 0xa0 || cp == 0x1680 ||
	    (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
	    cp == 0x205f || cp == 0x3000)
		return 1;
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xad || cp == 0x34f ||
	    (cp >= 0x600 && cp <= 0x605) || cp == 0x61c || cp == 0x6dd || cp == 0x70f ||
	    cp == 0x1806 || (cp >= 0x180b && cp <= 0x180e) || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) ||
	    (cp >= 0xfe00 && cp <= 0xfe0f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffc) ||
	    (cp >= 0xe0000 && cp <= 0xe007f))
		return 0;
	return 2;
}

/* Simple case folding (Unicode CaseFolding.txt, status C and S) of the
 * scripts names are written in; fullwidth ASCII first becomes ASCII, as
 * NFKC would make it. */
static uint32_t fold(uint32_t cp)
{
	if (cp >= 0xff01 && cp <= 0xff5e)
		cp -= 0xfee0;
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xc0 && cp <= 0xde && cp != 0xd7))
		return cp + 32;
	if (cp == 0xb5)
		return 0x3bc;
	if ((cp >= 0x100 && cp <= 0x12f) || (cp >= 0x132 && cp <= 0x137) ||
	    (cp >= 0x14a && cp <= 0x177) || (cp >= 0x460 && cp <= 0x481) ||
	    (cp >= 0x48a && cp <= 0x4bf) || (cp >= 0x1e00 && cp <= 0x1e95) ||
	    (cp >= 0x1ea0 && cp <= 0x1eff))
		return cp | 1u;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
		return cp & 1u ? cp + 1 : cp;
	if (cp == 0x178)
		return 0xff;
	if (cp == 0x17f)
		return 's';
	if ((cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) || (cp >= 0x410 && cp <= 0x42f))
		return cp + 32;
	if (cp == 0x3c2)
		return 0x3c3;
	if (cp == 0x386)
		return 0x3ac;
	if (cp >= 0x388 && cp <= 0x38a)
		return cp + 37;
	if (cp == 0x38c)
		return 0x3cc;
	if (cp == 0x38e || cp == 0x38f)
		return cp + 63;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 80;
	return cp;
}

/*
 * The prepared form of a string-typed value into `out` (as UTF-8); -1
 * when the value is not a string type or does not decode.
 */
static int prep_value(uint8_t tag, struct cursor v, struct dbuf *out)
{
	int w = str_width(tag), pending = 0, any = 0;

	if (w < 0 || tag == DER_UTCTIME || tag == DER_GENTIME ||
	    (w > 1 && cur_left(&v) % (size_t)w))
		return -1;
	while (cur_left(&v)) {
		uint32_t cp;

		if (str_next(w, &v, &cp) != 0)
			return -1;
		switch (prep_class(cp)) {
		case 0: continue;
		case 1:
			pending = any; /* leading spaces vanish, inner runs become one */
			continue;
		default:
			if (pending)
				txt_add(out, " ", 1);
			pending = 0;
			any = 1;
			if (cp == 0xdf) /* full folding of sharp s */
				txt_add(out, "ss", 2);
			else
				txt_utf8(out, fold(cp));
		}
	}
	return 0;
}

/* Length-prefixed bytes (4-byte length: no prefix is a prefix of another). */
static void put_lv(struct dbuf *b, const void *p, size_t n)
{
	uint8_t len[4] = { (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n };
	txt_add(b, len, 4);
	txt_add(b, p, n);
}

/* Ceiling of one Name's comparison form; a longer one (a hostile
 * certificate) compares on its DER instead. */
#define CANON_MAX (1u << 20)

/* One attribute's comparison form: type, then 'S' + prepared text or 'B'
 * + the value's encoding. Returns -1 past CANON_MAX. */
static int canon_attr(struct dbuf *out, const char *oid, const struct der *val)
{
	struct dbuf v;
	int full;

	dbuf_init(&v, CANON_MAX);
	txt_add(&v, "S", 1);
	if (prep_value(val->id, val->val, &v) != 0) {
		dbuf_reset(&v);
		txt_add(&v, "B", 1);
		txt_add(&v, val->tlv.p, val->tlv.n);
	}
	full = v.len >= v.max;
	put_lv(out, oid, strlen(oid));
	put_lv(out, v.p, v.len);
	dbuf_free(&v);
	return full || out->len >= out->max ? -1 : 0;
}

struct canon_item {
	uint8_t *p;
	size_t n;
};

static int item_cmp(const void *a, const void *b)
{
	const struct canon_item *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int r = memcmp(x->p, y->p, n); /* lint: ok: our canonical form */

	return r ? r : (x->n > y->n) - (x->n < y->n);
}

/* ---- walk -------------------------------------------------------------------- */

void dn_free(struct dn *d)
{
	for (size_t i = 0; i < d->nattrs; i++) {
		free(d->attrs[i].oid);
		free(d->attrs[i].name);
		free(d->attrs[i].value);
	}
	free(d->attrs);
	free(d->rfc4514);
	free(d->der);
	free(d->canon);
	memset(d, 0, sizeof(*d));
}

enum parse_err name_walk(struct dn *dn, const struct der *name)
{
	struct cursor rdns = name->val;
	char **shown = NULL; /* "type=value" as RFC 4514 prints each attribute */
	struct canon_item *items = NULL;
	size_t nrdn = 0, i;
	enum parse_err e = PE_OK;
	struct dbuf s, canon;
	int too_long = 0;

	dn->der = span_dup(name->tlv);
	dn->der_len = name->tlv.n;
	dbuf_init(&canon, CANON_MAX);
	while (cur_left(&rdns)) {
		struct der rdn;
		size_t first = dn->nattrs, k;

		if ((e = der_expect(&rdns, DER_SET, &rdn)) != PE_OK)
			goto out;
		while (cur_left(&rdn.val)) {
			struct der atv, oid, val;
			char oidbuf[OID_TEXT_MAX];
			const char *sn;
			struct dbuf u, r, one;
			int text;
			struct dn_attr *a;

			if (dn->nattrs == X509_LIST_MAX) {
				e = PE_LIMIT;
				goto out;
			}
			if ((e = der_expect(&rdn.val, DER_SEQUENCE, &atv)) != PE_OK ||
			    (e = der_expect(&atv.val, DER_OID, &oid)) != PE_OK ||
			    (e = der_get(&atv.val, &val)) != PE_OK ||
			    (e = cur_expect_end(&atv.val)) != PE_OK ||
			    (e = oid_text(oid.val, oidbuf, sizeof oidbuf)) != PE_OK)
				goto out;
			sn = oid_attr_name(oidbuf);

			dbuf_init(&u, X509_STR_MAX);
			text = val.id == (val.num & 0x1fu) && str_to_utf8(val.id, val.val, &u) >= 0;
			dbuf_init(&r, X509_DN_STR_MAX);
			txt_str(&r, sn ? sn : oidbuf);
			txt_add(&r, "=", 1);
			if (sn && text) {
				struct span us = { u.p, u.len };
				rfc4514_escape(&r, us);
			} else {
				/* openssl dumps unknown types and values as #<DER hex> */
				txt_add(&r, "#", 1);
				txt_hex(&r, val.tlv, 1);
			}

			dn->attrs = xreallocarray(dn->attrs, dn->nattrs + 1, sizeof(*dn->attrs));
			shown = xreallocarray(shown, dn->nattrs + 1, sizeof(*shown));
			items = xreallocarray(items, dn->nattrs + 1, sizeof(*items));
			a = &dn->attrs[dn->nattrs];
			a->oid = xstrdup(oidbuf);
			a->name = sn ? xstrdup(sn) : NULL;
			a->rdn = (unsigned)nrdn;
			a->tag = val.id;
			if (text) {
				struct span us = { u.p, u.len };
				a->value = span_text(us);
			} else {
				struct dbuf h;
				dbuf_init(&h, X509_STR_MAX);
				txt_add(&h, "#", 1);
				txt_hex(&h, val.tlv, 1);
				a->value = txt_take(&h);
			}
			dbuf_free(&u);
			shown[dn->nattrs] = txt_take(&r);
			dbuf_init(&one, CANON_MAX);
			too_long |= canon_attr(&one, oidbuf, &val) != 0;
			items[dn->nattrs].n = one.len;
			items[dn->nattrs].p = one.p; /* owned by items now */
			dn->nattrs++;
		}
		/* An RDN compares as the set of its attributes. An empty SET
		 * (which openssl also accepts) holds nothing and is dropped. */
		if (dn->nattrs > first) {
			uint8_t cnt[2] = { (uint8_t)((dn->nattrs - first) >> 8),
					   (uint8_t)(dn->nattrs - first) };
			qsort(items + first, dn->nattrs - first, sizeof(*items), item_cmp);
			txt_add(&canon, "R", 1);
			txt_add(&canon, cnt, 2);
			for (k = first; k < dn->nattrs; k++)
				put_lv(&canon, items[k].p, items[k].n);
			nrdn++;
		}
	}

	/* Most significant last; openssl reverses attribute by attribute, so
	 * a multi-valued RDN comes out in reverse too ("UID=u1+OU=sales"). */
	dbuf_init(&s, X509_DN_STR_MAX);
	for (i = dn->nattrs; i-- > 0;) {
		if (i + 1 < dn->nattrs)
			txt_add(&s, dn->attrs[i].rdn == dn->attrs[i + 1].rdn ? "+" : ",", 1);
		txt_str(&s, shown[i]);
	}
	dn->rfc4514 = txt_take(&s);
	if (!too_long && canon.len < canon.max) {
		dn->canon_len = canon.len;
		dn->canon = (uint8_t *)txt_take(&canon);
	}
out:
	dbuf_free(&canon);
	for (i = 0; i < dn->nattrs; i++) {
		if (shown)
			free(shown[i]);
		if (items)
			free(items[i].p);
	}
	free(shown);
	free(items);
	return e;
}

/* ---- public ------------------------------------------------------------------- */

int x509_dn_eq(const struct dn *a, const struct dn *b)
{
	if (a == NULL || b == NULL || a->der_len == 0 || b->der_len == 0)
		return 0;
	if (a->canon == NULL || b->canon == NULL) /* not from name_walk: the DER */
		return a->der_len == b->der_len &&
		       memcmp(a->der, b->der, a->der_len) == 0; /* lint: ok: copies in the model */
	return a->canon_len == b->canon_len &&
	       memcmp(a->canon, b->canon, a->canon_len) == 0; /* lint: ok: our canonical form */
}

/* A DER Name on its own into `dn`. */
PE_MUST_USE static enum parse_err dn_from_der(const uint8_t *der, size_t len, struct dn *dn)
{
	struct cursor c;
	struct der name;

	memset(dn, 0, sizeof(*dn));
	cur_init(&c, der, der ? len : 0);
	TRY(der_expect(&c, DER_SEQUENCE, &name));
	return name_walk(dn, &name);
}

int x509_dn_eq_der(const uint8_t *der, size_t len, const struct dn *b)
{
	struct dn a;
	int r = 0;

	if (dn_from_der(der, len, &a) == PE_OK)
		r = x509_dn_eq(&a, b);
	dn_free(&a);
	return r;
}

char *x509_dn_string(const uint8_t *der, size_t len)
{
	struct dn dn;
	char *s = NULL;

	if (dn_from_der(der, len, &dn) == PE_OK) {
		s = dn.rfc4514;
		dn.rfc4514 = NULL;
	}
	dn_free(&dn);
	return s;
}

/*
 * tls_hello.c - ClientHello and ServerHello (RFC 8446 §4.1.2-4.1.3,
 * RFC 5246 §7.4.1), the SSLv2-compatible ClientHello (RFC 5246 E.2), and
 * the JA3 / JA4 fingerprints computed from them.
 *
 *   ClientHello: legacy_version(2) random(32) session_id<0..32>
 *                cipher_suites<2..2^16-2> compression_methods<1..2^8-1>
 *                extensions<0..2^16-1>  (absent in old clients)
 *   Extension:   type(2) extension_data<0..2^16-1>
 *   ServerHello: legacy_version(2) random(32) session_id<0..32>
 *                cipher_suite(2) compression_method(1) extensions<..>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/md5.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "capture/xalloc.h"
#include "dissect/tls_msg.h"

/* Lists hold whatever the wire can carry (a u16 vector has at most 32767
 * values), so fingerprints cover exactly what was sent. */
#define MAX_ALPN 64 /* protocol names kept; more is PE_LIMIT */

/* Growable list while parsing: room for `cap` values, reserved up front
 * from the enclosing vector's length (one allocation per vector). */
struct u16build {
	struct u16list *l;
	size_t cap;
};

static void u16_begin(struct u16build *b, struct u16list *l, size_t most)
{
	b->l = l;
	b->cap = l->n + most;
	if (most)
		l->v = xreallocarray(l->v, b->cap, sizeof *l->v);
}

static void u16_push(struct u16build *b, uint16_t v)
{
	if (b->l->n < b->cap) /* cannot fail: `most` bounded what follows */
		b->l->v[b->l->n++] = v;
}

/* A vector of u16 values, consumed exactly. */
static enum parse_err read_u16_list(struct cursor *c, struct u16list *l)
{
	struct u16build b;
	if (cur_left(c) % 2)
		return PE_MALFORMED;
	u16_begin(&b, l, cur_left(c) / 2);
	while (cur_left(c)) {
		uint16_t v;
		TRY(cur_u16(c, &v));
		u16_push(&b, v);
	}
	return PE_OK;
}

int tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* Copy wire text into a C string (NUL bytes become '?'); capped. */
static char *span_str(struct span s, size_t cap)
{
	size_t n = s.n < cap ? s.n : cap;
	char *o = xcalloc(n + 1, 1);
	struct cursor c;
	cur_init(&c, s.p, n);
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = 0;
		if (cur_u8(&c, &ch) != PE_OK)
			break;
		o[i] = ch ? (char)ch : '?';
	}
	return o;
}

/* RFC 6066 §3: ServerNameList server_name_list<1..2^16-1>,
 * HostName<1..2^16-1>. */
static enum parse_err ext_sni(struct cursor *ext, struct tls_client_hello *ch)
{
	struct cursor list;
	TRY(cur_sub_u16(ext, &list));
	if (cur_left(&list) == 0)
		return PE_MALFORMED;
	while (cur_left(&list)) {
		uint8_t type;
		struct cursor name;
		TRY(cur_u8(&list, &type));
		TRY(cur_sub_u16(&list, &name));
		if (cur_left(&name) == 0)
			return PE_MALFORMED;
		if (type == SNI_HOST_NAME && ch->sni == NULL)
			ch->sni = span_str(cur_rest(&name), 255);
	}
	return cur_expect_end(ext);
}

/* RFC 7301 §3.1: ProtocolNameList protocol_name_list<2..2^16-1>,
 * ProtocolName<1..2^8-1>. Keeps the first MAX_ALPN names. */
static enum parse_err ext_alpn(struct cursor *ext, struct strlist *out)
{
	struct cursor list;
	enum parse_err e = PE_OK;
	TRY(cur_sub_u16(ext, &list));
	if (cur_left(&list) == 0)
		return PE_MALFORMED;
	while (cur_left(&list)) {
		struct cursor p;
		TRY(cur_sub_u8(&list, &p));
		if (cur_left(&p) == 0)
			return PE_MALFORMED;
		if (out->n < MAX_ALPN) {
			out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
			out->v[out->n++] = span_str(cur_rest(&p), 255);
		} else {
			e = PE_LIMIT;
		}
	}
	TRY(cur_expect_end(ext));
	return e;
}

/* RFC 9146 §3: opaque cid<0..2^8-1> */
static enum parse_err ext_cid(struct cursor *ext, int *present, uint8_t *len)
{
	struct cursor cid;
	TRY(cur_sub_u8(ext, &cid));
	TRY(cur_expect_end(ext));
	*present = 1;
	*len = (uint8_t)cur_left(&cid);
	return PE_OK;
}

/* RFC 5764 §4.1.1: SRTPProtectionProfiles<2..2^16-1>, srtp_mki<0..255>;
 * the server's holds exactly one profile. */
static enum parse_err ext_use_srtp(struct cursor *ext, uint16_t *profile)
{
	struct cursor l, mki;
	TRY(cur_sub_u16(ext, &l));
	if (cur_left(&l) != 2)
		return PE_MALFORMED;
	TRY(cur_u16(&l, profile));
	TRY(cur_sub_u8(ext, &mki));
	return cur_expect_end(ext);
}

static enum parse_err ch_extension(uint16_t type, struct cursor *ext, struct tls_client_hello *ch)
{
	struct cursor l;
	switch (type) {
	case EXT_SERVER_NAME: return ext_sni(ext, ch);
	case EXT_SUPPORTED_GROUPS: /* RFC 8446 §4.2.7: <2..2^16-1> */
		TRY(cur_sub_u16(ext, &l));
		if (cur_left(&l) == 0)
			return PE_MALFORMED;
		TRY(read_u16_list(&l, &ch->groups));
		return cur_expect_end(ext);
	case EXT_EC_POINT_FORMATS: { /* RFC 8422 §5.1.2: <1..2^8-1> */
		struct u16build b;
		TRY(cur_sub_u8(ext, &l));
		if (cur_left(&l) == 0)
			return PE_MALFORMED;
		u16_begin(&b, &ch->ec_point_formats, cur_left(&l));
		while (cur_left(&l)) {
			uint8_t f;
			TRY(cur_u8(&l, &f));
			u16_push(&b, f);
		}
		return cur_expect_end(ext);
	}
	case EXT_SIGNATURE_ALGORITHMS: /* RFC 8446 §4.2.3: <2..2^16-2> */
		TRY(cur_sub_u16(ext, &l));
		if (cur_left(&l) == 0)
			return PE_MALFORMED;
		TRY(read_u16_list(&l, &ch->sig_algs));
		return cur_expect_end(ext);
	case EXT_ALPN: return ext_alpn(ext, &ch->alpn);
	case EXT_SUPPORTED_VERSIONS: /* ClientHello form, RFC 8446 §4.2.1: <2..254> */
		TRY(cur_sub_u8(ext, &l));
		if (cur_left(&l) == 0)
			return PE_MALFORMED;
		TRY(read_u16_list(&l, &ch->versions));
		return cur_expect_end(ext);
	case EXT_CONNECTION_ID:
	case EXT_CONNECTION_ID_DRAFT: return ext_cid(ext, &ch->cid_present, &ch->cid_len);
	}
	return PE_OK;
}

/* Extension types seen in one hello (one bit per type). */
struct typeset {
	uint8_t bit[65536 / 8];
};

/* Was `type` seen before? Marks it seen. */
static int seen_before(struct typeset *s, uint16_t type)
{
	uint8_t m = (uint8_t)(1u << (type & 7));
	int was = (s->bit[type >> 3] & m) != 0;
	s->bit[type >> 3] = (uint8_t)(s->bit[type >> 3] | m);
	return was;
}

static enum parse_err client_hello(struct cursor *b, struct tls_client_hello *ch, int dtls)
{
	struct cursor sid, cookie, cs, comp, exts;
	TRY(cur_u16(b, &ch->legacy_version));
	TRY(cur_skip(b, 32));
	TRY(cur_sub_u8(b, &sid));
	if (cur_left(&sid) > 32)
		return PE_MALFORMED;
	if (dtls) /* RFC 6347 §4.2.1: opaque cookie<0..2^8-1> (RFC 9147: legacy_cookie) */
		TRY(cur_sub_u8(b, &cookie));
	TRY(cur_sub_u16(b, &cs));
	if (cur_left(&cs) == 0 || cur_left(&cs) % 2) /* <2..2^16-2> */
		return PE_MALFORMED;
	TRY(cur_sub_u8(b, &comp));
	if (cur_left(&comp) == 0) /* <1..2^8-1> */
		return PE_MALFORMED;
	TRY(read_u16_list(&cs, &ch->ciphers));
	ch->present = 1;
	if (cur_left(b) == 0) /* no extensions: allowed before TLS 1.3 */
		return PE_OK;
	TRY(cur_sub_u16(b, &exts));
	struct u16build types;
	struct typeset seen;
	memset(&seen, 0, sizeof seen);
	u16_begin(&types, &ch->extensions, cur_left(&exts) / 4);
	enum parse_err worst = PE_OK;
	while (cur_left(&exts)) {
		uint16_t type;
		struct cursor ext;
		TRY(cur_u16(&exts, &type));
		TRY(cur_sub_u16(&exts, &ext));
		/* RFC 8446 §4.2: at most one extension of a type. */
		enum parse_err e = seen_before(&seen, type) ? PE_MALFORMED
							    : ch_extension(type, &ext, ch);
		u16_push(&types, type);
		if (e != PE_OK && (worst == PE_OK || worst == PE_LIMIT))
			worst = e; /* keep going: one bad extension spoils only itself */
	}
	TRY(cur_expect_end(b));
	return worst;
}

enum parse_err dtls_parse_client_hello(struct cursor *b, struct tls_client_hello *ch)
{
	ch->dtls = 1;
	enum parse_err e = client_hello(b, ch, 1);
	if (ch->present)
		tls_fingerprint(ch);
	return e;
}

enum parse_err tls_parse_client_hello(struct cursor *b, struct tls_client_hello *ch)
{
	enum parse_err e = client_hello(b, ch, 0);
	/* Whatever could be read of a hello gets a fingerprint, so a session
	 * never shows a ClientHello without one. */
	if (ch->present)
		tls_fingerprint(ch);
	return e;
}

/* SSLv2 CLIENT-HELLO (RFC 6101 E.1 / RFC 5246 E.2): msg_type(1)=1
 * version(2) cipher_spec_length(2) session_id_length(2) challenge_length(2)
 * cipher_specs(3 each) session_id challenge(16..32). */
enum parse_err tls_parse_sslv2_hello(struct cursor *r, struct tls_client_hello *ch)
{
	uint8_t type;
	uint16_t cslen, sidlen, chlen;
	TRY(cur_u8(r, &type));
	if (type != 1)
		return PE_MALFORMED;
	TRY(cur_u16(r, &ch->legacy_version));
	TRY(cur_u16(r, &cslen));
	TRY(cur_u16(r, &sidlen));
	TRY(cur_u16(r, &chlen));
	if (cslen == 0 || cslen % 3 || (sidlen != 0 && sidlen != 16) || chlen < 16 || chlen > 32)
		return PE_MALFORMED;
	struct cursor cs;
	TRY(cur_sub(r, cslen, &cs));
	TRY(cur_skip(r, sidlen));
	TRY(cur_skip(r, chlen));
	TRY(cur_expect_end(r));
	struct u16build b;
	u16_begin(&b, &ch->ciphers, cslen / 3);
	while (cur_left(&cs)) {
		uint8_t hi;
		uint16_t lo;
		TRY(cur_u8(&cs, &hi));
		TRY(cur_u16(&cs, &lo));
		if (hi == 0) /* TLS cipher suites in SSLv2 form */
			u16_push(&b, lo);
	}
	ch->present = 1;
	ch->sslv2 = 1;
	tls_fingerprint(ch);
	return PE_OK;
}

/* SHA-256("HelloRetryRequest"), RFC 8446 §4.1.3 */
const uint8_t tls_hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
	0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
	0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static enum parse_err sh_extension(uint16_t type, struct cursor *ext, int is_hrr,
				   struct tls_server_hello *sh)
{
	uint16_t v;
	switch (type) {
	case EXT_SUPPORTED_VERSIONS: /* selected_version */
		TRY(cur_u16(ext, &v));
		TRY(cur_expect_end(ext));
		sh->version = v;
		return PE_OK;
	case EXT_CONNECTION_ID:
	case EXT_CONNECTION_ID_DRAFT: return ext_cid(ext, &sh->cid_present, &sh->cid_len);
	case EXT_USE_SRTP: return ext_use_srtp(ext, &sh->srtp_profile);
	case EXT_ALPN: { /* exactly one ProtocolName (RFC 7301 §3.1) */
		struct strlist l = { 0 };
		enum parse_err e = is_hrr ? PE_MALFORMED : ext_alpn(ext, &l);
		if (e == PE_OK && l.n != 1)
			e = PE_MALFORMED;
		if (e == PE_OK) {
			free(sh->alpn);
			sh->alpn = l.v[0];
			l.n = 0;
		}
		for (size_t i = 0; i < l.n; i++)
			free(l.v[i]);
		free(l.v);
		return e;
	}
	case EXT_KEY_SHARE: /* the group (HRR: only the group) */
		TRY(cur_u16(ext, &v));
		if (is_hrr) {
			TRY(cur_expect_end(ext));
		} else {
			struct cursor kx;
			TRY(cur_sub_u16(ext, &kx));
			TRY(cur_expect_end(ext));
		}
		sh->key_share_group = v;
		return PE_OK;
	}
	return PE_OK;
}

enum parse_err tls_parse_server_hello(struct cursor *b, struct tls_server_hello *sh)
{
	struct cursor sid, exts;
	struct span random;
	uint8_t comp;
	TRY(cur_u16(b, &sh->legacy_version));
	TRY(cur_bytes(b, 32, &random));
	struct span hrr = { tls_hrr_random, 32 };
	int is_hrr = span_eq(random, hrr);
	TRY(cur_sub_u8(b, &sid));
	if (cur_left(&sid) > 32)
		return PE_MALFORMED;
	TRY(cur_u16(b, &sh->cipher));
	TRY(cur_u8(b, &comp));
	sh->version = sh->legacy_version;
	if (is_hrr)
		sh->hrr = 1;
	else
		sh->present = 1;
	if (cur_left(b) == 0)
		return PE_OK;
	TRY(cur_sub_u16(b, &exts));
	struct u16build types = { 0 };
	struct typeset seen;
	memset(&seen, 0, sizeof seen);
	/* A HelloRetryRequest's extensions are not the ServerHello's. */
	if (!is_hrr)
		u16_begin(&types, &sh->extensions, cur_left(&exts) / 4);
	enum parse_err worst = PE_OK;
	while (cur_left(&exts)) {
		uint16_t type;
		struct cursor ext;
		enum parse_err e = cur_u16(&exts, &type);
		if (e == PE_OK)
			e = cur_sub_u16(&exts, &ext);
		if (e != PE_OK) {
			worst = e;
			break;
		}
		e = seen_before(&seen, type) ? PE_MALFORMED : sh_extension(type, &ext, is_hrr, sh);
		if (!is_hrr)
			u16_push(&types, type);
		if (e != PE_OK && worst == PE_OK)
			worst = e;
	}
	if (worst != PE_OK)
		return worst;
	return cur_expect_end(b);
}

enum parse_err tls13_parse_encrypted_extensions(struct cursor *b, struct tls_server_hello *sh)
{
	struct cursor exts;
	struct u16build types;
	struct typeset seen;
	enum parse_err worst = PE_OK;
	TRY(cur_sub_u16(b, &exts));
	memset(&seen, 0, sizeof seen);
	u16_begin(&types, &sh->ee_extensions, cur_left(&exts) / 4);
	while (cur_left(&exts)) {
		uint16_t type;
		struct cursor ext;
		TRY(cur_u16(&exts, &type));
		TRY(cur_sub_u16(&exts, &ext));
		u16_push(&types, type);
		/* ALPN moved here from the ServerHello in TLS 1.3. */
		enum parse_err e = seen_before(&seen, type) ? PE_MALFORMED
				   : type == 16		    ? sh_extension(type, &ext, 0, sh)
							    : PE_OK;
		if (e != PE_OK && worst == PE_OK)
			worst = e;
	}
	if (worst != PE_OK)
		return worst;
	return cur_expect_end(b);
}

/* ---- fingerprints ---- */

void tls_ja3_join(struct dbuf *s, const struct u16list *l, int skip_grease)
{
	int first = 1;
	for (size_t i = 0; i < l->n; i++) {
		if (skip_grease && tls_is_grease(l->v[i]))
			continue;
		dbuf_addf(s, "%s%u", first ? "" : "-", l->v[i]);
		first = 0;
	}
}

static void hex_of(const uint8_t *d, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[d[i] >> 4];
		out[2 * i + 1] = hx[d[i] & 15];
	}
	out[2 * n] = 0;
}

void tls_md5_hex(const char *s, size_t n, char out[33])
{
	uint8_t md[WC_MD5_DIGEST_SIZE];
	if (wc_Md5Hash((const byte *)s, (word32)n, md) != 0)
		memset(md, 0, sizeof md);
	hex_of(md, sizeof md, out);
}

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
	return x < y ? -1 : x > y;
}

void tls_ja4_hash12(const char *s, size_t n, char out[13])
{
	uint8_t dig[WC_SHA256_DIGEST_SIZE];
	char hex[2 * WC_SHA256_DIGEST_SIZE + 1];

	if (n == 0 || wc_Sha256Hash((const byte *)s, (word32)n, dig) != 0) {
		strcpy(out, "000000000000");
		return;
	}
	hex_of(dig, sizeof dig, hex);
	snprintf(out, 13, "%.12s", hex);
}

char *tls_ja4_hex_list(const struct u16list *l, int sort, const uint16_t *omit, size_t nomit,
		       size_t *count)
{
	uint16_t *v = xcalloc(l->n + 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++) {
		int skip = tls_is_grease(l->v[i]);
		for (size_t k = 0; k < nomit; k++)
			skip |= l->v[i] == omit[k];
		if (!skip)
			v[n++] = l->v[i];
	}
	if (sort)
		qsort(v, n, sizeof *v, cmp_u16);
	struct dbuf s;
	dbuf_init(&s, DBUF_TEXT_MAX);
	for (size_t i = 0; i < n; i++)
		dbuf_addf(&s, "%s%04x", i ? "," : "", v[i]);
	free(v);
	if (count)
		*count = n;
	return dbuf_take(&s);
}

const char *tls_ja4_version(uint16_t v)
{
	switch (v) {
	case TLS_V1_3: return "13";
	case TLS_V1_2: return "12";
	case TLS_V1_1: return "11";
	case TLS_V1_0: return "10";
	case SSL_V3: return "s3";
	case SSL_V2: return "s2";
	/* JA4 for DTLS: protocol 'd', versions "d1", "d2", "d3" */
	case DTLS_V1_3: return "d3";
	case DTLS_V1_2: return "d2";
	case DTLS_V1_0: return "d1";
	}
	return "00";
}

static int alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void tls_ja4_alpn(const char *a, char out[3])
{
	strcpy(out, "00");
	if (a == NULL || a[0] == 0)
		return;
	size_t al = strlen(a);
	unsigned char f = (unsigned char)a[0], l = (unsigned char)a[al - 1];
	if (alnum(f) && alnum(l)) {
		out[0] = (char)f;
		out[1] = (char)l;
	} else { /* the first and last digits of the value in hex */
		char hx[3];
		hex_of(&f, 1, hx);
		out[0] = hx[0];
		hex_of(&l, 1, hx);
		out[1] = hx[1];
	}
}

void tls_fingerprint(struct tls_client_hello *ch)
{
	/* JA3: version,ciphers,extensions,groups,point_formats (decimal). */
	struct dbuf j;
	dbuf_init(&j, DBUF_TEXT_MAX);
	dbuf_addf(&j, "%u,", ch->legacy_version);
	tls_ja3_join(&j, &ch->ciphers, 1);
	dbuf_addstr(&j, ",");
	tls_ja3_join(&j, &ch->extensions, 1);
	dbuf_addstr(&j, ",");
	tls_ja3_join(&j, &ch->groups, 1);
	dbuf_addstr(&j, ",");
	tls_ja3_join(&j, &ch->ec_point_formats, 0);
	free(ch->ja3_string);
	ch->ja3_string = dbuf_take(&j);
	tls_md5_hex(ch->ja3_string, strlen(ch->ja3_string), ch->ja3);

	/* JA4_a: t, version, d|i, ciphers count, extensions count, ALPN. */
	uint16_t best = 0;
	for (size_t i = 0; i < ch->versions.n; i++)
		if (!tls_is_grease(ch->versions.v[i]) && ch->versions.v[i] > best)
			best = ch->versions.v[i];
	if (best == 0)
		best = ch->legacy_version;
	const char *ver = tls_ja4_version(best);
	size_t ncs = 0, next = 0;
	int sni = 0; /* the extension's presence decides, not its content */
	for (size_t i = 0; i < ch->extensions.n; i++)
		sni |= ch->extensions.v[i] == EXT_SERVER_NAME;
	for (size_t i = 0; i < ch->ciphers.n; i++)
		ncs += !tls_is_grease(ch->ciphers.v[i]);
	for (size_t i = 0; i < ch->extensions.n; i++)
		next += !tls_is_grease(ch->extensions.v[i]);
	char alpn[3];
	tls_ja4_alpn(ch->alpn.n ? ch->alpn.v[0] : NULL, alpn);
	char a[16];
	snprintf(a, sizeof a, "%c%s%c%02zu%02zu%s", ch->dtls ? 'd' : 't', ver, sni ? 'd' : 'i',
		 ncs > 99 ? 99 : ncs, next > 99 ? 99 : next, alpn);

	/* JA4_b: sorted ciphers. JA4_c: sorted extensions without SNI and
	 * ALPN, then "_" and the signature algorithms in offered order. */
	char b12[13], c12[13];
	char *cl = tls_ja4_hex_list(&ch->ciphers, 1, NULL, 0, NULL);
	tls_ja4_hash12(cl, strlen(cl), b12);
	free(cl);
	static const uint16_t omit[] = { EXT_SERVER_NAME, EXT_ALPN };
	size_t nex;
	char *el = tls_ja4_hex_list(&ch->extensions, 1, omit, 2, &nex);
	char *sl = tls_ja4_hex_list(&ch->sig_algs, 0, NULL, 0, NULL);
	char *cstr = xasprintf("%s%s%s", el, sl[0] ? "_" : "", sl);
	tls_ja4_hash12(cstr, nex ? strlen(cstr) : 0, c12);
	free(el);
	free(sl);
	free(cstr);
	snprintf(ch->ja4, sizeof ch->ja4, "%s_%s_%s", a, b12, c12);
}

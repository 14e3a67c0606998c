/*
 * tls_cert.c - the certificate-bearing handshake messages.
 *
 * Certificate (RFC 5246 §7.4.2, both sides):
 *   certificate_list<0..2^24-1>  of  ASN.1Cert<1..2^24-1>
 *   an empty list is a client saying "I have no certificate".
 * Certificate (TLS 1.3, RFC 8446 §4.4.2; read after decryption):
 *   certificate_request_context<0..2^8-1>
 *   certificate_list<0..2^24-1> of CertificateEntry:
 *     cert_data<1..2^24-1>  extensions<0..2^16-1> (OCSP status, SCTs)
 * CertificateRequest (RFC 5246 §7.4.4; RFC 4346 has no sig algs):
 *   certificate_types<1..2^8-1>
 *   supported_signature_algorithms<2..2^16-2>        (TLS 1.2 only)
 *   certificate_authorities<0..2^16-1> of DistinguishedName<1..2^16-1>
 * CertificateRequest (TLS 1.3, RFC 8446 §4.3.2):
 *   certificate_request_context<0..2^8-1>  extensions<2..2^16-1>:
 *     signature_algorithms(13), certificate_authorities(47, §4.2.4:
 *     DistinguishedName authorities<3..2^16-1>)
 * CertificateVerify (RFC 8446 §4.4.3; TLS 1.2 digitally-signed, §4.7):
 *   algorithm(2) signature<0..2^16-1>
 * ServerKeyExchange, ECDHE (RFC 8422 §5.4):
 *   curve_type(1) = named_curve(3), namedcurve(2), point<1..2^8-1>, signature
 */
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "dissect/tls_msg.h"
#include "dissect/x509.h"

#define MAX_CHAIN 64
#define MAX_CA_NAMES 1024

/* One certificate of a list, cached and appended to the chain. */
static enum parse_err chain_add(struct tls_chain *out, struct cert_cache *cache, struct span der)
{
	if (der.n == 0)
		return PE_MALFORMED;
	if (out->n >= MAX_CHAIN)
		return PE_LIMIT;
	out->certs = xreallocarray(out->certs, out->n + 1, sizeof *out->certs);
	out->certs[out->n++] = certcache_get(cache, der.p, der.n);
	return PE_OK;
}

/* Both forms of the Certificate message; `tls13` adds the request
 * context before the list and extensions after each entry. */
static enum parse_err certificate(struct cursor *b, int partial, int tls13,
				  struct cert_cache *cache, struct tls_chain *out)
{
	uint32_t total;
	struct cursor ctx;
	enum parse_err e = tls13 ? cur_sub_u8(b, &ctx) : PE_OK;
	out->present = 1;
	if (e == PE_OK)
		e = cur_u24(b, &total);
	if (e != PE_OK)
		return partial ? PE_SHORT : e;
	out->declared_len = total;
	struct cursor list;
	if (cur_left(b) < total) {
		if (!partial)
			return PE_MALFORMED;
		cur_init(&list, cur_rest(b).p, cur_left(b)); /* what we have */
	} else {
		TRY(cur_sub(b, total, &list));
	}
	while (cur_left(&list)) {
		uint32_t n;
		struct span der;
		struct cursor exts;
		if (cur_u24(&list, &n) != PE_OK || cur_bytes(&list, n, &der) != PE_OK)
			return partial ? PE_SHORT : PE_MALFORMED;
		TRY(chain_add(out, cache, der));
		if (tls13 && cur_sub_u16(&list, &exts) != PE_OK)
			return partial ? PE_SHORT : PE_MALFORMED;
	}
	if (partial && cur_left(b) < total)
		return PE_SHORT;
	out->complete = 1;
	return cur_expect_end(b);
}

enum parse_err tls_parse_certificate(struct cursor *b, int partial, struct cert_cache *cache,
				     struct tls_chain *out)
{
	return certificate(b, partial, 0, cache, out);
}

enum parse_err tls13_parse_certificate(struct cursor *b, int partial, struct cert_cache *cache,
				       struct tls_chain *out)
{
	return certificate(b, partial, 1, cache, out);
}

/* Entries of complete DER tile `c` from its position: each a u24 length
 * and one whole certificate that decodes (its outer SEQUENCE exactly that
 * long), up to the end when `to_end`, else at least one. Returns how many
 * entries, 0 when the position is not an entry boundary. */
static size_t tiles(struct cursor c, int to_end)
{
	size_t k = 0;
	while (cur_left(&c)) {
		uint32_t n;
		struct span der;
		if (cur_u24(&c, &n) != PE_OK || n == 0 || cur_bytes(&c, n, &der) != PE_OK)
			return to_end ? 0 : k;
		struct cert_info *ci = x509_decode(der.p, der.n);
		int ok = ci && ci->parse_ok;
		cert_info_free(ci);
		if (!ok)
			return to_end ? 0 : k;
		k++;
	}
	return k;
}

int tls_certificate_parses(struct cursor body)
{
	uint32_t total;
	if (cur_u24(&body, &total) != PE_OK || total != cur_left(&body))
		return 0;
	return total == 0 || tiles(body, 1) > 0;
}

enum parse_err tls_parse_certificate_holed(struct span before, uint64_t hole, struct span after,
					   int after_whole, struct cert_cache *cache,
					   struct tls_chain *out)
{
	struct cursor b, a;
	uint32_t total, n;
	cur_init(&b, before.p, before.n);
	out->present = 1;
	out->complete = 0;
	out->lost = 1; /* the entry the hole is in, at least */
	out->lost_exact = 0;
	out->lost_at = out->n;
	if (cur_u24(&b, &total) != PE_OK) {
		out->lost_to = UINT32_MAX; /* the list's very length was lost */
		return PE_SHORT;
	}
	out->declared_len = total;
	/* Whole entries before the hole. */
	uint64_t o = 0; /* list offset of the entry being read */
	struct span der;
	while (cur_left(&b) >= 3) {
		struct cursor e = b;
		if (cur_u24(&e, &n) != PE_OK || cur_bytes(&e, n, &der) != PE_OK)
			break;
		TRY(chain_add(out, cache, der));
		b = e;
		o += 3 + (uint64_t)n;
	}
	out->lost_at = out->n;
	out->lost_from = (uint32_t)(o < total ? o : total);
	/* Where the entry cut by the hole ends, when its length was seen. */
	int64_t next = -1;
	if (cur_left(&b) >= 3 && cur_u24(&b, &n) == PE_OK)
		next = (int64_t)(o + 3 + n);
	uint64_t at = (uint64_t)before.n - 3 + hole; /* list offset of after[0] */
	out->lost_to = total;
	if (at > total)
		return PE_SHORT;
	cur_init(&a, after.p, after.n);
	/* The bytes after the hole that belong to the list. */
	if ((uint64_t)cur_left(&a) > total - at)
		cur_init(&a, after.p, (size_t)(total - at));
	int whole = after_whole || (uint64_t)after.n >= total - at;
	uint64_t start = UINT64_MAX;
	if (next >= 0 && (uint64_t)next >= at && (uint64_t)next <= at + cur_left(&a)) {
		struct cursor t = a;
		if (cur_skip(&t, (size_t)((uint64_t)next - at)) == PE_OK &&
		    (cur_left(&t) == 0 || tiles(t, whole) > 0)) {
			start = (uint64_t)next;
			out->lost_exact = 1;
		}
	}
	/* Otherwise the first position from which whole entries tile the
	 * rest: conservative, every one must decode completely. */
	for (size_t i = 0; start == UINT64_MAX && i + 3 < cur_left(&a); i++) {
		struct cursor t = a;
		uint8_t tag;
		if (cur_skip(&t, i) != PE_OK || cur_peek_u8(&t, 3, &tag) != PE_OK || tag != 0x30)
			continue;
		if (tiles(t, whole) > 0)
			start = at + i;
	}
	if (start == UINT64_MAX)
		return PE_SHORT;
	out->lost_to = (uint32_t)start;
	if (cur_skip(&a, (size_t)(start - at)) != PE_OK)
		return PE_SHORT;
	while (cur_left(&a)) {
		struct cursor e = a;
		struct cert_info *ci;
		int ok;
		if (cur_u24(&e, &n) != PE_OK || cur_bytes(&e, n, &der) != PE_OK)
			break;
		ci = x509_decode(der.p, der.n);
		ok = ci && ci->parse_ok;
		cert_info_free(ci);
		if (!ok)
			break;
		TRY(chain_add(out, cache, der));
		a = e;
	}
	return PE_SHORT;
}

/* supported_signature_algorithms<2..2^16-2>, appended to `out`. */
static enum parse_err sig_algs(struct cursor *b, struct u16list *out)
{
	struct cursor algs;
	TRY(cur_sub_u16(b, &algs));
	if (cur_left(&algs) == 0 || cur_left(&algs) % 2)
		return PE_MALFORMED;
	out->v = xreallocarray(out->v, out->n + cur_left(&algs) / 2, sizeof *out->v);
	while (cur_left(&algs)) {
		uint16_t a;
		TRY(cur_u16(&algs, &a));
		out->v[out->n++] = a;
	}
	return PE_OK;
}

/* DistinguishedName<1..2^16-1> after DistinguishedName, to the end of `cas`. */
static enum parse_err ca_names(struct cursor *cas, struct tls_cert_request *cr)
{
	while (cur_left(cas)) {
		struct cursor dn;
		TRY(cur_sub_u16(cas, &dn));
		if (cur_left(&dn) == 0) /* DistinguishedName<1..2^16-1> */
			return PE_MALFORMED;
		if (cr->n_ca >= MAX_CA_NAMES)
			return PE_LIMIT;
		struct span d = cur_rest(&dn);
		size_t i = cr->n_ca;
		cr->ca_der = xreallocarray(cr->ca_der, i + 1, sizeof *cr->ca_der);
		cr->ca_der_len = xreallocarray(cr->ca_der_len, i + 1, sizeof *cr->ca_der_len);
		cr->ca_names = xreallocarray(cr->ca_names, i + 1, sizeof *cr->ca_names);
		cr->ca_der[i] = xcalloc(d.n, 1);
		cr->ca_der_len[i] = d.n;
		cr->ca_names[i] = NULL;
		cr->n_ca = i + 1;
		TRY(cur_copy(&dn, cr->ca_der[i], d.n));
		/* Named here, from our copy: NULL when it does not decode. */
		cr->ca_names[i] = x509_dn_string(cr->ca_der[i], d.n);
	}
	return PE_OK;
}

enum parse_err tls_parse_cert_request(struct cursor *b, uint16_t version,
				      struct tls_cert_request *cr)
{
	struct cursor types, cas;
	cr->present = 1;
	TRY(cur_sub_u8(b, &types));
	if (cur_left(&types) == 0) /* certificate_types<1..2^8-1> */
		return PE_MALFORMED;
	cr->cert_types.v = xreallocarray(cr->cert_types.v, cr->cert_types.n + cur_left(&types),
					 sizeof *cr->cert_types.v);
	while (cur_left(&types)) {
		uint8_t t;
		TRY(cur_u8(&types, &t));
		cr->cert_types.v[cr->cert_types.n++] = t;
	}
	if (version >= TLS_V1_2)
		TRY(sig_algs(b, &cr->sig_algs));
	TRY(cur_sub_u16(b, &cas));
	TRY(ca_names(&cas, cr));
	return cur_expect_end(b);
}

enum parse_err tls13_parse_cert_request(struct cursor *b, struct tls_cert_request *cr)
{
	struct cursor ctx, exts;
	int seen_algs = 0, seen_cas = 0;
	cr->present = 1;
	TRY(cur_sub_u8(b, &ctx));
	TRY(cur_sub_u16(b, &exts));
	while (cur_left(&exts)) {
		uint16_t type;
		struct cursor ext, cas;
		TRY(cur_u16(&exts, &type));
		TRY(cur_sub_u16(&exts, &ext));
		if (type == 13) { /* signature_algorithms */
			if (seen_algs++)
				return PE_MALFORMED;
			TRY(sig_algs(&ext, &cr->sig_algs));
			TRY(cur_expect_end(&ext));
		} else if (type == 47) { /* certificate_authorities */
			if (seen_cas++)
				return PE_MALFORMED;
			TRY(cur_sub_u16(&ext, &cas));
			if (cur_left(&cas) < 3) /* authorities<3..2^16-1> */
				return PE_MALFORMED;
			TRY(ca_names(&cas, cr));
			TRY(cur_expect_end(&ext));
		}
	}
	/* signature_algorithms is mandatory (RFC 8446 §4.3.2). */
	if (!seen_algs)
		return PE_MALFORMED;
	return cur_expect_end(b);
}

enum parse_err tls_parse_cert_verify(struct cursor *b, uint16_t *alg)
{
	struct cursor sig;
	TRY(cur_u16(b, alg));
	TRY(cur_sub_u16(b, &sig));
	return cur_expect_end(b);
}

enum parse_err tls_parse_ske_group(struct cursor *b, uint16_t *group)
{
	uint8_t type;
	TRY(cur_u8(b, &type));
	if (type != ECC_NAMED_CURVE)
		return PE_UNSUPPORTED; /* DHE or explicit curves */
	return cur_u16(b, group);
}

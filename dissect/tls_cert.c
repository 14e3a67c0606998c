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

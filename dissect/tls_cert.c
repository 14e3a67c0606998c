/*
 * tls_cert.c - the certificate-bearing handshake messages.
 *
 * Certificate (RFC 5246 §7.4.2, both sides):
 *   certificate_list<0..2^24-1>  of  ASN.1Cert<1..2^24-1>
 *   an empty list is a client saying "I have no certificate".
 * CertificateRequest (RFC 5246 §7.4.4; RFC 4346 has no sig algs):
 *   certificate_types<1..2^8-1>
 *   supported_signature_algorithms<2..2^16-2>        (TLS 1.2 only)
 *   certificate_authorities<0..2^16-1> of DistinguishedName<1..2^16-1>
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

enum parse_err tls_parse_certificate(struct cursor *b, int partial, struct cert_cache *cache,
				     struct tls_chain *out)
{
	uint32_t total;
	enum parse_err e = cur_u24(b, &total);
	out->present = 1;
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
		if (cur_u24(&list, &n) != PE_OK || cur_bytes(&list, n, &der) != PE_OK)
			return partial ? PE_SHORT : PE_MALFORMED;
		if (n == 0)
			return PE_MALFORMED;
		if (out->n >= MAX_CHAIN)
			return PE_LIMIT;
		out->certs = xreallocarray(out->certs, out->n + 1, sizeof *out->certs);
		out->certs[out->n++] = certcache_get(cache, der.p, der.n);
	}
	if (partial && cur_left(b) < total)
		return PE_SHORT;
	out->complete = 1;
	return cur_expect_end(b);
}

enum parse_err tls_parse_cert_request(struct cursor *b, uint16_t version,
				      struct tls_cert_request *cr)
{
	struct cursor types, algs, cas;
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
	if (version >= TLS_V1_2) {
		TRY(cur_sub_u16(b, &algs));
		/* supported_signature_algorithms<2..2^16-2> */
		if (cur_left(&algs) == 0 || cur_left(&algs) % 2)
			return PE_MALFORMED;
		cr->sig_algs.v = xreallocarray(cr->sig_algs.v, cr->sig_algs.n + cur_left(&algs) / 2,
					       sizeof *cr->sig_algs.v);
		while (cur_left(&algs)) {
			uint16_t a;
			TRY(cur_u16(&algs, &a));
			cr->sig_algs.v[cr->sig_algs.n++] = a;
		}
	}
	TRY(cur_sub_u16(b, &cas));
	while (cur_left(&cas)) {
		struct cursor dn;
		TRY(cur_sub_u16(&cas, &dn));
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

/*
 * Unit tests for the TLS 1.3 handshake messages read after decryption
 * (dissect/tls_cert.c, tls_hello.c, tls_certcomp.c): Certificate with its
 * request context and per-entry extensions, CertificateRequest with
 * signature_algorithms and certificate_authorities, EncryptedExtensions,
 * CertificateVerify, and CompressedCertificate (RFC 8879) with zlib,
 * brotli and zstd, each valid and hostile (cut anywhere, trailing bytes,
 * wrong lengths, duplicate extensions, a decompression bomb, an unknown
 * algorithm).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/encode.h>
#include <zlib.h>
#include <zstd.h>

#include "capture/xalloc.h"
#include "dissect/certcache.h"
#include "dissect/tls_msg.h"
#include "dissect/x509.h"
#include "tests/unit/bb.h"
#include "tests/unit/pki.h"
#include "tests/unit/t.h"

static struct cert_info **pki;
static size_t npki;

/* A TLS 1.3 Certificate body: context, then each certificate with an
 * extensions block (an OCSP status_request one on the first). */
static void cert13(struct bb *b, const char *ctx, size_t n)
{
	open_(b, 1);
	puts_(b, ctx);
	close_(b);
	open_(b, 3);
	for (size_t i = 0; i < n && i < npki; i++) {
		open_(b, 3);
		putn(b, pki[i]->der, pki[i]->der_len);
		close_(b);
		open_(b, 2);
		if (i == 0) {
			put16(b, 5); /* status_request: an OCSP response */
			open_(b, 2);
			put8(b, 1);
			open_(b, 3);
			fill(b, 0x30, 10);
			close_(b);
			close_(b);
		}
		close_(b);
	}
	close_(b);
}

static enum parse_err parse_cert(const struct bb *b, size_t n, int partial, struct cert_cache *cc,
				 struct tls_chain *ch)
{
	struct cursor c;
	memset(ch, 0, sizeof *ch);
	cur_init(&c, b->p, n);
	return tls13_parse_certificate(&c, partial, cc, ch);
}

static void test_certificate(struct cert_cache *cc)
{
	struct bb b = { 0 };
	struct tls_chain ch;
	cert13(&b, "", 3);
	CHECK(parse_cert(&b, b.n, 0, cc, &ch) == PE_OK);
	CHECK(ch.present && ch.complete && ch.n == 3);
	for (size_t i = 0; i < ch.n && i < 3; i++)
		CHECK_EQ_STR(ch.certs[i]->sha256_hex, pki[i]->sha256_hex);
	free(ch.certs);
	/* Cut anywhere: an error, never a crash; cut with `partial`, the
	 * certificates before the cut are kept. */
	for (size_t n = 0; n < b.n; n++) {
		enum parse_err e = parse_cert(&b, n, 0, cc, &ch);
		CHECK(e != PE_OK);
		free(ch.certs);
		e = parse_cert(&b, n, 1, cc, &ch);
		CHECK(e == PE_SHORT && !ch.complete);
		free(ch.certs);
	}
	size_t one = 1 + 3 + 3 + pki[0]->der_len + 2 + 2 + 2 + 1 + 3 + 10;
	/* Cut inside the second entry's extensions: its certificate is whole. */
	CHECK(parse_cert(&b, one + 3 + pki[1]->der_len + 1, 1, cc, &ch) == PE_SHORT);
	CHECK_EQ_INT(ch.n, 2);
	free(ch.certs);
	CHECK(parse_cert(&b, one + 3 + pki[1]->der_len - 1, 1, cc, &ch) == PE_SHORT);
	CHECK_EQ_INT(ch.n, 1);
	free(ch.certs);
	bb_free(&b);

	/* An empty list (a client without a certificate), with a context. */
	cert13(&b, "ctx", 0);
	CHECK(parse_cert(&b, b.n, 0, cc, &ch) == PE_OK && ch.present && ch.n == 0 && ch.complete);
	free(ch.certs);
	/* Trailing bytes after the list. */
	put8(&b, 0);
	CHECK(parse_cert(&b, b.n, 0, cc, &ch) == PE_TRAILING);
	free(ch.certs);
	bb_free(&b);

	/* An entry whose extensions block overruns the list; an empty cert. */
	open_(&b, 1);
	close_(&b);
	open_(&b, 3);
	open_(&b, 3);
	putn(&b, pki[0]->der, pki[0]->der_len);
	close_(&b);
	put16(&b, 40);
	close_(&b);
	CHECK(parse_cert(&b, b.n, 0, cc, &ch) == PE_MALFORMED);
	free(ch.certs);
	bb_free(&b);
	static const uint8_t empty_cert[] = { 0, 0, 0, 5, 0, 0, 0, 0, 0 };
	struct cursor c;
	cur_init(&c, empty_cert, sizeof empty_cert);
	memset(&ch, 0, sizeof ch);
	CHECK(tls13_parse_certificate(&c, 0, cc, &ch) == PE_MALFORMED);
	free(ch.certs);
}

static enum parse_err parse_cr(const struct bb *b, size_t n, struct tls_cert_request *cr)
{
	struct cursor c;
	memset(cr, 0, sizeof *cr);
	cur_init(&c, b->p, n);
	return tls13_parse_cert_request(&c, cr);
}

static void cr_free(struct tls_cert_request *cr)
{
	free(cr->cert_types.v);
	free(cr->sig_algs.v);
	for (size_t i = 0; i < cr->n_ca; i++) {
		free(cr->ca_names[i]);
		free(cr->ca_der[i]);
	}
	free(cr->ca_names);
	free(cr->ca_der);
	free(cr->ca_der_len);
}

static void cert_request(struct bb *b, int algs, int cas, int dup)
{
	open_(b, 1);
	close_(b);
	open_(b, 2);
	put16(b, 0xaaaa); /* GREASE-like unknown extension: skipped */
	put16(b, 0);
	for (int k = 0; k <= dup; k++) {
		if (algs) {
			put16(b, 13);
			open_(b, 2);
			open_(b, 2);
			put16(b, 0x0804);
			put16(b, 0x0403);
			close_(b);
			close_(b);
		}
		if (cas) {
			put16(b, 47);
			open_(b, 2);
			open_(b, 2);
			for (size_t i = 1; i < npki; i++) {
				open_(b, 2);
				putn(b, pki[i]->subject.der, pki[i]->subject.der_len);
				close_(b);
			}
			close_(b);
			close_(b);
		}
	}
	close_(b);
}

static void test_cert_request(void)
{
	struct bb b = { 0 };
	struct tls_cert_request cr;
	cert_request(&b, 1, 1, 0);
	CHECK(parse_cr(&b, b.n, &cr) == PE_OK);
	CHECK(cr.present && cr.cert_types.n == 0 && cr.sig_algs.n == 2 &&
	      cr.sig_algs.v[0] == 0x0804);
	CHECK_EQ_INT(cr.n_ca, 2);
	for (size_t i = 0; i < cr.n_ca && i < 2; i++)
		CHECK(cr.ca_der_len[i] == pki[i + 1]->subject.der_len &&
		      memcmp(cr.ca_der[i], pki[i + 1]->subject.der, cr.ca_der_len[i]) == 0);
	cr_free(&cr);
	for (size_t n = 0; n < b.n; n++) {
		CHECK(parse_cr(&b, n, &cr) != PE_OK);
		cr_free(&cr);
	}
	bb_free(&b);
	/* signature_algorithms is mandatory; no CA list is fine. */
	cert_request(&b, 0, 1, 0);
	CHECK(parse_cr(&b, b.n, &cr) == PE_MALFORMED);
	cr_free(&cr);
	bb_free(&b);
	cert_request(&b, 1, 0, 0);
	CHECK(parse_cr(&b, b.n, &cr) == PE_OK && cr.n_ca == 0);
	cr_free(&cr);
	bb_free(&b);
	/* An extension twice. */
	cert_request(&b, 1, 1, 1);
	CHECK(parse_cr(&b, b.n, &cr) == PE_MALFORMED);
	cr_free(&cr);
	bb_free(&b);
	/* authorities<3..2^16-1>: an empty list is malformed. */
	static const uint8_t empty_cas[] = { 0, 0, 14, 0, 13, 0, 4, 0, 2, 8, 4, 0, 47, 0, 2, 0, 0 };
	struct cursor c;
	cur_init(&c, empty_cas, sizeof empty_cas);
	memset(&cr, 0, sizeof cr);
	CHECK(tls13_parse_cert_request(&c, &cr) == PE_MALFORMED);
	cr_free(&cr);
}

static void test_encrypted_extensions(void)
{
	struct bb b = { 0 };
	struct tls_server_hello sh;
	struct cursor c;
	memset(&sh, 0, sizeof sh);
	open_(&b, 2);
	put16(&b, 10); /* supported_groups */
	open_(&b, 2);
	open_(&b, 2);
	put16(&b, 0x001d);
	close_(&b);
	close_(&b);
	put16(&b, 16); /* ALPN */
	open_(&b, 2);
	open_(&b, 2);
	open_(&b, 1);
	puts_(&b, "h2");
	close_(&b);
	close_(&b);
	close_(&b);
	put16(&b, 0); /* server_name, empty */
	put16(&b, 0);
	close_(&b);
	cur_init(&c, b.p, b.n);
	CHECK(tls13_parse_encrypted_extensions(&c, &sh) == PE_OK);
	CHECK(sh.ee_extensions.n == 3 && sh.ee_extensions.v[1] == 16);
	CHECK_EQ_STR(sh.alpn, "h2");
	free(sh.ee_extensions.v);
	free(sh.alpn);
	for (size_t n = 0; n < b.n; n++) {
		memset(&sh, 0, sizeof sh);
		cur_init(&c, b.p, n);
		CHECK(tls13_parse_encrypted_extensions(&c, &sh) != PE_OK);
		free(sh.ee_extensions.v);
		free(sh.alpn);
	}
	/* The same extension twice. */
	memset(&sh, 0, sizeof sh);
	static const uint8_t dup[] = { 0, 8, 0, 0, 0, 0, 0, 0, 0, 0 };
	cur_init(&c, dup, sizeof dup);
	CHECK(tls13_parse_encrypted_extensions(&c, &sh) == PE_MALFORMED);
	free(sh.ee_extensions.v);
	bb_free(&b);
}

static void test_cert_verify(void)
{
	static const uint8_t cv[] = { 0x08, 0x04, 0x00, 0x02, 0xaa, 0xbb };
	struct cursor c;
	uint16_t alg = 0;
	cur_init(&c, cv, sizeof cv);
	CHECK(tls_parse_cert_verify(&c, &alg) == PE_OK && alg == 0x0804);
	for (size_t n = 0; n < sizeof cv; n++) {
		cur_init(&c, cv, n);
		CHECK(tls_parse_cert_verify(&c, &alg) != PE_OK);
	}
	static const uint8_t longer[] = { 0x08, 0x04, 0x00, 0x01, 0xaa, 0xbb };
	cur_init(&c, longer, sizeof longer);
	CHECK(tls_parse_cert_verify(&c, &alg) == PE_TRAILING);
}

/* CompressedCertificate: algorithm, uncompressed_length, data. */
static void compressed(struct bb *out, unsigned alg, size_t ulen, const uint8_t *z, size_t zn)
{
	put16(out, alg);
	put24(out, ulen);
	open_(out, 3);
	putn(out, z, zn);
	close_(out);
}

static size_t compress_with(unsigned alg, const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	switch (alg) {
	case 1: {
		uLongf zn = cap;
		return compress2(out, &zn, in, n, 9) == Z_OK ? zn : 0;
	}
	case 2: {
		size_t bn = cap;
		return BrotliEncoderCompress(5, 22, BROTLI_MODE_GENERIC, n, in, &bn, out) ? bn : 0;
	}
	case 3: {
		size_t r = ZSTD_compress(out, cap, in, n, 3);
		return ZSTD_isError(r) ? 0 : r;
	}
	}
	return 0;
}

static enum parse_err parse_cc(const struct bb *b, size_t n, struct cert_cache *cc,
			       struct tls_chain *ch)
{
	struct cursor c;
	memset(ch, 0, sizeof *ch);
	cur_init(&c, b->p, n);
	return tls_parse_compressed_certificate(&c, cc, ch);
}

static void test_compressed(struct cert_cache *cc)
{
	struct bb plain = { 0 }, b = { 0 };
	struct tls_chain ch;
	size_t cap = 1 << 16;
	uint8_t *z = xcalloc(cap, 1);
	cert13(&plain, "", 3);
	for (unsigned alg = 1; alg <= 3; alg++) {
		size_t zn = compress_with(alg, plain.p, plain.n, z, cap);
		CHECK(zn > 0);
		compressed(&b, alg, plain.n, z, zn);
		CHECK(parse_cc(&b, b.n, cc, &ch) == PE_OK);
		CHECK(ch.present && ch.complete && ch.n == 3 && ch.compression == alg);
		for (size_t i = 0; i < ch.n && i < 3; i++)
			CHECK_EQ_STR(ch.certs[i]->sha256_hex, pki[i]->sha256_hex);
		free(ch.certs);
		/* Cut anywhere. */
		for (size_t n = 0; n < b.n; n += 13) {
			CHECK(parse_cc(&b, n, cc, &ch) != PE_OK);
			free(ch.certs);
		}
		bb_free(&b);
		/* The announced length must be exact (RFC 8879 §4), both ways. */
		compressed(&b, alg, plain.n + 1, z, zn);
		CHECK(parse_cc(&b, b.n, cc, &ch) == PE_MALFORMED && !ch.present);
		free(ch.certs);
		bb_free(&b);
		compressed(&b, alg, plain.n - 1, z, zn);
		CHECK(parse_cc(&b, b.n, cc, &ch) == PE_MALFORMED && !ch.present);
		free(ch.certs);
		bb_free(&b);
		/* Damaged data: zlib's checksum catches it (brotli and zstd
		 * frames may carry none: what they give is then parsed as any
		 * Certificate, so it is no test of ours). */
		if (alg == 1) {
			z[zn / 2] ^= 0x5a;
			compressed(&b, alg, plain.n, z, zn);
			CHECK(parse_cc(&b, b.n, cc, &ch) != PE_OK);
			free(ch.certs);
			bb_free(&b);
		}
	}
	/* A bomb: 15 MiB of zeros in a few KB is refused by its announced
	 * length before anything is inflated. */
	uint8_t *zeros = xcalloc(15 << 20, 1);
	uLongf zn = cap;
	CHECK(compress2(z, &zn, zeros, 15 << 20, 9) == Z_OK);
	compressed(&b, 1, 15u << 20, z, zn);
	CHECK(parse_cc(&b, b.n, cc, &ch) == PE_LIMIT && !ch.present);
	bb_free(&b);
	/* ... and when it lies about the length, inflating stops at it. */
	compressed(&b, 1, 1000, z, zn);
	CHECK(parse_cc(&b, b.n, cc, &ch) == PE_MALFORMED && !ch.present);
	bb_free(&b);
	free(zeros);
	/* Unknown algorithm, empty data, zero length, trailing bytes. */
	compressed(&b, 4, plain.n, plain.p, plain.n);
	CHECK(parse_cc(&b, b.n, cc, &ch) == PE_UNSUPPORTED && !ch.present);
	bb_free(&b);
	compressed(&b, 1, plain.n, z, 0);
	CHECK(parse_cc(&b, b.n, cc, &ch) == PE_MALFORMED);
	bb_free(&b);
	compressed(&b, 1, 0, z, 4);
	CHECK(parse_cc(&b, b.n, cc, &ch) == PE_MALFORMED);
	bb_free(&b);
	zn = compress_with(1, plain.p, plain.n, z, cap);
	compressed(&b, 1, plain.n, z, zn);
	put8(&b, 0);
	CHECK(parse_cc(&b, b.n, cc, &ch) == PE_TRAILING);
	bb_free(&b);
	/* A valid zlib stream with bytes after its end. */
	z[zn] = 0;
	compressed(&b, 1, plain.n, z, zn + 1);
	CHECK(parse_cc(&b, b.n, cc, &ch) == PE_MALFORMED);
	bb_free(&b);
	bb_free(&plain);
	free(z);
}

int main(void)
{
	pki = test_pki_load(&npki);
	if (pki == NULL)
		return 1;
	CHECK_EQ_INT(npki, 3);
	struct cert_cache *cc = certcache_new();
	test_certificate(cc);
	test_cert_request();
	test_encrypted_extensions();
	test_cert_verify();
	test_compressed(cc);
	certcache_free(cc);
	x509_free_list(pki, npki);
	x509_thread_done();
	return t_done("tls13_msg");
}

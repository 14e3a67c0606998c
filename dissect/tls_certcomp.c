/*
 * tls_certcomp.c - CompressedCertificate (RFC 8879 §4), a TLS 1.3
 * Certificate message sent compressed:
 *
 *   algorithm(2)            1 zlib, 2 brotli, 3 zstd
 *   uncompressed_length(3)
 *   compressed_certificate_message<1..2^24-1>
 *
 * The message inside is decompressed into a buffer of exactly the
 * announced length (at most MAX_UNCOMPRESSED, so a small message cannot
 * make us allocate much) and must fill it exactly (§4: otherwise
 * bad_certificate); it is then read like any TLS 1.3 Certificate.
 */
#include <stdlib.h>

#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>

#include "capture/xalloc.h"
#include "dissect/tls_msg.h"

#define MAX_UNCOMPRESSED (1u << 20) /* as a handshake message (dissect/tls.c) */

enum { CC_ZLIB = 1, CC_BROTLI = 2, CC_ZSTD = 3 };

/* Decompress `in` into out[0..cap); *got is what came out. */
static enum parse_err inflate_all(struct span in, uint8_t *out, size_t cap, size_t *got)
{
	z_stream z = { 0 };
	if (inflateInit(&z) != Z_OK)
		return PE_NOMEM;
	z.next_in = (Bytef *)(uintptr_t)in.p; /* zlib does not write through it */
	z.avail_in = (uInt)in.n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	int r = inflate(&z, Z_FINISH);
	*got = cap - z.avail_out;
	int trailing = z.avail_in != 0;
	inflateEnd(&z);
	return r == Z_STREAM_END && !trailing ? PE_OK : PE_MALFORMED;
}

static enum parse_err decompress(uint16_t alg, struct span in, uint8_t *out, size_t cap,
				 size_t *got)
{
	switch (alg) {
	case CC_ZLIB: return inflate_all(in, out, cap, got);
	case CC_BROTLI: {
		size_t n = cap;
		if (BrotliDecoderDecompress(in.n, in.p, &n, out) != BROTLI_DECODER_RESULT_SUCCESS)
			return PE_MALFORMED;
		*got = n;
		return PE_OK;
	}
	case CC_ZSTD: {
		size_t n = ZSTD_decompress(out, cap, in.p, in.n);
		if (ZSTD_isError(n))
			return PE_MALFORMED;
		*got = n;
		return PE_OK;
	}
	}
	return PE_UNSUPPORTED;
}

enum parse_err tls_parse_compressed_certificate(struct cursor *b, struct cert_cache *cache,
						struct tls_chain *out)
{
	uint16_t alg;
	uint32_t ulen;
	struct cursor comp;
	size_t got = 0;
	TRY(cur_u16(b, &alg));
	TRY(cur_u24(b, &ulen));
	TRY(cur_sub_u24(b, &comp));
	TRY(cur_expect_end(b));
	out->compression = alg;
	if (cur_left(&comp) == 0 || ulen == 0) {
		out->present = 0;
		return PE_MALFORMED;
	}
	if (ulen > MAX_UNCOMPRESSED) {
		out->present = 0;
		return PE_LIMIT;
	}
	uint8_t *buf = xcalloc(ulen, 1);
	enum parse_err e = decompress(alg, cur_rest(&comp), buf, ulen, &got);
	if (e == PE_OK && got != ulen)
		e = PE_MALFORMED;
	if (e == PE_OK) {
		struct cursor inner;
		cur_init(&inner, buf, ulen);
		e = tls13_parse_certificate(&inner, 0, cache, out);
	} else {
		/* Nothing could be read: that is no empty certificate list. */
		out->present = 0;
	}
	free(buf);
	return e;
}

/*
 * cursor.h - the only way packet bytes are read.
 *
 * A cursor borrows a byte range and reads it front to back. Every read
 * compares lengths (never pointers), so a hostile length can only make a
 * read fail with PE_SHORT, not walk off the buffer. Length-prefixed vectors
 * become sub-cursors that the caller must consume exactly (cur_expect_end).
 */
#ifndef TLSDIAG_CURSOR_H
#define TLSDIAG_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#define PE_MUST_USE __attribute__((warn_unused_result))

enum parse_err {
	PE_OK = 0,
	PE_SHORT,	/* ran out of bytes (snaplen, capture gap) */
	PE_MALFORMED,	/* contradicts the spec */
	PE_TRAILING,	/* bytes left where a structure should end */
	PE_LIMIT,	/* over one of our caps */
	PE_UNSUPPORTED, /* valid but not something we decode */
	PE_NOMEM,
};

#define TRY(x)                                                                                     \
	do {                                                                                       \
		enum parse_err e_ = (x);                                                           \
		if (e_ != PE_OK)                                                                   \
			return e_;                                                                 \
	} while (0)

struct cursor {
	const uint8_t *base; /* borrowed */
	size_t len, off;
};

struct span {
	const uint8_t *p; /* borrowed */
	size_t n;
};

const char *pe_str(enum parse_err e);

void cur_init(struct cursor *c, const uint8_t *p, size_t n);
size_t cur_left(const struct cursor *c);
/* The unread bytes as a span (borrowed). */
struct span cur_rest(const struct cursor *c);

PE_MUST_USE enum parse_err cur_u8(struct cursor *c, uint8_t *out);
PE_MUST_USE enum parse_err cur_u16(struct cursor *c, uint16_t *out);
PE_MUST_USE enum parse_err cur_u24(struct cursor *c, uint32_t *out);
PE_MUST_USE enum parse_err cur_u32(struct cursor *c, uint32_t *out);
PE_MUST_USE enum parse_err cur_u16le(struct cursor *c, uint16_t *out);
PE_MUST_USE enum parse_err cur_u32le(struct cursor *c, uint32_t *out);
PE_MUST_USE enum parse_err cur_skip(struct cursor *c, size_t n);
PE_MUST_USE enum parse_err cur_bytes(struct cursor *c, size_t n, struct span *out);
/* Copy n bytes out (into caller memory). */
PE_MUST_USE enum parse_err cur_copy(struct cursor *c, void *dst, size_t n);
/* A sub-cursor over the next n bytes; the parent advances past them. */
PE_MUST_USE enum parse_err cur_sub(struct cursor *c, size_t n, struct cursor *sub);
PE_MUST_USE enum parse_err cur_sub_u8(struct cursor *c, struct cursor *sub);
PE_MUST_USE enum parse_err cur_sub_u16(struct cursor *c, struct cursor *sub);
PE_MUST_USE enum parse_err cur_sub_u24(struct cursor *c, struct cursor *sub);
PE_MUST_USE enum parse_err cur_expect_end(const struct cursor *c);

/* Look without consuming: byte at offset `at` from the read position. */
PE_MUST_USE enum parse_err cur_peek_u8(const struct cursor *c, size_t at, uint8_t *out);
PE_MUST_USE enum parse_err cur_peek_u16(const struct cursor *c, size_t at, uint16_t *out);
PE_MUST_USE enum parse_err cur_peek_u24(const struct cursor *c, size_t at, uint32_t *out);

/* Span helpers (read only through the span's own length). */
int span_eq(struct span a, struct span b);

/* A fast 64-bit hash of the bytes (not cryptographic: for hash tables,
 * confirmed by comparing the bytes). */
uint64_t span_hash64(struct span s);

/* One's-complement sum of 16-bit big-endian words (RFC 1071), folded into
 * `acc` (not finished: call csum_finish). */
uint32_t span_sum16(struct span s, uint32_t acc);
uint16_t csum_finish(uint32_t acc);
#endif

/*
 * cursor.c - bounds-checked big/little-endian reads over borrowed bytes.
 * The only file that indexes packet memory directly.
 */
#include "cursor.h"

#include <string.h>

const char *pe_str(enum parse_err e)
{
	switch (e) {
	case PE_OK: return "ok";
	case PE_SHORT: return "truncated";
	case PE_MALFORMED: return "malformed";
	case PE_TRAILING: return "trailing bytes";
	case PE_LIMIT: return "over a limit";
	case PE_UNSUPPORTED: return "unsupported";
	case PE_NOMEM: return "out of memory";
	}
	return "unknown error";
}

void cur_init(struct cursor *c, const uint8_t *p, size_t n)
{
	c->base = p;
	c->len = p ? n : 0;
	c->off = 0;
}

size_t cur_left(const struct cursor *c)
{
	return c->len - c->off;
}

struct span cur_rest(const struct cursor *c)
{
	/* NULL + 0 is undefined behaviour in C: never form it. */
	struct span s = { c->base ? c->base + c->off : NULL, c->len - c->off };
	return s;
}

enum parse_err cur_u8(struct cursor *c, uint8_t *out)
{
	if (cur_left(c) < 1)
		return PE_SHORT;
	*out = c->base[c->off];
	c->off += 1;
	return PE_OK;
}

enum parse_err cur_u16(struct cursor *c, uint16_t *out)
{
	if (cur_left(c) < 2)
		return PE_SHORT;
	*out = (uint16_t)((unsigned)c->base[c->off] << 8 | c->base[c->off + 1]);
	c->off += 2;
	return PE_OK;
}

enum parse_err cur_u24(struct cursor *c, uint32_t *out)
{
	if (cur_left(c) < 3)
		return PE_SHORT;
	*out = (uint32_t)c->base[c->off] << 16 | (uint32_t)c->base[c->off + 1] << 8 |
	       c->base[c->off + 2];
	c->off += 3;
	return PE_OK;
}

enum parse_err cur_u32(struct cursor *c, uint32_t *out)
{
	if (cur_left(c) < 4)
		return PE_SHORT;
	*out = (uint32_t)c->base[c->off] << 24 | (uint32_t)c->base[c->off + 1] << 16 |
	       (uint32_t)c->base[c->off + 2] << 8 | c->base[c->off + 3];
	c->off += 4;
	return PE_OK;
}

enum parse_err cur_u16le(struct cursor *c, uint16_t *out)
{
	if (cur_left(c) < 2)
		return PE_SHORT;
	*out = (uint16_t)(c->base[c->off] | (unsigned)c->base[c->off + 1] << 8);
	c->off += 2;
	return PE_OK;
}

enum parse_err cur_u32le(struct cursor *c, uint32_t *out)
{
	if (cur_left(c) < 4)
		return PE_SHORT;
	*out = c->base[c->off] | (uint32_t)c->base[c->off + 1] << 8 |
	       (uint32_t)c->base[c->off + 2] << 16 | (uint32_t)c->base[c->off + 3] << 24;
	c->off += 4;
	return PE_OK;
}

enum parse_err cur_skip(struct cursor *c, size_t n)
{
	if (cur_left(c) < n)
		return PE_SHORT;
	c->off += n;
	return PE_OK;
}

enum parse_err cur_bytes(struct cursor *c, size_t n, struct span *out)
{
	if (cur_left(c) < n)
		return PE_SHORT;
	out->p = c->base + c->off;
	out->n = n;
	c->off += n;
	return PE_OK;
}

enum parse_err cur_copy(struct cursor *c, void *dst, size_t n)
{
	if (cur_left(c) < n)
		return PE_SHORT;
	if (n)
		memcpy(dst, c->base + c->off, n);
	c->off += n;
	return PE_OK;
}

enum parse_err cur_sub(struct cursor *c, size_t n, struct cursor *sub)
{
	if (cur_left(c) < n)
		return PE_SHORT;
	cur_init(sub, c->base + c->off, n);
	c->off += n;
	return PE_OK;
}

enum parse_err cur_sub_u8(struct cursor *c, struct cursor *sub)
{
	uint8_t n;
	TRY(cur_u8(c, &n));
	return cur_sub(c, n, sub);
}

enum parse_err cur_sub_u16(struct cursor *c, struct cursor *sub)
{
	uint16_t n;
	TRY(cur_u16(c, &n));
	return cur_sub(c, n, sub);
}

enum parse_err cur_sub_u24(struct cursor *c, struct cursor *sub)
{
	uint32_t n;
	TRY(cur_u24(c, &n));
	return cur_sub(c, n, sub);
}

enum parse_err cur_expect_end(const struct cursor *c)
{
	return cur_left(c) == 0 ? PE_OK : PE_TRAILING;
}

enum parse_err cur_peek_u8(const struct cursor *c, size_t at, uint8_t *out)
{
	if (cur_left(c) < 1 || cur_left(c) - 1 < at)
		return PE_SHORT;
	*out = c->base[c->off + at];
	return PE_OK;
}

enum parse_err cur_peek_u16(const struct cursor *c, size_t at, uint16_t *out)
{
	if (cur_left(c) < 2 || cur_left(c) - 2 < at)
		return PE_SHORT;
	*out = (uint16_t)((unsigned)c->base[c->off + at] << 8 | c->base[c->off + at + 1]);
	return PE_OK;
}

enum parse_err cur_peek_u24(const struct cursor *c, size_t at, uint32_t *out)
{
	if (cur_left(c) < 3 || cur_left(c) - 3 < at)
		return PE_SHORT;
	*out = (uint32_t)c->base[c->off + at] << 16 | (uint32_t)c->base[c->off + at + 1] << 8 |
	       c->base[c->off + at + 2];
	return PE_OK;
}

int span_eq(struct span a, struct span b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

/* Eight bytes at a time (read byte by byte: no alignment or byte-order
 * assumption), each word folded in with a multiply. */
uint64_t span_hash64(struct span s)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ s.n;
	size_t i = 0;
	for (; i + 8 <= s.n; i += 8) {
		uint64_t w = (uint64_t)s.p[i] | (uint64_t)s.p[i + 1] << 8 |
			     (uint64_t)s.p[i + 2] << 16 | (uint64_t)s.p[i + 3] << 24 |
			     (uint64_t)s.p[i + 4] << 32 | (uint64_t)s.p[i + 5] << 40 |
			     (uint64_t)s.p[i + 6] << 48 | (uint64_t)s.p[i + 7] << 56;
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	uint64_t w = 0;
	for (unsigned k = 0; i < s.n; i++, k += 8)
		w |= (uint64_t)s.p[i] << k;
	return mix64(h ^ w);
}

uint32_t span_sum16(struct span s, uint32_t acc)
{
	/* Every TCP and UDP payload is summed: eight bytes at a time in the
	 * host's order into 64 bits (no carry is lost), folded, then turned
	 * to network order, since a one's complement sum does not depend on
	 * the byte order it is taken in (RFC 1071 2(B)). */
	uint64_t w64 = 0;
	size_t i = 0;
	for (; i + 8 <= s.n; i += 8) {
		uint64_t w;
		memcpy(&w, s.p + i, 8);
		w64 += (w & 0xffffffffu) + (w >> 32);
	}
	for (; i + 4 <= s.n; i += 4) {
		uint32_t w;
		memcpy(&w, s.p + i, 4);
		w64 += w;
	}
	while (w64 >> 16)
		w64 = (w64 & 0xffff) + (w64 >> 16);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	w64 = (w64 >> 8 | w64 << 8) & 0xffff;
#endif
	acc = (acc & 0xffff) + (acc >> 16) + (uint32_t)w64;
	for (; i + 1 < s.n; i += 2)
		acc += (uint32_t)s.p[i] << 8 | s.p[i + 1];
	if (i < s.n)
		acc += (uint32_t)s.p[i] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return acc;
}

uint16_t csum_finish(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

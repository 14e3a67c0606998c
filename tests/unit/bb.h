/*
 * bb.h - a byte builder with nested length prefixes, for tests that write
 * TLS messages and records by hand (test_tls_msg, test_tls_stream).
 * Header-only: every function is static; a test may leave some unused.
 */
#ifndef TLSDIAG_TEST_BB_H
#define TLSDIAG_TEST_BB_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"

struct bb {
	uint8_t *p;
	size_t n, cap;
	size_t open[16]; /* offsets of open length fields */
	int width[16];
	int depth;
};

static void bb_need(struct bb *b, size_t k)
{
	while (b->n + k > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 256;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
}

static void put8(struct bb *b, unsigned v)
{
	bb_need(b, 1);
	b->p[b->n++] = (uint8_t)v;
}

static void put16(struct bb *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static void put24(struct bb *b, unsigned long v)
{
	put8(b, (unsigned)(v >> 16));
	put8(b, (unsigned)(v >> 8));
	put8(b, (unsigned)v);
}

static void putn(struct bb *b, const void *p, size_t n)
{
	bb_need(b, n);
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void puts_(struct bb *b, const char *s)
{
	putn(b, s, strlen(s));
}

static void fill(struct bb *b, unsigned v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(b, v);
}

/* Open a length field of `width` bytes; close() writes the length. */
static void open_(struct bb *b, int width)
{
	b->open[b->depth] = b->n;
	b->width[b->depth++] = width;
	for (int i = 0; i < width; i++)
		put8(b, 0);
}

static void close_(struct bb *b)
{
	int w = b->width[--b->depth];
	size_t at = b->open[b->depth];
	size_t len = b->n - at - (size_t)w;
	for (int i = 0; i < w; i++)
		b->p[at + (size_t)i] = (uint8_t)(len >> (8 * (w - 1 - i)));
}

static void bb_free(struct bb *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

#pragma GCC diagnostic pop

#endif

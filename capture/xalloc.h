/*
 * xalloc.h - overflow-checked allocation and bounded growable buffers.
 * Out of memory is fatal (message + exit 2): there is no sensible partial
 * result once malloc fails on a 24 GiB machine.
 */
#ifndef TLSDIAG_XALLOC_H
#define TLSDIAG_XALLOC_H

#include <stddef.h>
#include <stdint.h>

void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
/* Copy n bytes into a new NUL-terminated string. */
char *xstrndup(const char *s, size_t n);
/* printf into a new string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Append an element to a growable array; grows by doubling. */
#define VEC_PUSH(arr, n, cap, val)                                               \
	do {                                                                     \
		if ((n) == (cap)) {                                              \
			(cap) = (cap) ? (cap) * 2 : 8;                           \
			(arr) = xreallocarray((arr), (cap), sizeof(*(arr)));     \
		}                                                                \
		(arr)[(n)++] = (val);                                            \
	} while (0)

/*
 * A byte buffer with a ceiling fixed at init (after curl's dynbuf): growing
 * past `max` fails with -1 instead of reallocating further.
 */
struct dbuf {
	uint8_t *p;
	size_t len, cap, max;
};
void dbuf_init(struct dbuf *b, size_t max);
void dbuf_free(struct dbuf *b);
/* Returns 0, or -1 when the ceiling would be passed (nothing appended). */
int dbuf_add(struct dbuf *b, const void *p, size_t n);
/* Drop the first n bytes. */
void dbuf_consume(struct dbuf *b, size_t n);
void dbuf_reset(struct dbuf *b);

#endif

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
#define VEC_PUSH(arr, n, cap, val)                                                                 \
	do {                                                                                       \
		if ((n) == (cap)) {                                                                \
			(cap) = (cap) ? (cap)*2 : 8;                                               \
			(arr) = xreallocarray((arr), (cap), sizeof(*(arr)));                       \
		}                                                                                  \
		(arr)[(n)++] = (val);                                                              \
	} while (0)

/*
 * THE growable buffer, for bytes and for text alike (after curl's dynbuf):
 * a ceiling is fixed at init, and growing past `max` fails with -1 (and
 * appends nothing) instead of reallocating further. The bytes are always
 * followed by a NUL, so dbuf_str() is a C string.
 */
struct dbuf {
	uint8_t *p;
	size_t len, cap, max;
};
void dbuf_init(struct dbuf *b, size_t max);
void dbuf_free(struct dbuf *b);
/* Returns 0, or -1 when the ceiling would be passed (nothing appended). */
int dbuf_add(struct dbuf *b, const void *p, size_t n);
/* Text: append a string, or printf-style. 0, or -1 over the ceiling. */
int dbuf_addstr(struct dbuf *b, const char *s);
int dbuf_addf(struct dbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append n bytes as base64 text (RFC 4648 §4: standard alphabet, '='
 * padding, no line breaks). 0, or -1 over the ceiling (nothing appended). */
int dbuf_add_base64(struct dbuf *b, const void *p, size_t n);
/* The contents as a C string ("" when empty); valid until the next change. */
const char *dbuf_str(const struct dbuf *b);
/* The contents as a new string (the caller frees it); b is left empty. */
char *dbuf_take(struct dbuf *b);
/* The ceiling for text written for people (sentences, report lines). */
#define DBUF_TEXT_MAX ((size_t)1 << 20)
/* Drop the first n bytes. */
void dbuf_consume(struct dbuf *b, size_t n);
void dbuf_reset(struct dbuf *b);

#endif

/* xalloc.c - allocation that never returns NULL and never overflows. */
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
	fputs("tlsdiag: out of memory\n", stderr);
	exit(2);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		oom();
	size_t bytes = n * size;
	void *q = realloc(p, bytes ? bytes : 1);
	if (q == NULL)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *d = xreallocarray(NULL, n + 1, 1);
	if (n)
		memcpy(d, s, n);
	d[n] = 0;
	return d;
}

char *xasprintf(const char *fmt, ...)
{
	/* One formatting pass when the result fits the stack buffer (most
	 * do); two only for a longer one. */
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	char *s = xreallocarray(NULL, (size_t)n + 1, 1);
	if ((size_t)n < sizeof small) {
		memcpy(s, small, (size_t)n + 1);
		return s;
	}
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

void dbuf_init(struct dbuf *b, size_t max)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void dbuf_free(struct dbuf *b)
{
	if (b == NULL)
		return;
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Room for n more bytes (and the NUL that always follows them), within
 * the ceiling. 0, or -1 with nothing changed. */
static int dbuf_reserve(struct dbuf *b, size_t n)
{
	if (n > b->max || b->len > b->max - n)
		return -1;
	if (b->len + n > b->cap || b->p == NULL) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		if (cap > b->max)
			cap = b->max;
		b->p = xreallocarray(b->p, cap + 1, 1);
		b->cap = cap;
	}
	return 0;
}

int dbuf_add(struct dbuf *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (dbuf_reserve(b, n) != 0)
		return -1;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = 0;
	return 0;
}

int dbuf_addstr(struct dbuf *b, const char *s)
{
	return dbuf_add(b, s, strlen(s));
}

int dbuf_add_base64(struct dbuf *b, const void *p, size_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const uint8_t *in = p;

	if (n > (SIZE_MAX - 2) / 4 || dbuf_reserve(b, (n + 2) / 3 * 4) != 0)
		return -1;
	for (size_t i = 0; i < n; i += 3) {
		size_t k = n - i < 3 ? n - i : 3;
		uint32_t v = (uint32_t)in[i] << 16 | (k > 1 ? (uint32_t)in[i + 1] << 8 : 0) |
			     (k > 2 ? in[i + 2] : 0);
		b->p[b->len++] = (uint8_t)b64[v >> 18 & 63];
		b->p[b->len++] = (uint8_t)b64[v >> 12 & 63];
		b->p[b->len++] = (uint8_t)(k > 1 ? b64[v >> 6 & 63] : '=');
		b->p[b->len++] = (uint8_t)(k > 2 ? b64[v & 63] : '=');
	}
	if (b->p)
		b->p[b->len] = 0;
	return 0;
}

int dbuf_addf(struct dbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	size_t room = b->p ? b->cap - b->len + 1 : 0; /* with the NUL's byte */

	/* Straight into the spare room: one pass when it fits. */
	va_start(ap, fmt);
	n = vsnprintf(room ? (char *)b->p + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < room && (size_t)n <= b->max - b->len) {
		b->len += (size_t)n;
		return 0;
	}
	if (room)
		b->p[b->len] = 0; /* what was tried does not count */
	if (dbuf_reserve(b, (size_t)n) != 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

const char *dbuf_str(const struct dbuf *b)
{
	return b->p && b->len ? (const char *)b->p : "";
}

char *dbuf_take(struct dbuf *b)
{
	/* The buffer itself (it always ends in a NUL): no copy. */
	char *s = b->p ? (char *)b->p : xstrdup("");
	b->p = NULL;
	b->len = b->cap = 0;
	return s;
}

void dbuf_reset(struct dbuf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = 0;
}

void dbuf_consume(struct dbuf *b, size_t n)
{
	if (n >= b->len) {
		dbuf_reset(b);
		return;
	}
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
	b->p[b->len] = 0;
}

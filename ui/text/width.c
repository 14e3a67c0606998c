/*
 * width.c - display width of sanitised UTF-8 text: how many terminal
 * columns it takes (wcwidth), and what to draw for each code point. In a
 * locale that is not UTF-8 every non-ASCII character is one '?', so the
 * terminal never receives bytes it would misread.
 */
#include <wchar.h>

#include "ui/text/text.h"

static int utf8_terminal; /* the terminal takes UTF-8 */

void text_width_utf8(int on)
{
	utf8_terminal = on;
}

/* Next code point of valid UTF-8 (sanitised text is); a bad byte is
 * returned as U+FFFD and skipped. */
uint32_t text_next_cp(const char *s, size_t n, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c = p[*i];
	int more = c < 0x80		? 0
		   : (c & 0xe0) == 0xc0 ? 1
		   : (c & 0xf0) == 0xe0 ? 2
		   : (c & 0xf8) == 0xf0 ? 3
					: -1;
	if (more < 0 || *i + (size_t)more >= n + (more ? 0 : 1)) {
		(*i)++;
		return more == 0 ? c : 0xfffd;
	}
	if (more)
		c &= 0x3fu >> more;
	for (int k = 1; k <= more; k++) {
		unsigned char b = p[*i + (size_t)k];
		if ((b & 0xc0) != 0x80) {
			(*i)++;
			return 0xfffd;
		}
		c = (c << 6) | (b & 0x3f);
	}
	*i += (size_t)more + 1;
	return c;
}

/* Columns one code point takes, and what to draw for it. */
int text_cp_cols(uint32_t cp, wchar_t *draw)
{
	int w;
	if (cp < 0x80) {
		*draw = (wchar_t)cp;
		return cp < 0x20 || cp == 0x7f ? 0 : 1;
	}
	if (!utf8_terminal) {
		*draw = L'?';
		return 1;
	}
	w = wcwidth((wchar_t)cp);
	if (w < 0) {
		*draw = L'?';
		return 1;
	}
	*draw = (wchar_t)cp;
	return w;
}

int text_width(const char *s, size_t n)
{
	size_t i = 0;
	int w = 0;
	wchar_t d;
	while (i < n) {
		uint32_t cp = text_next_cp(s, n, &i);
		w += text_cp_cols(cp, &d);
	}
	return w;
}

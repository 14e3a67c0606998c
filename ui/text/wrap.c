/*
 * wrap.c - word wrapping for the text report: words are never cut, a line
 * ends before the word that would pass the width.
 */
#include <stdio.h>

#include "ui/text/text.h"

/* Display columns of sanitised text: code points (close enough). */
static size_t cols(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/*
 * Print already sanitised text word-wrapped: the first line continues
 * wherever the cursor is (at column `col`), later lines start with
 * `indent` spaces.
 */
const char *text_next_word(const char **p, size_t *len)
{
	const char *w;
	while (**p == ' ')
		(*p)++;
	if (!**p)
		return NULL;
	w = *p;
	while (**p && **p != ' ')
		(*p)++;
	*len = (size_t)(*p - w);
	return w;
}

void text_wrap(FILE *f, const char *text, size_t col, size_t indent, size_t width)
{
	const char *p = text, *w;
	size_t at = col, wl, wc;
	int first_word = 1;
	while ((w = text_next_word(&p, &wl)) != NULL) {
		wc = cols(w, wl);
		if (!first_word && at + 1 + wc > width) {
			fprintf(f, "\n%*s", (int)indent, "");
			at = indent;
		} else if (!first_word) {
			fputc(' ', f);
			at++;
		}
		fwrite(w, 1, wl, f);
		at += wc;
		first_word = 0;
	}
	fputc('\n', f);
}

/*
 * sanitize.c - escaping wire strings before they reach a terminal, a
 * report or a JSON encoder. What is escaped, and why: ui/text/text.h.
 *
 * A certificate's DN or a ClientHello's SNI is attacker-chosen: an SNI of
 * "\x1b]0;pwned\x07" would retitle the support engineer's terminal, and
 * "\x1b[2J" would wipe the report they are reading. UTF-8 (RFC 3629 §4):
 *
 *   U+0000..U+007F     00..7F
 *   U+0080..U+07FF     C2..DF  80..BF
 *   U+0800..U+0FFF     E0      A0..BF  80..BF
 *   U+1000..U+CFFF     E1..EC  80..BF  80..BF
 *   U+D000..U+D7FF     ED      80..9F  80..BF     (no surrogates)
 *   U+E000..U+FFFF     EE..EF  80..BF  80..BF
 *   U+10000..U+3FFFF   F0      90..BF  80..BF  80..BF
 *   U+40000..U+FFFFF   F1..F3  80..BF  80..BF  80..BF
 *   U+100000..U+10FFFF F4      80..8F  80..BF  80..BF
 */
#include "ui/text/text.h"

#include <stdint.h>
#include <string.h>

#include "capture/xalloc.h"

/* Length of the valid UTF-8 sequence at s[0..n), and its code point; 0
 * when the bytes there do not start a valid sequence. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char b = s[0];
	size_t len, i;
	unsigned char lo = 0x80, hi = 0xbf;
	uint32_t c;

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		len = 2;
		c = b & 0x1fu;
	} else if (b >= 0xe0 && b <= 0xef) {
		len = 3;
		c = b & 0x0fu;
		if (b == 0xe0)
			lo = 0xa0;
		else if (b == 0xed)
			hi = 0x9f;
	} else if (b >= 0xf0 && b <= 0xf4) {
		len = 4;
		c = b & 0x07u;
		if (b == 0xf0)
			lo = 0x90;
		else if (b == 0xf4)
			hi = 0x8f;
	} else {
		return 0; /* 80..C1 (continuation, overlong lead), F5..FF */
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		unsigned char t = s[i];
		if (i == 1 ? (t < lo || t > hi) : (t < 0x80 || t > 0xbf))
			return 0;
		c = (c << 6) | (t & 0x3fu);
	}
	*cp = c;
	return len;
}

/* Characters the terminal form escapes although they are valid UTF-8. */
static int cp_unsafe(uint32_t c)
{
	if (c < 0x20 || c == 0x7f)
		return 1;
	if (c >= 0x80 && c <= 0x9f) /* C1: CSI (0x9b), OSC (0x9d) ... */
		return 1;
	if (c == 0x061c || c == 0x200e || c == 0x200f)
		return 1;
	if (c >= 0x202a && c <= 0x202e) /* bidi embeddings and overrides */
		return 1;
	if (c >= 0x2066 && c <= 0x2069) /* bidi isolates */
		return 1;
	if (c == 0x2028 || c == 0x2029)
		return 1;
	return 0;
}

size_t ui_sanitize_mem(const char *str, size_t n, enum san_mode mode, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, need = 0, o = 0;
	int full = 0; /* the output stopped taking units */

	while (i < n) {
		uint32_t cp = 0;
		size_t len = utf8_seq(s + i, n - i, &cp);
		size_t nesc = 0, unit, k;
		char esc[16];

		if (len == 0) {
			len = 1; /* escape this byte, resync at the next */
			nesc = 1;
		} else if (mode == SAN_TERMINAL && cp_unsafe(cp)) {
			nesc = len;
		}
		if (nesc) {
			for (k = 0; k < nesc; k++) {
				esc[k * 4] = '\\';
				esc[k * 4 + 1] = 'x';
				esc[k * 4 + 2] = hex[s[i + k] >> 4];
				esc[k * 4 + 3] = hex[s[i + k] & 15];
			}
			unit = nesc * 4;
		} else {
			unit = len;
		}
		if (!full && out && o + unit < outlen) {
			if (nesc)
				memcpy(out + o, esc, unit);
			else
				memcpy(out + o, s + i, unit);
			o += unit;
		} else {
			full = 1;
		}
		need += unit;
		i += len;
	}
	if (out && outlen)
		out[o] = '\0';
	return need;
}

static char *sanitize_new(const char *s, enum san_mode mode)
{
	size_t n = strlen(s);
	size_t need = ui_sanitize_mem(s, n, mode, NULL, 0);
	char *out = xcalloc(need + 1, 1);
	ui_sanitize_mem(s, n, mode, out, need + 1);
	return out;
}

char *ui_sanitize(const char *s)
{
	return sanitize_new(s ? s : "", SAN_TERMINAL);
}

const char *ui_sanitize_buf(const char *s, char *buf, size_t len)
{
	if (!buf || len == 0)
		return "";
	if (!s)
		s = "";
	ui_sanitize_mem(s, strlen(s), SAN_TERMINAL, buf, len);
	return buf;
}

char *ui_sanitize_json(const char *s)
{
	return s ? sanitize_new(s, SAN_JSON) : NULL;
}

int ui_json_quote(struct dbuf *b, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef", HEX[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0; /* s[run..i) is copied as it is */
	int rc = dbuf_add(b, "\"", 1);

	while (i < n) {
		unsigned char c = s[i];
		char esc[8];
		size_t k = 0, len = 1;
		uint32_t cp;
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			len = utf8_seq(s + i, n - i, &cp);
			if (len) { /* valid UTF-8: as it is */
				i += len;
				continue;
			}
			len = 1; /* the JSON form's \xNN, its backslash escaped */
			memcpy(esc, "\\\\x", 3);
			esc[3] = hex[c >> 4];
			esc[4] = hex[c & 15];
			k = 5;
		} else if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			k = 2;
		} else {
			static const char short_esc[] = "btn\0fr"; /* 8..13, 11 has none */
			esc[0] = '\\';
			if (c >= 8 && c <= 13 && c != 11) {
				esc[1] = short_esc[c - 8];
				k = 2;
			} else {
				memcpy(esc + 1, "u00", 3);
				esc[4] = HEX[c >> 4];
				esc[5] = HEX[c & 15];
				k = 6;
			}
		}
		rc |= dbuf_add(b, s + run, i - run);
		rc |= dbuf_add(b, esc, k);
		i += len;
		run = i;
	}
	rc |= dbuf_add(b, s + run, i - run);
	rc |= dbuf_add(b, "\"", 1);
	return rc ? -1 : 0;
}

int ui_is_clean(const char *s)
{
	size_t n = strlen(s);
	return ui_sanitize_mem(s, n, SAN_TERMINAL, NULL, 0) == n;
}

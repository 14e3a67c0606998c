/*
 * sanitize.h - the one escaper for strings that came from the wire (SNI,
 * ALPN, DN strings, SAN entries, file names) on their way out.
 *
 * ui.h declares the terminal forms (ui_sanitize, ui_sanitize_buf); this
 * header adds the JSON form and the length-aware core they share.
 *
 * Terminal form: every byte that could move the cursor, change the title,
 * ring the bell or start an escape sequence comes out as the four
 * characters \xNN (lowercase hex): C0 controls (0x00-0x1f), DEL (0x7f),
 * C1 controls (U+0080-U+009F, i.e. UTF-8 0xc2 0x80-0x9f), every byte of an
 * invalid UTF-8 sequence (stray continuation bytes, overlong forms,
 * surrogates, code points above U+10FFFF, truncated sequences), and the
 * invisible characters that reorder or break what a reader sees: bidi
 * embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069),
 * LRM/RLM/ALM (U+200E, U+200F, U+061C) and the line/paragraph separators
 * (U+2028, U+2029). Every other valid UTF-8 character is kept.
 *
 * JSON form: valid UTF-8 is kept as it is (jansson escapes controls as
 * \u00NN itself), only the bytes of invalid sequences become \xNN, so that
 * json_string() never refuses a string.
 */
#ifndef TLSDIAG_SANITIZE_H
#define TLSDIAG_SANITIZE_H

#include <stddef.h>

enum san_mode { SAN_TERMINAL = 0, SAN_JSON = 1 };

/*
 * Escape n bytes of s into out (outlen bytes, always NUL-terminated when
 * outlen > 0). Never cuts an escape or a character in half: when the
 * output does not fit, it stops at the last whole unit. Returns the length
 * the full result needs (without the NUL), as snprintf does.
 */
size_t ui_sanitize_mem(const char *s, size_t n, enum san_mode mode, char *out, size_t outlen);

/* JSON form of a NUL-terminated string; a new string (NULL for NULL). */
char *ui_sanitize_json(const char *s);

/* 1 when s (NUL-terminated) is valid UTF-8 that the terminal form keeps
 * unchanged. */
int ui_is_clean(const char *s);

#endif

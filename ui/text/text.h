/*
 * text.h - what ui/text owns: words on their way out to a terminal or a
 * report. The one sanitiser for strings that came from the wire (SNI,
 * ALPN, DN strings, SAN entries, file names), times and key names spelt
 * the same in every output (fmt.c), word wrapping and display width.
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
#ifndef TLSDIAG_TEXT_H
#define TLSDIAG_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <wchar.h>

/* ---- the sanitiser (sanitize.c) ---- */

/* Terminal form of a NUL-terminated string: a new string. */
char *ui_sanitize(const char *s);
/* The same into a caller buffer (truncating). */
const char *ui_sanitize_buf(const char *s, char *buf, size_t len);

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

/* ---- wrapping and display width (wrap.c, width.c) ---- */

/* The next word of *p (a run of bytes other than ' '), skipping the
 * spaces before it: its start and *len, with *p just past it; NULL at the
 * end. */
const char *text_next_word(const char **p, size_t *len);
/* Print already sanitised text word-wrapped at `width` columns (counted in
 * code points): the first line continues at column `col`, later lines
 * start with `indent` spaces; ends with a newline. */
void text_wrap(FILE *f, const char *text, size_t col, size_t indent, size_t width);

/* Whether the terminal takes UTF-8 (else non-ASCII is drawn as '?'). */
void text_width_utf8(int on);
/* The next code point of UTF-8 at s[*i] (n bytes), advancing *i; a bad
 * byte is U+FFFD and skipped. */
uint32_t text_next_cp(const char *s, size_t n, size_t *i);
/* Columns one code point takes on the terminal, and what to draw for it. */
int text_cp_cols(uint32_t cp, wchar_t *draw);
/* Columns sanitised UTF-8 text (n bytes) takes on the terminal. */
int text_width(const char *s, size_t n);

/* ---- formats (fmt.c) ---- */

/* Machine output (JSON, the inventory): always UTC.
 * "2026-11-23T04:05:06.123456Z" from nanoseconds since the epoch. */
const char *ui_time_us(int64_t ns, char *buf, size_t len);
/* "2026-11-23T04:05:06Z" from seconds. */
const char *ui_time_s(time_t t, char *buf, size_t len);

/* What people read (text, HTML, TUI): in the display zone (--tz). */
/* The display zone: "UTC" (default), "local" (TZ, else the system's), or a
 * tz database name ("Europe/Paris"). -1 with a sentence in err when the
 * zone does not exist. Call once, before threads. */
int ui_tz_set(const char *spec, char *err, size_t len);
int ui_tz_is_utc(void);
/* "2026-11-23T04:05:06Z" in UTC, "2026-11-23T05:05:06+01:00" elsewhere. */
const char *ui_when_s(time_t t, char *buf, size_t len);
/* The same with microseconds, from nanoseconds. */
const char *ui_when_us(int64_t ns, char *buf, size_t len);
/* "2026-11-23 05:05:06" (date) or "05:05:06", with ".123" (ms), no zone. */
const char *ui_clock(int64_t ns, int date, int ms, char *buf, size_t len);
/* The calendar day of ns in the display zone (equal for the same day). */
long ui_day(int64_t ns);
/* The display zone's name at ns: "UTC", "CET", "UTC+05:30". */
const char *ui_tz_label(int64_t ns, char *buf, size_t len);

/* "RSA", "EC", "Ed25519", "Ed448", "DSA", or NULL when unknown. */
const char *ui_key_type_str(int key_type);
/* Names of the KU_* bits set in ku, in RFC 5280 order ("digitalSignature",
 * "keyEncipherment", ...); returns how many were written to names (<= 9). */
size_t ui_key_usage_names(unsigned ku, const char *names[9]);

#endif

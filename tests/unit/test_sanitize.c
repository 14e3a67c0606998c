/*
 * test_sanitize.c - the wire-string escaper (ui/text/sanitize.c): hostile SNIs,
 * DN strings and file names must reach a terminal as inert text; valid
 * UTF-8 must survive unchanged; JSON keeps controls for jansson to escape.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "capture/xalloc.h"
#include "dissect/cert.h"
#include "tests/unit/t.h"
#include "ui/text/text.h"
#include "ui/ui.h"

static void check_term(const char *in, const char *want)
{
	char *got = ui_sanitize(in);
	CHECK_EQ_STR(got, want);
	free(got);
}

static void check_json(const char *in, const char *want)
{
	char *got = ui_sanitize_json(in);
	CHECK_EQ_STR(got, want);
	free(got);
}

/* No byte of the output may be a control, DEL, C1 lead or invalid UTF-8. */
static int output_inert(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 0;
	}
	return ui_is_clean(s);
}

static void test_plain(void)
{
	check_term("", "");
	check_term("expe.example.com", "expe.example.com");
	check_term("CN=tlsdiag Test RSA Intermediate CA,O=tlsdiag tests\\, Inc.,C=US",
		   "CN=tlsdiag Test RSA Intermediate CA,O=tlsdiag tests\\, Inc.,C=US");
	/* Valid UTF-8 kept: 2, 3 and 4 byte forms. */
	check_term("OU=Z\xc3\xbcrich Lab", "OU=Z\xc3\xbcrich Lab");
	check_term("\xe6\x9d\xb1\xe4\xba\xac", "\xe6\x9d\xb1\xe4\xba\xac");
	check_term("\xf0\x9f\x94\x92 lock", "\xf0\x9f\x94\x92 lock");
	check_term("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
	check_term("\xed\x9f\xbf", "\xed\x9f\xbf");	    /* U+D7FF */
	check_term("\xc2\xa0", "\xc2\xa0");		    /* U+00A0, first after C1 */
	check_term("~", "~");
	CHECK(ui_is_clean("server.tlsdiag.test"));
	CHECK(ui_is_clean("Z\xc3\xbcrich"));
}

static void test_escapes(void)
{
	/* The brief's case: an OSC title-change sequence in an SNI. */
	check_term("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07");
	check_term("a\x1b[2Jb", "a\\x1b[2Jb");
	check_term("line\nbreak\r\t", "line\\x0abreak\\x0d\\x09");
	check_term("\x01\x1f", "\\x01\\x1f");
	check_term("del\x7f", "del\\x7f");
	/* C1 controls as valid UTF-8 (U+009B CSI, U+009D OSC, U+0085 NEL). */
	check_term("\xc2\x9b"
		   "31m",
		   "\\xc2\\x9b31m");
	check_term("\xc2\x9d\xc2\x85\xc2\x80\xc2\x9f", "\\xc2\\x9d\\xc2\\x85\\xc2\\x80\\xc2\\x9f");
	/* Raw C1 bytes are invalid UTF-8 on their own. */
	check_term("\x9b"
		   "2J",
		   "\\x9b2J");
	/* Bidi override (Trojan Source), isolates, LRM/RLM, line separator. */
	check_term("evil\xe2\x80\xae"
		   "moc.",
		   "evil\\xe2\\x80\\xaemoc.");
	check_term("\xe2\x81\xa6x\xe2\x81\xa9", "\\xe2\\x81\\xa6x\\xe2\\x81\\xa9");
	check_term("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\\xe2\\x80\\x8e\\xe2\\x80\\x8f\\xd8\\x9c");
	check_term("a\xe2\x80\xa8"
		   "b",
		   "a\\xe2\\x80\\xa8b");
	/* Neighbours of the escaped ranges are kept. */
	check_term("\xe2\x80\xa9", "\\xe2\\x80\\xa9");
	check_term("\xe2\x80\xaf", "\xe2\x80\xaf"); /* U+202F narrow nbsp */
	check_term("\xe2\x80\x8d", "\xe2\x80\x8d"); /* U+200D ZWJ (emoji) */
}

static void test_invalid_utf8(void)
{
	check_term("\xff", "\\xff");
	check_term("\xfe\xfe", "\\xfe\\xfe");
	check_term("\x80", "\\x80");				/* stray continuation */
	check_term("\xc0\xaf", "\\xc0\\xaf");			/* overlong '/' */
	check_term("\xc1\xbf", "\\xc1\\xbf");			/* overlong */
	check_term("\xe0\x80\xaf", "\\xe0\\x80\\xaf");		/* overlong 3-byte */
	check_term("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf"); /* overlong 4-byte */
	check_term("\xed\xa0\x80", "\\xed\\xa0\\x80");		/* surrogate U+D800 */
	check_term("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* > U+10FFFF */
	check_term("\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80");
	/* Truncated sequences, at the end and before ASCII: resync. */
	check_term("ab\xc3", "ab\\xc3");
	check_term("\xe6\x9d", "\\xe6\\x9d");
	check_term("\xe6\x9d"
		   "x",
		   "\\xe6\\x9dx");
	check_term("\xc3\xc3\xbc", "\\xc3\xc3\xbc");
	/* An escape hidden behind invalid bytes is still caught. */
	check_term("\xc3\x1b[0m", "\\xc3\\x1b[0m");
	/* Lone 0xc2 before a C1-range byte is invalid, then a stray 0x9b. */
	check_term("\xc2", "\\xc2");
	CHECK(!ui_is_clean("\xff"));
	CHECK(!ui_is_clean("\x1b"));
}

static void test_json(void)
{
	/* Controls stay (jansson escapes them), invalid bytes become \xNN. */
	check_json("\x1b]0;pwned\x07", "\x1b]0;pwned\x07");
	check_json("Z\xc3\xbcrich", "Z\xc3\xbcrich");
	check_json("a\xff"
		   "b",
		   "a\\xffb");
	check_json("\xc2\x9b", "\xc2\x9b");
	check_json("\xed\xa0\x80", "\\xed\\xa0\\x80");
	CHECK(ui_sanitize_json(NULL) == NULL);
}

static void test_buf(void)
{
	char buf[8];
	const char *r;

	r = ui_sanitize_buf("abc", buf, sizeof buf);
	CHECK_EQ_STR(r, "abc");
	/* Truncation never cuts an escape: "ab" + "\x1b" needs 6 + NUL = 7. */
	r = ui_sanitize_buf("ab\x1b"
			    "cdef",
			    buf, sizeof buf);
	CHECK_EQ_STR(r, "ab\\x1bc");
	r = ui_sanitize_buf("abcd\x1b", buf, sizeof buf);
	CHECK_EQ_STR(r, "abcd");
	/* Nor a UTF-8 character. */
	r = ui_sanitize_buf("abcdef\xc3\xbc", buf, sizeof buf);
	CHECK_EQ_STR(r, "abcdef");
	r = ui_sanitize_buf(NULL, buf, sizeof buf);
	CHECK_EQ_STR(r, "");
	r = ui_sanitize_buf("x", buf, 1);
	CHECK_EQ_STR(r, "");
	CHECK_EQ_STR(ui_sanitize_buf("x", NULL, 0), "");
	/* The needed length is reported like snprintf. */
	CHECK_EQ_INT(ui_sanitize_mem("a\x1b", 2, SAN_TERMINAL, buf, 2), 5);
	CHECK_EQ_STR(buf, "a");
	/* Embedded NUL in a length-delimited string is escaped too. */
	CHECK_EQ_INT(ui_sanitize_mem("a\0b", 3, SAN_TERMINAL, buf, sizeof buf), 6);
	CHECK_EQ_STR(buf, "a\\x00b");
	{
		char *e = ui_sanitize(NULL);
		CHECK_EQ_STR(e, "");
		free(e);
	}
}

/* Every 1- and 2-byte string, and a pseudo-random set of longer ones: the
 * output is inert and valid, and clean input comes back unchanged. */
static void test_exhaustive(void)
{
	char in[8], *out;
	unsigned a, b, bad = 0, changed = 0;
	uint32_t x = 2463534242u;
	int i, k;

	for (a = 1; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			in[0] = (char)a;
			in[1] = (char)b;
			in[2] = 0;
			out = ui_sanitize(in);
			if (!output_inert(out))
				bad++;
			if (ui_is_clean(in) && strcmp(in, out) != 0)
				changed++;
			free(out);
		}
	}
	for (i = 0; i < 200000; i++) {
		for (k = 0; k < 7; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			in[k] = (char)((x & 0xff) ? (x & 0xff) : 0x41);
		}
		in[7] = 0;
		out = ui_sanitize(in);
		if (!output_inert(out))
			bad++;
		if (ui_is_clean(in) && strcmp(in, out) != 0)
			changed++;
		free(out);
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(changed, 0);
}

/* ui_json_quote writes what jansson wrote for json_string(ui_sanitize_json(s)):
 * hostile strings, then 200,000 pseudo-random ones over an alphabet of
 * controls, quotes, backslashes, ASCII, and valid and broken UTF-8. */
static int quote_matches(const char *s, size_t n)
{
	struct dbuf b;
	char *san = ui_sanitize_json(s), *want;
	json_t *j = json_string(san);
	dbuf_init(&b, 1 << 20);
	want = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	int ok = want && ui_json_quote(&b, s, n) == 0 && strcmp(dbuf_str(&b), want) == 0;
	if (!ok)
		fprintf(stderr, "  json quote: %s vs %s\n", dbuf_str(&b), want ? want : "(null)");
	free(want);
	json_decref(j);
	free(san);
	dbuf_free(&b);
	return ok;
}

static void test_json_quote(void)
{
	static const char *const fixed[] = {
		"",
		"plain",
		"\"quoted\"",
		"back\\slash",
		"\x1b]0;pwned\x07",
		"tab\tnl\ncr\rbs\bff\fvt\v",
		"\x7f del",
		"caf\xc3\xa9",
		"bad \xff\xfe",
		"\xe2\x80\xae rlo",
		"\xf0\x9f\x98\x80 emoji",
		"\xed\xa0\x80 surrogate",
		"\xc0\xaf overlong",
		"/slash/",
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		CHECK(quote_matches(fixed[i], strlen(fixed[i])));
	static const unsigned char alpha[] = { 0x01, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b,
					       0x1f, '"',  '\\', '/',  'a',  ' ',  0x7f, 0x80,
					       0xbf, 0xc2, 0xc3, 0xa9, 0xe2, 0x80, 0xae, 0xed,
					       0xa0, 0xf0, 0x9f, 0x98, 0xf4, 0x90, 0xff, 0xc0 };
	unsigned long long x = 2463534242ULL;
	int bad = 0;
	for (int i = 0; i < 200000 && bad < 5; i++) {
		char s[48];
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		size_t n = x % 40;
		for (size_t k = 0; k < n; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			s[k] = (char)alpha[x % sizeof alpha];
		}
		s[n] = 0;
		bad += !quote_matches(s, n);
	}
	CHECK_EQ_INT(bad, 0);
}

/* Key types by name (fmt.c): X25519 and X448 are named, not "unknown". */
static void test_key_types(void)
{
	CHECK_EQ_STR(ui_key_type_str(KEY_X25519), "X25519");
	CHECK_EQ_STR(ui_key_type_str(KEY_X448), "X448");
	CHECK_EQ_STR(ui_key_type_str(KEY_RSA), "RSA");
	CHECK(ui_key_type_str(-1) == NULL);
}

int main(void)
{
	test_json_quote();
	test_key_types();
	test_plain();
	test_escapes();
	test_invalid_utf8();
	test_json();
	test_buf();
	test_exhaustive();
	return t_done("test_sanitize");
}

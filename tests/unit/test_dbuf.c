/*
 * test_dbuf.c - the one growable buffer (capture/xalloc.h), as bytes and as
 * text: its ceiling holds, text stays NUL-terminated, addf appends nothing
 * when the result would pass the ceiling.
 */
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "t.h"

static void test_text(void)
{
	struct dbuf b;
	char *s;

	dbuf_init(&b, 64);
	CHECK_EQ_STR(dbuf_str(&b), "");
	CHECK_EQ_INT(dbuf_addstr(&b, "a"), 0);
	CHECK_EQ_INT(dbuf_addf(&b, "%s-%d", "b", 42), 0);
	CHECK_EQ_STR(dbuf_str(&b), "ab-42");
	CHECK_EQ_INT(b.len, 5);
	dbuf_consume(&b, 3);
	CHECK_EQ_STR(dbuf_str(&b), "42");
	dbuf_reset(&b);
	CHECK_EQ_STR(dbuf_str(&b), "");
	CHECK_EQ_INT(dbuf_addf(&b, "%s", "x"), 0);
	s = dbuf_take(&b);
	CHECK_EQ_STR(s, "x");
	CHECK(b.p == NULL && b.len == 0);
	free(s);
	/* Taking an empty buffer gives an empty string, not NULL. */
	s = dbuf_take(&b);
	CHECK_EQ_STR(s, "");
	free(s);
}

static void test_ceiling(void)
{
	struct dbuf b;
	char big[100];

	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = 0;
	dbuf_init(&b, 10);
	CHECK_EQ_INT(dbuf_addf(&b, "%s", "0123456789"), 0); /* exactly the ceiling */
	CHECK_EQ_INT(dbuf_addf(&b, "%c", 'x'), -1);	    /* one past: nothing */
	CHECK_EQ_INT(b.len, 10);
	CHECK_EQ_STR(dbuf_str(&b), "0123456789");
	CHECK_EQ_INT(dbuf_addstr(&b, "y"), -1);
	CHECK_EQ_INT(dbuf_add(&b, "y", 1), -1);
	dbuf_reset(&b);
	CHECK_EQ_INT(dbuf_addf(&b, "%s", big), -1); /* alone over it */
	CHECK_EQ_INT(b.len, 0);
	CHECK_EQ_STR(dbuf_str(&b), "");
	dbuf_free(&b);
	dbuf_free(&b); /* twice is harmless */
}

static void test_bytes(void)
{
	struct dbuf b;
	uint8_t raw[3] = { 0, 1, 2 };
	int bad = 0;

	dbuf_init(&b, 1 << 20);
	for (int i = 0; i < 1000; i++)
		bad |= dbuf_add(&b, raw, sizeof raw);
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(b.len, 3000);
	CHECK(b.p[2999] == 2 && b.p[3000] == 0); /* the NUL after the bytes */
	dbuf_free(&b);
}

/* RFC 4648 §10's test vectors, and the ceiling: all or nothing. */
static void test_base64(void)
{
	static const char *const vec[][2] = {
		{ "", "" },
		{ "f", "Zg==" },
		{ "fo", "Zm8=" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	static const uint8_t hi[] = { 0xfb, 0xff, 0xbf };
	struct dbuf b;

	for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		dbuf_init(&b, 64);
		CHECK_EQ_INT(dbuf_add_base64(&b, vec[i][0], strlen(vec[i][0])), 0);
		CHECK_EQ_STR(dbuf_str(&b), vec[i][1]);
		dbuf_free(&b);
	}
	dbuf_init(&b, 64);
	CHECK_EQ_INT(dbuf_add_base64(&b, hi, sizeof hi), 0); /* the last two letters */
	CHECK_EQ_STR(dbuf_str(&b), "+/+/");
	dbuf_free(&b);
	dbuf_init(&b, 10);
	CHECK_EQ_INT(dbuf_addstr(&b, "x:"), 0);
	CHECK_EQ_INT(dbuf_add_base64(&b, "foobar", 6), 0); /* 2 + 8 = 10 */
	CHECK_EQ_STR(dbuf_str(&b), "x:Zm9vYmFy");
	CHECK_EQ_INT(dbuf_add_base64(&b, "f", 1), -1);
	CHECK_EQ_STR(dbuf_str(&b), "x:Zm9vYmFy");
	dbuf_free(&b);
}

int main(void)
{
	test_base64();
	test_text();
	test_ceiling();
	test_bytes();
	return t_done("test_dbuf");
}

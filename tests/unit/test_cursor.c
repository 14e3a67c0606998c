/* Unit tests for capture/cursor.c: valid reads and every way to run short. */
#include "capture/cursor.h"
#include "tests/unit/t.h"

int main(void)
{
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x00, 0x02, 0xaa, 0xbb };
	struct cursor c, sub;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	cur_init(&c, b, sizeof b);
	CHECK(cur_u8(&c, &u8) == PE_OK && u8 == 1);
	CHECK(cur_u16(&c, &u16) == PE_OK && u16 == 0x0203);
	CHECK(cur_u16(&c, &u16) == PE_OK && u16 == 0x0405);
	CHECK(cur_sub_u16(&c, &sub) == PE_OK && cur_left(&sub) == 2);
	CHECK(cur_expect_end(&c) == PE_OK);
	CHECK(cur_u8(&sub, &u8) == PE_OK && u8 == 0xaa);
	CHECK(cur_expect_end(&sub) == PE_TRAILING);
	CHECK(cur_u16(&sub, &u16) == PE_SHORT);
	CHECK(cur_u8(&sub, &u8) == PE_OK && u8 == 0xbb);
	CHECK(cur_u8(&sub, &u8) == PE_SHORT);

	/* A length prefix that overruns its parent. */
	static const uint8_t over[] = { 0x00, 0x05, 0x01 };
	cur_init(&c, over, sizeof over);
	CHECK(cur_sub_u16(&c, &sub) == PE_SHORT);

	/* u24/u32 and little-endian. */
	cur_init(&c, b, sizeof b);
	CHECK(cur_u24(&c, &u32) == PE_OK && u32 == 0x010203);
	cur_init(&c, b, sizeof b);
	CHECK(cur_u32(&c, &u32) == PE_OK && u32 == 0x01020304);
	cur_init(&c, b, sizeof b);
	CHECK(cur_u32le(&c, &u32) == PE_OK && u32 == 0x04030201);
	CHECK(cur_peek_u8(&c, 4, &u8) == PE_OK && u8 == 0xbb);
	CHECK(cur_peek_u8(&c, 5, &u8) == PE_SHORT);
	CHECK(cur_skip(&c, (size_t)-1) == PE_SHORT);

	/* Empty and NULL cursors. */
	cur_init(&c, NULL, 10);
	CHECK(cur_left(&c) == 0);
	CHECK(cur_u8(&c, &u8) == PE_SHORT);
	/* An empty cursor's rest is an empty span, never NULL + 0 (an empty
	 * PEM PKCS7 block reached this from x509.c; UBSan pointer-overflow). */
	struct span r = cur_rest(&c);
	CHECK(r.p == NULL && r.n == 0);
	return t_done("cursor");
}

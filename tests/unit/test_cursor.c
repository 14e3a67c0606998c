/* Unit tests for capture/cursor.c: valid reads and every way to run short. */
#include "capture/cursor.h"
#include "tests/unit/t.h"

/* The checksum sum two bytes at a time, as RFC 1071 writes it. */
static uint32_t sum16_ref(const uint8_t *p, size_t n, uint32_t acc)
{
	size_t i = 0;
	for (; i + 1 < n; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < n)
		acc += (uint32_t)p[i] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return acc;
}

/* span_sum16 (eight and four bytes at a time) agrees with it on every length and
 * starting accumulator, carries included (runs of 0xff). */
static void test_sum16(void)
{
	static uint8_t buf[9000];
	unsigned long long x = 88172645463325252ULL;
	int bad = 0;
	for (size_t i = 0; i < sizeof buf; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = i % 7 < 3 ? 0xff : (uint8_t)x;
	}
	for (size_t n = 0; n < 3000 && bad < 5; n += 1 + n / 64) {
		for (size_t off = 0; off < 4; off++) {
			uint32_t acc = (uint32_t)(x = x * 6364136223846793005ULL + 1) >>
				       (12 + n % 17); /* as a pseudo-header leaves it */
			struct span sp = { buf + off, n };
			if (span_sum16(sp, acc) != sum16_ref(buf + off, n, acc)) {
				fprintf(stderr, "  sum16: length %zu offset %zu acc %u\n", n, off,
					acc);
				bad++;
			}
		}
	}
	struct span all = { buf, sizeof buf };
	CHECK_EQ_INT(span_sum16(all, 0xfffffu), sum16_ref(buf, sizeof buf, 0xfffffu));
	CHECK_EQ_INT(bad, 0);
}

int main(void)
{
	test_sum16();
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

/*
 * test_fmt.c - times as reports print them (ui/text/fmt.c): the fast
 * civil-date path agrees with gmtime_r for every second it covers (years
 * 0000-9999: edges, leap days, and a million pseudo-random values), the
 * microseconds of a negative time, and what falls outside.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/unit/t.h"
#include "ui/text/text.h"

static void want_s(long long t)
{
	char got[64], want[64];
	struct tm tm;
	time_t tt = (time_t)t;
	ui_time_s(tt, got, sizeof got);
	if (gmtime_r(&tt, &tm))
		snprintf(want, sizeof want, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
			 (long long)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			 tm.tm_min, tm.tm_sec);
	else
		snprintf(want, sizeof want, "@%lld", t);
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "  %lld: %s, expected %s\n", t, got, want);
		t_fail++;
	} else {
		t_pass++;
	}
}

int main(void)
{
	static const long long edges[] = {
		0,
		-1,
		86399,
		86400,
		951782400, /* 2000-02-29 */
		951868800,
		-2208988800LL,	/* 1900-01-01 */
		-62167219200LL, /* 0000-01-01 */
		-62167219201LL,
		253402300799LL,
		253402300800LL,
		4102444800LL,
		1795406706,
		-62162121600LL, /* 0000-02-29... the year 0 is a leap year */
	};
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
		want_s(edges[i]);
	unsigned long long x = 88172645463325252ULL; /* xorshift: the same values every run */
	long bad_before = t_fail;
	for (int i = 0; i < 1000000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		want_s((long long)(x % 320000000000ULL) - 64000000000LL);
	}
	CHECK_EQ_INT(t_fail, bad_before);
	t_pass -= 1000000 - 1; /* count the sweep as one check */

	char b[64];
	CHECK_EQ_STR(ui_time_us(1795406706123456789LL, b, sizeof b), "2026-11-23T04:05:06.123456Z");
	CHECK_EQ_STR(ui_time_us(-1000, b, sizeof b), "1969-12-31T23:59:59.999999Z");
	CHECK_EQ_STR(ui_time_us(0, b, sizeof b), "1970-01-01T00:00:00.000000Z");
	CHECK_EQ_STR(ui_time_s(-62167219200LL, b, sizeof b), "0000-01-01T00:00:00Z");
	CHECK_EQ_STR(ui_time_s(253402300799LL, b, sizeof b), "9999-12-31T23:59:59Z");
	return t_done("fmt");
}

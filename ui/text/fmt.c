/*
 * fmt.c - small formatting shared by every report (text, JSON): times
 * as ISO 8601 UTC, key types and key usage names. Nothing here looks at
 * the wire; it only spells model values the same way everywhere.
 */
#include "ui/text/text.h"

#include <stdio.h>
#include <string.h>

#include "dissect/cert.h"

/* Two digits of v (0..99) at p. */
static void two(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/*
 * Years 0000..9999 without gmtime and printf (every session has several
 * times in a report): days since the epoch to a civil date, as in Howard
 * Hinnant's "chrono-Compatible Low-Level Date Algorithms".
 */
static int fmt_fast(time_t t, char *buf, size_t len, const char *frac)
{
	const long long lo = -62167219200LL, hi = 253402300800LL; /* 0000-01-01, 10000-01-01 */
	size_t fl = strlen(frac);
	if ((long long)t < lo || (long long)t >= hi || len < 21 + fl)
		return -1;
	long long secs = ((long long)t - lo) % 86400;
	/* Days since 0000-03-01 (the algorithm's epoch: 60 days after 0000-01-01,
	 * year 0 being a leap year), in eras of 400 years. */
	long long dd = ((long long)t - lo) / 86400 - 60;
	long long era = (dd >= 0 ? dd : dd - 146096) / 146097;
	long long doe = dd - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long y = yoe + era * 400;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	if (m <= 2)
		y++;
	if (y < 0 || y > 9999)
		return -1;
	int hh = (int)(secs / 3600), mi = (int)(secs / 60 % 60), ss = (int)(secs % 60);
	two(buf, (int)(y / 100));
	two(buf + 2, (int)(y % 100));
	buf[4] = '-';
	two(buf + 5, m);
	buf[7] = '-';
	two(buf + 8, d);
	buf[10] = 'T';
	two(buf + 11, hh);
	buf[13] = ':';
	two(buf + 14, mi);
	buf[16] = ':';
	two(buf + 17, ss);
	memcpy(buf + 19, frac, fl);
	buf[19 + fl] = 'Z';
	buf[20 + fl] = 0;
	return 0;
}

/* Years are printed with at least four digits whatever strftime does. */
static int fmt_tm(time_t t, char *buf, size_t len, const char *frac)
{
	struct tm tm;
	if (fmt_fast(t, buf, len, frac) == 0)
		return 0;
	if (!gmtime_r(&t, &tm))
		return -1;
	snprintf(buf, len, "%04lld-%02d-%02dT%02d:%02d:%02d%sZ", (long long)tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
	return 0;
}

const char *ui_time_s(time_t t, char *buf, size_t len)
{
	if (fmt_tm(t, buf, len, "") != 0)
		snprintf(buf, len, "@%lld", (long long)t);
	return buf;
}

const char *ui_time_us(int64_t ns, char *buf, size_t len)
{
	int64_t sec = ns / 1000000000, rem = ns % 1000000000;
	char frac[16];
	if (rem < 0) {
		rem += 1000000000;
		sec--;
	}
	int us = (int)(rem / 1000);
	frac[0] = '.';
	for (int k = 6; k >= 1; k--, us /= 10)
		frac[k] = (char)('0' + us % 10);
	frac[7] = 0;
	if (fmt_tm((time_t)sec, buf, len, frac) != 0)
		snprintf(buf, len, "@%lld", (long long)sec);
	return buf;
}

const char *ui_key_type_str(int key_type)
{
	switch (key_type) {
	case KEY_RSA: return "RSA";
	case KEY_EC: return "EC";
	case KEY_ED25519: return "Ed25519";
	case KEY_ED448: return "Ed448";
	case KEY_DSA: return "DSA";
	}
	return NULL;
}

size_t ui_key_usage_names(unsigned ku, const char *names[9])
{
	static const char *const all[9] = {
		"digitalSignature", "nonRepudiation", "keyEncipherment",
		"dataEncipherment", "keyAgreement",   "keyCertSign",
		"cRLSign",	    "encipherOnly",   "decipherOnly",
	};
	size_t n = 0;
	for (unsigned i = 0; i < 9; i++)
		if (ku & (1u << i))
			names[n++] = all[i];
	return n;
}

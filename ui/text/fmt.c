/*
 * fmt.c - small formatting shared by every report (text, JSON): times
 * as ISO 8601 UTC, key types and key usage names. Nothing here looks at
 * the wire; it only spells model values the same way everywhere.
 */
#include "ui/text/text.h"

#include <stdio.h>

#include "dissect/cert.h"

/* Years are printed with at least four digits whatever strftime does. */
static int fmt_tm(time_t t, char *buf, size_t len, const char *frac)
{
	struct tm tm;
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
	snprintf(frac, sizeof frac, ".%06d", (int)(rem / 1000));
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
	case KEY_X25519: return "X25519";
	case KEY_X448: return "X448";
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

/*
 * fmt.c - small formatting shared by every report (text, JSON, HTML, TUI):
 * times, key types and key usage names. Nothing here looks at the wire; it
 * only spells model values the same way everywhere.
 *
 * Times are formatted here and nowhere else. Machine output (JSON, the
 * inventory) is ISO 8601 UTC (ui_time_s, ui_time_us); what people read
 * (text, HTML, TUI) is in the display zone --tz chose (ui_tz_set): UTC by
 * default, spelled as before ("...Z"); another zone with its offset
 * ("2026-11-23T05:45:20+01:00"), so a time is never ambiguous.
 */
#include "ui/text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dissect/cert.h"

/* The display zone: UTC, or the zone TZ names (set once, before any
 * thread formats a time). */
static int disp_utc = 1;

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

/* ---- the display zone (--tz) ---- */

int ui_tz_set(const char *spec, char *err, size_t len)
{
	if (!spec || !*spec || strcasecmp(spec, "UTC") == 0 || strcmp(spec, "Z") == 0) {
		disp_utc = 1;
		return 0;
	}
	if (strcmp(spec, "local") == 0) {
		/* The environment's TZ, else the system's /etc/localtime. */
		tzset();
		disp_utc = 0;
		return 0;
	}
	{
		/* A zone of the tz database: it must exist (glibc would silently
		 * take an unknown name as UTC). */
		const char *dir = getenv("TZDIR");
		char path[4096];
		struct stat st;

		if (!dir || !*dir)
			dir = "/usr/share/zoneinfo";
		if (spec[0] == '/' || strstr(spec, "..") ||
		    (size_t)snprintf(path, sizeof path, "%s/%s", dir, spec) >= sizeof path ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			snprintf(err, len,
				 "--tz: '%s' is not local, UTC or a time zone of the tz database "
				 "(such as Europe/Paris, in %s)",
				 spec, dir);
			return -1;
		}
		if (setenv("TZ", spec, 1) != 0) {
			snprintf(err, len, "--tz: cannot set the time zone '%s'", spec);
			return -1;
		}
		tzset();
		disp_utc = 0;
	}
	return 0;
}

int ui_tz_is_utc(void)
{
	return disp_utc;
}

/* Broken-down time in the display zone. */
static int disp_tm(time_t t, struct tm *tm)
{
	return (disp_utc ? gmtime_r(&t, tm) : localtime_r(&t, tm)) ? 0 : -1;
}

static void split_ns(int64_t ns, time_t *sec, int64_t *rem)
{
	*sec = (time_t)(ns / 1000000000);
	*rem = ns % 1000000000;
	if (*rem < 0) {
		*rem += 1000000000;
		(*sec)--;
	}
}

/* "Z", or "+01:00" from the zone's offset at that time. */
static void offset_str(const struct tm *tm, char *buf, size_t len)
{
	long off = tm->tm_gmtoff;
	char sign = off < 0 ? '-' : '+';

	if (disp_utc) {
		snprintf(buf, len, "Z");
		return;
	}
	if (off < 0)
		off = -off;
	/* Zones are within a day of UTC. */
	snprintf(buf, len, "%c%02d:%02d", sign, (int)(off / 3600 % 24), (int)(off / 60 % 60));
}

static const char *when(time_t t, const char *frac, char *buf, size_t len)
{
	struct tm tm;
	char off[16];

	if (disp_tm(t, &tm) != 0) {
		snprintf(buf, len, "@%lld", (long long)t);
		return buf;
	}
	offset_str(&tm, off, sizeof off);
	snprintf(buf, len, "%04lld-%02d-%02dT%02d:%02d:%02d%s%s", (long long)tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac, off);
	return buf;
}

const char *ui_when_s(time_t t, char *buf, size_t len)
{
	return when(t, "", buf, len);
}

const char *ui_when_us(int64_t ns, char *buf, size_t len)
{
	time_t sec;
	int64_t rem;
	char frac[16];

	split_ns(ns, &sec, &rem);
	snprintf(frac, sizeof frac, ".%06d", (int)(rem / 1000));
	return when(sec, frac, buf, len);
}

const char *ui_clock(int64_t ns, int date, int ms, char *buf, size_t len)
{
	time_t s;
	int64_t rem;
	struct tm tm;

	split_ns(ns, &s, &rem);
	if (disp_tm(s, &tm) != 0) {
		snprintf(buf, len, "@%lld", (long long)s);
		return buf;
	}
	if (date)
		snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	else
		snprintf(buf, len, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (ms) {
		size_t o = strlen(buf);
		snprintf(buf + o, len > o ? len - o : 0, ".%03d", (int)(rem / 1000000));
	}
	return buf;
}

long ui_day(int64_t ns)
{
	time_t s;
	int64_t rem;
	struct tm tm;

	split_ns(ns, &s, &rem);
	if (disp_tm(s, &tm) != 0)
		return 0;
	return (long)(tm.tm_year + 1900) * 400 + tm.tm_yday;
}

const char *ui_tz_label(int64_t ns, char *buf, size_t len)
{
	time_t s;
	int64_t rem;
	struct tm tm;

	if (disp_utc) {
		snprintf(buf, len, "UTC");
		return buf;
	}
	split_ns(ns, &s, &rem);
	if (disp_tm(s, &tm) != 0) {
		snprintf(buf, len, "?");
		return buf;
	}
	/* The zone's abbreviation when it has a name ("CET"), else UTC+01:00. */
	if (tm.tm_zone && tm.tm_zone[0] && tm.tm_zone[0] != '+' && tm.tm_zone[0] != '-') {
		snprintf(buf, len, "%s", tm.tm_zone);
	} else {
		char off[16];

		offset_str(&tm, off, sizeof off);
		snprintf(buf, len, "UTC%s", off);
	}
	return buf;
}

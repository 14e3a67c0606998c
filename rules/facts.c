/*
 * facts.c - the facts every view shows (rules/facts.h).
 */
#include "rules/facts.h"

#include <stdio.h>
#include <string.h>

long day_of(time_t t)
{
	long long d = (long long)t / SECS_PER_DAY;

	if ((long long)t % SECS_PER_DAY < 0)
		d--;
	return (long)d;
}

long days_between(time_t from, time_t to)
{
	long long s = (long long)to - (long long)from, d = s / SECS_PER_DAY;

	if (s % SECS_PER_DAY < 0)
		d--;
	return (long)d;
}

struct cert_validity cert_validity(const struct cert_info *c, time_t at)
{
	struct cert_validity v;

	if (at < c->not_before) {
		v.state = NOT_YET_VALID;
		v.days = days_between(at, c->not_before);
	} else if (at > c->not_after) {
		v.state = EXPIRED;
		v.days = days_between(c->not_after, at);
	} else {
		v.state = VALID;
		v.days = days_between(at, c->not_after);
	}
	return v;
}

time_t report_judged_at(const struct session_report *r)
{
	if (r->judged_at)
		return r->judged_at;
	return r->s ? (time_t)(r->s->start_ts / 1000000000) : 0;
}

const char *dn_next(const struct dn *d, const char *oid, size_t *pos)
{
	for (; *pos < d->nattrs; (*pos)++) {
		const struct dn_attr *a = &d->attrs[*pos];

		if (a->oid && a->value && strcmp(a->oid, oid) == 0) {
			(*pos)++;
			return a->value;
		}
	}
	return NULL;
}

const char *cert_cn(const struct cert_info *c)
{
	const char *cn = NULL, *v;
	size_t pos = 0;

	if (!c || !c->parse_ok)
		return NULL;
	while ((v = dn_next(&c->subject, OID_CN, &pos)) != NULL)
		cn = v;
	return cn;
}

const char *alert_text(const struct tls_alert *a, char *buf, size_t len)
{
	const char *level = tls_alert_level_name(a->level), *name = tls_alert_name(a->desc);

	if (a->encrypted)
		snprintf(buf, len, "encrypted alert");
	else
		snprintf(buf, len, "%s %s (%d)", level ? level : "level ?", name ? name : "unknown",
			 a->desc);
	return buf;
}

const char *version_text(uint16_t v, char *buf, size_t len)
{
	const char *n = tls_version_name(v);

	if (!v)
		return NULL;
	if (n)
		return n;
	snprintf(buf, len, "0x%04x", v);
	return buf;
}

const char *hs_type_text(int type)
{
	const char *n = tls_hs_type_name(type);

	return n ? n : "unknown handshake message";
}

const char *hs_type_words(int type, char *buf, size_t len)
{
	const char *n = tls_hs_type_name(type);

	if (n)
		return n;
	snprintf(buf, len, "unknown handshake message (type %d)", type);
	return buf;
}

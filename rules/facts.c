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

	return n ? n : "unknown";
}

const char *transport_key(enum tls_transport t)
{
	return t == TRANSPORT_UDP ? "udp" : "tcp";
}

const char *transport_text(enum tls_transport t)
{
	return t == TRANSPORT_UDP ? "UDP" : "TCP";
}

const char *srtp_profile_text(uint16_t p, char *buf, size_t len)
{
	switch (p) {
	case 0: return NULL;
	case 0x0001: return "SRTP_AES128_CM_HMAC_SHA1_80";
	case 0x0002: return "SRTP_AES128_CM_HMAC_SHA1_32";
	case 0x0005: return "SRTP_NULL_HMAC_SHA1_80";
	case 0x0006: return "SRTP_NULL_HMAC_SHA1_32";
	case 0x0007: return "SRTP_AEAD_AES_128_GCM";
	case 0x0008: return "SRTP_AEAD_AES_256_GCM";
	}
	snprintf(buf, len, "0x%04x", p);
	return buf;
}

const char *dtls_text(const struct tls_session *s, char *buf, size_t len)
{
	const struct dtls_info *d = &s->dtls;
	char pb[16];
	if (s->transport != TRANSPORT_UDP || len == 0)
		return NULL;
	uint64_t re = d->retransmitted[0] + d->retransmitted[1];
	uint64_t other = d->other_datagrams[0] + d->other_datagrams[1];
	const char *srtp = srtp_profile_text(s->sh.srtp_profile, pb, sizeof pb);
	size_t o = (size_t)snprintf(buf, len, "over UDP");
	if (d->hello_verify && o < len)
		o += (size_t)snprintf(buf + o, len - o, "; cookie exchange (HelloVerifyRequest)");
	if (re && o < len)
		o += (size_t)snprintf(buf + o, len - o, "; %llu handshake fragment%s retransmitted",
				      (unsigned long long)re, re == 1 ? "" : "s");
	if (srtp && o < len)
		o += (size_t)snprintf(buf + o, len - o, "; DTLS-SRTP %s", srtp);
	if ((d->cid[0] || d->cid[1]) && o < len)
		o += (size_t)snprintf(buf + o, len - o, "; connection ID");
	if (other && o < len)
		snprintf(buf + o, len - o, "; %llu other datagram%s (STUN, RTP) on the same port",
			 (unsigned long long)other, other == 1 ? "" : "s");
	return buf;
}

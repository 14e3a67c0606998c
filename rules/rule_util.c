/*
 * rule_util.c - what every rule file shares (rules/rule_int.h): who a side
 * is in words, DNs and days as the sentences print them, and the CA names
 * of a CertificateRequest that belong to a DN's organisation.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "capture/xalloc.h"
#include "rules/facts.h"
#include "rules/rule_int.h"

const char *rule_addr(const struct tls_session *s, int side, char *buf, size_t len)
{
	return endpoint_addr_str(side == SIDE_CLIENT ? &s->client : &s->server, buf, len);
}

const char *rule_who(const struct rule_eval *e, int side, char *buf, size_t len)
{
	char a[80];

	snprintf(buf, len, "%s %s", service_role(&e->svc, side),
		 rule_addr(e->s, side, a, sizeof(a)));
	return buf;
}

const char *rule_whose(const struct rule_eval *e, int side, char *buf, size_t len)
{
	snprintf(buf, len, "%s's", service_role(&e->svc, side));
	return buf;
}

char *rule_cap(char *s)
{
	if (s && s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
	return s;
}

const char *rule_dn(const struct dn *d)
{
	return d->rfc4514 && d->rfc4514[0] ? d->rfc4514 : "(empty name)";
}

const char *rule_day(time_t t, char buf[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%d", &tm);
	return buf;
}

char *rule_delta_text(int64_t from_ns, int64_t to_ns)
{
	double ms = (double)(to_ns - from_ns) / 1e6;

	if (ms < 0)
		ms = 0;
	if (ms >= 1000.0)
		return xasprintf("%.2f s", ms / 1000.0);
	if (ms >= 10.0)
		return xasprintf("%.0f ms", ms);
	return xasprintf("%.1f ms", ms);
}

const char *rule_ladder_name(const struct ladder_entry *l)
{
	switch (l->kind) {
	case LAD_HANDSHAKE: return hs_type_text(l->type);
	case LAD_CCS: return "ChangeCipherSpec";
	case LAD_ALERT: return "alert";
	case LAD_ENCRYPTED_HS: return "encrypted handshake message";
	case LAD_APP_DATA: return "application data";
	case LAD_GAP: return "gap";
	case LAD_SSLV2_HELLO: return "SSLv2 ClientHello";
	case LAD_HRR: return "HelloRetryRequest";
	}
	return "message";
}

/* Length of the first RDN of an RFC 4514 string (up to the first
 * unescaped comma), or the whole length. */
static size_t first_rdn_len(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		if (s[i] == '\\' && s[i + 1]) {
			i++;
			continue;
		}
		if (s[i] == ',')
			return i;
	}
	return i;
}

/* Names in the server's CertificateRequest that differ from `dn` only in
 * their first (most specific) RDN: the same organisation's other CAs, most
 * likely the root of `dn` (the server lists what it trusts, its own CA
 * among them). "a; b", or NULL. */
char *rule_cr_kin(const struct tls_session *s, const char *dn)
{
	size_t i, k = first_rdn_len(dn);
	struct dbuf out;

	if (!s->cr.present || !dn[k])
		return NULL;
	dbuf_init(&out, DBUF_TEXT_MAX);
	for (i = 0; i < s->cr.n_ca; i++) {
		const char *c = s->cr.ca_names ? s->cr.ca_names[i] : NULL;
		size_t ck;

		if (!c || strcmp(c, dn) == 0)
			continue;
		ck = first_rdn_len(c);
		if (c[ck] && strcasecmp(c + ck, dn + k) == 0)
			dbuf_addf(&out, out.len ? "; %s" : "%s", c);
	}
	if (out.len)
		return dbuf_take(&out);
	dbuf_free(&out);
	return NULL;
}

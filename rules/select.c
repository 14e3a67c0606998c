/*
 * select.c - which sessions a filter picks (rules/select.h): parsing the
 * terms, and matching one session against them.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "capture/xalloc.h"
#include "dissect/proto.h"
#include "rules/select.h"

enum select_field {
	SF_TEXT = 0,
	SF_IP,
	SF_PORT,
	SF_FINDING,
	SF_VERDICT,
	SF_OUTCOME,
	SF_SNI,
	SF_SUBJECT,
	SF_FILE,
};

static const struct {
	const char *name;
	enum select_field field;
} field_names[] = {
	{ "ip", SF_IP },	   { "port", SF_PORT },	      { "finding", SF_FINDING },
	{ "id", SF_FINDING },	   { "verdict", SF_VERDICT }, { "v", SF_VERDICT },
	{ "outcome", SF_OUTCOME }, { "sni", SF_SNI },	      { "subject", SF_SUBJECT },
	{ "file", SF_FILE },
};

/* ASCII case-insensitive: does hay contain needle? ("" is in everything.) */
static int contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (!hay)
		return n == 0;
	for (const char *p = hay;; p++) {
		if (strncasecmp(p, needle, n) == 0)
			return 1;
		if (!*p)
			return 0;
	}
}

static int prefix(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

/* A finding id of the table, or the name of an alert. */
static int known_finding(const char *v)
{
	for (size_t i = 0; i < n_finding_kinds; i++)
		if (strcasecmp(finding_kinds[i].id, v) == 0)
			return 1;
	for (int d = 0; d < 256; d++)
		if (tls_alert_name(d) && strcasecmp(tls_alert_name(d), v) == 0)
			return 1;
	return 0;
}

static int parse_ip(struct select_term *t, const char *v)
{
	char b[64];
	size_t l = strlen(v);

	if (l >= 2 && v[0] == '[' && v[l - 1] == ']') {
		v++;
		l -= 2;
	}
	if (l >= sizeof b)
		return -1;
	memcpy(b, v, l);
	b[l] = 0;
	memset(t->addr, 0, sizeof t->addr);
	if (inet_pton(AF_INET, b, t->addr) == 1) {
		t->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, b, t->addr) == 1) {
		t->family = 6;
		return 0;
	}
	return -1;
}

static int parse_term(struct select_term *t, const char *w, char *err, size_t errlen)
{
	const char *colon = strchr(w, ':');

	t->field = SF_TEXT;
	if (colon && colon > w) {
		size_t kl = (size_t)(colon - w);

		for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++)
			if (strlen(field_names[i].name) == kl &&
			    strncasecmp(field_names[i].name, w, kl) == 0)
				t->field = (int)field_names[i].field;
	}
	t->value = xstrdup(t->field == SF_TEXT ? w : colon + 1);
	switch ((enum select_field)t->field) {
	case SF_IP:
		if (parse_ip(t, t->value) == 0)
			return 0;
		snprintf(err, errlen, "ip: '%s' is not an IPv4 or IPv6 address.", t->value);
		return -1;
	case SF_PORT: {
		char *end;
		unsigned long p = strtoul(t->value, &end, 10);

		if (t->value[0] >= '0' && t->value[0] <= '9' && !*end && p <= 65535) {
			t->port = (unsigned)p;
			return 0;
		}
		snprintf(err, errlen, "port: '%s' is not a port number (0-65535).", t->value);
		return -1;
	}
	case SF_FINDING:
		if (known_finding(t->value))
			return 0;
		snprintf(err, errlen,
			 "finding: no finding or alert is called '%s' (see tlsdiag(1), FINDINGS).",
			 t->value);
		return -1;
	case SF_VERDICT:
		if (t->value[0])
			for (int v = 0; v < VERDICT__COUNT; v++)
				if (prefix(verdict_str((enum verdict)v), t->value))
					return 0;
		snprintf(err, errlen,
			 "verdict: '%s' is none of failed, at_risk, warning, incomplete, ok.",
			 t->value);
		return -1;
	case SF_OUTCOME:
		if (t->value[0])
			for (int o = OUTCOME_COMPLETED; o <= OUTCOME_NOT_SEEN; o++)
				if (prefix(outcome_str((enum outcome)o), t->value))
					return 0;
		snprintf(err, errlen,
			 "outcome: '%s' is none of completed, rejected_by_client, "
			 "rejected_by_server, aborted, not_seen.",
			 t->value);
		return -1;
	case SF_SUBJECT:
	case SF_FILE:
		if (t->value[0])
			return 0;
		snprintf(err, errlen, "%.*s: what to look for is missing.", (int)(colon - w), w);
		return -1;
	case SF_SNI: /* "sni:" alone: no SNI */
	case SF_TEXT: return 0;
	}
	return 0;
}

void select_free(struct session_select *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->t[i].value);
	free(q->t);
	q->t = NULL;
	q->n = 0;
}

int select_parse(struct session_select *q, const char *text, char *err, size_t errlen)
{
	char *copy = xstrdup(text ? text : ""), *save = NULL;

	select_free(q);
	if (errlen)
		err[0] = 0;
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		q->t = xreallocarray(q->t, q->n + 1, sizeof *q->t);
		memset(&q->t[q->n], 0, sizeof q->t[q->n]);
		if (parse_term(&q->t[q->n++], w, err, errlen) < 0) {
			select_free(q);
			free(copy);
			return -1;
		}
	}
	free(copy);
	return 0;
}

static int ep_is(const struct endpoint *e, const struct select_term *t)
{
	return e->family == t->family && memcmp(e->addr, t->addr, t->family == 6 ? 16 : 4) == 0;
}

static int subject_match(const struct tls_session *s, const char *v)
{
	for (int side = 0; side < 2; side++)
		for (size_t i = 0; i < s->chain[side].n; i++) {
			const struct cert_info *c = s->chain[side].certs[i];

			if (!c)
				continue;
			if (c->subject.rfc4514 && contains(c->subject.rfc4514, v))
				return 1;
			for (size_t k = 0; k < c->san_dns.n; k++)
				if (contains(c->san_dns.v[k], v))
					return 1;
		}
	return 0;
}

char *select_text(const struct session_report *r)
{
	const struct tls_session *s = r->s;
	char a[64], b[64];
	struct dbuf d;

	dbuf_init(&d, DBUF_TEXT_MAX);
	if (s) {
		dbuf_addf(&d, "%s %s %s %s ", endpoint_str(&s->client, a, sizeof a),
			  endpoint_str(&s->server, b, sizeof b), s->file ? s->file : "",
			  s->ch.sni ? s->ch.sni : "");
		if (s->version && tls_version_name(s->version))
			dbuf_addf(&d, "%s ", tls_version_name(s->version));
		for (int side = 0; side < 2; side++)
			for (size_t i = 0; i < s->chain[side].n; i++)
				if (s->chain[side].certs[i] &&
				    s->chain[side].certs[i]->subject.rfc4514)
					dbuf_addf(&d, "%s ",
						  s->chain[side].certs[i]->subject.rfc4514);
	}
	dbuf_addf(&d, "%s %s %s %s %s ", r->service ? r->service : "", verdict_str(r->verdict),
		  verdict_label(r->verdict), outcome_str(r->outcome),
		  r->headline ? r->headline : "");
	for (size_t i = 0; i < r->nf; i++)
		dbuf_addf(&d, "%s %s %s ", r->f[i].id, r->f[i].name ? r->f[i].name : "",
			  r->f[i].message ? r->f[i].message : "");
	return dbuf_take(&d);
}

static int term_match(const struct select_term *t, const struct session_report *r, const char *text)
{
	const struct tls_session *s = r->s;

	switch ((enum select_field)t->field) {
	case SF_IP: return ep_is(&s->client, t) || ep_is(&s->server, t);
	case SF_PORT: return s->client.port == t->port || s->server.port == t->port;
	case SF_FINDING:
		for (size_t i = 0; i < r->nf; i++)
			if (strcasecmp(r->f[i].id, t->value) == 0 ||
			    (r->f[i].name && strcasecmp(r->f[i].name, t->value) == 0))
				return 1;
		return 0;
	case SF_VERDICT: return prefix(verdict_str(r->verdict), t->value);
	case SF_OUTCOME: return prefix(outcome_str(r->outcome), t->value);
	case SF_SNI:
		if (!t->value[0])
			return !s->ch.sni || !s->ch.sni[0];
		return s->ch.sni && contains(s->ch.sni, t->value);
	case SF_SUBJECT: return subject_match(s, t->value);
	case SF_FILE: return s->file && contains(s->file, t->value);
	case SF_TEXT: return contains(text, t->value);
	}
	return 0;
}

int select_match(const struct session_select *q, const struct session_report *r, const char *text)
{
	char *own = NULL;
	int ok = 1;

	if (!r || !r->s)
		return 0;
	for (size_t i = 0; i < q->n && ok; i++) {
		if (q->t[i].field == SF_TEXT && !text)
			text = own = select_text(r);
		ok = term_match(&q->t[i], r, text);
	}
	free(own);
	return ok;
}

/*
 * facts.c - the facts every view shows (rules/facts.h).
 */
#include "rules/facts.h"

#include <stdarg.h>
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

	if (!c->parse_ok || c->not_before_bad || c->not_after_bad) {
		v.state = VALIDITY_UNKNOWN;
		v.days = 0;
	} else if (at < c->not_before) {
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

const char *cert_date_text(const struct cert_info *c, int which, time_fmt_fn fmt, char *buf,
			   size_t len)
{
	int bad = which ? c->not_after_bad : c->not_before_bad;

	if (!c->parse_ok || bad) {
		snprintf(buf, len, "(date does not parse)");
		return buf;
	}
	return fmt(which ? c->not_after : c->not_before, buf, len);
}

static void remark(struct cert_remark *out, size_t max, size_t *n, int warn, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void remark(struct cert_remark *out, size_t max, size_t *n, int warn, const char *fmt, ...)
{
	va_list ap;

	if (*n >= max)
		return;
	out[*n].warn = warn;
	va_start(ap, fmt);
	vsnprintf(out[*n].text, sizeof out[*n].text, fmt, ap);
	va_end(ap);
	(*n)++;
}

size_t cert_remarks(const struct cert_info *c, struct cert_remark *out, size_t max)
{
	size_t n = 0, dup = 0, undec = 0;

	if (!c->parse_ok)
		return 0;
	if (c->version == 0)
		remark(out, max, &n, 1,
		       "The version field holds %ld; only v1, v2 and v3 exist (openssl shows the "
		       "number as it is, strict peers refuse the certificate).",
		       c->version_num);
	if (c->not_before_bad || c->not_after_bad)
		remark(out, max, &n, 1,
		       "The %s (openssl: \"Bad time value\"), so whether the certificate "
		       "was valid at the capture is not known.",
		       c->not_before_bad && c->not_after_bad
			       ? "notBefore and notAfter dates do not parse"
		       : c->not_before_bad ? "notBefore date does not parse"
					   : "notAfter date does not parse");
	if (!c->sig_known)
		remark(out, max, &n, 0,
		       "Signature not checked: tlsdiag cannot verify %s signatures.",
		       c->sig_alg ? c->sig_alg : "these");
	if (c->sig_alg_mismatch)
		remark(out, max, &n, 1,
		       "The signature algorithm inside the certificate differs from the one it "
		       "is signed with (RFC 5280 §4.1.1.2; OpenSSL rejects it).");
	if (c->key_bad)
		remark(out, max, &n, 1,
		       "The public key does not decode (openssl: \"Unable to "
		       "load Public Key\").");
	if (c->key_type == KEY_X25519 || c->key_type == KEY_X448)
		remark(out, max, &n, 0,
		       "%s is a key-agreement key: it cannot sign, so this certificate cannot "
		       "authenticate a TLS peer or issue certificates.",
		       c->key_type == KEY_X25519 ? "X25519" : "X448");
	if (c->key_explicit_curve)
		remark(out, max, &n, 1,
		       "The EC key gives its curve parameters explicitly instead of naming the "
		       "curve (RFC 5480 forbids it; many TLS stacks refuse it).");
	if (c->key_params_inherited)
		remark(out, max, &n, 0,
		       "The DSA key has no parameters of its own: they are the issuer's "
		       "(RFC 3279 §2.3.2).");
	if (c->issuer_uid || c->subject_uid)
		remark(out, max, &n, 0,
		       "The certificate carries %s unique ID%s (v2 fields, rarely used).",
		       c->issuer_uid && c->subject_uid ? "issuer and subject"
		       : c->issuer_uid		       ? "an issuer"
						       : "a subject",
		       c->issuer_uid && c->subject_uid ? "s" : "");
	for (size_t i = 0; i < c->n_exts; i++) {
		dup += c->exts[i].duplicate != 0;
		undec += c->exts[i].undecodable != 0;
	}
	if (dup)
		remark(out, max, &n, 1,
		       "%zu extension%s repeat%s an earlier one (RFC 5280 §4.2 forbids it; "
		       "OpenSSL rejects the certificate).",
		       dup, dup == 1 ? "" : "s", dup == 1 ? "s" : "");
	if (undec)
		remark(out, max, &n, 0, "%zu extension%s did not decode: %s fields are partial.",
		       undec, undec == 1 ? "" : "s", undec == 1 ? "its" : "their");
	return n;
}

const char *cert_ext_text(const struct cert_ext *x, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s%s%s", x->name ? x->name : (x->oid ? x->oid : "?"),
		 x->name ? " (" : "", x->name && x->oid ? x->oid : "", x->name ? ")" : "",
		 x->critical ? ", critical" : "",
		 x->critical && !x->handled ? ", not processed by validators" : "",
		 x->duplicate ? ", duplicate" : "",
		 x->undecodable ? ", value does not decode" : "");
	return buf;
}

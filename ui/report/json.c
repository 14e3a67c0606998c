/*
 * json.c - `tlsdiag --json`: NDJSON, one object per TLS session
 * (type "session") in input order, then one object of type "summary".
 * Every field is documented in docs/json.md and constrained by
 * docs/tlsdiag.schema.json; bump JSON_SCHEMA_VERSION on any incompatible
 * change.
 *
 * Strings are the raw UTF-8 values (jansson escapes what JSON needs);
 * bytes that are not valid UTF-8 come out as the four characters \xNN
 * (ui_sanitize_json), since jansson refuses invalid UTF-8.
 * A view only: nothing is judged here.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "rules/facts.h"
#include "ui/text/text.h"
#include "ui/report/report.h"

#define JSON_SCHEMA_VERSION 2

struct jstate {
	FILE *out;
	const struct ui_opts *o;
};

/* ------------------------------------------------------------ values */

static json_t *jstr(const char *s)
{
	char *c;
	json_t *v;
	if (!s)
		return json_null();
	c = ui_sanitize_json(s);
	v = json_string(c);
	free(c);
	return v ? v : json_null();
}

/* NULL or "" as null. */
static json_t *jstr_opt(const char *s)
{
	return s && s[0] ? jstr(s) : json_null();
}

static json_t *jint(long long v)
{
	return json_integer((json_int_t)v);
}

static json_t *jframe(uint64_t f)
{
	return f ? json_integer((json_int_t)f) : json_null();
}

static json_t *jtime_ns(int64_t ns)
{
	char b[48];
	return ns ? json_string(ui_time_us(ns, b, sizeof b)) : json_null();
}

static json_t *jtime_s(time_t t)
{
	char b[48];
	return json_string(ui_time_s(t, b, sizeof b));
}

static json_t *jstrlist(const struct strlist *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, jstr(l->v[i]));
	return a;
}

static void set(json_t *o, const char *k, json_t *v)
{
	json_object_set_new(o, k, v ? v : json_null());
}

static json_t *jendpoint(const struct endpoint *e)
{
	char b[80];
	json_t *o = json_object();
	set(o, "ip", json_string(endpoint_addr_str(e, b, sizeof b)));
	set(o, "port", jint(e->port));
	return o;
}

static json_t *jversion(uint16_t v)
{
	char b[16];
	return v ? json_string(version_text(v, b, sizeof b)) : json_null();
}

/* ------------------------------------------------------------ certificates */

static json_t *jcert(const struct cert_info *c, int index, int status, uint64_t frame)
{
	json_t *o = json_object(), *san, *key;
	const char *ku[9];
	size_t nku;

	if (index >= 0)
		set(o, "index", jint(index));
	set(o, "subject", c->parse_ok ? jstr(c->subject.rfc4514) : json_null());
	set(o, "issuer", c->parse_ok ? jstr(c->issuer.rfc4514) : json_null());
	set(o, "serial", c->parse_ok ? jstr(c->serial_hex) : json_null());
	set(o, "not_before",
	    c->parse_ok && !c->not_before_bad ? jtime_s(c->not_before) : json_null());
	set(o, "not_after", c->parse_ok && !c->not_after_bad ? jtime_s(c->not_after) : json_null());
	san = json_object();
	set(san, "dns", jstrlist(&c->san_dns));
	set(san, "ip", jstrlist(&c->san_ip));
	set(o, "san", san);
	set(o, "eku", jstrlist(&c->eku_names));
	json_t *kua = json_array();
	nku = c->has_key_usage ? ui_key_usage_names(c->key_usage, ku) : 0;
	for (size_t i = 0; i < nku; i++)
		json_array_append_new(kua, json_string(ku[i]));
	set(o, "key_usage", kua);
	key = json_object();
	{
		const char *kt = ui_key_type_str(c->key_type);
		set(key, "type", kt ? json_string(kt) : json_null());
		set(key, "bits", c->key_bits > 0 ? jint(c->key_bits) : json_null());
		set(key, "curve", jstr_opt(c->key_curve));
		set(key, "algorithm", c->parse_ok ? jstr_opt(c->key_alg) : json_null());
	}
	set(o, "key", key);
	set(o, "signature", c->parse_ok ? jstr_opt(c->sig_alg) : json_null());
	set(o, "signature_checked", json_boolean(c->parse_ok && c->sig_known));
	set(o, "version", c->parse_ok && c->version ? jint(c->version) : json_null());
	{
		json_t *xa = json_array(), *ra = json_array();
		struct cert_remark rm[CERT_REMARKS_MAX];
		size_t nrm = cert_remarks(c, rm, CERT_REMARKS_MAX);
		for (size_t i = 0; i < c->n_exts; i++) {
			const struct cert_ext *x = &c->exts[i];
			json_t *xo = json_object();
			set(xo, "oid", jstr_opt(x->oid));
			set(xo, "name", jstr_opt(x->name));
			set(xo, "critical", json_boolean(x->critical));
			set(xo, "handled", json_boolean(x->handled));
			set(xo, "duplicate", json_boolean(x->duplicate));
			set(xo, "decoded", json_boolean(!x->undecodable));
			json_array_append_new(xa, xo);
		}
		for (size_t i = 0; i < nrm; i++)
			json_array_append_new(ra, jstr(rm[i].text));
		set(o, "extensions", xa);
		set(o, "remarks", ra);
	}
	set(o, "is_ca", json_boolean(c->parse_ok && c->is_ca));
	set(o, "self_signed", json_boolean(c->parse_ok && c->self_issued));
	set(o, "sha1", json_string(c->sha1_hex));
	set(o, "sha256", json_string(c->sha256_hex));
	set(o, "frame", jframe(frame));
	set(o, "status",
	    status >= 0 ? json_string(cert_status_str((enum cert_status)status)) : json_null());
	set(o, "parse_error",
	    c->parse_ok ? json_null() : jstr(c->parse_error ? c->parse_error : "unparseable"));
	return o;
}

static json_t *jchain(const struct session_report *r, int side)
{
	const struct tls_chain *ch = &r->s->chain[side];
	const struct chain_view *cv = &r->chain[side];
	json_t *a = json_array();
	if (!ch->present)
		return a;
	for (size_t i = 0; i < ch->n; i++) {
		int st = cv->present && cv->status && i < cv->n ? (int)cv->status[i] : -1;
		json_array_append_new(a, jcert(ch->certs[i], (int)i, st, ch->frame));
	}
	return a;
}

/* How the chain was judged: null when no Certificate message was seen. */
static json_t *jchain_check(const struct session_report *r, int side)
{
	const struct tls_chain *ch = &r->s->chain[side];
	const struct chain_view *cv = &r->chain[side];
	json_t *o, *p, *sp;
	if (!ch->present)
		return json_null();
	o = json_object();
	set(o, "frame", jframe(ch->frame));
	set(o, "complete", json_boolean(ch->complete));
	/* A message the capture holds in part has no known count. */
	set(o, "sent", ch->complete ? jint((long long)ch->n) : json_null());
	set(o, "read", jint((long long)ch->n));
	set(o, "missing_bytes", jint((long long)cv->missing));
	set(o, "more_sent", json_boolean(cv->more_sent));
	{
		struct dbuf t;
		dbuf_init(&t, DBUF_TEXT_MAX);
		for (size_t k = 0; k < cv->n_head; k++)
			dbuf_addstr(&t, cv->head[k].text);
		set(o, "summary", jstr(dbuf_str(&t)));
		dbuf_free(&t);
	}
	if (ch->lost) {
		json_t *l = json_object();
		set(l, "count", jint((long long)ch->lost));
		set(l, "exact", json_boolean(ch->lost_exact));
		set(l, "before_index", jint((long long)ch->lost_at));
		set(l, "from", jint((long long)ch->lost_from));
		set(l, "to",
		    ch->lost_to == UINT32_MAX ? json_null() : jint((long long)ch->lost_to));
		set(o, "lost", l);
	} else {
		set(o, "lost", json_null());
	}
	set(o, "checked", json_boolean(cv->present));
	p = json_array();
	sp = json_array();
	if (cv->present) {
		for (size_t k = 0; k < cv->path_len; k++)
			json_array_append_new(p, jint((long long)cv->path[k]));
		for (size_t k = 0; k < cv->n_store_path; k++) {
			json_t *c = json_object();
			set(c, "subject", jstr(cv->store_path[k]->subject.rfc4514));
			set(c, "sha256", json_string(cv->store_path[k]->sha256_hex));
			json_array_append_new(sp, c);
		}
	}
	set(o, "path", p);
	set(o, "store_completed", sp);
	set(o, "in_order", cv->present ? json_boolean(cv->in_order) : json_null());
	set(o, "root_sent", cv->present ? json_boolean(cv->root_sent) : json_null());
	set(o, "reaches_trust",
	    cv->present && cv->reaches_trust >= 0 ? json_boolean(cv->reaches_trust) : json_null());
	set(o, "ends_at", cv->present ? jstr(cv->ends_at) : json_null());
	set(o, "missing_issuer", cv->present ? jstr(cv->missing_issuer) : json_null());
	set(o, "missing_issuer_url", cv->present ? jstr(cv->missing_issuer_url) : json_null());
	set(o, "trust_store", cv->present ? jstr(cv->trust_store_name) : json_null());
	return o;
}

/* ------------------------------------------------------------ findings */

static json_t *jfinding(const struct finding *f)
{
	json_t *o = json_object();
	set(o, "id", json_string(f->id));
	set(o, "severity", json_string(severity_str(f->sev)));
	set(o, "side",
	    f->side == SIDE_CLIENT || f->side == SIDE_SERVER ? json_string(side_str(f->side))
							     : json_null());
	set(o, "cert", f->cert >= 0 ? jint(f->cert) : json_null());
	set(o, "basis", json_string(basis_str(f->basis)));
	set(o, "message", jstr(f->message ? f->message : ""));
	set(o, "advice", jstr(f->advice ? f->advice : ""));
	set(o, "field", jstr(f->field));
	set(o, "frame", jframe(f->frame));
	return o;
}

static json_t *jfindings(const struct session_report *r)
{
	json_t *a = json_array();
	for (size_t i = 0; i < r->nf; i++)
		json_array_append_new(a, jfinding(&r->f[i]));
	return a;
}

static const char *note_kind_str(enum tls_note_kind k)
{
	switch (k) {
	case NOTE_GAP:
	case NOTE_RECORD_GAP: return "gap";
	case NOTE_MALFORMED:
	case NOTE_BAD_ALERT: return "malformed";
	case NOTE_TRUNCATED: return "truncated";
	case NOTE_LIMIT: return "limit";
	case NOTE_SNAPLEN: return "snaplen";
	case NOTE_MIDSTREAM: return "midstream";
	case NOTE_CERTS_LOST: return "certs_lost";
	}
	return "other";
}

/* ------------------------------------------------------------ session */

/* DTLS over UDP: what only a datagram transport shows; null for TCP. */
static json_t *jdtls(const struct tls_session *s)
{
	const struct dtls_info *d = &s->dtls;
	char pb[16];
	if (s->transport != TRANSPORT_UDP)
		return json_null();
	json_t *o = json_object();
	set(o, "hello_verify", json_boolean(d->hello_verify));
	set(o, "retransmitted_fragments",
	    jint((long long)(d->retransmitted[0] + d->retransmitted[1])));
	set(o, "connection_id", json_boolean(d->cid[0] || d->cid[1]));
	set(o, "srtp_profile", jstr(srtp_profile_text(s->sh.srtp_profile, pb, sizeof pb)));
	set(o, "other_datagrams", jint((long long)(d->other_datagrams[0] + d->other_datagrams[1])));
	return o;
}

static json_t *jsession(const char *file, const struct session_report *r)
{
	const struct tls_session *s = r->s;
	json_t *o = json_object(), *flow, *tls, *a;
	char b[16];

	set(o, "type", json_string("session"));
	set(o, "schema_version", jint(JSON_SCHEMA_VERSION));
	set(o, "file", jstr(file ? file : (s->file ? s->file : "-")));
	set(o, "session", jint((long long)s->id));
	flow = json_object();
	set(flow, "client", jendpoint(&s->client));
	set(flow, "server", jendpoint(&s->server));
	set(o, "flow", flow);
	set(o, "transport", json_string(transport_key(s->transport)));
	set(o, "dtls", jdtls(s));
	set(o, "start", jtime_ns(s->start_ts));
	set(o, "end", jtime_ns(s->end_ts));
	set(o, "first_frame", jframe(s->first_frame));
	set(o, "last_frame", jframe(s->last_frame));
	set(o, "service", jstr(r->service));
	set(o, "starttls", jstr(s->starttls));

	tls = json_object();
	set(tls, "version", jversion(s->version));
	set(tls, "sni", s->ch.present ? jstr(s->ch.sni) : json_null());
	set(tls, "alpn", jstrlist(&s->ch.alpn));
	set(tls, "alpn_selected", jstr(s->sh.alpn));
	if (s->sh.present) {
		const char *cn = tls_cipher_name(s->sh.cipher);
		if (!cn) {
			snprintf(b, sizeof b, "0x%04x", s->sh.cipher);
			cn = b;
		}
		set(tls, "cipher", json_string(cn));
	} else {
		set(tls, "cipher", json_null());
	}
	set(tls, "ja3", s->ch.present ? jstr_opt(s->ch.ja3) : json_null());
	set(tls, "ja4", s->ch.present ? jstr_opt(s->ch.ja4) : json_null());
	set(o, "tls", tls);

	set(o, "tls13_certs_hidden", json_boolean(tls_handshake_hidden(s)));
	set(o, "server_chain", jchain(r, SIDE_SERVER));
	set(o, "client_chain", jchain(r, SIDE_CLIENT));
	set(o, "server_chain_check", jchain_check(r, SIDE_SERVER));
	set(o, "client_chain_check", jchain_check(r, SIDE_CLIENT));
	set(o, "client_cert_requested", json_boolean(s->cr.present));
	a = json_array();
	for (size_t i = 0; i < s->cr.n_ca; i++)
		json_array_append_new(a, jstr(s->cr.ca_names[i]));
	set(o, "acceptable_cas", a);
	set(o, "expected_name", jstr(r->expected_name));
	set(o, "expected_name_source", jstr(r->expected_name_source));

	a = json_array();
	for (size_t i = 0; i < s->n_alerts; i++) {
		const struct tls_alert *al = &s->alerts[i];
		json_t *x = json_object();
		int known = !al->encrypted;
		set(x, "from", json_string(side_str(al->side)));
		set(x, "level",
		    known && al->level == 1   ? json_string("warning")
		    : known && al->level == 2 ? json_string("fatal")
					      : json_null());
		set(x, "description",
		    known && tls_alert_name(al->desc) ? json_string(tls_alert_name(al->desc))
						      : json_null());
		set(x, "code", known && al->desc >= 0 ? jint(al->desc) : json_null());
		set(x, "frame", jframe(al->frame));
		set(x, "time", jtime_ns(al->ts_ns));
		set(x, "encrypted", json_boolean(al->encrypted));
		json_array_append_new(a, x);
	}
	set(o, "alerts", a);

	set(o, "findings", jfindings(r));
	set(o, "verdict", json_string(verdict_str(r->verdict)));
	set(o, "established", json_boolean(r->established));
	set(o, "outcome", json_string(outcome_str(r->outcome)));
	set(o, "outcome_basis", json_string(outcome_basis_str(r->outcome_basis)));
	set(o, "outcome_text", jstr(r->outcome_text ? r->outcome_text : ""));
	set(o, "headline", jstr(r->headline ? r->headline : ""));
	set(o, "judged_at", r->judged_at ? jtime_s(r->judged_at) : json_null());

	a = json_array();
	for (size_t i = 0; i < s->n_notes; i++) {
		const struct tls_note *n = &s->notes[i];
		json_t *x = json_object();
		set(x, "kind", json_string(note_kind_str(n->kind)));
		set(x, "side",
		    n->side == SIDE_CLIENT || n->side == SIDE_SERVER
			    ? json_string(side_str(n->side))
			    : json_null());
		set(x, "in_handshake", json_boolean(n->in_handshake));
		set(x, "frame", jframe(n->frame));
		set(x, "text", jstr(i < r->n_notes ? r->notes[i] : ""));
		json_array_append_new(a, x);
	}
	set(o, "notes", a);
	return o;
}

static void emit(struct jstate *j, json_t *o)
{
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (line) {
		fputs(line, j->out);
		fputc('\n', j->out);
		free(line);
	} else {
		fputs("{\"type\":\"error\",\"message\":\"cannot encode an object\"}\n", j->out);
	}
	json_decref(o);
}

/* ------------------------------------------------------------ sink */

static void j_begin(void *st, const struct ui_opts *o)
{
	(void)st;
	(void)o;
}

static void j_session(void *st, const struct sink_file *file, const struct session_report *r)
{
	struct jstate *j = st;
	if (r->s)
		emit(j, jsession(file->path, r));
}

static void j_file_end(void *st, const struct sink_file *file, const struct file_report *fr)
{
	struct jstate *j = st;
	(void)file;
	(void)fr;
	fflush(j->out);
}

static json_t *jseen(const struct seen_cert *c)
{
	json_t *o = json_object(), *a;
	set(o, "sha256", json_string(c->sha256_hex));
	set(o, "subject", c->parse_ok ? jstr(c->subject) : json_null());
	set(o, "issuer", c->parse_ok ? jstr(c->issuer) : json_null());
	set(o, "serial", c->parse_ok ? jstr(c->serial_hex) : json_null());
	set(o, "not_before", c->parse_ok ? jtime_s(c->not_before) : json_null());
	set(o, "not_after", c->parse_ok ? jtime_s(c->not_after) : json_null());
	set(o, "days_to_expiry", c->parse_ok ? jint(c->days_to_expiry) : json_null());
	a = json_array();
	for (size_t i = 0; i < c->n_files; i++)
		json_array_append_new(a, jstr(c->files[i]));
	set(o, "files", a);
	a = json_array();
	for (size_t i = 0; i < c->n_endpoints; i++)
		json_array_append_new(a, jstr(c->endpoints[i]));
	set(o, "endpoints", a);
	set(o, "sessions", jint((long long)c->sessions));
	set(o, "first_seen", jtime_ns(c->first_seen_ns));
	set(o, "last_seen", jtime_ns(c->last_seen_ns));
	return o;
}

static void j_end(void *st, const struct run_summary *sum)
{
	struct jstate *j = st;
	json_t *o = json_object(), *x, *a, *e;

	set(o, "type", json_string("summary"));
	set(o, "schema_version", jint(JSON_SCHEMA_VERSION));
	set(o, "now", jtime_s(sum->now));
	set(o, "expiring_days", jint(sum->expiring_days));

	x = json_object();
	set(x, "total", jint((long long)sum->files));
	set(x, "ok", jint((long long)sum->files_ok));
	set(x, "partial", jint((long long)sum->files_partial));
	a = json_array();
	for (size_t i = 0; i < sum->n_bad; i++) {
		json_t *b = json_object();
		set(b, "path", jstr(sum->bad[i].path ? sum->bad[i].path : ""));
		set(b, "message", jstr(sum->bad[i].message ? sum->bad[i].message : ""));
		json_array_append_new(a, b);
	}
	set(x, "failed", a);
	set(o, "files", x);

	x = json_object();
	set(x, "total", jint((long long)sum->sessions));
	set(x, "ok", jint((long long)sum->by_verdict[VERDICT_OK]));
	set(x, "warning", jint((long long)sum->by_verdict[VERDICT_WARNING]));
	set(x, "failed", jint((long long)sum->by_verdict[VERDICT_FAILED]));
	set(x, "at_risk", jint((long long)sum->by_verdict[VERDICT_AT_RISK]));
	set(x, "incomplete", jint((long long)sum->by_verdict[VERDICT_INCOMPLETE]));
	set(o, "sessions", x);

	x = json_object();
	for (size_t i = 0; i < sum->n_findings; i++)
		set(x, sum->findings[i].id, jint((long long)sum->findings[i].count));
	set(o, "findings", x);

	a = json_array();
	e = json_array();
	for (size_t i = 0; i < sum->n_certs; i++) {
		const struct seen_cert *c = &sum->certs[i];
		json_array_append_new(a, jseen(c));
		if (c->parse_ok && c->days_to_expiry <= sum->expiring_days)
			json_array_append_new(e, jseen(c));
	}
	set(o, "certificates", a);
	set(o, "expiring", e);
	set(o, "store_findings", jfindings(&sum->store));
	emit(j, o);
	fflush(j->out);
}

static void j_free(void *st)
{
	struct jstate *j = st;
	free(j);
}

static const struct sink_ops json_ops = {
	.name = "json",
	.begin = j_begin,
	.session = j_session,
	.file_end = j_file_end,
	.end = j_end,
	.free = j_free,
};

struct sink sink_json_new(FILE *out, const struct ui_opts *o)
{
	struct jstate *j = xcalloc(1, sizeof *j);
	j->out = out;
	j->o = o;
	return (struct sink){ &json_ops, j };
}

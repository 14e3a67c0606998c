/*
 * json.c - `tlsdiag --json`: NDJSON, one object per TLS session
 * (type "session") in input order, then one object of type "summary".
 * Every field is documented in docs/json.md and constrained by
 * docs/tlsdiag.schema.json; bump JSON_SCHEMA_VERSION on any incompatible
 * change.
 *
 * Written straight into one reused line buffer, never built as a tree:
 * each session is one write of one line. The field list below is the one
 * source of what a line holds: set(o, "key", value) in the order of the
 * output, with value helpers named as jansson's were (json_string,
 * json_boolean, json_null, ...) and objects and arrays opened and closed
 * around their members. The bytes are what jansson's json_dumps
 * (JSON_COMPACT | JSON_PRESERVE_ORDER) wrote for the same fields, so
 * consumers see no change; test_report and test_json_schema read them
 * with jansson and the schema.
 *
 * Strings are the raw UTF-8 values; bytes that are not valid UTF-8 come
 * out as the four characters \xNN (ui_json_quote). What a certificate
 * looks like in JSON depends on the certificate alone (but its index,
 * frame and status): it is rendered once and reused by SHA-256 from a
 * small cache, since the same chains come again and again.
 * A view only: nothing is judged here.
 */
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "rules/facts.h"
#include "ui/text/text.h"
#include "ui/report/report.h"

#define JSON_SCHEMA_VERSION 2
#define JSON_LINE_MAX ((size_t)256 << 20) /* one session's line, at most */
#define CERT_FRAGS 1024			  /* rendered certificates kept */

/* ------------------------------------------------------------ the writer */

/* One line being written: where each open object or array stands. */
struct jw {
	struct dbuf b;
	int depth;
	unsigned char more[64]; /* a member was written at this depth */
	int failed;		/* over the ceiling */
};

/* A certificate's JSON but its index, frame and status. */
struct cert_frag {
	char sha256_hex[65]; /* the key: what the line prints as "sha256" */
	int used;
	char *text; /* "subject": ... "sha256":"..." then, at `tail`,
		       "parse_error":... */
	size_t len, tail;
};

struct jstate {
	FILE *out;
	const struct ui_opts *o;
	struct jw w;
	struct cert_frag frags[CERT_FRAGS]; /* direct mapped by SHA-256 */
};

/* A value, written where set() or item() puts it. */
enum jv_kind { V_NULL, V_BOOL, V_INT, V_STR, V_TIME_US, V_TIME_S };
struct jv {
	enum jv_kind k;
	long long i;
	const char *s; /* V_STR: borrowed until written */
};

static void raw(struct jw *w, const char *s, size_t n)
{
	struct dbuf *b = &w->b;
	if (b->p && n <= b->cap - b->len) { /* the common case: it fits */
		memcpy(b->p + b->len, s, n);
		b->len += n;
		b->p[b->len] = 0;
		return;
	}
	if (dbuf_add(b, s, n) != 0)
		w->failed = 1;
}

#define RAW(w, lit) raw((w), (lit), sizeof(lit) - 1)

/* The comma before a member or item, and its key. */
static void member(struct jw *w, const char *key)
{
	if (w->more[w->depth])
		RAW(w, ",");
	w->more[w->depth] = 1;
	if (!key)
		return;
	/* Keys are our own words: as they are, unless one needs escaping. */
	size_t n = 0;
	while (key[n] && (unsigned char)key[n] >= 0x20 && (unsigned char)key[n] < 0x80 &&
	       key[n] != '"' && key[n] != '\\')
		n++;
	if (key[n] == 0) {
		RAW(w, "\"");
		raw(w, key, n);
		RAW(w, "\":");
	} else {
		if (ui_json_quote(&w->b, key, strlen(key)) != 0)
			w->failed = 1;
		RAW(w, ":");
	}
}

static void quote(struct jw *w, const char *s)
{
	if (ui_json_quote(&w->b, s, strlen(s)) != 0)
		w->failed = 1;
}

static void value(struct jw *w, struct jv v)
{
	char b[48];
	int n;
	switch (v.k) {
	case V_NULL: RAW(w, "null"); break;
	case V_BOOL:
		if (v.i)
			RAW(w, "true");
		else
			RAW(w, "false");
		break;
	case V_INT: { /* digits from the end, as %lld writes them */
		unsigned long long u = v.i < 0 ? 0ULL - (unsigned long long)v.i
					       : (unsigned long long)v.i;
		n = (int)sizeof b;
		do {
			b[--n] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		if (v.i < 0)
			b[--n] = '-';
		raw(w, b + n, sizeof b - (size_t)n);
		break;
	}
	case V_STR: quote(w, v.s); break;
	case V_TIME_US: quote(w, ui_time_us((int64_t)v.i, b, sizeof b)); break;
	case V_TIME_S: quote(w, ui_time_s((time_t)v.i, b, sizeof b)); break;
	}
}

static void set(struct jw *w, const char *key, struct jv v)
{
	member(w, key);
	value(w, v);
}

static void item(struct jw *w, struct jv v)
{
	member(w, NULL);
	value(w, v);
}

static void open_(struct jw *w, const char *key, int array)
{
	member(w, key);
	if (array)
		RAW(w, "[");
	else
		RAW(w, "{");
	if (w->depth + 1 < (int)sizeof w->more)
		w->depth++;
	w->more[w->depth] = 0;
}

static void close_(struct jw *w, int array)
{
	if (w->depth > 0)
		w->depth--;
	if (array)
		RAW(w, "]");
	else
		RAW(w, "}");
}

#define obj_open(w, key) open_((w), (key), 0)
#define obj_close(w) close_((w), 0)
#define arr_open(w, key) open_((w), (key), 1)
#define arr_close(w) close_((w), 1)

/* Start a line: one object. */
static void line_begin(struct jw *w)
{
	dbuf_reset(&w->b);
	w->depth = 0;
	w->more[0] = 0;
	w->failed = 0;
	RAW(w, "{");
	w->depth = 1;
	w->more[1] = 0;
}

static void line_end(struct jstate *j)
{
	struct jw *w = &j->w;
	RAW(w, "}\n");
	if (w->failed) {
		fputs("{\"type\":\"error\",\"message\":\"cannot encode an object\"}\n", j->out);
		return;
	}
	fwrite(w->b.p, 1, w->b.len, j->out);
}

/* ------------------------------------------------------------ values */

static struct jv json_null(void)
{
	return (struct jv){ V_NULL, 0, NULL };
}

static struct jv json_boolean(int b)
{
	return (struct jv){ V_BOOL, b != 0, NULL };
}

static struct jv jint(long long v)
{
	return (struct jv){ V_INT, v, NULL };
}

/* Our own words (static strings, formatted numbers): as they are. */
static struct jv json_string(const char *s)
{
	return s ? (struct jv){ V_STR, 0, s } : json_null();
}

/* A string from the wire or from the rules: the JSON form. */
static struct jv jstr(const char *s)
{
	return json_string(s);
}

/* NULL or "" as null. */
static struct jv jstr_opt(const char *s)
{
	return s && s[0] ? jstr(s) : json_null();
}

static struct jv jframe(uint64_t f)
{
	return f ? jint((long long)f) : json_null();
}

static struct jv jtime_ns(int64_t ns)
{
	return ns ? (struct jv){ V_TIME_US, ns, NULL } : json_null();
}

static struct jv jtime_s(time_t t)
{
	return (struct jv){ V_TIME_S, (long long)t, NULL };
}

static void jstrlist(struct jw *w, const char *key, const struct strlist *l)
{
	arr_open(w, key);
	for (size_t i = 0; i < l->n; i++)
		item(w, jstr(l->v[i]));
	arr_close(w);
}

static void jendpoint(struct jw *w, const char *key, const struct endpoint *e)
{
	char b[80];
	obj_open(w, key);
	set(w, "ip", json_string(endpoint_addr_str(e, b, sizeof b)));
	set(w, "port", jint(e->port));
	obj_close(w);
}

/* ------------------------------------------------------------ certificates */

/* What depends on the certificate alone: from "subject" to "sha256", and
 * "parse_error" after the per-use members. */
static void cert_body(struct jw *w, const struct cert_info *c)
{
	const char *ku[9];
	size_t nku;

	set(w, "subject", c->parse_ok ? jstr(c->subject.rfc4514) : json_null());
	set(w, "issuer", c->parse_ok ? jstr(c->issuer.rfc4514) : json_null());
	set(w, "serial", c->parse_ok ? jstr(c->serial_hex) : json_null());
	set(w, "not_before",
	    c->parse_ok && !c->not_before_bad ? jtime_s(c->not_before) : json_null());
	set(w, "not_after", c->parse_ok && !c->not_after_bad ? jtime_s(c->not_after) : json_null());
	obj_open(w, "san");
	jstrlist(w, "dns", &c->san_dns);
	jstrlist(w, "ip", &c->san_ip);
	obj_close(w);
	jstrlist(w, "eku", &c->eku_names);
	arr_open(w, "key_usage");
	nku = c->has_key_usage ? ui_key_usage_names(c->key_usage, ku) : 0;
	for (size_t i = 0; i < nku; i++)
		item(w, json_string(ku[i]));
	arr_close(w);
	obj_open(w, "key");
	{
		const char *kt = ui_key_type_str(c->key_type);
		set(w, "type", kt ? json_string(kt) : json_null());
		set(w, "bits", c->key_bits > 0 ? jint(c->key_bits) : json_null());
		set(w, "curve", jstr_opt(c->key_curve));
		set(w, "algorithm", c->parse_ok ? jstr_opt(c->key_alg) : json_null());
	}
	obj_close(w);
	set(w, "signature", c->parse_ok ? jstr_opt(c->sig_alg) : json_null());
	set(w, "signature_checked", json_boolean(c->parse_ok && c->sig_known));
	set(w, "version", c->parse_ok && c->version ? jint(c->version) : json_null());
	arr_open(w, "extensions");
	for (size_t i = 0; i < c->n_exts; i++) {
		const struct cert_ext *x = &c->exts[i];
		obj_open(w, NULL);
		set(w, "oid", jstr_opt(x->oid));
		set(w, "name", jstr_opt(x->name));
		set(w, "critical", json_boolean(x->critical));
		set(w, "handled", json_boolean(x->handled));
		set(w, "duplicate", json_boolean(x->duplicate));
		set(w, "decoded", json_boolean(!x->undecodable));
		obj_close(w);
	}
	arr_close(w);
	{
		struct cert_remark rm[CERT_REMARKS_MAX];
		size_t nrm = cert_remarks(c, rm, CERT_REMARKS_MAX);
		arr_open(w, "remarks");
		for (size_t i = 0; i < nrm; i++)
			item(w, jstr(rm[i].text));
		arr_close(w);
	}
	set(w, "is_ca", json_boolean(c->parse_ok && c->is_ca));
	set(w, "self_signed", json_boolean(c->parse_ok && c->self_issued));
	set(w, "sha1", json_string(c->sha1_hex));
	set(w, "sha256", json_string(c->sha256_hex));
}

static void cert_tail(struct jw *w, const struct cert_info *c)
{
	set(w, "parse_error",
	    c->parse_ok ? json_null() : jstr(c->parse_error ? c->parse_error : "unparseable"));
}

/* The certificate's fragment, rendered on first need. */
static const struct cert_frag *cert_frag(struct jstate *j, const struct cert_info *c)
{
	/* Keyed by the printed fingerprint, not the binary one: a hand-made
	 * cert_info (tests, tools) may fill only the text. */
	size_t slot = 0;
	for (size_t i = 0; i < 8 && c->sha256_hex[i]; i++)
		slot = slot * 31 + (unsigned char)c->sha256_hex[i];
	slot %= CERT_FRAGS;
	struct cert_frag *f = &j->frags[slot];
	if (f->used && strcmp(f->sha256_hex, c->sha256_hex) == 0)
		return f;
	struct jw w;
	memset(&w, 0, sizeof w);
	dbuf_init(&w.b, JSON_LINE_MAX);
	w.more[0] = 1; /* every member of it follows "index" */
	cert_body(&w, c);
	size_t tail = w.b.len;
	cert_tail(&w, c);
	if (w.failed) {
		dbuf_free(&w.b);
		return NULL;
	}
	free(f->text);
	f->len = w.b.len;
	f->tail = tail;
	f->text = dbuf_take(&w.b);
	memcpy(f->sha256_hex, c->sha256_hex, sizeof f->sha256_hex);
	f->used = c->sha256_hex[0] != 0; /* no fingerprint: never found again */
	return f;
}

static void jcert(struct jstate *j, const struct cert_info *c, int index, int status,
		  uint64_t frame)
{
	struct jw *w = &j->w;
	const struct cert_frag *f = cert_frag(j, c);
	obj_open(w, NULL);
	if (index >= 0)
		set(w, "index", jint(index));
	if (f) {
		if (index < 0 && f->len)
			raw(w, f->text + 1, f->tail - 1); /* no comma before the first */
		else
			raw(w, f->text, f->tail);
		w->more[w->depth] = 1;
	} else {
		cert_body(w, c);
	}
	set(w, "frame", jframe(frame));
	set(w, "status",
	    status >= 0 ? json_string(cert_status_str((enum cert_status)status)) : json_null());
	if (f)
		raw(w, f->text + f->tail, f->len - f->tail);
	else
		cert_tail(w, c);
	obj_close(w);
}

static void jchain(struct jstate *j, const char *key, const struct session_report *r, int side)
{
	const struct tls_chain *ch = &r->s->chain[side];
	const struct chain_view *cv = &r->chain[side];
	arr_open(&j->w, key);
	for (size_t i = 0; ch->present && i < ch->n; i++) {
		int st = cv->present && cv->status && i < cv->n ? (int)cv->status[i] : -1;
		jcert(j, ch->certs[i], (int)i, st, ch->frame);
	}
	arr_close(&j->w);
}

/* How the chain was judged: null when no Certificate message was seen. */
static void jchain_check(struct jw *o, const char *key, const struct session_report *r, int side)
{
	const struct tls_chain *ch = &r->s->chain[side];
	const struct chain_view *cv = &r->chain[side];
	if (!ch->present) {
		set(o, key, json_null());
		return;
	}
	obj_open(o, key);
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
		obj_open(o, "lost");
		set(o, "count", jint((long long)ch->lost));
		set(o, "exact", json_boolean(ch->lost_exact));
		set(o, "before_index", jint((long long)ch->lost_at));
		set(o, "from", jint((long long)ch->lost_from));
		set(o, "to",
		    ch->lost_to == UINT32_MAX ? json_null() : jint((long long)ch->lost_to));
		obj_close(o);
	} else {
		set(o, "lost", json_null());
	}
	set(o, "checked", json_boolean(cv->present));
	arr_open(o, "path");
	for (size_t k = 0; cv->present && k < cv->path_len; k++)
		item(o, jint((long long)cv->path[k]));
	arr_close(o);
	arr_open(o, "store_completed");
	for (size_t k = 0; cv->present && k < cv->n_store_path; k++) {
		obj_open(o, NULL);
		set(o, "subject", jstr(cv->store_path[k]->subject.rfc4514));
		set(o, "sha256", json_string(cv->store_path[k]->sha256_hex));
		obj_close(o);
	}
	arr_close(o);
	set(o, "in_order", cv->present ? json_boolean(cv->in_order) : json_null());
	set(o, "root_sent", cv->present ? json_boolean(cv->root_sent) : json_null());
	set(o, "reaches_trust",
	    cv->present && cv->reaches_trust >= 0 ? json_boolean(cv->reaches_trust) : json_null());
	set(o, "ends_at", cv->present ? jstr(cv->ends_at) : json_null());
	set(o, "missing_issuer", cv->present ? jstr(cv->missing_issuer) : json_null());
	set(o, "missing_issuer_url", cv->present ? jstr(cv->missing_issuer_url) : json_null());
	set(o, "trust_store", cv->present ? jstr(cv->trust_store_name) : json_null());
	obj_close(o);
}

/* ------------------------------------------------------------ findings */

static void jfinding(struct jw *o, const struct finding *f)
{
	obj_open(o, NULL);
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
	obj_close(o);
}

static void jfindings(struct jw *o, const char *key, const struct session_report *r)
{
	arr_open(o, key);
	for (size_t i = 0; i < r->nf; i++)
		jfinding(o, &r->f[i]);
	arr_close(o);
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
static void jdtls(struct jw *o, const char *key, const struct tls_session *s)
{
	const struct dtls_info *d = &s->dtls;
	char pb[16];
	if (s->transport != TRANSPORT_UDP) {
		set(o, key, json_null());
		return;
	}
	obj_open(o, key);
	set(o, "hello_verify", json_boolean(d->hello_verify));
	set(o, "retransmitted_fragments",
	    jint((long long)(d->retransmitted[0] + d->retransmitted[1])));
	set(o, "connection_id", json_boolean(d->cid[0] || d->cid[1]));
	set(o, "srtp_profile", jstr(srtp_profile_text(s->sh.srtp_profile, pb, sizeof pb)));
	set(o, "other_datagrams", jint((long long)(d->other_datagrams[0] + d->other_datagrams[1])));
	obj_close(o);
}

static void jsession(struct jstate *j, const char *file, const struct session_report *r)
{
	const struct tls_session *s = r->s;
	struct jw *o = &j->w;
	char b[16];

	line_begin(o);
	set(o, "type", json_string("session"));
	set(o, "schema_version", jint(JSON_SCHEMA_VERSION));
	set(o, "timestamp", jtime_ns(s->start_ts));
	set(o, "file", jstr(file ? file : (s->file ? s->file : "-")));
	set(o, "session", jint((long long)s->id));
	obj_open(o, "flow");
	jendpoint(o, "client", &s->client);
	jendpoint(o, "server", &s->server);
	obj_close(o);
	set(o, "community_id", jstr_opt(r->ids.community_id));
	set(o, "transport", json_string(transport_key(s->transport)));
	jdtls(o, "dtls", s);
	set(o, "start", jtime_ns(s->start_ts));
	set(o, "end", jtime_ns(s->end_ts));
	set(o, "first_frame", jframe(s->first_frame));
	set(o, "last_frame", jframe(s->last_frame));
	set(o, "service", jstr(r->service));
	set(o, "starttls", jstr(s->starttls));

	obj_open(o, "tls");
	{
		char vb[16];
		set(o, "version",
		    s->version ? json_string(version_text(s->version, vb, sizeof vb))
			       : json_null());
	}
	set(o, "sni", s->ch.present ? jstr(s->ch.sni) : json_null());
	jstrlist(o, "alpn", &s->ch.alpn);
	set(o, "alpn_selected", jstr(s->sh.alpn));
	if (s->sh.present) {
		const char *cn = tls_cipher_name(s->sh.cipher);
		if (!cn) {
			snprintf(b, sizeof b, "0x%04x", s->sh.cipher);
			cn = b;
		}
		set(o, "cipher", json_string(cn));
	} else {
		set(o, "cipher", json_null());
	}
	set(o, "ja3", s->ch.present ? jstr_opt(s->ch.ja3) : json_null());
	set(o, "ja4", s->ch.present ? jstr_opt(s->ch.ja4) : json_null());
	set(o, "ja3s", jstr_opt(r->ids.ja3s));
	set(o, "ja3s_full", jstr_opt(r->ids.ja3s_full));
	set(o, "ja4s", jstr_opt(r->ids.ja4s));
	obj_close(o);

	set(o, "tls13_certs_hidden", json_boolean(tls_handshake_hidden(s)));
	jchain(j, "server_chain", r, SIDE_SERVER);
	jchain(j, "client_chain", r, SIDE_CLIENT);
	jchain_check(o, "server_chain_check", r, SIDE_SERVER);
	jchain_check(o, "client_chain_check", r, SIDE_CLIENT);
	set(o, "client_cert_requested", json_boolean(s->cr.present));
	arr_open(o, "acceptable_cas");
	for (size_t i = 0; i < s->cr.n_ca; i++)
		item(o, jstr(s->cr.ca_names[i]));
	arr_close(o);
	set(o, "expected_name", jstr(r->expected_name));
	set(o, "expected_name_source", jstr(r->expected_name_source));

	arr_open(o, "alerts");
	for (size_t i = 0; i < s->n_alerts; i++) {
		const struct tls_alert *al = &s->alerts[i];
		int known = !al->encrypted;
		obj_open(o, NULL);
		set(o, "from", json_string(side_str(al->side)));
		set(o, "level",
		    known && al->level == 1   ? json_string("warning")
		    : known && al->level == 2 ? json_string("fatal")
					      : json_null());
		set(o, "description",
		    known && tls_alert_name(al->desc) ? json_string(tls_alert_name(al->desc))
						      : json_null());
		set(o, "code", known && al->desc >= 0 ? jint(al->desc) : json_null());
		set(o, "frame", jframe(al->frame));
		set(o, "time", jtime_ns(al->ts_ns));
		set(o, "encrypted", json_boolean(al->encrypted));
		obj_close(o);
	}
	arr_close(o);

	jfindings(o, "findings", r);
	set(o, "verdict", json_string(verdict_str(r->verdict)));
	set(o, "established", json_boolean(r->established));
	set(o, "outcome", json_string(outcome_str(r->outcome)));
	set(o, "outcome_basis", json_string(outcome_basis_str(r->outcome_basis)));
	set(o, "outcome_text", jstr(r->outcome_text ? r->outcome_text : ""));
	set(o, "decryption", json_string(r->decryption ? r->decryption : "none"));
	set(o, "headline", jstr(r->headline ? r->headline : ""));
	set(o, "judged_at", r->judged_at ? jtime_s(r->judged_at) : json_null());

	arr_open(o, "notes");
	for (size_t i = 0; i < s->n_notes; i++) {
		const struct tls_note *n = &s->notes[i];
		obj_open(o, NULL);
		set(o, "kind", json_string(note_kind_str(n->kind)));
		set(o, "side",
		    n->side == SIDE_CLIENT || n->side == SIDE_SERVER
			    ? json_string(side_str(n->side))
			    : json_null());
		set(o, "in_handshake", json_boolean(n->in_handshake));
		set(o, "frame", jframe(n->frame));
		set(o, "text", jstr(i < r->n_notes ? r->notes[i] : ""));
		obj_close(o);
	}
	arr_close(o);
	line_end(j);
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
		jsession(j, file->path, r);
}

static void j_file_end(void *st, const struct sink_file *file, const struct file_report *fr)
{
	struct jstate *j = st;
	(void)file;
	(void)fr;
	fflush(j->out);
}

static void jseen(struct jw *o, const struct seen_cert *c)
{
	obj_open(o, NULL);
	set(o, "sha256", json_string(c->sha256_hex));
	set(o, "subject", c->parse_ok ? jstr(c->subject) : json_null());
	set(o, "issuer", c->parse_ok ? jstr(c->issuer) : json_null());
	set(o, "serial", c->parse_ok ? jstr(c->serial_hex) : json_null());
	set(o, "not_before", c->parse_ok ? jtime_s(c->not_before) : json_null());
	set(o, "not_after", c->parse_ok && !c->not_after_bad ? jtime_s(c->not_after) : json_null());
	set(o, "days_to_expiry",
	    c->parse_ok && !c->not_after_bad ? jint(c->days_to_expiry) : json_null());
	arr_open(o, "files");
	for (size_t i = 0; i < c->n_files; i++)
		item(o, jstr(c->files[i]));
	arr_close(o);
	arr_open(o, "endpoints");
	for (size_t i = 0; i < c->n_endpoints; i++)
		item(o, jstr(c->endpoints[i]));
	arr_close(o);
	set(o, "endpoints_unlisted", jint((long long)c->endpoints_unlisted));
	set(o, "sessions", jint((long long)c->sessions));
	set(o, "first_seen", jtime_ns(c->first_seen_ns));
	set(o, "last_seen", jtime_ns(c->last_seen_ns));
	obj_close(o);
}

static void j_end(void *st, const struct run_summary *sum)
{
	struct jstate *j = st;
	struct jw *o = &j->w;

	line_begin(o);
	set(o, "type", json_string("summary"));
	set(o, "schema_version", jint(JSON_SCHEMA_VERSION));
	set(o, "timestamp", jtime_ns((int64_t)sum->now * 1000000000));
	set(o, "now", jtime_s(sum->now));
	set(o, "expiring_days", jint(sum->expiring_days));

	obj_open(o, "files");
	set(o, "total", jint((long long)sum->files));
	set(o, "ok", jint((long long)sum->files_ok));
	set(o, "partial", jint((long long)sum->files_partial));
	arr_open(o, "failed");
	for (size_t i = 0; i < sum->n_bad; i++) {
		obj_open(o, NULL);
		set(o, "path", jstr(sum->bad[i].path ? sum->bad[i].path : ""));
		set(o, "message", jstr(sum->bad[i].message ? sum->bad[i].message : ""));
		obj_close(o);
	}
	arr_close(o);
	obj_close(o);

	obj_open(o, "sessions");
	set(o, "total", jint((long long)sum->sessions));
	set(o, "ok", jint((long long)sum->by_verdict[VERDICT_OK]));
	set(o, "warning", jint((long long)sum->by_verdict[VERDICT_WARNING]));
	set(o, "failed", jint((long long)sum->by_verdict[VERDICT_FAILED]));
	set(o, "at_risk", jint((long long)sum->by_verdict[VERDICT_AT_RISK]));
	set(o, "incomplete", jint((long long)sum->by_verdict[VERDICT_INCOMPLETE]));
	obj_close(o);

	obj_open(o, "findings");
	for (size_t i = 0; i < sum->n_findings; i++)
		set(o, sum->findings[i].id, jint((long long)sum->findings[i].count));
	obj_close(o);

	arr_open(o, "certificates");
	for (size_t i = 0; i < sum->n_certs; i++)
		jseen(o, &sum->certs[i]);
	arr_close(o);
	set(o, "certificates_limit", jint((long long)sum->max_certs));
	set(o, "certificates_unlisted", jint((long long)sum->certs_unlisted));
	arr_open(o, "expiring");
	for (size_t i = 0; i < sum->n_certs; i++) {
		const struct seen_cert *c = &sum->certs[i];
		if (c->parse_ok && c->days_to_expiry <= sum->expiring_days)
			jseen(o, c);
	}
	arr_close(o);
	jfindings(o, "store_findings", &sum->store);
	line_end(j);
	fflush(j->out);
}

static void j_free(void *st)
{
	struct jstate *j = st;
	if (!j)
		return;
	for (size_t i = 0; i < CERT_FRAGS; i++)
		free(j->frags[i].text);
	dbuf_free(&j->w.b);
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
	dbuf_init(&j->w.b, JSON_LINE_MAX);
	return (struct sink){ &json_ops, j };
}

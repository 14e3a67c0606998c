/*
 * plain.c - the plain-text report (`tlsdiag --report`, and what a
 * pipe gets by default): one block per TLS session as it comes, each
 * file's totals at its end, then a run summary.
 *
 *   == capture.pcap ==
 *
 *   Session 1: 10.48.80.47:51234 -> 10.48.36.101:7001 (Expressway traversal zone)
 *     Verdict:  FAILED
 *     Why:      <the headline: who rejected whom and why>
 *     ...
 *     Server chain (frame 11): 2 certificates sent, root not sent
 *       [0] CN=expe.example.com          leaf at top,
 *           status: linked
 *       └─ [1] CN=learningext-ISSUING-CA  each issuer one step in
 *
 *   End of capture.pcap: pcap, 24 packets, 1 TLS session.
 *   (what the capture hides: snaplen cuts, evictions, ...)
 *
 * Sessions are written as the sinks get them (ui/sink.h), so a file's
 * header knows only its name: the counts come with its end.
 *
 * A view only: every sentence comes from the model (session, chain view,
 * findings, summary); nothing is judged here. Every string that came from
 * the wire or the file system goes through ui_sanitize() first, the rules'
 * sentences too (they quote DNs and SNIs).
 */
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/xalloc.h"
#include "rules/facts.h"
#include "ui/text/text.h"
#include "ui/report/report.h"

#define WRAP_WIDTH 100

struct tstate {
	FILE *out;   /* where the report goes */
	int in_file; /* the current file's header was printed */
	const struct ui_opts *o;
	int utf8, color, verbose;
	uint64_t files;
	/* Sanitised strings of the block being printed, freed after it. */
	char **arena;
	size_t n_arena, cap_arena;
};

/* ------------------------------------------------------------ helpers */

static const char *S(struct tstate *t, const char *s)
{
	char *c;
	if (!s)
		return "";
	c = ui_sanitize(s);
	VEC_PUSH(t->arena, t->n_arena, t->cap_arena, c);
	return c;
}

static void arena_reset(struct tstate *t)
{
	for (size_t i = 0; i < t->n_arena; i++)
		free(t->arena[i]);
	t->n_arena = 0;
}

enum { C_OFF, C_BOLD, C_DIM, C_RED, C_YELLOW, C_GREEN, C_CYAN };
static const char *C(const struct tstate *t, int c)
{
	static const char *const codes[] = { "\033[0m",	 "\033[1m",  "\033[2m", "\033[1;31m",
					     "\033[33m", "\033[32m", "\033[36m" };
	return t->color ? codes[c] : "";
}

static int tone_color(enum tone t)
{
	switch (t) {
	case TONE_GOOD: return C_GREEN;
	case TONE_WARN: return C_YELLOW;
	case TONE_BAD: return C_RED;
	case TONE_DIM: return C_DIM;
	case TONE_PLAIN: break;
	}
	return C_OFF;
}

static int sev_color(enum severity s)
{
	return s == SEV_ERROR ? C_RED : s == SEV_WARNING ? C_YELLOW : C_CYAN;
}

static int verdict_color(enum verdict v)
{
	switch (v) {
	case VERDICT_OK: return C_GREEN;
	case VERDICT_WARNING: return C_YELLOW;
	case VERDICT_FAILED:
	case VERDICT_AT_RISK: return C_RED;
	default: return C_DIM;
	}
}

/* "TLS 1.2"; a number without a name reads "version 0x7f1c". */
static const char *version_label(uint16_t v, char *buf, size_t len)
{
	char hex[16];
	if (v == 0)
		return "version unknown";
	if (tls_version_name(v))
		return tls_version_name(v);
	snprintf(buf, len, "version %s", version_text(v, hex, sizeof hex));
	return buf;
}

static const char *cipher_name(uint16_t cs, char *buf, size_t len)
{
	const char *n = tls_cipher_name(cs);
	if (n)
		return n;
	snprintf(buf, len, "0x%04x", cs);
	return buf;
}

/* "RSA 2048", "EC 256 (prime256v1)", "Ed25519". */
static const char *key_desc(struct tstate *t, const struct cert_info *c, char *buf, size_t len)
{
	const char *kt = ui_key_type_str(c->key_type);
	if (!kt)
		return "key type unknown";
	if (c->key_type == KEY_ED25519 || c->key_type == KEY_ED448)
		snprintf(buf, len, "%s", kt);
	else if (c->key_curve)
		snprintf(buf, len, "%s %d (%s)", kt, c->key_bits, S(t, c->key_curve));
	else
		snprintf(buf, len, "%s %d", kt, c->key_bits);
	return buf;
}

static void strlist_line(struct tstate *t, const char *prefix, const struct strlist *l,
			 size_t indent, size_t *first)
{
	for (size_t i = 0; i < l->n; i++) {
		if (*first)
			fputs(", ", t->out);
		fprintf(t->out, "%s%s", prefix, S(t, l->v[i]));
		(*first)++;
	}
	(void)indent;
}

/* ------------------------------------------------------------ certificates */

static void cert_details(struct tstate *t, const struct cert_info *c, int status, size_t ind,
			 time_t judged)
{
	FILE *f = t->out;
	char kb[96], nb[32], na[32];

	if (!c->parse_ok) {
		fprintf(f, "%*s%scannot be decoded: %s%s\n", (int)ind, "", C(t, C_RED),
			S(t, c->parse_error ? c->parse_error : "unknown reason"), C(t, C_OFF));
		fprintf(f, "%*ssha256 %s\n", (int)ind, "", c->sha256_hex);
		if (status >= 0)
			fprintf(f, "%*sstatus: %s\n", (int)ind, "",
				cert_status_str((enum cert_status)status));
		return;
	}
	fprintf(f, "%*sissuer %s\n", (int)ind, "", S(t, c->issuer.rfc4514));
	fprintf(f, "%*skey %s, signed %s%s%s", (int)ind, "", key_desc(t, c, kb, sizeof kb),
		c->sig_sha1 ? C(t, C_YELLOW) : "", S(t, c->sig_alg ? c->sig_alg : "unknown"),
		c->sig_sha1 ? C(t, C_OFF) : "");
	if (c->is_ca)
		fputs(", CA", f);
	if (c->self_issued)
		fputs(", self-signed", f);
	fputc('\n', f);
	fprintf(f, "%*svalid %s to %s", (int)ind, "",
		cert_date_text(c, 0, ui_when_s, nb, sizeof nb),
		cert_date_text(c, 1, ui_when_s, na, sizeof na));
	if (judged) {
		struct cert_validity v = cert_validity(c, judged);
		if (v.state == VALIDITY_UNKNOWN)
			fprintf(f, " %s(validity at the capture not known)%s", C(t, C_YELLOW),
				C(t, C_OFF));
		else if (v.state == NOT_YET_VALID)
			fprintf(f, " %s(not yet valid at the capture: starts in %ld days)%s",
				C(t, C_RED), v.days, C(t, C_OFF));
		else if (v.state == EXPIRED)
			fprintf(f, " %s(expired %ld days before the capture)%s", C(t, C_RED),
				v.days, C(t, C_OFF));
		else
			fprintf(f, " (%ld days left at the capture)", v.days);
	}
	fputc('\n', f);
	if (c->has_san) {
		size_t k = 0;
		fprintf(f, "%*sSAN ", (int)ind, "");
		strlist_line(t, "DNS:", &c->san_dns, ind, &k);
		strlist_line(t, "IP:", &c->san_ip, ind, &k);
		strlist_line(t, "email:", &c->san_email, ind, &k);
		strlist_line(t, "URI:", &c->san_uri, ind, &k);
		if (!k)
			fputs("(empty)", f);
		fputc('\n', f);
	}
	if (c->has_eku || c->has_key_usage) {
		fprintf(f, "%*s", (int)ind, "");
		if (c->has_eku) {
			size_t k = 0;
			fputs("EKU ", f);
			strlist_line(t, "", &c->eku_names, ind, &k);
			if (!k)
				fputs("(empty)", f);
		}
		if (c->has_key_usage) {
			const char *names[9];
			size_t n = ui_key_usage_names(c->key_usage, names);
			fprintf(f, "%skey usage ", c->has_eku ? "; " : "");
			for (size_t i = 0; i < n; i++)
				fprintf(f, "%s%s", i ? ", " : "", names[i]);
			if (!n)
				fputs("(none)", f);
		}
		fputc('\n', f);
	}
	{
		struct cert_remark rm[CERT_REMARKS_MAX];
		size_t n = cert_remarks(c, rm, CERT_REMARKS_MAX);
		for (size_t i = 0; i < n; i++) {
			fprintf(f, "%*s%s", (int)ind, "", rm[i].warn ? C(t, C_YELLOW) : "");
			text_wrap(f, S(t, rm[i].text), ind, ind, WRAP_WIDTH);
			fputs(rm[i].warn ? C(t, C_OFF) : "", f);
		}
	}
	if (t->verbose > 0) {
		char xb[512];
		for (size_t i = 0; i < c->n_exts; i++)
			fprintf(f, "%*sextension %s\n", (int)ind, "",
				S(t, cert_ext_text(&c->exts[i], xb, sizeof xb)));
		fprintf(f, "%*sserial %s\n", (int)ind, "", S(t, c->serial_hex));
		fprintf(f, "%*ssha256 %s\n", (int)ind, "", c->sha256_hex);
		fprintf(f, "%*ssha1   %s\n", (int)ind, "", c->sha1_hex);
	}
	if (status >= 0) {
		enum cert_status cs = (enum cert_status)status;
		fprintf(f, "%*sstatus: %s%s%s\n", (int)ind, "",
			C(t, tone_color(cert_status_tone(cs))), cert_status_str(cs), C(t, C_OFF));
	}
}

/* One node of the chain tree at depth d; returns the detail indent. */
static size_t tree_node(struct tstate *t, size_t d, const char *label, const char *subject)
{
	size_t base = 4 + 3 * (d ? d - 1 : 0);
	if (d == 0)
		fprintf(t->out, "%*s%s %s%s%s\n", 4, "", label, C(t, C_BOLD), subject, C(t, C_OFF));
	else
		fprintf(t->out, "%*s%s %s %s%s%s\n", (int)base, "", t->utf8 ? "\u2514\u2500" : "`-",
			label, C(t, C_BOLD), subject, C(t, C_OFF));
	return (d == 0 ? 4 : base + 3) + 4;
}

static const char *subject_of(struct tstate *t, const struct cert_info *c)
{
	if (!c->parse_ok)
		return "(unparseable certificate)";
	if (!c->subject.rfc4514 || !c->subject.rfc4514[0])
		return "(empty subject)";
	return S(t, c->subject.rfc4514);
}

static void chain_block(struct tstate *t, const struct session_report *r, int side)
{
	const struct tls_session *s = r->s;
	const struct tls_chain *ch = &s->chain[side];
	const struct chain_view *cv = &r->chain[side];
	FILE *f = t->out;
	const char *who = side == SIDE_SERVER ? "Server" : "Client";
	time_t judged = report_judged_at(r);
	size_t k;

	if (!ch->present) {
		if (side == SIDE_SERVER || s->cr.present)
			fprintf(f, "  %s chain: %s\n", who,
				tls_handshake_hidden(s) ? "not visible (TLS 1.3)"
							: "not seen in the capture");
		return;
	}
	/* The rules' words for the chain as a whole. */
	fprintf(f, "  %s chain (frame %llu): ", who, (unsigned long long)ch->frame);
	for (k = 0; k < cv->n_head; k++)
		fprintf(f, "%s%s%s", C(t, tone_color(cv->head[k].tone)), S(t, cv->head[k].text),
			C(t, C_OFF));
	fputc('\n', f);

	/* The rows the rules laid out: the path as a tree from the leaf, then
	 * what was sent off it. */
	for (k = 0; k < cv->n_rows; k++) {
		const struct chain_row *w = &cv->rows[k];
		char label[48];
		size_t ind, base;
		switch (w->kind) {
		case ROW_SENT:
			snprintf(label, sizeof label, "[%d]", w->index);
			ind = tree_node(t, w->depth, label, subject_of(t, w->cert));
			cert_details(t, w->cert, w->status, ind, judged);
			break;
		case ROW_STORE:
			ind = tree_node(t, w->depth, "[from trust store]", subject_of(t, w->cert));
			cert_details(t, w->cert, -1, ind, judged);
			break;
		case ROW_MISSING:
			base = 4 + 3 * (w->depth ? w->depth - 1 : 0);
			fprintf(f, "%*s%s %s[%s]%s %s: %s\n", (int)base, "",
				t->utf8 ? "\u2514\u2500" : "`-", C(t, tone_color(w->tone)),
				w->tag ? w->tag : "missing", C(t, C_OFF), S(t, w->name),
				w->note ? w->note : "");
			if (w->url)
				fprintf(f, "%*s   issuer published at %s\n", (int)base, "",
					S(t, w->url));
			break;
		case ROW_EXTRA:
			snprintf(label, sizeof label, "[%d] (not on the path)", w->index);
			fprintf(f, "    %s %s%s%s\n", label, C(t, C_BOLD), subject_of(t, w->cert),
				C(t, C_OFF));
			cert_details(t, w->cert, w->status, 8, judged);
			break;
		case ROW_DUPLICATE:
			/* the same certificate again: its details are [dup_of]'s */
			snprintf(label, sizeof label, "[%d] (duplicate of [%d])", w->index,
				 w->dup_of);
			fprintf(f, "    %s %s%s%s\n", label, C(t, C_BOLD), subject_of(t, w->cert),
				C(t, C_OFF));
			break;
		}
	}
}

/* ------------------------------------------------------------ one session */

static void session_block(struct tstate *t, const struct session_report *r)
{
	const struct tls_session *s = r->s;
	FILE *f = t->out;
	char cb[80], sb[80], tb[48], vb[32], xb[32];

	fprintf(f, "%sSession %llu%s: %s -> %s", C(t, C_BOLD), (unsigned long long)s->id,
		C(t, C_OFF), endpoint_str(&s->client, cb, sizeof cb),
		endpoint_str(&s->server, sb, sizeof sb));
	if (r->service)
		fprintf(f, " (%s)", S(t, r->service));
	fputc('\n', f);

	fprintf(f, "  Verdict:  %s%s%s\n", C(t, verdict_color(r->verdict)),
		verdict_label(r->verdict), C(t, C_OFF));
	if (r->headline && r->headline[0]) {
		fprintf(f, "  Why:      %s", C(t, C_BOLD));
		text_wrap(f, S(t, r->headline), 12, 12, WRAP_WIDTH);
		fputs(C(t, C_OFF), f);
	}
	if (r->outcome_text && r->outcome_text[0]) {
		fputs("  Outcome:  ", f);
		text_wrap(f, S(t, r->outcome_text), 12, 12, WRAP_WIDTH);
	}
	if (r->decryption_text) {
		fputs("  Keys:     ", f);
		text_wrap(f, S(t, r->decryption_text), 12, 12, WRAP_WIDTH);
	}
	fprintf(f, "  Started:  %s (frames %llu-%llu)%s\n", ui_when_us(s->start_ts, tb, sizeof tb),
		(unsigned long long)s->first_frame, (unsigned long long)s->last_frame,
		s->flow_midstream ? ", capture began mid-connection" : "");
	fprintf(f, "  TLS:      %s", version_label(s->version, vb, sizeof vb));
	if (s->sh.present)
		fprintf(f, ", cipher %s", cipher_name(s->sh.cipher, xb, sizeof xb));
	if (s->starttls)
		fprintf(f, ", STARTTLS (%s)", S(t, s->starttls));
	fputc('\n', f);
	char db[320];
	if (dtls_text(s, db, sizeof db))
		fprintf(f, "  DTLS:     %s\n", db);
	if (s->ch.present) {
		fprintf(f, "  SNI:      %s\n", s->ch.sni ? S(t, s->ch.sni) : "(none)");
		if (s->ch.alpn.n || s->sh.alpn) {
			fputs("  ALPN:     ", f);
			if (s->ch.alpn.n) {
				fputs("offered ", f);
				for (size_t i = 0; i < s->ch.alpn.n; i++)
					fprintf(f, "%s%s", i ? ", " : "", S(t, s->ch.alpn.v[i]));
			}
			if (s->sh.alpn)
				fprintf(f, "%sselected %s", s->ch.alpn.n ? "; " : "",
					S(t, s->sh.alpn));
			fputc('\n', f);
		}
		if (t->verbose > 0 && s->ch.ja3[0])
			fprintf(f, "  JA3:      %s\n", s->ch.ja3);
		if (t->verbose > 0 && s->ch.ja4[0])
			fprintf(f, "  JA4:      %s\n", S(t, s->ch.ja4));
	}
	/* What Zeek, Suricata and tshark log for the same connection. */
	if (t->verbose > 0 && r->ids.ja3s[0])
		fprintf(f, "  JA3S:     %s\n", r->ids.ja3s);
	if (t->verbose > 0 && r->ids.ja4s[0])
		fprintf(f, "  JA4S:     %s\n", r->ids.ja4s);
	if (t->verbose > 0 && r->ids.community_id[0])
		fprintf(f, "  Community ID: %s\n", r->ids.community_id);
	if (r->expected_name)
		fprintf(f, "  Expected name: %s (from %s)\n", S(t, r->expected_name),
			S(t, r->expected_name_source ? r->expected_name_source : "?"));
	if (s->cr.present) {
		fputs("  Client certificate: requested by the server", f);
		if (s->cr.frame)
			fprintf(f, " (frame %llu)", (unsigned long long)s->cr.frame);
		if (s->cr.n_ca) {
			fprintf(f, "; acceptable CAs:\n");
			for (size_t i = 0; i < s->cr.n_ca; i++)
				fprintf(f, "    %s\n", S(t, s->cr.ca_names[i]));
		} else {
			fputs("; any CA\n", f);
		}
	}
	for (size_t i = 0; i < s->n_alerts; i++) {
		const struct tls_alert *al = &s->alerts[i];
		char ab[96], ts[48];
		fprintf(f, "  Alert:    %s%s%s from the %s (%s)",
			al->encrypted || al->level != 2 ? "" : C(t, C_RED),
			alert_text(al, ab, sizeof ab), C(t, C_OFF), side_str(al->side),
			endpoint_str(al->side == SIDE_CLIENT ? &s->client : &s->server, cb,
				     sizeof cb));
		if (al->frame)
			fprintf(f, ", frame %llu", (unsigned long long)al->frame);
		if (al->ts_ns)
			fprintf(f, ", %s", ui_when_us(al->ts_ns, ts, sizeof ts));
		fputc('\n', f);
	}

	if (tls_handshake_hidden(s)) {
		fprintf(f,
			"  %sCertificates not visible: TLS 1.3%s (the handshake encrypts them)\n",
			C(t, C_YELLOW), C(t, C_OFF));
	} else {
		chain_block(t, r, SIDE_SERVER);
		chain_block(t, r, SIDE_CLIENT);
	}

	if (r->nf) {
		fputs("  Findings:\n", f);
		for (size_t i = 0; i < r->nf; i++) {
			const struct finding *fd = &r->f[i];
			int first = 1;
			fprintf(f, "    %s%-7s%s %s%s%s (%s", C(t, sev_color(fd->sev)),
				severity_str(fd->sev), C(t, C_OFF), C(t, C_BOLD), fd->id,
				C(t, C_OFF), basis_str(fd->basis));
			if (fd->side == SIDE_CLIENT || fd->side == SIDE_SERVER) {
				fprintf(f, "; %s", side_str(fd->side));
				first = 0;
				if (fd->cert >= 0)
					fprintf(f, " cert %d", fd->cert);
			}
			if (fd->field)
				fprintf(f, "%s%s", first ? "; " : ", ", S(t, fd->field));
			if (fd->frame)
				fprintf(f, ", frame %llu", (unsigned long long)fd->frame);
			fputs(")\n", f);
			if (fd->message && fd->message[0]) {
				fputs("            ", f);
				text_wrap(f, S(t, fd->message), 12, 12, WRAP_WIDTH);
			}
			if (fd->advice && fd->advice[0]) {
				fputs("            Fix: ", f);
				text_wrap(f, S(t, fd->advice), 17, 17, WRAP_WIDTH);
			}
		}
	}
	if (s->n_notes) {
		fputs("  Notes:\n", f);
		for (size_t i = 0; i < s->n_notes; i++) {
			const struct tls_note *n = &s->notes[i];
			fprintf(f, "    frame %llu, %s: ", (unsigned long long)n->frame,
				side_str(n->side));
			text_wrap(f, S(t, i < r->n_notes ? r->notes[i] : ""), 0, 6, WRAP_WIDTH);
		}
	}
	fputc('\n', f);
}

/* ------------------------------------------------------------ sink */

static void t_begin(void *st, const struct ui_opts *o)
{
	(void)st;
	(void)o;
}

/* The file's header: its name, before its first session (or its end). */
static void file_header(struct tstate *t, const struct sink_file *file)
{
	const char *bar = t->utf8 ? "\u2550\u2550" : "==";
	fprintf(t->out, "%s%s %s %s%s\n\n", C(t, C_BOLD), bar, S(t, file->path), bar, C(t, C_OFF));
	t->in_file = 1;
}

/* A session is printed as it comes: the file's totals follow at its end. */
static void t_session(void *st, const struct sink_file *file, const struct session_report *r)
{
	struct tstate *t = st;
	if (!t->in_file)
		file_header(t, file);
	if (r->s)
		session_block(t, r);
	arena_reset(t);
}

static void t_file_end(void *st, const struct sink_file *file, const struct file_report *fr)
{
	struct tstate *t = st;
	FILE *f = t->out;
	const char *bar = t->utf8 ? "\u2550\u2550" : "==";

	t->files++;
	if (!fr->ok) {
		if (t->in_file) /* sessions came before it failed: cannot happen */
			fputc('\n', f);
		fprintf(f, "%s%s %s: %scannot be read%s: %s %s%s\n\n", C(t, C_BOLD), bar,
			S(t, file->path), C(t, C_RED), C(t, C_BOLD),
			S(t, fr->cap.message[0] ? fr->cap.message : "unknown reason"), bar,
			C(t, C_OFF));
		goto out;
	}
	if (!t->in_file)
		file_header(t, file);
	fprintf(f, "%sEnd of %s: %s%s, %llu packets", C(t, C_BOLD), S(t, file->path),
		fr->cap.format[0] ? S(t, fr->cap.format) : "capture",
		fr->cap.compressed ? ", gzip" : "", (unsigned long long)fr->cap.packets);
	if (fr->n_sessions)
		fprintf(f, ", %zu TLS session%s.%s\n", fr->n_sessions,
			fr->n_sessions == 1 ? "" : "s", C(t, C_OFF));
	else
		fprintf(f, ". No TLS session found.%s\n", C(t, C_OFF));
	if (fr->cap.status != SRC_EOF && fr->cap.status != SRC_OK && fr->cap.message[0])
		fprintf(f, "%sReading stopped early: %s%s\n", C(t, C_YELLOW), S(t, fr->cap.message),
			C(t, C_OFF));
	/* What the capture itself hides: say it once per file, in plain words. */
	if (fr->cap.snaplen_cut_packets) {
		/* Where they were cut, not what the file's header claims. */
		char at[64];
		if (fr->cap.cut_min == fr->cap.cut_max)
			snprintf(at, sizeof at, "at %u bytes", fr->cap.cut_max);
		else
			snprintf(at, sizeof at, "at %u to %u bytes", fr->cap.cut_min,
				 fr->cap.cut_max);
		fprintf(f,
			"%sWarning: %llu packet%s %s cut short %s by the capture's snapshot length: "
			"certificates in them are incomplete. Capture again with a full snapshot "
			"length (tcpdump -s 0).%s\n",
			C(t, C_YELLOW), (unsigned long long)fr->cap.snaplen_cut_packets,
			fr->cap.snaplen_cut_packets == 1 ? "" : "s",
			fr->cap.snaplen_cut_packets == 1 ? "was" : "were", at, C(t, C_OFF));
	}
	if (fr->cap.dec.unknown_linktype && fr->cap.dec.tcp)
		fprintf(f, "%sWarning: %llu packets of link type %d (%s) could not be decoded.%s\n",
			C(t, C_YELLOW), (unsigned long long)fr->cap.dec.unknown_linktype,
			fr->cap.dec.last_unknown_linktype,
			linktype_name(fr->cap.dec.last_unknown_linktype)
				? linktype_name(fr->cap.dec.last_unknown_linktype)
				: "unknown",
			C(t, C_OFF));
	if (fr->tcp.evicted || fr->tcp.buffer_overflows)
		fprintf(f,
			"%sWarning: %llu TCP flows were evicted (more than --max-flows at once) and "
			"%llu holes were given up (over --max-buffer): sessions may be missing or "
			"incomplete; raise the limits.%s\n",
			C(t, C_YELLOW), (unsigned long long)fr->tcp.evicted,
			(unsigned long long)fr->tcp.buffer_overflows, C(t, C_OFF));
	fputc('\n', f);
out:
	t->in_file = 0;
	arena_reset(t);
	fflush(f);
}

static void cert_line(struct tstate *t, const struct seen_cert *c, int expiring_days)
{
	FILE *f = t->out;
	char na[32];
	fprintf(f, "  %s%s%s\n", C(t, C_BOLD),
		c->parse_ok ? S(t, c->subject && c->subject[0] ? c->subject : "(empty subject)")
			    : "(unparseable certificate)",
		C(t, C_OFF));
	if (c->parse_ok) {
		int col = c->days_to_expiry < 0		       ? C_RED
			  : c->days_to_expiry <= expiring_days ? C_YELLOW
							       : C_OFF;
		fprintf(f, "      issuer %s\n", S(t, c->issuer));
		if (c->not_after_bad) {
			fputs("      expires: the notAfter date does not parse\n", f);
			goto seen;
		}
		fprintf(f, "      expires %s %s(", ui_when_s(c->not_after, na, sizeof na),
			C(t, col));
		if (c->days_to_expiry < 0)
			fprintf(f, "expired %ld days ago", -c->days_to_expiry);
		else
			fprintf(f, "in %ld days", c->days_to_expiry);
		fprintf(f, ")%s\n", C(t, C_OFF));
	}
seen:
	fprintf(f, "      sha256 %s\n", c->sha256_hex);
	fputs("      seen in ", f);
	for (size_t i = 0; i < c->n_files; i++)
		fprintf(f, "%s%s", i ? ", " : "", S(t, c->files[i]));
	if (c->n_endpoints) {
		fputs(" at ", f);
		for (size_t i = 0; i < c->n_endpoints; i++)
			fprintf(f, "%s%s", i ? ", " : "", S(t, c->endpoints[i]));
	}
	if (c->endpoints_unlisted)
		fprintf(f, " and %llu presentation%s by endpoints not listed",
			(unsigned long long)c->endpoints_unlisted,
			c->endpoints_unlisted == 1 ? "" : "s");
	fputc('\n', f);
}

static void t_end(void *st, const struct run_summary *sum)
{
	struct tstate *t = st;
	FILE *f = t->out;
	const char *bar = t->utf8 ? "\u2550\u2550" : "==";
	size_t n_exp = 0;
	char nb[32];

	fprintf(f, "%s%s Summary %s%s\n", C(t, C_BOLD), bar, bar, C(t, C_OFF));
	fprintf(f, "Files:        %llu (%llu read", (unsigned long long)sum->files,
		(unsigned long long)sum->files_ok);
	if (sum->files_partial)
		fprintf(f, ", %llu only partly", (unsigned long long)sum->files_partial);
	fprintf(f, ", %llu failed)\n", (unsigned long long)(sum->files - sum->files_ok));
	for (size_t i = 0; i < sum->n_bad; i++)
		fprintf(f, "  %s%s%s: %s\n", C(t, C_RED), S(t, sum->bad[i].path), C(t, C_OFF),
			S(t, sum->bad[i].message));
	fprintf(f,
		"Sessions:     %llu: %s%llu ok%s, %s%llu warning%s, %s%llu at risk%s, %s%llu failed%s, "
		"%llu incomplete\n",
		(unsigned long long)sum->sessions, C(t, C_GREEN),
		(unsigned long long)sum->by_verdict[VERDICT_OK], C(t, C_OFF), C(t, C_YELLOW),
		(unsigned long long)sum->by_verdict[VERDICT_WARNING], C(t, C_OFF), C(t, C_RED),
		(unsigned long long)sum->by_verdict[VERDICT_AT_RISK], C(t, C_OFF), C(t, C_RED),
		(unsigned long long)sum->by_verdict[VERDICT_FAILED], C(t, C_OFF),
		(unsigned long long)sum->by_verdict[VERDICT_INCOMPLETE]);
	if (sum->n_findings) {
		fputs("Findings:\n", f);
		for (size_t i = 0; i < sum->n_findings; i++)
			fprintf(f, "  %-28s %llu\n", sum->findings[i].id,
				(unsigned long long)sum->findings[i].count);
	} else {
		fputs("Findings:     none\n", f);
	}
	if (sum->store.nf) {
		fputs("Trust store findings:\n", f);
		for (size_t i = 0; i < sum->store.nf; i++) {
			const struct finding *sf = &sum->store.f[i];
			fprintf(f, "  %s%-7s%s %s: ", C(t, sev_color(sf->sev)),
				severity_str(sf->sev), C(t, C_OFF), sf->id);
			text_wrap(f, S(t, sf->message), 0, 10, WRAP_WIDTH);
			if (sf->advice && sf->advice[0]) {
				fputs("          Fix: ", f);
				text_wrap(f, S(t, sf->advice), 15, 15, WRAP_WIDTH);
			}
		}
	}
	fprintf(f, "Certificates: %zu unique (days to expiry as of %s)\n", sum->n_certs,
		ui_when_s(sum->now, nb, sizeof nb));
	if (sum->certs_unlisted)
		fprintf(f,
			"  %sThe list is full at %zu certificates (--max-certs): certificates not "
			"listed were presented %llu times more.%s\n",
			C(t, C_YELLOW), sum->max_certs, (unsigned long long)sum->certs_unlisted,
			C(t, C_OFF));
	for (size_t i = 0; i < sum->n_certs; i++)
		cert_line(t, &sum->certs[i], sum->expiring_days);
	for (size_t i = 0; i < sum->n_certs; i++)
		if (sum->certs[i].parse_ok && sum->certs[i].days_to_expiry <= sum->expiring_days)
			n_exp++;
	fprintf(f, "Expiring within %d days (or expired): %s%zu%s\n", sum->expiring_days,
		n_exp ? C(t, C_YELLOW) : "", n_exp, n_exp ? C(t, C_OFF) : "");
	for (size_t i = 0; i < sum->n_certs; i++) {
		const struct seen_cert *c = &sum->certs[i];
		if (!c->parse_ok || c->days_to_expiry > sum->expiring_days)
			continue;
		fprintf(f, "  %s%s%s %s", c->days_to_expiry < 0 ? C(t, C_RED) : C(t, C_YELLOW),
			c->days_to_expiry < 0 ? "EXPIRED" : "expires", C(t, C_OFF),
			ui_when_s(c->not_after, nb, sizeof nb));
		if (c->days_to_expiry < 0)
			fprintf(f, " (%ld days ago)", -c->days_to_expiry);
		else
			fprintf(f, " (in %ld days)", c->days_to_expiry);
		fprintf(f, "  %s", S(t, c->subject));
		if (c->n_endpoints)
			fprintf(f, " at %s%s", S(t, c->endpoints[0]),
				c->n_endpoints > 1 ? " and others" : "");
		fputc('\n', f);
	}
	arena_reset(t);
	fflush(f);
}

static void t_free(void *st)
{
	struct tstate *t = st;
	if (!t)
		return;
	arena_reset(t);
	free(t->arena);
	free(t);
}

static int locale_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

static const struct sink_ops text_ops = {
	.name = "text",
	.begin = t_begin,
	.session = t_session,
	.file_end = t_file_end,
	.end = t_end,
	.free = t_free,
};

struct sink sink_text_new(FILE *out, const struct ui_opts *o)
{
	struct tstate *t = xcalloc(1, sizeof *t);
	t->out = out;
	t->o = o;
	t->color = o ? o->color : 0;
	t->verbose = o ? o->verbose : 0;
	t->utf8 = locale_utf8();
	return (struct sink){ &text_ops, t };
}

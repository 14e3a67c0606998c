/*
 * html.c - `--html FILE`: one self-contained HTML page for a run.
 *
 * Inline CSS only: no script, no font, no image, no link to anything
 * outside the page (a report is mailed around and opened offline). The
 * page holds the run summary (files, sessions by verdict, findings by id,
 * certificates expiring or expired, unreadable files, every unique
 * certificate) and then EVERY session, failing first: failed and at-risk
 * sessions open, the others (warning, incomplete, ok) collapsed, each with
 * its headline, outcome, findings with advice, each presented chain drawn
 * as boxes from the leaf through its issuers to the root, coloured by how
 * each one stands, and the handshake ladder as the TUI draws it (the rows
 * of rules/ladder.c).
 *
 * The summary comes first on the page but is only known at the end, so
 * sessions are written to a temporary file as they arrive (each is freed
 * right after) and copied in at the end; the page is
 * written beside FILE and renamed over it, so a reader never sees half a
 * report.
 *
 * Every string goes through ui_sanitize (wire strings may hold anything)
 * and then HTML escaping. URLs from certificates are printed as text,
 * never as links.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "capture/xalloc.h"
#include "rules/facts.h"
#include "ui/text/text.h"
#include "ui/report/report.h"

struct hstate {
	char *path;
	int write_failed; /* the sink's `failed` */
	/* Sessions by verdict rank (verdict_rank: failed, at risk, warning,
	 * incomplete, ok), each in input order. */
	FILE *part[VERDICT__COUNT];
	uint64_t n_part[VERDICT__COUNT];
	int broken;
	char inputs[512]; /* what the run was given, for the title */
};

/* ------------------------------------------------------------ escaping */

/* Sanitised (terminal form keeps valid UTF-8, escapes the rest) and
 * HTML-escaped. */
static void h(FILE *f, const char *s)
{
	char *clean;
	if (!s)
		return;
	clean = ui_sanitize(s);
	for (const char *p = clean ? clean : ""; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*p, f);
		}
	}
	free(clean);
}

static void hf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void hf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	h(f, s);
	free(s);
}

static const char *tstr_ns(int64_t ns, char *buf, size_t len)
{
	if (!ns) {
		snprintf(buf, len, "-");
		return buf;
	}
	return ui_when_us(ns, buf, len);
}

/* ------------------------------------------------------------ page parts */

static const char CSS[] =
	":root{--ok:#1f7a3a;--okbg:#e6f4ea;--warn:#8a5a00;--warnbg:#fff4d6;--bad:#b3261e;"
	"--badbg:#fde7e6;--link:#1d4f91;--linkbg:#e8f0fb;--mute:#5f6368;--mutebg:#f1f3f4;"
	"--line:#d0d4d9}\n"
	"*{box-sizing:border-box}\n"
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
	"color:#202124;margin:0;background:#fafbfc}\n"
	"main{max-width:1200px;margin:0 auto;padding:16px 24px 48px}\n"
	"header.top{background:#12263f;color:#fff;padding:14px 24px}\n"
	"header.top h1{margin:0;font-size:20px}header.top p{margin:4px 0 0;opacity:.85}\n"
	"h2{font-size:18px;margin:28px 0 10px;border-bottom:2px solid var(--line);padding-bottom:4px}\n"
	"h3{font-size:15px;margin:18px 0 8px}h4{font-size:13px;margin:14px 0 6px;"
	"text-transform:uppercase;letter-spacing:.04em;color:var(--mute)}\n"
	".cards{display:flex;flex-wrap:wrap;gap:10px}\n"
	".card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 14px;"
	"min-width:120px}\n"
	".card b{display:block;font-size:22px}.card span{color:var(--mute);font-size:12px}\n"
	".card.failed b{color:var(--bad)}.card.warning b{color:var(--warn)}"
	".card.ok b{color:var(--ok)}.card.incomplete b{color:var(--mute)}"
	".card.at_risk b{color:var(--bad)}\n"
	"table{border-collapse:collapse;width:100%;background:#fff;margin:4px 0 8px}\n"
	"th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}\n"
	"th{background:var(--mutebg);font-weight:600}\n"
	"td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	"code,.mono{font-family:ui-monospace,'DejaVu Sans Mono',Consolas,monospace;font-size:12px;"
	"word-break:break-all}\n"
	".pill{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600}\n"
	".pill.error,.pill.failed,.pill.at_risk,.pill.expired{background:var(--badbg);color:var(--bad)}\n"
	".pill.warning,.pill.expiring{background:var(--warnbg);color:var(--warn)}\n"
	".pill.info,.pill.incomplete{background:var(--mutebg);color:var(--mute)}\n"
	".pill.ok{background:var(--okbg);color:var(--ok)}\n"
	".remark{color:var(--mute)}.remark.warn{color:var(--warn)}\n"
	"article.session{background:#fff;border:1px solid var(--line);border-left:6px solid "
	"var(--bad);border-radius:8px;padding:12px 16px;margin:16px 0}\n"
	"article.session.warning{border-left-color:#e0a100}\n"
	"article.session h3{margin:0 0 6px}\n"
	"p.headline{font-size:15px;font-weight:600;margin:6px 0 10px;padding:8px 10px;"
	"background:var(--badbg);border-radius:6px}\n"
	"article.warning p.headline{background:var(--warnbg)}\n"
	"dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}\n"
	"dl.facts dt{color:var(--mute)}dl.facts dd{margin:0}\n"
	"ul.findings{list-style:none;padding:0;margin:0}\n"
	"ul.findings li{border:1px solid var(--line);border-radius:6px;padding:6px 10px;"
	"margin:6px 0}\n"
	"ul.findings li .meta{color:var(--mute);font-size:12px}\n"
	".advice{margin-top:4px;padding:6px 10px;background:var(--linkbg);border-radius:4px}\n"
	".advice:before{content:'Fix: ';font-weight:600}\n"
	".chains{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}\n"
	".chain{flex:1 1 340px;max-width:560px}\n"
	".chain .title{font-weight:600;margin-bottom:6px}\n"
	".cert{border:2px solid var(--line);border-radius:8px;padding:6px 10px;background:#fff}\n"
	".cert .role{font-size:11px;text-transform:uppercase;letter-spacing:.05em;"
	"color:var(--mute)}\n"
	".cert .subj{font-weight:600;word-break:break-word}\n"
	".cert .det{font-size:12px;color:#3c4043;word-break:break-word}\n"
	".cert .st{float:right;font-size:11px;font-weight:700;margin-left:8px}\n"
	".cert.good{border-color:var(--ok);background:var(--okbg)}.cert.good .st{color:var(--ok)}\n"
	".cert.linked{border-color:var(--link);background:var(--linkbg)}"
	".cert.linked .st{color:var(--link)}\n"
	".cert.bad{border-color:var(--bad);background:var(--badbg)}.cert.bad .st{color:var(--bad)}\n"
	".cert.extra{border-color:#e0a100;background:var(--warnbg)}"
	".cert.extra .st{color:var(--warn)}\n"
	".cert.unknown{background:var(--mutebg)}\n"
	".cert.store{border-style:dashed}.cert.missing{border-style:dashed;background:#fff}"
	".cert.bad.missing{border-color:var(--bad)}\n"
	"p.chainhead{margin:0 0 8px}p.chainhead .good{color:var(--ok)}"
	"p.chainhead .warn{color:var(--warn);font-weight:600}"
	"p.chainhead .bad{color:var(--bad);font-weight:600}p.chainhead .dim{color:var(--mute)}\n"
	".arrow{text-align:center;color:var(--mute);font-size:12px;line-height:1.2;margin:2px 0}\n"
	".arrow:before{content:'\\25BC';display:block;font-size:14px}\n"
	".legend{display:flex;flex-wrap:wrap;gap:8px;font-size:12px;margin:6px 0}\n"
	".legend .cert{padding:2px 8px}\n"
	"details>summary{cursor:pointer;font-weight:600;margin:6px 0}\n"
	".muted{color:var(--mute)}\n"
	"span.full{display:none}.fp{white-space:nowrap;word-break:normal}\n"
	"div.wide{overflow-x:auto}td.date{white-space:nowrap}td.dn{word-break:break-word}\n"
	"table.ladder td{border:none;border-bottom:1px solid var(--mutebg);padding:2px 8px}"
	"table.ladder td.l{text-align:left}table.ladder td.r{text-align:right}"
	"table.ladder td.c{text-align:center;color:var(--warn)}"
	"table.ladder tr.alert td{color:var(--bad);font-weight:600}"
	"table.ladder tr.why td{color:var(--bad);font-size:12px}"
	"details.session>summary{font-weight:normal}\n"
	"footer{color:var(--mute);font-size:12px;margin-top:32px}\n"
	"@media print{details{display:block}article.session{break-inside:avoid}}\n";

/* A tone's class: the rules decide good and bad, the page its colours. */
static const char *tone_cls(enum tone t)
{
	switch (t) {
	case TONE_GOOD: return "good";
	case TONE_WARN: return "warn";
	case TONE_BAD: return "bad";
	case TONE_DIM: return "dim";
	case TONE_PLAIN: break;
	}
	return "plain";
}

/* A certificate box's class: how it stands (cert_status_tone), linked
 * certificates in their own colour, those off the path in theirs. */
static const char *status_cls(enum cert_status s)
{
	if (s == CS_LINKED)
		return "linked";
	if (s == CS_EXTRA)
		return "extra";
	switch (cert_status_tone(s)) {
	case TONE_GOOD: return "good";
	case TONE_BAD: return "bad";
	default: return "unknown";
	}
}

/* One certificate box. `role` is ours; `extra_cls` adds a style. */
static void cert_box(FILE *f, const struct cert_info *c, const char *role, enum cert_status st,
		     const char *extra_cls, const char *status_label, time_t judged)
{
	char nb[40], na[40];
	fprintf(f, "<div class=\"cert %s%s%s\"><span class=\"st\">", status_cls(st),
		extra_cls ? " " : "", extra_cls ? extra_cls : "");
	h(f, status_label ? status_label : cert_status_str(st));
	fputs("</span><div class=\"role\">", f);
	h(f, role);
	fputs("</div>", f);
	if (!c) {
		fputs("<div class=\"subj\">(no certificate)</div></div>\n", f);
		return;
	}
	if (!c->parse_ok) {
		fputs("<div class=\"subj\">certificate that cannot be decoded</div>"
		      "<div class=\"det\">",
		      f);
		h(f, c->parse_error ? c->parse_error : "");
		fputs("<br>SHA-256 <span class=\"mono\">", f);
		h(f, c->sha256_hex);
		fputs("</span></div></div>\n", f);
		return;
	}
	fputs("<div class=\"subj\">", f);
	h(f, c->subject.rfc4514 && c->subject.rfc4514[0] ? c->subject.rfc4514 : "(empty subject)");
	fputs("</div><div class=\"det\">issuer ", f);
	h(f, c->issuer.rfc4514);
	fputs("<br>valid ", f);
	h(f, cert_date_text(c, 0, ui_when_s, nb, sizeof(nb)));
	fputs(" to ", f);
	h(f, cert_date_text(c, 1, ui_when_s, na, sizeof(na)));
	if (judged && cert_validity(c, judged).state == VALIDITY_UNKNOWN)
		fputs(" <span class=\"pill warning\">validity not known</span>", f);
	else if (judged && cert_validity(c, judged).state == NOT_YET_VALID)
		fputs(" <span class=\"pill expired\">not yet valid</span>", f);
	else if (judged && cert_validity(c, judged).state == EXPIRED)
		fputs(" <span class=\"pill expired\">expired</span>", f);
	fputs("<br>", f);
	hf(f, "%s %d", ui_key_type_str(c->key_type) ? ui_key_type_str(c->key_type) : "unknown key",
	   c->key_bits);
	if (c->sig_alg) {
		fputs(", ", f);
		h(f, c->sig_alg);
	}
	if (c->has_eku) {
		fputs(", EKU ", f);
		for (size_t i = 0; i < c->eku_names.n; i++) {
			if (i)
				fputs(" ", f);
			h(f, c->eku_names.v[i]);
		}
	}
	if (c->san_dns.n || c->san_ip.n) {
		fputs("<br>SAN ", f);
		size_t shown = 0;
		for (size_t i = 0; i < c->san_dns.n && shown < 8; i++, shown++) {
			if (shown)
				fputs(", ", f);
			h(f, c->san_dns.v[i]);
		}
		for (size_t i = 0; i < c->san_ip.n && shown < 8; i++, shown++) {
			if (shown)
				fputs(", ", f);
			fputs("IP ", f);
			h(f, c->san_ip.v[i]);
		}
		size_t total = c->san_dns.n + c->san_ip.n;
		if (total > shown)
			hf(f, " and %zu more", total - shown);
	}
	{
		struct cert_remark rm[CERT_REMARKS_MAX];
		size_t n = cert_remarks(c, rm, CERT_REMARKS_MAX);
		for (size_t i = 0; i < n; i++) {
			fputs(rm[i].warn ? "<br><span class=\"remark warn\">"
					 : "<br><span class=\"remark\">",
			      f);
			h(f, rm[i].text);
			fputs("</span>", f);
		}
	}
	fputs("<br>SHA-256 <span class=\"mono\">", f);
	h(f, c->sha256_hex);
	fputs("</span>", f);
	if (c->n_exts) {
		char xb[512];
		fprintf(f, "<details class=\"exts\"><summary>%zu extension%s</summary><ul>",
			c->n_exts, c->n_exts == 1 ? "" : "s");
		for (size_t i = 0; i < c->n_exts; i++) {
			fputs("<li>", f);
			h(f, cert_ext_text(&c->exts[i], xb, sizeof xb));
			fputs("</li>", f);
		}
		fputs("</ul></details>", f);
	}
	fputs("</div></div>\n", f);
}

static void arrow(FILE *f, const char *text)
{
	fputs("<div class=\"arrow\">", f);
	h(f, text);
	fputs("</div>\n", f);
}

static const char *role_of(size_t pos, size_t len, const struct cert_info *c)
{
	if (pos == 0)
		return c && c->parse_ok && c->self_issued ? "leaf (self-signed)" : "leaf";
	if (c && c->parse_ok && c->self_issued)
		return "root";
	return pos + 1 == len ? "issuer" : "intermediate";
}

/* One presented chain, drawn leaf -> issuer -> root. */
static void chain_diagram(FILE *f, const struct session_report *r, int side)
{
	const struct tls_session *s = r->s;
	const struct tls_chain *ch = &s->chain[side];
	const struct chain_view *cv = &r->chain[side];
	const struct endpoint *ep = side == SIDE_SERVER ? &s->server : &s->client;
	char eb[96];

	if (!ch->present)
		return;
	fputs("<div class=\"chain\"><div class=\"title\">", f);
	hf(f, "%s chain, sent by %s", side == SIDE_SERVER ? "Server" : "Client",
	   endpoint_str(ep, eb, sizeof(eb)));
	fputs("</div>\n<p class=\"chainhead\">", f);
	/* The rules' words for the chain as a whole. */
	for (size_t k = 0; k < cv->n_head; k++) {
		fprintf(f, "<span class=\"%s\">", tone_cls(cv->head[k].tone));
		h(f, cv->head[k].text);
		fputs("</span>", f);
	}
	fputs("</p>\n", f);
	if (ch->n == 0) {
		fputs("</div>\n", f);
		return;
	}

	/* The rows the rules laid out: the path from the leaf (with the trust
	 * store's certificates and the missing issuer that continue it), then
	 * what was sent off it. */
	size_t total = 0, pos = 0;
	int extra = 0;
	for (size_t k = 0; k < cv->n_rows; k++)
		total += cv->rows[k].kind == ROW_SENT || cv->rows[k].kind == ROW_STORE ||
			 cv->rows[k].kind == ROW_MISSING;
	for (size_t k = 0; k < cv->n_rows; k++) {
		const struct chain_row *w = &cv->rows[k];
		char role[160];
		if (w->kind != ROW_SENT)
			continue;
		snprintf(role, sizeof(role), "#%d sent, %s", w->index,
			 role_of(pos, total, w->cert));
		if (pos++)
			arrow(f, "issued by");
		cert_box(f, w->cert, role,
			 w->status >= 0 ? (enum cert_status)w->status : CS_UNCHECKED, NULL, NULL,
			 r->judged_at);
	}
	for (size_t k = 0; k < cv->n_rows; k++) {
		const struct chain_row *w = &cv->rows[k];
		char role[160];
		if (w->kind == ROW_STORE) {
			snprintf(role, sizeof(role), "from the receiver's trust store%s%s",
				 cv->trust_store_name ? " " : "",
				 cv->trust_store_name ? cv->trust_store_name : "");
			arrow(f, "issued by");
			cert_box(f, w->cert, role, CS_TRUSTED_ROOT, "store", "trusted (store)",
				 r->judged_at);
		} else if (w->kind == ROW_MISSING) {
			arrow(f, "issued by");
			fprintf(f, "<div class=\"cert %s missing\"><span class=\"st\">",
				w->tone == TONE_BAD ? "bad" : "unknown");
			h(f, w->tag ? w->tag : "missing");
			fputs("</span><div class=\"role\">", f);
			h(f, w->note ? w->note : "");
			fputs("</div><div class=\"subj\">", f);
			h(f, w->name);
			fputs("</div>", f);
			if (w->url) {
				/* Text, not a link: the page refers to nothing outside. */
				fputs("<div class=\"det\">published at <span class=\"mono\">", f);
				h(f, w->url);
				fputs("</span></div>", f);
			}
			fputs("</div>\n", f);
		}
	}
	for (size_t k = 0; k < cv->n_rows; k++) {
		const struct chain_row *w = &cv->rows[k];
		char role[64];
		if (w->kind != ROW_EXTRA && w->kind != ROW_DUPLICATE)
			continue;
		if (!extra++)
			fputs("<h4>Also sent, not on the path</h4>\n", f);
		if (w->kind == ROW_DUPLICATE)
			snprintf(role, sizeof(role), "#%d sent, duplicate of #%d", w->index,
				 w->dup_of);
		else
			snprintf(role, sizeof(role), "#%d sent", w->index);
		cert_box(f, w->cert, role, CS_EXTRA, NULL, NULL, r->judged_at);
	}
	fputs("</div>\n", f);
}

/* The handshake as the TUI draws it: the rules' rows (rules/ladder.c),
 * the client's messages on the left, the server's on the right. */
static void ladder_table(FILE *f, const struct session_report *r)
{
	const struct tls_session *s = r->s;
	char cb[96], sb[96];

	if (!r->n_ladder)
		return;
	fputs("<h4>Handshake</h4>\n<div class=\"wide\"><table class=\"ladder\"><tr><th>frame</th>"
	      "<th>ms</th><th>client ",
	      f);
	h(f, endpoint_str(&s->client, cb, sizeof(cb)));
	fputs("</th><th>server ", f);
	h(f, endpoint_str(&s->server, sb, sizeof(sb)));
	fputs("</th></tr>\n", f);
	for (size_t i = 0; i < r->n_ladder; i++) {
		const struct ladder_row *w = &r->ladder[i];
		const char *cls = w->alert ? "alert" : w->kind == LAD_GAP ? "gap" : "";

		fprintf(f, "<tr class=\"%s\"><td class=\"num\">%llu</td><td class=\"num\">", cls,
			(unsigned long long)w->frame);
		hf(f, "%.3f", w->ms);
		fputs("</td>", f);
		if (w->kind == LAD_GAP) {
			fputs("<td colspan=\"2\" class=\"c\">", f);
			hf(f, "%s: ", side_str(w->side));
			h(f, w->label);
		} else if (w->side == SIDE_CLIENT) {
			fputs("<td class=\"l\">", f);
			h(f, w->label);
			fputs(" \u2192</td><td>", f);
		} else {
			fputs("<td></td><td class=\"r\">\u2190 ", f);
			h(f, w->label);
		}
		fputs("</td></tr>\n", f);
		if (w->note || (w->finding >= 0 && (size_t)w->finding < r->nf)) {
			fputs("<tr class=\"why\"><td></td><td></td><td colspan=\"2\">", f);
			if (w->note) {
				fputs("\u21b3 ", f);
				h(f, w->note);
			}
			if (w->finding >= 0 && (size_t)w->finding < r->nf) {
				if (w->note)
					fputs("<br>", f);
				h(f, r->f[w->finding].message);
			}
			fputs("</td></tr>\n", f);
		}
	}
	fputs("</table></div>\n", f);
}

static void session_article(FILE *f, const char *file, const struct session_report *r, int full)
{
	const struct tls_session *s = r->s;
	char cb[96], sb[96], tb[48], vb[16];
	const char *v = verdict_str(r->verdict);

	fprintf(f, "<article class=\"session %s\">\n<h3><span class=\"pill %s\">", v, v);
	h(f, verdict_label(r->verdict));
	fputs("</span> ", f);
	hf(f, "%s \u2192 %s", endpoint_str(&s->client, cb, sizeof(cb)),
	   endpoint_str(&s->server, sb, sizeof(sb)));
	if (r->service) {
		fputs(" <span class=\"muted\">(", f);
		h(f, r->service);
		fputs(")</span>", f);
	}
	fputs("</h3>\n<p class=\"headline\">", f);
	h(f, r->headline ? r->headline : "(no headline)");
	fputs("</p>\n<dl class=\"facts\"><dt>capture</dt><dd>", f);
	h(f, file);
	hf(f, ", session %llu, frames %llu-%llu", (unsigned long long)s->id,
	   (unsigned long long)s->first_frame, (unsigned long long)s->last_frame);
	if (r->outcome_text && r->outcome_text[0]) {
		fputs("</dd><dt>outcome</dt><dd>", f);
		h(f, r->outcome_text);
	}
	if (r->decryption_text) {
		fputs("</dd><dt>key log</dt><dd>", f);
		h(f, r->decryption_text);
	}
	fputs("</dd><dt>started</dt><dd>", f);
	h(f, tstr_ns(s->start_ts, tb, sizeof(tb)));
	fputs("</dd>", f);
	if (s->version) {
		fputs("<dt>version</dt><dd>", f);
		h(f, version_text(s->version, vb, sizeof vb));
		if (tls_handshake_hidden(s))
			fputs(" (certificates encrypted)", f);
		fputs("</dd>", f);
	}
	char dtb[320];
	if (dtls_text(s, dtb, sizeof dtb)) {
		fputs("<dt>transport</dt><dd>", f);
		h(f, dtb);
		fputs("</dd>", f);
	}
	if (s->ch.sni) {
		fputs("<dt>SNI</dt><dd>", f);
		h(f, s->ch.sni);
		fputs("</dd>", f);
	}
	if (r->expected_name) {
		fputs("<dt>expected name</dt><dd>", f);
		h(f, r->expected_name);
		if (r->expected_name_source) {
			fputs(" <span class=\"muted\">(from ", f);
			h(f, r->expected_name_source);
			fputs(")</span>", f);
		}
		fputs("</dd>", f);
	}
	fputs("</dl>\n", f);

	if (r->nf) {
		fputs("<h4>Findings</h4>\n<ul class=\"findings\">\n", f);
		for (size_t i = 0; i < r->nf; i++) {
			const struct finding *fd = &r->f[i];
			const char *sev = severity_str(fd->sev);
			fprintf(f, "<li><span class=\"pill %s\">", sev);
			h(f, sev);
			fputs("</span> <b>", f);
			h(f, fd->id);
			fputs("</b> <span class=\"meta\">", f);
			h(f, basis_str(fd->basis));
			if (fd->side == SIDE_CLIENT || fd->side == SIDE_SERVER) {
				fputs(", ", f);
				h(f, side_str(fd->side));
				if (fd->cert >= 0)
					hf(f, " certificate #%d", fd->cert);
			}
			if (fd->field) {
				fputs(", ", f);
				h(f, fd->field);
			}
			if (fd->frame)
				hf(f, ", frame %llu", (unsigned long long)fd->frame);
			fputs("</span><div>", f);
			h(f, fd->message);
			fputs("</div>", f);
			if (fd->advice && fd->advice[0]) {
				fputs("<div class=\"advice\">", f);
				h(f, fd->advice);
				fputs("</div>", f);
			}
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
	}
	if (full && (s->chain[SIDE_SERVER].present || s->chain[SIDE_CLIENT].present)) {
		fputs("<h4>Chains</h4>\n<div class=\"chains\">\n", f);
		chain_diagram(f, r, SIDE_SERVER);
		chain_diagram(f, r, SIDE_CLIENT);
		fputs("</div>\n", f);
	} else if (full && tls_handshake_hidden(s)) {
		fputs("<p class=\"muted\">Certificates not visible: TLS 1.3 encrypts them.</p>\n",
		      f);
	}
	if (full)
		ladder_table(f, r);
	fputs("</article>\n", f);
}

/* ------------------------------------------------------------ sink */

static FILE *scratch(struct hstate *hs)
{
	FILE *f = tmpfile();
	if (!f && !hs->broken) {
		fprintf(stderr, "tlsdiag: --html: cannot make a temporary file: %s\n",
			strerror(errno));
		hs->broken = 1;
	}
	return f;
}

static void html_begin(void *st, const struct ui_opts *o)
{
	struct hstate *hs = st;
	size_t len = 0;
	for (int k = 0; k < VERDICT__COUNT; k++)
		hs->part[k] = scratch(hs);
	for (int i = 0; o && i < o->n_inputs && len < sizeof(hs->inputs) - 1; i++) {
		int w = snprintf(hs->inputs + len, sizeof(hs->inputs) - len, "%s%s", i ? " " : "",
				 o->inputs[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	if (len >= sizeof(hs->inputs) - 1)
		memcpy(hs->inputs + sizeof(hs->inputs) - 4, "...", 4);
}

static void html_session(void *st, const struct sink_file *file, const struct session_report *r)
{
	struct hstate *hs = st;
	if (!r->s)
		return;
	int k = verdict_rank(r->verdict);
	if (k < 0 || k >= VERDICT__COUNT || !hs->part[k])
		return;
	/* Failing sessions open; the others collapsed to their headline. */
	if (k <= 1) {
		session_article(hs->part[k], file->path, r, 1);
	} else {
		char cb[96], sb[96];
		const char *v = verdict_str(r->verdict);
		fprintf(hs->part[k], "<details class=\"session\"><summary><span class=\"pill %s\">",
			v);
		h(hs->part[k], verdict_label(r->verdict));
		fputs("</span> ", hs->part[k]);
		hf(hs->part[k], "%s \u2192 %s: ", endpoint_str(&r->s->client, cb, sizeof(cb)),
		   endpoint_str(&r->s->server, sb, sizeof(sb)));
		fputs("<span class=\"muted\">", hs->part[k]);
		h(hs->part[k], r->headline ? r->headline : "");
		fputs("</span></summary>\n", hs->part[k]);
		session_article(hs->part[k], file->path, r, 1);
		fputs("</details>\n", hs->part[k]);
	}
	hs->n_part[k]++;
}

static void card(FILE *f, const char *cls, uint64_t n, const char *label)
{
	fprintf(f, "<div class=\"card %s\"><b>%llu</b><span>", cls, (unsigned long long)n);
	h(f, label);
	fputs("</span></div>\n", f);
}

static void copy_scratch(FILE *out, FILE *in)
{
	char buf[1 << 15];
	size_t n;
	if (!in)
		return;
	rewind(in);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
}

static void seen_row(FILE *f, const struct seen_cert *c, const struct run_summary *sum,
		     int with_state)
{
	char tb[40];
	fputs("<tr>", f);
	if (with_state) {
		if (c->days_to_expiry < 0)
			fputs("<td><span class=\"pill expired\">expired</span></td>", f);
		else
			fputs("<td><span class=\"pill expiring\">expiring</span></td>", f);
	}
	fputs("<td class=\"date\"", f);
	if (c->parse_ok && c->not_after_bad) {
		fputs(">does not parse", f);
	} else if (c->parse_ok) {
		/* the day in the column, the second in the title */
		ui_when_s(c->not_after, tb, sizeof(tb));
		fputs(" title=\"", f);
		h(f, tb);
		fputs("\">", f);
		hf(f, "%.10s", tb);
	} else {
		fputs(">", f);
	}
	fputs("</td><td class=\"num\">", f);
	if (c->parse_ok && !c->not_after_bad)
		hf(f, "%ld", c->days_to_expiry);
	fputs("</td><td class=\"dn\"><b>", f);
	h(f, c->parse_ok ? (c->subject ? c->subject : "") : "(cannot be decoded)");
	fputs("</b>", f);
	if (c->issuer) {
		fputs("<br><span class=\"muted\">issued by ", f);
		h(f, c->issuer);
		fputs("</span>", f);
	}
	fputs("</td><td>", f);
	for (size_t i = 0; i < c->n_endpoints && i < 6; i++) {
		if (i)
			fputs("<br>", f);
		h(f, c->endpoints[i]);
	}
	if (c->n_endpoints > 6)
		hf(f, " and %zu more", c->n_endpoints - 6);
	if (c->endpoints_unlisted)
		hf(f, " (and %llu presentation%s by endpoints not listed)",
		   (unsigned long long)c->endpoints_unlisted,
		   c->endpoints_unlisted == 1 ? "" : "s");
	fputs("</td><td>", f);
	hf(f, "%llu session%s in %zu file%s", (unsigned long long)c->sessions,
	   c->sessions == 1 ? "" : "s", c->n_files, c->n_files == 1 ? "" : "s");
	/* The whole fingerprint is in the title (and the page's text); the
	 * column shows enough of it to tell certificates apart. */
	fputs("</td><td><span class=\"mono fp\" title=\"", f);
	h(f, c->sha256_hex);
	fputs("\">", f);
	char fp[16];
	memcpy(fp, c->sha256_hex, 12);
	memcpy(fp + 12, "\u2026", sizeof("\u2026"));
	h(f, fp);
	fputs("</span><span class=\"full\">", f);
	h(f, c->sha256_hex);
	fputs("</span></td></tr>\n", f);
	(void)sum;
}

static void seen_head(FILE *f, int with_state)
{
	fprintf(f,
		"<div class=\"wide\"><table><tr>%s<th>not after</th><th>days</th>"
		"<th>certificate</th><th>presented by</th><th>seen</th><th>SHA-256</th></tr>\n",
		with_state ? "<th>state</th>" : "");
}

static void write_page(FILE *f, struct hstate *hs, const struct run_summary *sum)
{
	char tb[40];
	size_t n_exp = 0;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>tlsdiag report",
	      f);
	if (hs->inputs[0]) {
		fputs(": ", f);
		h(f, hs->inputs);
	}
	fputs("</title>\n<style>\n", f);
	fputs(CSS, f);
	fputs("</style>\n</head>\n<body>\n<header class=\"top\"><h1>tlsdiag report</h1><p>", f);
	hf(f, "%llu capture file%s, %llu TLS session%s, analysed %s",
	   (unsigned long long)sum->files, sum->files == 1 ? "" : "s",
	   (unsigned long long)sum->sessions, sum->sessions == 1 ? "" : "s",
	   ui_when_s(sum->now, tb, sizeof(tb)));
	if (hs->inputs[0]) {
		fputs(" \u2014 ", f);
		h(f, hs->inputs);
	}
	fputs("</p></header>\n<main>\n<section id=\"summary\">\n<h2>Summary</h2>\n", f);

	fputs("<h3>Files</h3><div class=\"cards\">\n", f);
	card(f, "", sum->files, "capture files");
	card(f, "ok", sum->files_ok, "read completely");
	card(f, "warning", sum->files_partial, "damaged (read in part)");
	card(f, "failed", sum->n_bad - sum->files_partial, "could not be read");
	fputs("</div>\n<h3>Sessions</h3><div class=\"cards\">\n", f);
	card(f, "", sum->sessions, "TLS sessions");
	card(f, "failed", sum->by_verdict[VERDICT_FAILED], "failed");
	card(f, "at_risk", sum->by_verdict[VERDICT_AT_RISK], "completed, at risk");
	card(f, "warning", sum->by_verdict[VERDICT_WARNING], "warning");
	card(f, "ok", sum->by_verdict[VERDICT_OK], "ok");
	card(f, "incomplete", sum->by_verdict[VERDICT_INCOMPLETE], "incomplete");
	fputs("</div>\n", f);

	fputs("<h3>Findings by id</h3>\n", f);
	if (sum->n_findings) {
		fputs("<table style=\"width:auto\"><tr><th>finding</th><th>count</th></tr>\n", f);
		for (size_t i = 0; i < sum->n_findings; i++) {
			fputs("<tr><td><code>", f);
			h(f, sum->findings[i].id);
			fputs("</code></td><td class=\"num\">", f);
			hf(f, "%llu", (unsigned long long)sum->findings[i].count);
			fputs("</td></tr>\n", f);
		}
		fputs("</table>\n", f);
	} else {
		fputs("<p class=\"muted\">No findings.</p>\n", f);
	}

	for (size_t i = 0; i < sum->n_certs; i++)
		if (sum->certs[i].parse_ok && sum->certs[i].days_to_expiry <= sum->expiring_days)
			n_exp++;
	fprintf(f,
		"<h3 id=\"expiring\">Certificates expired or expiring within %d days (%zu)</h3>\n",
		sum->expiring_days, n_exp);
	if (n_exp) {
		seen_head(f, 1);
		for (size_t i = 0; i < sum->n_certs; i++)
			if (sum->certs[i].parse_ok &&
			    sum->certs[i].days_to_expiry <= sum->expiring_days)
				seen_row(f, &sum->certs[i], sum, 1);
		fputs("</table></div>\n", f);
	} else {
		fputs("<p class=\"muted\">None.</p>\n", f);
	}

	if (sum->n_bad) {
		fprintf(f,
			"<h3 id=\"bad-files\">Files that could not be read completely (%zu)</h3>\n"
			"<table><tr><th>file</th><th>why</th></tr>\n",
			sum->n_bad);
		for (size_t i = 0; i < sum->n_bad; i++) {
			fputs("<tr><td class=\"mono\">", f);
			h(f, sum->bad[i].path);
			fputs("</td><td>", f);
			h(f, sum->bad[i].message);
			fputs("</td></tr>\n", f);
		}
		fputs("</table>\n", f);
	}

	fprintf(f, "<details><summary>All unique certificates (%zu)</summary>\n", sum->n_certs);
	if (sum->certs_unlisted)
		hf(f,
		   "The list holds at most %zu certificates (--max-certs): certificates not listed "
		   "were presented %llu times more.",
		   sum->max_certs, (unsigned long long)sum->certs_unlisted);
	if (sum->n_certs) {
		seen_head(f, 0);
		for (size_t i = 0; i < sum->n_certs; i++)
			seen_row(f, &sum->certs[i], sum, 0);
		fputs("</table></div>\n", f);
	}
	fputs("</details>\n</section>\n", f);

	{
		static const char *const title[VERDICT__COUNT] = {
			"Failed sessions", "Completed, but at risk", "Sessions with warnings",
			"Not seen completely", "Sessions without problems"
		};
		static const char *const id[VERDICT__COUNT] = { "failed", "at-risk", "warnings",
								"incomplete", "ok" };
		uint64_t failing = hs->n_part[0] + hs->n_part[1];
		fputs("<section id=\"sessions\">\n<h2>Sessions</h2>\n", f);
		if (failing)
			fputs("<div class=\"legend\"><span class=\"cert good\">trusted</span>"
			      "<span class=\"cert linked\">signed by the next certificate</span>"
			      "<span class=\"cert bad\">rejected / missing / not trusted</span>"
			      "<span class=\"cert extra\">not on the path</span>"
			      "<span class=\"cert unknown\">not checked (no trust store given)</span>"
			      "<span class=\"cert good store\">from the receiver's trust store</span>"
			      "</div>\n",
			      f);
		else
			fputs("<p class=\"muted\">No failed session.</p>\n", f);
		for (int k = 0; k < VERDICT__COUNT; k++) {
			if (!hs->n_part[k])
				continue;
			fprintf(f, "<section id=\"%s\">\n<h3>%s (%llu)</h3>\n", id[k], title[k],
				(unsigned long long)hs->n_part[k]);
			if (k > 1)
				fputs("<p class=\"muted\">Collapsed: open one to see it whole.</p>\n",
				      f);
			copy_scratch(f, hs->part[k]);
			fputs("</section>\n", f);
		}
		fputs("</section>\n", f);
	}
	fputs("<footer>Generated by tlsdiag " PACKAGE_VERSION ". Validity is judged at each "
	      "capture's own time; days to expiry count from the time of the run.</footer>\n"
	      "</main>\n</body>\n</html>\n",
	      f);
}

static void html_end(void *st, const struct run_summary *sum)
{
	struct hstate *hs = st;
	char *tmp = xasprintf("%s.tmp%ld", hs->path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "tlsdiag: --html %s: %s\n", hs->path, strerror(errno));
		hs->write_failed = 1;
		free(tmp);
		return;
	}
	write_page(f, hs, sum);
	if (ferror(f) | (fclose(f) != 0) || rename(tmp, hs->path) != 0) {
		fprintf(stderr, "tlsdiag: --html %s: cannot write: %s\n", hs->path,
			strerror(errno));
		hs->write_failed = 1;
		unlink(tmp);
	}
	free(tmp);
}

static void html_free(void *st)
{
	struct hstate *hs = st;
	if (!hs)
		return;
	for (int k = 0; k < VERDICT__COUNT; k++)
		if (hs->part[k])
			fclose(hs->part[k]);
	free(hs->path);
	free(hs);
}

static int html_failed(const void *st)
{
	const struct hstate *hs = st;
	return hs->write_failed;
}

static const struct sink_ops html_ops = {
	.name = "html",
	.begin = html_begin,
	.session = html_session,
	.end = html_end,
	.free = html_free,
	.failed = html_failed,
};

struct sink sink_html_new(const char *path, const struct ui_opts *o)
{
	struct hstate *hs = xcalloc(1, sizeof(*hs));
	(void)o;
	hs->path = xstrdup(path);
	return (struct sink){ &html_ops, hs };
}

/*
 * view_session.c - one TLS session: who rejected whom and why (the rules'
 * headline) at the top, then the presented chains as trees with each
 * certificate's trust status, the findings with their evidence and advice,
 * the handshake as a two-column ladder (client | server) with frame
 * numbers and times since the ClientHello, and the remaining details.
 *
 * The cursor opens on the certificate the blame points at (the most
 * severe finding's certificate, else the worst one of the rejected chain),
 * so from the sessions list Enter, Enter reaches the rejected certificate.
 * Enter on a chain line, or on a finding that names a certificate, opens
 * the certificate view; e/E export from here too.
 *
 *   FAILED  Expressway-C rejected ...            <- headline (rules)
 *   Server chain (frame 11): 2 certificates sent, ...
 *     [0] CN=expe.example.com  (issuer missing)  <- cursor
 *     └─ [1] CN=learningext-ISSUING-CA ...
 *   Findings (3)
 *     error  unknown_ca (observed; client, frame 13)
 *   Handshake
 *     frame  ms     client 10.48.80.47:51234          server 10.48.36.101:7001
 *         4  0.000  ClientHello ─────────────────────────────▶
 *        11  2.101  ◀───────────────────────── Certificate (2 certs)
 *        13  3.870  Alert: fatal unknown_ca (48) ────────────▶
 *                   ↳ answers the server's Certificate (frame 11)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "rules/facts.h"
#include "ui/text/text.h"
#include "ui/tui/core.h"
#include "ui/tui/draw.h"
#include "ui/tui/views.h"

struct sess {
	struct session_report *r;
	int opened;
};

enum {
	IT_HEAD = 1,
	IT_CHAIN = 100,	  /* + side * 200 + cert index; +150 store, +199 missing */
	IT_FIND = 1000,	  /* + finding index */
	IT_LADDER = 5000, /* + ladder index */
	IT_DETAIL = 20000,
};

/* ------------------------------------------------------------ chains */

static const char *cert_label(const struct cert_info *c, char *buf, size_t len)
{
	const char *cn = cert_cn(c);
	char sb[600];
	if (!c->parse_ok)
		snprintf(buf, len, "(unparseable certificate)");
	else if (cn)
		snprintf(buf, len, "CN=%s", tui_s(cn, sb, sizeof sb));
	else if (c->subject.rfc4514 && c->subject.rfc4514[0])
		snprintf(buf, len, "%s", tui_s(c->subject.rfc4514, sb, sizeof sb));
	else
		snprintf(buf, len, "(empty subject)");
	return buf;
}

static void tree_prefix(struct tui *t, struct doc *d, size_t depth)
{
	char p[128];
	size_t o = 0;
	p[0] = 0;
	o += (size_t)snprintf(p + o, sizeof p - o, "    ");
	if (depth > 0) {
		for (size_t k = 1; k < depth && o + 4 < sizeof p; k++)
			o += (size_t)snprintf(p + o, sizeof p - o, "   ");
		snprintf(p + o, sizeof p - o, "%s%s ", t->g.corner, t->g.hline);
	}
	doc_put(d, RL_DIM, p);
}

static void cert_node(struct tui *t, struct doc *d, const struct session_report *r, int side,
		      size_t i, size_t depth)
{
	const struct tls_chain *ch = &r->s->chain[side];
	const struct chain_view *cv = &r->chain[side];
	const struct cert_info *c = ch->certs[i];
	struct doc_line *l = doc_line(d, IT_CHAIN + side * 200 + (int)i);
	char lb[700];

	l->link = LINK_CERT;
	l->side = side;
	l->idx = (int)i;
	l->cert = c;
	tree_prefix(t, d, depth);
	doc_putf(d, RL_BOLD, "[%zu] ", i);
	doc_put(d, RL_BOLD, cert_label(c, lb, sizeof lb));
	if (cv->present && cv->status && i < cv->n) {
		doc_put(d, RL_NORMAL, "  ");
		doc_putf(d, tui_status_role(cv->status[i]), "(%s", cert_status_str(cv->status[i]));
		if (cv->problems && cv->problems[i] > 0)
			doc_putf(d, RL_ERR, ", %d problem%s", cv->problems[i],
				 cv->problems[i] == 1 ? "" : "s");
		doc_put(d, tui_status_role(cv->status[i]), ")");
	}
	if (c->parse_ok && c->self_issued)
		doc_put(d, RL_DIM, " self-signed");
}

static void chain_block(struct tui *t, struct doc *d, const struct session_report *r, int side)
{
	const struct tls_session *s = r->s;
	const struct tls_chain *ch = &s->chain[side];
	const struct chain_view *cv = &r->chain[side];
	const char *who = side == SIDE_SERVER ? "Server" : "Client";
	int base = IT_CHAIN + side * 200;
	char b[600];

	if (!ch->present) {
		if (side == SIDE_SERVER || s->cr.present) {
			doc_line(d, base);
			doc_putf(d, RL_HEAD, "%s chain", who);
			doc_put(d, RL_NORMAL, ": ");
			doc_put(d, RL_DIM,
				tls_handshake_hidden(s) ? "not visible (TLS 1.3 encrypts it)"
							: "not seen in the capture");
		}
		return;
	}
	doc_line(d, base);
	doc_putf(d, RL_HEAD, "%s chain", who);
	doc_putf(d, RL_NORMAL, " (frame %llu): ", (unsigned long long)ch->frame);
	/* The rules' words for the chain as a whole; a span that ends in a
	 * blank is followed by one. */
	for (size_t k = 0; k < cv->n_head; k++) {
		const char *prev = k ? cv->head[k - 1].text : "";
		size_t pl = strlen(prev);
		b[0] = ' ';
		tui_s(cv->head[k].text, b + 1, sizeof b - 1);
		doc_wrap(d, base, tui_tone_role(cv->head[k].tone),
			 pl && prev[pl - 1] == ' ' ? b : b + 1, 6, 1);
	}
	if (ch->n == 0)
		return;

	/* The rows the rules laid out: the path as a tree from the leaf, then
	 * what was sent off it. */
	for (size_t k = 0, nstore = 0; k < cv->n_rows; k++) {
		const struct chain_row *w = &cv->rows[k];
		struct doc_line *l;
		int ind = (int)(7 + 3 * w->depth);
		char sb[600];
		switch (w->kind) {
		case ROW_SENT: cert_node(t, d, r, side, (size_t)w->index, w->depth); break;
		case ROW_STORE:
			l = doc_line(d, base + 150 + (int)nstore++);
			l->link = LINK_CERT;
			l->side = side;
			l->idx = -1;
			l->cert = w->cert;
			tree_prefix(t, d, w->depth);
			doc_put(d, RL_BOLD, cert_label(w->cert, b, sizeof b));
			doc_put(d, RL_OK, "  (from the trust store)");
			break;
		case ROW_MISSING:
			doc_line(d, base + 199);
			tree_prefix(t, d, w->depth);
			doc_putf(d, tui_tone_role(w->tone), "[%s] ", w->tag ? w->tag : "missing");
			doc_wrap(d, base + 199, RL_BOLD, tui_s(w->name, sb, sizeof sb), ind, 1);
			snprintf(b, sizeof b, ": %s", w->note ? w->note : "");
			doc_wrap(d, base + 199, tui_tone_role(w->tone), b, ind, 1);
			if (w->url) {
				doc_line(d, base + 199);
				doc_putf(d, RL_NORMAL, "%*s", ind, "");
				doc_put(d, RL_NORMAL, "published at ");
				doc_wrap(d, base + 199, RL_INFO, tui_s(w->url, sb, sizeof sb), ind,
					 1);
			}
			break;
		case ROW_EXTRA:
			cert_node(t, d, r, side, (size_t)w->index, 0);
			doc_put(d, RL_DIM, "  not on the path");
			break;
		case ROW_DUPLICATE:
			cert_node(t, d, r, side, (size_t)w->index, 0);
			doc_putf(d, RL_DIM, "  duplicate of [%d]", w->dup_of);
			break;
		}
	}
}

/* ------------------------------------------------------------ findings */

static void finding_block(struct tui *t, struct doc *d, const struct session_report *r, size_t k)
{
	const struct finding *f = &r->f[k];
	struct doc_line *l = doc_line(d, IT_FIND + (int)k);
	struct dbuf b;
	char sb[4096];
	(void)t;

	if (f->cert >= 0 && (f->side == SIDE_CLIENT || f->side == SIDE_SERVER) &&
	    (size_t)f->cert < r->s->chain[f->side].n) {
		l->link = LINK_CERT;
		l->side = f->side;
		l->idx = f->cert;
		l->cert = r->s->chain[f->side].certs[f->cert];
	}
	doc_putf(d, tui_sev_role(f->sev), "  %-7s ", severity_str(f->sev));
	doc_put(d, RL_BOLD, f->id);
	dbuf_init(&b, DBUF_TEXT_MAX);
	dbuf_addf(&b, " (%s", basis_str(f->basis));
	if (f->side == SIDE_CLIENT || f->side == SIDE_SERVER) {
		dbuf_addf(&b, "; %s", side_str(f->side));
		if (f->cert >= 0)
			dbuf_addf(&b, " cert %d", f->cert);
	}
	if (f->field) {
		char fb[128];
		dbuf_addf(&b, ", %s", tui_s(f->field, fb, sizeof fb));
	}
	if (f->frame)
		dbuf_addf(&b, ", frame %llu", (unsigned long long)f->frame);
	dbuf_addstr(&b, ")");
	doc_put(d, RL_DIM, " ");
	doc_wrap(d, IT_FIND + (int)k, RL_DIM, dbuf_str(&b), 10, 1);
	dbuf_free(&b);
	if (f->message && f->message[0]) {
		doc_line(d, IT_FIND + (int)k);
		doc_put(d, RL_NORMAL, "          ");
		doc_wrap(d, IT_FIND + (int)k, RL_NORMAL, tui_s(f->message, sb, sizeof sb), 10, 1);
	}
	if (f->advice && f->advice[0]) {
		doc_line(d, IT_FIND + (int)k);
		doc_put(d, RL_OK, "          Fix: ");
		doc_wrap(d, IT_FIND + (int)k, RL_NORMAL, tui_s(f->advice, sb, sizeof sb), 15, 1);
	}
}

/* ------------------------------------------------------------ ladder */

static void fill(struct doc *d, int role, const char *glyph, int n)
{
	char buf[1024];
	size_t gl = strlen(glyph), o = 0;
	for (int i = 0; i < n && o + gl < sizeof buf; i++) {
		memcpy(buf + o, glyph, gl);
		o += gl;
	}
	buf[o] = 0;
	doc_put(d, role, buf);
}

/* The rows the rules laid out (rules/ladder.c), as two columns. */
static void ladder_block(struct tui *t, struct doc *d, const struct session_report *r)
{
	const struct tls_session *s = r->s;
	int area = d->width - 1 - 19;
	char cb[80], sb[80], h[160];

	if (area < 24)
		area = 24;
	if (area > 90) /* arrows wider than this only make the eye travel */
		area = 90;
	doc_blank(d, IT_LADDER - 1);
	doc_line(d, IT_LADDER - 1);
	doc_put(d, RL_HEAD, "Handshake");
	doc_put(d, RL_DIM, " (frame, milliseconds since the ClientHello)");
	doc_line(d, IT_LADDER - 1);
	doc_put(d, RL_DIM, "   frame        ms  ");
	snprintf(h, sizeof h, "client %s", endpoint_str(&s->client, cb, sizeof cb));
	doc_put(d, RL_BOLD, h);
	{
		int lw = text_width(h, strlen(h));
		snprintf(h, sizeof h, "server %s", endpoint_str(&s->server, sb, sizeof sb));
		int rw = text_width(h, strlen(h));
		fill(d, RL_NORMAL, " ", area - lw - rw > 1 ? area - lw - rw : 1);
		doc_put(d, RL_BOLD, h);
	}
	if (r->n_ladder == 0) {
		doc_line(d, IT_LADDER);
		doc_put(d, RL_DIM, "   (no handshake message seen)");
	}
	for (size_t i = 0; i < r->n_ladder; i++) {
		const struct ladder_row *w = &r->ladder[i];
		int item = IT_LADDER + (int)i, lw, arrow;
		int role = w->alert ? RL_ALERT : tui_tone_role(w->tone);
		int arole = w->alert ? RL_ERR : RL_DIM;
		char lb[320];

		doc_line(d, item);
		doc_putf(d, RL_DIM, "%8llu %9.3f  ", (unsigned long long)w->frame, w->ms);
		tui_s(w->label, lb, sizeof lb);
		lw = text_width(lb, strlen(lb));
		arrow = area - lw - 2;
		if (arrow < 2)
			arrow = 2;
		if (w->kind == LAD_GAP) {
			doc_put(d, role, w->side == SIDE_SERVER ? "server: " : "client: ");
			doc_put(d, role, lb);
		} else if (w->side == SIDE_CLIENT) {
			doc_put(d, role, lb);
			doc_put(d, RL_NORMAL, " ");
			fill(d, arole, t->g.hline, arrow - 1);
			doc_put(d, arole, t->g.rarrow);
		} else {
			doc_put(d, arole, t->g.larrow);
			fill(d, arole, t->g.hline, arrow - 1);
			doc_put(d, RL_NORMAL, " ");
			doc_put(d, role, lb);
		}
		if (w->note) {
			char nb[400];
			snprintf(h, sizeof h, "%s ", t->utf8 ? "\u21b3" : "->");
			doc_line(d, item);
			doc_put(d, RL_NORMAL, "                    ");
			doc_put(d, RL_ERR, h);
			doc_wrap(d, item, RL_ERR, tui_s(w->note, nb, sizeof nb), 22, 1);
		}
		/* The rules' reading of this alert. */
		if (w->finding >= 0 && (size_t)w->finding < r->nf && r->f[w->finding].message) {
			char fb[4096];
			doc_line(d, item);
			doc_put(d, RL_NORMAL, "                      ");
			doc_wrap(d, item, RL_NORMAL, tui_s(r->f[w->finding].message, fb, sizeof fb),
				 22, 1);
		}
	}
}

/* ------------------------------------------------------------ details */

static void kv(struct doc *d, int item, const char *k, int role, const char *v)
{
	doc_line(d, item);
	doc_putf(d, RL_DIM, "  %-14s ", k);
	doc_wrap(d, item, role, v, 17, 1);
}

static void details_block(struct tui *t, struct doc *d, const struct session_report *r)
{
	const struct tls_session *s = r->s;
	char b[1024], sb[600], tb[48], vb[16];
	int it = IT_DETAIL;
	(void)t;

	doc_blank(d, it);
	doc_line(d, it);
	doc_put(d, RL_HEAD, "Details");
	if (s->version)
		snprintf(b, sizeof b, "%s", version_text(s->version, vb, sizeof vb));
	else
		snprintf(b, sizeof b, "version unknown (no ServerHello seen)");
	if (s->sh.present) {
		const char *cn = tls_cipher_name(s->sh.cipher);
		size_t o = strlen(b);
		if (cn)
			snprintf(b + o, sizeof b - o, ", cipher %s", cn);
		else
			snprintf(b + o, sizeof b - o, ", cipher 0x%04x", s->sh.cipher);
	}
	kv(d, it + 1, "TLS", RL_NORMAL, b);
	if (s->starttls)
		kv(d, it + 2, "STARTTLS", RL_NORMAL, tui_s(s->starttls, sb, sizeof sb));
	if (dtls_text(s, b, sizeof b))
		kv(d, it + 2, "DTLS", RL_NORMAL, b);
	if (s->ch.present) {
		kv(d, it + 3, "SNI", s->ch.sni ? RL_NORMAL : RL_DIM,
		   s->ch.sni ? tui_s(s->ch.sni, sb, sizeof sb) : "(none)");
		if (s->ch.alpn.n || s->sh.alpn) {
			struct dbuf ab;
			dbuf_init(&ab, DBUF_TEXT_MAX);
			for (size_t i = 0; i < s->ch.alpn.n; i++)
				dbuf_addf(&ab, "%s%s", i ? ", " : "offered ",
					  tui_s(s->ch.alpn.v[i], sb, sizeof sb));
			if (s->sh.alpn)
				dbuf_addf(&ab, "%sselected %s", ab.len ? "; " : "",
					  tui_s(s->sh.alpn, sb, sizeof sb));
			kv(d, it + 4, "ALPN", RL_NORMAL, dbuf_str(&ab));
			dbuf_free(&ab);
		}
		if (s->ch.ja3[0])
			kv(d, it + 5, "JA3", RL_NORMAL, s->ch.ja3);
		if (s->ch.ja4[0])
			kv(d, it + 6, "JA4", RL_NORMAL, tui_s(s->ch.ja4, sb, sizeof sb));
	}
	if (r->expected_name) {
		char eb[600];
		snprintf(b, sizeof b, "%s (from %s)", tui_s(r->expected_name, sb, sizeof sb),
			 tui_s(r->expected_name_source ? r->expected_name_source : "?", eb,
			       sizeof eb));
		kv(d, it + 7, "Expected name", RL_NORMAL, b);
	}
	snprintf(b, sizeof b, "%s, frames %llu-%llu%s", ui_when_us(s->start_ts, tb, sizeof tb),
		 (unsigned long long)s->first_frame, (unsigned long long)s->last_frame,
		 s->flow_midstream ? ", capture began mid-connection" : "");
	kv(d, it + 8, "Started", RL_NORMAL, b);
	kv(d, it + 9, "Capture", RL_NORMAL, tui_s(s->file ? s->file : "-", sb, sizeof sb));
	if (s->cr.present) {
		snprintf(b, sizeof b, "requested by the server (frame %llu); %s",
			 (unsigned long long)s->cr.frame,
			 s->cr.n_ca ? "acceptable CAs:" : "any CA");
		kv(d, it + 10, "Client cert", RL_NORMAL, b);
		for (size_t i = 0; i < s->cr.n_ca; i++) {
			doc_line(d, it + 10);
			doc_put(d, RL_NORMAL, "                   ");
			doc_wrap(d, it + 10, RL_NORMAL,
				 tui_s(s->cr.ca_names[i] ? s->cr.ca_names[i] : "(undecodable name)",
				       sb, sizeof sb),
				 19, 1);
		}
	}
	if (r->cisco_uc && r->service)
		kv(d, it + 11, "Service", RL_NORMAL, "Cisco UC port (CUCM/Expressway rules apply)");
	if (s->n_notes) {
		doc_line(d, it + 12);
		doc_put(d, RL_HEAD, "Notes");
		for (size_t i = 0; i < s->n_notes; i++) {
			const struct tls_note *n = &s->notes[i];
			doc_line(d, it + 13 + (int)i);
			doc_putf(d, RL_DIM, "  frame %llu, %s: ", (unsigned long long)n->frame,
				 side_str(n->side));
			doc_wrap(d, it + 13 + (int)i, RL_WARN,
				 tui_s(i < r->n_notes ? r->notes[i] : "", b, sizeof b), 4, 1);
		}
	}
}

/* ------------------------------------------------------------ build */

/* The line the cursor starts on: the certificate the blame points at. */
static size_t default_line(const struct doc *d, const struct session_report *r)
{
	const struct finding *w = report_worst(r);
	int side = -1, want = -1;

	if (w && (w->side == SIDE_CLIENT || w->side == SIDE_SERVER)) {
		side = w->side;
		if (w->cert >= 0)
			want = w->cert;
		/* An alert finding names its sender: the rejected chain is
		 * the other side's. */
		if (w->id && strcmp(w->id, "fatal_alert") == 0) {
			side = !w->side;
			want = -1;
		}
	}
	/* An alert is sent by the side that rejected the other's chain. */
	if (side < 0)
		for (size_t i = 0; i < r->s->n_alerts; i++)
			if (!r->s->alerts[i].encrypted && r->s->alerts[i].level == 2) {
				side = !r->s->alerts[i].side;
				break;
			}
	if (side >= 0 && want < 0) {
		/* Any error finding naming one of that chain's certificates. */
		for (size_t k = 0; k < r->nf && want < 0; k++)
			if (r->f[k].side == side && r->f[k].cert >= 0 && r->f[k].sev == SEV_ERROR)
				want = r->f[k].cert;
		const struct chain_view *cv = &r->chain[side];
		if (want < 0 && cv->present && cv->problems)
			for (size_t i = 0; i < cv->n && want < 0; i++)
				if (cv->problems[i] > 0)
					want = (int)i;
		if (want < 0 && cv->present && cv->status)
			for (size_t k = 0; k < cv->path_len && want < 0; k++)
				if (tui_status_role(cv->status[cv->path[k]]) == RL_ERR)
					want = (int)cv->path[k];
		if (want < 0)
			want = 0;
	}
	if (side < 0 && r->verdict != VERDICT_OK)
		side = SIDE_SERVER, want = 0;
	if (side < 0)
		return 0;
	for (size_t i = 0; i < d->n; i++)
		if (d->l[i].link == LINK_CERT && d->l[i].side == side && d->l[i].idx == want &&
		    d->l[i].item < IT_FIND)
			return i;
	return 0;
}

static void sess_open(struct tui *t, struct view *v)
{
	struct sess *S = v->priv;
	const struct session_report *r = S->r;
	struct doc *d = &v->doc;
	int had = d->n > 0, item = had && v->cur < d->n ? d->l[v->cur].item : 0;
	int off = (int)(v->cur - v->top);
	char hb[4096];

	doc_free(d);
	d->width = t->cols;
	v->header_rows = 1;

	/* Who rejected whom and why: first, always. */
	doc_line(d, IT_HEAD);
	{
		char vb[32];
		snprintf(vb, sizeof vb, "%s", verdict_label(r->verdict));
		for (char *p = vb; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		doc_put(d, tui_verdict_role(r->verdict), vb);
		doc_put(d, RL_NORMAL, "  ");
		doc_wrap(d, IT_HEAD, RL_BOLD,
			 tui_s(r->headline && r->headline[0] ? r->headline : "(no summary)", hb,
			       sizeof hb),
			 (int)strlen(vb) + 2, 1);
	}
	if (r->outcome_text && r->outcome_text[0]) {
		doc_line(d, IT_HEAD);
		doc_put(d, RL_DIM, "Outcome: ");
		doc_wrap(d, IT_HEAD, RL_NORMAL, tui_s(r->outcome_text, hb, sizeof hb), 9, 1);
	}
	doc_blank(d, IT_HEAD);

	if (tls_handshake_hidden(r->s)) {
		doc_line(d, IT_CHAIN);
		doc_put(d, RL_WARN, "Certificates not visible: TLS 1.3");
		doc_put(d, RL_NORMAL, " (the handshake encrypts them)");
	} else {
		chain_block(t, d, r, SIDE_SERVER);
		chain_block(t, d, r, SIDE_CLIENT);
	}

	doc_blank(d, IT_FIND - 1);
	doc_line(d, IT_FIND - 1);
	doc_putf(d, RL_HEAD, "Findings (%zu)", r->nf);
	if (!r->nf)
		doc_put(d, RL_DIM, ": none");
	for (size_t k = 0; k < r->nf; k++)
		finding_block(t, d, r, k);

	ladder_block(t, d, r);
	details_block(t, d, r);

	v->nlines = d->n;
	if (had) {
		tui_doc_rebuilt(t, v, item, off, had);
	} else {
		tui_focus(t, v, default_line(d, r));
		/* Keep the headline on screen when the cursor allows it. */
		if (v->cur < (size_t)tui_body_rows(t, v))
			v->top = 0;
	}
}

static void sess_header(struct tui *t, struct view *v)
{
	struct sess *S = v->priv;
	const struct tls_session *s = S->r->s;
	char b[600], cb[80], sb[80], nb[300], vb[16];
	snprintf(b, sizeof b, "Session %llu  %s %s %s%s%s", (unsigned long long)s->id,
		 endpoint_str(&s->client, cb, sizeof cb), t->g.rarrow,
		 endpoint_str(&s->server, sb, sizeof sb), S->r->service ? "  " : "",
		 S->r->service ? tui_s(S->r->service, nb, sizeof nb) : "");
	if (s->version) {
		size_t o = strlen(b);
		snprintf(b + o, sizeof b - o, "  %s", version_text(s->version, vb, sizeof vb));
	}
	tui_title(t, 0, b);
}

static const struct doc_line *link_at(struct view *v, int want_cert)
{
	if (v->cur >= v->doc.n)
		return NULL;
	const struct doc_line *l = &v->doc.l[v->cur];
	if (want_cert && l->link != LINK_CERT)
		return NULL;
	return l;
}

static int sess_handle(struct tui *t, struct view *v, enum ui_action a)
{
	struct sess *S = v->priv;
	const struct doc_line *l;
	switch (a) {
	case ACT_OPEN:
		l = link_at(v, 1);
		if (!l)
			tui_message(t, RL_NORMAL, "Enter opens a certificate: move to one (Tab)");
		else
			tui_open_cert(t, S->r, l->side, l->idx, l->cert);
		return 1;
	case ACT_NEXT_LINK:
	case ACT_PREV_LINK: {
		size_t n = v->doc.n;
		for (size_t k = 1; k <= n; k++) {
			size_t i = a == ACT_NEXT_LINK ? (v->cur + k) % n : (v->cur + n - k % n) % n;
			if (v->doc.l[i].link == LINK_CERT && v->doc.l[i].item < IT_FIND) {
				tui_focus(t, v, i);
				return 1;
			}
		}
		tui_message(t, RL_NORMAL, "no certificate in this session");
		return 1;
	}
	case ACT_EXPORT:
	case ACT_EXPORT_CHAIN:
		l = link_at(v, 1);
		if (!l) {
			tui_message(t, RL_NORMAL, "move to a certificate first (Tab), then e or E");
			return 1;
		}
		tui_export(t, S->r, l->side, l->idx, l->cert, a == ACT_EXPORT_CHAIN);
		return 1;
	default: return 0;
	}
}

static void sess_close(struct view *v)
{
	doc_free(&v->doc);
	free(v->priv);
	v->priv = NULL;
}

const struct view_ops tui_session_ops = {
	"session",	   SCR_SESSION, sess_open,	   sess_header,
	tui_doc_draw_line, sess_handle, tui_doc_line_text, sess_close,
};

void tui_open_session(struct tui *t, struct session_report *r)
{
	struct sess *S = xcalloc(1, sizeof *S);
	S->r = r;
	tui_push(t, &tui_session_ops, S);
}

/*
 * draw.c - what the TUI's views draw with: display widths of
 * sanitised UTF-8, Unicode or ASCII glyphs, colour roles (with a
 * no-colour mapping so nothing depends on colour alone), word-wrapped
 * documents, and small formatting helpers shared by the views.
 *
 * Every string drawn here is display-safe: wire strings went through
 * ui_sanitize() (tui_s, doc_put_wire) before they reach tui_put(). In a
 * locale that is not UTF-8, any non-ASCII character is drawn as '?' so the
 * terminal never receives bytes it would misread.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wchar.h>

#include "capture/xalloc.h"
#include "ui/text/text.h"
#include "ui/tui/draw.h"

static int g_utf8;		    /* locale is UTF-8 */
static attr_t role_attr[RL__COUNT]; /* curses attributes of each role */

/* ------------------------------------------------------------ glyphs, roles */

void tui_glyphs_init(struct tui *t)
{
	g_utf8 = t->utf8;
	text_width_utf8(t->utf8);
	if (t->utf8) {
		t->g = (struct tui_glyphs){ "\u2502", "\u2500", "\u251c", "\u2514", "\u25b6",
					    "\u25c0", "\u2026", "\u2013", "\u2191", "\u2193" };
	} else {
		t->g = (struct tui_glyphs){ "|", "-", "|", "`", ">", "<", "~", "-", "^", "v" };
	}
}

enum { P_TITLE = 1, P_HEAD, P_OK, P_WARN, P_ERR, P_ALERT, P_INFO, P_DIM };

void tui_roles_init(struct tui *t)
{
	if (t->color) {
		short bg = -1;
		if (use_default_colors() != OK)
			bg = COLOR_BLACK;
		init_pair(P_TITLE, COLOR_WHITE, COLOR_BLUE);
		init_pair(P_HEAD, COLOR_CYAN, bg);
		init_pair(P_OK, COLOR_GREEN, bg);
		init_pair(P_WARN, COLOR_YELLOW, bg);
		init_pair(P_ERR, COLOR_RED, bg);
		init_pair(P_ALERT, COLOR_WHITE, COLOR_RED);
		init_pair(P_INFO, COLOR_CYAN, bg);
		init_pair(P_DIM, COLOR_BLUE, bg);
		role_attr[RL_NORMAL] = A_NORMAL;
		role_attr[RL_TITLE] = COLOR_PAIR(P_TITLE);
		role_attr[RL_HEAD] = COLOR_PAIR(P_HEAD) | A_BOLD;
		role_attr[RL_BOLD] = A_BOLD;
		role_attr[RL_DIM] = A_DIM;
		role_attr[RL_OK] = COLOR_PAIR(P_OK);
		role_attr[RL_WARN] = COLOR_PAIR(P_WARN) | A_BOLD;
		role_attr[RL_ERR] = COLOR_PAIR(P_ERR) | A_BOLD;
		role_attr[RL_ALERT] = COLOR_PAIR(P_ALERT) | A_BOLD;
		role_attr[RL_KEY] = COLOR_PAIR(P_TITLE) | A_BOLD;
		role_attr[RL_INFO] = COLOR_PAIR(P_INFO);
	} else {
		/* Monochrome (vt100, NO_COLOR): bold and underline carry the
		 * meaning; every verdict and status is also spelt out. */
		role_attr[RL_NORMAL] = A_NORMAL;
		role_attr[RL_TITLE] = A_REVERSE;
		role_attr[RL_HEAD] = A_BOLD | A_UNDERLINE;
		role_attr[RL_BOLD] = A_BOLD;
		role_attr[RL_DIM] = A_NORMAL;
		role_attr[RL_OK] = A_NORMAL;
		role_attr[RL_WARN] = A_BOLD;
		role_attr[RL_ERR] = A_BOLD;
		role_attr[RL_ALERT] = A_BOLD | A_UNDERLINE;
		role_attr[RL_KEY] = A_REVERSE | A_BOLD;
		role_attr[RL_INFO] = A_NORMAL;
	}
}

static attr_t attr_of(int role, int selected)
{
	attr_t a = role >= 0 && role < RL__COUNT ? role_attr[role] : A_NORMAL;
	if (selected)
		a = (a & ~(attr_t)A_UNDERLINE) | A_REVERSE;
	return a;
}

/* ------------------------------------------------------------ drawing */

int tui_put(struct tui *t, int y, int x, int maxw, int role, int selected, const char *text)
{
	size_t n = strlen(text), i = 0, k = 0;
	wchar_t buf[512];
	int used = 0, total = text_width(text, n);
	int limit = maxw;
	(void)t;

	if (maxw <= 0 || y < 0 || x < 0)
		return 0;
	if (total > maxw && maxw >= 2)
		limit = maxw - 1; /* room for the ellipsis */
	while (i < n && k + 2 < sizeof buf / sizeof buf[0]) {
		wchar_t d;
		uint32_t cp = text_next_cp(text, n, &i);
		int w = text_cp_cols(cp, &d);
		if (w == 0)
			continue;
		if (used + w > limit)
			break;
		buf[k++] = d;
		used += w;
	}
	if (total > maxw && maxw >= 2 && used < maxw) {
		buf[k++] = g_utf8 ? L'\u2026' : L'~';
		used++;
	}
	buf[k] = 0;
	attrset((int)attr_of(role, selected));
	mvaddnwstr(y, x, buf, (int)k);
	attrset(A_NORMAL);
	return used;
}

void tui_fill(struct tui *t, int y, int x, int role, int selected)
{
	if (x >= t->cols)
		return;
	attrset((int)attr_of(role, selected));
	mvhline(y, x, ' ', t->cols - x);
	attrset(A_NORMAL);
}

void tui_title(struct tui *t, int y, const char *text)
{
	tui_fill(t, y, 0, RL_TITLE, 0);
	tui_put(t, y, 1, t->cols - 2, RL_TITLE, 0, text);
}

/* ------------------------------------------------------------ documents */

void doc_free(struct doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		for (size_t k = 0; k < d->l[i].n; k++)
			free(d->l[i].sp[k].text);
		free(d->l[i].sp);
		free(d->l[i].plain);
	}
	free(d->l);
	d->l = NULL;
	d->n = d->cap = 0;
}

struct doc_line *doc_line(struct doc *d, int item)
{
	struct doc_line l;
	memset(&l, 0, sizeof l);
	l.item = item;
	l.idx = -1;
	l.side = -1;
	VEC_PUSH(d->l, d->n, d->cap, l);
	return &d->l[d->n - 1];
}

void doc_put(struct doc *d, int role, const char *text)
{
	struct doc_span sp = { role, xstrdup(text ? text : "") };
	struct doc_line *l = d->n ? &d->l[d->n - 1] : doc_line(d, 0);
	VEC_PUSH(l->sp, l->n, l->cap, sp);
	free(l->plain);
	l->plain = NULL;
}

void doc_putf(struct doc *d, int role, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	doc_put(d, role, buf);
}

void doc_put_wire(struct doc *d, int role, const char *text)
{
	char *s = ui_sanitize(text ? text : "");
	doc_put(d, role, s);
	free(s);
}

static int line_cols(const struct doc_line *l)
{
	int w = 0;
	for (size_t k = 0; k < l->n; k++)
		w += text_width(l->sp[k].text, strlen(l->sp[k].text));
	return w;
}

void doc_wrap(struct doc *d, int item, int role, const char *text, int indent, int cont)
{
	int width = d->width > 10 ? d->width - 1 : 10;
	const char *p = text ? text : "";
	/* Continuing a line, a leading blank separates from what is there. */
	int col, need_space = cont && p[0] == ' ';
	char *pad;

	if (indent > width / 2)
		indent = width / 2;
	pad = xcalloc((size_t)indent + 1, 1);
	memset(pad, ' ', (size_t)indent);
	if (!cont || d->n == 0) {
		doc_line(d, item);
		col = 0;
	} else {
		col = line_cols(&d->l[d->n - 1]);
		item = d->l[d->n - 1].item;
	}
	if (!*p)
		doc_put(d, role, "");
	const char *w;
	size_t wl;
	while ((w = text_next_word(&p, &wl)) != NULL) {
		int ww = text_width(w, wl);
		if (col > indent && col + need_space + ww > width) {
			doc_line(d, item);
			doc_put(d, RL_NORMAL, pad);
			col = indent;
			need_space = 0;
		}
		if (need_space) {
			doc_put(d, role, " ");
			col++;
		}
		/* A word longer than a line is cut where the line ends. */
		while (ww > width - col && width - col > 0) {
			size_t i = 0, cut = 0;
			int used = 0;
			while (i < wl) {
				wchar_t dch;
				size_t j = i;
				uint32_t cp = text_next_cp(w, wl, &j);
				int cw = text_cp_cols(cp, &dch);
				if (used + cw > width - col)
					break;
				used += cw;
				i = j;
				cut = i;
			}
			if (cut == 0)
				break;
			char *part = xstrndup(w, cut);
			doc_put(d, role, part);
			free(part);
			w += cut;
			wl -= cut;
			ww = text_width(w, wl);
			doc_line(d, item);
			doc_put(d, RL_NORMAL, pad);
			col = indent;
		}
		char *word = xstrndup(w, wl);
		doc_put(d, role, word);
		free(word);
		col += ww;
		need_space = 1;
	}
	free(pad);
}

void doc_blank(struct doc *d, int item)
{
	doc_line(d, item);
}

const char *doc_text(struct doc *d, size_t i)
{
	struct doc_line *l;
	size_t len = 0;
	if (i >= d->n)
		return "";
	l = &d->l[i];
	if (!l->plain) {
		for (size_t k = 0; k < l->n; k++)
			len += strlen(l->sp[k].text);
		l->plain = xcalloc(len + 1, 1);
		for (size_t k = 0; k < l->n; k++)
			strcat(l->plain, l->sp[k].text);
	}
	return l->plain;
}

void tui_doc_draw_line(struct tui *t, struct view *v, size_t line, int y, int selected)
{
	const struct doc_line *l;
	int x = 0;
	if (line >= v->doc.n)
		return;
	l = &v->doc.l[line];
	for (size_t k = 0; k < l->n && x < t->cols; k++)
		x += tui_put(t, y, x, t->cols - x, l->sp[k].role, selected, l->sp[k].text);
	if (selected)
		tui_fill(t, y, x, RL_NORMAL, 1);
}

const char *tui_doc_line_text(struct tui *t, struct view *v, size_t line)
{
	(void)t;
	return doc_text(&v->doc, line);
}

/* ------------------------------------------------------------ helpers */

const char *tui_s(const char *wire, char *buf, size_t len)
{
	return ui_sanitize_buf(wire ? wire : "", buf, len);
}

const char *tui_hex_colons(const uint8_t *p, size_t n, char *buf, size_t len)
{
	size_t o = 0;
	if (len)
		buf[0] = 0;
	for (size_t i = 0; i < n && o + 4 <= len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%02X", i ? ":" : "", p[i]);
	return buf;
}

int tui_verdict_role(enum verdict v)
{
	switch (v) {
	case VERDICT_OK: return RL_OK;
	case VERDICT_WARNING: return RL_WARN;
	case VERDICT_FAILED:
	case VERDICT_AT_RISK: return RL_ERR;
	default: return RL_DIM;
	}
}

int tui_sev_role(enum severity s)
{
	return s == SEV_ERROR ? RL_ERR : s == SEV_WARNING ? RL_WARN : RL_INFO;
}

int tui_tone_role(enum tone t)
{
	switch (t) {
	case TONE_GOOD: return RL_OK;
	case TONE_WARN: return RL_WARN;
	case TONE_BAD: return RL_ERR;
	case TONE_DIM: return RL_DIM;
	case TONE_PLAIN: break;
	}
	return RL_NORMAL;
}

int tui_status_role(enum cert_status s)
{
	return tui_tone_role(cert_status_tone(s));
}

int tui_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0)
		return 1;
	for (const char *p = hay; *p; p++)
		if (strncasecmp(p, needle, n) == 0)
			return 1;
	return 0;
}

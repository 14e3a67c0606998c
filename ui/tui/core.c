/*
 * core.c - the TUI's core (ui/tui/core.h): the stack of views, the status
 * line's messages and prompts, search, the frame (header, body, status
 * line) and what a key does. It reaches a view only through its ops
 * (open, draw_header, draw_line, handle, line_text, close), and the help
 * view through the hook the run loop set: it calls no view by name.
 *
 * Only this file and draw.c draw; signal handlers never do.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "ui/text/text.h"
#include "ui/tui/core.h"
#include "ui/tui/draw.h"
#include "ui/tui/keys.h"

/* ------------------------------------------------------------ views */

struct view *tui_top(struct tui *t)
{
	return t->depth ? t->stack[t->depth - 1] : NULL;
}

int tui_body_rows(const struct tui *t, const struct view *v)
{
	int r = t->rows - v->header_rows - 1;
	return r > 0 ? r : 0;
}

void tui_clamp(struct tui *t, struct view *v)
{
	size_t body = (size_t)tui_body_rows(t, v);
	if (v->nlines == 0) {
		v->cur = v->top = 0;
		return;
	}
	if (v->cur >= v->nlines)
		v->cur = v->nlines - 1;
	if (body == 0) {
		v->top = v->cur;
		return;
	}
	if (v->top + body > v->nlines)
		v->top = v->nlines > body ? v->nlines - body : 0;
	if (v->cur < v->top)
		v->top = v->cur;
	if (v->cur >= v->top + body)
		v->top = v->cur - body + 1;
}

void tui_focus(struct tui *t, struct view *v, size_t line)
{
	size_t body = (size_t)tui_body_rows(t, v);
	v->cur = line;
	if (line < body)
		v->top = 0;
	else
		v->top = line - body / 3;
	tui_clamp(t, v);
}

void tui_push(struct tui *t, const struct view_ops *ops, void *priv)
{
	struct view *v;
	if (t->depth == sizeof t->stack / sizeof t->stack[0]) {
		tui_message(t, RL_WARN, "too many screens open: press q to go back");
		if (ops->close) {
			struct view tmp;
			memset(&tmp, 0, sizeof tmp);
			tmp.priv = priv;
			ops->close(&tmp);
		}
		return;
	}
	v = xcalloc(1, sizeof *v);
	v->ops = ops;
	v->priv = priv;
	v->header_rows = 1;
	t->stack[t->depth++] = v;
	ops->open(t, v);
	tui_clamp(t, v);
}

void tui_pop(struct tui *t)
{
	struct view *v;
	if (!t->depth)
		return;
	v = t->stack[--t->depth];
	if (v->ops->close)
		v->ops->close(v);
	free(v);
}

void tui_model_changed(struct tui *t)
{
	for (size_t i = 0; i < t->depth; i++) {
		t->stack[i]->ops->open(t, t->stack[i]);
		tui_clamp(t, t->stack[i]);
	}
}

/* ------------------------------------------------------------ messages, prompts */

void tui_message(struct tui *t, int role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof t->msg, fmt, ap);
	va_end(ap);
	t->msg_role = role;
}

void tui_prompt(struct tui *t, const char *label, const char *initial, prompt_done_fn done,
		void *ctx)
{
	memset(&t->prompt, 0, sizeof t->prompt);
	t->prompt.active = 1;
	snprintf(t->prompt.label, sizeof t->prompt.label, "%s", label);
	if (initial) {
		snprintf(t->prompt.buf, sizeof t->prompt.buf, "%s", initial);
		t->prompt.len = strlen(t->prompt.buf);
	}
	t->prompt.done = done;
	t->prompt.ctx = ctx;
}

void tui_ask(struct tui *t, const char *question, prompt_done_fn done, void *ctx)
{
	tui_prompt(t, question, NULL, done, ctx);
	t->prompt.yesno = 1;
}

void tui_prompt_finish(struct tui *t, int accepted)
{
	char text[sizeof t->prompt.buf];
	prompt_done_fn done = t->prompt.done;
	void *ctx = t->prompt.ctx;
	memcpy(text, t->prompt.buf, sizeof text);
	t->prompt.active = 0;
	/* done() may open the next prompt (export: "overwrite?"). */
	if (done)
		done(t, accepted, text, ctx);
}

static void prompt_key(struct tui *t, int key)
{
	if (t->prompt.yesno) {
		snprintf(t->prompt.buf, sizeof t->prompt.buf, "%c",
			 key > 0 && key < 128 ? key : '?');
		tui_prompt_finish(t, key == 'y' || key == 'Y');
		return;
	}
	switch (key) {
	case '\n':
	case '\r':
	case KEY_ENTER: tui_prompt_finish(t, 1); return;
	case 27:
	case 7: /* C-g */ tui_prompt_finish(t, 0); return;
	case '\t':
		if (t->prompt.tab)
			t->prompt.tab(t, t->prompt.ctx);
		return;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		/* One character: back over UTF-8 continuation bytes. */
		while (t->prompt.len > 0) {
			unsigned char c = (unsigned char)t->prompt.buf[--t->prompt.len];
			if ((c & 0xc0) != 0x80)
				break;
		}
		t->prompt.buf[t->prompt.len] = 0;
		return;
	case 21: /* C-u */
		t->prompt.len = 0;
		t->prompt.buf[0] = 0;
		return;
	case 23: /* C-w: the last word */
		while (t->prompt.len > 0 && t->prompt.buf[t->prompt.len - 1] == ' ')
			t->prompt.len--;
		while (t->prompt.len > 0 && t->prompt.buf[t->prompt.len - 1] != ' ' &&
		       t->prompt.buf[t->prompt.len - 1] != '/')
			t->prompt.len--;
		t->prompt.buf[t->prompt.len] = 0;
		return;
	default:
		if (key >= 0x20 && key < 0x100 && key != 0x7f &&
		    t->prompt.len + 1 < sizeof t->prompt.buf) {
			t->prompt.buf[t->prompt.len++] = (char)key;
			t->prompt.buf[t->prompt.len] = 0;
		}
		return;
	}
}

/* ------------------------------------------------------------ search */

static void search_step(struct tui *t, int dir)
{
	struct view *v = tui_top(t);
	size_t n = v->nlines;
	char shown[300];
	if (!t->search[0]) {
		tui_message(t, RL_WARN, "no search yet: press / first");
		return;
	}
	tui_s(t->search, shown, sizeof shown);
	if (!v->ops->line_text || n == 0) {
		tui_message(t, RL_WARN, "nothing to search here");
		return;
	}
	for (size_t k = 1; k <= n; k++) {
		size_t i = dir > 0 ? (v->cur + k) % n : (v->cur + n - (k % n)) % n;
		if (tui_contains(v->ops->line_text(t, v, i), t->search)) {
			if ((dir > 0 && i <= v->cur) || (dir < 0 && i >= v->cur))
				tui_message(t, RL_INFO, "\"%s\": wrapped around", shown);
			tui_focus(t, v, i);
			if (i == v->cur && k == n)
				tui_message(t, RL_INFO, "\"%s\": only this line matches", shown);
			return;
		}
	}
	tui_message(t, RL_WARN, "not found: %s", shown);
}

static void search_done(struct tui *t, int ok, const char *text, void *ctx)
{
	(void)ctx;
	if (!ok)
		return;
	if (text[0])
		snprintf(t->search, sizeof t->search, "%s", text);
	search_step(t, +1);
}

/* ------------------------------------------------------------ layout */

static void on_resize(struct tui *t)
{
	getmaxyx(stdscr, t->rows, t->cols);
	t->too_small = t->cols < MIN_COLS || t->rows < MIN_ROWS;
	if (!t->too_small)
		tui_model_changed(t);
	clearok(curscr, TRUE);
}

/* ------------------------------------------------------------ drawing */

static void draw_status(struct tui *t, struct view *v)
{
	int y = t->rows - 1, x = 1;
	char buf[1200];

	tui_fill(t, y, 0, RL_TITLE, 0);
	if (t->prompt.active) {
		int lw, room, bw;
		const char *b;
		x += tui_put(t, y, x, t->cols - 2, RL_KEY, 0, t->prompt.label);
		x += tui_put(t, y, x, t->cols - x, RL_TITLE, 0, " ");
		tui_s(t->prompt.buf, buf, sizeof buf);
		/* Show the end of a long entry: that is where typing happens. */
		b = buf;
		room = t->cols - x - 1;
		lw = text_width(b, strlen(b));
		while (lw > room && *b) {
			b++;
			while ((*b & 0xc0) == 0x80)
				b++;
			lw = text_width(b, strlen(b));
		}
		bw = tui_put(t, y, x, room, RL_TITLE, 0, b);
		move(y, x + bw);
		curs_set(1);
		return;
	}
	curs_set(0);
	if (t->msg[0]) {
		tui_put(t, y, x, t->cols - 2, t->msg_role == RL_NORMAL ? RL_TITLE : RL_KEY, 0,
			t->msg);
		return;
	}
	{
		const char *words[16];
		size_t n = tui_status_keys(v->ops->screen, words, 16);
		enum ui_action acts[16];
		int keep[16], room, pw;
		char pos[48];
		if (v->nlines)
			snprintf(pos, sizeof pos, "%zu/%zu", v->cur + 1, v->nlines);
		else
			snprintf(pos, sizeof pos, "0/0");
		pw = text_width(pos, strlen(pos));
		room = t->cols - pw - 3;
		tui_status_acts(v->ops->screen, acts, 16);
		/* Help and the way out always show; the rest while it fits. */
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < n; i++) {
				int essential = acts[i] == ACT_HELP || acts[i] == ACT_BACK ||
						acts[i] == ACT_QUIT;
				int need = text_width(words[i], strlen(words[i])) + 2;
				if (pass == 0)
					keep[i] = 0;
				if (pass == 0 ? !essential : essential || keep[i])
					continue;
				if (need <= room) {
					keep[i] = 1;
					room -= need;
				}
			}
		for (size_t i = 0; i < n; i++) {
			const char *w = words[i], *sp = strchr(w, ' ');
			char key[32];
			size_t kl = sp ? (size_t)(sp - w) : strlen(w);
			if (!keep[i])
				continue;
			snprintf(key, sizeof key, "%.*s", (int)kl, w);
			x += tui_put(t, y, x, t->cols - x, RL_KEY, 0, key);
			x += tui_put(t, y, x, t->cols - x, RL_TITLE, 0, sp ? sp : "");
			x += tui_put(t, y, x, t->cols - x, RL_TITLE, 0, "  ");
		}
		tui_put(t, y, t->cols - pw - 1, pw, RL_TITLE, 0, pos);
	}
}

void tui_draw(struct tui *t)
{
	struct view *v = tui_top(t);
	erase();
	if (t->too_small || !v) {
		char m[128];
		snprintf(m, sizeof m, "window too small: %dx%d, needs %dx%d (q quits)", t->cols,
			 t->rows, MIN_COLS, MIN_ROWS);
		for (int y = 0, off = 0; y < t->rows && off < (int)strlen(m); y++) {
			char part[128];
			snprintf(part, sizeof part, "%.*s", t->cols, m + off);
			tui_put(t, y, 0, t->cols, RL_BOLD, 0, part);
			off += t->cols;
		}
		refresh();
		return;
	}
	tui_clamp(t, v);
	v->ops->draw_header(t, v);
	for (int i = 0; i < tui_body_rows(t, v); i++) {
		size_t line = v->top + (size_t)i;
		if (line >= v->nlines)
			break;
		v->ops->draw_line(t, v, line, v->header_rows + i, line == v->cur);
	}
	draw_status(t, v);
	refresh();
}

/* ------------------------------------------------------------ keys */

void tui_handle_key(struct tui *t, int key)
{
	struct view *v = tui_top(t);
	enum ui_action a;
	size_t body;

	if (key == KEY_RESIZE) {
		/* The status line goes back to the keys of the new layout. */
		t->msg[0] = 0;
		on_resize(t);
		return;
	}
	if (t->prompt.active) {
		prompt_key(t, key);
		return;
	}
	t->msg[0] = 0;
	if (!v)
		return;
	a = tui_key_action(key, v->ops->screen);
	if (t->too_small) {
		/* Only leaving works on a screen too small to show anything. */
		if (a == ACT_QUIT || (a == ACT_BACK && t->depth == 1))
			t->quit = 1;
		else if (a == ACT_BACK)
			tui_pop(t);
		return;
	}
	if (a == ACT_NONE) {
		if (key >= 0x20 && key < 0x7f)
			tui_message(t, RL_NORMAL, "'%c' does nothing here: ? shows the keys", key);
		return;
	}
	if (v->ops->handle && v->ops->handle(t, v, a))
		return;
	body = (size_t)tui_body_rows(t, v);
	if (body == 0)
		body = 1;
	switch (a) {
	case ACT_UP:
		if (v->cur > 0)
			v->cur--;
		break;
	case ACT_DOWN:
		if (v->cur + 1 < v->nlines)
			v->cur++;
		break;
	case ACT_PGUP:
		v->cur = v->cur > body ? v->cur - body : 0;
		v->top = v->top > body ? v->top - body : 0;
		break;
	case ACT_PGDN:
		if (v->nlines) {
			v->cur = v->cur + body < v->nlines ? v->cur + body : v->nlines - 1;
			v->top = v->top + body < v->nlines ? v->top + body : v->top;
		}
		break;
	case ACT_HOME: v->cur = v->top = 0; break;
	case ACT_END: v->cur = v->nlines ? v->nlines - 1 : 0; break;
	case ACT_SEARCH: tui_prompt(t, "Search:", NULL, search_done, NULL); break;
	case ACT_SEARCH_NEXT: search_step(t, +1); break;
	case ACT_SEARCH_PREV: search_step(t, -1); break;
	case ACT_HELP:
		/* The help is a view the run loop chose: reached only by its hook. */
		if (t->open_help)
			t->open_help(t, v->ops->screen);
		break;
	case ACT_REDRAW: clearok(curscr, TRUE); break;
	case ACT_BACK:
		if (t->depth > 1)
			tui_pop(t);
		else
			t->quit = 1;
		break;
	case ACT_QUIT: t->quit = 1; break;
	default: break;
	}
	v = tui_top(t);
	if (v)
		tui_clamp(t, v);
}

/* ------------------------------------------------------------ documents */

void tui_doc_rebuilt(struct tui *t, struct view *v, int old_item, int old_off, int had)
{
	v->nlines = v->doc.n;
	if (!had)
		return;
	for (size_t i = 0; i < v->doc.n; i++) {
		if (v->doc.l[i].item == old_item) {
			v->cur = i;
			v->top = i >= (size_t)(old_off > 0 ? old_off : 0) ? i - (size_t)old_off : 0;
			tui_clamp(t, v);
			return;
		}
	}
	tui_clamp(t, v);
}

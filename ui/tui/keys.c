/*
 * keys.c - the ONE key table of the TUI (after tig's keymaps and
 * htop's Action_setBindings): every key maps to an enum ui_action per
 * screen, and the same table writes the help screen and the status line,
 * so they cannot disagree with what the keys do. Also the --script KEYS
 * parser that feeds the loop in tests.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "ui/tui/tui.h"

#define NOT_LIST (SCR_ALL & ~SCR_LIST)
#define CTRL(c) ((c) & 0x1f)

/*
 * Order matters twice: the first binding of (key, screen) wins, and the
 * help and status line list actions in this order.
 */
const struct key_binding tui_keys[] = {
	{ KEY_UP, "Up", ACT_UP, SCR_ALL, "move up", NULL },
	{ 'k', "k", ACT_UP, SCR_ALL, "move up", NULL },
	{ KEY_DOWN, "Down", ACT_DOWN, SCR_ALL, "move down", "j/k move" },
	{ 'j', "j", ACT_DOWN, SCR_ALL, "move down", NULL },
	{ KEY_PPAGE, "PgUp", ACT_PGUP, SCR_ALL, "page up", NULL },
	{ 'b', "b", ACT_PGUP, SCR_ALL, "page up", NULL },
	{ KEY_NPAGE, "PgDn", ACT_PGDN, SCR_ALL, "page down", NULL },
	{ ' ', "Space", ACT_PGDN, SCR_ALL, "page down", NULL },
	{ KEY_HOME, "Home", ACT_HOME, SCR_ALL, "first line", NULL },
	{ 'g', "g", ACT_HOME, SCR_ALL, "first line", NULL },
	{ KEY_END, "End", ACT_END, SCR_ALL, "last line", NULL },
	{ 'G', "G", ACT_END, SCR_ALL, "last line", NULL },
	{ '\t', "Tab", ACT_NEXT_LINK, SCR_SESSION, "next certificate", "Tab cert" },
	{ KEY_BTAB, "S-Tab", ACT_PREV_LINK, SCR_SESSION, "previous certificate", NULL },
	{ '\n', "Enter", ACT_OPEN, SCR_LIST, "open the session", "Enter open" },
	{ '\r', "Enter", ACT_OPEN, SCR_LIST, "open the session", NULL },
	{ KEY_ENTER, "Enter", ACT_OPEN, SCR_LIST, "open the session", NULL },
	{ KEY_RIGHT, "Right", ACT_OPEN, SCR_LIST, "open the session", NULL },
	{ '\n', "Enter", ACT_OPEN, SCR_SESSION, "open the certificate under the cursor",
	  "Enter open" },
	{ '\r', "Enter", ACT_OPEN, SCR_SESSION, "open the certificate under the cursor", NULL },
	{ KEY_ENTER, "Enter", ACT_OPEN, SCR_SESSION, "open the certificate under the cursor",
	  NULL },
	{ KEY_RIGHT, "Right", ACT_OPEN, SCR_SESSION, "open the certificate under the cursor",
	  NULL },
	{ '/', "/", ACT_SEARCH, SCR_ALL, "search forward (case does not matter)", "/ search" },
	{ 'n', "n", ACT_SEARCH_NEXT, SCR_ALL, "next match", NULL },
	{ 'N', "N", ACT_SEARCH_PREV, SCR_ALL, "previous match", NULL },
	{ 's', "s", ACT_SORT, SCR_LIST, "sort: verdict, time, server, service (cycles)", "s sort" },
	{ 'f', "f", ACT_FILTER, SCR_LIST,
	  "filter: words to find, verdict:V port:N id:FINDING (all must match; empty clears)",
	  "f filter" },
	{ 27, "Esc", ACT_CLEAR_FILTER, SCR_LIST, "clear the filter", NULL },
	{ 'e', "e", ACT_EXPORT, SCR_SESSION | SCR_CERT,
	  "export the certificate (PEM, or DER for a .der name)", "e export" },
	{ 'E', "E", ACT_EXPORT_CHAIN, SCR_SESSION | SCR_CERT,
	  "export the whole presented chain (PEM bundle, or DER)", "E chain" },
	{ '?', "?", ACT_HELP, SCR_ALL & ~SCR_HELP, "help", "? help" },
	{ KEY_F(1), "F1", ACT_HELP, SCR_ALL & ~SCR_HELP, "help", NULL },
	{ 'q', "q", ACT_QUIT, SCR_LIST, "quit", "q quit" },
	{ 'q', "q", ACT_BACK, NOT_LIST, "back", "q back" },
	{ 27, "Esc", ACT_BACK, NOT_LIST, "back", NULL },
	{ KEY_LEFT, "Left", ACT_BACK, NOT_LIST, "back", NULL },
	{ KEY_BACKSPACE, "BS", ACT_BACK, NOT_LIST, "back", NULL },
	{ 'Q', "Q", ACT_QUIT, SCR_ALL, "quit from any screen", NULL },
	{ CTRL('l'), "C-l", ACT_REDRAW, SCR_ALL, "redraw the screen", NULL },
};
const size_t tui_n_keys = sizeof tui_keys / sizeof tui_keys[0];

enum ui_action tui_key_action(int key, enum tui_screen screen)
{
	for (size_t i = 0; i < tui_n_keys; i++)
		if (tui_keys[i].key == key && (tui_keys[i].screens & screen))
			return tui_keys[i].act;
	return ACT_NONE;
}

/* ------------------------------------------------------------ status line */

size_t tui_status_keys(enum tui_screen screen, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < tui_n_keys && n < max; i++)
		if (tui_keys[i].brief && (tui_keys[i].screens & screen))
			out[n++] = tui_keys[i].brief;
	return n;
}

size_t tui_status_acts(enum tui_screen screen, enum ui_action *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < tui_n_keys && n < max; i++)
		if (tui_keys[i].brief && (tui_keys[i].screens & screen))
			out[n++] = tui_keys[i].act;
	return n;
}

/* ------------------------------------------------------------ help view */

static const struct {
	enum tui_screen scr;
	const char *title;
} help_screens[] = {
	{ SCR_LIST, "Sessions list" },
	{ SCR_SESSION, "Session (blame, chains, findings, handshake ladder)" },
	{ SCR_CERT, "Certificate" },
	{ SCR_HELP, "This help" },
};

static void help_section(struct doc *d, enum tui_screen scr, const char *title, int item)
{
	int done[ACT__COUNT] = { 0 };
	doc_line(d, item);
	doc_put(d, RL_HEAD, title);
	for (size_t i = 0; i < tui_n_keys; i++) {
		const struct key_binding *b = &tui_keys[i];
		char keys[64] = "";
		size_t o = 0;
		if (!(b->screens & scr) || done[b->act])
			continue;
		done[b->act] = 1;
		/* Every key with the same action here, in table order. */
		for (size_t k = i; k < tui_n_keys; k++) {
			const struct key_binding *c = &tui_keys[k];
			if (!(c->screens & scr) || c->act != b->act || strstr(keys, c->label))
				continue;
			o += (size_t)snprintf(keys + o, sizeof keys - o, "%s%s", o ? " " : "",
					      c->label);
			if (o >= sizeof keys)
				break;
		}
		doc_line(d, item);
		doc_putf(d, RL_BOLD, "  %-20s", keys);
		doc_wrap(d, item, RL_NORMAL, b->help, 22, 1);
	}
	doc_blank(d, item);
}

static void help_open(struct tui *t, struct view *v)
{
	enum tui_screen from = (enum tui_screen)(intptr_t)v->priv;
	struct doc *d = &v->doc;
	int had = d->n > 0, item = had ? d->l[v->cur].item : 0;
	int off = (int)(v->cur - v->top);

	doc_free(d);
	d->width = t->cols;
	v->header_rows = 1;
	/* The screen help was asked from comes first. */
	for (size_t i = 0; i < sizeof help_screens / sizeof help_screens[0]; i++)
		if (help_screens[i].scr == from)
			help_section(d, help_screens[i].scr, help_screens[i].title, (int)i);
	for (size_t i = 0; i < sizeof help_screens / sizeof help_screens[0]; i++)
		if (help_screens[i].scr != from)
			help_section(d, help_screens[i].scr, help_screens[i].title, (int)i);
	doc_line(d, 100);
	doc_put(d, RL_HEAD, "Reading the screens");
	doc_wrap(d, 100, RL_NORMAL,
		 "Failing sessions come first. A verdict is spelt out as well as coloured: "
		 "failed, warning, incomplete, ok. In a session, the first lines say who "
		 "rejected whom and why; the certificate the blame points at is under the "
		 "cursor, so Enter opens it. \"observed\" findings are what a peer said on "
		 "the wire (an alert); \"predicted\" ones are tlsdiag's own validation "
		 "against the --trust stores given.",
		 2, 0);
	doc_wrap(d, 100, RL_NORMAL,
		 "Filter examples: \"verdict:failed\", \"port:7001\", \"id:unknown_ca\", "
		 "\"10.48.36.101 verdict:warn\". Words without a prefix match anything on "
		 "the line, the blame sentence and the finding ids.",
		 2, 0);
	doc_wrap(d, 100, RL_NORMAL,
		 "Export asks for a file name (Tab in the prompt switches PEM/DER) and never "
		 "replaces an existing file without asking.",
		 2, 0);
	tui_doc_rebuilt(t, v, item, off, had);
}

static void help_header(struct tui *t, struct view *v)
{
	(void)v;
	tui_title(t, 0, "tlsdiag help: keys of every screen (q or Esc: back)");
}

static void help_close(struct view *v)
{
	doc_free(&v->doc);
}

static int help_handle(struct tui *t, struct view *v, enum ui_action a)
{
	(void)t;
	(void)v;
	(void)a;
	return 0;
}

const struct view_ops tui_help_ops = {
	"help", SCR_HELP, help_open, help_header, tui_doc_draw_line, help_handle,
	tui_doc_line_text, help_close,
};

void tui_open_help(struct tui *t, enum tui_screen from)
{
	tui_push(t, &tui_help_ops, (void *)(intptr_t)from);
}

/* ------------------------------------------------------------ --script */

static const struct {
	const char *name;
	int key;
} named_keys[] = {
	{ "Enter", '\n' },     { "Return", '\n' },    { "CR", '\r' },
	{ "Esc", 27 },         { "Tab", '\t' },       { "S-Tab", KEY_BTAB },
	{ "BS", KEY_BACKSPACE }, { "Backspace", KEY_BACKSPACE },
	{ "Up", KEY_UP },      { "Down", KEY_DOWN },  { "Left", KEY_LEFT },
	{ "Right", KEY_RIGHT }, { "PgUp", KEY_PPAGE }, { "PageUp", KEY_PPAGE },
	{ "PgDn", KEY_NPAGE }, { "PageDown", KEY_NPAGE }, { "Home", KEY_HOME },
	{ "End", KEY_END },    { "Space", ' ' },      { "lt", '<' },
	{ "gt", '>' },         { "F1", KEY_F(1) },
};

int tui_script_parse(const char *s, struct script_event **out, size_t *n, char *err,
		     size_t errlen)
{
	struct script_event *v = NULL;
	size_t nv = 0, cap = 0;
	const char *p = s;

	*out = NULL;
	*n = 0;
	while (*p) {
		struct script_event e = { 0, 0, 0 };
		if (*p == '\\' && p[1]) {
			switch (p[1]) {
			case 'n':
			case 'r': e.key = '\n'; break;
			case 't': e.key = '\t'; break;
			case 'e': e.key = 27; break;
			default: e.key = (unsigned char)p[1]; break;
			}
			p += 2;
		} else if (*p == '<' && strchr(p, '>')) {
			const char *end = strchr(p, '>');
			size_t len = (size_t)(end - p - 1);
			char name[64];
			int found = 0;
			if (len == 0 || len >= sizeof name) {
				e.key = '<';
				p++;
				goto push;
			}
			memcpy(name, p + 1, len);
			name[len] = 0;
			for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
				if (strcasecmp(name, named_keys[i].name) == 0) {
					e.key = named_keys[i].key;
					found = 1;
				}
			if (!found && (name[0] == 'C' || name[0] == 'c') && name[1] == '-' &&
			    name[2] && !name[3]) {
				e.key = CTRL(name[2]);
				found = 1;
			}
			if (!found && strncasecmp(name, "Resize=", 7) == 0) {
				int c, r;
				char x;
				if (sscanf(name + 7, "%d%c%d", &c, &x, &r) == 3 && (x == 'x' || x == 'X') &&
				    c > 0 && r > 0 && c <= 1000 && r <= 1000) {
					e.key = SCRIPT_RESIZE;
					e.cols = c;
					e.rows = r;
					found = 1;
				}
			}
			if (!found) {
				snprintf(err, errlen, "--script: unknown key <%s>", name);
				free(v);
				return -1;
			}
			p = end + 1;
		} else {
			e.key = (unsigned char)*p++;
		}
push:
		VEC_PUSH(v, nv, cap, e);
	}
	*out = v;
	*n = nv;
	return 0;
}

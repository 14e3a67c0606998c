/*
 * keys.c - the ONE key table of the TUI (after tig's keymaps and
 * htop's Action_setBindings): every key maps to an enum ui_action per
 * screen, and the same table writes the help screen (view_help.c) and the
 * status line, so they cannot disagree with what the keys do. Also the
 * --script KEYS parser that feeds the loop in tests.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "ui/tui/keys.h"

#define NOT_LIST (SCR_ALL & ~SCR_LIST)
#define CTRL(c) ((c)&0x1f)

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
	  "export the whole presented chain (PEM bundle, or PKCS#7 .p7b)", "E chain" },
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

/* ------------------------------------------------------------ --script */

static const struct {
	const char *name;
	int key;
} named_keys[] = {
	{ "Enter", '\n' },	 { "Return", '\n' },
	{ "CR", '\r' },		 { "Esc", 27 },
	{ "Tab", '\t' },	 { "S-Tab", KEY_BTAB },
	{ "BS", KEY_BACKSPACE }, { "Backspace", KEY_BACKSPACE },
	{ "Up", KEY_UP },	 { "Down", KEY_DOWN },
	{ "Left", KEY_LEFT },	 { "Right", KEY_RIGHT },
	{ "PgUp", KEY_PPAGE },	 { "PageUp", KEY_PPAGE },
	{ "PgDn", KEY_NPAGE },	 { "PageDown", KEY_NPAGE },
	{ "Home", KEY_HOME },	 { "End", KEY_END },
	{ "Space", ' ' },	 { "lt", '<' },
	{ "gt", '>' },		 { "F1", KEY_F(1) },
};

int tui_script_parse(const char *s, struct script_event **out, size_t *n, char *err, size_t errlen)
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
				if (sscanf(name + 7, "%d%c%d", &c, &x, &r) == 3 &&
				    (x == 'x' || x == 'X') && c > 0 && r > 0 && c <= 1000 &&
				    r <= 1000) {
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

/*
 * view_help.c - the help screen: every key of every screen, written from
 * the one key table (keys.c), the screen it was asked from first, then a
 * few words on reading the screens.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ui/tui/core.h"
#include "ui/tui/draw.h"
#include "ui/tui/keys.h"
#include "ui/tui/views.h"

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
		 "Filter terms, all must match: \"ip:10.48.36.101\" (exactly that address), "
		 "\"port:7001\", \"finding:unknown_ca\" (an id or an alert's name), "
		 "\"verdict:failed\", \"outcome:rejected\", \"sni:\" (no SNI) or "
		 "\"sni:expe\", \"subject:cucm\", \"file:site-a\". Other words match "
		 "anything on the line, the blame sentence, the findings and the "
		 "certificate subjects.",
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
	"help",	     SCR_HELP,		help_open,  help_header, tui_doc_draw_line,
	help_handle, tui_doc_line_text, help_close,
};

void tui_open_help(struct tui *t, enum tui_screen from)
{
	tui_push(t, &tui_help_ops, (void *)(intptr_t)from);
}

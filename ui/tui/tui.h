/*
 * tui.h - what ui/tui owns: the ncurses TUI, its entry point tui_run(),
 * and the types its files share.
 *
 * A view over the model (STYLE.md §7): the analysis is built once, then a
 * stack of views renders it. Each view is a vtable in the manner of
 * jonas/tig's view_ops: open (re)builds the view's lines from the model at
 * the current screen size, draw_line draws one of them, handle takes the
 * actions the generic loop does not, close frees. Keys become `enum
 * ui_action` through ONE table (keys.c) that also writes the help screen
 * and the status line. One loop (run.c) owns getch() with a timeout, and
 * only the core and the drawing code draw; signal handlers only set a flag.
 *
 * The files, bottom up (each uses only those above it in this list):
 *   draw.c          display widths, glyphs, colour roles, documents (draw.h)
 *   keys.c          the key table, status line words, --script (keys.h)
 *   core.c          the view stack, prompts, search, the frame, what a key
 *                   does; reaches views only through their ops (core.h)
 *   view_help.c     the help screen                          (views.h)
 *   view_cert.c     one certificate, and exporting it or its chain
 *   view_session.c  one session: blame, chains, findings, ladder, details
 *   view_list.c     the sessions list
 *   run.c           tui_run: the analysis, the terminal, the one loop
 *
 * View files never include curses: they draw through tui_put() and build
 * documents (struct doc), so only core.c, draw.c, keys.c (key codes) and
 * run.c know about curses.
 */
#ifndef TLSDIAG_TUI_H
#define TLSDIAG_TUI_H

#include <stddef.h>
#include <stdint.h>

#include "rules/analysis.h"
#include "ui/ui.h"

/* The TUI over the analysis of o's inputs. Returns the exit code. */
int tui_run(const struct ui_opts *o);

/* ------------------------------------------------------------ actions */

enum ui_action {
	ACT_NONE = 0,
	ACT_UP,
	ACT_DOWN,
	ACT_PGUP,
	ACT_PGDN,
	ACT_HOME,
	ACT_END,
	ACT_NEXT_LINK, /* Tab: next certificate line */
	ACT_PREV_LINK,
	ACT_OPEN,
	ACT_BACK,
	ACT_QUIT,
	ACT_SEARCH,
	ACT_SEARCH_NEXT,
	ACT_SEARCH_PREV,
	ACT_SORT,
	ACT_FILTER,
	ACT_CLEAR_FILTER,
	ACT_EXPORT,
	ACT_EXPORT_CHAIN,
	ACT_HELP,
	ACT_REDRAW,
	ACT_FOLLOW, /* live: keep the newest session selected */
	ACT__COUNT
};

/* Screens, as bits so one binding can serve several. */
enum tui_screen {
	SCR_LIST = 1 << 0,
	SCR_SESSION = 1 << 1,
	SCR_CERT = 1 << 2,
	SCR_HELP = 1 << 3,
	SCR_ALL = (1 << 4) - 1,
};

struct key_binding {
	int key;	   /* curses key code or character */
	const char *label; /* how the help and status line spell it */
	enum ui_action act;
	unsigned screens;  /* enum tui_screen bits */
	const char *help;  /* what it does on those screens */
	const char *brief; /* status line word, or NULL: not on the status line */
};

/* A --script event (keys.c parses them). */
struct script_event {
	int key;	/* curses key code, or SCRIPT_RESIZE */
	int cols, rows; /* for SCRIPT_RESIZE */
};
#define SCRIPT_RESIZE (-2)

/* ------------------------------------------------------------ drawing */

/* What a piece of text is; draw.c maps roles to colours or, without
 * colour, to bold/underline/reverse, so nothing relies on colour alone. */
enum tui_role {
	RL_NORMAL = 0,
	RL_TITLE, /* header and status bars */
	RL_HEAD,  /* section headings */
	RL_BOLD,
	RL_DIM,
	RL_OK,
	RL_WARN,
	RL_ERR,
	RL_ALERT, /* an alert on the ladder */
	RL_KEY,	  /* key names on the status line */
	RL_INFO,
	RL__COUNT
};

/* Box and arrow glyphs: Unicode line drawing in a UTF-8 locale, ASCII
 * otherwise. */
struct tui_glyphs {
	const char *vline, *hline, *tee, *corner, *rarrow, *larrow, *ellipsis, *dash, *up, *down;
};

/* A span of one document line; text is display-safe (sanitised). */
struct doc_span {
	int role;
	char *text;
};

/* What Enter on a line opens. */
enum doc_link { LINK_NONE = 0, LINK_CERT };

struct doc_line {
	struct doc_span *sp;
	size_t n, cap;
	int item; /* stable id of the thing the line shows,
				      to keep the cursor across rebuilds */
	enum doc_link link;
	int side; /* LINK_CERT: chain side */
	int idx;  /* LINK_CERT: index in the presented chain,
				      or -1 for a certificate of `cert` only */
	const struct cert_info *cert;
	char *plain; /* all spans' text, for search (lazy) */
};

struct doc {
	struct doc_line *l;
	size_t n, cap;
	int width; /* the width it was wrapped for */
};

/* ------------------------------------------------------------ views */

struct tui;
struct view;

struct view_ops {
	const char *name;
	enum tui_screen screen;
	/* (Re)build lines from the model for the current size. Called on
	 * first open, after a resize and when the model changed; keeps the
	 * cursor on the same item where it can. */
	void (*open)(struct tui *t, struct view *v);
	/* Draw the header rows (0 .. v->header_rows-1). */
	void (*draw_header)(struct tui *t, struct view *v);
	/* Draw line `line` at screen row y; `selected` is the cursor line. */
	void (*draw_line)(struct tui *t, struct view *v, size_t line, int y, int selected);
	/* Actions the generic loop leaves to the view. 1: handled. */
	int (*handle)(struct tui *t, struct view *v, enum ui_action a);
	/* Text of a line, for / search (NULL: not searchable). */
	const char *(*line_text)(struct tui *t, struct view *v, size_t line);
	void (*close)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	size_t nlines; /* lines in the body */
	size_t cur;    /* cursor line */
	size_t top;    /* first line shown */
	int header_rows;
	struct doc doc; /* for document views */
	void *priv;
};

/* ------------------------------------------------------------ the TUI */

struct prompt;
typedef void (*prompt_done_fn)(struct tui *t, int accepted, const char *text, void *ctx);

struct tui {
	const struct ui_opts *o;
	struct analysis *a; /* the TUI's own store of sessions */
	/* The help view, as the run loop chose it (the core calls no view
	 * by name). */
	void (*open_help)(struct tui *t, enum tui_screen from);

	struct view *stack[8];
	size_t depth;

	int rows, cols; /* screen size */
	int too_small;
	int utf8; /* locale is UTF-8: Unicode glyphs */
	int color;
	struct tui_glyphs g;

	/* Status line message (until the next key). */
	char msg[512];
	int msg_role;

	/* A prompt on the status line: text entry, or one key (y/n). */
	struct {
		int active;
		int yesno; /* 1: any key answers, y/Y is yes */
		char label[160];
		char buf[1024];
		size_t len;
		prompt_done_fn done;
		void (*tab)(struct tui *t, void *ctx); /* Tab in the prompt, or NULL */
		void *ctx;
	} prompt;

	char search[256]; /* last / search */
	/* Live capture (a later issue): called on every idle tick; returns
	 * 1 when sessions were added to `a`, and every view re-reads the
	 * model (the list keeps its selection by session). NULL for files. */
	int (*poll)(struct tui *t);
	/* Live: the list's title (source and figures), or NULL for files. */
	const char *live_title;
	int quit;
	int exit_code;
};

#endif

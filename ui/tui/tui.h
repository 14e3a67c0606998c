/*
 * tui.h - what ui/tui owns: the ncurses TUI, its entry point tui_run(),
 * and the types its files share.
 *
 * A view over the model (STYLE.md §7): the analysis is built once, then a
 * stack of views renders it. Each view is a vtable in the manner of
 * jonas/tig's view_ops: open (re)builds the view's lines from the model at
 * the current screen size, draw_line draws one of them, handle takes the
 * actions the generic loop does not, close frees. Keys become `enum
 * ui_action` through ONE table (tui_keys.c) that also writes the help
 * screen and the status line. One loop (tui.c) owns getch() with a timeout
 * and is the only code that draws; signal handlers only set a flag.
 *
 *   tui.c          setup/teardown, the loop, prompts, search, resize, dump
 *   tui_keys.c     the key table, help view, status line, --script parsing
 *   tui_draw.c     display widths, glyphs, colour roles, documents
 *   tui_list.c     sessions list
 *   tui_session.c  one session: blame, chains, findings, ladder, details
 *   tui_cert.c     one certificate, and exporting it or its chain
 *
 * View files never include curses: they draw through tui_put() and build
 * documents (struct doc), so only tui.c and tui_draw.c know about curses.
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
	ACT_NEXT_LINK,  /* Tab: next certificate line */
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
	int key;            /* curses key code or character */
	const char *label;  /* how the help and status line spell it */
	enum ui_action act;
	unsigned screens;   /* enum tui_screen bits */
	const char *help;   /* what it does on those screens */
	const char *brief;  /* status line word, or NULL: not on the status line */
};

extern const struct key_binding tui_keys[];
extern const size_t tui_n_keys;

/* The status line words of a screen ("Enter open", "q quit"), in table
 * order; returns how many were stored in out. */
size_t tui_status_keys(enum tui_screen screen, const char **out, size_t max);
/* The actions of those words, in the same order. */
size_t tui_status_acts(enum tui_screen screen, enum ui_action *out, size_t max);

/* The action `key` means on `screen` (ACT_NONE when unbound). */
enum ui_action tui_key_action(int key, enum tui_screen screen);

/*
 * --script KEYS: the keys as the loop will receive them. Characters stand
 * for themselves; escapes: \n \r (Enter), \t (Tab), \e (Esc), \\, \<,
 * and <Enter> <Esc> <Tab> <BS> <Up> <Down> <Left> <Right> <PgUp> <PgDn>
 * <Home> <End> <Space> <lt> <C-x> (control keys), plus <Resize=COLSxROWS>
 * which resizes the virtual screen as a terminal resize would.
 * Returns 0, or -1 with a message in err.
 */
struct script_event {
	int key;       /* curses key code, or SCRIPT_RESIZE */
	int cols, rows; /* for SCRIPT_RESIZE */
};
#define SCRIPT_RESIZE (-2)
int tui_script_parse(const char *s, struct script_event **out, size_t *n, char *err,
		     size_t errlen);

/* ------------------------------------------------------------ drawing */

/* What a piece of text is; tui_draw.c maps roles to colours or, without
 * colour, to bold/underline/reverse, so nothing relies on colour alone. */
enum tui_role {
	RL_NORMAL = 0,
	RL_TITLE,    /* header and status bars */
	RL_HEAD,     /* section headings */
	RL_BOLD,
	RL_DIM,
	RL_OK,
	RL_WARN,
	RL_ERR,
	RL_ALERT,    /* an alert on the ladder */
	RL_KEY,      /* key names on the status line */
	RL_INFO,
	RL__COUNT
};

/* Box and arrow glyphs: Unicode line drawing in a UTF-8 locale, ASCII
 * otherwise. */
struct tui_glyphs {
	const char *vline, *hline, *tee, *corner, *rarrow, *larrow, *ellipsis, *dash, *up,
		*down;
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
	int item;                  /* stable id of the thing the line shows,
				      to keep the cursor across rebuilds */
	enum doc_link link;
	int side;                  /* LINK_CERT: chain side */
	int idx;                   /* LINK_CERT: index in the presented chain,
				      or -1 for a certificate of `cert` only */
	const struct cert_info *cert;
	char *plain;               /* all spans' text, for search (lazy) */
};

struct doc {
	struct doc_line *l;
	size_t n, cap;
	int width;                 /* the width it was wrapped for */
};

void doc_free(struct doc *d);
/* Start a new line with an item id; later spans go onto it. */
struct doc_line *doc_line(struct doc *d, int item);
/* Append a span of already display-safe text to the last line. */
void doc_put(struct doc *d, int role, const char *text);
void doc_putf(struct doc *d, int role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Append raw wire text to the last line (it is sanitised here). */
void doc_put_wire(struct doc *d, int role, const char *text);
/*
 * Word-wrap display-safe text over new lines of the document: the first
 * line starts with `first` (already on a line opened by the caller when
 * `cont` is 1, else a new line is opened with `item`), later lines are
 * indented by `indent` columns.
 */
void doc_wrap(struct doc *d, int item, int role, const char *text, int indent, int cont);
/* A blank line. */
void doc_blank(struct doc *d, int item);
/* The text of line i (all spans), for search. */
const char *doc_text(struct doc *d, size_t i);

/* Display columns of display-safe UTF-8 text (n bytes). */
int tui_width(const char *s, size_t n);

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
	size_t nlines;             /* lines in the body */
	size_t cur;                /* cursor line */
	size_t top;                /* first line shown */
	int header_rows;
	struct doc doc;            /* for document views */
	void *priv;
};

/* ------------------------------------------------------------ the TUI */

struct prompt;
typedef void (*prompt_done_fn)(struct tui *t, int accepted, const char *text, void *ctx);

struct tui {
	const struct ui_opts *o;
	struct analysis *a;

	struct view *stack[8];
	size_t depth;

	int rows, cols;            /* screen size */
	int too_small;
	int utf8;                  /* locale is UTF-8: Unicode glyphs */
	int color;
	struct tui_glyphs g;

	/* Status line message (until the next key). */
	char msg[512];
	int msg_role;

	/* A prompt on the status line: text entry, or one key (y/n). */
	struct {
		int active;
		int yesno;         /* 1: any key answers, y/Y is yes */
		char label[160];
		char buf[1024];
		size_t len;
		prompt_done_fn done;
		void (*tab)(struct tui *t, void *ctx); /* Tab in the prompt, or NULL */
		void *ctx;
	} prompt;

	char search[256];          /* last / search */
	/* Live capture (a later issue): called on every idle tick; returns
	 * 1 when sessions were added to `a`, and every view re-reads the
	 * model (the list keeps its selection by session). NULL for files. */
	int (*poll)(struct tui *t);
	int quit;
	int exit_code;
};

/* Push a new view (takes ownership) and open it. */
void tui_push(struct tui *t, const struct view_ops *ops, void *priv);
/* Close the top view. */
void tui_pop(struct tui *t);
struct view *tui_top(struct tui *t);
/* Body rows of a view at the current size. */
int tui_body_rows(const struct tui *t, const struct view *v);
/* Keep v->cur within lines and visible. */
void tui_clamp(struct tui *t, struct view *v);
/* Place the cursor on `line` and scroll so that it is visible with some
 * context (when it fits, the top stays at 0). */
void tui_focus(struct tui *t, struct view *v, size_t line);

void tui_message(struct tui *t, int role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Ask for text on the status line; `done` is called from the loop with
 * the answer (accepted 0 on Esc). `initial` may be NULL. */
void tui_prompt(struct tui *t, const char *label, const char *initial, prompt_done_fn done,
		void *ctx);
/* Ask a yes/no question (one key). */
void tui_ask(struct tui *t, const char *question, prompt_done_fn done, void *ctx);

/* Model changed (live mode, later): reopen every view on the stack. */
void tui_model_changed(struct tui *t);

/* Draw display-safe text at (y, x), at most maxw columns; returns the
 * columns used. Role attributes are OR-ed with `extra` (selection). */
int tui_put(struct tui *t, int y, int x, int maxw, int role, int selected, const char *text);
/* Fill the rest of row y from column x with the role's background. */
void tui_fill(struct tui *t, int y, int x, int role, int selected);
/* Generic document line drawing and text (for document views). */
void tui_doc_draw_line(struct tui *t, struct view *v, size_t line, int y, int selected);
const char *tui_doc_line_text(struct tui *t, struct view *v, size_t line);
/* Rebuild a document view keeping the cursor on the same item. */
void tui_doc_rebuilt(struct tui *t, struct view *v, int old_item, int old_off, int had);
/* Title bar text on row y (RL_TITLE, full width). */
void tui_title(struct tui *t, int y, const char *text);
/* Colour-role attributes for curses (tui_draw.c). */
void tui_roles_init(struct tui *t);
void tui_glyphs_init(struct tui *t);

/* Views. */
extern const struct view_ops tui_list_ops;
extern const struct view_ops tui_session_ops;
extern const struct view_ops tui_cert_ops;
extern const struct view_ops tui_help_ops;

/* Open views (they push themselves). */
void tui_open_list(struct tui *t);
void tui_open_session(struct tui *t, struct session_report *r);
/* A certificate of a session's presented chain (idx >= 0), or a single
 * certificate (a trust store one) when idx is -1 and c is set. */
void tui_open_cert(struct tui *t, struct session_report *r, int side, int idx,
		   const struct cert_info *c);
void tui_open_help(struct tui *t, enum tui_screen from);

/* Export (tui_cert.c): prompt for a path and write the certificate, or the
 * whole presented chain of `side` when chain is 1. */
void tui_export(struct tui *t, const struct session_report *r, int side, int idx,
		const struct cert_info *c, int chain);

/* Small shared helpers (tui_draw.c). */
/* Sanitised copy of wire text in a buffer. */
const char *tui_s(const char *wire, char *buf, size_t len);
/* "AB:CD:..." of n bytes into buf (3n bytes). */
const char *tui_hex_colons(const uint8_t *p, size_t n, char *buf, size_t len);
int tui_verdict_role(enum verdict v);
int tui_sev_role(enum severity s);
int tui_status_role(enum cert_status s);
/* Time of day in UTC "HH:MM:SS.mmm" (with date when `date`). */
const char *tui_clock(int64_t ns, int date, int ms, char *buf, size_t len);
/* Case-insensitive substring. */
int tui_contains(const char *hay, const char *needle);

#endif

/*
 * tui.c - the interactive terminal browser (`tlsdiag --tui`, or any run
 * whose standard output is a terminal): builds the analysis, then one
 * loop owns the keyboard and the screen.
 *
 *   tui_run: analysis_init + analysis_add_file for each input
 *            -> setlocale, newterm, colours, signals
 *            -> loop: draw (only here) -> getch(250 ms) or next --script key
 *                     -> prompt | resize | key table -> view handle / generic
 *            -> endwin (also on SIGINT/SIGTERM/SIGHUP, and atexit on errors)
 *            -> --dump-screen FILE: the last screen as text
 *
 * Signal handlers only set a flag; the loop notices it within one getch
 * timeout and restores the terminal. KEY_RESIZE (ncurses' own SIGWINCH
 * handling) reopens every view at the new size; below MIN_COLS x MIN_ROWS
 * the screen says so instead of drawing a broken layout.
 *
 * With --script/--dump-screen and no terminal on standard output (CI),
 * curses draws to /dev/null on a virtual screen of $COLUMNS x $LINES
 * (default 80x24, the terminfo size) and the dump reads that screen back.
 */
#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "dissect/x509.h"
#include "capture/xalloc.h"
#include "ui/text/text.h"
#include "ui/tui/tui.h"

#define MIN_COLS 40
#define MIN_ROWS 10
#define TICK_MS 250

static volatile sig_atomic_t got_signal;
static int curses_active;

static void on_signal(int sig)
{
	got_signal = sig;
}

/* Leave the terminal usable whatever way the program ends. */
static void restore_terminal(void)
{
	if (curses_active) {
		curses_active = 0;
		curs_set(1);
		endwin();
	}
}

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

static void prompt_finish(struct tui *t, int accepted)
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
		prompt_finish(t, key == 'y' || key == 'Y');
		return;
	}
	switch (key) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		prompt_finish(t, 1);
		return;
	case 27:
	case 7: /* C-g */
		prompt_finish(t, 0);
		return;
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
		lw = tui_width(b, strlen(b));
		while (lw > room && *b) {
			b++;
			while ((*b & 0xc0) == 0x80)
				b++;
			lw = tui_width(b, strlen(b));
		}
		bw = tui_put(t, y, x, room, RL_TITLE, 0, b);
		move(y, x + bw);
		curs_set(1);
		return;
	}
	curs_set(0);
	if (t->msg[0]) {
		tui_put(t, y, x, t->cols - 2, t->msg_role == RL_NORMAL ? RL_TITLE : RL_KEY, 0, t->msg);
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
		pw = tui_width(pos, strlen(pos));
		room = t->cols - pw - 3;
		tui_status_acts(v->ops->screen, acts, 16);
		/* Help and the way out always show; the rest while it fits. */
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < n; i++) {
				int essential = acts[i] == ACT_HELP || acts[i] == ACT_BACK ||
						acts[i] == ACT_QUIT;
				int need = tui_width(words[i], strlen(words[i])) + 2;
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

static void draw(struct tui *t)
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

static void handle_key(struct tui *t, int key)
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
	case ACT_HOME:
		v->cur = v->top = 0;
		break;
	case ACT_END:
		v->cur = v->nlines ? v->nlines - 1 : 0;
		break;
	case ACT_SEARCH:
		tui_prompt(t, "Search:", NULL, search_done, NULL);
		break;
	case ACT_SEARCH_NEXT:
		search_step(t, +1);
		break;
	case ACT_SEARCH_PREV:
		search_step(t, -1);
		break;
	case ACT_HELP:
		tui_open_help(t, v->ops->screen);
		break;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		break;
	case ACT_BACK:
		if (t->depth > 1)
			tui_pop(t);
		else
			t->quit = 1;
		break;
	case ACT_QUIT:
		t->quit = 1;
		break;
	default:
		break;
	}
	v = tui_top(t);
	if (v)
		tui_clamp(t, v);
}

/* ------------------------------------------------------------ dump */

/* The screen as UTF-8 text, trailing blanks removed (--dump-screen). */
static int dump_screen(const char *path)
{
	FILE *f = fopen(path, "w");
	int rows, cols;
	if (!f)
		return -1;
	getmaxyx(stdscr, rows, cols);
	for (int y = 0; y < rows; y++) {
		char line[4096];
		size_t o = 0, keep = 0;
		for (int x = 0; x < cols && o + 16 < sizeof line; x++) {
			cchar_t cc;
			wchar_t wc[CCHARW_MAX + 1];
			attr_t at;
			short pair;
			char mb[MB_LEN_MAX];
			mbstate_t st;
			if (mvwin_wch(stdscr, y, x, &cc) == ERR)
				break;
			if (getcchar(&cc, wc, &at, &pair, NULL) == ERR || !wc[0])
				wc[0] = L' ';
			memset(&st, 0, sizeof st);
			size_t k = wcrtomb(mb, wc[0], &st);
			if (k == (size_t)-1) {
				mb[0] = '?';
				k = 1;
			}
			memcpy(line + o, mb, k);
			o += k;
			if (wc[0] != L' ')
				keep = o;
			int w = wcwidth(wc[0]);
			if (w > 1)
				x += w - 1; /* the next cell continues this character */
		}
		fprintf(f, "%.*s\n", (int)keep, line);
	}
	return fclose(f) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------ the analysis */

static int load(const struct ui_opts *o, struct analysis *a)
{
	struct analysis_config cfg;
	char err[512] = "";
	size_t readable = 0;
	int progress = isatty(STDERR_FILENO);

	analysis_config_copy(&cfg, &o->acfg);
	if (analysis_init(a, &cfg, err, sizeof err) != 0) {
		fprintf(stderr, "tlsdiag: %s\n", err[0] ? err : "cannot load the trust stores");
		return -1;
	}
	struct inputs in;
	ui_expand_inputs(o, &in, stderr);
	for (size_t i = 0; i < in.n; i++) {
		char pb[512];
		if (progress) {
			fprintf(stderr, "\rtlsdiag: reading %s\033[K",
				ui_sanitize_buf(in.v[i].path, pb, sizeof pb));
			fflush(stderr);
		}
		(void)analysis_add_file(a, in.v[i].path);
	}
	ui_free_inputs(&in);
	if (progress)
		fputs("\r\033[K", stderr);
	for (size_t i = 0; i < a->n_files; i++) {
		if (a->files[i].ok) {
			readable++;
			continue;
		}
		const char *m = a->files[i].cap.message, *p = a->files[i].path ? a->files[i].path : "-";
		char pb[512], mb[700];
		/* The reader's message may already start with the path. */
		if (m[0] && strncmp(m, p, strlen(p)) == 0)
			fprintf(stderr, "tlsdiag: %s\n", ui_sanitize_buf(m, mb, sizeof mb));
		else
			fprintf(stderr, "tlsdiag: %s: %s\n", ui_sanitize_buf(p, pb, sizeof pb),
				ui_sanitize_buf(m[0] ? m : "could not be read", mb, sizeof mb));
	}
	if (readable == 0) {
		fputs(a->n_files ? "tlsdiag: no capture could be read\n"
				 : "tlsdiag: no capture files found\n",
		      stderr);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ terminal */

static int locale_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

struct term_io {
	SCREEN *scr;
	FILE *in, *out;
	int own_in, own_out;
};

static int term_open(struct term_io *io, int headless)
{
	const char *term = getenv("TERM");
	memset(io, 0, sizeof *io);
	if (headless) {
		io->out = fopen("/dev/null", "w");
		io->in = fopen("/dev/null", "r");
		io->own_in = io->own_out = 1;
		if (!io->out || !io->in)
			return -1;
		if (term && term[0])
			io->scr = newterm(term, io->out, io->in);
		if (!io->scr)
			io->scr = newterm("vt100", io->out, io->in);
	} else {
		io->out = stdout;
		io->in = stdin;
		if (!isatty(STDIN_FILENO)) {
			/* The capture came on standard input: keys come from
			 * the terminal itself. */
			io->in = fopen("/dev/tty", "r");
			io->own_in = 1;
			if (!io->in)
				return -1;
		}
		io->scr = newterm(NULL, io->out, io->in);
	}
	if (!io->scr)
		return -1;
	set_term(io->scr);
	curses_active = 1;
	return 0;
}

static void term_close(struct term_io *io)
{
	restore_terminal();
	if (io->scr)
		delscreen(io->scr);
	if (io->own_in && io->in)
		fclose(io->in);
	if (io->own_out && io->out)
		fclose(io->out);
	memset(io, 0, sizeof *io);
}

static void signals(int install)
{
	static struct sigaction old_int, old_term, old_hup;
	if (install) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = 0; /* no SA_RESTART: getch() returns, the loop sees it */
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		sigaction(SIGHUP, &sa, &old_hup);
	} else {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
	}
}

/* ------------------------------------------------------------ tui_run */

int tui_run(const struct ui_opts *o)
{
	static struct analysis a; /* static: reachable for leak checkers until exit */
	struct tui t;
	struct term_io io;
	struct script_event *script = NULL;
	size_t n_script = 0, si = 0;
	int headless, rc = EXIT_CLEAN;
	char err[256];

	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C"); /* "3.353 ms" as in the reports */
	if (o->tui_script &&
	    tui_script_parse(o->tui_script, &script, &n_script, err, sizeof err) != 0) {
		fprintf(stderr, "tlsdiag: %s\n", err);
		return EXIT_USAGE;
	}
	headless = !isatty(STDOUT_FILENO);
	if (headless && !o->tui_script && !o->tui_dump) {
		fputs("tlsdiag: the TUI needs a terminal on standard output (use --report or "
		      "--json in a pipe)\n",
		      stderr);
		free(script);
		return EXIT_USAGE;
	}
	if (o->n_inputs == 0) {
		fputs("tlsdiag: no input files\n", stderr);
		free(script);
		return EXIT_USAGE;
	}
	if (load(o, &a) != 0) {
		analysis_free(&a);
		free(script);
		return EXIT_USAGE;
	}

	memset(&t, 0, sizeof t);
	t.o = o;
	t.a = &a;
	t.utf8 = locale_utf8();
	atexit(restore_terminal);
	if (term_open(&io, headless) != 0) {
		const char *term = getenv("TERM");
		term_close(&io);
		fprintf(stderr, "tlsdiag: cannot start the terminal UI (TERM=%s)\n",
			term ? term : "unset");
		analysis_free(&a);
		free(script);
		return EXIT_USAGE;
	}
	{
		const char *nc = getenv("NO_COLOR");
		t.color = o->color && has_colors() && !(nc && nc[0]);
		/* Headless runs (tests) draw with colour roles all the same. */
		if (headless && has_colors() && !(nc && nc[0]))
			t.color = 1;
	}
	if (t.color)
		start_color();
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(50); /* Esc answers at once, even over SSH */
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout(TICK_MS);
	tui_roles_init(&t);
	tui_glyphs_init(&t);
	signals(1);

	getmaxyx(stdscr, t.rows, t.cols);
	t.too_small = t.cols < MIN_COLS || t.rows < MIN_ROWS;
	tui_open_list(&t);

	for (;;) {
		int key;
		if (got_signal)
			break;
		draw(&t);
		if (o->tui_script) {
			if (si >= n_script)
				break;
			key = script[si].key;
			if (key == SCRIPT_RESIZE) {
				resizeterm(script[si].rows, script[si].cols);
				key = KEY_RESIZE;
			}
			si++;
		} else if (o->tui_dump && headless) {
			break; /* nothing to read: dump the first screen */
		} else {
			key = getch();
			if (key == ERR) {
				/* Timeout or signal: the top of the loop checks the
				 * flag; a live source would add sessions here. */
				if (t.poll && t.poll(&t))
					tui_model_changed(&t);
				continue;
			}
		}
		handle_key(&t, key);
		if (t.quit)
			break;
	}
	if (got_signal)
		rc = 128 + got_signal;
	else if (o->tui_dump)
		draw(&t);
	if (o->tui_dump && !got_signal && dump_screen(o->tui_dump) != 0)
		rc = -1;

	/* A question still open owns its context (export): answer "no". */
	while (t.prompt.active)
		prompt_finish(&t, 0);
	signals(0);
	while (t.depth)
		tui_pop(&t);
	term_close(&io);
	if (rc == -1) {
		fprintf(stderr, "tlsdiag: cannot write %s: %s\n", o->tui_dump, strerror(errno));
		rc = EXIT_USAGE;
	}
	if (got_signal)
		fprintf(stderr, "tlsdiag: interrupted\n");
	analysis_free(&a);
	x509_thread_done(); /* the analysis ran on this thread */
	free(script);
	return rc;
}

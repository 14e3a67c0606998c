/*
 * run.c - the interactive terminal browser (`tlsdiag --tui`, or any run
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

#include "capture/xalloc.h"
#include "dissect/x509.h"
#include "ui/text/text.h"
#include "ui/tui/core.h"
#include "ui/tui/draw.h"
#include "ui/tui/keys.h"
#include "ui/tui/views.h"

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
	struct inputs in = { 0 }; /* ui_expand_inputs appends */
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
		const char *m = a->files[i].cap.message,
			   *p = a->files[i].path ? a->files[i].path : "-";
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
	t.open_help = tui_open_help;
	tui_open_list(&t);

	for (;;) {
		int key;
		if (got_signal)
			break;
		tui_draw(&t);
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
		tui_handle_key(&t, key);
		if (t.quit)
			break;
	}
	if (got_signal)
		rc = 128 + got_signal;
	else if (o->tui_dump)
		tui_draw(&t);
	if (o->tui_dump && !got_signal && dump_screen(o->tui_dump) != 0)
		rc = -1;

	/* A question still open owns its context (export): answer "no". */
	while (t.prompt.active)
		tui_prompt_finish(&t, 0);
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

/*
 * ui.h - the command line as parsed, and the entry points of each mode.
 */
#ifndef TLSDIAG_UI_H
#define TLSDIAG_UI_H

#include <stdio.h>

#include "rules/analysis.h"
#include "rules/summary.h"

enum ui_mode { MODE_AUTO = 0, MODE_REPORT, MODE_JSON, MODE_TUI, MODE_STREAMS, MODE_DB };

struct ui_opts {
	char **inputs;              /* files, directories, "-" */
	int n_inputs;
	enum ui_mode mode;
	struct analysis_config acfg;
	const char *html_path;      /* --html FILE */
	const char *db_path;        /* --db FILE */
	const char *export_dir;     /* --export-certs DIR */
	int export_der;             /* --export-format der */
	int jobs;                   /* -j N (0: all cores) */
	int color;                  /* 1 / 0 (decided in main from tty + NO_COLOR) */
	int progress;               /* progress bar on stderr */
	int verbose;
	const char *dump_streams;   /* --dump-streams DIR */
	const char *tui_script;     /* --script KEYS (TUI tests) */
	const char *tui_dump;       /* --dump-screen FILE */
	char **db_args;             /* `tlsdiag db ...` */
	int n_db_args;
};

/* Exit codes (documented in the man page): */
enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

/* The captures a run reads, in order: files as named, directories walked
 * recursively for capture names (.pcap .pcapng .cap .gz), each
 * directory's files sorted (ui/batch.c). */
struct input {
	char *path;
	uint64_t size; /* 0 when unknown (stdin, unreadable) */
};

struct inputs {
	struct input *v;
	size_t n, cap;
};
void ui_expand_inputs(const struct ui_opts *o, struct inputs *in, FILE *log);
void ui_free_inputs(struct inputs *in);

/* `tlsdiag db ...` subcommand (ui/db.c). */
int db_command(const struct ui_opts *o);

/* The TUI over one analysis (ui/tui*.c). Returns the exit code. */
int tui_run(const struct ui_opts *o);

/* One sanitiser for every wire string on its way to a terminal or report:
 * control characters, DEL, invalid UTF-8 and escape sequences come out as
 * \xNN escapes (ui/sanitize.c). Returns a new string. */
char *ui_sanitize(const char *s);
/* The same into a caller buffer (truncating). */
const char *ui_sanitize_buf(const char *s, char *buf, size_t len);

#endif

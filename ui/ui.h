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

/*
 * An output that receives a run file by file (in input order) and the
 * summary at the end. Text, JSON, HTML and SQLite are sinks.
 */
struct sink {
	void *st;
	void (*begin)(void *st, const struct ui_opts *o);
	/* Sessions of file `fi` are a->sessions[a->files[fi].first_session ..]. */
	void (*file)(void *st, const struct analysis *a, size_t fi);
	void (*end)(void *st, const struct run_summary *sum);
	void (*free)(void *st);
	/* Optional (may be NULL): asked by batch_run on the main thread
	 * BEFORE a file is analysed; returning 1 means "already known and
	 * unchanged: do not analyse" (ui/db.c). */
	int (*skip)(void *st, const char *path);
	/* Optional: points at a flag in the sink's state, set when its output
	 * could not be written (the run then exits 2: a report that was asked
	 * for is missing). */
	const int *failed;
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

/* Run every input through analysis and the given sinks (ui/batch.c).
 * Returns the exit code. */
int batch_run(const struct ui_opts *o, struct sink *sinks, size_t n_sinks);

/* Sinks. */
struct sink *sink_text_new(FILE *out, const struct ui_opts *o);  /* ui/report_text.c */
struct sink *sink_json_new(FILE *out, const struct ui_opts *o);  /* ui/report_json.c */
struct sink *sink_html_new(const char *path, const struct ui_opts *o); /* ui/report_html.c */
struct sink *sink_db_new(const char *path, const struct ui_opts *o, char *err, size_t errlen);
						  /* ui/db.c; NULL + err on failure */
/* `tlsdiag db ...` subcommand (ui/db.c). */
int db_command(const struct ui_opts *o);

/* The TUI over one analysis (ui/tui*.c). Returns the exit code. */
int tui_run(const struct ui_opts *o);

/* Write every presented chain of the analysis under dir (ui/export.c). */
int export_chains(const struct analysis *a, const char *dir, int der, FILE *log);

/* One sanitiser for every wire string on its way to a terminal or report:
 * control characters, DEL, invalid UTF-8 and escape sequences come out as
 * \xNN escapes (ui/sanitize.c). Returns a new string. */
char *ui_sanitize(const char *s);
/* The same into a caller buffer (truncating). */
const char *ui_sanitize_buf(const char *s, char *buf, size_t len);

#endif

/*
 * ui.h - the command line as parsed (struct ui_opts: inputs, mode, the
 * analysis configuration, the outputs asked for), the exit codes, and the
 * inputs of a run. Each mode's entry point is in its folder's header:
 * the batch run in ui/sink.h, the reports in ui/report/report.h, the
 * inventory in ui/store/store.h, the TUI in ui/tui/tui.h.
 */
#ifndef TLSDIAG_UI_H
#define TLSDIAG_UI_H

#include <stdio.h>

#include "rules/analysis.h"
#include "rules/summary.h"

enum ui_mode { MODE_AUTO = 0, MODE_REPORT, MODE_JSON, MODE_TUI, MODE_STREAMS, MODE_DB };

struct ui_opts {
	char **inputs; /* files, directories, "-" */
	int n_inputs;
	enum ui_mode mode;
	struct analysis_config acfg;
	const char *html_path;	/* --html FILE */
	const char *db_path;	/* --db FILE */
	const char *sensor;	/* --sensor NAME (with --db) */
	const char *export_dir; /* --export-certs DIR */
	int export_der;		/* --export-format der */
	int jobs;		/* -j N (0: all cores) */
	size_t max_certs;	/* --max-certs N: the summary's unique certificates */
	int color;		/* 1 / 0 (decided in main from tty + NO_COLOR) */
	int progress;		/* progress bar on stderr */
	int verbose;
	const char *dump_streams; /* --dump-streams DIR */
	const char *tui_script;	  /* --script KEYS (TUI tests) */
	const char *tui_dump;	  /* --dump-screen FILE */
	char **db_args;		  /* `tlsdiag db ...` */
	int n_db_args;
	/* live capture (ui/live.c) */
	char **ifaces; /* -i IFACE (repeatable) */
	int n_ifaces;
	const char *follow_path; /* --follow FILE */
	int snaplen;		 /* -s (0: default) */
	int no_promisc;		 /* --no-promisc */
	int buffer_kib;		 /* -B KiB (0: default) */
	const char *user;	 /* -Z USER, or NULL */
	const char *ring_dir;	 /* -w DIR */
	uint64_t ring_size;	 /* -C (bytes; 0: default) */
	unsigned ring_files;	 /* -W (0: default) */
	const char *output_path; /* -o FILE: the report instead of standard output */
	size_t keep;		 /* --keep N: the TUI's non-failing sessions (live) */
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

#endif

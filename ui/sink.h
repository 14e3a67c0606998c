/*
 * sink.h - the outputs of a batch run, one interface for all of them:
 * the text and JSON reports, the HTML page, the SQLite inventory and the
 * certificate export.
 *
 * Outputs take sessions, not files. The batch driver (ui/batch.c) hands
 * every sink the sessions of a run one at a time, as each is concluded,
 * in a deterministic order (files in input order; within a file, by each
 * session's first packet), then file_end with what reading the file
 * showed, and after the last file end with the run summary. No sink keeps
 * a file's sessions: a sink writes (or spools) each session when it comes
 * and frees what it made of it (the text report prints a file's name
 * before its sessions and its totals at its end; the HTML page spools
 * rendered sessions to temporary files). A live capture (issue 12) drives
 * the same interface, so a sink never waits for a file's end to write.
 *
 *   begin -> ( session* file_end )* -> end -> free
 *
 * Sinks only ever run on the main thread.
 */
#ifndef TLSDIAG_SINK_H
#define TLSDIAG_SINK_H

#include <stddef.h>
#include <stdio.h>

#include "rules/analysis.h"
#include "rules/summary.h"
#include "ui/ui.h"

/* The capture a session came from. */
struct sink_file {
	const char *path; /* as the run names it ("-": standard input) */
	size_t index;	  /* 0-based, in input order */
};

struct sink_ops {
	const char *name;
	/* Once, before the first session. */
	void (*begin)(void *st, const struct ui_opts *o);
	/* One session of `file`; r and everything it points at live until the
	 * call returns (copy what must outlive it). */
	void (*session)(void *st, const struct sink_file *file, const struct session_report *r);
	/* `file` has no more sessions: how reading it went (fr->n_sessions
	 * sessions were handed over). */
	void (*file_end)(void *st, const struct sink_file *file, const struct file_report *fr);
	/* Once, after the last file. */
	void (*end)(void *st, const struct run_summary *sum);
	/* Frees the state (also when begin never ran). */
	void (*free)(void *st);
	/* Optional: asked on the main thread BEFORE a file is analysed; 1
	 * means "already known and unchanged: do not analyse" (the store). */
	int (*skip)(void *st, const char *path);
	/* Optional: a skipped file's place in the run, at its turn: the
	 * store adds what it holds of it to the run summary (so a run over
	 * stored captures still reports them in its totals). Returns 1
	 * when that holds an error finding (the run then exits 1). */
	int (*skipped)(void *st, const char *path, struct run_summary *sum);
	/* Optional: 1 when the output could not be written (the run then
	 * exits 2: a report that was asked for is missing). */
	int (*failed)(const void *st);
};

/* A sink: its operations and its state. ops is NULL when it could not be
 * made. */
struct sink {
	const struct sink_ops *ops;
	void *st;
};

/* The sinks are made in ui/report/report.h (text, JSON, HTML, export)
 * and ui/store/store.h (SQLite). */

/* Run every input through analysis and hand the sessions to the sinks
 * (ui/batch.c). Returns the exit code. */
int batch_run(const struct ui_opts *o, struct sink *sinks, size_t n_sinks);

/* Capture from interfaces (-i) or follow a file being written (--follow)
 * until SIGINT/SIGTERM, handing each session to the sinks as it
 * concludes (ui/live.c). Returns the exit code. */
int live_run(const struct ui_opts *o, struct sink *sinks, size_t n_sinks);

#endif

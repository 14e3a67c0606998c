/*
 * main.c - the front door: parse the command line (ui/cli.c), decide
 * colour and mode from the terminal, then hand over to one mode: the
 * TUI, the batch run with its sinks (text or JSON on standard output,
 * plus HTML, SQLite and certificate export), --streams, or `tlsdiag db`.
 */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/cli.h"
#include "ui/sink.h"
#include "ui/report/report.h"
#include "ui/store/store.h"
#include "ui/text/text.h"
#include "ui/tui/tui.h"
#include "ui/ui.h"

/* Static so that what they own stays reachable until exit (leak checkers). */
static struct ui_opts opts;
static struct cli_extra extra;

static int decide_color(int mode, FILE *f)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	if (mode >= 0)
		return mode;
	if (nc && nc[0]) /* https://no-color.org: set and not empty */
		return 0;
	if (term && strcmp(term, "dumb") == 0)
		return 0;
	return isatty(fileno(f));
}

static void free_sinks(struct sink *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		v[i].ops->free(v[i].st);
}

int main(int argc, char **argv)
{
	struct sink sinks[5];
	size_t n = 0;
	int rc;

	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C"); /* reports print numbers the same everywhere */

	rc = cli_parse(argc, argv, &opts, &extra, stdout, stderr);
	if (rc)
		return rc;
	if (extra.exit_now)
		return extra.status;

	opts.color = decide_color(extra.color_mode, stdout);
	switch (opts.mode) {
	case MODE_DB: return db_command(&opts);
	case MODE_STREAMS:
		return streams_run(opts.inputs, opts.n_inputs, &opts.acfg.tcp, opts.dump_streams,
				   stdout);
	case MODE_AUTO:
		/* Extra outputs ask for a batch run; a terminal gets the TUI. */
		if (opts.html_path || opts.db_path || opts.export_dir || opts.output_path ||
		    !isatty(STDOUT_FILENO))
			opts.mode = MODE_REPORT;
		else
			opts.mode = MODE_TUI;
		break;
	default: break;
	}
	opts.progress = !extra.quiet && opts.mode != MODE_TUI && isatty(STDERR_FILENO);

	if (opts.mode == MODE_TUI) {
		if (opts.html_path || opts.db_path || opts.export_dir)
			fputs("tlsdiag: --html, --db and --export-certs are ignored with --tui\n",
			      stderr);
		return tui_run(&opts);
	}

	if (opts.output_path && freopen(opts.output_path, "a", stdout) == NULL) {
		char pb[600];
		fprintf(stderr, "tlsdiag: -o %s: %s\n",
			ui_sanitize_buf(opts.output_path, pb, sizeof pb), strerror(errno));
		return EXIT_USAGE;
	}
	if (opts.mode == MODE_JSON)
		sinks[n++] = sink_json_new(stdout, &opts);
	else
		sinks[n++] = sink_text_new(stdout, &opts);
	if (opts.html_path)
		sinks[n++] = sink_html_new(opts.html_path, &opts);
	if (opts.db_path) {
		char err[512] = "";
		struct sink d = sink_db_new(opts.db_path, &opts, err, sizeof err);
		if (!d.ops) {
			char pb[600];
			fprintf(stderr, "tlsdiag: %s\n",
				ui_sanitize_buf(err[0] ? err : opts.db_path, pb, sizeof pb));
			free_sinks(sinks, n);
			return EXIT_USAGE;
		}
		sinks[n++] = d;
	}
	if (opts.export_dir)
		sinks[n++] = sink_export_new(opts.export_dir, opts.export_der, stderr);

	if (opts.n_ifaces || opts.follow_path)
		rc = live_run(&opts, sinks, n);
	else
		rc = batch_run(&opts, sinks, n);
	for (size_t i = 0; i < n; i++)
		if (sinks[i].ops->failed && sinks[i].ops->failed(sinks[i].st))
			rc = EXIT_USAGE; /* a report that was asked for is missing */
	free_sinks(sinks, n);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("tlsdiag: standard output");
		return EXIT_USAGE;
	}
	return rc;
}

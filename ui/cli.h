/*
 * cli.h - the command line of tlsdiag (ui/cli.c).
 */
#ifndef TLSDIAG_CLI_H
#define TLSDIAG_CLI_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "ui/text/text.h"
#include "ui/ui.h"

/* What the parser found besides struct ui_opts. */
struct cli_extra {
	int color_mode; /* -1 auto, 0 never, 1 always */
	int quiet;	/* -q */
	int exit_now;	/* --help / --version printed: exit with `status` */
	int status;
};

/*
 * Parse argv into o (zeroed here first; o->acfg initialised with
 * analysis_config_init). Usage errors print one line and "Try 'tlsdiag
 * --help'" on err and return EXIT_USAGE; --help and --version print on out
 * and set x->exit_now. Returns 0 when the program should go on.
 * o->inputs points into argv.
 */
int cli_parse(int argc, char **argv, struct ui_opts *o, struct cli_extra *x, FILE *out, FILE *err);

/* Free what cli_parse allocated (the analysis config, unless it was
 * handed over). */
void cli_free(struct ui_opts *o);

/* The --help text. */
void cli_help(FILE *out);

/*
 * "YYYY-MM-DD[THH:MM:SS[Z]]" (UTC) or "@EPOCH" into *t. 0 ok, -1 bad.
 */
int cli_parse_time(const char *s, time_t *t);

#endif

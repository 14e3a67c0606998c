/*
 * stubs.c - TEMPORARY weak stand-ins for entry points whose modules are
 * not in the build yet (batch, HTML report, SQLite store, TUI), so that
 * tlsdiag links while they are being written. Linked from a separate
 * archive AFTER libtlsdiag.a, so a real definition in libtlsdiag.a is
 * always the one used. Delete this file (and its lines in
 * ui/Makefile.inc) once every real one exists.
 */
#include <stdio.h>
#include <string.h>

#include "ui/ui.h"

static int missing(const char *what)
{
	fprintf(stderr, "tlsdiag: %s is not built into this binary yet\n", what);
	return EXIT_USAGE;
}

__attribute__((weak)) int batch_run(const struct ui_opts *o, struct sink *sinks, size_t n)
{
	(void)o;
	(void)sinks;
	(void)n;
	return missing("the batch run (--report, --json)");
}

__attribute__((weak)) struct sink *sink_html_new(const char *path, const struct ui_opts *o)
{
	(void)path;
	(void)o;
	missing("--html");
	return NULL;
}

__attribute__((weak)) struct sink *sink_db_new(const char *path, const struct ui_opts *o,
					       char *err, size_t errlen)
{
	(void)path;
	(void)o;
	snprintf(err, errlen, "--db is not built into this binary yet");
	return NULL;
}

__attribute__((weak)) int db_command(const struct ui_opts *o)
{
	(void)o;
	return missing("`tlsdiag db`");
}

__attribute__((weak)) int tui_run(const struct ui_opts *o)
{
	(void)o;
	return missing("the TUI (use --report)");
}

/* Rules (rules/finding.c, rules/analysis.c) until they are in the build. */
__attribute__((weak)) void analysis_config_init(struct analysis_config *c)
{
	memset(c, 0, sizeof *c);
	tcp_config_default(&c->tcp);
	c->expiring_days = 30;
	c->keep_dns = 1;
}

__attribute__((weak)) void analysis_config_free(struct analysis_config *c)
{
	(void)c;
}

__attribute__((weak)) int target_value_parse(const char *spec, struct target_value *out)
{
	(void)spec;
	(void)out;
	return -1;
}

__attribute__((weak)) const char *severity_str(enum severity s)
{
	(void)s;
	return "?";
}

__attribute__((weak)) const char *basis_str(enum basis b)
{
	(void)b;
	return "?";
}

__attribute__((weak)) const char *verdict_str(enum verdict v)
{
	(void)v;
	return "?";
}

__attribute__((weak)) const char *cert_status_str(enum cert_status s)
{
	(void)s;
	return "?";
}

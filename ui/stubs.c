/*
 * stubs.c - TEMPORARY weak stand-in for the TUI entry point while the TUI
 * is not in the build, so that tlsdiag links. Linked from a separate
 * archive AFTER libtlsdiag.a, so a real definition in libtlsdiag.a is
 * always the one used. Delete this file (and its lines in
 * ui/Makefile.inc) once ui/tui*.c is in the build.
 */
#include <stdio.h>

#include "ui/ui.h"

__attribute__((weak)) int tui_run(const struct ui_opts *o)
{
	(void)o;
	fputs("tlsdiag: the TUI is not built into this binary yet (use --report)\n", stderr);
	return EXIT_USAGE;
}

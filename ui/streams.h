/* streams.h - `tlsdiag --streams`: per-flow, per-direction reassembly figures. */
#ifndef TLSDIAG_STREAMS_H
#define TLSDIAG_STREAMS_H

#include <stdio.h>

#include "capture/tcp.h"

/* Print the reassembly report of each file to `out`; with dump_dir, also
 * write each direction's delivered bytes to DIR/<base>.flow<ID>.c2s|s2c.
 * Returns the exit status (0, or 2 when no file could be read). */
int streams_run(char **files, int nfiles, const struct tcp_config *cfg, const char *dump_dir,
		FILE *out);

#endif

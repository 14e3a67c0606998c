/*
 * analysis.h - one run of tlsdiag over one or more capture files: the
 * trust stores, and the resulting model (files, sessions with their
 * reports, unique certificates), each file read, dissected and judged. Every view (text,
 * JSON, HTML, TUI, SQLite) reads this and computes nothing of its own.
 */
#ifndef TLSDIAG_ANALYSIS_H
#define TLSDIAG_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "capture/capture.h"
#include "capture/tcp.h"
#include "dissect/certcache.h"
#include "dissect/session.h"
#include "rules/finding.h"
#include "rules/settings.h"

struct trust_ctx; /* rules/trust.h */
struct keylog;	  /* dissect/keylog.h */

struct file_report {
	char *path;
	struct capture_result cap;
	int ok;			    /* opened as a capture */
	struct tcp_table_stats tcp; /* flows, evictions, buffer overflows */
	size_t first_session, n_sessions;
};

struct analysis {
	struct analysis_config cfg;
	struct cert_cache *certs;
	struct trust_ctx *trust;
	time_t now; /* when the analysis runs */
	struct file_report *files;
	size_t n_files, cap_files;
	struct session_report **sessions;
	size_t n_sessions, cap_sessions;
	/* Run-wide findings (trust store lint): side -1, cert -1. */
	struct session_report store_report;
	int trust_borrowed;  /* trust is another analysis' (analysis_init_shared) */
	struct keylog *keys; /* secrets of --keylog / SSLKEYLOGFILE, or NULL */
};

/* Load trust stores and key logs (the only steps that can fail: a bad
 * --trust file, a --keylog file that cannot be read or holds no secret).
 * Takes ownership of cfg's contents. */
int analysis_init(struct analysis *a, struct analysis_config *cfg, char *err, size_t errlen);
/* The same without loading anything (batch workers, ui/batch.c): the trust
 * stores and key logs are borrowed from `owner`, an analysis made by analysis_init from
 * an equal configuration, which must outlive `a` (a trust_ctx is immutable,
 * so analyses in several threads may share one); analysis_free(a) leaves
 * them alone. owner's trust store lint findings are copied. Takes ownership
 * of cfg's contents. Cannot fail. */
void analysis_init_shared(struct analysis *a, struct analysis_config *cfg,
			  const struct analysis *owner);
/* Read, dissect and judge one capture file; sessions are appended.
 * Returns 0 if the file could be read as a capture (maybe partly). */
int analysis_add_file(struct analysis *a, const char *path);
void analysis_free(struct analysis *a);

/* Counters by verdict over all sessions. */
void analysis_counts(const struct analysis *a, size_t counts[VERDICT__COUNT]);

#endif

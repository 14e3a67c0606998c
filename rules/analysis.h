/*
 * analysis.h - a run's trust stores and key logs, and the TUI's store of
 * judged sessions (files and sessions with their reports), each file read
 * through a pipeline (rules/pipeline.h). Every view reads the model and
 * computes nothing of its own.
 */
#ifndef TLSDIAG_ANALYSIS_H
#define TLSDIAG_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "capture/capture.h"
#include "capture/tcp.h"
#include "dissect/certcache.h"
#include "rules/pipeline.h"
#include "dissect/session.h"
#include "rules/finding.h"
#include "rules/settings.h"

struct trust_ctx; /* rules/trust.h */
struct keylog;	  /* dissect/keylog.h */

struct pipeline; /* rules/pipeline.h */

/*
 * The TUI's store of sessions (and the owner of a run's trust stores and
 * key logs, which batch pipelines borrow): every session of the files
 * given, judged, kept in the order they were handed over. With a bound
 * (keep_others > 0) it keeps every failing session and the latest
 * keep_others others, counting the ones that left (`dropped`): live
 * capture sets it; for files it is 0, keep everything.
 */
struct analysis {
	struct analysis_config cfg;
	struct cert_cache *certs; /* the trust stores' certificates */
	struct trust_ctx *trust;
	time_t now; /* when the analysis runs */
	struct file_report *files;
	size_t n_files, cap_files;
	struct session_report **sessions;
	size_t n_sessions, cap_sessions;
	size_t keep_others; /* 0: keep every session */
	size_t n_others;    /* sessions kept that did not fail */
	uint64_t dropped;   /* sessions that left the store (the bound) */
	/* Run-wide findings (trust store lint): side -1, cert -1. */
	struct session_report store_report;
	int trust_borrowed;    /* trust is another analysis' */
	struct keylog *keys;   /* secrets of --keylog / SSLKEYLOGFILE, or NULL */
	struct pipeline *pipe; /* reads the files added (made on the first) */
};

/* Load trust stores and key logs (the only steps that can fail: a bad
 * --trust file, a --keylog file that cannot be read or holds no secret).
 * Takes ownership of cfg's contents. */
int analysis_init(struct analysis *a, struct analysis_config *cfg, char *err, size_t errlen);
/* Read, dissect and judge one capture file; its sessions are added to
 * the store as they conclude. Returns 0 if the file could be read as a
 * capture (maybe partly). */
int analysis_add_file(struct analysis *a, const char *path);
/* Add one judged session to the store (it takes ownership), dropping the
 * oldest session that did not fail when the bound is passed. */
void analysis_add_session(struct analysis *a, struct session_report *r);
void analysis_free(struct analysis *a);

/* Counters by verdict over all sessions. */
void analysis_counts(const struct analysis *a, size_t counts[VERDICT__COUNT]);

#endif

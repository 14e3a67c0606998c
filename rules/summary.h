/*
 * summary.h - the aggregate over a whole run (many files, maybe analysed
 * in parallel): sessions by verdict, findings by id, unique certificates
 * by SHA-256 with where each was seen, certificates expiring soon, the
 * files that could not be read, and the trust store lint. It grows one
 * session and one file at a time, and owns copies of everything it keeps,
 * so a session can be freed as soon as it is added. It is bounded: past
 * max_certs unique certificates and SUMMARY_ENDPOINTS endpoints of one
 * certificate it only counts (and the views say so).
 */
#ifndef TLSDIAG_SUMMARY_H
#define TLSDIAG_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "rules/analysis.h"

struct seen_cert {
	char sha256_hex[65];
	char *subject, *issuer;
	char *serial_hex;
	time_t not_before, not_after;
	int parse_ok;
	char **files;
	size_t n_files;
	char **endpoints;
	size_t n_endpoints;	     /* "ip:port" of the presenter, at most
					SUMMARY_ENDPOINTS distinct ones */
	uint64_t endpoints_unlisted; /* presentations by an endpoint not listed */
	int64_t first_seen_ns, last_seen_ns;
	uint64_t sessions;
	int not_after_bad;   /* the notAfter date does not parse */
	long days_to_expiry; /* relative to summary->now, floor; LONG_MAX when
				not known (not decoded, notAfter unreadable) */
};

struct id_count {
	const char *id;
	uint64_t count;
};

struct bad_file {
	char *path;
	char *message;
};

struct run_summary {
	time_t now;
	int expiring_days;
	uint64_t files, files_ok, files_partial; /* partial: read stopped early */
	struct bad_file *bad;			 /* unreadable or damaged files */
	size_t n_bad, cap_bad;
	uint64_t sessions;
	uint64_t by_verdict[VERDICT__COUNT]; /* enum verdict */
	struct id_count *findings;	     /* by id, sorted by id at the end */
	size_t n_findings, cap_findings;
	struct seen_cert *certs; /* unique, by SHA-256 (at most max_certs) */
	size_t n_certs, cap_certs;
	size_t max_certs;	     /* 0: no limit (summary_init: SUMMARY_MAX_CERTS) */
	uint64_t certs_unlisted;     /* presentations of certificates past max_certs */
	void *index;		     /* private: sha256 -> cert */
	uint64_t bytes;		     /* capture bytes read */
	struct session_report store; /* the trust store lint: run-wide
						     findings (side -1), a copy */
	int store_added;
};

/* What one summary keeps at most, so a run of any length has a bounded
 * summary: unique certificates (--max-certs; past it, certificates not
 * yet listed are only counted) and distinct endpoints per certificate. */
#define SUMMARY_MAX_CERTS 10000
#define SUMMARY_ENDPOINTS 32

void summary_init(struct run_summary *s, time_t now, int expiring_days);
/* One session, from capture `file` (may be NULL): its verdict and
 * findings, and its certificates with where they were seen. */
void summary_add_session(struct run_summary *s, const struct session_report *r, const char *file);
/* One file, once its sessions were added: read, damaged or unreadable. */
void summary_add_file(struct run_summary *s, const struct file_report *f);
/* The run-wide trust store findings (copied and counted on the first
 * call only: every analysis of a run lints the same stores). */
void summary_add_store(struct run_summary *s, const struct session_report *store);
/* Everything of one analysis: its store findings, and each file with its
 * sessions, as the calls above. */
void summary_add(struct run_summary *s, const struct analysis *a);
/* Sort findings and certificates for output; call once before printing. */
void summary_finish(struct run_summary *s);
void summary_free(struct run_summary *s);

#endif

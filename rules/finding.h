/*
 * finding.h - what the rules conclude about a session: findings with
 * evidence and advice, the state of each presented chain, and a verdict.
 * Stable finding ids are those of DOMAIN.md §5.
 */
#ifndef TLSDIAG_FINDING_H
#define TLSDIAG_FINDING_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dissect/session.h"
#include "rules/ids.h"

enum severity { SEV_INFO = 0, SEV_WARNING, SEV_ERROR };
const char *severity_str(enum severity s); /* "info" / "warning" / "error" */

/* Observed: a peer said so on the wire (an alert). Predicted: tlsdiag's own
 * validation (against a trust store the user gave, or structure alone). */
enum basis { BASIS_OBSERVED = 0, BASIS_PREDICTED };
const char *basis_str(enum basis b);

enum verdict { VERDICT_OK = 0, VERDICT_WARNING, VERDICT_FAILED, VERDICT_INCOMPLETE };
const char *verdict_str(enum verdict v); /* "ok" / "warning" / "failed" / "incomplete" */

struct finding {
	const char *id; /* static: "unknown_ca", "expired", ... */
	enum severity sev;
	int side; /* whose chain it is about (or who sent the alert):
				  SIDE_CLIENT / SIDE_SERVER, or -1 session-wide */
	int cert; /* index in that side's presented chain, or -1 */
	enum basis basis;
	char *field;	/* evidence field ("subjectAltName", "notAfter",
				  "extendedKeyUsage", "alert", ...) or NULL */
	uint64_t frame; /* evidence frame (0 if none) */
	char *message;	/* one or two sentences, plain words */
	char *advice;	/* the fix, in the customer's terms (DOMAIN §6) */
};

/* How one certificate of a presented chain stands. */
enum cert_status {
	CS_UNCHECKED = 0,     /* nothing to say (no store, no link) */
	CS_TRUSTED_ROOT,      /* in the receiver's trust store */
	CS_TRUSTED_VIA_STORE, /* links to a cert in the trust store */
	CS_LINKED,	      /* signed by the next cert of the path (verified) */
	CS_ISSUER_MISSING,    /* issuer neither sent nor in any store */
	CS_UNTRUSTED_ROOT,    /* self-signed, not in the trust store */
	CS_BAD_SIGNATURE,     /* the named issuer's key does not verify it */
	CS_UNPARSEABLE,	      /* certificate could not be decoded */
	CS_EXTRA,	      /* not on the path from the leaf */
};
const char *cert_status_str(enum cert_status s);

/*
 * One row of a chain as every view draws it, in order: the issuer path
 * from the leaf (presented certificates), then the receiver's trust store
 * certificates that continue it, then the first issuer nobody had, then
 * what was sent off the path: unrelated certificates and duplicates.
 * A chain that was not judged (no rules ran) is its certificates in the
 * order they were sent, as a path without statuses.
 */
enum chain_row_kind {
	ROW_SENT = 0,  /* a presented certificate on the path */
	ROW_STORE,     /* a trust store certificate that continues the path */
	ROW_MISSING,   /* the issuer neither sent nor in a store */
	ROW_EXTRA,     /* a presented certificate off the path */
	ROW_DUPLICATE, /* a presented certificate identical to an earlier one */
};

struct chain_row {
	enum chain_row_kind kind;
	size_t depth;		      /* steps from the leaf (path rows); 0 off the path */
	int index;		      /* presented index (SENT, EXTRA, DUPLICATE), else -1 */
	int dup_of;		      /* DUPLICATE: the earlier identical index, else -1 */
	const struct cert_info *cert; /* NULL for MISSING */
	int status;		      /* enum cert_status of a presented certificate,
					 or -1 (not judged, or not presented) */
	const char *name, *url;	      /* MISSING: the issuer's DN, its AIA URL or NULL */
};

struct chain_view {
	int present;
	size_t n;		  /* == session chain n */
	enum cert_status *status; /* per presented certificate */
	int *problems;		  /* per cert: count of findings naming it */
	size_t *path;		  /* presented indices leaf -> top, in path order */
	size_t path_len;
	int in_order;		       /* presented order == path order */
	int root_sent;		       /* a self-signed cert is on the path */
	int reaches_trust;	       /* 1 yes, 0 no, -1 unknown (no store) */
	char *ends_at;		       /* subject of the last cert of the path
					 (or its issuer DN when that is missing) */
	char *missing_issuer;	       /* DN of the first issuer not found, or NULL */
	char *missing_issuer_url;      /* AIA caIssuers URL for it, or NULL */
	struct cert_info **store_path; /* certs from the trust store that complete
					 the path (not owned), leaf side first */
	size_t n_store_path;
	char *trust_store_name; /* the store used for this chain's receiver */
	struct chain_row *rows; /* what the views draw (chain_view_rows) */
	size_t n_rows;
};

struct session_report {
	struct tls_session *s;
	const char *service; /* "Expressway traversal zone", ... or NULL */
	int cisco_uc;	     /* port marks a Cisco UC service */
	struct finding *f;
	size_t nf, cap_f;
	struct chain_view chain[2];
	enum verdict verdict;
	char *headline;		    /* the blame sentence, or a one-line summary */
	char *expected_name;	    /* the name the client is taken to have dialled */
	char *expected_name_source; /* "SNI", "--name 10.0.0.1:5061", "DNS answer (frame 3)" */
	time_t judged_at;	    /* the time validity was judged at */
	char **notes;		    /* s->notes in words (rules/notes.c) */
	size_t n_notes;
	struct session_ids ids; /* Community ID, JA3S, JA4S (rules/ids.h) */
};

/* Append a finding (copies the strings). */
struct finding *report_add(struct session_report *r, const char *id, enum severity sev, int side,
			   int cert, enum basis basis, const char *field, uint64_t frame,
			   const char *message, const char *advice);
void session_report_free(struct session_report *r);
/* The most severe finding (first of the highest severity), or NULL. */
const struct finding *report_worst(const struct session_report *r);

#endif

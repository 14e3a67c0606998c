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

enum severity { SEV_INFO = 0, SEV_WARNING, SEV_ERROR };
const char *severity_str(enum severity s); /* "info" / "warning" / "error" */

/* Observed: a peer said so on the wire (an alert). Predicted: tlsdiag's own
 * validation (against a trust store the user gave, or structure alone). */
enum basis { BASIS_OBSERVED = 0, BASIS_PREDICTED };
const char *basis_str(enum basis b);

/*
 * The one word a session gets. `failed`: the handshake failed (rejected
 * or aborted); `at_risk`: it completed, but a finding of severity error
 * says it will fail elsewhere or soon (an 8192-bit key, an expired
 * certificate a lenient client accepted); `warning`: it completed with
 * warnings; `incomplete`: the capture does not show enough to say.
 */
enum verdict {
	VERDICT_OK = 0,
	VERDICT_WARNING,
	VERDICT_FAILED,
	VERDICT_INCOMPLETE,
	VERDICT_AT_RISK,
	VERDICT__COUNT
};
/* "ok" / "warning" / "failed" / "incomplete" / "at_risk" */
const char *verdict_str(enum verdict v);
/* The same for people: "at risk" instead of "at_risk". */
const char *verdict_label(enum verdict v);
/* Failing first: failed, at_risk, warning, incomplete, ok (0 is first). */
int verdict_rank(enum verdict v);

/* What happened to the handshake, apart from what is wrong (rules/outcome.c). */
enum outcome {
	OUTCOME_COMPLETED = 0,
	OUTCOME_REJECTED_BY_CLIENT, /* a fatal alert from the client ended it */
	OUTCOME_REJECTED_BY_SERVER,
	OUTCOME_ABORTED,  /* closed (FIN, RST) during the handshake, no alert */
	OUTCOME_NOT_SEEN, /* the capture does not show how it ended */
};
/* "completed", "rejected_by_client", "rejected_by_server", "aborted", "not_seen" */
const char *outcome_str(enum outcome o);

/* How the outcome is known. */
enum outcome_basis {
	OB_MESSAGES = 0, /* the handshake messages seen (Finished, or their absence) */
	OB_ALERT,	 /* an alert read in clear */
	OB_DECRYPTED,	 /* read with a key log (an alert, or verified Finished) */
	OB_INFERRED,	 /* TLS 1.3 without keys: the size, order and timing of the
			    protected records ("probably") */
	OB_CAPTURE,	 /* not_seen: what the capture lacks */
};
/* "messages", "alert", "decrypted", "inferred", "capture" */
const char *outcome_basis_str(enum outcome_basis b);

struct finding {
	const char *id;	  /* static: "unknown_ca", "expired", ... */
	const char *name; /* static: what a list of sessions shows for it: the
			     id, or for fatal_alert the alert's name
			     ("unknown_ca", "encrypted alert") */
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

/*
 * Every finding id the rules give, with the lowest and highest severity
 * they give it and what it means: the one list of ids. docs/tlsdiag.1
 * (FINDINGS) lists the same ids, severities and meanings; test_findings_doc
 * compares the two and checks that every id the rules' sources pass to
 * report_add is here.
 */
struct finding_kind {
	const char *id;
	enum severity lo, hi;
	const char *meaning;
};
extern const struct finding_kind finding_kinds[];
extern const size_t n_finding_kinds;
/* The entry for `id`, or NULL. */
const struct finding_kind *finding_kind(const char *id);

/* How a fact reads, for the views to colour: STYLE §8, the rules decide
 * what is good or bad, every view only maps a tone to its own look. */
enum tone { TONE_PLAIN = 0, TONE_GOOD, TONE_WARN, TONE_BAD, TONE_DIM };

/* A piece of a sentence with its tone. */
struct text_span {
	char *text;
	enum tone tone;
};

/* How one certificate of a presented chain stands. */
enum cert_status {
	CS_UNCHECKED = 0,     /* nothing to say (no store, no link) */
	CS_TRUSTED_ROOT,      /* in the receiver's trust store */
	CS_TRUSTED_VIA_STORE, /* links to a cert in the trust store */
	CS_LINKED,	      /* signed by the next cert of the path (verified) */
	CS_ISSUER_MISSING,    /* issuer neither sent nor in the receiver's store */
	CS_UNTRUSTED_ROOT,    /* self-signed, not in the trust store */
	CS_BAD_SIGNATURE,     /* the named issuer's key does not verify it */
	CS_UNPARSEABLE,	      /* certificate could not be decoded */
	CS_EXTRA,	      /* not on the path from the leaf */
	CS_ISSUER_NOT_SENT,   /* its issuer was not sent, and no trust store was
				 given to look for it in: not checked (normal
				 when the issuer is the root) */
};
const char *cert_status_str(enum cert_status s);
/* Good (trusted, linked), bad (missing, untrusted, bad signature,
 * unparseable), or neither (not checked, not on the path). */
enum tone cert_status_tone(enum cert_status s);

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
	/* MISSING: the word to tag it with ("missing", "not sent"), what it
	 * means ("neither sent nor in the trust store", "not checked: no
	 * trust store given") and its tone. Static strings. */
	const char *tag, *note;
	enum tone tone;
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
	/* The Certificate message is only partly in the capture (a gap, or
	 * the capture ends inside it): `missing` of its `msg_len` bytes were
	 * not captured; certificates beyond those read were sent when
	 * `more_sent`. Set before chain_build (rules.c). */
	int partial;
	uint32_t msg_len;
	uint64_t missing;
	int more_sent;
	struct chain_row *rows; /* what the views draw (chain_view_rows) */
	size_t n_rows;
	/* The chain in a few words, as every view writes it after "Server
	 * chain (frame 6): ": "2 certificates sent, root not sent (normal);
	 * not checked: no trust store given" (chain_view_rows). */
	struct text_span *head;
	size_t n_head;
};

/* One row of the handshake ladder as every view draws it (rules/ladder.c). */
struct ladder_row {
	int side;	/* the sender */
	int kind;	/* enum ladder_kind of the entry */
	uint64_t frame; /* frame that completed it */
	double ms;	/* milliseconds since the ClientHello (or the first entry) */
	char *label;	/* "Certificate (2 certs)", "Alert: fatal unknown_ca (48)" */
	enum tone tone; /* bad: the alert that ended the handshake; warn: a gap */
	int alert;	/* an alert (seen, decrypted or inferred) that ended it */
	int decrypted;	/* read from a record a key log decrypted */
	char *note;	/* alert: "answers the server's Certificate (2 certs) (frame
			    11)", or NULL */
	int finding;	/* alert: index in the report's findings of its
			    fatal_alert, or -1 */
};

struct session_report {
	struct tls_session *s;
	const char *service; /* "Expressway traversal zone", ... or NULL */
	int cisco_uc;	     /* port marks a Cisco UC service */
	struct finding *f;
	size_t nf, cap_f;
	struct chain_view chain[2];
	enum verdict verdict;
	enum outcome outcome;		  /* what happened (rules/outcome.c) */
	enum outcome_basis outcome_basis; /* how that is known */
	int established;		  /* the session's keys were agreed and in use:
					     completed (or data both ways when the
					     handshake was not captured) */
	int outcome_alert;		  /* index in s->alerts of the alert that ended
					     it, or -1 */
	char *outcome_text;		  /* what happened, with its evidence */
	struct ladder_row *ladder;	  /* the handshake as the views draw it */
	size_t n_ladder;
	char *headline;		    /* the blame sentence, or a one-line summary */
	char *expected_name;	    /* the name the client is taken to have dialled */
	char *expected_name_source; /* "SNI", "--name 10.0.0.1:5061", "DNS answer (frame 3)" */
	time_t judged_at;	    /* the time validity was judged at */
	char **notes;		    /* s->notes in words (rules/notes.c) */
	size_t n_notes;
};

/* Append a finding (copies the strings). */
struct finding *report_add(struct session_report *r, const char *id, enum severity sev, int side,
			   int cert, enum basis basis, const char *field, uint64_t frame,
			   const char *message, const char *advice);
void session_report_free(struct session_report *r);
/* The most severe finding (first of the highest severity), or NULL. */
const struct finding *report_worst(const struct session_report *r);

#endif

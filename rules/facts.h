/*
 * facts.h - the small facts every view shows, computed in one place so
 * that the text and JSON reports, the HTML page, the inventory and the TUI
 * can never disagree: whole days between two times (one rounding rule:
 * down), how a certificate stands at a given time, the CN of a name, an
 * alert and a version as words.
 */
#ifndef TLSDIAG_FACTS_H
#define TLSDIAG_FACTS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dissect/cert.h"
#include "dissect/session.h"
#include "rules/finding.h"

#define SECS_PER_DAY 86400

/* Whole days from `from` to `to`, rounded down (negative when `to` is
 * earlier): 23 hours is 0 days, minus one hour is -1. */
long days_between(time_t from, time_t to);
/* The day number of t (days since the epoch, rounded down). */
long day_of(time_t t);

/* How a certificate stands at a time. A certificate whose notBefore is
 * after `at` is not yet valid, whatever its notAfter says. */
enum validity { VALID = 0, NOT_YET_VALID, EXPIRED, VALIDITY_UNKNOWN };
struct cert_validity {
	enum validity state;
	long days; /* VALID: days left; NOT_YET_VALID: days until it starts;
		      EXPIRED: days since it ended; VALIDITY_UNKNOWN: 0 (a
		      date did not parse, or the certificate was not decoded:
		      never "expired in 1970") */
};
struct cert_validity cert_validity(const struct cert_info *c, time_t at);

/* A certificate date for display: the time through fmt (the views' own
 * time formatter, which follows --tz), or "(date does not parse)" when the
 * field was unreadable. which: 0 notBefore, 1 notAfter. */
typedef const char *(*time_fmt_fn)(time_t t, char *buf, size_t len);
const char *cert_date_text(const struct cert_info *c, int which, time_fmt_fn fmt, char *buf,
			   size_t len);

/* What is unusual about how a certificate decoded, in sentences every view
 * shows beside its fields: an unknown version number, a signature tlsdiag
 * cannot check, an unreadable date or key, explicit curve parameters, a
 * key that cannot sign, unique IDs, extensions that are duplicated or did
 * not decode. Findings judge; remarks explain what the fields mean. */
#define CERT_REMARKS_MAX 12
struct cert_remark {
	int warn; /* 1: a peer may refuse the certificate for it */
	char text[240];
};
size_t cert_remarks(const struct cert_info *c, struct cert_remark *out, size_t max);

/* One extension as a line: "X509v3 Key Usage (2.5.29.15), critical",
 * with ", not processed by validators", ", duplicate", ", value does not
 * decode" as they apply. */
const char *cert_ext_text(const struct cert_ext *x, char *buf, size_t len);

/* The time a session's certificates were judged at (the report's, or the
 * session's start when no rules ran). */
time_t report_judged_at(const struct session_report *r);

/* The next attribute of type `oid` in d at or after *pos (raw value, not
 * NULL), advancing *pos past it; NULL when there is none. */
const char *dn_next(const struct dn *d, const char *oid, size_t *pos);
/* The most specific CN of a certificate's subject (the last one in DER
 * order), or NULL (also for a certificate that was not decoded). */
const char *cert_cn(const struct cert_info *c);

/* "fatal unknown_ca (48)", "warning close_notify (0)", "encrypted alert". */
const char *alert_text(const struct tls_alert *a, char *buf, size_t len);
/* A version as words: its name, or the number "0x7f1c" when it has none;
 * NULL for 0 (no version seen). */
const char *version_text(uint16_t v, char *buf, size_t len);
/* A handshake message type as a noun: its name ("Certificate"), or
 * "unknown handshake message" (never a bare "unknown" in a sentence). */
const char *hs_type_text(int type);
/* The transport as the JSON writes it ("tcp", "udp") and as prose
 * writes it ("TCP", "UDP"). */
const char *transport_key(enum tls_transport t);
const char *transport_text(enum tls_transport t);
/* What a DTLS session's transport showed, for every view: "over UDP;
 * cookie exchange (HelloVerifyRequest); 2 handshake fragments
 * retransmitted; DTLS-SRTP SRTP_AES128_CM_HMAC_SHA1_80; connection ID;
 * 40 other datagrams (STUN, RTP) on the same port". NULL over TCP. */
const char *dtls_text(const struct tls_session *s, char *buf, size_t len);
/* A use_srtp protection profile (RFC 5764 §4.1.2, RFC 7714 §14.2):
 * "SRTP_AES128_CM_HMAC_SHA1_80", or "0x00NN"; NULL for 0 (none). */
const char *srtp_profile_text(uint16_t p, char *buf, size_t len);
/* The same with the number of an unknown type: "unknown handshake
 * message (type 39)". */
const char *hs_type_words(int type, char *buf, size_t len);

#endif

/*
 * tls_hs.h - what TLS over TCP (dissect/tls.c) and DTLS over UDP
 * (dissect/dtls.c) share once a handshake message is whole: filling the
 * session model from it (hellos, chains, CertificateRequest, ...), the
 * ladder and notes, and the roles a message reveals.
 */
#ifndef TLSDIAG_TLS_HS_H
#define TLSDIAG_TLS_HS_H

#include "capture/cursor.h"
#include "dissect/certcache.h"
#include "dissect/session.h"

/* One connection as the message handling sees it. */
struct tls_hs_conn {
	struct tls_session *s;
	struct cert_cache *cache;
	/* The transport direction (0/1) of the client; -1 until a message
	 * only one side sends tells. Until then direction 0 is taken for the
	 * client, and what was recorded is turned round if that was wrong. */
	int client_dir;
	int dtls; /* DTLS: the ClientHello has a cookie */
};

/* SIDE_CLIENT or SIDE_SERVER for a transport direction. */
int tls_hs_side(const struct tls_hs_conn *c, int dir);
/* The client's direction is known now (see client_dir). */
void tls_hs_set_client_dir(struct tls_hs_conn *c, int dir);

/* Returns the new entry, or NULL once the ladder is full (4096). */
struct ladder_entry *tls_ladder_add(struct tls_session *s, enum ladder_kind k, int side, int type,
				    uint32_t len, int64_t ts, uint64_t frame);
void tls_ladder_add_incomplete(struct tls_session *s, int side, int type, uint32_t len, int64_t ts,
			       uint64_t frame);
/* A note of kind k about no message in particular; returns it (to add
 * the message, the parser's verdict or the cap) or NULL once there are 256. */
struct tls_note *tls_note_add(struct tls_session *s, enum tls_note_kind k, int side, uint64_t bytes,
			      int64_t ts, uint64_t frame);
/* The same about handshake message `type` of `len` bytes, `seen` of
 * them captured. */
struct tls_note *tls_note_msg(struct tls_session *s, enum tls_note_kind k, int side, uint64_t bytes,
			      int64_t ts, uint64_t frame, int type, uint32_t len, uint32_t seen);

/* An alert, and its ladder entry; past MAX_ALERTS (256) one NOTE_LIMIT
 * (*capped remembers it was written) and no more alerts. */
#define TLS_MAX_ALERTS 256
void tls_alert_add(struct tls_session *s, const struct tls_alert *a, int *capped);

/* tls_hs_message() result: everything after this message is encrypted
 * (a TLS 1.3 ServerHello). */
#define TLS_HS_ENCRYPT 1

/*
 * A whole handshake message (body after its header) from transport
 * direction `dir`, completed in `frame` at `ts`: into the session and
 * onto the ladder; a parser's complaint becomes a note. Returns
 * TLS_HS_ENCRYPT or 0.
 */
int tls_hs_message(struct tls_hs_conn *c, int dir, uint8_t type, struct cursor *body, uint32_t len,
		   int64_t ts, uint64_t frame);

/* The Certificate of transport direction `dir` read again from another
 * copy of its bytes (TLS 1.2 form): the chain is replaced, its frame and
 * time kept. */
void tls_hs_certificate_again(struct tls_hs_conn *c, int dir, struct cursor *body);

/* A message that will never be whole (a hole in the capture, or its end)
 * of which `have` body bytes were captured: keep every certificate of a
 * Certificate before the cut, and put it on the ladder marked incomplete. */
void tls_hs_cut_message(struct tls_hs_conn *c, int dir, uint8_t type, uint32_t len,
			struct span have, int64_t ts, uint64_t frame);

/* A Certificate (TLS 1.2 form) with a hole of exactly `hole` bytes in its
 * body (0: the capture ended; `after` is then empty): the certificates
 * before and after it (tls_parse_certificate_holed), the lost ones noted
 * (NOTE_CERTS_LOST), the message on the ladder marked incomplete. */
void tls_hs_cut_certificate(struct tls_hs_conn *c, int dir, uint32_t len, struct span before,
			    uint64_t hole, struct span after, int after_whole, int64_t ts,
			    uint64_t frame);

#endif

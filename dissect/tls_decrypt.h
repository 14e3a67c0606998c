/*
 * tls_decrypt.h - one TLS connection read with a key log: which secrets
 * apply (found by the ClientHello's random at the ServerHello), the keys
 * of each direction as the handshake moves on, protected records turned
 * back into content, and the Finished messages checked against the
 * handshake transcript. dissect/tls.c drives it at three points: every
 * handshake message (clear or decrypted) goes to tls_decrypt_message(),
 * the payload of a record that arrived protected to tls_decrypt_take(), and
 * its end to tls_decrypt_record(), whose plaintext tls.c hands to its
 * handshake and alert layers as if it had come in clear.
 *
 * Key schedule followed (RFC 8446 §7, RFC 5246 §6.3):
 *   TLS 1.3  ServerHello        both directions: *_HANDSHAKE_TRAFFIC_SECRET
 *            a side's Finished  that side: *_TRAFFIC_SECRET_0
 *            a side's KeyUpdate that side: the next secret ("traffic upd")
 *            early data         CLIENT_EARLY_TRAFFIC_SECRET, tried on client
 *                               records the handshake key does not open
 *   TLS 1.2  ServerHello        key block from CLIENT_RANDOM's master
 *            secret; each direction uses it from its ChangeCipherSpec on
 *
 * What happened goes into the session's `decrypt` (session.h): the status
 * (no keys, wrong key, unsupported suite), records decrypted, and whether
 * each Finished was decrypted and verified.
 */
#ifndef TLSDIAG_TLS_DECRYPT_H
#define TLSDIAG_TLS_DECRYPT_H

#include <stddef.h>
#include <stdint.h>

#include "capture/cursor.h"
#include "dissect/keylog.h"
#include "dissect/session.h"

struct tls_decrypt;

/* Secrets are looked up in `first`, then in `second` (either may be
 * NULL): the capture's own Decryption Secrets Blocks, then the key log
 * files. Both are borrowed and must outlive the object. */
struct tls_decrypt *tls_decrypt_new(const struct keylog *first, const struct keylog *second);
/* Accepts NULL. */
void tls_decrypt_free(struct tls_decrypt *t);

/*
 * A whole handshake message (4-byte header and body) that `side` sent,
 * in the order sent, after the dissector has put it into `s`. Takes the
 * randoms, sets up keys at the ServerHello, keeps the transcript, checks
 * Finished, changes keys after Finished and KeyUpdate. Updates s->decrypt.
 */
void tls_decrypt_message(struct tls_decrypt *t, struct tls_session *s, int side, struct span msg);

/* Will `side`'s protected records be decrypted (keys known, not given up)? */
int tls_decrypt_wants(const struct tls_decrypt *t, int side);

/* Payload bytes of `side`'s current protected record (copied, at most
 * one record). */
void tls_decrypt_take(struct tls_decrypt *t, int side, const uint8_t *p, size_t n);

/*
 * `side`'s protected record ended: `hdr` is its 5-byte header as sent,
 * `broken` says bytes of it were lost (a capture gap), `frame` where it
 * ended. PE_OK: *type is its content type (TLS 1.3: the inner one) and
 * *plain its content, borrowed until the next call. PE_UNSUPPORTED: not a
 * record we decrypt (no keys for this side, a clear record, or skipped
 * early data). PE_SHORT: it was cut by a gap. PE_MALFORMED: it did not
 * authenticate (s->decrypt says what that means). Never returns garbage.
 */
PE_MUST_USE enum parse_err tls_decrypt_record(struct tls_decrypt *t, struct tls_session *s,
					      int side, const uint8_t hdr[5], int broken,
					      uint64_t frame, uint8_t *type, struct span *plain);

#endif

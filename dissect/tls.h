/*
 * tls.h - TLS found by content in reassembled TCP streams, on any port.
 *
 * The dissector is a tcp_handler: it detects TLS (a record header, an
 * SSLv2-compatible ClientHello, or TLS after a clear-text STARTTLS
 * preamble), reassembles records and handshake messages in each
 * direction and fills a tls_session. A flow that is not TLS is released
 * at once; a TLS flow is released once its handshake is over and data
 * flowed, or at a fatal alert, so bulk data costs nothing.
 *
 * A session is concluded when its flow is released or closed (FIN, RST,
 * idle, evicted, end of input): its end and last frame are those of that
 * moment. Sessions are handed over in the order of their flows' first
 * packets: a concluded session waits in a queue (every flow in order of
 * its first packet, O(1) per flow) while a flow that began before it may
 * still become a session, and leaves as soon as none does. Sessions are
 * numbered (id) in that order from 1.
 */
#ifndef TLSDIAG_TLS_H
#define TLSDIAG_TLS_H

#include <stdint.h>

#include "capture/tcp.h"
#include "dissect/certcache.h"
#include "dissect/keylog.h"
#include "dissect/session.h"

struct tls_stats {
	uint64_t flows_seen, flows_tls, flows_not_tls, flows_starttls;
	uint64_t sessions, sessions_without_handshake;
	/* Concluded sessions waiting for a flow that began before them. */
	uint64_t waiting, peak_waiting;
	uint64_t overlap_resyncs; /* messages read from the other copy of a
				     conflicting TCP overlap */
};

struct tls_dissector;

/* `emit` receives each concluded session, in order, and owns it from
 * then on. */
struct tls_dissector *tls_dissector_new(struct cert_cache *cache, const char *file,
					void (*emit)(void *ctx, struct tls_session *s), void *ctx);
/* The handler to give tcp_table_new(). Its data callback answers
 * TCP_IGNORE for a flow that is not TLS, or once the handshake is over. */
struct tcp_handler tls_dissector_handler(struct tls_dissector *d);
const struct tls_stats *tls_dissector_stats(const struct tls_dissector *d);
/* The first frame of the oldest flow that may still hand over a session
 * (UINT64_MAX: none): every session handed over later begins at or after
 * it. */
uint64_t tls_dissector_oldest_frame(const struct tls_dissector *d);
/* Secrets to decrypt TLS with (--keylog, SSLKEYLOGFILE): borrowed, and
 * read only, so one store may serve dissectors in several threads. */
void tls_dissector_set_keylog(struct tls_dissector *d, const struct keylog *keys);
/* pcapng Decryption Secrets Block type "TLS key log" (pcapng §4.7). */
#define TLS_SECRETS_KEYLOG 0x544c534bu
/* The secrets of a Decryption Secrets Block of this capture (other
 * types are ignored); they apply to the connections that start after it. */
void tls_dissector_add_secrets(struct tls_dissector *d, uint32_t type, const uint8_t *p, size_t n);
/* Hand each session over as soon as it is concluded, numbered in that
 * order, instead of in the order of first packets (a live capture: one
 * handshake stalled for the idle timeout must not hold back every session
 * after it). Set before the first segment. */
void tls_dissector_set_unordered(struct tls_dissector *d, int on);
void tls_dissector_free(struct tls_dissector *d);

#endif

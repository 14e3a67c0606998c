/*
 * dtls.h - DTLS 1.0, 1.2 and 1.3 found by content in UDP flows, on any
 * port, beside STUN and RTP on the same port (RFC 7983), into the same
 * session model as TLS (dissect/session.h, transport TRANSPORT_UDP).
 *
 * The dissector is a udp_handler: a flow starts with a datagram holding
 * a DTLS handshake record in the clear; handshake messages are put back
 * together from fragments across records and datagrams, retransmitted
 * flights counted once, and whole messages go through the same handling
 * as TLS (dissect/tls_hs.h).
 */
#ifndef TLSDIAG_DTLS_H
#define TLSDIAG_DTLS_H

#include <stdint.h>

#include "capture/cursor.h"
#include "capture/udp.h"
#include "dissect/certcache.h"
#include "dissect/session.h"

struct dtls_stats {
	uint64_t flows, sessions;
};

struct dtls_dissector;

/* `emit` receives each finished session and owns it from then on. */
struct dtls_dissector *dtls_dissector_new(struct cert_cache *cache, const char *file,
					  void (*emit)(void *ctx, struct tls_session *s),
					  void *ctx);
/* The handler to give udp_table_new(). */
struct udp_handler dtls_dissector_handler(struct dtls_dissector *d);
const struct dtls_stats *dtls_dissector_stats(const struct dtls_dissector *d);
void dtls_dissector_free(struct dtls_dissector *d);

/*
 * One DTLS record header at the cursor (RFC 6347 §4.1, RFC 9146 §4,
 * RFC 9147 §4): the plaintext form
 *     type(1) version(2) epoch(2) sequence_number(6) [cid] length(2)
 * (type 25, tls12_cid, carries a connection ID of `cid_len` bytes) or the
 * DTLS 1.3 unified header
 *     0 0 1 C S L E E | [connection_id] | seq (1 or 2) | [length(2)]
 * (C: a CID of `cid_len` bytes; S: 16-bit sequence number; L: length
 * present, else the record runs to the end of the datagram; EE: the
 * epoch's low two bits). cid_len < 0: not known (a type-25 record is then
 * fitted to the datagram). Reads the header and the record's bytes.
 */
struct dtls_record {
	uint8_t type;	  /* content type; DTLS_UNIFIED for a unified header */
	uint16_t version; /* 0 for a unified header */
	uint16_t epoch;	  /* unified: the low two bits only */
	int cid;	  /* carried a connection ID */
	struct span body; /* borrowed */
};
#define DTLS_CT_TLS12_CID 25 /* RFC 9146 */
#define DTLS_CT_ACK 26	     /* RFC 9147 §7 */
#define DTLS_UNIFIED 0x20
PE_MUST_USE enum parse_err dtls_record_parse(struct cursor *c, int cid_len, struct dtls_record *r);

/* One handshake message fragment header (RFC 6347 §4.2.2, RFC 9147 §5.2):
 *     msg_type(1) length(3) message_seq(2) fragment_offset(3)
 *     fragment_length(3) | fragment bytes
 * The fragment must lie within the message. */
struct dtls_fragment {
	uint8_t type;
	uint32_t len;
	uint16_t seq;
	uint32_t off;
	struct span bytes; /* borrowed */
};
PE_MUST_USE enum parse_err dtls_fragment_parse(struct cursor *c, struct dtls_fragment *f);

#endif

/*
 * starttls.h - TLS that starts inside another protocol: which clear-text
 * protocol a side's first bytes belong to (one table of recognisers, each
 * with its specification), and the one protocol that carries the TLS
 * handshake in its own frames (Microsoft SQL Server's TDS PRELOGIN
 * packets) de-framed before the record layer.
 *
 * Where TLS begins inside the clear text is found by content afterwards
 * (dissect/tls.c looks for a ClientHello or ServerHello record), so a
 * recogniser only has to say "this is protocol X, TLS may follow".
 */
#ifndef TLSDIAG_STARTTLS_H
#define TLSDIAG_STARTTLS_H

#include <stddef.h>
#include <stdint.h>

#include "capture/cursor.h"

/* How sure a recogniser is: a later, stronger match renames the session
 * (an SMTP-style "220" greeting is shared by SMTP, LMTP and FTP; the
 * client's LHLO or AUTH TLS says which). */
enum starttls_strength {
	STARTTLS_NO = 0,
	STARTTLS_ANON,	 /* clear text that may start TLS, protocol not named */
	STARTTLS_SHARED, /* a greeting several protocols use */
	STARTTLS_SURE,
};

enum starttls_framing {
	STARTTLS_FRAME_NONE = 0, /* TLS records follow the clear text directly */
	STARTTLS_FRAME_TDS,	 /* inside TDS PRELOGIN packets ([MS-TDS] 2.2.6.5) */
};

struct starttls_match {
	const char *name; /* "smtp", "mysql", ...; NULL for STARTTLS_ANON */
	enum starttls_strength strength;
	enum starttls_framing framing;
};

/* The protocol whose first bytes (of either side) begin `first`. Reads at
 * most the first 64 bytes. Returns the strength (STARTTLS_NO: none). */
enum starttls_strength starttls_recognise(struct span first, struct starttls_match *m);

/*
 * TDS de-framing (one direction). A TDS packet is
 *     type(1) status(1) length(2, big-endian, header included)
 *     spid(2) packet_id(1) window(1) | payload[length - 8]
 * The TLS handshake travels as the payload of PRELOGIN (0x12) packets
 * (the server's first PRELOGIN response is a 0x04 packet); once the
 * handshake is done both sides send bare TLS records. A packet boundary
 * that begins with a TLS content type (20-23, never a TDS type) ends the
 * de-framing, and so does a header that cannot be one or a capture gap.
 */
struct tds_deframe {
	int on;		/* still de-framing */
	uint8_t hdr[8]; /* a header being gathered */
	size_t hdr_have;
	size_t left;	  /* payload bytes left in the current packet */
	uint64_t packets; /* packets de-framed */
};

/* The next payload bytes of `in` into *out (borrowed from in): returns 1
 * and advances `in`, or 0 when `in` is used up. Once de-framing ends
 * (t->on == 0) the rest of `in` comes out unchanged. */
int tds_deframe_next(struct tds_deframe *t, struct cursor *in, struct span *out);

#endif

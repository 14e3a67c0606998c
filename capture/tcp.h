/*
 * tcp.h - the flow table and per-direction TCP reassembly.
 *
 * Each flow has two directions: dir 0 is client->server (the sender of the
 * SYN, or the first sender seen when the handshake was not captured, as
 * tshark's "follow" numbers them),
 * dir 1 is server->client. Bytes are delivered to the handler in stream
 * order per direction, each chunk with the timestamp and frame number of
 * the segment that carried it, interleaved across directions in capture
 * order. Missing bytes are delivered as a gap chunk (data == NULL), never
 * silently skipped.
 *
 * Overlaps: bytes already delivered or already buffered win (the receiver
 * keeps the first copy it accepted); an overlap is counted, and counted
 * again as a conflict when the new copy's bytes differ. Delivered bytes are
 * compared against the last TCP_RECENT_BYTES delivered in that direction
 * (older ones cannot be checked); a retransmission whose bytes differ is
 * counted as a conflict too.
 *
 * Conflicting copies: when an overlap or a retransmission brings bytes
 * that differ from the kept ones, the other copy is kept too (at most
 * TCP_ALTS ranges of TCP_ALT_MAX bytes per direction, dropped once the
 * delivered edge is TCP_ALT_WINDOW bytes past them) so that a dissector
 * whose kept bytes do not parse can ask for it (tcp_alt_overlay): the
 * receiver may have used the later copy (the first one was corrupt, and
 * its checksum, which captures cannot be trusted on, said so).
 *
 * Memory: at most max_flows flows (the least recently active is evicted),
 * at most max_buffer bytes held out of order per direction (past that the
 * hole is declared a gap), flows idle for idle_timeout are closed. All
 * evictions are counted; a closed flow lingers for linger_ns (so late ACKs
 * and retransmissions are still counted), then leaves. A flow the handler
 * ignores (its data callback returned TCP_IGNORE) buffers nothing, and its
 * two FINs close it.
 * Each direction that delivered data also keeps its last TCP_RECENT_BYTES
 * until the peer acknowledges all of them (so a retransmission of bytes
 * already acknowledged is counted but cannot be compared).
 */
#ifndef TLSDIAG_TCP_H
#define TLSDIAG_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "capture/decode.h"

#define TCP_RECENT_BYTES 2048
#define TCP_LINGER_NS (30LL * 1000000000) /* a closed flow, capture time */
#define TCP_ALT_ISNS 2
#define TCP_ALTS 4
#define TCP_ALT_MAX 16384
#define TCP_ALT_WINDOW (256u * 1024)

struct tcp_config {
	size_t max_flows;	 /* default 100000 */
	size_t max_buffer;	 /* out-of-order bytes per direction, default 4 MiB */
	int64_t idle_timeout_ns; /* default 300 s (capture time) */
	int64_t linger_ns;	 /* closed flows, default TCP_LINGER_NS (at most the above) */
};
void tcp_config_default(struct tcp_config *c);

struct tcp_dir_stats {
	uint64_t segments; /* segments seen in this direction */
	uint64_t payload_segments;
	uint64_t bytes; /* bytes delivered (not counting gaps) */
	uint64_t gaps, gap_bytes;
	uint64_t retransmits;		      /* segments wholly before the delivered edge */
	uint64_t out_of_order;		      /* segments that arrived ahead of a hole */
	uint64_t overlaps, overlap_conflicts; /* conflicts: overlapping or
						 retransmitted bytes that differ */
	uint64_t overlap_resynced;	      /* conflicts where the dissector took the other
				      copy (tcp_alt_used) */
	uint64_t snaplen_cut;		      /* segments whose payload the snaplen cut */
	uint64_t syn, fin, rst;
	uint64_t dropped_ignored; /* payload bytes not buffered: flow ignored */
};

enum tcp_state { TCP_OPENING, TCP_OPEN, TCP_CLOSING, TCP_CLOSED };

enum tcp_close_reason {
	TCP_CLOSE_FIN = 0, /* both sides sent FIN */
	TCP_CLOSE_RST,
	TCP_CLOSE_IDLE,	   /* idle timeout */
	TCP_CLOSE_EVICTED, /* flow table full */
	TCP_CLOSE_END,	   /* end of the capture */
};
const char *tcp_close_reason_str(enum tcp_close_reason r);

struct tcp_seg_node;

/* The other copy of a conflicting overlap: bytes [off, off+len). */
struct tcp_alt {
	uint64_t off;
	size_t len;
	uint8_t *data;
};

struct tcp_dir {
	int started;	   /* next_off/isn valid */
	uint32_t isn;	   /* sequence number of stream offset 0 */
	uint64_t next_off; /* next stream offset to deliver */
	int fin_seen;
	uint64_t fin_off;
	struct tcp_seg_node *ooo; /* out-of-order segments, sorted by offset */
	size_t ooo_bytes;
	int have_peer_ack; /* the other side acknowledged something */
	uint32_t peer_ack; /* highest ack the peer sent for this dir */
	/* Other ISNs offered by repeated SYNs (SYN-ACKs) before any byte of
	 * this direction was delivered: the peer's ACK picks one. */
	uint32_t alt_isn[TCP_ALT_ISNS];
	uint8_t n_alt_isn;
	uint8_t *recent;     /* ring of the last delivered bytes, indexed
				     by stream offset % TCP_RECENT_BYTES */
	size_t recent_n;     /* valid bytes before next_off in it */
	struct tcp_alt *alt; /* TCP_ALTS other copies (allocated on the first
				conflict), n_alt in use, by offset */
	uint8_t n_alt;
	uint32_t alt_gen; /* how many copies were kept so far */
	struct tcp_dir_stats st;
};

struct tcp_flow {
	uint64_t id;	       /* 1-based, in order of first packet */
	struct endpoint ep[2]; /* ep[0] sends dir 0 (client), ep[1] dir 1 */
	int syn_seen;	       /* the three-way handshake was captured */
	int midstream;	       /* joined after the handshake */
	enum tcp_state state;
	int ignored;
	int64_t first_ts, last_ts;
	uint64_t first_frame, last_frame;
	struct tcp_dir d[2];
	void *user; /* the handler's per-flow state */
	/* table bookkeeping */
	struct tcp_flow *hnext;
	struct tcp_flow *lru_prev, *lru_next;
};

struct tcp_chunk {
	int dir;	     /* 0 client->server, 1 server->client */
	const uint8_t *data; /* NULL for a gap */
	size_t len;	     /* bytes (or missing bytes for a gap) */
	uint64_t off;	     /* stream offset of the first byte */
	int64_t ts_ns;	     /* of the segment that carried the bytes; for
				     a gap before data, of that data's segment,
				     otherwise of the packet that revealed it */
	uint64_t frame;
};

/* What a data handler wants of a flow's payload from now on. */
enum tcp_verdict {
	TCP_KEEP = 0, /* go on delivering */
	TCP_IGNORE,   /* nothing more: neither buffer nor deliver it; only the
			 counters and the flow's life (close) continue */
};

struct tcp_handler {
	void *ctx;
	void (*open)(void *ctx, struct tcp_flow *f);
	enum tcp_verdict (*data)(void *ctx, struct tcp_flow *f, const struct tcp_chunk *c);
	/* Called once per flow; the flow is freed right after. */
	void (*close)(void *ctx, struct tcp_flow *f, enum tcp_close_reason why);
	/* Optional: called when the flow leaves the table, after close. A
	 * flow closed by FIN lingers until then so late ACKs and
	 * retransmissions are still counted; the counters are final here. */
	void (*release)(void *ctx, struct tcp_flow *f);
};

struct tcp_table_stats {
	uint64_t flows, active, peak_active;
	uint64_t closed_fin, closed_rst, closed_idle, evicted, closed_end;
	uint64_t buffer_overflows; /* holes forced into gaps by max_buffer */
	uint64_t ignored_flows;
	uint64_t buffered_bytes, peak_buffered_bytes;
};

struct tcp_table;

struct tcp_table *tcp_table_new(const struct tcp_config *cfg, const struct tcp_handler *h);
/* Feed one segment (in capture order). */
void tcp_table_input(struct tcp_table *t, const struct tcp_seg *s);
/* Capture time moved on to now_ns without a segment (a live capture's
 * tick): flows idle for longer than the timeout are closed, as a segment
 * at that time would. */
void tcp_table_advance(struct tcp_table *t, int64_t now_ns);
/* End of input: deliver what can be delivered (holes become gaps) and
 * close every flow with TCP_CLOSE_END. */
void tcp_table_finish(struct tcp_table *t);
const struct tcp_table_stats *tcp_table_stats(const struct tcp_table *t);
/* `buf` holds the bytes of stream range [off, off+n) of direction `dir`
 * as delivered: write over them the other copies kept of conflicting
 * overlaps in that range. Returns how many bytes now differ (0: no other
 * copy of anything there). */
size_t tcp_alt_overlay(const struct tcp_flow *f, int dir, uint64_t off, uint8_t *buf, size_t n);
/* The dissector read the other copy: counted (overlap_resynced). */
void tcp_alt_used(struct tcp_flow *f, int dir);
void tcp_table_free(struct tcp_table *t);

#endif

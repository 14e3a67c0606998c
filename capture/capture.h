/*
 * capture.h - packets from any source through decoding into a flow table.
 *
 * A source is a capture file (source.c), live interfaces (live.c) or a
 * file another program is still writing (follow.c); they all hand out
 * struct pkt through one small interface, and one loop (capture_pump)
 * takes them through the optional BPF filter and decode_packet() into the
 * TCP table (and UDP datagrams into a UDP table, when one is given). capture_run_file() is that loop over one file.
 */
#ifndef TLSDIAG_CAPTURE_H
#define TLSDIAG_CAPTURE_H

#include <stdint.h>

#include "capture/decode.h"
#include "capture/filter.h"
#include "capture/source.h"
#include "capture/tcp.h"
#include "capture/udp.h"

#define CAPTURE_MAX_LINKTYPES 8

/* ---- sources ---- */

/* Counters a source keeps; what a source cannot know stays 0. */
struct pkt_source_stats {
	uint64_t packets;      /* handed out by next() */
	uint64_t bytes;	       /* read from files / captured (caplen) on interfaces */
	uint64_t received;     /* live: packets the kernel passed the filter (pcap_stats) */
	uint64_t kernel_drops; /* live: dropped for lack of buffer space (ps_drop) */
	uint64_t iface_drops;  /* live: dropped by the interface or its driver (ps_ifdrop) */
};

struct pkt_source_ops {
	/*
	 * The next packet into *out; its data is borrowed until the next
	 * call. Waits at most timeout_ms for one (0: do not wait; < 0: until
	 * one comes or the source ends) and returns SRC_AGAIN when none came,
	 * also when a signal interrupted the wait. Files never wait. After
	 * anything but SRC_OK or SRC_AGAIN the source is finished: message()
	 * says why, and further calls return the same.
	 */
	enum src_status (*next)(void *impl, struct pkt *out, int timeout_ms);
	const char *(*message)(const void *impl);
	/* Snaplen of the interface a packet came from (0 unknown). */
	uint32_t (*snaplen)(const void *impl, uint32_t ifindex);
	void (*stats)(void *impl, struct pkt_source_stats *st);
	void (*close)(void *impl);
};

/* A source by its operations; impl is owned by the source. */
struct pkt_source {
	const struct pkt_source_ops *ops;
	void *impl;
};

/* Close the source (its impl) and zero it; accepts a zeroed one. */
void pkt_source_close(struct pkt_source *src);

/*
 * A capture file as a source ("-" is standard input). Returns 0, or -1
 * with err when it cannot be opened as a capture (src_open). The struct
 * source stays reachable through pkt_source_file_src() for what only
 * files have (format, gzip, offset).
 */
int pkt_source_file(struct pkt_source *src, const char *path, char *err, size_t errlen);
struct source *pkt_source_file_src(const struct pkt_source *src);

/* ---- the loop ---- */

struct capture_result {
	char format[16]; /* "pcap" / "pcapng" */
	int compressed;
	uint64_t packets;      /* read from the source (before the filter) */
	uint64_t filtered_out; /* of those, rejected by the filter */
	int64_t first_ts, last_ts;
	uint64_t bytes_read;	/* uncompressed bytes consumed */
	enum src_status status; /* SRC_EOF when the whole file was read */
	char message[600];	/* why reading stopped early, or "" */
	int opened;		/* 0: nothing could be read at all */
	int linktypes[CAPTURE_MAX_LINKTYPES];
	int nlinktypes;
	uint32_t snaplen;	      /* smallest interface snaplen seen (0 unknown) */
	uint64_t snaplen_cut_packets; /* packets with caplen < origlen, but not those
				       missing only the link trailer (decoded.trailer_cut) */
	uint32_t cut_min, cut_max;    /* the caplen of those: where they were cut
					 (the file's snaplen may say otherwise) */
	struct decode_stats dec;
};

struct capture_hooks {
	void *ctx;
	/* A DNS answer seen in the capture (may be NULL). */
	void (*dns)(void *ctx, const struct dns_seen *d);
	/* Called every few thousand packets with bytes read so far (may be NULL). */
	void (*progress)(void *ctx, uint64_t bytes);
	/* Only packets this filter accepts are passed on (may be NULL:
	 * all). Borrowed; see filter.h. */
	struct pkt_filter *filter;
	/* Every packet the filter accepted, before decoding (may be NULL):
	 * the ring writer's tap (ring.h). */
	void (*packet)(void *ctx, const struct pkt *p);
	/* A pcapng Decryption Secrets Block: its secrets type and data (may be NULL). */
	void (*secrets)(void *ctx, uint32_t type, const uint8_t *p, size_t n);
	/* UDP datagrams go to this table (borrowed; may be NULL: dropped).
	 * The caller finishes it, as the TCP table. */
	struct udp_table *udp;
};

struct capture;

/*
 * A loop that feeds t (borrowed; the caller calls tcp_table_finish) and
 * adds to res (borrowed, zeroed by the caller, read at any time).
 * hooks is copied (may be NULL).
 */
struct capture *capture_new(struct tcp_table *t, const struct capture_hooks *hooks,
			    struct capture_result *res);

/*
 * Take packets from src until it has none within timeout_ms (SRC_AGAIN),
 * it ends (its status), or max_packets were taken (SRC_OK). So a caller
 * with ticks to keep (a TUI, flow expiry, signals) gets control back at
 * least every timeout_ms, or every max_packets under load. When the
 * filter cannot be applied to a packet's link type the loop stops with
 * SRC_ERROR and res->message says why (res->status and res->message are
 * set whenever it returns anything but SRC_OK or SRC_AGAIN).
 */
enum src_status capture_pump(struct capture *c, struct pkt_source *src, int timeout_ms,
			     uint64_t max_packets);

/* Free the loop (not t, res or the source); accepts NULL. */
void capture_free(struct capture *c);

/*
 * Read `path` ("-" for stdin) packet by packet into `t` (which is not
 * finished here: the caller calls tcp_table_finish). Returns 0 when the
 * file could be opened as a capture (even if it stops early: see
 * res->status and res->message), -1 when not (res->message says why).
 */
int capture_run_file(const char *path, struct tcp_table *t, const struct capture_hooks *hooks,
		     struct capture_result *res);

#endif

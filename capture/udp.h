/*
 * udp.h - the UDP flow table: datagrams grouped by their address and port
 * pair, in capture order, for a handler that reads each datagram whole
 * (DTLS, dissect/dtls.h). There is no reassembly: a datagram is a unit.
 *
 * A flow is created only for a datagram the handler's `want` accepts (so
 * the table holds the flows that matter, not every DNS query or RTP
 * stream), and lives until it is idle for idle_timeout (capture time),
 * the table is full (the least recently active flow is evicted), or the
 * capture ends. Direction 0 is the sender of the flow's first datagram.
 * Per packet the table allocates nothing: a new flow costs one allocation.
 */
#ifndef TLSDIAG_UDP_H
#define TLSDIAG_UDP_H

#include <stddef.h>
#include <stdint.h>

#include "capture/decode.h"
#include "capture/tcp.h" /* enum tcp_close_reason: the reasons are the same */

struct udp_config {
	size_t max_flows;	 /* default 20000 */
	int64_t idle_timeout_ns; /* default 120 s (capture time) */
};
void udp_config_default(struct udp_config *c);

struct udp_dir_stats {
	uint64_t datagrams, bytes; /* payload bytes captured */
	uint64_t snaplen_cut;	   /* datagrams the snaplen cut */
};

struct udp_flow {
	uint64_t id;	       /* 1-based, in order of creation */
	struct endpoint ep[2]; /* ep[0] sent the first datagram */
	int ignored;	       /* the handler wants no more datagrams */
	int64_t first_ts, last_ts;
	uint64_t first_frame, last_frame;
	struct udp_dir_stats st[2];
	void *user; /* the handler's per-flow state */
	/* table bookkeeping */
	struct udp_flow *hnext;
	struct udp_flow *lru_prev, *lru_next;
};

enum udp_verdict {
	UDP_KEEP = 0,
	UDP_IGNORE, /* no more datagrams of this flow: only its life goes on */
};

struct udp_handler {
	void *ctx;
	/* Should a datagram of no known flow start one? */
	int (*want)(void *ctx, const struct udp_dgram *d);
	void (*open)(void *ctx, struct udp_flow *f);
	/* One datagram from direction dir (0/1). */
	enum udp_verdict (*data)(void *ctx, struct udp_flow *f, int dir, const struct udp_dgram *d);
	/* Called once per flow (reason TCP_CLOSE_IDLE, _EVICTED or _END); the
	 * flow is freed right after. */
	void (*close)(void *ctx, struct udp_flow *f, enum tcp_close_reason why);
};

struct udp_table_stats {
	uint64_t flows, active, peak_active;
	uint64_t closed_idle, evicted, closed_end;
	uint64_t ignored_flows;
	uint64_t unwanted; /* datagrams of no flow the handler did not want */
};

struct udp_table;

struct udp_table *udp_table_new(const struct udp_config *cfg, const struct udp_handler *h);
/* Feed one datagram (in capture order). */
void udp_table_input(struct udp_table *t, const struct udp_dgram *d);
/* End of input: close every flow with TCP_CLOSE_END. */
void udp_table_finish(struct udp_table *t);
const struct udp_table_stats *udp_table_stats(const struct udp_table *t);
/* Finishes, then frees; accepts NULL. */
void udp_table_free(struct udp_table *t);

#endif

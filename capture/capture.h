/*
 * capture.h - run one capture file through decoding into a flow table.
 */
#ifndef TLSDIAG_CAPTURE_H
#define TLSDIAG_CAPTURE_H

#include <stdint.h>

#include "capture/decode.h"
#include "capture/source.h"
#include "capture/tcp.h"

#define CAPTURE_MAX_LINKTYPES 8

struct capture_result {
	char format[16];        /* "pcap" / "pcapng" */
	int compressed;
	uint64_t packets;
	int64_t first_ts, last_ts;
	uint64_t bytes_read;    /* uncompressed bytes consumed */
	enum src_status status; /* SRC_EOF when the whole file was read */
	char message[600];      /* why reading stopped early, or "" */
	int opened;             /* 0: nothing could be read at all */
	int linktypes[CAPTURE_MAX_LINKTYPES];
	int nlinktypes;
	uint32_t snaplen;       /* smallest interface snaplen seen (0 unknown) */
	uint64_t snaplen_cut_packets; /* packets with caplen < origlen */
	struct decode_stats dec;
};

struct capture_hooks {
	void *ctx;
	/* A DNS answer seen in the capture (may be NULL). */
	void (*dns)(void *ctx, const struct dns_seen *d);
	/* Called every few thousand packets with bytes read so far (may be NULL). */
	void (*progress)(void *ctx, uint64_t bytes);
	/* A pcapng Decryption Secrets Block: its secrets type and data (may be NULL). */
	void (*secrets)(void *ctx, uint32_t type, const uint8_t *p, size_t n);
};

/*
 * Read `path` ("-" for stdin) packet by packet into `t` (which is not
 * finished here: the caller calls tcp_table_finish). Returns 0 when the
 * file could be opened as a capture (even if it stops early: see
 * res->status and res->message), -1 when not (res->message says why).
 */
int capture_run_file(const char *path, struct tcp_table *t, const struct capture_hooks *hooks,
		     struct capture_result *res);

#endif

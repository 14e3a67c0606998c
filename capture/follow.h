/*
 * follow.h - read a pcap or pcapng file that tcpdump (or anything else)
 * is still writing, like `tail -f`, including the ring of files that
 * `tcpdump -w NAME -C SIZE [-W COUNT]` writes.
 *
 * Where the file ends, inside a record or between two, we wait and read
 * again (source.c's follow mode) instead of reporting truncation. When the
 * writer moves on to the next file of its ring, the rest of the current
 * one is read and the next one followed.
 *
 * tcpdump's names (tcpdump.c MakeFilename, checked against tcpdump
 * 4.99.3): with -C alone the first file is NAME, then NAME1, NAME2, ...;
 * with -C and -W COUNT every file carries its number with as many digits
 * as COUNT-1 has (-W 10: NAME0..NAME9; -W 12: NAME00..NAME11) and after
 * the last the writer starts again at 0; -W 1 rewrites NAME itself.
 * The writer has moved on when the next file's name (or, in a -W ring,
 * number 0) appears, or is rewritten, after we began the current one, or
 * is at least as recent as it (tcpdump closes a file before it creates
 * the next). -G (time-based names through strftime) is not followed.
 */
#ifndef TLSDIAG_FOLLOW_H
#define TLSDIAG_FOLLOW_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"
#include "capture/source.h"

struct follow_config {
	/* What tcpdump -w was given (NAME), or one file of its ring. */
	const char *path;
	/* Set by the caller's SIGINT/SIGTERM handler (may be NULL):
	 * follow_next() then returns SRC_EOF. */
	const volatile sig_atomic_t *stop;
	/* How often to look for more data while waiting (0: 100 ms). */
	int poll_ms;
};

struct follow_stats {
	uint64_t packets;
	uint64_t bytes;	    /* bytes read, over every file */
	uint64_t files;	    /* files opened (a rewritten file counts again) */
	uint64_t truncated; /* files left by the writer inside a record */
	uint64_t restarts;  /* the current file was rewritten or replaced */
};

struct follow;

/*
 * Start following cfg->path (copied; cfg->stop is kept). Nothing needs to
 * exist yet: follow_next() waits for the file to appear. Returns NULL
 * with err when it never can be followed (standard input, a directory
 * that does not exist).
 */
struct follow *follow_open(const struct follow_config *cfg, char *err, size_t errlen);

/*
 * The next packet (data borrowed until the next call). Waits at most
 * timeout_ms (< 0: no limit) and returns SRC_AGAIN when none came in
 * time or a signal interrupted the wait; SRC_EOF once *stop is set;
 * SRC_CORRUPT or SRC_ERROR when a file cannot be read on (follow_message
 * says why). Frames are numbered across the files of a ring, from 1.
 */
enum src_status follow_next(struct follow *f, struct pkt *out, int timeout_ms);

const char *follow_message(const struct follow *f);
/* The file being read now ("" before the first one appears). */
const char *follow_current(const struct follow *f);
void follow_get_stats(const struct follow *f, struct follow_stats *st);
void follow_close(struct follow *f);

/* The follower as a packet source (capture.h); closing the source
 * closes the follower. */
void follow_as_source(struct follow *f, struct pkt_source *src);

#endif

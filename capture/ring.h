/*
 * ring.h - write what is captured to a directory as a ring of pcapng
 * files (-w DIR), so that a failure seen live can be handed on as a
 * capture.
 *
 * Each file is a complete pcapng section: a Section Header Block, one
 * Interface Description Block per interface (its link type, snaplen and
 * name; nanosecond timestamps), then an Enhanced Packet Block per packet.
 * Files are named PREFIX-YYYYMMDDTHHMMSSZ-NNNNNN.pcapng (UTC time the file
 * was begun, then its number in this run), so names sort in time order
 * across runs.
 *
 * Limits, after tcpdump's -C and -W: a file is closed and the next begun
 * before a packet would take it past the size limit (so no file is larger
 * than the limit unless one packet alone is); once more than the count
 * limit of files exist, the oldest file this run wrote is removed (files
 * of earlier runs are never touched). The next file is created before the
 * oldest is removed, and a file is flushed to disk (fsync) when it is
 * closed, so a crash loses at most the unflushed end of the current file.
 *
 * A write error (disk full) stops the writing, not the capture: packets
 * are then counted as not written and ring_message() says why.
 */
#ifndef TLSDIAG_RING_H
#define TLSDIAG_RING_H

#include <stddef.h>
#include <stdint.h>

#include "capture/source.h"

#define RING_DEFAULT_FILE_SIZE 100000000ULL /* 100 MB, tcpdump -C 100 */
#define RING_DEFAULT_FILES 10

struct ring_config {
	const char *dir;    /* -w DIR; must exist (ring_prepare_dir) */
	const char *prefix; /* file name prefix (NULL: "tlsdiag") */
	uint64_t file_size; /* --ring-size / -C (0: RING_DEFAULT_FILE_SIZE) */
	unsigned files;	    /* --ring-files / -W (0: RING_DEFAULT_FILES) */
	const char *appl;   /* SHB shb_userappl, e.g. "tlsdiag 0.1.0" (may be NULL) */
};

struct ring_stats {
	uint64_t packets;     /* written */
	uint64_t bytes;	      /* written, over every file */
	uint64_t files;	      /* begun */
	uint64_t removed;     /* removed by the count limit */
	uint64_t not_written; /* packets after a write error */
};

struct ring;

/*
 * Parse a size as tcpdump's -C takes it: a whole number of millions of
 * bytes (1,000,000), or with a suffix K, M or G (powers of 1024: KiB,
 * MiB, GiB; a "B" may follow). 0 ok, -1 not a size (or 0, or too big).
 */
int ring_parse_size(const char *s, uint64_t *bytes);

/*
 * Create dir (mode 0750) when it does not exist, owned by uid:gid when
 * they are not -1 (so that the unprivileged user the capture drops to
 * can write the files: call it before privdrop). An existing directory is
 * left as it is. 0 ok, -1 with err.
 */
int ring_prepare_dir(const char *dir, long uid, long gid, char *err, size_t errlen);

/*
 * Begin the first file in cfg->dir (copied). Interfaces are added
 * with ring_add_iface before the first packet. NULL with err when the
 * first file cannot be created.
 */
struct ring *ring_open(const struct ring_config *cfg, char *err, size_t errlen);

/*
 * Describe interface number `ifindex` (the pkt.ifindex its packets
 * carry; numbered from 0 without gaps): LINKTYPE_ value, snaplen and
 * name (may be NULL). Every file begins with all interfaces added. -1
 * when ifindex is not the next number or packets were already written.
 */
int ring_add_iface(struct ring *r, uint32_t ifindex, int linktype, uint32_t snaplen,
		   const char *name);

/*
 * Append one packet (p->ifindex names its interface), rotating first when
 * it would not fit. 0 written, -1 not (an unknown interface, or writing
 * failed earlier or now: ring_message).
 */
int ring_write(struct ring *r, const struct pkt *p);

/* Push buffered packets to the file (the driver calls it on its ticks,
 * so the current file is readable up to about then). 0 or -1. */
int ring_flush(struct ring *r);

const char *ring_message(const struct ring *r); /* "" while all is well */
const char *ring_current(const struct ring *r); /* path of the file being written */
void ring_get_stats(const struct ring *r, struct ring_stats *st);

/* Flush, fsync and close the current file; free. Accepts NULL. */
void ring_close(struct ring *r);

#endif

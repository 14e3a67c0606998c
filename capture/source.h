/*
 * source.h - packets from capture files: pcap (any byte order, micro- or
 * nanosecond), pcapng (every interface with its own link type and
 * timestamp resolution), either one gzip-compressed, from a path or "-"
 * for standard input.
 *
 * We read the formats ourselves rather than through libpcap because
 * libpcap refuses pcapng files whose interfaces have different link types
 * and cannot tell us the byte offset where a damaged file stops.
 */
#ifndef TLSDIAG_SOURCE_H
#define TLSDIAG_SOURCE_H

#include <stddef.h>
#include <stdint.h>

/* libpcap's LINKTYPE_ values we decode (capture/link.c). */
enum {
	LT_NULL = 0, /* BSD loopback, host-order AF_ */
	LT_ETHERNET = 1,
	LT_RAW = 101,  /* raw IPv4 or IPv6 */
	LT_LOOP = 108, /* OpenBSD loopback, network-order AF_ */
	LT_LINUX_SLL = 113,
	LT_IPV4 = 228,
	LT_IPV6 = 229,
	LT_LINUX_SLL2 = 276,
	LT_RAW_DLT12 = 12, /* DLT_RAW on some BSDs */
	LT_RAW_DLT14 = 14, /* DLT_RAW on OpenBSD */
};

struct pkt {
	uint64_t frame;	  /* 1-based within the file, as Wireshark numbers */
	int64_t ts_ns;	  /* nanoseconds since the Unix epoch, UTC */
	uint32_t caplen;  /* bytes present in data */
	uint32_t origlen; /* bytes on the wire (caplen < origlen: snaplen cut) */
	int linktype;
	uint32_t ifindex;    /* pcapng interface id; 0 for pcap */
	uint64_t offset;     /* byte offset of this record in the (uncompressed) file */
	const uint8_t *data; /* borrowed: valid until the next src_next() */
};

enum src_status {
	SRC_OK = 0,
	SRC_EOF,       /* clean end of file */
	SRC_TRUNCATED, /* the file stops inside a record */
	SRC_CORRUPT,   /* a record contradicts the format; reading stopped */
	SRC_ERROR,     /* I/O error, or not a capture file at all */
	SRC_AGAIN,     /* no packet yet: a followed file (src_follow) ends
			  here for now, a live source had none in time */
};

struct source;

/*
 * Open `path` ("-" is standard input). Returns NULL with a message in err
 * when the file cannot be opened or is not a pcap/pcapng capture (empty
 * files included).
 */
struct source *src_open(const char *path, char *err, size_t errlen);

/*
 * Read the next packet. On anything but SRC_OK, src_message() says what
 * happened and where (byte offset), and further calls return the same.
 */
enum src_status src_next(struct source *s, struct pkt *out);

/*
 * pcapng Decryption Secrets Blocks (type 0x0000000A: secrets type(4),
 * length(4), data): `fn` gets each one's type and data (borrowed until it
 * returns) as src_next() reads past it, in file order.
 */
void src_on_secrets(struct source *s,
		    void (*fn)(void *ctx, uint32_t type, const uint8_t *p, size_t n), void *ctx);

const char *src_message(const struct source *s);
const char *src_format(const struct source *s); /* "pcap", "pcapng" */
int src_compressed(const struct source *s);	/* read through gzip */
uint64_t src_offset(const struct source *s);	/* bytes consumed so far */
/* Snaplen of the interface a packet came from (0 if unknown). */
uint32_t src_snaplen(const struct source *s, uint32_t ifindex);

/*
 * Follow mode, for a file another program is still writing (tail -f):
 * where the file ends, cleanly or inside a record, src_next() returns
 * SRC_AGAIN instead of SRC_EOF or SRC_TRUNCATED, and the next call reads
 * that record again from its start (the writer may have added the rest).
 * Returns -1 (and changes nothing) for gzip input and for anything but a
 * regular file, which cannot be read again. Turning it off makes the next
 * end final again, as for any file.
 */
int src_follow(struct source *s, int on);
void src_close(struct source *s);

/* "ETHERNET", "LINUX_SLL2", ... or NULL when we do not know the number. */
const char *linktype_name(int linktype);

#endif

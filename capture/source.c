/*
 * source.c - pcap and pcapng readers, through zlib so that gzip-compressed
 * files and plain files (gzread passes those through unchanged) are read
 * the same way, from a path or from standard input.
 *
 * pcap (https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/):
 *   global header  magic(4) ver(2+2) thiszone(4) sigfigs(4) snaplen(4) linktype(4)
 *   record header  ts_sec(4) ts_frac(4) incl_len(4) orig_len(4), data
 * pcapng (draft-ietf-opsawg-pcapng):
 *   block          type(4) total_len(4) body ... total_len(4)
 *   SHB 0x0A0D0D0A byte-order magic 0x1A2B3C4D, version, section length
 *   IDB 1          linktype(2) reserved(2) snaplen(4) options (if_tsresol 9)
 *   EPB 6          if_id(4) ts_hi(4) ts_lo(4) caplen(4) origlen(4) data pad
 *   SPB 3          origlen(4) data pad
 *   PB  2 (obsolete) if_id(2) drops(2) ts_hi(4) ts_lo(4) caplen(4) origlen(4)
 *   DSB 10         secrets_type(4) secrets_len(4) data pad  (handed to a callback)
 */
#include "capture/source.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "capture/cursor.h"
#include "capture/xalloc.h"

#define MAX_RECORD (16u * 1024 * 1024) /* larger is corruption, not data */
#define MAX_IFACES 4096

enum fmt { FMT_PCAP, FMT_PCAPNG };

struct iface {
	int linktype;
	uint32_t snaplen;
	int tsresol_pow2; /* 1: units are 2^-v s; 0: 10^-v s */
	uint8_t tsresol;
	int64_t tsoffset_s;
};

struct source {
	gzFile gz;
	char *path;
	enum fmt fmt;
	int compressed;
	int regular;     /* a regular file: can be read again (src_follow) */
	int follow;      /* src_follow(): an end is SRC_AGAIN, not final */
	int swapped;     /* file byte order differs from little-endian read */
	uint64_t off;    /* uncompressed bytes consumed */
	uint64_t frame;
	enum src_status status;
	char msg[512];
	uint8_t *buf;
	size_t cap;
	/* pcap */
	int linktype;
	uint32_t snaplen;
	int nsec;
	/* pcapng */
	int big_endian;
	int pending_magic;
	struct iface *ifs;
	size_t nifs;
	void (*secrets)(void *ctx, uint32_t type, const uint8_t *p, size_t n);
	void *secrets_ctx;
};

const char *linktype_name(int lt)
{
	switch (lt) {
	case LT_NULL: return "NULL";
	case LT_ETHERNET: return "ETHERNET";
	case LT_RAW: return "RAW";
	case LT_RAW_DLT12: return "RAW";
	case LT_RAW_DLT14: return "RAW";
	case LT_LOOP: return "LOOP";
	case LT_LINUX_SLL: return "LINUX_SLL";
	case LT_IPV4: return "IPV4";
	case LT_IPV6: return "IPV6";
	case LT_LINUX_SLL2: return "LINUX_SLL2";
	case 105: return "IEEE802_11";
	case 127: return "IEEE802_11_RADIOTAP";
	case 9: return "PPP";
	case 50: return "PPP_HDLC";
	case 104: return "C_HDLC";
	case 147: return "USER0";
	case 192: return "PPI";
	case 220: return "USB_LINUX_MMAPPED";
	case 249: return "NETLINK";
	}
	return NULL;
}

static void fail(struct source *s, enum src_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(struct source *s, enum src_status st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof s->msg, fmt, ap);
	va_end(ap);
	s->status = st;
}

/* Read exactly n bytes into s->buf at position at. Returns n, or fewer at
 * end of file / error. */
static size_t rd(struct source *s, size_t at, size_t n)
{
	if (at + n > s->cap) {
		size_t cap = s->cap ? s->cap : 65536;
		while (cap < at + n)
			cap *= 2;
		s->buf = xreallocarray(s->buf, cap, 1);
		s->cap = cap;
	}
	size_t got = 0;
	while (got < n) {
		size_t want = n - got;
		if (want > (1u << 30))
			want = 1u << 30;
		int r = gzread(s->gz, s->buf + at + got, (unsigned)want);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	s->off += got;
	return got;
}

static const char *gz_why(struct source *s)
{
	int e = 0;
	const char *m = gzerror(s->gz, &e);
	if (e == Z_OK || e == Z_STREAM_END || m == NULL || *m == 0)
		return NULL;
	if (e == Z_ERRNO)
		return strerror(errno);
	return m;
}

/* Follow mode: the record at rec_off is not all there yet. Forget what
 * was read of it (gzseek also clears zlib's end-of-file state), so that
 * the next src_next() reads it again from its start. */
static enum src_status again(struct source *s, uint64_t rec_off)
{
	if (gzseek(s->gz, (z_off_t)rec_off, SEEK_SET) < 0) {
		fail(s, SRC_ERROR, "cannot read again from byte offset %llu",
		     (unsigned long long)rec_off);
		return s->status;
	}
	s->off = rec_off;
	return SRC_AGAIN;
}

/* A short read: the file ends (or the gzip stream breaks) inside a record. */
static enum src_status short_read(struct source *s, const char *what, uint64_t rec_off)
{
	const char *why = gz_why(s);
	if (s->follow && why == NULL)
		return again(s, rec_off);
	if (why && s->compressed)
		fail(s, SRC_TRUNCATED,
		     "gzip data ends or is damaged at uncompressed byte offset %llu "
		     "(inside %s that starts at offset %llu): %s",
		     (unsigned long long)s->off, what, (unsigned long long)rec_off, why);
	else
		fail(s, SRC_TRUNCATED,
		     "file is truncated: it ends at byte offset %llu, inside %s that "
		     "starts at offset %llu",
		     (unsigned long long)s->off, what, (unsigned long long)rec_off);
	return s->status;
}

static uint32_t get32(const struct source *s, const uint8_t *p)
{
	uint32_t le = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	uint32_t be = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	if (s->fmt == FMT_PCAPNG)
		return s->big_endian ? be : le;
	return s->swapped ? be : le;
}

static uint16_t get16(const struct source *s, const uint8_t *p)
{
	int big = s->fmt == FMT_PCAPNG ? s->big_endian : s->swapped;
	return big ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[0] | p[1] << 8);
}

static int open_pcap(struct source *s, const uint8_t *h)
{
	uint32_t magic = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 |
			 (uint32_t)h[3] << 24;
	switch (magic) {
	case 0xa1b2c3d4: s->swapped = 0; s->nsec = 0; break;
	case 0xa1b23c4d: s->swapped = 0; s->nsec = 1; break;
	case 0xd4c3b2a1: s->swapped = 1; s->nsec = 0; break;
	case 0x4d3cb2a1: s->swapped = 1; s->nsec = 1; break;
	default: return -1;
	}
	s->fmt = FMT_PCAP;
	if (rd(s, 4, 20) != 20) {
		short_read(s, "the pcap file header", 0);
		return -2;
	}
	s->snaplen = get32(s, s->buf + 16);
	/* Only the low 16 bits are the link type; above them are reserved
	 * bits and the FCS-length fields (libpcap's LT_LINKTYPE()). */
	s->linktype = (int)(get32(s, s->buf + 20) & 0xffff);
	return 0;
}

struct source *src_open(const char *path, char *err, size_t errlen)
{
	int fd;
	if (strcmp(path, "-") == 0) {
		fd = dup(0);
	} else {
		fd = open(path, O_RDONLY);
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	struct stat sb;
	int regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
	gzFile gz = gzdopen(fd, "rb");
	if (gz == NULL) {
		close(fd);
		snprintf(err, errlen, "%s: cannot read", path);
		return NULL;
	}
	gzbuffer(gz, 256 * 1024);
	struct source *s = xcalloc(1, sizeof *s);
	s->gz = gz;
	s->regular = regular;
	s->path = xstrdup(path);

	size_t got = rd(s, 0, 4);
	s->compressed = !gzdirect(gz);
	if (got < 4 && s->compressed && gz_why(s)) {
		/* Not empty or short: its compressed data is broken. */
		snprintf(err, errlen, "%s: gzip data is damaged at its start: %s", path, gz_why(s));
		goto bad;
	}
	if (got == 0) {
		snprintf(err, errlen, "%s: empty file, not a capture", path);
		goto bad;
	}
	if (got < 4) {
		snprintf(err, errlen, "%s: only %zu bytes, not a capture", path, got);
		goto bad;
	}
	const uint8_t *h = s->buf;
	if (h[0] == 0x0a && h[1] == 0x0d && h[2] == 0x0d && h[3] == 0x0a) {
		s->fmt = FMT_PCAPNG;
		/* The SHB is read by the block loop from the 4 bytes kept. */
		s->pending_magic = 1;
		return s;
	}
	int r = open_pcap(s, h);
	if (r == -1) {
		snprintf(err, errlen,
			 "%s: not a pcap or pcapng capture (starts with %02x %02x %02x %02x)%s",
			 path, h[0], h[1], h[2], h[3],
			 s->compressed ? " after gzip decompression" : "");
		goto bad;
	}
	if (r == -2) {
		snprintf(err, errlen, "%s: %s", path, s->msg);
		goto bad;
	}
	return s;
bad:
	src_close(s);
	return NULL;
}

static int64_t ts_to_ns(uint64_t units, const struct iface *f)
{
	__int128 v = units;
	if (f->tsresol_pow2) {
		v = v * 1000000000 / ((__int128)1 << (f->tsresol > 63 ? 63 : f->tsresol));
	} else if (f->tsresol <= 9) {
		for (int i = f->tsresol; i < 9; i++)
			v *= 10;
	} else {
		for (int i = 9; i < f->tsresol && i < 40; i++)
			v /= 10;
	}
	v += (__int128)f->tsoffset_s * 1000000000;
	if (v > INT64_MAX)
		v = INT64_MAX;
	if (v < INT64_MIN) /* if_tsoffset can push it below, too */
		v = INT64_MIN;
	return (int64_t)v;
}

static enum src_status next_pcap(struct source *s, struct pkt *out)
{
	uint64_t rec_off = s->off;
	size_t got = rd(s, 0, 16);
	if (got == 0) {
		const char *why = gz_why(s);
		if (why) {
			fail(s, SRC_TRUNCATED, "gzip data damaged at uncompressed byte offset %llu: %s",
			     (unsigned long long)s->off, why);
			return s->status;
		}
		if (s->follow)
			return again(s, rec_off);
		s->status = SRC_EOF;
		return SRC_EOF;
	}
	if (got < 16)
		return short_read(s, "a packet record header", rec_off);
	uint32_t sec = get32(s, s->buf), frac = get32(s, s->buf + 4);
	uint32_t incl = get32(s, s->buf + 8), orig = get32(s, s->buf + 12);
	if (incl > MAX_RECORD) {
		fail(s, SRC_CORRUPT,
		     "corrupt packet record at byte offset %llu (frame %llu): captured length %u "
		     "is impossible; reading stopped there",
		     (unsigned long long)rec_off, (unsigned long long)s->frame + 1, incl);
		return s->status;
	}
	if (rd(s, 0, incl) != incl)
		return short_read(s, "a packet's data", rec_off);
	s->frame++;
	out->frame = s->frame;
	out->ts_ns = (int64_t)sec * 1000000000 + (s->nsec ? frac : (int64_t)frac * 1000);
	out->caplen = incl;
	out->origlen = orig < incl ? incl : orig;
	out->linktype = s->linktype;
	out->ifindex = 0;
	out->offset = rec_off;
	out->data = s->buf;
	return SRC_OK;
}

/* IDB options: if_tsresol (9), if_tsoffset (14). */
static void idb_options(struct source *s, struct cursor *c, struct iface *f)
{
	while (cur_left(c) >= 4) {
		uint8_t b[4];
		if (cur_copy(c, b, 4) != PE_OK)
			return;
		uint16_t code = get16(s, b), len = get16(s, b + 2);
		struct span v;
		if (code == 0 || cur_bytes(c, len, &v) != PE_OK)
			return;
		if (cur_skip(c, (4 - len % 4) % 4) != PE_OK)
			return;
		if (code == 9 && len >= 1) {
			struct cursor vc;
			uint8_t r = 6;
			cur_init(&vc, v.p, v.n);
			if (cur_u8(&vc, &r) == PE_OK) {
				f->tsresol_pow2 = (r & 0x80) != 0;
				f->tsresol = r & 0x7f;
			}
		} else if (code == 14 && len == 8) {
			uint8_t o[8];
			struct cursor vc;
			cur_init(&vc, v.p, v.n);
			if (cur_copy(&vc, o, 8) == PE_OK) {
				uint64_t lo = get32(s, s->big_endian ? o + 4 : o);
				uint64_t hi = get32(s, s->big_endian ? o : o + 4);
				f->tsoffset_s = (int64_t)(hi << 32 | lo);
			}
		}
	}
}

static enum src_status next_pcapng(struct source *s, struct pkt *out)
{
	for (;;) {
		uint64_t blk_off = s->off;
		size_t have = 0;
		if (s->pending_magic) {
			/* First block: its type is already in buf (src_open). */
			s->pending_magic = 0;
			blk_off = 0;
			have = 4;
		}
		size_t got = rd(s, have, 8 - have) + have;
		if (got == 0) {
			const char *why = gz_why(s);
			if (why) {
				fail(s, SRC_TRUNCATED,
				     "gzip data damaged at uncompressed byte offset %llu: %s",
				     (unsigned long long)s->off, why);
				return s->status;
			}
			if (s->follow)
				return again(s, blk_off);
			s->status = SRC_EOF;
			return SRC_EOF;
		}
		if (got < 8)
			return short_read(s, "a pcapng block header", blk_off);
		uint8_t t[4];
		memcpy(t, s->buf, 4);
		int is_shb = t[0] == 0x0a && t[1] == 0x0d && t[2] == 0x0d && t[3] == 0x0a;
		if (is_shb) {
			/* Byte order comes from the magic that follows the length. */
			if (rd(s, 8, 4) != 4)
				return short_read(s, "a section header block", blk_off);
			const uint8_t *m = s->buf + 8;
			if (m[0] == 0x1a && m[1] == 0x2b && m[2] == 0x3c && m[3] == 0x4d)
				s->big_endian = 1;
			else if (m[0] == 0x4d && m[1] == 0x3c && m[2] == 0x2b && m[3] == 0x1a)
				s->big_endian = 0;
			else {
				fail(s, SRC_CORRUPT,
				     "corrupt pcapng section header at byte offset %llu: bad byte-order magic",
				     (unsigned long long)blk_off);
				return s->status;
			}
			have = 12;
		} else {
			have = 8;
		}
		uint32_t type = get32(s, s->buf);
		uint32_t tlen = get32(s, s->buf + 4);
		if (tlen < 12 || tlen % 4 != 0 || tlen > MAX_RECORD + 64) {
			fail(s, SRC_CORRUPT,
			     "corrupt pcapng block at byte offset %llu: block length %u is impossible; "
			     "reading stopped there",
			     (unsigned long long)blk_off, tlen);
			return s->status;
		}
		if (tlen < have) {
			fail(s, SRC_CORRUPT, "corrupt pcapng block at byte offset %llu",
			     (unsigned long long)blk_off);
			return s->status;
		}
		if (rd(s, have, tlen - have) != tlen - have)
			return short_read(s, "a pcapng block", blk_off);
		if (get32(s, s->buf + tlen - 4) != tlen) {
			fail(s, SRC_CORRUPT,
			     "corrupt pcapng block at byte offset %llu: trailing length differs",
			     (unsigned long long)blk_off);
			return s->status;
		}
		struct cursor c;
		cur_init(&c, s->buf + 8, tlen - 12);
		uint8_t b[20];

		if (is_shb) {
			/* A new section: interface numbering restarts. */
			free(s->ifs);
			s->ifs = NULL;
			s->nifs = 0;
			continue;
		}
		if (type == 1) { /* IDB */
			if (cur_copy(&c, b, 8) != PE_OK) {
				fail(s, SRC_CORRUPT, "corrupt interface description block at offset %llu",
				     (unsigned long long)blk_off);
				return s->status;
			}
			if (s->nifs >= MAX_IFACES) {
				fail(s, SRC_CORRUPT, "more than %d interfaces at offset %llu", MAX_IFACES,
				     (unsigned long long)blk_off);
				return s->status;
			}
			s->ifs = xreallocarray(s->ifs, s->nifs + 1, sizeof *s->ifs);
			struct iface *f = &s->ifs[s->nifs++];
			memset(f, 0, sizeof *f);
			f->linktype = get16(s, b);
			f->snaplen = get32(s, b + 4);
			f->tsresol = 6;
			idb_options(s, &c, f);
			continue;
		}
		if (type == 10) { /* DSB: a damaged one is skipped, not fatal */
			struct span data;
			if (s->secrets && cur_copy(&c, b, 8) == PE_OK &&
			    cur_bytes(&c, get32(s, b + 4), &data) == PE_OK)
				s->secrets(s->secrets_ctx, get32(s, b), data.p, data.n);
			continue;
		}
		uint32_t ifid = 0, caplen, origlen;
		uint64_t units = 0;
		if (type == 6 || type == 2) { /* EPB, obsolete PB */
			if (cur_copy(&c, b, 20) != PE_OK)
				goto bad_pkt;
			if (type == 6)
				ifid = get32(s, b);
			else
				ifid = get16(s, b);
			units = (uint64_t)get32(s, b + 4) << 32 | get32(s, b + 8);
			caplen = get32(s, b + 12);
			origlen = get32(s, b + 16);
		} else if (type == 3) { /* SPB */
			if (cur_copy(&c, b, 4) != PE_OK)
				goto bad_pkt;
			/* No captured length: it is min(original, snaplen of
			 * interface 0); the rest of the block is padding. */
			origlen = get32(s, b);
			caplen = (uint32_t)cur_left(&c);
			if (caplen > origlen)
				caplen = origlen;
			if (s->nifs > 0 && s->ifs[0].snaplen && caplen > s->ifs[0].snaplen)
				caplen = s->ifs[0].snaplen;
		} else {
			continue; /* NRB, ISB, custom...: nothing we need */
		}
		if (caplen > cur_left(&c))
			goto bad_pkt;
		if (ifid >= s->nifs) {
			fail(s, SRC_CORRUPT,
			     "packet block at byte offset %llu names interface %u, but only %zu "
			     "interfaces were described; reading stopped there",
			     (unsigned long long)blk_off, ifid, s->nifs);
			return s->status;
		}
		const struct iface *f = &s->ifs[ifid];
		s->frame++;
		out->frame = s->frame;
		out->ts_ns = type == 3 ? 0 : ts_to_ns(units, f);
		out->caplen = caplen;
		out->origlen = origlen < caplen ? caplen : origlen;
		out->linktype = f->linktype;
		out->ifindex = ifid;
		out->offset = blk_off;
		out->data = c.base + c.off;
		return SRC_OK;
bad_pkt:
		fail(s, SRC_CORRUPT,
		     "corrupt packet block at byte offset %llu: lengths do not fit the block; "
		     "reading stopped there",
		     (unsigned long long)blk_off);
		return s->status;
	}
}

enum src_status src_next(struct source *s, struct pkt *out)
{
	if (s->status != SRC_OK)
		return s->status;
	return s->fmt == FMT_PCAP ? next_pcap(s, out) : next_pcapng(s, out);
}

void src_on_secrets(struct source *s, void (*fn)(void *ctx, uint32_t type, const uint8_t *p,
						 size_t n),
		    void *ctx)
{
	s->secrets = fn;
	s->secrets_ctx = ctx;
}

const char *src_message(const struct source *s)
{
	return s->msg;
}

const char *src_format(const struct source *s)
{
	return s->fmt == FMT_PCAP ? "pcap" : "pcapng";
}

int src_compressed(const struct source *s)
{
	return s->compressed;
}

uint64_t src_offset(const struct source *s)
{
	return s->off;
}

int src_follow(struct source *s, int on)
{
	if (on && (s->compressed || !s->regular))
		return -1;
	s->follow = on != 0;
	return 0;
}

uint32_t src_snaplen(const struct source *s, uint32_t ifindex)
{
	if (s->fmt == FMT_PCAP)
		return s->snaplen;
	return ifindex < s->nifs ? s->ifs[ifindex].snaplen : 0;
}

void src_close(struct source *s)
{
	if (s == NULL)
		return;
	if (s->gz)
		gzclose(s->gz);
	free(s->buf);
	free(s->ifs);
	free(s->path);
	free(s);
}

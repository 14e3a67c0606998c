/*
 * Unit tests for capture/source.c: src_open()/src_next() on capture files
 * this test writes into a temporary directory: pcap in both byte orders
 * with micro- and nanosecond magic, pcapng with several interfaces, link
 * types and timestamp resolutions, a second section, SPB and the obsolete
 * PB, gzip-compressed files, and the damaged ones: truncated in a header
 * and in data, corrupt lengths, empty, text, a packet block without an
 * interface. Then every prefix of a good file, which must stop cleanly.
 */
#include "capture/source.h"
#include "tests/unit/t.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* ---- building files (test code: writes its own buffers) ---- */

struct buf {
	uint8_t b[1 << 16];
	size_t n;
	int be;	    /* write multi-byte fields big-endian */
	size_t blk; /* start of the open pcapng block */
};

static void b8(struct buf *b, unsigned v)
{
	b->b[b->n++] = (uint8_t)v;
}

static void b16(struct buf *b, unsigned v)
{
	if (b->be) {
		b8(b, v >> 8);
		b8(b, v);
	} else {
		b8(b, v);
		b8(b, v >> 8);
	}
}

static void b32(struct buf *b, uint32_t v)
{
	if (b->be) {
		b16(b, v >> 16);
		b16(b, v & 0xffff);
	} else {
		b16(b, v & 0xffff);
		b16(b, v >> 16);
	}
}

static void bmem(struct buf *b, const void *p, size_t n)
{
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void bpad4(struct buf *b)
{
	while (b->n % 4)
		b8(b, 0);
}

static void put32at(struct buf *b, size_t at, uint32_t v)
{
	size_t save = b->n;
	b->n = at;
	b32(b, v);
	b->n = save;
}

/* pcap */
static void pcap_hdr(struct buf *b, uint32_t magic, uint32_t snaplen, uint32_t lt)
{
	b32(b, magic);
	b16(b, 2);
	b16(b, 4);
	b32(b, 0);
	b32(b, 0);
	b32(b, snaplen);
	b32(b, lt);
}

static void pcap_rec(struct buf *b, uint32_t sec, uint32_t frac, const void *p, uint32_t incl,
		     uint32_t orig)
{
	b32(b, sec);
	b32(b, frac);
	b32(b, incl);
	b32(b, orig);
	bmem(b, p, incl);
}

/* pcapng */
static void blk_begin(struct buf *b, uint32_t type)
{
	b->blk = b->n;
	b32(b, type);
	b32(b, 0);
}

static void blk_end(struct buf *b)
{
	bpad4(b);
	uint32_t len = (uint32_t)(b->n - b->blk + 4);
	b32(b, len);
	put32at(b, b->blk + 4, len);
}

static void shb(struct buf *b)
{
	blk_begin(b, 0x0A0D0D0A);
	b32(b, 0x1A2B3C4D);
	b16(b, 1);
	b16(b, 0);
	b32(b, 0xffffffff); /* section length unknown */
	b32(b, 0xffffffff);
	blk_end(b);
}

/* IDB; tsresol < 0: no option. */
static void idb(struct buf *b, unsigned lt, uint32_t snaplen, int tsresol, int64_t tsoffset)
{
	blk_begin(b, 1);
	b16(b, lt);
	b16(b, 0);
	b32(b, snaplen);
	b16(b, 2); /* if_name, to be skipped */
	b16(b, 3);
	bmem(b, "eth", 3);
	bpad4(b);
	if (tsresol >= 0) {
		b16(b, 9);
		b16(b, 1);
		b8(b, (unsigned)tsresol);
		bpad4(b);
	}
	if (tsoffset) {
		b16(b, 14);
		b16(b, 8);
		uint64_t v = (uint64_t)tsoffset;
		if (b->be) {
			b32(b, (uint32_t)(v >> 32));
			b32(b, (uint32_t)v);
		} else {
			b32(b, (uint32_t)v);
			b32(b, (uint32_t)(v >> 32));
		}
	}
	b16(b, 0); /* opt_endofopt */
	b16(b, 0);
	blk_end(b);
}

static void epb(struct buf *b, uint32_t ifid, uint64_t ts, const void *p, uint32_t caplen,
		uint32_t orig)
{
	blk_begin(b, 6);
	b32(b, ifid);
	b32(b, (uint32_t)(ts >> 32));
	b32(b, (uint32_t)ts);
	b32(b, caplen);
	b32(b, orig);
	bmem(b, p, caplen);
	blk_end(b);
}

static void spb(struct buf *b, const void *p, uint32_t caplen, uint32_t orig)
{
	blk_begin(b, 3);
	b32(b, orig);
	bmem(b, p, caplen);
	blk_end(b);
}

static void pb(struct buf *b, unsigned ifid, uint64_t ts, const void *p, uint32_t caplen,
	       uint32_t orig)
{
	blk_begin(b, 2);
	b16(b, ifid);
	b16(b, 0);
	b32(b, (uint32_t)(ts >> 32));
	b32(b, (uint32_t)ts);
	b32(b, caplen);
	b32(b, orig);
	bmem(b, p, caplen);
	blk_end(b);
}

static char DIR_[64];

static char *path_of(const char *name)
{
	static char p[256];
	snprintf(p, sizeof p, "%s/%s", DIR_, name);
	return p;
}

static const char *write_file(const char *name, const void *p, size_t n)
{
	const char *path = path_of(name);
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		if (n)
			CHECK(fwrite(p, 1, n, f) == n);
		fclose(f);
	}
	return path;
}

static const char *write_gz(const char *name, const void *p, size_t n)
{
	const char *path = path_of(name);
	gzFile g = gzopen(path, "wb");
	CHECK(g != NULL);
	if (g) {
		CHECK(gzwrite(g, p, (unsigned)n) == (int)n);
		gzclose(g);
	}
	return path;
}

static const uint8_t P1[] = "first packet bytes";
static const uint8_t P2[] = "second, a little longer";
static const uint8_t P3[] = "3rd";

/* ---- reading ---- */

static struct source *open_ok(const char *path)
{
	char err[512] = "";
	struct source *s = src_open(path, err, sizeof err);
	if (s == NULL)
		fprintf(stderr, "src_open %s: %s\n", path, err);
	CHECK(s != NULL);
	return s;
}

#define CHECK_PKT(pk, frame_, ts_, data_, caplen_, orig_, lt_, if_, off_)                          \
	do {                                                                                       \
		CHECK_EQ_INT((pk).frame, frame_);                                                  \
		CHECK_EQ_INT((pk).ts_ns, ts_);                                                     \
		CHECK_EQ_INT((pk).caplen, caplen_);                                                \
		CHECK_EQ_INT((pk).origlen, orig_);                                                 \
		CHECK_EQ_INT((pk).linktype, lt_);                                                  \
		CHECK_EQ_INT((pk).ifindex, if_);                                                   \
		CHECK_EQ_INT((pk).offset, off_);                                                   \
		CHECK((pk).caplen == (caplen_) && memcmp((pk).data, data_, caplen_) == 0);         \
	} while (0)

static void test_pcap(void)
{
	static const struct {
		uint32_t magic;
		int be, nsec;
	} v[] = {
		{ 0xa1b2c3d4, 0, 0 },
		{ 0xa1b2c3d4, 1, 0 },
		{ 0xa1b23c4d, 0, 1 },
		{ 0xa1b23c4d, 1, 1 },
	};
	for (size_t i = 0; i < 4; i++) {
		static struct buf b;
		memset(&b, 0, sizeof b);
		b.be = v[i].be;
		/* Upper link type bits carry FCS information. */
		pcap_hdr(&b, v[i].magic, 262144, 0x14000000 | LT_ETHERNET);
		pcap_rec(&b, 1700000000, 123456, P1, sizeof P1, sizeof P1);
		pcap_rec(&b, 1700000001, 999999, P2, 10, sizeof P2); /* snaplen cut */
		pcap_rec(&b, 1700000002, 0, P3, sizeof P3, 1);	     /* orig < incl */
		struct source *s = open_ok(write_file("a.pcap", b.b, b.n));
		if (s == NULL)
			continue;
		struct pkt p;
		int64_t scale = v[i].nsec ? 1 : 1000;
		CHECK_EQ_STR(src_format(s), "pcap");
		CHECK_EQ_INT(src_compressed(s), 0);
		CHECK_EQ_INT(src_snaplen(s, 0), 262144);
		CHECK_EQ_INT(src_next(s, &p), SRC_OK);
		CHECK_PKT(p, 1, 1700000000LL * 1000000000 + 123456 * scale, P1, sizeof P1,
			  sizeof P1, LT_ETHERNET, 0, 24);
		CHECK_EQ_INT(src_next(s, &p), SRC_OK);
		CHECK_PKT(p, 2, 1700000001LL * 1000000000 + 999999 * scale, P2, 10, sizeof P2,
			  LT_ETHERNET, 0, 24 + 16 + sizeof P1);
		CHECK_EQ_INT(src_next(s, &p), SRC_OK);
		CHECK_PKT(p, 3, 1700000002LL * 1000000000, P3, sizeof P3, sizeof P3, LT_ETHERNET, 0,
			  24 + 32 + sizeof P1 + 10);
		CHECK_EQ_INT(src_next(s, &p), SRC_EOF);
		CHECK_EQ_INT(src_next(s, &p), SRC_EOF);
		CHECK_EQ_INT(src_offset(s), b.n);
		src_close(s);

		/* The same, gzip-compressed. */
		s = open_ok(write_gz("a.pcap.gz", b.b, b.n));
		if (s == NULL)
			continue;
		CHECK_EQ_INT(src_compressed(s), 1);
		CHECK_EQ_STR(src_format(s), "pcap");
		CHECK_EQ_INT(src_next(s, &p), SRC_OK);
		CHECK_PKT(p, 1, 1700000000LL * 1000000000 + 123456 * scale, P1, sizeof P1,
			  sizeof P1, LT_ETHERNET, 0, 24);
		CHECK_EQ_INT(src_next(s, &p), SRC_OK);
		CHECK_EQ_INT(src_next(s, &p), SRC_OK);
		CHECK_EQ_INT(src_next(s, &p), SRC_EOF);
		CHECK_EQ_INT(src_offset(s), b.n);
		src_close(s);
	}
}

static void test_pcapng(void)
{
	static struct buf b;
	memset(&b, 0, sizeof b);
	shb(&b);
	idb(&b, LT_ETHERNET, 65535, -1, 0);	 /* if 0: microseconds */
	idb(&b, LT_RAW, 1500, 9, 0);		 /* if 1: nanoseconds */
	idb(&b, LT_LINUX_SLL2, 0, 0x80 | 10, 0); /* if 2: 2^-10 s */
	idb(&b, LT_NULL, 0, 3, 1000);		 /* if 3: ms, +1000 s */
	size_t off1 = b.n;
	epb(&b, 0, 1700000000123456ULL, P1, sizeof P1, sizeof P1);
	size_t off2 = b.n;
	epb(&b, 1, 1700000000123456789ULL, P2, 10, sizeof P2);
	size_t off3 = b.n;
	epb(&b, 2, 3ULL * 1024 + 512, P3, sizeof P3, sizeof P3);
	size_t off4 = b.n;
	epb(&b, 3, 2500, P3, 2, 2);
	/* Blocks we do not need are skipped: NRB, ISB, a custom one. */
	blk_begin(&b, 4);
	b32(&b, 0);
	blk_end(&b);
	blk_begin(&b, 5);
	b32(&b, 0);
	b32(&b, 0);
	b32(&b, 0);
	blk_end(&b);
	blk_begin(&b, 0x40000BAD);
	b32(&b, 32473);
	blk_end(&b);
	size_t off5 = b.n;
	spb(&b, P2, sizeof P2, sizeof P2); /* SPB: interface 0 */
	size_t off6 = b.n;
	pb(&b, 1, 5000000000ULL, P1, sizeof P1, 100); /* obsolete PB */
	/* A second section, big-endian this time, with its own interfaces. */
	b.be = 1;
	size_t off7_shb = b.n;
	shb(&b);
	idb(&b, LT_IPV6, 0, 9, 0);
	size_t off7 = b.n;
	epb(&b, 0, 42, P1, 5, 5);
	(void)off7_shb;

	const char *path = write_file("a.pcapng", b.b, b.n);
	for (int gz = 0; gz < 2; gz++) {
		if (gz)
			path = write_gz("a.pcapng.gz", b.b, b.n);
		struct source *s = open_ok(path);
		if (s == NULL)
			return;
		struct pkt p;
		CHECK_EQ_STR(src_format(s), "pcapng");
		CHECK_EQ_INT(src_compressed(s), gz);
		CHECK_EQ_INT(src_next(s, &p), SRC_OK);
		CHECK_PKT(p, 1, 1700000000123456000LL, P1, sizeof P1, sizeof P1, LT_ETHERNET, 0,
			  off1);
		CHECK_EQ_INT(src_snaplen(s, 0), 65535);
		CHECK_EQ_INT(src_snaplen(s, 1), 1500);
		CHECK_EQ_INT(src_snaplen(s, 99), 0);
		CHECK_EQ_INT(src_next(s, &p), SRC_OK);
		CHECK_PKT(p, 2, 1700000000123456789LL, P2, 10, sizeof P2, LT_RAW, 1, off2);
		CHECK_EQ_INT(src_next(s, &p), SRC_OK);
		CHECK_PKT(p, 3, 3500000000LL, P3, sizeof P3, sizeof P3, LT_LINUX_SLL2, 2, off3);
		CHECK_EQ_INT(src_next(s, &p), SRC_OK);
		CHECK_PKT(p, 4, 1002500000000LL, P3, 2, 2, LT_NULL, 3, off4);
		CHECK_EQ_INT(src_next(s, &p), SRC_OK);
		CHECK_PKT(p, 5, 0, P2, sizeof P2, sizeof P2, LT_ETHERNET, 0, off5);
		CHECK_EQ_INT(src_next(s, &p), SRC_OK);
		CHECK_PKT(p, 6, 5000000000LL, P1, sizeof P1, 100, LT_RAW, 1, off6);
		CHECK_EQ_INT(src_next(s, &p), SRC_OK);
		CHECK_PKT(p, 7, 42, P1, 5, 5, LT_IPV6, 0, off7);
		CHECK_EQ_INT(src_snaplen(s, 1), 0); /* the new section has one interface */
		CHECK_EQ_INT(src_next(s, &p), SRC_EOF);
		CHECK_EQ_INT(src_offset(s), b.n);
		src_close(s);
	}
}

/* Simple packet blocks: the captured length is min(original, snaplen of
 * interface 0); the block's padding is not packet data. */
static void test_spb_snaplen(void)
{
	static struct buf b;
	static const uint8_t d[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	memset(&b, 0, sizeof b);
	shb(&b);
	idb(&b, LT_RAW, 5, -1, 0);
	spb(&b, d, 5, 100); /* 5 bytes + 3 padding */
	spb(&b, d, 3, 3);   /* shorter than the snaplen */
	struct source *s = open_ok(write_file("spb.pcapng", b.b, b.n));
	if (s == NULL)
		return;
	struct pkt p;
	CHECK_EQ_INT(src_next(s, &p), SRC_OK);
	CHECK_EQ_INT(p.caplen, 5);
	CHECK_EQ_INT(p.origlen, 100);
	CHECK_EQ_INT(src_next(s, &p), SRC_OK);
	CHECK_EQ_INT(p.caplen, 3);
	CHECK_EQ_INT(p.origlen, 3);
	CHECK_EQ_INT(src_next(s, &p), SRC_EOF);
	src_close(s);
}

/* Timestamps past what int64 nanoseconds hold saturate, both ways. */
static void test_ts_extremes(void)
{
	static struct buf b;
	memset(&b, 0, sizeof b);
	shb(&b);
	idb(&b, LT_RAW, 0, 0, INT64_MIN / 2); /* seconds, far before 1970 */
	idb(&b, LT_RAW, 0, 0, INT64_MAX / 2); /* far after */
	idb(&b, LT_RAW, 0, 0x80 | 127, 0);    /* 2^-127 s (clamped) */
	idb(&b, LT_RAW, 0, 100, 0);	      /* 10^-100 s */
	epb(&b, 0, 1, P3, 1, 1);
	epb(&b, 1, 1, P3, 1, 1);
	epb(&b, 2, UINT64_MAX, P3, 1, 1);
	epb(&b, 3, UINT64_MAX, P3, 1, 1);
	struct source *s = open_ok(write_file("ts.pcapng", b.b, b.n));
	if (s == NULL)
		return;
	struct pkt p;
	CHECK_EQ_INT(src_next(s, &p), SRC_OK);
	CHECK(p.ts_ns == INT64_MIN);
	CHECK_EQ_INT(src_next(s, &p), SRC_OK);
	CHECK(p.ts_ns == INT64_MAX);
	CHECK_EQ_INT(src_next(s, &p), SRC_OK);
	CHECK(p.ts_ns >= 0 && p.ts_ns <= 3000000000LL);
	CHECK_EQ_INT(src_next(s, &p), SRC_OK);
	CHECK_EQ_INT(p.ts_ns, 0);
	CHECK_EQ_INT(src_next(s, &p), SRC_EOF);
	src_close(s);
}

/* Read to the end; returns the final status, counts packets. */
static enum src_status drain(struct source *s, int *npk)
{
	struct pkt p;
	enum src_status st;
	*npk = 0;
	while ((st = src_next(s, &p)) == SRC_OK)
		(*npk)++;
	return st;
}

static int has(const char *msg, const char *what)
{
	if (strstr(msg, what))
		return 1;
	fprintf(stderr, "message \"%s\" lacks \"%s\"\n", msg, what);
	return 0;
}

static void test_damaged(void)
{
	static struct buf b;
	char err[512], want[64];
	struct source *s;
	int n;

	/* pcap cut inside the second record header (at byte 24+16+19+8). */
	memset(&b, 0, sizeof b);
	pcap_hdr(&b, 0xa1b2c3d4, 65535, LT_ETHERNET);
	pcap_rec(&b, 1, 0, P1, sizeof P1, sizeof P1);
	size_t rec2 = b.n;
	pcap_rec(&b, 2, 0, P2, sizeof P2, sizeof P2);
	s = open_ok(write_file("cut-hdr.pcap", b.b, rec2 + 8));
	if (s) {
		CHECK_EQ_INT(drain(s, &n), SRC_TRUNCATED);
		CHECK_EQ_INT(n, 1);
		snprintf(want, sizeof want, "byte offset %zu", rec2 + 8);
		CHECK(has(src_message(s), want));
		snprintf(want, sizeof want, "starts at offset %zu", rec2);
		CHECK(has(src_message(s), want));
		CHECK(has(src_message(s), "record header"));
		struct pkt p;
		CHECK_EQ_INT(src_next(s, &p), SRC_TRUNCATED); /* and stays so */
		src_close(s);
	}
	/* ... inside its data. */
	s = open_ok(write_file("cut-data.pcap", b.b, rec2 + 16 + 5));
	if (s) {
		CHECK_EQ_INT(drain(s, &n), SRC_TRUNCATED);
		CHECK_EQ_INT(n, 1);
		snprintf(want, sizeof want, "byte offset %zu", rec2 + 16 + 5);
		CHECK(has(src_message(s), want));
		CHECK(has(src_message(s), "data"));
		src_close(s);
	}
	/* ... inside the file header: not openable. */
	CHECK(src_open(write_file("cut-fh.pcap", b.b, 10), err, sizeof err) == NULL);
	CHECK(has(err, "truncated"));
	/* gzip-compressed and cut: the compressed stream ends early. */
	{
		static uint8_t big[40000];
		static struct buf g;
		memset(&g, 0, sizeof g);
		pcap_hdr(&g, 0xa1b2c3d4, 65535, LT_RAW);
		for (size_t i = 0; i < sizeof big; i++)
			big[i] = (uint8_t)(i * 7 + (i >> 5));
		pcap_rec(&g, 1, 0, big, 20000, 20000);
		pcap_rec(&g, 2, 0, big + 20000, 20000, 20000);
		const char *path = write_gz("cut.pcap.gz", g.b, g.n);
		FILE *f = fopen(path, "rb");
		static uint8_t z[65536];
		size_t zn = f ? fread(z, 1, sizeof z, f) : 0;
		if (f)
			fclose(f);
		CHECK(zn > 1000);
		s = open_ok(write_file("cut.pcap.gz", z, zn * 3 / 4));
		if (s) {
			enum src_status st = drain(s, &n);
			CHECK_EQ_INT(st, SRC_TRUNCATED);
			CHECK(n <= 1);
			CHECK(has(src_message(s), "offset"));
			src_close(s);
		}
	}

	/* Corrupt caplen. */
	memset(&b, 0, sizeof b);
	pcap_hdr(&b, 0xa1b2c3d4, 65535, LT_ETHERNET);
	pcap_rec(&b, 1, 0, P1, sizeof P1, sizeof P1);
	rec2 = b.n;
	b32(&b, 2);
	b32(&b, 0);
	b32(&b, 0x7fffffff);
	b32(&b, 60);
	bmem(&b, P2, sizeof P2);
	s = open_ok(write_file("corrupt.pcap", b.b, b.n));
	if (s) {
		CHECK_EQ_INT(drain(s, &n), SRC_CORRUPT);
		CHECK_EQ_INT(n, 1);
		snprintf(want, sizeof want, "byte offset %zu", rec2);
		CHECK(has(src_message(s), want));
		CHECK(has(src_message(s), "frame 2"));
		src_close(s);
	}

	/* pcapng: cut inside a block, bad block lengths, caplen past the block. */
	memset(&b, 0, sizeof b);
	shb(&b);
	idb(&b, LT_ETHERNET, 0, -1, 0);
	epb(&b, 0, 1, P1, sizeof P1, sizeof P1);
	size_t blk2 = b.n;
	epb(&b, 0, 2, P2, sizeof P2, sizeof P2);
	s = open_ok(write_file("cut.pcapng", b.b, blk2 + 30));
	if (s) {
		CHECK_EQ_INT(drain(s, &n), SRC_TRUNCATED);
		CHECK_EQ_INT(n, 1);
		snprintf(want, sizeof want, "byte offset %zu", blk2 + 30);
		CHECK(has(src_message(s), want));
		snprintf(want, sizeof want, "starts at offset %zu", blk2);
		CHECK(has(src_message(s), want));
		src_close(s);
	}
	s = open_ok(write_file("cut2.pcapng", b.b, blk2 + 5));
	if (s) {
		CHECK_EQ_INT(drain(s, &n), SRC_TRUNCATED);
		CHECK(has(src_message(s), "block header"));
		src_close(s);
	}
	{
		static struct buf c;
		c = b;
		put32at(&c, blk2 + 4, 0x31); /* not a multiple of 4 */
		s = open_ok(write_file("badlen.pcapng", c.b, c.n));
		if (s) {
			CHECK_EQ_INT(drain(s, &n), SRC_CORRUPT);
			CHECK_EQ_INT(n, 1);
			snprintf(want, sizeof want, "byte offset %zu", blk2);
			CHECK(has(src_message(s), want));
			src_close(s);
		}
		c = b;
		put32at(&c, c.n - 4, 8); /* trailing length differs */
		s = open_ok(write_file("badtrail.pcapng", c.b, c.n));
		if (s) {
			CHECK_EQ_INT(drain(s, &n), SRC_CORRUPT);
			CHECK(has(src_message(s), "trailing length"));
			src_close(s);
		}
		c = b;
		put32at(&c, blk2 + 20, 1000); /* EPB caplen past the block */
		s = open_ok(write_file("badcap.pcapng", c.b, c.n));
		if (s) {
			CHECK_EQ_INT(drain(s, &n), SRC_CORRUPT);
			CHECK_EQ_INT(n, 1);
			src_close(s);
		}
		c = b;
		put32at(&c, blk2 + 4, 0x7ffffff0); /* absurdly long block */
		s = open_ok(write_file("huge.pcapng", c.b, c.n));
		if (s) {
			CHECK_EQ_INT(drain(s, &n), SRC_CORRUPT);
			src_close(s);
		}
		c = b;
		c.b[8] = 0x99; /* byte-order magic */
		s = open_ok(write_file("badbom.pcapng", c.b, c.n));
		if (s) {
			CHECK_EQ_INT(drain(s, &n), SRC_CORRUPT);
			CHECK_EQ_INT(n, 0);
			CHECK(has(src_message(s), "byte-order"));
			src_close(s);
		}
	}

	/* A packet block naming an interface that was never described. */
	memset(&b, 0, sizeof b);
	shb(&b);
	epb(&b, 0, 1, P1, sizeof P1, sizeof P1);
	s = open_ok(write_file("noidb.pcapng", b.b, b.n));
	if (s) {
		CHECK_EQ_INT(drain(s, &n), SRC_CORRUPT);
		CHECK(has(src_message(s), "interface 0"));
		src_close(s);
	}
	memset(&b, 0, sizeof b);
	shb(&b);
	spb(&b, P1, sizeof P1, sizeof P1);
	s = open_ok(write_file("noidb-spb.pcapng", b.b, b.n));
	if (s) {
		CHECK_EQ_INT(drain(s, &n), SRC_CORRUPT);
		src_close(s);
	}
	memset(&b, 0, sizeof b);
	shb(&b);
	idb(&b, LT_ETHERNET, 0, -1, 0);
	epb(&b, 1, 1, P1, sizeof P1, sizeof P1);
	s = open_ok(write_file("badif.pcapng", b.b, b.n));
	if (s) {
		CHECK_EQ_INT(drain(s, &n), SRC_CORRUPT);
		CHECK(has(src_message(s), "interface 1"));
		src_close(s);
	}

	/* Not captures at all. */
	CHECK(src_open(write_file("empty.pcap", "", 0), err, sizeof err) == NULL);
	CHECK(has(err, "empty"));
	CHECK(src_open(write_file("three.pcap", "\xd4\xc3\xb2", 3), err, sizeof err) == NULL);
	CHECK(has(err, "3 bytes"));
	CHECK(src_open(write_file("text.txt", "hello, this is text\n", 20), err, sizeof err) ==
	      NULL);
	CHECK(has(err, "not a pcap"));
	CHECK(src_open(write_gz("text.txt.gz", "hello, this is text\n", 20), err, sizeof err) ==
	      NULL);
	CHECK(has(err, "after gzip"));
	/* A gzip file damaged from its first block on is not "empty". */
	{
		static struct buf g;
		memset(&g, 0, sizeof g);
		pcap_hdr(&g, 0xa1b2c3d4, 65535, LT_RAW);
		pcap_rec(&g, 1, 0, P1, sizeof P1, sizeof P1);
		const char *path = write_gz("bad.pcap.gz", g.b, g.n);
		FILE *f = fopen(path, "rb");
		static uint8_t z[4096];
		size_t zn = f ? fread(z, 1, sizeof z, f) : 0;
		if (f)
			fclose(f);
		CHECK(zn > 20);
		z[10] = 0xff; /* deflate block type 3: invalid */
		CHECK(src_open(write_file("bad.pcap.gz", z, zn), err, sizeof err) == NULL);
		CHECK(has(err, "gzip"));
		CHECK(strstr(err, "empty") == NULL);
	}
	CHECK(src_open(path_of("does-not-exist"), err, sizeof err) == NULL);
	CHECK(has(err, "cannot open"));
	/* The pcapng magic alone. */
	s = open_ok(write_file("magic.pcapng", "\x0a\x0d\x0d\x0a", 4));
	if (s) {
		CHECK_EQ_INT(drain(s, &n), SRC_TRUNCATED);
		src_close(s);
	}
	/* A pcap header and nothing else: a valid, empty capture. */
	memset(&b, 0, sizeof b);
	pcap_hdr(&b, 0xa1b2c3d4, 65535, LT_ETHERNET);
	s = open_ok(write_file("hdronly.pcap", b.b, b.n));
	if (s) {
		CHECK_EQ_INT(drain(s, &n), SRC_EOF);
		CHECK_EQ_INT(n, 0);
		src_close(s);
	}
	src_close(NULL);
}

/* Standard input as "-". */
static void test_stdin(void)
{
	static struct buf b;
	memset(&b, 0, sizeof b);
	pcap_hdr(&b, 0xa1b2c3d4, 65535, LT_RAW);
	pcap_rec(&b, 1, 2, P1, sizeof P1, sizeof P1);
	int fd = open(write_file("stdin.pcap", b.b, b.n), O_RDONLY);
	int saved = dup(0);
	CHECK(fd >= 0 && saved >= 0);
	if (fd < 0 || saved < 0)
		return;
	dup2(fd, 0);
	close(fd);
	struct source *s = open_ok("-");
	dup2(saved, 0);
	close(saved);
	if (s) {
		int n;
		CHECK_EQ_INT(drain(s, &n), SRC_EOF);
		CHECK_EQ_INT(n, 1);
		src_close(s);
	}
}

/* Every prefix of a good pcapng (and pcap) file stops cleanly: EOF exactly
 * at block boundaries, TRUNCATED inside a block, never more packets than
 * the whole file has. */
static void test_prefixes(void)
{
	static struct buf b;
	memset(&b, 0, sizeof b);
	shb(&b);
	idb(&b, LT_ETHERNET, 65535, 9, 0);
	epb(&b, 0, 1, P1, sizeof P1, sizeof P1);
	spb(&b, P3, sizeof P3, sizeof P3);
	pb(&b, 0, 7, P2, sizeof P2, sizeof P2);
	size_t bad = 0;
	for (size_t len = 4; len < b.n; len++) {
		char err[512];
		struct source *s = src_open(write_file("prefix.pcapng", b.b, len), err, sizeof err);
		if (s == NULL) {
			bad++;
			continue;
		}
		int n;
		enum src_status st = drain(s, &n);
		if (st != SRC_TRUNCATED && st != SRC_EOF)
			bad++;
		if (n > 3)
			bad++;
		if (st == SRC_TRUNCATED && strstr(src_message(s), "offset") == NULL)
			bad++;
		src_close(s);
	}
	CHECK_EQ_INT(bad, 0);
}

int main(void)
{
	snprintf(DIR_, sizeof DIR_, "/tmp/tlsdiag-test-source-XXXXXX");
	if (mkdtemp(DIR_) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_pcap();
	test_pcapng();
	test_spb_snaplen();
	test_ts_extremes();
	test_damaged();
	test_stdin();
	test_prefixes();
	CHECK_EQ_STR(linktype_name(LT_LINUX_SLL2), "LINUX_SLL2");
	CHECK_EQ_STR(linktype_name(LT_RAW_DLT12), "RAW");
	CHECK(linktype_name(4242) == NULL);

	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", DIR_);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", DIR_);
	return t_done("source");
}

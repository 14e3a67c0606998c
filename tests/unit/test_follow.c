/*
 * Unit tests for following a capture that is still being written:
 * source.c's follow mode (src_follow) and capture/follow.c.
 *
 *  - Every prefix of a pcap and of a pcapng file (two link types, NRB,
 *    ISB): opened in follow mode it yields exactly the whole records of
 *    the prefix, then SRC_AGAIN; the rest appended, it yields the others,
 *    byte for byte what a plain read gives.
 *  - Follow mode is refused for gzip input and pipes.
 *  - A writer thread appending records in odd-sized pieces, with a record
 *    left half-written for a while: the follower waits (SRC_AGAIN within
 *    its timeout), then reads every packet once, in order.
 *  - tcpdump's ring names, written as tcpdump writes them (close, then
 *    create the next; -W wraps to 0 and rewrites): -C alone (NAME, NAME1,
 *    NAME2), -W 3 (NAME0..NAME2, wrapping), -W 12 (two digits), -W 1
 *    (NAME rewritten), following from the -w NAME or from one member; a
 *    record cut at a rotation is counted, not mistaken for data.
 *  - Nothing there yet, the stop flag, standard input, a missing
 *    directory, a gzip file.
 */
#include "capture/follow.h"
#include "tests/unit/t.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "capture/xalloc.h"

static char DIR_[64];

static char *path_of(const char *name)
{
	return xasprintf("%s/%s", DIR_, name);
}

/* A whole file into memory. */
static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	uint8_t *b = xcalloc(1, 1 << 20);
	*n = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

static void write_bytes(const char *path, const char *mode, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, mode);
	CHECK(f != NULL);
	if (f == NULL)
		return;
	if (n)
		CHECK(fwrite(p, 1, n, f) == n);
	fclose(f);
}

/* What a plain read of a capture gives: each record's offset and the
 * bytes of each packet. */
struct rec {
	uint64_t off; /* where the record starts */
	uint64_t end; /* and ends (set_ends) */
	uint32_t caplen;
	int64_t ts;
	int linktype;
	uint8_t data[2048];
};

struct recs {
	struct rec v[64];
	size_t n;
	size_t header; /* bytes before the first packet record */
	size_t size;
};

static void read_plain(const char *path, struct recs *r)
{
	char err[512];
	memset(r, 0, sizeof *r);
	struct source *s = src_open(path, err, sizeof err);
	CHECK(s != NULL);
	if (s == NULL)
		return;
	struct pkt p;
	while (src_next(s, &p) == SRC_OK && r->n < 64) {
		struct rec *x = &r->v[r->n++];
		x->off = p.offset;
		x->caplen = p.caplen;
		x->ts = p.ts_ns;
		x->linktype = p.linktype;
		memcpy(x->data, p.data, p.caplen < sizeof x->data ? p.caplen : sizeof x->data);
	}
	r->size = src_offset(s);
	r->header = r->n ? r->v[0].off : r->size;
	src_close(s);
}

static int same_packet(const struct pkt *p, const struct rec *x)
{
	return p->caplen == x->caplen && p->ts_ns == x->ts && p->linktype == x->linktype &&
	       memcmp(p->data, x->data, p->caplen < sizeof x->data ? p->caplen : sizeof x->data) ==
		       0;
}

/* Where each record ends, from its length fields (the corpus files are
 * little-endian). */
static void set_ends(struct recs *r, const uint8_t *all)
{
	int ng = all[0] == 0x0a && all[1] == 0x0d && all[2] == 0x0d && all[3] == 0x0a;
	for (size_t i = 0; i < r->n; i++) {
		const uint8_t *h = all + r->v[i].off;
		r->v[i].end = r->v[i].off + (ng ? (h[4] | (uint32_t)h[5] << 8 |
						   (uint32_t)h[6] << 16 | (uint32_t)h[7] << 24)
						: 16 + r->v[i].caplen);
	}
}

/* Packet records wholly inside the first `len` bytes. */
static size_t whole_in(const struct recs *r, size_t len)
{
	size_t k = 0;
	while (k < r->n && r->v[k].end <= len)
		k++;
	return k;
}

/* ---- source.c follow mode, every prefix ---- */

static void prefixes(const char *corpus_name)
{
	char src_path[1024];
	const char *top = getenv("top_srcdir");
	snprintf(src_path, sizeof src_path, "%s/tests/captures/capture/%s", top ? top : ".",
		 corpus_name);
	size_t n = 0;
	uint8_t *all = slurp(src_path, &n);
	CHECK(all != NULL && n > 100);
	if (all == NULL)
		return;
	struct recs r;
	read_plain(src_path, &r);
	set_ends(&r, all);
	CHECK(r.n > 2);
	/* A memory file (a regular file to stat and lseek), opened by its
	 * /proc path as any capture: thousands of prefixes stay quick. */
	int mfd = memfd_create("prefix", 0);
	CHECK(mfd >= 0);
	if (mfd < 0) {
		free(all);
		return;
	}
	char *path = xasprintf("/proc/self/fd/%d", mfd);
	int bad = 0;
	for (size_t len = 24; len <= n && bad < 5; len++) {
		CHECK(ftruncate(mfd, 0) == 0 && pwrite(mfd, all, len, 0) == (ssize_t)len);
		char err[512];
		struct source *s = src_open(path, err, sizeof err);
		if (s == NULL) {
			bad++;
			fprintf(stderr, "prefix %zu of %s: %s\n", len, corpus_name, err);
			continue;
		}
		CHECK_EQ_INT(src_follow(s, 1), 0);
		struct pkt p;
		size_t got = 0;
		enum src_status st;
		while ((st = src_next(s, &p)) == SRC_OK) {
			if (got >= r.n || !same_packet(&p, &r.v[got]) || p.frame != got + 1)
				bad++;
			got++;
		}
		size_t want = whole_in(&r, len);
		if (st != SRC_AGAIN || got != want) {
			bad++;
			fprintf(stderr, "prefix %zu of %s: status %d, %zu packets, expected %zu\n",
				len, corpus_name, (int)st, got, want);
		}
		CHECK_EQ_INT(src_next(s, &p) == SRC_AGAIN || got == r.n, 1);
		/* The rest arrives. */
		CHECK(pwrite(mfd, all + len, n - len, (off_t)len) == (ssize_t)(n - len));
		while ((st = src_next(s, &p)) == SRC_OK) {
			if (got >= r.n || !same_packet(&p, &r.v[got]) || p.frame != got + 1)
				bad++;
			got++;
		}
		if (got != r.n || st != SRC_AGAIN) {
			bad++;
			fprintf(stderr,
				"prefix %zu of %s, completed: %zu packets of %zu, status %d\n", len,
				corpus_name, got, r.n, (int)st);
		}
		/* Follow mode off: the end is final. */
		CHECK_EQ_INT(src_follow(s, 0), 0);
		CHECK_EQ_INT(src_next(s, &p), SRC_EOF);
		src_close(s);
	}
	CHECK_EQ_INT(bad, 0);
	/* A record cut off, with follow mode turned off: truncated, as any file. */
	CHECK(ftruncate(mfd, 0) == 0 && pwrite(mfd, all, (size_t)r.v[1].off + 5, 0) > 0);
	char err[512];
	struct source *s = src_open(path, err, sizeof err);
	if (s) {
		struct pkt p;
		CHECK_EQ_INT(src_follow(s, 1), 0);
		CHECK_EQ_INT(src_next(s, &p), SRC_OK);
		CHECK_EQ_INT(src_next(s, &p), SRC_AGAIN);
		CHECK_EQ_INT(src_next(s, &p), SRC_AGAIN);
		CHECK_EQ_INT(src_follow(s, 0), 0);
		CHECK_EQ_INT(src_next(s, &p), SRC_TRUNCATED);
		CHECK(strstr(src_message(s), "truncated") != NULL);
		src_close(s);
	}
	close(mfd);
	free(path);
	free(all);
}

static void refused(void)
{
	char err[512];
	char *gz = path_of("c.pcap.gz");
	char src_path[1024];
	const char *top = getenv("top_srcdir");
	snprintf(src_path, sizeof src_path, "%s/tests/captures/capture/lt_ethernet.pcap",
		 top ? top : ".");
	size_t n = 0;
	uint8_t *all = slurp(src_path, &n);
	gzFile g = gzopen(gz, "wb");
	CHECK(g != NULL);
	if (g && all) {
		gzwrite(g, all, (unsigned)n);
		gzclose(g);
	}
	struct source *s = src_open(gz, err, sizeof err);
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ_INT(src_follow(s, 1), -1);
		src_close(s);
	}
	/* A pipe cannot be read again. */
	int fds[2];
	CHECK(pipe(fds) == 0);
	if (all && write(fds[1], all, n) == (ssize_t)n) {
		close(fds[1]);
		char pp[64];
		snprintf(pp, sizeof pp, "/proc/self/fd/%d", fds[0]);
		s = src_open(pp, err, sizeof err);
		CHECK(s != NULL);
		if (s) {
			CHECK_EQ_INT(src_follow(s, 1), -1);
			src_close(s);
		}
	}
	close(fds[0]);

	/* follow.c's own refusals. */
	struct follow_config fc = { 0 };
	fc.path = "-";
	CHECK(follow_open(&fc, err, sizeof err) == NULL);
	CHECK(strstr(err, "standard input") != NULL);
	fc.path = "/nonexistent-dir/x.pcap";
	CHECK(follow_open(&fc, err, sizeof err) == NULL);
	CHECK(strstr(err, "does not exist") != NULL);
	fc.path = gz;
	fc.poll_ms = 5;
	struct follow *f = follow_open(&fc, err, sizeof err);
	CHECK(f != NULL);
	if (f) {
		struct pkt p;
		CHECK_EQ_INT(follow_next(f, &p, 50), SRC_ERROR);
		CHECK(strstr(follow_message(f), "gzip") != NULL);
		follow_close(f);
	}
	unlink(gz);
	free(gz);
	free(all);
}

/* ---- a writer thread ---- */

struct corpus {
	uint8_t *all;
	size_t n;
	struct recs r;
};

static void load(struct corpus *c, const char *name)
{
	char src_path[1024];
	const char *top = getenv("top_srcdir");
	snprintf(src_path, sizeof src_path, "%s/tests/captures/capture/%s", top ? top : ".", name);
	c->all = slurp(src_path, &c->n);
	read_plain(src_path, &c->r);
}

/* Bytes of record i (pcap: up to the next record). */
static void rec_span(const struct corpus *c, size_t i, size_t *off, size_t *len)
{
	*off = (size_t)c->r.v[i].off;
	*len = (i + 1 < c->r.n ? (size_t)c->r.v[i + 1].off : c->n) - *off;
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

struct appender {
	const struct corpus *c;
	char *path;
	size_t hold_at; /* record left half-written for hold_ms */
	int hold_ms;
};

/* Appends the file in pieces of 1..97 bytes, flushed one by one. */
static void *append_thread(void *arg)
{
	struct appender *a = arg;
	int fd = open(a->path, O_WRONLY | O_APPEND);
	if (fd < 0)
		return NULL;
	size_t at = a->c->r.header, piece = 1;
	size_t hold_off, hold_len;
	rec_span(a->c, a->hold_at, &hold_off, &hold_len);
	size_t hold = hold_off + hold_len / 2;
	while (at < a->c->n) {
		size_t k = piece;
		if (at < hold && at + k > hold)
			k = hold - at;
		if (at + k > a->c->n)
			k = a->c->n - at;
		if (write(fd, a->c->all + at, k) != (ssize_t)k)
			break;
		at += k;
		piece = piece * 7 % 97 + 1;
		if (at == hold)
			msleep(a->hold_ms);
		else if (at % 5 == 0)
			msleep(1);
	}
	close(fd);
	return NULL;
}

static void writer_thread(void)
{
	struct corpus c;
	load(&c, "lt_ethernet.pcap");
	CHECK(c.r.n == 21);
	char *path = path_of("growing.pcap");
	write_bytes(path, "wb", c.all, c.r.header);
	struct appender a = { &c, path, 5, 400 };
	char err[512];
	struct follow_config fc = { path, NULL, 5 };
	struct follow *f = follow_open(&fc, err, sizeof err);
	CHECK(f != NULL);
	pthread_t th;
	CHECK(pthread_create(&th, NULL, append_thread, &a) == 0);
	size_t got = 0;
	int agains = 0, agains_at_hold = 0, bad = 0;
	while (got < c.r.n && f) {
		struct pkt p;
		enum src_status st = follow_next(f, &p, 100);
		if (st == SRC_AGAIN) {
			agains++;
			if (got == 5)
				agains_at_hold++;
			if (agains > 200)
				break;
			continue;
		}
		if (st != SRC_OK) {
			fprintf(stderr, "follow_next: %d %s\n", (int)st, follow_message(f));
			break;
		}
		if (!same_packet(&p, &c.r.v[got]) || p.frame != got + 1)
			bad++;
		got++;
	}
	pthread_join(th, NULL);
	CHECK_EQ_INT(got, c.r.n);
	CHECK_EQ_INT(bad, 0);
	/* The half-written record 6 was waited for (400 ms, 100 ms timeouts). */
	CHECK(agains_at_hold >= 2);
	if (f) {
		struct pkt p;
		CHECK_EQ_INT(follow_next(f, &p, 20), SRC_AGAIN); /* nothing more: wait on */
		struct follow_stats st;
		follow_get_stats(f, &st);
		CHECK_EQ_INT(st.packets, c.r.n);
		CHECK_EQ_INT(st.bytes, c.n);
		CHECK_EQ_INT(st.files, 1);
		CHECK_EQ_INT(st.truncated, 0);
		CHECK(strstr(follow_current(f), "growing.pcap") != NULL);
		follow_close(f);
	}
	unlink(path);
	free(path);
	free(c.all);
}

/* ---- tcpdump's rings ---- */

struct ringw {
	const struct corpus *c;
	const char *base; /* -w NAME */
	int width;	  /* -1: -C alone; else digits (-W) */
	int count;	  /* -W COUNT (0: -C alone) */
	int per_file;	  /* records per file */
	int cut_at_file;  /* this file ends with a half record (-1 none) */
	int start_delay_ms;
	int pause_ms; /* between closing a file and creating the next */
};

static char *ring_name(const struct ringw *w, int k)
{
	if (w->width < 0)
		return k == 0 ? path_of(w->base) : xasprintf("%s/%s%d", DIR_, w->base, k);
	if (w->count == 1)
		return path_of(w->base);
	return xasprintf("%s/%s%0*d", DIR_, w->base, w->width, k);
}

/* Write the corpus's records into the ring as tcpdump would: each file
 * a header and per_file records, closed before the next is created. */
static void *ring_thread(void *arg)
{
	const struct ringw *w = arg;
	const struct corpus *c = w->c;
	msleep(w->start_delay_ms);
	size_t i = 0;
	for (int file = 0; i < c->r.n; file++) {
		int k = w->count ? file % w->count : file;
		char *name = ring_name(w, k);
		FILE *fp = fopen(name, "wb"); /* truncates an old one, as tcpdump */
		free(name);
		if (fp == NULL)
			return NULL;
		fwrite(c->all, 1, c->r.header, fp);
		fflush(fp);
		for (int j = 0; j < w->per_file && i < c->r.n; j++, i++) {
			size_t off, len;
			rec_span(c, i, &off, &len);
			fwrite(c->all + off, 1, len / 2, fp);
			fflush(fp);
			msleep(2);
			fwrite(c->all + off + len / 2, 1, len - len / 2, fp);
			fflush(fp);
		}
		if (file == w->cut_at_file && i < c->r.n) {
			size_t off, len;
			rec_span(c, i, &off, &len);
			fwrite(c->all + off, 1, len / 3, fp); /* the writer died mid-record */
			i++;
		}
		fclose(fp);
		/* Let the mtime move on a coarse clock. */
		msleep(w->pause_ms);
	}
	return NULL;
}

/* Follow `follow_path` while ring_thread writes; the frames seen, in order. */
static void ring_case(const char *label, struct ringw *w, const char *follow_name,
		      size_t want_packets, uint64_t want_truncated, int pre_create)
{
	char err[512];
	char *fp = path_of(follow_name);
	if (pre_create) {
		/* A previous run's ring: every file there already, old. */
		for (int k = 0; k < w->count; k++) {
			char *n = ring_name(w, k);
			write_bytes(n, "wb", w->c->all, w->c->r.header);
			struct timespec old[2] = { { 1000000000, 0 }, { 1000000000 + k, 0 } };
			utimensat(AT_FDCWD, n, old, 0);
			free(n);
		}
	}
	struct follow_config fc = { fp, NULL, 3 };
	struct follow *f = follow_open(&fc, err, sizeof err);
	CHECK(f != NULL);
	if (f == NULL) {
		free(fp);
		return;
	}
	pthread_t th;
	CHECK(pthread_create(&th, NULL, ring_thread, w) == 0);
	size_t got = 0, next_rec = 0;
	int bad = 0, agains = 0;
	while (got < want_packets && agains < 300) {
		struct pkt p;
		enum src_status st = follow_next(f, &p, 20);
		if (st == SRC_AGAIN) {
			agains++;
			continue;
		}
		if (st != SRC_OK) {
			fprintf(stderr, "%s: follow_next %d: %s\n", label, (int)st,
				follow_message(f));
			break;
		}
		/* Which corpus record is it? They come in order, skipping the
		 * ones cut at a rotation. */
		size_t k = next_rec;
		while (k < w->c->r.n && !same_packet(&p, &w->c->r.v[k]))
			k++;
		if (k == w->c->r.n || k > next_rec + 1 || p.frame != got + 1)
			bad++;
		next_rec = k + 1;
		got++;
	}
	pthread_join(th, NULL);
	struct pkt p;
	/* Nothing more comes. */
	if (follow_next(f, &p, 50) == SRC_OK)
		bad++;
	struct follow_stats st;
	follow_get_stats(f, &st);
	if (got != want_packets || bad || st.truncated != want_truncated)
		fprintf(stderr,
			"%s: %zu packets (want %zu), %d bad, %llu truncated (want %llu), %llu files\n",
			label, got, want_packets, bad, (unsigned long long)st.truncated,
			(unsigned long long)want_truncated, (unsigned long long)st.files);
	CHECK_EQ_INT(got, want_packets);
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(st.truncated, want_truncated);
	follow_close(f);
	free(fp);
}

static void clean_dir(void)
{
	char *cmd = xasprintf("rm -f %s/*", DIR_);
	if (system(cmd) != 0)
		fprintf(stderr, "cleaning %s failed\n", DIR_);
	free(cmd);
}

static void rings(void)
{
	struct corpus c;
	load(&c, "lt_ethernet.pcap");
	/* -C alone: cap, cap1, cap2, ... never wrapping. */
	struct ringw w = { &c, "cap", -1, 0, 4, -1, 30, 15 };
	ring_case("-C", &w, "cap", c.r.n, 0, 0);
	clean_dir();
	/* -C -W 3: cap0, cap1, cap2, cap0 (rewritten), ... with one record cut
	 * short when the writer moved on. */
	struct ringw w3 = { &c, "cap", 1, 3, 3, 2, 30, 15 };
	ring_case("-W 3", &w3, "cap", c.r.n - 1, 1, 0);
	clean_dir();
	/* -W 12: two digits; an old ring is already there (the newest of it,
	 * ring11, is where following starts; the writer then rewrites
	 * ring00). */
	struct ringw w12 = { &c, "ring", 2, 12, 2, -1, 30, 15 };
	ring_case("-W 12, old files present", &w12, "ring", c.r.n, 0, 1);
	clean_dir();
	/* -W 1: NAME itself rewritten at each rotation; what the writer
	 * rewrites before the follower has read it is lost (as with tail -F),
	 * so the writer pauses long enough here. */
	struct ringw w1 = { &c, "one", 0, 1, 7, -1, 30, 150 };
	ring_case("-W 1", &w1, "one", c.r.n, 0, 0);
	clean_dir();
	free(c.all);
}

/* Start by naming one member of a -W ring that is being written. */
static void named_member(void)
{
	struct corpus c;
	load(&c, "lt_ethernet.pcap");
	/* Files r0 (complete, older) and r1 (being written); follow "r1". */
	char *r0 = path_of("r0"), *r1 = path_of("r1"), *r2 = path_of("r2");
	write_bytes(r0, "wb", c.all, c.r.header);
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	utimensat(AT_FDCWD, r0, old, 0);
	size_t off, len;
	rec_span(&c, 2, &off, &len);
	write_bytes(r1, "wb", c.all, off); /* header + records 0, 1 */
	char err[512];
	struct follow_config fc = { r1, NULL, 3 };
	struct follow *f = follow_open(&fc, err, sizeof err);
	CHECK(f != NULL);
	if (f) {
		struct pkt p;
		CHECK_EQ_INT(follow_next(f, &p, 50), SRC_OK);
		CHECK_EQ_INT(follow_next(f, &p, 50), SRC_OK);
		CHECK_EQ_INT(follow_next(f, &p, 20), SRC_AGAIN);
		/* The writer moves on to r2 (record 2 was never written to r1). */
		write_bytes(r2, "wb", c.all, c.r.header);
		write_bytes(r2, "ab", c.all + off, len);
		CHECK_EQ_INT(follow_next(f, &p, 200), SRC_OK);
		CHECK(same_packet(&p, &c.r.v[2]));
		CHECK_EQ_INT(p.frame, 3);
		CHECK(strstr(follow_current(f), "/r2") != NULL);
		follow_close(f);
	}
	clean_dir();

	/* Naming an older file of the ring: its successor is already there
	 * and more recent, so once it is read the follower goes on. */
	write_bytes(r0, "wb", c.all, off); /* records 0, 1 */
	utimensat(AT_FDCWD, r0, old, 0);
	write_bytes(r1, "wb", c.all, c.r.header);
	write_bytes(r1, "ab", c.all + off, len); /* record 2 */
	fc.path = r0;
	f = follow_open(&fc, err, sizeof err);
	CHECK(f != NULL);
	if (f) {
		struct pkt p;
		for (int i = 0; i < 3; i++) {
			CHECK_EQ_INT(follow_next(f, &p, 200), SRC_OK);
			CHECK(same_packet(&p, &c.r.v[i]));
		}
		CHECK(strstr(follow_current(f), "/r1") != NULL);
		CHECK_EQ_INT(follow_next(f, &p, 20), SRC_AGAIN);
		follow_close(f);
	}
	free(r0);
	free(r1);
	free(r2);
	clean_dir();
	free(c.all);
}

static void waits_and_stops(void)
{
	struct corpus c;
	load(&c, "pcapng_two_linktypes.pcapng");
	char *path = path_of("later.pcapng");
	char err[512];
	volatile sig_atomic_t stop = 0;
	struct follow_config fc = { path, &stop, 3 };
	struct follow *f = follow_open(&fc, err, sizeof err);
	CHECK(f != NULL);
	if (f == NULL)
		return;
	struct pkt p;
	CHECK_EQ_INT(follow_next(f, &p, 20), SRC_AGAIN); /* not there yet */
	CHECK_EQ_STR(follow_current(f), "");
	write_bytes(path, "wb", c.all, 10); /* header not whole yet */
	CHECK_EQ_INT(follow_next(f, &p, 20), SRC_AGAIN);
	write_bytes(path, "ab", c.all + 10, c.n - 10);
	size_t got = 0;
	while (follow_next(f, &p, 20) == SRC_OK)
		got++;
	CHECK_EQ_INT(got, c.r.n);
	/* As a packet source. */
	struct pkt_source src;
	follow_as_source(f, &src);
	CHECK_EQ_INT(src.ops->next(src.impl, &p, 0), SRC_AGAIN);
	CHECK(src.ops->snaplen(src.impl, 0) > 0);
	struct pkt_source_stats ps;
	src.ops->stats(src.impl, &ps);
	CHECK_EQ_INT(ps.packets, c.r.n);
	CHECK_EQ_INT(ps.bytes, c.n);
	stop = 1;
	CHECK_EQ_INT(src.ops->next(src.impl, &p, 1000), SRC_EOF);
	CHECK_EQ_STR(src.ops->message(src.impl), "stopped");
	pkt_source_close(&src);
	unlink(path);
	free(path);
	free(c.all);
}

int main(void)
{
	snprintf(DIR_, sizeof DIR_, "/tmp/test_follow.XXXXXX");
	if (mkdtemp(DIR_) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	prefixes("lt_ethernet.pcap");
	prefixes("pcapng_two_linktypes.pcapng");
	refused();
	writer_thread();
	rings();
	named_member();
	waits_and_stops();
	clean_dir();
	rmdir(DIR_);
	return t_done("test_follow");
}

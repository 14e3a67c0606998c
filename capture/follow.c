/*
 * follow.c - a capture file (or tcpdump's ring of them) read while it is
 * being written. The records are parsed by source.c in follow mode, which
 * hands back SRC_AGAIN where the written part ends; here we wait, notice
 * the writer starting the file over or moving on to the next file of its
 * ring, and read the rest of a finished file with follow mode off (so a
 * record the writer left half-written is counted as truncation then, and
 * only then).
 */
#include "capture/follow.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "capture/xalloc.h"

#define MAX_WIDTH 9   /* digits of a ring's numbers (-W up to 10^9) */
#define MIN_HEADER 24 /* a pcap file header; a pcapng SHB is longer */

struct snap {
	int exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

struct follow {
	char *path;	   /* as given */
	char *dir, *fname; /* the ring: dir/fname + number */
	int width;	   /* -1 not known yet; 0: NAME, NAME1, ...; > 0: digits */
	int have_index;	   /* index names the file to open next */
	long index;	   /* number of the current (or next) file */
	char *cur_name;
	struct source *cur;
	struct snap cur_snap; /* the current file when it was opened */
	struct snap succ[2];  /* its possible successors then: index + 1, 0 */
	long succ_index[2];   /* -1: no such successor */
	long target;	      /* draining: the file to go on with */
	int draining;
	const volatile sig_atomic_t *stop;
	int poll_ms;
	uint64_t bytes_done; /* bytes of files finished */
	struct follow_stats st;
	enum src_status status; /* SRC_OK, or why following ended */
	char msg[600];
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void take_snap(const char *name, struct snap *s)
{
	struct stat sb;
	memset(s, 0, sizeof *s);
	if (stat(name, &sb) != 0 || !S_ISREG(sb.st_mode))
		return;
	s->exists = 1;
	s->dev = sb.st_dev;
	s->ino = sb.st_ino;
	s->size = sb.st_size;
	s->mtime = sb.st_mtim;
}

static int ts_cmp(struct timespec a, struct timespec b)
{
	if (a.tv_sec != b.tv_sec)
		return a.tv_sec < b.tv_sec ? -1 : 1;
	return a.tv_nsec < b.tv_nsec ? -1 : a.tv_nsec > b.tv_nsec;
}

/* tcpdump's name of file number k. */
static char *name_of(const struct follow *f, long k)
{
	if (f->width == 0 && k == 0)
		return xasprintf("%s/%s", f->dir, f->fname);
	return xasprintf("%s/%s%0*ld", f->dir, f->fname, f->width, k);
}

static int exists(const char *name)
{
	struct stat sb;
	return stat(name, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* 1 when dir/fname followed by w zeros exists: the first file of a -W ring. */
static int ring_zero_exists(const char *dir, const char *fname, int w)
{
	char *n = xasprintf("%s/%s%0*d", dir, fname, w, 0);
	int r = exists(n);
	free(n);
	return r;
}

/* The number in `rest` when it is one of the ring's suffixes, else -1. */
static long suffix_number(const struct follow *f, const char *rest)
{
	size_t n = strlen(rest);
	if (n == 0)
		return f->width == 0 ? 0 : -1;
	if (n > MAX_WIDTH || strspn(rest, "0123456789") != n)
		return -1;
	if (f->width > 0 && n != (size_t)f->width)
		return -1;
	if (f->width == 0 && rest[0] == '0')
		return -1;
	return strtol(rest, NULL, 10);
}

/* The most recently modified file of the ring, or -1. */
static long newest_member(const struct follow *f)
{
	DIR *d = opendir(f->dir);
	if (d == NULL)
		return -1;
	long best = -1;
	struct timespec best_t = { 0, 0 };
	size_t bl = strlen(f->fname);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, f->fname, bl) != 0)
			continue;
		long k = suffix_number(f, e->d_name + bl);
		if (k < 0)
			continue;
		char *n = name_of(f, k);
		struct snap s;
		take_snap(n, &s);
		free(n);
		if (s.exists && (best < 0 || ts_cmp(s.mtime, best_t) > 0 ||
				 (ts_cmp(s.mtime, best_t) == 0 && k > best))) {
			best = k;
			best_t = s.mtime;
		}
	}
	closedir(d);
	return best;
}

/*
 * Work out what the path names: a -W ring by its -w NAME (NAME0... exist),
 * one file of such a ring (NAME07 where NAME00 exists), one file of a -C
 * series (NAME3 where NAME exists), or a file (and its -C successors).
 * 0 when nothing is there yet.
 */
static int resolve(struct follow *f)
{
	char *full = xasprintf("%s/%s", f->dir, f->fname);
	for (int w = 1; w <= MAX_WIDTH; w++) {
		if (ring_zero_exists(f->dir, f->fname, w)) {
			f->width = w;
			free(full);
			return 1;
		}
	}
	if (!exists(full)) {
		free(full);
		return 0;
	}
	free(full);
	size_t bl = strlen(f->fname), nd = 0;
	while (nd < bl && nd < MAX_WIDTH && f->fname[bl - 1 - nd] >= '0' &&
	       f->fname[bl - 1 - nd] <= '9')
		nd++;
	if (nd > 0 && nd < bl) {
		char *stem = xstrndup(f->fname, bl - nd);
		long k = strtol(f->fname + bl - nd, NULL, 10);
		char *plain = xasprintf("%s/%s", f->dir, stem);
		int ring = ring_zero_exists(f->dir, stem, (int)nd);
		int series = !ring && f->fname[bl - nd] != '0' && exists(plain);
		free(plain);
		if (ring || series) {
			free(f->fname);
			f->fname = stem;
			f->width = ring ? (int)nd : 0;
			f->index = k;
			f->have_index = 1;
			return 1;
		}
		free(stem);
	}
	f->width = 0;
	return 1;
}

static void close_cur(struct follow *f)
{
	if (f->cur) {
		f->bytes_done += src_offset(f->cur);
		src_close(f->cur);
		f->cur = NULL;
	}
	free(f->cur_name);
	f->cur_name = NULL;
	f->draining = 0;
}

static void set_error(struct follow *f, enum src_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_error(struct follow *f, enum src_status st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof f->msg, fmt, ap);
	va_end(ap);
	f->status = st;
}

/* Open file number f->index once its header is there. 1 opened, 0 not
 * yet, -1 it can never be followed (f->status set). */
static int open_cur(struct follow *f)
{
	char *name = name_of(f, f->index);
	struct snap s;
	take_snap(name, &s);
	if (!s.exists || s.size < MIN_HEADER) {
		free(name);
		return 0;
	}
	char err[512];
	struct source *src = src_open(name, err, sizeof err);
	if (src == NULL) {
		set_error(f, SRC_ERROR, "%s", err);
		free(name);
		return -1;
	}
	if (src_follow(src, 1) != 0) {
		set_error(f, SRC_ERROR, "%s: cannot follow a %s", name,
			  src_compressed(src) ? "gzip-compressed file"
					      : "file that is not a regular file");
		src_close(src);
		free(name);
		return -1;
	}
	f->cur = src;
	f->cur_name = name;
	f->cur_snap = s;
	f->st.files++;
	/* The files the writer may go on with, as they are now. */
	long cap = LONG_MAX; /* -W COUNT names at most 10^width files */
	if (f->width > 0) {
		cap = 1;
		for (int i = 0; i < f->width; i++)
			cap *= 10;
	}
	f->succ_index[0] = f->index + 1 < cap ? f->index + 1 : -1;
	f->succ_index[1] = f->width > 0 && f->index != 0 ? 0 : -1;
	for (int i = 0; i < 2; i++) {
		memset(&f->succ[i], 0, sizeof f->succ[i]);
		if (f->succ_index[i] >= 0) {
			char *n = name_of(f, f->succ_index[i]);
			take_snap(n, &f->succ[i]);
			free(n);
		}
	}
	return 1;
}

/* Has the writer moved on from the current file? The number of the file
 * it went on with, or -1. */
static long moved_on(struct follow *f)
{
	struct snap cur;
	take_snap(f->cur_name, &cur);
	for (int i = 0; i < 2; i++) {
		if (f->succ_index[i] < 0)
			continue;
		char *n = name_of(f, f->succ_index[i]);
		struct snap s;
		take_snap(n, &s);
		free(n);
		if (!s.exists)
			continue;
		const struct snap *o = &f->succ[i];
		if (!o->exists || o->ino != s.ino || o->dev != s.dev || o->size != s.size ||
		    ts_cmp(o->mtime, s.mtime) != 0)
			return f->succ_index[i];
		if (cur.exists && ts_cmp(s.mtime, cur.mtime) >= 0)
			return f->succ_index[i];
	}
	return -1;
}

/* Was the current file started over (tcpdump -W 1, a restarted writer)? */
static int started_over(struct follow *f)
{
	struct snap s;
	take_snap(f->cur_name, &s);
	if (!s.exists)
		return 0; /* removed: keep what is open; the writer may come back */
	return s.ino != f->cur_snap.ino || s.dev != f->cur_snap.dev ||
	       (uint64_t)s.size < src_offset(f->cur);
}

/* Wait up to ms (bounded by the deadline); 0 when the deadline passed. */
static int wait_a_little(struct follow *f, int64_t deadline)
{
	int ms = f->poll_ms;
	if (deadline >= 0) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return 0;
		if (left < ms)
			ms = (int)left;
	}
	/* A signal ends the wait early (EINTR): the caller looks at its flags. */
	if (poll(NULL, 0, ms) < 0 && errno == EINTR)
		return 0;
	return 1;
}

enum src_status follow_next(struct follow *f, struct pkt *out, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	for (;;) {
		if (f->stop && *f->stop) {
			snprintf(f->msg, sizeof f->msg, "stopped");
			return SRC_EOF;
		}
		if (f->status != SRC_OK)
			return f->status;
		if (f->cur == NULL) {
			if (f->width < 0 && !resolve(f)) {
				if (!wait_a_little(f, deadline))
					return SRC_AGAIN;
				continue;
			}
			if (!f->have_index) {
				long k = newest_member(f);
				if (k >= 0) {
					f->index = k;
					f->have_index = 1;
				}
			}
			int r = f->have_index ? open_cur(f) : 0;
			if (r < 0)
				return f->status;
			if (r == 0 && !wait_a_little(f, deadline))
				return SRC_AGAIN;
			continue;
		}
		enum src_status st = src_next(f->cur, out);
		if (st == SRC_OK) {
			f->st.packets++;
			out->frame = f->st.packets;
			return SRC_OK;
		}
		if (st == SRC_AGAIN) {
			if (started_over(f)) {
				f->st.restarts++;
				close_cur(f);
				continue; /* same index: opened again from its start */
			}
			long next = moved_on(f);
			if (next >= 0) {
				/* The writer closed this file before it began the next:
				 * what is there now is all there will be. */
				f->draining = 1;
				f->target = next;
				src_follow(f->cur, 0);
				continue;
			}
			if (!wait_a_little(f, deadline))
				return SRC_AGAIN;
			continue;
		}
		if (f->draining && (st == SRC_EOF || st == SRC_TRUNCATED)) {
			if (st == SRC_TRUNCATED)
				f->st.truncated++;
			long next = f->target;
			close_cur(f);
			f->index = next;
			f->have_index = 1;
			continue;
		}
		set_error(f, st, "%s", src_message(f->cur));
		return f->status;
	}
}

struct follow *follow_open(const struct follow_config *cfg, char *err, size_t errlen)
{
	if (cfg->path == NULL || cfg->path[0] == 0 || strcmp(cfg->path, "-") == 0) {
		snprintf(err, errlen, "--follow needs a file name, not standard input");
		return NULL;
	}
	const char *slash = strrchr(cfg->path, '/');
	char *dir = slash ? (slash == cfg->path ? xstrdup("/")
						: xstrndup(cfg->path, (size_t)(slash - cfg->path)))
			  : xstrdup(".");
	const char *leaf = slash ? slash + 1 : cfg->path;
	struct stat sb;
	if (leaf[0] == 0 || stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: cannot follow: %s", cfg->path,
			 leaf[0] == 0 ? "a directory, not a file" : "its directory does not exist");
		free(dir);
		return NULL;
	}
	struct follow *f = xcalloc(1, sizeof *f);
	f->path = xstrdup(cfg->path);
	f->dir = dir;
	f->fname = xstrdup(leaf);
	f->width = -1;
	f->stop = cfg->stop;
	f->poll_ms = cfg->poll_ms > 0 ? cfg->poll_ms : 100;
	f->status = SRC_OK;
	return f;
}

const char *follow_message(const struct follow *f)
{
	return f->msg;
}

const char *follow_current(const struct follow *f)
{
	return f->cur_name ? f->cur_name : "";
}

void follow_get_stats(const struct follow *f, struct follow_stats *st)
{
	*st = f->st;
	st->bytes = f->bytes_done + (f->cur ? src_offset(f->cur) : 0);
}

void follow_close(struct follow *f)
{
	if (f == NULL)
		return;
	close_cur(f);
	free(f->path);
	free(f->dir);
	free(f->fname);
	free(f);
}

/* ---- as a packet source ---- */

static enum src_status fs_next(void *impl, struct pkt *out, int timeout_ms)
{
	return follow_next(impl, out, timeout_ms);
}

static const char *fs_message(const void *impl)
{
	return follow_message(impl);
}

static uint32_t fs_snaplen(const void *impl, uint32_t ifindex)
{
	const struct follow *f = impl;
	return f->cur ? src_snaplen(f->cur, ifindex) : 0;
}

static void fs_stats(void *impl, struct pkt_source_stats *st)
{
	struct follow_stats fst;
	follow_get_stats(impl, &fst);
	memset(st, 0, sizeof *st);
	st->packets = fst.packets;
	st->bytes = fst.bytes;
}

static void fs_close(void *impl)
{
	follow_close(impl);
}

static const struct pkt_source_ops follow_ops = {
	.next = fs_next,
	.message = fs_message,
	.snaplen = fs_snaplen,
	.stats = fs_stats,
	.close = fs_close,
};

void follow_as_source(struct follow *f, struct pkt_source *src)
{
	src->ops = &follow_ops;
	src->impl = f;
}

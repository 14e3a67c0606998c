/*
 * ring.c - pcapng files written by us (draft-ietf-opsawg-pcapng), in the
 * byte order of this machine, which the Section Header Block's
 * byte-order magic tells readers:
 *
 *   SHB 0x0A0D0D0A  len | 0x1A2B3C4D | major 1 | minor 0 | section length -1
 *                   | shb_userappl (4) | opt_endofopt | len
 *   IDB 0x00000001  len | linktype(2) reserved(2) | snaplen(4)
 *                   | if_name (2) | if_tsresol (9) = 9 | opt_endofopt | len
 *   EPB 0x00000006  len | interface id | ts high | ts low | captured len
 *                   | original len | data, padded to 32 bits | len
 *
 * Every option is padded to 32 bits; a block's total length is repeated
 * at its end.
 */
#include "capture/ring.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture/units.h"
#include "capture/xalloc.h"

#define BUF_SIZE (256 * 1024)
#define SHB_TYPE 0x0A0D0D0Au
#define IDB_TYPE 1u
#define EPB_TYPE 6u
#define EPB_FIXED 32u /* type, len, if, ts x2, caplen, origlen, trailing len */

struct ring_iface {
	int linktype;
	uint32_t snaplen;
	char *name;
};

struct ring {
	char *dir, *prefix, *appl;
	uint64_t file_size;
	unsigned max_files;
	struct ring_iface *ifs;
	uint32_t nifs;
	int fd;
	char *cur;	   /* path of the open file */
	uint64_t cur_size; /* bytes of it, buffered ones included */
	uint64_t cur_packets;
	char **names; /* files this run wrote and still keeps, oldest first */
	size_t nnames;
	uint64_t seq;
	uint8_t *buf;
	size_t blen;
	int failed;
	struct ring_stats st;
	char msg[600];
};

int ring_parse_size(const char *s, uint64_t *bytes)
{
	return parse_size(s, 1000000, UINT64_MAX, bytes); /* tcpdump -C: 10^6 bytes */
}

int ring_prepare_dir(const char *dir, long uid, long gid, char *err, size_t errlen)
{
	struct stat sb;
	if (stat(dir, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen, "%s: not a directory", dir);
			return -1;
		}
		return 0;
	}
	if (mkdir(dir, 0750) != 0) {
		snprintf(err, errlen, "%s: cannot create the directory: %s", dir, strerror(errno));
		return -1;
	}
	if ((uid != -1 || gid != -1) && chown(dir, (uid_t)uid, (gid_t)gid) != 0) {
		snprintf(err, errlen, "%s: cannot give the directory to uid %ld: %s", dir, uid,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static void fail(struct ring *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct ring *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof r->msg, fmt, ap);
	va_end(ap);
	r->failed = 1;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w; /* lint: ok: our output buffer */
		n -= (size_t)w;
	}
	return 0;
}

int ring_flush(struct ring *r)
{
	if (r->failed)
		return -1;
	if (r->blen && write_all(r->fd, r->buf, r->blen) != 0) {
		fail(r, "%s: writing failed: %s; packets are no longer written", r->cur,
		     strerror(errno));
		return -1;
	}
	r->blen = 0;
	return 0;
}

/* Room for n more bytes in the buffer (flushing it), or -1. */
static int need(struct ring *r, size_t n)
{
	if (r->blen + n > BUF_SIZE && ring_flush(r) != 0)
		return -1;
	return 0;
}

/* Appenders: the caller made room (need). Host byte order. */
static void put(struct ring *r, const void *p, size_t n)
{
	memcpy(r->buf + r->blen, p, n); /* lint: ok: our output buffer */
	r->blen += n;
}

static void put32(struct ring *r, uint32_t v)
{
	put(r, &v, 4);
}

static void put16(struct ring *r, uint16_t v)
{
	put(r, &v, 2);
}

static void pad4(struct ring *r, size_t n)
{
	static const uint8_t zero[4];
	put(r, zero, (4 - n % 4) % 4);
}

static size_t opt_len(size_t n)
{
	return 4 + (n + 3) / 4 * 4;
}

static void put_opt(struct ring *r, uint16_t code, const void *v, size_t n)
{
	put16(r, code);
	put16(r, (uint16_t)n);
	put(r, v, n);
	pad4(r, n);
}

/* Option values are at most this long (a name, the application). */
static size_t clip(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n > 256 ? 256 : n;
}

static int write_shb(struct ring *r)
{
	size_t al = clip(r->appl);
	uint32_t len = 28 + (al ? (uint32_t)opt_len(al) : 0) + 4;
	if (need(r, len) != 0)
		return -1;
	put32(r, SHB_TYPE);
	put32(r, len);
	put32(r, 0x1A2B3C4D);
	put16(r, 1);
	put16(r, 0);
	put32(r, 0xffffffffu); /* section length: not known */
	put32(r, 0xffffffffu);
	if (al)
		put_opt(r, 4, r->appl, al); /* shb_userappl */
	put32(r, 0);			    /* opt_endofopt */
	put32(r, len);
	r->cur_size += len;
	return 0;
}

static int write_idb(struct ring *r, const struct ring_iface *f)
{
	size_t nl = clip(f->name);
	uint32_t len = 20 + (nl ? (uint32_t)opt_len(nl) : 0) + (uint32_t)opt_len(1) + 4;
	if (need(r, len) != 0)
		return -1;
	put32(r, IDB_TYPE);
	put32(r, len);
	put16(r, (uint16_t)f->linktype);
	put16(r, 0);
	put32(r, f->snaplen);
	if (nl)
		put_opt(r, 2, f->name, nl); /* if_name */
	uint8_t nsec = 9;
	put_opt(r, 9, &nsec, 1); /* if_tsresol: 10^-9 s */
	put32(r, 0);		 /* opt_endofopt */
	put32(r, len);
	r->cur_size += len;
	return 0;
}

/* Close the current file: flush, fsync, close. */
static int end_file(struct ring *r)
{
	int rc = 0;
	if (r->fd < 0)
		return 0;
	if (ring_flush(r) != 0)
		rc = -1;
	if (fsync(r->fd) != 0 && errno != EINVAL && !r->failed) {
		fail(r, "%s: writing failed: %s; packets are no longer written", r->cur,
		     strerror(errno));
		rc = -1;
	}
	if (close(r->fd) != 0 && !r->failed) {
		fail(r, "%s: writing failed: %s; packets are no longer written", r->cur,
		     strerror(errno));
		rc = -1;
	}
	r->fd = -1;
	return rc;
}

/* Begin the next file: create it, write SHB and IDBs, then remove the
 * oldest beyond the count. */
static int begin_file(struct ring *r)
{
	time_t now = time(NULL);
	struct tm tm;
	char when[32];
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &tm);
	char *path = NULL;
	int fd = -1;
	for (int tries = 0; tries < 1000 && fd < 0; tries++) {
		free(path);
		r->seq++;
		path = xasprintf("%s/%s-%s-%06llu.pcapng", r->dir, r->prefix, when,
				 (unsigned long long)r->seq);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		fail(r, "%s: cannot create: %s; packets are no longer written", path,
		     strerror(errno));
		free(path);
		return -1;
	}
	r->fd = fd;
	free(r->cur);
	r->cur = path;
	r->cur_size = 0;
	r->cur_packets = 0;
	r->st.files++;
	r->names = xreallocarray(r->names, r->nnames + 1, sizeof *r->names);
	r->names[r->nnames++] = xstrdup(path);
	if (write_shb(r) != 0)
		return -1;
	for (uint32_t i = 0; i < r->nifs; i++)
		if (write_idb(r, &r->ifs[i]) != 0)
			return -1;
	while (r->nnames > r->max_files) {
		if (unlink(r->names[0]) == 0)
			r->st.removed++;
		free(r->names[0]);
		memmove(r->names, r->names + 1, /* lint: ok: our name list */
			(r->nnames - 1) * sizeof *r->names);
		r->nnames--;
	}
	return 0;
}

struct ring *ring_open(const struct ring_config *cfg, char *err, size_t errlen)
{
	struct ring *r = xcalloc(1, sizeof *r);
	r->dir = xstrdup(cfg->dir);
	r->prefix = xstrdup(cfg->prefix ? cfg->prefix : "tlsdiag");
	r->appl = cfg->appl ? xstrdup(cfg->appl) : NULL;
	r->file_size = cfg->file_size ? cfg->file_size : RING_DEFAULT_FILE_SIZE;
	r->max_files = cfg->files ? cfg->files : RING_DEFAULT_FILES;
	r->fd = -1;
	r->buf = xcalloc(1, BUF_SIZE);
	if (begin_file(r) != 0) {
		snprintf(err, errlen, "%s", r->msg);
		ring_close(r);
		return NULL;
	}
	return r;
}

int ring_add_iface(struct ring *r, uint32_t ifindex, int linktype, uint32_t snaplen,
		   const char *name)
{
	if (ifindex != r->nifs || r->st.packets || r->failed)
		return -1;
	r->ifs = xreallocarray(r->ifs, r->nifs + 1, sizeof *r->ifs);
	struct ring_iface *f = &r->ifs[r->nifs++];
	f->linktype = linktype;
	f->snaplen = snaplen;
	f->name = name ? xstrdup(name) : NULL;
	return write_idb(r, f);
}

int ring_write(struct ring *r, const struct pkt *p)
{
	if (r->failed || p->ifindex >= r->nifs) {
		r->st.not_written++;
		return -1;
	}
	uint32_t padded = (p->caplen + 3u) & ~3u;
	uint32_t len = EPB_FIXED + padded;
	if (r->cur_packets > 0 && r->cur_size + len > r->file_size) {
		if (end_file(r) != 0 || begin_file(r) != 0) {
			r->st.not_written++;
			return -1;
		}
	}
	if (need(r, len) != 0) {
		r->st.not_written++;
		return -1;
	}
	uint64_t ts = p->ts_ns > 0 ? (uint64_t)p->ts_ns : 0;
	put32(r, EPB_TYPE);
	put32(r, len);
	put32(r, p->ifindex);
	put32(r, (uint32_t)(ts >> 32));
	put32(r, (uint32_t)ts);
	put32(r, p->caplen);
	put32(r, p->origlen);
	if (len > BUF_SIZE) {
		/* A packet larger than the buffer goes straight to the file. */
		if (ring_flush(r) != 0 || write_all(r->fd, p->data, p->caplen) != 0) {
			if (!r->failed)
				fail(r, "%s: writing failed: %s; packets are no longer written",
				     r->cur, strerror(errno));
			r->st.not_written++;
			return -1;
		}
	} else {
		put(r, p->data, p->caplen);
	}
	pad4(r, p->caplen);
	put32(r, len);
	r->cur_size += len;
	r->cur_packets++;
	r->st.packets++;
	r->st.bytes += len;
	return 0;
}

const char *ring_message(const struct ring *r)
{
	return r->msg;
}

const char *ring_current(const struct ring *r)
{
	return r->cur ? r->cur : "";
}

void ring_get_stats(const struct ring *r, struct ring_stats *st)
{
	*st = r->st;
}

void ring_close(struct ring *r)
{
	if (r == NULL)
		return;
	end_file(r);
	for (uint32_t i = 0; i < r->nifs; i++)
		free(r->ifs[i].name);
	free(r->ifs);
	for (size_t i = 0; i < r->nnames; i++)
		free(r->names[i]);
	free(r->names);
	free(r->cur);
	free(r->buf);
	free(r->dir);
	free(r->prefix);
	free(r->appl);
	free(r);
}

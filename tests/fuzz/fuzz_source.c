/*
 * fuzz_source.c - the input as a capture file, through the whole capture
 * stage: src_open()/src_next() (pcap, pcapng, gzip), decode_packet() and a
 * small flow table, as capture_run_file() does.
 *
 * The file is an anonymous memory file (memfd, opened by its
 * /proc/self/fd path as any capture would be; a temp file where memfd is
 * missing). Checks: the reader stops with a status and a message, packets
 * are readable up to caplen, caplen <= origlen, frame numbers count up.
 *
 * Then follow mode (src_follow, what --follow reads a growing file with):
 * the file written in two parts, the reader in follow mode drained after
 * each, then turned off. It must give exactly the packets, the final
 * status and the message of the plain read: where the first part ends
 * inside a record, the record is read again once the rest is there.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/decode.h"
#include "capture/source.h"
#include "capture/tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

/* What a read gave: a digest of each packet, the end and its message. */
struct summary {
	uint64_t n;
	uint64_t hash;
	enum src_status end;
	char msg[512];
};

static void add_packet(struct summary *sm, const struct pkt *p)
{
	uint64_t h = sm->hash ^ (p->frame * 0x9e3779b97f4a7c15ULL);
	h = (h ^ p->caplen ^ (uint64_t)p->origlen << 32) * 0x100000001b3ULL;
	h ^= (uint64_t)p->ts_ns;
	h = (h ^ (uint64_t)p->linktype ^ (uint64_t)p->ifindex << 20 ^ p->offset << 8) *
	    0x100000001b3ULL;
	for (size_t i = 0; i < p->caplen; i++)
		h = (h ^ p->data[i]) * 0x100000001b3ULL;
	sm->hash = h;
	sm->n++;
}

/* Follow mode over a file written in two parts. 0 when it could run. */
static int follow_read(const uint8_t *data, size_t size, size_t split, struct summary *sm)
{
	char path[64], err[512];
	int fd = -1;
#ifdef MFD_CLOEXEC
	fd = memfd_create("fuzz_follow", MFD_CLOEXEC);
#endif
	if (fd < 0)
		return -1;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	int rc = -1;
	struct source *s = NULL;
	if (pwrite(fd, data, split, 0) != (ssize_t)split)
		goto out;
	s = src_open(path, err, sizeof err);
	if (s == NULL || src_follow(s, 1) != 0)
		goto out; /* a prefix too short to open, or gzip */
	memset(sm, 0, sizeof *sm);
	struct pkt p;
	enum src_status st;
	while ((st = src_next(s, &p)) == SRC_OK)
		add_packet(sm, &p);
	if (st == SRC_AGAIN) {
		if (pwrite(fd, data + split, size - split, (off_t)split) != (ssize_t)(size - split))
			goto out;
		while ((st = src_next(s, &p)) == SRC_OK)
			add_packet(sm, &p);
		if (st == SRC_AGAIN && src_next(s, &p) != SRC_AGAIN)
			abort(); /* waiting changes nothing */
		src_follow(s, 0);
		while ((st = src_next(s, &p)) == SRC_OK)
			add_packet(sm, &p);
	}
	sm->end = st;
	snprintf(sm->msg, sizeof sm->msg, "%s", src_message(s));
	rc = 0;
out:
	src_close(s);
	close(fd);
	return rc;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], tmpl[] = "/tmp/fuzz_source.XXXXXX";
	int fd = -1;
#ifdef MFD_CLOEXEC
	fd = memfd_create("fuzz_source", MFD_CLOEXEC);
#endif
	int is_tmp = 0;
	if (fd < 0) {
		fd = mkstemp(tmpl);
		is_tmp = 1;
	}
	if (fd < 0)
		return 0;
	if (write_all(fd, data, size) != 0) {
		close(fd);
		return 0;
	}
	if (is_tmp)
		snprintf(path, sizeof path, "%s", tmpl);
	else
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

	char err[512];
	struct source *s = src_open(path, err, sizeof err);
	if (s == NULL) {
		if (memchr(err, 0, sizeof err) == NULL || err[0] == 0)
			abort();
		goto out;
	}
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.max_flows = 8;
	cfg.max_buffer = 4096;
	struct tcp_handler h = { 0 };
	struct tcp_table *t = tcp_table_new(&cfg, &h);
	struct decoder *d = decoder_new();
	struct decode_stats st;
	struct decoded out;
	memset(&st, 0, sizeof st);
	struct pkt p;
	enum src_status rs;
	uint64_t last = 0;
	struct summary plain;
	memset(&plain, 0, sizeof plain);
	while ((rs = src_next(s, &p)) == SRC_OK) {
		if (p.frame != last + 1 || p.caplen > p.origlen)
			abort();
		last = p.frame;
		add_packet(&plain, &p);
		uint8_t acc = 0;
		for (size_t i = 0; i < p.caplen; i++)
			acc ^= p.data[i];
		sink = acc;
		(void)src_snaplen(s, p.ifindex);
		(void)linktype_name(p.linktype);
		if (decode_packet(d, &p, &out, &st) == DEC_TCP)
			tcp_table_input(t, &out.tcp);
	}
	if (rs != SRC_EOF && src_message(s)[0] == 0)
		abort();
	if (src_next(s, &p) != rs)
		abort(); /* the end is sticky */
	plain.end = rs;
	snprintf(plain.msg, sizeof plain.msg, "%s", src_message(s));
	if (!src_compressed(s) && size > 0) {
		/* Split where the last byte says, so the fuzzer steers it, and
		 * in the middle. */
		size_t splits[2] = { (size_t)data[size - 1] * size / 256, size / 2 };
		for (int i = 0; i < 2; i++) {
			struct summary fol;
			if ((i == 0 || splits[1] != splits[0]) &&
			    follow_read(data, size, splits[i], &fol) == 0 &&
			    (fol.n != plain.n || fol.hash != plain.hash || fol.end != plain.end ||
			     strcmp(fol.msg, plain.msg) != 0))
				abort(); /* following differs from reading the whole file */
		}
	}
	(void)src_format(s);
	(void)src_compressed(s);
	(void)src_offset(s);
	tcp_table_free(t);
	decoder_free(d);
	src_close(s);
out:
	close(fd);
	if (is_tmp)
		unlink(tmpl);
	return 0;
}

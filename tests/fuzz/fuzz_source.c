/*
 * fuzz_source.c - the input as a capture file, through the whole capture
 * stage: src_open()/src_next() (pcap, pcapng, gzip), decode_packet() and a
 * small flow table, as capture_run_file() does.
 *
 * The file is an anonymous memory file (memfd, opened by its
 * /proc/self/fd path as any capture would be; a temp file where memfd is
 * missing). Checks: the reader stops with a status and a message, packets
 * are readable up to caplen, caplen <= origlen, frame numbers count up.
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
	while ((rs = src_next(s, &p)) == SRC_OK) {
		if (p.frame != last + 1 || p.caplen > p.origlen)
			abort();
		last = p.frame;
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

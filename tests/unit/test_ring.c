/*
 * Unit tests for capture/ring.c, the pcapng ring writer (-w DIR):
 *
 *  - ring_parse_size as tcpdump's -C (millions of bytes) plus K/M/G;
 *  - the packets of two corpus captures (Ethernet; Ethernet and SLL on two
 *    interfaces with nanosecond timestamps) written through a small ring:
 *    every file is at most the size limit, no more files than the count
 *    limit remain, the kept files hold the last packets in order, byte for
 *    byte, with their link types, and our reader and tshark (an
 *    independent reader: packets, link types, lengths, nanosecond times,
 *    interface names) both read each file without complaint;
 *  - a packet larger than the limit gets a file of its own; a packet of
 *    an interface never added is refused; interfaces only before packets;
 *  - ring_flush makes the file being written readable up to then;
 *  - a write error (the file size limit, as a full disk would) stops the
 *    writing with a message and counts what was not written;
 *  - ring_prepare_dir creates the directory, refuses a file.
 */
#include "capture/ring.h"
#include "tests/unit/t.h"

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/xalloc.h"

static char DIR_[64];

struct stored {
	struct pkt p;
	uint8_t data[4096];
};

/* Every packet of a corpus capture (ifindex, link type, time, bytes). */
static size_t load(const char *name, struct stored *v, size_t max, int lt[4], uint32_t sl[4],
		   int *nifs)
{
	char path[1024], err[512];
	const char *top = getenv("top_srcdir");
	snprintf(path, sizeof path, "%s/tests/captures/capture/%s", top ? top : ".", name);
	struct source *s = src_open(path, err, sizeof err);
	CHECK(s != NULL);
	if (s == NULL)
		return 0;
	size_t n = 0;
	struct pkt p;
	*nifs = 0;
	while (n < max && src_next(s, &p) == SRC_OK) {
		v[n].p = p;
		memcpy(v[n].data, p.data,
		       p.caplen < sizeof v[n].data ? p.caplen : sizeof v[n].data);
		v[n].p.data = v[n].data;
		if ((int)p.ifindex >= *nifs && p.ifindex < 4) {
			*nifs = (int)p.ifindex + 1;
			lt[p.ifindex] = p.linktype;
			sl[p.ifindex] = src_snaplen(s, p.ifindex);
		}
		n++;
	}
	src_close(s);
	return n;
}

/* The ring's files in name order. */
static size_t list_files(const char *dir, char names[][512], size_t max)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	if (d == NULL)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < max)
		if (strstr(e->d_name, ".pcapng"))
			snprintf(names[n++], 512, "%.200s/%.300s", dir, e->d_name);
	closedir(d);
	qsort(names, n, 512, (int (*)(const void *, const void *))strcmp);
	return n;
}

static long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* tshark's view of one file: "ifname linktype-encap len caplen epoch" lines. */
static int tshark_check(const char *path, const struct stored *want, size_t nwant,
			const char *const ifnames[])
{
	const char *tshark = getenv("TSHARK");
	if (tshark == NULL || tshark[0] == 0 || access(tshark, X_OK) != 0)
		return -1;
	char *cmd = xasprintf("'%s' -r '%s' -T fields -e frame.interface_name -e frame.len "
			      "-e frame.cap_len -e frame.time_epoch -e frame.protocols 2>&1",
			      tshark, path);
	FILE *f = popen(cmd, "r");
	free(cmd);
	if (f == NULL)
		return 1;
	char line[1024];
	size_t n = 0;
	int bad = 0;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "Running as user", 15) == 0)
			continue;
		if (n >= nwant) {
			fprintf(stderr, "tshark %s: extra line: %s", path, line);
			bad++;
			continue;
		}
		const struct pkt *p = &want[n].p;
		char exp[256];
		snprintf(exp, sizeof exp, "%s\t%u\t%u\t%lld.%09lld\t", ifnames[p->ifindex],
			 p->origlen, p->caplen, (long long)(p->ts_ns / 1000000000),
			 (long long)(p->ts_ns % 1000000000));
		if (strncmp(line, exp, strlen(exp)) != 0) {
			fprintf(stderr, "tshark %s frame %zu:\n  got  %s  want %s\n", path, n + 1,
				line, exp);
			bad++;
		}
		/* The link type is read right: the frame decodes down to TCP. */
		if (strstr(line, ":tcp") == NULL) {
			fprintf(stderr, "tshark %s frame %zu: not decoded to TCP: %s", path, n + 1,
				line);
			bad++;
		}
		n++;
	}
	int st = pclose(f);
	if (n != nwant) {
		fprintf(stderr, "tshark %s: %zu packets, expected %zu\n", path, n, nwant);
		bad++;
	}
	if (st != 0) {
		fprintf(stderr, "tshark %s: exit status %d\n", path, st);
		bad++;
	}
	return bad ? 1 : 0;
}

static void parse_sizes(void)
{
	uint64_t b = 0;
	CHECK_EQ_INT(ring_parse_size("100", &b), 0);
	CHECK_EQ_INT(b, 100000000ULL);
	CHECK_EQ_INT(ring_parse_size("1", &b), 0);
	CHECK_EQ_INT(b, 1000000ULL);
	CHECK_EQ_INT(ring_parse_size("64k", &b), 0);
	CHECK_EQ_INT(b, 65536);
	CHECK_EQ_INT(ring_parse_size("2M", &b), 0);
	CHECK_EQ_INT(b, 2097152);
	CHECK_EQ_INT(ring_parse_size("1GB", &b), 0);
	CHECK_EQ_INT(b, 1073741824ULL);
	CHECK_EQ_INT(ring_parse_size("0", &b), -1);
	CHECK_EQ_INT(ring_parse_size("", &b), -1);
	CHECK_EQ_INT(ring_parse_size("-1", &b), -1);
	CHECK_EQ_INT(ring_parse_size("1x", &b), -1);
	CHECK_EQ_INT(ring_parse_size("1kk", &b), -1);
	CHECK_EQ_INT(ring_parse_size("99999999999999999", &b), -1); /* * 10^6 overflows */
	CHECK_EQ_INT(ring_parse_size(NULL, &b), -1);
}

/* Write all packets through a ring of `files` files of at most `size`
 * bytes; check the files. */
static void ring_case(const char *corpus, uint64_t size, unsigned files, int repeat)
{
	static struct stored v[256];
	int lt[4] = { 0 }, nifs = 0;
	uint32_t sl[4] = { 0 };
	size_t n1 = load(corpus, v, 64, lt, sl, &nifs);
	CHECK(n1 > 0 && nifs > 0);
	/* The same packets again, later, so that the ring wraps. */
	size_t n = 0;
	for (int r = 0; r < repeat && n + n1 <= 256; r++)
		for (size_t i = 0; i < n1; i++, n++) {
			v[n] = v[i];
			v[n].p.data = v[n].data;
			v[n].p.ts_ns += (int64_t)r * 60 * 1000000000LL;
		}

	char *dir = xasprintf("%s/%s.%u", DIR_, corpus, files);
	char err[512];
	CHECK_EQ_INT(ring_prepare_dir(dir, -1, -1, err, sizeof err), 0);
	struct ring_config cfg = { dir, "t", size, files, "tlsdiag test" };
	struct ring *r = ring_open(&cfg, err, sizeof err);
	CHECK(r != NULL);
	if (r == NULL) {
		fprintf(stderr, "ring_open: %s\n", err);
		free(dir);
		return;
	}
	static const char *const names[] = { "eth0", "eth1", "if2", "if3" };
	for (int i = 0; i < nifs; i++)
		CHECK_EQ_INT(ring_add_iface(r, (uint32_t)i, lt[i], sl[i], names[i]), 0);
	for (size_t i = 0; i < n; i++)
		CHECK_EQ_INT(ring_write(r, &v[i].p), 0);
	struct ring_stats st;
	ring_get_stats(r, &st);
	CHECK_EQ_INT(st.packets, n);
	CHECK_EQ_INT(st.not_written, 0);
	CHECK_EQ_STR(ring_message(r), "");
	CHECK(strstr(ring_current(r), dir) != NULL);
	ring_close(r);

	static char fn[64][512];
	size_t nf = list_files(dir, fn, 64);
	CHECK(st.files > files); /* it did rotate */
	CHECK_EQ_INT(nf, files);
	CHECK_EQ_INT(st.removed, st.files - files);
	/* The kept files hold the last packets, in order. */
	size_t total = 0;
	for (size_t k = 0; k < nf; k++) {
		struct source *s = src_open(fn[k], err, sizeof err);
		CHECK(s != NULL);
		if (s)
			for (struct pkt p; src_next(s, &p) == SRC_OK;)
				total++;
		src_close(s);
	}
	size_t first = n - total, at = first;
	int bad = 0, tshark_bad = 0, tshark_ran = 0;
	for (size_t k = 0; k < nf; k++) {
		long fs = file_size(fn[k]);
		if (fs < 0 || (uint64_t)fs > size) {
			fprintf(stderr, "%s: %ld bytes, over the limit %llu\n", fn[k], fs,
				(unsigned long long)size);
			bad++;
		}
		struct source *s = src_open(fn[k], err, sizeof err);
		if (s == NULL) {
			bad++;
			continue;
		}
		CHECK_EQ_STR(src_format(s), "pcapng");
		size_t from = at;
		struct pkt p;
		enum src_status rs;
		while ((rs = src_next(s, &p)) == SRC_OK) {
			const struct pkt *w = &v[at].p;
			if (at >= n || p.caplen != w->caplen || p.origlen != w->origlen ||
			    p.ts_ns != w->ts_ns || p.linktype != w->linktype ||
			    p.ifindex != w->ifindex || memcmp(p.data, w->data, p.caplen) != 0 ||
			    src_snaplen(s, p.ifindex) != sl[p.ifindex])
				bad++;
			at++;
		}
		CHECK_EQ_INT(rs, SRC_EOF);
		src_close(s);
		int t = tshark_check(fn[k], &v[from], at - from, names);
		if (t >= 0) {
			tshark_ran++;
			tshark_bad += t;
		}
	}
	CHECK_EQ_INT(at, n);
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(tshark_bad, 0);
	if (tshark_ran == 0)
		printf("note: tshark not available ($TSHARK): files checked by our reader only\n");
	for (size_t k = 0; k < nf; k++)
		unlink(fn[k]);
	rmdir(dir);
	free(dir);
}

static void edges(void)
{
	char err[512];
	char *dir = xasprintf("%s/edges", DIR_);
	CHECK_EQ_INT(ring_prepare_dir(dir, -1, -1, err, sizeof err), 0);
	CHECK_EQ_INT(ring_prepare_dir(dir, -1, -1, err, sizeof err), 0); /* exists: fine */
	struct stat sb;
	CHECK(stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) && (sb.st_mode & 07777) == 0750);
	struct ring_config cfg = { dir, NULL, 1000, 2, NULL };
	struct ring *r = ring_open(&cfg, err, sizeof err);
	CHECK(r != NULL);
	if (r == NULL)
		return;
	CHECK(strstr(ring_current(r), "/tlsdiag-") != NULL);
	CHECK_EQ_INT(ring_add_iface(r, 1, LT_ETHERNET, 65535, "x"), -1); /* not the next number */
	CHECK_EQ_INT(ring_add_iface(r, 0, LT_ETHERNET, 65535, NULL), 0);
	static uint8_t big[3000];
	memset(big, 0xab, sizeof big);
	struct pkt p;
	memset(&p, 0, sizeof p);
	p.ts_ns = 1700000000123456789LL;
	p.data = big;
	p.caplen = p.origlen = 100;
	CHECK_EQ_INT(ring_write(r, &p), 0);
	CHECK_EQ_INT(ring_add_iface(r, 1, LT_RAW, 0, NULL), -1); /* after packets */
	/* Flushed, the current file is readable up to here. */
	CHECK_EQ_INT(ring_flush(r), 0);
	struct source *s = src_open(ring_current(r), err, sizeof err);
	CHECK(s != NULL);
	if (s) {
		struct pkt q;
		CHECK_EQ_INT(src_next(s, &q), SRC_OK);
		CHECK_EQ_INT(q.ts_ns, p.ts_ns);
		CHECK_EQ_INT(src_next(s, &q), SRC_EOF);
		src_close(s);
	}
	/* Larger than the limit: a file of its own. */
	char *before = xstrdup(ring_current(r));
	p.caplen = p.origlen = sizeof big;
	CHECK_EQ_INT(ring_write(r, &p), 0);
	CHECK(strcmp(before, ring_current(r)) != 0);
	free(before);
	p.caplen = p.origlen = 10;
	CHECK_EQ_INT(ring_write(r, &p), 0); /* and the next one another */
	p.ifindex = 3;
	CHECK_EQ_INT(ring_write(r, &p), -1);
	struct ring_stats st;
	ring_get_stats(r, &st);
	CHECK_EQ_INT(st.packets, 3);
	CHECK_EQ_INT(st.not_written, 1);
	CHECK_EQ_INT(st.files, 3);
	CHECK_EQ_INT(st.removed, 1);
	ring_close(r);
	ring_close(NULL);
	static char fn[8][512];
	size_t nf = list_files(dir, fn, 8);
	CHECK_EQ_INT(nf, 2);
	for (size_t k = 0; k < nf; k++)
		unlink(fn[k]);

	/* A file where the directory should be. */
	char *file = xasprintf("%s/afile", DIR_);
	FILE *f = fopen(file, "w");
	if (f)
		fclose(f);
	CHECK_EQ_INT(ring_prepare_dir(file, -1, -1, err, sizeof err), -1);
	CHECK(strstr(err, "not a directory") != NULL);
	cfg.dir = file;
	CHECK(ring_open(&cfg, err, sizeof err) == NULL);
	CHECK(strstr(err, "cannot create") != NULL);
	unlink(file);
	free(file);
	rmdir(dir);
	free(dir);
}

/* Writing fails (RLIMIT_FSIZE, as a full disk): in a child, since the
 * limit is per process. */
static void write_error(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		char err[512];
		char *dir = xasprintf("%s/full", DIR_);
		ring_prepare_dir(dir, -1, -1, err, sizeof err);
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit rl = { 4096, 4096 };
		setrlimit(RLIMIT_FSIZE, &rl);
		struct ring_config cfg = { dir, "full", 1000000, 2, NULL };
		struct ring *r = ring_open(&cfg, err, sizeof err);
		if (r == NULL || ring_add_iface(r, 0, LT_ETHERNET, 65535, "eth0") != 0)
			_exit(10);
		static uint8_t d[500];
		struct pkt p;
		memset(&p, 0, sizeof p);
		p.data = d;
		p.caplen = p.origlen = sizeof d;
		int failed_at = -1;
		for (int i = 0; i < 40; i++)
			if (ring_write(r, &p) != 0 || ring_flush(r) != 0) {
				failed_at = i;
				break;
			}
		struct ring_stats st;
		ring_get_stats(r, &st);
		int ok = failed_at > 0 && failed_at < 10 &&
			 strstr(ring_message(r), "writing failed") && ring_write(r, &p) == -1;
		ring_get_stats(r, &st);
		ok = ok && st.not_written >= 1;
		if (!ok)
			fprintf(stderr, "write error: failed at %d, message '%s'\n", failed_at,
				ring_message(r));
		ring_close(r);
		_exit(ok ? 0 : 11);
	}
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	char *cmd = xasprintf("rm -rf %s/full", DIR_);
	CHECK(system(cmd) == 0);
	free(cmd);
}

int main(void)
{
	snprintf(DIR_, sizeof DIR_, "/tmp/test_ring.XXXXXX");
	if (mkdtemp(DIR_) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	parse_sizes();
	ring_case("lt_ethernet.pcap", 1500, 3, 3);
	ring_case("pcapng_two_linktypes.pcapng", 2000, 4, 4);
	edges();
	write_error();
	rmdir(DIR_);
	return t_done("test_ring");
}

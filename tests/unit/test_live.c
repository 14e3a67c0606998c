/*
 * test_live - live capture for real, in a private network namespace the
 * test makes itself (unshare(CLONE_NEWNET), loopback brought up), so
 * nothing outside is captured and nothing outside sees the traffic:
 *
 *  - errors: an interface that does not exist (the message lists the
 *    ones there are); --list-interfaces (the API and the binary);
 *  - the timeout hands control back; a signal ends the wait early;
 *  - real TCP connections on loopback captured through capture/live.c
 *    with a BPF filter in the kernel ('tcp port 7001'): the flow to 7001
 *    decoded and reassembled byte for byte, the one to port 9 never seen,
 *    pcap_stats counting what was received and no drops;
 *  - two interfaces polled together ("lo" and "any"): packets from both,
 *    each with its own link type, both decoded;
 *  - --follow's reader behind a real tcpdump writing a -C 1 -W 3 ring
 *    (buffered, so records are cut at file ends while it writes): every
 *    byte sent is reassembled across the rotations, nothing cut;
 *  - the privilege drop (in a child): interfaces opened as root, the ring
 *    directory prepared for nobody, then privdrop to nobody; afterwards
 *    the process is not root and holds no capability, opening another
 *    interface fails with the setcap advice, and new connections are
 *    still captured, parsed and written to the ring, which tshark reads.
 *
 * Where the runner cannot capture (not root and no CAP_NET_RAW +
 * CAP_SYS_ADMIN, or no network namespaces) it skips (77) with the reason.
 */
#include "capture/capture.h"
#include "capture/follow.h"
#include "capture/live.h"
#include "capture/privdrop.h"
#include "capture/ring.h"
#include "tests/unit/t.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture/xalloc.h"

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int have_cap(int c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capget, &h, d) != 0)
		return 0;
	return (d[c / 32].effective >> (c % 32)) & 1;
}

static int lo_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	int rc = -1;
	if (s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	if (s >= 0)
		close(s);
	return rc;
}

/* ---- traffic ---- */

static int listen_on(uint16_t port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = { 0 };
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 16) != 0) {
		perror("bind/listen");
		close(s);
		return -1;
	}
	return s;
}

static int connect_to(uint16_t port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { 0 };
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
		perror("connect");
		close(s);
		return -1;
	}
	return s;
}

/* One small exchange on srv's port: request, reply, both close. */
static int exchange(int srv, uint16_t port, const char *req, const char *rep)
{
	int c = connect_to(port);
	if (c < 0)
		return -1;
	int a = accept(srv, NULL, NULL);
	char buf[256];
	int ok = a >= 0 && write(c, req, strlen(req)) == (ssize_t)strlen(req) &&
		 read(a, buf, sizeof buf) == (ssize_t)strlen(req) &&
		 write(a, rep, strlen(rep)) == (ssize_t)strlen(rep) &&
		 read(c, buf, sizeof buf) == (ssize_t)strlen(rep);
	close(c);
	if (a >= 0)
		close(a);
	return ok ? 0 : -1;
}

/* ---- what the flow table saw ---- */

struct seen {
	int opened, closed;
	uint16_t port[16];
	uint64_t c2s[16], s2c[16], gaps[16];
};

static void seen_open(void *ctx, struct tcp_flow *f)
{
	struct seen *s = ctx;
	if (s->opened < 16)
		s->port[s->opened] = f->ep[1].port;
	s->opened++;
	f->user = (void *)(intptr_t)s->opened;
}

static void seen_close(void *ctx, struct tcp_flow *f, enum tcp_close_reason why)
{
	struct seen *s = ctx;
	(void)why;
	intptr_t i = (intptr_t)f->user - 1;
	if (i >= 0 && i < 16) {
		s->c2s[i] = f->d[0].st.bytes;
		s->s2c[i] = f->d[1].st.bytes;
		s->gaps[i] = f->d[0].st.gaps + f->d[1].st.gaps;
	}
	s->closed++;
}

struct rig {
	struct seen seen;
	struct tcp_config cfg;
	struct tcp_table *t;
	struct capture_result res;
	struct capture *c;
	uint64_t per_if[4];
	struct ring *ring;
};

static void rig_tap(void *ctx, const struct pkt *p)
{
	struct rig *r = ctx;
	if (p->ifindex < 4)
		r->per_if[p->ifindex]++;
	if (r->ring)
		ring_write(r->ring, p);
}

static void rig_init(struct rig *r)
{
	memset(r, 0, sizeof *r);
	tcp_config_default(&r->cfg);
	struct tcp_handler h = { &r->seen, seen_open, NULL, seen_close, NULL };
	r->t = tcp_table_new(&r->cfg, &h);
	struct capture_hooks hooks = { 0 };
	hooks.ctx = r;
	hooks.packet = rig_tap;
	r->c = capture_new(r->t, &hooks, &r->res);
}

/* Pump until `closed` flows closed or ms passed. */
static void rig_pump(struct rig *r, struct pkt_source *src, int closed, int ms)
{
	int64_t end = now_ms() + ms;
	while (r->seen.closed < closed && now_ms() < end) {
		enum src_status st = capture_pump(r->c, src, 50, 1000);
		if (st != SRC_OK && st != SRC_AGAIN) {
			fprintf(stderr, "capture_pump: %d %s\n", (int)st, r->res.message);
			break;
		}
	}
}

static void rig_free(struct rig *r)
{
	capture_free(r->c);
	tcp_table_free(r->t);
}

/* Open interfaces with a filter; NULL (and a failed check) when not. */
static struct live *open_live(const char *const *names, size_t n, int buffer_kib,
			      const char *filter)
{
	char err[1024];
	struct live_config cfg = { names, n, 0, 0, buffer_kib, filter };
	struct live *l = live_open(&cfg, err, sizeof err);
	CHECK(l != NULL);
	if (l == NULL)
		fprintf(stderr, "live_open: %s\n", err);
	return l;
}

/* ---- the tests ---- */

static void errors_and_listing(void)
{
	char err[1024];
	const char *bad[] = { "nosuchif0" };
	struct live_config cfg = { bad, 1, 0, 0, 0, NULL };
	CHECK(live_open(&cfg, err, sizeof err) == NULL);
	CHECK(strstr(err, "no interface named nosuchif0") != NULL);
	CHECK(strstr(err, "interfaces here:") != NULL && strstr(err, "lo") != NULL);
	cfg.n_ifaces = 0;
	CHECK(live_open(&cfg, err, sizeof err) == NULL);
	const char *lo[] = { "lo" };
	struct live_config bf = { lo, 1, 0, 0, 0, "tcp and" };
	CHECK(live_open(&bf, err, sizeof err) == NULL);
	CHECK(strstr(err, "-f 'tcp and' cannot be used on lo") != NULL);

	struct live_if_info *v;
	size_t n;
	CHECK_EQ_INT(live_list_interfaces(&v, &n, err, sizeof err), 0);
	int lo_ok = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, "lo") == 0) {
			lo_ok = strstr(v[i].flags, "up") && strstr(v[i].flags, "loopback");
			int a4 = 0;
			for (size_t k = 0; k < v[i].n_addrs; k++)
				a4 |= strcmp(v[i].addrs[k], "127.0.0.1/8") == 0;
			lo_ok = lo_ok && a4;
		}
	CHECK(lo_ok);
	live_free_interfaces(v, n);

	const char *bin = getenv("TLSDIAG");
	if (bin && bin[0]) {
		char *cmd = xasprintf("'%s' --list-interfaces", bin);
		FILE *f = popen(cmd, "r");
		free(cmd);
		char line[512];
		int found = 0;
		while (f && fgets(line, sizeof line, f))
			found |= strncmp(line, "lo [up, running, loopback]", 26) == 0 &&
				 strstr(line, "127.0.0.1/8") != NULL;
		CHECK(f && pclose(f) == 0);
		CHECK(found);
	}
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void timeouts(void)
{
	const char *lo[] = { "lo" };
	struct live *l = open_live(lo, 1, 0, "tcp port 7999");
	if (l == NULL)
		return;
	struct pkt p;
	int64_t t0 = now_ms();
	CHECK_EQ_INT(live_next(l, &p, 200), SRC_AGAIN);
	int64_t took = now_ms() - t0;
	CHECK(took >= 150 && took < 2000);
	CHECK_EQ_INT(live_next(l, &p, 0), SRC_AGAIN);
	/* A signal (no SA_RESTART) ends a long wait at once. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	timer_t tm;
	struct sigevent sev = { 0 };
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGALRM;
	CHECK(timer_create(CLOCK_MONOTONIC, &sev, &tm) == 0);
	struct itimerspec its = { { 0, 0 }, { 0, 100000000 } };
	timer_settime(tm, 0, &its, NULL);
	t0 = now_ms();
	CHECK_EQ_INT(live_next(l, &p, 5000), SRC_AGAIN);
	took = now_ms() - t0;
	CHECK(took < 2000);
	timer_delete(tm);
	live_close(l);
}

static void filtered_capture(void)
{
	int s7001 = listen_on(7001), s9 = listen_on(9);
	CHECK(s7001 >= 0 && s9 >= 0);
	const char *lo[] = { "lo" };
	struct live *l = open_live(lo, 1, 4096, "tcp port 7001"); /* -B 4096 */
	if (l == NULL)
		return;
	struct pkt_source src;
	live_as_source(l, &src);
	struct rig r;
	rig_init(&r);
	CHECK_EQ_INT(exchange(s9, 9, "to the discard port", "x"), 0);
	CHECK_EQ_INT(exchange(s7001, 7001, "ClientHello, sort of", "ServerHello and more"), 0);
	CHECK_EQ_INT(exchange(s9, 9, "again to port 9", "y"), 0);
	rig_pump(&r, &src, 1, 3000);
	CHECK_EQ_INT(r.seen.opened, 1);
	CHECK_EQ_INT(r.seen.closed, 1);
	CHECK_EQ_INT(r.seen.port[0], 7001);
	CHECK_EQ_INT(r.seen.c2s[0], strlen("ClientHello, sort of"));
	CHECK_EQ_INT(r.seen.s2c[0], strlen("ServerHello and more"));
	CHECK_EQ_INT(r.seen.gaps[0], 0);
	CHECK(r.res.packets >= 8); /* SYN, SYN-ACK, ACK, 2 data, FINs, ACKs */
	CHECK_EQ_INT(r.res.dec.tcp, r.res.packets);
	struct live_iface_stats st;
	CHECK_EQ_INT(live_iface_stats(l, 0, &st), 0);
	CHECK_EQ_STR(st.name, "lo");
	CHECK_EQ_INT(st.linktype, LT_ETHERNET);
	CHECK_EQ_INT(st.snaplen, LIVE_DEFAULT_SNAPLEN);
	CHECK_EQ_INT(st.packets, r.res.packets);
	CHECK(st.stats_ok);
	CHECK(st.received >= st.packets);
	CHECK_EQ_INT(st.kernel_drops, 0);
	CHECK_EQ_STR(st.error, "");
	struct pkt_source_stats ps;
	src.ops->stats(src.impl, &ps);
	CHECK_EQ_INT(ps.packets, st.packets);
	CHECK_EQ_INT(ps.received, st.received);
	CHECK_EQ_INT(src.ops->snaplen(src.impl, 0), LIVE_DEFAULT_SNAPLEN);
	rig_free(&r);
	pkt_source_close(&src);
	close(s7001);
	close(s9);
}

static void two_interfaces(void)
{
	int srv = listen_on(7002);
	const char *names[] = { "lo", "any" };
	struct live *l = open_live(names, 2, 0, "tcp port 7002");
	if (l == NULL)
		return;
	/* "any" has no promiscuous mode: a warning, not an error. */
	CHECK(strstr(live_warnings(l), "any") != NULL || live_warnings(l)[0] == 0);
	CHECK_EQ_INT(live_iface_count(l), 2);
	struct pkt_source src;
	live_as_source(l, &src);
	struct rig r;
	rig_init(&r);
	CHECK_EQ_INT(exchange(srv, 7002, "over two interfaces", "ok"), 0);
	/* Each packet comes twice: the two copies make one flow with
	 * retransmissions, closed once. */
	rig_pump(&r, &src, 1, 3000);
	msleep(100);
	capture_pump(r.c, &src, 100, 1000);
	CHECK(r.per_if[0] > 0 && r.per_if[1] > 0);
	CHECK_EQ_INT(r.per_if[0], r.per_if[1]);
	CHECK_EQ_INT(r.res.dec.tcp, r.res.packets);
	struct live_iface_stats a, b;
	live_iface_stats(l, 0, &a);
	live_iface_stats(l, 1, &b);
	CHECK_EQ_INT(a.linktype, LT_ETHERNET);
	CHECK(b.linktype == LT_LINUX_SLL2 || b.linktype == LT_LINUX_SLL);
	CHECK_EQ_INT(r.res.nlinktypes, 2);
	CHECK_EQ_INT(r.seen.opened, 1);
	CHECK_EQ_INT(r.seen.c2s[0], strlen("over two interfaces"));
	rig_free(&r);
	pkt_source_close(&src);
	close(srv);
}

/* ---- following a real tcpdump ring ---- */

struct sender {
	int srv;
	uint16_t port;
	size_t total, chunk;
	int pause_ms;
	size_t received;
};

static void *drain_thread(void *arg)
{
	struct sender *s = arg;
	int a = accept(s->srv, NULL, NULL);
	char buf[65536];
	ssize_t n;
	while (a >= 0 && (n = read(a, buf, sizeof buf)) > 0)
		s->received += (size_t)n;
	if (a >= 0)
		close(a);
	return NULL;
}

static void *send_thread(void *arg)
{
	struct sender *s = arg;
	int c = connect_to(s->port);
	char *buf = xcalloc(1, s->chunk);
	for (size_t sent = 0; c >= 0 && sent < s->total; sent += s->chunk) {
		memset(buf, (int)('a' + sent / s->chunk % 26), s->chunk);
		if (write(c, buf, s->chunk) != (ssize_t)s->chunk)
			break;
		msleep(s->pause_ms);
	}
	free(buf);
	if (c >= 0)
		close(c);
	return NULL;
}

static const char *find_tool(const char *name)
{
	static char path[256];
	const char *dirs[] = { "/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin" };
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dirs[i], name);
		if (access(path, X_OK) == 0)
			return path;
	}
	return NULL;
}

static void follow_tcpdump_ring(void)
{
	const char *td = find_tool("tcpdump");
	if (td == NULL) {
		printf("note: no tcpdump: following its ring not tested\n");
		return;
	}
	char dir[] = "/tmp/test_live.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *base = xasprintf("%s/td", dir), *errf = xasprintf("%s/tcpdump.err", dir);
	int srv = listen_on(7003);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0)
			dup2(fd, 2);
		/* -C 1 -W 3: td0, td1, td2, then td0 again. Output buffered
		 * (no -U), so files end inside records while it writes;
		 * immediate mode, so every packet is written before SIGINT. */
		execl(td, "tcpdump", "-i", "lo", "-n", "-s", "0", "-Z", "root", "--immediate-mode",
		      "-C", "1", "-W", "3", "-w", base, "tcp port 7003", (char *)NULL);
		_exit(127);
	}
	char *first = xasprintf("%s0", base);
	struct stat sb;
	for (int i = 0; i < 300 && stat(first, &sb) != 0; i++)
		msleep(10);
	CHECK(stat(first, &sb) == 0);
	msleep(200); /* tcpdump listening */

	char err[512];
	struct follow_config fc = { base, NULL, 10 };
	struct follow *f = follow_open(&fc, err, sizeof err);
	CHECK(f != NULL);
	struct pkt_source src;
	follow_as_source(f, &src);
	struct rig r;
	rig_init(&r);
	struct sender s = { srv, 7003, 3500000, 50000, 4, 0 };
	pthread_t ts, tr;
	pthread_create(&tr, NULL, drain_thread, &s);
	pthread_create(&ts, NULL, send_thread, &s);
	int64_t end = now_ms() + 15000;
	int sent_done = 0;
	while (now_ms() < end) {
		capture_pump(r.c, &src, 20, 10000);
		if (!sent_done && s.received >= s.total) {
			sent_done = 1;
			pthread_join(ts, NULL);
			pthread_join(tr, NULL);
			msleep(300);
			kill(pid, SIGINT); /* tcpdump flushes and closes its file */
			int status;
			waitpid(pid, &status, 0);
			end = now_ms() + 1000; /* read what is left */
		}
	}
	if (!sent_done) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pthread_join(ts, NULL);
		pthread_join(tr, NULL);
	}
	tcp_table_finish(r.t);
	struct follow_stats fs;
	follow_get_stats(f, &fs);
	/* tcpdump's own count of kernel drops: only then must every byte be there. */
	size_t en = 0;
	uint8_t *e = NULL;
	FILE *ef = fopen(errf, "r");
	if (ef) {
		e = xcalloc(1, 4096);
		en = fread(e, 1, 4095, ef);
		fclose(ef);
	}
	unsigned long captured = 0, received = 0, dropped = 1;
	const char *at;
	if (e && (at = strstr((char *)e, " packets captured")) != NULL) {
		while (at > (char *)e && at[-1] >= '0' && at[-1] <= '9')
			at--;
		captured = strtoul(at, NULL, 10);
	}
	if (e && (at = strstr((char *)e, " packets received by filter")) != NULL) {
		while (at > (char *)e && at[-1] >= '0' && at[-1] <= '9')
			at--;
		received = strtoul(at, NULL, 10);
	}
	if (e && (at = strstr((char *)e, " packets dropped by kernel")) != NULL) {
		while (at > (char *)e && at[-1] >= '0' && at[-1] <= '9')
			at--;
		dropped = strtoul(at, NULL, 10);
	}
	/* No kernel drops: then every byte must be there. (On loopback the
	 * kernel counts each packet twice, going out and coming in, and
	 * libpcap keeps one: received is twice captured.) */
	int drops = dropped != 0 || captured == 0 || captured * 2 != received;
	CHECK_EQ_INT(fs.packets, captured);
	printf("tcpdump ring: %llu packets over %llu files, %llu cut, flow %llu bytes (%llu gaps); "
	       "tcpdump said: %s\n",
	       (unsigned long long)fs.packets, (unsigned long long)fs.files,
	       (unsigned long long)fs.truncated, (unsigned long long)r.seen.c2s[0],
	       (unsigned long long)r.seen.gaps[0], en ? "(below)" : "nothing");
	if (en)
		fputs((char *)e, stdout);
	CHECK_EQ_INT(s.received, s.total);
	CHECK(fs.files >= 4); /* 3.5 MB through 1 MB files: it wrapped */
	CHECK_EQ_INT(fs.truncated, 0);
	CHECK_EQ_INT(r.seen.opened, 1);
	if (!drops) {
		CHECK_EQ_INT(r.seen.c2s[0], s.total);
		CHECK_EQ_INT(r.seen.gaps[0], 0);
	} else {
		printf("note: tcpdump reports drops: bytes not compared\n");
	}
	rig_free(&r);
	pkt_source_close(&src);
	close(srv);
	char *cmd = xasprintf("rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	free(cmd);
	free(e);
	free(first);
	free(base);
	free(errf);
}

/* ---- the drop (in a child: it cannot be undone) ---- */

/* Made by the parent, which removes it: the child ends up unable to. */
static char drop_dir[] = "/tmp/test_live_ring.XXXXXX";

static int drop_child(void)
{
	int before = t_fail;
	char err[1024], desc[256];
	int srv = listen_on(7004);
	const char *lo[] = { "lo" };
	struct live *l = open_live(lo, 1, 0, "tcp port 7004");
	if (l == NULL)
		return 1;
	struct privdrop_plan plan;
	CHECK_EQ_INT(privdrop_plan(NULL, &plan, err, sizeof err), 0);
	char *rdir = xasprintf("%s/ring", drop_dir);
	CHECK_EQ_INT(ring_prepare_dir(rdir, (long)plan.uid, (long)plan.gid, err, sizeof err), 0);
	CHECK(chmod(drop_dir, 0755) == 0);
	/* A connection before the drop: its packets wait in the kernel
	 * buffer and are parsed only after it. */
	CHECK_EQ_INT(exchange(srv, 7004, "before the drop", "1"), 0);
	if (privdrop_apply(&plan, err, sizeof err) != 0) {
		fprintf(stderr, "privdrop_apply: %s\n", err);
		return 1;
	}
	CHECK(geteuid() != 0 && getuid() != 0);
	CHECK_EQ_INT(privdrop_describe(desc, sizeof desc), 0);
	printf("parsing as: %s\n", desc);
	/* Opening another interface needs what was dropped. */
	const char *any[] = { "any" };
	struct live_config c2 = { any, 1, 0, 1, 0, NULL };
	CHECK(live_open(&c2, err, sizeof err) == NULL);
	CHECK(strstr(err, "setcap cap_net_raw,cap_net_admin=eip") != NULL);
	/* The ring is written by the unprivileged user. */
	struct ring_config rc = { rdir, "live", 0, 0, "tlsdiag test_live" };
	struct ring *ring = ring_open(&rc, err, sizeof err);
	CHECK(ring != NULL);
	if (ring == NULL)
		fprintf(stderr, "ring_open: %s\n", err);
	struct live_iface_stats st;
	live_iface_stats(l, 0, &st);
	if (ring)
		CHECK_EQ_INT(ring_add_iface(ring, 0, st.linktype, st.snaplen, st.name), 0);
	struct pkt_source src;
	live_as_source(l, &src);
	struct rig r;
	rig_init(&r);
	r.ring = ring;
	CHECK_EQ_INT(exchange(srv, 7004, "after the drop", "2"), 0);
	rig_pump(&r, &src, 2, 3000);
	CHECK_EQ_INT(r.seen.closed, 2);
	CHECK_EQ_INT(r.seen.c2s[0], strlen("before the drop"));
	CHECK_EQ_INT(r.seen.c2s[1], strlen("after the drop"));
	live_iface_stats(l, 0, &st); /* pcap_stats needs no privilege */
	CHECK(st.stats_ok && st.received >= r.res.packets);
	struct ring_stats rs;
	if (ring) {
		ring_get_stats(ring, &rs);
		CHECK_EQ_INT(rs.packets, r.res.packets);
		char *cur = xstrdup(ring_current(ring));
		ring_close(ring);
		struct stat sb;
		CHECK(stat(cur, &sb) == 0 && sb.st_uid == plan.uid);
		const char *tshark = getenv("TSHARK");
		if (tshark && tshark[0] && access(tshark, X_OK) == 0) {
			char *cmd =
				xasprintf("HOME=/tmp '%s' -r '%s' -T fields -e tcp.dstport "
					  "-e frame.interface_name 2>/dev/null | grep -c '7004.lo$'",
					  tshark, cur);
			FILE *f = popen(cmd, "r");
			free(cmd);
			unsigned long n = 0;
			CHECK(f && fscanf(f, "%lu", &n) == 1);
			if (f)
				pclose(f);
			/* To 7004: SYN, data, FIN, ACKs... about half the packets. */
			CHECK(n >= 4 && n < r.res.packets);
		}
		unlink(cur);
		free(cur);
	}
	rig_free(&r);
	pkt_source_close(&src);
	rmdir(rdir);
	free(rdir);
	return t_fail > before ? 1 : 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!(geteuid() == 0 || (have_cap(CAP_NET_RAW) && have_cap(CAP_SYS_ADMIN)))) {
		printf("SKIP: live capture needs root, or CAP_NET_RAW and CAP_SYS_ADMIN (for a "
		       "private network namespace); running as uid %u without them\n",
		       (unsigned)geteuid());
		return 77;
	}
	if (unshare(CLONE_NEWNET) != 0) {
		printf("SKIP: cannot make a private network namespace: unshare(CLONE_NEWNET): %s\n",
		       strerror(errno));
		return 77;
	}
	if (lo_up() != 0) {
		printf("SKIP: cannot bring loopback up in the new namespace: %s\n",
		       strerror(errno));
		return 77;
	}
	errors_and_listing();
	timeouts();
	filtered_capture();
	two_interfaces();
	follow_tcpdump_ring();
	if (geteuid() == 0 && getpwnam("nobody")) {
		CHECK(mkdtemp(drop_dir) != NULL);
		fflush(NULL);
		pid_t pid = fork();
		if (pid == 0)
			_exit(drop_child());
		int status = 0;
		CHECK(waitpid(pid, &status, 0) == pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		char *cmd = xasprintf("rm -rf %s", drop_dir);
		CHECK(system(cmd) == 0);
		free(cmd);
	} else {
		printf("note: not root (or no user nobody): the privilege drop is not tested here\n");
	}
	return t_done("test_live");
}

/*
 * live.c - libpcap capture on one or more interfaces, polled together.
 *
 * Each handle is non-blocking: live_next() takes a packet from the first
 * interface (in turn) that has one, and only when none has, waits in
 * poll() on all their selectable descriptors for the rest of the
 * timeout. pcap_next_ex()'s packet is valid until the next call on the
 * same handle, which is what struct pkt promises (until the next
 * live_next).
 */
#include "capture/live.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/if_packet.h>
#endif

#include "capture/filter.h"
#include "capture/xalloc.h"

struct iface {
	char *name;
	pcap_t *p;
	int fd;
	int nano;     /* timestamps in nanoseconds */
	int linktype; /* LINKTYPE_ */
	uint32_t snaplen;
	uint64_t packets, bytes;
	/* pcap_stats' 32-bit counters widened: last raw values and totals. */
	unsigned raw_recv, raw_drop, raw_ifdrop;
	uint64_t recv, drop, ifdrop;
	int stats_ok;
	char error[PCAP_ERRBUF_SIZE + 64];
};

struct live {
	struct iface *ifs;
	size_t n;
	size_t next; /* whose turn it is */
	uint64_t frames;
	struct pollfd *pfd;
	size_t *pfd_if;
	char warnings[1024];
	char msg[1024];
};

static void addf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void addf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	if (used + 1 >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* "lo, eth0, any" into buf: what the user could have meant. */
static void iface_names(char *buf, size_t len)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_if_t *all = NULL;
	buf[0] = 0;
	if (pcap_findalldevs(&all, eb) != 0 || all == NULL) {
		snprintf(buf, len, "none found");
		return;
	}
	for (pcap_if_t *d = all; d; d = d->next)
		addf(buf, len, "%s%s", buf[0] ? ", " : "", d->name);
	pcap_freealldevs(all);
}

/* The binary's own path, for the setcap advice. */
static void self_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		snprintf(buf, len, "/path/to/tlsdiag");
	else
		buf[n] = 0;
}

/* Activation failed: say what the user can do about it. */
static void activate_error(pcap_t *p, const char *name, int rc, char *err, size_t errlen)
{
	char more[1024], exe[PATH_MAX];
	const char *pe = pcap_geterr(p);
	switch (rc) {
	case PCAP_ERROR_PERM_DENIED:
		self_path(exe, sizeof exe);
		snprintf(err, errlen,
			 "cannot capture on %s: permission denied (%s). Run tlsdiag as root, or "
			 "give it the capabilities once: setcap cap_net_raw,cap_net_admin=eip %s",
			 name, pe, exe);
		break;
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		snprintf(err, errlen,
			 "cannot put %s in promiscuous mode: permission denied (%s). Run as root, "
			 "or capture without it (--no-promisc)",
			 name, pe);
		break;
	case PCAP_ERROR_NO_SUCH_DEVICE:
		iface_names(more, sizeof more);
		snprintf(err, errlen, "no interface named %s (%s); interfaces here: %s", name, pe,
			 more);
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(err, errlen, "cannot capture on %s: the interface is not up", name);
		break;
	default: snprintf(err, errlen, "cannot capture on %s: %s", name, pe); break;
	}
}

static void activate_warning(struct live *l, pcap_t *p, const char *name, int rc)
{
	switch (rc) {
	case PCAP_WARNING_PROMISC_NOTSUP:
		addf(l->warnings, sizeof l->warnings,
		     "%s: promiscuous mode is not supported there; capturing without it\n", name);
		break;
	case PCAP_WARNING_TSTAMP_TYPE_NOTSUP:
		addf(l->warnings, sizeof l->warnings, "%s: time stamp type not supported\n", name);
		break;
	default: addf(l->warnings, sizeof l->warnings, "%s: %s\n", name, pcap_geterr(p)); break;
	}
}

/* Prefer Linux cooked capture v2 on "any": it carries the interface. */
static void prefer_sll2(pcap_t *p)
{
	int *dlts = NULL;
	int n = pcap_list_datalinks(p, &dlts);
	for (int i = 0; i < n; i++)
		if (dlts[i] == DLT_LINUX_SLL2) {
			pcap_set_datalink(p, DLT_LINUX_SLL2);
			break;
		}
	if (n > 0)
		pcap_free_datalinks(dlts);
}

static int set_filter(struct iface *f, const char *expr, char *err, size_t errlen)
{
	struct bpf_program prog;
	bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
	char eb[PCAP_ERRBUF_SIZE];
	/* The netmask only matters to "broadcast"; unknown on "any". */
	if (strcmp(f->name, "any") == 0 || pcap_lookupnet(f->name, &net, &mask, eb) != 0)
		mask = PCAP_NETMASK_UNKNOWN;
	if (pcap_compile(f->p, &prog, expr, 1, mask) != 0) {
		snprintf(err, errlen, "-f '%s' cannot be used on %s: %s", expr, f->name,
			 pcap_geterr(f->p));
		return -1;
	}
	int rc = pcap_setfilter(f->p, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(err, errlen, "cannot set the filter on %s: %s", f->name,
			 pcap_geterr(f->p));
		return -1;
	}
	return 0;
}

static int open_one(struct live *l, struct iface *f, const struct live_config *cfg, char *err,
		    size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	f->fd = -1;
	f->p = pcap_create(f->name, eb);
	if (f->p == NULL) {
		snprintf(err, errlen, "cannot capture on %s: %s", f->name, eb);
		return -1;
	}
	int snaplen = cfg->snaplen > 0 ? cfg->snaplen : LIVE_DEFAULT_SNAPLEN;
	if (cfg->buffer_kib < 0 || cfg->buffer_kib > INT_MAX / 1024) {
		snprintf(err, errlen, "-B %d: the buffer size is given in KiB, at most %d",
			 cfg->buffer_kib, INT_MAX / 1024);
		return -1;
	}
	int kib = cfg->buffer_kib > 0 ? cfg->buffer_kib : LIVE_DEFAULT_BUFFER_KIB;
	if (pcap_set_snaplen(f->p, snaplen) != 0 || pcap_set_promisc(f->p, !cfg->no_promisc) != 0 ||
	    pcap_set_immediate_mode(f->p, 1) != 0 || pcap_set_buffer_size(f->p, kib * 1024) != 0) {
		snprintf(err, errlen, "cannot capture on %s: %s", f->name, pcap_geterr(f->p));
		return -1;
	}
	/* Nanoseconds where the system has them; microseconds otherwise. */
	(void)pcap_set_tstamp_precision(f->p, PCAP_TSTAMP_PRECISION_NANO);
	int rc = pcap_activate(f->p);
	if (rc < 0) {
		activate_error(f->p, f->name, rc, err, errlen);
		return -1;
	}
	if (rc > 0)
		activate_warning(l, f->p, f->name, rc);
	if (strcmp(f->name, "any") == 0)
		prefer_sll2(f->p);
	f->nano = pcap_get_tstamp_precision(f->p) == PCAP_TSTAMP_PRECISION_NANO;
	f->linktype = linktype_of_dlt(pcap_datalink(f->p));
	f->snaplen = (uint32_t)pcap_snapshot(f->p);
	if (cfg->filter && cfg->filter[0] && set_filter(f, cfg->filter, err, errlen) != 0)
		return -1;
	if (pcap_setnonblock(f->p, 1, eb) != 0) {
		snprintf(err, errlen, "cannot capture on %s: %s", f->name, eb);
		return -1;
	}
	f->fd = pcap_get_selectable_fd(f->p);
	if (f->fd < 0) {
		snprintf(err, errlen, "cannot capture on %s: it cannot be polled", f->name);
		return -1;
	}
	return 0;
}

struct live *live_open(const struct live_config *cfg, char *err, size_t errlen)
{
	if (cfg->n_ifaces == 0 || cfg->n_ifaces > LIVE_MAX_IFACES) {
		snprintf(err, errlen, "give 1 to %d interfaces (-i), not %zu", LIVE_MAX_IFACES,
			 cfg->n_ifaces);
		return NULL;
	}
	struct live *l = xcalloc(1, sizeof *l);
	l->ifs = xcalloc(cfg->n_ifaces, sizeof *l->ifs);
	l->pfd = xcalloc(cfg->n_ifaces, sizeof *l->pfd);
	l->pfd_if = xcalloc(cfg->n_ifaces, sizeof *l->pfd_if);
	for (size_t i = 0; i < cfg->n_ifaces; i++) {
		struct iface *f = &l->ifs[l->n++];
		f->name = xstrdup(cfg->ifaces[i] ? cfg->ifaces[i] : "");
		if (f->name[0] == 0) {
			snprintf(err, errlen, "empty interface name");
			live_close(l);
			return NULL;
		}
		if (open_one(l, f, cfg, err, errlen) != 0) {
			live_close(l);
			return NULL;
		}
	}
	return l;
}

const char *live_warnings(const struct live *l)
{
	return l->warnings;
}

const char *live_message(const struct live *l)
{
	return l->msg;
}

size_t live_iface_count(const struct live *l)
{
	return l->n;
}

/* A 32-bit counter that wrapped since the last look still moved forward. */
static void widen(unsigned now, unsigned *last, uint64_t *total)
{
	*total += (unsigned)(now - *last);
	*last = now;
}

int live_iface_stats(struct live *l, size_t i, struct live_iface_stats *out)
{
	if (i >= l->n)
		return -1;
	struct iface *f = &l->ifs[i];
	struct pcap_stat ps;
	if (f->p && pcap_stats(f->p, &ps) == 0) {
		widen(ps.ps_recv, &f->raw_recv, &f->recv);
		widen(ps.ps_drop, &f->raw_drop, &f->drop);
		widen(ps.ps_ifdrop, &f->raw_ifdrop, &f->ifdrop);
		f->stats_ok = 1;
	}
	memset(out, 0, sizeof *out);
	out->name = f->name;
	out->linktype = f->linktype;
	out->snaplen = f->snaplen;
	out->packets = f->packets;
	out->bytes = f->bytes;
	out->received = f->recv;
	out->kernel_drops = f->drop;
	out->iface_drops = f->ifdrop;
	out->stats_ok = f->stats_ok;
	out->error = f->error;
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reading from f failed for good: leave it out. */
static void iface_failed(struct iface *f, const char *why)
{
	snprintf(f->error, sizeof f->error, "%s", why && why[0] ? why : "reading failed");
	f->fd = -1;
}

enum src_status live_next(struct live *l, struct pkt *out, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	for (;;) {
		size_t alive = 0;
		for (size_t k = 0; k < l->n; k++) {
			size_t i = (l->next + k) % l->n;
			struct iface *f = &l->ifs[i];
			if (f->fd < 0)
				continue;
			alive++;
			struct pcap_pkthdr *h;
			const u_char *data;
			int rc = pcap_next_ex(f->p, &h, &data);
			if (rc == 1) {
				l->next = (i + 1) % l->n;
				f->packets++;
				f->bytes += h->caplen;
				memset(out, 0, sizeof *out);
				out->frame = ++l->frames;
				out->ts_ns = (int64_t)h->ts.tv_sec * 1000000000 +
					     (int64_t)h->ts.tv_usec * (f->nano ? 1 : 1000);
				out->caplen = h->caplen;
				out->origlen = h->len < h->caplen ? h->caplen : h->len;
				out->linktype = f->linktype;
				out->ifindex = (uint32_t)i;
				out->data = data;
				return SRC_OK;
			}
			if (rc == PCAP_ERROR) {
				iface_failed(f, pcap_geterr(f->p));
				alive--;
			}
		}
		if (alive == 0) {
			l->msg[0] = 0;
			addf(l->msg, sizeof l->msg, "capture stopped on every interface:");
			for (size_t i = 0; i < l->n; i++)
				addf(l->msg, sizeof l->msg, " %s: %s;", l->ifs[i].name,
				     l->ifs[i].error);
			return SRC_ERROR;
		}
		int wait = -1;
		if (deadline >= 0) {
			int64_t left = deadline - now_ms();
			if (left <= 0)
				return SRC_AGAIN;
			wait = left > INT_MAX ? INT_MAX : (int)left;
		}
		nfds_t np = 0;
		for (size_t i = 0; i < l->n; i++) {
			if (l->ifs[i].fd < 0)
				continue;
			l->pfd[np].fd = l->ifs[i].fd;
			l->pfd[np].events = POLLIN;
			l->pfd[np].revents = 0;
			l->pfd_if[np++] = i;
		}
		int pr = poll(l->pfd, np, wait);
		if (pr == 0 || (pr < 0 && errno == EINTR))
			return SRC_AGAIN; /* time's up, or a signal for the caller */
		if (pr < 0) {
			snprintf(l->msg, sizeof l->msg, "poll: %s", strerror(errno));
			return SRC_ERROR;
		}
		/* Readable (or an error, which pcap_next_ex reports): go round. */
	}
}

void live_close(struct live *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		if (l->ifs[i].p)
			pcap_close(l->ifs[i].p);
		free(l->ifs[i].name);
	}
	free(l->ifs);
	free(l->pfd);
	free(l->pfd_if);
	free(l);
}

/* ---- as a packet source ---- */

static enum src_status ls_next(void *impl, struct pkt *out, int timeout_ms)
{
	return live_next(impl, out, timeout_ms);
}

static const char *ls_message(const void *impl)
{
	return live_message(impl);
}

static uint32_t ls_snaplen(const void *impl, uint32_t ifindex)
{
	const struct live *l = impl;
	return ifindex < l->n ? l->ifs[ifindex].snaplen : 0;
}

static void ls_stats(void *impl, struct pkt_source_stats *st)
{
	struct live *l = impl;
	memset(st, 0, sizeof *st);
	for (size_t i = 0; i < l->n; i++) {
		struct live_iface_stats s;
		live_iface_stats(l, i, &s);
		st->packets += s.packets;
		st->bytes += s.bytes;
		st->received += s.received;
		st->kernel_drops += s.kernel_drops;
		st->iface_drops += s.iface_drops;
	}
}

static void ls_close(void *impl)
{
	live_close(impl);
}

static const struct pkt_source_ops live_ops = {
	.next = ls_next,
	.message = ls_message,
	.snaplen = ls_snaplen,
	.stats = ls_stats,
	.close = ls_close,
};

void live_as_source(struct live *l, struct pkt_source *src)
{
	src->ops = &live_ops;
	src->impl = l;
}

/* ---- --list-interfaces ---- */

static int prefix_len(const struct sockaddr *m)
{
	int bits = 0;
	const uint8_t *b;
	size_t n;
	if (m == NULL)
		return -1;
	if (m->sa_family == AF_INET) {
		b = (const uint8_t *)&((const struct sockaddr_in *)(const void *)m)->sin_addr;
		n = 4;
	} else if (m->sa_family == AF_INET6) {
		b = (const uint8_t *)&((const struct sockaddr_in6 *)(const void *)m)->sin6_addr;
		n = 16;
	} else {
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		bits += __builtin_popcount(b[i]);
	return bits;
}

/* One address as text, or NULL for a family we do not show. */
static char *addr_text(const struct pcap_addr *a)
{
	char buf[INET6_ADDRSTRLEN + 8]; /* lint: ok: a text buffer */
	const struct sockaddr *s = a->addr;
	if (s == NULL)
		return NULL;
	if (s->sa_family == AF_INET || s->sa_family == AF_INET6) {
		const void *src =
			s->sa_family == AF_INET
				? (const void *)&((const struct sockaddr_in *)(const void *)s)
					  ->sin_addr
				: (const void *)&((const struct sockaddr_in6 *)(const void *)s)
					  ->sin6_addr;
		if (inet_ntop(s->sa_family, src, buf, sizeof buf) == NULL)
			return NULL;
		int pl = prefix_len(a->netmask);
		return pl >= 0 ? xasprintf("%s/%d", buf, pl) : xstrdup(buf);
	}
#ifdef __linux__
	if (s->sa_family == AF_PACKET) {
		const struct sockaddr_ll *ll = (const struct sockaddr_ll *)(const void *)s;
		if (ll->sll_halen != 6)
			return NULL;
		return xasprintf("%02x:%02x:%02x:%02x:%02x:%02x", ll->sll_addr[0], ll->sll_addr[1],
				 ll->sll_addr[2], ll->sll_addr[3], ll->sll_addr[4],
				 ll->sll_addr[5]);
	}
#endif
	return NULL;
}

int live_list_interfaces(struct live_if_info **out, size_t *n, char *err, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_if_t *all = NULL;
	*out = NULL;
	*n = 0;
	if (pcap_findalldevs(&all, eb) != 0) {
		snprintf(err, errlen, "cannot list the interfaces: %s", eb);
		return -1;
	}
	size_t cap = 0;
	for (pcap_if_t *d = all; d; d = d->next) {
		struct live_if_info info;
		memset(&info, 0, sizeof info);
		info.name = xstrdup(d->name);
		info.description = d->description ? xstrdup(d->description) : NULL;
		addf(info.flags, sizeof info.flags, "%s", d->flags & PCAP_IF_UP ? "up" : "down");
		if (d->flags & PCAP_IF_RUNNING)
			addf(info.flags, sizeof info.flags, ", running");
		if (d->flags & PCAP_IF_LOOPBACK)
			addf(info.flags, sizeof info.flags, ", loopback");
		if (d->flags & PCAP_IF_WIRELESS)
			addf(info.flags, sizeof info.flags, ", wireless");
		switch (d->flags & PCAP_IF_CONNECTION_STATUS) {
		case PCAP_IF_CONNECTION_STATUS_CONNECTED:
			addf(info.flags, sizeof info.flags, ", connected");
			break;
		case PCAP_IF_CONNECTION_STATUS_DISCONNECTED:
			addf(info.flags, sizeof info.flags, ", disconnected");
			break;
		default: break;
		}
		size_t acap = 0;
		for (const struct pcap_addr *a = d->addresses; a; a = a->next) {
			char *t = addr_text(a);
			if (t)
				VEC_PUSH(info.addrs, info.n_addrs, acap, t);
		}
		VEC_PUSH(*out, *n, cap, info);
	}
	pcap_freealldevs(all);
	return 0;
}

void live_free_interfaces(struct live_if_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].description);
		for (size_t k = 0; k < v[i].n_addrs; k++)
			free(v[i].addrs[k]);
		free(v[i].addrs);
	}
	free(v);
}

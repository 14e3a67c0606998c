/*
 * live.h - capture from network interfaces through libpcap: one or more
 * interfaces (-i IFACE, repeatable; -i any), polled together so that the
 * caller gets control back at least every timeout, each packet handed on
 * with its interface's link type (so ERSPAN and GRE feeds decapsulate in
 * decode.c as they do from files).
 *
 * Each interface: pcap_create, snaplen (262144 unless told), promiscuous
 * mode (on unless told), immediate mode (a handshake is seen when it
 * happens, not when a kernel buffer block fills), the kernel buffer size
 * (-B, in KiB exactly as tcpdump's -B), nanosecond timestamps where the
 * system has them, then
 * pcap_activate, non-blocking mode and the BPF filter (-f) in the kernel.
 * On "any", Linux cooked capture v2 is chosen where offered (it names the
 * interface of each packet).
 *
 * Opening needs root or CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous
 * mode and buffer sizes); drop them afterwards (privdrop.h): the handles
 * stay usable.
 */
#ifndef TLSDIAG_LIVE_H
#define TLSDIAG_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"
#include "capture/source.h"

#define LIVE_DEFAULT_SNAPLEN 262144
#define LIVE_MAX_IFACES 64
/*
 * The kernel buffer when -B is not given: 32 MiB, not libpcap's 2 MiB
 * (tcpdump's default). Immediate mode makes libpcap use TPACKET_V2 on
 * Linux, whose ring has one fixed-size slot per packet: on Ethernet a
 * slot is about 64 KiB (the largest offloaded packet), on "any" it is
 * the whole snaplen, so 2 MiB holds 32 packets, or 7 on "any", and a
 * burst of a handshake's segments already overflows it.
 */
#define LIVE_DEFAULT_BUFFER_KIB 32768

struct live_config {
	const char *const *ifaces; /* names as -i gave them ("any" included) */
	size_t n_ifaces;
	int snaplen;	    /* 0: LIVE_DEFAULT_SNAPLEN */
	int no_promisc;	    /* --no-promisc */
	int buffer_kib;	    /* -B: kernel buffer in KiB; 0: LIVE_DEFAULT_BUFFER_KIB */
	const char *filter; /* -f: BPF expression, or NULL */
};

/* One interface's figures. The pcap_stats counters are libpcap's,
 * cumulative since opening and widened to 64 bits across wraps. */
struct live_iface_stats {
	const char *name;
	int linktype; /* LINKTYPE_ value its packets carry */
	uint32_t snaplen;
	uint64_t packets, bytes; /* handed out by live_next (bytes: captured) */
	uint64_t received;	 /* ps_recv: packets the filter passed */
	uint64_t kernel_drops;	 /* ps_drop: no room in the buffer */
	uint64_t iface_drops;	 /* ps_ifdrop: dropped by the interface or driver */
	int stats_ok;		 /* pcap_stats worked */
	const char *error;	 /* non-empty: reading it failed, it is left out */
};

struct live;

/*
 * Open and activate every interface. On failure NULL with err saying
 * which interface and what to do: run as root or give the binary
 * cap_net_raw,cap_net_admin (permission denied); the interfaces there are
 * (no such device); --no-promisc (promiscuous mode refused); libpcap's
 * message for a filter that does not compile on that link type.
 */
struct live *live_open(const struct live_config *cfg, char *err, size_t errlen);

/* What activation warned about (promiscuous mode not supported on "any",
 * ...), one line each; "" for none. */
const char *live_warnings(const struct live *l);

size_t live_iface_count(const struct live *l);
/* Refresh (pcap_stats) and give interface i's figures; -1 for a bad i.
 * The strings live as long as l. */
int live_iface_stats(struct live *l, size_t i, struct live_iface_stats *out);

/*
 * The next packet from any interface (data borrowed until the next
 * call). Interfaces take turns; waits at most timeout_ms (< 0: no limit)
 * in poll() and returns SRC_AGAIN when nothing came, or a signal
 * interrupted the wait. An interface that fails (it went down) is left
 * out, with its error in its stats; SRC_ERROR when none is left
 * (live_message says why).
 */
enum src_status live_next(struct live *l, struct pkt *out, int timeout_ms);
const char *live_message(const struct live *l);
void live_close(struct live *l);

/* As a packet source (capture.h): stats sum the interfaces; closing the
 * source closes l. */
void live_as_source(struct live *l, struct pkt_source *src);

/* ---- --list-interfaces ---- */

struct live_if_info {
	char *name;
	char *description; /* NULL when libpcap has none */
	char flags[96];	   /* "up, running, loopback" */
	char **addrs;	   /* "10.0.0.5/24", "fe80::1/64", "02:00:00:00:00:01" */
	size_t n_addrs;
};

/* Every interface libpcap can open (pcap_findalldevs), in its order.
 * 0 ok (maybe none), -1 with err. Free with live_free_interfaces. */
int live_list_interfaces(struct live_if_info **out, size_t *n, char *err, size_t errlen);
void live_free_interfaces(struct live_if_info *v, size_t n);

#endif

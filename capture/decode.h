/*
 * decode.h - one captured frame down to a TCP segment or a UDP datagram: link layer
 * (Ethernet, 802.1Q/QinQ, SLL, SLL2, raw IP, NULL/loopback), tunnels
 * (GRE, ERSPAN II/III), IPv4 with fragment reassembly, IPv6 with
 * extension headers (and its fragments), TCP header and payload, UDP
 * header and payload.
 *
 * Checksums are verified but a bad one never drops the packet (checksum
 * offload makes them normal in host captures); it is counted.
 */
#ifndef TLSDIAG_DECODE_H
#define TLSDIAG_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "capture/cursor.h"
#include "capture/source.h"

struct endpoint {
	uint8_t family;	  /* 4 or 6 */
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
	uint16_t port;
};

/* "10.0.0.1:443", "[2001:db8::1]:443" into buf (>= 64 bytes). */
const char *endpoint_str(const struct endpoint *e, char *buf, size_t len);
/* Address only. */
const char *endpoint_addr_str(const struct endpoint *e, char *buf, size_t len);
int endpoint_eq(const struct endpoint *a, const struct endpoint *b);

enum {
	TCPF_FIN = 0x01,
	TCPF_SYN = 0x02,
	TCPF_RST = 0x04,
	TCPF_PSH = 0x08,
	TCPF_ACK = 0x10,
	TCPF_URG = 0x20,
};

struct tcp_seg {
	struct endpoint src, dst;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t window;
	struct span payload; /* borrowed: valid until the next decode call */
	uint32_t wire_len;   /* payload length the IP header announced;
				  > payload.n when the snaplen cut it */
	int64_t ts_ns;
	uint64_t frame;
};

/* One UDP datagram (RFC 768), for the UDP flow table (capture/udp.h). */
struct udp_dgram {
	struct endpoint src, dst;
	struct span payload; /* borrowed: valid until the next decode call */
	uint32_t wire_len;   /* payload length the UDP header announced;
				  > payload.n when the snaplen cut it */
	int64_t ts_ns;
	uint64_t frame;
};

/* Counters of what decoding saw; all additive across files. */
struct decode_stats {
	uint64_t frames, ipv4, ipv6, tcp, udp, other_l4, non_ip;
	uint64_t vlan_tagged, tunnelled_gre, tunnelled_erspan;
	uint64_t frag_pieces, frag_reassembled, frag_dropped;
	uint64_t bad_ip_csum, bad_tcp_csum;
	uint64_t snaplen_cut; /* TCP segments whose payload the snaplen cut */
	uint64_t malformed;   /* headers that contradict themselves */
	uint64_t unknown_linktype;
	int last_unknown_linktype;
	uint64_t dns_answers; /* DNS A/AAAA answers recorded */
};

/* A name resolved in the capture (UDP DNS response): addr -> name. */
struct dns_seen {
	uint8_t family;
	uint8_t addr[16];
	char name[256];
	int64_t ts_ns;
	uint64_t frame;
};

enum decode_result {
	DEC_TCP = 0, /* out->tcp is set */
	DEC_DNS,     /* out->dns holds n_dns answers */
	DEC_SKIP,    /* not TCP or UDP (or a fragment held for reassembly) */
	DEC_BAD,     /* counted in stats->malformed */
	DEC_UNKNOWN_LINK,
	DEC_UDP, /* out->udp is set (any UDP datagram but DNS answers and VXLAN) */
};

struct decoder;

struct decoder *decoder_new(void);
void decoder_free(struct decoder *d);

#define DECODE_MAX_DNS 16
struct decoded {
	struct tcp_seg tcp;
	struct udp_dgram udp;
	struct dns_seen dns[DECODE_MAX_DNS];
	size_t n_dns;
	/* caplen < origlen, but the outermost IP datagram was captured whole:
	 * only the link-layer trailer (Ethernet FCS, padding) is missing, so
	 * no payload was lost. */
	int trailer_cut;
};

/* Decode one packet. Spans in `out` borrow from pkt->data or from the
 * decoder's fragment buffers, valid until the next call. */
enum decode_result decode_packet(struct decoder *d, const struct pkt *p, struct decoded *out,
				 struct decode_stats *st);

#endif

/*
 * Unit tests for capture/decode.c: decode_packet() on hand-built frames
 * of every link type and tunnel we decode, IPv4/IPv6 fragments, checksums,
 * snaplen cuts, malformed headers and DNS answers; then the hostile sweep
 * (STYLE.md §5): every frame decoded again at every shorter length, as a
 * snaplen cut and as a frame that simply ends, from an exact-size heap copy
 * so that ASan sees any read past the end.
 *
 * The frames are built here with their own checksum code (RFC 1071), not
 * the decoder's.
 */
#include "capture/decode.h"
#include "tests/unit/t.h"

#include <stdlib.h>
#include <string.h>

/* ---- frame building (test code: writes its own buffers) ---- */

static size_t w8(uint8_t *o, unsigned v)
{
	o[0] = (uint8_t)v;
	return 1;
}

static size_t w16(uint8_t *o, unsigned v)
{
	o[0] = (uint8_t)(v >> 8);
	o[1] = (uint8_t)v;
	return 2;
}

static size_t w32(uint8_t *o, uint32_t v)
{
	w16(o, v >> 16);
	w16(o + 2, v & 0xffff);
	return 4;
}

static size_t w32le(uint8_t *o, uint32_t v)
{
	o[0] = (uint8_t)v;
	o[1] = (uint8_t)(v >> 8);
	o[2] = (uint8_t)(v >> 16);
	o[3] = (uint8_t)(v >> 24);
	return 4;
}

static size_t wmem(uint8_t *o, const void *p, size_t n)
{
	memcpy(o, p, n);
	return n;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
	for (size_t i = 0; i < n; i++)
		acc += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

static const uint8_t SRC4[4] = { 192, 0, 2, 1 }, DST4[4] = { 192, 0, 2, 2 };
static const uint8_t SRC6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t DST6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const char PAYLOAD[] = "hello tls";
#define PLEN (sizeof PAYLOAD - 1)
#define SEQ 0x11223344u
#define ACKN 0x55667788u

/* A TCP segment (checksum 0; see csum_tcp). */
static size_t tcp(uint8_t *o, const void *pl, size_t plen, size_t optlen)
{
	size_t n = 0;
	n += w16(o + n, 51000);
	n += w16(o + n, 443);
	n += w32(o + n, SEQ);
	n += w32(o + n, ACKN);
	n += w8(o + n, (unsigned)((20 + optlen) / 4) << 4);
	n += w8(o + n, TCPF_PSH | TCPF_ACK);
	n += w16(o + n, 502);
	n += w16(o + n, 0);
	n += w16(o + n, 0);
	for (size_t i = 0; i < optlen; i++)
		n += w8(o + n, 1); /* NOP */
	n += wmem(o + n, pl, plen);
	return n;
}

static void csum_tcp(uint8_t *seg, size_t n, int v6)
{
	uint32_t acc = 0;
	seg[16] = seg[17] = 0;
	acc = sum16(v6 ? SRC6 : SRC4, v6 ? 16 : 4, acc);
	acc = sum16(v6 ? DST6 : DST4, v6 ? 16 : 4, acc);
	acc += 6 + (uint32_t)(n >> 16) + (uint32_t)(n & 0xffff);
	acc = sum16(seg, n, acc);
	w16(seg + 16, fold(acc));
}

/* The default TCP segment with a valid checksum. */
static size_t tcp_ok4(uint8_t *o)
{
	size_t n = tcp(o, PAYLOAD, PLEN, 0);
	csum_tcp(o, n, 0);
	return n;
}

static size_t tcp_ok6(uint8_t *o)
{
	size_t n = tcp(o, PAYLOAD, PLEN, 0);
	csum_tcp(o, n, 1);
	return n;
}

/* IPv4 header + payload; total length `tot` (0: the real one). */
static size_t ip4x(uint8_t *o, uint8_t proto, uint16_t id, uint16_t frag, const uint8_t *pl,
		   size_t plen, unsigned tot)
{
	size_t n = 0;
	n += w8(o + n, 0x45);
	n += w8(o + n, 0);
	n += w16(o + n, tot ? tot : (unsigned)(20 + plen));
	n += w16(o + n, id);
	n += w16(o + n, frag);
	n += w8(o + n, 64);
	n += w8(o + n, proto);
	n += w16(o + n, 0);
	n += wmem(o + n, SRC4, 4);
	n += wmem(o + n, DST4, 4);
	w16(o + 10, fold(sum16(o, 20, 0)));
	n += wmem(o + n, pl, plen);
	return n;
}

static size_t ip4(uint8_t *o, uint8_t proto, const uint8_t *pl, size_t plen)
{
	return ip4x(o, proto, 0x1234, 0x4000, pl, plen, 0);
}

static size_t ip6(uint8_t *o, uint8_t nh, const uint8_t *pl, size_t plen)
{
	size_t n = 0;
	n += w32(o + n, 0x60000000);
	n += w16(o + n, (unsigned)plen);
	n += w8(o + n, nh);
	n += w8(o + n, 64);
	n += wmem(o + n, SRC6, 16);
	n += wmem(o + n, DST6, 16);
	n += wmem(o + n, pl, plen);
	return n;
}

/* IPv4/IPv6 carrying the default TCP segment. */
static size_t ip4tcp(uint8_t *o)
{
	uint8_t t[128];
	return ip4(o, 6, t, tcp_ok4(t));
}

static size_t ip6tcp(uint8_t *o)
{
	uint8_t t[128];
	return ip6(o, 6, t, tcp_ok6(t));
}

static const uint8_t MAC_D[6] = { 0x02, 0, 0, 0, 0, 2 }, MAC_S[6] = { 0x02, 0, 0, 0, 0, 1 };

static size_t eth(uint8_t *o, unsigned type, const uint8_t *in, size_t n)
{
	size_t k = 0;
	k += wmem(o + k, MAC_D, 6);
	k += wmem(o + k, MAC_S, 6);
	k += w16(o + k, type);
	k += wmem(o + k, in, n);
	return k;
}

/* ---- decoding ---- */

static struct decoder *D;
static struct decode_stats ST;
static struct decoded OUT;
static uint8_t *COPY; /* the last frame, exact size on the heap */
static size_t COPY_N;

static enum decode_result dec_at(int lt, const uint8_t *f, size_t caplen, size_t origlen,
				 int64_t ts)
{
	struct pkt p;
	free(COPY);
	COPY = malloc(caplen ? caplen : 1);
	if (caplen)
		memcpy(COPY, f, caplen);
	COPY_N = caplen;
	memset(&p, 0, sizeof p);
	p.frame = 7;
	p.ts_ns = ts;
	p.caplen = (uint32_t)caplen;
	p.origlen = (uint32_t)origlen;
	p.linktype = lt;
	p.data = COPY;
	return decode_packet(D, &p, &OUT, &ST);
}

static enum decode_result dec(int lt, const uint8_t *f, size_t n)
{
	return dec_at(lt, f, n, n, 1000);
}

static void fresh(void)
{
	decoder_free(D);
	D = decoder_new();
	memset(&ST, 0, sizeof ST);
}

/* The default segment came out, from the given addresses. */
#define CHECK_SEG(r, v6)                                                                           \
	do {                                                                                       \
		enum decode_result r_ = (r);                                                       \
		CHECK_EQ_INT(r_, DEC_TCP);                                                         \
		if (r_ == DEC_TCP) {                                                               \
			const struct tcp_seg *s_ = &OUT.tcp;                                       \
			CHECK_EQ_INT(s_->src.family, (v6) ? 6 : 4);                                \
			CHECK(memcmp(s_->src.addr, (v6) ? SRC6 : SRC4, (v6) ? 16 : 4) == 0);       \
			CHECK(memcmp(s_->dst.addr, (v6) ? DST6 : DST4, (v6) ? 16 : 4) == 0);       \
			CHECK_EQ_INT(s_->src.port, 51000);                                         \
			CHECK_EQ_INT(s_->dst.port, 443);                                           \
			CHECK_EQ_INT(s_->seq, SEQ);                                                \
			CHECK_EQ_INT(s_->ack, ACKN);                                               \
			CHECK_EQ_INT(s_->flags, TCPF_PSH | TCPF_ACK);                              \
			CHECK_EQ_INT(s_->window, 502);                                             \
			CHECK_EQ_INT(s_->payload.n, PLEN);                                         \
			CHECK_EQ_INT(s_->wire_len, PLEN);                                          \
			CHECK(s_->payload.n == PLEN && memcmp(s_->payload.p, PAYLOAD, PLEN) == 0); \
			CHECK_EQ_INT(s_->frame, 7);                                                \
		}                                                                                  \
	} while (0)

/* Every valid frame, kept for the hostile sweep. */
struct kept {
	int lt;
	uint8_t *f;
	size_t n;
	const char *what;
};
static struct kept KEPT[128];
static size_t NKEPT;

static void keep(int lt, const uint8_t *f, size_t n, const char *what)
{
	if (NKEPT < sizeof KEPT / sizeof KEPT[0]) {
		KEPT[NKEPT].lt = lt;
		KEPT[NKEPT].f = malloc(n);
		memcpy(KEPT[NKEPT].f, f, n);
		KEPT[NKEPT].n = n;
		KEPT[NKEPT].what = what;
		NKEPT++;
	}
}

/* Decode, expect the default segment, and keep the frame. */
static void expect_seg(int lt, const uint8_t *f, size_t n, int v6, const char *what)
{
	fresh();
	enum decode_result r = dec(lt, f, n);
	if (r != DEC_TCP)
		fprintf(stderr, "%s: result %d\n", what, r);
	CHECK_SEG(r, v6);
	CHECK_EQ_INT(ST.bad_ip_csum, 0);
	CHECK_EQ_INT(ST.bad_tcp_csum, 0);
	CHECK_EQ_INT(ST.malformed, 0);
	CHECK_EQ_INT(ST.tcp, 1);
	CHECK_EQ_INT(ST.frames, 1);
	keep(lt, f, n, what);
}

/* ---- link layers ---- */

static void test_links(void)
{
	uint8_t ip[256], ip6p[256], f[512], t[512];
	size_t n4 = ip4tcp(ip), n6 = ip6tcp(ip6p), n;

	n = eth(f, 0x0800, ip, n4);
	expect_seg(LT_ETHERNET, f, n, 0, "ethernet");
	CHECK_EQ_INT(ST.ipv4, 1);
	CHECK_EQ_INT(ST.vlan_tagged, 0);

	n = eth(f, 0x86dd, ip6p, n6);
	expect_seg(LT_ETHERNET, f, n, 1, "ethernet v6");
	CHECK_EQ_INT(ST.ipv6, 1);

	/* Ethernet padding after a short IP packet is not payload. */
	{
		uint8_t tt[64], ii[128];
		size_t tn = tcp(tt, "x", 1, 0);
		csum_tcp(tt, tn, 0);
		n = eth(f, 0x0800, ii, ip4(ii, 6, tt, tn));
		memset(f + n, 0xee, 60 - n);
		fresh();
		CHECK_EQ_INT(dec(LT_ETHERNET, f, 60), DEC_TCP);
		CHECK_EQ_INT(OUT.tcp.payload.n, 1);
		CHECK_EQ_INT(OUT.tcp.wire_len, 1);
		CHECK_EQ_INT(ST.bad_tcp_csum, 0);
		CHECK_EQ_INT(ST.snaplen_cut, 0);
	}

	/* 802.1Q */
	n = 0;
	n += w16(t + n, 0x0064);
	n += w16(t + n, 0x0800);
	n += wmem(t + n, ip, n4);
	n = eth(f, 0x8100, t, n);
	expect_seg(LT_ETHERNET, f, n, 0, "802.1Q");
	CHECK_EQ_INT(ST.vlan_tagged, 1);

	/* QinQ: 802.1ad outer, 802.1Q inner */
	n = 0;
	n += w16(t + n, 0x00c8);
	n += w16(t + n, 0x8100);
	n += w16(t + n, 0x0064);
	n += w16(t + n, 0x86dd);
	n += wmem(t + n, ip6p, n6);
	n = eth(f, 0x88a8, t, n);
	expect_seg(LT_ETHERNET, f, n, 1, "QinQ");
	CHECK_EQ_INT(ST.vlan_tagged, 1);

	/* 802.3 length + LLC/SNAP */
	n = 0;
	n += w8(t + n, 0xaa);
	n += w8(t + n, 0xaa);
	n += w8(t + n, 0x03);
	n += w8(t + n, 0);
	n += w16(t + n, 0);
	n += w16(t + n, 0x0800);
	n += wmem(t + n, ip, n4);
	n = eth(f, (unsigned)n, t, n);
	expect_seg(LT_ETHERNET, f, n, 0, "802.3 SNAP");

	/* 802.3 with plain LLC (not IP) is skipped, not malformed. */
	{
		uint8_t stp[] = { 0x42, 0x42, 0x03, 0, 0, 0, 0, 0 };
		n = eth(f, sizeof stp, stp, sizeof stp);
		fresh();
		CHECK_EQ_INT(dec(LT_ETHERNET, f, n), DEC_SKIP);
		CHECK_EQ_INT(ST.non_ip, 1);
		CHECK_EQ_INT(ST.malformed, 0);
	}
	/* ARP: not IP. */
	{
		uint8_t arp[28] = { 0 };
		n = eth(f, 0x0806, arp, sizeof arp);
		fresh();
		CHECK_EQ_INT(dec(LT_ETHERNET, f, n), DEC_SKIP);
		CHECK_EQ_INT(ST.non_ip, 1);
	}

	/* Linux SLL: packet type, ARPHRD, address length, address(8), protocol */
	n = 0;
	n += w16(f + n, 0);
	n += w16(f + n, 1);
	n += w16(f + n, 6);
	n += wmem(f + n, MAC_S, 6);
	n += w16(f + n, 0);
	n += w16(f + n, 0x0800);
	n += wmem(f + n, ip, n4);
	expect_seg(LT_LINUX_SLL, f, n, 0, "SLL");

	/* Linux SLL2: protocol, reserved, ifindex, ARPHRD, type, addr len, addr(8) */
	n = 0;
	n += w16(f + n, 0x86dd);
	n += w16(f + n, 0);
	n += w32(f + n, 3);
	n += w16(f + n, 1);
	n += w8(f + n, 4);
	n += w8(f + n, 6);
	n += wmem(f + n, MAC_S, 6);
	n += w16(f + n, 0);
	n += wmem(f + n, ip6p, n6);
	expect_seg(LT_LINUX_SLL2, f, n, 1, "SLL2");

	/* Raw IP, all the numbers it goes by. */
	expect_seg(LT_RAW, ip, n4, 0, "RAW v4");
	expect_seg(LT_RAW, ip6p, n6, 1, "RAW v6");
	expect_seg(LT_RAW_DLT12, ip, n4, 0, "DLT 12");
	expect_seg(LT_RAW_DLT14, ip6p, n6, 1, "DLT 14");
	expect_seg(LT_IPV4, ip, n4, 0, "IPV4");
	expect_seg(LT_IPV6, ip6p, n6, 1, "IPV6");
	/* Raw with something that is not IP. */
	{
		uint8_t junk[20] = { 0x50 };
		fresh();
		CHECK_EQ_INT(dec(LT_RAW, junk, sizeof junk), DEC_SKIP);
		CHECK_EQ_INT(ST.non_ip, 1);
	}

	/* BSD NULL: AF in the capturing host's byte order. */
	n = w32le(f, 2);
	n += wmem(f + n, ip, n4);
	expect_seg(LT_NULL, f, n, 0, "NULL AF 2 LE");
	n = w32(f, 2);
	n += wmem(f + n, ip, n4);
	expect_seg(LT_NULL, f, n, 0, "NULL AF 2 BE");
	static const uint32_t v6af[] = { 24, 28, 30, 10 };
	for (size_t i = 0; i < 4; i++) {
		n = w32le(f, v6af[i]);
		n += wmem(f + n, ip6p, n6);
		expect_seg(LT_NULL, f, n, 1, "NULL AF v6 LE");
		n = w32(f, v6af[i]);
		n += wmem(f + n, ip6p, n6);
		expect_seg(LT_NULL, f, n, 1, "NULL AF v6 BE");
	}
	n = w32le(f, 7); /* AF_ISO or so: not IP */
	n += wmem(f + n, ip, n4);
	fresh();
	CHECK_EQ_INT(dec(LT_NULL, f, n), DEC_SKIP);
	CHECK_EQ_INT(ST.non_ip, 1);

	/* OpenBSD LOOP: network byte order. */
	n = w32(f, 2);
	n += wmem(f + n, ip, n4);
	expect_seg(LT_LOOP, f, n, 0, "LOOP AF 2");
	n = w32(f, 24);
	n += wmem(f + n, ip6p, n6);
	expect_seg(LT_LOOP, f, n, 1, "LOOP AF 24");

	/* A link type we do not decode. */
	fresh();
	CHECK_EQ_INT(dec(147, ip, n4), DEC_UNKNOWN_LINK);
	CHECK_EQ_INT(ST.unknown_linktype, 1);
	CHECK_EQ_INT(ST.last_unknown_linktype, 147);
	CHECK_EQ_INT(ST.malformed, 0);
	CHECK_EQ_INT(dec(105, ip, n4), DEC_UNKNOWN_LINK);
	CHECK_EQ_INT(ST.unknown_linktype, 2);
	CHECK_EQ_INT(ST.last_unknown_linktype, 105);
}

/* ---- tunnels ---- */

/* GRE header with the given flags/protocol and optional fields. */
static size_t gre(uint8_t *o, unsigned flags, unsigned proto)
{
	size_t n = 0;
	n += w16(o + n, flags);
	n += w16(o + n, proto);
	if (flags & 0x8000)
		n += w32(o + n, 0); /* checksum + reserved */
	if (flags & 0x2000)
		n += w32(o + n, 0xabcd); /* key */
	if (flags & 0x1000)
		n += w32(o + n, 42); /* sequence */
	return n;
}

/* Outer Ethernet + IPv4 (proto 47) around a GRE packet. */
static size_t outer_gre(uint8_t *f, const uint8_t *g, size_t gn)
{
	uint8_t ip[2048];
	return eth(f, 0x0800, ip, ip4(ip, 47, g, gn));
}

static void test_tunnels(void)
{
	uint8_t ip[256], ip6p[256], inner_eth[512], g[1024], f[2048];
	size_t n4 = ip4tcp(ip), n6 = ip6tcp(ip6p), ne, n;
	ne = eth(inner_eth, 0x0800, ip, n4);

	/* GRE carrying IPv4, with and without checksum/key/sequence. */
	n = gre(g, 0, 0x0800);
	n += wmem(g + n, ip, n4);
	expect_seg(LT_ETHERNET, f, outer_gre(f, g, n), 0, "GRE IPv4");
	CHECK_EQ_INT(ST.tunnelled_gre, 1);
	CHECK_EQ_INT(ST.ipv4, 2);
	n = gre(g, 0xb000, 0x86dd);
	n += wmem(g + n, ip6p, n6);
	expect_seg(LT_ETHERNET, f, outer_gre(f, g, n), 1, "GRE csum key seq IPv6");
	/* Transparent Ethernet bridging. */
	n = gre(g, 0x2000, 0x6558);
	n += wmem(g + n, inner_eth, ne);
	expect_seg(LT_ETHERNET, f, outer_gre(f, g, n), 0, "GRE 0x6558");
	/* GRE version 1 (PPTP) is not decoded. */
	n = gre(g, 0x0001, 0x880b);
	n += wmem(g + n, ip, n4);
	fresh();
	CHECK_EQ_INT(dec(LT_ETHERNET, f, outer_gre(f, g, n)), DEC_SKIP);
	CHECK_EQ_INT(ST.malformed, 0);

	/* ERSPAN type I: GRE 0x88BE without a sequence number, no header. */
	n = gre(g, 0, 0x88be);
	n += wmem(g + n, inner_eth, ne);
	expect_seg(LT_ETHERNET, f, outer_gre(f, g, n), 0, "ERSPAN I");
	CHECK_EQ_INT(ST.tunnelled_erspan, 1);

	/* ERSPAN type II: sequence number, then an 8-byte header. */
	n = gre(g, 0x1000, 0x88be);
	n += w32(g + n, 0x10010064); /* ver 1, VLAN 1, session 100 */
	n += w32(g + n, 0);
	n += wmem(g + n, inner_eth, ne);
	expect_seg(LT_ETHERNET, f, outer_gre(f, g, n), 0, "ERSPAN II");
	CHECK_EQ_INT(ST.tunnelled_erspan, 1);

	/* ERSPAN type III: 12-byte header, O bit clear. */
	n = gre(g, 0x1000, 0x22eb);
	n += w32(g + n, 0x20000064);
	n += w32(g + n, 0x01020304); /* timestamp */
	n += w16(g + n, 0);	     /* SGT */
	n += w8(g + n, 0);	     /* P, FT 0 (Ethernet), HW ID */
	n += w8(g + n, 0);	     /* HW ID, D, Gra, O = 0 */
	n += wmem(g + n, inner_eth, ne);
	expect_seg(LT_ETHERNET, f, outer_gre(f, g, n), 0, "ERSPAN III");
	CHECK_EQ_INT(ST.tunnelled_erspan, 1);

	/* ERSPAN type III with the 8-byte platform subheader (O = 1). */
	n = gre(g, 0x1000, 0x22eb);
	n += w32(g + n, 0x20000064);
	n += w32(g + n, 0x01020304);
	n += w16(g + n, 0);
	n += w8(g + n, 0);
	n += w8(g + n, 0x01);
	n += w32(g + n, 0x0a0b0c0d); /* platform-specific */
	n += w32(g + n, 0x01020304);
	n += wmem(g + n, inner_eth, ne);
	expect_seg(LT_ETHERNET, f, outer_gre(f, g, n), 0, "ERSPAN III O");

	/* ERSPAN type III, frame type 2: the payload is IP, not Ethernet. */
	n = gre(g, 0x1000, 0x22eb);
	n += w32(g + n, 0x20000064);
	n += w32(g + n, 0x01020304);
	n += w16(g + n, 0);
	n += w8(g + n, 2 << 2);
	n += w8(g + n, 0);
	n += wmem(g + n, ip6p, n6);
	expect_seg(LT_ETHERNET, f, outer_gre(f, g, n), 1, "ERSPAN III FT 2");

	/* VXLAN: UDP 4789, I flag, VNI, then Ethernet. */
	{
		uint8_t u[1024], o[1024];
		n = 0;
		n += w16(u + n, 33333);
		n += w16(u + n, 4789);
		n += w16(u + n, (unsigned)(8 + 8 + ne));
		n += w16(u + n, 0);
		n += w32(u + n, 0x08000000);
		n += w32(u + n, 0x00123400);
		n += wmem(u + n, inner_eth, ne);
		n = eth(f, 0x0800, o, ip4(o, 17, u, n));
		expect_seg(LT_ETHERNET, f, n, 0, "VXLAN");
		CHECK_EQ_INT(ST.udp, 1);
	}

	/* MPLS: two labels, the second one bottom of stack. */
	n = 0;
	n += w32(g + n, (100u << 12) | 64);
	n += w32(g + n, (200u << 12) | 0x100 | 64);
	n += wmem(g + n, ip, n4);
	expect_seg(LT_ETHERNET, f, eth(f, 0x8847, g, n), 0, "MPLS");
	n = 0;
	n += w32(g + n, (16u << 12) | 0x100 | 64);
	n += wmem(g + n, ip6p, n6);
	expect_seg(LT_ETHERNET, f, eth(f, 0x8847, g, n), 1, "MPLS v6");

	/* PPPoE session: IPv4 (0x0021) and IPv6 (0x0057). */
	n = 0;
	n += w8(g + n, 0x11);
	n += w8(g + n, 0);
	n += w16(g + n, 0x0001);
	n += w16(g + n, (unsigned)(2 + n4));
	n += w16(g + n, 0x0021);
	n += wmem(g + n, ip, n4);
	expect_seg(LT_ETHERNET, f, eth(f, 0x8864, g, n), 0, "PPPoE");
	n = 0;
	n += w8(g + n, 0x11);
	n += w8(g + n, 0);
	n += w16(g + n, 0x0001);
	n += w16(g + n, (unsigned)(2 + n6));
	n += w16(g + n, 0x0057);
	n += wmem(g + n, ip6p, n6);
	expect_seg(LT_ETHERNET, f, eth(f, 0x8864, g, n), 1, "PPPoE v6");
	/* PPP LCP inside PPPoE: not IP. */
	n = 0;
	n += w8(g + n, 0x11);
	n += w8(g + n, 0);
	n += w16(g + n, 0x0001);
	n += w16(g + n, 6);
	n += w16(g + n, 0xc021);
	n += w32(g + n, 0x01010004);
	fresh();
	CHECK_EQ_INT(dec(LT_ETHERNET, f, eth(f, 0x8864, g, n)), DEC_SKIP);

	/* IP in IP (4) and IPv6 in IPv4 (41). */
	{
		uint8_t o[512];
		expect_seg(LT_RAW, o, ip4(o, 4, ip, n4), 0, "IPIP");
		expect_seg(LT_RAW, o, ip4(o, 41, ip6p, n6), 1, "6in4");
	}

	/* Tunnels nested past the depth limit are malformed, not a stack
	 * overflow: 12 GRE-in-IPv4 layers. */
	{
		static uint8_t a[4096], b[4096];
		size_t an = n4;
		memcpy(a, ip, n4);
		for (int i = 0; i < 12; i++) {
			size_t gn = gre(b, 0, 0x0800);
			memcpy(b + gn, a, an);
			an = ip4(a, 47, b, gn + an);
		}
		fresh();
		CHECK_EQ_INT(dec(LT_RAW, a, an), DEC_BAD);
		CHECK_EQ_INT(ST.malformed, 1);
		/* ... and VLAN tags stacked past it. */
		n = 0;
		for (int i = 0; i < 12; i++) {
			n += w16(g + n, 1);
			n += w16(g + n, 0x8100);
		}
		n += w16(g + n, 1);
		n += w16(g + n, 0x0800);
		n += wmem(g + n, ip, n4);
		fresh();
		CHECK_EQ_INT(dec(LT_ETHERNET, f, eth(f, 0x8100, g, n)), DEC_BAD);
	}
}

/* ---- IPv6 extension headers ---- */

static void test_ipv6_ext(void)
{
	uint8_t p[512], f[1024], seg[128];
	size_t sn = tcp_ok6(seg), n = 0;
	/* hop-by-hop -> routing -> destination options -> AH -> TCP */
	n += w8(p + n, 43);
	n += w8(p + n, 0);
	n += w8(p + n, 1); /* PadN */
	n += w8(p + n, 4);
	n += w32(p + n, 0);
	n += w8(p + n, 60);
	n += w8(p + n, 0);
	n += w8(p + n, 4); /* routing type 4 (SRH-like), segments left 0 */
	n += w8(p + n, 0);
	n += w32(p + n, 0);
	n += w8(p + n, 51);
	n += w8(p + n, 1); /* 16 bytes */
	n += w8(p + n, 1);
	n += w8(p + n, 12);
	for (int i = 0; i < 12; i++)
		n += w8(p + n, 0);
	n += w8(p + n, 6);
	n += w8(p + n, 4); /* AH: (4 + 2) * 4 = 24 bytes */
	n += w16(p + n, 0);
	n += w32(p + n, 0x1000); /* SPI */
	n += w32(p + n, 1);	 /* sequence */
	for (int i = 0; i < 12; i++)
		n += w8(p + n, 0xa5); /* ICV */
	n += wmem(p + n, seg, sn);
	expect_seg(LT_RAW, f, ip6(f, 0, p, n), 1, "IPv6 ext headers");

	/* An extension header longer than the packet. */
	n = 0;
	n += w8(p + n, 6);
	n += w8(p + n, 200);
	n += w8(p + n, 1);
	n += w8(p + n, 4);
	n += w32(p + n, 0);
	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, ip6(f, 0, p, n)), DEC_BAD);
	CHECK_EQ_INT(ST.malformed, 1);

	/* No next header (59): nothing to decode. */
	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, ip6(f, 59, p, 0)), DEC_SKIP);
	CHECK_EQ_INT(ST.malformed, 0);
}

/* ---- fragments ---- */

/* The fragment datagram: a TCP segment with a 40-byte payload. */
static const char FRAG_PL[] = "0123456789abcdefghijklmnopqrstuvwxyzABCD";

static size_t frag_seg(uint8_t *o, int v6)
{
	size_t n = tcp(o, FRAG_PL, 40, 0);
	csum_tcp(o, n, v6);
	return n;
}

static size_t frag4(uint8_t *f, const uint8_t *dg, uint16_t id, size_t off, size_t len, int more)
{
	return ip4x(f, 6, id, (uint16_t)((more ? 0x2000 : 0) | off / 8), dg + off, len, 0);
}

#define CHECK_FRAG_PAYLOAD()                                                                       \
	do {                                                                                       \
		CHECK_EQ_INT(OUT.tcp.payload.n, 40);                                               \
		CHECK(OUT.tcp.payload.n == 40 && memcmp(OUT.tcp.payload.p, FRAG_PL, 40) == 0);     \
		CHECK_EQ_INT(OUT.tcp.seq, SEQ);                                                    \
	} while (0)

static void test_frag4(void)
{
	uint8_t dg[128], f[256];
	size_t dn = frag_seg(dg, 0); /* 60 bytes: 24 + 24 + 12 */

	/* In order. */
	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, frag4(f, dg, 1, 0, 24, 1)), DEC_SKIP);
	CHECK_EQ_INT(dec(LT_RAW, f, frag4(f, dg, 1, 24, 24, 1)), DEC_SKIP);
	CHECK_EQ_INT(dec(LT_RAW, f, frag4(f, dg, 1, 48, 12, 0)), DEC_TCP);
	CHECK_FRAG_PAYLOAD();
	CHECK_EQ_INT(ST.frag_pieces, 3);
	CHECK_EQ_INT(ST.frag_reassembled, 1);
	CHECK_EQ_INT(ST.bad_tcp_csum, 0);
	CHECK_EQ_INT(ST.tcp, 1);
	CHECK_EQ_INT(dn, 60);
	keep(LT_RAW, f, frag4(f, dg, 1, 0, 24, 1), "frag first");

	/* Reversed. */
	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, frag4(f, dg, 2, 48, 12, 0)), DEC_SKIP);
	CHECK_EQ_INT(dec(LT_RAW, f, frag4(f, dg, 2, 24, 24, 1)), DEC_SKIP);
	CHECK_EQ_INT(dec(LT_RAW, f, frag4(f, dg, 2, 0, 24, 1)), DEC_TCP);
	CHECK_FRAG_PAYLOAD();
	CHECK_EQ_INT(ST.bad_tcp_csum, 0);
	keep(LT_RAW, f, frag4(f, dg, 2, 48, 12, 0), "frag last");

	/* Overlapping: a piece that differs where bytes are already held
	 * (the first copy wins) and adds bytes that were missing. */
	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, frag4(f, dg, 3, 0, 24, 1)), DEC_SKIP);
	{
		uint8_t bad[128];
		memcpy(bad, dg, dn);
		memset(bad + 16, 'X', 8); /* conflicts with the first piece */
		CHECK_EQ_INT(dec(LT_RAW, f, frag4(f, bad, 3, 16, 16, 1)), DEC_SKIP);
	}
	CHECK_EQ_INT(dec(LT_RAW, f, frag4(f, dg, 3, 48, 12, 0)), DEC_SKIP);
	CHECK_EQ_INT(dec(LT_RAW, f, frag4(f, dg, 3, 24, 24, 1)), DEC_TCP);
	CHECK_FRAG_PAYLOAD();
	CHECK_EQ_INT(ST.bad_tcp_csum, 0);
	CHECK_EQ_INT(ST.frag_pieces, 4);

	/* Pieces of different datagrams (id, addresses) do not mix. */
	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, frag4(f, dg, 4, 0, 24, 1)), DEC_SKIP);
	CHECK_EQ_INT(dec(LT_RAW, f, frag4(f, dg, 5, 24, 36, 0)), DEC_SKIP);
	CHECK_EQ_INT(ST.frag_reassembled, 0);
	CHECK_EQ_INT(dec(LT_RAW, f, frag4(f, dg, 4, 24, 36, 0)), DEC_TCP);
	CHECK_FRAG_PAYLOAD();

	/* A piece that arrives after the timeout starts over. */
	size_t n;
	fresh();
	n = frag4(f, dg, 6, 0, 24, 1);
	CHECK_EQ_INT(dec_at(LT_RAW, f, n, n, 0), DEC_SKIP);
	n = frag4(f, dg, 6, 24, 36, 0);
	CHECK_EQ_INT(dec_at(LT_RAW, f, n, n, 31000000000LL), DEC_SKIP);
	CHECK_EQ_INT(ST.frag_dropped, 1);
	CHECK_EQ_INT(ST.frag_reassembled, 0);

	/* Timestamps far apart (hostile pcapng offsets) must not overflow. */
	fresh();
	n = frag4(f, dg, 7, 0, 24, 1);
	CHECK_EQ_INT(dec_at(LT_RAW, f, n, n, INT64_MIN), DEC_SKIP);
	n = frag4(f, dg, 8, 0, 24, 1);
	CHECK_EQ_INT(dec_at(LT_RAW, f, n, n, INT64_MAX), DEC_SKIP);
	CHECK_EQ_INT(ST.frag_dropped, 1);
	n = frag4(f, dg, 9, 0, 24, 1);
	CHECK_EQ_INT(dec_at(LT_RAW, f, n, n, INT64_MIN), DEC_SKIP);

	/* At most 1024 datagrams wait for pieces: the oldest goes first. */
	fresh();
	for (unsigned id = 0; id < 1025; id++) {
		n = frag4(f, dg, (uint16_t)(1000 + id), 0, 24, 1);
		dec_at(LT_RAW, f, n, n, 1000);
	}
	CHECK_EQ_INT(ST.frag_dropped, 1);
	n = frag4(f, dg, 1000, 24, 36, 0); /* the oldest: gone */
	CHECK_EQ_INT(dec(LT_RAW, f, n), DEC_SKIP);
	n = frag4(f, dg, 2024, 24, 36, 0); /* the newest: still there */
	CHECK_EQ_INT(dec(LT_RAW, f, n), DEC_TCP);
	CHECK_FRAG_PAYLOAD();

	/* A fragment cut by the snaplen cannot be reassembled. */
	fresh();
	n = frag4(f, dg, 10, 0, 24, 1);
	CHECK_EQ_INT(dec_at(LT_RAW, f, n - 4, n, 1000), DEC_SKIP);
	CHECK_EQ_INT(ST.frag_dropped, 1);
	CHECK_EQ_INT(ST.snaplen_cut, 1);

	/* A fragment past 64 KiB is malformed. */
	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, ip4x(f, 6, 11, 0x2000 | 8190, dg, 24, 0)), DEC_SKIP);
	CHECK_EQ_INT(ST.malformed, 1);
}

static size_t frag6(uint8_t *f, const uint8_t *part, size_t len, unsigned nh, uint32_t id,
		    size_t off, int more)
{
	uint8_t p[256];
	size_t n = 0;
	n += w8(p + n, nh);
	n += w8(p + n, 0);
	n += w16(p + n, (unsigned)(off | (more ? 1 : 0)));
	n += w32(p + n, id);
	n += wmem(p + n, part, len);
	return ip6(f, 44, p, n);
}

static void test_frag6(void)
{
	uint8_t dg[128], f[256];
	frag_seg(dg, 1);

	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, frag6(f, dg + 32, 28, 6, 77, 32, 0)), DEC_SKIP);
	CHECK_EQ_INT(dec(LT_RAW, f, frag6(f, dg, 32, 6, 77, 0, 1)), DEC_TCP);
	CHECK_FRAG_PAYLOAD();
	CHECK_EQ_INT(OUT.tcp.src.family, 6);
	CHECK_EQ_INT(ST.frag_reassembled, 1);
	CHECK_EQ_INT(ST.bad_tcp_csum, 0);
	keep(LT_RAW, f, frag6(f, dg, 32, 6, 77, 0, 1), "frag6 first");

	/* An atomic fragment (offset 0, no more) is just the packet. */
	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, frag6(f, dg, 60, 6, 78, 0, 0)), DEC_TCP);
	CHECK_FRAG_PAYLOAD();
	CHECK_EQ_INT(ST.frag_pieces, 0);

	/* Destination options after the fragment header belong to the
	 * fragmentable part: offsets count from them (RFC 8200 §4.5). */
	{
		uint8_t fp[160];
		size_t n = 0;
		n += w8(fp + n, 6);
		n += w8(fp + n, 0);
		n += w8(fp + n, 1);
		n += w8(fp + n, 4);
		n += w32(fp + n, 0);
		n += wmem(fp + n, dg, 60); /* 68 bytes: 32 + 36 */
		fresh();
		CHECK_EQ_INT(dec(LT_RAW, f, frag6(f, fp, 32, 60, 79, 0, 1)), DEC_SKIP);
		CHECK_EQ_INT(dec(LT_RAW, f, frag6(f, fp + 32, 36, 60, 79, 32, 0)), DEC_TCP);
		CHECK_FRAG_PAYLOAD();
		CHECK_EQ_INT(ST.bad_tcp_csum, 0);
		CHECK_EQ_INT(ST.malformed, 0);
	}
}

/* ---- checksums, cuts, malformed headers, jumbo sizes ---- */

static void test_checks(void)
{
	uint8_t ip[256], f[512];
	size_t n4 = ip4tcp(ip), n;

	/* Bad IP checksum: decoded anyway, counted. */
	memcpy(f, ip, n4);
	f[10] ^= 0xff;
	fresh();
	CHECK_SEG(dec(LT_RAW, f, n4), 0);
	CHECK_EQ_INT(ST.bad_ip_csum, 1);
	CHECK_EQ_INT(ST.bad_tcp_csum, 0);
	/* Bad TCP checksum: same. */
	memcpy(f, ip, n4);
	f[20 + 16] ^= 0xff;
	fresh();
	CHECK_SEG(dec(LT_RAW, f, n4), 0);
	CHECK_EQ_INT(ST.bad_tcp_csum, 1);
	CHECK_EQ_INT(ST.bad_ip_csum, 0);
	/* IPv6 TCP checksum (no IP checksum there). */
	n = ip6tcp(f);
	f[40 + 16] ^= 0x01;
	fresh();
	CHECK_SEG(dec(LT_RAW, f, n), 1);
	CHECK_EQ_INT(ST.bad_tcp_csum, 1);

	/* TCP options are skipped. */
	{
		uint8_t seg[128];
		size_t sn = tcp(seg, PAYLOAD, PLEN, 12);
		csum_tcp(seg, sn, 0);
		expect_seg(LT_RAW, f, ip4(f, 6, seg, sn), 0, "TCP options");
	}

	/* Snaplen cut inside the payload: what is there, and how much was. */
	n = eth(f, 0x0800, ip, n4);
	fresh();
	CHECK_EQ_INT(dec_at(LT_ETHERNET, f, n - 5, n, 1000), DEC_TCP);
	CHECK_EQ_INT(OUT.tcp.payload.n, PLEN - 5);
	CHECK_EQ_INT(OUT.tcp.wire_len, PLEN);
	CHECK(memcmp(OUT.tcp.payload.p, PAYLOAD, PLEN - 5) == 0);
	CHECK_EQ_INT(ST.snaplen_cut, 1);
	CHECK_EQ_INT(ST.bad_tcp_csum, 0); /* cannot be checked */
	/* ... inside the TCP header, and inside the IP header: skipped. */
	fresh();
	CHECK_EQ_INT(dec_at(LT_ETHERNET, f, 14 + 20 + 10, n, 1000), DEC_SKIP);
	CHECK_EQ_INT(ST.snaplen_cut, 1);
	CHECK_EQ_INT(ST.malformed, 0);
	fresh();
	CHECK_EQ_INT(dec_at(LT_ETHERNET, f, 14 + 10, n, 1000), DEC_SKIP);
	CHECK_EQ_INT(ST.snaplen_cut, 1);
	CHECK_EQ_INT(ST.malformed, 0);
	fresh();
	CHECK_EQ_INT(dec_at(LT_ETHERNET, f, 10, n, 1000), DEC_SKIP);
	CHECK_EQ_INT(ST.malformed, 0);

	/* IHL < 5. */
	memcpy(f, ip, n4);
	f[0] = 0x44;
	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, n4), DEC_BAD);
	CHECK_EQ_INT(ST.malformed, 1);
	/* IHL past the packet. */
	memcpy(f, ip, n4);
	f[0] = 0x4f;
	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, 40), DEC_BAD);
	/* Total length < IHL. */
	memcpy(f, ip, n4);
	w16(f + 2, 12);
	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, n4), DEC_BAD);
	CHECK_EQ_INT(ST.malformed, 1);
	/* Total length between IHL and the TCP header. */
	memcpy(f, ip, n4);
	w16(f + 2, 30);
	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, n4), DEC_BAD);
	/* TCP data offset < 5. */
	memcpy(f, ip, n4);
	f[20 + 12] = 0x40;
	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, n4), DEC_BAD);
	CHECK_EQ_INT(ST.malformed, 1);
	/* TCP data offset past the segment. */
	memcpy(f, ip, n4);
	f[20 + 12] = 0xf0;
	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, n4), DEC_BAD);
	/* IP total length past the frame, frame not cut: decoded as far as it
	 * goes; the rest is missing like a cut. */
	memcpy(f, ip, n4);
	w16(f + 2, (unsigned)n4 + 100);
	fresh();
	CHECK_EQ_INT(dec(LT_RAW, f, n4), DEC_TCP);
	CHECK_EQ_INT(OUT.tcp.payload.n, PLEN);
	CHECK_EQ_INT(OUT.tcp.wire_len, PLEN + 100);

	/* TSO: IPv4 total length 0, the captured bytes are the packet. */
	memcpy(f, ip, n4);
	w16(f + 2, 0);
	w16(f + 10, 0);
	w16(f + 10, fold(sum16(f, 20, 0)));
	fresh();
	CHECK_SEG(dec(LT_RAW, f, n4), 0);
	CHECK_EQ_INT(ST.malformed, 0);

	/* IPv6 payload length 0 with more than 64 KiB captured (BIG TCP). */
	{
		static uint8_t big[70000 + 100], seg[70000 + 40];
		static char pl[70000];
		memset(pl, 'b', sizeof pl);
		size_t sn = tcp(seg, pl, sizeof pl, 0);
		csum_tcp(seg, sn, 1);
		size_t bn = ip6(big, 6, seg, sn);
		w16(big + 4, 0);
		fresh();
		CHECK_EQ_INT(dec(LT_RAW, big, bn), DEC_TCP);
		CHECK_EQ_INT(OUT.tcp.payload.n, sizeof pl);
		CHECK_EQ_INT(OUT.tcp.wire_len, sizeof pl);
		CHECK_EQ_INT(ST.malformed, 0);
	}
}

/* ---- DNS ---- */

static size_t dns_frame(uint8_t *f, const uint8_t *msg, size_t mn, unsigned sport)
{
	uint8_t u[1024], ip[1100];
	size_t n = 0;
	n += w16(u + n, sport);
	n += w16(u + n, 40000);
	n += w16(u + n, (unsigned)(8 + mn));
	n += w16(u + n, 0);
	n += wmem(u + n, msg, mn);
	return eth(f, 0x0800, ip, ip4(ip, 17, u, n));
}

static size_t dns_q(uint8_t *m, unsigned an)
{
	size_t n = 0;
	n += w16(m + n, 0x1234);
	n += w16(m + n, 0x8180);
	n += w16(m + n, 1);
	n += w16(m + n, an);
	n += w16(m + n, 0);
	n += w16(m + n, 0);
	n += wmem(m + n, "\007example\003com\000", 13);
	n += w16(m + n, 1);
	n += w16(m + n, 1);
	return n;
}

static void test_dns(void)
{
	static const uint8_t a4[4] = { 93, 184, 216, 34 };
	static const uint8_t a6[16] = { 0x26, 0x06, 0x28, 0x00, 0x02, 0x20, 0x00, 0x01,
					0x02, 0x48, 0x18, 0x93, 0x25, 0xc8, 0x19, 0x46 };
	uint8_t m[512], f[1200];
	size_t n = dns_q(m, 4);
	/* CNAME www.example.com (compressed in RDATA), then A, AAAA, and an
	 * MX that is not an address. Answer names are pointers to 12. */
	n += w16(m + n, 0xc00c);
	n += w16(m + n, 5);
	n += w16(m + n, 1);
	n += w32(m + n, 300);
	n += w16(m + n, 6);
	n += wmem(m + n, "\003www\300\014", 6);
	n += w16(m + n, 0xc00c);
	n += w16(m + n, 1);
	n += w16(m + n, 1);
	n += w32(m + n, 300);
	n += w16(m + n, 4);
	n += wmem(m + n, a4, 4);
	/* Name: "www" + pointer into the CNAME's RDATA (which points on). */
	n += wmem(m + n, "\003www\300\014", 6);
	n += w16(m + n, 28);
	n += w16(m + n, 1);
	n += w32(m + n, 300);
	n += w16(m + n, 16);
	n += wmem(m + n, a6, 16);
	n += w16(m + n, 0xc00c);
	n += w16(m + n, 15);
	n += w16(m + n, 1);
	n += w32(m + n, 300);
	n += w16(m + n, 4);
	n += w32(m + n, 0x000a0000);
	size_t fn = dns_frame(f, m, n, 53);
	fresh();
	CHECK_EQ_INT(dec(LT_ETHERNET, f, fn), DEC_DNS);
	CHECK_EQ_INT(OUT.n_dns, 2);
	CHECK_EQ_INT(ST.dns_answers, 2);
	CHECK_EQ_INT(OUT.dns[0].family, 4);
	CHECK(memcmp(OUT.dns[0].addr, a4, 4) == 0);
	CHECK_EQ_STR(OUT.dns[0].name, "example.com");
	CHECK_EQ_INT(OUT.dns[0].frame, 7);
	CHECK_EQ_INT(OUT.dns[0].ts_ns, 1000);
	CHECK_EQ_INT(OUT.dns[1].family, 6);
	CHECK(memcmp(OUT.dns[1].addr, a6, 16) == 0);
	CHECK_EQ_STR(OUT.dns[1].name, "example.com");
	keep(LT_ETHERNET, f, fn, "dns");
	/* mDNS port too; and a query (QR clear) is ignored. */
	fresh();
	CHECK_EQ_INT(dec(LT_ETHERNET, f, dns_frame(f, m, n, 5353)), DEC_DNS);
	m[2] &= 0x7f;
	fresh();
	CHECK_EQ_INT(dec(LT_ETHERNET, f, dns_frame(f, m, n, 53)), DEC_UDP);
	CHECK_EQ_INT(ST.dns_answers, 0);
	m[2] |= 0x80;

	/* RDLENGTH past the message: the answers before it still count. */
	{
		uint8_t m2[512];
		size_t k = dns_q(m2, 2);
		k += w16(m2 + k, 0xc00c);
		k += w16(m2 + k, 1);
		k += w16(m2 + k, 1);
		k += w32(m2 + k, 300);
		k += w16(m2 + k, 4);
		k += wmem(m2 + k, a4, 4);
		k += w16(m2 + k, 0xc00c);
		k += w16(m2 + k, 1);
		k += w16(m2 + k, 1);
		k += w32(m2 + k, 300);
		k += w16(m2 + k, 40);
		k += wmem(m2 + k, a4, 4);
		fresh();
		CHECK_EQ_INT(dec(LT_ETHERNET, f, dns_frame(f, m2, k, 53)), DEC_DNS);
		CHECK_EQ_INT(OUT.n_dns, 1);
		/* More answers announced than present. */
		w16(m2 + 6, 60000);
		fresh();
		CHECK_EQ_INT(dec(LT_ETHERNET, f, dns_frame(f, m2, k, 53)), DEC_DNS);
		CHECK_EQ_INT(OUT.n_dns, 1);
	}

	/* Compression loops end (and the frame is just skipped). */
	{
		uint8_t m3[512];
		size_t k = dns_q(m3, 1);
		size_t at = k;
		k += w16(m3 + k, 0xc000 | (unsigned)at); /* points at itself */
		k += w16(m3 + k, 1);
		k += w16(m3 + k, 1);
		k += w32(m3 + k, 300);
		k += w16(m3 + k, 4);
		k += wmem(m3 + k, a4, 4);
		fresh();
		CHECK_EQ_INT(dec(LT_ETHERNET, f, dns_frame(f, m3, k, 53)), DEC_UDP);
		CHECK_EQ_INT(OUT.n_dns, 0);
		keep(LT_ETHERNET, f, dns_frame(f, m3, k, 53), "dns loop");
		/* Two pointers at each other, one label between them. */
		k = dns_q(m3, 1);
		at = k;
		k += wmem(m3 + k, "\001a", 2);
		k += w16(m3 + k, 0xc000 | (unsigned)(at + 4));
		k += w16(m3 + k, 0xc000 | (unsigned)at);
		fresh();
		CHECK_EQ_INT(dec(LT_ETHERNET, f, dns_frame(f, m3, k, 53)), DEC_UDP);
		/* The question name itself a loop. */
		memcpy(m3, m, 12);
		w16(m3 + 12, 0xc00c);
		fresh();
		CHECK_EQ_INT(dec(LT_ETHERNET, f, dns_frame(f, m3, 30, 53)), DEC_UDP);
		/* A name longer than 255 bytes (pointer chain of 63-byte labels). */
		k = dns_q(m3, 1);
		for (int i = 0; i < 5; i++) {
			k += w8(m3 + k, 63);
			memset(m3 + k, 'x', 63);
			k += 63;
		}
		k += w8(m3 + k, 0);
		fresh();
		CHECK_EQ_INT(dec(LT_ETHERNET, f, dns_frame(f, m3, k, 53)), DEC_UDP);
	}
}

/* ---- endpoints ---- */

static void test_endpoints(void)
{
	struct endpoint a = { 0 }, b = { 0 };
	char buf[80];
	a.family = 4;
	memcpy(a.addr, SRC4, 4);
	a.port = 443;
	CHECK_EQ_STR(endpoint_str(&a, buf, sizeof buf), "192.0.2.1:443");
	CHECK_EQ_STR(endpoint_addr_str(&a, buf, sizeof buf), "192.0.2.1");
	b.family = 6;
	memcpy(b.addr, SRC6, 16);
	b.port = 8443;
	CHECK_EQ_STR(endpoint_str(&b, buf, sizeof buf), "[2001:db8::1]:8443");
	CHECK(!endpoint_eq(&a, &b));
	b = a;
	b.addr[10] = 9; /* past the IPv4 bytes: ignored */
	CHECK(endpoint_eq(&a, &b));
	b.port = 444;
	CHECK(!endpoint_eq(&a, &b));
}

/* ---- hostile sweep ---- */

static void sweep(void)
{
	static const int lts[] = { LT_NULL, LT_ETHERNET, LT_RAW,	LT_LOOP,      LT_LINUX_SLL,
				   LT_IPV4, LT_IPV6,	 LT_LINUX_SLL2, LT_RAW_DLT12, LT_RAW_DLT14 };
	/* Empty frames: malformed (not a cut), never a segment. */
	for (size_t i = 0; i < sizeof lts / sizeof lts[0]; i++) {
		fresh();
		CHECK_EQ_INT(dec(lts[i], NULL, 0), DEC_BAD);
		CHECK_EQ_INT(ST.malformed, 1);
		/* ... and empty but cut: skipped. */
		CHECK_EQ_INT(dec_at(lts[i], NULL, 0, 60, 0), DEC_SKIP);
	}
	/* Every kept frame at every shorter length, both ways. */
	size_t bad = 0;
	for (size_t k = 0; k < NKEPT; k++) {
		for (size_t len = 0; len < KEPT[k].n; len++) {
			for (int cut = 0; cut < 2; cut++) {
				fresh();
				enum decode_result r = dec_at(KEPT[k].lt, KEPT[k].f, len,
							      cut ? KEPT[k].n : len, 0);
				if (r == DEC_TCP) {
					const struct tcp_seg *s = &OUT.tcp;
					/* Spans stay inside the frame (no fragments here:
					 * one piece never completes a datagram). */
					if (s->payload.n > s->wire_len ||
					    (s->payload.n &&
					     (s->payload.p < COPY ||
					      (size_t)(s->payload.p - COPY) + s->payload.n > len)))
						bad++;
					if (!cut && s->payload.n == s->wire_len &&
					    len < KEPT[k].n && ST.snaplen_cut == 0)
						bad++;
				}
				if (r == DEC_UDP) {
					const struct udp_dgram *u = &OUT.udp;
					if (u->payload.n > u->wire_len ||
					    (u->payload.n &&
					     (u->payload.p < COPY ||
					      (size_t)(u->payload.p - COPY) + u->payload.n > len)))
						bad++;
				}
				if (r != DEC_TCP && r != DEC_SKIP && r != DEC_BAD && r != DEC_DNS &&
				    r != DEC_UDP)
					bad++;
				if (cut && r == DEC_BAD)
					bad++; /* a cut is never malformed */
			}
		}
		/* One byte short: the result for the full frame must not repeat
		 * with all bytes present (it lost its last payload byte). */
		fresh();
		enum decode_result full = dec(KEPT[k].lt, KEPT[k].f, KEPT[k].n);
		if (full == DEC_TCP) {
			fresh();
			dec_at(KEPT[k].lt, KEPT[k].f, KEPT[k].n - 1, KEPT[k].n, 0);
			CHECK(OUT.tcp.payload.n + 1 == OUT.tcp.wire_len);
		}
	}
	CHECK_EQ_INT(bad, 0);
	CHECK(NKEPT > 40);
}

/* UDP (issue 14: DTLS): any datagram but a DNS answer or VXLAN comes out
 * whole, with its endpoints; a length the header cannot have is bad; a
 * cut datagram is as long as it goes. */
static size_t udp_frame(uint8_t *f, unsigned sp, unsigned dp, const void *pl, size_t n,
			unsigned ulen, int v6)
{
	uint8_t u[512], ip[600];
	size_t k = 0;
	k += w16(u + k, sp);
	k += w16(u + k, dp);
	k += w16(u + k, ulen);
	k += w16(u + k, 0);
	k += wmem(u + k, pl, n);
	return v6 ? eth(f, 0x86dd, ip, ip6(ip, 17, u, k)) : eth(f, 0x0800, ip, ip4(ip, 17, u, k));
}

static void test_udp(void)
{
	uint8_t f[700];
	size_t n = udp_frame(f, 5000, 4433, "\x16\xfe\xfd", 3, 11, 0);
	fresh();
	CHECK_EQ_INT(dec(LT_ETHERNET, f, n), DEC_UDP);
	CHECK_EQ_INT(OUT.udp.src.family, 4);
	CHECK(memcmp(OUT.udp.src.addr, SRC4, 4) == 0);
	CHECK(memcmp(OUT.udp.dst.addr, DST4, 4) == 0);
	CHECK_EQ_INT(OUT.udp.src.port, 5000);
	CHECK_EQ_INT(OUT.udp.dst.port, 4433);
	CHECK_EQ_INT(OUT.udp.payload.n, 3);
	CHECK_EQ_INT(OUT.udp.wire_len, 3);
	CHECK(memcmp(OUT.udp.payload.p, "\x16\xfe\xfd", 3) == 0);
	CHECK_EQ_INT(OUT.udp.frame, 7);
	CHECK_EQ_INT(ST.udp, 1);
	keep(LT_ETHERNET, f, n, "udp");
	/* IPv6 */
	n = udp_frame(f, 5000, 4433, "ab", 2, 10, 1);
	CHECK_EQ_INT(dec(LT_ETHERNET, f, n), DEC_UDP);
	CHECK_EQ_INT(OUT.udp.src.family, 6);
	CHECK(memcmp(OUT.udp.dst.addr, DST6, 16) == 0);
	CHECK_EQ_INT(OUT.udp.payload.n, 2);
	keep(LT_ETHERNET, f, n, "udp6");
	/* the UDP length shorter than the datagram: the rest is padding */
	n = udp_frame(f, 5000, 4433, "abcdef", 6, 10, 0);
	CHECK_EQ_INT(dec(LT_ETHERNET, f, n), DEC_UDP);
	CHECK_EQ_INT(OUT.udp.payload.n, 2);
	/* lengths it cannot have */
	fresh();
	n = udp_frame(f, 5000, 4433, "abc", 3, 7, 0);
	CHECK_EQ_INT(dec(LT_ETHERNET, f, n), DEC_BAD);
	n = udp_frame(f, 5000, 4433, "abc", 3, 12, 0);
	CHECK_EQ_INT(dec(LT_ETHERNET, f, n), DEC_BAD);
	CHECK_EQ_INT(ST.malformed, 2);
	/* cut by the snaplen: what was captured, and counted */
	fresh();
	n = udp_frame(f, 5000, 4433, "abcdef", 6, 14, 0);
	CHECK_EQ_INT(dec_at(LT_ETHERNET, f, n - 2, n, 0), DEC_UDP);
	CHECK_EQ_INT(OUT.udp.payload.n, 4);
	CHECK_EQ_INT(OUT.udp.wire_len, 6);
	CHECK_EQ_INT(ST.snaplen_cut, 1);
	/* a DNS query (not an answer) on port 53 is a datagram like any other */
	n = udp_frame(f, 53, 4433, "abc", 3, 11, 0);
	CHECK_EQ_INT(dec(LT_ETHERNET, f, n), DEC_UDP);
}

/* Issue 14: a frame whose capture is short only of its link-layer
 * trailer (the 4-byte Ethernet FCS, or padding after a small datagram)
 * lost nothing: the IP datagram is whole. A frame cut inside the
 * datagram is a real snaplen cut. */
static void test_trailer_cut(void)
{
	uint8_t f[256], ipb[200];
	size_t in = ip4tcp(ipb), n = eth(f, 0x0800, ipb, in);
	fresh();
	CHECK_SEG(dec_at(LT_ETHERNET, f, n, n + 4, 1000), 0); /* FCS not captured */
	CHECK_EQ_INT(OUT.trailer_cut, 1);
	CHECK_EQ_INT(OUT.tcp.payload.n, OUT.tcp.wire_len);
	CHECK_EQ_INT(ST.snaplen_cut, 0);
	/* padding to 60 bytes captured in part, FCS not at all */
	uint8_t pad[256];
	memcpy(pad, f, n);
	memset(pad + n, 0, 8);
	CHECK_SEG(dec_at(LT_ETHERNET, pad, n + 2, n + 8 + 4, 1000), 0);
	CHECK_EQ_INT(OUT.trailer_cut, 1);
	/* cut one byte inside the TCP payload: not a trailer */
	CHECK_EQ_INT(dec_at(LT_ETHERNET, f, n - 1, n + 4, 1000), DEC_TCP);
	CHECK_EQ_INT(OUT.trailer_cut, 0);
	CHECK_EQ_INT(ST.snaplen_cut, 1);
	/* whole frame: not a cut at all */
	CHECK_SEG(dec(LT_ETHERNET, f, n), 0);
	CHECK_EQ_INT(OUT.trailer_cut, 0);
	/* IPv6 too */
	in = ip6tcp(ipb);
	n = eth(f, 0x86dd, ipb, in);
	CHECK_SEG(dec_at(LT_ETHERNET, f, n, n + 4, 1000), 1);
	CHECK_EQ_INT(OUT.trailer_cut, 1);
	CHECK_EQ_INT(dec_at(LT_ETHERNET, f, n - 3, n + 4, 1000), DEC_TCP);
	CHECK_EQ_INT(OUT.trailer_cut, 0);
}

int main(void)
{
	test_links();
	test_tunnels();
	test_ipv6_ext();
	test_frag4();
	test_frag6();
	test_checks();
	test_dns();
	test_endpoints();
	test_udp();
	test_trailer_cut();
	sweep();
	for (size_t k = 0; k < NKEPT; k++)
		free(KEPT[k].f);
	free(COPY);
	decoder_free(D);
	return t_done("decode");
}

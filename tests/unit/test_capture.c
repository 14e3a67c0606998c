/*
 * Unit tests for capture/capture.c (the loop from any packet source into
 * the flow table) and capture/filter.c (BPF on packets we read ourselves):
 *
 *  - capture_pump over a scripted source: SRC_AGAIN hands control back,
 *    max_packets bounds one call, the end is reported with the source's
 *    message, the tap hook sees exactly the packets the filter kept;
 *  - pkt_filter on hand-built frames of several link types (Ethernet,
 *    LINKTYPE_RAW 101 which libpcap calls DLT_RAW 12, SLL2), snaplen-cut
 *    frames, a link type the expression cannot compile for, bad
 *    expressions;
 *  - capture_run_file with a filter over the capture corpus: frame numbers
 *    unchanged, filtered packets counted, and the stop when the filter
 *    cannot be applied to an interface's link type.
 */
#include "capture/capture.h"
#include "tests/unit/bb.h"
#include "tests/unit/t.h"

#include <stdlib.h>
#include <string.h>

/* ---- frames ---- */

/* IPv4 + TCP header (20 + 20) with `plen` payload bytes 'x'. */
static void ip_tcp(struct bb *b, uint16_t sport, uint16_t dport, size_t plen)
{
	put8(b, 0x45);
	put8(b, 0);
	put16(b, (unsigned)(40 + plen));
	put16(b, 1);
	put16(b, 0x4000);
	put8(b, 64);
	put8(b, 6);
	put16(b, 0); /* checksum: not checked by a filter */
	putn(b, "\x0a\x00\x00\x01", 4);
	putn(b, "\x0a\x00\x00\x02", 4);
	put16(b, sport);
	put16(b, dport);
	put16(b, 0);
	put16(b, 1); /* seq */
	put16(b, 0);
	put16(b, 0); /* ack */
	put8(b, 0x50);
	put8(b, 0x18); /* PSH ACK */
	put16(b, 65535);
	put16(b, 0);
	put16(b, 0);
	fill(b, 'x', plen);
}

static void eth(struct bb *b)
{
	putn(b, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	put16(b, 0x0800);
}

static void sll2(struct bb *b)
{
	put16(b, 0x0800); /* protocol */
	put16(b, 0);	  /* reserved */
	put16(b, 0);
	put16(b, 1); /* ifindex */
	put16(b, 1); /* ARPHRD_ETHER */
	put8(b, 4);  /* outgoing */
	put8(b, 6);
	putn(b, "\x02\x00\x00\x00\x00\x01\x00\x00", 8);
}

static struct pkt mkpkt(const struct bb *b, int lt, uint64_t frame)
{
	struct pkt p;
	memset(&p, 0, sizeof p);
	p.frame = frame;
	p.ts_ns = 1700000000LL * 1000000000 + (int64_t)frame;
	p.caplen = p.origlen = (uint32_t)b->n;
	p.linktype = lt;
	p.data = b->p;
	return p;
}

static void test_filter(void)
{
	char err[512];
	CHECK(pkt_filter_new("port 99999", err, sizeof err) == NULL);
	CHECK(strstr(err, "99999") != NULL);
	CHECK(pkt_filter_new("tcp and", err, sizeof err) == NULL);
	CHECK(err[0] != 0);
	struct pkt_filter *any = pkt_filter_new("", err, sizeof err); /* tcpdump: everything */
	CHECK(any != NULL);
	pkt_filter_free(any);

	struct pkt_filter *f = pkt_filter_new("tcp port 7001", err, sizeof err);
	CHECK(f != NULL);
	if (f == NULL)
		return;
	CHECK_EQ_STR(pkt_filter_expr(f), "tcp port 7001");
	struct bb e = { 0 }, r = { 0 }, s = { 0 }, o = { 0 };
	eth(&e);
	ip_tcp(&e, 51000, 7001, 10);
	ip_tcp(&r, 7001, 51000, 10);
	sll2(&s);
	ip_tcp(&s, 51000, 7001, 0);
	eth(&o);
	ip_tcp(&o, 51000, 443, 10);

	/* The same bytes on another link type are another program; raw IP
	 * bytes read as Ethernet carry no port 7001 where it looks. */
	const struct {
		const struct bb *frame;
		int linktype, want;
	} cases[] = {
		{ &e, LT_ETHERNET, 1 },	 { &o, LT_ETHERNET, 0 }, { &r, LT_RAW, 1 },
		{ &r, LT_RAW_DLT12, 1 }, { &r, LT_IPV4, 1 },	 { &s, LT_LINUX_SLL2, 1 },
		{ &r, LT_ETHERNET, 0 },
	};
	struct pkt p;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		p = mkpkt(cases[i].frame, cases[i].linktype, i + 1);
		CHECK_EQ_INT(pkt_filter_match(f, &p), cases[i].want);
	}
	/* Snaplen cut before the TCP ports: rejected, nothing read beyond. */
	p = mkpkt(&e, LT_ETHERNET, 8);
	p.caplen = 14 + 20 + 1;
	CHECK_EQ_INT(pkt_filter_match(f, &p), 0);
	p.caplen = 0;
	CHECK_EQ_INT(pkt_filter_match(f, &p), 0);
	/* Cut after them: still accepted. */
	p = mkpkt(&e, LT_ETHERNET, 9);
	p.caplen = 14 + 20 + 4;
	CHECK_EQ_INT(pkt_filter_match(f, &p), 1);
	CHECK_EQ_STR(pkt_filter_message(f), "");
	pkt_filter_free(f);

	/* An expression that compiles on Ethernet but not on raw IP. */
	f = pkt_filter_new("vlan and tcp", err, sizeof err);
	CHECK(f != NULL);
	if (f) {
		p = mkpkt(&e, LT_ETHERNET, 1);
		CHECK_EQ_INT(pkt_filter_match(f, &p), 0);
		p = mkpkt(&r, LT_RAW, 2);
		CHECK_EQ_INT(pkt_filter_match(f, &p), -1);
		CHECK(strstr(pkt_filter_message(f), "link type 101 (RAW)") != NULL);
		CHECK(strstr(pkt_filter_message(f), "vlan and tcp") != NULL);
		CHECK_EQ_INT(pkt_filter_match(f, &p), -1); /* and stays so */
		p = mkpkt(&e, LT_ETHERNET, 3);
		CHECK_EQ_INT(pkt_filter_match(f, &p), 0);
		pkt_filter_free(f);
	}
	/* Compiles on Linux cooked capture v2 only (an interface index):
	 * accepted, since such a capture may come. */
	f = pkt_filter_new("ifindex 1", err, sizeof err);
	CHECK(f != NULL);
	if (f) {
		p = mkpkt(&s, LT_LINUX_SLL2, 1);
		CHECK_EQ_INT(pkt_filter_match(f, &p), 1);
		pkt_filter_free(f);
	}
	pkt_filter_free(NULL);
	CHECK_EQ_INT(dlt_of_linktype(LT_RAW), 12);
	CHECK_EQ_INT(linktype_of_dlt(12), LT_RAW);
	CHECK_EQ_INT(dlt_of_linktype(LT_LINUX_SLL2), 276);
	bb_free(&e);
	bb_free(&r);
	bb_free(&s);
	bb_free(&o);
}

/* ---- a scripted source ---- */

struct script {
	const char *steps; /* 'p' a packet, 'a' SRC_AGAIN, 'e' SRC_EOF, 'x' SRC_ERROR */
	size_t at;
	struct bb frame7001, frame443;
	uint64_t frame;
	int closed;
	int last_timeout;
};

static enum src_status script_next(void *impl, struct pkt *out, int timeout_ms)
{
	struct script *s = impl;
	s->last_timeout = timeout_ms;
	char c = s->steps[s->at];
	if (c == 0 || c == 'e')
		return SRC_EOF;
	if (c == 'x')
		return SRC_ERROR;
	s->at++;
	if (c == 'a')
		return SRC_AGAIN;
	s->frame++;
	*out = mkpkt(c == 'p' ? &s->frame7001 : &s->frame443, LT_ETHERNET, s->frame);
	return SRC_OK;
}

static const char *script_message(const void *impl)
{
	const struct script *s = impl;
	return s->steps[s->at] == 'x' ? "scripted failure" : "";
}

static uint32_t script_snaplen(const void *impl, uint32_t ifindex)
{
	(void)impl;
	(void)ifindex;
	return 1000;
}

static void script_stats(void *impl, struct pkt_source_stats *st)
{
	struct script *s = impl;
	memset(st, 0, sizeof *st);
	st->packets = s->frame;
}

static void script_close(void *impl)
{
	struct script *s = impl;
	s->closed++;
}

static const struct pkt_source_ops script_ops = {
	script_next, script_message, script_snaplen, script_stats, script_close,
};

struct tap {
	uint64_t frames[64];
	size_t n;
};

static void tap_packet(void *ctx, const struct pkt *p)
{
	struct tap *t = ctx;
	if (t->n < 64)
		t->frames[t->n++] = p->frame;
}

static void test_pump(void)
{
	struct script sc;
	memset(&sc, 0, sizeof sc);
	/* p: port 7001, q: port 443 */
	sc.steps = "pqapppqqaapx";
	eth(&sc.frame7001);
	ip_tcp(&sc.frame7001, 51000, 7001, 5);
	eth(&sc.frame443);
	ip_tcp(&sc.frame443, 51001, 443, 5);
	struct pkt_source src = { &script_ops, &sc };

	char err[512];
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	struct tcp_handler h = { 0 };
	struct tcp_table *t = tcp_table_new(&cfg, &h);
	struct tap tap = { { 0 }, 0 };
	struct capture_hooks hooks = { 0 };
	hooks.ctx = &tap;
	hooks.packet = tap_packet;
	hooks.filter = pkt_filter_new("port 7001", err, sizeof err);
	CHECK(hooks.filter != NULL);
	struct capture_result res;
	memset(&res, 0, sizeof res);
	struct capture *c = capture_new(t, &hooks, &res);

	CHECK_EQ_INT(capture_pump(c, &src, 250, 100), SRC_AGAIN); /* p q a */
	CHECK_EQ_INT(sc.last_timeout, 250);
	CHECK_EQ_INT(res.packets, 2);
	CHECK_EQ_INT(res.filtered_out, 1);
	CHECK_EQ_INT(capture_pump(c, &src, 0, 2), SRC_OK); /* p p: max_packets */
	CHECK_EQ_INT(res.packets, 4);
	CHECK_EQ_INT(capture_pump(c, &src, 0, 100), SRC_AGAIN); /* p q q a */
	CHECK_EQ_INT(capture_pump(c, &src, 0, 100), SRC_AGAIN); /* a */
	CHECK_EQ_INT(res.status, SRC_OK);
	CHECK_EQ_INT(capture_pump(c, &src, 0, 100), SRC_ERROR); /* p x */
	CHECK_EQ_INT(res.status, SRC_ERROR);
	CHECK_EQ_STR(res.message, "scripted failure");
	CHECK_EQ_INT(res.packets, 8);
	CHECK_EQ_INT(res.filtered_out, 3);
	CHECK_EQ_INT(res.snaplen, 1000);
	CHECK_EQ_INT(res.nlinktypes, 1);
	/* The tap saw the kept packets, in order, before decoding. */
	CHECK_EQ_INT(tap.n, 5);
	const uint64_t want[] = { 1, 3, 4, 5, 8 };
	for (size_t i = 0; i < 5 && i < tap.n; i++)
		CHECK_EQ_INT(tap.frames[i], want[i]);
	CHECK_EQ_INT(res.dec.tcp, 5);
	CHECK_EQ_INT(tcp_table_stats(t)->flows, 1);
	capture_free(c);
	pkt_source_close(&src);
	CHECK_EQ_INT(sc.closed, 1);
	CHECK(src.ops == NULL);
	pkt_source_close(&src); /* a zeroed source */
	pkt_filter_free(hooks.filter);
	tcp_table_free(t);
	bb_free(&sc.frame7001);
	bb_free(&sc.frame443);
}

/* ---- files ---- */

static void test_files(void)
{
	char path[1024], err[512];
	const char *top = getenv("top_srcdir");
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	struct tcp_handler h = { 0 };

	snprintf(path, sizeof path, "%s/tests/captures/capture/pcapng_two_linktypes.pcapng",
		 top ? top : ".");
	struct capture_result all, some;
	struct tcp_table *t = tcp_table_new(&cfg, &h);
	CHECK_EQ_INT(capture_run_file(path, t, NULL, &all), 0);
	tcp_table_free(t);
	CHECK_EQ_INT(all.status, SRC_EOF);
	CHECK(all.packets > 4);

	struct capture_hooks hooks = { 0 };
	struct tap tap = { { 0 }, 0 };
	hooks.ctx = &tap;
	hooks.packet = tap_packet;
	hooks.filter = pkt_filter_new("tcp port 8443", err, sizeof err);
	t = tcp_table_new(&cfg, &h);
	CHECK_EQ_INT(capture_run_file(path, t, &hooks, &some), 0);
	CHECK_EQ_INT(some.status, SRC_EOF);
	CHECK_EQ_INT(some.packets, all.packets);
	CHECK_EQ_INT(some.filtered_out + tap.n, all.packets);
	CHECK(tap.n > 0 && tap.n < all.packets);
	CHECK_EQ_INT(some.dec.tcp, tap.n);
	CHECK_EQ_INT(tcp_table_stats(t)->flows, 1);
	/* Frames keep the file's numbers: the 8443 flow is every second one. */
	for (size_t i = 0; i < tap.n; i++)
		CHECK_EQ_INT(tap.frames[i] % 2, 0);
	tcp_table_free(t);
	pkt_filter_free(hooks.filter);

	hooks.filter = pkt_filter_new("vlan", err, sizeof err);
	t = tcp_table_new(&cfg, &h);
	CHECK_EQ_INT(capture_run_file(path, t, &hooks, &some), 0);
	CHECK_EQ_INT(some.status, SRC_ERROR);
	CHECK(strstr(some.message, "cannot be applied") != NULL);
	CHECK(strstr(some.message, "(frame 2)") != NULL);
	CHECK_EQ_INT(some.packets, 2);
	tcp_table_free(t);
	pkt_filter_free(hooks.filter);

	/* The file source's own view. */
	struct pkt_source src;
	CHECK_EQ_INT(pkt_source_file(&src, path, err, sizeof err), 0);
	CHECK(pkt_source_file_src(&src) != NULL);
	struct pkt p;
	CHECK_EQ_INT(src.ops->next(src.impl, &p, 1000), SRC_OK);
	struct pkt_source_stats st;
	src.ops->stats(src.impl, &st);
	CHECK(st.bytes > 0);
	pkt_source_close(&src);
	CHECK_EQ_INT(pkt_source_file(&src, "/nonexistent/x.pcap", err, sizeof err), -1);
	CHECK(strstr(err, "cannot open") != NULL);
}

int main(void)
{
	test_filter();
	test_pump();
	test_files();
	return t_done("test_capture");
}

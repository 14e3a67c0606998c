/*
 * test_tls_order.c - when the TLS dissector (dissect/tls.c) hands sessions
 * over, and in which order: a session leaves as soon as it is concluded
 * (handshake over and data flowed both ways, a fatal alert and what
 * follows it, the flow closed) and no flow that began before it may still
 * become a session; sessions leave in the order of their flows' first
 * packets, numbered from 1 in that order.
 *
 * Several connections from 10.0.0.1 (client port 40000 + k) to
 * 10.0.0.2:443, interleaved by hand through one flow table.
 */
#include "tests/unit/tls_stream_fixture.h"

#define NCONN 6

static struct {
	struct tcp_table *t;
	struct tls_dissector *d;
	struct cert_cache *cc;
	struct tls_session *s[16];
	uint64_t emitted_at[16]; /* frame counter when each was handed over */
	size_t ns;
	uint64_t frame;
	uint64_t off[NCONN][2];
} O;

static void order_emit(void *ctx, struct tls_session *s)
{
	(void)ctx;
	if (O.ns < 16) {
		O.emitted_at[O.ns] = O.frame;
		O.s[O.ns++] = s;
	} else {
		tls_session_free(s);
	}
}

static void o_start(void)
{
	struct tcp_config cfg;
	memset(&O, 0, sizeof O);
	O.cc = certcache_new();
	O.d = tls_dissector_new(O.cc, "order.pcap", order_emit, NULL);
	struct tcp_handler h = tls_dissector_handler(O.d);
	tcp_config_default(&cfg);
	O.t = tcp_table_new(&cfg, &h);
}

static void o_stop(void)
{
	for (size_t i = 0; i < O.ns; i++)
		tls_session_free(O.s[i]);
	tcp_table_free(O.t);
	tls_dissector_free(O.d);
	certcache_free(O.cc);
	memset(&O, 0, sizeof O);
}

static void o_ep(struct endpoint *e, int k, int server)
{
	memset(e, 0, sizeof *e);
	e->family = 4;
	e->addr[0] = 10;
	e->addr[3] = server ? 2 : 1;
	e->port = (uint16_t)(server ? 443 : 40000 + k);
}

/* One segment of connection k from dir (0 client), acking the peer. */
static void o_seg(int k, int dir, uint8_t flags, const void *p, size_t n)
{
	static const uint32_t isn[2] = { 1000, 900000 };
	struct tcp_seg s;
	memset(&s, 0, sizeof s);
	o_ep(&s.src, k, dir);
	o_ep(&s.dst, k, !dir);
	s.seq = isn[dir] + 1 + (uint32_t)O.off[k][dir];
	s.ack = isn[!dir] + 1 + (uint32_t)O.off[k][!dir];
	s.flags = (uint8_t)(flags | TCPF_ACK);
	if (flags & TCPF_SYN) {
		s.seq = isn[dir];
		if (dir == 0)
			s.flags = TCPF_SYN;
	}
	s.window = 65535;
	s.payload.p = p;
	s.payload.n = n;
	s.wire_len = (uint32_t)n;
	s.frame = ++O.frame;
	s.ts_ns = (int64_t)O.frame * 1000000;
	tcp_table_input(O.t, &s);
	O.off[k][dir] += n + ((flags & TCPF_FIN) ? 1u : 0u); /* a FIN takes a number */
}

static void o_send(int k, int dir, struct bb *b)
{
	o_seg(k, dir, TCPF_PSH, b->p, b->n);
	bb_free(b);
}

static void o_syn(int k)
{
	o_seg(k, 0, TCPF_SYN, NULL, 0);
	o_seg(k, 1, TCPF_SYN, NULL, 0);
	o_seg(k, 0, 0, NULL, 0);
}

static void o_hello(int k)
{
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, "order.example");
	records(&r, 22, &h, 16384);
	bb_free(&h);
	o_send(k, 0, &r);
}

static void o_server_flight(int k)
{
	struct bb h = { 0 }, r = { 0 };
	server_flight(&h, 2);
	records(&r, 22, &h, 16384);
	bb_free(&h);
	o_send(k, 1, &r);
}

/* The client's keys and Finished, the server's Finished. */
static void o_finish_handshake(int k)
{
	struct bb h = { 0 }, r = { 0 };
	cke(&h);
	records(&r, 22, &h, 16384);
	bb_free(&h);
	ccs(&r);
	opaque(&r, 22, 40);
	o_send(k, 0, &r);
	ccs(&r);
	opaque(&r, 22, 40);
	o_send(k, 1, &r);
}

/* Two application data records each way. */
static void o_data(int k)
{
	struct bb r = { 0 };
	for (int i = 0; i < 2; i++) {
		opaque(&r, 23, 100);
		o_send(k, 0, &r);
		opaque(&r, 23, 300);
		o_send(k, 1, &r);
	}
}

static void o_fin(int k)
{
	o_seg(k, 0, TCPF_FIN, NULL, 0);
	o_seg(k, 1, TCPF_FIN, NULL, 0);
	o_seg(k, 0, 0, NULL, 0);
}

static void o_full(int k)
{
	o_hello(k);
	o_server_flight(k);
	o_finish_handshake(k);
	o_data(k);
}

/* A session leaves once its data flowed, before its flow closes. */
static void test_leaves_when_concluded(void)
{
	o_start();
	o_syn(0);
	o_full(0);
	CHECK_EQ_INT(O.ns, 1);
	if (O.ns == 1) {
		CHECK_EQ_INT(O.s[0]->id, 1);
		CHECK_EQ_INT(O.s[0]->close_reason, -1); /* the flow was still open */
		CHECK_EQ_INT(O.s[0]->last_frame, O.emitted_at[0]);
		CHECK_EQ_INT(O.s[0]->first_frame, 1);
	}
	o_fin(0);
	tcp_table_finish(O.t);
	CHECK_EQ_INT(O.ns, 1); /* not a second time */
	o_stop();
}

/* A fatal alert, and what follows it, then the session leaves though
 * the flow stays open. */
static void test_fatal_alert(void)
{
	struct bb r = { 0 };
	o_start();
	o_syn(0);
	o_hello(0);
	o_server_flight(0);
	alert(&r, 2, 48); /* unknown_ca from the client */
	o_send(0, 0, &r);
	CHECK_EQ_INT(O.ns, 0); /* the peer may still answer */
	alert(&r, 1, 0);
	o_send(0, 1, &r);
	CHECK_EQ_INT(O.ns, 0);
	for (int i = 0; i < 3; i++) {
		opaque(&r, 23, 20);
		o_send(0, 1, &r);
	}
	CHECK_EQ_INT(O.ns, 1);
	if (O.ns == 1) {
		CHECK_EQ_INT(O.s[0]->n_alerts, 2);
		CHECK_EQ_INT(O.s[0]->close_reason, -1);
	}
	tcp_table_finish(O.t);
	CHECK_EQ_INT(O.ns, 1);
	o_stop();
}

/* A later connection concluded first waits for the earlier one; both
 * leave, in order, when the earlier one concludes. */
static void test_order(void)
{
	o_start();
	o_syn(0);
	o_hello(0); /* connection 0 began first ... */
	o_syn(1);
	o_full(1); /* ... connection 1 concluded first */
	CHECK_EQ_INT(O.ns, 0);
	CHECK_EQ_INT(tls_dissector_stats(O.d)->waiting, 1);
	o_server_flight(0);
	o_finish_handshake(0);
	o_data(0);
	CHECK_EQ_INT(O.ns, 2);
	if (O.ns == 2) {
		CHECK_EQ_INT(O.s[0]->client.port, 40000);
		CHECK_EQ_INT(O.s[0]->id, 1);
		CHECK_EQ_INT(O.s[1]->client.port, 40001);
		CHECK_EQ_INT(O.s[1]->id, 2);
		/* connection 1's session keeps the frame it was concluded at */
		CHECK(O.s[1]->last_frame < O.s[0]->last_frame);
	}
	CHECK_EQ_INT(tls_dissector_stats(O.d)->waiting, 0);
	CHECK_EQ_INT(tls_dissector_stats(O.d)->peak_waiting, 2); /* both, for a moment */
	tcp_table_finish(O.t);
	o_stop();
}

/* A flow that turns out not to be TLS holds nothing back; one that never
 * carries a byte holds back what began after it until it closes, and a
 * flow that closes without a session lets them go. */
static void test_not_sessions(void)
{
	o_start();
	o_syn(0);
	o_seg(0, 0, TCPF_PSH, "GET / HTTP/1.1\r\n\r\n", 18); /* not TLS */
	o_syn(1);
	o_full(1);
	CHECK_EQ_INT(O.ns, 1); /* connection 0 is not TLS: no wait */

	o_syn(2); /* opens, says nothing */
	o_syn(3);
	o_full(3);
	CHECK_EQ_INT(O.ns, 1); /* waits for connection 2 */
	o_fin(2);
	CHECK_EQ_INT(O.ns, 2); /* connection 2 closed: no session, 3 goes */
	if (O.ns == 2) {
		CHECK_EQ_INT(O.s[1]->client.port, 40003);
		CHECK_EQ_INT(O.s[1]->id, 2);
	}
	tcp_table_finish(O.t);
	o_stop();
}

/* At the end of the input every waiting session leaves, in order, the
 * unfinished ones concluded by the end. */
static void test_end_of_input(void)
{
	o_start();
	o_syn(0);
	o_hello(0);
	o_server_flight(0); /* never finishes */
	o_syn(1);
	o_full(1);
	o_syn(2);
	o_hello(2); /* never answered */
	CHECK_EQ_INT(O.ns, 0);
	tcp_table_finish(O.t);
	CHECK_EQ_INT(O.ns, 3);
	for (size_t i = 0; i < O.ns && i < 3; i++) {
		CHECK_EQ_INT(O.s[i]->client.port, 40000 + i);
		CHECK_EQ_INT(O.s[i]->id, i + 1);
	}
	if (O.ns == 3) {
		CHECK_EQ_INT(O.s[0]->close_reason, TCP_CLOSE_END);
		CHECK_EQ_INT(O.s[1]->close_reason, -1);
	}
	o_stop();
}

/* Idle flows expire by capture time without a packet of their own. */
static void test_tick(void)
{
	o_start();
	o_syn(0);
	o_hello(0);
	o_syn(1);
	o_full(1);
	CHECK_EQ_INT(O.ns, 0);
	tcp_table_advance(O.t, (int64_t)O.frame * 1000000 + 301LL * 1000000000);
	CHECK_EQ_INT(O.ns, 2);
	if (O.ns == 2)
		CHECK_EQ_INT(O.s[0]->close_reason, TCP_CLOSE_IDLE);
	o_stop();
}

/* In conclusion order (live capture): a stalled handshake holds nothing
 * back; sessions are numbered as they leave. */
static void test_unordered(void)
{
	o_start();
	tls_dissector_set_unordered(O.d, 1);
	o_syn(0);
	o_hello(0); /* never answered */
	o_syn(1);
	o_full(1);
	CHECK_EQ_INT(O.ns, 1);
	if (O.ns == 1) {
		CHECK_EQ_INT(O.s[0]->client.port, 40001);
		CHECK_EQ_INT(O.s[0]->id, 1);
	}
	tcp_table_finish(O.t);
	CHECK_EQ_INT(O.ns, 2);
	if (O.ns == 2) {
		CHECK_EQ_INT(O.s[1]->client.port, 40000);
		CHECK_EQ_INT(O.s[1]->id, 2);
	}
	o_stop();
}

int main(void)
{
	if (fixture_init() != 0)
		return 1;
	test_leaves_when_concluded();
	test_fatal_alert();
	test_order();
	test_not_sessions();
	test_end_of_input();
	test_tick();
	test_unordered();
	x509_free_list(pki, npki);
	return t_done("tls_order");
}

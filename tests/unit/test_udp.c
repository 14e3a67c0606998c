/*
 * Unit tests for capture/udp.c: flows made only for wanted datagrams,
 * both directions in one flow, per-direction counters, ignore, idle
 * expiry, eviction of the least recently active flow, and every flow
 * closed exactly once with its reason.
 */
#include "capture/udp.h"
#include "tests/unit/t.h"

#include <stdlib.h>
#include <string.h>

#define MAXF 16

static struct {
	struct udp_table *t;
	int opens[MAXF + 1], closes[MAXF + 1], why[MAXF + 1];
	char text[MAXF + 1][2][256];
	uint64_t dgrams[MAXF + 1][2];
	uint64_t frame;
	int ignore_after; /* ignore a flow after this many datagrams (0: never) */
} R;

static int h_want(void *ctx, const struct udp_dgram *d)
{
	(void)ctx;
	return d->payload.n && d->payload.p[0] == 'D'; /* "DTLS-looking" */
}

static void h_open(void *ctx, struct udp_flow *f)
{
	(void)ctx;
	if (f->id <= MAXF)
		R.opens[f->id]++;
}

static enum udp_verdict h_data(void *ctx, struct udp_flow *f, int dir, const struct udp_dgram *d)
{
	(void)ctx;
	if (f->id > MAXF)
		return UDP_KEEP;
	char *t = R.text[f->id][dir];
	size_t have = strlen(t);
	snprintf(t + have, 256 - have, "%.*s|", (int)d->payload.n, (const char *)d->payload.p);
	R.dgrams[f->id][dir] = f->st[dir].datagrams;
	if (R.ignore_after && f->st[0].datagrams + f->st[1].datagrams >= (uint64_t)R.ignore_after)
		return UDP_IGNORE;
	return UDP_KEEP;
}

static void h_close(void *ctx, struct udp_flow *f, enum tcp_close_reason why)
{
	(void)ctx;
	if (f->id <= MAXF) {
		R.closes[f->id]++;
		R.why[f->id] = (int)why;
	}
}

static void start(size_t max_flows)
{
	struct udp_config cfg;
	struct udp_handler h = { NULL, h_want, h_open, h_data, h_close };
	memset(&R, 0, sizeof R);
	udp_config_default(&cfg);
	CHECK_EQ_INT(cfg.max_flows, 20000);
	if (max_flows)
		cfg.max_flows = max_flows;
	cfg.idle_timeout_ns = 10LL * 1000000000;
	R.t = udp_table_new(&cfg, &h);
}

/* A datagram from host a:port pa to b:pb at second `sec`. */
static void dg(int a, unsigned pa, int b, unsigned pb, const char *data, int64_t sec)
{
	struct udp_dgram d;
	memset(&d, 0, sizeof d);
	d.src.family = d.dst.family = 4;
	d.src.addr[0] = d.dst.addr[0] = 10;
	d.src.addr[3] = (uint8_t)a;
	d.dst.addr[3] = (uint8_t)b;
	d.src.port = (uint16_t)pa;
	d.dst.port = (uint16_t)pb;
	d.payload.p = (const uint8_t *)data;
	d.payload.n = d.wire_len = (uint32_t)strlen(data);
	d.frame = ++R.frame;
	d.ts_ns = sec * 1000000000;
	udp_table_input(R.t, &d);
}

static void test_flows(void)
{
	start(0);
	dg(1, 5000, 2, 4433, "stun", 1);     /* not wanted: no flow */
	dg(1, 5000, 2, 4433, "D-hello", 1);  /* flow 1 */
	dg(2, 4433, 1, 5000, "D-answer", 2); /* the other direction */
	dg(2, 4433, 1, 5000, "rtp", 2);	     /* of a flow: delivered */
	dg(3, 6000, 2, 4433, "D-other", 3);  /* flow 2 */
	CHECK_EQ_INT(udp_table_stats(R.t)->unwanted, 1);
	CHECK_EQ_INT(udp_table_stats(R.t)->active, 2);
	CHECK_EQ_STR(R.text[1][0], "D-hello|");
	CHECK_EQ_STR(R.text[1][1], "D-answer|rtp|");
	CHECK_EQ_STR(R.text[2][0], "D-other|");
	CHECK_EQ_INT(R.dgrams[1][1], 2);
	udp_table_free(R.t);
	CHECK_EQ_INT(R.opens[1], 1);
	CHECK_EQ_INT(R.closes[1], 1);
	CHECK_EQ_INT(R.why[1], TCP_CLOSE_END);
	CHECK_EQ_INT(R.closes[2], 1);
	udp_table_free(NULL);
}

static void test_ignore(void)
{
	start(0);
	R.ignore_after = 2;
	dg(1, 5000, 2, 4433, "D1", 1);
	dg(2, 4433, 1, 5000, "D2", 1);
	dg(1, 5000, 2, 4433, "D3", 1); /* ignored: not delivered, still counted */
	CHECK_EQ_STR(R.text[1][0], "D1|");
	CHECK_EQ_INT(udp_table_stats(R.t)->ignored_flows, 1);
	udp_table_finish(R.t);
	CHECK_EQ_INT(R.closes[1], 1);
	CHECK_EQ_INT(udp_table_stats(R.t)->active, 0);
	udp_table_free(R.t);
}

static void test_idle_and_evict(void)
{
	start(2);
	dg(1, 5000, 2, 4433, "Da", 1);	/* flow 1 */
	dg(3, 5000, 2, 4433, "Db", 2);	/* flow 2 */
	dg(1, 5000, 2, 4433, "Da2", 3); /* flow 1 is the most recent now */
	dg(4, 5000, 2, 4433, "Dc", 4);	/* flow 3: evicts flow 2 */
	CHECK_EQ_INT(R.closes[2], 1);
	CHECK_EQ_INT(R.why[2], TCP_CLOSE_EVICTED);
	CHECK_EQ_INT(R.closes[1], 0);
	CHECK_EQ_INT(udp_table_stats(R.t)->evicted, 1);
	dg(4, 5000, 2, 4433, "Dc2", 14); /* flow 1 idle for 11 s: closed */
	CHECK_EQ_INT(R.closes[1], 1);
	CHECK_EQ_INT(R.why[1], TCP_CLOSE_IDLE);
	CHECK_EQ_INT(R.closes[3], 0);
	/* a new flow on flow 1's pair is a new flow */
	dg(1, 5000, 2, 4433, "Dd", 15);
	CHECK_EQ_INT(R.opens[4], 1);
	CHECK_EQ_INT(udp_table_stats(R.t)->flows, 4);
	CHECK_EQ_INT(udp_table_stats(R.t)->peak_active, 2);
	/* hostile timestamps: far back, far ahead */
	dg(5, 1, 2, 2, "De", INT64_MIN / 1000000000);
	dg(5, 1, 2, 2, "Df", INT64_MAX / 1000000000);
	udp_table_free(R.t);
	for (int i = 1; i <= 5; i++)
		if (R.opens[i])
			CHECK_EQ_INT(R.closes[i], 1);
}

int main(void)
{
	test_flows();
	test_ignore();
	test_idle_and_evict();
	return t_done("udp");
}

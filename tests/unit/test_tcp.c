/*
 * Unit tests for capture/tcp.c: tcp_table_input() driven with synthetic
 * segments and a handler that records every chunk. Each scenario checks
 * the exact bytes each direction received (gaps written as "[gap N]"),
 * the chunks' offsets and frame numbers, the per-direction counters, the
 * close reason (and that close came exactly once), and that the buffered
 * byte count returns to 0.
 *
 * Client 10.0.0.1:40000 (ISN C), server 10.0.0.2:443 (ISN S) unless a
 * scenario says otherwise. Frame numbers count up from 1 per scenario and
 * the timestamp of frame n is n ms.
 */
#include "capture/tcp.h"
#include "tests/unit/t.h"

#include <stdlib.h>
#include <string.h>

#define MAXF 16
#define MAXC 256
#define C 1000u
#define S 5000u

struct frec {
	int opens, closes, releases, released_after_close;
	uint64_t released_segments; /* d[0].st.segments when released */
	uint64_t released_last_frame;
	enum tcp_close_reason why;
	char text[2][1024];
	char other[2][1024]; /* text with tcp_alt_overlay() applied, at close */
	size_t other_changed[2];
	struct tcp_dir_stats st[2];
	int syn_seen, midstream;
	struct endpoint ep[2];
	uint64_t first_frame, last_frame;
};

struct crec {
	uint64_t flow;
	int dir, gap;
	uint64_t off;
	size_t len;
	int64_t ts;
	uint64_t frame;
};

static struct {
	struct tcp_table *t;
	struct frec f[MAXF + 1]; /* by flow id */
	struct crec c[MAXC];
	size_t nc;
	uint64_t frame;
	int64_t ts_step;
	int64_t ts_base;
	uint16_t cport; /* client port for the next segment */
	/* Ignore flow `ignore_id` once it delivered `ignore_after` bytes. */
	uint64_t ignore_id;
	uint64_t ignore_after;
} R;

static struct frec *fr(uint64_t id)
{
	return &R.f[id <= MAXF ? id : 0];
}

static void h_open(void *ctx, struct tcp_flow *f)
{
	(void)ctx;
	fr(f->id)->opens++;
}

static enum tcp_verdict h_data(void *ctx, struct tcp_flow *f, const struct tcp_chunk *c)
{
	struct frec *r = fr(f->id);
	char *txt = r->text[c->dir];
	size_t have = strlen(txt);
	(void)ctx;
	if (c->data)
		snprintf(txt + have, sizeof r->text[0] - have, "%.*s", (int)c->len,
			 (const char *)c->data);
	else
		snprintf(txt + have, sizeof r->text[0] - have, "[gap %zu]", c->len);
	if (R.nc < MAXC)
		R.c[R.nc++] = (struct crec){ f->id,  c->dir,   c->data == NULL, c->off,
					     c->len, c->ts_ns, c->frame };
	if (R.ignore_id == f->id && f->d[0].st.bytes + f->d[1].st.bytes >= R.ignore_after)
		return TCP_IGNORE;
	return TCP_KEEP;
}

static void h_close(void *ctx, struct tcp_flow *f, enum tcp_close_reason why)
{
	struct frec *r = fr(f->id);
	(void)ctx;
	r->closes++;
	r->why = why;
	for (int i = 0; i < 2; i++) {
		memcpy(r->other[i], r->text[i], sizeof r->other[i]);
		r->other_changed[i] = tcp_alt_overlay(f, i, 0, (uint8_t *)r->other[i],
						      strlen(r->text[i]));
	}
	r->st[0] = f->d[0].st;
	r->st[1] = f->d[1].st;
	r->syn_seen = f->syn_seen;
	r->midstream = f->midstream;
	r->ep[0] = f->ep[0];
	r->ep[1] = f->ep[1];
	r->first_frame = f->first_frame;
	r->last_frame = f->last_frame;
}

static void h_release(void *ctx, struct tcp_flow *f)
{
	struct frec *r = fr(f->id);
	(void)ctx;
	r->releases++;
	r->released_after_close = r->closes == 1;
	r->released_segments = f->d[0].st.segments;
	r->released_last_frame = f->last_frame;
}

static void start_cfg(const struct tcp_config *cfg)
{
	struct tcp_handler h = { NULL, h_open, h_data, h_close, h_release };
	memset(&R, 0, sizeof R);
	R.ts_step = 1000000;
	R.cport = 40000;
	R.t = tcp_table_new(cfg, &h);
}

static void start(void)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	start_cfg(&cfg);
}

/* Finish the table and check that nothing stays buffered. */
static void finish(void)
{
	tcp_table_finish(R.t);
	CHECK_EQ_INT(tcp_table_stats(R.t)->buffered_bytes, 0);
	CHECK_EQ_INT(tcp_table_stats(R.t)->active, 0);
	/* Every flow was closed once, then released once. */
	for (uint64_t id = 1; id <= MAXF; id++)
		if (R.f[id].opens) {
			CHECK_EQ_INT(R.f[id].opens, 1);
			CHECK_EQ_INT(R.f[id].closes, 1);
			CHECK_EQ_INT(R.f[id].releases, 1);
			CHECK_EQ_INT(R.f[id].released_after_close, 1);
		}
}

static void end(void)
{
	tcp_table_free(R.t);
	R.t = NULL;
}

static struct endpoint ep4(uint8_t last, uint16_t port)
{
	struct endpoint e = { 0 };
	e.family = 4;
	e.addr[0] = 10;
	e.addr[3] = last;
	e.port = port;
	return e;
}

/* One segment: n payload bytes captured of wire bytes on the wire. */
static void txw(int from_client, uint32_t seq, uint32_t ack, uint8_t flags, const char *data,
		size_t n, uint32_t wire)
{
	struct tcp_seg s;
	memset(&s, 0, sizeof s);
	struct endpoint c = ep4(1, R.cport), sv = ep4(2, 443);
	s.src = from_client ? c : sv;
	s.dst = from_client ? sv : c;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.window = 65535;
	s.payload.p = (const uint8_t *)data;
	s.payload.n = n;
	s.wire_len = wire;
	s.frame = ++R.frame;
	s.ts_ns = R.ts_base + (int64_t)s.frame * R.ts_step;
	tcp_table_input(R.t, &s);
}

static void tx(int from_client, uint32_t seq, uint32_t ack, uint8_t flags, const char *data)
{
	size_t n = data ? strlen(data) : 0;
	txw(from_client, seq, ack, flags, data, n, (uint32_t)n);
}

#define CLI 1
#define SRV 0
#define A TCPF_ACK
#define PA (TCPF_PSH | TCPF_ACK)
#define FA (TCPF_FIN | TCPF_ACK)

/* Frames 1-3. */
static void handshake(void)
{
	tx(CLI, C, 0, TCPF_SYN, NULL);
	tx(SRV, S, C + 1, TCPF_SYN | A, NULL);
	tx(CLI, C + 1, S + 1, A, NULL);
}

#define CHUNK(i, dir_, gap_, off_, len_, frame_)                                                   \
	do {                                                                                       \
		CHECK((i) < R.nc);                                                                 \
		if ((i) < R.nc) {                                                                  \
			CHECK_EQ_INT(R.c[i].dir, dir_);                                            \
			CHECK_EQ_INT(R.c[i].gap, gap_);                                            \
			CHECK_EQ_INT(R.c[i].off, off_);                                            \
			CHECK_EQ_INT(R.c[i].len, len_);                                            \
			CHECK_EQ_INT(R.c[i].frame, frame_);                                        \
			CHECK_EQ_INT(R.c[i].ts, R.ts_base + (int64_t)(frame_)*R.ts_step);          \
		}                                                                                  \
	} while (0)

static void test_in_order(void)
{
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "hello "); /* 4 */
	tx(CLI, C + 7, S + 1, PA, "world");  /* 5 */
	tx(SRV, S + 1, C + 12, PA, "HI");    /* 6 */
	tx(CLI, C + 12, S + 3, FA, NULL);    /* 7 */
	tx(SRV, S + 3, C + 13, FA, NULL);    /* 8: both FINs, all delivered */
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_FIN);
	tx(CLI, C + 13, S + 4, A, NULL); /* 9: after close */
	finish();
	CHECK_EQ_INT(fr(1)->opens, 1);
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_FIN);
	CHECK_EQ_STR(fr(1)->text[0], "hello world");
	CHECK_EQ_STR(fr(1)->text[1], "HI");
	CHECK_EQ_INT(R.nc, 3);
	CHUNK(0, 0, 0, 0, 6, 4);
	CHUNK(1, 0, 0, 6, 5, 5);
	CHUNK(2, 1, 0, 0, 2, 6);
	CHECK_EQ_INT(fr(1)->syn_seen, 1);
	CHECK_EQ_INT(fr(1)->midstream, 0);
	CHECK_EQ_INT(fr(1)->ep[0].port, 40000);
	CHECK_EQ_INT(fr(1)->ep[1].port, 443);
	CHECK_EQ_INT(fr(1)->first_frame, 1);
	CHECK_EQ_INT(fr(1)->last_frame, 8);
	/* The flow lingers after the FIN close: the last ACK still counts by
	 * the time it leaves the table. */
	CHECK_EQ_INT(fr(1)->releases, 1);
	CHECK_EQ_INT(fr(1)->released_after_close, 1);
	CHECK_EQ_INT(fr(1)->released_segments, 6);
	CHECK_EQ_INT(fr(1)->released_last_frame, 9);
	CHECK_EQ_INT(fr(1)->st[0].bytes, 11);
	CHECK_EQ_INT(fr(1)->st[0].payload_segments, 2);
	CHECK_EQ_INT(fr(1)->st[0].segments, 5); /* frame 9 came after close */
	CHECK_EQ_INT(fr(1)->st[0].syn, 1);
	CHECK_EQ_INT(fr(1)->st[0].fin, 1);
	CHECK_EQ_INT(fr(1)->st[0].gaps, 0);
	CHECK_EQ_INT(fr(1)->st[0].retransmits, 0);
	CHECK_EQ_INT(fr(1)->st[0].out_of_order, 0);
	CHECK_EQ_INT(fr(1)->st[1].bytes, 2);
	CHECK_EQ_INT(fr(1)->st[1].syn, 1);
	const struct tcp_table_stats *ts = tcp_table_stats(R.t);
	CHECK_EQ_INT(ts->flows, 1);
	CHECK_EQ_INT(ts->closed_fin, 1);
	CHECK_EQ_INT(ts->closed_end, 0);
	CHECK_EQ_INT(ts->peak_buffered_bytes, 0); /* in order: nothing copied */
	end();
}

static void test_reversed(void)
{
	start();
	handshake();
	tx(CLI, C + 7, S + 1, PA, "ccc"); /* 4 */
	tx(CLI, C + 4, S + 1, PA, "bbb"); /* 5 */
	CHECK_EQ_INT(tcp_table_stats(R.t)->buffered_bytes, 6);
	CHECK_EQ_INT(R.nc, 0);
	tx(CLI, C + 1, S + 1, PA, "aaa"); /* 6 */
	CHECK_EQ_INT(tcp_table_stats(R.t)->buffered_bytes, 0);
	CHECK_EQ_STR(fr(1)->text[0], "aaabbbccc");
	CHECK_EQ_INT(R.nc, 3);
	CHUNK(0, 0, 0, 0, 3, 6);
	CHUNK(1, 0, 0, 3, 3, 5);
	CHUNK(2, 0, 0, 6, 3, 4);
	finish();
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_END);
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_INT(fr(1)->st[0].out_of_order, 2);
	CHECK_EQ_INT(fr(1)->st[0].gaps, 0);
	CHECK_EQ_INT(fr(1)->st[0].bytes, 9);
	CHECK_EQ_INT(tcp_table_stats(R.t)->peak_buffered_bytes, 6);
	CHECK_EQ_INT(tcp_table_stats(R.t)->closed_end, 1);
	end();
}

static void test_duplicates(void)
{
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abc"); /* 4 */
	tx(CLI, C + 1, S + 1, PA, "abc"); /* 5: retransmission */
	tx(CLI, C + 7, S + 1, PA, "ghi"); /* 6: ahead of a hole */
	tx(CLI, C + 7, S + 1, PA, "ghi"); /* 7: duplicate of held bytes */
	tx(CLI, C + 4, S + 1, PA, "def"); /* 8 */
	tx(CLI, C + 4, S + 1, PA, "def"); /* 9: retransmission */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "abcdefghi");
	CHECK_EQ_INT(R.nc, 3);
	CHUNK(0, 0, 0, 0, 3, 4);
	CHUNK(1, 0, 0, 3, 3, 8);
	CHUNK(2, 0, 0, 6, 3, 6); /* the first copy's frame */
	CHECK_EQ_INT(fr(1)->st[0].retransmits, 2);
	CHECK_EQ_INT(fr(1)->st[0].overlaps, 1); /* the held duplicate */
	CHECK_EQ_INT(fr(1)->st[0].overlap_conflicts, 0);
	CHECK_EQ_INT(fr(1)->st[0].payload_segments, 6);
	CHECK_EQ_INT(fr(1)->st[0].bytes, 9);
	CHECK_EQ_INT(tcp_table_stats(R.t)->peak_buffered_bytes, 3);
	end();
}

static void test_overlaps(void)
{
	/* Overlap with the delivered edge, same bytes. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abcdef"); /* 4 */
	tx(CLI, C + 4, S + 1, PA, "defghi"); /* 5 */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "abcdefghi");
	CHECK_EQ_INT(R.nc, 2);
	CHUNK(1, 0, 0, 6, 3, 5);
	CHECK_EQ_INT(fr(1)->st[0].overlaps, 1);
	CHECK_EQ_INT(fr(1)->st[0].overlap_conflicts, 0);
	CHECK_EQ_INT(fr(1)->st[0].retransmits, 0);
	end();

	/* Overlap with the delivered edge, different bytes: first copy wins. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abcdef"); /* 4 */
	tx(CLI, C + 4, S + 1, PA, "XYZghi"); /* 5 */
	tx(CLI, C + 1, S + 1, PA, "abQ");    /* 6: a retransmission that differs */
	tx(CLI, C + 1, S + 1, PA, "abc");    /* 7: one that does not */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "abcdefghi");
	CHECK_EQ_INT(fr(1)->st[0].overlaps, 1);
	CHECK_EQ_INT(fr(1)->st[0].overlap_conflicts, 2);
	CHECK_EQ_INT(fr(1)->st[0].retransmits, 2);
	end();

	/* Both copies held (ahead of a hole): the held one wins. */
	start();
	handshake();
	tx(CLI, C + 4, S + 1, PA, "def");   /* 4 */
	tx(CLI, C + 4, S + 1, PA, "dXfgh"); /* 5: conflicts on "e", adds "gh" */
	tx(CLI, C + 8, S + 1, PA, "hi");    /* 6: same "h", adds "i" */
	tx(CLI, C + 1, S + 1, PA, "abc");   /* 7 */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "abcdefghi");
	CHECK_EQ_INT(R.nc, 4);
	CHUNK(0, 0, 0, 0, 3, 7);
	CHUNK(1, 0, 0, 3, 3, 4);
	CHUNK(2, 0, 0, 6, 2, 5);
	CHUNK(3, 0, 0, 8, 1, 6);
	CHECK_EQ_INT(fr(1)->st[0].overlaps, 2);
	CHECK_EQ_INT(fr(1)->st[0].overlap_conflicts, 1);
	CHECK_EQ_INT(fr(1)->st[0].out_of_order, 3);
	end();

	/* A segment spanning the edge, a held range and the hole after it. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "ab");      /* 4 */
	tx(CLI, C + 5, S + 1, PA, "ef");      /* 5: held */
	tx(CLI, C + 2, S + 1, PA, "bcdEFgh"); /* 6: b delivered, EF conflicts */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "abcdefgh");
	CHECK_EQ_INT(R.nc, 4);
	CHUNK(0, 0, 0, 0, 2, 4);
	CHUNK(1, 0, 0, 2, 2, 6);
	CHUNK(2, 0, 0, 4, 2, 5);
	CHUNK(3, 0, 0, 6, 2, 6);
	CHECK_EQ_INT(fr(1)->st[0].overlaps, 2); /* at the edge, and with the held range */
	CHECK_EQ_INT(fr(1)->st[0].overlap_conflicts, 1);
	end();
}

static void test_gap(void)
{
	/* The server's ACK covers held data: the hole was lost by the capture. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abc"); /* 4 */
	/* "def" (C+4) lost */
	tx(CLI, C + 7, S + 1, PA, "ghi"); /* 5 */
	CHECK_EQ_STR(fr(1)->text[0], "abc");
	tx(SRV, S + 1, C + 10, A, NULL); /* 6 */
	CHECK_EQ_STR(fr(1)->text[0], "abc[gap 3]ghi");
	CHECK_EQ_INT(tcp_table_stats(R.t)->buffered_bytes, 0);
	CHECK_EQ_INT(R.nc, 3);
	CHUNK(1, 0, 1, 3, 3, 5); /* a gap is named after the data that follows */
	CHUNK(2, 0, 0, 6, 3, 5);
	tx(CLI, C + 4, S + 1, PA, "def"); /* 7: too late, a retransmission */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "abc[gap 3]ghi");
	CHECK_EQ_INT(fr(1)->st[0].gaps, 1);
	CHECK_EQ_INT(fr(1)->st[0].gap_bytes, 3);
	CHECK_EQ_INT(fr(1)->st[0].bytes, 6);
	CHECK_EQ_INT(fr(1)->st[0].retransmits, 1);
	end();

	/* The ACK that only reaches the held data already proves the hole. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abc"); /* 4 */
	tx(CLI, C + 7, S + 1, PA, "ghi"); /* 5 */
	tx(SRV, S + 1, C + 7, A, NULL);	  /* 6 */
	CHECK_EQ_STR(fr(1)->text[0], "abc[gap 3]ghi");
	finish();
	end();

	/* An ACK inside the hole: only that much is known to be lost. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abc");  /* 4 */
	tx(CLI, C + 10, S + 1, PA, "jkl"); /* 5 */
	tx(SRV, S + 1, C + 7, A, NULL);	   /* 6: acks "def" */
	CHECK_EQ_STR(fr(1)->text[0], "abc[gap 3]");
	tx(CLI, C + 7, S + 1, PA, "ghi"); /* 7: still in flight: delivered */
	CHECK_EQ_STR(fr(1)->text[0], "abc[gap 3]ghijkl");
	finish();
	end();

	/* No ACK: the hole becomes a gap when the flow ends. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abc"); /* 4 */
	tx(CLI, C + 7, S + 1, PA, "ghi"); /* 5 */
	tx(SRV, S + 1, C + 4, A, NULL);	  /* 6: acks only "abc" */
	CHECK_EQ_STR(fr(1)->text[0], "abc");
	CHECK_EQ_INT(tcp_table_stats(R.t)->buffered_bytes, 3);
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "abc[gap 3]ghi");
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_END);
	CHECK_EQ_INT(R.nc, 3);
	CHUNK(1, 0, 1, 3, 3, 5); /* named after the data that follows */
	CHUNK(2, 0, 0, 6, 3, 5);
	end();
}

static void test_gap_at_end(void)
{
	/* The last segment lost; only the peer's ACK shows it existed. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abc"); /* 4 */
	/* "def" lost */
	tx(SRV, S + 1, C + 7, PA, "OK"); /* 5 */
	CHECK_EQ_STR(fr(1)->text[0], "abc");
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "abc[gap 3]");
	CHECK_EQ_STR(fr(1)->text[1], "OK");
	CHECK_EQ_INT(R.nc, 3);
	CHUNK(2, 0, 1, 3, 3, 5);
	CHECK_EQ_INT(fr(1)->st[0].gap_bytes, 3);
	end();

	/* With FINs: an ACK of the FIN proves everything before it arrived, so
	 * the flow still closes as a FIN close. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abc"); /* 4 */
	/* "def" lost */
	tx(CLI, C + 7, S + 1, FA, NULL); /* 5 */
	tx(SRV, S + 1, C + 8, FA, NULL); /* 6 */
	CHECK_EQ_STR(fr(1)->text[0], "abc[gap 3]");
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_FIN);
	CHECK_EQ_INT(R.nc, 2);
	CHUNK(1, 0, 1, 3, 3, 6);
	finish();
	CHECK_EQ_INT(fr(1)->closes, 1);
	end();

	/* The ACK of a FIN whose data is held behind a hole. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abc");	     /* 4 */
	tx(CLI, C + 7, S + 1, FA | TCPF_PSH, "ghi"); /* 5 */
	tx(SRV, S + 1, C + 11, FA, NULL);	     /* 6 */
	CHECK_EQ_STR(fr(1)->text[0], "abc[gap 3]ghi");
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_FIN);
	finish();
	end();
}

static void test_wrap(void)
{
	const uint32_t isn = 0xFFFFFF00u;
	static char a[301], b[101];
	memset(a, 'a', 300);
	memset(b, 'b', 100);
	start();
	tx(CLI, isn, 0, TCPF_SYN, NULL);
	tx(SRV, S, isn + 1, TCPF_SYN | A, NULL);
	tx(CLI, isn + 1, S + 1, A, NULL);
	/* isn + 1 + 300 wraps to 0x2D. */
	tx(CLI, 0x2Du, S + 1, PA, b);	      /* 4: ahead, across the wrap */
	tx(CLI, isn + 1, S + 1, PA, a);	      /* 5: crosses the wrap */
	tx(SRV, S + 1, 0x2Du + 100, A, NULL); /* 6 */
	tx(CLI, 0x91u, S + 1, PA, "z");	      /* 7: 0x2D + 100 */
	tx(CLI, 0xFFFFFFF0u, S + 1, PA, "a"); /* 8: retransmission before the wrap */
	finish();
	CHECK_EQ_INT(strlen(fr(1)->text[0]), 401);
	CHECK(strncmp(fr(1)->text[0], a, 300) == 0);
	CHECK(strncmp(fr(1)->text[0] + 300, b, 100) == 0);
	CHECK(strcmp(fr(1)->text[0] + 400, "z") == 0);
	CHECK_EQ_INT(R.nc, 3);
	CHUNK(0, 0, 0, 0, 300, 5);
	CHUNK(1, 0, 0, 300, 100, 4);
	CHUNK(2, 0, 0, 400, 1, 7);
	CHECK_EQ_INT(fr(1)->st[0].gaps, 0);
	CHECK_EQ_INT(fr(1)->st[0].retransmits, 1);
	CHECK_EQ_INT(fr(1)->st[0].overlap_conflicts, 0);
	end();
}

static void test_midstream(void)
{
	/* No SYN; the client's ACK says where the server's stream stands, so
	 * the server's early-arriving later segment waits for the one before. */
	start();
	tx(CLI, 2000, 9000, PA, "req");	  /* 1 */
	tx(SRV, 9010, 2003, PA, "later"); /* 2 */
	CHECK_EQ_STR(fr(1)->text[1], "");
	tx(SRV, 9000, 2003, PA, "0123456789"); /* 3 */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "req");
	CHECK_EQ_STR(fr(1)->text[1], "0123456789later");
	CHECK_EQ_INT(fr(1)->midstream, 1);
	CHECK_EQ_INT(fr(1)->syn_seen, 0);
	CHECK_EQ_INT(fr(1)->ep[0].port, 40000); /* the first sender is the client */
	CHECK_EQ_INT(R.nc, 3);
	CHUNK(0, 0, 0, 0, 3, 1);
	CHUNK(1, 1, 0, 0, 10, 3);
	CHUNK(2, 1, 0, 10, 5, 2);
	CHECK_EQ_INT(fr(1)->st[1].gaps, 0);
	CHECK_EQ_INT(fr(1)->st[1].out_of_order, 1);
	end();

	/* Whoever speaks first is taken for the client (as tshark does; the
	 * TLS layer corrects it from the ClientHello). */
	start();
	tx(SRV, 9000, 2000, PA, "resp"); /* 1 */
	tx(CLI, 2000, 9004, PA, "req");	 /* 2 */
	finish();
	CHECK_EQ_INT(fr(1)->ep[0].port, 443);
	CHECK_EQ_STR(fr(1)->text[0], "resp");
	CHECK_EQ_STR(fr(1)->text[1], "req");
	end();

	/* No SYN and no ACK known: the first segment seen starts the stream. */
	start();
	tx(CLI, 7000, 0, TCPF_PSH, "abc");	  /* 1: no ACK flag */
	tx(CLI, 6990, 0, TCPF_PSH, "0123456789"); /* 2: before the stream: dropped */
	tx(CLI, 6998, 0, TCPF_PSH, "89abcd");	  /* 3: the part after the start counts */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "abcd");
	CHECK_EQ_INT(fr(1)->midstream, 1);
	CHECK_EQ_INT(R.nc, 2);
	CHUNK(0, 0, 0, 0, 3, 1);
	CHUNK(1, 0, 0, 3, 1, 3);
	end();

	/* Mid-stream with a SYN-ACK as the first packet (SYN not captured). */
	start();
	tx(SRV, S, C + 1, TCPF_SYN | A, NULL); /* 1 */
	tx(CLI, C + 4, S + 1, PA, "def");      /* 2: "abc" lost */
	tx(SRV, S + 1, C + 7, PA, "X");	       /* 3: acks both */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "[gap 3]def");
	CHECK_EQ_STR(fr(1)->text[1], "X");
	CHECK_EQ_INT(fr(1)->ep[0].port, 40000);
	end();
}

static void test_interleaved(void)
{
	start();
	R.cport = 40001;
	handshake(); /* 1-3: flow 1 */
	R.cport = 40002;
	tx(CLI, 7000, 0, TCPF_SYN, NULL); /* 4: flow 2 */
	R.cport = 40001;
	tx(CLI, C + 1, S + 1, PA, "one-"); /* 5 */
	R.cport = 40002;
	tx(SRV, 8000, 7001, TCPF_SYN | A, NULL); /* 6 */
	tx(CLI, 7001, 8001, PA, "TWO-");	 /* 7 */
	R.cport = 40001;
	tx(SRV, S + 1, C + 5, PA, "r1");   /* 8 */
	tx(CLI, C + 5, S + 3, PA, "more"); /* 9 */
	R.cport = 40002;
	tx(CLI, 7005, 8001, PA, "MORE"); /* 10 */
	tx(SRV, 8001, 7009, PA, "R2");	 /* 11 */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "one-more");
	CHECK_EQ_STR(fr(1)->text[1], "r1");
	CHECK_EQ_STR(fr(2)->text[0], "TWO-MORE");
	CHECK_EQ_STR(fr(2)->text[1], "R2");
	CHECK_EQ_INT(fr(1)->ep[0].port, 40001);
	CHECK_EQ_INT(fr(2)->ep[0].port, 40002);
	CHECK_EQ_INT(tcp_table_stats(R.t)->flows, 2);
	CHECK_EQ_INT(tcp_table_stats(R.t)->peak_active, 2);
	/* Capture order across flows and directions. */
	static const uint64_t frames[] = { 5, 7, 8, 9, 10, 11 };
	CHECK_EQ_INT(R.nc, 6);
	for (size_t i = 0; i < R.nc && i < 6; i++)
		CHECK_EQ_INT(R.c[i].frame, frames[i]);
	end();
}

static void test_ordering(void)
{
	/* Chunks reach the handler in capture order across both directions,
	 * including bytes that were held and then released by a later frame. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "GET ");  /* 4 */
	tx(SRV, S + 1, C + 5, PA, "100 ");  /* 5 */
	tx(CLI, C + 8, S + 5, PA, "/b");    /* 6: held */
	tx(SRV, S + 5, C + 5, PA, "Cont");  /* 7 */
	tx(CLI, C + 5, S + 9, PA, "/a/");   /* 8: releases frame 6 */
	tx(SRV, S + 9, C + 10, PA, "inue"); /* 9 */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "GET /a//b");
	CHECK_EQ_STR(fr(1)->text[1], "100 Continue");
	CHECK_EQ_INT(R.nc, 6);
	CHUNK(0, 0, 0, 0, 4, 4);
	CHUNK(1, 1, 0, 0, 4, 5);
	CHUNK(2, 1, 0, 4, 4, 7);
	CHUNK(3, 0, 0, 4, 3, 8);
	CHUNK(4, 0, 0, 7, 2, 6);
	CHUNK(5, 1, 0, 8, 4, 9);
	end();
}

static void test_closes(void)
{
	/* RST: closed at once, once, with what was held flushed first. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abc");	   /* 4 */
	tx(CLI, C + 7, S + 1, PA, "ghi");	   /* 5: held */
	tx(SRV, S + 1, C + 4, TCPF_RST | A, NULL); /* 6 */
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_RST);
	CHECK_EQ_STR(fr(1)->text[0], "abc[gap 3]ghi");
	CHECK_EQ_INT(tcp_table_stats(R.t)->buffered_bytes, 0);
	CHECK_EQ_INT(fr(1)->st[1].rst, 1);
	tx(CLI, C + 10, S + 1, PA, "late"); /* 7: after the RST */
	finish();
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_STR(fr(1)->text[0], "abc[gap 3]ghi");
	CHECK_EQ_INT(tcp_table_stats(R.t)->closed_rst, 1);
	CHECK_EQ_INT(tcp_table_stats(R.t)->closed_end, 0);
	CHECK_EQ_INT(tcp_table_stats(R.t)->flows, 1);
	end();

	/* FIN from one side only: the flow stays open until the end. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, FA | TCPF_PSH, "bye"); /* 4 */
	tx(SRV, S + 1, C + 5, A, NULL);		     /* 5 */
	CHECK_EQ_INT(fr(1)->closes, 0);
	tx(SRV, S + 1, C + 5, PA, "still"); /* 6: half-closed, server talks */
	finish();
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_END);
	CHECK_EQ_STR(fr(1)->text[0], "bye");
	CHECK_EQ_STR(fr(1)->text[1], "still");
	end();

	/* FIN arriving before the data it follows: closes once the data came. */
	start();
	handshake();
	tx(SRV, S + 1, C + 1, FA, NULL); /* 4 */
	tx(CLI, C + 4, S + 2, FA, NULL); /* 5: FIN after "abc" */
	CHECK_EQ_INT(fr(1)->closes, 0);
	tx(CLI, C + 1, S + 2, PA, "abc"); /* 6 */
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_FIN);
	CHECK_EQ_STR(fr(1)->text[0], "abc");
	finish();
	CHECK_EQ_INT(fr(1)->closes, 1);
	end();

	/* A new SYN with another ISN on an open flow: the old one ends. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "old"); /* 4 */
	tx(CLI, C, 0, TCPF_SYN, NULL);	  /* 5: SYN retransmission: same flow */
	CHECK_EQ_INT(fr(1)->closes, 0);
	tx(CLI, 90000, 0, TCPF_SYN, NULL); /* 6 */
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_END);
	CHECK_EQ_INT(fr(2)->opens, 1);
	tx(SRV, 70000, 90001, TCPF_SYN | A, NULL); /* 7 */
	tx(CLI, 90001, 70001, PA, "new");	   /* 8 */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "old");
	CHECK_EQ_STR(fr(2)->text[0], "new");
	CHECK_EQ_INT(fr(2)->closes, 1);
	CHECK_EQ_INT(fr(2)->first_frame, 6);
	CHECK_EQ_INT(tcp_table_stats(R.t)->flows, 2);
	end();
}

static void test_port_reuse(void)
{
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "first"); /* 4 */
	tx(CLI, C + 6, S + 1, FA, NULL);    /* 5 */
	tx(SRV, S + 1, C + 7, FA, NULL);    /* 6 */
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_FIN);
	tx(CLI, C + 7, S + 2, A, NULL);	   /* 7 */
	tx(CLI, 80000, 0, TCPF_SYN, NULL); /* 8: same ports, new connection */
	tx(SRV, 60000, 80001, TCPF_SYN | A, NULL);
	tx(CLI, 80001, 60001, PA, "second"); /* 10 */
	finish();
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_INT(fr(2)->opens, 1);
	CHECK_EQ_INT(fr(2)->closes, 1);
	CHECK_EQ_STR(fr(1)->text[0], "first");
	CHECK_EQ_STR(fr(2)->text[0], "second");
	CHECK_EQ_INT(fr(2)->first_frame, 8);
	CHECK_EQ_INT(fr(2)->syn_seen, 1);
	CHECK_EQ_INT(fr(1)->st[0].segments, 4);
	CHECK_EQ_INT(tcp_table_stats(R.t)->closed_fin, 1);
	CHECK_EQ_INT(tcp_table_stats(R.t)->closed_end, 1);
	end();
}

static void test_eviction(void)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.max_flows = 2;
	start_cfg(&cfg);
	R.cport = 40001;
	handshake(); /* flow 1 */
	tx(CLI, C + 1, S + 1, PA, "a");
	tx(CLI, C + 5, S + 1, PA, "e"); /* held */
	R.cport = 40002;
	handshake(); /* flow 2 */
	R.cport = 40001;
	tx(CLI, C + 2, S + 1, PA, "b"); /* flow 1 is now the most recent */
	R.cport = 40003;
	tx(CLI, C, 0, TCPF_SYN, NULL); /* flow 3 evicts flow 2 */
	CHECK_EQ_INT(fr(2)->closes, 1);
	CHECK_EQ_INT(fr(2)->why, TCP_CLOSE_EVICTED);
	CHECK_EQ_INT(fr(1)->closes, 0);
	R.cport = 40004;
	tx(CLI, C, 0, TCPF_SYN, NULL); /* flow 4 evicts flow 1 */
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_EVICTED);
	CHECK_EQ_STR(fr(1)->text[0], "ab[gap 2]e");
	CHECK_EQ_INT(tcp_table_stats(R.t)->evicted, 2);
	CHECK_EQ_INT(tcp_table_stats(R.t)->active, 2);
	CHECK_EQ_INT(tcp_table_stats(R.t)->peak_active, 2);
	finish();
	CHECK_EQ_INT(fr(3)->why, TCP_CLOSE_END);
	CHECK_EQ_INT(fr(4)->why, TCP_CLOSE_END);
	CHECK_EQ_INT(tcp_table_stats(R.t)->evicted, 2);
	CHECK_EQ_INT(tcp_table_stats(R.t)->closed_end, 2);
	CHECK_EQ_INT(tcp_table_stats(R.t)->flows, 4);
	end();
}

static void test_idle(void)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.idle_timeout_ns = 10LL * 1000000000;
	start_cfg(&cfg);
	R.cport = 40001;
	handshake();			/* 1-3 at 1-3 ms */
	tx(CLI, C + 1, S + 1, PA, "x"); /* 4 */
	R.cport = 40002;
	R.ts_base = 9LL * 1000000000; /* frame 5 at 9.005 s: not yet */
	tx(CLI, C, 0, TCPF_SYN, NULL);
	CHECK_EQ_INT(fr(1)->closes, 0);
	R.ts_base = 11LL * 1000000000; /* frame 6 at 11.006 s */
	tx(SRV, S, C + 1, TCPF_SYN | A, NULL);
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_IDLE);
	CHECK_EQ_INT(fr(2)->closes, 0);
	/* The idle flow's ports come back: a new flow. */
	R.cport = 40001;
	tx(CLI, C + 2, S + 1, PA, "y"); /* 7 */
	CHECK_EQ_INT(fr(3)->opens, 1);
	finish();
	CHECK_EQ_INT(tcp_table_stats(R.t)->closed_idle, 1);
	CHECK_EQ_INT(fr(3)->midstream, 1);
	CHECK_EQ_STR(fr(3)->text[0], "y");
	/* Timestamps far apart must not overflow the idle arithmetic. */
	end();
	start_cfg(&cfg);
	R.ts_base = INT64_MIN + 1000;
	tx(CLI, C, 0, TCPF_SYN, NULL);
	R.ts_base = INT64_MAX - 1000000000;
	R.cport = 40009;
	tx(CLI, C, 0, TCPF_SYN, NULL);
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_IDLE);
	finish();
	end();
}

static void test_max_buffer(void)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.max_buffer = 8;

	/* Past the ceiling the oldest hole is given up as a gap. */
	start_cfg(&cfg);
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abc");    /* 4 */
	tx(CLI, C + 7, S + 1, PA, "ghijk");  /* 5: held 5 */
	tx(CLI, C + 13, S + 1, PA, "mnopq"); /* 6: 10 > 8 */
	CHECK_EQ_STR(fr(1)->text[0], "abc[gap 3]ghijk");
	CHECK_EQ_INT(tcp_table_stats(R.t)->buffer_overflows, 1);
	CHECK_EQ_INT(tcp_table_stats(R.t)->buffered_bytes, 5);
	tx(CLI, C + 12, S + 1, PA, "l"); /* 7 */
	CHECK_EQ_STR(fr(1)->text[0], "abc[gap 3]ghijklmnopq");
	CHECK_EQ_INT(R.nc, 5);
	CHUNK(1, 0, 1, 3, 3, 5); /* named after the data that follows */
	CHUNK(2, 0, 0, 6, 5, 5);
	CHUNK(3, 0, 0, 11, 1, 7);
	CHUNK(4, 0, 0, 12, 5, 6);
	finish();
	CHECK(tcp_table_stats(R.t)->peak_buffered_bytes <= 8);
	end();

	/* A segment that fills the hole is not held, so it cannot overflow. */
	start_cfg(&cfg);
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abc");     /* 4 */
	tx(CLI, C + 7, S + 1, PA, "ghijklm"); /* 5: held 7 */
	tx(CLI, C + 4, S + 1, PA, "def");     /* 6 */
	CHECK_EQ_STR(fr(1)->text[0], "abcdefghijklm");
	CHECK_EQ_INT(tcp_table_stats(R.t)->buffer_overflows, 0);
	finish();
	end();

	/* A segment inside the first hole: the gap stops where it starts. */
	start_cfg(&cfg);
	handshake();
	tx(CLI, C + 1, S + 1, PA, "a");	      /* 4 */
	tx(CLI, C + 11, S + 1, PA, "klmnop"); /* 5: held 6 */
	tx(CLI, C + 5, S + 1, PA, "efg");     /* 6: 9 > 8 */
	CHECK_EQ_STR(fr(1)->text[0], "a[gap 3]efg");
	CHECK_EQ_INT(tcp_table_stats(R.t)->buffer_overflows, 1);
	tx(CLI, C + 8, S + 1, PA, "hij"); /* 7 */
	CHECK_EQ_STR(fr(1)->text[0], "a[gap 3]efghijklmnop");
	finish();
	end();

	/* One segment bigger than the ceiling, nothing held. */
	start_cfg(&cfg);
	handshake();
	tx(CLI, C + 4, S + 1, PA, "0123456789"); /* 4 */
	CHECK_EQ_STR(fr(1)->text[0], "[gap 3]0123456789");
	CHECK_EQ_INT(tcp_table_stats(R.t)->buffer_overflows, 1);
	finish();
	CHECK_EQ_INT(tcp_table_stats(R.t)->peak_buffered_bytes, 0);
	end();
}

static void test_ignore(void)
{
	start();
	R.ignore_id = 1;
	R.ignore_after = 3;
	handshake();
	tx(CLI, C + 4, S + 1, PA, "def"); /* 4: held */
	CHECK_EQ_INT(tcp_table_stats(R.t)->buffered_bytes, 3);
	tx(CLI, C + 1, S + 1, PA, "abc"); /* 5: handler ignores on "abc" */
	CHECK_EQ_STR(fr(1)->text[0], "abc");
	CHECK_EQ_INT(tcp_table_stats(R.t)->buffered_bytes, 0);
	tx(CLI, C + 10, S + 1, PA, "jk");   /* 6: not buffered */
	tx(CLI, C + 7, S + 1, PA, "ghi");   /* 7: not delivered */
	tx(SRV, S + 1, C + 12, PA, "resp"); /* 8 */
	CHECK_EQ_INT(tcp_table_stats(R.t)->buffered_bytes, 0);
	tx(CLI, C + 12, S + 5, FA, NULL);
	tx(SRV, S + 5, C + 13, FA, NULL);
	/* Its FINs end it: nothing before them is waited for. */
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_FIN);
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "abc");
	CHECK_EQ_STR(fr(1)->text[1], "");
	CHECK_EQ_INT(R.nc, 1);
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_INT(fr(1)->st[0].dropped_ignored, 5);
	CHECK_EQ_INT(fr(1)->st[1].dropped_ignored, 4);
	CHECK_EQ_INT(fr(1)->st[0].payload_segments, 4);
	CHECK_EQ_INT(tcp_table_stats(R.t)->ignored_flows, 1);
	end();
}

/* A closed flow lingers (late segments are counted) for linger_ns of
 * capture time, then leaves; a lingering flow is the first to make room. */
static void test_linger(void)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	CHECK_EQ_INT(cfg.linger_ns, 30LL * 1000000000);
	start_cfg(&cfg);
	R.cport = 40001;
	handshake();			 /* 1-3 */
	tx(CLI, C + 1, S + 1, PA, "ab"); /* 4 */
	tx(CLI, C + 3, S + 1, FA, NULL); /* 5 */
	tx(SRV, S + 1, C + 4, FA, NULL); /* 6 */
	tx(CLI, C + 4, S + 2, A, NULL);	 /* 7 */
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_FIN);
	R.ts_base = 20LL * 1000000000;
	tx(CLI, C + 1, S + 1, PA, "ab"); /* 8 at 20 s: a late retransmission */
	CHECK_EQ_INT(fr(1)->releases, 0);
	R.cport = 40002;
	R.ts_base = 51LL * 1000000000; /* 31 s after its last segment */
	tx(CLI, C, 0, TCPF_SYN, NULL); /* 9: flow 2 */
	CHECK_EQ_INT(fr(1)->releases, 1);
	CHECK_EQ_INT(fr(1)->released_segments, 6);
	CHECK_EQ_INT(fr(1)->released_last_frame, 8);
	CHECK_EQ_INT(tcp_table_stats(R.t)->active, 1);
	CHECK_EQ_INT(tcp_table_stats(R.t)->closed_fin, 1);
	CHECK_EQ_INT(tcp_table_stats(R.t)->closed_idle, 0);
	finish();
	end();

	/* Room for a new flow: the lingering one goes, not the open one. */
	cfg.max_flows = 2;
	start_cfg(&cfg);
	R.cport = 40001;
	handshake(); /* flow 1 */
	tx(CLI, C + 1, S + 1, FA, NULL);
	tx(SRV, S + 1, C + 2, FA, NULL);
	R.cport = 40002;
	handshake(); /* flow 2, open, more recent */
	R.cport = 40001;
	tx(CLI, C + 2, S + 2, A, NULL); /* flow 1 lingers, most recently active */
	R.cport = 40003;
	tx(CLI, C, 0, TCPF_SYN, NULL); /* flow 3 */
	CHECK_EQ_INT(fr(1)->releases, 1);
	CHECK_EQ_INT(fr(2)->closes, 0);
	CHECK_EQ_INT(tcp_table_stats(R.t)->evicted, 0);
	finish();
	end();
}

/* Bytes the peer acknowledged leave the ring of recent bytes: a
 * retransmission of them is counted, not compared. */
static void test_ring_acked(void)
{
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abc"); /* 4 */
	tx(CLI, C + 1, S + 1, PA, "aXc"); /* 5: compared: differs */
	tx(SRV, S + 1, C + 4, A, NULL);	  /* 6: all of it acknowledged */
	tx(CLI, C + 1, S + 1, PA, "aYc"); /* 7: not compared */
	tx(CLI, C + 4, S + 1, PA, "de");  /* 8: the ring again */
	tx(CLI, C + 4, S + 1, PA, "dZ");  /* 9: compared: differs */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "abcde");
	CHECK_EQ_INT(fr(1)->st[0].retransmits, 3);
	CHECK_EQ_INT(fr(1)->st[0].overlap_conflicts, 2);
	end();
}

static void test_snaplen_cut(void)
{
	start();
	handshake();
	txw(CLI, C + 1, S + 1, PA, "abc", 3, 6); /* 4: "def" cut off */
	CHECK_EQ_STR(fr(1)->text[0], "abc[gap 3]");
	tx(CLI, C + 7, S + 1, PA, "ghi");      /* 5 */
	txw(CLI, C + 10, S + 1, PA, "", 0, 4); /* 6: header only */
	tx(CLI, C + 14, S + 1, PA, "z");       /* 7 */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "abc[gap 3]ghi[gap 4]z");
	CHECK_EQ_INT(R.nc, 5);
	CHUNK(0, 0, 0, 0, 3, 4);
	CHUNK(1, 0, 1, 3, 3, 4);
	CHUNK(3, 0, 1, 9, 4, 6);
	CHECK_EQ_INT(fr(1)->st[0].snaplen_cut, 2);
	CHECK_EQ_INT(fr(1)->st[0].gaps, 2);
	CHECK_EQ_INT(fr(1)->st[0].bytes, 7);

	/* A cut segment ahead of a hole: the cut tail is a gap once the hole
	 * closes. */
	end();
	start();
	handshake();
	txw(CLI, C + 4, S + 1, PA, "de", 2, 3); /* 4: "f" cut, held */
	tx(CLI, C + 7, S + 1, PA, "ghi");	/* 5 */
	tx(CLI, C + 1, S + 1, PA, "abc");	/* 6 */
	tx(SRV, S + 1, C + 10, A, NULL);	/* 7 */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "abcde[gap 1]ghi");
	end();
}

static void test_tfo(void)
{
	start();
	tx(CLI, C, 0, TCPF_SYN, "GET /");      /* 1: data in the SYN */
	tx(SRV, S, C + 6, TCPF_SYN | A, "hi"); /* 2: and in the SYN-ACK */
	tx(CLI, C + 6, S + 3, PA, " HTTP");    /* 3 */
	tx(CLI, C, 0, TCPF_SYN, "GET /");      /* 4: SYN retransmitted */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "GET / HTTP");
	CHECK_EQ_STR(fr(1)->text[1], "hi");
	CHECK_EQ_INT(R.nc, 3);
	CHUNK(0, 0, 0, 0, 5, 1);
	CHUNK(1, 1, 0, 0, 2, 2);
	CHUNK(2, 0, 0, 5, 5, 3);
	CHECK_EQ_INT(fr(1)->st[0].retransmits, 1);
	CHECK_EQ_INT(fr(1)->st[0].syn, 2);
	CHECK_EQ_INT(fr(1)->closes, 1);
	end();
}

static void test_ipv6_and_free(void)
{
	/* IPv6 endpoints, and tcp_table_free() closing what is still open. */
	start();
	struct tcp_seg s;
	memset(&s, 0, sizeof s);
	s.src.family = s.dst.family = 6;
	s.src.addr[15] = 1;
	s.dst.addr[15] = 2;
	s.src.port = 50000;
	s.dst.port = 443;
	s.seq = 1;
	s.flags = TCPF_SYN;
	s.frame = 1;
	tcp_table_input(R.t, &s);
	s.flags = TCPF_PSH | TCPF_ACK;
	s.seq = 2;
	s.payload.p = (const uint8_t *)"v6";
	s.payload.n = s.wire_len = 2;
	s.frame = 2;
	tcp_table_input(R.t, &s);
	CHECK_EQ_STR(fr(1)->text[0], "v6");
	CHECK_EQ_INT(fr(1)->closes, 0);
	tcp_table_free(R.t);
	CHECK_EQ_INT(fr(1)->closes, 1);
	CHECK_EQ_INT(fr(1)->why, TCP_CLOSE_END);
	tcp_table_free(NULL);
	CHECK_EQ_STR(tcp_close_reason_str(TCP_CLOSE_EVICTED), "evicted");
}

/* Issue 14: several SYN-ACKs with different ISNs (a retransmitting
 * middlebox, or a server that restarted its half-open connection): the
 * server's bytes follow the one the client acknowledges, not the first. */
static void test_syn_ack_isns(void)
{
	start();
	tx(CLI, C, 0, TCPF_SYN, NULL);		  /* 1 */
	tx(SRV, S, C + 1, TCPF_SYN | A, NULL);	  /* 2: ISN S */
	tx(SRV, 7000, C + 1, TCPF_SYN | A, NULL); /* 3: ISN 7000 */
	tx(CLI, C + 1, 7001, A, NULL);		  /* 4: the client took 7000 */
	tx(SRV, 7001, C + 1, PA, "server");	  /* 5 */
	tx(CLI, C + 1, 7007, PA, "client");	  /* 6 */
	finish();
	CHECK_EQ_STR(fr(1)->text[1], "server");
	CHECK_EQ_STR(fr(1)->text[0], "client");
	CHECK_EQ_INT(fr(1)->st[1].syn, 2);
	CHECK_EQ_INT(fr(1)->st[1].gaps, 0);
	end();

	/* The client acknowledges the first: the second is ignored. */
	start();
	tx(CLI, C, 0, TCPF_SYN, NULL);
	tx(SRV, S, C + 1, TCPF_SYN | A, NULL);
	tx(SRV, 7000, C + 1, TCPF_SYN | A, NULL);
	tx(CLI, C + 1, S + 1, A, NULL);
	tx(SRV, S + 1, C + 1, PA, "first");
	finish();
	CHECK_EQ_STR(fr(1)->text[1], "first");
	CHECK_EQ_INT(fr(1)->st[1].gaps, 0);
	end();

	/* Data under the later ISN before the client's ACK: held, then
	 * delivered once the ACK picks that ISN. */
	start();
	tx(CLI, C, 0, TCPF_SYN, NULL);
	tx(SRV, S, C + 1, TCPF_SYN | A, NULL);
	tx(SRV, 7000, C + 1, TCPF_SYN | A, NULL);
	tx(SRV, 7001, C + 1, PA, "early");
	tx(CLI, C + 1, 7006, A, NULL);
	finish();
	CHECK_EQ_STR(fr(1)->text[1], "early");
	CHECK_EQ_INT(fr(1)->st[1].gaps, 0);
	end();
}

/* Issue 14: the client's first bytes ride on the third packet of the
 * handshake (the ACK of the SYN-ACK). */
static void test_data_on_handshake_ack(void)
{
	start();
	tx(CLI, C, 0, TCPF_SYN, NULL);
	tx(SRV, S, C + 1, TCPF_SYN | A, NULL);
	tx(CLI, C + 1, S + 1, PA, "hello"); /* 3: ACK of the handshake, with data */
	tx(SRV, S + 1, C + 6, PA, "hi");
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "hello");
	CHECK_EQ_STR(fr(1)->text[1], "hi");
	end();

	/* The SYN-ACK missing from the capture: the server's ISN comes from
	 * the client's acknowledgement. */
	start();
	tx(CLI, C, 0, TCPF_SYN, NULL);
	tx(CLI, C + 1, S + 1, PA, "hello");
	tx(SRV, S + 1, C + 6, PA, "hi");
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "hello");
	CHECK_EQ_STR(fr(1)->text[1], "hi");
	end();
}

/* Issue 14: the other copy of a conflicting overlap is kept for the
 * dissector (tcp_alt_overlay), the kept copy is still what is delivered. */
static void test_other_copies(void)
{
	/* Delivered, then a retransmission that differs. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abcdef"); /* 4 */
	tx(CLI, C + 3, S + 1, PA, "XY");     /* 5 */
	tx(CLI, C + 1, S + 1, PA, "abc");    /* 6: the same: nothing kept */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "abcdef");
	CHECK_EQ_STR(fr(1)->other[0], "abXYef");
	CHECK_EQ_INT(fr(1)->other_changed[0], 2);
	CHECK_EQ_INT(fr(1)->other_changed[1], 0);
	end();

	/* Held ahead of a hole (hold), and at the edge (merge_at_edge), and
	 * partly before the edge (skip_delivered): later copies win in the
	 * overlay where they overlap each other. */
	start();
	handshake();
	tx(CLI, C + 4, S + 1, PA, "def");   /* 4: held */
	tx(CLI, C + 5, S + 1, PA, "EF");    /* 5: conflicts with held "ef" */
	tx(CLI, C + 1, S + 1, PA, "abcDe"); /* 6: at the edge, "D" conflicts */
	tx(CLI, C + 6, S + 1, PA, "Fgh");   /* 7: partly delivered: "F" conflicts */
	finish();
	CHECK_EQ_STR(fr(1)->text[0], "abcdefgh");
	CHECK_EQ_STR(fr(1)->other[0], "abcDeFgh"); /* "e" came after "E" */
	CHECK_EQ_INT(fr(1)->st[0].overlap_conflicts, 3);
	end();

	/* At most TCP_ALTS copies: the oldest makes room. */
	start();
	handshake();
	tx(CLI, C + 1, S + 1, PA, "abcdefgh"); /* 4 */
	for (uint32_t i = 0; i < TCP_ALTS + 1; i++)
		tx(CLI, C + 1 + i, S + 1, PA, "X");
	finish();
	CHECK_EQ_STR(fr(1)->other[0], "aXXXXfgh");
	end();
}

int main(void)
{
	test_in_order();
	test_reversed();
	test_duplicates();
	test_overlaps();
	test_gap();
	test_gap_at_end();
	test_wrap();
	test_midstream();
	test_interleaved();
	test_ordering();
	test_closes();
	test_port_reuse();
	test_eviction();
	test_idle();
	test_max_buffer();
	test_ignore();
	test_linger();
	test_ring_acked();
	test_snaplen_cut();
	test_tfo();
	test_ipv6_and_free();
	test_syn_ack_isns();
	test_data_on_handshake_ack();
	test_other_copies();
	return t_done("tcp");
}

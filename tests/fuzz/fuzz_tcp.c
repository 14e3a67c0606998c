/*
 * fuzz_tcp.c - tcp_table_input() on hostile segment sequences.
 *
 * Input: a 6-byte header, then records that each become one segment.
 *
 *   header  max_flows-1 (low 2 bits; bit 7: consistent mode, below)
 *           max_buffer (u8, * 16 + 1 bytes)
 *           idle timeout (u8, s; 0: the default)  ignore-after (u8: the
 *           handler ignores a flow once it delivered this many bytes * 8;
 *           0: never)  ISN seed (u16)
 *   record  b0 flags: bits 0-5 TCP FIN SYN RST PSH ACK URG, bit 6 direction
 *              (server to client), bit 7 flow (two address pairs)
 *           b1-b2 seq delta (int16), b3-b4 ack delta (int16): relative to
 *              where that direction's stream stands in this model, so the
 *              fuzzer reaches in-window, overlapping and wrapping numbers
 *           b5 payload length, b6 snaplen cut (bytes missing on the wire,
 *              low 4 bits; bit 7 steps time back), b7 time step (100 ms)
 *           payload (what is left if shorter)
 *
 * The handler checks what reassembly promises: chunks of a direction are
 * contiguous from offset 0, data chunks are readable, close comes once per
 * flow and release once after it, nothing stays buffered at the end.
 *
 * In consistent mode the payload bytes are not taken from the input but
 * computed from their own sequence number, flow and direction (a sender
 * that never contradicts itself). Then every delivered byte must be the
 * one that belongs at its stream offset (isn + off): any misplaced,
 * shifted or cross-direction byte aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXTRACK 4096

static struct {
	struct tcp_table *t;
	uint64_t ignore_after;
	int consistent;
	struct trk {
		uint64_t next[2];
		int opened, closed, released;
	} f[MAXTRACK];
} F;

static volatile uint8_t sink;

/* The byte a consistent sender puts at sequence number seq. */
static uint8_t gen(uint32_t seq, int flow, int from_server)
{
	uint32_t v = seq * 2654435761u ^ (uint32_t)(flow * 0x1000193 + from_server * 0x5bd1e995);
	return (uint8_t)(v >> 24 ^ v);
}

static struct trk *trk(const struct tcp_flow *f)
{
	if (f->id == 0 || f->id >= MAXTRACK)
		return NULL;
	return &F.f[f->id];
}

static void h_open(void *ctx, struct tcp_flow *f)
{
	struct trk *k = trk(f);
	(void)ctx;
	if (k) {
		if (k->opened)
			abort();
		k->opened = 1;
	}
}

static enum tcp_verdict h_data(void *ctx, struct tcp_flow *f, const struct tcp_chunk *c)
{
	struct trk *k = trk(f);
	(void)ctx;
	if (c->dir != 0 && c->dir != 1)
		abort();
	if (c->len == 0)
		abort();
	if (k) {
		if (!k->opened || k->closed || c->off != k->next[c->dir])
			abort();
		k->next[c->dir] = c->off + c->len;
	}
	if (f->ignored)
		abort();
	if (c->data) {
		uint8_t acc = 0;
		for (size_t i = 0; i < c->len; i++)
			acc ^= c->data[i];
		sink = acc;
	}
	if (c->data && F.consistent) {
		const struct endpoint *snd = &f->ep[c->dir];
		int from_server = snd->port == 443;
		int flow = (from_server ? f->ep[1 - c->dir].port : snd->port) - 40000;
		uint32_t seq0 = f->d[c->dir].isn + (uint32_t)c->off;
		for (size_t i = 0; i < c->len; i++)
			if (c->data[i] != gen(seq0 + (uint32_t)i, flow, from_server))
				abort();
	}
	if (F.ignore_after && f->d[0].st.bytes + f->d[1].st.bytes >= F.ignore_after)
		return TCP_IGNORE;
	return TCP_KEEP;
}

static void h_close(void *ctx, struct tcp_flow *f, enum tcp_close_reason why)
{
	struct trk *k = trk(f);
	(void)ctx;
	if ((int)why < TCP_CLOSE_FIN || why > TCP_CLOSE_END)
		abort();
	if (f->d[0].ooo || f->d[1].ooo)
		abort(); /* everything held was delivered or dropped */
	if (k) {
		if (!k->opened || k->closed)
			abort();
		k->closed = 1;
	}
}

static void h_release(void *ctx, struct tcp_flow *f)
{
	struct trk *k = trk(f);
	(void)ctx;
	if (k) {
		if (!k->closed || k->released)
			abort();
		k->released = 1;
	}
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 6)
		return 0;
	memset(&F, 0, sizeof F);
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.max_flows = (size_t)(data[0] & 3) + 1;
	F.consistent = (data[0] & 0x80) != 0;
	cfg.max_buffer = (size_t)data[1] * 16 + 1;
	if (data[2])
		cfg.idle_timeout_ns = (int64_t)data[2] * 1000000000;
	F.ignore_after = (uint64_t)data[3] * 8;
	uint32_t isn = (uint32_t)be16(data + 4) * 0x10001u;
	struct tcp_handler h = { NULL, h_open, h_data, h_close, h_release };
	F.t = tcp_table_new(&cfg, &h);

	/* Where each flow's directions stand in sequence space (the model
	 * only steers numbers; reassembly decides what they mean). */
	uint32_t seq[2][2] = { { isn, isn ^ 0x5a5a5a5a }, { isn + 7, ~isn } };
	int64_t ts = 0;
	uint64_t frame = 0;
	size_t at = 6;
	while (size - at >= 8) {
		const uint8_t *r = data + at;
		at += 8;
		int fl = r[0] >> 7, dir = (r[0] >> 6) & 1;
		size_t plen = r[5];
		if (plen > size - at)
			plen = size - at;
		struct tcp_seg s;
		memset(&s, 0, sizeof s);
		s.src.family = s.dst.family = 4;
		s.src.addr[0] = s.dst.addr[0] = 10;
		s.src.addr[3] = (uint8_t)(dir ? 2 : 1);
		s.dst.addr[3] = (uint8_t)(dir ? 1 : 2);
		s.src.port = dir ? 443 : (uint16_t)(40000 + fl);
		s.dst.port = dir ? (uint16_t)(40000 + fl) : 443;
		s.flags = r[0] & 0x3f;
		s.seq = seq[fl][dir] + (uint32_t)(int32_t)(int16_t)be16(r + 1);
		s.ack = seq[fl][!dir] + (uint32_t)(int32_t)(int16_t)be16(r + 3);
		s.window = 1000;
		/* An exact-size copy: ASan sees reads past the payload. */
		uint8_t *copy = malloc(plen ? plen : 1);
		if (copy == NULL)
			break;
		if (plen)
			memcpy(copy, data + at, plen);
		if (F.consistent) {
			uint32_t first = s.seq + ((s.flags & TCPF_SYN) ? 1u : 0u);
			for (size_t i = 0; i < plen; i++)
				copy[i] = gen(first + (uint32_t)i, fl, dir);
		}
		s.payload.p = copy;
		s.payload.n = plen;
		s.wire_len = (uint32_t)plen + (r[6] & 0x0f);
		ts += (r[6] & 0x80) ? -(int64_t)r[7] * 100000000 : (int64_t)r[7] * 100000000;
		s.ts_ns = ts;
		s.frame = ++frame;
		tcp_table_input(F.t, &s);
		free(copy);
		at += plen;
		/* Move the model's edge along with what was sent. */
		if ((int16_t)be16(r + 1) >= 0)
			seq[fl][dir] = s.seq + (uint32_t)s.wire_len +
				       ((s.flags & (TCPF_SYN | TCPF_FIN)) ? 1u : 0u);
	}
	tcp_table_finish(F.t);
	const struct tcp_table_stats *st = tcp_table_stats(F.t);
	if (st->buffered_bytes != 0 || st->active != 0)
		abort();
	if (st->peak_buffered_bytes > (uint64_t)cfg.max_buffer * (cfg.max_flows * 2))
		abort();
	for (uint64_t id = 1; id < MAXTRACK && id <= st->flows; id++)
		if (!F.f[id].opened || !F.f[id].closed || !F.f[id].released)
			abort();
	tcp_table_free(F.t);
	return 0;
}

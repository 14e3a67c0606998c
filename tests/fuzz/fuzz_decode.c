/*
 * fuzz_decode.c - decode_packet() on hostile frames.
 *
 * Input: byte 0 picks the link type (low 4 bits index LINKTYPES) and the
 * mode (bit 7: a sequence of frames, each u16 big-endian length + bytes,
 * through one decoder so fragments can be reassembled, a length with bit
 * 15 set also moving the clock 31 s on, past the fragment timeout;
 * otherwise the rest is one frame). Every frame is decoded twice: as captured whole, and as
 * cut by a snaplen (origlen past caplen).
 *
 * Each frame is copied into an exact-size heap buffer so that ASan sees
 * any read past it. What comes out is checked: a TCP payload lies inside
 * the frame (or the decoder's reassembly buffer) and never exceeds the
 * length the IP header announced.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int LINKTYPES[16] = {
	LT_ETHERNET, LT_RAW,	    LT_NULL,	  LT_LOOP,	LT_LINUX_SLL, LT_LINUX_SLL2,
	LT_IPV4,     LT_IPV6,	    LT_RAW_DLT12, LT_RAW_DLT14, LT_ETHERNET,  LT_ETHERNET,
	LT_RAW,	     LT_LINUX_SLL2, 147,	  105,
};

static volatile uint8_t sink;

static void check(const struct decoded *out, enum decode_result r, const uint8_t *frame, size_t n)
{
	if (r == DEC_TCP) {
		const struct tcp_seg *s = &out->tcp;
		if (s->payload.n > s->wire_len)
			abort();
		/* Inside the frame, unless it came from a reassembled datagram. */
		if (s->payload.n && s->payload.p >= frame && s->payload.p < frame + n &&
		    (size_t)(s->payload.p - frame) + s->payload.n > n)
			abort();
		uint8_t acc = 0;
		for (size_t i = 0; i < s->payload.n; i++)
			acc ^= s->payload.p[i]; /* ASan: every byte readable */
		sink = acc;
		if (s->src.family != 4 && s->src.family != 6)
			abort();
	} else if (r == DEC_UDP) {
		const struct udp_dgram *u = &out->udp;
		if (u->payload.n > u->wire_len)
			abort();
		if (u->payload.n && u->payload.p >= frame && u->payload.p < frame + n &&
		    (size_t)(u->payload.p - frame) + u->payload.n > n)
			abort();
		uint8_t acc = 0;
		for (size_t i = 0; i < u->payload.n; i++)
			acc ^= u->payload.p[i]; /* ASan: every byte readable */
		sink = acc;
		if (u->src.family != 4 && u->src.family != 6)
			abort();
	} else if (r == DEC_DNS) {
		if (out->n_dns == 0 || out->n_dns > DECODE_MAX_DNS)
			abort();
		for (size_t i = 0; i < out->n_dns; i++)
			if (memchr(out->dns[i].name, 0, sizeof out->dns[i].name) == NULL)
				abort();
	} else if (r != DEC_SKIP && r != DEC_BAD && r != DEC_UNKNOWN_LINK) {
		abort();
	}
}

static void one(struct decoder *d, struct decode_stats *st, int lt, const uint8_t *p, size_t n,
		uint64_t frame, int64_t ts)
{
	static struct decoded out;
	for (int cut = 0; cut < 2; cut++) {
		uint8_t *copy = malloc(n ? n : 1);
		if (copy == NULL)
			return;
		if (n)
			memcpy(copy, p, n);
		struct pkt pk;
		memset(&pk, 0, sizeof pk);
		pk.frame = frame;
		pk.ts_ns = ts;
		pk.caplen = (uint32_t)n;
		pk.origlen = (uint32_t)n + (cut ? 64 : 0);
		pk.linktype = lt;
		pk.data = copy;
		enum decode_result r = decode_packet(d, &pk, &out, st);
		check(&out, r, copy, n);
		free(copy);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int lt = LINKTYPES[data[0] & 0x0f];
	struct decoder *d = decoder_new();
	struct decode_stats st;
	memset(&st, 0, sizeof st);
	if (data[0] & 0x80) {
		size_t at = 1;
		uint64_t frame = 1;
		int64_t ts = 0;
		while (size - at >= 2) {
			size_t len = (size_t)data[at] << 8 | data[at + 1];
			at += 2;
			if (len & 0x8000)
				ts += 31LL * 1000000000;
			len &= 0x7fff;
			if (len > size - at)
				len = size - at;
			one(d, &st, lt, data + at, len, frame, ts + (int64_t)frame * 1000000);
			frame++;
			at += len;
		}
	} else {
		one(d, &st, lt, data + 1, size - 1, 1, 1000000);
	}
	if (st.malformed > st.frames)
		abort();
	decoder_free(d);
	return 0;
}

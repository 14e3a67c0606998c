/*
 * test_tls_stream.c - the TLS stream machine (dissect/tls.c) driven through
 * a real tcp_table with synthetic segments (or, for exact gaps, through
 * the handler's data callback with tcp_chunk values), checking the model
 * it emits exactly: every ladder entry with its side and frame, chains,
 * alerts, notes, and the dissector's and table's counters.
 *
 * Records, messages spanning records and segments, gaps, false headers and
 * limits here; STARTTLS, TLS 1.3, SSLv2, roles, alerts and truncation in
 * test_tls_stream_more.c. The fixture: tls_stream_fixture.h.
 */
#include "tests/unit/tls_stream_fixture.h"

/* ---- scenarios ---- */

static void test_tls12_basic(void)
{
	start(0);
	handshake3();
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, "server.tlsdiag.test");
	records(&r, 22, &h, 16384);
	send_(0, &r, 1460 * 4); /* frame 4 */
	bb_free(&h);
	bb_free(&r);
	server_flight(&h, 2);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* frame 5 */
	bb_free(&h);
	bb_free(&r);
	tls12_tail(1 << 16);		       /* frames 6, 7, 8, 9 */
	seg(0, TCPF_PSH, "after release", 13); /* frame 10: not delivered */
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s),
			     "c CH@4, s SH@5, s CERT@5, s SKE@5, s SHD@5, c CKE@6, c CCS@6, "
			     "c ENC@6, s CCS@7, s ENC@7, c APP@8, s APP@9");
		CHECK_EQ_STR(notes(s), "");
		check_endpoints(s);
		check_chain(s, SIDE_SERVER, 2, 1);
		CHECK_EQ_INT(s->chain[SIDE_SERVER].frame, 5);
		CHECK_EQ_INT(s->chain[SIDE_CLIENT].present, 0);
		CHECK_EQ_STR(s->ch.sni, "server.tlsdiag.test");
		CHECK_EQ_INT(s->ch.frame, 4);
		CHECK_EQ_INT(s->version, 0x0303);
		CHECK_EQ_INT(s->sh.cipher, 0xc02f);
		CHECK_EQ_INT(s->ske_present, 1);
		CHECK_EQ_INT(s->ske_group, 0x0017);
		CHECK_EQ_INT(s->handshake_done, 1);
		CHECK_EQ_INT(s->tls13, 0);
		CHECK_EQ_INT(s->n_alerts, 0);
		CHECK(s->starttls == NULL);
		CHECK_EQ_INT(s->flow_midstream, 0);
		CHECK_EQ_STR(s->file, "test.pcap");
		CHECK_EQ_INT(s->first_frame, 1);
	}
	/* Released once both sides sent application data. */
	CHECK_EQ_INT(tcp_table_stats(C.t)->ignored_flows, 1);
	const struct tls_stats *st = tls_dissector_stats(C.d);
	CHECK_EQ_INT(st->flows_seen, 1);
	CHECK_EQ_INT(st->flows_tls, 1);
	CHECK_EQ_INT(st->flows_not_tls, 0);
	CHECK_EQ_INT(st->sessions, 1);
	stop();
}

/* Messages spanning records, several messages in one record, records
 * spanning segments: the same model, frames of the completing segment. */
static void test_spanning(void)
{
	start(0);
	handshake3();
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 50); /* a ClientHello over 3 records */
	send_(0, &r, 1 << 16);	 /* frame 4 */
	bb_free(&h);
	bb_free(&r);
	/* SH + half the Certificate in one record; the rest of the
	 * Certificate, SKE and SHD in records of 1000 bytes; sent in
	 * segments of 700 bytes (frames 5..). */
	server_flight(&h, 3);
	records(&r, 22, &h, 1000);
	uint64_t f0 = C.frame;
	send_(1, &r, 700);
	uint64_t last = C.frame;
	bb_free(&h);
	bb_free(&r);
	tls12_tail(1 << 16);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		/* Which segment completes each message: SH ends at byte 4+... of
		 * the flight; compute from the layout. */
		struct bb sh = { 0 }, cert = { 0 };
		server_hello(&sh, 0, 0xc02f);
		certificate(&cert, 3);
		size_t flight = sh.n + cert.n + (4 + 1 + 2 + 1 + 65 + 2 + 2 + 256) + 4;
		size_t nrec = (flight + 999) / 1000;
		/* wire offset of handshake byte k: 5 per started record */
		size_t end_sh = sh.n + 5 * ((sh.n + 999) / 1000);
		size_t end_cert = sh.n + cert.n + 5 * ((sh.n + cert.n + 999) / 1000);
		size_t end_all = flight + 5 * nrec;
		char want[512];
		snprintf(want, sizeof want,
			 "c CH@4, s SH@%llu, s CERT@%llu, s SKE@%llu, s SHD@%llu, c CKE@%llu, "
			 "c CCS@%llu, c ENC@%llu, s CCS@%llu, s ENC@%llu, c APP@%llu, s APP@%llu",
			 (unsigned long long)(f0 + (end_sh + 699) / 700),
			 (unsigned long long)(f0 + (end_cert + 699) / 700),
			 (unsigned long long)last, (unsigned long long)last,
			 (unsigned long long)last + 1, (unsigned long long)last + 1,
			 (unsigned long long)last + 1, (unsigned long long)last + 2,
			 (unsigned long long)last + 2, (unsigned long long)last + 3,
			 (unsigned long long)last + 4);
		CHECK_EQ_INT(last, f0 + (end_all + 699) / 700);
		CHECK_EQ_STR(ladder(s), want);
		CHECK_EQ_STR(notes(s), "");
		check_chain(s, SIDE_SERVER, 3, 1);
		CHECK_EQ_INT(s->ch.present, 1);
		CHECK(s->ch.sni == NULL);
		bb_free(&sh);
		bb_free(&cert);
	}
	stop();
}

/* The server flight one byte per segment: record headers split at every
 * position; each message's frame is that of its last byte. */
static void test_one_byte_segments(void)
{
	start(0);
	handshake3();
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, "a.example");
	records(&r, 22, &h, 16384);
	send_(0, &r, 1);
	uint64_t ch_frame = C.frame;
	bb_free(&h);
	bb_free(&r);
	server_flight(&h, 2);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1);
	uint64_t end = C.frame;
	bb_free(&h);
	bb_free(&r);
	alert(&r, 2, 48);
	send_(0, &r, 1);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		struct bb sh = { 0 }, cert = { 0 };
		server_hello(&sh, 0, 0xc02f);
		certificate(&cert, 2);
		char want[256];
		uint64_t f0 = ch_frame;
		snprintf(want, sizeof want,
			 "c CH@%llu, s SH@%llu, s CERT@%llu, s SKE@%llu, s SHD@%llu, c ALERT2.48@%llu",
			 (unsigned long long)ch_frame, (unsigned long long)(f0 + 5 + sh.n),
			 (unsigned long long)(f0 + 5 + sh.n + cert.n),
			 (unsigned long long)(end - 4), (unsigned long long)end,
			 (unsigned long long)(end + 7));
		CHECK_EQ_STR(ladder(s), want);
		CHECK_EQ_STR(s->ch.sni, "a.example");
		check_chain(s, SIDE_SERVER, 2, 1);
		CHECK_EQ_INT(s->n_alerts, 1);
		CHECK_EQ_INT(s->alerts[0].side, SIDE_CLIENT);
		CHECK_EQ_INT(s->alerts[0].level, 2);
		CHECK_EQ_INT(s->alerts[0].desc, 48);
		CHECK_EQ_INT(s->alerts[0].encrypted, 0);
		CHECK_EQ_INT(s->handshake_done, 0);
		bb_free(&sh);
		bb_free(&cert);
	}
	stop();
}

/* An alert record between two records carrying one Certificate. */
static void test_alert_interleaved(void)
{
	start(0);
	handshake3();
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 4 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 0, 0x009c);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 5 */
	bb_free(&h);
	bb_free(&r);
	certificate(&h, 2);
	record(&r, 22, h.p, 300);
	send_(1, &r, 1 << 16); /* 6 */
	bb_free(&r);
	alert(&r, 1, 90);      /* warning user_canceled */
	send_(1, &r, 1 << 16); /* 7 */
	bb_free(&r);
	record(&r, 22, h.p + 300, h.n - 300);
	struct bb d = { 0 };
	shd(&d);
	record(&r, 22, d.p, d.n);
	send_(1, &r, 1 << 16); /* 8 */
	bb_free(&r);
	bb_free(&h);
	bb_free(&d);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s), "c CH@4, s SH@5, s ALERT1.90@7, s CERT@8, s SHD@8");
		check_chain(s, SIDE_SERVER, 2, 1);
		CHECK_EQ_INT(s->chain[SIDE_SERVER].frame, 8);
		CHECK_EQ_STR(notes(s), "");
	}
	stop();
}

/* A capture gap inside the Certificate record: the leaf before it is kept,
 * dissection resumes exactly at the next message of the same record. */
static void test_gap_in_record(void)
{
	for (int direct = 0; direct <= 1; direct++) {
		start(direct);
		if (!direct)
			handshake3();
		struct bb h = { 0 }, r = { 0 };
		client_hello(&h, 0, NULL);
		records(&r, 22, &h, 16384);
		send_(0, &r, 1 << 16);
		uint64_t fch = C.frame;
		bb_free(&h);
		bb_free(&r);
		server_flight(&h, 3);
		records(&r, 22, &h, 16384); /* one record */
		struct bb sh = { 0 };
		server_hello(&sh, 0, 0xc02f);
		/* hole: from the middle of the intermediate for 200 bytes */
		size_t hole = 5 + sh.n + 4 + 3 + 3 + pki[0]->der_len + 3 + 100;
		struct bb a = { 0 };
		putn(&a, r.p, hole);
		send_(1, &a, 1 << 16); /* fsrv */
		uint64_t fsrv = C.frame;
		bb_free(&a);
		putn(&a, r.p + hole + 200, r.n - hole - 200);
		if (direct) {
			chunk(1, NULL, 200);
			send_(1, &a, 1 << 16);
		} else {
			C.off[1] += 200;
			send_(1, &a, 1 << 16); /* held behind the hole */
			seg(0, 0, NULL, 0);    /* the client's ACK reveals it */
		}
		uint64_t fafter = direct ? C.frame : C.frame - 1;
		bb_free(&a);
		bb_free(&h);
		bb_free(&r);
		bb_free(&sh);
		finish();
		CHECK_EQ_INT(C.ns, 1);
		if (C.ns == 1) {
			struct tls_session *s = C.s[0];
			char want[256];
			/* The Certificate is read at its end (issue 14 item 4):
			 * the root after the hole is decoded, the intermediate
			 * the hole cut is counted lost. */
			snprintf(want, sizeof want,
				 "c CH@%llu, s SH@%llu, s GAP@%llu, s CERT*@%llu, s SKE@%llu, s SHD@%llu",
				 (unsigned long long)fch, (unsigned long long)fsrv,
				 (unsigned long long)(direct ? fafter - 1 : fafter),
				 (unsigned long long)fafter, (unsigned long long)fafter,
				 (unsigned long long)fafter);
			CHECK_EQ_STR(ladder(s), want);
			CHECK_EQ_STR(notes(s), "GAP, CERTSLOST");
			CHECK_EQ_INT(s->notes[0].bytes, 200);
			CHECK_EQ_INT(s->notes[0].side, SIDE_SERVER);
			CHECK_EQ_INT(s->notes[0].in_handshake, 1);
			CHECK_EQ_INT(s->notes[1].cap, 1);
			CHECK_EQ_INT(s->notes[1].bytes, 3 + pki[1]->der_len);
			const struct tls_chain *ch = &s->chain[SIDE_SERVER];
			CHECK_EQ_INT(ch->n, 2);
			CHECK_EQ_INT(ch->complete, 0);
			CHECK_EQ_INT(ch->lost, 1);
			CHECK_EQ_INT(ch->lost_exact, 1);
			CHECK_EQ_INT(ch->lost_at, 1);
			if (ch->n == 2) {
				CHECK_EQ_STR(ch->certs[0]->sha256_hex, pki[0]->sha256_hex);
				CHECK_EQ_STR(ch->certs[1]->sha256_hex, pki[2]->sha256_hex);
			}
			CHECK_EQ_INT(s->ske_group, 0x0017);
		}
		stop();
	}
}

/* A gap across a record boundary: the framing is lost and found again at
 * the next record header. */
static void test_gap_across_records(void)
{
	start(1);
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	/* SH in one record, Certificate in another, SKE, SHD in a third. */
	server_hello(&h, 0, 0xc02f);
	records(&r, 22, &h, 16384);
	size_t end_sh = r.n;
	bb_free(&h);
	certificate(&h, 2);
	records(&r, 22, &h, 16384);
	size_t end_cert = r.n;
	bb_free(&h);
	ske(&h);
	shd(&h);
	records(&r, 22, &h, 16384);
	struct bb a = { 0 };
	/* bytes: SH record, the Certificate record up to 50 bytes into the
	 * intermediate; then a gap to 10 bytes before its end; then those 10
	 * bytes + the last record. */
	size_t cut = end_sh + 5 + 4 + 3 + 3 + pki[0]->der_len + 3 + 50;
	putn(&a, r.p, cut);
	send_(1, &a, 1 << 16); /* 2 */
	bb_free(&a);
	chunk(1, NULL, end_cert - 10 - cut); /* 3: still inside */
	putn(&a, r.p + end_cert - 10, r.n - (end_cert - 10));
	send_(1, &a, 1 << 16); /* 4 */
	bb_free(&a);
	/* Now a gap that swallows a record boundary: the next flight's CCS
	 * header and half the Finished record. */
	bb_free(&r);
	ccs(&r);
	opaque(&r, 22, 40);
	opaque(&r, 23, 50);
	chunk(0, NULL, 20); /* 5 */
	putn(&a, r.p + 20, r.n - 20);
	send_(0, &a, 1 << 16); /* 6 */
	bb_free(&a);
	bb_free(&r);
	bb_free(&h);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s),
			     "c CH@1, s SH@2, s GAP@3, s CERT*@4, s SKE@4, s SHD@4, c GAP@5, "
			     "c APP@6");
		CHECK_EQ_STR(notes(s), "GAP, CERTSLOST, GAP");
		check_chain(s, SIDE_SERVER, 1, 0);
	}
	stop();
}

/* Joined mid-record: a gap first, then the tail of a record, then records.
 * Nothing crashes; the hunt needs two headers in a row. */
static void test_gap_at_start(void)
{
	start(1);
	struct bb h = { 0 }, r = { 0 };
	chunk(1, NULL, 3000); /* 1 */
	certificate(&h, 2);
	records(&r, 22, &h, 16384);
	bb_free(&h);
	ske(&h);
	records(&r, 22, &h, 16384);
	bb_free(&h);
	shd(&h);
	records(&r, 22, &h, 16384);
	struct bb a = { 0 };
	putn(&a, r.p + 700, r.n - 700); /* inside the Certificate record */
	send_(1, &a, 1 << 16);		/* 2 */
	bb_free(&a);
	bb_free(&h);
	bb_free(&r);
	alert(&r, 2, 42);
	send_(0, &r, 1 << 16); /* 3: the client's alert, a clean record */
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s), "s SKE@2, s SHD@2, c ALERT2.42@3");
		CHECK_EQ_STR(notes(s), "MIDSTREAM");
		CHECK_EQ_INT(s->chain[SIDE_SERVER].present, 0);
	}
	const struct tls_stats *st = tls_dissector_stats(C.d);
	CHECK_EQ_INT(st->flows_tls, 1);
	stop();

	/* The same through the table: no SYN seen, the first segment starts
	 * inside a record (a mid-stream join). */
	start(0);
	certificate(&h, 2);
	records(&r, 22, &h, 16384);
	bb_free(&h);
	shd(&h);
	records(&r, 22, &h, 16384);
	putn(&a, r.p + 900, r.n - 900);
	send_(1, &a, 1 << 16);
	bb_free(&a);
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		/* One record that stands alone (a ServerHelloDone filling it
		 * exactly) is enough; the ServerHelloDone tells the roles
		 * although TCP saw the server first. */
		CHECK_EQ_STR(ladder(C.s[0]), "s SHD@1");
		CHECK_EQ_STR(notes(C.s[0]), "MIDSTREAM");
		CHECK_EQ_INT(C.s[0]->flow_midstream, 1);
		check_endpoints(C.s[0]);
	}
	stop();

	/* Garbage after a gap at the start: released once the hunt budget is
	 * spent, no session. */
	start(1);
	chunk(0, NULL, 100);
	uint8_t junk[4096];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (uint8_t)(i * 7 + 1);
	for (int i = 0; i < 100; i++)
		chunk(0, junk, sizeof junk);
	finish();
	CHECK_EQ_INT(C.ns, 0);
	CHECK_EQ_INT(tls_dissector_stats(C.d)->flows_not_tls, 1);
	stop();
}

/* A record header with a length over 2^14 + 2048: malformed; dissection
 * resumes at the next plausible header. */
static void test_oversized_record(void)
{
	start(1);
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 0, 0xc02f);
	records(&r, 22, &h, 16384);
	put8(&r, 22);
	put16(&r, 0x0303);
	put16(&r, 0x4801); /* 18433 */
	fill(&r, 0, 30);
	bb_free(&h);
	shd(&h);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 2 */
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		CHECK_EQ_STR(ladder(C.s[0]), "c CH@1, s SH@2, s SHD@2");
		CHECK_EQ_STR(notes(C.s[0]), "MALFORMED");
		CHECK_EQ_INT(C.s[0]->sh.present, 1);
	}
	stop();
}

/* False record headers back to back in one large chunk (each a zero-length
 * record followed by a byte that is not a header): every one is noted (up
 * to the notes cap) and skipped in place; the real record after them is
 * found. This used to recurse once per false header, copying the rest of
 * the chunk each time (about 100 MB and 5000 stack frames for 32 KB). */
static void test_false_headers(void)
{
	start(1);
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 0, 0xc02f);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 2 */
	bb_free(&r);
	for (int i = 0; i < 10000; i++) {
		put8(&r, 22);
		put16(&r, 0x0303);
		put16(&r, 0);
		put8(&r, 0);
	}
	bb_free(&h);
	shd(&h);
	records(&r, 22, &h, 16384);
	struct rusage before, after;
	getrusage(RUSAGE_SELF, &before);
	send_(1, &r, 1 << 17); /* 3: one chunk of 60 KB */
	getrusage(RUSAGE_SELF, &after);
	/* Peak memory may not grow by a multiple of the input. */
	CHECK(after.ru_maxrss - before.ru_maxrss < 20 * 1024);
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		CHECK_EQ_STR(ladder(C.s[0]), "c CH@1, s SH@2, s SHD@3");
		CHECK_EQ_INT(C.s[0]->n_notes, 256);
		CHECK_EQ_INT(C.s[0]->notes[255].kind, NOTE_MALFORMED);
	}
	stop();
}

/* Handshake messages over our 1 MiB cap: skipped exactly by their length;
 * a 16 MiB claim that the stream never fills. */
static void test_huge_message(void)
{
	start(1);
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 0, 0xc02f);
	put8(&h, 11);
	put24(&h, (1u << 20) + 1); /* one byte over the cap, really sent */
	for (size_t i = 0; i < (1u << 20) + 1; i++)
		put8(&h, (unsigned)(i & 0xff));
	shd(&h);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16);
	uint64_t last = C.frame;
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		char want[128];
		snprintf(want, sizeof want, "c CH@1, s SH@2, s CERT*@2, s SHD@%llu",
			 (unsigned long long)last);
		CHECK_EQ_STR(ladder(C.s[0]), want);
		CHECK_EQ_STR(notes(C.s[0]), "LIMIT");
		CHECK_EQ_INT(C.s[0]->ladder[2].length, (1u << 20) + 1);
		CHECK_EQ_INT(C.s[0]->chain[SIDE_SERVER].present, 0);
	}
	stop();

	start(1);
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	put8(&h, 11);
	put24(&h, 0xffffff);
	fill(&h, 0x30, 40000);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1000); /* 2.. */
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		CHECK_EQ_STR(ladder(C.s[0]), "c CH@1, s CERT*@2");
		CHECK_EQ_STR(notes(C.s[0]), "LIMIT");
	}
	stop();
}

int main(void)
{
	if (fixture_init() != 0)
		return 1;
	test_tls12_basic();
	test_spanning();
	test_one_byte_segments();
	test_alert_interleaved();
	test_gap_in_record();
	test_gap_across_records();
	test_gap_at_start();
	test_oversized_record();
	test_false_headers();
	test_huge_message();

	x509_free_list(pki, npki);
	return t_done("tls_stream");
}

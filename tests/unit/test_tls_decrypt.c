/*
 * test_tls_decrypt.c - key-log decryption through the TLS stream machine
 * (dissect/tls.c + tls_decrypt.c), on RFC 8448 §3's published TLS 1.3
 * trace: its records are fed to the dissector's TCP handler as the two
 * byte streams, with the trace's secrets in a key log, and the session
 * model it emits is checked: what was decrypted, the chain, the
 * Finished checks, alerts; then the same with a wrong secret, no secret,
 * the secrets from a pcapng Decryption Secrets Block, bytes in 1-byte
 * pieces, a gap inside a protected record and a record lost whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>

#include "capture/xalloc.h"
#include "dissect/certcache.h"
#include "dissect/keylog.h"
#include "dissect/tls.h"
#include "dissect/tls_crypt.h"
#include "tests/unit/data/keylog/rfc8448.h"
#include "tests/unit/t.h"

#define CR "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7"

struct run {
	struct cert_cache *cc;
	struct tls_dissector *d;
	struct tcp_handler h;
	struct tcp_flow flow;
	struct tls_session *s;
	uint64_t off[2], frame;
};

static void emit(void *ctx, struct tls_session *s)
{
	struct run *r = ctx;
	if (r->s == NULL)
		r->s = s;
	else
		tls_session_free(s);
}

static size_t unhex(const char *h, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned v;
	for (; h[0] && h[1] && n < max && sscanf(h, "%2x", &v) == 1; h += 2)
		out[n++] = (uint8_t)v;
	return n;
}

static void run_start(struct run *r, const struct keylog *kl)
{
	memset(r, 0, sizeof *r);
	r->cc = certcache_new();
	r->d = tls_dissector_new(r->cc, "rfc8448.pcap", emit, r);
	tls_dissector_set_keylog(r->d, kl);
	r->h = tls_dissector_handler(r->d);
	r->flow.id = 1;
	r->flow.ep[0].family = r->flow.ep[1].family = 4;
	r->flow.ep[0].port = 50000;
	r->flow.ep[1].port = 443;
	r->flow.first_frame = 1;
	r->h.open(r->h.ctx, &r->flow);
}

/* Bytes from dir (0 client, 1 server) in pieces of `piece`; NULL: a gap. */
static void send_bytes(struct run *r, int dir, const uint8_t *p, size_t n, size_t piece)
{
	for (size_t o = 0; o < n; o += piece) {
		struct tcp_chunk ch;
		memset(&ch, 0, sizeof ch);
		ch.dir = dir;
		ch.data = p ? p + o : NULL;
		ch.len = n - o < piece ? n - o : piece;
		ch.off = r->off[dir];
		ch.frame = ++r->frame;
		ch.ts_ns = (int64_t)r->frame * 1000000;
		r->flow.last_frame = r->frame;
		r->h.data(r->h.ctx, &r->flow, &ch);
		r->off[dir] += ch.len;
	}
}

static void send_hex(struct run *r, int dir, const char *hex, size_t piece)
{
	uint8_t b[1024];
	size_t n = unhex(hex, b, sizeof b);
	send_bytes(r, dir, b, n, piece ? piece : n);
}

static void send_client_hello(struct run *r, size_t piece)
{
	uint8_t b[256] = { 22, 3, 1, 0, 196 };
	size_t n = 5 + unhex(RFC8448_CH, b + 5, sizeof b - 5);
	send_bytes(r, 0, b, n, piece ? piece : n);
}

/* The whole trace. `lose_nst`: the server's NewSessionTicket record is
 * lost in the capture (a gap of its exact size). Without `with_data` the
 * two application data records are left out, so the alerts after them
 * come one sequence number later than the last record seen (and the
 * dissector, which lets a flow go once data went both ways, sees them). */
static void send_trace(struct run *r, size_t piece, int lose_nst, int with_data)
{
	send_client_hello(r, piece);
	send_hex(r, 1, RFC8448_SH_REC, piece);
	send_hex(r, 1, RFC8448_FLIGHT_REC, piece);
	send_hex(r, 0, RFC8448_CFIN_REC, piece);
	if (lose_nst)
		send_bytes(r, 1, NULL, sizeof RFC8448_NST_REC / 2, sizeof RFC8448_NST_REC / 2);
	else
		send_hex(r, 1, RFC8448_NST_REC, piece);
	if (with_data) {
		send_hex(r, 0, RFC8448_C_APP_REC, piece);
		send_hex(r, 1, RFC8448_S_APP_REC, piece);
	}
	send_hex(r, 0, RFC8448_C_ALERT_REC, piece);
	send_hex(r, 1, RFC8448_S_ALERT_REC, piece);
}

static void run_end(struct run *r)
{
	r->h.close(r->h.ctx, &r->flow, TCP_CLOSE_FIN);
}

static void run_free(struct run *r)
{
	tls_session_free(r->s);
	tls_dissector_free(r->d);
	certcache_free(r->cc);
}

static struct keylog *rfc_keylog(const char *break_server_hs)
{
	struct keylog *kl = keylog_new();
	char text[2048];
	snprintf(text, sizeof text,
		 "CLIENT_HANDSHAKE_TRAFFIC_SECRET " CR " %s\n"
		 "SERVER_HANDSHAKE_TRAFFIC_SECRET " CR " %s\n"
		 "CLIENT_TRAFFIC_SECRET_0 " CR " %s\n"
		 "SERVER_TRAFFIC_SECRET_0 " CR " %s\n",
		 RFC8448_C_HS, break_server_hs ? break_server_hs : RFC8448_S_HS, RFC8448_C_AP,
		 RFC8448_S_AP);
	keylog_feed(kl, (const uint8_t *)text, strlen(text));
	keylog_feed_end(kl);
	return kl;
}

static size_t count_ladder(const struct tls_session *s, int side, int type, int decrypted)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n_ladder; i++)
		n += s->ladder[i].kind == LAD_HANDSHAKE && s->ladder[i].side == side &&
		     s->ladder[i].type == type && s->ladder[i].decrypted == decrypted;
	return n;
}

static int has_u16(const struct u16list *l, uint16_t v)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == v)
			return 1;
	return 0;
}

/* Everything RFC 8448 §3 shows, read back from the capture. */
static void check_full(const struct tls_session *s, int keys_from_capture)
{
	const struct tls_decryption *dc = &s->decrypt;
	CHECK_EQ_INT(dc->status, DECRYPT_OK);
	CHECK_EQ_INT(dc->keys_from_capture, keys_from_capture);
	CHECK(dc->finished[0] && dc->finished[1]);
	CHECK(tls_finished_verified(s));
	CHECK(!tls_handshake_hidden(s));
	CHECK_EQ_INT(dc->hs_records[SIDE_SERVER], 1);
	CHECK_EQ_INT(dc->hs_records[SIDE_CLIENT], 1);
	CHECK_EQ_INT(dc->records[SIDE_SERVER], 3); /* flight, NST, alert */
	CHECK_EQ_INT(dc->records[SIDE_CLIENT], 2); /* Finished, alert */
	CHECK_EQ_INT(dc->failed[0] + dc->failed[1], 0);
	CHECK(s->handshake_done);
	/* The server's single RSA certificate. */
	CHECK_EQ_INT(s->chain[SIDE_SERVER].present, 1);
	CHECK_EQ_INT(s->chain[SIDE_SERVER].complete, 1);
	CHECK_EQ_INT(s->chain[SIDE_SERVER].n, 1);
	CHECK(s->chain[SIDE_SERVER].n == 1 && s->chain[SIDE_SERVER].certs[0]->parse_ok);
	CHECK_EQ_INT(s->chain[SIDE_CLIENT].present, 0);
	CHECK_EQ_INT(s->cr.present, 0);
	CHECK_EQ_INT(s->cert_verify_alg[SIDE_SERVER], 0x0804); /* rsa_pss_rsae_sha256 */
	CHECK_EQ_INT(s->cert_verify_present, 0);	       /* no client CertificateVerify */
	/* EncryptedExtensions: supported_groups, record_size_limit, server_name. */
	CHECK(has_u16(&s->sh.ee_extensions, 10) && has_u16(&s->sh.ee_extensions, 28) &&
	      has_u16(&s->sh.ee_extensions, 0));
	CHECK_EQ_INT(s->sh.ee_extensions.n, 3);
	CHECK_EQ_INT(count_ladder(s, SIDE_SERVER, HS_ENCRYPTED_EXTENSIONS, 1), 1);
	CHECK_EQ_INT(count_ladder(s, SIDE_SERVER, HS_CERTIFICATE, 1), 1);
	CHECK_EQ_INT(count_ladder(s, SIDE_SERVER, HS_CERTIFICATE_VERIFY, 1), 1);
	CHECK_EQ_INT(count_ladder(s, SIDE_SERVER, HS_FINISHED, 1), 1);
	CHECK_EQ_INT(count_ladder(s, SIDE_CLIENT, HS_FINISHED, 1), 1);
	CHECK_EQ_INT(count_ladder(s, SIDE_SERVER, HS_NEW_SESSION_TICKET, 1), 1);
	CHECK_EQ_INT(count_ladder(s, SIDE_CLIENT, HS_CLIENT_HELLO, 0), 1);
	CHECK_EQ_INT(count_ladder(s, SIDE_SERVER, HS_SERVER_HELLO, 0), 1);
	/* Both close_notify alerts, decrypted, in clear terms. */
	CHECK_EQ_INT(s->n_alerts, 2);
	for (size_t i = 0; i < s->n_alerts && i < 2; i++) {
		CHECK_EQ_INT(s->alerts[i].encrypted, 0);
		CHECK_EQ_INT(s->alerts[i].decrypted, 1);
		CHECK_EQ_INT(s->alerts[i].level, 1);
		CHECK_EQ_INT(s->alerts[i].desc, 0);
		CHECK_EQ_INT(s->alerts[i].side, i == 0 ? SIDE_CLIENT : SIDE_SERVER);
	}
	CHECK(!s->app_data[0] && !s->app_data[1]);
}

static void test_full(void)
{
	struct keylog *kl = rfc_keylog(NULL);
	size_t pieces[] = { 0, 1, 7 };
	for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
		struct run r;
		run_start(&r, kl);
		send_trace(&r, pieces[i], 0, 0);
		run_end(&r);
		CHECK(r.s != NULL);
		if (r.s)
			check_full(r.s, 0);
		run_free(&r);
	}
	/* With the data both ways: decrypted too, then the flow is let go. */
	struct run r;
	run_start(&r, kl);
	send_trace(&r, 0, 0, 1);
	run_end(&r);
	CHECK(r.s && tls_finished_verified(r.s) && r.s->app_data[0] && r.s->app_data[1]);
	CHECK(r.s && r.s->decrypt.records[SIDE_SERVER] == 3 &&
	      r.s->decrypt.records[SIDE_CLIENT] == 2);
	run_free(&r);
	keylog_free(kl);
}

/* The same secrets from a Decryption Secrets Block of the capture. */
static void test_from_capture(void)
{
	struct keylog *kl = rfc_keylog(NULL), *none = keylog_new();
	char text[2048];
	snprintf(text, sizeof text,
		 "# a DSB\nCLIENT_HANDSHAKE_TRAFFIC_SECRET " CR " %s\n"
		 "SERVER_HANDSHAKE_TRAFFIC_SECRET " CR " %s\n"
		 "CLIENT_TRAFFIC_SECRET_0 " CR " %s\nSERVER_TRAFFIC_SECRET_0 " CR " %s",
		 RFC8448_C_HS, RFC8448_S_HS, RFC8448_C_AP, RFC8448_S_AP);
	struct run r;
	run_start(&r, none);
	/* A block of another secrets type (WireGuard) carries nothing for TLS. */
	tls_dissector_add_secrets(r.d, 0x57474b4c, (const uint8_t *)text, strlen(text));
	tls_dissector_add_secrets(r.d, TLS_SECRETS_KEYLOG, (const uint8_t *)text, strlen(text));
	send_trace(&r, 0, 0, 0);
	run_end(&r);
	CHECK(r.s != NULL);
	if (r.s)
		check_full(r.s, 1);
	run_free(&r);

	/* Only the other type: nothing to decrypt with, so nothing is tried. */
	run_start(&r, none);
	tls_dissector_add_secrets(r.d, 0x57474b4c, (const uint8_t *)text, strlen(text));
	send_trace(&r, 0, 0, 0);
	run_end(&r);
	CHECK(r.s && r.s->decrypt.status == DECRYPT_NONE && tls_handshake_hidden(r.s));
	/* (TLS 1.3 alerts look like application data without keys.) */
	CHECK(r.s && r.s->chain[SIDE_SERVER].present == 0 && r.s->n_alerts == 0);
	run_free(&r);
	keylog_free(kl);
	keylog_free(none);
}

/* A wrong server handshake secret: its flight fails the tag and nothing of
 * it is read; the rest of the model is what it is without keys. */
static void test_wrong_key(void)
{
	char bad[80];
	snprintf(bad, sizeof bad, "%s", RFC8448_S_HS);
	bad[0] = bad[0] == '0' ? '1' : '0';
	struct keylog *kl = rfc_keylog(bad);
	struct run r;
	run_start(&r, kl);
	send_trace(&r, 0, 0, 0);
	run_end(&r);
	const struct tls_session *s = r.s;
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ_INT(s->decrypt.status, DECRYPT_WRONG_KEY);
		CHECK_EQ_INT(s->decrypt.failed_side, SIDE_SERVER);
		CHECK_EQ_INT(s->decrypt.failed_frame, 3); /* CH 1, SH 2, flight 3 */
		CHECK_EQ_INT(s->decrypt.records[SIDE_SERVER], 0);
		CHECK(tls_handshake_hidden(s));
		CHECK_EQ_INT(s->chain[SIDE_SERVER].present, 0);
		CHECK_EQ_INT(count_ladder(s, SIDE_SERVER, HS_CERTIFICATE, 1), 0);
		CHECK(!s->decrypt.finished_ok[SIDE_SERVER]);
		/* The client's Finished opens (its secret is right) but cannot
		 * match a transcript that lacks the server's flight. */
		CHECK(s->decrypt.finished[SIDE_CLIENT] && !s->decrypt.finished_ok[SIDE_CLIENT]);
		/* The client's alert is read; the server's stays an opaque record. */
		CHECK_EQ_INT(s->n_alerts, 1);
		CHECK(s->n_alerts == 1 && s->alerts[0].side == SIDE_CLIENT &&
		      s->alerts[0].decrypted);
	}
	run_free(&r);
	keylog_free(kl);
}

/* A key log without this session: nothing is decrypted, and it says so. */
static void test_no_keys(void)
{
	struct keylog *kl = keylog_new();
	char line[300];
	snprintf(line, sizeof line, "SERVER_HANDSHAKE_TRAFFIC_SECRET %064x %s\n", 5, RFC8448_S_HS);
	keylog_feed(kl, (const uint8_t *)line, strlen(line));
	struct run r;
	run_start(&r, kl);
	send_trace(&r, 0, 0, 0);
	run_end(&r);
	CHECK(r.s && r.s->decrypt.status == DECRYPT_NO_KEYS && tls_handshake_hidden(r.s));
	CHECK(r.s && r.s->decrypt.client_random[0] == 0xcb &&
	      r.s->decrypt.client_random[31] == 0xe7);
	CHECK(r.s && r.s->decrypt.records[0] + r.s->decrypt.records[1] == 0);
	run_free(&r);
	keylog_free(kl);
}

/* A gap inside the server's flight: that record is lost for decryption,
 * the gap is noted, and the records after it are still read. */
static void test_gap_in_record(void)
{
	struct keylog *kl = rfc_keylog(NULL);
	struct run r;
	uint8_t fl[700];
	size_t n = unhex(RFC8448_FLIGHT_REC, fl, sizeof fl);
	run_start(&r, kl);
	send_client_hello(&r, 0);
	send_hex(&r, 1, RFC8448_SH_REC, 0);
	send_bytes(&r, 1, fl, 300, 300);
	send_bytes(&r, 1, NULL, 100, 100); /* lost */
	send_bytes(&r, 1, fl + 400, n - 400, n - 400);
	send_hex(&r, 0, RFC8448_CFIN_REC, 0);
	send_hex(&r, 1, RFC8448_NST_REC, 0);
	send_hex(&r, 0, RFC8448_C_ALERT_REC, 0);
	send_hex(&r, 1, RFC8448_S_ALERT_REC, 0);
	run_end(&r);
	const struct tls_session *s = r.s;
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ_INT(s->decrypt.status, DECRYPT_OK); /* nothing failed to authenticate */
		CHECK_EQ_INT(s->chain[SIDE_SERVER].present, 0);
		CHECK(tls_handshake_hidden(s));
		int gap = 0;
		for (size_t i = 0; i < s->n_notes; i++)
			gap |= s->notes[i].kind == NOTE_RECORD_GAP && s->notes[i].bytes == 100 &&
			       s->notes[i].side == SIDE_SERVER && s->notes[i].in_handshake;
		CHECK(gap);
		/* The server's Finished was in the lost record: its NST opens
		 * with the application key all the same, and the alerts too. */
		CHECK_EQ_INT(count_ladder(s, SIDE_SERVER, HS_NEW_SESSION_TICKET, 1), 1);
		CHECK_EQ_INT(s->n_alerts, 2);
		CHECK(s->n_alerts == 2 && s->alerts[0].decrypted && s->alerts[1].decrypted);
	}
	run_free(&r);
	keylog_free(kl);
}

/* A whole record lost between two others (framing resynchronised): the
 * next record is found at its sequence number. */
static void test_record_lost(void)
{
	struct keylog *kl = rfc_keylog(NULL);
	struct run r;
	run_start(&r, kl);
	send_trace(&r, 0, 1, 0);
	run_end(&r);
	const struct tls_session *s = r.s;
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ_INT(s->decrypt.status, DECRYPT_OK);
		CHECK(tls_finished_verified(s));
		CHECK_EQ_INT(count_ladder(s, SIDE_SERVER, HS_NEW_SESSION_TICKET, 1), 0);
		CHECK_EQ_INT(s->decrypt.records[SIDE_SERVER], 2);
		CHECK(s->n_alerts == 2 && s->alerts[1].side == SIDE_SERVER &&
		      s->alerts[1].decrypted && s->alerts[1].desc == 0);
	}
	run_free(&r);
	keylog_free(kl);
}

/* A TLS 1.3 record of `type` with content p[0..n) under the client's
 * application key at `seq` (RFC 8448's secret), as the client would send. */
static void send_client_app(struct run *r, uint64_t seq, uint8_t type, const uint8_t *p, size_t n)
{
	uint8_t secret[32], rec[64], inner[32], nonce[12];
	struct tls_rkey k;
	unhex(RFC8448_C_AP, secret, 32);
	CHECK(tls13_rkey_init(&k, tls_suite_find(0x1301), secret, 32) == 0);
	memcpy(inner, p, n);
	inner[n] = type;
	uint8_t hdr[5] = { 23, 3, 3, 0, (uint8_t)(n + 1 + 16) };
	memcpy(rec, hdr, 5);
	memcpy(nonce, k.iv, 12);
	for (int i = 0; i < 8; i++)
		nonce[4 + i] ^= (uint8_t)(seq >> (56 - 8 * i));
	Aes aes;
	CHECK(wc_AesInit(&aes, NULL, INVALID_DEVID) == 0);
	CHECK(wc_AesGcmSetKey(&aes, k.key, 16) == 0);
	CHECK(wc_AesGcmEncrypt(&aes, rec + 5, inner, (word32)(n + 1), nonce, 12, rec + 5 + n + 1,
			       16, hdr, 5) == 0);
	wc_AesFree(&aes);
	send_bytes(r, 0, rec, 5 + n + 1 + 16, 5 + n + 1 + 16);
}

/* fuzz_tls_decrypt found it (crash-decrypted-alert-not-2-bytes): an alert
 * record that decrypts to anything but one 2-byte alert was taken for an
 * "encrypted alert" and marked decrypted too. It is a malformed alert. */
static void test_bad_alert_record(void)
{
	static const uint8_t three[] = { 2, 40, 0 }, level9[] = { 9, 40 }, good[] = { 2, 40 };
	struct keylog *kl = rfc_keylog(NULL);
	struct run r;
	run_start(&r, kl);
	send_client_hello(&r, 0);
	send_hex(&r, 1, RFC8448_SH_REC, 0);
	send_hex(&r, 1, RFC8448_FLIGHT_REC, 0);
	send_hex(&r, 0, RFC8448_CFIN_REC, 0);
	send_client_app(&r, 0, 21, three, sizeof three);
	send_client_app(&r, 1, 21, level9, sizeof level9);
	send_client_app(&r, 2, 21, good, sizeof good);
	run_end(&r);
	const struct tls_session *s = r.s;
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ_INT(s->decrypt.records[SIDE_CLIENT], 4);
		CHECK_EQ_INT(s->n_alerts, 1);
		CHECK(s->n_alerts == 1 && !s->alerts[0].encrypted && s->alerts[0].decrypted &&
		      s->alerts[0].level == 2 && s->alerts[0].desc == 40);
		size_t bad = 0;
		for (size_t i = 0; i < s->n_notes; i++)
			bad += s->notes[i].kind == NOTE_BAD_ALERT &&
			       s->notes[i].side == SIDE_CLIENT;
		CHECK_EQ_INT(bad, 2);
	}
	run_free(&r);
	keylog_free(kl);
}

int main(void)
{
	test_full();
	test_from_capture();
	test_wrong_key();
	test_no_keys();
	test_gap_in_record();
	test_record_lost();
	test_bad_alert_record();
	return t_done("tls_decrypt");
}

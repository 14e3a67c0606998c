/*
 * test_tls_stream_more.c - the TLS stream machine (dissect/tls.c), as
 * test_tls_stream.c, for what is not plain TLS 1.2 records: flows that are
 * not TLS, STARTTLS, TLS 1.3, the SSLv2-compatible hello, roles found late,
 * mutual TLS with alerts and truncation, alert floods.
 */
#include "tests/unit/tls_stream_fixture.h"

/* ---- scenarios ---- */

/* Not TLS: released at once, later payload not even buffered. */
static void test_not_tls(void)
{
	start(0);
	handshake3();
	seg(1, TCPF_PSH, "SSH-2.0-OpenSSH_9.2p1\r\n", 23);
	seg(0, TCPF_PSH, "SSH-2.0-PuTTY\r\n", 15);
	seg(1, TCPF_PSH, "more bytes", 10);
	finish();
	CHECK_EQ_INT(C.ns, 0);
	const struct tls_stats *st = tls_dissector_stats(C.d);
	CHECK_EQ_INT(st->flows_not_tls, 1);
	CHECK_EQ_INT(st->flows_tls, 0);
	CHECK_EQ_INT(tcp_table_stats(C.t)->ignored_flows, 1);
	stop();
}

/* STARTTLS: SMTP, LDAP, and an HTTP CONNECT tunnel. */
static void starttls_case(const char *const *lines, const int *dirs, size_t n, const char *proto,
			  int midstream)
{
	start(0);
	if (!midstream)
		handshake3();
	uint64_t clear = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(lines[i]);
		if (lines[i][0] == '=') { /* "=hex": binary */
			struct bb b = { 0 };
			for (size_t k = 1; k + 1 < len; k += 2) {
				unsigned v;
				sscanf(lines[i] + k, "%2x", &v);
				put8(&b, v);
			}
			seg(dirs[i], TCPF_PSH, b.p, b.n);
			clear += b.n;
			bb_free(&b);
		} else {
			seg(dirs[i], TCPF_PSH, lines[i], len);
			clear += len;
		}
	}
	uint64_t f0 = C.frame;
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, "mail.example.com");
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16);
	bb_free(&h);
	bb_free(&r);
	server_flight(&h, 2);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16);
	bb_free(&h);
	bb_free(&r);
	tls12_tail(1 << 16);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		char want[256];
		unsigned long long f = (unsigned long long)f0;
		snprintf(want, sizeof want,
			 "c CH@%llu, s SH@%llu, s CERT@%llu, s SKE@%llu, s SHD@%llu, c CKE@%llu, "
			 "c CCS@%llu, c ENC@%llu, s CCS@%llu, s ENC@%llu, c APP@%llu, s APP@%llu",
			 f + 1, f + 2, f + 2, f + 2, f + 2, f + 3, f + 3, f + 3, f + 4, f + 4,
			 f + 5, f + 6);
		CHECK_EQ_STR(ladder(s), want);
		CHECK_EQ_STR(s->starttls, proto);
		CHECK_EQ_INT(s->starttls_bytes, clear);
		CHECK_EQ_STR(s->ch.sni, "mail.example.com");
		check_chain(s, SIDE_SERVER, 2, 1);
		check_endpoints(s);
		CHECK_EQ_STR(notes(s), "");
	}
	CHECK_EQ_INT(tls_dissector_stats(C.d)->flows_starttls, 1);
	stop();
}

static void test_starttls(void)
{
	static const char *const smtp[] = {
		"220 mail.example.com ESMTP Postfix\r\n",
		"EHLO client.example.com\r\n",
		"250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 STARTTLS\r\n",
		"STARTTLS\r\n",
		"220 2.0.0 Ready to start TLS\r\n",
	};
	static const int smtp_dirs[] = { 1, 0, 1, 0, 1 };
	starttls_case(smtp, smtp_dirs, 5, "smtp", 0);

	/* LDAP: ExtendedRequest 1.3.6.1.4.1.1466.20037, ExtendedResponse
	 * success (RFC 4511 §4.14). */
	static const char *const ldap[] = {
		"=301d02010177188016312e332e362e312e342e312e313436362e3230303337",
		"=300c02010178070a010004000400",
	};
	static const int ldap_dirs[] = { 0, 1 };
	starttls_case(ldap, ldap_dirs, 2, "ldap", 0);

	/* PostgreSQL SSLRequest (protocol code 80877103), then 'S'. */
	static const char *const pg[] = { "=0000000804d2162f", "S" };
	static const int pg_dirs[] = { 0, 1 };
	starttls_case(pg, pg_dirs, 2, "postgresql", 0);

	static const char *const http[] = {
		"CONNECT mail.example.com:443 HTTP/1.1\r\nHost: mail.example.com:443\r\n\r\n",
		"HTTP/1.1 200 Connection established\r\n\r\n",
	};
	static const int http_dirs[] = { 0, 1 };
	starttls_case(http, http_dirs, 2, "http-connect", 0);

	/* Issue 14 item 1: TLS inside more protocols, found without
	 * configuration. IRC: the client begins with STARTTLS, the server's
	 * 670 RPL_STARTTLS names the protocol. */
	static const char *const irc[] = {
		"STARTTLS\r\n",
		":irc.example.net 670 * :STARTTLS successful, proceed with TLS handshake\r\n",
	};
	static const int irc_dirs[] = { 0, 1 };
	starttls_case(irc, irc_dirs, 2, "irc", 0);
	static const char *const irc2[] = {
		":irc.example.net NOTICE * :*** Looking up your hostname...\r\n",
		"CAP LS 302\r\nSTARTTLS\r\n",
		":irc.example.net 670 * :STARTTLS successful\r\n",
	};
	static const int irc2_dirs[] = { 1, 0, 1 };
	starttls_case(irc2, irc2_dirs, 3, "irc", 0);

	/* NNTP (RFC 4642): greeting 200, STARTTLS, 382. */
	static const char *const nntp[] = {
		"200 news.example.com InterNetNews server ready\r\n",
		"STARTTLS\r\n",
		"382 Continue with TLS negotiation\r\n",
	};
	static const int nntp_dirs[] = { 1, 0, 1 };
	starttls_case(nntp, nntp_dirs, 3, "nntp", 0);

	/* ManageSieve (RFC 5804): the capability greeting, STARTTLS, OK. */
	static const char *const sieve[] = {
		"\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\"SIEVE\" \"fileinto\"\r\n"
		"\"STARTTLS\"\r\n\"VERSION\" \"1.0\"\r\nOK \"ready\"\r\n",
		"STARTTLS\r\n",
		"OK \"Begin TLS negotiation now.\"\r\n",
	};
	static const int sieve_dirs[] = { 1, 0, 1 };
	starttls_case(sieve, sieve_dirs, 3, "sieve", 0);

	/* LMTP (RFC 2033): an SMTP-style 220 greeting, then LHLO names it. */
	static const char *const lmtp[] = {
		"220 mda.example.com LMTP ready\r\n",
		"LHLO client.example.com\r\n",
		"250-mda.example.com\r\n250-PIPELINING\r\n250 STARTTLS\r\n",
		"STARTTLS\r\n",
		"220 2.0.0 Ready to start TLS\r\n",
	};
	starttls_case(lmtp, smtp_dirs, 5, "lmtp", 0);

	/* FTP (RFC 4217): the same 220 greeting, then AUTH TLS. */
	static const char *const ftp[] = {
		"220 ProFTPD Server ready.\r\n",
		"AUTH TLS\r\n",
		"234 AUTH TLS successful\r\n",
	};
	static const int ftp_dirs[] = { 1, 0, 1 };
	starttls_case(ftp, ftp_dirs, 3, "ftp", 0);

	/* MySQL / MariaDB: the server's HandshakeV10 greeting (protocol 10,
	 * version "10.11.6-MariaDB"), the client's 32-byte SSLRequest with
	 * CLIENT_SSL, then TLS. */
	static const char *const mysql[] = {
		"=530000000a31302e31312e362d4d61726961444200030000003426372b5e4b4c3e00fef7"
		"080200ff8115000000000000070000006b3c7e2c5a2e273d7a2b2a38006d7973716c5f6e"
		"61746976655f70617373776f726400",
		"=2000000105ae0e00000000012d0000000000000000000000000000000000000000000000",
	};
	starttls_case(mysql, ftp_dirs, 2, "mysql", 0);

	/* RDP: X.224 Connection Request with a cookie and RDP_NEG_REQ asking
	 * for TLS and CredSSP, Connection Confirm with RDP_NEG_RSP choosing
	 * TLS ([MS-RDPBCGR] 2.2.1.1, 2.2.1.2), then the TLS handshake. */
	static const char *const rdp[] = {
		"=0300002b26e00000000000436f6f6b69653a206d737473686173683d61646d696e0d0a"
		"0100080003000000",
		"=030000130ed00000123400021f080001000000",
	};
	starttls_case(rdp, ftp_dirs + 1, 2, "rdp", 0);
}

/* TLS 1.3: certificates encrypted; the server's encrypted flight is the
 * first type-23 record after its ServerHello, not the ServerHello. */
static void test_tls13(void)
{
	start(0);
	handshake3();
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 1, "tls13.example");
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 4 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 1, 0x1301);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 5 */
	bb_free(&r);
	ccs(&r);
	opaque(&r, 23, 30);    /* EncryptedExtensions */
	opaque(&r, 23, 2000);  /* Certificate */
	opaque(&r, 23, 280);   /* CertificateVerify */
	opaque(&r, 23, 60);    /* Finished */
	send_(1, &r, 1 << 16); /* 6 */
	bb_free(&r);
	ccs(&r);
	opaque(&r, 23, 60);    /* client Finished */
	send_(0, &r, 1 << 16); /* 7 */
	bb_free(&r);
	opaque(&r, 23, 250);   /* NewSessionTicket */
	send_(1, &r, 1 << 16); /* 8 */
	bb_free(&r);
	opaque(&r, 23, 100);
	send_(0, &r, 1 << 16); /* 9: released here */
	bb_free(&r);
	bb_free(&h);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s),
			     "c CH@4, s SH@5, s CCS@6, s ENC@6, c CCS@7, c ENC@7, s APP@8, "
			     "c APP@9");
		CHECK_EQ_INT(s->tls13, 1);
		CHECK_EQ_INT(s->version, 0x0304);
		CHECK_EQ_INT(s->sh.key_share_group, 0x001d);
		CHECK_EQ_INT(s->chain[SIDE_SERVER].present, 0);
		CHECK_EQ_INT(s->chain[SIDE_CLIENT].present, 0);
		CHECK_EQ_INT(s->handshake_done, 1);
		CHECK_EQ_STR(notes(s), "");
	}
	CHECK_EQ_INT(tcp_table_stats(C.t)->ignored_flows, 1);
	stop();

	/* HelloRetryRequest, then a second ClientHello. */
	start(1);
	client_hello(&h, 1, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	hs_open(&h, 2);
	put16(&h, 0x0303);
	static const uint8_t hrr[32] = { 0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
					 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
					 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
					 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c };
	putn(&h, hrr, 32);
	put8(&h, 0);
	put16(&h, 0x1301);
	put8(&h, 0);
	put16(&h, 12);
	put16(&h, 43);
	put16(&h, 2);
	put16(&h, 0x0304);
	put16(&h, 51);
	put16(&h, 2);
	put16(&h, 0x0017);
	close_(&h);
	records(&r, 22, &h, 16384);
	ccs(&r);
	send_(1, &r, 1 << 16); /* 2 */
	bb_free(&h);
	bb_free(&r);
	client_hello(&h, 1, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 3 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 1, 0x1301);
	records(&r, 22, &h, 16384);
	opaque(&r, 23, 500);
	send_(1, &r, 1 << 16); /* 4 */
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s), "c CH@1, s HRR@2, s CCS@2, c CH@3, s SH@4, s ENC@4");
		CHECK_EQ_INT(s->sh.hrr, 1);
		CHECK_EQ_INT(s->sh.present, 1);
		CHECK_EQ_INT(s->tls13, 1);
		CHECK_EQ_INT(s->ch.frame, 1);
	}
	stop();
}

/* SSLv2-compatible ClientHello in three segments. */
static void test_sslv2_split(void)
{
	start(0);
	handshake3();
	struct bb v = { 0 };
	put16(&v, 0x8000 | (9 + 9 * 3 + 32));
	put8(&v, 1);
	put16(&v, 0x0301);
	put16(&v, 27);
	put16(&v, 0);
	put16(&v, 32);
	for (unsigned i = 0; i < 9; i++) {
		put8(&v, i % 3 == 0 ? 0x01 : 0);
		put16(&v, i % 3 == 0 ? 0x0080 : 0x002f + i);
	}
	fill(&v, 0xab, 32);
	seg(0, TCPF_PSH, v.p, 3);	      /* 4 */
	seg(0, TCPF_PSH, v.p + 3, 20);	      /* 5 */
	seg(0, TCPF_PSH, v.p + 23, v.n - 23); /* 6 */
	bb_free(&v);
	struct bb h = { 0 }, r = { 0 };
	server_hello(&h, 0, 0x0035);
	certificate(&h, 1);
	shd(&h);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 7 */
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s), "c V2@6, s SH@7, s CERT@7, s SHD@7");
		CHECK_EQ_INT(s->ch.sslv2, 1);
		CHECK_EQ_INT(s->ch.legacy_version, 0x0301);
		CHECK_EQ_INT(s->ch.ciphers.n, 6);
		CHECK_EQ_INT(s->ch.frame, 6);
		check_chain(s, SIDE_SERVER, 1, 1);
		check_endpoints(s);
	}
	stop();
}

/* Mid-stream join where the first packet seen is the server's: TCP calls
 * the server's direction 0; the ClientHello's direction decides roles. */
static void test_roles(void)
{
	start(0);
	/* A bare ACK from the server first (no SYN captured). */
	struct tcp_seg s;
	memset(&s, 0, sizeof s);
	ep(&s.src, 1);
	ep(&s.dst, 0);
	s.seq = C.isn[1] + 1;
	s.ack = C.isn[0] + 1;
	s.flags = TCPF_ACK;
	s.frame = ++C.frame;
	s.ts_ns = 1000000;
	tcp_table_input(C.t, &s);
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, "roles.example");
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 2 */
	bb_free(&h);
	bb_free(&r);
	server_flight(&h, 2);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 3 */
	bb_free(&h);
	bb_free(&r);
	alert(&r, 2, 48);
	send_(0, &r, 1 << 16); /* 4 */
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *x = C.s[0];
		CHECK_EQ_STR(ladder(x),
			     "c CH@2, s SH@3, s CERT@3, s SKE@3, s SHD@3, c ALERT2.48@4");
		check_endpoints(x);
		check_chain(x, SIDE_SERVER, 2, 1);
		CHECK_EQ_INT(x->chain[SIDE_CLIENT].present, 0);
		CHECK_EQ_INT(x->alerts[0].side, SIDE_CLIENT);
		CHECK_EQ_INT(x->flow_midstream, 1);
	}
	stop();

	/* The same with the ServerHello first seen (the ClientHello was
	 * before the capture): roles from the ServerHello's direction. */
	start(1);
	server_flight(&h, 1);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1: TCP direction 0 is the server */
	bb_free(&h);
	bb_free(&r);
	cke(&h);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 2 */
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *x = C.s[0];
		CHECK_EQ_STR(ladder(x), "s SH@1, s CERT@1, s SKE@1, s SHD@1, c CKE@2");
		check_chain(x, SIDE_SERVER, 1, 1);
		CHECK_EQ_INT(x->server.port, 40000); /* ep[0] of the flow sent the ServerHello */
		CHECK_EQ_INT(x->client.port, 443);
	}
	stop();
}

/* Mutual TLS with a CertificateRequest, then alerts: a clear fatal one and
 * encrypted ones after ChangeCipherSpec; a client that sends no
 * certificate; the stream ends inside a message. */
static void test_mtls_alerts_truncated(void)
{
	struct bb h = { 0 }, r = { 0 };
	start(1);
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 0, 0xc02f);
	certificate(&h, 3);
	records(&r, 22, &h, 16384);
	size_t cut = r.n - 300;
	r.n = cut;
	send_(1, &r, 1 << 16); /* 2: the stream ends inside the Certificate */
	bb_free(&h);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s), "c CH@1, s SH@2, s CERT*@2");
		CHECK_EQ_STR(notes(s), "CERTSLOST, TRUNCATED");
		CHECK_EQ_INT(s->notes[1].bytes, 300);
		check_chain(s, SIDE_SERVER, 2, 0);
		/* the root, cut by the end: at least one lost, its bytes on */
		CHECK_EQ_INT(s->chain[SIDE_SERVER].lost, 1);
		CHECK_EQ_INT(s->chain[SIDE_SERVER].lost_exact, 0);
		CHECK_EQ_INT(s->chain[SIDE_SERVER].lost_to, s->chain[SIDE_SERVER].declared_len);
	}
	stop();

	start(1);
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16); /* 1 */
	bb_free(&h);
	bb_free(&r);
	server_hello(&h, 0, 0xc02f);
	certificate(&h, 2);
	hs_open(&h, 13);
	put8(&h, 1);
	put8(&h, 1);
	put16(&h, 2);
	put16(&h, 0x0401);
	open_(&h, 2);
	open_(&h, 2);
	putn(&h, pki[2]->subject.der, pki[2]->subject.der_len);
	close_(&h);
	close_(&h);
	close_(&h);
	shd(&h);
	records(&r, 22, &h, 16384);
	send_(1, &r, 1 << 16); /* 2 */
	bb_free(&h);
	bb_free(&r);
	hs_open(&h, 11); /* empty client Certificate */
	put24(&h, 0);
	close_(&h);
	cke(&h);
	records(&r, 22, &h, 16384);
	ccs(&r);
	opaque(&r, 22, 40);
	send_(0, &r, 1 << 16); /* 3 */
	bb_free(&h);
	bb_free(&r);
	alert(&r, 2, 116); /* certificate_required, in clear before the server's CCS */
	ccs(&r);
	opaque(&r, 21, 26);    /* and an encrypted one after it */
	send_(1, &r, 1 << 16); /* 4 */
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(ladder(s),
			     "c CH@1, s SH@2, s CERT@2, s CR@2, s SHD@2, c CERT@3, c CKE@3, "
			     "c CCS@3, c ENC@3, s ALERT2.116@4, s CCS@4, s EALERT@4");
		CHECK_EQ_INT(s->cr.present, 1);
		CHECK_EQ_INT(s->cr.n_ca, 1);
		CHECK_EQ_INT(s->cr.frame, 2);
		check_chain(s, SIDE_CLIENT, 0, 1);
		CHECK_EQ_INT(s->n_alerts, 2);
		CHECK_EQ_INT(s->alerts[1].encrypted, 1);
		CHECK_EQ_INT(s->alerts[1].level, -1);
		CHECK_EQ_INT(s->alerts[0].desc, 116);
		CHECK_EQ_STR(notes(s), "");
	}
	stop();
}

/* A peer that sends alerts forever: the list is capped, memory is not. */
static void test_alert_flood(void)
{
	start(1);
	struct bb h = { 0 }, r = { 0 };
	client_hello(&h, 0, NULL);
	records(&r, 22, &h, 16384);
	send_(0, &r, 1 << 16);
	bb_free(&h);
	bb_free(&r);
	for (int i = 0; i < 2000; i++)
		alert(&r, 1, 0);
	send_(1, &r, 1 << 16);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		CHECK_EQ_INT(C.s[0]->n_alerts, 256);
		CHECK_EQ_STR(notes(C.s[0]), "LIMIT");
	}
	stop();
}

/* Issue 14 item 5: the client sends its hello and closes its side at
 * once; the server's answer after that FIN (a HelloRetryRequest, or a
 * ServerHello) is still its answer: TLS 1.3 was negotiated. */
static void hrr_body(struct bb *h)
{
	static const uint8_t hrr[32] = { 0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
					 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
					 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
					 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c };
	hs_open(h, 2);
	put16(h, 0x0303);
	putn(h, hrr, 32);
	put8(h, 0);
	put16(h, 0x1301);
	put8(h, 0);
	put16(h, 12);
	put16(h, 43);
	put16(h, 2);
	put16(h, 0x0304);
	put16(h, 51);
	put16(h, 2);
	put16(h, 0x0017);
	close_(h);
}

static void test_answer_after_client_fin(void)
{
	for (int kind = 0; kind < 2; kind++) {
		struct bb h = { 0 }, r = { 0 };
		start_with_hello(1, NULL); /* 1-4 */
		seg(0, TCPF_FIN, NULL, 0); /* 5: the client is done sending */
		C.off[0]++;
		if (kind == 0)
			hrr_body(&h);
		else
			server_hello(&h, 1, 0x1301);
		records(&r, 22, &h, 16384);
		send_(1, &r, 1 << 16); /* 6 */
		bb_free(&h);
		bb_free(&r);
		seg(1, TCPF_FIN, NULL, 0); /* 7 */
		C.off[1]++;
		seg(0, 0, NULL, 0); /* 8 */
		finish();
		CHECK_EQ_INT(C.ns, 1);
		if (C.ns == 1) {
			struct tls_session *s = C.s[0];
			CHECK_EQ_STR(ladder(s), kind == 0 ? "c CH@4, s HRR@6" : "c CH@4, s SH@6");
			CHECK_EQ_INT(s->version, 0x0304);
			CHECK_EQ_INT(s->tls13, 1);
			CHECK_EQ_INT(s->sh.hrr, kind == 0);
			CHECK_EQ_INT(s->close_reason, TCP_CLOSE_FIN);
			check_endpoints(s);
		}
		stop();
	}
}

/* Issue 14 item 3: the ClientHello on the third packet of the TCP
 * handshake (the client's ACK of the SYN-ACK carries it), captured in
 * order (0), before the SYN-ACK (1), and without the SYN-ACK (2). The
 * capture and dissection stages needed no change for it: this guards it. */
static void test_hello_on_handshake_ack(void)
{
	for (int kind = 0; kind < 3; kind++) {
		struct bb h = { 0 };
		start(0);
		seg(0, TCPF_SYN, NULL, 0); /* 1 */
		if (kind == 0)
			seg(1, TCPF_SYN, NULL, 0); /* 2 */
		client_hello(&h, 0, "third.example");
		send_hs(0, &h); /* the ACK, with the ClientHello */
		if (kind == 1)
			seg(1, TCPF_SYN, NULL, 0);
		server_flight(&h, 2);
		send_hs(1, &h);
		finish();
		CHECK_EQ_INT(C.ns, 1);
		if (C.ns == 1) {
			struct tls_session *s = C.s[0];
			CHECK_EQ_STR(s->ch.sni, "third.example");
			check_chain(s, SIDE_SERVER, 2, 1);
			CHECK_EQ_INT(s->n_notes, 0);
			check_endpoints(s);
		}
		stop();
	}
}

/* One segment of `dir` at stream offset `at` (a retransmission, or out
 * of order), the next offset unchanged. */
static void seg_at(int dir, uint64_t at, const uint8_t *p, size_t n)
{
	uint64_t next = C.off[dir];
	C.off[dir] = at;
	seg(dir, TCPF_PSH, p, n);
	C.off[dir] = next;
}

/* Issue 14 item 3: overlapping copies that differ, where the receiver
 * used the later one (the first was corrupt: its checksum said so, but
 * captures cannot trust checksums). The kept Certificate does not parse,
 * the one with the other copy's bytes does: it is read from those, and
 * counted. Cases: the corrupt copy delivered first and retransmitted
 * whole (0) or in part (1); held ahead of a hole, then the good copy (2);
 * the good copy first and a corrupt retransmission (3: the kept bytes
 * parse, nothing changes); the whole flight corrupt in one segment and
 * the good bytes retransmitted after the Certificate was read, then the
 * client's next flight (4) or nothing more (5): the Certificate is read
 * again. */
static void test_overlap_later_copy(void)
{
	for (int kind = 0; kind < 6; kind++) {
		struct bb h = { 0 }, r = { 0 }, bad = { 0 };
		start_with_hello(0, NULL); /* 1-4 */
		server_flight(&h, 2);
		records(&r, 22, &h, 16384);
		/* Bytes 400..900 of the server's stream lie inside the leaf's
		 * DER; the corrupt copy has zeros there. */
		putn(&bad, r.p, r.n);
		memset(bad.p + 400, 0, 500);
		const struct bb *first = kind == 3 ? &r : &bad, *later = kind == 3 ? &bad : &r;
		if (kind >= 4) {
			seg_at(1, 0, bad.p, bad.n);	/* 5 */
			seg_at(1, 400, r.p + 400, 500); /* 6 */
			if (kind == 4) {
				struct bb k = { 0 };
				cke(&k);
				C.off[1] = r.n;
				send_hs(0, &k); /* 7 */
			}
		} else if (kind == 2) {
			seg_at(1, 400, first->p + 400, 500);  /* 5: held */
			seg_at(1, 400, later->p + 400, 500);  /* 6: conflicts */
			seg_at(1, 0, r.p, 400);		      /* 7: the hole */
			seg_at(1, 900, r.p + 900, r.n - 900); /* 8 */
		} else {
			seg_at(1, 0, first->p, 1000); /* 5 */
			if (kind == 1)
				seg_at(1, 600, later->p + 600, 200); /* 6: part of it */
			else
				seg_at(1, 0, later->p, 1000);	 /* 6 */
			seg_at(1, 1000, r.p + 1000, r.n - 1000); /* 7 */
		}
		C.off[1] = r.n;
		seg(0, 0, NULL, 0);
		bb_free(&h);
		bb_free(&r);
		bb_free(&bad);
		finish();
		CHECK_EQ_INT(C.ns, 1);
		if (C.ns == 1) {
			struct tls_session *s = C.s[0];
			if (kind == 1) { /* only 200 of the 500 zeros have another copy */
				CHECK_EQ_INT(s->chain[SIDE_SERVER].n, 2);
				CHECK(s->chain[SIDE_SERVER].certs[0]->parse_ok == 0);
			} else {
				check_chain(s, SIDE_SERVER, 2, 1);
			}
			if (kind == 2)
				CHECK_EQ_STR(ladder(s),
					     "c CH@4, s SH@7, s CERT@8, s SKE@8, s SHD@8");
			else if (kind == 4)
				CHECK_EQ_STR(ladder(s),
					     "c CH@4, s SH@5, s CERT@5, s SKE@5, s SHD@5, c CKE@7");
			else if (kind == 5)
				CHECK_EQ_STR(ladder(s),
					     "c CH@4, s SH@5, s CERT@5, s SKE@5, s SHD@5");
			else
				CHECK_EQ_STR(ladder(s),
					     "c CH@4, s SH@5, s CERT@7, s SKE@7, s SHD@7");
		}
		CHECK_EQ_INT(tls_dissector_stats(C.d)->overlap_resyncs, kind != 1 && kind != 3);
		stop();
	}
}

/* TDS packets of `type` around bytes, at most `max` payload bytes each
 * ([MS-TDS] 2.2.3.1: type, status (0x01 on the last), length, spid,
 * packet id, window). */
static void tds_wrap(struct bb *out, unsigned type, const struct bb *in, size_t max)
{
	unsigned id = 1;
	for (size_t o = 0; o < in->n || o == 0; o += max) {
		size_t k = in->n - o < max ? in->n - o : max;
		put8(out, type);
		put8(out, o + k >= in->n ? 1 : 0);
		put16(out, (unsigned)(8 + k));
		put16(out, 0);
		put8(out, id++);
		put8(out, 0);
		putn(out, in->p + o, k);
		if (in->n == 0)
			break;
	}
}

/* Issue 14 item 1: Microsoft SQL Server. PRELOGIN with its option
 * tokens (VERSION, ENCRYPTION), the server's PRELOGIN response, then the
 * TLS handshake inside PRELOGIN packets (records cut across packets of
 * 512 bytes), then bare TLS records. */
static void test_tds(void)
{
	struct bb h = { 0 }, r = { 0 }, p = { 0 };
	start(0);
	handshake3();
	/* options: VERSION at 11 (6 bytes), ENCRYPTION at 17 (1 byte), end */
	static const uint8_t opts[] = { 0x00, 0x00, 0x0b, 0x00, 0x06, 0x01, 0x00, 0x11, 0x00,
					0x01, 0xff, 0x0f, 0x00, 0x07, 0xd0, 0x00, 0x00, 0x01 };
	putn(&h, opts, sizeof opts);
	tds_wrap(&p, 0x12, &h, 4096);
	send_(0, &p, 1 << 16); /* 4 */
	bb_free(&p);
	tds_wrap(&p, 0x04, &h, 4096);
	send_(1, &p, 1 << 16); /* 5 */
	bb_free(&p);
	bb_free(&h);
	client_hello(&h, 0, "sql.example.com");
	records(&r, 22, &h, 16384);
	tds_wrap(&p, 0x12, &r, 512);
	send_(0, &p, 1 << 16); /* 6 */
	bb_free(&h);
	bb_free(&r);
	bb_free(&p);
	server_flight(&h, 3);
	records(&r, 22, &h, 1000);
	tds_wrap(&p, 0x12, &r, 512);
	send_(1, &p, 1460); /* 7.. */
	uint64_t f_sh = C.frame;
	bb_free(&h);
	bb_free(&r);
	bb_free(&p);
	cke(&h);
	records(&r, 22, &h, 16384);
	ccs(&r);
	opaque(&r, 22, 40);
	tds_wrap(&p, 0x12, &r, 512);
	send_(0, &p, 1 << 16);
	bb_free(&h);
	bb_free(&r);
	bb_free(&p);
	ccs(&r);
	opaque(&r, 22, 40);
	tds_wrap(&p, 0x12, &r, 512);
	send_(1, &p, 1 << 16);
	bb_free(&r);
	bb_free(&p);
	opaque(&r, 23, 100); /* bare TLS from here on */
	send_(0, &r, 1 << 16);
	bb_free(&r);
	opaque(&r, 23, 300);
	send_(1, &r, 1 << 16);
	bb_free(&r);
	finish();
	CHECK_EQ_INT(C.ns, 1);
	if (C.ns == 1) {
		struct tls_session *s = C.s[0];
		CHECK_EQ_STR(s->starttls, "tds");
		CHECK_EQ_STR(s->ch.sni, "sql.example.com");
		CHECK_EQ_INT(s->ch.frame, 6);
		CHECK_EQ_INT(s->sh.present, 1);
		check_chain(s, SIDE_SERVER, 3, 1);
		CHECK(s->chain[SIDE_SERVER].frame > 7 && s->chain[SIDE_SERVER].frame <= f_sh);
		CHECK_EQ_INT(s->handshake_done, 1);
		CHECK_EQ_INT(s->app_data[0], 1);
		CHECK_EQ_INT(s->app_data[1], 1);
		CHECK_EQ_STR(notes(s), "");
		check_endpoints(s);
	}
	stop();

	/* Not TDS: a 0x12 first byte without the rest of a PRELOGIN header
	 * is not TLS either. */
	start(0);
	handshake3();
	seg(0, TCPF_PSH, "\x12\x01\x00\x05zzzzzzzz", 12);
	seg(1, TCPF_PSH, "nope nope", 9);
	finish();
	CHECK_EQ_INT(C.ns, 0);
	CHECK_EQ_INT(tls_dissector_stats(C.d)->flows_not_tls, 1);
	stop();
}

int main(void)
{
	if (fixture_init() != 0)
		return 1;
	test_not_tls();
	test_starttls();
	test_tls13();
	test_answer_after_client_fin();
	test_tds();
	test_overlap_later_copy();
	test_hello_on_handshake_ack();
	test_sslv2_split();
	test_roles();
	test_mtls_alerts_truncated();
	test_alert_flood();

	x509_free_list(pki, npki);
	return t_done("tls_stream_more");
}

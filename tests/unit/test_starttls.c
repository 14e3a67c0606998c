/*
 * Unit tests for dissect/starttls.c: every recogniser on the first bytes
 * of each side (from the specifications' examples), what must not match
 * (near misses, one byte short, empty), and the TDS de-framer on whole,
 * split, hostile and ending input.
 */
#include "dissect/starttls.h"
#include "tests/unit/t.h"

#include <stdlib.h>
#include <string.h>

static enum starttls_strength rec_n(const void *p, size_t n, struct starttls_match *m)
{
	/* an exact-size heap copy, so a read past the end shows under ASan */
	uint8_t *c = malloc(n ? n : 1);
	memcpy(c, p, n);
	struct span s = { c, n };
	enum starttls_strength st = starttls_recognise(s, m);
	free(c);
	return st;
}

static void named(const char *bytes, size_t n, const char *name, enum starttls_strength st)
{
	struct starttls_match m;
	CHECK_EQ_INT(rec_n(bytes, n, &m), st);
	if (name)
		CHECK_EQ_STR(m.name, name);
	else
		CHECK(m.name == NULL);
}

#define TXT(s, name, st) named(s, sizeof s - 1, name, st)

static void test_text(void)
{
	TXT("220 mail.example.com ESMTP\r\n", "smtp", STARTTLS_SHARED);
	TXT("EHLO client\r\n", "smtp", STARTTLS_SURE);
	TXT("helo client\r\n", "smtp", STARTTLS_SURE);
	TXT("LHLO client.example.com\r\n", "lmtp", STARTTLS_SURE);
	TXT("AUTH TLS\r\n", "ftp", STARTTLS_SURE);
	TXT("* OK IMAP4rev1 ready\r\n", "imap", STARTTLS_SURE);
	TXT("+OK POP3 ready\r\n", "pop3", STARTTLS_SURE);
	TXT("200 news.example.com ready\r\n", "nntp", STARTTLS_SURE);
	TXT("201 news.example.com ready\r\n", "nntp", STARTTLS_SURE);
	TXT("CAPABILITIES\r\n", "nntp", STARTTLS_SURE);
	TXT("\"IMPLEMENTATION\" \"Cyrus timsieved\"\r\n", "sieve", STARTTLS_SURE);
	TXT("\"SIEVE\" \"fileinto vacation\"\r\n", "sieve", STARTTLS_SURE);
	TXT(":irc.example.net 670 nick :STARTTLS successful\r\n", "irc", STARTTLS_SURE);
	TXT(":irc.example.net NOTICE * :*** Looking up\r\n", "irc", STARTTLS_SURE);
	TXT("NOTICE AUTH :*** Looking up your hostname\r\n", "irc", STARTTLS_SURE);
	TXT("CAP LS 302\r\n", "irc", STARTTLS_SURE);
	TXT("NICK tester\r\n", "irc", STARTTLS_SURE);
	TXT("STARTTLS\r\n", NULL, STARTTLS_ANON);
	TXT("<?xml version='1.0'?>", "xmpp", STARTTLS_SURE);
	TXT("CONNECT a:443 HTTP/1.1\r\n", "http-connect", STARTTLS_SURE);

	/* near misses */
	TXT("", NULL, STARTTLS_NO);
	TXT("2", NULL, STARTTLS_NO);
	TXT("SSH-2.0-OpenSSH_9.2\r\n", NULL, STARTTLS_NO);
	TXT("GET / HTTP/1.1\r\n", NULL, STARTTLS_NO);
	TXT("STARTTLSX\r\n", NULL, STARTTLS_NO);
	TXT("STARTTLS", NULL, STARTTLS_NO); /* no end of line yet */
	TXT("LHLOX\r\n", NULL, STARTTLS_NO);
	TXT("202 nntp?\r\n", NULL, STARTTLS_NO);
	TXT(":irc.example.net PRIVMSG x\r\n", NULL, STARTTLS_NO);
	TXT(":irc.example.net 67 x\r\n", NULL, STARTTLS_NO);
	TXT(": 670 x\r\n", NULL, STARTTLS_NO);
	TXT(":nospace", NULL, STARTTLS_NO);
	TXT("\"IMPLEMENTATION", NULL, STARTTLS_NO);
}

static void hex(const char *h, struct starttls_match *m, enum starttls_strength want,
		const char *name)
{
	uint8_t b[256];
	size_t n = 0;
	for (; h[0] && h[1] && n < sizeof b; h += 2) {
		unsigned v;
		sscanf(h, "%2x", &v);
		b[n++] = (uint8_t)v;
	}
	CHECK_EQ_INT(rec_n(b, n, m), want);
	if (name)
		CHECK_EQ_STR(m->name, name);
}

static void test_binary(void)
{
	struct starttls_match m;
	/* PostgreSQL SSLRequest, and one byte short */
	hex("0000000804d2162f", &m, STARTTLS_SURE, "postgresql");
	hex("0000000804d216", &m, STARTTLS_NO, NULL);
	/* MySQL HandshakeV10 (MariaDB 10.11) and SSLRequest */
	hex("530000000a31302e31312e362d4d61726961444200030000003426372b5e4b4c3e00", &m,
	    STARTTLS_SURE, "mysql");
	hex("2000000105ae0e00000000012d00", &m, STARTTLS_SURE, "mysql");
	/* SSLRequest without CLIENT_SSL: a login, not TLS */
	hex("2000000105a60e00000000012d00", &m, STARTTLS_NO, NULL);
	/* protocol 9, a version string with a control byte, too short */
	hex("530000000931302e3100", &m, STARTTLS_NO, NULL);
	hex("530000000a31300133", &m, STARTTLS_NO, NULL);
	hex("530000000a353100", &m, STARTTLS_NO, NULL);
	hex("0500000a0a352e3700", &m, STARTTLS_NO, NULL); /* length under 40 */
	/* RDP X.224 CR and CC */
	hex("0300002b26e00000000000436f6f6b69653a", &m, STARTTLS_SURE, "rdp");
	hex("030000130ed00000123400021f080001000000", &m, STARTTLS_SURE, "rdp");
	hex("030000130dd00000123400", &m, STARTTLS_NO, NULL); /* LI != length - 5 */
	hex("030000130ef00000123400", &m, STARTTLS_NO, NULL); /* DT, not CR/CC */
	hex("0301001306d0", &m, STARTTLS_NO, NULL);
	hex("03000013", &m, STARTTLS_NO, NULL);
	/* TDS PRELOGIN */
	hex("1201002f0000010000001a000601", &m, STARTTLS_SURE, "tds");
	CHECK_EQ_INT(m.framing, STARTTLS_FRAME_TDS);
	hex("1200002f0000010000", &m, STARTTLS_NO, NULL); /* not end of message */
	hex("1201000700000100", &m, STARTTLS_NO, NULL);	  /* length under a header */
	hex("1201002f0000010100", &m, STARTTLS_NO, NULL); /* window != 0 */
	hex("1201002f00000100", &m, STARTTLS_NO, NULL);	  /* no option token */
	hex("1001002f0000010000", &m, STARTTLS_NO, NULL); /* LOGIN7, not PRELOGIN */
	/* LDAP: a BER SEQUENCE */
	hex("301d02010177188016", &m, STARTTLS_SURE, "ldap");
	hex("301d0201", &m, STARTTLS_NO, NULL);
}

/* De-frame `in` fed in pieces of `step` bytes; returns the payload. */
static size_t deframe(const uint8_t *in, size_t n, size_t step, uint8_t *out, int *on)
{
	struct tds_deframe t = { 1 };
	size_t o = 0;
	for (size_t at = 0; at < n; at += step) {
		size_t k = n - at < step ? n - at : step;
		uint8_t *piece = malloc(k);
		memcpy(piece, in + at, k);
		struct cursor c;
		struct span s;
		cur_init(&c, piece, k);
		while (tds_deframe_next(&t, &c, &s)) {
			memcpy(out + o, s.p, s.n);
			o += s.n;
		}
		free(piece);
	}
	*on = t.on;
	return o;
}

static void test_deframe(void)
{
	/* two PRELOGIN packets ("abc", "de"), a 0x04 one ("f"), then a bare
	 * TLS record header: de-framing ends there. */
	static const uint8_t in[] = { 0x12, 1, 0,  11, 0, 0,   1,    0,	  'a', 'b',  'c', 0x12,
				      1,    0, 10, 0,  0, 2,   0,    'd', 'e', 0x04, 1,	  0,
				      9,    0, 0,  1,  0, 'f', 0x16, 3,	  3,   0,    1,	  'g' };
	uint8_t out[64];
	int on;
	for (size_t step = 1; step <= sizeof in; step++) {
		size_t n = deframe(in, sizeof in, step, out, &on);
		CHECK_EQ_INT(n, 12);
		CHECK(n == 12 && memcmp(out, "abcdef\x16\x03\x03\x00\x01g", 12) == 0);
		CHECK_EQ_INT(on, 0);
	}
	/* a header that cannot be one: its 8 bytes and the rest go on as
	 * they are */
	static const uint8_t bad[] = { 0x12, 1, 0, 4, 9, 9, 9, 9, 'x', 'y' };
	size_t n = deframe(bad, sizeof bad, sizeof bad, out, &on);
	CHECK_EQ_INT(n, sizeof bad);
	CHECK(memcmp(out, bad, sizeof bad) == 0);
	CHECK_EQ_INT(on, 0);
	static const uint8_t other[] = { 0x01, 1, 0, 9, 0, 0, 1, 0, 'q' };
	n = deframe(other, sizeof other, 3, out, &on);
	CHECK_EQ_INT(n, sizeof other);
	CHECK_EQ_INT(on, 0);
	/* a packet whose payload is longer than the input: what there is */
	static const uint8_t cut[] = { 0x12, 1, 0xff, 0xff, 0, 0, 1, 0, 'z' };
	n = deframe(cut, sizeof cut, 4, out, &on);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(on, 1);
	/* empty input */
	n = deframe(cut, 0, 1, out, &on);
	CHECK_EQ_INT(n, 0);
}

int main(void)
{
	test_text();
	test_binary();
	test_deframe();
	return t_done("starttls");
}

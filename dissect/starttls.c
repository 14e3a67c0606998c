/*
 * starttls.c - which clear-text protocol a connection began with, before
 * TLS took over on the same connection; and the TDS de-framer.
 *
 * One table of recognisers, each reading only the first bytes one side
 * sent. The text protocols are matched on their first line; the binary
 * ones on their first message's fixed fields. A recogniser is specific
 * enough that a connection that is not TLS at all is rarely taken for a
 * candidate (a candidate is scanned for a TLS hello for at most 256 KiB).
 *
 *   text protocols (first line):
 *     smtp   RFC 5321 §4.2/§4.1.1.1, RFC 3207   S: "220 host ESMTP"  C: "EHLO host"
 *     lmtp   RFC 2033 §4.1                      S: "220 ..."         C: "LHLO host"
 *     ftp    RFC 4217 §4                        S: "220 ..."         C: "AUTH TLS"
 *     imap   RFC 9051 §7.1.1, §6.2.1            S: "* OK ..."        C: "a001 STARTTLS"
 *     pop3   RFC 2595 §4                        S: "+OK ..."
 *     nntp   RFC 4642 §2.2, RFC 3977 §5.1       S: "200 ..." / "201 ..."
 *                                               C: "CAPABILITIES", "MODE READER"
 *     sieve  RFC 5804 §1.7, §2.2                S: "\"IMPLEMENTATION\" \"...\"",
 *                                                  "\"SIEVE\" ...", "\"SASL\" ..."
 *     irc    IRCv3 tls extension (numeric 670 RPL_STARTTLS), RFC 1459 §2.3.1
 *                                               S: ":server NOTICE ..." / ":server 670 ..."
 *                                                  / "NOTICE AUTH :..."
 *                                               C: "CAP LS", "NICK x", "USER x", "PASS x"
 *     (any)  a client that begins with "STARTTLS": IRC, NNTP and
 *            ManageSieve clients do; the server's bytes name the protocol
 *     xmpp   RFC 6120 §5.4.3.1                  "<?xml ..." / "<stream:stream ..."
 *     http-connect  RFC 9110 §9.3.6             C: "CONNECT host:443 HTTP/1.1"
 *                                               S: "HTTP/1.1 200 ..."
 *   binary protocols:
 *     postgresql  PostgreSQL protocol 53.2.10 (SSLRequest)
 *         C: length(4) = 8 | code(4) = 80877103 (0x04d2162f)    S: 'S'
 *     ldap   RFC 4511 §4.14 StartTLS extended operation: a BER SEQUENCE
 *         30 len 02 01 id 77 ...
 *     mysql  MySQL client/server protocol, "Protocol::HandshakeV10" and
 *            "Protocol::SSLRequest" (MariaDB alike)
 *         S: payload_length(3, little-endian) seq(1) = 0 |
 *            protocol_version(1) = 10 | server_version (printable, NUL) ...
 *         C: payload_length(3) = 32 seq(1) = 1 |
 *            capability_flags(4, little-endian) with CLIENT_SSL (0x800) ...
 *     rdp    [MS-RDPBCGR] 2.2.1.1 / 2.2.1.2: TPKT (RFC 1006) around an X.224
 *            (ITU-T X.224 13.3) Connection Request / Confirm
 *         TPKT: version(1) = 3 reserved(1) = 0 length(2, big-endian)
 *         X.224: length_indicator(1) = TPKT length - 5 |
 *                code(1) = 0xE0 CR / 0xD0 CC | dst_ref(2) src_ref(2) class(1)
 *         then an optional cookie and RDP_NEG_REQ / RDP_NEG_RSP
 *         (type 1 / 2, flags, length(2 LE) = 8, protocols(4 LE): 1 TLS,
 *         2 CredSSP, 8 RDSTLS ...); TLS (or CredSSP over TLS) follows
 *     tds    [MS-TDS] 2.2.3.1 packet header, 2.2.6.5 PRELOGIN
 *         C: type(1) = 0x12 status(1) = 0x01 length(2 BE) spid(2)
 *            packet_id(1) window(1) = 0 | option tokens (VERSION = 0 first)
 *         the TLS handshake then travels inside PRELOGIN packets: see
 *         tds_deframe_next()
 */
#include "dissect/starttls.h"

#include <string.h>
#include <strings.h>

#define LOOK 64 /* bytes a recogniser may look at */

/* The first bytes as text, NULs as spaces (the text recognisers compare
 * prefixes; the binary ones read the cursor). */
struct look {
	struct span raw;
	char t[LOOK + 1];
	size_t n;
};

static int pre(const struct look *l, const char *s)
{
	size_t k = strlen(s);
	return l->n >= k && strncmp(l->t, s, k) == 0;
}

static int prei(const struct look *l, const char *s)
{
	size_t k = strlen(s);
	return l->n >= k && strncasecmp(l->t, s, k) == 0;
}

/* A command word followed by the end of the line or a space. */
static int cmd(const struct look *l, const char *word)
{
	size_t k = strlen(word);
	return prei(l, word) && l->n > k && (l->t[k] == ' ' || l->t[k] == '\r' || l->t[k] == '\n');
}

typedef enum starttls_strength (*recognise_fn)(const struct look *l, struct starttls_match *m);

static enum starttls_strength is(struct starttls_match *m, const char *name,
				 enum starttls_strength st)
{
	m->name = name;
	m->strength = st;
	return st;
}

static enum starttls_strength r_xmpp(const struct look *l, struct starttls_match *m)
{
	return pre(l, "<?xml") || pre(l, "<stream") ? is(m, "xmpp", STARTTLS_SURE) : STARTTLS_NO;
}

static enum starttls_strength r_smtp_like(const struct look *l, struct starttls_match *m)
{
	if (pre(l, "220"))
		return is(m, "smtp", STARTTLS_SHARED); /* also LMTP's and FTP's greeting */
	if (prei(l, "EHLO") || prei(l, "HELO"))
		return is(m, "smtp", STARTTLS_SURE);
	if (cmd(l, "LHLO"))
		return is(m, "lmtp", STARTTLS_SURE);
	if (prei(l, "AUTH TLS") || prei(l, "AUTH SSL"))
		return is(m, "ftp", STARTTLS_SURE);
	return STARTTLS_NO;
}

static enum starttls_strength r_imap_pop3(const struct look *l, struct starttls_match *m)
{
	if (pre(l, "* OK") || pre(l, "a001"))
		return is(m, "imap", STARTTLS_SURE);
	if (pre(l, "+OK"))
		return is(m, "pop3", STARTTLS_SURE);
	return STARTTLS_NO;
}

static enum starttls_strength r_http_connect(const struct look *l, struct starttls_match *m)
{
	return pre(l, "CONNECT ") || pre(l, "HTTP/1.") ? is(m, "http-connect", STARTTLS_SURE)
						       : STARTTLS_NO;
}

/* RFC 3977 §5.1: "200" posting allowed, "201" not. */
static enum starttls_strength r_nntp(const struct look *l, struct starttls_match *m)
{
	if (pre(l, "200 ") || pre(l, "201 "))
		return is(m, "nntp", STARTTLS_SURE);
	if (cmd(l, "CAPABILITIES") || prei(l, "MODE READER"))
		return is(m, "nntp", STARTTLS_SURE);
	return STARTTLS_NO;
}

/* RFC 5804 §1.7: the greeting is the capability list, one quoted
 * capability name per line. */
static enum starttls_strength r_sieve(const struct look *l, struct starttls_match *m)
{
	static const char *const caps[] = { "\"IMPLEMENTATION\"", "\"SIEVE\"", "\"SASL\"",
					    "\"STARTTLS\"", "\"VERSION\"" };
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
		if (prei(l, caps[i]))
			return is(m, "sieve", STARTTLS_SURE);
	return STARTTLS_NO;
}

/* RFC 1459 §2.3.1: ":prefix SP command"; a server's first line is a
 * NOTICE or a three-digit numeric (670 RPL_STARTTLS answers STARTTLS). */
static enum starttls_strength r_irc(const struct look *l, struct starttls_match *m)
{
	if (pre(l, "NOTICE AUTH ") || cmd(l, "CAP") || pre(l, "NICK ") || pre(l, "USER ") ||
	    pre(l, "PASS "))
		return is(m, "irc", STARTTLS_SURE);
	if (l->n < 8 || l->t[0] != ':')
		return STARTTLS_NO;
	size_t i = 1;
	while (i < l->n && l->t[i] != ' ' && l->t[i] != '\r' && l->t[i] != '\n')
		i++;
	if (i < 2 || i + 4 >= l->n || l->t[i] != ' ')
		return STARTTLS_NO;
	const char *c = l->t + i + 1;
	size_t left = l->n - i - 1;
	int numeric = left >= 4 && c[0] >= '0' && c[0] <= '9' && c[1] >= '0' && c[1] <= '9' &&
		      c[2] >= '0' && c[2] <= '9' && c[3] == ' ';
	int notice = left >= 7 && strncmp(c, "NOTICE ", 7) == 0;
	return numeric || notice ? is(m, "irc", STARTTLS_SURE) : STARTTLS_NO;
}

/* Clients of IRC, NNTP and ManageSieve may begin with STARTTLS itself. */
static enum starttls_strength r_starttls_cmd(const struct look *l, struct starttls_match *m)
{
	return cmd(l, "STARTTLS") ? is(m, NULL, STARTTLS_ANON) : STARTTLS_NO;
}

static enum starttls_strength r_postgresql(const struct look *l, struct starttls_match *m)
{
	static const uint8_t pg[8] = { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f };
	struct span pgs = { pg, sizeof pg }, head;
	struct cursor c;
	cur_init(&c, l->raw.p, l->raw.n);
	if (cur_bytes(&c, sizeof pg, &head) == PE_OK && span_eq(head, pgs))
		return is(m, "postgresql", STARTTLS_SURE);
	return STARTTLS_NO;
}

/* MySQL HandshakeV10 (server) or SSLRequest (client). */
static enum starttls_strength r_mysql(const struct look *l, struct starttls_match *m)
{
	struct cursor c;
	uint8_t b0, b1, b2, seq, v;
	cur_init(&c, l->raw.p, l->raw.n);
	if (cur_u8(&c, &b0) != PE_OK || cur_u8(&c, &b1) != PE_OK || cur_u8(&c, &b2) != PE_OK ||
	    cur_u8(&c, &seq) != PE_OK)
		return STARTTLS_NO;
	uint32_t len = (uint32_t)b0 | (uint32_t)b1 << 8 | (uint32_t)b2 << 16;
	if (seq == 1 && len == 32) {
		uint32_t caps;
		if (cur_u32le(&c, &caps) == PE_OK && (caps & 0x800) && (caps & 0x200))
			return is(m, "mysql", STARTTLS_SURE); /* CLIENT_SSL, CLIENT_PROTOCOL_41 */
		return STARTTLS_NO;
	}
	if (seq != 0 || len < 40 || len > 1024 || cur_u8(&c, &v) != PE_OK || v != 10)
		return STARTTLS_NO;
	/* server_version: printable up to its NUL, at least "5.x" */
	size_t k = 0;
	for (;;) {
		uint8_t ch;
		if (cur_u8(&c, &ch) != PE_OK)
			return k >= 3 ? is(m, "mysql", STARTTLS_SURE)
				      : STARTTLS_NO; /* cut: as far as it goes */
		if (ch == 0)
			break;
		if (ch < 0x20 || ch > 0x7e || ++k > 60)
			return STARTTLS_NO;
	}
	return k >= 3 ? is(m, "mysql", STARTTLS_SURE) : STARTTLS_NO;
}

/* TPKT + X.224 Connection Request or Confirm. */
static enum starttls_strength r_rdp(const struct look *l, struct starttls_match *m)
{
	struct cursor c;
	uint8_t ver, res, li, code;
	uint16_t len;
	cur_init(&c, l->raw.p, l->raw.n);
	if (cur_u8(&c, &ver) != PE_OK || cur_u8(&c, &res) != PE_OK || cur_u16(&c, &len) != PE_OK ||
	    cur_u8(&c, &li) != PE_OK || cur_u8(&c, &code) != PE_OK)
		return STARTTLS_NO;
	if (ver != 3 || res != 0 || len < 11 || (size_t)li + 5 != len)
		return STARTTLS_NO;
	if (code != 0xe0 && code != 0xd0)
		return STARTTLS_NO;
	return is(m, "rdp", STARTTLS_SURE);
}

/* TDS PRELOGIN from the client: one whole packet, option tokens inside. */
static enum starttls_strength r_tds(const struct look *l, struct starttls_match *m)
{
	struct cursor c;
	uint8_t type, status, pid, win, tok;
	uint16_t len, spid;
	cur_init(&c, l->raw.p, l->raw.n);
	if (cur_u8(&c, &type) != PE_OK || cur_u8(&c, &status) != PE_OK ||
	    cur_u16(&c, &len) != PE_OK || cur_u16(&c, &spid) != PE_OK ||
	    cur_u8(&c, &pid) != PE_OK || cur_u8(&c, &win) != PE_OK || cur_u8(&c, &tok) != PE_OK)
		return STARTTLS_NO;
	/* status: end of message (0x01), maybe reset-connection bits */
	if (type != 0x12 || (status & 0x01) == 0 || len < 8 + 6 || win != 0 || tok != 0)
		return STARTTLS_NO;
	m->framing = STARTTLS_FRAME_TDS;
	return is(m, "tds", STARTTLS_SURE);
}

/* Order matters where prefixes could collide: the binary protocols whose
 * fields are checked most tightly first, LDAP's one-byte guess last. */
static const recognise_fn recognisers[] = {
	r_tds,	     r_rdp,  r_postgresql, r_mysql, r_xmpp,	    r_smtp_like,
	r_imap_pop3, r_nntp, r_sieve,	   r_irc,   r_http_connect, r_starttls_cmd,
};

enum starttls_strength starttls_recognise(struct span first, struct starttls_match *m)
{
	struct look l;
	struct cursor c;
	memset(m, 0, sizeof *m);
	memset(&l, 0, sizeof l);
	l.raw = first;
	cur_init(&c, first.p, first.n);
	while (l.n < LOOK) {
		uint8_t ch;
		if (cur_u8(&c, &ch) != PE_OK)
			break;
		l.t[l.n++] = (char)(ch ? ch : ' ');
	}
	for (size_t i = 0; i < sizeof recognisers / sizeof recognisers[0]; i++) {
		enum starttls_strength st = recognisers[i](&l, m);
		if (st != STARTTLS_NO)
			return st;
		memset(m, 0, sizeof *m);
	}
	/* RFC 4511: an LDAP message is a BER SEQUENCE (the StartTLS
	 * extended request). */
	if (l.n >= 7 && (uint8_t)l.t[0] == 0x30)
		return is(m, "ldap", STARTTLS_SURE);
	return STARTTLS_NO;
}

/* ---- TDS ---- */

int tds_deframe_next(struct tds_deframe *t, struct cursor *in, struct span *out)
{
	while (cur_left(in)) {
		if (!t->on)
			return cur_bytes(in, cur_left(in), out) == PE_OK;
		if (t->left) {
			size_t k = t->left < cur_left(in) ? t->left : cur_left(in);
			if (cur_bytes(in, k, out) != PE_OK)
				return 0;
			t->left -= k;
			return 1;
		}
		if (t->hdr_have == 0) {
			uint8_t b0;
			if (cur_peek_u8(in, 0, &b0) != PE_OK)
				return 0;
			if (b0 >= 20 && b0 <= 23) { /* a bare TLS record: done */
				t->on = 0;
				continue;
			}
		}
		size_t k = sizeof t->hdr - t->hdr_have;
		if (k > cur_left(in))
			k = cur_left(in);
		if (cur_copy(in, t->hdr + t->hdr_have, k) != PE_OK)
			return 0;
		t->hdr_have += k;
		if (t->hdr_have < sizeof t->hdr)
			return 0;
		t->hdr_have = 0;
		struct cursor h;
		uint8_t type, status;
		uint16_t len;
		cur_init(&h, t->hdr, sizeof t->hdr);
		if (cur_u8(&h, &type) != PE_OK || cur_u8(&h, &status) != PE_OK ||
		    cur_u16(&h, &len) != PE_OK)
			return 0;
		if ((type != 0x12 && type != 0x04) || len < 8) {
			/* Not a TDS header after all: these bytes go on as they are. */
			t->on = 0;
			out->p = t->hdr;
			out->n = sizeof t->hdr;
			return 1;
		}
		t->packets++;
		t->left = (size_t)len - 8;
	}
	return 0;
}

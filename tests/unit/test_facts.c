/*
 * test_facts.c - the facts every view shows (rules/facts.h): one rounding
 * rule for days, a certificate's standing at a time, the CN of a name,
 * alerts in words.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/facts.h"
#include "rules/notes.h"
#include "t.h"

static void test_days(void)
{
	const time_t t0 = 1795406706; /* 2026-11-23 */

	CHECK_EQ_INT(days_between(t0, t0), 0);
	CHECK_EQ_INT(days_between(t0, t0 + 23 * 3600), 0); /* down, not to the nearest */
	CHECK_EQ_INT(days_between(t0, t0 + 86400), 1);
	CHECK_EQ_INT(days_between(t0, t0 + 2 * 86400 - 1), 1);
	CHECK_EQ_INT(days_between(t0, t0 - 3600), -1); /* down, not toward zero */
	CHECK_EQ_INT(days_between(t0, t0 - 86400), -1);
	CHECK_EQ_INT(days_between(t0, t0 - 86401), -2);
	CHECK_EQ_INT(day_of(0), 0);
	CHECK_EQ_INT(day_of(86399), 0);
	CHECK_EQ_INT(day_of(-1), -1);
}

static void test_validity(void)
{
	struct cert_info c;
	struct cert_validity v;

	memset(&c, 0, sizeof c);
	c.not_before = 1000000;
	c.not_after = 1000000 + 10 * 86400;
	v = cert_validity(&c, 1000000 + 86400 + 5);
	CHECK_EQ_INT(v.state, VALID);
	CHECK_EQ_INT(v.days, 8);
	v = cert_validity(&c, c.not_after); /* the last second still counts */
	CHECK_EQ_INT(v.state, VALID);
	CHECK_EQ_INT(v.days, 0);
	v = cert_validity(&c, c.not_after + 3 * 86400);
	CHECK_EQ_INT(v.state, EXPIRED);
	CHECK_EQ_INT(v.days, 3);
	v = cert_validity(&c, c.not_before - 86400 - 1);
	CHECK_EQ_INT(v.state, NOT_YET_VALID);
	CHECK_EQ_INT(v.days, 1);
	/* notBefore after notAfter: before its start it is not yet valid. */
	c.not_before = c.not_after + 86400;
	v = cert_validity(&c, c.not_after + 3600);
	CHECK_EQ_INT(v.state, NOT_YET_VALID);
}

static void test_cn(void)
{
	struct dn_attr a[3] = {
		{ OID_CN, "CN", "first" },
		{ "2.5.4.10", "O", "org" },
		{ OID_CN, "CN", "last" },
	};
	struct cert_info c;
	size_t pos = 0;

	memset(&c, 0, sizeof c);
	c.parse_ok = 1;
	c.subject.attrs = a;
	c.subject.nattrs = 3;
	CHECK_EQ_STR(cert_cn(&c), "last");
	CHECK_EQ_STR(dn_next(&c.subject, OID_CN, &pos), "first");
	CHECK_EQ_STR(dn_next(&c.subject, OID_CN, &pos), "last");
	CHECK(dn_next(&c.subject, OID_CN, &pos) == NULL);
	c.parse_ok = 0;
	CHECK(cert_cn(&c) == NULL);
	CHECK(cert_cn(NULL) == NULL);
}

static void test_alert(void)
{
	struct tls_alert a;
	char b[96];

	memset(&a, 0, sizeof a);
	a.level = TLS_ALERT_FATAL;
	a.desc = AL_UNKNOWN_CA;
	CHECK_EQ_STR(alert_text(&a, b, sizeof b), "fatal unknown_ca (48)");
	a.level = 7;
	a.desc = 99;
	CHECK_EQ_STR(alert_text(&a, b, sizeof b), "level ? unknown (99)");
	a.encrypted = 1;
	CHECK_EQ_STR(alert_text(&a, b, sizeof b), "encrypted alert");
	CHECK_EQ_STR(hs_type_text(HS_CERTIFICATE), "Certificate");
	CHECK_EQ_STR(version_text(TLS_V1_2, b, sizeof b), "TLS 1.2");
	CHECK_EQ_STR(version_text(0x0305, b, sizeof b), "0x0305"); /* never "unknown" */
	CHECK(version_text(0, b, sizeof b) == NULL);
	/* never a bare "unknown" in a sentence (issue 9, item 7) */
	CHECK_EQ_STR(hs_type_text(77), "unknown handshake message");
	CHECK_EQ_STR(hs_type_words(77, b, sizeof b), "unknown handshake message (type 77)");
	CHECK_EQ_STR(hs_type_words(HS_CERTIFICATE, b, sizeof b), "Certificate");
}

/* The dissector's notes in words: every one a sentence (a capital first),
 * and a message of an unknown type named as one (issue 9, item 7). */
static void test_notes(void)
{
	struct tls_note n;
	char *t;

	memset(&n, 0, sizeof n);
	n.kind = NOTE_LIMIT;
	n.limit = LIMIT_MESSAGE;
	n.side = SIDE_CLIENT;
	n.msg_type = 247;
	n.msg_len = 2573361;
	t = note_text(&n);
	CHECK_EQ_STR(t, "The client's unknown handshake message (type 247), announced as 2573361 "
			"bytes, is over our limit; not decoded");
	free(t);
	n.msg_type = HS_CERTIFICATE;
	t = note_text(&n);
	CHECK_EQ_STR(t, "The client's Certificate, announced as 2573361 bytes, is over our limit; "
			"not decoded");
	free(t);
	memset(&n, 0, sizeof n);
	n.kind = NOTE_MIDSTREAM;
	n.side = -1;
	t = note_text(&n);
	CHECK_EQ_STR(t, "The capture starts after this connection's handshake began");
	free(t);
	memset(&n, 0, sizeof n);
	n.kind = NOTE_TRUNCATED;
	n.side = SIDE_SERVER;
	n.msg_type = 99;
	n.msg_len = 100;
	n.msg_seen = 10;
	t = note_text(&n);
	CHECK_EQ_STR(t, "The capture ends inside the server's unknown handshake message (type 99) "
			"(10 of 100 bytes seen)");
	free(t);
}

int main(void)
{
	test_days();
	test_validity();
	test_cn();
	test_alert();
	test_notes();
	return t_done("test_facts");
}

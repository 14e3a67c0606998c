/*
 * test_facts.c - the facts every view shows (rules/facts.h): one rounding
 * rule for days, a certificate's standing at a time, the CN of a name,
 * alerts in words.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/facts.h"
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
	CHECK_EQ_STR(hs_type_text(77), "unknown");
}

int main(void)
{
	test_days();
	test_validity();
	test_cn();
	test_alert();
	return t_done("test_facts");
}

/*
 * test_select.c - the sessions filter (rules/select.c), on reports made by
 * hand:
 *  - ip: is exact (10.0.0.1 is not 10.0.0.10, which plain text would
 *    match), either end, IPv6 with and without brackets;
 *  - port: either end; not a number is an error;
 *  - finding: matches an id or a fatal alert's name (unknown_ca matches the
 *    session whose fatal_alert is named unknown_ca), exactly; an unknown
 *    one is an error;
 *  - verdict:/outcome: by prefix; an unknown one is an error;
 *  - sni: contains, "sni:" alone is "no SNI"; subject: the subject DN or a
 *    DNS SAN; file:;
 *  - plain words search everywhere (headline, finding message, subject) and
 *    the caller's text; every term must match; case does not matter; an
 *    unknown field is a plain word; an empty filter picks everything.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "rules/select.h"
#include "tests/unit/t.h"

static struct endpoint ep(const char *ip, uint16_t port)
{
	struct endpoint e;

	memset(&e, 0, sizeof e);
	e.port = port;
	if (inet_pton(AF_INET, ip, e.addr) == 1)
		e.family = 4;
	else if (inet_pton(AF_INET6, ip, e.addr) == 1)
		e.family = 6;
	return e;
}

static struct cert_info leaf;
static struct cert_info *chain[1] = { &leaf };
static char *sans[] = { "cucm-pub.example.com" };

/* A: 10.0.0.1:51000 -> 10.0.0.10:5061, failed, the server rejected with
 *    unknown_ca; sni cucm.example.com; a chain with a subject and a SAN.
 * B: 10.0.0.10:40000 -> 10.0.0.2:443, ok, no SNI.
 * C: 2001:db8::1:50000 -> [2001:db8::2]:7001, at risk, expired. */
static struct session_report *mk(int which)
{
	struct session_report *r = xcalloc(1, sizeof *r);
	struct tls_session *s = xcalloc(1, sizeof *s);

	r->s = s;
	switch (which) {
	case 0:
		s->file = "site-a/zone.pcap";
		s->client = ep("10.0.0.1", 51000);
		s->server = ep("10.0.0.10", 5061);
		s->ch.sni = "cucm.example.com";
		s->chain[SIDE_SERVER].present = 1;
		s->chain[SIDE_SERVER].n = 1;
		s->chain[SIDE_SERVER].certs = chain;
		r->verdict = VERDICT_FAILED;
		r->outcome = OUTCOME_REJECTED_BY_SERVER;
		r->headline = xstrdup("The SIP server rejected the client's chain.");
		report_add(r, "ca_not_acceptable", SEV_ERROR, SIDE_CLIENT, 0, BASIS_PREDICTED, NULL,
			   6, "Issuer not in the CertificateRequest list.", NULL);
		report_add(r, "fatal_alert", SEV_ERROR, SIDE_SERVER, -1, BASIS_OBSERVED, "alert", 9,
			   "Rejected with a Zebra alert.", NULL)
			->name = "unknown_ca";
		break;
	case 1:
		s->file = "site-b/web.pcap";
		s->client = ep("10.0.0.10", 40000);
		s->server = ep("10.0.0.2", 443);
		r->verdict = VERDICT_OK;
		r->outcome = OUTCOME_COMPLETED;
		r->headline = xstrdup("TLS 1.3 handshake complete.");
		break;
	default:
		s->file = "site-b/v6.pcap";
		s->client = ep("2001:db8::1", 50000);
		s->server = ep("2001:db8::2", 7001);
		r->verdict = VERDICT_AT_RISK;
		r->outcome = OUTCOME_COMPLETED;
		report_add(r, "expired", SEV_ERROR, SIDE_SERVER, 0, BASIS_PREDICTED, "notAfter", 4,
			   "Expired on 2026-10-01.", NULL);
		break;
	}
	return r;
}

static struct session_report *R[3];

/* Which of A, B, C the filter picks: "AC", "" ...; "!" plus the error. */
static const char *pick(const char *filter)
{
	static char out[8];
	static char err[300];
	struct session_select q = { 0 };
	size_t n = 0;

	if (select_parse(&q, filter, err, sizeof err) < 0) {
		CHECK(q.n == 0 && err[0]);
		return "!";
	}
	for (int i = 0; i < 3; i++) {
		/* B as a view asks: the rules' text and its own cells */
		char *all = select_text(R[i]);
		char *view = xasprintf("cell-only-word %s", all);

		if (select_match(&q, R[i], i == 1 ? view : NULL))
			out[n++] = (char)('A' + i);
		free(view);
		free(all);
	}
	out[n] = 0;
	select_free(&q);
	return out;
}

int main(void)
{
	leaf.subject.rfc4514 = "CN=cucm-pub.example.com,O=Example Corp";
	leaf.san_dns.v = sans;
	leaf.san_dns.n = 1;
	for (int i = 0; i < 3; i++)
		R[i] = mk(i);

	CHECK_EQ_STR(pick(""), "ABC");
	CHECK_EQ_STR(pick("   "), "ABC");
	/* ip: exact; plain text would also take 10.0.0.10 */
	CHECK_EQ_STR(pick("ip:10.0.0.1"), "A");
	CHECK_EQ_STR(pick("10.0.0.1"), "AB");
	CHECK_EQ_STR(pick("ip:10.0.0.10"), "AB");
	CHECK_EQ_STR(pick("ip:10.0.0.2"), "B");
	CHECK_EQ_STR(pick("ip:2001:db8::2"), "C");
	CHECK_EQ_STR(pick("IP:[2001:DB8::1]"), "C");
	CHECK_EQ_STR(pick("ip:10.0.0"), "!");
	CHECK_EQ_STR(pick("ip:"), "!");
	/* port: either end */
	CHECK_EQ_STR(pick("port:5061"), "A");
	CHECK_EQ_STR(pick("port:40000"), "B");
	CHECK_EQ_STR(pick("port:50"), "");
	CHECK_EQ_STR(pick("port:http"), "!");
	CHECK_EQ_STR(pick("port:70000"), "!");
	/* finding: an id, or a fatal alert's name; exact */
	CHECK_EQ_STR(pick("finding:unknown_ca"), "A");
	CHECK_EQ_STR(pick("finding:fatal_alert"), "A");
	CHECK_EQ_STR(pick("id:EXPIRED"), "C");
	CHECK_EQ_STR(pick("finding:expiring_soon"), "");
	CHECK_EQ_STR(pick("finding:expir"), "!");
	CHECK_EQ_STR(pick("finding:bad_certificate"), "");
	/* verdict:, outcome: by prefix */
	CHECK_EQ_STR(pick("verdict:failed"), "A");
	CHECK_EQ_STR(pick("v:at"), "C");
	CHECK_EQ_STR(pick("verdict:ok"), "B");
	CHECK_EQ_STR(pick("verdict:fine"), "!");
	CHECK_EQ_STR(pick("outcome:completed"), "BC");
	CHECK_EQ_STR(pick("outcome:rejected"), "A");
	CHECK_EQ_STR(pick("outcome:won"), "!");
	/* sni:, subject:, file: */
	CHECK_EQ_STR(pick("sni:CUCM"), "A");
	CHECK_EQ_STR(pick("sni:"), "BC");
	CHECK_EQ_STR(pick("subject:example corp"), "A");
	CHECK_EQ_STR(pick("subject:cucm-pub"), "A");
	CHECK_EQ_STR(pick("subject:"), "!");
	CHECK_EQ_STR(pick("file:site-b"), "BC");
	/* plain words: everywhere, and the caller's text */
	CHECK_EQ_STR(pick("zebra"), "A");
	CHECK_EQ_STR(pick("handshake"), "B");
	CHECK_EQ_STR(pick("example"), "A");
	CHECK_EQ_STR(pick("cell-only-word"), "B");
	CHECK_EQ_STR(pick("nowhere"), "");
	CHECK_EQ_STR(pick("foo:bar"), "");
	/* all terms must match */
	CHECK_EQ_STR(pick("site-b verdict:ok"), "B");
	CHECK_EQ_STR(pick("ip:10.0.0.10 port:443"), "B");
	CHECK_EQ_STR(pick("ip:10.0.0.10 port:443 verdict:failed"), "");

	for (int i = 0; i < 3; i++) {
		R[i]->s->chain[SIDE_SERVER].certs = NULL;
		free(R[i]->s);
		R[i]->s = NULL;
		session_report_free(R[i]);
		free(R[i]);
	}
	return t_done("select");
}

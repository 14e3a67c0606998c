/*
 * test_rules_cert.c - the rules that judge one certificate, the names, the
 * alerts and what the capture hid (rules/rule_cert.c, rule_alert.c,
 * rules.c, services.c), over hand-built sessions; the chain rules are in
 * test_rules.c. Same fixture and conventions (rules_fixture.h).
 */
#include "tests/unit/rules_fixture.h"

/* ------------------------------------------------------------ cases */

static void test_eku(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;
	const struct finding *f;

	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);

	/* 8443 is server-auth only: serverAuth needed, clientAuth not */
	s = sess(8443);
	set_chain(s, S, "clientonly", "inter", NULL);
	r = run(&u, s);
	EXPECT("missing_server_auth_eku", r, { "missing_server_auth_eku", S, 0, P });
	CHECK(find(r, "missing_server_auth_eku")->sev == SEV_ERROR);
	report_done(r);

	s = sess(8443);
	set_chain(s, S, "serveronly", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("serverAuth only on 8443 is fine", r);
	report_done(r);

	s = sess(8443);
	set_chain(s, S, "noeku", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("no EKU extension = any usage", r);
	report_done(r);

	/* 7001: the client's certificate needs clientAuth (the sunset case) */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, "root", "inter", NULL);
	set_chain(s, C, "serveronly", "inter", NULL);
	r = run(&u, s);
	EXPECT("missing_client_auth_eku on the client", r, { "missing_client_auth_eku", C, 0, P });
	f = find(r, "missing_client_auth_eku");
	CHECK(f && f->sev == SEV_ERROR);
	CHECK(f && has_text(f->advice, "2026"));
	CHECK(f && has_text(f->advice, "template that includes clientAuth"));
	CHECK(f && has_text(f->advice, "enterprise CA"));
	CHECK(f && has_text(f->advice, "dedicated client certificate"));
	CHECK(f && has_text(f->advice, "Maintenance > Security > Server certificate"));
	report_done(r);

	/* 7001 mutual: the server's certificate needs both (warning for the
	 * role it does not play in this session) */
	s = sess(7001);
	set_chain(s, S, "serveronly", "inter", NULL);
	r = run(&u, s);
	EXPECT("7001 server cert without clientAuth", r, { "missing_client_auth_eku", S, 0, P });
	CHECK(find(r, "missing_client_auth_eku")->sev == SEV_WARNING);
	report_done(r);

	s = sess(5061);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, NULL);
	set_chain(s, C, "clientonly", "inter", NULL);
	r = run(&u, s);
	EXPECT("5061 client cert without serverAuth", r, { "missing_server_auth_eku", C, 0, P });
	CHECK(find(r, "missing_server_auth_eku")->sev == SEV_WARNING);
	report_done(r);

	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, "root", "inter", NULL);
	set_chain(s, C, "cli", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("EKU clean on 7001", r);
	report_done(r);
	setup_free(&u);
}

static void test_key_usage(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);
	s = sess(443);
	set_chain(s, S, "kubad", "inter", NULL);
	r = run(&u, s);
	EXPECT("key_usage_mismatch on the leaf", r, { "key_usage_mismatch", S, 0, P });
	report_done(r);

	/* an issuer that is not a CA: checked on EVERY certificate */
	s = sess(443);
	set_chain(s, S, "under-notca", "notca-inter", "inter", NULL);
	r = run(&u, s);
	EXPECT("key_usage_mismatch on the issuer", r, { "key_usage_mismatch", S, 1, P });
	CHECK(has_text(find(r, "key_usage_mismatch")->message, "basicConstraints"));
	CHECK_EQ_INT(r->chain[S].path_len, 3);
	report_done(r);

	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("key usage clean", r);
	report_done(r);
	setup_free(&u);
}

static void test_names(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;
	const struct finding *f;

	setup_init(&u);
	setup_load(&u);

	s = sess(8443);
	free(s->ch.sni);
	s->ch.sni = xstrdup("cucm.example.com");
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("name_mismatch from SNI", r, { "name_mismatch", S, 0, P });
	f = find(r, "name_mismatch");
	CHECK(f && f->sev == SEV_ERROR);
	CHECK(f && has_text(f->message, "cucm.example.com (from SNI)"));
	CHECK(f && has_text(f->message, "srv.example.com, srv1.example.com"));
	report_done(r);

	s = sess(8443);
	free(s->ch.sni);
	s->ch.sni = xstrdup("SRV1.example.com.");
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("name match (case, trailing dot)", r);
	report_done(r);

	/* CN only when there is no SAN */
	s = sess(8443);
	set_chain(s, S, "nosan", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("CN match without SAN", r);
	report_done(r);
	s = sess(8443);
	free(s->ch.sni);
	s->ch.sni = xstrdup("other.example.com");
	set_chain(s, S, "nosan", "inter", NULL);
	r = run(&u, s);
	EXPECT("CN mismatch without SAN", r, { "name_mismatch", S, 0, P });
	report_done(r);

	/* --name, port-specific beats address-only */
	setup_free(&u);
	setup_init(&u);
	name_add(&u, "10.0.0.5", 0, "srv.example.com");
	name_add(&u, "10.0.0.5", 7001, "expe.example.com");
	setup_load(&u);
	s = sess(7001);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("name_mismatch from --name", r, { "name_mismatch", S, 0, P });
	CHECK_EQ_STR(r->expected_name, "expe.example.com");
	CHECK_EQ_STR(r->expected_name_source, "--name 10.0.0.5:7001");
	CHECK(has_text(find(r, "name_mismatch")->message, "--name 10.0.0.5:7001"));
	report_done(r);
	s = sess(5061);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("--name address-only match", r);
	CHECK_EQ_STR(r->expected_name_source, "--name 10.0.0.5");
	report_done(r);
	setup_free(&u);

	/* a DNS answer in the capture, before the session */
	setup_init(&u);
	setup_load(&u);
	{
		struct dns_seen d;

		memset(&d, 0, sizeof(d));
		d.family = 4;
		inet_pton(AF_INET, "10.0.0.5", d.addr);
		snprintf(d.name, sizeof(d.name), "srv9.example.com");
		d.ts_ns = (int64_t)D_2026_06_01 * NS - NS;
		d.frame = 3;
		VEC_PUSH(u.dns.v, u.dns.n, u.dns.cap, d);
		snprintf(d.name, sizeof(d.name), "late.example.com");
		d.ts_ns = (int64_t)D_2026_06_01 * NS + 5 * NS; /* after: ignored */
		d.frame = 30;
		VEC_PUSH(u.dns.v, u.dns.n, u.dns.cap, d);
	}
	s = sess(7001);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("name_mismatch from DNS", r, { "name_mismatch", S, 0, P });
	CHECK_EQ_STR(r->expected_name, "srv9.example.com");
	CHECK_EQ_STR(r->expected_name_source, "DNS answer (frame 3)");
	CHECK(find(r, "name_mismatch")->sev == SEV_WARNING);
	report_done(r);
	setup_free(&u);
}

static void test_ip_peer(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	setup_load(&u);
	/* HTTPS clients send SNI when they dial a name: none means an address */
	s = sess(8443);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("ip_address_peer", r, { "ip_address_peer", S, 0, P });
	CHECK(has_text(find(r, "ip_address_peer")->message, "10.0.0.5"));
	CHECK(has_text(r->expected_name_source, "no SNI"));
	report_done(r);

	s = sess(8443);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "ipsan", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("ip_address_peer clean (SAN iPAddress)", r);
	report_done(r);

	/* SIP stacks often send no SNI: alone it says nothing ... */
	s = sess(5061);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("no SNI on 5061", r);
	CHECK(r->expected_name == NULL);
	report_done(r);
	/* ... but with a rejection the way a name check fails, it explains it */
	s = sess(5061);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	add_alert(s, C, 2, 42, 6, s->chain[S].ts_ns + 900000);
	r = run(&u, s);
	EXPECT("ip_address_peer from the rejection", r, { "ip_address_peer", S, 0, P },
	       { "fatal_alert", C, -1, O });
	CHECK(has_text(r->headline, "agrees"));
	CHECK(has_text(r->headline, "most likely dialled the address 10.0.0.5"));
	report_done(r);
	/* ... unless something certain explains it */
	s = sess(5061);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "kubad", "inter", NULL);
	add_alert(s, C, 2, 42, 6, s->chain[S].ts_ns + 900000);
	r = run(&u, s);
	EXPECT("rejection explained by key usage", r, { "key_usage_mismatch", S, 0, P },
	       { "fatal_alert", C, -1, O });
	report_done(r);

	/* phones trust TVS by certificate (ITL), not by name */
	s = sess(2445);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("no name rule on TVS without a name", r);
	report_done(r);
	setup_free(&u);

	/* --name with an address: certain, so an error */
	setup_init(&u);
	name_add(&u, "10.0.0.5", 0, "10.0.0.5");
	setup_load(&u);
	s = sess(5061);
	free(s->ch.sni);
	s->ch.sni = NULL;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("ip_address_peer from --name", r, { "ip_address_peer", S, 0, P });
	CHECK(find(r, "ip_address_peer")->sev == SEV_ERROR);
	report_done(r);
	setup_free(&u);
}

static void test_cisco_rules(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	setup_load(&u);

	s = sess(7001);
	free(s->ch.sni);
	s->ch.sni = xstrdup("expe.example.com");
	set_chain(s, S, "wildcard", "inter", NULL);
	r = run(&u, s);
	EXPECT("wildcard on 7001", r, { "wildcard", S, 0, P });
	CHECK(find(r, "wildcard")->sev == SEV_WARNING);
	report_done(r);
	s = sess(443);
	free(s->ch.sni);
	s->ch.sni = xstrdup("www.example.com");
	set_chain(s, S, "wildcard", "inter", NULL);
	r = run(&u, s);
	EXPECT("wildcard on 443 is info", r, { "wildcard", S, 0, P });
	CHECK(find(r, "wildcard")->sev == SEV_INFO);
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	report_done(r);
	/* RFC 6125: one label only */
	s = sess(443);
	free(s->ch.sni);
	s->ch.sni = xstrdup("a.b.example.com");
	set_chain(s, S, "wildcard", "inter", NULL);
	r = run(&u, s);
	EXPECT("wildcard matches one label", r, { "wildcard", S, 0, P },
	       { "name_mismatch", S, 0, P });
	report_done(r);

	s = sess(7001);
	set_chain(s, S, "rsa8192", "inter", NULL);
	r = run(&u, s);
	EXPECT("rsa_key_8192 on 7001", r, { "rsa_key_8192", S, 0, P });
	CHECK(find(r, "rsa_key_8192")->sev == SEV_ERROR);
	report_done(r);
	s = sess(443);
	set_chain(s, S, "rsa8192", "inter", NULL);
	r = run(&u, s);
	EXPECT("rsa_key_8192 on 443 is info", r, { "rsa_key_8192", S, 0, P });
	CHECK(find(r, "rsa_key_8192")->sev == SEV_INFO);
	report_done(r);

	s = sess(5061);
	set_chain(s, S, "longsan", "inter", NULL);
	r = run(&u, s);
	EXPECT("san_too_long", r, { "san_too_long", S, 0, P });
	CHECK(has_text(find(r, "san_too_long")->message, "999"));
	report_done(r);

	s = sess(7001);
	set_chain(s, S, "oddoid", "inter", NULL);
	r = run(&u, s);
	EXPECT("unusual_subject_oid", r, { "unusual_subject_oid", S, 0, P });
	CHECK(has_text(find(r, "unusual_subject_oid")->message, "1.3.6.1.4.1.6449.1.2.1.5.1"));
	report_done(r);

	s = sess(7001);
	set_chain(s, S, "sha1", "inter", NULL);
	r = run(&u, s);
	EXPECT("weak_signature_sha1", r, { "weak_signature_sha1", S, 0, P });
	report_done(r);

	s = sess(2445);
	set_chain(s, S, "rsa1024", "inter", NULL);
	r = run(&u, s);
	EXPECT("weak_key", r, { "weak_key", S, 0, P });
	report_done(r);

	/* clean counterpart for all of them; a self-signed root's own SHA-256
	 * signature is fine and its subject standard */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", "root", NULL);
	r = run(&u, s);
	EXPECT_NONE("Cisco rules clean", r);
	report_done(r);
	setup_free(&u);
}

static void test_dates(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	setup_load(&u);

	/* (c) the same session judged at fixed times before and after expiry */
	u.cfg.at_mode = AT_FIXED;
	u.cfg.at = D_2026_06_01;
	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("AT_FIXED before expiry", r);
	CHECK_EQ_INT(r->judged_at, D_2026_06_01);
	report_done(r);
	u.cfg.at = D_2027_02_01;
	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("AT_FIXED after expiry", r, { "expired", S, 0, P });
	CHECK(find(r, "expired")->sev == SEV_ERROR);
	CHECK(has_text(find(r, "expired")->message, "2027-01-01"));
	CHECK(has_text(find(r, "expired")->message, "--at"));
	CHECK_EQ_INT(r->verdict, VERDICT_AT_RISK); /* completed, with an error */
	report_done(r);

	u.cfg.at = D_2024_06_01;
	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("not_yet_valid", r, { "not_yet_valid", S, 0, P });
	/* today (2026-06-11) it is valid: said so */
	CHECK(has_text(find(r, "not_yet_valid")->message, "As of now (2026-06-11), it is valid."));
	report_done(r);
	/* Not yet valid when judged, long expired by the day tlsdiag runs:
	 * "as of now" must not call it valid (issue 9, item 7). */
	{
		time_t keep = u.ctx.now;

		u.ctx.now = D_2036_01_01;
		s = sess(443);
		set_chain(s, S, "srv", "inter", NULL);
		r = run(&u, s);
		EXPECT("not_yet_valid, expired now", r, { "not_yet_valid", S, 0, P });
		CHECK(!strstr(find(r, "not_yet_valid")->message, "it is valid"));
		CHECK(has_text(find(r, "not_yet_valid")->message,
			       "As of now (2036-01-01), it has expired (on 2027-01-01"));
		report_done(r);
		u.ctx.now = keep;
	}

	u.cfg.at = D_2026_12_15;
	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("expiring_soon", r, { "expiring_soon", S, 0, P });
	CHECK(has_text(find(r, "expiring_soon")->message, "17 days"));
	CHECK_EQ_INT(r->verdict, VERDICT_WARNING);
	report_done(r);
	u.cfg.expiring_days = 10;
	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("expiring_soon outside --expiring-days", r);
	report_done(r);
	u.cfg.expiring_days = 30;

	/* every certificate: in 2036 the intermediate has expired too */
	u.cfg.at = D_2036_01_01;
	s = sess(443);
	set_chain(s, S, "srv", "inter", "root", NULL);
	r = run(&u, s);
	EXPECT("expired leaf and intermediate", r, { "expired", S, 0, P }, { "expired", S, 1, P });
	report_done(r);

	/* ... and the trust store's intermediate that completes a leaf-only
	 * chain is checked too */
	setup_free(&u);
	setup_init(&u);
	trust_add(&u, "store-chain.pem");
	setup_load(&u);
	u.cfg.at_mode = AT_FIXED;
	u.cfg.at = D_2036_01_01;
	s = sess(443);
	set_chain(s, S, "srv", NULL);
	r = run(&u, s);
	EXPECT("expired store intermediate", r, { "expired", S, 0, P }, { "expired", S, -1, P });
	report_done(r);
	u.cfg.at = D_2026_06_01;
	s = sess(443);
	set_chain(s, S, "srv", NULL);
	r = run(&u, s);
	EXPECT_NONE("store intermediate valid", r);
	CHECK_EQ_INT(r->chain[S].n_store_path, 2);
	report_done(r);

	/* judged at capture time; as of now it differs: say both */
	u.cfg.at_mode = AT_CAPTURE;
	u.ctx.now = D_2027_06_01;
	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("valid when captured, expired now (a headline note, not a finding)", r);
	CHECK(has_text(r->headline, "no problems found"));
	CHECK(has_text(r->headline, "was valid when captured (2026-06-01) but has expired since"));
	CHECK(has_text(r->headline, "as of now, 2027-06-01"));
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	report_done(r);
	s = sess(443);
	s->start_ts = (int64_t)D_2026_12_15 * NS;
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("expiring when captured, expired now", r, { "expiring_soon", S, 0, P });
	CHECK(has_text(find(r, "expiring_soon")->message,
		       "As of now (2027-06-01), it has expired"));
	report_done(r);
	/* AT_NOW */
	u.cfg.at_mode = AT_NOW;
	s = sess(443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("AT_NOW", r, { "expired", S, 0, P });
	CHECK(find(r, "expired")->sev == SEV_ERROR);
	CHECK_EQ_INT(r->judged_at, D_2027_06_01);
	report_done(r);
	setup_free(&u);
}

static void test_alerts(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;
	const struct finding *f;

	/* With a store for the client: predicted and observed agree. */
	setup_init(&u);
	trust_for_add(&u, "10.0.0.1", 0, "store-other.pem");
	trust_for_add(&u, "10.0.0.5", 0, "store-chain.pem");
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	add_alert(s, C, 2, 48, 6, s->chain[S].ts_ns + 500000);
	r = run(&u, s);
	EXPECT("fatal_alert unknown_ca, agreeing", r, { "unknown_ca", S, 0, P },
	       { "fatal_alert", C, -1, O });
	f = find(r, "fatal_alert");
	CHECK(f && f->frame == 6);
	CHECK(has_text(r->headline, "Expressway-C 10.0.0.1 rejected the chain of Expressway-E "
				    "10.0.0.5 with unknown_ca (frame 6, 0.5 ms after the "
				    "Certificate in frame 4)."));
	CHECK(has_text(r->headline, "agrees"));
	/* the pool (the E's own store) names the root and the intermediate */
	CHECK(has_text(r->headline, "ends at CN=Rules Test Root CA"));
	CHECK(has_text(r->headline, "the intermediate CN=Rules Test Issuing CA"));
	/* the fix is said once, under unknown_ca; the alert refers to it */
	CHECK(has_text(find(r, "unknown_ca")->advice, "Trusted CA certificate"));
	CHECK(f && has_text(f->advice, "The fix is the one given for unknown_ca."));
	CHECK(f && has_text(f->message, "see unknown_ca (predicted)"));
	CHECK(f && !strstr(f->message, find(r, "unknown_ca")->message));
	CHECK(has_text(r->headline, find(r, "unknown_ca")->message));
	CHECK_EQ_INT(r->verdict, VERDICT_FAILED);
	report_done(r);
	setup_free(&u);

	/* No store: the alert is the only word on trust. */
	setup_init(&u);
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	add_alert(s, C, 2, 48, 6, s->chain[S].ts_ns + 500000);
	r = run(&u, s);
	EXPECT("fatal_alert unknown_ca, no store", r, { "unknown_ca", S, 0, O },
	       { "fatal_alert", C, -1, O });
	CHECK(has_text(r->headline, "--trust"));
	CHECK(has_text(r->headline, "stops at CN=srv.example.com,O=tlsdiag rules test: its issuer "
				    "CN=Rules Test Issuing CA,O=tlsdiag rules test was not sent"));
	report_done(r);

	/* The server rejects the client's chain: blame on the client chain. */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, NULL);
	set_chain(s, C, "serveronly", "inter", NULL);
	add_alert(s, S, 2, 43, 8, s->chain[C].ts_ns + 2000000);
	r = run(&u, s);
	EXPECT("server rejects client chain", r, { "missing_client_auth_eku", C, 0, P },
	       { "fatal_alert", S, -1, O });
	CHECK(has_text(r->headline,
		       "Expressway-E 10.0.0.5 rejected the chain of Expressway-C "
		       "10.0.0.1 with unsupported_certificate (frame 8, 2.0 ms after"));
	CHECK(has_text(r->headline, "missing_client_auth_eku"));
	CHECK(has_text(find(r, "missing_client_auth_eku")->advice, "2026"));
	CHECK(has_text(find(r, "fatal_alert")->advice,
		       "The fix is the one given for missing_client_auth_eku."));
	report_done(r);

	/* An alert that answers no chain: ended after the ClientHello. */
	s = sess(5061);
	s->sh.present = 0;
	s->version = 0;
	{
		struct ladder_entry l = { LAD_HANDSHAKE, C, HS_CLIENT_HELLO, 200, s->start_ts, 1 };

		VEC_PUSH(s->ladder, s->n_ladder, s->cap_ladder, l);
	}
	add_alert(s, S, 2, 40, 2, s->start_ts + 300000);
	r = run(&u, s);
	EXPECT("handshake_failure after ClientHello", r, { "fatal_alert", S, -1, O });
	CHECK(has_text(r->headline,
		       "The SIP server 10.0.0.5 ended the handshake with handshake_failure "
		       "(frame 2, 0.3 ms after the ClientHello in frame 1)"));
	CHECK_EQ_INT(r->verdict, VERDICT_FAILED);
	report_done(r);

	/* close_notify and warnings are no failure; a clean counterpart */
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	add_alert(s, C, 1, 0, 11, s->start_ts + 9000000);
	add_alert(s, S, 1, 112, 3, s->start_ts + 1000000);
	r = run(&u, s);
	EXPECT_NONE("close_notify is not a failure", r);
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	report_done(r);

	/* an encrypted alert after the handshake: close_notify */
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	{
		struct tls_alert a = { C, 1, -1, -1, s->start_ts + 9000000, 11 };

		VEC_PUSH(s->alerts, s->n_alerts, s->cap_alerts, a);
	}
	r = run(&u, s);
	EXPECT_NONE("encrypted alert after the handshake", r);
	report_done(r);
	setup_free(&u);
}

static void test_tls13_and_gaps(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);

	s = sess(7001);
	s->tls13 = 1;
	s->version = s->sh.version = 0x0304;
	r = run(&u, s);
	/* session-wide: no side (JSON null) */
	EXPECT("TLS 1.3", r, { "certs_not_visible_tls13", -1, -1, O });
	CHECK(has_text(find(r, "certs_not_visible_tls13")->message, "encrypted"));
	CHECK(has_text(find(r, "certs_not_visible_tls13")->advice, "TLS 1.2"));
	CHECK(has_text(find(r, "certs_not_visible_tls13")->advice, "SSLKEYLOGFILE"));
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	report_done(r);

	/* TLS 1.3 and an encrypted alert before the end of the handshake */
	s = sess(7001);
	s->tls13 = 1;
	s->version = s->sh.version = 0x0304;
	s->handshake_done = 0;
	s->app_data[0] = s->app_data[1] = 0;
	{
		struct tls_alert a = { C, 1, -1, -1, s->start_ts + 4000000, 7 };

		VEC_PUSH(s->alerts, s->n_alerts, s->cap_alerts, a);
	}
	r = run(&u, s);
	EXPECT("TLS 1.3 encrypted rejection", r, { "certs_not_visible_tls13", -1, -1, O },
	       { "fatal_alert", C, -1, O });
	CHECK(has_text(r->headline, "encrypted alert"));
	report_done(r);

	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	{
		struct tls_note n = { NOTE_GAP, S, 1, 1448, s->start_ts + 2000000, 4, -1 };

		VEC_PUSH(s->notes, s->n_notes, s->cap_notes, n);
	}
	r = run(&u, s);
	EXPECT("capture_gap", r, { "capture_gap", S, -1, O });
	/* The rules word the dissector's note, and the finding quotes it. */
	CHECK_EQ_INT(r->n_notes, 1);
	CHECK(has_text(r->notes[0], "1448 bytes from the server are missing from the capture "
				    "after frame 4"));
	CHECK(has_text(find(r, "capture_gap")->message, "1448 bytes from the server are missing"));
	CHECK_EQ_INT(r->verdict, VERDICT_INCOMPLETE);
	report_done(r);

	/* a gap after the handshake is not a handshake gap */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	{
		struct tls_note n = { NOTE_GAP, S, 0, 100, s->start_ts + 9000000, 20, -1 };

		VEC_PUSH(s->notes, s->n_notes, s->cap_notes, n);
	}
	r = run(&u, s);
	EXPECT_NONE("gap after the handshake", r);
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	report_done(r);

	/* capture started mid-handshake: incomplete, no finding */
	s = sess(7001);
	s->ch.present = 0;
	s->sh.present = 0;
	s->handshake_done = 0;
	s->app_data[0] = s->app_data[1] = 0;
	s->flow_midstream = 1;
	r = run(&u, s);
	EXPECT_NONE("midstream", r);
	CHECK_EQ_INT(r->verdict, VERDICT_INCOMPLETE);
	CHECK(has_text(r->headline, "not seen completely"));
	report_done(r);
	setup_free(&u);
}

static void test_name_match(void)
{
	CHECK(rule_name_match("srv.example.com", "SRV.Example.com"));
	CHECK(rule_name_match("*.example.com", "a.example.com"));
	CHECK(!rule_name_match("*.example.com", "example.com"));
	CHECK(!rule_name_match("*.example.com", "a.b.example.com"));
	CHECK(!rule_name_match("*.com", "example.com"));
	CHECK(!rule_name_match("a*.example.com", "ab.example.com"));
	CHECK(!rule_name_match("*.*.example.com", "a.b.example.com"));
	CHECK(!rule_name_match("", "a"));
	CHECK(rule_name_match("srv.example.com.", "srv.example.com"));
}

static void test_services(void)
{
	struct analysis_config c;
	struct port_name pn[2] = { { 7002, (char *)"traversal", 0 },
				   { 9999, (char *)"My App", 1 } };
	int uc = -1;

	memset(&c, 0, sizeof(c));
	CHECK_EQ_STR(service_lookup(&c, 7001, &uc), "Expressway traversal zone");
	CHECK_EQ_INT(uc, 1);
	CHECK_EQ_STR(service_lookup(&c, 8443, &uc), "CUCM Tomcat HTTPS");
	CHECK_EQ_STR(service_lookup(&c, 2445, &uc), "CUCM Trust Verification Service (TVS)");
	CHECK_EQ_STR(service_lookup(&c, 5061, &uc), "SIP over TLS");
	CHECK(service_lookup(&c, 12345, &uc) == NULL);
	CHECK_EQ_INT(uc, 0);
	c.ports = pn;
	c.n_ports = 2;
	CHECK_EQ_STR(service_lookup(&c, 7002, &uc), "traversal");
	CHECK_EQ_INT(uc, 1);
	CHECK_EQ_STR(service_lookup(&c, 9999, &uc), "My App");
	CHECK_EQ_INT(uc, 1);
	{
		struct service_def d;

		service_get(&c, 7002, &d);
		CHECK_EQ_STR(d.role[SIDE_CLIENT], "Expressway-C");
		CHECK_EQ_INT(d.mutual, 1);
		service_get(&c, 9999, &d);
		CHECK_EQ_STR(service_role(&d, SIDE_SERVER), "the server");
	}
}

int main(void)
{
	fixture_init();
	test_name_match();
	test_services();
	test_eku();
	test_key_usage();
	test_names();
	test_ip_peer();
	test_cisco_rules();
	test_dates();
	test_alerts();
	test_tls13_and_gaps();
	certs_free();
	return t_done("test_rules_cert");
}

/*
 * test_rules.c - the diagnostic rules (rules/rules.c, rule_chain.c,
 * chain.c) over hand-built sessions: chains and trust, order, self-signed
 * leaves, store shadowing, client authentication. The per-certificate,
 * name and alert rules are in test_rules_cert.c.
 *
 * Every finding id of DOMAIN §5 has a case asserting the EXACT set of
 * findings (id, side, cert index, basis) it produces, and a clean
 * counterpart that produces none of them. Certificates come from
 * tests/unit/data/rules (made by its make.sh with openssl; leaves are valid
 * 2025-01-01 .. 2027-01-01, the issuing CA 2021 .. 2035, roots 2020 .. 2045).
 * Sessions are judged on 2026-06-01 unless a case says otherwise.
 */
#include "tests/unit/rules_fixture.h"

/* ------------------------------------------------------------ cases */

/* A healthy 7001 traversal: both chains from the enterprise CA, both
 * stores hold the root. No findings at all. */
static void test_clean(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, "root", "inter", NULL);
	set_chain(s, C, "cli", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("clean 7001 with store", r);
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	CHECK_EQ_STR(r->service, "Expressway traversal zone");
	CHECK_EQ_INT(r->cisco_uc, 1);
	CHECK_EQ_INT(r->chain[S].reaches_trust, 1);
	CHECK_EQ_INT(r->chain[S].path_len, 2);
	CHECK_EQ_INT(r->chain[S].status[0], CS_LINKED);
	CHECK_EQ_INT(r->chain[S].status[1], CS_TRUSTED_VIA_STORE);
	CHECK_EQ_INT(r->chain[S].n_store_path, 1);
	CHECK_EQ_INT(r->chain[C].reaches_trust, 1);
	CHECK_EQ_STR(r->expected_name, "srv.example.com");
	CHECK_EQ_STR(r->expected_name_source, "SNI");
	CHECK_EQ_INT(r->judged_at, D_2026_06_01);
	CHECK(has_text(r->headline, "no problems"));
	report_done(r);

	/* The same without any store: structure only, still clean. */
	setup_free(&u);
	setup_init(&u);
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	set_cr(s, "inter", NULL);
	set_chain(s, C, "cli", NULL);
	r = run(&u, s);
	EXPECT_NONE("clean 7001 leaf-only, no store", r);
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	CHECK_EQ_INT(r->chain[S].reaches_trust, -1);
	/* no store: nobody looked for the issuer, it is not "missing" */
	CHECK_EQ_INT(r->chain[S].status[0], CS_ISSUER_NOT_SENT);
	CHECK_EQ_INT(r->chain[S].rows[1].kind, ROW_MISSING);
	CHECK_EQ_STR(r->chain[S].rows[1].tag, "not sent");
	CHECK_EQ_INT(r->chain[S].rows[1].tone, TONE_DIM);
	CHECK_EQ_STR(r->chain[S].missing_issuer, "CN=Rules Test Issuing CA,O=tlsdiag rules test");
	CHECK_EQ_STR(r->chain[S].missing_issuer_url,
		     "http://pki.example.test/rules-issuing-ca.crt");
	report_done(r);

	/* Full chain with the root sent, in order: still clean. */
	s = sess(443);
	set_chain(s, S, "srv", "inter", "root", NULL);
	r = run(&u, s);
	EXPECT_NONE("clean 443 full chain, no store", r);
	CHECK_EQ_INT(r->chain[S].root_sent, 1);
	CHECK_EQ_INT(r->chain[S].in_order, 1);
	CHECK_EQ_STR(r->chain[S].ends_at, "CN=Rules Test Root CA,O=tlsdiag rules test");
	report_done(r);
	setup_free(&u);
}

static void test_unknown_ca(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;
	const struct finding *f;

	setup_init(&u);
	trust_add(&u, "store-root.pem");
	/* a store for someone else, so that the pool knows the Other CA */
	trust_for_add(&u, "10.9.9.9", 0, "store-other.pem");
	setup_load(&u);

	s = sess(7001);
	set_chain(s, S, "srv-other", "other-inter", NULL);
	r = run(&u, s);
	EXPECT("unknown_ca: chain from another CA", r, { "unknown_ca", S, 1, P });
	f = find(r, "unknown_ca");
	CHECK(f && f->sev == SEV_ERROR);
	CHECK(f && has_text(f->message, "CN=Other Root CA"));
	CHECK(f && has_text(f->message, "not in the trust store given for 10.0.0.1"));
	CHECK(f && has_text(f->advice, "Maintenance > Security > Trusted CA certificate"));
	CHECK(f && has_text(f->advice, "Expressway-C"));
	/* completed (no alert), with an error: at risk, not failed */
	CHECK_EQ_INT(r->verdict, VERDICT_AT_RISK);
	CHECK_EQ_INT(r->chain[S].reaches_trust, 0);
	report_done(r);

	/* an untrusted root sent by the peer */
	s = sess(7001);
	set_chain(s, S, "srv-other", "other-inter", "other-root", NULL);
	r = run(&u, s);
	EXPECT("unknown_ca: untrusted root sent", r, { "unknown_ca", S, 2, P });
	CHECK_EQ_INT(r->chain[S].status[2], CS_UNTRUSTED_ROOT);
	report_done(r);

	/* clean counterpart */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("unknown_ca clean", r);
	report_done(r);
	setup_free(&u);

	/* Nothing loaded knows the missing CA, but the server's own
	 * CertificateRequest names its organisation's root. */
	setup_init(&u);
	trust_add(&u, "store-other.pem");
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	set_cr(s, "root", "inter", NULL);
	add_alert(s, C, 2, 48, 6, s->chain[S].ts_ns + 500000);
	r = run(&u, s);
	EXPECT("unknown_ca, root named by the CertificateRequest", r, { "unknown_ca", S, 0, P },
	       { "fatal_alert", C, -1, O });
	f = find(r, "unknown_ca");
	CHECK(f && has_text(f->message, "own CertificateRequest (frame 4) lists CN=Rules Test Root "
					"CA,O=tlsdiag rules test"));
	CHECK(f && has_text(f->advice, "Upload the root CN=Rules Test Root CA,O=tlsdiag rules test "
				       "and the intermediate CN=Rules Test Issuing CA"));
	CHECK(has_text(r->headline, "Expressway-C 10.0.0.1 rejected the chain of Expressway-E "
				    "10.0.0.5 with unknown_ca"));
	report_done(r);
	setup_free(&u);

	/* Without a store, never invented. */
	setup_init(&u);
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv-other", "other-inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("unknown_ca never predicted without a store", r);
	report_done(r);
	setup_free(&u);
}

static void test_incomplete_chain(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;
	const struct finding *f;

	/* The receiver trusts the root only; the leaf comes alone. */
	setup_init(&u);
	trust_add(&u, "store-root.pem");
	trust_for_add(&u, "10.9.9.9", 0, "store-chain.pem"); /* the pool knows inter */
	setup_load(&u);
	s = sess(8443);
	set_chain(s, S, "srv", NULL);
	r = run(&u, s);
	EXPECT("incomplete_chain: intermediate missing", r, { "incomplete_chain", S, 0, P });
	f = find(r, "incomplete_chain");
	CHECK(f && has_text(f->message, "CN=Rules Test Issuing CA"));
	CHECK(f && has_text(f->message, "http://pki.example.test/rules-issuing-ca.crt"));
	CHECK(f && has_text(f->advice, "tomcat-trust"));
	report_done(r);

	/* clean: the intermediate is sent */
	s = sess(8443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("incomplete_chain clean", r);
	report_done(r);

	/* clean: the receiver holds the intermediate */
	s = sess(8443);
	set_chain(s, S, "srv", NULL);
	ep_set(&s->client, "10.9.9.9", 50000); /* the receiver holding inter */
	r = run(&u, s);
	EXPECT_NONE("incomplete_chain clean (receiver has inter)", r);
	report_done(r);
	setup_free(&u);

	/* Nothing loaded knows the intermediate, but the receiver trusts a
	 * root of the same organisation: an intermediate is missing ... */
	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);
	s = sess(443);
	set_chain(s, S, "srv", NULL);
	r = run(&u, s);
	EXPECT("incomplete_chain by organisation", r, { "incomplete_chain", S, 0, P });
	CHECK(has_text(find(r, "incomplete_chain")->message, "same organisation"));
	CHECK(has_text(find(r, "incomplete_chain")->message, "rules-issuing-ca.crt"));
	report_done(r);
	/* ... another organisation's CA: unknown_ca */
	s = sess(443);
	set_chain(s, S, "srv-other", NULL);
	r = run(&u, s);
	EXPECT("unknown_ca, other organisation", r, { "unknown_ca", S, 0, P });
	report_done(r);
	setup_free(&u);

	/* Structure only: leaf and root sent, the intermediate between missing. */
	setup_init(&u);
	setup_load(&u);
	s = sess(443);
	set_chain(s, S, "srv", "root", NULL);
	r = run(&u, s);
	EXPECT("incomplete_chain without store", r, { "incomplete_chain", S, 0, P },
	       { "chain_out_of_order", S, 1, P });
	report_done(r);
	setup_free(&u);
}

static void test_order(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);

	s = sess(443);
	set_chain(s, S, "srv", "root", "inter", NULL);
	r = run(&u, s);
	EXPECT("chain_out_of_order: root before intermediate", r,
	       { "chain_out_of_order", S, 1, P });
	CHECK_EQ_INT(r->chain[S].in_order, 0);
	CHECK_EQ_INT(r->chain[S].path_len, 3);
	CHECK_EQ_INT(r->chain[S].path[1], 2);
	CHECK_EQ_INT(r->chain[S].reaches_trust, 1);
	CHECK_EQ_INT(r->verdict, VERDICT_WARNING);
	report_done(r);

	s = sess(443);
	set_chain(s, S, "srv", "inter", "other-root", NULL);
	r = run(&u, s);
	EXPECT("chain_out_of_order: unrelated extra", r, { "chain_out_of_order", S, 2, P });
	CHECK_EQ_INT(r->chain[S].status[2], CS_EXTRA);
	/* The rows every view draws: leaf, intermediate, the missing root
	 * (the store has store-root, not other-root's issuer)... */
	CHECK_EQ_INT(r->chain[S].rows[0].kind, ROW_SENT);
	CHECK_EQ_INT(r->chain[S].rows[0].index, 0);
	CHECK_EQ_INT(r->chain[S].rows[1].kind, ROW_SENT);
	CHECK_EQ_INT(r->chain[S].rows[1].depth, 1);
	CHECK_EQ_INT(r->chain[S].rows[r->chain[S].n_rows - 1].kind, ROW_EXTRA);
	CHECK_EQ_INT(r->chain[S].rows[r->chain[S].n_rows - 1].index, 2);
	CHECK_EQ_INT(r->chain[S].rows[r->chain[S].n_rows - 1].depth, 0);
	report_done(r);

	s = sess(443);
	set_chain(s, S, "srv", "inter", "inter", NULL);
	r = run(&u, s);
	EXPECT("chain_out_of_order: duplicate", r, { "chain_out_of_order", S, 2, P });
	CHECK(has_text(find(r, "chain_out_of_order")->message, "duplicate of #1"));
	/* One row per certificate sent or known, the duplicate last and named
	 * as one: srv, inter, the store's root, the duplicate. */
	CHECK_EQ_INT(r->chain[S].n_rows, 4);
	CHECK_EQ_INT(r->chain[S].rows[2].kind, ROW_STORE);
	CHECK_EQ_INT(r->chain[S].rows[2].depth, 2);
	CHECK_EQ_INT(r->chain[S].rows[3].kind, ROW_DUPLICATE);
	CHECK_EQ_INT(r->chain[S].rows[3].index, 2);
	CHECK_EQ_INT(r->chain[S].rows[3].dup_of, 1);
	report_done(r);

	s = sess(443);
	set_chain(s, S, "srv", "inter", "root", NULL);
	r = run(&u, s);
	EXPECT_NONE("chain order clean", r);
	CHECK_EQ_INT(r->chain[S].status[2], CS_TRUSTED_ROOT);
	report_done(r);
	setup_free(&u);
}

static void test_self_signed(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	setup_load(&u);
	s = sess(8443);
	set_chain(s, S, "self", NULL);
	r = run(&u, s);
	EXPECT("self_signed_leaf, no store", r, { "self_signed_leaf", S, 0, P });
	CHECK_EQ_INT(r->verdict, VERDICT_WARNING);
	report_done(r);
	setup_free(&u);

	/* The receiver trusts exactly that certificate: accepted, an info. */
	setup_init(&u);
	trust_add(&u, "self.pem");
	setup_load(&u);
	s = sess(8443);
	set_chain(s, S, "self", NULL);
	r = run(&u, s);
	EXPECT("self_signed_leaf pinned", r, { "self_signed_leaf", S, 0, P });
	CHECK(find(r, "self_signed_leaf")->sev == SEV_INFO);
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	CHECK_EQ_INT(r->chain[S].status[0], CS_TRUSTED_ROOT);
	report_done(r);
	s = sess(8443);
	set_chain(s, S, "srv", "inter", NULL);
	r = run(&u, s);
	EXPECT("self_signed_leaf clean (CA-issued leaf, pinned store)", r,
	       { "unknown_ca", S, 1, P });
	report_done(r);
	setup_free(&u);

	/* Not trusted: unknown_ca too. */
	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);
	s = sess(8443);
	set_chain(s, S, "self", NULL);
	r = run(&u, s);
	EXPECT("self_signed_leaf untrusted", r, { "self_signed_leaf", S, 0, P },
	       { "unknown_ca", S, 0, P });
	report_done(r);
	setup_free(&u);
}

static void test_client_auth(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	setup_init(&u);
	setup_load(&u);

	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, "other-root", "other-inter", NULL);
	set_chain(s, C, "cli", "inter", NULL);
	r = run(&u, s);
	EXPECT("ca_not_acceptable", r, { "ca_not_acceptable", C, 0, P });
	CHECK(has_text(find(r, "ca_not_acceptable")->message, "CN=Other Root CA"));
	report_done(r);

	/* the root is listed: the path from the client's chain reaches it */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, "root", NULL);
	set_chain(s, C, "cli", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("ca_not_acceptable clean", r);
	report_done(r);
	/* an empty list says nothing */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, NULL);
	set_chain(s, C, "cli", NULL);
	r = run(&u, s);
	EXPECT_NONE("empty CA list", r);
	report_done(r);

	/* asked, and the client sent nothing; the server then refused */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, NULL);
	set_chain(s, C, NULL);
	add_alert(s, S, 2, 40, 8, s->chain[C].ts_ns + 300000);
	r = run(&u, s);
	EXPECT("client_cert_missing", r, { "client_cert_missing", C, -1, P },
	       { "fatal_alert", S, -1, O });
	CHECK(find(r, "client_cert_missing")->sev == SEV_ERROR);
	CHECK(has_text(r->headline, "sent no client certificate"));
	CHECK(has_text(r->headline, "handshake_failure"));
	CHECK(has_text(r->headline, "agrees"));
	report_done(r);
	setup_free(&u);
}

static void test_shadowing(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;
	const struct finding *f;

	/* root2 (other key, same subject) comes first in the store */
	setup_init(&u);
	trust_add(&u, "store-shadow.pem");
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	r = run(&u, s);
	EXPECT("trust_store_shadowing", r, { "trust_store_shadowing", -1, -1, P });
	f = find(r, "trust_store_shadowing");
	CHECK(f && f->sev == SEV_ERROR);
	CHECK(f && has_text(f->message, "Expressway searches by subject and stops at the first "
					"match"));
	report_done(r);

	s = sess(7001);
	set_chain(s, S, "srv", "inter", "root", NULL);
	r = run(&u, s);
	EXPECT("trust_store_shadowing (root sent)", r, { "trust_store_shadowing", -1, -1, P });
	CHECK(has_text(find(r, "trust_store_shadowing")->message, "(certificate #2)"));
	report_done(r);
	setup_free(&u);

	setup_init(&u);
	trust_add(&u, "store-chain.pem");
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	r = run(&u, s);
	EXPECT_NONE("trust_store_shadowing clean", r);
	report_done(r);
	setup_free(&u);
}

/* Hostile input: an undecodable certificate first, or in the middle. */
static void test_unparseable(void)
{
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	struct cert_info *bad = x509_decode(junk, sizeof(junk));
	struct setup u;
	struct tls_session *s;
	struct session_report *r;

	CHECK(bad && !bad->parse_ok);
	setup_init(&u);
	trust_add(&u, "store-root.pem");
	setup_load(&u);
	s = sess(7001);
	set_chain(s, S, NULL);
	s->chain[S].certs = xcalloc(2, sizeof(struct cert_info *));
	s->chain[S].certs[0] = bad;
	s->chain[S].certs[1] = cert("inter");
	s->chain[S].n = 2;
	r = run(&u, s);
	EXPECT("undecodable leaf", r, { "chain_out_of_order", S, 1, P });
	CHECK_EQ_INT(r->chain[S].status[0], CS_UNPARSEABLE);
	report_done(r);

	s = sess(7001);
	set_chain(s, S, "srv", NULL);
	s->chain[S].certs = xreallocarray(s->chain[S].certs, 3, sizeof(struct cert_info *));
	s->chain[S].certs[1] = bad;
	s->chain[S].certs[2] = cert("inter");
	s->chain[S].n = 3;
	r = run(&u, s);
	EXPECT("undecodable in the middle", r, { "chain_out_of_order", S, 1, P });
	CHECK_EQ_INT(r->chain[S].status[1], CS_UNPARSEABLE);
	CHECK_EQ_INT(r->chain[S].reaches_trust, 1);
	report_done(r);
	setup_free(&u);
	cert_info_free(bad);
}

/* Certificates of the X.509 differential corpus (tests/x509/corpus). */
#define CORPUS(name) ("../../../x509/corpus/" name)

/*
 * Re-encode a Name in place (test data, not wire input): every
 * PrintableString becomes a UTF8String and the other way round, and ASCII
 * letters change case. RFC 5280 §7.1 makes it the same name.
 */
static void reencode_name(uint8_t *p, size_t n)
{
	size_t i = 2;

	while (i + 1 < n) {
		uint8_t tag = p[i], len = p[i + 1];

		if (tag == 0x31 || tag == 0x30) { /* RDN SET, AttributeTypeAndValue */
			i += 2;
			continue;
		}
		if ((tag == 0x13 || tag == 0x0c) && i + 2 + len <= n) {
			p[i] = tag == 0x13 ? 0x0c : 0x13;
			for (size_t k = i + 2; k < i + 2 + len; k++)
				if ((p[k] | 0x20) >= 'a' && (p[k] | 0x20) <= 'z')
					p[k] ^= 0x20;
		}
		i += 2 + (size_t)len;
	}
}

static void test_reencoded_names(void)
{
	struct setup u;
	struct tls_session *s;
	struct session_report *r;
	const struct cert_info *leaf = cert(CORPUS("names/issuer-case-and-spaces"));
	const struct cert_info *ca = cert(CORPUS("names/ca"));

	/* The issuer field spells the CA's name otherwise (case, spaces,
	 * PrintableString for UTF8String): it still names that CA, the
	 * signature verifies, the chain links. */
	CHECK(strcmp(leaf->issuer.rfc4514, ca->subject.rfc4514) != 0);
	CHECK_EQ_INT(chain_issued_by(leaf, ca), 1);
	CHECK_EQ_INT(chain_issued_by(cert(CORPUS("names/issuer-bmp")), ca), 1);
	CHECK_EQ_INT(chain_issued_by(cert(CORPUS("names/issuer-utf8-for-printable")), ca), 1);
	setup_init(&u);
	setup_load(&u);
	s = sess(443);
	set_chain(s, S, CORPUS("names/issuer-case-and-spaces"), CORPUS("names/ca"), NULL);
	r = run(&u, s);
	CHECK_EQ_INT(r->chain[S].path_len, 2);
	CHECK_EQ_INT(r->chain[S].status[0], CS_LINKED);
	CHECK(find(r, "incomplete_chain") == NULL && find(r, "unknown_ca") == NULL);
	report_done(r);

	/* The server's CertificateRequest lists the issuing CA re-encoded:
	 * the client's certificate is still acceptable. */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, "inter", NULL);
	reencode_name(s->cr.ca_der[0], s->cr.ca_der_len[0]);
	CHECK(memcmp(s->cr.ca_der[0], cert("inter")->subject.der, s->cr.ca_der_len[0]) != 0);
	set_chain(s, C, "cli", "inter", NULL);
	r = run(&u, s);
	EXPECT_NONE("ca_not_acceptable, CA name re-encoded", r);
	report_done(r);
	/* ... but another name is another name */
	s = sess(7001);
	set_chain(s, S, "srv", "inter", NULL);
	set_cr(s, "inter", NULL);
	s->cr.ca_der[0][s->cr.ca_der_len[0] - 1] ^= 0x01;
	set_chain(s, C, "cli", "inter", NULL);
	r = run(&u, s);
	EXPECT("ca_not_acceptable, another name", r, { "ca_not_acceptable", C, 0, P });
	report_done(r);
	setup_free(&u);
}

/* A server chain of corpus certificates on 443, the client asking for sni. */
static struct session_report *corpus_chain(struct setup *u, const char *sni, const char *leaf,
					   const char *ca)
{
	struct tls_session *s = sess(443);

	free(s->ch.sni);
	s->ch.sni = xstrdup(sni);
	set_chain(s, S, leaf, ca, NULL);
	return run(u, s);
}

/* unknown_critical_extension: a critical extension validators do not
 * process, the CT precertificate poison, and critical ones they do. */
static void test_critical_extensions(void)
{
	struct setup u;
	struct session_report *r;
	const struct finding *f;

	setup_init(&u);
	setup_load(&u);
	r = corpus_chain(&u, "unknown-critical.example.com", CORPUS("exts/unknown-critical"),
			 CORPUS("exts/ca"));
	EXPECT("unknown critical extension", r, { "unknown_critical_extension", S, 0, P });
	f = find(r, "unknown_critical_extension");
	CHECK(f && f->sev == SEV_ERROR);
	CHECK(f && has_text(f->message, "1.3.6.1.4.1.55555.7.1"));
	report_done(r);

	r = corpus_chain(&u, "precert.example.com", CORPUS("exts/ct-poison"), CORPUS("exts/ca"));
	EXPECT("CT precertificate", r, { "unknown_critical_extension", S, 0, P });
	f = find(r, "unknown_critical_extension");
	CHECK(f && has_text(f->message, "precertificate"));
	report_done(r);

	/* a critical AKI: RFC 5280 says never critical, OpenSSL rejects it */
	r = corpus_chain(&u, "critical-aki.example.com", CORPUS("exts/critical-aki"),
			 CORPUS("exts/ca"));
	EXPECT("critical AKI", r, { "unknown_critical_extension", S, 0, P });
	report_done(r);

	/* critical extensions validators process: nothing to say */
	r = corpus_chain(&u, "eku-critical.example.com", CORPUS("exts/eku-critical"),
			 CORPUS("exts/ca"));
	CHECK(find(r, "unknown_critical_extension") == NULL);
	report_done(r);
	r = corpus_chain(&u, "policy-mappings.example.com", CORPUS("exts/policy-mappings"),
			 CORPUS("exts/ca"));
	CHECK(find(r, "unknown_critical_extension") == NULL);
	report_done(r);
	setup_free(&u);
}

/* A date that does not parse (openssl: "Bad time value") is not judged:
 * before, it read as 1970 and made the certificate "expired". */
static void test_bad_dates(void)
{
	struct setup u;
	struct session_report *r;

	setup_init(&u);
	setup_load(&u);
	CHECK(cert(CORPUS("dates/bad-local-time"))->not_after_bad);
	r = corpus_chain(&u, "genconf.example.com", CORPUS("dates/bad-local-time"),
			 CORPUS("genconf/ca"));
	CHECK(find(r, "expired") == NULL && find(r, "not_yet_valid") == NULL &&
	      find(r, "expiring_soon") == NULL);
	report_done(r);
	setup_free(&u);
}

int main(void)
{
	fixture_init();
	test_clean();
	test_unknown_ca();
	test_incomplete_chain();
	test_order();
	test_self_signed();
	test_client_auth();
	test_shadowing();
	test_unparseable();
	test_reencoded_names();
	test_critical_extensions();
	test_bad_dates();
	certs_free();
	return t_done("test_rules");
}

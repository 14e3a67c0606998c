/*
 * test_outcome.c - what happened, apart from what is wrong
 * (rules/outcome.c): the outcome, `established`, how it is known, the
 * verdict it leads to and the headline, over hand-built sessions.
 *
 * TLS 1.3 sessions without keys are given the protected records a real
 * one shows (sizes as OpenSSL 3.0 sends them with AES-256-GCM, see
 * tests/captures/keylog): the server's flight (EncryptedExtensions 23,
 * Certificate, CertificateVerify, Finished 69), the client's (Certificate,
 * CertificateVerify, Finished 69), then what each side sent after.
 */
#include "tests/unit/rules_fixture.h"

#define MS 1000000LL

/* A record of `len` bytes from `side` at frame f, t ms after the start. */
static void rec(struct tls_session *s, int side, uint32_t len, uint64_t f, int64_t t_ms)
{
	struct tls_protected *p = &s->prot[side], *peer = &s->prot[1 - side];
	struct tls_record_seen r = { len, s->start_ts + t_ms * MS, f };

	if (p->n == 0) {
		p->first = r;
		peer->n_before_peer = peer->n;
	}
	p->last = r;
	p->n++;
}

/* TLS 1.3 to 10.0.0.5:443 without keys: the hellos, the server's
 * encrypted flight (frame 6), and, unless `client_flight` is 0, the
 * client's (frame 8: Certificate, CertificateVerify, Finished). */
static struct tls_session *sess13(int client_flight)
{
	struct tls_session *s = sess(443);

	s->version = s->sh.version = 0x0304;
	s->tls13 = 1;
	s->ccs[0] = s->ccs[1] = 0;
	s->encrypted_hs[SIDE_SERVER] = 1;
	s->encrypted_hs[SIDE_CLIENT] = client_flight;
	s->handshake_done = client_flight;
	s->app_data[0] = s->app_data[1] = 0;
	s->close_reason = TCP_CLOSE_FIN;
	rec(s, S, 23, 6, 2);
	rec(s, S, 1969, 6, 2);
	rec(s, S, 281, 6, 2);
	rec(s, S, 69, 6, 2);
	if (client_flight) {
		rec(s, C, 1853, 8, 5);
		rec(s, C, 281, 8, 5);
		rec(s, C, 69, 8, 5);
	}
	return s;
}

static void test_tls13_server_rejects(void)
{
	struct setup u;
	struct session_report *r;
	struct tls_session *s;
	const struct finding *f;

	setup_init(&u);
	setup_load(&u);

	/* One short record from the server 0.7 ms after the client's flight,
	 * then FIN: rejected by the server, probably. */
	s = sess13(1);
	rec(s, S, 19, 9, 6);
	s->app_data[SIDE_SERVER] = 1;
	r = run(&u, s);
	CHECK_EQ_INT(r->outcome, OUTCOME_REJECTED_BY_SERVER);
	CHECK_EQ_INT(r->outcome_basis, OB_INFERRED);
	CHECK_EQ_INT(r->established, 0);
	CHECK_EQ_INT(r->verdict, VERDICT_FAILED);
	CHECK_EQ_STR(outcome_str(r->outcome), "rejected_by_server");
	f = find(r, "fatal_alert");
	CHECK(f != NULL);
	CHECK(f && f->side == S && f->frame == 9 && f->sev == SEV_ERROR);
	CHECK(has_text(r->headline, "Probably rejected by the server 10.0.0.5 (encrypted alert)"));
	CHECK(has_text(r->headline, "(19 bytes, frame 9, 1.0 ms later)"));
	CHECK(has_text(r->outcome_text, "Probably rejected by the server"));
	CHECK(find(r, "certs_not_visible_tls13") != NULL);
	report_done(r);

	/* The client sent data first (a request), then the server's short
	 * record: still a rejection. */
	s = sess13(1);
	rec(s, C, 38, 9, 6);
	rec(s, S, 19, 10, 7);
	s->app_data[0] = s->app_data[1] = 1;
	s->close_reason = TCP_CLOSE_RST;
	r = run(&u, s);
	CHECK_EQ_INT(r->outcome, OUTCOME_REJECTED_BY_SERVER);
	CHECK(has_text(r->headline, "reset (RST)"));
	report_done(r);

	/* A healthy one: the server answers the client's flight with tickets
	 * (250 bytes each) and data. Completed, ok. */
	s = sess13(1);
	rec(s, S, 250, 9, 6);
	rec(s, S, 250, 10, 6);
	rec(s, C, 19, 12, 400);
	rec(s, S, 19, 13, 401);
	s->app_data[0] = s->app_data[1] = 1;
	r = run(&u, s);
	CHECK_EQ_INT(r->outcome, OUTCOME_COMPLETED);
	CHECK_EQ_INT(r->established, 1);
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	CHECK(find(r, "fatal_alert") == NULL);
	report_done(r);

	/* The client closes first (close_notify), the server answers with its
	 * own: two short records, but the client's came first. Completed. */
	s = sess13(1);
	rec(s, C, 19, 9, 400);
	rec(s, S, 19, 10, 401);
	r = run(&u, s);
	CHECK_EQ_INT(r->outcome, OUTCOME_COMPLETED);
	CHECK_EQ_INT(r->verdict, VERDICT_OK);
	report_done(r);

	/* The capture ends after the short record, no FIN: not enough to
	 * infer anything (the server may yet answer). */
	s = sess13(1);
	rec(s, S, 19, 9, 6);
	s->close_reason = TCP_CLOSE_END;
	r = run(&u, s);
	CHECK(r->outcome != OUTCOME_REJECTED_BY_SERVER);
	CHECK(find(r, "fatal_alert") == NULL);
	report_done(r);

	/* A short record that is too long for an alert (an application
	 * reply of 40 bytes): no rejection. */
	s = sess13(1);
	rec(s, S, 40, 9, 6);
	r = run(&u, s);
	CHECK_EQ_INT(r->outcome, OUTCOME_COMPLETED);
	report_done(r);
	setup_free(&u);
}

static void test_tls13_client_rejects(void)
{
	struct setup u;
	struct session_report *r;
	struct tls_session *s;

	setup_init(&u);
	setup_load(&u);
	/* Instead of its flight, the client sends one short record. */
	s = sess13(0);
	rec(s, C, 19, 8, 5);
	s->encrypted_hs[SIDE_CLIENT] = 1; /* the dissector takes it for a flight */
	s->handshake_done = 1;
	r = run(&u, s);
	CHECK_EQ_INT(r->outcome, OUTCOME_REJECTED_BY_CLIENT);
	CHECK_EQ_INT(r->outcome_basis, OB_INFERRED);
	CHECK_EQ_INT(r->verdict, VERDICT_FAILED);
	CHECK(find(r, "fatal_alert") && find(r, "fatal_alert")->side == C);
	CHECK(has_text(r->headline, "Probably rejected by the client 10.0.0.1 (encrypted alert)"));
	CHECK(has_text(r->headline, "instead of its Finished"));
	report_done(r);
	setup_free(&u);
}

/* With keys the alert itself is read: it replaces the inference. */
static void test_decrypted_alert_wins(void)
{
	struct setup u;
	struct session_report *r;
	struct tls_session *s;
	struct tls_alert a = { SIDE_SERVER, 0, 2, AL_CERTIFICATE_EXPIRED, 0, 9, 1 };

	setup_init(&u);
	setup_load(&u);
	s = sess13(1);
	rec(s, S, 19, 9, 6);
	s->decrypt.status = DECRYPT_OK;
	s->decrypt.hs_records[SIDE_SERVER] = 4;
	a.ts_ns = s->start_ts + 6 * MS;
	VEC_PUSH(s->alerts, s->n_alerts, s->cap_alerts, a);
	r = run(&u, s);
	CHECK_EQ_INT(r->outcome, OUTCOME_REJECTED_BY_SERVER);
	CHECK_EQ_INT(r->outcome_basis, OB_DECRYPTED);
	CHECK_EQ_INT(r->outcome_alert, 0);
	CHECK(has_text(r->outcome_text, "certificate_expired"));
	CHECK(has_text(r->outcome_text, "read with the key log"));
	CHECK(r->headline && !strstr(r->headline, "Probably"));
	report_done(r);
	setup_free(&u);
}

/* What happened and what is wrong, apart: a completed handshake with an
 * error finding is at risk, not failed; a rejected one is failed. */
static void test_at_risk(void)
{
	struct setup u;
	struct session_report *r;
	struct tls_session *s;

	setup_init(&u);
	setup_load(&u);
	s = sess(5061);
	set_chain(s, S, "rsa8192", "inter", NULL);
	r = run(&u, s);
	CHECK(find(r, "rsa_key_8192") != NULL);
	CHECK_EQ_INT(r->outcome, OUTCOME_COMPLETED);
	CHECK_EQ_INT(r->established, 1);
	CHECK_EQ_INT(r->verdict, VERDICT_AT_RISK);
	CHECK_EQ_STR(verdict_str(r->verdict), "at_risk");
	CHECK(has_text(r->headline, "completed, but it is at risk: "));
	CHECK(has_text(r->headline, "8192"));
	report_done(r);

	/* The same chain, rejected by the client: failed. */
	s = sess(5061);
	set_chain(s, S, "rsa8192", "inter", NULL);
	add_alert(s, C, 2, AL_UNSUPPORTED_CERTIFICATE, 6, s->start_ts + 3 * MS);
	r = run(&u, s);
	CHECK_EQ_INT(r->outcome, OUTCOME_REJECTED_BY_CLIENT);
	CHECK_EQ_INT(r->outcome_basis, OB_ALERT);
	CHECK_EQ_INT(r->verdict, VERDICT_FAILED);
	CHECK_EQ_INT(r->established, 0);
	report_done(r);
	setup_free(&u);
}

static void test_aborted_and_not_seen(void)
{
	struct setup u;
	struct session_report *r;
	struct tls_session *s;
	struct ladder_entry l = { LAD_HANDSHAKE, SIDE_SERVER, HS_SERVER_HELLO_DONE, 4, 0, 5, 0, 0 };

	setup_init(&u);
	setup_load(&u);
	/* The server's flight, then FIN: no Finished, no alert. */
	s = sess(8443);
	set_chain(s, S, "srv", "inter", NULL);
	s->handshake_done = 0;
	s->ccs[0] = s->ccs[1] = s->encrypted_hs[0] = s->encrypted_hs[1] = 0;
	s->app_data[0] = s->app_data[1] = 0;
	VEC_PUSH(s->ladder, s->n_ladder, s->cap_ladder, l);
	s->close_reason = TCP_CLOSE_FIN;
	r = run(&u, s);
	CHECK_EQ_INT(r->outcome, OUTCOME_ABORTED);
	CHECK_EQ_INT(r->verdict, VERDICT_FAILED);
	CHECK(find(r, "handshake_aborted") && find(r, "handshake_aborted")->sev == SEV_ERROR);
	CHECK(has_text(r->headline, "aborted: the connection was closed (FIN) after the server's "
				    "ServerHelloDone (frame 5), with no alert."));
	report_done(r);

	/* The same where the capture simply ends: not seen, incomplete. */
	s = sess(8443);
	set_chain(s, S, "srv", "inter", NULL);
	s->handshake_done = 0;
	s->ccs[0] = s->ccs[1] = s->encrypted_hs[0] = s->encrypted_hs[1] = 0;
	s->app_data[0] = s->app_data[1] = 0;
	s->close_reason = TCP_CLOSE_END;
	r = run(&u, s);
	CHECK_EQ_INT(r->outcome, OUTCOME_NOT_SEEN);
	CHECK_EQ_INT(r->verdict, VERDICT_INCOMPLETE);
	CHECK(find(r, "handshake_aborted") == NULL);
	CHECK(has_text(r->headline, "the capture ends before the handshake finished"));
	report_done(r);
	setup_free(&u);
}

int main(void)
{
	fixture_init();
	test_tls13_server_rejects();
	test_tls13_client_rejects();
	test_decrypted_alert_wins();
	test_at_risk();
	test_aborted_and_not_seen();
	certs_free();
	return t_done("test_outcome");
}

/*
 * test_pipeline.c - the streaming pipeline (rules/pipeline.c) and the
 * TUI's store of sessions (rules/analysis.c): a session is judged and
 * handed over at the packet that concludes it, not at the end of the
 * input; the file report comes at the end; idle flows expire on a tick;
 * the store keeps every failing session and the latest others.
 */
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "dissect/x509.h"
#include "rules/analysis.h"
#include "rules/pipeline.h"
#include "tests/unit/t.h"

#define SAMPLE(n) SAMPLES_DIR "/" n

static struct session_report *got[8];
static uint64_t got_after[8]; /* packets pumped when it came */
static size_t ngot;
static uint64_t pumped;

static void collect(void *ctx, struct session_report *r)
{
	(void)ctx;
	if (ngot < 8) {
		got_after[ngot] = pumped;
		got[ngot++] = r;
	} else {
		session_report_destroy(r);
	}
}

static void drop_all(void)
{
	for (size_t i = 0; i < ngot; i++)
		session_report_destroy(got[i]);
	ngot = 0;
}

/* Packet by packet, as a live capture drives it. */
static void test_packet_by_packet(const struct pipeline_env *env)
{
	struct pipeline *p = pipeline_new(env, collect, NULL);
	struct file_report fr;
	CHECK_EQ_INT(pipeline_open_file(p, SAMPLE("wildcard-5061.pcap")), 0);
	pumped = 0;
	while (pipeline_pump(p, 0, 1) == SRC_OK)
		pumped++;
	CHECK_EQ_INT(pumped, 23);
	CHECK_EQ_INT(ngot, 1); /* before the end of the input */
	if (ngot == 1) {
		CHECK_EQ_INT(got_after[0] + 1,
			     15); /* while the frame that concluded it was taken */
		CHECK_EQ_INT(got[0]->s->last_frame, 15);
		CHECK_EQ_INT(got[0]->s->id, 1);
		CHECK_EQ_INT(got[0]->verdict, VERDICT_WARNING); /* judged */
		CHECK(got[0]->nf > 0 && strcmp(got[0]->f[0].id, "wildcard") == 0);
	}
	memset(&fr, 0, sizeof fr);
	pipeline_close(p, &fr);
	CHECK_EQ_INT(fr.ok, 1);
	CHECK_EQ_INT(fr.n_sessions, 1);
	CHECK_EQ_INT(fr.cap.packets, 23);
	CHECK_EQ_INT(fr.cap.status, SRC_EOF);
	CHECK_EQ_STR(fr.path, SAMPLE("wildcard-5061.pcap"));
	free(fr.path);
	drop_all(); /* before the pipeline: its cache holds their certificates */
	pipeline_free(p);
}

/* One pipeline, several files (the cache is shared); a file that cannot
 * be read is a report all the same. */
static void test_files(const struct pipeline_env *env)
{
	struct pipeline *p = pipeline_new(env, collect, NULL);
	struct file_report fr;
	memset(&fr, 0, sizeof fr);
	CHECK_EQ_INT(pipeline_run_file(p, SAMPLE("expressway-7001-unknown-ca.pcap"), &fr), 0);
	CHECK_EQ_INT(fr.n_sessions, 1);
	free(fr.path);
	memset(&fr, 0, sizeof fr);
	CHECK_EQ_INT(pipeline_run_file(p, SAMPLE("no-such-file.pcap"), &fr), -1);
	CHECK_EQ_INT(fr.ok, 0);
	CHECK(fr.cap.message[0] != 0);
	free(fr.path);
	memset(&fr, 0, sizeof fr);
	CHECK_EQ_INT(pipeline_run_file(p, SAMPLE("tvs-2445-healthy.pcap"), &fr), 0);
	free(fr.path);
	CHECK_EQ_INT(ngot, 2);
	if (ngot == 2) {
		CHECK_EQ_INT(got[0]->verdict, VERDICT_FAILED);
		CHECK_EQ_INT(got[1]->s->id, 1); /* numbered within its file */
		CHECK_EQ_INT(got[1]->verdict, VERDICT_OK);
	}
	drop_all();
	pipeline_free(p);
}

/* DTLS and TLS in one capture: the DTLS flow begins first and lasts to
 * the end, the TLS session concludes inside it; the TLS session waits,
 * and both leave in the order of their first packets, numbered so.
 * data/dtls12-and-tls12.pcap is tests/captures/dtls/dtls12-rsa.pcap with
 * tests/captures/tls/tls12-rsa.pcap merged in 0.5 ms after its start
 * (editcap -t 891976.271245, mergecap -F pcap). */
static void test_dtls_and_tls(const struct pipeline_env *env)
{
	struct pipeline *p = pipeline_new(env, collect, NULL);
	struct file_report fr;
	CHECK_EQ_INT(pipeline_open_file(p, DATA_DIR "/dtls12-and-tls12.pcap"), 0);
	while (pipeline_pump(p, 0, 1) == SRC_OK)
		;
	CHECK_EQ_INT(ngot, 0); /* the TLS session waits for the open DTLS flow */
	CHECK_EQ_INT(pipeline_waiting(p), 1);
	memset(&fr, 0, sizeof fr);
	pipeline_close(p, &fr);
	CHECK_EQ_INT(fr.n_sessions, 2);
	CHECK_EQ_INT(ngot, 2);
	if (ngot == 2) {
		CHECK_EQ_INT(got[0]->s->transport, TRANSPORT_UDP);
		CHECK_EQ_INT(got[0]->s->id, 1);
		CHECK_EQ_INT(got[0]->s->first_frame, 1);
		CHECK_EQ_INT(got[1]->s->transport, TRANSPORT_TCP);
		CHECK_EQ_INT(got[1]->s->id, 2);
		CHECK(got[1]->s->first_frame > 1);
	}
	free(fr.path);
	drop_all();
	pipeline_free(p);
}

/* A session still in its handshake leaves when its flow idles out on a
 * tick, before the input ends. */
static void test_tick(const struct pipeline_env *env)
{
	struct pipeline *p = pipeline_new(env, collect, NULL);
	struct file_report fr;
	CHECK_EQ_INT(pipeline_open_file(p, SAMPLE("tvs-2445-healthy.pcap")), 0);
	CHECK_EQ_INT(pipeline_pump(p, 0, 8), SRC_OK); /* into the handshake */
	CHECK_EQ_INT(ngot, 0);
	pipeline_tick(p, 1LL << 62); /* far later: every flow is idle */
	CHECK_EQ_INT(ngot, 1);
	if (ngot == 1)
		CHECK_EQ_INT(got[0]->s->close_reason, TCP_CLOSE_IDLE);
	memset(&fr, 0, sizeof fr);
	pipeline_close(p, &fr);
	free(fr.path);
	CHECK_EQ_INT(ngot, 1);
	drop_all();
	pipeline_free(p);
}

static struct session_report *fake(enum verdict v)
{
	struct session_report *r = xcalloc(1, sizeof *r);
	r->s = xcalloc(1, sizeof *r->s);
	r->verdict = v;
	return r;
}

/* The store's bound: failing sessions stay, the latest others stay. */
static void test_store_bound(void)
{
	struct analysis a;
	memset(&a, 0, sizeof a);
	a.keep_others = 2;
	struct session_report *f1 = fake(VERDICT_FAILED), *o1 = fake(VERDICT_OK),
			      *o2 = fake(VERDICT_WARNING), *f2 = fake(VERDICT_FAILED),
			      *o3 = fake(VERDICT_INCOMPLETE);
	analysis_add_session(&a, f1);
	analysis_add_session(&a, o1);
	analysis_add_session(&a, o2);
	analysis_add_session(&a, f2);
	CHECK_EQ_INT(a.n_sessions, 4);
	CHECK_EQ_INT(a.dropped, 0);
	analysis_add_session(&a, o3); /* o1 leaves */
	CHECK_EQ_INT(a.n_sessions, 4);
	CHECK_EQ_INT(a.dropped, 1);
	CHECK(a.sessions[0] == f1 && a.sessions[1] == o2 && a.sessions[2] == f2 &&
	      a.sessions[3] == o3);
	analysis_add_session(&a, fake(VERDICT_FAILED)); /* failing: all stay */
	CHECK_EQ_INT(a.n_sessions, 5);
	analysis_free(&a);

	memset(&a, 0, sizeof a); /* 0: no bound */
	for (int i = 0; i < 100; i++)
		analysis_add_session(&a, fake(VERDICT_OK));
	CHECK_EQ_INT(a.n_sessions, 100);
	analysis_free(&a);
}

int main(void)
{
	struct analysis_config cfg;
	analysis_config_init(&cfg);
	struct pipeline_env env = { &cfg, NULL, NULL, 1795000000 };
	test_packet_by_packet(&env);
	test_files(&env);
	test_tick(&env);
	test_dtls_and_tls(&env);
	test_store_bound();
	analysis_config_free(&cfg);
	x509_thread_done();
	return t_done("pipeline");
}

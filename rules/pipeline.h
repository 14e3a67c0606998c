/*
 * pipeline.h - packets in, judged sessions out, one at a time.
 *
 * A pipeline takes one input at a time (a capture file, or any packet
 * source: live interfaces, a file still being written) through the
 * capture loop, TCP reassembly and the TLS dissector. Each TLS session is
 * judged by the rules as soon as it is concluded (its handshake is over
 * and data flowed, a fatal alert, its flow closed, reset or idle, or the
 * input ended) and handed to `emit` at once, in the order of the
 * sessions' first packets, numbered from 1 within the input. Nothing is
 * kept of a session once it is handed over, so memory is bounded by the
 * flows open at a time, not by the length of the input.
 *
 * See the top of pipeline.c for who owns what and which thread does what.
 */
#ifndef TLSDIAG_PIPELINE_H
#define TLSDIAG_PIPELINE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "capture/capture.h"
#include "capture/tcp.h"
#include "rules/finding.h"
#include "rules/settings.h"

struct keylog;
struct trust_ctx;

/* What reading one input showed. */
struct file_report {
	char *path;
	struct capture_result cap;
	int ok;			    /* opened as a capture */
	struct tcp_table_stats tcp; /* flows, evictions, buffer overflows */
	size_t first_session;	    /* where its sessions begin in a store (analysis.h) */
	size_t n_sessions;	    /* sessions handed over */
};

/* What every pipeline of a run borrows (read only: pipelines in several
 * threads may share one). */
struct pipeline_env {
	const struct analysis_config *cfg;
	struct trust_ctx *trust;   /* may be NULL: no store */
	const struct keylog *keys; /* --keylog, SSLKEYLOGFILE, or NULL */
	time_t now;		   /* "as of now" for the rules */
	/* Emit each session as soon as it concludes, not in the order of
	 * first packets (live capture: a stalled handshake must not hold
	 * back the sessions after it until its idle timeout). */
	int in_conclusion_order;
};

/*
 * A judged session: r->s is set. The receiver owns it and frees it with
 * session_report_destroy(), on any thread, before pipeline_free() of the
 * pipeline that made it (its certificates are that pipeline's).
 */
typedef void (*pipeline_emit_fn)(void *ctx, struct session_report *r);

struct pipeline;

/* Certificates that no session holds kept for reuse (the cache's limit). */
#define PIPELINE_CERTS_KEPT 256

struct pipeline *pipeline_new(const struct pipeline_env *env, pipeline_emit_fn emit, void *ctx);

/*
 * Start reading `path` ("-": standard input), or the source `src` (its
 * ownership passes to the pipeline) under the name `name`. Returns 0, or
 * -1 when the file cannot be opened as a capture; then pipeline_close()
 * still reports it.
 */
int pipeline_open_file(struct pipeline *p, const char *path);
void pipeline_open_source(struct pipeline *p, const char *name, struct pkt_source *src);

/* Take packets as capture_pump() does (timeout, at most max_packets);
 * sessions concluded on the way are emitted before it returns. */
enum src_status pipeline_pump(struct pipeline *p, int timeout_ms, uint64_t max_packets);

/* Capture time is now_ns without a packet (a live capture's tick): idle
 * flows are closed and their sessions emitted. */
void pipeline_tick(struct pipeline *p, int64_t now_ns);

/* The open input's flow table figures (NULL when none is open): a live
 * capture's statistics. */
const struct tcp_table_stats *pipeline_tcp_stats(const struct pipeline *p);

/* Sessions concluded but waiting for a flow that began before them. */
size_t pipeline_waiting(const struct pipeline *p);

/*
 * End the input: every open flow is closed and every session emitted.
 * *fr (zeroed by the caller) gets what reading it showed; it owns fr->path.
 */
void pipeline_close(struct pipeline *p, struct file_report *fr);

/* pipeline_open_file, pump to the end, pipeline_close. Returns 0 when
 * the file could be read as a capture (maybe partly). */
int pipeline_run_file(struct pipeline *p, const char *path, struct file_report *fr);

/* Free the pipeline (an input still open is closed first, its sessions
 * emitted). Every report it emitted must have been destroyed. */
void pipeline_free(struct pipeline *p);

/* Free a report from a pipeline and its session (any thread). */
void session_report_destroy(struct session_report *r);

#endif

/*
 * live.c - the live driver: interfaces (-i) or a file still being
 * written (--follow) through one pipeline into the sinks, for as long as
 * it runs (ui/sink.h: live_run).
 *
 *   open the interfaces (root or CAP_NET_RAW), prepare -w DIR
 *     -> drop privileges (-Z USER; nobody as root) before any packet
 *   source (+ a tap: ring writer, last packet time) -> pipeline
 *     -> each session, as it concludes: capture gap?, sinks, summary
 *   loop: pump (100 ms or 4096 packets), every 250 ms of wall clock:
 *     idle flows expire, the ring is flushed, drops are looked at;
 *     SIGUSR1 prints the figures, SIGHUP reopens -o FILE,
 *     SIGINT/SIGTERM end it: every open flow is closed, its session
 *     written, the summary written, the figures printed.
 *
 * Everything runs on one thread: the sinks write each session as soon as
 * it is judged, and standard output (or -o FILE) is flushed after every
 * pump, so a pipe into jq sees a session within the pump's timeout.
 *
 * Idle expiry: the capture clock is the last packet's time plus the wall
 * time since it came, so a live capture (kernel timestamps are wall
 * clock) expires flows by wall clock, and a followed file written long
 * ago is not expired at once.
 *
 * Capture gaps: when the kernel (or the interface) reports drops between
 * two ticks, every session open in that interval may miss packets; the
 * intervals are kept (a few, merged) and a session that overlaps one gets
 * a capture_gap finding (rules_add_capture_gap).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/follow.h"
#include "capture/live.h"
#include "capture/privdrop.h"
#include "capture/ring.h"
#include "capture/xalloc.h"
#include "config.h"
#include "dissect/x509.h"
#include "rules/pipeline.h"
#include "rules/rules.h"
#include "rules/summary.h"
#include "ui/sink.h"
#include "ui/text/text.h"

static volatile sig_atomic_t g_stop, g_stats, g_reopen;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		g_stats = 1;
	else if (sig == SIGHUP)
		g_reopen = 1;
	else
		g_stop = 1;
}

/* Without SA_RESTART: poll() in the sources returns EINTR at once. */
static void catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGUSR1, SIGHUP };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a closed pipe is a write error, not a kill */
}

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ------------------------------------------------------------ the tap */

/* The source as the pipeline sees it: the real one, plus the ring writer
 * and the time of the last packet. */
struct tap {
	struct pkt_source inner;
	struct ring *ring; /* borrowed, may be NULL */
	int64_t last_ts;   /* capture time of the last packet (0: none yet) */
	int64_t last_wall; /* CLOCK_REALTIME when it came */
};

static enum src_status tap_next(void *impl, struct pkt *out, int timeout_ms)
{
	struct tap *t = impl;
	enum src_status st = t->inner.ops->next(t->inner.impl, out, timeout_ms);
	if (st == SRC_OK) {
		t->last_ts = out->ts_ns;
		t->last_wall = clock_ns(CLOCK_REALTIME);
		if (t->ring)
			(void)ring_write(t->ring, out); /* failures: ring_message */
	}
	return st;
}

static const char *tap_message(const void *impl)
{
	const struct tap *t = impl;
	return t->inner.ops->message(t->inner.impl);
}

static uint32_t tap_snaplen(const void *impl, uint32_t ifindex)
{
	const struct tap *t = impl;
	return t->inner.ops->snaplen ? t->inner.ops->snaplen(t->inner.impl, ifindex) : 0;
}

static void tap_stats(void *impl, struct pkt_source_stats *st)
{
	struct tap *t = impl;
	memset(st, 0, sizeof *st);
	if (t->inner.ops->stats)
		t->inner.ops->stats(t->inner.impl, st);
}

static void tap_close(void *impl)
{
	struct tap *t = impl;
	pkt_source_close(&t->inner);
	free(t);
}

static const struct pkt_source_ops tap_ops = { tap_next, tap_message, tap_snaplen, tap_stats,
					       tap_close };

/* ------------------------------------------------------------ the run */

#define GAP_SPANS 16

struct gap_span {
	int64_t from, to; /* capture time */
	uint64_t drops;
};

struct driver {
	const struct ui_opts *o;
	struct sink *sinks;
	size_t n_sinks;
	struct sink_file file;
	struct run_summary sum;
	int errors;
	struct tap *tap; /* owned by the pipeline's source */
	struct ring *ring;
	struct follow *follow; /* borrowed from the source, for its figures */
	int live;
	/* drops seen so far, and the intervals they happened in */
	uint64_t drops;
	int64_t last_tick_ts; /* capture time of the last tick */
	struct gap_span gaps[GAP_SPANS];
	size_t n_gaps;
	uint64_t gap_sessions;
	uint64_t sessions;
	int write_failed;
};

static int has_error_finding(const struct session_report *r)
{
	for (size_t i = 0; i < r->nf; i++)
		if (r->f[i].sev == SEV_ERROR)
			return 1;
	return 0;
}

/* Concluded because nothing more came (idle, evicted, the end): its
 * lost packets may be why, so its last packet's time says little. */
static int concluded_by_silence(const struct tls_session *s)
{
	return s->close_reason == TCP_CLOSE_IDLE || s->close_reason == TCP_CLOSE_EVICTED ||
	       s->close_reason == TCP_CLOSE_END;
}

static void on_session(void *ctx, struct session_report *r)
{
	struct driver *d = ctx;
	uint64_t drops = 0;
	for (size_t i = 0; i < d->n_gaps; i++)
		if (r->s->start_ts <= d->gaps[i].to &&
		    (r->s->end_ts >= d->gaps[i].from || concluded_by_silence(r->s)))
			drops += d->gaps[i].drops;
	if (drops) {
		rules_add_capture_gap(r, drops);
		d->gap_sessions++;
	}
	d->sessions++;
	for (size_t k = 0; k < d->n_sinks; k++)
		if (d->sinks[k].ops->session)
			d->sinks[k].ops->session(d->sinks[k].st, &d->file, r);
	summary_add_session(&d->sum, r, d->file.path);
	if (has_error_finding(r))
		d->errors = 1;
	session_report_destroy(r);
}

/* Drops grew since the last tick: remember the interval (the oldest go
 * when there are too many: a session that old is long concluded). */
static void note_drops(struct driver *d, int64_t now_ts)
{
	struct pkt_source_stats st;
	tap_stats(d->tap, &st);
	uint64_t drops = st.kernel_drops + st.iface_drops;
	if (drops > d->drops) {
		struct gap_span g = { d->last_tick_ts ? d->last_tick_ts : now_ts, now_ts,
				      drops - d->drops };
		if (d->n_gaps == GAP_SPANS) {
			memmove(d->gaps, d->gaps + 1, sizeof d->gaps[0] * (GAP_SPANS - 1));
			d->n_gaps--;
		}
		d->gaps[d->n_gaps++] = g;
		d->drops = drops;
	}
	d->last_tick_ts = now_ts;
}

static void print_stats(struct driver *d, const struct pkt_source_stats *sst,
			const struct tcp_table_stats *ts, FILE *f, const char *when)
{
	const struct pkt_source_stats st = *sst;
	fprintf(f,
		"tlsdiag: %s: %llu packets, %llu bytes; kernel drops %llu, interface drops %llu; "
		"flows %llu (open %llu, evicted %llu); sessions %llu (ok %llu, warning %llu, "
		"failed %llu, incomplete %llu; %llu with a capture gap)\n",
		when, (unsigned long long)st.packets, (unsigned long long)st.bytes,
		(unsigned long long)st.kernel_drops, (unsigned long long)st.iface_drops,
		(unsigned long long)(ts ? ts->flows : 0), (unsigned long long)(ts ? ts->active : 0),
		(unsigned long long)(ts ? ts->evicted : 0), (unsigned long long)d->sessions,
		(unsigned long long)d->sum.by_verdict[VERDICT_OK],
		(unsigned long long)d->sum.by_verdict[VERDICT_WARNING],
		(unsigned long long)d->sum.by_verdict[VERDICT_FAILED],
		(unsigned long long)d->sum.by_verdict[VERDICT_INCOMPLETE],
		(unsigned long long)d->gap_sessions);
	if (d->ring) {
		struct ring_stats rs;
		char b[600];
		ring_get_stats(d->ring, &rs);
		fprintf(f, "tlsdiag: %s: -w: %llu packets in %llu files (%llu removed), %s%s\n",
			when, (unsigned long long)rs.packets, (unsigned long long)rs.files,
			(unsigned long long)rs.removed,
			ui_sanitize_buf(ring_current(d->ring), b, sizeof b),
			ring_message(d->ring)[0] ? "; stopped writing" : "");
	}
	fflush(f);
}

/* Reopen -o FILE (SIGHUP, after log rotation) under the same stream.
 * When it cannot be opened (the user dropped to may not create files
 * there), writing goes on to the old file, with a warning. */
static void reopen_output(const struct ui_opts *o)
{
	char b[600];
	if (!o->output_path)
		return;
	fflush(stdout);
	int fd = open(o->output_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
		fprintf(stderr,
			"tlsdiag: warning: -o %s cannot be reopened (%s); still writing to "
			"the file it was\n",
			ui_sanitize_buf(o->output_path, b, sizeof b), strerror(errno));
	}
	if (fd >= 0)
		close(fd);
}

/* The interfaces, the ring and the privilege drop, in that order. */
static int open_live(const struct ui_opts *o, struct driver *d, struct pkt_source *src)
{
	struct privdrop_plan plan;
	char err[1024], b[1100];
	struct live_config lc = { (const char *const *)o->ifaces,
				  (size_t)o->n_ifaces,
				  o->snaplen,
				  o->no_promisc,
				  o->buffer_kib,
				  o->acfg.filter };
	if (privdrop_plan(o->user, &plan, err, sizeof err) != 0) {
		fprintf(stderr, "tlsdiag: -Z: %s\n", ui_sanitize_buf(err, b, sizeof b));
		return -1;
	}
	struct live *l = live_open(&lc, err, sizeof err);
	if (l == NULL) {
		fprintf(stderr, "tlsdiag: %s\n", ui_sanitize_buf(err, b, sizeof b));
		return -1;
	}
	if (o->ring_dir &&
	    ring_prepare_dir(o->ring_dir, plan.change_user ? (long)plan.uid : -1,
			     plan.change_user ? (long)plan.gid : -1, err, sizeof err) != 0) {
		fprintf(stderr, "tlsdiag: -w: %s\n", ui_sanitize_buf(err, b, sizeof b));
		live_close(l);
		return -1;
	}
	if (privdrop_apply(&plan, err, sizeof err) != 0) {
		fprintf(stderr, "tlsdiag: cannot drop privileges: %s\n",
			ui_sanitize_buf(err, b, sizeof b));
		live_close(l);
		return -1;
	}
	if (o->verbose > 0 && privdrop_describe(err, sizeof err) >= 0)
		fprintf(stderr, "tlsdiag: capturing as %s\n", err);
	if (live_warnings(l)[0] && o->verbose >= 0)
		fprintf(stderr, "tlsdiag: %s\n", ui_sanitize_buf(live_warnings(l), b, sizeof b));
	if (o->ring_dir) {
		char appl[64];
		snprintf(appl, sizeof appl, "tlsdiag %s", PACKAGE_VERSION);
		struct ring_config rc = { o->ring_dir, "tlsdiag", o->ring_size, o->ring_files,
					  appl };
		d->ring = ring_open(&rc, err, sizeof err);
		if (d->ring == NULL) {
			fprintf(stderr, "tlsdiag: -w: %s\n", ui_sanitize_buf(err, b, sizeof b));
			live_close(l);
			return -1;
		}
		for (size_t i = 0; i < live_iface_count(l); i++) {
			struct live_iface_stats s;
			live_iface_stats(l, i, &s);
			ring_add_iface(d->ring, (uint32_t)i, s.linktype, s.snaplen, s.name);
		}
	}
	live_as_source(l, src);
	return 0;
}

static int open_follow(const struct ui_opts *o, struct driver *d, struct pkt_source *src)
{
	char err[1024], b[1100];
	struct follow_config fc = { o->follow_path, &g_stop, 0 };
	if (o->user) {
		struct privdrop_plan plan;
		if (privdrop_plan(o->user, &plan, err, sizeof err) != 0 ||
		    privdrop_apply(&plan, err, sizeof err) != 0) {
			fprintf(stderr, "tlsdiag: -Z: %s\n", ui_sanitize_buf(err, b, sizeof b));
			return -1;
		}
	}
	d->follow = follow_open(&fc, err, sizeof err);
	if (d->follow == NULL) {
		fprintf(stderr, "tlsdiag: --follow: %s\n", ui_sanitize_buf(err, b, sizeof b));
		return -1;
	}
	follow_as_source(d->follow, src);
	return 0;
}

static char *source_name(const struct ui_opts *o)
{
	if (o->follow_path)
		return xstrdup(o->follow_path);
	struct dbuf b;
	dbuf_init(&b, 4096);
	dbuf_addf(&b, "interface%s ", o->n_ifaces > 1 ? "s" : "");
	for (int i = 0; i < o->n_ifaces; i++)
		dbuf_addf(&b, "%s%s", i ? "," : "", o->ifaces[i]);
	return dbuf_take(&b);
}

int live_run(const struct ui_opts *o, struct sink *sinks, size_t n_sinks)
{
	struct analysis owner;
	struct driver d;
	struct pkt_source src = { 0 };
	struct file_report fr;
	char err[512];
	int rc, failed_source = 0;

	memset(&d, 0, sizeof d);
	d.o = o;
	d.sinks = sinks;
	d.n_sinks = n_sinks;
	d.live = o->n_ifaces > 0;
	catch_signals();

	/* Trust stores first: a bad --trust fails before anything opens. */
	{
		struct analysis_config cfg;
		analysis_config_copy(&cfg, &o->acfg);
		if (analysis_init(&owner, &cfg, err, sizeof err) != 0) {
			fprintf(stderr, "tlsdiag: %s\n",
				err[0] ? err : "cannot load the trust stores");
			analysis_free(&owner);
			x509_thread_done();
			return EXIT_USAGE;
		}
	}
	if ((d.live ? open_live(o, &d, &src) : open_follow(o, &d, &src)) != 0) {
		analysis_free(&owner);
		x509_thread_done();
		return EXIT_USAGE;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Live capture filters in the kernel: not again in user space. */
	struct analysis_config pcfg = owner.cfg;
	if (d.live)
		pcfg.filter = NULL;
	struct pipeline_env env = { &pcfg, owner.trust, owner.keys, owner.now, 1 };
	struct pipeline *p = pipeline_new(&env, on_session, &d);
	char *name = source_name(o);
	d.file = (struct sink_file){ name, 0 };

	d.tap = xcalloc(1, sizeof *d.tap);
	d.tap->inner = src;
	d.tap->ring = d.ring;
	struct pkt_source tapped = { &tap_ops, d.tap };

	summary_init(&d.sum, time(NULL), o->acfg.expiring_days >= 0 ? o->acfg.expiring_days : 30);
	d.sum.max_certs = o->max_certs;
	for (size_t k = 0; k < n_sinks; k++)
		if (sinks[k].ops->begin)
			sinks[k].ops->begin(sinks[k].st, o);
	summary_add_store(&d.sum, &owner.store_report);
	if (has_error_finding(&owner.store_report))
		d.errors = 1;
	pipeline_open_source(p, name, &tapped);
	fflush(stdout);

	int64_t next_tick = clock_ns(CLOCK_MONOTONIC);
	while (!g_stop) {
		enum src_status st = pipeline_pump(p, 100, 4096);
		if (st != SRC_OK && st != SRC_AGAIN) {
			failed_source = st != SRC_EOF;
			break;
		}
		int64_t mono = clock_ns(CLOCK_MONOTONIC);
		if (mono >= next_tick) {
			next_tick = mono + 250000000LL;
			int64_t now_ts = d.tap->last_ts
						 ? d.tap->last_ts + (clock_ns(CLOCK_REALTIME) -
								     d.tap->last_wall)
						 : clock_ns(CLOCK_REALTIME);
			note_drops(&d, now_ts);
			if (d.tap->last_ts)
				pipeline_tick(p, now_ts);
			if (d.ring)
				ring_flush(d.ring);
		}
		if (g_stats) {
			struct pkt_source_stats sst;
			g_stats = 0;
			tap_stats(d.tap, &sst);
			print_stats(&d, &sst, pipeline_tcp_stats(p), stderr, "so far");
		}
		if (g_reopen) {
			g_reopen = 0;
			reopen_output(o);
		}
		if (fflush(stdout) != 0 && !d.write_failed) {
			perror("tlsdiag: output");
			d.write_failed = 1;
		}
	}

	/* The end: every open flow's session, then the figures. */
	struct pkt_source_stats sst;
	tap_stats(d.tap, &sst);
	note_drops(&d, d.tap->last_ts ? d.tap->last_ts : clock_ns(CLOCK_REALTIME));
	memset(&fr, 0, sizeof fr);
	pipeline_close(p, &fr); /* closes the tap and the source */
	d.tap = NULL;
	if (o->verbose >= 0)
		print_stats(&d, &sst, &fr.tcp, stderr, "at the end");
	if (failed_source) {
		char b[700];
		fprintf(stderr, "tlsdiag: %s: %s\n", ui_sanitize_buf(name, err, sizeof err),
			ui_sanitize_buf(fr.cap.message[0] ? fr.cap.message : "capture failed", b,
					sizeof b));
	}
	for (size_t k = 0; k < n_sinks; k++)
		if (sinks[k].ops->file_end)
			sinks[k].ops->file_end(sinks[k].st, &d.file, &fr);
	summary_add_file(&d.sum, &fr);
	summary_finish(&d.sum);
	for (size_t k = 0; k < n_sinks; k++)
		if (sinks[k].ops->end)
			sinks[k].ops->end(sinks[k].st, &d.sum);
	ring_close(d.ring);

	rc = failed_source || d.write_failed ? EXIT_USAGE : d.errors ? EXIT_FINDINGS : EXIT_CLEAN;
	summary_free(&d.sum);
	free(fr.path);
	pipeline_free(p);
	analysis_free(&owner);
	x509_thread_done();
	free(name);
	return rc;
}

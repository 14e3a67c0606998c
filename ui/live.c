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
#include "ui/live.h"
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

/* ------------------------------------------------------------ the feed */

#define GAP_SPANS 16

struct gap_span {
	int64_t from, to; /* capture time */
	uint64_t drops;
};

struct live_feed {
	const struct ui_opts *o;
	struct pipeline *p;
	char *name;
	pipeline_emit_fn emit;
	void *ctx;
	struct analysis_config pcfg; /* the run's, without -f when live */
	struct tap *tap;	     /* owned by the pipeline's source; NULL once closed */
	struct ring *ring;
	int live;
	int64_t next_tick; /* CLOCK_MONOTONIC */
	/* drops seen so far, and the intervals they happened in */
	uint64_t drops;
	int64_t last_look_ts; /* capture time drops were last read */
	struct gap_span gaps[GAP_SPANS];
	size_t n_gaps;
	struct live_figures fig;
	struct pkt_source_stats last_src; /* the source's, as last read */
};

/* Concluded because nothing more came (idle, evicted, the end): its
 * lost packets may be why, so its last packet's time says little. */
static int concluded_by_silence(const struct tls_session *s)
{
	return s->close_reason == TCP_CLOSE_IDLE || s->close_reason == TCP_CLOSE_EVICTED ||
	       s->close_reason == TCP_CLOSE_END;
}

static void feed_session(void *ctx, struct session_report *r)
{
	struct live_feed *f = ctx;
	uint64_t drops = 0;
	for (size_t i = 0; i < f->n_gaps; i++)
		if (r->s->start_ts <= f->gaps[i].to &&
		    (r->s->end_ts >= f->gaps[i].from || concluded_by_silence(r->s)))
			drops += f->gaps[i].drops;
	if (drops) {
		rules_add_capture_gap(r, drops);
		f->fig.gap_sessions++;
	}
	f->fig.sessions++;
	if (r->verdict <= VERDICT_INCOMPLETE)
		f->fig.by_verdict[r->verdict]++;
	f->emit(f->ctx, r);
}

static void feed_read_source(struct live_feed *f)
{
	if (f->tap)
		tap_stats(f->tap, &f->last_src);
	f->fig.packets = f->last_src.packets;
	f->fig.bytes = f->last_src.bytes;
	f->fig.kernel_drops = f->last_src.kernel_drops;
	f->fig.iface_drops = f->last_src.iface_drops;
	const struct tcp_table_stats *ts = f->p ? pipeline_tcp_stats(f->p) : NULL;
	if (ts) {
		f->fig.flows = ts->flows;
		f->fig.open_flows = ts->active;
		f->fig.evicted = ts->evicted;
	}
}

/* Drops grew since the last look (every step): remember the interval
 * (the oldest go when there are too many: a session that old is long
 * concluded). */
static void note_drops(struct live_feed *f, int64_t now_ts)
{
	feed_read_source(f);
	uint64_t drops = f->fig.kernel_drops + f->fig.iface_drops;
	if (drops > f->drops) {
		struct gap_span g = { f->last_look_ts ? f->last_look_ts : now_ts, now_ts,
				      drops - f->drops };
		if (f->n_gaps == GAP_SPANS) {
			memmove(f->gaps, f->gaps + 1, sizeof f->gaps[0] * (GAP_SPANS - 1));
			f->n_gaps--;
		}
		f->gaps[f->n_gaps++] = g;
		f->drops = drops;
	}
	f->last_look_ts = now_ts;
}

/* The interfaces, the ring and the privilege drop, in that order. */
static int open_live(const struct ui_opts *o, struct live_feed *f, struct pkt_source *src)
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
		f->ring = ring_open(&rc, err, sizeof err);
		if (f->ring == NULL) {
			fprintf(stderr, "tlsdiag: -w: %s\n", ui_sanitize_buf(err, b, sizeof b));
			live_close(l);
			return -1;
		}
		for (size_t i = 0; i < live_iface_count(l); i++) {
			struct live_iface_stats s;
			live_iface_stats(l, i, &s);
			ring_add_iface(f->ring, (uint32_t)i, s.linktype, s.snaplen, s.name);
		}
	}
	live_as_source(l, src);
	return 0;
}

static int open_follow(const struct ui_opts *o, struct pkt_source *src)
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
	struct follow *fw = follow_open(&fc, err, sizeof err);
	if (fw == NULL) {
		fprintf(stderr, "tlsdiag: --follow: %s\n", ui_sanitize_buf(err, b, sizeof b));
		return -1;
	}
	follow_as_source(fw, src);
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

struct live_feed *live_feed_new(const struct ui_opts *o, const struct analysis *owner,
				pipeline_emit_fn emit, void *ctx)
{
	struct live_feed *f = xcalloc(1, sizeof *f);
	struct pkt_source src = { 0 };
	f->o = o;
	f->emit = emit;
	f->ctx = ctx;
	f->live = o->n_ifaces > 0;
	if ((f->live ? open_live(o, f, &src) : open_follow(o, &src)) != 0) {
		free(f);
		return NULL;
	}
	/* Live capture filters in the kernel: not again in user space. */
	f->pcfg = owner->cfg;
	if (f->live)
		f->pcfg.filter = NULL;
	struct pipeline_env env = { &f->pcfg, owner->trust, owner->keys, owner->now, 1 };
	f->p = pipeline_new(&env, feed_session, f);
	f->name = source_name(o);
	f->tap = xcalloc(1, sizeof *f->tap);
	f->tap->inner = src;
	f->tap->ring = f->ring;
	struct pkt_source tapped = { &tap_ops, f->tap };
	pipeline_open_source(f->p, f->name, &tapped);
	f->next_tick = clock_ns(CLOCK_MONOTONIC);
	return f;
}

const char *live_feed_name(const struct live_feed *f)
{
	return f->name;
}

/* The capture clock: the last packet's time plus the wall time since. */
static int64_t feed_now(const struct live_feed *f)
{
	int64_t wall = clock_ns(CLOCK_REALTIME);
	return f->tap->last_ts ? f->tap->last_ts + (wall - f->tap->last_wall) : wall;
}

enum src_status live_feed_step(struct live_feed *f, int timeout_ms, uint64_t max_packets)
{
	/* Drops first: the packets taken next may be the ones right after
	 * a loss (the flows they close must know it). */
	note_drops(f, feed_now(f));
	enum src_status st = pipeline_pump(f->p, timeout_ms, max_packets);
	int64_t mono = clock_ns(CLOCK_MONOTONIC);
	if (mono >= f->next_tick) {
		f->next_tick = mono + 250000000LL;
		if (f->tap->last_ts)
			pipeline_tick(f->p, feed_now(f));
		if (f->ring)
			ring_flush(f->ring);
	}
	return st;
}

const struct live_figures *live_feed_figures(struct live_feed *f)
{
	feed_read_source(f);
	return &f->fig;
}

void live_feed_close(struct live_feed *f, struct file_report *fr)
{
	if (f->tap)
		note_drops(f, feed_now(f));
	f->tap = NULL;
	pipeline_close(f->p, fr); /* closes the tap and the source: the last sessions */
	if (fr) {
		f->fig.flows = fr->tcp.flows;
		f->fig.open_flows = fr->tcp.active;
		f->fig.evicted = fr->tcp.evicted;
	}
}

void live_feed_free(struct live_feed *f)
{
	if (f == NULL)
		return;
	if (f->tap)
		live_feed_close(f, NULL);
	ring_close(f->ring);
	pipeline_free(f->p);
	free(f->name);
	free(f);
}

/* ------------------------------------------------------------ the run */

struct driver {
	struct sink *sinks;
	size_t n_sinks;
	struct sink_file file;
	struct run_summary sum;
	int errors;
};

static int has_error_finding(const struct session_report *r)
{
	for (size_t i = 0; i < r->nf; i++)
		if (r->f[i].sev == SEV_ERROR)
			return 1;
	return 0;
}

static void on_session(void *ctx, struct session_report *r)
{
	struct driver *d = ctx;
	for (size_t k = 0; k < d->n_sinks; k++)
		if (d->sinks[k].ops->session)
			d->sinks[k].ops->session(d->sinks[k].st, &d->file, r);
	summary_add_session(&d->sum, r, d->file.path);
	if (has_error_finding(r))
		d->errors = 1;
	session_report_destroy(r);
}

void live_figures_line(const struct live_figures *g, char *buf, size_t len)
{
	snprintf(buf, len,
		 "%llu packets, %llu bytes; kernel drops %llu, interface drops %llu; flows %llu "
		 "(open %llu, evicted %llu); sessions %llu (ok %llu, warning %llu, failed %llu, "
		 "incomplete %llu; %llu with a capture gap)",
		 (unsigned long long)g->packets, (unsigned long long)g->bytes,
		 (unsigned long long)g->kernel_drops, (unsigned long long)g->iface_drops,
		 (unsigned long long)g->flows, (unsigned long long)g->open_flows,
		 (unsigned long long)g->evicted, (unsigned long long)g->sessions,
		 (unsigned long long)g->by_verdict[VERDICT_OK],
		 (unsigned long long)g->by_verdict[VERDICT_WARNING],
		 (unsigned long long)g->by_verdict[VERDICT_FAILED],
		 (unsigned long long)g->by_verdict[VERDICT_INCOMPLETE],
		 (unsigned long long)g->gap_sessions);
}

static void print_stats(struct live_feed *f, const struct live_figures *g, FILE *out,
			const char *when)
{
	char line[600], b[600];
	live_figures_line(g, line, sizeof line);
	fprintf(out, "tlsdiag: %s: %s\n", when, line);
	if (f->ring) {
		struct ring_stats rs;
		ring_get_stats(f->ring, &rs);
		fprintf(out, "tlsdiag: %s: -w: %llu packets in %llu files (%llu removed), %s%s\n",
			when, (unsigned long long)rs.packets, (unsigned long long)rs.files,
			(unsigned long long)rs.removed,
			ui_sanitize_buf(ring_current(f->ring), b, sizeof b),
			ring_message(f->ring)[0] ? "; stopped writing" : "");
	}
	fflush(out);
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

int live_run(const struct ui_opts *o, struct sink *sinks, size_t n_sinks)
{
	struct analysis owner;
	struct driver d;
	struct file_report fr;
	char err[512];
	int rc, failed_source = 0, write_failed = 0;

	memset(&d, 0, sizeof d);
	d.sinks = sinks;
	d.n_sinks = n_sinks;
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
	struct live_feed *f = live_feed_new(o, &owner, on_session, &d);
	if (f == NULL) {
		analysis_free(&owner);
		x509_thread_done();
		return EXIT_USAGE;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	d.file = (struct sink_file){ live_feed_name(f), 0 };

	summary_init(&d.sum, time(NULL), o->acfg.expiring_days >= 0 ? o->acfg.expiring_days : 30);
	d.sum.max_certs = o->max_certs;
	for (size_t k = 0; k < n_sinks; k++)
		if (sinks[k].ops->begin)
			sinks[k].ops->begin(sinks[k].st, o);
	summary_add_store(&d.sum, &owner.store_report);
	if (has_error_finding(&owner.store_report))
		d.errors = 1;
	fflush(stdout);

	while (!g_stop) {
		enum src_status st = live_feed_step(f, 100, 4096);
		if (st != SRC_OK && st != SRC_AGAIN) {
			failed_source = st != SRC_EOF;
			break;
		}
		if (g_stats) {
			g_stats = 0;
			print_stats(f, live_feed_figures(f), stderr, "so far");
		}
		if (g_reopen) {
			g_reopen = 0;
			reopen_output(o);
		}
		if (fflush(stdout) != 0 || ferror(stdout)) {
			/* Nobody reads (a closed pipe) or the disk is full:
			 * capturing on would only lose more. */
			perror("tlsdiag: output");
			write_failed = 1;
			break;
		}
	}

	/* The end: every open flow's session, then the figures. */
	memset(&fr, 0, sizeof fr);
	live_feed_close(f, &fr);
	if (o->verbose >= 0)
		print_stats(f, &f->fig, stderr, "at the end");
	ring_close(f->ring); /* after its figures */
	f->ring = NULL;
	if (failed_source) {
		char b[700];
		fprintf(stderr, "tlsdiag: %s: %s\n", ui_sanitize_buf(d.file.path, err, sizeof err),
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

	rc = failed_source || write_failed ? EXIT_USAGE : d.errors ? EXIT_FINDINGS : EXIT_CLEAN;
	summary_free(&d.sum);
	free(fr.path);
	live_feed_free(f); /* after every session: they hold its certificates */
	analysis_free(&owner);
	x509_thread_done();
	return rc;
}

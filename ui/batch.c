/*
 * batch.c - run every input through a pipeline and the sinks (ui/ui.h).
 *
 * Inputs are expanded first: files as given, directories walked
 * recursively for names that look like captures (sorted, so a run is
 * deterministic), "-" for standard input. Then `-j N` worker threads each
 * run a pipeline (rules/pipeline.h) over one file at a time: reading,
 * decoding, reassembly, dissection and the rules. Each judged session is
 * queued on its file's job as soon as it is concluded; the main thread
 * takes the sessions of the oldest unfinished file as they come, hands
 * each to every sink and to the run summary, and frees it; when that
 * file's worker is done, the file's end follows, and the next file's
 * queue is taken. So output is in input order, one session at a time,
 * and the same for any -j (sessions within a file come in the order of
 * their first packets). A single file uses two threads: its worker
 * reads and judges while the main thread writes.
 *
 *   main:    expand -> [skip?] -> queue jobs ... for each job in order:
 *              take its sessions as they come -> sinks.session, summary,
 *              free -> when done: sinks.file_end, summary
 *   workers: take next queued job -> pipeline_run_file -> each session
 *              queued on the job (waits while the queue is full) -> done
 *
 * Memory is bounded: a job holds at most JOB_QUEUE sessions (its worker
 * waits for the main thread beyond that), the jobs after the oldest hold
 * at most AHEAD_QUEUED sessions between them, and workers never run more
 * than a window of files ahead of the oldest unfinished one. A worker's
 * pipeline (and its certificate cache) serves all its files; the
 * pipelines are freed after the last session is.
 *
 * Sinks only ever run on the main thread. A file that cannot be read is
 * reported on stderr and in the summary; it never stops the batch.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dissect/x509.h"
#include "capture/xalloc.h"
#include "rules/pipeline.h"
#include "rules/summary.h"
#include "ui/sink.h"
#include "ui/text/text.h"

/* ------------------------------------------------------------ inputs */

static int has_suffix_ci(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n > m && strcasecmp(s + n - m, suf) == 0;
}

/* Names taken from directories (any other file only when named directly). */
static int looks_like_capture(const char *name)
{
	static const char *const suf[] = { ".pcap",    ".pcapng",    ".cap",
					   ".pcap.gz", ".pcapng.gz", ".gz" };
	if (name[0] == '.')
		return 0; /* hidden files: editor droppings, .DS_Store, ... */
	for (size_t i = 0; i < sizeof(suf) / sizeof(suf[0]); i++)
		if (has_suffix_ci(name, suf[i]))
			return 1;
	return 0;
}

static void push_input(struct inputs *in, const char *path, uint64_t size)
{
	struct input x = { xstrdup(path), size };
	VEC_PUSH(in->v, in->n, in->cap, x);
}

static int cmp_input(const void *a, const void *b)
{
	return strcmp(((const struct input *)a)->path, ((const struct input *)b)->path);
}

/*
 * Walk dir recursively. Symbolic links to files are followed; symbolic
 * links to directories are not (no loops, no walking out of the archive).
 */
static void walk_dir(const char *dir, struct inputs *in, int depth, FILE *log)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d) {
		fprintf(log, "tlsdiag: %s: %s\n", dir, strerror(errno));
		return;
	}
	if (depth > 64) {
		fprintf(log, "tlsdiag: %s: directories nested too deep, not walked\n", dir);
		closedir(d);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat lst, st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *p = xasprintf("%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/",
				    de->d_name);
		if (lstat(p, &lst) != 0) {
			free(p);
			continue;
		}
		if (S_ISDIR(lst.st_mode)) {
			if (de->d_name[0] != '.')
				walk_dir(p, in, depth + 1, log);
		} else if (looks_like_capture(de->d_name) && stat(p, &st) == 0 &&
			   S_ISREG(st.st_mode)) {
			push_input(in, p, (uint64_t)st.st_size);
		}
		free(p);
	}
	closedir(d);
}

/* Expand o->inputs in order; each directory's files sorted by path. */
void ui_expand_inputs(const struct ui_opts *o, struct inputs *in, FILE *log)
{
	for (int i = 0; i < o->n_inputs; i++) {
		const char *p = o->inputs[i];
		struct stat st;
		if (strcmp(p, "-") == 0) {
			push_input(in, p, 0);
		} else if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			size_t first = in->n;
			walk_dir(p, in, 0, log);
			if (in->n == first)
				fprintf(log,
					"tlsdiag: %s: no capture files found (.pcap, .pcapng, "
					".cap, .gz)\n",
					p);
			if (in->n - first > 1)
				qsort(in->v + first, in->n - first, sizeof(*in->v), cmp_input);
		} else {
			/* Named directly: whatever it is, the analysis says what
			 * is wrong with it (missing, unreadable, not a capture). */
			push_input(in, p, stat(p, &st) == 0 ? (uint64_t)st.st_size : 0);
		}
	}
}

void ui_free_inputs(struct inputs *in)
{
	for (size_t i = 0; i < in->n; i++)
		free(in->v[i].path);
	free(in->v);
	memset(in, 0, sizeof(*in));
}

/* ------------------------------------------------------------ the run */

#define JOB_QUEUE 256	  /* sessions one job may hold for the main thread */
#define AHEAD_QUEUED 1024 /* ... and the jobs after the oldest, together */

enum job_state { JOB_WAITING = 0, JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_SKIPPED };

/* Sessions handed over by a worker, not yet taken by the main thread. */
struct report_queue {
	struct session_report **v;
	size_t n, cap;
};

struct job {
	enum job_state state;
	struct report_queue q;
	struct file_report fr; /* at JOB_DONE */
};

struct batch {
	pthread_mutex_t mu;
	pthread_cond_t cv_work;	 /* workers: something was queued, or stop */
	pthread_cond_t cv_done;	 /* main: a session was queued, or a job finished */
	pthread_cond_t cv_space; /* workers: the main thread took sessions */
	struct pipeline_env env;
	const struct inputs *in;
	struct job *jobs;
	size_t dispatched; /* jobs [0, dispatched) are queued or skipped */
	size_t next_take;  /* the next job a worker looks at */
	size_t current;	   /* the job the main thread is emitting */
	size_t ahead;	   /* sessions queued on jobs after `current` */
	int stop;
	struct pipeline **pipes; /* one per worker, freed by the main thread */
	/* progress */
	size_t files_done;
	uint64_t bytes_done;
};

/* What a worker's pipeline emits to. */
struct worker_ctx {
	struct batch *b;
	size_t job;
	size_t index; /* the worker's number */
};

/* A judged session, on the worker's thread: onto its job's queue, after
 * waiting for room. */
static void queue_report(void *arg, struct session_report *r)
{
	struct worker_ctx *w = arg;
	struct batch *b = w->b;
	struct job *j = &b->jobs[w->job];
	pthread_mutex_lock(&b->mu);
	while (!b->stop &&
	       (j->q.n >= JOB_QUEUE || (w->job != b->current && b->ahead >= AHEAD_QUEUED)))
		pthread_cond_wait(&b->cv_space, &b->mu);
	VEC_PUSH(j->q.v, j->q.n, j->q.cap, r);
	if (w->job != b->current)
		b->ahead++;
	if (j->q.n == 1 && w->job == b->current)
		pthread_cond_broadcast(&b->cv_done);
	pthread_mutex_unlock(&b->mu);
}

static void *worker(void *arg)
{
	struct worker_ctx *w = arg;
	struct batch *b = w->b;
	struct pipeline *p = pipeline_new(&b->env, queue_report, w);
	b->pipes[w->index] = p;
	for (;;) {
		size_t i;
		pthread_mutex_lock(&b->mu);
		for (;;) {
			while (b->next_take < b->dispatched &&
			       b->jobs[b->next_take].state == JOB_SKIPPED)
				b->next_take++;
			if (b->stop || b->next_take < b->dispatched)
				break;
			pthread_cond_wait(&b->cv_work, &b->mu);
		}
		if (b->stop) {
			pthread_mutex_unlock(&b->mu);
			x509_thread_done();
			return NULL;
		}
		i = b->next_take++;
		b->jobs[i].state = JOB_RUNNING;
		pthread_mutex_unlock(&b->mu);

		struct file_report fr;
		memset(&fr, 0, sizeof fr);
		w->job = i;
		(void)pipeline_run_file(p, b->in->v[i].path, &fr);

		pthread_mutex_lock(&b->mu);
		b->jobs[i].fr = fr;
		b->jobs[i].state = JOB_DONE;
		b->files_done++;
		b->bytes_done += b->in->v[i].size;
		pthread_cond_broadcast(&b->cv_done);
		pthread_mutex_unlock(&b->mu);
	}
}

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ progress */

struct progress {
	int on;
	double start, last;
	size_t total;
	uint64_t total_bytes;
	int drawn;
};

static void progress_clear(struct progress *p)
{
	if (p->on && p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		p->drawn = 0;
	}
}

static void progress_draw(struct progress *p, size_t done, uint64_t bytes, int force)
{
	double t = now_s();
	if (!p->on || (!force && t - p->last < 0.2))
		return;
	p->last = t;
	double el = t - p->start;
	double rate = el > 0.05 ? (double)bytes / el : 0; /* bytes/s */
	char eta[32] = "--:--";
	if (rate > 0 && p->total_bytes > bytes) {
		double left = (double)(p->total_bytes - bytes) / rate;
		long s = left > 359999 ? 359999 : (long)left;
		snprintf(eta, sizeof(eta), "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	} else if (done >= p->total) {
		snprintf(eta, sizeof(eta), "0:00:00");
	}
	enum { W = 24 };
	char bar[W + 1];
	size_t fill = p->total ? done * W / p->total : W;
	for (size_t i = 0; i < W; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[W] = '\0';
	fprintf(stderr, "\r\033[K[%s] %zu/%zu files  %.1f MB/s  ETA %s", bar, done, p->total,
		rate / 1e6, eta);
	fflush(stderr);
	p->drawn = 1;
}

/* ------------------------------------------------------------ emitting */

static int has_error_finding(const struct session_report *r)
{
	for (size_t i = 0; i < r->nf; i++)
		if (r->f[i].sev == SEV_ERROR)
			return 1;
	return 0;
}

/* What the main thread does with the sessions and the end of a file, in
 * input order. */
struct emitter {
	struct sink *sinks;
	size_t n_sinks;
	struct run_summary *sum;
	struct progress *pg;
	int errors;
	size_t readable;
};

static void emit_session(struct emitter *e, const struct sink_file *file, struct session_report *r)
{
	for (size_t k = 0; k < e->n_sinks; k++)
		if (e->sinks[k].ops->session)
			e->sinks[k].ops->session(e->sinks[k].st, file, r);
	summary_add_session(e->sum, r, file->path);
	if (has_error_finding(r))
		e->errors = 1;
	session_report_destroy(r);
}

static void emit_file_end(struct emitter *e, const struct sink_file *file,
			  const struct file_report *f)
{
	int damaged = f->ok && f->cap.status != SRC_EOF && f->cap.status != SRC_OK;
	if (f->ok)
		e->readable++;
	if (!f->ok || damaged) {
		char pbuf[512], mbuf[700];
		const char *path = file->path;
		const char *msg = f->cap.message[0] ? f->cap.message : "could not be read";
		size_t pl = strlen(path);
		/* Some messages already start with the path. */
		if (strncmp(msg, path, pl) == 0 && msg[pl] == ':' && msg[pl + 1] == ' ')
			msg += pl + 2;
		progress_clear(e->pg);
		fprintf(stderr, "tlsdiag: %s: %s%s\n", ui_sanitize_buf(path, pbuf, sizeof(pbuf)),
			ui_sanitize_buf(msg, mbuf, sizeof(mbuf)),
			damaged ? " (sessions before that point are reported)" : "");
	}
	for (size_t k = 0; k < e->n_sinks; k++)
		if (e->sinks[k].ops->file_end)
			e->sinks[k].ops->file_end(e->sinks[k].st, file, f);
	summary_add_file(e->sum, f);
}

/* Wait for the next file in input order, handing its sessions to the
 * sinks as they come (redrawing the bar), then its end. */
static void emit_job(struct batch *b, struct emitter *e, size_t i)
{
	struct job *j = &b->jobs[i];
	struct sink_file file = { b->in->v[i].path, i };
	struct report_queue take = { 0 };

	pthread_mutex_lock(&b->mu);
	b->current = i;
	b->ahead -= j->q.n; /* they are the current job's now */
	pthread_cond_broadcast(&b->cv_space);
	for (;;) {
		if (j->q.n > 0) {
			/* Take them all at once; the worker fills a fresh array. */
			struct report_queue q = j->q;
			j->q = take;
			take = q;
			pthread_cond_broadcast(&b->cv_space);
			pthread_mutex_unlock(&b->mu);
			for (size_t k = 0; k < take.n; k++)
				emit_session(e, &file, take.v[k]);
			take.n = 0;
			pthread_mutex_lock(&b->mu);
			progress_draw(e->pg, b->files_done, b->bytes_done, 0);
			continue;
		}
		if (j->state == JOB_DONE)
			break;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&b->cv_done, &b->mu, &ts);
		progress_draw(e->pg, b->files_done, b->bytes_done, 0);
	}
	pthread_mutex_unlock(&b->mu);
	free(take.v);
	emit_file_end(e, &file, &j->fr);
	free(j->fr.path);
	memset(&j->fr, 0, sizeof j->fr);
}

int batch_run(const struct ui_opts *o, struct sink *sinks, size_t n_sinks)
{
	struct inputs in;
	struct batch b;
	struct run_summary sum;
	struct progress pg;
	struct analysis owner;
	struct emitter em;
	pthread_t *th = NULL;
	struct worker_ctx *wc = NULL;
	size_t n_threads = 0, skipped = 0, analysed = 0;
	int rc = EXIT_USAGE, fatal = 0;

	memset(&in, 0, sizeof(in));
	memset(&b, 0, sizeof(b));
	memset(&pg, 0, sizeof(pg));
	ui_expand_inputs(o, &in, stderr);
	if (in.n == 0) {
		if (o->n_inputs == 0)
			fputs("tlsdiag: no input files\n", stderr);
		ui_free_inputs(&in);
		return EXIT_USAGE;
	}

	/* Load the trust stores once, failing early on a bad --trust file
	 * before any output starts; every pipeline borrows them. */
	{
		struct analysis_config cfg;
		char err[512] = "";
		analysis_config_copy(&cfg, &o->acfg);
		if (analysis_init(&owner, &cfg, err, sizeof(err)) != 0) {
			fprintf(stderr, "tlsdiag: %s\n",
				err[0] ? err : "cannot load the trust stores");
			analysis_free(&owner);
			x509_thread_done();
			ui_free_inputs(&in);
			return EXIT_USAGE;
		}
	}

	summary_init(&sum, time(NULL), o->acfg.expiring_days >= 0 ? o->acfg.expiring_days : 30);
	sum.max_certs = o->max_certs;
	b.env = (struct pipeline_env){ &owner.cfg, owner.trust, owner.keys, owner.now };
	b.in = &in;
	b.jobs = xcalloc(in.n, sizeof(*b.jobs));
	b.current = SIZE_MAX; /* no job yet: every session queued counts as ahead */
	pthread_mutex_init(&b.mu, NULL);
	pthread_cond_init(&b.cv_work, NULL);
	pthread_cond_init(&b.cv_done, NULL);
	pthread_cond_init(&b.cv_space, NULL);

	size_t jobs = (size_t)(o->jobs > 0 ? o->jobs : default_jobs());
	if (jobs > in.n)
		jobs = in.n;
	/* How far workers may run ahead of the oldest file not yet emitted. */
	size_t window = jobs * 2 + 2;

	pg.on = o->progress && isatty(STDERR_FILENO);
	pg.start = pg.last = now_s();
	pg.total = in.n;
	for (size_t i = 0; i < in.n; i++)
		pg.total_bytes += in.v[i].size;
	em = (struct emitter){ sinks, n_sinks, &sum, &pg, 0, 0 };

	for (size_t k = 0; k < n_sinks; k++)
		if (sinks[k].ops->begin)
			sinks[k].ops->begin(sinks[k].st, o);
	/* The trust store lint is the same for every file of a run. */
	summary_add_store(&sum, &owner.store_report);
	if (has_error_finding(&owner.store_report))
		em.errors = 1;

	th = xcalloc(jobs, sizeof(*th));
	wc = xcalloc(jobs, sizeof(*wc));
	b.pipes = xcalloc(jobs, sizeof(*b.pipes));
	for (size_t t = 0; t < jobs; t++) {
		wc[t] = (struct worker_ctx){ &b, 0, t };
		if (pthread_create(&th[t], NULL, worker, &wc[t]) != 0)
			break;
		n_threads++;
	}
	if (n_threads == 0) {
		fputs("tlsdiag: cannot start a worker thread\n", stderr);
		fatal = 1;
	}

	for (size_t next = 0; !fatal && next < in.n; next++) {
		/* Queue what the window allows, asking the sinks first whether
		 * a file is already known (the database's unchanged captures). */
		while (b.dispatched < in.n && b.dispatched < next + window) {
			size_t i = b.dispatched;
			int skip = 0;
			if (strcmp(in.v[i].path, "-") != 0)
				for (size_t k = 0; k < n_sinks && !skip; k++)
					if (sinks[k].ops->skip &&
					    sinks[k].ops->skip(sinks[k].st, in.v[i].path))
						skip = 1;
			pthread_mutex_lock(&b.mu);
			if (skip) {
				b.jobs[i].state = JOB_SKIPPED;
				b.files_done++;
				b.bytes_done += in.v[i].size;
			} else {
				b.jobs[i].state = JOB_QUEUED;
			}
			b.dispatched++;
			pthread_cond_broadcast(&b.cv_work);
			pthread_mutex_unlock(&b.mu);
		}

		if (b.jobs[next].state == JOB_SKIPPED) {
			skipped++;
			for (size_t k = 0; k < n_sinks; k++)
				if (sinks[k].ops->skipped &&
				    sinks[k].ops->skipped(sinks[k].st, in.v[next].path, &sum))
					em.errors = 1;
		} else {
			analysed++;
			emit_job(&b, &em, next);
		}
		pthread_mutex_lock(&b.mu);
		progress_draw(&pg, b.files_done, b.bytes_done, 0);
		pthread_mutex_unlock(&b.mu);
	}

	pthread_mutex_lock(&b.mu);
	b.stop = 1;
	pthread_cond_broadcast(&b.cv_work);
	pthread_cond_broadcast(&b.cv_space);
	pthread_mutex_unlock(&b.mu);
	for (size_t t = 0; t < n_threads; t++)
		pthread_join(th[t], NULL);
	free(th);
	free(wc);
	/* After a fatal stop, what was never emitted. */
	for (size_t i = 0; i < in.n; i++) {
		for (size_t k = 0; k < b.jobs[i].q.n; k++)
			session_report_destroy(b.jobs[i].q.v[k]);
		free(b.jobs[i].q.v);
		free(b.jobs[i].fr.path);
	}
	/* After every session: they held the pipelines' certificates. */
	for (size_t t = 0; t < jobs; t++)
		pipeline_free(b.pipes[t]);
	free(b.pipes);
	progress_clear(&pg);
	analysis_free(&owner); /* after the workers: they borrowed its stores */
	x509_thread_done();    /* the trust store load ran on this thread */

	summary_finish(&sum);
	for (size_t k = 0; k < n_sinks; k++)
		if (sinks[k].ops->end)
			sinks[k].ops->end(sinks[k].st, &sum);

	if (skipped)
		fprintf(stderr,
			"tlsdiag: skipped %zu unchanged capture%s (already in the database)\n",
			skipped, skipped == 1 ? "" : "s");

	if (fatal)
		rc = EXIT_USAGE;
	else if (em.errors)
		rc = EXIT_FINDINGS;
	else if (analysed > 0 && em.readable == 0)
		rc = EXIT_USAGE; /* nothing could be read */
	else
		rc = EXIT_CLEAN;

	summary_free(&sum);
	pthread_cond_destroy(&b.cv_work);
	pthread_cond_destroy(&b.cv_done);
	pthread_cond_destroy(&b.cv_space);
	pthread_mutex_destroy(&b.mu);
	free(b.jobs);
	ui_free_inputs(&in);
	return rc;
}

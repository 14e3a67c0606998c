/*
 * analysis.c - a run's trust stores and key logs, loaded once, and the
 * TUI's store of sessions: each capture file read through the store's
 * pipeline, its sessions kept in the order they began in the capture.
 */
#include "rules/analysis.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "dissect/keylog.h"
#include "dissect/tls.h"
#include "rules/rules.h"
#include "rules/trust.h"

/* --keylog files must be read and hold secrets; SSLKEYLOGFILE is taken
 * as it is (the UI already warned when it cannot be read). */
static int load_keylogs(struct analysis *a, char *err, size_t errlen)
{
	const struct analysis_config *c = &a->cfg;
	if (c->n_keylog == 0 && c->keylog_env == NULL)
		return 0;
	a->keys = keylog_new();
	for (size_t i = 0; i < c->n_keylog; i++) {
		size_t before = keylog_stats(a->keys)->secrets;
		if (keylog_load_file(a->keys, c->keylog_paths[i], err, errlen) != 0)
			return -1;
		if (keylog_stats(a->keys)->secrets == before) {
			snprintf(err, errlen,
				 "%s: not a key log: no line of it is a TLS secret "
				 "(NSS key log format, as SSLKEYLOGFILE writes)",
				 c->keylog_paths[i]);
			return -1;
		}
	}
	if (c->keylog_env) {
		char ignored[256];
		(void)keylog_load_file(a->keys, c->keylog_env, ignored, sizeof ignored);
	}
	return 0;
}

int analysis_init(struct analysis *a, struct analysis_config *cfg, char *err, size_t errlen)
{
	memset(a, 0, sizeof *a);
	a->cfg = *cfg;
	memset(cfg, 0, sizeof *cfg);
	a->certs = certcache_new();
	a->now = time(NULL);
	if (err && errlen)
		err[0] = 0;
	a->trust = trust_new(&a->cfg, a->certs, &a->store_report, err, errlen);
	if (a->trust == NULL && err && err[0])
		return -1;
	char kerr[512] = "";
	if (load_keylogs(a, kerr, sizeof kerr) != 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s", kerr);
		return -1;
	}
	return 0;
}

/* The store's pipeline hands each session over here. */
static void store_session(void *ctx, struct session_report *r)
{
	analysis_add_session(ctx, r);
}

static int fails(const struct session_report *r)
{
	return r->verdict == VERDICT_FAILED;
}

void analysis_add_session(struct analysis *a, struct session_report *r)
{
	VEC_PUSH(a->sessions, a->n_sessions, a->cap_sessions, r);
	if (!fails(r))
		a->n_others++;
	if (a->keep_others == 0 || a->n_others <= a->keep_others)
		return;
	size_t oldest = 0;
	while (fails(a->sessions[oldest]))
		oldest++;
	session_report_destroy(a->sessions[oldest]);
	memmove(a->sessions + oldest, a->sessions + oldest + 1,
		(a->n_sessions - oldest - 1) * sizeof *a->sessions);
	a->n_sessions--;
	a->n_others--;
	a->dropped++;
}

int analysis_add_file(struct analysis *a, const char *path)
{
	struct file_report fr;
	memset(&fr, 0, sizeof fr);
	if (a->pipe == NULL) {
		struct pipeline_env env = { &a->cfg, a->trust, a->keys, a->now };
		a->pipe = pipeline_new(&env, store_session, a);
	}
	size_t first = a->n_sessions;
	int rc = pipeline_run_file(a->pipe, path, &fr);
	fr.first_session = first;
	VEC_PUSH(a->files, a->n_files, a->cap_files, fr);
	return rc;
}

void analysis_counts(const struct analysis *a, size_t counts[VERDICT__COUNT])
{
	memset(counts, 0, VERDICT__COUNT * sizeof counts[0]);
	for (size_t i = 0; i < a->n_sessions; i++)
		counts[a->sessions[i]->verdict]++;
}

void analysis_free(struct analysis *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n_sessions; i++)
		session_report_destroy(a->sessions[i]);
	free(a->sessions);
	pipeline_free(a->pipe); /* after its sessions: they hold its certificates */
	for (size_t i = 0; i < a->n_files; i++)
		free(a->files[i].path);
	free(a->files);
	if (!a->trust_borrowed) {
		trust_free(a->trust);
		keylog_free(a->keys);
	}
	session_report_free(&a->store_report);
	certcache_free(a->certs);
	analysis_config_free(&a->cfg);
	memset(a, 0, sizeof *a);
}

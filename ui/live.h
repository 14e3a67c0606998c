/*
 * live.h - the live feed (ui/live.c): interfaces (-i) or a file being
 * written (--follow) through one pipeline, as the live run (live_run in
 * ui/sink.h) and the TUI drive it.
 *
 *   live_feed_new: opens the source, drops privileges (-Z), starts the
 *                  pipeline (sessions in conclusion order)
 *   live_feed_step: packets for a while, and every 250 ms of wall clock:
 *                  idle flows expire, -w is flushed, drops are noted (a
 *                  session open meanwhile gets capture_gap)
 *   live_feed_close: every open flow's session; live_feed_free after the
 *                  last session emitted was destroyed
 */
#ifndef TLSDIAG_UI_LIVE_H
#define TLSDIAG_UI_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "rules/analysis.h"
#include "rules/pipeline.h"
#include "ui/ui.h"

/* What the statistics say (SIGUSR1, the end, the TUI's header). */
struct live_figures {
	uint64_t packets, bytes, kernel_drops, iface_drops;
	uint64_t flows, open_flows, evicted;
	uint64_t sessions, by_verdict[4], gap_sessions;
};

struct live_feed;

/* NULL when the source cannot be opened or privileges not dropped (the
 * reason is printed on stderr). owner's stores are borrowed. */
struct live_feed *live_feed_new(const struct ui_opts *o, const struct analysis *owner,
				pipeline_emit_fn emit, void *ctx);
const char *live_feed_name(const struct live_feed *f); /* "interface eth1" or the file */
/* SRC_OK / SRC_AGAIN: go on; anything else: the source ended. */
enum src_status live_feed_step(struct live_feed *f, int timeout_ms, uint64_t max_packets);
const struct live_figures *live_feed_figures(struct live_feed *f);
void live_figures_line(const struct live_figures *g, char *buf, size_t len);
/* End the input (fr may be NULL). */
void live_feed_close(struct live_feed *f, struct file_report *fr);
void live_feed_free(struct live_feed *f);

#endif

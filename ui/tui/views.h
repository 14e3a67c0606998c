/*
 * views.h - the views of the TUI (view_*.c): each is a struct view_ops, and
 * opens itself by pushing onto the core's stack.
 */
#ifndef TLSDIAG_TUI_VIEWS_H
#define TLSDIAG_TUI_VIEWS_H

#include "ui/tui/tui.h"

/* Views. */
extern const struct view_ops tui_list_ops;
extern const struct view_ops tui_session_ops;
extern const struct view_ops tui_cert_ops;
extern const struct view_ops tui_help_ops;

/* Open views (they push themselves). */
void tui_open_list(struct tui *t);
void tui_open_session(struct tui *t, struct session_report *r);
/* A certificate of a session's presented chain (idx >= 0), or a single
 * certificate (a trust store one) when idx is -1 and c is set. */
void tui_open_cert(struct tui *t, struct session_report *r, int side, int idx,
		   const struct cert_info *c);
void tui_open_help(struct tui *t, enum tui_screen from);
/* Live: note which session the list has selected before the store
 * changes (sessions may leave it), so that it stays selected. */
void tui_list_remember(struct tui *t);

/* Export (view_cert.c): prompt for a path and write the certificate, or the
 * whole presented chain of `side` when chain is 1. */
void tui_export(struct tui *t, const struct session_report *r, int side, int idx,
		const struct cert_info *c, int chain);

#endif

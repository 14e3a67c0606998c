/*
 * core.h - the TUI's core (core.c): the view stack, messages and prompts,
 * search, the frame and what a key does.
 */
#ifndef TLSDIAG_TUI_CORE_H
#define TLSDIAG_TUI_CORE_H

#include "ui/tui/tui.h"

/* Below this size the screen says so instead of drawing a broken layout. */
#define MIN_COLS 40
#define MIN_ROWS 10

/* Push a new view (takes ownership) and open it. */
void tui_push(struct tui *t, const struct view_ops *ops, void *priv);
/* Close the top view. */
void tui_pop(struct tui *t);
struct view *tui_top(struct tui *t);
/* Body rows of a view at the current size. */
int tui_body_rows(const struct tui *t, const struct view *v);
/* Keep v->cur within lines and visible. */
void tui_clamp(struct tui *t, struct view *v);
/* Place the cursor on `line` and scroll so that it is visible with some
 * context (when it fits, the top stays at 0). */
void tui_focus(struct tui *t, struct view *v, size_t line);

void tui_message(struct tui *t, int role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Ask for text on the status line; `done` is called from the loop with
 * the answer (accepted 0 on Esc). `initial` may be NULL. */
void tui_prompt(struct tui *t, const char *label, const char *initial, prompt_done_fn done,
		void *ctx);
/* Ask a yes/no question (one key). */
void tui_ask(struct tui *t, const char *question, prompt_done_fn done, void *ctx);

/* Model changed (live mode, later): reopen every view on the stack. */
void tui_model_changed(struct tui *t);

/* Rebuild a document view keeping the cursor on the same item. */
void tui_doc_rebuilt(struct tui *t, struct view *v, int old_item, int old_off, int had);

/* Draw the frame: the top view's header and body lines, the status line. */
void tui_draw(struct tui *t);
/* What a key does: the prompt's, a resize, the view's, or the generic one. */
void tui_handle_key(struct tui *t, int key);
/* Close the open prompt (accepted or not), calling its `done`. */
void tui_prompt_finish(struct tui *t, int accepted);

#endif

/*
 * draw.h - what the views draw with (draw.c): display widths, glyphs, colour
 * roles, documents and small formatting helpers.
 */
#ifndef TLSDIAG_TUI_DRAW_H
#define TLSDIAG_TUI_DRAW_H

#include "ui/tui/tui.h"

void doc_free(struct doc *d);
/* Start a new line with an item id; later spans go onto it. */
struct doc_line *doc_line(struct doc *d, int item);
/* Append a span of already display-safe text to the last line. */
void doc_put(struct doc *d, int role, const char *text);
void doc_putf(struct doc *d, int role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Append raw wire text to the last line (it is sanitised here). */
void doc_put_wire(struct doc *d, int role, const char *text);
/*
 * Word-wrap display-safe text over new lines of the document: the first
 * line starts with `first` (already on a line opened by the caller when
 * `cont` is 1, else a new line is opened with `item`), later lines are
 * indented by `indent` columns.
 */
void doc_wrap(struct doc *d, int item, int role, const char *text, int indent, int cont);
/* A blank line. */
void doc_blank(struct doc *d, int item);
/* The text of line i (all spans), for search. */
const char *doc_text(struct doc *d, size_t i);

/* Draw display-safe text at (y, x), at most maxw columns; returns the
 * columns used. Role attributes are OR-ed with `extra` (selection). */
int tui_put(struct tui *t, int y, int x, int maxw, int role, int selected, const char *text);
/* Fill the rest of row y from column x with the role's background. */
void tui_fill(struct tui *t, int y, int x, int role, int selected);
/* Generic document line drawing and text (for document views). */
void tui_doc_draw_line(struct tui *t, struct view *v, size_t line, int y, int selected);
const char *tui_doc_line_text(struct tui *t, struct view *v, size_t line);
/* Title bar text on row y (RL_TITLE, full width). */
void tui_title(struct tui *t, int y, const char *text);
/* Colour-role attributes for curses. */
void tui_roles_init(struct tui *t);
void tui_glyphs_init(struct tui *t);

/* Small shared helpers. */
/* Sanitised copy of wire text in a buffer. */
const char *tui_s(const char *wire, char *buf, size_t len);
/* "AB:CD:..." of n bytes into buf (3n bytes). */
const char *tui_hex_colons(const uint8_t *p, size_t n, char *buf, size_t len);
int tui_verdict_role(enum verdict v);
int tui_sev_role(enum severity s);
int tui_status_role(enum cert_status s);
/* The role of a tone the rules gave a piece of text. */
int tui_tone_role(enum tone t);
/* Case-insensitive substring. */
int tui_contains(const char *hay, const char *needle);

#endif

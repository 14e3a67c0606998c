/*
 * keys.h - the key table and --script (keys.c).
 */
#ifndef TLSDIAG_TUI_KEYS_H
#define TLSDIAG_TUI_KEYS_H

#include "ui/tui/tui.h"

extern const struct key_binding tui_keys[];
extern const size_t tui_n_keys;

/* The status line words of a screen ("Enter open", "q quit"), in table
 * order; returns how many were stored in out. */
size_t tui_status_keys(enum tui_screen screen, const char **out, size_t max);
/* The actions of those words, in the same order. */
size_t tui_status_acts(enum tui_screen screen, enum ui_action *out, size_t max);

/* The action `key` means on `screen` (ACT_NONE when unbound). */
enum ui_action tui_key_action(int key, enum tui_screen screen);

/*
 * --script KEYS: the keys as the loop will receive them. Characters stand
 * for themselves; escapes: \n \r (Enter), \t (Tab), \e (Esc), \\, \<,
 * and <Enter> <Esc> <Tab> <BS> <Up> <Down> <Left> <Right> <PgUp> <PgDn>
 * <Home> <End> <Space> <lt> <C-x> (control keys), plus <Resize=COLSxROWS>
 * which resizes the virtual screen as a terminal resize would.
 * Returns 0, or -1 with a message in err.
 */
int tui_script_parse(const char *s, struct script_event **out, size_t *n, char *err, size_t errlen);

#endif

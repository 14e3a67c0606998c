/*
 * store.h - what ui/store owns: the SQLite inventory of runs (`--db
 * FILE`, docs/db.md): its schema, the sink that writes each capture in one
 * transaction and skips captures already stored unchanged, and the
 * queries of `tlsdiag db FILE ...`.
 */
#ifndef TLSDIAG_STORE_H
#define TLSDIAG_STORE_H

#include <stddef.h>

#include "ui/sink.h"
#include "ui/ui.h"

/* The inventory as a sink; ops NULL and a message in err when the
 * database cannot be opened or is not ours. */
struct sink sink_db_new(const char *path, const struct ui_opts *o, char *err, size_t errlen);

/* `tlsdiag db FILE expiring|failing|where|stats`. Returns the exit code. */
int db_command(const struct ui_opts *o);

#endif

/*
 * judging.c - the judging options' fingerprint: a SHA-256 over everything
 * of a run's configuration that can change what the rules say about a
 * capture, so that the inventory re-analyses a stored capture when (and
 * only when) it was judged otherwise (issue 9 item 3, issue 16 item 2).
 *
 * In it: the trust stores' and key logs' CONTENTS (a file's bytes; a
 * directory's regular files by name; "system" is the bundle it names),
 * not their paths, so an updated bundle counts and a moved one does not;
 * --trust-for, --name and --port as given; --at (the mode and time);
 * the expiry warning window; whether DNS answers teach expected names;
 * -f; the reassembly limits. Not in it: outputs, -j, verbosity.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "capture/xalloc.h"
#include "rules/trust.h"
#include "ui/store/store_int.h"

/* "path sha256" of a file, or of each regular file of a directory
 * (sorted by name); "path unreadable" when it cannot be read. */
static void add_contents(struct dbuf *b, const char *what, const char *path)
{
	struct stat st;
	char hex[65];
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		struct dirent **ents = NULL;
		int n = scandir(path, &ents, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			char *f = xasprintf("%s/%s", path, ents[i]->d_name);
			if (stat(f, &st) == 0 && S_ISREG(st.st_mode))
				add_contents(b, what, f);
			free(f);
			free(ents[i]);
		}
		free(ents);
		return;
	}
	if (file_sha256(path, hex) == 0)
		dbuf_addf(b, "%s %s %s\n", what, path, hex);
	else
		dbuf_addf(b, "%s %s unreadable\n", what, path);
}

char *judging_fingerprint(const struct analysis_config *c)
{
	struct dbuf b;
	unsigned char dig[32];
	char *hex = xcalloc(65, 1);
	dbuf_init(&b, DBUF_TEXT_MAX);
	dbuf_addf(&b, "judging 1\n");
	dbuf_addf(&b, "tcp %zu %zu %lld\n", c->tcp.max_flows, c->tcp.max_buffer,
		  (long long)c->tcp.idle_timeout_ns);
	for (size_t i = 0; i < c->n_trust; i++)
		add_contents(&b, "trust",
			     strcmp(c->trust_paths[i], "system") == 0 ? TRUST_SYSTEM_BUNDLE
								      : c->trust_paths[i]);
	for (size_t i = 0; i < c->n_trust_for; i++) {
		dbuf_addf(&b, "trust-for %s\n", c->trust_for[i].spec ? c->trust_for[i].spec : "");
		add_contents(&b, "trust-for-store", c->trust_for[i].value);
	}
	for (size_t i = 0; i < c->n_names; i++)
		dbuf_addf(&b, "name %s\n", c->names[i].spec ? c->names[i].spec : "");
	for (size_t i = 0; i < c->n_ports; i++)
		dbuf_addf(&b, "port %u %s %d\n", c->ports[i].port, c->ports[i].name,
			  c->ports[i].cisco_uc);
	dbuf_addf(&b, "at %d %lld\n", (int)c->at_mode,
		  c->at_mode == AT_FIXED ? (long long)c->at : 0LL);
	dbuf_addf(&b, "expiring %d\ndns %d\n", c->expiring_days, c->keep_dns);
	dbuf_addf(&b, "filter %s\n", c->filter ? c->filter : "");
	for (size_t i = 0; i < c->n_keylog; i++)
		add_contents(&b, "keylog", c->keylog_paths[i]);
	if (c->keylog_env)
		add_contents(&b, "keylog-env", c->keylog_env);
	if (wc_Sha256Hash((const byte *)dbuf_str(&b), (word32)b.len, dig) == 0)
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", dig[i]);
	dbuf_free(&b);
	return hex;
}

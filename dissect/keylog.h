/*
 * keylog.h - TLS session secrets from NSS key log files (SSLKEYLOGFILE),
 * kept by client random.
 *
 * A key log is text, one secret per line (NSS "Key Log Format", also
 * draft-ietf-tls-keylogfile):
 *
 *     <LABEL> <client_random: 64 hex digits> <secret: hex>
 *
 *   CLIENT_RANDOM                    TLS 1.2 and earlier: the 48-byte master secret
 *   CLIENT_EARLY_TRAFFIC_SECRET      TLS 1.3 (RFC 8446 §7.1), one per line,
 *   CLIENT_HANDSHAKE_TRAFFIC_SECRET    as long as the suite's hash
 *   SERVER_HANDSHAKE_TRAFFIC_SECRET
 *   CLIENT_TRAFFIC_SECRET_0
 *   SERVER_TRAFFIC_SECRET_0
 *   EARLY_EXPORTER_SECRET, EXPORTER_SECRET
 *
 * Lines starting with '#' and blank lines are skipped; CRLF line ends are
 * accepted. Other labels that key logs carry (RSA, PMS_CLIENT_RANDOM) are
 * counted as unused. Anything else is a junk line: counted (with the
 * number of the first one) and skipped, never fatal, because key logs are
 * appended to by several programs at once and lines can be torn.
 *
 * Files, SSLKEYLOGFILE and pcapng Decryption Secrets Blocks all go
 * through keylog_feed(), which reads through capture/cursor.h. A store is
 * filled once and then only read: keylog_find() on a filled store is safe
 * from several threads at once.
 */
#ifndef TLSDIAG_KEYLOG_H
#define TLSDIAG_KEYLOG_H

#include <stddef.h>
#include <stdint.h>

#define KEYLOG_RANDOM_LEN 32
#define KEYLOG_MAX_SECRET 48	       /* SHA-384 (TLS 1.3), master secret (TLS 1.2) */
#define KEYLOG_MAX_SESSIONS (1u << 20) /* a larger key log is over our limit */
#define KEYLOG_MAX_LINE 1024	       /* a longer line is junk */

enum keylog_label {
	KL_CLIENT_RANDOM = 0,
	KL_CLIENT_EARLY_TRAFFIC_SECRET,
	KL_CLIENT_HANDSHAKE_TRAFFIC_SECRET,
	KL_SERVER_HANDSHAKE_TRAFFIC_SECRET,
	KL_CLIENT_TRAFFIC_SECRET_0,
	KL_SERVER_TRAFFIC_SECRET_0,
	KL_EARLY_EXPORTER_SECRET,
	KL_EXPORTER_SECRET,
	KL_COUNT
};

struct keylog_secret {
	uint8_t len; /* 0: not in the key log */
	uint8_t v[KEYLOG_MAX_SECRET];
};

/* Everything logged for one client random. */
struct keylog_entry {
	uint8_t client_random[KEYLOG_RANDOM_LEN];
	struct keylog_secret s[KL_COUNT];
};

struct keylog_stats {
	uint64_t lines;		  /* lines read, comments and blank lines included */
	uint64_t secrets;	  /* secret lines stored */
	uint64_t unused;	  /* lines with a label we do not use (RSA, ...) */
	uint64_t junk;		  /* lines that are not key log lines (skipped) */
	uint64_t first_junk_line; /* 1-based line number of the first of them, 0 if none */
	uint64_t conflicts;	  /* a secret logged again with another value (the later kept) */
	uint64_t over_limit;	  /* lines dropped once KEYLOG_MAX_SESSIONS were stored */
};

struct keylog;

struct keylog *keylog_new(void);
/* Accepts NULL. */
void keylog_free(struct keylog *kl);

/*
 * Key log text in pieces of any size: a line may span calls. Call
 * keylog_feed_end() after the last piece of each file or block (a last
 * line without a newline is taken then). Cannot fail: junk is counted.
 */
void keylog_feed(struct keylog *kl, const uint8_t *p, size_t n);
void keylog_feed_end(struct keylog *kl);

/*
 * Read a key log file into `kl`. Returns 0, or -1 with the reason in err
 * when the file cannot be opened or read (what was read is kept).
 */
int keylog_load_file(struct keylog *kl, const char *path, char *err, size_t errlen);

/* The secrets for a client random, or NULL. `kl` may be NULL. The entry
 * stays valid until the next keylog_feed() or keylog_free(). */
const struct keylog_entry *keylog_find(const struct keylog *kl,
				       const uint8_t client_random[KEYLOG_RANDOM_LEN]);

size_t keylog_sessions(const struct keylog *kl);
const struct keylog_stats *keylog_stats(const struct keylog *kl);
/* "CLIENT_HANDSHAKE_TRAFFIC_SECRET", ... */
const char *keylog_label_name(enum keylog_label l);

#endif

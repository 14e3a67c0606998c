/*
 * settings.h - what the rules judge with: the run's configuration (trust
 * stores to load, names and ports given, the time to judge at), the DNS
 * answers seen in a capture, and the context one judgement gets.
 */
#ifndef TLSDIAG_SETTINGS_H
#define TLSDIAG_SETTINGS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "capture/decode.h"
#include "capture/tcp.h"

/* "IP[:PORT]=VALUE" as given on the command line. */
struct target_value {
	struct endpoint ep; /* port 0: any port */
	char *value;
	char *spec; /* the original text, for "where did this come from" */
};

struct port_name {
	uint16_t port;
	char *name;
	int cisco_uc;
};

enum at_mode { AT_CAPTURE = 0, AT_FIXED, AT_NOW };

struct analysis_config {
	struct tcp_config tcp;
	char **trust_paths; /* --trust PATH|system, repeatable */
	size_t n_trust;
	struct target_value *trust_for; /* --trust-for IP[:PORT]=PATH */
	size_t n_trust_for;
	struct target_value *names; /* --name IP[:PORT]=FQDN */
	size_t n_names;
	struct port_name *ports; /* --port PORT=NAME (added to the defaults) */
	size_t n_ports;
	enum at_mode at_mode;
	time_t at;	     /* AT_FIXED */
	int expiring_days;   /* warn when a cert expires within (default 30) */
	int keep_dns;	     /* learn expected names from DNS answers (default 1) */
	char *filter;	     /* -f: BPF expression (tcpdump syntax), or NULL */
	char **keylog_paths; /* --keylog FILE (repeatable): unreadable is an error */
	size_t n_keylog;
	char *keylog_env; /* SSLKEYLOGFILE, when readable (the UI warns if not) */
};
void analysis_config_init(struct analysis_config *c);
void analysis_config_free(struct analysis_config *c);
/* A deep copy (analysis_init takes ownership of a config's contents, so
 * each analysis of a run gets its own). */
void analysis_config_copy(struct analysis_config *dst, const struct analysis_config *src);
/* Parse "IP[:PORT]=VALUE" ("[v6]:port=VALUE" for IPv6). 0 ok, -1 bad. */
int target_value_parse(const char *spec, struct target_value *out);

/* DNS answers seen in a capture (learned expected names), by address
 * (rules/dns.c): the latest DNS_KEEP answers of each address, in two
 * generations of at most DNS_GEN addresses (when the current one fills up
 * the older is dropped), so a capture of any length costs bounded memory
 * and a lookup is one probe. Zeroed is empty. */
#define DNS_KEEP 4
#define DNS_GEN 8192
struct dns_addr;
struct dns_table {
	struct dns_gen {
		struct dns_addr *e; /* open addressing, cap a power of two */
		size_t n, cap;
	} gen[2]; /* [0] the current generation */
	uint64_t answers, dropped;
};
/* Remember an answer (copied; one without a name is ignored). */
void dns_table_add(struct dns_table *t, const struct dns_seen *d);
/* The answer for this address seen latest at or before `ts` (among the
 * answers kept), or NULL. */
const struct dns_seen *dns_table_find(const struct dns_table *t, uint8_t family,
				      const uint8_t addr[16], int64_t ts);
void dns_table_free(struct dns_table *t);

struct trust_ctx; /* rules/trust.h */

/* What one judgement gets (rules_evaluate, rules/rules.h). */
struct rules_ctx {
	const struct analysis_config *cfg;
	struct trust_ctx *trust;     /* may hold no store at all */
	const struct dns_table *dns; /* answers seen in this capture */
	time_t now;		     /* analysis time (for "expired as of now") */
};

#endif

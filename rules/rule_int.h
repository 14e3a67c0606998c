/*
 * rule_int.h - what the rules share among themselves (not a public API):
 * the service table with its roles, and where each product fixes what.
 */
#ifndef TLSDIAG_RULE_INT_H
#define TLSDIAG_RULE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "capture/xalloc.h"
#include "rules/chain.h"
#include "rules/finding.h"
#include "rules/settings.h"

/* Who sits on one side of a service, for advice text (DOMAIN §6). */
enum product {
	PROD_GENERIC = 0,
	PROD_EXPRESSWAY, /* Expressway / VCS */
	PROD_CUCM,	 /* a CUCM service (the service cert and trust below) */
	PROD_SIP,	 /* CUCM or Expressway or a SIP peer (5061) */
	PROD_PHONE,	 /* a Cisco IP phone */
	PROD_DIRECTORY,	 /* an LDAP directory server (domain controller) */
};

struct service_def {
	uint16_t port;
	const char *name;    /* "Expressway traversal zone" */
	const char *key;     /* short alias accepted by --port: "traversal" */
	int cisco_uc;	     /* wildcard, key-size, SAN-length rules apply */
	int mutual;	     /* the same certificate serves both roles:
				   check serverAuth and clientAuth on both sides */
	const char *role[2]; /* [SIDE_CLIENT], [SIDE_SERVER]: "Expressway-C" */
	enum product prod[2];
	const char *cucm_cert;	  /* CUCM certificate in play: "tomcat", "CallManager" */
	const char *cucm_trust;	  /* its trust store: "tomcat-trust" */
	const char *cucm_restart; /* service to restart: "Cisco Tomcat" */
	int trust_by_cert;	  /* clients trust the exact certificate (phones:
				   ITL), not a name: no name rules without a name */
	int sni_optional;	  /* clients (SIP stacks, the traversal zone) often
				   send no SNI even when they dial a name: a
				   missing SNI alone says nothing */
};

/*
 * The service on a server port: a --port mapping first (when its name is
 * a known service's name or alias, that service's roles are used), then
 * the default table (DOMAIN §3). Unknown ports give a generic definition
 * with role names "client" / "server" and name NULL. Always fills *out;
 * strings point into static data or cfg.
 */
void service_get(const struct analysis_config *cfg, uint16_t port, struct service_def *out);

/* Service name for a port (server port), or NULL; *cisco_uc says whether
 * the Cisco UC rules apply. */
const char *service_lookup(const struct analysis_config *cfg, uint16_t server_port, int *cisco_uc);

/* Role name of a side ("Expressway-C", "the client"), capitalised or not. */
const char *service_role(const struct service_def *svc, int side);

/* Advice fragments (static or cfg-owned strings are never returned: these
 * allocate; the caller frees). */
/* Where the side's own certificate is replaced. */
char *advice_own_cert(const struct service_def *svc, int side);
/* Where the side adds CA certificates it should trust. */
char *advice_trust(const struct service_def *svc, int side);

/* One evaluation in progress. */
struct rule_eval {
	const struct rules_ctx *ctx;
	struct session_report *r;
	const struct tls_session *s;
	struct service_def svc;
	time_t at;			    /* validity judged at */
	time_t now;			    /* analysis time */
	int at_is_now;			    /* at == now by choice (AT_NOW) */
	const struct trust_store *store[2]; /* per chain side: the receiver's store */
	struct chain_result cr[2];
	int name_is_ip; /* expected identity is an address */
	uint8_t name_ip[16];
	int name_ip_family;
	struct dbuf asof;	 /* "valid when captured, expired since"
					    sentences for the headline */
	int name_from_rejection; /* IP taken as the name only because the
					    client rejected the chain, no SNI */
	/* rule_outcome: a TLS 1.3 rejection read from the protected records
	 * (no keys): who sent the short record, the record, and the peer's
	 * record it answered; inferred_side -1 when none. */
	int inferred_side;
	struct tls_record_seen inferred_rec, inferred_after;
	const char *not_seen_why; /* OUTCOME_NOT_SEEN: why (static) */
};

/* Shared helpers (rule_util.c). */
/* "Expressway-E 10.48.36.101", "the client 10.0.0.1" into buf (>= 128). */
const char *rule_who(const struct rule_eval *e, int side, char *buf, size_t len);
/* "Expressway-E's", "the client's" */
const char *rule_whose(const struct rule_eval *e, int side, char *buf, size_t len);
/* Receiver address as text. */
const char *rule_addr(const struct tls_session *s, int side, char *buf, size_t len);
/* Upper-case the first letter of a sentence (in place). */
char *rule_cap(char *s);
/* RFC 4514 text of a DN, or "(empty name)". */
const char *rule_dn(const struct dn *d);
/* YYYY-MM-DD of t. */
const char *rule_day(time_t t, char buf[32]);
/* "0.6 ms", "12 ms", "1.25 s" from one time to a later one (caller frees). */
char *rule_delta_text(int64_t from_ns, int64_t to_ns);
/* The capture lost the first entries of a Certificate message (a gap
 * before certs[0]): certs[0] is then not the leaf, and no rule about the
 * leaf (names, key usage, EKU for TLS, self-signed leaf, the client
 * certificate's issuer) may judge it. */
static inline int chain_leaf_lost(const struct tls_chain *ch)
{
	return ch->lost && ch->lost_at == 0;
}
/* A ladder entry as words: "Certificate", "ChangeCipherSpec", "alert". */
const char *rule_ladder_name(const struct ladder_entry *l);

/* The chain as a whole (rule_chain.c): order, extras and duplicates;
 * self-signed leaf, store shadowing, trust (only for a complete chain). */
void rule_chain_order(struct rule_eval *e, int side);
void rule_chain_trust(struct rule_eval *e, int side);
/* Per-certificate rules (rule_cert.c): dates, key usage, basic
 * constraints, EKU by role, key size, signature, Cisco-specific checks. */
void rule_certs(struct rule_eval *e, int side);
/* The server name rules (rule_cert.c): name_mismatch, ip_address_peer. */
void rule_names(struct rule_eval *e);
/* CA names of the server's CertificateRequest of the same organisation as
 * `dn` (all but the first RDN equal), "a; b" (caller frees), or NULL. */
char *rule_cr_kin(const struct tls_session *s, const char *dn);
/* RFC 6125 name match of a SAN/CN pattern against a host name (1/0). */
int rule_name_match(const char *pattern, const char *host);
/* Alerts with blame (rule_alert.c); fills r->headline when one decides.
 * After rule_outcome: a rejection it inferred is worded as an alert. */
void rule_alerts(struct rule_eval *e);
/* Does alert a end the handshake? (Encrypted: only before it finished.) */
int rule_alert_fatal(const struct tls_session *s, const struct tls_alert *a);

/* What happened (outcome.c): r->outcome, r->established, and a TLS 1.3
 * rejection inferred without keys (e->inferred_*). Before rule_alerts. */
void rule_outcome(struct rule_eval *e);
/* r->outcome_text, once the findings are known. */
void rule_outcome_text(struct rule_eval *e);
/* TLS 1.3 without keys: the side that most likely rejected the handshake
 * with an encrypted alert, judged from s->prot and how the connection
 * closed, with the short record (*rec) and the peer's record before it
 * (*after); -1 when nothing says so. */
int outcome_infer_tls13(const struct tls_session *s, struct tls_record_seen *rec,
			struct tls_record_seen *after);

#endif

/*
 * queries.c - `tlsdiag db FILE|CONNINFO expiring|failing|where|stats`:
 * what the inventory knows, read back for a person (every text
 * sanitised), with the same SQL and the same answers on both databases.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/xalloc.h"
#include "rules/facts.h"
#include "ui/store/store_int.h"
#include "ui/text/text.h"

static const char DB_USAGE[] =
	"usage: tlsdiag db FILE|CONNINFO COMMAND (CONNINFO: postgresql://... or key=value)\n"
	"       tlsdiag db FILE expiring [-v] [DAYS]\n"
	"                                         certificates expiring within DAYS (30) or\n"
	"                                         expired, one row each (-v: where seen)\n"
	"       tlsdiag db FILE failing           each endpoint with failed sessions, its findings\n"
	"       tlsdiag db FILE where SHA256|PREFIX|IP[:PORT]|TEXT\n"
	"                                         where a certificate was seen (fingerprint,\n"
	"                                         prefix, presenting endpoint or subject text)\n"
	"       tlsdiag db FILE stats             what the database holds\n"
	"       tlsdiag db FILE report [--html OUT]\n"
	"                                         the run summary of everything stored (text,\n"
	"                                         and an HTML page with --html)\n";

__attribute__((format(printf, 1, 2))) static int db_usage(const char *fmt, ...)
{
	va_list ap;
	fputs("tlsdiag: db: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(DB_USAGE, stderr);
	return EXIT_USAGE;
}

/* Column text, sanitised for the terminal, never NULL. */
static const char *col(struct db_stmt *st, int i, char *buf, size_t len)
{
	const char *t = db_col_text(st, i);
	return ui_sanitize_buf(t ? t : "", buf, len);
}

static const char *fmt_time(int64_t secs, char *buf, size_t len)
{
	time_t t = (time_t)secs;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "@%lld", (long long)secs);
	return buf;
}

static const char *fmt_ns(struct db_stmt *st, int i, char *buf, size_t len)
{
	if (db_col_null(st, i)) {
		snprintf(buf, len, "-");
		return buf;
	}
	int64_t ns = db_col_int64(st, i);
	int64_t s = ns / 1000000000LL;
	if (ns < 0 && ns % 1000000000LL)
		s--;
	return fmt_time(s, buf, len);
}

/* Every row read; DB_DONE, or DB_ERROR after saying why. */
static int next_row(struct db_stmt *st)
{
	int rc = db_step(st);
	if (rc == DB_ERROR) {
		char eb[1100];
		fprintf(stderr, "tlsdiag: db: %s\n", ui_sanitize_buf(st->db->err, eb, sizeof(eb)));
	}
	return rc;
}

/* The endpoints (IPv6 addresses in brackets) where a certificate was
 * presented, space-separated, in byte order. */
static void cert_endpoints(struct db *db, int64_t cert_id, struct dbuf *out)
{
	struct db_stmt *st =
		db_prepare(db,
			   "SELECT DISTINCT CASE cc.side WHEN 'client' THEN"
			   " (CASE WHEN s.client_ip LIKE '%:%' THEN '[' || s.client_ip || ']'"
			   "  ELSE s.client_ip END) || ':' || s.client_port"
			   " ELSE (CASE WHEN s.server_ip LIKE '%:%' THEN '[' || s.server_ip || ']'"
			   "  ELSE s.server_ip END) || ':' || s.server_port END AS ep"
			   " FROM chain_certs cc JOIN sessions s ON s.id = cc.session_id"
			   " WHERE cc.cert_id = ?1 ORDER BY ep");
	db_bind_int64(st, 1, cert_id);
	for (int n = 0; next_row(st) == DB_ROW; n++)
		dbuf_addf(out, "%s%s", n ? " " : "", db_col_text(st, 0) ? db_col_text(st, 0) : "");
	db_finalize(st);
}

static int cmd_expiring(struct db *db, int days, int verbose)
{
	time_t now = time(NULL);
	int n = 0, rc;
	struct db_stmt *st =
		db_prepare(db, "SELECT c.sha256, c.subject, c.not_after,"
			       " (SELECT count(DISTINCT cc.session_id) FROM chain_certs cc"
			       "  WHERE cc.cert_id = c.id), c.id"
			       " FROM certificates c"
			       " WHERE c.parse_ok = 1 AND c.not_after <= ?1"
			       " AND EXISTS (SELECT 1 FROM chain_certs cc WHERE cc.cert_id = c.id)"
			       " ORDER BY c.not_after, c.subject, c.sha256");
	db_bind_int64(st, 1, (int64_t)now + (int64_t)days * SECS_PER_DAY);
	while ((rc = next_row(st)) == DB_ROW) {
		char sha[80], subj[1024], eps[4096], tb[40];
		int64_t na = db_col_int64(st, 2);
		long d = days_between(now, (time_t)na);
		struct dbuf ep;
		size_t n_ep = 0;
		dbuf_init(&ep, DBUF_TEXT_MAX);
		cert_endpoints(db, db_col_int64(st, 4), &ep);
		if (ep.len)
			n_ep = 1;
		for (const char *p = dbuf_str(&ep); *p; p++)
			n_ep += *p == ' ';
		if (n++ == 0)
			printf("%-20s %6s  %-8s  %-64s  %9s %8s  %s\n", "NOT AFTER", "DAYS",
			       "STATE", "SHA-256", "ENDPOINTS", "SESSIONS", "SUBJECT");
		printf("%-20s %6ld  %-8s  %s  %9zu %8lld  %s\n", fmt_time(na, tb, sizeof(tb)), d,
		       na < now ? "EXPIRED" : "expiring", col(st, 0, sha, sizeof(sha)), n_ep,
		       (long long)db_col_int64(st, 3), col(st, 1, subj, sizeof(subj)));
		if (verbose)
			printf("    seen at %s\n",
			       ui_sanitize_buf(dbuf_str(&ep), eps, sizeof(eps)));
		dbuf_free(&ep);
	}
	db_finalize(st);
	if (rc == DB_ERROR)
		return EXIT_USAGE;
	if (n == 0)
		printf("no certificate expires within %d day%s (none expired)\n", days,
		       days == 1 ? "" : "s");
	return EXIT_CLEAN;
}

/* Every finding of an endpoint's failed sessions, once, with how many
 * sessions had it: the most severe first. */
static void endpoint_findings(struct db *db, const char *ip, int64_t port)
{
	struct db_stmt *st =
		db_prepare(db,
			   "SELECT x.finding, count(DISTINCT x.session_id), max(x.sev_rank)"
			   " FROM findings x JOIN sessions s ON s.id = x.session_id"
			   " WHERE s.verdict = 'failed' AND s.server_ip = ?1 AND s.server_port = ?2"
			   " GROUP BY x.finding ORDER BY max(x.sev_rank) DESC, count(DISTINCT x.session_id)"
			   " DESC, x.finding");
	struct dbuf b;
	dbuf_init(&b, DBUF_TEXT_MAX);
	db_bind_text(st, 1, ip);
	db_bind_int64(st, 2, port);
	while (next_row(st) == DB_ROW)
		dbuf_addf(&b, "%s%s (%lld)", b.len ? ", " : "",
			  db_col_text(st, 0) ? db_col_text(st, 0) : "",
			  (long long)db_col_int64(st, 1));
	db_finalize(st);
	if (b.len) {
		char fb[4096];
		printf("    findings: %s\n", ui_sanitize_buf(dbuf_str(&b), fb, sizeof(fb)));
	}
	dbuf_free(&b);
}

static int cmd_failing(struct db *db)
{
	int n = 0, rc;
	/* Per server endpoint: failed and total sessions, then the latest
	 * failed session's worst finding and headline. Ties (copies of one
	 * capture) are broken by the data, not by the order of storing. */
	struct db_stmt *st =
		db_prepare(db,
			   "WITH f AS (SELECT s.*, c.path, row_number() OVER (PARTITION BY s.server_ip,"
			   "   s.server_port ORDER BY s.start_ns DESC, c.path DESC, s.num DESC) AS rn,"
			   "   count(*) OVER (PARTITION BY s.server_ip, s.server_port) AS nfail"
			   "   FROM sessions s JOIN captures c ON c.id = s.capture_id"
			   "   WHERE s.verdict = 'failed')"
			   " SELECT f.server_ip, f.server_port, f.nfail,"
			   "  (SELECT count(*) FROM sessions t WHERE t.server_ip = f.server_ip"
			   "   AND t.server_port = f.server_port),"
			   "  f.start_ns,"
			   "  (SELECT x.finding FROM findings x WHERE x.session_id = f.id"
			   "   ORDER BY x.sev_rank DESC, x.id LIMIT 1),"
			   "  (SELECT x.message FROM findings x WHERE x.session_id = f.id"
			   "   ORDER BY x.sev_rank DESC, x.id LIMIT 1),"
			   "  f.headline, f.path, f.num, f.service"
			   " FROM f WHERE f.rn = 1"
			   " ORDER BY f.start_ns DESC, f.server_ip, f.server_port");
	while ((rc = next_row(st)) == DB_ROW) {
		char ip[80], tb[40], fid[80], msg[2048], head[2048], path[1024], svc[256];
		const char *ipt = col(st, 0, ip, sizeof(ip));
		int v6 = strchr(ipt, ':') != NULL;
		int has_svc = !db_col_null(st, 10);
		n++;
		printf("%s%s%s:%d  %lld failed of %lld session%s  last %s%s%s%s\n", v6 ? "[" : "",
		       ipt, v6 ? "]" : "", (int)db_col_int64(st, 1), (long long)db_col_int64(st, 2),
		       (long long)db_col_int64(st, 3), db_col_int64(st, 3) == 1 ? "" : "s",
		       fmt_ns(st, 4, tb, sizeof(tb)), has_svc ? "  (" : "",
		       has_svc ? col(st, 10, svc, sizeof(svc)) : "", has_svc ? ")" : "");
		endpoint_findings(db, db_col_text(st, 0), db_col_int64(st, 1));
		if (!db_col_null(st, 5))
			printf("    latest finding: %s: %s\n", col(st, 5, fid, sizeof(fid)),
			       col(st, 6, msg, sizeof(msg)));
		else
			printf("    latest finding: (none)\n");
		if (!db_col_null(st, 7))
			printf("    %s\n", col(st, 7, head, sizeof(head)));
		printf("    in %s, session %lld\n", col(st, 8, path, sizeof(path)),
		       (long long)db_col_int64(st, 9));
	}
	db_finalize(st);
	if (rc == DB_ERROR)
		return EXIT_USAGE;
	if (n == 0)
		printf("no failed sessions stored\n");
	return EXIT_CLEAN;
}

/* "ab:CD:01..." -> "abcd01..." when the text is a fingerprint or a prefix
 * of one (4 to 64 hex digits, colons allowed); else NULL. */
static char *hex_prefix(const char *s)
{
	char out[65];
	size_t n = 0;
	for (const char *p = s; *p; p++) {
		if (*p == ':')
			continue;
		int c = (unsigned char)*p;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return NULL;
		if (n == 64)
			return NULL;
		out[n++] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
	}
	if (n < 4)
		return NULL;
	out[n] = '\0';
	return xstrdup(out);
}

/* LIKE pattern for a substring, with % _ and the escape escaped. */
static char *like_pattern(const char *s, int prefix_only)
{
	size_t n = strlen(s);
	char *p = xcalloc(n * 2 + 3, 1), *o = p;
	if (!prefix_only)
		*o++ = '%';
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

/* Every session that presented certificate ?1. */
static const char WHERE_SEEN[] =
	"SELECT p.path, s.num, cc.side, cc.idx, s.client_ip, s.client_port, s.server_ip,"
	" s.server_port, s.start_ns, s.verdict, s.sni, cc.status"
	" FROM chain_certs cc JOIN sessions s ON s.id = cc.session_id"
	" JOIN captures p ON p.id = s.capture_id WHERE cc.cert_id = ?1"
	" ORDER BY s.start_ns, p.path, s.num, cc.side, cc.idx";

/* Where one certificate (the current row of cs) was seen. */
static void print_sightings(struct db_stmt *cs, struct db_stmt *ws)
{
	char sha[80], subj[1024], iss[1024], tb[40];
	printf("%s\n", col(cs, 1, sha, sizeof(sha)));
	if (db_col_int64(cs, 5)) {
		printf("  subject   %s\n", col(cs, 2, subj, sizeof(subj)));
		printf("  issuer    %s\n", col(cs, 3, iss, sizeof(iss)));
		printf("  not after %s\n", fmt_time(db_col_int64(cs, 4), tb, sizeof(tb)));
	} else {
		printf("  (could not be decoded)\n");
	}
	db_reset(ws);
	db_bind_int64(ws, 1, db_col_int64(cs, 0));
	int m = 0;
	while (next_row(ws) == DB_ROW) {
		char path[1024], side[16], cip[80], sip[80], verdict[32], sni[512], status[64];
		const char *sd = col(ws, 2, side, sizeof(side));
		int client = strcmp(sd, "client") == 0;
		const char *c4 = col(ws, 4, cip, sizeof(cip));
		const char *s4 = col(ws, 6, sip, sizeof(sip));
		int cp = (int)db_col_int64(ws, 5), sp = (int)db_col_int64(ws, 7);
		int c6 = strchr(c4, ':') != NULL, s6 = strchr(s4, ':') != NULL;
		int has_sni = !db_col_null(ws, 10), has_status = !db_col_null(ws, 11);
		char pres[128], peer[128];
		snprintf(pres, sizeof(pres), "%s%s%s:%d", (client ? c6 : s6) ? "[" : "",
			 client ? c4 : s4, (client ? c6 : s6) ? "]" : "", client ? cp : sp);
		snprintf(peer, sizeof(peer), "%s%s%s:%d", (client ? s6 : c6) ? "[" : "",
			 client ? s4 : c4, (client ? s6 : c6) ? "]" : "", client ? sp : cp);
		if (m++ == 0)
			printf("  seen:\n");
		printf("    %s  %s session %lld  %s chain #%d  presented by %s to %s  "
		       "%s%s%s%s%s\n",
		       fmt_ns(ws, 8, tb, sizeof(tb)), col(ws, 0, path, sizeof(path)),
		       (long long)db_col_int64(ws, 1), sd, (int)db_col_int64(ws, 3), pres, peer,
		       col(ws, 9, verdict, sizeof(verdict)), has_sni ? "  SNI " : "",
		       has_sni ? col(ws, 10, sni, sizeof(sni)) : "", has_status ? "  " : "",
		       has_status ? col(ws, 11, status, sizeof(status)) : "");
	}
	if (m == 0)
		printf("  seen: nowhere any more\n");
}

/* "IP", "IP:PORT", "[IPv6]:PORT" or "IPv6": the address as stored
 * (inet_ntop's form) and the port (-1: any); 0, or -1 when not one. */
static int parse_ip_port(const char *what, char *ip, size_t iplen, long *port)
{
	char buf[128];
	unsigned char a[16];
	const char *colon;
	*port = -1;
	if (strlen(what) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", what);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close)
			return -1;
		*close = '\0';
		if (close[1] == ':') {
			char *end;
			*port = strtol(close + 2, &end, 10);
			if (end == close + 2 || *end || *port < 0 || *port > 65535)
				return -1;
		} else if (close[1]) {
			return -1;
		}
		memmove(buf, buf + 1, strlen(buf + 1) + 1);
	} else if ((colon = strchr(buf, ':')) && colon == strrchr(buf, ':')) {
		char *end;
		*port = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || *end || *port < 0 || *port > 65535)
			return -1;
		buf[colon - buf] = '\0';
	}
	if (inet_pton(AF_INET, buf, a) == 1)
		return inet_ntop(AF_INET, a, ip, (socklen_t)iplen) ? 0 : -1;
	if (inet_pton(AF_INET6, buf, a) == 1)
		return inet_ntop(AF_INET6, a, ip, (socklen_t)iplen) ? 0 : -1;
	return -1;
}

static int cmd_where(struct db *db, const char *what)
{
	char ip[INET6_ADDRSTRLEN];
	long port;
	if (parse_ip_port(what, ip, sizeof(ip), &port) == 0) {
		/* The certificates an endpoint presented (as a server, or as a
		 * client in mutual TLS). */
		struct db_stmt *cs = db_prepare(
			db,
			"SELECT id, sha256, subject, issuer, not_after, parse_ok FROM certificates c"
			" WHERE EXISTS (SELECT 1 FROM chain_certs cc JOIN sessions s"
			"  ON s.id = cc.session_id WHERE cc.cert_id = c.id AND"
			"  ((cc.side = 'server' AND s.server_ip = ?1 AND"
			"    (?2 < 0 OR s.server_port = ?2)) OR"
			"   (cc.side = 'client' AND s.client_ip = ?1 AND"
			"    (?2 < 0 OR s.client_port = ?2))))"
			" ORDER BY subject, sha256");
		struct db_stmt *ws = db_prepare(db, WHERE_SEEN);
		int n = 0, r;
		db_bind_text(cs, 1, ip);
		db_bind_int64(cs, 2, port);
		while ((r = next_row(cs)) == DB_ROW) {
			if (n++)
				printf("\n");
			print_sightings(cs, ws);
		}
		db_finalize(cs);
		db_finalize(ws);
		if (r == DB_ERROR)
			return EXIT_USAGE;
		if (n)
			return EXIT_CLEAN;
		char wb[512];
		printf("no certificate was presented by %s\n",
		       ui_sanitize_buf(what, wb, sizeof(wb)));
		return EXIT_FINDINGS;
	}
	char *hex = hex_prefix(what);
	int n = 0;
	int rc = EXIT_CLEAN;
	struct db_stmt *cs =
		db_prepare(db,
			   "SELECT id, sha256, subject, issuer, not_after, parse_ok FROM certificates c"
			   /* A NULL pattern matches nothing. */
			   " WHERE sha256 {ilike} ?1 ESCAPE '\\' OR subject {ilike} ?2 ESCAPE '\\'"
			   " ORDER BY subject, sha256");
	struct db_stmt *ws = db_prepare(db, WHERE_SEEN);
	char *hexpat = hex ? like_pattern(hex, 1) : NULL;
	char *subjpat = like_pattern(what, 0);
	/* A fingerprint-looking text is tried as one first; subject text is
	 * searched when it matched nothing (e.g. "cafe" or "ACME"). */
	for (int pass = 0; pass < 2 && n == 0 && rc == EXIT_CLEAN; pass++) {
		int r;
		if (pass == 0 && !hexpat)
			continue;
		db_reset(cs);
		db_bind_text(cs, 1, pass == 0 ? hexpat : NULL);
		db_bind_text(cs, 2, pass == 0 ? NULL : subjpat);
		while ((r = next_row(cs)) == DB_ROW) {
			if (n++)
				printf("\n");
			print_sightings(cs, ws);
		}
		if (r == DB_ERROR)
			rc = EXIT_USAGE;
	}
	if (n == 0 && rc == EXIT_CLEAN) {
		char wb[512];
		printf("no certificate matches '%s'\n", ui_sanitize_buf(what, wb, sizeof(wb)));
		rc = EXIT_FINDINGS;
	}
	db_finalize(cs);
	db_finalize(ws);
	free(hex);
	free(hexpat);
	free(subjpat);
	return rc;
}

static int64_t scalar(struct db *db, const char *sql)
{
	return db_scalar(db, sql, -1);
}

static int cmd_stats(struct db *db)
{
	char pb[1024], tb[40], tb2[40];
	time_t now = time(NULL);
	printf("database      %s (schema %d)\n", ui_sanitize_buf(db->shown, pb, sizeof(pb)),
	       store_version(db));
	printf("captures      %lld (ok %lld, partial %lld, bad %lld)\n",
	       (long long)scalar(db, "SELECT count(*) FROM captures"),
	       (long long)scalar(db, "SELECT count(*) FROM captures WHERE status = 'ok'"),
	       (long long)scalar(db, "SELECT count(*) FROM captures WHERE status = 'partial'"),
	       (long long)scalar(db, "SELECT count(*) FROM captures WHERE status = 'bad'"));
	printf("sessions      %lld (ok %lld, warning %lld, failed %lld, incomplete %lld)\n",
	       (long long)scalar(db, "SELECT count(*) FROM sessions"),
	       (long long)scalar(db, "SELECT count(*) FROM sessions WHERE verdict = 'ok'"),
	       (long long)scalar(db, "SELECT count(*) FROM sessions WHERE verdict = 'warning'"),
	       (long long)scalar(db, "SELECT count(*) FROM sessions WHERE verdict = 'failed'"),
	       (long long)scalar(db, "SELECT count(*) FROM sessions WHERE verdict = 'incomplete'"));
	struct db_stmt *st = db_prepare(
		db,
		"SELECT count(*),"
		" coalesce(sum(CASE WHEN parse_ok = 1 AND not_after < ?1 THEN 1 ELSE 0 END), 0),"
		" coalesce(sum(CASE WHEN parse_ok = 1 AND not_after >= ?1 AND not_after <= ?2"
		"  THEN 1 ELSE 0 END), 0)"
		" FROM certificates");
	db_bind_int64(st, 1, (int64_t)now);
	db_bind_int64(st, 2, (int64_t)now + 30 * SECS_PER_DAY);
	int rc = next_row(st);
	if (rc == DB_ROW)
		printf("certificates  %lld unique (%lld expired, %lld expiring within 30 days)\n",
		       (long long)db_col_int64(st, 0), (long long)db_col_int64(st, 1),
		       (long long)db_col_int64(st, 2));
	db_finalize(st);
	if (rc == DB_ERROR)
		return EXIT_USAGE;
	printf("findings      %lld\n", (long long)scalar(db, "SELECT count(*) FROM findings"));
	st = db_prepare(db,
			"SELECT finding, count(*) FROM findings GROUP BY finding ORDER BY finding");
	while ((rc = next_row(st)) == DB_ROW) {
		char id[128];
		printf("  %-28s %lld\n", col(st, 0, id, sizeof(id)),
		       (long long)db_col_int64(st, 1));
	}
	db_finalize(st);
	if (rc == DB_ERROR)
		return EXIT_USAGE;
	if (scalar(db, "SELECT count(*) FROM captures") > 0)
		printf("analysed      %s .. %s\n",
		       fmt_time(scalar(db, "SELECT min(analysed_at) FROM captures"), tb,
				sizeof(tb)),
		       fmt_time(scalar(db, "SELECT max(analysed_at) FROM captures"), tb2,
				sizeof(tb2)));
	return EXIT_CLEAN;
}
int db_command(const struct ui_opts *o)
{
	char err[1024] = "";
	const char *cmd;
	struct db *db;
	int rc;

	if (!o->db_path)
		return db_usage("missing FILE");
	if (o->n_db_args < 1)
		return db_usage("missing COMMAND after %s", o->db_path);
	cmd = o->db_args[0];
	int days = 30, verbose = 0;
	const char *html = NULL;
	if (strcmp(cmd, "expiring") == 0) {
		const char *arg = NULL;
		for (int i = 1; i < o->n_db_args; i++) {
			if (strcmp(o->db_args[i], "-v") == 0 ||
			    strcmp(o->db_args[i], "--verbose") == 0)
				verbose = 1;
			else if (!arg)
				arg = o->db_args[i];
			else
				return db_usage("expiring: too many arguments (%s ...)",
						o->db_args[i]);
		}
		if (arg) {
			char *end;
			errno = 0;
			long v = strtol(arg, &end, 10);
			if (errno || end == arg || *end || v < 0 || v > 36500)
				return db_usage("expiring: DAYS must be a number of days 0-36500, "
						"not '%s'",
						arg);
			days = (int)v;
		}
	} else if (strcmp(cmd, "failing") == 0 || strcmp(cmd, "stats") == 0) {
		if (o->n_db_args > 1)
			return db_usage("too many arguments (%s ...)", o->db_args[1]);
	} else if (strcmp(cmd, "report") == 0) {
		for (int i = 1; i < o->n_db_args; i++) {
			if (strcmp(o->db_args[i], "--html") == 0 && i + 1 < o->n_db_args && !html)
				html = o->db_args[++i];
			else
				return db_usage("report: unexpected '%s' (report [--html FILE])",
						o->db_args[i]);
		}
	} else if (strcmp(cmd, "where") == 0) {
		if (o->n_db_args != 2 || !o->db_args[1][0])
			return db_usage("where: expected one SHA256, prefix, IP[:PORT] or subject "
					"text");
	} else {
		return db_usage("unknown command '%s'", cmd);
	}

	db = store_open(o->db_path, 0, err, sizeof(err));
	if (!db) {
		char eb[1100];
		fprintf(stderr, "tlsdiag: db: %s\n", ui_sanitize_buf(err, eb, sizeof(eb)));
		return EXIT_USAGE;
	}
	if (strcmp(cmd, "expiring") == 0)
		rc = cmd_expiring(db, days, verbose || o->verbose);
	else if (strcmp(cmd, "failing") == 0)
		rc = cmd_failing(db);
	else if (strcmp(cmd, "where") == 0)
		rc = cmd_where(db, o->db_args[1]);
	else if (strcmp(cmd, "report") == 0)
		rc = db_report(db, o, html);
	else
		rc = cmd_stats(db);
	db_close(db);
	return rc;
}

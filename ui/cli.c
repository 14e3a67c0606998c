/*
 * cli.c - the command line: getopt_long into struct ui_opts and the
 * analysis configuration. Nothing here judges a capture; values are only
 * checked for form (a port is 1-65535, an IP[:PORT]=VALUE parses).
 *
 * Every option here is listed in cli_help() and in docs/tlsdiag.1;
 * tests/e2e/test_cli.sh checks that the two lists agree.
 */
#include "ui/cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/live.h"
#include "capture/units.h"
#include "capture/xalloc.h"
#include "config.h"
#include "ui/text/text.h"

enum {
	O_REPORT = 256,
	O_JSON,
	O_TUI,
	O_STREAMS,
	O_DUMP_STREAMS,
	O_HTML,
	O_DB,
	O_TRUST,
	O_TRUST_FOR,
	O_NAME,
	O_PORT,
	O_AT,
	O_EXPIRING,
	O_KEYLOG,
	O_EXPORT_CERTS,
	O_EXPORT_FORMAT,
	O_MAX_FLOWS,
	O_MAX_BUFFER,
	O_IDLE_TIMEOUT,
	O_NO_COLOR,
	O_COLOR,
	O_SCRIPT,
	O_DUMP_SCREEN,
	O_LIST_IFACES,
	O_TZ,
};

static const struct option long_opts[] = {
	{ "report", no_argument, 0, O_REPORT },
	{ "json", no_argument, 0, O_JSON },
	{ "tui", no_argument, 0, O_TUI },
	{ "streams", no_argument, 0, O_STREAMS },
	{ "dump-streams", required_argument, 0, O_DUMP_STREAMS },
	{ "html", required_argument, 0, O_HTML },
	{ "db", required_argument, 0, O_DB },
	{ "trust", required_argument, 0, O_TRUST },
	{ "trust-for", required_argument, 0, O_TRUST_FOR },
	{ "name", required_argument, 0, O_NAME },
	{ "port", required_argument, 0, O_PORT },
	{ "at", required_argument, 0, O_AT },
	{ "expiring", required_argument, 0, O_EXPIRING },
	{ "keylog", required_argument, 0, O_KEYLOG },
	{ "jobs", required_argument, 0, 'j' },
	{ "export-certs", required_argument, 0, O_EXPORT_CERTS },
	{ "export-format", required_argument, 0, O_EXPORT_FORMAT },
	{ "max-flows", required_argument, 0, O_MAX_FLOWS },
	{ "max-buffer", required_argument, 0, O_MAX_BUFFER },
	{ "idle-timeout", required_argument, 0, O_IDLE_TIMEOUT },
	{ "filter", required_argument, 0, 'f' },
	{ "list-interfaces", no_argument, 0, O_LIST_IFACES },
	{ "no-color", no_argument, 0, O_NO_COLOR },
	{ "color", required_argument, 0, O_COLOR },
	{ "tz", required_argument, 0, O_TZ },
	{ "quiet", no_argument, 0, 'q' },
	{ "verbose", no_argument, 0, 'v' },
	{ "version", no_argument, 0, 'V' },
	{ "help", no_argument, 0, 'h' },
	{ "script", required_argument, 0, O_SCRIPT },
	{ "dump-screen", required_argument, 0, O_DUMP_SCREEN },
	{ 0, 0, 0, 0 },
};

void cli_help(FILE *out)
{
	fputs("Usage: tlsdiag [OPTIONS] FILE|DIR|- ...\n"
	      "       tlsdiag db FILE COMMAND [ARGS...]\n"
	      "Find TLS handshakes in packet captures (pcap, pcapng, gzip) and say in plain\n"
	      "words who rejected whom and why.\n"
	      "\n"
	      "Modes (default: the TUI when standard output is a terminal, else --report):\n"
	      "  --report              text report on standard output\n"
	      "  --json                NDJSON: one object per TLS session, then a summary\n"
	      "  --tui                 interactive terminal browser\n"
	      "  --streams             TCP reassembly figures per flow and direction\n"
	      "  --dump-streams DIR    with --streams: write each direction's bytes to DIR\n"
	      "\n"
	      "More outputs (with any mode but --tui and --streams):\n"
	      "  --html FILE           also write a self-contained HTML report to FILE\n"
	      "  --db FILE             also store the run in the SQLite database FILE\n"
	      "  --export-certs DIR    write every presented certificate and chain to DIR\n"
	      "  --export-format FMT   pem (default) or der, for --export-certs\n"
	      "\n"
	      "Judging:\n"
	      "  --trust PATH|system   trust store (PEM, DER or PKCS#7 file, or directory);\n"
	      "                        'system' is the operating system's (repeatable)\n"
	      "  --trust-for IP[:PORT]=PATH\n"
	      "                        trust store of the peer at IP[:PORT] (repeatable)\n"
	      "  --name IP[:PORT][=FQDN]\n"
	      "                        name the clients dial for IP[:PORT]; without FQDN,\n"
	      "                        they dial the address itself (repeatable)\n"
	      "  --port PORT=NAME      name the service on PORT (repeatable)\n"
	      "  --at TIME|now         judge validity at TIME (YYYY-MM-DD[THH:MM:SS[Z]] UTC,\n"
	      "                        or @EPOCH) or now; default: each packet's time\n"
	      "  --expiring DAYS       warn of certificates expiring within DAYS (default 30)\n"
	      "  --keylog FILE         TLS secrets (NSS key log, as SSLKEYLOGFILE writes) to\n"
	      "                        decrypt TLS 1.3 handshakes and alerts (repeatable)\n"
	      "\n"
	      "Running:\n"
	      "  -j, --jobs N          analyse N files in parallel (default: all cores)\n"
	      "  --max-flows N         TCP flows tracked at once (default 100000)\n"
	      "  --max-buffer BYTES    out-of-order bytes buffered per direction\n"
	      "                        (default 4M; suffixes K, M, G)\n"
	      "  --idle-timeout SECONDS\n"
	      "                        close a flow idle this long in capture time (default 300)\n"
	      "  -f, --filter FILTER   read only packets FILTER accepts (tcpdump's syntax,\n"
	      "                        pcap-filter(7)); not with --db or --streams\n"
	      "  --no-color            no colour (so does a non-empty NO_COLOR variable)\n"
	      "  --color WHEN          always, never or auto (default auto: on a terminal)\n"
	      "  --tz local|UTC|ZONE   show times in that zone (default UTC; JSON stays UTC)\n"
	      "  -q, --quiet           no progress, no notes on standard error\n"
	      "  -v, --verbose         more detail (repeatable)\n"
	      "  --list-interfaces     list the interfaces libpcap can capture on, and exit\n"
	      "  -V, --version         print the version and exit\n"
	      "  -h, --help            print this help and exit\n"
	      "\n"
	      "Testing the TUI (not for everyday use):\n"
	      "  --script KEYS         feed KEYS to the TUI instead of the keyboard\n"
	      "  --dump-screen FILE    write the final TUI screen to FILE\n"
	      "\n"
	      "Exit status: 0 no finding of severity error, 1 findings of severity error,\n"
	      "2 usage error or no input could be read.\n"
	      "See tlsdiag(1).\n",
	      out);
}

static int usage_error(FILE *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(FILE *err, const char *fmt, ...)
{
	va_list ap;
	fputs("tlsdiag: ", err);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputs("\nTry 'tlsdiag --help'\n", err);
	return EXIT_USAGE;
}

/* A whole decimal number in [lo, hi]. */
static int parse_ull(const char *s, unsigned long long lo, unsigned long long hi,
		     unsigned long long *out)
{
	char *end;
	unsigned long long v;
	if (!s || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* BYTES with an optional K/M/G (binary) suffix. */
static int parse_bytes(const char *s, size_t *out)
{
	uint64_t v;
	if (parse_size(s, 1, SIZE_MAX, &v) != 0)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* SECONDS, decimal with an optional fraction, > 0 and at most a year. */
static int parse_seconds(const char *s, int64_t *ns)
{
	unsigned long long whole = 0, frac = 0, scale = 1000000000ULL;
	const char *p = s;
	if (!s || !isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (unsigned)(*p - '0');
		if (whole > 366ULL * 24 * 3600) /* a year */
			return -1;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++) {
			if (scale > 1) {
				scale /= 10;
				frac += (unsigned)(*p - '0') * scale;
			}
		}
	}
	if (*p || (whole == 0 && frac == 0))
		return -1;
	*ns = (int64_t)(whole * 1000000000ULL + frac);
	return 0;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int cli_parse_time(const char *s, time_t *t)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, se = 0;
	size_t n;
	time_t r;

	if (!s)
		return -1;
	if (s[0] == '@') {
		char *end;
		long long v;
		if (!isdigit((unsigned char)s[1]) && !(s[1] == '-' && isdigit((unsigned char)s[2])))
			return -1;
		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (errno || *end)
			return -1;
		/* Certificates carry years 0000-9999 (GeneralizedTime). */
		if (v < -62135596800LL || v > 253402300799LL)
			return -1;
		*t = (time_t)v;
		return 0;
	}
	n = strlen(s);
	if (n != 10 && n != 19 && n != 20)
		return -1;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	if (n >= 19) {
		if ((s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) || s[13] != ':' ||
		    digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &se))
			return -1;
		if (n == 20 && s[19] != 'Z' && s[19] != 'z')
			return -1;
	}
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se == 60 ? 59 : se; /* a leap second is as good as :59 */
	r = timegm(&tm);
	if (r == (time_t)-1 && !(y == 1969 && mo == 12 && d == 31))
		return -1;
	/* timegm normalises 2026-02-31 to March: refuse such dates. */
	{
		struct tm back;
		if (!gmtime_r(&r, &back) || back.tm_mday != d || back.tm_mon != mo - 1)
			return -1;
	}
	*t = r;
	return 0;
}

static int add_target(FILE *err, const char *opt, const char *arg, struct target_value **v,
		      size_t *n)
{
	struct target_value tv;
	memset(&tv, 0, sizeof tv);
	if (target_value_parse(arg, &tv) != 0 || !tv.value || !tv.value[0]) {
		free(tv.value);
		free(tv.spec);
		return usage_error(err,
				   "%s: expected IP[:PORT]=VALUE (IPv6 as [ADDR]:PORT), got '%s'",
				   opt, arg);
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = tv;
	return 0;
}

static int add_port(FILE *err, const char *arg, struct analysis_config *c)
{
	const char *eq = strchr(arg, '=');
	unsigned long long port;
	char num[8];
	size_t k;
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof num || !eq[1])
		return usage_error(err, "--port: expected PORT=NAME, got '%s'", arg);
	memcpy(num, arg, (size_t)(eq - arg));
	num[eq - arg] = 0;
	if (parse_ull(num, 1, 65535, &port))
		return usage_error(err, "--port: '%s' is not a port number (1-65535)", num);
	for (k = 0; k < c->n_ports; k++) {
		if (c->ports[k].port == port) { /* the last mapping wins */
			free(c->ports[k].name);
			c->ports[k].name = xstrdup(eq + 1);
			return 0;
		}
	}
	c->ports = xreallocarray(c->ports, c->n_ports + 1, sizeof *c->ports);
	c->ports[c->n_ports].port = (uint16_t)port;
	c->ports[c->n_ports].name = xstrdup(eq + 1);
	c->ports[c->n_ports].cisco_uc = 0;
	c->n_ports++;
	return 0;
}

/* --list-interfaces: name, flags, addresses, description. */
static int list_interfaces(FILE *out, FILE *err)
{
	struct live_if_info *v;
	size_t n;
	char e[512], b[512];
	if (live_list_interfaces(&v, &n, e, sizeof e) != 0) {
		fprintf(err, "tlsdiag: %s\n", ui_sanitize_buf(e, b, sizeof b));
		return EXIT_USAGE;
	}
	if (n == 0)
		fputs("No interfaces found (listing some needs root or CAP_NET_RAW).\n", out);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s [%s]", ui_sanitize_buf(v[i].name, b, sizeof b), v[i].flags);
		for (size_t k = 0; k < v[i].n_addrs; k++)
			fprintf(out, "%s%s", k ? ", " : " ", v[i].addrs[k]);
		if (v[i].description)
			fprintf(out, "\n    %s", ui_sanitize_buf(v[i].description, b, sizeof b));
		fputc('\n', out);
	}
	live_free_interfaces(v, n);
	return EXIT_CLEAN;
}

static int set_mode(FILE *err, struct ui_opts *o, enum ui_mode m, const char *opt)
{
	static const char *const names[] = { "", "--report", "--json", "--tui", "--streams", "db" };
	if (o->mode != MODE_AUTO && o->mode != m)
		return usage_error(err, "%s and %s cannot be used together", names[o->mode], opt);
	o->mode = m;
	return 0;
}

int cli_parse(int argc, char **argv, struct ui_opts *o, struct cli_extra *x, FILE *out, FILE *err)
{
	int c, rc;
	unsigned long long v;

	memset(o, 0, sizeof *o);
	memset(x, 0, sizeof *x);
	x->color_mode = -1;
	analysis_config_init(&o->acfg);

	/* `tlsdiag db FILE COMMAND [ARGS...]`: everything after FILE belongs
	 * to the db command, options included. */
	if (argc >= 2 && strcmp(argv[1], "db") == 0) {
		if (argc < 3)
			return usage_error(err,
					   "db: missing FILE (tlsdiag db FILE COMMAND [ARGS...])");
		o->mode = MODE_DB;
		o->db_path = argv[2];
		o->db_args = argv + 3;
		o->n_db_args = argc - 3;
		return 0;
	}

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":f:j:qvVh", long_opts, NULL)) != -1) {
		rc = 0;
		switch (c) {
		case O_REPORT: rc = set_mode(err, o, MODE_REPORT, "--report"); break;
		case O_JSON: rc = set_mode(err, o, MODE_JSON, "--json"); break;
		case O_TUI: rc = set_mode(err, o, MODE_TUI, "--tui"); break;
		case O_STREAMS: rc = set_mode(err, o, MODE_STREAMS, "--streams"); break;
		case O_DUMP_STREAMS:
			o->dump_streams = optarg;
			rc = set_mode(err, o, MODE_STREAMS, "--dump-streams");
			break;
		case O_HTML: o->html_path = optarg; break;
		case O_DB: o->db_path = optarg; break;
		case O_TRUST:
			if (!optarg[0])
				return usage_error(err, "--trust: empty PATH");
			o->acfg.trust_paths = xreallocarray(o->acfg.trust_paths,
							    o->acfg.n_trust + 1,
							    sizeof *o->acfg.trust_paths);
			o->acfg.trust_paths[o->acfg.n_trust++] = xstrdup(optarg);
			break;
		case O_TRUST_FOR:
			rc = add_target(err, "--trust-for", optarg, &o->acfg.trust_for,
					&o->acfg.n_trust_for);
			break;
		case O_NAME:
			if (strchr(optarg, '=') == NULL) {
				/* "--name IP[:PORT]": the peer is configured by its address
				 * (the SIP trunk dials 10.0.0.1): the address is the name. */
				char host[128], *spec;
				snprintf(host, sizeof host, "%s", optarg);
				char *colon = strrchr(host, ':');
				if (host[0] == '[') {
					char *rb = strchr(host, ']');
					if (rb)
						*rb = 0;
					spec = xasprintf("%s=%s", optarg, host + 1);
				} else {
					if (colon && strchr(host, ':') == colon)
						*colon = 0; /* v4:port */
					spec = xasprintf("%s=%s", optarg, host);
				}
				rc = add_target(err, "--name", spec, &o->acfg.names,
						&o->acfg.n_names);
				free(spec);
			} else {
				rc = add_target(err, "--name", optarg, &o->acfg.names,
						&o->acfg.n_names);
			}
			break;
		case O_PORT: rc = add_port(err, optarg, &o->acfg); break;
		case O_TZ: {
			char zerr[512];

			if (ui_tz_set(optarg, zerr, sizeof zerr) != 0)
				return usage_error(err, "%s", zerr);
			break;
		}
		case O_AT:
			if (strcmp(optarg, "now") == 0) {
				o->acfg.at_mode = AT_NOW;
			} else if (cli_parse_time(optarg, &o->acfg.at) == 0) {
				o->acfg.at_mode = AT_FIXED;
			} else {
				return usage_error(err,
						   "--at: expected YYYY-MM-DD[THH:MM:SS[Z]] (UTC), "
						   "@EPOCH or now, got '%s'",
						   optarg);
			}
			break;
		case O_EXPIRING:
			if (parse_ull(optarg, 0, 36500, &v))
				return usage_error(err,
						   "--expiring: expected DAYS (0-36500), got '%s'",
						   optarg);
			o->acfg.expiring_days = (int)v;
			break;
		case O_KEYLOG:
			if (!optarg[0])
				return usage_error(err, "--keylog: empty FILE");
			o->acfg.keylog_paths = xreallocarray(o->acfg.keylog_paths,
							     o->acfg.n_keylog + 1,
							     sizeof *o->acfg.keylog_paths);
			o->acfg.keylog_paths[o->acfg.n_keylog++] = xstrdup(optarg);
			break;
		case 'j':
			if (parse_ull(optarg, 0, 1024, &v))
				return usage_error(err,
						   "--jobs: expected a number 1-1024, got '%s'",
						   optarg);
			o->jobs = (int)v;
			break;
		case O_EXPORT_CERTS:
			if (!optarg[0])
				return usage_error(err, "--export-certs: empty DIR");
			o->export_dir = optarg;
			break;
		case O_EXPORT_FORMAT:
			if (strcmp(optarg, "pem") == 0)
				o->export_der = 0;
			else if (strcmp(optarg, "der") == 0)
				o->export_der = 1;
			else
				return usage_error(err,
						   "--export-format: expected pem or der, got '%s'",
						   optarg);
			break;
		case O_MAX_FLOWS:
			if (parse_ull(optarg, 1, 100000000, &v))
				return usage_error(
					err, "--max-flows: expected a number 1-100000000, got '%s'",
					optarg);
			o->acfg.tcp.max_flows = (size_t)v;
			break;
		case O_MAX_BUFFER:
			if (parse_bytes(optarg, &o->acfg.tcp.max_buffer))
				return usage_error(
					err,
					"--max-buffer: expected BYTES (e.g. 65536, 4M), got '%s'",
					optarg);
			break;
		case O_IDLE_TIMEOUT:
			if (parse_seconds(optarg, &o->acfg.tcp.idle_timeout_ns))
				return usage_error(err,
						   "--idle-timeout: expected SECONDS > 0, got '%s'",
						   optarg);
			break;
		case 'f': {
			char ferr[512];
			struct pkt_filter *pf = pkt_filter_new(optarg, ferr, sizeof ferr);
			if (pf == NULL)
				return usage_error(err, "-f '%s': %s", optarg, ferr);
			pkt_filter_free(pf);
			free(o->acfg.filter);
			o->acfg.filter = xstrdup(optarg);
			break;
		}
		case O_NO_COLOR: x->color_mode = 0; break;
		case O_COLOR:
			if (strcmp(optarg, "always") == 0)
				x->color_mode = 1;
			else if (strcmp(optarg, "never") == 0)
				x->color_mode = 0;
			else if (strcmp(optarg, "auto") == 0)
				x->color_mode = -1;
			else
				return usage_error(err,
						   "--color: expected always, never or auto, got '%s'",
						   optarg);
			break;
		case 'q': x->quiet = 1; break;
		case 'v': o->verbose++; break;
		case 'V':
			fprintf(out, "tlsdiag %s\n", PACKAGE_VERSION);
			x->exit_now = 1;
			x->status = EXIT_CLEAN;
			return 0;
		case 'h':
			cli_help(out);
			x->exit_now = 1;
			x->status = EXIT_CLEAN;
			return 0;
		case O_LIST_IFACES:
			x->exit_now = 1;
			x->status = list_interfaces(out, err);
			return 0;
		case O_SCRIPT: o->tui_script = optarg; break;
		case O_DUMP_SCREEN: o->tui_dump = optarg; break;
		case ':':
			if (optopt && optopt < 256)
				return usage_error(err, "option -%c needs an argument", optopt);
			return usage_error(err, "option '%s' needs an argument", argv[optind - 1]);
		case '?':
		default:
			if (optopt && optopt < 256)
				return usage_error(err, "unknown option -%c", optopt);
			return usage_error(err, "unknown option '%s'", argv[optind - 1]);
		}
		if (rc)
			return rc;
	}

	if (x->quiet)
		o->verbose = -1; /* -q: only errors on standard error */
	/* SSLKEYLOGFILE, as browsers and curl read it: used when readable;
	 * when not, a warning (it may be set for another program). */
	const char *kl = getenv("SSLKEYLOGFILE");
	if (kl && kl[0] && o->mode != MODE_STREAMS) {
		if (access(kl, R_OK) == 0)
			o->acfg.keylog_env = xstrdup(kl);
		else if (!x->quiet) {
			char kb[512];
			fprintf(err,
				"tlsdiag: warning: SSLKEYLOGFILE=%s cannot be read (%s); going on "
				"without it\n",
				ui_sanitize_buf(kl, kb, sizeof kb), strerror(errno));
		}
	}
	if ((o->tui_script || o->tui_dump) && o->mode == MODE_AUTO)
		o->mode = MODE_TUI;
	if ((o->tui_script || o->tui_dump) && o->mode != MODE_TUI)
		return usage_error(err, "--script and --dump-screen are for the TUI only");
	if (o->mode == MODE_STREAMS && (o->html_path || o->db_path || o->export_dir))
		return usage_error(err,
				   "--streams cannot be combined with --html, --db or --export-certs");
	/* The inventory holds whole captures: a filtered run would store part
	 * of one as if it were all of it. */
	if (o->acfg.filter && (o->db_path || o->mode == MODE_STREAMS))
		return usage_error(err, "-f cannot be combined with --db or --streams");
	if (optind >= argc)
		return usage_error(err,
				   "no input: give capture files, directories or - for standard input");
	o->inputs = argv + optind;
	o->n_inputs = argc - optind;
	{
		int stdin_seen = 0;
		for (int i = 0; i < o->n_inputs; i++) {
			if (!o->inputs[i][0])
				return usage_error(err, "empty file name");
			if (strcmp(o->inputs[i], "-") == 0 && stdin_seen++)
				return usage_error(err, "standard input (-) given twice");
		}
	}
	return 0;
}

void cli_free(struct ui_opts *o)
{
	analysis_config_free(&o->acfg);
}

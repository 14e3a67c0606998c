/*
 * export.c - `--export-certs DIR`: every presented chain written out as
 * the support engineer would otherwise export it from Wireshark by hand.
 *
 * Each session's chains are written as the session arrives. For session N
 * of capture "case-42.pcapng.gz" (base "case-42"):
 *
 *   DIR/case-42-s3-server-0.pem    the leaf the server sent
 *   DIR/case-42-s3-server-1.pem    the next certificate of its message
 *   DIR/case-42-s3-server-chain.pem  the whole message, in sent order, PEM
 *   DIR/case-42-s3-server-chain.p7b  the same as PKCS#7 (DER), what CUCM
 *                                    and Expressway import
 *   DIR/case-42-s3-client-0.pem    ... and the same for a client chain
 *
 * With --export-format der the single certificates are raw DER (.der); the
 * chain stays a PEM bundle and a .p7b (concatenated DER is no chain
 * format: nothing reads it back).
 * An existing file is never replaced: it is reported and skipped (two
 * inputs with the same base name in one run collide that way).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/xalloc.h"
#include "dissect/x509.h"
#include "ui/text/text.h"
#include "ui/report/report.h"

/* mkdir -p; 0 or -1 with errno. */
static int make_dirs(const char *dir)
{
	char *p = xstrdup(dir), *q;
	int rc = 0;
	for (q = p + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = 0;
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*q = '/';
	}
	if (rc == 0 && mkdir(p, 0755) != 0 && errno != EEXIST)
		rc = -1;
	if (rc == 0) {
		struct stat st;
		if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			rc = -1;
		}
	}
	free(p);
	return rc;
}

/* The capture's name without directories and capture extensions, reduced
 * to characters that are safe in any file name. */
static char *file_base(const char *path)
{
	static const char *const ext[] = { ".gz", ".pcapng", ".pcap", ".cap", ".ntar" };
	const char *b = path ? strrchr(path, '/') : NULL;
	char *s;
	size_t n;

	if (!path || strcmp(path, "-") == 0)
		return xstrdup("stdin");
	b = b ? b + 1 : path;
	s = xstrdup(b);
	n = strlen(s);
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		size_t m = strlen(ext[i]);
		if (n > m && strcasecmp(s + n - m, ext[i]) == 0) {
			n -= m;
			s[n] = 0;
		}
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_'))
			s[i] = '_';
	}
	if (n == 0 || s[0] == '.') {
		char *t = xasprintf("capture%s", s);
		free(s);
		s = t;
	}
	return s;
}

/* Create dir/name exclusively; NULL (reported) when it exists or fails. */
static FILE *create_new(const char *dir, const char *name, FILE *log, char **path_out)
{
	char *path = xasprintf("%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	FILE *f;
	char pb[600];
	if (fd < 0) {
		if (errno == EEXIST)
			fprintf(log, "tlsdiag: %s already exists; not overwriting it\n",
				ui_sanitize_buf(path, pb, sizeof pb));
		else
			fprintf(log, "tlsdiag: cannot create %s: %s\n",
				ui_sanitize_buf(path, pb, sizeof pb), strerror(errno));
		free(path);
		return NULL;
	}
	f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		unlink(path);
		free(path);
		return NULL;
	}
	*path_out = path;
	return f;
}

/* Close and check; remove a half-written file. 0 ok, -1 failed. */
static int finish(FILE *f, char *path, int wrote_ok, FILE *log)
{
	int rc = wrote_ok;
	char pb[600];
	if (fclose(f) != 0)
		rc = -1;
	if (rc != 0) {
		fprintf(log, "tlsdiag: writing %s failed\n", ui_sanitize_buf(path, pb, sizeof pb));
		unlink(path);
	}
	free(path);
	return rc;
}

static int export_chain(const struct tls_chain *ch, const char *dir, const char *base,
			unsigned long long sid, const char *side, int der, FILE *log)
{
	int fails = 0;
	char *path, *name;
	FILE *f;

	for (size_t i = 0; i < ch->n; i++) {
		const struct cert_info *c = ch->certs[i];
		name = xasprintf("%s-s%llu-%s-%zu.%s", base, sid, side, i, der ? "der" : "pem");
		f = create_new(dir, name, log, &path);
		free(name);
		if (!f) {
			fails++;
			continue;
		}
		if (finish(f, path, der ? x509_write_der(f, c) : x509_write_pem(f, c), log))
			fails++;
	}
	for (int k = 0; k < 2; k++) {
		name = xasprintf("%s-s%llu-%s-chain.%s", base, sid, side, k ? "p7b" : "pem");
		f = create_new(dir, name, log, &path);
		free(name);
		if (!f) {
			fails++;
			continue;
		}
		if (finish(f, path,
			   cert_file_write(f, (const struct cert_info *const *)ch->certs, ch->n,
					   k ? CF_P7B : CF_PEM),
			   log))
			fails++;
	}
	return fails;
}

/* Export the chains of one session; returns the failures. */
static int export_session(const struct tls_session *s, const char *path, const char *dir, int der,
			  FILE *log)
{
	char *base = file_base(path);
	int fails = 0;

	for (int side = SIDE_SERVER; side >= SIDE_CLIENT; side--) {
		const struct tls_chain *ch = &s->chain[side];
		if (!ch->present || ch->n == 0)
			continue;
		fails += export_chain(ch, dir, base, (unsigned long long)s->id, side_str(side), der,
				      log);
	}
	free(base);
	return fails;
}

static int prepare_dir(const char *dir, FILE *log)
{
	char db[600];
	if (make_dirs(dir) != 0) {
		fprintf(log, "tlsdiag: cannot create directory %s: %s\n",
			ui_sanitize_buf(dir, db, sizeof db), strerror(errno));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ as a sink */

struct xstate {
	char *dir;
	int der;
	FILE *log;
	int dir_ok; /* -1 unknown, 0 failed, 1 ready */
	int fails;
};

static void x_begin(void *st, const struct ui_opts *o)
{
	(void)st;
	(void)o;
}

/* The directory is made when the first file arrives, with or without a
 * certificate in it. */
static int x_ready(struct xstate *x)
{
	if (x->dir_ok < 0)
		x->dir_ok = prepare_dir(x->dir, x->log) == 0;
	return x->dir_ok;
}

static void x_session(void *st, const struct sink_file *file, const struct session_report *r)
{
	struct xstate *x = st;
	if (x_ready(x) && r->s)
		x->fails += export_session(r->s, file->path, x->dir, x->der, x->log);
}

static void x_file_end(void *st, const struct sink_file *file, const struct file_report *fr)
{
	(void)file;
	(void)fr;
	x_ready(st);
}

static void x_end(void *st, const struct run_summary *sum)
{
	struct xstate *x = st;
	(void)sum;
	if (x->fails)
		fprintf(x->log, "tlsdiag: --export-certs: %d file%s not written\n", x->fails,
			x->fails == 1 ? "" : "s");
}

static void x_free(void *st)
{
	struct xstate *x = st;
	if (!x)
		return;
	free(x->dir);
	free(x);
}

static const struct sink_ops export_ops = {
	.name = "export",
	.begin = x_begin,
	.session = x_session,
	.file_end = x_file_end,
	.end = x_end,
	.free = x_free,
};

struct sink sink_export_new(const char *dir, int der, FILE *log)
{
	struct xstate *x = xcalloc(1, sizeof *x);
	x->dir = xstrdup(dir);
	x->der = der;
	x->log = log;
	x->dir_ok = -1;
	return (struct sink){ &export_ops, x };
}

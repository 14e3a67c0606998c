/*
 * view_cert.c - one certificate laid out for reading (every field of
 * struct cert_info, dissect/cert.h), its status in the chain it came in,
 * the findings that name it (and its chain) with their advice, the
 * SHA-256 and SHA-1 fingerprints as `openssl x509 -fingerprint` prints
 * them; and exporting it (e) or its whole presented chain (E), as PEM or
 * DER, to a path asked for on the status line.
 *
 * Export never replaces a file silently: the file is created with O_EXCL,
 * and only a "y" to "overwrite?" truncates an existing one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "capture/xalloc.h"
#include "dissect/x509.h"
#include "rules/facts.h"
#include "ui/text/text.h"
#include "ui/report/report.h"
#include "ui/tui/core.h"
#include "ui/tui/draw.h"
#include "ui/tui/views.h"

struct certv {
	struct session_report *r;
	int side, idx; /* idx -1: not from the presented chain */
	const struct cert_info *c;
};

enum {
	IT_TOP = 1,
	IT_FP = 50,
	IT_FIND = 100,
	IT_FIELD = 1000,
};

/* ------------------------------------------------------------ fields */

static void kv(struct doc *d, int item, const char *k, int role, const char *v)
{
	doc_line(d, item);
	doc_putf(d, RL_DIM, "  %-18s ", k);
	doc_wrap(d, item, role, v, 21, 1);
}

static void kv_wire(struct doc *d, int item, const char *k, const char *v)
{
	char *s = ui_sanitize(v ? v : "");
	kv(d, item, k, RL_NORMAL, s);
	free(s);
}

static void strlist_rows(struct doc *d, int item, const char *k, const char *prefix,
			 const struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		char *s = ui_sanitize(l->v[i] ? l->v[i] : "");
		char *b = xasprintf("%s%s", prefix, s);
		kv(d, item, i == 0 ? k : "", RL_NORMAL, b);
		free(b);
		free(s);
	}
}

static void dn_rows(struct doc *d, int item, const char *k, const struct dn *dn)
{
	kv_wire(d, item, k, dn->rfc4514 && dn->rfc4514[0] ? dn->rfc4514 : "(empty)");
	for (size_t i = 0; i < dn->nattrs; i++) {
		const struct dn_attr *a = &dn->attrs[i];
		char *v = ui_sanitize(a->value ? a->value : "");
		char *n = ui_sanitize(a->name ? a->name : a->oid);
		doc_line(d, item);
		doc_putf(d, RL_DIM, "  %-18s ", "");
		doc_putf(d, RL_DIM, "%-6s ", n);
		doc_wrap(d, item, RL_NORMAL, v, 28, 1);
		free(v);
		free(n);
	}
}

static void hex_rows(struct doc *d, int item, const char *k, const uint8_t *p, size_t n)
{
	char *b = xcalloc(n * 3 + 1, 1);
	tui_hex_colons(p, n, b, n * 3 + 1);
	kv(d, item, k, RL_NORMAL, b);
	free(b);
}

/* A fingerprint on its own line(s), as openssl prints it, split in two
 * halves when the window is too narrow for one line. */
static void fingerprint(struct doc *d, int item, const char *name, const uint8_t *p, size_t n)
{
	char b[200];
	tui_hex_colons(p, n, b, sizeof b);
	doc_line(d, item);
	doc_putf(d, RL_DIM, "  %s fingerprint", name);
	if ((int)strlen(b) + 4 <= d->width - 1) {
		doc_line(d, item);
		doc_put(d, RL_BOLD, "    ");
		doc_put(d, RL_BOLD, b);
	} else {
		size_t half = (n / 2) * 3;
		doc_line(d, item);
		doc_putf(d, RL_BOLD, "    %.*s", (int)half, b);
		doc_line(d, item);
		doc_putf(d, RL_BOLD, "    %s", b + half);
	}
}

static void cert_findings(struct tui *t, struct doc *d, const struct certv *C)
{
	const struct session_report *r = C->r;
	size_t shown = 0;
	char sb[4096];
	(void)t;
	if (!r || C->side < 0)
		return;
	/* Findings naming this certificate first, then its chain's. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < r->nf; k++) {
			const struct finding *f = &r->f[k];
			int mine = C->idx >= 0 && f->side == C->side && f->cert == C->idx;
			int chainwide = f->side == C->side && f->cert < 0;
			if (pass == 0 ? !mine : !chainwide)
				continue;
			if (!shown++) {
				doc_blank(d, IT_FIND - 1);
				doc_line(d, IT_FIND - 1);
				doc_put(d, RL_HEAD,
					"Findings about this certificate and its chain");
			}
			doc_line(d, IT_FIND + (int)k);
			doc_putf(d, tui_sev_role(f->sev), "  %-7s ", severity_str(f->sev));
			doc_put(d, RL_BOLD, f->id);
			doc_putf(d, RL_DIM, " (%s; %s)", basis_str(f->basis),
				 pass == 0 ? "this certificate" : "the chain");
			if (f->message && f->message[0]) {
				doc_line(d, IT_FIND + (int)k);
				doc_put(d, RL_NORMAL, "          ");
				doc_wrap(d, IT_FIND + (int)k, RL_NORMAL,
					 tui_s(f->message, sb, sizeof sb), 10, 1);
			}
			if (f->advice && f->advice[0]) {
				doc_line(d, IT_FIND + (int)k);
				doc_put(d, RL_OK, "          Fix: ");
				doc_wrap(d, IT_FIND + (int)k, RL_NORMAL,
					 tui_s(f->advice, sb, sizeof sb), 15, 1);
			}
		}
	}
}

static void cert_open(struct tui *t, struct view *v)
{
	struct certv *C = v->priv;
	const struct cert_info *c = C->c;
	struct doc *d = &v->doc;
	int had = d->n > 0, item = had && v->cur < d->n ? d->l[v->cur].item : 0;
	int off = (int)(v->cur - v->top);
	char b[1024], nb[32], na[32];
	time_t judged = 0;

	doc_free(d);
	d->width = t->cols;
	v->header_rows = 1;
	if (C->r)
		judged = report_judged_at(C->r);

	/* What matters first: who it is, who signed it, how it stands. */
	if (c->parse_ok) {
		kv_wire(d, IT_TOP, "Subject",
			c->subject.rfc4514 && c->subject.rfc4514[0] ? c->subject.rfc4514
								    : "(empty)");
		kv_wire(d, IT_TOP + 1, "Issuer",
			c->issuer.rfc4514 && c->issuer.rfc4514[0] ? c->issuer.rfc4514 : "(empty)");
	} else {
		kv(d, IT_TOP, "Cannot be decoded", RL_ERR, "");
		doc_wrap(d, IT_TOP, RL_ERR,
			 tui_s(c->parse_error ? c->parse_error : "unknown reason", b, sizeof b), 21,
			 1);
	}
	if (C->r && C->idx >= 0) {
		const struct chain_view *cv = &C->r->chain[C->side];
		doc_line(d, IT_TOP + 2);
		doc_putf(d, RL_DIM, "  %-18s ", "Status");
		if (cv->present && cv->status && (size_t)C->idx < cv->n) {
			doc_put(d, tui_status_role(cv->status[C->idx]),
				cert_status_str(cv->status[C->idx]));
			if (cv->problems && cv->problems[C->idx] > 0)
				doc_putf(d, RL_ERR, ", %d problem%s", cv->problems[C->idx],
					 cv->problems[C->idx] == 1 ? "" : "s");
		} else {
			doc_put(d, RL_DIM, "not checked");
		}
		snprintf(b, sizeof b, "; [%d] of the %s chain of session %llu", C->idx,
			 side_str(C->side), (unsigned long long)C->r->s->id);
		doc_wrap(d, IT_TOP + 2, RL_NORMAL, b, 21, 1);
	} else if (C->idx < 0) {
		kv(d, IT_TOP + 2, "Status", RL_OK, "from the trust store (completes the path)");
	}
	if (c->parse_ok) {
		snprintf(b, sizeof b, "%s to %s", cert_date_text(c, 0, ui_when_s, nb, sizeof nb),
			 cert_date_text(c, 1, ui_when_s, na, sizeof na));
		kv(d, IT_TOP + 3, "Valid", RL_NORMAL, b);
		if (judged) {
			struct cert_validity cv = cert_validity(c, judged);
			if (cv.state == VALIDITY_UNKNOWN)
				snprintf(b, sizeof b, "validity at the capture not known");
			else if (cv.state == NOT_YET_VALID)
				snprintf(b, sizeof b,
					 "not yet valid at the capture: starts %ld days later",
					 cv.days);
			else if (cv.state == EXPIRED)
				snprintf(b, sizeof b, "expired %ld days before the capture",
					 cv.days);
			else
				snprintf(b, sizeof b, "%ld days left at the capture", cv.days);
			kv(d, IT_TOP + 3, "",
			   cv.state == VALIDITY_UNKNOWN ? RL_WARN
			   : cv.state != VALID		? RL_ERR
							: RL_NORMAL,
			   b);
		}
		/* How it decoded, where it is unusual. */
		struct cert_remark rm[CERT_REMARKS_MAX];
		size_t nrm = cert_remarks(c, rm, CERT_REMARKS_MAX);
		for (size_t i = 0; i < nrm; i++) {
			kv(d, IT_TOP + 4, i ? "" : "Decoding", rm[i].warn ? RL_WARN : RL_NORMAL,
			   "");
			doc_wrap(d, IT_TOP + 4, rm[i].warn ? RL_WARN : RL_NORMAL,
				 tui_s(rm[i].text, b, sizeof b), 21, 1);
		}
	}
	fingerprint(d, IT_FP, "SHA-256", c->sha256, sizeof c->sha256);

	cert_findings(t, d, C);

	/* Every field, for reading. */
	doc_blank(d, IT_FIELD - 1);
	doc_line(d, IT_FIELD - 1);
	doc_put(d, RL_HEAD, "Fields");
	if (c->parse_ok) {
		const char *kt = ui_key_type_str(c->key_type);
		dn_rows(d, IT_FIELD, "Subject", &c->subject);
		dn_rows(d, IT_FIELD + 1, "Issuer", &c->issuer);
		if (c->version)
			snprintf(b, sizeof b, "%d", c->version);
		else
			snprintf(b, sizeof b, "field holds %ld (not v1-v3)", c->version_num);
		kv(d, IT_FIELD + 2, "Version", c->version ? RL_NORMAL : RL_WARN, b);
		kv_wire(d, IT_FIELD + 3, "Serial",
			c->serial_hex && c->serial_hex[0] ? c->serial_hex : "(empty)");
		kv(d, IT_FIELD + 4, "Not before", c->not_before_bad ? RL_WARN : RL_NORMAL,
		   cert_date_text(c, 0, ui_when_s, nb, sizeof nb));
		kv(d, IT_FIELD + 5, "Not after", c->not_after_bad ? RL_WARN : RL_NORMAL,
		   cert_date_text(c, 1, ui_when_s, na, sizeof na));
		if (!kt)
			snprintf(b, sizeof b, "unknown key type");
		else if (c->key_type == KEY_ED25519 || c->key_type == KEY_ED448)
			snprintf(b, sizeof b, "%s", kt);
		else if (c->key_curve) {
			char cb[128];
			snprintf(b, sizeof b, "%s %d bits (%s)", kt, c->key_bits,
				 tui_s(c->key_curve, cb, sizeof cb));
		} else
			snprintf(b, sizeof b, "%s %d bits", kt, c->key_bits);
		kv(d, IT_FIELD + 6, "Public key", RL_NORMAL, b);
		{
			char sa[256], so[256];
			snprintf(b, sizeof b, "%s%s%s%s%s%s",
				 tui_s(c->sig_alg ? c->sig_alg : "unknown", sa, sizeof sa),
				 c->sig_alg_oid ? " (" : "",
				 c->sig_alg_oid ? tui_s(c->sig_alg_oid, so, sizeof so) : "",
				 c->sig_alg_oid ? ")" : "", c->sig_sha1 ? "  weak: SHA-1/MD5" : "",
				 c->sig_known ? "" : "  not checked");
			kv(d, IT_FIELD + 7, "Signature", c->sig_sha1 ? RL_WARN : RL_NORMAL, b);
		}
		if (c->has_san) {
			if (!c->san_dns.n && !c->san_ip.n && !c->san_email.n && !c->san_uri.n)
				kv(d, IT_FIELD + 8, "Subject alt names", RL_WARN, "(empty)");
			strlist_rows(d, IT_FIELD + 8, "Subject alt names", "DNS:", &c->san_dns);
			strlist_rows(d, IT_FIELD + 8, c->san_dns.n ? "" : "Subject alt names",
				     "IP:", &c->san_ip);
			strlist_rows(d, IT_FIELD + 8,
				     c->san_dns.n || c->san_ip.n ? "" : "Subject alt names",
				     "email:", &c->san_email);
			strlist_rows(d, IT_FIELD + 8,
				     c->san_dns.n || c->san_ip.n || c->san_email.n
					     ? ""
					     : "Subject alt names",
				     "URI:", &c->san_uri);
			snprintf(b, sizeof b, "%zu characters, extension %zu bytes",
				 c->san_text_len, c->san_der_len);
			kv(d, IT_FIELD + 9, "SAN length", RL_NORMAL, b);
		} else {
			kv(d, IT_FIELD + 8, "Subject alt names", RL_DIM, "(no extension)");
		}
		if (c->has_eku) {
			struct dbuf eb;
			dbuf_init(&eb, DBUF_TEXT_MAX);
			for (size_t i = 0; i < c->eku_names.n; i++) {
				char nb2[200];
				dbuf_addf(&eb, "%s%s", i ? ", " : "",
					  tui_s(c->eku_names.v[i], nb2, sizeof nb2));
			}
			kv(d, IT_FIELD + 10, "Extended key usage", RL_NORMAL,
			   eb.len ? dbuf_str(&eb) : "(empty)");
			dbuf_free(&eb);
			strlist_rows(d, IT_FIELD + 10, "", "", &c->eku_oids);
		} else {
			kv(d, IT_FIELD + 10, "Extended key usage", RL_DIM,
			   "(no extension: any usage)");
		}
		if (c->has_key_usage) {
			const char *names[9];
			size_t n = ui_key_usage_names(c->key_usage, names);
			struct dbuf kb;
			dbuf_init(&kb, DBUF_TEXT_MAX);
			for (size_t i = 0; i < n; i++)
				dbuf_addf(&kb, "%s%s", i ? ", " : "", names[i]);
			kv(d, IT_FIELD + 11, "Key usage", RL_NORMAL, n ? dbuf_str(&kb) : "(none)");
			dbuf_free(&kb);
		} else {
			kv(d, IT_FIELD + 11, "Key usage", RL_DIM, "(no extension)");
		}
		if (c->has_basic_constraints) {
			if (c->is_ca && c->path_len >= 0)
				snprintf(b, sizeof b, "CA:TRUE, pathlen %d", c->path_len);
			else
				snprintf(b, sizeof b, "CA:%s", c->is_ca ? "TRUE" : "FALSE");
			kv(d, IT_FIELD + 12, "Basic constraints", RL_NORMAL, b);
		} else {
			kv(d, IT_FIELD + 12, "Basic constraints", RL_DIM, "(no extension)");
		}
		if (c->ski)
			hex_rows(d, IT_FIELD + 13, "Subject key id", c->ski, c->ski_len);
		if (c->aki)
			hex_rows(d, IT_FIELD + 14, "Authority key id", c->aki, c->aki_len);
		strlist_rows(d, IT_FIELD + 15, "CRL distribution", "", &c->crl_dp);
		strlist_rows(d, IT_FIELD + 16, "OCSP", "", &c->ocsp);
		strlist_rows(d, IT_FIELD + 17, "CA issuers (AIA)", "", &c->ca_issuers);
		strlist_rows(d, IT_FIELD + 18, "Policies", "", &c->policies);
		kv(d, IT_FIELD + 19, "Self-issued", RL_NORMAL,
		   c->self_issued ? "yes (subject = issuer)" : "no");
		if (c->spki_der_len) {
			snprintf(b, sizeof b, "%zu bytes", c->spki_der_len);
			kv(d, IT_FIELD + 20, "Public key info", RL_NORMAL, b);
		}
		for (size_t i = 0; i < c->n_exts; i++) {
			char xb[512];
			const struct cert_ext *x = &c->exts[i];
			kv(d, IT_FIELD + 24, i ? "" : "Extensions",
			   x->duplicate || (x->critical && !x->handled) ? RL_WARN : RL_NORMAL,
			   tui_s(cert_ext_text(x, xb, sizeof xb), b, sizeof b));
		}
	}
	snprintf(b, sizeof b, "%zu bytes", c->der_len);
	kv(d, IT_FIELD + 21, "DER", RL_NORMAL, b);
	fingerprint(d, IT_FIELD + 22, "SHA-256", c->sha256, sizeof c->sha256);
	fingerprint(d, IT_FIELD + 23, "SHA-1", c->sha1, sizeof c->sha1);

	v->nlines = d->n;
	if (had)
		tui_doc_rebuilt(t, v, item, off, had);
	else
		v->cur = v->top = 0;
}

static void cert_header(struct tui *t, struct view *v)
{
	struct certv *C = v->priv;
	const char *cn = cert_cn(C->c);
	char b[700], sb[400];
	if (C->r && C->idx >= 0)
		snprintf(b, sizeof b, "Certificate [%d] of the %s chain, session %llu: %s", C->idx,
			 side_str(C->side), (unsigned long long)C->r->s->id,
			 cn ? tui_s(cn, sb, sizeof sb) : "(no CN)");
	else
		snprintf(b, sizeof b, "Certificate from the trust store: %s",
			 cn ? tui_s(cn, sb, sizeof sb) : "(no CN)");
	tui_title(t, 0, b);
}

static int cert_handle(struct tui *t, struct view *v, enum ui_action a)
{
	struct certv *C = v->priv;
	switch (a) {
	case ACT_EXPORT: tui_export(t, C->r, C->side, C->idx, C->c, 0); return 1;
	case ACT_EXPORT_CHAIN: tui_export(t, C->r, C->side, C->idx, C->c, 1); return 1;
	case ACT_OPEN: return 1;
	default: return 0;
	}
}

static void cert_close(struct view *v)
{
	doc_free(&v->doc);
	free(v->priv);
	v->priv = NULL;
}

const struct view_ops tui_cert_ops = {
	"certificate",	   SCR_CERT,	cert_open,	   cert_header,
	tui_doc_draw_line, cert_handle, tui_doc_line_text, cert_close,
};

void tui_open_cert(struct tui *t, struct session_report *r, int side, int idx,
		   const struct cert_info *c)
{
	struct certv *C;
	if (!c && r && idx >= 0 && side >= 0 && (size_t)idx < r->s->chain[side].n)
		c = r->s->chain[side].certs[idx];
	if (!c)
		return;
	C = xcalloc(1, sizeof *C);
	C->r = r;
	C->side = side;
	C->idx = idx;
	C->c = c;
	tui_push(t, &tui_cert_ops, C);
}

/* ------------------------------------------------------------ export */

struct export
{
	const struct cert_info **certs;
	size_t n;
	int chain;
	char path[1024];
};

static int has_ext(const char *p, const char *ext)
{
	size_t n = strlen(p), m = strlen(ext);
	return n >= m && strcasecmp(p + n - m, ext) == 0;
}

/* A file name from the subject CN: letters, digits, '.', '-', '_' only. */
static void default_name(const struct cert_info *c, int chain, char *buf, size_t len)
{
	const char *cn = cert_cn(c);
	char safe[80];
	size_t o = 0;
	if (cn)
		for (const char *p = cn; *p && o + 1 < sizeof safe; p++) {
			char ch = *p;
			int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				 (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_';
			safe[o++] = ok ? ch : '_';
		}
	safe[o] = 0;
	while (safe[0] == '.') /* no hidden files, no ".." */
		memmove(safe, safe + 1, strlen(safe));
	if (!safe[0])
		snprintf(safe, sizeof safe, "cert-%.16s", c->sha256_hex);
	snprintf(buf, len, "./%s%s.pem", safe, chain ? "-chain" : "");
}

static void export_free(struct export *e)
{
	if (!e)
		return;
	free(e->certs);
	free(e);
}

/* Tab in the prompt: a certificate PEM <-> DER, a chain PEM bundle <->
 * PKCS#7 (.p7b). */
static void toggle_format(struct tui *t, void *ctx)
{
	const struct export *e = ctx;
	const char *other = e && e->chain ? ".p7b" : ".der";
	char *b = t->prompt.buf;
	size_t n = strlen(b);
	if (has_ext(b, ".pem"))
		memcpy(b + n - 4, other, 4);
	else if (has_ext(b, other))
		memcpy(b + n - 4, ".pem", 4);
	else if (n + 4 < sizeof t->prompt.buf)
		strcat(b, ".pem");
	t->prompt.len = strlen(b);
}

static void write_export(struct tui *t, struct export *e, int overwrite)
{
	enum cert_file_format fmt = cert_file_format_of(e->path);
	static const char *const fmt_name[] = { "PEM", "DER", "PKCS#7" };
	int fd;
	FILE *f;
	char pb[600], fp[100];
	int bad = 0;

	tui_s(e->path, pb, sizeof pb);
	if (fmt == CF_DER && e->n > 1) {
		/* Nothing reads concatenated DER back as a chain. */
		tui_message(t, RL_ERR,
			    "a chain is written as PEM (.pem) or PKCS#7 (.p7b), not DER: "
			    "%s not written",
			    pb);
		return;
	}
	fd = open(e->path, O_WRONLY | O_CREAT | (overwrite ? O_TRUNC : O_EXCL) | O_CLOEXEC, 0644);
	if (fd < 0) {
		tui_message(t, RL_ERR, "cannot write %s: %s", pb, strerror(errno));
		return;
	}
	f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		tui_message(t, RL_ERR, "cannot write %s: %s", pb, strerror(errno));
		return;
	}
	if (cert_file_write(f, e->certs, e->n, fmt) != 0)
		bad = 1;
	if (fclose(f) != 0)
		bad = 1;
	if (bad) {
		tui_message(t, RL_ERR, "writing %s failed: %s", pb,
			    errno ? strerror(errno) : "a certificate has no DER");
		return;
	}
	if (e->chain)
		tui_message(t, RL_OK, "wrote %zu certificate%s (%s) to %s", e->n,
			    e->n == 1 ? "" : "s", fmt_name[fmt], pb);
	else
		tui_message(t, RL_OK, "wrote %s (%s), SHA-256 %s", pb, fmt_name[fmt],
			    tui_hex_colons(e->certs[0]->sha256, 4, fp, sizeof fp));
}

static void export_confirm(struct tui *t, int yes, const char *text, void *ctx)
{
	struct export *e = ctx;
	(void)text;
	if (yes)
		write_export(t, e, 1);
	else
		tui_message(t, RL_NORMAL, "not exported: the existing file is kept");
	export_free(e);
}

static void export_path(struct tui *t, int ok, const char *text, void *ctx)
{
	struct export *e = ctx;
	char pb[600], q[700];

	if (!ok || !text[0]) {
		tui_message(t, RL_NORMAL, "export cancelled");
		export_free(e);
		return;
	}
	if (text[0] == '~' && text[1] == '/' && getenv("HOME"))
		snprintf(e->path, sizeof e->path, "%s%s", getenv("HOME"), text + 1);
	else
		snprintf(e->path, sizeof e->path, "%s", text);
	if (access(e->path, F_OK) == 0) {
		snprintf(q, sizeof q, "%s exists. Overwrite? (y/N)", tui_s(e->path, pb, sizeof pb));
		tui_ask(t, q, export_confirm, e);
		return;
	}
	write_export(t, e, 0);
	export_free(e);
}

void tui_export(struct tui *t, const struct session_report *r, int side, int idx,
		const struct cert_info *c, int chain)
{
	struct export *e;
	char path[1024], label[160];

	if (chain && (!r || side < 0 || idx < 0)) {
		tui_message(t, RL_NORMAL,
			    "this certificate is not part of a presented chain: e exports it");
		return;
	}
	e = xcalloc(1, sizeof *e);
	e->chain = chain;
	if (chain) {
		const struct tls_chain *ch = &r->s->chain[side];
		e->n = ch->n;
		e->certs = xcalloc(ch->n ? ch->n : 1, sizeof *e->certs);
		for (size_t i = 0; i < ch->n; i++)
			e->certs[i] = ch->certs[i];
		/* Named after the leaf, as the chain is. */
		if (ch->n)
			c = ch->certs[0];
		snprintf(label, sizeof label,
			 "Export the %s chain (%zu certificates) to (Tab: PEM/PKCS#7):",
			 side_str(side), ch->n);
	} else {
		e->n = 1;
		e->certs = xcalloc(1, sizeof *e->certs);
		e->certs[0] = c;
		snprintf(label, sizeof label, "Export certificate to (Tab: PEM/DER):");
	}
	if (!c || e->n == 0) {
		tui_message(t, RL_NORMAL, "nothing to export");
		export_free(e);
		return;
	}
	default_name(c, chain, path, sizeof path);
	tui_prompt(t, label, path, export_path, e);
	t->prompt.tab = toggle_format;
}

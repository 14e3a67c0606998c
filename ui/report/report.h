/*
 * report.h - what ui/report owns: the reports a batch run writes, each a
 * sink (ui/sink.h) that only draws what the rules decided: the text report
 * (plain.c), NDJSON (json.c, docs/json.md), the HTML page (html.c) and the
 * certificate export (export.c, in the formats of certfile.c); and `tlsdiag --streams`, the reassembly
 * figures of each flow (streams.c).
 */
#ifndef TLSDIAG_REPORT_H
#define TLSDIAG_REPORT_H

#include <stdio.h>

#include "capture/tcp.h"
#include "ui/sink.h"

/* The text report (what a pipe gets by default) on `out`. */
struct sink sink_text_new(FILE *out, const struct ui_opts *o);
/* One JSON object per session, then the summary, on `out`. */
struct sink sink_json_new(FILE *out, const struct ui_opts *o);
/* One self-contained HTML page, written to `path` at the end. */
struct sink sink_html_new(const char *path, const struct ui_opts *o);
/* Each session's presented chains written under dir as PEM (or DER);
 * messages (and refusals to overwrite) go to log. */
struct sink sink_export_new(const char *dir, int der, FILE *log);

/* Certificates in a file (certfile.c): one as PEM or DER; a chain as a
 * PEM bundle or PKCS#7 (.p7b, DER, as `openssl crl2pkcs7 -nocrl` writes). */
struct cert_info;
struct dbuf;
enum cert_file_format { CF_PEM = 0, CF_DER, CF_P7B };
/* By the name's extension: .p7b/.p7c PKCS#7, .der/.cer DER, else PEM. */
enum cert_file_format cert_file_format_of(const char *path);
/* Write certs (n >= 1; DER takes exactly one). 0, or -1 (a certificate
 * without DER, DER asked for several, a write error). */
int cert_file_write(FILE *f, const struct cert_info *const *certs, size_t n,
		    enum cert_file_format fmt);
/* The PKCS#7 bytes of certs appended to b. 0 or -1. */
int cert_p7b(struct dbuf *b, const struct cert_info *const *certs, size_t n);

/* `tlsdiag --streams`: print the reassembly report of each file to `out`;
 * with dump_dir, also write each direction's delivered bytes to
 * DIR/<base>.flow<ID>.c2s|s2c. Returns the exit status (0, or 2 when no
 * file could be read). */
int streams_run(char **files, int nfiles, const struct tcp_config *cfg, const char *dump_dir,
		FILE *out);

#endif

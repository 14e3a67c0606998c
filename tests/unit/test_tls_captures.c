/*
 * test_tls_captures.c - the dissector against an independent decoder.
 *
 * For every capture in tests/captures/tls/ the expected file was written
 * by make-tls-captures.sh from tshark (messages, hello fields, JA3) and
 * openssl (each certificate's fields and fingerprints); nothing in it
 * comes from tlsdiag. We dissect the capture and compare.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "capture/xalloc.h"
#include "dissect/certcache.h"
#include "dissect/tls.h"
#include "dissect/x509.h"
#include "tests/unit/t.h"

/* ---- expected file: sections of key=value lines ---- */

struct kv {
	char *k, *v;
};
struct section {
	char name[64];
	struct kv *kv;
	size_t n, cap;
	char **lines; /* for [messages] */
	size_t nl, capl;
};
struct expect {
	struct section *s;
	size_t n, cap;
};

static void load_expect(const char *path, struct expect *e)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	memset(e, 0, sizeof *e);
	if (f == NULL)
		return;
	struct section *cur = NULL;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] == '#' || line[0] == 0)
			continue;
		if (line[0] == '[') {
			struct section sec = { 0 };
			snprintf(sec.name, sizeof sec.name, "%.*s", (int)strcspn(line + 1, "]"),
				 line + 1);
			VEC_PUSH(e->s, e->n, e->cap, sec);
			cur = &e->s[e->n - 1];
			continue;
		}
		if (cur == NULL)
			continue;
		if (strcmp(cur->name, "messages") == 0) {
			char *l = xstrdup(line);
			VEC_PUSH(cur->lines, cur->nl, cur->capl, l);
			continue;
		}
		char *eq = strchr(line, '=');
		if (eq == NULL)
			continue;
		struct kv kv = { xstrndup(line, (size_t)(eq - line)), xstrdup(eq + 1) };
		VEC_PUSH(cur->kv, cur->n, cur->cap, kv);
	}
	fclose(f);
}

static void free_expect(struct expect *e)
{
	for (size_t i = 0; i < e->n; i++) {
		for (size_t k = 0; k < e->s[i].n; k++) {
			free(e->s[i].kv[k].k);
			free(e->s[i].kv[k].v);
		}
		free(e->s[i].kv);
		for (size_t k = 0; k < e->s[i].nl; k++)
			free(e->s[i].lines[k]);
		free(e->s[i].lines);
	}
	free(e->s);
}

static const char *get(const struct section *s, const char *k)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (strcmp(s->kv[i].k, k) == 0)
			return s->kv[i].v;
	return NULL;
}

static const struct section *nth(const struct expect *e, const char *name, size_t idx)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->s[i].name, name) == 0 && idx-- == 0)
			return &e->s[i];
	return NULL;
}

/* ---- our side ---- */

static struct tls_session *got;

static void emit(void *ctx, struct tls_session *s)
{
	(void)ctx;
	if (got)
		tls_session_free(got);
	got = s;
}

static struct tls_session *dissect(const char *path, struct cert_cache *cc)
{
	got = NULL;
	struct tls_dissector *d = tls_dissector_new(cc, path, emit, NULL);
	struct tcp_handler h = tls_dissector_handler(d);
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	struct tcp_table *t = tcp_table_new(&cfg, &h);
	struct capture_result r;
	capture_run_file(path, t, NULL, &r);
	tcp_table_finish(t);
	tcp_table_free(t);
	tls_dissector_free(d);
	return got;
}

static void hexlist16(const struct u16list *l, char *out, size_t n)
{
	size_t o = 0;
	out[0] = 0;
	for (size_t i = 0; i < l->n && o + 6 < n; i++)
		o += (size_t)snprintf(out + o, n - o, "%s%04x", i ? "," : "", l->v[i]);
}

static void declist16(const struct u16list *l, char *out, size_t n)
{
	size_t o = 0;
	out[0] = 0;
	for (size_t i = 0; i < l->n && o + 7 < n; i++)
		o += (size_t)snprintf(out + o, n - o, "%s%u", i ? "," : "", l->v[i]);
}

/* "AB:CD:.." -> "abcd.." */
static void fp_norm(const char *in, char *out)
{
	size_t o = 0;
	for (; *in; in++)
		if (*in != ':')
			out[o++] = (char)tolower((unsigned char)*in);
	out[o] = 0;
}

/* What we call a ladder entry, in the expected file's words. */
static void ladder_word(const struct tls_session *s, const struct ladder_entry *e, char *w,
			size_t n)
{
	static const char *const hs[] = {
		[1] = "client_hello",
		[2] = "server_hello",
		[4] = "new_session_ticket",
		[8] = "encrypted_extensions",
		[11] = "certificate",
		[12] = "server_key_exchange",
		[13] = "certificate_request",
		[14] = "server_hello_done",
		[15] = "certificate_verify",
		[16] = "client_key_exchange",
		[20] = "finished",
		[22] = "certificate_status",
	};
	switch (e->kind) {
	case LAD_HANDSHAKE:
		snprintf(w, n, "%s",
			 e->type >= 0 && e->type <= 22 && hs[e->type] ? hs[e->type] : "?");
		break;
	case LAD_HRR: snprintf(w, n, "hello_retry_request"); break;
	case LAD_CCS: snprintf(w, n, "change_cipher_spec"); break;
	case LAD_ENCRYPTED_HS: snprintf(w, n, "encrypted_handshake"); break;
	case LAD_SSLV2_HELLO: snprintf(w, n, "sslv2_client_hello"); break;
	case LAD_ALERT: {
		const struct tls_alert *a = &s->alerts[e->type];
		if (a->encrypted)
			snprintf(w, n, "encrypted_alert");
		else
			snprintf(w, n, "alert level=%s desc=%s(%d)",
				 a->level == 2 ? "fatal" : "warning",
				 tls_alert_name(a->desc) ? tls_alert_name(a->desc) : "unknown",
				 a->desc);
		break;
	}
	default: snprintf(w, n, "-"); break;
	}
}

static void check_messages(const char *name, const struct expect *e, const struct tls_session *s)
{
	const struct section *m = nth(e, "messages", 0);
	size_t li = 0;
	if (m == NULL)
		return;
	int tls13 = s->tls13;
	for (size_t i = 0; i < s->n_ladder; i++) {
		const struct ladder_entry *le = &s->ladder[i];
		if (le->kind == LAD_APP_DATA || le->kind == LAD_GAP || le->incomplete)
			continue; /* tshark does not list a message it could not reassemble */
		if (tls13 && le->kind == LAD_ENCRYPTED_HS)
			continue; /* tshark calls those application_data */
		char w[128], want[256];
		ladder_word(s, le, w, sizeof w);
		snprintf(want, sizeof want, "frame=%llu dir=%s", (unsigned long long)le->frame,
			 le->side == SIDE_CLIENT ? "c2s" : "s2c");
		/* Next expected line that is not application data / clear text. */
		while (li < m->nl && (strstr(m->lines[li], "record=application_data") ||
				      strstr(m->lines[li], "record=cleartext")))
			li++;
		if (li >= m->nl) {
			fprintf(stderr, "%s: extra message %s %s\n", name, want, w);
			CHECK(0);
			return;
		}
		const char *l = m->lines[li++];
		const char *type = strstr(l, "type=");
		int ok = strncmp(l, want, strlen(want)) == 0 && type && strcmp(type + 5, w) == 0;
		if (!ok)
			fprintf(stderr, "%s: message %zu: expected \"%s\", got \"%s type=%s\"\n",
				name, li, l, want, w);
		CHECK(ok);
	}
	while (li < m->nl && (strstr(m->lines[li], "record=application_data") ||
			      strstr(m->lines[li], "record=cleartext")))
		li++;
	if (li != m->nl)
		fprintf(stderr, "%s: missing message \"%s\"\n", name, m->lines[li]);
	CHECK(li == m->nl);
}

static void check_hellos(const char *name, const struct expect *e, const struct tls_session *s)
{
	char buf[4096];
	const struct section *ch = nth(e, "client_hello", 0);
	if (ch) {
		CHECK(s->ch.present);
		hexlist16(&s->ch.ciphers, buf, sizeof buf);
		CHECK_EQ_STR(buf, get(ch, "cipher_suites"));
		declist16(&s->ch.extensions, buf, sizeof buf);
		char exp[4096];
		snprintf(exp, sizeof exp, "%s", get(ch, "extensions") ? get(ch, "extensions") : "");
		CHECK_EQ_STR(buf, exp);
		CHECK_EQ_STR(s->ch.sni ? s->ch.sni : "", get(ch, "sni"));
		hexlist16(&s->ch.sig_algs, buf, sizeof buf);
		CHECK_EQ_STR(buf, get(ch, "signature_algorithms"));
		hexlist16(&s->ch.groups, buf, sizeof buf);
		CHECK_EQ_STR(buf, get(ch, "supported_groups"));
		buf[0] = 0;
		for (size_t i = 0; i < s->ch.alpn.n; i++)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "",
				 s->ch.alpn.v[i]);
		CHECK_EQ_STR(buf, get(ch, "alpn"));
		buf[0] = 0;
		for (size_t i = 0; i < s->ch.versions.n; i++)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s0x%04x",
				 i ? "," : "", s->ch.versions.v[i]);
		CHECK_EQ_STR(buf, get(ch, "supported_versions"));
		CHECK_EQ_STR(s->ch.ja3_string, get(ch, "ja3_full"));
		CHECK_EQ_STR(s->ch.ja3, get(ch, "ja3"));
	}
	const struct section *sh = nth(e, "server_hello", 0);
	if (sh) {
		CHECK(s->sh.present);
		snprintf(buf, sizeof buf, "%04x", s->sh.cipher);
		CHECK_EQ_STR(buf, get(sh, "cipher_suite"));
		declist16(&s->sh.extensions, buf, sizeof buf);
		CHECK_EQ_STR(buf, get(sh, "extensions"));
		CHECK_EQ_STR(s->sh.alpn ? s->sh.alpn : "", get(sh, "alpn"));
	}
	const struct section *cap = nth(e, "capture", 0);
	const char *nv = get(cap, "negotiated_version");
	if (nv && *nv) {
		snprintf(buf, sizeof buf, "0x%04x", s->version);
		CHECK_EQ_STR(buf, nv);
	}
	const struct section *v2 = nth(e, "sslv2_client_hello", 0);
	if (v2) {
		CHECK(s->ch.sslv2);
		snprintf(buf, sizeof buf, "0x%04x", s->ch.legacy_version);
		CHECK_EQ_STR(buf, get(v2, "version"));
	}
	(void)name;
}

static void check_cert(const char *name, const struct section *c, const struct cert_info *ci)
{
	char buf[256], exp[256];
	fp_norm(get(c, "sha256"), exp);
	CHECK_EQ_STR(ci->sha256_hex, exp);
	fp_norm(get(c, "sha1"), exp);
	CHECK_EQ_STR(ci->sha1_hex, exp);
	CHECK_EQ_INT(ci->der_len, atoi(get(c, "der_length")));
	CHECK(ci->parse_ok);
	if (!ci->parse_ok) {
		fprintf(stderr, "%s: %s\n", name, ci->parse_error ? ci->parse_error : "?");
		return;
	}
	CHECK_EQ_STR(ci->subject.rfc4514, get(c, "subject_utf8"));
	CHECK_EQ_STR(ci->issuer.rfc4514, get(c, "issuer_utf8"));
	for (size_t i = 0; get(c, "serial")[i] && i < sizeof exp - 1; i++)
		exp[i] = (char)tolower((unsigned char)get(c, "serial")[i]), exp[i + 1] = 0;
	CHECK_EQ_STR(ci->serial_hex, exp);
	/* "2026-11-23 04:07:46Z" vs "2026-11-23T04:07:46Z" */
	snprintf(exp, sizeof exp, "%s", get(c, "not_before"));
	if (strlen(exp) > 10)
		exp[10] = 'T';
	CHECK_EQ_STR(ci->not_before_str, exp);
	snprintf(exp, sizeof exp, "%s", get(c, "not_after"));
	if (strlen(exp) > 10)
		exp[10] = 'T';
	CHECK_EQ_STR(ci->not_after_str, exp);
	CHECK_EQ_INT(ci->key_bits, atoi(get(c, "key_bits")));
	/* SAN: "DNS:a, DNS:b, IP Address:1.2.3.4" */
	buf[0] = 0;
	for (size_t i = 0; i < ci->san_dns.n; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%sDNS:%s",
			 buf[0] ? ", " : "", ci->san_dns.v[i]);
	for (size_t i = 0; i < ci->san_ip.n; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%sIP Address:%s",
			 buf[0] ? ", " : "", ci->san_ip.v[i]);
	const char *san = get(c, "san");
	char sanx[256] = "";
	if (san) { /* keep only DNS and IP entries, in order */
		char tmp[256];
		snprintf(tmp, sizeof tmp, "%s", san);
		for (char *tok = strtok(tmp, ","); tok; tok = strtok(NULL, ",")) {
			while (*tok == ' ')
				tok++;
			if (!strncmp(tok, "DNS:", 4) || !strncmp(tok, "IP Address:", 11))
				snprintf(sanx + strlen(sanx), sizeof sanx - strlen(sanx), "%s%s",
					 sanx[0] ? ", " : "", tok);
		}
	}
	CHECK_EQ_STR(buf, sanx);
	const char *eku = get(c, "eku");
	int want_srv = eku && strstr(eku, "TLS Web Server Authentication") != NULL;
	int want_cli = eku && strstr(eku, "TLS Web Client Authentication") != NULL;
	CHECK_EQ_INT(ci->eku_server_auth, want_srv);
	CHECK_EQ_INT(ci->eku_client_auth, want_cli);
	CHECK_EQ_INT(ci->has_eku, eku && *eku);
}

static void check_certs(const char *name, const struct expect *e, const struct tls_session *s)
{
	for (size_t i = 0;; i++) {
		const struct section *m = nth(e, "certificate", i);
		if (m == NULL)
			break;
		int side = strcmp(get(m, "side"), "client") == 0 ? SIDE_CLIENT : SIDE_SERVER;
		CHECK(s->chain[side].present);
		CHECK_EQ_INT(s->chain[side].n, atoi(get(m, "count")));
		CHECK_EQ_INT(s->chain[side].frame, atoi(get(m, "frame")));
	}
	for (size_t i = 0;; i++) {
		const struct section *c = nth(e, "cert", i);
		if (c == NULL)
			break;
		int side = strcmp(get(c, "side"), "client") == 0 ? SIDE_CLIENT : SIDE_SERVER;
		size_t idx = (size_t)atoi(get(c, "index"));
		CHECK(idx < s->chain[side].n);
		if (idx < s->chain[side].n)
			check_cert(name, c, s->chain[side].certs[idx]);
	}
	/* The damaged capture: every certificate intact in it decodes, before
	 * the gap and after it (issue 14 item 4), in sent order; the ones the
	 * gap cut are counted as lost. */
	size_t n_intact = 0, lost = 0;
	int any_original = 0;
	for (size_t i = 0;; i++) {
		const struct section *c = nth(e, "original_cert", i);
		if (c == NULL)
			break;
		any_original = 1;
		if (strcmp(get(c, "intact_in_damaged_capture"), "yes") != 0) {
			lost++;
			continue;
		}
		CHECK(n_intact < s->chain[SIDE_SERVER].n);
		if (n_intact < s->chain[SIDE_SERVER].n)
			check_cert(name, c, s->chain[SIDE_SERVER].certs[n_intact]);
		n_intact++;
	}
	if (any_original) {
		CHECK_EQ_INT(s->chain[SIDE_SERVER].n, n_intact);
		CHECK_EQ_INT(s->chain[SIDE_SERVER].lost, lost);
		CHECK_EQ_INT(s->chain[SIDE_SERVER].lost_exact, 1);
	}
	if (nth(e, "gap", 0)) {
		CHECK(!s->chain[SIDE_SERVER].complete);
		int gap_note = 0;
		for (size_t i = 0; i < s->n_notes; i++)
			gap_note |= s->notes[i].kind == NOTE_GAP && s->notes[i].in_handshake;
		CHECK(gap_note);
	}
	const struct section *cr = nth(e, "certificate_request", 0);
	if (cr) {
		CHECK(s->cr.present);
		CHECK_EQ_INT(s->cr.n_ca, atoi(get(cr, "ca_count")));
		for (size_t i = 0; i < s->cr.n_ca; i++) {
			char k[32], hex[4096] = "";
			snprintf(k, sizeof k, "ca.%zu.der", i);
			for (size_t b = 0; b < s->cr.ca_der_len[i] && 2 * b + 3 < sizeof hex; b++)
				snprintf(hex + 2 * b, 3, "%02x", s->cr.ca_der[i][b]);
			CHECK_EQ_STR(hex, get(cr, k));
		}
	}
}

/* The protected records of each side (first, last, how many, how many
 * before the peer's first) against tshark's record list: every
 * application_data record of a direction, in order. The dissector stops
 * reading a connection once both sides sent two of them, so only
 * captures with fewer are compared in full. */
static void check_protected(const char *name, const struct expect *e, const struct tls_session *s)
{
	const struct section *m = nth(e, "messages", 0);
	struct tls_protected want[2];
	if (m == NULL)
		return;
	memset(want, 0, sizeof want);
	for (size_t li = 0; li < m->nl; li++) {
		const char *l = m->lines[li], *ln = strstr(l, " length=");
		unsigned long long frame = 0;
		if (!strstr(l, "record=application_data") || !ln ||
		    sscanf(l, "frame=%llu", &frame) != 1)
			continue;
		int side = strstr(l, "dir=c2s") ? SIDE_CLIENT : SIDE_SERVER;
		struct tls_protected *p = &want[side];
		struct tls_record_seen r = { (uint32_t)atoi(ln + 8), 0, frame };
		if (p->n == 0) {
			p->first = r;
			want[1 - side].n_before_peer = want[1 - side].n;
		}
		p->last = r;
		p->n++;
	}
	for (int side = 0; side < 2; side++) {
		const struct tls_protected *g = &s->prot[side], *w = &want[side];
		int whole = want[0].n < 2 || want[1].n < 2;
		CHECK_EQ_INT(g->first.len, w->first.len);
		CHECK_EQ_INT(g->first.frame, w->first.frame);
		if (whole) {
			CHECK_EQ_INT(g->n, w->n);
			CHECK_EQ_INT(g->last.len, w->last.len);
			CHECK_EQ_INT(g->last.frame, w->last.frame);
		}
		if (want[1 - side].n)
			CHECK_EQ_INT(g->n_before_peer, w->n_before_peer);
		if (g->n && g->first.ts_ns == 0)
			fprintf(stderr, "%s: no time on the first protected record\n", name);
		CHECK(!g->n || g->first.ts_ns != 0);
	}
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/captures/tls/expected", top ? top : ".");
	DIR *dp = opendir(dir);
	CHECK(dp != NULL);
	if (dp == NULL)
		return t_done("tls_captures");
	struct dirent *de;
	int n = 0;
	while ((de = readdir(dp))) {
		size_t l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0)
			continue;
		char exp_path[8192], pcap[8192], name[256];
		snprintf(name, sizeof name, "%.*s", (int)(l - 4), de->d_name);
		snprintf(exp_path, sizeof exp_path, "%s/%s", dir, de->d_name);
		snprintf(pcap, sizeof pcap, "%s/tests/captures/tls/%s.pcap", top ? top : ".", name);
		struct expect e;
		load_expect(exp_path, &e);
		struct cert_cache *cc = certcache_new();
		struct tls_session *s = dissect(pcap, cc);
		int before = t_fail;
		CHECK(s != NULL);
		if (s) {
			check_messages(name, &e, s);
			check_hellos(name, &e, s);
			check_certs(name, &e, s);
			check_protected(name, &e, s);
			tls_session_free(s);
		}
		printf("%s %s\n", t_fail == before ? "ok" : "not ok", name);
		certcache_free(cc);
		free_expect(&e);
		n++;
	}
	closedir(dp);
	CHECK(n >= 10);
	return t_done("tls_captures");
}

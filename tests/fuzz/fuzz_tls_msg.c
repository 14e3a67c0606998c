/*
 * fuzz_tls_msg.c - the single-message parsers of dissect/tls_msg.h.
 *
 * Input: selector(1) body...  The selector picks the parser:
 *   0 ClientHello  1 SSLv2 hello  2 ServerHello  3 Certificate (whole)
 *   4 Certificate (partial, as after a gap)  5 CertificateRequest TLS 1.2
 *   6 CertificateRequest TLS 1.0/1.1  7 ServerKeyExchange (ECDHE group);
 * 4 also reads the body with a hole (tls_parse_certificate_holed): where
 * and how long from the last two bytes
 * (selector % 8). Whatever the result, the model must be self-consistent
 * (checked with abort(), so libFuzzer reports it) and free cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/cursor.h"
#include "capture/xalloc.h"
#include "dissect/certcache.h"
#include "dissect/session.h"
#include "dissect/tls_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void need(int cond)
{
	if (!cond)
		abort();
}

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* JA3 is 32 hex digits; JA4 is a_b_c with a 10 characters, b and c 12 hex. */
static void check_fingerprints(const struct tls_client_hello *ch)
{
	need(strlen(ch->ja3) == 32 && is_hex(ch->ja3, 32));
	need(ch->ja3_string != NULL);
	need(strlen(ch->ja4) == 36);
	need(ch->ja4[0] == 't' && ch->ja4[10] == '_' && ch->ja4[23] == '_');
	need(is_hex(ch->ja4 + 11, 12) && is_hex(ch->ja4 + 24, 12));
	for (size_t i = 0; i < ch->ciphers.n; i++)
		(void)tls_cipher_name(ch->ciphers.v[i]);
	for (size_t i = 0; i < ch->extensions.n; i++)
		(void)tls_ext_name(ch->extensions.v[i]);
	for (size_t i = 0; i < ch->groups.n; i++)
		(void)tls_group_name(ch->groups.v[i]);
	for (size_t i = 0; i < ch->sig_algs.n; i++)
		(void)tls_sigalg_name(ch->sig_algs.v[i]);
	for (size_t i = 0; i < ch->alpn.n; i++)
		need(ch->alpn.v[i] != NULL && ch->alpn.v[i][0] != 0);
	(void)tls_version_name(ch->legacy_version);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor sel, body;
	uint8_t which;
	cur_init(&sel, data, size);
	if (cur_u8(&sel, &which) != PE_OK)
		return 0;
	struct span rest = cur_rest(&sel);
	cur_init(&body, rest.p, rest.n);

	struct tls_session *s = xcalloc(1, sizeof *s);
	struct cert_cache *cc = NULL;
	enum parse_err e = PE_OK;
	uint16_t g = 0;

	switch (which % 8) {
	case 0:
		e = tls_parse_client_hello(&body, &s->ch);
		if (s->ch.present)
			check_fingerprints(&s->ch);
		break;
	case 1:
		e = tls_parse_sslv2_hello(&body, &s->ch);
		if (s->ch.present)
			check_fingerprints(&s->ch);
		break;
	case 2:
		e = tls_parse_server_hello(&body, &s->sh);
		(void)tls_version_name(s->sh.version);
		(void)tls_cipher_name(s->sh.cipher);
		break;
	case 3:
	case 4:
		cc = certcache_new();
		e = tls_parse_certificate(&body, which % 8 == 4, cc, &s->chain[1]);
		need(s->chain[1].present);
		need(s->chain[1].n == 0 || s->chain[1].certs != NULL);
		for (size_t i = 0; i < s->chain[1].n; i++)
			need(s->chain[1].certs[i] != NULL && s->chain[1].certs[i]->der_len > 0);
		if (s->chain[1].complete)
			need(e == PE_OK || e == PE_TRAILING);
		if (which % 8 == 4) {
			/* The same body with a hole (issue 14 item 4): its place
			 * and length from the body's last two bytes. */
			struct span all = rest;
			if (all.n >= 2) {
				size_t at = all.p[all.n - 1] * all.n / 256,
				       hole = all.p[all.n - 2] * 4u;
				struct span before = { all.p, at },
					    after = { all.p + at, all.n - at };
				struct tls_chain h = { 0 };
				e = tls_parse_certificate_holed(before, hole, after, all.p[0] & 1,
								cc, &h);
				need(h.present && !h.complete && h.lost >= 1);
				need(h.lost_at <= h.n);
				for (size_t i = 0; i < h.n; i++)
					need(h.certs[i] != NULL && h.certs[i]->der_len > 0);
				free(h.certs);
			}
		}
		break;
	case 5:
	case 6:
		e = tls_parse_cert_request(&body, which % 8 == 5 ? 0x0303 : 0x0301, &s->cr);
		for (size_t i = 0; i < s->cr.n_ca; i++)
			need(s->cr.ca_der[i] != NULL);
		break;
	case 7:
		e = tls_parse_ske_group(&body, &g);
		(void)tls_group_name(g);
		break;
	}
	(void)pe_str(e);
	need(cur_left(&body) <= rest.n);
	tls_session_free(s);
	certcache_free(cc);
	return 0;
}

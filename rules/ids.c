/*
 * ids.c - Community ID v1 of a session's flow, and the ServerHello's JA3S
 * and JA4S fingerprints: the values Zeek, Suricata and tshark log for the
 * same connection, so a session here can be found in their logs.
 *
 * Community ID v1 hashes, with SHA-1 (all integers in network order):
 *
 *   seed(2) addr_lo(4|16) addr_hi(4|16) proto(1) 0(1) port_lo(2) port_hi(2)
 *
 * where (addr_lo, port_lo) is the smaller endpoint, addresses compared as
 * bytes and ports when the addresses are equal, so both directions of a
 * flow give one ID.
 */
#include "rules/ids.h"

#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "capture/xalloc.h"
#include "dissect/tls_msg.h"

#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_SCTP 132

static size_t put16(uint8_t *out, uint16_t v)
{
	out[0] = (uint8_t)(v >> 8);
	out[1] = (uint8_t)v;
	return 2;
}

int ids_community_id(const struct endpoint *a, const struct endpoint *b, uint8_t proto,
		     uint16_t seed, char out[COMMUNITY_ID_SIZE])
{
	uint8_t in[2 + 16 + 16 + 2 + 4], dig[WC_SHA_DIGEST_SIZE];
	size_t alen, n = 0;
	struct dbuf t;
	int c;

	out[0] = 0;
	if (a->family != b->family || (a->family != 4 && a->family != 6))
		return -1;
	if (proto != PROTO_TCP && proto != PROTO_UDP && proto != PROTO_SCTP)
		return -1;
	alen = a->family == 4 ? 4 : 16;
	c = memcmp(a->addr, b->addr, alen);
	if (c > 0 || (c == 0 && a->port > b->port)) {
		const struct endpoint *x = a;
		a = b;
		b = x;
	}
	n += put16(in + n, seed);
	memcpy(in + n, a->addr, alen);
	n += alen;
	memcpy(in + n, b->addr, alen);
	n += alen;
	in[n++] = proto;
	in[n++] = 0;
	n += put16(in + n, a->port);
	n += put16(in + n, b->port);
	if (wc_ShaHash(in, (word32)n, dig) != 0)
		return -1;
	dbuf_init(&t, COMMUNITY_ID_SIZE - 1);
	if (dbuf_addstr(&t, "1:") != 0 || dbuf_add_base64(&t, dig, sizeof dig) != 0) {
		dbuf_free(&t);
		return -1;
	}
	memcpy(out, dbuf_str(&t), t.len + 1);
	dbuf_free(&t);
	return 0;
}

void ids_ja3s(const struct tls_server_hello *sh, char md5[33], char **full)
{
	struct dbuf j;

	md5[0] = 0;
	*full = NULL;
	if (!sh->present)
		return;
	dbuf_init(&j, DBUF_TEXT_MAX);
	dbuf_addf(&j, "%u,%u,", sh->legacy_version, sh->cipher);
	tls_ja3_join(&j, &sh->extensions, 1);
	*full = dbuf_take(&j);
	tls_md5_hex(*full, strlen(*full), md5);
}

void ids_ja4s(const struct tls_server_hello *sh, char transport, char *out, size_t len)
{
	char alpn[3], h12[13];
	size_t next;
	int alpn_ext = 0;
	char *el;

	if (len)
		out[0] = 0;
	if (!sh->present)
		return;
	for (size_t i = 0; i < sh->extensions.n; i++)
		alpn_ext |= sh->extensions.v[i] == EXT_ALPN;
	/* sh->alpn may come from TLS 1.3's EncryptedExtensions (decrypted):
	 * JA4S sees only the ServerHello, whether or not keys were given. */
	tls_ja4_alpn(alpn_ext ? sh->alpn : NULL, alpn);
	el = tls_ja4_hex_list(&sh->extensions, 0, NULL, 0, &next);
	tls_ja4_hash12(el, strlen(el), h12);
	free(el);
	snprintf(out, len, "%c%s%02zu%s_%04x_%s", transport, tls_ja4_version(sh->version),
		 next > 99 ? 99 : next, alpn, sh->cipher, h12);
}

void session_ids_compute(const struct tls_session *s, struct session_ids *ids)
{
	int udp = s->transport == TRANSPORT_UDP; /* DTLS */

	ids_community_id(&s->client, &s->server, udp ? PROTO_UDP : PROTO_TCP, 0, ids->community_id);
	free(ids->ja3s_full);
	ids_ja3s(&s->sh, ids->ja3s, &ids->ja3s_full);
	ids_ja4s(&s->sh, udp ? 'd' : 't', ids->ja4s, sizeof ids->ja4s);
}

void session_ids_free(struct session_ids *ids)
{
	if (ids == NULL)
		return;
	free(ids->ja3s_full);
	memset(ids, 0, sizeof *ids);
}

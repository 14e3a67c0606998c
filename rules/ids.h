/*
 * ids.h - the identifiers log pipelines join a session on, computed once
 * from the session model: the flow's Community ID (v1, as Zeek and
 * Suricata log it) and the server's fingerprints JA3S and JA4S (the
 * ClientHello's JA3 and JA4 are dissect's: tls_fingerprint()).
 */
#ifndef TLSDIAG_IDS_H
#define TLSDIAG_IDS_H

#include <stddef.h>
#include <stdint.h>

#include "capture/decode.h"
#include "dissect/session.h"

/* "1:" and the base64 of a SHA-1 (28 characters), and the NUL. */
#define COMMUNITY_ID_SIZE 31

struct session_ids {
	char community_id[COMMUNITY_ID_SIZE]; /* "" when the flow has no addresses */
	char ja3s[33];	 /* MD5 of ja3s_full, lowercase hex; "" without a ServerHello */
	char *ja3s_full; /* "771,49199,65281-0-11-35-23"; NULL without a ServerHello */
	char ja4s[32];	 /* "t120400_c030_4e8089b08790"; "" without a ServerHello */
};

/*
 * Community ID v1 (github.com/corelight/community-id-spec) of a flow
 * between two endpoints, given in either order: SHA-1 over seed (2 bytes),
 * the smaller (address, port) then the other address, the IP protocol
 * number, a zero byte, the two ports; "1:" and the base64 of the digest.
 * Only the protocols with ports (TCP 6, UDP 17, SCTP 132) are supported.
 * Returns 0, or -1 (out set to "") for endpoints of different or unknown
 * families or another protocol.
 */
int ids_community_id(const struct endpoint *a, const struct endpoint *b, uint8_t proto,
		     uint16_t seed, char out[COMMUNITY_ID_SIZE]);

/*
 * JA3S (Salesforce): "legacy_version,cipher,extensions" of a ServerHello,
 * in decimal, the extension types joined by '-' in the order sent (GREASE
 * left out), and its MD5. *full is a new string (the caller frees it), or
 * NULL and md5 "" without a ServerHello.
 */
void ids_ja3s(const struct tls_server_hello *sh, char md5[33], char **full);

/*
 * JA4S (FoxIO): transport ('t' TCP, 'q' QUIC, 'd' DTLS), the negotiated
 * version in two characters, the number of extensions (two digits), the
 * ALPN the ServerHello chose (first and last characters, "00" without
 * one: in TLS 1.3 ALPN is in EncryptedExtensions, so it is "00"), "_",
 * the cipher suite in hex, "_", the first 12 hex digits of SHA-256 of the
 * extension types in hex in the order sent. "" without a ServerHello.
 */
void ids_ja4s(const struct tls_server_hello *sh, char transport, char *out, size_t len);

/* All of them for a session (its flow TCP, or UDP for DTLS: JA4S 'd');
 * session_ids_free() releases them. */
void session_ids_compute(const struct tls_session *s, struct session_ids *ids);
void session_ids_free(struct session_ids *ids);

#endif

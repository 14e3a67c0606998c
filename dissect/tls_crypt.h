/*
 * tls_crypt.h - the cryptography of TLS record protection, through
 * wolfCrypt: key derivation from logged secrets, record decryption and
 * the handshake transcript, for reading a capture with a key log. Nothing
 * here knows about flows or the session model (that is tls_decrypt.h).
 *
 *   TLS 1.3 (RFC 8446): HKDF-Expand-Label (§7.1), traffic keys (§7.3),
 *     KeyUpdate (§7.2), per-record nonce and TLSInnerPlaintext (§5.2,
 *     §5.3), Finished (§4.4.4). AEADs: AES-128/256-GCM, ChaCha20-Poly1305,
 *     AES-128-CCM, AES-128-CCM_8.
 *   TLS 1.0-1.2 (RFC 2246, 4346, 5246): PRF (MD5+SHA-1; SHA-256/SHA-384),
 *     key block (§6.3), Finished (§7.4.9). AES-GCM/CCM (RFC 5288, 6655,
 *     7251), ChaCha20-Poly1305 (RFC 7905), AES-CBC with HMAC-SHA1/256/384
 *     (explicit IV from TLS 1.1, chained IV in TLS 1.0; MAC-then-encrypt
 *     or RFC 7366 encrypt-then-MAC).
 *
 * A record whose tag, MAC or padding does not check out is reported as
 * such (TLS_DEC_BAD_AUTH) and nothing of it is returned: a wrong key never
 * turns into plaintext.
 */
#ifndef TLSDIAG_TLS_CRYPT_H
#define TLSDIAG_TLS_CRYPT_H

#include <stddef.h>
#include <stdint.h>

#include "capture/cursor.h"

enum tls_hash {
	TLS_HASH_NONE = 0,
	TLS_HASH_MD5_SHA1, /* TLS 1.0/1.1 PRF and Finished: MD5 and SHA-1 together */
	TLS_HASH_SHA1,
	TLS_HASH_SHA256,
	TLS_HASH_SHA384,
};
/* Output length in bytes (MD5_SHA1: 16 + 20); 0 for NONE. */
size_t tls_hash_len(enum tls_hash h);

enum tls_bulk {
	TLS_BULK_AES_GCM = 1,
	TLS_BULK_AES_CCM, /* tag_len 16, or 8 for the _CCM_8 suites */
	TLS_BULK_CHACHA20_POLY1305,
	TLS_BULK_AES_CBC,
};

/* What a cipher suite means for decryption. */
struct tls_suite {
	uint16_t id;
	uint8_t bulk;	 /* enum tls_bulk */
	uint8_t key_len; /* 16 or 32 */
	uint8_t tag_len; /* AEAD tag (16, or 8); 0 for CBC */
	uint8_t mac;	 /* CBC: the HMAC's enum tls_hash */
	uint8_t prf;	 /* TLS 1.2 PRF / TLS 1.3 HKDF hash (enum tls_hash) */
	uint8_t tls13;	 /* a TLS 1.3 suite */
};
/* NULL for a suite we cannot decrypt (RC4, 3DES, CAMELLIA, NULL, ...). */
const struct tls_suite *tls_suite_find(uint16_t id);

#define TLS_MAX_KEY 32
#define TLS_MAX_MAC_KEY 48
#define TLS_MAX_HASH 48

/* One direction's record protection. */
struct tls_rkey {
	const struct tls_suite *suite;
	uint16_t version; /* 0x0301 .. 0x0304 */
	uint8_t key[TLS_MAX_KEY];
	uint8_t iv[16]; /* TLS 1.3 and ChaCha20: 12 bytes; GCM/CCM in
					 * TLS 1.2: the 4-byte salt; CBC in TLS 1.0:
					 * the IV chained from the last record */
	uint8_t mac_key[TLS_MAX_MAC_KEY];
	int etm;      /* RFC 7366 encrypt_then_mac (CBC only) */
	uint64_t seq; /* the next record's sequence number */
};

/* RFC 8446 §7.1: HKDF-Expand-Label(Secret, Label, Context, Length), with
 * "tls13 " put before `label`. 0, or -1 on a bad length or a wolfCrypt error. */
PE_MUST_USE int tls13_expand_label(enum tls_hash h, const uint8_t *secret, size_t secret_len,
				   const char *label, const uint8_t *ctx, size_t ctx_len,
				   uint8_t *out, size_t out_len);
/* RFC 8446 §7.3: the write key and iv from a traffic secret (whose length
 * must be the suite's hash length); seq starts at 0. 0 or -1. */
PE_MUST_USE int tls13_rkey_init(struct tls_rkey *k, const struct tls_suite *s,
				const uint8_t *secret, size_t secret_len);
/* RFC 8446 §7.2: application_traffic_secret_N+1, in place. 0 or -1. */
PE_MUST_USE int tls13_next_secret(enum tls_hash h, uint8_t *secret, size_t secret_len);
/* RFC 8446 §4.4.4: verify_data from a handshake traffic secret and the
 * transcript hash (both tls_hash_len(h) bytes). 0 or -1. */
PE_MUST_USE int tls13_finished(enum tls_hash h, const uint8_t *secret,
			       const uint8_t *transcript_hash, uint8_t *out);

/* RFC 5246 §5 (PRF with `h`: SHA256 or SHA384) and RFC 2246 §5 (version
 * below 0x0303: MD5 xor SHA-1, `h` ignored). 0 or -1. */
PE_MUST_USE int tls_prf(uint16_t version, enum tls_hash h, const uint8_t *secret, size_t secret_len,
			const char *label, const uint8_t *seed, size_t seed_len, uint8_t *out,
			size_t out_len);
/* RFC 5246 §6.3: both directions' keys from the 48-byte master secret. 0,
 * or -1 (SSL 3.0, or a CBC suite's MAC the version cannot use). */
PE_MUST_USE int tls12_rkeys_init(struct tls_rkey *client, struct tls_rkey *server,
				 const struct tls_suite *s, uint16_t version, int etm,
				 const uint8_t master[48], const uint8_t client_random[32],
				 const uint8_t server_random[32]);
/* RFC 5246 §7.4.9: the 12-byte verify_data for the sender's Finished, from
 * the hash of the handshake so far (tls_transcript_hash with the PRF hash,
 * or MD5_SHA1 before TLS 1.2). 0 or -1. */
PE_MUST_USE int tls12_finished(uint16_t version, enum tls_hash h, const uint8_t master[48],
			       int from_server, const uint8_t *hash, size_t hash_len,
			       uint8_t out[12]);

enum tls_dec {
	TLS_DEC_OK = 0,
	TLS_DEC_BAD_AUTH,  /* tag, MAC or padding wrong: a wrong key or a damaged record */
	TLS_DEC_MALFORMED, /* too short for the suite, or (TLS 1.3) no content type */
	TLS_DEC_ERROR,	   /* wolfCrypt refused the operation */
};
const char *tls_dec_str(enum tls_dec r);

/*
 * Decrypt one protected record as if it had sequence number `seq`
 * (k->seq is not used or changed: the caller may try several). `hdr` is
 * the record's 5-byte header as sent, `frag` its payload. `out` must hold
 * frag.n bytes. On TLS_DEC_OK the content is out[0..*len) and *type its
 * content type (TLS 1.3: the inner type, padding removed); on anything
 * else *len is 0 and nothing of `out` is meaningful.
 */
PE_MUST_USE enum tls_dec tls_record_open(const struct tls_rkey *k, uint64_t seq,
					 const uint8_t hdr[5], struct span frag, uint8_t *out,
					 size_t *len, uint8_t *type);
/* After the record at `seq` (opened or not): the next one follows it.
 * TLS 1.0 CBC chains the IV from the last ciphertext block. */
void tls_rkey_next(struct tls_rkey *k, uint64_t seq, struct span frag);

/* Running hashes of the handshake messages (MD5, SHA-1, SHA-256 and
 * SHA-384 at once: which one matters is known only at the ServerHello). */
struct tls_transcript;
struct tls_transcript *tls_transcript_new(void);
void tls_transcript_free(struct tls_transcript *t);
/* One whole handshake message (header and body). */
void tls_transcript_add(struct tls_transcript *t, struct span msg);
/* The hash of what was added so far (tls_hash_len(h) bytes into out). 0 or -1. */
PE_MUST_USE int tls_transcript_hash(struct tls_transcript *t, enum tls_hash h, uint8_t *out);
/* RFC 8446 §4.4.1: at a HelloRetryRequest, ClientHello1 (all that was
 * added) is replaced by message_hash(Hash(ClientHello1)). 0 or -1. */
PE_MUST_USE int tls_transcript_hrr(struct tls_transcript *t, enum tls_hash h);

#endif

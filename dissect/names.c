/*
 * names.c - IANA names for TLS numbers (TLS parameters registry), used
 * by every view. Unknown values give NULL (or "unknown" where documented)
 * so views can print the number instead.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dissect/session.h"

struct name16 {
	uint16_t v;
	const char *name;
};

static const char *find16(const struct name16 *t, size_t n, uint16_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].name;
	return NULL;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *side_str(int side)
{
	return side == SIDE_CLIENT ? "client" : side == SIDE_SERVER ? "server" : "session";
}

const char *tls_version_str(uint16_t v)
{
	switch (v) {
	case 0x0002: return "SSL 2.0";
	case 0x0300: return "SSL 3.0";
	case 0x0301: return "TLS 1.0";
	case 0x0302: return "TLS 1.1";
	case 0x0303: return "TLS 1.2";
	case 0x0304: return "TLS 1.3";
	}
	if ((v & 0xff00) == 0x7f00)
		return "TLS 1.3 (draft)";
	return "unknown";
}

const char *tls_alert_desc_str(int d)
{
	switch (d) {
	case 0: return "close_notify";
	case 10: return "unexpected_message";
	case 20: return "bad_record_mac";
	case 21: return "decryption_failed";
	case 22: return "record_overflow";
	case 30: return "decompression_failure";
	case 40: return "handshake_failure";
	case 41: return "no_certificate";
	case 42: return "bad_certificate";
	case 43: return "unsupported_certificate";
	case 44: return "certificate_revoked";
	case 45: return "certificate_expired";
	case 46: return "certificate_unknown";
	case 47: return "illegal_parameter";
	case 48: return "unknown_ca";
	case 49: return "access_denied";
	case 50: return "decode_error";
	case 51: return "decrypt_error";
	case 60: return "export_restriction";
	case 70: return "protocol_version";
	case 71: return "insufficient_security";
	case 80: return "internal_error";
	case 86: return "inappropriate_fallback";
	case 90: return "user_canceled";
	case 100: return "no_renegotiation";
	case 109: return "missing_extension";
	case 110: return "unsupported_extension";
	case 111: return "certificate_unobtainable";
	case 112: return "unrecognized_name";
	case 113: return "bad_certificate_status_response";
	case 114: return "bad_certificate_hash_value";
	case 115: return "unknown_psk_identity";
	case 116: return "certificate_required";
	case 120: return "no_application_protocol";
	}
	return "unknown";
}

const char *tls_hs_type_str(int t)
{
	switch (t) {
	case 0: return "HelloRequest";
	case 1: return "ClientHello";
	case 2: return "ServerHello";
	case 3: return "HelloVerifyRequest";
	case 4: return "NewSessionTicket";
	case 5: return "EndOfEarlyData";
	case 8: return "EncryptedExtensions";
	case 11: return "Certificate";
	case 12: return "ServerKeyExchange";
	case 13: return "CertificateRequest";
	case 14: return "ServerHelloDone";
	case 15: return "CertificateVerify";
	case 16: return "ClientKeyExchange";
	case 20: return "Finished";
	case 21: return "CertificateURL";
	case 22: return "CertificateStatus";
	case 24: return "KeyUpdate";
	case 25: return "CompressedCertificate";
	case 254: return "MessageHash";
	}
	return "unknown";
}

static const struct name16 ciphers[] = {
	{ 0x0000, "TLS_NULL_WITH_NULL_NULL" },
	{ 0x0001, "TLS_RSA_WITH_NULL_MD5" },
	{ 0x0002, "TLS_RSA_WITH_NULL_SHA" },
	{ 0x0004, "TLS_RSA_WITH_RC4_128_MD5" },
	{ 0x0005, "TLS_RSA_WITH_RC4_128_SHA" },
	{ 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA" },
	{ 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA" },
	{ 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x003b, "TLS_RSA_WITH_NULL_SHA256" },
	{ 0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256" },
	{ 0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256" },
	{ 0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256" },
	{ 0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256" },
	{ 0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256" },
	{ 0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384" },
	{ 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" },
	{ 0x1301, "TLS_AES_128_GCM_SHA256" },
	{ 0x1302, "TLS_AES_256_GCM_SHA384" },
	{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
	{ 0x1304, "TLS_AES_128_CCM_SHA256" },
	{ 0x1305, "TLS_AES_128_CCM_8_SHA256" },
	{ 0x5600, "TLS_FALLBACK_SCSV" },
	{ 0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA" },
	{ 0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" },
	{ 0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA" },
	{ 0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA" },
	{ 0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
	{ 0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
	{ 0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256" },
	{ 0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384" },
	{ 0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384" },
	{ 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
	{ 0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc09c, "TLS_RSA_WITH_AES_128_CCM" },
	{ 0xc09d, "TLS_RSA_WITH_AES_256_CCM" },
	{ 0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM" },
	{ 0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM" },
	{ 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
};

const char *tls_cipher_str(uint16_t cs)
{
	return find16(ciphers, N(ciphers), cs);
}

static const struct name16 groups[] = {
	{ 1, "sect163k1" }, { 19, "secp192r1" }, { 21, "secp224r1" },
	{ 22, "secp256k1" }, { 23, "secp256r1" }, { 24, "secp384r1" },
	{ 25, "secp521r1" }, { 26, "brainpoolP256r1" }, { 27, "brainpoolP384r1" },
	{ 28, "brainpoolP512r1" }, { 29, "x25519" }, { 30, "x448" },
	{ 256, "ffdhe2048" }, { 257, "ffdhe3072" }, { 258, "ffdhe4096" },
	{ 259, "ffdhe6144" }, { 260, "ffdhe8192" }, { 0x11ec, "X25519MLKEM768" },
	{ 0x6399, "X25519Kyber768Draft00" },
};

const char *tls_group_str(uint16_t g)
{
	return find16(groups, N(groups), g);
}

static const struct name16 sigalgs[] = {
	{ 0x0201, "rsa_pkcs1_sha1" }, { 0x0203, "ecdsa_sha1" },
	{ 0x0401, "rsa_pkcs1_sha256" }, { 0x0403, "ecdsa_secp256r1_sha256" },
	{ 0x0501, "rsa_pkcs1_sha384" }, { 0x0503, "ecdsa_secp384r1_sha384" },
	{ 0x0601, "rsa_pkcs1_sha512" }, { 0x0603, "ecdsa_secp521r1_sha512" },
	{ 0x0804, "rsa_pss_rsae_sha256" }, { 0x0805, "rsa_pss_rsae_sha384" },
	{ 0x0806, "rsa_pss_rsae_sha512" }, { 0x0807, "ed25519" }, { 0x0808, "ed448" },
	{ 0x0809, "rsa_pss_pss_sha256" }, { 0x080a, "rsa_pss_pss_sha384" },
	{ 0x080b, "rsa_pss_pss_sha512" }, { 0x0402, "dsa_sha256" }, { 0x0202, "dsa_sha1" },
	{ 0x0101, "rsa_pkcs1_md5" }, { 0x0301, "rsa_sha224" }, { 0x0303, "ecdsa_sha224" },
	{ 0x081a, "ecdsa_brainpoolP256r1tls13_sha256" },
	{ 0x081b, "ecdsa_brainpoolP384r1tls13_sha384" },
	{ 0x081c, "ecdsa_brainpoolP512r1tls13_sha512" },
};

const char *tls_sigalg_str(uint16_t s)
{
	return find16(sigalgs, N(sigalgs), s);
}

static const struct name16 exts[] = {
	{ 0, "server_name" }, { 1, "max_fragment_length" }, { 5, "status_request" },
	{ 10, "supported_groups" }, { 11, "ec_point_formats" }, { 13, "signature_algorithms" },
	{ 14, "use_srtp" }, { 15, "heartbeat" }, { 16, "application_layer_protocol_negotiation" },
	{ 17, "status_request_v2" }, { 18, "signed_certificate_timestamp" },
	{ 21, "padding" }, { 22, "encrypt_then_mac" }, { 23, "extended_master_secret" },
	{ 27, "compress_certificate" }, { 28, "record_size_limit" }, { 35, "session_ticket" },
	{ 41, "pre_shared_key" }, { 42, "early_data" }, { 43, "supported_versions" },
	{ 44, "cookie" }, { 45, "psk_key_exchange_modes" }, { 47, "certificate_authorities" },
	{ 48, "oid_filters" }, { 49, "post_handshake_auth" }, { 50, "signature_algorithms_cert" },
	{ 51, "key_share" }, { 57, "quic_transport_parameters" }, { 0x4469, "application_settings" },
	{ 0xfe0d, "encrypted_client_hello" }, { 0xff01, "renegotiation_info" },
};

const char *tls_ext_str(uint16_t e)
{
	return find16(exts, N(exts), e);
}

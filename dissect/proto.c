/*
 * proto.c - the names of TLS numbers (dissect/proto.h): IANA's TLS
 * parameters registry, as far as reports show it. A number not listed has
 * no name (NULL); views print the number instead.
 */
#include "dissect/proto.h"

const char *tok_name(const struct tok *t, unsigned v)
{
	for (; t->s; t++)
		if (t->v == v)
			return t->s;
	return NULL;
}

const struct tok tls_content_types[] = {
	{ TLS_CT_CHANGE_CIPHER_SPEC, "change_cipher_spec" },
	{ TLS_CT_ALERT, "alert" },
	{ TLS_CT_HANDSHAKE, "handshake" },
	{ TLS_CT_APPLICATION_DATA, "application_data" },
	{ TLS_CT_HEARTBEAT, "heartbeat" },
	{ 0, NULL },
};

static const struct tok versions[] = {
	{ 0x0002, "SSL 2.0" },
	{ 0x0300, "SSL 3.0" },
	{ 0x0301, "TLS 1.0" },
	{ 0x0302, "TLS 1.1" },
	{ 0x0303, "TLS 1.2" },
	{ 0x0304, "TLS 1.3" },
	{ 0x0100, "DTLS 1.0 (OpenSSL pre-standard)" },
	{ 0xfeff, "DTLS 1.0" },
	{ 0xfefd, "DTLS 1.2" },
	{ 0xfefc, "DTLS 1.3" },
	{ 0, NULL },
};

const char *tls_version_name(uint16_t v)
{
	if (TLS_V1_3_DRAFT(v))
		return "TLS 1.3 (draft)";
	return tok_name(versions, v);
}

int tls_version_is_dtls(uint16_t v)
{
	return v == DTLS_V1_0 || v == DTLS_V1_2 || v == DTLS_V1_3 || v == DTLS_V1_0_OPENSSL;
}

uint16_t tls_version_equiv(uint16_t v)
{
	switch (v) {
	case DTLS_V1_0_OPENSSL:
	case DTLS_V1_0: return TLS_V1_1;
	case DTLS_V1_2: return TLS_V1_2;
	case DTLS_V1_3: return TLS_V1_3;
	}
	return v;
}

const struct tok tls_hs_types[] = {
	{ 0, "HelloRequest" },	      { 1, "ClientHello" },
	{ 2, "ServerHello" },	      { 3, "HelloVerifyRequest" },
	{ 4, "NewSessionTicket" },    { 5, "EndOfEarlyData" },
	{ 8, "EncryptedExtensions" }, { 11, "Certificate" },
	{ 12, "ServerKeyExchange" },  { 13, "CertificateRequest" },
	{ 14, "ServerHelloDone" },    { 15, "CertificateVerify" },
	{ 16, "ClientKeyExchange" },  { 20, "Finished" },
	{ 21, "CertificateURL" },     { 22, "CertificateStatus" },
	{ 24, "KeyUpdate" },	      { 25, "CompressedCertificate" },
	{ 254, "MessageHash" },	      { 0, NULL },
};

const char *tls_hs_type_name(int type)
{
	return type < 0 ? NULL : tok_name(tls_hs_types, (unsigned)type);
}

const struct tok tls_alert_descs[] = {
	{ 0, "close_notify" },
	{ 10, "unexpected_message" },
	{ 20, "bad_record_mac" },
	{ 21, "decryption_failed" },
	{ 22, "record_overflow" },
	{ 30, "decompression_failure" },
	{ 40, "handshake_failure" },
	{ 41, "no_certificate" },
	{ 42, "bad_certificate" },
	{ 43, "unsupported_certificate" },
	{ 44, "certificate_revoked" },
	{ 45, "certificate_expired" },
	{ 46, "certificate_unknown" },
	{ 47, "illegal_parameter" },
	{ 48, "unknown_ca" },
	{ 49, "access_denied" },
	{ 50, "decode_error" },
	{ 51, "decrypt_error" },
	{ 60, "export_restriction" },
	{ 70, "protocol_version" },
	{ 71, "insufficient_security" },
	{ 80, "internal_error" },
	{ 86, "inappropriate_fallback" },
	{ 90, "user_canceled" },
	{ 100, "no_renegotiation" },
	{ 109, "missing_extension" },
	{ 110, "unsupported_extension" },
	{ 111, "certificate_unobtainable" },
	{ 112, "unrecognized_name" },
	{ 113, "bad_certificate_status_response" },
	{ 114, "bad_certificate_hash_value" },
	{ 115, "unknown_psk_identity" },
	{ 116, "certificate_required" },
	{ 120, "no_application_protocol" },
	{ 0, NULL },
};

const char *tls_alert_name(int desc)
{
	return desc < 0 ? NULL : tok_name(tls_alert_descs, (unsigned)desc);
}

const char *tls_alert_level_name(int level)
{
	return level == TLS_ALERT_WARNING ? "warning" : level == TLS_ALERT_FATAL ? "fatal" : NULL;
}

static const struct tok ciphers[] = {
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
	{ 0, NULL },
};

const char *tls_cipher_name(uint16_t cs)
{
	return tok_name(ciphers, cs);
}

static const struct tok groups[] = {
	{ 1, "sect163k1" },
	{ 19, "secp192r1" },
	{ 21, "secp224r1" },
	{ 22, "secp256k1" },
	{ 23, "secp256r1" },
	{ 24, "secp384r1" },
	{ 25, "secp521r1" },
	{ 26, "brainpoolP256r1" },
	{ 27, "brainpoolP384r1" },
	{ 28, "brainpoolP512r1" },
	{ 29, "x25519" },
	{ 30, "x448" },
	{ 256, "ffdhe2048" },
	{ 257, "ffdhe3072" },
	{ 258, "ffdhe4096" },
	{ 259, "ffdhe6144" },
	{ 260, "ffdhe8192" },
	{ 0x11ec, "X25519MLKEM768" },
	{ 0x6399, "X25519Kyber768Draft00" },
	{ 0, NULL },
};

const char *tls_group_name(uint16_t g)
{
	return tok_name(groups, g);
}

static const struct tok sigalgs[] = {
	{ 0x0201, "rsa_pkcs1_sha1" },
	{ 0x0203, "ecdsa_sha1" },
	{ 0x0401, "rsa_pkcs1_sha256" },
	{ 0x0403, "ecdsa_secp256r1_sha256" },
	{ 0x0501, "rsa_pkcs1_sha384" },
	{ 0x0503, "ecdsa_secp384r1_sha384" },
	{ 0x0601, "rsa_pkcs1_sha512" },
	{ 0x0603, "ecdsa_secp521r1_sha512" },
	{ 0x0804, "rsa_pss_rsae_sha256" },
	{ 0x0805, "rsa_pss_rsae_sha384" },
	{ 0x0806, "rsa_pss_rsae_sha512" },
	{ 0x0807, "ed25519" },
	{ 0x0808, "ed448" },
	{ 0x0809, "rsa_pss_pss_sha256" },
	{ 0x080a, "rsa_pss_pss_sha384" },
	{ 0x080b, "rsa_pss_pss_sha512" },
	{ 0x0402, "dsa_sha256" },
	{ 0x0202, "dsa_sha1" },
	{ 0x0101, "rsa_pkcs1_md5" },
	{ 0x0301, "rsa_sha224" },
	{ 0x0303, "ecdsa_sha224" },
	{ 0x081a, "ecdsa_brainpoolP256r1tls13_sha256" },
	{ 0x081b, "ecdsa_brainpoolP384r1tls13_sha384" },
	{ 0x081c, "ecdsa_brainpoolP512r1tls13_sha512" },
	{ 0, NULL },
};

const char *tls_sigalg_name(uint16_t s)
{
	return tok_name(sigalgs, s);
}

static const struct tok exts[] = {
	{ 0, "server_name" },
	{ 1, "max_fragment_length" },
	{ 5, "status_request" },
	{ 10, "supported_groups" },
	{ 11, "ec_point_formats" },
	{ 13, "signature_algorithms" },
	{ 14, "use_srtp" },
	{ 15, "heartbeat" },
	{ 16, "application_layer_protocol_negotiation" },
	{ 17, "status_request_v2" },
	{ 18, "signed_certificate_timestamp" },
	{ 21, "padding" },
	{ 22, "encrypt_then_mac" },
	{ 23, "extended_master_secret" },
	{ 27, "compress_certificate" },
	{ 28, "record_size_limit" },
	{ 35, "session_ticket" },
	{ 41, "pre_shared_key" },
	{ 42, "early_data" },
	{ 43, "supported_versions" },
	{ 44, "cookie" },
	{ 45, "psk_key_exchange_modes" },
	{ 47, "certificate_authorities" },
	{ 48, "oid_filters" },
	{ 49, "post_handshake_auth" },
	{ 50, "signature_algorithms_cert" },
	{ 51, "key_share" },
	{ 53, "connection_id (draft)" },
	{ 54, "connection_id" },
	{ 57, "quic_transport_parameters" },
	{ 0x4469, "application_settings" },
	{ 0xfe0d, "encrypted_client_hello" },
	{ 0xff01, "renegotiation_info" },
	{ 0, NULL },
};

const char *tls_ext_name(uint16_t ext)
{
	return tok_name(exts, ext);
}

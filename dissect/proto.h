/*
 * proto.h - the numbers of the TLS protocol, by name, beside the tables
 * that name them (after tcpdump's `struct tok`): record content types,
 * protocol versions, handshake message types, extensions, alert levels and
 * descriptions, and the IANA registries a report shows (cipher suites,
 * groups, signature schemes).
 *
 * Every *_name() lookup gives NULL for a number it does not know, never a
 * made-up word: the caller decides how to show the number itself.
 */
#ifndef TLSDIAG_PROTO_H
#define TLSDIAG_PROTO_H

#include <stddef.h>
#include <stdint.h>

/* A number and its name; tables end with { 0, NULL }. */
struct tok {
	unsigned v;
	const char *s;
};
/* The name of v in t, or NULL. */
const char *tok_name(const struct tok *t, unsigned v);

/* TLSPlaintext.type (RFC 8446 §5.1, RFC 6520 for heartbeat). */
enum tls_content_type {
	TLS_CT_CHANGE_CIPHER_SPEC = 20,
	TLS_CT_ALERT = 21,
	TLS_CT_HANDSHAKE = 22,
	TLS_CT_APPLICATION_DATA = 23,
	TLS_CT_HEARTBEAT = 24,
};
extern const struct tok tls_content_types[];

/* ProtocolVersion (RFC 8446 §5.1, B.1). */
enum tls_version {
	SSL_V2 = 0x0002,
	SSL_V3 = 0x0300,
	TLS_V1_0 = 0x0301,
	TLS_V1_1 = 0x0302,
	TLS_V1_2 = 0x0303,
	TLS_V1_3 = 0x0304,
	/* DTLS (RFC 6347 §4.1, RFC 9147 §5.3): the one's complement of
	 * 1.x; DTLS 1.0 is TLS 1.1's, there is no DTLS 1.1. */
	DTLS_V1_0_OPENSSL = 0x0100, /* OpenSSL's DTLS before RFC 4347 ("DTLS1_BAD_VER") */
	DTLS_V1_0 = 0xfeff,
	DTLS_V1_2 = 0xfefd,
	DTLS_V1_3 = 0xfefc,
};
/* Drafts of TLS 1.3 were 0x7fNN (draft-ietf-tls-tls13-NN). */
#define TLS_V1_3_DRAFT(v) (((v)&0xff00) == 0x7f00)
/* "TLS 1.2", "DTLS 1.2", "TLS 1.3 (draft)", or NULL. */
const char *tls_version_name(uint16_t v);
/* A DTLS version as the TLS version it is based on (DTLS 1.0 is TLS 1.1,
 * 1.2 is 1.2, 1.3 is 1.3); any other version as it is. */
uint16_t tls_version_equiv(uint16_t v);
int tls_version_is_dtls(uint16_t v);

/* HandshakeType (RFC 8446 §4, RFC 5246 §7.4, RFC 6066, RFC 8879). */
enum tls_hs_type {
	HS_HELLO_REQUEST = 0,
	HS_CLIENT_HELLO = 1,
	HS_SERVER_HELLO = 2,
	HS_HELLO_VERIFY_REQUEST = 3,
	HS_NEW_SESSION_TICKET = 4,
	HS_END_OF_EARLY_DATA = 5,
	HS_ENCRYPTED_EXTENSIONS = 8,
	HS_CERTIFICATE = 11,
	HS_SERVER_KEY_EXCHANGE = 12,
	HS_CERTIFICATE_REQUEST = 13,
	HS_SERVER_HELLO_DONE = 14,
	HS_CERTIFICATE_VERIFY = 15,
	HS_CLIENT_KEY_EXCHANGE = 16,
	HS_FINISHED = 20,
	HS_CERTIFICATE_URL = 21,
	HS_CERTIFICATE_STATUS = 22,
	HS_KEY_UPDATE = 24,
	HS_COMPRESSED_CERTIFICATE = 25, /* RFC 8879 */
	HS_MESSAGE_HASH = 254,
};
extern const struct tok tls_hs_types[];
/* "Certificate", or NULL. */
const char *tls_hs_type_name(int type);

/* ExtensionType (IANA TLS ExtensionType Values). */
enum tls_ext {
	EXT_SERVER_NAME = 0,
	EXT_STATUS_REQUEST = 5,
	EXT_SUPPORTED_GROUPS = 10,
	EXT_EC_POINT_FORMATS = 11,
	EXT_SIGNATURE_ALGORITHMS = 13,
	EXT_USE_SRTP = 14, /* RFC 5764 §4.1.1 */
	EXT_ALPN = 16,
	EXT_PADDING = 21,
	EXT_SESSION_TICKET = 35,
	EXT_SUPPORTED_VERSIONS = 43,
	EXT_CERTIFICATE_AUTHORITIES = 47,
	EXT_KEY_SHARE = 51,
	EXT_CONNECTION_ID_DRAFT = 53, /* draft-ietf-tls-dtls-connection-id */
	EXT_CONNECTION_ID = 54,	      /* RFC 9146 §3 */
	EXT_RENEGOTIATION_INFO = 0xff01,
};
/* "server_name", or NULL. */
const char *tls_ext_name(uint16_t ext);

/* NameType of a ServerName (RFC 6066 §3). */
enum { SNI_HOST_NAME = 0 };

/* ECCurveType of a ServerKeyExchange (RFC 8422 §5.4). */
enum { ECC_NAMED_CURVE = 3 };

/* AlertLevel and AlertDescription (RFC 8446 §6, RFC 5246 §7.2). */
enum tls_alert_level { TLS_ALERT_WARNING = 1, TLS_ALERT_FATAL = 2 };
enum tls_alert_desc {
	AL_CLOSE_NOTIFY = 0,
	AL_UNEXPECTED_MESSAGE = 10,
	AL_BAD_RECORD_MAC = 20,
	AL_RECORD_OVERFLOW = 22,
	AL_HANDSHAKE_FAILURE = 40,
	AL_BAD_CERTIFICATE = 42,
	AL_UNSUPPORTED_CERTIFICATE = 43,
	AL_CERTIFICATE_REVOKED = 44,
	AL_CERTIFICATE_EXPIRED = 45,
	AL_CERTIFICATE_UNKNOWN = 46,
	AL_ILLEGAL_PARAMETER = 47,
	AL_UNKNOWN_CA = 48,
	AL_ACCESS_DENIED = 49,
	AL_DECODE_ERROR = 50,
	AL_DECRYPT_ERROR = 51,
	AL_PROTOCOL_VERSION = 70,
	AL_INSUFFICIENT_SECURITY = 71,
	AL_INTERNAL_ERROR = 80,
	AL_INAPPROPRIATE_FALLBACK = 86,
	AL_USER_CANCELED = 90,
	AL_NO_RENEGOTIATION = 100,
	AL_MISSING_EXTENSION = 109,
	AL_UNSUPPORTED_EXTENSION = 110,
	AL_UNRECOGNIZED_NAME = 112,
	AL_CERTIFICATE_REQUIRED = 116,
	AL_NO_APPLICATION_PROTOCOL = 120,
};
extern const struct tok tls_alert_descs[];
/* "unknown_ca", or NULL. */
const char *tls_alert_name(int desc);
/* "warning", "fatal", or NULL. */
const char *tls_alert_level_name(int level);

/* IANA names of cipher suites, supported groups and signature schemes,
 * or NULL. */
const char *tls_cipher_name(uint16_t cs);
const char *tls_group_name(uint16_t g);
const char *tls_sigalg_name(uint16_t s);

#endif

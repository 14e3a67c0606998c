/*
 * session.h - the model of one TLS session as seen on the wire: who talked
 * to whom, every handshake message in order (the ladder), what each hello
 * offered and chose, each presented chain, the CertificateRequest, alerts
 * and anything the capture did not show. Rules read it and add findings
 * (rules/finding.h); every view renders it; nothing here knows about views.
 *
 * Certificates are owned by the analysis' cert cache (dissect/certcache.h);
 * a session only points at them. Strings are owned by the session and
 * freed by tls_session_free(). Text that came from the wire (SNI, ALPN,
 * DN strings) is raw: views pass it through their sanitiser.
 */
#ifndef TLSDIAG_SESSION_H
#define TLSDIAG_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "capture/decode.h"
#include "dissect/cert.h"
#include "dissect/proto.h"

enum tls_side { SIDE_CLIENT = 0, SIDE_SERVER = 1 };
const char *side_str(int side); /* "client" / "server" ("session" for neither) */

/* Entries of the ladder that are not handshake messages. */
enum ladder_kind {
	LAD_HANDSHAKE = 0, /* `type` is the handshake type */
	LAD_CCS,	   /* ChangeCipherSpec */
	LAD_ALERT,	   /* index into alerts[] in `type` */
	LAD_ENCRYPTED_HS,  /* an encrypted handshake record (Finished, TLS 1.3 flight) */
	LAD_APP_DATA,	   /* first application data record of a direction */
	LAD_GAP,	   /* capture gap in this direction */
	LAD_SSLV2_HELLO,   /* SSLv2-compatible ClientHello */
	LAD_HRR,	   /* HelloRetryRequest (a ServerHello) */
};

struct ladder_entry {
	enum ladder_kind kind;
	int side; /* sender */
	int type;
	uint32_t length; /* message body length; protected entries (ENCRYPTED_HS,
			    APP_DATA): the length of the record that showed it */
	int64_t ts_ns;
	uint64_t frame; /* frame that completed the message (as Wireshark) */
	int incomplete; /* bytes of it are missing (gap, end of capture) */
	int decrypted;	/* read from a record decrypted with a key log */
};

struct u16list {
	uint16_t *v;
	size_t n;
};

struct tls_client_hello {
	int present;
	int sslv2; /* SSLv2-compatible format */
	int dtls;  /* a DTLS ClientHello (with a cookie) */
	uint16_t legacy_version;
	struct u16list versions; /* supported_versions */
	struct u16list ciphers;
	struct u16list extensions; /* types in order */
	struct u16list sig_algs;
	struct u16list groups;
	struct u16list ec_point_formats;
	char *sni; /* host_name, or NULL */
	struct strlist alpn;
	char ja3[33]; /* MD5 hex */
	char *ja3_string;
	char ja4[64];
	/* DTLS: connection_id (RFC 9146 §3), the CID the client wants in
	 * the records it receives */
	int cid_present;
	uint8_t cid_len;
	int64_t ts_ns;
	uint64_t frame;
};

struct tls_server_hello {
	int present;
	int hrr; /* a HelloRetryRequest was seen */
	uint16_t legacy_version;
	uint16_t version; /* negotiated: supported_versions or legacy */
	uint16_t cipher;
	struct u16list extensions;
	struct u16list ee_extensions; /* TLS 1.3 EncryptedExtensions (decrypted) */
	char *alpn;		      /* ServerHello, or TLS 1.3 EncryptedExtensions */
	uint16_t key_share_group;
	/* DTLS: the CID the server wants in the records it receives
	 * (RFC 9146 §3), and the use_srtp profile it chose (RFC 5764 §4.1.1) */
	int cid_present;
	uint8_t cid_len;
	uint16_t srtp_profile;
	int64_t ts_ns;
	uint64_t frame;
};

struct tls_chain {
	int present;		  /* a Certificate message was seen (maybe empty) */
	int complete;		  /* the whole message was decoded */
	struct cert_info **certs; /* owned by the cert cache */
	size_t n;
	size_t declared_len; /* certificate_list length as announced */
	/* Entries the capture lost (a gap inside the message, or its end):
	 * `lost` of them (exactly, or at least that many when !lost_exact),
	 * bytes [lost_from, lost_to) of certificate_list, before certs[lost_at]
	 * (certificates after the hole follow in certs[]). 0 when none. */
	size_t lost;
	int lost_exact;
	uint32_t lost_from, lost_to;
	size_t lost_at;
	uint16_t compression; /* RFC 8879 algorithm it was sent compressed with, or 0 */
	int64_t ts_ns;
	uint64_t frame;
};

struct tls_cert_request {
	int present;
	struct u16list cert_types; /* ClientCertificateType values (u8 each) */
	struct u16list sig_algs;
	char **ca_names;  /* RFC 4514 strings, DER order of the list
					(NULL: a name that does not decode) */
	uint8_t **ca_der; /* the DistinguishedName DER of each */
	size_t *ca_der_len;
	size_t n_ca;
	int64_t ts_ns;
	uint64_t frame;
};

struct tls_alert {
	int side;      /* who sent it */
	int encrypted; /* after ChangeCipherSpec: level/desc unknown */
	int level;     /* 1 warning, 2 fatal; -1 when encrypted */
	int desc;      /* RFC 8446 AlertDescription; -1 when encrypted */
	int64_t ts_ns;
	uint64_t frame;
	int decrypted; /* read from a record decrypted with a key log */
};

/* Something the capture or the peer did that limits what we can say. */
enum tls_note_kind {
	NOTE_GAP = 0,	 /* capture gap; `in_handshake` below */
	NOTE_MALFORMED,	 /* a message that contradicts the RFC */
	NOTE_TRUNCATED,	 /* stream ended inside a message */
	NOTE_LIMIT,	 /* over one of our caps */
	NOTE_SNAPLEN,	 /* segments cut by the snapshot length */
	NOTE_MIDSTREAM,	 /* capture began after the handshake started */
	NOTE_RECORD_GAP, /* bytes of a protected record (msg_len long) are missing:
			    it could not be decrypted */
	NOTE_BAD_ALERT,	 /* a decrypted alert record that is not one 2-byte alert */
	NOTE_CERTS_LOST, /* entries of a Certificate the capture lost: `cap` of them
			    (at least, unless `msg_seen` is 1), `bytes` bytes of the
			    certificate_list; the chain's lost* fields say where */
};

/* Which of our caps a NOTE_LIMIT hit (its value is in `cap`). */
enum tls_limit {
	LIMIT_PARSER = 0, /* a message parser's own cap (err is PE_LIMIT) */
	LIMIT_MESSAGE,	  /* a handshake message over `cap` bytes */
	LIMIT_ALERTS,	  /* more than `cap` alerts */
};

/* Data, not sentences: the rules word a note (rules/notes.c). */
struct tls_note {
	enum tls_note_kind kind;
	int side;	  /* the sender; -1: the whole connection */
	int in_handshake; /* happened before the handshake was over */
	uint64_t bytes;	  /* GAP: bytes lost; TRUNCATED: bytes of the message
				      never seen; SNAPLEN: segments cut */
	int64_t ts_ns;
	uint64_t frame;
	int msg_type;	      /* the handshake message concerned (HS_*), or -1 */
	uint32_t msg_len;     /* its announced length */
	uint32_t msg_seen;    /* GAP, TRUNCATED: bytes of it that were captured */
	enum parse_err err;   /* MALFORMED, LIMIT_PARSER: what its parser said */
	enum tls_limit limit; /* LIMIT: which cap */
	uint64_t cap;	      /* LIMIT_MESSAGE, LIMIT_ALERTS: the cap's value */
};

/* Decryption with a key log (dissect/tls_decrypt.h). */
enum tls_decrypt_status {
	DECRYPT_NONE = 0,    /* no key log was given (or no ServerHello seen) */
	DECRYPT_NO_KEYS,     /* key logs given, none has this session's secrets */
	DECRYPT_UNSUPPORTED, /* secrets found, but not a suite or version we decrypt */
	DECRYPT_OK,	     /* secrets found; every record tried authenticated */
	DECRYPT_WRONG_KEY,   /* secrets found, but a record failed authentication */
};

struct tls_decryption {
	enum tls_decrypt_status status;
	uint8_t client_random[32]; /* the key the secrets are looked up by (status > NONE) */
	int keys_from_capture;	   /* the secrets came from a pcapng Decryption Secrets Block */
	uint64_t records[2];	   /* records decrypted, by sender */
	uint64_t hs_records[2];	   /* of which TLS 1.3 handshake-epoch records */
	uint64_t failed[2];	   /* records left encrypted after keys were in use */
	int failed_side;	   /* WRONG_KEY: whose record failed first (-1 none) */
	uint64_t failed_frame;	   /* ... and in which frame */
	int finished[2];	   /* that side's Finished was decrypted */
	int finished_ok[2];	   /* ... and its verify_data matches the transcript */
};

/* What the session ran over: TLS over TCP, or DTLS over UDP. */
enum tls_transport { TRANSPORT_TCP = 0, TRANSPORT_UDP = 1 };

/* DTLS over UDP (dissect/dtls.c): what only a datagram transport has. */
struct dtls_info {
	uint64_t records[2];	     /* DTLS records, by sender */
	uint64_t retransmitted[2];   /* handshake fragments seen again (flights resent) */
	uint64_t fragments[2];	     /* handshake fragments (a message may need several) */
	uint64_t other_datagrams[2]; /* datagrams of the flow that were not DTLS
					  (STUN, RTP/SRTP: RFC 7983) */
	int hello_verify;	     /* a HelloVerifyRequest (cookie exchange) was seen */
	int cid[2];		     /* records with a connection ID (RFC 9146, RFC 9147) */
};

/* One protected record, as the wire shows it without keys. */
struct tls_record_seen {
	uint32_t len; /* record length: ciphertext and AEAD tag (or MAC) */
	int64_t ts_ns;
	uint64_t frame; /* frame that completed the record */
};

/* The protected records one side sent (outer type application_data: all of
 * TLS 1.3 after the ServerHello, TLS 1.2 application data), counted
 * whether or not a key log decrypted them. Without keys they are all that
 * shows of a TLS 1.3 flight or of an encrypted alert (DOMAIN §2: one short
 * record right after the peer's flight, then FIN or RST, no application
 * data); the rules read their sizes, order and timing (rules/outcome.c). */
struct tls_protected {
	uint32_t n; /* records (saturates) */
	struct tls_record_seen first, last;
	uint32_t n_before_peer; /* of them, sent before the other side's first
				   one (valid once the other side sent one) */
};

struct tls_session {
	uint64_t id;	  /* 1-based within its file */
	char *file;	  /* capture file name */
	uint64_t flow_id; /* the TCP or UDP flow's (each counts on its own) */
	enum tls_transport transport;
	struct dtls_info dtls;		/* transport UDP only */
	struct endpoint client, server; /* from the ClientHello's direction */
	int64_t start_ts, end_ts;
	uint64_t first_frame, last_frame;
	int flow_midstream;	 /* TCP handshake not captured */
	char *starttls;		 /* "xmpp", "smtp", "ldap", ... or NULL */
	uint64_t starttls_bytes; /* clear-text bytes before TLS */

	struct tls_client_hello ch;
	struct tls_server_hello sh;
	uint16_t version;	   /* negotiated version (0 if unknown) */
	int tls13;		   /* certificates are encrypted */
	struct tls_chain chain[2]; /* [SIDE_CLIENT], [SIDE_SERVER] */
	struct tls_cert_request cr;
	int ske_present;
	uint16_t ske_group;	     /* named curve of an ECDHE ServerKeyExchange */
	int cert_verify_present;     /* the client's CertificateVerify */
	uint16_t cert_verify_alg[2]; /* SignatureScheme of each side's CertificateVerify (0: none) */
	int ccs[2];		     /* ChangeCipherSpec sent by side */
	int encrypted_hs[2];	     /* encrypted handshake records (Finished) */
	int app_data[2];	     /* application data seen by side */
	int handshake_done;	     /* both Finished seen (or 1.3 app data) */
	struct tls_protected prot[2]; /* by sender */
	struct tls_decryption decrypt;

	struct ladder_entry *ladder;
	size_t n_ladder, cap_ladder;
	struct tls_alert *alerts;
	size_t n_alerts, cap_alerts;
	struct tls_note *notes;
	size_t n_notes, cap_notes;

	int close_reason; /* enum tcp_close_reason (UDP: idle, evicted or end) */
};

void tls_session_free(struct tls_session *s);

/* Both Finished were decrypted and verified against the transcript (keys
 * given): each side saw the same handshake. In TLS 1.3 the server judges
 * the client's certificate after that, so a fatal alert from the server
 * may still follow. */
static inline int tls_finished_verified(const struct tls_session *s)
{
	return s->decrypt.finished_ok[0] && s->decrypt.finished_ok[1];
}

/* TLS 1.3 whose server flight was not decrypted: its certificates, the
 * CertificateRequest and most alerts are not visible. */
static inline int tls_handshake_hidden(const struct tls_session *s)
{
	return s->tls13 && s->decrypt.hs_records[SIDE_SERVER] == 0;
}

#endif

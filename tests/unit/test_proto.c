/*
 * test_proto.c - the names of TLS numbers (dissect/proto.h): known numbers
 * are named as IANA does, unknown ones have no name (NULL), never a
 * made-up word.
 */
#include "dissect/proto.h"
#include "t.h"

int main(void)
{
	CHECK_EQ_STR(tls_version_name(TLS_V1_2), "TLS 1.2");
	CHECK_EQ_STR(tls_version_name(0x7f1c), "TLS 1.3 (draft)");
	CHECK(tls_version_name(0) == NULL);
	CHECK(tls_version_name(0x0305) == NULL);
	CHECK_EQ_STR(tls_alert_name(AL_BAD_CERTIFICATE), "bad_certificate");
	CHECK_EQ_STR(tls_alert_name(AL_CERTIFICATE_UNKNOWN), "certificate_unknown");
	CHECK_EQ_STR(tls_alert_name(AL_CLOSE_NOTIFY), "close_notify");
	CHECK(tls_alert_name(99) == NULL);
	CHECK(tls_alert_name(-1) == NULL);
	CHECK_EQ_STR(tls_alert_level_name(TLS_ALERT_FATAL), "fatal");
	CHECK(tls_alert_level_name(3) == NULL);
	CHECK_EQ_STR(tls_hs_type_name(HS_HELLO_REQUEST), "HelloRequest");
	CHECK_EQ_STR(tls_hs_type_name(HS_CERTIFICATE_REQUEST), "CertificateRequest");
	CHECK(tls_hs_type_name(7) == NULL);
	CHECK(tls_hs_type_name(-1) == NULL);
	CHECK_EQ_STR(tls_ext_name(EXT_SERVER_NAME), "server_name");
	CHECK(tls_ext_name(0x1234) == NULL);
	CHECK_EQ_STR(tls_cipher_name(0x0000), "TLS_NULL_WITH_NULL_NULL");
	CHECK_EQ_STR(tls_cipher_name(0xc030), "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
	CHECK(tls_cipher_name(0xfefe) == NULL);
	CHECK_EQ_STR(tls_group_name(29), "x25519");
	CHECK_EQ_STR(tls_sigalg_name(0x0804), "rsa_pss_rsae_sha256");
	CHECK_EQ_STR(tok_name(tls_content_types, TLS_CT_HANDSHAKE), "handshake");
	CHECK(tok_name(tls_content_types, 25) == NULL);
	return t_done("test_proto");
}

/*
 * test_ids.c - the identifiers of rules/ids.h against their specs' own
 * vectors: Community ID v1 (corelight/community-id-spec baseline/
 * baseline_deflt.json and baseline_seed1.json, the TCP, UDP and SCTP
 * rows, IPv4 and IPv6, both directions), JA4S (FoxIO's JA4S.md example
 * and the README's TLS 1.3 one), JA3S worked by hand (MD5 from Python's
 * hashlib).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "rules/ids.h"
#include "t.h"

static struct endpoint ep(const char *ip, uint16_t port)
{
	struct endpoint e;
	memset(&e, 0, sizeof e);
	if (strchr(ip, ':')) {
		e.family = 6;
		CHECK_EQ_INT(inet_pton(AF_INET6, ip, e.addr), 1);
	} else {
		e.family = 4;
		CHECK_EQ_INT(inet_pton(AF_INET, ip, e.addr), 1);
	}
	e.port = port;
	return e;
}

static void cid_both_ways(const char *sa, uint16_t sp, const char *da, uint16_t dp, uint8_t proto,
			  uint16_t seed, const char *want)
{
	struct endpoint s = ep(sa, sp), d = ep(da, dp);
	char out[COMMUNITY_ID_SIZE];

	CHECK_EQ_INT(ids_community_id(&s, &d, proto, seed, out), 0);
	CHECK_EQ_STR(out, want);
	CHECK_EQ_INT(ids_community_id(&d, &s, proto, seed, out), 0);
	CHECK_EQ_STR(out, want);
}

static void test_community_id(void)
{
	struct endpoint a = ep("10.0.0.1", 1), b = ep("2001:db8::1", 2);
	char out[COMMUNITY_ID_SIZE];

	static const struct {
		const char *sa;
		uint16_t sp;
		const char *da;
		uint16_t dp;
		uint8_t proto;
		uint16_t seed;
		const char *want;
	} vec[] = {
		/* baseline_deflt.json (seed 0) */
		{ "2001:470:e5bf:dead:4957:2174:e82c:4887", 63943, "2607:f8b0:400c:c03::1a", 25, 6,
		  0, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
		{ "128.232.110.120", 34855, "66.35.250.204", 80, 6, 0,
		  "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
		{ "192.168.1.52", 54585, "8.8.8.8", 53, 17, 0, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
		{ "192.168.170.8", 7, "192.168.170.56", 7, 132, 0,
		  "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
		/* baseline_seed1.json */
		{ "2001:470:e5bf:dead:4957:2174:e82c:4887", 63943, "2607:f8b0:400c:c03::1a", 25, 6,
		  1, "1:eJYTW6AOzFLlSUoESovMjnu7rMw=" },
		{ "128.232.110.120", 34855, "66.35.250.204", 80, 6, 1,
		  "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
		{ "192.168.1.52", 54585, "8.8.8.8", 53, 17, 1, "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
		/* One address, two ports: the ports decide the order (worked with
		 * Python's hashlib, the same code reproducing the vectors above). */
		{ "10.0.0.1", 5061, "10.0.0.1", 443, 6, 0, "1:ss7RxBh7lHEmt8eNQFj/535W+EQ=" },
	};

	for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++)
		cid_both_ways(vec[i].sa, vec[i].sp, vec[i].da, vec[i].dp, vec[i].proto, vec[i].seed,
			      vec[i].want);

	/* What it does not hash: ICMP (its "ports" are type and code), two
	 * families, no address. */
	strcpy(out, "x");
	CHECK_EQ_INT(ids_community_id(&a, &a, 1, 0, out), -1);
	CHECK_EQ_STR(out, "");
	CHECK_EQ_INT(ids_community_id(&a, &b, 6, 0, out), -1);
	memset(&b, 0, sizeof b);
	CHECK_EQ_INT(ids_community_id(&b, &b, 6, 0, out), -1);
}

static void set_list(struct u16list *l, const uint16_t *v, size_t n)
{
	l->v = xcalloc(n + 1, sizeof *l->v);
	if (n)
		memcpy(l->v, v, n * sizeof *v);
	l->n = n;
}

/* The ServerHello sh with these extensions: its JA4S is want_ja4s, its
 * JA3S string and MD5 want_ja3s and want_md5 (NULL: not checked). */
static void server_is(struct tls_server_hello *sh, const uint16_t *ext, size_t n,
		      const char *want_ja4s, const char *want_ja3s, const char *want_md5)
{
	char out[32], md5[33];
	char *full;

	set_list(&sh->extensions, ext, n);
	ids_ja4s(sh, 't', out, sizeof out);
	ids_ja3s(sh, md5, &full);
	if (want_ja4s)
		CHECK_EQ_STR(out, want_ja4s);
	if (want_ja3s) {
		CHECK_EQ_STR(full, want_ja3s);
		CHECK_EQ_STR(md5, want_md5);
	}
	free(full);
	free(sh->extensions.v);
	sh->extensions.v = NULL;
	sh->extensions.n = 0;
}

static void test_ja4s(void)
{
	struct tls_server_hello sh;
	char out[32];
	static const uint16_t spec[] = { 0x0005, 0x0017, 0xff01, 0x0000 };
	static const uint16_t t13[] = { 0x002b, 0x0033 };
	static const uint16_t alpn[] = { 0xff01, 0x0010, 0x000b };
	static const uint16_t greased[] = { 0x0a0a, 0x0005, 0x0017, 0xff01, 0x0000 };

	/* JA4S.md: TLS 1.2, no ALPN, ECDHE-RSA-AES256-GCM-SHA384 */
	memset(&sh, 0, sizeof sh);
	sh.present = 1;
	sh.legacy_version = sh.version = 0x0303;
	sh.cipher = 0xc030;
	server_is(&sh, spec, 4, "t120400_c030_4e8089b08790", NULL, NULL);
	/* GREASE is neither counted nor hashed. */
	server_is(&sh, greased, 5, "t120400_c030_4e8089b08790", NULL, NULL);

	/* The README's TLS 1.3 example: supported_versions and key_share. The
	 * ALPN a key log read from EncryptedExtensions stays out: JA4S is
	 * the ServerHello's, with or without keys. */
	sh.version = 0x0304;
	sh.cipher = 0x1301;
	sh.alpn = (char *)"h2";
	server_is(&sh, t13, 2, "t130200_1301_a56c5b993250", NULL, NULL);

	/* TLS 1.2 with ALPN in the ServerHello; then a value that does not
	 * start and end with a letter or digit (its hex's first and last). */
	sh.version = 0x0303;
	sh.cipher = 0xc02f;
	server_is(&sh, alpn, 3, "t1203h2_c02f_26b1f9d0693b", NULL, NULL);
	sh.alpn = (char *)"\x01x-";
	server_is(&sh, alpn, 3, "t12030d_c02f_26b1f9d0693b", NULL, NULL);

	/* No extensions at all (an old server): a hash of nothing is zeros. */
	sh.alpn = NULL;
	sh.version = 0x0301;
	sh.cipher = 0x002f;
	server_is(&sh, NULL, 0, "t100000_002f_000000000000", NULL, NULL);

	sh.present = 0;
	ids_ja4s(&sh, 't', out, sizeof out);
	CHECK_EQ_STR(out, "");
}

static void test_ja3s(void)
{
	struct tls_server_hello sh;
	char md5[33];
	char *full;
	static const uint16_t ext[] = { 0xff01, 0x0000, 0x000b, 0x0023, 0x0017 };
	static const uint16_t greased[] = { 0x002b, 0x3a3a, 0x0033 };

	memset(&sh, 0, sizeof sh);
	sh.present = 1;
	sh.legacy_version = 0x0303;
	sh.cipher = 0xc02f;
	server_is(&sh, ext, 5, NULL, "771,49199,65281-0-11-35-23",
		  "098e26e2609212ac1bfac552fbe04127");

	/* TLS 1.3: legacy_version (771), not the negotiated one; no GREASE. */
	sh.version = 0x0304;
	sh.cipher = 0x1301;
	server_is(&sh, greased, 3, NULL, "771,4865,43-51", "f4febc55ea12b31ae17cfb7e614afda8");

	/* No extensions: the third field is empty, its comma stays. */
	sh.legacy_version = 0x0301;
	sh.cipher = 0x002f;
	server_is(&sh, NULL, 0, NULL, "769,47,", "18e962e106761869a61045bed0e81c2c");

	sh.present = 0;
	ids_ja3s(&sh, md5, &full);
	CHECK(full == NULL);
	CHECK_EQ_STR(md5, "");
}

/* The session's set: TCP (proto 6) and 't', or for DTLS UDP (17) and 'd'. */
static void test_session(void)
{
	struct tls_session s;
	struct session_ids ids;
	static const uint16_t spec[] = { 0x0005, 0x0017, 0xff01, 0x0000 };

	memset(&s, 0, sizeof s);
	memset(&ids, 0, sizeof ids);
	s.client = ep("66.35.250.204", 80);
	s.server = ep("128.232.110.120", 34855);
	session_ids_compute(&s, &ids);
	CHECK_EQ_STR(ids.community_id, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	CHECK_EQ_STR(ids.ja3s, "");
	CHECK_EQ_STR(ids.ja4s, "");
	CHECK(ids.ja3s_full == NULL);
	s.sh.present = 1;
	s.sh.legacy_version = s.sh.version = 0x0303;
	s.sh.cipher = 0xc030;
	set_list(&s.sh.extensions, spec, 4);
	session_ids_compute(&s, &ids);
	CHECK_EQ_STR(ids.ja4s, "t120400_c030_4e8089b08790");
	CHECK_EQ_STR(ids.ja3s_full, "771,49200,5-23-65281-0");
	session_ids_compute(&s, &ids); /* again: the old string is freed (ASan) */
	/* DTLS: the flow is UDP (the spec's UDP vector), JA4S starts with d. */
	s.transport = TRANSPORT_UDP;
	s.client = ep("8.8.8.8", 53);
	s.server = ep("192.168.1.52", 54585);
	s.sh.legacy_version = s.sh.version = 0xfefd;
	session_ids_compute(&s, &ids);
	CHECK_EQ_STR(ids.community_id, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
	CHECK_EQ_STR(ids.ja4s, "dd20400_c030_4e8089b08790");
	CHECK_EQ_STR(ids.ja3s_full, "65277,49200,5-23-65281-0");
	free(s.sh.extensions.v);
	session_ids_free(&ids);
	CHECK(ids.ja3s_full == NULL);
	session_ids_free(NULL);
}

int main(void)
{
	test_community_id();
	test_ja4s();
	test_ja3s();
	test_session();
	return t_done("test_ids");
}

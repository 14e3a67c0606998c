/*
 * fuzz_x509.c - X.509 decoding (dissect/x509.c, through wolfSSL).
 *
 * The input is decoded as one DER certificate (x509_decode), as a file
 * (x509_load_buffer: PEM, concatenated DER, PKCS#7), and as a DER Name
 * (x509_dn_string, as a CertificateRequest's CA list carries them). Each
 * decoded certificate is checked against itself (signature, PEM/DER
 * output to /dev/null) and everything is freed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissect/cert.h"
#include "dissect/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void need(int cond)
{
	if (!cond)
		abort();
}

static void touch(const struct cert_info *c)
{
	need(c != NULL);
	need(c->parse_ok || c->parse_error != NULL);
	need(strlen(c->sha256_hex) == 64 && strlen(c->sha1_hex) == 40);
	if (c->parse_ok) {
		need(c->subject.rfc4514 == NULL || strlen(c->subject.rfc4514) <= X509_DN_STR_MAX);
		for (size_t i = 0; i < c->san_dns.n; i++)
			need(c->san_dns.v[i] != NULL);
		for (size_t i = 0; i < c->subject.nattrs; i++)
			need(c->subject.attrs[i].oid != NULL);
	}
	if (devnull) {
		(void)x509_write_pem(devnull, c);
		(void)x509_write_der(devnull, c);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");

	struct cert_info *c = x509_decode(size ? data : NULL, size);
	touch(c);
	need(c->der_len == size);
	(void)x509_verify_signature(c, c);

	struct cert_info **v = NULL;
	size_t n = 0;
	char err[256];
	(void)x509_load_buffer(data, size, "fuzz", &v, &n, err, sizeof err);
	need(n == 0 || v != NULL);
	for (size_t i = 0; i < n; i++) {
		touch(v[i]);
		(void)x509_verify_signature(c, v[i]);
	}
	x509_free_list(v, n);
	cert_info_free(c);

	char *dn = x509_dn_string(data, size);
	free(dn);
	return 0;
}

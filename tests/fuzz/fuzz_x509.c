/*
 * fuzz_x509.c - X.509 decoding (dissect/x509/: our own DER decoder, the
 * signature checks through wolfCrypt and nettle, certificate files).
 *
 * The input is decoded as one DER certificate (x509_decode), as a file
 * (x509_load_buffer: PEM, concatenated DER, PKCS#7), as a DER Name
 * (x509_dn_string, x509_dn_eq_der, as a CertificateRequest's CA list
 * carries them) and as a sequence of TLVs (der_get, the reader under all
 * of it). Each decoded certificate is checked against itself and against
 * the others (signature, name comparison, PEM/DER output to /dev/null),
 * the model's invariants are asserted, and everything is freed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissect/cert.h"
#include "dissect/x509.h"
#include "dissect/x509/x509_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void need(int cond)
{
	if (!cond)
		abort();
}

static void touch_dn(const struct dn *d)
{
	need(d->rfc4514 != NULL && strlen(d->rfc4514) <= X509_DN_STR_MAX);
	need(d->der != NULL && d->der_len >= 2);
	for (size_t i = 0; i < d->nattrs; i++) {
		need(d->attrs[i].oid != NULL && d->attrs[i].value != NULL);
		need(i == 0 || d->attrs[i].rdn >= d->attrs[i - 1].rdn);
	}
	/* a name is the same name as itself */
	need(x509_dn_eq(d, d));
	need(x509_dn_eq_der(d->der, d->der_len, d));
}

static void touch(const struct cert_info *c)
{
	need(c != NULL);
	need(c->parse_ok ? c->parse_error == NULL : c->parse_error != NULL);
	need(strlen(c->sha256_hex) == 64 && strlen(c->sha1_hex) == 40);
	if (c->parse_ok) {
		touch_dn(&c->subject);
		touch_dn(&c->issuer);
		need(c->self_issued == x509_dn_eq(&c->subject, &c->issuer));
		need(c->serial_hex && c->sig_alg && c->sig_alg_oid && c->key_alg && c->key_alg_oid);
		need(c->spki_der != NULL && c->spki_der_len > 0);
		need(c->version == 0 || (c->version >= 1 && c->version <= 3));
		need(c->not_before_bad || strlen(c->not_before_str) == 20);
		need(c->not_after_bad || strlen(c->not_after_str) == 20);
		need(c->eku_oids.n == c->eku_names.n);
		for (size_t i = 0; i < c->san_dns.n; i++)
			need(c->san_dns.v[i] != NULL);
		size_t unhandled = 0;
		for (size_t i = 0; i < c->n_exts; i++) {
			need(c->exts[i].oid != NULL);
			unhandled += c->exts[i].critical && !c->exts[i].handled;
		}
		need(unhandled == c->unhandled_critical);
		need(c->path_len >= -1);
	} else {
		need(c->subject.rfc4514 == NULL && c->n_exts == 0);
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
	int self = x509_verify_signature(c, c);
	need(self >= -1 && self <= 1);
	need(!c->parse_ok || c->sig_known || self == -1);

	struct cert_info **v = NULL;
	size_t n = 0;
	char err[256];
	(void)x509_load_buffer(data, size, "fuzz", &v, &n, err, sizeof err);
	need(n == 0 || v != NULL);
	for (size_t i = 0; i < n; i++) {
		touch(v[i]);
		(void)x509_verify_signature(c, v[i]);
		(void)x509_verify_signature(v[i], c);
		if (c->parse_ok && v[i]->parse_ok)
			need(x509_dn_eq(&c->issuer, &v[i]->subject) ==
			     x509_dn_eq(&v[i]->subject, &c->issuer));
	}
	x509_free_list(v, n);

	char *dn = x509_dn_string(data, size);
	if (dn && c->parse_ok)
		(void)x509_dn_eq_der(data, size, &c->subject);
	free(dn);
	cert_info_free(c);

	/* the TLV reader on its own: every value read lies inside the input */
	struct cursor cur;
	struct der d;
	cur_init(&cur, data, size);
	while (der_get(&cur, &d) == PE_OK) {
		need(d.tlv.n <= size && cur_left(&d.val) <= d.tlv.n);
		need(d.tlv.p >= data && d.tlv.p + d.tlv.n <= data + size);
	}
	return 0;
}

/*
 * certfile.c - certificates written to a file in the formats the products
 * take: one certificate as PEM or DER; a chain as a PEM bundle (each
 * certificate in turn) or as PKCS#7 (.p7b: DER, what CUCM and Expressway
 * import and Windows exports). Concatenated DER is not a chain format:
 * nothing reads it back, so a chain is never written that way.
 *
 * The .p7b is a degenerate SignedData (RFC 2315 §9.1, RFC 5652 §5) with
 * no signers, exactly as `openssl crl2pkcs7 -nocrl -certfile` writes it:
 *
 *   ContentInfo SEQUENCE {
 *     contentType  OID 1.2.840.113549.1.7.2 (signedData)
 *     content [0] EXPLICIT SignedData SEQUENCE {
 *       version INTEGER 1
 *       digestAlgorithms SET {}
 *       contentInfo SEQUENCE { OID 1.2.840.113549.1.7.1 (data) }
 *       certificates [0] IMPLICIT SET OF Certificate (in the given order)
 *       signerInfos SET {} } }
 */
#include <string.h>
#include <strings.h>

#include "capture/xalloc.h"
#include "dissect/x509.h"
#include "ui/report/report.h"

static int has_ext(const char *p, const char *ext)
{
	size_t n = strlen(p), m = strlen(ext);
	return n >= m && strcasecmp(p + n - m, ext) == 0;
}

enum cert_file_format cert_file_format_of(const char *path)
{
	if (has_ext(path, ".p7b") || has_ext(path, ".p7c"))
		return CF_P7B;
	if (has_ext(path, ".der") || has_ext(path, ".cer") || has_ext(path, ".crt.der"))
		return CF_DER;
	return CF_PEM;
}

/* DER tag and definite length; 0 or -1 (past the buffer's ceiling). */
static int tl(struct dbuf *b, uint8_t tag, size_t len)
{
	uint8_t h[6];
	size_t n = 0;

	h[n++] = tag;
	if (len < 0x80) {
		h[n++] = (uint8_t)len;
	} else {
		size_t k = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;

		h[n++] = (uint8_t)(0x80 | k);
		while (k--)
			h[n++] = (uint8_t)(len >> (8 * k));
	}
	return dbuf_add(b, h, n);
}

static size_t tl_len(size_t len)
{
	return 1 + (len < 0x80 ? 1 : len > 0xffffff ? 5 : len > 0xffff ? 4 : len > 0xff ? 3 : 2);
}

int cert_p7b(struct dbuf *b, const struct cert_info *const *certs, size_t n)
{
	static const uint8_t oid_signed[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
					      0xf7, 0x0d, 0x01, 0x07, 0x02 };
	static const uint8_t head[] = { 0x02, 0x01, 0x01, /* version 1 */
					0x31, 0x00,	  /* digestAlgorithms */
					0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48,
					0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01 }; /* data */
	static const uint8_t tail[] = { 0x31, 0x00 };			      /* signerInfos */
	size_t certs_len = 0, sd_len, ex_len;

	for (size_t i = 0; i < n; i++) {
		if (!certs[i] || !certs[i]->der_len)
			return -1;
		certs_len += certs[i]->der_len;
	}
	sd_len = sizeof head + tl_len(certs_len) + certs_len + sizeof tail;
	ex_len = tl_len(sd_len) + sd_len;
	int rc = tl(b, 0x30, sizeof oid_signed + tl_len(ex_len) + ex_len);
	rc |= dbuf_add(b, oid_signed, sizeof oid_signed);
	rc |= tl(b, 0xa0, ex_len);
	rc |= tl(b, 0x30, sd_len);
	rc |= dbuf_add(b, head, sizeof head);
	rc |= tl(b, 0xa0, certs_len);
	for (size_t i = 0; i < n; i++)
		rc |= dbuf_add(b, certs[i]->der, certs[i]->der_len);
	rc |= dbuf_add(b, tail, sizeof tail);
	return rc ? -1 : 0;
}

int cert_file_write(FILE *f, const struct cert_info *const *certs, size_t n,
		    enum cert_file_format fmt)
{
	if (n == 0)
		return -1;
	switch (fmt) {
	case CF_PEM:
		for (size_t i = 0; i < n; i++)
			if (x509_write_pem(f, certs[i]) != 0)
				return -1;
		return 0;
	case CF_DER: return n == 1 ? x509_write_der(f, certs[0]) : -1;
	case CF_P7B: {
		struct dbuf b;
		int rc;

		dbuf_init(&b, (size_t)1 << 30);
		rc = cert_p7b(&b, certs, n);
		if (rc == 0 && fwrite(b.p, 1, b.len, f) != b.len)
			rc = -1;
		dbuf_free(&b);
		return rc;
	}
	}
	return -1;
}

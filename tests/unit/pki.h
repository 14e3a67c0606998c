/*
 * pki.h - the test PKI's RSA chain (leaf, intermediate, root of
 * tests/captures/tls/pki), for tests that write TLS messages by hand.
 * Header-only; the caller defines TLS_TEST_PKI (the directory) and frees
 * the list with x509_free_list().
 */
#ifndef TLSDIAG_TEST_PKI_H
#define TLSDIAG_TEST_PKI_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "dissect/x509.h"

#ifndef TLS_TEST_PKI
#define TLS_TEST_PKI "tests/captures/tls/pki"
#endif

/* Leaf, intermediate, root; NULL (with the reason on stderr) on failure. */
static inline struct cert_info **test_pki_load(size_t *n)
{
	char err[256];
	struct cert_info **leaf = NULL, **chain = NULL, **all;
	size_t nleaf = 0, nchain = 0;
	if (x509_load_file(TLS_TEST_PKI "/rsa-server.crt", &leaf, &nleaf, err, sizeof err) != 0 ||
	    x509_load_file(TLS_TEST_PKI "/rsa-chain3.pem", &chain, &nchain, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	*n = nleaf + nchain;
	all = xcalloc(*n, sizeof *all);
	memcpy(all, leaf, nleaf * sizeof *all);
	memcpy(all + nleaf, chain, nchain * sizeof *all);
	free(leaf);
	free(chain);
	return all;
}

#endif

/* session.c - the session model: side names, and freeing it. */
#include "dissect/session.h"

#include <stdlib.h>

#include "dissect/certcache.h"

const char *side_str(int side)
{
	return side == SIDE_CLIENT ? "client" : side == SIDE_SERVER ? "server" : "session";
}

void tls_session_free(struct tls_session *s)
{
	if (s == NULL)
		return;
	free(s->file);
	free(s->starttls);
	free(s->ch.versions.v);
	free(s->ch.ciphers.v);
	free(s->ch.extensions.v);
	free(s->ch.sig_algs.v);
	free(s->ch.groups.v);
	free(s->ch.ec_point_formats.v);
	free(s->ch.sni);
	strlist_free(&s->ch.alpn);
	free(s->ch.ja3_string);
	free(s->sh.extensions.v);
	free(s->sh.ee_extensions.v);
	free(s->sh.alpn);
	for (int i = 0; i < 2; i++) {
		for (size_t k = 0; k < s->chain[i].n; k++)
			certcache_put(s->chain[i].certs[k]);
		free(s->chain[i].certs);
	}
	free(s->cr.cert_types.v);
	free(s->cr.sig_algs.v);
	for (size_t i = 0; i < s->cr.n_ca; i++) {
		free(s->cr.ca_names[i]);
		free(s->cr.ca_der[i]);
	}
	free(s->cr.ca_names);
	free(s->cr.ca_der);
	free(s->cr.ca_der_len);
	free(s->ladder);
	free(s->alerts);
	free(s->notes);
	free(s);
}

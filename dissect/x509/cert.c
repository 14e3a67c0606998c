/*
 * cert.c - X.509 certificates (RFC 5280 §4.1) into struct cert_info.
 *
 *   Certificate ::= SEQUENCE {
 *     tbsCertificate        SEQUENCE {
 *       version         [0] EXPLICIT INTEGER DEFAULT v1,
 *       serialNumber        INTEGER,
 *       signature           AlgorithmIdentifier,   SEQUENCE { OID, ANY }
 *       issuer              Name,                  (name.c)
 *       validity            SEQUENCE { Time, Time },  UTCTime | GeneralizedTime
 *       subject             Name,
 *       subjectPublicKeyInfo SEQUENCE { AlgorithmIdentifier, BIT STRING },
 *       issuerUniqueID  [1] IMPLICIT BIT STRING OPTIONAL,
 *       subjectUniqueID [2] IMPLICIT BIT STRING OPTIONAL,
 *       extensions      [3] EXPLICIT SEQUENCE OF SEQUENCE {
 *                             extnID OID, critical BOOLEAN DEFAULT FALSE,
 *                             extnValue OCTET STRING } OPTIONAL },
 *     signatureAlgorithm    AlgorithmIdentifier,
 *     signatureValue        BIT STRING }
 *
 * Leniency follows openssl's (crypto/x509/x_x509.c and friends): what its
 * ASN.1 templates refuse makes the certificate unparseable here too (a
 * broken Certificate / TBSCertificate / Name / validity / SPKI structure,
 * a time that is neither UTCTime nor GeneralizedTime, bytes after the
 * certificate). What openssl only decodes later, or shows as it can, is
 * read as far as it goes and flagged: a version number other than v1..v3,
 * unique IDs in any version, a date that does not parse, a key that does
 * not decode, explicit or unknown curves, DSA keys without parameters,
 * extension values that do not decode, duplicate and unknown extensions
 * (listed by OID; the critical ones counted), unknown algorithms (named
 * by OID and not checked). Like openssl's X509V3_EXT_d2i(), an extension
 * value is read as far as its ASN.1 value goes: bytes after it are ignored.
 */
#include "dissect/x509/x509_int.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* GeneralName choices we keep (RFC 5280 §4.2.1.6, IMPLICIT tags). */
enum { GN_EMAIL = 0x81, GN_DNS = 0x82, GN_URI = 0x86, GN_IP = 0x87 };

/* ---- serial -------------------------------------------------------------------- */

/* openssl -serial: the magnitude in hex (no sign-padding 00), "-" if
 * negative (invalid per RFC 5280, but it occurs). */
static char *serial_text(struct cursor v)
{
	struct dbuf b;
	uint8_t first, *mag;
	size_t n = cur_left(&v), i;
	struct span s;

	dbuf_init(&b, X509_STR_MAX);
	if (n == 0 || cur_peek_u8(&v, 0, &first) != PE_OK)
		return txt_take(&b);
	if (n > X509_STR_MAX / 2 - 1)
		n = X509_STR_MAX / 2 - 1;
	mag = xcalloc(n, 1);
	if (cur_copy(&v, mag, n) != PE_OK)
		n = 0;
	if (first & 0x80) {
		/* two's complement: magnitude = ~x + 1 */
		unsigned carry = 1;
		for (i = n; i-- > 0;) {
			unsigned x = (unsigned)(uint8_t)~mag[i] + carry;
			mag[i] = (uint8_t)x;
			carry = x >> 8;
		}
		txt_add(&b, "-", 1);
	}
	i = 0;
	while (i + 1 < n && mag[i] == 0)
		i++;
	s.p = mag + i;
	s.n = n - i;
	txt_hex(&b, s, 0);
	free(mag);
	return txt_take(&b);
}

/* ---- algorithms ---------------------------------------------------------------- */

/* AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }:
 * the frame openssl's X509_ALGOR requires (what the parameters mean is the
 * algorithm's business). */
PE_MUST_USE static enum parse_err alg_frame(const struct der *alg)
{
	struct cursor c = alg->val;
	struct der d;

	if (alg->id != DER_SEQUENCE)
		return PE_MALFORMED;
	TRY(der_expect(&c, DER_OID, &d));
	if (cur_left(&c))
		TRY(der_get(&c, &d));
	return cur_expect_end(&c);
}

/* An AlgorithmIdentifier that names a digest: SEQUENCE { OID, NULL? }. */
PE_MUST_USE static enum parse_err hash_alg_id(struct cursor c, const struct hash_def **h)
{
	struct der seq, oid;
	char buf[OID_TEXT_MAX];

	TRY(der_expect(&c, DER_SEQUENCE, &seq));
	TRY(cur_expect_end(&c));
	TRY(der_expect(&seq.val, DER_OID, &oid));
	TRY(der_oid(&oid, buf, sizeof buf));
	*h = oid_hash(buf);
	return *h ? PE_OK : PE_UNSUPPORTED;
}

/*
 * RSASSA-PSS-params ::= SEQUENCE {
 *   hashAlgorithm    [0] HashAlgorithm    DEFAULT sha1,
 *   maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
 *   saltLength       [2] INTEGER          DEFAULT 20,
 *   trailerField     [3] TrailerField     DEFAULT trailerFieldBC (1) }
 */
PE_MUST_USE static enum parse_err pss_params(struct cursor alg, struct sig_alg *sa)
{
	struct der params, f, inner, mgf_oid, mgf_params;
	char buf[OID_TEXT_MAX];
	long v;

	sa->hash = hash_by_id(HASH_SHA1);
	sa->mgf_hash = sa->hash;
	sa->salt_len = 20;
	if (cur_left(&alg) == 0)
		return PE_OK;
	TRY(der_expect(&alg, DER_SEQUENCE, &params));
	TRY(cur_expect_end(&alg));
	if (der_next_is(&params.val, DER_CTX0)) {
		TRY(der_get(&params.val, &f));
		TRY(hash_alg_id(f.val, &sa->hash));
		sa->mgf_hash = sa->hash; /* only when [1] is absent, which is rare */
	}
	if (der_next_is(&params.val, DER_CTX1)) {
		TRY(der_get(&params.val, &f));
		TRY(der_expect(&f.val, DER_SEQUENCE, &inner));
		TRY(cur_expect_end(&f.val));
		TRY(der_expect(&inner.val, DER_OID, &mgf_oid));
		TRY(der_oid(&mgf_oid, buf, sizeof buf));
		if (strcmp(buf, "1.2.840.113549.1.1.8") != 0) /* id-mgf1 */
			return PE_UNSUPPORTED;
		mgf_params.val = inner.val;
		TRY(hash_alg_id(mgf_params.val, &sa->mgf_hash));
	} else {
		sa->mgf_hash = hash_by_id(HASH_SHA1);
	}
	if (der_next_is(&params.val, DER_CTX2)) {
		TRY(der_get(&params.val, &f));
		TRY(der_expect(&f.val, DER_INTEGER, &inner));
		TRY(cur_expect_end(&f.val));
		TRY(der_long(&inner, &v));
		if (v < 0 || v > 65536)
			return PE_MALFORMED;
		sa->salt_len = (size_t)v;
	}
	if (der_next_is(&params.val, DER_CTX3)) {
		TRY(der_get(&params.val, &f));
		TRY(der_expect(&f.val, DER_INTEGER, &inner));
		TRY(der_long(&inner, &v));
		if (v != 1)
			return PE_UNSUPPORTED;
	}
	return cur_expect_end(&params.val);
}

enum parse_err sig_alg_walk(const struct der *alg, struct sig_alg *sa)
{
	struct cursor c = alg->val;
	struct der oid;

	memset(sa, 0, sizeof(*sa));
	TRY(alg_frame(alg));
	TRY(der_expect(&c, DER_OID, &oid));
	TRY(der_oid(&oid, sa->oid, sizeof sa->oid));
	sa->def = oid_sig_alg(sa->oid);
	sa->scheme = sa->def ? sa->def->scheme : SIG_UNKNOWN;
	sa->hash = sa->def ? hash_by_id(sa->def->hash) : NULL;
	if (sa->scheme == SIG_RSA_PSS) {
		enum parse_err e = pss_params(c, sa);
		if (e != PE_OK)
			sa->scheme = SIG_UNKNOWN;
		return e;
	}
	return PE_OK;
}

/* ---- keys ---------------------------------------------------------------------- */

/*
 * ECParameters ::= SEQUENCE { version INTEGER, fieldID SEQUENCE { fieldType
 *   OID, parameters ANY }, curve SEQUENCE { a OCTET STRING, b OCTET STRING,
 *   seed BIT STRING OPTIONAL }, base OCTET STRING, order INTEGER,
 *   cofactor INTEGER OPTIONAL }   (SEC 1 §C.2)
 */
PE_MUST_USE static enum parse_err ec_explicit(struct cursor c, struct key_info *k)
{
	struct der ver, field, ftype, prime, curve, a, b, base, order, cof;
	char buf[OID_TEXT_MAX];
	struct cursor g;
	uint8_t form;
	size_t half;

	TRY(der_expect(&c, DER_INTEGER, &ver));
	TRY(der_expect(&c, DER_SEQUENCE, &field));
	TRY(der_expect(&field.val, DER_OID, &ftype));
	TRY(der_oid(&ftype, buf, sizeof buf));
	TRY(der_expect(&c, DER_SEQUENCE, &curve));
	TRY(der_expect(&curve.val, DER_OCTET_STRING, &a));
	TRY(der_expect(&curve.val, DER_OCTET_STRING, &b));
	TRY(der_expect(&c, DER_OCTET_STRING, &base));
	TRY(der_expect(&c, DER_INTEGER, &order));
	TRY(der_uint(&order, &k->order));
	k->bits = span_bits(k->order);
	k->cofactor = 1;
	if (der_next_is(&c, DER_INTEGER)) {
		TRY(der_get(&c, &cof));
		TRY(der_long(&cof, &k->cofactor));
	}
	if (strcmp(buf, "1.2.840.10045.1.1") != 0) /* prime-field; binary: shown only */
		return PE_OK;
	TRY(der_expect(&field.val, DER_INTEGER, &prime));
	TRY(der_uint(&prime, &k->prime));
	k->a = cur_rest(&a.val);
	k->b = cur_rest(&b.val);
	/* base point, uncompressed: 04 || x || y */
	g = base.val;
	TRY(cur_u8(&g, &form));
	half = cur_left(&g) / 2;
	if (form != 4 || cur_left(&g) % 2)
		return PE_UNSUPPORTED;
	TRY(cur_bytes(&g, half, &k->gx));
	TRY(cur_bytes(&g, half, &k->gy));
	return PE_OK;
}

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
PE_MUST_USE static enum parse_err rsa_key(struct cursor c, struct key_info *k)
{
	struct der seq, n, e;

	TRY(der_expect(&c, DER_SEQUENCE, &seq));
	TRY(cur_expect_end(&c));
	TRY(der_expect(&seq.val, DER_INTEGER, &n));
	TRY(der_expect(&seq.val, DER_INTEGER, &e));
	TRY(cur_expect_end(&seq.val));
	TRY(der_uint(&n, &k->n));
	TRY(der_uint(&e, &k->e));
	k->bits = span_bits(k->n);
	return PE_OK;
}

/* Dss-Parms ::= SEQUENCE { p INTEGER, q INTEGER, g INTEGER } */
PE_MUST_USE static enum parse_err dsa_params(struct cursor c, struct key_info *k)
{
	struct der seq, p, q, g;

	TRY(der_expect(&c, DER_SEQUENCE, &seq));
	TRY(cur_expect_end(&c));
	TRY(der_expect(&seq.val, DER_INTEGER, &p));
	TRY(der_expect(&seq.val, DER_INTEGER, &q));
	TRY(der_expect(&seq.val, DER_INTEGER, &g));
	TRY(cur_expect_end(&seq.val));
	TRY(der_uint(&p, &k->p));
	TRY(der_uint(&q, &k->q));
	TRY(der_uint(&g, &k->g));
	k->bits = span_bits(k->p);
	return PE_OK;
}

/* The key inside the BIT STRING, by algorithm. */
PE_MUST_USE static enum parse_err key_body(struct cursor params, struct span bits,
					   struct key_info *k)
{
	struct cursor key;
	struct der d;
	uint8_t form;

	cur_init(&key, bits.p, bits.n);
	switch (k->type) {
	case KEY_RSA:
		/* rsassaPss keys may carry parameters restricting their use: the
		 * signature's own parameters are what a check needs */
		return rsa_key(key, k);
	case KEY_EC:
		if (der_next_is(&params, DER_OID)) {
			TRY(der_get(&params, &d));
			TRY(der_oid(&d, k->curve_oid, sizeof k->curve_oid));
			k->curve_der = cur_rest(&d.val);
			k->curve = oid_curve(k->curve_oid);
			k->bits = k->curve ? k->curve->bits : 0;
			if (!k->curve)
				return PE_UNSUPPORTED; /* openssl cannot load it either */
		} else if (der_next_is(&params, DER_SEQUENCE)) {
			TRY(der_get(&params, &d));
			k->explicit_curve = 1;
			TRY(ec_explicit(d.val, k));
		} else {
			return PE_UNSUPPORTED; /* implicitlyCA, absent */
		}
		TRY(cur_peek_u8(&key, 0, &form));
		if (form != 2 && form != 3 && form != 4)
			return PE_MALFORMED;
		k->point = bits;
		return PE_OK;
	case KEY_DSA:
		if (cur_left(&params) == 0 || der_next_is(&params, DER_NULL))
			k->params_inherited = 1; /* RFC 3279 §2.3.2: the issuer's */
		else
			TRY(dsa_params(params, k));
		TRY(der_expect(&key, DER_INTEGER, &d));
		TRY(cur_expect_end(&key));
		return der_uint(&d, &k->y);
	case KEY_ED25519:
	case KEY_X25519:
	case KEY_ED448:
	case KEY_X448: {
		size_t want = k->type == KEY_ED25519 || k->type == KEY_X25519 ? 32
			      : k->type == KEY_ED448			      ? 57
									      : 56;
		k->bits = k->type == KEY_ED25519 || k->type == KEY_X25519 ? 255 : 448;
		if (cur_left(&params) || bits.n != want)
			return PE_MALFORMED; /* RFC 8410 §3: parameters absent */
		k->pub = bits;
		return PE_OK;
	}
	default: return PE_UNSUPPORTED;
	}
}

enum parse_err key_walk(const struct der *spki, struct key_info *k)
{
	struct cursor in = spki->val, params;
	struct der alg, oid, key;
	struct span bits;
	unsigned unused;

	memset(k, 0, sizeof(*k));
	if (spki->id != DER_SEQUENCE)
		return PE_MALFORMED;
	TRY(der_expect(&in, DER_SEQUENCE, &alg));
	TRY(der_expect(&in, DER_BIT_STRING, &key));
	TRY(cur_expect_end(&in));
	TRY(alg_frame(&alg));
	TRY(der_expect(&alg.val, DER_OID, &oid));
	TRY(der_oid(&oid, k->oid, sizeof k->oid));
	params = alg.val;
	k->def = oid_key_alg(k->oid);
	k->type = k->def ? k->def->type : KEY_UNKNOWN;
	if (der_bits(&key, &bits, &unused) != PE_OK || unused != 0 ||
	    key_body(params, bits, k) != PE_OK)
		k->bad = 1;
	return PE_OK;
}

/* ---- extensions ---------------------------------------------------------------- */

/* A GeneralName we keep, as text; others are skipped. */
PE_MUST_USE static enum parse_err general_name(struct cert_info *c, const struct der *gn)
{
	struct strlist *l;
	char *s;

	switch (gn->id) {
	case GN_DNS: l = &c->san_dns; break;
	case GN_EMAIL: l = &c->san_email; break;
	case GN_URI: l = &c->san_uri; break;
	case GN_IP: l = &c->san_ip; break;
	default:
		/* otherName [0], x400Address [3], directoryName [4],
		 * ediPartyName [5], registeredID [8]; nothing else is one */
		if ((gn->id & 0xc0) != 0x80 || gn->num > 8)
			return PE_MALFORMED;
		return PE_OK;
	}
	if (gn->id == GN_IP) {
		uint8_t a[16];
		char txt[INET6_ADDRSTRLEN];
		struct cursor v = gn->val;
		size_t n = cur_left(&v);

		if (n == 4 || n == 16) {
			TRY(cur_copy(&v, a, n));
			if (inet_ntop(n == 4 ? AF_INET : AF_INET6, a, txt, sizeof txt) == NULL)
				return PE_MALFORMED;
			s = xstrdup(txt);
		} else {
			s = xasprintf("<invalid length=%zu>", n); /* as openssl prints it */
		}
	} else {
		s = span_text(cur_rest(&gn->val));
	}
	c->san_text_len += strlen(s) + (c->san_text_len ? 1 : 0);
	return sl_push(l, s);
}

PE_MUST_USE static enum parse_err ext_san(struct cert_info *c, struct cursor v)
{
	struct der names, gn;

	c->has_san = 1;
	c->san_der_len += cur_left(&v);
	TRY(der_expect(&v, DER_SEQUENCE, &names));
	while (cur_left(&names.val)) {
		TRY(der_get(&names.val, &gn));
		TRY(general_name(c, &gn));
	}
	return PE_OK;
}

PE_MUST_USE static enum parse_err ext_eku(struct cert_info *c, struct cursor v)
{
	struct der seq, oid;
	char buf[OID_TEXT_MAX];
	const char *name;

	c->has_eku = 1;
	TRY(der_expect(&v, DER_SEQUENCE, &seq));
	while (cur_left(&seq.val)) {
		TRY(der_expect(&seq.val, DER_OID, &oid));
		TRY(der_oid(&oid, buf, sizeof buf));
		name = oid_eku_name(buf);
		TRY(sl_push(&c->eku_oids, xstrdup(buf)));
		TRY(sl_push(&c->eku_names, xstrdup(name ? name : buf)));
		c->eku_server_auth |= strcmp(buf, OID_EKU_SERVER_AUTH) == 0;
		c->eku_client_auth |= strcmp(buf, OID_EKU_CLIENT_AUTH) == 0;
		c->eku_any |= strcmp(buf, OID_EKU_ANY) == 0;
	}
	return PE_OK;
}

/* KeyUsage ::= BIT STRING; bit 0 (digitalSignature) is the first byte's
 * top bit. Bits past the unused count are cleared, as openssl does. */
PE_MUST_USE static enum parse_err ext_ku(struct cert_info *c, struct cursor v)
{
	struct der ku;
	struct span bits;
	struct cursor b;
	unsigned unused, bit = 0;
	uint8_t byte;

	TRY(der_expect(&v, DER_BIT_STRING, &ku));
	TRY(der_bits(&ku, &bits, &unused));
	c->has_key_usage = 1;
	c->key_usage = 0;
	cur_init(&b, bits.p, bits.n);
	while (cur_u8(&b, &byte) == PE_OK && bit < 16) {
		if (cur_left(&b) == 0)
			byte &= (uint8_t)(0xffu << unused);
		for (int k = 7; k >= 0; k--, bit++)
			if (byte >> k & 1 && bit <= 8)
				c->key_usage |= 1u << bit;
	}
	return PE_OK;
}

/* BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE,
 *   pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
PE_MUST_USE static enum parse_err ext_bc(struct cert_info *c, struct cursor v)
{
	struct der seq, d;
	struct span mag;
	enum parse_err e;
	long n;

	TRY(der_expect(&v, DER_SEQUENCE, &seq));
	c->has_basic_constraints = 1;
	if (der_next_is(&seq.val, DER_BOOLEAN)) {
		TRY(der_get(&seq.val, &d));
		TRY(der_bool(&d, &c->is_ca));
	}
	if (der_next_is(&seq.val, DER_INTEGER)) {
		TRY(der_get(&seq.val, &d));
		/* openssl keeps any INTEGER; larger than an int is "unlimited" */
		e = der_long(&d, &n);
		if (e == PE_LIMIT && der_uint(&d, &mag) == PE_OK)
			n = LONG_MAX;
		else if (e != PE_OK)
			return e;
		if (n < 0)
			return PE_MALFORMED;
		c->path_len = n > INT_MAX ? INT_MAX : (int)n;
	}
	return cur_expect_end(&seq.val);
}

PE_MUST_USE static enum parse_err ext_ski(struct cert_info *c, struct cursor v)
{
	struct der os;

	TRY(der_expect(&v, DER_OCTET_STRING, &os));
	c->ski_len = cur_left(&os.val);
	c->ski = span_dup(cur_rest(&os.val));
	return PE_OK;
}

/* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] OPTIONAL,
 *   authorityCertIssuer [1] GeneralNames OPTIONAL,
 *   authorityCertSerialNumber [2] INTEGER OPTIONAL } */
PE_MUST_USE static enum parse_err ext_aki(struct cert_info *c, struct cursor v)
{
	struct der seq, d;

	TRY(der_expect(&v, DER_SEQUENCE, &seq));
	if (der_next_is(&seq.val, DER_CTX0_PRIM)) {
		TRY(der_get(&seq.val, &d));
		c->aki_len = cur_left(&d.val);
		c->aki = span_dup(cur_rest(&d.val));
	}
	if (der_next_is(&seq.val, DER_CTX1))
		TRY(der_get(&seq.val, &d));
	if (der_next_is(&seq.val, DER_CTX2_PRIM))
		TRY(der_get(&seq.val, &d));
	return cur_expect_end(&seq.val);
}

/* URIs out of GeneralNames into a list. */
PE_MUST_USE static enum parse_err uris(struct cursor names, struct strlist *out)
{
	struct der gn;
	while (cur_left(&names)) {
		TRY(der_get(&names, &gn));
		if (gn.id == GN_URI)
			TRY(sl_push(out, span_text(cur_rest(&gn.val))));
	}
	return PE_OK;
}

/* DistributionPoint ::= SEQUENCE { [0] DistributionPointName OPTIONAL,
 *   [1] reasons, [2] cRLIssuer }; DistributionPointName ::= CHOICE {
 *   fullName [0] GeneralNames, nameRelativeToCRLIssuer [1] } */
PE_MUST_USE static enum parse_err ext_crldp(struct cert_info *c, struct cursor v)
{
	struct der seq, dp, name, full;

	TRY(der_expect(&v, DER_SEQUENCE, &seq));
	while (cur_left(&seq.val)) {
		TRY(der_expect(&seq.val, DER_SEQUENCE, &dp));
		if (!der_next_is(&dp.val, DER_CTX0))
			continue;
		TRY(der_get(&dp.val, &name));
		if (!der_next_is(&name.val, DER_CTX0))
			continue;
		TRY(der_get(&name.val, &full));
		TRY(uris(full.val, &c->crl_dp));
	}
	return PE_OK;
}

/* AuthorityInfoAccessSyntax ::= SEQUENCE OF SEQUENCE { accessMethod OID,
 *   accessLocation GeneralName } */
PE_MUST_USE static enum parse_err ext_aia(struct cert_info *c, struct cursor v)
{
	struct der seq, ad, method, loc;
	char buf[OID_TEXT_MAX];

	TRY(der_expect(&v, DER_SEQUENCE, &seq));
	while (cur_left(&seq.val)) {
		TRY(der_expect(&seq.val, DER_SEQUENCE, &ad));
		TRY(der_expect(&ad.val, DER_OID, &method));
		TRY(der_get(&ad.val, &loc));
		TRY(cur_expect_end(&ad.val));
		TRY(der_oid(&method, buf, sizeof buf));
		if (loc.id != GN_URI)
			continue;
		if (strcmp(buf, "1.3.6.1.5.5.7.48.1") == 0)
			TRY(sl_push(&c->ocsp, span_text(cur_rest(&loc.val))));
		else if (strcmp(buf, "1.3.6.1.5.5.7.48.2") == 0)
			TRY(sl_push(&c->ca_issuers, span_text(cur_rest(&loc.val))));
	}
	return PE_OK;
}

/* certificatePolicies ::= SEQUENCE OF SEQUENCE { policyIdentifier OID,
 *   policyQualifiers SEQUENCE OPTIONAL } */
PE_MUST_USE static enum parse_err ext_policies(struct cert_info *c, struct cursor v)
{
	struct der seq, pi, oid;
	char buf[OID_TEXT_MAX];

	TRY(der_expect(&v, DER_SEQUENCE, &seq));
	while (cur_left(&seq.val)) {
		TRY(der_expect(&seq.val, DER_SEQUENCE, &pi));
		TRY(der_expect(&pi.val, DER_OID, &oid));
		TRY(der_oid(&oid, buf, sizeof buf));
		TRY(sl_push(&c->policies, xstrdup(buf)));
	}
	return PE_OK;
}

/* Decode one extension's value into the model; returns its result. The
 * single-valued kinds are taken from the first of duplicates; the lists
 * gather every copy, as `openssl x509 -text` shows every copy. */
static enum parse_err ext_value(struct cert_info *c, enum ext_kind kind, int dup, struct cursor v)
{
	switch (kind) {
	case EXT_SAN: return ext_san(c, v);
	case EXT_EKU: return ext_eku(c, v);
	case EXT_CRLDP: return ext_crldp(c, v);
	case EXT_AIA: return ext_aia(c, v);
	case EXT_POLICIES: return ext_policies(c, v);
	case EXT_KU: return dup ? PE_OK : ext_ku(c, v);
	case EXT_BC: return dup ? PE_OK : ext_bc(c, v);
	case EXT_SKI: return dup ? PE_OK : ext_ski(c, v);
	case EXT_AKI: return dup ? PE_OK : ext_aki(c, v);
	default: return PE_OK;
	}
}

PE_MUST_USE static enum parse_err walk_extensions(struct cert_info *c, struct cursor x)
{
	struct der list, ext, oid, crit, val;

	TRY(der_expect(&x, DER_SEQUENCE, &list));
	TRY(cur_expect_end(&x));
	while (cur_left(&list.val)) {
		char buf[OID_TEXT_MAX];
		const struct ext_def *def;
		struct cert_ext *e;
		int critical = 0;

		if (c->n_exts >= X509_LIST_MAX)
			return PE_LIMIT;
		TRY(der_expect(&list.val, DER_SEQUENCE, &ext));
		TRY(der_expect(&ext.val, DER_OID, &oid));
		TRY(der_oid(&oid, buf, sizeof buf));
		if (der_next_is(&ext.val, DER_BOOLEAN)) {
			TRY(der_get(&ext.val, &crit));
			TRY(der_bool(&crit, &critical));
		}
		TRY(der_expect(&ext.val, DER_OCTET_STRING, &val));
		TRY(cur_expect_end(&ext.val));

		def = oid_ext(buf);
		c->exts = xreallocarray(c->exts, c->n_exts + 1, sizeof(*c->exts));
		e = &c->exts[c->n_exts];
		memset(e, 0, sizeof(*e));
		e->oid = xstrdup(buf);
		e->name = def ? xstrdup(def->name) : NULL;
		e->critical = critical;
		e->handled = def && def->handled;
		for (size_t i = 0; i < c->n_exts; i++)
			e->duplicate |= strcmp(c->exts[i].oid, buf) == 0;
		c->n_exts++;
		if (critical && !e->handled)
			c->unhandled_critical++;
		if (def && ext_value(c, def->kind, e->duplicate, val.val) != PE_OK)
			e->undecodable = 1;
	}
	return PE_OK;
}

/* ---- the certificate ------------------------------------------------------------- */

enum parse_err cert_signed_parts(struct span der, struct signed_parts *sp)
{
	struct cursor all, cert, tbs;
	struct der d, t, alg;
	unsigned unused;

	cur_init(&all, der.p, der.n);
	TRY(der_expect(&all, DER_SEQUENCE, &d));
	TRY(cur_expect_end(&all));
	cert = d.val;
	TRY(der_expect(&cert, DER_SEQUENCE, &t));
	TRY(der_expect(&cert, DER_SEQUENCE, &sp->alg));
	TRY(der_expect(&cert, DER_BIT_STRING, &d));
	TRY(cur_expect_end(&cert));
	TRY(der_bits(&d, &sp->sig, &unused));
	if (unused)
		return PE_MALFORMED;
	sp->tbs = t.tlv;
	/* the TBSCertificate's own signature field: after [0] and the serial */
	tbs = t.val;
	if (der_next_is(&tbs, DER_CTX0))
		TRY(der_get(&tbs, &d));
	TRY(der_expect(&tbs, DER_INTEGER, &d));
	TRY(der_expect(&tbs, DER_SEQUENCE, &alg));
	sp->tbs_alg = alg.tlv;
	return PE_OK;
}

/* Copy a UniqueIdentifier's bits. */
PE_MUST_USE static enum parse_err unique_id(const struct der *d, uint8_t **out, size_t *len)
{
	struct span bits;
	unsigned unused;

	TRY(der_bits(d, &bits, &unused));
	*out = span_dup(bits);
	*len = bits.n;
	return PE_OK;
}

static void set_key(struct cert_info *c, const struct key_info *k)
{
	c->key_type = k->type;
	c->key_bits = k->bits;
	c->key_alg_oid = xstrdup(k->oid);
	c->key_alg = xstrdup(k->def ? k->def->name : k->oid);
	c->key_bad = k->bad;
	c->key_explicit_curve = k->explicit_curve;
	c->key_params_inherited = k->params_inherited;
	if (k->curve)
		c->key_curve = xstrdup(k->curve->name);
	else if (k->curve_oid[0])
		c->key_curve = xstrdup(k->curve_oid); /* an unknown named curve */
}

/* One Time of the validity: UTCTime or GeneralizedTime (else openssl
 * cannot read the certificate); contents that do not parse set *bad. */
PE_MUST_USE static enum parse_err validity_time(struct cursor *v, time_t *t, char str[21], int *bad)
{
	struct der d;
	int64_t when;

	TRY(der_get(v, &d));
	if (d.id != DER_UTCTIME && d.id != DER_GENTIME)
		return PE_MALFORMED;
	if (der_time(&d, &when, str) == PE_OK)
		*t = (time_t)when;
	else
		*bad = 1;
	return PE_OK;
}

PE_MUST_USE static enum parse_err walk_cert(struct cert_info *c, const char **what)
{
	struct signed_parts sp;
	struct cursor all, tbs;
	struct der d, t, tbs_alg;
	struct sig_alg sa;
	struct key_info key;
	enum parse_err e;

	*what = "Certificate";
	{
		struct span der = { c->der, c->der_len };
		TRY(cert_signed_parts(der, &sp));
	}
	cur_init(&all, sp.tbs.p, sp.tbs.n);
	TRY(der_expect(&all, DER_SEQUENCE, &t));
	tbs = t.val;

	*what = "version";
	c->version_num = 0;
	if (der_next_is(&tbs, DER_CTX0)) {
		struct der v;
		TRY(der_get(&tbs, &d));
		TRY(der_expect(&d.val, DER_INTEGER, &v));
		TRY(cur_expect_end(&d.val));
		e = der_long(&v, &c->version_num);
		if (e == PE_LIMIT)
			c->version_num = -1;
		else if (e != PE_OK)
			return e;
	}
	c->version = c->version_num >= 0 && c->version_num <= 2 ? (int)c->version_num + 1 : 0;

	*what = "serialNumber";
	TRY(der_expect(&tbs, DER_INTEGER, &d));
	c->serial_hex = serial_text(d.val);

	*what = "signature";
	TRY(der_expect(&tbs, DER_SEQUENCE, &tbs_alg));
	TRY(alg_frame(&tbs_alg));
	*what = "issuer";
	TRY(der_expect(&tbs, DER_SEQUENCE, &d));
	TRY(name_walk(&c->issuer, &d));

	*what = "validity";
	TRY(der_expect(&tbs, DER_SEQUENCE, &d));
	TRY(validity_time(&d.val, &c->not_before, c->not_before_str, &c->not_before_bad));
	TRY(validity_time(&d.val, &c->not_after, c->not_after_str, &c->not_after_bad));
	TRY(cur_expect_end(&d.val));

	*what = "subject";
	TRY(der_expect(&tbs, DER_SEQUENCE, &d));
	TRY(name_walk(&c->subject, &d));

	*what = "subjectPublicKeyInfo";
	TRY(der_expect(&tbs, DER_SEQUENCE, &d));
	c->spki_der = span_dup(d.tlv);
	c->spki_der_len = d.tlv.n;
	TRY(key_walk(&d, &key));
	set_key(c, &key);

	*what = "issuerUniqueID";
	if (der_next_is(&tbs, DER_CTX1_PRIM)) {
		TRY(der_get(&tbs, &d));
		TRY(unique_id(&d, &c->issuer_uid, &c->issuer_uid_len));
	}
	*what = "subjectUniqueID";
	if (der_next_is(&tbs, DER_CTX2_PRIM)) {
		TRY(der_get(&tbs, &d));
		TRY(unique_id(&d, &c->subject_uid, &c->subject_uid_len));
	}
	if (der_next_is(&tbs, DER_CTX3)) {
		*what = "extensions";
		TRY(der_get(&tbs, &d));
		TRY(walk_extensions(c, d.val));
	}
	*what = "TBSCertificate";
	TRY(cur_expect_end(&tbs));

	*what = "signatureAlgorithm";
	TRY(alg_frame(&sp.alg));
	if (sig_alg_walk(&sp.alg, &sa) != PE_OK)
		sa.scheme = SIG_UNKNOWN; /* bad PSS parameters: named, not checked */
	c->sig_alg_oid = xstrdup(sa.oid);
	c->sig_alg = xstrdup(sa.def ? sa.def->name : sa.oid);
	c->sig_known = sa.scheme != SIG_UNKNOWN;
	c->sig_sha1 = sa.hash ? sa.hash->weak : 0;
	if (sa.def && sa.def->scheme == SIG_RSA_PSS && !sa.hash)
		c->sig_sha1 = 1; /* parameters we cannot read: SHA-1 is the default */
	c->sig_alg_mismatch = !span_eq(tbs_alg.tlv, sp.alg.tlv);
	return PE_OK;
}

/* ---- decode / free ----------------------------------------------------------- */

void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Free everything decoded; keep DER and fingerprints. */
static void cert_clear_parsed(struct cert_info *c)
{
	struct cert_info keep;

	free(c->parse_error);
	free(c->serial_hex);
	dn_free(&c->subject);
	dn_free(&c->issuer);
	free(c->issuer_uid);
	free(c->subject_uid);
	strlist_free(&c->san_dns);
	strlist_free(&c->san_ip);
	strlist_free(&c->san_email);
	strlist_free(&c->san_uri);
	strlist_free(&c->eku_oids);
	strlist_free(&c->eku_names);
	free(c->ski);
	free(c->aki);
	free(c->key_curve);
	free(c->key_alg);
	free(c->key_alg_oid);
	free(c->spki_der);
	free(c->sig_alg);
	free(c->sig_alg_oid);
	strlist_free(&c->crl_dp);
	strlist_free(&c->ocsp);
	strlist_free(&c->ca_issuers);
	strlist_free(&c->policies);
	for (size_t i = 0; i < c->n_exts; i++) {
		free(c->exts[i].oid);
		free(c->exts[i].name);
	}
	free(c->exts);

	memset(&keep, 0, sizeof keep);
	keep.der = c->der;
	keep.der_len = c->der_len;
	/* lint: ok: our own digests, copied into the kept record */
	memcpy(keep.sha1, c->sha1, sizeof keep.sha1);			/* lint: ok */
	memcpy(keep.sha256, c->sha256, sizeof keep.sha256);		/* lint: ok */
	memcpy(keep.sha1_hex, c->sha1_hex, sizeof keep.sha1_hex);	/* lint: ok */
	memcpy(keep.sha256_hex, c->sha256_hex, sizeof keep.sha256_hex); /* lint: ok */
	keep.path_len = -1;
	*c = keep;
}

static void hex_into(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

struct cert_info *x509_decode(const uint8_t *der, size_t len)
{
	struct cert_info *c = xcalloc(1, sizeof(*c));
	struct span s = { der, der ? len : 0 };
	const char *what = NULL;
	enum parse_err e;

	c->path_len = -1;
	c->der = span_dup(s);
	c->der_len = s.n;
	if (x509_hash(HASH_SHA1, s, c->sha1) != 0)
		memset(c->sha1, 0, sizeof c->sha1);
	if (x509_hash(HASH_SHA256, s, c->sha256) != 0)
		memset(c->sha256, 0, sizeof c->sha256);
	hex_into(c->sha1_hex, c->sha1, sizeof c->sha1);
	hex_into(c->sha256_hex, c->sha256, sizeof c->sha256);

	if (c->der_len == 0) {
		c->parse_error = xstrdup("empty certificate");
		return c;
	}
	if (c->der_len > X509_MAX_DER) {
		c->parse_error = xasprintf("certificate of %zu bytes is over the %u-byte limit",
					   c->der_len, X509_MAX_DER);
		return c;
	}
	e = walk_cert(c, &what);
	if (e != PE_OK) {
		cert_clear_parsed(c);
		c->parse_error = xasprintf("%s: %s", what, pe_str(e));
		return c;
	}
	c->self_issued = x509_dn_eq(&c->subject, &c->issuer);
	c->parse_ok = 1;
	return c;
}

void cert_info_free(struct cert_info *c)
{
	if (c == NULL)
		return;
	cert_clear_parsed(c);
	free(c->der);
	free(c);
}

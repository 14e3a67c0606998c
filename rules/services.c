/*
 * services.c - the port table of DOMAIN §3 as data: which Cisco
 * collaboration service listens on a port, who is client and server there,
 * whether the same certificate is used in both roles (mutual TLS), and
 * where each side fixes its certificate or its trust list (DOMAIN §6).
 * The user extends it with --port PORT=NAME (cfg->ports).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "capture/xalloc.h"
#include "dissect/session.h"
#include "rules/rule_int.h"

/* One service a row, as DOMAIN §3 lists them. */
/* clang-format off */
static const struct service_def services[] = {
	{ 7001, "Expressway traversal zone", "traversal", 1, 1, { "Expressway-C", "Expressway-E" },
	  { PROD_EXPRESSWAY, PROD_EXPRESSWAY }, NULL, NULL, NULL, 0, 1 },
	{ 5061, "SIP over TLS", "sip-tls", 1, 1, { "SIP client", "SIP server" }, { PROD_SIP, PROD_SIP },
	  "CallManager", "CallManager-trust", "Cisco CallManager", 0, 1 },
	{ 2445, "CUCM Trust Verification Service (TVS)", "tvs", 1, 0, { "phone", "TVS" },
	  { PROD_PHONE, PROD_CUCM }, "TVS", "TVS-trust", "Cisco Trust Verification Service", 1 },
	{ 8443, "CUCM Tomcat HTTPS", "tomcat", 1, 0, { "client", "CUCM Tomcat" },
	  { PROD_GENERIC, PROD_CUCM }, "tomcat", "tomcat-trust", "Cisco Tomcat" },
	{ 443, "HTTPS", "https", 0, 0, { "client", "server" }, { PROD_GENERIC, PROD_GENERIC }, NULL,
	  NULL, NULL },
	{ 3804, "CUCM CAPF", "capf", 1, 0, { "phone", "CAPF" }, { PROD_PHONE, PROD_CUCM }, "CAPF",
	  "CAPF-trust", "Cisco Certificate Authority Proxy Function", 1 },
	{ 6971, "CUCM TFTP over HTTPS", "tftp-https", 1, 0, { "phone", "CUCM TFTP" },
	  { PROD_PHONE, PROD_CUCM }, "tomcat", "tomcat-trust", "Cisco Tomcat", 1 },
	{ 6972, "CUCM TFTP over HTTPS", "tftp-https", 1, 0, { "phone", "CUCM TFTP" },
	  { PROD_PHONE, PROD_CUCM }, "tomcat", "tomcat-trust", "Cisco Tomcat", 1 },
	{ 5222, "XMPP client (IM and Presence)", "xmpp", 1, 0, { "Jabber", "IM and Presence" },
	  { PROD_GENERIC, PROD_CUCM }, "cup-xmpp", "cup-xmpp-trust", "Cisco XCP Connection Manager" },
	{ 5269, "XMPP federation", "xmpp-s2s", 1, 0, { "XMPP peer", "IM and Presence" },
	  { PROD_GENERIC, PROD_CUCM }, "cup-xmpp-s2s", "cup-xmpp-trust",
	  "Cisco XCP XMPP Federation Connection Manager" },
	{ 636, "LDAPS (directory sync)", "ldaps", 0, 0, { "CUCM", "directory server" },
	  { PROD_CUCM, PROD_DIRECTORY }, NULL, "tomcat-trust", "Cisco DirSync" },
	{ 3269, "LDAPS global catalog (directory sync)", "ldaps-gc", 0, 0,
	  { "CUCM", "directory server" }, { PROD_CUCM, PROD_DIRECTORY }, NULL, "tomcat-trust",
	  "Cisco DirSync" },
};

static const struct service_def generic = {
	0, NULL, NULL, 0, 0, { "client", "server" }, { PROD_GENERIC, PROD_GENERIC }, NULL, NULL, NULL,
};
/* clang-format on */

void service_get(const struct analysis_config *cfg, uint16_t port, struct service_def *out)
{
	size_t i, j;

	*out = generic;
	out->port = port;
	for (i = 0; cfg && i < cfg->n_ports; i++) {
		const struct port_name *pn = &cfg->ports[i];

		if (pn->port != port || !pn->name)
			continue;
		for (j = 0; j < sizeof(services) / sizeof(services[0]); j++) {
			if (strcasecmp(pn->name, services[j].name) == 0 ||
			    strcasecmp(pn->name, services[j].key) == 0) {
				*out = services[j];
				break;
			}
		}
		out->port = port;
		out->name = pn->name;
		out->cisco_uc = out->cisco_uc || pn->cisco_uc;
		return;
	}
	for (j = 0; j < sizeof(services) / sizeof(services[0]); j++)
		if (services[j].port == port) {
			*out = services[j];
			return;
		}
}

const char *service_lookup(const struct analysis_config *cfg, uint16_t server_port, int *cisco_uc)
{
	struct service_def d;

	service_get(cfg, server_port, &d);
	if (cisco_uc)
		*cisco_uc = d.cisco_uc;
	return d.name;
}

const char *service_role(const struct service_def *svc, int side)
{
	if (side != SIDE_CLIENT && side != SIDE_SERVER)
		return "the peer";
	if (svc->prod[side] == PROD_GENERIC && !svc->name)
		return side == SIDE_CLIENT ? "the client" : "the server";
	if (strcmp(svc->role[side], "client") == 0)
		return "the client";
	if (strcmp(svc->role[side], "server") == 0)
		return "the server";
	if (strcmp(svc->role[side], "phone") == 0)
		return "the phone";
	if (strcmp(svc->role[side], "directory server") == 0)
		return "the directory server";
	/* On 5061 either CUCM or an Expressway (or a phone) may be either side:
	 * the table cannot say which, so the roles stay neutral. */
	if (strcmp(svc->role[side], "SIP client") == 0)
		return "the SIP client";
	if (strcmp(svc->role[side], "SIP server") == 0)
		return "the SIP server";
	return svc->role[side];
}

char *advice_own_cert(const struct service_def *svc, int side)
{
	const char *role = service_role(svc, side);

	switch (svc->prod[side]) {
	case PROD_EXPRESSWAY:
		return xasprintf(
			"On %s, upload the corrected certificate under Maintenance > Security > "
			"Server certificate (one certificate at a time; restart afterwards).",
			role);
	case PROD_CUCM:
		if (svc->cucm_cert)
			return xasprintf(
				"On CUCM, Cisco Unified OS Administration > Security > Certificate "
				"Management: generate a CSR for %s, have it signed, upload the CA and "
				"intermediates as %s first, then the %s certificate, and restart the %s "
				"service.",
				svc->cucm_cert, svc->cucm_trust, svc->cucm_cert, svc->cucm_restart);
		return xstrdup("On CUCM, Cisco Unified OS Administration > Security > Certificate "
			       "Management: replace the certificate and restart the service.");
	case PROD_SIP:
		return xasprintf(
			"If %s is CUCM: Cisco Unified OS Administration > Security > Certificate "
			"Management, re-issue the CallManager certificate (upload its CA as "
			"CallManager-trust first) and restart Cisco CallManager. If it is an "
			"Expressway: Maintenance > Security > Server certificate.",
			side == SIDE_SERVER ? "the SIP server" : "the SIP client");
	case PROD_PHONE:
		return xstrdup("Phones present their MIC or an LSC issued through CAPF: install or "
			       "renew the LSC from the phone's page in CUCM Administration "
			       "(Certificate Authority Proxy Function section).");
	case PROD_DIRECTORY:
		return xstrdup(
			"On the directory server, enroll a certificate from a template with "
			"Server Authentication (serverAuth) whose names include the host name "
			"CUCM is configured with, and restart the LDAP service.");
	case PROD_GENERIC: break;
	}
	return xasprintf("Replace the certificate on %s with one that fixes this (most servers "
			 "need a restart or reload afterwards).",
			 role);
}

char *advice_trust(const struct service_def *svc, int side)
{
	const char *role = service_role(svc, side);

	switch (svc->prod[side]) {
	case PROD_EXPRESSWAY:
		return xasprintf("On %s, upload the root and every intermediate under Maintenance > "
				 "Security > Trusted CA certificate (the list is per peer and NOT "
				 "replicated in a cluster: do it on every peer).",
				 role);
	case PROD_CUCM:
		return xasprintf(
			"On CUCM, Cisco Unified OS Administration > Security > Certificate Management > "
			"Upload Certificate/Certificate chain: upload the root and every intermediate "
			"as %s (trust stores are per service: %s serves only this one), then restart "
			"%s.",
			svc->cucm_trust ? svc->cucm_trust : "the matching -trust store",
			svc->cucm_trust ? svc->cucm_trust : "each -trust store",
			svc->cucm_restart ? svc->cucm_restart : "the service");
	case PROD_SIP:
		return xasprintf(
			"If %s is CUCM: Cisco Unified OS Administration > Security > Certificate "
			"Management, upload the root and intermediates as CallManager-trust (not "
			"tomcat-trust) and restart Cisco CallManager. If it is an Expressway: "
			"Maintenance > Security > Trusted CA certificate, on every cluster peer.",
			side == SIDE_SERVER ? "the SIP server" : "the SIP client");
	case PROD_PHONE:
		return xstrdup(
			"Phones learn CUCM's certificates from the ITL/CTL files (TVS vouches "
			"for the rest): after a certificate change, make sure the phones got "
			"the new ITL (reset the phones; if they are stuck with the old one, "
			"delete the ITL on the phone or use the Rollback Pre 8.0 parameter). "
			"Phones over MRA only trust their fixed public CA list.");
	case PROD_DIRECTORY:
		return xstrdup("On the directory server, trust the issuing CA of the client "
			       "certificate.");
	case PROD_GENERIC: break;
	}
	if (svc->port == 8443 || svc->port == 443)
		return xasprintf("Add the root and intermediates to the trust store of %s: on an "
				 "Expressway, Maintenance > Security > Trusted CA certificate; Jabber "
				 "and browsers use the operating system's certificate store.",
				 role);
	return xasprintf("Add the root and every intermediate to the trust store of %s.", role);
}

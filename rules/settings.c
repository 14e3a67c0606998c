/*
 * settings.c - the run's configuration (rules/settings.h): defaults, deep
 * copies for each analysis of a run, and "IP[:PORT]=VALUE" as the command
 * line gives it.
 */
#include "rules/settings.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"

void analysis_config_init(struct analysis_config *c)
{
	memset(c, 0, sizeof *c);
	tcp_config_default(&c->tcp);
	c->expiring_days = 30;
	c->keep_dns = 1;
}

static void tv_free(struct target_value *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].value);
		free(v[i].spec);
	}
	free(v);
}

void analysis_config_free(struct analysis_config *c)
{
	for (size_t i = 0; i < c->n_trust; i++)
		free(c->trust_paths[i]);
	free(c->trust_paths);
	tv_free(c->trust_for, c->n_trust_for);
	tv_free(c->names, c->n_names);
	for (size_t i = 0; i < c->n_ports; i++)
		free(c->ports[i].name);
	free(c->ports);
	free(c->filter);
	for (size_t i = 0; i < c->n_keylog; i++)
		free(c->keylog_paths[i]);
	free(c->keylog_paths);
	free(c->keylog_env);
	memset(c, 0, sizeof *c);
}

static void copy_targets(struct target_value **dst, const struct target_value *src, size_t n)
{
	*dst = n ? xcalloc(n, sizeof(**dst)) : NULL;
	for (size_t i = 0; i < n; i++) {
		(*dst)[i].ep = src[i].ep;
		(*dst)[i].value = src[i].value ? xstrdup(src[i].value) : NULL;
		(*dst)[i].spec = src[i].spec ? xstrdup(src[i].spec) : NULL;
	}
}

void analysis_config_copy(struct analysis_config *dst, const struct analysis_config *src)
{
	*dst = *src;
	dst->trust_paths = src->n_trust ? xcalloc(src->n_trust, sizeof(char *)) : NULL;
	for (size_t i = 0; i < src->n_trust; i++)
		dst->trust_paths[i] = src->trust_paths[i] ? xstrdup(src->trust_paths[i]) : NULL;
	copy_targets(&dst->trust_for, src->trust_for, src->n_trust_for);
	copy_targets(&dst->names, src->names, src->n_names);
	dst->ports = src->n_ports ? xcalloc(src->n_ports, sizeof(*dst->ports)) : NULL;
	for (size_t i = 0; i < src->n_ports; i++) {
		dst->ports[i] = src->ports[i];
		dst->ports[i].name = src->ports[i].name ? xstrdup(src->ports[i].name) : NULL;
	}
	dst->filter = src->filter ? xstrdup(src->filter) : NULL;
	dst->keylog_paths = src->n_keylog ? xcalloc(src->n_keylog, sizeof(char *)) : NULL;
	for (size_t i = 0; i < src->n_keylog; i++)
		dst->keylog_paths[i] = xstrdup(src->keylog_paths[i]);
	dst->keylog_env = src->keylog_env ? xstrdup(src->keylog_env) : NULL;
}

int target_value_parse(const char *spec, struct target_value *out)
{
	memset(out, 0, sizeof *out);
	const char *eq = strchr(spec, '=');
	if (eq == NULL || eq == spec || eq[1] == 0)
		return -1;
	char host[128];
	size_t hl = (size_t)(eq - spec);
	if (hl >= sizeof host)
		return -1;
	memcpy(host, spec, hl);
	host[hl] = 0;
	char *addr = host, *port = NULL;
	if (host[0] == '[') { /* [v6]:port or [v6] */
		char *rb = strchr(host, ']');
		if (rb == NULL)
			return -1;
		*rb = 0;
		addr = host + 1;
		if (rb[1] == ':')
			port = rb + 2;
		else if (rb[1] != 0)
			return -1;
	} else {
		char *colon = strchr(host, ':');
		if (colon && strchr(colon + 1, ':') == NULL) { /* v4:port */
			*colon = 0;
			port = colon + 1;
		}
	}
	if (inet_pton(AF_INET, addr, out->ep.addr) == 1)
		out->ep.family = 4;
	else if (inet_pton(AF_INET6, addr, out->ep.addr) == 1)
		out->ep.family = 6;
	else
		return -1;
	if (port) {
		char *end;
		unsigned long p = strtoul(port, &end, 10);
		if (*port == 0 || *end || p == 0 || p > 65535)
			return -1;
		out->ep.port = (uint16_t)p;
	}
	out->value = xstrdup(eq + 1);
	out->spec = xstrdup(spec);
	return 0;
}

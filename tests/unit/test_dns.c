/*
 * test_dns.c - the DNS answers a capture showed, by address (rules/dns.c):
 * the latest answer before a time, the few latest kept per address, and
 * memory bounded by generations of addresses.
 */
#include <stdio.h>
#include <string.h>

#include "rules/settings.h"
#include "tests/unit/t.h"

static struct dns_seen ans(uint8_t family, unsigned a, const char *name, int64_t ts, uint64_t frame)
{
	struct dns_seen d;
	memset(&d, 0, sizeof d);
	d.family = family;
	if (family == 4) {
		d.addr[0] = 10;
		d.addr[1] = (uint8_t)(a >> 16);
		d.addr[2] = (uint8_t)(a >> 8);
		d.addr[3] = (uint8_t)a;
	} else {
		d.addr[0] = 0x20;
		d.addr[1] = 0x01;
		d.addr[14] = (uint8_t)(a >> 8);
		d.addr[15] = (uint8_t)a;
	}
	snprintf(d.name, sizeof d.name, "%s", name);
	d.ts_ns = ts;
	d.frame = frame;
	return d;
}

static const char *name_at(const struct dns_table *t, uint8_t family, unsigned a, int64_t ts)
{
	struct dns_seen key = ans(family, a, "", 0, 0);
	const struct dns_seen *d = dns_table_find(t, family, key.addr, ts);
	return d ? d->name : "(none)";
}

int main(void)
{
	struct dns_table t;
	memset(&t, 0, sizeof t);

	CHECK_EQ_STR(name_at(&t, 4, 1, 100), "(none)"); /* empty */
	struct dns_seen d = ans(4, 1, "a.example", 10, 1);
	dns_table_add(&t, &d);
	d = ans(4, 1, "b.example", 20, 2);
	dns_table_add(&t, &d);
	d = ans(4, 1, "", 15, 3); /* no name: ignored */
	dns_table_add(&t, &d);
	CHECK_EQ_STR(name_at(&t, 4, 1, 5), "(none)");	  /* all after */
	CHECK_EQ_STR(name_at(&t, 4, 1, 10), "a.example"); /* at the time counts */
	CHECK_EQ_STR(name_at(&t, 4, 1, 19), "a.example");
	CHECK_EQ_STR(name_at(&t, 4, 1, 25), "b.example");
	CHECK_EQ_STR(name_at(&t, 4, 2, 25), "(none)"); /* another address */
	CHECK_EQ_STR(name_at(&t, 6, 1, 25), "(none)"); /* another family */
	CHECK_EQ_INT(t.answers, 2);
	d = ans(4, 1, "c.example", 20, 4); /* the same time: the later one wins */
	dns_table_add(&t, &d);
	CHECK_EQ_STR(name_at(&t, 4, 1, 25), "c.example");

	/* The latest DNS_KEEP answers of an address are kept. */
	for (int i = 0; i < DNS_KEEP; i++) {
		char n[32];
		snprintf(n, sizeof n, "r%d.example", i);
		d = ans(4, 1, n, 100 + i, 10 + (uint64_t)i);
		dns_table_add(&t, &d);
	}
	CHECK_EQ_STR(name_at(&t, 4, 1, 25), "(none)"); /* pushed out */
	CHECK_EQ_STR(name_at(&t, 4, 1, 100), "r0.example");
	CHECK_EQ_STR(name_at(&t, 4, 1, 1000), "r3.example");

	/* IPv6 */
	d = ans(6, 7, "v6.example", 50, 20);
	dns_table_add(&t, &d);
	CHECK_EQ_STR(name_at(&t, 6, 7, 60), "v6.example");
	CHECK_EQ_STR(name_at(&t, 4, 7, 60), "(none)");

	/* Generations: past DNS_GEN addresses the oldest generation stays
	 * readable; an address answered again is carried forward; past two
	 * generations, what was not answered again is gone. */
	dns_table_free(&t);
	d = ans(4, 0, "first.example", 1, 1);
	dns_table_add(&t, &d);
	d = ans(4, 1, "again.example", 1, 1);
	dns_table_add(&t, &d);
	for (unsigned a = 2; a < DNS_GEN + 10; a++) {
		d = ans(4, a, "x.example", 2, 2);
		dns_table_add(&t, &d);
	}
	CHECK_EQ_STR(name_at(&t, 4, 0, 5), "first.example"); /* in the old generation */
	d = ans(4, 1, "again2.example", 3, 3);
	dns_table_add(&t, &d);
	for (unsigned a = DNS_GEN + 10; a < 2 * DNS_GEN + 20; a++) {
		d = ans(4, a, "y.example", 4, 4);
		dns_table_add(&t, &d);
	}
	CHECK_EQ_STR(name_at(&t, 4, 0, 5), "(none)");
	CHECK_EQ_STR(name_at(&t, 4, 1, 2), "again.example"); /* carried with its ring */
	CHECK_EQ_STR(name_at(&t, 4, 1, 5), "again2.example");
	CHECK(t.dropped > 0);
	CHECK(t.gen[0].n <= DNS_GEN && t.gen[1].n <= DNS_GEN);
	dns_table_free(&t);
	dns_table_free(NULL);
	CHECK(dns_table_find(NULL, 4, d.addr, 0) == NULL);
	return t_done("dns");
}

/*
 * test_findings_doc.c - the finding ids are listed once (finding_kinds in
 * rules/finding.c) and the man page agrees with that list:
 *
 *  - docs/tlsdiag.1, section FINDINGS, has one ".TP" entry per id of the
 *    table, "\fBID\fR (SEVERITY)" with the table's severity ("error",
 *    "warning or error", ...) and the table's meaning as its paragraph;
 *    and no entry for an id the table lacks;
 *  - every id the rules' sources pass to report_add as a literal (rules/
 *    *.c: `report_add(r, "expired", ...` and `x ? "a" : "b"`) is in the
 *    table, so a new finding cannot be given without being documented.
 */
#include "config.h"

#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/finding.h"
#include "tests/unit/t.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap + 1);
			if (!buf)
				abort();
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = 0;
	return buf;
}

/* roff to plain words: "\-" is "-", "\fB"/"\fR" go. */
static void unroff(char *s)
{
	char *w = s;

	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] == '-') {
			*w++ = '-';
			r += 2;
		} else if (r[0] == '\\' && r[1] == 'f' && r[2]) {
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = 0;
}

struct entry {
	char id[64], sev[32];
	char meaning[1024];
	int seen;
};

/* The ".TP" entries of the FINDINGS section. */
static size_t man_entries(char *man, struct entry *e, size_t max)
{
	char *sec = strstr(man, "\n.SH FINDINGS\n"), *end, *line, *save = NULL;
	size_t n = 0;
	int state = 0; /* 1: next line is the tag; 2: in the paragraph */

	if (!sec)
		return 0;
	sec += 14;
	end = strstr(sec, "\n.SH ");
	if (end)
		*end = 0;
	for (line = strtok_r(sec, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, ".TP") == 0) {
			state = n < max ? 1 : 0;
			continue;
		}
		if (line[0] == '.') {
			state = 0;
			continue;
		}
		if (state == 1) {
			struct entry *x = &e[n++];
			char *p;

			memset(x, 0, sizeof *x);
			unroff(line);
			p = strstr(line, " (");
			if (p && p[strlen(p) - 1] == ')') {
				*p = 0;
				snprintf(x->sev, sizeof x->sev, "%.*s", (int)(strlen(p + 2) - 1),
					 p + 2);
			}
			snprintf(x->id, sizeof x->id, "%s", line);
			state = 2;
		} else if (state == 2) {
			struct entry *x = &e[n - 1];
			size_t l = strlen(x->meaning);

			unroff(line);
			snprintf(x->meaning + l, sizeof x->meaning - l, "%s%s", l ? " " : "", line);
		}
	}
	return n;
}

static void check_man(const char *top)
{
	char path[4096], want[32];
	struct entry e[128];
	char *man;
	size_t n;

	snprintf(path, sizeof path, "%s/docs/tlsdiag.1", top);
	man = slurp(path);
	CHECK(man != NULL);
	if (!man)
		return;
	n = man_entries(man, e, sizeof e / sizeof e[0]);
	CHECK_EQ_INT(n, n_finding_kinds);
	for (size_t i = 0; i < n_finding_kinds; i++) {
		const struct finding_kind *k = &finding_kinds[i];
		struct entry *x = NULL;

		for (size_t j = 0; j < n; j++)
			if (strcmp(e[j].id, k->id) == 0)
				x = &e[j];
		if (!x) {
			fprintf(stderr, "docs/tlsdiag.1: no entry for finding %s\n", k->id);
			CHECK(x != NULL);
			continue;
		}
		x->seen = 1;
		snprintf(want, sizeof want, "%s%s%s", severity_str(k->lo),
			 k->hi != k->lo ? " or " : "", k->hi != k->lo ? severity_str(k->hi) : "");
		CHECK_EQ_STR(x->sev, want);
		CHECK_EQ_STR(x->meaning, k->meaning);
	}
	for (size_t j = 0; j < n; j++) {
		if (!e[j].seen)
			fprintf(stderr, "docs/tlsdiag.1: finding %s is not in finding_kinds\n",
				e[j].id);
		CHECK(e[j].seen);
	}
	free(man);
}

/* The literals of report_add's second argument in one source file. */
static void check_source(const char *path, int *n_ids)
{
	char *src = slurp(path), *p;
	regex_t call, lit;
	regmatch_t m[2];

	CHECK(src != NULL);
	if (!src)
		return;
	CHECK(regcomp(&call, "report_add\\([^,;]+,([^,;]+),", REG_EXTENDED) == 0);
	CHECK(regcomp(&lit, "\"([a-z0-9_]+)\"", REG_EXTENDED) == 0);
	for (p = src; regexec(&call, p, 2, m, 0) == 0; p += m[0].rm_eo) {
		char arg[256];
		regmatch_t g[2];

		snprintf(arg, sizeof arg, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), p + m[1].rm_so);
		for (char *q = arg; regexec(&lit, q, 2, g, 0) == 0; q += g[0].rm_eo) {
			char id[64];

			snprintf(id, sizeof id, "%.*s", (int)(g[1].rm_eo - g[1].rm_so),
				 q + g[1].rm_so);
			if (!finding_kind(id))
				fprintf(stderr,
					"%s: report_add(..., \"%s\", ...) is not in finding_kinds\n",
					path, id);
			CHECK(finding_kind(id) != NULL);
			(*n_ids)++;
		}
	}
	regfree(&call);
	regfree(&lit);
	free(src);
}

static void check_sources(const char *top)
{
	char dir[4096], path[4400];
	struct dirent *de;
	DIR *dp;
	int n_ids = 0;

	snprintf(dir, sizeof dir, "%s/rules", top);
	dp = opendir(dir);
	CHECK(dp != NULL);
	if (!dp)
		return;
	while ((de = readdir(dp))) {
		size_t l = strlen(de->d_name);

		if (l < 3 || strcmp(de->d_name + l - 2, ".c") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		check_source(path, &n_ids);
	}
	closedir(dp);
	/* The scan finds the rules' calls (about thirty ids). */
	CHECK(n_ids >= 25);
}

int main(void)
{
	const char *top = getenv("top_srcdir");

	if (!top)
		top = ".";
	/* The table itself: unique ids, lowercase, digits and '_'. */
	for (size_t i = 0; i < n_finding_kinds; i++) {
		CHECK(strspn(finding_kinds[i].id, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
		      strlen(finding_kinds[i].id));
		CHECK(finding_kinds[i].lo <= finding_kinds[i].hi);
		CHECK(finding_kinds[i].meaning && finding_kinds[i].meaning[0]);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(finding_kinds[i].id, finding_kinds[j].id) != 0);
		CHECK(finding_kind(finding_kinds[i].id) == &finding_kinds[i]);
	}
	CHECK(finding_kind("no_such_finding") == NULL);
	check_man(top);
	check_sources(top);
	return t_done("findings_doc");
}

/*
 * view_list.c - the sessions list, the TUI's first screen: one line per TLS
 * session (verdict, time, client, server, service, version, SNI and the
 * most severe finding), failing sessions first, sortable and filterable.
 *
 * The rows are indices into the analysis' sessions, rebuilt by open()
 * whenever the model or the size changes (live capture will append
 * sessions); the cursor is kept on the same session, found by capture file
 * and session id, never by row number.
 *
 * Columns are laid out by priority: at 80 columns the verdict, server,
 * finding, client, time and service fit; the rest appear as the window
 * widens. Nothing is judged here: verdicts, services and findings are the
 * rules' (rules/finding.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/xalloc.h"
#include "rules/facts.h"
#include "rules/select.h"
#include "ui/text/text.h"
#include "ui/tui/core.h"
#include "ui/tui/draw.h"
#include "ui/tui/views.h"

enum sort_key { SORT_VERDICT = 0, SORT_TIME, SORT_SERVER, SORT_SERVICE, SORT__COUNT };
static const char *const sort_names[] = { "verdict", "time", "server", "service" };

/* C_FILE only when several files are open; C_FRAME is the session's
 * first frame in its file. */
enum col_id {
	C_VERDICT = 0,
	C_FILE,
	C_TIME,
	C_FRAME,
	C_CLIENT,
	C_SERVER,
	C_SERVICE,
	C_TLS,
	C_SNI,
	C_WORST,
	C__N
};
static const char *const col_label[] = { "Verdict", "File",    "Time", "Frame", "Client",
					 "Server",  "Service", "TLS",  "SNI",	"Finding" };
/* Which columns survive when the window is narrow, most wanted first. */
static const enum col_id col_priority[] = { C_VERDICT, C_SERVER,  C_WORST, C_FILE,  C_CLIENT,
					    C_TIME,    C_SERVICE, C_TLS,   C_FRAME, C_SNI };
static const int col_min[] = { 7, 8, 8, 5, 15, 15, 8, 7, 8, 10 };
static const int col_cap[] = { 10, 30, 23, 9, 47, 47, 26, 8, 34, 1000 };

struct list {
	size_t *rows; /* indices into a->sessions, in display order */
	size_t n;
	enum sort_key sort;
	char filter[256];
	struct session_select sel; /* filter, parsed */
	int width[C__N];	   /* 0: column not shown */
	int x[C__N];
	int date;    /* sessions span several days */
	int sep;     /* blanks between columns */
	char **text; /* per session index: search text (lazy) */
	size_t n_text;
};

/* ------------------------------------------------------------ cells */

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

static const char *base_name(const char *p)
{
	const char *b = p ? strrchr(p, '/') : NULL;
	return b ? b + 1 : p ? p : "-";
}

/* The text of one cell, display-safe. `w` is the column width (time and
 * verdict adapt to it); 0 asks for the full text. */
static const char *cell(const struct tui *t, const struct list *L, const struct session_report *r,
			enum col_id c, int w, char *buf, size_t len)
{
	const struct tls_session *s = r->s;
	const struct finding *f;
	char tmp[600];
	buf[0] = 0;
	switch (c) {
	case C_VERDICT:
		snprintf(buf, len, "%s", verdict_label(r->verdict));
		upper(buf);
		break;
	case C_TIME: {
		int ms = w == 0 || w >= (L->date ? 23 : 12);
		int date = L->date && (w == 0 || w >= 19);
		ui_clock(s->start_ts, date, ms, buf, len);
		break;
	}
	case C_FILE: tui_s(base_name(s->file), buf, len); break;
	case C_FRAME: snprintf(buf, len, "%llu", (unsigned long long)s->first_frame); break;
	case C_CLIENT: endpoint_str(&s->client, buf, len); break;
	case C_SERVER: endpoint_str(&s->server, buf, len); break;
	case C_SERVICE: tui_s(r->service ? r->service : "", buf, len); break;
	case C_TLS:
		if (s->version) /* the name is returned, not always written */
			snprintf(buf, len, "%s", version_text(s->version, tmp, sizeof tmp));
		else if (s->ch.present)
			snprintf(buf, len, "?");
		break;
	case C_SNI: tui_s(s->ch.sni ? s->ch.sni : "", buf, len); break;
	case C_WORST:
		f = report_worst(r);
		if (!f) {
			snprintf(buf, len, "-");
			break;
		}
		/* The finding's name: a fatal_alert's is the alert's. */
		if (w == 0 || w > (int)strlen(f->name) + 12) {
			tui_s(f->message ? f->message : "", tmp, sizeof tmp);
			snprintf(buf, len, "%s%s%s", f->name, tmp[0] ? ": " : "", tmp);
		} else {
			snprintf(buf, len, "%s", f->name);
		}
		break;
	default: break;
	}
	(void)t;
	return buf;
}

/* ------------------------------------------------------------ filter */

static const char *row_text(struct tui *t, struct list *L, size_t si);

/* The filter's terms are the rules' (rules/select.h); plain words also
 * look at the row's cells as drawn. */
static int filter_match(struct tui *t, struct list *L, size_t si)
{
	if (!L->sel.n)
		return 1;
	return select_match(&L->sel, t->a->sessions[si], row_text(t, L, si));
}

/* ------------------------------------------------------------ sort */

static int cmp_ep(const struct endpoint *a, const struct endpoint *b)
{
	int c;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->addr, b->addr, a->family == 6 ? 16 : 4);
	if (c)
		return c;
	return a->port < b->port ? -1 : a->port > b->port;
}

struct sort_ctx {
	const struct tui *t;
	const struct list *L;
};

static int cmp_rows(const void *x, const void *y, void *arg)
{
	const struct sort_ctx *sc = arg;
	const struct tui *t = sc->t;
	const struct list *L = sc->L;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	const struct session_report *a = t->a->sessions[i], *b = t->a->sessions[j];
	int c = 0;
	switch (L->sort) {
	case SORT_VERDICT: c = verdict_rank(a->verdict) - verdict_rank(b->verdict); break;
	case SORT_SERVER: c = cmp_ep(&a->s->server, &b->s->server); break;
	case SORT_SERVICE:
		if (!a->service != !b->service)
			c = a->service ? -1 : 1;
		else if (a->service)
			c = strcmp(a->service, b->service);
		if (!c)
			c = verdict_rank(a->verdict) - verdict_rank(b->verdict);
		break;
	default: break;
	}
	if (!c && a->s->start_ts != b->s->start_ts)
		c = a->s->start_ts < b->s->start_ts ? -1 : 1;
	if (!c)
		c = i < j ? -1 : i > j;
	return c;
}

/* ------------------------------------------------------------ layout */

static void layout(struct tui *t, struct list *L)
{
	int want[C__N], avail = t->cols - 1, used = 0;
	char buf[700];

	L->sep = t->cols < 100 ? 1 : 2;
	for (int c = 0; c < C__N; c++) {
		want[c] = text_width(col_label[c], strlen(col_label[c]));
		L->width[c] = 0;
	}
	for (size_t k = 0; k < L->n; k++) {
		const struct session_report *r = t->a->sessions[L->rows[k]];
		for (int c = 0; c < C__N; c++) {
			int w;
			if (c == C_WORST) {
				const struct finding *f = report_worst(r);
				w = f ? (int)strlen(f->name) : 1;
			} else {
				cell(t, L, r, (enum col_id)c, 0, buf, sizeof buf);
				w = text_width(buf, strlen(buf));
			}
			if (w > want[c])
				want[c] = w;
		}
	}
	for (int c = 0; c < C__N; c++)
		if (want[c] > col_cap[c])
			want[c] = col_cap[c];
	/* Columns in priority order, each at a comfortable width when it
	 * fits, else at its minimum, else left out. */
	for (size_t k = 0; k < C__N; k++) {
		enum col_id c = col_priority[k];
		int m = col_min[c] < want[c] ? col_min[c] : want[c], comf = want[c];
		if (c == C_FILE && t->a->n_files < 2)
			continue;
		if (c == C_WORST || c == C_SERVICE || c == C_SNI)
			comf = want[c] < (c == C_WORST ? 16 : 12) ? want[c]
								  : (c == C_WORST ? 16 : 12);
		if (c == C_TIME || c == C_FILE)
			comf = m;
		if (used + comf + (used ? L->sep : 0) <= avail)
			m = comf;
		else if (used + m + (used ? L->sep : 0) > avail)
			continue;
		L->width[c] = m;
		used += m + (used ? L->sep : 0);
	}
	/* Then widen them in two rounds: first what a line needs to read
	 * well (time without milliseconds, service and SNI up to 20
	 * columns, a file name up to 16), then the rest; the finding column
	 * takes what is left. */
	for (int round = 0; round < 2; round++) {
		/* Between the rounds the finding gets room for its message. */
		if (round == 1 && L->width[C_WORST] && L->width[C_WORST] < 40) {
			int more = 40 - L->width[C_WORST];
			if (more > avail - used)
				more = avail - used;
			if (more > 0) {
				L->width[C_WORST] += more;
				used += more;
			}
		}
		for (size_t k = 0; k < C__N; k++) {
			enum col_id c = col_priority[k];
			int target = want[c], more;
			if (!L->width[c] || c == C_WORST)
				continue;
			if (round == 0 && c == C_TIME)
				target = col_min[C_TIME];
			if (round == 0 && (c == C_SERVICE || c == C_SNI) && target > 20)
				target = 20;
			if (round == 0 && c == C_FILE && target > 16)
				target = 16;
			more = target - L->width[c];
			if (more > avail - used)
				more = avail - used;
			if (more > 0) {
				L->width[c] += more;
				used += more;
			}
		}
	}
	if (L->width[C_WORST] && avail > used)
		L->width[C_WORST] += avail - used;
	for (int c = 0, x = 1; c < C__N; c++) {
		L->x[c] = x;
		if (L->width[c])
			x += L->width[c] + L->sep;
	}
}

/* ------------------------------------------------------------ text */

static void free_text(struct list *L)
{
	for (size_t i = 0; i < L->n_text; i++)
		free(L->text[i]);
	free(L->text);
	L->text = NULL;
	L->n_text = 0;
}

/* Everything a search or free-text filter may match for one session. */
static const char *row_text(struct tui *t, struct list *L, size_t si)
{
	const struct session_report *r = t->a->sessions[si];
	char buf[700];
	struct dbuf s;

	if (si >= L->n_text) {
		size_t n = t->a->n_sessions;
		L->text = xreallocarray(L->text, n, sizeof *L->text);
		memset(L->text + L->n_text, 0, (n - L->n_text) * sizeof *L->text);
		L->n_text = n;
	}
	if (L->text[si])
		return L->text[si];
	dbuf_init(&s, DBUF_TEXT_MAX);
	for (int c = 0; c < C__N; c++)
		dbuf_addf(&s, "%s ", cell(t, L, r, (enum col_id)c, 0, buf, sizeof buf));
	/* Then what the rules search (select_text), display-safe. */
	{
		char *all = select_text(r);
		size_t n = strlen(all) * 4 + 1;
		char *safe = xcalloc(n, 1);

		dbuf_addstr(&s, tui_s(all, safe, n));
		free(safe);
		free(all);
	}
	L->text[si] = dbuf_take(&s);
	return L->text[si];
}

/* ------------------------------------------------------------ view ops */

static void list_open(struct tui *t, struct view *v)
{
	struct list *L = v->priv;
	const struct session_report *keep = NULL;
	int64_t lo = 0, hi = 0;

	if (L->n && v->cur < L->n)
		keep = t->a->sessions[L->rows[v->cur]];
	free(L->rows);
	free_text(L);
	L->rows = xcalloc(t->a->n_sessions + 1, sizeof *L->rows);
	L->n = 0;
	for (size_t i = 0; i < t->a->n_sessions; i++) {
		const struct session_report *r = t->a->sessions[i];
		if (!r || !r->s)
			continue;
		if (!L->n || r->s->start_ts < lo)
			lo = r->s->start_ts;
		if (!L->n || r->s->start_ts > hi)
			hi = r->s->start_ts;
		if (filter_match(t, L, i))
			L->rows[L->n++] = i;
	}
	L->date = hi - lo >= (int64_t)SECS_PER_DAY * 1000000000 || ui_day(lo) != ui_day(hi);
	{
		struct sort_ctx sc = { t, L };
		qsort_r(L->rows, L->n, sizeof *L->rows, cmp_rows, &sc);
	}
	v->nlines = L->n;
	v->header_rows = 3;
	layout(t, L);

	/* The same session stays selected (found by file and id). */
	if (keep) {
		for (size_t k = 0; k < L->n; k++) {
			const struct tls_session *s = t->a->sessions[L->rows[k]]->s;
			if (s->id == keep->s->id &&
			    (s->file == keep->s->file ||
			     (s->file && keep->s->file && strcmp(s->file, keep->s->file) == 0))) {
				v->cur = k;
				tui_clamp(t, v);
				return;
			}
		}
		v->cur = 0;
		v->top = 0;
	}
	tui_clamp(t, v);
}

static void list_header(struct tui *t, struct view *v)
{
	struct list *L = v->priv;
	const struct analysis *a = t->a;
	char title[1024], pb[300], t1[48], t2[48];
	size_t o = 0, counts[VERDICT__COUNT], bad = 0;
	int64_t lo = 0, hi = 0;
	int have = 0, x;

	/* Row 0: the capture file(s) and the time they span. */
	for (size_t i = 0; i < a->n_files; i++) {
		const struct file_report *f = &a->files[i];
		if (!f->ok) {
			bad++;
			continue;
		}
		if (!have || f->cap.first_ts < lo)
			lo = f->cap.first_ts;
		if (!have || f->cap.last_ts > hi)
			hi = f->cap.last_ts;
		have = 1;
	}
	o += (size_t)snprintf(title + o, sizeof title - o, "tlsdiag  ");
	if (a->n_files == 1)
		o += (size_t)snprintf(title + o, sizeof title - o, "%s",
				      tui_s(base_name(a->files[0].path), pb, sizeof pb));
	else
		o += (size_t)snprintf(title + o, sizeof title - o, "%zu files: %s, ...", a->n_files,
				      tui_s(base_name(a->files[0].path), pb, sizeof pb));
	if (bad && o < sizeof title)
		snprintf(title + o, sizeof title - o, " (%zu unreadable)", bad);
	/* The time span, right-aligned; the file name gives way to it. */
	tui_fill(t, 0, 0, RL_TITLE, 0);
	{
		char span[128];
		int sw = 0;
		if (have) {
			int sameday = ui_day(lo) == ui_day(hi);
			char zb[32];
			snprintf(span, sizeof span, "  %s %s %s %s ",
				 ui_clock(lo, 1, 0, t1, sizeof t1), t->g.dash,
				 ui_clock(hi, !sameday, 0, t2, sizeof t2),
				 ui_tz_label(lo, zb, sizeof zb));
			sw = text_width(span, strlen(span));
			if (sw + 20 > t->cols)
				sw = 0;
		}
		tui_put(t, 0, 1, t->cols - 2 - sw, RL_TITLE, 0, title);
		if (sw)
			tui_put(t, 0, t->cols - sw, sw, RL_TITLE, 0, span);
	}

	/* Row 1: counts by verdict, sort and filter. */
	analysis_counts(a, counts);
	x = 1;
	{
		char b[128];
		snprintf(b, sizeof b, "%zu session%s: ", a->n_sessions,
			 a->n_sessions == 1 ? "" : "s");
		x += tui_put(t, 1, x, t->cols - x, RL_BOLD, 0, b);
		static const enum verdict order[] = { VERDICT_FAILED, VERDICT_AT_RISK,
						      VERDICT_WARNING, VERDICT_OK,
						      VERDICT_INCOMPLETE };
		/* Only the verdicts that occur: the filter must fit too. */
		int any = 0;
		for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
			if (!counts[order[k]])
				continue;
			if (any)
				x += tui_put(t, 1, x, t->cols - x, RL_NORMAL, 0, ", ");
			snprintf(b, sizeof b, "%zu %s", counts[order[k]], verdict_label(order[k]));
			x += tui_put(t, 1, x, t->cols - x, tui_verdict_role(order[k]), 0, b);
			any = 1;
		}
		snprintf(b, sizeof b, "   sort: %s", sort_names[L->sort]);
		x += tui_put(t, 1, x, t->cols - x, RL_DIM, 0, b);
		if (L->filter[0]) {
			char fb[300];
			snprintf(b, sizeof b, "   filter: ");
			x += tui_put(t, 1, x, t->cols - x, RL_WARN, 0, b);
			x += tui_put(t, 1, x, t->cols - x, RL_WARN, 0,
				     tui_s(L->filter, fb, sizeof fb));
			snprintf(b, sizeof b, " (%zu shown)", L->n);
			tui_put(t, 1, x, t->cols - x, RL_WARN, 0, b);
		}
	}

	/* Row 2: column labels. */
	for (int c = 0; c < C__N; c++)
		if (L->width[c])
			tui_put(t, 2, L->x[c], L->width[c], RL_HEAD, 0, col_label[c]);

	if (L->n == 0) {
		char fb[300];
		if (a->n_sessions == 0)
			tui_put(t, 4, 2, t->cols - 3, RL_NORMAL, 0,
				"No TLS session found in the capture.");
		else {
			snprintf(title, sizeof title,
				 "No session matches the filter \"%s\" (Esc clears it).",
				 tui_s(L->filter, fb, sizeof fb));
			tui_put(t, 4, 2, t->cols - 3, RL_WARN, 0, title);
		}
	}
}

static void list_draw_line(struct tui *t, struct view *v, size_t line, int y, int selected)
{
	struct list *L = v->priv;
	const struct session_report *r;
	char buf[1200];
	if (line >= L->n)
		return;
	r = t->a->sessions[L->rows[line]];
	if (selected)
		tui_fill(t, y, 0, RL_NORMAL, 1);
	for (int c = 0; c < C__N; c++) {
		int role = RL_NORMAL;
		if (!L->width[c])
			continue;
		cell(t, L, r, (enum col_id)c, L->width[c], buf, sizeof buf);
		if (c == C_VERDICT)
			role = tui_verdict_role(r->verdict);
		else if (c == C_WORST) {
			const struct finding *f = report_worst(r);
			role = f ? tui_sev_role(f->sev) : RL_DIM;
		}
		tui_put(t, y, L->x[c], L->width[c], role, selected, buf);
	}
}

static void set_filter(struct tui *t, int ok, const char *text, void *ctx)
{
	struct view *v = tui_top(t);
	struct list *L = v->priv;
	char err[300];
	(void)ctx;
	if (!ok)
		return;
	if (select_parse(&L->sel, text, err, sizeof err) < 0) {
		/* Nothing filtered by half: the filter goes, the reason shows. */
		L->filter[0] = 0;
		list_open(t, v);
		tui_message(t, RL_ERR, "%s", err);
		return;
	}
	snprintf(L->filter, sizeof L->filter, "%s", text);
	list_open(t, v);
	if (L->filter[0])
		tui_message(t, RL_NORMAL, "%zu of %zu sessions match", L->n, t->a->n_sessions);
}

static int list_handle(struct tui *t, struct view *v, enum ui_action a)
{
	struct list *L = v->priv;
	switch (a) {
	case ACT_OPEN:
		if (L->n && v->cur < L->n)
			tui_open_session(t, t->a->sessions[L->rows[v->cur]]);
		return 1;
	case ACT_SORT:
		L->sort = (enum sort_key)((L->sort + 1) % SORT__COUNT);
		list_open(t, v);
		tui_message(t, RL_NORMAL, "sorted by %s", sort_names[L->sort]);
		return 1;
	case ACT_FILTER:
		tui_prompt(t, "Filter (text, ip:, port:, finding:, verdict:, sni:, subject:):",
			   L->filter, set_filter, NULL);
		return 1;
	case ACT_CLEAR_FILTER:
		if (L->filter[0]) {
			L->filter[0] = 0;
			select_free(&L->sel);
			list_open(t, v);
			tui_message(t, RL_NORMAL, "filter cleared");
		}
		return 1;
	default: return 0;
	}
}

static const char *list_line_text(struct tui *t, struct view *v, size_t line)
{
	struct list *L = v->priv;
	if (line >= L->n)
		return "";
	return row_text(t, L, L->rows[line]);
}

static void list_close(struct view *v)
{
	struct list *L = v->priv;
	if (!L)
		return;
	free(L->rows);
	free_text(L);
	select_free(&L->sel);
	free(L);
	v->priv = NULL;
}

const struct view_ops tui_list_ops = {
	"sessions",	SCR_LIST,    list_open,	     list_header,
	list_draw_line, list_handle, list_line_text, list_close,
};

void tui_open_list(struct tui *t)
{
	struct list *L = xcalloc(1, sizeof *L);
	L->sort = SORT_VERDICT;
	tui_push(t, &tui_list_ops, L);
}

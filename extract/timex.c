/*
 * timex.c — time expressions (TIMEX3): where they are, what kind, what
 * they mean.
 *
 * Each sentence is cut into tokens (tokens.c) and read once, left to
 * right.  At each token the first word decides which few patterns may
 * start there — a number, a month, a weekday, "the", "last", "every", … —
 * and a word the lexicon does not know starts none, so most tokens cost a
 * table look-up.  The longest pattern that matches is taken and the scan
 * goes on after it.  Nothing is allocated per token: the tokens of a
 * sentence sit in one reused array, and only the values of what is found
 * are copied into the document's arena.
 *
 * Values follow TIMEX3 (ISO 8601 where it can): "2022", "2022-11",
 * "2022-11-21", "2022-W47", "2022-W47-WE", "2022-Q4", "2022-H2",
 * "2022-FA" (SP, SU, FA, WI; a winter takes the year of its December),
 * "199" (the 1990s), "19" (the 20th century), "2022-11-21T21:30" (with
 * "Z" when the text says UTC or GMT), "2022-11-21TMO" (MO, AF, EV, NI),
 * "P5Y", "PT90S", "P2.5Y", "PXY" (some years), "P10Y" (a decade),
 * "XXXX-WXX-5" (every Friday), "PRESENT_REF", "PAST_REF", "FUTURE_REF".
 *
 * Relative expressions are resolved against metadata.reference_date; when
 * there is none their value is null (never the clock).  A time of day
 * takes the day named in its sentence, else the reference date, else it
 * stays "T21:30".  A month, weekday, season or quarter named without its
 * year ("in May", "on Tuesday") takes the closest one before the
 * reference in a sentence in the past tense, after it in one in the
 * future tense (the nearest tense word decides), else the nearest one;
 * "last" and "next" take the one strictly before or after, "this" the one
 * of the reference's year (or week).
 */
#include "extract/extract.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Expressions held per block before they are written out. */
#define FOUND_MAX 128
#define VALUE_MAX 40
#define NO_DAY LONG_MIN

/* ---- periods of the calendar ------------------------------------------ */

enum gran {
	G_NONE, G_CENTURY, G_DECADE, G_YEAR, G_HALF, G_QUARTER, G_SEASON,
	G_MONTH, G_WEEK, G_WEEKEND, G_DAY
};

/* A period: a year, a quarter, a month, an ISO week, a day, … */
struct when {
	enum gran g; /* G_NONE: unknown (the value is null) */
	int y;	     /* the year; the ISO year of a week; the century or decade number */
	int n;	     /* half, quarter, season, month or week */
	int d;	     /* day of the month */
};

static const struct when unknown;

static int season_of_month(int m)
{
	return m >= 3 && m <= 5 ? Q_SPRING : m >= 6 && m <= 8 ? Q_SUMMER
	     : m >= 9 && m <= 11 ? Q_FALL : Q_WINTER;
}

/* The period of granularity g that holds the day. */
static struct when of_day(long day, enum gran g)
{
	int y, m, d;
	struct when w = {g, 0, 0, 0};
	q_cal_from_days(day, &y, &m, &d);
	switch (g) {
	case G_CENTURY: w.y = y / 100; break;
	case G_DECADE: w.y = y / 10; break;
	case G_YEAR: w.y = y; break;
	case G_HALF: w.y = y; w.n = (m - 1) / 6 + 1; break;
	case G_QUARTER: w.y = y; w.n = (m - 1) / 3 + 1; break;
	case G_SEASON: w.y = m <= 2 ? y - 1 : y; w.n = season_of_month(m); break;
	case G_MONTH: w.y = y; w.n = m; break;
	case G_WEEK:
	case G_WEEKEND: q_cal_iso_week(day, &w.y, &w.n); break;
	case G_DAY: w.y = y; w.n = m; w.d = d; break;
	case G_NONE: break;
	}
	return w;
}

static long first_day(const struct when *w)
{
	static const int season_month[5] = {0, 3, 6, 9, 12};
	switch (w->g) {
	case G_CENTURY: return q_cal_days(w->y * 100, 1, 1);
	case G_DECADE: return q_cal_days(w->y * 10, 1, 1);
	case G_YEAR: return q_cal_days(w->y, 1, 1);
	case G_HALF: return q_cal_days(w->y, (w->n - 1) * 6 + 1, 1);
	case G_QUARTER: return q_cal_days(w->y, (w->n - 1) * 3 + 1, 1);
	case G_SEASON: return q_cal_days(w->y, season_month[w->n], 1);
	case G_MONTH: return q_cal_days(w->y, w->n, 1);
	case G_WEEK: return q_cal_iso_monday(w->y, w->n);
	case G_WEEKEND: return q_cal_iso_monday(w->y, w->n) + 5;
	case G_DAY: return q_cal_days(w->y, w->n, w->d);
	case G_NONE: break;
	}
	return 0;
}

/* A number that grows with time, to compare periods of one granularity. */
static long order(const struct when *w)
{
	switch (w->g) {
	case G_HALF: return w->y * 2L + w->n - 1;
	case G_QUARTER:
	case G_SEASON: return w->y * 4L + w->n - 1;
	case G_MONTH: return w->y * 12L + w->n - 1;
	case G_WEEK:
	case G_WEEKEND:
	case G_DAY: return first_day(w);
	default: return w->y;
	}
}

/* The period k periods after w (before when k < 0). */
static struct when shift(struct when w, long k)
{
	long i, per;
	switch (w.g) {
	case G_HALF: per = 2; break;
	case G_QUARTER:
	case G_SEASON: per = 4; break;
	case G_MONTH: per = 12; break;
	case G_WEEK:
	case G_WEEKEND: return of_day(q_cal_iso_monday(w.y, w.n) + 7 * k, w.g);
	case G_DAY: return of_day(first_day(&w) + k, G_DAY);
	case G_NONE: return w;
	default: w.y += (int)k; return w;
	}
	i = order(&w) + k;
	w.y = (int)(i >= 0 ? i / per : -((-i + per - 1) / per));
	w.n = (int)(i - w.y * per) + 1;
	return w;
}

static void format_when(const struct when *w, char out[VALUE_MAX])
{
	static const char *const seasons[5] = {"", "SP", "SU", "FA", "WI"};
	int y = w->y;
	out[0] = '\0';
	if (w->g == G_NONE || y < 0 || y > 9999)
		return;
	switch (w->g) {
	case G_CENTURY: snprintf(out, VALUE_MAX, "%02d", y); break;
	case G_DECADE: snprintf(out, VALUE_MAX, "%03d", y); break;
	case G_YEAR: snprintf(out, VALUE_MAX, "%04d", y); break;
	case G_HALF: snprintf(out, VALUE_MAX, "%04d-H%d", y, w->n); break;
	case G_QUARTER: snprintf(out, VALUE_MAX, "%04d-Q%d", y, w->n); break;
	case G_SEASON: snprintf(out, VALUE_MAX, "%04d-%s", y, seasons[w->n]); break;
	case G_MONTH: snprintf(out, VALUE_MAX, "%04d-%02d", y, w->n); break;
	case G_WEEK: snprintf(out, VALUE_MAX, "%04d-W%02d", y, w->n); break;
	case G_WEEKEND: snprintf(out, VALUE_MAX, "%04d-W%02d-WE", y, w->n); break;
	case G_DAY: snprintf(out, VALUE_MAX, "%04d-%02d-%02d", y, w->n, w->d); break;
	case G_NONE: break;
	}
}

/* Reads back a value this file wrote: a year, month or day (for "the
 * following year", "that day"); 0 when it is none of those. */
static int parse_when(const char *v, struct when *w)
{
	size_t n = strlen(v);
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || ((i == 4 || i == 7) && v[i] == '-')))
			return 0;
	if (n == 4)
		*w = (struct when){G_YEAR, atoi(v), 0, 0};
	else if (n == 7)
		*w = (struct when){G_MONTH, atoi(v), atoi(v + 5), 0};
	else if (n == 10)
		*w = (struct when){G_DAY, atoi(v), atoi(v + 5), atoi(v + 8)};
	else
		return 0;
	return 1;
}

/* ---- the state of a sentence ------------------------------------------- */

struct found {
	size_t first, last; /* tokens [first, last) of the block */
	enum q_timex_type type;
	char value[VALUE_MAX]; /* "" when unresolved */
	char tod[16];	       /* a time of day still waiting for its day */
};

struct tx {
	struct q_doc *doc;
	const char *text;
	const struct q_tok *t; /* the block's tokens */
	size_t n;
	size_t sentence;
	int has_ref;
	long ref;	    /* the reference day */
	int headline;	    /* the sentence is in title case; -1 not known yet */
	long last_day;	    /* the day last named, for "that day" */
	struct when last;   /* the year, month or day last named */
	struct found found[FOUND_MAX];
	size_t nfound;
};

/* How to pick a month, weekday, season, … named without its year. */
enum dir {
	D_TENSE,   /* by the tense of the sentence */
	D_NEAREST, /* the nearest to the reference */
	D_PAST,	   /* the latest on or before it */
	D_FUTURE,  /* the first on or after it */
	D_BEFORE,  /* "last": strictly before */
	D_AFTER,   /* "next": strictly after */
	D_THIS	   /* "this": in the reference's year or week */
};

/* ---- tokens ----------------------------------------------------------- */

static const struct q_tok nothing;

static const struct q_tok *tok(const struct tx *x, size_t i)
{
	return i < x->n ? &x->t[i] : &nothing;
}

/* The token before i, or nothing. */
static const struct q_tok *prev(const struct tx *x, size_t i)
{
	return i > 0 && i <= x->n ? &x->t[i - 1] : &nothing;
}

static int is(const struct tx *x, size_t i, enum q_word w)
{
	return q_tok_is(tok(x, i), w);
}

static int has(const struct tx *x, size_t i, uint32_t cls)
{
	return q_tok_has(tok(x, i), cls);
}

/* Whether token i is the known word s (for words without an id). */
static int word_is(const struct tx *x, size_t i, const char *s)
{
	const struct q_tok *t = tok(x, i);
	return t->lx && strcmp(t->lx->word, s) == 0;
}

static int punct(const struct tx *x, size_t i, uint32_t cp)
{
	const struct q_tok *t = tok(x, i);
	return t->kind == Q_TOK_PUNCT && t->cp == cp;
}

static int apostrophe(const struct tx *x, size_t i)
{
	return punct(x, i, '\'') || punct(x, i, 0x2019) || punct(x, i, 0x2018);
}

/* Token i follows the one before it with no space between. */
static int glued(const struct tx *x, size_t i)
{
	return i < x->n && i > 0 && !x->t[i].space;
}

/* "12-hour", "mid-2011": a hyphen with no space on either side. */
static int hyphen(const struct tx *x, size_t i)
{
	return punct(x, i, '-') && glued(x, i) && glued(x, i + 1);
}

static int capital(const struct tx *x, size_t i)
{
	const struct q_tok *t = tok(x, i);
	return t->kind == Q_TOK_WORD && t->ucase != Q_CASE_LOWER;
}

/* A whole number written with at most max_digits plain digits, or -1. */
static long plain_int(const struct tx *x, size_t i, int max_digits)
{
	const struct q_tok *t = tok(x, i);
	if (t->kind != Q_TOK_NUM || t->grouped || t->decimals || t->digits > max_digits)
		return -1;
	return (long)t->mant;
}

/* "54th", "1st": a number with its ordinal letters glued on. */
static int ordinal_suffix(const struct tx *x, size_t i)
{
	const struct q_tok *t = tok(x, i);
	if (!glued(x, i) || !q_tok_has(t, Q_LX_SUFFIX) || t->e - t->b != 2)
		return 0;
	return q_tok_is(t, Q_W_ORDINAL_SUFFIX);
}

/* An ordinal at i ("third", "3rd"): its value, and *end past it; or 0. */
static int ordinal_at(const struct tx *x, size_t i, size_t *end)
{
	if (has(x, i, Q_LX_ORDINAL) && tok(x, i)->lx->num <= 100) {
		*end = i + 1;
		return (int)tok(x, i)->lx->num;
	}
	long v = plain_int(x, i, 3);
	if (v > 0 && ordinal_suffix(x, i + 1)) {
		*end = i + 2;
		return (int)v;
	}
	return 0;
}

/* A new clause starts at token i: the sentence's start, or after an
 * opening quote, a bracket, a colon, a dash. */
static int clause_start(const struct tx *x, size_t i)
{
	const struct q_tok *p = prev(x, i);
	if (p == &nothing)
		return 1;
	if (p->kind != Q_TOK_PUNCT)
		return 0;
	return p->cp != ',' && p->cp != '\'' && p->cp != 0x2019 && p->cp != '&' &&
	       p->cp != '/' && p->cp != '-';
}

/* A headline in title case ("Stocks Rally on Monday") capitalises every
 * word, so a capital there says nothing about names. */
static int headline(struct tx *x)
{
	if (x->headline < 0) {
		size_t upper = 0, lower = 0;
		for (size_t i = 0; i < x->n; i++) {
			const struct q_tok *t = &x->t[i];
			if (t->kind != Q_TOK_WORD || (t->lx && t->lx->cls & Q_LX_PREP) ||
			    q_tok_is(t, Q_W_THE) || q_tok_is(t, Q_W_A))
				continue;
			if (t->ucase == Q_CASE_LOWER)
				lower++;
			else
				upper++;
		}
		x->headline = upper >= 3 && upper >= 4 * lower;
	}
	return x->headline;
}

/* A capitalised word the lexicon does not know: a name's word. */
static int name_word(const struct tx *x, size_t i)
{
	return capital(x, i) && !tok(x, i)->lx;
}

/* After a date word, a capitalised word that says nothing of time goes on
 * a name: "Sunday Times", "Christmas Island", "Daily Mail". */
static int name_follows(const struct tx *x, size_t i)
{
	const struct q_tok *t = tok(x, i + 1);
	return capital(x, i + 1) && t->space &&
	       !(t->lx && t->lx->cls & (Q_LX_MONTH | Q_LX_WEEKDAY | Q_LX_SEASON | Q_LX_TUNIT |
					Q_LX_DAYPART | Q_LX_ZONE | Q_LX_CARDINAL |
					Q_LX_ORDINAL | Q_LX_PREP));
}

/*
 * The capitalised word at i is part of a name — "Fight Tonight", "Sunday
 * Times", "USA Today" — when a name's word comes right before it, or (when
 * check_next) a capitalised word right after it.
 */
static int in_name(struct tx *x, size_t i, int check_next)
{
	if (!capital(x, i) || headline(x))
		return 0;
	if (i > 0 && name_word(x, i - 1))
		return 1;
	return check_next && name_follows(x, i);
}

/* ---- tense ------------------------------------------------------------ */

/* "-ed" words the lexicon does not know are mostly verbs of the past. */
static int ends_in_ed(const struct tx *x, const struct q_tok *t)
{
	size_t n = t->e - t->b;
	const char *s = x->text + t->b;
	return n >= 5 && s[n - 2] == 'e' && s[n - 1] == 'd' && s[n - 3] != 'e';
}

/* -1 when token i speaks of the past, 1 of the future, else 0. */
static int tense_at(const struct tx *x, size_t i)
{
	const struct q_tok *t = &x->t[i];
	if (t->kind != Q_TOK_WORD || t->ucase != Q_CASE_LOWER)
		return 0;
	if (q_tok_has(t, Q_LX_FUTURE))
		return 1;
	if (!q_tok_has(t, Q_LX_PAST) && (t->lx || !ends_in_ed(x, t)))
		return 0;
	if (q_tok_has(t, Q_LX_STRONG) || i == 0)
		return -1;
	/* "will be held", "should be signed": a participle of the future */
	if (i >= 2 && q_tok_is(&x->t[i - 1], Q_W_BE) &&
	    (q_tok_has(&x->t[i - 2], Q_LX_FUTURE) || q_tok_is(&x->t[i - 2], Q_W_TO)))
		return 1;
	/* "is expected", "remain closed": a state of now, no past */
	if (q_tok_has(&x->t[i - 1], Q_LX_COPULA))
		return 0;
	return -1;
}

/* After "until" or "by" a date is a deadline, ahead unless a past beyond
 * doubt ("was", "had") is nearer than any word of the future. */
static enum dir deadline(const struct tx *x, size_t first, size_t last)
{
	for (size_t d = 1; first >= d || last - 1 + d < x->n; d++) {
		for (int side = 0; side < 2; side++) {
			size_t k = side ? last - 1 + d : first - d;
			if ((side ? k >= x->n : first < d) || x->t[k].ucase != Q_CASE_LOWER)
				continue;
			if (q_tok_has(&x->t[k], Q_LX_STRONG))
				return D_PAST;
			if (q_tok_has(&x->t[k], Q_LX_FUTURE))
				return D_FUTURE;
		}
	}
	return D_FUTURE;
}

/* The tense of the word nearest to tokens [first, last), either side. */
static enum dir tense(const struct tx *x, size_t first, size_t last)
{
	for (size_t d = 1; first >= d || last - 1 + d < x->n; d++) {
		int v = first >= d ? tense_at(x, first - d) : 0;
		if (!v && last - 1 + d < x->n)
			v = tense_at(x, last - 1 + d);
		if (v)
			return v < 0 ? D_PAST : D_FUTURE;
	}
	return D_NEAREST;
}

/* ---- resolving against the reference date ------------------------------ */

/* Of candidates c[0..k) (one granularity), the one dir asks for. */
static struct when pick(const struct when *c, size_t k, const struct when *ref,
			enum dir dir)
{
	long r = order(ref), best_score = LONG_MAX;
	struct when best = unknown;
	for (size_t j = 0; j < k; j++) {
		long v = order(&c[j]), score;
		switch (dir) {
		case D_PAST: score = v <= r ? r - v : LONG_MAX; break;
		case D_BEFORE: score = v < r ? r - v : LONG_MAX; break;
		case D_FUTURE: score = v >= r ? v - r : LONG_MAX; break;
		case D_AFTER: score = v > r ? v - r : LONG_MAX; break;
		default: /* nearest; a tie goes to the past */
			score = v <= r ? 2 * (r - v) : 2 * (v - r) + 1;
		}
		if (score < best_score) {
			best_score = score;
			best = c[j];
		}
	}
	return best;
}

static enum dir decide(const struct tx *x, enum dir dir, size_t first, size_t last)
{
	if (dir != D_TENSE)
		return dir;
	if (first > 0 && (q_tok_is(&x->t[first - 1], Q_W_UNTIL) ||
			  q_tok_is(&x->t[first - 1], Q_W_BY)))
		return deadline(x, first, last);
	return tense(x, first, last);
}

/*
 * A period named without its year — a month (n), a quarter, a half, a
 * season, a day of a month (n, d) — in the year dir picks.
 */
static struct when in_year(const struct tx *x, enum gran g, int n, int d,
			   enum dir dir, size_t first, size_t last)
{
	struct when c[3], ref;
	size_t k = 0;
	if (!x->has_ref)
		return unknown;
	ref = of_day(x->ref, g);
	int ry = of_day(x->ref, G_YEAR).y;
	dir = decide(x, dir, first, last);
	for (int y = ry - 1; y <= ry + 1; y++) {
		if (g == G_DAY && !q_date_valid(y, n, d))
			continue;
		c[k++] = (struct when){g, y, n, d};
	}
	if (dir == D_THIS) {
		for (size_t j = 0; j < k; j++)
			if (c[j].y == (g == G_SEASON ? ref.y : ry))
				return c[j];
		dir = D_NEAREST;
	}
	return pick(c, k, &ref, dir);
}

/* A weekday (1 Monday … 7 Sunday), the day dir picks. */
static struct when weekday_day(const struct tx *x, int wd, enum dir dir,
			       size_t first, size_t last)
{
	if (!x->has_ref)
		return unknown;
	long r = x->ref;
	dir = decide(x, dir, first, last);
	if (dir == D_THIS)
		return of_day(r - (q_cal_weekday(r) - 1) + wd - 1, G_DAY);
	/* The latest such day on or before the reference, and its neighbours. */
	long c0 = r - (q_cal_weekday(r) - wd + 7) % 7;
	struct when c[3] = {of_day(c0 - 7, G_DAY), of_day(c0, G_DAY),
			    of_day(c0 + 7, G_DAY)};
	struct when ref = of_day(r, G_DAY);
	return pick(c, 3, &ref, dir);
}

/* The reference's period of granularity g, k periods away. */
static struct when from_ref(const struct tx *x, enum gran g, long k)
{
	return x->has_ref ? shift(of_day(x->ref, g), k) : unknown;
}

/* ---- what a match records ----------------------------------------------- */

static size_t put(struct found *f, size_t first, size_t last,
		  enum q_timex_type type, const char *value)
{
	f->first = first;
	f->last = last;
	f->type = type;
	size_t n = value ? strlen(value) : 0;
	if (n >= sizeof(f->value))
		n = 0; /* no value of this file is that long */
	memcpy(f->value, value ? value : "", n);
	f->value[n] = '\0';
	f->tod[0] = '\0';
	return last;
}

static size_t put_when(struct found *f, size_t first, size_t last,
		       enum q_timex_type type, const struct when *w)
{
	char v[VALUE_MAX];
	format_when(w, v);
	return put(f, first, last, type, v);
}

/* A day and a part of it: "2022-11-21TMO". */
static size_t put_daypart(struct found *f, size_t first, size_t last,
			  const struct when *day, int part)
{
	static const char *const parts[5] = {"", "MO", "AF", "EV", "NI"};
	char v[VALUE_MAX], w[VALUE_MAX + 4];
	format_when(day, v);
	snprintf(w, sizeof(w), "%sT%s", v, parts[part]);
	return put(f, first, last, Q_TIMEX_TIME, v[0] ? w : "");
}

/* The TIMEX3 number of a duration: "5", "2.5", or "X" when unknown. */
static void amount(double v, int known, char out[24])
{
	if (!known || v < 0 || v > 1e9)
		snprintf(out, 24, "X");
	else if (v == (double)(long)v)
		snprintf(out, 24, "%ld", (long)v);
	else
		snprintf(out, 24, "%.6g", v);
}

/* "P5Y", "PT90S", "P10Y" (a decade), "PXY". */
static void duration_value(double v, int known, int unit, char out[VALUE_MAX])
{
	char a[24];
	const char *u = "";
	int time = 0;
	switch (unit) {
	case Q_SECOND: u = "S"; time = 1; break;
	case Q_MINUTE: u = "M"; time = 1; break;
	case Q_HOUR: u = "H"; time = 1; break;
	case Q_DAY: u = "D"; break;
	case Q_WEEK: u = "W"; break;
	case Q_WEEKEND: u = "WE"; break;
	case Q_FORTNIGHT: u = "W"; v *= 2; break;
	case Q_MONTH: u = "M"; break;
	case Q_QUARTER: u = "Q"; break;
	case Q_YEAR: u = "Y"; break;
	case Q_DECADE: u = known ? "Y" : "DE"; v *= 10; break;
	case Q_CENTURY: u = known ? "Y" : "CE"; v *= 100; break;
	}
	amount(v, known, a);
	snprintf(out, VALUE_MAX, "P%s%s%s", time ? "T" : "", a, u);
}

/* ---- the patterns ------------------------------------------------------- */

static size_t match_at(struct tx *x, size_t i, size_t first, struct found *f);
static size_t year_of(const struct tx *x, size_t i, int *y);

/* A full date as dates.c reads it — "March 14, 2023", "2023-03-14",
 * "14 March 2023", "March 2023" — ending where a token ends. */
static size_t explicit_date(const struct tx *x, size_t i, struct when *w)
{
	const struct q_tok *t = tok(x, i);
	struct q_date d;
	if (t->kind == Q_TOK_WORD && (!q_tok_has(t, Q_LX_MONTH) || t->ucase == Q_CASE_LOWER))
		return 0;
	if (t->kind != Q_TOK_WORD && t->kind != Q_TOK_NUM)
		return 0;
	size_t limit = x->t[x->n - 1].e;
	size_t len = q_date_parse(x->text + t->b, limit - t->b, &d);
	if (len == 0)
		return 0;
	size_t end = t->b + len, j = i;
	while (j < x->n && x->t[j].e < end)
		j++;
	if (j >= x->n || x->t[j].e != end)
		return 0;
	*w = d.day ? (struct when){G_DAY, d.year, d.month, d.day}
		   : (struct when){G_MONTH, d.year, d.month, 0};
	return j + 1;
}

/* A four-digit year standing alone (1000–2199): not part of an amount,
 * an id, a range of digits or a longer number.  Returns it, or -1. */
static long year_at(const struct tx *x, size_t i)
{
	const struct q_tok *t = tok(x, i);
	if (t->kind != Q_TOK_NUM || t->digits != 4 || t->grouped || t->decimals ||
	    t->mant < 1000 || t->mant > 2199)
		return -1;
	const struct q_tok *p = prev(x, i), *nx = tok(x, i + 1);
	if (glued(x, i) && (p->kind == Q_TOK_WORD || p->kind == Q_TOK_NUM ||
			    p->cp == '$' || p->cp == 0x20AC || p->cp == 0xA3 ||
			    p->cp == '#' || p->cp == '.' || p->cp == ':' || p->cp == '/' ||
			    (p->cp == '-' && i >= 2 && glued(x, i - 1) &&
			     x->t[i - 2].kind == Q_TOK_WORD && !x->t[i - 2].lx)))
		return -1;
	if (glued(x, i + 1) && (nx->kind == Q_TOK_WORD || nx->kind == Q_TOK_NUM ||
				nx->cp == '%' ||
				((nx->cp == '-' || nx->cp == '/' || nx->cp == ':' ||
				  nx->cp == '.' || nx->cp == ',') &&
				 tok(x, i + 2)->kind == Q_TOK_NUM && glued(x, i + 2))))
		return -1;
	return (long)t->mant;
}

/* ---- months, weekdays, seasons, holidays ----------------------------- */

/* "June 18", "June 18th", "Sept. 14": the day after a month's name. */
static size_t month_day(const struct tx *x, size_t i, int *day)
{
	size_t j = i + 1;
	if (tok(x, i)->lx->num == 1 && punct(x, j, '.') && glued(x, j))
		j++;
	long d = plain_int(x, j, 2);
	if (d < 1 || d > 31 || !tok(x, j)->space)
		return 0;
	j++;
	if (ordinal_suffix(x, j))
		j++;
	/* "June 18:30", "June 18-20", "June 18.5": not a day */
	if (glued(x, j) && (tok(x, j)->kind != Q_TOK_PUNCT || tok(x, j)->cp == ':' ||
			    ((tok(x, j)->cp == '-' || tok(x, j)->cp == '.') &&
			     tok(x, j + 1)->kind == Q_TOK_NUM)))
		return 0;
	if (!q_date_valid(2000, tok(x, i)->lx->cal, (int)d))
		return 0;
	*day = (int)d;
	return j;
}

/* "18 June", "18th of June", "4th July": a day before a month's name. */
static size_t day_month(const struct tx *x, size_t i, int *day, int *month)
{
	long d = plain_int(x, i, 2);
	size_t j = i + 1;
	if (d < 1 || d > 31)
		return 0;
	if (ordinal_suffix(x, j)) {
		j++;
		if (is(x, j, Q_W_OF))
			j++;
	}
	if (!has(x, j, Q_LX_MONTH) || !capital(x, j) || !tok(x, j)->space)
		return 0;
	int m = tok(x, j)->lx->cal;
	if (tok(x, j)->lx->num == 1 && punct(x, j + 1, '.') && glued(x, j + 1))
		j++;
	if (!q_date_valid(2000, m, (int)d))
		return 0;
	*day = (int)d;
	*month = m;
	return j + 1;
}

/*
 * A month's name alone is a date when a preposition or a modifier comes
 * before it ("in May", "last August"); otherwise when it is no name's
 * part and, for "May" and "March", which are also a verb and a name,
 * never.
 */
static int lone_month_ok(struct tx *x, size_t i, size_t first)
{
	int m = tok(x, i)->lx->cal;
	if (first < i)
		return !in_name(x, i, 0);
	if (has(x, i - 1, Q_LX_PREP) && i > 0 && !is(x, i - 1, Q_W_AND))
		return !in_name(x, i, 0) && !(m == 5 && name_word(x, i + 1));
	if (m == 5 || tok(x, i)->lx->num == 1)
		return 0;
	if (m == 3 && clause_start(x, i))
		return 0;
	return !in_name(x, i, 1);
}

static size_t at_month(struct tx *x, size_t i, size_t first, enum dir dir,
		       struct found *f)
{
	struct when w;
	int d;
	size_t e;
	if (!capital(x, i))
		return 0;
	if ((e = explicit_date(x, i, &w)))
		return put_when(f, first, e, Q_TIMEX_DATE, &w);
	if ((e = month_day(x, i, &d))) {
		w = in_year(x, G_DAY, tok(x, i)->lx->cal, d, dir, first, e);
		return put_when(f, first, e, Q_TIMEX_DATE, &w);
	}
	int m = tok(x, i)->lx->cal;
	/* "March of 2023", "October of next year" */
	int y;
	if (is(x, i + 1, Q_W_OF) && (e = year_of(x, i + 1, &y))) {
		w = (struct when){G_MONTH, y, m, 0};
		return put_when(f, first, e, Q_TIMEX_DATE, &w);
	}
	if (!lone_month_ok(x, i, first))
		return 0;
	/* "Sept." keeps its dot */
	e = i + 1;
	if (tok(x, i)->lx->num == 1 && punct(x, e, '.') && glued(x, e))
		e++;
	w = in_year(x, G_MONTH, m, 0, dir, first, e);
	return put_when(f, first, e, Q_TIMEX_DATE, &w);
}

static size_t at_weekday(struct tx *x, size_t i, size_t first, enum dir dir,
			 struct found *f)
{
	const struct q_tok *t = tok(x, i);
	int wd = t->lx->cal;
	char v[VALUE_MAX];
	struct when w;
	size_t e;
	if (!capital(x, i) || t->lx->num == 1)
		return 0;
	/* "Sunday Times"; but a name before a weekday is common in news:
	 * "markets in Asia Monday" */
	int introduced = first < i || has(x, i - 1, Q_LX_PREP);
	if (!introduced && name_follows(x, i) && !headline(x))
		return 0;
	if (q_tok_has(t, Q_LX_PLURAL)) {
		snprintf(v, sizeof(v), "XXXX-WXX-%d", wd);
		return put(f, first, i + 1, Q_TIMEX_SET, v);
	}
	/* "Friday, November 23, 1787": the date says which Friday */
	e = punct(x, i + 1, ',') ? i + 2 : i + 1;
	if ((e = explicit_date(x, e, &w)) && w.g == G_DAY)
		return put_when(f, first, e, Q_TIMEX_DATE, &w);
	w = weekday_day(x, wd, dir, first, i + 1);
	/* "Friday morning" */
	if (has(x, i + 1, Q_LX_DAYPART) && !has(x, i + 1, Q_LX_PLURAL))
		return put_daypart(f, first, i + 2, &w, tok(x, i + 1)->lx->cal);
	return put_when(f, first, i + 1, Q_TIMEX_DATE, &w);
}

/* "in the summer", "during winter", "this autumn", "summer 2023", "the
 * fall of 2023".  "fall" and "spring" are also verbs and nouns, so a
 * season needs one of these. */
static size_t at_season(struct tx *x, size_t i, size_t first, enum dir dir,
			struct found *f)
{
	int s = tok(x, i)->lx->cal;
	long y;
	struct when w;
	size_t e = i + 1;
	if (is(x, e, Q_W_OF) && year_at(x, e + 1) > 0)
		e++;
	if ((y = year_at(x, e)) > 0) {
		w = (struct when){G_SEASON, (int)y, s, 0};
		return put_when(f, first, e + 1, Q_TIMEX_DATE, &w);
	}
	size_t p = i - (is(x, i - 1, Q_W_THE) && i > 0);
	int introduced = first < i || (p > 0 && (is(x, p - 1, Q_W_IN) ||
						 word_is(x, p - 1, "during") ||
						 word_is(x, p - 1, "until") ||
						 word_is(x, p - 1, "since") ||
						 word_is(x, p - 1, "through") ||
						 word_is(x, p - 1, "throughout") ||
						 (is(x, p - 1, Q_W_BY) && p < i)));
	if (!introduced || in_name(x, i, 1))
		return 0;
	w = in_year(x, G_SEASON, s, 0, dir, first, i + 1);
	return put_when(f, first, i + 1, Q_TIMEX_DATE, &w);
}

/* The day of Easter Sunday in year y (the Gregorian computus). */
static long easter(int y)
{
	int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
	int g = (8 * b + 13) / 25, h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 19 * l) / 433;
	int month = (h + l - 7 * m + 90) / 25, day = (h + l - 7 * m + 33 * month + 19) % 32;
	return q_cal_days(y, month, day);
}

enum holiday { H_NONE, H_CHRISTMAS, H_CHRISTMAS_EVE, H_NEW_YEAR, H_NEW_YEARS_EVE,
	       H_THANKSGIVING, H_HALLOWEEN, H_VALENTINE, H_EASTER };

static long holiday_day(enum holiday h, int y)
{
	switch (h) {
	case H_CHRISTMAS: return q_cal_days(y, 12, 25);
	case H_CHRISTMAS_EVE: return q_cal_days(y, 12, 24);
	case H_NEW_YEAR: return q_cal_days(y, 1, 1);
	case H_NEW_YEARS_EVE: return q_cal_days(y, 12, 31);
	case H_HALLOWEEN: return q_cal_days(y, 10, 31);
	case H_VALENTINE: return q_cal_days(y, 2, 14);
	case H_EASTER: return easter(y);
	case H_THANKSGIVING: {
		/* the fourth Thursday of November */
		long nov1 = q_cal_days(y, 11, 1);
		return nov1 + (4 - q_cal_weekday(nov1) + 7) % 7 + 21;
	}
	case H_NONE: break;
	}
	return 0;
}

/* "'s" after a word: an apostrophe and an s, glued. */
static size_t possessive(const struct tx *x, size_t i)
{
	return apostrophe(x, i) && glued(x, i) && is(x, i + 1, Q_W_S) && glued(x, i + 1)
		       ? i + 2
		       : 0;
}

/* Which holiday starts at i ("Christmas Eve", "New Year's Day",
 * "Valentine's Day"), and *end past it. */
static enum holiday holiday_at(const struct tx *x, size_t i, size_t *end)
{
	size_t j = i + 1, k;
	enum holiday h = H_NONE;
	switch (tok(x, i)->lx->id) {
	case Q_W_CHRISTMAS:
		h = H_CHRISTMAS;
		if (is(x, j, Q_W_EVE) && capital(x, j))
			h = H_CHRISTMAS_EVE, j++;
		else if (is(x, j, Q_W_DAY) && capital(x, j))
			j++;
		break;
	case Q_W_NEW:
		if (!is(x, j, Q_W_YEAR) || !capital(x, j))
			return H_NONE;
		j++;
		if ((k = possessive(x, j)))
			j = k;
		h = H_NEW_YEAR;
		if (is(x, j, Q_W_EVE) && capital(x, j))
			h = H_NEW_YEARS_EVE, j++;
		else if (is(x, j, Q_W_DAY) && capital(x, j))
			j++;
		else if (!k)
			return H_NONE;
		break;
	case Q_W_THANKSGIVING: h = H_THANKSGIVING; break;
	case Q_W_HALLOWEEN: h = H_HALLOWEEN; break;
	case Q_W_EASTER:
		h = H_EASTER;
		if (word_is(x, j, "sunday") && capital(x, j))
			j++;
		break;
	case Q_W_VALENTINE:
		if (!(k = possessive(x, j)) || !is(x, k, Q_W_DAY))
			return H_NONE;
		h = H_VALENTINE;
		j = k + 1;
		break;
	default: return H_NONE;
	}
	*end = j;
	return h;
}

static size_t at_holiday(struct tx *x, size_t i, size_t first, enum dir dir,
			 struct found *f)
{
	size_t e;
	enum holiday h;
	long y;
	struct when w = unknown;
	if (!capital(x, i) || (h = holiday_at(x, i, &e)) == H_NONE ||
	    in_name(x, e - 1, 1) || (i > 0 && name_word(x, i - 1)))
		return 0;
	if ((y = year_at(x, e)) > 0) {
		w = of_day(holiday_day(h, (int)y), G_DAY);
		e++;
	} else if (x->has_ref) {
		int ry = of_day(x->ref, G_YEAR).y;
		struct when c[3], ref = of_day(x->ref, G_DAY);
		for (int k = 0; k < 3; k++)
			c[k] = of_day(holiday_day(h, ry - 1 + k), G_DAY);
		w = pick(c, 3, &ref, decide(x, dir, first, e));
	}
	return put_when(f, first, e, Q_TIMEX_DATE, &w);
}

/* ---- words for now, today and other days ------------------------------ */

static size_t at_deictic(struct tx *x, size_t i, size_t first, struct found *f)
{
	enum q_word id = tok(x, i)->lx->id;
	struct when w;
	long k = 0;
	/* "now-cancelled", "soon-to-open": part of a compound */
	if (in_name(x, i, !clause_start(x, i)) || hyphen(x, i + 1))
		return 0;
	switch (id) {
	case Q_W_NOW:
	case Q_W_CURRENTLY:
	case Q_W_NOWADAYS:
		return put(f, first, i + 1, Q_TIMEX_DATE, "PRESENT_REF");
	case Q_W_RECENTLY:
		return put(f, first, i + 1, Q_TIMEX_DATE, "PAST_REF");
	case Q_W_RECENT:
		/* "recent years": some years up to now */
		if (has(x, i + 1, Q_LX_TUNIT) && has(x, i + 1, Q_LX_PLURAL)) {
			char v[VALUE_MAX];
			duration_value(0, 0, tok(x, i + 1)->lx->cal, v);
			return put(f, first, i + 2, Q_TIMEX_DURATION, v);
		}
		return put(f, first, i + 1, Q_TIMEX_DATE, "PAST_REF");
	case Q_W_SOON:
		/* "as soon as" and "soon after" tie an event to another */
		if (is(x, i - 1, Q_W_AS) || is(x, i + 1, Q_W_AS) || word_is(x, i + 1, "after"))
			return 0;
		return put(f, first, i + 1, Q_TIMEX_DATE, "FUTURE_REF");
	case Q_W_TONIGHT:
		w = from_ref(x, G_DAY, 0);
		return put_daypart(f, first, i + 1, &w, Q_NIGHT);
	case Q_W_YESTERDAY: k = -1; break;
	case Q_W_TOMORROW: k = 1; break;
	case Q_W_TODAY: k = 0; break;
	default: return 0;
	}
	w = from_ref(x, G_DAY, k);
	/* "yesterday morning" */
	if (has(x, i + 1, Q_LX_DAYPART) && !has(x, i + 1, Q_LX_PLURAL))
		return put_daypart(f, first, i + 2, &w, tok(x, i + 1)->lx->cal);
	return put_when(f, first, i + 1, Q_TIMEX_DATE, &w);
}

/* "that day", "the same day", "the next day", "the previous day": the day
 * the text last named, else the reference date. */
static size_t day_anaphora(struct tx *x, size_t i, size_t first, struct found *f)
{
	size_t j = i;
	long k = 0;
	if (is(x, j, Q_W_SAME))
		j++;
	else if (is(x, j, Q_W_NEXT) || is(x, j, Q_W_FOLLOWING))
		k = 1, j++;
	else if (is(x, j, Q_W_PREVIOUS))
		k = -1, j++;
	if (!is(x, j, Q_W_DAY) || hyphen(x, j + 1) || possessive(x, j + 1))
		return 0;
	struct when w = unknown;
	if (x->last_day != NO_DAY)
		w = of_day(x->last_day + k, G_DAY);
	else if (x->has_ref)
		w = from_ref(x, G_DAY, k);
	return put_when(f, first, j + 1, Q_TIMEX_DATE, &w);
}

/* ---- times of day ------------------------------------------------------ */

/* "a.m.", "p.m", "am", "PM": its end (0 when none) and *pm. */
static size_t ampm(const struct tx *x, size_t i, int *pm)
{
	if (is(x, i, Q_W_AM) || is(x, i, Q_W_PM)) {
		*pm = is(x, i, Q_W_PM);
		return i + 1;
	}
	if ((is(x, i, Q_W_A) || is(x, i, Q_W_LETTER_P)) && punct(x, i + 1, '.') &&
	    glued(x, i + 1) && is(x, i + 2, Q_W_LETTER_M) && glued(x, i + 2)) {
		*pm = is(x, i, Q_W_LETTER_P);
		return punct(x, i + 3, '.') && glued(x, i + 3) ? i + 4 : i + 3;
	}
	return 0;
}

/* A time zone after a time: "UTC", "EST", "local time"; *utc for UTC. */
static size_t zone(const struct tx *x, size_t i, int *utc)
{
	const struct q_tok *t = tok(x, i);
	if (q_tok_has(t, Q_LX_ZONE) && t->ucase == Q_CASE_UPPER) {
		*utc = t->lx->code != NULL;
		return i + 1;
	}
	if (is(x, i, Q_W_LOCAL) && is(x, i + 1, Q_W_TIME))
		return i + 2;
	return 0;
}

struct clock {
	int h, m, s; /* s < 0 when not given */
	int ampm;    /* the text said a.m. or p.m. */
	int utc;     /* the text said UTC or GMT */
};

/* The hour and minutes at i: "9:30", "9:30:15", "9.30" (only with am or
 * pm), "0800" (only with a zone or "hours"), "nine o'clock", "9".  Its
 * end, or 0. */
static size_t clock_digits(const struct tx *x, size_t i, struct clock *c,
			   int *colon, int *military, int *oclock)
{
	const struct q_tok *t = tok(x, i);
	long h = -1, m = 0, s = -1;
	size_t j = i + 1;
	if (t->kind == Q_TOK_NUM && t->decimals == 2 && t->digits <= 2 && !t->grouped) {
		h = (long)t->mant / 100;
		m = (long)t->mant % 100;
	} else if (t->kind == Q_TOK_NUM && t->digits == 4 && !t->decimals && !t->grouped) {
		h = (long)t->mant / 100;
		m = (long)t->mant % 100;
		*military = 1;
	} else if (t->kind == Q_TOK_NUM) {
		h = plain_int(x, i, 2);
	} else if (has(x, i, Q_LX_CARDINAL) && t->lx->num >= 1 && t->lx->num <= 12) {
		h = (long)t->lx->num;
	}
	if (h < 0 || (glued(x, i) && prev(x, i)->kind != Q_TOK_PUNCT))
		return 0;
	if (t->kind == Q_TOK_NUM && !*military && punct(x, j, ':') && glued(x, j) &&
	    glued(x, j + 1) && plain_int(x, j + 1, 2) >= 0 && tok(x, j + 1)->digits == 2) {
		m = plain_int(x, j + 1, 2);
		j += 2;
		*colon = 1;
		if (punct(x, j, ':') && glued(x, j) && glued(x, j + 1) &&
		    tok(x, j + 1)->digits == 2 && plain_int(x, j + 1, 2) >= 0) {
			s = plain_int(x, j + 1, 2);
			j += 2;
		}
	} else if (is(x, j, Q_W_O) && apostrophe(x, j + 1) && is(x, j + 2, Q_W_CLOCK)) {
		j += 3;
		*oclock = 1;
	}
	if (m > 59 || s > 59 || h > 24)
		return 0;
	c->h = (int)h;
	c->m = (int)m;
	c->s = (int)s;
	return j;
}

/*
 * A time of the clock: "9:30 p.m.", "18:00 UTC", "9am", "0800 GMT", "nine
 * o'clock", "12 noon", "noon", "midnight".  Its end, or 0.
 */
static size_t clock_time(struct tx *x, size_t i, struct clock *c)
{
	size_t j, e;
	int colon = 0, military = 0, oclock = 0, pm = -1;
	*c = (struct clock){0, 0, -1, 0, 0};
	if (is(x, i, Q_W_NOON) || is(x, i, Q_W_MIDNIGHT)) {
		if (in_name(x, i, 1))
			return 0;
		c->h = is(x, i, Q_W_NOON) ? 12 : 24;
		return i + 1;
	}
	if (!(j = clock_digits(x, i, c, &colon, &military, &oclock)))
		return 0;
	if (c->h == 12 && c->m == 0 && !colon && (is(x, j, Q_W_NOON) || is(x, j, Q_W_MIDNIGHT))) {
		c->h = is(x, j, Q_W_NOON) ? 12 : 24;
		return j + 1;
	}
	if ((e = ampm(x, j, &pm)))
		j = e;
	if ((e = zone(x, j, &c->utc)))
		j = e;
	else if (military && has(x, j, Q_LX_TUNIT) && tok(x, j)->lx->cal == Q_HOUR)
		j++;
	const struct q_tok *t = tok(x, i);
	if (pm >= 0) {
		if (c->h < 1 || c->h > 12 || military)
			return 0;
		c->h = pm ? (c->h == 12 ? 12 : c->h + 12) : (c->h == 12 ? 0 : c->h);
		c->ampm = 1;
	} else if (!(colon && t->kind == Q_TOK_NUM && !t->decimals) && !oclock &&
		   !(military && j > i + 1)) {
		return 0;
	}
	/* "John 3:16" is no time, nor the digits of an id */
	if (colon && pm < 0 && !e && (name_word(x, i - 1) || glued(x, j)))
		return 0;
	return j;
}

/* "T21:30", "T18:00Z", "T09:30:15". */
static void format_clock(const struct clock *c, char out[16])
{
	if (c->s >= 0)
		snprintf(out, 16, "T%02d:%02d:%02d%s", c->h % 100, c->m % 100, c->s % 100,
			 c->utc ? "Z" : "");
	else
		snprintf(out, 16, "T%02d:%02d%s", c->h % 100, c->m % 100, c->utc ? "Z" : "");
}

/*
 * A day right after a time: "16:00 UTC today", "9 p.m. on Tuesday",
 * "2:30 yesterday afternoon" (which also says the 2:30 is p.m.).  Its
 * end, or 0.
 */
static size_t day_after_time(struct tx *x, size_t i, struct clock *c, struct when *day)
{
	struct found g;
	size_t j = i + is(x, i, Q_W_ON);
	const struct q_tok *t = tok(x, j);
	size_t e;
	if (!(q_tok_has(t, Q_LX_WEEKDAY | Q_LX_MONTH) || q_tok_is(t, Q_W_TODAY) ||
	      q_tok_is(t, Q_W_YESTERDAY) || q_tok_is(t, Q_W_TOMORROW) ||
	      q_tok_is(t, Q_W_TONIGHT) || t->kind == Q_TOK_NUM))
		return 0;
	if (!(e = match_at(x, j, j, &g)))
		return 0;
	size_t n = strlen(g.value);
	if (g.type == Q_TIMEX_TIME && n == 13 && g.value[10] == 'T') {
		/* "…afternoon", "…evening", "…night": the hours after noon */
		if (!c->ampm && c->h < 12 && strcmp(g.value + 11, "MO") != 0)
			c->h += 12;
		g.value[10] = '\0';
	} else if (g.type != Q_TIMEX_DATE) {
		return 0;
	}
	if (!parse_when(g.value, day) || day->g != G_DAY)
		return 0;
	return e;
}

static size_t at_time(struct tx *x, size_t i, size_t first, struct found *f)
{
	char tod[16];
	struct clock c;
	struct when day;
	size_t e = clock_time(x, i, &c), d;
	if (!e)
		return 0;
	if ((d = day_after_time(x, e, &c, &day))) {
		char v[VALUE_MAX], w[VALUE_MAX + 16];
		format_when(&day, v);
		format_clock(&c, tod);
		snprintf(w, sizeof(w), "%s%s", v, tod);
		return put(f, first, d, Q_TIMEX_TIME, w);
	}
	format_clock(&c, tod);
	put(f, first, e, Q_TIMEX_TIME, "");
	memcpy(f->tod, tod, sizeof(f->tod));
	return e;
}

/* ---- durations and sets -------------------------------------------------- */

/* How many: a number in digits or words, "a", "a few", "a couple of",
 * "several", "many".  *known is 0 for the vague ones. */
static size_t quantity(const struct tx *x, size_t i, double *v, int *known)
{
	const struct q_tok *t = tok(x, i);
	size_t e;
	*known = 1;
	if (q_tok_is(t, Q_W_A) || q_tok_is(t, Q_W_AN)) {
		if (is(x, i + 1, Q_W_FEW)) {
			*known = 0;
			return i + 2;
		}
		if (is(x, i + 1, Q_W_COUPLE) && is(x, i + 2, Q_W_OF)) {
			*v = 2;
			return i + 3;
		}
		if ((e = q_number_phrase(x->t, x->n, i, v)))
			return e;
		*v = 1;
		return i + 1;
	}
	if (q_tok_is(t, Q_W_SEVERAL) || q_tok_is(t, Q_W_FEW) || q_tok_is(t, Q_W_MANY)) {
		*known = 0;
		return i + 1;
	}
	/* digits glued to letters belong to an id ("A330"), a "54th" is no count */
	if (t->kind == Q_TOK_NUM && ((glued(x, i) && prev(x, i)->kind == Q_TOK_WORD) ||
				     ordinal_suffix(x, i + 1)))
		return 0;
	return q_number_phrase(x->t, x->n, i, v);
}

/* "five years ago" (sign -1), "five years from now" (1): the period that
 * far from the reference. */
static struct when ago(const struct tx *x, double v, int unit, int sign)
{
	long k = sign * (long)v;
	if (v != (double)(long)v)
		return unknown;
	switch (unit) {
	case Q_YEAR: return from_ref(x, G_YEAR, k);
	case Q_DECADE: return from_ref(x, G_YEAR, 10 * k);
	case Q_CENTURY: return from_ref(x, G_YEAR, 100 * k);
	case Q_QUARTER: return from_ref(x, G_QUARTER, k);
	case Q_MONTH: return from_ref(x, G_MONTH, k);
	case Q_WEEK: return from_ref(x, G_DAY, 7 * k);
	case Q_FORTNIGHT: return from_ref(x, G_DAY, 14 * k);
	case Q_DAY: return from_ref(x, G_DAY, k);
	default: return from_ref(x, G_DAY, 0);
	}
}

/*
 * "five years", "90 seconds", "two and a half years", "a decade", "12-hour",
 * "several months", "42-year-old"; "five years ago" is a date, "15 a
 * year" (a rate) a set.
 */
static size_t at_duration(struct tx *x, size_t i, size_t first, struct found *f)
{
	double v = 0;
	int known;
	char val[VALUE_MAX];
	size_t j = quantity(x, i, &v, &known);
	int article = is(x, i, Q_W_A) || is(x, i, Q_W_AN);
	if (!j)
		return 0;
	int hyph = hyphen(x, j);
	if (hyph)
		j++;
	else if (has(x, j, Q_LX_COUNTED) && has(x, j + 1, Q_LX_TUNIT))
		j++; /* "six straight days" */
	if (!has(x, j, Q_LX_TUNIT))
		return 0;
	int unit = tok(x, j)->lx->cal;
	/* "a second time", "about a quarter": an ordinal, a fraction */
	if (article && j == i + 1 && unit == Q_SECOND && !has(x, j, Q_LX_PLURAL))
		return 0;
	if (unit == Q_QUARTER && (is(x, j + 1, Q_W_OF) || hyph ||
				  (j == i + 1 && !has(x, i - 1, Q_LX_PREP))))
		return 0;
	j++;
	if (is(x, j, Q_W_AGO)) {
		struct when w = known ? ago(x, v, unit, -1) : unknown;
		if (!known)
			return put(f, first, j + 1, Q_TIMEX_DATE, "PAST_REF");
		return put_when(f, first, j + 1, Q_TIMEX_DATE, &w);
	}
	/* "a hundred years from now" */
	if (is(x, j, Q_W_FROM) && is(x, j + 1, Q_W_NOW) && known) {
		struct when w = ago(x, v, unit, 1);
		return put_when(f, first, j + 2, Q_TIMEX_DATE, &w);
	}
	/* "42-year-old", "a year-long" */
	if ((hyph && hyphen(x, j) && is(x, j + 1, Q_W_OLD)) ||
	    (hyphen(x, j) && is(x, j + 1, Q_W_LONG)))
		j += 2;
	duration_value(v, known, unit, val);
	/* "$40bn a year", "15 a year", "twice a day": how often */
	if (article && j == i + 2 && first == i) {
		const struct q_tok *p = prev(x, i);
		if (p->kind == Q_TOK_NUM || q_tok_has(p, Q_LX_SCALE | Q_LX_CURRENCY) ||
		    q_tok_is(p, Q_W_PERCENT) || p->cp == '%') {
			duration_value(1, 1, unit, val);
			return put(f, first, j, Q_TIMEX_SET, val);
		}
	}
	return put(f, first, j, Q_TIMEX_DURATION, val);
}

/* "every Friday", "every two weeks", "each year", "every other month". */
static size_t at_every(struct tx *x, size_t i, size_t first, struct found *f)
{
	char v[VALUE_MAX];
	double n = 1;
	int known = 1;
	size_t j = i + 1, e;
	if (is(x, j, Q_W_OTHER))
		n = 2, j++;
	else if (!is(x, j, Q_W_A) && (e = quantity(x, j, &n, &known)) && has(x, e, Q_LX_TUNIT))
		j = e;
	const struct q_tok *t = tok(x, j);
	if (q_tok_has(t, Q_LX_WEEKDAY) && capital(x, j)) {
		if (has(x, j + 1, Q_LX_DAYPART)) {
			static const char *const parts[5] = {"", "MO", "AF", "EV", "NI"};
			snprintf(v, sizeof(v), "XXXX-WXX-%dT%s", t->lx->cal,
				 parts[tok(x, j + 1)->lx->cal]);
			return put(f, first, j + 2, Q_TIMEX_SET, v);
		}
		snprintf(v, sizeof(v), "XXXX-WXX-%d", t->lx->cal);
		return put(f, first, j + 1, Q_TIMEX_SET, v);
	}
	if (q_tok_has(t, Q_LX_MONTH) && capital(x, j) && t->lx->num == 0) {
		snprintf(v, sizeof(v), "XXXX-%02d", t->lx->cal);
		return put(f, first, j + 1, Q_TIMEX_SET, v);
	}
	if (q_tok_has(t, Q_LX_DAYPART)) {
		static const char *const parts[5] = {"", "MO", "AF", "EV", "NI"};
		snprintf(v, sizeof(v), "XXXX-XX-XXT%s", parts[t->lx->cal]);
		return put(f, first, j + 1, Q_TIMEX_SET, v);
	}
	if (!q_tok_has(t, Q_LX_TUNIT))
		return 0;
	if (t->lx->cal == Q_WEEKEND)
		return put(f, first, j + 1, Q_TIMEX_SET, "XXXX-WXX-WE");
	duration_value(n, known, t->lx->cal, v);
	return put(f, first, j + 1, Q_TIMEX_SET, v);
}

/* "twice a week", "three times a year", "once a month", "per day". */
static size_t at_times(struct tx *x, size_t i, size_t first, struct found *f)
{
	char v[VALUE_MAX];
	double n;
	size_t j;
	if (is(x, i, Q_W_PER)) {
		j = i;
	} else if (is(x, i, Q_W_ONCE) || is(x, i, Q_W_TWICE) || is(x, i, Q_W_THRICE)) {
		j = i + 1;
	} else if ((j = q_number_phrase(x->t, x->n, i, &n)) && is(x, j, Q_W_TIMES)) {
		j++;
	} else {
		return 0;
	}
	if (!(is(x, j, Q_W_A) || is(x, j, Q_W_AN) || is(x, j, Q_W_PER) ||
	      is(x, j, Q_W_EVERY) || is(x, j, Q_W_EACH)) ||
	    !has(x, j + 1, Q_LX_TUNIT) || has(x, j + 1, Q_LX_PLURAL))
		return 0;
	duration_value(1, 1, tok(x, j + 1)->lx->cal, v);
	return put(f, first, j + 2, Q_TIMEX_SET, v);
}

/* "daily", "weekly", "annual", "quarterly". */
static size_t at_frequency(struct tx *x, size_t i, size_t first, struct found *f)
{
	char v[VALUE_MAX];
	if (in_name(x, i, 1))
		return 0;
	duration_value(1, 1, tok(x, i)->lx->cal, v);
	return put(f, first, i + 1, Q_TIMEX_SET, v);
}

/* ---- years, decades, centuries, quarters --------------------------------- */

/* A year alone, when its neighbours make it one: not an amount ("about
 * 2000 people", "2000 km") and, without a preposition before it, not a
 * count of something ("1500 employees"). */
static size_t at_year(struct tx *x, size_t i, size_t first, struct found *f)
{
	long y = year_at(x, i);
	char v[VALUE_MAX];
	if (y < 0)
		return 0;
	const struct q_tok *p = prev(x, i), *nx = tok(x, i + 1);
	if (q_tok_has(p, Q_LX_APPROX | Q_LX_CURRENCY) || q_tok_is(p, Q_W_THAN) ||
	    (q_tok_is(p, Q_W_TO) && is(x, i - 2, Q_W_UP)) ||
	    q_tok_has(nx, Q_LX_SCALE | Q_LX_MEASURE | Q_LX_CURRENCY | Q_LX_TUNIT) ||
	    q_tok_is(nx, Q_W_PERCENT) || q_tok_is(nx, Q_W_PCT) || nx->cp == '%')
		return 0;
	int dated = q_tok_has(p, Q_LX_PREP | Q_LX_MONTH | Q_LX_SEASON) ||
		    q_tok_is(p, Q_W_YEAR) || q_tok_is(p, Q_W_FISCAL) ||
		    q_tok_is(p, Q_W_THE) || p->cp == '(' || p->cp == ',';
	if (y < 1800 && !q_tok_has(p, Q_LX_PREP))
		return 0;
	/* "Russell 2000", "Euro 2008", "Windows 2000": a name's number */
	if (name_word(x, i - 1) && !headline(x))
		return 0;
	if (!dated && nx->kind == Q_TOK_WORD && nx->ucase == Q_CASE_LOWER && !nx->lx &&
	    x->text[nx->e - 1] == 's')
		return 0;
	snprintf(v, sizeof(v), "%04ld", y);
	return put(f, first, i + 1, Q_TIMEX_DATE, v);
}

/* "1990s", "90s", "1990's": a decade ("199"); i at the number. */
static size_t at_decade(struct tx *x, size_t i, size_t first, struct found *f)
{
	const struct q_tok *t = tok(x, i);
	char v[VALUE_MAX];
	size_t e;
	if (t->kind != Q_TOK_NUM || t->grouped || t->decimals || t->mant % 10 ||
	    (t->digits != 4 && t->digits != 2))
		return 0;
	if (is(x, i + 1, Q_W_S) && glued(x, i + 1))
		e = i + 2;
	else if (!(e = possessive(x, i + 1)))
		return 0;
	if (glued(x, e) && tok(x, e)->kind != Q_TOK_PUNCT)
		return 0;
	long d = (long)t->mant / 10;
	if (t->digits == 2)
		d += d <= 1 ? 200 : 190; /* "the 10s" are the 2010s, "the 70s" the 1970s */
	else if (t->mant < 1000 || t->mant > 2190)
		return 0;
	snprintf(v, sizeof(v), "%03ld", d);
	return put(f, first, e, Q_TIMEX_DATE, v);
}

/* "'82" (a year) and "'90s" (a decade) after an apostrophe. */
static size_t at_apostrophe(struct tx *x, size_t i, size_t first, struct found *f)
{
	long yy = plain_int(x, i + 1, 2);
	char v[VALUE_MAX];
	if (glued(x, i) || !glued(x, i + 1) || yy < 0 || tok(x, i + 1)->digits != 2)
		return 0;
	/* "iLife '11", "Office '97": a version */
	if (prev(x, i)->kind == Q_TOK_WORD && !prev(x, i)->lx)
		return 0;
	if (is(x, i + 2, Q_W_S) && glued(x, i + 2))
		return at_decade(x, i + 1, first, f);
	if (glued(x, i + 2) && tok(x, i + 2)->kind != Q_TOK_PUNCT)
		return 0;
	int ry = x->has_ref ? of_day(x->ref, G_YEAR).y : 2069;
	long y = 2000 + yy <= ry + 10 ? 2000 + yy : 1900 + yy;
	snprintf(v, sizeof(v), "%04ld", y);
	return put(f, first, i + 2, Q_TIMEX_DATE, v);
}

/* The year after a quarter or a half: "of 2023", "2023", "of this year",
 * "of last year".  Returns its end and sets *y; 0 when none. */
static size_t year_of(const struct tx *x, size_t i, int *y)
{
	size_t j = is(x, i, Q_W_OF) ? i + 1 : i;
	long v;
	if ((v = year_at(x, j)) > 0) {
		*y = (int)v;
		return j + 1;
	}
	if (j > i && is(x, j + 1, Q_W_YEAR) && x->has_ref) {
		int ry = of_day(x->ref, G_YEAR).y;
		if (is(x, j, Q_W_THIS) || is(x, j, Q_W_THE))
			*y = ry;
		else if (is(x, j, Q_W_LAST) || is(x, j, Q_W_PREVIOUS))
			*y = ry - 1;
		else if (is(x, j, Q_W_NEXT))
			*y = ry + 1;
		else
			return 0;
		return j + 2;
	}
	return 0;
}

/* "the second quarter of 2023", "third-quarter", "the first half", "Q2
 * 2023", "the 20th century", "the twenty-first century". */
static size_t at_ordinal_period(struct tx *x, size_t i, size_t first, struct found *f)
{
	size_t j, e;
	int n, y;
	struct when w;
	if (is(x, i, Q_W_Q) && capital(x, i) && glued(x, i + 1) &&
	    plain_int(x, i + 1, 1) >= 1 && plain_int(x, i + 1, 1) <= 4) {
		n = (int)plain_int(x, i + 1, 1);
		j = i + 2;
		if (glued(x, j) && tok(x, j)->kind != Q_TOK_PUNCT)
			return 0;
		if ((e = year_of(x, j, &y))) {
			w = (struct when){G_QUARTER, y, n, 0};
			return put_when(f, first, e, Q_TIMEX_DATE, &w);
		}
		w = in_year(x, G_QUARTER, n, 0, D_TENSE, first, j);
		return put_when(f, first, j, Q_TIMEX_DATE, &w);
	}
	if (!(n = ordinal_at(x, i, &j)))
		return 0;
	if (hyphen(x, j))
		j++;
	const struct q_tok *u = tok(x, j);
	if (q_tok_has(u, Q_LX_TUNIT) && u->lx->cal == Q_CENTURY && !q_tok_has(u, Q_LX_PLURAL)) {
		w = (struct when){G_CENTURY, n - 1, 0, 0};
		return put_when(f, first, j + 1, Q_TIMEX_DATE, &w);
	}
	enum gran g = q_tok_has(u, Q_LX_TUNIT) && u->lx->cal == Q_QUARTER ? G_QUARTER
		      : q_tok_is(u, Q_W_HALF) && !q_tok_has(u, Q_LX_PLURAL) ? G_HALF
									    : G_NONE;
	if (g == G_NONE || n > (g == G_QUARTER ? 4 : 2) || q_tok_has(u, Q_LX_PLURAL))
		return 0;
	j++;
	if ((e = year_of(x, j, &y))) {
		w = (struct when){g, y, n, 0};
		return put_when(f, first, e, Q_TIMEX_DATE, &w);
	}
	w = in_year(x, g, n, 0, D_TENSE, first, j);
	return put_when(f, first, j, Q_TIMEX_DATE, &w);
}

/* "fiscal 2023", "fiscal year 2023", "FY2023". */
static size_t at_fiscal(struct tx *x, size_t i, size_t first, struct found *f)
{
	size_t j = i + 1;
	long y;
	char v[VALUE_MAX];
	if (is(x, j, Q_W_YEAR))
		j++;
	if ((y = year_at(x, j)) < 0)
		return 0;
	snprintf(v, sizeof(v), "FY%04ld", y);
	return put(f, first, j + 1, Q_TIMEX_DATE, v);
}

/* ---- this, last, next, the past … --------------------------------------- */

static enum gran unit_gran(int unit)
{
	switch (unit) {
	case Q_WEEK: return G_WEEK;
	case Q_WEEKEND: return G_WEEKEND;
	case Q_MONTH: return G_MONTH;
	case Q_QUARTER: return G_QUARTER;
	case Q_YEAR: return G_YEAR;
	case Q_DECADE: return G_DECADE;
	case Q_CENTURY: return G_CENTURY;
	default: return G_NONE;
	}
}

/* "the last week": the weekend before, of, or after the reference. */
static struct when weekend(const struct tx *x, enum dir dir)
{
	if (!x->has_ref)
		return unknown;
	int wd = q_cal_weekday(x->ref);
	struct when w = of_day(x->ref, G_WEEKEND);
	/* The weekend closes its ISO week. */
	if (wd < 6 && (dir == D_PAST || dir == D_BEFORE || (dir == D_NEAREST && wd <= 3)))
		return shift(w, -1);
	return w;
}

/*
 * After this, last, next, past, previous, coming, following (at i; the
 * expression starts at first, maybe at "the"): "last August", "next
 * Tuesday", "this week", "last year", "next autumn", "the past five
 * years", "the coming months", "the past decade", "last night".
 */
static size_t at_relative(struct tx *x, size_t i, size_t first, struct found *f)
{
	enum q_word id = tok(x, i)->lx->id;
	int the = first < i && is(x, first, Q_W_THE);
	size_t j = i + 1, e;
	const struct q_tok *t = tok(x, j);
	enum dir dir = id == Q_W_THIS ? D_THIS
		     : id == Q_W_NEXT || id == Q_W_COMING ? D_AFTER
		     : id == Q_W_LAST || id == Q_W_PAST || id == Q_W_PREVIOUS ? D_BEFORE
									     : D_TENSE;
	char v[VALUE_MAX];
	struct when w;
	if (id == Q_W_FOLLOWING && !the)
		return 0;
	if (dir != D_TENSE && !the) {
		if (q_tok_has(t, Q_LX_MONTH))
			return at_month(x, j, first, dir, f);
		if (q_tok_has(t, Q_LX_WEEKDAY))
			return at_weekday(x, j, first, dir, f);
		if (q_tok_has(t, Q_LX_SEASON))
			return at_season(x, j, first, dir, f);
		if (q_tok_has(t, Q_LX_DAYPART) && !q_tok_has(t, Q_LX_PLURAL) &&
		    (id == Q_W_THIS || (id == Q_W_LAST && t->lx->cal >= Q_EVENING))) {
			w = from_ref(x, G_DAY, id == Q_W_LAST ? -1 : 0);
			return put_daypart(f, first, j + 1, &w, t->lx->cal);
		}
	}
	/* "the past five years", "the next few months" */
	double n;
	int known;
	e = 0;
	if (id != Q_W_THIS && (e = quantity(x, j, &n, &known)) && !is(x, j, Q_W_A) &&
	    has(x, e, Q_LX_COUNTED) && has(x, e + 1, Q_LX_TUNIT))
		e++; /* "the past five trading days" */
	if (id != Q_W_THIS && e && !is(x, j, Q_W_A) &&
	    has(x, e, Q_LX_TUNIT) && (has(x, e, Q_LX_PLURAL) || n == 1)) {
		duration_value(n, known, tok(x, e)->lx->cal, v);
		return put(f, first, e + 1, Q_TIMEX_DURATION, v);
	}
	if (!q_tok_has(t, Q_LX_TUNIT))
		return 0;
	int unit = t->lx->cal;
	/* "the past years", "the coming months": some of them */
	if (q_tok_has(t, Q_LX_PLURAL)) {
		if (id == Q_W_THIS || id == Q_W_FOLLOWING)
			return 0;
		duration_value(0, 0, unit, v);
		return put(f, first, j + 1, Q_TIMEX_DURATION, v);
	}
	if (unit == Q_DAY && the)
		return day_anaphora(x, i, first, f);
	enum gran g = unit_gran(unit);
	if (g == G_NONE || hyphen(x, j + 1))
		return 0;
	/* "the past year", "the past decade": a stretch up to now */
	if (id == Q_W_PAST) {
		duration_value(1, 1, unit, v);
		return put(f, first, j + 1, Q_TIMEX_DURATION, v);
	}
	if (id == Q_W_FOLLOWING || (id == Q_W_PREVIOUS && the)) {
		w = x->last.g >= G_YEAR && x->last.g <= G_DAY && g >= G_YEAR && g <= G_MONTH
			    ? shift(of_day(first_day(&x->last), g), id == Q_W_FOLLOWING ? 1 : -1)
			    : unknown;
		return put_when(f, first, j + 1, Q_TIMEX_DATE, &w);
	}
	if (g == G_WEEKEND && id == Q_W_THIS) {
		w = weekend(x, D_FUTURE);
		return put_when(f, first, j + 1, Q_TIMEX_DATE, &w);
	}
	w = from_ref(x, g, dir == D_THIS ? 0 : dir == D_AFTER ? 1 : -1);
	return put_when(f, first, j + 1, Q_TIMEX_DATE, &w);
}

/* "early 2009", "mid-June", "late in the day", "earlier this month",
 * "the end of this year", "the beginning of the year": the value of what
 * follows. */
static size_t at_position(struct tx *x, size_t i, size_t first, struct found *f)
{
	enum q_word id = tok(x, i)->lx->id;
	size_t j = i + 1, e;
	if (id == Q_W_END || id == Q_W_BEGINNING || id == Q_W_START || id == Q_W_MIDDLE) {
		if (!is(x, j, Q_W_OF) || first == i)
			return 0;
		j++;
		/* "the end of the year": the reference's */
		if (is(x, j, Q_W_THE) && has(x, j + 1, Q_LX_TUNIT) && !has(x, j + 1, Q_LX_PLURAL)) {
			enum gran g = unit_gran(tok(x, j + 1)->lx->cal);
			if (g == G_NONE || g == G_WEEKEND)
				return 0;
			struct when w = from_ref(x, g, 0);
			return put_when(f, first, j + 2, Q_TIMEX_DATE, &w);
		}
	} else if (hyphen(x, j)) {
		j++;
	} else if ((id == Q_W_LATE || id == Q_W_EARLY) && is(x, j, Q_W_IN) &&
		   is(x, j + 1, Q_W_THE) && is(x, j + 2, Q_W_DAY)) {
		/* "late in the day" */
		return day_anaphora(x, j + 2, first, f);
	}
	if (tok(x, j)->kind != Q_TOK_NUM && !tok(x, j)->lx)
		return 0;
	if (!(e = match_at(x, j, first, f)) ||
	    (f->type != Q_TIMEX_DATE && f->type != Q_TIMEX_TIME) ||
	    strcmp(f->value, "PRESENT_REF") == 0)
		return 0;
	/* "earlier" and "later" only before this, next, today …: "later
	 * 2009" is not said */
	if ((id == Q_W_EARLIER || id == Q_W_LATER) &&
	    !(is(x, j, Q_W_THIS) || is(x, j, Q_W_TODAY) || is(x, j, Q_W_TONIGHT) ||
	      is(x, j, Q_W_NEXT) || is(x, j, Q_W_LAST) || is(x, j, Q_W_IN)))
		return 0;
	return e;
}

/* Phrases opened by "the". */
static size_t at_the(struct tx *x, size_t i, size_t first, struct found *f)
{
	size_t j = i + 1;
	const struct q_tok *t = tok(x, j);
	long y;
	if (t->kind == Q_TOK_NUM)
		return at_ordinal_period(x, j, first, f);
	if (!t->lx)
		return 0;
	switch (t->lx->id) {
	case Q_W_LAST: case Q_W_PAST: case Q_W_NEXT: case Q_W_PREVIOUS:
	case Q_W_COMING: case Q_W_FOLLOWING: {
		size_t e = at_relative(x, j, first, f);
		/* "the past": before now, when no noun follows */
		if (!e && t->lx->id == Q_W_PAST &&
		    (tok(x, j + 1)->kind != Q_TOK_WORD || has(x, j + 1, Q_LX_PREP)))
			return put(f, first, j + 1, Q_TIMEX_DATE, "PAST_REF");
		return e;
	}
	case Q_W_EARLY: case Q_W_LATE: case Q_W_MID: case Q_W_END:
	case Q_W_BEGINNING: case Q_W_START: case Q_W_MIDDLE:
		return at_position(x, j, first, f);
	case Q_W_SAME: case Q_W_DAY:
		return day_anaphora(x, j, first, f);
	case Q_W_FUTURE:
		return put(f, first, j + 1, Q_TIMEX_DATE, "FUTURE_REF");
	case Q_W_YEAR:
		if ((y = year_at(x, j + 1)) < 0)
			return 0;
		return at_year(x, j + 1, first, f);
	case Q_W_LONG: case Q_W_NEAR: case Q_W_SHORT:
		return is(x, j + 1, Q_W_TERM) ? put(f, first, j + 2, Q_TIMEX_DATE, "FUTURE_REF") : 0;
	case Q_W_TIME:
		return is(x, j + 1, Q_W_BEING) ? put(f, first, j + 2, Q_TIMEX_DATE, "PRESENT_REF") : 0;
	default:
		break;
	}
	if (q_tok_has(t, Q_LX_ORDINAL) || t->kind == Q_TOK_NUM)
		return at_ordinal_period(x, j, first, f);
	if (q_tok_has(t, Q_LX_TUNIT) && t->lx->cal == Q_WEEKEND && !q_tok_has(t, Q_LX_PLURAL)) {
		struct when w = weekend(x, tense(x, first, j + 1));
		return put_when(f, first, j + 1, Q_TIMEX_DATE, &w);
	}
	return 0;
}

/* ---- dispatch on the first token ------------------------------------------ */

static size_t at_number(struct tx *x, size_t i, size_t first, struct found *f)
{
	struct when w;
	size_t e;
	int d, m;
	if ((e = explicit_date(x, i, &w)))
		return put_when(f, first, e, Q_TIMEX_DATE, &w);
	if ((e = day_month(x, i, &d, &m))) {
		w = in_year(x, G_DAY, m, d, D_TENSE, first, e);
		return put_when(f, first, e, Q_TIMEX_DATE, &w);
	}
	if ((e = at_time(x, i, first, f)) || (e = at_decade(x, i, first, f)) ||
	    (e = at_duration(x, i, first, f)) || (e = at_times(x, i, first, f)) ||
	    (e = at_ordinal_period(x, i, first, f)))
		return e;
	return at_year(x, i, first, f);
}

static size_t at_word(struct tx *x, size_t i, size_t first, struct found *f)
{
	const struct q_lexeme *lx = tok(x, i)->lx;
	size_t e;
	if (lx->cls & Q_LX_MONTH)
		return at_month(x, i, first, D_TENSE, f);
	if (lx->cls & Q_LX_WEEKDAY)
		return at_weekday(x, i, first, D_TENSE, f);
	if (lx->cls & Q_LX_SEASON)
		return at_season(x, i, first, D_TENSE, f);
	if (lx->cls & Q_LX_FREQUENCY)
		return at_frequency(x, i, first, f);
	if (lx->cls & Q_LX_APPROX) {
		/* "about five years", "over six years", "just under a year" */
		size_t j = i + 1 + (is(x, i, Q_W_JUST) && has(x, i + 1, Q_LX_APPROX));
		return (e = at_duration(x, j, first, f)) && f->type == Q_TIMEX_DURATION ? e : 0;
	}
	switch (lx->id) {
	case Q_W_THE: return at_the(x, i, first, f);
	case Q_W_THIS: case Q_W_LAST: case Q_W_NEXT: case Q_W_PAST:
	case Q_W_PREVIOUS: case Q_W_COMING:
		return at_relative(x, i, first, f);
	case Q_W_EARLY: case Q_W_LATE: case Q_W_MID: case Q_W_EARLIER: case Q_W_LATER:
		return at_position(x, i, first, f);
	case Q_W_MORE: case Q_W_LESS:
		if (!is(x, i + 1, Q_W_THAN))
			return 0;
		return (e = at_duration(x, i + 2, first, f)) && f->type == Q_TIMEX_DURATION ? e : 0;
	case Q_W_AT:
		if (is(x, i + 1, Q_W_LEAST))
			return (e = at_duration(x, i + 2, first, f)) && f->type == Q_TIMEX_DURATION ? e : 0;
		return is(x, i + 1, Q_W_PRESENT) ? put(f, i + 1, i + 2, Q_TIMEX_DATE, "PRESENT_REF") : 0;
	case Q_W_UP:
		if (!is(x, i + 1, Q_W_TO))
			return 0;
		return (e = at_duration(x, i + 2, first, f)) && f->type == Q_TIMEX_DURATION ? e : 0;
	case Q_W_EVERY: case Q_W_EACH:
		return at_every(x, i, first, f);
	case Q_W_ONCE: case Q_W_TWICE: case Q_W_PER:
		return at_times(x, i, first, f);
	case Q_W_TODAY: case Q_W_TONIGHT: case Q_W_TOMORROW: case Q_W_YESTERDAY:
	case Q_W_NOW: case Q_W_CURRENTLY: case Q_W_NOWADAYS: case Q_W_RECENTLY:
	case Q_W_RECENT: case Q_W_SOON:
		return at_deictic(x, i, first, f);
	case Q_W_THAT:
		return is(x, i + 1, Q_W_DAY) || is(x, i + 1, Q_W_SAME) ? day_anaphora(x, i + 1, first, f) : 0;
	case Q_W_NOON: case Q_W_MIDNIGHT:
		return at_time(x, i, first, f);
	case Q_W_CHRISTMAS: case Q_W_NEW: case Q_W_THANKSGIVING: case Q_W_HALLOWEEN:
	case Q_W_VALENTINE: case Q_W_EASTER:
		return at_holiday(x, i, first, D_TENSE, f);
	case Q_W_FISCAL:
		return at_fiscal(x, i, first, f);
	case Q_W_Q:
		return at_ordinal_period(x, i, first, f);
	default:
		break;
	}
	if (lx->cls & Q_LX_TUNIT) {
		/* "for years", "in minutes", "over the years", "decades-long" */
		char v[VALUE_MAX];
		int plural = (lx->cls & Q_LX_PLURAL) != 0;
		if (hyphen(x, i + 1) && is(x, i + 2, Q_W_LONG)) {
			duration_value(1, !plural, lx->cal, v);
			return put(f, first, i + 3, Q_TIMEX_DURATION, v);
		}
		if (plural && (is(x, i - 1, Q_W_FOR) || is(x, i - 1, Q_W_IN) ||
			       is(x, i - 1, Q_W_WITHIN) ||
			       (is(x, i - 1, Q_W_THE) && is(x, i - 2, Q_W_OVER)))) {
			duration_value(0, 0, lx->cal, v);
			return put(f, first, i + 1, Q_TIMEX_DURATION, v);
		}
		return 0;
	}
	if (lx->cls & (Q_LX_CARDINAL | Q_LX_ORDINAL) || lx->id == Q_W_A || lx->id == Q_W_AN ||
	    lx->id == Q_W_SEVERAL || lx->id == Q_W_FEW || lx->id == Q_W_MANY) {
		if ((e = at_duration(x, i, first, f)) || (e = at_times(x, i, first, f)) ||
		    (e = at_ordinal_period(x, i, first, f)))
			return e;
		return lx->cls & Q_LX_CARDINAL ? at_time(x, i, first, f) : 0;
	}
	return 0;
}

/* The expression starting at token i, its span from token first (a word
 * before it that belongs to it): its end, or 0. */
static size_t match_at(struct tx *x, size_t i, size_t first, struct found *f)
{
	const struct q_tok *t = tok(x, i);
	if (t->kind == Q_TOK_NUM)
		return at_number(x, i, first, f);
	if (t->kind == Q_TOK_WORD)
		return t->lx ? at_word(x, i, first, f) : 0;
	if (t->kind == Q_TOK_PUNCT && (t->cp == '\'' || t->cp == 0x2019 || t->cp == 0x2018))
		return at_apostrophe(x, i, first, f);
	return 0;
}

/* ---- sentences, blocks and the document ----------------------------------- */

/* Remembers what a date names, for "that day" and "the following year". */
static void remember(struct tx *x, const struct found *f)
{
	struct when w;
	if (f->type != Q_TIMEX_DATE || !parse_when(f->value, &w))
		return;
	x->last = w;
	if (w.g == G_DAY)
		x->last_day = first_day(&w);
}

/* A time of day takes the day named nearest to it in its sentence, else
 * the reference date, else it stays a bare time. */
static void give_day(struct tx *x, struct found *f)
{
	size_t best = SIZE_MAX;
	const char *day = NULL;
	char ref[VALUE_MAX];
	for (size_t k = 0; k < x->nfound; k++) {
		const struct found *g = &x->found[k];
		struct when w;
		if (g == f || !parse_when(g->value, &w) || w.g != G_DAY)
			continue;
		size_t dist = g->first > f->first ? g->first - f->first : f->first - g->first;
		if (dist < best) {
			best = dist;
			day = g->value;
		}
	}
	if (!day && x->has_ref) {
		struct when w = of_day(x->ref, G_DAY);
		format_when(&w, ref);
		day = ref;
	}
	snprintf(f->value, sizeof(f->value), "%s%s", day ? day : "", f->tod);
}

static int flush(struct tx *x, struct q_error *err)
{
	struct q_doc *doc = x->doc;
	for (size_t k = 0; k < x->nfound; k++) {
		struct found *f = &x->found[k];
		if (f->tod[0])
			give_day(x, f);
		struct q_timex *tm = Q_VEC_PUSH(&doc->arena, &doc->timexes);
		if (!tm)
			return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
		tm->span.bstart = x->t[f->first].b;
		tm->span.bend = x->t[f->last - 1].e;
		q_doc_span_from_bytes(doc, &tm->span);
		tm->type = f->type;
		tm->sentence = x->sentence;
		tm->value = Q_STR_NULL;
		if (f->value[0] && q_doc_str(doc, f->value, strlen(f->value), &tm->value))
			return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	}
	x->nfound = 0;
	return 0;
}

/* Whether an expression may start at token i: what the lexicon says the
 * token may open, and for "a", a word of time or a number after it. */
static int may_start(const struct tx *x, size_t i)
{
	const struct q_tok *t = &x->t[i];
	if (!(t->opens & Q_OPENS_TIME))
		return 0;
	/* "a year", "a few days", "a dozen years" */
	if (q_tok_is(t, Q_W_A) || q_tok_is(t, Q_W_AN))
		return has(x, i + 1, Q_LX_TUNIT | Q_LX_SCALE | Q_LX_COUNTED) ||
		       is(x, i + 1, Q_W_FEW) || is(x, i + 1, Q_W_COUPLE) || is(x, i + 1, Q_W_DOZEN);
	return 1;
}

static int scan_block(struct tx *x, struct q_error *err)
{
	int rc;
	x->headline = -1;
	for (size_t i = 0; i < x->n;) {
		if (!may_start(x, i)) {
			i++;
			continue;
		}
		struct found *f = &x->found[x->nfound];
		size_t e = match_at(x, i, i, f);
		if (!e) {
			i++;
			continue;
		}
		remember(x, f);
		if (++x->nfound == FOUND_MAX && (rc = flush(x, err)))
			return rc;
		i = e;
	}
	return flush(x, err);
}

/* The reference date as a day, when there is one. */
static int reference(const struct q_doc *doc, long *day)
{
	struct q_date d;
	struct q_str r = doc->meta.reference_date;
	if (!r.ptr || q_date_parse(r.ptr, r.len, &d) != r.len || d.day == 0)
		return 0;
	*day = q_cal_days(d.year, d.month, d.day);
	return 1;
}

static int timex_block(void *ctx, size_t sentence, const struct q_tok *t, size_t n,
		       struct q_error *err)
{
	struct tx *x = ctx;
	x->t = t;
	x->n = n;
	x->sentence = sentence;
	return scan_block(x, err);
}

int q_timex_reader(struct q_doc *doc, struct q_tok_reader *r)
{
	struct tx *x = calloc(1, sizeof(*x));
	if (!x)
		return Q_ENOMEM;
	x->doc = doc;
	x->text = doc->text.ptr;
	x->has_ref = reference(doc, &x->ref);
	x->last_day = NO_DAY;
	*r = (struct q_tok_reader){timex_block, x};
	return 0;
}

int q_timexes_build(struct q_doc *doc, struct q_error *err)
{
	struct q_tok_reader r;
	if (q_timex_reader(doc, &r))
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	int rc = q_tok_read(doc, &r, 1, err);
	free(r.ctx);
	return rc;
}

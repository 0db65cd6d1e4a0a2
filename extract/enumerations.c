/*
 * enumerations.c — enumerated points and the sentence that announces them.
 *
 * Three shapes of list are read, each needing two items or more:
 *
 *   - Ordinal words opening a sentence: "First, … Second, … Third, …"
 *     ("Firstly", "First of all", up to "Tenth"), across paragraphs or
 *     within one.  A list starts with "First" and takes the next ordinal
 *     only, at most MAX_GAP paragraphs after the item before; "Finally" or
 *     "Lastly" ends it when it comes straight after (same or next
 *     paragraph).  So a lone "First," and "second" as an adjective ("a
 *     second breakwater") make no list.
 *   - List paragraphs (kind list_item, see paragraphs.c): numbers "1."
 *     "2)" "(3)", letters "a." "(b)", roman numerals "(i)" "(ii)", and
 *     bullets.  Numbers, letters and numerals must follow each other (2
 *     after 1) and may have up to MAX_GAP other paragraphs between them;
 *     bullet items must be consecutive and share their bullet.
 *   - Lettered or numbered items inside a paragraph: "… would (a) fund …,
 *     (b) require … and (c) create …", starting at (a), (1) or (i).
 *
 * Each item has its ordinal (1, 2, … in the list, whatever its marker
 * says), its marker as written ("First", "2.", "(b)", "•"), its paragraph,
 * and a span: from the start of the sentence holding the marker to the
 * start of the next item when that is in the same paragraph, else to the
 * end of the paragraph — so an item that owns its paragraph spans the
 * whole paragraph.  Items inside a paragraph run from their marker to the
 * next marker, the last one to the end of its sentence.
 *
 * The announcing sentence is the sentence right before the first item (in
 * its paragraph or ending the paragraph before) when it ends with a colon
 * ("… into the following four points:", "The bill would:") or names a
 * count of things ("I see three steps, and none of them is cheap.").
 * `announced` is that count, in digits or words (two … twenty), or null
 * when the sentence names none.  When it differs from the number of items,
 * both stay as found: the text announces one count and lists another (or
 * an item was missed), and a reader sees it by comparing `announced` with
 * the length of `items`.
 *
 * Lists are numbered L1, L2, … in the order of their first items.
 */
#include "extract/extract.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_GAP 4 /* paragraphs between two items of one list */

enum family { F_NONE, F_ORDINAL, F_NUMBER, F_LETTER, F_ROMAN, F_BULLET };

struct marker {
	enum family family;
	long value;	 /* 1, 2, …; 0 for bullets, -1 for "Finally" */
	size_t len;	 /* the marker as written */
	size_t bullet;	 /* which bullet */
};

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\v';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

/* ---- markers ------------------------------------------------------------- */

static const char *const ordinals[] = {
	"first", "second", "third", "fourth", "fifth",
	"sixth", "seventh", "eighth", "ninth", "tenth",
};

/* An ordinal word at s followed by ',' or ':' ("First," "Secondly:" "First of all,"). */
static struct marker ordinal_marker(const char *s, size_t n)
{
	struct marker m = {F_NONE, 0, 0, 0};
	size_t w = 0;
	while (w < n && ((s[w] >= 'A' && s[w] <= 'Z') || is_lower((unsigned char)s[w])))
		w++;
	if (w == 0 || is_lower((unsigned char)s[0]))
		return m;
	long value = 0;
	for (size_t i = 0; i < sizeof(ordinals) / sizeof(ordinals[0]) && !value; i++) {
		size_t k = strlen(ordinals[i]);
		if ((w == k || (w == k + 2 && strncasecmp(s + k, "ly", 2) == 0)) &&
		    strncasecmp(s, ordinals[i], k) == 0)
			value = (long)i + 1;
	}
	if (!value && ((w == 7 && strncasecmp(s, "finally", 7) == 0) ||
		       (w == 6 && strncasecmp(s, "lastly", 6) == 0)))
		value = -1;
	size_t len = w;
	if (value == 1 && n - w > 7 && strncasecmp(s + w, " of all", 7) == 0)
		len = w + 7;
	if (!value || len >= n || (s[len] != ',' && s[len] != ':'))
		return m;
	return (struct marker){F_ORDINAL, value, len, 0};
}

static const char *const bullets[] = {
	"\xE2\x80\xA2", "\xE2\x97\xA6", "\xE2\x96\xAA", "\xE2\x96\xB8", "\xE2\x80\xA3",
	"\xE2\x81\x83", "\xC2\xB7", "\xE2\x80\x93", "\xE2\x80\x94", "*", "-", "+",
};

/* i ii iii iv v … xii as a number, or 0. */
static long roman_value(const char *s, size_t n)
{
	static const char *const numerals[] = {"i", "ii", "iii", "iv", "v", "vi",
					       "vii", "viii", "ix", "x", "xi", "xii"};
	for (size_t i = 0; i < sizeof(numerals) / sizeof(numerals[0]); i++)
		if (strlen(numerals[i]) == n && memcmp(numerals[i], s, n) == 0)
			return (long)i + 1;
	return 0;
}

/*
 * The marker opening a list paragraph, as paragraphs.c reads them: "• ",
 * "- ", "12. ", "3) ", "(b) ", "a. ".  `roman` asks for "i" to be read as
 * a numeral (when the list so far is one, or none is open).
 */
static struct marker list_marker(const char *s, size_t n, int roman)
{
	struct marker m = {F_NONE, 0, 0, 0};
	for (size_t b = 0; b < sizeof(bullets) / sizeof(bullets[0]); b++) {
		size_t bl = strlen(bullets[b]);
		if (n > bl && memcmp(s, bullets[b], bl) == 0 && s[bl] == ' ')
			return (struct marker){F_BULLET, 0, bl, b};
	}
	size_t open = n > 0 && s[0] == '(', i = open, d = i;
	while (i < n && i - d < 4 && (is_digit((unsigned char)s[i]) || is_lower((unsigned char)s[i])))
		i++;
	if (i == d || i + 1 >= n || s[i + 1] != ' ' ||
	    (open ? s[i] != ')' : (s[i] != '.' && s[i] != ')')))
		return m;
	m.len = i + 1;
	if (is_digit((unsigned char)s[d])) {
		for (size_t k = d; k < i; k++) {
			if (!is_digit((unsigned char)s[k]))
				return (struct marker){F_NONE, 0, 0, 0};
			m.value = m.value * 10 + (s[k] - '0');
		}
		m.family = F_NUMBER;
	} else if ((roman || i - d > 1) && (m.value = roman_value(s + d, i - d))) {
		m.family = F_ROMAN;
	} else if (i - d == 1) {
		m.family = F_LETTER;
		m.value = s[d] - 'a' + 1;
	} else {
		return (struct marker){F_NONE, 0, 0, 0};
	}
	return m;
}

/* ---- building lists ---------------------------------------------------------- */

/* A list still taking items: where it is, and its last item's marker. */
struct open_list {
	long list; /* index into doc->enumerations, or -1 */
	struct marker last;
	size_t paragraph;
};

struct builder {
	struct q_doc *doc;
	struct open_list ordinal; /* "First, … Second, …" */
	struct open_list para;	  /* list paragraphs */
	int failed;
};

/* Whether m, in paragraph p, is the next item of list o. */
static int follows(const struct open_list *o, const struct marker *m, size_t p)
{
	if (o->list < 0 || m->family != o->last.family)
		return 0;
	if (m->family == F_BULLET)
		return m->bullet == o->last.bullet && p == o->paragraph + 1;
	return m->value == o->last.value + 1 && p - o->paragraph <= MAX_GAP;
}

static void start_list(struct builder *b, struct open_list *o)
{
	struct q_enumeration *e = Q_VEC_PUSH(&b->doc->arena, &b->doc->enumerations);
	if (!e) {
		b->failed = 1;
		o->list = -1;
		return;
	}
	e->sentence = -1;
	e->announced = -1;
	o->list = (long)b->doc->enumerations.count - 1;
}

/* Adds an item whose marker is text[at, at+m->len) in paragraph p; its
 * span ends where the next item is known to start (set_spans). */
static void add_item(struct builder *b, struct open_list *o, size_t p, size_t at,
		     const struct marker *m)
{
	if (o->list < 0)
		return;
	struct q_enumeration *e = &b->doc->enumerations.items[o->list];
	struct q_enum_item *it = Q_VEC_PUSH(&b->doc->arena, &e->items);
	if (!it) {
		b->failed = 1;
		return;
	}
	it->ordinal = (long)e->items.count;
	it->marker = q_str_make(b->doc->text.ptr + at, m->len);
	it->paragraph = p;
	it->span.bstart = at;
	o->last = *m;
	o->paragraph = p;
}

static void sentence_items(struct builder *b, size_t si)
{
	const struct q_sentence *s = &b->doc->sentences.items[si];
	const char *t = b->doc->text.ptr + s->span.bstart;
	struct marker m = ordinal_marker(t, s->span.bend - s->span.bstart);
	struct open_list *o = &b->ordinal;
	if (m.family != F_ORDINAL)
		return;
	if (m.value == 1) {
		start_list(b, o);
	} else if (m.value == -1) { /* "Finally": straight after, and it ends the list */
		if (o->list < 0 || o->last.value < 2 || s->paragraph > o->paragraph + 1)
			return;
		m.value = o->last.value + 1;
		add_item(b, o, s->paragraph, s->span.bstart, &m);
		o->list = -1;
		return;
	} else if (!follows(o, &m, s->paragraph)) {
		if (o->list >= 0 && s->paragraph <= o->paragraph + MAX_GAP)
			o->list = -1; /* "First, … Third, …": out of order, the list is off */
		return;
	}
	add_item(b, o, s->paragraph, s->span.bstart, &m);
}

/*
 * A list paragraph continues the open list or starts one at 1, a, i or a
 * bullet.  "i", "v" and "x" are letters after "h", "u" and "w", numerals
 * otherwise.
 */
static void paragraph_item(struct builder *b, size_t p)
{
	const struct q_span *ps = &b->doc->paragraphs.items[p].span;
	const char *t = b->doc->text.ptr + ps->bstart;
	size_t n = ps->bend - ps->bstart;
	struct marker letter = list_marker(t, n, 0), roman = list_marker(t, n, 1);
	struct open_list *o = &b->para;
	if (follows(o, &letter, p)) {
		add_item(b, o, p, ps->bstart, &letter);
	} else if (follows(o, &roman, p)) {
		add_item(b, o, p, ps->bstart, &roman);
	} else if (roman.family == F_BULLET || roman.value == 1 || letter.value == 1) {
		struct marker m = roman.value == 1 || roman.family == F_BULLET ? roman : letter;
		start_list(b, o);
		add_item(b, o, p, ps->bstart, &m);
	}
}

/* ---- items inside a paragraph: "(a) …, (b) … and (c) …" ---------------------- */

/* "(a)" "(2)" "(iv)" at t[i], after a space or the start and before a space. */
static struct marker inline_marker(const char *t, size_t lo, size_t i, size_t hi, int roman)
{
	struct marker none = {F_NONE, 0, 0, 0};
	if (t[i] != '(' || (i > lo && !is_space((unsigned char)t[i - 1])))
		return none;
	struct marker m = list_marker(t + i, hi - i, roman);
	if (m.family == F_NONE || m.family == F_BULLET)
		return none;
	return m;
}


/* The end of the sentence holding byte, or of paragraph p when none does. */
static size_t sentence_end_at(const struct q_doc *doc, size_t p, size_t byte)
{
	const struct q_sentence *s = NULL;
	if (doc->sentences.count)
		s = &doc->sentences.items[q_doc_sentence_at(doc, byte)];
	if (s && s->paragraph == p && s->span.bstart <= byte && byte < s->span.bend)
		return s->span.bend;
	return doc->paragraphs.items[p].span.bend;
}

static void inline_items(struct builder *b, size_t p)
{
	const char *t = b->doc->text.ptr;
	const struct q_span *ps = &b->doc->paragraphs.items[p].span;
	struct open_list o = {-1, {F_NONE, 0, 0, 0}, p};
	for (size_t i = ps->bstart; i < ps->bend && !b->failed; i++) {
		if (t[i] != '(')
			continue;
		struct marker letter = inline_marker(t, ps->bstart, i, ps->bend, 0);
		struct marker roman = inline_marker(t, ps->bstart, i, ps->bend, 1);
		if (follows(&o, &letter, p)) {
			add_item(b, &o, p, i, &letter);
		} else if (follows(&o, &roman, p)) {
			add_item(b, &o, p, i, &roman);
		} else if (roman.value == 1 || letter.value == 1) {
			struct marker m = roman.value == 1 ? roman : letter;
			start_list(b, &o);
			add_item(b, &o, p, i, &m);
		}
	}
}

/* ---- spans and announcing sentences ------------------------------------------- */


static int is_inline(const struct q_doc *doc, const struct q_enum_item *it)
{
	return it->marker.ptr[0] == '(' && doc->paragraphs.items[it->paragraph].kind != Q_PARA_LIST_ITEM &&
	       it->span.bstart != doc->paragraphs.items[it->paragraph].span.bstart;
}

/* Separators between inline items: ", and", "; or", ",". */
static size_t trim_separators(const char *t, size_t b, size_t e)
{
	for (;;) {
		while (e > b && is_space((unsigned char)t[e - 1]))
			e--;
		if (e > b && (t[e - 1] == ',' || t[e - 1] == ';'))
			e--;
		else if (e - b > 4 && (memcmp(t + e - 4, " and", 4) == 0))
			e -= 3;
		else if (e - b > 3 && (memcmp(t + e - 3, " or", 3) == 0))
			e -= 2;
		else
			return e;
	}
}

static void set_spans(struct q_doc *doc, struct q_enumeration *e)
{
	const char *t = doc->text.ptr;
	for (size_t k = 0; k < e->items.count; k++) {
		struct q_enum_item *it = &e->items.items[k];
		const struct q_enum_item *next = k + 1 < e->items.count ? &e->items.items[k + 1] : NULL;
		int same = next && next->paragraph == it->paragraph;
		const struct q_span *ps = &doc->paragraphs.items[it->paragraph].span;
		if (is_inline(doc, it)) {
			it->span.bend = same ? trim_separators(t, it->span.bstart, next->span.bstart)
					     : sentence_end_at(doc, it->paragraph, it->span.bstart);
		} else {
			size_t end = ps->bend;
			if (same)
				end = doc->sentences.items[q_doc_sentence_at(doc, next->span.bstart)].span.bstart;
			while (end > it->span.bstart && is_space((unsigned char)t[end - 1]))
				end--;
			it->span.bend = end;
		}
		q_doc_span_from_bytes(doc, &it->span);
	}
}

static const char *const number_words[] = {
	"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
	"twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
	"nineteen", "twenty",
};

/* Nouns a count announces a list with, when no colon says so. */
static const char *const list_nouns[] = {
	"points", "steps", "reasons", "ways", "things", "areas", "priorities", "goals",
	"questions", "lessons", "principles", "measures", "actions", "elements", "pillars",
	"objectives", "issues", "items", "recommendations", "components", "parts",
	"factors", "options", "proposals", "challenges", "changes", "tasks", "rules",
	"ideas", "conditions", "stages", "phases", "categories", "aspects", "demands",
	"takeaways", "tips", "facts", "commitments", "initiatives", "accomplishments",
	"outcomes", "results", "achievements", "concerns", "problems", "risks",
	"benefits", "advantages", "obstacles", "requirements", "provisions", "areas",
	"fronts", "tracks", "lines", "pledges", "agreements", "decisions",
};

static int word_in(const char *w, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == n && strncasecmp(w, list[i], n) == 0)
			return (int)i + 1;
	return 0;
}

/*
 * A count of things in the sentence: a number (2–99, or two … twenty)
 * followed within three words by a plural noun — any plural after a
 * colon-ended sentence, one of list_nouns otherwise.  -1 when none.
 */
static long announced_count(const char *s, size_t n, int colon)
{
	size_t i = 0;
	long count = -1;
	int since = 99;
	while (i < n) {
		while (i < n && !((s[i] >= 'A' && s[i] <= 'Z') || is_lower((unsigned char)s[i]) ||
				  is_digit((unsigned char)s[i])))
			i++;
		size_t b = i;
		while (i < n && ((s[i] >= 'A' && s[i] <= 'Z') || is_lower((unsigned char)s[i]) ||
				 is_digit((unsigned char)s[i]) || s[i] == '-'))
			i++;
		if (i == b)
			break;
		const char *w = s + b;
		size_t wn = i - b;
		long v = 0;
		if (is_digit((unsigned char)w[0])) {
			for (size_t k = 0; k < wn && is_digit((unsigned char)w[k]) && v < 1000; k++)
				v = v * 10 + (w[k] - '0');
			if (wn > 2 || v < 2 || (i < n && (s[i] == '%' || s[i] == '.' || s[i] == ',')))
				v = 0;
		} else {
			int k = word_in(w, wn, number_words, sizeof(number_words) / sizeof(number_words[0]));
			v = k ? k + 1 : 0;
		}
		if (v) {
			count = v;
			since = 0;
			continue;
		}
		if (++since > 3 || count < 0)
			continue;
		int plural = wn > 3 && w[wn - 1] == 's' && w[wn - 2] != 's' && is_lower((unsigned char)w[0]);
		if (plural && (colon || word_in(w, wn, list_nouns, sizeof(list_nouns) / sizeof(list_nouns[0]))))
			return count;
	}
	return -1;
}

static void announce(struct q_doc *doc, struct q_enumeration *e)
{
	const struct q_enum_item *first = &e->items.items[0];
	size_t si = q_doc_sentence_at(doc, first->span.bstart);
	if (si == 0 || doc->sentences.items[si].span.bstart > first->span.bstart)
		return;
	const struct q_sentence *s = &doc->sentences.items[si - 1];
	/* In the item's paragraph, or ending the paragraph right before it. */
	if (s->paragraph + 1 < first->paragraph || doc->paragraphs.items[s->paragraph].kind == Q_PARA_LIST_ITEM)
		return;
	const char *t = doc->text.ptr + s->span.bstart;
	size_t n = s->span.bend - s->span.bstart;
	while (n && is_space((unsigned char)t[n - 1]))
		n--;
	int colon = n && t[n - 1] == ':';
	long count = announced_count(t, n, colon);
	if (colon || count > 0) {
		e->sentence = (long)si - 1;
		e->announced = count;
	}
}

/* ---- the stage ------------------------------------------------------------------ */

static int first_item_cmp(const void *a, const void *b)
{
	const struct q_enumeration *x = a, *y = b;
	size_t xs = x->items.items[0].span.bstart, ys = y->items.items[0].span.bstart;
	return xs < ys ? -1 : xs > ys;
}

static int skip_paragraph(enum q_para_kind k)
{
	return k == Q_PARA_BOILERPLATE || k == Q_PARA_TITLE || k == Q_PARA_BYLINE || k == Q_PARA_BIO;
}

static void collect(struct builder *b)
{
	struct q_doc *doc = b->doc;
	size_t si = 0;
	for (size_t p = 0; p < doc->paragraphs.count && !b->failed; p++) {
		enum q_para_kind kind = doc->paragraphs.items[p].kind;
		size_t first = si;
		while (si < doc->sentences.count && doc->sentences.items[si].paragraph == p)
			si++;
		if (skip_paragraph(kind))
			continue;
		if (kind == Q_PARA_LIST_ITEM) {
			paragraph_item(b, p);
			continue;
		}
		for (size_t k = first; k < si; k++)
			sentence_items(b, k);
		if (memchr(doc->text.ptr + doc->paragraphs.items[p].span.bstart, '(',
			   doc->paragraphs.items[p].span.bend - doc->paragraphs.items[p].span.bstart))
			inline_items(b, p);
	}
}

int q_enumerations_build(struct q_doc *doc, struct q_error *err)
{
	struct builder b = {.doc = doc, .ordinal = {.list = -1}, .para = {.list = -1}};
	collect(&b);
	if (b.failed)
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	/* Lists of one item are no lists. */
	size_t kept = 0;
	for (size_t i = 0; i < doc->enumerations.count; i++)
		if (doc->enumerations.items[i].items.count >= 2)
			doc->enumerations.items[kept++] = doc->enumerations.items[i];
	doc->enumerations.count = kept;
	if (kept > 1)
		qsort(doc->enumerations.items, kept, sizeof(*doc->enumerations.items), first_item_cmp);
	for (size_t i = 0; i < kept; i++) {
		struct q_enumeration *e = &doc->enumerations.items[i];
		char id[24];
		int n = snprintf(id, sizeof(id), "L%zu", i + 1);
		set_spans(doc, e);
		announce(doc, e);
		if (q_doc_str(doc, id, (size_t)n, &e->id))
			return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	}
	return 0;
}

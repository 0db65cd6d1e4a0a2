/*
 * quotes.c — quotations, and the entity that said them.
 *
 * Finding them.  Each paragraph (boilerplate aside) is scanned once for
 * quotation marks, keeping a small stack of the marks that are open:
 *
 *   - Double marks open and close quotations: curly “ ” by their shape,
 *     straight " by what stands around them (a space before and a letter
 *     after opens, the rest closes).  Curly and straight close each other,
 *     since copy mixes them ("… homelessness,” said …).
 *   - Single marks ‘ ’ ' only nest inside a double quotation (the American
 *     quote within a quote); between two letters or digits (Korea’s,
 *     don't) they are apostrophes and never open or close anything.
 *   - Only the outermost quotation is reported; what it nests is part of
 *     its text.  A quotation runs across sentences, never across
 *     paragraphs: a quotation still open at the end of a paragraph is
 *     reported when the next paragraph opens with a quotation mark (the
 *     convention for a quotation running over paragraphs), else dropped
 *     as unbalanced.  The same convention within a paragraph (“… time.
 *     “Mr. Chairman …) closes the first and opens the next.
 *
 * The span is the text between the marks, without them, without the
 * spaces inside and without a final comma (“We are running out of time,”
 * gives "We are running out of time").  `sentence` is the sentence where
 * the span starts.
 *
 * Not quotations: scare quotes — fewer than 3 words that end no sentence
 * (. ! ? …) and have no attribution (“gateway”, “alternative facts,”) —
 * and titles: every longer word capitalised and no sentence end (“GAO
 * Access and Oversight Act of 2016”).
 *
 * Speakers.  The attribution is looked for right after the quotation
 * ("…,” said X", "…,” X said", "…,” X, a spokeswoman for Y, said",
 * "…,” according to X"), when the quotation does not end a sentence, then
 * before it in its sentence ("X said: “…”", "X told reporters, “…”",
 * "X wrote: “…”", "X, who led the survey, put it plainly: “…”" — a colon
 * after a clause that opens with a name).  The name found is linked to the
 * entity one of whose mentions overlaps it (a PERSON first, then an ORG,
 * then any other), so "said Senator Grace Hale" links the entity whose
 * mention is "Grace Hale".  "he said" and "she said" link the last PERSON
 * mentioned before the pronoun; other pronouns and unnamed speakers ("the
 * spokeswoman said") give null.  A quotation with no attribution of its
 * own takes the speaker of the quotation before it in its paragraph (a
 * quote split by its attribution: “…,” said X. “…”), and a quotation
 * running over paragraphs shares one speaker.  No entity, no speaker.
 */
#include "extract/extract.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 16	   /* deeper nesting is read as text */
#define ATTRIBUTION_REACH 240 /* bytes after a quotation an attribution may take */
#define APPOSITIVE_REACH 120  /* bytes of ", a spokeswoman for the office," */
#define NAME_WORDS 6
#define VERB_LOOKBACK 6	   /* words between a speech verb and the quotation */

/* ---- characters ------------------------------------------------------------ */

enum mark { M_NONE, M_OPEN2, M_CLOSE2, M_STRAIGHT2, M_OPEN1, M_CLOSE1, M_STRAIGHT1 };

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static int is_alnum(unsigned char c)
{
	return is_upper(c) || is_lower(c) || (c >= '0' && c <= '9');
}

/* The quotation mark at t[i], and its length in *len. */
static enum mark mark_at(const char *t, size_t i, size_t end, size_t *len)
{
	unsigned char c = (unsigned char)t[i];
	*len = 1;
	if (c == '"')
		return M_STRAIGHT2;
	if (c == '\'')
		return M_STRAIGHT1;
	if (c != 0xE2 || i + 3 > end || (unsigned char)t[i + 1] != 0x80)
		return M_NONE;
	*len = 3;
	switch ((unsigned char)t[i + 2]) {
	case 0x9C: return M_OPEN2;  /* “ */
	case 0x9D: return M_CLOSE2; /* ” */
	case 0x98: return M_OPEN1;  /* ‘ */
	case 0x99: return M_CLOSE1; /* ’ */
	default: return M_NONE;
	}
}

/* A letter or digit starts at t[i] (non-ASCII letters count; the general
 * punctuation block U+2000–U+206F and Latin-1 signs do not). */
static int letter_at(const char *t, size_t i, size_t end)
{
	if (i >= end)
		return 0;
	unsigned char c = (unsigned char)t[i];
	if (c < 0x80)
		return is_alnum(c);
	if (c == 0xE2 && i + 1 < end && ((unsigned char)t[i + 1] == 0x80 || (unsigned char)t[i + 1] == 0x81))
		return 0;
	return c >= 0xC3;
}

/* Start of the character before t[i], or lo when none. */
static size_t char_before(const char *t, size_t lo, size_t i)
{
	if (i <= lo)
		return lo;
	i--;
	while (i > lo && ((unsigned char)t[i] & 0xC0) == 0x80)
		i--;
	return i;
}

static int letter_before(const char *t, size_t lo, size_t i)
{
	return i > lo && letter_at(t, char_before(t, lo, i), i);
}

static int space_or_edge_before(const char *t, size_t lo, size_t i)
{
	if (i <= lo)
		return 1;
	unsigned char c = (unsigned char)t[i - 1];
	return is_space(c) || c == '(' || c == '[' || c == '{' || c == '/' ||
	       (i - lo >= 3 && (unsigned char)t[i - 3] == 0xE2 && (unsigned char)t[i - 2] == 0x80); /* — “ */
}

/* The mark that ends t[b..e) as a sentence, before any closing quotes or
 * brackets: '.', '!', '?' or '~' for an ellipsis; 0 when none. */
static int final_stop(const char *t, size_t b, size_t e)
{
	while (e > b) {
		unsigned char c = (unsigned char)t[e - 1];
		if (c == '"' || c == '\'' || c == ')' || c == ']' || is_space(c)) {
			e--;
		} else if (e - b >= 3 && (unsigned char)t[e - 3] == 0xE2 && (unsigned char)t[e - 2] == 0x80) {
			if (c == 0xA6) /* … */
				return '~';
			if (c != 0x9D && c != 0x99) /* ” ’ */
				return 0;
			e -= 3;
		} else {
			return c == '.' || c == '!' || c == '?' ? c : 0;
		}
	}
	return 0;
}

static int ends_sentence(const char *t, size_t b, size_t e)
{
	return final_stop(t, b, e) != 0;
}

/* ---- words, for reading attributions ---------------------------------------- */

/*
 * A word of running text: a run of non-space bytes, its core without the
 * punctuation around it, and the first punctuation byte after the core
 * (0 when none).  `lead` says punctuation came before the core ("(D-OR)").
 */
struct word {
	size_t b, e;	       /* the whole run */
	size_t cb, ce;	       /* the core */
	unsigned char trail;   /* ',' '.' ':' … after the core */
	int lead;
};

static void word_core(const char *t, struct word *w)
{
	size_t cb = w->b, ce = w->e;
	while (cb < ce && !letter_at(t, cb, ce))
		cb += ((unsigned char)t[cb] & 0xC0) == 0xC0 ? ((unsigned char)t[cb] >= 0xE0 ? 3 : 2) : 1;
	if (cb > ce)
		cb = ce;
	w->lead = cb > w->b;
	size_t i = ce;
	while (i > cb && !letter_before(t, cb, i))
		i = char_before(t, cb, i);
	/* Keep the final dot of initials and abbreviations ("G.K.", "Dr."). */
	w->cb = cb;
	w->ce = i;
	w->trail = i < ce ? (unsigned char)t[i] : 0;
}

/* The word starting at or after *pos, before hi; 0 when none. */
static int word_next(const char *t, size_t *pos, size_t hi, struct word *w)
{
	size_t i = *pos;
	while (i < hi && is_space((unsigned char)t[i]))
		i++;
	if (i >= hi)
		return 0;
	w->b = i;
	while (i < hi && !is_space((unsigned char)t[i]))
		i++;
	w->e = i;
	*pos = i;
	word_core(t, w);
	return 1;
}

/* The word ending at or before *pos, after lo; 0 when none. */
static int word_prev(const char *t, size_t *pos, size_t lo, struct word *w)
{
	size_t i = *pos;
	while (i > lo && is_space((unsigned char)t[i - 1]))
		i--;
	if (i <= lo)
		return 0;
	w->e = i;
	while (i > lo && !is_space((unsigned char)t[i - 1]))
		i--;
	w->b = i;
	*pos = i;
	word_core(t, w);
	return 1;
}

static int core_is(const char *t, const struct word *w, const char *s)
{
	if (w->ce == w->cb || t[w->cb] != s[0]) /* most words fail here */
		return 0;
	size_t n = strlen(s);
	return w->ce - w->cb == n && memcmp(t + w->cb, s, n) == 0;
}

static int core_in(const char *t, const struct word *w, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (core_is(t, w, list[i]))
			return 1;
	return 0;
}

#define IN(t, w, list) core_in((t), (w), (list), sizeof(list) / sizeof((list)[0]))

static const char *const speech_verbs[] = {
	"said", "says", "say", "told", "tells", "added", "adds", "asked", "asks",
	"wrote", "writes", "stated", "states", "declared", "declares", "explained",
	"explains", "noted", "notes", "continued", "continues", "argued", "argues",
	"insisted", "insists", "warned", "warns", "recalled", "recalls", "replied",
	"replies", "responded", "responds", "remarked", "announced", "announces",
	"commented", "acknowledged", "admitted", "emphasized", "emphasised",
	"stressed", "urged", "concluded", "observed", "tweeted", "testified",
	"cautioned", "predicted", "promised", "joked", "conceded", "complained",
	"claimed", "agreed", "suggested", "answered", "exclaimed", "shouted",
	"whispered", "posted", "confirmed", "vowed", "cried", "wondered",
};

/* Words that may stand between a speaker and the verb: "Meeks also said". */
static const char *const adverbs[] = {
	"also", "later", "then", "once", "again", "recently", "previously", "has",
	"had", "have", "further", "simply", "repeatedly", "publicly", "separately",
	"earlier", "often", "would", "will", "has since", "flatly", "quickly",
};

/* Verbs that introduce a quotation after a colon: "X issued the following statement:". */
static const char *const intro_verbs[] = {
	"issued", "issues", "released", "releases", "made", "makes", "delivered",
	"delivers", "gave", "gives", "offered", "offers", "put", "puts", "shared",
	"shares", "sent", "sends",
};

static const char *const determiners[] = {
	"the", "The", "a", "A", "an", "An", "this", "This", "that", "That", "its",
	"Its", "his", "His", "her", "Her", "their", "Their", "our", "Our", "one", "One",
};

/* Capitalised words that open clauses, not names. */
static const char *const not_names[] = {
	"The", "A", "An", "This", "That", "These", "Those", "It", "In", "On", "At",
	"But", "And", "Or", "So", "As", "If", "When", "While", "After", "Before",
	"For", "With", "From", "By", "To", "Of", "Yet", "Still", "Then", "There",
	"Here", "What", "Why", "How", "We", "I", "You", "They", "He", "She", "Our",
	"His", "Her", "Their", "Its", "My", "Your", "Some", "Many", "Most", "All",
};

/* Lowercase particles inside names: "Ursula von der Leyen". */
static const char *const particles[] = {
	"de", "da", "del", "der", "van", "von", "bin", "al", "la", "le", "di", "du", "ibn", "dos",
};

/* Abbreviated titles whose dot does not end the name. */
static const char *const abbreviations[] = {
	"Mr.", "Mrs.", "Ms.", "Dr.", "Rep.", "Sen.", "Gov.", "Gen.", "Lt.", "Col.",
	"Capt.", "Prof.", "Rev.", "Sgt.", "St.", "Sr.", "Jr.", "Adm.", "Maj.", "Cmdr.",
	"Hon.", "Amb.", "Pres.", "Supt.", "Insp.", "Det.",
};

static int is_speech_verb(const char *t, const struct word *w)
{
	return !w->lead && is_lower((unsigned char)t[w->cb]) && IN(t, w, speech_verbs);
}

static int is_capitalised(const char *t, const struct word *w)
{
	if (w->cb >= w->ce)
		return 0;
	unsigned char c = (unsigned char)t[w->cb];
	return is_upper(c) || c >= 0xC3;
}

/* "Korea’s", "Smith's": a possessive is not a speaker. */
static int is_possessive(const char *t, const struct word *w)
{
	size_t n = w->ce - w->cb;
	const char *e = t + w->ce;
	return (n > 2 && e[-1] == 's' && e[-2] == '\'') ||
	       (n > 4 && e[-1] == 's' && memcmp(e - 4, "\xE2\x80\x99", 3) == 0);
}

/* The dot after the core belongs to it: initials ("G.K.", "D.") and titles. */
static int dot_continues(const char *t, const struct word *w)
{
	size_t n = w->ce - w->cb;
	if (n == 1 || memchr(t + w->cb, '.', n))
		return 1;
	for (size_t i = 0; i < sizeof(abbreviations) / sizeof(abbreviations[0]); i++) {
		size_t an = strlen(abbreviations[i]);
		if (an == n + 1 && memcmp(t + w->cb, abbreviations[i], n) == 0)
			return 1;
	}
	return 0;
}

/* Name words that stop a run after them: a comma, a sentence end, "(". */
static int ends_run(const char *t, const struct word *w)
{
	if (w->ce < w->e && w->trail != '.' && w->trail != '-')
		return 1;
	return w->trail == '.' && !dot_continues(t, w);
}

/* ---- who said it ------------------------------------------------------------ */

struct who {
	int attributed;	/* an attribution was read, named or not */
	int pronoun;	/* "he" or "she": the last PERSON before `at` */
	size_t at;
	size_t nb, ne;	/* the name read, when nb < ne */
};

/* "Maxine Waters (CA-43)": the parenthesis before end is skipped. */
static size_t skip_parenthesis(const char *t, size_t lo, size_t end)
{
	while (end > lo && is_space((unsigned char)t[end - 1]))
		end--;
	if (end == lo || t[end - 1] != ')')
		return end;
	for (size_t i = end - 1; i > lo && end - i < 40; i--)
		if (t[i - 1] == '(')
			return i - 1;
	return end;
}

/* A name starting at *pos: capitalised words, titles, initials, particles. */
static int name_after(const char *t, size_t pos, size_t hi, size_t *nb, size_t *ne)
{
	struct word w;
	size_t n = 0, last_end = 0;
	*nb = *ne = 0;
	while (n < NAME_WORDS && word_next(t, &pos, hi, &w)) {
		if (w.lead || w.cb >= w.ce)
			break;
		int particle = n > 0 && IN(t, &w, particles);
		if (!particle && !is_capitalised(t, &w))
			break;
		if (n == 0 && IN(t, &w, not_names))
			return 0;
		if (is_possessive(t, &w))
			break;
		if (n == 0)
			*nb = w.cb;
		if (!particle)
			last_end = w.ce;
		n++;
		if (ends_run(t, &w))
			break;
	}
	*ne = last_end;
	return *ne > *nb;
}

/* A name ending just before `end`, read backwards; stops at lo. */
static int name_before(const char *t, size_t lo, size_t end, size_t *nb, size_t *ne)
{
	struct word w;
	size_t pos = skip_parenthesis(t, lo, end), n = 0;
	*nb = *ne = 0;
	while (n < NAME_WORDS && word_prev(t, &pos, lo, &w)) {
		if (w.cb >= w.ce || (n > 0 && ends_run(t, &w)) || is_possessive(t, &w))
			break;
		int particle = n > 0 && IN(t, &w, particles);
		if (!particle && !is_capitalised(t, &w))
			break;
		if (n == 0)
			*ne = w.ce;
		if (!particle)
			*nb = w.cb;
		n++;
		if (w.lead)
			break;
	}
	/* "The Ministry said": the article opens the phrase, not the name. */
	if (*ne > *nb) {
		size_t p = *nb;
		if (word_next(t, &p, *ne, &w) && IN(t, &w, not_names)) {
			size_t q = p;
			if (!word_next(t, &q, *ne, &w))
				return 0;
			*nb = w.cb;
		}
	}
	return *ne > *nb;
}

static int pronoun(const char *t, const struct word *w, size_t at, struct who *who)
{
	static const char *const resolved[] = {"he", "she", "He", "She"};
	static const char *const others[] = {"they", "we", "I", "it", "They", "We", "It"};
	if (IN(t, w, resolved)) {
		who->pronoun = 1;
		who->at = at;
		return 1;
	}
	return IN(t, w, others);
}

/*
 * The speaker before a speech verb starting at vb: "Lena Marsh said",
 * "Meeks also said", "Marsh, a spokeswoman for the office, said", "she
 * said", "the ministry said".
 */
static void subject_before(const char *t, size_t lo, size_t vb, struct who *who)
{
	struct word w;
	size_t pos = vb;
	who->attributed = 1;
	for (int i = 0; i < 2; i++) {
		size_t p = pos;
		if (!word_prev(t, &p, lo, &w) || !IN(t, &w, adverbs))
			break;
		pos = p;
	}
	size_t p = pos;
	if (!word_prev(t, &p, lo, &w))
		return;
	if (pronoun(t, &w, w.b, who))
		return;
	if (w.trail == ',' && w.ce < w.e && w.e - w.ce == 1) {
		/* An appositive: the name stands before the comma that opens it. */
		size_t floor = pos > lo + APPOSITIVE_REACH ? pos - APPOSITIVE_REACH : lo;
		for (size_t i = w.ce; i > floor; i--)
			if (t[i - 1] == ',') {
				name_before(t, lo, i - 1, &who->nb, &who->ne);
				return;
			}
		return;
	}
	if (!name_before(t, lo, pos, &who->nb, &who->ne)) {
		/* "the spokeswoman said": a common noun; an ORG mention may lie there. */
		size_t q = pos;
		struct word d;
		for (int i = 0; i < 4 && word_prev(t, &q, lo, &d) && !ends_run(t, &d); i++)
			if (IN(t, &d, determiners)) {
				who->nb = d.e;
				who->ne = w.ce;
				while (who->nb < who->ne && is_space((unsigned char)t[who->nb]))
					who->nb++;
				break;
			}
	}
}

/* "according to X" at pos. */
static int according_to(const char *t, size_t pos, size_t hi, struct who *who)
{
	struct word a, b;
	size_t p = pos;
	if (!word_next(t, &p, hi, &a) || !(core_is(t, &a, "according") || core_is(t, &a, "According")) ||
	    !word_next(t, &p, hi, &b) || !core_is(t, &b, "to"))
		return 0;
	who->attributed = 1;
	size_t q = p; /* "according to the Port Authority" */
	if (word_next(t, &q, hi, &a) && (core_is(t, &a, "the") || core_is(t, &a, "The")))
		p = q;
	name_after(t, p, hi, &who->nb, &who->ne);
	return 1;
}

/*
 * The attribution right after a quotation that does not end a sentence:
 * "…,” said X", "…,” X said", "…,” X, a spokeswoman, said", "…,” she
 * said", "…,” the ministry said", "…,” according to X".
 */
static void attribution_after(const char *t, size_t pos, size_t hi, struct who *who)
{
	struct word w, v;
	while (pos < hi && (is_space((unsigned char)t[pos]) || t[pos] == ','))
		pos++;
	size_t p = pos;
	if (according_to(t, pos, hi, who) || !word_next(t, &p, hi, &w) || w.lead)
		return;
	if (is_speech_verb(t, &w)) { /* said X, said he, said the spokeswoman */
		who->attributed = 1;
		size_t q = p;
		struct word x;
		if (word_next(t, &q, hi, &x) && pronoun(t, &x, x.b, who))
			return;
		if (!name_after(t, p, hi, &who->nb, &who->ne) && word_next(t, &q, hi, &x)) {
			who->nb = x.cb; /* "said the spokeswoman": the noun after the article */
			who->ne = x.ce;
		}
		return;
	}
	size_t q = p;
	if (pronoun(t, &w, w.b, who) && word_next(t, &q, hi, &v) && is_speech_verb(t, &v)) {
		who->attributed = 1;
		return;
	}
	who->pronoun = 0;
	/* A subject, then the verb: find the verb within a few words. */
	q = pos;
	for (int i = 0; i < NAME_WORDS + 2 && word_next(t, &q, hi, &v); i++) {
		if (is_speech_verb(t, &v)) {
			subject_before(t, pos, v.b, who);
			return;
		}
		if (v.trail == '.' && !dot_continues(t, &v))
			return;
		if (v.trail == ',' && i > 0) { /* skip an appositive to its closing comma */
			size_t stop = q + APPOSITIVE_REACH < hi ? q + APPOSITIVE_REACH : hi;
			const char *c = memchr(t + q, ',', stop - q);
			if (!c)
				return;
			size_t r = (size_t)(c - t) + 1;
			for (int k = 0; k < 2 && word_next(t, &r, hi, &v); k++)
				if (is_speech_verb(t, &v)) {
					subject_before(t, pos, v.b, who);
					return;
				}
			return;
		}
	}
}

/*
 * The attribution before a quotation, within its sentence: "X said: “…”",
 * "X told reporters, “…”", "X said that “…”", "According to X, “…”", and
 * a colon after a clause opening with a name ("X put it plainly: “…”").
 */
static void attribution_before(const char *t, size_t lo, size_t open, struct who *who)
{
	size_t pos = open;
	while (pos > lo && is_space((unsigned char)t[pos - 1]))
		pos--;
	int colon = pos > lo && t[pos - 1] == ':';
	struct word w;
	size_t p = pos;
	/* The quotation is introduced: by a colon, a comma, "that", or the verb itself. */
	int introduced = colon || (pos > lo && t[pos - 1] == ',');
	if (!introduced && word_prev(t, &p, lo, &w) && (core_is(t, &w, "that") || is_speech_verb(t, &w)))
		introduced = 1;
	p = pos;
	for (int i = 0; introduced && i < VERB_LOOKBACK && word_prev(t, &p, lo, &w); i++) {
		if (is_speech_verb(t, &w)) {
			subject_before(t, lo, w.b, who);
			return;
		}
		if (i > 0 && w.trail && w.trail != '.')
			break; /* the verb's clause ended before */
	}
	for (size_t i = lo; i + 12 < pos; i++)
		if ((t[i] == 'a' || t[i] == 'A') && (i == lo || is_space((unsigned char)t[i - 1])) &&
		    according_to(t, i, pos, who))
			return;
	if (!colon)
		return;
	/* "X issued the following statement: “…”": the subject of the clause. */
	for (size_t q = lo; word_next(t, &q, pos, &w);)
		if (!w.lead && is_lower((unsigned char)t[w.cb]) &&
		    (IN(t, &w, speech_verbs) || IN(t, &w, intro_verbs))) {
			subject_before(t, lo, w.b, who);
			return;
		}
	size_t q = lo;
	if (word_next(t, &q, pos, &w) && is_capitalised(t, &w) && !IN(t, &w, not_names) &&
	    name_after(t, lo, pos, &who->nb, &who->ne))
		who->attributed = 1;
}

/* ---- mentions, for linking names to entities ---------------------------------- */

struct mref {
	size_t b, e;
	size_t entity;
};

struct mentions {
	struct mref *m;
	size_t n, maxlen;
	size_t *last_person; /* 1 + index of the last PERSON among m[0..i], or 0 */
};

static int mref_cmp(const void *a, const void *b)
{
	const struct mref *x = a, *y = b;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	if (x->e != y->e)
		return x->e < y->e ? -1 : 1;
	return x->entity < y->entity ? -1 : x->entity > y->entity;
}

static int mentions_build(struct q_doc *doc, struct mentions *ms)
{
	size_t n = 0;
	memset(ms, 0, sizeof(*ms));
	for (size_t i = 0; i < doc->entities.count; i++)
		n += doc->entities.items[i].mentions.count;
	if (n == 0)
		return 0;
	ms->m = q_arena_alloc(&doc->arena, n * sizeof(*ms->m));
	ms->last_person = q_arena_alloc(&doc->arena, n * sizeof(*ms->last_person));
	if (!ms->m || !ms->last_person)
		return Q_ENOMEM;
	for (size_t i = 0; i < doc->entities.count; i++) {
		const struct q_entity *e = &doc->entities.items[i];
		for (size_t k = 0; k < e->mentions.count; k++) {
			const struct q_span *s = &e->mentions.items[k].span;
			ms->m[ms->n++] = (struct mref){s->bstart, s->bend, i};
			if (s->bend - s->bstart > ms->maxlen)
				ms->maxlen = s->bend - s->bstart;
		}
	}
	qsort(ms->m, ms->n, sizeof(*ms->m), mref_cmp);
	for (size_t i = 0; i < ms->n; i++) {
		int person = doc->entities.items[ms->m[i].entity].type == Q_ENT_PERSON;
		ms->last_person[i] = person ? i + 1 : (i ? ms->last_person[i - 1] : 0);
	}
	return 0;
}

/* Mentions starting before pos. */
static size_t mentions_before(const struct mentions *ms, size_t pos)
{
	size_t lo = 0, hi = ms->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ms->m[mid].b < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int type_rank(enum q_entity_type t)
{
	return t == Q_ENT_PERSON ? 0 : t == Q_ENT_ORG ? 1 : 2;
}

/* The entity one of whose mentions overlaps [nb, ne): PERSON, ORG, others. */
static long entity_of_name(const struct q_doc *doc, const struct mentions *ms, size_t nb, size_t ne)
{
	long best = -1;
	int best_rank = 3;
	for (size_t i = mentions_before(ms, ne); i > 0; i--) {
		const struct mref *m = &ms->m[i - 1];
		if (m->b + ms->maxlen <= nb)
			break;
		if (m->e <= nb)
			continue;
		int rank = type_rank(doc->entities.items[m->entity].type);
		if (rank <= best_rank) { /* the earliest of the best rank */
			best = (long)m->entity;
			best_rank = rank;
		}
	}
	return best;
}

static long resolve(const struct q_doc *doc, const struct mentions *ms, const struct who *who)
{
	if (who->pronoun) {
		size_t k = mentions_before(ms, who->at);
		return k && ms->last_person[k - 1] ? (long)ms->m[ms->last_person[k - 1] - 1].entity : -1;
	}
	return who->ne > who->nb ? entity_of_name(doc, ms, who->nb, who->ne) : -1;
}

/* ---- the scan ------------------------------------------------------------------ */

struct cand {
	size_t open, cb, ce, close_end; /* the mark, the content, past the closing mark */
	size_t paragraph;
	int continued; /* runs on into the next quotation (next paragraph or sentence) */
	int own;       /* has an attribution of its own */
	int attributed; /* own or inherited */
	long entity;
};

/* An open mark: kind 2 (double) or 1 (single), and where it stands. */
struct open_mark {
	int kind;
	size_t at, len;
};

struct scan {
	struct q_doc *doc;
	Q_VEC(struct cand) cands;
	int failed;
	struct open_mark stack[MAX_DEPTH];
	int depth;
	size_t paragraph;
};

static void emit(struct scan *sc, size_t cb, size_t ce, size_t close_end, int continued)
{
	struct cand *c = Q_VEC_PUSH(&sc->doc->arena, &sc->cands);
	if (!c) {
		sc->failed = 1;
		return;
	}
	c->open = sc->stack[0].at;
	c->cb = cb;
	c->ce = ce;
	c->close_end = close_end;
	c->paragraph = sc->paragraph;
	c->continued = continued;
	c->entity = -1;
}

static int innermost_double(const struct scan *sc)
{
	for (int i = sc->depth; i > 0; i--)
		if (sc->stack[i - 1].kind == 2)
			return i - 1;
	return -1;
}

static void push(struct scan *sc, int kind, size_t at, size_t len)
{
	if (sc->depth < MAX_DEPTH)
		sc->stack[sc->depth++] = (struct open_mark){kind, at, len};
}

/* Closes the double quotation at stack level `level`, the mark at `at`. */
static void close_double(struct scan *sc, int level, size_t at, size_t len)
{
	sc->depth = level;
	if (level == 0)
		emit(sc, sc->stack[0].at + sc->stack[0].len, at, at + len, 0);
}

/* “… time. “Mr. Chairman …: a new quotation opens where one ends a sentence. */
static int continues_here(const struct scan *sc, const char *t, size_t at)
{
	size_t from = sc->stack[0].at + sc->stack[0].len;
	return sc->depth == 1 && at > from && is_space((unsigned char)t[at - 1]) &&
	       ends_sentence(t, from, at);
}

static void open_double(struct scan *sc, const char *t, size_t at, size_t len)
{
	if (sc->depth > 0 && continues_here(sc, t, at)) {
		emit(sc, sc->stack[0].at + sc->stack[0].len, at, at, 1);
		sc->depth = 0;
	}
	push(sc, 2, at, len);
}

static void on_mark(struct scan *sc, const char *t, size_t pb, size_t pe, size_t i,
		    enum mark m, size_t len)
{
	int level = innermost_double(sc);
	int open_shape = space_or_edge_before(t, pb, i) && i + len < pe &&
			 !is_space((unsigned char)t[i + len]);
	switch (m) {
	case M_OPEN2:
		open_double(sc, t, i, len);
		break;
	case M_CLOSE2:
		if (level >= 0)
			close_double(sc, level, i, len);
		break;
	case M_STRAIGHT2:
		if (level < 0) {
			if (i + len < pe && !is_space((unsigned char)t[i + len]))
				push(sc, 2, i, len);
		} else if (open_shape && (continues_here(sc, t, i) || t[sc->stack[level].at] != '"')) {
			open_double(sc, t, i, len); /* a straight mark nested in curly ones */
		} else {
			close_double(sc, level, i, len);
		}
		break;
	case M_OPEN1:
	case M_CLOSE1:
	case M_STRAIGHT1:
		/* Apostrophes (Korea’s, don't) stand between letters. */
		if (level < 0 || (letter_before(t, pb, i) && letter_at(t, i + len, pe)))
			break;
		if (m == M_OPEN1 || (m == M_STRAIGHT1 && open_shape))
			push(sc, 1, i, len);
		else if (sc->stack[sc->depth - 1].kind == 1)
			sc->depth--;
		break;
	case M_NONE:
		break;
	}
}

/* The paragraph after p opens with a quotation mark. */
static int next_opens_quote(const struct q_doc *doc, size_t p)
{
	if (p + 1 >= doc->paragraphs.count || doc->paragraphs.items[p + 1].kind == Q_PARA_BOILERPLATE)
		return 0;
	const struct q_span *s = &doc->paragraphs.items[p + 1].span;
	size_t len;
	enum mark m = mark_at(doc->text.ptr, s->bstart, s->bend, &len);
	return m == M_OPEN2 || m == M_STRAIGHT2;
}

static void scan_paragraph(struct scan *sc, size_t p)
{
	const struct q_span *ps = &sc->doc->paragraphs.items[p].span;
	const char *t = sc->doc->text.ptr;
	size_t pb = ps->bstart, pe = ps->bend;
	sc->depth = 0;
	sc->paragraph = p;
	for (size_t i = pb; i < pe; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c != '"' && c != '\'' && c != 0xE2)
			continue;
		size_t len;
		enum mark m = mark_at(t, i, pe, &len);
		if (m != M_NONE)
			on_mark(sc, t, pb, pe, i, m, len);
		i += len - 1;
	}
	if (sc->depth > 0 && sc->stack[0].kind == 2 && next_opens_quote(sc->doc, p))
		emit(sc, sc->stack[0].at + sc->stack[0].len, pe, pe, 1);
}

/* ---- filtering and speakers --------------------------------------------------- */

/* Trims spaces and one final comma from the content. */
static void trim(const char *t, struct cand *c)
{
	while (c->cb < c->ce && is_space((unsigned char)t[c->cb]))
		c->cb++;
	while (c->ce > c->cb && is_space((unsigned char)t[c->ce - 1]))
		c->ce--;
	if (c->ce > c->cb && t[c->ce - 1] == ',')
		c->ce--;
	while (c->ce > c->cb && is_space((unsigned char)t[c->ce - 1]))
		c->ce--;
}

/* Words, and whether every word of four letters or more is capitalised. */
static size_t count_words(const char *t, size_t b, size_t e, int *title_case)
{
	static const char *const small[] = {"a", "an", "the", "of", "and", "for", "on", "in", "to", "at", "by", "or", "with"};
	size_t n = 0, pos = b;
	struct word w;
	*title_case = 1;
	while (word_next(t, &pos, e, &w)) {
		if (w.cb >= w.ce)
			continue;
		n++;
		if (!IN(t, &w, small) && is_lower((unsigned char)t[w.cb]))
			*title_case = 0;
	}
	return n;
}

static int is_quotation(const char *t, const struct cand *c)
{
	int title_case;
	size_t words = count_words(t, c->cb, c->ce, &title_case);
	int stop = final_stop(t, c->cb, c->ce), sentence = stop != 0;
	/* A title, even with a full stop inside the marks: “The Blind Side.” */
	if (words == 0 || (title_case && !c->own && (!sentence || (stop == '.' && words >= 2))))
		return 0;
	return sentence || words >= 3 || c->own;
}


/* Reads each candidate's own attribution and links it. */
static void attribute(struct q_doc *doc, const struct mentions *ms, struct cand *cs, size_t n)
{
	const char *t = doc->text.ptr;
	for (size_t i = 0; i < n; i++) {
		struct cand *c = &cs[i];
		struct who who = {0};
		const struct q_span *ps = &doc->paragraphs.items[c->paragraph].span;
		/* After "….”" a new sentence starts; after "…,”" "…?”" the attribution may follow. */
		int stop = final_stop(t, c->cb, c->close_end);
		if (!c->continued && stop != '.' && stop != '~') {
			size_t hi = c->close_end + ATTRIBUTION_REACH < ps->bend ? c->close_end + ATTRIBUTION_REACH
									       : ps->bend;
			if (i + 1 < n && cs[i + 1].open < hi)
				hi = cs[i + 1].open;
			attribution_after(t, c->close_end, hi, &who);
		}
		if (!who.attributed) {
			size_t lo = ps->bstart;
			if (doc->sentences.count)
				lo = doc->sentences.items[q_doc_sentence_at(doc, c->open)].span.bstart;
			if (lo < ps->bstart)
				lo = ps->bstart;
			if (i > 0 && cs[i - 1].close_end > lo && cs[i - 1].close_end <= c->open)
				lo = cs[i - 1].close_end;
			attribution_before(t, lo, c->open, &who);
		}
		c->own = c->attributed = who.attributed;
		c->entity = who.attributed ? resolve(doc, ms, &who) : -1;
	}
}

/*
 * Quotations without an attribution of their own: a quotation running on
 * shares its speaker with the rest of the run; otherwise it takes the one
 * of the quotation before it in its paragraph.
 */
static void inherit(struct cand *cs, size_t n)
{
	for (size_t i = n; i > 1; i--) /* backwards along runs: “A. “B,” said X */
		if (cs[i - 2].continued && !cs[i - 2].attributed && cs[i - 1].attributed) {
			cs[i - 2].attributed = 1;
			cs[i - 2].entity = cs[i - 1].entity;
		}
	for (size_t i = 1; i < n; i++)
		if (!cs[i].attributed && cs[i - 1].attributed &&
		    (cs[i - 1].paragraph == cs[i].paragraph || cs[i - 1].continued)) {
			cs[i].attributed = 1;
			cs[i].entity = cs[i - 1].entity;
		}
}

static int keep(struct q_doc *doc, const struct cand *c)
{
	struct q_quote *q = Q_VEC_PUSH(&doc->arena, &doc->quotes);
	if (!q)
		return Q_ENOMEM;
	q->span.bstart = c->cb;
	q->span.bend = c->ce;
	q_doc_span_from_bytes(doc, &q->span);
	q->sentence = q_doc_sentence_at(doc, c->cb);
	q->speaker = c->entity >= 0 ? doc->entities.items[c->entity].id : Q_STR_NULL;
	return 0;
}

int q_quotes_build(struct q_doc *doc, struct q_error *err)
{
	struct scan sc = {.doc = doc};
	struct mentions ms;
	for (size_t p = 0; p < doc->paragraphs.count && !sc.failed; p++)
		if (doc->paragraphs.items[p].kind != Q_PARA_BOILERPLATE)
			scan_paragraph(&sc, p);
	if (sc.failed || mentions_build(doc, &ms))
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	struct cand *cs = sc.cands.items;
	size_t n = sc.cands.count;
	for (size_t i = 0; i < n; i++)
		trim(doc->text.ptr, &cs[i]);
	attribute(doc, &ms, cs, n);
	inherit(cs, n);
	for (size_t i = 0; i < n; i++)
		if (is_quotation(doc->text.ptr, &cs[i]) && keep(doc, &cs[i]))
			return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	return 0;
}

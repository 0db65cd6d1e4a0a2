/*
 * acronyms.c — does a run of words spell a short form?
 *
 * In the manner of Schwartz and Hearst (2003): the long form ends right
 * before the short form's parenthesis (or is the whole parenthesis), its
 * first word starts with the short form's first letter, and the shortest
 * such run wins.  Stricter than their algorithm, for news: every content
 * word of the long form must give the short form its first letter ("a
 * report (AP)" is no definition: "report" gives no letter), and a word
 * may give more letters only from inside itself, in order ("Southeast" S
 * and E in ASEAN).  Function words ("of", "the", "for") may give a letter
 * or none.  Words joined by hyphens count as one ("Co-operation").
 */
#include "extract/extract.h"

#include <string.h>

#define SHORT_MAX 10 /* letters of a short form */
#define WORDS_MAX 16 /* words a long form may have */

struct word {
	const char *s;
	size_t n;
	int function;
};

static char fold(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
}

static int is_function_word(const char *s, size_t n)
{
	static const char *const words[] = {
		"of", "the", "and", "for", "in", "on", "to", "a", "an", "at",
		"by", "de", "des", "du", "la", "le", "del", "und", "with",
		"from", "&",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
			return 1;
	return 0;
}

int q_acronym_short_ok(const char *s, size_t n)
{
	size_t upper = 0;
	if (n > 0 && s[n - 1] == 's')
		n--; /* "NGOs" */
	if (n < 2 || n > SHORT_MAX || !(s[0] >= 'A' && s[0] <= 'Z'))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			upper++;
		else if (!(s[i] >= 'a' && s[i] <= 'z'))
			return 0;
	}
	return upper >= 2;
}

/* The letters a short form is spelled with, capitalised ("DoD" → DOD,
 * "NGOs" → NGO); their count. */
static size_t letters_of(const char *s, size_t n, char out[SHORT_MAX])
{
	if (n > 0 && s[n - 1] == 's' && n - 1 >= 2)
		n--;
	for (size_t i = 0; i < n && i < SHORT_MAX; i++)
		out[i] = fold(s[i]);
	return n < SHORT_MAX ? n : SHORT_MAX;
}

struct match {
	const char *sf;
	size_t m;
	const struct word *w;
	size_t nw;
	unsigned char failed[SHORT_MAX + 1][WORDS_MAX + 1];
};

/* Can letters sf[i..) be spelled by words w[j..)? */
static int spell(struct match *x, size_t i, size_t j)
{
	if (j == x->nw)
		return i == x->m;
	if (x->failed[i][j])
		return 0;
	const struct word *w = &x->w[j];
	if (w->function && spell(x, i, j + 1))
		return 1;
	if (i < x->m && fold(w->s[0]) == x->sf[i]) {
		size_t pos = 1, k = i + 1;
		if (spell(x, k, j + 1))
			return 1;
		/* Further letters from inside the same word, in order. */
		while (k < x->m) {
			while (pos < w->n && fold(w->s[pos]) != x->sf[k])
				pos++;
			if (pos >= w->n)
				break;
			pos++;
			k++;
			if (spell(x, k, j + 1))
				return 1;
		}
	}
	x->failed[i][j] = 1;
	return 0;
}

/* The words of tokens[0..count): word tokens, those joined by a hyphen
 * taken as one; 0 when anything else comes between them. */
static size_t words_of(const char *text, const struct q_name_token *t, size_t count,
		       struct word *w, size_t *first_token)
{
	size_t nw = 0;
	for (size_t k = 0; k < count; k++) {
		if (t[k].kind == Q_NTOK_PUNCT) {
			int joiner = (t[k].flags & Q_TOKF_HYPHEN) ||
				     (t[k].end - t[k].start == 1 && text[t[k].start] == '&');
			if (!joiner)
				return 0;
			if (text[t[k].start] == '&') {
				if (nw == WORDS_MAX)
					return 0;
				first_token[nw] = k;
				w[nw++] = (struct word){text + t[k].start, 1, 1};
			}
			continue;
		}
		const char *s = text + t[k].start;
		size_t n = t[k].end - t[k].start;
		if (k > 0 && (t[k - 1].flags & Q_TOKF_HYPHEN) && nw > 0 &&
		    !w[nw - 1].function) {
			/* Glue to the word before the hyphen. */
			w[nw - 1].n = (size_t)(s + n - w[nw - 1].s);
			continue;
		}
		if (nw == WORDS_MAX)
			return 0;
		first_token[nw] = k;
		w[nw++] = (struct word){s, n, is_function_word(s, n)};
	}
	return nw;
}

size_t q_acronym_long(const char *text, const struct q_name_token *tokens, size_t count,
		      const char *sf, size_t sfn, int whole)
{
	struct word w[WORDS_MAX];
	size_t first_token[WORDS_MAX];
	char letters[SHORT_MAX];
	struct match x;
	size_t m = letters_of(sf, sfn, letters), skipped = 0;
	/* Schwartz–Hearst's window: at most min(|SF| + 5, 2|SF|) words. */
	size_t limit = m + 5 < 2 * m ? m + 5 : 2 * m;
	if (count > 3 * WORDS_MAX && !whole) {
		skipped = count - 3 * WORDS_MAX;
		tokens += skipped;
		count = 3 * WORDS_MAX;
	}
	/* Only the words after the last break (punctuation) can take part. */
	size_t from = count;
	while (from > 0) {
		const struct q_name_token *t = &tokens[from - 1];
		if (t->kind == Q_NTOK_PUNCT && !(t->flags & Q_TOKF_HYPHEN) &&
		    !(t->end - t->start == 1 && text[t->start] == '&'))
			break;
		from--;
	}
	if (whole && from > 0)
		return (size_t)-1;
	size_t nw = words_of(text, tokens + from, count - from, w, first_token);
	if (nw == 0)
		return (size_t)-1;
	x.sf = letters;
	x.m = m;
	for (size_t start = nw; start-- > 0;) {
		if (nw - start > limit && !whole)
			break;
		if (whole && start > 0)
			continue;
		if (w[start].function || fold(w[start].s[0]) != letters[0])
			continue;
		x.w = w + start;
		x.nw = nw - start;
		memset(x.failed, 0, sizeof(x.failed));
		if (spell(&x, 0, 0))
			return skipped + from + first_token[start];
	}
	return (size_t)-1;
}

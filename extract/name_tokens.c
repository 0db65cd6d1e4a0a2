/*
 * name_tokens.c — words, numbers and punctuation for the entity annotator.
 *
 * One forward scan with a byte-class table for ASCII; other code points
 * are decoded and classed as letters (with their case, for the Latin,
 * Greek and Cyrillic blocks) or punctuation.  A token is closed as soon as
 * it is known, so every decision looks at most a few bytes ahead.
 */
#include "extract/extract.h"

enum { B_OTHER, B_SPACE, B_UPPER, B_LOWER, B_DIGIT, B_HIGH };

static const unsigned char bclass[256] = {
	['\t'] = B_SPACE, ['\n'] = B_SPACE, ['\v'] = B_SPACE, ['\f'] = B_SPACE,
	['\r'] = B_SPACE, [' '] = B_SPACE,  ['A' ... 'Z'] = B_UPPER,
	['a' ... 'z'] = B_LOWER, ['0' ... '9'] = B_DIGIT, [0x80 ... 0xFF] = B_HIGH,
};

/* What the code point at s[i] is: 'U' upper, 'L' lower or uncased letter,
 * 'M' combining mark, ' ' space, 0 other; *n its length in bytes. */
static int high_class(const unsigned char *s, size_t len, size_t i, size_t *n)
{
	uint32_t cp;
	*n = q_utf8_decode(s + i, len - i, &cp);
	if (*n == 0) {
		*n = 1;
		return 0;
	}
	if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F ||
	    cp == 0x205F || cp == 0x3000)
		return ' ';
	if (cp >= 0x300 && cp <= 0x36F)
		return 'M';
	if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7)
		return 0;
	if (cp <= 0xDE)
		return 'U';
	if (cp <= 0xFF)
		return 'L';
	if (cp <= 0x24F) /* Latin Extended: mostly capital, small in pairs */
		return (cp >= 0x100 && cp <= 0x17F && cp % 2 == 0) ? 'U' : 'L';
	if ((cp >= 0x391 && cp <= 0x3A9) || (cp >= 0x400 && cp <= 0x42F))
		return 'U';
	if (cp >= 0x370 && cp < 0x2000)
		return 'L';
	if (cp >= 0x3040 && cp < 0xFE00) /* CJK and the like: uncased */
		return 'L';
	return 0;
}

/* Is s[i] the start of an apostrophe: "'" or "’"?  Its length, or 0. */
static size_t apostrophe(const unsigned char *s, size_t len, size_t i)
{
	if (s[i] == '\'')
		return 1;
	if (i + 2 < len && s[i] == 0xE2 && s[i + 1] == 0x80 && s[i + 2] == 0x99)
		return 3;
	return 0;
}

static int is_letter_at(const unsigned char *s, size_t len, size_t i)
{
	size_t n;
	if (i >= len)
		return 0;
	int c = bclass[s[i]];
	if (c == B_UPPER || c == B_LOWER)
		return 1;
	if (c != B_HIGH)
		return 0;
	c = high_class(s, len, i, &n);
	return c == 'U' || c == 'L';
}

static int is_alnum_at(const unsigned char *s, size_t len, size_t i)
{
	return i < len && (bclass[s[i]] == B_DIGIT || is_letter_at(s, len, i));
}

struct word {
	size_t end;
	uint16_t flags;
	unsigned letters, uppers, lowers;
	int dots;	  /* periods inside */
	unsigned longest; /* longest run of letters between periods */
};

/*
 * A word from i: letters and digits, an apostrophe before a letter (but
 * not a possessive "'s"), a period before a letter or digit ("U.S",
 * "example.com"), "&" between capitals ("AT&T"), "_" "@" "/" inside
 * addresses.  A last period joins a single letter ("J.") or a dotted
 * abbreviation ("U.S.", "e.g.").  Lowercase ASCII letters, by far the
 * commonest bytes, take the first and shortest path.
 */
static void scan_word(const unsigned char *s, size_t len, size_t i, struct word *w)
{
	unsigned run = 0, uppers = 0, lowers = 0, longest = 0;
	int prev_lower = 0;
	uint16_t flags = 0;
	w->dots = 0;
	while (i < len) {
		int c = bclass[s[i]];
		size_t n = 1;
		if (c == B_LOWER) {
			lowers++, run++, prev_lower = 1, i++;
			continue;
		}
		if (c == B_UPPER) {
			if (prev_lower)
				flags |= Q_TOKF_MIXED;
			uppers++, run++, prev_lower = 0, i++;
			continue;
		}
		if (c == B_HIGH) {
			int h = high_class(s, len, i, &n);
			if (h == 'U' || h == 'L') {
				if (h == 'U' && prev_lower)
					flags |= Q_TOKF_MIXED;
				uppers += h == 'U', lowers += h == 'L';
				run++, prev_lower = h == 'L', i += n;
				continue;
			}
			if (h == 'M') {
				i += n;
				continue;
			}
			break;
		}
		if (run > longest)
			longest = run;
		run = 0, prev_lower = 0;
		if (c == B_DIGIT) {
			flags |= Q_TOKF_DIGIT;
		} else if (apostrophe(s, len, i) > 0) {
			n = apostrophe(s, len, i);
			size_t j = i + n;
			if (!is_letter_at(s, len, j))
				break;
			/* "'s" at the end of a word is a possessive. */
			if ((s[j] == 's' || s[j] == 'S') && !is_alnum_at(s, len, j + 1))
				break;
		} else if (s[i] == '.' && is_alnum_at(s, len, i + 1)) {
			w->dots++;
		} else if (s[i] == '&' && i > 0 && bclass[s[i - 1]] == B_UPPER &&
			   i + 1 < len && bclass[s[i + 1]] == B_UPPER) {
			/* "AT&T" */
		} else if ((s[i] == '_' || s[i] == '@' || s[i] == '/') && is_alnum_at(s, len, i + 1)) {
			flags |= Q_TOKF_ADDRESS; /* "Lisa_resume.doc", "a@b.org", "and/or" */
		} else if (s[i] == ':' && i + 2 < len && s[i + 1] == '/' && s[i + 2] == '/') {
			flags |= Q_TOKF_ADDRESS; /* "https://…" */
			n = 3;
		} else {
			break;
		}
		i += n;
	}
	if (run > longest)
		longest = run;
	w->letters = uppers + lowers;
	/* A final period stays with "J." and "U.S." (short parts only). */
	if (i < len && s[i] == '.' && w->letters > 0 && longest <= 2 &&
	    !(flags & Q_TOKF_DIGIT) && (w->dots > 0 || w->letters == 1)) {
		i++;
		w->dots++;
		flags |= w->letters == 1 && uppers == 1 ? Q_TOKF_INITIAL : Q_TOKF_DOTTED;
	} else if (w->dots > 0 && longest <= 2 && !(flags & Q_TOKF_DIGIT)) {
		flags |= Q_TOKF_DOTTED; /* "U.S" without its last period */
	}
	if (w->letters >= 2 && lowers == 0)
		flags |= Q_TOKF_ALLCAPS;
	if (w->dots >= 2 && longest > 2)
		flags |= Q_TOKF_ADDRESS; /* "www.example.com" */
	w->flags = flags;
	w->uppers = uppers;
	w->lowers = lowers;
	w->longest = longest;
	w->end = i;
}

/* A number from i: digits with inner "," "." before digits, and letters
 * glued after ("54th", "1960s", "3M"). */
static size_t scan_number(const unsigned char *s, size_t len, size_t i, unsigned *letters)
{
	while (i < len) {
		int c = bclass[s[i]];
		if (c == B_DIGIT || c == B_UPPER || c == B_LOWER) {
			if (c != B_DIGIT)
				++*letters;
			i++;
		} else if ((s[i] == ',' || s[i] == '.') && i + 1 < len &&
			   bclass[s[i + 1]] == B_DIGIT) {
			i++;
		} else {
			break;
		}
	}
	return i;
}

static uint16_t punct_flags(const unsigned char *s, size_t len, size_t i, size_t n,
			    int space_before)
{
	unsigned char c = s[i];
	if (n == 1) {
		if (c == '(' || c == '[' || c == '{')
			return Q_TOKF_OPEN;
		if (c == ')' || c == ']' || c == '}')
			return Q_TOKF_CLOSE;
		if (c == '"')
			return space_before || i == 0 ? Q_TOKF_OPEN : Q_TOKF_CLOSE;
		if (c == '-' && space_before)
			return Q_TOKF_DASH;
		return 0;
	}
	if (n == 3 && c == 0xE2 && s[i + 1] == 0x80) {
		switch (s[i + 2]) {
		case 0x93: /* – */
		case 0x94: /* — */
			return Q_TOKF_DASH;
		case 0x9C: /* “ */
		case 0x98: /* ‘ */
			return Q_TOKF_OPEN;
		case 0x9D: /* ” */
		case 0x99: /* ’ */
			return Q_TOKF_CLOSE;
		}
	}
	if (n == 2 && c == 0xC2 && s[i + 1] == 0xAB) /* « */
		return Q_TOKF_OPEN;
	if (n == 2 && c == 0xC2 && s[i + 1] == 0xBB) /* » */
		return Q_TOKF_CLOSE;
	(void)len;
	return 0;
}

static struct q_name_token *push(struct q_arena *a, struct q_name_tokens *out)
{
	if (out->count == out->cap &&
	    q_arena_reserve(a, (void **)&out->items, &out->cap, sizeof(*out->items),
			    out->count + 1))
		return NULL;
	return &out->items[out->count++];
}

int q_name_tokens_scan(struct q_arena *a, const char *text, size_t start, size_t end,
		  struct q_name_tokens *out)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = start;
	int space = 1, newline = 0;
	while (i < end) {
		int c = bclass[s[i]];
		size_t n = 1;
		if (c == B_SPACE) {
			space = 1;
			newline |= s[i] == '\n';
			i++;
			continue;
		}
		int h = c == B_HIGH ? high_class(s, end, i, &n) : 0;
		if (h == ' ') {
			space = 1;
			i += n;
			continue;
		}
		struct q_name_token *t = push(a, out);
		if (!t)
			return Q_ENOMEM;
		t->start = (uint32_t)i;
		t->flags = (uint16_t)((space ? Q_TOKF_SPACE : 0) | (newline ? Q_TOKF_NEWLINE : 0));
		t->letters = 0;
		if (c == B_UPPER || c == B_LOWER || h == 'U' || h == 'L') {
			struct word w;
			scan_word(s, end, i, &w);
			t->kind = Q_NTOK_WORD;
			t->flags |= w.flags | (c == B_UPPER || h == 'U' ? Q_TOKF_CAP : Q_TOKF_LOWER);
			t->letters = (uint8_t)(w.letters > 255 ? 255 : w.letters);
			i = w.end;
		} else if (c == B_DIGIT) {
			unsigned letters = 0;
			i = scan_number(s, end, i, &letters);
			t->kind = Q_NTOK_NUMBER;
			t->flags |= Q_TOKF_DIGIT;
			t->letters = (uint8_t)(letters > 255 ? 255 : letters);
		} else {
			size_t ap = apostrophe(s, end, i);
			t->kind = Q_NTOK_PUNCT;
			if (ap && !space && out->count >= 2 &&
			    out->items[out->count - 2].kind == Q_NTOK_WORD) {
				/* "’s" after a word; "’" alone after a final s. */
				size_t j = i + ap;
				if (j < end && (s[j] == 's' || s[j] == 'S') &&
				    !is_alnum_at(s, end, j + 1)) {
					t->flags |= Q_TOKF_POSS;
					i = j + 1;
				} else if (s[i - 1] == 's' && !is_alnum_at(s, end, j)) {
					t->flags |= Q_TOKF_POSS;
					i = j;
				}
			}
			if (!(t->flags & Q_TOKF_POSS)) {
				if (s[i] == '-' && !space && out->count >= 2 &&
				    out->items[out->count - 2].kind != Q_NTOK_PUNCT &&
				    is_alnum_at(s, end, i + 1))
					t->flags |= Q_TOKF_HYPHEN;
				else
					t->flags |= punct_flags(s, end, i, n, space);
				i += n;
			}
		}
		t->end = (uint32_t)i;
		space = newline = 0;
	}
	return 0;
}

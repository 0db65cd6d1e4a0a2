/*
 * sentences.c — rule-based, abbreviation-aware English sentence
 * segmentation of one paragraph.
 *
 * The approach.  One forward scan stops only at candidate stops (".", "!",
 * "?", "…"), at bullets and, inside a numbered or lettered list, at the
 * spaces before the next item marker.  At a stop we read a run of stop
 * characters ("?!", "....", ". . ."), the closing quotes and brackets after
 * it, and then judge with bounded context only:
 *
 *   - behind: the word before a period (at most WORD_MAX bytes), looked up
 *     in a small sorted table of abbreviations with a kind:
 *       title     Mr., Dr., Sen., Gen. …  never end a sentence
 *       binding   e.g., i.e., vs., cf. …  never end a sentence
 *       numeric   No., p., pp., fig. …    bind to a following number
 *       ambiguous Inc., Co., Jan., Calif., U.S.-style initialisms …  end a
 *                 sentence only before a common sentence starter ("The",
 *                 "It", "How", "Mr" …) and only if the sentence already
 *                 has a few words ("At 5 a.m. Mr. Smith" goes on)
 *     a lone capital is an initial and also needs a starter after it;
 *   - ahead: the class of the next token (lowercase never starts a
 *     sentence here, a dash follows datelines such as "D.C. –") and, when
 *     needed, whether that word is a starter or a Roman numeral.
 *
 * A period glued to the next word ("world.Today") splits only between a
 * plain word and a capitalised word, never inside e-mail addresses, URLs
 * or file names.  Three dots standing alone are an omission inside the
 * sentence; four dots, or dots glued to a word, end it before a capital.
 * Quotes are not tracked as pairs: a quotation of several sentences is
 * split like any other text, and an unbalanced quote cannot swallow a
 * paragraph.
 *
 * Lists.  A sentence that opens with an item marker ("1.", "2)", "3.)",
 * "a.", "IV.", after an optional bullet) skips it, and the next marker
 * in sequence ("2." after "1.") starts a new sentence even without a stop
 * before it; a bullet after whitespace always does.  A marker right after
 * a colon or semicolon ("are: I. The …; II. The …") stays inside.
 *
 * Every look-behind and look-ahead is bounded, the text is scanned once
 * and nothing is allocated, so a paragraph costs time linear in its length.
 */
#include "extract/extract.h"

#include <string.h>

#define WORD_MAX 64     /* longest word read around a stop, in bytes   */
#define COUNT_SPAN 256  /* how far back words are counted              */
#define MIN_WORDS 4     /* words a sentence needs to end in an abbrev. */
#define KEY_MAX 6       /* longest key in abbrevs[]                    */

/* What the word before a period is. */
enum word_kind {
	W_ORDINARY, /* a plain word or number: the period ends the sentence */
	W_TITLE,
	W_BINDING,
	W_NUMERIC,
	W_AMBIG,
	W_INITIAL,
};

/* What begins the token after a stop. */
enum next_kind { N_LOWER, N_UPPER, N_DIGIT, N_DASH, N_PUNCT, N_OTHER };

struct abbrev {
	const char *key; /* lowercase, without the final period */
	unsigned char kind;
	unsigned char cap; /* only when written with a capital */
};

/* Sorted by key in byte order (strcmp); keep it so. */
static const struct abbrev abbrevs[] = {
	{"adm", W_TITLE, 1},      {"ala", W_AMBIG, 1},
	{"amb", W_TITLE, 1},      {"approx", W_BINDING, 0},
	{"apr", W_AMBIG, 1},      {"ariz", W_AMBIG, 1},
	{"ark", W_AMBIG, 1},      {"art", W_NUMERIC, 0},
	{"assn", W_AMBIG, 0},     {"assoc", W_AMBIG, 0},
	{"atty", W_TITLE, 1},     {"aug", W_AMBIG, 1},
	{"ave", W_AMBIG, 0},      {"bk", W_NUMERIC, 0},
	{"blvd", W_AMBIG, 0},     {"brig", W_TITLE, 1},
	{"bros", W_AMBIG, 0},     {"ca", W_NUMERIC, 0},
	{"calif", W_AMBIG, 1},    {"capt", W_TITLE, 1},
	{"cf", W_BINDING, 0},     {"ch", W_NUMERIC, 0},
	{"chap", W_NUMERIC, 0},   {"chas", W_TITLE, 1},
	{"cmdr", W_TITLE, 1},     {"co", W_AMBIG, 0},
	{"col", W_TITLE, 1},      {"colo", W_AMBIG, 1},
	{"con", W_TITLE, 1},      {"cong", W_AMBIG, 1},
	{"conn", W_AMBIG, 1},     {"corp", W_AMBIG, 0},
	{"cpl", W_TITLE, 1},      {"dec", W_AMBIG, 1},
	{"del", W_AMBIG, 1},      {"dept", W_AMBIG, 0},
	{"det", W_TITLE, 1},      {"div", W_AMBIG, 0},
	{"dr", W_TITLE, 1},       {"drs", W_TITLE, 1},
	{"eq", W_NUMERIC, 0},     {"eqn", W_NUMERIC, 0},
	{"esp", W_BINDING, 0},    {"esq", W_AMBIG, 0},
	{"ext", W_NUMERIC, 0},    {"feb", W_AMBIG, 1},
	{"fig", W_NUMERIC, 0},    {"figs", W_NUMERIC, 0},
	{"fla", W_AMBIG, 1},      {"fr", W_TITLE, 1},
	{"fredk", W_TITLE, 1},    {"fri", W_AMBIG, 1},
	{"ft", W_AMBIG, 0},       {"ga", W_AMBIG, 1},
	{"gen", W_TITLE, 1},      {"gens", W_TITLE, 1},
	{"geo", W_TITLE, 1},      {"gov", W_TITLE, 1},
	{"govs", W_TITLE, 1},     {"govt", W_AMBIG, 0},
	{"hon", W_TITLE, 1},      {"hwy", W_AMBIG, 0},
	{"ibid", W_AMBIG, 0},     {"ill", W_AMBIG, 1},
	{"inc", W_AMBIG, 0},      {"incl", W_BINDING, 0},
	{"ind", W_AMBIG, 1},      {"insp", W_TITLE, 1},
	{"inst", W_AMBIG, 0},     {"intl", W_AMBIG, 0},
	{"jan", W_AMBIG, 1},      {"jas", W_TITLE, 1},
	{"jr", W_AMBIG, 0},       {"jul", W_AMBIG, 1},
	{"jun", W_AMBIG, 1},      {"kan", W_AMBIG, 1},
	{"kans", W_AMBIG, 1},     {"ky", W_AMBIG, 1},
	{"la", W_AMBIG, 1},       {"lt", W_TITLE, 1},
	{"ltd", W_AMBIG, 0},      {"maj", W_TITLE, 1},
	{"mar", W_AMBIG, 1},      {"mass", W_AMBIG, 1},
	{"md", W_AMBIG, 1},       {"messrs", W_TITLE, 1},
	{"mfg", W_AMBIG, 0},      {"mich", W_AMBIG, 1},
	{"minn", W_AMBIG, 1},     {"miss", W_AMBIG, 1},
	{"mlle", W_TITLE, 1},     {"mme", W_TITLE, 1},
	{"mmes", W_TITLE, 1},     {"mo", W_AMBIG, 1},
	{"mon", W_AMBIG, 1},      {"mont", W_AMBIG, 1},
	{"mr", W_TITLE, 1},       {"mrs", W_TITLE, 1},
	{"ms", W_TITLE, 1},       {"msgr", W_TITLE, 1},
	{"mt", W_AMBIG, 0},       {"mts", W_AMBIG, 0},
	{"natl", W_AMBIG, 0},     {"neb", W_AMBIG, 1},
	{"nebr", W_AMBIG, 1},     {"nev", W_AMBIG, 1},
	{"no", W_NUMERIC, 0},     {"nos", W_NUMERIC, 0},
	{"nov", W_AMBIG, 1},      {"nr", W_NUMERIC, 0},
	{"n\xc2\xb0", W_NUMERIC, 0}, /* N° */
	{"oct", W_AMBIG, 1},
	{"okla", W_AMBIG, 1},     {"op", W_NUMERIC, 0},
	{"ore", W_AMBIG, 1},      {"oreg", W_AMBIG, 1},
	{"pa", W_AMBIG, 1},       {"para", W_NUMERIC, 0},
	{"penn", W_AMBIG, 1},     {"penna", W_AMBIG, 1},
	{"pp", W_NUMERIC, 0},     {"pres", W_TITLE, 1},
	{"prof", W_TITLE, 1},     {"profs", W_TITLE, 1},
	{"pt", W_NUMERIC, 0},     {"pub", W_TITLE, 1},
	{"pvt", W_TITLE, 1},      {"rd", W_AMBIG, 0},
	{"ref", W_NUMERIC, 0},    {"refs", W_NUMERIC, 0},
	{"rep", W_TITLE, 1},      {"reps", W_TITLE, 1},
	{"res", W_NUMERIC, 0},    {"resp", W_BINDING, 0},
	{"rev", W_TITLE, 1},      {"sat", W_AMBIG, 1},
	{"sec", W_TITLE, 0},      {"sect", W_NUMERIC, 0},
	{"sen", W_TITLE, 1},      {"sens", W_TITLE, 1},
	{"sep", W_AMBIG, 1},      {"sept", W_AMBIG, 1},
	{"sess", W_AMBIG, 1},     {"sgt", W_TITLE, 1},
	{"sr", W_AMBIG, 0},       {"st", W_AMBIG, 0},
	{"stat", W_NUMERIC, 0},   {"sun", W_AMBIG, 1},
	{"supt", W_TITLE, 1},     {"tel", W_NUMERIC, 0},
	{"tenn", W_AMBIG, 1},     {"tex", W_AMBIG, 1},
	{"thos", W_TITLE, 1},     {"thu", W_AMBIG, 1},
	{"thur", W_AMBIG, 1},     {"thurs", W_AMBIG, 1},
	{"tue", W_AMBIG, 1},      {"tues", W_AMBIG, 1},
	{"univ", W_AMBIG, 0},     {"va", W_AMBIG, 1},
	{"ver", W_NUMERIC, 0},    {"viz", W_BINDING, 0},
	{"vol", W_NUMERIC, 0},    {"vols", W_NUMERIC, 0},
	{"vs", W_BINDING, 0},     {"vt", W_AMBIG, 1},
	{"wash", W_AMBIG, 1},     {"wed", W_AMBIG, 1},
	{"wis", W_AMBIG, 1},      {"wisc", W_AMBIG, 1},
	{"wm", W_TITLE, 1},       {"wyo", W_AMBIG, 1},
};

/*
 * Capitalised words that commonly open an English sentence and are seldom
 * names: after an ambiguous abbreviation or an initial they are the
 * evidence that a new sentence has begun.  Sorted (strcmp); keep it so.
 */
static const char *const starters[] = {
	"A", "About", "According", "After", "Again", "All", "Also", "Although",
	"Among", "An", "And", "Another", "Any", "Are", "As", "At", "Because",
	"Before", "Both", "But", "By", "Can", "Could", "Despite", "Did", "Do",
	"Does", "Dr", "During", "Each", "Either", "Even", "Every", "Finally",
	"First", "For", "From", "Further", "Furthermore", "Had", "Has", "Have",
	"He", "Hence", "Her", "Here", "His", "How", "However", "I", "If", "In",
	"Indeed", "Instead", "Is", "It", "Its", "Last", "Later", "Let", "Many",
	"Meanwhile", "Messrs", "Moreover", "Most", "Mr", "Mrs", "Ms", "My",
	"Neither", "Never", "Nevertheless", "No", "Nor", "Not", "Now", "Of",
	"On", "Once", "One", "Only", "Or", "Other", "Our", "Perhaps", "Please",
	"She", "Should", "Since", "So", "Some", "Still", "Such", "That", "The",
	"Their", "Then", "There", "Therefore", "These", "They", "This", "Those",
	"Though", "Thus", "To", "Today", "Tomorrow", "Tonight", "Under",
	"Unless", "Until", "Was", "We", "Were", "What", "When", "Where",
	"Whether", "Which", "While", "Who", "Whom", "Whose", "Why", "With",
	"Without", "Would", "Yes", "Yesterday", "Yet", "You", "Your",
};

/* Byte classes, so that hot loops test one table entry. */
#define C_STOP 1   /* . ! ? and the lead byte of … and of bullets (next_stop) */
#define C_SPACE 2  /* ASCII whitespace                              */
#define C_ROMAN 4  /* I V X L C D M                                 */
#define C_PUNCT 8  /* , ; : . ! ? ) ] } %: nothing starts after them */
#define C_URL 16   /* @ / : \ = _ # ? &: inside addresses and paths  */

static const unsigned char byte_class[256] = {
	['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\v'] = C_SPACE,
	['\f'] = C_SPACE, ['\r'] = C_SPACE, [' '] = C_SPACE,
	['.'] = C_STOP | C_PUNCT, ['!'] = C_STOP | C_PUNCT,
	['?'] = C_STOP | C_PUNCT | C_URL, [0xE2] = C_STOP,
	['I'] = C_ROMAN, ['V'] = C_ROMAN, ['X'] = C_ROMAN, ['L'] = C_ROMAN,
	['C'] = C_ROMAN, ['D'] = C_ROMAN, ['M'] = C_ROMAN,
	[','] = C_PUNCT, [';'] = C_PUNCT, [':'] = C_PUNCT | C_URL,
	[')'] = C_PUNCT, [']'] = C_PUNCT, ['}'] = C_PUNCT, ['%'] = C_PUNCT,
	['@'] = C_URL, ['/'] = C_URL, ['\\'] = C_URL, ['='] = C_URL,
	['_'] = C_URL, ['#'] = C_URL, ['&'] = C_URL,
};

static int is_roman(unsigned char c)
{
	return byte_class[c] & C_ROMAN;
}

/* The sentence being scanned. */
struct scan {
	const unsigned char *s;
	size_t len;
	size_t start;             /* its first byte                        */
	int list_kind;            /* 0, 'd' 1. 2., 'l' a. b., 'r' I. II.  */
	int list_suffix;          /* marker ends in 1 ".", 2 ")", 3 ".)"   */
	unsigned long list_next;  /* the marker that opens the next item   */
};

/* A run of stop characters: "." "?!" "...." ". . ." "…". */
struct run {
	size_t end;
	int dots;   /* … counts three */
	int bangs;  /* ! and ? */
	int spaced; /* ". . ." */
};

/* ---- characters ------------------------------------------------------ */

static int is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static int is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_alpha(unsigned char c)
{
	return is_lower(c) || is_upper(c);
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(unsigned char c)
{
	return is_alpha(c) || is_digit(c);
}

static int has3(const unsigned char *s, size_t len, size_t i, unsigned char a,
		unsigned char b, unsigned char c)
{
	return i + 2 < len && s[i] == a && s[i + 1] == b && s[i + 2] == c;
}

/* Length of the whitespace character at i: ASCII, NBSP, the Unicode
 * spaces U+2000–U+200B, U+202F, U+205F, U+3000; 0 when none. */
static size_t space_at(const unsigned char *s, size_t len, size_t i)
{
	if (byte_class[s[i]] & C_SPACE)
		return 1;
	if (s[i] == 0xC2)
		return i + 1 < len && s[i + 1] == 0xA0 ? 2 : 0;
	if (s[i] == 0xE2 && i + 2 < len &&
	    ((s[i + 1] == 0x80 && (s[i + 2] <= 0x8B || s[i + 2] == 0xAF)) ||
	     (s[i + 1] == 0x81 && s[i + 2] == 0x9F)))
		return 3;
	if (has3(s, len, i, 0xE3, 0x80, 0x80))
		return 3;
	return 0;
}

/* Length of the whitespace character that ends just before i, or 0. */
static size_t space_before(const unsigned char *s, size_t lo, size_t i)
{
	if (i > lo && (byte_class[s[i - 1]] & C_SPACE))
		return 1;
	if (i >= lo + 2 && s[i - 2] == 0xC2 && s[i - 1] == 0xA0)
		return 2;
	if (i >= lo + 3 && (s[i - 3] == 0xE2 || s[i - 3] == 0xE3) &&
	    space_at(s, i, i - 3) == 3)
		return 3;
	return 0;
}

static size_t skip_space(const unsigned char *s, size_t len, size_t i)
{
	size_t n;
	while (i < len && (n = space_at(s, len, i)) > 0)
		i += n;
	return i;
}

static size_t ellipsis_at(const unsigned char *s, size_t len, size_t i)
{
	return has3(s, len, i, 0xE2, 0x80, 0xA6) ? 3 : 0;
}

/* Bullets that separate list items: • ‣ ⁃ ◦ ▪ ●. */
static size_t bullet_at(const unsigned char *s, size_t len, size_t i)
{
	if (i + 2 >= len || s[i] != 0xE2)
		return 0;
	if ((s[i + 1] == 0x80 && (s[i + 2] == 0xA2 || s[i + 2] == 0xA3)) ||
	    (s[i + 1] == 0x81 && s[i + 2] == 0x83) ||
	    (s[i + 1] == 0x97 && (s[i + 2] == 0xA6 || s[i + 2] == 0x8F)) ||
	    (s[i + 1] == 0x96 && s[i + 2] == 0xAA))
		return 3;
	return 0;
}

/* Closing quotes and brackets that stay with the stop before them. */
static size_t closer_at(const unsigned char *s, size_t len, size_t i)
{
	unsigned char c = s[i];
	if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '}')
		return 1;
	if (c == 0xC2 && i + 1 < len && s[i + 1] == 0xBB) /* » */
		return 2;
	if (has3(s, len, i, 0xE2, 0x80, 0x9D) || /* ” */
	    has3(s, len, i, 0xE2, 0x80, 0x99) || /* ’ */
	    has3(s, len, i, 0xE2, 0x80, 0xBA))   /* › */
		return 3;
	return 0;
}

/* Opening quotes and brackets in front of a word. */
static size_t opener_at(const unsigned char *s, size_t len, size_t i)
{
	unsigned char c = s[i];
	if (c == '"' || c == '\'' || c == '(' || c == '[' || c == '{')
		return 1;
	if (c == 0xC2 && i + 1 < len && s[i + 1] == 0xAB) /* « */
		return 2;
	if (has3(s, len, i, 0xE2, 0x80, 0x9C) || /* “ */
	    has3(s, len, i, 0xE2, 0x80, 0x98) || /* ‘ */
	    has3(s, len, i, 0xE2, 0x80, 0xB9))   /* ‹ */
		return 3;
	return 0;
}

/* Does an opening quote or bracket end just before i?  A straight quote
 * opens only after whitespace: in 'Europe"...' it closes. */
static int opener_before(const unsigned char *s, size_t lo, size_t i)
{
	if (i > lo && opener_at(s, i, i - 1) == 1)
		return (s[i - 1] != '"' && s[i - 1] != '\'') || i - 1 == lo ||
		       space_before(s, lo, i - 1) ||
		       s[i - 2] == '(' || s[i - 2] == '[' || s[i - 2] == '{';
	return i >= lo + 3 && opener_at(s, i, i - 3) == 3;
}

static int dash_at(const unsigned char *s, size_t len, size_t i)
{
	return s[i] == '-' || has3(s, len, i, 0xE2, 0x80, 0x93) ||
	       has3(s, len, i, 0xE2, 0x80, 0x94);
}

/* 'U' or 'L' for a cased letter outside ASCII (Latin, Greek, Cyrillic). */
static int letter_case(const unsigned char *s, size_t len, size_t i)
{
	uint32_t cp;
	if (q_utf8_decode(s + i, len - i, &cp) == 0)
		return 0;
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		return 'U';
	if (cp >= 0xDF && cp <= 0xFF && cp != 0xF7)
		return 'L';
	if (cp >= 0x100 && cp <= 0x17F)
		return cp % 2 ? 'L' : 'U'; /* mostly true in Latin Extended-A */
	if ((cp >= 0x391 && cp <= 0x3A9) || (cp >= 0x400 && cp <= 0x42F))
		return 'U';
	if ((cp >= 0x3B1 && cp <= 0x3C9) || (cp >= 0x430 && cp <= 0x45F))
		return 'L';
	return 0;
}

/* ---- the words around a stop ------------------------------------------ */

static int cmp_key(const char *key, const unsigned char *w, size_t n)
{
	size_t i = 0;
	for (; i < n && key[i]; i++)
		if ((unsigned char)key[i] != w[i])
			return (unsigned char)key[i] < w[i] ? -1 : 1;
	if (i < n)
		return -1;
	return key[i] ? 1 : 0;
}

static const struct abbrev *find_abbrev(const unsigned char *w, size_t n)
{
	size_t lo = 0, hi = sizeof(abbrevs) / sizeof(abbrevs[0]);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_key(abbrevs[mid].key, w, n);
		if (c == 0)
			return &abbrevs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int is_starter_word(const unsigned char *w, size_t n)
{
	size_t lo = 0, hi = sizeof(starters) / sizeof(starters[0]);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_key(starters[mid], w, n);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static size_t apostrophe_at(const unsigned char *s, size_t len, size_t i)
{
	if (s[i] == '\'')
		return 1;
	return has3(s, len, i, 0xE2, 0x80, 0x99) ? 3 : 0;
}

/* Does the word at i open sentences ("The", "It's", "Don't", "Mr")? */
static int starter_at(const unsigned char *s, size_t len, size_t i)
{
	size_t e = i, n;
	while (e < len && e - i <= 12 && is_alpha(s[e]))
		e++;
	if (e < len && is_alnum(s[e]))
		return 0;
	/* A negative contraction starts sentences, not names. */
	if (e < len && (n = apostrophe_at(s, len, e)) > 0 && e + n < len &&
	    s[e + n] == 't' && (e + n + 1 >= len || !is_alpha(s[e + n + 1])))
		return 1;
	if (e - i == 1)
		return s[i] == 'A' || s[i] == 'I';
	/* "No." is rather the number sign, as in "Pub. L. No. 111-5". */
	if (e < len && s[e] == '.' && e - i == 2 && s[i] == 'N' &&
	    s[i + 1] == 'o')
		return 0;
	return is_starter_word(s + i, e - i);
}

/* The value of the capital Roman numeral s[i..i+n), or 0. */
static unsigned long roman_value(const unsigned char *s, size_t i, size_t n)
{
	unsigned long v = 0, prev = 0;
	for (size_t k = i + n; k > i; k--) {
		static const unsigned short digit[256] = {
			['I'] = 1,   ['V'] = 5,   ['X'] = 10,   ['L'] = 50,
			['C'] = 100, ['D'] = 500, ['M'] = 1000,
		};
		unsigned long d = digit[s[k - 1]];
		if (!d || (d < prev && d > v))
			return 0; /* not a numeral: "VVX" */
		if (d < prev)
			v -= d;
		else
			v += d;
		prev = d > prev ? d : prev;
	}
	return v;
}

/* A Roman numeral after "No." or "Vol." ("No. X.", "Vol. III"). */
static int roman_at(const unsigned char *s, size_t len, size_t i)
{
	size_t e = i;
	while (e < len && e - i < 12 && is_roman(s[e]))
		e++;
	if (e == i || (e < len && is_alpha(s[e])))
		return 0;
	if (e - i >= 2)
		return 1;
	return e >= len || s[e] == '.' || s[e] == ',' || s[e] == ';' ||
	       s[e] == ':' || s[e] == ')';
}

/* The start of the whitespace-delimited word that ends at i, or
 * (size_t)-1 when it is longer than WORD_MAX. */
static size_t word_start(const struct scan *sc, size_t i)
{
	size_t lo = i - sc->start > WORD_MAX ? i - WORD_MAX : sc->start;
	size_t b = i;
	while (b > lo && !(byte_class[sc->s[b - 1]] & C_SPACE) &&
	       (sc->s[b - 1] < 0x80 || space_before(sc->s, lo, b) == 0))
		b--;
	if (b == lo && lo > sc->start && space_before(sc->s, sc->start, b) == 0)
		return (size_t)-1;
	return b;
}

/*
 * U.S, D.C, U.S.A, a.m, H.Res, S.Con.Res: short parts between periods,
 * one of them a single letter.  Domains ("house.gov") have longer parts.
 */
static int dotted(const unsigned char *k, size_t n)
{
	size_t part = 0;
	int single = 0, parts = 1;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && is_alpha(k[i])) {
			if (++part > 4)
				return 0;
			continue;
		}
		if (part == 0 || (i < n && k[i] != '.'))
			return 0;
		single |= part == 1;
		parts += i < n;
		part = 0;
	}
	return parts >= 2 && single;
}

/*
 * The kind of the word before the period at i.  The key is its tail of
 * letters, periods, "&" and "°", so "(D-Calif" gives "Calif" and
 * "said—Mr" gives "Mr"; *wstart is where the whole word begins.
 */
static int word_kind(const struct scan *sc, size_t i, size_t *wstart)
{
	const unsigned char *s = sc->s;
	size_t b = word_start(sc, i), a = i;
	*wstart = b;
	if (b == (size_t)-1)
		return W_ORDINARY;
	while (a > b) {
		unsigned char c = s[a - 1];
		if (is_alpha(c) || c == '.' || c == '&')
			a--;
		else if (c == 0xB0 && a - 1 > b && s[a - 2] == 0xC2)
			a -= 2;
		else
			break;
	}
	if (a > b && is_digit(s[a - 1]))
		return W_ORDINARY; /* "5th", "4G" */
	while (a < i && s[a] == '.')
		a++;
	size_t n = i - a;
	if (n == 0 || n > WORD_MAX)
		return W_ORDINARY;
	if (n == 1 && is_upper(s[a]))
		return W_INITIAL;
	if (n == 1 && is_lower(s[a]))
		return s[a] == 'v' ? W_BINDING : W_NUMERIC;
	if (memchr(s + a, '.', n)) {
		if (!dotted(s + a, n))
			return W_ORDINARY; /* "house.gov" */
		if (n == 3 && (memcmp(s + a, "e.g", 3) == 0 ||
			       memcmp(s + a, "i.e", 3) == 0 ||
			       memcmp(s + a, "N.B", 3) == 0 ||
			       memcmp(s + a, "n.b", 3) == 0))
			return W_BINDING;
		return W_AMBIG;
	}
	if (n > KEY_MAX)
		return W_ORDINARY;
	unsigned char key[KEY_MAX];
	for (size_t k = 0; k < n; k++)
		key[k] = is_upper(s[a + k]) ? s[a + k] - 'A' + 'a' : s[a + k];
	const struct abbrev *ab = find_abbrev(key, n);
	if (ab && (!ab->cap || is_upper(s[a])))
		return ab->kind;
	return W_ORDINARY;
}

/* Words from the sentence start up to and including the one at w, with
 * anything beyond COUNT_SPAN bytes counted as plenty. */
static int words_upto(const struct scan *sc, size_t w)
{
	size_t lo = w - sc->start > COUNT_SPAN ? w - COUNT_SPAN : sc->start;
	int n = 1, gap = 0;
	for (size_t i = w; i > lo && n < MIN_WORDS; i--) {
		if (byte_class[sc->s[i - 1]] & C_SPACE)
			gap = 1;
		else if (gap) {
			n++;
			gap = 0;
		}
	}
	return lo > sc->start ? MIN_WORDS : n;
}

/* The class of the token at k; *wk is where its first letter is. */
static int next_kind(const unsigned char *s, size_t len, size_t k,
		     size_t *wk)
{
	size_t n;
	for (int q = 0; q < 4 && k < len && (n = opener_at(s, len, k)); q++)
		k += n;
	*wk = k;
	if (k >= len)
		return N_OTHER;
	unsigned char c = s[k];
	if (is_lower(c))
		return N_LOWER;
	if (is_upper(c))
		return N_UPPER;
	if (is_digit(c) || c == '$' || (c == 0xC2 && k + 1 < len &&
					  s[k + 1] == 0xA3) ||
	    has3(s, len, k, 0xE2, 0x82, 0xAC))
		return N_DIGIT;
	if (dash_at(s, len, k))
		return N_DASH;
	if (byte_class[c] & C_PUNCT)
		return N_PUNCT;
	if (c >= 0x80) {
		int lc = letter_case(s, len, k);
		if (lc)
			return lc == 'U' ? N_UPPER : N_LOWER;
	}
	return N_OTHER;
}

/* ---- list items --------------------------------------------------------- */

/* Past an ordinal ending ("1st", "2d", "3rd") after a number at i. */
static size_t ordinal_end(const unsigned char *s, size_t len, size_t i)
{
	static const char *const ends[] = {"st", "nd", "rd", "th", "d"};
	if (i >= len || (s[i] != 'd' && s[i] != 'n' && s[i] != 'r' &&
			 s[i] != 's' && s[i] != 't'))
		return i;
	for (size_t k = 0; k < sizeof(ends) / sizeof(ends[0]); k++) {
		size_t n = strlen(ends[k]);
		if (i + n < len && memcmp(s + i, ends[k], n) == 0 &&
		    !is_alpha(s[i + n]))
			return i + n;
	}
	return i;
}

/*
 * An item marker at i ("1.", "2)", "3.)", "a.", "b)", "IV.", "2d.")
 * followed by whitespace: returns its length and fills value, kind and
 * suffix.  "5\." counts as "5.": converted Markdown escapes list numbers.
 */
static size_t marker_at(const unsigned char *s, size_t len, size_t i,
			unsigned long *value, int *kind, int *suffix)
{
	size_t e = i;
	unsigned long v = 0;
	while (e < len && e - i < 3 && is_digit(s[e]))
		v = v * 10 + (unsigned long)(s[e++] - '0');
	if (e > i) {
		*kind = 'd';
		e = ordinal_end(s, len, e);
	} else if (e < len && is_lower(s[e])) {
		v = s[e++];
		*kind = 'l';
	} else {
		while (e < len && e - i < 7 && is_roman(s[e]))
			e++;
		if (e == i || !(v = roman_value(s, i, e - i)))
			return 0;
		*kind = 'r';
	}
	if (e + 1 < len && s[e] == '\\' && s[e + 1] == '.')
		e++;
	if (e + 1 < len && s[e] == '.' && s[e + 1] == ')') {
		*suffix = 3;
		e += 2;
	} else if (e < len && (s[e] == '.' || s[e] == ')')) {
		*suffix = s[e] == '.' ? 1 : 2;
		e++;
	} else {
		return 0;
	}
	if (e >= len || !space_at(s, len, e))
		return 0;
	*value = v;
	return e - i;
}

/* Past an opening bullet and item marker, which are not stops. */
static size_t open_sentence(struct scan *sc)
{
	const unsigned char *s = sc->s;
	size_t i = sc->start, n = bullet_at(s, sc->len, i);
	unsigned long v;
	int kind, suffix;
	size_t wk;
	sc->list_kind = 0;
	if (n)
		i = skip_space(s, sc->len, i + n);
	for (int q = 0; q < 2 && i < sc->len && (n = opener_at(s, sc->len, i));
	     q++)
		i += n; /* a quoted list: "7. To consider … */
	if (i >= sc->len || !(n = marker_at(s, sc->len, i, &v, &kind, &suffix)))
		return i;
	/* "a." and "IV." open a list only before a capital word, as in
	 * "a. The first". */
	if (kind != 'd' && suffix == 1 &&
	    next_kind(s, sc->len, skip_space(s, sc->len, i + n), &wk) !=
		    N_UPPER)
		return i;
	sc->list_kind = kind;
	sc->list_suffix = suffix;
	sc->list_next = v + 1;
	return i + n;
}

/* Does the next list item start right after the whitespace at i? */
static int next_item_at(const struct scan *sc, size_t i)
{
	unsigned long v;
	int kind, suffix;
	size_t t = i + 1;
	if (t >= sc->len || space_at(sc->s, sc->len, t))
		return 0;
	if (sc->list_kind == 'd' ? !is_digit(sc->s[t])
	    : sc->list_kind == 'l' ? sc->s[t] != sc->list_next
				   : !is_upper(sc->s[t]))
		return 0; /* the common case, decided on one byte */
	return marker_at(sc->s, sc->len, t, &v, &kind, &suffix) &&
	       kind == sc->list_kind && suffix == sc->list_suffix &&
	       v == sc->list_next;
}

/* ---- stops ---------------------------------------------------------- */

static size_t read_run(const unsigned char *s, size_t len, size_t i,
		       struct run *r)
{
	size_t n;
	r->dots = r->bangs = r->spaced = 0;
	while (i < len) {
		if (s[i] == '.') {
			r->dots++;
			i++;
		} else if (s[i] == '!' || s[i] == '?') {
			r->bangs++;
			i++;
		} else if ((n = ellipsis_at(s, len, i)) > 0) {
			r->dots += 3;
			i += n;
		} else if (r->dots && !r->bangs && s[i - 1] == '.' &&
			   (byte_class[s[i]] & C_SPACE) && i + 1 < len &&
			   s[i + 1] == '.' &&
			   (i + 2 >= len || !is_alnum(s[i + 2]))) {
			r->spaced = 1; /* ". . ." */
			i++;
		} else {
			break;
		}
	}
	r->end = i;
	return i;
}

/* Is the word at i a common top-level domain ("Example.Com")? */
static int domain_at(const unsigned char *s, size_t len, size_t i)
{
	static const char *const tlds[] = {"com", "edu", "gov", "info", "int",
					   "io",  "mil", "net", "org"};
	unsigned char w[5];
	size_t n = 0;
	while (i + n < len && n < sizeof(w) && is_alpha(s[i + n])) {
		w[n] = is_upper(s[i + n]) ? s[i + n] - 'A' + 'a' : s[i + n];
		n++;
	}
	if (i + n < len && is_alpha(s[i + n]))
		return 0;
	for (size_t k = 0; k < sizeof(tlds) / sizeof(tlds[0]); k++)
		if (cmp_key(tlds[k], w, n) == 0)
			return 1;
	return 0;
}

/*
 * "Hello world.Today": a period glued to a capitalised word ends the
 * sentence when the word before is plain (letters with a lowercase one,
 * or a number) and no address, path or domain runs through it.
 */
static int split_glued(const struct scan *sc, size_t i)
{
	const unsigned char *s = sc->s;
	size_t len = sc->len, b = i, t, ws;
	int lower = 0, letters = 0, digits = 0;
	if (i + 2 >= len || !is_upper(s[i + 1]) || !is_lower(s[i + 2]))
		return 0;
	while (b > sc->start && i - b < WORD_MAX &&
	       (is_alnum(s[b - 1]) || s[b - 1] == ',')) {
		b--;
		lower |= is_lower(s[b]);
		letters += is_alpha(s[b]);
		digits += is_digit(s[b]);
	}
	if (b > sc->start && !space_before(s, sc->start, b) &&
	    !opener_before(s, sc->start, b))
		return 0; /* "www.example.Com", "Jane.Doe" after a dot */
	if (letters ? (digits || !lower || letters < 2) : !digits)
		return 0;
	if (domain_at(s, len, i + 1))
		return 0;
	if (word_kind(sc, i, &ws) != W_ORDINARY)
		return 0;
	for (t = i + 1; t < len && t - i <= WORD_MAX; t++) {
		unsigned char c = s[t];
		if (space_at(s, len, t))
			return 1;
		if (byte_class[c] & C_URL)
			return 0;
		if (c == '.' && t + 1 < len && is_alnum(s[t + 1]))
			return 0;
	}
	return t >= len;
}

/* Is the stop run at i glued to the word before it ("that...")? */
static int attached(const struct scan *sc, size_t i)
{
	return i > sc->start && !space_before(sc->s, sc->start, i) &&
	       !opener_before(sc->s, sc->start, i);
}

/* The verdict on "...", ". . . .", "…": may move the cut to *cut. */
static int split_ellipsis(const struct scan *sc, size_t i,
			  const struct run *r, int next, size_t *cut)
{
	if (next != N_UPPER)
		return 0;
	if (!attached(sc, i))
		return r->dots >= 4; /* a period and an omission: ". . . ." */
	if (r->spaced && r->dots >= 4 && sc->s[i] == '.' &&
	    space_at(sc->s, sc->len, i + 1)) {
		/* "compounds. . . . The": the period ends it, and the omission
		 * opens the next sentence. */
		*cut = i + 1;
	}
	return 1;
}

/*
 * Is the word [w, i) an item marker right after a colon or semicolon, as
 * in "are: I. The qualification …; II. The appointment …"?
 */
static int inline_marker(const struct scan *sc, size_t w, size_t i)
{
	const unsigned char *s = sc->s;
	unsigned long v;
	int kind, suffix;
	size_t b = w;
	if (w == (size_t)-1 || marker_at(s, sc->len, w, &v, &kind, &suffix) !=
					    i + 1 - w)
		return 0;
	while (b > sc->start && w - b < 8 && space_before(s, sc->start, b))
		b -= space_before(s, sc->start, b);
	return b < w && b > sc->start && (s[b - 1] == ':' || s[b - 1] == ';');
}

/*
 * The verdict on a period at i followed by whitespace.  Two periods, as
 * in "Ford Motor Co.. Ford", are an abbreviation's and the sentence's.
 */
static int split_period(const struct scan *sc, size_t i, const struct run *r,
			int next, size_t wk)
{
	size_t ws;
	if (next == N_LOWER || next == N_DASH || next == N_PUNCT)
		return 0; /* whatever the word before: the sentence goes on */
	int kind = word_kind(sc, i, &ws);
	if (inline_marker(sc, ws, i))
		return 0;
	if (r->dots == 2)
		kind = W_ORDINARY;
	switch (kind) {
	case W_TITLE:
	case W_BINDING:
		return 0;
	case W_NUMERIC:
		if (next == N_DIGIT ||
		    (next == N_UPPER && roman_at(sc->s, sc->len, wk)))
			return 0;
		return next == N_UPPER || next == N_OTHER;
	case W_INITIAL:
		return next == N_UPPER && starter_at(sc->s, sc->len, wk);
	case W_AMBIG:
		return next == N_UPPER && starter_at(sc->s, sc->len, wk) &&
		       words_upto(sc, ws) >= MIN_WORDS;
	default:
		return next == N_UPPER || next == N_DIGIT || next == N_OTHER;
	}
}

/*
 * The stop run at i: returns 1 and the cut when it ends the sentence;
 * otherwise 0, with *resume where scanning goes on.
 */
static int judge_stop(const struct scan *sc, size_t i, size_t *cut,
		      size_t *resume)
{
	const unsigned char *s = sc->s;
	size_t len = sc->len, j, k, n, wk;
	struct run r;
	j = *resume = read_run(s, len, i, &r);
	while (j < len && (n = closer_at(s, len, j)) > 0)
		j += n;
	k = skip_space(s, len, j);
	*cut = j;
	if (k >= len)
		return 1; /* the paragraph ends here */
	if (k == j) {
		if (j == r.end && r.dots == 1 && !r.bangs &&
		    split_glued(sc, i)) {
			*cut = i + 1;
			return 1;
		}
		return 0;
	}
	int next = next_kind(s, len, k, &wk);
	if (r.bangs)
		return next != N_LOWER && next != N_DASH && next != N_PUNCT;
	if (r.dots >= 3)
		return split_ellipsis(sc, i, &r, next, cut);
	return split_period(sc, i, &r, next, wk);
}

/* Whether one of the eight bytes in w is c (the classic zero-byte test
 * on w XOR c, exact for "any"). */
static uint64_t has_byte(uint64_t w, unsigned char c)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t x = w ^ (ones * c);
	return (x - ones) & ~x & (ones << 7);
}

/* The first byte of class C_STOP from s[i] on, or len: prose has one in
 * a hundred bytes or so, so the rest are passed eight at a time. */
static size_t next_stop(const unsigned char *s, size_t i, size_t len)
{
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (has_byte(w, '.') | has_byte(w, '!') | has_byte(w, '?') | has_byte(w, 0xE2))
			break;
	}
	while (i < len && !(byte_class[s[i]] & C_STOP))
		i++;
	return i;
}

/* Where the sentence that opens at sc->start ends (before trimming). */
static size_t find_cut(struct scan *sc)
{
	const unsigned char *s = sc->s;
	size_t len = sc->len, i = open_sentence(sc), cut;
	unsigned char mask = sc->list_kind ? C_STOP | C_SPACE : C_STOP;
	while (i < len) {
		if (mask == C_STOP)
			i = next_stop(s, i, len);
		while (i < len && !(byte_class[s[i]] & mask))
			i++;
		if (i >= len)
			break;
		if (byte_class[s[i]] & C_SPACE) {
			if (next_item_at(sc, i))
				return i;
			i++;
		} else if (bullet_at(s, len, i)) {
			if (i > sc->start && space_before(s, sc->start, i))
				return i;
			i += 3;
		} else if (s[i] == 0xE2 && !ellipsis_at(s, len, i)) {
			i++;
		} else if (judge_stop(sc, i, &cut, &i)) {
			return cut;
		}
	}
	return len;
}

int q_sentence_next(const char *text, size_t len, size_t *pos, size_t *start,
		    size_t *end)
{
	struct scan sc = {(const unsigned char *)text, len, 0, 0, 0, 0};
	sc.start = skip_space(sc.s, len, *pos);
	if (sc.start >= len) {
		*pos = len;
		return 0;
	}
	size_t cut = find_cut(&sc), n;
	*pos = cut;
	while (cut > sc.start && (n = space_before(sc.s, sc.start, cut)) > 0)
		cut -= n;
	*start = sc.start;
	*end = cut;
	return 1;
}

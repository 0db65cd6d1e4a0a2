/*
 * extract.h — text to IR: decode & normalize, metadata header, paragraphs,
 * sentences, words, and the annotation stages.
 */
#ifndef Q_EXTRACT_H
#define Q_EXTRACT_H

#include <stddef.h>

#include "ir/ir.h"
#include "util/util.h"

/* Input larger than this is refused unless --max-size raises it. */
#define Q_MAX_INPUT_DEFAULT ((size_t)64 << 20)
/* Offsets are kept in 32 bits inside a document. */
#define Q_MAX_INPUT_LIMIT (((size_t)1 << 31) - 1)

struct q_extract_opts {
	const char *reference_date; /* "YYYY-MM-DD" from --date, or NULL */
	int lossy;		    /* replace bad bytes instead of failing */
};

/*
 * The whole pipeline: raw bytes of the input called `name` (shown in
 * errors and kept as source.name) to a complete document.  doc must be
 * initialised; on failure it holds a partial document to release.
 */
int q_extract(const char *name, const char *raw, size_t len,
	      const struct q_extract_opts *opts, struct q_doc *doc,
	      struct q_error *err);

/* ---- the stages, in pipeline order ------------------------------------ */

struct q_decoded {
	const char *text; /* in the document's arena, NUL-terminated */
	size_t len;
};

/* Decodes raw into normalized UTF-8 text and fills doc->source (but name). */
int q_decode(struct q_doc *doc, const char *raw, size_t len, int lossy,
	     const char *file, struct q_decoded *out, struct q_error *err);

/*
 * Reads an optional metadata header at the start of text — YAML front
 * matter between "---" lines, or leading "Key: value" lines — into
 * doc->meta and sets *consumed to the bytes it spans (0 when none).
 */
int q_header_read(struct q_doc *doc, const char *text, size_t len,
		  const char *file, size_t *consumed, struct q_error *err);

/* Splits doc->text into paragraphs and gives each its kind; fills the
 * metadata the layout reveals (title, authors, section, date, place). */
int q_paragraphs_build(struct q_doc *doc, struct q_error *err);

/*
 * Annotation, after the sentences: each stage fills arrays of the document
 * from its text, paragraphs and sentences (and the stages before it), in
 * time linear in the text.  Offsets are set in bytes and code points.
 */
int q_entities_build(struct q_doc *doc, struct q_error *err);	/* entities, acronyms */
int q_timexes_build(struct q_doc *doc, struct q_error *err);	/* timexes */
int q_numbers_build(struct q_doc *doc, struct q_error *err);	/* numbers: after timexes */
/* Both, over one tokenization of the text (what the pipeline runs). */
int q_timexes_numbers_build(struct q_doc *doc, struct q_error *err);
int q_quotes_build(struct q_doc *doc, struct q_error *err);	/* quotes: after entities */
int q_enumerations_build(struct q_doc *doc, struct q_error *err); /* enumerations */
int q_keyphrases_build(struct q_doc *doc, struct q_error *err);	/* keyphrases */

/* ---- the words of names (name_tokens.c) ------------------------------- */

/*
 * Words, numbers and punctuation of a stretch of text, cut the way names
 * need (tokens.c cuts the way dates and numbers need: "U.S." there is
 * letters and periods, here one word).  A word keeps internal apostrophes ("O'Brien", "don't") but not a
 * possessive ("Korea’s" is "Korea" + "’s"); a hyphen between two words is
 * a token of its own ("South Korea-U.S." is South, Korea, -, U.S.), so
 * that names can be told apart; an initial keeps its period ("J."), and
 * so do dotted abbreviations ("U.S.", "D.C.", "e.g.").  Addresses, file
 * names and decimals stay whole ("www.example.com", "a_b.doc", "3.5").
 */
enum q_name_token_kind { Q_NTOK_WORD, Q_NTOK_NUMBER, Q_NTOK_PUNCT };

#define Q_TOKF_SPACE 0x0001   /* whitespace (or the start) before it */
#define Q_TOKF_CAP 0x0002     /* first letter a capital: "Korea", "U.S." */
#define Q_TOKF_LOWER 0x0004   /* first letter lowercase */
#define Q_TOKF_ALLCAPS 0x0008 /* two letters or more, none lowercase */
#define Q_TOKF_MIXED 0x0010   /* a capital after a lowercase letter: "iPhone" */
#define Q_TOKF_DIGIT 0x0020   /* contains a digit */
#define Q_TOKF_DOTTED 0x0040  /* letters with periods: "U.S.", "e.g." */
#define Q_TOKF_INITIAL 0x0080 /* one capital and a period: "J." */
#define Q_TOKF_POSS 0x0100    /* possessive: "'s", "’s", or "’" after an s */
#define Q_TOKF_HYPHEN 0x0200  /* a hyphen between two words, no spaces */
#define Q_TOKF_OPEN 0x0400    /* opening quote or bracket */
#define Q_TOKF_CLOSE 0x0800   /* closing quote or bracket */
#define Q_TOKF_DASH 0x1000    /* dash: "–", "—", or "-" between spaces */
#define Q_TOKF_NEWLINE 0x2000 /* a line break before it */
#define Q_TOKF_ADDRESS 0x4000 /* an address or file name: "a@b.org", "x_y.doc" */

struct q_name_token {
	uint32_t start, end; /* bytes into the text scanned */
	uint16_t flags;	     /* Q_TOKF_… */
	uint8_t kind;	     /* enum q_name_token_kind */
	uint8_t letters;     /* letters in it, at most 255 */
};

/* A growable array of tokens in an arena: reset count to reuse it. */
struct q_name_tokens {
	struct q_name_token *items;
	size_t count, cap;
};

/* Appends the tokens of text[start, end) (valid UTF-8) to out; offsets are
 * into text.  Linear, no allocation but the array's growth.  0 or Q_ENOMEM. */
int q_name_tokens_scan(struct q_arena *a, const char *text, size_t start,
		  size_t end, struct q_name_tokens *out);

/* ---- gazetteers (gazetteer.c) -------------------------------------------- */

/* The files of data/gazetteers/, built into the binary. */
extern const struct q_embedded q_gazetteer_files[];

/* What a word is, looked up without regard to case (q_gaz_word). */
#define Q_GW_COMMON 0x00000001u	      /* a common English word */
#define Q_GW_GIVEN 0x00000002u	      /* a given name */
#define Q_GW_SURNAME 0x00000004u      /* a family name */
#define Q_GW_TITLE 0x00000008u	      /* a title before names: "President" */
#define Q_GW_TITLE_OF 0x00000010u     /* … that takes "of": "Secretary of …" */
#define Q_GW_ABBREV 0x00000020u	      /* written with a period: "Gen.", "Inc." */
#define Q_GW_ORG 0x00000040u	      /* head of an organisation: "Ministry" */
#define Q_GW_EVENT 0x00000080u	      /* head of an event: "Summit" */
#define Q_GW_LAW 0x00000100u	      /* head of a law or document: "Treaty" */
#define Q_GW_LOC 0x00000200u	      /* head of a place: "River" */
#define Q_GW_GPE 0x00000400u	      /* head of a political place: "Province" */
#define Q_GW_LOC_PREFIX 0x00000800u   /* "Mount", "Lake" */
#define Q_GW_EVENT_PREFIX 0x00001000u /* "Hurricane", "Operation" */
#define Q_GW_GPE_NOUN 0x00002000u     /* "city" in "the city of …" */
#define Q_GW_TIME 0x00004000u	      /* months, weekdays, holidays */
#define Q_GW_PARTICLE 0x00008000u     /* "van", "de", "bin" */
#define Q_GW_PERSON_AFTER 0x00010000u /* "said", "told", "who" */
#define Q_GW_PERSON_BEFORE 0x00020000u /* "spokeswoman", "actor" */
#define Q_GW_PERSON_OF 0x00040000u    /* "administration", "regime" */
#define Q_GW_LOC_BEFORE 0x00080000u   /* "in", "near" */
#define Q_GW_NOT_NAME 0x00100000u     /* "CEO", "GDP", "TV" */
#define Q_GW_SURNAME_FIRST 0x00200000u /* written first: "Xi" of "Xi Jinping" */
#define Q_GW_ORG_NOUN 0x00400000u     /* "automaker" in "automaker GM", "GM, the automaker" */
#define Q_GW_ORG_POSS 0x00800000u     /* "shares" in "GM's shares" */
#define Q_GW_PERSON_POSS 0x01000000u  /* "wife" in "Smith's wife" */
#define Q_GW_ALONE 0x02000000u	      /* a head naming a body alone: "the Navy" */
#define Q_GW_PERSON_PASSIVE 0x04000000u /* "arrested" in "Smith was arrested" */

/* A name of the gazetteers: its type and the name its entity goes by. */
struct q_gaz_name {
	enum q_entity_type type;
	struct q_str canon;
};

struct q_gazetteer;

/* The gazetteers, parsed once per process; NULL when out of memory. */
const struct q_gazetteer *q_gazetteer(void);
/* The Q_GW_… classes of a word (0 when none), and Q_GW_NAME_TOKENS. */
uint32_t q_gaz_word(const struct q_gazetteer *g, const char *w, size_t n);
/* In what q_gaz_word returns: the most tokens of a gazetteer name that
 * starts with the word (written in any case); 0 when none does. */
#define Q_GW_NAME_TOKENS_SHIFT 27
#define Q_GW_NAME_TOKENS(classes) ((classes) >> Q_GW_NAME_TOKENS_SHIFT)
#define Q_GW_NAME_TOKENS_MAX 31u
/* A name by its key: its tokens joined as q_gaz_key joins them. */
const struct q_gaz_name *q_gaz_name(const struct q_gazetteer *g,
				    const char *key, size_t n);
/*
 * The lookup key of tokens[0..count) of text: their texts joined by one
 * space where space separated them, "’" as "'", and with titlecase set,
 * words in capitals as capitalised words ("WASHINGTON" as "Washington").
 * Returns its length, or 0 when it does not fit in cap bytes.
 */
size_t q_gaz_key(const char *text, const struct q_name_token *tokens, size_t count,
		 int titlecase, char *out, size_t cap);
/* The same, and in ends[k] the length of the key of tokens[0..k] (a
 * prefix of the whole key), 0 past what fits. */
size_t q_gaz_key_ends(const char *text, const struct q_name_token *tokens, size_t count,
		      int titlecase, char *out, size_t cap, size_t *ends);

/* ---- acronyms (acronyms.c) ---------------------------------------------- */

/* Shaped like a short form: 2–10 ASCII letters, two or more of them
 * capitals, the first one too; a plural s allowed ("NGOs", "DoD"). */
int q_acronym_short_ok(const char *s, size_t n);
/*
 * The long form of the short form sf among tokens[0..count) of text, which
 * it must end: the index of its first token, or (size_t)-1 when none
 * spells sf.  With whole set it must also start at tokens[0] (the
 * parenthesis after a short form).  Schwartz–Hearst style, see acronyms.c.
 */
size_t q_acronym_long(const char *text, const struct q_name_token *tokens,
		      size_t count, const char *sf, size_t sfn, int whole);

/*
 * People named in a byline, header or bio: "By Jane Doe and John Smith",
 * "Jane Doe, Senior Fellow", "JANE DOE".  Adds each to doc->meta.authors
 * (or completes the role of one already there).  Returns how many names
 * were found, or -1 when out of memory.
 */
int q_people_add(struct q_doc *doc, const char *s, size_t len);
/* Adds (or completes) one author; role may be null. */
int q_author_add(struct q_doc *doc, struct q_str name, struct q_str role);
/*
 * A closing bio line, "Jong Sup Lee is South Korea's defense minister.":
 * adds the author with the role and returns 1; 0 when s is not one; -1
 * when out of memory.
 */
int q_bio_parse(struct q_doc *doc, const char *s, size_t len);
/* Capitalised words shaped like a personal name (a single word only when
 * allow_single and in capitals, as in a signature "HAMILTON"). */
int q_looks_like_name(const char *s, size_t len, int allow_single);
/* Contains a word of a role or outlet ("minister", "editor", "Press"). */
int q_has_role_word(const char *s, size_t len);

/*
 * Sentence segmentation of one paragraph.  text[0..len) is valid UTF-8;
 * single newlines inside it are hard wraps, not boundaries.  Starting at
 * *pos, finds the next sentence: skips leading whitespace, stores its byte
 * span [*start, *end) with trailing whitespace excluded, advances *pos past
 * it and returns 1; returns 0 when only whitespace remains.  The text is
 * never altered and the whole scan is linear in len.
 */
int q_sentence_next(const char *text, size_t len, size_t *pos, size_t *start,
		    size_t *end);

/*
 * Calendar dates as news copy writes them.  Accepted at the start of s:
 *
 *   March 14, 2023   March 14 2023   Mar. 14, 2023   Sept. 14, 2023
 *   March 14th, 2023   March 01 , 2008   14 March 2023   14th March, 2023
 *   March 2023 (month precision)   2023-03-14   2023/03/14
 *   2023-03-14T10:00:00Z (the time is consumed, only the date is kept)
 *   2023.03.14   3/14/2023   03.14.2023   14.03.2023   03.14.23   3.1.2016
 *   3-14-2023
 *
 * Month names are ASCII, matched without regard to case, full or
 * abbreviated with or without a dot.  Spaces between the parts may include
 * tabs, line breaks and no-break spaces.
 *
 * Numeric order: the first field is the month (US order, as in U.S. press
 * releases) unless it is greater than 12, in which case the order is
 * day.month.  So 03.04.2023 is March 4 and 14.03.2023 is March 14.  A
 * two-digit year YY means 19YY when YY >= 70 and 20YY otherwise (the POSIX
 * strptime %y rule); '-' takes four-digit years only.  A four-digit first
 * field means year-month-day.
 *
 * A date must end where its number ends: it may not be followed by a
 * letter or digit, nor by '.', ',', '/', '-' or ':' and a digit, so
 * "1.5.2023.7" and "2023-03-14abc" are not dates.  Impossible dates
 * (February 30, month 13, year 0) are refused.  Not taken, as too easily
 * mistaken for other numbers or too vague: a bare year, "20230314",
 * "March 14" without a year, "2023-03".
 */
struct q_date {
	int year, month, day; /* day or month 0 when absent ("March 2023") */
};

/*
 * Parses a date at the start of s[0..len) (UTF-8).  On success returns the
 * number of bytes consumed (>0) and fills *d; returns 0 when s does not
 * start with a date, leaving *d alone.  Never reads past len.
 */
size_t q_date_parse(const char *s, size_t len, struct q_date *d);
/*
 * Parses when the whole of s (trimmed of spaces and one trailing '.' or
 * ',') is a date, optionally preceded by a label ("Published:", "Updated",
 * "Date:", "Posted on", …) and then a weekday ("Friday, November 23,
 * 1787.").  The weekday is not checked against the date.  Returns 1/0.
 */
int q_date_parse_line(const char *s, size_t len, struct q_date *d);
/* Writes "YYYY-MM-DD", "YYYY-MM" or "YYYY" into out (at least 11 bytes). */
void q_date_format(const struct q_date *d, char out[11]);
/* 1 when y-m-d is a real calendar date (leap years, month lengths). */
int q_date_valid(int year, int month, int day);

/* ---- words of a sentence, for the time and number annotators ---------- */

/*
 * What a known word can be: bits of q_lexeme.cls.  One word may be several
 * things ("second": an ordinal and a unit of time; "May": a month; "won": a
 * verb of the past and a currency); the grammar of each stage decides.
 */
enum {
	Q_LX_MONTH = 1u << 0,	    /* cal: 1–12 */
	Q_LX_WEEKDAY = 1u << 1,	    /* cal: 1 Monday … 7 Sunday */
	Q_LX_SEASON = 1u << 2,	    /* cal: enum q_season */
	Q_LX_TUNIT = 1u << 3,	    /* cal: enum q_time_unit */
	Q_LX_PLURAL = 1u << 4,	    /* "years", "Fridays", "dozens" */
	Q_LX_CARDINAL = 1u << 5,    /* num: "seven" 7 */
	Q_LX_ORDINAL = 1u << 6,	    /* num: "seventh" 7 */
	Q_LX_SCALE = 1u << 7,	    /* num: a power of ten ("million" 6) */
	Q_LX_FRACTION = 1u << 8,    /* num: a denominator ("third" 3) */
	Q_LX_CURRENCY = 1u << 9,    /* code: ISO 4217 */
	Q_LX_MEASURE = 1u << 10,    /* code: the unit's symbol */
	Q_LX_PAST = 1u << 11,	    /* a verb form of the past ("said") */
	Q_LX_FUTURE = 1u << 12,	    /* a word announcing the future ("will") */
	Q_LX_PREP = 1u << 13,	    /* may introduce a date ("in", "since") */
	Q_LX_APPROX = 1u << 14,	    /* may open an amount ("about", "nearly") */
	Q_LX_DAYPART = 1u << 15,    /* cal: enum q_daypart */
	Q_LX_FREQUENCY = 1u << 16,  /* cal: the time unit of "daily", "annual" */
	Q_LX_ZONE = 1u << 17,	    /* a time zone; code "Z" for UTC */
	Q_LX_SUFFIX = 1u << 18,	    /* glued to a number: "th", "s", "bn" */
	Q_LX_COUNTED = 1u << 19,    /* between a count and its unit ("straight") */
	Q_LX_COPULA = 1u << 20,	    /* "is", "be", "remain": an -ed word after it is no past */
	Q_LX_STRONG = 1u << 21,	    /* a past beyond doubt: "was", "had" */
};

enum q_season { Q_SPRING = 1, Q_SUMMER, Q_FALL, Q_WINTER };
enum q_daypart { Q_MORNING = 1, Q_AFTERNOON, Q_EVENING, Q_NIGHT };
enum q_time_unit {
	Q_SECOND = 1, Q_MINUTE, Q_HOUR, Q_DAY, Q_WEEK, Q_WEEKEND, Q_FORTNIGHT,
	Q_MONTH, Q_QUARTER, Q_YEAR, Q_DECADE, Q_CENTURY
};

/* The words the grammars name one by one (q_lexeme.id). */
enum q_word {
	Q_W_NONE, Q_W_THE, Q_W_A, Q_W_AN, Q_W_OF, Q_W_AND, Q_W_IN, Q_W_ON, Q_W_AT,
	Q_W_BY, Q_W_FOR, Q_W_OVER, Q_W_TO, Q_W_FROM, Q_W_WITHIN, Q_W_THAN,
	Q_W_UP, Q_W_LEAST, Q_W_MORE, Q_W_LESS, Q_W_THIS, Q_W_THAT, Q_W_LAST,
	Q_W_NEXT, Q_W_PAST, Q_W_PREVIOUS, Q_W_COMING, Q_W_FOLLOWING, Q_W_SAME,
	Q_W_EARLY, Q_W_LATE, Q_W_MID, Q_W_EARLIER, Q_W_LATER, Q_W_END,
	Q_W_BEGINNING, Q_W_START, Q_W_MIDDLE, Q_W_AGO, Q_W_EVERY, Q_W_EACH,
	Q_W_PER, Q_W_TODAY, Q_W_TONIGHT, Q_W_TOMORROW, Q_W_YESTERDAY, Q_W_NOW,
	Q_W_CURRENTLY, Q_W_NOWADAYS, Q_W_PRESENT, Q_W_RECENTLY, Q_W_RECENT,
	Q_W_SOON, Q_W_FUTURE, Q_W_NOON, Q_W_MIDNIGHT, Q_W_AM, Q_W_PM,
	Q_W_LETTER_P, Q_W_LETTER_M, Q_W_O, Q_W_CLOCK, Q_W_LOCAL,
	Q_W_TIME, Q_W_TIMES, Q_W_ONCE, Q_W_TWICE, Q_W_THRICE, Q_W_HALF,
	Q_W_DOZEN, Q_W_SEVERAL, Q_W_FEW, Q_W_MANY, Q_W_COUPLE, Q_W_PERCENT,
	Q_W_CENT, Q_W_PCT, Q_W_SQUARE, Q_W_CUBIC, Q_W_BASIS, Q_W_POINT,
	Q_W_PERCENTAGE, Q_W_STERLING, Q_W_FISCAL, Q_W_CHRISTMAS, Q_W_EVE,
	Q_W_NEW, Q_W_HALLOWEEN, Q_W_THANKSGIVING, Q_W_EASTER,
	Q_W_VALENTINE, Q_W_S, Q_W_ONE, Q_W_NO, Q_W_ANOTHER, Q_W_ANY, Q_W_OTHER,
	Q_W_WHICH, Q_W_FIRST, Q_W_TERM, Q_W_LONG,
	Q_W_NEAR, Q_W_SHORT, Q_W_BEING, Q_W_DEGREE, Q_W_CELSIUS,
	Q_W_FAHRENHEIT, Q_W_HOUR, Q_W_MILE, Q_W_KM, Q_W_BE, Q_W_OLD,
	Q_W_Q, Q_W_AS, Q_W_DAY, Q_W_YEAR, Q_W_UNTIL, Q_W_JUST, Q_W_POUND,
	Q_W_ORDINAL_SUFFIX, Q_W_COUNT
};

struct q_lexeme {
	const char *word; /* lowercase ASCII */
	uint16_t id;	  /* enum q_word, or Q_W_NONE */
	uint32_t cls;	  /* Q_LX_* bits */
	int16_t cal;	  /* month, weekday, season, time unit or part of day */
	double num;	  /* value of a number word, power of ten, denominator */
	const char *code; /* ISO 4217 code, unit symbol or zone suffix */
};

/* The lexeme of a word (any case), or NULL when it is not a known word. */
const struct q_lexeme *q_lexicon_find(const char *word, size_t len);

enum q_tok_kind { Q_TOK_WORD = 1, Q_TOK_NUM, Q_TOK_PUNCT };
enum q_tok_case { Q_CASE_LOWER, Q_CASE_TITLE, Q_CASE_UPPER };

/*
 * A token: a word (letters, ASCII or not), a number ("1,500", "2.5"; a
 * glued suffix such as "th" in "54th" is the next token, with no space
 * before it) or one punctuation character.
 */
struct q_tok {
	uint32_t b, e;		   /* bytes [b, e) of the document text */
	uint8_t kind;		   /* enum q_tok_kind */
	uint8_t space;		   /* whitespace comes before it */
	uint8_t ucase;		   /* words: enum q_tok_case, by the first two letters */
	uint8_t digits;		   /* numbers: digits before any point, at most 255 */
	uint8_t grouped;	   /* numbers: written with thousands commas */
	uint8_t decimals;	   /* numbers: digits after the point */
	uint32_t cp;		   /* punctuation: the character */
	uint64_t mant;		   /* numbers: the digits as an integer */
	const struct q_lexeme *lx; /* words: the known word, or NULL */
	uint8_t opens;		   /* Q_OPENS_*: what may start at this token */
};

/* What a token may open (q_tok.opens): most tokens open nothing, and the
 * annotators pass them by without a look. */
enum { Q_OPENS_TIME = 1, Q_OPENS_NUMBER = 2 };

/*
 * Cuts text[*pos, end) into tokens, at most cap of them, and advances *pos
 * past the last one (so a caller can go on in blocks).  Returns the count.
 */
size_t q_tok_scan(const char *text, size_t *pos, size_t end,
		  struct q_tok *out, size_t cap);
/*
 * A reader of tokens: an annotator's state (ctx, from malloc) and what it
 * does with each block of tokens of a sentence.  q_tok_read tokenizes the
 * sentences of a document once, in text order, and hands every block to
 * each reader in turn, so annotators share one tokenization.
 */
struct q_tok_reader {
	int (*block)(void *ctx, size_t sentence, const struct q_tok *t, size_t n,
		     struct q_error *err);
	void *ctx;
};
int q_tok_read(struct q_doc *doc, struct q_tok_reader *readers, size_t count,
	       struct q_error *err);
/* The readers of the time and number annotators; 0 or Q_ENOMEM.  The
 * number reader must come after the time reader (it skips dates). */
int q_timex_reader(struct q_doc *doc, struct q_tok_reader *r);
int q_numbers_reader(struct q_doc *doc, struct q_tok_reader *r);
/* The value of a number token ("1,500" 1500, "2.5" 2.5) times 10^power,
 * rounded once. */
double q_tok_value(const struct q_tok *t, int power);
/* Whether token t is the word w / has a bit of cls. */
static inline int q_tok_is(const struct q_tok *t, enum q_word w)
{
	return t->lx && t->lx->id == w;
}
static inline int q_tok_has(const struct q_tok *t, uint32_t cls)
{
	return t->lx && (t->lx->cls & cls);
}

/*
 * A number written in digits or words at tokens[i]: "1.3 million", "40bn",
 * "twenty-five", "two hundred and fifty thousand", "three dozen", "a
 * dozen", "two and a half".  A lone "a"/"an" is no number.  Returns the
 * index past it (0 when none) and its value.
 */
size_t q_number_phrase(const struct q_tok *t, size_t n, size_t i,
		       double *value);

/* ---- the calendar, for resolving time expressions --------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
long q_cal_days(int y, int m, int d);
void q_cal_from_days(long days, int *y, int *m, int *d);
/* 1 Monday … 7 Sunday. */
int q_cal_weekday(long days);
/* The ISO 8601 week (and its year) of a day. */
void q_cal_iso_week(long days, int *year, int *week);
/* The day of the Monday of ISO week w of year y. */
long q_cal_iso_monday(int y, int w);

#endif

/*
 * extract.h — text to IR: decode & normalize, metadata header, paragraphs,
 * sentences, words.
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
int q_numbers_build(struct q_doc *doc, struct q_error *err);	/* numbers */
int q_quotes_build(struct q_doc *doc, struct q_error *err);	/* quotes: after entities */
int q_enumerations_build(struct q_doc *doc, struct q_error *err); /* enumerations */
int q_keyphrases_build(struct q_doc *doc, struct q_error *err);	/* keyphrases */

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

#endif

/*
 * extract.h — text to IR: decode & normalize, metadata header, paragraphs,
 * sentences, words.
 */
#ifndef Q_EXTRACT_H
#define Q_EXTRACT_H

#include <stddef.h>

#include "util/util.h"

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

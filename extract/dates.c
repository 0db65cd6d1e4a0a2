/*
 * dates.c — calendar dates in the forms news copy writes them, to ISO.
 *
 * Only ASCII helpers: <ctype.h> and strptime depend on the locale, and a
 * date must read the same on every machine.  Every index is checked
 * against len before it is read; the text is not NUL-terminated.
 */
#include "extract/extract.h"

#include <string.h>

/*
 * Spaces allowed between two parts of a date, in bytes.  A caller may try
 * every offset of a text, so no single attempt may scan far.
 */
#define DATE_GAP_MAX 16
/* Digits counted in one run: enough to tell a year from a longer number. */
#define DATE_DIGITS_MAX 5

struct date_name {
	const char *text; /* lowercase ASCII */
	int value;
	int abbrev; /* may take a dot */
};

static const struct date_name months[] = {
	{"january", 1, 0},   {"february", 2, 0}, {"march", 3, 0},
	{"april", 4, 0},     {"may", 5, 0},      {"june", 6, 0},
	{"july", 7, 0},      {"august", 8, 0},   {"september", 9, 0},
	{"october", 10, 0},  {"november", 11, 0}, {"december", 12, 0},
	{"jan", 1, 1},       {"feb", 2, 1},      {"mar", 3, 1},
	{"apr", 4, 1},       {"jun", 6, 1},      {"jul", 7, 1},
	{"aug", 8, 1},       {"sep", 9, 1},      {"sept", 9, 1},
	{"oct", 10, 1},      {"nov", 11, 1},     {"dec", 12, 1},
};

static const struct date_name weekdays[] = {
	{"monday", 1, 0},  {"tuesday", 2, 0},  {"wednesday", 3, 0},
	{"thursday", 4, 0}, {"friday", 5, 0},  {"saturday", 6, 0},
	{"sunday", 7, 0},  {"mon", 1, 1},      {"tue", 2, 1},
	{"tues", 2, 1},    {"wed", 3, 1},      {"thu", 4, 1},
	{"thur", 4, 1},    {"thurs", 4, 1},    {"fri", 5, 1},
	{"sat", 6, 1},     {"sun", 7, 1},
};

/* Longer phrases first, so "posted on" wins over "posted". */
static const char *const labels[] = {
	"last updated on", "last updated", "published on", "published",
	"updated on",      "updated",      "posted on",    "posted",
	"released on",     "released",     "dated",        "date",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static unsigned char at(const char *s, size_t i)
{
	return (unsigned char)s[i];
}

/* Width in bytes of the space at s[i], or 0: ASCII blanks, U+00A0,
 * U+2000–U+200A and U+202F (the spaces typesetters put inside dates). */
static size_t space_width(const char *s, size_t len, size_t i)
{
	if (i >= len)
		return 0;
	unsigned char c = at(s, i);
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		return 1;
	if (c == 0xC2 && i + 1 < len && at(s, i + 1) == 0xA0)
		return 2;
	if (c == 0xE2 && i + 2 < len && at(s, i + 1) == 0x80 &&
	    (at(s, i + 2) <= 0x8A || at(s, i + 2) == 0xAF))
		return 3;
	return 0;
}

static size_t skip_space(const char *s, size_t len, size_t i)
{
	size_t start = i, w;
	while (i - start < DATE_GAP_MAX && (w = space_width(s, len, i)) > 0)
		i += w;
	return i;
}

/*
 * 1 when s[i] starts a letter or digit, so that a date ending before it
 * would cut a word.  Beyond ASCII, Latin-1 punctuation and the General
 * and CJK punctuation blocks (dashes, quotes, spaces) are not word
 * characters; everything else decodable counts as a letter.
 */
static int word_at(const char *s, size_t len, size_t i)
{
	if (i >= len)
		return 0;
	unsigned char c = at(s, i);
	if (c < 0x80)
		return is_digit(c) || is_alpha(c);
	uint32_t cp;
	if (q_utf8_decode((const unsigned char *)s + i, len - i, &cp) == 0)
		return 0;
	if (cp <= 0xBF || (cp >= 0x2000 && cp <= 0x206F) ||
	    (cp >= 0x3000 && cp <= 0x303F) || cp == 0xFEFF)
		return 0;
	return 1;
}

/* Length of the digit run at s[i] (at most DATE_DIGITS_MAX) and its value. */
static size_t digits(const char *s, size_t len, size_t i, int *value)
{
	size_t n = 0;
	int v = 0;
	while (n < DATE_DIGITS_MAX && i + n < len && is_digit(at(s, i + n))) {
		v = v * 10 + (at(s, i + n) - '0');
		n++;
	}
	*value = v;
	return n;
}

/*
 * A number that ends at s[i] ends there for good: no letter or digit
 * follows, nor a separator and a digit ("1.5.2023.7", "2023-24").
 */
static int number_ends(const char *s, size_t len, size_t i)
{
	if (i >= len)
		return 1;
	if (word_at(s, len, i))
		return 0;
	unsigned char c = at(s, i);
	if ((c == '.' || c == ',' || c == '/' || c == '-' || c == ':') &&
	    i + 1 < len && is_digit(at(s, i + 1)))
		return 0;
	return 1;
}

/*
 * Matches a whole word of tab at s[i] (an abbreviation may take a dot).
 * Returns the end, or 0; *value and *dotted tell which and how.
 */
static size_t match_name(const char *s, size_t len, size_t i,
			 const struct date_name *tab, size_t count, int *value,
			 int *dotted)
{
	size_t n = 0;
	/* The longest names are nine letters; a tenth means no match. */
	while (n < 10 && i + n < len && is_alpha(at(s, i + n)))
		n++;
	if (n == 0 || n > 9 || word_at(s, len, i + n))
		return 0;
	for (size_t k = 0; k < count; k++) {
		if (strlen(tab[k].text) != n)
			continue;
		size_t j = 0;
		while (j < n && lower(at(s, i + j)) == (unsigned char)tab[k].text[j])
			j++;
		if (j < n)
			continue;
		*value = tab[k].value;
		*dotted = 0;
		if (tab[k].abbrev && i + n < len && s[i + n] == '.') {
			*dotted = 1;
			return i + n + 1;
		}
		return i + n;
	}
	return 0;
}

/* Skips "st", "nd", "rd" or "th" after a day number. */
static size_t skip_ordinal(const char *s, size_t len, size_t i)
{
	static const char suffixes[4][3] = {"st", "nd", "rd", "th"};
	if (i + 2 > len)
		return i;
	for (size_t k = 0; k < 4; k++)
		if (lower(at(s, i)) == (unsigned char)suffixes[k][0] &&
		    lower(at(s, i + 1)) == (unsigned char)suffixes[k][1] &&
		    !word_at(s, len, i + 2))
			return i + 2;
	return i;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int q_date_valid(int year, int month, int day)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};
	if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
		return 0;
	int last = mdays[month - 1] + (month == 2 && is_leap(year));
	return day <= last;
}

/* Like q_date_valid, with day 0 standing for a month-precision date. */
static int valid_or_month(int year, int month, int day)
{
	return day == 0 ? q_date_valid(year, month, 1)
			: q_date_valid(year, month, day);
}

/* After a day and its ordinal: the gap and optional comma before a year,
 * and the four-digit year itself.  Returns the end, or 0. */
static size_t year_after(const char *s, size_t len, size_t i, int allow_bare,
			 int *year)
{
	size_t k = skip_space(s, len, i);
	if (k < len && s[k] == ',')
		k = skip_space(s, len, k + 1);
	if (k == i && !allow_bare)
		return 0;
	if (digits(s, len, k, year) != 4 || !number_ends(s, len, k + 4))
		return 0;
	return k + 4;
}

/* "March 14, 2023", "Mar. 14th 2023", "March 2023". */
static size_t month_first(const char *s, size_t len, struct q_date *r)
{
	int month, dotted, v;
	size_t e = match_name(s, len, 0, months, COUNT(months), &month,
			      &dotted);
	if (e == 0)
		return 0;
	size_t k = skip_space(s, len, e);
	int comma = 0;
	if (k < len && s[k] == ',') {
		comma = 1;
		k = skip_space(s, len, k + 1);
	}
	if (k == e && !dotted)
		return 0;
	size_t n = digits(s, len, k, &v);
	if (n == 4) {
		if (!number_ends(s, len, k + 4) || !valid_or_month(v, month, 0))
			return 0;
		*r = (struct q_date){v, month, 0};
		return k + 4;
	}
	if (n < 1 || n > 2 || comma)
		return 0;
	int day = v, year;
	size_t p = skip_ordinal(s, len, k + n);
	if (word_at(s, len, p))
		return 0;
	size_t end = year_after(s, len, p, 0, &year);
	if (end == 0 || !q_date_valid(year, month, day))
		return 0;
	*r = (struct q_date){year, month, day};
	return end;
}

/* "14 March 2023", "14th Mar., 2023". */
static size_t day_first(const char *s, size_t len, struct q_date *r)
{
	int day, month, dotted, year;
	size_t n = digits(s, len, 0, &day);
	if (n < 1 || n > 2)
		return 0;
	size_t p = skip_ordinal(s, len, n);
	if (word_at(s, len, p))
		return 0;
	size_t k = skip_space(s, len, p);
	if (k == p)
		return 0;
	size_t e = match_name(s, len, k, months, COUNT(months), &month,
			      &dotted);
	if (e == 0)
		return 0;
	size_t end = year_after(s, len, e, dotted, &year);
	if (end == 0 || !q_date_valid(year, month, day))
		return 0;
	*r = (struct q_date){year, month, day};
	return end;
}

/* Two digits in [0, max] at s[i], or -1. */
static int two_digits(const char *s, size_t len, size_t i, int max)
{
	int v;
	if (i + 2 > len || !is_digit(at(s, i)) || !is_digit(at(s, i + 1)))
		return -1;
	v = (at(s, i) - '0') * 10 + (at(s, i + 1) - '0');
	return v <= max ? v : -1;
}

/* The time after an ISO date's 'T': hh:mm[:ss[.fff]][Z|±hh[:mm]].
 * Returns its end, or 0.  The time is checked but not kept. */
static size_t iso_time(const char *s, size_t len, size_t i)
{
	if (two_digits(s, len, i, 24) < 0 || i + 2 >= len || s[i + 2] != ':' ||
	    two_digits(s, len, i + 3, 59) < 0)
		return 0;
	i += 5;
	if (i < len && s[i] == ':') {
		if (two_digits(s, len, i + 1, 60) < 0)
			return 0;
		i += 3;
		if (i + 1 < len && (s[i] == '.' || s[i] == ',') &&
		    is_digit(at(s, i + 1))) {
			i++;
			while (i < len && is_digit(at(s, i)))
				i++;
		}
	}
	if (i < len && (s[i] == 'Z' || s[i] == 'z'))
		return i + 1;
	if (i < len && (s[i] == '+' || s[i] == '-')) {
		if (two_digits(s, len, i + 1, 23) < 0)
			return 0;
		i += 3;
		if (i < len && s[i] == ':') {
			if (two_digits(s, len, i + 1, 59) < 0)
				return 0;
			i += 3;
		} else if (two_digits(s, len, i, 59) >= 0) {
			i += 2;
		}
	}
	return i;
}

/* "2023-03-14", "2023/03/14", "2023-03-14T10:00:00Z", "3/14/2023",
 * "14.03.2023", "03.14.23". */
static size_t numeric(const char *s, size_t len, struct q_date *r)
{
	int a, b, c;
	size_t n1 = digits(s, len, 0, &a);
	if (n1 >= len)
		return 0;
	char sep = s[n1];
	if (sep != '-' && sep != '/' && sep != '.')
		return 0;
	size_t n2 = digits(s, len, n1 + 1, &b);
	size_t p = n1 + 1 + n2;
	if (n2 < 1 || n2 > 2 || p >= len || s[p] != sep)
		return 0;
	size_t n3 = digits(s, len, p + 1, &c);
	p += 1 + n3;
	struct q_date t;
	if (n1 == 4) {
		if (n3 < 1 || n3 > 2)
			return 0;
		t = (struct q_date){a, b, c};
		if (p + 1 < len && (s[p] == 'T' || s[p] == 't') &&
		    is_digit(at(s, p + 1))) {
			p = iso_time(s, len, p + 1);
			if (p == 0)
				return 0;
		}
	} else if (n1 <= 2) {
		if (n3 == 2 && sep != '-')
			c += c >= 70 ? 1900 : 2000;
		else if (n3 != 4)
			return 0;
		/* US order unless the first field cannot be a month. */
		t = a > 12 ? (struct q_date){c, b, a} : (struct q_date){c, a, b};
	} else {
		return 0;
	}
	if (!number_ends(s, len, p) || !q_date_valid(t.year, t.month, t.day))
		return 0;
	*r = t;
	return p;
}

size_t q_date_parse(const char *s, size_t len, struct q_date *d)
{
	struct q_date r = {0, 0, 0};
	size_t n = 0;
	if (s == NULL || len == 0)
		return 0;
	if (is_digit(at(s, 0))) {
		n = numeric(s, len, &r);
		if (n == 0)
			n = day_first(s, len, &r);
	} else if (is_alpha(at(s, 0))) {
		n = month_first(s, len, &r);
	}
	if (n > 0)
		*d = r;
	return n;
}

/* Matches a label phrase at s[i] (a space in it stands for a gap);
 * returns the end or 0. */
static size_t match_phrase(const char *s, size_t len, size_t i,
			   const char *phrase)
{
	for (; *phrase; phrase++) {
		if (*phrase == ' ') {
			size_t k = skip_space(s, len, i);
			if (k == i)
				return 0;
			i = k;
		} else if (i >= len || lower(at(s, i)) != (unsigned char)*phrase) {
			return 0;
		} else {
			i++;
		}
	}
	return word_at(s, len, i) ? 0 : i;
}

/* Skips a label and its colon, if there is one. */
static size_t skip_label(const char *s, size_t len, size_t i)
{
	for (size_t k = 0; k < COUNT(labels); k++) {
		size_t e = match_phrase(s, len, i, labels[k]);
		if (e == 0)
			continue;
		size_t p = skip_space(s, len, e);
		if (p < len && s[p] == ':')
			p = skip_space(s, len, p + 1);
		return p > e ? p : i;
	}
	return i;
}

/* Skips "Friday, " or "Fri. " if there is one. */
static size_t skip_weekday(const char *s, size_t len, size_t i)
{
	int value, dotted;
	size_t e = match_name(s, len, i, weekdays, COUNT(weekdays), &value,
			      &dotted);
	if (e == 0)
		return i;
	size_t p = skip_space(s, len, e);
	if (p < len && s[p] == ',')
		p = skip_space(s, len, p + 1);
	return p > e ? p : i;
}

/* Width of the space that ends at s[e], or 0. */
static size_t space_before(const char *s, size_t e)
{
	for (size_t w = 1; w <= 3 && w <= e; w++)
		if (space_width(s, e, e - w) == w)
			return w;
	return 0;
}

int q_date_parse_line(const char *s, size_t len, struct q_date *d)
{
	size_t b = 0, e = len, w;
	struct q_date r = {0, 0, 0};
	if (s == NULL)
		return 0;
	while ((w = space_width(s, e, b)) > 0)
		b += w;
	while (e > b && (w = space_before(s, e)) > 0)
		e -= w;
	if (e > b && (s[e - 1] == '.' || s[e - 1] == ','))
		e--;
	while (e > b && (w = space_before(s, e)) > 0)
		e -= w;
	b = skip_label(s, e, b);
	b = skip_weekday(s, e, b);
	size_t n = q_date_parse(s + b, e - b, &r);
	if (n == 0 || b + n != e)
		return 0;
	*d = r;
	return 1;
}

/* Writes v as exactly n decimal digits, clamped to what fits. */
static void put_digits(char *out, int v, int n)
{
	int max = n == 4 ? 9999 : 99;
	if (v < 0)
		v = 0;
	if (v > max)
		v = max;
	for (int i = n - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void q_date_format(const struct q_date *d, char out[11])
{
	put_digits(out, d->year, 4);
	if (d->month == 0) {
		out[4] = '\0';
		return;
	}
	out[4] = '-';
	put_digits(out + 5, d->month, 2);
	if (d->day == 0) {
		out[7] = '\0';
		return;
	}
	out[7] = '-';
	put_digits(out + 8, d->day, 2);
	out[10] = '\0';
}

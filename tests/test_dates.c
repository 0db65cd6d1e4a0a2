/* test_dates.c — extract/dates.c: forms, rejections, the numeric order,
 * label lines, bytes consumed and no read past the end. */
#include <stdlib.h>
#include <string.h>

#include "extract/extract.h"
#include "tests/check.h"

/* One case: the input, its ISO form (NULL when not a date) and the bytes
 * it should take (0 meaning "all of it"). */
struct parse_case {
	const char *in;
	const char *iso;
	size_t used;
};

static const struct parse_case parses[] = {
	/* month first */
	{"March 14, 2023", "2023-03-14", 0},
	{"March 14 2023", "2023-03-14", 0},
	{"Mar. 14, 2023", "2023-03-14", 0},
	{"Mar 14, 2023", "2023-03-14", 0},
	{"Mar.14, 2023", "2023-03-14", 0},
	{"march 14, 2023", "2023-03-14", 0},
	{"MARCH 14, 2023", "2023-03-14", 0},
	{"Sept. 9, 2001", "2001-09-09", 0},
	{"Sept 9, 2001", "2001-09-09", 0},
	{"Sep. 9, 2001", "2001-09-09", 0},
	{"September 9, 2001", "2001-09-09", 0},
	{"Jan. 1, 2000", "2000-01-01", 0},
	{"Feb 28, 1999", "1999-02-28", 0},
	{"Apr. 30, 2020", "2020-04-30", 0},
	{"May 5, 2021", "2021-05-05", 0},
	{"June 6, 1944", "1944-06-06", 0},
	{"Jun. 6, 1944", "1944-06-06", 0},
	{"July 4, 1776", "1776-07-04", 0},
	{"Aug. 15, 1947", "1947-08-15", 0},
	{"Oct. 31, 1517", "1517-10-31", 0},
	{"Nov. 9, 1989", "1989-11-09", 0},
	{"December 25, 2022", "2022-12-25", 0},
	{"Dec. 7, 1941", "1941-12-07", 0},
	{"March 14th, 2023", "2023-03-14", 0},
	{"March 1st, 2023", "2023-03-01", 0},
	{"March 2nd 2023", "2023-03-02", 0},
	{"March 3rd, 2023", "2023-03-03", 0},
	{"March 01 , 2008", "2008-03-01", 0},
	{"March 14,2023", "2023-03-14", 0},
	{"March\t14,\n2023", "2023-03-14", 0},
	{"March\xC2\xA0" "14,\xC2\xA0" "2023", "2023-03-14", 0},
	/* month precision */
	{"March 2023", "2023-03", 0},
	{"Mar. 2023", "2023-03", 0},
	{"March, 2023", "2023-03", 0},
	{"sept 1999", "1999-09", 0},
	/* day first */
	{"14 March 2023", "2023-03-14", 0},
	{"14 March, 2023", "2023-03-14", 0},
	{"14th March, 2023", "2023-03-14", 0},
	{"1st Jan. 2000", "2000-01-01", 0},
	{"14 Mar. 2023", "2023-03-14", 0},
	{"02 February 2024", "2024-02-02", 0},
	/* ISO and year first */
	{"2023-03-14", "2023-03-14", 0},
	{"2023/03/14", "2023-03-14", 0},
	{"2023.03.14", "2023-03-14", 0},
	{"2023-3-4", "2023-03-04", 0},
	{"2023-03-14T10:00:00Z", "2023-03-14", 0},
	{"2023-03-14T10:00", "2023-03-14", 0},
	{"2023-03-14T10:00:00.123+05:30", "2023-03-14", 0},
	{"2023-03-14T23:59:60-0800", "2023-03-14", 0},
	/* numeric, the order rule both ways */
	{"03.14.2023", "2023-03-14", 0},
	{"14.03.2023", "2023-03-14", 0},
	{"3/14/2023", "2023-03-14", 0},
	{"14/3/2023", "2023-03-14", 0},
	{"03.04.2023", "2023-03-04", 0},
	{"03/04/2023", "2023-03-04", 0},
	{"12.11.2023", "2023-12-11", 0},
	{"13.12.2023", "2023-12-13", 0},
	{"03.14.23", "2023-03-14", 0},
	{"3.1.2016", "2016-03-01", 0},
	{"3-14-2023", "2023-03-14", 0},
	{"31-12-1999", "1999-12-31", 0},
	/* two-digit years: 70 and above are 19YY */
	{"1/1/70", "1970-01-01", 0},
	{"1/1/69", "2069-01-01", 0},
	{"12/31/99", "1999-12-31", 0},
	{"1/1/00", "2000-01-01", 0},
	/* leap years */
	{"Feb. 29, 2024", "2024-02-29", 0},
	{"Feb. 29, 2000", "2000-02-29", 0},
	{"2/29/2024", "2024-02-29", 0},
	{"29.02.2024", "2024-02-29", 0},
	/* bytes consumed: the date and nothing after it */
	{"March 14, 2023, the board said", "2023-03-14", 14},
	{"March 14, 2023.", "2023-03-14", 14},
	{"March 2023 was wet", "2023-03", 10},
	{"14.03.2023.", "2023-03-14", 10},
	{"3.1.2016, when", "2016-03-01", 8},
	{"2023-03-14 10:00", "2023-03-14", 10},
	{"2023-03-14T10:00:00Z.", "2023-03-14", 20},
	{"2023-03-14)", "2023-03-14", 10},
	{"March 14, 2023\xE2\x80\x94the day", "2023-03-14", 14},
	{"March 14, 2023\xE2\x80\x9D", "2023-03-14", 14},
	{"Jan. 5, 2021; then", "2021-01-05", 12},
	{"March 2023-ish", "2023-03", 10},
	/* not dates */
	{"", NULL, 0},
	{"March", NULL, 0},
	{"March 14", NULL, 0},
	{"March 14, the", NULL, 0},
	{"March 14 , ", NULL, 0},
	{"Marching 14, 2023", NULL, 0},
	{"Mar14, 2023", NULL, 0},
	{"Marc 14, 2023", NULL, 0},
	{"March. 14, 2023", NULL, 0},
	{"March, 14 2023", NULL, 0},
	{"March 14, 23", NULL, 0},
	{"March 14, 20234", NULL, 0},
	{"March 14, 2023abc", NULL, 0},
	{"March 14x, 2023", NULL, 0},
	{"March 14thx, 2023", NULL, 0},
	{"March 123, 2023", NULL, 0},
	{"March 2023-24", NULL, 0},
	{"March 2023\xC3\xA9", NULL, 0},
	{"Febuary 3, 2023", NULL, 0},
	{"Feb. 30, 2023", NULL, 0},
	{"Feb. 29, 2023", NULL, 0},
	{"Feb. 29, 1900", NULL, 0},
	{"April 31, 2023", NULL, 0},
	{"March 0, 2023", NULL, 0},
	{"March 32, 2023", NULL, 0},
	{"March 0000", NULL, 0},
	{"March 14, 0000", NULL, 0},
	{"14 March", NULL, 0},
	{"14March 2023", NULL, 0},
	{"14 Marchy 2023", NULL, 0},
	{"2023-02-30", NULL, 0},
	{"2023-13-01", NULL, 0},
	{"2023-00-10", NULL, 0},
	{"0000-01-01", NULL, 0},
	{"2023-03-14abc", NULL, 0},
	{"2023-03-14-5", NULL, 0},
	{"2023-03-145", NULL, 0},
	{"2023-03/14", NULL, 0},
	{"2023-03", NULL, 0},
	{"2023", NULL, 0},
	{"20230314", NULL, 0},
	{"2023-03-14T", NULL, 0},
	{"2023-03-14T25:00", NULL, 0},
	{"2023-03-14T10", NULL, 0},
	{"2023-03-14T10:00+", NULL, 0},
	{"13.13.2023", NULL, 0},
	{"0.3.2023", NULL, 0},
	{"2/30/2024", NULL, 0},
	{"30.02.2024", NULL, 0},
	{"1.5.2023.7", NULL, 0},
	{"1.5.2023,7", NULL, 0},
	{"1/5/2023/7", NULL, 0},
	{"12.3 percent", NULL, 0},
	{"12.3.4", NULL, 0},
	{"1.2.345", NULL, 0},
	{"1.2.20234", NULL, 0},
	{"123.4.2023", NULL, 0},
	{"3.14.2023x", NULL, 0},
	{"3-14-23", NULL, 0},
	{"3.14/2023", NULL, 0},
	{"14 2023", NULL, 0},
	{" March 14, 2023", NULL, 0},
	{"Friday, March 14, 2023", NULL, 0},
	{"$3.14.2023", NULL, 0},
};

/* A case name fit for one protocol line: controls and non-ASCII escaped. */
static void case_name(char *out, size_t size, const char *kind,
		      const char *in)
{
	size_t n = (size_t)snprintf(out, size, "%s '", kind);
	for (; *in && n + 6 < size; in++) {
		unsigned char c = (unsigned char)*in;
		if (c >= 0x20 && c < 0x7f)
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, size - n, "\\x%02X", c);
	}
	snprintf(out + n, size - n, "'");
}

static void test_parses(void)
{
	char name[160];
	for (size_t k = 0; k < sizeof(parses) / sizeof(parses[0]); k++) {
		const struct parse_case *c = &parses[k];
		size_t len = strlen(c->in);
		struct q_date d = {-1, -1, -1};
		size_t n = q_date_parse(c->in, len, &d);
		case_name(name, sizeof name, "parse", c->in);
		if (c->iso == NULL) {
			CHECK(name, n == 0 && d.year == -1);
			continue;
		}
		char iso[11];
		size_t want = c->used ? c->used : len;
		if (n == 0) {
			printf("FAIL %s: not parsed\n", name);
			check_failures++;
			continue;
		}
		q_date_format(&d, iso);
		if (n != want || strcmp(iso, c->iso) != 0) {
			printf("FAIL %s: got %s in %zu bytes, want %s in %zu\n",
			       name, iso, n, c->iso, want);
			check_failures++;
			continue;
		}
		printf("PASS %s\n", name);
	}
}

struct line_case {
	const char *in;
	const char *iso; /* NULL: not a date line */
};

static const struct line_case lines[] = {
	{"Friday, November 23, 1787.", "1787-11-23"},
	{"Fri., Nov. 23, 1787", "1787-11-23"},
	{"Thurs. March 14, 2023", "2023-03-14"},
	{"Tuesday 14 March 2023", "2023-03-14"},
	{"Published: March 14, 2023", "2023-03-14"},
	{"Published March 14, 2023", "2023-03-14"},
	{"published on 2023-03-14", "2023-03-14"},
	{"Updated: Friday, November 23, 1787.", "1787-11-23"},
	{"Updated 3/14/2023", "2023-03-14"},
	{"Last updated: 14.03.2023", "2023-03-14"},
	{"Date: 2023-03-14T10:00:00Z", "2023-03-14"},
	{"DATE: March 2023", "2023-03"},
	{"Posted on March 14, 2023", "2023-03-14"},
	{"Posted on Tuesday, March 14, 2023", "2023-03-14"},
	{"Dated 14th March, 2023", "2023-03-14"},
	{"  March 14, 2023  ", "2023-03-14"},
	{"\xC2\xA0March 14, 2023,\xC2\xA0", "2023-03-14"},
	{"March 14, 2023 .", "2023-03-14"},
	{"March 14, 2023\r\n", "2023-03-14"},
	{"November 2016", "2016-11"},
	{"", NULL},
	{"   ", NULL},
	{"March 14, 2023..", NULL},
	{"March 14, 2023, the board said.", NULL},
	{"On March 14, 2023", NULL},
	{"Published:", NULL},
	{"Friday", NULL},
	{"Friday,", NULL},
	{"Fridays, March 14, 2023", NULL},
	{"Published: Published: March 14, 2023", NULL},
	{"Friday, Published: March 14, 2023", NULL},
	{"Dateline March 14, 2023", NULL},
	{"Published: March 14, 2023 10:00 AM", NULL},
	{"Updated: Feb. 30, 2023", NULL},
};

static void test_lines(void)
{
	char name[160];
	for (size_t k = 0; k < sizeof(lines) / sizeof(lines[0]); k++) {
		const struct line_case *c = &lines[k];
		struct q_date d = {-1, -1, -1};
		int ok = q_date_parse_line(c->in, strlen(c->in), &d);
		case_name(name, sizeof name, "line", c->in);
		if (c->iso == NULL) {
			CHECK(name, ok == 0 && d.year == -1);
			continue;
		}
		char iso[11] = "";
		if (ok)
			q_date_format(&d, iso);
		CHECK_STR(name, ok ? iso : "(not a date line)", c->iso);
	}
}

static void test_valid(void)
{
	CHECK("valid 2024-02-29 (divisible by 4)", q_date_valid(2024, 2, 29));
	CHECK("valid 2000-02-29 (divisible by 400)", q_date_valid(2000, 2, 29));
	CHECK("valid 1900-02-29 refused (century)", !q_date_valid(1900, 2, 29));
	CHECK("valid 2023-02-29 refused", !q_date_valid(2023, 2, 29));
	CHECK("valid 2023-02-28", q_date_valid(2023, 2, 28));
	CHECK("valid 2023-04-31 refused", !q_date_valid(2023, 4, 31));
	CHECK("valid 2023-12-31", q_date_valid(2023, 12, 31));
	CHECK("valid 2023-13-01 refused", !q_date_valid(2023, 13, 1));
	CHECK("valid 2023-00-01 refused", !q_date_valid(2023, 0, 1));
	CHECK("valid 2023-01-00 refused", !q_date_valid(2023, 1, 0));
	CHECK("valid 0000-01-01 refused", !q_date_valid(0, 1, 1));
	CHECK("valid 0001-01-01", q_date_valid(1, 1, 1));
	CHECK("valid 9999-12-31", q_date_valid(9999, 12, 31));
	CHECK("valid 10000-01-01 refused", !q_date_valid(10000, 1, 1));
	CHECK("valid negative day refused", !q_date_valid(2023, 1, -1));

	/* Every day of 400 years: 146097 of them, as the Gregorian cycle. */
	long days = 0;
	for (int y = 2000; y < 2400; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= 32; d++)
				days += q_date_valid(y, m, d);
	CHECK("valid 400-year cycle has 146097 days", days == 146097);
}

static void test_format(void)
{
	char out[11];
	struct q_date d = {2023, 3, 14};
	q_date_format(&d, out);
	CHECK_STR("format day", out, "2023-03-14");
	d = (struct q_date){2023, 3, 0};
	q_date_format(&d, out);
	CHECK_STR("format month", out, "2023-03");
	d = (struct q_date){2023, 0, 0};
	q_date_format(&d, out);
	CHECK_STR("format year", out, "2023");
	d = (struct q_date){33, 1, 2};
	q_date_format(&d, out);
	CHECK_STR("format pads the year", out, "0033-01-02");
	d = (struct q_date){123456, 99, 123};
	q_date_format(&d, out);
	CHECK("format out of range stays in 10 bytes", strlen(out) == 10);
}

static void test_fields(void)
{
	struct q_date d;
	CHECK("fields month-only day is 0",
	      q_date_parse("March 2023", 10, &d) == 10 && d.year == 2023 &&
		      d.month == 3 && d.day == 0);
	CHECK("fields day first",
	      q_date_parse("14.03.2023", 10, &d) == 10 && d.year == 2023 &&
		      d.month == 3 && d.day == 14);
	CHECK("fields US order",
	      q_date_parse("03.04.2023", 10, &d) == 10 && d.year == 2023 &&
		      d.month == 3 && d.day == 4);
	/* The length is the bound, not a NUL: the date stops at len. */
	CHECK("fields length bounds the parse",
	      q_date_parse("March 14, 20234", 14, &d) == 14 && d.year == 2023);
	CHECK("fields length cuts the year", q_date_parse("March 14, 2023", 13,
							  &d) == 0);
	CHECK("fields NULL text", q_date_parse(NULL, 5, &d) == 0);
	CHECK("fields NULL line", q_date_parse_line(NULL, 5, &d) == 0);
}

/*
 * Every prefix and every suffix of these, copied into a heap block of
 * exactly that size, so that the sanitizer build catches any read past
 * len.  No parse may take more than it was given.
 */
static const struct fuzz_case {
	const char *text;
	int has_date;
} fuzz[] = {
	{"Friday, November 23, 1787.", 1},
	{"Published: Thurs. Sept. 14th , 2023,\xC2\xA0", 1},
	{"Posted on Tue., 14 Mar. 2023.", 1},
	{"Last updated on 2023-03-14T10:00:00.123+05:30.", 1},
	{"2023-03-14T23:59:60-0800Z", 1},
	{"03.14.23 and 14.03.2023 and 3/1/2016 and 1.5.2023.7 and "
	 "12.3 percent", 1},
	{"March 01 , 2008\xE2\x80\x94" "and\xE2\x80\xAF" "14\xE2\x80\xAF"
	 "May 2023", 1},
	{"\xC2\xA0\xC2\xA0March\xC2\xA0" "2023\xC2", 1},
	{"2023/3/4t10:00z 31-12-1999 1/1/69", 1},
	{"Sept.9,2001 Wednesday Marc 14thx", 1},
	{"\xE2\x80", 0},
	{"12", 0},
	{"1st", 0},
};

static void test_no_overread(void)
{
	char name[96];
	for (size_t k = 0; k < sizeof(fuzz) / sizeof(fuzz[0]); k++) {
		size_t len = strlen(fuzz[k].text);
		int bad = 0;
		long found = 0;
		for (size_t cut = 0; cut <= len; cut++) {
			for (int side = 0; side < 2; side++) {
				size_t n = side ? len - cut : cut;
				const char *from = fuzz[k].text + (side ? cut : 0);
				char *copy = malloc(n ? n : 1);
				if (copy == NULL) {
					bad = 1;
					continue;
				}
				memcpy(copy, from, n);
				struct q_date d;
				size_t used = q_date_parse(copy, n, &d);
				if (used > n)
					bad = 1;
				found += used > 0;
				found += q_date_parse_line(copy, n, &d);
				free(copy);
			}
		}
		snprintf(name, sizeof name, "no over-read #%zu", k);
		/* A string with a date in it must show it to some cut. */
		CHECK(name, !bad && (found > 0) == fuzz[k].has_date);
	}
}

/*
 * Strings glued from date-like pieces by a fixed pseudo-random sequence,
 * parsed at every offset from an exact-size heap copy: no read past the
 * end, no parse longer than its input, and every date returned is real.
 */
static const char *const pieces[] = {
	"March", "Mar.", "Sept.", "may", "14", "1", "2023", "23", "0", "29",
	"02", "th", "st", " ", ",", ".", "/", "-", ":", "T", "10:00", "Z",
	"+05:30", "\xC2\xA0", "\xC2", "\xE2\x80", "\xE2\x80\xAF", "Friday",
	"Published:", "posted on", "x", "\n",
};

static void test_mixed(void)
{
	uint64_t seed = 12345;
	long runs = 0, hits = 0;
	int bad = 0;
	char text[128];
	for (int round = 0; round < 20000; round++) {
		size_t len = 0;
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		int count = 1 + (int)((seed >> 33) % 8);
		for (int k = 0; k < count; k++) {
			seed = seed * 6364136223846793005u +
			       1442695040888963407u;
			const char *p =
				pieces[(seed >> 33) %
				       (sizeof(pieces) / sizeof(pieces[0]))];
			size_t n = strlen(p);
			if (len + n > sizeof text)
				break;
			memcpy(text + len, p, n);
			len += n;
		}
		char *copy = malloc(len ? len : 1);
		if (copy == NULL) {
			bad = 1;
			break;
		}
		memcpy(copy, text, len);
		for (size_t i = 0; i <= len; i++) {
			struct q_date d;
			size_t used = q_date_parse(copy + i, len - i, &d);
			runs++;
			if (used > len - i)
				bad = 1;
			if (used > 0) {
				hits++;
				if (!q_date_valid(d.year, d.month,
						  d.day ? d.day : 1))
					bad = 1;
			}
		}
		struct q_date d;
		if (q_date_parse_line(copy, len, &d) &&
		    !q_date_valid(d.year, d.month, d.day ? d.day : 1))
			bad = 1;
		free(copy);
	}
	CHECK("mixed pieces: bounded, only real dates", !bad);
	CHECK("mixed pieces: some dates found", hits > 0 && runs > hits);
}

int main(void)
{
	test_parses();
	test_lines();
	test_valid();
	test_format();
	test_fields();
	test_no_overread();
	test_mixed();
	return CHECK_DONE();
}

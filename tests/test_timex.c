/*
 * test_timex.c — time expressions: what is found, its span (bytes and
 * code points), its TIMEX3 type and value against a reference date; what
 * must not be found; the calendar helpers; and the seed op-ed.
 */
#include "tests/check.h"
#include "tests/extract_check.h"

#include <stdlib.h>

static struct q_doc doc;

/* Extracts text with the reference date ref (NULL: none). */
static int run(const char *text, const char *ref)
{
	q_doc_release(&doc);
	return extract_text(&doc, text, ref);
}

/* The timex spanning exactly the first occurrence of span, or NULL. */
static const struct q_timex *timex_at(const char *span)
{
	const char *p = strstr(doc.text.ptr, span);
	if (!p)
		return NULL;
	size_t b = (size_t)(p - doc.text.ptr), e = b + strlen(span);
	for (size_t k = 0; k < doc.timexes.count; k++) {
		const struct q_timex *t = &doc.timexes.items[k];
		if (t->span.bstart == b && t->span.bend == e)
			return t;
	}
	return NULL;
}

/* Whether any timex overlaps the first occurrence of span. */
static int any_timex_in(const char *span)
{
	const char *p = strstr(doc.text.ptr, span);
	size_t b = (size_t)(p - doc.text.ptr), e = b + strlen(span);
	for (size_t k = 0; k < doc.timexes.count; k++)
		if (doc.timexes.items[k].span.bstart < e && doc.timexes.items[k].span.bend > b)
			return 1;
	return 0;
}

struct expect {
	const char *text, *ref, *span, *type, *value; /* value NULL: null */
};

/* Reference dates: 2022-11-21 is a Monday. */
#define REF "2022-11-21"

static const struct expect cases[] = {
	/* calendar dates, as dates.c reads them */
	{"The treaty was signed on March 14, 2023, in Geneva.", REF, "March 14, 2023", "DATE", "2023-03-14"},
	{"The ship was seized in 1968.", REF, "1968", "DATE", "1968"},
	{"Exports fell in March 2023.", REF, "March 2023", "DATE", "2023-03"},
	{"The filing is dated 2023-03-14 and 3/14/2023.", REF, "2023-03-14", "DATE", "2023-03-14"},
	{"The filing is dated 2023-03-14 and 3/14/2023.", REF, "3/14/2023", "DATE", "2023-03-14"},
	{"She arrived on 18 June 2021 by train.", REF, "18 June 2021", "DATE", "2021-06-18"},
	{"It opened on Monday, March 3, 2014, at last.", REF, "Monday, March 3, 2014", "DATE", "2014-03-03"},
	{"The fair runs in October of next year.", REF, "October of next year", "DATE", "2023-10"},
	/* months and days without a year: tense decides */
	{"Last August, the government proposed a plan.", REF, "Last August", "DATE", "2022-08"},
	{"The summit was held in May with both leaders.", REF, "May", "DATE", "2022-05"},
	{"The leaders will meet again in May.", REF, "May", "DATE", "2023-05"},
	{"The deal will close June 18.", REF, "June 18", "DATE", "2023-06-18"},
	{"The deal closed June 18.", REF, "June 18", "DATE", "2022-06-18"},
	{"She was born on the 4th of July.", REF, "4th of July", "DATE", "2022-07-04"},
	{"They plan to finish the bridge by early June.", REF, "early June", "DATE", "2023-06"},
	/* weekdays */
	{"The vote was held on Tuesday.", REF, "Tuesday", "DATE", "2022-11-15"},
	{"The vote will be held on Tuesday.", REF, "Tuesday", "DATE", "2022-11-22"},
	{"Markets will remain closed until Friday.", REF, "Friday", "DATE", "2022-11-25"},
	{"Markets in Asia Monday fell sharply.", REF, "Monday", "DATE", "2022-11-21"},
	{"He left last Tuesday and returns next Tuesday.", REF, "last Tuesday", "DATE", "2022-11-15"},
	{"He left last Tuesday and returns next Tuesday.", REF, "next Tuesday", "DATE", "2022-11-22"},
	{"Police said Friday morning that the road was open.", REF, "Friday morning", "TIME", "2022-11-18TMO"},
	/* today, tomorrow and the like */
	{"Today the council voted.", REF, "Today", "DATE", "2022-11-21"},
	{"Yesterday the council voted; tomorrow it meets.", REF, "Yesterday", "DATE", "2022-11-20"},
	{"Yesterday the council voted; tomorrow it meets.", REF, "tomorrow", "DATE", "2022-11-22"},
	{"We will speak tonight.", REF, "tonight", "TIME", "2022-11-21TNI"},
	{"It rained last night in the hills.", REF, "last night", "TIME", "2022-11-20TNI"},
	{"Prices are now falling.", REF, "now", "DATE", "PRESENT_REF"},
	{"He currently lives abroad.", REF, "currently", "DATE", "PRESENT_REF"},
	{"The bank recently cut rates.", REF, "recently", "DATE", "PAST_REF"},
	{"Nobody can say what the future holds.", REF, "the future", "DATE", "FUTURE_REF"},
	/* this, last, next */
	{"Sales rose this year.", REF, "this year", "DATE", "2022"},
	{"Earlier this month, I met the minister.", REF, "Earlier this month", "DATE", "2022-11"},
	{"Profits doubled last year.", REF, "last year", "DATE", "2021"},
	{"The talks resume next week.", REF, "next week", "DATE", "2022-W48"},
	{"The talks continue this week.", REF, "this week", "DATE", "2022-W47"},
	{"The report comes out next month.", REF, "next month", "DATE", "2022-12"},
	{"Shops were busy over the weekend.", REF, "the weekend", "DATE", "2022-W46-WE"},
	{"The plant will reopen next autumn.", REF, "next autumn", "DATE", "2023-FA"},
	{"Heating costs will soar this winter.", REF, "this winter", "DATE", "2022-WI"},
	{"Output fell in the summer of 2019.", REF, "summer of 2019", "DATE", "2019-SU"},
	{"The results of the second quarter of 2023 were weak.", REF, "the second quarter of 2023", "DATE", "2023-Q2"},
	{"Profits fell in the third quarter.", REF, "the third quarter", "DATE", "2022-Q3"},
	{"The Q3 2022 report is out.", REF, "Q3 2022", "DATE", "2022-Q3"},
	{"Hiring should pick up in the first half of 2023.", REF, "the first half of 2023", "DATE", "2023-H1"},
	{"Growth slowed in the third quarter of this year.", REF, "the third quarter of this year", "DATE", "2022-Q3"},
	{"Output peaked in the 1990s.", REF, "1990s", "DATE", "199"},
	{"Music of the '80s came back.", REF, "'80s", "DATE", "198"},
	{"Steel ruled the 20th century.", REF, "the 20th century", "DATE", "19"},
	{"The firm was founded in '82 by two brothers.", REF, "'82", "DATE", "1982"},
	{"Prices peaked in mid-2011 and fell.", REF, "mid-2011", "DATE", "2011"},
	{"Budgets for fiscal 2023 were cut.", REF, "fiscal 2023", "DATE", "FY2023"},
	{"The plant closed five years ago.", REF, "five years ago", "DATE", "2017"},
	{"He wrote a week ago.", REF, "a week ago", "DATE", "2022-11-14"},
	{"He will be back a hundred years from now.", REF, "a hundred years from now", "DATE", "2122"},
	{"Gifts were opened on Christmas Eve.", REF, "Christmas Eve", "DATE", "2021-12-24"},
	{"He will visit on Christmas Day.", REF, "Christmas Day", "DATE", "2022-12-25"},
	{"Stores will open on Thanksgiving.", REF, "Thanksgiving", "DATE", "2022-11-24"},
	/* times of day */
	{"The meeting starts at 9:30 p.m. sharp.", REF, "9:30 p.m.", "TIME", "2022-11-21T21:30"},
	{"The meeting starts at 9:30 p.m. sharp.", NULL, "9:30 p.m.", "TIME", "T21:30"},
	{"They met at 9:30 p.m. on Tuesday.", REF, "9:30 p.m. on Tuesday", "TIME", "2022-11-15T21:30"},
	{"The launch was at 16:00 UTC.", REF, "16:00 UTC", "TIME", "2022-11-21T16:00Z"},
	{"Around 2:30 yesterday afternoon police came.", REF, "2:30 yesterday afternoon", "TIME", "2022-11-20T14:30"},
	{"The store opens at 9am daily.", REF, "9am", "TIME", "2022-11-21T09:00"},
	{"The shelling began at 0800 GMT.", REF, "0800 GMT", "TIME", "2022-11-21T08:00Z"},
	{"The bells rang at noon.", REF, "noon", "TIME", "2022-11-21T12:00"},
	/* durations */
	{"It has been postponed for the past five years.", REF, "the past five years", "DURATION", "P5Y"},
	{"The engine ran for 90 seconds.", REF, "90 seconds", "DURATION", "PT90S"},
	{"The strike lasted two weeks.", REF, "two weeks", "DURATION", "P2W"},
	{"The repairs took two and a half years.", REF, "two and a half years", "DURATION", "P2.5Y"},
	{"Nurses work a 12-hour shift.", REF, "12-hour", "DURATION", "PT12H"},
	{"The project took a decade.", REF, "a decade", "DURATION", "P10Y"},
	{"The talks lasted several months.", REF, "several months", "DURATION", "PXM"},
	{"A 42-year-old man was arrested.", REF, "42-year-old", "DURATION", "P42Y"},
	{"Stocks fell for six straight days.", REF, "six straight days", "DURATION", "P6D"},
	{"The ban lasted over six years.", REF, "over six years", "DURATION", "P6Y"},
	{"The feud went on for years.", REF, "years", "DURATION", "PXY"},
	{"Prices rose in recent years.", REF, "recent years", "DURATION", "PXY"},
	{"Rates will stay low for the next few quarters.", REF, "the next few quarters", "DURATION", "PXQ"},
	/* sets */
	{"She swims every Friday.", REF, "every Friday", "SET", "XXXX-WXX-5"},
	{"The paper is printed daily.", REF, "daily", "SET", "P1D"},
	{"The board meets twice a week.", REF, "twice a week", "SET", "P1W"},
	{"Bins are emptied every two weeks.", REF, "every two weeks", "SET", "P2W"},
	{"The fee is paid annually.", REF, "annually", "SET", "P1Y"},
	{"The market opens on Sundays.", REF, "Sundays", "SET", "XXXX-WXX-7"},
	{"Exports earn $40bn a year.", REF, "a year", "SET", "P1Y"},
	/* anaphora: the day last named */
	{"The vote was on June 3, 2021. That day it rained.", REF, "That day", "DATE", "2021-06-03"},
};

/* Nothing is a time expression in these spans. */
static const struct {
	const char *text, *span;
} none[] = {
	{"It strengthens the alliance's Fight Tonight readiness posture.", "Tonight"},
	{"Theresa May said so.", "May"},
	{"You may go. May I ask why?", "May I"},
	{"Protesters march through town.", "march"},
	{"March on Washington was a turning point.", "March"},
	{"The Sunday Times reported it.", "Sunday"},
	{"An august body met.", "august"},
	{"August Wilson wrote plays.", "August"},
	{"USA Today published the poll.", "Today"},
	{"About 2000 people marched.", "2000"},
	{"The firm has 1500 employees.", "1500"},
	{"The Russell 2000 index fell.", "2000"},
	{"The Airbus A330 flew.", "A330"},
	{"The Daily Mail ran it.", "Daily"},
	{"Prices fall as supply grows.", "fall"},
	{"After the fall of Rome, chaos.", "fall"},
	{"He drank spring water.", "spring"},
	{"John 3:16 is a verse.", "3:16"},
	{"The iLife '11 suite shipped.", "'11"},
	{"The now-cancelled deal was large.", "now"},
	{"He was the first to leave.", "first"},
	{"It is in its 54th year.", "54th year"},
	{"We will act as soon as we can.", "soon"},
	{"He came second in the race.", "second"},
	{"About a quarter of workers left.", "a quarter"},
};

static void check_case(const struct expect *c)
{
	char name[256];
	snprintf(name, sizeof(name), "timex '%s' in \"%s\"", c->span, c->text);
	if (run(c->text, c->ref) != 0) {
		CHECK(name, 0);
		return;
	}
	const struct q_timex *t = timex_at(c->span);
	if (!t) {
		printf("FAIL %s: not found as one expression; found:", name);
		for (size_t k = 0; k < doc.timexes.count; k++)
			printf(" [%.*s]", (int)(doc.timexes.items[k].span.bend - doc.timexes.items[k].span.bstart),
			       doc.text.ptr + doc.timexes.items[k].span.bstart);
		printf("\n");
		check_failures++;
		return;
	}
	char value[64];
	snprintf(value, sizeof(value), "%.*s", (int)t->value.len, t->value.ptr ? t->value.ptr : "");
	const char *want = c->value ? c->value : "";
	if (strcmp(q_timex_type_names[t->type], c->type) != 0 || strcmp(value, want) != 0 ||
	    (c->value == NULL) != (t->value.ptr == NULL)) {
		printf("FAIL %s: got %s %s, want %s %s\n", name, q_timex_type_names[t->type],
		       t->value.ptr ? value : "null", c->type, c->value ? c->value : "null");
		check_failures++;
		return;
	}
	/* code points and bytes agree, and the span's text is the span */
	size_t cp = q_utf8_count(doc.text.ptr, t->span.bstart);
	struct q_str s = q_doc_span_text(&doc, &t->span);
	CHECK(name, t->span.start == cp && t->span.end == cp + q_utf8_count(s.ptr, s.len) &&
			    s.len == strlen(c->span) && memcmp(s.ptr, c->span, s.len) == 0);
}

static void test_none(void)
{
	for (size_t k = 0; k < sizeof(none) / sizeof(none[0]); k++) {
		char name[256];
		snprintf(name, sizeof(name), "no timex on '%s' in \"%s\"", none[k].span, none[k].text);
		run(none[k].text, REF);
		CHECK(name, !any_timex_in(none[k].span));
	}
}

/* Without a reference date, what needs one is null, what does not keeps
 * its value. */
static void test_no_reference(void)
{
	static const struct expect c[] = {
		{"Last August, the plan was made.", NULL, "Last August", "DATE", NULL},
		{"The vote was held on Tuesday.", NULL, "Tuesday", "DATE", NULL},
		{"Sales rose this year.", NULL, "this year", "DATE", NULL},
		{"Today the council voted.", NULL, "Today", "DATE", NULL},
		{"It has been postponed for the past five years.", NULL, "the past five years", "DURATION", "P5Y"},
		{"The ship was seized in 1968.", NULL, "1968", "DATE", "1968"},
		{"She swims every Friday.", NULL, "every Friday", "SET", "XXXX-WXX-5"},
		{"Prices are now falling.", NULL, "now", "DATE", "PRESENT_REF"},
	};
	for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++)
		check_case(&c[k]);
	/* the document's own date is the reference when --date is not given */
	run("Date: 2022-11-21\n\nThe vote was held on Tuesday.\n", NULL);
	const struct q_timex *t = timex_at("Tuesday");
	CHECK("the document's date is the reference",
	      t && t->value.ptr && t->value.len == 10 && memcmp(t->value.ptr, "2022-11-15", 10) == 0);
}

/* Offsets in code points after characters beyond ASCII, and the sentence
 * index of each expression. */
static void test_offsets(void)
{
	run("Le café ouvre — “bientôt”. Il a fermé en 1998 à Zürich, le 3 mars.\n\nThe vote was held on Tuesday.",
	    REF);
	const struct q_timex *t = timex_at("1998");
	CHECK("offsets after accents and curly quotes",
	      t && t->span.start == q_utf8_count(doc.text.ptr, t->span.bstart) &&
		      t->span.end - t->span.start == 4);
	CHECK("sentence of an expression", t && t->sentence == 1);
	t = timex_at("Tuesday");
	CHECK("sentence index in a later paragraph", t && t->sentence == 2);
}

/* A long sentence is read in blocks: expressions past the first block
 * are found with the right offsets. */
static void test_long_sentence(void)
{
	size_t n = 5000;
	char *text = malloc(n * 6 + 64);
	size_t len = 0;
	for (size_t k = 0; k < n; k++)
		len += (size_t)sprintf(text + len, "word ");
	len += (size_t)sprintf(text + len, "in 1968 and then");
	run(text, REF);
	const struct q_timex *t = doc.timexes.count ? &doc.timexes.items[0] : NULL;
	CHECK("an expression past the first block of tokens",
	      doc.timexes.count == 1 && t->span.bstart == n * 5 + 3 && t->span.start == n * 5 + 3);
	free(text);
}

static void test_calendar(void)
{
	CHECK("days of 1970-01-01", q_cal_days(1970, 1, 1) == 0);
	CHECK("days of 2000-03-01", q_cal_days(2000, 3, 1) == 11017);
	int y, m, d;
	q_cal_from_days(q_cal_days(2024, 2, 29), &y, &m, &d);
	CHECK("days and back: a leap day", y == 2024 && m == 2 && d == 29);
	CHECK("2022-11-21 was a Monday", q_cal_weekday(q_cal_days(2022, 11, 21)) == 1);
	int wy, w;
	q_cal_iso_week(q_cal_days(2022, 11, 21), &wy, &w);
	CHECK("ISO week of 2022-11-21", wy == 2022 && w == 47);
	q_cal_iso_week(q_cal_days(2021, 1, 3), &wy, &w);
	CHECK("2021-01-03 is in week 53 of 2020", wy == 2020 && w == 53);
	q_cal_iso_week(q_cal_days(2024, 12, 30), &wy, &w);
	CHECK("2024-12-30 is in week 1 of 2025", wy == 2025 && w == 1);
	CHECK("Monday of week 1 of 2025", q_cal_iso_monday(2025, 1) == q_cal_days(2024, 12, 30));
}

/* The seed op-ed of the product's issue, with --date 2022-11-21. */
static void test_seed(void)
{
	const char *seed = seed_text();
	if (!seed) {
		SKIP("seed", "the seed op-ed is absent");
		return;
	}
	CHECK("seed: extracts", run(seed, REF) == 0);
	const struct q_timex *t = timex_at("Last August");
	CHECK("seed: \"Last August\" is 2022-08",
	      t && t->value.ptr && strncmp(t->value.ptr, "2022-08", t->value.len) == 0 && t->value.len == 7);
	t = timex_at("May,");
	if (!t) {
		/* the span is "May", the first one followed by a comma */
		const char *p = strstr(doc.text.ptr, "summit in May");
		for (size_t k = 0; p && k < doc.timexes.count; k++)
			if (doc.timexes.items[k].span.bstart == (size_t)(p - doc.text.ptr) + 10)
				t = &doc.timexes.items[k];
	}
	CHECK("seed: \"in May\" is 2022-05",
	      t && t->value.ptr && t->value.len == 7 && strncmp(t->value.ptr, "2022-05", 7) == 0);
	t = timex_at("the past five years");
	CHECK("seed: \"the past five years\" is P5Y",
	      t && t->type == Q_TIMEX_DURATION && t->value.len == 3 && strncmp(t->value.ptr, "P5Y", 3) == 0);
	CHECK("seed: \"Fight Tonight\" is no time expression", !any_timex_in("Fight Tonight"));
	t = timex_at("Earlier this month");
	CHECK("seed: \"Earlier this month\" is 2022-11",
	      t && t->value.len == 7 && strncmp(t->value.ptr, "2022-11", 7) == 0);
}

int main(void)
{
	q_doc_init(&doc);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		check_case(&cases[k]);
	test_none();
	test_no_reference();
	test_offsets();
	test_long_sentence();
	test_calendar();
	test_seed();
	q_doc_release(&doc);
	return CHECK_DONE();
}

/*
 * test_numbers.c — numbers: what is found, its span (bytes and code
 * points), kind, value and unit; what must not be found (dates, times,
 * codes, pronouns); the tokenizer and number phrases underneath.
 */
#include "tests/check.h"
#include "tests/extract_check.h"

#include <math.h>
#include <stdlib.h>

static struct q_doc doc;

static int run(const char *text)
{
	q_doc_release(&doc);
	return extract_text(&doc, text, "2022-11-21");
}

static const struct q_number *number_at(const char *span)
{
	const char *p = strstr(doc.text.ptr, span);
	if (!p)
		return NULL;
	size_t b = (size_t)(p - doc.text.ptr), e = b + strlen(span);
	for (size_t k = 0; k < doc.numbers.count; k++)
		if (doc.numbers.items[k].span.bstart == b && doc.numbers.items[k].span.bend == e)
			return &doc.numbers.items[k];
	return NULL;
}

static int any_number_in(const char *span)
{
	const char *p = strstr(doc.text.ptr, span);
	size_t b = (size_t)(p - doc.text.ptr), e = b + strlen(span);
	for (size_t k = 0; k < doc.numbers.count; k++)
		if (doc.numbers.items[k].span.bstart < e && doc.numbers.items[k].span.bend > b)
			return 1;
	return 0;
}

#define NOVALUE NAN

struct expect {
	const char *text, *span, *kind;
	double value; /* NOVALUE: null */
	const char *unit;
};

static const struct expect cases[] = {
	/* cardinals */
	{"About 210,000 people fled.", "210,000", "cardinal", 210000, NULL},
	{"Some 1.3 million households lost power.", "1.3 million", "cardinal", 1300000, NULL},
	{"He scored four points.", "four", "cardinal", 4, NULL},
	{"She called twice.", "twice", "cardinal", 2, NULL},
	{"He bought three dozen eggs.", "three dozen", "cardinal", 36, NULL},
	{"A dozen boats sank.", "A dozen", "cardinal", 12, NULL},
	{"It lasted twenty-five days.", "twenty-five", "cardinal", 25, NULL},
	{"The city has two hundred and fifty thousand people.", "two hundred and fifty thousand",
	 "cardinal", 250000, NULL},
	{"A third of the vote went to him.", "A third", "cardinal", 1.0 / 3, NULL},
	{"Two-thirds of members agreed.", "Two-thirds", "cardinal", 2.0 / 3, NULL},
	{"Three quarters of them left.", "Three quarters", "cardinal", 0.75, NULL},
	{"Rations will be cut by a third from April.", "a third", "cardinal", 1.0 / 3, NULL},
	{"It took two and a half years.", "two and a half", "cardinal", 2.5, NULL},
	{"Dozens of people were hurt.", "Dozens", "cardinal", NOVALUE, NULL},
	{"Hundreds of thousands of troops moved.", "Hundreds of thousands", "cardinal", NOVALUE, NULL},
	{"The index fell 340 points.", "340", "cardinal", 340, NULL},
	{"It has been postponed for the past five years.", "five", "cardinal", 5, NULL},
	{"Sales fell -2.5% on the year.", "-2.5%", "percent", -2.5, NULL},
	/* ordinals */
	{"The event is in its 54th year.", "54th", "ordinal", 54, NULL},
	{"First, the two nations pledged to cooperate.", "First", "ordinal", 1, NULL},
	{"It was the first use of force.", "first", "ordinal", 1, NULL},
	{"The twenty-first man came in.", "twenty-first", "ordinal", 21, NULL},
	{"He won a third term.", "third", "ordinal", 3, NULL},
	{"It marks the 70th anniversary.", "70th", "ordinal", 70, NULL},
	/* percents: the value counts percents */
	{"Prices rose 40 percent.", "40 percent", "percent", 40, NULL},
	{"Inflation was 2.5% in May.", "2.5%", "percent", 2.5, NULL},
	{"Turnout was 61 per cent.", "61 per cent", "percent", 61, NULL},
	/* money */
	{"The grant is worth €3.5 million.", "€3.5 million", "money", 3500000, "EUR"},
	{"It won a $40bn contract.", "$40bn", "money", 40e9, "USD"},
	{"Tickets cost NZ$120 each.", "NZ$120", "money", 120, "NZD"},
	{"They won a US$ 40 billion contract.", "US$ 40 billion", "money", 40e9, "USD"},
	{"The club paid £5m for him.", "£5m", "money", 5e6, "GBP"},
	{"The loan was USD 40 million.", "USD 40 million", "money", 40e6, "USD"},
	{"Ottawa pledged 5 million Canadian dollars.", "5 million Canadian dollars", "money", 5e6, "CAD"},
	{"A stamp costs 50 cents.", "50 cents", "money", 0.5, "USD"},
	{"Lunch was 2,000 yen.", "2,000 yen", "money", 2000, "JPY"},
	{"The fund holds $1.2 trillion.", "$1.2 trillion", "money", 1.2e12, "USD"},
	{"Billions of dollars were lost.", "Billions of dollars", "money", NOVALUE, "USD"},
	/* quantities, by their unit's symbol */
	{"A 12-kilometre road was built.", "12-kilometre", "quantity", 12, "km"},
	{"The farm makes 5 megawatts.", "5 megawatts", "quantity", 5, "MW"},
	{"He ran 10km today.", "10km", "quantity", 10, "km"},
	{"The phone has 4GB of memory.", "4GB", "quantity", 4, "GB"},
	{"The park covers 30 square miles.", "30 square miles", "quantity", 30, "mi2"},
	{"The Fed cut rates by 25 basis points.", "25 basis points", "quantity", 25, "bp"},
	{"Support fell 2 percentage points.", "2 percentage points", "quantity", 2, "pp"},
	{"They seized 50 pounds of cocaine.", "50 pounds", "quantity", 50, "lb"},
	{"It was 20 degrees Celsius.", "20 degrees Celsius", "quantity", 20, "°C"},
	{"The car drove at 60 mph.", "60 mph", "quantity", 60, "mph"},
	{"Waves of 4.5 meters hit the wall.", "4.5 meters", "quantity", 4.5, "m"},
};

/* No number in these spans. */
static const struct {
	const char *text, *span;
} none[] = {
	{"The ship was seized in 1968.", "1968"},
	{"It opened on March 14, 2023.", "14"},
	{"It opened on March 14, 2023.", "2023"},
	{"They met at 9:30 p.m. sharp.", "9:30"},
	{"The Airbus A330 flew.", "330"},
	{"Call 555-1234 today.", "555-1234"},
	{"Call (202) 555-0143 today.", "202"},
	{"The F-16 crashed.", "16"},
	{"COVID-19 spread.", "19"},
	{"Version 1.2.3 shipped.", "1.2.3"},
	{"Help is there 24/7.", "24/7"},
	{"See http://example.org/2022/5 for more.", "2022/5"},
	{"No one saw one another.", "one"},
	{"No one saw one another.", "one another"},
	{"The one he chose was red.", "one"},
	{"The First Amendment protects speech.", "First"},
	{"The Second World War ended.", "Second"},
	{"At first nobody came.", "first"},
	{"Wait a second.", "second"},
	{"The second quarter of 2023 was weak.", "second"},
	{"The 3G network is down.", "3"},
};

static int same(double a, double b)
{
	return fabs(a - b) <= 1e-9 * (fabs(a) > 1 ? fabs(a) : 1);
}

static void check_case(const struct expect *c)
{
	char name[256];
	snprintf(name, sizeof(name), "number '%s' in \"%s\"", c->span, c->text);
	if (run(c->text) != 0) {
		CHECK(name, 0);
		return;
	}
	const struct q_number *n = number_at(c->span);
	if (!n) {
		printf("FAIL %s: not found as one number; found:", name);
		for (size_t k = 0; k < doc.numbers.count; k++)
			printf(" [%.*s]", (int)(doc.numbers.items[k].span.bend - doc.numbers.items[k].span.bstart),
			       doc.text.ptr + doc.numbers.items[k].span.bstart);
		printf("\n");
		check_failures++;
		return;
	}
	int value_ok = isnan(c->value) ? !n->has_value : (n->has_value && same(n->value, c->value));
	int unit_ok = c->unit ? (n->unit.ptr && q_str_eq_cstr(n->unit, c->unit)) : !n->unit.ptr;
	if (strcmp(q_number_kind_names[n->kind], c->kind) != 0 || !value_ok || !unit_ok) {
		printf("FAIL %s: got %s %g (%s) %.*s\n", name, q_number_kind_names[n->kind], n->value,
		       n->has_value ? "value" : "null", (int)n->unit.len, n->unit.ptr ? n->unit.ptr : "null");
		check_failures++;
		return;
	}
	size_t cp = q_utf8_count(doc.text.ptr, n->span.bstart);
	struct q_str s = q_doc_span_text(&doc, &n->span);
	CHECK(name, n->span.start == cp && n->span.end == cp + q_utf8_count(s.ptr, s.len));
}

static void test_none(void)
{
	for (size_t k = 0; k < sizeof(none) / sizeof(none[0]); k++) {
		char name[256];
		snprintf(name, sizeof(name), "no number on '%s' in \"%s\"", none[k].span, none[k].text);
		run(none[k].text);
		CHECK(name, !any_number_in(none[k].span));
	}
}

/* A list item's marker is no number; the numbers in its text are. */
static void test_list_marker(void)
{
	run("Our plan:\n\n1. Hire 40 nurses.\n\n2. Build 3 clinics.\n");
	CHECK("list markers are no numbers", !any_number_in("1.") && !any_number_in("2."));
	CHECK("numbers inside list items", number_at("40") && number_at("3"));
}

/* The tokenizer underneath: kinds, values, glued suffixes, lexicon. */
static void test_tokens(void)
{
	const char *text = "US$40bn, 2,000.5 caf\xc3\xa9 54th The";
	struct q_tok t[16];
	size_t pos = 0;
	size_t n = q_tok_scan(text, &pos, strlen(text), t, 16);
	CHECK("tokens: count", n == 10 && pos == strlen(text));
	CHECK("tokens: a word glued to a sign", t[0].kind == Q_TOK_WORD && t[1].kind == Q_TOK_PUNCT &&
						      t[1].cp == '$' && !t[1].space);
	CHECK("tokens: digits then a glued scale", t[2].kind == Q_TOK_NUM && t[2].mant == 40 &&
						      q_tok_has(&t[3], Q_LX_SCALE) && !t[3].space);
	CHECK("tokens: thousands and decimals", t[5].kind == Q_TOK_NUM && t[5].grouped &&
						    t[5].decimals == 1 && q_tok_value(&t[5], 0) == 2000.5);
	CHECK("tokens: a word beyond ASCII", t[6].kind == Q_TOK_WORD && t[6].e - t[6].b == 5 && !t[6].lx);
	CHECK("tokens: an ordinal suffix", t[7].kind == Q_TOK_NUM && q_tok_is(&t[8], Q_W_ORDINAL_SUFFIX));
	CHECK("tokens: case and lexicon", q_tok_is(&t[9], Q_W_THE) && t[9].ucase == Q_CASE_TITLE);
	CHECK("tokens: the value with a power", q_tok_value(&t[2], 9) == 40e9);
	CHECK("lexicon: any case", q_lexicon_find("DECEMBER", 8) && q_lexicon_find("december", 8)->cal == 12);
	CHECK("lexicon: unknown words", !q_lexicon_find("decembers", 9) && !q_lexicon_find("", 0));
	const char *words = "one hundred and five thousand";
	pos = 0;
	n = q_tok_scan(words, &pos, strlen(words), t, 16);
	double v = 0;
	CHECK("number phrase in words", q_number_phrase(t, n, 0, &v) == n && v == 105000);
}

/* The seed op-ed: its ordinals, its "twice", no year taken as a count. */
static void test_seed(void)
{
	const char *seed = seed_text();
	if (!seed) {
		SKIP("seed numbers", "the seed op-ed is absent");
		return;
	}
	run(seed);
	const struct q_number *n = number_at("54th");
	CHECK("seed: 54th is ordinal 54", n && n->kind == Q_NUM_ORDINAL && n->value == 54);
	n = number_at("twice");
	CHECK("seed: twice is 2", n && n->kind == Q_NUM_CARDINAL && n->value == 2);
	CHECK("seed: 1968 is a date, not a number", !any_number_in("1968"));
}

int main(void)
{
	q_doc_init(&doc);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		check_case(&cases[k]);
	test_none();
	test_list_marker();
	test_tokens();
	test_seed();
	q_doc_release(&doc);
	return CHECK_DONE();
}

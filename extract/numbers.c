/*
 * numbers.c — numbers and what they count: cardinals, ordinals, percents,
 * money and quantities, in digits or in words, with their values.
 *
 * Like the time expressions, each sentence is cut into tokens (tokens.c)
 * and read once: a number (digits, or a number word), a currency sign or
 * code, or a few words ("twice", "dozens", "a third of") start a match,
 * and what follows decides its kind — "%" or "percent", a currency word, a
 * unit of measure, an ordinal suffix.  Unknown words start nothing.
 *
 * Conventions:
 *   value    the number itself: "1.3 million" 1300000, "$40bn" 4e10,
 *            "40 percent" 40 (a percent's value counts percents),
 *            "three dozen" 36, "a third of" 0.333…, "54th" 54, "twice" 2;
 *            null when the text gives none ("dozens", "billions of
 *            dollars").
 *   unit     money: the ISO 4217 code ("$" USD unless "NZ$", "C$", …;
 *            "€" EUR; "£" GBP; "Canadian dollars" CAD); a quantity: the
 *            symbol of its unit ("12-kilometre" km, "5 megawatts" MW,
 *            "square miles" mi2, "basis points" bp, "percentage points"
 *            pp); null for cardinals, ordinals and percents.
 *   overlap  digits inside a DATE or TIME expression (the "2023" of
 *            "March 2023", the "9:30" of a time) are calendar fields, not
 *            numbers, and are left out; the count inside a DURATION or SET
 *            ("five" in "the past five years") is a cardinal.  Digits that
 *            are part of a code — glued to letters ("A330", "F-16"),
 *            joined to other digits by "-", "/", ":" or "." ("555-1234",
 *            "24/7", "1.2.3"), in a web address — are no numbers, nor is
 *            the "1." marking a list item.
 */
#include "extract/extract.h"

#include <stdlib.h>
#include <string.h>


struct hit {
	size_t first, last; /* tokens [first, last) */
	enum q_number_kind kind;
	int has_value;
	double value;
	const char *unit; /* static text, or NULL */
};

struct nx {
	struct q_doc *doc;
	const char *text;
	const struct q_tok *t;
	size_t n;
	size_t sentence;
	int list_item;	  /* the sentence opens a list item paragraph */
	size_t timex;	  /* the first timex that may still overlap */
};

static const struct q_tok nothing;

static const struct q_tok *tok(const struct nx *x, size_t i)
{
	return i < x->n ? &x->t[i] : &nothing;
}

static int is(const struct nx *x, size_t i, enum q_word w)
{
	return q_tok_is(tok(x, i), w);
}

static int has(const struct nx *x, size_t i, uint32_t cls)
{
	return q_tok_has(tok(x, i), cls);
}

static int word_is(const struct nx *x, size_t i, const char *s)
{
	const struct q_tok *t = tok(x, i);
	return t->lx && strcmp(t->lx->word, s) == 0;
}

static int punct(const struct nx *x, size_t i, uint32_t cp)
{
	const struct q_tok *t = tok(x, i);
	return t->kind == Q_TOK_PUNCT && t->cp == cp;
}

static int glued(const struct nx *x, size_t i)
{
	return i < x->n && i > 0 && !x->t[i].space;
}

static int hyphen(const struct nx *x, size_t i)
{
	return punct(x, i, '-') && glued(x, i) && glued(x, i + 1);
}

/* The text of token i is s exactly (case matters). */
static int text_is(const struct nx *x, size_t i, const char *s)
{
	const struct q_tok *t = tok(x, i);
	size_t n = strlen(s);
	return t->kind && t->e - t->b == n && memcmp(x->text + t->b, s, n) == 0;
}

static size_t put(struct hit *h, size_t first, size_t last,
		  enum q_number_kind kind, int has_value, double value,
		  const char *unit)
{
	*h = (struct hit){first, last, kind, has_value, value, unit};
	return last;
}

/* ---- currencies ---------------------------------------------------------- */

/* A currency sign at token i: its code, or NULL. */
static const char *currency_sign(const struct nx *x, size_t i)
{
	const struct q_tok *t = tok(x, i);
	if (t->kind != Q_TOK_PUNCT)
		return NULL;
	switch (t->cp) {
	case '$': return "USD";
	case 0x20AC: return "EUR";
	case 0xA3: return "GBP";
	case 0xA5: return "JPY";
	case 0x20B9: return "INR";
	case 0x20A9: return "KRW";
	case 0x20BD: return "RUB";
	case 0x20AA: return "ILS";
	case 0x20BA: return "TRY";
	case 0x20A6: return "NGN";
	default: return NULL;
	}
}

/* Letters glued before "$" that say whose dollar: "NZ$120", "US$ 40". */
static const char *dollar_prefix(const struct nx *x, size_t i)
{
	static const struct {
		const char *prefix, *code;
	} prefixes[] = {
		{"US", "USD"}, {"U.S.", "USD"}, {"NZ", "NZD"}, {"A", "AUD"},
		{"AU", "AUD"}, {"AUD", "AUD"}, {"C", "CAD"}, {"CA", "CAD"},
		{"CAN", "CAD"}, {"HK", "HKD"}, {"S", "SGD"}, {"SG", "SGD"},
		{"NT", "TWD"}, {"R", "BRL"}, {"Mex", "MXN"}, {"MX", "MXN"},
		{"Z", "ZWL"}, {"J", "JMD"}, {"EC", "XCD"},
	};
	for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++)
		if (text_is(x, i, prefixes[k].prefix))
			return prefixes[k].code;
	return NULL;
}

/* The nation before "dollars", "pesos", "pounds": "Canadian dollars". */
static const char *currency_of(const struct nx *x, size_t i, const char *code)
{
	static const struct {
		const char *adjective, *currency, *code;
	} nations[] = {
		{"US", "USD", "USD"}, {"American", "USD", "USD"},
		{"Canadian", "USD", "CAD"}, {"Australian", "USD", "AUD"},
		{"Zealand", "USD", "NZD"}, {"Kong", "USD", "HKD"},
		{"Singapore", "USD", "SGD"}, {"Taiwan", "USD", "TWD"},
		{"Taiwanese", "USD", "TWD"}, {"Zimbabwe", "USD", "ZWL"},
		{"Zimbabwean", "USD", "ZWL"}, {"Jamaican", "USD", "JMD"},
		{"Philippine", "MXN", "PHP"}, {"Argentine", "MXN", "ARS"},
		{"Chilean", "MXN", "CLP"}, {"Colombian", "MXN", "COP"},
		{"Mexican", "MXN", "MXN"}, {"Egyptian", "GBP", "EGP"},
		{"Lebanese", "GBP", "LBP"}, {"Syrian", "GBP", "SYP"},
		{"British", "GBP", "GBP"}, {"Pakistani", "INR", "PKR"},
		{"Indian", "INR", "INR"}, {"Swiss", "CHF", "CHF"},
		{"Danish", "NOK", "DKK"}, {"Norwegian", "NOK", "NOK"},
		{"Swedish", "SEK", "SEK"}, {"Chinese", "CNY", "CNY"},
		{"Japanese", "JPY", "JPY"},
	};
	if (i == 0)
		return code;
	for (size_t k = 0; k < sizeof(nations) / sizeof(nations[0]); k++)
		if (strcmp(code, nations[k].currency) == 0 && text_is(x, i - 1, nations[k].adjective))
			return nations[k].code;
	return code;
}

/* ---- the number itself ------------------------------------------------- */

/* Digits that belong to a code, not to a count: glued to letters before
 * them ("A330", "F-16", "COVID-19"), or joined to more digits by "-",
 * "/", ":", "." or "," ("555-1234", "24/7", "1.2.3", "9:30"), or after
 * "#", "@", "/" in an address. */
static int in_code(const struct nx *x, size_t i)
{
	const struct q_tok *p = i > 0 ? &x->t[i - 1] : &nothing;
	if (glued(x, i)) {
		if (p->kind == Q_TOK_WORD || p->kind == Q_TOK_NUM)
			return 1;
		if (p->kind == Q_TOK_PUNCT && p->cp != '(' && p->cp != '"' && p->cp != 0x201C &&
		    p->cp != '$' && p->cp != '-' && p->cp != 0x2212 && p->cp != '~' &&
		    !currency_sign(x, i - 1) && p->cp != 0xB1)
			return 1;
		if (p->cp == '-' && i >= 2 && glued(x, i - 1) &&
		    (x->t[i - 2].kind == Q_TOK_WORD || x->t[i - 2].kind == Q_TOK_NUM))
			return 1;
	}
	const struct q_tok *nx = tok(x, i + 1);
	if (glued(x, i + 1) && nx->kind == Q_TOK_PUNCT &&
	    (nx->cp == '-' || nx->cp == '/' || nx->cp == ':' || nx->cp == '.' ||
	     nx->cp == ',' || nx->cp == 0x2013) &&
	    tok(x, i + 2)->kind == Q_TOK_NUM && glued(x, i + 2))
		return 1;
	if (glued(x, i + 1) && (nx->cp == '@' || nx->cp == '_'))
		return 1;
	/* "(202) 555-0143": the area code of a telephone number */
	if (glued(x, i) && p->cp == '(' && glued(x, i + 1) && nx->cp == ')' &&
	    tok(x, i + 2)->kind == Q_TOK_NUM && in_code(x, i + 2))
		return 1;
	return 0;
}

/* "1." or "2)" opening a list item: a marker, not a number. */
static int list_marker(const struct nx *x, size_t i)
{
	return x->list_item && i == 0 && glued(x, 1) && (punct(x, 1, '.') || punct(x, 1, ')'));
}

/* "m", "k", "b" glued to a sum of money: "$3.5m", "€20k". */
static size_t money_suffix(const struct nx *x, size_t i, double *v, const struct q_tok *num)
{
	const struct q_tok *t = tok(x, i);
	if (!glued(x, i) || !q_tok_has(t, Q_LX_SUFFIX) || t->lx->num == 0 ||
	    t->e - t->b != 1 || (glued(x, i + 1) && tok(x, i + 1)->kind == Q_TOK_WORD))
		return 0;
	*v = q_tok_value(num, (int)t->lx->num);
	return i + 1;
}

/* ---- what follows a number ------------------------------------------------ */

/* A unit of measure after a number (at i): its symbol and end, or NULL. */
static const char *measure(const struct nx *x, size_t i, size_t *end)
{
	size_t j = i;
	int square = 0, cubic = 0;
	if (hyphen(x, j))
		j++;
	if (is(x, j, Q_W_SQUARE))
		square = 1, j++;
	else if (is(x, j, Q_W_CUBIC))
		cubic = 1, j++;
	const struct q_tok *t = tok(x, j);
	if (is(x, j, Q_W_DEGREE)) {
		/* "degrees Celsius" */
		if (is(x, j + 1, Q_W_CELSIUS) || is(x, j + 1, Q_W_FAHRENHEIT)) {
			*end = j + 2;
			return tok(x, j + 1)->lx->code;
		}
		*end = j + 1;
		return "°";
	}
	if (t->kind == Q_TOK_PUNCT && t->cp == 0xB0) {
		/* "30°C", "30°" */
		if (glued(x, j + 1) && (text_is(x, j + 1, "C") || text_is(x, j + 1, "F"))) {
			*end = j + 2;
			return text_is(x, j + 1, "C") ? "°C" : "°F";
		}
		*end = j + 1;
		return "°";
	}
	if (is(x, j, Q_W_BASIS) && is(x, j + 1, Q_W_POINT)) {
		*end = j + 2;
		return "bp";
	}
	if (is(x, j, Q_W_PERCENTAGE) && is(x, j + 1, Q_W_POINT)) {
		*end = j + 2;
		return "pp";
	}
	if (!q_tok_has(t, Q_LX_MEASURE))
		return NULL;
	/* Short symbols ("km", "MW") must be written as symbols, not words. */
	*end = j + 1;
	const char *sym = t->lx->code;
	/* "miles per hour", "kilometres per hour" */
	if ((is(x, j, Q_W_MILE) || is(x, j, Q_W_KM) || strcmp(sym, "km") == 0) &&
	    is(x, j + 1, Q_W_PER) && is(x, j + 2, Q_W_HOUR)) {
		*end = j + 3;
		return strcmp(sym, "mi") == 0 ? "mph" : "km/h";
	}
	if (square || cubic) {
		static const char *const squares[][3] = {
			{"km", "km2", "km3"}, {"m", "m2", "m3"}, {"mi", "mi2", "mi3"},
			{"ft", "ft2", "ft3"}, {"cm", "cm2", "cm3"}, {"yd", "yd2", "yd3"},
			{"in", "in2", "in3"},
		};
		for (size_t k = 0; k < sizeof(squares) / sizeof(squares[0]); k++)
			if (strcmp(sym, squares[k][0]) == 0)
				return squares[k][square ? 1 : 2];
		return NULL;
	}
	return sym;
}

/* Percent: "%", "percent", "per cent", "pct"; its end, or 0. */
static size_t percent(const struct nx *x, size_t i)
{
	if (punct(x, i, '%'))
		return i + 1;
	if (is(x, i, Q_W_PERCENT) || is(x, i, Q_W_PCT))
		return i + 1;
	if (is(x, i, Q_W_PER) && is(x, i + 1, Q_W_CENT) && !has(x, i + 1, Q_LX_PLURAL))
		return i + 2;
	return 0;
}

/* A currency named after a sum: "dollars", "euros", "yen", "USD"; its
 * code and end, or NULL. */
static const char *currency_word(const struct nx *x, size_t i, size_t *end)
{
	size_t j = i;
	/* "Canadian dollars", "New Zealand dollars" */
	if (tok(x, j)->kind == Q_TOK_WORD && tok(x, j)->ucase != Q_CASE_LOWER &&
	    !tok(x, j)->lx && has(x, j + 1, Q_LX_CURRENCY))
		j++;
	else if (text_is(x, j, "New") && text_is(x, j + 1, "Zealand"))
		j += 2;
	else if (text_is(x, j, "Hong") && text_is(x, j + 1, "Kong"))
		j += 2;
	else if (text_is(x, j, "US") && has(x, j + 1, Q_LX_CURRENCY))
		j++;
	const struct q_tok *t = tok(x, j);
	if (!q_tok_has(t, Q_LX_CURRENCY))
		return NULL;
	/* ISO codes are written in capitals: "USD", not "usd" */
	if (t->e - t->b == 3 && t->ucase != Q_CASE_UPPER && !word_is(x, j, "won") &&
	    !word_is(x, j, "yen"))
		return NULL;
	/* "50 pounds of rice" is a weight */
	if (is(x, j, Q_W_POUND) && is(x, j + 1, Q_W_OF))
		return NULL;
	*end = j + 1;
	if (is(x, j, Q_W_STERLING))
		return "GBP";
	if (is(x, j + 1, Q_W_STERLING))
		*end = j + 2;
	return currency_of(x, j, t->lx->code);
}

/* What a number at [i, e) with value v is, from the words after it. */
static size_t classify(const struct nx *x, size_t first, size_t e, double v,
		       struct hit *h)
{
	size_t end;
	const char *code;
	if ((end = percent(x, e)))
		return put(h, first, end, Q_NUM_PERCENT, 1, v, NULL);
	if ((code = currency_word(x, e, &end)))
		return put(h, first, end, Q_NUM_MONEY, 1, v, code);
	if (is(x, e, Q_W_CENT) && (!has(x, e, Q_LX_PLURAL) ? v == 1 : 1))
		return put(h, first, e + 1, Q_NUM_MONEY, 1, v / 100, "USD");
	if (is(x, e, Q_W_POUND) && is(x, e + 1, Q_W_OF))
		return put(h, first, e + 1, Q_NUM_QUANTITY, 1, v, "lb");
	if ((code = measure(x, e, &end)))
		return put(h, first, end, Q_NUM_QUANTITY, 1, v, code);
	return put(h, first, e, Q_NUM_CARDINAL, 1, v, NULL);
}

/* ---- the patterns ---------------------------------------------------------- */

/* "$40bn", "€3.5 million", "NZ$120", "US$ 40 billion", "£5m". */
static size_t at_money_sign(const struct nx *x, size_t i, struct hit *h)
{
	const char *code = currency_sign(x, i);
	size_t first = i, j = i + 1, e;
	double v;
	if (!code)
		return 0;
	if (code[0] == 'U' && glued(x, i) && i > 0) {
		const char *p = dollar_prefix(x, i - 1);
		if (p) {
			code = p;
			first = i - 1;
		} else if (x->t[i - 1].kind == Q_TOK_WORD) {
			return 0;
		}
	}
	if (tok(x, j)->kind != Q_TOK_NUM || tok(x, j)->digits == 255 || in_code(x, j))
		return 0;
	const struct q_tok *num = tok(x, j);
	if ((e = money_suffix(x, j + 1, &v, num)) == 0 && !(e = q_number_phrase(x->t, x->n, j, &v)))
		return 0;
	return put(h, first, e, Q_NUM_MONEY, 1, v, code);
}

/* "USD 40 million", "EUR 3.5bn": an ISO code before the sum. */
static size_t at_money_code(const struct nx *x, size_t i, struct hit *h)
{
	const struct q_tok *t = tok(x, i);
	double v;
	size_t e;
	if (t->ucase != Q_CASE_UPPER || t->e - t->b != 3 || !tok(x, i + 1)->space ||
	    tok(x, i + 1)->kind != Q_TOK_NUM || in_code(x, i + 1))
		return 0;
	if ((e = money_suffix(x, i + 2, &v, tok(x, i + 1))) == 0 &&
	    !(e = q_number_phrase(x->t, x->n, i + 1, &v)))
		return 0;
	return put(h, i, e, Q_NUM_MONEY, 1, v, t->lx->code);
}

/* "54th", "1st". */
static size_t ordinal_digits(const struct nx *x, size_t i, struct hit *h)
{
	const struct q_tok *s = tok(x, i + 1);
	if (!glued(x, i + 1) || !q_tok_is(s, Q_W_ORDINAL_SUFFIX) || tok(x, i)->decimals ||
	    tok(x, i)->grouped)
		return 0;
	return put(h, i, i + 2, Q_NUM_ORDINAL, 1, q_tok_value(tok(x, i), 0), NULL);
}

/* A number in digits, and what it counts. */
static size_t at_digits(const struct nx *x, size_t i, struct hit *h)
{
	double v;
	size_t e, first = i;
	if (tok(x, i)->digits == 255 || in_code(x, i) || list_marker(x, i))
		return 0;
	if ((e = ordinal_digits(x, i, h)))
		return e;
	/* a minus sign: "-2.5%" */
	if (i > 0 && glued(x, i) && (punct(x, i - 1, '-') || punct(x, i - 1, 0x2212)) &&
	    (i == 1 || x->t[i - 1].space))
		first = i - 1;
	if (!(e = q_number_phrase(x->t, x->n, i, &v)))
		return 0;
	/* letters glued after digits make a code ("3G", "A4"), unless they
	 * are a unit ("10km", "4GB") or a scale ("40bn") */
	if (e == i + 1 && glued(x, e) && tok(x, e)->kind == Q_TOK_WORD &&
	    !has(x, e, Q_LX_MEASURE | Q_LX_CURRENCY | Q_LX_SCALE) && !is(x, e, Q_W_PCT) &&
	    !is(x, e, Q_W_PERCENT))
		return 0;
	if (first < i)
		v = -v;
	return classify(x, first, e, v, h);
}

/* "a third of", "two-thirds", "three quarters of", "half of": a fraction. */
static size_t fraction(const struct nx *x, size_t i, struct hit *h)
{
	double n;
	size_t j;
	if (is(x, i, Q_W_A) || is(x, i, Q_W_AN))
		n = 1, j = i + 1;
	else if (!has(x, i, Q_LX_CARDINAL) || !(j = q_number_phrase(x->t, x->n, i, &n)))
		return 0;
	int hyph = hyphen(x, j);
	if (hyph)
		j++;
	const struct q_tok *t = tok(x, j);
	if (!q_tok_has(t, Q_LX_FRACTION) || (q_tok_has(t, Q_LX_PLURAL) != (n > 1)))
		return 0;
	/* "a third of the vote", "cut by a third": a part; "a third term"
	 * is an ordinal */
	const struct q_tok *nx = tok(x, j + 1);
	if (!hyph && !q_tok_has(t, Q_LX_PLURAL) && !is(x, j + 1, Q_W_OF) &&
	    nx->kind == Q_TOK_WORD && !q_tok_has(nx, Q_LX_PREP))
		return 0;
	return put(h, i, j + 1, Q_NUM_CARDINAL, 1, n / t->lx->num, NULL);
}

/* "first", "second", …: an ordinal, unless "at first", a time unit ("a
 * second"), or a word of a name ("First Lady", "Second World War"). */
static size_t ordinal_word(const struct nx *x, size_t i, struct hit *h)
{
	const struct q_tok *t = tok(x, i), *nx = tok(x, i + 1);
	if (is(x, i, Q_W_FIRST) && i > 0 && is(x, i - 1, Q_W_AT))
		return 0;
	if (q_tok_has(t, Q_LX_TUNIT) && (i > 0 && (x->t[i - 1].kind == Q_TOK_NUM ||
						  is(x, i - 1, Q_W_A) || is(x, i - 1, Q_W_PER)) &&
					 (nx->kind != Q_TOK_WORD || q_tok_has(nx, Q_LX_PREP))))
		return 0;
	if (t->ucase != Q_CASE_LOWER && i > 0 && x->t[i - 1].kind != Q_TOK_PUNCT &&
	    nx->kind == Q_TOK_WORD && nx->ucase != Q_CASE_LOWER)
		return 0;
	return put(h, i, i + 1, Q_NUM_ORDINAL, 1, t->lx->num, NULL);
}

/* "twenty-first", "one hundredth": number words ending in an ordinal. */
static size_t compound_ordinal(const struct nx *x, size_t i, struct hit *h)
{
	double v;
	size_t e = q_number_phrase(x->t, x->n, i, &v);
	if (!e || !hyphen(x, e) || !has(x, e + 1, Q_LX_ORDINAL) || tok(x, e + 1)->lx->num >= 10)
		return 0;
	return put(h, i, e + 2, Q_NUM_ORDINAL, 1, v + tok(x, e + 1)->lx->num, NULL);
}

/* "one" is often a pronoun: "no one", "the one", "one another". */
static int pronoun_one(const struct nx *x, size_t i)
{
	if (!is(x, i, Q_W_ONE))
		return 0;
	if (i > 0 && (is(x, i - 1, Q_W_NO) || is(x, i - 1, Q_W_THE) || is(x, i - 1, Q_W_THIS) ||
		      is(x, i - 1, Q_W_THAT) || is(x, i - 1, Q_W_EVERY) || is(x, i - 1, Q_W_EACH) ||
		      is(x, i - 1, Q_W_ANY) || is(x, i - 1, Q_W_WHICH) || is(x, i - 1, Q_W_ANOTHER)))
		return 1;
	if (is(x, i + 1, Q_W_ANOTHER) || (punct(x, i + 1, '\'') || punct(x, i + 1, 0x2019)))
		return 1;
	return 0;
}

/* "dozens", "hundreds of thousands", "billions of dollars": a count the
 * text does not give. */
static size_t vague(const struct nx *x, size_t i, struct hit *h)
{
	size_t j = i + 1, e;
	const char *code;
	while (is(x, j, Q_W_OF) && (has(x, j + 1, Q_LX_SCALE) || is(x, j + 1, Q_W_DOZEN)) &&
	       has(x, j + 1, Q_LX_PLURAL))
		j += 2;
	if (is(x, j, Q_W_OF) && (code = currency_word(x, j + 1, &e)))
		return put(h, i, e, Q_NUM_MONEY, 0, 0, code);
	return put(h, i, j, Q_NUM_CARDINAL, 0, 0, NULL);
}

static size_t at_word(const struct nx *x, size_t i, struct hit *h)
{
	const struct q_lexeme *lx = tok(x, i)->lx;
	double v;
	size_t e;
	if ((e = fraction(x, i, h)))
		return e;
	if (lx->cls & Q_LX_CURRENCY)
		return at_money_code(x, i, h);
	if (lx->id == Q_W_TWICE || lx->id == Q_W_THRICE)
		return put(h, i, i + 1, Q_NUM_CARDINAL, 1, lx->id == Q_W_TWICE ? 2 : 3, NULL);
	if ((lx->cls & (Q_LX_SCALE | Q_LX_PLURAL)) == (Q_LX_SCALE | Q_LX_PLURAL) ||
	    (lx->id == Q_W_DOZEN && lx->cls & Q_LX_PLURAL))
		return q_tok_has(tok(x, i), Q_LX_SUFFIX) ? 0 : vague(x, i, h);
	if (lx->cls & Q_LX_CARDINAL && (e = compound_ordinal(x, i, h)))
		return e;
	if (lx->cls & Q_LX_ORDINAL)
		return ordinal_word(x, i, h);
	if (!(lx->cls & Q_LX_CARDINAL) && lx->id != Q_W_A && lx->id != Q_W_AN)
		return 0;
	if (pronoun_one(x, i) || !(e = q_number_phrase(x->t, x->n, i, &v)))
		return 0;
	return classify(x, i, e, v, h);
}

/* ---- sentences and the document ------------------------------------------ */

/* The DATE or TIME expression holding byte b, if any (the timexes are in
 * text order; x->timex only moves forward). */
static const struct q_timex *calendar_at(struct nx *x, size_t b)
{
	const struct q_doc *doc = x->doc;
	while (x->timex < doc->timexes.count && doc->timexes.items[x->timex].span.bend <= b)
		x->timex++;
	for (size_t k = x->timex; k < doc->timexes.count; k++) {
		const struct q_timex *t = &doc->timexes.items[k];
		if (t->span.bstart > b)
			break;
		if (t->type == Q_TIMEX_DATE || t->type == Q_TIMEX_TIME)
			return t;
	}
	return NULL;
}

/* Whether a match [b, e) runs into a date or time. */
static int hits_calendar(const struct nx *x, size_t b, size_t e)
{
	const struct q_doc *doc = x->doc;
	for (size_t k = x->timex; k < doc->timexes.count; k++) {
		const struct q_timex *t = &doc->timexes.items[k];
		if (t->span.bstart >= e)
			break;
		if (t->span.bend > b && (t->type == Q_TIMEX_DATE || t->type == Q_TIMEX_TIME))
			return 1;
	}
	return 0;
}

static int record(struct nx *x, const struct hit *h, struct q_error *err)
{
	struct q_doc *doc = x->doc;
	struct q_number *num = Q_VEC_PUSH(&doc->arena, &doc->numbers);
	if (!num)
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	num->span.bstart = x->t[h->first].b;
	num->span.bend = x->t[h->last - 1].e;
	q_doc_span_from_bytes(doc, &num->span);
	num->kind = h->kind;
	num->has_value = h->has_value;
	num->value = h->value;
	num->unit = h->unit ? q_str_make(h->unit, strlen(h->unit)) : Q_STR_NULL;
	num->sentence = x->sentence;
	return 0;
}

static size_t match_at(const struct nx *x, size_t i, struct hit *h)
{
	const struct q_tok *t = &x->t[i];
	switch (t->kind) {
	case Q_TOK_NUM: return at_digits(x, i, h);
	case Q_TOK_WORD: return at_word(x, i, h);
	default: return at_money_sign(x, i, h);
	}
}

/* Whether a number may start at token i: what the lexicon says the token
 * may open, and for "a", a number word after it. */
static int may_start(const struct nx *x, size_t i)
{
	const struct q_tok *t = &x->t[i];
	if (!(t->opens & Q_OPENS_NUMBER))
		return 0;
	/* "a dozen", "a third of", "a hundred" */
	if (q_tok_is(t, Q_W_A) || q_tok_is(t, Q_W_AN))
		return has(x, i + 1, Q_LX_SCALE | Q_LX_FRACTION) || is(x, i + 1, Q_W_DOZEN);
	return 1;
}

static int scan_block(struct nx *x, struct q_error *err)
{
	struct hit h;
	int rc;
	for (size_t i = 0; i < x->n;) {
		const struct q_tok *t = &x->t[i];
		if (!may_start(x, i)) {
			i++;
			continue;
		}
		size_t e = calendar_at(x, t->b) ? 0 : match_at(x, i, &h);
		if (!e || hits_calendar(x, x->t[h.first].b, x->t[h.last - 1].e)) {
			i++;
			continue;
		}
		if ((rc = record(x, &h, err)))
			return rc;
		i = e;
	}
	return 0;
}

static int numbers_block(void *ctx, size_t sentence, const struct q_tok *t, size_t n,
			 struct q_error *err)
{
	struct nx *x = ctx;
	const struct q_sentence *sen = &x->doc->sentences.items[sentence];
	const struct q_paragraph *para = &x->doc->paragraphs.items[sen->paragraph];
	/* only the first block of a sentence may open a list item */
	x->list_item = para->kind == Q_PARA_LIST_ITEM && t[0].b == sen->span.bstart &&
		       para->span.bstart == sen->span.bstart;
	x->t = t;
	x->n = n;
	x->sentence = sentence;
	return scan_block(x, err);
}

int q_numbers_reader(struct q_doc *doc, struct q_tok_reader *r)
{
	struct nx *x = calloc(1, sizeof(*x));
	if (!x)
		return Q_ENOMEM;
	x->doc = doc;
	x->text = doc->text.ptr;
	*r = (struct q_tok_reader){numbers_block, x};
	return 0;
}

int q_numbers_build(struct q_doc *doc, struct q_error *err)
{
	struct q_tok_reader r;
	if (q_numbers_reader(doc, &r))
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	int rc = q_tok_read(doc, &r, 1, err);
	free(r.ctx);
	return rc;
}

/* The two annotators read the same tokens, the numbers after the times. */
int q_timexes_numbers_build(struct q_doc *doc, struct q_error *err)
{
	struct q_tok_reader r[2] = {{0}};
	int rc;
	if (q_timex_reader(doc, &r[0]) || q_numbers_reader(doc, &r[1]))
		rc = q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	else
		rc = q_tok_read(doc, r, 2, err);
	free(r[0].ctx);
	free(r[1].ctx);
	return rc;
}

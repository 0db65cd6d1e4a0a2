/*
 * tokens.c — the words and numbers of a sentence, for the annotators of
 * time expressions and numbers, and the lexicon of the words they know.
 *
 * One pass over the bytes with a byte-class table; each word is looked up
 * once, by its shape, and says what it may open, so the annotators pass
 * most tokens by.  q_tok_read cuts each sentence once for all of them,
 * into one array reused from sentence to sentence: no allocation per
 * token.
 */
#include "extract/extract.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Longest word of the lexicon, in bytes. */
#define LEX_MAX_LEN 16

/* Shorthands for the table below. */
#define ID(w, id) {w, id, 0, 0, 0, NULL}
#define CL(w, id, cls, cal, num, code) {w, id, cls, cal, num, code}
#define MONTH(w, m, abbr) {w, 0, Q_LX_MONTH, m, abbr, NULL}
#define WEEKDAY(w, d, cls) {w, 0, Q_LX_WEEKDAY | (cls), d, 0, NULL}
#define TUNIT(w, u, cls) {w, 0, Q_LX_TUNIT | (cls), u, 0, NULL}
#define CARD(w, v) {w, 0, Q_LX_CARDINAL, 0, v, NULL}
#define ORD(w, v) {w, 0, Q_LX_ORDINAL, 0, v, NULL}
#define SCALE(w, p, cls) {w, 0, Q_LX_SCALE | (cls), 0, p, NULL}
#define MONEY(w, code) {w, 0, Q_LX_CURRENCY, 0, 0, code}
#define UNIT(w, sym) {w, 0, Q_LX_MEASURE, 0, 0, sym}
#define PAST(w) {w, 0, Q_LX_PAST, 0, 0, NULL}
#define FUTURE(w) {w, 0, Q_LX_FUTURE, 0, 0, NULL}

static const struct q_lexeme lexicon[] = {
	/* months; num 1 marks an abbreviation */
	MONTH("january", 1, 0), MONTH("february", 2, 0), MONTH("march", 3, 0),
	MONTH("april", 4, 0), CL("may", 0, Q_LX_MONTH | Q_LX_FUTURE, 5, 0, NULL),
	MONTH("june", 6, 0), MONTH("july", 7, 0), MONTH("august", 8, 0),
	MONTH("september", 9, 0), MONTH("october", 10, 0),
	MONTH("november", 11, 0), MONTH("december", 12, 0),
	MONTH("jan", 1, 1), MONTH("feb", 2, 1), MONTH("mar", 3, 1),
	MONTH("apr", 4, 1), MONTH("jun", 6, 1), MONTH("jul", 7, 1),
	MONTH("aug", 8, 1), MONTH("sep", 9, 1), MONTH("sept", 9, 1),
	MONTH("oct", 10, 1), MONTH("nov", 11, 1), MONTH("dec", 12, 1),
	/* weekdays, and their plurals for "on Fridays" */
	WEEKDAY("monday", 1, 0), WEEKDAY("tuesday", 2, 0),
	WEEKDAY("wednesday", 3, 0), WEEKDAY("thursday", 4, 0),
	WEEKDAY("friday", 5, 0), WEEKDAY("saturday", 6, 0),
	WEEKDAY("sunday", 7, 0), WEEKDAY("mondays", 1, Q_LX_PLURAL),
	WEEKDAY("tuesdays", 2, Q_LX_PLURAL), WEEKDAY("wednesdays", 3, Q_LX_PLURAL),
	WEEKDAY("thursdays", 4, Q_LX_PLURAL), WEEKDAY("fridays", 5, Q_LX_PLURAL),
	WEEKDAY("saturdays", 6, Q_LX_PLURAL), WEEKDAY("sundays", 7, Q_LX_PLURAL),
	/* seasons */
	CL("spring", 0, Q_LX_SEASON, Q_SPRING, 0, NULL),
	CL("summer", 0, Q_LX_SEASON, Q_SUMMER, 0, NULL),
	CL("autumn", 0, Q_LX_SEASON, Q_FALL, 0, NULL),
	CL("fall", 0, Q_LX_SEASON, Q_FALL, 0, NULL),
	CL("winter", 0, Q_LX_SEASON, Q_WINTER, 0, NULL),
	/* units of time ("second" is also an ordinal, "quarter" a fraction) */
	CL("second", 0, Q_LX_TUNIT | Q_LX_ORDINAL, Q_SECOND, 2, NULL),
	TUNIT("seconds", Q_SECOND, Q_LX_PLURAL), TUNIT("minute", Q_MINUTE, 0),
	TUNIT("minutes", Q_MINUTE, Q_LX_PLURAL),
	CL("hour", Q_W_HOUR, Q_LX_TUNIT, Q_HOUR, 0, NULL),
	TUNIT("hours", Q_HOUR, Q_LX_PLURAL), CL("day", Q_W_DAY, Q_LX_TUNIT, Q_DAY, 0, NULL),
	TUNIT("days", Q_DAY, Q_LX_PLURAL), TUNIT("week", Q_WEEK, 0),
	TUNIT("weeks", Q_WEEK, Q_LX_PLURAL), TUNIT("weekend", Q_WEEKEND, 0),
	TUNIT("weekends", Q_WEEKEND, Q_LX_PLURAL),
	TUNIT("fortnight", Q_FORTNIGHT, 0),
	TUNIT("fortnights", Q_FORTNIGHT, Q_LX_PLURAL),
	TUNIT("month", Q_MONTH, 0), TUNIT("months", Q_MONTH, Q_LX_PLURAL),
	CL("quarter", 0, Q_LX_TUNIT | Q_LX_FRACTION, Q_QUARTER, 4, NULL),
	CL("quarters", 0, Q_LX_TUNIT | Q_LX_FRACTION | Q_LX_PLURAL, Q_QUARTER, 4,
	   NULL),
	CL("year", Q_W_YEAR, Q_LX_TUNIT, Q_YEAR, 0, NULL), TUNIT("years", Q_YEAR, Q_LX_PLURAL),
	TUNIT("decade", Q_DECADE, 0), TUNIT("decades", Q_DECADE, Q_LX_PLURAL),
	TUNIT("century", Q_CENTURY, 0),
	TUNIT("centuries", Q_CENTURY, Q_LX_PLURAL),
	/* parts of the day */
	CL("morning", 0, Q_LX_DAYPART, Q_MORNING, 0, NULL),
	CL("afternoon", 0, Q_LX_DAYPART, Q_AFTERNOON, 0, NULL),
	CL("evening", 0, Q_LX_DAYPART, Q_EVENING, 0, NULL),
	CL("night", 0, Q_LX_DAYPART, Q_NIGHT, 0, NULL),
	/* how often */
	CL("daily", 0, Q_LX_FREQUENCY, Q_DAY, 0, NULL),
	CL("nightly", 0, Q_LX_FREQUENCY, Q_DAY, 0, NULL),
	CL("weekly", 0, Q_LX_FREQUENCY, Q_WEEK, 0, NULL),
	CL("fortnightly", 0, Q_LX_FREQUENCY, Q_FORTNIGHT, 0, NULL),
	CL("monthly", 0, Q_LX_FREQUENCY, Q_MONTH, 0, NULL),
	CL("quarterly", 0, Q_LX_FREQUENCY, Q_QUARTER, 0, NULL),
	CL("yearly", 0, Q_LX_FREQUENCY, Q_YEAR, 0, NULL),
	CL("annually", 0, Q_LX_FREQUENCY, Q_YEAR, 0, NULL),
	CL("annual", 0, Q_LX_FREQUENCY, Q_YEAR, 0, NULL),
	CL("hourly", 0, Q_LX_FREQUENCY, Q_HOUR, 0, NULL),
	/* time zones: "Z" for the ones that are UTC */
	CL("utc", 0, Q_LX_ZONE, 0, 0, "Z"), CL("gmt", 0, Q_LX_ZONE, 0, 0, "Z"),
	CL("est", 0, Q_LX_ZONE, 0, 0, NULL), CL("edt", 0, Q_LX_ZONE, 0, 0, NULL),
	CL("cst", 0, Q_LX_ZONE, 0, 0, NULL), CL("cdt", 0, Q_LX_ZONE, 0, 0, NULL),
	CL("mst", 0, Q_LX_ZONE, 0, 0, NULL), CL("mdt", 0, Q_LX_ZONE, 0, 0, NULL),
	CL("pst", 0, Q_LX_ZONE, 0, 0, NULL), CL("pdt", 0, Q_LX_ZONE, 0, 0, NULL),
	CL("et", 0, Q_LX_ZONE, 0, 0, NULL), CL("bst", 0, Q_LX_ZONE, 0, 0, NULL),
	CL("cet", 0, Q_LX_ZONE, 0, 0, NULL), CL("cest", 0, Q_LX_ZONE, 0, 0, NULL),
	CL("jst", 0, Q_LX_ZONE, 0, 0, NULL), CL("kst", 0, Q_LX_ZONE, 0, 0, NULL),
	/* cardinal numbers */
	CARD("zero", 0), CL("one", Q_W_ONE, Q_LX_CARDINAL, 0, 1, NULL),
	CARD("two", 2), CARD("three", 3), CARD("four", 4), CARD("five", 5),
	CARD("six", 6), CARD("seven", 7), CARD("eight", 8), CARD("nine", 9),
	CARD("ten", 10), CARD("eleven", 11), CARD("twelve", 12),
	CARD("thirteen", 13), CARD("fourteen", 14), CARD("fifteen", 15),
	CARD("sixteen", 16), CARD("seventeen", 17), CARD("eighteen", 18),
	CARD("nineteen", 19), CARD("twenty", 20), CARD("thirty", 30),
	CARD("forty", 40), CARD("fifty", 50), CARD("sixty", 60),
	CARD("seventy", 70), CARD("eighty", 80), CARD("ninety", 90),
	SCALE("hundred", 2, 0), SCALE("thousand", 3, 0), SCALE("million", 6, 0),
	SCALE("billion", 9, 0), SCALE("trillion", 12, 0),
	SCALE("hundreds", 2, Q_LX_PLURAL), SCALE("thousands", 3, Q_LX_PLURAL),
	SCALE("millions", 6, Q_LX_PLURAL), SCALE("billions", 9, Q_LX_PLURAL),
	SCALE("trillions", 12, Q_LX_PLURAL),
	SCALE("bn", 9, Q_LX_SUFFIX), SCALE("mn", 6, Q_LX_SUFFIX),
	SCALE("tn", 12, Q_LX_SUFFIX),
	CL("dozen", Q_W_DOZEN, 0, 0, 12, NULL),
	CL("dozens", Q_W_DOZEN, Q_LX_PLURAL, 0, 12, NULL),
	/* ordinal numbers ("second" is above) */
	CL("first", Q_W_FIRST, Q_LX_ORDINAL, 0, 1, NULL),
	CL("third", 0, Q_LX_ORDINAL | Q_LX_FRACTION, 0, 3, NULL),
	CL("fourth", 0, Q_LX_ORDINAL | Q_LX_FRACTION, 0, 4, NULL),
	CL("fifth", 0, Q_LX_ORDINAL | Q_LX_FRACTION, 0, 5, NULL),
	CL("sixth", 0, Q_LX_ORDINAL | Q_LX_FRACTION, 0, 6, NULL),
	CL("seventh", 0, Q_LX_ORDINAL | Q_LX_FRACTION, 0, 7, NULL),
	CL("eighth", 0, Q_LX_ORDINAL | Q_LX_FRACTION, 0, 8, NULL),
	CL("ninth", 0, Q_LX_ORDINAL | Q_LX_FRACTION, 0, 9, NULL),
	CL("tenth", 0, Q_LX_ORDINAL | Q_LX_FRACTION, 0, 10, NULL),
	ORD("eleventh", 11), ORD("twelfth", 12), ORD("thirteenth", 13),
	ORD("fourteenth", 14), ORD("fifteenth", 15), ORD("sixteenth", 16),
	ORD("seventeenth", 17), ORD("eighteenth", 18), ORD("nineteenth", 19),
	ORD("twentieth", 20), ORD("thirtieth", 30), ORD("fortieth", 40),
	ORD("fiftieth", 50), ORD("sixtieth", 60), ORD("seventieth", 70),
	ORD("eightieth", 80), ORD("ninetieth", 90), ORD("hundredth", 100),
	ORD("thousandth", 1000), ORD("millionth", 1000000),
	/* fractions */
	CL("half", Q_W_HALF, Q_LX_FRACTION, 0, 2, NULL),
	CL("halves", Q_W_HALF, Q_LX_FRACTION | Q_LX_PLURAL, 0, 2, NULL),
	CL("thirds", 0, Q_LX_FRACTION | Q_LX_PLURAL, 0, 3, NULL),
	CL("fourths", 0, Q_LX_FRACTION | Q_LX_PLURAL, 0, 4, NULL),
	CL("fifths", 0, Q_LX_FRACTION | Q_LX_PLURAL, 0, 5, NULL),
	CL("tenths", 0, Q_LX_FRACTION | Q_LX_PLURAL, 0, 10, NULL),
	/* glued after a number: ordinal marks, decades, abbreviated scales */
	CL("st", Q_W_ORDINAL_SUFFIX, Q_LX_SUFFIX, 0, 0, NULL),
	CL("nd", Q_W_ORDINAL_SUFFIX, Q_LX_SUFFIX, 0, 0, NULL),
	CL("rd", Q_W_ORDINAL_SUFFIX, Q_LX_SUFFIX, 0, 0, NULL),
	CL("th", Q_W_ORDINAL_SUFFIX, Q_LX_SUFFIX, 0, 0, NULL),
	CL("s", Q_W_S, Q_LX_SUFFIX, 0, 0, NULL),
	CL("m", Q_W_LETTER_M, Q_LX_SUFFIX, 0, 6, NULL),
	CL("k", 0, Q_LX_SUFFIX, 0, 3, NULL), CL("b", 0, Q_LX_SUFFIX, 0, 9, NULL),
	ID("p", Q_W_LETTER_P),
	/* currencies */
	MONEY("dollar", "USD"), MONEY("dollars", "USD"), MONEY("euro", "EUR"),
	MONEY("euros", "EUR"), CL("pound", Q_W_POUND, Q_LX_CURRENCY, 0, 0, "GBP"),
	CL("pounds", Q_W_POUND, Q_LX_CURRENCY, 0, 0, "GBP"),
	CL("sterling", Q_W_STERLING, Q_LX_CURRENCY, 0, 0, "GBP"),
	MONEY("yen", "JPY"), MONEY("yuan", "CNY"), MONEY("renminbi", "CNY"),
	MONEY("rupee", "INR"), MONEY("rupees", "INR"),
	CL("won", 0, Q_LX_CURRENCY | Q_LX_PAST, 0, 0, "KRW"),
	MONEY("franc", "CHF"), MONEY("francs", "CHF"), MONEY("ruble", "RUB"),
	MONEY("rubles", "RUB"), MONEY("rouble", "RUB"), MONEY("roubles", "RUB"),
	MONEY("peso", "MXN"), MONEY("pesos", "MXN"), MONEY("rand", "ZAR"),
	MONEY("krona", "SEK"), MONEY("kronor", "SEK"), MONEY("krone", "NOK"),
	MONEY("kroner", "NOK"), MONEY("shekel", "ILS"), MONEY("shekels", "ILS"),
	MONEY("lira", "TRY"), MONEY("naira", "NGN"), MONEY("riyal", "SAR"),
	MONEY("riyals", "SAR"), MONEY("dirham", "AED"), MONEY("dirhams", "AED"),
	MONEY("baht", "THB"), MONEY("ringgit", "MYR"), MONEY("rupiah", "IDR"),
	CL("cent", Q_W_CENT, 0, 0, 0, NULL), CL("cents", Q_W_CENT, Q_LX_PLURAL, 0, 0, NULL),
	MONEY("usd", "USD"), MONEY("eur", "EUR"), MONEY("gbp", "GBP"),
	MONEY("jpy", "JPY"), MONEY("cny", "CNY"), MONEY("rmb", "CNY"),
	MONEY("inr", "INR"), MONEY("chf", "CHF"), MONEY("cad", "CAD"),
	MONEY("aud", "AUD"), MONEY("nzd", "NZD"), MONEY("hkd", "HKD"),
	MONEY("sgd", "SGD"), MONEY("krw", "KRW"), MONEY("rub", "RUB"),
	MONEY("brl", "BRL"), MONEY("mxn", "MXN"), MONEY("zar", "ZAR"),
	MONEY("sek", "SEK"), MONEY("nok", "NOK"), MONEY("dkk", "DKK"),
	/* units of measure, by their symbols */
	CL("kilometre", Q_W_KM, Q_LX_MEASURE, 0, 0, "km"),
	UNIT("kilometres", "km"), UNIT("kilometer", "km"),
	UNIT("kilometers", "km"), UNIT("km", "km"), UNIT("kms", "km"),
	UNIT("metre", "m"), UNIT("metres", "m"), UNIT("meter", "m"),
	UNIT("meters", "m"), UNIT("centimetre", "cm"), UNIT("centimetres", "cm"),
	UNIT("centimeter", "cm"), UNIT("centimeters", "cm"), UNIT("cm", "cm"),
	UNIT("millimetre", "mm"), UNIT("millimetres", "mm"),
	UNIT("millimeter", "mm"), UNIT("millimeters", "mm"), UNIT("mm", "mm"),
	CL("mile", Q_W_MILE, Q_LX_MEASURE, 0, 0, "mi"), UNIT("miles", "mi"),
	UNIT("foot", "ft"), UNIT("feet", "ft"), UNIT("ft", "ft"),
	UNIT("inch", "in"), UNIT("inches", "in"), UNIT("yard", "yd"),
	UNIT("yards", "yd"), UNIT("kilogram", "kg"), UNIT("kilograms", "kg"),
	UNIT("kilogramme", "kg"), UNIT("kilogrammes", "kg"), UNIT("kilo", "kg"),
	UNIT("kilos", "kg"), UNIT("kg", "kg"), UNIT("kgs", "kg"),
	UNIT("gram", "g"), UNIT("grams", "g"), UNIT("gramme", "g"),
	UNIT("grammes", "g"), UNIT("milligram", "mg"), UNIT("milligrams", "mg"),
	UNIT("mg", "mg"), UNIT("tonne", "t"), UNIT("tonnes", "t"),
	UNIT("ton", "t"), UNIT("tons", "t"), UNIT("lb", "lb"), UNIT("lbs", "lb"),
	UNIT("ounce", "oz"), UNIT("ounces", "oz"), UNIT("oz", "oz"),
	UNIT("litre", "L"), UNIT("litres", "L"), UNIT("liter", "L"),
	UNIT("liters", "L"), UNIT("millilitre", "mL"), UNIT("millilitres", "mL"),
	UNIT("ml", "mL"), UNIT("gallon", "gal"), UNIT("gallons", "gal"),
	UNIT("barrel", "bbl"), UNIT("barrels", "bbl"), UNIT("bbl", "bbl"),
	UNIT("hectare", "ha"), UNIT("hectares", "ha"), UNIT("acre", "acre"),
	UNIT("acres", "acre"), UNIT("watt", "W"), UNIT("watts", "W"),
	UNIT("kilowatt", "kW"), UNIT("kilowatts", "kW"), UNIT("kw", "kW"),
	UNIT("megawatt", "MW"), UNIT("megawatts", "MW"), UNIT("mw", "MW"),
	UNIT("gigawatt", "GW"), UNIT("gigawatts", "GW"), UNIT("gw", "GW"),
	UNIT("kwh", "kWh"), UNIT("mwh", "MWh"), UNIT("gwh", "GWh"),
	UNIT("twh", "TWh"), UNIT("volt", "V"), UNIT("volts", "V"),
	UNIT("kilovolt", "kV"), UNIT("kilovolts", "kV"), UNIT("kv", "kV"),
	UNIT("mph", "mph"), UNIT("kph", "km/h"), UNIT("knot", "kn"),
	UNIT("knots", "kn"), UNIT("byte", "B"), UNIT("bytes", "B"),
	UNIT("kilobyte", "kB"), UNIT("kilobytes", "kB"), UNIT("kb", "kB"),
	UNIT("megabyte", "MB"), UNIT("megabytes", "MB"), UNIT("mb", "MB"),
	UNIT("gigabyte", "GB"), UNIT("gigabytes", "GB"), UNIT("gb", "GB"),
	UNIT("terabyte", "TB"), UNIT("terabytes", "TB"), UNIT("tb", "TB"),
	UNIT("hertz", "Hz"), UNIT("hz", "Hz"), UNIT("kilohertz", "kHz"),
	UNIT("khz", "kHz"), UNIT("megahertz", "MHz"), UNIT("mhz", "MHz"),
	UNIT("gigahertz", "GHz"), UNIT("ghz", "GHz"),
	CL("degree", Q_W_DEGREE, Q_LX_MEASURE, 0, 0, "°"),
	CL("degrees", Q_W_DEGREE, Q_LX_MEASURE, 0, 0, "°"),
	CL("celsius", Q_W_CELSIUS, 0, 0, 0, "°C"),
	CL("centigrade", Q_W_CELSIUS, 0, 0, 0, "°C"),
	CL("fahrenheit", Q_W_FAHRENHEIT, 0, 0, 0, "°F"),
	ID("square", Q_W_SQUARE), ID("cubic", Q_W_CUBIC), ID("basis", Q_W_BASIS),
	ID("point", Q_W_POINT), ID("points", Q_W_POINT),
	ID("percentage", Q_W_PERCENTAGE),
	/* verbs of the past and words announcing the future, for tense */
	PAST("said"),
	PAST("told"), PAST("came"), PAST("went"), PAST("took"), PAST("made"),
	PAST("gave"), PAST("saw"), PAST("got"), PAST("began"), PAST("rose"),
	PAST("fell"), PAST("left"), PAST("met"), PAST("lost"), PAST("held"),
	PAST("sold"), PAST("bought"), PAST("paid"), PAST("spent"), PAST("built"),
	PAST("brought"), PAST("thought"), PAST("found"), PAST("became"),
	PAST("kept"), PAST("led"), PAST("ran"), PAST("wrote"), PAST("spoke"),
	PAST("grew"), PAST("knew"), PAST("felt"), PAST("stood"), PAST("sent"),
	PAST("fought"), PAST("struck"), PAST("shot"), PAST("died"),
	PAST("previously"), PAST("formerly"),
	CL("is", 0, Q_LX_COPULA, 0, 0, NULL), CL("are", 0, Q_LX_COPULA, 0, 0, NULL),
	CL("remain", 0, Q_LX_COPULA, 0, 0, NULL),
	CL("remains", 0, Q_LX_COPULA, 0, 0, NULL),
	CL("stay", 0, Q_LX_COPULA, 0, 0, NULL), CL("stays", 0, Q_LX_COPULA, 0, 0, NULL),
	FUTURE("will"), FUTURE("shall"),
	FUTURE("would"), FUTURE("ll"), FUTURE("going"), FUTURE("plans"),
	FUTURE("plan"), FUTURE("planned"), FUTURE("planning"), FUTURE("intends"),
	FUTURE("expected"), FUTURE("expects"), FUTURE("expect"),
	FUTURE("scheduled"), FUTURE("slated"), FUTURE("due"), FUTURE("upcoming"),
	FUTURE("forthcoming"), FUTURE("aims"), FUTURE("hopes"), FUTURE("set"),
	FUTURE("should"), FUTURE("might"),
	/* between a count and its unit: "six straight days" */
	CL("straight", 0, Q_LX_COUNTED, 0, 0, NULL),
	CL("consecutive", 0, Q_LX_COUNTED, 0, 0, NULL),
	CL("successive", 0, Q_LX_COUNTED, 0, 0, NULL),
	CL("full", 0, Q_LX_COUNTED, 0, 0, NULL),
	CL("whole", 0, Q_LX_COUNTED, 0, 0, NULL),
	CL("trading", 0, Q_LX_COUNTED, 0, 0, NULL),
	CL("business", 0, Q_LX_COUNTED, 0, 0, NULL),
	CL("working", 0, Q_LX_COUNTED, 0, 0, NULL),
	CL("calendar", 0, Q_LX_COUNTED, 0, 0, NULL),
	CL("additional", 0, Q_LX_COUNTED, 0, 0, NULL),
	CL("further", 0, Q_LX_COUNTED, 0, 0, NULL),
	CL("extra", 0, Q_LX_COUNTED, 0, 0, NULL),
	/* small words the grammars name */
	ID("the", Q_W_THE), CL("a", Q_W_A, 0, 0, 1, NULL),
	CL("an", Q_W_AN, 0, 0, 1, NULL), CL("of", Q_W_OF, Q_LX_PREP, 0, 0, NULL),
	ID("and", Q_W_AND),
	CL("in", Q_W_IN, Q_LX_PREP, 0, 0, NULL),
	CL("on", Q_W_ON, Q_LX_PREP, 0, 0, NULL),
	CL("at", Q_W_AT, Q_LX_PREP, 0, 0, NULL),
	CL("by", Q_W_BY, Q_LX_PREP, 0, 0, NULL),
	CL("was", 0, Q_LX_PAST | Q_LX_STRONG, 0, 0, NULL),
	CL("were", 0, Q_LX_PAST | Q_LX_STRONG, 0, 0, NULL),
	CL("had", 0, Q_LX_PAST | Q_LX_STRONG, 0, 0, NULL),
	CL("did", 0, Q_LX_PAST | Q_LX_STRONG, 0, 0, NULL),
	CL("for", Q_W_FOR, Q_LX_PREP, 0, 0, NULL),
	CL("to", Q_W_TO, Q_LX_PREP, 0, 0, NULL),
	CL("from", Q_W_FROM, Q_LX_PREP, 0, 0, NULL),
	CL("within", Q_W_WITHIN, Q_LX_PREP, 0, 0, NULL),
	CL("since", 0, Q_LX_PREP, 0, 0, NULL),
	CL("until", Q_W_UNTIL, Q_LX_PREP, 0, 0, NULL),
	CL("till", Q_W_UNTIL, Q_LX_PREP, 0, 0, NULL), CL("during", 0, Q_LX_PREP, 0, 0, NULL),
	CL("before", 0, Q_LX_PREP, 0, 0, NULL), CL("after", 0, Q_LX_PREP, 0, 0, NULL),
	CL("through", 0, Q_LX_PREP, 0, 0, NULL),
	CL("throughout", 0, Q_LX_PREP, 0, 0, NULL),
	CL("between", 0, Q_LX_PREP, 0, 0, NULL),
	CL("starting", 0, Q_LX_PREP, 0, 0, NULL),
	CL("circa", 0, Q_LX_PREP, 0, 0, NULL),
	CL("over", Q_W_OVER, Q_LX_APPROX, 0, 0, NULL),
	CL("under", 0, Q_LX_APPROX, 0, 0, NULL),
	CL("about", 0, Q_LX_APPROX, 0, 0, NULL),
	CL("around", 0, Q_LX_APPROX, 0, 0, NULL),
	CL("almost", 0, Q_LX_APPROX, 0, 0, NULL),
	CL("nearly", 0, Q_LX_APPROX, 0, 0, NULL),
	CL("roughly", 0, Q_LX_APPROX, 0, 0, NULL),
	CL("approximately", 0, Q_LX_APPROX, 0, 0, NULL),
	CL("some", 0, Q_LX_APPROX, 0, 0, NULL), CL("just", Q_W_JUST, Q_LX_APPROX, 0, 0, NULL),
	CL("below", 0, Q_LX_APPROX, 0, 0, NULL), CL("above", 0, Q_LX_APPROX, 0, 0, NULL),
	CL("only", 0, Q_LX_APPROX, 0, 0, NULL),
	ID("than", Q_W_THAN), ID("up", Q_W_UP), ID("least", Q_W_LEAST),
	ID("more", Q_W_MORE), ID("less", Q_W_LESS), ID("fewer", Q_W_LESS),
	ID("this", Q_W_THIS), ID("that", Q_W_THAT),
	CL("last", Q_W_LAST, 0, 0, 0, NULL), ID("next", Q_W_NEXT),
	ID("past", Q_W_PAST), ID("previous", Q_W_PREVIOUS),
	ID("coming", Q_W_COMING), ID("following", Q_W_FOLLOWING),
	ID("same", Q_W_SAME), ID("early", Q_W_EARLY), ID("late", Q_W_LATE),
	ID("mid", Q_W_MID), CL("earlier", Q_W_EARLIER, Q_LX_PAST, 0, 0, NULL),
	ID("later", Q_W_LATER), ID("end", Q_W_END), ID("beginning", Q_W_BEGINNING),
	ID("start", Q_W_START), ID("middle", Q_W_MIDDLE),
	CL("ago", Q_W_AGO, Q_LX_PAST, 0, 0, NULL), ID("every", Q_W_EVERY),
	ID("each", Q_W_EACH), ID("per", Q_W_PER), ID("today", Q_W_TODAY),
	ID("tonight", Q_W_TONIGHT), CL("tomorrow", Q_W_TOMORROW, Q_LX_FUTURE, 0, 0, NULL),
	CL("yesterday", Q_W_YESTERDAY, Q_LX_PAST, 0, 0, NULL), ID("now", Q_W_NOW),
	ID("currently", Q_W_CURRENTLY), ID("nowadays", Q_W_NOWADAYS),
	ID("present", Q_W_PRESENT), ID("recently", Q_W_RECENTLY),
	ID("recent", Q_W_RECENT), ID("soon", Q_W_SOON), ID("future", Q_W_FUTURE),
	ID("noon", Q_W_NOON), ID("midday", Q_W_NOON), ID("midnight", Q_W_MIDNIGHT),
	ID("am", Q_W_AM), ID("pm", Q_W_PM), ID("o", Q_W_O), ID("clock", Q_W_CLOCK),
	ID("local", Q_W_LOCAL), ID("time", Q_W_TIME), ID("times", Q_W_TIMES),
	ID("once", Q_W_ONCE), ID("twice", Q_W_TWICE), ID("thrice", Q_W_THRICE),
	ID("several", Q_W_SEVERAL), ID("few", Q_W_FEW), ID("many", Q_W_MANY),
	ID("couple", Q_W_COUPLE), ID("percent", Q_W_PERCENT),
	ID("pct", Q_W_PCT), ID("fiscal", Q_W_FISCAL), ID("christmas", Q_W_CHRISTMAS),
	ID("eve", Q_W_EVE), ID("new", Q_W_NEW), ID("halloween", Q_W_HALLOWEEN),
	ID("thanksgiving", Q_W_THANKSGIVING), ID("easter", Q_W_EASTER),
	ID("valentine", Q_W_VALENTINE), ID("no", Q_W_NO), ID("another", Q_W_ANOTHER),
	ID("any", Q_W_ANY), ID("other", Q_W_OTHER), ID("which", Q_W_WHICH),
	ID("term", Q_W_TERM), CL("long", Q_W_LONG, Q_LX_COUNTED, 0, 0, NULL), ID("near", Q_W_NEAR),
	ID("short", Q_W_SHORT), ID("being", Q_W_BEING),
	CL("be", Q_W_BE, Q_LX_COPULA, 0, 0, NULL), ID("old", Q_W_OLD), ID("q", Q_W_Q), ID("as", Q_W_AS),
};

/*
 * The lexicon is looked up by a word's shape — first letter, last letter,
 * length — which splits its few hundred words into buckets of one to
 * three: bucket[f][l][n] is where the bucket starts in by_shape (+ 1, 0
 * when no word has that shape), and bit n of present[f][l] says whether
 * it exists.  A word of a shape no known word has (most words of a text)
 * costs one load from a table that stays in the first-level cache; a
 * known shape costs a comparison or three.  Built once; read-only after.
 */
static uint16_t present[26][26];
static uint16_t bucket[26][26][LEX_MAX_LEN];
static uint16_t by_shape[COUNT(lexicon)];
static uint16_t shape_at[COUNT(lexicon)]; /* the shape of by_shape[k] */
static uint8_t opens_at[COUNT(lexicon)];  /* Q_OPENS_* of lexicon[k] */
static pthread_once_t lex_once = PTHREAD_ONCE_INIT;

static unsigned shape_of(const char *w, size_t n)
{
	return (((unsigned)(w[0] - 'a') * 26 + (unsigned)(w[n - 1] - 'a')) * LEX_MAX_LEN) + (unsigned)n;
}

/*
 * Which expressions a known word may open.  A time expression: a month,
 * weekday, season, unit of time, number ("five years"), "the" ("the past
 * year"), "last", "every", "today", … A number: a number word, a
 * currency code, "twice", "dozens", "a" ("a dozen", "a third of").
 */
static uint8_t opens_of(const struct q_lexeme *lx)
{
	static const uint16_t time_words[] = {
		Q_W_THE, Q_W_THIS, Q_W_LAST, Q_W_NEXT, Q_W_PAST, Q_W_PREVIOUS, Q_W_COMING,
		Q_W_EARLY, Q_W_LATE, Q_W_MID, Q_W_EARLIER, Q_W_LATER, Q_W_MORE, Q_W_LESS,
		Q_W_AT, Q_W_UP, Q_W_EVERY, Q_W_EACH, Q_W_ONCE, Q_W_TWICE, Q_W_THRICE,
		Q_W_PER, Q_W_TODAY, Q_W_TONIGHT, Q_W_TOMORROW, Q_W_YESTERDAY, Q_W_NOW,
		Q_W_CURRENTLY, Q_W_NOWADAYS, Q_W_RECENTLY, Q_W_RECENT, Q_W_SOON, Q_W_THAT,
		Q_W_NOON, Q_W_MIDNIGHT, Q_W_CHRISTMAS, Q_W_NEW, Q_W_THANKSGIVING,
		Q_W_HALLOWEEN, Q_W_VALENTINE, Q_W_EASTER, Q_W_FISCAL, Q_W_Q,
		Q_W_SEVERAL, Q_W_FEW, Q_W_MANY, Q_W_A, Q_W_AN,
	};
	uint8_t o = 0;
	if (lx->cls & (Q_LX_MONTH | Q_LX_WEEKDAY | Q_LX_SEASON | Q_LX_FREQUENCY |
		       Q_LX_APPROX | Q_LX_TUNIT | Q_LX_CARDINAL | Q_LX_ORDINAL))
		o |= Q_OPENS_TIME;
	for (size_t k = 0; k < COUNT(time_words); k++)
		if (lx->id == time_words[k])
			o |= Q_OPENS_TIME;
	if (lx->cls & (Q_LX_CARDINAL | Q_LX_ORDINAL | Q_LX_SCALE | Q_LX_FRACTION |
		       Q_LX_CURRENCY) ||
	    lx->id == Q_W_A || lx->id == Q_W_AN || lx->id == Q_W_TWICE ||
	    lx->id == Q_W_THRICE || lx->id == Q_W_DOZEN)
		o |= Q_OPENS_NUMBER;
	return o;
}

static void lexicon_build(void)
{
	size_t count = COUNT(lexicon), k = 0;
	/* by_shape: the lexicon's indexes ordered by shape (a counting sort) */
	static uint16_t starts[26 * 26 * LEX_MAX_LEN + 1];
	for (size_t i = 0; i < count; i++)
		starts[shape_of(lexicon[i].word, strlen(lexicon[i].word)) + 1]++;
	for (size_t sh = 1; sh <= 26 * 26 * LEX_MAX_LEN; sh++)
		starts[sh] = (uint16_t)(starts[sh] + starts[sh - 1]);
	for (size_t i = 0; i < count; i++) {
		const char *w = lexicon[i].word;
		size_t n = strlen(w);
		unsigned sh = shape_of(w, n);
		shape_at[starts[sh]] = (uint16_t)sh;
		opens_at[i] = opens_of(&lexicon[i]);
		by_shape[starts[sh]++] = (uint16_t)i;
		present[w[0] - 'a'][w[n - 1] - 'a'] |= (uint16_t)(1u << n);
	}
	/* starts[sh] now ends each bucket; the first word of each is its start */
	for (k = 0; k < count; k++) {
		const char *w = lexicon[by_shape[k]].word;
		size_t n = strlen(w);
		uint16_t *b = &bucket[w[0] - 'a'][w[n - 1] - 'a'][n];
		if (*b == 0)
			*b = (uint16_t)(k + 1);
	}
}

/* The lexeme of a word of len ASCII letters in any case (0 < len <
 * LEX_MAX_LEN; the lexicon built). */
static const struct q_lexeme *lookup(const char *w, size_t len)
{
	unsigned f = ((unsigned char)w[0] | 0x20) - 'a';
	unsigned l = ((unsigned char)w[len - 1] | 0x20) - 'a';
	if (!(present[f][l] >> len & 1))
		return NULL;
	unsigned sh = (f * 26 + l) * LEX_MAX_LEN + (unsigned)len;
	for (size_t k = bucket[f][l][len] - 1; k < COUNT(lexicon) && shape_at[k] == sh; k++) {
		const struct q_lexeme *lx = &lexicon[by_shape[k]];
		const char *v = lx->word;
		size_t i = 1;
		while (i + 1 < len && v[i] == (w[i] | 0x20))
			i++;
		if (i + 1 >= len)
			return lx;
	}
	return NULL;
}

const struct q_lexeme *q_lexicon_find(const char *word, size_t len)
{
	pthread_once(&lex_once, lexicon_build);
	if (len == 0 || len >= LEX_MAX_LEN)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)word[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return NULL;
	}
	return lookup(word, len);
}

/* ---- the scanner ------------------------------------------------------ */

enum { B_OTHER, B_SPACE, B_DIGIT, B_UPPER, B_LOWER, B_HIGH };

static const unsigned char byte_class[256] = {
	[' '] = B_SPACE, ['\t'] = B_SPACE, ['\n'] = B_SPACE, ['\r'] = B_SPACE,
	['\f'] = B_SPACE, ['\v'] = B_SPACE, ['0' ... '9'] = B_DIGIT,
	['A' ... 'Z'] = B_UPPER, ['a' ... 'z'] = B_LOWER, [0x80 ... 0xFF] = B_HIGH,
};

static const unsigned char ascii_letter[256] = {
	['A' ... 'Z'] = 1, ['a' ... 'z'] = 1,
};

/* No-break and typographic spaces count as whitespace. */
static int is_space_cp(uint32_t cp)
{
	return cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
	       cp == 0x3000;
}

/* Letters beyond ASCII: all but Latin-1 signs, general punctuation,
 * currency and letterlike symbols, arrows, math and CJK punctuation. */
static int is_letter_cp(uint32_t cp)
{
	return cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 &&
	       !(cp >= 0x2000 && cp <= 0x2BFF) && !(cp >= 0x3000 && cp <= 0x303F) &&
	       cp != 0xFEFF;
}

static uint32_t decode_at(const char *text, size_t i, size_t end, size_t *w)
{
	uint32_t cp;
	size_t n = q_utf8_decode((const unsigned char *)text + i, end - i, &cp);
	if (n == 0) {
		*w = 1;
		return 0xFFFD;
	}
	*w = n;
	return cp;
}

/*
 * A word: ASCII letters in a tight loop, letters beyond ASCII the slow
 * way.  Its case is read from its first two letters: a capital then a
 * capital is an acronym or a code ("USA", "UTC"), a capital alone a
 * capitalised word.
 */
static size_t scan_word(const char *text, size_t i, size_t end,
			struct q_tok *t)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t w;
	int ascii = 1;
	while (i < end && ascii_letter[s[i]])
		i++;
	/* letters beyond ASCII: "café", "Zürich" */
	while (i < end && s[i] >= 0x80 && is_letter_cp(decode_at(text, i, end, &w))) {
		ascii = 0;
		i += w;
		while (i < end && ascii_letter[s[i]])
			i++;
	}
	size_t letters = i - t->b;
	t->e = (uint32_t)i;
	t->kind = Q_TOK_WORD;
	if (byte_class[s[t->b]] != B_UPPER)
		t->ucase = Q_CASE_LOWER;
	else if (letters > 1 && byte_class[s[t->b + 1]] == B_UPPER)
		t->ucase = Q_CASE_UPPER;
	else
		t->ucase = Q_CASE_TITLE;
	if (ascii && letters < LEX_MAX_LEN && (t->lx = lookup(text + t->b, letters)))
		t->opens = opens_at[t->lx - lexicon];
	return i;
}

/* Digits, thousands groups ("210,000": a comma and exactly three digits)
 * and a decimal part ("2.5"). */
static size_t scan_number(const char *text, size_t i, size_t end,
			  struct q_tok *t)
{
	const unsigned char *s = (const unsigned char *)text;
	uint64_t mant = 0;
	size_t digits = 0, decimals = 0;
	int grouped = 0, exact = 1;
	for (;;) {
		while (i < end && byte_class[s[i]] == B_DIGIT) {
			if (mant > (UINT64_MAX - 9) / 10)
				exact = 0;
			else
				mant = mant * 10 + (s[i] - '0');
			digits++;
			i++;
		}
		if (i + 3 < end && s[i] == ',' && decimals == 0 &&
		    byte_class[s[i + 1]] == B_DIGIT && byte_class[s[i + 2]] == B_DIGIT &&
		    byte_class[s[i + 3]] == B_DIGIT &&
		    (i + 4 >= end || byte_class[s[i + 4]] != B_DIGIT)) {
			grouped = 1;
			i++;
			continue;
		}
		break;
	}
	if (i + 1 < end && s[i] == '.' && byte_class[s[i + 1]] == B_DIGIT) {
		i++;
		while (i < end && byte_class[s[i]] == B_DIGIT) {
			if (mant > (UINT64_MAX - 9) / 10)
				exact = 0;
			else
				mant = mant * 10 + (s[i] - '0');
			decimals++;
			i++;
		}
	}
	t->e = (uint32_t)i;
	t->kind = Q_TOK_NUM;
	t->digits = (uint8_t)(digits > 255 ? 255 : digits);
	t->decimals = (uint8_t)(decimals > 255 ? 255 : decimals);
	t->grouped = (uint8_t)grouped;
	/* A number too long to hold is kept as a token with no value. */
	t->mant = exact ? mant : 0;
	if (!exact)
		t->digits = 255;
	return i;
}

/* An apostrophe may open a year ("'82"), a currency sign a sum. */
static uint8_t punct_opens(uint32_t cp)
{
	switch (cp) {
	case '\'': case 0x2018: case 0x2019:
		return Q_OPENS_TIME;
	case '$': case 0xA3: case 0xA5: case 0x20AC: case 0x20B9: case 0x20A9:
	case 0x20BD: case 0x20AA: case 0x20BA: case 0x20A6:
		return Q_OPENS_NUMBER;
	default:
		return 0;
	}
}

size_t q_tok_scan(const char *text, size_t *pos, size_t end,
		  struct q_tok *out, size_t cap)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = *pos, n = 0, w = 1;
	int space = 0;
	pthread_once(&lex_once, lexicon_build);
	while (i < end && n < cap) {
		unsigned char c = byte_class[s[i]];
		if (c == B_SPACE) {
			space = 1;
			i++;
			continue;
		}
		uint32_t cp = c == B_HIGH ? decode_at(text, i, end, &w) : s[i];
		if (c == B_HIGH && is_space_cp(cp)) {
			space = 1;
			i += w;
			continue;
		}
		struct q_tok *t = &out[n++];
		t->b = (uint32_t)i;
		t->space = (uint8_t)space;
		t->ucase = Q_CASE_LOWER;
		t->digits = t->grouped = t->decimals = 0;
		t->cp = 0;
		t->mant = 0;
		t->lx = NULL;
		t->opens = 0;
		space = 0;
		if (c == B_UPPER || c == B_LOWER || (c == B_HIGH && is_letter_cp(cp))) {
			i = scan_word(text, i, end, t);
		} else if (c == B_DIGIT) {
			i = scan_number(text, i, end, t);
			t->opens = Q_OPENS_TIME | Q_OPENS_NUMBER;
		} else {
			t->kind = Q_TOK_PUNCT;
			t->cp = cp;
			i += c == B_HIGH ? w : 1;
			t->e = (uint32_t)i;
			t->opens = punct_opens(cp);
		}
	}
	*pos = i;
	return n;
}

double q_tok_value(const struct q_tok *t, int power)
{
	/* Powers of ten up to 10^22 are exact doubles: one rounding at most. */
	static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
				     1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
				     1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
				     1e18, 1e19, 1e20, 1e21, 1e22};
	int e = power - (int)t->decimals;
	double m = (double)t->mant;
	if (e >= 0)
		return e < (int)COUNT(p10) ? m * p10[e] : m * pow(10, e);
	return -e < (int)COUNT(p10) ? m / p10[-e] : m * pow(10, e);
}

/* Tokens held at once; a longer sentence is read in blocks. */
#define BLOCK_TOKENS 2048

int q_tok_read(struct q_doc *doc, struct q_tok_reader *readers, size_t count,
	       struct q_error *err)
{
	struct q_tok *toks = malloc(BLOCK_TOKENS * sizeof(*toks));
	int rc = 0;
	if (!toks)
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	for (size_t s = 0; s < doc->sentences.count && !rc; s++) {
		const struct q_span *sp = &doc->sentences.items[s].span;
		size_t pos = sp->bstart;
		while (pos < sp->bend && !rc) {
			size_t n = q_tok_scan(doc->text.ptr, &pos, sp->bend, toks, BLOCK_TOKENS);
			for (size_t k = 0; k < count && n && !rc; k++)
				rc = readers[k].block(readers[k].ctx, s, toks, n, err);
		}
	}
	free(toks);
	return rc;
}

/* ---- numbers in words ------------------------------------------------- */

static int is_cardinal_word(const struct q_tok *t)
{
	return t->kind == Q_TOK_WORD && q_tok_has(t, Q_LX_CARDINAL) &&
	       !q_tok_is(t, Q_W_A) && !q_tok_is(t, Q_W_AN);
}

static int is_scale_word(const struct q_tok *t)
{
	return t->kind == Q_TOK_WORD && q_tok_has(t, Q_LX_SCALE) &&
	       !q_tok_has(t, Q_LX_PLURAL | Q_LX_SUFFIX);
}

/* "and a half" after a number: the half, and the index past it. */
static size_t and_a_half(const struct q_tok *t, size_t n, size_t i)
{
	if (i + 2 < n && q_tok_is(&t[i], Q_W_AND) &&
	    (q_tok_is(&t[i + 1], Q_W_A) || q_tok_is(&t[i + 1], Q_W_ONE)) &&
	    q_tok_is(&t[i + 2], Q_W_HALF) && !q_tok_has(&t[i + 2], Q_LX_PLURAL))
		return i + 3;
	return 0;
}

/* A number in digits, then a scale word: "1.3 million", "40bn". */
static size_t digits_phrase(const struct q_tok *t, size_t n, size_t i,
			    double *value)
{
	int power = 0;
	size_t j = i + 1;
	if (t[i].digits == 255)
		return 0;
	if (j < n && t[j].kind == Q_TOK_WORD && q_tok_has(&t[j], Q_LX_SCALE) &&
	    !q_tok_has(&t[j], Q_LX_PLURAL)) {
		power = (int)t[j].lx->num;
		j++;
	}
	*value = q_tok_value(&t[i], power);
	return j;
}

/* Cardinal words: units and tens ("twenty-five"), "hundred", the scales
 * above it, "dozen", and "and" inside ("two hundred and fifty"). */
static size_t words_phrase(const struct q_tok *t, size_t n, size_t i,
			   double *value)
{
	double total = 0, cur = 0;
	size_t j = i, end = 0;
	int last = 0; /* 0 none, 1 units or teens, 2 tens, 3 hundred, 4 scale */
	if (q_tok_is(&t[i], Q_W_A) || q_tok_is(&t[i], Q_W_AN)) {
		if (i + 1 >= n || !(is_scale_word(&t[i + 1]) ||
				    (q_tok_is(&t[i + 1], Q_W_DOZEN) &&
				     !q_tok_has(&t[i + 1], Q_LX_PLURAL))))
			return 0;
		cur = 1;
		last = 1;
		j = end = i + 1;
	}
	while (j < n) {
		const struct q_tok *w = &t[j];
		if (is_cardinal_word(w)) {
			double v = w->lx->num;
			/* After units or teens no other number word; after
			 * tens only units ("twenty five"). */
			if (last == 1 || (last == 2 && v >= 10))
				break;
			cur += v;
			last = v >= 20 ? 2 : 1;
		} else if (is_scale_word(w) && (last != 0)) {
			double p = w->lx->num;
			if (p == 2) {
				if (last == 3 || (last == 4 && cur == 0))
					break;
				cur = (cur ? cur : 1) * 100;
				last = 3;
			} else {
				static const double pw[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
							    1e9, 1e10, 1e11, 1e12};
				total += (cur ? cur : 1) * pw[(int)p];
				cur = 0;
				last = 4;
			}
		} else if (q_tok_is(w, Q_W_DOZEN) && !q_tok_has(w, Q_LX_PLURAL) &&
			   last != 0) {
			cur = (cur ? cur : 1) * 12;
			last = 4;
		} else if (w->kind == Q_TOK_PUNCT && w->cp == '-' && last == 2 &&
			   !w->space && j + 1 < n && !t[j + 1].space &&
			   is_cardinal_word(&t[j + 1]) && t[j + 1].lx->num < 10) {
			j++;
			continue;
		} else if (q_tok_is(w, Q_W_AND) && (last == 3 || last == 4) &&
			   j + 1 < n && is_cardinal_word(&t[j + 1])) {
			j++;
			continue;
		} else {
			break;
		}
		j++;
		end = j;
	}
	if (end == 0 || last == 0)
		return 0;
	*value = total + cur;
	return end;
}

size_t q_number_phrase(const struct q_tok *t, size_t n, size_t i,
		       double *value)
{
	size_t end;
	if (i >= n)
		return 0;
	if (t[i].kind == Q_TOK_NUM)
		end = digits_phrase(t, n, i, value);
	else if (t[i].kind == Q_TOK_WORD && t[i].lx)
		end = words_phrase(t, n, i, value);
	else
		return 0;
	if (end) {
		size_t h = and_a_half(t, n, end);
		if (h) {
			*value += 0.5;
			end = h;
		}
	}
	return end;
}

/* ---- the calendar ----------------------------------------------------- */

/* Howard Hinnant's days_from_civil and civil_from_days. */
long q_cal_days(int y, int m, int d)
{
	long yy = y - (m <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void q_cal_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int q_cal_weekday(long days)
{
	/* 1970-01-01 was a Thursday. */
	long w = (days + 3) % 7;
	if (w < 0)
		w += 7;
	return (int)w + 1;
}

long q_cal_iso_monday(int y, int w)
{
	/* Week 1 holds January 4th. */
	long jan4 = q_cal_days(y, 1, 4);
	return jan4 - (q_cal_weekday(jan4) - 1) + 7L * (w - 1);
}

void q_cal_iso_week(long days, int *year, int *week)
{
	int y, m, d;
	q_cal_from_days(days + 4 - q_cal_weekday(days), &y, &m, &d);
	/* The Thursday of the week decides its year. */
	*year = y;
	*week = (int)((days - q_cal_iso_monday(y, 1)) / 7) + 1;
}

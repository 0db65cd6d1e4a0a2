/* test_json.c — the JSON converter: quarry's writer against jansson's
 * own dump (same bytes), escapes, and the reader's errors. */
#include "converters/converters.h"
#include "tests/check.h"

#include <math.h>
#include <stdlib.h>

static char *ours(json_t *v, int compact)
{
	struct q_buf b;
	struct q_error err;
	struct q_emit_opts opts = {.compact = compact};
	q_buf_init(&b, 0);
	q_error_init(&err);
	q_json_emit(v, &opts, &b, &err);
	return b.data;
}

static char *theirs(json_t *v, int compact)
{
	char *s = json_dumps(v, (compact ? JSON_COMPACT : JSON_INDENT(2)) |
				       JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY);
	size_t n = strlen(s);
	char *t = malloc(n + 2);
	memcpy(t, s, n);
	t[n] = '\n';
	t[n + 1] = '\0';
	free(s);
	return t;
}

static void same_as_jansson(const char *name, const char *json)
{
	json_error_t e;
	json_t *v = json_loads(json, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	for (int compact = 0; compact < 2; compact++) {
		char label[96];
		snprintf(label, sizeof(label), "writer %s %s", name, compact ? "compact" : "pretty");
		char *a = ours(v, compact), *b = theirs(v, compact);
		CHECK(label, v && a && b && strcmp(a, b) == 0);
		if (v && a && b && strcmp(a, b) != 0)
			printf("  ours:   %s  theirs: %s", a, b);
		free(a);
		free(b);
	}
	json_decref(v);
}

static void test_writer(void)
{
	same_as_jansson("scalars", "[null, true, false, 0, -1, 9223372036854775807, -9223372036854775808]");
	same_as_jansson("reals", "[0.5, -2.0, 1e300, 1.5e-10, 2.5e-300, -1e-7, 100.0, 1e15, 1e16]");
	same_as_jansson("empty containers", "{\"a\": {}, \"b\": [], \"c\": [[], {}]}");
	same_as_jansson("escapes", "[\"quote \\\" backslash \\\\ slash / nl \\n tab \\t cr \\r\", "
				   "\"\\b\\f\\u0001\\u001f\\u007f\", \"\\u0000 nul\"]");
	same_as_jansson("unicode", "[\"caf\\u00e9 \\u2014 \\ud83d\\ude00\", \"\\u2028\\u2029\"]");
	same_as_jansson("nesting", "{\"k\": [1, {\"x\": [2, [3, {\"y\": null}]]}], \"\": \"empty key\"}");
	same_as_jansson("top-level string", "\"just a string\"");
	/* Deeper than the 32 spaces the writer indents with in one piece. */
	same_as_jansson("deep nesting", "[[[[[[[[[[[[[[[[[[[[1, {\"a\": [2]}]]]]]]]]]]]]]]]]]]]]");
}

/* The writer passes plain bytes eight at a time: every byte that needs an
 * escape, and its plain neighbours, at every place in and after a word. */
static void test_escapes_everywhere(void)
{
	static const unsigned char special[] = {0x01, 0x08, '\t', '\n', 0x0C, '\r', 0x1F, 0x20,
						 '!', '"', '#', '[', '\\', ']', 0x7F};
	int ok = 1;
	for (size_t k = 0; k < sizeof(special); k++)
		for (size_t at = 0; at < 20; at++) {
			char text[24];
			memset(text, 'a', sizeof(text));
			text[at] = (char)special[k];
			json_t *v = json_stringn(text, sizeof(text));
			char *a = ours(v, 1), *b = theirs(v, 1);
			ok &= a && b && strcmp(a, b) == 0;
			free(a);
			free(b);
			json_decref(v);
		}
	CHECK("writer escapes at every offset", ok);
}

/* Doubles print in their shortest exact form and read back unchanged. */
static void test_reals(void)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{0.1, "0.1"},
		{0.1 + 0.2, "0.30000000000000004"},
		{3.141592653589793, "3.141592653589793"},
		{1.0 / 3.0, "0.3333333333333333"},
		{5e-324, "5e-324"},
		{1.7976931348623157e308, "1.7976931348623157e308"},
		{-0.0, "-0.0"},
		{123456789012345680.0, "1.2345678901234568e17"},
		{2.0, "2.0"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[32], name[64];
		q_format_double(cases[i].v, out);
		snprintf(name, sizeof(name), "shortest double %s", cases[i].want);
		CHECK_STR(name, out, cases[i].want);
		snprintf(name, sizeof(name), "double reads back %s", cases[i].want);
		CHECK(name, strtod(out, NULL) == cases[i].v);
	}
}

/* The form of the slow, obviously right search, to check the fast path. */
static void reference_double(double v, char out[40])
{
	int p = 1;
	for (; p < 17; p++) {
		snprintf(out, 40, "%.*g", p, v);
		if (strtod(out, NULL) == v)
			break;
	}
	char e[32];
	snprintf(e, sizeof(e), "%.*e", p - 1, v);
	int exponent = atoi(strchr(e, 'e') + 1);
	if (exponent >= p && exponent < 15)
		p = exponent + 1;
	snprintf(out, 40, "%.*g", p, v);
	char *x = strchr(out, 'e');
	if (x) { /* the same tidy exponent */
		char *d = x + 1, *src = x + 1;
		if (*src == '+')
			src++;
		else if (*src == '-')
			d++, src++;
		while (*src == '0' && src[1])
			src++;
		memmove(d, src, strlen(src) + 1);
	}
	if (!strpbrk(out, ".eEn"))
		strcat(out, ".0");
}

static void test_reals_random(void)
{
	unsigned long long seed = 88172645463325252ULL;
	int bad = 0;
	for (int i = 0; i < 200000 && bad < 5; i++) {
		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		double v;
		switch (i % 4) {
		case 0: /* short decimals, as data holds them */
			v = (double)(long long)(seed % 100000000) / pow(10, (double)((seed >> 40) % 9));
			break;
		case 1: /* any bit pattern */
			memcpy(&v, &seed, sizeof(v));
			if (!isfinite(v))
				continue;
			break;
		case 2:
			v = (double)(seed % 1000000) * 1e-6 - 0.5;
			break;
		default:
			v = (double)seed / 3.0;
			break;
		}
		char got[32], want[40];
		q_format_double(v, got);
		reference_double(v, want);
		if (strcmp(got, want) != 0 || strtod(got, NULL) != v) {
			printf("  %.17g: got %s, want %s\n", v, got, want);
			bad++;
		}
	}
	CHECK("shortest doubles agree with the slow search on 200000 values", bad == 0);
}

static int read_one(const char *text, json_t **v, struct q_error *err)
{
	size_t pos = 0;
	q_error_init(err);
	return q_json_read(text, strlen(text), &pos, "in.json", v, err);
}

static void test_reader(void)
{
	struct q_error err;
	json_t *v = NULL;
	CHECK("read object", read_one("  {\"a\": 1}\n", &v, &err) == 0 && json_is_object(v));
	json_decref(v);
	CHECK("read duplicate key refused",
	      read_one("{\"a\": 1, \"a\": 2}", &v, &err) == Q_ESYNTAX && strstr(err.message, "duplicate"));
	CHECK("read error position",
	      read_one("{\n  \"a\": tru\n}", &v, &err) == Q_ESYNTAX && err.line == 2 && err.column > 1);
	CHECK("read garbage stuck to a value",
	      read_one("{\"a\": 1}x", &v, &err) == Q_ESYNTAX && strstr(err.message, "after a complete value"));
	CHECK("read garbage after a value on its line",
	      read_one("{\"a\": 1} x", &v, &err) == Q_ESYNTAX && err.line == 1 && err.column == 10);
	CHECK("read a second value on the same line refused",
	      read_one("{\"a\": 1} \"x\"", &v, &err) == Q_ESYNTAX &&
		      strstr(err.message, "after a complete value"));
	const char *two = "{\"a\": 1}\n x";
	size_t at = 0;
	q_error_init(&err);
	int first = q_json_read(two, strlen(two), &at, "in.json", &v, &err);
	json_decref(v);
	CHECK("read garbage on the next line",
	      first == 0 && q_json_read(two, strlen(two), &at, "in.json", &v, &err) == Q_ESYNTAX &&
		      err.line == 2 && err.column >= 2);
	CHECK("read skips a leading BOM", read_one("\xEF\xBB\xBF{}", &v, &err) == 0 && json_is_object(v));
	json_decref(v);
	/* A stream of values: NDJSON. */
	const char *nd = "{\"n\": 1}\n{\"n\": 2}\n\n{\"n\": 3}\n";
	size_t pos = 0, count = 0;
	q_error_init(&err);
	for (;;) {
		if (q_json_read(nd, strlen(nd), &pos, "in.ndjson", &v, &err) || !v)
			break;
		count += json_integer_value(json_object_get(v, "n")) == (json_int_t)(count + 1);
		json_decref(v);
	}
	CHECK("read ndjson stream", count == 3 && pos == strlen(nd) && !err.code);
	/* Nesting past the limit is refused with a clear error. */
	struct q_buf deep;
	q_buf_init(&deep, 0);
	for (int i = 0; i < Q_MAX_DEPTH + 1; i++)
		q_buf_putc(&deep, '[');
	for (int i = 0; i < Q_MAX_DEPTH + 1; i++)
		q_buf_putc(&deep, ']');
	CHECK("read depth limit",
	      read_one(deep.data, &v, &err) == Q_EDATA && strstr(err.message, "nested deeper"));
	q_buf_release(&deep);
	CHECK("read empty input gives no value", read_one("  \n", &v, &err) == 0 && v == NULL);
}

int main(void)
{
	test_writer();
	test_escapes_everywhere();
	test_reals();
	test_reals_random();
	test_reader();
	return CHECK_DONE();
}

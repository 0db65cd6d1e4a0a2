/*
 * test_yaml.c — the YAML converter: quoting that is safe for YAML 1.1 and
 * 1.2 readers, JSON → YAML → JSON without loss (chosen values, random
 * strings, every document of the corpus through the IR), the core schema,
 * streams, anchors, merge keys, and the reader's errors and limits.
 */
#include "converters/converters.h"
#include "extract/extract.h"
#include "tests/check.h"
#include "tests/extract_check.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>

static char *emit_text(json_t *v)
{
	struct q_buf b;
	struct q_error err;
	q_buf_init(&b, 0);
	q_error_init(&err);
	if (q_yaml_emit(v, NULL, &b, &err)) {
		q_buf_release(&b);
		return NULL;
	}
	return b.data;
}

static int read_text(const char *text, size_t len, json_t **v, struct q_error *err)
{
	size_t pos = 0;
	q_error_init(err);
	return q_yaml_read(text, len, &pos, "in.yaml", v, err);
}

/* Emits v, reads it back; 1 when the value survives. */
static int survives(json_t *v, char **yaml_out)
{
	struct q_error err;
	json_t *back = NULL;
	char *text = emit_text(v);
	int ok = text && read_text(text, strlen(text), &back, &err) == 0 && back &&
		 json_equal(v, back);
	if (!ok && text)
		printf("  yaml: %s  %s\n", text, err.message);
	json_decref(back);
	if (yaml_out)
		*yaml_out = text;
	else
		free(text);
	return ok;
}

static void test_layout(void)
{
	json_t *v = json_pack("{s:s,s:[i,f,b,n],s:{},s:[],s:{s:[{s:i}]}}", "title", "Floods",
			      "list", 1, 0.5, 1, "empty map", "empty list", "nested", "a", "b", 2);
	char *text = emit_text(v);
	CHECK_STR("layout: block style, 2 spaces, flow only when empty", text,
		  "---\n"
		  "title: Floods\n"
		  "list:\n"
		  "- 1\n"
		  "- 0.5\n"
		  "- true\n"
		  "- null\n"
		  "empty map: {}\n"
		  "empty list: []\n"
		  "nested:\n"
		  "  a:\n"
		  "  - b: 2\n");
	free(text);
	json_decref(v);
	/* Scalars at the top, and several documents in one buffer. */
	struct q_buf b;
	struct q_error err;
	q_buf_init(&b, 0);
	q_error_init(&err);
	json_t *s = json_string("text"), *n = json_integer(-3);
	q_yaml_emit(s, NULL, &b, &err);
	q_yaml_emit(n, NULL, &b, &err);
	CHECK_STR("layout: top-level scalars, one document each", b.data, "--- text\n--- -3\n");
	size_t pos = 0, count = 0;
	json_t *back;
	while (q_yaml_read(b.data, b.len, &pos, "in.yaml", &back, &err) == 0 && back) {
		count += json_equal(back, count ? n : s);
		json_decref(back);
	}
	CHECK("layout: the documents read back in turn", count == 2 && pos == b.len);
	json_decref(s);
	json_decref(n);
	q_buf_release(&b);
}

/* Strings every YAML 1.1 or 1.2 reader must get back as strings. */
static const char *const tricky[] = {
	"no", "NO", "No", "off", "Off", "OFF", "on", "ON", "y", "Y", "n", "N", "yes", "Yes",
	"true", "True", "TRUE", "false", "~", "null", "Null", "NULL", "", "1e3", ".5", "0o17",
	"0x1F", "012", "1.10", "1_000", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "2022-11-21",
	"2022-11-21T10:00:00Z", "2001-12-14 21:59:43.10 -5", "12:30", "190:20:30.15", "=", "<<",
	"0b101", "-1", "+1", "-0", "0", "1.0", "1.", ".", "-.5e-3", "1e+3",
};

static void test_quoting(void)
{
	char name[128];
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
		json_t *v = json_pack("{s:s,s:i}", "k", tricky[i], tricky[i], 1);
		char *text;
		snprintf(name, sizeof(name), "quoted as a value and a key: '%s'", tricky[i]);
		int ok = survives(v, &text);
		/* The value is written within quotes, and so is the key. */
		char plain_value[64], plain_key[64];
		snprintf(plain_value, sizeof(plain_value), "k: %s\n", tricky[i]);
		snprintf(plain_key, sizeof(plain_key), "\n%s: 1\n", tricky[i]);
		CHECK(name, ok && text && !strstr(text, plain_value) && !strstr(text, plain_key));
		free(text);
		json_decref(v);
	}
	/* Ordinary words stay plain. */
	json_t *v = json_pack("{s:s,s:s,s:s}", "a", "hello world", "b", "GENEVA, Switzerland",
			      "c", "caf\xc3\xa9 3 apples");
	char *text = emit_text(v);
	CHECK_STR("plain where nothing else is meant", text,
		  "---\na: hello world\nb: GENEVA, Switzerland\nc: caf\xc3\xa9 3 apples\n");
	free(text);
	json_decref(v);
	/* Reals keep a '.' and a signed exponent, which YAML 1.1 needs. */
	v = json_pack("[f,f,f,f]", 1e300, 5e-324, 2.5e-7, -0.0);
	text = emit_text(v);
	CHECK_STR("reals read as floats by YAML 1.1", text,
		  "---\n- 1.0e+300\n- 5.0e-324\n- 2.5e-7\n- -0.0\n");
	free(text);
	json_decref(v);
}

static void test_values(void)
{
	static const char *const cases[][2] = {
		{"integer extremes", "[9223372036854775807, -9223372036854775808, 0, -1]"},
		{"doubles", "[0.1, 1e300, 5e-324, -0.0, 0.30000000000000004, 1.7976931348623157e308, "
			    "123456789012345680.0, 2.0, -2.5e-300]"},
		{"unicode", "[\"caf\\u00e9 \\u2014 \\ud83d\\ude00 \\ud800\\udc00\", \"\\u2028\\u2029\\u0085\", "
			    "\"\\ufeff bom\", \"\\u00a0nbsp\\u00a0\", \"\\ufffe\\uffff\"]"},
		{"controls", "[\"\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
			     "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018"
			     "\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\u007f\"]"},
		{"NUL inside strings", "[\"a\\u0000b\", \"\\u0000\", {\"k\": \"\\u0000\\n\"}]"},
		{"empty strings and containers", "[\"\", [], {}, [[]], [{}], {\"\": \"\"}, {\"a\": {}}]"},
		{"key order", "{\"z\": 1, \"a\": 2, \"m\": 3, \"b\": {\"y\": 1, \"x\": 2}}"},
		{"keys like numbers and bools", "{\"1\": 1, \"true\": 2, \"null\": 3, \"~\": 4, \"no\": 5, "
						"\"0x1F\": 6, \"1.10\": 7, \"\": 8, \"<<\": 9, \"=\": 10}"},
		{"line breaks", "[\"a\\n\", \"a\\n\\n\", \"\\n\", \" a \", \"\\n\\na\", \"a\\n b\", \"a \\nb\", "
				"\"a\\r\\nb\", \"\\ta\", \"a\\t\", \" \\n \", \"a\\n\\n\\n\", \"  x\\n  y\\n\"]"},
		{"indicators", "[\"- x\", \"# x\", \"'\", \"\\\"\", \"%\", \"@\", \"`\", \"|\", \">\", \"!\", "
			       "\"&a\", \"*a\", \"? x\", \": x\", \"x: y\", \"x #y\", \"[a]\", \"{a}\", "
			       "\"a,b\", \"---\", \"...\", \"--- x\", \"-\", \"?\", \":\", \"x:\"]"},
		{"nesting", "{\"a\": [[1, [2, [3]]], {\"b\": {\"c\": [{\"d\": null}]}}]}"},
		{"keys with breaks and quotes", "{\"a\\nb\": 1, \"'\": 2, \"\\\"\": 3, \" k \": 4, \"k: v\": 5}"},
		{"scalars at the top", "\"top\""},
		{"null at the top", "null"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_error_t e;
		json_t *v = json_loads(cases[i][1], JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
		char name[96];
		snprintf(name, sizeof(name), "round trip: %s", cases[i][0]);
		CHECK(name, v && survives(v, NULL));
		json_decref(v);
	}
	/* A long string and a long key (libyaml writes keys over 128
	 * characters as "? key"). */
	struct q_buf big;
	q_buf_init(&big, 0);
	for (int i = 0; i < 20000; i++)
		q_buf_puts(&big, i % 7 ? "word " : "line\n");
	json_t *v = json_object();
	json_object_set_new(v, big.data, json_stringn(big.data, big.len));
	json_object_set_new(v, "k", json_stringn(big.data, 300));
	CHECK("round trip: very long strings and keys", survives(v, NULL));
	json_decref(v);
	q_buf_release(&big);
}

/* Random strings made of the characters YAML treats specially. */
static void test_random_strings(void)
{
	static const char *const pieces[] = {
		"a", " ", "\n", "\n", "#", ":", "-", "\t", "'", "\"", "\\", "|", ">", "?", "0", "1",
		".", "\xc3\xa9", "\xf0\x9f\x98\x80", "\r", "\x7f", "~", "!", "&", "*", "[", "{", ",",
		"\xe2\x80\xa8", "\xc2\x85", "\xef\xbb\xbf", "...", "---", "%", "@", "`", "\xc2\xa0",
		"e", "\x01", "y", "n", "o",
	};
	const size_t npieces = sizeof(pieces) / sizeof(pieces[0]);
	unsigned long seed = 12345;
	int bad = 0, total = 20000;
	for (int it = 0; it < total; it++) {
		char s[512];
		size_t n = 0;
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		int count = (int)((seed >> 33) % 16);
		for (int j = 0; j < count; j++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			const char *p = pieces[(seed >> 33) % npieces];
			size_t l = strlen(p);
			memcpy(s + n, p, l);
			n += l;
		}
		json_t *str = json_stringn(s, n);
		json_t *v = json_pack("{s:O,s:[O,{s:O}],s:[[O]]}", "k", str, "l", str, "m", str,
				      "n", str);
		json_object_setn(v, s, n, str);
		bad += !survives(v, NULL);
		json_decref(v);
		json_decref(str);
	}
	char name[96];
	snprintf(name, sizeof(name), "round trip: %d random strings as values and keys", total);
	CHECK(name, bad == 0);
}

static json_t *load(const char *text, struct q_error *err)
{
	json_t *v = NULL;
	if (read_text(text, strlen(text), &v, err)) {
		json_decref(v);
		return NULL;
	}
	return v;
}

/* Reads yaml and compares with the JSON want. */
static void reads_as(const char *name, const char *yaml, const char *want)
{
	struct q_error err;
	json_error_t e;
	json_t *got = load(yaml, &err);
	json_t *expect = json_loads(want, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	int ok = got && expect && json_equal(got, expect);
	CHECK(name, ok);
	if (!ok) {
		char *g = got ? json_dumps(got, JSON_ENCODE_ANY) : NULL;
		printf("  got %s (%s)\n", g ? g : "nothing", got ? "" : err.message);
		free(g);
	}
	json_decref(got);
	json_decref(expect);
}

static void test_core_schema(void)
{
	reads_as("core: null", "- null\n- Null\n- NULL\n- ~\n-\n- nULL\n", "[null, null, null, null, null, \"nULL\"]");
	reads_as("core: empty value is null", "a:\nb: ~\n", "{\"a\": null, \"b\": null}");
	reads_as("core: bool", "[true, True, TRUE, false, False, FALSE, yes, no, on, off, y, n, tRUE]",
		 "[true, true, true, false, false, false, \"yes\", \"no\", \"on\", \"off\", \"y\", \"n\", \"tRUE\"]");
	reads_as("core: int", "[0, -0, +12, 007, 0o17, 0x1F, 0xff, -9223372036854775808, 9223372036854775807]",
		 "[0, 0, 12, 7, 15, 31, 255, -9223372036854775808, 9223372036854775807]");
	reads_as("core: not int", "[0o, 0x, 0o8, 0xg, -0x1, +0o7, 1_000, 0b101, 12:30, 1 2]",
		 "[\"0o\", \"0x\", \"0o8\", \"0xg\", \"-0x1\", \"+0o7\", \"1_000\", \"0b101\", \"12:30\", \"1 2\"]");
	reads_as("core: float", "[1.5, -1.5, .5, +.5, 1., 1e3, 1E-3, -2.5e+2, 0.1, 1.10]",
		 "[1.5, -1.5, 0.5, 0.5, 1.0, 1000.0, 0.001, -250.0, 0.1, 1.1]");
	reads_as("core: not float", "[., .e3, 1e, e3, 1.2.3, 2022-11-21, 1.0x]",
		 "[\".\", \".e3\", \"1e\", \"e3\", \"1.2.3\", \"2022-11-21\", \"1.0x\"]");
	reads_as("core: quoted and block scalars are strings",
		 "- '1'\n- \"true\"\n- 'null'\n- |\n  12\n- >-\n  ~\n",
		 "[\"1\", \"true\", \"null\", \"12\\n\", \"~\"]");
	reads_as("tags: !!str !!int !!float !!bool !!null",
		 "[!!str 12, !!str true, !!int '12', !!float '1', !!float 2.5, !!bool 'false', !!null '', !!str , ! a]",
		 "[\"12\", \"true\", 12, 1.0, 2.5, false, null, \"\", \"a\"]");
	reads_as("tags: !!map and !!seq", "!!map {a: !!seq [1]}", "{\"a\": [1]}");
	reads_as("tags: unknown tags keep the value", "[!foo 12, !!binary aGk=, !<tag:x> {a: 1}]",
		 "[\"12\", \"aGk=\", {\"a\": 1}]");
	reads_as("keys: non-string keys are their text",
		 "1: a\ntrue: b\nnull: c\n~: d\n0x1F: e\n1.10: f\n\"2\": g\n",
		 "{\"1\": \"a\", \"true\": \"b\", \"null\": \"c\", \"~\": \"d\", \"0x1F\": \"e\", \"1.10\": \"f\", \"2\": \"g\"}");
	reads_as("keys: explicit and long keys", "? a\n: 1\n? |\n  b\n: 2\n", "{\"a\": 1, \"b\\n\": 2}");
	reads_as("anchors and aliases copy the value",
		 "a: &x {k: [1, 2]}\nb: *x\nc: &s str\nd: *s\n*s : e\n",
		 "{\"a\": {\"k\": [1, 2]}, \"b\": {\"k\": [1, 2]}, \"c\": \"str\", \"d\": \"str\", \"str\": \"e\"}");
	reads_as("anchors: a later anchor of the same name wins", "[&a 1, *a, &a 2, *a]", "[1, 1, 2, 2]");
	reads_as("merge keys: own keys win, earlier mappings win",
		 "base: &b {x: 1, y: 2}\nother: &o {y: 8, z: 9}\n"
		 "m:\n  y: 3\n  <<: [*b, *o]\n  w: 4\n"
		 "n:\n  <<: *b\n  x: 5\n",
		 "{\"base\": {\"x\": 1, \"y\": 2}, \"other\": {\"y\": 8, \"z\": 9},"
		 " \"m\": {\"y\": 3, \"x\": 1, \"z\": 9, \"w\": 4}, \"n\": {\"x\": 5, \"y\": 2}}");
	reads_as("merge keys: a quoted '<<' is an ordinary key", "'<<': {a: 1}\n",
		 "{\"<<\": {\"a\": 1}}");
	reads_as("strings: escapes, NUL, folding",
		 "- \"a\\0b\\x01\\u00e9\\U0001F600\"\n- >\n  folded\n  text\n- 'it''s'\n",
		 "[\"a\\u0000b\\u0001\\u00e9\\ud83d\\ude00\", \"folded text\\n\", \"it's\"]");
}

static void fails_with(const char *name, const char *yaml, int code, long line, long col,
		       const char *needle)
{
	struct q_error err;
	json_t *v = load(yaml, &err);
	int ok = !v && err.code == code && (line == 0 || err.line == line) &&
		 (col == 0 || err.column == col) && strstr(err.message, needle) &&
		 strcmp(err.file, "in.yaml") == 0;
	CHECK(name, ok);
	if (!ok)
		printf("  got code %d at %ld:%ld: %s\n", err.code, err.line, err.column, err.message);
	json_decref(v);
}

static void test_errors(void)
{
	fails_with("error: syntax, with libyaml's words and 1-based place",
		   "a: 1\nb: c: d\n", Q_ESYNTAX, 2, 5,
		   "invalid YAML: mapping values are not allowed in this context");
	fails_with("error: unclosed flow sequence", "a: [1, 2\n", Q_ESYNTAX, 2, 1,
		   "did not find expected ',' or ']'");
	fails_with("error: duplicate key at its second occurrence", "a: 1\nb: 2\na: 3\n", Q_EDATA, 3, 1,
		   "duplicate key 'a'");
	fails_with("error: duplicate key in a flow mapping", "x: {a: 1, a: 2}", Q_EDATA, 1, 11,
		   "duplicate key 'a'");
	fails_with("error: duplicate key of another spelling", "1: a\n'1': b\n", Q_EDATA, 2, 1,
		   "duplicate key '1'");
	fails_with("error: complex key", "? [a, b]\n: 1\n", Q_EDATA, 1, 3,
		   "mapping key must be a scalar");
	fails_with("error: alias of a mapping as a key", "a: &m {x: 1}\n*m : 2\n", Q_EDATA, 2, 1,
		   "mapping key must be a scalar");
	fails_with("error: unknown alias", "a: *nope\n", Q_EDATA, 1, 4, "alias *nope");
	fails_with("error: recursive alias", "a: &a [1, *a]\n", Q_EDATA, 1, 11, "alias *a");
	fails_with("error: infinity", "a: .inf\n", Q_EDATA, 1, 4, "infinity or NaN");
	fails_with("error: NaN", "- 1\n- .NaN\n", Q_EDATA, 2, 3, "infinity or NaN");
	fails_with("error: integer beyond 64 bits", "a: 9223372036854775808\n", Q_EDATA, 1, 4,
		   "out of range");
	fails_with("error: hex beyond 64 bits", "a: 0x8000000000000000\n", Q_EDATA, 1, 4,
		   "out of range");
	fails_with("error: real overflow", "a: 1e400\n", Q_EDATA, 1, 4, "out of range");
	fails_with("error: !!int on a word", "a: !!int abc\n", Q_EDATA, 1, 4, "not a valid !!int");
	fails_with("error: !!map on a sequence", "!!map [1]\n", Q_EDATA, 1, 1, "!!map on a sequence");
	fails_with("error: merge of a scalar", "a:\n  <<: 1\n", Q_EDATA, 2, 7, "merge key");
	fails_with("error: invalid UTF-8 with its byte offset", "a: b\nc: \xff\n", Q_EENCODING, 2, 4,
		   "invalid UTF-8");
	fails_with("error: control character", "a: \x01\n", Q_EENCODING, 1, 4,
		   "control characters are not allowed");
	fails_with("error: UTF-16", "\xff\xfe" "a\0:\0", Q_EENCODING, 1, 1, "UTF-16");
	fails_with("error: content after '...'", "a\n... b\n", Q_ESYNTAX, 2, 5,
		   "document end marker");
	fails_with("error: a directive after a document without '...'", "a: 1\n%YAML 1.2\n--- b\n",
		   Q_ESYNTAX, 2, 1, "document end marker");
	fails_with("error: a bare document after one without '...'", "[a]\nb\n", Q_ESYNTAX, 2, 1,
		   "did not find expected <document start>");
	fails_with("error: tab indentation", "a:\n\t- b\n", Q_ESYNTAX, 2, 1, "invalid YAML");
	struct q_error err;
	json_t *v = NULL;
	size_t pos = 0;
	const char *text = "x: [1]\nyy: [2\n";
	q_error_init(&err);
	q_yaml_read(text, strlen(text), &pos, "in.yaml", &v, &err);
	CHECK("error: byte offset", err.offset == (long long)strlen(text) && v == NULL);
	text = "\xc3\xa9: \"\xc3\xbc\"\n\xc3\x9f: b: c\n";
	pos = 0;
	q_error_init(&err);
	q_yaml_read(text, strlen(text), &pos, "in.yaml", &v, &err);
	CHECK("error: column in characters, offset in bytes",
	      err.line == 2 && err.column == 5 && err.offset == 14);
}

static void test_limits(void)
{
	struct q_error err;
	struct q_buf b;
	json_t *v;
	/* Nesting past the limit, block and flow. */
	q_buf_init(&b, 0);
	for (int i = 0; i < Q_MAX_DEPTH + 1; i++)
		q_buf_putc(&b, '[');
	for (int i = 0; i < Q_MAX_DEPTH + 1; i++)
		q_buf_putc(&b, ']');
	v = load(b.data, &err);
	CHECK("limit: depth", !v && err.code == Q_EDATA && strstr(err.message, "nested deeper"));
	json_decref(v);
	q_buf_reset(&b);
	for (int i = 0; i < Q_MAX_DEPTH; i++)
		q_buf_putc(&b, '[');
	for (int i = 0; i < Q_MAX_DEPTH; i++)
		q_buf_putc(&b, ']');
	v = load(b.data, &err);
	CHECK("limit: depth at the limit is fine", v != NULL);
	json_decref(v);
	/* An alias may not carry a deep node deeper than the limit. */
	q_buf_reset(&b);
	q_buf_puts(&b, "a: &d ");
	for (int i = 0; i < 300; i++)
		q_buf_putc(&b, '[');
	for (int i = 0; i < 300; i++)
		q_buf_putc(&b, ']');
	q_buf_puts(&b, "\nb: ");
	for (int i = 0; i < 300; i++)
		q_buf_putc(&b, '[');
	q_buf_puts(&b, "*d");
	for (int i = 0; i < 300; i++)
		q_buf_putc(&b, ']');
	v = load(b.data, &err);
	CHECK("limit: depth through an alias", !v && err.code == Q_EDATA && strstr(err.message, "deeper"));
	json_decref(v);
	/* Billion laughs: refused before anything exponential is built. */
	q_buf_reset(&b);
	q_buf_puts(&b, "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
	for (char c = 'b'; c <= 'j'; c++)
		q_buf_printf(&b, "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", c, c, c - 1, c - 1,
			     c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
	v = load(b.data, &err);
	CHECK("limit: billion laughs", !v && err.code == Q_EDATA &&
					       strstr(err.message, "aliases expand the document"));
	json_decref(v);
	/* A few levels of the same stay under the limit and are copied. */
	q_buf_reset(&b);
	q_buf_puts(&b, "a: &a [1, 2]\nb: &b [*a, *a]\nc: [*b, *b]\n");
	v = load(b.data, &err);
	CHECK("limit: modest aliasing is expanded",
	      v && json_array_size(json_array_get(json_array_get(json_object_get(v, "c"), 1), 1)) == 2);
	json_decref(v);
	/* Large documents without aliases are not limited by node count. */
	q_buf_reset(&b);
	for (int i = 0; i < Q_YAML_MAX_NODES / 8 + 10; i++)
		q_buf_puts(&b, "- [1, 2, 3, 4, 5, 6, 7]\n");
	v = load(b.data, &err);
	CHECK("limit: many nodes without aliases are fine", v && json_array_size(v) > Q_YAML_MAX_NODES / 8);
	json_decref(v);
	q_buf_release(&b);
}

static void test_streams(void)
{
	struct q_error err;
	const char *text = "# head\n--- a\n--- [b]\n...\n# between\n%YAML 1.2\n---\nc: 1\n...\nbare\n... # c\n";
	size_t pos = 0;
	json_t *v;
	json_t *got = json_array();
	q_error_init(&err);
	while (q_yaml_read(text, strlen(text), &pos, "in.yaml", &v, &err) == 0 && v)
		json_array_append_new(got, v);
	json_error_t e;
	json_t *want = json_loads("[\"a\", [\"b\"], {\"c\": 1}, \"bare\"]", 0, &e);
	CHECK("stream: documents one per call, a bare one after '...'",
	      json_equal(got, want) && pos == strlen(text) && !err.code);
	json_decref(got);
	json_decref(want);
	v = load("  # only a comment\n\n", &err);
	CHECK("stream: nothing but comments gives no value", !v && !err.code);
	v = load("", &err);
	CHECK("stream: empty input gives no value", !v && !err.code);
	v = load("...\n# c\n... # d\nx\n", &err);
	CHECK("stream: '...' lines before a document", v && json_is_string(v));
	json_decref(v);
	v = load("---\n", &err);
	CHECK("stream: an empty document is null", v && json_is_null(v));
	json_decref(v);
	v = load("\xef\xbb\xbf" "a: 1\n", &err);
	CHECK("stream: a BOM is skipped", v && json_integer_value(json_object_get(v, "a")) == 1);
	json_decref(v);
	/* Errors in a later document name their own line. */
	text = "--- a\n--- b\n--- [c\n";
	pos = 0;
	int rc = 0, count = 0;
	q_error_init(&err);
	while (!(rc = q_yaml_read(text, strlen(text), &pos, "in.yaml", &v, &err)) && v) {
		json_decref(v);
		count++;
	}
	CHECK("stream: an error in the third document names line 4", rc == Q_ESYNTAX && count == 2 &&
									    err.line == 4);
}

/* ---- the corpus through the IR ----------------------------------------- */

/* extract → JSON view → YAML → read → view → IR → JSON is byte-identical
 * to the direct JSON. */
static int round_trip(const char *path, struct q_buf *bufs, char *why, size_t whylen)
{
	struct q_error err;
	struct q_doc doc, back;
	struct q_extract_opts opts = {"2022-11-21", 0};
	json_t *view = NULL, *value = NULL;
	size_t pos = 0;
	int ok = 0;
	q_error_init(&err);
	q_doc_init(&doc);
	q_doc_init(&back);
	q_buf_reset(&bufs[3]);
	if (q_read_file(path, Q_MAX_INPUT_DEFAULT, &bufs[0], &err) ||
	    q_extract(path, bufs[0].data, bufs[0].len, &opts, &doc, &err) || doc_json_text(&doc, &bufs[1]) ||
	    !(view = q_ir_to_json(&doc)) || q_yaml_emit(view, NULL, &bufs[3], &err) ||
	    q_yaml_read(bufs[3].data, bufs[3].len, &pos, path, &value, &err) || !value ||
	    q_ir_from_json(value, &back, path, &err) || doc_json_text(&back, &bufs[2])) {
		snprintf(why, whylen, "%s", err.message[0] ? err.message : "failed");
	} else if (bufs[1].len != bufs[2].len || memcmp(bufs[1].data, bufs[2].data, bufs[1].len)) {
		snprintf(why, whylen, "the JSON after YAML differs");
	} else {
		ok = 1;
	}
	json_decref(view);
	json_decref(value);
	q_doc_release(&doc);
	q_doc_release(&back);
	return ok;
}

/* The round trips of the files met, and how many held. */
struct tally {
	size_t total, good;
	struct q_buf *bufs;
};

static void round_trip_file(const char *path, void *ctx)
{
	struct tally *c = ctx;
	char why[600];
	c->total++;
	if (round_trip(path, c->bufs, why, sizeof(why)))
		c->good++;
	else
		printf("FAIL yaml round trip %s: %s\n", path, why);
}

static void test_corpus(void)
{
	struct q_buf bufs[4];
	for (int i = 0; i < 4; i++)
		q_buf_init(&bufs[i], 0);
	struct tally c = {0, 0, bufs};
	each_text_file("fixtures/sample", 0, round_trip_file, &c);
	CHECK("yaml round trip of the sample documents", c.total == 3 && c.good == c.total);
	struct stat st;
	if (stat("../shared/corpus", &st) != 0) {
		SKIP("yaml round trip of the corpus", "../shared/corpus is absent");
	} else {
		size_t before = c.good, all = c.total;
		each_text_file("../shared/corpus", 1, round_trip_file, &c);
		char name[96];
		snprintf(name, sizeof(name), "yaml round trip of all %zu corpus documents", c.total - all);
		CHECK(name, c.total > all && c.good - before == c.total - all);
	}
	for (int i = 0; i < 4; i++)
		q_buf_release(&bufs[i]);
}

/* "test_yaml --to-yaml FILE": each JSON value of FILE as a YAML document
 * on stdout, for tests/yaml_pyyaml.sh. */
static int to_yaml(const char *path)
{
	struct q_buf in, out;
	struct q_error err;
	size_t pos = 0;
	json_t *v;
	int rc;
	q_buf_init(&in, 0);
	q_buf_init(&out, 0);
	q_error_init(&err);
	rc = q_read_file(path, Q_MAX_INPUT_DEFAULT, &in, &err);
	while (!rc && !(rc = q_json_read(in.data, in.len, &pos, path, &v, &err)) && v) {
		rc = q_yaml_emit(v, NULL, &out, &err);
		json_decref(v);
	}
	if (rc)
		q_error_print(&err, stderr);
	else
		fwrite(out.data, 1, out.len, stdout);
	q_buf_release(&in);
	q_buf_release(&out);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--to-yaml") == 0)
		return to_yaml(argv[2]);
	test_layout();
	test_quoting();
	test_values();
	test_random_strings();
	test_core_schema();
	test_errors();
	test_limits();
	test_streams();
	test_corpus();
	return CHECK_DONE();
}

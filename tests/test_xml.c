/*
 * test_xml.c — the XML converter: quarry documents through the quarry
 * vocabulary (samples, corpus, a document with every array filled and
 * characters XML cannot carry), arbitrary JSON through json-to-xml,
 * arbitrary XML through JsonML, the readers' errors and limits, the
 * streaming reader of json-to-xml arrays against the tree, and a replay
 * of the fuzz seeds.
 *
 * Two helper modes serve tests/xml_tools.sh:
 *   test_xml --write-docs DIR     quarry XML of the samples and of some
 *                                 corpus documents, for xmllint --schema
 *   test_xml --via-json IN OUT    XML -> JSON text -> XML
 */
#include "converters/converters.h"
#include "extract/extract.h"
#include "schemas/schemas.h"
#include "tests/check.h"
#include "tests/extract_check.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>

#define XML_DECL_TEST "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

/* ---- helpers ------------------------------------------------------------ */

static char *emit_xml(json_t *v, int compact, int *rc)
{
	struct q_buf b;
	struct q_error err;
	struct q_emit_opts opts = {.compact = compact, .file = "test"};
	q_buf_init(&b, 0);
	q_error_init(&err);
	*rc = q_xml_emit(v, &opts, &b, &err);
	if (*rc)
		printf("  emit: %s\n", err.message);
	if (*rc) {
		q_buf_release(&b);
		return NULL;
	}
	return b.data;
}

static json_t *read_xml(const char *xml, size_t len, struct q_error *err)
{
	size_t pos = 0;
	json_t *v = NULL;
	q_error_init(err);
	if (q_xml_read(xml, len, &pos, "test.xml", &v, err))
		return NULL;
	return v;
}

/* JSON text of v, compact or pretty; caller frees. */
static char *dump(json_t *v, int compact)
{
	struct q_buf b;
	struct q_error err;
	struct q_emit_opts opts = {.compact = compact};
	q_buf_init(&b, 0);
	q_error_init(&err);
	if (!v || q_json_emit(v, &opts, &b, &err)) {
		q_buf_release(&b);
		return NULL;
	}
	return b.data;
}

static json_t *parse_json(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	if (!v)
		printf("  bad test JSON: %s\n", e.text);
	return v;
}

/* Reads back what emit wrote and compares JSON texts (key order, integer
 * vs real and all).  Returns 1 when identical. */
static int same_after_xml(json_t *v, int compact, char **xml_out)
{
	int rc;
	char *xml = emit_xml(v, compact, &rc);
	struct q_error err;
	json_t *back = xml ? read_xml(xml, strlen(xml), &err) : NULL;
	char *a = dump(v, 1), *b = dump(back, 1);
	int ok = a && b && strcmp(a, b) == 0;
	if (!ok)
		printf("  want %s  got  %s  xml %s  error %s\n", a ? a : "-", b ? b : "-",
		       xml ? xml : "-", xml && !back ? err.message : "");
	if (xml_out)
		*xml_out = xml;
	else
		free(xml);
	free(a);
	free(b);
	json_decref(back);
	return ok;
}

/*
 * doc → view → XML → read → view → IR → view → JSON text, against the
 * JSON text of doc; the view read back must also equal the first view.
 */
static int doc_round_trip(const struct q_doc *doc, const char *name, char *why, size_t whylen)
{
	struct q_buf first, second, xml;
	struct q_error err;
	struct q_doc back;
	struct q_emit_opts opts = {.file = name};
	json_t *view = q_ir_to_json(doc), *again = NULL;
	size_t pos = 0;
	int ok = 0;
	q_buf_init(&first, 0);
	q_buf_init(&second, 0);
	q_buf_init(&xml, 0);
	q_error_init(&err);
	q_doc_init(&back);
	if (!view || doc_json_text(doc, &first) || q_xml_emit(view, &opts, &xml, &err)) {
		snprintf(why, whylen, "emit: %s", err.message);
	} else if (!strstr(xml.data, "<document xmlns=\"urn:quarry:1\"")) {
		snprintf(why, whylen, "not written in the quarry vocabulary");
	} else if (q_xml_read(xml.data, xml.len, &pos, name, &again, &err) || !again) {
		snprintf(why, whylen, "read: %ld: %s", err.line, err.message);
	} else if (!json_equal(view, again)) {
		snprintf(why, whylen, "the view read back differs");
	} else if (q_ir_from_json(again, &back, name, &err) || doc_json_text(&back, &second)) {
		snprintf(why, whylen, "IR: %s", err.message);
	} else if (first.len != second.len || memcmp(first.data, second.data, first.len)) {
		snprintf(why, whylen, "second JSON differs");
	} else {
		ok = 1;
	}
	json_decref(view);
	json_decref(again);
	q_doc_release(&back);
	q_buf_release(&first);
	q_buf_release(&second);
	q_buf_release(&xml);
	return ok;
}

/* Extracts text[0..len) under the name given, against the seed's reference date. */
static int extract_named(struct q_doc *doc, const char *name, const char *text, size_t len)
{
	struct q_error err;
	struct q_extract_opts opts = {"2022-11-21", 0};
	q_error_init(&err);
	q_doc_init(doc);
	int rc = q_extract(name, text, len, &opts, doc, &err);
	if (rc)
		printf("  extract %s: %s\n", name, err.message);
	return rc;
}

struct tally {
	size_t total, good;
};

static void round_trip_file(const char *path, void *ctx)
{
	struct tally *t = ctx;
	struct q_buf raw;
	struct q_error err;
	struct q_doc doc;
	char why[700];
	q_buf_init(&raw, 0);
	q_error_init(&err);
	t->total++;
	if (q_read_file(path, Q_MAX_INPUT_DEFAULT, &raw, &err) || extract_named(&doc, path, raw.data, raw.len)) {
		printf("FAIL xml round trip %s: cannot extract\n", path);
	} else if (!doc_round_trip(&doc, path, why, sizeof(why))) {
		printf("FAIL xml round trip %s: %s\n", path, why);
	} else {
		t->good++;
	}
	q_doc_release(&doc);
	q_buf_release(&raw);
}

/* ---- quarry documents ----------------------------------------------------- */

static void test_samples_and_corpus(void)
{
	struct tally t = {0, 0};
	struct stat st;
	each_text_file("fixtures/sample", 0, round_trip_file, &t);
	CHECK("xml round trip of the sample documents", t.total == 3 && t.good == t.total);
	if (stat("../shared/corpus", &st) != 0) {
		SKIP("xml round trip of the corpus", "../shared/corpus is absent");
		return;
	}
	struct tally c = {0, 0};
	each_text_file("../shared/corpus", 1, round_trip_file, &c);
	char name[96];
	snprintf(name, sizeof(name), "xml round trip of all %zu corpus documents", c.total);
	CHECK(name, c.total > 0 && c.good == c.total);
}

/* Text with what XML cannot carry, what it must escape, and an astral
 * character; a CR is put in after extraction (the decoder turns CRs into
 * LFs, a view may still hold one). */
static const char hard_text[] =
	"Caf\xC3\xA9 \x01Society\x0B Reopens & <More> ]]> \xF0\x9F\x98\x80\n\n"
	"By Ana Ruiz\n\n"
	"The caf\xC3\xA9 \x1F\x7F reopened on Monday after 2.5 years \xEF\xBF\xBE and \xEF\xBF\xBF. "
	"Its owner said: \xE2\x80\x9CWe are back.\xE2\x80\x9D\n"
	"It said \"tab\there\" and a \\backslash &amp; a ]]> again.\n\n"
	"First, the menu. Second, the hours.\n\n"
	"Ana Ruiz is a food writer at the Daily Ledger.\n";

static struct q_span span_of(struct q_doc *doc, const char *needle)
{
	struct q_span s = {0, 0, 0, 0};
	const char *at = strstr(doc->text.ptr, needle);
	if (at) {
		s.bstart = (size_t)(at - doc->text.ptr);
		s.bend = s.bstart + strlen(needle);
		q_doc_span_from_bytes(doc, &s);
	}
	return s;
}

/* Every array filled, nulls and values, escapes in attributes. */
static int build_hard_doc(struct q_doc *doc)
{
	if (extract_named(doc, "dir/we\x01ird\\name.txt", hard_text, sizeof(hard_text) - 1))
		return 0;
	char *cr = strstr((char *)doc->text.ptr, "back.\xE2\x80\x9D\n");
	if (!cr)
		return 0;
	cr[strlen("back.\xE2\x80\x9D")] = '\r';
	if (q_doc_set_text(doc, doc->text.ptr, doc->text.len, NULL))
		return 0;
	struct q_arena *a = &doc->arena;
	doc->meta.title = Q_STR_LIT("Caf\xC3\xA9 \x01Society & <More>");
	doc->meta.section = Q_STR_NULL;
	doc->meta.url = Q_STR_LIT("https://example.org/a?b=1&c=<2>");
	doc->meta.publisher = Q_STR_LIT("Daily \\ Ledger\x1F");
	struct q_author *au = Q_VEC_PUSH(a, &doc->meta.authors);
	au->name = Q_STR_LIT("Ana\x01Ruiz");
	au->role = Q_STR_LIT("food\x0Bwriter \\ \"critic\"\t&\n<x>");
	au = Q_VEC_PUSH(a, &doc->meta.authors);
	au->name = Q_STR_LIT("B. Nobody");
	au->role = Q_STR_NULL;

	/* The hand-made annotations below replace those extraction found. */
	doc->entities.count = doc->acronyms.count = doc->timexes.count = 0;
	doc->numbers.count = doc->quotes.count = doc->enumerations.count = 0;
	doc->keyphrases.count = 0;
	struct q_entity *e = Q_VEC_PUSH(a, &doc->entities);
	e->id = Q_STR_LIT("E1");
	e->type = Q_ENT_PERSON;
	e->name = Q_STR_LIT("Ana\x0BRuiz \\ the critic");
	struct q_mention *m = Q_VEC_PUSH(a, &e->mentions);
	m->span = span_of(doc, "Ana Ruiz is");
	m->span.end -= 3, m->span.bend -= 3;
	m->sentence = doc->sentences.count - 1;
	m = Q_VEC_PUSH(a, &e->mentions);
	m->span = span_of(doc, "\x01Society\x0B");
	m->sentence = 0;
	e = Q_VEC_PUSH(a, &doc->entities);
	e->id = Q_STR_LIT("E2");
	e->type = Q_ENT_ORG;
	e->name = Q_STR_LIT("Daily Ledger");
	m = Q_VEC_PUSH(a, &e->mentions);
	m->span = span_of(doc, "Daily Ledger");
	m->sentence = doc->sentences.count - 1;

	struct q_acronym *ac = Q_VEC_PUSH(a, &doc->acronyms);
	ac->short_form = Q_STR_LIT("DL\x0C");
	ac->long_form = Q_STR_LIT("Daily & <Ledger>");
	ac->span = span_of(doc, "Daily Ledger");

	struct q_timex *t = Q_VEC_PUSH(a, &doc->timexes);
	t->span = span_of(doc, "Monday");
	t->type = Q_TIMEX_DATE;
	t->value = Q_STR_LIT("2022-11-21");
	t->sentence = 2;
	t = Q_VEC_PUSH(a, &doc->timexes);
	t->span = span_of(doc, "2.5 years");
	t->type = Q_TIMEX_DURATION;
	t->value = Q_STR_LIT("P2.5Y\x02");
	t->sentence = 2;
	t = Q_VEC_PUSH(a, &doc->timexes);
	t->span = span_of(doc, "Monday");
	t->type = Q_TIMEX_SET;
	t->value = Q_STR_NULL;
	t->sentence = 2;

	static const double values[] = {2.5, 2.0, 1e-7, 1e300, 123456789.0, -3.25};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]) + 1; i++) {
		struct q_number *n = Q_VEC_PUSH(a, &doc->numbers);
		n->span = span_of(doc, "2.5");
		n->kind = (enum q_number_kind)(i % Q_NUM_KIND_COUNT);
		n->has_value = i < sizeof(values) / sizeof(values[0]);
		n->value = n->has_value ? values[i] : 0;
		/* A unit with a control character takes the escaped form. */
		n->unit = n->kind == Q_NUM_QUANTITY ? Q_STR_LIT("k\x01m") : Q_STR_NULL;
		n->sentence = 2;
	}

	struct q_quote *q = Q_VEC_PUSH(a, &doc->quotes);
	q->span = span_of(doc, "\xE2\x80\x9CWe are back.\xE2\x80\x9D");
	q->speaker = Q_STR_LIT("E1");
	q->sentence = 3;
	q = Q_VEC_PUSH(a, &doc->quotes);
	q->span = span_of(doc, "\"tab\there\"");
	q->speaker = Q_STR_NULL;
	q->sentence = 3;

	struct q_enumeration *en = Q_VEC_PUSH(a, &doc->enumerations);
	en->id = Q_STR_LIT("L1");
	en->sentence = -1, en->announced = -1;
	struct q_enum_item *it = Q_VEC_PUSH(a, &en->items);
	it->ordinal = 1, it->marker = Q_STR_LIT("First\x01"), it->paragraph = 3;
	it->span = span_of(doc, "the menu.");
	it = Q_VEC_PUSH(a, &en->items);
	it->ordinal = 2, it->marker = Q_STR_LIT("Second"), it->paragraph = 3;
	it->span = span_of(doc, "the hours.");

	struct q_keyphrase *k = Q_VEC_PUSH(a, &doc->keyphrases);
	k->text = Q_STR_LIT("caf\xC3\xA9 \x0Bsociety & <more>"), k->count = 2, k->score = 0.125;
	k = Q_VEC_PUSH(a, &doc->keyphrases);
	k->text = Q_STR_LIT("daily ledger"), k->count = 1, k->score = 3;
	k = Q_VEC_PUSH(a, &doc->keyphrases);
	k->text = Q_STR_LIT("menu"), k->count = 1, k->score = 0;
	return 1;
}

static void test_hard_document(void)
{
	struct q_doc doc;
	char why[700];
	CHECK("hard document builds", build_hard_doc(&doc));
	int ok = doc_round_trip(&doc, "hard", why, sizeof(why));
	CHECK("hard document: XML round trip identical", ok);
	if (!ok)
		printf("  %s\n", why);

	/* What the XML looks like. */
	json_t *view = q_ir_to_json(&doc);
	int rc;
	char *xml = emit_xml(view, 0, &rc);
	CHECK("hard document: <c u=\"000B\"/> in content", xml && strstr(xml, "\x01" "Society") == NULL &&
							    strstr(xml, "<c u=\"0001\"/>Society<c u=\"000B\"/>"));
	CHECK("hard document: U+FFFE and U+FFFF escaped",
	      xml && strstr(xml, "<c u=\"FFFE\"/>") && strstr(xml, "<c u=\"FFFF\"/>"));
	CHECK("hard document: CR as a character reference", xml && strstr(xml, "back.\xE2\x80\x9D&#13;It said"));
	CHECK("hard document: ]]> escaped", xml && !strstr(xml, "]]>") && strstr(xml, "]]&gt;"));
	CHECK("hard document: escaped attribute", xml && strstr(xml, "name=\"Ana\\u000BRuiz \\\\ the critic\" escaped=\"name\""));
	CHECK("hard document: escaped role with tab and newline references",
	      xml && strstr(xml, "role=\"food\\u000Bwriter \\\\ &quot;critic&quot;&#9;&amp;&#10;&lt;x&gt;\" escaped=\"role\""));
	CHECK("hard document: plain attribute keeps its backslash",
	      xml && strstr(xml, "<author>B. Nobody</author>"));
	CHECK("hard document: null metadata left out", xml && !strstr(xml, "<section"));
	CHECK("hard document: null timex value left out",
	      xml && strstr(xml, "type=\"SET\" sentence=\"2\">Monday</timex>"));
	CHECK("hard document: integers and reals",
	      xml && strstr(xml, "value=\"2.5\"") && strstr(xml, "value=\"2\"") && strstr(xml, "value=\"1e-7\"") &&
		      strstr(xml, "value=\"1e300\"") && strstr(xml, "count=\"1\" score=\"3\"") &&
		      strstr(xml, "score=\"0.125\""));
	free(xml);

	/* Compact: no indentation, same value. */
	CHECK("hard document: compact round trip", same_after_xml(view, 1, &xml));
	CHECK("hard document: compact has no indentation", xml && !strstr(xml, "\n  <"));
	free(xml);

	/* A real that is whole stays a real. */
	json_t *num = json_array_get(json_object_get(view, "numbers"), 1);
	json_object_set_new(num, "value", json_real(2.0));
	json_t *kp = json_array_get(json_object_get(view, "keyphrases"), 2);
	json_object_set_new(kp, "score", json_real(0.0));
	CHECK("hard document: 2.0 and 0.0 stay reals", same_after_xml(view, 0, &xml));
	CHECK("hard document: written 2.0", xml && strstr(xml, "value=\"2.0\"") && strstr(xml, "score=\"0.0\""));
	free(xml);
	json_decref(view);
	q_doc_release(&doc);
}

/* Views that are not valid documents are arbitrary data: lossless too. */
static void test_not_a_document(void)
{
	struct q_doc doc;
	struct q_buf raw;
	struct q_error err;
	char *xml;
	q_buf_init(&raw, 0);
	q_error_init(&err);
	q_read_file("fixtures/sample/op-ed.txt", Q_MAX_INPUT_DEFAULT, &raw, &err);
	extract_named(&doc, "op-ed.txt", raw.data, raw.len);
	json_t *view = q_ir_to_json(&doc);

	json_t *extra = json_deep_copy(view);
	json_object_set_new(extra, "extra", json_true());
	CHECK("view with an extra key: lossless", same_after_xml(extra, 0, &xml));
	CHECK("view with an extra key: json-to-xml", xml && strstr(xml, "<map xmlns=\"" Q_XML_FN_NAMESPACE "\""));
	free(xml);
	json_decref(extra);

	json_t *kind = json_deep_copy(view);
	json_object_set_new(json_array_get(json_object_get(kind, "paragraphs"), 0), "kind", json_string("poem"));
	CHECK("view with an unknown kind: lossless", same_after_xml(kind, 0, &xml));
	CHECK("view with an unknown kind: json-to-xml", xml && strstr(xml, "<map xmlns="));
	free(xml);
	json_decref(kind);

	json_t *real = json_deep_copy(view);
	json_object_set_new(json_object_get(real, "stats"), "words", json_real(3.0));
	CHECK("view with a real count: lossless", same_after_xml(real, 0, NULL));
	json_decref(real);

	json_t *v2 = json_deep_copy(view);
	json_object_set_new(v2, "schema", json_string("quarry/2"));
	CHECK("quarry/2 view: lossless", same_after_xml(v2, 0, NULL));
	json_decref(v2);

	json_decref(view);
	q_doc_release(&doc);
	q_buf_release(&raw);
}

/* Hand-written quarry XML: what the XSD refuses, with lines. */
static void expect_read_error(const char *name, const char *xml, int code, long line, const char *want)
{
	struct q_error err;
	json_t *v = read_xml(xml, strlen(xml), &err);
	int ok = !v && err.code == code && (line < 0 || err.line == line) && strstr(err.message, want);
	CHECK(name, ok);
	if (!ok)
		printf("  got code %d line %ld: %s\n", err.code, err.line, err.message);
	json_decref(v);
}

static void test_quarry_errors(void)
{
	struct q_doc doc;
	struct q_buf raw;
	struct q_error err;
	int rc;
	q_buf_init(&raw, 0);
	q_error_init(&err);
	q_read_file("fixtures/sample/news.txt", Q_MAX_INPUT_DEFAULT, &raw, &err);
	extract_named(&doc, "news.txt", raw.data, raw.len);
	json_t *view = q_ir_to_json(&doc);
	char *xml = emit_xml(view, 0, &rc);
	/* Unknown paragraph kind, on the line of the first paragraph. */
	char *bad = strdup(xml);
	char *at = strstr(bad, "kind=\"title\"");
	long line = 1;
	for (char *p = bad; p < at; p++)
		line += *p == '\n';
	memcpy(at, "kind=\"poemx\"", 12);
	expect_read_error("quarry XML: unknown kind names its line", bad, Q_EINVALID, line, "poemx");
	free(bad);
	/* A missing wrapper: <acronyms>, empty or not, made a comment. */
	bad = strdup(xml);
	at = strstr(bad, "<acronyms");
	char *end = strstr(at, "</acronyms>");
	size_t wrapper = at[strcspn(at, ">") - 1] == '/' ? strcspn(at, ">") + 1
							  : (size_t)(end - at) + strlen("</acronyms>");
	for (size_t k = 0; k < wrapper; k++)
		if (at[k] != '\n')
			at[k] = k < 4 ? "<!--"[k] : k >= wrapper - 3 ? "-->"[k - (wrapper - 3)] : ' ';
	expect_read_error("quarry XML: missing element", bad, Q_EINVALID, -1, "timexes");
	free(bad);
	/* A bad control character escape. */
	bad = strdup(xml);
	at = strstr(bad, "<title>");
	const char *c41 = "<title><c u=\"0041\"/>";
	struct q_buf b;
	q_buf_init(&b, 0);
	q_buf_append(&b, bad, (size_t)(at - bad));
	q_buf_puts(&b, c41);
	q_buf_puts(&b, at + 7);
	expect_read_error("quarry XML: <c> only for what XML cannot carry", b.data, Q_EINVALID, -1, "0041");
	q_buf_release(&b);
	free(bad);
	expect_read_error("quarry XML: wrong root", "<documents xmlns=\"urn:quarry:1\"/>", Q_EINVALID, 1,
			  "documents");
	expect_read_error("quarry XML: entity references refused",
			  "<!DOCTYPE d [<!ENTITY x \"y\">]>\n<document xmlns=\"urn:quarry:1\" schema=\"quarry/1\">\n"
			  "<source name=\"&x;\"/></document>",
			  Q_EINVALID, 3, "entity references");
	free(xml);
	json_decref(view);
	q_doc_release(&doc);
	q_buf_release(&raw);
}

/* ---- arbitrary JSON ------------------------------------------------------- */

static void test_json_data(void)
{
	static const char *const cases[][2] = {
		{"empty object", "{}"},
		{"empty array", "[]"},
		{"[1] is not 1", "[1]"},
		{"bare number", "1"},
		{"bare string of digits", "\"1\""},
		{"bare null", "null"},
		{"bare false", "false"},
		{"empty string", "\"\""},
		{"empty key", "{\"\": 1}"},
		{"keys that are not names", "{\"a b\": 1, \"1x\": 2, \"<&>\": \"\\\"'\", \"x:y\": null}"},
		{"numbers vs strings", "{\"n\": 10, \"s\": \"10\", \"r\": 10.0, \"e\": \"1e3\"}"},
		{"nested empties", "[[[]], {}, [{}], {\"a\": {\"b\": []}}, \"\"]"},
		{"control characters", "[\"a\\u0001b\", \"\\u000b\\u000c\", \"nul \\u0000 here\", \"\\u001f\"]"},
		{"control characters in keys", "{\"k\\u0001\": 1, \"\\u000b\": {\"\\u001f\\\\\": true}}"},
		{"backslashes", "[\"a\\\\b\", \"\\\\u0041\", \"\\\\\\u0001\"]"},
		{"noncharacters", "[\"\\uffff \\ufffe\"]"},
		{"CR and whitespace", "[\"a\\r\\nb\", \"\\r\", \" \", \"\\t\\n\", \"  x  \"]"},
		{"markup characters", "[\"]]>\", \"<a>&amp;</a>\", \"'\\\"\"]"},
		{"astral", "[\"\\ud83d\\ude00 \\ud834\\udd1e\", {\"\\ud83c\\udf0a\": 1}]"},
		{"64-bit integers", "[9223372036854775807, -9223372036854775808, 0, -1]"},
		{"doubles", "[0.1, -0.0, 2.0, 1e300, 5e-324, 1.7976931348623157e308, 123456789.125, -2.5e-7]"},
		{"booleans and null", "{\"t\": true, \"f\": false, \"n\": null}"},
		{"key order kept", "{\"z\": 1, \"a\": 2, \"m\": 3}"},
		{"not JsonML: empty attributes", "[\"p\", {}]"},
		{"not JsonML: adjacent strings", "[\"p\", \"a\", \"b\"]"},
		{"not JsonML: empty string", "[\"p\", \"\"]"},
		{"not JsonML: bad name", "[\"1p\"]"},
		{"not JsonML: number attribute", "[\"p\", {\"a\": 1}]"},
		{"not JsonML: number child", "[\"p\", 1]"},
		{"not JsonML: undeclared prefix", "[\"x:p\"]"},
		{"not JsonML: quarry namespace", "[\"document\", {\"xmlns\": \"urn:quarry:1\"}]"},
		{"not JsonML: fn namespace", "[\"map\", {\"xmlns\": \"" Q_XML_FN_NAMESPACE "\"}]"},
		{"not JsonML: control character", "[\"p\", \"a\\u0001\"]"},
		{"not JsonML: comment with --", "[\"p\", [\"!--\", \"a--b\"]]"},
		{"not JsonML: comment with CR", "[\"p\", [\"!--\", \"a\\rb\"]]"},
		{"not JsonML: PI named xml", "[\"p\", [\"?xml\", \"x\"]]"},
		{"not JsonML: PI data with ?>", "[\"p\", [\"?pi\", \"a?>b\"]]"},
		{"not JsonML: PI data with leading space", "[\"p\", [\"?pi\", \" a\"]]"},
		{"not JsonML: empty prefix binding", "[\"p\", {\"xmlns:a\": \"\"}]"},
		{"not JsonML: duplicate expanded attribute",
		 "[\"p\", {\"xmlns:a\": \"u\", \"xmlns:b\": \"u\", \"a:x\": \"1\", \"b:x\": \"2\"}]"},
		{"not JsonML: document without comments", "[\"#document\", [\"p\"]]"},
		{"not JsonML: document with two roots", "[\"#document\", [\"!--\", \"c\"], [\"p\"], [\"q\"]]"},
		{"not JsonML: bare comment", "[\"!--\", \"c\"]"},
		{"JsonML: element", "[\"p\"]"},
		{"JsonML: attributes and text", "[\"p\", {\"class\": \"x\", \"title\": \"a\\tb\\nc\\r <&\\\"\"}, \"hi\"]"},
		{"JsonML: mixed content", "[\"p\", \"a \", [\"em\", \"b\"], \" c\", [\"br\"], \"\\r\\n\"]"},
		{"JsonML: namespaces",
		 "[\"a:x\", {\"xmlns:a\": \"urn:a\", \"xmlns\": \"urn:d\", \"a:k\": \"v\", \"k\": \"w\"}, "
		 "[\"y\", {\"xmlns\": \"\"}], [\"a:z\", {\"xmlns:a\": \"urn:other\"}]]"},
		{"JsonML: odd namespace names", "[\"p\", {\"xmlns\": \"a&b <c> %zz\", \"xmlns:x\": \"&#38;\"}]"},
		{"JsonML: xml prefix", "[\"p\", {\"xml:lang\": \"en\", \"xml:space\": \"preserve\"}]"},
		{"JsonML: comments and PIs", "[\"p\", [\"!--\", \" note \"], [\"!--\", \"\"], [\"?pi\", \"\"], [\"?pi\", \"data ?\"]]"},
		{"JsonML: document", "[\"#document\", [\"?xml-stylesheet\", \"href=\\\"a.xsl\\\"\"], [\"!--\", \"c\"], [\"root\"], [\"!--\", \"end\"]]"},
		{"JsonML: unicode names", "[\"caf\\u00e9\", {\"\\u00e9t\\u00e9\": \"\\ud83d\\ude00\"}, \"\\u2014\"]"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[128];
		json_t *v = parse_json(cases[i][1]);
		for (int compact = 0; compact < 2; compact++) {
			snprintf(name, sizeof(name), "json data: %s%s", cases[i][0], compact ? " (compact)" : "");
			CHECK(name, v && same_after_xml(v, compact, NULL));
		}
		json_decref(v);
	}

	/* Which vocabulary each took. */
	int rc;
	json_t *v = parse_json("[\"p\", {\"class\": \"x\"}, \"hi \", [\"b\", \"there\"]]");
	char *xml = emit_xml(v, 0, &rc);
	CHECK("JsonML is written as its XML", xml && strstr(xml, "<p class=\"x\">hi <b>there</b></p>"));
	free(xml);
	json_decref(v);
	v = parse_json("[\"p\", \"a\", \"b\"]");
	xml = emit_xml(v, 0, &rc);
	CHECK("non-canonical JsonML falls back to json-to-xml", xml && strstr(xml, "<array xmlns="));
	free(xml);
	json_decref(v);
	v = parse_json("{\"a\\u0001\": \"\\u0000\"}");
	xml = emit_xml(v, 0, &rc);
	CHECK("escaped and escaped-key", xml && strstr(xml, "<string key=\"a\\u0001\" escaped-key=\"true\" escaped=\"true\">\\u0000</string>"));
	free(xml);
	json_decref(v);
	v = parse_json("[1, 1.0, 1e21, 0.1]");
	xml = emit_xml(v, 1, &rc);
	CHECK("numbers: integers bare, reals with a point or exponent",
	      xml && strstr(xml, "<number>1</number><number>1.0</number><number>1e21</number><number>0.1</number>"));
	free(xml);
	json_decref(v);

	/* Deep nesting up to the limit. */
	struct q_buf deep;
	q_buf_init(&deep, 0);
	for (int i = 0; i < Q_MAX_DEPTH - 1; i++)
		q_buf_putc(&deep, '[');
	q_buf_puts(&deep, "1");
	for (int i = 0; i < Q_MAX_DEPTH - 1; i++)
		q_buf_putc(&deep, ']');
	v = parse_json(deep.data);
	CHECK("json data: nesting at the depth limit", v && same_after_xml(v, 1, NULL));
	json_decref(v);
	q_buf_release(&deep);
}

/* What the json-to-xml reader accepts and refuses. */
static void expect_value(const char *name, const char *xml, const char *want_json)
{
	struct q_error err;
	json_t *v = read_xml(xml, strlen(xml), &err);
	char *got = dump(v, 1);
	json_t *w = parse_json(want_json);
	char *want = dump(w, 1);
	CHECK(name, got && want && strcmp(got, want) == 0);
	if (!got || !want || strcmp(got, want))
		printf("  got %s (%s) want %s", got ? got : "-", v ? "" : err.message, want ? want : "-");
	free(got);
	free(want);
	json_decref(v);
	json_decref(w);
}

#define FN "<?xml version=\"1.0\"?>\n"
#define NS " xmlns=\"" Q_XML_FN_NAMESPACE "\""

static void test_fn_reader(void)
{
	expect_value("fn: whitespace around numbers and booleans",
		     "<array" NS "><number> 5 </number><number>\n-2.50\n</number><boolean> 1 </boolean>"
		     "<boolean>0</boolean><number>+7</number><number>1E2</number></array>",
		     "[5, -2.5, true, false, 7, 100.0]");
	expect_value("fn: escaped=false keeps backslashes", "<string" NS " escaped=\"false\">a\\n</string>", "\"a\\\\n\"");
	expect_value("fn: escaped=true decodes", "<string" NS " escaped=\"true\">a\\n\\u00e9\\/\\ud83d\\ude00</string>",
		     "\"a\\n\\u00e9/\\ud83d\\ude00\"");
	expect_value("fn: prefixed vocabulary", "<j:map xmlns:j=\"" Q_XML_FN_NAMESPACE "\"><j:null key=\"a\"/></j:map>",
		     "{\"a\": null}");
	expect_value("fn: comments and foreign attributes dropped",
		     "<map" NS " xmlns:x=\"urn:x\" x:note=\"n\"><!-- c --><string key=\"a\">x<!--y-->z</string></map>",
		     "{\"a\": \"xz\"}");
	expect_value("fn: CDATA and entities in strings",
		     "<!DOCTYPE s [<!ENTITY e \"&lt;E&gt;\">]><string" NS "><![CDATA[<a>]]>&e;&amp;&#1234;</string>",
		     "\"<a><E>&\\u04d2\"");
	expect_read_error("fn: map entry without key", FN "<map" NS ">\n<string>a</string></map>", Q_EINVALID, 3, "key");
	expect_read_error("fn: duplicate key", FN "<map" NS "><null key=\"a\"/>\n\n<null key=\"a\"/></map>", Q_EINVALID, 4,
			  "duplicate key");
	expect_read_error("fn: text in a map", FN "<map" NS ">x<null key=\"a\"/></map>", Q_EINVALID, 2, "text inside");
	expect_read_error("fn: key outside a map", FN "<array" NS "><null key=\"a\"/></array>", Q_EINVALID, 2, "key");
	expect_read_error("fn: not a number", FN "<number" NS ">abc</number>", Q_EINVALID, 2, "not a JSON number");
	expect_read_error("fn: INF is not JSON", FN "<number" NS ">INF</number>", Q_EINVALID, 2, "not a JSON number");
	expect_read_error("fn: NaN is not JSON", FN "<number" NS ">NaN</number>", Q_EINVALID, 2, "not a JSON number");
	expect_read_error("fn: hex is not JSON", FN "<number" NS ">0x1.8p3</number>", Q_EINVALID, 2, "not a JSON number");
	expect_read_error("fn: integer out of range", FN "<number" NS ">99999999999999999999</number>", Q_EINVALID, 2,
			  "out of range");
	expect_read_error("fn: real out of range", FN "<number" NS ">1e999</number>", Q_EINVALID, 2, "out of range");
	expect_read_error("fn: bad boolean", FN "<boolean" NS ">yes</boolean>", Q_EINVALID, 2, "not a boolean");
	expect_read_error("fn: null with text", FN "<null" NS ">x</null>", Q_EINVALID, 2, "null");
	expect_read_error("fn: unknown element", FN "<map" NS "><object key=\"a\"/></map>", Q_EINVALID, 2, "object");
	expect_read_error("fn: element in a string", FN "<string" NS "><b/></string>", Q_EINVALID, 2, "only text");
	expect_read_error("fn: bad escape", FN "<string" NS " escaped=\"true\">\\q</string>", Q_EINVALID, 2, "escape");
	expect_read_error("fn: lone surrogate", FN "<string" NS " escaped=\"true\">\\ud800</string>", Q_EINVALID, 2,
			  "escape");
	expect_read_error("fn: NUL in a key", FN "<map" NS "><null key=\"a\\u0000\" escaped-key=\"true\"/></map>",
			  Q_EINVALID, 2, "U+0000");
	expect_read_error("fn: escaped on a number", FN "<number" NS " escaped=\"true\">1</number>", Q_EINVALID, 2,
			  "escaped");
	expect_read_error("fn: unknown attribute", FN "<string" NS " kind=\"x\">1</string>", Q_EINVALID, 2, "kind");
}

/* ---- the streaming reader of json-to-xml arrays ------------------------ */

/* JSON text of an XML input through q_xml_read (tree) or q_xml_items
 * (stream), written as convert writes them; NULL and *err on an error.
 * *streamed says whether the stream took the input. */
static char *xml_to_json(const char *xml, size_t len, int stream, int compact, int *streamed,
			 struct q_error *err)
{
	struct q_emit_opts opts = {.compact = compact, .file = "t.xml"};
	const struct q_format *json = q_format_find("json");
	struct q_buf b;
	struct q_xml_items *it = NULL;
	int rc = 0;
	q_buf_init(&b, 0);
	q_error_init(err);
	*streamed = stream && q_xml_items_open(&it, xml, len, "t.xml");
	if (*streamed) {
		struct q_array_writer *w = NULL;
		rc = q_array_writer_open(&w, json, &opts, &b, err);
		while (!rc) {
			json_t *item = NULL;
			rc = q_xml_items_next(it, &item, err);
			if (rc || !item)
				break;
			rc = q_array_writer_item(w, item, err);
			json_decref(item);
		}
		int closed = q_array_writer_close(w, !rc, err);
		rc = rc ? rc : closed;
		q_xml_items_close(it);
	} else {
		size_t pos = 0;
		json_t *v = NULL;
		rc = q_xml_read(xml, len, &pos, "t.xml", &v, err);
		if (!rc && v)
			rc = json->emit(v, &opts, &b, err);
		json_decref(v);
	}
	if (rc || b.failed) {
		q_buf_release(&b);
		return NULL;
	}
	q_buf_putc(&b, '\0');
	return b.data;
}

/* The stream gives the tree's bytes (or its very error) for xml. */
static void expect_same_stream(const char *name, const char *xml, size_t len, int want_stream)
{
	struct q_error e1, e2;
	int s1, s2, same = 1;
	for (int compact = 0; compact <= 1 && same; compact++) {
		char *tree = xml_to_json(xml, len, 0, compact, &s1, &e1);
		char *stream = xml_to_json(xml, len, 1, compact, &s2, &e2);
		same = s2 == want_stream && (tree && stream ? !strcmp(tree, stream) : !tree && !stream);
		if (same && !tree)
			same = e1.code == e2.code && e1.line == e2.line && e1.column == e2.column &&
			       !strcmp(e1.message, e2.message);
		if (!same)
			printf("  %s: streamed %d; tree %.80s (%s); stream %.80s (%s)\n", name, s2,
			       tree ? tree : "-", tree ? "" : e1.message, stream ? stream : "-",
			       stream ? "" : e2.message);
		free(tree);
		free(stream);
	}
	CHECK(name, same);
}

/* n generated records of every kind of value, as json-to-xml. */
static char *records_xml(size_t n, size_t *len)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *rec = json_pack("{s:I, s:s, s:b, s:f, s:n, s:[i, s, {}], s:{s:s, s:{s:f}}}", "id", (json_int_t)i,
					"name", i % 7 ? "plain name" : "tab\tnewline\n<&>\"'\xc3\xa9\xf0\x9f\x98\x80", "on",
					(int)(i % 3 == 0), "score", (double)i / 8.0 - 1e3, "note", "list", (int)i,
					"a b", "address", "1x", i % 2 ? "" : "  spaced  ", "geo", "lat", 1.0 / (double)(i + 3));
		json_array_append_new(arr, rec);
	}
	json_array_append_new(arr, json_array());
	json_array_append_new(arr, json_string(""));
	int rc;
	char *xml = emit_xml(arr, 0, &rc);
	json_decref(arr);
	*len = xml ? strlen(xml) : 0;
	return xml;
}

static void test_stream(void)
{
	size_t len;
	char *xml = records_xml(20000, &len);
	if (!xml) {
		CHECK("stream: records", 0);
		return;
	}
	expect_same_stream("stream: 20000 records convert as through the tree", xml, len, 1);
	/* Malformed after many records, at the end, and a mapping error. */
	struct q_buf b;
	q_buf_init(&b, 0);
	/* The input up to the root's end tag. */
	size_t body = len > 9 && !strcmp(xml + len - 9, "</array>\n") ? len - 9 : len;
	CHECK("stream: records end with the root's end tag", body < len);
	q_buf_append(&b, xml, body);
	q_buf_puts(&b, "  <map>\n    <number key=\"id\">1</number>\n  </array>\n");
	expect_same_stream("stream: malformed after 20000 records, the tree's error", b.data, b.len, 1);
	q_buf_reset(&b);
	q_buf_append(&b, xml, body);
	expect_same_stream("stream: input cut short, the tree's error", b.data, b.len, 1);
	q_buf_reset(&b);
	q_buf_append(&b, xml, body);
	q_buf_puts(&b, "  <string>a</string><object/>\n</array>\n");
	expect_same_stream("stream: unexpected element after 20000 records, the tree's error", b.data, b.len, 1);
	q_buf_reset(&b);
	q_buf_append(&b, xml, body);
	q_buf_puts(&b, "  text\n</array>\n");
	expect_same_stream("stream: text after 20000 records, the tree's error", b.data, b.len, 1);
	q_buf_reset(&b);
	q_buf_append(&b, xml, len);
	q_buf_puts(&b, "<array" NS "/>\n");
	expect_same_stream("stream: a second root, the tree's error", b.data, b.len, 1);
	q_buf_release(&b);
	free(xml);

#define SAME(name, xml, streams) expect_same_stream("stream: " name, xml, strlen(xml), streams)
	SAME("leading lines, comments and PIs inside",
	     "\n\n" FN "<array" NS ">\n<!-- c --><number>1</number><?pi x?>\n<map><!--d--><null key=\"a\"/></map></array>\n", 1);
	SAME("prefixed root", "<j:array xmlns:j=\"" Q_XML_FN_NAMESPACE "\"><j:string>x</j:string></j:array>", 1);
	SAME("empty array", "<array" NS "></array>", 1);
	SAME("blank array", "<array" NS ">\n  \n</array>", 1);
	SAME("nesting past the limit", "<array" NS "><array><array><array></array></array></array></array>", 1);
	SAME("a self-closed root is left to the tree", "<array" NS "/>", 0);
	SAME("a map root is left to the tree", "<map" NS "><null key=\"a\"/></map>", 0);
	SAME("JsonML is left to the tree", "<array><number>1</number></array>", 0);
	SAME("a document type is left to the tree",
	     "<!DOCTYPE array [<!ENTITY e \"<number>1</number>\">]><array" NS ">&e;</array>", 0);
	SAME("a comment before the root is left to the tree", "<!--c--><array" NS "><null/></array>", 0);
	SAME("a comment after the root is left to the tree", "<array" NS "><!--x--><null/></array><!--c-->\n", 0);
	SAME("attributes on the root are left to the tree", "<array" NS " key=\"a\"><null/></array>", 0);
	SAME("CDATA is left to the tree", "<array" NS "><string><![CDATA[<x>]]></string></array>", 0);
	SAME("undefined entity (found before the first element)", "<array" NS "><string>&nope;</string></array>", 0);
	SAME("foreign attribute dropped", "<array" NS " xmlns:x=\"urn:x\"><string x:a=\"1\">s</string></array>", 1);
#undef SAME
}

/* ---- arbitrary XML -------------------------------------------------------- */

static void test_xml_data(void)
{
	expect_value("JsonML: element, attributes in order, text",
		     "<p b=\"2\" a=\"1\">hi</p>", "[\"p\", {\"b\": \"2\", \"a\": \"1\"}, \"hi\"]");
	expect_value("JsonML: no attributes object when there are none", "<p><q/></p>", "[\"p\", [\"q\"]]");
	expect_value("JsonML: declarations first, prefixes as written",
		     "<a:x k=\"1\" xmlns:a=\"urn:a\" a:k=\"2\" xmlns=\"urn:d\"><y/></a:x>",
		     "[\"a:x\", {\"xmlns:a\": \"urn:a\", \"xmlns\": \"urn:d\", \"k\": \"1\", \"a:k\": \"2\"}, [\"y\"]]");
	expect_value("JsonML: CDATA and entities joined with text",
		     "<!DOCTYPE p [<!ENTITY e \"E<i>i</i>\">]><p>a<![CDATA[<b>]]>c&amp;&e;&#x1F30A;</p>",
		     "[\"p\", \"a<b>c&E\", [\"i\", \"i\"], \"\\ud83c\\udf0a\"]");
	expect_value("JsonML: attribute value normalization and references",
		     "<p a=\"x\ny&#10;z&#9;&#13;\"/>", "[\"p\", {\"a\": \"x y\\nz\\t\\r\"}]");
	expect_value("JsonML: CR in content", "<p>a&#13;\r\nb\rc</p>", "[\"p\", \"a\\r\\nb\\nc\"]");
	expect_value("JsonML: whitespace kept", "<p>\n  <q> </q>\n</p>", "[\"p\", \"\\n  \", [\"q\", \" \"], \"\\n\"]");
	expect_value("JsonML: comments and PIs kept", "<p><!--c--><?t d?><?e?></p>",
		     "[\"p\", [\"!--\", \"c\"], [\"?t\", \"d\"], [\"?e\", \"\"]]");
	expect_value("JsonML: a top-level comment makes a #document", "<!--a--><p/><?z?>",
		     "[\"#document\", [\"!--\", \"a\"], [\"p\"], [\"?z\", \"\"]]");
	expect_value("JsonML: & and entities in a namespace name",
		     "<!DOCTYPE p [<!ENTITY e \"x\">]><p xmlns=\"urn:a?b=1&amp;c=&e;\" xmlns:q=\"urn:&#38;\"/>",
		     "[\"p\", {\"xmlns\": \"urn:a?b=1&c=x\", \"xmlns:q\": \"urn:&\"}]");
	expect_value("JsonML: a namespace name that is no URI", "<p xmlns=\"a b%zz\"/>",
		     "[\"p\", {\"xmlns\": \"a b%zz\"}]");
	expect_value("JsonML: other encodings",
		     "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><p>caf\xE9</p>", "[\"p\", \"caf\\u00e9\"]");
	expect_value("JsonML: byte order mark", "\xEF\xBB\xBF<p/>", "[\"p\"]");
	expect_value("JsonML: leading blank lines", "\n\n  <p/>", "[\"p\"]");

	expect_read_error("XML syntax error names its line", "<a>\n<b>\n</a>", Q_ESYNTAX, 3, "invalid XML");
	expect_read_error("XML syntax error after blank lines", "\n\n<a>\n</b>", Q_ESYNTAX, 4, "invalid XML");
	expect_read_error("undefined entity", "<a>&nope;</a>", Q_ESYNTAX, 1, "nope");
	expect_read_error("undeclared prefix", "<a:b/>", Q_ESYNTAX, 1, "prefix");
	expect_read_error("two roots", "<a/><b/>", Q_ESYNTAX, 1, "invalid XML");
	expect_read_error("NUL byte", "<a>\0</a>", Q_ESYNTAX, -1, "invalid XML");
	expect_read_error("XML 1.0 control character reference", "<a>&#1;</a>", Q_ESYNTAX, 1, "invalid XML");
	expect_read_error("invalid UTF-8", "<a>\xC3\x28</a>", Q_ESYNTAX, 1, "invalid XML");

	struct q_error err;
	size_t pos = 0;
	json_t *v = (json_t *)1;
	q_error_init(&err);
	CHECK("blank input holds no value", q_xml_read("  \n ", 4, &pos, "x", &v, &err) == 0 && v == NULL);
}

static void test_security(void)
{
	struct q_error err;
	char first[64] = "";
	FILE *f = fopen("/etc/passwd", "r");
	if (f) {
		if (!fgets(first, sizeof(first), f))
			first[0] = '\0';
		fclose(f);
		first[strcspn(first, ":")] = '\0';
	}
	static const char *const xxe[] = {
		"<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>",
		"<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r a=\"b\">[&x;]</r>",
		"<!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><r/>",
		"<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><r/>",
		"<!DOCTYPE r [<!ENTITY x SYSTEM \"http://127.0.0.1:9/x\">]><r>&x;</r>",
		"<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		"<map xmlns=\"" Q_XML_FN_NAMESPACE "\"><string key=\"a\">&x;</string></map>",
	};
	for (size_t i = 0; i < sizeof(xxe) / sizeof(xxe[0]); i++) {
		json_t *v = read_xml(xxe[i], strlen(xxe[i]), &err);
		char *text = dump(v, 1);
		char name[64];
		snprintf(name, sizeof(name), "external entity %zu is never read", i + 1);
		CHECK(name, first[0] && (!text || !strstr(text, first)) && (v || err.code));
		free(text);
		json_decref(v);
	}

	/* Billion laughs: refused cleanly, in content and in attributes. */
	struct q_buf b;
	q_buf_init(&b, 0);
	for (int attr = 0; attr < 2; attr++) {
		q_buf_reset(&b);
		q_buf_puts(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
		for (int i = 1; i < 10; i++) {
			q_buf_printf(&b, "<!ENTITY lol%d \"", i);
			for (int k = 0; k < 10; k++)
				q_buf_printf(&b, i == 1 ? "&lol;" : "&lol%d;", i - 1);
			q_buf_puts(&b, "\">\n");
		}
		q_buf_puts(&b, attr ? "]>\n<lolz a=\"&lol9;\"/>\n" : "]>\n<lolz>&lol9;</lolz>\n");
		json_t *v = read_xml(b.data, b.len, &err);
		CHECK(attr ? "billion laughs in an attribute refused" : "billion laughs refused",
		      !v && Q_CATEGORY(err.code) == Q_EDATA && err.line > 0);
		json_decref(v);
	}
	/* Quadratic blowup: one large entity referenced many times. */
	q_buf_reset(&b);
	q_buf_puts(&b, "<!DOCTYPE r [<!ENTITY big \"");
	for (int i = 0; i < 20000; i++)
		q_buf_puts(&b, "xxxxxxxxxx");
	q_buf_puts(&b, "\">]><r>");
	for (int i = 0; i < 20000; i++)
		q_buf_puts(&b, "&big;");
	q_buf_puts(&b, "</r>");
	json_t *v = read_xml(b.data, b.len, &err);
	CHECK("quadratic blowup refused", !v && Q_CATEGORY(err.code) == Q_EDATA);
	json_decref(v);

	/* Depth. */
	q_buf_reset(&b);
	for (int i = 0; i < Q_MAX_DEPTH + 5; i++)
		q_buf_puts(&b, "<a>");
	for (int i = 0; i < Q_MAX_DEPTH + 5; i++)
		q_buf_puts(&b, "</a>");
	v = read_xml(b.data, b.len, &err);
	CHECK("nesting past the limit refused", !v && Q_CATEGORY(err.code) == Q_EDATA && strstr(err.message, "nested deeper"));
	json_decref(v);
	q_buf_reset(&b);
	q_buf_puts(&b, "<map xmlns=\"" Q_XML_FN_NAMESPACE "\">");
	for (int i = 0; i < Q_MAX_DEPTH; i++)
		q_buf_puts(&b, i ? "<array>" : "<array key=\"a\">");
	for (int i = 0; i < Q_MAX_DEPTH; i++)
		q_buf_puts(&b, "</array>");
	q_buf_puts(&b, "</map>");
	v = read_xml(b.data, b.len, &err);
	CHECK("json-to-xml nesting past the limit refused", !v && strstr(err.message, "nested deeper"));
	if (v || !strstr(err.message, "nested deeper"))
		printf("  %s\n", err.message);
	json_decref(v);
	q_buf_reset(&b);
	for (int i = 0; i < 100000; i++)
		q_buf_puts(&b, "<a>");
	v = read_xml(b.data, b.len, &err);
	CHECK("very deep nesting refused by the parser", !v && err.code);
	json_decref(v);
	q_buf_release(&b);
}

/* Text nodes past libxml2's 10 MB limit (split and joined again). */
static void test_large_text(void)
{
	size_t n = 11u << 20;
	char *s = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = i % 50 == 49 ? '&' : i % 50 == 48 ? '\r' : i % 97 == 5 ? '\x01' : 'a' + (char)(i % 26);
	s[n] = '\0';
	json_t *v = json_pack("{s:s%}", "text", s, n);
	CHECK("json data: an 11 MB string with escapes", same_after_xml(v, 0, NULL));
	json_decref(v);
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\x01')
			s[i] = ' ';
	v = json_pack("[ss%]", "p", s, n);
	char *xml = NULL;
	CHECK("JsonML: an 11 MB text node", same_after_xml(v, 1, &xml));
	CHECK("JsonML: the 11 MB text is written as XML", xml && !strncmp(xml + strlen(XML_DECL_TEST), "<p>", 3));
	free(xml);
	json_decref(v);

	/* Past what libxml2 reads in one attribute or name: json-to-xml. */
	s[1500000] = '\0';
	v = json_pack("[s{ss}]", "p", "a", s);
	CHECK("JsonML: a 1.5 MB attribute value goes out as json-to-xml", same_after_xml(v, 1, &xml));
	CHECK("JsonML: ... not as an attribute", xml && strstr(xml, "<array xmlns="));
	free(xml);
	json_decref(v);
	memset(s, 'n', 60000);
	s[60000] = '\0';
	v = json_pack("[s]", s);
	CHECK("JsonML: a 60000-character name goes out as json-to-xml", same_after_xml(v, 1, &xml));
	CHECK("JsonML: ... not as an element", xml && strstr(xml, "<array xmlns="));
	free(xml);
	json_decref(v);
	free(s);
}

/* ---- the XSD and the JSON Schema agree ----------------------------------- */

/* The values (enumerations or pattern) of a simple type of the XSD,
 * joined by '|'. */
static void xsd_facets(xmlXPathContextPtr x, const char *type, const char *facet, struct q_buf *out)
{
	char expr[256];
	snprintf(expr, sizeof(expr), "//xs:simpleType[@name='%s']//xs:%s/@value", type, facet);
	xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, x);
	q_buf_reset(out);
	for (int i = 0; r && r->nodesetval && i < r->nodesetval->nodeNr; i++) {
		xmlChar *v = xmlNodeGetContent(r->nodesetval->nodeTab[i]);
		q_buf_printf(out, "%s%s", i ? "|" : "", (const char *)v);
		xmlFree(v);
	}
	xmlXPathFreeObject(r);
}

/* The same of a JSON Schema node: enum values, or the pattern unanchored. */
static void json_facets(json_t *node, struct q_buf *out)
{
	size_t i;
	json_t *v;
	q_buf_reset(out);
	json_t *one = json_object_get(node, "oneOf");
	if (one)
		node = json_array_get(one, 1);
	if (json_object_get(node, "enum")) {
		json_array_foreach(json_object_get(node, "enum"), i, v)
			q_buf_printf(out, "%s%s", i ? "|" : "", json_string_value(v));
	} else if (json_object_get(node, "pattern")) {
		const char *p = json_string_value(json_object_get(node, "pattern"));
		size_t n = strlen(p);
		q_buf_append(out, p + (p[0] == '^'), n - (p[0] == '^') - (n && p[n - 1] == '$'));
	}
}

static void test_schemas_agree(void)
{
	const struct q_embedded *xe = q_schema_find("quarry.xsd"), *je = q_schema_find("quarry.schema.json");
	xmlDocPtr xsd = xe ? xmlReadMemory(xe->data, (int)xe->size, NULL, NULL, XML_PARSE_NONET) : NULL;
	json_t *js = je ? json_loadb(je->data, je->size, 0, NULL) : NULL;
	CHECK("both schemas are built in and parse", xsd && js);
	if (!xsd || !js) {
		xmlFreeDoc(xsd);
		json_decref(js);
		return;
	}
	xmlXPathContextPtr x = xmlXPathNewContext(xsd);
	xmlXPathRegisterNs(x, BAD_CAST "xs", BAD_CAST "http://www.w3.org/2001/XMLSchema");
	json_t *props = json_object_get(js, "properties"), *defs = json_object_get(js, "$defs");
#define ITEM(arr) json_object_get(json_object_get(json_object_get(props, arr), "items"), "properties")
	static const struct {
		const char *xsd_type, *facet, *where;
	} pairs[] = {
		{"encoding", "enumeration", "source.encoding"},
		{"newline", "enumeration", "source.newline"},
		{"paragraphKind", "enumeration", "paragraphs.kind"},
		{"entityType", "enumeration", "entities.type"},
		{"timexType", "enumeration", "timexes.type"},
		{"numberKind", "enumeration", "numbers.kind"},
		{"date", "pattern", "metadata.date"},
		{"language", "pattern", "metadata.language"},
		{"referenceDate", "pattern", "metadata.reference_date"},
		{"enumerationId", "pattern", "enumerations.id"},
		{"sha256", "pattern", "$defs.sha256"},
		{"entityId", "pattern", "$defs.entity_id"},
	};
	struct q_buf a, b;
	q_buf_init(&a, 0);
	q_buf_init(&b, 0);
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		char obj[32], name[128];
		const char *key = strchr(pairs[i].where, '.') + 1;
		snprintf(obj, sizeof(obj), "%.*s", (int)(key - 1 - pairs[i].where), pairs[i].where);
		json_t *node;
		if (!strcmp(obj, "$defs"))
			node = json_object_get(defs, key);
		else if (!strcmp(obj, "source") || !strcmp(obj, "metadata"))
			node = json_object_get(json_object_get(json_object_get(props, obj), "properties"), key);
		else
			node = json_object_get(ITEM(obj), key);
		xsd_facets(x, pairs[i].xsd_type, pairs[i].facet, &a);
		json_facets(node, &b);
		snprintf(name, sizeof(name), "schemas agree: %s (%s)", pairs[i].where, pairs[i].facet);
		CHECK(name, a.len && b.len && !strcmp(a.data, b.data));
		if (!a.len || !b.len || strcmp(a.data, b.data))
			printf("  xsd %s, json %s\n", a.data ? a.data : "-", b.data ? b.data : "-");
	}
#undef ITEM
	/* Every key of every object of the JSON Schema is an attribute or an
	 * element of the XSD. */
	size_t keys = 0, found = 0;
	struct q_buf missing;
	q_buf_init(&missing, 0);
	json_t *stack[64];
	size_t depth = 0;
	stack[depth++] = js;
	while (depth) {
		json_t *n = stack[--depth];
		const char *k;
		json_t *v;
		json_t *p = json_object_get(n, "properties");
		json_object_foreach(p, k, v) {
			char expr[160];
			if (!strcmp(k, "schema") && n == js) {
				keys++, found++;
				continue;
			}
			/* Arrays inside items are repeated child elements, named
			 * in the singular, without a wrapper. */
			const char *e = !strcmp(k, "mentions") ? "mention" : !strcmp(k, "items") ? "item" : k;
			snprintf(expr, sizeof(expr), "//xs:attribute[@name='%s'] | //xs:element[@name='%s']", k, e);
			xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, x);
			keys++;
			if (r && r->nodesetval && r->nodesetval->nodeNr > 0)
				found++;
			else
				q_buf_printf(&missing, " %s", k);
			xmlXPathFreeObject(r);
			if (depth < 62) {
				stack[depth++] = v;
				if (json_object_get(v, "items"))
					stack[depth++] = json_object_get(v, "items");
			}
		}
	}
	char name[96];
	snprintf(name, sizeof(name), "schemas agree: all %zu keys of the JSON Schema are in the XSD", keys);
	CHECK(name, keys > 60 && found == keys);
	if (found != keys)
		printf("  missing:%s\n", missing.data);
	q_buf_release(&missing);
	q_buf_release(&a);
	q_buf_release(&b);
	xmlXPathFreeContext(x);
	xmlFreeDoc(xsd);
	json_decref(js);
}

/* ---- threads -------------------------------------------------------------- */

struct job {
	json_t *view;
	char *want;
	int ok;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	j->ok = 1;
	for (int i = 0; i < 20; i++) {
		int rc;
		struct q_error err;
		char *xml = emit_xml(j->view, i & 1, &rc);
		json_t *back = xml ? read_xml(xml, strlen(xml), &err) : NULL;
		char *got = dump(back, 1);
		j->ok &= got && !strcmp(got, j->want);
		/* An error in between must not leak into other threads. */
		json_t *bad = read_xml("<a><b></a>", 10, &err);
		j->ok &= !bad && err.code == Q_ESYNTAX;
		free(got);
		free(xml);
		json_decref(back);
	}
	return NULL;
}

static void test_threads(void)
{
	struct q_doc doc;
	struct q_buf raw;
	struct q_error err;
	q_buf_init(&raw, 0);
	q_error_init(&err);
	q_read_file("fixtures/sample/press-release.txt", Q_MAX_INPUT_DEFAULT, &raw, &err);
	extract_named(&doc, "press-release.txt", raw.data, raw.len);
	struct job jobs[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		jobs[i].view = q_ir_to_json(&doc);
		jobs[i].want = dump(jobs[i].view, 1);
		pthread_create(&th[i], NULL, worker, &jobs[i]);
	}
	int ok = 1;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ok &= jobs[i].ok;
		json_decref(jobs[i].view);
		free(jobs[i].want);
	}
	CHECK("four threads write and read at once", ok);
	q_doc_release(&doc);
	q_buf_release(&raw);
}

/* ---- files: the XML fixtures and the fuzz seeds --------------------------- */

static int read_whole(const char *path, struct q_buf *out)
{
	struct q_error err;
	q_error_init(&err);
	q_buf_reset(out);
	return q_read_file(path, Q_MAX_INPUT_DEFAULT, out, &err);
}

/* XML -> JSON -> XML -> JSON: the JsonML (or value) is stable. */
static void test_fixture_files(void)
{
	DIR *d = opendir("fixtures/xml");
	struct dirent *e;
	struct q_buf raw;
	size_t total = 0, good = 0;
	q_buf_init(&raw, 0);
	while (d && (e = readdir(d))) {
		char path[512];
		size_t n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 4, ".xml"))
			continue;
		snprintf(path, sizeof(path), "fixtures/xml/%s", e->d_name);
		total++;
		struct q_error err;
		if (read_whole(path, &raw))
			continue;
		json_t *v = read_xml(raw.data, raw.len, &err);
		if (v && same_after_xml(v, 0, NULL))
			good++;
		else
			printf("FAIL xml fixture %s: %s\n", path, v ? "not stable" : err.message);
		json_decref(v);
	}
	if (d)
		closedir(d);
	CHECK("xml fixtures: XML -> JSON -> XML -> JSON stable", total >= 8 && good == total);
	q_buf_release(&raw);
}

static void test_fuzz_seeds(void)
{
	DIR *d = opendir("tests/fuzz/corpus/xml");
	struct dirent *e;
	struct q_buf raw;
	size_t total = 0, read_ok = 0, stable = 0;
	q_buf_init(&raw, 0);
	while (d && (e = readdir(d))) {
		char path[512];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "tests/fuzz/corpus/xml/%s", e->d_name);
		if (read_whole(path, &raw))
			continue;
		total++;
		struct q_error err;
		json_t *v = read_xml(raw.data, raw.len, &err);
		if (v) {
			read_ok++;
			stable += same_after_xml(v, 0, NULL);
		}
		json_decref(v);
	}
	if (d)
		closedir(d);
	char name[96];
	snprintf(name, sizeof(name), "fuzz seeds replay: %zu read without crashing", total);
	CHECK(name, total > 0);
	CHECK("fuzz seeds: every value read is stable through XML", stable == read_ok);
	q_buf_release(&raw);
}

/* ---- out of memory: the N-th jansson allocation fails ----------------------- */

static long alloc_countdown = -1;

static void *failing_malloc(size_t n)
{
	if (alloc_countdown == 0)
		return NULL;
	if (alloc_countdown > 0)
		alloc_countdown--;
	return malloc(n);
}

static void test_out_of_memory(void)
{
	static const char *const files[] = {
		"fixtures/xml/namespaces.xml",
		"fixtures/xml/comments-pis.xml",
		"tests/fuzz/corpus/xml/fn-map.xml",
		"tests/fuzz/corpus/xml/quarry-doc.xml",
	};
	struct q_buf raw;
	q_buf_init(&raw, 0);
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		size_t errors = 0, values = 0, wrong = 0;
		if (read_whole(files[f], &raw))
			continue;
		/* Read once to count nothing but to warm up libxml2 and the XSD. */
		struct q_error err;
		json_decref(read_xml(raw.data, raw.len, &err));
		json_set_alloc_funcs(failing_malloc, free);
		for (long n = 0; n < 2000; n++) {
			alloc_countdown = n;
			json_t *v = read_xml(raw.data, raw.len, &err);
			int rc = 0;
			if (v) {
				char *xml = emit_xml(v, 0, &rc);
				free(xml);
			}
			int failed = alloc_countdown == 0;
			alloc_countdown = -1;
			if (v)
				values++;
			else
				errors++;
			if (!v && err.code != Q_ENOMEM) {
				wrong++;
				printf("  at allocation %ld: %s\n", n, err.message);
			}
			json_decref(v);
			if (!failed)
				break;
		}
		json_set_alloc_funcs(malloc, free);
		char name[160];
		snprintf(name, sizeof(name), "out of memory at each allocation: %s (%zu failures, all Q_ENOMEM)",
			 files[f], errors);
		CHECK(name, errors > 0 && wrong == 0);
	}
	q_buf_release(&raw);
}

/* ---- helper modes for tests/xml_tools.sh ---------------------------------- */

struct writer_ctx {
	const char *dir;
	size_t count, limit;
	int failed;
};

static void write_doc(const char *path, void *arg)
{
	struct writer_ctx *w = arg;
	struct q_buf raw, xml;
	struct q_error err;
	struct q_doc doc;
	char out[1024];
	const char *base = strrchr(path, '/');
	if (w->count >= w->limit)
		return;
	q_buf_init(&raw, 0);
	q_buf_init(&xml, 0);
	q_error_init(&err);
	struct q_emit_opts opts = {.file = path};
	snprintf(out, sizeof(out), "%s/%zu-%s.xml", w->dir, w->count++, base ? base + 1 : path);
	json_t *view = NULL;
	if (q_read_file(path, Q_MAX_INPUT_DEFAULT, &raw, &err) || extract_named(&doc, path, raw.data, raw.len) ||
	    !(view = q_ir_to_json(&doc)) || q_xml_emit(view, &opts, &xml, &err) ||
	    q_write_atomic(out, xml.data, xml.len, &err)) {
		fprintf(stderr, "%s: %s\n", path, err.message);
		w->failed = 1;
	}
	json_decref(view);
	q_doc_release(&doc);
	q_buf_release(&raw);
	q_buf_release(&xml);
}

static int write_docs(const char *dir)
{
	struct writer_ctx w = {dir, 0, 1000, 0};
	struct q_doc doc;
	struct q_buf xml;
	struct q_error err;
	char out[1024];
	each_text_file("fixtures/sample", 0, write_doc, &w);
	/* Every 25th corpus document or so is plenty for xmllint. */
	w.limit = w.count + 30;
	each_text_file("../shared/corpus", 1, write_doc, &w);
	q_buf_init(&xml, 0);
	q_error_init(&err);
	if (build_hard_doc(&doc)) {
		json_t *view = q_ir_to_json(&doc);
		snprintf(out, sizeof(out), "%s/hard.xml", dir);
		if (q_xml_emit(view, NULL, &xml, &err) || q_write_atomic(out, xml.data, xml.len, &err))
			w.failed = 1;
		json_decref(view);
		q_doc_release(&doc);
	} else {
		w.failed = 1;
	}
	q_buf_release(&xml);
	return w.failed;
}

static int via_json(const char *in, const char *out)
{
	struct q_buf raw, text, xml;
	struct q_error err;
	json_t *v = NULL, *again = NULL;
	size_t pos = 0, pos2 = 0;
	int rc;
	q_buf_init(&raw, 0);
	q_buf_init(&text, 0);
	q_buf_init(&xml, 0);
	q_error_init(&err);
	rc = q_read_file(in, Q_MAX_INPUT_DEFAULT, &raw, &err) ||
	     q_xml_read(raw.data, raw.len, &pos, in, &v, &err) || !v || q_json_emit(v, NULL, &text, &err) ||
	     q_json_read(text.data, text.len, &pos2, in, &again, &err) || !again ||
	     q_xml_emit(again, NULL, &xml, &err) || q_write_atomic(out, xml.data, xml.len, &err);
	if (rc)
		fprintf(stderr, "%s: %s\n", in, err.message);
	json_decref(v);
	json_decref(again);
	q_buf_release(&raw);
	q_buf_release(&text);
	q_buf_release(&xml);
	return rc;
}

int main(int argc, char **argv)
{
	/* Warnings go to stderr: keep each result line whole around them. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "--write-docs"))
		return write_docs(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "--via-json"))
		return via_json(argv[2], argv[3]);
	test_samples_and_corpus();
	test_hard_document();
	test_not_a_document();
	test_quarry_errors();
	test_schemas_agree();
	test_json_data();
	test_fn_reader();
	test_stream();
	test_xml_data();
	test_security();
	test_large_text();
	test_threads();
	test_out_of_memory();
	test_fixture_files();
	test_fuzz_seeds();
	return CHECK_DONE();
}

/* test_ir.c — the IR: offsets, the JSON view and reading it back. */
#include "converters/converters.h"
#include "extract/extract.h"
#include "ir/ir.h"
#include "tests/check.h"

#include <stdlib.h>

static const char sample[] =
	"Caf\xC3\xA9 Society Reopens\n\n"
	"By Ana Ruiz\n\n"
	"The caf\xC3\xA9 \xE2\x80\x94 closed since 2020 \xE2\x80\x94 reopened on Monday. "
	"Its owner said: \xE2\x80\x9CWe are back.\xE2\x80\x9D\n\n"
	"Ana Ruiz is a food writer at the Daily Ledger.\n";

static int extract(struct q_doc *doc, const char *text)
{
	struct q_error err;
	struct q_extract_opts opts = {"2023-05-02", 0};
	q_error_init(&err);
	q_doc_init(doc);
	return q_extract("sample.txt", text, strlen(text), &opts, doc, &err);
}

static char *dump(json_t *view)
{
	struct q_buf b;
	struct q_error err;
	q_buf_init(&b, 0);
	q_error_init(&err);
	q_json_emit(view, NULL, &b, &err);
	return b.data;
}

static void test_offsets(void)
{
	struct q_doc doc;
	CHECK("extract sample", extract(&doc, sample) == 0);
	/* Every span's code point offsets must map back to its bytes. */
	int ok = 1;
	for (size_t i = 0; i < doc.sentences.count; i++) {
		struct q_span s = doc.sentences.items[i].span;
		struct q_span back = s;
		q_doc_span_from_cps(&doc, &back);
		ok &= back.bstart == s.bstart && back.bend == s.bend;
	}
	CHECK("offsets round trip", ok);
	CHECK("cp of byte after e-acute", q_doc_cp_of_byte(&doc, 5) == 4);
	CHECK("byte of cp past the end", q_doc_byte_of_cp(&doc, doc.text_chars + 5) == doc.text.len);
	CHECK("characters", doc.stats.characters == q_utf8_count(doc.text.ptr, doc.text.len));
	q_doc_release(&doc);

	/* Long non-ASCII text crosses many checkpoints. */
	struct q_buf big;
	q_buf_init(&big, 0);
	for (int i = 0; i < 2000; i++)
		q_buf_puts(&big, "\xC3\xA9t\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80 ok. ");
	CHECK("extract long", extract(&doc, big.data) == 0);
	ok = 1;
	for (size_t cp = 0; cp <= doc.text_chars; cp += 7)
		ok &= q_doc_cp_of_byte(&doc, q_doc_byte_of_cp(&doc, cp)) == cp;
	CHECK("cp -> byte -> cp over checkpoints", ok);
	q_doc_release(&doc);
	q_buf_release(&big);

	/* Checkpoints in blocks of ASCII, of mixed and of non-ASCII text,
	 * against a count byte by byte. */
	q_buf_init(&big, 0);
	for (int i = 0; i < 300; i++)
		q_buf_puts(&big, i % 100 < 40 ? "plain words. " : i % 100 < 70 ? "caf\xC3\xA9 " : "\xE2\x80\x94\xF0\x9F\x98\x80 ");
	CHECK("extract mixed", extract(&doc, big.data) == 0);
	ok = 1;
	for (size_t b = 0, cp = 0; b <= doc.text.len; b++) {
		if (b == doc.text.len || ((unsigned char)doc.text.ptr[b] & 0xC0) != 0x80) {
			ok &= q_doc_cp_of_byte(&doc, b) == cp && q_doc_byte_of_cp(&doc, cp) == b;
			cp++;
		}
	}
	CHECK("offsets of every character against a byte count", ok);
	q_doc_release(&doc);
	q_buf_release(&big);
}

static void test_round_trip(void)
{
	struct q_doc doc, back;
	struct q_error err;
	CHECK("extract for round trip", extract(&doc, sample) == 0);
	/* Fill the parts later stages own, so every reader is exercised. */
	struct q_entity *e = Q_VEC_PUSH(&doc.arena, &doc.entities);
	e->id = Q_STR_LIT("E1");
	e->type = Q_ENT_PERSON;
	e->name = Q_STR_LIT("Ana Ruiz");
	struct q_mention *m = Q_VEC_PUSH(&doc.arena, &e->mentions);
	m->span.bstart = 29, m->span.bend = 37;
	q_doc_span_from_bytes(&doc, &m->span);
	struct q_number *n = Q_VEC_PUSH(&doc.arena, &doc.numbers);
	n->span = m->span, n->kind = Q_NUM_MONEY, n->has_value = 1, n->value = 2.5;
	n->unit = Q_STR_LIT("EUR");
	struct q_keyphrase *k = Q_VEC_PUSH(&doc.arena, &doc.keyphrases);
	k->text = Q_STR_LIT("caf\xC3\xA9 society"), k->count = 2, k->score = 0.125;
	struct q_enumeration *en = Q_VEC_PUSH(&doc.arena, &doc.enumerations);
	en->id = Q_STR_LIT("L1");
	en->sentence = 0, en->announced = 1;
	struct q_enum_item *it = Q_VEC_PUSH(&doc.arena, &en->items);
	it->ordinal = 1, it->marker = Q_STR_LIT("First"), it->paragraph = 2, it->span = m->span;

	json_t *view = q_ir_to_json(&doc);
	char *first = dump(view);
	q_doc_init(&back);
	q_error_init(&err);
	int rc = q_ir_from_json(view, &back, "view", &err);
	CHECK("read back", rc == 0);
	if (rc)
		printf("  %s\n", err.message);
	json_t *again = q_ir_to_json(&back);
	char *second = dump(again);
	CHECK("json -> IR -> json identical", first && second && strcmp(first, second) == 0);
	free(first);
	free(second);
	json_decref(again);
	json_decref(view);
	q_doc_release(&back);
	q_doc_release(&doc);
}

/* Reads view after `edit` and expects an error mentioning `want`. */
static void expect_rejected(const char *name, const char *pointer_edit,
			    json_t *value, const char *want)
{
	struct q_doc doc, back;
	struct q_error err;
	extract(&doc, sample);
	json_t *view = q_ir_to_json(&doc);
	/* pointer_edit is "array/index/key" or "key". */
	char path[64];
	snprintf(path, sizeof(path), "%s", pointer_edit);
	char *a = strtok(path, "/"), *b = strtok(NULL, "/"), *c = strtok(NULL, "/");
	if (b && c)
		json_object_set_new(json_array_get(json_object_get(view, a), (size_t)atoi(b)), c, value);
	else
		json_object_set_new(view, a, value);
	q_doc_init(&back);
	q_error_init(&err);
	int rc = q_ir_from_json(view, &back, "doc.json", &err);
	CHECK(name, rc == Q_EINVALID && strstr(err.message, want) != NULL);
	if (rc != Q_EINVALID || !strstr(err.message, want))
		printf("  got: %s\n", err.message);
	json_decref(view);
	q_doc_release(&back);
	q_doc_release(&doc);
}

static void test_rejections(void)
{
	expect_rejected("reject changed text", "text", json_string("other"), "/id: is not the SHA-256");
	expect_rejected("reject span past text", "sentences/0/end", json_integer(100000),
			"/sentences/0/end: lies past the end");
	expect_rejected("reject span text mismatch", "paragraphs/1/text", json_string("By Ana"),
			"/paragraphs/1/text: differs");
	expect_rejected("reject wrong index", "paragraphs/1/index", json_integer(7),
			"/paragraphs/1/index: is not the item's position");
	expect_rejected("reject bad paragraph ref", "sentences/0/paragraph", json_integer(99),
			"/sentences/0/paragraph: refers to an item that does not exist");
	expect_rejected("reject unknown kind", "paragraphs/0/kind", json_string("poem"),
			"/paragraphs/0/kind: is not one of the allowed values");
	expect_rejected("reject missing array", "entities", json_null(), "/entities: has the wrong type");
	expect_rejected("reject schema version", "schema", json_string("quarry/0"), "/schema");
}

int main(void)
{
	test_offsets();
	test_round_trip();
	test_rejections();
	return CHECK_DONE();
}

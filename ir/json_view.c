/*
 * json_view.c — the bridge between the IR and its JSON view (json_t).
 *
 * Key order here is the order of every format quarry writes.
 */
#include "ir/ir.h"

#include <math.h>
#include <string.h>

/* ---- IR -> json_t ------------------------------------------------------ */

struct builder {
	const struct q_doc *doc;
	int failed;
};

/* Both steal value, as jansson's _new functions do, even when they fail. */
static void set(struct builder *b, json_t *obj, const char *key, json_t *value)
{
	if (!obj || !value) {
		json_decref(value);
		b->failed = 1;
	} else if (json_object_set_new_nocheck(obj, key, value) != 0) {
		b->failed = 1;
	}
}

static void push(struct builder *b, json_t *arr, json_t *value)
{
	if (!arr || !value) {
		json_decref(value);
		b->failed = 1;
	} else if (json_array_append_new(arr, value) != 0) {
		b->failed = 1;
	}
}

static json_t *jstr(struct q_str s)
{
	return s.ptr ? json_stringn_nocheck(s.ptr, s.len) : json_null();
}

static json_t *jsize(size_t n)
{
	return json_integer((json_int_t)n);
}

static json_t *jnumber(double v)
{
	/* Whole numbers are written as integers: 54, not 54.0. */
	if (fabs(v) < 9007199254740992.0 && v == floor(v))
		return json_integer((json_int_t)v);
	return json_real(v);
}

static void set_span(struct builder *b, json_t *obj, const struct q_span *s,
		     int with_text)
{
	set(b, obj, "start", jsize(s->start));
	set(b, obj, "end", jsize(s->end));
	if (with_text)
		set(b, obj, "text", jstr(q_doc_span_text(b->doc, s)));
}

static json_t *source_json(struct builder *b, const struct q_source *src)
{
	json_t *o = json_object();
	set(b, o, "name", jstr(src->name));
	set(b, o, "bytes", json_integer((json_int_t)src->bytes));
	set(b, o, "sha256", json_string_nocheck(src->sha256));
	set(b, o, "encoding", jstr(src->encoding));
	set(b, o, "newline", json_string_nocheck(q_newline_names[src->newline]));
	set(b, o, "bom", json_boolean(src->bom));
	set(b, o, "replacements", json_integer((json_int_t)src->replacements));
	return o;
}

static json_t *metadata_json(struct builder *b, const struct q_metadata *m)
{
	json_t *o = json_object();
	json_t *authors = json_array();
	set(b, o, "title", jstr(m->title));
	for (size_t i = 0; i < m->authors.count; i++) {
		json_t *a = json_object();
		set(b, a, "name", jstr(m->authors.items[i].name));
		set(b, a, "role", jstr(m->authors.items[i].role));
		push(b, authors, a);
	}
	set(b, o, "authors", authors);
	set(b, o, "section", jstr(m->section));
	set(b, o, "date", jstr(m->date));
	set(b, o, "language", jstr(m->language));
	set(b, o, "url", jstr(m->url));
	set(b, o, "publisher", jstr(m->publisher));
	set(b, o, "place", jstr(m->place));
	set(b, o, "reference_date", jstr(m->reference_date));
	return o;
}

static json_t *stats_json(struct builder *b, const struct q_stats *s)
{
	json_t *o = json_object();
	set(b, o, "characters", jsize(s->characters));
	set(b, o, "words", jsize(s->words));
	set(b, o, "sentences", jsize(s->sentences));
	set(b, o, "paragraphs", jsize(s->paragraphs));
	return o;
}

static json_t *paragraphs_json(struct builder *b)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < b->doc->paragraphs.count; i++) {
		const struct q_paragraph *p = &b->doc->paragraphs.items[i];
		json_t *o = json_object();
		set(b, o, "index", jsize(i));
		set(b, o, "kind", json_string_nocheck(q_para_kind_names[p->kind]));
		set_span(b, o, &p->span, 1);
		push(b, arr, o);
	}
	return arr;
}

static json_t *sentences_json(struct builder *b)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < b->doc->sentences.count; i++) {
		const struct q_sentence *s = &b->doc->sentences.items[i];
		json_t *o = json_object();
		set(b, o, "index", jsize(i));
		set(b, o, "paragraph", jsize(s->paragraph));
		set_span(b, o, &s->span, 1);
		push(b, arr, o);
	}
	return arr;
}

static json_t *entities_json(struct builder *b)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < b->doc->entities.count; i++) {
		const struct q_entity *e = &b->doc->entities.items[i];
		json_t *o = json_object();
		json_t *mentions = json_array();
		set(b, o, "id", jstr(e->id));
		set(b, o, "type", json_string_nocheck(q_entity_type_names[e->type]));
		set(b, o, "name", jstr(e->name));
		for (size_t k = 0; k < e->mentions.count; k++) {
			const struct q_mention *m = &e->mentions.items[k];
			json_t *mo = json_object();
			set_span(b, mo, &m->span, 1);
			set(b, mo, "sentence", jsize(m->sentence));
			push(b, mentions, mo);
		}
		set(b, o, "mentions", mentions);
		push(b, arr, o);
	}
	return arr;
}

static json_t *acronyms_json(struct builder *b)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < b->doc->acronyms.count; i++) {
		const struct q_acronym *a = &b->doc->acronyms.items[i];
		json_t *o = json_object();
		set(b, o, "short", jstr(a->short_form));
		set(b, o, "long", jstr(a->long_form));
		set_span(b, o, &a->span, 0);
		push(b, arr, o);
	}
	return arr;
}

static json_t *timexes_json(struct builder *b)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < b->doc->timexes.count; i++) {
		const struct q_timex *t = &b->doc->timexes.items[i];
		json_t *o = json_object();
		set_span(b, o, &t->span, 1);
		set(b, o, "type", json_string_nocheck(q_timex_type_names[t->type]));
		set(b, o, "value", jstr(t->value));
		set(b, o, "sentence", jsize(t->sentence));
		push(b, arr, o);
	}
	return arr;
}

static json_t *numbers_json(struct builder *b)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < b->doc->numbers.count; i++) {
		const struct q_number *n = &b->doc->numbers.items[i];
		json_t *o = json_object();
		set_span(b, o, &n->span, 1);
		set(b, o, "kind", json_string_nocheck(q_number_kind_names[n->kind]));
		set(b, o, "value", n->has_value ? jnumber(n->value) : json_null());
		set(b, o, "unit", jstr(n->unit));
		set(b, o, "sentence", jsize(n->sentence));
		push(b, arr, o);
	}
	return arr;
}

static json_t *quotes_json(struct builder *b)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < b->doc->quotes.count; i++) {
		const struct q_quote *q = &b->doc->quotes.items[i];
		json_t *o = json_object();
		set_span(b, o, &q->span, 1);
		set(b, o, "speaker", jstr(q->speaker));
		set(b, o, "sentence", jsize(q->sentence));
		push(b, arr, o);
	}
	return arr;
}

static json_t *enumerations_json(struct builder *b)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < b->doc->enumerations.count; i++) {
		const struct q_enumeration *e = &b->doc->enumerations.items[i];
		json_t *o = json_object();
		json_t *items = json_array();
		set(b, o, "id", jstr(e->id));
		set(b, o, "sentence", e->sentence >= 0 ? jsize((size_t)e->sentence) : json_null());
		set(b, o, "announced", e->announced >= 0 ? jsize((size_t)e->announced) : json_null());
		for (size_t k = 0; k < e->items.count; k++) {
			const struct q_enum_item *it = &e->items.items[k];
			json_t *io = json_object();
			set(b, io, "ordinal", json_integer(it->ordinal));
			set(b, io, "marker", jstr(it->marker));
			set(b, io, "paragraph", jsize(it->paragraph));
			set_span(b, io, &it->span, 0);
			push(b, items, io);
		}
		set(b, o, "items", items);
		push(b, arr, o);
	}
	return arr;
}

static json_t *keyphrases_json(struct builder *b)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < b->doc->keyphrases.count; i++) {
		const struct q_keyphrase *k = &b->doc->keyphrases.items[i];
		json_t *o = json_object();
		set(b, o, "text", jstr(k->text));
		set(b, o, "count", jsize(k->count));
		set(b, o, "score", jnumber(k->score));
		push(b, arr, o);
	}
	return arr;
}

int q_ir_is_view(json_t *value)
{
	const char *s = json_string_value(json_object_get(value, "schema"));
	return s && strncmp(s, "quarry/", 7) == 0;
}

json_t *q_ir_to_json(const struct q_doc *doc)
{
	struct builder b = {doc, 0};
	json_t *o = json_object();
	set(&b, o, "schema", json_string_nocheck(Q_IR_SCHEMA));
	set(&b, o, "id", json_string_nocheck(doc->id));
	set(&b, o, "source", source_json(&b, &doc->source));
	set(&b, o, "metadata", metadata_json(&b, &doc->meta));
	set(&b, o, "stats", stats_json(&b, &doc->stats));
	set(&b, o, "text", jstr(doc->text));
	set(&b, o, "paragraphs", paragraphs_json(&b));
	set(&b, o, "sentences", sentences_json(&b));
	set(&b, o, "entities", entities_json(&b));
	set(&b, o, "acronyms", acronyms_json(&b));
	set(&b, o, "timexes", timexes_json(&b));
	set(&b, o, "numbers", numbers_json(&b));
	set(&b, o, "quotes", quotes_json(&b));
	set(&b, o, "enumerations", enumerations_json(&b));
	set(&b, o, "keyphrases", keyphrases_json(&b));
	if (b.failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

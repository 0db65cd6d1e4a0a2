/*
 * json_read.c — the JSON view back into the IR.
 *
 * The schema has already said what it can; this file checks what only the
 * document itself can say (spans inside the text, span texts equal to the
 * text they point at, indexes in range) and never trusts a shape it has
 * not checked, so a hand-edited file gives an error, not a crash.
 */
#include "ir/ir.h"

#include <string.h>

#define PATH_MAX_LEN 256

struct reader {
	struct q_doc *doc;
	const char *file;
	struct q_error *err;
	char path[PATH_MAX_LEN]; /* JSON Pointer of the value being read */
	size_t path_len;
	struct q_entity *entity;	   /* whose mentions are being read */
	struct q_enumeration *enumeration; /* whose items are being read */
};

static size_t path_push_key(struct reader *r, const char *key)
{
	size_t old = r->path_len;
	int n = snprintf(r->path + old, PATH_MAX_LEN - old, "/%s", key);
	if (n > 0)
		r->path_len = old + (size_t)n < PATH_MAX_LEN ? old + (size_t)n : PATH_MAX_LEN - 1;
	return old;
}

static size_t path_push_index(struct reader *r, size_t i)
{
	size_t old = r->path_len;
	int n = snprintf(r->path + old, PATH_MAX_LEN - old, "/%zu", i);
	if (n > 0)
		r->path_len = old + (size_t)n < PATH_MAX_LEN ? old + (size_t)n : PATH_MAX_LEN - 1;
	return old;
}

static void path_pop(struct reader *r, size_t old)
{
	r->path_len = old;
	r->path[old] = '\0';
}

static int fail(struct reader *r, const char *what)
{
	return q_error_msg(r->err, Q_EINVALID, r->file, "%s: %s",
			   r->path_len ? r->path : "/", what);
}

static int fail_at(struct reader *r, const char *key, const char *what)
{
	size_t old = path_push_key(r, key);
	int rc = fail(r, what);
	path_pop(r, old);
	return rc;
}

static json_t *member(struct reader *r, json_t *obj, const char *key,
		      json_type type)
{
	json_t *v = json_object_get(obj, key);
	if (!v) {
		fail_at(r, key, "missing");
		return NULL;
	}
	if (json_typeof(v) != type) {
		fail_at(r, key, "has the wrong type");
		return NULL;
	}
	return v;
}

static int read_size(struct reader *r, json_t *obj, const char *key, size_t *out)
{
	json_t *v = member(r, obj, key, JSON_INTEGER);
	if (!v)
		return r->err->code;
	if (json_integer_value(v) < 0)
		return fail_at(r, key, "must not be negative");
	*out = (size_t)json_integer_value(v);
	return 0;
}

/* A string or null, copied into the document's arena. */
static int read_str(struct reader *r, json_t *obj, const char *key,
		    struct q_str *out)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return fail_at(r, key, "missing");
	if (json_is_null(v)) {
		*out = Q_STR_NULL;
		return 0;
	}
	if (!json_is_string(v))
		return fail_at(r, key, "must be a string or null");
	if (q_doc_str(r->doc, json_string_value(v), json_string_length(v), out))
		return q_error_msg(r->err, Q_ENOMEM, r->file, "out of memory");
	return 0;
}

static int read_enum(struct reader *r, json_t *obj, const char *key,
		     const char *const *names, int count, int *out)
{
	json_t *v = member(r, obj, key, JSON_STRING);
	if (!v)
		return r->err->code;
	*out = q_enum_parse(names, count, json_string_value(v));
	return *out < 0 ? fail_at(r, key, "is not one of the allowed values") : 0;
}

/* start/end in code points, checked against the text; optional "text". */
static int read_span(struct reader *r, json_t *obj, int with_text,
		     struct q_span *s)
{
	if (read_size(r, obj, "start", &s->start) ||
	    read_size(r, obj, "end", &s->end))
		return r->err->code;
	if (s->start > s->end)
		return fail_at(r, "end", "is before start");
	if (s->end > r->doc->text_chars)
		return fail_at(r, "end", "lies past the end of the text");
	q_doc_span_from_cps(r->doc, s);
	if (!with_text)
		return 0;
	json_t *t = member(r, obj, "text", JSON_STRING);
	if (!t)
		return r->err->code;
	struct q_str want = q_doc_span_text(r->doc, s);
	if (json_string_length(t) != want.len ||
	    memcmp(json_string_value(t), want.ptr, want.len) != 0)
		return fail_at(r, "text", "differs from the text at start..end");
	return 0;
}

static int read_ref(struct reader *r, json_t *obj, const char *key,
		    size_t limit, size_t *out)
{
	if (read_size(r, obj, key, out))
		return r->err->code;
	return *out >= limit ? fail_at(r, key, "refers to an item that does not exist") : 0;
}

/* An index (or count) that may be null: -1 then. */
static int read_optional_ref(struct reader *r, json_t *obj, const char *key,
			     size_t limit, long *out)
{
	size_t v;
	json_t *x = json_object_get(obj, key);
	if (!x)
		return fail_at(r, key, "missing");
	if (json_is_null(x)) {
		*out = -1;
		return 0;
	}
	if (read_ref(r, obj, key, limit, &v))
		return r->err->code;
	*out = (long)v;
	return 0;
}

static int check_index(struct reader *r, json_t *obj, size_t i)
{
	size_t index;
	if (read_size(r, obj, "index", &index))
		return r->err->code;
	return index != i ? fail_at(r, "index", "is not the item's position") : 0;
}

/*
 * Calls each(r, item, i) for every element of the array obj[key], keeping
 * the JSON Pointer up to date; items must be objects.
 */
static int each_item(struct reader *r, json_t *obj, const char *key,
		     int (*each)(struct reader *, json_t *, size_t))
{
	json_t *arr = member(r, obj, key, JSON_ARRAY);
	if (!arr)
		return r->err->code;
	size_t old = path_push_key(r, key);
	size_t i;
	json_t *item;
	json_array_foreach(arr, i, item) {
		size_t inner = path_push_index(r, i);
		int rc = json_is_object(item) ? each(r, item, i)
					      : fail(r, "must be an object");
		path_pop(r, inner);
		if (rc)
			return rc;
	}
	path_pop(r, old);
	return 0;
}

#define PUSH_OR_FAIL(r, vec, out)                                           \
	do {                                                                \
		(out) = Q_VEC_PUSH(&(r)->doc->arena, (vec));                \
		if (!(out))                                                 \
			return q_error_msg((r)->err, Q_ENOMEM, (r)->file,   \
					   "out of memory");                \
	} while (0)

static int read_author(struct reader *r, json_t *o, size_t i)
{
	struct q_author *a;
	(void)i;
	PUSH_OR_FAIL(r, &r->doc->meta.authors, a);
	if (read_str(r, o, "name", &a->name) || read_str(r, o, "role", &a->role))
		return r->err->code;
	return a->name.ptr ? 0 : fail_at(r, "name", "must be a string");
}

static int read_paragraph(struct reader *r, json_t *o, size_t i)
{
	struct q_paragraph *p;
	int kind;
	PUSH_OR_FAIL(r, &r->doc->paragraphs, p);
	if (check_index(r, o, i) ||
	    read_enum(r, o, "kind", q_para_kind_names, Q_PARA_KIND_COUNT, &kind) ||
	    read_span(r, o, 1, &p->span))
		return r->err->code;
	p->kind = (enum q_para_kind)kind;
	return 0;
}

static int read_sentence(struct reader *r, json_t *o, size_t i)
{
	struct q_sentence *s;
	PUSH_OR_FAIL(r, &r->doc->sentences, s);
	if (check_index(r, o, i) ||
	    read_ref(r, o, "paragraph", r->doc->paragraphs.count, &s->paragraph))
		return r->err->code;
	return read_span(r, o, 1, &s->span);
}

static int read_mention(struct reader *r, json_t *o, size_t i)
{
	struct q_mention *m;
	(void)i;
	PUSH_OR_FAIL(r, &r->entity->mentions, m);
	if (read_span(r, o, 1, &m->span))
		return r->err->code;
	return read_ref(r, o, "sentence", r->doc->sentences.count, &m->sentence);
}

static int read_entity(struct reader *r, json_t *o, size_t i)
{
	struct q_entity *e;
	int type;
	(void)i;
	PUSH_OR_FAIL(r, &r->doc->entities, e);
	if (read_str(r, o, "id", &e->id) ||
	    read_enum(r, o, "type", q_entity_type_names, Q_ENT_TYPE_COUNT, &type) ||
	    read_str(r, o, "name", &e->name))
		return r->err->code;
	e->type = (enum q_entity_type)type;
	r->entity = e;
	return each_item(r, o, "mentions", read_mention);
}

static int read_acronym(struct reader *r, json_t *o, size_t i)
{
	struct q_acronym *a;
	(void)i;
	PUSH_OR_FAIL(r, &r->doc->acronyms, a);
	if (read_str(r, o, "short", &a->short_form) ||
	    read_str(r, o, "long", &a->long_form))
		return r->err->code;
	return read_span(r, o, 0, &a->span);
}

static int read_timex(struct reader *r, json_t *o, size_t i)
{
	struct q_timex *t;
	int type;
	(void)i;
	PUSH_OR_FAIL(r, &r->doc->timexes, t);
	if (read_span(r, o, 1, &t->span) ||
	    read_enum(r, o, "type", q_timex_type_names, Q_TIMEX_TYPE_COUNT, &type) ||
	    read_str(r, o, "value", &t->value))
		return r->err->code;
	t->type = (enum q_timex_type)type;
	return read_ref(r, o, "sentence", r->doc->sentences.count, &t->sentence);
}

static int read_number(struct reader *r, json_t *o, size_t i)
{
	struct q_number *n;
	int kind;
	(void)i;
	PUSH_OR_FAIL(r, &r->doc->numbers, n);
	if (read_span(r, o, 1, &n->span) ||
	    read_enum(r, o, "kind", q_number_kind_names, Q_NUM_KIND_COUNT, &kind))
		return r->err->code;
	n->kind = (enum q_number_kind)kind;
	json_t *v = json_object_get(o, "value");
	if (!v)
		return fail_at(r, "value", "missing");
	if (json_is_number(v)) {
		n->has_value = 1;
		n->value = json_number_value(v);
	} else if (!json_is_null(v)) {
		return fail_at(r, "value", "must be a number or null");
	}
	if (read_str(r, o, "unit", &n->unit))
		return r->err->code;
	return read_ref(r, o, "sentence", r->doc->sentences.count, &n->sentence);
}

static int read_quote(struct reader *r, json_t *o, size_t i)
{
	struct q_quote *q;
	(void)i;
	PUSH_OR_FAIL(r, &r->doc->quotes, q);
	if (read_span(r, o, 1, &q->span) || read_str(r, o, "speaker", &q->speaker))
		return r->err->code;
	return read_ref(r, o, "sentence", r->doc->sentences.count, &q->sentence);
}

static int read_enum_item(struct reader *r, json_t *o, size_t i)
{
	struct q_enum_item *it;
	(void)i;
	PUSH_OR_FAIL(r, &r->enumeration->items, it);
	json_t *ord = member(r, o, "ordinal", JSON_INTEGER);
	if (!ord)
		return r->err->code;
	it->ordinal = (long)json_integer_value(ord);
	if (read_str(r, o, "marker", &it->marker) ||
	    read_ref(r, o, "paragraph", r->doc->paragraphs.count, &it->paragraph))
		return r->err->code;
	return read_span(r, o, 0, &it->span);
}

static int read_enumeration(struct reader *r, json_t *o, size_t i)
{
	struct q_enumeration *e;
	(void)i;
	PUSH_OR_FAIL(r, &r->doc->enumerations, e);
	if (read_str(r, o, "id", &e->id) ||
	    read_optional_ref(r, o, "sentence", r->doc->sentences.count, &e->sentence) ||
	    read_optional_ref(r, o, "announced", SIZE_MAX, &e->announced))
		return r->err->code;
	r->enumeration = e;
	return each_item(r, o, "items", read_enum_item);
}

static int read_keyphrase(struct reader *r, json_t *o, size_t i)
{
	struct q_keyphrase *k;
	(void)i;
	PUSH_OR_FAIL(r, &r->doc->keyphrases, k);
	if (read_str(r, o, "text", &k->text) || read_size(r, o, "count", &k->count))
		return r->err->code;
	json_t *score = json_object_get(o, "score");
	if (!json_is_number(score))
		return fail_at(r, "score", "must be a number");
	k->score = json_number_value(score);
	return 0;
}

static int read_source(struct reader *r, json_t *src)
{
	struct q_source *s = &r->doc->source;
	json_t *bytes = member(r, src, "bytes", JSON_INTEGER);
	json_t *sha = member(r, src, "sha256", JSON_STRING);
	json_t *bom = json_object_get(src, "bom");
	json_t *repl = member(r, src, "replacements", JSON_INTEGER);
	int nl;
	if (!bytes || !sha || !repl ||
	    read_str(r, src, "name", &s->name) ||
	    read_str(r, src, "encoding", &s->encoding) ||
	    read_enum(r, src, "newline", q_newline_names, Q_NL_COUNT, &nl))
		return r->err->code;
	if (!json_is_boolean(bom))
		return fail_at(r, "bom", "must be true or false");
	if (json_string_length(sha) != 64)
		return fail_at(r, "sha256", "must be 64 hex digits");
	s->bytes = (uint64_t)json_integer_value(bytes);
	memcpy(s->sha256, json_string_value(sha), 65);
	s->newline = (enum q_newline)nl;
	s->bom = json_is_true(bom);
	s->replacements = (uint64_t)json_integer_value(repl);
	return 0;
}

static int read_metadata(struct reader *r, json_t *m)
{
	struct q_metadata *md = &r->doc->meta;
	if (read_str(r, m, "title", &md->title) ||
	    each_item(r, m, "authors", read_author) ||
	    read_str(r, m, "section", &md->section) ||
	    read_str(r, m, "date", &md->date) ||
	    read_str(r, m, "language", &md->language) ||
	    read_str(r, m, "url", &md->url) ||
	    read_str(r, m, "publisher", &md->publisher) ||
	    read_str(r, m, "place", &md->place) ||
	    read_str(r, m, "reference_date", &md->reference_date))
		return r->err->code;
	return 0;
}

static int read_stats(struct reader *r, json_t *st)
{
	struct q_stats *s = &r->doc->stats;
	if (read_size(r, st, "characters", &s->characters) ||
	    read_size(r, st, "words", &s->words) ||
	    read_size(r, st, "sentences", &s->sentences) ||
	    read_size(r, st, "paragraphs", &s->paragraphs))
		return r->err->code;
	if (s->characters != r->doc->text_chars)
		return fail_at(r, "characters", "differs from the length of the text");
	return 0;
}

/* Stats that count arrays must agree with them once those are read. */
static int check_counts(struct reader *r)
{
	const struct q_doc *d = r->doc;
	size_t old = path_push_key(r, "stats");
	int rc = 0;
	if (d->stats.sentences != d->sentences.count)
		rc = fail_at(r, "sentences", "differs from the number of sentences");
	else if (d->stats.paragraphs != d->paragraphs.count)
		rc = fail_at(r, "paragraphs", "differs from the number of paragraphs");
	path_pop(r, old);
	return rc;
}

static int read_text(struct reader *r, json_t *view)
{
	json_t *t = member(r, view, "text", JSON_STRING);
	if (!t)
		return r->err->code;
	char *copy = q_arena_strndup(&r->doc->arena, json_string_value(t),
				     json_string_length(t));
	if (!copy || q_doc_set_text(r->doc, copy, json_string_length(t), NULL))
		return q_error_msg(r->err, Q_ENOMEM, r->file, "out of memory");
	json_t *id = member(r, view, "id", JSON_STRING);
	if (!id)
		return r->err->code;
	if (strcmp(json_string_value(id), r->doc->id) != 0)
		return fail_at(r, "id", "is not the SHA-256 of the text");
	return 0;
}

static json_t *object_member(struct reader *r, json_t *obj, const char *key,
			     size_t *old)
{
	json_t *v = member(r, obj, key, JSON_OBJECT);
	if (v)
		*old = path_push_key(r, key);
	return v;
}

static int read_part(struct reader *r, json_t *view, const char *key,
		     int (*read)(struct reader *, json_t *))
{
	size_t old;
	json_t *part = object_member(r, view, key, &old);
	if (!part)
		return r->err->code;
	int rc = read(r, part);
	path_pop(r, old);
	return rc;
}

int q_ir_from_json(json_t *view, struct q_doc *doc, const char *file,
		   struct q_error *err)
{
	struct reader r = {.doc = doc, .file = file, .err = err};
	if (!json_is_object(view))
		return fail(&r, "a quarry document must be a JSON object");
	json_t *schema = member(&r, view, "schema", JSON_STRING);
	if (!schema)
		return err->code;
	if (strcmp(json_string_value(schema), Q_IR_SCHEMA) != 0)
		return fail_at(&r, "schema", "is not \"" Q_IR_SCHEMA "\"");
	if (read_text(&r, view) ||
	    read_part(&r, view, "source", read_source) ||
	    read_part(&r, view, "metadata", read_metadata) ||
	    read_part(&r, view, "stats", read_stats) ||
	    each_item(&r, view, "paragraphs", read_paragraph) ||
	    each_item(&r, view, "sentences", read_sentence) ||
	    check_counts(&r) ||
	    each_item(&r, view, "entities", read_entity) ||
	    each_item(&r, view, "acronyms", read_acronym) ||
	    each_item(&r, view, "timexes", read_timex) ||
	    each_item(&r, view, "numbers", read_number) ||
	    each_item(&r, view, "quotes", read_quote) ||
	    each_item(&r, view, "enumerations", read_enumeration) ||
	    each_item(&r, view, "keyphrases", read_keyphrase))
		return err->code;
	return 0;
}

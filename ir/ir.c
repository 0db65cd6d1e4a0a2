/* ir.c — the document's lifecycle, its enums and offset translation. */
#include "ir/ir.h"

#include <string.h>

const char *const q_para_kind_names[Q_PARA_KIND_COUNT] = {
	"body", "title", "heading", "byline", "bio", "boilerplate", "list_item",
};
const char *const q_entity_type_names[Q_ENT_TYPE_COUNT] = {
	"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "LAW", "MISC",
};
const char *const q_timex_type_names[Q_TIMEX_TYPE_COUNT] = {
	"DATE", "TIME", "DURATION", "SET",
};
const char *const q_number_kind_names[Q_NUM_KIND_COUNT] = {
	"cardinal", "ordinal", "percent", "money", "quantity",
};
const char *const q_newline_names[Q_NL_COUNT] = {
	"none", "lf", "crlf", "cr", "mixed",
};

int q_enum_parse(const char *const *names, int count, const char *s)
{
	for (int i = 0; i < count; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

void *q_vec_push_(struct q_arena *a, void *items_field, size_t *count,
		  size_t *cap, size_t size)
{
	void *items;
	memcpy(&items, items_field, sizeof(items));
	if (*count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		if (ncap > SIZE_MAX / size)
			return NULL;
		void *grown = q_arena_alloc(a, ncap * size);
		if (!grown)
			return NULL;
		if (*count)
			memcpy(grown, items, *count * size);
		items = grown;
		*cap = ncap;
		/* The field is a T *; write it through memcpy, not a void **. */
		memcpy(items_field, &items, sizeof(items));
	}
	return (char *)items + (*count)++ * size;
}

void q_doc_init(struct q_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
	q_arena_init(&doc->arena);
}

void q_doc_release(struct q_doc *doc)
{
	q_arena_release(&doc->arena);
	memset(doc, 0, sizeof(*doc));
}

int q_doc_str(struct q_doc *doc, const char *s, size_t len, struct q_str *out)
{
	if (!s) {
		*out = Q_STR_NULL;
		return 0;
	}
	char *p = q_arena_strndup(&doc->arena, s, len);
	if (!p)
		return Q_ENOMEM;
	*out = q_str_make(p, len);
	return 0;
}

static int is_lead(unsigned char c)
{
	return (c & 0xC0) != 0x80;
}

/*
 * The offsets of the code points of text[b, e), a block of at most
 * Q_OFFSET_STEP bytes whose first code point is number cp: the code
 * points that start a block of their own (cp % Q_OFFSET_STEP == 0) are
 * marked in byte_at_cp_block.  Returns the number of code points.
 */
static size_t mark_block(struct q_offsets *o, const char *text, size_t b, size_t e, size_t cp)
{
	size_t n = q_utf8_count(text + b, e - b);
	size_t first = (cp + Q_OFFSET_STEP - 1) / Q_OFFSET_STEP * Q_OFFSET_STEP;
	if (first >= cp + n)
		return n; /* none starts a block here: the common case */
	if (n == e - b) {
		/* One byte each (ASCII): code point c is at byte b + c - cp. */
		for (size_t c = first; c < cp + n; c += Q_OFFSET_STEP)
			o->byte_at_cp_block[c / Q_OFFSET_STEP] = (uint32_t)(b + c - cp);
		return n;
	}
	for (size_t i = b, c = cp; i < e; i++)
		if (is_lead((unsigned char)text[i])) {
			if (c % Q_OFFSET_STEP == 0)
				o->byte_at_cp_block[c / Q_OFFSET_STEP] = (uint32_t)i;
			c++;
		}
	return n;
}

int q_doc_set_text(struct q_doc *doc, const char *text, size_t len,
		   const char *known_id)
{
	struct q_offsets *o = &doc->offsets;
	size_t chars = q_utf8_count(text, len);
	o->nbyte_blocks = len / Q_OFFSET_STEP + 1;
	o->ncp_blocks = chars / Q_OFFSET_STEP + 1;
	o->cp_at_byte_block = q_arena_alloc(&doc->arena, o->nbyte_blocks * sizeof(uint32_t));
	o->byte_at_cp_block = q_arena_alloc(&doc->arena, o->ncp_blocks * sizeof(uint32_t));
	if (!o->cp_at_byte_block || !o->byte_at_cp_block)
		return Q_ENOMEM;
	size_t cp = 0;
	for (size_t b = 0; b < len; b += Q_OFFSET_STEP) {
		size_t e = len - b > Q_OFFSET_STEP ? b + Q_OFFSET_STEP : len;
		o->cp_at_byte_block[b / Q_OFFSET_STEP] = (uint32_t)cp;
		cp += mark_block(o, text, b, e, cp);
	}
	if (len % Q_OFFSET_STEP == 0)
		o->cp_at_byte_block[len / Q_OFFSET_STEP] = (uint32_t)cp;
	if (cp % Q_OFFSET_STEP == 0)
		o->byte_at_cp_block[cp / Q_OFFSET_STEP] = (uint32_t)len;
	doc->text = q_str_make(text, len);
	doc->text_chars = chars;
	if (known_id)
		memcpy(doc->id, known_id, sizeof(doc->id));
	else
		q_sha256_hex_of(text, len, doc->id);
	return 0;
}

size_t q_doc_cp_of_byte(const struct q_doc *doc, size_t byte)
{
	if (byte > doc->text.len)
		byte = doc->text.len;
	size_t b = byte / Q_OFFSET_STEP * Q_OFFSET_STEP;
	return doc->offsets.cp_at_byte_block[byte / Q_OFFSET_STEP] +
	       q_utf8_count(doc->text.ptr + b, byte - b);
}

size_t q_doc_byte_of_cp(const struct q_doc *doc, size_t cp)
{
	const char *t = doc->text.ptr;
	if (cp >= doc->text_chars)
		return doc->text.len;
	size_t b = doc->offsets.byte_at_cp_block[cp / Q_OFFSET_STEP];
	for (size_t n = cp % Q_OFFSET_STEP; n > 0; n--) {
		b++;
		while (b < doc->text.len && !is_lead((unsigned char)t[b]))
			b++;
	}
	return b;
}

void q_doc_span_from_bytes(const struct q_doc *doc, struct q_span *s)
{
	s->start = q_doc_cp_of_byte(doc, s->bstart);
	s->end = q_doc_cp_of_byte(doc, s->bend);
}

void q_doc_span_from_cps(const struct q_doc *doc, struct q_span *s)
{
	s->bstart = q_doc_byte_of_cp(doc, s->start);
	s->bend = q_doc_byte_of_cp(doc, s->end);
}

struct q_str q_doc_span_text(const struct q_doc *doc, const struct q_span *s)
{
	return q_str_make(doc->text.ptr + s->bstart, s->bend - s->bstart);
}

size_t q_doc_sentence_at(const struct q_doc *doc, size_t byte)
{
	size_t lo = 0, hi = doc->sentences.count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (doc->sentences.items[mid].span.bstart <= byte)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : 0;
}

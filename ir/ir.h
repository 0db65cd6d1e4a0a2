/*
 * ir.h — the quarry document model (the IR).
 *
 * Why this shape.  Every format quarry writes is a view of one document,
 * so the document is a plain C struct tree that mirrors the JSON view of
 * the product contract field by field: a few scalars, then one array per
 * kind of annotation (paragraphs, sentences, entities, …).  Annotations
 * never nest inside each other; they point into the document's `text` by
 * offset and at each other by index or id, which is what lets the CSV
 * export turn each array into a relational table with a key and lets
 * every other format be a straightforward walk.
 *
 * Speed.  A document owns one arena (util.h); every array and string of
 * the document is carved from it and freed with it in one go, so
 * extraction does no malloc per token or per sentence.  Strings are
 * slices (`struct q_str`) — most of them point straight into `text`, so a
 * sentence costs four offsets, not a copy.  Each span keeps two pairs of
 * offsets: code points (what the contract exposes: text[start:end] in
 * Python) and bytes (what C needs to slice the UTF-8).  q_doc_offsets
 * translates between them in O(1) through checkpoints, so readers that
 * only get code points back (JSON, YAML, XML, CSV) rebuild byte offsets
 * without rescanning.
 *
 * The generic value tree.  Arbitrary data (`quarry convert` of any JSON,
 * YAML, XML or CSV) has no fixed shape, so it does not go through this
 * struct: it lives in jansson's json_t, which keeps key order, 64-bit
 * integers and doubles.  The IR meets that tree at exactly one place —
 * q_ir_to_json / q_ir_from_json below — which is also what the JSON
 * Schema validator checks.  So there are two models with one bridge: a
 * typed, arena-backed one for documents (fast to build and walk), and an
 * untyped tree for everything else and for validation.
 */
#ifndef Q_IR_H
#define Q_IR_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

#define Q_IR_SCHEMA "quarry/1"

/* An arena-backed growable array of T. */
#define Q_VEC(T)              \
	struct {              \
		T *items;     \
		size_t count; \
		size_t cap;   \
	}

/* Appends a zeroed element to *vec and returns it, or NULL when out of
 * memory (the document must then be discarded). */
void *q_vec_push_(struct q_arena *a, void *items_field, size_t *count,
		  size_t *cap, size_t size);
#define Q_VEC_PUSH(arena, vec)                                         \
	q_vec_push_((arena), &(vec)->items, &(vec)->count, &(vec)->cap, \
		    sizeof(*(vec)->items))

/* A span of the document text: code point and byte offsets, end exclusive. */
struct q_span {
	size_t start, end;   /* code points: what the contract exposes */
	size_t bstart, bend; /* bytes into q_doc.text */
};

/* ---- enumerations, each with its one spelling in every format -------- */

enum q_para_kind {
	Q_PARA_BODY,
	Q_PARA_TITLE,
	Q_PARA_HEADING,
	Q_PARA_BYLINE,
	Q_PARA_BIO,
	Q_PARA_BOILERPLATE,
	Q_PARA_LIST_ITEM,
	Q_PARA_KIND_COUNT
};

enum q_entity_type {
	Q_ENT_PERSON,
	Q_ENT_ORG,
	Q_ENT_GPE,
	Q_ENT_LOC,
	Q_ENT_NORP,
	Q_ENT_EVENT,
	Q_ENT_LAW,
	Q_ENT_MISC,
	Q_ENT_TYPE_COUNT
};

enum q_timex_type {
	Q_TIMEX_DATE,
	Q_TIMEX_TIME,
	Q_TIMEX_DURATION,
	Q_TIMEX_SET,
	Q_TIMEX_TYPE_COUNT
};

enum q_number_kind {
	Q_NUM_CARDINAL,
	Q_NUM_ORDINAL,
	Q_NUM_PERCENT,
	Q_NUM_MONEY,
	Q_NUM_QUANTITY,
	Q_NUM_KIND_COUNT
};

enum q_newline {
	Q_NL_NONE, /* the input has no line break */
	Q_NL_LF,
	Q_NL_CRLF,
	Q_NL_CR,
	Q_NL_MIXED,
	Q_NL_COUNT
};

/* Name tables indexed by the enums above; parse returns -1 when unknown. */
extern const char *const q_para_kind_names[Q_PARA_KIND_COUNT];
extern const char *const q_entity_type_names[Q_ENT_TYPE_COUNT];
extern const char *const q_timex_type_names[Q_TIMEX_TYPE_COUNT];
extern const char *const q_number_kind_names[Q_NUM_KIND_COUNT];
extern const char *const q_newline_names[Q_NL_COUNT];
int q_enum_parse(const char *const *names, int count, const char *s);

/* ---- the parts of a document ----------------------------------------- */

struct q_source {
	struct q_str name;     /* as given; "-" for standard input */
	uint64_t bytes;        /* size of the input as read */
	char sha256[65];       /* of the input bytes as read */
	struct q_str encoding; /* "utf-8" */
	enum q_newline newline;
	int bom;               /* the input began with a UTF-8 BOM */
	uint64_t replacements; /* U+FFFD substitutions made by --lossy */
};

struct q_author {
	struct q_str name;
	struct q_str role; /* null when unknown */
};

struct q_metadata {
	struct q_str title;
	Q_VEC(struct q_author) authors;
	struct q_str section;
	struct q_str date;     /* ISO 8601: YYYY-MM-DD, YYYY-MM or YYYY */
	struct q_str language; /* BCP 47 tag */
	struct q_str url;
	struct q_str publisher; /* the "Source:" header: outlet or agency */
	struct q_str place;     /* from a dateline ("GENEVA, Switzerland — ") */
	struct q_str reference_date; /* what relative dates were resolved against */
};

struct q_stats {
	size_t characters, words, sentences, paragraphs;
};

struct q_paragraph {
	enum q_para_kind kind;
	struct q_span span;
};

struct q_sentence {
	size_t paragraph; /* index into paragraphs */
	struct q_span span;
};

struct q_mention {
	struct q_span span;
	size_t sentence;
};

struct q_entity {
	struct q_str id; /* "E1", "E2", … */
	enum q_entity_type type;
	struct q_str name; /* the fullest form */
	Q_VEC(struct q_mention) mentions;
};

struct q_acronym {
	struct q_str short_form;
	struct q_str long_form;
	struct q_span span; /* the defining occurrence */
};

struct q_timex {
	struct q_span span;
	enum q_timex_type type;
	struct q_str value; /* TIMEX3 value, or null when unresolved */
	size_t sentence;
};

struct q_number {
	struct q_span span;
	enum q_number_kind kind;
	int has_value;
	double value;
	struct q_str unit; /* money: ISO 4217 code; quantity: its unit; else null */
	size_t sentence;
};

struct q_quote {
	struct q_span span;
	struct q_str speaker; /* an entity id, or null */
	size_t sentence;
};

struct q_enum_item {
	long ordinal;      /* 1, 2, 3, … */
	struct q_str marker; /* "First", "2.", "(b)", "•" */
	size_t paragraph;
	struct q_span span;
};

struct q_enumeration {
	struct q_str id;	/* "L1", "L2", … */
	long sentence;		/* the sentence announcing it, or -1 */
	long announced;		/* the count it announces ("four points"), or -1 */
	Q_VEC(struct q_enum_item) items;
};

struct q_keyphrase {
	struct q_str text;
	size_t count;
	double score;
};

/* Code point <-> byte translation over the text, by checkpoints. */
struct q_offsets {
	uint32_t *cp_at_byte_block; /* code points before byte k*Q_OFFSET_STEP */
	uint32_t *byte_at_cp_block; /* bytes before code point k*Q_OFFSET_STEP */
	size_t nbyte_blocks, ncp_blocks;
};

#define Q_OFFSET_STEP 64

struct q_doc {
	struct q_arena arena;
	char id[65]; /* hex SHA-256 of text */
	struct q_source source;
	struct q_metadata meta;
	struct q_stats stats;
	struct q_str text;  /* the normalized text all offsets point into */
	size_t text_chars;  /* its length in code points */
	struct q_offsets offsets;
	Q_VEC(struct q_paragraph) paragraphs;
	Q_VEC(struct q_sentence) sentences;
	Q_VEC(struct q_entity) entities;
	Q_VEC(struct q_acronym) acronyms;
	Q_VEC(struct q_timex) timexes;
	Q_VEC(struct q_number) numbers;
	Q_VEC(struct q_quote) quotes;
	Q_VEC(struct q_enumeration) enumerations;
	Q_VEC(struct q_keyphrase) keyphrases;
};

void q_doc_init(struct q_doc *doc);
void q_doc_release(struct q_doc *doc);

/* Copies s into the document's arena; Q_STR_NULL stays null. */
int q_doc_str(struct q_doc *doc, const char *s, size_t len, struct q_str *out);

/*
 * Sets the text (taking a slice that must live in the document's arena)
 * and builds the offset checkpoints and the id — or takes known_id, the
 * SHA-256 of the same bytes computed before, when not NULL.  Returns 0 or
 * Q_ENOMEM.
 */
int q_doc_set_text(struct q_doc *doc, const char *text, size_t len,
		   const char *known_id);
/* Offsets translation; both need q_doc_set_text first. */
size_t q_doc_cp_of_byte(const struct q_doc *doc, size_t byte);
size_t q_doc_byte_of_cp(const struct q_doc *doc, size_t cp);
/* Fills the code point offsets of a span from its byte offsets, or back. */
void q_doc_span_from_bytes(const struct q_doc *doc, struct q_span *s);
void q_doc_span_from_cps(const struct q_doc *doc, struct q_span *s);
/* The text of a span, as a slice of the document's text. */
struct q_str q_doc_span_text(const struct q_doc *doc, const struct q_span *s);
/* The index of the last sentence starting at or before byte (0 when none). */
size_t q_doc_sentence_at(const struct q_doc *doc, size_t byte);

/* ---- the bridge to the generic tree (JSON view) ---------------------- */

/* Whether a value is a quarry document's view ("schema": "quarry/…"). */
int q_ir_is_view(json_t *value);

/* Builds the JSON view of doc (a new reference) or NULL on Q_ENOMEM. */
json_t *q_ir_to_json(const struct q_doc *doc);
/*
 * Fills an initialised doc from its JSON view.  The view is expected to be
 * valid against the IR schema; what the schema cannot say (offsets inside
 * the text, span texts that match, indexes in range) is checked here and
 * reported with the JSON Pointer of the offending value (Q_EINVALID).
 */
int q_ir_from_json(json_t *view, struct q_doc *doc, const char *file,
		   struct q_error *err);

#endif

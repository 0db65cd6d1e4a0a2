/*
 * csv_tables.c — quarry documents as relational tables (SPEC §4), their
 * Data Package, SQL DDL, and the way back.
 *
 * One table per array of the JSON view, described once below: each column
 * says where its value comes from (the document's id, the parent row's
 * id, the row's position in its array, or a key of the item, with a path
 * such as "source/name" for the documents table) and its JSON type.  The
 * same descriptors drive writing, reading back and the checks; the Table
 * Schemas in schemas/csv/ list the same columns (tests/test_csv.c holds
 * them to it) and add the constraints that the validator and the DDL use.
 *
 * Lossless.  Integers are written in full, reals in the shortest form that
 * reads back exactly and always with a '.' or an exponent, so 54 and 54.0
 * stay apart; null is an empty unquoted field (\N for BigQuery) and the
 * empty string "".  Reading rebuilds each view in the order of its keys
 * and places child rows by their position column, so tables exported from
 * a database in any row order still give the same views.
 */
#include "converters/csv_private.h"
#include "schemas/schemas.h"
#include "validate/validate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum role {
	R_DOC,	  /* the document's id */
	R_PARENT, /* a key of the parent item (mentions: the entity's "id") */
	R_POS,	  /* the item's position in its array */
	R_FIELD,  /* a key of the item (a path for documents) */
};

enum vtype { V_STR, V_INT, V_NUM, V_BOOL };

struct tcol {
	const char *name;
	enum role role;
	const char *key;
	enum vtype type;
	int nullable;
};

#define MAX_COLS 24

struct tdef {
	const char *name;
	int parent;	   /* index of the parent table, -1 for documents */
	const char *array; /* where the parent keeps these items */
	int pos;	   /* the column giving the item's position */
	const char *const *order; /* view keys in order, "[]" marks arrays;
				     NULL: the R_FIELD columns, then arrays */
	struct tcol cols[MAX_COLS];
};

static const char *const document_order[] = {
	"schema", "id", "source/name", "source/bytes", "source/sha256",
	"source/encoding", "source/newline", "source/bom", "source/replacements",
	"metadata/title", "[]metadata/authors", "metadata/section", "metadata/date",
	"metadata/language", "metadata/url", "metadata/publisher", "metadata/place",
	"metadata/reference_date", "stats/characters", "stats/words",
	"stats/sentences", "stats/paragraphs", "text", "[]paragraphs", "[]sentences",
	"[]entities", "[]acronyms", "[]timexes", "[]numbers", "[]quotes",
	"[]enumerations", "[]keyphrases", NULL,
};

#define DOC {"doc_id", R_DOC, NULL, V_STR, 0}
#define POS(n) {n, R_POS, NULL, V_INT, 0}
#define STR(n, k) {n, R_FIELD, k, V_STR, 0}
#define STR0(n, k) {n, R_FIELD, k, V_STR, 1}
#define INT(n, k) {n, R_FIELD, k, V_INT, 0}
#define SPAN INT("start_offset", "start"), INT("end_offset", "end")

enum {
	T_DOCUMENTS, T_AUTHORS, T_PARAGRAPHS, T_SENTENCES, T_ENTITIES, T_MENTIONS,
	T_ACRONYMS, T_TIMEXES, T_NUMBERS, T_QUOTES, T_ENUMERATIONS,
	T_ENUMERATION_ITEMS, T_KEYPHRASES, NTABLES
};

static const struct tdef tables[NTABLES] = {
	{"documents", -1, NULL, -1, document_order, {
		STR("doc_id", "id"), STR("schema", "schema"),
		STR("source_name", "source/name"), INT("source_bytes", "source/bytes"),
		STR("source_sha256", "source/sha256"),
		STR("source_encoding", "source/encoding"),
		STR("source_newline", "source/newline"),
		{"source_bom", R_FIELD, "source/bom", V_BOOL, 0},
		INT("source_replacements", "source/replacements"),
		STR0("metadata_title", "metadata/title"),
		STR0("metadata_section", "metadata/section"),
		STR0("metadata_date", "metadata/date"),
		STR0("metadata_language", "metadata/language"),
		STR0("metadata_url", "metadata/url"),
		STR0("metadata_publisher", "metadata/publisher"),
		STR0("metadata_place", "metadata/place"),
		STR0("metadata_reference_date", "metadata/reference_date"),
		INT("stats_characters", "stats/characters"), INT("stats_words", "stats/words"),
		INT("stats_sentences", "stats/sentences"),
		INT("stats_paragraphs", "stats/paragraphs"), STR("text", "text")}},
	{"authors", T_DOCUMENTS, "metadata/authors", 1, NULL, {
		DOC, POS("author_index"), STR("name", "name"), STR0("role", "role")}},
	{"paragraphs", T_DOCUMENTS, "paragraphs", 1, NULL, {
		DOC, INT("paragraph_index", "index"), STR("kind", "kind"), SPAN,
		STR("text", "text")}},
	{"sentences", T_DOCUMENTS, "sentences", 1, NULL, {
		DOC, INT("sentence_index", "index"), INT("paragraph_index", "paragraph"),
		SPAN, STR("text", "text")}},
	{"entities", T_DOCUMENTS, "entities", 2, NULL, {
		DOC, STR("entity_id", "id"), POS("entity_index"), STR("type", "type"),
		STR("name", "name")}},
	{"mentions", T_ENTITIES, "mentions", 2, NULL, {
		DOC, {"entity_id", R_PARENT, "id", V_STR, 0}, POS("mention_index"), SPAN,
		STR("text", "text"), INT("sentence_index", "sentence")}},
	{"acronyms", T_DOCUMENTS, "acronyms", 1, NULL, {
		DOC, POS("acronym_index"), STR("short_form", "short"),
		STR("long_form", "long"), SPAN}},
	{"timexes", T_DOCUMENTS, "timexes", 1, NULL, {
		DOC, POS("timex_index"), SPAN, STR("text", "text"), STR("type", "type"),
		STR0("value", "value"), INT("sentence_index", "sentence")}},
	{"numbers", T_DOCUMENTS, "numbers", 1, NULL, {
		DOC, POS("number_index"), SPAN, STR("text", "text"), STR("kind", "kind"),
		{"value", R_FIELD, "value", V_NUM, 1}, STR0("unit", "unit"),
		INT("sentence_index", "sentence")}},
	{"quotes", T_DOCUMENTS, "quotes", 1, NULL, {
		DOC, POS("quote_index"), SPAN, STR("text", "text"),
		STR0("speaker_entity_id", "speaker"), INT("sentence_index", "sentence")}},
	{"enumerations", T_DOCUMENTS, "enumerations", 2, NULL, {
		DOC, STR("enumeration_id", "id"), POS("enumeration_index"),
		{"sentence_index", R_FIELD, "sentence", V_INT, 1},
		{"announced", R_FIELD, "announced", V_INT, 1}}},
	{"enumeration_items", T_ENUMERATIONS, "items", 2, NULL, {
		DOC, {"enumeration_id", R_PARENT, "id", V_STR, 0}, POS("item_index"),
		INT("ordinal", "ordinal"), STR("marker", "marker"),
		INT("paragraph_index", "paragraph"), SPAN}},
	{"keyphrases", T_DOCUMENTS, "keyphrases", 1, NULL, {
		DOC, POS("keyphrase_index"), STR("text", "text"), INT("count", "count"),
		{"score", R_FIELD, "score", V_NUM, 0}}},
};

static size_t ncols(const struct tdef *t)
{
	size_t n = 0;
	while (n < MAX_COLS && t->cols[n].name)
		n++;
	return n;
}

static int table_index(const char *name)
{
	for (int i = 0; i < NTABLES; i++)
		if (strcmp(tables[i].name, name) == 0)
			return i;
	return -1;
}

/* The value at a path of "a/b" keys, or NULL. */
static json_t *get_path(json_t *o, const char *path)
{
	const char *slash = strchr(path, '/');
	if (!slash)
		return json_object_get(o, path);
	return json_object_get(json_object_getn(o, path, (size_t)(slash - path)), slash + 1);
}

/* ---- the table set --------------------------------------------------------- */

struct q_csv_tables {
	enum q_csv_profile profile;
	struct q_buf body[NTABLES]; /* rows, without the header */
	size_t rows[NTABLES];
	json_t *ids;		    /* doc ids already added */
};

struct q_csv_tables *q_csv_tables_new(enum q_csv_profile profile)
{
	struct q_csv_tables *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->profile = profile < Q_CSV_PROFILE_COUNT ? profile : Q_CSV_RFC4180;
	for (int i = 0; i < NTABLES; i++)
		q_buf_init(&t->body[i], 0);
	t->ids = json_object();
	if (!t->ids) {
		free(t);
		return NULL;
	}
	return t;
}

void q_csv_tables_free(struct q_csv_tables *t)
{
	if (!t)
		return;
	for (int i = 0; i < NTABLES; i++)
		q_buf_release(&t->body[i]);
	json_decref(t->ids);
	free(t);
}

struct adder {
	struct q_csv_tables *t;
	const char *doc_id;
	const char *file;
	struct q_error *err;
};

static int bad_view(struct adder *a, const char *where, const char *what)
{
	return q_error_msg(a->err, Q_EINVALID, a->file, "document %.12s…: %s: %s", a->doc_id,
			   where, what);
}

/* One cell of a value of the view. */
static int put_value(struct adder *a, int ti, const struct tcol *c, json_t *v,
		     struct q_buf *out)
{
	char num[32];
	size_t n;
	const char *s;
	if (!v)
		return bad_view(a, c->key, "missing");
	if (json_is_null(v)) {
		if (!c->nullable)
			return bad_view(a, c->key, "is null");
		q_csv_put_field(out, a->t->profile, "", 0, 1);
		return 0;
	}
	switch (c->type) {
	case V_STR:
		if (!json_is_string(v))
			return bad_view(a, c->key, "is not a string");
		if (q_csv_put_field(out, a->t->profile, json_string_value(v),
				    json_string_length(v), 0))
			return q_error_msg(a->err, Q_EDATA, a->file,
					   "document %.12s…: %s.%s is the string \\N, which "
					   "BigQuery loads as NULL: use another CSV profile",
					   a->doc_id, tables[ti].name, c->name);
		return 0;
	case V_INT:
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return bad_view(a, c->key, "is not a count");
		n = (size_t)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
				     json_integer_value(v));
		q_buf_append(out, num, n);
		return 0;
	case V_NUM:
		if (json_is_integer(v)) {
			n = (size_t)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
					     json_integer_value(v));
		} else if (json_is_real(v)) {
			n = q_format_double(json_real_value(v), num);
		} else {
			return bad_view(a, c->key, "is not a number");
		}
		q_buf_append(out, num, n);
		return 0;
	case V_BOOL:
		if (!json_is_boolean(v))
			return bad_view(a, c->key, "is not a boolean");
		s = json_is_true(v) ? "true" : "false";
		q_buf_puts(out, s);
		return 0;
	}
	return 0;
}

/* The row of item (position pos in its array, parent item `parent`). */
static int put_row(struct adder *a, int ti, json_t *item, json_t *parent, size_t pos)
{
	const struct tdef *t = &tables[ti];
	struct q_buf *out = &a->t->body[ti];
	size_t n = ncols(t);
	char num[32];
	if (!json_is_object(item))
		return bad_view(a, t->array ? t->array : "/", "holds something other than an object");
	for (size_t i = 0; i < n; i++) {
		const struct tcol *c = &t->cols[i];
		int rc = 0;
		if (i)
			q_buf_putc(out, ',');
		switch (c->role) {
		case R_DOC:
			q_csv_put_field(out, a->t->profile, a->doc_id, strlen(a->doc_id), 0);
			break;
		case R_PARENT:
			rc = put_value(a, ti, c, json_object_get(parent, c->key), out);
			break;
		case R_POS:
			q_buf_append(out, num, (size_t)snprintf(num, sizeof(num), "%zu", pos));
			break;
		case R_FIELD:
			rc = put_value(a, ti, c, get_path(item, c->key), out);
			break;
		}
		if (rc)
			return rc;
	}
	q_buf_puts(out, q_csv_eol(a->t->profile));
	a->t->rows[ti]++;
	return 0;
}

static json_t *array_at(struct adder *a, json_t *obj, const char *path)
{
	json_t *arr = get_path(obj, path);
	if (!json_is_array(arr)) {
		bad_view(a, path, "is not an array");
		return NULL;
	}
	return arr;
}

/* Index-valued keys must point at items that exist, ids be unique, and
 * speakers name an entity: what the foreign and primary keys will say. */
static int check_refs(struct adder *a, json_t *view)
{
	static const struct {
		const char *array, *key, *target;
	} refs[] = {
		{"sentences", "paragraph", "paragraphs"}, {"timexes", "sentence", "sentences"},
		{"numbers", "sentence", "sentences"},	 {"quotes", "sentence", "sentences"},
		{"enumerations", "sentence", "sentences"},
	};
	char where[96];
	size_t i, k;
	json_t *it, *sub;
	for (size_t r = 0; r < sizeof(refs) / sizeof(refs[0]); r++) {
		size_t limit = json_array_size(json_object_get(view, refs[r].target));
		json_array_foreach(json_object_get(view, refs[r].array), i, it) {
			json_t *v = json_object_get(it, refs[r].key);
			if (json_is_integer(v) && (size_t)json_integer_value(v) >= limit) {
				snprintf(where, sizeof(where), "/%s/%zu/%s", refs[r].array, i, refs[r].key);
				return bad_view(a, where, "refers to an item that does not exist");
			}
		}
	}
	const char *arrays[] = {"paragraphs", "sentences"};
	for (size_t r = 0; r < 2; r++) {
		json_array_foreach(json_object_get(view, arrays[r]), i, it) {
			json_t *v = json_object_get(it, "index");
			if (!json_is_integer(v) || (size_t)json_integer_value(v) != i) {
				snprintf(where, sizeof(where), "/%s/%zu/index", arrays[r], i);
				return bad_view(a, where, "is not the item's position");
			}
		}
	}
	size_t nsent = json_array_size(json_object_get(view, "sentences"));
	size_t npara = json_array_size(json_object_get(view, "paragraphs"));
	json_t *seen = json_object();
	int rc = seen ? 0 : q_error_msg(a->err, Q_ENOMEM, a->file, "out of memory");
	json_array_foreach(json_object_get(view, "entities"), i, it) {
		const char *id = json_string_value(json_object_get(it, "id"));
		if (rc || !id)
			break;
		snprintf(where, sizeof(where), "/entities/%zu/id", i);
		if (json_object_get(seen, id)) {
			rc = bad_view(a, where, "repeats the id of an earlier entity");
			break;
		}
		json_object_set_new(seen, id, json_true());
		json_array_foreach(json_object_get(it, "mentions"), k, sub) {
			json_t *v = json_object_get(sub, "sentence");
			if (json_is_integer(v) && (size_t)json_integer_value(v) >= nsent) {
				snprintf(where, sizeof(where), "/entities/%zu/mentions/%zu/sentence", i, k);
				rc = bad_view(a, where, "refers to an item that does not exist");
				break;
			}
		}
	}
	json_array_foreach(json_object_get(view, "quotes"), i, it) {
		const char *sp = json_string_value(json_object_get(it, "speaker"));
		if (rc)
			break;
		if (sp && !json_object_get(seen, sp)) {
			snprintf(where, sizeof(where), "/quotes/%zu/speaker", i);
			rc = bad_view(a, where, "names no entity of the document");
		}
	}
	json_object_clear(seen);
	json_array_foreach(json_object_get(view, "enumerations"), i, it) {
		const char *id = json_string_value(json_object_get(it, "id"));
		if (rc || !id)
			break;
		snprintf(where, sizeof(where), "/enumerations/%zu/id", i);
		if (json_object_get(seen, id)) {
			rc = bad_view(a, where, "repeats the id of an earlier enumeration");
			break;
		}
		json_object_set_new(seen, id, json_true());
		json_array_foreach(json_object_get(it, "items"), k, sub) {
			json_t *v = json_object_get(sub, "paragraph");
			if (json_is_integer(v) && (size_t)json_integer_value(v) >= npara) {
				snprintf(where, sizeof(where), "/enumerations/%zu/items/%zu/paragraph", i, k);
				rc = bad_view(a, where, "refers to an item that does not exist");
				break;
			}
		}
	}
	json_decref(seen);
	return rc;
}

static int add_children(struct adder *a, int parent_ti, json_t *parent_item)
{
	for (int ti = 0; ti < NTABLES; ti++) {
		if (tables[ti].parent != parent_ti)
			continue;
		json_t *arr = array_at(a, parent_item, tables[ti].array);
		if (!arr)
			return a->err->code;
		size_t i;
		json_t *item;
		json_array_foreach(arr, i, item) {
			int rc = put_row(a, ti, item, parent_item, i);
			if (!rc)
				rc = add_children(a, ti, item);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int q_csv_tables_add(struct q_csv_tables *t, json_t *view, struct q_error *err)
{
	const char *id = json_string_value(json_object_get(view, "id"));
	const char *file = json_string_value(get_path(view, "source/name"));
	struct adder a = {t, id, file ? file : "", err};
	if (!json_is_object(view) || !id)
		return q_error_msg(err, Q_EINVALID, a.file, "not a quarry document: it has no id");
	if (json_object_get(t->ids, id))
		return q_error_msg(err, Q_EINVALID, a.file,
				   "document %.12s… is already in the tables (the same text "
				   "as an earlier input): its id is their key",
				   id);
	int rc = check_refs(&a, view);
	if (rc)
		return rc;
	size_t len[NTABLES], rows[NTABLES];
	for (int i = 0; i < NTABLES; i++)
		len[i] = t->body[i].len, rows[i] = t->rows[i];
	rc = put_row(&a, T_DOCUMENTS, view, NULL, 0);
	if (!rc)
		rc = add_children(&a, T_DOCUMENTS, view);
	for (int i = 0; i < NTABLES && !rc; i++)
		if (t->body[i].failed)
			rc = q_error_msg(err, t->body[i].failed, a.file, "out of memory");
	if (!rc && json_object_set_new(t->ids, id, json_true()))
		rc = q_error_msg(err, Q_ENOMEM, a.file, "out of memory");
	if (rc) { /* leave the tables as they were */
		for (int i = 0; i < NTABLES; i++) {
			t->body[i].failed = 0;
			t->body[i].len = len[i];
			if (t->body[i].data)
				t->body[i].data[len[i]] = '\0';
			t->rows[i] = rows[i];
		}
	}
	return rc;
}

static void put_header(const struct q_csv_tables *t, int ti, struct q_buf *out)
{
	size_t n = ncols(&tables[ti]);
	for (size_t i = 0; i < n; i++) {
		if (i)
			q_buf_putc(out, ',');
		q_buf_puts(out, tables[ti].cols[i].name);
	}
	q_buf_puts(out, q_csv_eol(t->profile));
}

int q_csv_tables_table(struct q_csv_tables *t, const char *table, struct q_buf *out,
		       struct q_error *err)
{
	int ti = table_index(table);
	if (ti < 0) {
		struct q_buf names;
		q_buf_init(&names, 0);
		for (int i = 0; i < NTABLES; i++)
			q_buf_printf(&names, "%s%s", i ? ", " : "", tables[i].name);
		int rc = q_error_msg(err, Q_EUSAGE, NULL, "no table '%s' (tables: %s)", table,
				     names.data ? names.data : "");
		q_buf_release(&names);
		return rc;
	}
	put_header(t, ti, out);
	q_buf_append(out, t->body[ti].data ? t->body[ti].data : "", t->body[ti].len);
	if (out->failed)
		return q_error_msg(err, out->failed, NULL,
				   out->failed == Q_ETOOBIG ? "output exceeds the size limit"
							    : "out of memory");
	return 0;
}

/* ---- schemas and checks ------------------------------------------------------- */

static json_t *embedded_json(const char *name, struct q_error *err)
{
	char path[64];
	snprintf(path, sizeof(path), "csv/%s.json", name);
	const struct q_embedded *e = q_schema_find(path);
	json_error_t jerr;
	json_t *v = e ? json_loadb(e->data, e->size, 0, &jerr) : NULL;
	if (!v)
		q_error_msg(err, Q_EINTERNAL, NULL, "the built-in schema %s is missing or broken",
			    path);
	return v;
}

/* The compiled Table Schemas of every table, in table order. */
static int compile_all(struct q_table_schema **out, struct q_error *err)
{
	memset(out, 0, NTABLES * sizeof(*out));
	for (int i = 0; i < NTABLES; i++) {
		json_t *s = embedded_json(tables[i].name, err);
		if (!s)
			return err->code;
		int rc = q_table_schema_compile(s, tables[i].name, &out[i], err);
		json_decref(s);
		if (rc)
			return rc;
	}
	return 0;
}

static void free_all(struct q_table_schema **s)
{
	for (int i = 0; i < NTABLES; i++)
		q_table_schema_free(s[i]);
}

/* Rows of one file pushed into a package check. */
struct checker {
	struct q_package *pkg;
	int header_seen;
};

static int check_row(void *ctx, const struct q_csv_row *row, struct q_error *err)
{
	struct checker *c = ctx;
	if (!c->header_seen) {
		c->header_seen = 1;
		q_package_header(c->pkg, row->line, row->field, row->len, row->count);
		return 0;
	}
	return q_package_row(c->pkg, row->line, row->field, row->len, row->null, row->count,
			     err);
}

/* Parses one table's CSV text into the package check. */
static int check_text(struct q_package *pkg, const char *resource,
		      const struct q_table_schema *s, const char *file, const char *null_seq,
		      const char *data, size_t len, struct q_error *err)
{
	struct checker c = {pkg, 0};
	struct q_csv_rows rows;
	int rc = q_package_add(pkg, resource, s, file, err);
	if (rc)
		return rc;
	q_csv_rows_init(&rows, file, null_seq, check_row, &c);
	rc = q_csv_rows_feed(&rows, data, len, err);
	if (!rc)
		rc = q_csv_rows_finish(&rows, err);
	q_csv_rows_release(&rows);
	if (!rc && !c.header_seen)
		q_package_header(pkg, 1, NULL, NULL, 0);
	return rc;
}

/* ---- writing the package -------------------------------------------------------- */

static json_t *dialect(enum q_csv_profile profile)
{
	json_t *d = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b}", "delimiter", ",",
			      "lineTerminator", q_csv_eol(profile), "quoteChar", "\"",
			      "doubleQuote", 1, "skipInitialSpace", 0, "header", 1);
	const char *ns = q_csv_null_sequence(profile);
	if (d && ns)
		json_object_set_new(d, "nullSequence", json_string(ns));
	return d;
}

/* The descriptor written beside the tables: the shipped one with each
 * schema inline and the profile's dialect. */
static json_t *descriptor(enum q_csv_profile profile, struct q_error *err)
{
	json_t *pkg = embedded_json("datapackage", err);
	if (!pkg)
		return NULL;
	json_t *res = json_object_get(pkg, "resources");
	size_t i;
	json_t *r;
	json_object_set_new(pkg, "quarry", json_pack("{s:s, s:s}", "ir", Q_IR_SCHEMA,
						     "csvProfile", q_csv_profile_names[profile]));
	json_array_foreach(res, i, r) {
		const char *name = json_string_value(json_object_get(r, "name"));
		json_t *s = name ? embedded_json(name, err) : NULL;
		if (!s) {
			json_decref(pkg);
			return NULL;
		}
		json_object_set_new(r, "schema", s);
		json_object_set_new(r, "dialect", dialect(profile));
	}
	return pkg;
}

/* mkdir -p: the folder and any missing parents. */
static int make_dir(const char *dir, struct q_error *err)
{
	char path[4096];
	size_t n = strlen(dir);
	if (n == 0 || n >= sizeof(path))
		return q_error_msg(err, Q_ECANTCREAT, dir, "cannot create the folder: bad name");
	memcpy(path, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		char c = path[i];
		path[i] = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			return q_error_msg(err, Q_ECANTCREAT, dir, "cannot create the folder: %s",
					   strerror(errno));
		path[i] = c;
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return q_error_msg(err, Q_ECANTCREAT, dir, "exists and is not a folder");
	return 0;
}

int q_csv_tables_write(struct q_csv_tables *t, const char *dir, struct q_error *err)
{
	struct q_table_schema *schemas[NTABLES];
	struct q_table_problems problems;
	struct q_buf text, path;
	q_buf_init(&text, 0);
	q_buf_init(&path, 0);
	q_table_problems_init(&problems, 5);
	int rc = compile_all(schemas, err);
	struct q_package *pkg = rc ? NULL : q_package_new(&problems);
	if (!rc && !pkg)
		rc = q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	/* Check everything before writing anything. */
	for (int i = 0; i < NTABLES && !rc; i++) {
		q_buf_reset(&text);
		put_header(t, i, &text);
		q_buf_append(&text, t->body[i].data ? t->body[i].data : "", t->body[i].len);
		char file[64];
		snprintf(file, sizeof(file), "%s.csv", tables[i].name);
		if (text.failed)
			rc = q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
		else
			rc = check_text(pkg, tables[i].name, schemas[i], file,
					q_csv_null_sequence(t->profile), text.data, text.len, err);
	}
	if (!rc)
		rc = q_package_finish(pkg, err);
	if (!rc && problems.count) {
		struct q_error why;
		q_error_init(&why);
		q_table_problems_error(&problems, &why);
		rc = q_error_msg(err, Q_EINTERNAL, NULL,
				 "the CSV tables fail their own schemas (a bug): %s:%ld: %s",
				 why.file, why.line, why.message);
	}
	if (!rc)
		rc = make_dir(dir, err);
	for (int i = 0; i < NTABLES && !rc; i++) {
		struct q_atomic at;
		q_buf_reset(&path);
		q_buf_printf(&path, "%s/%s.csv", dir, tables[i].name);
		q_buf_reset(&text);
		put_header(t, i, &text);
		if (path.failed || text.failed) {
			rc = q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
			break;
		}
		rc = q_atomic_open(&at, path.data, err);
		if (rc)
			break;
		rc = q_atomic_write(&at, text.data, text.len, err);
		if (!rc && t->body[i].len)
			rc = q_atomic_write(&at, t->body[i].data, t->body[i].len, err);
		if (!rc)
			rc = q_atomic_commit(&at, err);
		else
			q_atomic_abort(&at);
	}
	if (!rc) {
		json_t *d = descriptor(t->profile, err);
		char *s = d ? json_dumps(d, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		json_decref(d);
		q_buf_reset(&path);
		q_buf_printf(&path, "%s/datapackage.json", dir);
		if (!s)
			rc = err->code ? err->code : q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
		else {
			size_t n = strlen(s);
			s[n] = '\n'; /* json_dumps leaves room for the NUL we replace */
			rc = q_write_atomic(path.data, s, n + 1, err);
			free(s);
		}
	}
	q_package_free(pkg);
	q_table_problems_release(&problems);
	free_all(schemas);
	q_buf_release(&text);
	q_buf_release(&path);
	return rc;
}

/* ---- reading a package ------------------------------------------------------------ */

/* Reads a file named by a descriptor: a relative path inside dir. */
static int read_member(const char *dir, const char *name, struct q_buf *out,
		       struct q_error *err)
{
	if (!name || !name[0] || name[0] == '/' || strstr(name, "..") || strchr(name, '\\'))
		return q_error_msg(err, Q_EINVALID, dir,
				   "datapackage.json: resource path '%s' is not a file "
				   "name inside the folder",
				   name ? name : "");
	struct q_buf path;
	q_buf_init(&path, 0);
	q_buf_printf(&path, "%s/%s", dir, name);
	int rc = path.failed ? q_error_msg(err, Q_ENOMEM, NULL, "out of memory")
			     : q_read_file(path.data, (size_t)1 << 31, out, err);
	q_buf_release(&path);
	return rc;
}

static int read_descriptor(const char *dir, json_t **out, struct q_error *err)
{
	struct q_buf raw, path;
	json_error_t jerr;
	q_buf_init(&raw, 0);
	q_buf_init(&path, 0);
	q_buf_printf(&path, "%s/datapackage.json", dir);
	int rc = q_read_file(path.data, (size_t)64 << 20, &raw, err);
	*out = NULL;
	if (!rc) {
		*out = json_loadb(raw.data, raw.len, JSON_REJECT_DUPLICATES, &jerr);
		if (!*out)
			rc = q_error_set(err, Q_ESYNTAX, path.data, jerr.line, jerr.column,
					 jerr.position, "invalid JSON: %s", jerr.text);
		else if (!json_is_array(json_object_get(*out, "resources")))
			rc = q_error_msg(err, Q_EINVALID, path.data,
					 "a data package descriptor needs an array of resources");
	}
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	q_buf_release(&raw);
	q_buf_release(&path);
	return rc;
}

static json_t *find_resource(json_t *desc, const char *name)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(desc, "resources"), i, r) {
		const char *n = json_string_value(json_object_get(r, "name"));
		if (n && strcmp(n, name) == 0)
			return r;
	}
	return NULL;
}

static const char *resource_null_seq(json_t *r)
{
	return json_string_value(json_object_get(json_object_get(r, "dialect"), "nullSequence"));
}

struct loaded {
	json_t *item;
	size_t parent; /* sequence number of the parent item */
	long long pos;
	long line;
};

struct reader {
	struct q_package *pkg;
	struct q_table_problems *problems;
	int ti;
	const char *file;
	int header_seen;
	struct loaded *rows;
	size_t n, cap;
	json_t *keys[NTABLES];	 /* parent key -> sequence number */
	json_t **items[NTABLES]; /* sequence number -> item, for parents */
	size_t nitems[NTABLES], capitems[NTABLES];
	struct loaded *all[NTABLES];
	size_t nall[NTABLES];
	struct q_buf key;
};

static json_t *cell_value(const struct tcol *c, const struct q_csv_row *row, size_t i)
{
	const char *s = row->field[i];
	size_t len = row->len[i];
	if (row->null[i])
		return json_null();
	switch (c->type) {
	case V_STR:
		return json_stringn_nocheck(s, len);
	case V_INT:
		return json_integer((json_int_t)strtoll(s, NULL, 10));
	case V_NUM:
		if (strpbrk(s, ".eEnNiI"))
			return json_real(strtod(s, NULL));
		return json_integer((json_int_t)strtoll(s, NULL, 10));
	case V_BOOL:
		return json_boolean(strcmp(s, "true") == 0);
	}
	return NULL;
}

/* Sets value at "a/b" in o, creating the objects on the way. */
static int set_path(json_t *o, const char *path, json_t *value)
{
	const char *slash = strchr(path, '/');
	if (!slash)
		return json_object_set_new(o, path, value);
	json_t *sub = json_object_getn(o, path, (size_t)(slash - path));
	if (!sub) {
		sub = json_object();
		if (!sub || json_object_setn_new(o, path, (size_t)(slash - path), sub)) {
			json_decref(value);
			return -1;
		}
	}
	return json_object_set_new(sub, slash + 1, value);
}

static int build_item(struct reader *r, const struct q_csv_row *row, json_t **out)
{
	const struct tdef *t = &tables[r->ti];
	size_t n = ncols(t);
	json_t *o = json_object();
	int failed = !o;
	if (t->order) {
		for (const char *const *k = t->order; *k && !failed; k++) {
			if (strncmp(*k, "[]", 2) == 0) {
				failed = set_path(o, *k + 2, json_array()) != 0;
				continue;
			}
			for (size_t i = 0; i < n; i++)
				if (t->cols[i].role == R_FIELD && strcmp(t->cols[i].key, *k) == 0)
					failed = set_path(o, *k, cell_value(&t->cols[i], row, i)) != 0;
		}
	} else {
		for (size_t i = 0; i < n && !failed; i++)
			if (t->cols[i].role == R_FIELD)
				failed = set_path(o, t->cols[i].key, cell_value(&t->cols[i], row, i)) != 0;
		for (int c = 0; c < NTABLES && !failed; c++)
			if (tables[c].parent == r->ti)
				failed = set_path(o, tables[c].array, json_array()) != 0;
	}
	if (failed) {
		json_decref(o);
		return Q_ENOMEM;
	}
	*out = o;
	return 0;
}

/* The key of an item for its children: doc_id, or doc_id and its id. */
static const char *parent_key(struct reader *r, const struct q_csv_row *row, int ti,
			      int as_parent)
{
	const struct tdef *t = &tables[ti];
	q_buf_reset(&r->key);
	q_buf_append(&r->key, row->field[0], row->len[0]);
	if ((as_parent && ti != T_DOCUMENTS) || (!as_parent && t->parent != T_DOCUMENTS)) {
		q_buf_putc(&r->key, '\x1f');
		q_buf_append(&r->key, row->field[1], row->len[1]);
	}
	return r->key.data ? r->key.data : "";
}

static int load_row(void *ctx, const struct q_csv_row *row, struct q_error *err)
{
	struct reader *r = ctx;
	const struct tdef *t = &tables[r->ti];
	if (!r->header_seen) {
		r->header_seen = 1;
		q_package_header(r->pkg, row->line, row->field, row->len, row->count);
		return 0;
	}
	int rc = q_package_row(r->pkg, row->line, row->field, row->len, row->null, row->count,
			       err);
	if (rc || r->problems->count)
		return rc;
	size_t bad;
	for (size_t i = 0; i < row->count; i++)
		if (!q_csv_utf8_valid(row->field[i], row->len[i], &bad))
			return q_error_set(err, Q_EENCODING, r->file, row->line, 0, row->offset,
					   "invalid UTF-8 in column '%s'", t->cols[i].name);
	for (size_t i = 0; i < row->count; i++)
		if (t->cols[i].type == V_NUM && !row->null[i] && strpbrk(row->field[i], "nNiI"))
			return q_error_set(err, Q_EINVALID, r->file, row->line, 0, row->offset,
					   "column '%s': '%s' has no JSON form (NaN and the "
					   "infinities are not JSON numbers)",
					   t->cols[i].name, row->field[i]);
	json_t *item;
	if (build_item(r, row, &item))
		return q_error_msg(err, Q_ENOMEM, r->file, "out of memory");
	size_t parent = 0;
	if (t->parent >= 0) {
		json_t *seq = json_object_get(r->keys[t->parent], parent_key(r, row, r->ti, 0));
		if (!seq) {
			json_decref(item);
			return q_error_set(err, Q_EINVALID, r->file, row->line, 0, row->offset,
					   "the row belongs to no row of %s",
					   tables[t->parent].name);
		}
		parent = (size_t)json_integer_value(seq);
	}
	/* Parents remember their items for their children. */
	int is_parent = 0;
	for (int c = 0; c < NTABLES; c++)
		is_parent |= tables[c].parent == r->ti;
	if (is_parent) {
		size_t seq = r->nitems[r->ti];
		if (seq == r->capitems[r->ti]) {
			size_t ncap = seq ? seq * 2 : 64;
			json_t **v = realloc(r->items[r->ti], ncap * sizeof(*v));
			if (!v) {
				json_decref(item);
				return q_error_msg(err, Q_ENOMEM, r->file, "out of memory");
			}
			r->items[r->ti] = v;
			r->capitems[r->ti] = ncap;
		}
		r->items[r->ti][seq] = item;
		r->nitems[r->ti]++;
		if (json_object_set_new(r->keys[r->ti], parent_key(r, row, r->ti, 1),
					json_integer((json_int_t)seq))) {
			return q_error_msg(err, Q_ENOMEM, r->file, "out of memory");
		}
	}
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 256;
		struct loaded *v = realloc(r->rows, ncap * sizeof(*v));
		if (!v) {
			if (!is_parent)
				json_decref(item);
			return q_error_msg(err, Q_ENOMEM, r->file, "out of memory");
		}
		r->rows = v;
		r->cap = ncap;
	}
	struct loaded *l = &r->rows[r->n++];
	l->item = is_parent ? json_incref(item) : item;
	l->parent = parent;
	l->pos = t->pos >= 0 ? strtoll(row->field[t->pos], NULL, 10) : (long long)r->n - 1;
	l->line = row->line;
	return 0;
}

static int cmp_loaded(const void *a, const void *b)
{
	const struct loaded *x = a, *y = b;
	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Places the rows of table ti in their parents' arrays, by position. */
static int attach_rows(struct reader *r, int ti, struct q_error *err)
{
	const struct tdef *t = &tables[ti];
	struct loaded *rows = r->all[ti];
	size_t n = r->nall[ti];
	if (n)
		qsort(rows, n, sizeof(*rows), cmp_loaded);
	char file[64];
	snprintf(file, sizeof(file), "%s.csv", t->name);
	for (size_t i = 0, k = 0; i < n; i++) {
		if (i && rows[i].parent != rows[i - 1].parent)
			k = 0;
		if (rows[i].pos != (long long)k)
			return q_error_set(err, Q_EINVALID, file, rows[i].line, 0, -1,
					   "column '%s': position %lld leaves a gap (expected %zu)",
					   t->cols[t->pos].name, rows[i].pos, k);
		k++;
		json_t *parent = r->items[t->parent][rows[i].parent];
		json_t *arr = get_path(parent, t->array);
		if (json_array_append(arr, rows[i].item))
			return q_error_msg(err, Q_ENOMEM, file, "out of memory");
	}
	return 0;
}

int q_csv_tables_read(const char *dir, json_t *views, struct q_error *err)
{
	struct q_table_schema *schemas[NTABLES];
	struct q_table_problems problems;
	struct reader r;
	struct q_buf raw;
	json_t *desc = NULL;
	memset(&r, 0, sizeof(r));
	q_buf_init(&raw, 0);
	q_buf_init(&r.key, 0);
	q_table_problems_init(&problems, 1);
	memset(schemas, 0, sizeof(schemas));
	int rc = read_descriptor(dir, &desc, err);
	if (!rc)
		rc = compile_all(schemas, err);
	r.problems = &problems;
	r.pkg = rc ? NULL : q_package_new(&problems);
	if (!rc && !r.pkg)
		rc = q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	for (int ti = 0; ti < NTABLES && !rc; ti++) {
		json_t *res = find_resource(desc, tables[ti].name);
		const char *path = json_string_value(json_object_get(res, "path"));
		if (!res) {
			rc = q_error_msg(err, Q_EINVALID, dir,
					 "datapackage.json has no resource '%s'", tables[ti].name);
			break;
		}
		q_buf_reset(&raw);
		if ((rc = read_member(dir, path, &raw, err)))
			break;
		r.keys[ti] = json_object();
		if (!r.keys[ti]) {
			rc = q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
			break;
		}
		r.ti = ti;
		r.file = path;
		r.header_seen = 0;
		r.rows = NULL;
		r.n = r.cap = 0;
		struct q_csv_rows rows;
		rc = q_package_add(r.pkg, tables[ti].name, schemas[ti], path, err);
		if (rc)
			break;
		q_csv_rows_init(&rows, path, resource_null_seq(res), load_row, &r);
		rc = q_csv_rows_feed(&rows, raw.data ? raw.data : "", raw.len, err);
		if (!rc)
			rc = q_csv_rows_finish(&rows, err);
		q_csv_rows_release(&rows);
		if (!rc && !r.header_seen)
			q_package_header(r.pkg, 1, NULL, NULL, 0);
		r.all[ti] = r.rows;
		r.nall[ti] = r.n;
		if (!rc && problems.count)
			break;
	}
	if (!rc && !problems.count)
		rc = q_package_finish(r.pkg, err);
	if (!rc && problems.count)
		rc = q_table_problems_error(&problems, err);
	for (int ti = 1; ti < NTABLES && !rc; ti++)
		rc = attach_rows(&r, ti, err);
	for (size_t i = 0; i < r.nitems[T_DOCUMENTS] && !rc; i++)
		if (json_array_append(views, r.items[T_DOCUMENTS][i]))
			rc = q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	for (int ti = 0; ti < NTABLES; ti++) {
		for (size_t i = 0; i < r.nall[ti]; i++)
			json_decref(r.all[ti][i].item);
		free(r.all[ti]);
		for (size_t i = 0; i < r.nitems[ti]; i++)
			json_decref(r.items[ti][i]);
		free(r.items[ti]);
		json_decref(r.keys[ti]);
	}
	q_package_free(r.pkg);
	q_table_problems_release(&problems);
	free_all(schemas);
	json_decref(desc);
	q_buf_release(&raw);
	q_buf_release(&r.key);
	return rc;
}

/* ---- validating any package --------------------------------------------------------- */

int q_csv_table_validate(json_t *schema, const char *data, size_t len, const char *file,
			 const char *null_seq, struct q_table_problems *out,
			 struct q_error *err)
{
	struct q_table_schema *s;
	int rc = q_table_schema_compile(schema, file, &s, err);
	if (rc)
		return rc;
	struct q_package *pkg = q_package_new(out);
	if (!pkg)
		rc = q_error_msg(err, Q_ENOMEM, file, "out of memory");
	if (!rc)
		rc = check_text(pkg, "", s, file, null_seq, data, len, err);
	if (!rc)
		rc = q_package_finish(pkg, err);
	q_package_free(pkg);
	q_table_schema_free(s);
	return rc;
}

int q_csv_package_validate(const char *dir, struct q_table_problems *out,
			   struct q_error *err)
{
	json_t *desc;
	int rc = read_descriptor(dir, &desc, err);
	if (rc)
		return rc;
	json_t *resources = json_object_get(desc, "resources");
	size_t n = json_array_size(resources), i;
	struct q_table_schema **schemas = calloc(n + 1, sizeof(*schemas));
	struct q_package *pkg = q_package_new(out);
	struct q_buf raw;
	q_buf_init(&raw, 0);
	if (!schemas || !pkg)
		rc = q_error_msg(err, Q_ENOMEM, dir, "out of memory");
	json_t *res;
	json_array_foreach(resources, i, res) {
		if (rc)
			break;
		const char *name = json_string_value(json_object_get(res, "name"));
		const char *path = json_string_value(json_object_get(res, "path"));
		json_t *sj = json_object_get(res, "schema");
		json_t *loaded = NULL;
		if (json_is_string(sj)) {
			json_error_t jerr;
			q_buf_reset(&raw);
			if ((rc = read_member(dir, json_string_value(sj), &raw, err)))
				break;
			loaded = json_loadb(raw.data, raw.len, JSON_REJECT_DUPLICATES, &jerr);
			if (!loaded) {
				rc = q_error_set(err, Q_ESYNTAX, json_string_value(sj), jerr.line,
						 jerr.column, jerr.position, "invalid JSON: %s", jerr.text);
				break;
			}
			sj = loaded;
		}
		if (!json_is_object(sj)) {
			rc = q_error_msg(err, Q_EINVALID, dir,
					 "datapackage.json: resource '%s' has no table schema",
					 name ? name : "");
			break;
		}
		rc = q_table_schema_compile(sj, path ? path : name, &schemas[i], err);
		json_decref(loaded);
		if (rc)
			break;
		q_buf_reset(&raw);
		if ((rc = read_member(dir, path, &raw, err)))
			break;
		rc = check_text(pkg, name ? name : "", schemas[i], path, resource_null_seq(res),
				raw.data ? raw.data : "", raw.len, err);
	}
	if (!rc)
		rc = q_package_finish(pkg, err);
	q_package_free(pkg);
	for (i = 0; schemas && i < n; i++)
		q_table_schema_free(schemas[i]);
	free(schemas);
	q_buf_release(&raw);
	json_decref(desc);
	return rc;
}

/* ---- SQL DDL ---------------------------------------------------------------------------- */

static void sql_string(struct q_buf *out, const char *s)
{
	q_buf_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			q_buf_putc(out, '\'');
		q_buf_putc(out, *s);
	}
	q_buf_putc(out, '\'');
}

static void sql_names(struct q_buf *out, json_t *names)
{
	size_t i;
	json_t *n;
	if (json_is_string(names)) {
		q_buf_printf(out, "\"%s\"", json_string_value(names));
		return;
	}
	json_array_foreach(names, i, n)
		q_buf_printf(out, "%s\"%s\"", i ? ", " : "", json_string_value(n));
}

static int in_names(json_t *names, const char *name)
{
	size_t i;
	json_t *n;
	if (json_is_string(names))
		return strcmp(json_string_value(names), name) == 0;
	json_array_foreach(names, i, n)
		if (strcmp(json_string_value(n), name) == 0)
			return 1;
	return 0;
}

static void ddl_table(struct q_buf *out, const char *name, json_t *schema, int postgres)
{
	json_t *pk = json_object_get(schema, "primaryKey");
	size_t i;
	json_t *f;
	q_buf_printf(out, "CREATE TABLE \"%s\" (\n", name);
	json_array_foreach(json_object_get(schema, "fields"), i, f) {
		const char *fname = json_string_value(json_object_get(f, "name"));
		const char *type = json_string_value(json_object_get(f, "type"));
		json_t *cons = json_object_get(f, "constraints");
		const char *sql;
		if (!type || strcmp(type, "string") == 0)
			sql = "TEXT";
		else if (strcmp(type, "integer") == 0)
			sql = postgres ? "BIGINT" : "INTEGER";
		else if (strcmp(type, "number") == 0)
			sql = postgres ? "DOUBLE PRECISION" : "REAL";
		else if (strcmp(type, "boolean") == 0)
			sql = postgres ? "BOOLEAN" : "INTEGER";
		else if (strcmp(type, "date") == 0)
			sql = postgres ? "DATE" : "TEXT";
		else
			sql = "TEXT";
		q_buf_printf(out, "  \"%s\" %s", fname, sql);
		if (json_is_true(json_object_get(cons, "required")) || in_names(pk, fname))
			q_buf_puts(out, " NOT NULL");
		json_t *v;
		if ((v = json_object_get(cons, "enum"))) {
			size_t k;
			json_t *e;
			q_buf_printf(out, " CHECK (\"%s\" IN (", fname);
			json_array_foreach(v, k, e) {
				if (k)
					q_buf_puts(out, ", ");
				sql_string(out, json_string_value(e) ? json_string_value(e) : "");
			}
			q_buf_puts(out, "))");
		}
		if ((v = json_object_get(cons, "minimum")) && json_is_integer(v))
			q_buf_printf(out, " CHECK (\"%s\" >= %" JSON_INTEGER_FORMAT ")", fname,
				     json_integer_value(v));
		if ((v = json_object_get(cons, "minLength")) && json_is_integer(v))
			q_buf_printf(out, " CHECK (%s(\"%s\") >= %" JSON_INTEGER_FORMAT ")",
				     postgres ? "char_length" : "length", fname, json_integer_value(v));
		if (postgres && (v = json_object_get(cons, "pattern"))) {
			struct q_buf re;
			q_buf_init(&re, 0);
			q_buf_printf(&re, "^(%s)$", json_string_value(v));
			q_buf_printf(out, " CHECK (\"%s\" ~ ", fname);
			sql_string(out, re.data);
			q_buf_putc(out, ')');
			q_buf_release(&re);
		}
		if (!postgres && strcmp(type, "boolean") == 0)
			q_buf_printf(out, " CHECK (\"%s\" IN (0, 1))", fname);
		q_buf_puts(out, ",\n");
	}
	q_buf_puts(out, "  PRIMARY KEY (");
	sql_names(out, pk);
	q_buf_putc(out, ')');
	json_array_foreach(json_object_get(schema, "foreignKeys"), i, f) {
		json_t *ref = json_object_get(f, "reference");
		q_buf_puts(out, ",\n  FOREIGN KEY (");
		sql_names(out, json_object_get(f, "fields"));
		q_buf_printf(out, ") REFERENCES \"%s\" (",
			     json_string_value(json_object_get(ref, "resource")));
		sql_names(out, json_object_get(ref, "fields"));
		q_buf_putc(out, ')');
	}
	q_buf_puts(out, "\n);\n");
}

int q_csv_sql_ddl(const char *dialect_name, struct q_buf *out, struct q_error *err)
{
	int postgres;
	if (strcmp(dialect_name, "postgres") == 0)
		postgres = 1;
	else if (strcmp(dialect_name, "sqlite") == 0)
		postgres = 0;
	else
		return q_error_msg(err, Q_EUSAGE, NULL,
				   "no SQL dialect '%s' (postgres or sqlite)", dialect_name);
	json_t *pkg = embedded_json("datapackage", err);
	if (!pkg)
		return err->code;
	q_buf_printf(out, "-- quarry CSV tables (IR %s) for %s, from schemas/csv/; "
			  "parents first.\n",
		     Q_IR_SCHEMA, postgres ? "PostgreSQL" : "SQLite");
	if (!postgres)
		q_buf_puts(out, "PRAGMA foreign_keys = ON;\n");
	size_t i;
	json_t *r;
	int rc = 0;
	json_array_foreach(json_object_get(pkg, "resources"), i, r) {
		const char *name = json_string_value(json_object_get(r, "name"));
		json_t *s = name ? embedded_json(name, err) : NULL;
		if (!s) {
			rc = err->code ? err->code : Q_EINTERNAL;
			break;
		}
		q_buf_putc(out, '\n');
		ddl_table(out, name, s, postgres);
		json_decref(s);
	}
	json_decref(pkg);
	if (!rc && out->failed)
		rc = q_error_msg(err, out->failed, NULL, "out of memory");
	return rc;
}

/*
 * validate.c — `quarry validate`: quarry documents against the IR schema
 * (and their own consistency), or any JSON against a user's JSON Schema.
 */
#include "cmd/cmd.h"
#include "converters/converters.h"
#include "extract/extract.h"
#include "schemas/schemas.h"
#include "validate/validate.h"

#include <pthread.h>
#include <string.h>
#include <sys/stat.h>

static struct {
	pthread_once_t once;
	struct q_schema *schema;
	struct q_error err;
} ir_schema = {PTHREAD_ONCE_INIT, NULL, {0}};

static void compile_ir_schema(void)
{
	const struct q_embedded *e = q_schema_find(Q_SCHEMA_DEFAULT);
	json_error_t jerr;
	json_t *doc = e ? json_loadb(e->data, e->size, 0, &jerr) : NULL;
	q_error_init(&ir_schema.err);
	if (!doc) {
		q_error_msg(&ir_schema.err, Q_EINTERNAL, "quarry.schema.json",
			    "the built-in schema does not load");
		return;
	}
	q_schema_compile(doc, &ir_schema.schema, &ir_schema.err);
	json_decref(doc);
}

const struct q_schema *q_cmd_ir_schema(struct q_error *err)
{
	pthread_once(&ir_schema.once, compile_ir_schema);
	if (!ir_schema.schema)
		q_error_msg(err, Q_EINTERNAL, ir_schema.err.file, "%s",
			    ir_schema.err.message);
	return ir_schema.schema;
}

int q_cmd_report_validation(const struct q_schema *schema, void *view,
			    unsigned flags, const char *file, long line)
{
	struct q_violations v;
	q_violations_init(&v, 0);
	int valid = q_schema_validate(schema, view, flags, &v);
	for (size_t i = 0; i < v.count; i++) {
		const struct q_violation *x = &v.items[i];
		fprintf(stderr, "quarry: %s", file);
		if (line > 0)
			fprintf(stderr, ":%ld", line);
		fprintf(stderr, ": %s: %s (%s at %s)\n", x->instance_path[0] ? x->instance_path : "/",
			x->message, x->keyword, x->schema_path[0] ? x->schema_path : "/");
	}
	if (v.truncated)
		fprintf(stderr, "quarry: %s: more problems not shown\n", file);
	q_violations_release(&v);
	return valid;
}

/*
 * What --schema gave: a JSON Schema (for JSON, NDJSON, YAML and the values
 * any format reads), an XSD (for XML), or a Table Schema or data package
 * (for CSV).  The kind is told from the file: '<' opens an XSD, "fields"
 * makes a Table Schema and "resources" a data package.
 */
enum schema_kind { S_QUARRY, S_JSON, S_XSD, S_TABLE, S_PACKAGE };

struct user_schema {
	enum schema_kind kind;
	const char *name;
	const struct q_schema *json; /* S_JSON (owned), S_QUARRY (the built-in one) */
	struct q_schema *owned;
	struct q_buf text;     /* S_XSD */
	json_t *doc;	       /* S_TABLE, S_PACKAGE */
};

static int load_user_schema(const struct q_cmdline *cl, struct user_schema *us,
			    struct q_error *err)
{
	const char *name = q_display_name(cl->schema);
	size_t pos = 0;
	us->name = name;
	int rc = q_read_file(cl->schema, Q_MAX_INPUT_DEFAULT, &us->text, err);
	if (rc)
		return rc;
	const struct q_format *f = q_format_detect(cl->schema, us->text.data, us->text.len);
	if (strcmp(f->name, "xml") == 0) {
		us->kind = S_XSD;
		return 0;
	}
	rc = f->read(us->text.data, us->text.len, &pos, name, &us->doc, err);
	if (!rc && !us->doc)
		rc = q_error_msg(err, Q_ESYNTAX, name, "empty schema file");
	if (rc)
		return rc;
	if (json_is_array(json_object_get(us->doc, "fields")))
		us->kind = S_TABLE;
	else if (json_is_array(json_object_get(us->doc, "resources")))
		us->kind = S_PACKAGE;
	else {
		us->kind = S_JSON;
		rc = q_schema_compile(us->doc, &us->owned, err);
		us->json = us->owned;
		if (rc && err->file[0] == '\0')
			snprintf(err->file, sizeof(err->file), "%s", name);
	}
	return rc;
}

static void user_schema_release(struct user_schema *us)
{
	q_schema_free(us->owned);
	json_decref(us->doc);
	q_buf_release(&us->text);
}

/* The document's own rules, which no schema can state. */
static int consistent(json_t *value, const char *name, long line)
{
	struct q_doc doc;
	struct q_error err;
	q_doc_init(&doc);
	q_error_init(&err);
	int rc = q_ir_from_json(value, &doc, name, &err);
	if (rc) {
		err.line = line;
		q_error_print(&err, stderr);
	}
	q_doc_release(&doc);
	return rc == 0;
}

static long count_lines(const char *s, size_t from, size_t to, long line)
{
	for (const char *p = s + from; (p = memchr(p, '\n', (size_t)(s + to - p))); p++)
		line++;
	return line;
}

static void print_problems(const char *dir, const struct q_table_problems *problems)
{
	for (size_t i = 0; i < problems->count; i++) {
		const struct q_table_problem *p = &problems->items[i];
		fprintf(stderr, "quarry: ");
		if (dir)
			fprintf(stderr, "%s/", dir);
		fprintf(stderr, "%s", p->file);
		if (p->line)
			fprintf(stderr, ":%ld", p->line);
		if (p->column)
			fprintf(stderr, ": column '%s'", p->column);
		fprintf(stderr, ": %s\n", p->message);
	}
	if (problems->truncated)
		fprintf(stderr, "quarry: %s: more problems were left out\n", dir ? dir : problems->items[0].file);
}

/* The Table Schema for a CSV file: the user's, the one of the data
 * package resource of the same file name, or quarry's table of that name
 * ("sentences.csv").  A new reference, or NULL with err set. */
static json_t *table_schema_for(const char *path, const struct user_schema *us,
				struct q_error *err)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (us->kind == S_TABLE)
		return json_incref(us->doc);
	if (us->kind == S_PACKAGE) {
		size_t i;
		json_t *res;
		json_array_foreach(json_object_get(us->doc, "resources"), i, res) {
			const char *rp = json_string_value(json_object_get(res, "path"));
			const char *rbase = rp && strrchr(rp, '/') ? strrchr(rp, '/') + 1 : rp;
			json_t *schema = json_object_get(res, "schema");
			if (rbase && strcmp(rbase, base) == 0 && json_is_object(schema))
				return json_incref(schema);
		}
		q_error_msg(err, Q_EUSAGE, path, "no resource of %s has this file name and an inline schema",
			    us->name);
		return NULL;
	}
	char name[256];
	size_t n = strlen(base);
	snprintf(name, sizeof(name), "csv/%.*s.json", (int)(n > 4 ? n - 4 : n), base);
	const struct q_embedded *e = q_schema_find(name);
	if (!e) {
		q_error_msg(err, Q_EUSAGE, path,
			    "not a quarry table (documents.csv, sentences.csv, …): give --schema");
		return NULL;
	}
	json_error_t jerr;
	json_t *schema = json_loadb(e->data, e->size, 0, &jerr);
	if (!schema)
		q_error_msg(err, Q_EINTERNAL, name, "the built-in table schema does not load");
	return schema;
}

/* A table checked on its own cannot see the tables its foreign keys name:
 * those keys are left to the check of the whole package. */
static json_t *without_foreign_keys(json_t *schema)
{
	json_t *fks = json_object_get(schema, "foreignKeys");
	if (!json_is_array(fks))
		return schema;
	json_t *copy = json_copy(schema), *kept = json_array();
	size_t i;
	if (!copy || !kept) {
		/* Out of memory: check with every key rather than not at all. */
		json_decref(copy);
		json_decref(kept);
		return schema;
	}
	json_t *fk;
	json_array_foreach(fks, i, fk) {
		const char *res = json_string_value(json_object_get(json_object_get(fk, "reference"), "resource"));
		if (res && res[0] == '\0')
			json_array_append(kept, fk); /* a key into the same table */
	}
	json_object_set_new(copy, "foreignKeys", kept);
	json_decref(schema);
	return copy;
}

static int validate_csv(const char *path, const struct q_buf *raw,
			const struct user_schema *us, struct q_error *err)
{
	struct q_table_problems problems;
	json_t *schema = table_schema_for(path, us, err);
	if (!schema)
		return err->code;
	schema = without_foreign_keys(schema);
	q_table_problems_init(&problems, 0);
	int rc = q_csv_table_validate(schema, raw->data, raw->len, q_display_name(path), NULL,
				      &problems, err);
	if (!rc && problems.count) {
		print_problems(NULL, &problems);
		rc = Q_EINVALID;
	}
	q_table_problems_release(&problems);
	json_decref(schema);
	return rc;
}

static void print_xsd_problem(void *ctx, long line, const char *message)
{
	fprintf(stderr, "quarry: %s", (const char *)ctx);
	if (line > 0)
		fprintf(stderr, ":%ld", line);
	fprintf(stderr, ": %s\n", message);
}

/* Every value of a file of one of the value formats against a JSON Schema
 * (and, for quarry documents, their own consistency). */
static int validate_values(const char *path, const struct q_buf *raw,
			   const struct q_format *format, const struct q_cmdline *cl,
			   const struct user_schema *us, struct q_error *err)
{
	const char *name = q_display_name(path);
	size_t pos = 0, counted = 0;
	long line = 1;
	int invalid = 0, values = 0, rc = 0;
	unsigned flags = cl->format_assert ? Q_VALIDATE_FORMAT_ASSERT : 0;
	while (!rc) {
		json_t *value;
		/* Values are reported by the line they start on (NDJSON). */
		size_t start = pos;
		while (start < raw->len && strchr(" \t\r\n", raw->data[start]))
			start++;
		line = count_lines(raw->data, counted, start, line);
		counted = start;
		rc = format->read(raw->data, raw->len, &pos, name, &value, err);
		if (rc || !value)
			break;
		values++;
		int ok = q_cmd_report_validation(us->json, value, flags, name, line);
		if (ok && us->kind == S_QUARRY)
			ok = consistent(value, name, line);
		invalid |= !ok;
		json_decref(value);
	}
	if (!rc && values == 0)
		rc = q_error_msg(err, Q_ESYNTAX, name, "no %s value in the file", format->name);
	return rc ? rc : invalid ? Q_EINVALID : 0;
}

/* One file, by its format and the kind of schema; 0, Q_EINVALID or the
 * error (printed here). */
static int validate_file(const char *path, const struct q_cmdline *cl,
			 const struct user_schema *us, struct q_buf *raw)
{
	const char *name = q_display_name(path);
	struct q_error err;
	q_error_init(&err);
	int rc = q_read_file(path, cl->max_size ? cl->max_size : Q_MAX_INPUT_DEFAULT, raw, &err);
	const struct q_format *format = q_format_detect(path, raw->data, raw->len);
	int is_csv = strcmp(format->name, "csv") == 0;
	int is_xml = strcmp(format->name, "xml") == 0;
	if (rc) {
		/* reported below */
	} else if (us->kind == S_XSD) {
		rc = is_xml ? q_xml_validate_xsd(us->text.data, us->text.len, us->name, raw->data,
						 raw->len, name, print_xsd_problem, (void *)name, &err)
			    : q_error_msg(&err, Q_EUSAGE, name, "an XSD checks XML files; this is %s",
					  format->name);
	} else if (us->kind == S_TABLE || us->kind == S_PACKAGE || (is_csv && us->kind == S_QUARRY)) {
		rc = is_csv ? validate_csv(path, raw, us, &err)
			    : q_error_msg(&err, Q_EUSAGE, name, "a Table Schema checks CSV files; this is %s",
					  format->name);
	} else {
		rc = validate_values(path, raw, format, cl, us, &err);
	}
	if (rc && err.code)
		q_error_print(&err, stderr);
	return rc;
}

/*
 * A folder with a datapackage.json: every table against its Table Schema
 * and the foreign keys across them; a quarry table set is then read back
 * into documents, which get the same checks as any document.
 */
static int validate_package(const char *dir, const struct user_schema *us)
{
	struct q_table_problems problems;
	struct q_error err;
	q_table_problems_init(&problems, 0);
	q_error_init(&err);
	int rc = q_csv_package_validate(dir, &problems, &err);
	if (!rc && problems.count)
		print_problems(dir, &problems);
	int invalid = problems.count > 0;
	q_table_problems_release(&problems);
	if (!rc && !invalid && us->kind == S_QUARRY) {
		/* A quarry table set: its documents as documents. */
		json_t *views = json_array();
		size_t i;
		json_t *view;
		rc = views ? q_csv_tables_read(dir, views, &err)
			   : q_error_msg(&err, Q_ENOMEM, dir, "out of memory");
		json_array_foreach(views, i, view) {
			if (rc)
				break;
			int ok = q_cmd_report_validation(us->json, view, 0, dir, 0) &&
				 consistent(view, dir, 0);
			invalid |= !ok;
		}
		json_decref(views);
	}
	if (rc) {
		q_error_print(&err, stderr);
		return rc;
	}
	return invalid ? Q_EINVALID : 0;
}

static int is_package(const char *path)
{
	struct stat st;
	char desc[4096];
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	snprintf(desc, sizeof(desc), "%s/datapackage.json", path);
	return stat(desc, &st) == 0;
}

int q_cmd_validate(struct q_cmdline *cl, struct q_error *err)
{
	struct user_schema us = {.kind = S_QUARRY};
	struct q_buf raw;
	int first_rc = 0, rc;
	if (cl->nargs == 0)
		return q_error_msg(err, Q_EUSAGE, NULL,
				   "validate needs at least one FILE ('-' for standard input)");
	q_buf_init(&us.text, 0);
	if (cl->schema)
		rc = load_user_schema(cl, &us, err);
	else
		rc = (us.json = q_cmd_ir_schema(err)) ? 0 : err->code;
	if (rc) {
		user_schema_release(&us);
		return rc;
	}
	q_buf_init(&raw, 0);
	for (int i = 0; i < cl->nargs; i++) {
		rc = is_package(cl->args[i]) ? validate_package(cl->args[i], &us)
					     : validate_file(cl->args[i], cl, &us, &raw);
		if (rc && !first_rc)
			first_rc = rc;
	}
	q_buf_release(&raw);
	user_schema_release(&us);
	return first_rc;
}

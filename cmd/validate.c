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

static int load_user_schema(const struct q_cmdline *cl, struct q_schema **out,
			    struct q_error *err)
{
	struct q_buf raw;
	json_t *doc = NULL;
	size_t pos = 0;
	q_buf_init(&raw, 0);
	int rc = q_read_file(cl->schema, Q_MAX_INPUT_DEFAULT, &raw, err);
	if (!rc)
		rc = q_json_read(raw.data, raw.len, &pos, q_display_name(cl->schema), &doc, err);
	if (!rc && !doc)
		rc = q_error_msg(err, Q_ESYNTAX, q_display_name(cl->schema), "empty schema file");
	if (!rc)
		rc = q_schema_compile(doc, out, err);
	if (rc && err->file[0] == '\0')
		snprintf(err->file, sizeof(err->file), "%s", q_display_name(cl->schema));
	json_decref(doc);
	q_buf_release(&raw);
	return rc;
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

/* Validates every value in one file; returns 0, Q_EINVALID or the error. */
static int validate_file(const char *path, const struct q_cmdline *cl,
			 const struct q_schema *schema, struct q_buf *raw)
{
	const char *name = q_display_name(path);
	struct q_error err;
	size_t pos = 0, counted = 0;
	long line = 1;
	int invalid = 0, values = 0;
	unsigned flags = cl->format_assert ? Q_VALIDATE_FORMAT_ASSERT : 0;
	q_error_init(&err);
	int rc = q_read_file(path, cl->max_size ? cl->max_size : Q_MAX_INPUT_DEFAULT, raw, &err);
	const struct q_format *format = q_format_detect(path, raw->data, raw->len);
	while (!rc) {
		json_t *value;
		/* Values are reported by the line they start on (NDJSON). */
		size_t start = pos;
		while (start < raw->len && strchr(" \t\r\n", raw->data[start]))
			start++;
		line = count_lines(raw->data, counted, start, line);
		counted = start;
		rc = format->read(raw->data, raw->len, &pos, name, &value, &err);
		if (rc || !value)
			break;
		values++;
		int ok = q_cmd_report_validation(schema, value, flags, name, line);
		if (ok && !cl->schema)
			ok = consistent(value, name, line);
		invalid |= !ok;
		json_decref(value);
	}
	if (!rc && values == 0)
		rc = q_error_msg(&err, Q_ESYNTAX, name, "no %s value in the file", format->name);
	if (rc) {
		q_error_print(&err, stderr);
		return rc;
	}
	return invalid ? Q_EINVALID : 0;
}

/*
 * A folder with a datapackage.json: every table against its Table Schema
 * and the foreign keys across them; a quarry table set is then read back
 * into documents, which get the same checks as any document.
 */
static int validate_package(const char *dir, const struct q_cmdline *cl,
			    const struct q_schema *schema)
{
	struct q_table_problems problems;
	struct q_error err;
	q_table_problems_init(&problems, 0);
	q_error_init(&err);
	int rc = q_csv_package_validate(dir, &problems, &err);
	for (size_t i = 0; !rc && i < problems.count; i++) {
		const struct q_table_problem *p = &problems.items[i];
		fprintf(stderr, "quarry: %s/%s", dir, p->file);
		if (p->line)
			fprintf(stderr, ":%ld", p->line);
		if (p->column)
			fprintf(stderr, ": column '%s'", p->column);
		fprintf(stderr, ": %s\n", p->message);
	}
	if (!rc && problems.truncated)
		fprintf(stderr, "quarry: %s: more problems were left out\n", dir);
	int invalid = problems.count > 0;
	q_table_problems_release(&problems);
	if (!rc && !invalid && !cl->schema) {
		/* A quarry table set: its documents as documents. */
		json_t *views = json_array();
		size_t i;
		json_t *view;
		rc = views ? q_csv_tables_read(dir, views, &err)
			   : q_error_msg(&err, Q_ENOMEM, dir, "out of memory");
		json_array_foreach(views, i, view) {
			if (rc)
				break;
			int ok = q_cmd_report_validation(schema, view, 0, dir, 0) &&
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
	struct q_schema *user = NULL;
	const struct q_schema *schema;
	struct q_buf raw;
	int first_rc = 0;
	if (cl->nargs == 0)
		return q_error_msg(err, Q_EUSAGE, NULL,
				   "validate needs at least one FILE ('-' for standard input)");
	if (cl->schema) {
		int rc = load_user_schema(cl, &user, err);
		if (rc)
			return rc;
		schema = user;
	} else if (!(schema = q_cmd_ir_schema(err))) {
		return err->code;
	}
	q_buf_init(&raw, 0);
	for (int i = 0; i < cl->nargs; i++) {
		int rc = is_package(cl->args[i]) ? validate_package(cl->args[i], cl, schema)
						 : validate_file(cl->args[i], cl, schema, &raw);
		if (rc && !first_rc)
			first_rc = rc;
	}
	q_buf_release(&raw);
	q_schema_free(user);
	return first_rc;
}

/*
 * convert.c — `quarry convert [--from F] --to F [IN|-] [-o OUT]`.
 *
 * A quarry document goes through the IR, so it is checked (schema and
 * consistency) and comes out exactly as extract would have written it.
 * Anything else goes through the generic tree, value by value.
 */
#include "cmd/cmd.h"
#include "converters/converters.h"
#include "extract/extract.h"
#include "validate/validate.h"

#include <string.h>
#include <sys/stat.h>

/* An input document: checked, read into the IR, and its view rebuilt. */
static int convert_document(json_t *value, const char *name, struct q_output *out,
			    struct q_error *err)
{
	const struct q_schema *schema = q_cmd_ir_schema(err);
	struct q_doc doc;
	json_t *view = NULL;
	int rc;
	if (!schema)
		return err->code;
	if (!q_cmd_report_validation(schema, value, 0, name, 0))
		return q_error_msg(err, Q_EINVALID, name, "not a valid quarry document");
	q_doc_init(&doc);
	rc = q_ir_from_json(value, &doc, name, err);
	if (!rc && !(view = q_ir_to_json(&doc)))
		rc = q_error_msg(err, Q_ENOMEM, name, "out of memory");
	if (!rc)
		rc = q_output_value(out, view, name, err);
	json_decref(view);
	q_doc_release(&doc);
	return rc;
}

static int convert_value(json_t *value, const char *name, struct q_output *out,
			 struct q_error *err)
{
	if (q_ir_is_view(value))
		return convert_document(value, name, out, err);
	return q_output_value(out, value, name, err);
}

/* A folder is a CSV table set. */
static int convert_tables(const char *dir, struct q_output *out, struct q_error *err)
{
	json_t *views = json_array();
	size_t i;
	json_t *view;
	int rc = views ? q_csv_tables_read(dir, views, err)
		       : q_error_msg(err, Q_ENOMEM, dir, "out of memory");
	json_array_foreach(views, i, view) {
		if (rc)
			break;
		rc = convert_value(view, dir, out, err);
	}
	json_decref(views);
	return rc;
}

/* Whether the first value (or first element) is a quarry document. */
static int holds_documents(const char *data, size_t len, const char *name)
{
	struct q_json_items items;
	struct q_error err;
	json_t *first = NULL;
	size_t pos = 0;
	q_error_init(&err);
	if (q_json_items_open(&items, data, len, name))
		q_json_items_next(&items, &first, &err);
	else
		q_json_read(data, len, &pos, name, &first, &err);
	int doc = q_ir_is_view(first);
	json_decref(first);
	/* Unreadable input takes the ordinary path, which reports it. */
	return doc || err.code;
}

/* A CSV table streams record by record into a top-level array. */
static int convert_csv(const char *data, size_t len, const char *name,
		       struct q_output *out, struct q_error *err)
{
	struct q_csv_reader *r = q_csv_reader_new(data, len, name);
	json_t *rec = NULL;
	if (!r)
		return q_error_msg(err, Q_ENOMEM, name, "out of memory");
	int rc = q_csv_reader_next(r, &rec, err);
	/* Nothing but blanks: no value, as from an empty JSON stream. */
	if (!rc && (rec || q_csv_reader_columns(r) > 0))
		rc = q_output_array_begin(out, err);
	else {
		q_csv_reader_free(r);
		return rc;
	}
	while (!rc && rec) {
		rc = convert_value(rec, name, out, err);
		json_decref(rec);
		rec = NULL;
		if (!rc)
			rc = q_csv_reader_next(r, &rec, err);
	}
	json_decref(rec);
	if (!rc)
		rc = q_output_array_end(out, err);
	q_csv_reader_free(r);
	return rc;
}

static int convert_file(const struct q_cmdline *cl, const char *path, struct q_output *out,
			struct q_error *err)
{
	const char *name = q_display_name(path);
	struct q_buf raw;
	size_t pos = 0;
	int rc;
	q_buf_init(&raw, 0);
	/* Data files run larger than articles: convert reads up to the hard limit. */
	rc = q_read_file(path, cl->max_size ? cl->max_size : Q_MAX_INPUT_LIMIT, &raw, err);
	const struct q_format *from = cl->from ? q_format_find(cl->from)
					       : q_format_detect(path, raw.data, raw.len);
	struct q_json_items items;
	if (!rc && (strcmp(from->name, "json") == 0 || strcmp(from->name, "ndjson") == 0) &&
	    cl->format && strcmp(cl->format, "csv") == 0 && !holds_documents(raw.data, raw.len, name)) {
		/* Data records to one CSV table, a record at a time. */
		rc = q_output_csv_from_json(out, raw.data, raw.len, name, err);
		q_buf_release(&raw);
		return rc;
	}
	if (!rc && strcmp(from->name, "csv") == 0) {
		/* Data records go straight to JSON text, documents by the tree. */
		int declined;
		rc = q_output_csv_records(out, raw.data, raw.len, name, &declined, err);
		if (!rc && declined)
			rc = convert_csv(raw.data, raw.len, name, out, err);
		q_buf_release(&raw);
		return rc;
	}
	if (!rc && strcmp(from->name, "json") == 0 &&
	    q_json_items_open(&items, raw.data, raw.len, name)) {
		/* A top-level array streams element by element. */
		rc = q_output_array_begin(out, err);
		while (!rc) {
			json_t *item = NULL;
			rc = q_json_items_next(&items, &item, err);
			if (rc || !item)
				break;
			rc = convert_value(item, name, out, err);
			json_decref(item);
		}
		if (!rc)
			rc = q_output_array_end(out, err);
		q_buf_release(&raw);
		return rc;
	}
	struct q_xml_items *xml_items;
	if (!rc && strcmp(from->name, "xml") == 0 &&
	    strcmp(q_format_find(cl->format)->name, "json") == 0 &&
	    q_xml_items_open(&xml_items, raw.data, raw.len, name)) {
		/* A json-to-xml array streams element by element into JSON,
		 * which writes it exactly as the whole array. */
		rc = q_output_array_begin(out, err);
		while (!rc) {
			json_t *item = NULL;
			rc = q_xml_items_next(xml_items, &item, err);
			if (rc || !item)
				break;
			rc = q_output_item(out, item, name, err);
			json_decref(item);
		}
		if (!rc)
			rc = q_output_array_end(out, err);
		q_xml_items_close(xml_items);
		q_buf_release(&raw);
		return rc;
	}
	while (!rc) {
		json_t *value = NULL;
		rc = from->read(raw.data, raw.len, &pos, name, &value, err);
		if (rc || !value)
			break;
		rc = convert_value(value, name, out, err);
		json_decref(value);
	}
	q_buf_release(&raw);
	return rc;
}

int q_cmd_convert(struct q_cmdline *cl, struct q_error *err)
{
	struct q_output *out = NULL;
	struct stat st;
	int rc;
	if (!cl->format)
		return q_error_msg(err, Q_EUSAGE, NULL,
				   "convert needs --to FORMAT (see 'quarry convert --help')");
	if (cl->nargs > 1)
		return q_error_msg(err, Q_EUSAGE, NULL,
				   "convert takes one input (see 'quarry convert --help')");
	const char *path = cl->nargs ? cl->args[0] : "-";
	if ((rc = q_output_open(&out, cl, err))) {
		q_output_close(out, 0, NULL);
		return rc;
	}
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	    (!cl->from || strcmp(cl->from, "csv") == 0))
		rc = convert_tables(path, out, err);
	else
		rc = convert_file(cl, path, out, err);
	if (rc) {
		q_output_close(out, 0, NULL);
		return rc;
	}
	return q_output_close(out, 1, err);
}

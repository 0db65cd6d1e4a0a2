/*
 * output.c — the one place extract and convert write what they produce.
 *
 * Single-file formats stream value by value into an atomic sink (a
 * temporary file renamed at the end, or stdout).  XML holds one value per
 * file.  CSV gathers: documents go into the relational table set, data
 * records into one table, written when the output closes.
 */
#include "cmd/cmd.h"
#include "converters/converters.h"
#include "validate/validate.h"

#include <stdlib.h>
#include <string.h>

struct q_output {
	const struct q_cmdline *cl;
	const struct q_format *format;
	struct q_emit_opts opts;
	const struct q_schema *schema; /* NULL with --no-validate */
	struct q_atomic sink;
	int sink_open;
	struct q_buf buf;
	size_t values;
	int is_csv, is_xml;
	struct q_csv_tables *tables; /* CSV: documents */
	json_t *records;	     /* CSV: data */
	struct q_array_writer *array; /* between array_begin and array_end */
	int in_array;
};

int q_output_open(struct q_output **outp, const struct q_cmdline *cl,
		  struct q_error *err)
{
	struct q_output *o = calloc(1, sizeof(*o));
	if (!o)
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	o->cl = cl;
	o->format = q_format_find(cl->format ? cl->format : "json");
	o->opts.compact = cl->compact;
	o->opts.profile = (enum q_csv_profile)cl->profile;
	o->is_csv = strcmp(o->format->name, "csv") == 0;
	o->is_xml = strcmp(o->format->name, "xml") == 0;
	q_buf_init(&o->buf, 0);
	*outp = o;
	if (!cl->no_validate && !(o->schema = q_cmd_ir_schema(err)))
		return err->code;
	/* A table set is a folder, written when the output closes. */
	if (o->is_csv && !cl->table)
		return 0;
	int rc = q_atomic_open(&o->sink, cl->output ? cl->output : "-", err);
	o->sink_open = rc == 0;
	return rc;
}

static int flush(struct q_output *o, struct q_error *err)
{
	int rc = q_atomic_write(&o->sink, o->buf.data, o->buf.len, err);
	q_buf_reset(&o->buf);
	return rc;
}

/* Elements of a stream are written in batches, not a system call each. */
#define FLUSH_AT ((size_t)64 << 10)

static int flush_if_full(struct q_output *o, struct q_error *err)
{
	return o->buf.len >= FLUSH_AT ? flush(o, err) : 0;
}

static int add_csv(struct q_output *o, json_t *value, int document,
		   struct q_error *err)
{
	if (document) {
		if (!o->tables && !(o->tables = q_csv_tables_new(o->opts.profile)))
			return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
		return q_csv_tables_add(o->tables, value, err);
	}
	if (!o->records && !(o->records = json_array()))
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	/* Records arrive one by one (NDJSON) or as one array. */
	int rc = json_is_array(value) ? json_array_extend(o->records, value)
				      : json_array_append(o->records, value);
	return rc ? q_error_msg(err, Q_ENOMEM, NULL, "out of memory") : 0;
}

int q_output_keeps(const struct q_output *o)
{
	return o->is_csv || (o->in_array && q_array_writer_gathers(o->array));
}

int q_output_value(struct q_output *o, json_t *value, const char *file,
		   struct q_error *err)
{
	int document = q_ir_is_view(value);
	if (document && o->schema && !q_cmd_report_validation(o->schema, value, 0, file, 0))
		return q_error_msg(err, Q_EINTERNAL, file,
				   "the document does not match the quarry schema "
				   "(a bug in quarry; --no-validate writes it anyway)");
	o->opts.file = file;
	if (o->in_array && !o->is_csv) {
		int rc = q_array_writer_item(o->array, value, err);
		return rc ? rc : flush_if_full(o, err);
	}
	if (o->is_xml && o->values > 0)
		return q_error_msg(err, Q_EUSAGE, file,
				   "an XML file holds one value: write several with "
				   "--to ndjson or --to yaml, or one file each");
	o->values++;
	if (o->is_csv)
		return add_csv(o, value, document, err);
	int rc = o->format->emit(value, &o->opts, &o->buf, err);
	return rc ? rc : flush_if_full(o, err);
}

int q_output_item(struct q_output *o, json_t *value, const char *file, struct q_error *err)
{
	o->opts.file = file;
	if (o->is_csv)
		return add_csv(o, value, 0, err);
	int rc = q_array_writer_item(o->array, value, err);
	return rc ? rc : flush_if_full(o, err);
}

int q_output_array_begin(struct q_output *o, struct q_error *err)
{
	o->in_array = 1;
	o->values++;
	if (o->is_csv)
		return 0; /* records gather in add_csv */
	if (o->is_xml && o->values > 1)
		return q_error_msg(err, Q_EUSAGE, NULL, "an XML file holds one value");
	int rc = q_array_writer_open(&o->array, o->format, &o->opts, &o->buf, err);
	return rc ? rc : flush(o, err);
}

int q_output_array_end(struct q_output *o, struct q_error *err)
{
	int rc = 0;
	if (o->is_csv) {
		/* An empty array still makes an (empty) table. */
		if (!o->records && !o->tables && !(o->records = json_array()))
			rc = q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	} else {
		rc = q_array_writer_close(o->array, 1, err);
		o->array = NULL;
		if (!rc)
			rc = flush(o, err);
	}
	o->in_array = 0;
	return rc;
}

/* The converters' flush: writes buf (o->buf, or a buffer of their own). */
static int flush_csv(void *ctx, struct q_buf *buf, struct q_error *err)
{
	struct q_output *o = ctx;
	int rc = buf->len ? q_atomic_write(&o->sink, buf->data, buf->len, err) : 0;
	q_buf_reset(buf);
	return rc;
}

int q_output_csv_from_json(struct q_output *o, const char *data, size_t len,
			   const char *file, struct q_error *err)
{
	if (o->tables || o->records || o->values)
		return q_error_msg(err, Q_EUSAGE, file,
				   "one CSV table holds the records of one input");
	if (!o->sink_open) {
		int rc = q_atomic_open(&o->sink, o->cl->output ? o->cl->output : "-", err);
		if (rc)
			return rc;
		o->sink_open = 1;
	}
	if (o->cl->table)
		q_warn(file, "--table applies to quarry documents only; ignored");
	o->opts.file = file;
	o->values++;
	int rc = q_csv_from_json(data, len, &o->opts, &o->buf, flush_csv, o, err);
	return rc ? rc : flush(o, err);
}

int q_output_csv_records(struct q_output *o, const char *data, size_t len,
			 const char *file, int *declined, struct q_error *err)
{
	int ndjson = strcmp(o->format->name, "ndjson") == 0;
	*declined = 1;
	if (o->values || (!ndjson && strcmp(o->format->name, "json") != 0))
		return 0;
	o->opts.file = file;
	int rc = q_csv_to_json(data, len, &o->opts, ndjson, &o->buf, flush_csv, o, declined,
			       err);
	if (!*declined)
		o->values++;
	return rc ? rc : flush(o, err);
}

static int close_csv(struct q_output *o, struct q_error *err)
{
	const char *dir = o->cl->output;
	if (o->tables && o->records)
		return q_error_msg(err, Q_EUSAGE, NULL,
				   "quarry documents and other data cannot share one CSV output");
	if (o->records) {
		if (o->cl->table)
			q_warn(o->opts.file, "--table applies to quarry documents only; ignored");
		if (!o->sink_open) {
			int rc = q_atomic_open(&o->sink, dir ? dir : "-", err);
			if (rc)
				return rc;
			o->sink_open = 1;
		}
		int rc = q_csv_emit(o->records, &o->opts, &o->buf, err);
		return rc ? rc : flush(o, err);
	}
	if (!o->tables)
		return 0;
	if (o->cl->table) {
		int rc = q_csv_tables_table(o->tables, o->cl->table, &o->buf, err);
		return rc ? rc : flush(o, err);
	}
	if (!dir || strcmp(dir, "-") == 0)
		return q_error_msg(err, Q_EUSAGE, NULL,
				   "CSV output of quarry documents is a folder of tables: "
				   "give -o DIR, or --table NAME for one table on stdout");
	return q_csv_tables_write(o->tables, dir, err);
}

int q_output_close(struct q_output *o, int commit, struct q_error *err)
{
	int rc = 0;
	if (!o)
		return 0;
	if (commit && o->is_csv)
		rc = close_csv(o, err);
	if (o->sink_open) {
		if (commit && !rc && o->buf.len)
			rc = flush(o, err);
		if (commit && !rc)
			rc = q_atomic_commit(&o->sink, err);
		else
			q_atomic_abort(&o->sink);
	}
	q_array_writer_close(o->array, 0, NULL);
	q_csv_tables_free(o->tables);
	json_decref(o->records);
	q_buf_release(&o->buf);
	free(o);
	return rc;
}

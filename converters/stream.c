/*
 * stream.c — a top-level array written element by element.
 *
 * JSON, NDJSON and YAML write each element as it comes, so converting a
 * large array of records needs memory for one record.  XML and CSV need
 * the whole array (XML's one root, CSV's header made of every record's
 * keys), so for them the elements are gathered and written at the end.
 */
#include "converters/converters.h"

#include <stdlib.h>
#include <string.h>

enum mode { M_JSON, M_NDJSON, M_YAML, M_GATHER };

struct q_array_writer {
	enum mode mode;
	const struct q_format *format;
	struct q_emit_opts opts;
	struct q_buf *out;
	size_t count;
	struct q_yaml_seq *yaml;
	json_t *gathered;
};

int q_array_writer_open(struct q_array_writer **wp, const struct q_format *format,
			const struct q_emit_opts *opts, struct q_buf *out,
			struct q_error *err)
{
	struct q_array_writer *w = calloc(1, sizeof(*w));
	*wp = w;
	if (!w)
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	w->format = format;
	w->opts = *opts;
	w->out = out;
	if (strcmp(format->name, "json") == 0) {
		w->mode = M_JSON;
		return q_buf_putc(out, '[') ? q_error_msg(err, Q_ENOMEM, NULL, "out of memory") : 0;
	}
	if (strcmp(format->name, "ndjson") == 0) {
		w->mode = M_NDJSON;
		return 0;
	}
	if (strcmp(format->name, "yaml") == 0) {
		w->mode = M_YAML;
		return q_yaml_seq_open(&w->yaml, out, err);
	}
	w->mode = M_GATHER;
	w->gathered = json_array();
	return w->gathered ? 0 : q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
}

int q_array_writer_gathers(const struct q_array_writer *w)
{
	return w->mode == M_GATHER;
}

int q_array_writer_item(struct q_array_writer *w, json_t *item, struct q_error *err)
{
	size_t index = w->count++;
	switch (w->mode) {
	case M_JSON:
		return q_json_emit_element(item, &w->opts, index, w->out, err);
	case M_NDJSON:
		return q_ndjson_emit(item, &w->opts, w->out, err);
	case M_YAML:
		return q_yaml_seq_item(w->yaml, item);
	case M_GATHER:
		break;
	}
	return json_array_append(w->gathered, item) ? q_error_msg(err, Q_ENOMEM, NULL, "out of memory")
						    : 0;
}

int q_array_writer_close(struct q_array_writer *w, int commit, struct q_error *err)
{
	int rc = 0;
	if (!w)
		return 0;
	if (commit) {
		switch (w->mode) {
		case M_JSON:
			if (w->count && !w->opts.compact)
				q_buf_putc(w->out, '\n');
			if (q_buf_append(w->out, "]\n", 2))
				rc = q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
			break;
		case M_NDJSON:
			break;
		case M_YAML:
			rc = q_yaml_seq_close(w->yaml);
			w->yaml = NULL;
			break;
		case M_GATHER:
			rc = w->format->emit(w->gathered, &w->opts, w->out, err);
			break;
		}
	}
	q_yaml_seq_close(w->yaml);
	json_decref(w->gathered);
	free(w);
	return rc;
}

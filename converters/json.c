/*
 * json.c — JSON and NDJSON through jansson.
 *
 * Output: keys in the view's order, UTF-8 as is (not \u-escaped), reals
 * with 15 significant digits so that a value read back prints the same.
 * Input: duplicate keys are an error (jansson would keep the last one
 * silently otherwise), and so is nesting deeper than Q_MAX_DEPTH.
 */
#include "converters/converters.h"

#include <string.h>

static int to_buf(const char *chunk, size_t size, void *data)
{
	return q_buf_append(data, chunk, size) ? -1 : 0;
}

static int dump(json_t *view, size_t flags, struct q_buf *out,
		struct q_error *err)
{
	if (json_dump_callback(view, to_buf, out, flags | JSON_REAL_PRECISION(15)) != 0 ||
	    q_buf_putc(out, '\n'))
		return q_error_msg(err, out->failed ? out->failed : Q_ENOMEM, NULL,
				   out->failed == Q_ETOOBIG ? "output exceeds the size limit"
							    : "out of memory");
	return 0;
}

int q_json_emit(json_t *view, const struct q_emit_opts *opts,
		struct q_buf *out, struct q_error *err)
{
	int compact = opts && opts->compact;
	return dump(view, compact ? JSON_COMPACT : JSON_INDENT(2), out, err);
}

int q_ndjson_emit(json_t *view, const struct q_emit_opts *opts,
		  struct q_buf *out, struct q_error *err)
{
	(void)opts;
	return dump(view, JSON_COMPACT, out, err);
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Depth of the deepest container, with an early stop past the limit. */
static int too_deep(json_t *v, int depth)
{
	if (depth > Q_MAX_DEPTH)
		return 1;
	if (json_is_object(v)) {
		const char *k;
		json_t *child;
		json_object_foreach(v, k, child) if (too_deep(child, depth + 1)) return 1;
	} else if (json_is_array(v)) {
		size_t i;
		json_t *child;
		json_array_foreach(v, i, child) if (too_deep(child, depth + 1)) return 1;
	}
	return 0;
}

/* Line and column (1-based, in characters) of byte `at` of data. */
static void locate(const char *data, size_t at, long *line, long *col)
{
	long l = 1, c = 1;
	for (size_t i = 0; i < at; i++) {
		if (data[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)data[i] & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

int q_json_read(const char *data, size_t len, size_t *pos, const char *file,
		json_t **value, struct q_error *err)
{
	size_t p = *pos;
	json_error_t jerr;
	*value = NULL;
	while (p < len && is_ws(data[p]))
		p++;
	*pos = p;
	if (p == len)
		return 0;
	json_t *v = json_loadb(data + p, len - p,
			       JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK |
				       JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (!v) {
		long line, col;
		size_t at = p + (size_t)(jerr.position > 0 ? jerr.position : 0);
		if (at > len)
			at = len;
		locate(data, at, &line, &col);
		return q_error_set(err, Q_ESYNTAX, file, line, col, (long long)at,
				   "invalid JSON: %s", jerr.text);
	}
	p += (size_t)jerr.position;
	if (too_deep(v, 1)) {
		json_decref(v);
		return q_error_set(err, Q_EDATA, file, 0, 0, (long long)*pos,
				   "JSON nested deeper than %d levels", Q_MAX_DEPTH);
	}
	/* Values in a stream are separated by whitespace (NDJSON: newlines). */
	if (p < len && !is_ws(data[p])) {
		long line, col;
		json_decref(v);
		locate(data, p, &line, &col);
		return q_error_set(err, Q_ESYNTAX, file, line, col, (long long)p,
				   "invalid JSON: unexpected '%c' after a complete value",
				   data[p]);
	}
	while (p < len && is_ws(data[p]))
		p++;
	*pos = p;
	*value = v;
	return 0;
}

const struct q_format q_formats[] = {
	{"json", q_json_emit, q_json_read},
	{"ndjson", q_ndjson_emit, q_json_read},
	{NULL, NULL, NULL},
};

const struct q_format *q_format_find(const char *name)
{
	for (const struct q_format *f = q_formats; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

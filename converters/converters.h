/*
 * converters.h — one module per format, all behind one small table.
 *
 * Each format writes the JSON view of a document (or of any data) into a
 * buffer and reads its own text back into a document.  Library quirks —
 * jansson's flags, libyaml's 1-for-success, libxml2's -1 — stay inside
 * the module; everything above sees 0 or a Q_E… code and a q_error.
 */
#ifndef Q_CONVERTERS_H
#define Q_CONVERTERS_H

#include <jansson.h>

#include "ir/ir.h"
#include "util/util.h"

/* Documents nested deeper than this are refused by every reader. */
#define Q_MAX_DEPTH 512

struct q_emit_opts {
	int compact; /* JSON: one line instead of indented */
};

struct q_format {
	const char *name;
	/* Appends the text of one value (a document's JSON view) to out. */
	int (*emit)(json_t *view, const struct q_emit_opts *opts,
		    struct q_buf *out, struct q_error *err);
	/*
	 * Parses the next value of data[*pos..len) into *value (a new
	 * reference) and advances *pos past it and any whitespace after;
	 * sets *value to NULL when only whitespace remains.  Streams such as
	 * NDJSON hold several values; a plain JSON file holds one.
	 */
	int (*read)(const char *data, size_t len, size_t *pos, const char *file,
		    json_t **value, struct q_error *err);
};

/* NULL-terminated table of the formats quarry speaks. */
extern const struct q_format q_formats[];
const struct q_format *q_format_find(const char *name);

/* JSON (jansson): pretty (2-space indent) or compact, one value per call. */
int q_json_emit(json_t *view, const struct q_emit_opts *opts,
		struct q_buf *out, struct q_error *err);
int q_json_read(const char *data, size_t len, size_t *pos, const char *file,
		json_t **value, struct q_error *err);
/* NDJSON: each value compact on its own line. */
int q_ndjson_emit(json_t *view, const struct q_emit_opts *opts,
		  struct q_buf *out, struct q_error *err);

#endif

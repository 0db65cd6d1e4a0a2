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

/* CSV dialects for the loaders that read quarry's tables (see csv.c). */
enum q_csv_profile {
	Q_CSV_RFC4180, /* the default */
	Q_CSV_POSTGRES,
	Q_CSV_BIGQUERY,
	Q_CSV_SNOWFLAKE,
	Q_CSV_DUCKDB,
	Q_CSV_PROFILE_COUNT
};

extern const char *const q_csv_profile_names[Q_CSV_PROFILE_COUNT];

struct q_emit_opts {
	int compact;		    /* JSON: one line instead of indented */
	enum q_csv_profile profile; /* CSV */
	const char *file;	    /* the input's name, for warnings */
};

/*
 * Every format reads and writes values of the generic tree (json_t).  A
 * quarry document travels as its JSON view (an object whose "schema" is
 * "quarry/1", see q_ir_is_view); a format with a vocabulary of its own for
 * documents (XML) switches to it when handed one, and its reader gives the
 * view back.  Everything else is arbitrary data, mapped as README says.
 */
struct q_format {
	const char *name;
	const char *extensions; /* ".json .geojson": what detection looks for */
	/* Appends the text of one value to out; warns on stderr (naming
	 * opts->file) for each value the format cannot carry. */
	int (*emit)(json_t *value, const struct q_emit_opts *opts,
		    struct q_buf *out, struct q_error *err);
	/*
	 * Parses the next value of data[*pos..len) into *value (a new
	 * reference) and advances *pos past it; sets *value to NULL when
	 * nothing but whitespace remains.  Streams (NDJSON, YAML with several
	 * documents) hold several values; other files hold one.
	 */
	int (*read)(const char *data, size_t len, size_t *pos, const char *file,
		    json_t **value, struct q_error *err);
};

/* NULL-terminated table of the formats quarry speaks. */
extern const struct q_format q_formats[];
const struct q_format *q_format_find(const char *name);
/*
 * The format of a file: by its extension, else by its first bytes ('<' is
 * XML, '{' or '[' JSON, several lines of '{' NDJSON, otherwise YAML).
 */
const struct q_format *q_format_detect(const char *path, const char *data,
				       size_t len);

/*
 * A top-level array written one element at a time (stream.c): JSON,
 * NDJSON (one line per element) and YAML stream; XML and CSV gather the
 * elements and write them when the writer closes.  Each call appends to
 * out, which the caller may flush after every element.
 */
struct q_array_writer;
int q_array_writer_open(struct q_array_writer **w, const struct q_format *format,
			const struct q_emit_opts *opts, struct q_buf *out,
			struct q_error *err);
int q_array_writer_item(struct q_array_writer *w, json_t *item, struct q_error *err);
/* Writes the end (when commit) and frees the writer. */
int q_array_writer_close(struct q_array_writer *w, int commit, struct q_error *err);

/* True when the writer keeps the elements until it closes (XML, CSV). */
int q_array_writer_gathers(const struct q_array_writer *w);

/*
 * An arena for jansson's allocations (json_arena.c).  Between begin and
 * end, what jansson allocates on the calling thread comes from the arena
 * (what does not fit, from the allocator as usual); every value made in
 * it must be freed before the next reset or the end, which take it all
 * back at once.  q_json_arena_hooks puts the allocation hooks in: call it
 * before any thread that may use an arena starts.
 */
#define Q_JSON_ARENA_BYTES ((size_t)256 << 10)
struct q_json_arena {
	char *base, *cur, *end;
};
void q_json_arena_hooks(void);
void q_json_arena_begin(struct q_json_arena *a);
/* Every allocation since the begin or the last reset has been freed. */
void q_json_arena_reset(struct q_json_arena *a);
void q_json_arena_end(struct q_json_arena *a);
void q_json_arena_release(struct q_json_arena *a);

/* ---- JSON and NDJSON (json.c, jansson) ---------------------------------- */

int q_json_emit(json_t *value, const struct q_emit_opts *opts,
		struct q_buf *out, struct q_error *err);
int q_json_read(const char *data, size_t len, size_t *pos, const char *file,
		json_t **value, struct q_error *err);
/*
 * The elements of a top-level JSON array one at a time, so that a large
 * array of records converts in memory for one record, not for all.
 * q_json_items_open returns 1 when data holds an array (0: read it with
 * q_json_read); q_json_items_next gives each element, then NULL.
 */
struct q_json_items {
	const char *data;
	size_t len, pos, count;
	const char *file;
	int done;
};
int q_json_items_open(struct q_json_items *it, const char *data, size_t len,
		      const char *file);
int q_json_items_next(struct q_json_items *it, json_t **item, struct q_error *err);

/* One element of an array being written: ",", the line break and indent
 * (when pretty), the value at the nesting of an element. */
int q_json_emit_element(json_t *value, const struct q_emit_opts *opts, size_t index,
			struct q_buf *out, struct q_error *err);

/* A string as the JSON writer writes it: quoted, UTF-8 as is, controls,
 * '"' and '\\' escaped. */
void q_json_put_string(struct q_buf *out, const char *s, size_t len);

/* NDJSON: each value compact on its own line. */
int q_ndjson_emit(json_t *value, const struct q_emit_opts *opts,
		  struct q_buf *out, struct q_error *err);

/* ---- YAML (yaml.c, libyaml) ---------------------------------------------- */

/* Anchors and aliases may not expand a document past this many nodes. */
#define Q_YAML_MAX_NODES 1000000

/* Block style, one "---" document per value; strings a YAML 1.1 or 1.2
 * reader would take for anything else are quoted. */
int q_yaml_emit(json_t *value, const struct q_emit_opts *opts,
		struct q_buf *out, struct q_error *err);
/* A YAML document that is one long sequence, written item by item: each
 * item's text reaches out when q_yaml_seq_item returns. */
struct q_yaml_seq;
int q_yaml_seq_open(struct q_yaml_seq **seq, struct q_buf *out, struct q_error *err);
int q_yaml_seq_item(struct q_yaml_seq *seq, json_t *value);
/* Ends the sequence when all went well, and frees it. */
int q_yaml_seq_close(struct q_yaml_seq *seq);

/* One YAML document per call; plain scalars resolved by the YAML 1.2 core
 * schema; duplicate keys, excessive aliasing and nesting are errors. */
int q_yaml_read(const char *data, size_t len, size_t *pos, const char *file,
		json_t **value, struct q_error *err);

/* ---- XML (xml.c, libxml2) ------------------------------------------------ */

#define Q_XML_NAMESPACE "urn:quarry:1"
/* The W3C XPath 3.1 json-to-xml vocabulary, for arbitrary JSON data. */
#define Q_XML_FN_NAMESPACE "http://www.w3.org/2005/xpath-functions"

/* A document view in the quarry vocabulary (checked against
 * schemas/quarry.xsd); any other value as README's mapping says. */
int q_xml_emit(json_t *value, const struct q_emit_opts *opts,
	       struct q_buf *out, struct q_error *err);
/* The quarry vocabulary gives a document view back; the json-to-xml
 * vocabulary its JSON value; any other XML its JsonML form.  No network,
 * no external entities, no DTD loading, limited depth and size. */
int q_xml_read(const char *data, size_t len, size_t *pos, const char *file,
	       json_t **value, struct q_error *err);
/*
 * The elements of a json-to-xml <array> root one at a time, so that a large
 * array of records converts in memory for one record: the same values as
 * q_xml_read's array, and on an error the error q_xml_read gives for the
 * whole input.  q_xml_items_open returns 1 when data is such a document
 * and can stream (0: read it with q_xml_read); q_xml_items_next gives each
 * element, then NULL; q_xml_items_close frees.
 */
struct q_xml_items;
int q_xml_items_open(struct q_xml_items **it, const char *data, size_t len, const char *file);
int q_xml_items_next(struct q_xml_items *it, json_t **item, struct q_error *err);
void q_xml_items_close(struct q_xml_items *it);

/*
 * Checks an XML text against a user's XSD (the XSD's own includes and
 * imports are not fetched): every problem goes to report with its line.
 * Returns 0 when valid, Q_EINVALID when problems were reported, or the
 * error that stopped the check (an unusable XSD, XML that does not parse).
 */
int q_xml_validate_xsd(const char *xsd, size_t xsd_len, const char *xsd_name,
		       const char *data, size_t len, const char *file,
		       void (*report)(void *ctx, long line, const char *message),
		       void *ctx, struct q_error *err);

/* ---- CSV (csv.c, libcsv) ------------------------------------------------- */

/* Data: an array of records as one table (dotted columns for nested
 * objects, the union of all keys as header); every cell a string. */
int q_csv_emit(json_t *value, const struct q_emit_opts *opts,
	       struct q_buf *out, struct q_error *err);
/* Data: a table as an array of records, cells as strings, empty unquoted
 * fields as null, dotted columns nested back into objects. */
int q_csv_read(const char *data, size_t len, size_t *pos, const char *file,
	       json_t **value, struct q_error *err);

/* quarry documents as relational tables (SPEC §4). */
struct q_csv_tables;
struct q_csv_tables *q_csv_tables_new(enum q_csv_profile profile);
void q_csv_tables_free(struct q_csv_tables *t);
/* Adds one document (its JSON view, already valid) to every table. */
int q_csv_tables_add(struct q_csv_tables *t, json_t *view, struct q_error *err);
/* Writes every table and datapackage.json into dir (created if needed),
 * each file atomically, the descriptor last, after q_csv_tables_check. */
int q_csv_tables_write(struct q_csv_tables *t, const char *dir,
		       struct q_error *err);
/*
 * The pieces of a table set, for writers that stream it document by
 * document (quarry export): the tables are numbered 0 ..
 * Q_CSV_TABLE_COUNT-1, parents first; q_csv_tables_rows gives the rows
 * added so far to one table (without its header) and their count.
 * q_csv_tables_check checks the tables against their Table Schemas, keys
 * and foreign keys included; q_csv_tables_descriptor appends the text of
 * datapackage.json.
 */
#define Q_CSV_TABLE_COUNT 13
const char *q_csv_table_name(int table); /* NULL when out of range */
int q_csv_tables_header(enum q_csv_profile profile, int table, struct q_buf *out);
const char *q_csv_tables_rows(const struct q_csv_tables *t, int table, size_t *len,
			      size_t *rows);
int q_csv_tables_check(struct q_csv_tables *t, struct q_error *err);
int q_csv_tables_descriptor(enum q_csv_profile profile, struct q_buf *out,
			    struct q_error *err);
/* Appends one table (with its header) to out: "documents", "sentences"… */
int q_csv_tables_table(struct q_csv_tables *t, const char *table,
		       struct q_buf *out, struct q_error *err);
/* Reads a table set (a folder with datapackage.json) back into document
 * views, appended to the array `views`. */
int q_csv_tables_read(const char *dir, json_t *views, struct q_error *err);
/* CREATE TABLE statements for the tables, from schemas/csv/: dialect
 * "postgres" or "sqlite". */
int q_csv_sql_ddl(const char *dialect, struct q_buf *out, struct q_error *err);

/*
 * Checks tables against Frictionless Table Schemas (validate/table.c does
 * the checking, this parses the CSV).  q_csv_package_validate takes a
 * folder with a datapackage.json whose resources have a path and a schema
 * (inline, or a file name in the folder) and an optional dialect
 * nullSequence; q_csv_table_validate one table's text and schema.  They
 * return 0 or an error that stops the check (missing file, bad schema,
 * invalid CSV); what the data breaks goes to `out`.
 */
struct q_table_problems;
int q_csv_package_validate(const char *dir, struct q_table_problems *out,
			   struct q_error *err);
int q_csv_table_validate(json_t *schema, const char *data, size_t len,
			 const char *file, const char *null_seq,
			 struct q_table_problems *out, struct q_error *err);

/*
 * Streaming CSV of arbitrary data, one record at a time in constant
 * memory (csv.c).
 *
 * Reader: over bytes in memory or over a file descriptor read in 64 KiB
 * chunks.  q_csv_reader_next gives the next record (a new reference), or
 * NULL at the end; the first row is the header.  Errors (ragged rows,
 * invalid UTF-8, a quote after a closing quote, an unclosed quote) name
 * the line, and the column when there is one.
 *
 *	struct q_csv_reader *r = q_csv_reader_new(data, len, "in.csv");
 *	json_t *rec;
 *	while ((rc = q_csv_reader_next(r, &rec, &err)) == 0 && rec) {
 *		… use rec …
 *		json_decref(rec);
 *	}
 *	q_csv_reader_free(r);
 */
struct q_csv_reader;
struct q_csv_reader *q_csv_reader_new(const char *data, size_t len,
				      const char *file);
struct q_csv_reader *q_csv_reader_new_fd(int fd, const char *file);
int q_csv_reader_next(struct q_csv_reader *r, json_t **record,
		      struct q_error *err);
/* Columns of the header once it has been read, else 0. */
size_t q_csv_reader_columns(const struct q_csv_reader *r);
void q_csv_reader_free(struct q_csv_reader *r);

/*
 * CSV text straight to the JSON (pretty, or compact with opts->compact)
 * or NDJSON text of its records, as the reader and the JSON writer would
 * write them (a top-level array; nothing for blank input), without a
 * json_t per record.  Large inputs are cut between rows into chunks that
 * parse and render on q_threads() threads and are appended in order: the
 * bytes, and the error (the first in the input, with its line), do not
 * depend on the number of threads.  flush (may be NULL) is called as by
 * q_csv_from_json.  On an error, out ends with the last record
 * before it.  Nothing is written and *declined is set when a record might
 * be a quarry document (a top-level column "schema"): the caller reads
 * those with q_csv_reader.
 */
int q_csv_to_json(const char *data, size_t len, const struct q_emit_opts *opts, int ndjson,
		  struct q_buf *out,
		  int (*flush)(void *ctx, struct q_buf *out, struct q_error *err), void *ctx,
		  int *declined, struct q_error *err);

/*
 * Writer: the header is the union of the columns of every record that
 * q_csv_writer_learn saw (a first pass over the input), else those of the
 * first record put; a later record with a column the header lacks is then
 * an error (Q_EDATA) rather than a silent loss.  q_csv_writer_put appends
 * the header before the first row, then one row per record, to out — the
 * caller may write out and reset it between records.  q_csv_writer_finish
 * writes the header when no record came and prints the warnings (one line
 * per kind of loss, naming opts->file).
 */
struct q_csv_writer;
struct q_csv_writer *q_csv_writer_new(const struct q_emit_opts *opts);
int q_csv_writer_learn(struct q_csv_writer *w, json_t *record,
		       struct q_error *err);
int q_csv_writer_put(struct q_csv_writer *w, json_t *record, struct q_buf *out,
		     struct q_error *err);
int q_csv_writer_finish(struct q_csv_writer *w, struct q_buf *out,
			struct q_error *err);
void q_csv_writer_free(struct q_csv_writer *w);

/*
 * JSON or NDJSON text of records straight to CSV, without building the
 * whole tree: the columns come from a scan of the text (keys decoded,
 * values skipped), then each record is parsed, written and freed in turn.
 * A top-level array gives its elements as records, so do the arrays among
 * NDJSON values.  flush (may be NULL) is called whenever out holds 1 MiB
 * or more, to write it and reset it, or with a buffer of the converter's
 * own to write and reset after out; memory then stays constant beyond the
 * input text.  Same table and warnings as q_csv_emit.  Large inputs are
 * parsed in chunks of records on q_threads() threads, appended in order:
 * the bytes, the warnings and the error do not depend on the number of
 * threads.  On an error, out ends with the last row before it.
 */
int q_csv_from_json(const char *data, size_t len, const struct q_emit_opts *opts,
		    struct q_buf *out,
		    int (*flush)(void *ctx, struct q_buf *out, struct q_error *err),
		    void *ctx, struct q_error *err);

#endif

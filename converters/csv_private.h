/*
 * csv_private.h — the row layer shared by csv.c (records) and
 * csv_tables.c (the relational export).  Not installed, not included
 * from outside converters/: it is where libcsv's quirks stay.
 *
 * A row parser is pushed bytes (in any slices) and calls back once per
 * complete row with its fields.  It keeps the line where each row starts,
 * so that errors can name it, and reports libcsv's strict-mode errors with
 * line, column and byte offset.
 */
#ifndef Q_CSV_PRIVATE_H
#define Q_CSV_PRIVATE_H

#include <csv.h>

#include "converters/converters.h"

/* One parsed row: fields are NUL-terminated copies, valid during the call. */
struct q_csv_row {
	size_t count;
	char **field;
	size_t *len;
	unsigned char *null; /* 1: an empty unquoted field, or the null sequence */
	long line;	     /* 1-based line where the row starts */
	long long offset;    /* byte offset where the row starts */
};

/* Returns 0 to go on, or a Q_E… code (err filled) to stop. */
typedef int (*q_csv_row_fn)(void *ctx, const struct q_csv_row *row,
			    struct q_error *err);

struct q_csv_rows {
	struct csv_parser parser;
	const char *file;
	const char *null_seq; /* a field equal to it is null too (bigquery: \N) */
	size_t null_seq_len;
	q_csv_row_fn fn;
	void *ctx;
	struct q_error *err;
	int rc;		    /* first error of a callback */
	long line;	    /* line of the next byte fed */
	long row_line;	    /* line where the current row started */
	long long consumed; /* bytes fed so far */
	long long row_offset;
	long long line_offset; /* offset where the current line starts */
	size_t line_cp;	       /* code points of the current line already fed */
	int started;	       /* a first byte was seen (BOM check done) */
	size_t bom_seen;       /* bytes of a leading BOM matched so far */
	/* The row being assembled. */
	struct q_buf bytes;
	size_t *offs, *lens;
	unsigned char *nulls;
	char **ptrs;
	size_t nfields, cap;
	size_t rows;
};

void q_csv_rows_init(struct q_csv_rows *r, const char *file,
		     const char *null_seq, q_csv_row_fn fn, void *ctx);
/* Feeds the next slice of input; a leading UTF-8 BOM is skipped. */
int q_csv_rows_feed(struct q_csv_rows *r, const char *data, size_t len,
		    struct q_error *err);
/* Ends the input: the last row may lack its line break; an unterminated
 * quoted field is an error. */
int q_csv_rows_finish(struct q_csv_rows *r, struct q_error *err);
void q_csv_rows_release(struct q_csv_rows *r);

/*
 * Appends one field to out as the profile wants it: null as an empty
 * field (bigquery: \N), "" for the empty string, quotes when the value
 * needs them.  Returns 1 when the value cannot be told from null in this
 * profile (bigquery: a string that is exactly \N), 0 otherwise.
 */
int q_csv_put_field(struct q_buf *out, enum q_csv_profile profile,
		    const char *s, size_t len, int is_null);
/* The line terminator of a profile: "\r\n" for rfc4180, "\n" for the rest. */
const char *q_csv_eol(enum q_csv_profile profile);
/* The null sequence of a profile ("\\N" for bigquery), or NULL. */
const char *q_csv_null_sequence(enum q_csv_profile profile);

/* Whether s[0..len) is valid UTF-8 (NUL bytes allowed); *bad gets the
 * offset of the first bad byte otherwise. */
int q_csv_utf8_valid(const char *s, size_t len, size_t *bad);

#endif

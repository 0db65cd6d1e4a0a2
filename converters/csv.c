/*
 * csv.c — CSV through libcsv: the row layer, arbitrary data as one table
 * of records, and the streaming reader and writer.
 *
 * Reading.  libcsv runs in strict mode with CSV_EMPTY_IS_NULL, which is
 * how an empty unquoted field (null) is told from "" (the empty string).
 * Its default trimming of spaces and tabs is turned off: RFC 4180 says
 * they belong to the field.  It is fed one line at a time so that every
 * row knows the line it starts on, and a strict-mode error knows its line
 * and column.  One leniency: a quote inside an unquoted field (ab"c) is
 * kept as a literal character, as most readers and csv-spectrum expect;
 * text after a closing quote ("ab"c) stays an error, since libcsv would
 * otherwise drop the quote silently.
 *
 * Records.  Nested objects become dotted column names and back; a dot or
 * backslash inside a key is escaped with a backslash, array elements
 * become index columns (tags.0, tags.1), and an object key made only of
 * digits below the top level is written \7 so that it is never taken for
 * an index.  The header is the union of every record's columns in
 * first-seen order.  On the way back every cell is a string (no type
 * guessing) and an empty unquoted cell is null.  What cannot survive the
 * trip is counted while writing and reported as one warning line per kind
 * at the end: numbers and booleans (they come back as strings), records
 * that would read back differently (a missing key, an empty array or
 * object), and elements that are not objects.
 */
#include "converters/csv_private.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ROW_NOT_BEGUN 0 /* libcsv's parser states (libcsv.c) */
#define FIELD_BEGUN 2
#define FIELD_MIGHT_HAVE_ENDED 3

#define Q_STRINGIFY_(x) #x
#define Q_STRINGIFY(x) Q_STRINGIFY_(x)

#define PARSE_OPTIONS (CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL)
/* Longest slice handed to libcsv at once, so its field buffer grows
 * geometrically (its own growth is linear). */
#define PIECE_MAX ((size_t)1 << 20)
/* Input taken at once by the streaming reader. */
#define READ_CHUNK ((size_t)64 << 10)
/* Output gathered before the streaming conversions call flush. */
#define FLUSH_AT ((size_t)1 << 20)

/*
 * Eight bytes at a time: a mask with the high bit of each byte of w that
 * equals c (exact up to the first such byte, which is all callers use).
 */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static inline uint64_t bytes_equal(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (ONES * c);
	return (x - ONES) & ~x & HIGHS;
}

/* The same, exact in every byte (for counting). */
static inline uint64_t bytes_equal_exact(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (ONES * c);
	return ~(((x & ~HIGHS) + ~HIGHS) | x) & HIGHS;
}

static inline uint64_t load8(const char *s)
{
	uint64_t w;
	memcpy(&w, s, 8);
	return w;
}

/* ---- the row layer ------------------------------------------------------- */

static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void on_field(void *s, size_t len, void *data)
{
	struct q_csv_rows *r = data;
	if (r->rc)
		return;
	if (r->nfields == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 16;
		size_t *offs = realloc(r->offs, ncap * sizeof(*offs));
		if (offs)
			r->offs = offs;
		size_t *lens = realloc(r->lens, ncap * sizeof(*lens));
		if (lens)
			r->lens = lens;
		unsigned char *nulls = realloc(r->nulls, ncap);
		if (nulls)
			r->nulls = nulls;
		char **ptrs = realloc(r->ptrs, ncap * sizeof(*ptrs));
		if (ptrs)
			r->ptrs = ptrs;
		if (!offs || !lens || !nulls || !ptrs) {
			r->rc = q_error_msg(r->err, Q_ENOMEM, r->file, "out of memory");
			return;
		}
		r->cap = ncap;
	}
	size_t n = r->nfields++;
	int is_null = s == NULL;
	if (!is_null && r->null_seq && len == r->null_seq_len &&
	    memcmp(s, r->null_seq, len) == 0)
		is_null = 1;
	r->offs[n] = r->bytes.len;
	r->lens[n] = len;
	r->nulls[n] = (unsigned char)is_null;
	if (q_buf_reserve(&r->bytes, len + 1)) {
		r->rc = q_error_msg(r->err, Q_ENOMEM, r->file, "out of memory");
		return;
	}
	if (len)
		memcpy(r->bytes.data + r->bytes.len, s, len);
	r->bytes.data[r->bytes.len + len] = '\0';
	r->bytes.len += len + 1;
}

static void on_row(int c, void *data)
{
	struct q_csv_rows *r = data;
	(void)c;
	if (!r->rc) {
		for (size_t i = 0; i < r->nfields; i++)
			r->ptrs[i] = r->bytes.data + r->offs[i];
		struct q_csv_row row = {r->nfields, r->ptrs, r->lens, r->nulls,
					r->row_line, r->row_offset};
		r->rows++;
		r->rc = r->fn(r->ctx, &row, r->err);
	}
	r->nfields = 0;
	r->bytes.len = 0;
}

void q_csv_rows_init(struct q_csv_rows *r, const char *file,
		     const char *null_seq, q_csv_row_fn fn, void *ctx)
{
	memset(r, 0, sizeof(*r));
	csv_init(&r->parser, PARSE_OPTIONS);
	csv_set_space_func(&r->parser, no_space);
	r->file = file;
	r->null_seq = null_seq;
	r->null_seq_len = null_seq ? strlen(null_seq) : 0;
	r->fn = fn;
	r->ctx = ctx;
	r->line = 1;
	r->row_line = 1;
	q_buf_init(&r->bytes, 0);
}

void q_csv_rows_release(struct q_csv_rows *r)
{
	csv_free(&r->parser);
	q_buf_release(&r->bytes);
	free(r->offs);
	free(r->lens);
	free(r->nulls);
	free(r->ptrs);
	r->offs = r->lens = NULL;
	r->nulls = NULL;
	r->ptrs = NULL;
	r->cap = r->nfields = 0;
}

static int parse_error(struct q_csv_rows *r, const char *piece, size_t at,
		       int status, struct q_error *err)
{
	long col = (long)(r->line_cp + q_utf8_count(piece, at)) + 1;
	long long off = r->consumed + (long long)at;
	if (status == CSV_ENOMEM)
		return q_error_msg(err, Q_ENOMEM, r->file, "out of memory");
	if (status == CSV_ETOOBIG)
		return q_error_set(err, Q_ETOOBIG, r->file, r->line, col, off,
				   "CSV field too large");
	unsigned char c = (unsigned char)piece[at];
	if (c >= 0x20 && c < 0x7f)
		return q_error_set(err, Q_ESYNTAX, r->file, r->line, col, off,
				   "invalid CSV: '%c' after the closing quote of a field "
				   "(a quote inside a quoted field is written \"\")",
				   c);
	return q_error_set(err, Q_ESYNTAX, r->file, r->line, col, off,
			   "invalid CSV: byte 0x%02X after the closing quote of a field",
			   c);
}

/* One slice of a line: no '\n' inside but maybe as its last byte. */
static int feed_piece(struct q_csv_rows *r, const char *piece, size_t len,
		      struct q_error *err)
{
	size_t i = 0;
	while (i < len) {
		if (r->parser.pstate == ROW_NOT_BEGUN) {
			r->row_line = r->line;
			r->row_offset = r->consumed + (long long)i;
		}
		size_t have = csv_get_buffer_size(&r->parser);
		csv_set_blk_size(&r->parser, have < 4096 ? 4096 : have);
		size_t n = csv_parse(&r->parser, piece + i, len - i, on_field, on_row, r);
		if (r->rc)
			return r->rc;
		if (n == len - i)
			break;
		size_t at = i + n;
		int status = csv_error(&r->parser);
		if (status == CSV_EPARSE && piece[at] == '"' &&
		    r->parser.pstate == FIELD_BEGUN && !r->parser.quoted) {
			/* A bare quote in an unquoted field: keep it. */
			csv_set_opts(&r->parser, PARSE_OPTIONS & ~CSV_STRICT);
			csv_parse(&r->parser, piece + at, 1, on_field, on_row, r);
			csv_set_opts(&r->parser, PARSE_OPTIONS);
			r->parser.status = 0;
			i = at + 1;
			continue;
		}
		return parse_error(r, piece, at, status, err);
	}
	r->consumed += (long long)len;
	if (len && piece[len - 1] == '\n') {
		r->line++;
		r->line_cp = 0;
		r->line_offset = r->consumed;
	} else {
		r->line_cp += q_utf8_count(piece, len);
	}
	return 0;
}

static int feed_lines(struct q_csv_rows *r, const char *data, size_t len,
		      struct q_error *err)
{
	size_t p = 0;
	while (p < len) {
		const char *nl = memchr(data + p, '\n', len - p);
		size_t end = nl ? (size_t)(nl - data) + 1 : len;
		if (end - p > PIECE_MAX)
			end = p + PIECE_MAX;
		int rc = feed_piece(r, data + p, end - p, err);
		if (rc)
			return rc;
		p = end;
	}
	return 0;
}

static const char bom[3] = {'\xEF', '\xBB', '\xBF'};

int q_csv_rows_feed(struct q_csv_rows *r, const char *data, size_t len,
		    struct q_error *err)
{
	r->err = err;
	if (r->rc)
		return r->rc;
	while (!r->started && len) {
		if (data[0] == bom[r->bom_seen]) {
			data++, len--;
			r->consumed++;
			if (++r->bom_seen == 3)
				r->started = 1;
			continue;
		}
		/* Not a BOM after all: what looked like one is data. */
		r->started = 1;
		r->consumed -= (long long)r->bom_seen;
		int rc = feed_lines(r, bom, r->bom_seen, err);
		if (rc)
			return r->rc = rc;
	}
	int rc = feed_lines(r, data, len, err);
	return rc ? (r->rc = rc) : 0;
}

int q_csv_rows_finish(struct q_csv_rows *r, struct q_error *err)
{
	r->err = err;
	if (r->rc)
		return r->rc;
	if (!r->started && r->bom_seen && r->bom_seen < 3) {
		r->started = 1;
		r->consumed -= (long long)r->bom_seen;
		int rc = feed_lines(r, bom, r->bom_seen, err);
		if (rc)
			return r->rc = rc;
	}
	if (csv_fini(&r->parser, on_field, on_row, r) != 0)
		return r->rc = q_error_set(err, Q_ESYNTAX, r->file, r->row_line, 0,
					   r->row_offset,
					   "invalid CSV: a quoted field opened on line %ld is never closed",
					   r->row_line);
	return r->rc;
}

/* ---- fields out ----------------------------------------------------------- */

/* Bytes that make a field need quotes, per profile (bit 1: all; bit 2:
 * snowflake, whose unenclosed fields take \ as an escape by default). */
static const unsigned char quote_bytes[256] = {
	[','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1, ['\\'] = 2,
};

const char *q_csv_eol(enum q_csv_profile profile)
{
	return profile == Q_CSV_RFC4180 ? "\r\n" : "\n";
}

const char *q_csv_null_sequence(enum q_csv_profile profile)
{
	return profile == Q_CSV_BIGQUERY ? "\\N" : NULL;
}

int q_csv_put_field(struct q_buf *out, enum q_csv_profile profile,
		    const char *s, size_t len, int is_null)
{
	if (is_null) {
		if (profile == Q_CSV_BIGQUERY)
			q_buf_append(out, "\\N", 2);
		return 0;
	}
	unsigned mask = profile == Q_CSV_SNOWFLAKE ? 3 : 1;
	/* Leading and trailing blanks, and a leading U+FEFF that a reader
	 * would take for a byte order mark, are kept by quotes. */
	int quote = len == 0 || s[0] == ' ' || s[0] == '\t' ||
		    s[len - 1] == ' ' || s[len - 1] == '\t' ||
		    (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0);
	size_t quotes = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char k = quote_bytes[(unsigned char)s[i]];
		if (k & mask) {
			quote = 1;
			quotes += s[i] == '"';
		}
	}
	int ambiguous = 0;
	/* \. alone ends COPY's data; \N is a null marker to BigQuery and to
	 * Snowflake's default NULL_IF: quoted, they read as text. */
	if (len == 2 && s[0] == '\\' && (s[1] == '.' || s[1] == 'N')) {
		quote = 1;
		ambiguous = profile == Q_CSV_BIGQUERY && s[1] == 'N';
	}
	if (!quote) {
		q_buf_append(out, s, len);
		return ambiguous;
	}
	if (q_buf_reserve(out, len + quotes + 2))
		return ambiguous;
	char *d = out->data + out->len;
	*d++ = '"';
	if (!quotes) {
		memcpy(d, s, len);
		d += len;
	} else {
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '"')
				*d++ = '"';
			*d++ = s[i];
		}
	}
	*d++ = '"';
	out->len = (size_t)(d - out->data);
	out->data[out->len] = '\0';
	return ambiguous;
}

int q_csv_utf8_valid(const char *s, size_t len, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		if (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, u + i, 8);
			if (!(w & 0x8080808080808080ULL)) {
				i += 8;
				continue;
			}
		}
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = q_utf8_decode(u + i, len - i, &cp);
		if (!n) {
			*bad = i;
			return 0;
		}
		i += n;
	}
	return 1;
}

/* ---- column names and the shape of records -------------------------------- */

/*
 * A header's columns as a tree: one node per path segment, children in
 * first-seen order (index order for arrays).  Node 0 is the record.
 */
struct node {
	size_t key_off, key_len; /* unescaped key, in shape.keys */
	long index;		 /* >= 0: an array index segment */
	long col;		 /* the column ending here, or -1 */
	size_t first, last, next; /* children (0 = none) */
	size_t nchildren;
	int array;
};

struct shape {
	struct node *nodes;
	size_t n, cap;
	struct q_buf keys; /* keys and column names, each NUL-terminated */
	size_t ncols;
	size_t *name_off; /* column -> its name in keys */
	size_t name_cap;
	long *leaf_of; /* column -> node */
	int flat;	/* every column a plain top-level key */
};

static void shape_init(struct shape *s)
{
	memset(s, 0, sizeof(*s));
	q_buf_init(&s->keys, 0);
}

static void shape_release(struct shape *s)
{
	free(s->nodes);
	free(s->leaf_of);
	free(s->name_off);
	q_buf_release(&s->keys);
	memset(s, 0, sizeof(*s));
}

static size_t shape_node(struct shape *s)
{
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 32;
		struct node *n = realloc(s->nodes, ncap * sizeof(*n));
		if (!n)
			return 0;
		s->nodes = n;
		s->cap = ncap;
	}
	struct node *n = &s->nodes[s->n];
	memset(n, 0, sizeof(*n));
	n->index = -1;
	n->col = -1;
	return s->n++;
}

/* A canonical array index ("0", "17"; not "01"), or -1. */
static long parse_index(const char *s, size_t len)
{
	if (len == 0 || len > 9 || (len > 1 && s[0] == '0'))
		return -1;
	long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * Splits a column name at its unescaped dots into the tree, unescaping
 * \. and \\ (and \ before a digit at the start of a segment, which marks
 * a key rather than an index).  Other backslashes are literal.
 */
static int shape_add(struct shape *s, const char *name, size_t len, long col,
		     const char **why)
{
	size_t parent = 0, i = 0;
	int depth = 0;
	struct q_buf seg;
	q_buf_init(&seg, 0);
	if (s->n == 0 && shape_node(s) != 0) {
		*why = "out of memory";
		return Q_ENOMEM;
	}
	for (;;) {
		int escaped = 0;
		q_buf_reset(&seg);
		if (i + 1 < len && name[i] == '\\' && name[i + 1] >= '0' && name[i + 1] <= '9') {
			escaped = 1;
			i++;
		}
		while (i < len && name[i] != '.') {
			if (name[i] == '\\' && i + 1 < len && (name[i + 1] == '.' || name[i + 1] == '\\'))
				i++;
			q_buf_putc(&seg, name[i]);
			i++;
		}
		const char *k = seg.data ? seg.data : "";
		long index = depth > 0 && !escaped ? parse_index(k, seg.len) : -1;
		/* Find or add the child with this key. */
		size_t child = 0;
		for (size_t c = s->nodes[parent].first; c; c = s->nodes[c].next) {
			struct node *n = &s->nodes[c];
			if (n->key_len == seg.len && memcmp(s->keys.data + n->key_off, k, seg.len) == 0) {
				child = c;
				if (index < 0)
					n->index = -1;
				break;
			}
		}
		if (!child) {
			child = shape_node(s);
			if (!child || q_buf_append(&s->keys, k, seg.len) ||
			    q_buf_putc(&s->keys, '\0')) {
				q_buf_release(&seg);
				*why = "out of memory";
				return Q_ENOMEM;
			}
			struct node *n = &s->nodes[child];
			n->key_off = s->keys.len - seg.len - 1;
			n->key_len = seg.len;
			n->index = index;
			struct node *p = &s->nodes[parent];
			if (p->last)
				s->nodes[p->last].next = child;
			else
				p->first = child;
			p->last = child;
			p->nchildren++;
		}
		parent = child;
		if (++depth > Q_MAX_DEPTH) {
			q_buf_release(&seg);
			*why = "nests deeper than " Q_STRINGIFY(Q_MAX_DEPTH) " levels";
			return Q_EDATA;
		}
		if (i >= len)
			break;
		i++; /* the dot */
	}
	q_buf_release(&seg);
	if (seg.failed) {
		*why = "out of memory";
		return Q_ENOMEM;
	}
	if (s->nodes[parent].col >= 0) {
		*why = "appears twice in the header";
		return Q_ESYNTAX;
	}
	s->nodes[parent].col = col;
	if ((size_t)col >= s->name_cap) {
		size_t ncap = s->name_cap ? s->name_cap * 2 : 16;
		while (ncap <= (size_t)col)
			ncap *= 2;
		size_t *no = realloc(s->name_off, ncap * sizeof(*no));
		if (!no) {
			*why = "out of memory";
			return Q_ENOMEM;
		}
		s->name_off = no;
		s->name_cap = ncap;
	}
	s->name_off[col] = s->keys.len;
	if (q_buf_append(&s->keys, name, len) || q_buf_putc(&s->keys, '\0')) {
		*why = "out of memory";
		return Q_ENOMEM;
	}
	return 0;
}

/* The name of column c, as the header has it. */
static const char *col_name(const struct shape *s, size_t c)
{
	return s->keys.data + s->name_off[c];
}

static int cmp_index(const void *a, const void *b)
{
	const struct node *const *x = a, *const *y = b;
	return ((*x)->index > (*y)->index) - ((*x)->index < (*y)->index);
}

/* Marks the arrays (children exactly the indexes 0..n-1) and orders them. */
static int shape_finish(struct shape *s)
{
	s->flat = 1;
	s->leaf_of = malloc((s->ncols ? s->ncols : 1) * sizeof(*s->leaf_of));
	if (!s->leaf_of)
		return Q_ENOMEM;
	for (size_t id = 0; id < s->n; id++) {
		struct node *n = &s->nodes[id];
		if (n->col >= 0)
			s->leaf_of[n->col] = (long)id;
		if (!n->nchildren)
			continue;
		if (id > 0)
			s->flat = 0;
		int all = 1;
		for (size_t c = n->first; c; c = s->nodes[c].next)
			if (s->nodes[c].index < 0 || (size_t)s->nodes[c].index >= n->nchildren)
				all = 0;
		if (!all || id == 0)
			continue;
		struct node **v = malloc(n->nchildren * sizeof(*v));
		if (!v)
			return Q_ENOMEM;
		size_t k = 0;
		for (size_t c = n->first; c; c = s->nodes[c].next)
			v[k++] = &s->nodes[c];
		qsort(v, k, sizeof(*v), cmp_index);
		for (size_t j = 0; j < k; j++)
			if (v[j]->index != (long)j)
				all = 0;
		if (all) {
			n->array = 1;
			n->first = (size_t)(v[0] - s->nodes);
			for (size_t j = 0; j + 1 < k; j++)
				v[j]->next = (size_t)(v[j + 1] - s->nodes);
			v[k - 1]->next = 0;
			n->last = (size_t)(v[k - 1] - s->nodes);
		}
		free(v);
	}
	return 0;
}

/* Builds the shape of a header row. */
static int shape_from_row(struct shape *s, const struct q_csv_row *row,
			  const char *file, struct q_error *err)
{
	shape_init(s);
	s->ncols = row->count;
	for (size_t c = 0; c < row->count; c++) {
		size_t bad;
		const char *why = NULL;
		if (!q_csv_utf8_valid(row->field[c], row->len[c], &bad))
			return q_error_set(err, Q_EENCODING, file, row->line, 0, row->offset,
					   "invalid UTF-8 in the name of column %zu", c + 1);
		int rc = shape_add(s, row->field[c], row->len[c], (long)c, &why);
		if (rc == Q_ENOMEM)
			return q_error_msg(err, rc, file, "out of memory");
		if (rc)
			return q_error_set(err, rc, file, row->line, 0, row->offset,
					   "column '%.80s' %s", row->field[c], why);
	}
	if (row->count == 0 && shape_node(s) != 0)
		return q_error_msg(err, Q_ENOMEM, file, "out of memory");
	if (shape_finish(s))
		return q_error_msg(err, Q_ENOMEM, file, "out of memory");
	return 0;
}

struct build {
	const struct shape *s;
	const struct q_csv_row *row;
	int conflict; /* node id of a scalar column whose children hold values */
	int failed;
};

static json_t *cell(const struct q_csv_row *row, long col)
{
	return json_stringn_nocheck(row->field[col], row->len[col]);
}

static int attach(json_t *container, const struct shape *s, const struct node *n,
		  json_t *v)
{
	if (!v)
		return -1;
	if (json_is_array(container))
		return json_array_append_new(container, v);
	return json_object_setn_new_nocheck(container, s->keys.data + n->key_off,
					    n->key_len, v);
}

/* The value of a node's subtree; *any tells whether a cell in it holds one. */
static json_t *build_node(struct build *b, size_t id, int *any)
{
	const struct node *n = &b->s->nodes[id];
	const struct q_csv_row *row = b->row;
	int leaf = n->col >= 0 && !row->null[n->col];
	*any = leaf;
	if (!n->nchildren)
		return leaf ? cell(row, n->col) : json_null();
	json_t *c = n->array ? json_array() : json_object();
	int some = 0;
	if (!c) {
		b->failed = 1;
		return NULL;
	}
	for (size_t k = n->first; k; k = b->s->nodes[k].next) {
		int a;
		if (attach(c, b->s, &b->s->nodes[k], build_node(b, k, &a))) {
			b->failed = 1;
			break;
		}
		some |= a;
	}
	if (leaf) {
		json_decref(c);
		if (some && !b->conflict)
			b->conflict = (int)id;
		return cell(row, n->col);
	}
	*any = some;
	if (n->col >= 0 && !some) {
		json_decref(c);
		return json_null();
	}
	return c;
}

/* The record of one row (a new reference), or NULL with err set. */
static json_t *record_of(const struct shape *s, const struct q_csv_row *row,
			 const char *file, struct q_error *err)
{
	json_t *o = json_object();
	if (!o)
		goto nomem;
	if (s->flat) {
		for (size_t c = 0; c < s->ncols; c++) {
			const struct node *n = &s->nodes[s->leaf_of[c]];
			json_t *v = row->null[c] ? json_null() : cell(row, (long)c);
			if (!v || json_object_setn_new_nocheck(o, s->keys.data + n->key_off,
							       n->key_len, v))
				goto nomem;
		}
		return o;
	}
	struct build b = {s, row, 0, 0};
	for (size_t k = s->nodes[0].first; k; k = s->nodes[k].next) {
		int a;
		if (attach(o, s, &s->nodes[k], build_node(&b, k, &a))) {
			b.failed = 1;
			break;
		}
	}
	if (b.failed)
		goto nomem;
	if (b.conflict) {
		json_decref(o);
		const struct node *n = &s->nodes[b.conflict];
		q_error_set(err, Q_EDATA, file, row->line, 0, row->offset,
			    "column '%s' and the columns below it (%s.…) both hold values",
			    col_name(s, (size_t)n->col), col_name(s, (size_t)n->col));
		return NULL;
	}
	return o;
nomem:
	json_decref(o);
	q_error_msg(err, Q_ENOMEM, file, "out of memory");
	return NULL;
}

/* ---- the streaming reader --------------------------------------------------- */

struct q_csv_reader {
	struct q_csv_rows rows;
	char *file;
	const char *data; /* memory input */
	size_t len, pos;
	int fd;		  /* or a file descriptor, -1 */
	char *chunk;
	int finished;
	struct shape shape;
	int have_header;
	json_t **queue;
	size_t qhead, qlen, qcap;
	size_t records;
	int rc;
};

/* A data row fits the header: as many fields, valid UTF-8. */
static int check_row(const struct shape *s, const struct q_csv_row *row, const char *file,
		     struct q_error *err)
{
	if (row->count != s->ncols)
		return q_error_set(err, Q_EDATA, file, row->line, 0, row->offset,
				   "row has %zu field%s but the header has %zu",
				   row->count, row->count == 1 ? "" : "s", s->ncols);
	size_t bad;
	for (size_t c = 0; c < row->count; c++)
		if (!q_csv_utf8_valid(row->field[c], row->len[c], &bad))
			return q_error_set(err, Q_EENCODING, file, row->line, 0,
					   row->offset, "invalid UTF-8 in column '%s'",
					   col_name(s, c));
	return 0;
}

static int reader_row(void *ctx, const struct q_csv_row *row, struct q_error *err)
{
	struct q_csv_reader *r = ctx;
	if (!r->have_header) {
		r->have_header = 1;
		return shape_from_row(&r->shape, row, r->file, err);
	}
	int rc = check_row(&r->shape, row, r->file, err);
	if (rc)
		return rc;
	json_t *rec = record_of(&r->shape, row, r->file, err);
	if (!rec)
		return err->code ? err->code : Q_ENOMEM;
	if (r->qlen == r->qcap) {
		size_t ncap = r->qcap ? r->qcap * 2 : 64;
		json_t **q = realloc(r->queue, ncap * sizeof(*q));
		if (!q) {
			json_decref(rec);
			return q_error_msg(err, Q_ENOMEM, r->file, "out of memory");
		}
		r->queue = q;
		r->qcap = ncap;
	}
	r->queue[r->qlen++] = rec;
	r->records++;
	return 0;
}

static struct q_csv_reader *reader_new(const char *file)
{
	struct q_csv_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->file = strdup(file ? file : "");
	if (!r->file) {
		free(r);
		return NULL;
	}
	r->fd = -1;
	shape_init(&r->shape);
	q_csv_rows_init(&r->rows, r->file, NULL, reader_row, r);
	return r;
}

struct q_csv_reader *q_csv_reader_new(const char *data, size_t len,
				      const char *file)
{
	struct q_csv_reader *r = reader_new(file);
	if (r) {
		r->data = data;
		r->len = len;
	}
	return r;
}

struct q_csv_reader *q_csv_reader_new_fd(int fd, const char *file)
{
	struct q_csv_reader *r = reader_new(file);
	if (r) {
		r->fd = fd;
		r->chunk = malloc(READ_CHUNK);
		if (!r->chunk) {
			q_csv_reader_free(r);
			return NULL;
		}
	}
	return r;
}

void q_csv_reader_free(struct q_csv_reader *r)
{
	if (!r)
		return;
	for (size_t i = r->qhead; i < r->qlen; i++)
		json_decref(r->queue[i]);
	free(r->queue);
	q_csv_rows_release(&r->rows);
	shape_release(&r->shape);
	free(r->chunk);
	free(r->file);
	free(r);
}

/* Feeds the next slice of input, or ends it. */
static int reader_fill(struct q_csv_reader *r, struct q_error *err)
{
	const char *p;
	size_t n;
	if (r->fd >= 0) {
		ssize_t got;
		do
			got = read(r->fd, r->chunk, READ_CHUNK);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return q_error_msg(err, Q_EIO, r->file, "cannot read: %s", strerror(errno));
		p = r->chunk;
		n = (size_t)got;
	} else {
		p = r->data + r->pos;
		n = r->len - r->pos < READ_CHUNK ? r->len - r->pos : READ_CHUNK;
		r->pos += n;
	}
	if (n == 0) {
		r->finished = 1;
		return q_csv_rows_finish(&r->rows, err);
	}
	return q_csv_rows_feed(&r->rows, p, n, err);
}

int q_csv_reader_next(struct q_csv_reader *r, json_t **record, struct q_error *err)
{
	*record = NULL;
	while (r->qhead == r->qlen) {
		r->qhead = r->qlen = 0;
		if (r->rc)
			return r->rc;
		if (r->finished)
			return 0;
		r->rc = reader_fill(r, err);
	}
	*record = r->queue[r->qhead++];
	return 0;
}

size_t q_csv_reader_columns(const struct q_csv_reader *r)
{
	return r->have_header ? r->shape.ncols : 0;
}

static int is_blank(const char *data, size_t len)
{
	size_t i = 0;
	if (len >= 3 && memcmp(data, bom, 3) == 0)
		i = 3;
	for (; i < len; i++)
		if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r' && data[i] != '\n')
			return 0;
	return 1;
}

int q_csv_read(const char *data, size_t len, size_t *pos, const char *file,
	       json_t **value, struct q_error *err)
{
	*value = NULL;
	if (*pos >= len || is_blank(data + *pos, len - *pos)) {
		*pos = len;
		return 0;
	}
	struct q_csv_reader *r = q_csv_reader_new(data + *pos, len - *pos, file);
	json_t *arr = json_array();
	if (!r || !arr) {
		q_csv_reader_free(r);
		json_decref(arr);
		return q_error_msg(err, Q_ENOMEM, file, "out of memory");
	}
	int rc;
	json_t *rec;
	while ((rc = q_csv_reader_next(r, &rec, err)) == 0 && rec) {
		if (json_array_append_new(arr, rec)) {
			rc = q_error_msg(err, Q_ENOMEM, file, "out of memory");
			break;
		}
	}
	q_csv_reader_free(r);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*pos = len;
	*value = arr;
	return 0;
}

/*
 * The text of a chunk (from byte skip) goes after out: when there is a
 * flush, out is written and then the chunk's own buffer, without a copy;
 * else it is appended to out.
 */
static int put_chunk(struct q_buf *out, struct q_buf *chunk, size_t skip,
		     int (*flush)(void *ctx, struct q_buf *out, struct q_error *err), void *ctx,
		     struct q_error *err)
{
	if (!flush || chunk->len - skip < (FLUSH_AT >> 4)) {
		if (chunk->len > skip)
			q_buf_append(out, chunk->data + skip, chunk->len - skip);
		return flush && out->len >= FLUSH_AT ? flush(ctx, out, err) : 0;
	}
	int rc = out->len ? flush(ctx, out, err) : 0;
	if (rc)
		return rc;
	if (skip) {
		memmove(chunk->data, chunk->data + skip, chunk->len - skip);
		chunk->len -= skip;
	}
	return flush(ctx, chunk, err);
}

/* ---- CSV straight to JSON text --------------------------------------------- */

/*
 * A table's records as JSON or NDJSON text written from the rows and the
 * header's shape, with no json_t per record: the bytes are those that
 * record_of and the JSON writer give (q_json_emit_element, q_ndjson_emit).
 * What each node writes before its value (line break, indent, "key": ) is
 * made once per header.  A record that cannot be built (a column and the
 * columns below it both hold values) goes through record_of for its error.
 */
enum { MODE_PRETTY, MODE_COMPACT, MODE_NDJSON };

struct render {
	const struct shape *s;
	int mode;
	struct q_buf text;
	size_t *pre_off, *pre_len;     /* node: before its value */
	size_t *close_off, *close_len; /* node with children: its end */
	size_t *parent;
	int mixed; /* some column has columns below it */
};

static void render_release(struct render *rd)
{
	q_buf_release(&rd->text);
	free(rd->pre_off);
	free(rd->pre_len);
	free(rd->close_off);
	free(rd->close_len);
	free(rd->parent);
	memset(rd, 0, sizeof(*rd));
}

/* The line break and indent of the JSON writer at a depth. */
static void put_newline(struct q_buf *out, int pretty, size_t depth)
{
	if (!pretty)
		return;
	q_buf_putc(out, '\n');
	for (size_t i = 0; i < depth; i++)
		q_buf_append(out, "  ", 2);
}

static int render_init(struct render *rd, const struct shape *s, int mode)
{
	size_t n = s->n ? s->n : 1;
	int pretty = mode == MODE_PRETTY;
	memset(rd, 0, sizeof(*rd));
	rd->s = s;
	rd->mode = mode;
	q_buf_init(&rd->text, 0);
	rd->pre_off = calloc(n, sizeof(size_t));
	rd->pre_len = calloc(n, sizeof(size_t));
	rd->close_off = calloc(n, sizeof(size_t));
	rd->close_len = calloc(n, sizeof(size_t));
	rd->parent = calloc(n, sizeof(size_t));
	size_t *depth = calloc(n, sizeof(size_t));
	if (!rd->pre_off || !rd->pre_len || !rd->close_off || !rd->close_len || !rd->parent ||
	    !depth) {
		free(depth);
		return Q_ENOMEM;
	}
	/* Children come after their parent: one pass in id order sees every
	 * parent's depth before its children's. */
	for (size_t id = 0; id < s->n; id++) {
		const struct node *nd = &s->nodes[id];
		for (size_t k = nd->first; k; k = s->nodes[k].next) {
			rd->parent[k] = id;
			depth[k] = depth[id] + 1;
		}
		if (nd->col >= 0 && nd->nchildren)
			rd->mixed = 1;
	}
	for (size_t id = 0; id < s->n; id++) {
		const struct node *nd = &s->nodes[id];
		/* The record is an element of the array (depth 1 in the JSON
		 * writer), so a node of depth d is written at depth d + 1. */
		rd->pre_off[id] = rd->text.len;
		if (id) {
			put_newline(&rd->text, pretty, depth[id] + 1);
			if (!s->nodes[rd->parent[id]].array) {
				q_json_put_string(&rd->text, s->keys.data + nd->key_off, nd->key_len);
				q_buf_append(&rd->text, ": ", pretty ? 2 : 1);
			}
		}
		rd->pre_len[id] = rd->text.len - rd->pre_off[id];
		rd->close_off[id] = rd->text.len;
		if (nd->nchildren) {
			put_newline(&rd->text, pretty, depth[id] + 1);
			q_buf_putc(&rd->text, nd->array ? ']' : '}');
		}
		rd->close_len[id] = rd->text.len - rd->close_off[id];
	}
	free(depth);
	return rd->text.failed;
}

static void render_node(const struct render *rd, const unsigned char *below,
			const struct q_csv_row *row, size_t id, struct q_buf *out)
{
	const struct node *n = &rd->s->nodes[id];
	if (n->col >= 0 && !row->null[n->col]) {
		q_json_put_string(out, row->field[n->col], row->len[n->col]);
		return;
	}
	if (!n->nchildren || (n->col >= 0 && !below[id])) {
		q_buf_append(out, "null", 4);
		return;
	}
	q_buf_putc(out, n->array ? '[' : '{');
	const char *text = rd->text.data;
	for (size_t k = n->first; k; k = rd->s->nodes[k].next) {
		if (k != n->first)
			q_buf_putc(out, ',');
		q_buf_append(out, text + rd->pre_off[k], rd->pre_len[k]);
		render_node(rd, below, row, k, out);
	}
	q_buf_append(out, text + rd->close_off[id], rd->close_len[id]);
}

/*
 * One record's text: for JSON "," (unless first) and the element's line
 * break before it, for NDJSON a line break after it.  below[] is scratch of one byte per node: whether a cell below the
 * node holds a value, which decides, where a column has columns below it,
 * between null and an object.
 */
static int render_record(const struct render *rd, unsigned char *below,
			 const struct q_csv_row *row, int first, const char *file,
			 struct q_buf *out, struct q_error *err)
{
	const struct shape *s = rd->s;
	if (rd->mixed) {
		memset(below, 0, s->n);
		for (size_t id = s->n; id-- > 1;)
			if (below[id] || (s->nodes[id].col >= 0 && !row->null[s->nodes[id].col]))
				below[rd->parent[id]] = 1;
		for (size_t id = 1; id < s->n; id++) {
			const struct node *n = &s->nodes[id];
			if (n->col >= 0 && n->nchildren && !row->null[n->col] && below[id]) {
				/* A conflict: record_of says which, as the reader does. */
				json_t *rec = record_of(s, row, file, err);
				json_decref(rec);
				return err->code ? err->code
						 : q_error_msg(err, Q_EINTERNAL, file, "no conflict");
			}
		}
	}
	if (rd->mode != MODE_NDJSON) {
		if (!first)
			q_buf_putc(out, ',');
		put_newline(out, rd->mode == MODE_PRETTY, 1);
	}
	if (!s->nodes[0].nchildren)
		q_buf_append(out, "{}", 2);
	else
		render_node(rd, below, row, 0, out);
	if (rd->mode == MODE_NDJSON)
		q_buf_putc(out, '\n');
	if (out->failed)
		return q_error_msg(err, out->failed, file,
				   out->failed == Q_ETOOBIG ? "output exceeds the size limit"
							    : "out of memory");
	return 0;
}

/*
 * Chunks of CSV text parse on their own only if they start between rows:
 * this follows libcsv's states as csv.c drives it (strict, no space
 * trimming, a quote inside an unquoted field kept) byte by byte, so that
 * a cut falls only after a line feed that ends a row — never one inside a
 * quoted field.  After a syntax error there is no further cut: the rest is
 * one chunk, whose parse reports the error.
 */
enum { CUT_ROW, CUT_FIELD, CUT_UNQUOTED, CUT_QUOTED, CUT_QUOTE_END, CUT_STUCK };

struct csv_cut {
	const char *s;
	size_t len, i;
	long line; /* line of s[i] */
	int state;
	int rows;  /* a row has ended: the header is behind */
};

/* The first cut at or past `want`, or len when there is none. */
static size_t csv_next_cut(struct csv_cut *cut, size_t want)
{
	const unsigned char *s = (const unsigned char *)cut->s;
	size_t i = cut->i, len = cut->len;
	long line = cut->line;
	int st = cut->state;
	while (i < len && st != CUT_STUCK) {
		/* Runs of bytes that change nothing, eight at a time: in a
		 * quoted field all but '"' (line feeds counted), in an unquoted
		 * one all but ',', '"', CR and LF. */
		if (st == CUT_QUOTED) {
			for (; i + 8 <= len; i += 8) {
				uint64_t w = load8((const char *)s + i);
				uint64_t q = bytes_equal_exact(w, '"'), nl = bytes_equal_exact(w, '\n');
				if (q) {
					size_t k = (size_t)__builtin_ctzll(q);
					line += __builtin_popcountll(nl & ((1ULL << k) - 1));
					i += k >> 3;
					break;
				}
				line += __builtin_popcountll(nl);
			}
		} else if (st == CUT_UNQUOTED) {
			for (; i + 8 <= len; i += 8) {
				uint64_t w = load8((const char *)s + i);
				uint64_t m = bytes_equal(w, ',') | bytes_equal(w, '"') |
					     bytes_equal(w, '\r') | bytes_equal(w, '\n');
				if (m) {
					i += (size_t)__builtin_ctzll(m) >> 3;
					break;
				}
			}
		}
		if (i >= len)
			break;
		unsigned char c = s[i++];
		if (st == CUT_QUOTED) {
			if (c == '"')
				st = CUT_QUOTE_END;
			else if (c == '\n')
				line++;
			continue;
		}
		if (c == '\n' || c == '\r') {
			cut->rows |= st != CUT_ROW;
			st = CUT_ROW; /* ends the row (or a blank line) */
			if (c == '\n') {
				line++;
				if (i >= want && cut->rows) {
					cut->i = i;
					cut->line = line;
					cut->state = st;
					return i;
				}
			}
		} else if (c == ',') {
			st = CUT_FIELD;
		} else if (c == '"') {
			st = st == CUT_UNQUOTED ? CUT_UNQUOTED : CUT_QUOTED;
		} else {
			st = st == CUT_QUOTE_END ? CUT_STUCK : CUT_UNQUOTED;
		}
	}
	cut->i = len;
	cut->line = line;
	cut->state = st;
	return len;
}

/*
 * The rows of s[start..end) rendered into a buffer of the chunk's own,
 * every record with its "," (the caller drops the first); the first chunk
 * holds the header row, the last ends the input.  A chunk that is the
 * whole input streams instead: into the caller's buffer, with the "["
 * before the first record, flushed as it fills.
 */
struct csv_chunk {
	const char *data;
	size_t start, end;
	long line;
	int first, last;
	const char *file;
	const struct render *rd;
	unsigned char *below;
	struct q_buf out;
	struct q_error err;
	int rc;
	size_t records;
	int header_seen;
	struct q_buf *stream; /* the caller's buffer, or NULL */
	int (*flush)(void *ctx, struct q_buf *out, struct q_error *err);
	void *flush_ctx;
	size_t len;	   /* of the whole input */
	size_t reached;	   /* where the chunk really ended */
	long reached_line; /* the line there */
};

static int chunk_row(void *ctx, const struct q_csv_row *row, struct q_error *err)
{
	struct csv_chunk *c = ctx;
	if (c->first && !c->header_seen) {
		c->header_seen = 1; /* read already, for the shape */
		return 0;
	}
	int rc = check_row(c->rd->s, row, c->file, err);
	if (rc)
		return rc;
	if (!c->stream)
		rc = render_record(c->rd, c->below, row, 0, c->file, &c->out, err);
	else {
		int first = c->records == 0;
		if (first && c->rd->mode != MODE_NDJSON) {
			/* "[" only with a record: an error before leaves nothing. */
			size_t mark = c->stream->len;
			q_buf_putc(c->stream, '[');
			rc = render_record(c->rd, c->below, row, 1, c->file, c->stream, err);
			if (rc)
				c->stream->len = mark;
		} else {
			rc = render_record(c->rd, c->below, row, first, c->file, c->stream, err);
		}
		if (!rc && c->flush && c->stream->len >= FLUSH_AT)
			rc = c->flush(c->flush_ctx, c->stream, err);
	}
	c->records += rc == 0;
	return rc;
}

/* Feeds s[start..end) in the slices the streaming reader takes (64 KiB
 * from the start of the input), so that libcsv sees the same pieces and
 * every row its line and offset. */
static int feed_range(struct q_csv_rows *rows, const char *data, size_t start, size_t end,
		      struct q_error *err)
{
	while (start < end) {
		size_t next = (start / READ_CHUNK + 1) * READ_CHUNK;
		if (next > end)
			next = end;
		int rc = q_csv_rows_feed(rows, data + start, next - start, err);
		if (rc)
			return rc;
		start = next;
	}
	return 0;
}

static void csv_chunk_run(void *ctx, void *task)
{
	struct csv_chunk *c = task;
	struct q_csv_rows rows;
	(void)ctx;
	q_buf_reset(&c->out);
	q_error_init(&c->err);
	c->records = 0;
	c->header_seen = 0;
	q_csv_rows_init(&rows, c->file, NULL, chunk_row, c);
	if (!c->first) {
		/* Between rows at a line start: as the whole input's parser. */
		rows.started = 1;
		rows.line = rows.row_line = c->line;
		rows.consumed = rows.row_offset = rows.line_offset = (long long)c->start;
	}
	int rc = feed_range(&rows, c->data, c->start, c->end, &c->err);
	size_t at = c->end;
	/* A cut that was a guess fell inside a row (a quoted line break), or
	 * before the end of the header: the chunk goes on to the end of a
	 * row, and the caller cuts again from there. */
	while (!rc && !c->last &&
	       (rows.parser.pstate != ROW_NOT_BEGUN || rows.nfields || (c->first && !c->header_seen))) {
		const char *nl = memchr(c->data + at, '\n', c->len - at);
		size_t next = nl ? (size_t)(nl - c->data) + 1 : c->len;
		rc = feed_range(&rows, c->data, at, next, &c->err);
		at = next;
		c->last = at >= c->len;
	}
	if (!rc && c->last)
		rc = q_csv_rows_finish(&rows, &c->err);
	c->reached = at;
	c->reached_line = rows.line;
	q_csv_rows_release(&rows);
	c->rc = rc;
}

/* A guess at a cut: the first line end at or past want. */
static size_t csv_guess_cut(const char *s, size_t len, size_t want)
{
	if (want >= len)
		return len;
	const char *nl = memchr(s + want, '\n', len - want);
	return nl ? (size_t)(nl - s) + 1 : len;
}

/* Line feeds in s[0..n). */
static long count_lf(const char *s, size_t n)
{
	long lines = 0;
	size_t i = 0;
	for (; i + 8 <= n; i += 8)
		lines += __builtin_popcountll(bytes_equal_exact(load8(s + i), '\n'));
	for (; i < n; i++)
		lines += s[i] == '\n';
	return lines;
}

#define HEADER_READ (-1) /* stops the parse of the header alone */

struct header {
	struct shape *s;
	const char *file;
	int have;
};

static int header_row(void *ctx, const struct q_csv_row *row, struct q_error *err)
{
	struct header *h = ctx;
	h->have = 1;
	int rc = shape_from_row(h->s, row, h->file, err);
	return rc ? rc : HEADER_READ;
}

/* The header's shape, from a parse that stops after it; *have = 0 when
 * the input holds no row. */
static int read_header(const char *data, size_t len, const char *file, struct shape *s,
		       int *have, struct q_error *err)
{
	struct header h = {s, file, 0};
	struct q_csv_rows rows;
	q_csv_rows_init(&rows, file, NULL, header_row, &h);
	int rc = feed_range(&rows, data, 0, len, err);
	if (!rc)
		rc = q_csv_rows_finish(&rows, err);
	q_csv_rows_release(&rows);
	*have = h.have;
	return rc == HEADER_READ ? 0 : rc;
}

/* Whether a record may be a quarry document ("schema" a top-level column). */
static int may_be_view(const struct shape *s)
{
	for (size_t k = s->n ? s->nodes[0].first : 0; k; k = s->nodes[k].next)
		if (s->nodes[k].key_len == 6 && memcmp(s->keys.data + s->nodes[k].key_off, "schema", 6) == 0 &&
		    s->nodes[k].col >= 0)
			return 1;
	return 0;
}

int q_csv_to_json(const char *data, size_t len, const struct q_emit_opts *opts, int ndjson,
		  struct q_buf *out,
		  int (*flush)(void *ctx, struct q_buf *out, struct q_error *err), void *ctx,
		  int *declined, struct q_error *err)
{
	const char *file = opts && opts->file ? opts->file : "";
	int mode = ndjson ? MODE_NDJSON : opts && opts->compact ? MODE_COMPACT : MODE_PRETTY;
	struct shape shape;
	struct render rd;
	int have = 0;
	*declined = 0;
	shape_init(&shape);
	memset(&rd, 0, sizeof(rd));
	int rc = read_header(data, len, file, &shape, &have, err);
	if (rc || !have)
		goto done; /* nothing but blanks: no value, as from an empty JSON stream */
	if (may_be_view(&shape)) {
		*declined = 1;
		goto done;
	}
	if (render_init(&rd, &shape, mode)) {
		rc = q_error_msg(err, Q_ENOMEM, file, "out of memory");
		goto done;
	}
	int threads = q_threads();
	size_t chunk = q_chunk_bytes();
	struct q_pool *pool = NULL;
	size_t depth = 1;
	if (threads > 1 && len / 2 >= chunk) {
		depth = (size_t)threads + 2;
		pool = q_pool_new(threads, depth, csv_chunk_run, NULL);
	}
	struct csv_chunk *chunks = calloc(depth, sizeof(*chunks));
	unsigned char *below = calloc(depth, shape.n);
	if (!chunks || !below) {
		free(chunks);
		free(below);
		q_pool_free(pool);
		rc = q_error_msg(err, Q_ENOMEM, file, "out of memory");
		goto done;
	}
	/*
	 * Cuts are guessed at line ends, and each chunk checks that its end
	 * falls between rows; when one does not, the chunks after it are
	 * dropped and the rest is cut by following libcsv's states (exact,
	 * but slower than finding a line end).
	 */
	struct csv_cut cut = {data, len, 0, 1, CUT_ROW, 1};
	size_t submitted = 0, taken = 0, records = 0, pos = 0;
	long line = 1;
	int more = 1, stop = 0, exact = 0;
	if (!pool) {
		/* One thread: the whole input as one chunk, streamed. */
		struct csv_chunk *c = &chunks[0];
		c->data = data;
		c->file = file;
		c->rd = &rd;
		c->below = below;
		c->start = 0;
		c->end = len;
		c->line = 1;
		c->first = c->last = 1;
		c->stream = out;
		c->flush = flush;
		c->flush_ctx = ctx;
		csv_chunk_run(NULL, c);
		records = c->records;
		if ((rc = c->rc))
			*err = c->err;
		more = 0;
	}
	while (taken < submitted || (!stop && more)) {
		while (!stop && more && submitted - taken < depth) {
			struct csv_chunk *c = &chunks[submitted % depth];
			c->data = data;
			c->file = file;
			c->rd = &rd;
			c->below = below + (submitted % depth) * shape.n;
			c->len = len;
			c->start = pos;
			c->line = line;
			c->first = submitted == 0;
			if (exact) {
				c->end = csv_next_cut(&cut, pos + chunk);
				line = cut.line;
			} else {
				c->end = csv_guess_cut(data, len, pos + chunk);
				line += count_lf(data + pos, c->end - pos);
			}
			c->last = c->end >= len;
			more = !c->last;
			pos = c->end;
			submitted++;
			if (pool)
				q_pool_submit(pool, c);
			else
				csv_chunk_run(NULL, c);
		}
		struct csv_chunk *c = pool ? q_pool_take(pool) : &chunks[taken % depth];
		taken++;
		if (stop)
			continue;
		if (c->records) {
			size_t skip = 0;
			if (!records && mode != MODE_NDJSON) {
				q_buf_putc(out, '[');
				skip = 1; /* the first record's "," */
			}
			records += c->records;
			if (c->rc)
				q_buf_append(out, c->out.data + skip, c->out.len - skip);
			else if ((rc = put_chunk(out, &c->out, skip, flush, ctx, err)))
				stop = 1;
		}
		if (c->rc) {
			rc = c->rc;
			*err = c->err;
			stop = 1;
		} else if (out->failed) {
			stop = 1;
		} else if (c->reached != c->end) {
			/* The guess after c was wrong: what came after is void. */
			pos = c->reached;
			line = c->reached_line;
			more = !c->last;
			while (taken < submitted) {
				if (pool)
					q_pool_take(pool);
				taken++;
			}
			exact = 1;
			cut = (struct csv_cut){data, len, pos, line, CUT_ROW, 1};
		}
	}
	q_pool_free(pool);
	for (size_t k = 0; k < depth; k++)
		q_buf_release(&chunks[k].out);
	free(chunks);
	free(below);
	if (!rc && mode != MODE_NDJSON) {
		if (!records)
			q_buf_putc(out, '[');
		else if (mode == MODE_PRETTY)
			q_buf_putc(out, '\n');
		q_buf_append(out, "]\n", 2);
	}
	if (!rc && out->failed)
		rc = q_error_msg(err, out->failed, file,
				 out->failed == Q_ETOOBIG ? "output exceeds the size limit"
							  : "out of memory");
done:
	render_release(&rd);
	shape_release(&shape);
	return rc;
}

/* ---- the streaming writer ----------------------------------------------------- */

/* Column names by hash, in first-seen order. */
struct colmap {
	struct q_buf names;
	size_t *off, *len;
	uint32_t *hash;
	size_t n, cap;
	size_t *slots; /* column + 1; 0 is empty */
	size_t nslots;
};

#define HASH_START 2166136261u

/* FNV-1a, carried on from h: a path's hash grows with it. */
static uint32_t hash_more(uint32_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}


static long colmap_find(const struct colmap *m, const char *s, size_t len, uint32_t h)
{
	if (!m->nslots)
		return -1;
	for (size_t i = h & (m->nslots - 1);; i = (i + 1) & (m->nslots - 1)) {
		size_t v = m->slots[i];
		if (!v)
			return -1;
		v--;
		if (m->hash[v] == h && m->len[v] == len &&
		    memcmp(m->names.data + m->off[v], s, len) == 0)
			return (long)v;
	}
}

static int colmap_rehash(struct colmap *m, size_t nslots)
{
	size_t *slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return Q_ENOMEM;
	for (size_t c = 0; c < m->n; c++) {
		size_t i = m->hash[c] & (nslots - 1);
		while (slots[i])
			i = (i + 1) & (nslots - 1);
		slots[i] = c + 1;
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = nslots;
	return 0;
}

static long colmap_add(struct colmap *m, const char *s, size_t len, uint32_t h)
{
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 16;
		size_t *off = realloc(m->off, ncap * sizeof(*off));
		if (off)
			m->off = off;
		size_t *l = realloc(m->len, ncap * sizeof(*l));
		if (l)
			m->len = l;
		uint32_t *hs = realloc(m->hash, ncap * sizeof(*hs));
		if (hs)
			m->hash = hs;
		if (!off || !l || !hs)
			return -1;
		m->cap = ncap;
	}
	if ((m->n + 1) * 2 > m->nslots && colmap_rehash(m, m->nslots ? m->nslots * 2 : 32))
		return -1;
	if (q_buf_append(&m->names, s, len) || q_buf_putc(&m->names, '\0'))
		return -1;
	size_t c = m->n++;
	m->off[c] = m->names.len - len - 1;
	m->len[c] = len;
	m->hash[c] = h;
	size_t i = h & (m->nslots - 1);
	while (m->slots[i])
		i = (i + 1) & (m->nslots - 1);
	m->slots[i] = c + 1;
	return (long)c;
}

static void colmap_release(struct colmap *m)
{
	q_buf_release(&m->names);
	free(m->off);
	free(m->len);
	free(m->hash);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* One kind of loss: how often, and where first. */
struct loss {
	size_t count;
	size_t first_record;
	char first[160];
};

struct q_csv_writer {
	enum q_csv_profile profile;
	char *file;
	struct colmap cols;
	int fixed;	   /* the header is out: no new columns */
	size_t records;	   /* records seen by put */
	json_t **cells;	   /* this record's value per column (borrowed) */
	unsigned *stamp;   /* cells[c] is set when stamp[c] == cur */
	size_t cells_cap;
	unsigned cur;
	int row_lossy;	   /* an empty array or object was met */
	struct q_buf path;
	struct shape shape; /* of the header, to check what reads back */
	struct loss numbers, booleans, differ, skipped, ambiguous;
	size_t learn_index;
	size_t rows;  /* records written as rows (the header comes before the first) */
	int borrowed; /* a fork: file, cols and shape belong to another writer */
};

struct q_csv_writer *q_csv_writer_new(const struct q_emit_opts *opts)
{
	struct q_csv_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->profile = opts ? opts->profile : Q_CSV_RFC4180;
	w->file = strdup(opts && opts->file ? opts->file : "");
	if (!w->file) {
		free(w);
		return NULL;
	}
	q_buf_init(&w->path, 0);
	shape_init(&w->shape);
	return w;
}

void q_csv_writer_free(struct q_csv_writer *w)
{
	if (!w)
		return;
	if (!w->borrowed) {
		colmap_release(&w->cols);
		shape_release(&w->shape);
		free(w->file);
	}
	free(w->cells);
	free(w->stamp);
	q_buf_release(&w->path);
	free(w);
}

static void note(struct loss *l, size_t record, const char *fmt, const char *what)
{
	if (l->count++ == 0) {
		l->first_record = record;
		snprintf(l->first, sizeof(l->first), fmt, what);
	}
}

/* Appends key to the path, escaped: \. and \\, and \ before a key of
 * digits below the top level. */
static void path_key(struct q_buf *p, const char *k, size_t len, int depth)
{
	if (depth > 0) {
		q_buf_putc(p, '.');
		int digits = len > 0;
		for (size_t i = 0; i < len && digits; i++)
			digits = k[i] >= '0' && k[i] <= '9';
		if (digits)
			q_buf_putc(p, '\\');
	}
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		if (k[i] == '.' || k[i] == '\\') {
			q_buf_append(p, k + run, i - run);
			q_buf_putc(p, '\\');
			run = i;
		}
	}
	q_buf_append(p, k + run, len - run);
}

static void path_cut(struct q_buf *p, size_t mark)
{
	p->len = mark;
	if (p->data)
		p->data[mark] = '\0';
}

static void put_index(struct q_buf *p, size_t i)
{
	char d[24];
	size_t n = sizeof(d);
	do
		d[--n] = (char)('0' + i % 10);
	while (i /= 10);
	d[--n] = '.';
	q_buf_append(p, d + n, sizeof(d) - n);
}

static int grow_cells(struct q_csv_writer *w, size_t need)
{
	if (need <= w->cells_cap)
		return 0;
	size_t ncap = w->cells_cap ? w->cells_cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	json_t **c = realloc(w->cells, ncap * sizeof(*c));
	if (c)
		w->cells = c;
	unsigned *s = realloc(w->stamp, ncap * sizeof(*s));
	if (s)
		w->stamp = s;
	if (!c || !s)
		return Q_ENOMEM;
	memset(w->stamp + w->cells_cap, 0, (ncap - w->cells_cap) * sizeof(*s));
	w->cells_cap = ncap;
	return 0;
}

/* The cell of the column at w->path, whose hash is h. */
static int leaf(struct q_csv_writer *w, json_t *v, int learn, uint32_t h, struct q_error *err)
{
	if (w->path.failed)
		return q_error_msg(err, Q_ENOMEM, w->file, "out of memory");
	const char *p = w->path.data ? w->path.data : "";
	long c = colmap_find(&w->cols, p, w->path.len, h);
	if (c < 0) {
		if (w->fixed)
			return q_error_msg(err, Q_EDATA, w->file,
					   "record %zu has a column '%s' that the header "
					   "(taken from the first record) lacks; read the input "
					   "twice to collect every column first",
					   w->records, p);
		c = colmap_add(&w->cols, p, w->path.len, h);
		if (c < 0 || grow_cells(w, w->cols.n))
			return q_error_msg(err, Q_ENOMEM, w->file, "out of memory");
	}
	if (!learn) {
		w->cells[c] = v;
		w->stamp[c] = w->cur;
	}
	return 0;
}

static int flatten(struct q_csv_writer *w, json_t *v, int depth, int learn, uint32_t h,
		   struct q_error *err)
{
	if (depth > Q_MAX_DEPTH)
		return q_error_msg(err, Q_EDATA, w->file, "data nested deeper than %d levels",
				   Q_MAX_DEPTH);
	size_t mark = w->path.len;
	int rc = 0;
	if (json_is_object(v) && (depth == 0 || json_object_size(v))) {
		const char *k;
		size_t klen;
		json_t *child;
		json_object_keylen_foreach(v, k, klen, child) {
			path_key(&w->path, k, klen, depth);
			rc = flatten(w, child, depth + 1, learn,
				     hash_more(h, w->path.data + mark, w->path.len - mark), err);
			path_cut(&w->path, mark);
			if (rc)
				return rc;
		}
	} else if (json_is_array(v) && json_array_size(v)) {
		size_t i;
		json_t *child;
		json_array_foreach(v, i, child) {
			put_index(&w->path, i);
			rc = flatten(w, child, depth + 1, learn,
				     hash_more(h, w->path.data + mark, w->path.len - mark), err);
			path_cut(&w->path, mark);
			if (rc)
				return rc;
		}
	} else if (json_is_object(v) || json_is_array(v)) {
		w->row_lossy = 1; /* empty: no cell can hold it */
	} else {
		rc = leaf(w, v, learn, h, err);
	}
	return rc;
}

int q_csv_writer_learn(struct q_csv_writer *w, json_t *record, struct q_error *err)
{
	if (!json_is_object(record) || w->fixed)
		return 0;
	q_buf_reset(&w->path);
	return flatten(w, record, 0, 1, HASH_START, err);
}

static const char *type_name(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

static int write_header(struct q_csv_writer *w, struct q_buf *out, struct q_error *err)
{
	w->fixed = 1;
	shape_init(&w->shape);
	w->shape.ncols = w->cols.n;
	for (size_t c = 0; c < w->cols.n; c++) {
		const char *why;
		if (c)
			q_buf_putc(out, ',');
		q_csv_put_field(out, w->profile, w->cols.names.data + w->cols.off[c],
				w->cols.len[c], 0);
		if (shape_add(&w->shape, w->cols.names.data + w->cols.off[c], w->cols.len[c],
			      (long)c, &why))
			return q_error_msg(err, Q_ENOMEM, w->file, "out of memory");
	}
	if ((w->cols.n == 0 && shape_node(&w->shape) != 0) || shape_finish(&w->shape))
		return q_error_msg(err, Q_ENOMEM, w->file, "out of memory");
	q_buf_puts(out, q_csv_eol(w->profile));
	return 0;
}

/* The decimal digits of i, as printf's %lld writes them, at the end of
 * buf[32]; returns where they start. */
static char *int_text(json_int_t i, char buf[32], size_t *len)
{
	unsigned long long u = i < 0 ? 0ULL - (unsigned long long)i : (unsigned long long)i;
	char *p = buf + 32;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (i < 0)
		*--p = '-';
	*len = (size_t)(buf + 32 - p);
	return p;
}

/* The text of a scalar as its cell holds it. */
static const char *scalar_text(json_t *v, char buf[32], size_t *len)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		*len = json_string_length(v);
		return json_string_value(v);
	case JSON_INTEGER:
		return int_text(json_integer_value(v), buf, len);
	case JSON_REAL:
		*len = q_format_double(json_real_value(v), buf);
		return buf;
	case JSON_TRUE:
		*len = 4;
		return "true";
	case JSON_FALSE:
		*len = 5;
		return "false";
	default:
		*len = 0;
		return NULL;
	}
}

/* Whether `back` (what the reader builds) equals `orig` but for scalar
 * types; where not, *why says what and where first. */
static int same(json_t *orig, json_t *back, struct q_buf *at, char *why, size_t whylen)
{
	size_t mark = at->len;
	int ok = 1;
	if (json_is_object(orig) || json_is_array(orig)) {
		size_t n = json_is_object(orig) ? json_object_size(orig) : json_array_size(orig);
		if (n == 0) {
			snprintf(why, whylen, "'%s' is an empty %s, which no cell can hold",
				 at->data ? at->data : "",
				 json_is_object(orig) ? "object" : "array");
			return 0;
		}
		if (json_typeof(back) != json_typeof(orig)) {
			snprintf(why, whylen, "'%s' reads back as %s", at->data ? at->data : "",
				 type_name(back));
			return 0;
		}
		if (json_is_object(orig)) {
			const char *k;
			size_t klen;
			json_t *child;
			json_object_keylen_foreach(orig, k, klen, child) {
				path_key(at, k, klen, mark > 0);
				json_t *b = json_object_getn(back, k, klen);
				ok = b ? same(child, b, at, why, whylen) : 0;
				if (!b && (json_is_object(child) || json_is_array(child)))
					same(child, json_null(), at, why, whylen); /* says why */
				else if (!b)
					snprintf(why, whylen, "'%s' does not read back", at->data);
				path_cut(at, mark);
				if (!ok)
					return 0;
			}
			json_object_keylen_foreach(back, k, klen, child) {
				if (!json_object_getn(orig, k, klen)) {
					path_key(at, k, klen, mark > 0);
					snprintf(why, whylen, "'%s' is missing and reads back as null",
						 at->data);
					path_cut(at, mark);
					return 0;
				}
			}
			return 1;
		}
		if (json_array_size(back) != n) {
			snprintf(why, whylen, "'%s' reads back with %zu elements instead of %zu",
				 at->data ? at->data : "", json_array_size(back), n);
			return 0;
		}
		for (size_t i = 0; i < n && ok; i++) {
			put_index(at, i);
			ok = same(json_array_get(orig, i), json_array_get(back, i), at, why, whylen);
			path_cut(at, mark);
		}
		return ok;
	}
	char buf[32];
	size_t len;
	const char *s = scalar_text(orig, buf, &len);
	if (!s ? json_is_null(back)
	       : json_is_string(back) && json_string_length(back) == len &&
			 memcmp(json_string_value(back), s, len) == 0)
		return 1;
	snprintf(why, whylen, "'%s' reads back as %s", at->data ? at->data : "",
		 json_is_null(back) ? "null" : json_is_string(back) ? "another string"
								  : type_name(back));
	return 0;
}

/* Rebuilds the record as the reader will and compares. */
static int check_reads_back(struct q_csv_writer *w, json_t *record, struct q_error *err)
{
	size_t n = w->cols.n;
	char **field = calloc(n + 1, sizeof(*field));
	size_t *len = calloc(n + 1, sizeof(*len));
	unsigned char *null = calloc(n + 1, 1);
	char (*bufs)[32] = calloc(n + 1, sizeof(*bufs));
	int rc = 0;
	if (!field || !len || !null || !bufs) {
		rc = q_error_msg(err, Q_ENOMEM, w->file, "out of memory");
		goto done;
	}
	for (size_t c = 0; c < n; c++) {
		json_t *v = w->stamp[c] == w->cur ? w->cells[c] : NULL;
		const char *s = v ? scalar_text(v, bufs[c], &len[c]) : NULL;
		field[c] = (char *)(s ? s : "");
		null[c] = s == NULL;
		if (n == 1 && null[c])
			null[c] = 0, len[c] = 0; /* written "" so the row is not empty */
	}
	struct q_csv_row row = {n, field, len, null, 0, 0};
	struct q_error ignore;
	q_error_init(&ignore);
	json_t *back = n ? record_of(&w->shape, &row, w->file, &ignore) : NULL;
	char why[160] = "";
	struct q_buf at;
	q_buf_init(&at, 0);
	q_buf_putc(&at, '\0');
	at.len = 0;
	if (!n) {
		snprintf(why, sizeof(why), "a record without any column cannot be written");
	} else if (!back) {
		snprintf(why, sizeof(why), "%.150s", ignore.message);
	} else if (!same(record, back, &at, why, sizeof(why))) {
		/* why is set */
	} else {
		why[0] = '\0';
	}
	if (why[0])
		note(&w->differ, w->records, "%s", why);
	q_buf_release(&at);
	json_decref(back);
done:
	free(field);
	free(len);
	free(null);
	free(bufs);
	return rc;
}

int q_csv_writer_put(struct q_csv_writer *w, json_t *record, struct q_buf *out,
		     struct q_error *err)
{
	w->records++;
	if (!json_is_object(record)) {
		note(&w->skipped, w->records, "%s", type_name(record));
		return 0;
	}
	if (++w->cur == 0) { /* the stamp wrapped: clear them */
		memset(w->stamp, 0, w->cells_cap * sizeof(*w->stamp));
		w->cur = 1;
	}
	w->row_lossy = 0;
	q_buf_reset(&w->path);
	int rc = flatten(w, record, 0, 0, HASH_START, err);
	if (rc)
		return rc;
	w->rows++;
	if (!w->fixed && (rc = write_header(w, out, err)))
		return rc;
	size_t n = w->cols.n, missing = 0;
	for (size_t c = 0; c < n; c++) {
		if (c)
			q_buf_putc(out, ',');
		if (w->stamp[c] != w->cur) {
			missing++;
			q_csv_put_field(out, w->profile, "", 0, n > 1);
			continue;
		}
		json_t *v = w->cells[c];
		char buf[32];
		size_t len;
		const char *s = scalar_text(v, buf, &len);
		if (json_is_number(v))
			note(&w->numbers, w->records, "'%s'", w->cols.names.data + w->cols.off[c]);
		else if (json_is_boolean(v))
			note(&w->booleans, w->records, "'%s'", w->cols.names.data + w->cols.off[c]);
		if (!s && n == 1)
			missing++; /* "" stands for it */
		if (q_csv_put_field(out, w->profile, s ? s : "", len, !s && n > 1))
			note(&w->ambiguous, w->records, "'%s'", w->cols.names.data + w->cols.off[c]);
	}
	if (n)
		q_buf_puts(out, q_csv_eol(w->profile));
	if ((missing || w->row_lossy || n == 0) && (rc = check_reads_back(w, record, err)))
		return rc;
	if (out->failed)
		return q_error_msg(err, out->failed, w->file,
				   out->failed == Q_ETOOBIG ? "output exceeds the size limit"
							    : "out of memory");
	return 0;
}

/*
 * A writer for another thread: the same fixed header (columns and shape,
 * shared read only), cells, path and losses of its own.
 */
static struct q_csv_writer *writer_fork(const struct q_csv_writer *w)
{
	struct q_csv_writer *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->profile = w->profile;
	f->file = w->file;
	f->cols = w->cols;
	f->shape = w->shape;
	f->fixed = 1;
	f->borrowed = 1;
	q_buf_init(&f->path, 0);
	if (grow_cells(f, w->cols.n ? w->cols.n : 1)) {
		q_csv_writer_free(f);
		return NULL;
	}
	return f;
}

/* A fork starts a chunk whose first record is number base + 1. */
static void writer_restart(struct q_csv_writer *f, size_t base)
{
	f->records = base;
	f->rows = 0;
	memset(&f->numbers, 0, sizeof(f->numbers));
	memset(&f->booleans, 0, sizeof(f->booleans));
	memset(&f->differ, 0, sizeof(f->differ));
	memset(&f->skipped, 0, sizeof(f->skipped));
	memset(&f->ambiguous, 0, sizeof(f->ambiguous));
}

/* What a fork counted over a chunk: its losses, records and rows. */
struct tally {
	struct loss numbers, booleans, differ, skipped, ambiguous;
	size_t records, rows;
};

static void tally_of(struct tally *t, const struct q_csv_writer *f)
{
	t->numbers = f->numbers;
	t->booleans = f->booleans;
	t->differ = f->differ;
	t->skipped = f->skipped;
	t->ambiguous = f->ambiguous;
	t->records = f->records;
	t->rows = f->rows;
}

static void merge_loss(struct loss *into, const struct loss *from, size_t base)
{
	if (!from->count)
		return;
	if (!into->count) {
		into->first_record = base + from->first_record;
		memcpy(into->first, from->first, sizeof(into->first));
	}
	into->count += from->count;
}

/* The tally of a chunk that comes after all merged so far; its records
 * are numbered from base + 1. */
static void merge_tally(struct q_csv_writer *w, const struct tally *t, size_t base)
{
	merge_loss(&w->numbers, &t->numbers, base);
	merge_loss(&w->booleans, &t->booleans, base);
	merge_loss(&w->differ, &t->differ, base);
	merge_loss(&w->skipped, &t->skipped, base);
	merge_loss(&w->ambiguous, &t->ambiguous, base);
	w->records = base + t->records;
	w->rows += t->rows;
}

static void warn_loss(const struct q_csv_writer *w, const struct loss *l, const char *what)
{
	if (l->count)
		q_warn(w->file, "%s %zu time%s (first in record %zu: %s)", what, l->count,
		       l->count == 1 ? "" : "s", l->first_record, l->first);
}

int q_csv_writer_finish(struct q_csv_writer *w, struct q_buf *out, struct q_error *err)
{
	int rc = 0;
	if (!w->fixed)
		rc = write_header(w, out, err);
	warn_loss(w, &w->numbers, "csv: numbers become strings when read back:");
	warn_loss(w, &w->booleans, "csv: booleans become strings when read back:");
	warn_loss(w, &w->differ, "csv: records that will not read back as written:");
	warn_loss(w, &w->skipped, "csv: elements that are not objects were left out:");
	warn_loss(w, &w->ambiguous,
		  "csv: strings equal to the BigQuery null marker \\N load as NULL there:");
	if (!rc && out->failed)
		rc = q_error_msg(err, out->failed, w->file,
				 out->failed == Q_ETOOBIG ? "output exceeds the size limit"
							  : "out of memory");
	return rc;
}

int q_csv_emit(json_t *value, const struct q_emit_opts *opts, struct q_buf *out,
	       struct q_error *err)
{
	const char *file = opts && opts->file ? opts->file : "";
	if (!json_is_array(value) && !json_is_object(value)) {
		q_warn(file, "csv: %s is not a table of records: nothing written",
		       type_name(value));
		return 0;
	}
	struct q_csv_writer *w = q_csv_writer_new(opts);
	if (!w)
		return q_error_msg(err, Q_ENOMEM, file, "out of memory");
	int rc = 0;
	if (json_is_object(value)) {
		q_warn(file, "csv: an object, not an array of records: written as one "
			     "record (it reads back as an array of one)");
		rc = q_csv_writer_learn(w, value, err);
		if (!rc)
			rc = q_csv_writer_put(w, value, out, err);
	} else {
		size_t i;
		json_t *rec;
		json_array_foreach(value, i, rec) {
			if ((rc = q_csv_writer_learn(w, rec, err)))
				break;
		}
		if (!rc) {
			json_array_foreach(value, i, rec) {
				if ((rc = q_csv_writer_put(w, rec, out, err)))
					break;
			}
		}
	}
	if (!rc)
		rc = q_csv_writer_finish(w, out, err);
	q_csv_writer_free(w);
	return rc;
}

/* ---- JSON text to CSV ------------------------------------------------------------ */

/*
 * jansson parses every record, in both passes (the columns, then the
 * rows).  Its allocations for a record come from a small arena of the
 * thread that reads it (q_json_arena): the record is freed before the
 * next is read, so the arena starts over.
 */

/*
 * A place where a chunk of the records can start: the first byte of a
 * top-level value on a line of its own, or of an element (not the first)
 * of a top-level array.
 */
struct split {
	size_t pos;
	size_t array_start; /* the '[' of that array, or NO_ARRAY */
	size_t record;	    /* records before it */
};

#define NO_ARRAY SIZE_MAX

/*
 * Where to cut the text into chunks for other threads.  The walk follows
 * strings (from a quote to the next one not taken along by a backslash)
 * and brackets, and nothing else: it reads no value, and on text that
 * is no JSON its places may be wrong.  They are guesses that jansson
 * checks: the chunk before a place must end exactly there, in the state
 * the place says (see chunk_run), or the records from that chunk on are
 * read again on one thread.
 */
struct cutter {
	const char *s;
	size_t len, i;
	int depth;	    /* brackets open outside strings */
	int in_array;	    /* the value at the top is an array */
	size_t array_start; /* its '[' */
	int line_break;	    /* a line break since the last byte at the top */
};

enum { C_OTHER, C_BLANK, C_BREAK, C_QUOTE, C_OPEN, C_CLOSE, C_COMMA };

static const unsigned char cut_class[256] = {
	[' '] = C_BLANK, ['\t'] = C_BLANK, ['\n'] = C_BREAK, ['\r'] = C_BREAK,
	['"'] = C_QUOTE, ['{'] = C_OPEN,   ['['] = C_OPEN,   ['}'] = C_CLOSE,
	[']'] = C_CLOSE, [','] = C_COMMA,
};

/* Past the string whose opening quote is at i; len when it is not closed.
 * A backslash takes the byte after it along (the digits of \u are
 * nothing the walk looks for).  Eight bytes at a time up to a quote or a
 * backslash. */
static size_t skip_string(const char *s, size_t len, size_t i)
{
	for (i++;;) {
		for (; i + 8 <= len; i += 8) {
			uint64_t w = load8(s + i);
			uint64_t m = bytes_equal(w, '"') | bytes_equal(w, '\\');
			if (m) {
				i += (size_t)__builtin_ctzll(m) >> 3;
				break;
			}
		}
		for (; i < len && s[i] != '"' && s[i] != '\\'; i++)
			;
		if (i >= len)
			return len;
		if (s[i] == '"')
			return i + 1;
		i += 2;
	}
}

/* The next quote or bracket from i (len when none), eight bytes at a
 * time: '[' and '{' differ in bit 0x20 only, so do ']' and '}'. */
static size_t next_structure(const char *s, size_t len, size_t i)
{
	for (; i + 8 <= len; i += 8) {
		uint64_t w = load8(s + i), lower = w | (ONES * 0x20);
		uint64_t m = bytes_equal(w, '"') | bytes_equal(lower, '{') | bytes_equal(lower, '}');
		if (m)
			return i + ((size_t)__builtin_ctzll(m) >> 3);
	}
	for (; i < len; i++)
		if (cut_class[(unsigned char)s[i]] == C_QUOTE || cut_class[(unsigned char)s[i]] == C_OPEN ||
		    cut_class[(unsigned char)s[i]] == C_CLOSE)
			return i;
	return len;
}

/* The next place at or past min where a chunk can start; 0 at the end. */
static int cut_next(struct cutter *c, size_t min, struct split *sp)
{
	const char *s = c->s;
	size_t i = c->i, len = c->len;
	while (i < len) {
		/* Inside a record only strings and brackets matter. */
		if (c->depth > 1 || (c->depth == 1 && !c->in_array))
			if ((i = next_structure(s, len, i)) >= len)
				break;
		unsigned char b = (unsigned char)s[i];
		int cls = cut_class[b];
		if (c->depth == 0 && cls != C_BLANK) {
			if (cls == C_BREAK) {
				c->line_break = 1;
				i++;
				continue;
			}
			if (c->line_break && i >= min) {
				c->line_break = 0;
				c->i = i;
				*sp = (struct split){i, NO_ARRAY, 0};
				return 1;
			}
			c->line_break = 0;
		}
		switch (cls) {
		case C_QUOTE:
			i = skip_string(s, len, i);
			continue;
		case C_OPEN:
			if (c->depth++ == 0) {
				c->in_array = b == '[';
				c->array_start = i;
			}
			break;
		case C_CLOSE:
			if (c->depth > 0 && --c->depth == 0)
				c->in_array = 0;
			break;
		case C_COMMA:
			if (c->depth == 1 && c->in_array) {
				size_t j = i + 1;
				while (j < len && (cut_class[(unsigned char)s[j]] == C_BLANK ||
						   cut_class[(unsigned char)s[j]] == C_BREAK))
					j++;
				if (j >= min && j < len) {
					c->i = j;
					*sp = (struct split){j, c->array_start, 0};
					return 1;
				}
				i = j;
				continue;
			}
			break;
		default:
			break;
		}
		i++;
	}
	c->i = len;
	return 0;
}

/* The error q_json_read gives for the value at start (the whole value). */
static int json_error_at(const char *data, size_t len, size_t start, const char *file,
			 struct q_error *err)
{
	json_t *all = NULL;
	int rc = q_json_read(data, len, &start, file, &all, err);
	json_decref(all);
	return rc ? rc : q_error_msg(err, Q_ESYNTAX, file, "invalid JSON");
}

static size_t skip_blanks(const char *data, size_t len, size_t pos, int *line_break)
{
	for (; pos < len && (data[pos] == ' ' || data[pos] == '\t' || data[pos] == '\r' ||
			     data[pos] == '\n');
	     pos++)
		if (line_break)
			*line_break |= data[pos] == '\n' || data[pos] == '\r';
	return pos;
}

/*
 * The records of JSON or NDJSON text, parsed by jansson one at a time:
 * each top-level value, the elements of a top-level array one by one.
 * The rules are q_json_read's (values of a stream on lines of their own),
 * and so are the errors: on any problem the value is read whole to report
 * it.  A cursor can start at a split and stop at the next one; its state
 * (position, where it is, the array it is in) is all that the records
 * after it depend on.
 */
enum { AT_TOP, AT_ELEMENT, AFTER_ELEMENT, AFTER_ARRAY };

struct records {
	const char *data;
	size_t len, pos;
	const char *file;
	int state;
	size_t array_start;
	size_t stop; /* where to stop (at or past it), or SIZE_MAX */
};

static void records_init(struct records *it, const char *data, size_t len, const char *file,
			 const struct split *from, size_t stop)
{
	it->data = data;
	it->len = len;
	it->file = file;
	it->pos = from->pos;
	it->array_start = from->array_start;
	it->state = from->array_start == NO_ARRAY ? AT_TOP : AT_ELEMENT;
	it->stop = stop;
}

/* The next record (a new reference), or NULL at the end or the stop. */
static int records_next(struct records *it, json_t **v, struct q_error *err)
{
	const char *data = it->data;
	size_t len = it->len;
	const size_t flags = JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK |
			     JSON_DECODE_ANY | JSON_ALLOW_NUL;
	*v = NULL;
	for (;;) {
		switch (it->state) {
		case AT_TOP:
			it->pos = skip_blanks(data, len, it->pos, NULL);
			if (it->pos >= len || it->pos >= it->stop)
				return 0;
			if (data[it->pos] != '[') {
				int rc = q_json_read(data, len, &it->pos, it->file, v, err);
				if (!rc && !*v) /* cannot be: the value is not blank */
					rc = q_error_msg(err, Q_EINTERNAL, it->file, "no value");
				return rc;
			}
			/* An array: its elements one by one. */
			it->array_start = it->pos++;
			it->pos = skip_blanks(data, len, it->pos, NULL);
			if (it->pos < len && data[it->pos] == ']') {
				it->pos++;
				it->state = AFTER_ARRAY;
			} else {
				it->state = AT_ELEMENT;
			}
			continue;
		case AT_ELEMENT: {
			if (it->pos >= it->stop)
				return 0;
			json_error_t jerr;
			json_t *e = it->pos < len ? json_loadb(data + it->pos, len - it->pos, flags, &jerr)
						  : NULL;
			if (!e)
				return json_error_at(data, len, it->array_start, it->file, err);
			it->pos += (size_t)jerr.position;
			it->state = AFTER_ELEMENT;
			*v = e;
			return 0;
		}
		case AFTER_ELEMENT:
			it->pos = skip_blanks(data, len, it->pos, NULL);
			if (it->pos < len && data[it->pos] == ',') {
				it->pos = skip_blanks(data, len, it->pos + 1, NULL);
				it->state = AT_ELEMENT;
				continue;
			}
			if (it->pos < len && data[it->pos] == ']') {
				it->pos++;
				it->state = AFTER_ARRAY;
				continue;
			}
			return json_error_at(data, len, it->array_start, it->file, err);
		default: { /* AFTER_ARRAY */
			int line_break = 0;
			size_t next = skip_blanks(data, len, it->pos, &line_break);
			if (next < len && !line_break)
				return json_error_at(data, len, it->array_start, it->file, err);
			it->pos = next;
			it->state = AT_TOP;
			continue;
		}
		}
	}
}

/* Whether a cursor that stopped is where `at` starts, in its state: then
 * the records from there on are those the whole text gives. */
static int stopped_at(const struct records *it, const struct split *at)
{
	if (it->pos != at->pos)
		return 0;
	if (at->array_start == NO_ARRAY)
		return it->state == AT_TOP;
	return it->state == AT_ELEMENT && it->array_start == at->array_start;
}

/*
 * The records from one split to the next (or to the end), parsed, and
 * either learned (pass 1: the columns, into a writer of its own) or
 * written as CSV rows (pass 2: a fork of the main writer sharing its fixed
 * header, or the main writer itself when the chunk is the whole text).
 *
 * Pass 1 also writes the rows of a chunk, into a buffer of its own, when
 * it is given the header as it stands so far (a snapshot): should that
 * turn out to be the whole header, pass 2 writes those rows without
 * reading the records again.  A record with a column the snapshot lacks
 * ends that for the chunk; it is only a guess, never an error.
 */
struct json_chunk {
	const char *data;
	size_t len;
	const char *file;
	struct split from, to; /* to.pos == SIZE_MAX: the end */
	size_t index;	       /* of the chunk in the text */
	int learn;
	struct q_csv_writer *w;
	int own_writer; /* w is a learner or a fork, not the main writer */
	struct q_buf *dest; /* &out, or the caller's buffer */
	int (*flush)(void *ctx, struct q_buf *out, struct q_error *err);
	void *ctx;
	/* Pass 1: rows written with a snapshot of the header, or spec NULL. */
	struct q_csv_writer *spec;
	const struct q_csv_writer *spec_of; /* the snapshot spec forks */
	int spec_on, spec_failed;
	struct q_error spec_err;
	struct q_json_arena arena;
	struct q_buf out;
	struct q_error err;
	int rc;
	int cut_ok;	/* it ended where `to` starts (or at the end) */
	size_t records; /* records met */
};

static void chunk_run(void *ctx, void *task)
{
	struct json_chunk *c = task;
	struct records it;
	int rc;
	(void)ctx;
	q_buf_reset(&c->out);
	q_error_init(&c->err);
	c->records = 0;
	c->spec_failed = 0;
	if (c->own_writer && c->learn)
		colmap_release(&c->w->cols); /* a fresh list of columns */
	else if (c->own_writer)
		writer_restart(c->w, c->from.record);
	if (c->spec_on)
		writer_restart(c->spec, 0); /* numbered from the chunk's start */
	records_init(&it, c->data, c->len, c->file, &c->from, c->to.pos);
	q_json_arena_begin(&c->arena);
	for (;;) {
		json_t *v;
		rc = records_next(&it, &v, &c->err);
		if (rc || !v)
			break;
		c->records++;
		if (c->learn) {
			/* A record whose row the snapshot could write has no
			 * column it lacks: nothing for the chunk's list that the
			 * header will not have (the order of the others is the
			 * same without it). */
			if (!c->spec_on || c->spec_failed ||
			    q_csv_writer_put(c->spec, v, &c->out, &c->spec_err)) {
				c->spec_failed = 1;
				rc = q_csv_writer_learn(c->w, v, &c->err);
			}
		} else {
			rc = q_csv_writer_put(c->w, v, c->dest, &c->err);
			if (!rc && c->flush && c->dest->len >= FLUSH_AT)
				rc = c->flush(c->ctx, c->dest, &c->err);
		}
		json_decref(v);
		q_json_arena_reset(&c->arena);
		if (rc)
			break;
	}
	q_json_arena_end(&c->arena);
	c->rc = rc;
	c->cut_ok = rc || c->to.pos == SIZE_MAX || stopped_at(&it, &c->to);
}

/* A writer that learns the columns of a chunk, for another thread. */
static struct q_csv_writer *writer_learner(const struct q_csv_writer *w)
{
	struct q_csv_writer *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->profile = w->profile;
	f->file = w->file;
	f->borrowed = 1; /* file and shape; its columns are released here */
	q_buf_init(&f->path, 0);
	return f;
}

/* The columns a chunk learned, after those of the chunks before it. */
static int merge_columns(struct q_csv_writer *w, const struct q_csv_writer *f,
			 struct q_error *err)
{
	const struct colmap *m = &f->cols;
	for (size_t c = 0; c < m->n; c++) {
		const char *name = m->names.data + m->off[c];
		if (colmap_find(&w->cols, name, m->len[c], m->hash[c]) < 0 &&
		    colmap_add(&w->cols, name, m->len[c], m->hash[c]) < 0)
			return q_error_msg(err, Q_ENOMEM, w->file, "out of memory");
	}
	return grow_cells(w, w->cols.n) ? q_error_msg(err, Q_ENOMEM, w->file, "out of memory")
					: 0;
}

/* A writer whose fixed header is the columns of w so far (NULL when out
 * of memory): the header pass 2 writes, should no column come later. */
static struct q_csv_writer *writer_snapshot(const struct q_csv_writer *w)
{
	struct q_csv_writer *s = q_csv_writer_new(&(struct q_emit_opts){0, w->profile, w->file});
	struct q_buf scratch;
	struct q_error err;
	if (!s)
		return NULL;
	for (size_t c = 0; c < w->cols.n; c++)
		if (colmap_add(&s->cols, w->cols.names.data + w->cols.off[c], w->cols.len[c],
			       w->cols.hash[c]) < 0)
			goto fail;
	q_buf_init(&scratch, 0);
	q_error_init(&err);
	int rc = write_header(s, &scratch, &err);
	q_buf_release(&scratch);
	if (!rc)
		return s;
fail:
	q_csv_writer_free(s);
	return NULL;
}

/* Rows pass 1 keeps for pass 2, in all: as many bytes as 64 chunks of
 * the input (64 MiB by default), a bound on the memory they take. */
#define KEEP_CHUNKS 64
/* Headers pass 1 writes rows with, at most. */
#define MAX_SNAPSHOTS 8

/* What pass 1 leaves pass 2 about a chunk. */
struct kept {
	struct split from; /* with the number of records before it */
	size_t ncols;	   /* rows kept, written with a header of so many columns; or 0 */
	struct q_buf rows;
	struct tally tally; /* theirs, records numbered from the chunk's start */
};

/* Both passes over the records. */
struct json_pass {
	const char *data;
	size_t len, start;
	struct q_csv_writer *w;
	int threads;
	size_t chunk; /* 0: the whole text as one chunk */
	struct kept *kept; /* every chunk, in order */
	size_t nkept, cap;
	size_t kept_bytes;
	struct q_csv_writer *snaps[MAX_SNAPSHOTS];
	size_t nsnaps;
	int speculate;
	struct q_buf *out;
	int (*flush)(void *ctx, struct q_buf *out, struct q_error *err);
	void *ctx;
};

static struct kept *keep_chunk(struct json_pass *p, const struct split *from)
{
	if (p->nkept == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 64;
		struct kept *n = realloc(p->kept, ncap * sizeof(*n));
		if (!n)
			return NULL;
		p->kept = n;
		p->cap = ncap;
	}
	struct kept *k = &p->kept[p->nkept++];
	memset(k, 0, sizeof(*k));
	k->from = *from;
	q_buf_init(&k->rows, 0);
	return k;
}

/* Rows written with fewer columns than the header has now are no use. */
static void drop_stale(struct json_pass *p)
{
	for (size_t i = 0; i < p->nkept; i++) {
		struct kept *k = &p->kept[i];
		if (k->ncols && k->ncols != p->w->cols.n) {
			p->kept_bytes -= k->rows.len;
			q_buf_release(&k->rows);
			k->ncols = 0;
		}
	}
}

/* The whole text (or its tail from `from`) as one chunk on this thread,
 * with the main writer; pass 2 writes through flush as it goes. */
static int run_inline(struct json_pass *p, const struct split *from, int learn,
		      struct q_error *err)
{
	struct json_chunk c = {0};
	c.data = p->data;
	c.len = p->len;
	c.file = p->w->file;
	c.from = *from;
	c.to = (struct split){SIZE_MAX, NO_ARRAY, 0};
	c.learn = learn;
	c.w = p->w;
	c.dest = p->out;
	c.flush = learn ? NULL : p->flush;
	c.ctx = p->ctx;
	q_buf_init(&c.out, 0);
	chunk_run(NULL, &c);
	q_json_arena_release(&c.arena);
	q_buf_release(&c.out);
	if (c.rc)
		*err = c.err;
	return c.rc;
}

static void chunks_free(struct json_chunk *chunks, size_t depth)
{
	for (size_t k = 0; chunks && k < depth; k++) {
		q_json_arena_release(&chunks[k].arena);
		if (chunks[k].w && chunks[k].learn)
			colmap_release(&chunks[k].w->cols);
		q_csv_writer_free(chunks[k].w);
		q_csv_writer_free(chunks[k].spec);
		q_buf_release(&chunks[k].out);
	}
	free(chunks);
}

static struct json_chunk *chunks_new(struct json_pass *p, size_t depth, int learn)
{
	struct json_chunk *chunks = calloc(depth, sizeof(*chunks));
	for (size_t k = 0; chunks && k < depth; k++) {
		struct json_chunk *c = &chunks[k];
		q_buf_init(&c->out, 0);
		c->data = p->data;
		c->len = p->len;
		c->file = p->w->file;
		c->learn = learn;
		c->dest = &c->out;
		c->own_writer = 1;
		c->w = learn ? writer_learner(p->w) : writer_fork(p->w);
		if (!c->w) {
			chunks_free(chunks, depth);
			return NULL;
		}
	}
	return chunks;
}

/*
 * Pass 1: the columns, chunk by chunk in order, and every chunk noted
 * with where it starts and the records before it.  The first chunk is
 * small and read before the others are handed out, so that they have a
 * header to write their rows with.
 */
static int learn_pass(struct json_pass *p, struct q_error *err)
{
	struct q_csv_writer *w = p->w;
	struct split first = {p->start, NO_ARRAY, 0};
	if (!p->chunk)
		return run_inline(p, &first, 1, err);
	size_t depth = (size_t)p->threads + 2;
	struct json_chunk *chunks = chunks_new(p, depth, 1);
	if (!chunks)
		return q_error_msg(err, Q_ENOMEM, w->file, "out of memory");
	json_object_seed(0); /* before any thread makes an object */
	struct q_pool *pool = p->threads > 1 ? q_pool_new(p->threads, depth, chunk_run, NULL) : NULL;
	struct cutter cut = {p->data, p->len, p->start, 0, 0, 0, 0};
	struct split next = first, end = {SIZE_MAX, NO_ARRAY, 0}, redo = {0};
	size_t submitted = 0, taken = 0, counted = 0;
	int more = 1, stop = 0, serial = 0, rc = 0;
	while (taken < submitted || (!stop && more)) {
		while (!stop && more && submitted - taken < depth && (submitted == 0 || taken > 0)) {
			struct json_chunk *c = &chunks[submitted % depth];
			size_t size = submitted ? p->chunk : (p->chunk + 15) / 16;
			c->from = next;
			if (!cut_next(&cut, next.pos + size, &c->to))
				c->to = end;
			c->index = submitted;
			next = c->to;
			more = c->to.pos != SIZE_MAX;
			submitted++;
			/* The rows too, with the newest snapshot of the header. */
			const struct q_csv_writer *snap = p->speculate && p->nsnaps
								  ? p->snaps[p->nsnaps - 1] : NULL;
			if (snap && c->spec_of != snap) {
				q_csv_writer_free(c->spec);
				c->spec = writer_fork(snap);
				c->spec_of = c->spec ? snap : NULL;
			}
			c->spec_on = snap && c->spec_of == snap;
			if (pool)
				q_pool_submit(pool, c);
			else
				chunk_run(NULL, c); /* no thread: the same work, here */
		}
		struct json_chunk *c = pool ? q_pool_take(pool) : &chunks[taken % depth];
		taken++;
		if (stop)
			continue;
		if (!c->cut_ok) {
			/* The text is not what the cut took it for: this chunk
			 * and those after it again, on this thread. */
			redo = c->from;
			redo.record = counted;
			serial = stop = 1;
			continue;
		}
		if (c->rc) {
			rc = c->rc;
			*err = c->err;
			stop = 1;
			continue;
		}
		size_t had = w->cols.n;
		struct split from = c->from;
		from.record = counted;
		counted += c->records;
		struct kept *k = keep_chunk(p, &from);
		if (!k || (rc = merge_columns(w, c->w, err))) {
			if (!rc)
				rc = q_error_msg(err, Q_ENOMEM, w->file, "out of memory");
			stop = 1;
			continue;
		}
		if (c->spec_on && !c->spec_failed && p->kept_bytes + c->out.len > KEEP_CHUNKS * p->chunk) {
			p->speculate = 0; /* no room for more */
		} else if (c->spec_on && !c->spec_failed) {
			k->ncols = c->spec->cols.n;
			k->rows = c->out;
			q_buf_init(&c->out, 0);
			tally_of(&k->tally, c->spec);
			p->kept_bytes += k->rows.len;
		}
		if (w->cols.n != had)
			drop_stale(p);
		if (p->speculate && (!p->nsnaps || p->snaps[p->nsnaps - 1]->cols.n != w->cols.n)) {
			/* A new header to write rows with; past a few, none. */
			struct q_csv_writer *snap =
				p->nsnaps < MAX_SNAPSHOTS ? writer_snapshot(w) : NULL;
			if (snap)
				p->snaps[p->nsnaps++] = snap;
			else
				p->speculate = 0;
		}
	}
	q_pool_free(pool);
	chunks_free(chunks, depth);
	if (serial) {
		if (!keep_chunk(p, &redo))
			return q_error_msg(err, Q_ENOMEM, w->file, "out of memory");
		rc = run_inline(p, &redo, 1, err);
		drop_stale(p);
	}
	return rc;
}

/* Pass 2: the rows, chunk by chunk in order: those pass 1 kept as they
 * are, the others read again on the workers. */
static int write_pass(struct json_pass *p, struct q_error *err)
{
	struct q_csv_writer *w = p->w;
	struct split first = {p->start, NO_ARRAY, 0}, end = {SIZE_MAX, NO_ARRAY, 0};
	if (p->nkept < 2 && !(p->nkept == 1 && p->kept[0].ncols))
		return run_inline(p, &first, 0, err);
	size_t depth = (size_t)p->threads + 2, n = w->cols.n;
	struct json_chunk *chunks = NULL;
	struct q_buf head;
	struct q_pool *pool = NULL;
	int rc = 0;
	q_buf_init(&head, 0);
	/* The header, written where the serial pass writes it: before the
	 * first row, or at the end when there is none.  The forks share it. */
	if ((rc = write_header(w, &head, err)))
		goto done;
	if (!(chunks = chunks_new(p, depth, 0))) {
		rc = q_error_msg(err, Q_ENOMEM, w->file, "out of memory");
		goto done;
	}
	if (p->threads > 1)
		pool = q_pool_new(p->threads, depth, chunk_run, NULL);
	size_t next = 0, emit = 0, submitted = 0, taken = 0;
	int head_out = 0;
	while (emit < p->nkept && !rc) {
		while (next < p->nkept && submitted - taken < depth) {
			if (p->kept[next].ncols == n) {
				next++;
				continue;
			}
			struct json_chunk *c = &chunks[submitted % depth];
			c->from = p->kept[next].from;
			c->to = next + 1 < p->nkept ? p->kept[next + 1].from : end;
			c->index = next++;
			submitted++;
			if (pool)
				q_pool_submit(pool, c);
			else
				chunk_run(NULL, c);
		}
		struct kept *k = &p->kept[emit];
		struct q_buf *rows;
		int crc = 0;
		if (k->ncols == n) {
			merge_tally(w, &k->tally, k->from.record);
			rows = &k->rows;
		} else {
			struct json_chunk *c = pool ? q_pool_take(pool) : &chunks[taken % depth];
			taken++;
			if (c->index != emit || !c->cut_ok) {
				rc = q_error_msg(err, Q_EINTERNAL, w->file,
						 "records split at the wrong place");
				break;
			}
			struct tally t;
			tally_of(&t, c->w);
			merge_tally(w, &t, 0);
			rows = &c->out;
			if ((crc = c->rc))
				*err = c->err;
		}
		emit++;
		if (!head_out && w->rows) {
			q_buf_append(p->out, head.data, head.len);
			head_out = 1;
		}
		if (crc) {
			q_buf_append(p->out, rows->data ? rows->data : "", rows->len);
			rc = crc;
		} else {
			rc = put_chunk(p->out, rows, 0, p->flush, p->ctx, err);
		}
		if (rows == &k->rows)
			q_buf_release(rows);
		if (!rc && p->out->failed)
			rc = q_error_msg(err, p->out->failed, w->file,
					 p->out->failed == Q_ETOOBIG ? "output exceeds the size limit"
								     : "out of memory");
	}
	if (!rc && !head_out)
		q_buf_append(p->out, head.data, head.len);
done:
	q_pool_free(pool);
	chunks_free(chunks, depth);
	q_buf_release(&head);
	return rc;
}

int q_csv_from_json(const char *data, size_t len, const struct q_emit_opts *opts,
		    struct q_buf *out,
		    int (*flush)(void *ctx, struct q_buf *out, struct q_error *err),
		    void *ctx, struct q_error *err)
{
	const char *file = opts && opts->file ? opts->file : "";
	if (memchr(data, '\0', len)) {
		/* A raw NUL byte is no JSON (jansson's parser of one element may
		 * stop at it): let the whole-value reader say where. */
		size_t at = 0;
		json_t *v;
		int rc;
		while ((rc = q_json_read(data, len, &at, file, &v, err)) == 0 && v)
			json_decref(v);
		if (rc)
			return rc;
	}
	struct q_csv_writer *w = q_csv_writer_new(opts);
	if (!w)
		return q_error_msg(err, Q_ENOMEM, file, "out of memory");
	size_t chunk = q_chunk_bytes();
	struct json_pass p = {0};
	p.data = data;
	p.len = len;
	/* A leading byte order mark is skipped, once, as q_json_read does. */
	p.start = len >= 3 && memcmp(data, bom, 3) == 0 ? 3 : 0;
	p.w = w;
	p.threads = q_threads();
	p.chunk = len / 2 >= chunk ? chunk : 0;
	p.speculate = 1;
	p.out = out;
	p.flush = flush;
	p.ctx = ctx;
	q_json_arena_hooks();
	/* Pass 1: the columns; pass 2: the rows. */
	int rc = learn_pass(&p, err);
	if (!rc)
		rc = write_pass(&p, err);
	for (size_t i = 0; i < p.nkept; i++)
		q_buf_release(&p.kept[i].rows);
	free(p.kept);
	for (size_t i = 0; i < p.nsnaps; i++)
		q_csv_writer_free(p.snaps[i]);
	if (!rc)
		rc = q_csv_writer_finish(w, out, err);
	q_csv_writer_free(w);
	return rc;
}

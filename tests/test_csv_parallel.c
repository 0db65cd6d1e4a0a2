/*
 * test_csv_parallel.c — the CSV conversions that cut their input into
 * chunks for worker threads write the same bytes, the same warnings and
 * the same error whatever the number of threads and the size of the
 * chunks: JSON and NDJSON → CSV (q_csv_from_json) against its serial pass
 * and q_csv_emit, CSV → JSON and NDJSON (q_csv_to_json) against the
 * streaming reader and the JSON writer.  Inputs are generated (nested
 * objects, arrays, nulls, "", missing keys, unicode, quotes, line breaks
 * in fields, CRLF, lone CR, a BOM) and then broken in the middle.
 */
#include "converters/converters.h"
#include "tests/check.h"

#include <stdlib.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------- */

static unsigned long long rng_state = 20221121;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}


static void set_threads(int threads, size_t chunk)
{
	char t[32], c[32];
	snprintf(t, sizeof(t), "%d", threads);
	snprintf(c, sizeof(c), "%zu", chunk);
	setenv("QUARRY_THREADS", t, 1);
	setenv("QUARRY_CHUNK_BYTES", c, 1);
}

/* What one conversion gave: bytes, stderr, code and error. */
struct result {
	struct q_buf out;
	char *warnings;
	int rc;
	struct q_error err;
	int declined;
};

static void result_release(struct result *r)
{
	q_buf_release(&r->out);
	free(r->warnings);
}

static int same_result(const struct result *a, const struct result *b, char *why, size_t n)
{
	if (a->rc != b->rc) {
		snprintf(why, n, "rc %d, want %d (%s)", a->rc, b->rc, a->err.message);
		return 0;
	}
	if (a->declined != b->declined) {
		snprintf(why, n, "declined %d, want %d", a->declined, b->declined);
		return 0;
	}
	if (a->out.len != b->out.len ||
	    (a->out.len && memcmp(a->out.data, b->out.data, a->out.len) != 0)) {
		size_t i = 0;
		while (i < a->out.len && i < b->out.len && a->out.data[i] == b->out.data[i])
			i++;
		snprintf(why, n, "output differs at byte %zu of %zu (want %zu): '%.40s' vs '%.40s'", i,
			 a->out.len, b->out.len, a->out.data ? a->out.data + i : "",
			 b->out.data ? b->out.data + i : "");
		return 0;
	}
	if (strcmp(a->warnings, b->warnings) != 0) {
		snprintf(why, n, "warnings '%.200s', want '%.200s'", a->warnings, b->warnings);
		return 0;
	}
	if (a->rc && (a->err.code != b->err.code || a->err.line != b->err.line ||
		      a->err.column != b->err.column || a->err.offset != b->err.offset ||
		      strcmp(a->err.message, b->err.message) != 0 ||
		      strcmp(a->err.file, b->err.file) != 0)) {
		snprintf(why, n, "error %ld:%ld@%lld '%.200s', want %ld:%ld@%lld '%.200s'", a->err.line,
			 a->err.column, a->err.offset, a->err.message, b->err.line, b->err.column,
			 b->err.offset, b->err.message);
		return 0;
	}
	return 1;
}

/* Counts the flushes and checks that each one comes with a full MiB. */
static int flushes;
static int take_flush(void *ctx, struct q_buf *out, struct q_error *err)
{
	struct q_buf *all = ctx;
	(void)err;
	flushes++;
	q_buf_append(all, out->data, out->len);
	q_buf_reset(out);
	return 0;
}

/* JSON text to CSV through q_csv_from_json; flushed output joined. */
static void from_json(const char *text, size_t len, int threads, size_t chunk,
		      struct result *r)
{
	struct q_emit_opts o = {0, Q_CSV_RFC4180, "in.json"};
	struct q_buf tail;
	set_threads(threads, chunk);
	q_buf_init(&r->out, 0);
	q_buf_init(&tail, 0);
	q_error_init(&r->err);
	r->declined = 0;
	capture_start();
	r->rc = q_csv_from_json(text, len, &o, &tail, take_flush, &r->out, &r->err);
	r->warnings = capture_end();
	q_buf_append(&r->out, tail.data ? tail.data : "", tail.len);
	q_buf_release(&tail);
}

enum { PRETTY, COMPACT, NDJSON };

/* CSV text to JSON through q_csv_to_json. */
static void to_json(const char *text, size_t len, int mode, int threads, size_t chunk,
		    struct result *r)
{
	struct q_emit_opts o = {mode == COMPACT, Q_CSV_RFC4180, "in.csv"};
	struct q_buf tail;
	set_threads(threads, chunk);
	q_buf_init(&r->out, 0);
	q_buf_init(&tail, 0);
	q_error_init(&r->err);
	capture_start();
	r->rc = q_csv_to_json(text, len, &o, mode == NDJSON, &tail, take_flush, &r->out,
			      &r->declined, &r->err);
	r->warnings = capture_end();
	q_buf_append(&r->out, tail.data ? tail.data : "", tail.len);
	q_buf_release(&tail);
}

/* The same through the streaming reader, a json_t per record and the
 * array writer: what `quarry convert` wrote before, record by record. */
static void to_json_by_tree(const char *text, size_t len, int mode, struct result *r)
{
	struct q_emit_opts o = {mode == COMPACT, Q_CSV_RFC4180, "in.csv"};
	q_buf_init(&r->out, 0);
	q_error_init(&r->err);
	r->declined = 0;
	capture_start();
	struct q_csv_reader *rd = q_csv_reader_new(text, len, "in.csv");
	json_t *rec = NULL;
	int rc = q_csv_reader_next(rd, &rec, &r->err);
	if (!rc && (rec || q_csv_reader_columns(rd) > 0)) {
		struct q_array_writer *w = NULL;
		rc = q_array_writer_open(&w, q_format_find(mode == NDJSON ? "ndjson" : "json"), &o,
					 &r->out, &r->err);
		while (!rc && rec) {
			rc = q_array_writer_item(w, rec, &r->err);
			json_decref(rec);
			rec = NULL;
			if (!rc)
				rc = q_csv_reader_next(rd, &rec, &r->err);
		}
		json_decref(rec);
		int crc = q_array_writer_close(w, rc == 0, &r->err);
		if (!rc)
			rc = crc;
	}
	q_csv_reader_free(rd);
	r->rc = rc;
	r->warnings = capture_end();
}

static const int thread_counts[] = {1, 2, 4};
static const size_t chunk_sizes[] = {1, 7, 100, 4096, (size_t)1 << 20};
/* Large inputs skip the tiniest chunks (one task per record is slow). */
static size_t first_chunk(size_t len)
{
	return len > 200000 ? 3 : 0;
}
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* JSON → CSV under every setting equals the serial pass (threads 1, the
 * default chunk); *want gets that. */
static int from_json_everywhere(const char *name, const char *text, size_t len,
				struct result *want)
{
	char why[1200];
	int ok = 1;
	from_json(text, len, 1, (size_t)1 << 20, want);
	for (size_t t = 0; t < NELEM(thread_counts) && ok; t++) {
		for (size_t c = first_chunk(len); c < NELEM(chunk_sizes) && ok; c++) {
			struct result got;
			from_json(text, len, thread_counts[t], chunk_sizes[c], &got);
			if (!same_result(&got, want, why, sizeof(why))) {
				printf("  %s: %d threads, chunks of %zu: %s\n", name, thread_counts[t],
				       chunk_sizes[c], why);
				ok = 0;
			}
			result_release(&got);
		}
	}
	return ok;
}

/* CSV → JSON under every setting and mode equals the tree's way. */
static int to_json_everywhere(const char *name, const char *text, size_t len)
{
	char why[1200];
	int ok = 1;
	for (int mode = PRETTY; mode <= NDJSON && ok; mode++) {
		struct result want;
		to_json_by_tree(text, len, mode, &want);
		for (size_t t = 0; t < NELEM(thread_counts) && ok; t++) {
			for (size_t c = first_chunk(len); c < NELEM(chunk_sizes) && ok; c++) {
				struct result got;
				to_json(text, len, mode, thread_counts[t], chunk_sizes[c], &got);
				if (!same_result(&got, &want, why, sizeof(why))) {
					printf("  %s: mode %d, %d threads, chunks of %zu: %s\n", name,
					       mode, thread_counts[t], chunk_sizes[c], why);
					ok = 0;
				}
				result_release(&got);
			}
		}
		result_release(&want);
	}
	return ok;
}

/* ---- generated records ----------------------------------------------------- */

static const char *const keys[] = {"id", "name", "note", "tags", "geo", "a.b", "\\\\x",
				   "é", "empty", "7", "q\\\"[{,", "last"};
static const char *const strings[] = {
	"plain", "", " lead", "trail ", "comma, inside", "quote \\\" inside",
	"line\\nbreak", "crlf\\r\\nbreak", "caf\xc3\xa9", "\\u00e9t\\u00e9", "\\ud83d\\ude00",
	"\xf0\x9f\x98\x80 smile", "\\\\N", "tab\\tin", "\\u0001ctl", "\\\"quoted\\\"",
	/* What the cut must see through: backslashes before a closing
	 * quote, brackets and commas inside strings. */
	"\\\\", "ends in \\\\\\\\", "br[ack{ets}], \\\"x\\\": [", "\\\\\\\"]},{\\\\",
};

static void gen_value(struct q_buf *b, int depth);

static void gen_object(struct q_buf *b, int depth, int record)
{
	size_t nk = NELEM(keys);
	int any = 0;
	q_buf_putc(b, '{');
	for (size_t k = 0; k < nk; k++) {
		/* Missing keys, mostly present. */
		if (rnd(record ? 5 : 3) == 0)
			continue;
		if (!record && k > 4)
			break;
		q_buf_printf(b, "%s\"%s\": ", any++ ? ", " : "", keys[k]);
		gen_value(b, depth + 1);
	}
	q_buf_putc(b, '}');
}

static void gen_value(struct q_buf *b, int depth)
{
	unsigned k = rnd(depth > 2 ? 7 : 10);
	switch (k) {
	case 0:
		q_buf_puts(b, "null");
		break;
	case 1:
		q_buf_printf(b, "%d", (int)rnd(2000) - 1000);
		break;
	case 2:
		q_buf_puts(b, rnd(2) ? "true" : "false");
		break;
	case 3:
		q_buf_printf(b, "%u.%u", rnd(100), rnd(1000));
		break;
	case 4:
	case 5:
	case 6:
		q_buf_printf(b, "\"%s\"", strings[rnd(NELEM(strings))]);
		break;
	case 7:
		gen_object(b, depth, 0);
		break;
	case 8: {
		unsigned n = rnd(4);
		q_buf_putc(b, '[');
		for (unsigned i = 0; i < n; i++) {
			if (i)
				q_buf_puts(b, ", ");
			gen_value(b, depth + 1);
		}
		q_buf_putc(b, ']');
		break;
	}
	default:
		q_buf_puts(b, rnd(2) ? "{}" : "[]");
	}
}

/* n records as a JSON array (ndjson 0) or NDJSON lines, some of them
 * arrays of records (ndjson 1); now and then an element that is no record. */
static void gen_records(struct q_buf *b, int n, int ndjson)
{
	if (!ndjson)
		q_buf_puts(b, "[");
	for (int i = 0; i < n; i++) {
		if (!ndjson)
			q_buf_puts(b, i ? ",\n  " : "\n  ");
		if (ndjson && rnd(8) == 0) {
			q_buf_puts(b, "[");
			gen_object(b, 0, 1);
			q_buf_puts(b, ", ");
			gen_object(b, 0, 1);
			q_buf_puts(b, "]");
		} else if (rnd(30) == 0) {
			gen_value(b, 3);
		} else {
			gen_object(b, 0, 1);
		}
		if (ndjson)
			q_buf_puts(b, rnd(5) ? "\n" : "\r\n");
	}
	if (!ndjson)
		q_buf_puts(b, "\n]\n");
}

/* ---- JSON → CSV ------------------------------------------------------------- */

static void test_from_json(void)
{
	char name[128];
	for (int ndjson = 0; ndjson <= 1; ndjson++) {
		for (int round = 0; round < 4; round++) {
			struct q_buf b;
			struct result want;
			q_buf_init(&b, 0);
			if (round == 3)
				q_buf_puts(&b, "\xEF\xBB\xBF");
			gen_records(&b, round == 0 ? 3 : 150 * round, ndjson);
			snprintf(name, sizeof(name), "%s to CSV, %d: any threads, any chunks",
				 ndjson ? "NDJSON" : "JSON", round);
			int ok = from_json_everywhere(name, b.data, b.len, &want);
			CHECK(name, ok && want.rc == 0);
			if (round == 2) {
				snprintf(name, sizeof(name), "%s to CSV: warnings with counts",
					 ndjson ? "NDJSON" : "JSON");
				CHECK(name, strstr(want.warnings, "numbers become strings") &&
						    strstr(want.warnings, "will not read back"));
				/* And as q_csv_emit writes the parsed whole. */
				json_t *all = json_array(), *v;
				size_t pos = 0;
				struct q_error err;
				q_error_init(&err);
				while (q_json_read(b.data, b.len, &pos, "in.json", &v, &err) == 0 && v) {
					if (json_is_array(v))
						json_array_extend(all, v);
					else
						json_array_append(all, v);
					json_decref(v);
				}
				struct result emit;
				struct q_emit_opts o = {0, Q_CSV_RFC4180, "in.json"};
				q_buf_init(&emit.out, 0);
				capture_start();
				emit.rc = q_csv_emit(all, &o, &emit.out, &err);
				emit.warnings = capture_end();
				emit.declined = 0;
				char why[1200];
				snprintf(name, sizeof(name), "%s to CSV: as q_csv_emit of the whole",
					 ndjson ? "NDJSON" : "JSON");
				int same = same_result(&want, &emit, why, sizeof(why));
				CHECK(name, same);
				if (!same)
					printf("  %s\n", why);
				result_release(&emit);
				json_decref(all);
			}
			result_release(&want);
			q_buf_release(&b);
		}
	}

	/* Many records: chunks of the default size on real threads, flushed
	 * a MiB at a time. */
	struct q_buf big;
	q_buf_init(&big, 0);
	q_buf_putc(&big, '[');
	for (int i = 0; i < 30000; i++)
		q_buf_printf(&big, "%s{\"id\": %d, \"name\": \"%s\", \"geo\": {\"lat\": %d.%d, \"lon\": null}, "
			     "\"tags\": [\"x\", \"%s\"], \"ok\": %s}",
			     i ? ",\n" : "\n", i, strings[rnd(NELEM(strings))], i % 90, i % 7,
			     strings[rnd(NELEM(strings))], rnd(2) ? "true" : "false");
	q_buf_puts(&big, "\n]\n");
	struct result want;
	flushes = 0;
	int ok = from_json_everywhere("JSON to CSV, 30000 records", big.data, big.len, &want);
	CHECK("JSON to CSV, 30000 records: any threads, any chunks", ok && want.rc == 0);
	CHECK("JSON to CSV, 30000 records: flushed as it goes", flushes > 1);
	result_release(&want);
	q_buf_release(&big);

	/* A column first met late (in the middle, in the last record), or
	 * columns met now and then all along: the rows pass 1 wrote with the
	 * header as it stood are not the ones to keep. */
	static const char *const late[] = {"middle", "last", "often"};
	for (size_t k = 0; k < NELEM(late); k++) {
		struct q_buf b;
		q_buf_init(&b, 0);
		q_buf_putc(&b, '[');
		for (int i = 0; i < 6000; i++) {
			q_buf_printf(&b, "%s{\"id\": %d, \"v\": {\"x\": \"%d\"}", i ? ",\n" : "\n", i, i);
			if ((k == 0 && i == 3000) || (k == 1 && i == 5999))
				q_buf_puts(&b, ", \"late\": {\"y\": 1}");
			if (k == 2 && i % 500 == 499)
				q_buf_printf(&b, ", \"c%d\": null", i / 500);
			q_buf_putc(&b, '}');
		}
		q_buf_puts(&b, "\n]\n");
		snprintf(name, sizeof(name), "JSON to CSV, a column met late (%s): any threads, any chunks",
			 late[k]);
		ok = from_json_everywhere(name, b.data, b.len, &want);
		CHECK(name, ok && want.rc == 0);
		/* With real chunks: the default, and small ones for which
		 * the rows kept outgrow their bound. */
		for (size_t c = 0; c < 2; c++) {
			struct result got;
			char why[1200];
			from_json(b.data, b.len, 2, c ? 4096 : 65536, &got);
			snprintf(name, sizeof(name), "JSON to CSV, a column met late (%s), chunks of %d",
				 late[k], c ? 4096 : 65536);
			int same = same_result(&got, &want, why, sizeof(why));
			CHECK(name, same);
			if (!same)
				printf("  %s\n", why);
			result_release(&got);
		}
		result_release(&want);
		q_buf_release(&b);
	}

	/* Broken in the middle: the first error, whatever the chunks. */
	static const char *const breaks[] = {
		"{\"a\": 1,}",		     /* jansson's error, read whole */
		"{\"a\": tru}",		     /* a word cut short */
		"{\"k\": 1, \"k\": 2}",	     /* duplicate key */
		"{\"s\": \"\xff\"}",	     /* invalid UTF-8 */
		"{\"a\": 1} {\"b\": 2}",     /* no comma */
		"1true",		     /* a value jansson ends early */
		"{\"a\": \"\\u12\"}",	     /* a bad escape */
		"{\"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]"
		"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
		"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", /* deeper than the writer goes */
	};
	int in_pass2 = 0;
	for (size_t k = 0; k < NELEM(breaks); k++) {
		for (int ndjson = 0; ndjson <= 1; ndjson++) {
			struct q_buf b;
			q_buf_init(&b, 0);
			if (!ndjson)
				q_buf_puts(&b, "[\n");
			for (int i = 0; i < 400; i++) {
				const char *sep = ndjson ? "\n" : i < 399 ? ",\n" : "\n";
				if (i == 250)
					q_buf_printf(&b, "%s%s", breaks[k], sep);
				else
					q_buf_printf(&b, "{\"id\": \"%d\", \"v\": {\"x\": %d, \"t\": \"a,b\"}}%s",
						     i, i, sep);
			}
			if (!ndjson)
				q_buf_puts(&b, "]\n");
			snprintf(name, sizeof(name), "%s to CSV, broken by %.12s: same error and output",
				 ndjson ? "NDJSON" : "JSON", breaks[k]);
			ok = from_json_everywhere(name, b.data, b.len, &want);
			CHECK(name, ok && want.rc != 0);
			/* Pass 1 reads every record: nothing is written. */
			in_pass2 += want.out.len > 0;
			result_release(&want);
			q_buf_release(&b);
		}
	}
	CHECK("JSON to CSV: errors found before any row is written", in_pass2 == 0);
	/* Text after the array on its line, at the very end. */
	const char *after = "[{\"a\": 1},\n{\"a\": 2}] {\"a\": 3}\n";
	ok = from_json_everywhere("JSON to CSV, text after the array", after, strlen(after), &want);
	CHECK("JSON to CSV, text after the array: same error", ok && want.rc == Q_ESYNTAX);
	result_release(&want);
}

/* ---- CSV → JSON ---------------------------------------------------------------- */

/* The CSV q_csv_emit writes for generated records (quoted line breaks,
 * "", nulls, dotted and index columns). */
static void gen_csv(struct q_buf *csv, int n, enum q_csv_profile profile)
{
	struct q_buf b;
	q_buf_init(&b, 0);
	gen_records(&b, n, 0);
	json_error_t jerr;
	json_t *v = json_loadb(b.data, b.len, 0, &jerr);
	if (!v)
		printf("  bad generated JSON: %s\n", jerr.text);
	struct q_emit_opts o = {0, profile, "in.json"};
	struct q_error err;
	q_error_init(&err);
	capture_start();
	q_csv_emit(v, &o, csv, &err);
	free(capture_end());
	json_decref(v);
	q_buf_release(&b);
}

static void test_to_json(void)
{
	char name[160];
	/* Generated tables, CRLF (rfc4180) and LF (postgres). */
	for (int round = 0; round < 4; round++) {
		struct q_buf csv;
		q_buf_init(&csv, 0);
		if (round == 2)
			q_buf_puts(&csv, "\xEF\xBB\xBF");
		gen_csv(&csv, round == 0 ? 2 : 120 * round, round % 2 ? Q_CSV_POSTGRES : Q_CSV_RFC4180);
		snprintf(name, sizeof(name), "CSV to JSON, generated %d: any threads, any chunks, any mode",
			 round);
		CHECK(name, to_json_everywhere(name, csv.data, csv.len));
		q_buf_release(&csv);
	}

	/* Hand-made tables. */
	static const struct {
		const char *name, *csv;
	} cases[] = {
		{"a quoted field spanning chunks",
		 "a,b\n1,\"x\ny\nz, \"\"q\"\"\n\n,\"\n2,\"\n,3\n4,\"\"\n"},
		{"CRLF", "a,b\r\n1,2\r\n\"3\r\n\",\r\n,\r\n"},
		{"lone CR", "a,b\r1,2\r3,4\n5,6\r\r7,8"},
		{"blank lines", "\n\na,b\n\n1,2\n\r\n\n3,4\n\n"},
		{"BOM", "\xEF\xBB\xBFid,t\n1,\xC3\xA9t\xC3\xA9\n"},
		{"partial BOM", "\xEF\xBBid,t\n1,x\n"},
		{"bare quotes in unquoted fields", "a,b\nx\"y,\"z\"\"\"\nab\"\"c,d\n"},
		{"nested and arrays", "id,geo.lat,geo.lon,tags.0,tags.1,m.0.1,x.\\7,a\\.b\n"
				      "1,2,3,a,b,c,d,e\n2,,,,,,,\n3,,4,\"\",,x,,\n"},
		{"a column and columns below it",
		 "a,a.b,a.c,d\n1,,,x\n,2,,y\n,,,z\n,\"\",,\n"},
		{"one column", "only\n\"\"\nx\n\n"},
		{"header only", "a,b,c\n"},
		{"header without line end", "a,b"},
		{"no last line end", "a,b\n1,2"},
		{"blank", " \n\n"},
		{"empty", ""},
		{"NUL bytes", "a,b\n1,x\0y\n"},
		{"unicode keys and values", "\xC3\xA9,\xF0\x9F\x98\x80\n\xE2\x82\xAC,\"\xE2\x80\xA8\"\n"},
		{"control characters", "a\n\"\x01\t\x1f\"\n"},
		/* Errors, each after rows that convert. */
		{"ragged row", "a,b\n1,2\n3,4\n5\n6,7\n"},
		{"text after a closing quote", "a,b\n1,2\n\"x\",\"y\"z\n3,4\n"},
		{"invalid UTF-8", "a,b\n1,2\n3,\xff\n"},
		{"unclosed quote", "a,b\n1,2\n3,\"open\n4,5\n"},
		{"conflict", "a,a.b\n1,\n,2\n1,2\n3,\n"},
		{"conflict deep", "a,a.b,a.b.c,a.d\n,,,\n,1,2,\n"},
		{"bad header", "a,a\n1,2\n"},
		{"bad header UTF-8", "a,\xfe\n1,2\n"},
		{"error in the header line", "a,\"b\"c\n1,2\n"},
		{"error after a lone CR", "a,b\r1,2\r3\r4,5\n"},
	};
	for (size_t k = 0; k < NELEM(cases); k++) {
		size_t len = strlen(cases[k].csv);
		if (strcmp(cases[k].name, "NUL bytes") == 0)
			len = 11;
		snprintf(name, sizeof(name), "CSV to JSON, %s: same bytes and error", cases[k].name);
		CHECK(name, to_json_everywhere(name, cases[k].csv, len));
	}

	/* Long inputs: rows cut across the 64 KiB slices of the reader, lone CR
	 * rows, and an error far in. */
	for (int k = 0; k < 4; k++) {
		struct q_buf csv;
		q_buf_init(&csv, 0);
		q_buf_puts(&csv, "id,text,n.x\n");
		for (int i = 0; i < 6000; i++) {
			if (k == 1 && i == 4321)
				q_buf_puts(&csv, "broken,\"x\"y,\n");
			else if (k == 2 && i == 5000)
				q_buf_puts(&csv, "1,2\r\n");
			else if (k == 3)
				/* Cuts at line ends are right for long, then wrong. */
				q_buf_printf(&csv, i > 4000 && i % 50 < 3 ? "%d,\"a\nb\n%d\",\n" : "%d,t%d,\n", i, i);
			else
				q_buf_printf(&csv, "%d,\"line %d\n%s\",%s%s", i, i,
					     i % 3 ? "more, text" : "\"\"", i % 4 ? "v" : "",
					     i % 7 == 0 ? "\r" : i % 5 ? "\n" : "\r\n");
		}
		snprintf(name, sizeof(name), "CSV to JSON, 6000 rows %s: same bytes and error",
			 k == 0 ? "" : k == 1 ? "broken" : k == 2 ? "ragged" : "quoted late");
		CHECK(name, to_json_everywhere(name, csv.data, csv.len));
		q_buf_release(&csv);
	}

	/* Random bytes of the few that matter: the cut agrees with libcsv. */
	static const char alphabet[] = "ab,,\"\"\r\n\n \xC3\xA9";
	int ok = 1;
	for (int round = 0; round < 300 && ok; round++) {
		char text[200];
		size_t len = 20 + rnd(170);
		memcpy(text, "h1,h2\n", 6);
		for (size_t i = 6; i < len; i++)
			text[i] = alphabet[rnd(sizeof(alphabet) - 1)];
		char why[1200];
		struct result want, got;
		to_json_by_tree(text, len, COMPACT, &want);
		for (size_t c = 0; c < 3 && ok; c++) {
			to_json(text, len, COMPACT, c == 2 ? 1 : 2 + (int)c, 1 + c * 5, &got);
			if (!same_result(&got, &want, why, sizeof(why))) {
				printf("  random CSV %d (%.*s): %s\n", round, (int)len, text, why);
				ok = 0;
			}
			result_release(&got);
		}
		result_release(&want);
	}
	CHECK("CSV to JSON, random bytes: cuts agree with libcsv", ok);

	/* A record that may be a quarry document is left to the caller. */
	struct result r;
	const char *doc = "schema,id\nquarry/1,x\n";
	to_json(doc, strlen(doc), PRETTY, 2, 1, &r);
	CHECK("CSV to JSON: a \"schema\" column is declined, nothing written",
	      r.rc == 0 && r.declined && r.out.len == 0);
	result_release(&r);
	doc = "schema.x,id\nquarry/1,x\n";
	to_json(doc, strlen(doc), PRETTY, 2, 1, &r);
	CHECK("CSV to JSON: \"schema.x\" is no document", r.rc == 0 && !r.declined && r.out.len > 0);
	result_release(&r);
}

/* ---- the pool --------------------------------------------------------------------- */

struct square {
	unsigned n;
	unsigned long long v;
};

static void square_run(void *ctx, void *task)
{
	struct square *s = task;
	(void)ctx;
	for (unsigned i = 0; i < 1000 + 997 * (s->n % 7); i++)
		s->v += (unsigned long long)s->n * s->n;
}

static void test_pool(void)
{
	struct square sq[5];
	struct q_pool *p = q_pool_new(3, 5, square_run, NULL);
	int ok = p != NULL;
	unsigned next = 0, want = 0;
	while (ok && want < 200) {
		while (next < 200 && next - want < 5) {
			struct square *s = &sq[next % 5];
			s->n = next++;
			s->v = 0;
			ok &= q_pool_submit(p, s) == 0;
		}
		struct square *s = q_pool_take(p);
		ok &= s == &sq[want % 5] && s->n == want &&
		      s->v == (unsigned long long)want * want * (1000 + 997 * (want % 7));
		want++;
	}
	CHECK("pool: tasks come back in order, done", ok);
	CHECK("pool: nothing left", p && q_pool_take(p) == NULL && q_pool_pending(p) == 0);
	/* Freed with tasks in flight: waits for them. */
	for (unsigned i = 0; p && i < 5; i++) {
		sq[i].n = i;
		sq[i].v = 0;
		q_pool_submit(p, &sq[i]);
	}
	CHECK("pool: a sixth task is refused", p && q_pool_submit(p, &sq[0]) != 0);
	q_pool_free(p);
	set_threads(3, 1000);
	CHECK("settings from the environment", q_threads() == 3 && q_chunk_bytes() == 1000);
	setenv("QUARRY_THREADS", "1000", 1);
	CHECK("threads are capped", q_threads() == Q_MAX_THREADS);
	unsetenv("QUARRY_THREADS");
	unsetenv("QUARRY_CHUNK_BYTES");
	CHECK("defaults", q_threads() >= 1 && q_chunk_bytes() == Q_CHUNK_BYTES);
}

int main(void)
{
	test_pool();
	test_from_json();
	test_to_json();
	return CHECK_DONE();
}

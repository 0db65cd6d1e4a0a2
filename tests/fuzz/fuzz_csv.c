/*
 * fuzz_csv.c — libFuzzer target for the CSV reader: any bytes give
 * records or an error, never a crash; the streaming reader gives the same
 * records as the one-shot reader, fed whole or in small slices; and a
 * table read back from what the writer makes of it is the same table
 * (records of strings and nulls, all with the same columns, carry no
 * loss but a null alone in a one-column table).  CSV straight to JSON
 * and NDJSON text gives what the streaming reader and the JSON writer
 * give, on one thread or in chunks of a few bytes on two.
 */
#include "converters/converters.h"
#include "tests/fuzz/fuzz.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct q_error err;
	json_t *value = NULL;
	size_t pos = 0;
	q_error_init(&err);
	int rc = q_csv_read((const char *)data, size, &pos, "fuzz.csv", &value, &err);
	if (rc == 0 && pos != size)
		abort();
	/* The streaming reader agrees. */
	struct q_csv_reader *r = q_csv_reader_new((const char *)data, size, "fuzz.csv");
	json_t *all = json_array(), *rec;
	int rc2;
	q_error_init(&err);
	while ((rc2 = q_csv_reader_next(r, &rec, &err)) == 0 && rec)
		json_array_append_new(all, rec);
	q_csv_reader_free(r);
	if ((rc == 0) != (rc2 == 0) || (value && !fuzz_same(value, all)))
		abort();
	json_decref(all);
	/* Written and read again: the same records. */
	if (value && json_array_size(value) > 0) {
		struct q_buf out;
		struct q_emit_opts opts = {0, Q_CSV_POSTGRES, "fuzz.csv"};
		json_t *back = NULL;
		q_buf_init(&out, 0);
		q_error_init(&err);
		if (q_csv_emit(value, &opts, &out, &err))
			abort();
		pos = 0;
		if (q_csv_read(out.data, out.len, &pos, "out.csv", &back, &err))
			abort();
		/* One column writes null as "" (an empty line would be no row),
		 * with a warning: the one loss allowed. */
		struct q_csv_reader *h = q_csv_reader_new(out.data, out.len, "out.csv");
		json_t *first = NULL;
		q_csv_reader_next(h, &first, &err);
		size_t columns = q_csv_reader_columns(h);
		json_decref(first);
		q_csv_reader_free(h);
		if (columns > 1 && !fuzz_same(value, back))
			abort();
		json_decref(back);
		q_buf_release(&out);
	}
	json_decref(value);
	/* Straight to JSON text, as the records through the JSON writer. */
	for (int ndjson = 0; ndjson <= 1; ndjson++) {
		struct q_emit_opts opts = {0, Q_CSV_RFC4180, "fuzz.csv"};
		struct q_buf want, got;
		struct q_error e1, e2;
		q_buf_init(&want, 0);
		q_error_init(&e1);
		r = q_csv_reader_new((const char *)data, size, "fuzz.csv");
		rec = NULL;
		int rc1 = q_csv_reader_next(r, &rec, &e1);
		if (!rc1 && (rec || q_csv_reader_columns(r) > 0)) {
			struct q_array_writer *w = NULL;
			rc1 = q_array_writer_open(&w, q_format_find(ndjson ? "ndjson" : "json"), &opts,
						  &want, &e1);
			while (!rc1 && rec) {
				rc1 = q_array_writer_item(w, rec, &e1);
				json_decref(rec);
				rec = NULL;
				if (!rc1)
					rc1 = q_csv_reader_next(r, &rec, &e1);
			}
			int crc = q_array_writer_close(w, rc1 == 0, &e1);
			rc1 = rc1 ? rc1 : crc;
		}
		json_decref(rec);
		q_csv_reader_free(r);
		for (int run = 0; run < 2; run++) {
			int declined;
			q_buf_init(&got, 0);
			q_error_init(&e2);
			fuzz_threads(run ? 2 : 1, run ? 1 + size % 11 : 0);
			int rc2 = q_csv_to_json((const char *)data, size, &opts, ndjson, &got, NULL, NULL,
						&declined, &e2);
			fuzz_threads(0, 0);
			if (!declined && !fuzz_same_run(rc1, &want, &e1, rc2, &got, &e2))
				abort();
			q_buf_release(&got);
		}
		q_buf_release(&want);
	}
	return 0;
}

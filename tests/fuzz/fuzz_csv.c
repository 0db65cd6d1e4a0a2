/*
 * fuzz_csv.c — libFuzzer target for the CSV reader (q_csv_read): any
 * bytes must give records or an error, never a crash, a leak or undefined
 * behaviour.  Seeds are in tests/fuzz/corpus/csv/; tests/test_csv.c
 * replays them in `make test`.
 */
#include "converters/converters.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct q_error err;
	json_t *value = NULL;
	size_t pos = 0;
	q_error_init(&err);
	if (q_csv_read((const char *)data, size, &pos, "fuzz.csv", &value, &err) == 0)
		json_decref(value);
	/* The streaming reader over the same bytes. */
	struct q_csv_reader *r = q_csv_reader_new((const char *)data, size, "fuzz.csv");
	json_t *rec;
	q_error_init(&err);
	while (r && q_csv_reader_next(r, &rec, &err) == 0 && rec)
		json_decref(rec);
	q_csv_reader_free(r);
	return 0;
}

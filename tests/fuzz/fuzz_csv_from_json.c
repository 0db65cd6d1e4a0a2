/*
 * fuzz_csv_from_json.c — libFuzzer target for q_csv_from_json, the JSON
 * text to CSV path that scans the text for columns and parses one record
 * at a time: on any input it must give exactly what q_json_read followed
 * by q_csv_emit gives (the same table, or an error for the same input);
 * and cut into chunks of a few bytes for two threads, the same bytes and
 * the same error as on one.
 */
#include "converters/converters.h"
#include "tests/fuzz/fuzz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct q_error e1, e2;
	struct q_buf a, b;
	struct q_emit_opts opts = {0, Q_CSV_RFC4180, "fuzz.json"};
	json_t *all = json_array();
	size_t pos = 0;
	int rc1;
	q_error_init(&e1);
	q_error_init(&e2);
	q_buf_init(&a, 0);
	q_buf_init(&b, 0);
	/* Every value; the elements of a top-level array are the records. */
	for (;;) {
		json_t *v = NULL;
		rc1 = q_json_read((const char *)data, size, &pos, "fuzz.json", &v, &e1);
		if (rc1 || !v)
			break;
		if (json_is_array(v))
			json_array_extend(all, v);
		else
			json_array_append(all, v);
		json_decref(v);
	}
	if (!rc1)
		rc1 = q_csv_emit(all, &opts, &a, &e1);
	fuzz_threads(1, 0);
	int rc2 = q_csv_from_json((const char *)data, size, &opts, &b, NULL, NULL, &e2);
	if ((rc1 == 0) != (rc2 == 0) ||
	    (rc1 == 0 && (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len)))))
		abort();
	/* In chunks on two threads: what one thread gives. */
	struct q_buf c;
	struct q_error e3;
	q_buf_init(&c, 0);
	q_error_init(&e3);
	fuzz_threads(2, 1 + size % 13);
	int rc3 = q_csv_from_json((const char *)data, size, &opts, &c, NULL, NULL, &e3);
	fuzz_threads(0, 0);
	if (!fuzz_same_run(rc2, &b, &e2, rc3, &c, &e3))
		abort();
	json_decref(all);
	q_buf_release(&a);
	q_buf_release(&b);
	q_buf_release(&c);
	return 0;
}

/*
 * fuzz_json.c — libFuzzer target for the JSON reader: every value of the
 * input through q_json_read, each written as JSON and as YAML and read
 * back, which must give the same value.
 */
#include "converters/converters.h"
#include "tests/fuzz/fuzz.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_after(json_t *v,
		       int (*emit)(json_t *, const struct q_emit_opts *, struct q_buf *,
				   struct q_error *),
		       int (*read)(const char *, size_t, size_t *, const char *, json_t **,
				   struct q_error *))
{
	struct q_error err;
	struct q_buf out;
	json_t *back = NULL;
	size_t pos = 0;
	q_buf_init(&out, 0);
	q_error_init(&err);
	if (emit(v, NULL, &out, &err) || read(out.data, out.len, &pos, "out", &back, &err) ||
	    !fuzz_same(v, back))
		abort();
	json_decref(back);
	q_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct q_error err;
	size_t pos = 0;
	for (int values = 0; values < 1000; values++) {
		json_t *v = NULL;
		size_t at = pos;
		q_error_init(&err);
		if (q_json_read((const char *)data, size, &pos, "fuzz.json", &v, &err) || !v)
			break;
		if (pos <= at && pos < size)
			abort(); /* no progress */
		same_after(v, q_json_emit, q_json_read);
		same_after(v, q_yaml_emit, q_yaml_read);
		json_decref(v);
	}
	return 0;
}

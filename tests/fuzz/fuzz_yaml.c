/*
 * fuzz_yaml.c — libFuzzer target for the YAML reader: every document of
 * the input through q_yaml_read, and each value read back through the
 * emitter and the reader again, which must give the same value.
 */
#include "converters/converters.h"
#include "tests/fuzz/fuzz.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct q_error err;
	struct q_buf out;
	size_t pos = 0;
	q_buf_init(&out, 0);
	for (int docs = 0; docs < 1000; docs++) {
		json_t *v = NULL, *back = NULL;
		size_t at = pos, back_pos = 0;
		q_error_init(&err);
		if (q_yaml_read((const char *)data, size, &pos, "fuzz.yaml", &v, &err) || !v)
			break;
		if (pos <= at && pos < size)
			abort(); /* no progress */
		q_buf_reset(&out);
		q_error_init(&err);
		if (q_yaml_emit(v, NULL, &out, &err) ||
		    q_yaml_read(out.data, out.len, &back_pos, "out.yaml", &back, &err) ||
		    !fuzz_same(v, back))
			abort(); /* what quarry writes, it reads back */
		json_decref(back);
		json_decref(v);
	}
	q_buf_release(&out);
	return 0;
}

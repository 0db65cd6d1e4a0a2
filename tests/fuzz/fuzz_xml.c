/*
 * fuzz_xml.c — libFuzzer target for the XML reader.
 *
 * Whatever q_xml_read accepts must write back with q_xml_emit and read
 * back to the same JSON value (each of the three mappings is lossless),
 * so a value that changes on the way is reported as a crash too.  The
 * seeds in tests/fuzz/corpus/xml/ also replay in `make test`
 * (tests/test_xml.c).
 */
#include "converters/converters.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct q_error err;
	json_t *value = NULL;
	size_t pos = 0;
	q_error_init(&err);
	if (q_xml_read((const char *)data, size, &pos, "fuzz", &value, &err) == 0 && value) {
		struct q_buf out;
		q_buf_init(&out, 0);
		if (q_xml_emit(value, NULL, &out, &err) == 0) {
			json_t *again = NULL;
			size_t again_pos = 0;
			q_error_init(&err);
			if (q_xml_read(out.data, out.len, &again_pos, "fuzz", &again, &err) != 0 ||
			    !json_equal(value, again))
				abort();
			json_decref(again);
		}
		q_buf_release(&out);
	}
	json_decref(value);
	return 0;
}

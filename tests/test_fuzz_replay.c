/*
 * test_fuzz_replay.c — every seed and past crasher of tests/fuzz/corpus/
 * through the same entry points the fuzzers use (`make fuzz`), without
 * libFuzzer: the targets are compiled in here under their own names, so
 * they never rot and each crasher stays a regression test.
 */
#define LLVMFuzzerTestOneInput fuzz_yaml_one
#include "tests/fuzz/fuzz_yaml.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_json_one
#include "tests/fuzz/fuzz_json.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_csv_one
#include "tests/fuzz/fuzz_csv.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_csv_from_json_one
#include "tests/fuzz/fuzz_csv_from_json.c"
#undef LLVMFuzzerTestOneInput

#include "extract/extract.h"
#include "tests/check.h"

#include <dirent.h>

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void replay(const char *dir, int (*one)(const uint8_t *, size_t))
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name), count = 0;
	for (int i = 0; i < n; i++) {
		char path[1024], label[1100];
		struct q_buf raw;
		struct q_error err;
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			snprintf(label, sizeof(label), "fuzz replay %s", path);
			q_buf_init(&raw, 0);
			q_error_init(&err);
			int rc = q_read_file(path, Q_MAX_INPUT_DEFAULT, &raw, &err);
			/* A crash ends the program: run.sh counts that as a failure. */
			if (!rc)
				one((const uint8_t *)(raw.data ? raw.data : ""), raw.len);
			CHECK(label, rc == 0);
			q_buf_release(&raw);
			count++;
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	char label[1100];
	snprintf(label, sizeof(label), "fuzz corpus %s has seeds", dir);
	CHECK(label, count > 0);
}

int main(void)
{
	replay("tests/fuzz/corpus/yaml", fuzz_yaml_one);
	replay("tests/fuzz/corpus/json", fuzz_json_one);
	replay("tests/fuzz/corpus/csv", fuzz_csv_one);
	replay("tests/fuzz/corpus/csv_from_json", fuzz_csv_from_json_one);
	return CHECK_DONE();
}

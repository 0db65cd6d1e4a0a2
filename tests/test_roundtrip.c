/*
 * test_roundtrip.c — extract → JSON text → read → JSON text gives the same
 * bytes, for every sample document and every document of ../shared/corpus/.
 */
#include "converters/converters.h"
#include "extract/extract.h"
#include "tests/check.h"
#include "tests/extract_check.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>

/* Returns 1 when the document survives the round trip byte for byte. */
static int round_trip(const char *path, struct q_buf *raw, struct q_buf *first,
		      struct q_buf *second, char *why, size_t whylen)
{
	struct q_error err;
	struct q_doc doc, back;
	struct q_extract_opts opts = {"2022-11-21", 0};
	json_t *value = NULL;
	size_t pos = 0;
	int ok = 0;
	q_error_init(&err);
	q_doc_init(&doc);
	q_doc_init(&back);
	if (q_read_file(path, Q_MAX_INPUT_DEFAULT, raw, &err) ||
	    q_extract(path, raw->data, raw->len, &opts, &doc, &err) || doc_json_text(&doc, first) ||
	    q_json_read(first->data, first->len, &pos, path, &value, &err) || !value ||
	    q_ir_from_json(value, &back, path, &err) || doc_json_text(&back, second)) {
		snprintf(why, whylen, "%s", err.message[0] ? err.message : "failed");
	} else if (first->len != second->len || memcmp(first->data, second->data, first->len)) {
		snprintf(why, whylen, "second JSON differs");
	} else {
		ok = 1;
	}
	json_decref(value);
	q_doc_release(&doc);
	q_doc_release(&back);
	return ok;
}

static int is_txt(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && strcmp(name + n - 4, ".txt") == 0;
}

/* Every .txt file under dir (one level of subfolders, as in the corpus). */
static void walk(const char *dir, int depth, size_t *total, size_t *good,
		 struct q_buf *bufs)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024], why[600];
	if (!d)
		return;
	while ((e = readdir(d))) {
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth > 0) {
			walk(path, depth - 1, total, good, bufs);
		} else if (S_ISREG(st.st_mode) && is_txt(e->d_name) && strcmp(e->d_name, "SOURCES.txt")) {
			(*total)++;
			if (round_trip(path, &bufs[0], &bufs[1], &bufs[2], why, sizeof(why)))
				(*good)++;
			else
				printf("FAIL round trip %s: %s\n", path, why);
		}
	}
	closedir(d);
}

int main(void)
{
	struct q_buf bufs[3];
	for (int i = 0; i < 3; i++)
		q_buf_init(&bufs[i], 0);
	size_t total = 0, good = 0;
	walk("fixtures/sample", 0, &total, &good, bufs);
	CHECK("round trip of the sample documents", total == 3 && good == total);
	struct stat st;
	if (stat("../shared/corpus", &st) != 0) {
		SKIP("round trip of the corpus", "../shared/corpus is absent");
	} else {
		size_t before = good, all = total;
		walk("../shared/corpus", 1, &total, &good, bufs);
		char name[96];
		snprintf(name, sizeof(name), "round trip of all %zu corpus documents", total - all);
		CHECK(name, total > all && good - before == total - all);
	}
	for (int i = 0; i < 3; i++)
		q_buf_release(&bufs[i]);
	return CHECK_DONE();
}

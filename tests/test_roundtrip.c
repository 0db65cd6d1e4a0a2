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

/* The round trips of the files met, and how many held. */
struct tally {
	size_t total, good;
	struct q_buf *bufs;
};

static void round_trip_file(const char *path, void *ctx)
{
	struct tally *c = ctx;
	char why[600];
	c->total++;
	if (round_trip(path, &c->bufs[0], &c->bufs[1], &c->bufs[2], why, sizeof(why)))
		c->good++;
	else
		printf("FAIL round trip %s: %s\n", path, why);
}

int main(void)
{
	struct q_buf bufs[3];
	for (int i = 0; i < 3; i++)
		q_buf_init(&bufs[i], 0);
	struct tally c = {0, 0, bufs};
	each_text_file("fixtures/sample", 0, round_trip_file, &c);
	CHECK("round trip of the sample documents", c.total == 3 && c.good == c.total);
	struct stat st;
	if (stat("../shared/corpus", &st) != 0) {
		SKIP("round trip of the corpus", "../shared/corpus is absent");
	} else {
		size_t before = c.good, all = c.total;
		each_text_file("../shared/corpus", 1, round_trip_file, &c);
		char name[96];
		snprintf(name, sizeof(name), "round trip of all %zu corpus documents", c.total - all);
		CHECK(name, c.total > all && c.good - before == c.total - all);
	}
	for (int i = 0; i < 3; i++)
		q_buf_release(&bufs[i]);
	return CHECK_DONE();
}

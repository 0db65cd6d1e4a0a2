/*
 * test_jsontestsuite.c — nst/JSONTestSuite's parsing cases through
 * q_json_read, read as `quarry validate` reads a file: every value until
 * none is left.  y_ files must give at least one value and no error, n_
 * files an error of category 65 with a message, i_ files may go either way
 * but must not crash (their outcome is printed, to keep it stable).
 */
#include "converters/converters.h"
#include "extract/extract.h"
#include "tests/check.h"

#include <dirent.h>
#include <stdlib.h>

#define SUITE "../shared/conformance/jsontestsuite/test_parsing"

/*
 * Cases quarry cannot pass because of jansson, with the reason.  Keep this
 * list short: a case belongs here only when no change to q_json_read can
 * fix it.
 */
static const struct {
	const char *file;
	const char *why;
} known[] = {
	/* quarry refuses duplicate keys on purpose (converters/README.md):
	 * jansson would keep the last value silently, losing data. */
	{"y_object_duplicated_key.json", "quarry refuses duplicate keys by design"},
	{"y_object_duplicated_key_and_value.json", "quarry refuses duplicate keys by design"},
	/* jansson 2.14 cannot decode a key holding U+0000 (values can). */
	{"y_object_escaped_null_in_key.json", "jansson cannot decode NUL in object keys"},
	{NULL, NULL},
};

/* The i_ files quarry accepts; it refuses the others.  Recorded so that
 * a change of outcome shows. */
static const char *const i_files_accepted[] = {
	"i_number_double_huge_neg_exp.json", /* 123.456e-789: underflows to 0 */
	"i_number_real_underflow.json",
	"i_structure_500_nested_arrays.json", /* within Q_MAX_DEPTH */
	"i_structure_UTF-8_BOM_empty_object.json", /* a leading BOM is skipped */
	NULL,
};

static int listed(const char *const *list, const char *file)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], file) == 0)
			return 1;
	return 0;
}

static const char *known_failure(const char *file)
{
	for (size_t i = 0; known[i].file; i++)
		if (strcmp(known[i].file, file) == 0)
			return known[i].why;
	return NULL;
}

/* Reads every value of data as validate_file does; returns the number of
 * values, or -1 with err filled (a file without a value is an error). */
static int read_all(const char *data, size_t len, struct q_error *err)
{
	size_t pos = 0;
	int values = 0;
	q_error_init(err);
	for (;;) {
		json_t *v;
		if (q_json_read(data, len, &pos, "case.json", &v, err))
			return -1;
		if (!v && values == 0) {
			q_error_msg(err, Q_ESYNTAX, "case.json", "no JSON value in the file");
			return -1;
		}
		if (!v)
			return values;
		values++;
		json_decref(v);
	}
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(void)
{
	struct dirent **names;
	int count = scandir(SUITE, &names, NULL, by_name);
	int y = 0, y_ok = 0, n = 0, n_ok = 0, i_run = 0, i_accepted = 0, skipped = 0;
	if (count < 0) {
		SKIP("jsontestsuite", SUITE " is absent");
		return 0;
	}
	for (int k = 0; k < count; k++) {
		const char *name = names[k]->d_name;
		char path[1024], label[600];
		struct q_buf raw;
		struct q_error err, rerr;
		if (name[0] == '.' || name[1] != '_') {
			free(names[k]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", SUITE, name);
		snprintf(label, sizeof(label), "jsontestsuite/%s", name);
		q_buf_init(&raw, 0);
		q_error_init(&rerr);
		if (q_read_file(path, Q_MAX_INPUT_DEFAULT, &raw, &rerr)) {
			printf("FAIL %s: cannot read: %s\n", label, rerr.message);
			check_failures++;
		} else {
			int values = read_all(raw.data ? raw.data : "", raw.len, &err);
			const char *why = known_failure(name);
			switch (name[0]) {
			case 'y':
				y++;
				if (values > 0) {
					y_ok++;
					printf("PASS %s\n", label);
				} else if (why) {
					skipped++;
					SKIP(label, why);
				} else {
					printf("FAIL %s: rejected: %s\n", label,
					       values < 0 ? err.message : "no value");
					check_failures++;
				}
				break;
			case 'n':
				n++;
				if (values < 0 && Q_CATEGORY(err.code) == Q_EDATA && err.message[0]) {
					n_ok++;
					printf("PASS %s\n", label);
				} else if (why) {
					skipped++;
					SKIP(label, why);
				} else {
					printf("FAIL %s: %s\n", label,
					       values < 0 ? "rejected with the wrong category" : "accepted");
					check_failures++;
				}
				break;
			default:
				/* Implementation-defined: surviving is the test, and
				 * the outcome stays the recorded one. */
				i_run++;
				i_accepted += values > 0;
				if ((values > 0) == listed(i_files_accepted, name)) {
					printf("PASS %s (%s)\n", label,
					       values > 0 ? "accepted" : err.message);
				} else {
					printf("FAIL %s: now %s\n", label,
					       values > 0 ? "accepted" : "refused");
					check_failures++;
				}
				break;
			}
		}
		q_buf_release(&raw);
		free(names[k]);
	}
	free(names);
	printf("jsontestsuite: y %d/%d accepted, n %d/%d rejected, i %d run without crash "
	       "(%d accepted); %d known failures\n",
	       y_ok, y, n_ok, n, i_run, i_accepted, skipped);
	return CHECK_DONE();
}

/*
 * csv_export.c — a test helper: extracts text files and writes their CSV
 * table set, at the library level (what `quarry extract --format csv -o
 * DIR` does), so shell tests can load the tables into databases.
 *
 *   csv_export [-p PROFILE] DIR FILE...   writes DIR, prints "TABLE ROWS"
 *   csv_export --ddl postgres|sqlite      prints the CREATE TABLE statements
 */
#include "converters/converters.h"
#include "extract/extract.h"

#include <stdio.h>
#include <string.h>

static size_t count(json_t *view, const char *array, const char *sub)
{
	json_t *a = json_object_get(view, array);
	if (!sub)
		return json_array_size(a);
	size_t i, n = 0;
	json_t *it;
	json_array_foreach(a, i, it)
		n += json_array_size(json_object_get(it, sub));
	return n;
}

int main(int argc, char **argv)
{
	struct q_error err;
	q_error_init(&err);
	if (argc == 3 && strcmp(argv[1], "--ddl") == 0) {
		struct q_buf b;
		q_buf_init(&b, 0);
		if (q_csv_sql_ddl(argv[2], &b, &err)) {
			q_error_print(&err, stderr);
			return 1;
		}
		fwrite(b.data, 1, b.len, stdout);
		q_buf_release(&b);
		return 0;
	}
	int profile = Q_CSV_RFC4180, a = 1;
	if (argc > 2 && strcmp(argv[1], "-p") == 0) {
		profile = q_enum_parse(q_csv_profile_names, Q_CSV_PROFILE_COUNT, argv[2]);
		a = 3;
	}
	if (argc - a < 2 || profile < 0) {
		fprintf(stderr, "usage: csv_export [-p PROFILE] DIR FILE... | --ddl DIALECT\n");
		return 2;
	}
	struct q_csv_tables *t = q_csv_tables_new((enum q_csv_profile)profile);
	size_t rows[13] = {0};
	const char *names[13] = {"documents", "authors", "paragraphs", "sentences", "entities",
				 "mentions", "acronyms", "timexes", "numbers", "quotes",
				 "enumerations", "enumeration_items", "keyphrases"};
	for (int i = a + 1; i < argc; i++) {
		struct q_buf raw;
		struct q_doc doc;
		struct q_extract_opts opts = {NULL, 0};
		q_buf_init(&raw, 0);
		q_doc_init(&doc);
		json_t *view = NULL;
		int rc = q_read_file(argv[i], Q_MAX_INPUT_DEFAULT, &raw, &err) ||
			 q_extract(argv[i], raw.data, raw.len, &opts, &doc, &err) ||
			 !(view = q_ir_to_json(&doc)) || q_csv_tables_add(t, view, &err);
		if (rc) {
			q_error_print(&err, stderr);
			return 1;
		}
		rows[0]++;
		rows[1] += json_array_size(json_object_get(json_object_get(view, "metadata"), "authors"));
		rows[2] += count(view, "paragraphs", NULL);
		rows[3] += count(view, "sentences", NULL);
		rows[4] += count(view, "entities", NULL);
		rows[5] += count(view, "entities", "mentions");
		rows[6] += count(view, "acronyms", NULL);
		rows[7] += count(view, "timexes", NULL);
		rows[8] += count(view, "numbers", NULL);
		rows[9] += count(view, "quotes", NULL);
		rows[10] += count(view, "enumerations", NULL);
		rows[11] += count(view, "enumerations", "items");
		rows[12] += count(view, "keyphrases", NULL);
		json_decref(view);
		q_doc_release(&doc);
		q_buf_release(&raw);
	}
	if (q_csv_tables_write(t, argv[a], &err)) {
		q_error_print(&err, stderr);
		return 1;
	}
	for (int i = 0; i < 13; i++)
		printf("%s %zu\n", names[i], rows[i]);
	q_csv_tables_free(t);
	return 0;
}

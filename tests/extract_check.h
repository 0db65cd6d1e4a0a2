/*
 * extract_check.h — what the tests of extraction share: a text extracted
 * into a document, a check of what a document draws, a document's JSON
 * text, and the seed op-ed of ../shared/corpus/.
 */
#ifndef Q_EXTRACT_CHECK_H
#define Q_EXTRACT_CHECK_H

#include "converters/converters.h"
#include "extract/extract.h"
#include "tests/check.h"
#include "util/util.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define SEED "../shared/corpus/seed/000_36aeae22b0248a3d.txt"

/* Extracts text into doc, which this initialises, against the reference
 * date ref (NULL: none).  0, or -1 after printing the error. */
static inline int extract_text(struct q_doc *doc, const char *text, const char *ref)
{
	struct q_extract_opts opts = {ref, 0};
	struct q_error err;
	q_error_init(&err);
	q_doc_init(doc);
	if (q_extract("case.txt", text, strlen(text), &opts, doc, &err)) {
		fprintf(stderr, "%s\n", err.message);
		return -1;
	}
	return 0;
}

/* The check named name: the document of text (no reference date), drawn
 * as a string by draw, is want. */
static inline void expect_drawn(const char *name, const char *text,
				const char *(*draw)(const struct q_doc *), const char *want)
{
	struct q_doc doc;
	if (extract_text(&doc, text, NULL)) {
		CHECK(name, 0);
		return;
	}
	CHECK_STR(name, draw(&doc), want);
	q_doc_release(&doc);
}

/* A document's JSON text, as `quarry extract` writes it, into out.
 * 0 or a Q_E* code. */
static inline int doc_json_text(const struct q_doc *doc, struct q_buf *out)
{
	struct q_error err;
	json_t *view = q_ir_to_json(doc);
	q_error_init(&err);
	q_buf_reset(out);
	int rc = view ? q_json_emit(view, NULL, out, &err) : Q_ENOMEM;
	json_decref(view);
	return rc;
}

/* Calls each(path, ctx) for every .txt file under dir but SOURCES.txt,
 * going depth levels of folders down (the corpus has one). */
static inline void each_text_file(const char *dir, int depth, void (*each)(const char *, void *),
				  void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];
	if (!d)
		return;
	while ((e = readdir(d))) {
		struct stat st;
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path) ||
		    stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth > 0)
			each_text_file(path, depth - 1, each, ctx);
		else if (S_ISREG(st.st_mode) && n > 4 && strcmp(e->d_name + n - 4, ".txt") == 0 &&
			 strcmp(e->d_name, "SOURCES.txt") != 0)
			each(path, ctx);
	}
	closedir(d);
}

/* The seed op-ed, whole, in a buffer of its own; NULL when it is absent. */
static inline const char *seed_text(void)
{
	static char buf[1 << 16];
	static int read;
	if (!read) {
		FILE *f = fopen(SEED, "rb");
		if (!f)
			return NULL;
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		read = 1;
	}
	return buf;
}

#endif

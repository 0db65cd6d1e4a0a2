/*
 * extract_check.h — what the tests of the annotation stages share: a text
 * extracted into a document, and the seed op-ed of ../shared/corpus/.
 */
#ifndef Q_EXTRACT_CHECK_H
#define Q_EXTRACT_CHECK_H

#include "extract/extract.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>

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

/*
 * fuzz.h — what the fuzz targets share: value equality that json_equal
 * gets wrong for keys holding U+0000 (it compares them as C strings), and
 * that also holds key order, number kinds and the sign of zero.
 */
#ifndef Q_FUZZ_H
#define Q_FUZZ_H

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static inline int fuzz_same(json_t *a, json_t *b)
{
	if (json_typeof(a) != json_typeof(b))
		return 0;
	switch (json_typeof(a)) {
	case JSON_OBJECT: {
		void *i = json_object_iter(a), *j = json_object_iter(b);
		if (json_object_size(a) != json_object_size(b))
			return 0;
		for (; i && j; i = json_object_iter_next(a, i), j = json_object_iter_next(b, j)) {
			size_t n = json_object_iter_key_len(i);
			if (n != json_object_iter_key_len(j) ||
			    memcmp(json_object_iter_key(i), json_object_iter_key(j), n) ||
			    !fuzz_same(json_object_iter_value(i), json_object_iter_value(j)))
				return 0;
		}
		return 1;
	}
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!fuzz_same(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	case JSON_REAL:
		return json_real_value(a) == json_real_value(b) &&
		       signbit(json_real_value(a)) == signbit(json_real_value(b));
	default:
		return json_equal(a, b);
	}
}

/* Runs the conversions that cut their input into chunks on `threads`
 * threads, `chunk` bytes a chunk (0: the defaults). */
static inline void fuzz_threads(int threads, size_t chunk)
{
	char t[32], c[32];
	snprintf(t, sizeof(t), "%d", threads);
	snprintf(c, sizeof(c), "%zu", chunk);
	if (threads)
		setenv("QUARRY_THREADS", t, 1);
	else
		unsetenv("QUARRY_THREADS");
	if (chunk)
		setenv("QUARRY_CHUNK_BYTES", c, 1);
	else
		unsetenv("QUARRY_CHUNK_BYTES");
}

/* The same bytes and the same error. */
static inline int fuzz_same_run(int rc1, const struct q_buf *a, const struct q_error *e1, int rc2,
			 const struct q_buf *b, const struct q_error *e2)
{
	return rc1 == rc2 && a->len == b->len && (!a->len || !memcmp(a->data, b->data, a->len)) &&
	       (!rc1 || (e1->code == e2->code && e1->line == e2->line &&
			 e1->column == e2->column && e1->offset == e2->offset &&
			 strcmp(e1->message, e2->message) == 0));
}

#endif

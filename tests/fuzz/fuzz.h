/*
 * fuzz.h — what the fuzz targets share: value equality that json_equal
 * gets wrong for keys holding U+0000 (it compares them as C strings), and
 * that also holds key order, number kinds and the sign of zero.
 */
#ifndef Q_FUZZ_H
#define Q_FUZZ_H

#include <jansson.h>
#include <math.h>
#include <string.h>

static int fuzz_same(json_t *a, json_t *b)
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

#endif

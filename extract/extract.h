/*
 * extract.h — text to IR: decode & normalize, metadata header, paragraphs,
 * sentences, words.
 */
#ifndef Q_EXTRACT_H
#define Q_EXTRACT_H

#include <stddef.h>

#include "util/util.h"

/*
 * Sentence segmentation of one paragraph.  text[0..len) is valid UTF-8;
 * single newlines inside it are hard wraps, not boundaries.  Starting at
 * *pos, finds the next sentence: skips leading whitespace, stores its byte
 * span [*start, *end) with trailing whitespace excluded, advances *pos past
 * it and returns 1; returns 0 when only whitespace remains.  The text is
 * never altered and the whole scan is linear in len.
 */
int q_sentence_next(const char *text, size_t len, size_t *pos, size_t *start,
		    size_t *end);

#endif

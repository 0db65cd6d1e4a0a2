/* sentences.c — placeholder: one sentence per paragraph. */
#include "extract/extract.h"

#include <ctype.h>

int q_sentence_next(const char *text, size_t len, size_t *pos, size_t *start,
		    size_t *end)
{
	size_t i = *pos;
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	if (i >= len)
		return 0;
	size_t e = len;
	while (e > i && isspace((unsigned char)text[e - 1]))
		e--;
	*start = i;
	*end = e;
	*pos = len;
	return 1;
}

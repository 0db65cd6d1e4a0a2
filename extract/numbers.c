/* numbers.c — placeholder until this annotation stage lands: it finds nothing. */
#include "extract/extract.h"

int q_numbers_build(struct q_doc *doc, struct q_error *err)
{
	(void)doc;
	(void)err;
	return 0;
}

/* schemas.c — lookup of the schema files embedded at build time. */
#include "schemas/schemas.h"

#include <string.h>

extern const struct q_embedded q_embedded_files[];

const struct q_embedded *q_schema_all(void)
{
	return q_embedded_files;
}

static int matches(const char *file, const char *name)
{
	static const char *const suffixes[] = {"", ".schema.json", ".json"};
	size_t n = strlen(name);
	if (strncmp(file, name, n) != 0)
		return 0;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (strcmp(file + n, suffixes[i]) == 0)
			return 1;
	return 0;
}

const struct q_embedded *q_schema_find(const char *name)
{
	for (const struct q_embedded *e = q_embedded_files; e->name; e++)
		if (matches(e->name, name))
			return e;
	return NULL;
}

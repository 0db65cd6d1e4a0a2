/*
 * schemas.h — the schemas shipped in schemas/, built into the binary so
 * quarry validates with exactly what it documents.
 */
#ifndef Q_SCHEMAS_H
#define Q_SCHEMAS_H

#include <stddef.h>

#include "util/util.h" /* struct q_embedded */

/* The name `quarry schema` prints when given none. */
#define Q_SCHEMA_DEFAULT "quarry"

/*
 * A shipped schema by name: its file name under schemas/, or that name
 * without ".schema.json" / ".json" ("quarry").  NULL when unknown.
 */
const struct q_embedded *q_schema_find(const char *name);
/* All shipped files, ending with an entry whose name is NULL. */
const struct q_embedded *q_schema_all(void);

#endif

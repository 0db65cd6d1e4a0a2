/*
 * schema.c — `quarry schema [NAME]`: prints a schema built into quarry.
 */
#include "cmd/cmd.h"
#include "schemas/schemas.h"

#include <string.h>

int q_cmd_schema(struct q_cmdline *cl, struct q_error *err)
{
	if (cl->list) {
		for (const struct q_embedded *e = q_schema_all(); e->name; e++)
			printf("%s\n", e->name);
		return 0;
	}
	if (cl->nargs > 1)
		return q_error_msg(err, Q_EUSAGE, NULL, "schema takes at most one NAME");
	const char *name = cl->nargs ? cl->args[0] : Q_SCHEMA_DEFAULT;
	const struct q_embedded *e = q_schema_find(name);
	if (!e)
		return q_error_msg(err, Q_EUSAGE, NULL,
				   "unknown schema '%s' (see 'quarry schema --list')", name);
	return q_write_atomic("-", e->data, e->size, err);
}

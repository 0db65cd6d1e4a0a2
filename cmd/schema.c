/*
 * schema.c — `quarry schema [NAME]`: prints a schema built into quarry.
 */
#include "cmd/cmd.h"
#include "converters/converters.h"
#include "schemas/schemas.h"

#include <string.h>

int q_cmd_schema(struct q_cmdline *cl, struct q_error *err)
{
	if (cl->list) {
		for (const struct q_embedded *e = q_schema_all(); e->name; e++)
			printf("%s\n", e->name);
		printf("sql-postgres\nsql-sqlite\n");
		return 0;
	}
	if (cl->nargs > 1)
		return q_error_msg(err, Q_EUSAGE, NULL, "schema takes at most one NAME");
	const char *name = cl->nargs ? cl->args[0] : Q_SCHEMA_DEFAULT;
	if (strcmp(name, "sql-postgres") == 0 || strcmp(name, "sql-sqlite") == 0) {
		/* CREATE TABLE statements derived from the CSV table schemas. */
		struct q_buf ddl;
		q_buf_init(&ddl, 0);
		int rc = q_csv_sql_ddl(name + 4, &ddl, err);
		if (!rc)
			rc = q_write_atomic("-", ddl.data, ddl.len, err);
		q_buf_release(&ddl);
		return rc;
	}
	const struct q_embedded *e = q_schema_find(name);
	if (!e)
		return q_error_msg(err, Q_EUSAGE, NULL,
				   "unknown schema '%s' (see 'quarry schema --list')", name);
	return q_write_atomic("-", e->data, e->size, err);
}

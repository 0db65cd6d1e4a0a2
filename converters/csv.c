/* csv.c — placeholder until the csv converter lands. */
#include "converters/converters.h"

int q_csv_emit(json_t *value, const struct q_emit_opts *opts,
		struct q_buf *out, struct q_error *err)
{
	(void)value;
	(void)opts;
	(void)out;
	return q_error_msg(err, Q_EINTERNAL, NULL, "csv output is not available yet");
}

int q_csv_read(const char *data, size_t len, size_t *pos, const char *file,
		json_t **value, struct q_error *err)
{
	(void)data;
	(void)len;
	(void)pos;
	*value = NULL;
	return q_error_msg(err, Q_EINTERNAL, file, "csv input is not available yet");
}

struct q_csv_tables {
	int unused;
};

struct q_csv_tables *q_csv_tables_new(enum q_csv_profile profile)
{
	(void)profile;
	return NULL;
}

void q_csv_tables_free(struct q_csv_tables *t)
{
	(void)t;
}

int q_csv_tables_add(struct q_csv_tables *t, json_t *view, struct q_error *err)
{
	(void)t;
	(void)view;
	return q_error_msg(err, Q_EINTERNAL, NULL, "csv output is not available yet");
}

int q_csv_tables_write(struct q_csv_tables *t, const char *dir, struct q_error *err)
{
	(void)t;
	return q_error_msg(err, Q_EINTERNAL, dir, "csv output is not available yet");
}

int q_csv_tables_table(struct q_csv_tables *t, const char *table, struct q_buf *out,
		       struct q_error *err)
{
	(void)t;
	(void)table;
	(void)out;
	return q_error_msg(err, Q_EINTERNAL, NULL, "csv output is not available yet");
}

int q_csv_tables_read(const char *dir, json_t *views, struct q_error *err)
{
	(void)views;
	return q_error_msg(err, Q_EINTERNAL, dir, "csv input is not available yet");
}

int q_csv_sql_ddl(const char *dialect, struct q_buf *out, struct q_error *err)
{
	(void)dialect;
	(void)out;
	return q_error_msg(err, Q_EINTERNAL, NULL, "SQL DDL is not available yet");
}

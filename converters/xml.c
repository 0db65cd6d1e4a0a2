/* xml.c — placeholder until the xml converter lands. */
#include "converters/converters.h"

int q_xml_emit(json_t *value, const struct q_emit_opts *opts,
		struct q_buf *out, struct q_error *err)
{
	(void)value;
	(void)opts;
	(void)out;
	return q_error_msg(err, Q_EINTERNAL, NULL, "xml output is not available yet");
}

int q_xml_read(const char *data, size_t len, size_t *pos, const char *file,
		json_t **value, struct q_error *err)
{
	(void)data;
	(void)len;
	(void)pos;
	*value = NULL;
	return q_error_msg(err, Q_EINTERNAL, file, "xml input is not available yet");
}

/* formats.c — the table of formats, and telling a file's format. */
#include "converters/converters.h"

#include <string.h>
#include <strings.h>

const char *const q_csv_profile_names[Q_CSV_PROFILE_COUNT] = {
	"rfc4180", "postgres", "bigquery", "snowflake", "duckdb",
};

const struct q_format q_formats[] = {
	{"json", ".json .geojson", q_json_emit, q_json_read},
	{"ndjson", ".ndjson .jsonl .ldjson", q_ndjson_emit, q_json_read},
	{"yaml", ".yaml .yml", q_yaml_emit, q_yaml_read},
	{"xml", ".xml .xsd .xhtml", q_xml_emit, q_xml_read},
	{"csv", ".csv", q_csv_emit, q_csv_read},
	{NULL, NULL, NULL, NULL},
};

const struct q_format *q_format_find(const char *name)
{
	for (const struct q_format *f = q_formats; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static const struct q_format *by_extension(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	if (!dot || strchr(dot, '/'))
		return NULL;
	size_t n = strlen(dot);
	for (const struct q_format *f = q_formats; f->name; f++) {
		for (const char *e = f->extensions; *e;) {
			size_t k = strcspn(e, " ");
			if (k == n && strncasecmp(e, dot, n) == 0)
				return f;
			e += k;
			e += *e == ' ';
		}
	}
	return NULL;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

const struct q_format *q_format_detect(const char *path, const char *data,
				       size_t len)
{
	const struct q_format *f = by_extension(path);
	size_t i = 0;
	if (f)
		return f;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && is_blank(data[i]))
		i++;
	if (i < len && data[i] == '<')
		return q_format_find("xml");
	if (i < len && (data[i] == '{' || data[i] == '[')) {
		/* A second line that opens a value too makes it NDJSON. */
		const char *nl = memchr(data + i, '\n', len - i);
		while (nl && (size_t)(nl - data) + 1 < len && is_blank(nl[1]))
			nl++;
		if (data[i] == '{' && nl && (size_t)(nl - data) + 1 < len && nl[1] == '{')
			return q_format_find("ndjson");
		return q_format_find("json");
	}
	return q_format_find("yaml");
}

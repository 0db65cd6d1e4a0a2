/*
 * options.c — the one table of options, its parser and its --help.
 *
 * Habits of jq, git and curl users: "--name VALUE" and "--name=VALUE",
 * "-o FILE" and "-oFILE", "--" ends the options, a lone "-" is standard
 * input, and an unknown option is a usage error with a hint.
 */
#include "cmd/cmd.h"
#include "converters/converters.h"
#include "extract/extract.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum option_id {
	OPT_DATE,
	OPT_FORMAT,
	OPT_COMPACT,
	OPT_OUTPUT,
	OPT_NO_VALIDATE,
	OPT_LOSSY,
	OPT_MAX_SIZE,
	OPT_SCHEMA,
	OPT_STRICT_FORMATS,
	OPT_LIST,
	OPT_HELP,
	OPT_TO,
	OPT_FROM,
	OPT_TABLE,
	OPT_CSV_PROFILE,
	OPT_OUT,
	OPT_FORMATS,
	OPT_JOBS,
	OPT_INCREMENTAL,
	OPT_PRUNE,
	OPT_QUARANTINE,
	OPT_SUMMARY,
	OPT_LOG_FORMAT,
	OPT_INCLUDE,
	OPT_EXCLUDE,
};

struct option {
	enum option_id id;
	const char *name; /* long name without "--" */
	char short_name;  /* 0 when none */
	const char *arg;  /* argument's name, or NULL for a flag */
	unsigned commands;
	const char *help;
};

#define ALL_COMMANDS (Q_CMD_EXTRACT | Q_CMD_VALIDATE | Q_CMD_SCHEMA | Q_CMD_CONVERT | Q_CMD_EXPORT)
#define WRITERS (Q_CMD_EXTRACT | Q_CMD_CONVERT)
#define DOC_WRITERS (Q_CMD_EXTRACT | Q_CMD_CONVERT | Q_CMD_EXPORT)
#define EXTRACTORS (Q_CMD_EXTRACT | Q_CMD_EXPORT)

static const struct option options[] = {
	{OPT_COMPACT, "compact", 0, NULL, DOC_WRITERS,
	 "write JSON on one line instead of indented"},
	{OPT_CSV_PROFILE, "csv-profile", 0, "PROFILE", DOC_WRITERS,
	 "CSV for a loader: rfc4180 (default), postgres, bigquery, snowflake, duckdb"},
	{OPT_DATE, "date", 0, "YYYY-MM-DD", EXTRACTORS,
	 "reference date for relative dates (default: the document's own date)"},
	{OPT_EXCLUDE, "exclude", 0, "GLOB", Q_CMD_EXPORT,
	 "skip inputs matching GLOB (the file name, or the path when GLOB has a '/'); repeatable"},
	{OPT_FORMAT, "format", 'f', "FORMAT", Q_CMD_EXTRACT,
	 "output format: json (default), ndjson, yaml, xml or csv"},
	{OPT_FORMATS, "formats", 0, "LIST", Q_CMD_EXPORT,
	 "formats to write, comma-separated (default: json,ndjson,yaml,xml,csv)"},
	{OPT_FROM, "from", 0, "FORMAT", Q_CMD_CONVERT,
	 "input format (default: from the file name, else its first bytes)"},
	{OPT_HELP, "help", 'h', NULL, ALL_COMMANDS, "show this help and exit"},
	{OPT_INCLUDE, "include", 0, "GLOB", Q_CMD_EXPORT,
	 "take only inputs matching GLOB (as --exclude); repeatable"},
	{OPT_INCREMENTAL, "incremental", 0, NULL, Q_CMD_EXPORT,
	 "process only inputs that are new or changed since the last run (by content)"},
	{OPT_JOBS, "jobs", 'j', "N", Q_CMD_EXPORT,
	 "worker threads (default: one per online core)"},
	{OPT_LIST, "list", 0, NULL, Q_CMD_SCHEMA, "list the names of the shipped schemas"},
	{OPT_LOG_FORMAT, "log-format", 0, "FORMAT", Q_CMD_EXPORT,
	 "text (default) or json: one JSON object per event line on stderr"},
	{OPT_LOSSY, "lossy", 0, NULL, EXTRACTORS,
	 "replace invalid UTF-8 and NUL bytes with U+FFFD (with a warning) instead of failing"},
	{OPT_MAX_SIZE, "max-size", 0, "BYTES", ALL_COMMANDS & ~Q_CMD_SCHEMA,
	 "refuse inputs larger than BYTES (suffixes K, M, G; default 64M, convert 2G)"},
	{OPT_NO_VALIDATE, "no-validate", 0, NULL, DOC_WRITERS,
	 "do not validate the output against the schema before writing it"},
	{OPT_OUT, "out", 0, "DIR", Q_CMD_EXPORT,
	 "the output folder (required): see 'Running from cron' in quarry(1)"},
	{OPT_OUTPUT, "output", 'o', "FILE", WRITERS,
	 "write to FILE (atomically) instead of standard output; a folder for CSV tables"},
	{OPT_PRUNE, "prune", 0, NULL, Q_CMD_EXPORT,
	 "remove the outputs of inputs that were deleted"},
	{OPT_QUARANTINE, "quarantine", 0, "DIR", Q_CMD_EXPORT,
	 "copy inputs that fail into DIR, each beside a .error file saying why"},
	{OPT_SCHEMA, "schema", 's', "SCHEMA", Q_CMD_VALIDATE,
	 "validate against this JSON Schema file instead of the quarry schema"},
	{OPT_STRICT_FORMATS, "strict-formats", 0, NULL, Q_CMD_VALIDATE,
	 "treat \"format\" keywords (date, uri, email, …) as assertions"},
	{OPT_SUMMARY, "summary", 0, "FILE", Q_CMD_EXPORT,
	 "write the run's account to FILE as JSON (counts, bytes, seconds, throughput)"},
	{OPT_TABLE, "table", 0, "NAME", WRITERS,
	 "CSV of quarry documents: write only table NAME, to the output"},
	{OPT_TO, "to", 't', "FORMAT", Q_CMD_CONVERT,
	 "output format: json, ndjson, yaml, xml or csv"},
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static const char *command_name(unsigned bit)
{
	switch (bit) {
	case Q_CMD_EXTRACT: return "extract";
	case Q_CMD_VALIDATE: return "validate";
	case Q_CMD_CONVERT: return "convert";
	case Q_CMD_EXPORT: return "export";
	default: return "schema";
	}
}

/* "64M" -> 67108864; 0 on a bad value. */
static size_t parse_size(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return 0;
	unsigned shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end || v > (Q_MAX_INPUT_LIMIT >> shift))
		return 0;
	return (size_t)(v << shift);
}

static int valid_iso_day(const char *s)
{
	int y, m, d, n = 0;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    s[4] != '-' || s[7] != '-')
		return 0;
	return q_date_valid(y, m, d);
}

/* "json,csv": every name a format, none twice. */
static int valid_format_list(const char *s)
{
	unsigned seen = 0;
	if (!*s)
		return 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		char name[16];
		if (n == 0 || n >= sizeof(name))
			return 0;
		memcpy(name, s, n);
		name[n] = '\0';
		int k = -1;
		for (int i = 0; q_formats[i].name; i++)
			if (strcmp(q_formats[i].name, name) == 0)
				k = i;
		if (k < 0 || (seen & (1u << k)))
			return 0;
		seen |= 1u << k;
		s += n;
		if (*s == ',' && *++s == '\0')
			return 0;
	}
	return 1;
}

static int usage(struct q_error *err, unsigned bit, const char *fmt, const char *what)
{
	char msg[256];
	snprintf(msg, sizeof(msg), fmt, what);
	return q_error_msg(err, Q_EUSAGE, NULL, "%s (see 'quarry %s --help')", msg,
			   command_name(bit));
}

static int apply(const struct option *o, const char *value, unsigned bit,
		 struct q_cmdline *cl, struct q_error *err)
{
	switch (o->id) {
	case OPT_DATE:
		if (!valid_iso_day(value))
			return usage(err, bit, "--date wants a calendar date as YYYY-MM-DD, not '%s'", value);
		cl->date = value;
		break;
	case OPT_FORMAT:
	case OPT_TO:
	case OPT_FROM:
		if (!q_format_find(value))
			return usage(err, bit, "unknown format '%s': use json, ndjson, yaml, xml or csv", value);
		*(o->id == OPT_FROM ? &cl->from : &cl->format) = value;
		break;
	case OPT_CSV_PROFILE:
		cl->profile = q_enum_parse(q_csv_profile_names, Q_CSV_PROFILE_COUNT, value);
		if (cl->profile < 0)
			return usage(err, bit, "unknown CSV profile '%s': use rfc4180, postgres, bigquery, snowflake or duckdb", value);
		break;
	case OPT_TABLE: cl->table = value; break;
	case OPT_MAX_SIZE:
		cl->max_size = parse_size(value);
		if (!cl->max_size)
			return usage(err, bit, "--max-size wants a size such as 64M (at most 2G), not '%s'", value);
		break;
	case OPT_OUTPUT: cl->output = value; break;
	case OPT_SCHEMA: cl->schema = value; break;
	case OPT_COMPACT: cl->compact = 1; break;
	case OPT_NO_VALIDATE: cl->no_validate = 1; break;
	case OPT_LOSSY: cl->lossy = 1; break;
	case OPT_STRICT_FORMATS: cl->format_assert = 1; break;
	case OPT_LIST: cl->list = 1; break;
	case OPT_HELP: cl->help = 1; break;
	case OPT_OUT: cl->out_dir = value; break;
	case OPT_FORMATS:
		if (!valid_format_list(value))
			return usage(err, bit, "--formats wants a comma-separated list of json, ndjson, yaml, xml and csv, not '%s'", value);
		cl->formats = value;
		break;
	case OPT_JOBS: {
		char *end;
		errno = 0;
		long n = strtol(value, &end, 10);
		if (errno || end == value || *end || n < 1 || n > Q_MAX_JOBS)
			return usage(err, bit, "-j wants a number of threads from 1 to 256, not '%s'", value);
		cl->jobs = (int)n;
		break;
	}
	case OPT_INCREMENTAL: cl->incremental = 1; break;
	case OPT_PRUNE: cl->prune = 1; break;
	case OPT_QUARANTINE: cl->quarantine = value; break;
	case OPT_SUMMARY: cl->summary = value; break;
	case OPT_LOG_FORMAT:
		if (strcmp(value, "text") != 0 && strcmp(value, "json") != 0)
			return usage(err, bit, "--log-format wants text or json, not '%s'", value);
		cl->log_json = strcmp(value, "json") == 0;
		break;
	case OPT_INCLUDE: cl->include[cl->ninclude++] = (char *)value; break;
	case OPT_EXCLUDE: cl->exclude[cl->nexclude++] = (char *)value; break;
	}
	return 0;
}

static const struct option *find_long(const char *name, size_t n, unsigned bit)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if ((options[i].commands & bit) && strlen(options[i].name) == n &&
		    strncmp(options[i].name, name, n) == 0)
			return &options[i];
	return NULL;
}

static const struct option *find_short(char c, unsigned bit)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if ((options[i].commands & bit) && options[i].short_name == c)
			return &options[i];
	return NULL;
}

int q_options_parse(int argc, char **argv, int first, unsigned bit,
		    struct q_cmdline *cl, struct q_error *err)
{
	int only_args = 0;
	cl->args = calloc((size_t)argc + 1, sizeof(char *));
	cl->include = calloc((size_t)argc + 1, sizeof(char *));
	cl->exclude = calloc((size_t)argc + 1, sizeof(char *));
	if (!cl->args || !cl->include || !cl->exclude)
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	for (int i = first; i < argc; i++) {
		char *a = argv[i];
		const struct option *o = NULL;
		const char *value = NULL;
		if (only_args || a[0] != '-' || strcmp(a, "-") == 0) {
			cl->args[cl->nargs++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_args = 1;
			continue;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			o = find_long(a + 2, n, bit);
			if (!o)
				return usage(err, bit, "unknown option '%s'", a);
			if (eq && !o->arg)
				return usage(err, bit, "option '%s' takes no value", a);
			value = eq ? eq + 1 : NULL;
		} else {
			o = find_short(a[1], bit);
			if (!o)
				return usage(err, bit, "unknown option '%s'", a);
			if (a[2] && !o->arg)
				return usage(err, bit, "unknown option '%s'", a);
			value = a[2] ? a + 2 : NULL;
		}
		if (o->arg && !value) {
			if (i + 1 >= argc)
				return usage(err, bit, "option '%s' needs a value", a);
			value = argv[++i];
		}
		int rc = apply(o, value, bit, cl, err);
		if (rc)
			return rc;
	}
	return 0;
}

void q_options_release(struct q_cmdline *cl)
{
	free(cl->args);
	free(cl->include);
	free(cl->exclude);
	cl->args = cl->include = cl->exclude = NULL;
}

void q_options_help(unsigned bit, FILE *out)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct option *o = &options[i];
		char left[64];
		if (!(o->commands & bit))
			continue;
		int n = o->short_name ? snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->name)
				      : snprintf(left, sizeof(left), "    --%s", o->name);
		if (o->arg && n > 0 && (size_t)n < sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->arg);
		fprintf(out, "  %-28s %s\n", left, o->help);
	}
}

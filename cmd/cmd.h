/*
 * cmd.h — the quarry command line: subcommands, their options, help.
 *
 * Every option lives in one table (options.c) that both the parser and
 * --help read, so the two cannot disagree.  Each subcommand is one file
 * with one run function; only main() turns the result into an exit code.
 */
#ifndef Q_CMD_H
#define Q_CMD_H

#include <stddef.h>

#include <jansson.h>

#include "util/util.h"

#define Q_VERSION "0.1.0"

/* export: at most this many worker threads (-j). */
#define Q_MAX_JOBS 256

/* Runs the whole command; returns the process exit code. */
int q_cmd_main(int argc, char **argv);

/* Subcommands, as bits so an option can name the ones it applies to. */
enum q_command_bit {
	Q_CMD_EXTRACT = 1u << 0,
	Q_CMD_VALIDATE = 1u << 1,
	Q_CMD_SCHEMA = 1u << 2,
	Q_CMD_CONVERT = 1u << 3,
	Q_CMD_EXPORT = 1u << 4,
};

/* What the command line said, after parsing. */
struct q_cmdline {
	const char *command; /* "extract", … */
	const char *date;    /* --date YYYY-MM-DD */
	const char *format;  /* --format, --to */
	const char *from;    /* --from */
	const char *table;   /* --table NAME (CSV) */
	int profile;	     /* --csv-profile, an enum q_csv_profile */
	const char *output;  /* -o FILE */
	const char *schema;  /* --schema FILE */
	size_t max_size;     /* --max-size */
	int compact;
	int no_validate;
	int lossy;
	int format_assert; /* --strict-formats */
	int list;	   /* --list */
	int help;
	char **args; /* positional arguments */
	int nargs;
	/* export */
	const char *out_dir;	/* --out DIR */
	const char *formats;	/* --formats LIST */
	int jobs;		/* -j N; 0: one per online core */
	int incremental;	/* --incremental */
	int prune;		/* --prune */
	const char *quarantine; /* --quarantine DIR */
	const char *summary;	/* --summary FILE */
	int log_json;		/* --log-format json */
	char **include;		/* --include GLOB, repeatable */
	int ninclude;
	char **exclude; /* --exclude GLOB, repeatable */
	int nexclude;
};

/*
 * Parses argv[first..argc) for command `bit`; positional arguments are
 * collected in cl->args, --include and --exclude in cl->include and
 * cl->exclude (which the caller frees: q_options_release).  Usage errors are
 * Q_EUSAGE with a one-line message.
 */
int q_options_parse(int argc, char **argv, int first, unsigned bit,
		    struct q_cmdline *cl, struct q_error *err);
void q_options_release(struct q_cmdline *cl);
/* Prints the options of command `bit` as --help shows them. */
void q_options_help(unsigned bit, FILE *out);

int q_cmd_extract(struct q_cmdline *cl, struct q_error *err);
int q_cmd_validate(struct q_cmdline *cl, struct q_error *err);
int q_cmd_schema(struct q_cmdline *cl, struct q_error *err);
int q_cmd_convert(struct q_cmdline *cl, struct q_error *err);
int q_cmd_export(struct q_cmdline *cl, struct q_error *err);

/*
 * Where extract and convert write: one file or stdout for JSON, NDJSON,
 * YAML and XML (written atomically when it is a file), a folder of tables
 * for quarry documents as CSV (or one table with --table).  Documents are
 * validated against the IR schema here, before any format sees them.
 */
struct q_output;
int q_output_open(struct q_output **out, const struct q_cmdline *cl,
		  struct q_error *err);
/* A quarry document's view, or any other value. */
int q_output_value(struct q_output *out, json_t *value, const char *file,
		   struct q_error *err);
/* Does the output keep the values it is given until it closes (CSV, an
 * XML array), rather than write each before q_output_value returns? */
int q_output_keeps(const struct q_output *out);
/* The values between begin and end are the elements of one top-level
 * array, written as they come where the format allows it. */
int q_output_array_begin(struct q_output *out, struct q_error *err);
int q_output_array_end(struct q_output *out, struct q_error *err);
/* An element of that array taken as data, as it would be inside the whole
 * array (a quarry document among them is not checked as one). */
int q_output_item(struct q_output *out, json_t *value, const char *file,
		  struct q_error *err);
/* JSON or NDJSON text of data records written as one CSV table, a record
 * at a time (q_csv_from_json): the output must be CSV and hold nothing
 * else. */
int q_output_csv_from_json(struct q_output *out, const char *data, size_t len,
			   const char *file, struct q_error *err);
/* The records of a CSV table written straight as JSON or NDJSON text
 * (q_csv_to_json); *declined when the output is another format, or the
 * records might be quarry documents: then nothing was written. */
int q_output_csv_records(struct q_output *out, const char *data, size_t len,
			 const char *file, int *declined, struct q_error *err);
/* Finishes the output (commit) or throws it away (commit == 0). */
int q_output_close(struct q_output *out, int commit, struct q_error *err);

/*
 * The IR schema compiled once per process (shared, read-only); NULL with
 * err set when it cannot be compiled, which is a bug.
 */
const struct q_schema *q_cmd_ir_schema(struct q_error *err);

/*
 * Validates a JSON view against a compiled schema and prints each
 * violation as "quarry: FILE[:LINE]: POINTER: message (keyword)".
 * Returns 1 when valid.
 */
int q_cmd_report_validation(const struct q_schema *schema, void *view,
			    unsigned flags, const char *file, long line);

#endif

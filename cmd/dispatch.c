/*
 * dispatch.c — finds the subcommand, parses its options, runs it, and
 * maps the outcome to an exit code.
 */
#include "cmd/cmd.h"

#include <stdlib.h>
#include <string.h>

struct command {
	const char *name;
	unsigned bit;
	int (*run)(struct q_cmdline *cl, struct q_error *err);
	const char *synopsis;
	const char *summary;
	const char *details;
};

static const struct command commands[] = {
	{"extract", Q_CMD_EXTRACT, q_cmd_extract, "quarry extract [OPTIONS] [FILE|-]...",
	 "extract text documents into quarry documents (JSON, NDJSON, YAML, XML, CSV)",
	 "Reads each FILE (standard input when none or '-') as UTF-8 text and writes\n"
	 "one quarry document per input, validated against the quarry schemas.\n"
	 "Several inputs give one document after another (--format ndjson: one per\n"
	 "line); when some inputs fail the others are still written and the exit\n"
	 "status is 1.\n"},
	{"convert", Q_CMD_CONVERT, q_cmd_convert, "quarry convert [--from FORMAT] --to FORMAT [IN|-] [-o OUT]",
	 "convert between JSON, NDJSON, YAML, XML and CSV",
	 "Reads IN (standard input when none or '-'; a folder is a CSV table set)\n"
	 "in the format its name or first bytes show, or --from, and writes it in\n"
	 "the --to format.  quarry documents go through the document model and are\n"
	 "checked on the way; any other data goes through a lossless generic tree,\n"
	 "with one warning line for every value the target format cannot carry.\n"},
	{"validate", Q_CMD_VALIDATE, q_cmd_validate, "quarry validate [OPTIONS] FILE...",
	 "validate quarry documents, or any JSON against a JSON Schema",
	 "Checks each FILE (JSON or NDJSON; '-' is standard input) against the quarry\n"
	 "schema and the document's own consistency (offsets, texts, counts), or\n"
	 "against --schema SCHEMA (JSON Schema draft 2020-12).  Prints nothing when\n"
	 "every file is valid; otherwise one line per problem, and exits 65.\n"},
	{"export", Q_CMD_EXPORT, q_cmd_export,
	 "quarry export --out DIR [OPTIONS] INPUT...",
	 "extract folders of documents into an output folder, for cron and warehouses",
	 "Extracts every INPUT (a file, a folder taken recursively, @LISTFILE or '-'\n"
	 "for paths one per line) into DIR: one JSON, YAML and XML file per document\n"
	 "under DIR/json, DIR/yaml and DIR/xml mirroring the input tree, and per run\n"
	 "one NDJSON file (DIR/ndjson/RUN.ndjson) and one CSV table set\n"
	 "(DIR/csv/RUN/); DIR/latest names the last complete run.  The manifest\n"
	 "DIR/.quarry/manifest.json records every input: path, size, SHA-256,\n"
	 "outputs, status.  With --incremental only new and changed inputs are\n"
	 "extracted.  Every file is written atomically; a second run on DIR at the\n"
	 "same time exits 75; SIGINT and SIGTERM finish the documents in flight and\n"
	 "exit 130 and 143; the next run finishes what a killed one left.  Inputs\n"
	 "that fail are recorded (and copied to --quarantine) and the exit status is\n"
	 "1.  Output is byte-identical whatever -j is.\n"},
	{"schema", Q_CMD_SCHEMA, q_cmd_schema, "quarry schema [NAME]",
	 "print a shipped schema or SQL DDL (default: the quarry document schema)",
	 "Prints the schema named NAME as built into quarry; --list shows the names.\n"
	 "sql-postgres and sql-sqlite print CREATE TABLE statements for the CSV tables.\n"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void general_help(FILE *out)
{
	fputs("usage: quarry COMMAND [OPTIONS] [ARGS]\n\n"
	      "quarry turns text documents (news articles, op-eds, press releases,\n"
	      "reports) into one validated document model, writes it as JSON, NDJSON,\n"
	      "YAML, XML or CSV, and converts any of those formats into any other.\n\n"
	      "commands:\n", out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("  help CMD   show the help of CMD\n\n"
	      "  -h, --help     show this help\n"
	      "      --version  show the version\n\n"
	      "exit status: 0 success, 1 some inputs failed, 2 usage error, 65 bad input\n"
	      "data, 66 input missing, 70 internal error, 73 cannot create output,\n"
	      "74 I/O error, 75 another run holds the lock.  See quarry(1).\n", out);
}

static void command_help(const struct command *c, FILE *out)
{
	fprintf(out, "usage: %s\n\n%s\noptions:\n", c->synopsis, c->details);
	q_options_help(c->bit, out);
}

/* stdout may hold buffered help or schema text; a full disk shows here. */
static int finish_stdout(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("quarry: <stdout>: write error\n", stderr);
		return code ? code : q_exit_code(Q_EIO);
	}
	return code;
}

static int run_command(const struct command *c, int argc, char **argv)
{
	struct q_cmdline cl;
	struct q_error err;
	memset(&cl, 0, sizeof(cl));
	q_error_init(&err);
	cl.command = c->name;
	int rc = q_options_parse(argc, argv, 2, c->bit, &cl, &err);
	if (!rc && cl.help) {
		command_help(c, stdout);
	} else if (!rc) {
		rc = c->run(&cl, &err);
	}
	if (rc && err.code)
		q_error_print(&err, stderr);
	q_options_release(&cl);
	return rc ? q_exit_code(rc) : 0;
}

int q_cmd_main(int argc, char **argv)
{
	if (argc < 2) {
		general_help(stderr);
		return q_exit_code(Q_EUSAGE);
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		general_help(stdout);
		return finish_stdout(0);
	}
	if (strcmp(name, "--version") == 0) {
		printf("quarry %s\n", Q_VERSION);
		return finish_stdout(0);
	}
	if (strcmp(name, "help") == 0) {
		const struct command *c = argc > 2 ? find_command(argv[2]) : NULL;
		if (argc > 2 && !c) {
			fprintf(stderr, "quarry: unknown command '%s' (see 'quarry --help')\n", argv[2]);
			return q_exit_code(Q_EUSAGE);
		}
		if (c)
			command_help(c, stdout);
		else
			general_help(stdout);
		return finish_stdout(0);
	}
	const struct command *c = find_command(name);
	if (!c) {
		fprintf(stderr, "quarry: unknown command '%s' (see 'quarry --help')\n", name);
		return q_exit_code(Q_EUSAGE);
	}
	return finish_stdout(run_command(c, argc, argv));
}

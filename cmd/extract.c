/*
 * extract.c — `quarry extract`: text files in, quarry documents out.
 */
#include "cmd/cmd.h"
#include "converters/converters.h"
#include "extract/extract.h"
#include "validate/validate.h"

#include <string.h>

struct job {
	const struct q_cmdline *cl;
	const struct q_format *format;
	const struct q_schema *schema; /* NULL with --no-validate */
	struct q_buf raw;		/* the input, reused from file to file */
	struct q_buf out;		/* one document's output */
};

/* Extracts one input into job->out; the error names the input. */
static int extract_one(struct job *job, const char *path, struct q_error *err)
{
	const char *name = q_display_name(path);
	struct q_extract_opts opts = {job->cl->date, job->cl->lossy};
	struct q_emit_opts eopts = {.compact = job->cl->compact, .file = name};
	struct q_doc doc;
	json_t *view = NULL;
	int rc;
	q_buf_reset(&job->out);
	q_doc_init(&doc);
	if ((rc = q_read_file(path, job->cl->max_size ? job->cl->max_size : Q_MAX_INPUT_DEFAULT,
			      &job->raw, err)) ||
	    (rc = q_extract(path, job->raw.data, job->raw.len, &opts, &doc, err)))
		goto done;
	view = q_ir_to_json(&doc);
	if (!view) {
		rc = q_error_msg(err, Q_ENOMEM, name, "out of memory");
		goto done;
	}
	if (job->schema && !q_cmd_report_validation(job->schema, view, 0, name, 0)) {
		rc = q_error_msg(err, Q_EINTERNAL, name,
				 "the extracted document does not match the quarry schema "
				 "(a bug in quarry; --no-validate writes it anyway)");
		goto done;
	}
	rc = job->format->emit(view, &eopts, &job->out, err);
done:
	json_decref(view);
	q_doc_release(&doc);
	return rc;
}

int q_cmd_extract(struct q_cmdline *cl, struct q_error *err)
{
	static char *stdin_only[] = {"-", NULL};
	char **inputs = cl->nargs ? cl->args : stdin_only;
	int ninputs = cl->nargs ? cl->nargs : 1;
	struct job job = {.cl = cl};
	struct q_atomic sink;
	int failed = 0, last_rc = 0, rc;

	job.format = q_format_find(cl->format ? cl->format : "json");
	if (!cl->no_validate && !(job.schema = q_cmd_ir_schema(err)))
		return err->code;
	if ((rc = q_atomic_open(&sink, cl->output ? cl->output : "-", err)))
		return rc;
	q_buf_init(&job.raw, 0);
	q_buf_init(&job.out, 0);
	for (int i = 0; i < ninputs; i++) {
		struct q_error one;
		q_error_init(&one);
		rc = extract_one(&job, inputs[i], &one);
		if (!rc && (rc = q_atomic_write(&sink, job.out.data, job.out.len, err)))
			break; /* the output is broken: no point going on */
		if (rc) {
			q_error_print(&one, stderr);
			failed++;
			last_rc = rc;
		}
	}
	q_buf_release(&job.raw);
	q_buf_release(&job.out);
	if (rc && err->code) {
		q_atomic_abort(&sink);
		return rc;
	}
	if (failed == ninputs) {
		/* Nothing succeeded: leave no output file behind. */
		q_atomic_abort(&sink);
		return last_rc;
	}
	if ((rc = q_atomic_commit(&sink, err)))
		return rc;
	return failed ? Q_EPARTIAL : 0;
}

/*
 * extract.c — `quarry extract`: text files in, quarry documents out.
 */
#include "cmd/cmd.h"
#include "converters/converters.h"
#include "extract/extract.h"

#include <string.h>

/*
 * Extracts one input and hands its view to the output.  The view is built
 * in the arena when the output writes it at once (see q_json_arena): it
 * is gone before the next input.
 */
static int extract_one(const struct q_cmdline *cl, const char *path, struct q_buf *raw,
		       struct q_output *out, struct q_json_arena *arena, struct q_error *err)
{
	const char *name = q_display_name(path);
	struct q_extract_opts opts = {cl->date, cl->lossy};
	struct q_doc doc;
	json_t *view = NULL;
	int rc, in_arena = !q_output_keeps(out);
	q_doc_init(&doc);
	if ((rc = q_read_file(path, cl->max_size ? cl->max_size : Q_MAX_INPUT_DEFAULT, raw, err)) ||
	    (rc = q_extract(path, raw->data, raw->len, &opts, &doc, err)))
		goto done;
	if (in_arena)
		q_json_arena_begin(arena);
	view = q_ir_to_json(&doc);
	rc = view ? q_output_value(out, view, name, err)
		  : q_error_msg(err, Q_ENOMEM, name, "out of memory");
done:
	json_decref(view);
	if (in_arena)
		q_json_arena_end(arena);
	q_doc_release(&doc);
	return rc;
}

/* An error of the output itself (not of one input) stops the run. */
static int is_output_error(int rc)
{
	int cat = Q_CATEGORY(rc);
	return cat == Q_EIO || cat == Q_ECANTCREAT || cat == Q_EUSAGE || cat == Q_EINTERNAL;
}

int q_cmd_extract(struct q_cmdline *cl, struct q_error *err)
{
	static char *stdin_only[] = {"-", NULL};
	char **inputs = cl->nargs ? cl->args : stdin_only;
	int ninputs = cl->nargs ? cl->nargs : 1;
	struct q_output *out = NULL;
	struct q_json_arena arena = {0};
	struct q_buf raw;
	int failed = 0, last_rc = 0, rc;

	if ((rc = q_output_open(&out, cl, err))) {
		q_output_close(out, 0, NULL);
		return rc;
	}
	q_json_arena_hooks();
	q_buf_init(&raw, 0);
	for (int i = 0; i < ninputs; i++) {
		struct q_error one;
		q_error_init(&one);
		rc = extract_one(cl, inputs[i], &raw, out, &arena, &one);
		if (rc && is_output_error(rc)) {
			*err = one;
			break;
		}
		if (rc) {
			q_error_print(&one, stderr);
			failed++;
			last_rc = rc;
		}
	}
	q_buf_release(&raw);
	q_json_arena_release(&arena);
	if (err->code) {
		q_output_close(out, 0, NULL);
		return err->code;
	}
	if (failed == ninputs) {
		/* Nothing succeeded: leave no output file behind. */
		q_output_close(out, 0, NULL);
		return last_rc;
	}
	if ((rc = q_output_close(out, 1, err)))
		return rc;
	return failed ? Q_EPARTIAL : 0;
}

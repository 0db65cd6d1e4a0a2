/*
 * bench_stages.c — where extraction time goes: decode, extract (header,
 * paragraphs, sentences, words and the annotators), build (the JSON
 * view), validate, emit; and within extract, each annotator, timed by
 * running it once more over the finished document.  Reads every FILE into
 * memory, then runs each stage over all of them until at least --mb
 * megabytes of input went through, on one core, in CPU time.
 */
#include "cmd/cmd.h"
#include "converters/converters.h"
#include "extract/extract.h"
#include "validate/validate.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct input {
	char *name;
	struct q_buf data;
};

/* CPU time of this thread: the figures hold on a busy machine too. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum stage { DECODE, EXTRACT, BUILD, VALIDATE, EMIT, NSTAGES };

/* The annotators, each run again on its own over a finished document. */
static void clear_entities(struct q_doc *d) { d->entities.count = d->acronyms.count = 0; }
static void clear_timexes(struct q_doc *d) { d->timexes.count = d->numbers.count = 0; }
static void clear_quotes(struct q_doc *d) { d->quotes.count = 0; }
static void clear_enumerations(struct q_doc *d) { d->enumerations.count = 0; }
static void clear_keyphrases(struct q_doc *d) { d->keyphrases.count = 0; }

static const struct annotator {
	const char *name;
	void (*clear)(struct q_doc *doc);
	int (*build)(struct q_doc *doc, struct q_error *err);
} annotators[] = {
	{"entities", clear_entities, q_entities_build},
	{"timexes+numbers", clear_timexes, q_timexes_numbers_build},
	{"quotes", clear_quotes, q_quotes_build},
	{"enumerations", clear_enumerations, q_enumerations_build},
	{"keyphrases", clear_keyphrases, q_keyphrases_build},
};
#define NANNOTATORS (sizeof(annotators) / sizeof(annotators[0]))

int main(int argc, char **argv)
{
	double target_mb = 20;
	int first = 1;
	if (argc > 2 && strcmp(argv[1], "--mb") == 0) {
		target_mb = atof(argv[2]);
		first = 3;
	}
	int n = argc - first;
	if (n <= 0) {
		fprintf(stderr, "usage: bench_stages [--mb N] FILE...\n");
		return 2;
	}
	struct input *in = calloc((size_t)n, sizeof(*in));
	size_t total = 0;
	struct q_error err;
	q_error_init(&err);
	for (int i = 0; i < n; i++) {
		in[i].name = argv[first + i];
		q_buf_init(&in[i].data, 0);
		if (q_read_file(in[i].name, Q_MAX_INPUT_DEFAULT, &in[i].data, &err)) {
			q_error_print(&err, stderr);
			return 1;
		}
		total += in[i].data.len;
	}
	const struct q_schema *schema = q_cmd_ir_schema(&err);
	if (!schema) {
		q_error_print(&err, stderr);
		return 1;
	}
	double t[NSTAGES] = {0}, ta[NANNOTATORS] = {0};
	size_t bytes = 0, docs = 0, out_bytes = 0;
	struct q_buf out;
	q_buf_init(&out, 0);
	while (bytes < target_mb * 1e6) {
		for (int i = 0; i < n; i++) {
			struct q_doc doc;
			struct q_decoded dec;
			struct q_extract_opts opts = {NULL, 0};
			double t0 = now();
			q_doc_init(&doc);
			q_decode(&doc, in[i].data.data, in[i].data.len, 0, "x", &dec, &err);
			q_doc_release(&doc);
			double t1 = now();
			q_doc_init(&doc);
			if (q_extract(in[i].name, in[i].data.data, in[i].data.len, &opts, &doc, &err)) {
				q_error_print(&err, stderr);
				return 1;
			}
			double t2 = now();
			t[EXTRACT] += t2 - t1;
			for (size_t a = 0; a < NANNOTATORS; a++) {
				double a0 = now();
				annotators[a].clear(&doc);
				if (annotators[a].build(&doc, &err)) {
					q_error_print(&err, stderr);
					return 1;
				}
				ta[a] += now() - a0;
			}
			t2 = now(); /* the second runs count in no stage */
			json_t *view = q_ir_to_json(&doc);
			double t3 = now();
			if (!q_schema_validate(schema, view, 0, NULL)) {
				fprintf(stderr, "%s: invalid\n", in[i].name);
				return 1;
			}
			double t4 = now();
			q_buf_reset(&out);
			q_json_emit(view, NULL, &out, &err);
			double t5 = now();
			json_decref(view);
			q_doc_release(&doc);
			t[DECODE] += t1 - t0;
			t[BUILD] += t3 - t2;
			t[VALIDATE] += t4 - t3;
			t[EMIT] += t5 - t4;
			bytes += in[i].data.len;
			out_bytes += out.len;
			docs++;
		}
	}
	double pipeline = t[EXTRACT] + t[BUILD] + t[VALIDATE] + t[EMIT];
	static const char *names[] = {"decode", "extract", "build", "validate", "emit"};
	double share[NSTAGES] = {t[DECODE], t[EXTRACT] - t[DECODE], t[BUILD], t[VALIDATE], t[EMIT]};
	printf("stages over %.1f MB of input (%zu documents, JSON %.1fx the input), one core:\n",
	       (double)bytes / 1e6, docs, (double)out_bytes / (double)bytes);
	for (int s = 0; s < NSTAGES; s++) {
		printf("  %-9s %7.3f s  %5.1f%%  %8.1f MB/s\n", names[s], share[s],
		       100 * share[s] / pipeline, (double)bytes / 1e6 / share[s]);
		for (size_t a = 0; s == EXTRACT && a < NANNOTATORS; a++)
			printf("    %-15s %7.3f s  %5.1f%%  %8.1f MB/s\n", annotators[a].name, ta[a],
			       100 * ta[a] / pipeline, (double)bytes / 1e6 / ta[a]);
	}
	printf("  %-9s %7.3f s  100.0%%  %8.1f MB/s  %8.0f docs/s\n", "pipeline", pipeline,
	       (double)bytes / 1e6 / pipeline, (double)docs / pipeline);
	q_buf_release(&out);
	for (int i = 0; i < n; i++)
		q_buf_release(&in[i].data);
	free(in);
	return 0;
}

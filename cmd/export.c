/*
 * export.c — `quarry export`: folders of documents into an output folder,
 * incrementally, safely and in parallel, with an account of every run.
 *
 * A run has two passes over the inputs.  The first reads and hashes every
 * input (on the worker threads) and compares it with the manifest: what
 * is new, changed or left pending by an interrupted run is this run's
 * work, and that list fixes the run id before anything is written.  The
 * second extracts the work on the workers — each writes the JSON, YAML
 * and XML files of its document itself, all atomically — while the main
 * thread commits the results in input order: the NDJSON line, the CSV
 * rows and the manifest entry.  So the output never depends on -j or on
 * which thread was quicker, and at most 8 × N documents are in memory.
 *
 * The run's NDJSON file and CSV tables grow in temporary files; only a
 * run that gets to its end renames them into place, then writes its run
 * record, DIR/latest and the manifest, in that order.  A run that is
 * stopped (SIGINT, SIGTERM, a full disk) writes the manifest with what it
 * did marked pending; a run that is killed writes nothing more.  Either
 * way the next run takes the same work again and ends with the same bytes
 * a clean run would have written.
 */
#include "cmd/export.h"
#include "converters/converters.h"
#include "extract/extract.h"
#include "validate/validate.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { F_JSON, F_NDJSON, F_YAML, F_XML, F_CSV, NFORMATS };
static const char *const format_names[NFORMATS] = {"json", "ndjson", "yaml", "xml", "csv"};
#define PER_DOCUMENT ((1u << F_JSON) | (1u << F_YAML) | (1u << F_XML))
#define PER_RUN ((1u << F_NDJSON) | (1u << F_CSV))

/* The signal that asks the run to stop (0: none).  Process-wide by nature:
 * the handler sets it, every thread reads it. */
static atomic_int stop_signal;

static void on_signal(int sig)
{
	if (atomic_exchange(&stop_signal, sig)) {
		/* A second one: stop now; the next run cleans up. */
		signal(sig, SIG_DFL);
		raise(sig);
	}
}

/* What the first pass learns of an input. */
struct scan {
	uint64_t size;
	char sha256[65]; /* "" when it could not be read */
	char reason[Q_ERROR_MESSAGE_MAX + 32];
	int process;	 /* part of this run's work */
};

/* One input of the work, from the worker that extracted it to the commit. */
struct job {
	size_t input;
	int done;
	enum { J_OK, J_FAILED, J_FATAL } status;
	struct q_error err; /* J_FAILED: the input's problem; J_FATAL: the output's */
	char *reason;
	char doc_id[65];
	char **outputs; /* written for it, relative to the output folder */
	size_t noutputs;
	struct q_buf ndjson;
	struct q_csv_tables *csv;
	uint64_t bytes;
};

struct exporter {
	const struct q_cmdline *cl;
	const char *dir;
	char *qdir, *manifest_path, *lock_path;
	unsigned formats;
	struct q_extract_opts xopts;
	struct q_emit_opts eopts;
	const struct q_schema *schema;
	size_t max_size;
	int nthreads;
	int log_json, tty;
	json_t *options;

	struct q_inputs in;
	struct q_manifest m;
	struct scan *scan;
	struct q_entry *next_entries; /* the new entry of each input */
	unsigned char *touched;       /* next_entries[i] was set by this run */
	size_t *todo, ntodo;
	size_t ndeleted;

	/* the second pass */
	struct job *slots;
	size_t window;
	pthread_mutex_t mu;
	pthread_cond_t work_cv, done_cv;
	size_t next, committed;
	int stop;
	atomic_size_t scan_next;

	/* the run */
	char run[Q_RUN_ID_LEN + 1];
	unsigned long seq;
	int have_run;
	struct q_atomic ndjson;
	int ndjson_open;
	struct q_atomic tables[Q_CSV_TABLE_COUNT];
	int tables_open;
	struct q_buf pending[1 + Q_CSV_TABLE_COUNT]; /* NDJSON, then each table */
	size_t rows[Q_CSV_TABLE_COUNT];
	struct q_map run_ids;	/* doc ids in this run -> their input's rel */
	struct q_map folders;	/* folders written into, to fsync once */
	char **folder_list;
	size_t nfolders;
	json_t *upserted;	/* doc ids, in input order */
	struct q_error fatal;

	/* the account */
	size_t processed, unchanged, failed, removed, pruned, duplicates;
	size_t failed_earlier; /* unchanged since they failed in an earlier run */
	const char *dup_first, *dup_of; /* the first input that repeats another */
	uint64_t bytes, total_bytes;
	struct timespec start, t0, last_progress; /* t0: the second pass began */
	struct sigaction old_int, old_term;
	int caught;
};

static int oom(struct q_error *err)
{
	return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
}

static char *dup_printf(const char *fmt, ...) Q_PRINTF(1, 2);
static char *dup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- events: text on stderr, or one JSON object a line ---------------------- */

static void clear_progress(struct exporter *x)
{
	if (x->tty)
		fputs("\r\033[K", stderr);
}

/* One JSON object on one line of stderr; steals fields. */
static void emit_event(const char *name, json_t *fields)
{
	char when[32];
	struct timespec now;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *o = json_pack("{s:s, s:s}", "time", when, "event", name);
	if (o && fields)
		json_object_update(o, fields);
	json_decref(fields);
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) : NULL;
	json_decref(o);
	if (s) {
		fprintf(stderr, "%s\n", s);
		free(s);
	}
}

static void event(struct exporter *x, const char *name, json_t *fields)
{
	if (x->log_json)
		emit_event(name, fields);
	else
		json_decref(fields);
}

/* Warnings of the extraction and the converters, on any thread: JSON
 * events in a JSON log, lines that first clear the progress bar on a
 * terminal. */
static void warning_event(const char *file, const char *message)
{
	emit_event("warning", json_pack("{s:o, s:s}", "file", file ? json_string(file) : json_null(),
					"message", message));
}

static void warning_on_tty(const char *file, const char *message)
{
	flockfile(stderr);
	fprintf(stderr, "\r\033[Kquarry: %s%swarning: %s\n", file ? file : "", file ? ": " : "",
		message);
	funlockfile(stderr);
}

static void print_error(struct exporter *x, const struct q_error *e)
{
	clear_progress(x);
	if (!x->log_json)
		q_error_print(e, stderr);
}

static void progress(struct exporter *x, int force)
{
	if (!x->tty || x->ntodo == 0)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && seconds_since(&x->last_progress) < 0.1)
		return;
	x->last_progress = now;
	size_t done = x->committed;
	double s = seconds_since(&x->t0);
	double mb = (double)x->bytes / 1e6, rate = s > 0 ? mb / s : 0;
	double left = x->total_bytes > x->bytes ? (double)(x->total_bytes - x->bytes) / 1e6 : 0;
	long eta = rate > 0 ? (long)(left / rate + 0.5) : -1;
	char bar[21];
	size_t fill = done * 20 / x->ntodo;
	for (size_t i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[20] = '\0';
	flockfile(stderr);
	if (eta >= 0)
		fprintf(stderr, "\r\033[K[%s] %zu/%zu documents  %.1f MB/s  ETA %ld:%02ld", bar, done,
			x->ntodo, rate, eta / 60, eta % 60);
	else
		fprintf(stderr, "\r\033[K[%s] %zu/%zu documents", bar, done, x->ntodo);
	fflush(stderr);
	funlockfile(stderr);
}

/* ---- paths ------------------------------------------------------------------ */

static char *out_path(const struct exporter *x, const char *rel)
{
	return dup_printf("%s/%s", x->dir, rel);
}

/* "json/a/b.txt.json": where a per-document format puts an input. */
static char *doc_output(int f, const char *rel)
{
	return dup_printf("%s/%s.%s", format_names[f], rel, format_names[f]);
}

/* "LINE:COL: message" without the file, which the manifest entry names. */
static char *reason_of(const struct q_error *e)
{
	if (e->line > 0 && e->column > 0)
		return dup_printf("%ld:%ld: %s", e->line, e->column, e->message);
	if (e->line > 0)
		return dup_printf("%ld: %s", e->line, e->message);
	return strdup(e->message[0] ? e->message : "unknown error");
}

/* ---- the first pass: read and hash ----------------------------------------- */

static void scan_one(struct exporter *x, size_t i)
{
	struct scan *s = &x->scan[i];
	const char *path = x->in.items[i].path;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct q_sha256 h;
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(s->reason, sizeof(s->reason), "cannot open: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	q_sha256_init(&h);
	char *buf = malloc(1 << 16);
	uint64_t size = 0;
	for (;;) {
		ssize_t n = buf ? read(fd, buf, 1 << 16) : -1;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(s->reason, sizeof(s->reason), "read error: %s",
				 buf ? strerror(errno) : "out of memory");
			break;
		}
		if (n == 0) {
			q_sha256_hex(&h, s->sha256);
			break;
		}
		q_sha256_update(&h, buf, (size_t)n);
		size += (uint64_t)n;
	}
	s->size = size;
	free(buf);
	close(fd);
}

static void *scan_worker(void *arg)
{
	struct exporter *x = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&x->scan_next, 1);
		if (i >= x->in.count || atomic_load(&stop_signal))
			break;
		scan_one(x, i);
	}
	return NULL;
}

/* Starts up to min(-j, n) threads running fn; returns how many started. */
static size_t start_threads(struct exporter *x, size_t n, void *(*fn)(void *), pthread_t *th)
{
	size_t k = (size_t)x->nthreads < n ? (size_t)x->nthreads : n, started = 0;
	for (; started < k; started++)
		if (pthread_create(&th[started], NULL, fn, x) != 0)
			break;
	return started;
}

static void join_threads(pthread_t *th, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pthread_join(th[i], NULL);
}

/* ---- deciding the work -------------------------------------------------------- */

static int outputs_present(const struct exporter *x, const struct q_entry *e)
{
	for (size_t i = 0; i < e->noutputs; i++) {
		char *p = out_path(x, e->outputs[i]);
		int ok = p && access(p, F_OK) == 0;
		free(p);
		if (!ok)
			return 0;
	}
	return 1;
}

static int entry_copy(struct q_entry *to, const struct q_entry *from)
{
	*to = *from;
	to->path = strdup(from->path);
	to->reason = from->reason ? strdup(from->reason) : NULL;
	to->outputs = calloc(from->noutputs + 1, sizeof(char *));
	to->noutputs = 0;
	if (!to->path || !to->outputs || (from->reason && !to->reason))
		return -1;
	for (size_t i = 0; i < from->noutputs; i++) {
		if (!(to->outputs[i] = strdup(from->outputs[i])))
			return -1;
		to->noutputs++;
	}
	return 0;
}

static void decide(struct exporter *x)
{
	int same_options = x->m.options && json_equal(x->m.options, x->options);
	for (size_t i = 0; i < x->in.count; i++) {
		struct scan *s = &x->scan[i];
		const struct q_entry *old = q_manifest_find(&x->m, x->in.items[i].rel);
		int unchanged = old && same_options && x->cl->incremental &&
				old->status != Q_ENTRY_DELETED && old->run[0] &&
				old->size == s->size && strcmp(old->sha256, s->sha256) == 0;
		if (unchanged && !s->sha256[0]) /* unreadable then and now, alike */
			unchanged = old->reason && strcmp(old->reason, s->reason) == 0;
		if (unchanged && old->status == Q_ENTRY_OK)
			unchanged = outputs_present(x, old);
		s->process = !unchanged;
		if (s->process) {
			x->todo[x->ntodo++] = i;
			x->total_bytes += s->size;
		} else {
			x->unchanged++;
			x->failed_earlier += old->status == Q_ENTRY_FAILED;
		}
	}
	/* Inputs of the manifest that are gone now. */
	for (size_t k = 0, i = 0; k < x->m.count; k++) {
		const struct q_entry *e = &x->m.entries[k];
		while (i < x->in.count && strcmp(x->in.items[i].rel, e->path) < 0)
			i++;
		if ((i == x->in.count || strcmp(x->in.items[i].rel, e->path) != 0) &&
		    e->status != Q_ENTRY_DELETED)
			x->ndeleted++;
	}
}

/* The run id: its sequence number and a hash of what it is made of. */
static int make_run_id(struct exporter *x, struct q_error *err)
{
	struct q_sha256 h;
	char hex[65];
	char *opts = json_dumps(x->options, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!opts)
		return oom(err);
	x->seq = x->m.runs + 1;
	q_sha256_init(&h);
	char head[128];
	int n = snprintf(head, sizeof(head), "quarry export run %lu after %s\n", x->seq,
			 x->m.run[0] ? x->m.run : "none");
	q_sha256_update(&h, head, (size_t)n);
	q_sha256_update(&h, opts, strlen(opts));
	free(opts);
	for (size_t t = 0; t < x->ntodo; t++) {
		const struct q_input *in = &x->in.items[x->todo[t]];
		q_sha256_update(&h, "\nprocess ", 9);
		q_sha256_update(&h, in->rel, strlen(in->rel));
		q_sha256_update(&h, "\t", 1);
		q_sha256_update(&h, x->scan[x->todo[t]].sha256, 64);
	}
	for (size_t k = 0, i = 0; k < x->m.count; k++) {
		const struct q_entry *e = &x->m.entries[k];
		while (i < x->in.count && strcmp(x->in.items[i].rel, e->path) < 0)
			i++;
		if ((i == x->in.count || strcmp(x->in.items[i].rel, e->path) != 0) &&
		    e->status != Q_ENTRY_DELETED) {
			q_sha256_update(&h, "\ndelete ", 8);
			q_sha256_update(&h, e->path, strlen(e->path));
		}
	}
	q_sha256_hex(&h, hex);
	snprintf(x->run, sizeof(x->run), "%06lu-%.12s", x->seq % 1000000, hex);
	return 0;
}

/* ---- the run's NDJSON file and CSV tables ------------------------------------- */

static int open_run(struct exporter *x, struct q_error *err)
{
	int rc = 0;
	if (x->formats & (1u << F_NDJSON)) {
		char *p = dup_printf("%s/ndjson/%s.ndjson", x->dir, x->run);
		rc = !p ? oom(err) : q_make_parent(p, err);
		if (!rc && !(rc = q_atomic_open(&x->ndjson, p, err)))
			x->ndjson_open = 1;
		free(p);
	}
	if (!rc && (x->formats & (1u << F_CSV))) {
		char *d = dup_printf("%s/csv/%s", x->dir, x->run);
		rc = !d ? oom(err) : q_make_dir(d, err);
		struct q_buf head;
		q_buf_init(&head, 0);
		for (int t = 0; t < Q_CSV_TABLE_COUNT && !rc; t++) {
			char *p = dup_printf("%s/%s.csv", d, q_csv_table_name(t));
			q_buf_reset(&head);
			q_csv_tables_header(x->eopts.profile, t, &head);
			rc = !p || head.failed ? oom(err) : q_atomic_open(&x->tables[t], p, err);
			free(p);
			if (rc)
				break;
			x->tables_open = t + 1;
			rc = q_atomic_write(&x->tables[t], head.data, head.len, err);
		}
		q_buf_release(&head);
		free(d);
	}
	return rc;
}

static void abort_run(struct exporter *x)
{
	if (x->ndjson_open)
		q_atomic_abort(&x->ndjson);
	for (int t = 0; t < x->tables_open; t++)
		q_atomic_abort(&x->tables[t]);
	if (x->tables_open) { /* the run's folder, now empty */
		char *d = dup_printf("%s/csv/%s", x->dir, x->run);
		if (d)
			rmdir(d);
		free(d);
	}
	x->ndjson_open = x->tables_open = 0;
}

/* ---- the second pass: one document ---------------------------------------------- */

static int add_output(struct job *j, char *rel)
{
	char **o = realloc(j->outputs, (j->noutputs + 2) * sizeof(char *));
	if (!o) {
		free(rel);
		return -1;
	}
	j->outputs = o;
	o[j->noutputs++] = rel;
	o[j->noutputs] = NULL;
	return 0;
}

/* A copy of a failed input and a .error file beside it, in the quarantine. */
static int quarantine(struct exporter *x, const struct q_input *in, const char *reason,
		      struct q_error *err)
{
	char *copy = dup_printf("%s/%s", x->cl->quarantine, in->rel);
	char *why = dup_printf("%s/%s.error", x->cl->quarantine, in->rel);
	char *line = dup_printf("%s: %s\n", in->rel, reason);
	int rc = copy && why && line ? q_make_parent(copy, err) : oom(err);
	int src = rc ? -1 : open(in->path, O_RDONLY | O_CLOEXEC);
	if (!rc && src >= 0) {
		struct q_atomic a;
		char *buf = malloc(1 << 16);
		rc = buf ? q_atomic_open(&a, copy, err) : oom(err);
		while (!rc) {
			ssize_t n = read(src, buf, 1 << 16);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) /* unreadable in the middle: what was read */
				break;
			rc = q_atomic_write(&a, buf, (size_t)n, err);
			if (rc)
				q_atomic_abort(&a);
		}
		if (!rc && buf)
			rc = q_atomic_commit(&a, err);
		free(buf);
	}
	if (src >= 0)
		close(src);
	if (!rc)
		rc = q_write_atomic(why, line, strlen(line), err);
	free(copy);
	free(why);
	free(line);
	return rc;
}

static int validate_view(struct exporter *x, json_t *view, const char *name, struct q_error *err)
{
	struct q_violations v;
	if (!x->schema)
		return 0;
	q_violations_init(&v, 1);
	int ok = q_schema_validate(x->schema, view, 0, &v);
	if (!ok)
		q_error_msg(err, Q_EINVALID, name,
			    "the document does not match the quarry schema at %s: %s (a bug in quarry)",
			    v.count && v.items[0].instance_path[0] ? v.items[0].instance_path : "/",
			    v.count ? v.items[0].message : "invalid");
	q_violations_release(&v);
	return ok ? 0 : Q_EINVALID;
}

/* An error of an output (not of the input) stops the run; so does
 * running out of memory.  Anything else is the input's. */
static int is_output_error(int rc)
{
	int cat = Q_CATEGORY(rc);
	return cat == Q_EIO || cat == Q_ECANTCREAT || rc == Q_ENOMEM;
}

static void process(struct exporter *x, struct job *j, struct q_buf *raw, struct q_buf *text)
{
	const struct q_input *in = &x->in.items[j->input];
	const struct scan *s = &x->scan[j->input];
	struct q_error *err = &j->err;
	struct q_doc doc;
	json_t *view = NULL;
	char sha[65];
	int rc;
	q_doc_init(&doc);
	q_buf_init(&j->ndjson, 0);
	if ((rc = q_read_file(in->path, x->max_size, raw, err))) {
		/* An input that cannot be read is the input's problem. */
		if (Q_CATEGORY(rc) == Q_EIO)
			rc = Q_SUBCODE(Q_ENOINPUT, 0x10);
		goto done;
	}
	j->bytes = raw->len;
	q_sha256_hex_of(raw->data, raw->len, sha);
	if (strcmp(sha, s->sha256) != 0) {
		rc = q_error_msg(err, Q_ENOINPUT, in->path,
				 "changed while the export read it; the next run takes it");
		goto done;
	}
	if ((rc = q_extract(in->path, raw->data, raw->len, &x->xopts, &doc, err)))
		goto done;
	if (q_doc_str(&doc, in->rel, strlen(in->rel), &doc.source.name) ||
	    !(view = q_ir_to_json(&doc))) {
		rc = q_error_msg(err, Q_ENOMEM, in->path, "out of memory");
		goto done;
	}
	if ((rc = validate_view(x, view, in->path, err)))
		goto done;
	snprintf(j->doc_id, sizeof(j->doc_id), "%s", json_string_value(json_object_get(view, "id")));
	struct q_emit_opts eo = x->eopts;
	eo.file = in->path;
	for (int f = 0; f < NFORMATS && !rc; f++) {
		if (!((x->formats & PER_DOCUMENT) & (1u << f)))
			continue;
		q_buf_reset(text);
		rc = q_format_find(format_names[f])->emit(view, &eo, text, err);
		if (!rc && text->failed)
			rc = q_error_msg(err, Q_ENOMEM, in->path, "out of memory");
		char *rel = rc ? NULL : doc_output(f, in->rel);
		char *path = rel ? out_path(x, rel) : NULL;
		int written;
		if (!rc && (!rel || !path))
			rc = q_error_msg(err, Q_ENOMEM, in->path, "out of memory");
		if (!rc) /* the folder is fsynced once, before the manifest */
			rc = q_write_if_changed(path, text->data, text->len, 0, &written, err);
		free(path);
		if (!rc && add_output(j, rel))
			rc = q_error_msg(err, Q_ENOMEM, in->path, "out of memory");
		else if (rc)
			free(rel);
	}
	if (!rc && (x->formats & (1u << F_NDJSON)))
		rc = q_ndjson_emit(view, &eo, &j->ndjson, err);
	if (!rc && (x->formats & (1u << F_CSV))) {
		if (!(j->csv = q_csv_tables_new(x->eopts.profile)))
			rc = q_error_msg(err, Q_ENOMEM, in->path, "out of memory");
		if (!rc)
			rc = q_csv_tables_add(j->csv, view, err);
		if (!rc && x->schema)
			rc = q_csv_tables_check(j->csv, err);
	}
done:
	json_decref(view);
	q_doc_release(&doc);
	if (!rc) {
		j->status = J_OK;
		return;
	}
	j->status = is_output_error(rc) ? J_FATAL : J_FAILED;
	if (j->status == J_FATAL)
		return;
	j->reason = reason_of(err);
	if (x->cl->quarantine) {
		struct q_error qerr;
		q_error_init(&qerr);
		if (quarantine(x, in, j->reason ? j->reason : err->message, &qerr)) {
			*err = qerr;
			j->status = J_FATAL;
		}
	}
}

static void job_release(struct job *j)
{
	free(j->reason);
	for (size_t i = 0; i < j->noutputs; i++)
		free(j->outputs[i]);
	free(j->outputs);
	q_buf_release(&j->ndjson);
	q_csv_tables_free(j->csv);
	memset(j, 0, sizeof(*j));
}

static void *worker(void *arg)
{
	struct exporter *x = arg;
	struct q_buf raw, text;
	q_buf_init(&raw, 0);
	q_buf_init(&text, 0);
	pthread_mutex_lock(&x->mu);
	for (;;) {
		while (!x->stop && !atomic_load(&stop_signal) && x->next < x->ntodo &&
		       x->next >= x->committed + x->window)
			pthread_cond_wait(&x->work_cv, &x->mu);
		if (x->stop || atomic_load(&stop_signal) || x->next >= x->ntodo)
			break;
		size_t i = x->next++;
		struct job *j = &x->slots[i % x->window];
		pthread_mutex_unlock(&x->mu);
		memset(j, 0, sizeof(*j));
		q_error_init(&j->err);
		j->input = x->todo[i];
		process(x, j, &raw, &text);
		pthread_mutex_lock(&x->mu);
		j->done = 1;
		pthread_cond_broadcast(&x->done_cv);
	}
	pthread_mutex_unlock(&x->mu);
	q_buf_release(&raw);
	q_buf_release(&text);
	return NULL;
}

static int write_text(const char *path, const char *text, struct q_error *err)
{
	int written;
	return q_write_if_changed(path, text, strlen(text), 1, &written, err);
}

/* Notes the folders of an output, up to the output folder, for one fsync
 * each before the manifest records it. */
static int note_folders(struct exporter *x, const char *rel)
{
	char *p = out_path(x, rel);
	if (!p)
		return -1;
	for (char *slash = strrchr(p, '/'); slash; slash = strrchr(p, '/')) {
		*slash = '\0';
		if (strlen(p) <= strlen(x->dir) || q_map_get(&x->folders, p, strlen(p)))
			break;
		char *key = strdup(p);
		char **v = key ? realloc(x->folder_list, (x->nfolders + 1) * sizeof(char *)) : NULL;
		if (!v) {
			free(key);
			free(p);
			return -1;
		}
		x->folder_list = v;
		v[x->nfolders++] = key;
		if (q_map_put(&x->folders, key, strlen(key), key)) {
			free(p);
			return -1;
		}
	}
	free(p);
	return 0;
}

static void sync_folders(struct exporter *x)
{
	/* Deepest first, so a folder's entry is durable after its content. */
	for (size_t i = x->nfolders; i-- > 0;)
		q_fsync_folder(x->folder_list[i]);
	q_fsync_folder(x->dir);
}

/* ---- committing, in input order ------------------------------------------------- */

static void set_fatal(struct exporter *x, const struct q_error *e)
{
	if (!x->fatal.code)
		x->fatal = *e;
	pthread_mutex_lock(&x->mu);
	x->stop = 1;
	pthread_cond_broadcast(&x->work_cv);
	pthread_mutex_unlock(&x->mu);
}

/*
 * Removes the files an entry listed that the new entry does not.  While
 * the workers run, folders left empty stay (a worker may be about to write
 * into one); after them (tidy), they go.
 */
static void drop_old_outputs(struct exporter *x, const struct q_entry *old,
			     char *const *keep, size_t nkeep, int tidy)
{
	for (size_t i = 0; old && i < old->noutputs; i++) {
		int kept = 0;
		for (size_t k = 0; k < nkeep && !kept; k++)
			kept = strcmp(old->outputs[i], keep[k]) == 0;
		if (kept)
			continue;
		char *p = out_path(x, old->outputs[i]);
		if (p)
			q_remove_output(p, tidy ? x->dir : NULL);
		free(p);
	}
}

static void unquarantine(struct exporter *x, const char *rel)
{
	if (!x->cl->quarantine)
		return;
	char *a = dup_printf("%s/%s", x->cl->quarantine, rel);
	char *b = dup_printf("%s/%s.error", x->cl->quarantine, rel);
	if (a)
		q_remove_output(a, NULL); /* workers may be writing beside it */
	if (b)
		q_remove_output(b, NULL);
	free(a);
	free(b);
}

/* The run's files are written in batches, not a system call per document. */
#define SINK_BATCH ((size_t)64 << 10)

static struct q_atomic *sink(struct exporter *x, int k)
{
	return k == 0 ? &x->ndjson : &x->tables[k - 1];
}

static int sink_flush(struct exporter *x, int k, struct q_error *err)
{
	struct q_buf *b = &x->pending[k];
	int rc = b->failed ? q_error_msg(err, Q_ENOMEM, NULL, "out of memory")
			   : b->len ? q_atomic_write(sink(x, k), b->data, b->len, err) : 0;
	q_buf_reset(b);
	return rc;
}

static int sink_put(struct exporter *x, int k, const char *data, size_t len,
		    struct q_error *err)
{
	q_buf_append(&x->pending[k], data, len);
	return x->pending[k].len >= SINK_BATCH ? sink_flush(x, k, err) : 0;
}

static int append_run(struct exporter *x, struct job *j, struct q_error *err)
{
	int rc = 0;
	if (x->ndjson_open)
		rc = sink_put(x, 0, j->ndjson.data ? j->ndjson.data : "", j->ndjson.len, err);
	for (int t = 0; t < x->tables_open && !rc && j->csv; t++) {
		size_t len, rows;
		const char *data = q_csv_tables_rows(j->csv, t, &len, &rows);
		rc = sink_put(x, 1 + t, data, len, err);
		x->rows[t] += rows;
	}
	return rc;
}

static void commit(struct exporter *x, struct job *j)
{
	const struct q_input *in = &x->in.items[j->input];
	const struct scan *s = &x->scan[j->input];
	const struct q_entry *old = q_manifest_find(&x->m, in->rel);
	struct q_entry *e = &x->next_entries[j->input];
	if (j->status == J_FATAL) {
		set_fatal(x, &j->err);
		return;
	}
	q_entry_release(e);
	if (!(e->path = strdup(in->rel))) {
		struct q_error o;
		q_error_init(&o);
		oom(&o);
		set_fatal(x, &o);
		return;
	}
	x->touched[j->input] = 1;
	e->size = s->size;
	memcpy(e->sha256, s->sha256, sizeof(e->sha256));
	if (j->status == J_FAILED) {
		e->status = Q_ENTRY_FAILED;
		e->reason = j->reason;
		j->reason = NULL;
		drop_old_outputs(x, old, NULL, 0, 0);
		/* What it wrote before it failed (a later format, its CSV) goes too. */
		for (size_t i = 0; i < j->noutputs; i++) {
			char *p = out_path(x, j->outputs[i]);
			if (p)
				q_remove_output(p, NULL);
			free(p);
		}
		x->failed++;
		print_error(x, &j->err);
		event(x, "failed", json_pack("{s:s, s:s}", "path", in->rel, "reason",
					     e->reason ? e->reason : ""));
		return;
	}
	e->status = Q_ENTRY_OK;
	memcpy(e->doc_id, j->doc_id, sizeof(e->doc_id));
	e->outputs = j->outputs;
	e->noutputs = j->noutputs;
	j->outputs = NULL;
	j->noutputs = 0;
	drop_old_outputs(x, old, e->outputs, e->noutputs, 0);
	for (size_t i = 0; i < e->noutputs; i++)
		if (note_folders(x, e->outputs[i])) {
			struct q_error o;
			q_error_init(&o);
			oom(&o);
			set_fatal(x, &o);
		}
	if (old && old->status == Q_ENTRY_FAILED)
		unquarantine(x, in->rel);
	x->processed++;
	x->bytes += j->bytes;
	const char *first = q_map_get(&x->run_ids, e->doc_id, 64);
	if (first) {
		/* The same text as an earlier input: the run holds it once. */
		if (!x->duplicates++) {
			x->dup_first = in->path;
			x->dup_of = first;
		}
		event(x, "duplicate", json_pack("{s:s, s:s, s:s}", "path", in->rel, "doc_id",
						e->doc_id, "same_as", first));
		return;
	}
	struct q_error werr;
	q_error_init(&werr);
	if (q_map_put(&x->run_ids, e->doc_id, 64, e->path) ||
	    json_array_append_new(x->upserted, json_string(e->doc_id)))
		oom(&werr);
	else
		append_run(x, j, &werr);
	if (werr.code)
		set_fatal(x, &werr);
	event(x, "processed", json_pack("{s:s, s:s, s:I}", "path", in->rel, "doc_id", e->doc_id,
					"bytes", (json_int_t)j->bytes));
}

static void commit_all(struct exporter *x)
{
	for (size_t c = 0; c < x->ntodo; c++) {
		struct job *j = &x->slots[c % x->window];
		pthread_mutex_lock(&x->mu);
		while (!j->done) {
			if (atomic_load(&stop_signal) && !x->stop) {
				x->stop = 1;
				pthread_cond_broadcast(&x->work_cv);
			}
			if (x->stop && c >= x->next)
				break; /* never started */
			struct timespec t;
			clock_gettime(CLOCK_REALTIME, &t);
			t.tv_nsec += 100 * 1000 * 1000;
			if (t.tv_nsec >= 1000000000) {
				t.tv_sec++;
				t.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&x->done_cv, &x->mu, &t);
			pthread_mutex_unlock(&x->mu);
			progress(x, 0);
			pthread_mutex_lock(&x->mu);
		}
		int have = j->done;
		pthread_mutex_unlock(&x->mu);
		if (!have)
			break;
		commit(x, j);
		job_release(j);
		pthread_mutex_lock(&x->mu);
		x->committed = c + 1;
		pthread_cond_broadcast(&x->work_cv);
		pthread_mutex_unlock(&x->mu);
		progress(x, 0);
	}
}

/* ---- the end of a run ---------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted array of the distinct doc ids of ok entries. */
static json_t *live_ids(struct q_entry *entries, size_t n)
{
	const char **ids = calloc(n + 1, sizeof(*ids));
	json_t *a = json_array();
	size_t k = 0;
	if (!ids || !a) {
		free(ids);
		json_decref(a);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (entries[i].status == Q_ENTRY_OK && entries[i].doc_id[0])
			ids[k++] = entries[i].doc_id;
	qsort(ids, k, sizeof(*ids), cmp_str);
	for (size_t i = 0; i < k; i++)
		if ((i == 0 || strcmp(ids[i], ids[i - 1]) != 0) &&
		    json_array_append_new(a, json_string(ids[i]))) {
			json_decref(a);
			a = NULL;
			break;
		}
	free(ids);
	return a;
}

/* a − b, both sorted. */
static json_t *difference(json_t *a, json_t *b)
{
	json_t *d = json_array();
	size_t i = 0, k = 0;
	while (d && i < json_array_size(a)) {
		const char *x = json_string_value(json_array_get(a, i));
		const char *y = k < json_array_size(b) ? json_string_value(json_array_get(b, k)) : NULL;
		int c = y ? strcmp(x, y) : -1;
		if (c < 0) {
			json_array_append_new(d, json_string(x));
			i++;
		} else {
			k++;
			i += c == 0;
		}
	}
	return d;
}

/* The sorted union of two arrays of strings, without duplicates. */
static json_t *sorted_union(json_t *a, json_t *b)
{
	size_t n = json_array_size(a) + json_array_size(b), k = 0;
	const char **all = calloc(n + 1, sizeof(*all));
	json_t *u = json_array();
	if (!all || !u) {
		free(all);
		json_decref(u);
		return NULL;
	}
	for (size_t i = 0; i < json_array_size(a); i++)
		all[k++] = json_string_value(json_array_get(a, i));
	for (size_t i = 0; i < json_array_size(b); i++)
		all[k++] = json_string_value(json_array_get(b, i));
	qsort(all, k, sizeof(*all), cmp_str);
	for (size_t i = 0; i < k; i++)
		if (i == 0 || strcmp(all[i], all[i - 1]) != 0)
			json_array_append_new(u, json_string(all[i]));
	free(all);
	return u;
}

/* Builds the manifest's entries: the inputs' (new or carried) and, on a
 * complete run, what became of the inputs that are gone. */
static int merge_entries(struct exporter *x, int complete, struct q_entry **out, size_t *nout)
{
	size_t cap = x->in.count + x->m.count + 1, n = 0;
	struct q_entry *all = calloc(cap, sizeof(*all));
	if (!all)
		return -1;
	size_t i = 0, k = 0;
	while (i < x->in.count || k < x->m.count) {
		int c = i == x->in.count ? 1
			: k == x->m.count ? -1
					  : strcmp(x->in.items[i].rel, x->m.entries[k].path);
		if (c <= 0) {
			/* An input of this run. */
			struct q_entry *e = &x->next_entries[i];
			if (e->path) {
				all[n++] = *e;
				memset(e, 0, sizeof(*e));
			} else if (c == 0) {
				if (entry_copy(&all[n++], &x->m.entries[k]))
					goto fail;
			}
			i++;
			k += c == 0;
			continue;
		}
		/* An input that is gone. */
		struct q_entry *old = &x->m.entries[k++];
		if (!complete) {
			if (entry_copy(&all[n++], old))
				goto fail;
			continue;
		}
		int newly = old->status != Q_ENTRY_DELETED;
		x->removed += newly;
		if (x->cl->prune) {
			drop_old_outputs(x, old, NULL, 0, 1);
			x->pruned++;
		} else {
			if (entry_copy(&all[n], old))
				goto fail;
			all[n].status = Q_ENTRY_DELETED;
			n++;
		}
		if (newly || x->cl->prune) {
			char *shown = dup_printf("%s%s%s", x->in.root, "/", old->path);
			if (newly && !x->log_json) {
				clear_progress(x);
				q_warn(shown ? shown : old->path,
				       x->cl->prune ? "deleted since the last run; its outputs are removed"
						    : "deleted since the last run; its outputs are kept "
						      "(--prune removes them)");
			}
			event(x, x->cl->prune ? "pruned" : "deleted",
			      json_pack("{s:s}", "path", old->path));
			free(shown);
		}
	}
	*out = all;
	*nout = n;
	return 0;
fail:
	for (size_t t = 0; t < n; t++)
		q_entry_release(&all[t]);
	free(all);
	return -1;
}

static json_t *table_counts(const struct exporter *x)
{
	json_t *t = json_object();
	for (int i = 0; t && i < Q_CSV_TABLE_COUNT; i++)
		json_object_set_new(t, q_csv_table_name(i), json_integer((json_int_t)x->rows[i]));
	return t;
}

/* Renames the run's files into place, then its record and DIR/latest. */
static int finish_run(struct exporter *x, json_t *retired, struct q_error *err)
{
	int rc = 0;
	json_t *deletes = sorted_union(retired, x->upserted);
	if (!deletes)
		return oom(err);
	if (x->ndjson_open && !(rc = sink_flush(x, 0, err))) {
		x->ndjson_open = 0;
		rc = q_atomic_commit(&x->ndjson, err);
	}
	for (int t = 0; t < x->tables_open && !rc; t++)
		rc = sink_flush(x, 1 + t, err);
	if (!rc && x->tables_open) {
		int n = x->tables_open;
		x->tables_open = 0;
		for (int t = 0; t < n; t++) {
			if (rc)
				q_atomic_abort(&x->tables[t]);
			else
				rc = q_atomic_commit(&x->tables[t], err);
		}
		/* delete.csv: every doc id a loader deletes before this run's rows. */
		struct q_buf b;
		q_buf_init(&b, 0);
		q_buf_puts(&b, "doc_id");
		q_buf_puts(&b, x->eopts.profile == Q_CSV_RFC4180 ? "\r\n" : "\n");
		for (size_t i = 0; i < json_array_size(deletes); i++) {
			q_buf_puts(&b, json_string_value(json_array_get(deletes, i)));
			q_buf_puts(&b, x->eopts.profile == Q_CSV_RFC4180 ? "\r\n" : "\n");
		}
		char *p = dup_printf("%s/csv/%s/delete.csv", x->dir, x->run);
		if (!rc)
			rc = !p || b.failed ? oom(err) : q_write_atomic(p, b.data, b.len, err);
		free(p);
		q_buf_reset(&b);
		p = dup_printf("%s/csv/%s/datapackage.json", x->dir, x->run);
		if (!rc)
			rc = q_csv_tables_descriptor(x->eopts.profile, &b, err);
		if (!rc)
			rc = !p || b.failed ? oom(err) : q_write_atomic(p, b.data, b.len, err);
		free(p);
		q_buf_release(&b);
	}
	if (!rc) {
		json_t *files = json_object();
		if (x->formats & (1u << F_NDJSON))
			json_object_set_new(files, "ndjson", json_sprintf("ndjson/%s.ndjson", x->run));
		if (x->formats & (1u << F_CSV))
			json_object_set_new(files, "csv", json_sprintf("csv/%s/", x->run));
		json_t *rec = json_pack(
			"{s:s, s:I, s:o, s:O, s:o, s:{s:I, s:I, s:I, s:I}, s:I, s:O, s:O, s:O}",
			"run", x->run, "sequence", (json_int_t)x->seq, "previous",
			x->m.run[0] ? json_string(x->m.run) : json_null(), "options", x->options,
			"files", files, "inputs", "processed", (json_int_t)x->processed, "failed",
			(json_int_t)x->failed, "unchanged", (json_int_t)x->unchanged, "removed",
			(json_int_t)x->removed, "documents", (json_int_t)json_array_size(x->upserted),
			"upserted", x->upserted, "retired", retired, "delete", deletes);
		if (rec && (x->formats & (1u << F_CSV)))
			json_object_set_new(rec, "tables", table_counts(x));
		char *s = rec ? json_dumps(rec, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		char *p = dup_printf("%s/runs/%s.json", x->dir, x->run);
		char *text = s ? dup_printf("%s\n", s) : NULL;
		rc = !text || !p ? oom(err) : q_make_parent(p, err);
		if (!rc)
			rc = q_write_atomic(p, text, strlen(text), err);
		json_decref(rec);
		free(s);
		free(p);
		free(text);
	}
	if (!rc) {
		char *p = dup_printf("%s/latest", x->dir);
		char *text = dup_printf("%s\n", x->run);
		rc = p && text ? write_text(p, text, err) : oom(err);
		free(p);
		free(text);
	}
	json_decref(deletes);
	return rc;
}

/* The manifest after the run; complete: the run got to its end. */
static int save_manifest(struct exporter *x, int complete, struct q_error *err)
{
	struct q_entry *all;
	size_t n;
	json_t *live = NULL, *retired = NULL;
	int rc = 0;
	sync_folders(x);
	if (merge_entries(x, complete, &all, &n))
		return oom(err);
	struct q_manifest m = x->m; /* borrows root, options and published */
	m.entries = all;
	m.count = n;
	m.cap = n;
	if (complete && x->have_run) {
		live = live_ids(all, n);
		/* Retired: live after the last run, and not now. */
		retired = x->m.published ? difference(x->m.published, live) : json_array();
		if (!live || !retired)
			rc = oom(err);
		if (!rc)
			rc = finish_run(x, retired, err);
		if (!rc) {
			for (size_t i = 0; i < n; i++)
				if (!all[i].run[0] && all[i].status != Q_ENTRY_DELETED)
					memcpy(all[i].run, x->run, sizeof(all[i].run));
			memcpy(m.run, x->run, sizeof(m.run));
			m.runs = x->seq;
			m.published = live;
		}
	}
	if (!rc) {
		m.root = x->in.root;
		m.options = complete || !x->m.options ? x->options : x->m.options;
		rc = q_manifest_save(&m, x->manifest_path, err);
	}
	for (size_t i = 0; i < n; i++)
		q_entry_release(&all[i]);
	free(all);
	json_decref(live);
	json_decref(retired);
	return rc;
}

/* ---- setting up ------------------------------------------------------------------------ */

static unsigned parse_formats(const char *list)
{
	unsigned f = 0;
	if (!list)
		return (1u << NFORMATS) - 1;
	while (*list) {
		size_t n = strcspn(list, ",");
		for (int i = 0; i < NFORMATS; i++)
			if (strlen(format_names[i]) == n && strncmp(format_names[i], list, n) == 0)
				f |= 1u << i;
		list += n + (list[n] == ',');
	}
	return f;
}

static json_t *options_of(const struct exporter *x)
{
	char formats[64] = "";
	for (int i = 0; i < NFORMATS; i++)
		if (x->formats & (1u << i)) {
			if (formats[0])
				strcat(formats, ",");
			strcat(formats, format_names[i]);
		}
	const struct q_cmdline *cl = x->cl;
	return json_pack("{s:s, s:s, s:s, s:o, s:b, s:b, s:b, s:I, s:s}", "quarry", Q_VERSION,
			 "ir", Q_IR_SCHEMA, "formats", formats, "date",
			 cl->date ? json_string(cl->date) : json_null(), "compact", cl->compact,
			 "lossy", cl->lossy, "validate", !cl->no_validate, "max_size",
			 (json_int_t)x->max_size, "csv_profile",
			 q_csv_profile_names[x->eopts.profile]);
}

static int online_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > Q_MAX_JOBS ? Q_MAX_JOBS : (int)n;
}

/* The account of the run: --summary writes it, the JSON log ends with it. */
static json_t *account(struct exporter *x, int code, int complete)
{
	double s = seconds_since(&x->start);
	double mb = (double)x->bytes / 1e6;
	json_t *o = json_pack(
		"{s:o, s:b, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:i}",
		"run", complete && x->have_run ? json_string(x->run) : json_null(), "complete",
		complete, "exit", q_exit_code(code), "inputs", (json_int_t)x->in.count, "processed",
		(json_int_t)x->processed, "unchanged", (json_int_t)x->unchanged, "failed",
		(json_int_t)x->failed, "failed_earlier", (json_int_t)x->failed_earlier, "removed",
		(json_int_t)x->removed, "pruned", (json_int_t)x->pruned, "documents",
		(json_int_t)(x->upserted ? json_array_size(x->upserted) : 0), "bytes",
		(json_int_t)x->bytes, "seconds", s, "mb_per_second", s > 0 ? mb / s : 0.0, "jobs",
		x->nthreads);
	if (o && (x->formats & (1u << F_CSV)) && complete && x->have_run)
		json_object_set_new(o, "tables", table_counts(x));
	return o;
}

static void write_summary(struct exporter *x, json_t *o)
{
	char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))
		       : NULL;
	char *line = text ? dup_printf("%s\n", text) : NULL;
	struct q_error err;
	q_error_init(&err);
	if (!line || q_write_atomic(x->cl->summary, line, strlen(line), &err)) {
		if (!err.code)
			oom(&err);
		print_error(x, &err);
	}
	free(text);
	free(line);
}

static int setup(struct exporter *x, struct q_cmdline *cl, struct q_error *err)
{
	x->cl = cl;
	x->dir = cl->out_dir;
	x->formats = parse_formats(cl->formats);
	x->xopts.reference_date = cl->date;
	x->xopts.lossy = cl->lossy;
	x->eopts.compact = cl->compact;
	x->eopts.profile = (enum q_csv_profile)cl->profile;
	x->max_size = cl->max_size ? cl->max_size : Q_MAX_INPUT_DEFAULT;
	x->nthreads = cl->jobs ? cl->jobs : online_cores();
	x->log_json = cl->log_json;
	x->tty = !x->log_json && isatty(STDERR_FILENO);
	q_error_init(&x->fatal);
	q_map_init(&x->run_ids);
	for (int k = 0; k <= Q_CSV_TABLE_COUNT; k++)
		q_buf_init(&x->pending[k], 0);
	q_map_init(&x->folders);
	pthread_mutex_init(&x->mu, NULL);
	pthread_cond_init(&x->work_cv, NULL);
	pthread_cond_init(&x->done_cv, NULL);
	clock_gettime(CLOCK_MONOTONIC, &x->start);
	x->t0 = x->start;
	if (!x->dir || !x->dir[0])
		return q_error_msg(err, Q_EUSAGE, NULL,
				   "export needs --out DIR (see 'quarry export --help')");
	if (cl->nargs == 0)
		return q_error_msg(err, Q_EUSAGE, NULL,
				   "export needs inputs: files, folders, @LISTFILE or - "
				   "(see 'quarry export --help')");
	/* A missing argument stops the run before the output folder is made
	 * (the files a list names are checked once they are read). */
	for (int i = 0; i < cl->nargs; i++) {
		const char *a = cl->args[i];
		struct stat st;
		if (strcmp(a, "-") == 0)
			continue;
		a += a[0] == '@' && a[1];
		if (stat(a, &st) != 0)
			return q_error_msg(err, Q_ENOINPUT, a, "cannot open: %s", strerror(errno));
	}
	if (!cl->no_validate && !(x->schema = q_cmd_ir_schema(err)))
		return err->code;
	x->qdir = dup_printf("%s/.quarry", x->dir);
	x->manifest_path = dup_printf("%s/.quarry/manifest.json", x->dir);
	x->lock_path = dup_printf("%s/.quarry/lock", x->dir);
	x->upserted = json_array();
	if (!x->qdir || !x->manifest_path || !x->lock_path || !x->upserted ||
	    !(x->options = options_of(x)))
		return oom(err);
	return 0;
}

static void teardown(struct exporter *x)
{
	for (size_t i = 0; x->next_entries && i < x->in.count; i++)
		q_entry_release(&x->next_entries[i]);
	free(x->next_entries);
	free(x->touched);
	free(x->scan);
	free(x->todo);
	free(x->slots);
	q_inputs_release(&x->in);
	q_manifest_release(&x->m);
	q_map_release(&x->run_ids);
	for (int k = 0; k <= Q_CSV_TABLE_COUNT; k++)
		q_buf_release(&x->pending[k]);
	q_map_release(&x->folders);
	for (size_t i = 0; i < x->nfolders; i++)
		free(x->folder_list[i]);
	free(x->folder_list);
	json_decref(x->upserted);
	json_decref(x->options);
	free(x->qdir);
	free(x->manifest_path);
	free(x->lock_path);
	pthread_mutex_destroy(&x->mu);
	pthread_cond_destroy(&x->work_cv);
	pthread_cond_destroy(&x->done_cv);
}

/* Puts DIR/latest back when it is gone or names no complete run. */
static int repair_latest(struct exporter *x, struct q_error *err)
{
	if (!x->m.run[0])
		return 0;
	char *p = dup_printf("%s/latest", x->dir);
	char *text = dup_printf("%s\n", x->m.run);
	char named[Q_RUN_ID_LEN + 2] = "";
	int rc = 0;
	if (!p || !text) {
		rc = oom(err);
	} else {
		FILE *f = fopen(p, "re");
		if (f) {
			if (!fgets(named, sizeof(named), f))
				named[0] = '\0';
			fclose(f);
		}
		named[strcspn(named, "\n")] = '\0';
		char *rec = strlen(named) == Q_RUN_ID_LEN ? dup_printf("%s/runs/%s.json", x->dir, named)
							   : NULL;
		if (!rec || access(rec, F_OK) != 0)
			rc = write_text(p, text, err);
		free(rec);
	}
	free(p);
	free(text);
	return rc;
}

static int run_export(struct exporter *x, struct q_error *err)
{
	const char *skip[2] = {x->dir, x->cl->quarantine};
	int rc;
	if ((rc = q_manifest_load(&x->m, x->manifest_path, err)) ||
	    (rc = q_inputs_collect(&x->in, x->cl, skip, 2, x->m.root, err)))
		return rc;
	/* From here on a signal lets the documents in flight finish.  (Until
	 * here it kills: nothing but the lock file has been written.) */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &x->old_int);
	sigaction(SIGTERM, &sa, &x->old_term);
	x->caught = 1;
	/* A file size limit (ulimit -f) is a write error, not a death. */
	signal(SIGXFSZ, SIG_IGN);
	q_export_clean(x->dir);
	if ((rc = repair_latest(x, err)))
		return rc;
	size_t n = x->in.count;
	x->scan = calloc(n + 1, sizeof(*x->scan));
	x->todo = calloc(n + 1, sizeof(*x->todo));
	x->next_entries = calloc(n + 1, sizeof(*x->next_entries));
	x->touched = calloc(n + 1, 1);
	/* Results wait here for their turn: room for 8 per worker keeps the
	 * workers busy while a long document holds up the commit. */
	x->window = 8 * (size_t)x->nthreads;
	x->slots = calloc(x->window, sizeof(*x->slots));
	if (!x->scan || !x->todo || !x->next_entries || !x->touched || !x->slots)
		return oom(err);
	pthread_t *th = calloc((size_t)x->nthreads, sizeof(*th));
	if (!th)
		return oom(err);
	/* The first pass: -j threads, this one among them. */
	size_t helpers = (size_t)x->nthreads - 1;
	size_t started = start_threads(x, helpers < n ? helpers : n, scan_worker, th);
	scan_worker(x);
	join_threads(th, started);
	if (atomic_load(&stop_signal)) {
		free(th);
		return 0; /* nothing was written; the manifest stands as it was */
	}
	decide(x);
	x->have_run = x->ntodo > 0 || x->ndeleted > 0;
	if (x->have_run && (rc = make_run_id(x, err))) {
		free(th);
		return rc;
	}
	event(x, "start",
	      json_pack("{s:s, s:I, s:I, s:I, s:I, s:i, s:o}", "out", x->dir, "inputs",
			(json_int_t)n, "to_process", (json_int_t)x->ntodo, "unchanged",
			(json_int_t)x->unchanged, "deleted", (json_int_t)x->ndeleted, "jobs",
			x->nthreads, "run", x->have_run ? json_string(x->run) : json_null()));
	if (x->have_run && (rc = open_run(x, err))) {
		abort_run(x);
		free(th);
		return rc;
	}
	/* The second pass: the workers extract, this thread commits. */
	clock_gettime(CLOCK_MONOTONIC, &x->t0);
	started = start_threads(x, x->ntodo, worker, th);
	if (x->ntodo && !started) {
		free(th);
		return q_error_msg(err, Q_EINTERNAL, NULL, "cannot start a thread: %s",
				   strerror(errno));
	}
	commit_all(x);
	join_threads(th, started);
	free(th);
	progress(x, 1);
	clear_progress(x);
	if (x->duplicates && !x->log_json)
		q_warn(x->dup_first,
		       "the same text as %s (and %zu more inputs repeat an earlier one): the run's "
		       "NDJSON and CSV hold each document once",
		       x->dup_of, x->duplicates - 1);
	return 0;
}

int q_cmd_export(struct q_cmdline *cl, struct q_error *err)
{
	struct exporter x;
	memset(&x, 0, sizeof(x));
	int rc = setup(&x, cl, err), lock = -1;
	if (rc) {
		teardown(&x);
		return rc;
	}
	if ((rc = q_make_dir(x.qdir, err)) || (rc = q_export_lock(x.lock_path, &lock, err))) {
		teardown(&x);
		return rc;
	}
	atomic_store(&stop_signal, 0);
	if (x.log_json)
		q_warn_set_handler(warning_event);
	else if (x.tty)
		q_warn_set_handler(warning_on_tty);
	rc = run_export(&x, err);
	int sig = atomic_load(&stop_signal);
	int complete = !rc && !sig && !x.fatal.code;
	if (!rc && x.fatal.code)
		*err = x.fatal;
	rc = rc ? rc : x.fatal.code;
	/* The manifest: after a complete run, or to keep what a stopped one did. */
	int dirty = complete ? x.have_run : x.processed + x.failed > 0;
	for (size_t k = 0; complete && x.cl->prune && k < x.m.count; k++)
		dirty |= x.m.entries[k].status == Q_ENTRY_DELETED; /* outputs to remove */
	if (x.in.root && dirty && (!rc || is_output_error(rc))) {
		struct q_error merr;
		q_error_init(&merr);
		if (save_manifest(&x, complete, &merr)) {
			if (!rc) {
				*err = merr;
				rc = merr.code;
			} else {
				print_error(&x, &merr);
			}
			complete = 0;
		}
	}
	abort_run(&x);
	if (!rc && sig) {
		rc = q_error_msg(err, Q_SUBCODE(Q_EINTERRUPTED, sig), NULL,
				 "interrupted by %s: %zu of %zu documents done, recorded in the "
				 "manifest; the next run finishes the job",
				 sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal",
				 x.processed + x.failed, x.ntodo);
		event(&x, "interrupted", json_pack("{s:i}", "signal", sig));
	}
	if (!rc && x.failed)
		rc = Q_EPARTIAL;
	if (rc && err->code && x.log_json)
		event(&x, "error", json_pack("{s:s, s:s}", "file", err->file, "message", err->message));
	json_t *acc = account(&x, rc, complete);
	if (cl->summary)
		write_summary(&x, acc);
	if (acc && x.log_json) {
		json_object_del(acc, "tables");
		event(&x, "done", json_incref(acc));
	}
	json_decref(acc);
	q_warn_set_handler(NULL);
	if (x.caught) {
		sigaction(SIGINT, &x.old_int, NULL);
		sigaction(SIGTERM, &x.old_term, NULL);
	}
	q_export_unlock(lock);
	teardown(&x);
	return rc;
}

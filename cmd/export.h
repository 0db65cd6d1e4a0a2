/*
 * export.h — the parts of `quarry export`, private to cmd/.
 *
 * export.c runs a batch: it finds what changed, extracts it on worker
 * threads and commits the results in input order.  inputs.c turns the
 * INPUT arguments into a sorted list of files with paths relative to one
 * root.  manifest.c keeps the account that makes runs incremental and
 * resumable: the manifest, the run records, the lock, and the leftovers
 * of runs that were killed.
 */
#ifndef Q_CMD_EXPORT_H
#define Q_CMD_EXPORT_H

#include <stdint.h>

#include "cmd/cmd.h"

/* ---- inputs (inputs.c) ---------------------------------------------------- */

struct q_input {
	char *path; /* as found (the argument joined with the walk): opened, shown */
	char *rel;  /* relative to the root: the manifest key and source.name */
};

struct q_inputs {
	struct q_input *items; /* sorted by rel, no duplicates */
	size_t count, cap;
	char *root; /* absolute, without a trailing '/' ("" for "/") */
};

/*
 * Expands INPUT arguments: files, folders (recursively, in name order;
 * hidden entries and folders reached through symbolic links are skipped,
 * as are the folders in skip[], the output and quarantine folders),
 * "@LISTFILE" and "-" (one path a line, from the file or standard input).
 * --include and --exclude filter what is found.  The root is `prefer`
 * when it holds every input (so that a manifest keeps its keys), else the
 * deepest folder that holds every folder argument and the folder of every
 * file argument.  A missing argument is Q_ENOINPUT: a run must not take a
 * folder it cannot see for a folder whose files were deleted.
 */
int q_inputs_collect(struct q_inputs *in, const struct q_cmdline *cl,
		     const char *const *skip, size_t nskip, const char *prefer,
		     struct q_error *err);
void q_inputs_release(struct q_inputs *in);

/* ---- the manifest (manifest.c) -------------------------------------------- */

#define Q_RUN_ID_LEN 19 /* "000012-0123456789ab" */

enum q_entry_status { Q_ENTRY_OK, Q_ENTRY_FAILED, Q_ENTRY_DELETED };

/* What the manifest knows of one input. */
struct q_entry {
	char *path;	/* relative to the root: the key */
	uint64_t size;
	char sha256[65]; /* of the bytes as read; "" when they could not be read */
	enum q_entry_status status;
	char doc_id[65]; /* the document's id when ok, else "" */
	char *reason;	 /* why it failed, else NULL */
	char **outputs;	 /* per-document files, relative to the output folder */
	size_t noutputs;
	char run[Q_RUN_ID_LEN + 1]; /* the run whose NDJSON and CSV carry it; ""
				       while no complete run does (pending) */
};

struct q_manifest {
	char *root;	      /* NULL when there is no manifest yet */
	json_t *options;      /* what decides the bytes of every output */
	char run[Q_RUN_ID_LEN + 1]; /* the last complete run, "" for none */
	unsigned long runs;	    /* complete runs so far */
	json_t *published;	    /* sorted doc ids live after the last run */
	struct q_entry *entries;    /* sorted by path */
	size_t count, cap;
};

void q_manifest_init(struct q_manifest *m);
void q_manifest_release(struct q_manifest *m);
void q_entry_release(struct q_entry *e);
/* Reads DIR/.quarry/manifest.json; a missing file gives an empty manifest. */
int q_manifest_load(struct q_manifest *m, const char *path, struct q_error *err);
/* Writes it atomically (the entries must be sorted). */
int q_manifest_save(const struct q_manifest *m, const char *path, struct q_error *err);
/* The entry of path, or NULL. */
struct q_entry *q_manifest_find(struct q_manifest *m, const char *path);

/*
 * The lock of an output folder: flock() on DIR/.quarry/lock, which then
 * holds the holder's pid.  Another holder gives Q_ELOCKED naming its pid,
 * at once.  The lock goes with the process; the file stays.
 */
int q_export_lock(const char *lockfile, int *fd, struct q_error *err);
void q_export_unlock(int fd);

/*
 * What a killed run leaves behind: temporary files of atomic writes
 * ("NAME.tmp.XXXXXX") anywhere under dir, and the NDJSON file and CSV
 * folder of a run that has no run record (it never completed).  Returns
 * how many were removed.
 */
size_t q_export_clean(const char *dir);

/* mkdir -p of the folder that holds path. */
int q_make_parent(const char *path, struct q_error *err);
int q_make_dir(const char *dir, struct q_error *err);
/* Writes path atomically unless it already holds exactly data (then it is
 * left alone: same bytes, same inode, same mtime).  *written tells which.
 * Without sync_folder the caller fsyncs the folder (q_fsync_folder). */
int q_write_if_changed(const char *path, const void *data, size_t len,
		       int sync_folder, int *written, struct q_error *err);
/* Removes a file and then the folders above it up to (not including)
 * stop that it leaves empty (none when stop is NULL). */
void q_remove_output(const char *path, const char *stop);

#endif

/*
 * manifest.c — the account that makes `quarry export` incremental and
 * resumable: the manifest, the lock, and the leftovers of killed runs.
 *
 * The manifest (DIR/.quarry/manifest.json) is written atomically, at the
 * end of a run or when a run stops early, so it always describes files
 * that exist in full.  It lists every input by its path relative to the
 * root, with size, SHA-256 of its bytes, status, document id, reason of a
 * failure, the per-document files written for it and the run whose NDJSON
 * and CSV carry it — empty while no complete run does, so that the next
 * run takes it again.
 */
#include "cmd/export.h"
#include "extract/extract.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST_VERSION 1

static const char *const status_names[] = {"ok", "failed", "deleted"};

void q_manifest_init(struct q_manifest *m)
{
	memset(m, 0, sizeof(*m));
}

void q_entry_release(struct q_entry *e)
{
	free(e->path);
	free(e->reason);
	for (size_t i = 0; i < e->noutputs; i++)
		free(e->outputs[i]);
	free(e->outputs);
	memset(e, 0, sizeof(*e));
}

void q_manifest_release(struct q_manifest *m)
{
	for (size_t i = 0; i < m->count; i++)
		q_entry_release(&m->entries[i]);
	free(m->entries);
	free(m->root);
	json_decref(m->options);
	json_decref(m->published);
	memset(m, 0, sizeof(*m));
}

static int damaged(const char *path, const char *what, struct q_error *err)
{
	return q_error_msg(err, Q_EDATA, path,
			   "the manifest is damaged (%s); move it away to start afresh", what);
}

static int copy_hex(char out[65], json_t *v)
{
	const char *s = json_string_value(v);
	out[0] = '\0';
	if (json_is_null(v) || !v)
		return 0;
	if (!s || strlen(s) != 64)
		return -1;
	memcpy(out, s, 65);
	return 0;
}

static int copy_run(char out[Q_RUN_ID_LEN + 1], json_t *v)
{
	const char *s = json_string_value(v);
	out[0] = '\0';
	if (json_is_null(v) || !v)
		return 0;
	if (!s || strlen(s) != Q_RUN_ID_LEN)
		return -1;
	memcpy(out, s, Q_RUN_ID_LEN + 1);
	return 0;
}

static int cmp_entries(const void *a, const void *b)
{
	return strcmp(((const struct q_entry *)a)->path, ((const struct q_entry *)b)->path);
}

static int load_entry(struct q_entry *e, json_t *j)
{
	json_t *outs = json_object_get(j, "outputs");
	const char *path = json_string_value(json_object_get(j, "path"));
	const char *status = json_string_value(json_object_get(j, "status"));
	json_t *reason = json_object_get(j, "reason");
	json_int_t size = json_integer_value(json_object_get(j, "size"));
	memset(e, 0, sizeof(*e));
	if (!path || !status || !json_is_array(outs) || size < 0)
		return -1;
	int st = -1;
	for (int i = 0; i < 3; i++)
		if (strcmp(status, status_names[i]) == 0)
			st = i;
	if (st < 0 || copy_hex(e->sha256, json_object_get(j, "sha256")) ||
	    copy_hex(e->doc_id, json_object_get(j, "doc_id")) ||
	    copy_run(e->run, json_object_get(j, "run")))
		return -1;
	e->status = (enum q_entry_status)st;
	e->size = (uint64_t)size;
	e->path = strdup(path);
	e->reason = json_is_string(reason) ? strdup(json_string_value(reason)) : NULL;
	e->outputs = calloc(json_array_size(outs) + 1, sizeof(char *));
	if (!e->path || !e->outputs || (json_is_string(reason) && !e->reason))
		return -1;
	size_t i;
	json_t *o;
	json_array_foreach(outs, i, o) {
		const char *s = json_string_value(o);
		if (!s || !(e->outputs[e->noutputs] = strdup(s)))
			return -1;
		e->noutputs++;
	}
	return 0;
}

int q_manifest_load(struct q_manifest *m, const char *path, struct q_error *err)
{
	struct q_buf raw;
	json_error_t jerr;
	q_buf_init(&raw, 0);
	q_manifest_init(m);
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 0;
	int rc = q_read_file(path, Q_MAX_INPUT_LIMIT, &raw, err);
	if (rc) {
		q_buf_release(&raw);
		return rc;
	}
	json_t *j = json_loadb(raw.data, raw.len, JSON_REJECT_DUPLICATES, &jerr);
	q_buf_release(&raw);
	if (!j)
		return q_error_set(err, Q_EDATA, path, jerr.line, jerr.column, -1,
				   "the manifest is damaged (%s); move it away to start afresh",
				   jerr.text);
	json_t *inputs = json_object_get(j, "inputs");
	const char *root = json_string_value(json_object_get(j, "root"));
	json_t *published = json_object_get(j, "published");
	if (json_integer_value(json_object_get(j, "quarry_export")) != MANIFEST_VERSION ||
	    !root || !json_is_array(inputs) || !json_is_array(published) ||
	    !json_is_object(json_object_get(j, "options")) ||
	    copy_run(m->run, json_object_get(j, "run"))) {
		json_decref(j);
		return damaged(path, "not a quarry export manifest of this version", err);
	}
	m->root = strdup(root);
	m->options = json_incref(json_object_get(j, "options"));
	m->published = json_incref(published);
	m->runs = (unsigned long)json_integer_value(json_object_get(j, "runs"));
	m->entries = calloc(json_array_size(inputs) + 1, sizeof(*m->entries));
	m->cap = json_array_size(inputs) + 1;
	if (!m->root || !m->entries) {
		json_decref(j);
		return q_error_msg(err, Q_ENOMEM, path, "out of memory");
	}
	size_t i;
	json_t *it;
	json_array_foreach(inputs, i, it) {
		if (load_entry(&m->entries[m->count], it)) {
			q_entry_release(&m->entries[m->count]);
			json_decref(j);
			return damaged(path, "an input entry is malformed", err);
		}
		m->count++;
	}
	json_decref(j);
	qsort(m->entries, m->count, sizeof(*m->entries), cmp_entries);
	return 0;
}

struct q_entry *q_manifest_find(struct q_manifest *m, const char *path)
{
	struct q_entry key = {.path = (char *)path};
	if (!m->count)
		return NULL;
	return bsearch(&key, m->entries, m->count, sizeof(key), cmp_entries);
}

static json_t *str_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

int q_manifest_save(const struct q_manifest *m, const char *path, struct q_error *err)
{
	json_t *inputs = json_array();
	json_t *j = json_pack("{s:i, s:s, s:o, s:o, s:I, s:o, s:o}", "quarry_export",
			      MANIFEST_VERSION, "root", m->root ? m->root : "", "options",
			      m->options ? json_incref(m->options) : json_object(), "run",
			      str_or_null(m->run), "runs", (json_int_t)m->runs, "published",
			      m->published ? json_incref(m->published) : json_array(), "inputs",
			      inputs);
	int bad = !j || !inputs;
	for (size_t i = 0; i < m->count && !bad; i++) {
		const struct q_entry *e = &m->entries[i];
		json_t *outs = json_array();
		for (size_t k = 0; outs && k < e->noutputs; k++)
			bad |= json_array_append_new(outs, json_string(e->outputs[k]));
		json_t *o = outs ? json_pack("{s:s, s:I, s:o, s:s, s:o, s:o, s:o, s:o}", "path",
					     e->path, "size", (json_int_t)e->size, "sha256",
					     str_or_null(e->sha256), "status",
					     status_names[e->status], "doc_id",
					     str_or_null(e->doc_id), "reason",
					     str_or_null(e->reason), "outputs", outs, "run",
					     str_or_null(e->run))
				 : NULL;
		bad |= !o || json_array_append_new(inputs, o);
	}
	char *s = bad ? NULL : json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!s)
		return q_error_msg(err, Q_ENOMEM, path, "out of memory");
	size_t n = strlen(s);
	s[n] = '\n'; /* json_dumps leaves room for the NUL it replaces */
	int rc = q_write_atomic(path, s, n + 1, err);
	free(s);
	return rc;
}

/* ---- the lock ----------------------------------------------------------------- */

static int write_error(const char *path, int e, struct q_error *err)
{
	int code = (e == EIO || e == ENOSPC || e == EDQUOT || e == EFBIG) ? Q_EIO : Q_ECANTCREAT;
	return q_error_msg(err, code, path, "cannot write: %s", strerror(e));
}

int q_export_lock(const char *lockfile, int *fdp, struct q_error *err)
{
	int fd = open(lockfile, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	*fdp = -1;
	if (fd < 0)
		return write_error(lockfile, errno, err);
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		char pid[32] = "";
		if (e == EWOULDBLOCK) {
			ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
		}
		close(fd);
		if (e != EWOULDBLOCK)
			return q_error_msg(err, Q_EIO, lockfile, "cannot lock: %s", strerror(e));
		return q_error_msg(err, Q_ELOCKED, lockfile,
				   "another quarry export (pid %s) is writing to this folder; "
				   "try again when it is done",
				   pid[0] ? pid : "unknown");
	}
	char pid[32];
	int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
		int e = errno;
		close(fd);
		return write_error(lockfile, e, err);
	}
	*fdp = fd;
	return 0;
}

void q_export_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* the lock goes with the descriptor */
}

/* ---- folders and files --------------------------------------------------------- */

int q_make_dir(const char *dir, struct q_error *err)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		return q_error_msg(err, Q_ECANTCREAT, dir, "exists and is not a folder");
	}
	char *path = strdup(dir);
	if (!path)
		return q_error_msg(err, Q_ENOMEM, dir, "out of memory");
	size_t n = strlen(path);
	int rc = 0;
	for (size_t i = 1; i <= n && !rc; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		char c = path[i];
		path[i] = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			rc = q_error_msg(err, errno == ENOSPC || errno == EIO ? Q_EIO : Q_ECANTCREAT,
					 path, "cannot create the folder: %s", strerror(errno));
		path[i] = c;
	}
	free(path);
	if (!rc && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)))
		rc = q_error_msg(err, Q_ECANTCREAT, dir, "exists and is not a folder");
	return rc;
}

int q_make_parent(const char *path, struct q_error *err)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	char *dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return q_error_msg(err, Q_ENOMEM, path, "out of memory");
	int rc = q_make_dir(dir, err);
	free(dir);
	return rc;
}

/* 1 when path holds exactly data[0..len). */
static int same_content(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return 0;
	int same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == len;
	char buf[1 << 16];
	for (size_t at = 0; same && at < len;) {
		ssize_t n = read(fd, buf, len - at < sizeof(buf) ? len - at : sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		same = n > 0 && memcmp(buf, (const char *)data + at, (size_t)n) == 0;
		at += n > 0 ? (size_t)n : 0;
	}
	close(fd);
	return same;
}

int q_write_if_changed(const char *path, const void *data, size_t len, int sync_folder,
		       int *written, struct q_error *err)
{
	*written = 0;
	if (same_content(path, data, len))
		return 0;
	int rc = q_make_parent(path, err);
	if (!rc)
		rc = sync_folder ? q_write_atomic(path, data, len, err)
				 : q_write_atomic_nosync(path, data, len, err);
	*written = rc == 0;
	return rc;
}

void q_remove_output(const char *path, const char *stop)
{
	if ((unlink(path) != 0 && errno != ENOENT) || !stop)
		return;
	char *dir = strdup(path);
	size_t n = strlen(stop);
	while (dir) {
		char *slash = strrchr(dir, '/');
		if (!slash)
			break;
		*slash = '\0';
		if (strlen(dir) <= n || strncmp(dir, stop, n) != 0 || rmdir(dir) != 0)
			break;
	}
	free(dir);
}

/* ---- what killed runs leave behind ---------------------------------------------- */

/* "NAME.tmp.XXXXXX", as q_atomic_open names its temporaries. */
static int is_temp_name(const char *name)
{
	size_t n = strlen(name);
	if (n < 12 || memcmp(name + n - 11, ".tmp.", 5) != 0)
		return 0;
	for (size_t i = n - 6; i < n; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= 'A' && name[i] <= 'Z')))
			return 0;
	return 1;
}

static int is_run_id(const char *s, size_t n)
{
	if (n != Q_RUN_ID_LEN || s[6] != '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (i != 6 && !((s[i] >= '0' && s[i] <= '9') || (i > 6 && s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* "a/b" in memory of its own (NULL when out of memory). */
static char *path2(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", a, b);
	return p;
}

static int dots(const char *name)
{
	return name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]));
}

static size_t remove_temps(const char *dir, int depth)
{
	DIR *d = depth < 64 ? opendir(dir) : NULL;
	size_t removed = 0;
	struct dirent *e;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *p = dots(e->d_name) ? NULL : path2(dir, e->d_name);
		struct stat st;
		if (p && lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				removed += remove_temps(p, depth + 1);
			else if (S_ISREG(st.st_mode) && is_temp_name(e->d_name) && unlink(p) == 0)
				removed++;
		}
		free(p);
	}
	closedir(d);
	return removed;
}

static int has_record(const char *dir, const char *run, size_t n)
{
	char *runs = path2(dir, "runs"), *rec = NULL;
	char name[Q_RUN_ID_LEN + 8];
	snprintf(name, sizeof(name), "%.*s.json", (int)(n < Q_RUN_ID_LEN ? n : Q_RUN_ID_LEN), run);
	int has = runs && (rec = path2(runs, name)) && access(rec, F_OK) == 0;
	free(runs);
	free(rec);
	return has;
}

/* The NDJSON file or CSV folder of a run that never wrote its record. */
static size_t remove_unfinished(const char *dir, const char *sub)
{
	char *folder = path2(dir, sub);
	DIR *d = folder ? opendir(folder) : NULL;
	size_t removed = 0;
	int ndjson = strcmp(sub, "ndjson") == 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		const char *name = e->d_name;
		size_t n = strlen(name);
		if (ndjson) {
			if (n < 7 || strcmp(name + n - 7, ".ndjson") != 0)
				continue;
			n -= 7;
		}
		if (!is_run_id(name, n) || has_record(dir, name, n))
			continue;
		char *p = path2(folder, name);
		if (p && ndjson) {
			removed += unlink(p) == 0;
		} else if (p) {
			DIR *t = opendir(p);
			struct dirent *f;
			while (t && (f = readdir(t))) {
				char *q = dots(f->d_name) ? NULL : path2(p, f->d_name);
				removed += q && unlink(q) == 0;
				free(q);
			}
			if (t)
				closedir(t);
			rmdir(p);
		}
		free(p);
	}
	if (d)
		closedir(d);
	free(folder);
	return removed;
}

size_t q_export_clean(const char *dir)
{
	size_t n = remove_temps(dir, 0);
	n += remove_unfinished(dir, "ndjson");
	n += remove_unfinished(dir, "csv");
	return n;
}

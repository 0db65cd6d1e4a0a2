/* file.c — reading inputs under a size limit and writing outputs atomically. */
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_CHUNK ((size_t)1 << 16)

const char *q_display_name(const char *path)
{
	return strcmp(path, "-") == 0 ? Q_STDIN_NAME : path;
}

static int open_error(const char *name, int e, struct q_error *err)
{
	int code = (e == ENOENT || e == EACCES || e == ENOTDIR || e == ELOOP ||
		    e == EISDIR || e == ENAMETOOLONG)
			   ? Q_ENOINPUT
			   : Q_EIO;
	return q_error_msg(err, code, name, "cannot open: %s", strerror(e));
}

static int read_fd(int fd, const char *name, size_t max_bytes,
		   struct q_buf *out, struct q_error *err)
{
	for (;;) {
		if (q_buf_reserve(out, READ_CHUNK))
			return q_error_msg(err, Q_ENOMEM, name, "out of memory");
		ssize_t n = read(fd, out->data + out->len, READ_CHUNK);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return q_error_msg(err, Q_EIO, name, "read error: %s",
					   strerror(errno));
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		if (out->len > max_bytes)
			return q_error_msg(err, Q_ETOOBIG, name,
					   "input exceeds the size limit of %zu bytes",
					   max_bytes);
	}
	out->data[out->len] = '\0';
	return 0;
}

int q_read_file(const char *path, size_t max_bytes, struct q_buf *out,
		struct q_error *err)
{
	const char *name = q_display_name(path);
	q_buf_reset(out);
	if (strcmp(path, "-") == 0)
		return read_fd(STDIN_FILENO, name, max_bytes, out, err);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return open_error(name, errno, err);
	struct stat st;
	int rc;
	if (fstat(fd, &st) != 0) {
		rc = q_error_msg(err, Q_EIO, name, "cannot stat: %s", strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		rc = q_error_msg(err, Q_ENOINPUT, name, "is a directory");
	} else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max_bytes) {
		rc = q_error_msg(err, Q_ETOOBIG, name,
				 "input exceeds the size limit of %zu bytes (it has %lld)",
				 max_bytes, (long long)st.st_size);
	} else {
		if (S_ISREG(st.st_mode) &&
		    q_buf_reserve(out, (size_t)st.st_size + READ_CHUNK))
			rc = q_error_msg(err, Q_ENOMEM, name, "out of memory");
		else
			rc = read_fd(fd, name, max_bytes, out, err);
	}
	close(fd);
	return rc;
}

static int create_error(const char *path, int e, struct q_error *err)
{
	int code = (e == EIO || e == ENOSPC || e == EDQUOT || e == EFBIG)
			   ? Q_EIO
			   : Q_ECANTCREAT;
	return q_error_msg(err, code, path, "cannot write: %s", strerror(e));
}

void q_fsync_folder(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd); /* best effort: some filesystems refuse it */
		close(fd);
	}
}

static void fsync_folder_of(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return;
	q_fsync_folder(dirname(copy));
	free(copy);
}

/*
 * The mode a plain create would give: 0666 less the umask.  Read once, and
 * from /proc where it can be: umask() can only be read by setting it, and
 * setting it to 0 for a moment would give a folder that another thread
 * creates in that moment the wrong mode.
 */
static mode_t file_mode;
static pthread_once_t file_mode_once = PTHREAD_ONCE_INIT;

static void read_umask(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];
	unsigned mask = 0;
	int found = 0;
	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "Umask: %o", &mask) == 1;
	if (f)
		fclose(f);
	if (!found) {
		mode_t m = umask(0);
		umask(m);
		mask = m;
	}
	file_mode = 0666 & ~(mode_t)mask;
}

static void atomic_free(struct q_atomic *a)
{
	free(a->path);
	free(a->tmp);
	a->path = a->tmp = NULL;
	a->fd = -1;
}

int q_atomic_open(struct q_atomic *a, const char *path, struct q_error *err)
{
	a->fd = -1;
	a->tmp = NULL;
	a->path = strdup(path);
	if (!a->path)
		return q_error_msg(err, Q_ENOMEM, path, "out of memory");
	if (strcmp(path, "-") == 0) {
		a->fd = STDOUT_FILENO;
		return 0;
	}
	size_t plen = strlen(path);
	a->tmp = malloc(plen + 16);
	if (!a->tmp) {
		atomic_free(a);
		return q_error_msg(err, Q_ENOMEM, path, "out of memory");
	}
	/* The temporary lives beside the target so rename() stays atomic. */
	snprintf(a->tmp, plen + 16, "%s.tmp.XXXXXX", path);
	a->fd = mkstemp(a->tmp);
	if (a->fd < 0) {
		int e = errno;
		atomic_free(a);
		return create_error(path, e, err);
	}
	return 0;
}

int q_atomic_write(struct q_atomic *a, const void *data, size_t len,
		   struct q_error *err)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(a->fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			const char *shown = a->tmp ? a->path : "<stdout>";
			return a->tmp ? create_error(shown, e, err)
				      : q_error_msg(err, Q_EIO, shown, "write error: %s",
						    strerror(e));
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int commit(struct q_atomic *a, int sync_folder, struct q_error *err)
{
	int rc = 0;
	if (!a->tmp) {
		atomic_free(a);
		return 0;
	}
	/* mkstemp makes the file 0600; give it the mode a plain create would. */
	pthread_once(&file_mode_once, read_umask);
	if (fchmod(a->fd, file_mode) != 0 || fsync(a->fd) != 0) {
		rc = create_error(a->path, errno, err);
		close(a->fd);
	} else if (close(a->fd) != 0 || rename(a->tmp, a->path) != 0) {
		rc = create_error(a->path, errno, err);
	}
	if (rc)
		unlink(a->tmp);
	else if (sync_folder)
		fsync_folder_of(a->path);
	atomic_free(a);
	return rc;
}

int q_atomic_commit(struct q_atomic *a, struct q_error *err)
{
	return commit(a, 1, err);
}

int q_atomic_commit_nosync(struct q_atomic *a, struct q_error *err)
{
	return commit(a, 0, err);
}

void q_atomic_abort(struct q_atomic *a)
{
	if (a->tmp) {
		close(a->fd);
		unlink(a->tmp);
	}
	atomic_free(a);
}

static int write_atomic(const char *path, const void *data, size_t len, int sync_folder,
			struct q_error *err)
{
	struct q_atomic a;
	int rc = q_atomic_open(&a, path, err);
	if (rc)
		return rc;
	if ((rc = q_atomic_write(&a, data, len, err))) {
		q_atomic_abort(&a);
		return rc;
	}
	return commit(&a, sync_folder, err);
}

int q_write_atomic(const char *path, const void *data, size_t len,
		   struct q_error *err)
{
	return write_atomic(path, data, len, 1, err);
}

int q_write_atomic_nosync(const char *path, const void *data, size_t len,
			  struct q_error *err)
{
	return write_atomic(path, data, len, 0, err);
}

/* file.c — reading inputs under a size limit and writing outputs atomically. */
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
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

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_stdout(const void *data, size_t len, struct q_error *err)
{
	if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
		return q_error_msg(err, Q_EIO, "<stdout>", "write error: %s",
				   strerror(errno));
	return 0;
}

static int create_error(const char *path, int e, struct q_error *err)
{
	int code = (e == EIO || e == ENOSPC || e == EDQUOT || e == EFBIG)
			   ? Q_EIO
			   : Q_ECANTCREAT;
	return q_error_msg(err, code, path, "cannot write: %s", strerror(e));
}

static void fsync_folder(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd); /* best effort: some filesystems refuse it */
		close(fd);
	}
}

int q_write_atomic(const char *path, const void *data, size_t len,
		   struct q_error *err)
{
	if (strcmp(path, "-") == 0)
		return write_stdout(data, len, err);

	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	char *dcopy = strdup(path);
	if (!tmp || !dcopy) {
		free(tmp);
		free(dcopy);
		return q_error_msg(err, Q_ENOMEM, path, "out of memory");
	}
	char *dir = dirname(dcopy);
	/* The temporary lives beside the target so rename() stays atomic. */
	snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
	int rc = 0;
	int fd = mkstemp(tmp);
	if (fd < 0) {
		rc = create_error(path, errno, err);
		goto done;
	}
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		rc = create_error(path, e, err);
		goto done;
	}
	/* mkstemp makes the file 0600; give it the mode a plain create would. */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		rc = create_error(path, e, err);
		goto done;
	}
	fsync_folder(dir);
done:
	free(tmp);
	free(dcopy);
	return rc;
}

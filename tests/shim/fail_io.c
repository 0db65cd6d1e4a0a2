/*
 * fail_io.c — an LD_PRELOAD shim that makes the N-th write(), fsync() or
 * rename() of a process fail, for fault-injection tests of atomic writes.
 *
 *   QUARRY_FAIL=write:N   the N-th write() to a file (not stdin, stdout or
 *                         stderr) fails with ENOSPC
 *   QUARRY_FAIL=fsync:N   the N-th fsync() fails with EIO
 *   QUARRY_FAIL=rename:N  the N-th rename() fails with EIO
 *
 * Calls are counted across threads.  Built as a shared object of its own
 * (not part of libquarry.a).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_long calls;

/* 1 when this call of `name` is the one to fail. */
static int fails(const char *name)
{
	const char *spec = getenv("QUARRY_FAIL");
	size_t n = strlen(name);
	if (!spec || strncmp(spec, name, n) != 0 || spec[n] != ':')
		return 0;
	return atomic_fetch_add(&calls, 1) + 1 == atol(spec + n + 1);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real)(int, const void *, size_t);
	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (fd > 2 && fails("write")) {
		errno = ENOSPC;
		return -1;
	}
	return real(fd, buf, len);
}

int fsync(int fd)
{
	static int (*real)(int);
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	if (fails("fsync")) {
		errno = EIO;
		return -1;
	}
	return real(fd);
}

int rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	if (fails("rename")) {
		errno = EIO;
		return -1;
	}
	return real(from, to);
}

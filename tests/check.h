/*
 * check.h — the test protocol shared by every C test program.
 *
 * Each case prints one line: "PASS name", "FAIL name: why" or
 * "SKIP name: why".  tests/run.sh counts those lines over all programs and
 * ends with "N passed, N failed".  A program exits 1 when any case failed.
 */
#ifndef Q_CHECK_H
#define Q_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int check_failures;

#define CHECK(name, cond)                                                     \
	do {                                                                  \
		if (cond) {                                                   \
			printf("PASS %s\n", (name));                          \
		} else {                                                      \
			printf("FAIL %s: %s:%d: %s\n", (name), __FILE__,      \
			       __LINE__, #cond);                              \
			check_failures++;                                     \
		}                                                             \
	} while (0)

#define CHECK_STR(name, got, want)                                            \
	do {                                                                  \
		const char *g_ = (got), *w_ = (want);                         \
		if (g_ && w_ && strcmp(g_, w_) == 0) {                        \
			printf("PASS %s\n", (name));                          \
		} else {                                                      \
			printf("FAIL %s: %s:%d: got '%s', want '%s'\n", (name),\
			       __FILE__, __LINE__, g_ ? g_ : "(null)",        \
			       w_ ? w_ : "(null)");                           \
			check_failures++;                                     \
		}                                                             \
	} while (0)

#define SKIP(name, why) printf("SKIP %s: %s\n", (name), (why))

#define CHECK_DONE() (check_failures ? 1 : 0)

/* What a case writes on stderr: capture_start, then capture_end returns it
 * (malloc'd) and puts stderr back. */
static int captured_fd = -1;

static inline void capture_start(void)
{
	char path[] = "/tmp/quarry-test-stderr-XXXXXX";
	int fd = mkstemp(path);
	unlink(path);
	fflush(stderr);
	captured_fd = dup(2);
	dup2(fd, 2);
	close(fd);
}

static inline char *capture_end(void)
{
	fflush(stderr);
	off_t n = lseek(2, 0, SEEK_END);
	char *s = calloc(1, (size_t)n + 1);
	if (s && n > 0 && pread(2, s, (size_t)n, 0) != n)
		s[0] = '\0';
	dup2(captured_fd, 2);
	close(captured_fd);
	return s;
}

#endif

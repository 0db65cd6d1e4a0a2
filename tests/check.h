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
#include <string.h>

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

#endif

/* test_util.c — the util layer: SHA-256, UTF-8, buffers, arena, files. */
#include "tests/check.h"
#include <stdint.h>
#include "util/util.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_sha256_vectors(const char *mode)
{
	char name[64];
	char hex[65];
	q_sha256_hex_of("", 0, hex);
	snprintf(name, sizeof(name), "sha256 %s empty", mode);
	CHECK_STR(name, hex,
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	q_sha256_hex_of("abc", 3, hex);
	snprintf(name, sizeof(name), "sha256 %s abc", mode);
	CHECK_STR(name, hex,
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	q_sha256_hex_of(two, strlen(two), hex);
	snprintf(name, sizeof(name), "sha256 %s two blocks", mode);
	CHECK_STR(name, hex,
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* A million 'a's fed in odd-sized pieces exercises the block carry. */
	struct q_sha256 h;
	char chunk[997];
	memset(chunk, 'a', sizeof(chunk));
	q_sha256_init(&h);
	size_t left = 1000000;
	while (left) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);
		q_sha256_update(&h, chunk, n);
		left -= n;
	}
	q_sha256_hex(&h, hex);
	snprintf(name, sizeof(name), "sha256 %s million a", mode);
	CHECK_STR(name, hex,
		  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_utf8(void)
{
	uint32_t cp;
	CHECK("utf8 ascii", q_utf8_decode((const unsigned char *)"A", 1, &cp) == 1 && cp == 'A');
	CHECK("utf8 two bytes", q_utf8_decode((const unsigned char *)"\xC3\xA9", 2, &cp) == 2 && cp == 0xE9);
	CHECK("utf8 four bytes",
	      q_utf8_decode((const unsigned char *)"\xF0\x9F\x98\x80", 4, &cp) == 4 && cp == 0x1F600);
	CHECK("utf8 overlong refused", q_utf8_decode((const unsigned char *)"\xC0\xAF", 2, &cp) == 0);
	CHECK("utf8 overlong 3 refused", q_utf8_decode((const unsigned char *)"\xE0\x80\xAF", 3, &cp) == 0);
	CHECK("utf8 surrogate refused", q_utf8_decode((const unsigned char *)"\xED\xA0\x80", 3, &cp) == 0);
	CHECK("utf8 above max refused", q_utf8_decode((const unsigned char *)"\xF4\x90\x80\x80", 4, &cp) == 0);
	CHECK("utf8 truncated refused", q_utf8_decode((const unsigned char *)"\xE2\x80", 2, &cp) == 0);
	CHECK("utf8 lone continuation", q_utf8_decode((const unsigned char *)"\x80", 1, &cp) == 0);
	/* Maximal subparts (Unicode 3.9, U+FFFD substitution practice). */
	CHECK("utf8 invalid length lone", q_utf8_invalid_length((const unsigned char *)"\xFF", 1) == 1);
	CHECK("utf8 invalid length truncated 3",
	      q_utf8_invalid_length((const unsigned char *)"\xE2\x80x", 3) == 2);
	CHECK("utf8 invalid length bad second",
	      q_utf8_invalid_length((const unsigned char *)"\xE0\x80\x80", 3) == 1);
	CHECK("utf8 count", q_utf8_count("a\xC3\xA9\xE2\x80\x94z", 7) == 4);
	{
		/* Eight bytes at a time and the tail: every start and length. */
		const char *mix = "ab\xC3\xA9\xE2\x80\x94z \xF0\x9F\x98\x80xy\xC3\xA9 ok\xE2\x80\x99s";
		size_t n = strlen(mix);
		int ok = 1;
		for (size_t from = 0; from < n; from++)
			for (size_t len = 0; from + len <= n; len++) {
				size_t slow = 0;
				for (size_t i = from; i < from + len; i++)
					slow += ((unsigned char)mix[i] & 0xC0) != 0x80;
				ok &= q_utf8_count(mix + from, len) == slow;
			}
		CHECK("utf8 count at every start and length", ok);
	}
	char out[4];
	CHECK("utf8 encode", q_utf8_encode(0x20AC, out) == 3 && memcmp(out, "\xE2\x82\xAC", 3) == 0);
}

static void test_buf(void)
{
	struct q_buf b;
	q_buf_init(&b, 8);
	CHECK("buf append", q_buf_append(&b, "1234", 4) == 0 && b.len == 4);
	CHECK("buf printf", q_buf_printf(&b, "%d", 5678) == 0 && strcmp(b.data, "12345678") == 0);
	CHECK("buf over limit refused", q_buf_putc(&b, 'x') == Q_ETOOBIG && b.len == 8);
	CHECK("buf stays failed", q_buf_putc(&b, 'y') == Q_ETOOBIG);
	q_buf_release(&b);
	q_buf_init(&b, 0);
	char big[1000];
	memset(big, 'x', sizeof(big));
	for (int i = 0; i < 100; i++)
		q_buf_append(&b, big, sizeof(big));
	CHECK("buf grows", b.len == 100000 && b.data[b.len] == '\0' && !b.failed);
	q_buf_release(&b);
}

static void test_arena(void)
{
	struct q_arena a;
	q_arena_init(&a);
	char *p = q_arena_alloc(&a, 10);
	char *q = q_arena_alloc(&a, 1 << 20); /* a block of its own */
	char *r = q_arena_alloc(&a, 3);
	CHECK("arena aligned", ((uintptr_t)p % 16) == 0 && ((uintptr_t)r % 16) == 0);
	CHECK("arena zeroed", q && q[0] == 0 && q[(1 << 20) - 1] == 0);
	CHECK("arena small after big keeps filling", r == p + 16);
	char *s = q_arena_strndup(&a, "hello world", 5);
	CHECK_STR("arena strndup", s, "hello");
	q_arena_release(&a);
}

static void test_files(void)
{
	char dir[] = "/tmp/quarry-test-XXXXXX";
	struct q_error err;
	struct q_buf b;
	CHECK("mkdtemp", mkdtemp(dir) != NULL);
	char path[128];
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	q_error_init(&err);
	CHECK("atomic write", q_write_atomic(path, "new\n", 4, &err) == 0);
	q_buf_init(&b, 0);
	CHECK("read back", q_read_file(path, 100, &b, &err) == 0 && strcmp(b.data, "new\n") == 0);
	q_error_init(&err);
	CHECK("read over limit", q_read_file(path, 3, &b, &err) == Q_ETOOBIG);
	q_error_init(&err);
	CHECK("read a folder", q_read_file(dir, 100, &b, &err) == Q_ENOINPUT);
	q_error_init(&err);
	snprintf(path, sizeof(path), "%s/none/out.txt", dir);
	CHECK("atomic write into a missing folder",
	      q_write_atomic(path, "x", 1, &err) == Q_ECANTCREAT && strstr(err.message, "No such file"));
	struct stat st;
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	CHECK("atomic write mode", stat(path, &st) == 0 && (st.st_mode & 0444) != 0);
	q_buf_release(&b);
	unlink(path);
	rmdir(dir);
}

static void test_errors(void)
{
	struct q_error err;
	q_error_init(&err);
	q_error_set(&err, Q_EENCODING, "a.txt", 3, 7, 42, "first %s", "one");
	q_error_set(&err, Q_EIO, "b.txt", 1, 1, 0, "second");
	CHECK("first error wins", err.code == Q_EENCODING && strcmp(err.file, "a.txt") == 0);
	CHECK("exit code data", q_exit_code(Q_EENCODING) == 65);
	CHECK("exit code usage", q_exit_code(Q_EUSAGE) == 2);
	CHECK("exit code nomem", q_exit_code(Q_ENOMEM) == 70);
	CHECK("exit code partial", q_exit_code(Q_EPARTIAL) == 1);
	CHECK("exit code locked", q_exit_code(Q_ELOCKED) == 75);
	CHECK("exit code cantcreat", q_exit_code(Q_ECANTCREAT) == 73);
	CHECK("exit code io", q_exit_code(Q_EIO) == 74);
	CHECK("exit code noinput", q_exit_code(Q_ENOINPUT) == 66);
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	q_error_print(&err, mem);
	fclose(mem);
	CHECK_STR("error line shape", text, "quarry: a.txt:3:7: first one\n");
	free(text);
}

static void test_sha256(void)
{
	q_sha256_accelerated(0);
	test_sha256_vectors("portable");
	if (q_sha256_accelerated(1))
		test_sha256_vectors("sha-ni");
	else
		SKIP("sha256 sha-ni", "this CPU has no SHA extensions");
}

static void test_map(void)
{
	struct q_map m;
	static char keys[5000][16]; /* room for any int: no truncation warning at -O1 */
	int ok = 1;
	q_map_init(&m);
	CHECK("map empty get", q_map_get(&m, "x", 1) == NULL);
	for (int i = 0; i < 5000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "key%d", i);
		ok &= q_map_put(&m, keys[i], strlen(keys[i]), &keys[i]) == 0;
	}
	for (int i = 0; i < 5000; i++)
		ok &= q_map_get(&m, keys[i], strlen(keys[i])) == &keys[i];
	CHECK("map 5000 keys", ok && m.count == 5000);
	CHECK("map missing key", q_map_get(&m, "key5000", 7) == NULL);
	CHECK("map prefix is another key", q_map_get(&m, "key1", 3) == NULL);
	q_map_put(&m, "key7", 4, keys[0]);
	CHECK("map replace", q_map_get(&m, "key7", 4) == keys[0] && m.count == 5000);
	CHECK("map empty key", q_map_put(&m, "", 0, keys[1]) == 0 && q_map_get(&m, "", 0) == keys[1]);
	q_map_release(&m);
}

/* What quarry export asks of util: exit codes of signals, a warning
 * handler, commits that leave the folder's fsync to the caller. */
static char warned[256];
static void catch_warning(const char *file, const char *message)
{
	snprintf(warned, sizeof(warned), "%s|%s", file ? file : "-", message);
}

static void test_export_support(void)
{
	CHECK("exit code SIGINT", q_exit_code(Q_SUBCODE(Q_EINTERRUPTED, 2)) == 130);
	CHECK("exit code SIGTERM", q_exit_code(Q_SUBCODE(Q_EINTERRUPTED, 15)) == 143);
	q_warn_set_handler(catch_warning);
	q_warn("in.txt", "odd %d", 7);
	q_warn(NULL, "plain");
	q_warn_set_handler(NULL);
	CHECK_STR("warning handler", warned, "-|plain");
	char dir[] = "/tmp/quarry-util-XXXXXX";
	struct q_error err;
	q_error_init(&err);
	if (!mkdtemp(dir)) {
		CHECK("mkdtemp", 0);
		return;
	}
	char path[64], tmp[80];
	snprintf(path, sizeof(path), "%s/f.txt", dir);
	mode_t mask = umask(022);
	int rc = q_write_atomic_nosync(path, "abc", 3, &err);
	struct stat st;
	CHECK("atomic write without folder fsync", rc == 0 && stat(path, &st) == 0 &&
						   st.st_size == 3 && (st.st_mode & 0777) == 0644);
	umask(mask);
	q_fsync_folder(dir);
	struct q_atomic a;
	rc = q_atomic_open(&a, path, &err) || q_atomic_write(&a, "defg", 4, &err);
	snprintf(tmp, sizeof(tmp), "%s", a.tmp ? a.tmp : "");
	rc = rc || q_atomic_commit_nosync(&a, &err);
	CHECK("streamed commit without folder fsync", rc == 0 && stat(path, &st) == 0 &&
							st.st_size == 4 && access(tmp, F_OK) != 0);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_export_support();
	test_map();
	test_sha256();
	test_utf8();
	test_buf();
	test_arena();
	test_files();
	test_errors();
	return CHECK_DONE();
}

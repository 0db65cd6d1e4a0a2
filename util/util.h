/*
 * util.h — the ground every other folder stands on: errors, the arena,
 * the growable output buffer, UTF-8, SHA-256 and file I/O.
 *
 * Errors.  Every function that can fail takes a `struct q_error *` and
 * returns 0 on success or a positive Q_E… code.  The low byte of a code is
 * its category; q_exit_code() alone maps categories to the exit codes of
 * the product contract, and only main() exits.  The first error recorded
 * wins, so a caller can report the root cause rather than its echo.
 *
 * Memory.  One arena per document: every node and string of a document is
 * carved from it and released with it.  Allocation failure is an error
 * (Q_ENOMEM, exit 70), never abort().
 */
#ifndef Q_UTIL_H
#define Q_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define Q_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* ---- error codes: category in the low byte ------------------------- */

enum q_category {
	Q_OK = 0,
	Q_EUSAGE = 1,     /* bad command line              -> 2  */
	Q_EDATA = 2,      /* input is malformed or invalid -> 65 */
	Q_ENOINPUT = 3,   /* input missing or unreadable   -> 66 */
	Q_EINTERNAL = 4,  /* bug or resource exhaustion    -> 70 */
	Q_ECANTCREAT = 5, /* output cannot be created      -> 73 */
	Q_EIO = 6,        /* read or write failed          -> 74 */
	Q_ELOCKED = 7,    /* another run holds the lock    -> 75 */
	Q_EPARTIAL = 8,   /* some inputs of a batch failed -> 1  */
	Q_EINTERRUPTED = 9, /* stopped by a signal: subcode = signal number
			       -> 128 + signal (SIGINT 130, SIGTERM 143) */
};

#define Q_CATEGORY(code) ((code) & 0xff)
#define Q_SUBCODE(cat, n) ((cat) | ((n) << 8))

#define Q_ENOMEM Q_SUBCODE(Q_EINTERNAL, 1)
#define Q_ETOOBIG Q_SUBCODE(Q_EDATA, 1)     /* input over the size limit */
#define Q_EENCODING Q_SUBCODE(Q_EDATA, 2)   /* invalid UTF-8 or NUL      */
#define Q_EINVALID Q_SUBCODE(Q_EDATA, 3)    /* fails its schema          */
#define Q_ESYNTAX Q_SUBCODE(Q_EDATA, 4)     /* unparsable JSON/YAML/…    */

#define Q_ERROR_FILE_MAX 512
#define Q_ERROR_MESSAGE_MAX 512

struct q_error {
	int code;
	char file[Q_ERROR_FILE_MAX]; /* "" when no file is involved */
	long line;                   /* 1-based; 0 when unknown     */
	long column;                 /* 1-based; 0 when unknown     */
	long long offset;            /* byte offset; -1 when unknown */
	char message[Q_ERROR_MESSAGE_MAX];
};

void q_error_init(struct q_error *err);
/* Records an error unless one is already there; returns the stored code. */
int q_error_set(struct q_error *err, int code, const char *file, long line,
		long column, long long offset, const char *fmt, ...) Q_PRINTF(7, 8);
int q_error_vset(struct q_error *err, int code, const char *file, long line,
		 long column, long long offset, const char *fmt, va_list ap);
/* The same at no particular place. */
int q_error_msg(struct q_error *err, int code, const char *file,
		const char *fmt, ...) Q_PRINTF(4, 5);
/* "quarry: FILE:LINE:COL: message" (parts that are unknown are left out). */
void q_error_print(const struct q_error *err, FILE *out);
int q_exit_code(int code);
/* Warnings share the error line's shape: "quarry: FILE: warning: …". */
void q_warn(const char *file, const char *fmt, ...) Q_PRINTF(2, 3);
/* Sends warnings to fn (file may be NULL) instead of stderr, or back to
 * stderr when fn is NULL.  Set it before threads start, not while they
 * warn. */
void q_warn_set_handler(void (*fn)(const char *file, const char *message));

/* ---- arena --------------------------------------------------------- */

struct q_arena_block;

struct q_arena {
	struct q_arena_block *head;
	size_t used_total; /* bytes handed out, for statistics */
};

void q_arena_init(struct q_arena *a);
void q_arena_release(struct q_arena *a);
/* 16-byte aligned, zero-filled memory, or NULL when out of memory. */
void *q_arena_alloc(struct q_arena *a, size_t size);
char *q_arena_strndup(struct q_arena *a, const char *s, size_t len);
/*
 * Makes room for `need` elements of `size` bytes in an arena-backed array
 * (*items, *cap), doubling; the old block is simply abandoned to the arena.
 * Returns 0 or Q_ENOMEM.
 */
int q_arena_reserve(struct q_arena *a, void **items, size_t *cap,
		    size_t size, size_t need);

/* A slice of UTF-8 text; ptr == NULL means null (absent). */
struct q_str {
	const char *ptr;
	size_t len;
};

#define Q_STR_NULL ((struct q_str){NULL, 0})
#define Q_STR_LIT(s) ((struct q_str){(s), sizeof(s) - 1})
static inline struct q_str q_str_make(const char *p, size_t n)
{
	return (struct q_str){p, n};
}
int q_str_eq(struct q_str a, struct q_str b);
int q_str_eq_cstr(struct q_str a, const char *s);

/* ---- growable, size-limited buffer (the output sink) ----------------- */

struct q_buf {
	char *data; /* NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	size_t limit; /* 0 = no limit */
	int failed;   /* 0, or the Q_E… code of the first failed append */
};

void q_buf_init(struct q_buf *b, size_t limit);
void q_buf_release(struct q_buf *b);
void q_buf_reset(struct q_buf *b);
int q_buf_reserve(struct q_buf *b, size_t extra);
int q_buf_append_slow(struct q_buf *b, const void *data, size_t len);

/* Appending is the writers' inner loop: the common case stays inline. */
static inline int q_buf_append(struct q_buf *b, const void *data, size_t len)
{
	if (b->cap - b->len > len && !b->failed) {
		if (len) {
			__builtin_memcpy(b->data + b->len, data, len);
			b->len += len;
		}
		b->data[b->len] = '\0';
		return 0;
	}
	return q_buf_append_slow(b, data, len);
}

static inline int q_buf_putc(struct q_buf *b, char c)
{
	if (b->cap - b->len > 1 && !b->failed) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return 0;
	}
	return q_buf_append_slow(b, &c, 1);
}
int q_buf_puts(struct q_buf *b, const char *s);
int q_buf_printf(struct q_buf *b, const char *fmt, ...) Q_PRINTF(2, 3);

/* ---- UTF-8 ----------------------------------------------------------- */

/*
 * Decodes one well-formed UTF-8 sequence (no overlongs, no surrogates,
 * nothing above U+10FFFF) at s[0..len).  Returns its length 1–4 and sets
 * *cp, or 0 when s does not start a well-formed sequence.
 */
size_t q_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/* Length of the maximal ill-formed prefix to replace with one U+FFFD. */
size_t q_utf8_invalid_length(const unsigned char *s, size_t len);
size_t q_utf8_encode(uint32_t cp, char out[4]);
/*
 * Line and column (1-based, the column in characters) of byte `at` of a
 * text, for error messages.  LF, CRLF and a lone CR each end a line.
 * len bounds the look past `at` for a CRLF ((size_t)-1: s[at] readable).
 */
void q_text_locate(const char *s, size_t len, size_t at, long *line, long *col);

/* Code points in s[0..len) of valid UTF-8 (continuation bytes skipped). */
size_t q_utf8_count(const char *s, size_t len);

/* ---- hash map ------------------------------------------------------- */

/*
 * The one hash map: byte-string keys to pointers, open addressing with
 * linear probing.  Keys are not copied — they must outlive the map (an
 * arena or static data).  No iteration: a caller that needs an order keeps
 * its own vector, so nothing depends on hash order (output stays
 * deterministic).
 */
struct q_map_slot {
	const char *key; /* NULL: empty */
	size_t len;
	uint64_t hash;
	void *value;
};

struct q_map {
	struct q_map_slot *slots;
	size_t cap; /* a power of two, or 0 */
	size_t count;
};

uint64_t q_hash(const void *data, size_t len);
void q_map_init(struct q_map *m);
void q_map_release(struct q_map *m);
/* Room for count keys in all without growing, for a caller that knows
 * about how many it will put; 0 or Q_ENOMEM. */
int q_map_reserve(struct q_map *m, size_t count);
/* Sets key to value (replacing an earlier value); 0 or Q_ENOMEM. */
int q_map_put(struct q_map *m, const char *key, size_t len, void *value);
/* The value of key, or NULL. */
void *q_map_get(const struct q_map *m, const char *key, size_t len);

/* ---- numbers --------------------------------------------------------- */

/*
 * The shortest decimal that reads back as exactly v ("0.1", not
 * "0.10000000000000001"), in C's %g shape with a bare exponent ("1e300",
 * "2.5e-7"); whole values keep a ".0" so they stay reals.  NaN and the
 * infinities give "nan", "inf", "-inf", which JSON cannot hold: callers
 * check isfinite() first.  Returns the length written into out.
 */
size_t q_format_double(double v, char out[32]);

/* ---- SHA-256 --------------------------------------------------------- */

struct q_sha256 {
	uint32_t state[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t fill;
};

void q_sha256_init(struct q_sha256 *h);
void q_sha256_update(struct q_sha256 *h, const void *data, size_t len);
void q_sha256_hex(struct q_sha256 *h, char hex[65]);
void q_sha256_hex_of(const void *data, size_t len, char hex[65]);
/*
 * Whether blocks are hashed with the CPU's SHA extensions.  enable 0 or 1
 * forces the portable code or the extensions (when present), for tests and
 * benchmarks; -1 only asks.  Not to be called while other threads hash.
 */
int q_sha256_accelerated(int enable);

/* ---- files ----------------------------------------------------------- */

/*
 * A file built into the binary by tools/embed.sh: the shipped schemas
 * (schemas/) and the gazetteers (data/gazetteers/).  Arrays of them end
 * with an entry whose name is NULL.
 */
struct q_embedded {
	const char *name; /* path under its folder, e.g. "quarry.schema.json" */
	const char *data; /* NUL-terminated */
	size_t size;
};

#define Q_STDIN_NAME "<stdin>"

/* The name to show for a path argument ("-" is standard input). */
const char *q_display_name(const char *path);
/*
 * Reads the whole of path ("-" = stdin) into out, refusing more than
 * max_bytes (Q_ETOOBIG) without reading far past it.  Missing, unreadable
 * or non-regular inputs are Q_ENOINPUT; read failures Q_EIO.
 */
int q_read_file(const char *path, size_t max_bytes, struct q_buf *out,
		struct q_error *err);
/*
 * Writes data to path through a temporary file in the same folder, fsync,
 * rename and fsync of the folder, so that path holds either its old
 * content or all of the new.  "-" writes to stdout.
 */
int q_write_atomic(const char *path, const void *data, size_t len,
		   struct q_error *err);

/*
 * The same, streamed: open a temporary beside path, write to it as often
 * as needed, then commit (fsync, rename, fsync the folder) or abort
 * (unlink).  For "-" the writes go straight to stdout.
 */
struct q_atomic {
	char *path;
	char *tmp; /* NULL for stdout */
	int fd;
};

int q_atomic_open(struct q_atomic *a, const char *path, struct q_error *err);
int q_atomic_write(struct q_atomic *a, const void *data, size_t len,
		   struct q_error *err);
int q_atomic_commit(struct q_atomic *a, struct q_error *err);
void q_atomic_abort(struct q_atomic *a);

/*
 * For writers of many files into few folders: the same, but the folder is
 * not fsynced after the rename.  The file's own data is (so the rename
 * never exposes a torn file); the caller calls q_fsync_folder once for
 * each folder it wrote into before it records the files as written.
 */
int q_atomic_commit_nosync(struct q_atomic *a, struct q_error *err);
int q_write_atomic_nosync(const char *path, const void *data, size_t len,
			  struct q_error *err);
void q_fsync_folder(const char *dir);
/* ---- worker threads ---------------------------------------------------- */

#define Q_MAX_THREADS 16
/* Input per task of the conversions that split their input (1 MiB). */
#define Q_CHUNK_BYTES ((size_t)1 << 20)

/*
 * Threads for the conversions that split their input into chunks: the
 * environment's QUARRY_THREADS when set (1 keeps them serial), else the
 * online CPUs; at most Q_MAX_THREADS.  q_chunk_bytes is Q_CHUNK_BYTES, or
 * QUARRY_CHUNK_BYTES when set (tests use tiny chunks).  Neither changes
 * what is written: only how fast.
 */
int q_threads(void);
size_t q_chunk_bytes(void);

/*
 * A pool of worker threads running fn(ctx, task) on the tasks submitted,
 * which the caller takes back in submission order, each once it has run.
 * At most `depth` tasks are in flight (submitted, not yet taken back):
 * q_pool_submit fails when that many are.  q_pool_free waits for the
 * tasks that are running and drops those not started; the caller owns the
 * tasks throughout.  Returns NULL when no thread could start.
 */
struct q_pool;
struct q_pool *q_pool_new(int threads, size_t depth, void (*fn)(void *ctx, void *task),
			  void *ctx);
int q_pool_submit(struct q_pool *p, void *task);
/* The oldest task in flight once it has run, or NULL when none is. */
void *q_pool_take(struct q_pool *p);
size_t q_pool_pending(struct q_pool *p);
void q_pool_free(struct q_pool *p);

#endif

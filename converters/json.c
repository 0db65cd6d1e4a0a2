/*
 * json.c — JSON and NDJSON through jansson.
 *
 * Output: keys in the view's order, UTF-8 as is (not \u-escaped), reals
 * in the shortest form that reads back exactly.
 * Input: duplicate keys are an error (jansson would keep the last one
 * silently otherwise), and so is nesting deeper than Q_MAX_DEPTH.
 */
#include "converters/converters.h"

#include <string.h>

/*
 * The writer walks the json_t tree itself rather than through
 * json_dump_callback: escaping whole runs of plain bytes with one memcpy
 * makes it several times faster on text-heavy documents.  The layout is
 * jansson's: two-space indent, "key": value, [] and {} when empty.
 */
struct writer {
	struct q_buf *out;
	int pretty;
};

/* Bytes that need a JSON escape: controls, '"' and '\\'. */
static const unsigned char needs_escape[256] = {
	[0 ... 0x1F] = 1, ['"'] = 1, ['\\'] = 1,
};

/* Whether any of the eight bytes in w needs an escape: one below 0x20,
 * a '"' or a '\\' (the classic tests for a zero byte, on w and on w
 * XOR the quote and the backslash; exact for "any"). */
static int escape_in(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
	return ((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs) != 0;
}

/* The end of the run of bytes from s[i] on that need no escape: text is
 * mostly such runs, so they are passed eight bytes at a time. */
static size_t plain_run(const char *s, size_t i, size_t len)
{
	uint64_t w;
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		if (escape_in(w))
			break;
	}
	while (i < len && !needs_escape[(unsigned char)s[i]])
		i++;
	return i;
}

void q_json_put_string(struct q_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	q_buf_putc(out, '"');
	size_t run = 0;
	for (size_t i = 0; (i = plain_run(s, i, len)) < len; i++) {
		unsigned char c = (unsigned char)s[i];
		q_buf_append(out, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': q_buf_append(out, "\\\"", 2); break;
		case '\\': q_buf_append(out, "\\\\", 2); break;
		case '\n': q_buf_append(out, "\\n", 2); break;
		case '\t': q_buf_append(out, "\\t", 2); break;
		case '\r': q_buf_append(out, "\\r", 2); break;
		case '\b': q_buf_append(out, "\\b", 2); break;
		case '\f': q_buf_append(out, "\\f", 2); break;
		default: {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			q_buf_append(out, u, 6);
		}
		}
	}
	q_buf_append(out, s + run, len - run);
	q_buf_putc(out, '"');
}

static void put_string(struct writer *w, const char *s, size_t len)
{
	q_json_put_string(w->out, s, len);
}

static void put_integer(struct writer *w, json_int_t v)
{
	char digits[24];
	size_t n = 0;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		digits[sizeof(digits) - ++n] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		digits[sizeof(digits) - ++n] = '-';
	q_buf_append(w->out, digits + sizeof(digits) - n, n);
}

/* The shortest form that reads back exactly, so values survive any
 * number of read/write cycles unchanged. */
static void put_real(struct writer *w, double v)
{
	char num[32];
	q_buf_append(w->out, num, q_format_double(v, num));
}

static void newline(struct writer *w, int depth)
{
	/* A line break and the indent of the usual depths in one append. */
	static const char spaces[] = "\n                                ";
	if (!w->pretty)
		return;
	size_t n = (size_t)depth * 2, k = n < sizeof(spaces) - 2 ? n : sizeof(spaces) - 2;
	q_buf_append(w->out, spaces, k + 1);
	for (n -= k; n > 0; n -= k) {
		k = n < sizeof(spaces) - 2 ? n : sizeof(spaces) - 2;
		q_buf_append(w->out, spaces + 1, k);
	}
}

static void put_value(struct writer *w, json_t *v, int depth);

static void put_object(struct writer *w, json_t *v, int depth)
{
	const char *key;
	size_t key_len;
	json_t *child;
	size_t i = 0;
	if (json_object_size(v) == 0) {
		q_buf_append(w->out, "{}", 2);
		return;
	}
	q_buf_putc(w->out, '{');
	json_object_keylen_foreach(v, key, key_len, child) {
		if (i++)
			q_buf_putc(w->out, ',');
		newline(w, depth + 1);
		put_string(w, key, key_len);
		q_buf_append(w->out, ": ", w->pretty ? 2 : 1);
		put_value(w, child, depth + 1);
	}
	newline(w, depth);
	q_buf_putc(w->out, '}');
}

static void put_array(struct writer *w, json_t *v, int depth)
{
	size_t i;
	json_t *child;
	if (json_array_size(v) == 0) {
		q_buf_append(w->out, "[]", 2);
		return;
	}
	q_buf_putc(w->out, '[');
	json_array_foreach(v, i, child) {
		if (i)
			q_buf_putc(w->out, ',');
		newline(w, depth + 1);
		put_value(w, child, depth + 1);
	}
	newline(w, depth);
	q_buf_putc(w->out, ']');
}

static void put_value(struct writer *w, json_t *v, int depth)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: put_object(w, v, depth); break;
	case JSON_ARRAY: put_array(w, v, depth); break;
	case JSON_STRING: put_string(w, json_string_value(v), json_string_length(v)); break;
	case JSON_INTEGER: put_integer(w, json_integer_value(v)); break;
	case JSON_REAL: put_real(w, json_real_value(v)); break;
	case JSON_TRUE: q_buf_append(w->out, "true", 4); break;
	case JSON_FALSE: q_buf_append(w->out, "false", 5); break;
	case JSON_NULL: q_buf_append(w->out, "null", 4); break;
	}
}

static int check(struct q_buf *out, struct q_error *err)
{
	if (out->failed)
		return q_error_msg(err, out->failed, NULL,
				   out->failed == Q_ETOOBIG ? "output exceeds the size limit"
							    : "out of memory");
	return 0;
}

int q_json_emit_element(json_t *value, const struct q_emit_opts *opts, size_t index,
			struct q_buf *out, struct q_error *err)
{
	struct writer w = {out, !(opts && opts->compact)};
	if (index)
		q_buf_putc(out, ',');
	newline(&w, 1);
	put_value(&w, value, 1);
	return check(out, err);
}

static int dump(json_t *view, int pretty, struct q_buf *out, struct q_error *err)
{
	struct writer w = {out, pretty};
	/* q_buf remembers its first failure, so one check at the end does. */
	put_value(&w, view, 0);
	q_buf_putc(out, '\n');
	if (out->failed)
		return q_error_msg(err, out->failed, NULL,
				   out->failed == Q_ETOOBIG ? "output exceeds the size limit"
							    : "out of memory");
	return 0;
}

int q_json_emit(json_t *view, const struct q_emit_opts *opts,
		struct q_buf *out, struct q_error *err)
{
	return dump(view, !(opts && opts->compact), out, err);
}

int q_ndjson_emit(json_t *view, const struct q_emit_opts *opts,
		  struct q_buf *out, struct q_error *err)
{
	(void)opts;
	return dump(view, 0, out, err);
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Depth of the deepest container, with an early stop past the limit. */
static int too_deep(json_t *v, int depth)
{
	if (depth > Q_MAX_DEPTH)
		return 1;
	if (json_is_object(v)) {
		const char *k;
		json_t *child;
		json_object_foreach(v, k, child) if (too_deep(child, depth + 1)) return 1;
	} else if (json_is_array(v)) {
		size_t i;
		json_t *child;
		json_array_foreach(v, i, child) if (too_deep(child, depth + 1)) return 1;
	}
	return 0;
}

/* Parses the value that starts at data[p] and sets *end just past it. */
static int parse_value(const char *data, size_t len, size_t p, const char *file,
		       int depth, json_t **value, size_t *end, struct q_error *err)
{
	json_error_t jerr;
	json_t *v = json_loadb(data + p, len - p,
			       JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK |
				       JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (!v) {
		long line, col;
		size_t at = p + (size_t)(jerr.position > 0 ? jerr.position : 0);
		if (at > len)
			at = len;
		q_text_locate(data, len, at, &line, &col);
		return q_error_set(err, Q_ESYNTAX, file, line, col, (long long)at,
				   "invalid JSON: %s", jerr.text);
	}
	if (too_deep(v, depth)) {
		json_decref(v);
		return q_error_set(err, Q_EDATA, file, 0, 0, (long long)p,
				   "JSON nested deeper than %d levels", Q_MAX_DEPTH);
	}
	*value = v;
	*end = p + (size_t)jerr.position;
	return 0;
}

static int unexpected(const char *data, size_t p, const char *file, const char *after,
		      struct q_error *err)
{
	long line, col;
	q_text_locate(data, (size_t)-1, p, &line, &col);
	return q_error_set(err, Q_ESYNTAX, file, line, col, (long long)p,
			   "invalid JSON: unexpected '%c' %s", data[p], after);
}

/* Skips a byte order mark (RFC 8259 lets readers skip it) and blanks. */
static size_t skip_start(const char *data, size_t len, size_t p)
{
	if (p == 0 && len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		p = 3;
	while (p < len && is_ws(data[p]))
		p++;
	return p;
}

int q_json_read(const char *data, size_t len, size_t *pos, const char *file,
		json_t **value, struct q_error *err)
{
	size_t p = skip_start(data, len, *pos);
	json_t *v;
	int rc;
	*value = NULL;
	*pos = p;
	if (p == len)
		return 0;
	if ((rc = parse_value(data, len, p, file, 1, &v, &p, err)))
		return rc;
	/*
	 * Values in a stream go on lines of their own (NDJSON, or pretty
	 * documents one after another): anything after a value on its line
	 * but blanks is an error, so '{"a": 1} "x"' is not read as two values.
	 */
	int line_break = 0;
	for (; p < len && is_ws(data[p]); p++)
		line_break |= data[p] == '\n' || data[p] == '\r';
	if (p < len && !line_break) {
		json_decref(v);
		return unexpected(data, p, file, "after a complete value", err);
	}
	*pos = p;
	*value = v;
	return 0;
}

int q_json_items_open(struct q_json_items *it, const char *data, size_t len,
		      const char *file)
{
	size_t p = skip_start(data, len, 0);
	memset(it, 0, sizeof(*it));
	it->data = data;
	it->len = len;
	it->file = file;
	if (p == len || data[p] != '[')
		return 0;
	it->pos = p + 1;
	return 1;
}

int q_json_items_next(struct q_json_items *it, json_t **item, struct q_error *err)
{
	const char *d = it->data;
	size_t p = it->pos;
	*item = NULL;
	if (it->done)
		return 0;
	while (p < it->len && is_ws(d[p]))
		p++;
	if (it->count > 0 || (p < it->len && d[p] == ']')) {
		/* After an element (or in an empty array): ',' or ']'. */
		if (p < it->len && d[p] == ']') {
			for (p++; p < it->len && is_ws(d[p]); p++)
				;
			it->done = 1;
			it->pos = p;
			return p < it->len ? unexpected(d, p, it->file, "after the array", err) : 0;
		}
		if (p >= it->len || d[p] != ',')
			return p < it->len ? unexpected(d, p, it->file, "between array elements", err)
					   : q_error_msg(err, Q_ESYNTAX, it->file,
							 "invalid JSON: the array is not closed");
		for (p++; p < it->len && is_ws(d[p]); p++)
			;
	}
	if (p >= it->len)
		return q_error_msg(err, Q_ESYNTAX, it->file, "invalid JSON: the array is not closed");
	int rc = parse_value(d, it->len, p, it->file, 2, item, &it->pos, err);
	it->count += rc == 0;
	return rc;
}


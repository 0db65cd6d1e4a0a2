/*
 * yaml.c — YAML through libyaml: the emitter writes, the event parser
 * reads, and this file decides everything libyaml leaves to its caller.
 *
 * Output: one "---" document per value, block style with a two-space
 * indent, [] and {} for empty containers.  Every string that a YAML 1.1
 * reader (PyYAML, Go yaml.v2) or a YAML 1.2 core-schema reader would take
 * for something else — a bool, null, number, timestamp, "=" or "<<" — is
 * quoted; libyaml itself quotes what its grammar needs (indicators,
 * leading or trailing spaces, ": ", " #").  Strings with line breaks use
 * the literal style "|" when libyaml can write them exactly, otherwise
 * double quotes; control characters, DEL and NUL are escaped.  Reals keep
 * a '.' and a signed exponent ("1.0e+300") so that 1.1 readers see floats.
 *
 * Input: one document per call, built from libyaml's events straight into
 * json_t.  Plain scalars are resolved by the YAML 1.2 core schema here, not
 * by libyaml; quoted and block scalars are strings.  Mapping keys are
 * scalars, taken as their text ("1: a" has the key "1").  Duplicate keys,
 * nesting past Q_MAX_DEPTH, aliases that expand a document by more than
 * Q_YAML_MAX_NODES nodes, integers outside 64 bits and infinite or NaN
 * reals are errors.  Merge keys ("<<: *base", a YAML 1.1 feature that most
 * YAML files in the wild rely on) are applied; a quoted '<<' is a key.
 */
#include "converters/converters.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"

/* ==== output ============================================================= */

struct emitter {
	yaml_emitter_t y;
	struct q_buf *out;
	struct q_error *err;
	int rc;
};

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
	return q_buf_append(data, buffer, size) == 0;
}

/* libyaml's emitter takes the event even when it fails. */
static int emit(struct emitter *em, yaml_event_t *ev)
{
	if (em->rc)
		return em->rc;
	if (yaml_emitter_emit(&em->y, ev))
		return 0;
	if (em->out->failed)
		em->rc = q_error_msg(em->err, em->out->failed, NULL,
				     em->out->failed == Q_ETOOBIG ? "output exceeds the size limit"
								  : "out of memory");
	else
		em->rc = q_error_msg(em->err, Q_EINTERNAL, NULL, "YAML emitter: %s",
				     em->y.problem ? em->y.problem : "failed");
	return em->rc;
}

static int emit_scalar(struct emitter *em, const char *s, size_t len, int plain_implicit,
		       yaml_scalar_style_t style)
{
	yaml_event_t ev;
	if (em->rc)
		return em->rc;
	if (len > INT_MAX)
		return em->rc = q_error_msg(em->err, Q_EDATA, NULL,
					    "a string of %zu bytes is too long for YAML", len);
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len,
					  plain_implicit, 1, style))
		/* The value is checked for UTF-8; jansson's strings are UTF-8. */
		return em->rc = q_error_msg(em->err, Q_EDATA, NULL,
					    "a string is not valid UTF-8");
	return emit(em, &ev);
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Characters that plain numbers, timestamps and sexagesimals are made of
 * in YAML 1.1 and 1.2: if a string that starts like a number holds only
 * these, some reader takes it for one. */
static int is_number_char(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == '.' || c == ':' || c == '+' || c == '-';
}

/*
 * Whether a plain s would be read as anything but this string by a YAML
 * 1.1 reader (bools y/n/yes/no/on/off, nulls, ints in bases 2, 8, 10 and 16
 * with '_', sexagesimals, floats, .inf/.nan, timestamps, "=" and "<<") or a
 * 1.2 core-schema reader.  Errs on the side of quoting: "1st" and ".5x"
 * are quoted although nobody would read them as numbers.
 */
static int resolves_as_non_string(const char *s, size_t n)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "=", "<<",
		".inf", "+.inf", "-.inf", ".nan", "+.nan", "-.nan", NULL,
	};
	const unsigned char *u = (const unsigned char *)s;
	if (n == 0)
		return 1;
	if (n <= 6 && strchr("ynotfNOTFY~=<.+-", u[0]))
		for (const char *const *w = words; *w; w++)
			if (strlen(*w) == n && strncasecmp(*w, s, n) == 0)
				return 1;
	size_t i = (u[0] == '+' || u[0] == '-') ? 1 : 0;
	if (i < n && u[i] == '.') {
		/* .5, -.5e3, ".", "..": floats by the 1.1 spec's pattern. */
		for (size_t k = i; k < n; k++)
			if (!is_digit(u[k]) && !strchr("._eE+-", u[k]))
				return 0;
		return 1;
	}
	if (i >= n || !is_digit(u[i]))
		return 0;
	/* 2022-11-21 10:00:00 -5: a 1.1 timestamp may hold spaces. */
	if (n >= 5 && is_digit(u[0]) && is_digit(u[1]) && is_digit(u[2]) && is_digit(u[3]) &&
	    u[4] == '-')
		return 1;
	for (size_t k = i; k < n; k++)
		if (!is_number_char(u[k]))
			return 0;
	return 1;
}

/*
 * Characters that rule out every style but double quotes: controls other
 * than '\n' (a literal block cannot hold them, and single quotes fold
 * breaks), DEL, NEL, the Unicode line and paragraph separators (line
 * breaks to YAML 1.1 readers) and the byte order mark.  Returns 2 for
 * those, 1 when the string has '\n' but none of them, else 0.
 */
static int special_chars(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	int breaks = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = u[i];
		if (c >= 0x20 && c < 0x7F)
			continue;
		if (c == '\n') {
			breaks = 1;
		} else if (c < 0x20 || c == 0x7F) {
			return 2;
		} else if (c == 0xC2 && i + 1 < n && u[i + 1] == 0x85) {
			return 2;
		} else if (c == 0xE2 && i + 2 < n && u[i + 1] == 0x80 &&
			   (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)) {
			return 2;
		} else if (c == 0xEF && i + 2 < n && u[i + 1] == 0xBB && u[i + 2] == 0xBF) {
			return 2;
		}
	}
	return breaks;
}

/*
 * A literal block keeps a string exactly when libyaml allows one for it
 * (no line with trailing spaces, no space after a break, no special
 * characters: it falls back to double quotes otherwise) and the string
 * does not end in a break after a blank line's spaces.  libyaml picks the
 * chomping indicator from the trailing breaks and an indentation
 * indicator when the string starts with a space or a break.
 */
static yaml_scalar_style_t string_style(const char *s, size_t n, int is_key)
{
	int special = special_chars(s, n);
	if (special == 2)
		return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	if (special == 1)
		return is_key ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_LITERAL_SCALAR_STYLE;
	if (resolves_as_non_string(s, n))
		/* libyaml turns to double quotes where single ones cannot do. */
		return YAML_SINGLE_QUOTED_SCALAR_STYLE;
	return YAML_ANY_SCALAR_STYLE;
}

static int emit_string(struct emitter *em, const char *s, size_t n, int is_key)
{
	yaml_scalar_style_t style = string_style(s, n, is_key);
	return emit_scalar(em, s, n, style == YAML_ANY_SCALAR_STYLE, style);
}

/* q_format_double's shortest form, with a '.' in the mantissa and a sign
 * in the exponent: "1e300" is a string to YAML 1.1, "1.0e+300" a float. */
static size_t real_text(double v, char out[40])
{
	char num[32];
	size_t n = q_format_double(v, num);
	char *e = memchr(num, 'e', n);
	if (!e) {
		memcpy(out, num, n + 1);
		return n;
	}
	size_t m = (size_t)(e - num), k = 0;
	memcpy(out, num, m);
	k = m;
	if (!memchr(num, '.', m)) {
		memcpy(out + k, ".0", 2);
		k += 2;
	}
	out[k++] = 'e';
	const char *x = e + 1;
	if (*x != '-' && *x != '+')
		out[k++] = '+';
	size_t rest = n - (size_t)(x - num);
	memcpy(out + k, x, rest);
	k += rest;
	out[k] = '\0';
	return k;
}

static int emit_value(struct emitter *em, json_t *v, int depth)
{
	yaml_event_t ev;
	char num[40];
	if (depth > Q_MAX_DEPTH)
		return em->rc = q_error_msg(em->err, Q_EDATA, NULL,
					    "value nested deeper than %d levels", Q_MAX_DEPTH);
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		size_t key_len;
		json_t *child;
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		if (emit(em, &ev))
			return em->rc;
		json_object_keylen_foreach(v, key, key_len, child)
		{
			if (emit_string(em, key, key_len, 1) || emit_value(em, child, depth + 1))
				return em->rc;
		}
		yaml_mapping_end_event_initialize(&ev);
		return emit(em, &ev);
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *child;
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
		if (emit(em, &ev))
			return em->rc;
		json_array_foreach(v, i, child)
		{
			if (emit_value(em, child, depth + 1))
				return em->rc;
		}
		yaml_sequence_end_event_initialize(&ev);
		return emit(em, &ev);
	}
	case JSON_STRING:
		return emit_string(em, json_string_value(v), json_string_length(v), 0);
	case JSON_INTEGER:
		return emit_scalar(em, num,
				   (size_t)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
						    json_integer_value(v)),
				   1, YAML_PLAIN_SCALAR_STYLE);
	case JSON_REAL:
		return emit_scalar(em, num, real_text(json_real_value(v), num), 1,
				   YAML_PLAIN_SCALAR_STYLE);
	case JSON_TRUE:
		return emit_scalar(em, "true", 4, 1, YAML_PLAIN_SCALAR_STYLE);
	case JSON_FALSE:
		return emit_scalar(em, "false", 5, 1, YAML_PLAIN_SCALAR_STYLE);
	case JSON_NULL:
		return emit_scalar(em, "null", 4, 1, YAML_PLAIN_SCALAR_STYLE);
	}
	return 0;
}

/* A new emitter, its stream and its document started. */
static int emitter_open(struct emitter *em, struct q_buf *out, struct q_error *err)
{
	yaml_event_t ev;
	*em = (struct emitter){.out = out, .err = err};
	if (!yaml_emitter_initialize(&em->y))
		return em->rc = q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	yaml_emitter_set_output(&em->y, write_handler, out);
	yaml_emitter_set_unicode(&em->y, 1);
	yaml_emitter_set_indent(&em->y, 2);
	yaml_emitter_set_width(&em->y, -1); /* never fold: lines stay as they are */
	yaml_emitter_set_break(&em->y, YAML_LN_BREAK);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (!emit(em, &ev)) {
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0);
		emit(em, &ev);
	}
	return em->rc;
}

/* Ends the document and the stream (when all went well) and frees. */
static int emitter_close(struct emitter *em)
{
	yaml_event_t ev;
	if (!em->rc) {
		yaml_document_end_event_initialize(&ev, 1);
		if (!emit(em, &ev)) {
			yaml_stream_end_event_initialize(&ev);
			emit(em, &ev);
		}
	}
	yaml_emitter_delete(&em->y);
	return em->rc;
}

int q_yaml_emit(json_t *value, const struct q_emit_opts *opts, struct q_buf *out,
		struct q_error *err)
{
	struct emitter em;
	(void)opts;
	if (!emitter_open(&em, out, err))
		emit_value(&em, value, 1);
	return emitter_close(&em);
}

struct q_yaml_seq {
	struct emitter em;
};

int q_yaml_seq_open(struct q_yaml_seq **seq, struct q_buf *out, struct q_error *err)
{
	yaml_event_t ev;
	struct q_yaml_seq *s = calloc(1, sizeof(*s));
	*seq = s;
	if (!s)
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	if (emitter_open(&s->em, out, err))
		return s->em.rc;
	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
	return emit(&s->em, &ev);
}

int q_yaml_seq_item(struct q_yaml_seq *s, json_t *value)
{
	/* Flushing after each item keeps the emitter's own buffer small. */
	if (!emit_value(&s->em, value, 2) && !yaml_emitter_flush(&s->em.y))
		s->em.rc = q_error_msg(s->em.err, Q_EIO, NULL, "YAML emitter: cannot flush");
	return s->em.rc;
}

int q_yaml_seq_close(struct q_yaml_seq *s)
{
	yaml_event_t ev;
	if (!s)
		return 0;
	if (!s->em.rc) {
		yaml_sequence_end_event_initialize(&ev);
		emit(&s->em, &ev);
	}
	int rc = emitter_close(&s->em);
	free(s);
	return rc;
}

/* ==== input ============================================================== */

/* libyaml pulls its input through this, a chunk at a time that grows from
 * small, so that a stream of small documents is not decoded 16 KB ahead
 * for each one. */
struct input {
	const char *p;
	size_t left;
	size_t chunk;
};

static int read_handler(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
	struct input *in = data;
	size_t n = in->left < size ? in->left : size;
	if (n > in->chunk)
		n = in->chunk;
	memcpy(buffer, in->p, n);
	in->p += n;
	in->left -= n;
	*size_read = n;
	if (in->chunk < ((size_t)1 << 20))
		in->chunk *= 2;
	return 1;
}

/* A container being built. */
struct frame {
	json_t *node;
	int is_map;
	int height; /* containers below it, for aliases and the depth limit */
	size_t nodes_at_start;
	char *anchor; /* registered when the node ends */
	yaml_mark_t mark;
	/* Mappings: the key waiting for its value. */
	int have_key;
	int key_is_merge;
	int key_overrides; /* the key came from a merge and is being replaced */
	struct q_buf key;
	json_t *merged; /* keys that came from "<<" and may be overridden */
};

struct anchor {
	json_t *value;
	json_t *text; /* a scalar's text, for its use as a key */
	size_t nodes;
	int height;
};

struct reader {
	const char *data; /* the whole input */
	size_t len;
	size_t start; /* where this document's parse began */
	const char *file;
	struct q_error *err;
	int rc;
	struct frame *frames;
	size_t depth, cap;
	json_t *root;
	int have_root;
	json_t *anchor_index; /* name -> index into anchors */
	struct anchor *anchors;
	size_t n_anchors, cap_anchors;
	size_t nodes;    /* nodes of the document, keys included */
	size_t expanded; /* nodes added by aliases */
	int warned;
	/* mark index (characters since start) -> byte offset, moving forward */
	size_t cursor_chars, cursor_bytes;
};

/* Byte offset in data of a libyaml mark: marks count characters from
 * where the parse started. */
static size_t mark_offset(struct reader *r, const yaml_mark_t *m)
{
	size_t chars = r->cursor_chars, bytes = r->cursor_bytes;
	if (m->index < chars) {
		chars = 0;
		bytes = 0;
	}
	const unsigned char *d = (const unsigned char *)r->data + r->start;
	size_t avail = r->len - r->start;
	while (chars < m->index && bytes < avail) {
		bytes++;
		while (bytes < avail && (d[bytes] & 0xC0) == 0x80)
			bytes++;
		chars++;
	}
	r->cursor_chars = chars;
	r->cursor_bytes = bytes;
	return r->start + bytes;
}

static int fail_at_offset(struct reader *r, int code, size_t at, const char *fmt, ...)
	Q_PRINTF(4, 5);

static int fail_at_offset(struct reader *r, int code, size_t at, const char *fmt, ...)
{
	long line, col;
	va_list ap;
	if (r->rc)
		return r->rc;
	if (at > r->len)
		at = r->len;
	q_text_locate(r->data, r->len, at, &line, &col);
	va_start(ap, fmt);
	r->rc = q_error_vset(r->err, code, r->file, line, col, (long long)at, fmt, ap);
	va_end(ap);
	return r->rc;
}

#define fail_at(r, code, mark, ...) fail_at_offset((r), (code), mark_offset((r), (mark)), __VA_ARGS__)

static int parser_error(struct reader *r, yaml_parser_t *p)
{
	if (p->error == YAML_MEMORY_ERROR)
		return r->rc = q_error_msg(r->err, Q_ENOMEM, r->file, "out of memory");
	if (p->error == YAML_READER_ERROR) {
		size_t at = r->start + p->problem_offset;
		if (p->problem_value >= 0 && p->problem && strstr(p->problem, "control"))
			return fail_at_offset(r, Q_EENCODING, at,
					      "invalid YAML: %s (U+%04X)", p->problem,
					      (unsigned)p->problem_value);
		return fail_at_offset(r, Q_EENCODING, at, "invalid UTF-8 in YAML: %s",
				      p->problem ? p->problem : "unreadable input");
	}
	const char *problem = p->problem ? p->problem : "unparsable input";
	if (p->context) {
		size_t ctx = mark_offset(r, &p->context_mark);
		long line, col;
		q_text_locate(r->data, r->len, ctx, &line, &col);
		return fail_at(r, Q_ESYNTAX, &p->problem_mark, "invalid YAML: %s (%s at %ld:%ld)",
			       problem, p->context, line, col);
	}
	return fail_at(r, Q_ESYNTAX, &p->problem_mark, "invalid YAML: %s", problem);
}

static int out_of_memory(struct reader *r)
{
	if (!r->rc)
		r->rc = q_error_msg(r->err, Q_ENOMEM, r->file, "out of memory");
	return r->rc;
}

/* ---- scalars: the YAML 1.2 core schema --------------------------------- */

enum tag_kind { T_NONE, T_NONSPECIFIC, T_STR, T_INT, T_FLOAT, T_BOOL, T_NULL, T_MAP, T_SEQ,
		T_MERGE, T_OTHER };

static enum tag_kind tag_kind(const yaml_char_t *tag)
{
	static const struct {
		const char *name;
		enum tag_kind kind;
	} known[] = {
		{"str", T_STR}, {"int", T_INT}, {"float", T_FLOAT}, {"bool", T_BOOL},
		{"null", T_NULL}, {"map", T_MAP}, {"seq", T_SEQ}, {"merge", T_MERGE},
	};
	const char *t = (const char *)tag;
	if (!t)
		return T_NONE;
	if (strcmp(t, "!") == 0)
		return T_NONSPECIFIC;
	if (strncmp(t, YAML_TAG_PREFIX, sizeof(YAML_TAG_PREFIX) - 1) == 0) {
		t += sizeof(YAML_TAG_PREFIX) - 1;
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcmp(t, known[i].name) == 0)
				return known[i].kind;
	}
	return T_OTHER;
}

/* "!!int" for the standard tags, the tag itself for others. */
static const char *tag_name(const yaml_char_t *tag, char buf[64])
{
	const char *t = (const char *)tag;
	if (strncmp(t, YAML_TAG_PREFIX, sizeof(YAML_TAG_PREFIX) - 1) == 0) {
		snprintf(buf, 64, "!!%s", t + sizeof(YAML_TAG_PREFIX) - 1);
		return buf;
	}
	return t;
}

static void unknown_tag(struct reader *r, const yaml_char_t *tag, const yaml_mark_t *m)
{
	char buf[64];
	long line, col;
	if (r->warned)
		return;
	r->warned = 1;
	q_text_locate(r->data, r->len, mark_offset(r, m), &line, &col);
	q_warn(r->file, "%ld:%ld: unknown YAML tag %s ignored, the value kept as it is "
			"(later ones in this document are not reported)",
	       line, col, tag_name(tag, buf));
}

static int is_null_word(const char *s, size_t n)
{
	return n == 0 || (n == 1 && s[0] == '~') ||
	       (n == 4 && (!strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL")));
}

/* 1 true, 0 false, -1 neither. */
static int bool_word(const char *s, size_t n)
{
	if (n == 4 && (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")))
		return 1;
	if (n == 5 && (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")))
		return 0;
	return -1;
}

static int hex_value(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Core-schema integers: [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+.  Returns 1
 * and sets *out, 0 when s is no integer, -1 when it is one beyond 64 bits.
 */
static int parse_int(const char *s, size_t n, json_int_t *out)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned base = 10;
	size_t i = 0;
	int negative = 0;
	if (n > 2 && u[0] == '0' && (u[1] == 'o' || u[1] == 'x')) {
		base = u[1] == 'o' ? 8 : 16;
		i = 2;
	} else if (n > 1 && (u[0] == '-' || u[0] == '+')) {
		negative = u[0] == '-';
		i = 1;
	}
	if (i >= n)
		return 0;
	unsigned long long limit = negative ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	unsigned long long v = 0;
	int overflow = 0;
	for (; i < n; i++) {
		int d = base == 16 ? hex_value(u[i]) : is_digit(u[i]) ? u[i] - '0' : -1;
		if (d < 0 || (unsigned)d >= base)
			return 0;
		if (v > (limit - (unsigned)d) / base)
			overflow = 1;
		else
			v = v * base + (unsigned)d;
	}
	if (overflow)
		return -1;
	*out = negative ? (json_int_t)(0ULL - v) : (json_int_t)v;
	return 1;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int is_float_syntax(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, digits = 0;
	if (i < n && (u[i] == '-' || u[i] == '+'))
		i++;
	while (i < n && is_digit(u[i]))
		i++, digits++;
	if (i < n && u[i] == '.') {
		size_t frac = 0;
		i++;
		while (i < n && is_digit(u[i]))
			i++, frac++;
		if (!digits && !frac)
			return 0;
	} else if (!digits) {
		return 0;
	}
	if (i < n && (u[i] == 'e' || u[i] == 'E')) {
		size_t exp = 0;
		i++;
		if (i < n && (u[i] == '-' || u[i] == '+'))
			i++;
		while (i < n && is_digit(u[i]))
			i++, exp++;
		if (!exp)
			return 0;
	}
	return i == n;
}

/* [-+]?.inf and .nan in their three spellings. */
static int is_special_float(const char *s, size_t n)
{
	if (n >= 5 && (s[0] == '-' || s[0] == '+'))
		s++, n--;
	else if (n == 4 && (!strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN")))
		return 1;
	return n == 4 && (!strcmp(s, ".inf") || !strcmp(s, ".Inf") || !strcmp(s, ".INF"));
}

/* Reads a float of core syntax into *out; -1 when out of range. */
static int parse_float(const char *s, double *out)
{
	errno = 0;
	double d = strtod(s, NULL);
	if (errno == ERANGE && (d > 1.0 || d < -1.0))
		return -1;
	*out = d;
	return 0;
}

static json_t *new_string(struct reader *r, const char *s, size_t n)
{
	json_t *v = json_stringn(s, n);
	if (!v)
		out_of_memory(r);
	return v;
}

/*
 * The value of a scalar event: plain untagged scalars by the core schema,
 * standard tags as they say (or an error), other scalars as strings.
 */
static json_t *scalar_value(struct reader *r, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	const yaml_mark_t *m = &ev->start_mark;
	enum tag_kind kind = tag_kind(ev->data.scalar.tag);
	int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	json_int_t i;
	double d;
	char buf[64];
	int b;
	/* libyaml's values end in a NUL, so strcmp and strtod work on them. */
	if (kind == T_NONE && !plain)
		kind = T_STR;
	switch (kind) {
	case T_STR:
	case T_NONSPECIFIC:
		return new_string(r, s, n);
	case T_OTHER:
	case T_MERGE:
		unknown_tag(r, ev->data.scalar.tag, m);
		return new_string(r, s, n);
	case T_MAP:
	case T_SEQ:
		fail_at(r, Q_EDATA, m, "YAML tag %s on a scalar", tag_name(ev->data.scalar.tag, buf));
		return NULL;
	case T_NULL:
		if (!is_null_word(s, n))
			break;
		return json_null();
	case T_BOOL:
		if ((b = bool_word(s, n)) < 0)
			break;
		return json_boolean(b);
	case T_INT:
		if ((b = parse_int(s, n, &i)) == 0)
			break;
		if (b < 0)
			goto too_big;
		return json_integer(i);
	case T_FLOAT:
		if (is_special_float(s, n))
			goto special;
		if (!is_float_syntax(s, n))
			break;
		if (parse_float(s, &d) < 0)
			goto too_big;
		return json_real(d);
	case T_NONE:
		/* Numbers start with a digit, a sign or a '.'. */
		if (n == 0 || (s[0] != '.' && s[0] != '-' && s[0] != '+' &&
			       !is_digit((unsigned char)s[0]))) {
			if (is_null_word(s, n))
				return json_null();
			if ((b = bool_word(s, n)) >= 0)
				return json_boolean(b);
			return new_string(r, s, n);
		}
		if ((b = parse_int(s, n, &i)) > 0)
			return json_integer(i);
		if (b < 0)
			goto too_big;
		if (is_float_syntax(s, n)) {
			if (parse_float(s, &d) < 0)
				goto too_big;
			return json_real(d);
		}
		if (is_special_float(s, n))
			goto special;
		return new_string(r, s, n);
	}
	fail_at(r, Q_EDATA, m, "'%.40s' is not a valid %s", s, tag_name(ev->data.scalar.tag, buf));
	return NULL;
too_big:
	fail_at(r, Q_EDATA, m, "number '%.40s' is out of range (integers have 64 bits, reals are "
			       "doubles); quote it to keep it as a string", s);
	return NULL;
special:
	fail_at(r, Q_EDATA, m, "'%s' is not a number JSON can hold (infinity or NaN); quote it to "
			       "keep it as a string", s);
	return NULL;
}

/* ---- building ----------------------------------------------------------- */

static char *copy_anchor(struct reader *r, const yaml_char_t *anchor)
{
	if (!anchor)
		return NULL;
	char *a = strdup((const char *)anchor);
	if (!a)
		out_of_memory(r);
	return a;
}

/* Makes `name` refer to a completed node (a later anchor of the same name
 * takes over from then on). */
static int define_anchor(struct reader *r, const char *name, json_t *value, size_t nodes,
			 int height, const char *text, size_t text_len)
{
	json_t *index;
	struct anchor *a;
	if (!r->anchor_index && !(r->anchor_index = json_object()))
		return out_of_memory(r);
	index = json_object_get(r->anchor_index, name);
	if (index) {
		a = &r->anchors[json_integer_value(index)];
		json_decref(a->value);
		json_decref(a->text);
	} else {
		if (r->n_anchors == r->cap_anchors) {
			size_t cap = r->cap_anchors ? r->cap_anchors * 2 : 16;
			struct anchor *grown = realloc(r->anchors, cap * sizeof(*grown));
			if (!grown)
				return out_of_memory(r);
			r->anchors = grown;
			r->cap_anchors = cap;
		}
		if (json_object_set_new(r->anchor_index, name,
					json_integer((json_int_t)r->n_anchors)))
			return out_of_memory(r);
		a = &r->anchors[r->n_anchors++];
	}
	a->value = json_incref(value);
	a->text = text ? json_stringn(text, text_len) : NULL;
	a->nodes = nodes;
	a->height = height;
	if (text && !a->text)
		return out_of_memory(r);
	return 0;
}

static struct anchor *find_anchor(struct reader *r, const yaml_char_t *name)
{
	json_t *index = r->anchor_index ? json_object_get(r->anchor_index, (const char *)name) : NULL;
	return index ? &r->anchors[json_integer_value(index)] : NULL;
}

/* Adds each key of src that dst lacks, remembering it as overridable. */
static int merge_mapping(struct reader *r, struct frame *f, json_t *src)
{
	const char *key;
	size_t key_len;
	json_t *value;
	if (!f->merged && !(f->merged = json_object()))
		return out_of_memory(r);
	json_object_keylen_foreach(src, key, key_len, value)
	{
		if (json_object_getn(f->node, key, key_len))
			continue;
		if (json_object_setn_nocheck(f->node, key, key_len, value) ||
		    json_object_setn_new_nocheck(f->merged, key, key_len, json_null()))
			return out_of_memory(r);
	}
	return 0;
}

/* "<<: {…}" or "<<: [*a, *b]": earlier mappings win over later ones, and
 * keys of the mapping itself over all of them. */
static int merge(struct reader *r, struct frame *f, json_t *v, const yaml_mark_t *m)
{
	if (json_is_object(v))
		return merge_mapping(r, f, v);
	if (json_is_array(v)) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item) if (!json_is_object(item)) goto bad;
		json_array_foreach(v, i, item) if (merge_mapping(r, f, item)) return r->rc;
		return 0;
	}
bad:
	return fail_at(r, Q_EDATA, m,
		       "the value of the merge key '<<' must be a mapping or a list of mappings");
}

/* Puts a completed value where it belongs; takes the reference. */
static int attach(struct reader *r, json_t *v, int height, const yaml_mark_t *m)
{
	if (!v)
		return r->rc ? r->rc : out_of_memory(r);
	if (r->depth == 0) {
		r->root = v;
		r->have_root = 1;
		return 0;
	}
	struct frame *f = &r->frames[r->depth - 1];
	if (f->height < height + 1)
		f->height = height + 1;
	if (!f->is_map) {
		if (json_array_append_new(f->node, v))
			return out_of_memory(r);
		return 0;
	}
	f->have_key = 0;
	if (f->key_is_merge) {
		int rc = merge(r, f, v, m);
		json_decref(v);
		return rc;
	}
	if (f->key_overrides)
		json_object_deln(f->merged, f->key.data, f->key.len);
	if (json_object_setn_new_nocheck(f->node, f->key.data, f->key.len, v))
		return out_of_memory(r);
	return 0;
}

/* A key arrives: its text, checked against the keys already there. */
static int take_key(struct reader *r, const char *s, size_t n, int is_merge,
		    const yaml_mark_t *m)
{
	struct frame *f = &r->frames[r->depth - 1];
	f->have_key = 1;
	f->key_is_merge = is_merge;
	f->key_overrides = 0;
	r->nodes++;
	if (is_merge)
		return 0;
	q_buf_reset(&f->key);
	if (q_buf_append(&f->key, s, n))
		return out_of_memory(r);
	if (json_object_getn(f->node, s, n)) {
		if (f->merged && json_object_getn(f->merged, s, n)) {
			f->key_overrides = 1;
			return 0;
		}
		return fail_at(r, Q_EDATA, m, "duplicate key '%.*s' in a YAML mapping",
			       (int)(n > 60 ? 60 : n), s);
	}
	return 0;
}

static int expecting_key(const struct reader *r)
{
	return r->depth > 0 && r->frames[r->depth - 1].is_map && !r->frames[r->depth - 1].have_key;
}

static int push(struct reader *r, const yaml_event_t *ev, int is_map)
{
	const yaml_char_t *tag = is_map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
	const yaml_char_t *anchor =
		is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
	enum tag_kind kind = tag_kind(tag);
	char buf[64];
	if (expecting_key(r))
		return fail_at(r, Q_EDATA, &ev->start_mark,
			       "a YAML mapping key must be a scalar, not a %s",
			       is_map ? "mapping" : "sequence");
	if (r->depth >= Q_MAX_DEPTH)
		return fail_at(r, Q_EDATA, &ev->start_mark, "YAML nested deeper than %d levels",
			       Q_MAX_DEPTH);
	if ((kind == T_MAP && !is_map) || (kind == T_SEQ && is_map) ||
	    (kind >= T_STR && kind <= T_NULL) || kind == T_MERGE)
		return fail_at(r, Q_EDATA, &ev->start_mark, "YAML tag %s on a %s",
			       tag_name(tag, buf), is_map ? "mapping" : "sequence");
	if (kind == T_OTHER)
		unknown_tag(r, tag, &ev->start_mark);
	if (r->depth == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct frame *grown = realloc(r->frames, cap * sizeof(*grown));
		if (!grown)
			return out_of_memory(r);
		memset(grown + r->cap, 0, (cap - r->cap) * sizeof(*grown));
		for (size_t i = r->cap; i < cap; i++)
			q_buf_init(&grown[i].key, 0);
		r->frames = grown;
		r->cap = cap;
	}
	struct frame *f = &r->frames[r->depth];
	f->node = is_map ? json_object() : json_array();
	if (!f->node)
		return out_of_memory(r);
	r->depth++;
	f->is_map = is_map;
	f->height = 0;
	f->nodes_at_start = r->nodes++;
	f->anchor = NULL;
	f->mark = ev->start_mark;
	f->have_key = 0;
	f->key_is_merge = 0;
	f->key_overrides = 0;
	f->merged = NULL;
	if (anchor && !(f->anchor = copy_anchor(r, anchor)))
		return r->rc;
	return 0;
}

static int pop(struct reader *r)
{
	struct frame *f = &r->frames[--r->depth];
	json_t *v = f->node;
	int rc = 0;
	f->node = NULL;
	json_decref(f->merged);
	f->merged = NULL;
	if (f->anchor) {
		rc = define_anchor(r, f->anchor, v, r->nodes - f->nodes_at_start, f->height,
				   NULL, 0);
		free(f->anchor);
		f->anchor = NULL;
	}
	if (rc) {
		json_decref(v);
		return rc;
	}
	return attach(r, v, f->height, &f->mark);
}

static int on_scalar(struct reader *r, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	json_t *v;
	if (expecting_key(r)) {
		enum tag_kind kind = tag_kind(ev->data.scalar.tag);
		int is_merge = (kind == T_MERGE ||
				(kind == T_NONE && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)) &&
			       n == 2 && s[0] == '<' && s[1] == '<';
		if (kind == T_OTHER)
			unknown_tag(r, ev->data.scalar.tag, &ev->start_mark);
		if (ev->data.scalar.anchor) {
			/* An anchored key can be aliased as a value later. */
			json_t *value = scalar_value(r, ev);
			if (!value)
				return r->rc ? r->rc : out_of_memory(r);
			int rc = define_anchor(r, (const char *)ev->data.scalar.anchor, value, 1, 0,
					       s, n);
			json_decref(value);
			if (rc)
				return rc;
		}
		return take_key(r, s, n, is_merge, &ev->start_mark);
	}
	r->nodes++;
	if (!(v = scalar_value(r, ev)))
		return r->rc ? r->rc : out_of_memory(r);
	if (ev->data.scalar.anchor &&
	    define_anchor(r, (const char *)ev->data.scalar.anchor, v, 1, 0, s, n)) {
		json_decref(v);
		return r->rc;
	}
	return attach(r, v, 0, &ev->start_mark);
}

static int on_alias(struct reader *r, const yaml_event_t *ev)
{
	struct anchor *a = find_anchor(r, ev->data.alias.anchor);
	const yaml_mark_t *m = &ev->start_mark;
	if (!a)
		return fail_at(r, Q_EDATA, m,
			       "alias *%s refers to no anchor before it (or to the node that "
			       "holds it)", (const char *)ev->data.alias.anchor);
	if (expecting_key(r)) {
		if (!a->text)
			return fail_at(r, Q_EDATA, m,
				       "a YAML mapping key must be a scalar; *%s is a %s",
				       (const char *)ev->data.alias.anchor,
				       json_is_object(a->value) ? "mapping" : "sequence");
		return take_key(r, json_string_value(a->text), json_string_length(a->text), 0, m);
	}
	if (r->depth + (size_t)a->height > Q_MAX_DEPTH)
		return fail_at(r, Q_EDATA, m, "alias *%s nests the document deeper than %d levels",
			       (const char *)ev->data.alias.anchor, Q_MAX_DEPTH);
	if (a->nodes > Q_YAML_MAX_NODES - r->expanded)
		return fail_at(r, Q_EDATA, m,
			       "YAML aliases expand the document by more than %d nodes (at *%s)",
			       Q_YAML_MAX_NODES, (const char *)ev->data.alias.anchor);
	r->expanded += a->nodes;
	r->nodes += a->nodes;
	json_t *copy = json_deep_copy(a->value);
	return attach(r, copy, a->height, m);
}

static void reader_release(struct reader *r)
{
	for (size_t i = 0; i < r->cap; i++) {
		json_decref(r->frames[i].node);
		json_decref(r->frames[i].merged);
		free(r->frames[i].anchor);
		q_buf_release(&r->frames[i].key);
	}
	free(r->frames);
	for (size_t i = 0; i < r->n_anchors; i++) {
		json_decref(r->anchors[i].value);
		json_decref(r->anchors[i].text);
	}
	free(r->anchors);
	json_decref(r->anchor_index);
	if (r->rc)
		json_decref(r->root);
}

/*
 * After an explicit "..." only a comment may follow on its line.  Returns
 * where the next document may begin: the next line.
 */
static size_t after_document_end(struct reader *r, size_t at)
{
	size_t i = at;
	while (i < r->len && (r->data[i] == ' ' || r->data[i] == '\t'))
		i++;
	if (i < r->len && r->data[i] == '#' && i > at) {
		while (i < r->len && r->data[i] != '\n')
			i++;
	}
	if (i < r->len && r->data[i] == '\r')
		i++;
	if (i < r->len && r->data[i] == '\n')
		return i + 1;
	if (i < r->len)
		fail_at_offset(r, Q_ESYNTAX, i,
			       "invalid YAML: only a comment may follow the document end marker '...'");
	return i;
}

/*
 * Skips what may stand between documents: blank and comment lines, and
 * "..." lines (a stream may hold several, or start with one, which
 * libyaml refuses at the start of its input).
 */
static size_t skip_document_prefix(const char *data, size_t len, size_t p)
{
	for (;;) {
		size_t i = p;
		if (len - i >= 3 && memcmp(data + i, "...", 3) == 0)
			i += 3;
		int marker = i > p;
		while (i < len && (data[i] == ' ' || data[i] == '\t'))
			i++;
		if (i < len && data[i] == '#' && (i > p || !marker)) {
			while (i < len && data[i] != '\n')
				i++;
		}
		if (i < len && data[i] == '\r')
			i++;
		if (i == len)
			return len;
		if (data[i] != '\n')
			return p;
		p = i + 1;
	}
}

/*
 * The parse restarts for each document, so that each call stands on its
 * own.  libyaml, which parses a stream, refuses a bare document (one
 * without "---") after the first; YAML 1.2 allows one after "...", so a
 * restart is right there — but not after an implicit end: the document
 * must then be followed by "---", a directive or the end.  Asking libyaml
 * for the next event tells.  Returns where the next document begins, or
 * the end of the input when none does.
 */
static size_t next_document(struct reader *r, yaml_parser_t *p, const yaml_event_t *end_ev)
{
	yaml_event_t ev;
	int explicit_end = !end_ev->data.document_end.implicit;
	if (!yaml_parser_parse(p, &ev)) {
		if (!explicit_end || !p->problem ||
		    strcmp(p->problem, "did not find expected <document start>") != 0)
			return parser_error(r, p);
	} else {
		int last = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (last) /* only blanks and comments remain */
			return r->len;
	}
	size_t end = mark_offset(r, &end_ev->end_mark);
	if (explicit_end)
		return after_document_end(r, end);
	if (end < r->len && r->data[end] == '%')
		/* libyaml lets this pass; YAML 1.2 does not. */
		fail_at_offset(r, Q_ESYNTAX, end,
			       "invalid YAML: a directive after a document needs the document end "
			       "marker '...' before it");
	return end;
}

int q_yaml_read(const char *data, size_t len, size_t *pos, const char *file, json_t **value,
		struct q_error *err)
{
	struct reader r = {.data = data, .len = len, .file = file, .err = err};
	struct input in;
	yaml_parser_t p;
	yaml_event_t ev;
	int done = 0;
	*value = NULL;
	if (*pos == 0 && len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		*pos = 3;
	*pos = skip_document_prefix(data, len, *pos);
	if (*pos >= len) {
		*pos = len;
		return 0;
	}
	r.start = *pos;
	in = (struct input){data + *pos, len - *pos, 1024};
	if (len - *pos >= 2 && ((data[*pos] == '\xFF' && data[*pos + 1] == '\xFE') ||
				 (data[*pos] == '\xFE' && data[*pos + 1] == '\xFF')))
		return fail_at_offset(&r, Q_EENCODING, *pos,
				      "YAML input is UTF-16; quarry reads UTF-8 only");
	if (!yaml_parser_initialize(&p))
		return q_error_msg(err, Q_ENOMEM, file, "out of memory");
	yaml_parser_set_input(&p, read_handler, &in);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (!done && !r.rc) {
		if (!yaml_parser_parse(&p, &ev)) {
			parser_error(&r, &p);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			/* Nothing but comments and blanks remain. */
			*pos = len;
			done = 1;
			break;
		case YAML_DOCUMENT_END_EVENT:
			*pos = next_document(&r, &p, &ev);
			done = 1;
			break;
		case YAML_SCALAR_EVENT:
			on_scalar(&r, &ev);
			break;
		case YAML_ALIAS_EVENT:
			on_alias(&r, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			push(&r, &ev, 0);
			break;
		case YAML_MAPPING_START_EVENT:
			push(&r, &ev, 1);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			pop(&r);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (!r.rc && r.have_root)
		*value = r.root;
	reader_release(&r);
	return r.rc;
}

/*
 * eval.c — an instance against the compiled nodes.
 *
 * The walk keeps, on its own stack frame, the path of member names and
 * indices that leads to the current value and the dynamic scope (the
 * resources entered so far, for $dynamicRef).  Nothing is allocated
 * unless a violation is recorded, with three exceptions that only large
 * inputs meet: uniqueItems over more than UNIQUE_SCAN items, annotations
 * for more than ANN_WORDS × 64 members, and propertyNames schemas that
 * need more than string keywords (the name becomes a JSON string).
 *
 * A branch whose failure does not fail its node (anyOf, oneOf, not, if,
 * contains) is evaluated "quiet": it records nothing and stops at its
 * first failure.  Once the violation list is full the whole walk turns
 * quiet, so an invalid document costs no more than finding max faults.
 */
#include "validate/private.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define ANN_WORDS 256
#define UNIQUE_SCAN 32
#define QUOTE_MAX 60 /* bytes of a value quoted in a message */

/* One step of the instance path: a member name, or an index. */
struct vseg {
	const char *key; /* NULL for an array index */
	size_t len;      /* of the name, or the index */
};

struct vstate {
	const struct q_schema *s;
	unsigned flags;
	struct q_violations *out;
	int quiet;     /* > 0 inside a branch that may fail */
	int stop;      /* the list is full: record nothing more */
	int depth;
	size_t n_seg;
	size_t n_scope;
	size_t bits_used;
	pcre2_match_data *md;
	struct vseg seg[Q_VALIDATE_MAX_DEPTH + 2];
	const struct vres *scope[Q_VALIDATE_MAX_DEPTH + 2];
	uint64_t bits[ANN_WORDS];
};

#define FAST(st) ((st)->quiet || (st)->stop)

/* Which members of the current object or array were evaluated. */
struct ann {
	uint64_t *w;
	size_t n;
	size_t mark;
	int heap;
};

static int eval_node(struct vstate *st, const struct vnode *n, json_t *x,
		     struct ann *ann);

/* ---- violations ------------------------------------------------------ */

void q_violations_init(struct q_violations *v, size_t max)
{
	memset(v, 0, sizeof(*v));
	v->max = max ? max : Q_VALIDATE_DEFAULT_MAX;
}

void q_violations_release(struct q_violations *v)
{
	for (size_t i = 0; i < v->count; i++) {
		free(v->items[i].instance_path);
		free(v->items[i].schema_path);
		free(v->items[i].message);
	}
	free(v->items);
	q_violations_init(v, v->max);
}

static void put_escaped(struct q_buf *b, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '~')
			q_buf_puts(b, "~0");
		else if (s[i] == '/')
			q_buf_puts(b, "~1");
		else
			q_buf_putc(b, s[i]);
	}
}

static char *instance_path(const struct vstate *st)
{
	struct q_buf b;
	q_buf_init(&b, 0);
	q_buf_append(&b, "", 0); /* "" for the root */
	for (size_t i = 0; i < st->n_seg; i++) {
		q_buf_putc(&b, '/');
		if (st->seg[i].key)
			put_escaped(&b, st->seg[i].key, st->seg[i].len);
		else
			q_buf_printf(&b, "%zu", st->seg[i].len);
	}
	if (b.failed)
		q_buf_release(&b);
	return b.data;
}

static char *concat(const char *a, const char *sep, const char *b)
{
	size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
	char *p = malloc(la + ls + lb + 1);
	if (p) {
		memcpy(p, a, la);
		memcpy(p + la, sep, ls);
		memcpy(p + la + ls, b, lb + 1);
	}
	return p;
}

/*
 * Records a violation of keyword kw of node n (kw NULL: the node itself,
 * a false schema, or the depth limit with keyword "depth").  Returns 0,
 * the validity it reports.
 */
static int vrecord(struct vstate *st, const struct vnode *n, const char *kw,
		   const char *keyword, const char *fmt, va_list ap)
{
	struct q_violations *v = st->out;
	if (FAST(st))
		return 0;
	if (v->count == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		struct q_violation *items = realloc(v->items,
						    cap * sizeof(*items));
		if (!items) {
			v->truncated = 1;
			return 0;
		}
		v->items = items;
		v->cap = cap;
	}
	struct q_violation *it = &v->items[v->count];
	char msg[Q_ERROR_MESSAGE_MAX];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	it->instance_path = instance_path(st);
	it->schema_path = concat(n->path, kw ? "/" : "", kw ? kw : "");
	it->keyword = keyword;
	it->message = strdup(msg);
	if (!it->instance_path || !it->schema_path || !it->message) {
		free(it->instance_path);
		free(it->schema_path);
		free(it->message);
		v->truncated = 1;
		return 0;
	}
	if (++v->count >= v->max) {
		/* Full: there may be more, and finding them is wasted work. */
		v->truncated = 1;
		st->stop = 1;
	}
	return 0;
}

static int Q_PRINTF(4, 5) report(struct vstate *st, const struct vnode *n,
				 const char *kw, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vrecord(st, n, kw, kw ? kw : "false", fmt, ap);
	va_end(ap);
	return 0;
}

static int Q_PRINTF(5, 6) record(struct vstate *st, const struct vnode *n,
				 const char *kw, const char *keyword,
				 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vrecord(st, n, kw, keyword, fmt, ap);
	va_end(ap);
	return 0;
}

/* A short quote of a string for a message: 'abc…'. */
static const char *quote(const char *s, size_t len, char *buf, size_t size)
{
	size_t n = len < QUOTE_MAX ? len : QUOTE_MAX;
	while (n < len && n && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	snprintf(buf, size, "%.*s%s", (int)n, s, n < len ? "…" : "");
	return buf;
}

/* A JSON value for a message, shortened. */
static const char *show(json_t *x, char *buf, size_t size)
{
	char *text = json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT);
	if (!text)
		return "the expected value";
	quote(text, strlen(text), buf, size);
	free(text);
	return buf;
}

/* ---- annotations ----------------------------------------------------- */

static int ann_open(struct vstate *st, struct ann *a, size_t count)
{
	size_t nw = (count + 63) / 64;
	a->n = count;
	a->mark = st->bits_used;
	a->heap = nw > ANN_WORDS - st->bits_used;
	a->w = a->heap ? calloc(nw ? nw : 1, sizeof(*a->w))
		       : st->bits + st->bits_used;
	if (!a->w) {
		if (st->out)
			st->out->truncated = 1;
		return -1;
	}
	if (!a->heap) {
		memset(a->w, 0, nw * sizeof(*a->w));
		st->bits_used += nw;
	}
	return 0;
}

static void ann_close(struct vstate *st, struct ann *a)
{
	if (a->heap)
		free(a->w);
	else
		st->bits_used = a->mark;
}

static inline void ann_set(struct ann *a, size_t i)
{
	a->w[i / 64] |= (uint64_t)1 << (i % 64);
}

static inline int ann_test(const struct ann *a, size_t i)
{
	return (a->w[i / 64] >> (i % 64)) & 1;
}

static void ann_set_range(struct ann *a, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		ann_set(a, i);
}

static void ann_merge(struct ann *dst, const struct ann *src)
{
	for (size_t i = 0; i < (dst->n + 63) / 64; i++)
		dst->w[i] |= src->w[i];
}

/* ---- equality (enum, const, uniqueItems) ----------------------------- */

/* Exact comparison of an integer with a double: -1, 0 or 1. */
static int cmp_int_double(json_int_t i, double d)
{
	if (d >= 9223372036854775808.0)
		return -1;
	if (d < -9223372036854775808.0)
		return 1;
	double f = floor(d);
	json_int_t fi = (json_int_t)f;
	if (i != fi)
		return i < fi ? -1 : 1;
	return d > f ? -1 : 0;
}

static int cmp_numbers(json_t *a, json_t *b)
{
	if (json_is_integer(a) && json_is_integer(b)) {
		json_int_t x = json_integer_value(a), y = json_integer_value(b);
		return (x > y) - (x < y);
	}
	if (json_is_integer(a))
		return cmp_int_double(json_integer_value(a),
				      json_real_value(b));
	if (json_is_integer(b))
		return -cmp_int_double(json_integer_value(b),
				       json_real_value(a));
	double x = json_real_value(a), y = json_real_value(b);
	return (x > y) - (x < y);
}

/* JSON equality: 1 equals 1.0, member order does not matter. */
static int json_same(json_t *a, json_t *b)
{
	if (a == b)
		return 1;
	if (json_is_number(a) && json_is_number(b))
		return cmp_numbers(a, b) == 0;
	if (json_typeof(a) != json_typeof(b))
		return 0;
	switch (json_typeof(a)) {
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       !memcmp(json_string_value(a), json_string_value(b),
			       json_string_length(a));
	case JSON_ARRAY: {
		size_t n = json_array_size(a);
		if (n != json_array_size(b))
			return 0;
		for (size_t i = 0; i < n; i++)
			if (!json_same(json_array_get(a, i),
				       json_array_get(b, i)))
				return 0;
		return 1;
	}
	case JSON_OBJECT: {
		if (json_object_size(a) != json_object_size(b))
			return 0;
		for (void *it = json_object_iter(a); it;
		     it = json_object_iter_next(a, it)) {
			json_t *o = json_object_getn(
				b, json_object_iter_key(it),
				json_object_iter_key_len(it));
			if (!o || !json_same(json_object_iter_value(it), o))
				return 0;
		}
		return 1;
	}
	default:
		return 1; /* true, false, null: the type is the value */
	}
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

/* A hash that agrees with json_same. */
static uint64_t json_hash(json_t *x)
{
	uint64_t h;
	double d;
	switch (json_typeof(x)) {
	case JSON_INTEGER:
	case JSON_REAL:
		d = json_is_integer(x) ? (double)json_integer_value(x)
				       : json_real_value(x);
		d = d == 0 ? 0 : d; /* -0 is 0 */
		memcpy(&h, &d, sizeof(h));
		return mix(h);
	case JSON_STRING:
		return mix(q_vhash(json_string_value(x),
				   json_string_length(x)));
	case JSON_ARRAY:
		h = 7;
		for (size_t i = 0; i < json_array_size(x); i++)
			h = mix(h * 31 + json_hash(json_array_get(x, i)));
		return h;
	case JSON_OBJECT:
		h = 11;
		for (void *it = json_object_iter(x); it;
		     it = json_object_iter_next(x, it))
			h += mix(q_vhash(json_object_iter_key(it),
					 json_object_iter_key_len(it))) ^
			     json_hash(json_object_iter_value(it));
		return h;
	default:
		return (uint64_t)json_typeof(x);
	}
}

/* A name in a hash of compile.c's table_new. */
static const struct vprop *table_find(const struct vprop *t, uint32_t mask,
				     const char *key, size_t len)
{
	uint32_t h = q_vhash(key, len);
	for (uint32_t i = h & mask; t[i].name; i = (i + 1) & mask) {
		if (t[i].hash != h || t[i].len != len)
			continue;
		/* Names are short: a loop beats calling memcmp. */
		size_t k = 0;
		while (k < len && t[i].name[k] == key[k])
			k++;
		if (k == len)
			return &t[i];
	}
	return NULL;
}

/* ---- regexes --------------------------------------------------------- */

static int re_match(struct vstate *st, const struct vregex *re, const char *s,
		    size_t len)
{
	if (!st->md) {
		/* The schema lends its match block to one caller at a time. */
		struct q_schema *sc = (struct q_schema *)st->s;
		st->md = atomic_exchange(&sc->spare, NULL);
		if (!st->md)
			st->md = pcre2_match_data_create(1, NULL);
		if (!st->md)
			return 0;
	}
	int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, st->md, NULL);
	/* JIT code runs on a small machine stack; the interpreter does not. */
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, PCRE2_NO_JIT,
				 st->md, NULL);
	return rc >= 0;
}

/* ---- scalars --------------------------------------------------------- */

static const char *type_name(json_t *x)
{
	switch (json_typeof(x)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	default:
		return "null";
	}
}

static int type_ok(unsigned types, json_t *x)
{
	switch (json_typeof(x)) {
	case JSON_OBJECT:
		return types & VT_OBJECT;
	case JSON_ARRAY:
		return types & VT_ARRAY;
	case JSON_STRING:
		return types & VT_STRING;
	case JSON_INTEGER:
		return types & (VT_INTEGER | VT_NUMBER);
	case JSON_REAL:
		if (types & VT_NUMBER)
			return 1;
		return (types & VT_INTEGER) &&
		       json_real_value(x) == floor(json_real_value(x));
	case JSON_TRUE:
	case JSON_FALSE:
		return types & VT_BOOLEAN;
	default:
		return types & VT_NULL;
	}
}

static const char *num_text(const struct vnum *v, char *buf, size_t size)
{
	if (v->is_int) {
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, v->i);
		return buf;
	}
	for (int p = 1; p <= 17; p++) {
		snprintf(buf, size, "%.*g", p, v->d);
		if (strtod(buf, NULL) == v->d)
			break;
	}
	return buf;
}

static const char *value_text(json_t *x, char *buf, size_t size)
{
	struct vnum v = {json_is_integer(x), json_integer_value(x),
			 json_real_value(x)};
	return num_text(&v, buf, size);
}

/* x against a bound: -1, 0 or 1. */
static int cmp_bound(json_t *x, const struct vnum *b)
{
	if (json_is_integer(x)) {
		json_int_t i = json_integer_value(x);
		if (b->is_int)
			return (i > b->i) - (i < b->i);
		return cmp_int_double(i, b->d);
	}
	double d = json_real_value(x);
	if (!b->is_int)
		return (d > b->d) - (d < b->d);
	return -cmp_int_double(b->i, d);
}

/* Whether x = k × m for an integer k, in exact decimal arithmetic. */
static int dec_multiple(const struct vdec *x, const struct vdec *m)
{
	if (!x->digits)
		return 1;
	if (x->exp >= m->exp) {
		uint64_t r = x->digits % m->digits;
		for (int k = x->exp - m->exp; k > 0 && r; k--) {
			uint64_t t = 0; /* (r × 10) mod m, without overflow */
			for (int j = 0; j < 10; j++) {
				t += r;
				if (t >= m->digits)
					t -= m->digits;
			}
			r = t;
		}
		return r == 0;
	}
	int k = m->exp - x->exp;
	if (k > 19)
		return 0;
	uint64_t p10 = 1;
	while (k--)
		p10 *= 10;
	return x->digits % p10 == 0 && (x->digits / p10) % m->digits == 0;
}

static int is_multiple(json_t *x, const struct vnode *n)
{
	if (json_is_integer(x) && n->multiple.is_int)
		return json_integer_value(x) % n->multiple.i == 0;
	struct vdec d;
	q_validate_decimal(x, &d);
	return dec_multiple(&d, &n->multiple_dec);
}

static int eval_number(struct vstate *st, const struct vnode *n, json_t *x)
{
	char a[40], b[40];
	int ok = 1;
	if ((n->has & VH_MINIMUM) && cmp_bound(x, &n->minimum) < 0)
		ok = report(st, n, "minimum", "expected at least %s, got %s",
			    num_text(&n->minimum, a, sizeof(a)),
			    value_text(x, b, sizeof(b)));
	if ((n->has & VH_MAXIMUM) && cmp_bound(x, &n->maximum) > 0)
		ok = report(st, n, "maximum", "expected at most %s, got %s",
			    num_text(&n->maximum, a, sizeof(a)),
			    value_text(x, b, sizeof(b)));
	if ((n->has & VH_XMINIMUM) && cmp_bound(x, &n->xminimum) <= 0)
		ok = report(st, n, "exclusiveMinimum",
			    "expected more than %s, got %s",
			    num_text(&n->xminimum, a, sizeof(a)),
			    value_text(x, b, sizeof(b)));
	if ((n->has & VH_XMAXIMUM) && cmp_bound(x, &n->xmaximum) >= 0)
		ok = report(st, n, "exclusiveMaximum",
			    "expected less than %s, got %s",
			    num_text(&n->xmaximum, a, sizeof(a)),
			    value_text(x, b, sizeof(b)));
	if ((n->has & VH_MULTIPLE) && !is_multiple(x, n))
		ok = report(st, n, "multipleOf",
			    "expected a multiple of %s, got %s",
			    num_text(&n->multiple, a, sizeof(a)),
			    value_text(x, b, sizeof(b)));
	return ok;
}

/* The string keywords, on raw text (also used for property names). */
static int eval_text(struct vstate *st, const struct vnode *n, const char *s,
		     size_t len)
{
	int ok = 1;
	char q[QUOTE_MAX * 2];
	/* Bytes bound code points: count only when the bytes don't decide. */
	if ((n->has & VH_MINLENGTH) && len / 4 < n->min_length) {
		size_t cps = q_utf8_count(s, len);
		if (cps < n->min_length)
			ok = report(st, n, "minLength",
				    "expected at least %zu characters, got %zu",
				    n->min_length, cps);
	}
	if ((n->has & VH_MAXLENGTH) && len > n->max_length) {
		size_t cps = q_utf8_count(s, len);
		if (cps > n->max_length)
			ok = report(st, n, "maxLength",
				    "expected at most %zu characters, got %zu",
				    n->max_length, cps);
	}
	if (!ok && FAST(st))
		return 0;
	if ((n->has & VH_PATTERN) && !re_match(st, &n->pattern, s, len))
		ok = report(st, n, "pattern",
			    "expected to match '%s', got '%s'",
			    n->pattern.source, quote(s, len, q, sizeof(q)));
	if ((n->has & VH_FORMAT) && (st->flags & Q_VALIDATE_FORMAT_ASSERT) &&
	    q_format_check_id(n->format, s, len) == 0)
		ok = report(st, n, "format", "expected a valid %s, got '%s'",
			    n->format_name, quote(s, len, q, sizeof(q)));
	return ok;
}

static int eval_value(struct vstate *st, const struct vnode *n, json_t *x)
{
	char buf[QUOTE_MAX * 2];
	int ok = 1;
	if ((n->has & VH_CONST) && !json_same(x, n->const_val))
		ok = report(st, n, "const", "expected %s",
			    show(n->const_val, buf, sizeof(buf)));
	if (n->has & VH_ENUM) {
		size_t i, size = json_array_size(n->enum_vals);
		if (json_is_string(x)) {
			i = n->enum_strs && table_find(n->enum_strs,
						       n->enum_mask,
						       json_string_value(x),
						       json_string_length(x))
				    ? 0 : size;
		} else {
			for (i = 0; i < size; i++)
				if (json_same(x, json_array_get(n->enum_vals,
								i)))
					break;
		}
		if (i == size)
			ok = report(st, n, "enum", "expected one of %s",
				    show(n->enum_vals, buf, sizeof(buf)));
	}
	return ok;
}

/* ---- arrays ---------------------------------------------------------- */

static void seg_index(struct vstate *st, size_t i)
{
	st->seg[st->n_seg++] = (struct vseg){NULL, i};
}

static void seg_key(struct vstate *st, const char *key, size_t len)
{
	st->seg[st->n_seg++] = (struct vseg){key, len};
}

struct hentry {
	uint64_t h;
	size_t i;
};

static int hentry_cmp(const void *a, const void *b)
{
	const struct hentry *x = a, *y = b;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* Finds two equal items: 1 with *i < *j set, or 0. */
static int find_duplicate(json_t *x, size_t *pi, size_t *pj)
{
	size_t size = json_array_size(x);
	if (size <= UNIQUE_SCAN) {
		for (size_t i = 0; i < size; i++)
			for (size_t j = i + 1; j < size; j++)
				if (json_same(json_array_get(x, i),
					      json_array_get(x, j))) {
					*pi = i;
					*pj = j;
					return 1;
				}
		return 0;
	}
	/* Sorted by hash, only items that share one need comparing. */
	struct hentry *e = malloc(size * sizeof(*e));
	if (!e) {
		*pi = *pj = 0;
		return -1;
	}
	for (size_t i = 0; i < size; i++)
		e[i] = (struct hentry){json_hash(json_array_get(x, i)), i};
	qsort(e, size, sizeof(*e), hentry_cmp);
	int found = 0;
	for (size_t a = 0; a < size && !found; a++)
		for (size_t b = a + 1; b < size && e[b].h == e[a].h; b++)
			if (json_same(json_array_get(x, e[a].i),
				      json_array_get(x, e[b].i))) {
				*pi = e[a].i;
				*pj = e[b].i;
				found = 1;
				break;
			}
	free(e);
	return found;
}

static int eval_contains(struct vstate *st, const struct vnode *n, json_t *x,
			 struct ann *a)
{
	size_t size = json_array_size(x), count = 0;
	size_t min = n->has_min_contains ? n->min_contains : 1;
	int all = a || n->has_max_contains;
	st->quiet++;
	for (size_t i = 0; i < size && (all || count < min); i++) {
		if (eval_node(st, n->contains, json_array_get(x, i), NULL)) {
			count++;
			if (a)
				ann_set(a, i);
		}
	}
	st->quiet--;
	if (count < min)
		return n->has_min_contains
			       ? report(st, n, "minContains",
					"expected at least %zu items matching "
					"contains, got %zu", min, count)
			       : report(st, n, "contains",
					"expected an item matching contains");
	if (n->has_max_contains && count > n->max_contains)
		return report(st, n, "maxContains",
			      "expected at most %zu items matching contains, "
			      "got %zu", n->max_contains, count);
	return 1;
}

static int eval_items(struct vstate *st, const struct vnode *n, json_t *x,
		      struct ann *a)
{
	size_t size = json_array_size(x);
	size_t np = n->n_prefix < size ? n->n_prefix : size;
	int ok = 1;
	for (size_t i = 0; i < np; i++) {
		seg_index(st, i);
		ok &= eval_node(st, n->prefix[i], json_array_get(x, i), NULL);
		st->n_seg--;
		if (!ok && FAST(st))
			return 0;
	}
	if (a)
		ann_set_range(a, 0, np);
	if (n->items && n->items->boolean == VB_FALSE && size > np) {
		ok = report(st, n, "items",
			    "expected at most %zu items, got %zu", np, size);
	} else if (n->items) {
		for (size_t i = np; i < size; i++) {
			seg_index(st, i);
			ok &= eval_node(st, n->items, json_array_get(x, i),
					NULL);
			st->n_seg--;
			if (!ok && FAST(st))
				return 0;
		}
		if (a)
			ann_set_range(a, np, size);
	}
	if (n->contains && (ok || !FAST(st)))
		ok &= eval_contains(st, n, x, a);
	return ok;
}

static int eval_array(struct vstate *st, const struct vnode *n, json_t *x,
		      struct ann *a)
{
	size_t size = json_array_size(x), i, j;
	int ok = 1;
	if ((n->has & VH_MINITEMS) && size < n->min_items)
		ok = report(st, n, "minItems", "expected at least %zu items, "
			    "got %zu", n->min_items, size);
	if ((n->has & VH_MAXITEMS) && size > n->max_items)
		ok = report(st, n, "maxItems", "expected at most %zu items, "
			    "got %zu", n->max_items, size);
	if (!ok && FAST(st))
		return 0;
	if (n->has & VH_UNIQUE) {
		int dup = find_duplicate(x, &i, &j);
		if (dup < 0)
			ok = report(st, n, "uniqueItems", "out of memory");
		else if (dup)
			ok = report(st, n, "uniqueItems", "expected unique "
				    "items, items %zu and %zu are equal", i, j);
		if (!ok && FAST(st))
			return 0;
	}
	if (n->has & VH_ITEMS)
		ok &= eval_items(st, n, x, a);
	return ok;
}

/* ---- objects --------------------------------------------------------- */

/* A property name against propertyNames, as raw text when it can be. */
static int name_ok(struct vstate *st, const struct vnode *p, const char *key,
		   size_t len)
{
	if (p->boolean)
		return p->boolean == VB_TRUE;
	if (!(p->has & ~(VH_TYPE | VH_STRING))) {
		if ((p->has & VH_TYPE) && !(p->types & VT_STRING))
			return 0;
		return eval_text(st, p, key, len);
	}
	json_t *name = json_stringn_nocheck(key, len);
	int ok = name && eval_node(st, p, name, NULL);
	json_decref(name);
	return ok;
}

static int eval_member(struct vstate *st, const struct vnode *n,
		       const char *key, size_t len, json_t *v, int *matched,
		       uint64_t *seen)
{
	char q[QUOTE_MAX * 2];
	int ok = 1;
	const struct vprop *p = n->props ? table_find(n->props, n->props_mask,
						      key, len)
					 : NULL;
	if (p && p->req)
		*seen |= (uint64_t)1 << (p->req - 1);
	if (p && p->node) {
		*matched = 1;
		ok &= eval_node(st, p->node, v, NULL);
		if (!ok && FAST(st))
			return 0;
	}
	for (size_t i = 0; i < n->n_patterns; i++) {
		if (!re_match(st, &n->patterns[i].re, key, len))
			continue;
		*matched = 1;
		ok &= eval_node(st, n->patterns[i].node, v, NULL);
		if (!ok && FAST(st))
			return 0;
	}
	if (!*matched && n->additional) {
		*matched = 1;
		if (n->additional->boolean == VB_FALSE)
			ok = report(st, n, "additionalProperties",
				    "property '%s' is not allowed",
				    quote(key, len, q, sizeof(q)));
		else
			ok &= eval_node(st, n->additional, v, NULL);
	}
	if (n->property_names && (ok || !FAST(st))) {
		st->quiet++;
		int good = name_ok(st, n->property_names, key, len);
		st->quiet--;
		if (!good)
			ok = report(st, n, "propertyNames",
				    "property name '%s' does not match "
				    "propertyNames",
				    quote(key, len, q, sizeof(q)));
	}
	return ok;
}

static int eval_members(struct vstate *st, const struct vnode *n, json_t *x,
			struct ann *a, uint64_t *seen)
{
	int ok = 1;
	size_t ord = 0;
	for (void *it = json_object_iter(x); it;
	     it = json_object_iter_next(x, it), ord++) {
		const char *key = json_object_iter_key(it);
		size_t len = json_object_iter_key_len(it);
		int matched = 0;
		seg_key(st, key, len);
		ok &= eval_member(st, n, key, len, json_object_iter_value(it),
				  &matched, seen);
		st->n_seg--;
		if (!ok && FAST(st))
			return 0;
		if (a && matched)
			ann_set(a, ord);
	}
	return ok;
}

static int eval_dependencies(struct vstate *st, const struct vnode *n,
			     json_t *x, struct ann *a)
{
	int ok = 1;
	for (size_t d = 0; d < n->n_dep_required; d++) {
		const struct vdep *dep = &n->dep_required[d];
		if (!json_object_getn(x, dep->key.name, dep->key.len))
			continue;
		for (size_t i = 0; i < dep->n_names; i++) {
			if (json_object_getn(x, dep->names[i].name,
					     dep->names[i].len))
				continue;
			ok = report(st, n, "dependentRequired",
				    "property '%s' requires property '%s'",
				    dep->key.name, dep->names[i].name);
			if (FAST(st))
				return 0;
		}
	}
	for (size_t d = 0; d < n->n_dep_schemas; d++) {
		const struct vdep *dep = &n->dep_schemas[d];
		if (!json_object_getn(x, dep->key.name, dep->key.len))
			continue;
		ok &= eval_node(st, dep->node, x, a);
		if (!ok && FAST(st))
			return 0;
	}
	return ok;
}

static int eval_object(struct vstate *st, const struct vnode *n, json_t *x,
		       struct ann *a)
{
	size_t size = json_object_size(x);
	int ok = 1;
	if ((n->has & VH_MINPROPS) && size < n->min_props)
		ok = report(st, n, "minProperties", "expected at least %zu "
			    "properties, got %zu", n->min_props, size);
	if ((n->has & VH_MAXPROPS) && size > n->max_props)
		ok = report(st, n, "maxProperties", "expected at most %zu "
			    "properties, got %zu", n->max_props, size);
	if (!ok && FAST(st))
		return 0;
	uint64_t seen = 0;
	if (n->has & VH_MEMBERS)
		ok &= eval_members(st, n, x, a, &seen);
	if (!ok && FAST(st))
		return 0;
	/* The walk counted the required names; look only when one is amiss. */
	int counted = n->req_all && seen == n->req_all;
	for (size_t i = 0; !counted && i < n->n_required; i++) {
		if (json_object_getn(x, n->required[i].name,
				     n->required[i].len))
			continue;
		ok = report(st, n, "required", "missing required property '%s'",
			    n->required[i].name);
		if (FAST(st))
			return 0;
	}
	if (n->has & (VH_DEPREQ | VH_DEPSCHEMAS))
		ok &= eval_dependencies(st, n, x, a);
	return ok;
}

/* ---- in-place applicators -------------------------------------------- */

/* The outermost resource in scope with the anchor wins. */
static const struct vnode *dynamic_target(const struct vstate *st,
					  const struct vnode *n)
{
	for (size_t i = 0; i < st->n_scope; i++) {
		const struct vres *r = st->scope[i];
		for (size_t k = 0; k < r->n_anchors; k++)
			if (r->anchors[k].dynamic &&
			    !strcmp(r->anchors[k].name, n->dyn_name))
				return r->anchors[k].node;
	}
	return n->dynref;
}

/* A branch that may fail: quiet, with annotations of its own. */
static int eval_branch(struct vstate *st, const struct vnode *b, json_t *x,
		       struct ann *a, struct ann *keep)
{
	struct ann t;
	int ok;
	st->quiet++;
	if (!a) {
		ok = eval_node(st, b, x, NULL);
	} else if (ann_open(st, &t, a->n)) {
		ok = 0;
	} else {
		ok = eval_node(st, b, x, &t);
		if (ok)
			ann_merge(keep, &t);
		ann_close(st, &t);
	}
	st->quiet--;
	return ok;
}

static int eval_any(struct vstate *st, const struct vnode *n, json_t *x,
		    struct ann *a)
{
	int any = 0;
	for (size_t i = 0; i < n->n_any; i++) {
		any |= eval_branch(st, n->any_of[i], x, a, a);
		/* Annotations need every branch; validity only one. */
		if (any && !a)
			break;
	}
	return any ? 1 : report(st, n, "anyOf", "expected to match at least "
				"one schema of anyOf");
}

static int eval_one(struct vstate *st, const struct vnode *n, json_t *x,
		    struct ann *a)
{
	struct ann keep;
	size_t count = 0, first = 0, second = 0;
	if (a && ann_open(st, &keep, a->n))
		return 0;
	for (size_t i = 0; i < n->n_one && count < 2; i++) {
		if (!eval_branch(st, n->one_of[i], x, count ? NULL : a,
				 a ? &keep : NULL))
			continue;
		*(count++ ? &second : &first) = i;
	}
	if (a) {
		if (count == 1)
			ann_merge(a, &keep);
		ann_close(st, &keep);
	}
	if (count == 1)
		return 1;
	if (!count)
		return report(st, n, "oneOf", "expected to match exactly one "
			      "schema of oneOf, matched none");
	return report(st, n, "oneOf", "expected to match exactly one schema "
		      "of oneOf, matched %zu and %zu", first, second);
}

static int eval_conditional(struct vstate *st, const struct vnode *n,
			    json_t *x, struct ann *a)
{
	if (eval_branch(st, n->if_node, x, a, a))
		return n->then_node ? eval_node(st, n->then_node, x, a) : 1;
	return n->else_node ? eval_node(st, n->else_node, x, a) : 1;
}

static int eval_inplace(struct vstate *st, const struct vnode *n, json_t *x,
			struct ann *a)
{
	int ok = 1;
	if (n->ref)
		ok &= eval_node(st, n->ref, x, a);
	if (n->dynref && (ok || !FAST(st)))
		ok &= eval_node(st, n->dyn_name ? dynamic_target(st, n)
						: n->dynref, x, a);
	for (size_t i = 0; i < n->n_all && (ok || !FAST(st)); i++)
		ok &= eval_node(st, n->all_of[i], x, a);
	if (n->n_any && (ok || !FAST(st)))
		ok &= eval_any(st, n, x, a);
	if (n->n_one && (ok || !FAST(st)))
		ok &= eval_one(st, n, x, a);
	if (n->not_node && (ok || !FAST(st))) {
		st->quiet++;
		int r = eval_node(st, n->not_node, x, NULL);
		st->quiet--;
		if (r)
			ok = report(st, n, "not", "expected not to match the "
				    "schema of not");
	}
	if (n->if_node && (ok || !FAST(st)))
		ok &= eval_conditional(st, n, x, a);
	return ok;
}

/* ---- unevaluated ----------------------------------------------------- */

static int eval_uneval_props(struct vstate *st, const struct vnode *n,
			     json_t *x, struct ann *own)
{
	char q[QUOTE_MAX * 2];
	int ok = 1;
	size_t ord = 0;
	for (void *it = json_object_iter(x); it;
	     it = json_object_iter_next(x, it), ord++) {
		if (ann_test(own, ord))
			continue;
		const char *key = json_object_iter_key(it);
		size_t len = json_object_iter_key_len(it);
		int r;
		seg_key(st, key, len);
		if (n->uneval_props->boolean == VB_FALSE)
			r = report(st, n, "unevaluatedProperties",
				   "property '%s' is not allowed",
				   quote(key, len, q, sizeof(q)));
		else
			r = eval_node(st, n->uneval_props,
				      json_object_iter_value(it), NULL);
		st->n_seg--;
		if (r)
			ann_set(own, ord);
		ok &= r;
		if (!ok && FAST(st))
			return 0;
	}
	return ok;
}

static int eval_uneval_items(struct vstate *st, const struct vnode *n,
			     json_t *x, struct ann *own)
{
	int ok = 1;
	size_t size = json_array_size(x);
	for (size_t i = 0; i < size; i++) {
		if (ann_test(own, i))
			continue;
		int r;
		seg_index(st, i);
		if (n->uneval_items->boolean == VB_FALSE)
			r = report(st, n, "unevaluatedItems",
				   "item %zu is not allowed", i);
		else
			r = eval_node(st, n->uneval_items,
				      json_array_get(x, i), NULL);
		st->n_seg--;
		if (r)
			ann_set(own, i);
		ok &= r;
		if (!ok && FAST(st))
			return 0;
	}
	return ok;
}

/* ---- nodes ----------------------------------------------------------- */

static int eval_by_type(struct vstate *st, const struct vnode *n, json_t *x,
			struct ann *a)
{
	switch (json_typeof(x)) {
	case JSON_OBJECT:
		return (n->has & VH_OBJECT) ? eval_object(st, n, x, a) : 1;
	case JSON_ARRAY:
		return (n->has & VH_ARRAY) ? eval_array(st, n, x, a) : 1;
	case JSON_STRING:
		return (n->has & VH_STRING)
			       ? eval_text(st, n, json_string_value(x),
					   json_string_length(x))
			       : 1;
	case JSON_INTEGER:
	case JSON_REAL:
		return (n->has & VH_NUMBER) ? eval_number(st, n, x) : 1;
	default:
		return 1;
	}
}

static int eval_keywords(struct vstate *st, const struct vnode *n, json_t *x,
			 struct ann *ann)
{
	struct ann own, *a = NULL;
	int ok = 1;
	if ((n->has & VH_TYPE) && !type_ok(n->types, x)) {
		ok = report(st, n, "type", "expected %s, got %s", n->type_text,
			    type_name(x));
		if (FAST(st))
			return 0;
	}
	/* Only objects and arrays have members to annotate. */
	int uneval = json_is_object(x) ? (n->has & VH_UNEVAL_PROPS)
		     : json_is_array(x) ? (n->has & VH_UNEVAL_ITEMS) : 0;
	if (uneval) {
		size_t size = json_is_object(x) ? json_object_size(x)
						: json_array_size(x);
		if (ann_open(st, &own, size))
			return 0;
		a = &own;
	} else if (json_is_object(x) || json_is_array(x)) {
		a = ann;
	}
	ok &= eval_by_type(st, n, x, a);
	if ((n->has & (VH_CONST | VH_ENUM)) && (ok || !FAST(st)))
		ok &= eval_value(st, n, x);
	if ((n->has & VH_INPLACE) && (ok || !FAST(st)))
		ok &= eval_inplace(st, n, x, a);
	if (uneval) {
		if ((ok || !FAST(st)) && json_is_object(x))
			ok &= eval_uneval_props(st, n, x, a);
		else if (ok || !FAST(st))
			ok &= eval_uneval_items(st, n, x, a);
		if (ok && ann)
			ann_merge(ann, &own);
		ann_close(st, &own);
	}
	return ok;
}

static int eval_node(struct vstate *st, const struct vnode *n, json_t *x,
		     struct ann *ann)
{
	if (n->boolean == VB_TRUE)
		return 1;
	if (n->boolean)
		return report(st, n, NULL, "no value is allowed here");
	if (st->depth >= Q_VALIDATE_MAX_DEPTH)
		return record(st, n, NULL, "depth",
			      "exceeds the maximum depth of %d",
			      Q_VALIDATE_MAX_DEPTH);
	/* Entering another resource extends the dynamic scope. */
	int entered = !st->n_scope || st->scope[st->n_scope - 1] != n->res;
	if (entered)
		st->scope[st->n_scope++] = n->res;
	st->depth++;
	int ok = eval_keywords(st, n, x, ann);
	st->depth--;
	st->n_scope -= (size_t)entered;
	return ok;
}

int q_schema_validate(const struct q_schema *s, json_t *instance,
		      unsigned flags, struct q_violations *out)
{
	struct vstate st;
	st.s = s;
	st.flags = flags;
	st.out = out;
	st.quiet = 0;
	st.stop = !out;
	st.depth = 0;
	st.n_seg = 0;
	st.n_scope = 0;
	st.bits_used = 0;
	st.md = NULL;
	if (out && !out->max)
		out->max = Q_VALIDATE_DEFAULT_MAX;
	if (out && out->count >= out->max)
		st.stop = 1;
	int ok = eval_node(&st, s->root, instance, NULL);
	if (st.md) {
		struct q_schema *sc = (struct q_schema *)s;
		pcre2_match_data_free(atomic_exchange(&sc->spare, st.md));
	}
	return ok;
}

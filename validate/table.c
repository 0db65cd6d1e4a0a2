/*
 * table.c — Frictionless Table Schema (v1) checks over rows of cells.
 *
 * A schema compiles into one struct per field with its type and its
 * constraints pre-parsed (bounds converted, enum values canonicalised,
 * patterns compiled by PCRE2).  A package keeps, per table, the set of
 * its primary key tuples and of each unique field's values; a foreign key
 * is looked up in the referenced table's primary key set at once when
 * that table is complete, else remembered until q_package_finish.  Values
 * in keys and enums compare by their canonical text (integers without
 * leading zeros or '+', numbers in shortest form, booleans as true/false),
 * so "01" and "1" are the same integer.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "validate/validate.h"

#include <errno.h>
#include <math.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

enum ftype { FT_STRING, FT_INTEGER, FT_NUMBER, FT_BOOLEAN, FT_DATE, FT_YEAR, FT_ANY };

static const char *const type_names[] = {"string", "integer", "number", "boolean",
					 "date", "year", "any"};

struct field {
	char *name;
	enum ftype type;
	const char *format; /* string formats checked: email, uri, uuid */
	int required, unique;
	long min_len, max_len; /* -1: none */
	int has_min, has_max;
	double dmin, dmax;     /* integer, number, year */
	char *smin, *smax;     /* date */
	pcre2_code *re;
	char **enums;	       /* canonical */
	size_t nenums;
	char **trues, **falses;
	size_t ntrues, nfalses;
};

struct fkey {
	size_t *fields;
	size_t n;
	char *resource; /* "" refers to the table itself */
	char **ref;	/* the referenced fields */
};

struct q_table_schema {
	char *name;
	struct field *fields;
	size_t n;
	char **missing; /* non-empty missingValues */
	size_t nmissing;
	size_t *pk;
	size_t npk;
	struct fkey *fks;
	size_t nfks;
};

/* ---- problems ------------------------------------------------------------ */

void q_table_problems_init(struct q_table_problems *p, size_t max)
{
	memset(p, 0, sizeof(*p));
	p->max = max ? max : Q_VALIDATE_DEFAULT_MAX;
}

void q_table_problems_release(struct q_table_problems *p)
{
	for (size_t i = 0; i < p->count; i++) {
		free(p->items[i].file);
		free(p->items[i].column);
		free(p->items[i].message);
	}
	free(p->items);
	size_t max = p->max;
	q_table_problems_init(p, max);
}

static void problem(struct q_table_problems *p, const char *file, long line,
		    const char *column, const char *fmt, ...) Q_PRINTF(5, 6);

static void problem(struct q_table_problems *p, const char *file, long line,
		    const char *column, const char *fmt, ...)
{
	if (p->count >= p->max) {
		p->truncated = 1;
		return;
	}
	if (p->count == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 8;
		struct q_table_problem *n = realloc(p->items, ncap * sizeof(*n));
		if (!n) {
			p->truncated = 1;
			return;
		}
		p->items = n;
		p->cap = ncap;
	}
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct q_table_problem *it = &p->items[p->count];
	it->file = strdup(file ? file : "");
	it->line = line;
	it->column = column ? strdup(column) : NULL;
	it->message = strdup(msg);
	if (!it->file || !it->message || (column && !it->column)) {
		free(it->file);
		free(it->column);
		free(it->message);
		p->truncated = 1;
		return;
	}
	p->count++;
}

int q_table_problems_error(const struct q_table_problems *p, struct q_error *err)
{
	if (!p->count)
		return 0;
	const struct q_table_problem *it = &p->items[0];
	if (it->column)
		return q_error_set(err, Q_EINVALID, it->file, it->line, 0, -1,
				   "column '%s': %s", it->column, it->message);
	return q_error_set(err, Q_EINVALID, it->file, it->line, 0, -1, "%s", it->message);
}

/* ---- canonical values ------------------------------------------------------ */

static int in_list(char *const *list, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
			return 1;
	return 0;
}

static int parse_integer(const char *s, size_t len, long long *out)
{
	size_t i = 0;
	int neg = 0;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i == len)
		return 0;
	unsigned long long v = 0;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (9223372036854775808ULL - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	if (!neg && v > 9223372036854775807ULL)
		return 0;
	*out = neg ? (long long)(0ULL - v) : (long long)v;
	return 1;
}

/* [+-]digits[.digits][e[+-]digits], .5, 5., NaN, INF, -INF. */
static int parse_number(const char *s, size_t len, double *out)
{
	if ((len == 3 && memcmp(s, "NaN", 3) == 0)) {
		*out = NAN;
		return 1;
	}
	if ((len == 3 && memcmp(s, "INF", 3) == 0) || (len == 4 && memcmp(s, "+INF", 4) == 0)) {
		*out = INFINITY;
		return 1;
	}
	if (len == 4 && memcmp(s, "-INF", 4) == 0) {
		*out = -INFINITY;
		return 1;
	}
	size_t i = 0, digits = 0;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	}
	if (!digits)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t e = 0;
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, e++;
		if (!e)
			return 0;
	}
	if (i != len || len > 400)
		return 0;
	char buf[401];
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, NULL);
	return 1;
}

/*
 * Checks the type of one cell and writes its canonical text into canon
 * (NUL-terminated, at most canon_size bytes; longer strings are cut, which
 * only matters for keys, where the whole value is compared separately).
 * Returns NULL when valid, else what is wrong.
 */
static const char *check_type(const struct field *f, const char *s, size_t len,
			      double *num)
{
	switch (f->type) {
	case FT_STRING:
		if (f->format && q_format_check(f->format, s, len) == 0)
			return "is not a valid";
		return NULL;
	case FT_INTEGER: {
		long long v;
		if (!parse_integer(s, len, &v))
			return "is not an integer";
		*num = (double)v;
		return NULL;
	}
	case FT_NUMBER:
		if (!parse_number(s, len, num))
			return "is not a number";
		return NULL;
	case FT_BOOLEAN:
		if (in_list(f->trues, f->ntrues, s, len))
			*num = 1;
		else if (in_list(f->falses, f->nfalses, s, len))
			*num = 0;
		else
			return "is not a boolean (see trueValues and falseValues)";
		return NULL;
	case FT_DATE:
		if (q_format_check("date", s, len) != 1)
			return "is not a date (YYYY-MM-DD)";
		return NULL;
	case FT_YEAR: {
		long long v;
		if (len != 4 || !parse_integer(s, len, &v))
			return "is not a year (YYYY)";
		*num = (double)v;
		return NULL;
	}
	case FT_ANY:
		return NULL;
	}
	return NULL;
}

/* The canonical text of a valid cell, appended to out. */
static void canonical(const struct field *f, const char *s, size_t len, double num,
		      struct q_buf *out)
{
	switch (f->type) {
	case FT_INTEGER:
	case FT_YEAR: {
		long long v = 0;
		parse_integer(s, len, &v);
		q_buf_printf(out, "%lld", v);
		return;
	}
	case FT_NUMBER: {
		char b[32];
		if (isnan(num))
			q_buf_puts(out, "NaN");
		else if (isinf(num))
			q_buf_puts(out, num > 0 ? "INF" : "-INF");
		else
			q_buf_append(out, b, q_format_double(num, b));
		return;
	}
	case FT_BOOLEAN:
		q_buf_puts(out, num != 0 ? "true" : "false");
		return;
	default:
		q_buf_append(out, s, len);
	}
}

/* ---- compiling a schema ------------------------------------------------------ */

static void field_release(struct field *f)
{
	free(f->name);
	free(f->smin);
	free(f->smax);
	pcre2_code_free(f->re);
	for (size_t i = 0; i < f->nenums; i++)
		free(f->enums[i]);
	free(f->enums);
	for (size_t i = 0; i < f->ntrues; i++)
		free(f->trues[i]);
	free(f->trues);
	for (size_t i = 0; i < f->nfalses; i++)
		free(f->falses[i]);
	free(f->falses);
}

void q_table_schema_free(struct q_table_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		field_release(&s->fields[i]);
	free(s->fields);
	for (size_t i = 0; i < s->nmissing; i++)
		free(s->missing[i]);
	free(s->missing);
	free(s->pk);
	for (size_t i = 0; i < s->nfks; i++) {
		free(s->fks[i].fields);
		free(s->fks[i].resource);
		for (size_t k = 0; k < s->fks[i].n; k++)
			free(s->fks[i].ref[k]);
		free(s->fks[i].ref);
	}
	free(s->fks);
	free(s->name);
	free(s);
}

size_t q_table_schema_nfields(const struct q_table_schema *s)
{
	return s->n;
}

const char *q_table_schema_field(const struct q_table_schema *s, size_t i)
{
	return i < s->n ? s->fields[i].name : NULL;
}

struct compiler {
	const char *name;
	struct q_error *err;
	int rc;
};

static int bad(struct compiler *c, const char *fmt, const char *what)
{
	if (!c->rc)
		c->rc = q_error_set(c->err, Q_EINVALID, c->name, 0, 0, -1, fmt, what);
	return c->rc;
}

/* A list of strings: a JSON array of strings, or defaults. */
static char **string_list(struct compiler *c, json_t *v, const char *const *defaults,
			  size_t *n, const char *what)
{
	size_t count = 0;
	if (v && !json_is_array(v)) {
		bad(c, "%s must be an array of strings", what);
		return NULL;
	}
	if (v)
		count = json_array_size(v);
	else
		while (defaults && defaults[count])
			count++;
	char **out = calloc(count ? count : 1, sizeof(*out));
	if (!out) {
		bad(c, "%s: out of memory", what);
		return NULL;
	}
	for (size_t i = 0; i < count; i++) {
		const char *s = v ? json_string_value(json_array_get(v, i)) : defaults[i];
		if (!s) {
			bad(c, "%s must be an array of strings", what);
			*n = i;
			return out;
		}
		out[i] = strdup(s);
	}
	*n = count;
	return out;
}

static size_t field_index(const struct q_table_schema *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->fields[i].name, name) == 0)
			return i;
	return (size_t)-1;
}

/* primaryKey and foreignKeys name fields by a string or an array. */
static size_t *names_to_fields(struct compiler *c, const struct q_table_schema *s,
			       json_t *v, size_t *n, const char *what)
{
	size_t count = json_is_string(v) ? 1 : json_is_array(v) ? json_array_size(v) : 0;
	if (!count) {
		bad(c, "%s must name fields", what);
		return NULL;
	}
	size_t *out = calloc(count, sizeof(*out));
	if (!out) {
		bad(c, "%s: out of memory", what);
		return NULL;
	}
	for (size_t i = 0; i < count; i++) {
		const char *name = json_is_string(v) ? json_string_value(v)
						     : json_string_value(json_array_get(v, i));
		out[i] = name ? field_index(s, name) : (size_t)-1;
		if (out[i] == (size_t)-1) {
			bad(c, "%s names a field the schema lacks", what);
			free(out);
			return NULL;
		}
	}
	*n = count;
	return out;
}

static int bound(struct compiler *c, struct field *f, json_t *v, double *d, char **s,
		 const char *what)
{
	if (f->type == FT_DATE) {
		const char *t = json_string_value(v);
		if (!t || q_format_check("date", t, strlen(t)) != 1)
			return bad(c, "%s of a date field must be a date", what);
		*s = strdup(t);
		return 0;
	}
	if (json_is_number(v)) {
		*d = json_number_value(v);
		return 0;
	}
	const char *t = json_string_value(v);
	if (t && parse_number(t, strlen(t), d))
		return 0;
	return bad(c, "%s must be a number", what);
}

static int compile_field(struct compiler *c, json_t *fj, struct field *f)
{
	static const char *const trues[] = {"true", "True", "TRUE", "1", NULL};
	static const char *const falses[] = {"false", "False", "FALSE", "0", NULL};
	const char *name = json_string_value(json_object_get(fj, "name"));
	if (!json_is_object(fj) || !name)
		return bad(c, "%s", "every field needs a name");
	f->name = strdup(name);
	f->min_len = f->max_len = -1;
	const char *type = json_string_value(json_object_get(fj, "type"));
	f->type = FT_STRING;
	if (type) {
		size_t t;
		for (t = 0; t < sizeof(type_names) / sizeof(type_names[0]); t++)
			if (strcmp(type, type_names[t]) == 0)
				break;
		if (t == sizeof(type_names) / sizeof(type_names[0]))
			return bad(c, "field type '%s' is not supported", type);
		f->type = (enum ftype)t;
	}
	const char *format = json_string_value(json_object_get(fj, "format"));
	if (f->type == FT_STRING && format) {
		if (strcmp(format, "email") == 0)
			f->format = "email";
		else if (strcmp(format, "uri") == 0)
			f->format = "uri";
		else if (strcmp(format, "uuid") == 0)
			f->format = "uuid";
		else if (strcmp(format, "default") != 0 && strcmp(format, "binary") != 0)
			return bad(c, "string format '%s' is not supported", format);
	} else if (format && strcmp(format, "default") != 0 && strcmp(format, "any") != 0) {
		return bad(c, "format '%s' is not supported for this type", format);
	}
	if (f->type == FT_BOOLEAN) {
		f->trues = string_list(c, json_object_get(fj, "trueValues"), trues, &f->ntrues,
				       "trueValues");
		f->falses = string_list(c, json_object_get(fj, "falseValues"), falses,
					&f->nfalses, "falseValues");
		if (c->rc)
			return c->rc;
	}
	json_t *cons = json_object_get(fj, "constraints");
	if (!cons)
		return 0;
	if (!json_is_object(cons))
		return bad(c, "%s", "constraints must be an object");
	f->required = json_is_true(json_object_get(cons, "required"));
	f->unique = json_is_true(json_object_get(cons, "unique"));
	json_t *v;
	if ((v = json_object_get(cons, "minLength")))
		f->min_len = json_is_integer(v) ? (long)json_integer_value(v) : -1;
	if ((v = json_object_get(cons, "maxLength")))
		f->max_len = json_is_integer(v) ? (long)json_integer_value(v) : -1;
	if ((v = json_object_get(cons, "minimum"))) {
		f->has_min = 1;
		if (bound(c, f, v, &f->dmin, &f->smin, "minimum"))
			return c->rc;
	}
	if ((v = json_object_get(cons, "maximum"))) {
		f->has_max = 1;
		if (bound(c, f, v, &f->dmax, &f->smax, "maximum"))
			return c->rc;
	}
	if ((v = json_object_get(cons, "pattern"))) {
		const char *pat = json_string_value(v);
		int code;
		PCRE2_SIZE at;
		if (!pat)
			return bad(c, "%s", "pattern must be a string");
		f->re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
				      PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED |
					      PCRE2_DOLLAR_ENDONLY,
				      &code, &at, NULL);
		if (!f->re)
			return bad(c, "pattern '%s' does not compile", pat);
	}
	if ((v = json_object_get(cons, "enum"))) {
		if (!json_is_array(v))
			return bad(c, "%s", "enum must be an array");
		f->enums = calloc(json_array_size(v) + 1, sizeof(*f->enums));
		if (!f->enums)
			return bad(c, "%s", "out of memory");
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			char num[64];
			const char *s = json_string_value(e);
			if (json_is_integer(e))
				snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(e)), s = num;
			else if (json_is_real(e))
				num[q_format_double(json_real_value(e), num)] = '\0', s = num;
			else if (json_is_boolean(e))
				s = json_is_true(e) ? "true" : "false";
			double d = 0;
			if (!s || check_type(f, s, strlen(s), &d))
				return bad(c, "an enum value of field '%s' does not fit its type",
					   f->name);
			struct q_buf b;
			q_buf_init(&b, 0);
			canonical(f, s, strlen(s), d, &b);
			f->enums[f->nenums++] = b.data ? b.data : strdup("");
		}
	}
	return 0;
}

int q_table_schema_compile(json_t *schema, const char *name,
			   struct q_table_schema **out, struct q_error *err)
{
	struct compiler c = {name ? name : "", err, 0};
	*out = NULL;
	json_t *fields = json_object_get(schema, "fields");
	if (!json_is_object(schema) || !json_is_array(fields))
		return bad(&c, "%s", "a table schema is an object with an array of fields");
	struct q_table_schema *s = calloc(1, sizeof(*s));
	if (!s)
		return q_error_msg(err, Q_ENOMEM, name, "out of memory");
	s->name = strdup(c.name);
	s->fields = calloc(json_array_size(fields) + 1, sizeof(*s->fields));
	if (!s->fields || !s->name) {
		q_table_schema_free(s);
		return q_error_msg(err, Q_ENOMEM, name, "out of memory");
	}
	size_t i;
	json_t *fj;
	json_array_foreach(fields, i, fj) {
		s->n++;
		if (compile_field(&c, fj, &s->fields[i]))
			goto fail;
		for (size_t k = 0; k < i; k++)
			if (strcmp(s->fields[k].name, s->fields[i].name) == 0) {
				bad(&c, "field '%s' appears twice", s->fields[i].name);
				goto fail;
			}
	}
	static const char *const no_missing[] = {NULL};
	json_t *mv = json_object_get(schema, "missingValues");
	char **all = string_list(&c, mv, no_missing, &s->nmissing, "missingValues");
	if (c.rc) {
		free(all);
		goto fail;
	}
	/* The empty string is what the CSV layer already calls null. */
	s->missing = all;
	for (size_t k = 0; k < s->nmissing;) {
		if (all[k][0] == '\0') {
			free(all[k]);
			all[k] = all[--s->nmissing];
		} else {
			k++;
		}
	}
	json_t *pk = json_object_get(schema, "primaryKey");
	if (pk && !(s->pk = names_to_fields(&c, s, pk, &s->npk, "primaryKey")))
		goto fail;
	json_t *fks = json_object_get(schema, "foreignKeys");
	if (fks) {
		if (!json_is_array(fks)) {
			bad(&c, "%s", "foreignKeys must be an array");
			goto fail;
		}
		s->fks = calloc(json_array_size(fks) + 1, sizeof(*s->fks));
		if (!s->fks) {
			bad(&c, "%s", "out of memory");
			goto fail;
		}
		json_t *fk;
		json_array_foreach(fks, i, fk) {
			struct fkey *k = &s->fks[s->nfks++];
			json_t *ref = json_object_get(fk, "reference");
			const char *res = json_string_value(json_object_get(ref, "resource"));
			json_t *rf = json_object_get(ref, "fields");
			if (!(k->fields = names_to_fields(&c, s, json_object_get(fk, "fields"),
							  &k->n, "a foreign key")))
				goto fail;
			size_t nref = json_is_string(rf) ? 1 : json_is_array(rf) ? json_array_size(rf) : 0;
			if (!res || nref != k->n) {
				bad(&c, "%s", "a foreign key needs a reference with a resource and as many fields");
				goto fail;
			}
			k->resource = strdup(res);
			k->ref = calloc(nref, sizeof(*k->ref));
			if (!k->resource || !k->ref) {
				bad(&c, "%s", "out of memory");
				goto fail;
			}
			for (size_t r = 0; r < nref; r++) {
				const char *f = json_is_string(rf) ? json_string_value(rf)
								   : json_string_value(json_array_get(rf, r));
				if (!f) {
					bad(&c, "%s", "foreign key reference fields must be strings");
					goto fail;
				}
				k->ref[r] = strdup(f);
			}
		}
	}
	*out = s;
	return 0;
fail:
	q_table_schema_free(s);
	return c.rc ? c.rc : Q_EINVALID;
}

/* ---- sets of key tuples ----------------------------------------------------- */

struct kset {
	struct q_buf bytes;
	size_t *off, *len; /* entries */
	size_t n, cap;
	size_t *slots;	   /* entry + 1 */
	size_t nslots;
};

static uint64_t khash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static void kset_release(struct kset *k)
{
	q_buf_release(&k->bytes);
	free(k->off);
	free(k->len);
	free(k->slots);
	memset(k, 0, sizeof(*k));
}

static int kset_has(const struct kset *k, const char *s, size_t len)
{
	if (!k->nslots)
		return 0;
	for (size_t i = khash(s, len) & (k->nslots - 1);; i = (i + 1) & (k->nslots - 1)) {
		size_t e = k->slots[i];
		if (!e)
			return 0;
		e--;
		if (k->len[e] == len && memcmp(k->bytes.data + k->off[e], s, len) == 0)
			return 1;
	}
}

/* Adds s; returns 1 when it was there already, 0 when added, -1 on OOM. */
static int kset_add(struct kset *k, const char *s, size_t len)
{
	if (kset_has(k, s, len))
		return 1;
	if (k->n == k->cap) {
		size_t ncap = k->cap ? k->cap * 2 : 64;
		size_t *o = realloc(k->off, ncap * sizeof(*o));
		if (o)
			k->off = o;
		size_t *l = realloc(k->len, ncap * sizeof(*l));
		if (l)
			k->len = l;
		if (!o || !l)
			return -1;
		k->cap = ncap;
	}
	if ((k->n + 1) * 2 > k->nslots) {
		size_t ns = k->nslots ? k->nslots * 2 : 128;
		size_t *slots = calloc(ns, sizeof(*slots));
		if (!slots)
			return -1;
		for (size_t e = 0; e < k->n; e++) {
			size_t i = khash(k->bytes.data + k->off[e], k->len[e]) & (ns - 1);
			while (slots[i])
				i = (i + 1) & (ns - 1);
			slots[i] = e + 1;
		}
		free(k->slots);
		k->slots = slots;
		k->nslots = ns;
	}
	if (q_buf_append(&k->bytes, s, len))
		return -1;
	k->off[k->n] = k->bytes.len - len;
	k->len[k->n] = len;
	size_t i = khash(s, len) & (k->nslots - 1);
	while (k->slots[i])
		i = (i + 1) & (k->nslots - 1);
	k->slots[i] = ++k->n;
	return 0;
}

/* ---- packages ------------------------------------------------------------------ */

struct ptable {
	char *resource;
	char *file;
	const struct q_table_schema *s;
	struct kset pk;
	struct kset *uniq; /* one per field (used when unique) */
	int complete;
	int header_ok;
	size_t rows;
};

struct deferred {
	size_t table, fk;
	long line;
	char *tuple;
	size_t len;
	char *shown; /* the values, for the message */
};

struct q_package {
	struct q_table_problems *out;
	struct ptable *t;
	size_t n, cap;
	struct deferred *d;
	size_t nd, capd;
	struct q_buf tuple, shown, canon, disp;
	double *nums;
	size_t nums_cap;
	pcre2_match_data *md;
};

struct q_package *q_package_new(struct q_table_problems *out)
{
	struct q_package *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->out = out;
	q_buf_init(&p->tuple, 0);
	q_buf_init(&p->shown, 0);
	q_buf_init(&p->canon, 0);
	q_buf_init(&p->disp, 0);
	p->md = pcre2_match_data_create(1, NULL);
	if (!p->md) {
		free(p);
		return NULL;
	}
	return p;
}

void q_package_free(struct q_package *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		struct ptable *t = &p->t[i];
		free(t->resource);
		free(t->file);
		kset_release(&t->pk);
		if (t->uniq)
			for (size_t f = 0; f < t->s->n; f++)
				kset_release(&t->uniq[f]);
		free(t->uniq);
	}
	free(p->t);
	for (size_t i = 0; i < p->nd; i++) {
		free(p->d[i].tuple);
		free(p->d[i].shown);
	}
	free(p->d);
	q_buf_release(&p->tuple);
	q_buf_release(&p->shown);
	q_buf_release(&p->canon);
	q_buf_release(&p->disp);
	pcre2_match_data_free(p->md);
	free(p->nums);
	free(p);
}

int q_package_add(struct q_package *p, const char *resource,
		  const struct q_table_schema *s, const char *file, struct q_error *err)
{
	if (p->n)
		p->t[p->n - 1].complete = 1;
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 16;
		struct ptable *t = realloc(p->t, ncap * sizeof(*t));
		if (!t)
			return q_error_msg(err, Q_ENOMEM, file, "out of memory");
		p->t = t;
		p->cap = ncap;
	}
	struct ptable *t = &p->t[p->n];
	memset(t, 0, sizeof(*t));
	t->resource = strdup(resource ? resource : "");
	t->file = strdup(file ? file : "");
	t->s = s;
	t->uniq = calloc(s->n + 1, sizeof(*t->uniq));
	if (!t->resource || !t->file || !t->uniq) {
		free(t->resource);
		free(t->file);
		free(t->uniq);
		return q_error_msg(err, Q_ENOMEM, file, "out of memory");
	}
	p->n++;
	if (s->n > p->nums_cap) {
		double *n = realloc(p->nums, s->n * sizeof(*n));
		if (!n)
			return q_error_msg(err, Q_ENOMEM, file, "out of memory");
		p->nums = n;
		p->nums_cap = s->n;
	}
	return 0;
}

void q_package_header(struct q_package *p, long line, char *const *cells,
		      const size_t *lens, size_t n)
{
	struct ptable *t = &p->t[p->n - 1];
	const struct q_table_schema *s = t->s;
	t->header_ok = 1;
	if (n != s->n) {
		problem(p->out, t->file, line, NULL,
			"the header has %zu columns but the schema has %zu fields", n, s->n);
		t->header_ok = 0;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (strlen(s->fields[i].name) != lens[i] ||
		    memcmp(s->fields[i].name, cells[i], lens[i]) != 0) {
			problem(p->out, t->file, line, s->fields[i].name,
				"the header has '%s' in column %zu where the schema has '%s'",
				cells[i], i + 1, s->fields[i].name);
			t->header_ok = 0;
		}
	}
}

static struct ptable *find_table(struct q_package *p, const char *resource)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->t[i].resource, resource) == 0)
			return &p->t[i];
	return NULL;
}

/* Appends one canonical value to a tuple (its length, ':', its bytes) and
 * to its display (values joined by ", "). */
static void tuple_put(struct q_package *p, const char *s, size_t len)
{
	q_buf_printf(&p->tuple, "%zu:", len);
	q_buf_append(&p->tuple, s, len);
	if (p->disp.len)
		q_buf_puts(&p->disp, ", ");
	q_buf_append(&p->disp, s, len > 80 ? 80 : len);
}

static void tuple_reset(struct q_package *p)
{
	q_buf_reset(&p->tuple);
	q_buf_reset(&p->disp);
	q_buf_putc(&p->disp, '\0');
	p->disp.len = 0;
}

static size_t utf8_chars(const char *s, size_t len)
{
	return q_utf8_count(s, len);
}

/* The text to show for a value in a message: at most 60 bytes. */
static const char *shown(struct q_buf *b, const char *s, size_t len)
{
	q_buf_reset(b);
	if (len > 60) {
		size_t cut = 57;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
		q_buf_append(b, s, cut);
		q_buf_puts(b, "...");
	} else {
		q_buf_append(b, s, len);
	}
	return b->data ? b->data : "";
}

static int is_missing(const struct q_table_schema *s, const char *v, size_t len, int null)
{
	return null || (len && in_list(s->missing, s->nmissing, v, len));
}

static int refers_to_pk(const struct ptable *ref, const struct fkey *fk)
{
	const struct q_table_schema *rs = ref->s;
	if (rs->npk != fk->n)
		return 0;
	for (size_t j = 0; j < fk->n; j++)
		if (strcmp(rs->fields[rs->pk[j]].name, fk->ref[j]) != 0)
			return 0;
	return 1;
}

int q_package_row(struct q_package *p, long line, char *const *cells,
		  const size_t *lens, const unsigned char *null, size_t n,
		  struct q_error *err)
{
	struct ptable *t = &p->t[p->n - 1];
	const struct q_table_schema *s = t->s;
	t->rows++;
	if (n != s->n) {
		problem(p->out, t->file, line, NULL, "the row has %zu fields but the schema has %zu",
			n, s->n);
		return 0;
	}
	unsigned char valid[512];
	unsigned char *ok = n <= sizeof(valid) ? valid : malloc(n);
	if (!ok)
		return q_error_msg(err, Q_ENOMEM, t->file, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct field *f = &s->fields[i];
		const char *v = cells[i];
		size_t len = lens[i];
		ok[i] = 0;
		if (is_missing(s, v, len, null[i])) {
			int in_pk = 0;
			for (size_t k = 0; k < s->npk; k++)
				in_pk |= s->pk[k] == i;
			if (f->required || in_pk)
				problem(p->out, t->file, line, f->name,
					"a value is required but the cell is empty (null)");
			continue;
		}
		double num = 0;
		const char *why = check_type(f, v, len, &num);
		if (why) {
			if (f->format)
				problem(p->out, t->file, line, f->name, "'%s' %s %s",
					shown(&p->shown, v, len), why, f->format);
			else
				problem(p->out, t->file, line, f->name, "'%s' %s",
					shown(&p->shown, v, len), why);
			continue;
		}
		ok[i] = 1;
		p->nums[i] = num;
		if (f->min_len >= 0 || f->max_len >= 0) {
			size_t chars = utf8_chars(v, len);
			if (f->min_len >= 0 && chars < (size_t)f->min_len)
				problem(p->out, t->file, line, f->name,
					"'%s' is shorter than minLength %ld",
					shown(&p->shown, v, len), f->min_len);
			if (f->max_len >= 0 && chars > (size_t)f->max_len)
				problem(p->out, t->file, line, f->name,
					"'%s' is longer than maxLength %ld",
					shown(&p->shown, v, len), f->max_len);
		}
		if (f->re) {
			/* rc 0 is a match too (the one-pair vector was short). */
			if (pcre2_match(f->re, (PCRE2_SPTR)v, len, 0, 0, p->md, NULL) < 0)
				problem(p->out, t->file, line, f->name,
					"'%s' does not match the pattern", shown(&p->shown, v, len));
		}
		if (f->has_min || f->has_max) {
			int below, above;
			if (f->type == FT_DATE) {
				below = f->has_min && memcmp(v, f->smin, 10) < 0;
				above = f->has_max && memcmp(v, f->smax, 10) > 0;
			} else {
				below = f->has_min && num < f->dmin;
				above = f->has_max && num > f->dmax;
			}
			if (below)
				problem(p->out, t->file, line, f->name, "'%s' is below the minimum",
					shown(&p->shown, v, len));
			if (above)
				problem(p->out, t->file, line, f->name, "'%s' is above the maximum",
					shown(&p->shown, v, len));
		}
		if (f->nenums || f->unique) {
			q_buf_reset(&p->canon);
			canonical(f, v, len, num, &p->canon);
			const char *cv = p->canon.data ? p->canon.data : "";
			if (f->nenums && !in_list(f->enums, f->nenums, cv, p->canon.len))
				problem(p->out, t->file, line, f->name,
					"'%s' is not one of the allowed values",
					shown(&p->shown, v, len));
			if (f->unique) {
				int r = kset_add(&t->uniq[i], cv, p->canon.len);
				if (r < 0)
					goto nomem;
				if (r)
					problem(p->out, t->file, line, f->name,
						"'%s' appears twice but the field is unique",
						shown(&p->shown, v, len));
			}
		}
	}
	/* Primary key. */
	if (s->npk) {
		int all = 1;
		tuple_reset(p);
		for (size_t k = 0; k < s->npk; k++) {
			size_t i = s->pk[k];
			if (!ok[i]) {
				all = 0;
				break;
			}
			q_buf_reset(&p->canon);
			canonical(&s->fields[i], cells[i], lens[i], p->nums[i], &p->canon);
			tuple_put(p, p->canon.data ? p->canon.data : "", p->canon.len);
		}
		if (all) {
			int r = kset_add(&t->pk, p->tuple.data ? p->tuple.data : "", p->tuple.len);
			if (r < 0)
				goto nomem;
			if (r)
				problem(p->out, t->file, line, s->fields[s->pk[s->npk - 1]].name,
					"the primary key (%s) repeats an earlier row's", p->disp.data);
		}
	}
	/* Foreign keys. */
	for (size_t k = 0; k < s->nfks; k++) {
		const struct fkey *fk = &s->fks[k];
		int all = 1;
		tuple_reset(p);
		for (size_t j = 0; j < fk->n; j++) {
			size_t i = fk->fields[j];
			if (!ok[i]) {
				all = 0;
				break;
			}
			q_buf_reset(&p->canon);
			canonical(&s->fields[i], cells[i], lens[i], p->nums[i], &p->canon);
			tuple_put(p, p->canon.data ? p->canon.data : "", p->canon.len);
		}
		if (!all)
			continue;
		struct ptable *ref = fk->resource[0] ? find_table(p, fk->resource) : t;
		if (ref && ref->complete && ref != t) {
			if (refers_to_pk(ref, fk) && !kset_has(&ref->pk, p->tuple.data, p->tuple.len))
				problem(p->out, t->file, line, s->fields[fk->fields[fk->n - 1]].name,
					"(%s) refers to no row of %s", p->disp.data, fk->resource);
			continue;
		}
		if (p->nd == p->capd) {
			size_t ncap = p->capd ? p->capd * 2 : 64;
			struct deferred *d = realloc(p->d, ncap * sizeof(*d));
			if (!d)
				goto nomem;
			p->d = d;
			p->capd = ncap;
		}
		struct deferred *d = &p->d[p->nd];
		d->table = p->n - 1;
		d->fk = k;
		d->line = line;
		d->len = p->tuple.len;
		d->tuple = malloc(p->tuple.len + 1);
		if (!d->tuple)
			goto nomem;
		memcpy(d->tuple, p->tuple.data, p->tuple.len);
		d->tuple[p->tuple.len] = '\0';
		d->shown = strdup(p->disp.data);
		if (!d->shown) {
			free(d->tuple);
			goto nomem;
		}
		p->nd++;
	}
	if (ok != valid)
		free(ok);
	return 0;
nomem:
	if (ok != valid)
		free(ok);
	return q_error_msg(err, Q_ENOMEM, t->file, "out of memory");
}

int q_package_finish(struct q_package *p, struct q_error *err)
{
	(void)err;
	for (size_t i = 0; i < p->n; i++)
		p->t[i].complete = 1;
	/* References must name a table of the package and its primary key. */
	for (size_t i = 0; i < p->n; i++) {
		const struct q_table_schema *s = p->t[i].s;
		for (size_t k = 0; k < s->nfks; k++) {
			const struct fkey *fk = &s->fks[k];
			struct ptable *ref = fk->resource[0] ? find_table(p, fk->resource) : &p->t[i];
			if (!ref)
				problem(p->out, p->t[i].file, 0, s->fields[fk->fields[0]].name,
					"the foreign key refers to a resource '%s' that the package lacks",
					fk->resource);
			else if (!refers_to_pk(ref, fk))
				problem(p->out, p->t[i].file, 0, s->fields[fk->fields[0]].name,
					"the foreign key must refer to the primary key of '%s'",
					fk->resource);
		}
	}
	for (size_t i = 0; i < p->nd; i++) {
		const struct deferred *d = &p->d[i];
		struct ptable *t = &p->t[d->table];
		const struct fkey *fk = &t->s->fks[d->fk];
		struct ptable *ref = fk->resource[0] ? find_table(p, fk->resource) : t;
		if (ref && refers_to_pk(ref, fk) && !kset_has(&ref->pk, d->tuple, d->len))
			problem(p->out, t->file, d->line, t->s->fields[fk->fields[fk->n - 1]].name,
				"(%s) refers to no row of %s", d->shown, ref->resource);
	}
	return 0;
}

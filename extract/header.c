/*
 * header.c — the optional metadata header at the top of a document:
 * YAML front matter between "---" lines (parsed with libyaml), or leading
 * "Key: value" lines.  Either is removed from the text and kept in
 * metadata.  Unknown keys are ignored, so front matter written for other
 * tools (static site generators) does no harm.
 */
#include "extract/extract.h"

#include <string.h>
#include <yaml.h>

enum field {
	F_NONE,
	F_TITLE,
	F_AUTHOR,
	F_DATE,
	F_SECTION,
	F_PUBLISHER,
	F_URL,
	F_LANGUAGE,
	F_PLACE,
};

static const struct {
	const char *key;
	enum field field;
} keys[] = {
	{"title", F_TITLE},	  {"headline", F_TITLE},    {"author", F_AUTHOR},
	{"authors", F_AUTHOR},	  {"by", F_AUTHOR},	    {"byline", F_AUTHOR},
	{"date", F_DATE},	  {"published", F_DATE},    {"section", F_SECTION},
	{"category", F_SECTION},  {"source", F_PUBLISHER},  {"publisher", F_PUBLISHER},
	{"url", F_URL},		  {"link", F_URL},	    {"language", F_LANGUAGE},
	{"lang", F_LANGUAGE},	  {"place", F_PLACE},	    {"dateline", F_PLACE},
};

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static enum field field_of(const char *k, size_t n)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *want = keys[i].key;
		size_t j = 0;
		while (j < n && want[j] && ascii_lower((unsigned char)k[j]) == want[j])
			j++;
		if (j == n && !want[j])
			return keys[i].field;
	}
	return F_NONE;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static int is_language_tag(const char *s, size_t n)
{
	size_t run = 0;
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '-') {
			if (run == 0 || i + 1 == n)
				return 0;
			run = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (i > 0 && c >= '0' && c <= '9')) {
			if (++run > 8)
				return 0;
		} else {
			return 0;
		}
	}
	return 1;
}

/* Stores one header value; unparsable dates and languages are warned about
 * and left null rather than guessed. */
static int set_field(struct q_doc *doc, enum field f, const char *v, size_t n,
		     const char *file)
{
	struct q_metadata *m = &doc->meta;
	struct q_date d;
	char iso[11];
	trim(&v, &n);
	if (n == 0)
		return 0;
	switch (f) {
	case F_TITLE:
		return q_doc_str(doc, v, n, &m->title);
	case F_AUTHOR:
		return q_people_add(doc, v, n) < 0 ? Q_ENOMEM : 0;
	case F_DATE:
		if (!q_date_parse_line(v, n, &d)) {
			q_warn(file, "header date '%.*s' is not a date quarry reads; "
			       "metadata.date left null", (int)n, v);
			return 0;
		}
		q_date_format(&d, iso);
		return q_doc_str(doc, iso, strlen(iso), &m->date);
	case F_SECTION:
		return q_doc_str(doc, v, n, &m->section);
	case F_PUBLISHER:
		return q_doc_str(doc, v, n, &m->publisher);
	case F_URL:
		return q_doc_str(doc, v, n, &m->url);
	case F_LANGUAGE:
		if (!is_language_tag(v, n)) {
			q_warn(file, "header language '%.*s' is not a BCP 47 tag; "
			       "metadata.language left null", (int)n, v);
			return 0;
		}
		return q_doc_str(doc, v, n, &m->language);
	case F_PLACE:
		return q_doc_str(doc, v, n, &m->place);
	case F_NONE:
		break;
	}
	return 0;
}

/* ---- YAML front matter --------------------------------------------------- */

/* Length of the line at s (without its '\n'), and where the next begins. */
static size_t line_at(const char *s, size_t len, size_t *next)
{
	const char *nl = memchr(s, '\n', len);
	size_t n = nl ? (size_t)(nl - s) : len;
	*next = nl ? n + 1 : len;
	return n;
}

static int is_fence(const char *s, size_t n, const char *fence)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == 3 && memcmp(s, fence, 3) == 0;
}

static int yaml_value(struct q_doc *doc, yaml_document_t *y, yaml_node_t *v,
		      enum field f, const char *file)
{
	if (v->type == YAML_SCALAR_NODE)
		return set_field(doc, f, (const char *)v->data.scalar.value,
				 v->data.scalar.length, file);
	if (v->type != YAML_SEQUENCE_NODE || f != F_AUTHOR)
		return 0;
	/* authors: [Jane Doe, {name: John Smith, role: editor}] */
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(y, *it);
		if (item && item->type == YAML_SCALAR_NODE) {
			if (set_field(doc, F_AUTHOR, (const char *)item->data.scalar.value,
				      item->data.scalar.length, file))
				return Q_ENOMEM;
		} else if (item && item->type == YAML_MAPPING_NODE) {
			struct q_str name = Q_STR_NULL, role = Q_STR_NULL;
			for (yaml_node_pair_t *p = item->data.mapping.pairs.start;
			     p < item->data.mapping.pairs.top; p++) {
				yaml_node_t *k = yaml_document_get_node(y, p->key);
				yaml_node_t *val = yaml_document_get_node(y, p->value);
				if (!k || !val || k->type != YAML_SCALAR_NODE ||
				    val->type != YAML_SCALAR_NODE)
					continue;
				const char *ks = (const char *)k->data.scalar.value;
				struct q_str s = q_str_make((const char *)val->data.scalar.value,
							    val->data.scalar.length);
				if (strcmp(ks, "name") == 0)
					name = s;
				else if (strcmp(ks, "role") == 0)
					role = s;
			}
			if (name.ptr && q_author_add(doc, name, role))
				return Q_ENOMEM;
		}
	}
	return 0;
}

static int front_matter(struct q_doc *doc, const char *yaml, size_t len,
			const char *file, struct q_error *err)
{
	yaml_parser_t parser;
	yaml_document_t y;
	int rc = 0;
	if (!yaml_parser_initialize(&parser))
		return q_error_msg(err, Q_ENOMEM, file, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	if (!yaml_parser_load(&parser, &y)) {
		/* libyaml's marks are 0-based; +1 more for the opening fence. */
		rc = q_error_set(err, Q_ESYNTAX, file, (long)parser.problem_mark.line + 2,
				 (long)parser.problem_mark.column + 1, -1,
				 "front matter: %s", parser.problem ? parser.problem
								    : "invalid YAML");
		yaml_parser_delete(&parser);
		return rc;
	}
	yaml_node_t *root = yaml_document_get_root_node(&y);
	if (root && root->type != YAML_MAPPING_NODE) {
		rc = q_error_set(err, Q_EDATA, file, 2, 1, -1,
				 "front matter must be a mapping of keys to values");
	} else if (root) {
		for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
		     !rc && p < root->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(&y, p->key);
			yaml_node_t *v = yaml_document_get_node(&y, p->value);
			if (!k || !v || k->type != YAML_SCALAR_NODE)
				continue;
			enum field f = field_of((const char *)k->data.scalar.value,
						k->data.scalar.length);
			if (f != F_NONE && yaml_value(doc, &y, v, f, file))
				rc = q_error_msg(err, Q_ENOMEM, file, "out of memory");
		}
	}
	yaml_document_delete(&y);
	yaml_parser_delete(&parser);
	return rc;
}

/* ---- "Key: value" lines ---------------------------------------------------- */

/* The field a "Key: value" line sets, or F_NONE; *value is what follows. */
static enum field key_line(const char *s, size_t n, const char **value,
			   size_t *vlen)
{
	const char *colon = memchr(s, ':', n);
	*value = s;
	*vlen = 0;
	if (!colon || colon == s)
		return F_NONE;
	size_t klen = (size_t)(colon - s);
	enum field f = field_of(s, klen);
	*value = colon + 1;
	*vlen = n - klen - 1;
	/* "URL: https://…" has a colon in its value, which is fine; a key of
	 * more than one word is not a header key. */
	return f;
}

static int key_value_header(struct q_doc *doc, const char *text, size_t len,
			    const char *file, size_t *consumed)
{
	size_t pos = 0, lines = 0;
	/* First pass: every line up to the first blank one must be a key. */
	while (pos < len) {
		size_t next, vlen;
		const char *v;
		size_t n = line_at(text + pos, len - pos, &next);
		if (n == 0)
			break;
		if (key_line(text + pos, n, &v, &vlen) == F_NONE)
			return 0;
		lines++;
		pos += next;
	}
	if (lines == 0)
		return 0;
	size_t end = pos;
	for (pos = 0; pos < end;) {
		size_t next, vlen;
		const char *v;
		size_t n = line_at(text + pos, end - pos, &next);
		enum field f = key_line(text + pos, n, &v, &vlen);
		if (set_field(doc, f, v, vlen, file))
			return Q_ENOMEM;
		pos += next;
	}
	*consumed = end;
	return 0;
}

int q_header_read(struct q_doc *doc, const char *text, size_t len,
		  const char *file, size_t *consumed, struct q_error *err)
{
	size_t next;
	size_t n = line_at(text, len, &next);
	*consumed = 0;
	if (is_fence(text, n, "---")) {
		size_t pos = next;
		while (pos < len) {
			size_t after;
			size_t ln = line_at(text + pos, len - pos, &after);
			if (is_fence(text + pos, ln, "---") || is_fence(text + pos, ln, "...")) {
				int rc = front_matter(doc, text + next, pos - next, file, err);
				*consumed = pos + after;
				return rc;
			}
			pos += after;
		}
		/* No closing fence: a rule line, not front matter. */
		return 0;
	}
	if (key_value_header(doc, text, len, file, consumed))
		return q_error_msg(err, Q_ENOMEM, file, "out of memory");
	return 0;
}

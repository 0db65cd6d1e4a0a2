/*
 * validate.h — JSON Schema draft 2020-12 validation of jansson trees.
 *
 * Design.  A schema document is compiled once into a graph of nodes, one
 * per subschema, with every keyword pre-parsed: numbers converted, regexes
 * translated from ECMA-262 and compiled by PCRE2, property names hashed,
 * and each $ref bound to its target node, so that validating is a walk
 * over two trees that allocates nothing while the instance is valid.
 * References make the graph cyclic; a depth limit stops runaway recursion.
 * The annotations that unevaluatedProperties/unevaluatedItems need (which
 * members were evaluated) are only collected below a node that has one of
 * them.  A violation names the instance location and the schema keyword as
 * JSON Pointers, built only when the violation is recorded.
 *
 * A compiled schema is read-only while it validates, so threads may share
 * one.  It keeps a reference to its document; the caller keeps its own.
 */
#ifndef Q_VALIDATE_H
#define Q_VALIDATE_H

#include <stddef.h>

#include <jansson.h>

#include "util/util.h"

/* Subschemas entered at once (nesting plus $ref hops) before giving up. */
#define Q_VALIDATE_MAX_DEPTH 512
/* Violations kept when the caller does not say. */
#define Q_VALIDATE_DEFAULT_MAX 50

/* Treat "format" as an assertion rather than an annotation. */
#define Q_VALIDATE_FORMAT_ASSERT 1u

struct q_schema;

/*
 * A document that $ref may reach by absolute URI besides the schema itself
 * (there is no network access).  Its own $id values count too.
 */
struct q_schema_doc {
	const char *uri;
	json_t *doc;
};

/*
 * Compiles a schema document (borrowed; the compiled schema takes its own
 * reference).  A bad schema, an unresolvable $ref or a bad regex is
 * Q_EINVALID or Q_ESYNTAX in err, with the schema location as a JSON
 * Pointer in the message.  References to other documents, such as the
 * 2020-12 metaschema, are errors unless q_schema_compile_with supplies
 * them.
 */
int q_schema_compile(json_t *doc, struct q_schema **out, struct q_error *err);
int q_schema_compile_with(json_t *doc, const struct q_schema_doc *docs,
			  size_t ndocs, struct q_schema **out,
			  struct q_error *err);
void q_schema_free(struct q_schema *s);

struct q_violation {
	char *instance_path; /* JSON Pointer; "" is the root               */
	char *schema_path;   /* e.g. "/properties/stats/required"          */
	const char *keyword; /* "required", …; "depth" for the depth limit */
	char *message;       /* what was expected: "expected integer, got
				string"                                     */
};

struct q_violations {
	struct q_violation *items;
	size_t count;
	size_t cap;
	size_t max;    /* stop collecting after max                     */
	int truncated; /* 1 when violations were left out (max or memory) */
};

/* max 0 means Q_VALIDATE_DEFAULT_MAX. */
void q_violations_init(struct q_violations *v, size_t max);
void q_violations_release(struct q_violations *v);

/*
 * Returns 1 when instance is valid, 0 when not; out (may be NULL) then
 * gets the violations, appended to what it already holds.  flags are
 * Q_VALIDATE_… bits.
 */
int q_schema_validate(const struct q_schema *s, json_t *instance,
		      unsigned flags, struct q_violations *out);

/*
 * Checks s[0..len) against a "format" of JSON Schema: 1 when it conforms,
 * 0 when not, -1 when the format is unknown (which asserts nothing).
 */
int q_format_check(const char *format, const char *s, size_t len);

#endif

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

/* ---- Frictionless Table Schema (table.c) --------------------------------
 *
 * Checks tables — rows of cells that are strings or null — against
 * Frictionless Table Schemas (v1): the header against the fields, each
 * cell against its field's type (string with format email/uri/uuid,
 * integer, number, boolean with trueValues/falseValues, date, year) and
 * constraints (required, unique, enum, pattern, minLength, maxLength,
 * minimum, maximum), primaryKey uniqueness, and foreignKeys across the
 * tables of a data package.  Reading CSV is not done here: converters/
 * parses the files and pushes their rows (q_csv_package_validate).
 *
 * A cell is missing when the CSV layer says null (an empty unquoted field
 * or the dialect's nullSequence) or when it equals one of the schema's
 * non-empty missingValues: a quoted "" is the empty string, not missing.
 * Patterns are XML Schema style, anchored at both ends, run by PCRE2 in
 * UTF mode.  A foreign key must reference its resource's primaryKey (as in
 * SQL); a row whose key fields are all or partly null is not checked (SQL's
 * MATCH SIMPLE).
 */

struct q_table_schema;

/* Compiles a Table Schema (borrowed).  A schema it cannot use (unknown
 * type, bad pattern, primaryKey naming no field…) is Q_EINVALID. */
int q_table_schema_compile(json_t *schema, const char *name,
			   struct q_table_schema **out, struct q_error *err);
void q_table_schema_free(struct q_table_schema *s);
size_t q_table_schema_nfields(const struct q_table_schema *s);
const char *q_table_schema_field(const struct q_table_schema *s, size_t i);

struct q_table_problem {
	char *file;    /* the table's file */
	long line;     /* 1-based line of the row, 0 for the whole table */
	char *column;  /* field name, or NULL */
	char *message; /* "'x' is not an integer" */
};

struct q_table_problems {
	struct q_table_problem *items;
	size_t count, cap;
	size_t max;    /* keeps at most max (0: Q_VALIDATE_DEFAULT_MAX) */
	int truncated; /* 1 when some were left out */
};

void q_table_problems_init(struct q_table_problems *p, size_t max);
void q_table_problems_release(struct q_table_problems *p);
/* "FILE:LINE: column 'c': message" into err (code Q_EINVALID), or 0. */
int q_table_problems_error(const struct q_table_problems *p, struct q_error *err);

/*
 * The tables of one package, checked as they are pushed: q_package_add
 * starts the next table (and ends the one before; resources may come in
 * any order: a foreign key to a table not yet complete is checked at
 * q_package_finish), then q_package_header and q_package_row push its
 * header and its rows.  Problems go to `out`.
 */
struct q_package;
struct q_package *q_package_new(struct q_table_problems *out);
void q_package_free(struct q_package *p);
int q_package_add(struct q_package *p, const char *resource,
		  const struct q_table_schema *s, const char *file,
		  struct q_error *err);
void q_package_header(struct q_package *p, long line, char *const *cells,
		      const size_t *lens, size_t n);
int q_package_row(struct q_package *p, long line, char *const *cells,
		  const size_t *lens, const unsigned char *null, size_t n,
		  struct q_error *err);
/* Ends the package: checks the foreign keys left for the end and that
 * every reference names a table of the package and its primary key.
 * Returns 0 or an error such as Q_ENOMEM (problems are not errors). */
int q_package_finish(struct q_package *p, struct q_error *err);

#endif

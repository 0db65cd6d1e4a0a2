/*
 * test_validate.c — unit tests of validate/: each keyword, the shape of
 * violations (pointers, keywords, messages), format assertion, the depth
 * limit and the schemas that must be refused at compile time.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tests/check.h"
#include "validate/validate.h"

/* A keyword case: schema, instance, whether it is valid. */
struct vcase {
	const char *name;
	const char *schema;
	const char *instance;
	int valid;
};

static const struct vcase cases[] = {
	{"type/integer", "{\"type\":\"integer\"}", "3", 1},
	{"type/integer-accepts-1.0", "{\"type\":\"integer\"}", "1.0", 1},
	{"type/integer-rejects-1.5", "{\"type\":\"integer\"}", "1.5", 0},
	{"type/number-accepts-integer", "{\"type\":\"number\"}", "3", 1},
	{"type/list", "{\"type\":[\"string\",\"null\"]}", "null", 1},
	{"type/list-rejects", "{\"type\":[\"string\",\"null\"]}", "false", 0},
	{"enum/hit", "{\"enum\":[1,\"a\",null]}", "\"a\"", 1},
	{"enum/miss", "{\"enum\":[1,\"a\",null]}", "\"b\"", 0},
	{"enum/1-equals-1.0", "{\"enum\":[1]}", "1.0", 1},
	{"const/object-unordered", "{\"const\":{\"a\":1,\"b\":[1,2]}}",
	 "{\"b\":[1.0,2],\"a\":1}", 1},
	{"const/array-order-matters", "{\"const\":[1,2]}", "[2,1]", 0},
	{"const/false-is-not-0", "{\"const\":false}", "0", 0},
	{"properties/ok", "{\"properties\":{\"a\":{\"type\":\"string\"}}}",
	 "{\"a\":\"x\",\"b\":1}", 1},
	{"properties/bad", "{\"properties\":{\"a\":{\"type\":\"string\"}}}",
	 "{\"a\":1}", 0},
	{"properties/many", "{\"properties\":{\"a\":{},\"b\":{},\"c\":{},"
	 "\"d\":{},\"e\":{},\"f\":{},\"g\":{},\"h\":{},\"i\":{\"type\":"
	 "\"null\"}},\"additionalProperties\":false}",
	 "{\"i\":null,\"a\":1,\"h\":2}", 1},
	{"required/missing", "{\"required\":[\"a\",\"b\"]}", "{\"a\":1}", 0},
	{"required/non-object", "{\"required\":[\"a\"]}", "[]", 1},
	{"additionalProperties/false",
	 "{\"properties\":{\"a\":{}},\"additionalProperties\":false}",
	 "{\"a\":1,\"b\":2}", 0},
	{"additionalProperties/schema",
	 "{\"additionalProperties\":{\"type\":\"integer\"}}",
	 "{\"a\":1,\"b\":2}", 1},
	{"patternProperties/match",
	 "{\"patternProperties\":{\"^x-\":{\"type\":\"integer\"}},"
	 "\"additionalProperties\":false}", "{\"x-a\":1}", 1},
	{"patternProperties/not-anchored",
	 "{\"patternProperties\":{\"b\":{\"type\":\"integer\"}}}",
	 "{\"abc\":\"no\"}", 0},
	{"propertyNames/ok", "{\"propertyNames\":{\"maxLength\":3}}",
	 "{\"abc\":1}", 1},
	{"propertyNames/bad", "{\"propertyNames\":{\"pattern\":\"^[a-z]+$\"}}",
	 "{\"aB\":1}", 0},
	{"propertyNames/enum", "{\"propertyNames\":{\"enum\":[\"a\",\"b\"]}}",
	 "{\"a\":1,\"c\":2}", 0},
	{"minProperties", "{\"minProperties\":2}", "{\"a\":1}", 0},
	{"maxProperties", "{\"maxProperties\":1}", "{\"a\":1}", 1},
	{"items/ok", "{\"items\":{\"type\":\"integer\"}}", "[1,2,3]", 1},
	{"items/bad", "{\"items\":{\"type\":\"integer\"}}", "[1,\"2\"]", 0},
	{"prefixItems/then-items-false",
	 "{\"prefixItems\":[{\"type\":\"integer\"}],\"items\":false}", "[1]", 1},
	{"prefixItems/extra",
	 "{\"prefixItems\":[{\"type\":\"integer\"}],\"items\":false}", "[1,2]",
	 0},
	{"minItems", "{\"minItems\":1}", "[]", 0},
	{"maxItems", "{\"maxItems\":1}", "[1,2]", 0},
	{"uniqueItems/1-and-1.0", "{\"uniqueItems\":true}", "[1,1.0]", 0},
	{"uniqueItems/objects", "{\"uniqueItems\":true}",
	 "[{\"a\":1,\"b\":2},{\"b\":2,\"a\":1}]", 0},
	{"uniqueItems/distinct", "{\"uniqueItems\":true}", "[1,\"1\",[1],true]",
	 1},
	{"contains/none", "{\"contains\":{\"const\":2}}", "[1,3]", 0},
	{"contains/one", "{\"contains\":{\"const\":2}}", "[1,2]", 1},
	{"minContains", "{\"contains\":{\"const\":2},\"minContains\":2}",
	 "[2,1,2]", 1},
	{"maxContains", "{\"contains\":{\"const\":2},\"maxContains\":1}",
	 "[2,1,2]", 0},
	{"minContains/zero", "{\"contains\":{\"const\":2},\"minContains\":0}",
	 "[]", 1},
	{"minLength/code-points", "{\"minLength\":3}", "\"日本\"", 0},
	{"maxLength/code-points", "{\"maxLength\":2}", "\"日本\"", 1},
	{"pattern/search", "{\"pattern\":\"b+\"}", "\"abbc\"", 1},
	{"pattern/ascii-digit", "{\"pattern\":\"^\\\\d$\"}", "\"\\u0660\"", 0},
	{"pattern/dollar-no-newline", "{\"pattern\":\"^a$\"}", "\"a\\n\"", 0},
	{"pattern/unicode-space", "{\"pattern\":\"^\\\\s$\"}", "\"\\u00a0\"",
	 1},
	{"minimum", "{\"minimum\":1.5}", "1", 0},
	{"maximum/int-vs-real", "{\"maximum\":3}", "3.0", 1},
	{"exclusiveMinimum", "{\"exclusiveMinimum\":1}", "1", 0},
	{"exclusiveMaximum", "{\"exclusiveMaximum\":1}", "0.999", 1},
	{"maximum/large-int", "{\"maximum\":9007199254740992}",
	 "9007199254740993", 0},
	{"multipleOf/int", "{\"multipleOf\":3}", "9", 1},
	{"multipleOf/small-float", "{\"multipleOf\":0.0001}", "0.0075", 1},
	{"multipleOf/small-float-no", "{\"multipleOf\":0.0001}", "0.00751",
	 0},
	{"multipleOf/decimal", "{\"multipleOf\":0.01}", "19.99", 1},
	{"multipleOf/overflow", "{\"multipleOf\":0.123456789}", "1e308", 0},
	{"multipleOf/large-int", "{\"multipleOf\":1e-8}", "12391239123", 1},
	{"multipleOf/big-real", "{\"multipleOf\":7}", "7e20", 1},
	{"ref/defs", "{\"$defs\":{\"n\":{\"type\":\"integer\"}},"
	 "\"$ref\":\"#/$defs/n\"}", "\"x\"", 0},
	{"ref/escaped-pointer", "{\"$defs\":{\"a/b~c%d\":{\"type\":\"integer\"}},"
	 "\"$ref\":\"#/$defs/a~1b~0c%25d\"}", "1", 1},
	{"ref/recursive", "{\"properties\":{\"next\":{\"$ref\":\"#\"},"
	 "\"v\":{\"type\":\"integer\"}}}",
	 "{\"next\":{\"next\":{\"v\":\"x\"}}}", 0},
	{"ref/anchor", "{\"$defs\":{\"s\":{\"$anchor\":\"str\",\"type\":"
	 "\"string\"}},\"$ref\":\"#str\"}", "\"x\"", 1},
	{"ref/embedded-id", "{\"$id\":\"http://e.com/root\",\"$defs\":{\"x\":"
	 "{\"$id\":\"other.json\",\"type\":\"boolean\"}},"
	 "\"$ref\":\"other.json\"}", "true", 1},
	{"ref/with-siblings", "{\"$defs\":{\"n\":{\"minimum\":0}},"
	 "\"$ref\":\"#/$defs/n\",\"maximum\":5}", "7", 0},
	{"allOf", "{\"allOf\":[{\"minimum\":1},{\"maximum\":2}]}", "3", 0},
	{"anyOf", "{\"anyOf\":[{\"type\":\"string\"},{\"minimum\":2}]}", "3",
	 1},
	{"anyOf/none", "{\"anyOf\":[{\"type\":\"string\"},{\"minimum\":2}]}",
	 "1", 0},
	{"oneOf/two", "{\"oneOf\":[{\"minimum\":1},{\"minimum\":2}]}", "3", 0},
	{"oneOf/one", "{\"oneOf\":[{\"minimum\":1},{\"minimum\":2}]}", "1", 1},
	{"not", "{\"not\":{\"type\":\"null\"}}", "null", 0},
	{"if-then", "{\"if\":{\"minimum\":10},\"then\":{\"multipleOf\":5},"
	 "\"else\":{\"maximum\":3}}", "12", 0},
	{"if-else", "{\"if\":{\"minimum\":10},\"then\":{\"multipleOf\":5},"
	 "\"else\":{\"maximum\":3}}", "2", 1},
	{"dependentRequired", "{\"dependentRequired\":{\"a\":[\"b\"]}}",
	 "{\"a\":1}", 0},
	{"dependentSchemas", "{\"dependentSchemas\":{\"a\":{\"required\":"
	 "[\"b\"]}}}", "{\"a\":1,\"b\":2}", 1},
	{"boolean/true", "true", "{\"any\":1}", 1},
	{"boolean/false", "false", "null", 0},
	{"unevaluatedProperties/allOf",
	 "{\"allOf\":[{\"properties\":{\"a\":{}}}],"
	 "\"unevaluatedProperties\":false}", "{\"a\":1}", 1},
	{"unevaluatedProperties/extra",
	 "{\"allOf\":[{\"properties\":{\"a\":{}}}],"
	 "\"unevaluatedProperties\":false}", "{\"a\":1,\"b\":2}", 0},
	{"unevaluatedProperties/failed-branch",
	 "{\"anyOf\":[{\"properties\":{\"a\":{\"type\":\"string\"}}},"
	 "{\"required\":[\"b\"]}],\"unevaluatedProperties\":false}",
	 "{\"a\":1,\"b\":2}", 0},
	{"unevaluatedItems/prefix", "{\"prefixItems\":[{}],"
	 "\"unevaluatedItems\":false}", "[1,2]", 0},
	{"unevaluatedItems/contains", "{\"contains\":{\"type\":\"string\"},"
	 "\"unevaluatedItems\":{\"type\":\"integer\"}}", "[\"a\",1,\"b\"]", 1},
	{"dynamicRef/extends",
	 "{\"$id\":\"http://e.com/strict\",\"$dynamicAnchor\":\"node\","
	 "\"$ref\":\"tree\",\"unevaluatedProperties\":false,"
	 "\"$defs\":{\"tree\":{\"$id\":\"tree\",\"$dynamicAnchor\":\"node\","
	 "\"properties\":{\"kids\":{\"items\":{\"$dynamicRef\":\"#node\"}},"
	 "\"v\":{}}}}}", "{\"kids\":[{\"v\":1,\"typo\":2}]}", 0},
	{"format/annotation-by-default", "{\"format\":\"date\"}",
	 "\"2023-02-30\"", 1},
};

static json_t *parse(const char *text)
{
	return json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
}

/* -1 when the schema does not compile, else the validity. */
static int run(const char *schema, const char *instance, unsigned flags,
	       struct q_violations *v)
{
	json_t *s = parse(schema), *x = parse(instance);
	struct q_schema *c = NULL;
	struct q_error err;
	int rc = -1;
	q_error_init(&err);
	if (s && x && !q_schema_compile(s, &c, &err)) {
		int quick = q_schema_validate(c, x, flags, NULL);
		rc = q_schema_validate(c, x, flags, v);
		if (quick != rc)
			rc = -2;
	}
	q_schema_free(c);
	json_decref(s);
	json_decref(x);
	return rc;
}

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct q_violations v;
		q_violations_init(&v, 0);
		int rc = run(cases[i].schema, cases[i].instance, 0, &v);
		char name[128];
		snprintf(name, sizeof(name), "keyword/%s", cases[i].name);
		CHECK(name, rc == cases[i].valid &&
				    (rc == 1) == (v.count == 0));
		q_violations_release(&v);
	}
}

/* The one violation of schema against instance, in v. */
static int one(const char *schema, const char *instance, unsigned flags,
	       struct q_violations *v)
{
	q_violations_init(v, 0);
	return run(schema, instance, flags, v) == 0 && v->count == 1;
}

static void test_violations(void)
{
	struct q_violations v;
	if (one("{\"properties\":{\"stats\":{\"properties\":{\"n\":"
		"{\"type\":\"integer\"}}}}}", "{\"stats\":{\"n\":\"x\"}}", 0,
		&v)) {
		CHECK_STR("violation/instance-path", v.items[0].instance_path,
			  "/stats/n");
		CHECK_STR("violation/schema-path", v.items[0].schema_path,
			  "/properties/stats/properties/n/type");
		CHECK_STR("violation/keyword", v.items[0].keyword, "type");
		CHECK_STR("violation/message", v.items[0].message,
			  "expected integer, got string");
	} else {
		CHECK("violation/type", 0);
	}
	q_violations_release(&v);

	if (one("{\"properties\":{\"a/b~c\":{\"items\":{\"type\":\"null\"}}}}",
		"{\"a/b~c\":[null,1]}", 0, &v)) {
		CHECK_STR("violation/escaped-instance-path",
			  v.items[0].instance_path, "/a~1b~0c/1");
		CHECK_STR("violation/escaped-schema-path",
			  v.items[0].schema_path,
			  "/properties/a~1b~0c/items/type");
	} else {
		CHECK("violation/escaping", 0);
	}
	q_violations_release(&v);

	if (one("{\"properties\":{\"stats\":{\"required\":[\"words\"]}}}",
		"{\"stats\":{}}", 0, &v)) {
		CHECK_STR("violation/required-path", v.items[0].schema_path,
			  "/properties/stats/required");
		CHECK_STR("violation/required-at", v.items[0].instance_path,
			  "/stats");
		CHECK_STR("violation/required-message", v.items[0].message,
			  "missing required property 'words'");
	} else {
		CHECK("violation/required", 0);
	}
	q_violations_release(&v);

	if (one("{\"additionalProperties\":false}", "{\"x\":1}", 0, &v)) {
		CHECK_STR("violation/additional-at", v.items[0].instance_path,
			  "/x");
		CHECK_STR("violation/additional-message", v.items[0].message,
			  "property 'x' is not allowed");
	} else {
		CHECK("violation/additional", 0);
	}
	q_violations_release(&v);

	if (one("{\"maxLength\":2}", "\"héllo\"", 0, &v))
		CHECK_STR("violation/length-message", v.items[0].message,
			  "expected at most 2 characters, got 5");
	else
		CHECK("violation/length", 0);
	q_violations_release(&v);

	if (one("{\"minimum\":0.5}", "0.25", 0, &v))
		CHECK_STR("violation/minimum-message", v.items[0].message,
			  "expected at least 0.5, got 0.25");
	else
		CHECK("violation/minimum", 0);
	q_violations_release(&v);

	if (one("{\"items\":{\"enum\":[\"a\",\"b\"]}}", "[\"a\",\"c\"]", 0,
		&v)) {
		CHECK_STR("violation/enum-message", v.items[0].message,
			  "expected one of [\"a\",\"b\"]");
		CHECK_STR("violation/enum-at", v.items[0].instance_path, "/1");
	} else {
		CHECK("violation/enum", 0);
	}
	q_violations_release(&v);

	if (one("{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":0}]}", "3",
		0, &v))
		CHECK_STR("violation/oneOf-message", v.items[0].message,
			  "expected to match exactly one schema of oneOf, "
			  "matched 0 and 1");
	else
		CHECK("violation/oneOf", 0);
	q_violations_release(&v);

	if (one("{\"uniqueItems\":true}", "[1,2,1.0]", 0, &v))
		CHECK_STR("violation/unique-message", v.items[0].message,
			  "expected unique items, items 0 and 2 are equal");
	else
		CHECK("violation/unique", 0);
	q_violations_release(&v);

	if (one("false", "1", 0, &v)) {
		CHECK_STR("violation/false-keyword", v.items[0].keyword,
			  "false");
		CHECK_STR("violation/false-at-root", v.items[0].instance_path,
			  "");
	} else {
		CHECK("violation/false", 0);
	}
	q_violations_release(&v);

	/* Messages are lowercase without a full stop. */
	q_violations_init(&v, 0);
	run("{\"type\":\"object\",\"required\":[\"a\"],\"properties\":{\"b\":"
	    "{\"pattern\":\"^x\",\"minLength\":5}}}", "{\"b\":\"yy\"}", 0,
	    &v);
	int style = v.count == 3;
	for (size_t i = 0; i < v.count; i++) {
		const char *m = v.items[i].message;
		style &= m[0] >= 'a' && m[0] <= 'z' && m[strlen(m) - 1] != '.';
	}
	CHECK("violation/several-and-style", style);
	q_violations_release(&v);
}

static void test_max_violations(void)
{
	struct q_violations v;
	q_violations_init(&v, 3);
	int rc = run("{\"items\":{\"type\":\"string\"}}", "[1,2,3,4,5,6]", 0,
		     &v);
	CHECK("max/stops-at-max", rc == 0 && v.count == 3 && v.truncated);
	q_violations_release(&v);
	q_violations_init(&v, 0);
	rc = run("{\"items\":{\"type\":\"string\"}}", "[1,2,3,4,5,6]", 0, &v);
	CHECK("max/all-six", rc == 0 && v.count == 6 && !v.truncated);
	CHECK_STR("max/last-path", v.count == 6 ? v.items[5].instance_path
						: NULL, "/5");
	q_violations_release(&v);
}

static void test_formats(void)
{
	struct q_violations v;
	q_violations_init(&v, 0);
	CHECK("format/off", run("{\"format\":\"email\"}", "\"nope\"", 0,
				&v) == 1);
	CHECK("format/on", run("{\"format\":\"email\"}", "\"nope\"",
			       Q_VALIDATE_FORMAT_ASSERT, &v) == 0);
	CHECK_STR("format/message", v.count ? v.items[0].message : NULL,
		  "expected a valid email, got 'nope'");
	q_violations_release(&v);
	CHECK("format/unknown-passes", run("{\"format\":\"color\"}", "\"x\"",
					   Q_VALIDATE_FORMAT_ASSERT, NULL) == 1);
	CHECK("format/non-string-passes", run("{\"format\":\"date\"}", "5",
					      Q_VALIDATE_FORMAT_ASSERT,
					      NULL) == 1);

	static const struct {
		const char *format, *text;
		int valid;
	} f[] = {
		{"date", "2024-02-29", 1}, {"date", "2023-02-29", 0},
		{"date-time", "2024-01-01T12:00:00.5+01:00", 1},
		{"date-time", "2024-01-01 12:00:00Z", 0},
		{"time", "23:59:60Z", 1}, {"time", "12:00:00", 0},
		{"duration", "P1Y2M3DT4H5M6S", 1}, {"duration", "PT", 0},
		{"duration", "P2W", 1}, {"duration", "P1D2H", 0},
		{"email", "a.b@example.com", 1}, {"email", "a..b@x.com", 0},
		{"hostname", "example.com", 1}, {"hostname", "-a.com", 0},
		{"ipv4", "192.168.0.1", 1}, {"ipv4", "01.2.3.4", 0},
		{"ipv6", "::ffff:1.2.3.4", 1}, {"ipv6", "1::2::3", 0},
		{"uri", "https://e.com/a?b#c", 1}, {"uri", "/relative", 0},
		{"uri-reference", "../a#b", 1}, {"uri-reference", "a b", 0},
		{"uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d16380", 1},
		{"uuid", "2eb8aa08aa9811eab4aa73b441d16380", 0},
		{"regex", "^[a-z]+$", 1}, {"regex", "(", 0},
		{"json-pointer", "/a~1b/0", 1}, {"json-pointer", "a", 0},
		{"relative-json-pointer", "1/a", 1},
		{"relative-json-pointer", "01", 0},
		{"iri", "http://ƒøø.ßår/?∂éœ=πîx", 1}, {"iri", "/ƒøø", 0},
		{"iri-reference", "#ƒrägmênt", 1},
		{"hostname", "xn--9n2bp8q.xn--9t4b11yi5a", 1},
		{"hostname", "xn--X", 0},
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		char name[128];
		snprintf(name, sizeof(name), "format/%s/%s", f[i].format,
			 f[i].text);
		CHECK(name, q_format_check(f[i].format, f[i].text,
					   strlen(f[i].text)) == f[i].valid);
	}
	CHECK("format/unknown-is-minus-one",
	      q_format_check("color", "red", 3) == -1);
}

static void test_depth(void)
{
	struct q_violations v;
	q_violations_init(&v, 0);
	/* A reference loop that never reaches the instance's members. */
	int rc = run("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":"
		     "{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}", "1", 0,
		     &v);
	CHECK("depth/ref-loop", rc == 0 && v.count == 1);
	CHECK_STR("depth/keyword", v.count ? v.items[0].keyword : NULL,
		  "depth");
	q_violations_release(&v);

	/* Nesting deeper than the limit. */
	char deep[4 * Q_VALIDATE_MAX_DEPTH + 16];
	size_t n = Q_VALIDATE_MAX_DEPTH + 10;
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	q_violations_init(&v, 0);
	rc = run("{\"items\":{\"$ref\":\"#\"}}", deep, 0, &v);
	CHECK("depth/deep-instance", rc == 0 && v.count == 1 &&
					     !strcmp(v.items[0].keyword,
						     "depth"));
	q_violations_release(&v);
	CHECK("depth/shallow-ok", run("{\"items\":{\"$ref\":\"#\"}}",
				      "[[[[]]],[]]", 0, NULL) == 1);
}

/* Compiles schema, expecting failure with code and a path in the message. */
static void bad_schema(const char *name, const char *schema, int code,
		       const char *where)
{
	json_t *s = parse(schema);
	struct q_schema *c = NULL;
	struct q_error err;
	q_error_init(&err);
	int rc = q_schema_compile(s, &c, &err);
	char full[128];
	snprintf(full, sizeof(full), "compile/%s", name);
	if (rc == code && !c && strstr(err.message, where)) {
		printf("PASS %s\n", full);
	} else {
		printf("FAIL %s: rc %d, message '%s'\n", full, rc,
		       err.message);
		check_failures++;
	}
	q_schema_free(c);
	json_decref(s);
}

static void test_bad_schemas(void)
{
	bad_schema("bad-regex", "{\"properties\":{\"a\":{\"pattern\":\"(\"}}}",
		   Q_ESYNTAX, "'/properties/a/pattern'");
	bad_schema("bad-pattern-property",
		   "{\"patternProperties\":{\"[\":true}}", Q_ESYNTAX,
		   "'/patternProperties/['");
	bad_schema("non-ecma-regex", "{\"pattern\":\"(?i)a\"}", Q_ESYNTAX,
		   "'/pattern'");
	bad_schema("dangling-ref",
		   "{\"items\":{\"$ref\":\"#/$defs/missing\"}}", Q_EINVALID,
		   "'/items/$ref'");
	bad_schema("unknown-anchor", "{\"$ref\":\"#nowhere\"}", Q_EINVALID,
		   "'/$ref'");
	bad_schema("metaschema-ref",
		   "{\"$ref\":\"https://json-schema.org/draft/2020-12/schema\"}",
		   Q_EINVALID, "remote");
	bad_schema("bad-type", "{\"type\":\"text\"}", Q_EINVALID, "'/type'");
	bad_schema("negative-minLength", "{\"minLength\":-1}", Q_EINVALID,
		   "'/minLength'");
	bad_schema("zero-multipleOf", "{\"multipleOf\":0}", Q_EINVALID,
		   "'/multipleOf'");
	bad_schema("not-a-schema", "{\"not\":3}", Q_EINVALID, "'/not'");
	bad_schema("required-not-strings", "{\"required\":[1]}", Q_EINVALID,
		   "'/required'");
}

static void test_registry(void)
{
	json_t *remote = parse("{\"$defs\":{\"id\":{\"type\":\"string\"}}}");
	json_t *schema = parse("{\"$ref\":\"http://x.test/r.json#/$defs/id\"}");
	json_t *ok = parse("\"a\""), *bad = parse("1");
	struct q_schema_doc docs[] = {{"http://x.test/r.json", remote}};
	struct q_schema *c = NULL;
	struct q_error err;
	q_error_init(&err);
	int rc = q_schema_compile_with(schema, docs, 1, &c, &err);
	CHECK("registry/compiles", rc == 0 && c);
	CHECK("registry/valid", c && q_schema_validate(c, ok, 0, NULL) == 1);
	CHECK("registry/invalid", c && q_schema_validate(c, bad, 0, NULL) == 0);
	q_schema_free(c);
	/* The schema outlives the caller's references. */
	c = NULL;
	rc = q_schema_compile_with(schema, docs, 1, &c, &err);
	json_decref(remote);
	json_decref(schema);
	CHECK("registry/keeps-references",
	      rc == 0 && q_schema_validate(c, bad, 0, NULL) == 0);
	q_schema_free(c);
	json_decref(ok);
	json_decref(bad);
}

/* uniqueItems over many items takes the hashed path. */
static void test_unique_many(void)
{
	json_t *arr = json_array();
	for (int i = 0; i < 1000; i++)
		json_array_append_new(arr, json_pack("{s:i,s:[i]}", "k", i,
						     "v", i % 7));
	json_t *schema = parse("{\"uniqueItems\":true}");
	struct q_schema *c = NULL;
	q_schema_compile(schema, &c, NULL);
	CHECK("unique/many-distinct", c && q_schema_validate(c, arr, 0, NULL));
	json_array_append_new(arr, json_pack("{s:[f],s:f}", "v", 3.0, "k",
					     500.0));
	struct q_violations v;
	q_violations_init(&v, 0);
	CHECK("unique/many-duplicate", c && !q_schema_validate(c, arr, 0, &v));
	CHECK_STR("unique/many-which", v.count ? v.items[0].message : NULL,
		  "expected unique items, items 500 and 1000 are equal");
	q_violations_release(&v);
	q_schema_free(c);
	json_decref(schema);
	json_decref(arr);
}

struct shared {
	const struct q_schema *s;
	json_t *good, *bad;
	int errors;
};

static void *validate_often(void *arg)
{
	struct shared *sh = arg;
	for (int i = 0; i < 2000; i++) {
		if (q_schema_validate(sh->s, sh->good, 0, NULL) != 1 ||
		    q_schema_validate(sh->s, sh->bad, 0, NULL) != 0)
			__atomic_add_fetch(&sh->errors, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* One compiled schema, several threads: its regex block is lent out. */
static void test_threads(void)
{
	json_t *schema = parse("{\"items\":{\"pattern\":\"^[a-z]+$\"}}");
	struct shared sh = {NULL, parse("[\"ab\",\"cd\"]"),
			    parse("[\"ab\",\"C\"]"), 0};
	struct q_schema *c = NULL;
	pthread_t t[4];
	q_schema_compile(schema, &c, NULL);
	sh.s = c;
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, validate_often, &sh);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK("threads/shared-schema", c && sh.errors == 0);
	q_schema_free(c);
	json_decref(schema);
	json_decref(sh.good);
	json_decref(sh.bad);
}

int main(void)
{
	test_cases();
	test_violations();
	test_max_violations();
	test_formats();
	test_depth();
	test_bad_schemas();
	test_registry();
	test_unique_many();
	test_threads();
	return CHECK_DONE();
}

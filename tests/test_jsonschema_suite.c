/*
 * test_jsonschema_suite.c — the official JSON-Schema-Test-Suite, draft
 * 2020-12, against validate/.
 *
 * One line per file: PASS when all its tests pass, FAIL with the failing
 * descriptions otherwise; files of features left out print SKIP with how
 * many of their tests pass anyway.  The remotes/ folder is served as
 * http://localhost:1234/ through q_schema_compile_with.  Each test runs
 * twice, once asking only for validity and once collecting violations, and
 * both answers must agree with the suite.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/check.h"
#include "validate/validate.h"

#define SUITE "../shared/conformance/json-schema-test-suite"
#define TESTS SUITE "/tests/draft2020-12"
#define REMOTES SUITE "/remotes"
#define REMOTE_BASE "http://localhost:1234/"

/* Required files whose feature is left out: reported as SKIP. */
static const char *const unsupported[] = {
	"vocabulary.json", /* $vocabulary and custom metaschemas */
};

/* Groups that $ref the 2020-12 metaschema, which is not built in. */
static const char *const needs_metaschema[] = {
	"validate definition against metaschema",
	"remote ref, containing refs itself",
};

/* Formats that are asserted (optional/format/<name>.json). */
static const char *const formats[] = {
	"date", "date-time", "time", "duration", "email", "hostname", "ipv4",
	"ipv6", "uri", "uri-reference", "uuid", "regex", "json-pointer",
	"relative-json-pointer", "iri", "iri-reference", "unknown",
};

/* Other optional files expected to pass in full. */
static const char *const optional_supported[] = {
	"anchor.json", "dependencies-compatibility.json", "id.json",
	"no-schema.json", "refOfUnknownKeyword.json", "unknownKeyword.json",
	"non-bmp-regex.json", "dynamicRef.json", "ecmascript-regex.json",
	"float-overflow.json",
};

struct remotes {
	struct q_schema_doc *docs;
	size_t n, cap;
};

struct tally {
	size_t pass, total, skipped;
	char fails[4096];
	char skips[1024]; /* groups left out, with their counts */
};

static int in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return 1;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of the .json files in dir (NULL-terminated). */
static char **list_json(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0, cap = 16;
	char **names = malloc(cap * sizeof(*names));
	if (!d || !names) {
		if (d)
			closedir(d);
		free(names);
		return NULL;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".json"))
			continue;
		if (n + 2 > cap)
			names = realloc(names, (cap *= 2) * sizeof(*names));
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	names[n] = NULL;
	return names;
}

static void free_list(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

static void load_remotes(struct remotes *r, const char *dir, const char *rel)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[1024], sub[1024];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
			 e->d_name);
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			load_remotes(r, path, sub);
			continue;
		}
		json_t *doc = json_load_file(path, JSON_ALLOW_NUL, NULL);
		if (!doc)
			continue;
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 64;
			r->docs = realloc(r->docs, r->cap * sizeof(*r->docs));
		}
		size_t len = strlen(REMOTE_BASE) + strlen(sub) + 1;
		char *uri = malloc(len);
		snprintf(uri, len, "%s%s", REMOTE_BASE, sub);
		r->docs[r->n++] = (struct q_schema_doc){uri, doc};
	}
	closedir(d);
}

static void note_failure(struct tally *t, const char *group,
			 const char *test, const char *why)
{
	size_t used = strlen(t->fails);
	snprintf(t->fails + used, sizeof(t->fails) - used, "%s[%s / %s%s%s]",
		 used ? "; " : "", group, test, why ? ": " : "",
		 why ? why : "");
}

static void run_group(json_t *group, const struct remotes *r,
		      unsigned flags, struct tally *t)
{
	struct q_schema *s = NULL;
	struct q_error err;
	json_t *desc = json_object_get(group, "description");
	const char *gdesc = json_string_value(desc);
	json_t *tests = json_object_get(group, "tests"), *test;
	size_t i;
	q_error_init(&err);
	if (in_list(gdesc, needs_metaschema,
		    sizeof(needs_metaschema) / sizeof(needs_metaschema[0]))) {
		size_t used = strlen(t->skips);
		t->total += json_array_size(tests);
		t->skipped += json_array_size(tests);
		snprintf(t->skips + used, sizeof(t->skips) - used,
			 "%s[%s: needs the 2020-12 metaschema, %zu tests]",
			 used ? "; " : "", gdesc, json_array_size(tests));
		return;
	}
	q_schema_compile_with(json_object_get(group, "schema"), r->docs, r->n,
			      &s, &err);
	json_array_foreach(tests, i, test) {
		const char *tdesc = json_string_value(
			json_object_get(test, "description"));
		int want = json_is_true(json_object_get(test, "valid"));
		json_t *data = json_object_get(test, "data");
		t->total++;
		if (!s) {
			note_failure(t, gdesc, tdesc, err.message);
			continue;
		}
		struct q_violations v;
		q_violations_init(&v, 0);
		int quick = q_schema_validate(s, data, flags, NULL);
		int full = q_schema_validate(s, data, flags, &v);
		if (quick == want && full == want && (!full) == (v.count > 0))
			t->pass++;
		else
			note_failure(t, gdesc, tdesc,
				     quick != full ? "modes disagree"
						   : want ? "rejected"
							  : "accepted");
		q_violations_release(&v);
	}
	q_schema_free(s);
}

/* Runs one file; returns its tally through t. */
static int run_file(const char *path, const struct remotes *r,
		    unsigned flags, struct tally *t)
{
	json_error_t jerr;
	json_t *doc = json_load_file(path, JSON_ALLOW_NUL, &jerr);
	json_t *group;
	size_t i;
	memset(t, 0, sizeof(*t));
	if (!doc) {
		snprintf(t->fails, sizeof(t->fails), "cannot load: %s",
			 jerr.text);
		return -1;
	}
	json_array_foreach(doc, i, group)
		run_group(group, r, flags, t);
	json_decref(doc);
	return 0;
}

static void report(const char *name, int supported, const struct tally *t,
		   int loaded)
{
	if (!loaded && supported) {
		printf("FAIL %s: %s\n", name, t->fails);
		check_failures++;
	} else if (!loaded) {
		printf("SKIP %s: %s\n", name, t->fails);
	} else if (!supported) {
		printf("SKIP %s: not supported; %zu of %zu tests pass\n", name,
		       t->pass, t->total);
	} else if (!t->fails[0]) {
		if (t->pass)
			printf("PASS %s (%zu tests)\n", name, t->pass);
		if (t->skips[0])
			printf("SKIP %s: %s\n", name, t->skips);
	} else {
		printf("FAIL %s: %zu of %zu pass; failing: %s\n", name, t->pass,
		       t->total, t->fails);
		check_failures++;
	}
}

/* Runs the .json files of dir; counts into pass/total. */
static void run_dir(const char *dir, const char *prefix, const char *const *ok,
		    size_t n_ok, int ok_means_supported,
		    const struct remotes *r, unsigned flags, size_t *pass,
		    size_t *total)
{
	char **names = list_json(dir);
	for (size_t i = 0; names && names[i]; i++) {
		char path[1024], name[512], stem[256];
		struct tally t;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(name, sizeof(name), "jsonschema-suite/%s%s", prefix,
			 names[i]);
		snprintf(stem, sizeof(stem), "%.*s",
			 (int)(strlen(names[i]) - 5), names[i]);
		int listed = in_list(names[i], ok, n_ok) ||
			     in_list(stem, ok, n_ok);
		int supported = ok_means_supported ? listed : !listed;
		int loaded = run_file(path, r, flags, &t) == 0;
		report(name, supported, &t, loaded);
		*pass += t.pass;
		*total += t.total;
	}
	free_list(names);
}

int main(void)
{
	struct remotes r = {0};
	struct stat st;
	size_t pass = 0, total = 0, opass = 0, ototal = 0;
	if (stat(TESTS, &st) || !S_ISDIR(st.st_mode)) {
		SKIP("jsonschema-suite", "no " TESTS);
		return 0;
	}
	load_remotes(&r, REMOTES, "");
	run_dir(TESTS, "", unsupported,
		sizeof(unsupported) / sizeof(unsupported[0]), 0, &r, 0, &pass,
		&total);
	run_dir(TESTS "/optional/format", "optional/format/", formats,
		sizeof(formats) / sizeof(formats[0]), 1, &r,
		Q_VALIDATE_FORMAT_ASSERT, &opass, &ototal);
	run_dir(TESTS "/optional", "optional/", optional_supported,
		sizeof(optional_supported) / sizeof(optional_supported[0]), 1,
		&r, 0, &opass, &ototal);
	printf("json-schema-test-suite draft2020-12: %zu of %zu required "
	       "tests pass (optional: %zu of %zu)\n", pass, total, opass,
	       ototal);
	for (size_t i = 0; i < r.n; i++) {
		free((char *)r.docs[i].uri);
		json_decref(r.docs[i].doc);
	}
	free(r.docs);
	return CHECK_DONE();
}

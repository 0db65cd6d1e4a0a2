/*
 * test_yamltestsuite.c — the yaml-test-suite through q_yaml_read.
 *
 * A case with in.json must load, document by document, to that JSON (the
 * suite resolves plain scalars by the YAML 1.2 core schema, as quarry
 * does); a case with an error marker must be refused.  A case that fails
 * because of libyaml itself is reported as SKIP "libyaml gap: …", and only
 * after that is shown here: libyaml's own event parser, run over the whole
 * input on its own, must fail with the same problem on a valid case, or
 * get through an error case.  Cases with neither file (valid YAML that JSON
 * cannot hold, such as mappings as keys) must load or be refused cleanly.
 */
#include "converters/converters.h"
#include "extract/extract.h"
#include "tests/check.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <yaml.h>

#define SUITE "../shared/conformance/yaml-test-suite/data"

struct counts {
	int valid, valid_ok, errors, errors_ok, other, gaps;
	struct q_buf gap_ids;
};

static int exists(const char *dir, const char *name)
{
	char path[1200];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

/* A scalar's value as test.event writes it. */
static void put_escaped(struct q_buf *out, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\': q_buf_puts(out, "\\\\"); break;
		case '\0': q_buf_puts(out, "\\0"); break;
		case '\b': q_buf_puts(out, "\\b"); break;
		case '\n': q_buf_puts(out, "\\n"); break;
		case '\r': q_buf_puts(out, "\\r"); break;
		case '\t': q_buf_puts(out, "\\t"); break;
		default: q_buf_putc(out, (char)s[i]);
		}
	}
}

static void put_props(struct q_buf *out, const yaml_char_t *anchor, const yaml_char_t *tag)
{
	if (anchor)
		q_buf_printf(out, " &%s", (const char *)anchor);
	if (tag)
		q_buf_printf(out, " <%s>", (const char *)tag);
}

/*
 * libyaml on its own over the whole input, its events written in the
 * notation of test.event (as libyaml's run-parser-test-suite prints them).
 * Returns 1 when it gets through, 0 with its problem in problem[].
 */
static int libyaml_events(const struct q_buf *in, struct q_buf *out, char *problem, size_t size)
{
	static const char styles[] = {[YAML_PLAIN_SCALAR_STYLE] = ':',
				      [YAML_SINGLE_QUOTED_SCALAR_STYLE] = '\'',
				      [YAML_DOUBLE_QUOTED_SCALAR_STYLE] = '"',
				      [YAML_LITERAL_SCALAR_STYLE] = '|',
				      [YAML_FOLDED_SCALAR_STYLE] = '>'};
	yaml_parser_t p;
	yaml_event_t ev;
	int ok = 1, done = 0;
	problem[0] = '\0';
	if (!yaml_parser_initialize(&p))
		return 0;
	yaml_parser_set_input_string(&p, (const unsigned char *)in->data, in->len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			snprintf(problem, size, "%s", p.problem ? p.problem : "fails");
			ok = 0;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_START_EVENT: q_buf_puts(out, "+STR"); break;
		case YAML_STREAM_END_EVENT: q_buf_puts(out, "-STR"); done = 1; break;
		case YAML_DOCUMENT_START_EVENT:
			q_buf_puts(out, ev.data.document_start.implicit ? "+DOC" : "+DOC ---");
			break;
		case YAML_DOCUMENT_END_EVENT:
			q_buf_puts(out, ev.data.document_end.implicit ? "-DOC" : "-DOC ...");
			break;
		case YAML_MAPPING_START_EVENT:
			q_buf_puts(out, ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE ? "+MAP {}" : "+MAP");
			put_props(out, ev.data.mapping_start.anchor, ev.data.mapping_start.tag);
			break;
		case YAML_MAPPING_END_EVENT: q_buf_puts(out, "-MAP"); break;
		case YAML_SEQUENCE_START_EVENT:
			q_buf_puts(out, ev.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE ? "+SEQ []" : "+SEQ");
			put_props(out, ev.data.sequence_start.anchor, ev.data.sequence_start.tag);
			break;
		case YAML_SEQUENCE_END_EVENT: q_buf_puts(out, "-SEQ"); break;
		case YAML_SCALAR_EVENT:
			q_buf_puts(out, "=VAL");
			put_props(out, ev.data.scalar.anchor, ev.data.scalar.tag);
			q_buf_putc(out, ' ');
			q_buf_putc(out, styles[ev.data.scalar.style]);
			put_escaped(out, ev.data.scalar.value, ev.data.scalar.length);
			break;
		case YAML_ALIAS_EVENT:
			q_buf_printf(out, "=ALI *%s", (const char *)ev.data.alias.anchor);
			break;
		default: break;
		}
		q_buf_putc(out, '\n');
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return ok;
}

/*
 * Whether libyaml on its own goes wrong on a valid case by document `doc`
 * (0-based) of the stream: it fails there or earlier, or its events part
 * from test.event there or earlier.  Says how in why[].
 */
static int libyaml_wrong(const char *dir, const struct q_buf *in, int doc, char *why, size_t size)
{
	char path[1200], problem[256];
	struct q_buf got, want;
	struct q_error err;
	q_buf_init(&got, 0);
	q_buf_init(&want, 0);
	q_error_init(&err);
	snprintf(path, sizeof(path), "%s/test.event", dir);
	int ok = libyaml_events(in, &got, problem, sizeof(problem));
	int wrong = 0;
	if (q_read_file(path, Q_MAX_INPUT_DEFAULT, &want, &err) == 0 && got.data && want.data) {
		/* The first line where they part, and the document it is in. */
		const char *g = got.data, *w = want.data;
		int docs = -1;
		while (*g && *w) {
			size_t gl = strcspn(g, "\n"), wl = strcspn(w, "\n");
			if (gl != wl || memcmp(g, w, gl) != 0)
				break;
			if (strncmp(w, "+DOC", 4) == 0)
				docs++;
			g += gl + (g[gl] == '\n');
			w += wl + (w[wl] == '\n');
		}
		if (*w || *g) {
			/* A "+DOC" that differs starts the next document. */
			int at = docs + (strncmp(w, "+DOC", 4) == 0 || strncmp(g, "+DOC", 4) == 0);
			wrong = (at < 0 ? 0 : at) <= doc;
			if (!ok && !*g)
				snprintf(why, size, "libyaml fails where the suite expects '%.*s': %s",
					 (int)strcspn(w, "\n"), w, problem);
			else
				snprintf(why, size, "libyaml gives '%.*s' where the suite expects '%.*s'",
					 (int)strcspn(g, "\n"), g, (int)strcspn(w, "\n"), w);
		}
	}
	q_buf_release(&got);
	q_buf_release(&want);
	return wrong;
}

/* JSON has one kind of number: 450 and 450.0 are the same value.  The
 * order of keys is not compared: the suite's JSON does not always keep it
 * (RR7F); test_yaml.c checks that quarry does. */
static int same(json_t *a, json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b) &&
		       (!json_is_integer(a) || !json_is_integer(b) ||
			json_integer_value(a) == json_integer_value(b));
	if (json_typeof(a) != json_typeof(b))
		return 0;
	if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!same(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	}
	if (json_is_object(a)) {
		const char *key;
		size_t key_len;
		json_t *value, *other;
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_keylen_foreach(a, key, key_len, value)
		{
			if (!(other = json_object_getn(b, key, key_len)) || !same(value, other))
				return 0;
		}
		return 1;
	}
	return json_equal(a, b);
}

/* The first document where two streams differ. */
static int first_difference(json_t *a, json_t *b)
{
	size_t i = 0;
	while (i < json_array_size(a) && i < json_array_size(b) &&
	       same(json_array_get(a, i), json_array_get(b, i)))
		i++;
	return (int)i;
}

/* Every document of the stream into an array; 0 or the error. */
static int load_stream(const struct q_buf *in, json_t *docs, struct q_error *err,
		       int (*read)(const char *, size_t, size_t *, const char *, json_t **,
				   struct q_error *))
{
	size_t pos = 0;
	q_error_init(err);
	for (;;) {
		json_t *v;
		int rc = read(in->data ? in->data : "", in->len, &pos, "in.yaml", &v, err);
		if (rc)
			return rc;
		if (!v)
			return 0;
		json_array_append_new(docs, v);
	}
}

static void run_case(const char *dir, const char *id, struct counts *c)
{
	char path[1200], label[700], problem[256];
	struct q_buf in, want_text;
	struct q_error err, jerr;
	json_t *got = json_array(), *want = json_array();
	q_buf_init(&in, 0);
	q_buf_init(&want_text, 0);
	q_error_init(&err);
	snprintf(label, sizeof(label), "yaml-test-suite/%s", id);
	snprintf(path, sizeof(path), "%s/in.yaml", dir);
	if (q_read_file(path, Q_MAX_INPUT_DEFAULT, &in, &err)) {
		printf("FAIL %s: cannot read in.yaml: %s\n", label, err.message);
		check_failures++;
		goto out;
	}
	int rc = load_stream(&in, got, &err, q_yaml_read);
	char why[512];
	if (exists(dir, "error")) {
		c->errors++;
		if (rc && Q_CATEGORY(rc) == Q_EDATA && err.message[0] && err.line > 0) {
			c->errors_ok++;
			printf("PASS %s\n", label);
		} else if (rc) {
			printf("FAIL %s: refused without a place: %s\n", label, err.message);
			check_failures++;
		} else {
			struct q_buf events;
			q_buf_init(&events, 0);
			if (libyaml_events(&in, &events, problem, sizeof(problem))) {
				c->gaps++;
				q_buf_printf(&c->gap_ids, " %s", id);
				printf("SKIP %s: libyaml gap: libyaml accepts this invalid input\n", label);
			} else {
				printf("FAIL %s: accepted, though libyaml itself refuses it (%s)\n",
				       label, problem);
				check_failures++;
			}
			q_buf_release(&events);
		}
	} else if (exists(dir, "in.json")) {
		c->valid++;
		snprintf(path, sizeof(path), "%s/in.json", dir);
		if (q_read_file(path, Q_MAX_INPUT_DEFAULT, &want_text, &jerr) ||
		    load_stream(&want_text, want, &jerr, q_json_read)) {
			printf("FAIL %s: in.json does not load: %s\n", label, jerr.message);
			check_failures++;
		} else if (!rc && same(got, want)) {
			c->valid_ok++;
			printf("PASS %s\n", label);
		} else if (libyaml_wrong(dir, &in, rc ? (int)json_array_size(got) : first_difference(got, want),
					 why, sizeof(why))) {
			c->gaps++;
			q_buf_printf(&c->gap_ids, " %s", id);
			printf("SKIP %s: libyaml gap: %s\n", label, why);
		} else if (!rc) {
			char *g = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);
			printf("FAIL %s: loads as %.300s\n", label, g ? g : "?");
			free(g);
			check_failures++;
		} else {
			printf("FAIL %s: refused: %ld:%ld: %s\n", label, err.line, err.column,
			       err.message);
			check_failures++;
		}
	} else {
		/* Valid YAML without a JSON form: loads or is refused cleanly. */
		c->other++;
		if (!rc || (Q_CATEGORY(rc) == Q_EDATA && err.message[0]))
			printf("PASS %s (no JSON form; %s)\n", label, rc ? err.message : "loaded");
		else {
			printf("FAIL %s: %s\n", label, err.message);
			check_failures++;
		}
	}
out:
	json_decref(got);
	json_decref(want);
	q_buf_release(&in);
	q_buf_release(&want_text);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* data/<ID>/ is a case, or holds cases 00, 01, … */
static void run_dir(const char dir[512], const char *id, struct counts *c)
{
	struct dirent **names;
	if (exists(dir, "in.yaml")) {
		run_case(dir, id, c);
		return;
	}
	int n = scandir(dir, &names, NULL, by_name);
	for (int i = 0; i < n; i++) {
		char sub[1024], subid[600];
		if (names[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", dir, names[i]->d_name);
			snprintf(subid, sizeof(subid), "%s/%s", id, names[i]->d_name);
			if (exists(sub, "in.yaml"))
				run_case(sub, subid, c);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

int main(void)
{
	struct dirent **names;
	struct counts c = {0};
	int n = scandir(SUITE, &names, NULL, by_name);
	if (n < 0) {
		SKIP("yaml-test-suite", SUITE " is absent");
		return 0;
	}
	q_buf_init(&c.gap_ids, 0);
	for (int i = 0; i < n; i++) {
		char dir[512];
		if (names[i]->d_name[0] != '.') {
			snprintf(dir, sizeof(dir), "%s/%s", SUITE, names[i]->d_name);
			run_dir(dir, names[i]->d_name, &c);
		}
		free(names[i]);
	}
	free(names);
	printf("yaml-test-suite: %d of %d valid cases load to the expected JSON, %d of %d error "
	       "cases rejected, %d cases without a JSON form run; libyaml gaps: %d (%s)\n",
	       c.valid_ok, c.valid, c.errors_ok, c.errors, c.other, c.gaps,
	       c.gap_ids.data ? c.gap_ids.data + 1 : "none");
	q_buf_release(&c.gap_ids);
	return CHECK_DONE();
}

/*
 * test_golden_rules.c — the 52 English "Golden Rules" of sentence boundary
 * detection (pragmatic_segmenter), read from ../shared/eval, which is
 * staged for measuring and not part of the repository.
 *
 * Each expected sentence is compared with our span after collapsing runs
 * of whitespace to one space and trimming, because the text is never
 * altered: the hard-wrap rules 40 and 41 expect the newline gone.
 */
#include "extract/extract.h"
#include "tests/check.h"

#include <jansson.h>
#include <stdlib.h>

#define RULES_PATH "../shared/eval/sbd_golden_rules_en.json"
#define RULES_TOTAL 52
#define MAX_SENTENCES 64

/*
 * Rules we knowingly fail (at most two).  42 wants every line of
 * "features\ncontact manager\nevents, activities\n" to be a sentence, but
 * a single newline is a hard wrap in our input, never a boundary.
 */
static const int known_failures[] = {42};

static int is_known_failure(int id)
{
	for (size_t i = 0; i < sizeof(known_failures) / sizeof(known_failures[0]);
	     i++)
		if (known_failures[i] == id)
			return 1;
	return 0;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* s[0..n) with whitespace runs collapsed to one space, trimmed. */
static char *collapse(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t o = 0;
	int gap = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (is_ws(s[i])) {
			gap = o > 0;
			continue;
		}
		if (gap)
			out[o++] = ' ';
		gap = 0;
		out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

/* Compares our sentences with the expected ones; why says how they differ. */
static int run_rule(const char *text, json_t *want, char *why, size_t whysz)
{
	size_t len = strlen(text), pos = 0, a, b, got = 0;
	char *mine[MAX_SENTENCES];
	int ok = 1;
	while (got < MAX_SENTENCES && q_sentence_next(text, len, &pos, &a, &b))
		mine[got++] = collapse(text + a, b - a);
	if (got != json_array_size(want)) {
		snprintf(why, whysz, "%zu sentences, want %zu; first '%s'", got,
			 json_array_size(want), got ? mine[0] : "");
		ok = 0;
	}
	for (size_t i = 0; ok && i < got; i++) {
		const char *w = json_string_value(json_array_get(want, i));
		char *wc = collapse(w ? w : "", w ? strlen(w) : 0);
		if (!mine[i] || !wc || strcmp(mine[i], wc) != 0) {
			snprintf(why, whysz, "sentence %zu is '%s', want '%s'", i,
				 mine[i] ? mine[i] : "", wc ? wc : "");
			ok = 0;
		}
		free(wc);
	}
	for (size_t i = 0; i < got; i++)
		free(mine[i]);
	return ok;
}

int main(void)
{
	json_error_t jerr;
	json_t *rules = json_load_file(RULES_PATH, 0, &jerr);
	size_t i;
	json_t *rule;
	int passed = 0;
	if (!rules) {
		SKIP("golden-rules", "cannot read " RULES_PATH);
		return 0;
	}
	json_array_foreach(rules, i, rule)
	{
		int id = (int)json_integer_value(json_object_get(rule, "id"));
		const char *name =
			json_string_value(json_object_get(rule, "name"));
		const char *text =
			json_string_value(json_object_get(rule, "text"));
		json_t *want = json_object_get(rule, "sentences");
		char label[256], why[1024];
		snprintf(label, sizeof(label), "golden-rule-%02d %s", id,
			 name ? name : "");
		if (!text || !json_is_array(want)) {
			printf("FAIL %s: malformed rule\n", label);
			check_failures++;
			continue;
		}
		if (run_rule(text, want, why, sizeof(why))) {
			printf("PASS %s\n", label);
			passed++;
		} else if (is_known_failure(id)) {
			printf("SKIP golden-rule-%02d: known failure: %s\n", id,
			       why);
		} else {
			printf("FAIL %s: %s\n", label, why);
			check_failures++;
		}
	}
	if (json_array_size(rules) != RULES_TOTAL) {
		printf("FAIL golden-rules-count: %zu rules, want %d\n",
		       json_array_size(rules), RULES_TOTAL);
		check_failures++;
	}
	printf("golden rules: %d of %zu\n", passed, json_array_size(rules));
	json_decref(rules);
	return CHECK_DONE();
}

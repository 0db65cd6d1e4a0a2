/*
 * timex_score.c — time expressions against MEANTIME's TIMEX3 annotations,
 * TempEval-3 style: detection F1 with relaxed matching (the spans
 * overlap) and strict matching (the same span), then, over the relaxed
 * matches, the share with the gold value and with the gold type.
 *
 *   timex_score [-v] MEANTIME.jsonl [PREDICTIONS.tsv]
 *
 * Each document's text has one sentence per line; it is given to quarry
 * with the lines as paragraphs (a blank line between them) and the
 * document's creation date as the reference date.  Only the sentences up
 * to annotated_through_sentence count, for gold and system alike.
 * PREDICTIONS holds the peers' answers, one per line:
 * SYSTEM <TAB> DOC_ID <TAB> START <TAB> END <TAB> TYPE <TAB> VALUE, offsets
 * in code points of the document's text.  Prints one line per system and
 * metric: "RESULT timex METRIC SYSTEM VALUE".  -v lists quarry's misses
 * and false alarms.
 */
#include "extract/extract.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct span {
	long start, end; /* code points of the document's text */
	char type[16];
	char value[48];
	int used;
};

struct spans {
	struct span *items;
	size_t count, cap;
};

struct tally {
	const char *system;
	long gold, sys, relaxed, strict, value_ok, type_ok;
};

static void push(struct spans *v, long start, long end, const char *type,
		 const char *value)
{
	if (v->count == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 64;
		v->items = realloc(v->items, v->cap * sizeof(*v->items));
		if (!v->items) {
			fprintf(stderr, "timex_score: out of memory\n");
			exit(1);
		}
	}
	struct span *s = &v->items[v->count++];
	s->start = start;
	s->end = end;
	s->used = 0;
	snprintf(s->type, sizeof(s->type), "%s", type ? type : "");
	snprintf(s->value, sizeof(s->value), "%s", value ? value : "");
}

/* Code point offset of the start of each line, and where line `last`
 * ends: what counts. */
static long annotated_end(const char *text, long last)
{
	long cp = 0, line = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if ((*p & 0xC0) == 0x80)
			continue;
		if (*p == '\n' && line++ == last)
			return cp;
		cp++;
	}
	return cp;
}

/* The creation date as YYYY-MM-DD: the dct field (some are DD-MM-YYYY),
 * else the CREATION_TIME annotation; NULL when neither says. */
static int creation_date(json_t *doc, char out[11])
{
	const char *d = json_string_value(json_object_get(doc, "dct"));
	if (d && strlen(d) == 10 && d[4] == '-') {
		memcpy(out, d, 11);
		return 1;
	}
	if (d && strlen(d) == 10 && d[2] == '-') {
		snprintf(out, 11, "%.4s-%.2s-%.2s", d + 6, d + 3, d);
		return 1;
	}
	return 0;
}

static void match(struct tally *t, struct spans *gold, struct spans *sys,
		  const char *doc_id, int verbose)
{
	t->gold += (long)gold->count;
	t->sys += (long)sys->count;
	for (size_t k = 0; k < sys->count; k++)
		sys->items[k].used = 0;
	for (size_t g = 0; g < gold->count; g++) {
		struct span *a = &gold->items[g], *best = NULL;
		long best_overlap = 0;
		for (size_t k = 0; k < sys->count; k++) {
			struct span *b = &sys->items[k];
			long lo = a->start > b->start ? a->start : b->start;
			long hi = a->end < b->end ? a->end : b->end;
			long overlap = hi - lo + (a->start == b->start && a->end == b->end) * 1000;
			if (!b->used && hi > lo && overlap > best_overlap) {
				best_overlap = overlap;
				best = b;
			}
		}
		a->used = best != NULL;
		if (!best)
			continue;
		best->used = 1;
		t->relaxed++;
		t->strict += a->start == best->start && a->end == best->end;
		t->value_ok += strcmp(a->value, best->value) == 0;
		t->type_ok += strcmp(a->type, best->type) == 0;
		if (verbose && strcmp(a->value, best->value) != 0)
			printf("VALUE %s [%ld,%ld) gold %s %s, got %s %s\n", doc_id, a->start,
			       a->end, a->type, a->value, best->type, best->value);
	}
	if (!verbose)
		return;
	for (size_t g = 0; g < gold->count; g++)
		if (!gold->items[g].used)
			printf("MISS %s [%ld,%ld) %s %s\n", doc_id, gold->items[g].start,
			       gold->items[g].end, gold->items[g].type, gold->items[g].value);
	for (size_t k = 0; k < sys->count; k++)
		if (!sys->items[k].used)
			printf("FALSE %s [%ld,%ld) %s %s\n", doc_id, sys->items[k].start,
			       sys->items[k].end, sys->items[k].type, sys->items[k].value);
}

/* Quarry's timexes of one document, in the original text's offsets. */
static int run_quarry(const char *text, const char *date, long limit,
		      struct spans *out)
{
	size_t len = strlen(text), lines = 0;
	char *fed = malloc(2 * len + 1), *q = fed;
	if (!fed)
		return 1;
	for (const char *p = text; *p; p++) {
		*q++ = *p;
		if (*p == '\n')
			*q++ = '\n';
	}
	*q = '\0';
	struct q_doc doc;
	struct q_error err;
	struct q_extract_opts opts = {date, 0};
	q_doc_init(&doc);
	q_error_init(&err);
	int rc = q_extract("meantime", fed, (size_t)(q - fed), &opts, &doc, &err);
	if (rc) {
		q_error_print(&err, stderr);
	} else {
		/* Each line of the text gained one newline: take them back off. */
		for (size_t k = 0; k < doc.timexes.count; k++) {
			const struct q_timex *t = &doc.timexes.items[k];
			lines = 0;
			for (size_t b = 0; b < t->span.bstart; b++)
				lines += doc.text.ptr[b] == '\n';
			long start = (long)(t->span.start - lines / 2);
			long end = (long)(t->span.end - lines / 2);
			if (start >= limit)
				continue;
			char value[48];
			snprintf(value, sizeof(value), "%.*s", (int)t->value.len,
				 t->value.ptr ? t->value.ptr : "");
			push(out, start, end, q_timex_type_names[t->type], value);
		}
	}
	q_doc_release(&doc);
	free(fed);
	return rc;
}

static void report(const struct tally *t)
{
	double p = t->sys ? (double)t->relaxed / t->sys : 0;
	double r = t->gold ? (double)t->relaxed / t->gold : 0;
	double ps = t->sys ? (double)t->strict / t->sys : 0;
	double rs = t->gold ? (double)t->strict / t->gold : 0;
	printf("RESULT timex detect-f1 %s %.3f\n", t->system, p + r > 0 ? 2 * p * r / (p + r) : 0);
	printf("RESULT timex detect-f1-strict %s %.3f\n", t->system,
	       ps + rs > 0 ? 2 * ps * rs / (ps + rs) : 0);
	printf("RESULT timex value-acc %s %.3f\n", t->system,
	       t->relaxed ? (double)t->value_ok / t->relaxed : 0);
	printf("RESULT timex type-acc %s %.3f\n", t->system,
	       t->relaxed ? (double)t->type_ok / t->relaxed : 0);
}

#define MAX_SYSTEMS 8

/* The peers' predictions for one document, by system. */
static void read_predictions(FILE *f, const char *doc_id, long limit,
			     const char **names, size_t nnames, struct spans *out)
{
	char line[1024];
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		char *fields[6], *p = line;
		size_t n = 0;
		line[strcspn(line, "\n")] = '\0';
		while (n < 6) {
			fields[n++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (n < 6 || strcmp(fields[1], doc_id) != 0)
			continue;
		for (size_t k = 0; k < nnames; k++)
			if (strcmp(names[k], fields[0]) == 0 && atol(fields[2]) < limit)
				push(&out[k], atol(fields[2]), atol(fields[3]), fields[4], fields[5]);
	}
}

/* The systems named in the predictions file, in their first order. */
static size_t systems_of(FILE *f, char names[MAX_SYSTEMS][32])
{
	char line[1024];
	size_t n = 0;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, "\t");
		if (len == 0 || len >= 32)
			continue;
		line[len] = '\0';
		size_t k = 0;
		while (k < n && strcmp(names[k], line) != 0)
			k++;
		if (k == n && n < MAX_SYSTEMS)
			memcpy(names[n++], line, len + 1);
	}
	return n;
}

int main(int argc, char **argv)
{
	int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	if (argc < 2 + verbose) {
		fprintf(stderr, "usage: timex_score [-v] MEANTIME.jsonl [PREDICTIONS.tsv]\n");
		return 2;
	}
	FILE *in = fopen(argv[1 + verbose], "r");
	FILE *pred = argc > 2 + verbose ? fopen(argv[2 + verbose], "r") : NULL;
	if (!in) {
		perror(argv[1 + verbose]);
		return 1;
	}
	char names[MAX_SYSTEMS][32];
	const char *peer[MAX_SYSTEMS];
	size_t npeers = pred ? systems_of(pred, names) : 0;
	struct tally tally[MAX_SYSTEMS + 1] = {{"quarry", 0, 0, 0, 0, 0, 0}};
	for (size_t k = 0; k < npeers; k++) {
		peer[k] = names[k];
		tally[k + 1].system = names[k];
	}
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, in) > 0) {
		json_error_t jerr;
		json_t *doc = json_loads(line, 0, &jerr);
		if (!doc)
			continue;
		const char *text = json_string_value(json_object_get(doc, "text"));
		const char *id = json_string_value(json_object_get(doc, "doc_id"));
		long last = (long)json_integer_value(json_object_get(doc, "annotated_through_sentence"));
		char date[11];
		int dated = creation_date(doc, date);
		long limit = annotated_end(text, last);
		struct spans gold = {0}, sys[MAX_SYSTEMS + 1] = {{0}};
		size_t k;
		json_t *t;
		json_array_foreach(json_object_get(doc, "timex3"), k, t) {
			json_t *start = json_object_get(t, "start");
			if (!start || json_integer_value(start) >= limit)
				continue;
			push(&gold, (long)json_integer_value(start),
			     (long)json_integer_value(json_object_get(t, "end")),
			     json_string_value(json_object_get(t, "type")),
			     json_string_value(json_object_get(t, "value")));
		}
		run_quarry(text, dated ? date : NULL, limit, &sys[0]);
		match(&tally[0], &gold, &sys[0], id, verbose);
		if (pred) {
			read_predictions(pred, id, limit, peer, npeers, &sys[1]);
			for (k = 0; k < npeers; k++)
				match(&tally[k + 1], &gold, &sys[k + 1], id, 0);
		}
		for (k = 0; k <= npeers; k++)
			free(sys[k].items);
		free(gold.items);
		json_decref(doc);
	}
	free(line);
	fclose(in);
	if (pred)
		fclose(pred);
	for (size_t k = 0; k <= npeers; k++)
		report(&tally[k]);
	return 0;
}

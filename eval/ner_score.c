/*
 * ner_score.c — exact-span micro F1 of PER, LOC and ORG against a
 * Universal NER file (IOB2, one token a line, "# sent_id" and "# text"
 * before each sentence).
 *
 *   ner_score [options] LABEL GOLD.iob2
 *     --prefix P           only sentences whose id starts with P ("n": news)
 *     --system NAME        score NAME's predictions instead of quarry's
 *     --predictions FILE   … read from FILE: JSON lines {"system", "id",
 *                          "spans": [[byte start, byte end, "PER"], …]}
 *     --dump               print each sentence's misses and false alarms,
 *                          and quarry's mentions of the types not scored
 *                          ("other": NORP, EVENT, LAW, MISC)
 *     --documents          quarry reads each document ("# newdoc id") whole,
 *                          its sentences as paragraphs, not each sentence
 *     --lenient            a predicted span counts when it lies inside a
 *                          gold span of its type, and a gold span is found
 *                          when one does (for gold files that mark whole
 *                          noun phrases: "Airbus parent EADS")
 *
 * Prints "RESULT ner LABEL SYSTEM F1".  quarry reads each sentence's text
 * as a document of its own; its PERSON mentions count as PER, GPE and LOC
 * as LOC, ORG as ORG, other types as no prediction.  A predicted span
 * counts only when it starts and ends where tokens do and has the type
 * and the tokens of a gold span.  F1 is that of precision (the share of
 * predicted spans that count) and recall (the share of gold spans found).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract.h"

enum { PER, LOC, ORG, NTYPES };
static const char *const type_names[NTYPES] = {"PER", "LOC", "ORG"};

struct span {
	int type;
	long t0, t1; /* tokens [t0, t1]; -1 when not on token boundaries */
};

struct sentence {
	char *id, *text;
	long doc; /* the document it is in: the count of "# newdoc" before it */
	size_t ntok;
	long *tstart, *tend; /* byte offsets of each token in text, -1 when lost */
	struct span *gold;
	size_t ngold;
};

/* Predicted spans that count and that do not, gold spans found and not. */
struct counts {
	long ok[NTYPES], bad[NTYPES], found[NTYPES], missed[NTYPES];
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "ner_score: out of memory\n");
		exit(70);
	}
	return p;
}

static int type_of_tag(const char *t)
{
	for (int k = 0; k < NTYPES; k++)
		if (strcmp(t, type_names[k]) == 0)
			return k;
	return -1;
}

/* Finds each token in the text, in order, so spans map to bytes. */
static void align(struct sentence *s, char **toks)
{
	size_t at = 0, len = strlen(s->text);
	for (size_t k = 0; k < s->ntok; k++) {
		size_t tl = strlen(toks[k]);
		while (at < len && (s->text[at] == ' ' || s->text[at] == '\t'))
			at++;
		const char *f = memmem(s->text + at, len - at, toks[k], tl);
		if (f && (size_t)(f - s->text) - at <= 8) {
			s->tstart[k] = f - s->text;
			s->tend[k] = s->tstart[k] + (long)tl;
			at = (size_t)s->tend[k];
		} else {
			s->tstart[k] = s->tend[k] = -1;
		}
	}
}

static void gold_spans(struct sentence *s, char **tags)
{
	long open = -1;
	int type = -1;
	s->gold = xrealloc(NULL, (s->ntok + 1) * sizeof(*s->gold));
	s->ngold = 0;
	for (size_t k = 0; k <= s->ntok; k++) {
		const char *t = k < s->ntok ? tags[k] : "O";
		int inside = t[0] == 'I' && t[1] == '-' && type == type_of_tag(t + 2);
		if (open >= 0 && !inside) {
			if (type >= 0)
				s->gold[s->ngold++] = (struct span){type, open, (long)k - 1};
			open = -1;
		}
		if ((t[0] == 'B' || t[0] == 'I') && t[1] == '-' && open < 0) {
			open = (long)k;
			type = type_of_tag(t + 2);
		}
	}
}

/* Reads the sentences of an IOB2 file. */
static struct sentence *read_gold(const char *path, size_t *count)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "ner_score: cannot read %s\n", path);
		exit(66);
	}
	struct sentence *ss = NULL, cur = {0};
	char **toks = NULL, **tags = NULL;
	size_t n = 0, cap = 0, tcap = 0;
	long doc = 0;
	char line[8192];
	int more = 1;
	while (more) {
		more = fgets(line, sizeof(line), f) != NULL;
		size_t l = more ? strlen(line) : 0;
		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			line[--l] = '\0';
		if (!more || l == 0) {
			if (cur.ntok && cur.text) {
				cur.tstart = xrealloc(NULL, cur.ntok * sizeof(long));
				cur.tend = xrealloc(NULL, cur.ntok * sizeof(long));
				align(&cur, toks);
				gold_spans(&cur, tags);
				if (n == cap)
					ss = xrealloc(ss, (cap = cap ? 2 * cap : 256) * sizeof(*ss));
				cur.doc = doc;
				ss[n++] = cur;
			} else {
				free(cur.id);
				free(cur.text);
			}
			for (size_t k = 0; k < cur.ntok; k++)
				free(toks[k]), free(tags[k]);
			memset(&cur, 0, sizeof(cur));
			continue;
		}
		if (strncmp(line, "# newdoc", 8) == 0) {
			doc++;
		} else if (strncmp(line, "# sent_id = ", 12) == 0) {
			cur.id = strdup(line + 12);
		} else if (strncmp(line, "# text = ", 9) == 0) {
			cur.text = strdup(line + 9);
		} else if (line[0] != '#') {
			char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
			if (!tab2)
				continue;
			char *tab3 = strchr(tab2 + 1, '\t');
			if (tab3)
				*tab3 = '\0';
			*tab2 = '\0';
			if (cur.ntok == tcap) {
				tcap = tcap ? 2 * tcap : 64;
				toks = xrealloc(toks, tcap * sizeof(*toks));
				tags = xrealloc(tags, tcap * sizeof(*tags));
			}
			toks[cur.ntok] = strdup(tab1 + 1);
			tags[cur.ntok] = strdup(tab2 + 1);
			cur.ntok++;
		}
	}
	fclose(f);
	free(toks);
	free(tags);
	*count = n;
	return ss;
}

/* The tokens a byte span covers exactly, or t0 = -1.  A period at the
 * end may be in the span or not, whatever the tokens say ("Inc.", "U.S."
 * at the end of a sentence), for every system alike. */
static struct span to_tokens(const struct sentence *s, int type, long b, long e)
{
	struct span sp = {type, -1, -1};
	for (int pass = 0; pass < 3 && sp.t1 < 0; pass++) {
		long end = e;
		if (pass == 1 && e > b + 1 && s->text[e - 1] == '.')
			end = e - 1;
		else if (pass == 2 && s->text[e] == '.')
			end = e + 1;
		else if (pass > 0)
			continue;
		sp.t0 = -1;
		for (size_t k = 0; k < s->ntok; k++) {
			if (s->tstart[k] == b)
				sp.t0 = (long)k;
			if (s->tend[k] == end && sp.t0 >= 0)
				sp.t1 = (long)k;
		}
	}
	if (sp.t1 < 0)
		sp.t0 = -1;
	return sp;
}

/* quarry's type of an entity: PER, LOC, ORG; else, with others, -1 - the
 * entity type; else NTYPES. */
static int scored_type(enum q_entity_type t, int others)
{
	int type = t == Q_ENT_PERSON ? PER
		   : t == Q_ENT_GPE || t == Q_ENT_LOC ? LOC
		   : t == Q_ENT_ORG ? ORG : -1;
	if (type < 0)
		type = others ? -1 - (int)t : NTYPES;
	return type;
}

struct predictions {
	struct span *spans;
	size_t count;
};

/*
 * quarry on sentences [first, last) as one document, each sentence a
 * paragraph: its mentions as token spans of their sentences, in preds
 * (one a sentence); with others, those of the types not scored too
 * (NORP, EVENT, LAW, MISC).
 */
static void quarry_spans(const struct sentence *ss, size_t first, size_t last,
			 struct predictions *preds, int others)
{
	size_t len = 0, *at = xrealloc(NULL, (last - first) * sizeof(size_t));
	for (size_t i = first; i < last; i++)
		len += strlen(ss[i].text) + 2;
	char *text = xrealloc(NULL, len + 1);
	len = 0;
	for (size_t i = first; i < last; i++) {
		at[i - first] = len;
		len += (size_t)sprintf(text + len, "%s%s", ss[i].text, i + 1 < last ? "\n\n" : "");
	}
	for (size_t i = first; i < last; i++)
		preds[i - first] = (struct predictions){xrealloc(NULL, sizeof(struct span)), 0};
	struct q_doc doc;
	struct q_error err;
	q_doc_init(&doc);
	q_error_init(&err);
	/* A "Key: value" first line may be read as a header: offsets are
	 * into what follows it. */
	if (q_extract(ss[first].id ? ss[first].id : "-", text, len, NULL, &doc, &err) == 0 &&
	    memcmp(text + len - doc.text.len, doc.text.ptr, doc.text.len) == 0) {
		size_t base = len - doc.text.len;
		for (size_t e = 0; e < doc.entities.count; e++) {
			const struct q_entity *ent = &doc.entities.items[e];
			int type = scored_type(ent->type, others);
			for (size_t m = 0; type != NTYPES && m < ent->mentions.count; m++) {
				size_t b = base + ent->mentions.items[m].span.bstart;
				size_t k = 0;
				while (first + k + 1 < last && at[k + 1] <= b)
					k++;
				struct predictions *p = &preds[k];
				p->spans = xrealloc(p->spans, (p->count + 1) * sizeof(struct span));
				p->spans[p->count++] =
					to_tokens(&ss[first + k], type, (long)(b - at[k]),
						  (long)(base + ent->mentions.items[m].span.bend - at[k]));
			}
		}
	}
	q_doc_release(&doc);
	free(text);
	free(at);
}

/* A peer's predictions, by sentence id. */
static json_t *read_predictions(const char *path, const char *system)
{
	FILE *f = fopen(path, "r");
	json_t *by_id = json_object();
	char *line = NULL;
	size_t cap = 0;
	if (!f) {
		fprintf(stderr, "ner_score: cannot read %s\n", path);
		exit(66);
	}
	while (getline(&line, &cap, f) > 0) {
		json_t *o = json_loads(line, 0, NULL);
		const char *sys = json_string_value(json_object_get(o, "system"));
		const char *id = json_string_value(json_object_get(o, "id"));
		if (sys && id && strcmp(sys, system) == 0)
			json_object_set(by_id, id, json_object_get(o, "spans"));
		json_decref(o);
	}
	free(line);
	fclose(f);
	return by_id;
}

static struct predictions peer_spans(const struct sentence *s, json_t *by_id)
{
	json_t *spans = s->id ? json_object_get(by_id, s->id) : NULL;
	struct predictions p = {xrealloc(NULL, (json_array_size(spans) + 1) * sizeof(struct span)), 0};
	size_t i;
	json_t *sp;
	json_array_foreach(spans, i, sp) {
		const char *tag = json_string_value(json_array_get(sp, 2));
		int type = tag ? type_of_tag(tag) : -1;
		if (type >= 0)
			p.spans[p.count++] = to_tokens(s, type,
						       (long)json_integer_value(json_array_get(sp, 0)),
						       (long)json_integer_value(json_array_get(sp, 1)));
	}
	return p;
}

static int same(const struct span *a, const struct span *b)
{
	return a->type == b->type && a->t0 == b->t0 && a->t1 == b->t1 && a->t0 >= 0;
}

/* The same, or the same but a period the gold file holds as a token of
 * its own after it ("U.S" "." at a sentence's end). */
static int same_but_period(const struct sentence *s, const struct span *p, const struct span *g)
{
	if (same(p, g))
		return 1;
	return p->t0 >= 0 && p->t1 == g->t1 + 1 && p->t0 == g->t0 && p->type == g->type &&
	       s->tend[p->t1] - s->tstart[p->t1] == 1 && s->text[s->tstart[p->t1]] == '.';
}

/* Inside the gold span, of its type. */
static int inside(const struct span *p, const struct span *g)
{
	return p->type == g->type && p->t0 >= 0 && p->t0 >= g->t0 && p->t1 <= g->t1;
}

static void print_span(const struct sentence *s, const struct span *sp, const char *what)
{
	const char *type = sp->type >= 0 ? type_names[sp->type] : q_entity_type_names[-1 - sp->type];
	if (sp->t0 < 0) {
		printf("  %s %s (not on token boundaries)\n", what, type);
		return;
	}
	printf("  %s %s \"", what, type);
	for (long k = sp->t0; k <= sp->t1; k++) {
		if (s->tstart[k] < 0)
			continue;
		printf("%s%.*s", k > sp->t0 ? " " : "", (int)(s->tend[k] - s->tstart[k]),
		       s->text + s->tstart[k]);
	}
	printf("\"\n");
}

/* Counts a sentence's predictions: exactly, each gold span matched once;
 * leniently, every prediction inside a gold span of its type counts. */
static void score(const struct sentence *s, const struct predictions *pr, struct counts *c,
		  int dump, int lenient)
{
	int header = 0;
	char *used = calloc(s->ngold + 1, 1);
	for (size_t i = 0; i < pr->count; i++) {
		const struct span *p = &pr->spans[i];
		size_t g = 0;
		if (p->type < 0) {
			if (!header++)
				printf("%s: %s\n", s->id, s->text);
			print_span(s, p, "other");
			continue;
		}
		while (g < s->ngold && (lenient ? !inside(p, &s->gold[g])
					: used[g] || !same_but_period(s, p, &s->gold[g])))
			g++;
		if (g < s->ngold) {
			used[g] = 1;
			c->ok[p->type]++;
			continue;
		}
		c->bad[p->type]++;
		if (dump) {
			if (!header++)
				printf("%s: %s\n", s->id, s->text);
			print_span(s, p, "false");
		}
	}
	for (size_t g = 0; g < s->ngold; g++) {
		if (used[g]) {
			c->found[s->gold[g].type]++;
			continue;
		}
		c->missed[s->gold[g].type]++;
		if (dump) {
			if (!header++)
				printf("%s: %s\n", s->id, s->text);
			print_span(s, &s->gold[g], "missed");
		}
	}
	free(used);
}

static double share(long part, long other)
{
	return part + other ? (double)part / (double)(part + other) : 0.0;
}

static double f1(long ok, long bad, long found, long missed)
{
	double p = share(ok, bad), r = share(found, missed);
	return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

int main(int argc, char **argv)
{
	const char *prefix = "", *system = "quarry", *predictions = NULL;
	int dump = 0, verbose = 0, documents = 0, lenient = 0, a = 1;
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "--prefix") == 0 && a + 1 < argc)
			prefix = argv[++a];
		else if (strcmp(argv[a], "--system") == 0 && a + 1 < argc)
			system = argv[++a];
		else if (strcmp(argv[a], "--predictions") == 0 && a + 1 < argc)
			predictions = argv[++a];
		else if (strcmp(argv[a], "--dump") == 0)
			dump = 1;
		else if (strcmp(argv[a], "--verbose") == 0)
			verbose = 1;
		else if (strcmp(argv[a], "--documents") == 0)
			documents = 1;
		else if (strcmp(argv[a], "--lenient") == 0)
			lenient = 1;
		else
			break;
	}
	if (argc - a != 2) {
		fprintf(stderr, "usage: ner_score [--prefix P] [--system NAME --predictions FILE] "
				"[--documents] [--lenient] [--dump] [--verbose] LABEL GOLD.iob2\n");
		return 2;
	}
	const char *label = argv[a];
	size_t ns;
	struct sentence *ss = read_gold(argv[a + 1], &ns);
	json_t *peer = predictions ? read_predictions(predictions, system) : NULL;
	struct counts c = {{0}, {0}, {0}, {0}};
	struct predictions *preds = xrealloc(NULL, (ns + 1) * sizeof(*preds));
	for (size_t i = 0, j; i < ns; i = j) {
		j = i + 1;
		while (documents && j < ns && ss[j].doc == ss[i].doc)
			j++;
		if (peer)
			for (size_t k = i; k < j; k++)
				preds[k] = peer_spans(&ss[k], peer);
		else
			quarry_spans(ss, i, j, preds + i, dump);
	}
	for (size_t i = 0; i < ns; i++) {
		if (strncmp(ss[i].id ? ss[i].id : "", prefix, strlen(prefix)) == 0)
			score(&ss[i], &preds[i], &c, dump, lenient);
		free(preds[i].spans);
	}
	free(preds);
	long ok = 0, bad = 0, found = 0, missed = 0;
	for (int k = 0; k < NTYPES; k++)
		ok += c.ok[k], bad += c.bad[k], found += c.found[k], missed += c.missed[k];
	printf("RESULT ner %s %s %.3f\n", label, system, f1(ok, bad, found, missed));
	if (verbose) {
		fprintf(stderr, "%s %s: P %.3f R %.3f", label, system, share(ok, bad),
			share(found, missed));
		for (int k = 0; k < NTYPES; k++)
			fprintf(stderr, "  %s F1 %.3f (%ld/%ld/%ld)", type_names[k],
				f1(c.ok[k], c.bad[k], c.found[k], c.missed[k]), c.ok[k], c.bad[k],
				c.missed[k]);
		fprintf(stderr, "\n");
	}
	json_decref(peer);
	for (size_t i = 0; i < ns; i++) {
		free(ss[i].id);
		free(ss[i].text);
		free(ss[i].tstart);
		free(ss[i].tend);
		free(ss[i].gold);
	}
	free(ss);
	return 0;
}

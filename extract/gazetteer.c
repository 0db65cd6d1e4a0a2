/*
 * gazetteer.c — the name lists of data/gazetteers/, parsed once per
 * process into three hash maps:
 *
 *   names   the key of a name (its tokens joined, see q_gaz_key) to its
 *           type and canonical name: "Republic of Korea" → GPE "South Korea"
 *   words   a lowercase word to its classes (Q_GW_…: given name, title,
 *           organisation head, common word …) and, in the top six bits, the
 *           most tokens of a name starting with it, so that one lookup
 *           per capitalised word tells whether a name may start there
 *
 * The embedded files are static, so keys point into them where they can;
 * what has to be built (lowercase words, joined keys, plurals) lives in
 * one arena that lasts as long as the process.
 */
#include "extract/extract.h"

#include <pthread.h>
#include <string.h>

struct q_gazetteer {
	struct q_arena arena;
	struct q_map names, words;
	struct q_name_tokens toks;
};

static struct q_gazetteer gaz;
static pthread_once_t gaz_once = PTHREAD_ONCE_INIT;
static int gaz_failed;

#define KEY_MAX 160

/* ---- keys ------------------------------------------------------------ */

static int is_upper_ascii(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

/* Lowercase of w into out (ASCII and Latin-1 capitals); its length, or 0
 * when it does not fit. */
static size_t lower(const char *w, size_t n, char *out, size_t cap)
{
	if (n == 0 || n > cap)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		if (is_upper_ascii(c))
			c = (unsigned char)(c + 32);
		else if (c >= 0x80 && c <= 0x9E && c != 0x97 && i > 0 &&
			 (unsigned char)w[i - 1] == 0xC3)
			c = (unsigned char)(c + 0x20); /* À–Þ to à–þ */
		out[i] = (char)c;
	}
	return n;
}

size_t q_gaz_key(const char *text, const struct q_name_token *tokens, size_t count,
		 int titlecase, char *out, size_t cap)
{
	return q_gaz_key_ends(text, tokens, count, titlecase, out, cap, NULL);
}

size_t q_gaz_key_ends(const char *text, const struct q_name_token *tokens, size_t count,
		      int titlecase, char *out, size_t cap, size_t *ends)
{
	size_t len = 0;
	for (size_t k = 0; k < count; k++)
		if (ends)
			ends[k] = 0;
	for (size_t k = 0; k < count; k++) {
		const struct q_name_token *t = &tokens[k];
		const char *w = text + t->start;
		size_t n = t->end - t->start;
		if (k > 0 && (t->flags & Q_TOKF_SPACE)) {
			if (len + 1 > cap)
				return 0;
			out[len++] = ' ';
		}
		if (len + n > cap)
			return 0;
		int lowering = titlecase && (t->flags & Q_TOKF_ALLCAPS) &&
			       !(t->flags & Q_TOKF_DOTTED);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)w[i];
			/* "’" is written "'" in keys. */
			if (c == 0xE2 && i + 2 < n && (unsigned char)w[i + 1] == 0x80 &&
			    (unsigned char)w[i + 2] == 0x99) {
				out[len++] = '\'';
				i += 2;
				continue;
			}
			if (lowering && i > 0 && is_upper_ascii(c))
				c = (unsigned char)(c + 32);
			out[len++] = (char)c;
		}
		if (ends)
			ends[k] = len;
	}
	return len;
}

/* ---- lookups --------------------------------------------------------- */

uint32_t q_gaz_word(const struct q_gazetteer *g, const char *w, size_t n)
{
	char low[KEY_MAX];
	size_t len = lower(w, n, low, sizeof(low));
	return len ? (uint32_t)(uintptr_t)q_map_get(&g->words, low, len) : 0;
}

const struct q_gaz_name *q_gaz_name(const struct q_gazetteer *g, const char *key,
				    size_t n)
{
	return q_map_get(&g->names, key, n);
}

/* ---- loading --------------------------------------------------------- */

/* Adds classes to a word; tokens > 0 records a name of that many tokens
 * starting with it. */
static int add_word_info(struct q_gazetteer *g, const char *w, size_t n, uint32_t cls,
			 size_t tokens)
{
	char low[KEY_MAX];
	size_t len = lower(w, n, low, sizeof(low));
	if (!len)
		return 0;
	uint32_t old = (uint32_t)(uintptr_t)q_map_get(&g->words, low, len);
	uint32_t most = Q_GW_NAME_TOKENS(old);
	if (tokens > most)
		most = tokens > Q_GW_NAME_TOKENS_MAX ? Q_GW_NAME_TOKENS_MAX : (uint32_t)tokens;
	/* A key already there is kept by the map: only a new one is copied. */
	const char *key = old ? low : q_arena_strndup(&g->arena, low, len);
	uint32_t v = (old & ((1u << Q_GW_NAME_TOKENS_SHIFT) - 1)) | cls |
		     most << Q_GW_NAME_TOKENS_SHIFT;
	if (!key || q_map_put(&g->words, key, len, (void *)(uintptr_t)v))
		return Q_ENOMEM;
	return 0;
}

static int add_word(struct q_gazetteer *g, const char *w, size_t n, uint32_t cls)
{
	return add_word_info(g, w, n, cls, 0);
}

/*
 * Adds a name (the first of its file wins) under the key its tokens make,
 * and records its length with its first word.
 */
static int add_name(struct q_gazetteer *g, const char *s, size_t n,
		    enum q_entity_type type, struct q_str canon)
{
	char key[KEY_MAX];
	if (n == 0)
		return 0;
	g->toks.count = 0;
	if (q_name_tokens_scan(&g->arena, s, 0, n, &g->toks))
		return Q_ENOMEM;
	size_t len = q_gaz_key(s, g->toks.items, g->toks.count, 0, key, sizeof(key));
	if (!len || q_map_get(&g->names, key, len))
		return 0;
	struct q_gaz_name *name = q_arena_alloc(&g->arena, sizeof(*name));
	char *k = q_arena_strndup(&g->arena, key, len);
	if (!name || !k)
		return Q_ENOMEM;
	name->type = type;
	name->canon = canon;
	if (q_map_put(&g->names, k, len, name))
		return Q_ENOMEM;
	const struct q_name_token *t0 = &g->toks.items[0];
	return add_word_info(g, s + t0->start, t0->end - t0->start, 0, g->toks.count);
}

/* s[0..n) without the blanks around it. */
static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

/* The next line that holds an entry, trimmed: blank lines and "#"
 * comments are passed over.  0 at the end. */
static int next_entry(const char **p, const char *end, const char **line, size_t *len)
{
	while (*p < end) {
		const char *nl = memchr(*p, '\n', (size_t)(end - *p));
		*line = *p;
		*len = (size_t)((nl ? nl : end) - *p);
		*p = nl ? nl + 1 : end;
		trim(line, len);
		if (*len && (*line)[0] != '#')
			return 1;
	}
	return 0;
}

/* Splits s at the first sep: the part before (trimmed) and the rest. */
static struct q_str field(const char **s, size_t *n, char sep)
{
	const char *at = memchr(*s, sep, *n);
	size_t flen = at ? (size_t)(at - *s) : *n;
	const char *f = *s;
	*s += at ? flen + 1 : flen;
	*n -= at ? flen + 1 : flen;
	trim(&f, &flen);
	return q_str_make(f, flen);
}

/* A plural for demonyms: "Americans", "Iraqis", "Filipinos". */
static int add_plural(struct q_gazetteer *g, struct q_str d, struct q_str canon)
{
	char last = d.len ? d.ptr[d.len - 1] : 0;
	if (last != 'n' && last != 'i' && last != 'o')
		return 0;
	char *p = q_arena_alloc(&g->arena, d.len + 2);
	if (!p)
		return Q_ENOMEM;
	memcpy(p, d.ptr, d.len);
	p[d.len] = 's';
	return add_name(g, p, d.len + 1, Q_ENT_NORP, canon);
}

/*
 * A table of names: "NAME | FIELD | …" where each field is a list of
 * names separated by ';'.  roles[k] tells what field k holds: 'n' other
 * names of the same thing (type), 'd' demonyms (NORP, with plurals).
 */
static int load_table(struct q_gazetteer *g, const struct q_embedded *f,
		      enum q_entity_type type, const char *roles)
{
	const char *p = f->data, *end = f->data + f->size, *line;
	size_t len;
	while (next_entry(&p, end, &line, &len)) {
		struct q_str canon = field(&line, &len, '|');
		struct q_str demonym = Q_STR_NULL;
		if (add_name(g, canon.ptr, canon.len, type, canon))
			return Q_ENOMEM;
		for (const char *r = roles; *r && len; r++) {
			struct q_str list = field(&line, &len, '|');
			while (list.len) {
				struct q_str item = field(&list.ptr, &list.len, ';');
				if (!item.len)
					continue;
				int rc;
				if (*r == 'd') {
					if (!demonym.ptr)
						demonym = item;
					rc = add_name(g, item.ptr, item.len, Q_ENT_NORP, demonym) ||
					     add_plural(g, item, demonym);
				} else {
					rc = add_name(g, item.ptr, item.len, type, canon);
				}
				if (rc)
					return Q_ENOMEM;
			}
		}
	}
	return 0;
}

/* A list of words, one a line, all of one class. */
static int load_words(struct q_gazetteer *g, const struct q_embedded *f, uint32_t cls)
{
	const char *p = f->data, *end = f->data + f->size, *line;
	size_t len;
	while (next_entry(&p, end, &line, &len))
		if (add_word(g, line, len, cls))
			return Q_ENOMEM;
	return 0;
}

/* titles.txt: "WORD", "WORD of" or "WORD ." a line. */
static int load_titles(struct q_gazetteer *g, const struct q_embedded *f)
{
	const char *p = f->data, *end = f->data + f->size, *line;
	size_t len;
	while (next_entry(&p, end, &line, &len)) {
		struct q_str w = field(&line, &len, ' ');
		uint32_t cls = Q_GW_TITLE;
		if (len == 2 && memcmp(line, "of", 2) == 0)
			cls |= Q_GW_TITLE_OF;
		else if (len == 1 && line[0] == '.')
			cls |= Q_GW_ABBREV;
		if (add_word(g, w.ptr, w.len, cls))
			return Q_ENOMEM;
	}
	return 0;
}

/* cue_words.txt: "CLASS: WORD WORD …" a line. */
static int load_cues(struct q_gazetteer *g, const struct q_embedded *f)
{
	static const struct {
		const char *name;
		uint32_t cls;
	} classes[] = {
		{"org", Q_GW_ORG},
		{"event", Q_GW_EVENT},
		{"law", Q_GW_LAW},
		{"loc", Q_GW_LOC},
		{"gpe", Q_GW_GPE},
		{"loc_prefix", Q_GW_LOC_PREFIX},
		{"event_prefix", Q_GW_EVENT_PREFIX},
		{"gpe_noun", Q_GW_GPE_NOUN},
		{"time", Q_GW_TIME},
		{"particle", Q_GW_PARTICLE},
		{"person_after", Q_GW_PERSON_AFTER},
		{"person_before", Q_GW_PERSON_BEFORE},
		{"person_of", Q_GW_PERSON_OF},
		{"loc_before", Q_GW_LOC_BEFORE},
		{"not_name", Q_GW_NOT_NAME},
		{"org_noun", Q_GW_ORG_NOUN},
		{"org_poss", Q_GW_ORG_POSS},
		{"person_poss", Q_GW_PERSON_POSS},
		{"alone", Q_GW_ALONE},
		{"person_passive", Q_GW_PERSON_PASSIVE},
	};
	const char *p = f->data, *end = f->data + f->size, *line;
	size_t len;
	while (next_entry(&p, end, &line, &len)) {
		struct q_str name = field(&line, &len, ':');
		uint32_t cls = 0;
		for (size_t k = 0; k < sizeof(classes) / sizeof(classes[0]); k++)
			if (q_str_eq_cstr(name, classes[k].name))
				cls = classes[k].cls;
		while (cls && len) {
			struct q_str w = field(&line, &len, ' ');
			if (w.len && add_word(g, w.ptr, w.len, cls))
				return Q_ENOMEM;
		}
	}
	return 0;
}

static const struct q_embedded *file(const char *name)
{
	for (const struct q_embedded *e = q_gazetteer_files; e->name; e++)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

/* Abbreviations whose period belongs to them before a name or after one. */
static int add_abbrevs(struct q_gazetteer *g)
{
	static const char *const abbrevs[] = {
		"inc", "corp", "co", "ltd", "jr", "sr", "st", "mt", "ft", "bros",
		"dept", "univ", "assn", "no",
	};
	for (size_t i = 0; i < sizeof(abbrevs) / sizeof(abbrevs[0]); i++)
		if (add_word(g, abbrevs[i], strlen(abbrevs[i]), Q_GW_ABBREV))
			return Q_ENOMEM;
	return 0;
}

/* The files in the order their names win: a name in countries.txt is a
 * country even if a city has it too. */
static int build(struct q_gazetteer *g)
{
	static const struct {
		const char *file;
		enum q_entity_type type;
		const char *roles;
	} tables[] = {
		{"countries.txt", Q_ENT_GPE, "dn"},
		{"us_states.txt", Q_ENT_GPE, "nn"},
		{"cities.txt", Q_ENT_GPE, "n"},
		{"regions.txt", Q_ENT_GPE, "n"},
		{"places.txt", Q_ENT_LOC, "n"},
		{"organizations.txt", Q_ENT_ORG, "n"},
		{"groups.txt", Q_ENT_NORP, "n"},
		{"indices.txt", Q_ENT_MISC, "n"},
	};
	static const struct {
		const char *file;
		uint32_t cls;
	} lists[] = {
		{"common_words.txt", Q_GW_COMMON},
		{"given_names.txt", Q_GW_GIVEN},
		{"surnames.txt", Q_GW_SURNAME},
		{"surnames_first.txt", Q_GW_SURNAME_FIRST},
	};
	q_arena_init(&g->arena);
	q_map_init(&g->names);
	q_map_init(&g->words);
	g->toks.items = NULL;
	g->toks.count = g->toks.cap = 0;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		const struct q_embedded *f = file(tables[i].file);
		if (f && load_table(g, f, tables[i].type, tables[i].roles))
			return Q_ENOMEM;
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		const struct q_embedded *f = file(lists[i].file);
		if (f && load_words(g, f, lists[i].cls))
			return Q_ENOMEM;
	}
	const struct q_embedded *t = file("titles.txt"), *c = file("cue_words.txt");
	if ((t && load_titles(g, t)) || (c && load_cues(g, c)) || add_abbrevs(g))
		return Q_ENOMEM;
	return 0;
}

static void load(void)
{
	if (build(&gaz))
		gaz_failed = 1;
}

const struct q_gazetteer *q_gazetteer(void)
{
	pthread_once(&gaz_once, load);
	return gaz_failed ? NULL : &gaz;
}

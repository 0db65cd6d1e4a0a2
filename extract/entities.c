/*
 * entities.c — named entities, their coreference, and acronyms.
 *
 * Two passes over the document, both linear.
 *
 * 1. Candidates, sentence by sentence.  The tokens of a sentence are
 *    grouped into chunks: runs of capitalised words, with gazetteer names
 *    taken whole by longest match ("Republic of Korea"), and the
 *    lowercase words that live inside names ("Ministry of National
 *    Defense", "Office for the Coordination of …", "Charles de Gaulle").
 *    A chunk is then cut into pieces: at a hyphen between two places
 *    ("South Korea-U.S."), and around a title, which is no part of a name
 *    ("U.S. Secretary of Defense Lloyd Austin" gives U.S. and Lloyd
 *    Austin).  Each piece gets a type from, strongest first: the
 *    gazetteers, its head word (Ministry → ORG, Summit → EVENT, Treaty →
 *    LAW), a title before it, given and family names, then context words
 *    ("said", "in", "the … exercise"), and a default.  How sure the type
 *    is (the strength) is kept with it.  Sentence-initial common words
 *    ("Meanwhile"), headlines in title case and text in capitals yield
 *    nothing or only weak candidates.  Acronyms are found here too:
 *    "Long Form (LF)", "LF (Long Form)", and capitals that spell the
 *    initials of an earlier name ("… Security Consultative Meeting … The
 *    SCM").
 *
 * 2. Coreference.  A one-word candidate that is the family or given name
 *    of a person named in full elsewhere ("Austin", "Kim") joins that
 *    person; a short form joins its long form; gazetteer names join
 *    under their canonical name ("U.S." and "United States"); the rest
 *    join by their text (leading places and nationalities and company
 *    suffixes set aside: "Boeing Co." is Boeing).  Maps are keyed by
 *    words, so nothing compares all pairs.  An entity keeps the type of
 *    its surest mention; one with only weak mentions is dropped.  Ids
 *    E1, E2, … follow first mentions; the name is the longest mention.
 */
#include "extract/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How sure the type of a candidate is. */
enum strength { S_WEAK, S_DEFAULT, S_CUE, S_HEAD, S_GAZ };

#define C_ACRONYM 0x01 /* one word in capitals */
#define C_TITLED 0x02  /* named after a title */
#define C_ECHO 0x04    /* ordinary words where capitals prove nothing: see echo_end() */
#define C_PLURAL 0x08  /* … before a plural verb: "Jobs are scarce" names no one */

struct cand {
	uint32_t bstart, bend; /* the mention, bytes */
	uint32_t core;	       /* where its key starts: after "U.S." in an ORG */
	uint32_t sentence;
	uint32_t first, last;  /* its first and last name tokens, as byte starts */
	uint32_t first_end, last_end;
	uint32_t t0, t1;       /* its tokens in the sentence, [t0, t1) */
	uint8_t type, strength, flags, words;
	struct q_str canon; /* the gazetteer's name for it, or null */
	int32_t link;	    /* the candidate whose entity it joins, or -1 */
};

struct acronym_def {
	int32_t long_cand; /* the candidate holding the long form, or -1 */
};

/* One element of a chunk: a name token, a gazetteer name, or a connector. */
struct elem {
	uint32_t t0, t1; /* tokens */
	const struct q_gaz_name *gaz;
	uint8_t conn;	/* "of", "for", "the", "and", "&", a particle */
	uint8_t hyphen; /* joined to the element before by a hyphen */
};

#define CHUNK_MAX 24
#define CONN_MAX 4

struct chunk {
	struct elem e[CHUNK_MAX];
	size_t n;
};

struct piece {
	size_t a, b; /* elements [a, b) of the chunk */
	int titled;
};

struct ner {
	struct q_doc *doc;
	const struct q_gazetteer *gaz;
	const char *text;
	struct q_name_tokens toks; /* of the sentence at hand */
	uint32_t *wf;	      /* its tokens' word classes (q_gaz_word) */
	unsigned char *known; /* … once looked up (KNOWN_…) */
	size_t wf_cap, known_cap;
	size_t sentence;
	size_t sentence_cands; /* candidates before this sentence */
	int titlecase;	       /* the sentence is a headline in title case */
	size_t forced_first;   /* its first word: capitalised by position */
	struct {
		struct cand *items;
		size_t count, cap;
	} cands;
	struct {
		struct acronym_def *items;
		size_t count, cap;
	} defs;
	struct q_map persons_last;  /* family name → a person named in full */
	struct q_map persons_first; /* given name → the same */
	struct q_map shorts;	    /* a defined short form → its def + 1 */
};


/* ---- tokens ---------------------------------------------------------- */

static const struct q_name_token *tok(const struct ner *n, size_t i)
{
	return &n->toks.items[i];
}

static const char *tok_s(const struct ner *n, size_t i)
{
	return n->text + n->toks.items[i].start;
}

static size_t tok_n(const struct ner *n, size_t i)
{
	return n->toks.items[i].end - n->toks.items[i].start;
}

static int tok_is_(const struct ner *n, size_t i, const char *w, size_t len)
{
	return i < n->toks.count && tok_n(n, i) == len && memcmp(tok_s(n, i), w, len) == 0;
}

/* Is token i the word (or sign) w, a string literal? */
#define tok_is(n, i, w) tok_is_((n), (i), (w), sizeof(w) - 1)

/* Words of a fixed list, their lengths counted by the compiler. */
struct word {
	const char *s;
	size_t n;
};
#define WORD(s) {s, sizeof(s) - 1}
#define WORDS(list) (list), sizeof(list) / sizeof((list)[0])

/* Is token i one of the count words? */
static int tok_in(const struct ner *n, size_t i, const struct word *words, size_t count)
{
	for (size_t k = 0; k < count; k++)
		if (tok_is_(n, i, words[k].s, words[k].n))
			return 1;
	return 0;
}

static int is_word(const struct ner *n, size_t i)
{
	return i < n->toks.count && tok(n, i)->kind == Q_NTOK_WORD;
}

/* What is known of a token, once looked up: its classes, and whether it
 * is a common word. */
#define KNOWN_WF 0x01
#define KNOWN_COMMON 0x02
#define IS_COMMON 0x04

/* The gazetteer classes of word token i, looked up once (a separate
 * array says which are known: every bit of a class is in use). */
static uint32_t wf(struct ner *n, size_t i)
{
	if (!is_word(n, i))
		return 0;
	if (!(n->known[i] & KNOWN_WF)) {
		n->wf[i] = q_gaz_word(n->gaz, tok_s(n, i), tok_n(n, i));
		n->known[i] |= KNOWN_WF;
	}
	return n->wf[i];
}

static int common_(struct ner *n, size_t i);

/* A common word, or the plural of one ("Officials", "Agencies"), looked
 * up once. */
static int common(struct ner *n, size_t i)
{
	if (!(n->known[i] & KNOWN_COMMON))
		n->known[i] |= KNOWN_COMMON | (common_(n, i) ? IS_COMMON : 0);
	return (n->known[i] & IS_COMMON) != 0;
}

static int common_(struct ner *n, size_t i)
{
	if (tok(n, i)->flags & Q_TOKF_ALLCAPS)
		return 0; /* "US", "WHO": capitals make a name of a word */
	if (wf(n, i) & Q_GW_COMMON)
		return 1;
	const char *s = tok_s(n, i);
	size_t len = tok_n(n, i);
	if (len < 4 || s[len - 1] != 's')
		return 0;
	if (q_gaz_word(n->gaz, s, len - 1) & Q_GW_COMMON)
		return 1;
	if (len > 4 && s[len - 2] == 'e' && (q_gaz_word(n->gaz, s, len - 2) & Q_GW_COMMON))
		return 1;
	if (len > 4 && s[len - 3] == 'i' && s[len - 2] == 'e') {
		char y[64];
		if (len - 2 > sizeof(y))
			return 0;
		memcpy(y, s, len - 3);
		y[len - 3] = 'y';
		return (q_gaz_word(n->gaz, y, len - 2) & Q_GW_COMMON) != 0;
	}
	return 0;
}

/* Words ending like adverbs and participles: "Recently", "Speaking". */
static int ordinary_ending(const struct ner *n, size_t i)
{
	const char *s = tok_s(n, i);
	size_t len = tok_n(n, i);
	return len > 5 && ((s[len - 2] == 'l' && s[len - 1] == 'y') ||
			   (s[len - 3] == 'i' && s[len - 2] == 'n' && s[len - 1] == 'g'));
}

/* A month or weekday right after a given name, and no day number after
 * it, is a family name: "Theresa May", "Brian May", not "Paris May 3". */
static int month_surname(struct ner *n, size_t i)
{
	if (i == 0 || !(tok(n, i)->flags & Q_TOKF_SPACE) || (tok(n, i)->flags & Q_TOKF_NEWLINE))
		return 0;
	if (i + 1 < n->toks.count && tok(n, i + 1)->kind == Q_NTOK_NUMBER)
		return 0;
	const struct q_name_token *p = tok(n, i - 1);
	return p->kind == Q_NTOK_WORD && (p->flags & Q_TOKF_CAP) && !(p->flags & Q_TOKF_ALLCAPS) &&
	       (wf(n, i - 1) & Q_GW_GIVEN) && !(wf(n, i - 1) & Q_GW_TIME);
}

/* A currency's country: "NZ$120", "US$ 40 billion". */
static int currency_prefix(const struct ner *n, size_t i)
{
	return i + 1 < n->toks.count && !(tok(n, i + 1)->flags & Q_TOKF_SPACE) &&
	       n->text[tok(n, i + 1)->start] == '$';
}

/* Capitals with periods that spell a word that is no name: "C.E.O." */
static int dotted_not_name(const struct ner *n, size_t i)
{
	char letters[16];
	size_t k = 0;
	for (const char *s = tok_s(n, i), *e = s + tok_n(n, i); s < e; s++)
		if (*s != '.') {
			if (k == sizeof(letters))
				return 0;
			letters[k++] = *s;
		}
	return k >= 2 && (q_gaz_word(n->gaz, letters, k) & Q_GW_NOT_NAME);
}

/* Can token i be part of a name: a capitalised word, an initial, a dotted
 * abbreviation in capitals, "iPhone", a short word in capitals? */
static int nameish(struct ner *n, size_t i)
{
	if (!is_word(n, i))
		return 0;
	uint16_t f = tok(n, i)->flags;
	if (!(f & (Q_TOKF_CAP | Q_TOKF_MIXED)) || (f & Q_TOKF_ADDRESS))
		return 0;
	if (tok(n, i)->letters == 1 && !(f & (Q_TOKF_INITIAL | Q_TOKF_DOTTED)))
		return 0; /* "I", "A" */
	if ((f & Q_TOKF_ALLCAPS) && !(f & Q_TOKF_DOTTED) &&
	    (tok(n, i)->letters > 8 || (wf(n, i) & (Q_GW_COMMON | Q_GW_NOT_NAME))))
		return 0; /* shouting, "IT", "CEO" */
	if ((f & Q_TOKF_DOTTED) && ((wf(n, i) & Q_GW_NOT_NAME) || dotted_not_name(n, i)))
		return 0; /* "P.S.", "G.D.P." */
	if (currency_prefix(n, i))
		return 0;
	return !(wf(n, i) & Q_GW_TIME) || month_surname(n, i);
}

/* Is token i capitalised only because of where it stands? */
static int forced(const struct ner *n, size_t i)
{
	if (i == n->forced_first)
		return 1;
	if (i == 0)
		return 0;
	const struct q_name_token *p = tok(n, i - 1);
	return (p->flags & Q_TOKF_OPEN) || (p->kind == Q_NTOK_PUNCT && n->text[p->start] == ':');
}

/* ---- gazetteer matches ------------------------------------------------ */

/* The tokens of the longest gazetteer name at i, 0 when none; *name set. */
static size_t gaz_match(struct ner *n, size_t i, int titlecase,
			const struct q_gaz_name **name)
{
	char key[160];
	size_t len, most = Q_GW_NAME_TOKENS(wf(n, i));
	if (!most && (tok(n, i)->flags & Q_TOKF_DOTTED) && tok_n(n, i) + 1 < sizeof(key) &&
	    tok_s(n, i)[tok_n(n, i) - 1] != '.') {
		memcpy(key, tok_s(n, i), tok_n(n, i));
		key[tok_n(n, i)] = '.';
		most = Q_GW_NAME_TOKENS(q_gaz_word(n->gaz, key, tok_n(n, i) + 1)) ? 1 : 0;
	}
	if (most > n->toks.count - i)
		most = n->toks.count - i;
	if (!most)
		return 0;
	/* One key for the most tokens: the keys of fewer are its prefixes. */
	size_t ends[Q_GW_NAME_TOKENS_MAX];
	q_gaz_key_ends(n->text, tok(n, i), most, titlecase, key, sizeof(key), ends);
	for (size_t m = most; m > 0; m--) {
		const struct q_name_token *last = tok(n, i + m - 1);
		len = ends[m - 1];
		/* A name ends at a word's end: not "Congo" of "Congo-Kinshasa…";
		 * nor on punctuation but a period or an "'s" ("St. John's"), nor
		 * on a short lowercase word ("the", "of"). */
		if (!len || (i + m < n->toks.count && tok(n, i + m)->kind == Q_NTOK_WORD &&
			     !(tok(n, i + m)->flags & Q_TOKF_SPACE)) ||
		    (m > 1 && ((last->kind == Q_NTOK_PUNCT && n->text[last->start] != '.' &&
				!(last->flags & Q_TOKF_POSS)) ||
			       ((last->flags & Q_TOKF_LOWER) && last->end - last->start <= 3))))
			continue;
		if ((*name = q_gaz_name(n->gaz, key, len)) != NULL)
			return m;
		/* "U.S" written without its last period */
		if (m == 1 && (tok(n, i)->flags & Q_TOKF_DOTTED) && key[len - 1] != '.' &&
		    len + 1 < sizeof(key)) {
			key[len] = '.';
			if ((*name = q_gaz_name(n->gaz, key, len + 1)) != NULL)
				return m;
		}
	}
	return 0;
}

/* A dateline's place in capitals opens a paragraph: "WASHINGTON, D.C. –". */
static int dateline_at(const struct ner *n, size_t i)
{
	const struct q_sentence *s = n->doc->sentences.items;
	return i == 0 && (n->sentence == 0 ||
			  s[n->sentence - 1].paragraph != s[n->sentence].paragraph);
}

/* ---- chunks ----------------------------------------------------------- */

/* A word ending like an adverb or a participle, not before a verb of
 * people: "Recently, …" is no name, "Mulally says" is. */
static int adverb_at(struct ner *n, size_t i)
{
	return ordinary_ending(n, i) &&
	       !((wf(n, i + 1) & Q_GW_PERSON_AFTER) && (tok(n, i + 1)->flags & Q_TOKF_LOWER));
}

/* "Air" before a place: an airline ("Air Canada"), see emit_range(). */
static int airline_at(struct ner *n, size_t i)
{
	const struct q_gaz_name *g;
	return tok_is(n, i, "Air") && i + 1 < n->toks.count &&
	       (tok(n, i + 1)->flags & Q_TOKF_SPACE) && gaz_match(n, i + 1, 0, &g) &&
	       (g->type == Q_ENT_GPE || g->type == Q_ENT_LOC);
}

/* The tokens a chunk's first element takes at i; 0 when none starts. */
static size_t start_at(struct ner *n, size_t i, const struct q_gaz_name **name)
{
	const struct q_name_token *t = tok(n, i);
	*name = NULL;
	if (t->kind != Q_NTOK_WORD)
		return 0;
	int hyphened = i + 1 < n->toks.count && (tok(n, i + 1)->flags & Q_TOKF_HYPHEN);
	if (t->flags & (Q_TOKF_CAP | Q_TOKF_MIXED) || hyphened) {
		size_t m = gaz_match(n, i, 0, name);
		if (!m && (t->flags & Q_TOKF_ALLCAPS) && dateline_at(n, i))
			m = gaz_match(n, i, 1, name);
		if (m && !(m == 1 && ((forced(n, i) && common(n, i)) || currency_prefix(n, i))))
			return m;
		*name = NULL;
	}
	if (!nameish(n, i) || tok_is(n, i, "The") || tok_is(n, i, "A") || tok_is(n, i, "An"))
		return 0;
	uint32_t w = wf(n, i);
	if (forced(n, i) && !(w & Q_GW_TITLE) &&
	    !((w & Q_GW_GIVEN) && nameish(n, i + 1) && (tok(n, i + 1)->flags & Q_TOKF_SPACE)) &&
	    !airline_at(n, i) && (common(n, i) || adverb_at(n, i)))
		return 0;
	return 1;
}

/* Can token j go on a name? */
static int continues(struct ner *n, size_t j)
{
	return nameish(n, j);
}

static const struct elem *last_name_elem(const struct chunk *c)
{
	for (size_t k = c->n; k-- > 0;)
		if (!c->e[k].conn)
			return &c->e[k];
	return NULL;
}

static int conns(const struct chunk *c)
{
	int k = 0;
	for (size_t i = 0; i < c->n; i++)
		k += c->e[i].conn != 0;
	return k;
}

#define HEADS (Q_GW_ORG | Q_GW_EVENT | Q_GW_LAW | Q_GW_LOC | Q_GW_GPE)

/* Has an "of" or "for" after an organisation's head been taken? */
static int inside_org_name(struct ner *n, const struct chunk *c)
{
	for (size_t k = 1; k < c->n; k++)
		if ((c->e[k].conn == 'o' || c->e[k].conn == 'f' || c->e[k].conn == 'n') &&
		    !c->e[k - 1].conn &&
		    !c->e[k - 1].gaz && (wf(n, c->e[k - 1].t0) & (HEADS & ~Q_GW_GPE)))
			return 1;
	return 0;
}

/* "of" / "for" join when a head or a title comes before them. */
static int of_joins(struct ner *n, const struct chunk *c, size_t j, int is_for)
{
	const struct elem *e = last_name_elem(c);
	if (!e || e != &c->e[c->n - 1] || conns(c) >= CONN_MAX)
		return 0;
	size_t after = tok_is(n, j + 1, "the") ? j + 2 : j + 1;
	if (!continues(n, after))
		return 0;
	uint32_t w = e->gaz ? 0 : wf(n, e->t1 - 1);
	if (is_for)
		return (w & Q_GW_ORG) || inside_org_name(n, c);
	return (w & (HEADS | Q_GW_TITLE_OF)) || inside_org_name(n, c);
}

/* Heads that take "on": "Committee on Foreign Relations", "Convention on
 * the Rights of the Child", "Center on Budget and Policy Priorities". */
static int on_head(const struct ner *n, size_t i)
{
	static const struct word words[] = {
		WORD("Committee"), WORD("Subcommittee"), WORD("Commission"), WORD("Council"),
		WORD("Conference"), WORD("Convention"), WORD("Treaty"), WORD("Agreement"),
		WORD("Panel"), WORD("Summit"), WORD("Forum"), WORD("Symposium"), WORD("Center"),
		WORD("Centre"), WORD("Institute"), WORD("Caucus"), WORD("Force"), WORD("Protocol"),
		WORD("Declaration"), WORD("Dialogue"), WORD("Coalition"), WORD("Initiative"),
	};
	return tok_in(n, i, WORDS(words));
}

/* "on" joins after such a head, before capitalised words. */
static int on_joins(struct ner *n, const struct chunk *c, size_t j)
{
	const struct elem *e = last_name_elem(c);
	if (!e || e != &c->e[c->n - 1] || e->gaz || conns(c) >= CONN_MAX || !on_head(n, e->t1 - 1))
		return 0;
	size_t after = tok_is(n, j + 1, "the") ? j + 2 : j + 1;
	return continues(n, after) && !(wf(n, after) & Q_GW_TITLE);
}

/*
 * Commas inside an organisation's name, in a list of plain words after its
 * "of" that "and" closes: "Bureau of Alcohol, Tobacco, Firearms and
 * Explosives", "Ministry of Agriculture, Fisheries and Food".  The token
 * after the list, or 0 when there is none.
 */
static size_t comma_list_end(struct ner *n, const struct chunk *c, size_t j)
{
	const struct elem *e = &c->e[c->n - 1];
	if (e->conn || e->gaz || e->t1 - e->t0 != 1 || !common(n, e->t0) ||
	    !inside_org_name(n, c) || c->n + 8 >= CHUNK_MAX)
		return 0;
	size_t k = j;
	for (int items = 0; items < 5; items++) {
		int last = 0;
		if (tok_is(n, k, ",") && tok_is(n, k + 1, "and"))
			k += 2, last = 1;
		else if (tok_is(n, k, "and"))
			k++, last = 1;
		else if (tok_is(n, k, ","))
			k++;
		else
			return 0;
		const struct q_gaz_name *g;
		if (!continues(n, k) || (wf(n, k) & (Q_GW_TITLE | Q_GW_GIVEN | Q_GW_SURNAME)) ||
		    gaz_match(n, k, 0, &g))
			return 0;
		k++;
		if (last)
			return continues(n, k) ? 0 : k;
	}
	return 0;
}

/*
 * "and" joins inside an organisation's name: "Department of Health and
 * Human Services", "Ministry of Trade and Industry", "… Strategy and
 * Consultation Group" — when the words after it end in a head or are
 * plain words after an "of", and name no one and nothing on their own.
 */
static int and_joins(struct ner *n, const struct chunk *c, size_t j)
{
	if (!last_name_elem(c) || c->e[c->n - 1].conn || conns(c) >= CONN_MAX)
		return 0;
	size_t k = j + 1, end;
	int plain = 1;
	for (end = k; end < n->toks.count && end < k + 3 && continues(n, end); end++) {
		const struct q_gaz_name *g;
		uint32_t w = wf(n, end);
		if (gaz_match(n, end, 0, &g) || (w & (Q_GW_TITLE | Q_GW_GIVEN)))
			return 0;
		if (!common(n, end))
			plain = 0;
	}
	if (end == k || continues(n, end))
		return 0;
	uint32_t head = wf(n, end - 1) & (Q_GW_ORG | Q_GW_EVENT | Q_GW_LAW);
	return head || (plain && inside_org_name(n, c));
}

static int push_elem(struct chunk *c, size_t t0, size_t t1, const struct q_gaz_name *g,
		     int conn, int hyphen)
{
	if (c->n == CHUNK_MAX)
		return 0;
	c->e[c->n++] = (struct elem){(uint32_t)t0, (uint32_t)t1, g, (uint8_t)conn,
				     (uint8_t)hyphen};
	return 1;
}

/* "Inc", "Ltd", "LLC", "Corp", "Co": a company's suffix. */
static int is_company_suffix(const struct ner *n, size_t i)
{
	return tok_is(n, i, "Inc") || tok_is(n, i, "Ltd") || tok_is(n, i, "LLC") ||
	       tok_is(n, i, "Corp") || tok_is(n, i, "Co") || tok_is(n, i, "L.P.") ||
	       tok_is(n, i, "LP") || tok_is(n, i, "PLC") || tok_is(n, i, "plc");
}

/* Extends a chunk from its first element at i (m tokens). */
static void scan_chunk(struct ner *n, size_t i, size_t m, const struct q_gaz_name *g,
		       struct chunk *c)
{
	size_t j = i + m;
	c->n = 0;
	push_elem(c, i, j, g, 0, 0);
	while (j < n->toks.count) {
		const struct q_name_token *t = tok(n, j);
		struct elem *last = &c->e[c->n - 1];
		/* The period of "Gen.", "Inc.", "Jr." */
		if (t->kind == Q_NTOK_PUNCT && n->text[t->start] == '.' && !(t->flags & Q_TOKF_SPACE) &&
		    !last->conn && !last->gaz && last->t1 == j && last->t1 - last->t0 == 1 &&
		    (wf(n, j - 1) & Q_GW_ABBREV)) {
			last->t1 = (uint32_t)++j;
			continue;
		}
		int hyphen = (t->flags & Q_TOKF_HYPHEN) && !last->conn;
		size_t k = hyphen ? j + 1 : j;
		/* "Moon Jae-in", "Kim Jong-un": a given name's lowercase half. */
		if (hyphen && k < n->toks.count && is_word(n, k) && (tok(n, k)->flags & Q_TOKF_LOWER) &&
		    tok(n, k)->letters <= 4 && tok_n(n, k) == tok(n, k)->letters && !last->gaz &&
		    last->t1 - last->t0 == 1 && tok(n, last->t0)->letters <= 4 && c->n >= 2 &&
		    !c->e[c->n - 2].gaz && (wf(n, c->e[c->n - 2].t0) & (Q_GW_SURNAME_FIRST | Q_GW_GIVEN)) &&
		    (wf(n, last->t0) & Q_GW_GIVEN)) {
			last->t1 = (uint32_t)(j = k + 1);
			continue;
		}
		if (k < n->toks.count && (!hyphen || !(tok(n, k)->flags & Q_TOKF_SPACE))) {
			const struct q_gaz_name *kg = NULL;
			size_t km = 0;
			if (tok(n, k)->flags & Q_TOKF_CAP)
				km = gaz_match(n, k, 0, &kg);
			if (km || continues(n, k)) {
				if (!push_elem(c, k, k + (km ? km : 1), kg, 0, hyphen))
					break;
				j = k + (km ? km : 1);
				continue;
			}
		}
		if (hyphen || c->n + 2 >= CHUNK_MAX)
			break;
		/* "Jeffrey T Hodge": a middle initial without its period. */
		if (is_word(n, j) && tok(n, j)->letters == 1 && (tok(n, j)->flags & Q_TOKF_CAP) &&
		    !last->conn && !last->gaz && (wf(n, last->t0) & Q_GW_GIVEN) &&
		    !tok_is(n, j, "I") && !tok_is(n, j, "A") && continues(n, j + 1)) {
			push_elem(c, j, j + 1, NULL, 0, 0);
			j++;
			continue;
		}
		/* "Google, Inc.": a company's suffix after a comma. */
		if (tok_is(n, j, ",") && is_company_suffix(n, j + 1) && !last->conn &&
		    (tok(n, j + 1)->flags & Q_TOKF_SPACE)) {
			push_elem(c, j, j + 1, NULL, ',', 0);
			push_elem(c, j + 1, j + 2, NULL, 0, 0);
			j += 2;
			if (tok_is(n, j, ".") && !(tok(n, j)->flags & Q_TOKF_SPACE) &&
			    (wf(n, j - 1) & Q_GW_ABBREV))
				c->e[c->n - 1].t1 = (uint32_t)++j;
			break;
		}
		size_t list_end;
		if ((tok_is(n, j, ",") || tok_is(n, j, "and")) && (list_end = comma_list_end(n, c, j))) {
			while (j < list_end) {
				int cn = tok_is(n, j, ",") ? ',' : tok_is(n, j, "and") ? 'a' : 0;
				push_elem(c, j, j + 1, NULL, cn, 0);
				j++;
			}
			break;
		}
		int conn = 0;
		if (tok_is(n, j, "of") && of_joins(n, c, j, 0))
			conn = 'o';
		else if (tok_is(n, j, "for") && of_joins(n, c, j, 1))
			conn = 'f';
		else if (tok_is(n, j, "on") && on_joins(n, c, j))
			conn = 'n';
		else if (tok_is(n, j, "&") && continues(n, j + 1) && !last->conn)
			conn = '&';
		else if (tok_is(n, j, "and") && and_joins(n, c, j))
			conn = 'a';
		else if (is_word(n, j) && (tok(n, j)->flags & Q_TOKF_LOWER) &&
			 (wf(n, j) & Q_GW_PARTICLE) && !last->conn && !last->gaz &&
			 last->t1 - last->t0 == 1 && (continues(n, j + 1) ||
			 (j + 2 < n->toks.count && (tok(n, j + 1)->flags & Q_TOKF_HYPHEN) &&
			  continues(n, j + 2))))
			conn = 'p';
		if (!conn)
			break;
		push_elem(c, j, j + 1, NULL, conn, 0);
		j++;
		if ((conn == 'o' || conn == 'f' || conn == 'n') && tok_is(n, j, "the")) {
			push_elem(c, j, j + 1, NULL, 't', 0);
			j++;
		}
		if (conn == 'p' && (tok(n, j)->flags & Q_TOKF_HYPHEN))
			j++; /* "al-Sadr": the hyphen stays inside */
	}
	while (c->n > 1 && c->e[c->n - 1].conn)
		c->n--;
}

/* ---- candidates -------------------------------------------------------- */

static int compass_word(const struct ner *n, size_t i);

/* Are elements [a, b) all names of the gazetteer? */
static int all_names(const struct chunk *c, size_t a, size_t b)
{
	for (size_t k = a; k < b; k++)
		if (!c->e[k].gaz)
			return 0;
	return 1;
}

static int is_place(const struct elem *e)
{
	return e->gaz && (e->gaz->type == Q_ENT_GPE || e->gaz->type == Q_ENT_NORP ||
			  e->gaz->type == Q_ENT_LOC);
}

static uint32_t elem_start(const struct ner *n, const struct elem *e)
{
	return tok(n, e->t0)->start;
}

static uint32_t elem_end(const struct ner *n, const struct elem *e)
{
	return tok(n, e->t1 - 1)->end;
}

/* Registers a person's given and family names. */
static int index_cand(struct ner *n, size_t ci, const struct chunk *c, struct piece p)
{
	struct cand *cd = &n->cands.items[ci];
	void *v = (void *)(uintptr_t)(ci + 1);
	if (cd->type == Q_ENT_PERSON && cd->words >= 2 && cd->strength > S_WEAK) {
		const char *last = n->text + cd->last;
		size_t ll = cd->last_end - cd->last;
		if (!q_map_get(&n->persons_last, last, ll) &&
		    q_map_put(&n->persons_last, last, ll, v))
			return Q_ENOMEM;
		const char *first = n->text + cd->first;
		size_t fl = cd->first_end - cd->first;
		if (!(tok(n, c->e[p.a].t0)->flags & Q_TOKF_INITIAL) &&
		    !q_map_get(&n->persons_first, first, fl) &&
		    q_map_put(&n->persons_first, first, fl, v))
			return Q_ENOMEM;
		return 0;
	}
	return 0;
}

static int add_def(struct ner *n, const char *sf, size_t sfn, uint32_t lstart,
		   uint32_t lend, int32_t long_cand)
{
	struct q_doc *doc = n->doc;
	if (q_map_get(&n->shorts, sf, sfn))
		return 0;
	struct q_acronym *a = Q_VEC_PUSH(&doc->arena, &doc->acronyms);
	if (!a)
		return Q_ENOMEM;
	a->short_form = q_str_make(sf, sfn);
	a->span.bstart = lstart;
	a->span.bend = lend;
	q_doc_span_from_bytes(doc, &a->span);
	/* One space between the words of the long form, as in a name. */
	struct q_str lf = q_str_make(n->text + lstart, lend - lstart);
	int clean = 1;
	for (size_t i = 0; i < lf.len; i++)
		if (lf.ptr[i] == '\n' || lf.ptr[i] == '\t' || (lf.ptr[i] == ' ' && i + 1 < lf.len && lf.ptr[i + 1] == ' '))
			clean = 0;
	if (clean) {
		a->long_form = lf;
	} else {
		char *p = q_arena_alloc(&doc->arena, lf.len + 1);
		size_t m = 0;
		if (!p)
			return Q_ENOMEM;
		for (size_t i = 0; i < lf.len; i++) {
			char ch = lf.ptr[i] == '\n' || lf.ptr[i] == '\t' ? ' ' : lf.ptr[i];
			if (ch != ' ' || (m > 0 && p[m - 1] != ' '))
				p[m++] = ch;
		}
		a->long_form = q_str_make(p, m);
	}
	struct acronym_def *d;
	if (q_arena_reserve(&doc->arena, (void **)&n->defs.items, &n->defs.cap,
			    sizeof(*n->defs.items), n->defs.count + 1))
		return Q_ENOMEM;
	d = &n->defs.items[n->defs.count++];
	d->long_cand = long_cand;
	return q_map_put(&n->shorts, sf, sfn, (void *)(uintptr_t)n->defs.count) ? Q_ENOMEM : 0;
}

#define INITIALS_LOOKBACK 256 /* candidates an acronym looks back over */

/*
 * Does the end of the name text[b, e) spell sf by the initials of its
 * words (function words aside)?  The start of that tail, or 0 when not:
 * "… Security Consultative Meeting" spells SCM.
 */
static uint32_t tail_spelling(const char *text, uint32_t b, uint32_t e, const char *sf,
			      size_t m)
{
	uint32_t starts[CHUNK_MAX];
	char initials[CHUNK_MAX];
	size_t nw = 0;
	for (uint32_t i = b; i < e && nw < CHUNK_MAX;) {
		while (i < e && (text[i] == ' ' || text[i] == '-' || text[i] == '\n'))
			i++;
		uint32_t w = i;
		while (i < e && text[i] != ' ' && text[i] != '-' && text[i] != '\n')
			i++;
		if (w == i)
			break;
		char c = text[w];
		if (c >= 'A' && c <= 'Z') {
			starts[nw] = w;
			initials[nw++] = c;
		}
	}
	if (nw < m || memcmp(initials + nw - m, sf, m) != 0)
		return 0;
	return starts[nw - m];
}

/* Capitals that spell an earlier name's initials: "… Security
 * Consultative Meeting … the SCM". */
static int initials_acronym(struct ner *n, size_t ci)
{
	const struct cand *cd = &n->cands.items[ci];
	const char *s = n->text + cd->bstart;
	size_t len = cd->bend - cd->bstart;
	if (len < 3 || !q_acronym_short_ok(s, len) || q_map_get(&n->shorts, s, len))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!(s[i] >= 'A' && s[i] <= 'Z'))
			return 0;
	for (size_t k = ci, seen = 0; k-- > 0 && seen < INITIALS_LOOKBACK; seen++) {
		const struct cand *lc = &n->cands.items[k];
		if (lc->type == Q_ENT_PERSON || lc->words < 2 || lc->strength == S_WEAK)
			continue;
		uint32_t at = tail_spelling(n->text, lc->core, lc->bend, s, len);
		if (at)
			return add_def(n, s, len, at, lc->bend, (int32_t)k);
	}
	return 0;
}

/* The candidate of this sentence whose span holds [b, e), or -1. */
static int32_t cand_holding(const struct ner *n, uint32_t b, uint32_t e)
{
	for (size_t k = n->cands.count; k-- > n->sentence_cands;) {
		const struct cand *cd = &n->cands.items[k];
		if (cd->bstart <= b && e <= cd->bend && !(cd->flags & C_ECHO))
			return (int32_t)k;
	}
	return -1;
}

/* "Long Form (LF)" and "LF (Long Form)" in the sentence. */
static int paren_acronyms(struct ner *n)
{
	size_t count = n->toks.count;
	for (size_t j = 0; j + 2 < count; j++) {
		if (!tok_is(n, j, "("))
			continue;
		size_t close = j + 1;
		while (close < count && close < j + 20 && !tok_is(n, close, ")"))
			close++;
		if (close >= count || !tok_is(n, close, ")"))
			continue;
		const char *sf;
		size_t sfn, first;
		uint32_t lb, le;
		if (close == j + 2 && is_word(n, j + 1) &&
		    q_acronym_short_ok(tok_s(n, j + 1), tok_n(n, j + 1))) {
			sf = tok_s(n, j + 1);
			sfn = tok_n(n, j + 1);
			first = q_acronym_long(n->text, tok(n, 0), j, sf, sfn, 0);
			if (first == (size_t)-1)
				continue;
			lb = tok(n, first)->start;
			le = tok(n, j - 1)->end;
		} else if (j > 0 && close > j + 2 && is_word(n, j - 1) &&
			   q_acronym_short_ok(tok_s(n, j - 1), tok_n(n, j - 1))) {
			sf = tok_s(n, j - 1);
			sfn = tok_n(n, j - 1);
			first = q_acronym_long(n->text, tok(n, j + 1), close - j - 1, sf, sfn, 1);
			if (first == (size_t)-1)
				continue;
			lb = tok(n, j + 1)->start;
			le = tok(n, close - 1)->end;
		} else {
			continue;
		}
		if (sf[sfn - 1] == 's' && sfn > 2)
			sfn--;
		if (add_def(n, sf, sfn, lb, le, cand_holding(n, lb, le)))
			return Q_ENOMEM;
	}
	return 0;
}

static int push_cand(struct ner *n, const struct chunk *c, struct piece p, int type,
		     int strength, int flags)
{
	struct cand *cd;
	if (q_arena_reserve(&n->doc->arena, (void **)&n->cands.items, &n->cands.cap,
			    sizeof(*n->cands.items), n->cands.count + 1))
		return Q_ENOMEM;
	size_t ci = n->cands.count++;
	cd = &n->cands.items[ci];
	memset(cd, 0, sizeof(*cd));
	const struct elem *first = &c->e[p.a], *last = &c->e[p.b - 1];
	cd->bstart = cd->core = elem_start(n, first);
	cd->bend = elem_end(n, last);
	cd->sentence = (uint32_t)n->sentence;
	cd->t0 = first->t0;
	cd->t1 = last->t1;
	cd->first = tok(n, first->t0)->start;
	cd->first_end = tok(n, first->t0)->end;
	cd->last = tok(n, last->t1 - 1)->start;
	cd->last_end = tok(n, last->t1 - 1)->end;
	/* "Inc." is not the last name word of "Boeing Inc."; nor "Jr." */
	if (last->t1 - last->t0 == 2 && n->text[cd->last] == '.') {
		cd->last = tok(n, last->t0)->start;
		cd->last_end = tok(n, last->t0)->end;
	}
	cd->type = (uint8_t)type;
	cd->strength = (uint8_t)strength;
	cd->flags = (uint8_t)flags;
	cd->link = -1;
	for (size_t k = p.a; k < p.b; k++)
		cd->words += !c->e[k].conn;
	if (p.b - p.a == 1 && first->gaz)
		cd->canon = first->gaz->canon;
	/* "U.S. Department of State" is the State Department. */
	if (type == Q_ENT_ORG && p.b - p.a >= 2 && last->gaz && last->gaz->type == Q_ENT_ORG) {
		size_t k = p.a;
		while (k + 1 < p.b && is_place(&c->e[k]))
			k++;
		if (k + 1 == p.b)
			cd->canon = last->gaz->canon;
	}
	/* An organisation's key leaves out the country before it. */
	if (type == Q_ENT_ORG || type == Q_ENT_EVENT || type == Q_ENT_LAW) {
		size_t k = p.a;
		while (k + 1 < p.b && is_place(&c->e[k]))
			k++;
		cd->core = elem_start(n, &c->e[k]);
	}
	/* "the 2022 Nuclear Posture Review": the year is part of the name. */
	size_t t0 = first->t0;
	if ((type == Q_ENT_LAW || type == Q_ENT_EVENT) && t0 >= 2 &&
	    tok(n, t0 - 1)->kind == Q_NTOK_NUMBER && tok_n(n, t0 - 1) == 4 &&
	    tok_is(n, t0 - 2, "the"))
		cd->bstart = tok(n, t0 - 1)->start;
	/* "bin Laden", "al-Sadr": a particle before a person's name alone
	 * (after another name it joined the chunk already). */
	if ((type == Q_ENT_PERSON || type == Q_ENT_MISC) && p.b - p.a == 1 && t0 >= 1) {
		size_t k = (tok(n, t0 - 1)->flags & Q_TOKF_HYPHEN) && t0 >= 2 ? t0 - 2 : t0 - 1;
		if (is_word(n, k) && (tok(n, k)->flags & Q_TOKF_LOWER) && (wf(n, k) & Q_GW_PARTICLE) &&
		    (k == t0 - 1 ? (tok(n, t0)->flags & Q_TOKF_SPACE) != 0
				 : !(tok(n, t0)->flags & Q_TOKF_SPACE)) &&
		    k > 0 && !nameish(n, k - 1))
			cd->bstart = tok(n, k)->start;
	}
	if (index_cand(n, ci, c, p))
		return Q_ENOMEM;
	if ((flags & C_ACRONYM) && initials_acronym(n, ci))
		return Q_ENOMEM;
	return 0;
}

/* The head class of a piece: the word before its first "of"/"for", else
 * its last word ("Inc." counts, a numeral after it does not). */
static uint32_t head_of(struct ner *n, const struct chunk *c, struct piece p)
{
	for (size_t k = p.a + 1; k < p.b; k++)
		if ((c->e[k].conn == 'o' || c->e[k].conn == 'f' || c->e[k].conn == 'n') &&
		    !c->e[k - 1].gaz) {
			uint32_t w = wf(n, c->e[k - 1].t0) & HEADS;
			if (w)
				return w;
			break;
		}
	size_t k = p.b - 1;
	if (k > p.a && !c->e[k].gaz && (tok(n, c->e[k].t0)->flags & Q_TOKF_ALLCAPS) &&
	    tok(n, c->e[k].t0)->letters <= 4)
		k--; /* "World War II" */
	if (c->e[k].gaz)
		return 0;
	return wf(n, c->e[k].t0) & HEADS;
}

static int type_of_head(uint32_t h)
{
	if (h & Q_GW_ORG)
		return Q_ENT_ORG;
	if (h & Q_GW_LAW)
		return Q_ENT_LAW;
	if (h & Q_GW_EVENT)
		return Q_ENT_EVENT;
	if (h & Q_GW_GPE)
		return Q_ENT_GPE;
	return Q_ENT_LOC;
}

static int determiner(struct ner *n, size_t i)
{
	static const char *const dets[] = {"the", "a", "an", "this", "that", "its",
					   "their", "his", "her", "our", "these"};
	if (i < n->toks.count && (tok(n, i)->flags & Q_TOKF_POSS))
		return 1;
	for (size_t k = 0; k < sizeof(dets) / sizeof(dets[0]); k++)
		if (tok_is_(n, i, dets[k], strlen(dets[k])))
			return 1;
	return 0;
}

/* A lowercase head within three words after the piece: "the Ulchi
 * Freedom Shield exercise", "the Ssang Yong combined amphibious exercise". */
static uint32_t head_after(struct ner *n, size_t i)
{
	for (size_t k = i; k < n->toks.count && k < i + 3; k++) {
		if (!is_word(n, k) || !(tok(n, k)->flags & Q_TOKF_LOWER))
			return 0;
		uint32_t w = wf(n, k) & (Q_GW_ORG | Q_GW_EVENT | Q_GW_LAW);
		if (w)
			return w;
	}
	return 0;
}

/*
 * Does a piece no list knows have the shape of a person's name?  2 with a
 * middle initial ("Frederic S. Mishkin"), 1 when its words are single
 * capitalised words joined by nothing but a particle ("Usman Shaukat",
 * "Ahmed al-Tayeb"), 0 otherwise: no word with a digit, none in
 * capitals, none like "iPhone" or "PowerPC" ("McDonald" is a name).
 */
static int person_words(struct ner *n, const struct chunk *c, struct piece p)
{
	int initial = 0;
	for (size_t k = p.a; k < p.b; k++) {
		const struct elem *e = &c->e[k];
		if (e->conn) {
			if (e->conn != 'p')
				return 0;
			continue;
		}
		const struct q_name_token *t = tok(n, e->t0);
		if (e->gaz || (t->flags & (Q_TOKF_DIGIT | Q_TOKF_ALLCAPS | Q_TOKF_ADDRESS)) ||
		    !(t->flags & Q_TOKF_CAP))
			return 0;
		if ((t->flags & Q_TOKF_MIXED) && !(tok_n(n, e->t0) > 3 && tok_s(n, e->t0)[0] == 'M' &&
						    tok_s(n, e->t0)[1] == 'c'))
			return 0;
		if (t->flags & Q_TOKF_INITIAL) {
			if (k == p.a || k == p.b - 1)
				return 0;
			initial = 1;
		}
	}
	return initial ? 2 : 1;
}

/* The type an apposition after a name gives it, or -1: "X, who …", "X,
 * 45,", "X, a spokesman for …", "X, the country's largest bank", "X, a
 * town in …" — the last noun of a role, an organisation or a place
 * before a preposition or a punctuation mark decides. */
static int apposition_after(struct ner *n, size_t after)
{
	if (!tok_is(n, after, ","))
		return -1;
	size_t k = after + 1;
	if (tok_is(n, k, "who") || tok_is(n, k, "whose"))
		return Q_ENT_PERSON;
	if (k < n->toks.count && tok(n, k)->kind == Q_NTOK_NUMBER && tok_n(n, k) == 2 &&
	    tok(n, k)->letters == 0 && tok_s(n, k)[0] >= '2' && tok_is(n, k + 1, ","))
		return Q_ENT_PERSON; /* an age */
	if (!tok_is(n, k, "a") && !tok_is(n, k, "an") && !tok_is(n, k, "the"))
		return -1;
	int type = -1;
	for (size_t m = k + 1; m < n->toks.count && m < k + 7; m++) {
		const struct q_gaz_name *g;
		size_t places;
		if (tok(n, m)->flags & Q_TOKF_POSS)
			continue;
		/* "the Japanese minister", "the U.S. carmaker" */
		if ((tok(n, m)->flags & Q_TOKF_CAP) && (places = gaz_match(n, m, 0, &g)) &&
		    (g->type == Q_ENT_NORP || g->type == Q_ENT_GPE)) {
			m += places - 1;
			continue;
		}
		if (!is_word(n, m) || !(tok(n, m)->flags & Q_TOKF_LOWER))
			break;
		uint32_t w = wf(n, m);
		if (w & Q_GW_LOC_BEFORE || tok_is(n, m, "of") || tok_is(n, m, "for") ||
		    tok_is(n, m, "at") || tok_is(n, m, "on") || tok_is(n, m, "with") ||
		    tok_is(n, m, "and") || tok_is(n, m, "that") || tok_is(n, m, "which") ||
		    tok_is(n, m, "who") || tok_is(n, m, "to"))
			break;
		if (w & Q_GW_PERSON_BEFORE)
			type = Q_ENT_PERSON;
		else if (w & Q_GW_ORG_NOUN)
			type = Q_ENT_ORG;
		else if (w & Q_GW_GPE_NOUN)
			type = Q_ENT_GPE;
	}
	return type;
}

/* The type a possessive after a name gives it, or -1: "Smith's wife",
 * "GM's shares", "GM's European sales". */
static int possessive_after(struct ner *n, size_t after)
{
	if (after >= n->toks.count || !(tok(n, after)->flags & Q_TOKF_POSS))
		return -1;
	for (size_t m = after + 1; m < n->toks.count && m < after + 3; m++) {
		if (!is_word(n, m) || !(tok(n, m)->flags & Q_TOKF_LOWER))
			return -1;
		uint32_t w = wf(n, m);
		if (w & Q_GW_PERSON_POSS)
			return Q_ENT_PERSON;
		if (w & Q_GW_ORG_POSS)
			return Q_ENT_ORG;
	}
	return -1;
}

/* A U.S. postal code ("KS", "CA"): a place only after a place and a
 * comma ("Lawrence, KS"), as the gazetteers leave them out. */
static int postal_code(const struct ner *n, size_t i)
{
	static const char codes[] = "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME "
				    "MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI "
				    "SC SD TN TX UT VT VA WA WV WI WY PR GU ";
	if (i >= n->toks.count || tok_n(n, i) != 2 || !(tok(n, i)->flags & Q_TOKF_ALLCAPS))
		return 0;
	const char *s = tok_s(n, i);
	for (const char *c = codes; *c; c += 3)
		if (c[0] == s[0] && c[1] == s[1])
			return 1;
	return 0;
}

static int after_place_comma(const struct ner *n, size_t i)
{
	return i >= 2 && tok_is(n, i - 1, ",") && is_word(n, i - 2) &&
	       (tok(n, i - 2)->flags & Q_TOKF_CAP) && !(tok(n, i - 2)->flags & Q_TOKF_ALLCAPS);
}

/* "Miramar, Florida" (a place and the state or country it is in, which
 * ends the list if there is one): a place. */
static int place_after(struct ner *n, size_t after)
{
	const struct q_gaz_name *g;
	size_t m;
	if (tok_is(n, after, ",") && postal_code(n, after + 1) &&
	    (after + 2 >= n->toks.count || !(tok(n, after + 2)->flags & Q_TOKF_CAP)))
		return 1; /* "Lawrence, KS" */
	if (!tok_is(n, after, ",") || after + 1 >= n->toks.count ||
	    !(tok(n, after + 1)->flags & Q_TOKF_CAP) || !(m = gaz_match(n, after + 1, 0, &g)) ||
	    g->type != Q_ENT_GPE)
		return 0;
	size_t k = after + 1 + m;
	if (k < n->toks.count && ((tok(n, k)->flags & Q_TOKF_POSS) || tok_is(n, k, "and") ||
				  tok_is(n, k, "or") || is_word(n, k)))
		return 0;
	return !(tok_is(n, k, ",") && k + 1 < n->toks.count && (tok(n, k + 1)->flags & Q_TOKF_CAP));
}


/* What befalls people, after a form of "be": "… was arrested", "… has
 * been appointed". */
static int passive_person_after(struct ner *n, size_t k)
{
	if (tok_is(n, k, "was") || tok_is(n, k, "is") || tok_is(n, k, "were"))
		k++;
	else if ((tok_is(n, k, "has") || tok_is(n, k, "had")) && tok_is(n, k + 1, "been"))
		k += 2;
	else
		return 0;
	return is_word(n, k) && (tok(n, k)->flags & Q_TOKF_LOWER) &&
	       (wf(n, k) & Q_GW_PERSON_PASSIVE);
}

/* "Jr.", "Sr.", "II", "III": after a name, never one by themselves. */
static int suffix_word(struct ner *n, const struct elem *e)
{
	if (e->gaz)
		return 0;
	return tok_is(n, e->t0, "Jr") || tok_is(n, e->t0, "Sr") ||
	       ((tok(n, e->t0)->flags & Q_TOKF_ALLCAPS) && tok(n, e->t0)->letters <= 4 &&
		strspn(tok_s(n, e->t0), "IVX") == tok_n(n, e->t0));
}

/* A word in capitals is taken for an organisation ("NATO", "the FBI"),
 * but not a count of things ("an RFP", "each SUV"), a model or a grade
 * ("ISO 6400", "SX40"), nor a numeral ("VII"). */
static int acronym_type(struct ner *n, const struct elem *e, size_t before, size_t after)
{
	static const struct word counted[] = {
		WORD("a"), WORD("an"), WORD("another"), WORD("each"), WORD("every"), WORD("any"),
		WORD("no"),
	};
	if (postal_code(n, e->t0) && after_place_comma(n, e->t0) &&
	    (after >= n->toks.count || !(tok(n, after)->flags & Q_TOKF_CAP)))
		return Q_ENT_GPE;
	if ((tok(n, e->t0)->flags & Q_TOKF_DIGIT) || suffix_word(n, e) ||
	    (after < n->toks.count && tok(n, after)->kind == Q_NTOK_NUMBER &&
	     (tok(n, after)->flags & Q_TOKF_SPACE)))
		return Q_ENT_MISC;
	return before > 0 && tok_in(n, before - 1, WORDS(counted)) ? Q_ENT_MISC : Q_ENT_ORG;
}

/*
 * Does a word end as family names of many languages do, and place names
 * seldom: "Medvedev", "Kowalski", "Tkachenko", "Popescu", "Djokovic",
 * "Rodriguez", "Berlusconi", "Papadopoulos", "Pashinyan", "Virtanen",
 * "Hoffmann", "Vučić" ("Erdogan" is none).
 */
static int surname_ending(const char *s, size_t len)
{
	static const struct word endings[] = {
		WORD("ov"), WORD("ova"), WORD("ev"), WORD("eva"), WORD("sky"), WORD("ski"),
		WORD("ska"), WORD("skiy"), WORD("skaya"), WORD("enko"), WORD("chuk"),
		WORD("escu"), WORD("ovic"), WORD("evic"), WORD("vich"), WORD("wicz"),
		WORD("witz"), WORD("ez"), WORD("ini"), WORD("elli"), WORD("etti"),
		WORD("ucci"), WORD("oni"), WORD("opoulos"), WORD("akis"), WORD("idis"),
		WORD("oglu"), WORD("sson"), WORD("shvili"), WORD("dze"), WORD("jee"),
		WORD("ovski"), WORD("ovsky"), WORD("yan"), WORD("auskas"), WORD("aitis"),
		WORD("czyk"), WORD("czak"), WORD("eanu"), WORD("nen"), WORD("qvist"),
		WORD("otti"), WORD("azzi"), WORD("mann"), WORD("stein"), WORD("wala"),
		WORD("swamy"), WORD("nathan"), WORD("oulos"), WORD("eira"), WORD("ić"),
		WORD("oğlu"), WORD("ová"),
	};
	if (len < 5 || len > 40)
		return 0;
	for (size_t k = 0; k < sizeof(endings) / sizeof(endings[0]); k++) {
		size_t m = endings[k].n;
		if (len > m + 2 && s[len - 1] == endings[k].s[m - 1] &&
		    memcmp(s + len - m, endings[k].s, m) == 0)
			return 1;
	}
	return 0;
}

/* "O'Keefe", "O’Rourke": an Irish family name's shape. */
static int irish_surname(const char *s, size_t len)
{
	if (len >= 4 && s[0] == 'O' && s[1] == '\'' && s[2] >= 'A' && s[2] <= 'Z')
		return 1;
	return len >= 6 && s[0] == 'O' && (unsigned char)s[1] == 0xE2 &&
	       (unsigned char)s[2] == 0x80 && (unsigned char)s[3] == 0x99 && s[4] >= 'A' &&
	       s[4] <= 'Z';
}

/* A greeting opening the sentence just before token i: "Hey", "Dear",
 * "Welcome", "Thanks". */
static int greeting_before(const struct ner *n, size_t i)
{
	if (i == 0 || i - 1 != n->forced_first)
		return 0;
	return tok_is(n, i - 1, "Hi") || tok_is(n, i - 1, "Hey") || tok_is(n, i - 1, "Hello") ||
	       tok_is(n, i - 1, "Dear") || tok_is(n, i - 1, "Welcome") ||
	       tok_is(n, i - 1, "Thanks") || tok_is(n, i - 1, "Congratulations");
}

/* Initials written together, before a name: "W.H.S.", "J.R." (each part
 * one capital). */
static int initials(struct ner *n, const struct elem *e)
{
	const char *s = tok_s(n, e->t0);
	size_t len = tok_n(n, e->t0);
	if (e->gaz || e->t1 - e->t0 != 1 || !(tok(n, e->t0)->flags & Q_TOKF_DOTTED) || len < 4 ||
	    s[len - 1] != '.')
		return 0;
	for (size_t i = 0; i < len; i += 2)
		if (!(s[i] >= 'A' && s[i] <= 'Z') || s[i + 1] != '.')
			return 0;
	return 1;
}

/* Classifies a piece and adds its candidate. */
static int emit_piece(struct ner *n, const struct chunk *c, struct piece p)
{
	const struct elem *first = &c->e[p.a], *last = &c->e[p.b - 1];
	size_t words = 0, allcaps = 0, plain = 0, places = 0, mixed = 0;
	for (size_t k = p.a; k < p.b; k++) {
		const struct elem *e = &c->e[k];
		if (e->conn)
			continue;
		words++;
		if (e->gaz)
			places++;
		else if ((tok(n, e->t0)->flags & (Q_TOKF_ALLCAPS | Q_TOKF_DOTTED)) == Q_TOKF_ALLCAPS)
			allcaps++;
		if (!e->gaz && (tok(n, e->t0)->flags & Q_TOKF_MIXED))
			mixed++;
		else if (common(n, e->t0) && !(wf(n, e->t0) & (Q_GW_GIVEN | Q_GW_SURNAME)))
			plain++;
	}
	size_t before = first->t0, after = last->t1;
	int single = words == 1 && first->t1 - first->t0 == 1;
	int weak_spot = forced(n, first->t0) || n->titlecase;
	int type = Q_ENT_MISC, strength = S_DEFAULT, flags = 0;
	uint32_t fw = first->gaz ? 0 : wf(n, first->t0);
	uint32_t lw = last->gaz ? 0 : wf(n, last->t0);

	if (words == 1 && first->gaz) {
		strength = forced(n, first->t0) && first->t1 - first->t0 == 1 &&
				   common(n, first->t0) ? S_WEAK : S_GAZ;
		return push_cand(n, c, p, first->gaz->type, strength, 0);
	}
	if (p.titled)
		return push_cand(n, c, p, Q_ENT_PERSON, S_HEAD, C_TITLED);
	if (last->gaz && last->gaz->type == Q_ENT_ORG && all_names(c, p.a, p.b))
		return push_cand(n, c, p, Q_ENT_ORG, S_GAZ, 0);
	uint32_t head = head_of(n, c, p);
	if (head && words >= 2)
		return push_cand(n, c, p, type_of_head(head), S_HEAD, 0);
	if (words >= 2 && (fw & Q_GW_LOC_PREFIX))
		return push_cand(n, c, p, Q_ENT_LOC, S_HEAD, 0);
	if (words >= 2 && (fw & Q_GW_EVENT_PREFIX))
		return push_cand(n, c, p, Q_ENT_EVENT, S_HEAD, 0);
	int person_shaped = words >= 2 && words <= 5 && allcaps == 0 &&
			    (!first->gaz || (first->t1 - first->t0 == 1 &&
					     (wf(n, first->t0) & Q_GW_GIVEN)));
	/* A place that is a given name too opens a person's name only before
	 * names: "Georgia Tech" is none. */
	if (person_shaped && first->gaz && plain > 0)
		person_shaped = 0;
	/* Nor does a compass point open one: "East San Gabriel". */
	if (person_shaped && !first->gaz && compass_word(n, first->t0))
		person_shaped = 0;
	/* Nor is a person's name closed by a plain word after two names:
	 * "Andrew Marr Show" (but "Kim Jong Ill"). */
	if (person_shaped && words >= 3 && !last->gaz && common(n, last->t0) &&
	    !(lw & (Q_GW_GIVEN | Q_GW_SURNAME)) && !(fw & Q_GW_SURNAME_FIRST))
		person_shaped = 0;
	if (person_shaped) {
		uint32_t f0 = wf(n, first->t0);
		if ((f0 & Q_GW_GIVEN) || (tok(n, first->t0)->flags & Q_TOKF_INITIAL) ||
		    initials(n, first) ||
		    ((lw & Q_GW_SURNAME) && !(lw & Q_GW_COMMON)) ||
		    ((f0 & Q_GW_SURNAME_FIRST) && !common(n, first->t0) && words <= 3 && plain == 0))
			return push_cand(n, c, p, Q_ENT_PERSON, n->titlecase ? S_WEAK : S_CUE, 0);
		if (!first->gaz && !n->titlecase) {
			int shape = person_words(n, c, p);
			if (shape == 2)
				return push_cand(n, c, p, Q_ENT_PERSON,
						 shape == 2 ? S_CUE : S_DEFAULT, 0);
		}
	}
	/* A place and names: "China Daily", "Texas Instruments" (plain words
	 * after a place were cut off before). */
	if (places && words >= 2)
		return push_cand(n, c, p, Q_ENT_ORG, n->titlecase ? S_WEAK : S_DEFAULT, 0);
	/* Some heads alone inside a sentence name the body or the law of the
	 * context: "the Navy", "Parliament", "the Constitution". */
	if (single && !weak_spot && !(tok(n, first->t0)->flags & Q_TOKF_ALLCAPS) &&
	    (fw & Q_GW_ALONE) && (fw & HEADS))
		return push_cand(n, c, p, type_of_head(fw), S_DEFAULT, 0);
	if (plain == words) {
		/* "Fight Tonight", "Breaking News" are no names; "Jobs" after
		 * "Steve Jobs" is. */
		if (single && q_map_get(&n->persons_last, tok_s(n, first->t0), tok_n(n, first->t0)))
			return push_cand(n, c, p, Q_ENT_PERSON, S_DEFAULT, 0);
		return 0;
	}
	if (single) {
		uint32_t w = wf(n, first->t0);
		if (tok(n, first->t0)->flags & Q_TOKF_ALLCAPS)
			type = acronym_type(n, first, before, after), flags = C_ACRONYM;
		else if (place_after(n, after))
			type = Q_ENT_GPE, strength = S_CUE; /* "Lawrence, KS" */
		else if ((w & Q_GW_SURNAME) && !(w & Q_GW_COMMON))
			type = Q_ENT_PERSON, strength = S_CUE;
		else if ((w & Q_GW_GIVEN) && !(w & Q_GW_COMMON))
			type = Q_ENT_PERSON, strength = S_CUE;
	}
	if (type == Q_ENT_MISC) {
		uint32_t pw = before > 0 && is_word(n, before - 1) &&
					      (tok(n, before - 1)->flags & Q_TOKF_LOWER)
				      ? wf(n, before - 1)
				      : 0;
		uint32_t nw = wf(n, after);
		uint32_t ha = head_after(n, after);
		int ap;
		if ((pw & Q_GW_PERSON_BEFORE) ||
		    (pw == 0 && before > 0 && is_word(n, before - 1) &&
		     (tok(n, before - 1)->flags & Q_TOKF_LOWER) &&
		     q_has_role_word(tok_s(n, before - 1), tok_n(n, before - 1))))
			type = Q_ENT_PERSON, strength = S_CUE;
		else if (((nw & Q_GW_PERSON_AFTER) && (tok(n, after)->flags & Q_TOKF_LOWER)) ||
			 passive_person_after(n, after) ||
			 (tok_is(n, after, "as") && tok_is(n, after + 1, "saying")))
			type = Q_ENT_PERSON, strength = S_CUE;
		else if ((tok_is(n, after, "and") && (tok_is(n, after + 1, "I") || tok_is(n, after + 1, "me"))) ||
			 (before >= 2 && tok_is(n, before - 1, "and") &&
			  (tok_is(n, before - 2, "I") || tok_is(n, before - 2, "me"))))
			type = Q_ENT_PERSON, strength = S_CUE; /* "Peder and I" */
		else if ((ap = apposition_after(n, after)) >= 0)
			type = ap, strength = S_CUE;
		else if (pw & Q_GW_ORG_NOUN)
			type = Q_ENT_ORG, strength = S_CUE; /* "automaker GM" */
		else if ((ap = possessive_after(n, after)) >= 0)
			type = ap, strength = S_CUE;
		else if ((pw & Q_GW_PERSON_AFTER) && (tok_is(n, before - 1, "said") ||
						      tok_is(n, before - 1, "says")) &&
			 (after >= n->toks.count || tok(n, after)->kind == Q_NTOK_PUNCT))
			type = Q_ENT_PERSON, strength = S_CUE; /* "…," said Smith. */
		else if (single && (nw & Q_GW_PERSON_OF) && before > 0 && tok_is(n, before - 1, "the"))
			type = Q_ENT_PERSON, strength = S_CUE;
		else if (after + 1 < n->toks.count && (tok(n, after)->flags & Q_TOKF_HYPHEN) &&
			 tok_is(n, after + 1, "based"))
			type = Q_ENT_GPE, strength = S_CUE; /* "Houston-based" */
		else if (place_after(n, after))
			type = Q_ENT_GPE, strength = S_CUE;
		else if (ha && before > 0 && determiner(n, before - 1))
			type = type_of_head(ha), strength = S_CUE;
		else if (before >= 2 && tok_is(n, before - 1, "of") &&
			 (wf(n, before - 2) & Q_GW_GPE_NOUN) &&
			 (tok(n, before - 2)->flags & Q_TOKF_LOWER))
			type = Q_ENT_GPE, strength = S_CUE;
		else if (before > 0 && (pw & Q_GW_LOC_BEFORE) && words <= 3)
			type = Q_ENT_GPE;
		else if (before > 0 && determiner(n, before - 1))
			type = Q_ENT_MISC;
		else if (single && surname_ending(tok_s(n, first->t0), tok_n(n, first->t0)))
			type = Q_ENT_PERSON;
		else if (single && irish_surname(tok_s(n, first->t0), tok_n(n, first->t0)))
			type = Q_ENT_PERSON, strength = S_CUE;
		else if (greeting_before(n, before) &&
			 (after >= n->toks.count || tok_is(n, after, ",") || tok_is(n, after, "!")))
			type = Q_ENT_PERSON, strength = S_CUE; /* "Hey Vladi," */
	}
	/* Alone at the start of a sentence, or in a headline, a word proves
	 * nothing: it stays only if a sure mention takes it in. */
	if (weak_spot && strength < S_CUE && (single || n->titlecase))
		strength = S_WEAK;
	if (n->titlecase)
		strength = S_WEAK;
	return push_cand(n, c, p, type, strength, flags);
}

/* ---- cutting chunks into pieces --------------------------------------- */


/* The start of the personal name after the title at element k, or 0. */
static size_t name_after_title(struct ner *n, const struct chunk *c, size_t k, size_t b)
{
	size_t s = k + 1;
	if (s < b && c->e[s].conn == 'o') {
		if (!(wf(n, c->e[k].t0) & Q_GW_TITLE_OF))
			return 0;
		/* "Secretary of [the] Defense Lloyd Austin": the name starts
		 * at a given name, else it is the last words that look like
		 * one. */
		s++;
		while (s < b && c->e[s].conn)
			s++;
		size_t given = 0;
		for (size_t q = s + 1; q < b; q++)
			if (!c->e[q].conn && !c->e[q].gaz && (wf(n, c->e[q].t0) & Q_GW_GIVEN)) {
				given = q;
				break;
			}
		if (given)
			return given;
		size_t q = b;
		while (q > s + 1 && !c->e[q - 1].conn && !c->e[q - 1].gaz &&
		       !common(n, c->e[q - 1].t0) && b - (q - 1) <= 3)
			q--;
		return q < b ? q : 0;
	}
	if (s >= b)
		return 0;
	for (size_t q = s; q < b; q++) {
		const struct elem *e = &c->e[q];
		if (e->conn == 'o' || e->conn == 'f' || e->conn == 'a' || e->conn == 'n' ||
		    (!e->conn && !e->gaz && (wf(n, e->t0) & HEADS)))
			return 0; /* an office or a body, not a person */
	}
	/* The name must have a word that is no plain word, nor a suffix
	 * ("Jr.", "III"). */
	for (size_t q = s; q < b; q++) {
		const struct elem *e = &c->e[q];
		if (!e->conn && !suffix_word(n, e) &&
		    (e->gaz || !common(n, e->t0) || (wf(n, e->t0) & (Q_GW_GIVEN | Q_GW_SURNAME))))
			return s;
	}
	return 0;
}

/* A role after a person's name, as signature lines have it: "Tim Ryan
 * Editor" (not a family name that is a title too: "Peter King"). */
static int role_after_name(struct ner *n, const struct chunk *c, size_t a, size_t b)
{
	const struct elem *last = &c->e[b - 1], *first = &c->e[a];
	if (b - a < 3 || last->gaz || last->conn || c->e[b - 2].conn || last->t1 - last->t0 != 1 ||
	    (tok(n, last->t0)->flags & Q_TOKF_ALLCAPS) ||
	    !(wf(n, last->t0) & (Q_GW_TITLE | Q_GW_PERSON_BEFORE)) ||
	    (wf(n, last->t0) & Q_GW_SURNAME) || first->gaz || first->conn)
		return 0;
	int person = (wf(n, first->t0) & (Q_GW_GIVEN | Q_GW_TITLE)) != 0;
	for (size_t k = a + 1; k + 1 < b && !person; k++)
		person = !c->e[k].conn && (tok(n, c->e[k].t0)->flags & Q_TOKF_INITIAL);
	return person && !head_of(n, c, (struct piece){a, b, 0});
}

/* A run of elements without its connectors at either end. */
static int emit_run(struct ner *n, const struct chunk *c, size_t a, size_t b)
{
	while (a < b && c->e[a].conn)
		a++;
	while (b > a && c->e[b - 1].conn)
		b--;
	if (a < b && role_after_name(n, c, a, b))
		b--;
	return a < b ? emit_piece(n, c, (struct piece){a, b, 0}) : 0;
}

/* "North", "Southern", "Upper", "Greater" … */
static int compass_word(const struct ner *n, size_t i)
{
	static const struct word words[] = {
		WORD("North"), WORD("South"), WORD("East"), WORD("West"), WORD("Northern"),
		WORD("Southern"), WORD("Eastern"), WORD("Western"), WORD("Central"), WORD("Upper"),
		WORD("Lower"), WORD("Greater"), WORD("Northeast"), WORD("Northwest"),
		WORD("Southeast"), WORD("Southwest"), WORD("Northeastern"), WORD("Northwestern"),
		WORD("Southeastern"), WORD("Southwestern"),
	};
	return tok_in(n, i, WORDS(words));
}

/* Nothing but titles and plain words ("Vice Chairman", "Ranking
 * Member"), a suffix ("Jr.", "Inc.") or "I" with a verb ("I'm", "I've"):
 * no name. */
static int title_or_suffix_only(struct ner *n, const struct chunk *c, size_t a, size_t b)
{
	const char *s = tok_s(n, c->e[a].t0);
	if (b - a == 1 && !c->e[a].gaz &&
	    (suffix_word(n, &c->e[a]) || is_company_suffix(n, c->e[a].t0) ||
	     (s[0] == 'I' && tok_n(n, c->e[a].t0) > 1 &&
	      (s[1] == '\'' || (unsigned char)s[1] == 0xE2))))
		return 1;
	int titles = 0;
	for (size_t k = a; k < b; k++) {
		const struct elem *e = &c->e[k];
		if (e->conn)
			continue;
		if (e->gaz)
			return 0;
		if (wf(n, e->t0) & Q_GW_TITLE)
			titles++;
		else if (!common(n, e->t0))
			return 0;
	}
	return titles > 0;
}

static int emit_range(struct ner *n, const struct chunk *c, size_t a, size_t b)
{
	/* A title in the piece: what precedes it is dropped, except names of
	 * places and bodies ("U.S.", "Senate"); what follows it is a person. */
	for (size_t k = b; k-- > a;) {
		const struct elem *e = &c->e[k];
		if (e->conn || e->gaz || e->t1 - e->t0 > 2 || !(wf(n, e->t0) & Q_GW_TITLE))
			continue;
		/* After a given name it is a family name: "Martin Luther King". */
		if (k > a && !c->e[k - 1].conn && !c->e[k - 1].gaz &&
		    (wf(n, c->e[k - 1].t0) & Q_GW_GIVEN) && !(wf(n, c->e[k - 1].t0) & Q_GW_TITLE))
			continue;
		size_t s = name_after_title(n, c, k, b);
		if (!s)
			continue;
		for (size_t q = a; q < s; q++)
			if (c->e[q].gaz) {
				struct piece g = {q, q + 1, 0};
				if (emit_piece(n, c, g))
					return Q_ENOMEM;
			}
		struct piece pp = {s, b, 1};
		return emit_piece(n, c, pp);
	}
	/* Gazetteer names inside a longer run stand alone ("State Department
	 * Iraq hands", "BBC Breaking News Alert"), unless a head makes the run
	 * one name ("South Korean Ministry of …"); a place may open a name
	 * ("China Daily"). */
	/* "South Vietnam", "East Jerusalem": a compass point before a place is
	 * part of its name. */
	if (b - a == 2 && !c->e[a].gaz && !c->e[a].conn && is_place(&c->e[a + 1]) &&
	    c->e[a + 1].gaz->type != Q_ENT_NORP && compass_word(n, c->e[a].t0))
		return push_cand(n, c, (struct piece){a, b, 0}, c->e[a + 1].gaz->type,
				 n->titlecase ? S_WEAK : S_GAZ, 0);
	/* An airline named for its country: "Air Canada", "Air India". */
	if (b - a == 2 && !c->e[a].gaz && airline_at(n, c->e[a].t0))
		return push_cand(n, c, (struct piece){a, b, 0}, Q_ENT_ORG,
				 n->titlecase ? S_WEAK : S_HEAD, 0);
	int org_of_names = c->e[b - 1].gaz && c->e[b - 1].gaz->type == Q_ENT_ORG &&
			   all_names(c, a, b); /* "United Nations Office for the …" */
	if (b - a >= 2 && !org_of_names && !head_of(n, c, (struct piece){a, b, 0})) {
		size_t from = a;
		for (size_t q = a; q < b; q++) {
			/* A common word of the gazetteer closing a name is no name
			 * of its own there: "Random House", "Opera House". */
			if (!c->e[q].gaz || (q == a && is_place(&c->e[q])) ||
			    (q > a && c->e[q].t1 - c->e[q].t0 == 1 && common(n, c->e[q].t0) &&
			     !c->e[q - 1].gaz && !c->e[q - 1].conn))
				continue;
			if ((q > from && emit_run(n, c, from, q)) ||
			    emit_piece(n, c, (struct piece){q, q + 1, 0}))
				return Q_ENOMEM;
			from = q + 1;
		}
		if (from > a)
			return from < b ? emit_run(n, c, from, b) : 0;
	}
	/* A place before plain words: "Iran Cartoon association", "Houston
	 * Consultant" (not before an organisation of the gazetteer: "U.S.
	 * Department of State"). */
	if (b - a >= 2 && is_place(&c->e[a]) && !org_of_names &&
	    !head_of(n, c, (struct piece){a, b, 0})) {
		size_t q = a + 1;
		while (q < b && (c->e[q].conn || !common(n, c->e[q].t0)))
			q++;
		if (q < b)
			return emit_piece(n, c, (struct piece){a, a + 1, 0}) ||
			       emit_run(n, c, a + 1, b) ? Q_ENOMEM : 0;
	}
	/* A place before a person: "Russian Vladimir Putin". */
	if (b - a >= 3 && is_place(&c->e[a]) && !c->e[a + 1].conn && !c->e[a + 1].gaz &&
	    (wf(n, c->e[a + 1].t0) & Q_GW_GIVEN) && !head_of(n, c, (struct piece){a, b, 0})) {
		struct piece g = {a, a + 1, 0}, rest = {a + 1, b, 0};
		return emit_piece(n, c, g) || emit_piece(n, c, rest) ? Q_ENOMEM : 0;
	}
	if (title_or_suffix_only(n, c, a, b))
		return 0;
	return emit_run(n, c, a, b);
}

/* Cuts at hyphens between places ("South Korea-U.S.-Japan",
 * "Republic of Korea-United States Security Consultative Meeting"). */
static int emit_chunk(struct ner *n, const struct chunk *c)
{
	size_t a = 0;
	int bilateral = 0;
	for (size_t k = 1; k <= c->n; k++) {
		int cut = k == c->n ||
			  (c->e[k].hyphen && is_place(&c->e[k - 1]) && is_place(&c->e[k]));
		/* After such a hyphen, a place opening a longer name stands alone. */
		if (!cut && bilateral && k == a + 1 && is_place(&c->e[a]))
			cut = 1;
		if (!cut)
			continue;
		if (emit_range(n, c, a, k))
			return Q_ENOMEM;
		bilateral = k < c->n && c->e[k].hyphen;
		a = k;
	}
	return 0;
}

/* A given name and the plain names after it: "Lisa Gilette" in "Coach:
 * Lisa Gilette Leads Team".  The elements it takes, 0 when none. */
static size_t person_run(struct ner *n, const struct chunk *c, size_t k)
{
	const struct elem *e = &c->e[k];
	if (e->conn || e->gaz || !(wf(n, e->t0) & Q_GW_GIVEN) || common(n, e->t0) ||
	    (tok(n, e->t0)->flags & Q_TOKF_ALLCAPS))
		return 0;
	size_t q = k + 1;
	while (q < c->n && q < k + 3 && !c->e[q].conn && !c->e[q].gaz && !common(n, c->e[q].t0) &&
	       !(wf(n, c->e[q].t0) & (HEADS | Q_GW_TITLE)) &&
	       !(tok(n, c->e[q].t0)->flags & Q_TOKF_ALLCAPS))
		q++;
	return q - k >= 2 ? q - k : 0;
}

/* In a headline every word is capitalised: gazetteer names and people
 * named in full count, other words only as weak candidates, each alone. */
static int emit_headline(struct ner *n, const struct chunk *c)
{
	for (size_t k = 0; k < c->n; k++) {
		const struct elem *e = &c->e[k];
		size_t m = person_run(n, c, k);
		if (m) {
			if (push_cand(n, c, (struct piece){k, k + m, 0}, Q_ENT_PERSON, S_CUE, 0))
				return Q_ENOMEM;
			k += m - 1;
			continue;
		}
		if (e->conn || (!e->gaz && (wf(n, e->t0) & Q_GW_TITLE)))
			continue;
		if (emit_piece(n, c, (struct piece){k, k + 1, 0}))
			return Q_ENOMEM;
	}
	return 0;
}

/* ---- lists --------------------------------------------------------------- */

/* Do only a comma, "and", "or" or "&" stand between tokens a and b? */
static int list_link(const struct ner *n, size_t a, size_t b)
{
	if (b <= a || b - a > 2)
		return 0;
	if (b - a == 2)
		return tok_is(n, a, ",") && (tok_is(n, a + 1, "and") || tok_is(n, a + 1, "or"));
	return tok_is(n, a, ",") || tok_is(n, a, "and") || tok_is(n, a, "or") || tok_is(n, a, "&");
}

static int list_class(int type)
{
	return type == Q_ENT_LOC ? Q_ENT_GPE : type;
}

/*
 * Names in a list are of one kind: "Rumsfeld, Wolfowitz and Feith",
 * "Alhambra, Altadena, Burbank": a name of no type, or one only weakly
 * known, takes the type the surely typed names of its list agree on.
 */
static void type_lists(struct ner *n)
{
	struct cand *cs = n->cands.items;
	size_t i = n->sentence_cands, end = n->cands.count;
	while (i < end) {
		size_t j = i + 1;
		while (j < end && cs[j].t0 >= cs[j - 1].t1 && list_link(n, cs[j - 1].t1, cs[j].t0))
			j++;
		int type = -1, agree = 1, untyped = 0;
		for (size_t k = i; k < j && j - i >= 2; k++) {
			if (cs[k].flags & C_ECHO)
				continue;
			if (cs[k].type == Q_ENT_MISC && cs[k].strength <= S_DEFAULT) {
				untyped = 1;
				continue;
			}
			if (cs[k].strength < S_CUE || cs[k].type == Q_ENT_MISC)
				continue;
			int t = list_class(cs[k].type);
			if (type >= 0 && t != type)
				agree = 0;
			type = t;
		}
		if (untyped && agree && type >= 0)
			for (size_t k = i; k < j; k++)
				if (cs[k].type == Q_ENT_MISC && cs[k].strength <= S_DEFAULT &&
				    !(cs[k].flags & C_ECHO))
					cs[k].type = (uint8_t)type, cs[k].strength = S_DEFAULT;
		i = j;
	}
}

/* ---- sentences --------------------------------------------------------- */

/* Mostly capitals: shouting, a boilerplate line. */
static int shouting(const struct ner *n)
{
	size_t upper = 0, lower = 0;
	for (size_t i = 0; i < n->toks.count; i++) {
		const struct q_name_token *t = tok(n, i);
		if (t->kind != Q_NTOK_WORD)
			continue;
		if (t->flags & Q_TOKF_ALLCAPS)
			upper += t->letters;
		else
			lower += t->letters;
	}
	return upper >= 12 && upper > 2 * lower;
}

/* A headline: every word of four letters or more capitalised, and two of
 * them ordinary words ("Relief Agencies Warn of Shortfall"), which a
 * list of names ("Jane Doe and John Smith") has not. */
static int title_case(struct ner *n)
{
	size_t plain = 0;
	for (size_t i = 0; i < n->toks.count; i++) {
		const struct q_name_token *t = tok(n, i);
		if (t->kind != Q_NTOK_WORD || t->letters < 4)
			continue;
		if (!(t->flags & Q_TOKF_CAP))
			return 0;
		if (i != n->forced_first && common(n, i))
			plain++;
	}
	return plain >= 2;
}

/*
 * Where tokens are worth having: a sentence with no capital (nor any
 * other letter outside ASCII) after its first word can name something
 * only there, so a few words from its start are enough.
 */
static size_t scan_end(const char *t, size_t b, size_t e)
{
	const unsigned char *s = (const unsigned char *)t;
	size_t i = b;
	while (i < e && !((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') && s[i] < 0x80)
		i++;
	while (i < e && (s[i] >= 0x80 || ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')))
		i++;
	for (size_t k = i; k < e; k++)
		if ((s[k] >= 'A' && s[k] <= 'Z') || s[k] >= 0xC0)
			return e;
	/* The first word and what tells about it ("said", "the … exercise"). */
	for (int words = 0; i < e && words < 5; i++)
		if (s[i] == ' ' && (i + 1 >= e || s[i + 1] != ' '))
			words++;
	return i;
}

/*
 * Ordinary words capitalised only by where they stand ("Apple said …",
 * "Apple Computer launched …" opening a sentence, a headline's words)
 * name something only if the text names it for sure elsewhere ("… shares
 * of Apple"): they become a weak candidate that joins a sure one of the
 * same name, and no other.
 */
static int plain_capitalised(struct ner *n, size_t i)
{
	const struct q_name_token *t = tok(n, i);
	return t->kind == Q_NTOK_WORD &&
	       (t->flags & (Q_TOKF_CAP | Q_TOKF_ALLCAPS | Q_TOKF_DOTTED)) == Q_TOKF_CAP &&
	       t->letters >= 3 && common(n, i) && !(wf(n, i) & (Q_GW_TIME | Q_GW_TITLE));
}

/* The end of the echo at token i ("Apple", "Apple Computer" in a
 * sentence, one word in a headline), or i when there is none. */
static size_t echo_end(struct ner *n, size_t i)
{
	if (!(forced(n, i) || n->titlecase) || !plain_capitalised(n, i) || tok_is(n, i, "The"))
		return i;
	size_t j = i + 1;
	while (!n->titlecase && j < n->toks.count && j - i < 4 &&
	       (tok(n, j)->flags & Q_TOKF_SPACE) && plain_capitalised(n, j))
		j++;
	if (j < n->toks.count && (tok(n, j)->flags & Q_TOKF_SPACE) &&
	    (nameish(n, j) || tok_is(n, j, "of") || tok_is(n, j, "on") || tok_is(n, j, "for") ||
	     tok_is(n, j, "and") || tok_is(n, j, "&")))
		return i; /* a name goes on: "Human Rights Council of …" */
	return j;
}

static int push_echo(struct ner *n, size_t i, size_t j)
{
	struct chunk c = {.n = 1};
	int plural = tok_is(n, j, "are") || tok_is(n, j, "were") || tok_is(n, j, "have");
	c.e[0] = (struct elem){.t0 = (uint32_t)i, .t1 = (uint32_t)j};
	return push_cand(n, &c, (struct piece){0, 1, 0}, Q_ENT_MISC, S_WEAK,
			 C_ECHO | (plural ? C_PLURAL : 0));
}

static int sentence_entities(struct ner *n, size_t si)
{
	const struct q_span *sp = &n->doc->sentences.items[si].span;
	n->sentence = si;
	n->sentence_cands = n->cands.count;
	n->toks.count = 0;
	if (q_name_tokens_scan(&n->doc->arena, n->text, sp->bstart,
			  scan_end(n->text, sp->bstart, sp->bend), &n->toks))
		return Q_ENOMEM;
	if (n->toks.count == 0 || shouting(n))
		return 0;
	if ((n->toks.count > n->wf_cap &&
	     q_arena_reserve(&n->doc->arena, (void **)&n->wf, &n->wf_cap, sizeof(*n->wf),
			     n->toks.count)) ||
	    (n->toks.count > n->known_cap &&
	     q_arena_reserve(&n->doc->arena, (void **)&n->known, &n->known_cap, 1,
			     n->toks.count)))
		return Q_ENOMEM;
	memset(n->known, 0, n->toks.count);
	n->forced_first = 0;
	while (n->forced_first < n->toks.count && !is_word(n, n->forced_first))
		n->forced_first++;
	n->titlecase = title_case(n);
	for (size_t i = 0; i < n->toks.count;) {
		const struct q_gaz_name *g;
		const struct q_name_token *t = tok(n, i);
		/* Most tokens are lowercase words, which start nothing unless a
		 * hyphen follows ("al-Qaeda"). */
		if (t->kind != Q_NTOK_WORD ||
		    (!(t->flags & (Q_TOKF_CAP | Q_TOKF_MIXED)) &&
		     !(i + 1 < n->toks.count && (tok(n, i + 1)->flags & Q_TOKF_HYPHEN)))) {
			i++;
			continue;
		}
		size_t m = start_at(n, i, &g);
		if (!m) {
			size_t j = echo_end(n, i);
			if (j > i && push_echo(n, i, j))
				return Q_ENOMEM;
			i = j > i ? j : i + 1;
			continue;
		}
		struct chunk c;
		scan_chunk(n, i, m, g, &c);
		int rc = n->titlecase ? emit_headline(n, &c) : emit_chunk(n, &c);
		if (rc)
			return rc;
		i = c.e[c.n - 1].t1;
	}
	type_lists(n);
	return paren_acronyms(n);
}

/* ---- coreference -------------------------------------------------------- */

static struct q_str cand_text(const struct ner *n, const struct cand *c, int from_core)
{
	uint32_t b = from_core ? c->core : c->bstart;
	return q_str_make(n->text + b, c->bend - b);
}

/* The candidate whose entity c joins: a short form's long form, a
 * person's full name for a family or given name alone. */
static int32_t link_of(struct ner *n, size_t ci)
{
	const struct cand *c = &n->cands.items[ci];
	struct q_str s = cand_text(n, c, 0);
	if (c->flags & C_ECHO) {
		/* Only a person's family name named in full before: "Jobs said". */
		uintptr_t p = c->t1 - c->t0 == 1 && !(c->flags & C_PLURAL)
				      ? (uintptr_t)q_map_get(&n->persons_last, s.ptr, s.len)
				      : 0;
		return p ? (int32_t)(p - 1) : -1;
	}
	if (c->first == c->last) {
		uintptr_t d = (uintptr_t)q_map_get(&n->shorts, s.ptr, s.len);
		if (d && n->defs.items[d - 1].long_cand >= 0 &&
		    (size_t)n->defs.items[d - 1].long_cand != ci)
			return n->defs.items[d - 1].long_cand;
		if (c->type == Q_ENT_PERSON || c->type == Q_ENT_MISC || c->strength <= S_DEFAULT ||
		    (c->type == Q_ENT_GPE && c->canon.ptr)) {
			uintptr_t p = (uintptr_t)q_map_get(&n->persons_last, s.ptr, s.len);
			if (!p)
				p = (uintptr_t)q_map_get(&n->persons_first, s.ptr, s.len);
			if (p && p - 1 != ci)
				return (int32_t)(p - 1);
		}
		return -1;
	}
	if (c->type == Q_ENT_PERSON) {
		/* "Lloyd J. Austin" joins "Lloyd Austin". */
		uintptr_t p = (uintptr_t)q_map_get(&n->persons_last, n->text + c->last,
						   c->last_end - c->last);
		if (p && p - 1 != ci) {
			const struct cand *d = &n->cands.items[p - 1];
			if (d->first_end - d->first == c->first_end - c->first &&
			    memcmp(n->text + d->first, n->text + c->first, c->first_end - c->first) == 0)
				return (int32_t)(p - 1);
		}
	}
	return -1;
}

static size_t root_of(const struct ner *n, size_t ci)
{
	for (int hops = 0; hops < 8 && n->cands.items[ci].link >= 0; hops++)
		ci = (size_t)n->cands.items[ci].link;
	return ci;
}

/* Company suffixes set aside in keys: "Boeing Co." is Boeing. */
static struct q_str strip_suffix(struct q_str s)
{
	static const char *const suffixes[] = {" Inc.", " Inc", " Corp.", " Corp", " Co.",
					       " Ltd.", " Ltd", " LLC", " plc", " PLC",
					       ", Inc.", " Corporation", " Company"};
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t k = strlen(suffixes[i]);
		if (s.len > k + 1 && memcmp(s.ptr + s.len - k, suffixes[i], k) == 0)
			return q_str_make(s.ptr, s.len - k);
	}
	return s;
}

/* Whitespace inside a name, as one space (hard wraps in the text). */
static int normalized(struct q_doc *doc, struct q_str s, struct q_str *out)
{
	size_t i = 0;
	while (i < s.len && s.ptr[i] != '\n' && s.ptr[i] != '\t' &&
	       !(s.ptr[i] == ' ' && i + 1 < s.len && s.ptr[i + 1] == ' '))
		i++;
	if (i == s.len) {
		*out = s;
		return 0;
	}
	char *p = q_arena_alloc(&doc->arena, s.len + 1);
	size_t m = 0;
	if (!p)
		return Q_ENOMEM;
	for (i = 0; i < s.len; i++) {
		char ch = s.ptr[i] == '\n' || s.ptr[i] == '\t' ? ' ' : s.ptr[i];
		if (ch != ' ' || (m > 0 && p[m - 1] != ' '))
			p[m++] = ch;
	}
	*out = q_str_make(p, m);
	return 0;
}

/* No lowercase letter and three capitals at least: "GENEVA". */
static int shouted(struct q_str s)
{
	size_t upper = 0;
	for (size_t i = 0; i < s.len; i++) {
		if (s.ptr[i] >= 'a' && s.ptr[i] <= 'z')
			return 0;
		upper += s.ptr[i] >= 'A' && s.ptr[i] <= 'Z';
	}
	return upper >= 3;
}

struct group {
	struct q_str key;      /* the canonical name, or the text joined on */
	uint32_t first, count; /* first candidate, mentions */
	uint32_t best;	       /* candidate giving the type */
	uint32_t longest;      /* candidate giving the name */
	int32_t entity;	       /* index in doc->entities, or -1 */
};

static int build_entities(struct ner *n)
{
	struct q_doc *doc = n->doc;
	size_t nc = n->cands.count;
	if (nc == 0)
		return 0;
	for (size_t i = 0; i < nc; i++)
		n->cands.items[i].link = link_of(n, i);
	/* A candidate joining another takes its type. */
	for (size_t i = 0; i < nc; i++) {
		struct cand *c = &n->cands.items[i];
		if (c->link < 0)
			continue;
		const struct cand *r = &n->cands.items[root_of(n, i)];
		c->type = r->type;
		if (c->strength > r->strength)
			c->strength = r->strength;
		if (c->strength == S_WEAK && r->strength > S_WEAK)
			c->strength = S_DEFAULT;
	}
	uint32_t *group_of = q_arena_alloc(&doc->arena, nc * sizeof(uint32_t));
	struct group *groups = q_arena_alloc(&doc->arena, nc * sizeof(struct group));
	struct q_map keys;
	size_t ng = 0;
	if (!group_of || !groups)
		return Q_ENOMEM;
	q_map_init(&keys);
	for (size_t i = 0; i < nc; i++) {
		const struct cand *r = &n->cands.items[root_of(n, i)];
		struct q_str key = r->canon.ptr ? r->canon : strip_suffix(cand_text(n, r, 1));
		if (normalized(doc, key, &key)) {
			q_map_release(&keys);
			return Q_ENOMEM;
		}
		uintptr_t g = (uintptr_t)q_map_get(&keys, key.ptr, key.len);
		if (!g) {
			if (q_map_put(&keys, key.ptr, key.len, (void *)(uintptr_t)(ng + 1))) {
				q_map_release(&keys);
				return Q_ENOMEM;
			}
			groups[ng] = (struct group){key, (uint32_t)i, 0, (uint32_t)i, (uint32_t)i, -1};
			g = ++ng;
		}
		struct group *gr = &groups[g - 1];
		const struct cand *c = &n->cands.items[i], *best = &n->cands.items[gr->best];
		const struct cand *lg = &n->cands.items[gr->longest];
		group_of[i] = (uint32_t)(g - 1);
		gr->count++;
		if (c->strength > best->strength)
			gr->best = (uint32_t)i;
		if (c->strength > S_WEAK &&
		    (c->bend - c->bstart > lg->bend - lg->bstart || lg->strength == S_WEAK))
			gr->longest = (uint32_t)i;
	}
	q_map_release(&keys);
	/* Entities in the order of their first mentions; weak ones dropped. */
	for (size_t g = 0; g < ng; g++) {
		struct group *gr = &groups[g];
		const struct cand *best = &n->cands.items[gr->best];
		if (best->strength == S_WEAK)
			continue;
		struct q_entity *e = Q_VEC_PUSH(&doc->arena, &doc->entities);
		char id[24];
		if (!e)
			return Q_ENOMEM;
		memset(e, 0, sizeof(*e));
		int len = snprintf(id, sizeof(id), "E%zu", doc->entities.count);
		const struct cand *lg = &n->cands.items[gr->longest];
		/* The gazetteer's name when it is fuller ("U.S." is the United
		 * States), or when the text shouts it (a dateline's "GENEVA"). */
		struct q_str name = cand_text(n, lg, 0);
		if (n->cands.items[root_of(n, gr->first)].canon.ptr &&
		    (shouted(name) || gr->key.len > name.len))
			name = gr->key;
		if (q_doc_str(doc, id, (size_t)len, &e->id) || normalized(doc, name, &e->name) ||
		    q_arena_reserve(&doc->arena, (void **)&e->mentions.items, &e->mentions.cap,
				    sizeof(*e->mentions.items), gr->count))
			return Q_ENOMEM;
		e->type = (enum q_entity_type)best->type;
		gr->entity = (int32_t)(doc->entities.count - 1);
	}
	for (size_t i = 0; i < nc; i++) {
		const struct group *gr = &groups[group_of[i]];
		if (gr->entity < 0)
			continue;
		struct q_entity *e = &doc->entities.items[gr->entity];
		struct q_mention *m = &e->mentions.items[e->mentions.count++];
		const struct cand *c = &n->cands.items[i];
		m->span.bstart = c->bstart;
		m->span.bend = c->bend;
		q_doc_span_from_bytes(doc, &m->span);
		m->sentence = c->sentence;
	}
	return 0;
}

/* ---- the stage ---------------------------------------------------------- */

int q_entities_build(struct q_doc *doc, struct q_error *err)
{
	struct ner n;
	int rc = 0;
	memset(&n, 0, sizeof(n));
	n.doc = doc;
	n.text = doc->text.ptr;
	n.gaz = q_gazetteer();
	if (!n.gaz)
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	q_map_init(&n.persons_last);
	q_map_init(&n.persons_first);
	q_map_init(&n.shorts);
	for (size_t s = 0; s < doc->sentences.count && !rc; s++)
		rc = sentence_entities(&n, s);
	if (!rc)
		rc = build_entities(&n);
	q_map_release(&n.persons_last);
	q_map_release(&n.persons_first);
	q_map_release(&n.shorts);
	if (rc)
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	return 0;
}

/*
 * keyphrases.c — the phrases a document is about, RAKE-style.
 *
 * Candidates.  The words of the title, headings, body and list paragraphs
 * are read sentence by sentence.  Stop words (English function words,
 * reporting verbs, ordinals, number words: stop_words[] below), numbers,
 * punctuation, possessives and sentence ends split the text into runs of
 * content words; "of" between two capitalised words does not ("Department
 * of Defense").  A lowercase past form after a content word is taken for
 * a verb and splits the run ("the Fed announced new rules" gives "Fed" and
 * "new rules"), and so is a common irregular one ("won", "led"); one
 * opening a run is an adjective ("the combined drills") unless it ends
 * the run.  A run of 1 to MAX_WORDS content words is a candidate.  Words are compared in lowercase with a plural "s"
 * taken off, so "nuclear weapons" and "Nuclear weapon" are one candidate,
 * shown as first written away from the start of a sentence or clause.
 *
 * Scores.  As in RAKE (Rose et al., 2010), a word scores its degree over
 * its frequency — how many content words the runs holding it have on
 * average — and a phrase the sum of its words' scores, here multiplied by
 * the number of runs that are the phrase, so what the text repeats comes
 * first.  Scores are divided by the best, so the top phrase scores 1, and
 * rounded to 4 decimals.
 *
 * The top N.  Phrases rank by score, then runs, then first appearance:
 * every table is a vector in first-seen order and the maps only index it,
 * so no hash order leaks out.  A phrase whose words are a run of the words
 * of a phrase ranked above it, or the other way round, is a near duplicate
 * and skipped ("alliance" after "South Korea-U.S. alliance").  The first
 * KEYPHRASES_TOP are kept; `count` is how many times the phrase's words
 * stand in a row in the text, inside longer runs too.
 *
 * Speed.  One pass reads the words; stop words are found in a table
 * bucketed by length and first letter, so only content words are hashed
 * (once each occurrence), and only runs of two words or more go through
 * the phrase map.
 */
#include "extract/extract.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define KEYPHRASES_TOP 10
#define SHORTLIST (4 * KEYPHRASES_TOP) /* ranked before near duplicates go */
#define MAX_WORDS 5			/* words in a phrase at most */
#define MAX_WORD_BYTES 48		/* longer tokens (URLs, codes) split runs */
#define MAX_CHILDREN 64			/* continuations of a phrase kept: see extend() */

/* Tokens: content words are stem ids 0, 1, …; the rest are marks. */
#define T_BREAK UINT32_MAX	   /* stop words, punctuation, numbers, sentence ends */
#define T_OF (UINT32_MAX - 1)	   /* "of", which may join capitalised words */

/* ---- stop words ------------------------------------------------------------ */

static const char *const stop_words[] = {
	"a", "about", "above", "according", "across", "added", "adds", "after",
	"again", "against", "ago", "all", "almost", "along", "already", "also",
	"although", "always", "am", "among", "amongst", "an", "and", "another", "any",
	"anyone", "anything", "are", "around", "as", "asked", "at", "away", "back",
	"be", "became", "because", "become", "becomes", "been", "before", "began",
	"behind", "being", "below", "besides", "best", "better", "between", "beyond",
	"both", "brought", "but", "by", "came", "can", "cannot", "could", "did", "do",
	"does", "doing", "done", "down", "dozen", "during", "each", "eight",
	"eighteen", "eighth", "either", "eleven", "else", "enough", "especially",
	"even", "ever", "every", "everyone", "everything", "far", "feel", "feels",
	"felt", "few", "fifteen", "fifth", "fifty", "finally", "first", "firstly",
	"five", "following", "for", "forty", "four", "fourteen", "fourth", "from",
	"further", "furthermore", "gave", "get", "gets", "getting", "give", "given",
	"gives", "go", "goes", "going", "gone", "got", "had", "has", "have", "having",
	"he", "held", "her", "here", "hers", "herself", "him", "himself", "his", "how",
	"however", "hundred", "i", "if", "in", "including", "indeed", "instead",
	"into", "is", "it", "its", "itself", "just", "keep", "keeps", "kept", "knew",
	"know", "known", "last", "lastly", "less", "let", "like", "look", "looked",
	"looks", "lot", "lots", "made", "make", "makes", "making", "many", "may", "me",
	"mean", "means", "meant", "meanwhile", "might", "more", "moreover", "most",
	"mr", "mrs", "ms", "much", "must", "my", "myself", "near", "nearly", "neither",
	"never", "nevertheless", "next", "nine", "nineteen", "ninth", "no", "nor",
	"not", "nothing", "now", "of", "off", "often", "on", "once", "one", "only",
	"onto", "or", "other", "others", "otherwise", "our", "ours", "ourselves",
	"out", "over", "own", "per", "perhaps", "put", "quite", "rather", "really",
	"said", "same", "saw", "say", "saying", "says", "second", "secondly", "see",
	"seem", "seemed", "seems", "seen", "seven", "seventeen", "seventh", "several",
	"shall", "she", "should", "since", "six", "sixteen", "sixth", "so", "some",
	"someone", "something", "soon", "still", "such", "take", "taken", "takes",
	"tell", "tells", "ten", "tenth", "than", "that", "the", "their", "theirs",
	"them", "themselves", "then", "there", "therefore", "these", "they", "thing",
	"things", "think", "third", "thirdly", "thirteen", "thirty", "this", "those",
	"though", "thought", "thousand", "three", "through", "throughout", "thus",
	"to", "today", "together", "told", "tomorrow", "tonight", "too", "took", "toward", "towards", "tried", "tries",
	"try", "twelve", "twenty", "twice", "two", "under", "unless", "until", "up",
	"upon", "us", "very", "via", "want", "wanted", "wants", "was", "way", "ways",
	"we", "well", "went", "were", "what", "whatever", "when", "whenever", "where",
	"whereas", "whether", "which", "while", "who", "whole", "whom", "whose", "why",
	"will", "with", "within", "without", "would", "yes", "yesterday", "yet", "you", "your",
	"yours", "yourself", "yourselves",
};
#define NSTOP (sizeof(stop_words) / sizeof(stop_words[0]))

/*
 * A set of lowercase ASCII words of 2 to SET_MAX_LEN letters, bucketed by
 * length and first letter, each packed into two integers, so a lookup
 * compares a few integers and hashes nothing.  Built once for every
 * thread.
 */
#define SET_MAX_LEN 12

struct packed {
	uint64_t lo, hi;
};

struct word_set {
	const char *const *words;
	size_t count;
	struct packed *packed;			       /* words[], bucket after bucket */
	unsigned short start[(SET_MAX_LEN + 2) * 26]; /* the first of each bucket */
};

static size_t bucket_of(size_t len, char first)
{
	return len * 26 + (size_t)(first - 'a');
}

/* w[0..n), n <= 16, as two integers, zero-padded. */
static struct packed pack(const char *w, size_t n)
{
	char buf[16] = {0};
	struct packed p;
	memcpy(buf, w, n);
	memcpy(&p.lo, buf, 8);
	memcpy(&p.hi, buf + 8, 8);
	return p;
}

static void build_set(struct word_set *set)
{
	/* A counting sort on (length, first letter). */
	unsigned short fill[(SET_MAX_LEN + 2) * 26] = {0};
	for (size_t i = 0; i < set->count; i++)
		fill[bucket_of(strlen(set->words[i]), set->words[i][0])]++;
	for (size_t b = 0, sum = 0; b < (SET_MAX_LEN + 2) * 26; b++) {
		size_t count = fill[b];
		set->start[b] = fill[b] = (unsigned short)sum;
		sum += count;
	}
	for (size_t i = 0; i < set->count; i++) {
		size_t n = strlen(set->words[i]);
		set->packed[fill[bucket_of(n, set->words[i][0])]++] = pack(set->words[i], n);
	}
}

/* Whether the word of n letters, packed, is in the set. */
static int in_set(const struct word_set *set, struct packed p, size_t n)
{
	char first = (char)(p.lo & 0xff);
	if (n < 2 || n > SET_MAX_LEN || first < 'a' || first > 'z')
		return 0;
	size_t b = bucket_of(n, first);
	for (size_t k = set->start[b]; k < set->start[b + 1]; k++)
		if (set->packed[k].lo == p.lo && set->packed[k].hi == p.hi)
			return 1;
	return 0;
}

/* Common irregular past forms that are no stop words. */
static const char *const irregular_past[] = {
	"bought", "broke", "built", "caught", "chose", "cut", "drove", "fell", "fought",
	"found", "grew", "heard", "hit", "led", "left", "lost", "met", "paid", "ran",
	"rose", "sent", "set", "sold", "spent", "spoke", "stood", "taught", "won", "wrote",
};
#define NPAST (sizeof(irregular_past) / sizeof(irregular_past[0]))

static struct packed stop_packed[NSTOP], past_packed[NPAST];
static struct word_set stop_set = {stop_words, NSTOP, stop_packed, {0}};
static struct word_set past_set = {irregular_past, NPAST, past_packed, {0}};
static pthread_once_t sets_once = PTHREAD_ONCE_INIT;

static void build_sets(void)
{
	build_set(&stop_set);
	build_set(&past_set);
}

/* A word of one letter is a stop word too. */
static int is_stop_word(struct packed p, size_t n)
{
	return n == 1 || in_set(&stop_set, p, n);
}

/* ---- reading words ----------------------------------------------------------- */

/* Byte classes, as bits so that one test covers several. */
enum {
	C_SPACE = 1,
	C_JOIN = 2, /* - . & ' inside a word */
	C_DIGIT = 4,
	C_LOWER = 8,
	C_UPPER = 16,
	C_HIGH = 32, /* a UTF-8 lead byte of a letter, or punctuation (see letter_len) */
	C_ALNUM = C_DIGIT | C_LOWER | C_UPPER,
};

static const unsigned char byte_class[256] = {
	[' '] = C_SPACE, ['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\f'] = C_SPACE,
	['\v'] = C_SPACE, ['-'] = C_JOIN, ['.'] = C_JOIN, ['&'] = C_JOIN,
	['\''] = C_JOIN, ['0' ... '9'] = C_DIGIT, ['a' ... 'z'] = C_LOWER,
	['A' ... 'Z'] = C_UPPER, [0xC3 ... 0xFF] = C_HIGH,
};

/* Bytes of the letter or digit at t[i] — a whole UTF-8 character — or 0.
 * Non-ASCII letters count; the general punctuation block (U+2000–U+206F:
 * dashes, curly quotes) and Latin-1 signs (U+0080–U+00BF) do not. */
static size_t letter_len(const unsigned char *t, size_t i, size_t e)
{
	unsigned char c = t[i];
	if (c < 0x80)
		return (byte_class[c] & C_ALNUM) != 0;
	if (c < 0xC3 || (c == 0xE2 && i + 1 < e && (t[i + 1] == 0x80 || t[i + 1] == 0x81)))
		return 0;
	size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	return i + n <= e ? n : 0;
}

/* Bytes of an apostrophe (' or ’) at t[i], or 0. */
static size_t apostrophe_len(const unsigned char *t, size_t i, size_t e)
{
	if (t[i] == '\'')
		return 1;
	return i + 2 < e && t[i] == 0xE2 && t[i + 1] == 0x80 && t[i + 2] == 0x99 ? 3 : 0;
}

/*
 * The end of a word, from t[i] on, where its plain ASCII letters and
 * digits stopped: letters outside ASCII, joins ('-', '.', '&', an
 * apostrophe before a letter: "Korea-U.S.", "AT&T", "don't"), the final
 * dot of "U.S." and "D.C.", and a possessive "'s" (left out, flagged).
 * The slow path, for words that do not simply end at a space; *kinds
 * gathers the classes of bytes seen.
 */
static size_t word_rest(const unsigned char *t, size_t i, size_t b, size_t e, unsigned *kinds,
			int *possessive)
{
	unsigned cls, k = *kinds;
	size_t len;
	for (;;) {
		while (i < e && ((cls = byte_class[t[i]]) & C_ALNUM)) {
			k |= cls;
			i++;
		}
		if (i >= e)
			break;
		if ((len = letter_len(t, i, e))) {
			k |= C_HIGH;
			i += len;
			continue;
		}
		size_t a = apostrophe_len(t, i, e);
		if (a && i + a < e && (t[i + a] | 0x20) == 's' && (i + a + 1 >= e || !letter_len(t, i + a + 1, e))) {
			*possessive = 1;
			break;
		}
		size_t join = a ? a : (byte_class[t[i]] & C_JOIN) != 0;
		if (!join || i + join >= e || !letter_len(t, i + join, e)) {
			if (t[i] == '.' && i >= b + 3 && t[i - 2] == '.' && (byte_class[t[i - 1]] & C_ALNUM))
				i++; /* "U.S." */
			break;
		}
		k |= C_JOIN;
		i += join;
	}
	*kinds = k;
	return i;
}

/* The end of the word starting at t[b]. */
static size_t word_end(const unsigned char *t, size_t b, size_t e)
{
	unsigned kinds = 0;
	int possessive = 0;
	return word_rest(t, b, b, e, &kinds, &possessive);
}

/* "54th", "1990s": a number with a suffix is no word. */
static int is_numeral(const char *w, size_t n)
{
	size_t d = 0;
	while (d < n && w[d] >= '0' && w[d] <= '9')
		d++;
	return d && n - d <= 2;
}

/* The first 16 bytes of the plain ASCII word w[0..n), n <= 16, lowercase
 * and zero-padded, read with fixed-size loads when the text allows. */
static struct packed packed_lower(const char *w, size_t n, int room)
{
	struct packed p;
	if (room) {
		memcpy(&p.lo, w, 8);
		memcpy(&p.hi, w + 8, 8);
	} else {
		p = pack(w, n);
	}
	/* OR-ing 0x20 lowercases letters and leaves digits as they are. */
	uint64_t mlo = n >= 8 ? ~0ULL : (1ULL << (8 * n)) - 1;
	uint64_t mhi = n <= 8 ? 0 : n == 16 ? ~0ULL : (1ULL << (8 * (n - 8))) - 1;
	p.lo = (p.lo | 0x2020202020202020ULL) & mlo;
	p.hi = (p.hi | 0x2020202020202020ULL) & mhi;
	return p;
}

/* The length of the stem of a lowercase word: a plural "s" off
 * ("weapons" -> "weapon"; "-ies" -> "-y" is done by the caller); "-ss",
 * "-us", "-is" stay. */
static size_t stem_len(const char *w, size_t n)
{
	if (n > 4 && memcmp(w + n - 4, "sses", 4) == 0)
		return n - 2;
	if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u' && w[n - 2] != 'i')
		return n - 1;
	return n;
}

enum past { NOT_PAST, PAST_ED, PAST_IRREGULAR };

/* A past form: "closed", "remained" (but "-eed" words, "need", "speed",
 * are nouns), or an irregular one, whose packed form is p when packed is
 * set.  Asked once per distinct word. */
static enum past past_form(const char *w, size_t n, struct packed p, int packed)
{
	if (n >= 5 && w[n - 2] == 'e' && w[n - 1] == 'd' && w[n - 3] != 'e')
		return PAST_ED;
	return packed && in_set(&past_set, p, n) ? PAST_IRREGULAR : NOT_PAST;
}

/* ---- the tables: vectors in first-seen order, maps that index them ------------ */

/*
 * The tables are working memory, freed when the stage ends: they grow with
 * realloc, which reuses the memory of the document before, instead of
 * taking fresh zeroed pages from the document's arena.
 */
#define VEC(T)                \
	struct {              \
		T *items;     \
		size_t count; \
		size_t cap;   \
	}

/* Room for one more element; 0 or Q_ENOMEM. */
static int vec_room(void **items, size_t count, size_t *cap, size_t size)
{
	if (count < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 256;
	void *n = ncap < SIZE_MAX / size ? realloc(*items, ncap * size) : NULL;
	if (!n)
		return Q_ENOMEM;
	*items = n;
	*cap = ncap;
	return 0;
}

#define VEC_ROOM(v) vec_room((void **)&(v)->items, (v)->count, &(v)->cap, sizeof(*(v)->items))

struct stem {
	uint32_t freq, degree;
	uint32_t phrase; /* 1 + index of the phrase of this word alone, or 0 */
	enum past past;
};

/*
 * The phrases form a trie: a phrase of n words is the child of its first
 * n - 1 words, so finding one is a walk from its first word, each step
 * along a short list of children — no second hash map.
 */
struct phrase {
	const uint32_t *ids; /* its tokens, in the token vector (final by then) */
	uint32_t n;
	uint32_t child;	     /* 1 + index of its first child, or 0 */
	uint32_t sibling;    /* 1 + index of the next child of its parent, or 0 */
	uint32_t runs;	     /* times it is a candidate */
	size_t first;	     /* token index of the occurrence to show */
	double score;
};

struct kp {
	struct q_doc *doc;
	struct q_map words; /* stem -> 1 + stem id */
	VEC(struct stem) stems;
	VEC(uint32_t) ids;    /* content words, T_OF and T_BREAK: stop words break runs */
	VEC(uint32_t) starts; /* byte offset of each */
	VEC(struct phrase) list;
	int failed;
};

#define AS_VALUE(i) ((void *)(uintptr_t)((i) + 1))
#define AS_INDEX(v) ((uint32_t)((uintptr_t)(v) - 1))

/* Tokens and their starts grow together. */
static int token_room(struct kp *kp)
{
	if (kp->ids.count < kp->ids.cap)
		return 0;
	size_t cap = kp->ids.cap;
	if (VEC_ROOM(&kp->ids))
		return Q_ENOMEM;
	kp->starts.cap = cap;
	return vec_room((void **)&kp->starts.items, cap, &kp->starts.cap, sizeof(uint32_t));
}

static void push_token(struct kp *kp, uint32_t id, size_t at)
{
	if (id == T_BREAK && (!kp->ids.count || kp->ids.items[kp->ids.count - 1] == T_BREAK))
		return;
	if (token_room(kp)) {
		kp->failed = 1;
		return;
	}
	kp->starts.items[kp->ids.count] = (uint32_t)at;
	kp->ids.items[kp->ids.count++] = id;
}

/* "of" packed: the one stop word that can stand inside a phrase. */
#define PACKED_OF ((uint64_t)'o' | (uint64_t)'f' << 8)

/*
 * The token of the word text[b, b + n), whose bytes are of the classes in
 * kinds: T_BREAK for what is no word (a number, a numeral, a token over
 * MAX_WORD_BYTES) and for stop words but "of", else its stem id.
 */
static uint32_t token_of(struct kp *kp, size_t b, size_t n, unsigned kinds)
{
	const char *text = kp->doc->text.ptr + b, *key = text;
	if (n <= 1 || n > MAX_WORD_BYTES || !(kinds & (C_LOWER | C_UPPER | C_HIGH)) ||
	    ((kinds & C_DIGIT) && is_numeral(text, n)))
		return T_BREAK;
	struct packed p = {0, 0};
	int packed = !(kinds & (C_HIGH | C_JOIN)) && n <= SET_MAX_LEN;
	if (packed) {
		p = packed_lower(text, n, b + 16 <= kp->doc->text.len);
		if (is_stop_word(p, n))
			return n == 2 && p.lo == PACKED_OF ? T_OF : T_BREAK;
	}
	/* The key is the text itself when the word is in lowercase; a copy
	 * only when it has capitals or "-ies" turns into "-y". */
	char low[MAX_WORD_BYTES];
	int ies = n > 4 && memcmp(text + n - 3, "ies", 3) == 0;
	if ((kinds & C_UPPER) || ies) {
		for (size_t k = 0; k < n; k++)
			low[k] = (char)(text[k] | (byte_class[(unsigned char)text[k]] & C_UPPER ? 0x20 : 0));
		key = low;
	}
	size_t sn = ies ? n - 2 : stem_len(key, n);
	if (ies)
		low[n - 3] = 'y';
	void *v = q_map_get(&kp->words, key, sn);
	if (v)
		return AS_INDEX(v);
	enum past past = past_form(key, n, p, packed);
	if (key == low && !(key = q_arena_strndup(&kp->doc->arena, low, sn))) {
		kp->failed = 1;
		return T_BREAK;
	}
	uint32_t id = (uint32_t)kp->stems.count;
	if (VEC_ROOM(&kp->stems) || q_map_put(&kp->words, key, sn, AS_VALUE(id))) {
		kp->failed = 1;
		return T_BREAK;
	}
	kp->stems.items[kp->stems.count++] = (struct stem){0, 0, 0, past};
	return id;
}

static void read_sentence(struct kp *kp, size_t b, size_t e)
{
	const unsigned char *t = (const unsigned char *)kp->doc->text.ptr;
	size_t i = b;
	while (i < e && !kp->failed) {
		unsigned cls = byte_class[t[i]];
		if (cls == C_SPACE) {
			i++;
			continue;
		}
		if (!(cls & C_ALNUM) && !(cls == C_HIGH && letter_len(t, i, e))) {
			push_token(kp, T_BREAK, i++);
			continue;
		}
		/* The common case inline: ASCII letters and digits up to a space. */
		size_t w = i;
		unsigned kinds = 0;
		int possessive = 0;
		while (i < e && ((cls = byte_class[t[i]]) & C_ALNUM)) {
			kinds |= cls;
			i++;
		}
		if (i < e && cls != C_SPACE)
			i = word_rest(t, i, w, e, &kinds, &possessive);
		push_token(kp, token_of(kp, w, i - w, kinds), w);
		if (possessive)
			push_token(kp, T_BREAK, i);
		if (i - w > MAX_WORD_BYTES) /* a URL or a code: skipped to its end */
			while (i < e && byte_class[t[i]] != C_SPACE)
				i++;
	}
	push_token(kp, T_BREAK, e);
}

static int read_text(struct kp *kp)
{
	const struct q_doc *doc = kp->doc;
	for (size_t i = 0; i < doc->sentences.count && !kp->failed; i++) {
		const struct q_sentence *s = &doc->sentences.items[i];
		enum q_para_kind kind = doc->paragraphs.items[s->paragraph].kind;
		if (kind == Q_PARA_BODY || kind == Q_PARA_TITLE || kind == Q_PARA_HEADING ||
		    kind == Q_PARA_LIST_ITEM)
			read_sentence(kp, s->span.bstart, s->span.bend);
	}
	return kp->failed ? Q_ENOMEM : 0;
}

/* ---- runs and candidates ----------------------------------------------------- */

static int is_content(uint32_t id)
{
	return id < T_OF;
}

static int capitalised(const struct kp *kp, size_t k)
{
	unsigned char c = (unsigned char)kp->doc->text.ptr[kp->starts.items[k]];
	return c >= 'A' && c <= 'Z';
}

/* "of" between two capitalised content words joins them: "Department of Defense". */
static int joins(const struct kp *kp, size_t k)
{
	const uint32_t *tok = kp->ids.items;
	return tok[k] == T_OF && k > 0 && k + 1 < kp->ids.count && is_content(tok[k - 1]) &&
	       is_content(tok[k + 1]) && capitalised(kp, k - 1) && capitalised(kp, k + 1);
}

static struct phrase *new_phrase(struct kp *kp, size_t b, size_t e, uint32_t *link)
{
	if (VEC_ROOM(&kp->list)) {
		kp->failed = 1;
		return NULL;
	}
	struct phrase *p = &kp->list.items[kp->list.count++];
	*p = (struct phrase){.ids = kp->ids.items + b, .n = (uint32_t)(e - b), .sibling = *link, .first = b};
	*link = (uint32_t)kp->list.count;
	return p;
}

/* The phrase of token b alone. */
static struct phrase *root(struct kp *kp, size_t b)
{
	uint32_t *link = &kp->stems.items[kp->ids.items[b]].phrase;
	return *link ? &kp->list.items[*link - 1] : new_phrase(kp, b, b + 1, link);
}

/*
 * The phrase of tokens [b, e): the phrase of [b, e - 1) and one more, or
 * NULL.  A phrase keeps MAX_CHILDREN continuations at most, so a word
 * followed by thousands of different names cannot make the walk
 * quadratic; the continuations after those are no candidates.
 */
static struct phrase *extend(struct kp *kp, struct phrase *p, size_t b, size_t e)
{
	uint32_t word = kp->ids.items[e - 1], index = (uint32_t)(p - kp->list.items), seen = 0;
	for (uint32_t k = p->child; k; k = kp->list.items[k - 1].sibling, seen++)
		if (kp->list.items[k - 1].ids[e - b - 1] == word)
			return &kp->list.items[k - 1];
	if (seen >= MAX_CHILDREN)
		return NULL;
	/* new_phrase may move the list: link through the index */
	uint32_t link = p->child;
	struct phrase *c = new_phrase(kp, b, e, &link);
	if (c)
		kp->list.items[index].child = link;
	return c;
}

/* One more time a candidate, shown as first written, or in lowercase when
 * it ever is ("Nuclear weapons" opening a sentence, "nuclear weapons"). */
static void count(struct kp *kp, struct phrase *p, size_t b)
{
	p->runs++;
	if (p->runs > 1 && capitalised(kp, p->first) &&
	    (byte_class[(unsigned char)kp->doc->text.ptr[kp->starts.items[b]]] & C_LOWER))
		p->first = b;
}

/* A lowercase past form ends no phrase ("storms closed"): it is a verb
 * more often than not. */
static int ends_phrase(const struct kp *kp, size_t k)
{
	uint32_t id = kp->ids.items[k];
	return is_content(id) && !(kp->stems.items[id].past && !capitalised(kp, k));
}

/*
 * A lowercase past form after a content word is a verb ("the Fed
 * announced new rules", "storms closed roads"): it ends the run and is
 * part of none; so is a common irregular one ("won", "led") anywhere.
 * One opening its run is taken for an adjective: "the combined drills".
 */
static int verb_at(const struct kp *kp, size_t k)
{
	uint32_t id = kp->ids.items[k];
	if (!is_content(id) || capitalised(kp, k))
		return 0;
	enum past past = kp->stems.items[id].past;
	return past == PAST_IRREGULAR || (past == PAST_ED && k > 0 && is_content(kp->ids.items[k - 1]));
}

/*
 * The candidates of the run [b, e): a word standing alone, or every
 * stretch of 2 to MAX_WORDS words inside it — so "water prices" counts in
 * "water prices rose" and in "city water prices" too.
 */
static void candidates(struct kp *kp, size_t b, size_t e, uint32_t words)
{
	if (words == 1) {
		struct phrase *p = root(kp, b);
		if (p && ends_phrase(kp, b))
			count(kp, p, b);
		return;
	}
	for (size_t s = b; s < e && !kp->failed; s++) {
		if (!is_content(kp->ids.items[s]))
			continue;
		struct phrase *p = root(kp, s);
		uint32_t n = 1;
		for (size_t k = s + 1; p && k < e && n < MAX_WORDS; k++) {
			n += is_content(kp->ids.items[k]);
			if ((p = extend(kp, p, s, k + 1)) && ends_phrase(kp, k))
				count(kp, p, s);
		}
	}
}

/* Word statistics and candidates, over the finished token vector
 * (phrases point into it). */
static void read_runs(struct kp *kp)
{
	const uint32_t *tok = kp->ids.items;
	size_t n = kp->ids.count;
	for (size_t k = 0; k < n && !kp->failed;) {
		if (!is_content(tok[k]) || verb_at(kp, k)) {
			k++;
			continue;
		}
		size_t b = k;
		uint32_t words = 0;
		while (k < n && (is_content(tok[k]) || joins(kp, k)) && !verb_at(kp, k))
			words += is_content(tok[k++]);
		for (size_t i = b; i < k; i++)
			if (is_content(tok[i])) {
				kp->stems.items[tok[i]].freq++;
				kp->stems.items[tok[i]].degree += words < MAX_WORDS ? words : MAX_WORDS;
			}
		candidates(kp, b, k, words);
	}
}

/* ---- ranking ------------------------------------------------------------------- */

/* A phrase that only ever stands inside one longer phrase is a fragment
 * of it ("European Central" of "European Central Bank"): it does not
 * rank.  Its extensions are its children, through an inner "of". */
static int fragment(const struct kp *kp, const struct phrase *p)
{
	for (uint32_t k = p->child; k; k = kp->list.items[k - 1].sibling) {
		const struct phrase *c = &kp->list.items[k - 1];
		if (c->runs == p->runs || (c->ids[c->n - 1] == T_OF && fragment(kp, c)))
			return 1;
	}
	return 0;
}

/*
 * As in RAKE, a word scores its degree over its frequency: how many words
 * the runs holding it have on average (at most MAX_WORDS).  A phrase
 * scores the mean of its words' scores, times 1 + log2 of its length in
 * words, times the number of times it is a candidate.
 */
static void score(struct kp *kp)
{
	for (size_t i = 0; i < kp->list.count; i++) {
		struct phrase *p = &kp->list.items[i];
		double sum = 0, words = 0;
		for (uint32_t k = 0; k < p->n; k++)
			if (is_content(p->ids[k])) {
				const struct stem *s = &kp->stems.items[p->ids[k]];
				sum += (double)s->degree / (double)s->freq;
				words++;
			}
		p->score = p->runs && !fragment(kp, p) ? sum / words * (1 + log2(words)) * p->runs : 0;
	}
}

/* a ranks above b: score, then runs, then first appearance (the index). */
static int ranks_above(const struct phrase *v, uint32_t a, uint32_t b)
{
	if (v[a].score != v[b].score)
		return v[a].score > v[b].score;
	if (v[a].runs != v[b].runs)
		return v[a].runs > v[b].runs;
	return a < b;
}

/* The best `want` phrases in rank order, by insertion into a short sorted
 * array: ranking costs little more than reading the list once. */
static size_t best_phrases(const struct kp *kp, uint32_t *best, size_t want)
{
	const struct phrase *v = kp->list.items;
	size_t n = 0;
	for (uint32_t i = 0; i < kp->list.count; i++) {
		if (v[i].score <= 0 ||
		    (n == want && (v[i].score < v[best[n - 1]].score || !ranks_above(v, i, best[n - 1]))))
			continue;
		size_t k = n < want ? n++ : n - 1;
		for (; k > 0 && ranks_above(v, i, best[k - 1]); k--)
			best[k] = best[k - 1];
		best[k] = i;
	}
	return n;
}

/* The words of a are a run of the words of b. */
static int inside(const struct phrase *a, const struct phrase *b)
{
	for (uint32_t k = 0; k + a->n <= b->n; k++)
		if (memcmp(b->ids + k, a->ids, a->n * sizeof(uint32_t)) == 0)
			return 1;
	return 0;
}

/* How often each chosen phrase's words stand in a row, in one pass. */
static int occurrences(struct kp *kp, const struct phrase **chosen, size_t k, size_t *counts)
{
	const uint32_t *tok = kp->ids.items;
	unsigned char *opens = calloc(kp->stems.count + 1, 1);
	if (!opens)
		return Q_ENOMEM;
	for (size_t j = 0; j < k; j++)
		opens[chosen[j]->ids[0]] = 1;
	for (size_t i = 0; i < kp->ids.count; i++) {
		if (!is_content(tok[i]) || !opens[tok[i]])
			continue;
		for (size_t j = 0; j < k; j++)
			if (i + chosen[j]->n <= kp->ids.count &&
			    memcmp(tok + i, chosen[j]->ids, chosen[j]->n * sizeof(uint32_t)) == 0)
				counts[j]++;
	}
	free(opens);
	return 0;
}

/* The phrase as written, its line breaks and runs of spaces made one space. */
static int surface(struct kp *kp, const struct phrase *p, struct q_str *out)
{
	const unsigned char *t = (const unsigned char *)kp->doc->text.ptr;
	size_t b = kp->starts.items[p->first];
	size_t e = word_end(t, kp->starts.items[p->first + p->n - 1], kp->doc->text.len), plain = 1;
	for (size_t i = b; i < e; i++)
		if (t[i] == '\n' || t[i] == '\t' || (t[i] == ' ' && t[i + 1] == ' '))
			plain = 0;
	if (plain) {
		*out = q_str_make((const char *)t + b, e - b);
		return 0;
	}
	char *s = q_arena_alloc(&kp->doc->arena, e - b);
	size_t n = 0;
	if (!s)
		return Q_ENOMEM;
	for (size_t i = b; i < e; i++)
		if (!(byte_class[t[i]] & C_SPACE))
			s[n++] = (char)t[i];
		else if (s[n - 1] != ' ')
			s[n++] = ' ';
	*out = q_str_make(s, n);
	return 0;
}

/* Same length, shifted by a word: two windows of one long name
 * ("National Rural Electric Cooperative", "Rural Electric Cooperative
 * Association"). */
static int shifted(const struct phrase *a, const struct phrase *b)
{
	size_t m = a->n - 1;
	return a->n == b->n && a->n >= 3 &&
	       (memcmp(a->ids + 1, b->ids, m * sizeof(uint32_t)) == 0 ||
		memcmp(b->ids + 1, a->ids, m * sizeof(uint32_t)) == 0);
}

/*
 * Adds candidate c to the chosen phrases unless it is a near duplicate:
 * its words inside a chosen phrase, or a shifted window of one.  When a
 * chosen phrase's words are inside c and c has more than half its count,
 * c is the more telling phrase and takes its place ("South Korea-U.S.
 * alliance" over "South Korea-U.S."); with half or less, c is dropped
 * ("water prices rose" after "water prices").  Returns the new number chosen.
 */
static size_t choose(const struct phrase *v, uint32_t *chosen, size_t k, uint32_t c)
{
	int replaces[KEYPHRASES_TOP] = {0};
	for (size_t j = 0; j < k; j++) {
		const struct phrase *p = &v[chosen[j]];
		if (inside(&v[c], p) || shifted(&v[c], p))
			return k;
		if (inside(p, &v[c])) {
			if (2 * v[c].runs <= p->runs)
				return k;
			replaces[j] = 1;
		}
	}
	size_t kept = 0;
	for (size_t j = 0; j < k; j++)
		if (!replaces[j])
			chosen[kept++] = chosen[j];
	chosen[kept++] = c;
	return kept;
}

static int select_top(struct kp *kp)
{
	uint32_t best[SHORTLIST], chosen[KEYPHRASES_TOP];
	const struct phrase *top[KEYPHRASES_TOP];
	size_t counts[KEYPHRASES_TOP] = {0}, k = 0;
	size_t n = best_phrases(kp, best, SHORTLIST);
	const struct phrase *v = kp->list.items;
	for (size_t i = 0; i < n && k < KEYPHRASES_TOP; i++)
		k = choose(v, chosen, k, best[i]);
	/* Replacements may have broken the order: rank again. */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && ranks_above(v, chosen[j], chosen[j - 1]); j--) {
			uint32_t t = chosen[j];
			chosen[j] = chosen[j - 1];
			chosen[j - 1] = t;
		}
	for (size_t j = 0; j < k; j++)
		top[j] = &v[chosen[j]];
	if (k && occurrences(kp, top, k, counts))
		return Q_ENOMEM;
	for (size_t j = 0; j < k; j++) {
		struct q_keyphrase *out = Q_VEC_PUSH(&kp->doc->arena, &kp->doc->keyphrases);
		if (!out || surface(kp, top[j], &out->text))
			return Q_ENOMEM;
		out->count = counts[j];
		out->score = round(top[j]->score / top[0]->score * 1e4) / 1e4;
	}
	return 0;
}

/* ---- the stage ------------------------------------------------------------------- */

int q_keyphrases_build(struct q_doc *doc, struct q_error *err)
{
	struct kp kp = {.doc = doc};
	pthread_once(&sets_once, build_sets);
	q_map_init(&kp.words);
	/* About one word in four is new in a news text: room for them from
	 * the start saves the map rehashing as it grows. */
	int rc = q_map_reserve(&kp.words, doc->stats.words / 4);
	if (!rc)
		rc = read_text(&kp);
	if (!rc) {
		read_runs(&kp);
		rc = kp.failed ? Q_ENOMEM : 0;
	}
	if (!rc) {
		score(&kp);
		rc = select_top(&kp);
	}
	q_map_release(&kp.words);
	free(kp.stems.items);
	free(kp.ids.items);
	free(kp.starts.items);
	free(kp.list.items);
	return rc ? q_error_msg(err, rc, NULL, "out of memory") : 0;
}

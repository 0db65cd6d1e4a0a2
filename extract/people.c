/*
 * people.c — author names and roles from bylines, headers and bio lines.
 *
 * Names are recognised by shape (capitalised words, initials, particles
 * such as "van" or "bin") and told apart from roles by a list of role and
 * outlet words: "Jane Doe, Senior Fellow" is one author with a role, while
 * "Jane Doe and John Smith" is two authors.
 */
#include "extract/extract.h"

#include <string.h>
#include <strings.h>

static const char *const role_words[] = {
	"adviser", "advisor", "ambassador", "analyst", "associate", "attorney",
	"author", "bureau", "candidate", "ceo", "chair", "chairman",
	"chairwoman", "chief", "columnist", "commentator", "commissioner",
	"congressman", "congresswoman", "consultant", "contributor",
	"correspondent", "counsel", "dean", "deputy", "director", "economist",
	"editor", "executive", "fellow", "founder", "governor", "head",
	"historian", "journal", "journalist", "lawyer", "lecturer", "manager",
	"mayor", "member", "minister", "news", "officer", "partner",
	"photographer", "post", "president", "press", "professor", "reporter",
	"representative", "researcher", "reuters", "scholar", "secretary",
	"senator", "senior", "speaker", "spokesman", "spokesperson",
	"spokeswoman", "staff", "student", "times", "vice", "writer",
};

static const char *const particles[] = {
	"al", "bin", "da", "de", "del", "der", "di", "du", "el", "la", "le",
	"van", "von", "y",
};

static int is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static int in_list(const char *const *list, size_t n, const char *w, size_t len)
{
	char low[32];
	if (len == 0 || len >= sizeof(low))
		return 0;
	for (size_t i = 0; i < len; i++)
		low[i] = (char)(is_upper((unsigned char)w[i]) ? w[i] + 32 : w[i]);
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], low, len) == 0)
			return 1;
	return 0;
}

#define IN_LIST(list, w, n) in_list((list), sizeof(list) / sizeof((list)[0]), (w), (n))

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static void trim(const char **s, size_t *n, const char *also)
{
	while (*n && (is_space(**s) || strchr(also, **s)))
		(*s)++, (*n)--;
	while (*n && (is_space((*s)[*n - 1]) || strchr(also, (*s)[*n - 1])))
		(*n)--;
}

/* One word of a name: "Jane", "J.", "O'Brien", "Jean-Luc", "HAMILTON",
 * "Müller" (a non-ASCII letter counts as a capital only in first place). */
static int is_name_word(const char *w, size_t n)
{
	unsigned char c = (unsigned char)w[0];
	if (!(is_upper(c) || c >= 0xC3))
		return 0;
	for (size_t i = 1; i < n; i++) {
		unsigned char d = (unsigned char)w[i];
		if (!(is_upper(d) || is_lower(d) || d >= 0x80 || d == '\'' ||
		      d == '-' || d == '.'))
			return 0;
	}
	return 1;
}

struct words {
	size_t n;
	int all_caps;  /* every letter is a capital ("HAMILTON") */
	int name_like; /* every word a name word or particle */
	int role_word; /* contains a role or outlet word */
};

static void scan_words(const char *s, size_t len, struct words *w)
{
	size_t i = 0;
	int real = 0;
	memset(w, 0, sizeof(*w));
	w->all_caps = w->name_like = 1;
	while (i < len) {
		while (i < len && is_space(s[i]))
			i++;
		size_t b = i;
		while (i < len && !is_space(s[i]))
			i++;
		if (b == i)
			break;
		size_t n = i - b;
		w->n++;
		for (size_t k = b; k < i; k++)
			if (is_lower((unsigned char)s[k]))
				w->all_caps = 0;
		if (IN_LIST(role_words, s + b, n))
			w->role_word = 1;
		if (IN_LIST(particles, s + b, n) && w->n > 1)
			continue;
		if (is_name_word(s + b, n))
			real++;
		else
			w->name_like = 0;
	}
	if (!real)
		w->name_like = 0;
}

int q_author_add(struct q_doc *doc, struct q_str name, struct q_str role)
{
	struct q_metadata *m = &doc->meta;
	for (size_t i = 0; i < m->authors.count; i++) {
		struct q_author *a = &m->authors.items[i];
		if (q_str_eq(a->name, name)) {
			if (!a->role.ptr && role.ptr)
				return q_doc_str(doc, role.ptr, role.len, &a->role);
			return 0;
		}
	}
	struct q_author *a = Q_VEC_PUSH(&doc->arena, &m->authors);
	if (!a || q_doc_str(doc, name.ptr, name.len, &a->name) ||
	    q_doc_str(doc, role.ptr, role.len, &a->role))
		return Q_ENOMEM;
	return 0;
}

/* Splits s at the next separator of a list of people: , ; | & and "and". */
static size_t next_segment(const char *s, size_t len, size_t *skip)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == ',' || c == ';' || c == '|' || c == '&') {
			*skip = 1;
			return i;
		}
		if (c == ' ' && i + 5 <= len && memcmp(s + i, " and ", 5) == 0) {
			*skip = 5;
			return i;
		}
	}
	*skip = 0;
	return len;
}

static size_t strip_by(const char *s, size_t n)
{
	static const char *const prefixes[] = {"written by ", "by ", "by: "};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t p = strlen(prefixes[i]);
		if (n > p && strncasecmp(s, prefixes[i], p) == 0)
			return p;
	}
	return 0;
}

int q_people_add(struct q_doc *doc, const char *s, size_t len)
{
	size_t pos, found = 0, segments = 0;
	struct q_str name = Q_STR_NULL, role = Q_STR_NULL;
	trim(&s, &len, ".,");
	pos = strip_by(s, len);
	while (pos < len) {
		size_t skip, n = next_segment(s + pos, len - pos, &skip);
		const char *seg = s + pos;
		size_t slen = n;
		pos += n + skip;
		trim(&seg, &slen, ".,");
		if (!slen)
			continue;
		segments++;
		struct words w;
		struct q_date d;
		scan_words(seg, slen, &w);
		if (q_date_parse_line(seg, slen, &d))
			continue;
		int single_ok = w.all_caps || (segments == 1 && pos >= len);
		if (w.name_like && !w.role_word && (w.n >= 2 || single_ok) && w.n <= 6) {
			if (name.ptr && q_author_add(doc, name, role))
				return -1;
			name = q_str_make(seg, slen);
			role = Q_STR_NULL;
			found++;
		} else if (name.ptr) {
			/* A role of several parts ("Editor, Foreign Desk") is
			 * kept as one span of the source text. */
			role = role.ptr ? q_str_make(role.ptr, (size_t)(seg + slen - role.ptr))
					: q_str_make(seg, slen);
		}
	}
	if (name.ptr && q_author_add(doc, name, role))
		return -1;
	return (int)found;
}

int q_bio_parse(struct q_doc *doc, const char *s, size_t len)
{
	static const char *const verbs[] = {" is ", " was ", " serves as ", " has been "};
	trim(&s, &len, "");
	if (len < 8 || len > 400 || s[len - 1] != '.')
		return 0;
	for (size_t v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++) {
		const char *at = memmem(s, len, verbs[v], strlen(verbs[v]));
		if (!at)
			continue;
		struct words w;
		size_t nlen = (size_t)(at - s);
		scan_words(s, nlen, &w);
		if (!w.name_like || w.n < 2 || w.n > 5)
			return 0;
		const char *role = at + strlen(verbs[v]);
		size_t rlen = (size_t)(s + len - 1 - role);
		/* The role is the first sentence's predicate: "South Korea's
		 * defense minister", "a senior fellow at …" (article dropped). */
		const char *stop = memmem(role, rlen, ". ", 2);
		if (stop)
			rlen = (size_t)(stop - role);
		static const char *const articles[] = {"a ", "an ", "the "};
		for (size_t k = 0; k < 3; k++) {
			size_t al = strlen(articles[k]);
			if (rlen > al && memcmp(role, articles[k], al) == 0) {
				role += al;
				rlen -= al;
				break;
			}
		}
		struct words rw;
		scan_words(role, rlen, &rw);
		if (!rw.role_word || rlen == 0)
			return 0;
		return q_author_add(doc, q_str_make(s, nlen), q_str_make(role, rlen)) ? -1 : 1;
	}
	return 0;
}

int q_looks_like_name(const char *s, size_t len, int allow_single)
{
	struct words w;
	scan_words(s, len, &w);
	return w.name_like && !w.role_word && w.n <= 6 &&
	       (w.n >= 2 || (allow_single && w.all_caps));
}

int q_has_role_word(const char *s, size_t len)
{
	struct words w;
	scan_words(s, len, &w);
	return w.role_word;
}

/*
 * paragraphs.c — blocks of text separated by blank lines, and their kinds.
 *
 * Splitting.  A paragraph is a run of non-blank lines, trimmed of the
 * whitespace around it; single newlines inside are hard wraps.  Two
 * exceptions split a block further: the opening block when it stacks a
 * title over a date line or byline ("Title\nMarch 27, 2008"), and a block
 * of list lines, one paragraph per item.
 *
 * Kinds.  Each paragraph is tested in a fixed order, the most specific
 * shape first: boilerplate (trailers, press-release marks, contact and
 * share lines) anywhere; title, date lines and bylines near the top;
 * list items and headings anywhere; bio lines and signatures at the end.
 * Whatever is left is body.  The tests read the paragraph's own text only,
 * in time linear in its length.
 */
#include "extract/extract.h"

#include <string.h>
#include <strings.h>

/* How far from the top a date line or byline may stand. */
#define TOP_PARAGRAPHS 8
/* Bio lines and signatures are looked for among the last paragraphs. */
#define TAIL_PARAGRAPHS 3
/* A signature may be followed by this many notes. */
#define TAIL_SEARCH 40
#define SHORT_WORDS 12

struct para_text {
	const char *s;
	size_t n;
};

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\v';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static int starts_with_ci(const char *s, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);
	return n >= p && strncasecmp(s, prefix, p) == 0;
}

/*
 * Words in s, counted up to `limit` + 1 at most: every test here only asks
 * whether a paragraph is short, so a long one costs no more than a short.
 */
static size_t count_words(const char *s, size_t n, size_t limit)
{
	size_t words = 0;
	int in_word = 0;
	for (size_t i = 0; i < n && words <= limit; i++) {
		int space = is_space((unsigned char)s[i]);
		words += !space && !in_word;
		in_word = !space;
	}
	return words;
}

static int has_newline(const char *s, size_t n)
{
	return memchr(s, '\n', n) != NULL;
}

/* The last character that is not a closing quote or bracket. */
static unsigned char final_char(const char *s, size_t n)
{
	while (n > 0) {
		unsigned char c = (unsigned char)s[n - 1];
		if (c == '"' || c == '\'' || c == ')' || c == ']') {
			n--;
		} else if (n >= 3 && (unsigned char)s[n - 3] == 0xE2 &&
			   (unsigned char)s[n - 2] == 0x80 &&
			   ((unsigned char)s[n - 1] == 0x9D || (unsigned char)s[n - 1] == 0x99)) {
			n -= 3; /* ” ’ */
		} else {
			return c;
		}
	}
	return 0;
}

static int ends_like_sentence(const char *s, size_t n)
{
	unsigned char c = final_char(s, n);
	return c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == ',' ||
	       (n >= 3 && memcmp(s + n - 3, "\xE2\x80\xA6", 3) == 0);
}

/* Every word starts with a capital letter or digit ("THE FEDERALIST.  No. I."). */
static int all_words_capitalised(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (is_space((unsigned char)s[i]) || (i > 0 && !is_space((unsigned char)s[i - 1])))
			continue;
		unsigned char c = (unsigned char)s[i];
		if (is_lower(c))
			return 0;
	}
	return 1;
}

static int no_lowercase(const char *s, size_t n)
{
	int letters = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_lower((unsigned char)s[i]))
			return 0;
		letters += is_upper((unsigned char)s[i]);
	}
	return letters > 1;
}

/* ---- boilerplate ---------------------------------------------------------- */

static const char *const end_marks[] = {
	"###", "# # #", "-30-", "- 30 -", "-###-", "***", "* * *", "END", "-END-",
};

static const char *const boiler_prefixes[] = {
	"for immediate release", "press release", "news release", "media advisory",
	"media contact", "press contact", "contact:", "contacts:", "related:",
	"related articles", "related stories", "read more", "read also", "see also:",
	"also read", "share this", "share:", "share on ", "follow us", "subscribe to",
	"sign up for", "click here", "copyright", "\xC2\xA9", "(c) ", "all rights reserved",
	"filed under", "tags:", "topics:", "advertisement", "embargoed",
};

/* "More In Commentary" gives the section "Commentary". */
static const char *const section_prefixes[] = {"more in ", "more from ", "filed under:"};

static int has_email_or_phone(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '@' && i > 0 && i + 1 < n && !is_space((unsigned char)s[i - 1]) &&
		    memchr(s + i, '.', n - i))
			return 1;
		/* nnn-nnn-nnnn or (nnn) nnn-nnnn */
		if (i + 12 <= n && is_digit((unsigned char)s[i + 5]) &&
		    ((is_digit((unsigned char)s[i]) && (s[i + 3] == '-' || s[i + 3] == '.') &&
		      (s[i + 7] == '-' || s[i + 7] == '.')) ||
		     (s[i] == '(' && s[i + 4] == ')')))
			return 1;
	}
	return 0;
}

static int boilerplate(struct q_doc *doc, const char *s, size_t n, int *failed)
{
	size_t words = count_words(s, n, 40);
	for (size_t i = 0; i < sizeof(end_marks) / sizeof(end_marks[0]); i++)
		if (n == strlen(end_marks[i]) && strncasecmp(s, end_marks[i], n) == 0)
			return 1;
	if (words > 40)
		return 0;
	for (size_t i = 0; i < sizeof(section_prefixes) / sizeof(section_prefixes[0]); i++) {
		size_t p = strlen(section_prefixes[i]);
		if (words <= 6 && starts_with_ci(s, n, section_prefixes[i]) && n > p) {
			const char *sec = s + p;
			size_t len = n - p;
			while (len && is_space((unsigned char)*sec))
				sec++, len--;
			while (len && (sec[len - 1] == '.' || sec[len - 1] == ':'))
				len--;
			if (!doc->meta.section.ptr && len &&
			    q_doc_str(doc, sec, len, &doc->meta.section))
				*failed = 1;
			return 1;
		}
	}
	for (size_t i = 0; i < sizeof(boiler_prefixes) / sizeof(boiler_prefixes[0]); i++)
		if (starts_with_ci(s, n, boiler_prefixes[i]))
			return 1;
	if (memmem(s, n, "All rights reserved", 19) || memmem(s, n, "all rights reserved", 19))
		return 1;
	return words <= 25 && has_email_or_phone(s, n);
}

/* ---- lists ---------------------------------------------------------------- */

static const char *const bullets[] = {
	"\xE2\x80\xA2", "\xE2\x97\xA6", "\xE2\x96\xAA", "\xE2\x96\xB8", "\xE2\x80\xA3",
	"\xE2\x81\x83", "\xC2\xB7", "\xE2\x80\x93", "\xE2\x80\x94", "*", "-", "+",
};

/* Length of a list marker at s ("• ", "- ", "12. ", "3) ", "(b) ", "a. "), or 0. */
static size_t list_marker(const char *s, size_t n)
{
	size_t i = 0;
	for (size_t b = 0; b < sizeof(bullets) / sizeof(bullets[0]); b++) {
		if (n == 0 || s[0] != bullets[b][0])
			continue; /* the first byte turns most lines away */
		size_t bl = strlen(bullets[b]);
		if (n > bl && memcmp(s, bullets[b], bl) == 0 && s[bl] == ' ')
			return bl + 1;
	}
	if (n > 0 && s[0] == '(') {
		i = 1;
		size_t d = i;
		while (i < n && i - d < 4 && (is_digit((unsigned char)s[i]) || is_lower((unsigned char)s[i])))
			i++;
		if (i > d && i + 1 < n && s[i] == ')' && s[i + 1] == ' ')
			return i + 2;
		return 0;
	}
	while (i < n && i < 3 && is_digit((unsigned char)s[i]))
		i++;
	if (i == 0 && n > 0 && is_lower((unsigned char)s[0]))
		i = 1; /* "a. The first item" */
	if (i > 0 && i + 1 < n && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ')
		return i + 2;
	return 0;
}

/* ---- top of the document: title, date lines, bylines ----------------------- */

static int is_title(const char *s, size_t n)
{
	size_t words = count_words(s, n, 20);
	unsigned char last = final_char(s, n);
	/* A salutation ("Fellow-Citizens:") opens a speech; it is no title. */
	if (has_newline(s, n) || words == 0 || words > 20 || n > 200 || last == ':' ||
	    last == ',' || last == ';')
		return 0;
	return !ends_like_sentence(s, n) || (words <= 10 && all_words_capitalised(s, n));
}

static int is_date_line(struct q_doc *doc, const char *s, size_t n, int *failed)
{
	struct q_date d;
	char iso[11];
	if (has_newline(s, n) || !q_date_parse_line(s, n, &d))
		return 0;
	q_date_format(&d, iso);
	if (!doc->meta.date.ptr && q_doc_str(doc, iso, strlen(iso), &doc->meta.date))
		*failed = 1;
	return 1;
}

static int add_people(struct q_doc *doc, const char *s, size_t n, int *failed)
{
	int found = q_people_add(doc, s, n);
	if (found < 0)
		*failed = 1;
	return found > 0;
}

/* "By NAME" or "President: NAME" (the part before the colon names a role). */
static int is_explicit_byline(struct q_doc *doc, const char *s, size_t n, int *failed)
{
	if (has_newline(s, n) || count_words(s, n, 20) > 20)
		return 0;
	if (starts_with_ci(s, n, "by ") || starts_with_ci(s, n, "written by "))
		return add_people(doc, s, n, failed);
	const char *colon = memchr(s, ':', n);
	if (!colon || colon - s > 40 || count_words(s, (size_t)(colon - s), 3) > 3 ||
	    !q_has_role_word(s, (size_t)(colon - s)))
		return 0;
	const char *name = colon + 1;
	size_t len = n - (size_t)(name - s);
	while (len && is_space((unsigned char)*name))
		name++, len--;
	if (!q_looks_like_name(name, len, 0))
		return 0;
	if (q_author_add(doc, q_str_make(name, len), q_str_make(s, (size_t)(colon - s))))
		*failed = 1;
	return 1;
}

/* "NAME, ROLE" or a name in capitals ("HAMILTON"). */
static int is_implicit_byline(struct q_doc *doc, const char *s, size_t n, int *failed)
{
	size_t words = count_words(s, n, SHORT_WORDS);
	if (has_newline(s, n) || words > SHORT_WORDS)
		return 0;
	const char *comma = memchr(s, ',', n);
	if (comma && q_looks_like_name(s, (size_t)(comma - s), 0) &&
	    q_has_role_word(comma, n - (size_t)(comma - s)))
		return add_people(doc, s, n, failed);
	if (words <= 4 && no_lowercase(s, n) && !ends_like_sentence(s, n))
		return add_people(doc, s, n, failed);
	return 0;
}

/* A closing signature in capitals: "PUBLIUS." */
static int is_signature(const char *s, size_t n)
{
	size_t words = count_words(s, n, 3);
	if (n && s[n - 1] == '.')
		n--;
	return words >= 1 && words <= 3 && no_lowercase(s, n) &&
	       q_looks_like_name(s, n, 1);
}

static int is_heading(const char *s, size_t n)
{
	size_t words = count_words(s, n, SHORT_WORDS);
	if (has_newline(s, n) || words == 0 || words > SHORT_WORDS)
		return 0;
	if (s[0] == '#')
		return 1;
	if (no_lowercase(s, n) && final_char(s, n) != ',')
		return 1;
	return !ends_like_sentence(s, n) && is_upper((unsigned char)s[0]);
}

/* ---- datelines: "GENEVA, Switzerland — ", "WASHINGTON, D.C. – " ----------
 *
 * A dateline is a place, optionally an agency in brackets, and a dash,
 * followed by the capitalised start of the story.  The place is a run of
 * words in capitals ("KLAMATH FALLS"), optionally followed by a comma and
 * a region ("GENEVA, Switzerland"), or a city in title case before a
 * region abbreviation in capitals ("Washington, D.C.").  Press releases
 * often run the headline into it ("… Oversight Washington, D.C. – Rep. …"),
 * so it is looked for in the first few hundred bytes, not only at the start.
 */

#define DATELINE_WINDOW 600
#define PLACE_MAX_WORDS 6

struct word {
	size_t b, e; /* the word without a trailing ',' */
	int comma;   /* a ',' followed it */
	int caps;    /* letters all in capitals ("D.C.", "WASHINGTON") */
	int title;   /* starts with a capital */
};

/* Words that open press releases, or titles before a name: not places. */
static int banner_word(const char *w, size_t n)
{
	static const char *const words[] = {"FOR", "IMMEDIATE", "RELEASE", "VIDEO",
					    "PHOTOS", "PHOTO", "UPDATE", "NEWS", "PRESS",
					    "STATEMENT", "AUDIO", "WATCH", "Rep.", "Sen.",
					    "Gov.", "Congressman", "Congresswoman", "Senator"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && memcmp(words[i], w, n) == 0)
			return 1;
	return 0;
}

static int city_prefix(const char *w, size_t n)
{
	static const char *const words[] = {"New", "San", "Santa", "Los", "Las", "St.",
					    "Saint", "Fort", "Port", "Palm", "Salt", "Lake",
					    "North", "South", "East", "West", "Grand", "Baton",
					    "Des", "Little", "Kansas", "Oklahoma", "Jersey", "Rio"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && memcmp(words[i], w, n) == 0)
			return 1;
	return 0;
}

/* The word ending just before `end` (spaces skipped), or 0 when none. */
static int word_before(const char *s, size_t end, struct word *w)
{
	size_t e = end;
	while (e > 0 && s[e - 1] == ' ')
		e--;
	size_t b = e;
	while (b > 0 && !is_space((unsigned char)s[b - 1]))
		b--;
	if (b == e)
		return 0;
	w->comma = s[e - 1] == ',';
	w->b = b;
	w->e = w->comma ? e - 1 : e;
	w->title = is_upper((unsigned char)s[b]);
	w->caps = w->title && no_lowercase(s + b, w->e - b);
	if (w->caps && w->e - b == 1)
		w->caps = 0;
	return w->e > b;
}

/* Start of the place that ends at `end`, or `end` when there is none. */
static size_t place_start(const char *s, size_t end)
{
	struct word words[PLACE_MAX_WORDS];
	size_t n = 0, pos = end;
	while (n < PLACE_MAX_WORDS && word_before(s, pos, &words[n]) && words[n].title &&
	       !banner_word(s + words[n].b, words[n].e - words[n].b)) {
		pos = words[n].b;
		n++;
	}
	if (n == 0 || words[0].comma)
		return end;
	/* words[0] is the last word; a comma splits city from region. */
	size_t k = 0;
	while (k < n && !words[k].comma)
		k++;
	if (k == n) { /* no comma: capitals only, "KLAMATH FALLS" */
		size_t i = 0;
		while (i < n && words[i].caps)
			i++;
		return i ? words[i - 1].b : end;
	}
	size_t i = k;
	while (i < n && words[i].caps && !(i > k && words[i].comma))
		i++;
	if (i > k)
		return words[i - 1].b;
	/* A city in title case only before a region in capitals, and only
	 * the word before the comma ("Washington"), or two when the first is
	 * the usual opening of a two-word name ("San Diego", "St. Paul"). */
	if (k != 1 || !words[0].caps)
		return end;
	if (k + 1 < n && city_prefix(s + words[k + 1].b, words[k + 1].e - words[k + 1].b))
		return words[k + 1].b;
	return words[k].b;
}

/* Length of a dash after a dateline at s: spaced " - " and " -- ", or an
 * en or em dash with or without spaces; 0 when none. */
static size_t dateline_dash(const char *s, size_t n, size_t *before)
{
	static const char *const dashes[] = {"\xE2\x80\x94", "\xE2\x80\x93", " -- ", " - "};
	size_t sp = 0;
	while (sp < n && s[sp] == ' ')
		sp++;
	for (size_t i = 0; i < sizeof(dashes) / sizeof(dashes[0]); i++) {
		const char *d = dashes[i];
		size_t off = d[0] == ' ' ? 0 : sp, dl = strlen(d);
		if (n - off >= dl && memcmp(s + off, d, dl) == 0) {
			*before = off;
			return off + dl;
		}
	}
	return 0;
}

static int find_dateline(struct q_doc *doc, const char *s, size_t n, int *failed)
{
	size_t window = n < DATELINE_WINDOW ? n : DATELINE_WINDOW;
	for (size_t i = 1; i < window; i++) {
		if (s[i] != ' ' && (unsigned char)s[i] != 0xE2) /* no dash starts here */
			continue;
		size_t spaces, dl = dateline_dash(s + i, n - i, &spaces);
		if (!dl || s[i - 1] == ' ')
			continue;
		/* The story must start right after: a capital, digit or quote. */
		size_t next = i + dl;
		while (next < n && s[next] == ' ')
			next++;
		unsigned char c = next < n ? (unsigned char)s[next] : 0;
		if (!(is_upper(c) || is_digit(c) || c == '"' || c == 0xE2))
			continue;
		size_t end = i;
		if (s[end - 1] == ')') { /* WASHINGTON (AP) — */
			const char *open = memrchr(s, '(', end);
			if (open && open > s && open[-1] == ' ')
				end = (size_t)(open - s) - 1;
		}
		size_t start = place_start(s, end);
		if (start == end)
			continue;
		/* Joined words ("U.S.–South Korea") need a real name in capitals. */
		if (!spaces && s[next - 1] != ' ' && end - start < 4)
			continue;
		/* A place in title case follows the start, a headline or a
		 * signature, never a word of running text. */
		struct word prev, first;
		word_before(s, end, &first);
		if (!first.caps && start > 0 && word_before(s, start, &prev) && !prev.title &&
		    prev.e - prev.b > 1)
			continue;
		if (!doc->meta.place.ptr && q_doc_str(doc, s + start, end - start, &doc->meta.place))
			*failed = 1;
		return 1;
	}
	return 0;
}

/* ---- splitting ------------------------------------------------------------ */

struct splitter {
	struct q_doc *doc;
	int failed;
};

static void add_paragraph(struct splitter *sp, size_t b, size_t e, enum q_para_kind kind)
{
	const char *t = sp->doc->text.ptr;
	while (b < e && is_space((unsigned char)t[b]))
		b++;
	while (e > b && is_space((unsigned char)t[e - 1]))
		e--;
	if (b == e)
		return;
	struct q_paragraph *p = Q_VEC_PUSH(&sp->doc->arena, &sp->doc->paragraphs);
	if (!p) {
		sp->failed = 1;
		return;
	}
	p->kind = kind;
	p->span.bstart = b;
	p->span.bend = e;
}

static size_t line_end(const char *t, size_t pos, size_t end)
{
	const char *nl = memchr(t + pos, '\n', end - pos);
	return nl ? (size_t)(nl - t) : end;
}

/* Should this block become one paragraph per line (or per list item)? */
static int split_lines(struct splitter *sp, size_t b, size_t e, int first)
{
	const char *t = sp->doc->text.ptr;
	size_t lines = 0, markers = 0, special = 0;
	for (size_t pos = b; pos < e;) {
		size_t le = line_end(t, pos, e);
		size_t s = pos;
		while (s < le && is_space((unsigned char)t[s]))
			s++;
		struct q_date d;
		lines++;
		markers += list_marker(t + s, le - s) > 0;
		if (first && lines > 1 &&
		    (q_date_parse_line(t + s, le - s, &d) || starts_with_ci(t + s, le - s, "by ")))
			special++;
		pos = le + 1;
	}
	if (lines < 2)
		return 0;
	if (first && special && lines <= 6)
		return 1;
	return markers >= 2 ? 2 : 0;
}

static void split_block(struct splitter *sp, size_t b, size_t e, int first)
{
	const char *t = sp->doc->text.ptr;
	int mode = split_lines(sp, b, e, first);
	if (!mode) {
		add_paragraph(sp, b, e, Q_PARA_BODY);
		return;
	}
	size_t start = b;
	for (size_t pos = b; pos < e;) {
		size_t le = line_end(t, pos, e);
		size_t s = pos;
		while (s < le && is_space((unsigned char)t[s]))
			s++;
		/* In a list, a line without a marker continues its item. */
		int boundary = mode == 1 || list_marker(t + s, le - s) > 0;
		if (boundary && pos > start) {
			add_paragraph(sp, start, pos, Q_PARA_BODY);
			start = pos;
		}
		pos = le + 1;
	}
	add_paragraph(sp, start, e, Q_PARA_BODY);
}

static int blank_line(const char *t, size_t pos, size_t le)
{
	for (size_t i = pos; i < le; i++)
		if (!is_space((unsigned char)t[i]))
			return 0;
	return 1;
}

static void split(struct splitter *sp)
{
	const char *t = sp->doc->text.ptr;
	size_t len = sp->doc->text.len, block = len;
	int first = 1;
	/* The end of the text counts as one more blank line. */
	for (size_t pos = 0;;) {
		size_t le = pos < len ? line_end(t, pos, len) : len;
		int blank = pos == len || blank_line(t, pos, le);
		if (blank && block < pos) {
			split_block(sp, block, pos, first);
			first = 0;
			block = len;
		} else if (!blank && block == len) {
			block = pos;
		}
		if (pos == len)
			break;
		pos = le < len ? le + 1 : len;
	}
}

/* ---- classification --------------------------------------------------------- */

static struct para_text text_of(const struct q_doc *doc, size_t i)
{
	const struct q_span *s = &doc->paragraphs.items[i].span;
	return (struct para_text){doc->text.ptr + s->bstart, s->bend - s->bstart};
}

/*
 * The top of a document: date lines and bylines, and the title — the
 * first title-like paragraph before any body text, which may follow a
 * release mark or a date line.  A title can look like a name in capitals,
 * so only the explicit byline forms are tested before it.
 */
static void classify_top(struct q_doc *doc, int *failed)
{
	size_t n = doc->paragraphs.count;
	int title_open = n > 1;
	for (size_t i = 0; i < n && i < TOP_PARAGRAPHS; i++) {
		struct q_paragraph *p = &doc->paragraphs.items[i];
		struct para_text pt = text_of(doc, i);
		if (p->kind != Q_PARA_BODY)
			continue;
		if (is_date_line(doc, pt.s, pt.n, failed) ||
		    is_explicit_byline(doc, pt.s, pt.n, failed)) {
			p->kind = Q_PARA_BYLINE;
		} else if (title_open && is_title(pt.s, pt.n)) {
			p->kind = Q_PARA_TITLE;
			title_open = 0;
		} else if (is_implicit_byline(doc, pt.s, pt.n, failed)) {
			p->kind = Q_PARA_BYLINE;
		} else {
			title_open = 0;
		}
	}
}

/* A footnote or note line after a signature: "[1] …", "1. …", "* …". */
static int is_note(const char *s, size_t n)
{
	return n > 1 && (s[0] == '[' || s[0] == '*' || is_digit((unsigned char)s[0]) ||
			 (s[0] == '(' && is_digit((unsigned char)s[1])));
}

/* A closing signature followed only by notes; returns its index or n. */
static size_t find_signature(const struct q_doc *doc)
{
	size_t n = doc->paragraphs.count;
	for (size_t i = n; i > TOP_PARAGRAPHS && n - i < TAIL_SEARCH; i--) {
		struct para_text pt = text_of(doc, i - 1);
		if (is_signature(pt.s, pt.n))
			return i - 1;
		if (!is_note(pt.s, pt.n) && doc->paragraphs.items[i - 1].kind != Q_PARA_BOILERPLATE)
			break;
	}
	return n;
}

static void classify_tail(struct q_doc *doc, int *failed)
{
	size_t n = doc->paragraphs.count, seen = 0;
	size_t sig = find_signature(doc);
	if (sig < n) {
		struct para_text pt = text_of(doc, sig);
		doc->paragraphs.items[sig].kind = Q_PARA_BYLINE;
		/* Notes after a closing signature are apparatus. */
		for (size_t k = sig + 1; k < n; k++)
			doc->paragraphs.items[k].kind = Q_PARA_BOILERPLATE;
		if (!doc->meta.authors.count && q_people_add(doc, pt.s, pt.n) < 0)
			*failed = 1;
		n = sig;
	}
	for (size_t i = n; i > 0 && seen < TAIL_PARAGRAPHS; i--) {
		struct q_paragraph *p = &doc->paragraphs.items[i - 1];
		struct para_text pt = text_of(doc, i - 1);
		if (p->kind == Q_PARA_BOILERPLATE)
			continue;
		seen++;
		if (p->kind != Q_PARA_BODY && p->kind != Q_PARA_HEADING)
			continue;
		int bio = q_bio_parse(doc, pt.s, pt.n);
		if (bio < 0)
			*failed = 1;
		else if (bio > 0)
			p->kind = Q_PARA_BIO;
	}
}

static void classify(struct q_doc *doc, int *failed)
{
	size_t n = doc->paragraphs.count;
	for (size_t i = 0; i < n; i++) {
		struct q_paragraph *p = &doc->paragraphs.items[i];
		struct para_text pt = text_of(doc, i);
		/* "(c) " is a copyright mark, but the third item after "(b)". */
		int third = i > 0 && doc->paragraphs.items[i - 1].kind == Q_PARA_LIST_ITEM &&
			    starts_with_ci(pt.s, pt.n, "(c) ");
		if (!third && boilerplate(doc, pt.s, pt.n, failed))
			p->kind = Q_PARA_BOILERPLATE;
		else if (list_marker(pt.s, pt.n))
			p->kind = Q_PARA_LIST_ITEM;
	}
	classify_top(doc, failed);
	for (size_t i = 1; i + 1 < n; i++) {
		struct q_paragraph *p = &doc->paragraphs.items[i];
		struct para_text pt = text_of(doc, i);
		if (p->kind == Q_PARA_BODY && is_heading(pt.s, pt.n))
			p->kind = Q_PARA_HEADING;
	}
	classify_tail(doc, failed);
	for (size_t i = 0; i < n && i < TOP_PARAGRAPHS; i++) {
		if (doc->paragraphs.items[i].kind == Q_PARA_BODY) {
			struct para_text pt = text_of(doc, i);
			find_dateline(doc, pt.s, pt.n, failed);
			break;
		}
	}
}

int q_paragraphs_build(struct q_doc *doc, struct q_error *err)
{
	struct splitter sp = {doc, 0};
	int failed = 0;
	split(&sp);
	if (sp.failed)
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < doc->paragraphs.count; i++)
		q_doc_span_from_bytes(doc, &doc->paragraphs.items[i].span);
	classify(doc, &failed);
	for (size_t i = 0; i < doc->paragraphs.count && !doc->meta.title.ptr; i++) {
		struct q_paragraph *p = &doc->paragraphs.items[i];
		if (p->kind == Q_PARA_TITLE) {
			struct q_str t = q_doc_span_text(doc, &p->span);
			doc->meta.title = t;
		}
	}
	if (failed)
		return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
	return 0;
}

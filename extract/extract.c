/*
 * extract.c — the pipeline: decode, header, paragraphs, sentences, words.
 */
#include "extract/extract.h"

#include <string.h>

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\v';
}

enum byte_class { C_OTHER, C_SPACE, C_ALNUM, C_HIGH };

static const unsigned char byte_class[256] = {
	[' '] = C_SPACE,	 ['\t'] = C_SPACE,	['\n'] = C_SPACE,
	['\f'] = C_SPACE,	 ['\v'] = C_SPACE,	['0' ... '9'] = C_ALNUM,
	['A' ... 'Z'] = C_ALNUM, ['a' ... 'z'] = C_ALNUM, [0xC3 ... 0xFF] = C_HIGH,
};

/*
 * A word is a whitespace-separated token with at least one letter or
 * digit, so dashes, bullets and "###" are not words.  Non-ASCII letters
 * count; the general punctuation block (U+2000–U+206F: dashes, curly
 * quotes, bullets, ellipsis) and Latin-1 signs (U+0080–U+00BF) do not.
 */
static int high_is_letter(const unsigned char *t, size_t i, size_t len)
{
	return !(t[i] == 0xE2 && i + 1 < len && (t[i + 1] == 0x80 || t[i + 1] == 0x81));
}

/* English is recognised by its commonest function words, compared as
 * lowercase bytes packed into one integer. */
static int is_english_function_word(const unsigned char *w, size_t n)
{
#define PACK(a, b, c, d, e) \
	((uint64_t)(a) | (uint64_t)(b) << 8 | (uint64_t)(c) << 16 | (uint64_t)(d) << 24 | (uint64_t)(e) << 32)
	static const uint64_t words[] = {
		PACK('a', 0, 0, 0, 0),	     PACK('o', 'f', 0, 0, 0),	PACK('i', 'n', 0, 0, 0),
		PACK('t', 'o', 0, 0, 0),     PACK('i', 's', 0, 0, 0),	PACK('i', 't', 0, 0, 0),
		PACK('o', 'n', 0, 0, 0),     PACK('a', 's', 0, 0, 0),	PACK('b', 'y', 0, 0, 0),
		PACK('b', 'e', 0, 0, 0),     PACK('a', 't', 0, 0, 0),	PACK('w', 'e', 0, 0, 0),
		PACK('t', 'h', 'e', 0, 0),   PACK('a', 'n', 'd', 0, 0), PACK('f', 'o', 'r', 0, 0),
		PACK('w', 'a', 's', 0, 0),   PACK('a', 'r', 'e', 0, 0), PACK('w', 'h', 'o', 0, 0),
		PACK('h', 'a', 's', 0, 0),   PACK('n', 'o', 't', 0, 0), PACK('t', 'h', 'a', 't', 0),
		PACK('t', 'h', 'i', 's', 0), PACK('f', 'r', 'o', 'm', 0), PACK('w', 'i', 't', 'h', 0),
		PACK('h', 'a', 'v', 'e', 0), PACK('w', 'i', 'l', 'l', 0), PACK('w', 'h', 'i', 'c', 'h'),
	};
#undef PACK
	uint64_t key = 0;
	if (n == 0 || n > 5)
		return 0;
	for (size_t i = 0; i < n; i++)
		key |= (uint64_t)(w[i] | 0x20) << (8 * i);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i] == key)
			return 1;
	return 0;
}

#define LANGUAGE_SAMPLE_WORDS 500
#define LANGUAGE_MIN_WORDS 8

static void count_words(struct q_doc *doc)
{
	const unsigned char *t = (const unsigned char *)doc->text.ptr;
	size_t len = doc->text.len, words = 0, english = 0, sampled = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && byte_class[t[i]] == C_SPACE)
			i++;
		size_t b = i;
		int letter = 0;
		/* Up to the word's first letter or digit, then on to its end. */
		for (; i < len && !letter && byte_class[t[i]] != C_SPACE; i++) {
			if (byte_class[t[i]] == C_ALNUM)
				letter = 1;
			else if (byte_class[t[i]] == C_HIGH)
				letter = high_is_letter(t, i, len);
		}
		while (i < len && byte_class[t[i]] != C_SPACE)
			i++;
		if (!letter)
			continue;
		words++;
		if (sampled < LANGUAGE_SAMPLE_WORDS) {
			sampled++;
			english += is_english_function_word(t + b, i - b);
		}
	}
	doc->stats.words = words;
	/* In English prose a fifth or more of the words are function words. */
	if (!doc->meta.language.ptr && sampled >= LANGUAGE_MIN_WORDS &&
	    english * 100 >= sampled * 15)
		doc->meta.language = Q_STR_LIT("en");
}

static int build_sentences(struct q_doc *doc, struct q_error *err)
{
	for (size_t p = 0; p < doc->paragraphs.count; p++) {
		const struct q_span *ps = &doc->paragraphs.items[p].span;
		const char *text = doc->text.ptr + ps->bstart;
		size_t len = ps->bend - ps->bstart, pos = 0, start, end;
		while (q_sentence_next(text, len, &pos, &start, &end)) {
			struct q_sentence *s = Q_VEC_PUSH(&doc->arena, &doc->sentences);
			if (!s)
				return q_error_msg(err, Q_ENOMEM, NULL, "out of memory");
			s->paragraph = p;
			s->span.bstart = ps->bstart + start;
			s->span.bend = ps->bstart + end;
			q_doc_span_from_bytes(doc, &s->span);
		}
	}
	return 0;
}

/* The header block and the blank lines after it are not part of the text. */
static size_t skip_blank_lines(const char *t, size_t len, size_t pos)
{
	size_t i = pos, line = pos;
	while (i < len && is_space((unsigned char)t[i])) {
		if (t[i] == '\n')
			line = i + 1;
		i++;
	}
	return i == len ? len : line;
}

static int reference_date(struct q_doc *doc, const struct q_extract_opts *opts)
{
	const char *d = opts && opts->reference_date ? opts->reference_date : NULL;
	if (d)
		return q_doc_str(doc, d, strlen(d), &doc->meta.reference_date);
	/* Only a whole day can anchor "yesterday" or "last Friday". */
	if (doc->meta.date.ptr && doc->meta.date.len == 10)
		doc->meta.reference_date = doc->meta.date;
	return 0;
}

int q_extract(const char *name, const char *raw, size_t len,
	      const struct q_extract_opts *opts, struct q_doc *doc,
	      struct q_error *err)
{
	const char *shown = q_display_name(name);
	struct q_decoded dec;
	size_t header = 0;
	int rc;
	if ((rc = q_decode(doc, raw, len, opts && opts->lossy, shown, &dec, err)) ||
	    (rc = q_header_read(doc, dec.text, dec.len, shown, &header, err)))
		return rc;
	if (header)
		header = skip_blank_lines(dec.text, dec.len, header);
	/* When decoding changed nothing, the text is the input: hash it once. */
	const struct q_source *src = &doc->source;
	int unchanged = header == 0 && !src->bom && src->replacements == 0 &&
			(src->newline == Q_NL_NONE || src->newline == Q_NL_LF);
	if (q_doc_set_text(doc, dec.text + header, dec.len - header,
			   unchanged ? src->sha256 : NULL) ||
	    q_doc_str(doc, name, strlen(name), &doc->source.name))
		return q_error_msg(err, Q_ENOMEM, shown, "out of memory");
	if ((rc = q_paragraphs_build(doc, err)) || (rc = build_sentences(doc, err)))
		return rc;
	if (doc->paragraphs.count == 0)
		return q_error_msg(err, Q_EDATA, shown, len ? "no text to extract (only whitespace)"
							    : "no text to extract (the input is empty)");
	if (reference_date(doc, opts))
		return q_error_msg(err, Q_ENOMEM, shown, "out of memory");
	count_words(doc);
	if ((rc = q_entities_build(doc, err)) || (rc = q_timexes_numbers_build(doc, err)) ||
	    (rc = q_quotes_build(doc, err)) ||
	    (rc = q_enumerations_build(doc, err)) || (rc = q_keyphrases_build(doc, err)))
		return rc;
	doc->stats.characters = doc->text_chars;
	doc->stats.sentences = doc->sentences.count;
	doc->stats.paragraphs = doc->paragraphs.count;
	return 0;
}

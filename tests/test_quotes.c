/*
 * test_quotes.c — quotations: marks, nesting, apostrophes, scare quotes,
 * spans across sentences and paragraphs, and speakers linked to entities.
 *
 * The speaker cases give the document entities by hand (every occurrence
 * of a name is a mention) and run the quotes stage again, so they test the
 * linking whatever the entity stage finds; a few cases use what it finds.
 */
#include "tests/check.h"
#include "tests/extract_check.h"

#include <stdio.h>
#include <stdlib.h>

/* An entity of the given type whose mentions are every occurrence of name. */
static void add_entity(struct q_doc *doc, enum q_entity_type type, const char *name)
{
	struct q_entity *e = Q_VEC_PUSH(&doc->arena, &doc->entities);
	char id[16];
	int n = snprintf(id, sizeof(id), "E%zu", doc->entities.count);
	q_doc_str(doc, id, (size_t)n, &e->id);
	e->type = type;
	e->name = q_str_make(name, strlen(name));
	for (const char *p = doc->text.ptr; (p = memmem(p, doc->text.len - (size_t)(p - doc->text.ptr),
						    name, strlen(name)));
	     p++) {
		struct q_mention *m = Q_VEC_PUSH(&doc->arena, &e->mentions);
		m->span.bstart = (size_t)(p - doc->text.ptr);
		m->span.bend = m->span.bstart + strlen(name);
		q_doc_span_from_bytes(doc, &m->span);
	}
}

static void requote(struct q_doc *doc)
{
	struct q_error err;
	q_error_init(&err);
	doc->quotes.count = 0;
	q_quotes_build(doc, &err);
}

/* The quotations of doc as "text|speaker|sentence" joined by " / ". */
static const char *quotes_of(const struct q_doc *doc)
{
	static char out[4096];
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < doc->quotes.count && o < sizeof(out) - 512; i++) {
		const struct q_quote *q = &doc->quotes.items[i];
		struct q_str t = q_doc_span_text(doc, &q->span);
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%.*s|%.*s|%zu", i ? " / " : "",
				      (int)t.len, t.ptr, q->speaker.ptr ? (int)q->speaker.len : 4,
				      q->speaker.ptr ? q->speaker.ptr : "null", q->sentence);
	}
	return out;
}

static void expect(const char *name, const char *text, const char *want)
{
	expect_drawn(name, text, quotes_of, want);
}

/* The text, its entities replaced by the "TYPE:name" strings given, then
 * quotes again: the linking alone, whatever the entity stage finds. */
static void expect_speakers(const char *name, const char *text, const char *const *entities,
			    const char *want)
{
	struct q_doc doc;
	if (extract_text(&doc, text, NULL)) {
		CHECK(name, 0);
		return;
	}
	doc.entities.count = 0;
	for (size_t i = 0; entities[i]; i++) {
		const char *colon = strchr(entities[i], ':');
		char type[16];
		snprintf(type, sizeof(type), "%.*s", (int)(colon - entities[i]), entities[i]);
		add_entity(&doc, q_enum_parse(q_entity_type_names, Q_ENT_TYPE_COUNT, type), colon + 1);
	}
	requote(&doc);
	CHECK_STR(name, quotes_of(&doc), want);
	q_doc_release(&doc);
}

static void marks(void)
{
	expect("straight quotes", "He said \"the plan is ready for a vote\" on Monday.",
	       "the plan is ready for a vote|null|0");
	expect("curly quotes", "Officials called it \xE2\x80\x9C" "a serious setback for the region\xE2\x80\x9D.",
	       "a serious setback for the region|null|0");
	expect("curly open, straight close",
	       "\xE2\x80\x9CWe will keep the shelters open all winter,\" the mayor said.",
	       "We will keep the shelters open all winter|null|0");
	expect("straight open, curly close",
	       "\"Funding arrived late this year,\xE2\x80\x9D the director said.",
	       "Funding arrived late this year|null|0");
	expect("a final comma is left out", "\"We are running out of time,\" she said.",
	       "We are running out of time|null|0");
	expect("unbalanced: dropped", "He wrote \"the deal is off and walked out of the room.",
	       "");
	expect("no quotation", "The council met on Tuesday and approved the budget.", "");
}

static void apostrophes(void)
{
	expect("apostrophes never open or close",
	       "North Korea\xE2\x80\x99s leader said \xE2\x80\x9CWe don\xE2\x80\x99t want war, "
	       "but we\xE2\x80\x99re ready\xE2\x80\x9D in a speech.",
	       "We don\xE2\x80\x99t want war, but we\xE2\x80\x99re ready|null|0");
	expect("straight apostrophes", "The port's manager said \"it's the workers' strike, not ours\" today.",
	       "it's the workers' strike, not ours|null|0");
	expect("possessive plural before a closing mark",
	       "\xE2\x80\x9CThis is about the veterans\xE2\x80\x99 health care,\xE2\x80\x9D said the chair.",
	       "This is about the veterans\xE2\x80\x99 health care|null|0");
	expect("leading apostrophe inside a quotation",
	       "\"Prices have not been this high since the '90s,\" a trader said.",
	       "Prices have not been this high since the '90s|null|0");
}

static void nesting(void)
{
	expect("single inside double",
	       "\xE2\x80\x9CThe minister told me, \xE2\x80\x98We will not back down,\xE2\x80\x99 "
	       "and I believed him,\xE2\x80\x9D the envoy said.",
	       "The minister told me, \xE2\x80\x98We will not back down,\xE2\x80\x99 and I believed "
	       "him|null|0");
	expect("straight single inside straight double",
	       "\"Why did 'Pa Pa' do those things to other people?\" her son asked.",
	       "Why did 'Pa Pa' do those things to other people?|null|0");
	expect("straight double inside curly double",
	       "\xE2\x80\x9CThey told us \"no\" three times before the vote,\xE2\x80\x9D she said.",
	       "They told us \"no\" three times before the vote|null|0");
}

static void spans(void)
{
	expect("across sentences: the sentence where it starts",
	       "The report came out on Friday. Its author put it plainly: \"The structure is doing what "
	       "it was built to do. The sea is not.\" Repairs begin next year.",
	       "The structure is doing what it was built to do. The sea is not.|null|1");
	expect("split by its attribution",
	       "\"We are running out of time,\" said the spokeswoman. \"The water has gone down.\"",
	       "We are running out of time|null|0 / The water has gone down.|null|1");
	expect("over paragraphs: one quotation per paragraph",
	       "\xE2\x80\x9CThe first part of the statement ends here.\n\n"
	       "\xE2\x80\x9CThe second part follows,\xE2\x80\x9D the senator said.",
	       "The first part of the statement ends here.|null|0 / The second part follows|null|1");
	expect("over paragraphs in one line",
	       "\xE2\x80\x9CMr. Chairman, I thank my colleague. \xE2\x80\x9CI support this amendment.\xE2\x80\x9D",
	       "Mr. Chairman, I thank my colleague.|null|0 / I support this amendment.|null|1");

	/* Offsets: code points and bytes, after a non-ASCII character. */
	struct q_doc doc;
	if (extract_text(&doc, "Caf\xC3\xA9 owners said \xE2\x80\x9Crents doubled in a year\xE2\x80\x9D.", NULL) == 0 &&
	    doc.quotes.count == 1) {
		const struct q_span *s = &doc.quotes.items[0].span;
		/* "Café owners said “": 18 code points, 21 bytes. */
		CHECK("offsets in code points", s->start == 18 && s->end == 41);
		CHECK("offsets in bytes", s->bstart == 21 && s->bend == 44);
	} else {
		CHECK("offsets: one quotation", 0);
	}
	q_doc_release(&doc);
}

static void not_quotations(void)
{
	expect("scare quotes of one or two words",
	       "The so-called \xE2\x80\x9Cgateway\xE2\x80\x9D courses are full, and critics mocked the "
	       "\"alternative facts,\" again.",
	       "");
	expect("a title in quotes",
	       "Senators backed the \xE2\x80\x9CRural Connectivity Act of 2023\xE2\x80\x9D on Tuesday.", "");
	expect("a title with its full stop inside", "He starred in \"The Blind Side.\" Then he retired.",
	       "");
	expect("three words are a quotation", "Officials promised a \"return to normal\" by spring.",
	       "return to normal|null|0");
	expect("one word with its attribution", "\"Never,\" she said.", "Never|null|0");
	expect("one word ending a sentence", "Asked about a deal, he replied: \"Fearless.\"",
	       "Fearless.|null|0");
}

static void speakers(void)
{
	static const char *const marsh[] = {"PERSON:Lena Marsh", NULL};
	static const char *const none[] = {NULL};
	expect_speakers("said X, both halves of a split quote",
			"\"We are running out of time,\" said Lena Marsh, a spokeswoman for the office. "
			"\"The water has gone down.\"",
			marsh, "We are running out of time|E1|0 / The water has gone down.|E1|1");
	expect_speakers("no entity, no speaker",
			"\"We are running out of time,\" said Lena Marsh, a spokeswoman for the office.",
			none, "We are running out of time|null|0");
	expect_speakers("X said", "\"The levees held,\" Lena Marsh said on Monday.", marsh,
			"The levees held|E1|0");
	expect("X said, with the entities the extraction finds",
	       "\"The levees held,\" Lena Marsh said on Monday.", "The levees held|E1|0");
	expect("X told, with the entities the extraction finds",
	       "Mayor Ana Ruiz told reporters: \"The water is falling.\"", "The water is falling.|E1|0");
	expect_speakers("X, appositive, said",
			"\"We will rebuild,\" Lena Marsh, a spokeswoman for the agency, said.", marsh,
			"We will rebuild|E1|0");
	expect_speakers("X said: before",
			"Lena Marsh said: \xE2\x80\x9CThe roads to the villages are still cut off.\xE2\x80\x9D",
			marsh, "The roads to the villages are still cut off.|E1|0");

	static const char *const ruiz[] = {"PERSON:Ana Ruiz", NULL};
	expect_speakers("X told reporters,",
			"Mayor Ana Ruiz told reporters, \"The bridge will reopen in May.\"", ruiz,
			"The bridge will reopen in May.|E1|0");
	static const char *const park[] = {"PERSON:Lee Park", NULL};
	expect_speakers("X wrote:",
			"In a note to clients, economist Lee Park wrote: \"Inflation is easing faster than "
			"expected.\"",
			park, "Inflation is easing faster than expected.|E1|0");
	static const char *const okafor[] = {"PERSON:Samuel Okafor", NULL};
	expect_speakers("a clause opening with a name, then a colon",
			"Dr. Samuel Okafor, who led the 2021 survey, put it plainly: \"The sea is not "
			"waiting for us.\"",
			okafor, "The sea is not waiting for us.|E1|0");
	static const char *const authority[] = {"ORG:Port Authority", NULL};
	expect_speakers("according to X",
			"\"Each closure cost the region $4 million,\" according to the Port Authority.",
			authority, "Each closure cost the region $4 million|E1|0");
	static const char *const hale[] = {"GPE:U.S.", "PERSON:Grace Hale", NULL};
	expect_speakers("a PERSON mention before a GPE one",
			"\"This bill closes that gap for good,\" said U.S. Senator Grace Hale.", hale,
			"This bill closes that gap for good|E2|0");
	static const char *const lopez[] = {"PERSON:Maria Lopez", "ORG:City Council", NULL};
	expect_speakers("she said: the last PERSON before",
			"Maria Lopez spoke after the City Council vote. \"We don\xE2\x80\x99t know yet,\" she "
			"said.",
			lopez, "We don\xE2\x80\x99t know yet|E1|1");
	expect_speakers("they said: no speaker",
			"Maria Lopez left early. \"We were not consulted,\" they said.", lopez,
			"We were not consulted|null|1");
	static const char *const hill[] = {"PERSON:French Hill", NULL};
	expect_speakers("X issued the following statement:",
			"WASHINGTON \xE2\x80\x93 Today, Congressman French Hill (AR02) issued the following "
			"statement: \xE2\x80\x9CI am proud of the House for passing this bill.\xE2\x80\x9D",
			hill, "I am proud of the House for passing this bill.|E1|0");
	expect_speakers("a quotation running over paragraphs shares its speaker",
			"\xE2\x80\x9CThe first part ends here.\n\n\xE2\x80\x9CThe second part follows,"
			"\xE2\x80\x9D said Lena Marsh.",
			marsh, "The first part ends here.|E1|0 / The second part follows|E1|1");
	static const char *const both[] = {"PERSON:Lena Marsh", "PERSON:Ana Ruiz", NULL};
	expect_speakers("two speakers in one paragraph",
			"\"The water is falling,\" said Lena Marsh. \"Not fast enough,\" Ana Ruiz said.",
			both, "The water is falling|E1|0 / Not fast enough|E2|1");
	expect_speakers("a verb far from the quotation is no attribution",
			"Ana Ruiz continued to investigate the \"Russia thing\" for months.", ruiz, "");
}

static void seed(void)
{
	const char *buf = seed_text();
	if (!buf) {
		SKIP("seed quotation", "../shared/corpus/seed is absent");
		return;
	}
	struct q_doc doc;
	if (extract_text(&doc, buf, NULL)) {
		CHECK("seed extracts", 0);
		return;
	}
	int found = 0;
	for (size_t i = 0; i < doc.quotes.count; i++) {
		struct q_str t = q_doc_span_text(&doc, &doc.quotes.items[i].span);
		found |= q_str_eq_cstr(t, "the end of [the Kim] regime.");
	}
	CHECK("seed: the quotation \"the end of [the Kim] regime.\"", found);
	q_doc_release(&doc);
}

int main(void)
{
	marks();
	apostrophes();
	nesting();
	spans();
	not_quotations();
	speakers();
	seed();
	return CHECK_DONE();
}

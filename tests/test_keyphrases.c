/*
 * test_keyphrases.c — key phrases: candidates split by stop words,
 * punctuation, numbers and possessives; case and plural variants merged;
 * near duplicates dropped; counts, scores, order, and determinism.
 */
#include "tests/check.h"
#include "tests/extract_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The key phrase of doc written t, or NULL. */
static const struct q_keyphrase *find(const struct q_doc *doc, const char *t)
{
	for (size_t i = 0; i < doc->keyphrases.count; i++)
		if (q_str_eq_cstr(doc->keyphrases.items[i].text, t))
			return &doc->keyphrases.items[i];
	return NULL;
}

/* The key phrases as "text(count)" joined by "; ". */
static const char *phrases_of(const struct q_doc *doc)
{
	static char out[4096];
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < doc->keyphrases.count && o < sizeof(out) - 256; i++) {
		const struct q_keyphrase *k = &doc->keyphrases.items[i];
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%.*s(%zu)", i ? "; " : "",
				      (int)k->text.len, k->text.ptr, k->count);
	}
	return out;
}

static const char NEWS[] =
	"Flood Relief Falls Short\n\n"
	"Aid groups warned on Tuesday that flood relief money would run out by April. "
	"The flood relief fund has received less than half of what it needs.\n\n"
	"Flood relief officials said temporary shelters hold 210,000 people. "
	"Temporary shelters in the north are full, and the rainy season returns next month.\n\n"
	"Donors pledged more money for temporary shelters at a meeting in Geneva.\n";

static void basics(void)
{
	struct q_doc doc;
	if (extract_text(&doc, NEWS, NULL)) {
		CHECK("news extracts", 0);
		return;
	}
	const struct q_keyphrase *relief = find(&doc, "flood relief");
	const struct q_keyphrase *shelters = find(&doc, "temporary shelters");
	CHECK("repeated phrase found", relief != NULL);
	CHECK("case variants are one phrase, shown in lowercase", relief && relief->count == 4);
	CHECK("another repeated phrase", shelters && shelters->count == 3);
	CHECK("first scores 1", doc.keyphrases.count && doc.keyphrases.items[0].score == 1.0);
	int ordered = 1, rounded = 1, positive = 1;
	for (size_t i = 0; i < doc.keyphrases.count; i++) {
		double s = doc.keyphrases.items[i].score;
		if (i && s > doc.keyphrases.items[i - 1].score)
			ordered = 0;
		if (fabs(s * 1e4 - round(s * 1e4)) > 1e-6)
			rounded = 0;
		if (s < 0 || doc.keyphrases.items[i].count < 1)
			positive = 0;
	}
	CHECK("scores descend", ordered);
	CHECK("scores have 4 decimals", rounded);
	CHECK("scores >= 0, counts >= 1", positive);
	CHECK("at most 10", doc.keyphrases.count <= 10);
	CHECK("a stop word is no phrase", !find(&doc, "the") && !find(&doc, "said"));
	CHECK("numbers split runs", !find(&doc, "210,000 people"));

	/* The same input gives the same phrases, scores and counts. */
	struct q_doc again;
	if (extract_text(&again, NEWS, NULL) == 0) {
		int same = again.keyphrases.count == doc.keyphrases.count;
		for (size_t i = 0; same && i < doc.keyphrases.count; i++)
			same = q_str_eq(again.keyphrases.items[i].text, doc.keyphrases.items[i].text) &&
			       again.keyphrases.items[i].score == doc.keyphrases.items[i].score &&
			       again.keyphrases.items[i].count == doc.keyphrases.items[i].count;
		CHECK("deterministic", same);
		q_doc_release(&again);
	}
	q_doc_release(&doc);
}

static void expect_phrase(const char *name, const char *text, const char *phrase, size_t count)
{
	struct q_doc doc;
	if (extract_text(&doc, text, NULL)) {
		CHECK(name, 0);
		return;
	}
	const struct q_keyphrase *k = find(&doc, phrase);
	if (!k)
		printf("# %s: %s\n", name, phrases_of(&doc));
	CHECK(name, k && k->count == count);
	q_doc_release(&doc);
}

static void expect_absent(const char *name, const char *text, const char *phrase)
{
	struct q_doc doc;
	if (extract_text(&doc, text, NULL)) {
		CHECK(name, 0);
		return;
	}
	CHECK(name, find(&doc, phrase) == NULL);
	q_doc_release(&doc);
}

static void candidates(void)
{
	expect_phrase("plural variants merged",
		      "Russia threatens to use nuclear weapons. A nuclear weapon is no answer. "
		      "Nuclear weapons spread fear.",
		      "nuclear weapons", 3);
	expect_phrase("of joins capitalised words",
		      "The Department of Defense agreed. Officials at the Department of Defense "
		      "disagreed.",
		      "Department of Defense", 2);
	expect_phrase("a possessive ends a phrase",
		      "North Korea\xE2\x80\x99s nuclear program grows. North Korea tested missiles. "
		      "North Korea's leader spoke.",
		      "North Korea", 3);
	expect_phrase("abbreviations keep their dots",
		      "The South Korea-U.S. alliance is strong. The South Korea-U.S. alliance will grow.",
		      "South Korea-U.S. alliance", 2);
	expect_phrase("counts include longer runs",
		      "Water prices rose. Water prices fell. City water prices doubled in June.",
		      "water prices", 3);
	expect_phrase("a hard wrap shows as one space",
		      "The port authority met.\nThe port\nauthority agreed. The port authority voted.",
		      "port authority", 3);
	expect_absent("a past form ends no phrase",
		      "Three storms closed the port. Storms closed roads. Storms closed schools.",
		      "Storms closed");
	expect_absent("a past form after a content word splits the run",
		      "The Fed announced new lending rules. The Fed announced new lending rules again.",
		      "announced new lending rules");
	expect_phrase("... but the phrase after it counts",
		      "The Fed announced new lending rules. The Fed announced new lending rules again.",
		      "new lending rules", 2);
	expect_phrase("a past form opening its run is an adjective",
		      "The allies held combined field exercises. Later, combined field exercises resumed.",
		      "combined field exercises", 2);
	expect_absent("an irregular past form is no part of a phrase",
		      "Ports have won matching grants. Towns have won matching grants too.",
		      "won matching grants");
	expect_absent("today is a stop word",
		      "The bank announced today new rules. The bank announced today more rules.",
		      "announced today");
	expect_absent("an ordinal number is no word",
		      "The 54th annual meeting opened. The 54th annual meeting closed.", "54th annual meeting");
	expect_absent("a year is no word", "In 2022 Nuclear Posture Review said so.", "2022 Nuclear Posture Review");

	struct q_doc doc;
	if (extract_text(&doc, "It was what it is, and so it will be.", NULL) == 0) {
		CHECK("only stop words: no phrase", doc.keyphrases.count == 0);
		q_doc_release(&doc);
	}
	if (extract_text(&doc, "Visit https://example.org/a-very-long-path/with/many/segments/and/more/of/them now.", NULL) == 0) {
		int url = 0;
		for (size_t i = 0; i < doc.keyphrases.count; i++)
			url |= memchr(doc.keyphrases.items[i].text.ptr, '/', doc.keyphrases.items[i].text.len) != NULL;
		CHECK("no phrase holds a URL", !url);
		q_doc_release(&doc);
	}
}

static void duplicates(void)
{
	const char *text = "The alliance met. The South Korea-U.S. alliance pledged support. "
			   "The South Korea-U.S. alliance held drills. The South Korea-U.S. alliance grew.";
	struct q_doc doc;
	if (extract_text(&doc, text, NULL)) {
		CHECK("duplicates extract", 0);
		return;
	}
	CHECK("the longer phrase is kept", find(&doc, "South Korea-U.S. alliance") != NULL);
	CHECK("its single word is dropped", find(&doc, "alliance") == NULL);
	q_doc_release(&doc);
}

static void seed(void)
{
	const char *buf = seed_text();
	if (!buf) {
		SKIP("seed key phrases", "../shared/corpus/seed is absent");
		return;
	}
	struct q_doc doc;
	if (extract_text(&doc, buf, NULL)) {
		CHECK("seed extracts", 0);
		return;
	}
	const struct q_keyphrase *nk = find(&doc, "North Korea");
	CHECK("seed: ten key phrases", doc.keyphrases.count == 10);
	CHECK("seed: North Korea, 14 times", nk && nk->count == 14);
	CHECK("seed: South Korea-U.S. alliance", find(&doc, "South Korea-U.S. alliance") != NULL);
	q_doc_release(&doc);
}

int main(void)
{
	basics();
	candidates();
	duplicates();
	seed();
	return CHECK_DONE();
}

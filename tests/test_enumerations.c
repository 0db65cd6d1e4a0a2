/*
 * test_enumerations.c — enumerated points: ordinal words across and within
 * paragraphs, numbered, lettered and bullet lists, items inside a
 * paragraph, announcing sentences and their counts, and what is no list.
 */
#include "tests/check.h"
#include "tests/extract_check.h"

#include <stdio.h>
#include <stdlib.h>

/*
 * The lists of doc, one per line: "L1 s=SENTENCE a=ANNOUNCED:" then each
 * item as " ORDINAL.MARKER@PARAGRAPH" (s and a are - when null).
 */
static const char *lists_of(const struct q_doc *doc)
{
	static char out[4096];
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < doc->enumerations.count && o < sizeof(out) - 256; i++) {
		const struct q_enumeration *e = &doc->enumerations.items[i];
		char s[24] = "-", a[24] = "-";
		if (e->sentence >= 0)
			snprintf(s, sizeof(s), "%ld", e->sentence);
		if (e->announced >= 0)
			snprintf(a, sizeof(a), "%ld", e->announced);
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%.*s s=%s a=%s:", i ? "\n" : "",
				      (int)e->id.len, e->id.ptr, s, a);
		for (size_t k = 0; k < e->items.count && o < sizeof(out) - 64; k++) {
			const struct q_enum_item *it = &e->items.items[k];
			o += (size_t)snprintf(out + o, sizeof(out) - o, " %ld.%.*s@%zu", it->ordinal,
					      (int)it->marker.len, it->marker.ptr, it->paragraph);
		}
	}
	return out;
}

static void expect(const char *name, const char *text, const char *want)
{
	expect_drawn(name, text, lists_of, want);
}

/* The text of item k of list l. */
static void expect_item(const char *name, const char *text, size_t l, size_t k, const char *want)
{
	struct q_doc doc;
	char got[512] = "(none)";
	if (extract_text(&doc, text, NULL)) {
		CHECK(name, 0);
		return;
	}
	if (l < doc.enumerations.count && k < doc.enumerations.items[l].items.count) {
		const struct q_enum_item *it = &doc.enumerations.items[l].items.items[k];
		struct q_str t = q_doc_span_text(&doc, &it->span);
		snprintf(got, sizeof(got), "%.*s", (int)t.len, t.ptr);
	}
	CHECK_STR(name, got, want);
	q_doc_release(&doc);
}

static const char OPED[] =
	"What should the city do? I see three steps, and none of them is cheap.\n\n"
	"First, the council should fund a full engineering study this year.\n\n"
	"Second, the city should ask the national government to share the cost.\n\n"
	"Third, residents deserve a plain account of the risks.\n\n"
	"None of this will happen by itself.\n";

static void ordinal_words(void)
{
	expect("op-ed: three steps announced, three items", OPED,
	       "L1 s=1 a=3: 1.First@1 2.Second@2 3.Third@3");
	expect_item("an item spans its paragraph", OPED, 0, 1,
		    "Second, the city should ask the national government to share the cost.");
	expect("firstly, secondly, within one paragraph",
	       "The plan fails for two reasons. Firstly, it costs too much. Secondly, nobody asked the "
	       "farmers. The minister disagrees.",
	       "L1 s=0 a=2: 1.Firstly@0 2.Secondly@0");
	expect_item("an item inside a paragraph runs to the next item",
		    "The plan fails for two reasons. Firstly, it costs too much. Secondly, nobody asked the "
		    "farmers.",
		    0, 0, "Firstly, it costs too much.");
	expect("first of all; finally ends the list",
	       "First of all, the dam must be inspected.\n\n"
	       "Second, the spillway needs repairs.\n\n"
	       "Finally, the town must plan an evacuation route.\n\n"
	       "Finally, some good news: the bridge is open.\n",
	       "L1 s=- a=-: 1.First of all@0 2.Second@1 3.Finally@2");
	expect("a gap of a paragraph between items",
	       "First, we pledged to deepen cooperation.\n\n"
	       "The two nations also agreed on monitoring.\n\n"
	       "Second, we agreed to expand exercises.\n",
	       "L1 s=- a=-: 1.First@0 2.Second@2");
	expect("capitals", "FIRST, the levy. SECOND, the fees.", "L1 s=- a=-: 1.FIRST@0 2.SECOND@0");
}

static void not_lists(void)
{
	expect("a lone First", "First, let me thank the volunteers.\n\nThe floods were the worst in decades.\n",
	       "");
	expect("second as an adjective",
	       "Why our harbors need a second breakwater.\n\nThe second storm closed the port. First "
	       "responders arrived late.\n",
	       "");
	expect("Second without First", "Second, the city should pay.\n\nThird, it should plan.\n", "");
	expect("out of order", "First, plan.\n\nThird, build.\n\nSecond, pay.\n", "");
	expect("First without a comma", "First came the rain. Second came the wind.", "");
	expect("far apart",
	       "First, the levy.\n\nA.\n\nB.\n\nC.\n\nD.\n\nE.\n\nSecond, the fees.\n", "");
	expect("Finally without a list", "First, plan.\n\nFinally, build.\n", "");
	expect("a section reference is no inline item", "Under Section 5(a) and 5(b) the fund must report.",
	       "");
}

static void list_paragraphs(void)
{
	const char *numbered = "We propose the following:\n1. Fund the study.\n2. Share the cost.\n3) Hold "
			       "public meetings.\n";
	expect("numbers after a colon", numbered, "L1 s=0 a=-: 1.1.@1 2.2.@2 3.3)@3");
	expect_item("a list item spans its paragraph", numbered, 0, 2, "3) Hold public meetings.");
	expect("letters", "The agency will:\n(a) inspect the dams;\n(b) repair the gates;\n(c) report by June.\n",
	       "L1 s=0 a=-: 1.(a)@1 2.(b)@2 3.(c)@3");
	expect("roman numerals", "Two options remain:\n(i) raise the levy\n(ii) cut the programme\n",
	       "L1 s=0 a=2: 1.(i)@1 2.(ii)@2");
	expect("letters through i",
	       "Steps:\n\na. one\n\nb. two\n\nc. three\n\nd. four\n\ne. five\n\nf. six\n\ng. seven\n\n"
	       "h. eight\n\ni. nine\n",
	       "L1 s=0 a=-: 1.a.@1 2.b.@2 3.c.@3 4.d.@4 5.e.@5 6.f.@6 7.g.@7 8.h.@8 9.i.@9");
	expect("bullets", "The bill would:\n- provide grants;\n- require maps;\n- create an office.\n",
	       "L1 s=0 a=-: 1.-@1 2.-@2 3.-@3");
	expect("unicode bullets",
	       "Key points\n\n\xE2\x80\xA2 Rates rise\n\xE2\x80\xA2 Jobs grow\n\nMore text follows here.\n",
	       "L1 s=- a=-: 1.\xE2\x80\xA2@1 2.\xE2\x80\xA2@2");
	expect("two lists, numbered in order",
	       "Plan Ahead\n\nWe propose the following:\n1. Fund the study.\n2. Share the cost.\n\n"
	       "(a) first lettered\n(b) second lettered\n\n- a bullet\n- another bullet\n",
	       "L1 s=1 a=-: 1.1.@2 2.2.@3\nL2 s=- a=-: 1.(a)@4 2.(b)@5\nL3 s=- a=-: 1.-@6 2.-@7");
	expect("a list restarts at 1", "Now:\n1. a\n2. b\n\nLater:\n1. c\n2. d\n",
	       "L1 s=0 a=-: 1.1.@1 2.2.@2\nL2 s=3 a=-: 1.1.@4 2.2.@5");
	expect("a mismatch keeps both numbers",
	       "There are four priorities:\n1. Water.\n2. Power.\n3. Roads.\n",
	       "L1 s=0 a=4: 1.1.@1 2.2.@2 3.3.@3");
}

static void inline_items(void)
{
	const char *text = "The bill would (a) fund rural broadband, (b) require coverage maps and (c) "
			   "create an office. It passed.";
	expect("lettered items inside a paragraph", text, "L1 s=- a=-: 1.(a)@0 2.(b)@0 3.(c)@0");
	expect_item("an inline item runs to the next marker", text, 0, 1, "(b) require coverage maps");
	expect_item("the last inline item runs to its sentence's end", text, 0, 2,
		    "(c) create an office.");
	expect("numbered items inside a paragraph",
	       "Investors feared (1) rising rates, (2) weak earnings and (3) a slowing economy.",
	       "L1 s=- a=-: 1.(1)@0 2.(2)@0 3.(3)@0");
}

static void announcing(void)
{
	expect("count in words, colon",
	       "The results fall into the following four points:\n\nFirst, a.\n\nSecond, b.\n\nThird, "
	       "c.\n\nFourth, d.\n",
	       "L1 s=0 a=4: 1.First@1 2.Second@2 3.Third@3 4.Fourth@4");
	expect("count in digits", "Here are 3 takeaways.\n\nFirst, a.\n\nSecond, b.\n\nThird, c.\n",
	       "L1 s=0 a=3: 1.First@1 2.Second@2 3.Third@3");
	expect("no count, no colon: no announcing sentence",
	       "The report was long.\n\nFirst, a.\n\nSecond, b.\n", "L1 s=- a=-: 1.First@1 2.Second@2");
	expect("a count of other things is no announcement",
	       "Twelve people died last year.\n\nFirst, a.\n\nSecond, b.\n",
	       "L1 s=- a=-: 1.First@1 2.Second@2");
	expect("a year is no count", "In 2023 the plan changed.\n\nFirst, a.\n\nSecond, b.\n",
	       "L1 s=- a=-: 1.First@1 2.Second@2");
}

static void seed(void)
{
	const char *buf = seed_text();
	if (!buf) {
		SKIP("seed enumeration", "../shared/corpus/seed is absent");
		return;
	}
	struct q_doc doc;
	if (extract_text(&doc, buf, NULL)) {
		CHECK("seed extracts", 0);
		return;
	}
	CHECK("seed: one enumeration", doc.enumerations.count == 1);
	if (doc.enumerations.count == 1) {
		const struct q_enumeration *e = &doc.enumerations.items[0];
		static const char *const markers[] = {"First", "Second", "Third", "Fourth"};
		CHECK("seed: four items", e->items.count == 4);
		CHECK("seed: announced 4", e->announced == 4);
		int ok = e->items.count == 4;
		for (size_t k = 0; ok && k < 4; k++) {
			const struct q_enum_item *it = &e->items.items[k];
			ok = q_str_eq_cstr(it->marker, markers[k]) && it->ordinal == (long)k + 1 &&
			     it->span.bstart == doc.paragraphs.items[it->paragraph].span.bstart &&
			     it->span.bend == doc.paragraphs.items[it->paragraph].span.bend;
		}
		CHECK("seed: First..Fourth, each its paragraph", ok);
		if (e->sentence >= 0) {
			struct q_str s = q_doc_span_text(&doc, &doc.sentences.items[e->sentence].span);
			const char *tail = "the following four points:";
			CHECK("seed: announced by \"... the following four points:\"",
			      s.len >= strlen(tail) && memcmp(s.ptr + s.len - strlen(tail), tail, strlen(tail)) == 0);
		} else {
			CHECK("seed: an announcing sentence", 0);
		}
	}
	q_doc_release(&doc);
}

int main(void)
{
	ordinal_words();
	not_lists();
	list_paragraphs();
	inline_items();
	announcing();
	seed();
	return CHECK_DONE();
}

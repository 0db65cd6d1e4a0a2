/*
 * test_entities.c — tokens, gazetteers, named entities, coreference and
 * acronyms, on short texts in the manner of news reports, op-eds and
 * press releases, and on the seed document of ../shared/corpus/seed/.
 */
#include "tests/check.h"
#include "tests/extract_check.h"

#include <stdlib.h>

/* Every case against the reference date of the seed op-ed. */
static int extract(struct q_doc *doc, const char *text)
{
	return extract_text(doc, text, "2022-11-21");
}

static const struct q_entity *entity(const struct q_doc *doc, const char *name)
{
	for (size_t i = 0; i < doc->entities.count; i++)
		if (q_str_eq_cstr(doc->entities.items[i].name, name))
			return &doc->entities.items[i];
	return NULL;
}

/* The entity with a mention whose text is s. */
static const struct q_entity *mentioned(const struct q_doc *doc, const char *s)
{
	for (size_t i = 0; i < doc->entities.count; i++) {
		const struct q_entity *e = &doc->entities.items[i];
		for (size_t m = 0; m < e->mentions.count; m++) {
			struct q_str t = q_doc_span_text(doc, &e->mentions.items[m].span);
			if (q_str_eq_cstr(t, s))
				return e;
		}
	}
	return NULL;
}

static int has_type(const struct q_doc *doc, const char *name, enum q_entity_type type)
{
	const struct q_entity *e = entity(doc, name);
	return e && e->type == type;
}

/* Every mention's text is its span of the text, in code points too. */
static int spans_consistent(const struct q_doc *doc)
{
	for (size_t i = 0; i < doc->entities.count; i++) {
		const struct q_entity *e = &doc->entities.items[i];
		for (size_t m = 0; m < e->mentions.count; m++) {
			struct q_span sp = e->mentions.items[m].span, back = sp;
			back.bstart = back.bend = 0;
			q_doc_span_from_cps(doc, &back);
			if (back.bstart != sp.bstart || back.bend != sp.bend || sp.start >= sp.end ||
			    e->mentions.items[m].sentence >= doc->sentences.count)
				return 0;
		}
	}
	return 1;
}

/* The code point offset of the first s in the text. */
static size_t cp_of(const struct q_doc *doc, const char *s)
{
	const char *at = strstr(doc->text.ptr, s);
	return at ? q_utf8_count(doc->text.ptr, (size_t)(at - doc->text.ptr)) : (size_t)-1;
}

static const struct q_acronym *acronym(const struct q_doc *doc, const char *sf)
{
	for (size_t i = 0; i < doc->acronyms.count; i++)
		if (q_str_eq_cstr(doc->acronyms.items[i].short_form, sf))
			return &doc->acronyms.items[i];
	return NULL;
}

/* ---- tokens ------------------------------------------------------------ */

static struct q_name_tokens toks;
static struct q_arena arena;

/* The tokens live in the arena: forgotten with it. */
static void release_tokens(void)
{
	q_arena_release(&arena);
	toks.items = NULL;
	toks.count = toks.cap = 0;
}

static size_t tokenize(const char *s)
{
	toks.count = 0;
	if (q_name_tokens_scan(&arena, s, 0, strlen(s), &toks))
		return 0;
	return toks.count;
}

static int tok_eq(const char *s, size_t k, const char *want)
{
	return k < toks.count && toks.items[k].end - toks.items[k].start == strlen(want) &&
	       memcmp(s + toks.items[k].start, want, strlen(want)) == 0;
}

static void test_tokens(void)
{
	q_arena_init(&arena);
	const char *s = "North Korea\xE2\x80\x99s missiles";
	CHECK("tokens: possessive apart", tokenize(s) == 4 && tok_eq(s, 1, "Korea") &&
						  tok_eq(s, 2, "\xE2\x80\x99s") &&
						  (toks.items[2].flags & Q_TOKF_POSS));
	s = "the South Korea-U.S. alliance";
	CHECK("tokens: a hyphen between names is a token",
	      tokenize(s) == 6 && tok_eq(s, 2, "Korea") && tok_eq(s, 3, "-") &&
		      (toks.items[3].flags & Q_TOKF_HYPHEN) && tok_eq(s, 4, "U.S.") &&
		      (toks.items[4].flags & Q_TOKF_DOTTED) && !(toks.items[4].flags & Q_TOKF_SPACE));
	s = "J. K. Rowling wrote it.";
	CHECK("tokens: initials keep their period",
	      tokenize(s) == 6 && tok_eq(s, 0, "J.") && (toks.items[0].flags & Q_TOKF_INITIAL) &&
		      tok_eq(s, 5, "."));
	s = "the countries\xE2\x80\x99 leaders";
	CHECK("tokens: plural possessive", tokenize(s) == 4 && (toks.items[2].flags & Q_TOKF_POSS));
	s = "don't O'Brien rock'n'roll";
	CHECK("tokens: inner apostrophes stay", tokenize(s) == 3 && tok_eq(s, 1, "O'Brien"));
	s = "See www.example.org or jane_doe@example.com, page 3.5.";
	CHECK("tokens: addresses and decimals whole",
	      tokenize(s) == 8 && (toks.items[1].flags & Q_TOKF_ADDRESS) &&
		      (toks.items[3].flags & Q_TOKF_ADDRESS) && tok_eq(s, 6, "3.5") &&
		      toks.items[6].kind == Q_NTOK_NUMBER);
	s = "NATO and the iPhone, 54th";
	CHECK("tokens: capitals, mixed case, ordinals",
	      tokenize(s) == 6 && (toks.items[0].flags & Q_TOKF_ALLCAPS) &&
		      (toks.items[3].flags & Q_TOKF_MIXED) && toks.items[5].kind == Q_NTOK_NUMBER);
	s = "\xE2\x80\x9CZ\xC3\xBCrich,\xE2\x80\x9D she said \xE2\x80\x94 fine";
	CHECK("tokens: quotes and dashes",
	      tokenize(s) == 8 && (toks.items[0].flags & Q_TOKF_OPEN) && tok_eq(s, 1, "Z\xC3\xBCrich") &&
		      (toks.items[1].flags & Q_TOKF_CAP) && (toks.items[3].flags & Q_TOKF_CLOSE) &&
		      (toks.items[6].flags & Q_TOKF_DASH));
	CHECK("tokens: nothing in blanks", tokenize("  \n\t ") == 0);
	release_tokens();
}

/* ---- gazetteers -------------------------------------------------------- */

static void test_gazetteer(void)
{
	const struct q_gazetteer *g = q_gazetteer();
	CHECK("gazetteer: loads", g != NULL);
	if (!g)
		return;
	CHECK("gazetteer: the same tables every time", q_gazetteer() == g);
	const struct q_gaz_name *k = q_gaz_name(g, "Republic of Korea", 17);
	CHECK("gazetteer: other names of a country", k && k->type == Q_ENT_GPE &&
							 q_str_eq_cstr(k->canon, "South Korea"));
	k = q_gaz_name(g, "Americans", 9);
	CHECK("gazetteer: demonyms and their plurals", k && k->type == Q_ENT_NORP &&
							   q_str_eq_cstr(k->canon, "American"));
	k = q_gaz_name(g, "NATO", 4);
	CHECK("gazetteer: acronyms of organisations", k && k->type == Q_ENT_ORG &&
							  q_str_eq_cstr(k->canon, "North Atlantic Treaty Organization"));
	CHECK("gazetteer: words by class, any case",
	      (q_gaz_word(g, "MINISTRY", 8) & Q_GW_ORG) && (q_gaz_word(g, "treaty", 6) & Q_GW_LAW) &&
		      (q_gaz_word(g, "Secretary", 9) & Q_GW_TITLE_OF) &&
		      (q_gaz_word(g, "Gen", 3) & Q_GW_ABBREV) && (q_gaz_word(g, "Lloyd", 5) & Q_GW_GIVEN) &&
		      (q_gaz_word(g, "meanwhile", 9) & Q_GW_COMMON) && q_gaz_word(g, "xqzzy", 5) == 0);
	CHECK("gazetteer: names of several tokens start at their first word",
	      Q_GW_NAME_TOKENS(q_gaz_word(g, "Washington", 10)) >= 3);
}

/* ---- acronym matching --------------------------------------------------- */

static size_t long_form(const char *s, const char *sf, int whole)
{
	q_arena_init(&arena);
	size_t n = tokenize(s), r = q_acronym_long(s, toks.items, n, sf, strlen(sf), whole);
	release_tokens();
	return r;
}

static void test_acronym_matching(void)
{
	CHECK("acronym shape", q_acronym_short_ok("OCHA", 4) && q_acronym_short_ok("NGOs", 4) &&
				       q_acronym_short_ok("DoD", 3) && !q_acronym_short_ok("A", 1) &&
				       !q_acronym_short_ok("Paris", 5) && !q_acronym_short_ok("D-CA", 4) &&
				       !q_acronym_short_ok("KB2", 3));
	CHECK("acronym: the shortest long form", long_form("the United Nations Office for the Coordination of Humanitarian Affairs", "OCHA", 0) == 3);
	CHECK("acronym: letters from inside a word", long_form("members of the Association of Southeast Asian Nations", "ASEAN", 0) == 3);
	CHECK("acronym: hyphenated words are one", long_form("the Organization for Security and Co-operation in Europe", "OSCE", 0) == 1);
	CHECK("acronym: every word gives a letter", long_form("according to a report", "AP", 0) == (size_t)-1);
	CHECK("acronym: the whole parenthesis", long_form("Security Consultative Meeting", "SCM", 1) == 0 &&
						       long_form("the Security Consultative Meeting", "SCM", 1) == (size_t)-1);
	CHECK("acronym: not across punctuation", long_form("Office, Coordination", "OC", 0) == (size_t)-1);
}

/* ---- entities ------------------------------------------------------------ */

static void test_titles_and_people(void)
{
	struct q_doc d;
	if (extract(&d, "U.S. Secretary of Defense Lloyd Austin arrived in Seoul on Monday. "
			"Secretary Austin met his counterpart there, and Austin said the talks went well.\n"))
		return;
	const struct q_entity *e = entity(&d, "Lloyd Austin");
	CHECK("a title is no part of a name", e && e->type == Q_ENT_PERSON && !mentioned(&d, "Secretary Austin") &&
						       !mentioned(&d, "U.S. Secretary of Defense Lloyd Austin"));
	CHECK("name variants are one person", e && e->mentions.count == 3 && mentioned(&d, "Austin") == e);
	CHECK("the place before the title stays", has_type(&d, "United States", Q_ENT_GPE) &&
							  mentioned(&d, "U.S.") == entity(&d, "United States"));
	CHECK("a capital", has_type(&d, "Seoul", Q_ENT_GPE));
	CHECK("weekdays are no names", !mentioned(&d, "Monday"));
	CHECK("mention offsets are code points", e && e->mentions.items[0].span.start == cp_of(&d, "Lloyd Austin") &&
							 spans_consistent(&d));
	q_doc_release(&d);

	if (extract(&d, "Kim Jong Un oversaw another launch. Analysts said the Kim regime wants "
			"attention, and that Kim would test again.\n"))
		return;
	e = entity(&d, "Kim Jong Un");
	CHECK("a family name alone joins the full name", e && e->type == Q_ENT_PERSON && e->mentions.count == 3);
	CHECK("sentence-initial plural nouns are not names", !mentioned(&d, "Analysts"));
	q_doc_release(&d);

	if (extract(&d, "\"We will rebuild,\" said Maria Lopez, the mayor. Dr. Samuel Okafor, who "
			"led the survey, agreed with Gen. Mark Milley and Rep. Jane Doe (D-Calif.).\n"))
		return;
	CHECK("a person after \"said\"", has_type(&d, "Maria Lopez", Q_ENT_PERSON));
	CHECK("abbreviated titles", has_type(&d, "Samuel Okafor", Q_ENT_PERSON) &&
					    has_type(&d, "Mark Milley", Q_ENT_PERSON) &&
					    has_type(&d, "Jane Doe", Q_ENT_PERSON) && !mentioned(&d, "Dr. Samuel Okafor") &&
					    !mentioned(&d, "Gen. Mark Milley"));
	CHECK("a party and state is no acronym", d.acronyms.count == 0);
	q_doc_release(&d);

	if (extract(&d, "Officials cited John F. Kennedy and Charles de Gaulle, while Jeffrey T Hodge "
			"quoted Martin Luther King Jr. at length.\n"))
		return;
	CHECK("middle initials and particles", has_type(&d, "John F. Kennedy", Q_ENT_PERSON) &&
						       has_type(&d, "Charles de Gaulle", Q_ENT_PERSON) &&
						       has_type(&d, "Jeffrey T Hodge", Q_ENT_PERSON));
	CHECK("a suffix with its period", has_type(&d, "Martin Luther King Jr.", Q_ENT_PERSON));
	q_doc_release(&d);

	if (extract(&d, "Russian President Vladimir Putin spoke. Prime Minister Fumio Kishida replied, "
			"and Supreme Leader Ali Khamenei kept silent.\n"))
		return;
	CHECK("nationality, title, person", has_type(&d, "Russian", Q_ENT_NORP) &&
						    has_type(&d, "Vladimir Putin", Q_ENT_PERSON) &&
						    has_type(&d, "Fumio Kishida", Q_ENT_PERSON) &&
						    has_type(&d, "Ali Khamenei", Q_ENT_PERSON));
	CHECK("titles alone are nothing", !mentioned(&d, "Prime Minister") && !mentioned(&d, "Supreme Leader"));
	q_doc_release(&d);
}

static void test_places(void)
{
	struct q_doc d;
	if (extract(&d, "The Republic of Korea hosted the talks. South Korea\xE2\x80\x99s envoy said "
			"the South Korea-U.S. alliance, and the United States, would hold; "
			"Washington and Pyongyang traded threats across the Korean Peninsula.\n"))
		return;
	const struct q_entity *k = entity(&d, "Republic of Korea");
	CHECK("other names of a country are one entity, named in full",
	      k && k->type == Q_ENT_GPE && k->mentions.count == 3);
	CHECK("a possessive is no part of a name", mentioned(&d, "South Korea") == k &&
							   !mentioned(&d, "South Korea\xE2\x80\x99s"));
	const struct q_entity *us = entity(&d, "United States");
	CHECK("U.S. and United States", us && us->mentions.count == 2 && mentioned(&d, "U.S.") == us);
	CHECK("a hyphen between two places cuts", !mentioned(&d, "South Korea-U.S."));
	CHECK("places that are not countries", has_type(&d, "Korean Peninsula", Q_ENT_LOC) &&
						       has_type(&d, "Pyongyang", Q_ENT_GPE));
	CHECK("ids in order of first mention", q_str_eq_cstr(d.entities.items[0].id, "E1") &&
						       d.entities.items[0].mentions.items[0].span.start ==
							       cp_of(&d, "Republic of Korea"));
	CHECK("spans consistent", spans_consistent(&d));
	q_doc_release(&d);

	if (extract(&d, "Caf\xC3\xA9 owners in Z\xC3\xBCrich and S\xC3\xA3o Paulo met Americans "
			"from Texas, Ontario and the Middle East.\n"))
		return;
	const struct q_entity *z = entity(&d, "Z\xC3\xBCrich");
	CHECK("names outside ASCII, offsets in code points",
	      z && z->type == Q_ENT_GPE && z->mentions.items[0].span.start == 15 &&
		      has_type(&d, "S\xC3\xA3o Paulo", Q_ENT_GPE) && spans_consistent(&d));
	CHECK("a plural demonym joins its nationality", has_type(&d, "Americans", Q_ENT_NORP));
	CHECK("states, provinces, regions", has_type(&d, "Texas", Q_ENT_GPE) &&
						    has_type(&d, "Ontario", Q_ENT_GPE) &&
						    has_type(&d, "Middle East", Q_ENT_LOC));
	q_doc_release(&d);

	if (extract(&d, "WASHINGTON, D.C. \xE2\x80\x93 Lawmakers returned on Tuesday.\n\n"
			"GENEVA \xE2\x80\x94 Aid groups warned of a shortfall.\n"))
		return;
	CHECK("a dateline in capitals", has_type(&d, "Washington, D.C.", Q_ENT_GPE) &&
						has_type(&d, "Geneva", Q_ENT_GPE) && mentioned(&d, "GENEVA"));
	CHECK("sentence openers in a dateline are not names", !mentioned(&d, "Lawmakers") && !mentioned(&d, "Aid"));
	q_doc_release(&d);

	if (extract(&d, "Residents of the port of Halden and the town of Brenmark were told to leave.\n"))
		return;
	CHECK("a place after \"the port of\"", has_type(&d, "Halden", Q_ENT_GPE) && has_type(&d, "Brenmark", Q_ENT_GPE));
	q_doc_release(&d);
}

static void test_organisations_events_laws(void)
{
	struct q_doc d;
	if (extract(&d, "Officials of the South Korean Ministry of National Defense and the U.S. "
			"Department of Defense met members of the Association of Southeast Asian "
			"Nations and of the Northern Coastal Institute. The Extended Deterrence "
			"Strategy and Consultation Group was reactivated.\n"))
		return;
	CHECK("an organisation's head word", has_type(&d, "South Korean Ministry of National Defense", Q_ENT_ORG) &&
						     has_type(&d, "Northern Coastal Institute", Q_ENT_ORG));
	CHECK("organisations of the gazetteer", has_type(&d, "Association of Southeast Asian Nations", Q_ENT_ORG) &&
							has_type(&d, "U.S. Department of Defense", Q_ENT_ORG));
	CHECK("\"and\" inside an organisation's name", has_type(&d, "Extended Deterrence Strategy and Consultation Group", Q_ENT_ORG));
	q_doc_release(&d);

	if (extract(&d, "Leaders at the G20 Summit discussed the 2022 Nuclear Posture Review, the "
			"Mutual Defense Treaty and the Audacious Initiative, while troops joined the "
			"Ulchi Freedom Shield exercise. Hurricane Ida hit the coast.\n"))
		return;
	CHECK("events by their head word", has_type(&d, "G20 Summit", Q_ENT_EVENT) &&
						   has_type(&d, "Hurricane Ida", Q_ENT_EVENT));
	CHECK("an event named before a lowercase head", has_type(&d, "Ulchi Freedom Shield", Q_ENT_EVENT));
	CHECK("laws and documents, with their year", has_type(&d, "2022 Nuclear Posture Review", Q_ENT_LAW) &&
							     has_type(&d, "Mutual Defense Treaty", Q_ENT_LAW) &&
							     has_type(&d, "Audacious Initiative", Q_ENT_LAW));
	q_doc_release(&d);

	if (extract(&d, "Boeing Co. said it would hire. Shares of Boeing rose, and State Department "
			"Iraq hands were surprised.\n"))
		return;
	const struct q_entity *b = entity(&d, "Boeing Co.");
	CHECK("a company with and without its suffix", b && b->type == Q_ENT_ORG && b->mentions.count == 2);
	CHECK("gazetteer names inside a run stand alone", has_type(&d, "State Department", Q_ENT_ORG) &&
								  has_type(&d, "Iraq", Q_ENT_GPE));
	q_doc_release(&d);

	if (extract(&d, "Lunch at McDonald's in St. John's was fine.\n"))
		return;
	CHECK("gazetteer names ending on \"'s\"", has_type(&d, "McDonald's", Q_ENT_ORG) &&
							    has_type(&d, "St. John's", Q_ENT_GPE));
	q_doc_release(&d);
	if (extract(&d, "The book is out from Random House, and the House voted.\n"))
		return;
	CHECK("a common word of the gazetteer closing a name is part of it",
	      has_type(&d, "Random House", Q_ENT_ORG) && mentioned(&d, "House") == entity(&d, "House of Representatives"));
	q_doc_release(&d);
}

static void test_places_before_organisations(void)
{
	struct q_doc d;
	if (extract(&d, "Air Canada ordered jets, and so did Air India. Air quality in Chile "
			"improved.\n"))
		return;
	CHECK("\"Air\" and a country: an airline", has_type(&d, "Air Canada", Q_ENT_ORG) &&
						      has_type(&d, "Air India", Q_ENT_ORG) &&
						      has_type(&d, "Chile", Q_ENT_GPE) && !mentioned(&d, "Air"));
	q_doc_release(&d);

	if (extract(&d, "The complaint was filed with the U.S. Department of State, and the "
			"State Department replied.\n"))
		return;
	const struct q_entity *e = mentioned(&d, "U.S. Department of State");
	CHECK("a place before an organisation of the gazetteer is part of its name",
	      e && e->type == Q_ENT_ORG && !mentioned(&d, "U.S.") && mentioned(&d, "State Department") == e);
	q_doc_release(&d);
}

/* Names no list knows, typed by their shape or by the words around them. */
static void test_context_cues(void)
{
	struct q_doc d;
	if (extract(&d, "Voting were Narayana S. Kocherlakota and the staff. Officials met at "
			"Georgia Tech on Monday.\n"))
		return;
	CHECK("a middle initial makes a person", has_type(&d, "Narayana S. Kocherlakota", Q_ENT_PERSON));
	CHECK("a place that is a given name before a plain word is no person",
	      !has_type(&d, "Georgia Tech", Q_ENT_PERSON));
	q_doc_release(&d);

	if (extract(&d, "The deal was signed by Tovarek, a spokesman for the group. Brellin, 54, "
			"objected. Quorvex, the country's largest lender, agreed, and Zantivo, a "
			"small town in the north, celebrated.\n"))
		return;
	CHECK("an apposition: a role", has_type(&d, "Tovarek", Q_ENT_PERSON));
	CHECK("an apposition: an age", has_type(&d, "Brellin", Q_ENT_PERSON));
	CHECK("an apposition: an organisation", has_type(&d, "Quorvex", Q_ENT_ORG));
	CHECK("an apposition: a place", has_type(&d, "Zantivo", Q_ENT_GPE));
	q_doc_release(&d);

	if (extract(&d, "Kaoru Yosamo, the Japanese minister of fiscal policy, spoke. Mulally says "
			"it works. Recently, it did.\n"))
		return;
	CHECK("an apposition with a nationality before its role",
	      has_type(&d, "Kaoru Yosamo", Q_ENT_PERSON));
	CHECK("a name ending like an adverb, before \"says\"", has_type(&d, "Mulally", Q_ENT_PERSON) &&
									 !mentioned(&d, "Recently"));
	q_doc_release(&d);

	if (extract(&d, "Shares of automaker Pelladyne fell, and Marvosk's shares rose. Tarrish's "
			"wife was there. \"We are ready,\" said Ulbrecht. The Vostrin-based firm "
			"moved to Halverton, Florida.\n"))
		return;
	CHECK("an organisation's noun before it", has_type(&d, "Pelladyne", Q_ENT_ORG));
	CHECK("a possessive: an organisation's shares", has_type(&d, "Marvosk", Q_ENT_ORG));
	CHECK("a possessive: a person's kin", has_type(&d, "Tarrish", Q_ENT_PERSON));
	CHECK("\"said\" before a name", has_type(&d, "Ulbrecht", Q_ENT_PERSON));
	CHECK("a place before \"-based\"", has_type(&d, "Vostrin", Q_ENT_GPE));
	CHECK("a place before its state", has_type(&d, "Halverton", Q_ENT_GPE));
	q_doc_release(&d);

	if (extract(&d, "Talks with Vardanyan and Koskelainen, and a call from Saoirse, went to Grushenkov before the "
			"hearing, and the band played at "
			"the Pellham Auditorium.\n"))
		return;
	CHECK("a family name's ending makes a person", has_type(&d, "Grushenkov", Q_ENT_PERSON));
	CHECK("a given name alone", has_type(&d, "Saoirse", Q_ENT_PERSON));
	CHECK("… of other languages", has_type(&d, "Vardanyan", Q_ENT_PERSON) &&
					  has_type(&d, "Koskelainen", Q_ENT_PERSON));

	CHECK("a hall, a theatre, a museum are places", has_type(&d, "Pellham Auditorium", Q_ENT_LOC));
	q_doc_release(&d);

	if (extract(&d, "They raced at the Yarvik Circuit, ate at Brellin Cafe and Oskar Grill, watched the "
			"Andrew Marr Show, as Kim Jong Ill did. The G.D.P. grew, the C.E.O. said. "
			"Quorvan Software rose and Tellbury Logistics fell. A note by Tim Rolan Editor reached "
			"Rep. Peter King.\n\nMMG Marketing Group MARTA MBC Concessions, Inc. "
			"Mechanical Contractors\n"))
		return;
	CHECK("a circuit, a cafe, a grill are places",
	      has_type(&d, "Yarvik Circuit", Q_ENT_LOC) && has_type(&d, "Brellin Cafe", Q_ENT_LOC) &&
		      has_type(&d, "Oskar Grill", Q_ENT_LOC));
	CHECK("software, logistics firms are organisations",
	      has_type(&d, "Quorvan Software", Q_ENT_ORG) && has_type(&d, "Tellbury Logistics", Q_ENT_ORG));
	CHECK("a role after a name, as in a signature, is no part of it",
	      has_type(&d, "Tim Rolan", Q_ENT_PERSON) && has_type(&d, "Peter King", Q_ENT_PERSON) &&
		      !mentioned(&d, "MARTA MBC Concessions") && !mentioned(&d, "Inc."));
	CHECK("a plain word after two names closes no person's name",
	      mentioned(&d, "Andrew Marr Show") && !has_type(&d, "Andrew Marr Show", Q_ENT_PERSON) &&
		      has_type(&d, "Kim Jong Ill", Q_ENT_PERSON));
	CHECK("capitals with periods spelling a common abbreviation",
	      !mentioned(&d, "G.D.P.") && !mentioned(&d, "C.E.O."));
	q_doc_release(&d);

	if (extract(&d, "A scene by W.H.S. Koerner hung there; Peder and I saw it, and Vantrell "
			"resigned.\n"))
		return;
	CHECK("initials written together open a name", has_type(&d, "W.H.S. Koerner", Q_ENT_PERSON));
	CHECK("\"X and I\"", has_type(&d, "Peder", Q_ENT_PERSON));
	CHECK("a verb of people after a name", has_type(&d, "Vantrell", Q_ENT_PERSON));
	q_doc_release(&d);

	if (extract(&d, "Ostravel was arrested in May. The plan came later, and Quenbry has been "
			"appointed to lead it; Marluss was praised. The paper quoted Drevalt as "
			"saying so.\n"))
		return;
	CHECK("\"quoted X as saying\"", has_type(&d, "Drevalt", Q_ENT_PERSON));
	CHECK("what befalls people, after \"was\" and \"has been\"",
	      has_type(&d, "Ostravel", Q_ENT_PERSON) && has_type(&d, "Quenbry", Q_ENT_PERSON) &&
		      !has_type(&d, "Marluss", Q_ENT_PERSON));
	q_doc_release(&d);

	if (extract(&d, "The flag of South Vietnam flew in Vietnam and East Jerusalem. Cells look to "
			"bin Laden, and al-Sadr said no.\n"))
		return;
	CHECK("a compass point before a place is part of its name",
	      has_type(&d, "South Vietnam", Q_ENT_GPE) && has_type(&d, "Vietnam", Q_ENT_GPE) &&
		      mentioned(&d, "East Jerusalem") && !mentioned(&d, "Jerusalem"));
	CHECK("a particle before a family name alone", mentioned(&d, "bin Laden") && mentioned(&d, "al-Sadr") &&
							       !mentioned(&d, "Laden") && !mentioned(&d, "Sadr"));
	q_doc_release(&d);

	if (extract(&d, "The store moved to Lawrence, KS and then out of the U.S for good.\n"))
		return;
	CHECK("a place before a postal code, and the code", has_type(&d, "Lawrence", Q_ENT_GPE) &&
								     has_type(&d, "KS", Q_ENT_GPE));
	CHECK("\"U.S\" without its last period", mentioned(&d, "U.S") == entity(&d, "United States"));
	q_doc_release(&d);
}

static void test_lists_titles_suffixes(void)
{
	struct q_doc d;
	if (extract(&d, "Rumsfeld, Wolfowitz and Feith staffed the office, and the tour went to "
			"Paris, Vostrinac and Rome.\n"))
		return;
	CHECK("a list of people: its unknown names are people", has_type(&d, "Wolfowitz", Q_ENT_PERSON) &&
								  has_type(&d, "Feith", Q_ENT_PERSON));
	CHECK("a list of places: its unknown names are places", has_type(&d, "Vostrinac", Q_ENT_GPE));
	q_doc_release(&d);

	if (extract(&d, "The Vice Chairman spoke with the Ranking Member. John Conyers, Jr. agreed, "
			"and I'm sure the agreement with Pelladyne, Inc. holds.\n"))
		return;
	CHECK("titles alone, a suffix alone, \"I'm\" are no names",
	      !mentioned(&d, "Vice Chairman") && !mentioned(&d, "Ranking Member") && !mentioned(&d, "Jr.") &&
		      !mentioned(&d, "I'm"));
	CHECK("a company's suffix after a comma", has_type(&d, "Pelladyne, Inc.", Q_ENT_ORG));
	q_doc_release(&d);

	if (extract(&d, "The FBI opened a case, but an RFP and the ISO 6400 setting came later; "
			"chapter VII applies.\n"))
		return;
	CHECK("capitals: an organisation", has_type(&d, "Federal Bureau of Investigation", Q_ENT_ORG));
	q_doc_release(&d);

	if (extract(&d, "The bill angered the Navy, and Parliament cited the Constitution. "
			"The Office was closed.\n"))
		return;
	CHECK("some heads alone name a body or a law", has_type(&d, "Navy", Q_ENT_ORG) &&
							      has_type(&d, "Parliament", Q_ENT_ORG) &&
							      has_type(&d, "Constitution", Q_ENT_LAW));
	CHECK("others do not", !mentioned(&d, "Office"));
	CHECK("capitals: not a thing counted, a grade or a numeral",
	      !has_type(&d, "RFP", Q_ENT_ORG) && !has_type(&d, "ISO", Q_ENT_ORG) && !mentioned(&d, "VII"));
	q_doc_release(&d);
}

static void test_name_lists(void)
{
	struct q_doc d;
	if (extract(&d, "Nakagawa arrived late. Tomasz Wieczorek stayed home, and the files went "
			"to Okonkwo.\n"))
		return;
	CHECK("family names of many languages, alone", has_type(&d, "Nakagawa", Q_ENT_PERSON) &&
							       has_type(&d, "Okonkwo", Q_ENT_PERSON));
	CHECK("a given and a family name, no cue", has_type(&d, "Tomasz Wieczorek", Q_ENT_PERSON));
	q_doc_release(&d);

	if (extract(&d, "Senators John Cornyn and Richard Burr wrote to Reps. Debbie Dingell and "
			"Mark DeSaulnier.\n"))
		return;
	CHECK("a plural title is no part of a name",
	      has_type(&d, "John Cornyn", Q_ENT_PERSON) && has_type(&d, "Debbie Dingell", Q_ENT_PERSON) &&
		      !mentioned(&d, "Senators John Cornyn") && !mentioned(&d, "Reps. Debbie Dingell"));
	q_doc_release(&d);

	if (extract(&d, "The fire reached San Gabriel on Tuesday, and residents of East San Gabriel "
			"left.\n"))
		return;
	const struct q_entity *e = mentioned(&d, "San Gabriel"), *f = mentioned(&d, "East San Gabriel");
	CHECK("\"San\" opens a place, not a person", e && (e->type == Q_ENT_LOC || e->type == Q_ENT_GPE));
	CHECK("a compass point opens no person's name", !f || f->type != Q_ENT_PERSON);
	q_doc_release(&d);

	if (extract(&d, "Officials named O'Keefe to the post.\n\nHey Vladi, see you there.\n"))
		return;
	CHECK("an Irish family name's shape", has_type(&d, "O'Keefe", Q_ENT_PERSON));
	CHECK("a name greeted", has_type(&d, "Vladi", Q_ENT_PERSON));
	q_doc_release(&d);

	if (extract(&d, "Prime Minister Theresa May spoke. Brian May played. Jordan May 3 was busy.\n"))
		return;
	CHECK("a month after a given name is a family name",
	      has_type(&d, "Theresa May", Q_ENT_PERSON) && has_type(&d, "Brian May", Q_ENT_PERSON));
	CHECK("... but not before a day number", has_type(&d, "Jordan", Q_ENT_GPE) && !entity(&d, "Jordan May"));
	q_doc_release(&d);

	if (extract(&d, "Any news on Aunt Toni? Uncle Bob called.\n"))
		return;
	CHECK("kinship words are titles, no part of a name",
	      has_type(&d, "Toni", Q_ENT_PERSON) && has_type(&d, "Bob", Q_ENT_PERSON) &&
		      !mentioned(&d, "Aunt Toni"));
	q_doc_release(&d);

	if (extract(&d, "P.S. Tom, please call Vernon.\n"))
		return;
	CHECK("a postscript mark is no initial", has_type(&d, "Tom", Q_ENT_PERSON) && !mentioned(&d, "P.S."));
	q_doc_release(&d);

	if (extract(&d, "Each household got NZ$120 and HK$5 from the fund.\n"))
		return;
	CHECK("the country of a dollar is no name", !mentioned(&d, "NZ") && !mentioned(&d, "HK"));
	q_doc_release(&d);
}

static void test_org_connectors(void)
{
	struct q_doc d;
	if (extract(&d, "The Bureau of Alcohol, Tobacco, Firearms and Explosives opened a case, and "
			"the Ministry of Agriculture, Fisheries and Food agreed. The Senate Committee on "
			"Foreign Relations met, and the House Judiciary Subcommittee on the Constitution "
			"cited the Convention on the Rights of the Child.\n"))
		return;
	CHECK("commas inside an organisation's name",
	      has_type(&d, "Bureau of Alcohol, Tobacco, Firearms and Explosives", Q_ENT_ORG) &&
		      has_type(&d, "Ministry of Agriculture, Fisheries and Food", Q_ENT_ORG));
	CHECK("\"on\" after a committee's or a convention's head",
	      has_type(&d, "Senate Committee on Foreign Relations", Q_ENT_ORG) &&
		      has_type(&d, "House Judiciary Subcommittee on the Constitution", Q_ENT_ORG) &&
		      has_type(&d, "Convention on the Rights of the Child", Q_ENT_LAW));
	q_doc_release(&d);

	if (extract(&d, "He joined the Department of Energy, and Smith, Jones and Brown left. The "
			"Council on Monday voted.\n"))
		return;
	CHECK("a list of people after an organisation is no part of it",
	      has_type(&d, "Department of Energy", Q_ENT_ORG) && has_type(&d, "Smith", Q_ENT_PERSON));
	CHECK("\"on\" before a day joins nothing", !mentioned(&d, "Council on Monday"));
	q_doc_release(&d);
}

static void test_not_names(void)
{
	struct q_doc d;
	if (extract(&d, "Meanwhile, prices rose.\n\nFirst, the council should act. Second, it should "
			"pay. However, Fight Tonight readiness matters.\n\nLast August, nothing happened.\n"))
		return;
	CHECK("sentence-initial common words are not entities", d.entities.count == 0);
	q_doc_release(&d);

	if (extract(&d, "BREAKING: MARKETS CRASH AS INVESTORS PANIC OVER RATES\n\nStocks fell.\n"))
		return;
	CHECK("shouting is not an entity", d.entities.count == 0);
	q_doc_release(&d);

	if (extract(&d, "Relief Agencies Warn of Shortfall as Flood Waters Recede\n\nAid groups said "
			"the money ran short.\n"))
		return;
	CHECK("a headline in title case names nothing it does not know", d.entities.count == 0);
	q_doc_release(&d);

	if (extract(&d, "Download the report (51 KB PDF) and see the notes (see below), or call "
			"the office (OK).\n"))
		return;
	CHECK("ordinary parentheses define no acronym", d.acronyms.count == 0);
	q_doc_release(&d);

	if (extract(&d, "No names here at all, only words in lowercase.\n"))
		return;
	CHECK("no names, no entities", d.entities.count == 0 && d.acronyms.count == 0);
	q_doc_release(&d);
}

static void test_acronyms(void)
{
	struct q_doc d;
	if (extract(&d, "The United Nations Office for the Coordination of Humanitarian Affairs "
			"(OCHA) said 210,000 people were displaced. OCHA asked for $260 million.\n"))
		return;
	const struct q_acronym *a = acronym(&d, "OCHA");
	CHECK("a short form after its long form",
	      a && q_str_eq_cstr(a->long_form, "Office for the Coordination of Humanitarian Affairs") &&
		      a->span.start == cp_of(&d, "Office for") &&
		      q_str_eq(q_doc_span_text(&d, &a->span), a->long_form));
	const struct q_entity *e = mentioned(&d, "OCHA");
	CHECK("the short form joins the long form's entity",
	      e && e->type == Q_ENT_ORG && e->mentions.count == 3 &&
		      q_str_eq_cstr(e->name, "United Nations Office for the Coordination of Humanitarian Affairs"));
	q_doc_release(&d);

	if (extract(&d, "Staff of OCHA (Office for the Coordination of Humanitarian Affairs) "
			"arrived.\n"))
		return;
	a = acronym(&d, "OCHA");
	CHECK("a long form after its short form",
	      a && q_str_eq_cstr(a->long_form, "Office for the Coordination of Humanitarian Affairs"));
	q_doc_release(&d);

	if (extract(&d, "I co-chaired the annual Republic of Korea-United States Security "
			"Consultative Meeting. The SCM functions as a consultative body, and this "
			"year's SCM was held in Washington.\n"))
		return;
	a = acronym(&d, "SCM");
	e = entity(&d, "Security Consultative Meeting");
	CHECK("a short form spelling an earlier name",
	      a && q_str_eq_cstr(a->long_form, "Security Consultative Meeting"));
	CHECK("… and joining its entity", e && e->type == Q_ENT_EVENT && mentioned(&d, "SCM") == e &&
						  e->mentions.count == 3);
	CHECK("both countries of the hyphen", has_type(&d, "Republic of Korea", Q_ENT_GPE) &&
						      has_type(&d, "United States", Q_ENT_GPE));
	q_doc_release(&d);

	if (extract(&d, "Shares of Mobile Phone Exchange fell. The MPE board met; so did the "
			"CEO and the FBI.\n"))
		return;
	CHECK("capitals without a definition", !acronym(&d, "CEO") && !mentioned(&d, "CEO") &&
						       has_type(&d, "Federal Bureau of Investigation", Q_ENT_ORG));
	q_doc_release(&d);
}

static void test_headline_and_bylines(void)
{
	struct q_doc d;
	if (extract(&d, "Senator Hale Introduces Bill to Expand Rural Broadband\n\n"
			"By Jane Doe and John Smith\n\n"
			"U.S. Senator Grace Hale introduced the Rural Connectivity Act on Tuesday. "
			"\"This bill closes the gap,\" said Senator Hale.\n"))
		return;
	const struct q_entity *h = entity(&d, "Grace Hale");
	CHECK("a headline's names join the body's", h && h->mentions.count == 3 &&
							    h->mentions.items[0].sentence == 0);
	CHECK("a headline's plain words are not names", !mentioned(&d, "Rural Broadband") && !mentioned(&d, "Rural"));
	CHECK("a byline's people", has_type(&d, "Jane Doe", Q_ENT_PERSON) && has_type(&d, "John Smith", Q_ENT_PERSON));
	CHECK("a law", has_type(&d, "Rural Connectivity Act", Q_ENT_LAW));
	q_doc_release(&d);

	if (extract(&d, "Apple unveils new phone\n\nApple said on Monday that shares of Apple "
			"rose. \"Apple will grow,\" he said. Will they buy? Apple rose again.\n"))
		return;
	const struct q_entity *a = entity(&d, "Apple");
	CHECK("an ordinary word opening a sentence joins the same name found for sure",
	      a && a->type == Q_ENT_ORG && a->mentions.count == 5 &&
		      a->mentions.items[0].sentence == 0 && !mentioned(&d, "Will"));
	q_doc_release(&d);

	if (extract(&d, "Apple pie is sweet. Apple trees grow.\n"))
		return;
	CHECK("… and nothing where no sure mention is", d.entities.count == 0);
	q_doc_release(&d);

	if (extract(&d, "Human Rights Watch said so. Apple Computer launched a phone, and Apple "
			"Computer Inc. sold it; Human Rights Watch is a group. They paid US$ 40 "
			"million in the US.\n"))
		return;
	const struct q_entity *hrw = entity(&d, "Human Rights Watch");
	a = entity(&d, "Apple Computer Inc.");
	const struct q_entity *us = entity(&d, "United States");
	CHECK("ordinary words opening a sentence join the same name found for sure",
	      hrw && hrw->mentions.count == 2 && a && a->mentions.count == 2);
	CHECK("a currency's country is no mention", us && us->mentions.count == 1);
	q_doc_release(&d);

	if (extract(&d, "Steve Jobs unveiled it. Jobs said it was good, and Tim Cook succeeded "
			"Jobs. Jobs are scarce.\n"))
		return;
	const struct q_entity *sj = entity(&d, "Steve Jobs");
	CHECK("a family name that is an ordinary word, after the person's full name",
	      sj && sj->type == Q_ENT_PERSON && sj->mentions.count == 3);
	q_doc_release(&d);

	if (extract(&d, "The Dow Jones Industrial Average fell and the FTSE rose; Dow Jones, the "
			"publisher, was sold.\n"))
		return;
	CHECK("stock indices are neither exchanges nor companies",
	      has_type(&d, "Dow Jones Industrial Average", Q_ENT_MISC) &&
		      has_type(&d, "FTSE 100", Q_ENT_MISC) && has_type(&d, "Dow Jones", Q_ENT_ORG));
	q_doc_release(&d);
}

static void test_stress(void)
{
	/* Long runs of capitals, names cut at the chunk limit, many
	 * sentences: no crash, offsets consistent, output deterministic. */
	size_t n = 0, cap = 1 << 16;
	char *s = malloc(cap);
	if (!s)
		return;
	for (int i = 0; i < 60 && n + 200 < cap; i++)
		n += (size_t)snprintf(s + n, cap - n, "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta ");
	n += (size_t)snprintf(s + n, cap - n, "end.\n\n");
	for (int i = 0; i < 300 && n + 200 < cap; i++)
		n += (size_t)snprintf(s + n, cap - n, "Lloyd Austin met Kim Jong Un (KJU) in Seoul. ");
	s[n] = '\0';
	struct q_doc a, b;
	if (extract(&a, s) || extract(&b, s)) {
		free(s);
		return;
	}
	int same = a.entities.count == b.entities.count;
	for (size_t i = 0; same && i < a.entities.count; i++)
		same = q_str_eq(a.entities.items[i].name, b.entities.items[i].name) &&
		       a.entities.items[i].mentions.count == b.entities.items[i].mentions.count;
	CHECK("long runs of capitals", spans_consistent(&a));
	CHECK("the same entities every run", same);
	const struct q_entity *e = entity(&a, "Kim Jong Un");
	CHECK("hundreds of mentions of one person", e && e->mentions.count == 600);
	q_doc_release(&a);
	q_doc_release(&b);
	free(s);
}

/* The seed op-ed's people, places, meeting and acronym. */
static void test_seed(void)
{
	struct q_doc d;
	const char *seed = seed_text();
	if (!seed) {
		SKIP("seed entities", SEED " is absent");
		return;
	}
	if (extract(&d, seed))
		return;
	const struct q_entity *e = entity(&d, "Lloyd Austin");
	CHECK("seed: Lloyd Austin is a person, \"Secretary Austin\" merged",
	      e && e->type == Q_ENT_PERSON && e->mentions.count == 3 && mentioned(&d, "Austin") == e);
	e = entity(&d, "Kim Jong Un");
	CHECK("seed: Kim Jong Un is a person, \"the Kim regime\" merged",
	      e && e->type == Q_ENT_PERSON && e->mentions.count == 4 && mentioned(&d, "Kim") == e);
	e = entity(&d, "Jong Sup Lee");
	CHECK("seed: Jong Sup Lee is a person", e && e->type == Q_ENT_PERSON);
	const struct q_acronym *a = acronym(&d, "SCM");
	e = entity(&d, "Security Consultative Meeting");
	CHECK("seed: SCM is the Security Consultative Meeting",
	      a && q_str_eq_cstr(a->long_form, "Security Consultative Meeting") && e &&
		      mentioned(&d, "SCM") == e && e->mentions.count == 8);
	e = entity(&d, "Republic of Korea");
	CHECK("seed: Republic of Korea and South Korea", e && e->type == Q_ENT_GPE && mentioned(&d, "South Korea") == e);
	e = entity(&d, "United States");
	CHECK("seed: U.S. and United States", e && mentioned(&d, "U.S.") == e);
	CHECK("seed: no entity from sentence openers", !mentioned(&d, "Meanwhile") && !mentioned(&d, "First") &&
								!mentioned(&d, "Fight Tonight"));
	CHECK("seed: organisations and laws", has_type(&d, "Association of Southeast Asian Nations", Q_ENT_ORG) &&
						      has_type(&d, "Mutual Defense Treaty", Q_ENT_LAW) &&
						      has_type(&d, "2022 Nuclear Posture Review", Q_ENT_LAW));
	CHECK("seed: spans consistent", spans_consistent(&d));
	q_doc_release(&d);
}

int main(void)
{
	test_tokens();
	test_gazetteer();
	test_acronym_matching();
	test_titles_and_people();
	test_places();
	test_organisations_events_laws();
	test_places_before_organisations();
	test_context_cues();
	test_lists_titles_suffixes();
	test_name_lists();
	test_org_connectors();
	test_not_names();
	test_acronyms();
	test_headline_and_bylines();
	test_stress();
	test_seed();
	return CHECK_DONE();
}

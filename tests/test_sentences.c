/*
 * test_sentences.c — q_sentence_next: behaviour case by case, exact
 * offsets, and linear time on pathological paragraphs.
 *
 * A case gives a paragraph and its sentences joined by " | ", each with
 * its whitespace runs shown as one space (the text itself is never
 * altered; hard wraps stay in the spans).
 */
#include "extract/extract.h"
#include "tests/check.h"

#include <stdlib.h>
#include <time.h>

#define BIG ((size_t)20 * 1024 * 1024)

/* A quadratic scan of BIG bytes would take hours; one second is ample for
 * a linear one when optimised, ten under sanitizers or without -O. */
#if defined(__SANITIZE_ADDRESS__) || !defined(__OPTIMIZE__)
#define TIME_LIMIT 10.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) ||                                       \
	__has_feature(undefined_behavior_sanitizer)
#define TIME_LIMIT 10.0
#endif
#endif
#ifndef TIME_LIMIT
#define TIME_LIMIT 1.0
#endif

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The sentences of text joined by " | ", whitespace collapsed. */
static char *segment(const char *text)
{
	size_t len = strlen(text), pos = 0, a, b, o = 0;
	char *out = malloc(2 * len + 8);
	if (!out)
		return NULL;
	while (q_sentence_next(text, len, &pos, &a, &b)) {
		if (o)
			o += (size_t)sprintf(out + o, " | ");
		for (size_t i = a; i < b; i++) {
			if (is_ws(text[i])) {
				if (o && out[o - 1] != ' ')
					out[o++] = ' ';
			} else {
				out[o++] = text[i];
			}
		}
	}
	out[o] = '\0';
	return out;
}

static void expect(const char *name, const char *text, const char *want)
{
	char *got = segment(text);
	CHECK_STR(name, got, want);
	free(got);
}

/* ---- behaviour ---------------------------------------------------------- */

static void test_basic(void)
{
	expect("period", "The talks ended. Both sides left.",
	       "The talks ended. | Both sides left.");
	expect("question", "Did it work? Nobody knows.",
	       "Did it work? | Nobody knows.");
	expect("exclamation", "It worked! Everyone cheered.",
	       "It worked! | Everyone cheered.");
	expect("no-final-stop", "Breaking news from the capital",
	       "Breaking news from the capital");
	expect("lowercase-after-stop", "It ended. then it began again",
	       "It ended. then it began again");
	expect("semicolon-colon", "One thing; another: a third. Done.",
	       "One thing; another: a third. | Done.");
	expect("double-bang", "Stop!! Come back.", "Stop!! | Come back.");
	expect("interrobang", "Really?! That is odd. Why?? Nobody knows.",
	       "Really?! | That is odd. | Why?? | Nobody knows.");
	expect("digit-after-stop", "Sales fell in 2019. 2020 was worse.",
	       "Sales fell in 2019. | 2020 was worse.");
	expect("comma-after-stop", "the reign of Charles II. , that it shall",
	       "the reign of Charles II. , that it shall");
	expect("non-ascii-capital", "He left. Émile stayed.",
	       "He left. | Émile stayed.");
	expect("non-ascii-lower", "He left. élan vital remained",
	       "He left. élan vital remained");
}

static void test_abbreviations(void)
{
	expect("title", "Dr. Ruiz met Gen. Park and Sen. Lee at noon.",
	       "Dr. Ruiz met Gen. Park and Sen. Lee at noon.");
	expect("titles-more",
	       "Prof. Adams, Mrs. Adams, Capt. Ortiz, Adm. Kerr, Lt. Cole, "
	       "Sgt. Diaz, Col. Ames, Gov. Hale, Rep. Tran and Rev. Moss came.",
	       "Prof. Adams, Mrs. Adams, Capt. Ortiz, Adm. Kerr, Lt. Cole, "
	       "Sgt. Diaz, Col. Ames, Gov. Hale, Rep. Tran and Rev. Moss came.");
	expect("title-plural", "Reps. Smith and Jones voted. Messrs. Lee "
			       "and Ko did not.",
	       "Reps. Smith and Jones voted. | Messrs. Lee and Ko did not.");
	expect("title-after-dash", "He said—Mr. Smith agreed—that it works.",
	       "He said—Mr. Smith agreed—that it works.");
	expect("company-mid", "Smith & Co. at the time was small.",
	       "Smith & Co. at the time was small.");
	expect("company-end", "He sold it to Smith & Co. It was a good deal.",
	       "He sold it to Smith & Co. | It was a good deal.");
	expect("company-name-after", "Shares of Acme Inc. Chief Executive "
				     "Jo Park rose.",
	       "Shares of Acme Inc. Chief Executive Jo Park rose.");
	expect("lower-co", "Ask Tom and co. They will know. Bring Tom and co. "
			   "to dinner.",
	       "Ask Tom and co. | They will know. | Bring Tom and co. to "
	       "dinner.");
	expect("jr-possessive", "That is Ann Lee Jr.'s house.",
	       "That is Ann Lee Jr.'s house.");
	expect("jr-end", "He met Martin Ruiz Jr. They talked.",
	       "He met Martin Ruiz Jr. | They talked.");
	expect("saint-mount", "St. Paul and Mt. Hood are far apart. "
			      "She lives on 3rd st. near the park.",
	       "St. Paul and Mt. Hood are far apart. | She lives on 3rd st. "
	       "near the park.");
	expect("month-digit", "The law took effect Jan. 1, 2020, and Sept. 30.",
	       "The law took effect Jan. 1, 2020, and Sept. 30.");
	expect("month-end", "The bill passed in Sept. The vote was close.",
	       "The bill passed in Sept. | The vote was close.");
	expect("not-may", "It passed in May. The vote was close.",
	       "It passed in May. | The vote was close.");
	expect("state-mid", "He was born in Springfield, Ill., in 1950 and "
			    "moved to Calif. later.",
	       "He was born in Springfield, Ill., in 1950 and moved to Calif. "
	       "later.");
	expect("state-end", "He was born in Springfield, Ill. The town is "
			    "small.",
	       "He was born in Springfield, Ill. | The town is small.");
	expect("state-in-parens", "Rep. Ann Lee (D-Calif.) said the plan "
				  "works.",
	       "Rep. Ann Lee (D-Calif.) said the plan works.");
	expect("ill-word", "He was ill. The doctor came.",
	       "He was ill. | The doctor came.");
	expect("binding", "Use a tool, e.g. Python, or cf. Ruby, i.e. Perl "
			  "vs. Tcl, approx. Ten.",
	       "Use a tool, e.g. Python, or cf. Ruby, i.e. Perl vs. Tcl, "
	       "approx. Ten.");
	expect("versus", "Brown v. Board of Education was decided in 1954.",
	       "Brown v. Board of Education was decided in 1954.");
	expect("etc-end", "We bought apples, pears, etc. Then we went home.",
	       "We bought apples, pears, etc. | Then we went home.");
	expect("numeric", "See p. 12, pp. 14-19, fig. 3, vol. 2 and No. 7 "
			  "in ch. 4.",
	       "See p. 12, pp. 14-19, fig. 3, vol. 2 and No. 7 in ch. 4.");
	expect("no-word", "Is it true? No. It is not.",
	       "Is it true? | No. | It is not.");
	expect("no-roman", "THE REPORT.  No. XIV.", "THE REPORT. | No. XIV.");
	expect("number-sign", "It sits at N°. 12 Main Street.",
	       "It sits at N°. 12 Main Street.");
	expect("roman-ordinary", "It ended with World War II. The peace "
				 "followed.",
	       "It ended with World War II. | The peace followed.");
	expect("double-dot", "He works for Acme Co.. Acme is large.",
	       "He works for Acme Co.. | Acme is large.");
}

static void test_initialisms(void)
{
	expect("us-mid-lower", "Korea and the U.S. agreed to expand drills.",
	       "Korea and the U.S. agreed to expand drills.");
	expect("us-mid-name", "U.S. Secretary of State Ann Park met the U.S. "
			      "Army chief.",
	       "U.S. Secretary of State Ann Park met the U.S. Army chief.");
	expect("us-end-starter", "She grew up in the U.K. Where did you grow "
				 "up?",
	       "She grew up in the U.K. | Where did you grow up?");
	expect("eu-end", "She works in the E.U. What about him?",
	       "She works in the E.U. | What about him?");
	expect("usa-mid", "They toured the U.S.A. last spring.",
	       "They toured the U.S.A. last spring.");
	expect("dc-comma", "The summit in Washington, D.C., with officials "
			   "from the U.S. Department of State ended.",
	       "The summit in Washington, D.C., with officials from the U.S. "
	       "Department of State ended.");
	expect("dc-end", "Talks were held in Washington, D.C. They ended "
			 "early.",
	       "Talks were held in Washington, D.C. | They ended early.");
	expect("dc-dateline", "WASHINGTON, D.C. – Rep. Jane Doe spoke today.",
	       "WASHINGTON, D.C. – Rep. Jane Doe spoke today.");
	expect("us-digit", "The U.S. 10-year yield rose.",
	       "The U.S. 10-year yield rose.");
	expect("us-rep", "It was sponsored by former U.S. Rep. Tom Hale.",
	       "It was sponsored by former U.S. Rep. Tom Hale.");
	expect("am-pm", "At 7 a.m. Mr. Park left home. He came back at 9 P.M. "
			"Mr. Park then slept.",
	       "At 7 a.m. Mr. Park left home. | He came back at 9 P.M. | "
	       "Mr. Park then slept.");
	expect("pm-mid", "The vote is at 3 p.m. on Tuesday.",
	       "The vote is at 3 p.m. on Tuesday.");
	expect("bill-number", "This year I backed H.R. 1726 and H.Res. 591 in "
			      "committee.",
	       "This year I backed H.R. 1726 and H.Res. 591 in committee.");
	expect("bill-spaced", "S.J. Res. 19 and H. Con. Res. 5 amend Pub. L. "
			      "No. 111-5, 123 Stat. 115.",
	       "S.J. Res. 19 and H. Con. Res. 5 amend Pub. L. No. 111-5, 123 "
	       "Stat. 115.");
	expect("phd", "She earned a Ph.D. in physics. Her M.D. came later.",
	       "She earned a Ph.D. in physics. | Her M.D. came later.");
	expect("ps", "“P.S. If you come, bring bread.”",
	       "“P.S. If you come, bring bread.”");
	expect("ussr-end", "He had no illusions about the U.S.S.R. We did "
			   "not either.",
	       "He had no illusions about the U.S.S.R. | We did not either.");
}

static void test_initials(void)
{
	expect("initial-name", "The report was written by Mary K. Jones.",
	       "The report was written by Mary K. Jones.");
	expect("initial-after-lower", "It was signed by J. Smith.",
	       "It was signed by J. Smith.");
	expect("pronoun-i", "It was just you and I. Did anyone notice?",
	       "It was just you and I. | Did anyone notice?");
	expect("regnal-i", "Did you see Albert I. Jones today?",
	       "Did you see Albert I. Jones today?");
	expect("initials-chain", "Voting were: Ann B. Cole, Chair; Ed F. Dunn;\n"
				 "and Li G. Hu.",
	       "Voting were: Ann B. Cole, Chair; Ed F. Dunn; and Li G. Hu.");
	expect("anno-domini", "In the month of July, A. D. 1861, they met.",
	       "In the month of July, A. D. 1861, they met.");
	expect("initial-then-starter", "Plan B. It worked.",
	       "Plan B. | It worked.");
}

static void test_numbers_and_addresses(void)
{
	expect("decimal-mid", "The fee is $25.50 per day.",
	       "The fee is $25.50 per day.");
	expect("decimal-end", "The fee is $25.50. It is due today.",
	       "The fee is $25.50. | It is due today.");
	expect("percent", "Growth was 2.5 percent. Prices rose 3.1 percent.",
	       "Growth was 2.5 percent. | Prices rose 3.1 percent.");
	expect("glued-number", "They sold 3,400.Then they stopped.",
	       "They sold 3,400. | Then they stopped.");
	expect("glued-words", "Hello there.Today is Monday.Mr. Lee is away.",
	       "Hello there. | Today is Monday. | Mr. Lee is away.");
	expect("glued-abbrev", "Ask Mr.Lee and the U.S.Navy first.",
	       "Ask Mr.Lee and the U.S.Navy first.");
	expect("email", "Write to Press.Office@example.org. We reply quickly.",
	       "Write to Press.Office@example.org. | We reply quickly.");
	expect("url", "Visit https://data.example.gov/Reports/Annual_2023.pdf. "
		      "It has the tables.",
	       "Visit https://data.example.gov/Reports/Annual_2023.pdf. | It has "
	       "the tables.");
	expect("domain", "Go to www.house.gov. Then click Contact.",
	       "Go to www.house.gov. | Then click Contact.");
	expect("domain-glued", "See Example.Com for more.",
	       "See Example.Com for more.");
}

static void test_quotes_and_brackets(void)
{
	expect("quote-lower", "\"We are ready.\" he said.",
	       "\"We are ready.\" he said.");
	expect("quote-upper", "\"We are ready.\" He left.",
	       "\"We are ready.\" | He left.");
	expect("curly-lower", "She said, “We are ready.” he recalled.",
	       "She said, “We are ready.” he recalled.");
	expect("curly-upper", "She said, “We are ready.” He left.",
	       "She said, “We are ready.” | He left.");
	expect("single-curly", "She said, ‘It is late.’ she sighed.",
	       "She said, ‘It is late.’ she sighed.");
	expect("question-quote", "“Why?” she asked. “Because.” He shrugged.",
	       "“Why?” she asked. | “Because.” | He shrugged.");
	expect("quote-opens-next", "It ended in 1990. “We won,” he said.",
	       "It ended in 1990. | “We won,” he said.");
	expect("quoted-sentences", "“We act now. Delay costs lives,” Lee said.",
	       "“We act now. | Delay costs lives,” Lee said.");
	expect("unbalanced-quote", "“It starts here. It goes on. It ends.",
	       "“It starts here. | It goes on. | It ends.");
	expect("parenthetical", "She studied law (She later called it a "
				"mistake.) at a small college.",
	       "She studied law (She later called it a mistake.) at a small "
	       "college.");
	expect("parenthesis-end", "(Applause.) Thank you all.",
	       "(Applause.) | Thank you all.");
	expect("brand-bang", "He works at Yahoo! on weekends.",
	       "He works at Yahoo! on weekends.");
}

static void test_ellipses(void)
{
	expect("ellipsis-lower", "I wonder... maybe not.",
	       "I wonder... maybe not.");
	expect("ellipsis-glued-word", "I mean...see what I mean.",
	       "I mean...see what I mean.");
	expect("ellipsis-upper", "He stopped... Then he left.",
	       "He stopped... | Then he left.");
	expect("ellipsis-char", "He stopped… Then he left. She paused … and "
				"went on.",
	       "He stopped… | Then he left. | She paused … and went on.");
	expect("four-dots", "I never said that.... She left.",
	       "I never said that.... | She left.");
	expect("spaced-three", "He paused . . . I waited . . . and went on.",
	       "He paused . . . I waited . . . and went on.");
	expect("spaced-four", "It ended at last . . . . Then came spring.",
	       "It ended at last . . . . | Then came spring.");
	expect("period-then-ellipsis", "One era ended. . . . The next began. "
				       ". . .",
	       "One era ended. | . . . The next began. . . .");
	expect("bracket-ellipsis", "\"The plan [...] will work [...]\" (Lee "
				   "12).",
	       "\"The plan [...] will work [...]\" (Lee 12).");
	expect("quote-ellipsis", "She wrote that “the end was near. . . .”",
	       "She wrote that “the end was near. . . .”");
	expect("closing-quote-ellipsis", "He called it \"the best\"... \"In "
					 "short, great.\"",
	       "He called it \"the best\"... | \"In short, great.\"");
}

static void test_lists(void)
{
	expect("list-dot-paren", "1.) Gather data 2.) Clean it",
	       "1.) Gather data | 2.) Clean it");
	expect("list-dot-paren-stops", "1.) Gather data. 2.) Clean it.",
	       "1.) Gather data. | 2.) Clean it.");
	expect("list-paren", "1) Gather data 2) Clean it 3) Report",
	       "1) Gather data | 2) Clean it | 3) Report");
	expect("list-dot", "1. Gather data 2. Clean it",
	       "1. Gather data | 2. Clean it");
	expect("list-dot-stops", "1. Gather data. 2. Clean it.",
	       "1. Gather data. | 2. Clean it.");
	expect("list-bullet", "• 9. Gather data • 10. Clean it",
	       "• 9. Gather data | • 10. Clean it");
	expect("list-hyphen-bullet", "⁃9. Gather data ⁃10. Clean it",
	       "⁃9. Gather data | ⁃10. Clean it");
	expect("list-letters", "a. Gather data b. Clean it c. Report it",
	       "a. Gather data | b. Clean it | c. Report it");
	expect("list-wrong-number", "1) Gather 3 sets 5) of data",
	       "1) Gather 3 sets 5) of data");
	expect("no-list-mid", "The exception in 2) applies here.",
	       "The exception in 2) applies here.");
	expect("list-roman", "XII. The navy must be kept. XIII. The army too.",
	       "XII. The navy must be kept. | XIII. The army too.");
	expect("list-ordinal", "1st. The mode of choice. 2d. The term.",
	       "1st. The mode of choice. | 2d. The term.");
	expect("list-quoted", "\"7. To pay all debts.\"",
	       "\"7. To pay all debts.\"");
	expect("list-escaped", "1\\. We agree. 2\\. We act.",
	       "1\\. We agree. | 2\\. We act.");
	expect("inline-roman", "The objects are: I. The army; II. The navy; "
			       "III. The treasury.",
	       "The objects are: I. The army; II. The navy; III. The "
	       "treasury.");
	expect("inline-numbers", "Two questions arise: 1. Whether it is "
				 "needed; 2. How to pay.",
	       "Two questions arise: 1. Whether it is needed; 2. How to pay.");
}

/* Our own sentences in the manner of the corpus sources. */
static void test_prose(void)
{
	expect("fomc-wrap",
	       "The Committee decided today to keep the target range for the\n"
	       "federal funds rate at 1 to 1-1/4 percent. Labor market\n"
	       "conditions have improved\nfurther. Inflation remains low.\n",
	       "The Committee decided today to keep the target range for the "
	       "federal funds rate at 1 to 1-1/4 percent. | Labor market "
	       "conditions have improved further. | Inflation remains low.");
	expect("federalist",
	       "It has been frequently remarked, that Mr. Jay's arguments\n"
	       "are sound. But the objection is urged, with\n"
	       "much warmth, by men of &c. whom we respect.",
	       "It has been frequently remarked, that Mr. Jay's arguments are "
	       "sound. | But the objection is urged, with much warmth, by men "
	       "of &c. whom we respect.");
	expect("press-release",
	       "WASHINGTON, D.C. – Rep. Jane Doe (D-CA) and Sen. John Roe "
	       "(R-Texas) today introduced H.R. 1234, the Clean Water Act. "
	       "“This bill protects families,” said Rep. Doe. The bill has 12 "
	       "cosponsors. For more, visit doe.house.gov.",
	       "WASHINGTON, D.C. – Rep. Jane Doe (D-CA) and Sen. John Roe "
	       "(R-Texas) today introduced H.R. 1234, the Clean Water Act. | "
	       "“This bill protects families,” said Rep. Doe. | The bill has "
	       "12 cosponsors. | For more, visit doe.house.gov.");
	expect("op-ed",
	       "Last month, the ministers met in Washington, D.C., with the "
	       "talks in their 40th year. South Korea and the U.S. shared a "
	       "view on deterrence, and U.S. Secretary of Defense Ann Park "
	       "agreed. It was, she said, “a new start.”",
	       "Last month, the ministers met in Washington, D.C., with the "
	       "talks in their 40th year. | South Korea and the U.S. shared a "
	       "view on deterrence, and U.S. Secretary of Defense Ann Park "
	       "agreed. | It was, she said, “a new start.”");
	expect("speech", "Thank you. (Applause.) God bless America.",
	       "Thank you. | (Applause.) | God bless America.");
	expect("wire", "Shares of Acme Corp. fell 3.2% on Monday. The company, "
		       "based in Austin, Texas, said sales rose.",
	       "Shares of Acme Corp. fell 3.2% on Monday. | The company, "
	       "based in Austin, Texas, said sales rose.");
}

/* ---- offsets ------------------------------------------------------------ */

static void test_offsets(void)
{
	const char *t = "  One.  Two.\n\nThree  ";
	size_t len = strlen(t), pos = 0, a = 99, b = 99;
	int ok = q_sentence_next(t, len, &pos, &a, &b);
	CHECK("offsets-first", ok && a == 2 && b == 6 && pos >= 6);
	ok = q_sentence_next(t, len, &pos, &a, &b);
	CHECK("offsets-second", ok && a == 8 && b == 12);
	ok = q_sentence_next(t, len, &pos, &a, &b);
	CHECK("offsets-third", ok && a == 14 && b == 19);
	ok = q_sentence_next(t, len, &pos, &a, &b);
	CHECK("offsets-done", !ok && pos == len);

	t = "It was a cold\nnight. Then";
	len = strlen(t);
	pos = 0;
	ok = q_sentence_next(t, len, &pos, &a, &b);
	CHECK("offsets-hard-wrap", ok && a == 0 && b == 20);
	ok = q_sentence_next(t, len, &pos, &a, &b);
	CHECK("offsets-hard-wrap-next", ok && a == 21 && b == len);

	/* "Hello world.Today": the cut falls right after the period. */
	t = "Hello world.Today is Monday.";
	len = strlen(t);
	pos = 0;
	ok = q_sentence_next(t, len, &pos, &a, &b);
	CHECK("offsets-glued", ok && a == 0 && b == 12 && pos == 12);
	ok = q_sentence_next(t, len, &pos, &a, &b);
	CHECK("offsets-glued-next", ok && a == 12 && b == len);

	/* Unicode spaces around sentences stay outside the spans. */
	t = "\xc2\xa0One.\xc2\xa0\xe2\x80\x8bTwo.\xe3\x80\x80";
	len = strlen(t);
	pos = 0;
	ok = q_sentence_next(t, len, &pos, &a, &b);
	CHECK("offsets-unicode-space", ok && a == 2 && b == 6);
	ok = q_sentence_next(t, len, &pos, &a, &b);
	CHECK("offsets-unicode-space-next", ok && a == 11 && b == 15);
	ok = q_sentence_next(t, len, &pos, &a, &b);
	CHECK("offsets-unicode-space-done", !ok && pos == len);

	pos = 0;
	CHECK("empty", !q_sentence_next("", 0, &pos, &a, &b) && pos == 0);
	pos = 0;
	CHECK("blank", !q_sentence_next(" \n\t ", 4, &pos, &a, &b) && pos == 4);
	/* Not NUL-terminated: only len bytes are read. */
	char buf[4] = {'H', 'i', '.', '.'};
	pos = 0;
	ok = q_sentence_next(buf, 3, &pos, &a, &b);
	CHECK("length-bound", ok && a == 0 && b == 3 && pos == 3);
}

/* ---- invariants on random text ------------------------------------------ */

/* Pieces that exercise every rule, glued at random. */
static const char *const pieces[] = {
	".", "!", "?", " ", "  ", "\n", "\t", "...", ". . .", "…", "\"", "'",
	"“", "”", "‘", "’", "(", ")", "[", "]", "•", "⁃", "1.", "2.", "1)",
	"2)", "a.", "b.", "IV.", "V.", "U.S.", "D.C.", "Mr.", "No.", "p.",
	"Inc.", "Jan.", "The", "It", "x", "word", "I", "A", "5", "1,000", ":",
	";", ",", "—", "–", "-", "@", "/", "e.g.", "\xc2\xa0", "\xe2\x80\x8b",
	"\xc2\xb0", "É", "é", "\\.", "1st.", "Co..",
};

static unsigned long rng_state = 12345;

static unsigned long rng(void)
{
	rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
	return rng_state >> 33;
}

static int ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* Checks one paragraph; returns a reason or NULL. */
static const char *check_spans(const char *t, size_t len)
{
	size_t pos = 0, a, b, prev_end = 0, calls = 0;
	while (q_sentence_next(t, len, &pos, &a, &b)) {
		if (++calls > len + 1)
			return "no progress";
		if (!(prev_end <= a && a < b && b <= pos && pos <= len))
			return "spans out of order";
		if (ascii_space(t[a]) || ascii_space(t[b - 1]))
			return "span not trimmed";
		for (size_t i = prev_end; i < a; i++)
			if (!ascii_space(t[i]) && (unsigned char)t[i] < 0x80)
				return "text left between sentences";
		prev_end = b;
	}
	for (size_t i = prev_end; i < len; i++)
		if (!ascii_space(t[i]) && (unsigned char)t[i] < 0x80)
			return "text left after the last sentence";
	return pos == len ? NULL : "pos not at the end";
}

static void test_random(void)
{
	char buf[512];
	const char *why = NULL;
	int round;
	for (round = 0; round < 20000 && !why; round++) {
		size_t len = 0, k = 1 + rng() % 40;
		for (size_t j = 0; j < k; j++) {
			const char *p =
				pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
			size_t n = strlen(p);
			if (len + n >= sizeof(buf))
				break;
			memcpy(buf + len, p, n);
			len += n;
		}
		/* An exact-size copy, so that sanitizers see any over-read. */
		char *t = malloc(len ? len : 1);
		if (!t)
			break;
		memcpy(t, buf, len);
		why = check_spans(t, len);
		free(t);
	}
	if (why)
		printf("FAIL random-invariants: round %d: %s\n", round, why);
	else
		printf("PASS random-invariants\n");
	check_failures += why != NULL;
}

/* ---- linear time -------------------------------------------------------- */

/* Fills BIG bytes with unit repeated; segments; checks count and time. */
static void timed(const char *name, const char *unit, size_t want_min,
		  size_t want_max)
{
	size_t n = strlen(unit), len = BIG - BIG % n, pos = 0, a, b, count = 0;
	char *t = malloc(len);
	char label[128];
	if (!t) {
		SKIP(name, "out of memory");
		return;
	}
	for (size_t i = 0; i < len; i += n)
		memcpy(t + i, unit, n);
	clock_t c0 = clock();
	while (q_sentence_next(t, len, &pos, &a, &b))
		count++;
	double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
	snprintf(label, sizeof(label), "linear-%s (%.3f s, %zu sentences)",
		 name, secs, count);
	CHECK(label, secs < TIME_LIMIT && count >= want_min && count <= want_max);
	free(t);
}

static void test_linear(void)
{
	size_t many = BIG / 32;
	timed("no-stops", "words without any stop ", 1, 1);
	timed("letter-dots", "a. ", 1, 1);
	timed("dots", "....", 1, 1);
	timed("spaced-dots", ". ", 1, 1);
	timed("initialisms", "U.S. ", 1, 1);
	timed("initials", "A. ", many, BIG);
	timed("glued", "Ab.Cd", 1, 1);
	timed("glued-words", "Hello world.Today ", many / 4, BIG);
	timed("opening-quotes", "\"", 1, 1);
	timed("closers", ".)", 1, 1);
	timed("bullets", "• ", many, BIG);
	timed("list-markers", "1) ", 1, 1);
	timed("sentences", "It ended. ", many, BIG);
	timed("ellipses", "that… ", 1, 1);
	timed("spaces", " \n", 0, 0);
}

int main(void)
{
	test_basic();
	test_abbreviations();
	test_initialisms();
	test_initials();
	test_numbers_and_addresses();
	test_quotes_and_brackets();
	test_ellipses();
	test_lists();
	test_prose();
	test_offsets();
	test_random();
	test_linear();
	return CHECK_DONE();
}

/*
 * regex.c — ECMA-262 regular expressions (unicode mode) on PCRE2.
 *
 * PCRE2 without PCRE2_UCP already gives \d, \w and \b their ASCII
 * meaning.  What differs is rewritten before compiling: \s covers Unicode
 * spaces, "." stops at every line terminator, \v \0 \cX \uXXXX \u{…} are
 * spelled as \x{…}, long property names are shortened, and the escapes
 * and group syntax that ECMA-262 lacks are refused rather than given
 * PCRE2's meaning.
 */
#include "validate/private.h"

#include <string.h>

/* ECMA-262 WhiteSpace and LineTerminator beyond ASCII. */
#define ECMA_SPACES "\\s\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}" \
		    "\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}"
#define ECMA_DOT "[^\\n\\r\\x{2028}\\x{2029}]"

#define RE_OPTIONS (PCRE2_UTF | PCRE2_DOLLAR_ENDONLY |                      \
		    PCRE2_ALLOW_EMPTY_CLASS | PCRE2_MATCH_UNSET_BACKREF |      \
		    PCRE2_NEVER_BACKSLASH_C)

struct xlate {
	const char *s;
	size_t len;
	size_t i;
	struct q_buf out;
	char *msg;
	size_t msg_size;
};

static const char *const gc_names[][2] = {
	{"Letter", "L"}, {"Cased_Letter", "L&"}, {"LC", "L&"},
	{"Uppercase_Letter", "Lu"}, {"Lowercase_Letter", "Ll"},
	{"Titlecase_Letter", "Lt"}, {"Modifier_Letter", "Lm"},
	{"Other_Letter", "Lo"}, {"Mark", "M"}, {"Combining_Mark", "M"},
	{"Nonspacing_Mark", "Mn"}, {"Spacing_Mark", "Mc"},
	{"Enclosing_Mark", "Me"}, {"Number", "N"}, {"Decimal_Number", "Nd"},
	{"digit", "Nd"}, {"Letter_Number", "Nl"}, {"Other_Number", "No"},
	{"Punctuation", "P"}, {"punct", "P"},
	{"Connector_Punctuation", "Pc"}, {"Dash_Punctuation", "Pd"},
	{"Open_Punctuation", "Ps"}, {"Close_Punctuation", "Pe"},
	{"Initial_Punctuation", "Pi"}, {"Final_Punctuation", "Pf"},
	{"Other_Punctuation", "Po"}, {"Symbol", "S"}, {"Math_Symbol", "Sm"},
	{"Currency_Symbol", "Sc"}, {"Modifier_Symbol", "Sk"},
	{"Other_Symbol", "So"}, {"Separator", "Z"},
	{"Space_Separator", "Zs"}, {"Line_Separator", "Zl"},
	{"Paragraph_Separator", "Zp"}, {"Other", "C"}, {"Control", "Cc"},
	{"cntrl", "Cc"}, {"Format", "Cf"}, {"Surrogate", "Cs"},
	{"Private_Use", "Co"}, {"Unassigned", "Cn"},
};

static int fail(struct xlate *x, const char *what)
{
	snprintf(x->msg, x->msg_size, "%s at offset %zu", what, x->i);
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads n hex digits at s[*i]; -1 when they are not there. */
static long hex_fixed(struct xlate *x, size_t at, int n)
{
	long v = 0;
	if (at + (size_t)n > x->len)
		return -1;
	for (int k = 0; k < n; k++) {
		int h = hexval(x->s[at + k]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* \uXXXX (with a surrogate pair as one) or \u{…}; x->i is at the 'u'. */
static int escape_u(struct xlate *x)
{
	long cp;
	size_t at = x->i + 1;
	if (at < x->len && x->s[at] == '{') {
		size_t j = at + 1;
		cp = 0;
		while (j < x->len && hexval(x->s[j]) >= 0 && cp <= 0x10FFFF)
			cp = cp * 16 + hexval(x->s[j++]);
		if (j == at + 1 || j >= x->len || x->s[j] != '}' ||
		    cp > 0x10FFFF)
			return fail(x, "bad \\u{…} escape");
		x->i = j + 1;
	} else {
		cp = hex_fixed(x, at, 4);
		if (cp < 0)
			return fail(x, "bad \\u escape");
		x->i = at + 4;
		if (cp >= 0xD800 && cp <= 0xDBFF && x->i + 1 < x->len &&
		    x->s[x->i] == '\\' && x->s[x->i + 1] == 'u') {
			long lo = hex_fixed(x, x->i + 2, 4);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) +
				     (lo - 0xDC00);
				x->i += 6;
			}
		}
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return fail(x, "lone surrogate");
	return q_buf_printf(&x->out, "\\x{%lx}", cp) ? -1 : 0;
}

/* \p{…} and \P{…}; x->i is at the 'p'. */
static int escape_p(struct xlate *x)
{
	char kind = x->s[x->i];
	size_t at = x->i + 1;
	if (at >= x->len || x->s[at] != '{')
		return fail(x, "bad property escape");
	const char *name = x->s + at + 1;
	const char *end = memchr(name, '}', x->len - at - 1);
	if (!end || end == name)
		return fail(x, "bad property escape");
	size_t n = (size_t)(end - name);
	const char *eq = memchr(name, '=', n);
	if (eq) {
		/* General_Category=X, Script=X: PCRE2 takes X alone. */
		n -= (size_t)(eq + 1 - name);
		name = eq + 1;
	}
	for (size_t k = 0; k < sizeof(gc_names) / sizeof(gc_names[0]); k++) {
		if (strlen(gc_names[k][0]) == n &&
		    memcmp(gc_names[k][0], name, n) == 0) {
			name = gc_names[k][1];
			n = strlen(name);
			break;
		}
	}
	x->i = (size_t)(end - x->s) + 1;
	return q_buf_printf(&x->out, "\\%c{%.*s}", kind, (int)n, name) ? -1
									 : 0;
}

static int escape_c(struct xlate *x)
{
	size_t at = x->i + 1;
	char c = at < x->len ? x->s[at] : 0;
	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
		return fail(x, "bad \\c escape");
	x->i = at + 1;
	return q_buf_printf(&x->out, "\\x{%x}", c & 0x1f) ? -1 : 0;
}

static int escape_digit(struct xlate *x)
{
	size_t j = x->i;
	if (x->s[j] == '0') {
		if (j + 1 < x->len && x->s[j + 1] >= '0' && x->s[j + 1] <= '9')
			return fail(x, "octal escape");
		x->i = j + 1;
		return q_buf_puts(&x->out, "\\x{0}") ? -1 : 0;
	}
	while (j < x->len && x->s[j] >= '0' && x->s[j] <= '9')
		j++;
	int rc = q_buf_printf(&x->out, "\\g{%.*s}", (int)(j - x->i),
			      x->s + x->i);
	x->i = j;
	return rc ? -1 : 0;
}

/* One escape; x->i is past the backslash. */
static int escape(struct xlate *x, int in_class)
{
	if (x->i >= x->len)
		return fail(x, "trailing backslash");
	char e = x->s[x->i];
	switch (e) {
	case 'd': case 'D': case 'w': case 'W': case 'b': case 'B':
	case 'f': case 'n': case 'r': case 't':
		x->i++;
		return q_buf_printf(&x->out, "\\%c", e) ? -1 : 0;
	case 's':
		x->i++;
		return q_buf_puts(&x->out, in_class ? ECMA_SPACES
					    : "[" ECMA_SPACES "]") ? -1 : 0;
	case 'S':
		x->i++;
		/* Inside a class only the ASCII complement can be said. */
		return q_buf_puts(&x->out, in_class ? "\\S"
					    : "[^" ECMA_SPACES "]") ? -1 : 0;
	case 'v':
		x->i++;
		return q_buf_puts(&x->out, "\\x{b}") ? -1 : 0;
	case 'c':
		return escape_c(x);
	case 'x': {
		long v = hex_fixed(x, x->i + 1, 2);
		if (v < 0)
			return fail(x, "bad \\x escape");
		x->i += 3;
		return q_buf_printf(&x->out, "\\x{%lx}", v) ? -1 : 0;
	}
	case 'u':
		return escape_u(x);
	case 'p': case 'P':
		return escape_p(x);
	case 'k':
		x->i++;
		return q_buf_puts(&x->out, "\\k") ? -1 : 0;
	default:
		break;
	}
	if (e >= '0' && e <= '9') {
		if (in_class && e != '0')
			return fail(x, "backreference in a class");
		return escape_digit(x);
	}
	if (strchr("^$\\.*+?()[]{}|/", e) || (in_class && e == '-')) {
		x->i++;
		return q_buf_printf(&x->out, "\\%c", e) ? -1 : 0;
	}
	return fail(x, "invalid escape");
}

/* "(?" must open one of ECMA-262's groups; x->i is at the '('. */
static int group(struct xlate *x)
{
	const char *p = x->s + x->i + 1;
	size_t left = x->len - x->i - 1;
	if (left >= 1 && p[0] == '*')
		return fail(x, "nothing to repeat");
	if (left < 1 || p[0] != '?')
		return 0;
	if (left >= 2 && (p[1] == ':' || p[1] == '=' || p[1] == '!'))
		return 0;
	if (left >= 3 && p[1] == '<' && (p[2] == '=' || p[2] == '!'))
		return 0;
	if (left >= 3 && p[1] == '<') {
		const char *end = memchr(p + 2, '>', left - 2);
		if (end && end > p + 2)
			return 0;
	}
	return fail(x, "invalid group");
}

static int translate(struct xlate *x)
{
	int in_class = 0;
	while (x->i < x->len) {
		char c = x->s[x->i];
		int rc = 0;
		if (c == '\\') {
			x->i++;
			rc = escape(x, in_class);
		} else if (in_class) {
			if (c == ']')
				in_class = 0;
			rc = c == '[' ? q_buf_puts(&x->out, "\\[")
				      : q_buf_putc(&x->out, c);
			x->i++;
		} else {
			if (c == '[') {
				in_class = 1;
				rc = q_buf_putc(&x->out, '[');
				x->i++;
				if (x->i < x->len && x->s[x->i] == '^') {
					rc |= q_buf_putc(&x->out, '^');
					x->i++;
				}
				continue;
			}
			if (c == '(' && group(x))
				return -1;
			rc = c == '.' ? q_buf_puts(&x->out, ECMA_DOT)
				      : q_buf_putc(&x->out, c);
			x->i++;
		}
		if (rc)
			return -1;
	}
	if (in_class)
		return fail(x, "missing terminating ] for character class");
	return 0;
}

pcre2_code *q_regex_compile(const char *src, size_t len, char *msg,
			    size_t msg_size)
{
	struct xlate x = {.s = src, .len = len, .msg = msg,
			  .msg_size = msg_size};
	q_buf_init(&x.out, 0);
	if (translate(&x)) {
		if (x.out.failed)
			snprintf(msg, msg_size, "out of memory");
		q_buf_release(&x.out);
		return NULL;
	}
	int code;
	PCRE2_SIZE off;
	const char *text = x.out.data ? x.out.data : "";
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)text, x.out.len,
				       RE_OPTIONS, &code, &off, NULL);
	q_buf_release(&x.out);
	if (!re) {
		PCRE2_UCHAR why[256];
		pcre2_get_error_message(code, why, sizeof(why));
		snprintf(msg, msg_size, "%s", (char *)why);
		return NULL;
	}
	/* JIT is only a speed-up: a failure leaves the interpreter. */
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

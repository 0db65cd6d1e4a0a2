/*
 * format.c — the "format" values that quarry can assert.
 *
 * Each checker takes the raw UTF-8 text and its length (strings may hold
 * NUL) and follows the grammar the spec points to: RFC 3339 for dates,
 * times and durations, RFC 5321 for email, RFC 1123 for hostnames,
 * RFC 2673/4291 for IP addresses, RFC 3986 for URIs and RFC 3987 for
 * IRIs (URIs that may hold any non-ASCII text), RFC 4122 for UUIDs,
 * RFC 6901 and its relative form for JSON Pointers.
 */
#include "validate/private.h"

#include <pthread.h>
#include <string.h>

static const char *const format_names[] = {
	[VF_DATE] = "date",
	[VF_DATE_TIME] = "date-time",
	[VF_TIME] = "time",
	[VF_DURATION] = "duration",
	[VF_EMAIL] = "email",
	[VF_HOSTNAME] = "hostname",
	[VF_IPV4] = "ipv4",
	[VF_IPV6] = "ipv6",
	[VF_URI] = "uri",
	[VF_URI_REFERENCE] = "uri-reference",
	[VF_UUID] = "uuid",
	[VF_REGEX] = "regex",
	[VF_JSON_POINTER] = "json-pointer",
	[VF_RELATIVE_JSON_POINTER] = "relative-json-pointer",
	[VF_IRI] = "iri",
	[VF_IRI_REFERENCE] = "iri-reference",
};

#define N_FORMATS (sizeof(format_names) / sizeof(format_names[0]))

int q_format_lookup(const char *name)
{
	for (size_t i = 1; i < N_FORMATS; i++)
		if (!strcmp(name, format_names[i]))
			return (int)i;
	return VF_UNKNOWN;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_hex(char c)
{
	return is_digit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f');
}

/* n digits at s as a number, or -1. */
static int digits(const char *s, size_t len, size_t at, int n)
{
	int v = 0;
	if (at + (size_t)n > len)
		return -1;
	for (int i = 0; i < n; i++) {
		if (!is_digit(s[at + i]))
			return -1;
		v = v * 10 + (s[at + i] - '0');
	}
	return v;
}

/* ---- dates and times (RFC 3339) -------------------------------------- */

static int leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int check_date(const char *s, size_t len)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				   30, 31};
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	int y = digits(s, len, 0, 4), m = digits(s, len, 5, 2),
	    d = digits(s, len, 8, 2);
	if (y < 0 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days[m - 1] + (m == 2 && leap_year(y));
}

static int check_time(const char *s, size_t len)
{
	if (len < 9 || s[2] != ':' || s[5] != ':')
		return 0;
	int h = digits(s, len, 0, 2), m = digits(s, len, 3, 2),
	    sec = digits(s, len, 6, 2);
	if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60)
		return 0;
	size_t i = 8;
	if (s[i] == '.') {
		size_t start = ++i;
		while (i < len && is_digit(s[i]))
			i++;
		if (i == start)
			return 0;
	}
	if (i >= len)
		return 0;
	int off = 0; /* minutes east of UTC */
	if ((s[i] | 32) == 'z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		int oh = digits(s, len, i + 1, 2);
		int om = digits(s, len, i + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59 || s[i + 3] != ':')
			return 0;
		off = (oh * 60 + om) * (s[i] == '+' ? 1 : -1);
		i += 6;
	} else {
		return 0;
	}
	if (i != len)
		return 0;
	if (sec == 60) {
		/* A leap second is the last second of a UTC day. */
		int utc = ((h * 60 + m - off) % 1440 + 1440) % 1440;
		return utc == 23 * 60 + 59;
	}
	return 1;
}

static int check_date_time(const char *s, size_t len)
{
	return len > 11 && (s[10] | 32) == 't' && check_date(s, 10) &&
	       check_time(s + 11, len - 11);
}

/* One "1*DIGIT unit" of a duration; units run in order from *unit. */
static int duration_part(const char *s, size_t len, size_t *i,
			 const char *units, size_t *unit)
{
	size_t start = *i;
	while (*i < len && is_digit(s[*i]))
		(*i)++;
	if (*i == start || *i >= len)
		return 0;
	const char *u = strchr(units + *unit, s[*i]);
	if (!u || !s[*i])
		return 0;
	/* Each part must follow the previous one's unit directly. */
	if (*unit && u != units + *unit)
		return 0;
	*unit = (size_t)(u - units) + 1;
	(*i)++;
	return 1;
}

static int check_duration(const char *s, size_t len)
{
	size_t i = 1, unit = 0;
	if (len < 3 || s[0] != 'P')
		return 0;
	if (s[len - 1] == 'W') {
		return digits(s, len, 1, 1) >= 0 &&
		       strspn(s + 1, "0123456789") == len - 2;
	}
	while (i < len && s[i] != 'T')
		if (!duration_part(s, len, &i, "YMD", &unit))
			return 0;
	if (i == len)
		return 1;
	if (++i == len)
		return 0; /* "T" needs a part after it */
	unit = 0;
	while (i < len)
		if (!duration_part(s, len, &i, "HMS", &unit))
			return 0;
	return 1;
}

/* ---- IP addresses and host names ------------------------------------- */

static int check_ipv4(const char *s, size_t len)
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part && (i >= len || s[i++] != '.'))
			return 0;
		size_t start = i;
		int v = 0;
		while (i < len && is_digit(s[i]) && i - start < 3)
			v = v * 10 + (s[i++] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return 0;
	}
	return i == len;
}

static int check_ipv6(const char *s, size_t len)
{
	int groups = 0, gap = -1;
	size_t i = 0;
	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (len && s[0] == ':') {
		return 0;
	}
	while (i < len) {
		size_t start = i;
		while (i < len && is_hex(s[i]) && i - start < 5)
			i++;
		if (i < len && s[i] == '.') {
			/* A dotted quad ends the address: two groups. */
			if (!check_ipv4(s + start, len - start))
				return 0;
			groups += 2;
			i = len;
			break;
		}
		if (i == start || i - start > 4)
			return 0;
		groups++;
		if (i == len)
			break;
		if (s[i] != ':')
			return 0;
		i++;
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return 0;
			gap = groups;
			i++;
		} else if (i == len) {
			return 0;
		}
	}
	return gap >= 0 ? groups <= 7 : groups == 8;
}

/* RFC 3492: the code points of an A-label's payload; 0 when malformed. */
static size_t punycode_decode(const char *in, size_t len, uint32_t *out,
			      size_t max)
{
	enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700 };
	size_t n_out = 0, pos = 0, dash = len;
	uint32_t n = 128, i = 0, bias = 72;
	for (size_t k = 0; k < len; k++)
		if (in[k] == '-')
			dash = k;
	if (dash < len) {
		if (dash > max)
			return 0;
		for (; n_out < dash; n_out++)
			out[n_out] = (unsigned char)in[n_out];
		pos = dash + 1;
	}
	while (pos < len) {
		uint32_t old = i, w = 1;
		for (uint32_t k = BASE;; k += BASE) {
			char c = pos < len ? in[pos++] : 0;
			uint32_t d = is_digit(c) ? (uint32_t)(c - '0' + 26)
				     : is_alpha(c) ? (uint32_t)((c | 32) - 'a')
						   : BASE;
			if (d >= BASE || d > (UINT32_MAX - i) / w)
				return 0;
			i += d * w;
			uint32_t t = k <= bias ? TMIN
				     : k >= bias + TMAX ? TMAX : k - bias;
			if (d < t)
				break;
			if (w > UINT32_MAX / (BASE - t))
				return 0;
			w *= BASE - t;
		}
		/* Bias adaptation, RFC 3492 6.1. */
		uint32_t delta = old ? (i - old) / 2 : (i - old) / DAMP, k = 0;
		delta += delta / (uint32_t)(n_out + 1);
		while (delta > ((BASE - TMIN) * TMAX) / 2) {
			delta /= BASE - TMIN;
			k += BASE;
		}
		bias = k + (BASE - TMIN + 1) * delta / (delta + SKEW);
		n += i / (uint32_t)(n_out + 1);
		i %= (uint32_t)(n_out + 1);
		if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF) ||
		    n_out == max)
			return 0;
		memmove(out + i + 1, out + i, (n_out - i) * sizeof(*out));
		out[i++] = n;
		n_out++;
	}
	return n_out;
}

/*
 * IDNA2008 (RFC 5891, 5892) on a U-label in UTF-8, as far as PCRE2's
 * Unicode properties reach: letters, digits and marks are allowed, the
 * listed exceptions are not, and the contextual rules of RFC 5892
 * appendix A apply.
 */
#define VIRAMA "\\x{94d}\\x{9cd}\\x{a4d}\\x{acd}\\x{b4d}\\x{bcd}\\x{c4d}"  \
	"\\x{ccd}\\x{d3b}\\x{d3c}\\x{d4d}\\x{dca}\\x{e3a}\\x{eba}\\x{f84}" \
	"\\x{1039}\\x{103a}\\x{1714}\\x{1734}\\x{17d2}\\x{1a60}\\x{1b44}"  \
	"\\x{1baa}\\x{1bab}\\x{1bf2}\\x{1bf3}\\x{2d7f}\\x{a806}\\x{a8c4}"  \
	"\\x{a953}\\x{a9c0}\\x{aaf6}\\x{abed}\\x{10a3f}\\x{11046}"         \
	"\\x{1107f}\\x{110b9}\\x{11133}\\x{11134}\\x{111c0}\\x{11235}"     \
	"\\x{112ea}\\x{1134d}\\x{11442}\\x{114c2}\\x{115bf}\\x{1163f}"     \
	"\\x{116b6}\\x{1172b}\\x{11839}\\x{119e0}\\x{11a34}\\x{11a47}"     \
	"\\x{11a99}\\x{11c3f}\\x{11d44}\\x{11d45}\\x{11d97}"

static const char *const idna_rules[] = {
	/* 0: what a label may hold */
	"^(?:[a-z0-9\\-\\x{df}\\x{3c2}\\x{6fd}\\x{6fe}\\x{f0b}\\x{3007}"
	"\\x{b7}\\x{375}\\x{5f3}\\x{5f4}\\x{30fb}\\x{200c}\\x{200d}]|"
	"(?![\\x{640}\\x{7fa}\\x{302e}\\x{302f}\\x{3031}-\\x{3035}"
	"\\x{303b}])[\\p{Ll}\\p{Lo}\\p{Lm}\\p{Nd}\\p{Mn}\\p{Mc}])+$",
	/* 1..: what it may not */
	"^\\p{M}",
	"(?<!l)\\x{b7}|\\x{b7}(?!l)",
	"\\x{375}(?!\\p{Greek})",
	"(?<!\\p{Hebrew})[\\x{5f3}\\x{5f4}]",
	"[\\x{660}-\\x{669}].*[\\x{6f0}-\\x{6f9}]|"
	"[\\x{6f0}-\\x{6f9}].*[\\x{660}-\\x{669}]",
	"(?<![" VIRAMA "])\\x{200d}",
	"(?<![" VIRAMA "])(?<!\\p{L})\\x{200c}|"
	"(?<![" VIRAMA "])\\x{200c}(?!\\p{Mn}*\\p{L})",
	"^(?=.*\\x{30fb})(?!.*(?!\\x{30fb})[\\p{Hiragana}\\p{Katakana}"
	"\\p{Han}])",
};

#define N_IDNA (sizeof(idna_rules) / sizeof(idna_rules[0]))

static pcre2_code *idna_code[N_IDNA];
static pthread_once_t idna_once = PTHREAD_ONCE_INIT;

static void idna_compile(void)
{
	int code;
	PCRE2_SIZE off;
	for (size_t i = 0; i < N_IDNA; i++)
		idna_code[i] = pcre2_compile((PCRE2_SPTR)idna_rules[i],
					     PCRE2_ZERO_TERMINATED, PCRE2_UTF,
					     &code, &off, NULL);
}

static int idna_match(size_t rule, const char *s, size_t len)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int rc = md && idna_code[rule]
		 ? pcre2_match(idna_code[rule], (PCRE2_SPTR)s, len, 0, 0, md,
			       NULL)
		 : -1;
	pcre2_match_data_free(md);
	return rc >= 0;
}

static int check_u_label(const uint32_t *cp, size_t n)
{
	char text[64 * 4];
	size_t len = 0;
	if (n >= 4 && cp[2] == '-' && cp[3] == '-')
		return 0;
	if (!n || cp[0] == '-' || cp[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		len += q_utf8_encode(cp[i], text + len);
	pthread_once(&idna_once, idna_compile);
	if (!idna_match(0, text, len))
		return 0;
	for (size_t i = 1; i < N_IDNA; i++)
		if (idna_match(i, text, len))
			return 0;
	return 1;
}

/* An LDH label; "xn--" labels must decode to a valid U-label. */
static int check_label(const char *s, size_t n)
{
	uint32_t cp[64];
	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '-')
			return 0;
	if (n < 4 || s[2] != '-' || s[3] != '-')
		return 1;
	if ((s[0] | 32) != 'x' || (s[1] | 32) != 'n')
		return 0;
	size_t ncp = punycode_decode(s + 4, n - 4, cp, 64);
	return ncp && check_u_label(cp, ncp);
}

static int check_hostname(const char *s, size_t len)
{
	if (len == 0 || len > 253)
		return 0;
	for (size_t i = 0; i <= len;) {
		const char *dot = memchr(s + i, '.', len - i);
		size_t end = dot ? (size_t)(dot - s) : len;
		if (!check_label(s + i, end - i))
			return 0;
		i = end + 1;
	}
	return 1;
}

/* ---- email (RFC 5321 Mailbox) ---------------------------------------- */

static int is_atext(char c)
{
	return is_alpha(c) || is_digit(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~",
							  c));
}

static int check_local_part(const char *s, size_t len)
{
	if (len && s[0] == '"') {
		if (len < 2 || s[len - 1] != '"')
			return 0;
		for (size_t i = 1; i + 1 < len; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == '\\' && i + 2 < len)
				i++;
			else if (c == '"' || c == '\\' || c < 32 || c == 127)
				return 0;
		}
		return 1;
	}
	if (!len || s[0] == '.' || s[len - 1] == '.')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!(is_atext(s[i]) || (s[i] == '.' && s[i - 1] != '.')))
			return 0;
	return 1;
}

static int check_email(const char *s, size_t len)
{
	const char *at = NULL;
	for (size_t i = len; i-- > 0;)
		if (s[i] == '@') {
			at = s + i;
			break;
		}
	if (!at)
		return 0;
	size_t local = (size_t)(at - s), dlen = len - local - 1;
	const char *d = at + 1;
	if (!check_local_part(s, local))
		return 0;
	if (dlen >= 2 && d[0] == '[' && d[dlen - 1] == ']') {
		if (dlen > 7 && !memcmp(d + 1, "IPv6:", 5))
			return check_ipv6(d + 6, dlen - 7);
		return check_ipv4(d + 1, dlen - 2);
	}
	return check_hostname(d, dlen);
}

/* ---- URIs (RFC 3986) ------------------------------------------------- */

static int is_unreserved(char c)
{
	return is_alpha(c) || is_digit(c) || (c && strchr("-._~", c));
}

static int is_sub_delim(char c)
{
	return c && strchr("!$&'()*+,;=", c);
}

/*
 * Characters of a part, with %XX; extra lists what else is allowed, and
 * a leading '*' in it allows non-ASCII (an IRI's ucschar and iprivate).
 */
static int uri_chars(const char *s, size_t len, const char *extra)
{
	int iri = extra[0] == '*';
	for (size_t i = 0; i < len; i++) {
		if (iri && (unsigned char)s[i] >= 0x80)
			continue;
		if (s[i] == '%') {
			if (i + 2 >= len || !is_hex(s[i + 1]) ||
			    !is_hex(s[i + 2]))
				return 0;
			i += 2;
		} else if (!is_unreserved(s[i]) && !is_sub_delim(s[i]) &&
			   !(s[i] && strchr(extra, s[i]))) {
			return 0;
		}
	}
	return 1;
}

static int check_authority(const char *s, size_t len, int iri)
{
	const char *at = memchr(s, '@', len);
	if (at) {
		if (!uri_chars(s, (size_t)(at - s), iri ? "*:" : ":"))
			return 0;
		len -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	size_t host = len;
	if (len && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close)
			return 0;
		host = (size_t)(close - s) + 1;
		if (host > 2 && (s[1] | 32) == 'v') {
			/* IPvFuture: "v" 1*HEXDIG "." 1*(…) */
			const char *dot = memchr(s, '.', host);
			if (!dot || dot == s + 2 || dot + 1 == close ||
			    !uri_chars(dot + 1, (size_t)(close - dot - 1), ":"))
				return 0;
			for (const char *h = s + 2; h < dot; h++)
				if (!is_hex(*h))
					return 0;
		} else if (!check_ipv6(s + 1, host - 2)) {
			return 0;
		}
	} else {
		const char *colon = memchr(s, ':', len);
		host = colon ? (size_t)(colon - s) : len;
		if (!uri_chars(s, host, iri ? "*" : ""))
			return 0;
	}
	if (host == len)
		return 1;
	if (s[host] != ':')
		return 0;
	for (size_t i = host + 1; i < len; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

static int check_uri_any(const char *s, size_t len, int relative, int iri)
{
	const char *pchar = iri ? "*:@/" : ":@/";
	const char *query = iri ? "*:@/?" : ":@/?";
	size_t i = 0, end;
	if (len && is_alpha(s[0])) {
		while (i < len && (is_alpha(s[i]) || is_digit(s[i]) ||
				   s[i] == '+' || s[i] == '-' || s[i] == '.'))
			i++;
		i = i < len && s[i] == ':' ? i + 1 : 0;
	}
	if (!i && !relative)
		return 0;
	end = i;
	while (end < len && s[end] != '?' && s[end] != '#')
		end++;
	const char *p = s + i;
	size_t plen = end - i;
	if (plen >= 2 && p[0] == '/' && p[1] == '/') {
		size_t a = 2;
		while (a < plen && p[a] != '/')
			a++;
		if (!check_authority(p + 2, a - 2, iri))
			return 0;
		p += a;
		plen -= a;
	} else if (!i) {
		/* path-noscheme: no colon in the first segment. */
		const char *slash = memchr(p, '/', plen);
		size_t first = slash ? (size_t)(slash - p) : plen;
		if (memchr(p, ':', first))
			return 0;
	}
	if (!uri_chars(p, plen, pchar))
		return 0;
	if (end < len && s[end] == '?') {
		size_t q = ++end;
		while (end < len && s[end] != '#')
			end++;
		if (!uri_chars(s + q, end - q, query))
			return 0;
	}
	if (end < len)
		return uri_chars(s + end + 1, len - end - 1, query);
	return 1;
}

/* ---- the rest -------------------------------------------------------- */

static int check_uuid(const char *s, size_t len)
{
	if (len != 36)
		return 0;
	for (size_t i = 0; i < len; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !is_hex(s[i]))
			return 0;
	}
	return 1;
}

static int check_json_pointer(const char *s, size_t len)
{
	if (len && s[0] != '/')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '~' && (i + 1 >= len || (s[i + 1] != '0' &&
						     s[i + 1] != '1')))
			return 0;
	return 1;
}

static int check_relative_json_pointer(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && is_digit(s[i]))
		i++;
	if (i == 0 || (s[0] == '0' && i > 1))
		return 0;
	if (i < len && (s[i] == '+' || s[i] == '-')) {
		size_t start = ++i;
		while (i < len && is_digit(s[i]))
			i++;
		if (i == start || s[start] == '0')
			return 0;
	}
	if (i < len && s[i] == '#')
		return i + 1 == len;
	return check_json_pointer(s + i, len - i);
}

static int check_regex(const char *s, size_t len)
{
	char msg[128];
	pcre2_code *re = q_regex_compile(s, len, msg, sizeof(msg));
	pcre2_code_free(re);
	return re != NULL;
}

int q_format_check_id(int format, const char *s, size_t len)
{
	switch (format) {
	case VF_DATE:
		return check_date(s, len);
	case VF_DATE_TIME:
		return check_date_time(s, len);
	case VF_TIME:
		return check_time(s, len);
	case VF_DURATION:
		return check_duration(s, len);
	case VF_EMAIL:
		return check_email(s, len);
	case VF_HOSTNAME:
		return check_hostname(s, len);
	case VF_IPV4:
		return check_ipv4(s, len);
	case VF_IPV6:
		return check_ipv6(s, len);
	case VF_URI:
		return check_uri_any(s, len, 0, 0);
	case VF_URI_REFERENCE:
		return check_uri_any(s, len, 1, 0);
	case VF_IRI:
		return check_uri_any(s, len, 0, 1);
	case VF_IRI_REFERENCE:
		return check_uri_any(s, len, 1, 1);
	case VF_UUID:
		return check_uuid(s, len);
	case VF_REGEX:
		return check_regex(s, len);
	case VF_JSON_POINTER:
		return check_json_pointer(s, len);
	case VF_RELATIVE_JSON_POINTER:
		return check_relative_json_pointer(s, len);
	default:
		return -1;
	}
}

int q_format_check(const char *format, const char *s, size_t len)
{
	return q_format_check_id(q_format_lookup(format), s, len);
}

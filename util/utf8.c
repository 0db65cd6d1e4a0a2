/* utf8.c — strict UTF-8 decoding (Unicode 3.9, Table 3-7). */
#include "util/util.h"

#include <string.h>

size_t q_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xC2 || c > 0xF4)
		return 0;
	if (c < 0xE0) {
		if (len < 2 || (s[1] & 0xC0) != 0x80)
			return 0;
		*cp = ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if (c < 0xF0) {
		unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
		unsigned char hi = c == 0xED ? 0x9F : 0xBF;
		if (len < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
			return 0;
		*cp = ((uint32_t)(c & 0x0F) << 12) |
		      ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
		return 3;
	}
	unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
	unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
	if (len < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 ||
	    (s[3] & 0xC0) != 0x80)
		return 0;
	*cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
	      ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
	return 4;
}

size_t q_utf8_invalid_length(const unsigned char *s, size_t len)
{
	/* The maximal subpart of an ill-formed sequence: a lead byte and the
	 * continuation bytes that could still have completed it. */
	unsigned char c = s[0];
	size_t want;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		want = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		want = 3;
		if (c == 0xE0)
			lo = 0xA0;
		if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		want = 4;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F;
	} else
		return 1;
	size_t n = 1;
	if (n < len && n < want && s[n] >= lo && s[n] <= hi) {
		n++;
		while (n < len && n < want && (s[n] & 0xC0) == 0x80)
			n++;
	}
	return n;
}

size_t q_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t q_utf8_count(const char *s, size_t len)
{
	/* Eight bytes at a time: a continuation byte is 10xxxxxx, bit 7 set
	 * and bit 6 clear; the multiply adds up the flags of the eight. */
	const uint64_t highs = 0x8080808080808080ULL, ones = 0x0101010101010101ULL;
	size_t n = len, i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		n -= (size_t)((((w & ~(w << 1) & highs) >> 7) * ones) >> 56);
	}
	for (; i < len; i++)
		n -= ((unsigned char)s[i] & 0xC0) == 0x80;
	return n;
}

void q_text_locate(const char *s, size_t len, size_t at, long *line, long *col)
{
	long l = 1, c = 1;
	for (size_t i = 0; i < at; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\n' || (ch == '\r' && !(i + 1 < len && s[i + 1] == '\n'))) {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80 && ch != '\r') {
			c++;
		}
	}
	*line = l;
	*col = c;
}

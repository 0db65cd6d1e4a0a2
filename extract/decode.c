/*
 * decode.c — input bytes to the normalized text: strict UTF-8, BOM
 * dropped, CRLF and CR turned into LF, NUL and invalid sequences refused
 * (or replaced by U+FFFD with --lossy).
 */
#include "extract/extract.h"

#include <string.h>

static int refuse(const char *raw, size_t at, size_t n, const char *file,
		  struct q_error *err)
{
	long line, col;
	unsigned char b = (unsigned char)raw[at];
	q_text_locate(raw, (size_t)-1, at, &line, &col);
	if (b == 0)
		return q_error_set(err, Q_EENCODING, file, line, col, (long long)at,
				   "NUL byte at byte offset %zu (binary file?)", at);
	return q_error_set(err, Q_EENCODING, file, line, col, (long long)at,
			   "invalid UTF-8 byte 0x%02X at byte offset %zu%s", b,
			   at, n > 1 ? " (truncated sequence)" : "");
}

/* The end of the run of printable ASCII bytes (0x20–0x7F) from s[i] on,
 * passed eight bytes at a time: none has bit 7 set, and none is below
 * 0x20 (the classic test for a byte below n, exact for "any"). */
static size_t plain_run(const unsigned char *s, size_t i, size_t len)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t w;
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		if (((w | ((w - ones * 0x20) & ~w)) & highs) != 0)
			break;
	}
	while (i < len && s[i] >= 0x20 && s[i] < 0x80)
		i++;
	return i;
}

static enum q_newline newline_kind(size_t lf, size_t crlf, size_t cr)
{
	int kinds = (lf > 0) + (crlf > 0) + (cr > 0);
	if (kinds == 0)
		return Q_NL_NONE;
	if (kinds > 1)
		return Q_NL_MIXED;
	return lf ? Q_NL_LF : crlf ? Q_NL_CRLF : Q_NL_CR;
}

int q_decode(struct q_doc *doc, const char *raw, size_t len, int lossy,
	     const char *file, struct q_decoded *out, struct q_error *err)
{
	const unsigned char *s = (const unsigned char *)raw;
	size_t i = 0, lf = 0, crlf = 0, cr = 0;
	size_t first_bad = 0;
	uint64_t replaced = 0;

	q_sha256_hex_of(raw, len, doc->source.sha256);
	doc->source.bytes = len;
	doc->source.encoding = Q_STR_LIT("utf-8");
	if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
		doc->source.bom = 1;
		i = 3;
	}
	/* Each replaced byte run may grow from 1 byte to 3 (U+FFFD). */
	size_t cap = lossy ? len * 3 + 1 : len + 1;
	if (lossy && cap / 3 < len)
		return q_error_msg(err, Q_ENOMEM, file, "out of memory");
	char *text = q_arena_alloc(&doc->arena, cap);
	if (!text)
		return q_error_msg(err, Q_ENOMEM, file, "out of memory");
	size_t o = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x80) {
			/* Plain ASCII runs are the common case: copy them whole. */
			size_t j = plain_run(s, i + 1, len);
			memcpy(text + o, s + i, j - i);
			o += j - i;
			i = j;
			continue;
		}
		if (c == '\r') {
			if (i + 1 < len && s[i + 1] == '\n') {
				crlf++;
				i++;
			} else {
				cr++;
			}
			text[o++] = '\n';
			i++;
			continue;
		}
		if (c == '\n') {
			lf++;
			text[o++] = '\n';
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = c ? q_utf8_decode(s + i, len - i, &cp) : 0;
		if (n) {
			memcpy(text + o, s + i, n);
			o += n;
			i += n;
			continue;
		}
		n = c ? q_utf8_invalid_length(s + i, len - i) : 1;
		if (!lossy)
			return refuse(raw, i, n, file, err);
		if (!replaced)
			first_bad = i;
		replaced++;
		memcpy(text + o, "\xEF\xBF\xBD", 3);
		o += 3;
		i += n;
	}
	text[o] = '\0';
	doc->source.newline = newline_kind(lf, crlf, cr);
	doc->source.replacements = replaced;
	if (replaced)
		q_warn(file, "replaced %llu invalid byte sequence%s with U+FFFD "
		       "(the first at byte offset %zu)",
		       (unsigned long long)replaced, replaced == 1 ? "" : "s",
		       first_bad);
	out->text = text;
	out->len = o;
	return 0;
}

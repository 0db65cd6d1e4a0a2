/* buf.c — the growable, size-limited output sink. */
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

void q_buf_init(struct q_buf *b, size_t limit)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
	b->failed = 0;
}

void q_buf_release(struct q_buf *b)
{
	free(b->data);
	q_buf_init(b, b->limit);
}

void q_buf_reset(struct q_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

int q_buf_reserve(struct q_buf *b, size_t extra)
{
	if (b->failed)
		return b->failed;
	if (extra >= SIZE_MAX - b->len - 1)
		return b->failed = Q_ENOMEM;
	size_t need = b->len + extra + 1;
	if (b->limit && need > b->limit + 1)
		return b->failed = Q_ETOOBIG;
	if (need <= b->cap)
		return 0;
	size_t ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	/* Never more room than the limit allows: the inline appends in
	 * util.h check only the room. */
	if (b->limit && ncap > b->limit + 1)
		ncap = b->limit + 1;
	char *n = realloc(b->data, ncap);
	if (!n)
		return b->failed = Q_ENOMEM;
	b->data = n;
	b->cap = ncap;
	return 0;
}

int q_buf_append_slow(struct q_buf *b, const void *data, size_t len)
{
	int rc = q_buf_reserve(b, len);
	if (rc)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int q_buf_puts(struct q_buf *b, const char *s)
{
	return q_buf_append(b, s, strlen(s));
}

int q_buf_printf(struct q_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return b->failed = Q_EINTERNAL;
	if ((size_t)n < sizeof(small))
		return q_buf_append(b, small, (size_t)n);
	int rc = q_buf_reserve(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

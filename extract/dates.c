/* dates.c — placeholder until the date module lands. */
#include "extract/extract.h"

#include <stdio.h>
#include <string.h>

size_t q_date_parse(const char *s, size_t len, struct q_date *d)
{
	(void)s; (void)len; (void)d;
	return 0;
}

int q_date_parse_line(const char *s, size_t len, struct q_date *d)
{
	int y, m, dd, n = 0;
	char buf[16];
	if (len != 10)
		return 0;
	memcpy(buf, s, 10);
	buf[10] = 0;
	if (sscanf(buf, "%4d-%2d-%2d%n", &y, &m, &dd, &n) != 3 || n != 10)
		return 0;
	d->year = y; d->month = m; d->day = dd;
	return 1;
}

void q_date_format(const struct q_date *d, char out[11])
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d->year % 10000, (unsigned)d->month % 100, (unsigned)d->day % 100);
}

int q_date_valid(int year, int month, int day)
{
	(void)year; (void)month; (void)day;
	return 1;
}

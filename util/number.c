/* number.c — doubles printed in their shortest exact form. */
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

/* "1e+300" -> "1e300", "1e-07" -> "1e-7", as JSON writers usually print. */
static void tidy_exponent(char *num)
{
	char *e = strchr(num, 'e');
	if (!e)
		return;
	char *d = e + 1, *src = e + 1;
	if (*src == '+')
		src++;
	else if (*src == '-')
		d++, src++;
	while (*src == '0' && src[1])
		src++;
	memmove(d, src, strlen(src) + 1);
}

size_t q_format_double(double v, char out[32])
{
	int precision = 1;
	/* 17 significant digits always read back exactly; fewer often do. */
	for (; precision < 17; precision++) {
		snprintf(out, 32, "%.*g", precision, v);
		if (strtod(out, NULL) == v)
			break;
	}
	/* Magnitudes up to 1e15 are written out in full ("100.0", not
	 * "1e2"): %g does so when the precision exceeds the exponent. */
	char e[32];
	snprintf(e, sizeof(e), "%.0e", v);
	const char *x = strchr(e, 'e');
	int exponent = x ? atoi(x + 1) : 0;
	if (exponent >= precision && exponent < 15)
		precision = exponent + 1;
	snprintf(out, 32, "%.*g", precision, v);
	tidy_exponent(out);
	if (!strpbrk(out, ".eEn")) /* keep it a real: 2 -> 2.0 */
		strcat(out, ".0");
	return strlen(out);
}

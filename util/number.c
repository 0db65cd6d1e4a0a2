/* number.c — doubles printed in their shortest exact form. */
#include "util/util.h"

#include <math.h>
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

/* Significant digits of a %g number: leading and trailing zeros aside. */
static int significant_digits(const char *num)
{
	int n = 0, zeros = 0, started = 0;
	for (const char *p = num; *p && *p != 'e'; p++) {
		if (*p < '0' || *p > '9')
			continue;
		started |= *p != '0';
		if (!started)
			continue;
		n++;
		zeros = *p == '0' ? zeros + 1 : 0;
	}
	return n - zeros > 0 ? n - zeros : 1;
}

size_t q_format_double(double v, char out[32])
{
	int precision = 1;
	/*
	 * 17 significant digits always read back exactly; fewer often do.
	 * When some p <= 15 digits do, %.15g gives those same digits (the
	 * double is within 2^-53 of them, less than half a unit in the 15th
	 * digit), so the search starts at 15 — except for subnormals, whose
	 * precision is lower.
	 */
	if (fabs(v) >= 1e-300) {
		snprintf(out, 32, "%.15g", v);
		if (strtod(out, NULL) == v)
			precision = significant_digits(out);
		else
			precision = 16;
	}
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

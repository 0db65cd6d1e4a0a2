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

static const double pow10[16] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
};

/*
 * The common case without printf: a value that is a decimal with at most
 * 15 significant digits, between 1e-4 and 1e15.  For the fewest fraction
 * digits k such that m = v * 10^k is a whole number below 10^15 and m /
 * 10^k (one correctly rounded division of two exact doubles) is v again,
 * m with the point put back is the shortest exact form — the digits %.15g
 * would give.  Returns 0 when v is not such a value.
 */
static size_t short_decimal(double v, char out[32])
{
	double a = fabs(v);
	if (!(a >= 1e-4 && a < 1e15))
		return 0;
	for (int k = 0; k < 16; k++) {
		double scaled = a * pow10[k];
		if (scaled >= 1e15)
			return 0;
		double m = nearbyint(scaled);
		if (m / pow10[k] != a)
			continue;
		char digits[24];
		int n = 0;
		unsigned long long u = (unsigned long long)m;
		do {
			digits[n++] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		while (n <= k) /* 0.0001: leading zeros of the fraction */
			digits[n++] = '0';
		size_t o = 0;
		if (v < 0)
			out[o++] = '-';
		for (int i = n - 1; i >= k; i--)
			out[o++] = digits[i];
		out[o++] = '.';
		if (k == 0)
			out[o++] = '0';
		for (int i = k - 1; i >= 0; i--)
			out[o++] = digits[i];
		out[o] = '\0';
		return o;
	}
	return 0;
}

size_t q_format_double(double v, char out[32])
{
	/*
	 * 17 significant digits always read back exactly; fewer often do.
	 * When some p <= 15 digits do, %.15g gives those same digits (the
	 * double is within 2^-53 of them, less than half a unit in the 15th
	 * digit) and %g drops the trailing zeros, so one try at 15 finds the
	 * shortest form — except for tiny values, whose precision is lower,
	 * where the search starts at one digit.  %g writes magnitudes below
	 * 1e15 in full ("100", not "1e2") since the precision exceeds them.
	 */
	size_t n = short_decimal(v, out);
	if (n)
		return n;
	int precision = fabs(v) >= 1e-300 ? 15 : 1;
	for (; precision < 17; precision++) {
		snprintf(out, 32, "%.*g", precision, v);
		if (strtod(out, NULL) == v)
			break;
	}
	if (precision == 17)
		snprintf(out, 32, "%.17g", v);
	tidy_exponent(out);
	if (!strpbrk(out, ".eEn")) /* keep it a real: 2 -> 2.0 */
		strcat(out, ".0");
	return strlen(out);
}

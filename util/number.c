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

/*
 * The common case without printf: 1e-4 <= |v| < 9.5e14 with at most 15
 * significant digits.  The fewest fraction digits k for which
 * round(v * 10^k) / 10^k == v give the decimal that reads back as v (the
 * division of two exact integers rounds like strtod does), and at 15
 * digits or fewer the decimals are spaced wider than v's ulp, so it is the
 * only one and the one %.Pg prints.  Returns 0 when v is not such a value.
 */
static size_t format_fast(double v, char out[32])
{
	double a = fabs(v), p = 1;
	if (!(a >= 1e-4 && a < 9.5e14)) /* %.0e of more gives 1e+15 */
		return 0;
	for (int k = 0; k <= 18 && a * p < 1e15; k++, p *= 10) {
		double r = nearbyint(a * p);
		if (r / p != a)
			continue;
		char digits[24];
		int n = 0;
		unsigned long long u = (unsigned long long)r;
		do
			digits[n++] = (char)('0' + u % 10);
		while (u /= 10);
		size_t len = 0;
		if (v < 0)
			out[len++] = '-';
		if (n <= k) {
			out[len++] = '0';
			out[len++] = '.';
			for (int z = n; z < k; z++)
				out[len++] = '0';
			while (n > 0)
				out[len++] = digits[--n];
		} else {
			while (n > k)
				out[len++] = digits[--n];
			out[len++] = '.';
			if (k == 0)
				out[len++] = '0';
			while (n > 0)
				out[len++] = digits[--n];
		}
		out[len] = '\0';
		return len;
	}
	return 0;
}

size_t q_format_double(double v, char out[32])
{
	size_t fast = format_fast(v, out);
	if (fast)
		return fast;
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

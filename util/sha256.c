/*
 * sha256.c — FIPS 180-4 SHA-256, for document ids and input hashes.
 *
 * Two block functions: portable C, and the x86 SHA extensions (SHA-NI),
 * which hash several times faster; the second is used when the CPU has
 * them.  Every document is hashed, so this is on the hot path.
 */
#include "util/util.h"

#include <pthread.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_SHANI_PATH 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress_portable(uint32_t st[8], const unsigned char *p)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
	uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
			      ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
			      ((a & b) ^ (a & c) ^ (b & c));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	st[0] += a;
	st[1] += b;
	st[2] += c;
	st[3] += d;
	st[4] += e;
	st[5] += f;
	st[6] += g;
	st[7] += h;
}

#ifdef HAVE_SHANI_PATH
/* One 64-byte block with the SHA extensions: four rounds per step, the
 * message schedule computed four words at a time. */
__attribute__((target("sha,sse4.1"))) static void compress_shani(uint32_t st[8],
								    const unsigned char *p)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i tmp = _mm_loadu_si128((const __m128i *)&st[0]);
	__m128i s1 = _mm_loadu_si128((const __m128i *)&st[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xB1);	      /* CDAB */
	s1 = _mm_shuffle_epi32(s1, 0x1B);	      /* EFGH */
	__m128i s0 = _mm_alignr_epi8(tmp, s1, 8);     /* ABEF */
	s1 = _mm_blend_epi16(s1, tmp, 0xF0);	      /* CDGH */
	__m128i abef = s0, cdgh = s1;
	__m128i w[4];
	for (int i = 0; i < 16; i++) {
		__m128i m;
		if (i < 4) {
			w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
		} else {
			m = _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]);
			m = _mm_add_epi32(m, _mm_alignr_epi8(w[(i + 3) & 3], w[(i + 2) & 3], 4));
			w[i & 3] = _mm_sha256msg2_epu32(m, w[(i + 3) & 3]);
		}
		m = _mm_add_epi32(w[i & 3], _mm_loadu_si128((const __m128i *)&K[4 * i]));
		s1 = _mm_sha256rnds2_epu32(s1, s0, m);
		s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0E));
	}
	s0 = _mm_add_epi32(s0, abef);
	s1 = _mm_add_epi32(s1, cdgh);
	tmp = _mm_shuffle_epi32(s0, 0x1B);	      /* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xB1);	      /* DCHG */
	s0 = _mm_blend_epi16(tmp, s1, 0xF0);	      /* DCBA */
	s1 = _mm_alignr_epi8(s1, tmp, 8);	      /* ABEF */
	_mm_storeu_si128((__m128i *)&st[0], s0);
	_mm_storeu_si128((__m128i *)&st[4], s1);
}

static int cpu_has_shani(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	int sha = (b >> 29) & 1;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	return sha && (c & bit_SSE4_1) && (c & bit_SSSE3);
}
#endif

static void (*compress)(uint32_t st[8], const unsigned char *p) = compress_portable;
static pthread_once_t choose_once = PTHREAD_ONCE_INIT;

static void choose_compress(void)
{
#ifdef HAVE_SHANI_PATH
	if (cpu_has_shani())
		compress = compress_shani;
#endif
}

int q_sha256_accelerated(int enable)
{
	pthread_once(&choose_once, choose_compress);
#ifdef HAVE_SHANI_PATH
	if (enable >= 0)
		compress = enable && cpu_has_shani() ? compress_shani : compress_portable;
	return compress == compress_shani;
#else
	(void)enable;
	return 0;
#endif
}

void q_sha256_init(struct q_sha256 *h)
{
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
				       0xa54ff53a, 0x510e527f, 0x9b05688c,
				       0x1f83d9ab, 0x5be0cd19};
	pthread_once(&choose_once, choose_compress);
	memcpy(h->state, iv, sizeof(iv));
	h->bytes = 0;
	h->fill = 0;
}

void q_sha256_update(struct q_sha256 *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	h->bytes += len;
	if (h->fill) {
		size_t take = 64 - h->fill < len ? 64 - h->fill : len;
		memcpy(h->block + h->fill, p, take);
		h->fill += take;
		p += take;
		len -= take;
		if (h->fill < 64)
			return;
		compress(h->state, h->block);
		h->fill = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		compress(h->state, p);
	memcpy(h->block, p, len);
	h->fill = len;
}

void q_sha256_hex(struct q_sha256 *h, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	uint64_t bits = h->bytes * 8;
	unsigned char pad[72] = {0x80};
	size_t padlen = (h->fill < 56 ? 56 : 120) - h->fill;
	for (int i = 0; i < 8; i++)
		pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
	q_sha256_update(h, pad, padlen + 8);
	for (int i = 0; i < 32; i++) {
		unsigned char byte = (unsigned char)(h->state[i / 4] >> (24 - 8 * (i % 4)));
		hex[2 * i] = digits[byte >> 4];
		hex[2 * i + 1] = digits[byte & 15];
	}
	hex[64] = '\0';
}

void q_sha256_hex_of(const void *data, size_t len, char hex[65])
{
	struct q_sha256 h;
	q_sha256_init(&h);
	q_sha256_update(&h, data, len);
	q_sha256_hex(&h, hex);
}

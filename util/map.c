/* map.c — the one hash map: open addressing, linear probing. */
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

/* One round: the next eight bytes mixed in by a multiply. */
static uint64_t mix(uint64_t h, uint64_t k)
{
	h = (h ^ k) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

uint64_t q_hash(const void *data, size_t len)
{
	/* Eight bytes a round, not one: keys are words and names, and a
	 * multiply per byte would cost more than the probe. */
	const unsigned char *p = data;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, k;
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&k, p, 8);
		h = mix(h, k);
	}
	if (len) { /* byte by byte: a memcpy of a variable length is a call */
		k = 0;
		for (size_t i = 0; i < len; i++)
			k |= (uint64_t)p[i] << (8 * i);
		h = mix(h, k);
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

void q_map_init(struct q_map *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
}

void q_map_release(struct q_map *m)
{
	free(m->slots);
	q_map_init(m);
}

static struct q_map_slot *find(const struct q_map *m, const char *key, size_t len,
			       uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct q_map_slot *s = &m->slots[i];
		if (!s->key || (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
			return s;
	}
}

/* Moves the keys to a table of ncap slots, a power of two. */
static int rehash(struct q_map *m, size_t ncap)
{
	struct q_map_slot *old = m->slots;
	size_t ocap = m->cap;
	m->slots = calloc(ncap, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return Q_ENOMEM;
	}
	m->cap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].key)
			*find(m, old[i].key, old[i].len, old[i].hash) = old[i];
	free(old);
	return 0;
}

static int grow(struct q_map *m)
{
	return rehash(m, m->cap ? m->cap * 2 : 64);
}

int q_map_reserve(struct q_map *m, size_t count)
{
	size_t ncap = m->cap ? m->cap : 64;
	while (count * 4 > ncap * 3) {
		if (ncap > SIZE_MAX / 2 / sizeof(*m->slots))
			return Q_ENOMEM;
		ncap *= 2;
	}
	return ncap > m->cap ? rehash(m, ncap) : 0;
}

int q_map_put(struct q_map *m, const char *key, size_t len, void *value)
{
	/* At most 3/4 full, so probes stay short and always end. */
	if ((m->count + 1) * 4 > m->cap * 3 && grow(m))
		return Q_ENOMEM;
	uint64_t h = q_hash(key, len);
	struct q_map_slot *s = find(m, key, len, h);
	if (!s->key) {
		s->key = key;
		s->len = len;
		s->hash = h;
		m->count++;
	}
	s->value = value;
	return 0;
}

void *q_map_get(const struct q_map *m, const char *key, size_t len)
{
	if (!m->cap)
		return NULL;
	struct q_map_slot *s = find(m, key, len, q_hash(key, len));
	return s->key ? s->value : NULL;
}

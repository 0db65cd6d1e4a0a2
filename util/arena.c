/* arena.c — one arena per document; strings are slices into it. */
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_SIZE ((size_t)64 * 1024)
#define ARENA_ALIGN ((size_t)16)

struct q_arena_block {
	struct q_arena_block *next;
	size_t size;
	size_t used;
	_Alignas(16) unsigned char data[];
};

void q_arena_init(struct q_arena *a)
{
	a->head = NULL;
	a->used_total = 0;
}

void q_arena_release(struct q_arena *a)
{
	struct q_arena_block *b = a->head;
	while (b) {
		struct q_arena_block *next = b->next;
		free(b);
		b = next;
	}
	q_arena_init(a);
}

static struct q_arena_block *new_block(size_t size)
{
	struct q_arena_block *b = malloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

void *q_arena_alloc(struct q_arena *a, size_t size)
{
	struct q_arena_block *b = a->head;
	size_t rounded = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (rounded < size)
		return NULL;
	if (!b || b->size - b->used < rounded) {
		if (rounded > ARENA_BLOCK_SIZE / 4) {
			/* A big object gets a block of its own, kept behind the
			 * current one so the current one keeps filling. */
			struct q_arena_block *big = new_block(rounded);
			if (!big)
				return NULL;
			big->used = rounded;
			if (b) {
				big->next = b->next;
				b->next = big;
			} else {
				a->head = big;
			}
			a->used_total += rounded;
			memset(big->data, 0, rounded);
			return big->data;
		}
		b = new_block(ARENA_BLOCK_SIZE);
		if (!b)
			return NULL;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += rounded;
	a->used_total += rounded;
	memset(p, 0, rounded);
	return p;
}

char *q_arena_strndup(struct q_arena *a, const char *s, size_t len)
{
	char *p = q_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

int q_arena_reserve(struct q_arena *a, void **items, size_t *cap,
		    size_t size, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / size)
			return Q_ENOMEM;
		ncap *= 2;
	}
	void *n = q_arena_alloc(a, ncap * size);
	if (!n)
		return Q_ENOMEM;
	if (*cap)
		memcpy(n, *items, *cap * size);
	*items = n;
	*cap = ncap;
	return 0;
}

int q_str_eq(struct q_str a, struct q_str b)
{
	if (!a.ptr || !b.ptr)
		return a.ptr == b.ptr;
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

int q_str_eq_cstr(struct q_str a, const char *s)
{
	return s && a.ptr && strlen(s) == a.len && memcmp(a.ptr, s, a.len) == 0;
}

/*
 * json_arena.c — jansson's allocations for a short-lived value from a
 * bump arena of the thread that builds it.
 *
 * A record read, or a document's view built, written and freed before the
 * next, makes thousands of small allocations that the C library then
 * frees one by one; from an arena they cost a pointer bump, and its reset
 * frees them all at once.  The hooks (json_set_alloc_funcs) go in front of
 * the functions jansson had: with no arena on the thread, or when the
 * arena is full, they are those functions; a free of memory in the arena
 * waits for the reset.
 */
#include "converters/converters.h"

#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define Q_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define Q_ASAN 1
#endif
#endif
#ifdef Q_ASAN
#include <sanitizer/asan_interface.h>
#define ARENA_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define ARENA_POISON(p, n) ((void)(p), (void)(n))
#define ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

static _Thread_local struct q_json_arena *arena_on;
static json_malloc_t next_malloc = malloc;
static json_free_t next_free = free;

static void *arena_malloc(size_t n)
{
	struct q_json_arena *a = arena_on;
	size_t need = (n + 15) & ~(size_t)15;
	if (a && need >= n && (size_t)(a->end - a->cur) >= need) {
		void *p = a->cur;
		a->cur += need;
		ARENA_UNPOISON(p, n);
		return p;
	}
	return next_malloc(n);
}

static void arena_free(void *p)
{
	struct q_json_arena *a = arena_on;
	if (a && (char *)p >= a->base && (char *)p < a->end)
		return; /* freed with the rest at the reset */
	next_free(p);
}

void q_json_arena_hooks(void)
{
	json_malloc_t m;
	json_free_t f;
	json_get_alloc_funcs(&m, &f);
	if (m != arena_malloc || f != arena_free) {
		next_malloc = m;
		next_free = f;
		json_set_alloc_funcs(arena_malloc, arena_free);
	}
}

void q_json_arena_begin(struct q_json_arena *a)
{
	if (!a->base && (a->base = malloc(Q_JSON_ARENA_BYTES)))
		a->end = a->base + Q_JSON_ARENA_BYTES;
	if (!a->base)
		return; /* malloc then */
	a->cur = a->base;
	ARENA_POISON(a->base, Q_JSON_ARENA_BYTES);
	arena_on = a;
}

void q_json_arena_reset(struct q_json_arena *a)
{
	if (arena_on != a)
		return;
	ARENA_POISON(a->base, (size_t)(a->cur - a->base));
	a->cur = a->base;
}

void q_json_arena_end(struct q_json_arena *a)
{
	if (arena_on == a) {
		q_json_arena_reset(a);
		arena_on = NULL;
	}
}

void q_json_arena_release(struct q_json_arena *a)
{
	if (a->base) {
		ARENA_UNPOISON(a->base, Q_JSON_ARENA_BYTES);
		free(a->base);
	}
	memset(a, 0, sizeof(*a));
}

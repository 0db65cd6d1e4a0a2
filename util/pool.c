/*
 * pool.c — worker threads that take tasks in submission order and hand
 * them back in the same order, however they finish.
 *
 * One mutex guards a ring of task slots; workers wait on `work`, the
 * caller on `done`.  A slot is free again once the caller has taken its
 * task back, so the ring's size bounds the tasks in flight (and with them
 * the memory of their input and output).
 */
#include "util/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct q_pool {
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	pthread_t *threads;
	int nthreads;
	void (*fn)(void *ctx, void *task);
	void *ctx;
	void **task;	     /* ring of slots */
	unsigned char *ready; /* the task of a slot has run */
	size_t cap;
	size_t head, next, tail; /* oldest pending; next to run; next free */
	int quit;
};

static void *worker(void *arg)
{
	struct q_pool *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->quit && p->next == p->tail)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->quit)
			break;
		size_t slot = p->next++ % p->cap;
		void *task = p->task[slot];
		pthread_mutex_unlock(&p->lock);
		p->fn(p->ctx, task);
		pthread_mutex_lock(&p->lock);
		p->ready[slot] = 1;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct q_pool *q_pool_new(int threads, size_t depth, void (*fn)(void *ctx, void *task),
			  void *ctx)
{
	struct q_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->fn = fn;
	p->ctx = ctx;
	p->cap = depth ? depth : 1;
	p->task = calloc(p->cap, sizeof(*p->task));
	p->ready = calloc(p->cap, 1);
	p->threads = calloc(threads > 0 ? (size_t)threads : 1, sizeof(*p->threads));
	if (!p->task || !p->ready || !p->threads || pthread_mutex_init(&p->lock, NULL)) {
		free(p->task);
		free(p->ready);
		free(p->threads);
		free(p);
		return NULL;
	}
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&p->threads[i], NULL, worker, p))
			break;
		p->nthreads++;
	}
	if (p->nthreads == 0) {
		q_pool_free(p);
		return NULL;
	}
	return p;
}

size_t q_pool_pending(struct q_pool *p)
{
	pthread_mutex_lock(&p->lock);
	size_t n = p->tail - p->head;
	pthread_mutex_unlock(&p->lock);
	return n;
}

int q_pool_submit(struct q_pool *p, void *task)
{
	pthread_mutex_lock(&p->lock);
	if (p->tail - p->head == p->cap) {
		pthread_mutex_unlock(&p->lock);
		return Q_EINTERNAL;
	}
	size_t slot = p->tail++ % p->cap;
	p->task[slot] = task;
	p->ready[slot] = 0;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

void *q_pool_take(struct q_pool *p)
{
	void *task = NULL;
	pthread_mutex_lock(&p->lock);
	if (p->head != p->tail) {
		size_t slot = p->head % p->cap;
		while (!p->ready[slot])
			pthread_cond_wait(&p->done, &p->lock);
		task = p->task[slot];
		p->head++;
	}
	pthread_mutex_unlock(&p->lock);
	return task;
}

void q_pool_free(struct q_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->quit = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	free(p->task);
	free(p->ready);
	free(p->threads);
	free(p);
}

/* ---- settings ------------------------------------------------------------ */

static long env_number(const char *name)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return -1;
	char *end;
	long v = strtol(s, &end, 10);
	return *end || v < 0 ? -1 : v;
}

int q_threads(void)
{
	long n = env_number("QUARRY_THREADS");
	if (n < 1) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		if (n < 1)
			n = 1;
	}
	return n > Q_MAX_THREADS ? Q_MAX_THREADS : (int)n;
}

size_t q_chunk_bytes(void)
{
	long n = env_number("QUARRY_CHUNK_BYTES");
	return n > 0 ? (size_t)n : Q_CHUNK_BYTES;
}

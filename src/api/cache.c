/* Rendered /vmrest GET bodies for the current store generation: a chained hash table under
 * one mutex, least recently used entries evicted first. */
#include "api/cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 1024 /* a power of two */

struct entry {
	struct entry *chain;      /* next in the bucket */
	struct entry *prev, *next; /* recency list: head is the most recent */
	uint64_t hash;
	size_t klen, len;
	char data[]; /* key, then body */
};

struct cache {
	pthread_mutex_t mu;
	size_t max, bytes, entries;
	unsigned long long gen; /* every entry belongs to it */
	unsigned long hits, misses;
	struct entry *head, *tail;
	struct entry *bucket[NBUCKETS];
};

static uint64_t hash_of(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static size_t cost(const struct entry *e)
{
	return sizeof(*e) + e->klen + e->len;
}

struct cache *cache_new(size_t max_bytes)
{
	if (!max_bytes)
		return NULL;
	struct cache *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	pthread_mutex_init(&c->mu, NULL);
	c->max = max_bytes;
	return c;
}

static void unlink_lru(struct cache *c, struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void push_lru(struct cache *c, struct entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

static void drop(struct cache *c, struct entry *e)
{
	struct entry **p = &c->bucket[e->hash & (NBUCKETS - 1)];
	while (*p != e)
		p = &(*p)->chain;
	*p = e->chain;
	unlink_lru(c, e);
	c->bytes -= cost(e);
	c->entries--;
	free(e);
}

static void clear(struct cache *c)
{
	for (struct entry *e = c->head, *n; e; e = n) {
		n = e->next;
		free(e);
	}
	memset(c->bucket, 0, sizeof(c->bucket));
	c->head = c->tail = NULL;
	c->bytes = c->entries = 0;
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	clear(c);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static struct entry *find(struct cache *c, const char *key, size_t klen, uint64_t h)
{
	for (struct entry *e = c->bucket[h & (NBUCKETS - 1)]; e; e = e->chain)
		if (e->hash == h && e->klen == klen && !memcmp(e->data, key, klen))
			return e;
	return NULL;
}

bool cache_get(struct cache *c, const char *key, size_t klen, unsigned long long gen,
	       struct buf *out)
{
	if (!c)
		return false;
	uint64_t h = hash_of(key, klen);
	pthread_mutex_lock(&c->mu);
	struct entry *e = gen == c->gen ? find(c, key, klen, h) : NULL;
	if (e) {
		c->hits++;
		if (c->head != e) {
			unlink_lru(c, e);
			push_lru(c, e);
		}
		buf_put(out, e->data + klen, e->len); /* copied under the lock: e may go next */
	} else {
		c->misses++;
	}
	pthread_mutex_unlock(&c->mu);
	return e && !out->oom;
}

void cache_put(struct cache *c, const char *key, size_t klen, unsigned long long gen,
	       const char *body, size_t len)
{
	if (!c || klen + len > c->max / 4)
		return;
	uint64_t h = hash_of(key, klen);
	/* Built outside the lock; thrown away if another thread got there first. */
	struct entry *n = malloc(sizeof(*n) + klen + len);
	if (!n)
		return;
	*n = (struct entry){.hash = h, .klen = klen, .len = len};
	memcpy(n->data, key, klen);
	memcpy(n->data + klen, body, len);
	pthread_mutex_lock(&c->mu);
	if (gen > c->gen) {
		clear(c);
		c->gen = gen;
	}
	if (gen < c->gen || find(c, key, klen, h)) {
		pthread_mutex_unlock(&c->mu);
		free(n);
		return;
	}
	while (c->tail && c->bytes + cost(n) > c->max)
		drop(c, c->tail);
	n->chain = c->bucket[h & (NBUCKETS - 1)];
	c->bucket[h & (NBUCKETS - 1)] = n;
	push_lru(c, n);
	c->bytes += cost(n);
	c->entries++;
	pthread_mutex_unlock(&c->mu);
}

void cache_stats(struct cache *c, unsigned long *hits, unsigned long *misses, size_t *bytes,
		 size_t *entries)
{
	*hits = *misses = 0;
	*bytes = *entries = 0;
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	*hits = c->hits;
	*misses = c->misses;
	*bytes = c->bytes;
	*entries = c->entries;
	pthread_mutex_unlock(&c->mu);
}

/* Rendered /vmrest GET bodies, kept for one store generation (store_ops.data_version): a
 * commit by any process moves the generation and so retires every entry at once. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

struct cache;

/* A cache holding at most max_bytes of keys and bodies; NULL when max_bytes is 0 (no cache)
 * or out of memory. Free with cache_free (NULL is a no-op). Safe for several threads. */
struct cache *cache_new(size_t max_bytes);
void cache_free(struct cache *c);

/* Appends the body kept under key for generation gen to out and returns true; false when
 * there is none (c may be NULL). */
bool cache_get(struct cache *c, const char *key, size_t klen, unsigned long long gen,
	       struct buf *out);
/* Keeps body under key for generation gen. gen must have been read before the data the body
 * shows. A generation older than the newest one seen is ignored; a newer one drops every
 * entry. Bodies over a quarter of max_bytes are not kept. */
void cache_put(struct cache *c, const char *key, size_t klen, unsigned long long gen,
	       const char *body, size_t len);
/* Counters for /cupid/metrics. */
void cache_stats(struct cache *c, unsigned long *hits, unsigned long *misses, size_t *bytes,
		 size_t *entries);

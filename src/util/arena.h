/* Per-request bump allocator with a hard cap: everything a request allocates is freed in
 * one call, and a hostile request runs into the cap (413/400), never into OOM. */
#pragma once
#include <stddef.h>

struct arena;

/* Returns a new arena that will hand out at most cap bytes in total; NULL on OOM.
 * Free with arena_free(). */
struct arena *arena_new(size_t cap);
/* Frees every allocation and the arena itself. arena_free(NULL) is a no-op. */
void arena_free(struct arena *a);
/* Returns n bytes aligned for any type, or NULL when the cap would be exceeded. */
void *arena_alloc(struct arena *a, size_t n);
/* Returns a NUL-terminated copy of s[0..n), or NULL past the cap. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* printf into the arena; NULL past the cap. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

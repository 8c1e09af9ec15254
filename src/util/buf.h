/* Growable byte buffer for response bodies and SQL text. */
#pragma once
#include <stddef.h>

struct buf {
	char *data; /* NUL-terminated whenever len > 0; owned, free with buf_free() */
	size_t len, cap;
	int oom;    /* set when an allocation failed; later appends are dropped */
};

void buf_put(struct buf *b, const void *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Room for n more bytes (and the NUL): where to write them, or NULL when out of memory. The
 * bytes count once buf_advance says how many were written. */
char *buf_reserve(struct buf *b, size_t n);
void buf_advance(struct buf *b, size_t n);
/* Frees the storage and zeroes the struct. buf_free on a zeroed struct is a no-op. */
void buf_free(struct buf *b);

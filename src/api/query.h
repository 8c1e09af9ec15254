/* The collection parameters rowsPerPage, pageNumber, query and sort (SPEC §3). */
#pragma once
#include <stddef.h>

#include "store/store.h"

struct arena;

#define QUERY_MAX_ROWS 2000

/* Parses the raw query string (may be NULL) into q for a listing of r. Returns 0, or
 * ERR_INVALID with a message naming the parameter in err. */
int query_parse(const char *raw, const struct resource *r, struct arena *a, struct listq *q,
		char *err, size_t errlen);
/* Percent-decodes s[0..n) (with '+' as space when plus) into the arena. Returns NULL on a bad
 * %-sequence, a NUL byte, or invalid UTF-8. */
char *query_decode(const char *s, size_t n, int plus, struct arena *a);
/* True if s[0..n) is valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
int utf8_valid(const unsigned char *s, size_t n);

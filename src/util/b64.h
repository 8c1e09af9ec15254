/* Base64 (RFC 4648, standard alphabet, with padding). */
#pragma once
#include <stddef.h>

/* Decodes src[0..n) into out (room for n/4*3 bytes). Returns the decoded length, or -1 if src
 * is not valid padded base64. */
long b64_decode(const char *src, size_t n, unsigned char *out);
/* Encodes src[0..n) into out (room for (n+2)/3*4+1 bytes), NUL-terminated. Returns length. */
size_t b64_encode(const unsigned char *src, size_t n, char *out);

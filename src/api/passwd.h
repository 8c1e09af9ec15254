/* Password hashing for stored users: salted PBKDF2-HMAC-SHA256 via GnuTLS, constant-time
 * compare. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define PASSWD_HASH_MAX 160

/* Writes a self-describing hash string "pbkdf2-sha256$<iter>$<salt b64>$<hash b64>" of
 * password into out (PASSWD_HASH_MAX bytes), with a fresh 16-byte salt from getrandom(2).
 * Returns 0 or -1. */
int passwd_hash(const char *password, size_t len, char out[PASSWD_HASH_MAX]);
/* True if password matches a string made by passwd_hash (constant-time compare). */
bool passwd_verify(const char *password, size_t len, const char *stored);
/* Writes n random characters from [A-Za-z0-9] and a NUL into out (n+1 bytes). Returns 0/-1. */
int passwd_random(char *out, size_t n);

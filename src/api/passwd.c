/* Salted PBKDF2-HMAC-SHA256 password hashes in a self-describing string, verified in
 * constant time, and random passwords for the first-start admin account (SPEC §6.9). */
#include "api/passwd.h"

#include "util/b64.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#define PREFIX "pbkdf2-sha256$"
/* Measured on the build machine (AMD EPYC, GnuTLS 3.7.9): 10000 iterations take 1.25 ms,
 * 25000 take 3.1-3.5 ms, so one verify lands inside the 2-5 ms budget. A verified header
 * is cached by the caller, so this cost is paid once per credential, not per request. */
#define ITERATIONS 25000
/* Stored strings with more iterations than this (40x ours, about 130 ms) are refused, so
 * that a crafted row cannot make one login cost seconds. */
#define MAX_ITERATIONS 1000000UL
#define SALT_LEN       16
#define HASH_LEN       32
#define MAX_B64	       88		 /* longest base64 salt or hash field accepted */
#define MAX_RAW	       (MAX_B64 / 4 * 3) /* the most bytes such a field decodes to */

/* Fills buf with n bytes from the kernel's CSPRNG. Returns 0 or -1. */
static int fill_random(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int derive(const char *password, size_t len, const unsigned char *salt, size_t saltlen,
		  unsigned iter, unsigned char *out, size_t outlen)
{
	gnutls_datum_t key = {(unsigned char *)password, (unsigned)len};
	gnutls_datum_t s = {(unsigned char *)salt, (unsigned)saltlen};
	return gnutls_pbkdf2(GNUTLS_MAC_SHA256, &key, &s, iter, out, outlen) < 0 ? -1 : 0;
}

int passwd_hash(const char *password, size_t len, char out[PASSWD_HASH_MAX])
{
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	char salt64[MAX_B64 + 1], hash64[MAX_B64 + 1];
	int rc = -1;

	if (len > 0xffffffffu || fill_random(salt, sizeof(salt)))
		goto out;
	if (derive(password, len, salt, sizeof(salt), ITERATIONS, hash, sizeof(hash)))
		goto out;
	b64_encode(salt, sizeof(salt), salt64);
	b64_encode(hash, sizeof(hash), hash64);
	int n = snprintf(out, PASSWD_HASH_MAX, PREFIX "%u$%s$%s", ITERATIONS, salt64, hash64);
	if (n < 0 || n >= PASSWD_HASH_MAX)
		goto out;
	rc = 0;
out:
	gnutls_memset(hash, 0, sizeof(hash));
	return rc;
}

/* Decodes the base64 field s[0..n) into out. Returns the length, or -1 when it is empty, too
 * long or not base64. */
static long decode_field(const char *s, size_t n, unsigned char out[MAX_RAW])
{
	if (n == 0 || n > MAX_B64)
		return -1;
	return b64_decode(s, n, out);
}

bool passwd_verify(const char *password, size_t len, const char *stored)
{
	unsigned char salt[MAX_RAW], want[MAX_RAW], got[MAX_RAW];
	bool ok = false;

	if (!stored || strncmp(stored, PREFIX, strlen(PREFIX)) || len > 0xffffffffu)
		return false;
	const char *p = stored + strlen(PREFIX);

	/* Iterations: plain decimal, no sign, no leading zero, 1..MAX_ITERATIONS. */
	unsigned long iter = 0;
	const char *q = p;
	if (*q < '1' || *q > '9')
		return false;
	while (*q >= '0' && *q <= '9') {
		iter = iter * 10 + (unsigned long)(*q - '0');
		if (iter > MAX_ITERATIONS)
			return false;
		q++;
	}
	if (*q != '$')
		return false;

	const char *s = q + 1, *d = strchr(s, '$');
	if (!d || strchr(d + 1, '$'))
		return false;
	long saltlen = decode_field(s, (size_t)(d - s), salt);
	long hashlen = decode_field(d + 1, strlen(d + 1), want);
	/* A hash shorter than 16 bytes would be too weak to be one of ours. */
	if (saltlen < 1 || hashlen < 16)
		return false;
	if (derive(password, len, salt, (size_t)saltlen, (unsigned)iter, got, (size_t)hashlen))
		goto out;
	ok = gnutls_memcmp(got, want, (size_t)hashlen) == 0;
out:
	gnutls_memset(got, 0, sizeof(got));
	return ok;
}

int passwd_random(char *out, size_t n)
{
	static const char CHARS[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char pool[64];
	size_t have = 0, used = 0, o = 0;

	while (o < n) {
		if (used == have) {
			if (fill_random(pool, sizeof(pool)))
				return -1;
			have = sizeof(pool);
			used = 0;
		}
		unsigned char b = pool[used++];
		/* 248 = 4 * 62: rejecting the bytes above it keeps every character equally likely.
		 */
		if (b < 248)
			out[o++] = CHARS[b % 62];
	}
	out[n] = 0;
	gnutls_memset(pool, 0, sizeof(pool));
	return 0;
}

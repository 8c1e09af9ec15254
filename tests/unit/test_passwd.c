/* Unit tests for api/passwd: hash/verify round trips, the stored format, malformed stored
 * strings, and random passwords. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gnutls/crypto.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/passwd.h"
#include "util/b64.h"

static void test_round_trip(void **state)
{
	(void)state;
	char h[PASSWD_HASH_MAX];
	assert_int_equal(passwd_hash("hunter2", 7, h), 0);
	assert_true(strlen(h) < PASSWD_HASH_MAX);
	assert_true(strncmp(h, "pbkdf2-sha256$", 14) == 0);
	assert_true(passwd_verify("hunter2", 7, h));
}

static void test_wrong_password(void **state)
{
	(void)state;
	char h[PASSWD_HASH_MAX];
	assert_int_equal(passwd_hash("hunter2", 7, h), 0);
	assert_false(passwd_verify("hunter3", 7, h));
	assert_false(passwd_verify("hunter", 6, h));
	assert_false(passwd_verify("hunter22", 8, h));
	assert_false(passwd_verify("HUNTER2", 7, h));
	assert_false(passwd_verify("", 0, h));
}

static void test_length_is_explicit(void **state)
{
	(void)state;
	char h[PASSWD_HASH_MAX];
	/* Passwords are byte strings: a NUL inside counts, and so does the empty password. */
	assert_int_equal(passwd_hash("a\0b", 3, h), 0);
	assert_true(passwd_verify("a\0b", 3, h));
	assert_false(passwd_verify("a", 1, h));
	assert_int_equal(passwd_hash("", 0, h), 0);
	assert_true(passwd_verify("", 0, h));
	assert_false(passwd_verify("x", 1, h));
}

static void test_two_hashes_differ(void **state)
{
	(void)state;
	char a[PASSWD_HASH_MAX], b[PASSWD_HASH_MAX];
	assert_int_equal(passwd_hash("same", 4, a), 0);
	assert_int_equal(passwd_hash("same", 4, b), 0);
	assert_string_not_equal(a, b);
	assert_true(passwd_verify("same", 4, a));
	assert_true(passwd_verify("same", 4, b));
}

/* A string built here by the documented format verifies: the format is the contract, since
 * hashes are kept in a database that outlives any one build. */
static void test_documented_format(void **state)
{
	(void)state;
	const unsigned char salt[5] = {1, 2, 3, 4, 5};
	unsigned char hash[20];
	char salt64[16], hash64[32], stored[PASSWD_HASH_MAX];
	gnutls_datum_t key = {(unsigned char *)"pw", 2}, s = {(unsigned char *)salt, 5};
	assert_int_equal(gnutls_pbkdf2(GNUTLS_MAC_SHA256, &key, &s, 3, hash, sizeof(hash)), 0);
	b64_encode(salt, sizeof(salt), salt64);
	b64_encode(hash, sizeof(hash), hash64);
	snprintf(stored, sizeof(stored), "pbkdf2-sha256$3$%s$%s", salt64, hash64);
	assert_true(passwd_verify("pw", 2, stored));
	assert_false(passwd_verify("pW", 2, stored));
	snprintf(stored, sizeof(stored), "pbkdf2-sha256$4$%s$%s", salt64, hash64);
	assert_false(passwd_verify("pw", 2, stored));
}

static void test_malformed_stored(void **state)
{
	(void)state;
	char h[PASSWD_HASH_MAX], buf[2 * PASSWD_HASH_MAX];
	assert_int_equal(passwd_hash("pw", 2, h), 0);
	const char *iter = h + strlen("pbkdf2-sha256$");
	const char *salt = strchr(iter, '$') + 1;
	const char *hash = strchr(salt, '$') + 1;
	int ilen = (int)(salt - 1 - iter), slen = (int)(hash - 1 - salt);

	static const char *const bad[] = {
	    "",
	    "pbkdf2-sha256$",
	    "pbkdf2-sha256$$$",
	    "pbkdf2-sha256$1$$",
	    "pbkdf2-sha1$1$AAAA$AAAAAAAAAAAAAAAAAAAAAA==",
	    "PBKDF2-SHA256$1$AAAA$AAAAAAAAAAAAAAAAAAAAAA==",
	    "pw",
	    "$pbkdf2-sha256$1$AAAA$AAAAAAAAAAAAAAAAAAAAAA==",
	    "pbkdf2-sha256$0$AAAA$AAAAAAAAAAAAAAAAAAAAAA==",
	    "pbkdf2-sha256$-1$AAAA$AAAAAAAAAAAAAAAAAAAAAA==",
	    "pbkdf2-sha256$01$AAAA$AAAAAAAAAAAAAAAAAAAAAA==",
	    "pbkdf2-sha256$ 1$AAAA$AAAAAAAAAAAAAAAAAAAAAA==",
	    "pbkdf2-sha256$99999999999999999999$AAAA$AAAAAAAAAAAAAAAAAAAAAA==",
	    "pbkdf2-sha256$1000001$AAAA$AAAAAAAAAAAAAAAAAAAAAA==", /* too costly to try */
	    "pbkdf2-sha256$1$$AAAAAAAAAAAAAAAAAAAAAA==",	   /* empty salt */
	    "pbkdf2-sha256$1$AAAA$",				   /* empty hash */
	    "pbkdf2-sha256$1$AAAA$AAAA",			   /* hash too short */
	    "pbkdf2-sha256$1$AA$AAAAAAAAAAAAAAAAAAAAAA==",	   /* salt not padded base64 */
	    "pbkdf2-sha256$1$AAAA$AAAAAAAAAAAAAAAAAAAAAA",	   /* hash not padded base64 */
	    "pbkdf2-sha256$1$AAAA$AAAAAAAAAAAAAAAAAAAAAA==$",
	    "pbkdf2-sha256$1$AAAA$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
	    "pbkdf2-sha256$1$AAAA",
	    "pbkdf2-sha256$1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(passwd_verify("pw", 2, bad[i]));
	assert_false(passwd_verify("pw", 2, NULL));

	/* The real hash with one part damaged. */
	snprintf(buf, sizeof(buf), "%s ", h);
	assert_false(passwd_verify("pw", 2, buf));
	snprintf(buf, sizeof(buf), " %s", h);
	assert_false(passwd_verify("pw", 2, buf));
	snprintf(buf, sizeof(buf), "pbkdf2-sha256$%.*sx$%s", ilen, iter, salt);
	assert_false(passwd_verify("pw", 2, buf));
	snprintf(buf, sizeof(buf), "pbkdf2-sha256$%.*s$%.*s", ilen, iter, slen, salt);
	assert_false(passwd_verify("pw", 2, buf));
	snprintf(buf, sizeof(buf), "%s", h);
	buf[strlen(buf) - 3] = buf[strlen(buf) - 3] == 'A' ? 'B' : 'A';
	assert_false(passwd_verify("pw", 2, buf));
	/* Over-long salt field (more than 64 bytes of salt). */
	char longsalt[200];
	memset(longsalt, 'A', 120);
	longsalt[120] = 0;
	snprintf(buf, sizeof(buf), "pbkdf2-sha256$1$%s$%s", longsalt, hash);
	assert_false(passwd_verify("pw", 2, buf));
}

static void test_random(void **state)
{
	(void)state;
	char a[21], b[21];
	assert_int_equal(passwd_random(a, 20), 0);
	assert_int_equal(passwd_random(b, 20), 0);
	assert_int_equal(strlen(a), 20);
	assert_int_equal(
	    strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"), 20);
	assert_string_not_equal(a, b);

	/* Long enough to need more than one refill, and every character class shows up. */
	char big[1001];
	assert_int_equal(passwd_random(big, 1000), 0);
	assert_int_equal(strlen(big), 1000);
	assert_non_null(strpbrk(big, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
	assert_non_null(strpbrk(big, "abcdefghijklmnopqrstuvwxyz"));
	assert_non_null(strpbrk(big, "0123456789"));

	char empty[1] = {'x'};
	assert_int_equal(passwd_random(empty, 0), 0);
	assert_int_equal(empty[0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_wrong_password),
	    cmocka_unit_test(test_length_is_explicit),
	    cmocka_unit_test(test_two_hashes_differ),
	    cmocka_unit_test(test_documented_format),
	    cmocka_unit_test(test_malformed_stored),
	    cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests_name("passwd", tests, NULL, NULL);
}

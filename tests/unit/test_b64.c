/* Unit tests for util/b64: RFC 4648 vectors, binary round trips, and strict decoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "util/b64.h"

static const char *const VECTORS[][2] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
    {"Aladdin:open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="},
};

static void test_rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(VECTORS) / sizeof(VECTORS[0]); i++) {
		const char *plain = VECTORS[i][0], *enc = VECTORS[i][1];
		char out[64];
		unsigned char dec[64];
		assert_int_equal(b64_encode((const unsigned char *)plain, strlen(plain), out),
				 strlen(enc));
		assert_string_equal(out, enc);
		long n = b64_decode(enc, strlen(enc), dec);
		assert_int_equal(n, (long)strlen(plain));
		assert_memory_equal(dec, plain, (size_t)n);
	}
}

static void test_binary_round_trip(void **state)
{
	(void)state;
	unsigned char src[256], dec[256 + 3];
	char enc[(256 + 2) / 3 * 4 + 1];
	for (int i = 0; i < 256; i++)
		src[i] = (unsigned char)(255 - i);
	for (size_t n = 0; n <= sizeof(src); n++) {
		size_t len = b64_encode(src, n, enc);
		assert_int_equal(len, (n + 2) / 3 * 4);
		assert_int_equal(strlen(enc), len);
		assert_int_equal(b64_decode(enc, len, dec), (long)n);
		assert_memory_equal(dec, src, n);
	}
}

static void test_all_alphabet(void **state)
{
	(void)state;
	const char *enc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char dec[48];
	char back[65];
	assert_int_equal(b64_decode(enc, 64, dec), 48);
	b64_encode(dec, 48, back);
	assert_string_equal(back, enc);
}

static void test_rejects_invalid(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "Zg",	   /* missing padding */
	    "Zg=",	   /* length not a multiple of 4 */
	    "Z===",	   /* too much padding */
	    "====",	   /* only padding */
	    "Zg=a",	   /* data after padding */
	    "Zg==Zm9v",	   /* padding before the last quantum */
	    "Zm9v ",	   /* white space */
	    "Zm9\n",	   /* newline */
	    "Zm-v",	   /* URL-safe alphabet */
	    "Zm_v",	   /* URL-safe alphabet */
	    "Zm9v\x80xx=", /* non-ASCII */
	};
	unsigned char dec[16];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(b64_decode(bad[i], strlen(bad[i]), dec), -1);
	/* An embedded NUL is invalid even when the length covers it. */
	assert_int_equal(b64_decode("Zm\0v", 4, dec), -1);
}

static void test_decode_uses_length_not_nul(void **state)
{
	(void)state;
	unsigned char dec[8];
	/* Only the first 4 characters are looked at. */
	assert_int_equal(b64_decode("Zm9vYmFy", 4, dec), 3);
	assert_memory_equal(dec, "foo", 3);
	assert_int_equal(b64_decode("Zm9v", 0, dec), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc4648_vectors),
	    cmocka_unit_test(test_binary_round_trip),
	    cmocka_unit_test(test_all_alphabet),
	    cmocka_unit_test(test_rejects_invalid),
	    cmocka_unit_test(test_decode_uses_length_not_nul),
	};
	return cmocka_run_group_tests_name("b64", tests, NULL, NULL);
}

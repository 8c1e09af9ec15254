/* Unit tests for api/auth: decoding of the Authorization header (auth_decode, SPEC §2.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "api/auth.h"
#include "util/b64.h"

struct dec {
	char user[AUTH_USER_MAX + 1];
	unsigned char buf[AUTH_DEC_MAX];
	const char *pw;
	size_t pwlen;
};

static int decode(const char *hdr, struct dec *d)
{
	memset(d, 0, sizeof(*d));
	return auth_decode(hdr, d->user, d->buf, &d->pw, &d->pwlen);
}

/* "Basic " + base64 of raw[0..n). */
static const char *basic(const void *raw, size_t n)
{
	static char out[2048];
	memcpy(out, "Basic ", 6);
	b64_encode(raw, n, out + 6);
	return out;
}

static void test_decodes(void **state)
{
	(void)state;
	struct dec d;
	assert_int_equal(decode(basic("Admin:s3cret", 12), &d), 0);
	assert_string_equal(d.user, "admin"); /* user names are case-insensitive */
	assert_int_equal(d.pwlen, 6);
	assert_memory_equal(d.pw, "s3cret", 6);
	/* the scheme in any case, spaces around the credentials, ':' inside the password */
	char hdr[64];
	snprintf(hdr, sizeof(hdr), "bAsIc   %s  ", basic("u:a:b", 5) + 6);
	assert_int_equal(decode(hdr, &d), 0);
	assert_string_equal(d.user, "u");
	assert_int_equal(d.pwlen, 3);
	assert_memory_equal(d.pw, "a:b", 3);
	/* an empty password decodes (the password check refuses it) */
	assert_int_equal(decode(basic("u:", 2), &d), 0);
	assert_int_equal(d.pwlen, 0);
	/* a NUL inside the password is part of it */
	assert_int_equal(decode(basic("u:p\0q", 5), &d), 0);
	assert_int_equal(d.pwlen, 3);
	assert_memory_equal(d.pw, "p\0q", 3);
}

static void test_refuses(void **state)
{
	(void)state;
	struct dec d;
	char name65[80];
	memset(name65, 'a', 65);
	memcpy(name65 + 65, ":pw", 3);
	const char *bad[] = {
		"",
		"Basic",
		"Basic ",
		"Bearer YWRtaW46cHc=",
		"Basic YWRtaW46cHc",   /* no padding */
		"Basic YWRt!W46cHc=",  /* not base64 */
		"BasicYWRtaW46cHc=",   /* no space after the scheme */
		basic("admin", 5),     /* no ':' */
		basic(":pw", 3),       /* empty user name */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (decode(bad[i], &d) != ERR_AUTH)
			fail_msg("accepted: '%s'", bad[i]);
	assert_int_equal(decode(basic(name65, 68), &d), ERR_AUTH); /* name over 64 bytes */
	memset(name65 + 64, ':', 1);
	assert_int_equal(decode(basic(name65, 65), &d), 0); /* 64 bytes is fine */
	/* base64 over 1024 characters */
	static char huge[1200];
	memcpy(huge, "Basic ", 6);
	memset(huge + 6, 'A', 1028);
	assert_int_equal(decode(huge, &d), ERR_AUTH);
}

/* "admin\0junk:pw" once decoded as user "admin" (the name was read as a C string), so a
 * header the client never meant for admin could log in as admin. */
static void test_nul_in_user_name(void **state)
{
	(void)state;
	struct dec d;
	assert_int_equal(decode(basic("admin\0junk:adminpw", 18), &d), ERR_AUTH);
	assert_int_equal(decode(basic("\0:pw", 4), &d), ERR_AUTH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decodes),
		cmocka_unit_test(test_refuses),
		cmocka_unit_test(test_nul_in_user_name),
	};
	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}

/* Unit tests for http/negotiate: Accept negotiation and the body's Content-Type (SPEC §2.3),
 * and X-Request-Id (SPEC §2.8). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "http/negotiate.h"
#include "util/arena.h"

#define NF(a) (sizeof(a) / sizeof((a)[0]))

/* What an Accept value should give: XML, JSON, or 406. */
enum want { W_XML = FMT_XML, W_JSON = FMT_JSON, W_406 = 0 };

struct row {
	const char *accept;
	enum want want;
};

static void check_rows(const struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum fmt f = (enum fmt)0;
		bool ok = http_negotiate(rows[i].accept, &f);
		const char *a = rows[i].accept ? rows[i].accept : "(absent)";
		if (rows[i].want == W_406) {
			if (ok)
				fail_msg("Accept: %s gave %s, want 406", a,
					 f == FMT_JSON ? "JSON" : "XML");
			continue;
		}
		if (!ok)
			fail_msg("Accept: %s gave 406, want %s", a,
				 rows[i].want == W_JSON ? "JSON" : "XML");
		if ((int)f != (int)rows[i].want)
			fail_msg("Accept: %s gave %s, want %s", a, f == FMT_JSON ? "JSON" : "XML",
				 rows[i].want == W_JSON ? "JSON" : "XML");
	}
}

/* Every row of the table in SPEC §2.3. */
static void test_spec_table(void **state)
{
	(void)state;
	static const struct row rows[] = {
	    {NULL, W_XML},
	    {"*/*", W_XML},
	    {"application/json", W_JSON},
	    {"application/json, */*", W_JSON},
	    {"application/xml, */*", W_XML},
	    {"application/xml, application/json", W_JSON},
	    {"application/json;q=0, */*", W_XML},
	    {"text/html", W_406},
	};
	check_rows(rows, NF(rows));
}

static void test_absent_or_empty(void **state)
{
	(void)state;
	static const struct row rows[] = {
	    {NULL, W_XML},
	    {"", W_XML},
	    {" ", W_XML},
	    {"\t ", W_XML},
	};
	check_rows(rows, NF(rows));
}

static void test_q_zero(void **state)
{
	(void)state;
	static const struct row rows[] = {
	    {"application/json;q=0.0, */*", W_XML},
	    {"application/json;q=0.00, */*", W_XML},
	    {"application/json;q=0.000, */*", W_XML},
	    {"application/json;Q=0.000, */*", W_XML},
	    {"application/json;Q=0, */*", W_XML},
	    {"application/json; q=0, */*", W_XML},
	    {"application/json ;q=0, */*", W_XML},
	    {"application/json ; q=0 , */*", W_XML},
	    {"application/json;\tq=0.0\t,\t*/*", W_XML},
	    {"application/json;  q=0.00  ,*/*", W_XML},
	    {"application/json;level=1;q=0, */*", W_XML},
	    {"application/json;q=0;level=1, */*", W_XML},
	    {"application/json;charset=utf-8; q=0, application/xml", W_XML},
	    {"*/*, application/json;q=0", W_XML},
	    {"application/xml, application/json;q=0.0", W_XML},
	    {"text/html, text/xml, application/json;Q=0.00", W_XML},
	    /* a range with q other than zero stays */
	    {"application/json;q=0.001", W_JSON},
	    {"application/json;q=0.5, */*", W_JSON},
	    {"application/json;q=1", W_JSON},
	    {"application/json;q=1.0", W_JSON},
	    {"application/json;q=0.01", W_JSON},
	    {"application/json;q=0.1, application/xml", W_JSON},
	    {"application/xml;q=1, application/json;q=0.1", W_JSON},
	    {"application/xml;q=0.1, application/json", W_JSON},
	    /* q=0 on one range never drops another */
	    {"application/xml;q=0, application/json", W_JSON},
	    {"application/json, application/json;q=0", W_JSON},
	};
	check_rows(rows, NF(rows));
}

/* SPEC §2.3 1: if every range is dropped, the answer is 406. */
static void test_all_dropped(void **state)
{
	(void)state;
	static const struct row rows[] = {
	    {"application/json;q=0", W_406},
	    {"*/*;q=0", W_406},
	    {"application/xml;q=0.0", W_406},
	    {"application/json;q=0, */*;q=0", W_406},
	    {"application/json;q=0, application/xml;q=0.000", W_406},
	    {"application/json;Q=0.00, text/xml; q=0, application/*;q=0, */*;q=0.0", W_406},
	    {"text/html, application/json;q=0", W_406},
	};
	check_rows(rows, NF(rows));
}

static void test_xml_types(void **state)
{
	(void)state;
	static const struct row rows[] = {
	    {"application/xml", W_XML},
	    {"text/xml", W_XML},
	    {"application/*", W_XML},
	    {"*/*", W_XML},
	    {"text/html, text/xml", W_XML},
	    {"image/png, application/*", W_XML},
	    {"text/html, */*", W_XML},
	    {"text/html;level=1, */*;q=0.1", W_XML},
	    /* the wildcards give XML even next to a JSON-looking type */
	    {"application/jsonx, */*", W_XML},
	};
	check_rows(rows, NF(rows));
}

static void test_406(void **state)
{
	(void)state;
	static const struct row rows[] = {
	    {"text/html", W_406},
	    {"text/*", W_406},
	    {"text/plain", W_406},
	    {"image/png, text/html", W_406},
	    {"application/xhtml+xml", W_406},
	    {"application/jsonx", W_406},
	    {"application/json-seq", W_406},
	    {"application/x-json", W_406},
	    {"text/json", W_406},
	    {"json", W_406},
	    {"xml", W_406},
	    {"application", W_406},
	    {"*", W_406},
	    {"*/xml", W_406},
	    {"*/json", W_406},
	    {"application/soap+xml", W_406},
	};
	check_rows(rows, NF(rows));
}

static void test_case_and_params(void **state)
{
	(void)state;
	static const struct row rows[] = {
	    {"Application/JSON", W_JSON},
	    {"APPLICATION/JSON", W_JSON},
	    {"Application/Xml", W_XML},
	    {"TEXT/XML", W_XML},
	    {"APPLICATION/*", W_XML},
	    {"TEXT/HTML", W_406},
	    {"application/json;charset=utf-8", W_JSON},
	    {"application/json; charset=UTF-8; version=2", W_JSON},
	    {"application/xml; charset=UTF-8", W_XML},
	    {"text/html;charset=utf-8", W_406},
	    {"  application/json  ", W_JSON},
	    {"\tapplication/json\t,\t*/*", W_JSON},
	    {"text/html,application/json", W_JSON},
	    {"text/html,,application/json", W_JSON},
	    {"application/json,", W_JSON},
	    {",application/xml", W_XML},
	};
	check_rows(rows, NF(rows));
}

/* A long header with many ranges: only the meaning matters. */
static void test_long_accept(void **state)
{
	(void)state;
	size_t n = 4000;
	char *s = malloc(n * 12 + 32);
	assert_non_null(s);
	s[0] = 0;
	for (size_t i = 0; i < n; i++)
		strcat(s, "text/html, ");
	strcat(s, "application/json");
	enum fmt f = (enum fmt)0;
	assert_true(http_negotiate(s, &f));
	assert_int_equal(f, FMT_JSON);
	free(s);

	/* an overlong media type is not mistaken for a known one by truncation */
	char *t = malloc(400);
	assert_non_null(t);
	strcpy(t, "application/json");
	memset(t + 16, 'x', 300);
	t[316] = 0;
	assert_false(http_negotiate(t, &f));
	strcpy(t, "application/xml;");
	memset(t + 16, 'a', 300);
	memcpy(t + 100, "q=0", 3);
	t[316] = 0;
	/* a long parameter that is not q=0 does not drop the range */
	assert_true(http_negotiate(t, &f));
	assert_int_equal(f, FMT_XML);
	free(t);
}

/* ---- Content-Type of the request body ---- */

static void test_body_format(void **state)
{
	(void)state;
	assert_int_equal(http_body_format("application/xml"), FMT_XML);
	assert_int_equal(http_body_format("text/xml"), FMT_XML);
	assert_int_equal(http_body_format("application/json"), FMT_JSON);
	assert_int_equal(http_body_format("Application/JSON"), FMT_JSON);
	assert_int_equal(http_body_format("APPLICATION/XML"), FMT_XML);
	assert_int_equal(http_body_format("Text/Xml"), FMT_XML);
	assert_int_equal(http_body_format("application/json; charset=utf-8"), FMT_JSON);
	assert_int_equal(http_body_format("application/json;charset=UTF-8"), FMT_JSON);
	assert_int_equal(http_body_format("application/xml;charset=UTF-8;x=y"), FMT_XML);
	assert_int_equal(http_body_format("text/xml ; charset=iso-8859-1"), FMT_XML);
	assert_int_equal(http_body_format(" application/json "), FMT_JSON);
	assert_int_equal(http_body_format("\tapplication/xml"), FMT_XML);

	assert_int_equal(http_body_format(NULL), 0);
	assert_int_equal(http_body_format(""), 0);
	assert_int_equal(http_body_format(" "), 0);
	assert_int_equal(http_body_format("text/plain"), 0);
	assert_int_equal(http_body_format("application/*"), 0);
	assert_int_equal(http_body_format("*/*"), 0);
	assert_int_equal(http_body_format("text/*"), 0);
	assert_int_equal(http_body_format("application/x-www-form-urlencoded"), 0);
	assert_int_equal(http_body_format("multipart/form-data; boundary=x"), 0);
	assert_int_equal(http_body_format("application/jsonp"), 0);
	assert_int_equal(http_body_format("application/json-patch+json"), 0);
	assert_int_equal(http_body_format("application/xhtml+xml"), 0);
	assert_int_equal(http_body_format("application/soap+xml"), 0);
	assert_int_equal(http_body_format("text/json"), 0);
	assert_int_equal(http_body_format("json"), 0);
	assert_int_equal(http_body_format("xml"), 0);
	assert_int_equal(http_body_format(";application/json"), 0);
	assert_int_equal(http_body_format("application /json"), 0);
}

/* ---- X-Request-Id (SPEC §2.8) ---- */

static void is_generated(const char *id)
{
	assert_non_null(id);
	assert_int_equal(strlen(id), 32);
	assert_int_equal(strspn(id, "0123456789abcdef"), 32);
}

static void test_request_id_kept(void **state)
{
	(void)state;
	struct arena *a = arena_new(1 << 16);
	assert_non_null(a);
	char s64[65];
	memset(s64, 'Z', 64);
	s64[64] = 0;
	const char *good[] = {
	    "a",	"0",
	    ".",	"-",
	    "_",	"abc-123_X.y",
	    "9f8e7d6c", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._",
	    s64,	"0b6f3c4e-2d8a-4f1b-9c3e-5a7d9e1f2b4c"};
	for (size_t i = 0; i < NF(good); i++) {
		const char *id = http_request_id(good[i], a);
		assert_non_null(id);
		assert_string_equal(id, good[i]);
	}
	arena_free(a);
}

static void test_request_id_replaced(void **state)
{
	(void)state;
	struct arena *a = arena_new(1 << 16);
	assert_non_null(a);
	char s65[66];
	memset(s65, 'a', 65);
	s65[65] = 0;
	const char *bad[] = {"",    s65,     "a b",  "a/b",	    "a:b", "a+b",   "a,b",
			     "{x}", "a\tb",  "a\nb", "caf\xc3\xa9", "a=b", "a%20b", " a",
			     "a ",  "\"a\"", "a;b",  "a*b",	    "a@b"};
	for (size_t i = 0; i < NF(bad); i++) {
		const char *id = http_request_id(bad[i], a);
		is_generated(id);
	}
	is_generated(http_request_id(NULL, a));
	/* new ids are random: two in a row differ */
	const char *x = http_request_id(NULL, a), *y = http_request_id("", a);
	is_generated(x);
	is_generated(y);
	assert_string_not_equal(x, y);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spec_table),
	    cmocka_unit_test(test_absent_or_empty),
	    cmocka_unit_test(test_q_zero),
	    cmocka_unit_test(test_all_dropped),
	    cmocka_unit_test(test_xml_types),
	    cmocka_unit_test(test_406),
	    cmocka_unit_test(test_case_and_params),
	    cmocka_unit_test(test_long_accept),
	    cmocka_unit_test(test_body_format),
	    cmocka_unit_test(test_request_id_kept),
	    cmocka_unit_test(test_request_id_replaced),
	};
	return cmocka_run_group_tests_name("negotiate", tests, NULL, NULL);
}

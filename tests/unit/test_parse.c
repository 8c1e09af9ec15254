/* Unit tests for http/parse: where a head ends, the strict head parser, body framing and the
 * chunked decoder, byte by byte where the order of arrival matters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "http/parse.h"

#define NF(a) (sizeof(a) / sizeof((a)[0]))

/* Parses s (a whole head); returns the status, the head in *hd (caller frees hd->h). */
static int parse(const char *s, struct http_head *hd, char **copy)
{
	size_t len = strlen(s), skip = 0, pos = 0;
	*copy = malloc(len + 1);
	memcpy(*copy, s, len + 1);
	size_t end = http_head_end(*copy, len, &skip, &pos);
	assert_int_equal(end, len);
	const char *why = NULL;
	*hd = (struct http_head){0};
	int st = http_parse_head(*copy + skip, end - skip, hd, &why);
	if (st)
		assert_non_null(why);
	return st;
}

static void test_head_end(void **state)
{
	(void)state;
	const char *req = "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nNEXT";
	size_t len = strlen(req), skip, pos = 0;
	/* byte by byte: nothing until the empty line is complete */
	for (size_t n = 0; n < len - 4; n++)
		assert_int_equal(http_head_end(req, n, &skip, &pos), 0);
	assert_int_equal(http_head_end(req, len - 4, &skip, &pos), len - 4);
	assert_int_equal(skip, 2);
	pos = 0;
	assert_int_equal(http_head_end("GET / HTTP/1.0\n\nx", 17, &skip, &pos), 16);
}

static void test_good_head(void **state)
{
	(void)state;
	struct http_head hd;
	char *c;
	assert_int_equal(parse("POST /vmrest/ports?x=1 HTTP/1.1\r\nHost: h\r\nX-A:b  \r\n"
			       "x-b: \tcaf\xc3\xa9 z\t\r\nEmpty:\r\n\r\n",
			       &hd, &c),
			 0);
	assert_string_equal(hd.method, "POST");
	assert_string_equal(hd.target, "/vmrest/ports?x=1");
	assert_int_equal(hd.minor, 1);
	assert_int_equal(hd.nh, 4);
	assert_string_equal(http_header(&hd, "host"), "h");
	assert_string_equal(http_header(&hd, "X-A"), "b");
	assert_string_equal(http_header(&hd, "X-B"), "caf\xc3\xa9 z");
	assert_string_equal(http_header(&hd, "empty"), "");
	assert_null(http_header(&hd, "X-C"));
	free(hd.h);
	free(c);
}

static void test_bad_heads(void **state)
{
	(void)state;
	static const struct {
		const char *head;
		int status;
	} rows[] = {
	    {"BLAH\r\n\r\n", 400},
	    {"GET /a\r\n\r\n", 400},
	    {"GET  /a HTTP/1.1\r\n\r\n", 400},
	    {"GET /a HTTP/1.1 \r\n\r\n", 400},
	    {"GET /a\x01 HTTP/1.1\r\n\r\n", 400},
	    {"GET /a\x7f HTTP/1.1\r\n\r\n", 400},
	    {"GET /a\rb HTTP/1.1\r\n\r\n", 400},
	    {"GET /a http/1.1\r\n\r\n", 400},
	    {"GET /a HTTP/1.1x\r\n\r\n", 400},
	    {"GET /a HTTP/2.0\r\n\r\n", 505},
	    {"GET /a HTTP/1.2\r\n\r\n", 505},
	    {"G(T /a HTTP/1.1\r\n\r\n", 400},
	    {"GET /a HTTP/1.1\r\nX : y\r\n\r\n", 400},
	    {"GET /a HTTP/1.1\r\nNoColon\r\n\r\n", 400},
	    {"GET /a HTTP/1.1\r\n: y\r\n\r\n", 400},
	    {"GET /a HTTP/1.1\r\nX: a\r\n b\r\n\r\n", 400},
	    {"GET /a HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n", 400},
	    {"GET /a HTTP/1.1\r\nX: a\x01 b\r\n\r\n", 400},
	    {"GET /a HTTP/1.1\r\nX: a\x7f\r\n\r\n", 400},
	    {"GET /a HTTP/1.1\r\nX: a\rb\r\n\r\n", 400},
	};
	for (size_t i = 0; i < NF(rows); i++) {
		struct http_head hd;
		char *c;
		int st = parse(rows[i].head, &hd, &c);
		if (st != rows[i].status)
			fail_msg("%zu: %d, want %d", i, st, rows[i].status);
		free(hd.h);
		free(c);
	}
}

/* NULs cannot go through strlen: a head with a NUL in the target and in a value. */
static void test_nul_refused(void **state)
{
	(void)state;
	static const char a[] = "GET /a\0b HTTP/1.1\r\n\r\n";
	static const char b[] = "GET /a HTTP/1.1\r\nAuthorization: Basic x\0y\r\n\r\n";
	const char *heads[] = {a, b};
	size_t lens[] = {sizeof(a) - 1, sizeof(b) - 1};
	for (size_t i = 0; i < 2; i++) {
		char *c = malloc(lens[i]);
		memcpy(c, heads[i], lens[i]);
		struct http_head hd = {0};
		const char *why = NULL;
		assert_int_equal(http_parse_head(c, lens[i], &hd, &why), 400);
		free(hd.h);
		free(c);
	}
}

static int framing(const char *head, bool *chunked, unsigned long long *len)
{
	struct http_head hd;
	char *c;
	assert_int_equal(parse(head, &hd, &c), 0);
	const char *why = NULL;
	int st = http_framing(&hd, chunked, len, &why);
	free(hd.h);
	free(c);
	return st;
}

static void test_framing(void **state)
{
	(void)state;
	bool ch;
	unsigned long long n;
	assert_int_equal(framing("POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n", &ch, &n), 0);
	assert_false(ch);
	assert_int_equal(n, 12);
	assert_int_equal(framing("POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n"
				 "Content-Length: 5\r\n\r\n",
				 &ch, &n),
			 0);
	assert_int_equal(n, 5);
	assert_int_equal(framing("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
				 &ch, &n),
			 0);
	assert_true(n > (1ull << 40)); /* saturated: refused as too large */
	assert_int_equal(framing("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n", &ch, &n),
			 0);
	assert_true(ch);
	static const char *bad[] = {
	    "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
	    "POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
	    "POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n",
	    "POST / HTTP/1.1\r\nContent-Length: 0x5\r\n\r\n",
	    "POST / HTTP/1.1\r\nContent-Length:\r\n\r\n",
	    "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
	    "POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n",
	    "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
	    "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
	    "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
	    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
	    "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
	};
	for (size_t i = 0; i < NF(bad); i++)
		if (framing(bad[i], &ch, &n) != 400)
			fail_msg("accepted: %s", bad[i]);
}

static void test_tokens(void **state)
{
	(void)state;
	assert_true(http_has_token("keep-alive, Close", "close"));
	assert_true(http_has_token(" 100-Continue ", "100-continue"));
	assert_false(http_has_token("closed", "close"));
	assert_false(http_has_token(NULL, "close"));
}

/* Decodes raw fed in pieces of step bytes (0: all at once), compacting between pieces as the
 * server does; returns the status, the decoded body in out. */
static int decode(const char *raw, size_t step, size_t max, char *out, size_t *outlen)
{
	size_t len = strlen(raw), r = 0;
	char *buf = malloc(len + 1);
	struct http_chunked st = {0};
	size_t dec = 0, scan = 0, have = 0; /* buf[0..dec) decoded, buf[scan..have) raw */
	const char *why = NULL;
	int rc = 0;
	while (r < len) {
		size_t n = step && len - r > step ? step : len - r;
		memcpy(buf + have, raw + r, n);
		have += n;
		r += n;
		rc = http_chunked_step(&st, buf, &dec, &scan, have, max, &why);
		if (rc)
			break;
		memmove(buf + dec, buf + scan, have - scan);
		have -= scan - dec;
		scan = dec;
	}
	memcpy(out, buf, dec);
	*outlen = dec;
	free(buf);
	return rc;
}

static void test_chunked(void **state)
{
	(void)state;
	const char *raw = "5\r\nhello\r\n6;name=value\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
	size_t steps[] = {0, 1, 2, 3, 7};
	for (size_t i = 0; i < NF(steps); i++) {
		char out[64];
		size_t n;
		assert_int_equal(decode(raw, steps[i], 100, out, &n), 1);
		assert_int_equal(n, 11);
		assert_memory_equal(out, "hello world", 11);
	}
	char out[64];
	size_t n;
	assert_int_equal(decode("5\nhello\n0\n\n", 0, 100, out, &n), 1);
	assert_int_equal(n, 5);
	/* malformed, and too large as soon as a size line says so */
	assert_int_equal(decode("zz\r\nhello\r\n0\r\n\r\n", 0, 100, out, &n), 400);
	assert_int_equal(decode("-1\r\nhello\r\n0\r\n\r\n", 0, 100, out, &n), 400);
	assert_int_equal(decode("5\r\nhelloXX0\r\n\r\n", 0, 100, out, &n), 400);
	assert_int_equal(decode("5x\r\nhello\r\n0\r\n\r\n", 0, 100, out, &n), 400);
	assert_int_equal(decode("5\r\nhello\r\n65\r\n", 0, 100, out, &n), 413);
	assert_int_equal(decode("10000000000000000000\r\n", 1, 100, out, &n), 413);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_head_end),    cmocka_unit_test(test_good_head),
	    cmocka_unit_test(test_bad_heads),   cmocka_unit_test(test_nul_refused),
	    cmocka_unit_test(test_framing),     cmocka_unit_test(test_tokens),
	    cmocka_unit_test(test_chunked),
	};
	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}

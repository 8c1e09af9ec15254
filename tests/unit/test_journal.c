/* Unit tests for api/journal's body redaction: every field whose name holds "password" loses
 * its value, in XML and JSON, whatever the spacing and case; nothing else changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "api/journal.h"
#include "util/buf.h"

static void check(const char *in, const char *want)
{
	struct buf b = {0};
	journal_redact(&b, in, strlen(in));
	assert_false(b.oom);
	assert_string_equal(b.len ? b.data : "", want);
	buf_free(&b);
}

static void test_xml(void **state)
{
	(void)state;
	check("<AxlServer><Password>s3cret</Password><UserName>u</UserName></AxlServer>",
	      "<AxlServer><Password>***</Password><UserName>u</UserName></AxlServer>");
	check("<x><AxlPassword a=\"1\">p w</AxlPassword></x>", "<x><AxlPassword a=\"1\">***</AxlPassword></x>");
	check("<PASSWORD>x</PASSWORD><password>y</password>", "<PASSWORD>***</PASSWORD><password>***</password>");
	check("<Password/><Password></Password>", "<Password/><Password></Password>");
	check("<Password>cut", "<Password>***");
	check("<Note>my password is here</Note>", "<Note>my password is here</Note>");
}

static void test_json(void **state)
{
	(void)state;
	check("{\"Password\":\"s3cret\",\"UserName\":\"u\"}", "{\"Password\":\"***\",\"UserName\":\"u\"}");
	check("{\"AxlPassword\" :  \"a\\\"b\\\\\" , \"n\":1}", "{\"AxlPassword\" :  \"***\" , \"n\":1}");
	check("{\"password\":12345}", "{\"password\":***}");
	check("{\"password\":\"\"}", "{\"password\":\"\"}");
	check("{\"Note\":\"password\"}", "{\"Note\":\"password\"}");
	check("{\"Password\":\"unterminated", "{\"Password\":\"***");
}

static void test_untouched(void **state)
{
	(void)state;
	check("", "");
	check("NumberOfPorts=2", "NumberOfPorts=2");
	check("password", "password");
	check("passwor", "passwor");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_xml),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_untouched),
	};
	return cmocka_run_group_tests_name("journal", tests, NULL, NULL);
}

/* Unit tests for api/ui: the embedded files of the web page and their Content-Types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "api/ui.h"

static void test_files_are_embedded(void **state)
{
	(void)state;
	static const char *const names[] = {"index.html", "app.js", "style.css"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct ui_file *f = ui_find(names[i]);
		assert_non_null(f);
		assert_string_equal(f->name, names[i]);
		assert_true(f->len > 100);
		assert_int_equal(f->data[f->len], 0);			 /* NUL after the data */
		assert_int_equal(strlen((const char *)f->data), f->len); /* text, no NUL inside */
	}
	assert_memory_equal(ui_find("index.html")->data, "<!doctype html>", 15);
}

static void test_unknown_names(void **state)
{
	(void)state;
	static const char *const names[] = {
	    "",	       "nope.html", "INDEX.HTML", "index.html ", "../Makefile",
	    "/app.js", "ui/app.js", "app.j"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_null(ui_find(names[i]));
}

static void test_content_types(void **state)
{
	(void)state;
	assert_string_equal(ui_content_type("index.html"), "text/html; charset=utf-8");
	assert_string_equal(ui_content_type("app.js"), "text/javascript; charset=utf-8");
	assert_string_equal(ui_content_type("style.css"), "text/css; charset=utf-8");
	assert_string_equal(ui_content_type("logo.svg"), "image/svg+xml");
	assert_string_equal(ui_content_type("ui.png"), "image/png");
	assert_string_equal(ui_content_type("a.min.js"), "text/javascript; charset=utf-8");
	assert_string_equal(ui_content_type("README"), "application/octet-stream");
	assert_string_equal(ui_content_type("x.HTML"), "application/octet-stream");
	assert_string_equal(ui_content_type("js"), "application/octet-stream");
}

static void test_table_ends_with_null(void **state)
{
	(void)state;
	size_t n = 0;
	while (ui_files[n].name)
		n++;
	assert_true(n >= 3);
	assert_null(ui_files[n].data);
	assert_int_equal(ui_files[n].len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_files_are_embedded),
	    cmocka_unit_test(test_unknown_names),
	    cmocka_unit_test(test_content_types),
	    cmocka_unit_test(test_table_ends_with_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

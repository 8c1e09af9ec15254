/* Unit tests for util/arena (the capped per-request allocator) and util/buf (the growable
 * response buffer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"

/* ---- arena ---- */

static void test_new_free(void **state)
{
	(void)state;
	arena_free(NULL);
	struct arena *a = arena_new(1 << 20);
	assert_non_null(a);
	arena_free(a);
	/* an arena that never allocated frees cleanly; so does one with a zero cap */
	a = arena_new(0);
	assert_non_null(a);
	assert_null(arena_alloc(a, 1));
	arena_free(a);
}

static void test_alignment_and_separation(void **state)
{
	(void)state;
	struct arena *a = arena_new(1 << 20);
	assert_non_null(a);
	const size_t sizes[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 100, 1000, 5000, 1, 3};
	unsigned char *p[sizeof(sizes) / sizeof(sizes[0])];
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p[i] = arena_alloc(a, sizes[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % _Alignof(max_align_t), 0);
		memset(p[i], (int)i + 1, sizes[i]);
	}
	/* no allocation overwrote another */
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (size_t j = 0; j < sizes[i]; j++)
			assert_int_equal(p[i][j], (unsigned char)(i + 1));
	/* aligned for any type */
	double *d = arena_alloc(a, sizeof(double) * 3);
	assert_non_null(d);
	d[0] = 1.5;
	d[2] = 2.5;
	long long *ll = arena_alloc(a, sizeof(long long));
	assert_non_null(ll);
	*ll = -1;
	assert_true(d[0] == 1.5 && d[2] == 2.5);
	arena_free(a);
}

static void test_many_small(void **state)
{
	(void)state;
	struct arena *a = arena_new(64u << 20);
	assert_non_null(a);
	enum { N = 100000 };
	char **v = malloc(N * sizeof(*v));
	assert_non_null(v);
	for (int i = 0; i < N; i++) {
		v[i] = arena_printf(a, "item-%d", i);
		assert_non_null(v[i]);
	}
	char want[32];
	for (int i = 0; i < N; i++) {
		snprintf(want, sizeof(want), "item-%d", i);
		assert_string_equal(v[i], want);
	}
	free(v);
	arena_free(a);
}

/* The cap: at most cap bytes in total, then NULL. */
static void test_cap(void **state)
{
	(void)state;
	const size_t caps[] = {1000, 4096, 10000, 65536, 1u << 20};
	const size_t chunks[] = {1, 16, 100, 4000};
	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		for (size_t k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
			struct arena *a = arena_new(caps[c]);
			assert_non_null(a);
			size_t total = 0;
			int got_null = 0;
			for (int i = 0; i < 2000000; i++) {
				void *p = arena_alloc(a, chunks[k]);
				if (!p) {
					got_null = 1;
					break;
				}
				memset(p, 0xab, chunks[k]);
				total += chunks[k];
			}
			assert_true(got_null);
			if (total > caps[c])
				fail_msg("cap %zu: handed out %zu bytes in chunks of %zu", caps[c],
					 total, chunks[k]);
			/* once full, it stays full for that size */
			assert_null(arena_alloc(a, chunks[k]));
			arena_free(a);
		}
	}
}

static void test_cap_single(void **state)
{
	(void)state;
	struct arena *a = arena_new(1u << 20);
	assert_non_null(a);
	assert_null(arena_alloc(a, (1u << 20) + 1));
	assert_null(arena_alloc(a, 1u << 30));
	/* a refused request leaves the arena usable */
	void *p = arena_alloc(a, 1u << 19);
	assert_non_null(p);
	memset(p, 1, 1u << 19);
	assert_null(arena_alloc(a, (1u << 19) + 4096));
	assert_non_null(arena_alloc(a, 1000));
	arena_free(a);

	/* the whole cap in one piece */
	a = arena_new(1u << 20);
	assert_non_null(a);
	p = arena_alloc(a, 1u << 20);
	assert_non_null(p);
	memset(p, 2, 1u << 20);
	assert_null(arena_alloc(a, 1));
	arena_free(a);
}

/* The two tests below keep their arena in the fixture so that a failure does not leak it. */
static int huge_setup(void **state)
{
	*state = arena_new(1u << 20);
	return *state ? 0 : -1;
}

static int huge_teardown(void **state)
{
	arena_free(*state);
	return 0;
}

/* Sizes near SIZE_MAX must not wrap around into a small allocation. */
static void test_cap_huge_sizes(void **state)
{
	struct arena *a = *state;
	const size_t huge[] = {SIZE_MAX,      SIZE_MAX - 1,	SIZE_MAX - 8,
			       SIZE_MAX - 14, SIZE_MAX / 2 + 1, SIZE_MAX - 4096};
	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++)
		if (arena_alloc(a, huge[i]))
			fail_msg("arena_alloc(SIZE_MAX - %zu) succeeded under a 1 MiB cap",
				 SIZE_MAX - huge[i]);
	assert_non_null(arena_alloc(a, 100));
}

/* With something already handed out, total + n must not wrap past the cap check either. */
static void test_cap_huge_after_use(void **state)
{
	struct arena *a = *state;
	assert_non_null(arena_alloc(a, 100));
	assert_non_null(arena_alloc(a, 500000));
	const size_t huge[] = {SIZE_MAX - 20,	SIZE_MAX - 31,	   SIZE_MAX - 64,
			       SIZE_MAX - 4096, SIZE_MAX - 100000, SIZE_MAX / 2 + 1};
	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++)
		if (arena_alloc(a, huge[i]))
			fail_msg("arena_alloc(SIZE_MAX - %zu) succeeded under a 1 MiB cap",
				 SIZE_MAX - huge[i]);
}

static void test_strings(void **state)
{
	(void)state;
	struct arena *a = arena_new(1u << 20);
	assert_non_null(a);
	char *s = arena_strdup(a, "hello");
	assert_non_null(s);
	assert_string_equal(s, "hello");
	s = arena_strdup(a, "");
	assert_non_null(s);
	assert_string_equal(s, "");
	s = arena_strndup(a, "abcdef", 3);
	assert_non_null(s);
	assert_string_equal(s, "abc");
	s = arena_strndup(a, "abcdef", 0);
	assert_non_null(s);
	assert_string_equal(s, "");
	/* bytes are copied as they are, NUL included */
	s = arena_strndup(a, "a\0b", 3);
	assert_non_null(s);
	assert_memory_equal(s, "a\0b\0", 4);
	/* the copy is independent of the source */
	char src[] = "mutable";
	s = arena_strdup(a, src);
	src[0] = 'X';
	assert_string_equal(s, "mutable");

	s = arena_printf(a, "%s-%d-%05.1f-%c", "x", -42, 3.14159, 'z');
	assert_non_null(s);
	assert_string_equal(s, "x--42-003.1-z");
	s = arena_printf(a, "%s", "");
	assert_non_null(s);
	assert_string_equal(s, "");
	s = arena_printf(a, "%ld", 2147483648L);
	assert_string_equal(s, "2147483648");
	/* longer than any block */
	s = arena_printf(a, "%10000d|", 7);
	assert_non_null(s);
	assert_int_equal(strlen(s), 10001);
	assert_string_equal(s + 9999, "7|");
	arena_free(a);
}

static void test_strings_past_cap(void **state)
{
	(void)state;
	struct arena *a = arena_new(256);
	assert_non_null(a);
	char big[1024];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_null(arena_strdup(a, big));
	assert_null(arena_strndup(a, big, 500));
	assert_null(arena_printf(a, "%s", big));
	assert_null(arena_printf(a, "%1000d", 1));
	/* small ones still fit */
	char *s = arena_strdup(a, "ok");
	assert_non_null(s);
	assert_string_equal(s, "ok");
	arena_free(a);
}

/* ---- buf ---- */

static void test_buf_basics(void **state)
{
	(void)state;
	struct buf b = {0};
	buf_free(&b); /* a zeroed buf frees as a no-op */
	assert_null(b.data);
	assert_int_equal(b.len, 0);

	buf_puts(&b, "abc");
	assert_non_null(b.data);
	assert_int_equal(b.len, 3);
	assert_string_equal(b.data, "abc");
	buf_putc(&b, '-');
	buf_put(&b, "xyz123", 3);
	buf_printf(&b, "[%d,%s]", 42, "q");
	assert_string_equal(b.data, "abc-xyz[42,q]");
	assert_int_equal(b.len, strlen("abc-xyz[42,q]"));
	assert_int_equal(b.oom, 0);
	assert_true(b.cap > b.len);

	buf_puts(&b, "");
	buf_put(&b, "ignored", 0);
	buf_printf(&b, "%s", "");
	assert_string_equal(b.data, "abc-xyz[42,q]");
	assert_int_equal(b.len, 13);

	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.oom, 0);
	buf_free(&b); /* twice is fine */

	/* usable again after buf_free */
	buf_putc(&b, 'z');
	assert_string_equal(b.data, "z");
	assert_int_equal(b.len, 1);
	buf_free(&b);
}

static void test_buf_binary(void **state)
{
	(void)state;
	struct buf b = {0};
	buf_put(&b, "a\0b", 3);
	buf_putc(&b, 0);
	buf_putc(&b, 'c');
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "a\0b\0c", 5);
	assert_int_equal(b.data[5], 0); /* still terminated after the last byte */
	buf_free(&b);
}

static void test_buf_growth(void **state)
{
	(void)state;
	struct buf b = {0};
	size_t n = 0;
	for (int i = 0; i < 200000; i++) {
		char tmp[16];
		int k = snprintf(tmp, sizeof(tmp), "%d,", i);
		if (i % 3 == 0)
			buf_printf(&b, "%d,", i);
		else if (i % 3 == 1)
			buf_puts(&b, tmp);
		else
			buf_put(&b, tmp, (size_t)k);
		n += (size_t)k;
		assert_int_equal(b.len, n);
	}
	assert_int_equal(b.oom, 0);
	assert_int_equal(strlen(b.data), b.len);
	/* spot-check the content */
	const char *p = b.data;
	for (int i = 0; i < 200000; i++) {
		char *end;
		long v = strtol(p, &end, 10);
		assert_int_equal(v, i);
		assert_int_equal(*end, ',');
		p = end + 1;
	}
	assert_int_equal(*p, 0);
	buf_free(&b);

	/* one large printf and one large put */
	char *big = malloc(3u << 20);
	assert_non_null(big);
	memset(big, 'q', (3u << 20) - 1);
	big[(3u << 20) - 1] = 0;
	buf_putc(&b, '<');
	buf_printf(&b, "%s", big);
	buf_puts(&b, big);
	buf_putc(&b, '>');
	assert_int_equal(b.len, 2 + 2 * ((3u << 20) - 1));
	assert_int_equal(b.data[0], '<');
	assert_int_equal(b.data[b.len - 1], '>');
	assert_int_equal(b.data[b.len], 0);
	free(big);
	buf_free(&b);
}

/* After an allocation failure (oom set), later appends are dropped. */
static void test_buf_oom_drops(void **state)
{
	(void)state;
	struct buf b = {0};
	buf_puts(&b, "kept");
	b.oom = 1;
	buf_puts(&b, "dropped");
	buf_putc(&b, 'x');
	buf_put(&b, "yy", 2);
	buf_printf(&b, "%d", 5);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "kept");
	buf_free(&b);
	assert_int_equal(b.oom, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new_free),
	    cmocka_unit_test(test_alignment_and_separation),
	    cmocka_unit_test(test_many_small),
	    cmocka_unit_test(test_cap),
	    cmocka_unit_test(test_cap_single),
	    cmocka_unit_test_setup_teardown(test_cap_huge_sizes, huge_setup, huge_teardown),
	    cmocka_unit_test_setup_teardown(test_cap_huge_after_use, huge_setup, huge_teardown),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_strings_past_cap),
	    cmocka_unit_test(test_buf_basics),
	    cmocka_unit_test(test_buf_binary),
	    cmocka_unit_test(test_buf_growth),
	    cmocka_unit_test(test_buf_oom_drops),
	};
	return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}

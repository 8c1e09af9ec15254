/* Unit tests for api/cache: hits only for the generation a body was kept under, newer
 * generations retire older entries, the byte cap evicts least recently used entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "api/cache.h"

static bool get(struct cache *c, const char *key, unsigned long long gen, struct buf *out)
{
	out->len = 0;
	return cache_get(c, key, strlen(key), gen, out);
}

static void put(struct cache *c, const char *key, unsigned long long gen, const char *body)
{
	cache_put(c, key, strlen(key), gen, body, strlen(body));
}

static void test_null_and_zero(void **state)
{
	(void)state;
	assert_null(cache_new(0));
	struct buf b = {0};
	assert_false(get(NULL, "k", 1, &b));
	put(NULL, "k", 1, "v");
	unsigned long h, m;
	size_t bytes, n;
	cache_stats(NULL, &h, &m, &bytes, &n);
	assert_int_equal(h + m + bytes + n, 0);
	cache_free(NULL);
}

static void test_generations(void **state)
{
	(void)state;
	struct cache *c = cache_new(1 << 16);
	struct buf b = {0};
	assert_false(get(c, "xa", 5, &b));
	put(c, "xa", 5, "body-a");
	assert_true(get(c, "xa", 5, &b));
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.data, "body-a", 6);
	assert_false(get(c, "ja", 5, &b)); /* another key */
	assert_false(get(c, "xa", 6, &b)); /* a newer generation: not yet kept */
	assert_false(get(c, "xa", 4, &b));
	put(c, "xb", 4, "stale"); /* older than the newest seen: ignored */
	assert_false(get(c, "xb", 4, &b));
	assert_false(get(c, "xb", 5, &b));
	put(c, "xb", 6, "body-b"); /* newer: retires every entry of 5 */
	assert_true(get(c, "xb", 6, &b));
	assert_false(get(c, "xa", 5, &b));
	assert_false(get(c, "xa", 6, &b));
	put(c, "xb", 6, "other"); /* the first body kept for a key and generation stays */
	assert_true(get(c, "xb", 6, &b));
	assert_memory_equal(b.data, "body-b", 6);
	unsigned long h, m;
	size_t bytes, n;
	cache_stats(c, &h, &m, &bytes, &n);
	assert_int_equal(h, 3);
	assert_int_equal(n, 1);
	buf_free(&b);
	cache_free(c);
}

static void test_cap_evicts_least_recent(void **state)
{
	(void)state;
	const size_t cap = 4096;
	struct cache *c = cache_new(cap);
	struct buf b = {0};
	char body[600], key[16];
	memset(body, 'b', sizeof(body) - 1);
	body[sizeof(body) - 1] = 0;
	for (int i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		put(c, key, 1, body);
	}
	assert_true(get(c, "k0", 1, &b)); /* k0 is now the most recent */
	for (int i = 5; i < 12; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		put(c, key, 1, body);
		unsigned long h, m;
		size_t bytes, n;
		cache_stats(c, &h, &m, &bytes, &n);
		assert_true(bytes <= cap);
	}
	assert_false(get(c, "k1", 1, &b)); /* evicted first */
	assert_true(get(c, "k11", 1, &b));
	char big[1100];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	put(c, "big", 1, big); /* over a quarter of the cap: not kept */
	assert_false(get(c, "big", 1, &b));
	buf_free(&b);
	cache_free(c);
}

static void test_many_keys_one_bucket_chain(void **state)
{
	(void)state;
	struct cache *c = cache_new(1 << 20);
	struct buf b = {0};
	char key[32], val[32];
	for (int i = 0; i < 3000; i++) {
		snprintf(key, sizeof(key), "/vmrest/ports/%d", i);
		snprintf(val, sizeof(val), "v%d", i);
		put(c, key, 9, val);
	}
	for (int i = 0; i < 3000; i += 7) {
		snprintf(key, sizeof(key), "/vmrest/ports/%d", i);
		snprintf(val, sizeof(val), "v%d", i);
		assert_true(get(c, key, 9, &b));
		assert_int_equal(b.len, strlen(val));
		assert_memory_equal(b.data, val, b.len);
	}
	buf_free(&b);
	cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_and_zero),
		cmocka_unit_test(test_generations),
		cmocka_unit_test(test_cap_evicts_least_recent),
		cmocka_unit_test(test_many_keys_one_bucket_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

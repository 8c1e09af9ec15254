/* Unit tests for api/ports: port creation (SPEC §5.6.3, §5.6.4) against a real SQLite store in
 * a temporary directory, with the seed fixture loaded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/domain.h"
#include "api/fixtures.h"
#include "conf.h"
#include "util/arena.h"

#define PG_ROHIT "575f43be-f5d0-4af7-a689-06d968227ff7"
#define VMS1     "574ca5d3-9041-4ff9-8e7d-727c32d80dab"

static struct conf conf;
static struct app app;
static char dir[64] = "/tmp/cupid-unit-ports-XXXXXX";

static int setup(void **state)
{
	(void)state;
	char err[512], db[128], *none[] = {NULL};
	bool created;
	if (!mkdtemp(dir) || conf_load(&conf, 0, none, err, sizeof(err)))
		return -1;
	snprintf(db, sizeof(db), "sqlite:%s/cupid.db", dir);
	if (store_open(&app.store, db, &(struct store_opts){.synchronous = "normal"}, &created, err,
		       sizeof(err)))
		return -1;
	app.conf = &conf;
	app.license = 1000000;
	app.max_port_groups = 90;
	app.public_url = "";
	struct arena *a = arena_new(16u << 20);
	struct domain_ctx d = {.app = &app, .a = a};
	struct fixture_counts c;
	const char *seed = fixture_builtin("seed");
	int rc = fixture_load(&d, seed, strlen(seed), &c);
	arena_free(a);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	app.store.ops->close(app.store.s);
	conf_free(&conf);
	static const char *const files[] = {"cupid.db", "cupid.db-wal", "cupid.db-shm"};
	char path[128];
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}

struct create_arg {
	struct input *in;
	struct body *b;
};

static int create(struct domain_ctx *d, void *arg)
{
	struct create_arg *ca = arg;
	return ports_create(d, ca->in, ca->b);
}

static long count_in_group(const char *group)
{
	struct arena *a = arena_new(1u << 20);
	long n = -1;
	assert_int_equal(store_count(&app.store, &res_port,
				     model_field(&res_port, "MediaPortGroupObjectId"), Q_EXACT,
				     group, a, &n),
			 0);
	arena_free(a);
	return n;
}

/* A batch costs the request's arena nothing per port: 3000 ports fit in a 64 KiB arena. It
 * once took about 100 bytes per port, so a batch as large as a high licence answered 500. */
static void test_large_batch_small_arena(void **state)
{
	(void)state;
	long before = count_in_group(PG_ROHIT);
	struct arena *a = arena_new(64u << 10);
	struct domain_ctx d = {.app = &app, .a = a};
	struct input in;
	struct body b = {0};
	memset(&in, 0, sizeof(in));
	in.v[model_field(&res_port, "MediaPortGroupObjectId")] = PG_ROHIT;
	in.v[model_field(&res_port, "VmsServerObjectId")] = VMS1;
	in.v[model_field(&res_port, "NumberOfPorts")] = "3000";
	int rc = domain_tx(&app, create, &d, &(struct create_arg){&in, &b});
	if (rc)
		fail_msg("ports_create: %d %s", rc, d.err);
	assert_non_null(d.id);
	assert_int_equal(strlen(d.id), 36);
	/* no pointer into the function's own buffers is left in the input */
	assert_null(in.v[model_field(&res_port, "ObjectId")]);
	assert_null(in.v[model_field(&res_port, "DisplayName")]);
	assert_null(in.v[model_field(&res_port, "PortNumInGroup")]);
	assert_int_equal(count_in_group(PG_ROHIT), before + 3000);

	/* the first port of the batch is the one named, numbered after what was there */
	struct arena *ra = arena_new(1u << 20);
	struct obj o;
	assert_int_equal(store_get(&app.store, &res_port, d.id, ra, &o), 0);
	char want[32];
	snprintf(want, sizeof(want), "%ld", before + 1);
	assert_string_equal(o.v[model_field(&res_port, "PortNumInGroup")], want);
	snprintf(want, sizeof(want), "PhoneSystem-Rohit-%03ld", before + 1);
	assert_string_equal(o.v[model_field(&res_port, "DisplayName")], want);
	arena_free(ra);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_large_batch_small_arena),
	};
	return cmocka_run_group_tests_name("ports", tests, setup, teardown);
}

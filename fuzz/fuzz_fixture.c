/* libFuzzer target: the fixture-document loader (fixture_load, SPEC §6.4) against a real SQLite
 * store in a temporary directory, opened once per process. Every input replaces the whole
 * state in one transaction, as POST /cupid/fixtures does. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "api/fixtures.h"
#include "conf.h"
#include "util/arena.h"

static struct conf conf;
static struct app app;
static char dir[64] = "/tmp/cupid-fuzz-XXXXXX";

static void cleanup(void)
{
	if (app.store.ops)
		app.store.ops->close(app.store.s);
	app.store.ops = NULL;
	conf_free(&conf);
	static const char *const files[] = {"cupid.db", "cupid.db-wal", "cupid.db-shm"};
	char path[128];
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char err[512], db[128], *none[] = {NULL};
	bool created;
	if (!mkdtemp(dir) || conf_load(&conf, 0, none, err, sizeof(err))) {
		fprintf(stderr, "fuzz_fixture: cannot set up\n");
		exit(1);
	}
	snprintf(db, sizeof(db), "sqlite:%s/cupid.db", dir);
	if (store_open(&app.store, db, "normal", &created, err, sizeof(err))) {
		fprintf(stderr, "fuzz_fixture: %s\n", err);
		exit(1);
	}
	atexit(cleanup);
	app.conf = &conf;
	app.max_body = conf_int(&conf, "http.max_body_bytes");
	app.license = conf_int(&conf, "license.voice_ports");
	app.max_port_groups = conf_int(&conf, "limits.max_port_groups");
	app.allow_reset = true;
	app.public_url = "";
	app.version = conf_str(&conf, "cupi.version");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(64u << 20);
	if (!a)
		return 0;
	struct domain_ctx d = {.app = &app, .a = a};
	struct fixture_counts c;
	int rc = fixture_load(&d, (const char *)data, size, &c);
	if (rc && !*d.err)
		abort(); /* every refusal says why */
	if (!rc && (c.vmsservers < 1 || c.vmsservers > 2 || c.phonesystems < 0 || c.ports < 0))
		abort();
	arena_free(a);
	return 0;
}

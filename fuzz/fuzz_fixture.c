/* libFuzzer target: the fixture-document loader (fixture_load, SPEC §6.4) against a real SQLite
 * store in a temporary directory, opened once per process. Every input replaces the whole
 * state in one transaction, as POST /cupid/fixtures does. After a load that succeeds, the
 * telephony objects (SPEC §5.8-§5.12, §5.16.1) are read back and their rules checked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "api/fixtures.h"
#include "conf.h"
#include "store/store.h"
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
	if (store_open(&app.store, db, &(struct store_opts){.synchronous = "normal"}, &created, err,
		       sizeof(err))) {
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

/* The rows of one resource, copied out of the listing. */
struct rows {
	const struct resource *r;
	struct arena *a;
	struct obj *o;
	long n;
};

static int rows_begin(void *ctx, long total, long n)
{
	struct rows *rs = ctx;
	(void)total;
	rs->o = n > 0 ? arena_alloc(rs->a, (size_t)n * sizeof(*rs->o)) : NULL;
	return n > 0 && !rs->o;
}

static int rows_row(void *ctx, const struct obj *o, long i, long n)
{
	struct rows *rs = ctx;
	if (i >= n)
		return 1;
	for (size_t k = 0; k < rs->r->nfields; k++)
		rs->o[i].v[k] = o->v[k] ? arena_strdup(rs->a, o->v[k]) : NULL;
	rs->n = i + 1;
	return 0;
}

/* Every row of r, or aborts when the store cannot list it. */
static struct rows all_rows(const struct resource *r, struct arena *a)
{
	struct rows rs = {.r = r, .a = a};
	struct listq q = LISTQ_ALL;
	struct list_cb cb = {rows_begin, rows_row, &rs};
	if (app.store.ops->list(app.store.s, r, &q, a, &cb))
		abort();
	return rs;
}

static const char *val(const struct rows *rs, long i, const char *name)
{
	int k = model_field(rs->r, name);
	if (k < 0)
		abort(); /* the field tables lost a field the rules name */
	return rs->o[i].v[k];
}

/* Rows of rs whose field name equals value. */
static long count_eq(const struct rows *rs, const char *name, const char *value)
{
	long n = 0;
	for (long i = 0; i < rs->n; i++) {
		const char *v = val(rs, i, name);
		n += v && value && !strcmp(v, value);
	}
	return n;
}

/* The rules of SPEC §5.8-§5.12 that hold whatever document was loaded. */
static void check_telephony(const uint8_t *data, size_t size, struct arena *a)
{
	struct rows gs = all_rows(&res_pgserver, a), gc = all_rows(&res_pgcodec, a),
		    ax = all_rows(&res_axlserver, a), sp = all_rows(&res_sipprofile, a),
		    pg = all_rows(&res_portgroup, a);
	for (long i = 0; i < gs.n; i++) {
		const char *v4 = val(&gs, i, "HostOrIPAddress"),
			   *v6 = val(&gs, i, "HostOrIPAddressV6");
		const char *svc = val(&gs, i, "MediaRemoteServiceEnum");
		const char *group = val(&gs, i, "MediaPortGroupObjectId");
		long type = -1;
		for (long g = 0; g < pg.n; g++)
			if (!strcmp(val(&pg, g, "ObjectId"), group))
				type = model_long(val(&pg, g, "TelephonyIntegrationMethodEnum"));
		/* an address left, a service the group's type accepts (SPEC §5.8.2), the limit */
		if ((!v4 || !*v4) && (!v6 || !*v6))
			abort();
		long s = svc ? model_long(svc) : -1;
		bool ok = type == 1   ? s == 100 || s == 101
			  : type == 2 ? s == 101 || s == 102
				      : s == 104;
		if (!ok || count_eq(&gs, "MediaPortGroupObjectId", group) > 32)
			abort();
	}
	for (long i = 0; i < gc.n; i++) {
		const char *group = val(&gc, i, "MediaPortGroupObjectId");
		long same = 0;
		for (long j = 0; j < gc.n; j++)
			same += !strcmp(val(&gc, j, "MediaPortGroupObjectId"), group) &&
				!strcmp(val(&gc, j, "RtpCodecDefObjectId"),
					val(&gc, i, "RtpCodecDefObjectId"));
		/* one definition once per group (SPEC §5.9.2), so at most five codecs */
		if (same != 1 || count_eq(&gc, "MediaPortGroupObjectId", group) > 5 ||
		    !val(&gc, i, "RtpCodecDefDisplayName"))
			abort();
	}
	for (long i = 0; i < ax.n; i++) {
		const char *pw = val(&ax, i, "CcmAXLPassword"),
			   *host = val(&ax, i, "HostOrIPAddress");
		/* the password is never kept (SPEC §5.11), the address is required, the limit */
		if (!pw || *pw || !host || !*host ||
		    count_eq(&ax, "MediaSwitchObjectId", val(&ax, i, "MediaSwitchObjectId")) > 16)
			abort();
	}
	for (long i = 0; i < sp.n; i++)
		if (count_eq(&sp, "DisplayName", val(&sp, i, "DisplayName")) != 1)
			abort(); /* profile names are unique (SPEC §5.12) */
	/* no "sipsecurityprofiles" key, not even escaped: the two built-in profiles */
	if (!memchr(data, '\\', size) && !memmem(data, size, "sipsecurityprofiles", 19) &&
	    (sp.n != 2 || !count_eq(&sp, "DisplayName", "5060") ||
	     !count_eq(&sp, "DisplayName", "5061/TLS")))
		abort();
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
	if (!rc)
		check_telephony(data, size, a);
	arena_free(a);
	return 0;
}

/* cupid's own endpoints under /cupid/ (SPEC §6.1-§6.4): health, whoami, reset, fixtures.
 * They always answer JSON, with native numbers and booleans. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api/fixtures.h"
#include "api/routes.h"
#include "codec/codec.h"
#include "err.h"
#include "util/arena.h"

#define CUPID_VERSION "0.1.0"

HANDLER(cupid_health)
{
	struct app *app = rq->app;
	struct domain_ctx d = {.app = app, .a = rq->a};
	long ports = 0, groups = 0, license = 0;
	const char *db = app->store.ops->name;
	int rc = store_count(&app->store, &res_port, -1, Q_IS, NULL, rq->a, &ports);
	if (!rc)
		rc = store_count(&app->store, &res_portgroup, -1, Q_IS, NULL, rq->a, &groups);
	if (!rc)
		rc = domain_license(&d, &license);
	if (rc) {
		buf_printf(&rs->body,
			   "{\"status\":\"unavailable\",\"version\":\"%s\",\"database\":\"%s\"}",
			   CUPID_VERSION, db);
		rs->ctype = "application/json";
		return rs->status = 503;
	}
	buf_printf(&rs->body,
		   "{\"status\":\"ok\",\"version\":\"%s\",\"database\":\"%s\",\"portsUsed\":%ld,"
		   "\"portsLicensed\":%ld,\"portGroups\":%ld,\"maxPortGroups\":%ld}",
		   CUPID_VERSION, db, ports, license, groups, app->max_port_groups);
	rs->ctype = "application/json";
	return rs->status = 200;
}

HANDLER(cupid_whoami)
{
	buf_puts(&rs->body, "{\"user\":");
	codec_json_str(&rs->body, rq->user);
	buf_printf(&rs->body, ",\"role\":\"%s\"}",
		   rq->role == ROLE_ADMIN ? "administrator" : "readonly");
	rs->ctype = "application/json";
	return rs->status = 200;
}

HANDLER(cupid_fixtures_list)
{
	buf_puts(&rs->body, "{\"fixtures\":[");
	for (size_t i = 0; fixture_names[i]; i++)
		buf_printf(&rs->body, "%s\"%s\"", i ? "," : "", fixture_names[i]);
	buf_puts(&rs->body, "]}");
	rs->ctype = "application/json";
	return rs->status = 200;
}

/* Loads doc (NULL: empty) and answers {"<key>":<what>,"counts":{...}}. */
static int load(struct req *rq, struct resp *rs, const char *doc, size_t len, const char *key,
		const char *what)
{
	if (!rq->app->allow_reset)
		return api_error(rq, rs, ERR_FORBIDDEN,
				 "resets and fixture loading are disabled (admin.allow_reset)");
	struct domain_ctx d = {.app = rq->app, .a = rq->a};
	struct fixture_counts c;
	int rc = fixture_load(&d, doc, len, &c);
	if (rc)
		return api_error(rq, rs, rc, "%s", d.err);
	buf_printf(&rs->body,
		   "{\"%s\":%s,\"counts\":{\"vmsservers\":%ld,\"phonesystems\":%ld,"
		   "\"portgroups\":%ld,\"ports\":%ld}}",
		   key, what, c.vmsservers, c.phonesystems, c.portgroups, c.ports);
	rs->ctype = "application/json";
	return rs->status = 200;
}

HANDLER(cupid_reset)
{
	return load(rq, rs, NULL, 0, "reset", "true");
}

HANDLER(cupid_fixture_load)
{
	const char *doc = fixture_builtin(rq->id);
	if (!doc)
		return api_error(rq, rs, ERR_NOT_FOUND, "no built-in fixture is named %s", rq->id);
	return load(rq, rs, doc, strlen(doc), "loaded", arena_printf(rq->a, "\"%s\"", rq->id));
}

HANDLER(cupid_fixture_post)
{
	return load(rq, rs, rq->body, rq->body_len, "loaded", "\"custom\"");
}

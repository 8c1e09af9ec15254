/* cupid's own endpoints under /cupid/ (SPEC §6.1-§6.4): health, whoami, reset, fixtures.
 * They always answer JSON, with native numbers and booleans. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "api/cache.h"
#include "api/faults.h"
#include "api/journal.h"
#include "api/query.h"
#include "api/fixtures.h"
#include "api/metrics.h"
#include "http/throttle.h"
#include "api/routes.h"
#include "codec/codec.h"
#include "err.h"
#include "util/arena.h"
#include "version.h"


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

static const char *qparam(struct req *rq, const char *name, bool *bad);

/* Loads doc (NULL: empty) and answers {"<key>":<what>,"counts":{...}}. */
static int load(struct req *rq, struct resp *rs, const char *doc, size_t len, const char *key,
		const char *what)
{
	if (!rq->app->allow_reset)
		return api_error(rq, rs, ERR_FORBIDDEN,
				 "resets and fixture loading are disabled (admin.allow_reset)");
	bool bad = false;
	const char *clear = qparam(rq, "clearFaults", &bad);
	if (bad || (clear && strcmp(clear, "true") && strcmp(clear, "false")))
		return api_error(rq, rs, ERR_INVALID, "clearFaults: true or false");
	struct domain_ctx d = DOMAIN_CTX(rq, 200);
	struct fixture_counts c;
	int rc = fixture_load(&d, doc, len, &c);
	if (rc)
		return api_error(rq, rs, rc, "%s", d.err);
	if (clear && !strcmp(clear, "true")) /* fault rules stay unless asked */
		faults_remove(rq->app->faults, 0);
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

HANDLER(cupid_metrics)
{
	struct app *app = rq->app;
	struct domain_ctx d = {.app = app, .a = rq->a};
	struct throttle_settings ts;
	long in_flight, queued, rejected, license = 0, n;
	throttle_get(app->throttle, &ts, &in_flight, &queued, &rejected);
	metrics_write(&rs->body);
	buf_printf(&rs->body,
		   "# TYPE cupid_throttle_in_flight gauge\ncupid_throttle_in_flight %ld\n"
		   "# TYPE cupid_throttle_queued gauge\ncupid_throttle_queued %ld\n"
		   "# TYPE cupid_throttle_rejected_total counter\n"
		   "cupid_throttle_rejected_total %ld\n",
		   in_flight, queued, rejected);
	unsigned long hits, misses;
	size_t bytes, entries;
	cache_stats(app->cache, &hits, &misses, &bytes, &entries);
	buf_printf(&rs->body,
		   "# HELP cupid_cache_hits_total GET answers sent from the response cache.\n"
		   "# TYPE cupid_cache_hits_total counter\ncupid_cache_hits_total %lu\n"
		   "# HELP cupid_cache_misses_total GET answers the cache did not hold.\n"
		   "# TYPE cupid_cache_misses_total counter\ncupid_cache_misses_total %lu\n"
		   "# TYPE cupid_cache_bytes gauge\ncupid_cache_bytes %zu\n"
		   "# TYPE cupid_cache_entries gauge\ncupid_cache_entries %zu\n",
		   hits, misses, bytes, entries);
	if (app->store.ops->version_stats) {
		unsigned long reads;
		bool pushed;
		app->store.ops->version_stats(app->store.s, &reads, &pushed);
		buf_printf(&rs->body,
			   "# HELP cupid_cache_version_reads_total Cached GETs that read the change "
			   "counter from the database (none while invalidations are pushed).\n"
			   "# TYPE cupid_cache_version_reads_total counter\n"
			   "cupid_cache_version_reads_total %lu\n"
			   "# HELP cupid_cache_pushed 1 while the database notifies this process of "
			   "every write (postgresql.notify).\n"
			   "# TYPE cupid_cache_pushed gauge\ncupid_cache_pushed %d\n",
			   reads, pushed);
	}
	static const struct {
		const char *type;
		const struct resource *r;
	} objects[] = {{"phonesystem", &res_phonesystem},
		       {"portgroup", &res_portgroup},
		       {"port", &res_port},
		       {"vmsserver", &res_vmsserver},
		       {"portgroupserver", &res_pgserver},
		       {"portgroupcodec", &res_pgcodec},
		       {"axlserver", &res_axlserver},
		       {"sipsecurityprofile", &res_sipprofile}};
	unsigned long fe, fd, fx;
	faults_fired(app->faults, &fe, &fd, &fx);
	buf_printf(
	    &rs->body,
	    "# HELP cupid_faults_fired_total Requests a fault rule acted on (/cupid/faults).\n"
	    "# TYPE cupid_faults_fired_total counter\n"
	    "cupid_faults_fired_total{action=\"error\"} %lu\n"
	    "cupid_faults_fired_total{action=\"delay\"} %lu\n"
	    "cupid_faults_fired_total{action=\"drop\"} %lu\n",
	    fe, fd, fx);
	int rc = domain_license(&d, &license);
	buf_puts(&rs->body, "# TYPE cupid_objects gauge\n");
	for (size_t i = 0; !rc && i < sizeof(objects) / sizeof(objects[0]); i++) {
		rc = store_count(&app->store, objects[i].r, -1, Q_IS, NULL, rq->a, &n);
		buf_printf(&rs->body, "cupid_objects{type=\"%s\"} %ld\n", objects[i].type, n);
		if (objects[i].r == &res_port)
			buf_printf(&rs->body,
				   "# TYPE cupid_ports_in_use gauge\ncupid_ports_in_use %ld\n", n);
	}
	if (rc)
		return api_error(rq, rs, rc, "cannot read the object counts");
	buf_printf(&rs->body,
		   "# TYPE cupid_license_voice_ports gauge\ncupid_license_voice_ports %ld\n",
		   license);
	rs->ctype = "text/plain; version=0.0.4";
	return rs->status = 200;
}

static void throttle_json(struct resp *rs, struct throttle *t)
{
	struct throttle_settings s;
	long in_flight, queued, rejected;
	throttle_get(t, &s, &in_flight, &queued, &rejected);
	buf_printf(&rs->body,
		   "{\"enabled\":%s,\"maxInFlight\":%ld,\"queueDepth\":%ld,\"queueTimeoutMs\":%ld,"
		   "\"latencyMs\":%ld,\"inFlight\":%ld,\"queued\":%ld}",
		   s.enabled ? "true" : "false", s.max_in_flight, s.queue_depth, s.queue_timeout_ms,
		   s.latency_ms, in_flight, queued);
	rs->ctype = "application/json";
	rs->status = 200;
}

HANDLER(cupid_throttle_get)
{
	throttle_json(rs, rq->app->throttle);
	return 200;
}

HANDLER(cupid_throttle_put)
{
	static const struct {
		const char *key;
		long min, max;
	} keys[] = {{"maxInFlight", 1, 1000},
		    {"queueDepth", 0, 10000},
		    {"queueTimeoutMs", 0, 600000},
		    {"latencyMs", 0, 60000}};
	struct throttle_settings s;
	long dummy;
	throttle_get(rq->app->throttle, &s, &dummy, &dummy, &dummy);
	long *vals[] = {&s.max_in_flight, &s.queue_depth, &s.queue_timeout_ms, &s.latency_ms};
	json_error_t je;
	json_t *root = rq->body_len ? json_loadb(rq->body, rq->body_len, 0, &je) : json_object();
	int rc = ERR_INVALID;
	char err[160] = "the body must be a JSON object";
	if (!json_is_object(root))
		goto out;
	json_t *en = json_object_get(root, "enabled");
	if (en) {
		if (!json_is_boolean(en)) {
			snprintf(err, sizeof(err), "enabled: must be true or false");
			goto out;
		}
		s.enabled = json_is_true(en);
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(root, keys[i].key);
		if (!v)
			continue;
		if (!json_is_integer(v) || json_integer_value(v) < keys[i].min ||
		    json_integer_value(v) > keys[i].max) {
			snprintf(err, sizeof(err), "%s: must be an integer from %ld to %ld",
				 keys[i].key, keys[i].min, keys[i].max);
			goto out;
		}
		*vals[i] = (long)json_integer_value(v);
	}
	throttle_set(rq->app->throttle, &s);
	rc = 0;
out:
	json_decref(root);
	if (rc)
		return api_error(rq, rs, rc, "%s", err);
	throttle_json(rs, rq->app->throttle);
	return 200;
}

static int audit_json(void *ctx, const struct audit_entry *e)
{
	struct buf *b = ctx;
	buf_printf(b, "%s{\"id\":%lld,\"time\":", b->data[b->len - 1] == '[' ? "" : ",", e->id);
	codec_json_str(b, e->time);
	buf_puts(b, ",\"user\":");
	codec_json_str(b, e->user ? e->user : "");
	buf_puts(b, ",\"method\":");
	codec_json_str(b, e->method);
	buf_puts(b, ",\"path\":");
	codec_json_str(b, e->path);
	buf_printf(b, ",\"status\":%d", e->status);
	if (e->object_id) {
		buf_puts(b, ",\"objectId\":");
		codec_json_str(b, e->object_id);
	}
	buf_puts(b, ",\"requestId\":");
	codec_json_str(b, e->request_id);
	buf_putc(b, '}');
	return b->oom;
}

/* A non-negative decimal query parameter (at most max), or def when absent; -1 when it is not
 * one. */
static int num_param(struct req *rq, const char *name, long long def, long long max, long long *out)
{
	bool bad = false;
	const char *v = qparam(rq, name, &bad);
	*out = def;
	if (bad)
		return -1;
	if (!v)
		return 0;
	if (!*v || !strchr("0123456789", *v))
		return -1;
	char *end;
	errno = 0;
	*out = strtoll(v, &end, 10);
	return *end || errno || *out > max ? -1 : 0;
}

HANDLER(cupid_audit)
{
	long long since, limit;
	if (num_param(rq, "since", 0, LLONG_MAX, &since))
		return api_error(rq, rs, ERR_INVALID, "since: must be a non-negative integer");
	if (num_param(rq, "limit", 100, 1000, &limit))
		return api_error(rq, rs, ERR_INVALID, "limit: must be an integer from 0 to 1000");
	buf_puts(&rs->body, "{\"entries\":[");
	int rc = store_audit_list(&rq->app->store, since, (long)limit, audit_json, &rs->body);
	if (rc)
		return api_error(rq, rs, rc, "cannot read the audit log");
	buf_puts(&rs->body, "]}");
	rs->ctype = "application/json";
	return rs->status = 200;
}

/* The decoded value of query parameter name, or NULL when absent; *bad when it does not
 * decode. */
static const char *qparam(struct req *rq, const char *name, bool *bad)
{
	size_t n = strlen(name);
	const char *found = NULL;
	for (const char *p = rq->query; p && *p;) {
		size_t len = strcspn(p, "&");
		if (len >= n && !strncmp(p, name, n) && (len == n || p[n] == '=')) {
			const char *v = len == n ? "" : p + n + 1;
			found = query_decode(v, len - (size_t)(v - p), 1, rq->a);
			if (!found)
				*bad = true;
		}
		p += len + (p[len] ? 1 : 0);
	}
	return found;
}

/* An ISO 8601 UTC time (2026-12-01T10:00:00Z, seconds and fraction optional) in ms. */
static int iso_ms(const char *s, long long *ms)
{
	struct tm tm = {0};
	int frac = 0, nf = 0;
	char *end = strptime(s, "%Y-%m-%dT%H:%M", &tm);
	if (end && *end == ':') {
		end = strptime(end, ":%S", &tm);
		if (end && *end == '.')
			for (end++; *end >= '0' && *end <= '9'; end++)
				if (nf++ < 3)
					frac = frac * 10 + (*end - '0');
	}
	if (!end || strcmp(end, "Z"))
		return -1;
	for (; nf < 3; nf++)
		frac *= 10;
	*ms = (long long)timegm(&tm) * 1000 + frac;
	return 0;
}

HANDLER(cupid_requests_get)
{
	struct journal_filter f = {0};
	bool bad = false;
	long long v;
	f.method = qparam(rq, "method", &bad);
	f.path = qparam(rq, "path", &bad);
	const char *status = qparam(rq, "status", &bad), *count = qparam(rq, "count", &bad);
	const char *since = qparam(rq, "since", &bad);
	if (bad)
		return api_error(rq, rs, ERR_INVALID, "a query parameter does not decode");
	if (status) {
		char *end;
		long st = strtol(status, &end, 10);
		bool cls = strlen(status) == 3 && status[0] >= '1' && status[0] <= '5' &&
			   !strcmp(status + 1, "xx");
		if (!cls && (*end || st < 100 || st > 599))
			return api_error(rq, rs, ERR_INVALID,
					 "status: a status (404) or a class (4xx)");
		f.status = cls ? status[0] - '0' : (int)st;
	}
	if (num_param(rq, "sinceId", 0, LLONG_MAX, &v))
		return api_error(rq, rs, ERR_INVALID, "sinceId: must be a non-negative integer");
	f.since_id = v;
	if (num_param(rq, "limit", 0, 1000000, &v))
		return api_error(rq, rs, ERR_INVALID,
				 "limit: must be an integer from 0 to 1000000");
	f.limit = (long)v;
	if (since && iso_ms(since, &f.since_ms))
		return api_error(rq, rs, ERR_INVALID,
				 "since: an ISO 8601 UTC time, e.g. 2026-12-01T10:00:00.000Z");
	if (count && strcmp(count, "true") && strcmp(count, "false"))
		return api_error(rq, rs, ERR_INVALID, "count: true or false");
	journal_write(rq->app->journal, &f, count && !strcmp(count, "true"), &rs->body);
	if (rs->body.oom)
		return api_error(rq, rs, ERR_INTERNAL, "out of memory");
	rs->ctype = "application/json";
	return rs->status = 200;
}

HANDLER(cupid_requests_delete)
{
	journal_clear(rq->app->journal);
	return rs->status = 204;
}

HANDLER(cupid_faults_get)
{
	faults_list(rq->app->faults, &rs->body);
	rs->ctype = "application/json";
	return rs->status = 200;
}

HANDLER(cupid_faults_post)
{
	char err[200];
	if (faults_add(rq->app->faults, rq->body, rq->body_len, &rs->body, err, sizeof(err)))
		return api_error(rq, rs, ERR_INVALID, "%s", err);
	rs->ctype = "application/json";
	return rs->status = 201;
}

HANDLER(cupid_faults_delete)
{
	faults_remove(rq->app->faults, 0);
	return rs->status = 204;
}

HANDLER(cupid_fault_delete)
{
	char *end;
	long id = strtol(rq->id, &end, 10);
	if (*end || id <= 0 || faults_remove(rq->app->faults, id))
		return api_error(rq, rs, ERR_NOT_FOUND, "no fault rule %s", rq->id);
	return rs->status = 204;
}

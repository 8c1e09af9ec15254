/* The route table and the checks that run once for every request, before any handler, in the
 * order of SPEC §4.2 (steps 3-9). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/cache.h"
#include "api/query.h"
#include "api/routes.h"
#include "err.h"
#include "api/auth.h"
#include "api/faults.h"
#include "api/metrics.h"
#include "util/arena.h"

extern const struct resource res_association, res_version;

const struct route router_routes[] = {
	{"/vmrest/version", R_READONLY, &res_version, version_get},
	{"/vmrest/vmsservers", R_READONLY, &res_vmsserver, coll_get},
	{"/vmrest/vmsservers/{id}", R_READONLY, &res_vmsserver, obj_get},
	{"/vmrest/cluster", R_READONLY, &res_vmsserver, coll_get},
	{"/vmrest/portgrouptemplates", R_READONLY, &res_template, coll_get},
	{"/vmrest/portgrouptemplates/{id}", R_READONLY, &res_template, obj_get},
	{"/vmrest/phonesystems", 0, &res_phonesystem, coll_get, phonesystems_post},
	{"/vmrest/phonesystems/{id}", 0, &res_phonesystem, obj_get, NULL, phonesystems_put,
	 phonesystems_delete},
	{"/vmrest/phonesystems/{id}/axlservers", 0, &res_axlserver, coll_get, axlservers_post},
	{"/vmrest/phonesystems/{id}/axlservers/{axlServerId}", 0, &res_axlserver, obj_get, NULL,
	 axlservers_put, axlservers_delete},
	{"/vmrest/phonesystems/{id}/phonesystemassociations", R_READONLY, &res_association,
	 sublist_get},
	{"/vmrest/portgroups", 0, &res_portgroup, coll_get, portgroups_post},
	{"/vmrest/portgroups/{id}", 0, &res_portgroup, obj_get, NULL, portgroups_put,
	 portgroups_delete},
	{"/vmrest/portgroups/{id}/portgroupservers", 0, &res_pgserver, coll_get, pgservers_post},
	{"/vmrest/portgroups/{id}/portgroupservers/{serverId}", 0, &res_pgserver, obj_get, NULL,
	 pgservers_put, pgservers_delete},
	{"/vmrest/portgroups/{id}/portgroupcodecs", 0, &res_pgcodec, coll_get, pgcodecs_post},
	{"/vmrest/portgroups/{id}/portgroupcodecs/{codecId}", 0, &res_pgcodec, obj_get, NULL,
	 pgcodecs_put, pgcodecs_delete},
	{"/vmrest/rtpcodecdefs", R_READONLY, &res_codecdef, coll_get},
	{"/vmrest/rtpcodecdefs/{id}", R_READONLY, &res_codecdef, obj_get},
	{"/vmrest/sipsecurityprofiles", 0, &res_sipprofile, coll_get, sipprofiles_post},
	{"/vmrest/sipsecurityprofiles/{id}", 0, &res_sipprofile, obj_get, NULL, sipprofiles_put,
	 sipprofiles_delete},
	{"/vmrest/ports", 0, &res_port, coll_get, ports_post},
	{"/vmrest/ports/{id}", 0, &res_port, obj_get, NULL, ports_put, ports_delete},
	{"/cupid/health", R_CUPID | R_NOAUTH, NULL, cupid_health},
	{"/cupid/whoami", R_CUPID, NULL, cupid_whoami},
	{"/cupid/reset", R_CUPID | R_ADMIN, NULL, NULL, cupid_reset},
	{"/cupid/fixtures", R_CUPID, NULL, cupid_fixtures_list, cupid_fixture_post},
	{"/cupid/fixtures/{id}", R_CUPID | R_ADMIN, NULL, NULL, cupid_fixture_load},
	{"/cupid/metrics", R_CUPID, NULL, cupid_metrics},
	{"/cupid/audit", R_CUPID | R_ADMIN, NULL, cupid_audit},
	{"/cupid/throttle", R_CUPID, NULL, cupid_throttle_get, NULL, cupid_throttle_put},
	{"/cupid/requests", R_CUPID | R_ADMIN | R_NOFAULT | R_NOJOURNAL, NULL, cupid_requests_get,
	 NULL, NULL, cupid_requests_delete},
	{"/cupid/faults", R_CUPID | R_ADMIN | R_NOFAULT, NULL, cupid_faults_get, cupid_faults_post,
	 NULL, cupid_faults_delete},
	{"/cupid/faults/{id}", R_CUPID | R_ADMIN | R_NOFAULT, NULL, NULL, NULL, NULL,
	 cupid_fault_delete},
	{"/cupid/openapi.json", R_CUPID | R_NOAUTH, NULL, cupid_openapi},
	{"/cupid/ui/", R_CUPID | R_NOAUTH, NULL, ui_get},
	{"/cupid/ui/{id}", R_CUPID | R_NOAUTH, NULL, ui_get},
};
const size_t router_nroutes = sizeof(router_routes) / sizeof(router_routes[0]);

/* Matches the decoded segments against a pattern; sets ids[] for its placeholders. */
static bool match(const char *pattern, char *const *seg, size_t nseg, const char *ids[2])
{
	const char *p = pattern + 1;
	size_t i = 0, nid = 0;
	for (; *p && i < nseg; i++) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len > 2 && p[0] == '{' && p[len - 1] == '}') {
			if (nid < 2)
				ids[nid++] = seg[i];
		} else if (strlen(seg[i]) != len || memcmp(seg[i], p, len))
			return false;
		p += len + (slash ? 1 : 0);
		if (!slash)
			p = "";
	}
	return !*p && i == nseg;
}

int router_split(const char *path, struct arena *a, char ***seg, size_t *nseg)
{
	size_t len = strlen(path);
	if (len > 1 && path[len - 1] == '/')
		len--;
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += path[i] == '/';
	*nseg = 0;
	if (!(*seg = arena_alloc(a, (n + 1) * sizeof(char *))))
		return -1;
	int rc = 0;
	for (size_t i = 1; i <= len;) {
		size_t j = i;
		while (j < len && path[j] != '/')
			j++;
		char *s = query_decode(path + i, j - i, 0, a);
		if (!s)
			rc = -1;
		(*seg)[(*nseg)++] = s ? s : "";
		i = j + 1;
	}
	return rc;
}

const struct route *router_match(char *const *seg, size_t nseg, const char *ids[2])
{
	for (size_t i = 0; i < nseg; i++)
		if (!*seg[i] || !strcmp(seg[i], ".") || !strcmp(seg[i], ".."))
			return NULL;
	for (size_t i = 0; i < router_nroutes; i++) {
		const char *got[2] = {NULL, NULL}; /* a pattern that fails half-way sets none */
		if (match(router_routes[i].pattern, seg, nseg, got)) {
			ids[0] = got[0];
			ids[1] = got[1];
			return &router_routes[i];
		}
	}
	return NULL;
}

static int (*handler_of(const struct route *r, enum method m))(struct req *, struct resp *)
{
	switch (m) {
	case M_GET:
	case M_HEAD:
		return r->get;
	case M_POST:
		return r->post;
	case M_PUT:
		return r->put;
	case M_DELETE:
		return r->del;
	default:
		return NULL;
	}
}

static const char *allow_of(const struct route *r, struct arena *a)
{
	return arena_printf(a, "%s%s%s%s", r->get ? "GET, HEAD" : "",
			    r->post ? (r->get ? ", POST" : "POST") : "", r->put ? ", PUT" : "",
			    r->del ? ", DELETE" : "");
}

static bool only_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", s[i]))
			return false;
	return true;
}

bool router_front(struct req *rq, struct resp *rs)
{
	if (strncmp(rq->path, "/vmrest/", 8) && strncmp(rq->path, "/cupid/", 7)) {
		api_error(rq, rs, ERR_NOT_FOUND, "no resource at %s", rq->path);
		return true;
	}
	/* A segment that does not decode is a malformed request (400 at the routing step). */
	rq->bad_path = router_split(rq->path, rq->a, &rq->seg, &rq->nseg) != 0;
	const char *ids[2] = {NULL, NULL};
	const struct route *rt = rq->bad_path ? NULL : router_match(rq->seg, rq->nseg, ids);
	rq->route = rt;
	if (rt && rt->res && rt->res->parent) { /* .../{parent id}/children[/{child id}] */
		rq->pid = ids[0];
		rq->id = ids[1];
	} else {
		rq->id = ids[0];
	}
	bool reading = rq->method == M_GET || rq->method == M_HEAD;
	if (rt && (rt->flags & R_NOAUTH) && reading)
		return false;
	long wait = 0;
	int rc = auth_check(rq, &wait);
	if (rc == ERR_TOO_MANY) {
		metrics_auth_throttled();
		api_error(rq, rs, ERR_TOO_MANY,
			  "too many failed logins for this user from this address; try again in"
			  " %ld s",
			  wait);
		rs->retry_after = wait;
		return true;
	}
	if (rc == ERR_BUSY || rc == ERR_INTERNAL) {
		api_error(rq, rs, rc, "the database is unavailable");
		return true;
	}
	if (rc) {
		metrics_auth_failure();
		api_error(rq, rs, ERR_AUTH, "valid credentials are required");
		const char *xrw = rq->header(rq->hctx, "X-Requested-With");
		if (xrw && !strcmp(xrw, "cupid-ui"))
			rs->www_auth = false;
		return true;
	}
	/* Fault rules act on authenticated requests, before any handler: a faulted write
	 * changes nothing. */
	return faults_apply(rq->app->faults, rq, rs);
}

/* Runs a /vmrest GET or HEAD through the cache: a body rendered since the store last moved is
 * sent again as it is; a fresh 200 is kept. The generation is read before the handler reads
 * the data, so a body is never kept under a generation newer than its data. */
static void run_cached(struct req *rq, struct resp *rs, int (*h)(struct req *, struct resp *))
{
	struct app *app = rq->app;
	unsigned long long gen;
	char *key = NULL;
	size_t klen = 0;
	if (app->cache && !app->store.ops->data_version(app->store.s, &gen) &&
	    (key = arena_printf(rq->a, "%c%s?%s", rq->out == FMT_JSON ? 'j' : 'x', rq->path,
				rq->query ? rq->query : ""))) {
		klen = strlen(key);
		if (cache_get(app->cache, key, klen, gen, &rs->body)) {
			rs->ctype = api_ctype(rq->out);
			rs->status = 200;
			return;
		}
	}
	h(rq, rs);
	if (key && rs->status == 200 && rs->body.data && !rs->body.oom)
		cache_put(app->cache, key, klen, gen, rs->body.data, rs->body.len);
}

void router_back(struct req *rq, struct resp *rs)
{
	bool vmrest = !strncmp(rq->path, "/vmrest/", 8);
	const struct route *rt = rq->route;
	bool writing = rq->method == M_POST || rq->method == M_PUT || rq->method == M_DELETE;
	if (!rt && rq->bad_path) {
		api_error(rq, rs, ERR_INVALID,
			  "the path has a segment that does not decode (bad %%-escape, NUL or "
			  "invalid UTF-8)");
		return;
	}
	if (!rt) {
		api_error(rq, rs, ERR_NOT_FOUND, "no resource at %s", rq->path);
		return;
	}
	int (*h)(struct req *, struct resp *) = handler_of(rt, rq->method);
	if (!h) {
		if ((rt->flags & R_READONLY) && writing) {
			api_error(rq, rs, ERR_FORBIDDEN, "%s is read-only", rq->path);
			return;
		}
		api_error(rq, rs, ERR_METHOD, "%s is not allowed on %s", rq->method_name,
			  rq->path);
		rs->allow = allow_of(rt, rq->a);
		return;
	}
	if ((writing || (rt->flags & R_ADMIN)) && rq->role != ROLE_ADMIN) {
		api_error(rq, rs, ERR_FORBIDDEN, "user %s may not %s %s", rq->user,
			  rq->method_name, rq->path);
		return;
	}
	if (vmrest && !rq->acceptable) {
		api_error(rq, rs, ERR_NOT_ACCEPTABLE,
			  "Accept allows neither application/xml nor application/json");
		return;
	}
	if ((rq->method == M_POST || rq->method == M_PUT) &&
	    !only_space(rq->body, rq->body_len) && (!rq->in || (!vmrest && rq->in != FMT_JSON))) {
		api_error(rq, rs, ERR_MEDIA_TYPE, "the body must be %s",
			  vmrest ? "application/xml or application/json" : "application/json");
		return;
	}
	if (!(rq->method == M_POST || rq->method == M_PUT))
		rq->body_len = 0; /* bodies of GET, HEAD and DELETE are ignored */
	if (vmrest && (rq->method == M_GET || rq->method == M_HEAD))
		run_cached(rq, rs, h);
	else
		h(rq, rs);
}

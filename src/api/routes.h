/* Handlers named by the route table. */
#pragma once
#include "api/api.h"

#define R_READONLY 1u /* POST, PUT and DELETE answer 403 (SPEC §5 method table) */
#define R_NOAUTH   2u /* GET and HEAD need no credentials */
#define R_ADMIN    4u /* every method needs the administrator role */
#define R_CUPID    8u /* cupid's own endpoint: JSON errors, no Accept check */
#define R_NOFAULT  16u /* fault rules never act on it (api/faults.h) */
#define R_NOJOURNAL 32u /* the request journal does not record it (api/journal.h) */

struct route {
	const char *pattern; /* "/vmrest/ports/{id}": the only place URL patterns appear */
	unsigned flags;
	const struct resource *res; /* the resource whose element names a JSON body wrapper */
	int (*get)(struct req *rq, struct resp *rs);
	int (*post)(struct req *rq, struct resp *rs);
	int (*put)(struct req *rq, struct resp *rs);
	int (*del)(struct req *rq, struct resp *rs);
};

/* Route table lookup for metrics and tools: the routes, in order. */
extern const struct route router_routes[];
extern const size_t router_nroutes;

struct arena;
/* Splits a raw path (without the query) into percent-decoded segments (SPEC §2.8): the leading
 * '/' is skipped, one trailing slash ignored, every '/' starts a segment. The array and the
 * segments come from a. Returns 0, or -1 when a segment does not decode (bad %-escape, NUL,
 * invalid UTF-8; that segment is "") or the arena is full. Pure: used by the router and the
 * path fuzz target. */
int router_split(const char *path, struct arena *a, char ***seg, size_t *nseg);
/* The route whose pattern matches the decoded segments (case-sensitive; an empty, "." or ".."
 * segment matches nothing), or NULL. Sets ids[0] and ids[1] to the segments that match the
 * pattern's first and second placeholder ({id}, {serverId}, ...). Pure: no request, no
 * dispatch. */
const struct route *router_match(char *const *seg, size_t nseg, const char *ids[2]);

HANDLER(version_get);
HANDLER(coll_get);      /* any collection of rq->route->res */
HANDLER(obj_get);       /* any object of rq->route->res */
HANDLER(sublist_get);   /* the always-empty phone system associations */
HANDLER(ports_post);
HANDLER(ports_put);
HANDLER(ports_delete);
HANDLER(portgroups_post);
HANDLER(portgroups_put);
HANDLER(portgroups_delete);
HANDLER(phonesystems_post);
HANDLER(phonesystems_put);
HANDLER(phonesystems_delete);
HANDLER(pgservers_post);
HANDLER(pgservers_put);
HANDLER(pgservers_delete);
HANDLER(pgcodecs_post);
HANDLER(pgcodecs_put);
HANDLER(pgcodecs_delete);
HANDLER(axlservers_post);
HANDLER(axlservers_put);
HANDLER(axlservers_delete);
HANDLER(sipprofiles_post);
HANDLER(sipprofiles_put);
HANDLER(sipprofiles_delete);
HANDLER(cupid_health);
HANDLER(cupid_whoami);
HANDLER(cupid_reset);
HANDLER(cupid_fixtures_list);
HANDLER(cupid_fixture_load);
HANDLER(cupid_fixture_post);
HANDLER(cupid_metrics);
HANDLER(cupid_audit);
HANDLER(cupid_throttle_get);
HANDLER(cupid_throttle_put);
HANDLER(cupid_requests_get);    /* the request journal (api/journal.h) */
HANDLER(cupid_requests_delete);
HANDLER(cupid_faults_get);      /* fault injection (api/faults.h) */
HANDLER(cupid_faults_post);
HANDLER(cupid_faults_delete);
HANDLER(cupid_fault_delete);
HANDLER(cupid_openapi);  /* the OpenAPI 3.1 description (api/openapi.c) */
HANDLER(ui_get);         /* the web page's static files (api/ui.c) */

/* The read side shared by every resource: listings (of a sub-collection, those of its parent
 * in the path), single objects, the version object and the always-empty phone system
 * associations. */
#include <string.h>

#include "api/query.h"
#include "codec/codec.h"
#include "api/routes.h"
#include "conf.h"
#include "err.h"
#include "util/arena.h"

static const struct field version_fields[] = {
	{.name = "name", .type = T_STR, .acc = A_R},
	{.name = "version", .type = T_STR, .acc = A_R},
};
/* Not static: the OpenAPI description (openapi.c) walks it too. */
const struct resource res_version = {
	.name = "version",
	.elem = "VersionInformation",
	.fields = version_fields,
	.nfields = 2,
};
/* The associations have a shape and no rows. */
const struct resource res_association = {.name = "phonesystemassociation",
					 .elem = "PhoneSystemAssociation",
					 .coll = "PhoneSystemAssociations"};

HANDLER(version_get)
{
	struct obj o = {.v = {"vmrest", rq->app->version}};
	return api_send_obj(rq, rs, &res_version, &o);
}

HANDLER(coll_get)
{
	struct listq q;
	char err[256];
	const struct resource *r = rq->route->res;
	if (query_parse(rq->query, r, rq->a, &q, err, sizeof(err)))
		return api_error(rq, rs, ERR_INVALID, "%s", err);
	/* Below a parent that does not exist, the list is empty (SPEC §5.7.1). */
	q.parent = rq->pid;
	return api_send_list(rq, rs, r, &q);
}

HANDLER(obj_get)
{
	const struct resource *r = rq->route->res;
	struct obj o;
	int rc = store_get_in(&rq->app->store, r, rq->pid, rq->id, rq->a, &o);
	if (rc == ERR_NOT_FOUND && r->parent)
		return api_error(rq, rs, rc, "no %s has ObjectId %s below %s %s", r->name, rq->id,
				 r->parent_res->name, rq->pid);
	if (rc == ERR_NOT_FOUND)
		return api_error(rq, rs, rc, "no %s has ObjectId %s", r->name, rq->id);
	if (rc)
		return api_error(rq, rs, rc, "cannot read %s %s", r->name, rq->id);
	return api_send_obj(rq, rs, r, &o);
}

HANDLER(sublist_get)
{
	const struct resource *r = rq->route->res;
	codec_coll_begin(&rs->body, rq->out, r, 0, 0);
	codec_coll_end(&rs->body, rq->out, r, 0, 0);
	rs->ctype = api_ctype(rq->out);
	return rs->status = 200;
}

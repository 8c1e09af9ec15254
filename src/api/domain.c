/* The shape every write shares: parse the body, check the formats, run the resource's rules in
 * one write transaction that also records the audit entry, answer 201 or 204. */
#include "api/domain.h"

#include <stdio.h>

#include "err.h"
#include "util/arena.h"

int domain_tx(struct app *app, int (*fn)(struct domain_ctx *d, void *arg), struct domain_ctx *d,
	      void *arg)
{
	const struct store_handle *st = &app->store;
	int rc = st->ops->begin(st->s, true);
	if (rc) {
		snprintf(d->err, sizeof(d->err), "the database is busy");
		return rc;
	}
	rc = fn(d, arg);
	/* A write that succeeds is audited in its own transaction (SPEC §6.5). */
	if (!rc && d->rq)
		rc = api_audit(d->rq, d->status, d->id ? d->id : d->rq->id);
	if (!rc && (rc = st->ops->commit(st->s)))
		snprintf(d->err, sizeof(d->err), "the database is busy");
	if (rc)
		st->ops->rollback(st->s);
	else if (d->rq)
		d->rq->audited = true;
	return rc;
}

/* Answers a failed write: the message the rules wrote, or a generic one. */
static int fail(struct req *rq, struct resp *rs, const struct domain_ctx *d, int rc)
{
	return api_error(rq, rs, rc, "%s", *d->err ? d->err : "the request failed");
}

struct write_arg {
	const struct resource *r;
	const char *id;
	struct input *in;
	const struct body *b;
	int (*create)(struct domain_ctx *d, struct input *in, const struct body *b);
	int (*update)(struct domain_ctx *d, const char *id, struct input *in,
		      const struct body *b);
};

static int create_tx(struct domain_ctx *d, void *arg)
{
	struct write_arg *w = arg;
	return w->create(d, w->in, w->b);
}

/* SPEC §4.2 step 10: the parent in the path (for a sub-collection), then the object (when the
 * path names one), which must belong to that parent. Returns 0, or the status of the 404 or
 * of a failed read, with rs filled. */
static int path_check(struct req *rq, struct resp *rs, const struct resource *r)
{
	const struct store_handle *st = &rq->app->store;
	struct obj o;
	int rc = 0;
	const struct resource *missing = NULL;
	const char *id = NULL;
	if (r->parent && (rc = store_get(st, r->parent_res, rq->pid, rq->a, &o)) == ERR_NOT_FOUND)
		missing = r->parent_res, id = rq->pid;
	else if (!rc && rq->id &&
		 (rc = store_get_in(st, r, rq->pid, rq->id, rq->a, &o)) == ERR_NOT_FOUND)
		missing = r, id = rq->id;
	if (missing)
		return api_error(rq, rs, rc, "no %s has ObjectId %s", missing->name, id);
	if (rc)
		return api_error(rq, rs, rc, "cannot read %s", rq->path);
	return 0;
}

int domain_post(struct req *rq, struct resp *rs, const struct resource *r,
		int (*create)(struct domain_ctx *d, struct input *in, const struct body *b))
{
	struct body b;
	struct input in;
	struct domain_ctx d = DOMAIN_CTX(rq, 201);
	if (path_check(rq, rs, r) || api_body(rq, rs, r->elem, &b))
		return rs->status;
	int rc = model_parse(r, &b, MODE_POST, rq->a, &in, d.err, sizeof(d.err));
	/* The parent is the one in the path, whatever the body says (SPEC §5.7.1). */
	if (r->parent)
		in.v[model_field(r, r->parent)] = rq->pid;
	struct write_arg w = {.in = &in, .b = &b, .create = create};
	if (!rc)
		rc = domain_tx(rq->app, create_tx, &d, &w);
	if (rc)
		return fail(rq, rs, &d, rc);
	rs->object_id = d.id;
	const char *path = model_path(r, rq->pid, rq->a);
	return api_created(rq, rs, arena_printf(rq->a, "%s/%s", path ? path : r->path, d.id));
}

static int update_tx(struct domain_ctx *d, void *arg)
{
	struct write_arg *w = arg;
	int rc = w->update(d, w->id, w->in, w->b);
	if (rc == ERR_NOT_FOUND) /* deleted since the request began */
		snprintf(d->err, sizeof(d->err), "no %s has ObjectId %s", w->r->name, w->id);
	return rc;
}

int domain_put(struct req *rq, struct resp *rs, const struct resource *r,
	       int (*update)(struct domain_ctx *d, const char *id, struct input *in,
			     const struct body *b))
{
	struct body b;
	struct input in;
	struct domain_ctx d = DOMAIN_CTX(rq, 204);
	/* The ids in the path are checked before the body (SPEC §4.2 steps 10 and 12). */
	if (path_check(rq, rs, r) || api_body(rq, rs, r->elem, &b))
		return rs->status;
	int rc = model_parse(r, &b, MODE_PUT, rq->a, &in, d.err, sizeof(d.err));
	struct write_arg w = {.r = r, .id = rq->id, .in = &in, .b = &b, .update = update};
	if (!rc)
		rc = domain_tx(rq->app, update_tx, &d, &w);
	if (rc)
		return fail(rq, rs, &d, rc);
	rs->object_id = rq->id;
	return rs->status = 204;
}

static int delete_tx(struct domain_ctx *d, void *arg)
{
	struct write_arg *w = arg;
	const struct store_handle *st = &d->app->store;
	struct obj o;
	int rc = 0;
	/* A child is deleted only below its own parent. */
	if (w->r->parent)
		rc = store_get_in(st, w->r, d->rq->pid, w->id, d->a, &o);
	if (!rc)
		rc = st->ops->del(st->s, w->r, w->id);
	if (rc == ERR_NOT_FOUND)
		snprintf(d->err, sizeof(d->err), "no %s has ObjectId %s", w->r->name, w->id);
	return rc;
}

int domain_delete(struct req *rq, struct resp *rs, const struct resource *r)
{
	struct domain_ctx d = DOMAIN_CTX(rq, 204);
	struct write_arg w = {.r = r, .id = rq->id};
	if (r->parent && path_check(rq, rs, r))
		return rs->status;
	int rc = domain_tx(rq->app, delete_tx, &d, &w);
	if (rc)
		return fail(rq, rs, &d, rc);
	rs->object_id = rq->id;
	return rs->status = 204;
}

int domain_insert(struct domain_ctx *d, const struct resource *r, struct input *in)
{
	int k = model_field(r, "ObjectId");
	model_defaults(r, in);
	if (!in->v[k])
		in->v[k] = api_guid(d->a);
	int rc = d->app->store.ops->insert(d->app->store.s, r, in);
	if (rc == ERR_INVALID)
		snprintf(d->err, sizeof(d->err), "ObjectId %s is already used", in->v[k]);
	if (!rc)
		d->id = in->v[k];
	return rc;
}

int domain_parent(struct domain_ctx *d, const struct resource *r, const char *field,
		  const char *id, struct obj *o)
{
	int rc = id ? store_get(&d->app->store, r, id, d->a, o) : ERR_NOT_FOUND;
	if (rc == ERR_NOT_FOUND && d->fixture) {
		snprintf(d->err, sizeof(d->err), "%s: %s", field,
			 id ? "names no object of the document" : "is required");
		return ERR_INVALID;
	}
	if (rc == ERR_NOT_FOUND)
		snprintf(d->err, sizeof(d->err), "no %s has ObjectId %s", r->name, id);
	return rc;
}

int domain_next(struct domain_ctx *d, const struct resource *r, const char *parent, int k,
		int filter, const char *value, long max, const char **out)
{
	struct listq q = LISTQ_ALL;
	struct obj o;
	q.parent = parent;
	q.filter = filter;
	q.op = Q_EXACT;
	q.value = value;
	q.sort = k;
	q.desc = true;
	int rc = store_first(&d->app->store, r, &q, d->a, &o);
	long n = rc ? 0 : model_long(o.v[k]) + 1;
	*out = arena_printf(d->a, "%ld", n > max ? max : n);
	return rc == ERR_NOT_FOUND ? 0 : rc;
}

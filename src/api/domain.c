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

int domain_post(struct req *rq, struct resp *rs, const struct resource *r,
		int (*create)(struct domain_ctx *d, struct input *in, const struct body *b))
{
	struct body b;
	struct input in;
	struct domain_ctx d = DOMAIN_CTX(rq, 201);
	if (api_body(rq, rs, r->elem, &b))
		return rs->status;
	int rc = model_parse(r, &b, MODE_POST, rq->a, &in, d.err, sizeof(d.err));
	struct write_arg w = {.in = &in, .b = &b, .create = create};
	if (!rc)
		rc = domain_tx(rq->app, create_tx, &d, &w);
	if (rc)
		return fail(rq, rs, &d, rc);
	rs->object_id = d.id;
	return api_created(rq, rs, arena_printf(rq->a, "%s/%s", r->path, d.id));
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
	struct obj o;
	struct domain_ctx d = DOMAIN_CTX(rq, 204);
	/* The id in the path is checked before the body (SPEC §4.2 steps 10 and 12). */
	int rc = store_get(&rq->app->store, r, rq->id, rq->a, &o);
	if (rc == ERR_NOT_FOUND)
		return api_error(rq, rs, rc, "no %s has ObjectId %s", r->name, rq->id);
	if (rc)
		return api_error(rq, rs, rc, "cannot read %s %s", r->name, rq->id);
	if (api_body(rq, rs, r->elem, &b))
		return rs->status;
	rc = model_parse(r, &b, MODE_PUT, rq->a, &in, d.err, sizeof(d.err));
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
	int rc = d->app->store.ops->del(d->app->store.s, w->r, w->id);
	if (rc == ERR_NOT_FOUND)
		snprintf(d->err, sizeof(d->err), "no %s has ObjectId %s", w->r->name, w->id);
	return rc;
}

int domain_delete(struct req *rq, struct resp *rs, const struct resource *r)
{
	struct domain_ctx d = DOMAIN_CTX(rq, 204);
	struct write_arg w = {.r = r, .id = rq->id};
	int rc = domain_tx(rq->app, delete_tx, &d, &w);
	if (rc)
		return fail(rq, rs, &d, rc);
	rs->object_id = rq->id;
	return rs->status = 204;
}

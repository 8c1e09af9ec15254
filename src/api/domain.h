/* The creation rules of phone systems, port groups and ports (SPEC §5.3, §5.5, §5.6.3), shared
 * by the POST handlers and the fixture loader. Each runs inside the caller's write
 * transaction, after the field formats have been checked. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "api/api.h"

struct domain_ctx {
	struct app *app;
	struct arena *a;
	bool fixture;     /* fixture document: ObjectId and names may be given, no even rule */
	bool no_codecs;   /* fixture document that lists its codecs: no default codecs */
	const char *id;   /* out: the new (first) object's ObjectId */
	char err[512];    /* out: the message of a failure */
	struct req *rq;   /* the request, whose success is audited in the same transaction */
	int status;       /* the status the request answers when the transaction commits */
};

/* A context for a write by rq that answers status on success. */
#define DOMAIN_CTX(rq_, status_)                                                                   \
	{                                                                                           \
		.app = (rq_)->app, .a = (rq_)->a, .rq = (rq_), .status = (status_)                  \
	}

/* Each returns 0, or an ERR_* with d->err set. in holds validated values; b is the raw body
 * (for fields that name other objects, such as VmsServerName). */
int phonesystem_create(struct domain_ctx *d, struct input *in, const struct body *b);
int portgroup_create(struct domain_ctx *d, struct input *in, const struct body *b);
int ports_create(struct domain_ctx *d, struct input *in, const struct body *b);
/* The children (SPEC §5.8-§5.12): in holds the parent's id in its parent field (from the path,
 * or from a fixture document, where a missing parent is ERR_INVALID; below a path, the caller
 * has checked that it exists). */
int pgserver_create(struct domain_ctx *d, struct input *in, const struct body *b);
int pgcodec_create(struct domain_ctx *d, struct input *in, const struct body *b);
int axlserver_create(struct domain_ctx *d, struct input *in, const struct body *b);
int sipprofile_create(struct domain_ctx *d, struct input *in, const struct body *b);
/* What a new port group gets in its own transaction: the first server from its addresses
 * (SPEC §5.8.4; nothing when both are NULL) and the default codecs (§5.9.4). */
int pgserver_first(struct domain_ctx *d, const char *group, long type, const char *v4,
		   const char *v6);
/* Whether a port group of TelephonyIntegrationMethodEnum type may have a server of
 * MediaRemoteServiceEnum service (SPEC §5.8.2). */
bool pgserver_accepts(long type, long service);
int pgcodec_defaults(struct domain_ctx *d, const char *group);
/* Restores the two built-in SIP security profiles, removing every other (SPEC §6.4). */
int sipprofile_builtin(struct domain_ctx *d);
/* The parent of a child in a fixture document or below a path: reads object id of r into *o.
 * A missing one is ERR_INVALID naming field (fixture) or ERR_NOT_FOUND (path). */
/* Inserts a new object: defaults filled, ObjectId made when the body gave none, d->id set;
 * a used ObjectId is ERR_INVALID with its message. */
int domain_insert(struct domain_ctx *d, const struct resource *r, struct input *in);
int domain_parent(struct domain_ctx *d, const struct resource *r, const char *field,
		  const char *id, struct obj *o);
/* The highest value of int field k among the rows of r under parent (and, with filter >= 0,
 * whose field filter equals value) plus one, 0 when there are none, at most max. */
int domain_next(struct domain_ctx *d, const struct resource *r, const char *parent, int k,
		int filter, const char *value, long max, const char **out);
/* The PUT rules of each resource: id exists (ERR_NOT_FOUND otherwise); in holds the validated
 * W and U fields. */
int phonesystem_update(struct domain_ctx *d, const char *id, struct input *in,
		       const struct body *b);
int portgroup_update(struct domain_ctx *d, const char *id, struct input *in,
		     const struct body *b);
int ports_update(struct domain_ctx *d, const char *id, struct input *in, const struct body *b);
/* The licence count: license.voice_ports, or 250 per VMS server when that is 0. */
int domain_license(struct domain_ctx *d, long *license);
/* Runs fn inside one write transaction: commit on 0, roll back otherwise. */
int domain_tx(struct app *app, int (*fn)(struct domain_ctx *d, void *arg), struct domain_ctx *d,
	      void *arg);
/* POST of a collection of r: body, formats, create in one transaction, 201 with the URI. */
int domain_post(struct req *rq, struct resp *rs, const struct resource *r,
		int (*create)(struct domain_ctx *d, struct input *in, const struct body *b));
/* PUT of an object of r: 404 first, then body, formats, update in one transaction, 204. */
int domain_put(struct req *rq, struct resp *rs, const struct resource *r,
	       int (*update)(struct domain_ctx *d, const char *id, struct input *in,
			     const struct body *b));
/* DELETE of an object of r: 204, or 404 when there is no such object. */
int domain_delete(struct req *rq, struct resp *rs, const struct resource *r);

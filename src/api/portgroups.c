/* /vmrest/portgroups writes (SPEC §5.5): creation from a template, default names, unique
 * names per phone system, the port-group limit, the first server and the default codecs,
 * cascade delete. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/domain.h"
#include "api/routes.h"
#include "err.h"
#include "util/arena.h"

#define F(name)  model_field(&res_portgroup, name)
#define SCCP     1
#define SCCP_PREFIX "CiscoUM1-VI"

struct names_ctx {
	const char *base; /* "<phone system>-" */
	size_t blen;
	const char *name; /* a name to look for */
	const char *self; /* a group to skip */
	bool taken;
	unsigned char *used; /* used[n] for default names base-n, n < cap */
	long cap;
};

static int names_row(void *ctx, const struct obj *o, long i, long n)
{
	(void)i;
	(void)n;
	struct names_ctx *nc = ctx;
	const char *name = o->v[F("DisplayName")];
	if (nc->self && !strcmp(o->v[F("ObjectId")], nc->self))
		return 0;
	if (nc->name && !strcmp(name, nc->name))
		nc->taken = true;
	if (nc->used && !strncmp(name, nc->base, nc->blen)) {
		char *end;
		long k = strtol(name + nc->blen, &end, 10);
		if (!*end && k > 0 && k < nc->cap && name[nc->blen] != '0')
			nc->used[k] = 1;
	}
	return 0;
}

/* Walks the names of the groups of phone system ps: whether name is taken (by a group other
 * than self), and the smallest unused default number. */
static int scan_names(struct domain_ctx *d, const char *ps, struct names_ctx *nc)
{
	struct listq q = LISTQ_ALL;
	q.filter = F("MediaSwitchObjectId");
	q.op = Q_EXACT;
	q.value = ps;
	struct list_cb cb = {.row = names_row, .ctx = nc};
	return d->app->store.ops->list(d->app->store.s, &res_portgroup, &q, d->a, &cb);
}

static int unique_name(struct domain_ctx *d, const char *ps, const char *name, const char *self)
{
	struct names_ctx nc = {.name = name, .self = self};
	int rc = scan_names(d, ps, &nc);
	if (!rc && nc.taken) {
		snprintf(d->err, sizeof(d->err),
			 "a port group named %s already exists in this phone system", name);
		rc = ERR_DUPLICATE;
	}
	return rc;
}

/* The template of a type, or the type of a template. */
static int template_lookup(struct domain_ctx *d, const char *tid, const char *type,
			   struct obj *t)
{
	struct listq q = LISTQ_ALL;
	q.op = Q_EXACT;
	q.filter = model_field(&res_template, tid ? "ObjectId" : "CopyTelephonyIntegrationMethodEnum");
	q.value = tid ? tid : type;
	return store_first(&d->app->store, &res_template, &q, d->a, t);
}

int portgroup_create(struct domain_ctx *d, struct input *in, const struct body *b)
{
	(void)b;
	const struct store_handle *st = &d->app->store;
	struct obj ps, t;
	int rc = model_required(&res_portgroup, in, d->err, sizeof(d->err));
	if (rc)
		return rc;
	const char *psid = in->v[F("MediaSwitchObjectId")];
	if ((rc = store_get(st, &res_phonesystem, psid, d->a, &ps))) {
		if (rc == ERR_NOT_FOUND)
			snprintf(d->err, sizeof(d->err),
				 "MediaSwitchObjectId: no phone system has ObjectId %s", psid);
		return rc == ERR_NOT_FOUND ? ERR_INVALID : rc;
	}
	const char *tid = in->v[F("MediaPortGroupTemplateObjectId")];
	const char *type = in->v[F("TelephonyIntegrationMethodEnum")];
	if (!tid && !type) {
		snprintf(d->err, sizeof(d->err), "TelephonyIntegrationMethodEnum or"
						 " MediaPortGroupTemplateObjectId is required");
		return ERR_INVALID;
	}
	if ((rc = template_lookup(d, tid, type, &t))) {
		if (rc == ERR_NOT_FOUND)
			snprintf(d->err, sizeof(d->err),
				 "MediaPortGroupTemplateObjectId: no template has ObjectId %s", tid);
		return rc == ERR_NOT_FOUND ? ERR_INVALID : rc;
	}
	const char *ttype = t.v[model_field(&res_template, "CopyTelephonyIntegrationMethodEnum")];
	if (type && strcmp(type, ttype)) {
		snprintf(d->err, sizeof(d->err),
			 "TelephonyIntegrationMethodEnum: %s does not match the template's type %s",
			 type, ttype);
		return ERR_INVALID;
	}
	in->v[F("TelephonyIntegrationMethodEnum")] = ttype;
	in->v[F("MediaPortGroupTemplateObjectId")] = t.v[model_field(&res_template, "ObjectId")];
	const char **prefix = &in->v[F("SkinnyDevicePrefix")];
	if (model_long(ttype) == SCCP) {
		if (*prefix && !**prefix) {
			snprintf(d->err, sizeof(d->err), "SkinnyDevicePrefix: SCCP port groups need"
							 " a prefix");
			return ERR_INVALID;
		}
		if (!*prefix)
			*prefix = SCCP_PREFIX;
	} else if (*prefix && !**prefix) {
		*prefix = NULL;
	}
	const char *psname = ps.v[model_field(&res_phonesystem, "DisplayName")];
	const char *name = in->v[F("DisplayName")];
	if (name) {
		if ((rc = unique_name(d, psid, name, NULL)))
			return rc;
	} else {
		/* The smallest n >= 1 for which "<phone system>-n" is free. */
		long groups = 0;
		if ((rc = store_count(st, &res_portgroup, F("MediaSwitchObjectId"), Q_EXACT, psid,
				      d->a, &groups)))
			return rc;
		struct names_ctx nc = {.base = arena_printf(d->a, "%s-", psname),
				       .cap = groups + 2};
		nc.blen = strlen(nc.base);
		nc.used = arena_alloc(d->a, (size_t)nc.cap);
		if (!nc.used)
			return ERR_INTERNAL;
		memset(nc.used, 0, (size_t)nc.cap);
		if ((rc = scan_names(d, psid, &nc)))
			return rc;
		long k = 1;
		while (nc.used[k])
			k++;
		in->v[F("DisplayName")] = arena_printf(d->a, "%s%ld", nc.base, k);
	}
	long total = 0;
	if ((rc = store_count(st, &res_portgroup, -1, Q_IS, NULL, d->a, &total)))
		return rc;
	if (total + 1 > d->app->max_port_groups) {
		snprintf(d->err, sizeof(d->err), "port groups: %ld exist, at most %ld allowed",
			 total, d->app->max_port_groups);
		return ERR_LICENSE;
	}
	if ((rc = domain_insert(d, &res_portgroup, in)))
		return rc;
	const char *id = d->id;
	/* In the same transaction: the first server and the default codecs (SPEC §5.5). */
	if ((rc = pgserver_first(d, id, model_long(ttype), in->v[F("HostOrIPAddress")],
				 in->v[F("HostOrIPAddressV6")])) ||
	    (!d->no_codecs && (rc = pgcodec_defaults(d, id))))
		return rc;
	d->id = id;
	return 0;
}

int portgroup_update(struct domain_ctx *d, const char *id, struct input *in,
		     const struct body *b)
{
	(void)b;
	const struct store_handle *st = &d->app->store;
	struct obj g;
	int rc = store_get(st, &res_portgroup, id, d->a, &g);
	if (rc)
		return rc;
	const char **prefix = &in->v[F("SkinnyDevicePrefix")];
	if (*prefix && !**prefix) {
		if (model_long(g.v[F("TelephonyIntegrationMethodEnum")]) == SCCP) {
			snprintf(d->err, sizeof(d->err), "SkinnyDevicePrefix: SCCP port groups need"
							 " a prefix");
			return ERR_INVALID;
		}
		*prefix = model_null;
	}
	const char *name = in->v[F("DisplayName")];
	if (name && (rc = unique_name(d, g.v[F("MediaSwitchObjectId")], name, id)))
		return rc;
	return st->ops->update(st->s, &res_portgroup, id, in);
}

HANDLER(portgroups_post)
{
	return domain_post(rq, rs, &res_portgroup, portgroup_create);
}

HANDLER(portgroups_put)
{
	return domain_put(rq, rs, &res_portgroup, portgroup_update);
}

HANDLER(portgroups_delete)
{
	return domain_delete(rq, rs, &res_portgroup);
}

/* /vmrest/ports writes: create in even numbers within the licence, change, delete
 * (SPEC §5.6.3-§5.6.5). */
#include <stdio.h>
#include <string.h>

#include "api/domain.h"
#include "api/routes.h"
#include "err.h"
#include "util/arena.h"

#define F(name) model_field(&res_port, name)

/* Finds the VMS server a port names, by VmsServerObjectId or else by VmsServerName
 * (SPEC §5.6.3 step 4). *id is left NULL when neither is given. */
static int vms_resolve(struct domain_ctx *d, const char *by_id, const char *by_name,
		       const char **id)
{
	const struct store_handle *st = &d->app->store;
	struct listq q = LISTQ_ALL;
	struct obj o;
	*id = NULL;
	if (by_id && *by_id) {
		q.filter = model_field(&res_vmsserver, "ObjectId");
		q.op = Q_EXACT;
		q.value = by_id;
	} else if (by_name && *by_name) {
		q.filter = model_field(&res_vmsserver, "ServerName");
		q.op = Q_IS;
		q.value = by_name;
	} else {
		return 0;
	}
	int rc = store_first(st, &res_vmsserver, &q, d->a, &o);
	if (rc == ERR_NOT_FOUND) {
		if (by_id && *by_id)
			snprintf(d->err, sizeof(d->err), "VmsServerObjectId: no VMS server has"
							 " ObjectId %s", by_id);
		else
			snprintf(d->err, sizeof(d->err), "VmsServerName: no VMS server is named %s",
				 by_name);
		return ERR_INVALID;
	}
	if (rc)
		return rc;
	*id = o.v[model_field(&res_vmsserver, "ObjectId")];
	return 0;
}

/* The highest PortNumInGroup in the group, 0 when it is empty. */
static int highest_num(struct domain_ctx *d, const char *group, long *h)
{
	struct listq q = LISTQ_ALL;
	struct obj o;
	q.filter = F("MediaPortGroupObjectId");
	q.op = Q_EXACT;
	q.value = group;
	q.sort = F("PortNumInGroup");
	q.desc = true;
	int rc = store_first(&d->app->store, &res_port, &q, d->a, &o);
	*h = rc ? 0 : model_long(o.v[F("PortNumInGroup")]);
	return rc == ERR_NOT_FOUND ? 0 : rc;
}

int domain_license(struct domain_ctx *d, long *license)
{
	if (d->app->license > 0) {
		*license = d->app->license;
		return 0;
	}
	long n = 0;
	int rc = store_count(&d->app->store, &res_vmsserver, -1, Q_IS, NULL, d->a, &n);
	*license = 250 * n;
	return rc;
}

int ports_create(struct domain_ctx *d, struct input *in, const struct body *b)
{
	const struct store_handle *st = &d->app->store;
	const char *gid = in->v[F("MediaPortGroupObjectId")];
	struct obj g;
	int rc;
	/* 2. the group */
	if (!gid) {
		snprintf(d->err, sizeof(d->err), "MediaPortGroupObjectId is required");
		return ERR_INVALID;
	}
	if ((rc = store_get(st, &res_portgroup, gid, d->a, &g))) {
		if (rc == ERR_NOT_FOUND)
			snprintf(d->err, sizeof(d->err),
				 "MediaPortGroupObjectId: no port group has ObjectId %s", gid);
		return rc == ERR_NOT_FOUND ? ERR_INVALID : rc;
	}
	/* 3. the count */
	long n = 1;
	const char *count = in->v[F("NumberOfPorts")];
	if (!d->fixture) {
		if (!count) {
			snprintf(d->err, sizeof(d->err), "NumberOfPorts is required");
			return ERR_INVALID;
		}
		n = model_long(count);
		if (n % 2 && !d->app->allow_odd) {
			snprintf(d->err, sizeof(d->err),
				 "NumberOfPorts: %ld is odd; ports are added in even numbers", n);
			return ERR_INVALID;
		}
	}
	/* 4. the VMS server, by the group's integration type */
	long type = model_long(g.v[model_field(&res_portgroup, "TelephonyIntegrationMethodEnum")]);
	const char *vms_id = in->v[F("VmsServerObjectId")];
	const char *vms = NULL;
	if (type == 3) {
		if (vms_id && *vms_id) {
			snprintf(d->err, sizeof(d->err), "VmsServerObjectId: PIMG/TIMG ports have"
							 " no VMS server");
			return ERR_INVALID;
		}
	} else {
		if ((rc = vms_resolve(d, vms_id, model_raw(b, "VmsServerName"), &vms)))
			return rc;
		if (!vms) {
			snprintf(d->err, sizeof(d->err), "VmsServerObjectId: SCCP and SIP ports need"
							 " a VMS server (VmsServerObjectId or"
							 " VmsServerName)");
			return ERR_INVALID;
		}
	}
	/* 5. the licence */
	long used = 0, license = 0;
	if ((rc = store_count(st, &res_port, -1, Q_IS, NULL, d->a, &used)) ||
	    (rc = domain_license(d, &license)))
		return rc;
	if (used + n > license) {
		snprintf(d->err, sizeof(d->err),
			 "%ld ports requested, %ld in use, %ld licensed", n, used, license);
		return ERR_LICENSE;
	}
	/* Numbering (SPEC §5.6.4); a fixture may give the number, which must be unused. */
	long h = 0;
	const char *num = in->v[F("PortNumInGroup")];
	if (num)
		h = model_long(num) - 1;
	else if ((rc = highest_num(d, gid, &h)))
		return rc;
	const char *gname = g.v[model_field(&res_portgroup, "DisplayName")];
	model_defaults(&res_port, in);
	in->v[F("VmsServerObjectId")] = vms;
	const char *given_id = in->v[F("ObjectId")], *given_name = in->v[F("DisplayName")];
	/* One set of buffers, rewritten for every port: the store is done with the values when
	 * insert returns, and a batch as large as the licence must not run the request's arena
	 * dry (which once answered 500 for NumberOfPorts=200000). */
	size_t namelen = strlen(gname) + 24;
	char idbuf[37], numbuf[24], *namebuf = arena_alloc(d->a, namelen);
	if (!namebuf)
		return ERR_INTERNAL;
	for (long i = 1; i <= n; i++) {
		if (!given_id && api_guid_into(idbuf))
			return ERR_INTERNAL;
		const char *id = given_id ? given_id : idbuf;
		snprintf(numbuf, sizeof(numbuf), "%ld", h + i);
		snprintf(namebuf, namelen, "%s-%03ld", gname, h + i);
		in->v[F("ObjectId")] = id;
		in->v[F("PortNumInGroup")] = numbuf;
		in->v[F("DisplayName")] = given_name ? given_name : namebuf;
		if ((rc = st->ops->insert(st->s, &res_port, in))) {
			if (rc == ERR_INVALID)
				snprintf(d->err, sizeof(d->err), "ObjectId %s or PortNumInGroup %ld"
								 " is already used", id, h + i);
			return rc;
		}
		if (i == 1 && !(d->id = arena_strdup(d->a, id)))
			return ERR_INTERNAL;
	}
	/* Leave no pointer to the buffers above behind in the caller's input. */
	in->v[F("ObjectId")] = given_id;
	in->v[F("PortNumInGroup")] = num;
	in->v[F("DisplayName")] = given_name;
	return 0;
}

int ports_update(struct domain_ctx *d, const char *id, struct input *in, const struct body *b)
{
	const struct store_handle *st = &d->app->store;
	struct obj port;
	int rc = store_get(st, &res_port, id, d->a, &port);
	if (rc)
		return rc;
	/* The VMS-server move rule: an empty value of either field is ignored. */
	const char *vms_id = in->v[F("VmsServerObjectId")], *vms = NULL;
	if (model_long(port.v[F("TelephonyIntegrationMethodEnum")]) == 3) {
		if (vms_id && *vms_id) {
			snprintf(d->err, sizeof(d->err), "VmsServerObjectId: PIMG/TIMG ports have"
							 " no VMS server");
			return ERR_INVALID;
		}
	} else if ((rc = vms_resolve(d, vms_id, model_raw(b, "VmsServerName"), &vms))) {
		return rc;
	}
	in->v[F("VmsServerObjectId")] = vms;
	return st->ops->update(st->s, &res_port, id, in);
}

HANDLER(ports_post)
{
	return domain_post(rq, rs, &res_port, ports_create);
}

HANDLER(ports_put)
{
	return domain_put(rq, rs, &res_port, ports_update);
}

HANDLER(ports_delete)
{
	return domain_delete(rq, rs, &res_port);
}

/* /vmrest/portgroups/{id}/portgroupservers writes (SPEC §5.8): the services a group's type
 * accepts and their default ports, the address rule, assigned precedence, 32 per group, and
 * the first server of a new group. */
#include <stdio.h>
#include <string.h>

#include "api/domain.h"
#include "api/routes.h"
#include "err.h"
#include "util/arena.h"

#define F(name)      model_field(&res_pgserver, name)
#define MAX_SERVERS  32
#define TYPE(t)      (1u << (t)) /* TelephonyIntegrationMethodEnum 1-3 as a set */

/* The services a port group may have (SPEC §5.8.2): 103 belongs to phone systems, and 105 and
 * 106 to no group, so they are absent. */
static const struct service {
	long id;
	const char *port, *tls; /* defaults; no TLS port for TFTP */
	unsigned types;         /* the group types that accept it */
} services[] = {
	{100, "2000", "2443", TYPE(1)},
	{101, "69", NULL, TYPE(1) | TYPE(2)},
	{102, "5060", "5061", TYPE(2)},
	{104, "5060", "5061", TYPE(3)},
};
static const long primary[] = {0, 100, 102, 104};
static const char *const type_names[] = {"", "SCCP", "SIP", "PIMG/TIMG"};
static const char *const accepted[] = {"", "100 and 101", "101 and 102", "104 only"};

static const struct service *service_of(long id)
{
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (services[i].id == id)
			return &services[i];
	return NULL;
}

bool pgserver_accepts(long type, long service)
{
	const struct service *sv = service_of(service);
	return type >= 1 && type <= 3 && sv && (sv->types & TYPE(type));
}

/* An empty address clears the field: NULL on create, model_null on update. */
static void clear_empty(const char **v, const char *cleared)
{
	if (*v && !**v)
		*v = cleared;
}

int pgserver_create(struct domain_ctx *d, struct input *in, const struct body *b)
{
	(void)b;
	const struct store_handle *st = &d->app->store;
	const char *gid = in->v[F("MediaPortGroupObjectId")];
	struct obj g;
	int rc = domain_parent(d, &res_portgroup, "MediaPortGroupObjectId", gid, &g);
	if (rc)
		return rc;
	long type = model_long(g.v[model_field(&res_portgroup, "TelephonyIntegrationMethodEnum")]);
	if (type < 1 || type > 3)
		return ERR_INTERNAL;
	/* 3. an address */
	const char **v4 = &in->v[F("HostOrIPAddress")], **v6 = &in->v[F("HostOrIPAddressV6")];
	clear_empty(v4, NULL);
	clear_empty(v6, NULL);
	if (!*v4 && !*v6) {
		snprintf(d->err, sizeof(d->err),
			 "HostOrIPAddress: a server needs HostOrIPAddress or HostOrIPAddressV6");
		return ERR_INVALID;
	}
	/* 4. a service the group's type accepts */
	const char **svc = &in->v[F("MediaRemoteServiceEnum")];
	if (!*svc)
		*svc = arena_printf(d->a, "%ld", primary[type]);
	const struct service *sv = service_of(model_long(*svc));
	if (!pgserver_accepts(type, model_long(*svc))) {
		snprintf(d->err, sizeof(d->err),
			 "MediaRemoteServiceEnum: %s port groups accept the services %s, not %s",
			 type_names[type], accepted[type], *svc);
		return ERR_INVALID;
	}
	/* 5. the limit */
	long n = 0;
	if ((rc = store_count(st, &res_pgserver, F("MediaPortGroupObjectId"), Q_EXACT, gid, d->a,
			      &n)))
		return rc;
	if (n >= MAX_SERVERS) {
		snprintf(d->err, sizeof(d->err), "port group %s has %ld servers, at most %d allowed",
			 g.v[model_field(&res_portgroup, "DisplayName")], n, MAX_SERVERS);
		return ERR_LICENSE;
	}
	if (!in->v[F("Port")])
		in->v[F("Port")] = sv->port;
	if (!in->v[F("TlsPort")])
		in->v[F("TlsPort")] = sv->tls;
	if (!in->v[F("Precedence")] &&
	    (rc = domain_next(d, &res_pgserver, gid, F("Precedence"), F("MediaRemoteServiceEnum"),
			      *svc, 9999, &in->v[F("Precedence")])))
		return rc;
	return domain_insert(d, &res_pgserver, in);
}

static int pgserver_update(struct domain_ctx *d, const char *id, struct input *in,
			   const struct body *b)
{
	(void)b;
	const struct store_handle *st = &d->app->store;
	struct obj o;
	int rc = store_get(st, &res_pgserver, id, d->a, &o);
	if (rc)
		return rc;
	/* The address rule holds for the result (SPEC §5.8.3). */
	const char **v4 = &in->v[F("HostOrIPAddress")], **v6 = &in->v[F("HostOrIPAddressV6")];
	clear_empty(v4, model_null);
	clear_empty(v6, model_null);
	const char *r4 = *v4 ? *v4 : o.v[F("HostOrIPAddress")];
	const char *r6 = *v6 ? *v6 : o.v[F("HostOrIPAddressV6")];
	if ((!r4 || r4 == model_null) && (!r6 || r6 == model_null)) {
		snprintf(d->err, sizeof(d->err),
			 "HostOrIPAddress: a server needs HostOrIPAddress or HostOrIPAddressV6");
		return ERR_INVALID;
	}
	return st->ops->update(st->s, &res_pgserver, id, in);
}

int pgserver_first(struct domain_ctx *d, const char *group, long type, const char *v4,
		   const char *v6)
{
	if ((!v4 || !*v4) && (!v6 || !*v6))
		return 0;
	if (type < 1 || type > 3)
		return ERR_INTERNAL;
	const struct service *sv = service_of(primary[type]);
	struct input in = {0};
	in.v[F("ObjectId")] = api_guid(d->a);
	in.v[F("MediaPortGroupObjectId")] = group;
	in.v[F("MediaRemoteServiceEnum")] = arena_printf(d->a, "%ld", sv->id);
	in.v[F("HostOrIPAddress")] = v4 && *v4 ? v4 : NULL;
	in.v[F("HostOrIPAddressV6")] = v6 && *v6 ? v6 : NULL;
	in.v[F("Port")] = sv->port;
	in.v[F("TlsPort")] = sv->tls;
	in.v[F("Precedence")] = "0";
	model_defaults(&res_pgserver, &in);
	if (!in.v[F("ObjectId")] || !in.v[F("MediaRemoteServiceEnum")])
		return ERR_INTERNAL;
	return d->app->store.ops->insert(d->app->store.s, &res_pgserver, &in);
}

HANDLER(pgservers_post)
{
	return domain_post(rq, rs, &res_pgserver, pgserver_create);
}

HANDLER(pgservers_put)
{
	return domain_put(rq, rs, &res_pgserver, pgserver_update);
}

HANDLER(pgservers_delete)
{
	return domain_delete(rq, rs, &res_pgserver);
}

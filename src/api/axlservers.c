/* /vmrest/phonesystems/{id}/axlservers writes (SPEC §5.11): assigned precedence, 16 per phone
 * system; the password is checked and dropped (the field table never stores it). */
#include <stdio.h>

#include "api/domain.h"
#include "api/routes.h"
#include "err.h"
#include "util/arena.h"

#define F(name)         model_field(&res_axlserver, name)
#define MAX_AXL_SERVERS 16

int axlserver_create(struct domain_ctx *d, struct input *in, const struct body *b)
{
	(void)b;
	const struct store_handle *st = &d->app->store;
	const char *psid = in->v[F("MediaSwitchObjectId")];
	struct obj ps;
	long n = 0;
	int rc = domain_parent(d, &res_phonesystem, "MediaSwitchObjectId", psid, &ps);
	if (rc || (rc = model_required(&res_axlserver, in, d->err, sizeof(d->err))) ||
	    (rc = store_count(st, &res_axlserver, F("MediaSwitchObjectId"), Q_EXACT, psid, d->a,
			      &n)))
		return rc;
	if (n >= MAX_AXL_SERVERS) {
		snprintf(d->err, sizeof(d->err),
			 "phone system %s has %ld AXL servers, at most %d allowed",
			 ps.v[model_field(&res_phonesystem, "DisplayName")], n, MAX_AXL_SERVERS);
		return ERR_LICENSE;
	}
	if (!in->v[F("Precedence")] &&
	    (rc = domain_next(d, &res_axlserver, psid, F("Precedence"), -1, NULL, 9999,
			      &in->v[F("Precedence")])))
		return rc;
	return domain_insert(d, &res_axlserver, in);
}

static int axlserver_update(struct domain_ctx *d, const char *id, struct input *in,
			    const struct body *b)
{
	(void)b;
	return d->app->store.ops->update(d->app->store.s, &res_axlserver, id, in);
}

HANDLER(axlservers_post)
{
	return domain_post(rq, rs, &res_axlserver, axlserver_create);
}

HANDLER(axlservers_put)
{
	return domain_put(rq, rs, &res_axlserver, axlserver_update);
}

HANDLER(axlservers_delete)
{
	return domain_delete(rq, rs, &res_axlserver);
}

/* /vmrest/phonesystems writes (SPEC §5.3): unique names, the single DefaultTRaPSwitch, and
 * cascade delete. */
#include <stdio.h>
#include <string.h>

#include "api/domain.h"
#include "api/routes.h"
#include "err.h"
#include "util/arena.h"

#define F(name) model_field(&res_phonesystem, name)

/* DUPLICATE_NAME when another phone system (not self) already has name. */
static int unique_name(struct domain_ctx *d, const char *name, const char *self)
{
	struct listq q = LISTQ_ALL;
	struct obj o;
	q.filter = F("DisplayName");
	q.op = Q_EXACT;
	q.value = name;
	int rc = store_first(&d->app->store, &res_phonesystem, &q, d->a, &o);
	if (rc == ERR_NOT_FOUND || (!rc && self && !strcmp(o.v[F("ObjectId")], self)))
		return 0;
	if (!rc) {
		snprintf(d->err, sizeof(d->err), "a phone system named %s already exists", name);
		return ERR_DUPLICATE;
	}
	return rc;
}

/* Setting DefaultTRaPSwitch true clears it on every other phone system. */
static int single_default(struct domain_ctx *d, const struct input *in, const char *id)
{
	const char *v = in->v[F("DefaultTRaPSwitch")];
	if (!v || strcmp(v, "1"))
		return 0;
	return d->app->store.ops->set_all(d->app->store.s, &res_phonesystem,
					  F("DefaultTRaPSwitch"), "0", id);
}

int phonesystem_create(struct domain_ctx *d, struct input *in, const struct body *b)
{
	(void)b;
	const struct store_handle *st = &d->app->store;
	char err[256];
	int rc = model_required(&res_phonesystem, in, err, sizeof(err));
	if (rc) {
		snprintf(d->err, sizeof(d->err), "%s", err);
		return rc;
	}
	if ((rc = unique_name(d, in->v[F("DisplayName")], NULL)))
		return rc;
	if (!in->v[F("DefaultTRaPSwitch")]) {
		long n = 0;
		if ((rc = store_count(st, &res_phonesystem, -1, Q_IS, NULL, d->a, &n)))
			return rc;
		in->v[F("DefaultTRaPSwitch")] = n ? "0" : "1";
	}
	const char *id = in->v[F("ObjectId")] ? in->v[F("ObjectId")] : api_guid(d->a);
	in->v[F("ObjectId")] = id;
	if ((rc = single_default(d, in, id)))
		return rc;
	return domain_insert(d, &res_phonesystem, in);
}

int phonesystem_update(struct domain_ctx *d, const char *id, struct input *in,
		       const struct body *b)
{
	(void)b;
	const char *name = in->v[F("DisplayName")];
	int rc = 0;
	if ((name && (rc = unique_name(d, name, id))) || (rc = single_default(d, in, id)))
		return rc;
	return d->app->store.ops->update(d->app->store.s, &res_phonesystem, id, in);
}

HANDLER(phonesystems_post)
{
	return domain_post(rq, rs, &res_phonesystem, phonesystem_create);
}

HANDLER(phonesystems_put)
{
	return domain_put(rq, rs, &res_phonesystem, phonesystem_update);
}

HANDLER(phonesystems_delete)
{
	return domain_delete(rq, rs, &res_phonesystem);
}

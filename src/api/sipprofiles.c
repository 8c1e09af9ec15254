/* /vmrest/sipsecurityprofiles writes (SPEC §5.12): names derived from the port and TLS, unique,
 * and the two built-in profiles. */
#include <stdio.h>
#include <string.h>

#include "api/domain.h"
#include "api/routes.h"
#include "err.h"
#include "util/arena.h"

#define F(name) model_field(&res_sipprofile, name)

/* DUPLICATE_NAME when a profile other than self already has the name of port and tls. */
static int unique_name(struct domain_ctx *d, const char *port, bool tls, const char *self)
{
	struct listq q = LISTQ_ALL;
	struct obj o;
	q.filter = F("DisplayName");
	q.op = Q_EXACT;
	q.value = arena_printf(d->a, "%s%s", port, tls ? "/TLS" : "");
	if (!q.value)
		return ERR_INTERNAL;
	int rc = store_first(&d->app->store, &res_sipprofile, &q, d->a, &o);
	if (rc == ERR_NOT_FOUND || (!rc && self && !strcmp(o.v[F("ObjectId")], self)))
		return 0;
	if (!rc) {
		snprintf(d->err, sizeof(d->err), "a SIP security profile named %s already exists",
			 q.value);
		return ERR_DUPLICATE;
	}
	return rc;
}

int sipprofile_create(struct domain_ctx *d, struct input *in, const struct body *b)
{
	(void)b;
	int rc = model_required(&res_sipprofile, in, d->err, sizeof(d->err));
	model_defaults(&res_sipprofile, in);
	if (rc || (rc = unique_name(d, in->v[F("Port")], !strcmp(in->v[F("DoTLS")], "1"), NULL)))
		return rc;
	return domain_insert(d, &res_sipprofile, in);
}

static int sipprofile_update(struct domain_ctx *d, const char *id, struct input *in,
			     const struct body *b)
{
	(void)b;
	const struct store_handle *st = &d->app->store;
	struct obj o;
	int rc = store_get(st, &res_sipprofile, id, d->a, &o);
	if (rc)
		return rc;
	const char *port = in->v[F("Port")] ? in->v[F("Port")] : o.v[F("Port")];
	bool tls = in->v[F("DoTLS")] ? !strcmp(in->v[F("DoTLS")], "1")
				     : !strcmp(o.v[F("DoTLS")], "true");
	if ((rc = unique_name(d, port, tls, id)))
		return rc;
	return st->ops->update(st->s, &res_sipprofile, id, in);
}

int sipprofile_builtin(struct domain_ctx *d)
{
	static const char *const builtin[][3] = {
		{"0cffee9f-bbf4-4cc0-9b1a-ee08604a7e13", "5060", "0"},
		{"eb090a6b-c9d4-4a9a-8f52-a6f6ded28e39", "5061", "1"},
	};
	const struct store_handle *st = &d->app->store;
	int rc = st->ops->del_all(st->s, &res_sipprofile);
	for (size_t i = 0; !rc && i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		struct input in = {0};
		in.v[F("ObjectId")] = builtin[i][0];
		in.v[F("Port")] = builtin[i][1];
		in.v[F("DoTLS")] = builtin[i][2];
		rc = st->ops->insert(st->s, &res_sipprofile, &in);
	}
	return rc;
}

HANDLER(sipprofiles_post)
{
	return domain_post(rq, rs, &res_sipprofile, sipprofile_create);
}

HANDLER(sipprofiles_put)
{
	return domain_put(rq, rs, &res_sipprofile, sipprofile_update);
}

HANDLER(sipprofiles_delete)
{
	return domain_delete(rq, rs, &res_sipprofile);
}

/* /vmrest/portgroups/{id}/portgroupcodecs writes (SPEC §5.9): one codec per definition,
 * assigned preference, and the default codecs of a new group. */
#include <stdio.h>
#include <string.h>

#include "api/domain.h"
#include "api/routes.h"
#include "err.h"
#include "util/arena.h"

#define F(name) model_field(&res_pgcodec, name)

/* G.711 mu-law and G.729, 20 ms, Preference 0 and 1 (SPEC §5.9.4). */
static const char *const default_codecs[] = {"0a588d98-bcd0-43f7-beed-4066b1b8bd89",
					     "07f16d07-3057-47e8-9029-9abee97dfffe"};

int pgcodec_create(struct domain_ctx *d, struct input *in, const struct body *b)
{
	(void)b;
	const struct store_handle *st = &d->app->store;
	const char *gid = in->v[F("MediaPortGroupObjectId")];
	struct obj g, def, o;
	int rc = domain_parent(d, &res_portgroup, "MediaPortGroupObjectId", gid, &g);
	if (rc || (rc = model_required(&res_pgcodec, in, d->err, sizeof(d->err))))
		return rc;
	const char *defid = in->v[F("RtpCodecDefObjectId")];
	if ((rc = store_get(st, &res_codecdef, defid, d->a, &def))) {
		if (rc == ERR_NOT_FOUND)
			snprintf(d->err, sizeof(d->err),
				 "RtpCodecDefObjectId: no codec definition has ObjectId %s", defid);
		return rc == ERR_NOT_FOUND ? ERR_INVALID : rc;
	}
	struct listq q = LISTQ_ALL;
	q.parent = gid;
	q.filter = F("RtpCodecDefObjectId");
	q.op = Q_EXACT;
	q.value = defid;
	if (!(rc = store_first(st, &res_pgcodec, &q, d->a, &o))) {
		snprintf(d->err, sizeof(d->err), "port group %s already advertises %s",
			 g.v[model_field(&res_portgroup, "DisplayName")],
			 def.v[model_field(&res_codecdef, "DisplayName")]);
		return ERR_DUPLICATE;
	}
	if (rc != ERR_NOT_FOUND)
		return rc;
	if (!in->v[F("Preference")] &&
	    (rc = domain_next(d, &res_pgcodec, gid, F("Preference"), -1, NULL, 9999,
			      &in->v[F("Preference")])))
		return rc;
	return domain_insert(d, &res_pgcodec, in);
}

static int pgcodec_update(struct domain_ctx *d, const char *id, struct input *in,
			  const struct body *b)
{
	(void)b;
	return d->app->store.ops->update(d->app->store.s, &res_pgcodec, id, in);
}

int pgcodec_defaults(struct domain_ctx *d, const char *group)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < sizeof(default_codecs) / sizeof(default_codecs[0]); i++) {
		struct input in = {0};
		in.v[F("ObjectId")] = api_guid(d->a);
		in.v[F("MediaPortGroupObjectId")] = group;
		in.v[F("RtpCodecDefObjectId")] = default_codecs[i];
		in.v[F("Preference")] = i ? "1" : "0";
		model_defaults(&res_pgcodec, &in);
		rc = in.v[F("ObjectId")] ? d->app->store.ops->insert(d->app->store.s, &res_pgcodec, &in)
					 : ERR_INTERNAL;
	}
	return rc;
}

HANDLER(pgcodecs_post)
{
	return domain_post(rq, rs, &res_pgcodec, pgcodec_create);
}

HANDLER(pgcodecs_put)
{
	return domain_put(rq, rs, &res_pgcodec, pgcodec_update);
}

HANDLER(pgcodecs_delete)
{
	return domain_delete(rq, rs, &res_pgcodec);
}

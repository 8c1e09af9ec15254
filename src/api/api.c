/* Helpers every handler shares: body parsing, the 201 answer, object and listing output. */
#include "api/api.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "codec/codec.h"
#include "err.h"
#include "util/arena.h"

#define MAX_VMREST_FIELDS 1000

int api_body(struct req *rq, struct resp *rs, const char *elem, struct body *b)
{
	char err[256];
	memset(b, 0, sizeof(*b));
	if (!rq->body_len)
		return 0;
	/* A body that is only whitespace has no fields, whatever its Content-Type. */
	if (!rq->in)
		return 0;
	size_t cap = strncmp(rq->path, "/cupid/", 7) ? MAX_VMREST_FIELDS : 0;
	if (body_parse(rq->in, rq->body, rq->body_len, elem, cap, rq->a, b, err, sizeof(err))) {
		api_error(rq, rs, ERR_INVALID, "%s", err);
		return ERR_INVALID;
	}
	return 0;
}

int api_created(struct req *rq, struct resp *rs, const char *path)
{
	rs->status = 201;
	rs->body.len = 0;
	buf_puts(&rs->body, path);
	rs->ctype = "text/plain";
	const char *base = rq->app->public_url;
	if (base && *base) {
		size_t n = strlen(base);
		while (n && base[n - 1] == '/')
			n--;
		rs->location = arena_printf(rq->a, "%.*s%s", (int)n, base, path);
	} else {
		rs->location = arena_printf(rq->a, "%s://%s%s", rq->scheme,
					    rq->host ? rq->host : rq->listen_host, path);
	}
	return 201;
}

const char *api_ctype(enum fmt f)
{
	return f == FMT_JSON ? "application/json" : "application/xml";
}

int api_send_obj(struct req *rq, struct resp *rs, const struct resource *r, const struct obj *o)
{
	codec_obj(&rs->body, rq->out, r, o);
	rs->ctype = api_ctype(rq->out);
	return rs->status = 200;
}

struct list_ctx {
	struct req *rq;
	struct resp *rs;
	const struct resource *r;
	long total, n;
};

static int list_begin(void *ctx, long total, long n)
{
	struct list_ctx *lc = ctx;
	lc->total = total;
	lc->n = n;
	codec_coll_begin(&lc->rs->body, lc->rq->out, lc->r, total, n);
	return 0;
}

static int list_row(void *ctx, const struct obj *o, long i, long n)
{
	struct list_ctx *lc = ctx;
	codec_coll_item(&lc->rs->body, lc->rq->out, lc->r, o, i, n);
	return lc->rs->body.oom;
}

int api_send_list(struct req *rq, struct resp *rs, const struct resource *r,
		  const struct listq *q)
{
	struct list_ctx lc = {.rq = rq, .rs = rs, .r = r};
	struct list_cb cb = {.begin = list_begin, .row = list_row, .ctx = &lc};
	int rc = rq->app->store.ops->list(rq->app->store.s, r, q, rq->a, &cb);
	if (rc)
		return api_error(rq, rs, rc, "cannot list %s", r->coll);
	codec_coll_end(&rs->body, rq->out, r, lc.total, lc.n);
	if (rs->body.oom)
		return api_error(rq, rs, ERR_INTERNAL, "out of memory");
	rs->ctype = api_ctype(rq->out);
	return rs->status = 200;
}

int api_json(struct resp *rs, int status, const char *json)
{
	rs->body.len = 0;
	buf_puts(&rs->body, json);
	rs->ctype = "application/json";
	return rs->status = status;
}

int api_guid_into(char out[37])
{
	unsigned char r[16];
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -1;
	r[6] = (r[6] & 0x0F) | 0x40; /* version 4 */
	r[8] = (r[8] & 0x3F) | 0x80; /* variant: 8, 9, a or b */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
		 r[13], r[14], r[15]);
	return 0;
}

char *api_guid(struct arena *a)
{
	char g[37];
	return api_guid_into(g) ? NULL : arena_strdup(a, g);
}

bool api_auditable(const struct req *rq)
{
	bool vmrest = !strncmp(rq->path, "/vmrest/", 8);
	bool write = rq->method == M_POST || rq->method == M_PUT ||
		     (vmrest && rq->method == M_DELETE);
	return rq->user && write && (vmrest || !strncmp(rq->path, "/cupid/", 7));
}

int api_audit(struct req *rq, int status, const char *object_id)
{
	if (!api_auditable(rq))
		return 0;
	bool vmrest = !strncmp(rq->path, "/vmrest/", 8);
	struct timespec ts;
	struct tm tm;
	char when[32];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + n, sizeof(when) - n, ".%03ldZ", ts.tv_nsec / 1000000);
	struct audit_entry e = {.time = when,
				.user = rq->user,
				.method = rq->method_name,
				.path = rq->path,
				.status = status,
				.object_id = vmrest ? object_id : NULL,
				.request_id = rq->request_id};
	return store_audit_add(&rq->app->store, &e, rq->app->audit_max);
}

/* Backend selection and the small conveniences every caller of the store uses. */
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "util/arena.h"

int store_open(struct store_handle *h, const char *database, const char *synchronous,
	       bool *created, char *err, size_t errlen)
{
	if (!strncmp(database, "sqlite:", 7)) {
		h->ops = &store_sqlite;
		return h->ops->open(&h->s, database + 7, synchronous, created, err, errlen);
	}
	if (!strncmp(database, "postgresql://", 13) || !strncmp(database, "postgres://", 11)) {
		h->ops = &store_pg;
		return h->ops->open(&h->s, database, synchronous, created, err, errlen);
	}
	snprintf(err, errlen, "database: unsupported '%.40s' (use sqlite:PATH or postgresql://...)",
		 database);
	return -1;
}

struct first_ctx {
	struct arena *a;
	struct obj *o;
	const struct resource *r;
	int found;
};

static int first_row(void *ctx, const struct obj *o, long i, long n)
{
	(void)i;
	(void)n;
	struct first_ctx *fc = ctx;
	for (size_t k = 0; k < fc->r->nfields; k++)
		fc->o->v[k] = o->v[k] ? arena_strdup(fc->a, o->v[k]) : NULL;
	fc->found = 1;
	return 1;
}

int store_first(const struct store_handle *h, const struct resource *r, const struct listq *q,
		struct arena *a, struct obj *o)
{
	struct first_ctx fc = {.a = a, .o = o, .r = r};
	struct list_cb cb = {.row = first_row, .ctx = &fc};
	struct listq q1 = *q;
	q1.limit = 1;
	q1.rows_only = true;
	int rc = h->ops->list(h->s, r, &q1, a, &cb);
	return rc ? rc : fc.found ? 0 : ERR_NOT_FOUND;
}

int store_get(const struct store_handle *h, const struct resource *r, const char *id,
	      struct arena *a, struct obj *o)
{
	struct listq q = LISTQ_ALL;
	q.filter = model_field(r, "ObjectId");
	q.op = Q_EXACT;
	q.value = id;
	return store_first(h, r, &q, a, o);
}

static int count_begin(void *ctx, long total, long n)
{
	(void)n;
	*(long *)ctx = total;
	return 1;
}

int store_count(const struct store_handle *h, const struct resource *r, int k,
		enum listq_op op, const char *value, struct arena *a, long *n)
{
	struct listq q = LISTQ_ALL;
	q.filter = k;
	q.op = op;
	q.value = value;
	q.count_only = true;
	struct list_cb cb = {.begin = count_begin, .ctx = n};
	*n = 0;
	return h->ops->list(h->s, r, &q, a, &cb);
}

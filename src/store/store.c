/* Backend selection and the small conveniences every caller of the store uses. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util/arena.h"

int store_open(struct store_handle *h, const char *database, const struct store_opts *o,
	       bool *created, char *err, size_t errlen)
{
	if (!strncmp(database, "sqlite:", 7)) {
		h->ops = &store_sqlite;
		return h->ops->open(&h->s, database + 7, o, created, err, errlen);
	}
	if (!strncmp(database, "postgresql://", 13) || !strncmp(database, "postgres://", 11)) {
		h->ops = &store_pg;
		return h->ops->open(&h->s, database, o, created, err, errlen);
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

int store_get_in(const struct store_handle *h, const struct resource *r, const char *parent,
		 const char *id, struct arena *a, struct obj *o)
{
	struct listq q = LISTQ_ALL;
	q.filter = model_field(r, "ObjectId");
	q.op = Q_EXACT;
	q.value = id;
	q.parent = parent;
	return store_first(h, r, &q, a, o);
}

int store_get(const struct store_handle *h, const struct resource *r, const char *id,
	      struct arena *a, struct obj *o)
{
	return store_get_in(h, r, NULL, id, a, o);
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

int store_audit_add(const struct store_handle *h, const struct audit_entry *e, long keep)
{
	char status[16], keep_s[24];
	snprintf(status, sizeof(status), "%d", e->status);
	snprintf(keep_s, sizeof(keep_s), "%ld", keep);
	const char *v[] = {e->time, e->user, e->method, e->path, status, e->object_id,
			   e->request_id};
	int rc = h->ops->exec(h->s,
			      "INSERT INTO audit (time, username, method, path, status, object_id,"
			      " request_id) VALUES ($1, $2, $3, $4, CAST($5 AS INTEGER), $6, $7)",
			      7, v, NULL);
	const char *k[] = {keep_s};
	if (!rc)
		rc = h->ops->exec(h->s,
				  "DELETE FROM audit WHERE id <= (SELECT max(id) FROM audit) -"
				  " CAST($1 AS INTEGER)",
				  1, k, NULL);
	return rc;
}

struct audit_ctx {
	int (*row)(void *ctx, const struct audit_entry *e);
	void *ctx;
};

static int audit_row(void *ctx, int ncol, const char *const *v)
{
	struct audit_ctx *ac = ctx;
	if (ncol < 8)
		return 1;
	struct audit_entry e = {.id = atoll(v[0]), .time = v[1], .user = v[2], .method = v[3],
				.path = v[4], .status = atoi(v[5]), .object_id = v[6],
				.request_id = v[7]};
	return ac->row(ac->ctx, &e);
}

int store_audit_list(const struct store_handle *h, long long since, long limit,
		     int (*row)(void *ctx, const struct audit_entry *e), void *ctx)
{
	char since_s[24], limit_s[24];
	snprintf(since_s, sizeof(since_s), "%lld", since);
	snprintf(limit_s, sizeof(limit_s), "%ld", limit);
	const char *v[] = {since_s, limit_s};
	struct audit_ctx ac = {row, ctx};
	return h->ops->query(h->s,
			     "SELECT id, time, username, method, path, status, object_id, request_id"
			     " FROM audit WHERE id > CAST($1 AS BIGINT) ORDER BY id"
			     " LIMIT CAST($2 AS INTEGER)",
			     2, v, audit_row, &ac);
}

int store_user_del(const struct store_handle *h, const char *name)
{
	long changes = 0;
	int rc = h->ops->exec(h->s, "DELETE FROM users WHERE name = $1", 1, &name, &changes);
	return rc ? rc : changes ? 0 : ERR_NOT_FOUND;
}

struct user_ctx {
	int (*row)(void *ctx, const char *name, const struct user_rec *u);
	void *ctx;
};

static int user_row(void *ctx, int ncol, const char *const *v)
{
	struct user_ctx *uc = ctx;
	if (ncol < 4)
		return 1;
	struct user_rec u = {.failures = atol(v[2]), .locked_until = atoll(v[3])};
	snprintf(u.role, sizeof(u.role), "%s", v[1]);
	return uc->row(uc->ctx, v[0], &u);
}

int store_user_list(const struct store_handle *h,
		    int (*row)(void *ctx, const char *name, const struct user_rec *u), void *ctx)
{
	struct user_ctx uc = {row, ctx};
	return h->ops->query(h->s,
			     "SELECT name, role, failures, locked_until FROM users ORDER BY name", 0,
			     NULL, user_row, &uc);
}

/* Copies the first row's columns into the caller's buffers. */
#define COPY_MAX 5

struct copy_ctx {
	char *out[COPY_MAX];
	size_t n[COPY_MAX];
	bool found;
};

static int copy_row(void *ctx, int ncol, const char *const *v)
{
	struct copy_ctx *cc = ctx;
	for (int i = 0; i < COPY_MAX && i < ncol; i++)
		if (cc->out[i])
			snprintf(cc->out[i], cc->n[i], "%s", v[i] ? v[i] : "");
	cc->found = true;
	return 1;
}

static int one_row(const struct store_handle *h, const char *sql, const char *p1,
		   struct copy_ctx *cc)
{
	int rc = h->ops->query(h->s, sql, p1 ? 1 : 0, &p1, copy_row, cc);
	return rc ? rc : cc->found ? 0 : ERR_NOT_FOUND;
}

int store_meta_get(const struct store_handle *h, const char *key, char *out, size_t outlen)
{
	struct copy_ctx cc = {.out = {out}, .n = {outlen}};
	return one_row(h, "SELECT value FROM meta WHERE key = $1", key, &cc);
}

int store_meta_set(const struct store_handle *h, const char *key, const char *value)
{
	const char *v[] = {key, value};
	return h->ops->exec(h->s,
			    "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO"
			    " UPDATE SET value = excluded.value",
			    2, v, NULL);
}

int store_user_get(const struct store_handle *h, const char *name, struct user_rec *u)
{
	char n[3][24] = {"0", "0", "0"};
	struct copy_ctx cc = {.out = {u->role, u->hash, n[0], n[1], n[2]},
			      .n = {sizeof(u->role), sizeof(u->hash), 24, 24, 24}};
	int rc = one_row(h,
			 "SELECT role, hash, failures, failed_since, locked_until FROM users"
			 " WHERE name = $1",
			 name, &cc);
	u->failures = atol(n[0]);
	u->failed_since = atoll(n[1]);
	u->locked_until = atoll(n[2]);
	return rc;
}

int store_user_failed(const struct store_handle *h, const char *name, long long now,
		      long window, long threshold, long long lock_until, bool *locked)
{
	char snow[24], sstart[24], sthr[24], suntil[24];
	snprintf(snow, sizeof(snow), "%lld", now);
	snprintf(sstart, sizeof(sstart), "%lld", now - window);
	snprintf(sthr, sizeof(sthr), "%ld", threshold);
	snprintf(suntil, sizeof(suntil), "%lld", lock_until);
	const char *v[] = {name, snow, sstart, sthr, suntil};
	long changes = 0;
	*locked = false;
	int rc = h->ops->begin(h->s, true);
	if (rc)
		return rc;
	/* One statement counts, so that two processes failing at once both count. */
	rc = h->ops->exec(h->s,
			  "UPDATE users SET failures = CASE WHEN failed_since <= CAST($3 AS BIGINT)"
			  " THEN 1 ELSE failures + 1 END, failed_since = CASE WHEN failed_since <="
			  " CAST($3 AS BIGINT) THEN CAST($2 AS BIGINT) ELSE failed_since END"
			  " WHERE name = $1",
			  3, v, &changes);
	if (!rc && !changes)
		rc = ERR_NOT_FOUND;
	const char *w[] = {name, v[3], v[4]};
	if (!rc)
		rc = h->ops->exec(h->s,
				  "UPDATE users SET failures = 0, failed_since = 0,"
				  " locked_until = CAST($3 AS BIGINT) WHERE name = $1 AND"
				  " failures >= CAST($2 AS INTEGER)",
				  3, w, &changes);
	if (!rc)
		rc = h->ops->commit(h->s);
	if (rc) {
		h->ops->rollback(h->s);
		return rc;
	}
	*locked = changes > 0;
	return 0;
}

int store_user_unlock(const struct store_handle *h, const char *name)
{
	long changes = 0;
	int rc = h->ops->exec(h->s,
			      "UPDATE users SET failures = 0, failed_since = 0, locked_until = 0"
			      " WHERE name = $1",
			      1, &name, &changes);
	return rc ? rc : changes ? 0 : ERR_NOT_FOUND;
}

int store_user_put(const struct store_handle *h, const char *name, const char *role,
		   const char *hash)
{
	const char *v[] = {name, role, hash};
	return h->ops->exec(h->s,
			    "INSERT INTO users (name, role, hash) VALUES ($1, $2, $3) ON CONFLICT"
			    " (name) DO UPDATE SET role = excluded.role, hash = excluded.hash",
			    3, v, NULL);
}

int store_user_count(const struct store_handle *h, long *n)
{
	char out[32] = "0";
	struct copy_ctx cc = {.out = {out}, .n = {sizeof(out)}};
	int rc = one_row(h, "SELECT count(*) FROM users", NULL, &cc);
	*n = rc ? 0 : atol(out);
	return rc;
}

/* The storage interface: every backend (SQLite now, PostgreSQL later) is a struct of function
 * pointers, and SQL lives only under src/store/. Calls act on the calling thread's own
 * connection; a write is begin() ... commit() on that connection. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

struct arena;
struct store;

enum listq_op { Q_IS, Q_STARTSWITH, Q_EXACT };

/* One collection query (SPEC §3): at most one filter and one sort. */
struct listq {
	int filter;         /* field index, or -1 for none */
	enum listq_op op;
	const char *value;  /* normalised like model_check does */
	int sort;           /* field index, or -1 for the resource's default */
	bool desc;
	long limit;         /* rows per page; -1 for no limit */
	long offset;
	bool count_only;    /* total only, no rows */
	bool rows_only;     /* rows only, no total: begin() is not called (one statement) */
	const char *parent; /* a sub-collection's parent ObjectId (r->parent), or NULL for the
			       rows of every parent */
};
#define LISTQ_ALL {.filter = -1, .sort = -1, .limit = -1}

/* Receives a listing: begin once with the total and the number of rows that follow, then
 * each row. Values live until the next row. Return non-zero to abort. */
struct list_cb {
	int (*begin)(void *ctx, long total, long n);
	int (*row)(void *ctx, const struct obj *o, long i, long n);
	void *ctx;
};

struct user_rec {
	char role[16];
	char hash[160];
	long failures;          /* failed logins in the current lockout window */
	long long failed_since; /* unix seconds: the first of them */
	long long locked_until; /* unix seconds; 0: not locked; -1: until unlocked */
};

/* What open() is told besides the database. */
struct store_opts {
	const char *synchronous; /* SQLite: "full" or "normal" */
	/* PostgreSQL: data_version answers from memory, moved by LISTEN/NOTIFY, while the
	 * notification channel is up (postgresql.notify); otherwise it reads the counter row. */
	bool notify;
};

struct store_ops {
	const char *name; /* "sqlite" or "postgresql" (the health endpoint shows it) */
	/* Opens the database named by uri (SQLite: the path, scheme stripped; PostgreSQL: the
	 * whole libpq URI), creating and migrating its schema. Returns 0 or -1 with err.
	 * *created is set when the database was new. */
	int (*open)(struct store **s, const char *uri, const struct store_opts *o, bool *created,
		    char *err, size_t errlen);
	void (*close)(struct store *s);
	/* Lists r under q in one read snapshot. Returns 0, ERR_BUSY or ERR_INTERNAL. Every call
	 * returns ERR_BUSY when the database cannot be reached or a lock or statement waits over
	 * 5 s; the next call tries again (reconnecting when needed). */
	int (*list)(struct store *s, const struct resource *r, const struct listq *q,
		    struct arena *a, const struct list_cb *cb);
	/* Transactions: begin(write) takes the write lock at once (SQLite: BEGIN IMMEDIATE;
	 * PostgreSQL: one advisory lock shared by every process), so that counts read inside hold
	 * until commit (licence, numbering, uniqueness: SPEC §4.3). A begin() that fails leaves
	 * no transaction open. */
	int (*begin)(struct store *s, bool write);
	int (*commit)(struct store *s);
	void (*rollback)(struct store *s);
	/* Group commit: batch_begin opens one write transaction (as begin(true) does); until
	 * batch_end, this thread's begin/commit/rollback set, release and undo a savepoint
	 * inside it, so each request stays all or nothing while the batch shares one commit.
	 * batch_end(ok) commits (0 or ERR_*: then nothing of the batch was kept) or rolls back. */
	int (*batch_begin)(struct store *s);
	int (*batch_end)(struct store *s, bool ok);
	/* Inserts a row of r's table from the stored fields set in in. 0 or ERR_*. */
	int (*insert)(struct store *s, const struct resource *r, const struct input *in);
	/* Updates the stored fields set in in on the row id; ERR_NOT_FOUND if none. */
	int (*update)(struct store *s, const struct resource *r, const char *id,
		      const struct input *in);
	/* Sets field k to value on every row except id (NULL: every row). */
	int (*set_all)(struct store *s, const struct resource *r, int k, const char *value,
		       const char *except_id);
	/* Deletes row id (cascading to what hangs off it); ERR_NOT_FOUND if none. */
	int (*del)(struct store *s, const struct resource *r, const char *id);
	/* Deletes every row of r's table (cascading). */
	int (*del_all)(struct store *s, const struct resource *r);
	/* A number that grows after every commit that changed data, by any connection of any
	 * process (SQLite: a counter in the shared file <path>-gen; PostgreSQL: a counter row
	 * that every write transaction moves). Read it before the data it vouches for. 0 or
	 * ERR_* (then nothing may be cached). PostgreSQL with notify: this process's commits
	 * move it at once, other processes' when their notification arrives. */
	int (*data_version)(struct store *s, unsigned long long *v);
	/* For /cupid/metrics (NULL when the backend has none): how many data_version calls read
	 * the database, and whether the version is pushed (no read) right now. */
	void (*version_stats)(struct store *s, unsigned long *reads, bool *pushed);
	/* Small statements written once for both backends in store.c ($1, $2... placeholders,
	 * text parameters, NULL for SQL NULL). exec reports the rows changed; query calls row
	 * once per result row with its columns as text (NULL for SQL NULL); a non-zero return
	 * from row stops it. */
	int (*exec)(struct store *s, const char *sql, int n, const char *const *params,
		    long *changes);
	int (*query)(struct store *s, const char *sql, int n, const char *const *params,
		     int (*row)(void *ctx, int ncol, const char *const *vals), void *ctx);
};

extern const struct store_ops store_sqlite, store_pg;

struct store_handle {
	const struct store_ops *ops;
	struct store *s;
};

/* Opens the backend named by database: "sqlite:PATH", or a PostgreSQL URI
 * ("postgresql://..." or "postgres://..."). Returns 0 or -1 with err. */
int store_open(struct store_handle *h, const char *database, const struct store_opts *o,
	       bool *created, char *err, size_t errlen);

/* One audit log entry (SPEC §6.5). */
struct audit_entry {
	long long id;
	const char *time; /* 2026-11-27T10:15:02.123Z */
	const char *user, *method, *path, *object_id, *request_id;
	int status;
};

/* Appends e (its id is assigned) and keeps only the newest keep entries. 0 or ERR_*. */
int store_audit_add(const struct store_handle *h, const struct audit_entry *e, long keep);
/* Calls row for each entry with id > since, oldest first, at most limit of them. */
int store_audit_list(const struct store_handle *h, long long since, long limit,
		     int (*row)(void *ctx, const struct audit_entry *e), void *ctx);
/* A small key/value table for the life of the database. get: 0 or ERR_NOT_FOUND. */
int store_meta_get(const struct store_handle *h, const char *key, char *out, size_t outlen);
int store_meta_set(const struct store_handle *h, const char *key, const char *value);
/* Users, by lower-cased name. get: 0 or ERR_NOT_FOUND. */
int store_user_get(const struct store_handle *h, const char *name, struct user_rec *u);
int store_user_put(const struct store_handle *h, const char *name, const char *role,
		   const char *hash);
int store_user_count(const struct store_handle *h, long *n);
/* Deletes a user: 0 or ERR_NOT_FOUND. Lists users by name: row(ctx, name, u), u without the
 * hash. */
int store_user_del(const struct store_handle *h, const char *name);
int store_user_list(const struct store_handle *h,
		    int (*row)(void *ctx, const char *name, const struct user_rec *u), void *ctx);
/* Records a failed login of name at now (unix seconds), in one write transaction: the count
 * starts again when the window (seconds) is over, and reaching threshold locks the account
 * until lock_until (-1: until unlocked) and clears the count. Sets *locked when this failure
 * locked it. 0, ERR_NOT_FOUND or ERR_*. */
int store_user_failed(const struct store_handle *h, const char *name, long long now,
		      long window, long threshold, long long lock_until, bool *locked);
/* Clears the failure count and any lock: 0, ERR_NOT_FOUND or ERR_*. */
int store_user_unlock(const struct store_handle *h, const char *name);

/* Convenience wrappers over list(). */
/* Reads object id of r into *o (values from a). 0, ERR_NOT_FOUND or ERR_*. */
int store_get(const struct store_handle *h, const struct resource *r, const char *id,
	      struct arena *a, struct obj *o);
/* The same for a child of a sub-collection, which must belong to parent (NULL: any). */
int store_get_in(const struct store_handle *h, const struct resource *r, const char *parent,
		 const char *id, struct arena *a, struct obj *o);
/* Counts rows of r where field k (or none, k < 0) equals value under op. */
int store_count(const struct store_handle *h, const struct resource *r, int k,
		enum listq_op op, const char *value, struct arena *a, long *n);
/* The first row of r under q into *o: 0, or ERR_NOT_FOUND when there is none. */
int store_first(const struct store_handle *h, const struct resource *r, const struct listq *q,
		struct arena *a, struct obj *o);

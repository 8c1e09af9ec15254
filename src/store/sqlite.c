/* The embedded default store: one SQLite file in WAL mode, one connection per thread, prepared
 * statements cached per connection, writers serialised by BEGIN IMMEDIATE. A generation counter
 * in a small shared file beside the database (<path>-gen, mapped by every process using it)
 * moves after each commit that changed rows: the response cache's data_version. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "store/schema_sqlite.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

#define NSTMT 64

struct stmt_slot {
	char *sql;
	sqlite3_stmt *st;
};

struct conn {
	struct store *s;
	sqlite3 *db;
	struct stmt_slot cache[NSTMT];
	struct {
		const char *sql; /* a text from sql_select_text, compared by address */
		sqlite3_stmt *st;
	} shaped[NSTMT];
	sqlite3_int64 changes0; /* total changes when the transaction began */
	bool wlocked;           /* holds the store's writer mutex */
	bool batch, nested;     /* in a batch (sq_batch_begin); in one of its savepoints */
	struct conn *next;
};

struct store {
	char *path;
	int sync_full;
	pthread_mutex_t mu;
	struct conn *conns; /* every connection, closed by close() */
	pthread_key_t key;
	/* Writers of this process queue here before BEGIN IMMEDIATE: SQLite's busy handler
	 * sleeps and polls, so it is left to waits on other processes. */
	pthread_mutex_t wmu;
	pthread_key_t wkey;   /* the writer connection, on the thread holding wmu */
	struct conn *writer;  /* opened on the first write */
	_Atomic unsigned long long *gen; /* shared with other processes; NULL: none */
};

/* Moves the generation once a commit that changed rows is visible to every reader: readers
 * take the generation before their data, so a body is never kept under a newer one. */
static void moved(struct store *s)
{
	if (s->gen)
		atomic_fetch_add(s->gen, 1);
}

static int fail(sqlite3 *db, int rc)
{
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return ERR_BUSY;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return ERR_INVALID; /* a key already used: the caller words the message */
	fprintf(stderr, "cupid: sqlite: %s\n", sqlite3_errmsg(db));
	return ERR_INTERNAL;
}

static int exec(sqlite3 *db, const char *sql)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : fail(db, rc);
}

static struct conn *conn_new(struct store *s, char *err, size_t errlen)
{
	struct conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->s = s;
	int rc = sqlite3_open_v2(s->path, &c->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", s->path,
			 c->db ? sqlite3_errmsg(c->db) : "out of memory");
		sqlite3_close(c->db);
		free(c);
		return NULL;
	}
	sqlite3_busy_timeout(c->db, 5000);
	exec(c->db, s->sync_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
	exec(c->db, "PRAGMA foreign_keys = ON");
	/* Statement journals (a write inside a savepoint, with triggers) stay in memory rather
	 * than in a temporary file created, written and removed for every POST. */
	exec(c->db, "PRAGMA temp_store = MEMORY");
	/* Checkpoints every 10,000 WAL pages (40 MB) rather than SQLite's 1,000: the pages every
	 * POST touches (the counts, the ends of the indexes, the audit log) are copied back and
	 * synced a tenth as often; 15-20 % more POSTs per second at synchronous=normal here. */
	exec(c->db, "PRAGMA wal_autocheckpoint = 10000");
	pthread_mutex_lock(&s->mu);
	c->next = s->conns;
	s->conns = c;
	pthread_mutex_unlock(&s->mu);
	return c;
}

/* The writer connection inside a write transaction (sq_begin); otherwise the calling thread's
 * connection, opened on first use. */
static struct conn *conn(struct store *s)
{
	struct conn *c = pthread_getspecific(s->wkey);
	if (c)
		return c;
	c = pthread_getspecific(s->key);
	if (!c) {
		char err[256];
		c = conn_new(s, err, sizeof(err));
		if (!c) {
			fprintf(stderr, "cupid: %s\n", err);
			return NULL;
		}
		pthread_setspecific(s->key, c);
	}
	return c;
}

static unsigned long hash(const char *s)
{
	unsigned long h = 5381;
	while (*s)
		h = h * 33 ^ (unsigned char)*s++;
	return h;
}

/* A prepared statement for sql, reset and with bindings cleared; cached per connection. */
static sqlite3_stmt *prep(struct conn *c, const char *sql)
{
	unsigned long h = hash(sql);
	for (unsigned i = 0; i < NSTMT; i++) {
		struct stmt_slot *sl = &c->cache[(h + i) % NSTMT];
		if (sl->sql && !strcmp(sl->sql, sql)) {
			sqlite3_reset(sl->st);
			sqlite3_clear_bindings(sl->st);
			return sl->st;
		}
		if (!sl->sql) {
			if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &sl->st,
					       NULL) != SQLITE_OK) {
				fprintf(stderr, "cupid: sqlite: %s in %s\n", sqlite3_errmsg(c->db),
					sql);
				return NULL;
			}
			sl->sql = strdup(sql);
			return sl->st;
		}
	}
	/* The cache is full of distinct statements: start it over. */
	memset(c->shaped, 0, sizeof(c->shaped));
	for (unsigned i = 0; i < NSTMT; i++) {
		sqlite3_finalize(c->cache[i].st);
		free(c->cache[i].sql);
		c->cache[i].sql = NULL;
		c->cache[i].st = NULL;
	}
	return prep(c, sql);
}

/* The statement of a listing query: its text comes from the shape cache, and the statement
 * is found by the text's address, so a request neither builds nor hashes SQL. */
static sqlite3_stmt *prep_select(struct conn *c, struct buf *b, const struct resource *r,
				 const struct listq *q, bool count)
{
	const char *sql = sql_select_text(r, q, count, SQL_SQLITE);
	if (!sql) { /* no room in the shape cache: build it here */
		b->len = 0;
		sql_select(b, r, q, count, SQL_SQLITE);
		return b->oom ? NULL : prep(c, b->data);
	}
	unsigned k = (unsigned)(((uintptr_t)sql >> 4) % NSTMT);
	if (c->shaped[k].sql == sql) {
		sqlite3_reset(c->shaped[k].st);
		sqlite3_clear_bindings(c->shaped[k].st);
		return c->shaped[k].st;
	}
	sqlite3_stmt *st = prep(c, sql);
	if (st) {
		c->shaped[k].sql = sql;
		c->shaped[k].st = st;
	}
	return st;
}

static void bind_value(sqlite3_stmt *st, int i, const struct field *f, const char *v)
{
	if (v == model_null)
		sqlite3_bind_null(st, i);
	else if (sql_is_int(f))
		sqlite3_bind_int64(st, i, strtoll(v, NULL, 10));
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static int step_done(struct conn *c, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	int r = rc == SQLITE_DONE ? 0 : fail(c->db, rc);
	bool wrote = !r && sqlite3_get_autocommit(c->db) && sqlite3_changes(c->db) > 0 &&
		     !sqlite3_stmt_readonly(st);
	sqlite3_reset(st);
	if (wrote) /* a write outside a transaction, committed by now */
		moved(c->s);
	return r;
}

static void bind_filter(sqlite3_stmt *st, const struct listq *q, const struct field *f,
			const char *v)
{
	if (q->op == Q_STARTSWITH)
		sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC); /* a LIKE pattern, even for ints */
	else
		bind_value(st, 1, f, v);
}

static void row_obj(sqlite3_stmt *st, const struct resource *r, struct obj *o)
{
	int j = 0;
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		o->v[i] = NULL;
		if (!f->expr)
			continue;
		if (f->type != T_BOOL) /* NULL for SQL NULL */
			o->v[i] = (const char *)sqlite3_column_text(st, j);
		else if (sqlite3_column_type(st, j) != SQLITE_NULL)
			o->v[i] = sqlite3_column_int(st, j) ? "true" : "false";
		j++;
	}
}

static int sq_list(struct store *s, const struct resource *r, const struct listq *q,
		   struct arena *a, const struct list_cb *cb)
{
	struct conn *c = conn(s);
	if (!c)
		return ERR_INTERNAL;
	const char *fv = q->filter >= 0 ? sql_filter_value(q, a) : NULL;
	const struct field *ff = q->filter >= 0 ? &r->fields[q->filter] : NULL;
	/* A total and its rows come from one snapshot. */
	bool own_tx = !q->rows_only && sqlite3_get_autocommit(c->db);
	int rc = own_tx ? exec(c->db, "BEGIN") : 0;
	if (rc)
		return rc;
	struct buf sql = {0};
	sqlite3_stmt *st;
	int src;
	long n = q->limit >= 0 ? q->limit : LONG_MAX;
	rc = ERR_INTERNAL;
	if (!q->rows_only) {
		if (!(st = prep_select(c, &sql, r, q, true)))
			goto out;
		if (ff)
			bind_filter(st, q, ff, fv);
		if (sql_parent(r, q))
			sqlite3_bind_text(st, 4, q->parent, -1, SQLITE_STATIC);
		if ((src = sqlite3_step(st)) != SQLITE_ROW) {
			rc = fail(c->db, src);
			goto out;
		}
		long total = (long)sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		n = 0;
		if (!q->count_only && total > q->offset) {
			n = total - q->offset;
			if (q->limit >= 0 && n > q->limit)
				n = q->limit;
		}
		if (cb->begin && cb->begin(cb->ctx, total, n)) {
			rc = 0;
			goto out;
		}
	}
	if (n > 0) {
		if (!(st = prep_select(c, &sql, r, q, false)))
			goto out;
		if (ff)
			bind_filter(st, q, ff, fv);
		if (sql_parent(r, q))
			sqlite3_bind_text(st, 4, q->parent, -1, SQLITE_STATIC);
		if (q->limit >= 0) {
			sqlite3_bind_int64(st, 2, n);
			sqlite3_bind_int64(st, 3, q->offset);
		}
		struct obj o;
		long i = 0;
		while (i < n && (src = sqlite3_step(st)) == SQLITE_ROW) {
			row_obj(st, r, &o);
			if (cb->row(cb->ctx, &o, i++, n))
				break;
		}
		sqlite3_reset(st);
		if (src != SQLITE_ROW && src != SQLITE_DONE) {
			rc = fail(c->db, src);
			goto out;
		}
	}
	rc = 0;
out:
	if (own_tx)
		exec(c->db, rc ? "ROLLBACK" : "COMMIT");
	buf_free(&sql);
	return rc;
}

static void unlock_writer(struct conn *c)
{
	if (c->wlocked) {
		c->wlocked = false;
		pthread_setspecific(c->s->wkey, NULL);
		pthread_mutex_unlock(&c->s->wmu);
	}
}

/* A write transaction runs on the process's one writer connection, whatever the thread: its
 * page cache stays warm, where a cache of a connection that did not write the last commit
 * would be thrown away and read again. */
static int sq_begin(struct store *s, bool write)
{
	struct conn *c = pthread_getspecific(s->wkey);
	if (c && c->batch) {
		/* An error that ended the batch's transaction (SQLite rolls back on some) leaves
		 * nothing to join; a SAVEPOINT now would open a transaction of its own. */
		if (sqlite3_get_autocommit(c->db))
			return ERR_BUSY;
		int rc = exec(c->db, "SAVEPOINT w");
		c->nested = !rc;
		return rc;
	}
	if (!write) {
		if (!(c = conn(s)))
			return ERR_INTERNAL;
		c->changes0 = sqlite3_total_changes64(c->db);
		return exec(c->db, "BEGIN");
	}
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	if (pthread_mutex_timedlock(&s->wmu, &until))
		return ERR_BUSY;
	char err[256];
	if (!s->writer && !(s->writer = conn_new(s, err, sizeof(err)))) {
		fprintf(stderr, "cupid: %s\n", err);
		pthread_mutex_unlock(&s->wmu);
		return ERR_INTERNAL;
	}
	c = s->writer;
	c->wlocked = true;
	pthread_setspecific(s->wkey, c);
	c->changes0 = sqlite3_total_changes64(c->db);
	int rc = exec(c->db, "BEGIN IMMEDIATE");
	if (rc)
		unlock_writer(c);
	return rc;
}

static int sq_commit(struct store *s)
{
	struct conn *c = conn(s);
	if (!c)
		return ERR_INTERNAL;
	if (c->nested) {
		int rc = exec(c->db, "RELEASE w");
		c->nested = rc != 0; /* a failed release is undone by rollback() */
		return rc;
	}
	int rc = exec(c->db, "COMMIT");
	if (!rc && sqlite3_total_changes64(c->db) != c->changes0)
		moved(s);
	if (sqlite3_get_autocommit(c->db)) /* else the caller rolls back */
		unlock_writer(c);
	return rc;
}

static void sq_rollback(struct store *s)
{
	struct conn *c = conn(s);
	if (!c)
		return;
	if (c->nested) {
		c->nested = false;
		if (!sqlite3_get_autocommit(c->db) && !exec(c->db, "ROLLBACK TO w"))
			exec(c->db, "RELEASE w");
		return;
	}
	if (!sqlite3_get_autocommit(c->db))
		exec(c->db, "ROLLBACK");
	unlock_writer(c);
}

static int sq_batch_begin(struct store *s)
{
	int rc = sq_begin(s, true);
	if (!rc)
		((struct conn *)pthread_getspecific(s->wkey))->batch = true;
	return rc;
}

static int sq_batch_end(struct store *s, bool ok)
{
	struct conn *c = pthread_getspecific(s->wkey);
	if (!c)
		return ERR_INTERNAL;
	c->batch = c->nested = false;
	/* An error that ended the whole transaction (SQLite rolls back on some) lost the batch. */
	int rc = sqlite3_get_autocommit(c->db) ? ERR_INTERNAL : 0;
	if (ok && !rc && !(rc = sq_commit(s)))
		return 0;
	sq_rollback(s);
	return rc ? rc : ok ? ERR_INTERNAL : 0;
}

/* Runs sql with the stored fields set in in bound in field order, then extra (if any). */
static int run_fields(struct store *s, const char *sql, const struct resource *r,
		      const struct input *in, const char *extra, int *changes)
{
	struct conn *c = conn(s);
	if (!c)
		return ERR_INTERNAL;
	sqlite3_stmt *st = prep(c, sql);
	if (!st)
		return ERR_INTERNAL;
	int n = 0;
	for (size_t i = 0; i < r->nfields; i++)
		if (r->fields[i].stored && in->v[i])
			bind_value(st, ++n, &r->fields[i], in->v[i]);
	if (extra)
		sqlite3_bind_text(st, ++n, extra, -1, SQLITE_STATIC);
	int rc = step_done(c, st);
	if (changes)
		*changes = sqlite3_changes(c->db);
	return rc;
}

static int sq_insert(struct store *s, const struct resource *r, const struct input *in)
{
	struct buf sql = {0};
	sql_insert(&sql, r, in, SQL_SQLITE);
	int rc = run_fields(s, sql.data, r, in, NULL, NULL);
	buf_free(&sql);
	return rc;
}

static int sq_update(struct store *s, const struct resource *r, const char *id,
		     const struct input *in)
{
	struct buf sql = {0};
	int changes = 0;
	sql_update(&sql, r, in, SQL_SQLITE);
	int rc = run_fields(s, sql.data, r, in, id, &changes);
	buf_free(&sql);
	return rc ? rc : changes ? 0 : ERR_NOT_FOUND;
}

static int sq_set_all(struct store *s, const struct resource *r, int k, const char *value,
		      const char *except_id)
{
	struct conn *c = conn(s);
	if (!c)
		return ERR_INTERNAL;
	char sql[256];
	snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ?1 WHERE ObjectId IS NOT ?2", r->table,
		 r->fields[k].name);
	sqlite3_stmt *st = prep(c, sql);
	if (!st)
		return ERR_INTERNAL;
	bind_value(st, 1, &r->fields[k], value);
	if (except_id)
		sqlite3_bind_text(st, 2, except_id, -1, SQLITE_STATIC);
	return step_done(c, st);
}

static int sq_del(struct store *s, const struct resource *r, const char *id)
{
	struct conn *c = conn(s);
	if (!c)
		return ERR_INTERNAL;
	char sql[128];
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE ObjectId = ?1", r->table);
	sqlite3_stmt *st = prep(c, sql);
	if (!st)
		return ERR_INTERNAL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc = step_done(c, st);
	return rc ? rc : sqlite3_changes(c->db) ? 0 : ERR_NOT_FOUND;
}

static int sq_del_all(struct store *s, const struct resource *r)
{
	struct conn *c = conn(s);
	if (!c)
		return ERR_INTERNAL;
	char sql[128];
	snprintf(sql, sizeof(sql), "DELETE FROM %s", r->table);
	sqlite3_stmt *st = prep(c, sql);
	return st ? step_done(c, st) : ERR_INTERNAL;
}

static int sq_data_version(struct store *s, unsigned long long *v)
{
	if (!s->gen)
		return ERR_INTERNAL;
	*v = atomic_load(s->gen);
	return 0;
}

/* Maps <path>-gen (by the database's real path, so that every process finds the same file);
 * without it there is no data_version and so no response cache. */
static void map_gen(struct store *s)
{
	char *real = realpath(s->path, NULL);
	char gpath[PATH_MAX + 8];
	int n = snprintf(gpath, sizeof(gpath), "%s-gen", real ? real : s->path);
	free(real);
	if (n < 0 || (size_t)n >= sizeof(gpath))
		return;
	int fd = open(gpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	size_t len = sizeof(*s->gen);
	void *p = MAP_FAILED;
	struct stat sb;
	if (!fstat(fd, &sb) && (sb.st_size >= (off_t)len || !ftruncate(fd, (off_t)len)))
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p != MAP_FAILED)
		s->gen = p;
}

/* The statement for sql with text parameters 1..n bound (NULL binds SQL NULL). */
static sqlite3_stmt *prep_texts(struct conn *c, const char *sql, int n, const char *const *params)
{
	sqlite3_stmt *st = prep(c, sql);
	/* SQLite numbers "$N" parameters by first appearance, not by N: look each one up */
	char name[8] = "$";
	for (int i = 0; st && i < n && i < 99; i++) {
		snprintf(name + 1, sizeof(name) - 1, "%d", i + 1);
		int k = sqlite3_bind_parameter_index(st, name);
		sqlite3_bind_text(st, k ? k : i + 1, params[i], -1, SQLITE_STATIC);
	}
	return st;
}

static int sq_exec(struct store *s, const char *sql, int n, const char *const *params,
		   long *changes)
{
	struct conn *c = conn(s);
	if (!c)
		return ERR_INTERNAL;
	sqlite3_stmt *st = prep_texts(c, sql, n, params);
	if (!st)
		return ERR_INTERNAL;
	int rc = step_done(c, st);
	if (!rc && changes)
		*changes = sqlite3_changes(c->db);
	return rc;
}

static int sq_query(struct store *s, const char *sql, int n, const char *const *params,
		    int (*row)(void *ctx, int ncol, const char *const *vals), void *ctx)
{
	struct conn *c = conn(s);
	if (!c)
		return ERR_INTERNAL;
	sqlite3_stmt *st = prep_texts(c, sql, n, params);
	if (!st)
		return ERR_INTERNAL;
	int ncol = sqlite3_column_count(st), src;
	const char *vals[16];
	if (ncol > 16)
		ncol = 16;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < ncol; i++)
			vals[i] = (const char *)sqlite3_column_text(st, i);
		if (row(ctx, ncol, vals))
			break;
	}
	int rc = src == SQLITE_ROW || src == SQLITE_DONE ? 0 : fail(c->db, src);
	sqlite3_reset(st);
	return rc;
}

static void sq_close(struct store *s)
{
	if (!s)
		return;
	for (struct conn *c = s->conns, *n; c; c = n) {
		n = c->next;
		for (unsigned i = 0; i < NSTMT; i++) {
			sqlite3_finalize(c->cache[i].st);
			free(c->cache[i].sql);
		}
		sqlite3_close(c->db);
		free(c);
	}
	pthread_key_delete(s->key);
	pthread_key_delete(s->wkey);
	pthread_mutex_destroy(&s->mu);
	pthread_mutex_destroy(&s->wmu);
	if (s->gen)
		munmap((void *)s->gen, sizeof(*s->gen));
	free(s->path);
	free(s);
}

/* Brings the schema to the newest version inside one write transaction, so that several
 * processes starting at once migrate exactly once. */
static int migrate(struct conn *c, bool *created, char *err, size_t errlen)
{
	int rc = exec(c->db, "BEGIN IMMEDIATE");
	if (rc) {
		snprintf(err, errlen, "cannot lock the database: %s", sqlite3_errmsg(c->db));
		return -1;
	}
	sqlite3_stmt *st = NULL;
	int version = 0;
	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	int newest = (int)(sizeof(sqlite_migrations) / sizeof(sqlite_migrations[0]));
	*created = version == 0;
	for (int v = version; v < newest; v++) {
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
		if (exec(c->db, sqlite_migrations[v]) || exec(c->db, pragma)) {
			snprintf(err, errlen, "schema migration %d failed: %s", v + 1,
				 sqlite3_errmsg(c->db));
			exec(c->db, "ROLLBACK");
			return -1;
		}
	}
	if (version > newest) {
		snprintf(err, errlen, "database schema %d is newer than this cupid (%d)", version,
			 newest);
		exec(c->db, "ROLLBACK");
		return -1;
	}
	return exec(c->db, "COMMIT") ? -1 : 0;
}

static int sq_open(struct store **out, const char *path, const struct store_opts *o,
		   bool *created, char *err, size_t errlen)
{
	struct store *s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->sync_full = strcmp(o->synchronous, "normal") != 0;
	/* No allocation statistics: they take a process-wide mutex on every allocation. Only
	 * possible before SQLite's first use; later it is refused, harmlessly. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->wmu, NULL);
	pthread_key_create(&s->key, NULL);
	pthread_key_create(&s->wkey, NULL);
	/* Create the file ourselves so that it is 0600 from the start (SPEC §2.1). */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		sq_close(s);
		return -1;
	}
	close(fd);
	struct conn *c = conn_new(s, err, errlen);
	if (!c || exec(c->db, "PRAGMA journal_mode = WAL") || migrate(c, created, err, errlen)) {
		if (c && !*err)
			snprintf(err, errlen, "cannot set up %s: %s", path, sqlite3_errmsg(c->db));
		sq_close(s);
		return -1;
	}
	pthread_setspecific(s->key, c);
	map_gen(s);
	*out = s;
	return 0;
}

const struct store_ops store_sqlite = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.list = sq_list,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.batch_begin = sq_batch_begin,
	.batch_end = sq_batch_end,
	.insert = sq_insert,
	.update = sq_update,
	.set_all = sq_set_all,
	.del = sq_del,
	.del_all = sq_del_all,
	.data_version = sq_data_version,
	.exec = sq_exec,
	.query = sq_query,
};

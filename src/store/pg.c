/* The shared store: PostgreSQL through libpq, for several cupid processes on one database. One
 * connection per worker thread, re-established after errors; prepared statements cached per
 * connection by SQL text; writers serialised by a transaction-level advisory lock, as SQLite's
 * BEGIN IMMEDIATE serialises them (SPEC §4.3). Every write transaction moves a counter row
 * and notifies channel cupid_data; one listener thread per process turns the notifications
 * into data_version, so that a cached GET asks the database nothing. */
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "store/schema_pg.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

#define NSTMT 256
/* Advisory lock keys (any constants that no other application on the database uses):
 * "cupidwrt" and "cupidmig" as 64-bit integers. */
#define WRITE_LOCK   "7166757979989439092"
#define MIGRATE_LOCK "7166757979988781415"
/* Statements and lock waits longer than this answer 503 SERVER_BUSY (SPEC §4.1). */
#define SESSION_SETUP                                                                              \
	"SET statement_timeout = '5s'; SET lock_timeout = '5s'; SET client_encoding = 'UTF8'"
#define CHANNEL "cupid_data"
/* The listener's connection: dead links are found within about 8 s without any traffic. */
#define LISTEN_KEYS "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout"
#define LISTEN_VALS "1", "5", "1", "3", "8000"
#define OID_TEXT 25
#define OID_INT8 20

struct stmt_slot {
	char *sql;
	char name[16];
};

struct conn {
	struct store *s;
	PGconn *pg;
	struct stmt_slot cache[NSTMT];
	unsigned long serial;	 /* for statement names, unique within a session */
	unsigned long evictions; /* times the cache was emptied (DEALLOCATE ALL) */
	bool down;		 /* the last attempt to connect failed (logged once) */
	bool batch, nested;	 /* in a batch (pg_batch_begin); in one of its savepoints */
	bool writing;		 /* the open transaction is a write (begin(true)) */
	struct conn *next;
};

struct store {
	char *uri;
	pthread_mutex_t mu;
	struct conn *conns; /* every connection, closed by close() */
	pthread_key_t key;
	bool opened; /* open() succeeded: later connection failures are logged */
	/* data_version: gen is its answer. While pushed, the listener thread keeps it current
	 * (one step per batch of notifications, and one per commit made here); otherwise each
	 * call reads the counter row and steps gen when the row has moved past seen. */
	bool notify;		  /* postgresql.notify */
	atomic_bool tried;	  /* the listener was started, or could not be */
	bool listening;		  /* it was started (under mu) */
	atomic_bool pushed;	  /* it is connected and listening */
	atomic_ullong gen;
	atomic_ulong reads;	  /* data_version calls that read the counter row */
	pthread_mutex_t vmu;	  /* guards seen */
	unsigned long long seen;  /* the counter row as last read */
	pthread_t listener;
	int stop[2];		  /* a pipe: writing to it stops the listener */
	/* The notifications' payload names the process that sent them (its own are skipped:
	 * its commits moved gen already); begin_write is the write transaction's start. */
	char token[32];
	char begin_write[160];
};

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg; /* NOTICEs (CREATE TABLE IF NOT EXISTS ...) are not worth a log line */
}

static void forget_statements(struct conn *c)
{
	for (unsigned i = 0; i < NSTMT; i++) {
		free(c->cache[i].sql);
		c->cache[i].sql = NULL;
	}
}

/* Opens (or, after an error, re-opens) c's session and sets it up. 0 or ERR_BUSY. */
static int session(struct conn *c)
{
	if (c->pg && PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	/* A new session has none of the old one's prepared statements. */
	forget_statements(c);
	c->serial = 0;
	if (c->pg) {
		PQreset(c->pg);
	} else {
		/* Our defaults come first, so that the URI's own settings override them. */
		const char *const keys[] = {"connect_timeout", "application_name", "dbname", NULL};
		const char *const vals[] = {"5", "cupid", c->s->uri, NULL};
		c->pg = PQconnectdbParams(keys, vals, 1);
	}
	if (c->pg && PQstatus(c->pg) == CONNECTION_OK) {
		PQsetNoticeProcessor(c->pg, quiet, NULL);
		PGresult *res = PQexec(c->pg, SESSION_SETUP);
		bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
		if (ok) {
			if (c->down)
				fprintf(stderr, "cupid: postgresql: connected again\n");
			c->down = false;
			return 0;
		}
	}
	if (!c->down && c->s->opened) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", c->pg ? PQerrorMessage(c->pg) : "out of memory");
		msg[strcspn(msg, "\n")] = 0;
		fprintf(stderr, "cupid: postgresql: cannot connect: %s\n", msg);
	}
	c->down = true;
	return ERR_BUSY;
}

/* The calling thread's connection, connected. 0, ERR_BUSY (database unreachable) or
 * ERR_INTERNAL. */
static int conn(struct store *s, struct conn **out)
{
	struct conn *c = pthread_getspecific(s->key);
	if (!c) {
		if (!(c = calloc(1, sizeof(*c))))
			return ERR_INTERNAL;
		c->s = s;
		pthread_mutex_lock(&s->mu);
		c->next = s->conns;
		s->conns = c;
		pthread_mutex_unlock(&s->mu);
		pthread_setspecific(s->key, c);
	}
	*out = c;
	return session(c);
}

/* Maps a failed result to ERR_*: a lost connection, a timeout, a lock wait or a shortage of
 * server resources is ERR_BUSY (503), a constraint is ERR_INVALID (the caller words it). */
static int fail(struct conn *c, const PGresult *res)
{
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (PQstatus(c->pg) != CONNECTION_OK || !st)
		return ERR_BUSY;
	if (!strncmp(st, "23", 2))
		return ERR_INVALID;
	if (!strncmp(st, "08", 2) || !strncmp(st, "40", 2) || !strncmp(st, "53", 2) ||
	    !strncmp(st, "57", 2) || !strcmp(st, "55P03"))
		return ERR_BUSY;
	char msg[512];
	snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(res));
	msg[strcspn(msg, "\n")] = 0;
	fprintf(stderr, "cupid: postgresql: %s (%s)\n", msg, st);
	return ERR_INTERNAL;
}

/* Whether a statement that failed may be sent again on a new session: the connection was lost
 * while no transaction was open, so nothing of it can have been applied. */
static bool retry(struct conn *c, bool idle)
{
	return idle && PQstatus(c->pg) != CONNECTION_OK && session(c) == 0;
}

static unsigned long hash(const char *s)
{
	unsigned long h = 5381;
	while (*s)
		h = h * 33 ^ (unsigned char)*s++;
	return h;
}

/* The name of the session's prepared statement for sql, preparing it on first use (with
 * parameter types when types is not NULL). NULL with *rc on failure. */
static const char *prep(struct conn *c, const char *sql, int ntypes, const Oid *types, int *rc)
{
	unsigned long h = hash(sql);
	struct stmt_slot *sl = NULL;
	for (unsigned i = 0; i < NSTMT && !sl; i++) {
		struct stmt_slot *x = &c->cache[(h + i) % NSTMT];
		if (x->sql && !strcmp(x->sql, sql))
			return x->name;
		if (!x->sql)
			sl = x;
	}
	if (!sl) {
		/* The cache is full of distinct statements: start it over. */
		PGresult *res = PQexec(c->pg, "DEALLOCATE ALL");
		int bad = PQresultStatus(res) != PGRES_COMMAND_OK ? fail(c, res) : 0;
		PQclear(res);
		if (bad) {
			*rc = bad;
			return NULL;
		}
		forget_statements(c);
		c->evictions++;
		sl = &c->cache[h % NSTMT];
	}
	char name[16];
	snprintf(name, sizeof(name), "c%lu", c->serial++);
	PGresult *res = PQprepare(c->pg, name, sql, types ? ntypes : 0, types);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		*rc = fail(c, res);
		if (*rc == ERR_INTERNAL)
			fprintf(stderr, "cupid: postgresql: in %s\n", sql);
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	if (!(sl->sql = strdup(sql))) {
		*rc = ERR_INTERNAL;
		return NULL;
	}
	memcpy(sl->name, name, sizeof(name));
	return sl->name;
}

/* Runs sql, prepared once per session, with n text parameters (NULL for SQL NULL). Returns
 * its result (the caller clears it), or NULL with *rc set. */
static PGresult *run(struct conn *c, const char *sql, int n, const char *const *v, const Oid *types,
		     int *rc)
{
	bool idle = PQtransactionStatus(c->pg) == PQTRANS_IDLE;
	for (int attempt = 0;; attempt++) {
		const char *name = prep(c, sql, n, types, rc);
		PGresult *res = name ? PQexecPrepared(c->pg, name, n, v, NULL, NULL, 0) : NULL;
		ExecStatusType st = PQresultStatus(res);
		if (res && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)) {
			*rc = 0;
			return res;
		}
		if (name) /* else prep() has set *rc */
			*rc = fail(c, res);
		PQclear(res);
		if (attempt || !retry(c, idle))
			return NULL;
	}
}

/* Runs a statement without parameters (transaction control). 0 or ERR_*. */
static int cmd(struct conn *c, const char *sql)
{
	bool idle = PQtransactionStatus(c->pg) == PQTRANS_IDLE;
	for (int attempt = 0;; attempt++) {
		PGresult *res = PQexec(c->pg, sql);
		ExecStatusType st = PQresultStatus(res);
		int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : fail(c, res);
		PQclear(res);
		if (!rc || attempt || !retry(c, idle))
			return rc;
	}
}

static void row_obj(const PGresult *res, int row, const struct resource *r, struct obj *o)
{
	int j = 0;
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		o->v[i] = NULL;
		if (!f->expr)
			continue;
		if (PQgetisnull(res, row, j))
			o->v[i] = NULL;
		else if (f->type == T_BOOL)
			o->v[i] = atoll(PQgetvalue(res, row, j)) ? "true" : "false";
		else
			o->v[i] = PQgetvalue(res, row, j);
		j++;
	}
}

/* One listing on its way to the callbacks. */
struct listing {
	const struct resource *r;
	const struct listq *q;
	const struct list_cb *cb;
	long n;		/* rows the callbacks are told about */
	bool delivered; /* a callback has been called: the listing cannot be sent again */
	bool stop;	/* a callback asked to stop */
};

static void on_count(struct listing *l, const PGresult *res)
{
	const struct listq *q = l->q;
	long total = atol(PQgetvalue(res, 0, 0));
	l->n = 0;
	if (!q->count_only && total > q->offset) {
		l->n = total - q->offset;
		if (q->limit >= 0 && l->n > q->limit)
			l->n = q->limit;
	}
	l->delivered = true;
	if (l->cb->begin && l->cb->begin(l->cb->ctx, total, l->n))
		l->stop = true;
}

static void on_rows(struct listing *l, const PGresult *res)
{
	struct obj o;
	int rows = PQntuples(res);
	for (int i = 0; i < rows && i < l->n && !l->stop; i++) {
		row_obj(res, i, l->r, &o);
		l->delivered = true;
		if (l->cb->row(l->cb->ctx, &o, i, l->n))
			l->stop = true;
	}
}

/* Closes c's session for good after a failure in the middle of a pipeline; the next call
 * opens a new one. */
static void drop(struct conn *c)
{
	PQfinish(c->pg);
	c->pg = NULL;
	forget_statements(c);
}

static bool send_plain(PGconn *pg, const char *sql)
{
	return PQsendQueryParams(pg, sql, 0, NULL, NULL, NULL, NULL, 0);
}

/* BEGIN, the count, the rows (rows may be NULL) and COMMIT in one round trip, in libpq's
 * pipeline mode: a total and its rows from one REPEATABLE READ snapshot. 0 or ERR_*. */
static int pipeline(struct conn *c, struct listing *l, const char *count, int ncount,
		    const char *rows, int nrows, const char *const *v)
{
	PGconn *pg = c->pg;
	int rc = 0;
	if (!PQenterPipelineMode(pg))
		return ERR_INTERNAL;
	if (!send_plain(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY") ||
	    !PQsendQueryPrepared(pg, count, ncount, v, NULL, NULL, 0) ||
	    (rows && !PQsendQueryPrepared(pg, rows, nrows, v, NULL, NULL, 0)) ||
	    !send_plain(pg, "COMMIT") || !PQpipelineSync(pg)) {
		drop(c);
		return ERR_BUSY;
	}
	int nq = rows ? 4 : 3;
	for (int i = 0; i < nq; i++) {
		PGresult *res = PQgetResult(pg);
		ExecStatusType st = PQresultStatus(res);
		if (!res || (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)) {
			/* the first failure decides; those after it are PIPELINE_ABORTED */
			if (!rc && st != PGRES_PIPELINE_ABORTED)
				rc = fail(c, res);
		} else if (!rc && i == 1) {
			on_count(l, res);
		} else if (!rc && rows && i == 2 && !l->stop) {
			on_rows(l, res);
		}
		PQclear(res);
		if (!res || PQstatus(pg) != CONNECTION_OK) {
			drop(c);
			return rc ? rc : ERR_BUSY;
		}
		PQclear(PQgetResult(pg)); /* the NULL that ends each query's results */
	}
	PGresult *res = PQgetResult(pg);
	bool synced = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
	PQclear(res);
	if (!synced || !PQexitPipelineMode(pg)) {
		drop(c);
		return rc ? rc : ERR_BUSY;
	}
	if (PQtransactionStatus(pg) != PQTRANS_IDLE) /* a statement failed inside BEGIN */
		cmd(c, "ROLLBACK");
	return rc;
}

static int pg_list(struct store *s, const struct resource *r, const struct listq *q,
		   struct arena *a, const struct list_cb *cb)
{
	/* $1 is the filter value (as text; the SQL casts it), $2 and $3 LIMIT and OFFSET, $4 a
	 * sub-collection's parent id. Parameters a statement does not use are still typed. */
	static const Oid types[] = {OID_TEXT, OID_INT8, OID_INT8, OID_TEXT};
	struct conn *c;
	int rc = conn(s, &c);
	if (rc)
		return rc;
	char lim[24], off[24];
	snprintf(lim, sizeof(lim), "%ld", q->limit);
	snprintf(off, sizeof(off), "%ld", q->offset);
	const char *v[4] = {q->filter >= 0 ? sql_filter_value(q, a) : NULL, lim, off, q->parent};
	if (q->filter >= 0 && !v[0])
		return ERR_INTERNAL;
	struct listing l = {.r = r, .q = q, .cb = cb, .n = q->limit >= 0 ? q->limit : LONG_MAX};
	int ncount = q->filter >= 0, nrows = q->limit >= 0 ? 3 : ncount;
	if (sql_parent(r, q))
		ncount = nrows = 4;
	struct buf count = {0}, rows = {0};
	if (!q->rows_only)
		sql_select(&count, r, q, true, SQL_PG);
	/* No rows query for a count, or for a page past the end of "every row on one page". */
	bool want_rows = !q->count_only && !(q->limit < 0 && q->offset > 0);
	if (want_rows)
		sql_select(&rows, r, q, false, SQL_PG);
	rc = ERR_INTERNAL;
	if (count.oom || rows.oom)
		goto out;
	if (q->rows_only && !want_rows) {
		rc = 0;
	} else if (q->rows_only) {
		PGresult *res = run(c, rows.data, nrows, v, types, &rc);
		if (res)
			on_rows(&l, res);
		PQclear(res);
	} else if (PQtransactionStatus(c->pg) == PQTRANS_IDLE) {
		/* A total and its rows come from one snapshot, in one round trip. */
		for (int attempt = 0;; attempt++) {
			unsigned long ev = c->evictions;
			const char *cn = prep(c, count.data, ncount, types, &rc);
			const char *rn =
			    cn && want_rows ? prep(c, rows.data, nrows, types, &rc) : NULL;
			if (rn && c->evictions != ev) /* preparing rows emptied the cache */
				cn = prep(c, count.data, ncount, types, &rc);
			if (cn && (rn || !want_rows))
				rc = pipeline(c, &l, cn, ncount, rn, nrows, v);
			if (!rc || l.delivered || attempt || !retry(c, true))
				break;
		}
	} else {
		/* Inside the caller's transaction: its snapshot or its lock holds already. */
		PGresult *res = run(c, count.data, ncount, v, types, &rc);
		bool counted = res != NULL;
		if (counted)
			on_count(&l, res);
		PQclear(res);
		if (counted && want_rows && l.n > 0 && !l.stop) {
			res = run(c, rows.data, nrows, v, types, &rc);
			if (res)
				on_rows(&l, res);
			PQclear(res);
		}
	}
out:
	buf_free(&count);
	buf_free(&rows);
	return rc;
}

static int pg_begin(struct store *s, bool write)
{
	struct conn *c;
	int rc = conn(s, &c);
	if (rc)
		return rc;
	if (c->batch) {
		rc = cmd(c, "SAVEPOINT w");
		c->nested = !rc;
		return rc;
	}
	/* Writers queue on one advisory lock, held to the end of the transaction: the counts a
	 * writer reads (licence, group limit, names, numbering) hold until it commits, and
	 * READ COMMITTED lets it see every write committed before it got the lock. The change
	 * counter moves with every write transaction (data_version). */
	rc = cmd(c, write ? s->begin_write : "BEGIN ISOLATION LEVEL REPEATABLE READ");
	c->writing = write && !rc;
	if (rc && PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		cmd(c, "ROLLBACK"); /* callers do not roll back a begin() that failed */
	return rc;
}

static int pg_commit(struct store *s)
{
	struct conn *c = pthread_getspecific(s->key);
	if (!c || !c->pg || PQstatus(c->pg) != CONNECTION_OK)
		return ERR_BUSY;
	if (c->nested) {
		int rc = cmd(c, "RELEASE SAVEPOINT w");
		c->nested = rc != 0; /* a failed release is undone by rollback() */
		return rc;
	}
	PGresult *res = PQexec(c->pg, "COMMIT");
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : fail(c, res);
	/* COMMIT of a transaction that had failed answers ROLLBACK, not an error. */
	if (!rc && strcmp(PQcmdStatus(res), "COMMIT"))
		rc = ERR_INTERNAL;
	PQclear(res);
	/* This process sees its own write before it answers; the others when notified. Also
	 * when the COMMIT's answer was lost: the write may have been kept. */
	if (c->writing)
		atomic_fetch_add(&s->gen, 1);
	c->writing = false;
	return rc;
}

static void pg_rollback(struct store *s)
{
	struct conn *c = pthread_getspecific(s->key);
	bool live = c && c->pg && PQstatus(c->pg) == CONNECTION_OK &&
		    PQtransactionStatus(c->pg) != PQTRANS_IDLE;
	if (c && c->nested) {
		c->nested = false;
		if (live && !cmd(c, "ROLLBACK TO SAVEPOINT w"))
			cmd(c, "RELEASE SAVEPOINT w");
		return;
	}
	if (live)
		cmd(c, "ROLLBACK");
	if (c)
		c->writing = false;
}

static int pg_batch_begin(struct store *s)
{
	int rc = pg_begin(s, true);
	if (!rc)
		((struct conn *)pthread_getspecific(s->key))->batch = true;
	return rc;
}

static int pg_batch_end(struct store *s, bool ok)
{
	struct conn *c = pthread_getspecific(s->key);
	if (!c)
		return ERR_INTERNAL;
	c->batch = c->nested = false;
	/* A connection lost (and made again) during the batch lost the batch with it. */
	bool open = c->pg && PQstatus(c->pg) == CONNECTION_OK &&
		    PQtransactionStatus(c->pg) == PQTRANS_INTRANS;
	/* A transaction that failed does not answer COMMIT (pg_commit checks). */
	int rc = !ok ? 0 : open ? pg_commit(s) : ERR_BUSY;
	if (!ok || rc)
		pg_rollback(s);
	return rc;
}

/* Runs sql with up to n parameters and reports the rows it changed. 0 or ERR_*. */
static int exec_params(struct store *s, const char *sql, int n, const char *const *v, long *changes)
{
	struct conn *c;
	int rc = conn(s, &c);
	if (rc)
		return rc;
	PGresult *res = run(c, sql, n, v, NULL, &rc);
	if (res && changes)
		*changes = atol(PQcmdTuples(res));
	PQclear(res);
	return rc;
}

/* The stored fields set in in, in field order, as parameters (then extra, if any). */
static int field_params(const struct resource *r, const struct input *in, const char *extra,
			const char **v)
{
	int n = 0;
	for (size_t i = 0; i < r->nfields; i++)
		if (r->fields[i].stored && in->v[i])
			v[n++] = in->v[i] == model_null ? NULL : in->v[i];
	if (extra)
		v[n++] = extra;
	return n;
}

static int pg_insert(struct store *s, const struct resource *r, const struct input *in)
{
	const char *v[MODEL_MAXF + 1];
	struct buf sql = {0};
	sql_insert(&sql, r, in, SQL_PG);
	int n = field_params(r, in, NULL, v);
	int rc = sql.oom ? ERR_INTERNAL : exec_params(s, sql.data, n, v, NULL);
	buf_free(&sql);
	return rc;
}

static int pg_update(struct store *s, const struct resource *r, const char *id,
		     const struct input *in)
{
	const char *v[MODEL_MAXF + 1];
	struct buf sql = {0};
	long changes = 0;
	sql_update(&sql, r, in, SQL_PG);
	int n = field_params(r, in, id, v);
	int rc = sql.oom ? ERR_INTERNAL : exec_params(s, sql.data, n, v, &changes);
	buf_free(&sql);
	return rc ? rc : changes ? 0 : ERR_NOT_FOUND;
}

static int pg_set_all(struct store *s, const struct resource *r, int k, const char *value,
		      const char *except_id)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "UPDATE %s SET %s = $1 WHERE ObjectId IS DISTINCT FROM $2",
		 r->table, r->fields[k].name);
	const char *v[] = {value == model_null ? NULL : value, except_id};
	return exec_params(s, sql, 2, v, NULL);
}

static int pg_del(struct store *s, const struct resource *r, const char *id)
{
	char sql[128];
	long changes = 0;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE ObjectId = $1", r->table);
	int rc = exec_params(s, sql, 1, &id, &changes);
	return rc ? rc : changes ? 0 : ERR_NOT_FOUND;
}

static int pg_del_all(struct store *s, const struct resource *r)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "DELETE FROM %s", r->table);
	return exec_params(s, sql, 0, NULL, NULL);
}

/* Runs a one-row query with at most one parameter; copies column 0 (and 1) out. 0,
 * ERR_NOT_FOUND or ERR_*. */
static int query_row(struct store *s, const char *sql, const char *p1, char *out0, size_t n0,
		     char *out1, size_t n1)
{
	struct conn *c;
	int rc = conn(s, &c);
	if (rc)
		return rc;
	PGresult *res = run(c, sql, p1 ? 1 : 0, &p1, NULL, &rc);
	if (!res)
		return rc;
	if (PQntuples(res) < 1) {
		rc = ERR_NOT_FOUND;
	} else {
		if (out0)
			snprintf(out0, n0, "%s", PQgetvalue(res, 0, 0));
		if (out1)
			snprintf(out1, n1, "%s", PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return rc;
}

/* Steps gen when the counter row n has moved past the value last read. */
static void saw_counter(struct store *s, unsigned long long n)
{
	pthread_mutex_lock(&s->vmu);
	if (n > s->seen) {
		s->seen = n;
		atomic_fetch_add(&s->gen, 1);
	}
	pthread_mutex_unlock(&s->vmu);
}

/* Waits up to ms for the stop pipe; true when the listener is to stop. */
static bool stopping(struct store *s, int ms)
{
	struct pollfd p = {.fd = s->stop[0], .events = POLLIN};
	return poll(&p, 1, ms) > 0;
}

/* The listener's own session: LISTEN, then (in a later transaction, so that nothing
 * committed in between is missed) the counter row read once. NULL when it cannot be had. */
static PGconn *listen_session(struct store *s)
{
	const char *const keys[] = {"connect_timeout", "application_name", LISTEN_KEYS, "dbname",
				    NULL};
	const char *const vals[] = {"5", "cupid-notify", LISTEN_VALS, s->uri, NULL};
	PGconn *pg = PQconnectdbParams(keys, vals, 1);
	PGresult *res = NULL;
	if (pg && PQstatus(pg) == CONNECTION_OK) {
		PQsetNoticeProcessor(pg, quiet, NULL);
		res = PQexec(pg, "SET statement_timeout = '5s'; LISTEN " CHANNEL);
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			PQclear(res);
			res = PQexec(pg, "SELECT n FROM data_version");
		}
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		PQclear(res);
		PQfinish(pg);
		return NULL;
	}
	/* Steps gen if anything was committed since data_version last read the row: that may
	 * be in bodies kept while nothing was listening. */
	saw_counter(s, strtoull(PQgetvalue(res, 0, 0), NULL, 10));
	PQclear(res);
	return pg;
}

/* The listener thread: while its session is up, every batch of notifications from other
 * processes steps gen; when the session is lost, data_version goes back to reading the
 * counter row (pushed is false) until a new session is listening. A write committed since
 * the session began moved the row past seen, so the first such read steps gen: nothing
 * missed while the loss went unnoticed outlives it. */
static void *listener_main(void *arg)
{
	struct store *s = arg;
	PGconn *pg = NULL;
	int backoff = 100;
	bool lost = false;
	for (;;) {
		if (!pg) {
			if (!(pg = listen_session(s))) {
				if (stopping(s, backoff))
					break;
				backoff = backoff < 3200 ? backoff * 2 : 5000;
				continue;
			}
			if (lost)
				fprintf(stderr, "cupid: postgresql: notification channel back\n");
			backoff = 100;
			lost = false;
			atomic_store(&s->pushed, true);
		}
		struct pollfd p[2] = {{.fd = PQsocket(pg), .events = POLLIN},
				      {.fd = s->stop[0], .events = POLLIN}};
		int n = poll(p, 2, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || p[1].revents)
			break;
		bool alive = PQconsumeInput(pg) && PQstatus(pg) == CONNECTION_OK;
		PGnotify *note;
		bool any = false;
		while ((note = PQnotifies(pg))) {
			any = any || strcmp(note->extra, s->token);
			PQfreemem(note);
		}
		if (any)
			atomic_fetch_add(&s->gen, 1);
		if (!alive) {
			atomic_store(&s->pushed, false);
			fprintf(stderr, "cupid: postgresql: notification channel lost; the cache "
					"reads the change counter until it is back\n");
			lost = true;
			PQfinish(pg);
			pg = NULL;
		}
	}
	atomic_store(&s->pushed, false);
	PQfinish(pg);
	return NULL;
}

/* Starts the listener on the first call (so that commands that never read through the
 * cache never start it). */
static void start_listener(struct store *s)
{
	pthread_mutex_lock(&s->mu);
	if (!atomic_load(&s->tried)) {
		if (!pipe2(s->stop, O_CLOEXEC)) {
			s->listening = !pthread_create(&s->listener, NULL, listener_main, s);
			if (!s->listening) {
				close(s->stop[0]);
				close(s->stop[1]);
			}
		}
		if (!s->listening)
			fprintf(stderr, "cupid: postgresql: cannot start the notification listener; "
					"the cache reads the change counter\n");
		atomic_store(&s->tried, true);
	}
	pthread_mutex_unlock(&s->mu);
}

static int pg_data_version(struct store *s, unsigned long long *v)
{
	if (atomic_load(&s->pushed)) {
		*v = atomic_load(&s->gen);
		return 0;
	}
	if (s->notify && !atomic_load(&s->tried))
		start_listener(s);
	atomic_fetch_add(&s->reads, 1);
	char out[32];
	int rc = query_row(s, "SELECT n FROM data_version", NULL, out, sizeof(out), NULL, 0);
	if (!rc)
		saw_counter(s, strtoull(out, NULL, 10));
	*v = rc ? 0 : atomic_load(&s->gen);
	return rc;
}

static void pg_version_stats(struct store *s, unsigned long *reads, bool *pushed)
{
	*reads = atomic_load(&s->reads);
	*pushed = atomic_load(&s->pushed);
}

static int pg_exec(struct store *s, const char *sql, int n, const char *const *params,
		   long *changes)
{
	return exec_params(s, sql, n, params, changes);
}

static int pg_query(struct store *s, const char *sql, int n, const char *const *params,
		    int (*row)(void *ctx, int ncol, const char *const *vals), void *ctx)
{
	struct conn *c;
	int rc = conn(s, &c);
	if (rc)
		return rc;
	PGresult *res = run(c, sql, n, params, NULL, &rc);
	if (!res)
		return rc;
	int ncol = PQnfields(res);
	const char *vals[16];
	if (ncol > 16)
		ncol = 16;
	for (int r = 0; r < PQntuples(res); r++) {
		for (int i = 0; i < ncol; i++)
			vals[i] = PQgetisnull(res, r, i) ? NULL : PQgetvalue(res, r, i);
		if (row(ctx, ncol, vals))
			break;
	}
	PQclear(res);
	return 0;
}

static void pg_close(struct store *s)
{
	if (!s)
		return;
	if (s->listening) {
		if (write(s->stop[1], "x", 1) != 1)
			fprintf(stderr, "cupid: postgresql: cannot stop the listener\n");
		pthread_join(s->listener, NULL);
		close(s->stop[0]);
		close(s->stop[1]);
	}
	pthread_mutex_destroy(&s->vmu);
	for (struct conn *c = s->conns, *n; c; c = n) {
		n = c->next;
		forget_statements(c);
		PQfinish(c->pg);
		free(c);
	}
	pthread_key_delete(s->key);
	pthread_mutex_destroy(&s->mu);
	free(s->uri);
	free(s);
}

/* Runs sql and copies an error message into err. 0 or -1. */
static int setup_exec(struct conn *c, const char *sql, const char *what, char *err, size_t errlen)
{
	PGresult *res = PQexec(c->pg, sql);
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(res);
		return 0;
	}
	snprintf(err, errlen, "%s: %s", what, PQresultErrorMessage(res));
	err[strcspn(err, "\n")] = 0;
	PQclear(res);
	return -1;
}

/* Brings the schema to the newest version in one transaction under an advisory lock, so that
 * several processes starting at once migrate exactly once. */
static int migrate(struct conn *c, bool *created, char *err, size_t errlen)
{
	if (setup_exec(c,
		       "BEGIN; SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ");"
		       " CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
		       "cannot lock the schema", err, errlen))
		goto fail;
	PGresult *res = PQexec(c->pg, "SELECT coalesce(max(version), 0) FROM schema_version");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		snprintf(err, errlen, "cannot read the schema version: %s",
			 PQresultErrorMessage(res));
		err[strcspn(err, "\n")] = 0;
		PQclear(res);
		goto fail;
	}
	int version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	int newest = (int)(sizeof(pg_migrations) / sizeof(pg_migrations[0]));
	if (version > newest) {
		snprintf(err, errlen, "database schema %d is newer than this cupid (%d)", version,
			 newest);
		goto fail;
	}
	*created = version == 0;
	for (int v = version; v < newest; v++) {
		char what[64], sql[128];
		snprintf(what, sizeof(what), "schema migration %d failed", v + 1);
		snprintf(sql, sizeof(sql),
			 "DELETE FROM schema_version; INSERT INTO schema_version VALUES (%d)",
			 v + 1);
		if (setup_exec(c, pg_migrations[v], what, err, errlen) ||
		    setup_exec(c, sql, what, err, errlen))
			goto fail;
	}
	if (setup_exec(c, "COMMIT", "cannot commit the schema", err, errlen))
		goto fail;
	return 0;
fail:
	if (PQstatus(c->pg) == CONNECTION_OK)
		PQclear(PQexec(c->pg, "ROLLBACK"));
	return -1;
}

static int pg_open(struct store **out, const char *uri, const struct store_opts *o,
		   bool *created, char *err, size_t errlen)
{
	/* PostgreSQL's durability is its own configuration: o->synchronous is SQLite's. */
	struct store *s = calloc(1, sizeof(*s));
	if (!s || !(s->uri = strdup(uri))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->notify = o->notify;
	atomic_init(&s->gen, 1);
	/* Unique enough among the processes on one database: pid, start time and address. */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(s->token, sizeof(s->token), "%x-%lx",
		 (unsigned)getpid() ^ (unsigned)((uintptr_t)s >> 4),
		 (unsigned long)ts.tv_sec * 1000000000ul + (unsigned long)ts.tv_nsec);
	snprintf(s->begin_write, sizeof(s->begin_write),
		 "BEGIN; SELECT pg_advisory_xact_lock(" WRITE_LOCK ");"
		 " UPDATE data_version SET n = n + 1; NOTIFY " CHANNEL ", '%s'",
		 s->token);
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->vmu, NULL);
	pthread_key_create(&s->key, NULL);
	struct conn *c;
	int rc = conn(s, &c);
	if (rc) {
		if (rc == ERR_BUSY && c->pg) {
			char msg[400];
			snprintf(msg, sizeof(msg), "%s", PQerrorMessage(c->pg));
			msg[strcspn(msg, "\n")] = 0;
			snprintf(err, errlen, "database: cannot connect to PostgreSQL: %s", msg);
		} else {
			snprintf(err, errlen, "database: cannot connect to PostgreSQL");
		}
		pg_close(s);
		return -1;
	}
	if (migrate(c, created, err, errlen)) {
		pg_close(s);
		return -1;
	}
	s->opened = true;
	*out = s;
	return 0;
}

const struct store_ops store_pg = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .list = pg_list,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .batch_begin = pg_batch_begin,
    .batch_end = pg_batch_end,
    .insert = pg_insert,
    .update = pg_update,
    .set_all = pg_set_all,
    .del = pg_del,
    .del_all = pg_del_all,
    .exec = pg_exec,
    .query = pg_query,
    .data_version = pg_data_version,
    .version_stats = pg_version_stats,
};

/* SQL text built from the field tables (shared by the SQLite and PostgreSQL backends). */
#include "store/sql.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"

static void ph(struct buf *b, int style, int n)
{
	buf_printf(b, "%c%d", style ? '$' : '?', n);
}

bool sql_parent(const struct resource *r, const struct listq *q)
{
	return r->parent && q->parent;
}

bool sql_is_int(const struct field *f)
{
	return f->type == T_INT || f->type == T_BOOL;
}

/* The ASCII case-insensitive form of a text expression (SPEC §3.3): NOCASE on SQLite, and on
 * PostgreSQL lower() under the C collation, which folds A-Z only, whatever the database's
 * own collation is. */
static void folded(struct buf *b, const char *expr, int style)
{
	if (style == SQL_PG)
		buf_printf(b, "lower((%s) COLLATE \"C\")", expr);
	else
		buf_printf(b, "%s COLLATE NOCASE", expr);
}

/* WHERE for the parent of a sub-collection and q's filter on expr (NULL: the field's own
 * expression). */
static void filter_on(struct buf *b, const struct resource *r, const struct listq *q,
		      const char *expr, int style)
{
	if (sql_parent(r, q)) {
		buf_printf(b, " WHERE %s.%s = ", r->alias, r->parent);
		ph(b, style, 4);
	}
	if (q->filter < 0)
		return;
	struct field fe = r->fields[q->filter];
	if (expr)
		fe.expr = expr;
	const struct field *f = &fe;
	bool pg = style == SQL_PG;
	buf_puts(b, sql_parent(r, q) ? " AND " : " WHERE ");
	if (q->op == Q_STARTSWITH) {
		/* The same escaped pattern on both: LIKE is ASCII case-insensitive on SQLite, and
		 * both sides are folded on PostgreSQL. */
		if (sql_is_int(f)) {
			buf_printf(b, "CAST(%s AS TEXT) LIKE ", f->expr);
			ph(b, style, 1);
		} else if (pg) {
			folded(b, f->expr, style);
			buf_puts(b, " LIKE lower(CAST($1 AS TEXT) COLLATE \"C\")");
		} else {
			buf_printf(b, "%s LIKE ", f->expr);
			ph(b, style, 1);
		}
		buf_puts(b, " ESCAPE '\\'");
		return;
	}
	if (sql_is_int(f)) {
		/* PostgreSQL: any 64-bit value compares (and matches nothing) as on SQLite. */
		buf_printf(b, "%s = %s", f->expr, pg ? "CAST($1 AS BIGINT)" : "?1");
	} else if (q->op == Q_IS && pg) {
		folded(b, f->expr, style);
		buf_puts(b, " = lower(CAST($1 AS TEXT) COLLATE \"C\")");
	} else {
		buf_printf(b, "%s = ", f->expr);
		ph(b, style, 1);
		if (q->op == Q_IS)
			buf_puts(b, " COLLATE NOCASE");
	}
}

enum { AS_IS, FOLDED, BYTES };

/* One ORDER BY term over expr, compared as is, ASCII case-folded, or byte by byte. SQLite
 * sorts NULL first ascending and last descending; PostgreSQL is told to do the same. */
static void order_term(struct buf *b, const char *expr, int how, bool desc, int style)
{
	bool pg = style == SQL_PG;
	if (how == AS_IS && expr[strspn(expr, "0123456789")] == 0)
		/* A constant column: a bare integer in ORDER BY would name an output column. */
		buf_printf(b, "CAST(%s AS INTEGER)", expr);
	else if (how == FOLDED)
		folded(b, expr, style);
	else if (how == BYTES && pg)
		buf_printf(b, "(%s) COLLATE \"C\"", expr);
	else
		buf_puts(b, expr);
	if (pg)
		buf_puts(b, desc ? " DESC NULLS LAST" : " NULLS FIRST");
	else if (desc)
		buf_puts(b, " DESC");
}

static void filter(struct buf *b, const struct resource *r, const struct listq *q, int style)
{
	filter_on(b, r, q, NULL, style);
}

void sql_select(struct buf *b, const struct resource *r, const struct listq *q, bool count,
		int style)
{
	if (count && r->count_table &&
	    (q->filter < 0 || !strcmp(r->fields[q->filter].name, r->count_by))) {
		/* Each row of the counts table stands for n rows with that value of count_by, so
		 * the same filter on its key column sums exactly the rows it would count. */
		const char *colon = strchr(r->count_table, ':');
		char key[64];
		snprintf(key, sizeof(key), "x.%s", colon + 1);
		buf_printf(b, "SELECT coalesce(sum(x.n), 0) FROM %.*s x",
			   (int)(colon - r->count_table), r->count_table);
		filter_on(b, r, q, key, style);
		return;
	}
	if (count) {
		/* Without a filter on a derived field, the joins add nothing to a count. */
		bool own = q->filter < 0 || r->fields[q->filter].stored;
		buf_puts(b, "SELECT count(*) FROM ");
		if (own)
			buf_printf(b, "%s %s", r->table, r->alias);
		else
			buf_puts(b, r->from);
		filter(b, r, q, style);
		return;
	}
	buf_puts(b, "SELECT ");
	int first = 1;
	for (size_t i = 0; i < r->nfields; i++) {
		if (!r->fields[i].expr)
			continue;
		buf_puts(b, first ? "" : ", ");
		buf_puts(b, r->fields[i].expr);
		first = 0;
	}
	buf_puts(b, " FROM ");
	buf_puts(b, r->from);
	filter(b, r, q, style);
	const struct field *sf = &r->fields[q->sort >= 0 ? q->sort : model_field(r, r->sort)];
	buf_puts(b, " ORDER BY ");
	if (!sql_is_int(sf)) {
		/* case-folded first, then byte by byte */
		order_term(b, sf->expr, FOLDED, q->desc, style);
		buf_puts(b, ", ");
	}
	order_term(b, sf->expr, sql_is_int(sf) ? AS_IS : BYTES, q->desc, style);
	/* ties: ObjectId ascending, byte by byte, in both directions */
	buf_printf(b, ", %s.ObjectId%s", r->alias, style == SQL_PG ? " COLLATE \"C\"" : "");
	if (q->limit >= 0) {
		buf_puts(b, " LIMIT ");
		ph(b, style, 2);
		buf_puts(b, " OFFSET ");
		ph(b, style, 3);
	}
}

const char *sql_filter_value(const struct listq *q, struct arena *a)
{
	if (q->op != Q_STARTSWITH)
		return q->value;
	size_t n = strlen(q->value);
	char *p = arena_alloc(a, 2 * n + 2), *o = p;
	if (!p)
		return NULL;
	for (const char *s = q->value; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '%';
	*o = 0;
	return p;
}

void sql_insert(struct buf *b, const struct resource *r, const struct input *in, int style)
{
	buf_printf(b, "INSERT INTO %s (", r->table);
	int n = 0;
	for (size_t i = 0; i < r->nfields; i++)
		if (r->fields[i].stored && in->v[i])
			buf_printf(b, "%s%s", n++ ? ", " : "", r->fields[i].name);
	buf_puts(b, ") VALUES (");
	for (int i = 1; i <= n; i++) {
		buf_puts(b, i > 1 ? ", " : "");
		ph(b, style, i);
	}
	buf_puts(b, ")");
}

void sql_update(struct buf *b, const struct resource *r, const struct input *in, int style)
{
	buf_printf(b, "UPDATE %s SET ", r->table);
	int n = 0;
	for (size_t i = 0; i < r->nfields; i++) {
		if (!r->fields[i].stored || !in->v[i])
			continue;
		buf_printf(b, "%s%s = ", n ? ", " : "", r->fields[i].name);
		ph(b, style, ++n);
	}
	if (!n) /* nothing to change: still report whether the row exists */
		buf_puts(b, "ObjectId = ObjectId");
	buf_puts(b, " WHERE ObjectId = ");
	ph(b, style, n + 1);
}

/* The SELECT text of a query shape never changes, so it is built once per shape: a request
 * then costs a table lookup instead of a few kilobytes of string building. */
#define SHAPES 256

struct shape {
	const struct resource *r;
	int filter, op, sort, style;
	bool desc, paged, count, parent;
	char *sql;
};

static struct shape shapes[SHAPES];
static pthread_mutex_t shapes_mu = PTHREAD_MUTEX_INITIALIZER;

const char *sql_select_text(const struct resource *r, const struct listq *q, bool count,
			    int style)
{
	struct shape k = {.r = r, .filter = q->filter, .op = q->filter >= 0 ? (int)q->op : 0,
			  .style = style, .count = count, .parent = sql_parent(r, q)};
	if (!count) {
		k.sort = q->sort;
		k.desc = q->desc;
		k.paged = q->limit >= 0;
	}
	unsigned long h = (unsigned long)(uintptr_t)r / 8;
	h = h * 31 + (unsigned)(k.filter + 1);
	h = h * 31 + (unsigned)k.op;
	h = h * 31 + (unsigned)(k.sort + 1);
	h = h * 31 + (unsigned)(k.parent * 16 + k.style * 8 + k.desc * 4 + k.paged * 2 + k.count);
	const char *sql = NULL;
	pthread_mutex_lock(&shapes_mu);
	for (unsigned i = 0; i < SHAPES; i++) {
		struct shape *sh = &shapes[(h + i) % SHAPES];
		if (!sh->sql) {
			struct buf b = {0};
			sql_select(&b, r, q, count, style);
			if (!b.oom) {
				k.sql = b.data;
				*sh = k;
				sql = sh->sql;
			}
			break;
		}
		if (sh->r == k.r && sh->filter == k.filter && sh->op == k.op &&
		    sh->sort == k.sort && sh->style == k.style && sh->desc == k.desc &&
		    sh->paged == k.paged && sh->count == k.count && sh->parent == k.parent) {
			sql = sh->sql;
			break;
		}
	}
	pthread_mutex_unlock(&shapes_mu);
	return sql;
}

void sql_select_forget(void)
{
	pthread_mutex_lock(&shapes_mu);
	for (unsigned i = 0; i < SHAPES; i++) {
		free(shapes[i].sql);
		shapes[i].sql = NULL;
	}
	pthread_mutex_unlock(&shapes_mu);
}

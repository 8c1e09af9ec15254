/* SQL text built from the field tables (shared by the SQLite and PostgreSQL backends). */
#include "store/sql.h"

#include <string.h>

#include "util/arena.h"
#include "util/buf.h"

static void ph(struct buf *b, int style, int n)
{
	buf_printf(b, "%c%d", style ? '$' : '?', n);
}

bool sql_is_int(const struct field *f)
{
	return f->type == T_INT || f->type == T_BOOL;
}

static void filter(struct buf *b, const struct resource *r, const struct listq *q, int style)
{
	if (q->filter < 0)
		return;
	const struct field *f = &r->fields[q->filter];
	buf_puts(b, " WHERE ");
	if (q->op == Q_STARTSWITH) {
		buf_puts(b, sql_is_int(f) ? "CAST(" : "");
		buf_puts(b, f->expr);
		buf_puts(b, sql_is_int(f) ? " AS TEXT)" : "");
		buf_puts(b, " LIKE ");
		ph(b, style, 1);
		buf_puts(b, " ESCAPE '\\'");
		return;
	}
	buf_puts(b, f->expr);
	buf_puts(b, " = ");
	ph(b, style, 1);
	if (q->op == Q_IS && !sql_is_int(f))
		buf_puts(b, " COLLATE NOCASE");
}

void sql_select(struct buf *b, const struct resource *r, const struct listq *q, bool count,
		int style)
{
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
	const char *dir = q->desc ? " DESC" : "";
	if (sql_is_int(sf))
		buf_printf(b, " ORDER BY %s%s, %s.ObjectId", sf->expr, dir, r->alias);
	else
		buf_printf(b, " ORDER BY %s COLLATE NOCASE%s, %s%s, %s.ObjectId", sf->expr, dir,
			   sf->expr, dir, r->alias);
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

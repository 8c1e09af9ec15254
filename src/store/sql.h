/* SQL text built from the field tables, shared by the backends. Only constants from the
 * tables go into the text; every value from a request is a bound parameter. */
#pragma once
#include <stdbool.h>

#include "store/store.h"

struct buf;

/* The dialects (the style argument below): SQLite writes ?N placeholders and COLLATE NOCASE;
 * PostgreSQL writes $N, lower(x COLLATE "C"), COLLATE "C" byte-order ties and explicit NULLS
 * FIRST/LAST, so that both give the same rows in the same order (SPEC §3.3). */
#define SQL_SQLITE 0
#define SQL_PG     1

/* SELECT for a listing: the filter value is parameter 1, then LIMIT 2 and OFFSET 3 (when
 * q->limit >= 0), and a sub-collection's parent id 4 (when q->parent is set: sql_parent). With count, SELECT count(*) with the filter only. style: SQL_SQLITE or
 * SQL_PG. */
void sql_select(struct buf *b, const struct resource *r, const struct listq *q, bool count,
		int style);
/* The same text, built once per query shape and kept until sql_select_forget(); NULL when
 * out of memory or when every slot is taken (the caller then builds it with sql_select). */
const char *sql_select_text(const struct resource *r, const struct listq *q, bool count,
			    int style);
void sql_select_forget(void);
/* The filter value to bind: for Q_STARTSWITH a LIKE pattern with % _ \ escaped and a
 * trailing %. Memory from a. */
const char *sql_filter_value(const struct listq *q, struct arena *a);
/* True when q lists the children of one parent: the parent id is then parameter 4. */
bool sql_parent(const struct resource *r, const struct listq *q);
/* True when field f's value is bound as an integer. */
bool sql_is_int(const struct field *f);
/* INSERT of the stored fields set in in: values are parameters 1..n in field order. */
void sql_insert(struct buf *b, const struct resource *r, const struct input *in, int style);
/* UPDATE of the stored fields set in in, then WHERE ObjectId = the last parameter. */
void sql_update(struct buf *b, const struct resource *r, const struct input *in, int style);

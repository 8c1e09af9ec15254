/* The collection parameters: decoding, the grammar of SPEC §3.2, and their meaning (§3.3-3.4)
 * turned into a struct listq for the store. */
#include "api/query.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "util/arena.h"

int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		unsigned cp;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		i += len;
	}
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *query_decode(const char *s, size_t n, int plus, struct arena *a)
{
	char *out = arena_alloc(a, n + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				return NULL;
			int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
			if (h < 0 || l < 0)
				return NULL;
			*o++ = (char)(h << 4 | l);
			i += 2;
		} else {
			*o++ = plus && s[i] == '+' ? ' ' : s[i];
		}
	}
	*o = 0;
	size_t len = (size_t)(o - out);
	if (memchr(out, 0, len) || !utf8_valid((unsigned char *)out, len))
		return NULL;
	return out;
}

static bool ws(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims spaces and tabs from both ends, in place. */
static char *trim(char *s)
{
	while (ws(*s))
		s++;
	size_t n = strlen(s);
	while (n && ws(s[n - 1]))
		s[--n] = 0;
	return s;
}

static int number(const char *name, const char *v, long *out, char *err, size_t errlen)
{
	if (!*v || strspn(v, "0123456789") != strlen(v)) {
		snprintf(err, errlen, "%s: '%s' is not a non-negative integer", name, v);
		return ERR_INVALID;
	}
	while (*v == '0' && v[1])
		v++;
	if (strlen(v) > 10 || strtol(v, NULL, 10) > INT_MAX) {
		snprintf(err, errlen, "%s: %s is larger than 2147483647", name, v);
		return ERR_INVALID;
	}
	*out = strtol(v, NULL, 10);
	return 0;
}

/* A column: a field that appears in the representation. */
static int column(const struct resource *r, const char *name, size_t n)
{
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		if (strlen(f->name) == n && !strncasecmp(f->name, name, n) && f->expr &&
		    f->acc != A_IN && !(f->flags & (F_NOOUT | F_NOQUERY)))
			return (int)i;
	}
	return -1;
}

/* Reads "(" OWS column and returns the field index; *rest points after the column. */
static int open_column(const char *pname, char *v, const struct resource *r, char **rest,
		       char *err, size_t errlen)
{
	size_t n = strlen(v);
	if (n < 2 || v[0] != '(' || v[n - 1] != ')') {
		snprintf(err, errlen, "%s: must be written (column ...)", pname);
		return ERR_INVALID;
	}
	char *p = v + 1;
	while (ws(*p))
		p++;
	char *col = p;
	if (!((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')) {
		snprintf(err, errlen, "%s: a column name is expected after '('", pname);
		return ERR_INVALID;
	}
	while (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || (*p >= '0' && *p <= '9') ||
	       *p == '_')
		p++;
	int k = column(r, col, (size_t)(p - col));
	if (k < 0) {
		snprintf(err, errlen, "%s: unknown column '%.*s'", pname, (int)(p - col), col);
		return ERR_INVALID;
	}
	*rest = p;
	return k;
}

static int parse_query(char *v, const struct resource *r, struct arena *a, struct listq *q,
		       char *err, size_t errlen)
{
	char *p;
	int k = open_column("query", v, r, &p, err, errlen);
	if (k < 0)
		return k;
	char *end = v + strlen(v) - 1; /* the last ')' */
	*end = 0;
	if (!ws(*p)) {
		snprintf(err, errlen, "query: an operator (is, startswith) must follow the column");
		return ERR_INVALID;
	}
	while (ws(*p))
		p++;
	char *op = p;
	while (*p && !ws(*p))
		p++;
	size_t oplen = (size_t)(p - op);
	if (oplen == 2 && !strncasecmp(op, "is", 2)) {
		q->op = Q_IS;
	} else if (oplen == 10 && !strncasecmp(op, "startswith", 10)) {
		q->op = Q_STARTSWITH;
	} else {
		snprintf(err, errlen, "query: unknown operator '%.*s' (use is or startswith)",
			 (int)oplen, op);
		return ERR_INVALID;
	}
	if (!ws(*p)) {
		snprintf(err, errlen, "query: a value must follow the operator");
		return ERR_INVALID;
	}
	char *val = trim(p);
	if (!*val) {
		snprintf(err, errlen, "query: the value is empty");
		return ERR_INVALID;
	}
	const struct field *f = &r->fields[k];
	if (f->type == T_BOOL) {
		if (q->op == Q_STARTSWITH) {
			snprintf(err, errlen, "query: startswith does not apply to %s", f->name);
			return ERR_INVALID;
		}
		if (!strcasecmp(val, "true") || !strcmp(val, "1"))
			val = "1";
		else if (!strcasecmp(val, "false") || !strcmp(val, "0"))
			val = "0";
		else {
			snprintf(err, errlen, "query: '%s' is not a boolean for %s", val, f->name);
			return ERR_INVALID;
		}
	} else if (f->type == T_INT && q->op == Q_IS) {
		/* Any integer is valid; one beyond 64 bits clamps, and so matches nothing. */
		char *e;
		long long x = strtoll(val, &e, 10);
		if (*e || !(val[0] == '-' || (val[0] >= '0' && val[0] <= '9'))) {
			snprintf(err, errlen, "query: '%s' is not an integer for %s", val, f->name);
			return ERR_INVALID;
		}
		val = arena_printf(a, "%lld", x);
	}
	q->filter = k;
	q->value = val;
	return 0;
}

static int parse_sort(char *v, const struct resource *r, struct listq *q, char *err,
		      size_t errlen)
{
	char *p;
	int k = open_column("sort", v, r, &p, err, errlen);
	if (k < 0)
		return k;
	v[strlen(v) - 1] = 0;
	char *dir = trim(p);
	if (*dir && p == dir) {
		snprintf(err, errlen, "sort: a space must separate the column and the direction");
		return ERR_INVALID;
	}
	if (!*dir || !strcasecmp(dir, "asc"))
		q->desc = false;
	else if (!strcasecmp(dir, "desc"))
		q->desc = true;
	else {
		snprintf(err, errlen, "sort: unknown direction '%s' (use asc or desc)", dir);
		return ERR_INVALID;
	}
	q->sort = k;
	return 0;
}

int query_parse(const char *raw, const struct resource *r, struct arena *a, struct listq *q,
		char *err, size_t errlen)
{
	static const char *const names[] = {"rowsPerPage", "pageNumber", "query", "sort"};
	char *val[4] = {0};
	*q = (struct listq)LISTQ_ALL;
	for (const char *s = raw; s && *s;) {
		const char *amp = strchr(s, '&');
		size_t len = amp ? (size_t)(amp - s) : strlen(s);
		const char *eq = memchr(s, '=', len);
		size_t nlen = eq ? (size_t)(eq - s) : len;
		char *name = query_decode(s, nlen, 1, a);
		for (int i = 0; name && i < 4; i++) {
			if (strcasecmp(name, names[i]))
				continue;
			if (val[i]) {
				snprintf(err, errlen, "%s: given more than once", names[i]);
				return ERR_INVALID;
			}
			val[i] = eq ? query_decode(eq + 1, len - nlen - 1, 1, a) : "";
			if (!val[i]) {
				snprintf(err, errlen, "%s: bad percent-encoding or UTF-8", names[i]);
				return ERR_INVALID;
			}
			val[i] = trim(arena_strdup(a, val[i]));
		}
		s += len + (amp ? 1 : 0);
	}
	long rows = -1, page = 1;
	if (val[0] && number(names[0], val[0], &rows, err, errlen))
		return ERR_INVALID;
	if (val[1] && number(names[1], val[1], &page, err, errlen))
		return ERR_INVALID;
	if (val[2] && parse_query(val[2], r, a, q, err, errlen))
		return ERR_INVALID;
	if (val[3] && parse_sort(val[3], r, q, err, errlen))
		return ERR_INVALID;
	if (rows == 0 || page == 0) {
		q->count_only = true;
	} else if (rows < 0) {
		q->offset = page > 1 ? LONG_MAX : 0; /* one page holds every match */
	} else {
		q->limit = rows > QUERY_MAX_ROWS ? QUERY_MAX_ROWS : rows;
		q->offset = (page - 1) * q->limit;
	}
	return 0;
}

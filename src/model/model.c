/* Generic walkers over the field tables: name lookup, input matching and value checks
 * (SPEC §2.6 value types). */
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec/body.h"
#include "err.h"
#include "util/arena.h"

#define INT32_MAXV 2147483647L

int model_field(const struct resource *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (!strcasecmp(r->fields[i].name, name))
			return (int)i;
	return -1;
}

const char *model_raw(const struct body *b, const char *name)
{
	for (size_t i = b->n; i-- > 0;)
		if (!strcasecmp(b->f[i].name, name))
			return b->f[i].complex ? NULL : b->f[i].value;
	return NULL;
}

int model_no_space(const char **v, struct arena *a)
{
	(void)a;
	return strchr(*v, ' ') ? -1 : 0;
}

const char *model_path(const struct resource *r, const char *parent, struct arena *a)
{
	const char *at = r->parent ? strstr(r->path, "{id}") : NULL;
	if (!at)
		return r->path;
	return arena_printf(a, "%.*s%s%s", (int)(at - r->path), r->path, parent ? parent : "",
			    at + 4);
}

long model_long(const char *v)
{
	return strtol(v, NULL, 10);
}

/* Shortens a value for an error message so that a hostile body cannot make it huge. */
static const char *shown(const char *v, char *tmp, size_t n)
{
	size_t len = strlen(v);
	if (len < n)
		return v;
	size_t cut = n - 4;
	while (cut > 0 && ((unsigned char)v[cut] & 0xC0) == 0x80)
		cut--; /* do not split a UTF-8 sequence */
	snprintf(tmp, n, "%.*s...", (int)cut, v);
	return tmp;
}

static int check_bool(const struct field *f, const char **v, char *err, size_t errlen)
{
	const char *s = *v;
	if (!strcasecmp(s, "true") || !strcmp(s, "1")) {
		*v = "1";
		return 0;
	}
	if (!strcasecmp(s, "false") || !strcmp(s, "0")) {
		*v = "0";
		return 0;
	}
	char tmp[80];
	snprintf(err, errlen, "%s: '%s' is not a boolean (use true, false, 1 or 0)", f->name,
		 shown(s, tmp, sizeof(tmp)));
	return ERR_INVALID;
}

/* True when val is one of the space-separated decimal values of list. */
static bool one_of(const char *list, long val)
{
	for (const char *p = list; *p;) {
		char *end;
		if (strtol(p, &end, 10) == val)
			return true;
		p = end + strspn(end, " ");
		if (end == p && *p) /* not a number: a table error */
			return false;
	}
	return false;
}

static int check_int(const struct field *f, const char **v, struct arena *a, char *err,
		     size_t errlen)
{
	const char *s = *v, *p = s;
	char tmp[80];
	int neg = 0;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (!*p || strspn(p, "0123456789") != strlen(p)) {
		snprintf(err, errlen, "%s: '%s' is not an integer", f->name,
			 shown(s, tmp, sizeof(tmp)));
		return ERR_INVALID;
	}
	while (*p == '0' && p[1])
		p++;
	long val = 0;
	if (strlen(p) > 10 || (val = strtol(p, NULL, 10)) > INT32_MAXV + neg) {
		snprintf(err, errlen, "%s: '%s' is out of range", f->name,
			 shown(s, tmp, sizeof(tmp)));
		return ERR_INVALID;
	}
	if (neg)
		val = -val;
	if (val < f->min || val > f->max) {
		snprintf(err, errlen, "%s: %ld is out of range (%ld to %ld)", f->name, val, f->min,
			 f->max);
		return ERR_INVALID;
	}
	if (f->values && !one_of(f->values, val)) {
		snprintf(err, errlen, "%s: %ld is not one of %s", f->name, val, f->values);
		return ERR_INVALID;
	}
	*v = arena_printf(a, "%ld", val);
	return *v ? 0 : ERR_INVALID;
}

static int check_str(const struct field *f, const char **v, char *err, size_t errlen)
{
	const unsigned char *s = (const unsigned char *)*v;
	long cps = 0;
	for (const unsigned char *p = s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(err, errlen, "%s: control characters are not allowed", f->name);
			return ERR_INVALID;
		}
		if ((*p & 0xC0) != 0x80)
			cps++;
	}
	if (f->charset && strspn((const char *)s, f->charset) != strlen((const char *)s)) {
		snprintf(err, errlen, "%s: only the characters %s are allowed", f->name,
			 f->charset);
		return ERR_INVALID;
	}
	if (cps < f->min || (f->max && cps > f->max)) {
		snprintf(err, errlen, "%s: length must be %ld to %ld characters", f->name, f->min,
			 f->max);
		return ERR_INVALID;
	}
	return 0;
}

int model_check(const struct field *f, const char **v, struct arena *a, char *err, size_t errlen)
{
	int rc = 0;
	switch (f->type) {
	case T_BOOL:
		rc = check_bool(f, v, err, errlen);
		break;
	case T_INT:
		rc = check_int(f, v, a, err, errlen);
		break;
	case T_STR:
	case T_ID:
	case T_URI:
		rc = check_str(f, v, err, errlen);
		break;
	}
	if (!rc && f->check && f->check(v, a)) {
		char tmp[80];
		snprintf(err, errlen, "%s: '%s' is not a valid value", f->name,
			 shown(*v, tmp, sizeof(tmp)));
		rc = ERR_INVALID;
	}
	return rc;
}

static bool accepted(const struct field *f, enum model_mode mode)
{
	switch (mode) {
	case MODE_POST:
		return f->acc == A_C || f->acc == A_W || f->acc == A_IN;
	case MODE_PUT:
		return f->acc == A_W || f->acc == A_U;
	case MODE_FIXTURE: /* and W fields that are checked, then dropped (CcmAXLPassword) */
		return f->stored || f->acc == A_IN || f->acc == A_W;
	}
	return false;
}

int model_parse(const struct resource *r, const struct body *b, enum model_mode mode,
		struct arena *a, struct input *in, char *err, size_t errlen)
{
	const struct body_field *pick[MODEL_MAXF] = {0};
	memset(in, 0, sizeof(*in));
	for (size_t i = 0; i < b->n; i++) {
		int k = model_field(r, b->f[i].name);
		if (k >= 0 && accepted(&r->fields[k], mode))
			pick[k] = &b->f[i];
	}
	for (size_t k = 0; k < r->nfields; k++) {
		if (!pick[k])
			continue;
		const struct field *f = &r->fields[k];
		if (pick[k]->complex) {
			snprintf(err, errlen, "%s: must be a single value, not a structure", f->name);
			return ERR_INVALID;
		}
		const char *v = pick[k]->value;
		if (f->type == T_ID && !*v)
			continue; /* an empty id is treated as absent (SPEC §2.6) */
		int rc = model_check(f, &v, a, err, errlen);
		if (rc)
			return rc;
		in->v[k] = v;
	}
	return 0;
}

int model_required(const struct resource *r, const struct input *in, char *err, size_t errlen)
{
	for (size_t k = 0; k < r->nfields; k++) {
		if ((r->fields[k].flags & F_REQUIRED) && !in->v[k]) {
			snprintf(err, errlen, "%s is required", r->fields[k].name);
			return ERR_INVALID;
		}
	}
	return 0;
}

const char model_null[] = "";

void model_defaults(const struct resource *r, struct input *in)
{
	for (size_t k = 0; k < r->nfields; k++)
		if (r->fields[k].stored && !in->v[k] && r->fields[k].def)
			in->v[k] = r->fields[k].def;
}

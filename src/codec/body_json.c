/* JSON request bodies and fixture documents -> flat field list (SPEC §2.6, §6.4), on jansson.
 * A byte scan ahead of jansson enforces the depth and field limits before any tree is built. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "codec/body.h"
#include "util/arena.h"

/* From body.c, shared between the body*.c files only. */
int body_bytes(const char **data, size_t *len, char *err, size_t errlen);
const char *body_value(struct arena *a, const char *s, size_t n);
void body_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int body_json_parse(const char *p, size_t n, const char *elem, size_t max_fields, struct arena *a,
		    struct body *out, char *err, size_t errlen);

#define MAX_DEPTH 32 /* SPEC §2.6; the top-level value is level 1 */

/* Counts the members and array elements below the top level, stopping once the count passes
 * stop (0 = never), and checks that containers nest at most MAX_DEPTH deep. Lexically loose on
 * purpose: it only has to be right for documents jansson then accepts.
 * Returns 0 with *items, or -1 with err (too deep). */
static int json_scan(const char *p, size_t n, size_t stop, size_t *items, char *err, size_t errlen)
{
	const char *end = p + n;
	uint64_t arrays = 0; /* bit d-1 set: the container at level d is an array */
	int depth = 0;
	int expect = 0; /* inside an array, before an element's first byte */
	size_t count = 0;

	while (p < end) {
		char c = *p++;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == ':') {
			count++; /* one per object member */
		} else if (c == ',') {
			expect = depth > 0 && (arrays >> (depth - 1) & 1);
			continue;
		} else if (c == '}' || c == ']') {
			if (depth > 0)
				depth--;
			expect = 0;
			continue;
		} else if (expect) {
			count++; /* first byte of an array element */
			expect = 0;
		}
		if (stop && count > stop)
			break;
		if (c == '{' || c == '[') {
			if (++depth > MAX_DEPTH) {
				body_err(err, errlen, "body: nesting deeper than %d levels",
					 MAX_DEPTH);
				return -1;
			}
			if (c == '[')
				arrays |= (uint64_t)1 << (depth - 1);
			else
				arrays &= ~((uint64_t)1 << (depth - 1));
			expect = c == '[';
		} else if (c == '"') {
			/* Skip the string: brackets and colons inside it are text. */
			while (p < end && *p != '"') {
				if (*p == '\\' && p + 1 < end)
					p++;
				p++;
			}
			if (p < end)
				p++;
		}
	}
	*items = count;
	return 0;
}

/* The name of the member whose string value holds a NUL (innermost; NULL if none). */
static const char *nul_member(json_t *v, const char *name)
{
	const char *key, *hit = NULL;
	json_t *m;
	size_t i;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return memchr(json_string_value(v), 0, json_string_length(v)) ? name : NULL;
	case JSON_OBJECT:
		json_object_foreach(v, key, m) if ((hit = nul_member(m, key))) return hit;
		return NULL;
	case JSON_ARRAY:
		json_array_foreach(v, i, m) if ((hit = nul_member(m, name))) return hit;
		return NULL;
	default:
		return NULL;
	}
}

static void json_fail(const char *p, size_t n, const json_error_t *je, char *err, size_t errlen)
{
	if (json_error_code(je) == json_error_null_byte_in_key) {
		body_err(err, errlen, "body: a JSON member name holds a NUL character (\\u0000)");
		return;
	}
	/* A \u0000 escape: name the field whose value holds it, as every value error does. */
	if (json_error_code(je) == json_error_null_character) {
		json_error_t je2;
		json_t *root = json_loadb(p, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je2);
		const char *name = root ? nul_member(root, NULL) : NULL;
		if (name)
			body_err(err, errlen, "%s: the value holds a NUL character (\\u0000)", name);
		else
			body_err(err, errlen, "body: a JSON string holds a NUL character (\\u0000)");
		json_decref(root);
		return;
	}
	/* jansson reports "too big integer" or "real number overflow" here. */
	if (json_error_code(je) == json_error_numeric_overflow)
		body_err(err, errlen, "body: JSON number out of range: %s (line %d, column %d)",
			 je->text, je->line, je->column);
	else
		body_err(err, errlen, "body is not valid JSON: %s (line %d, column %d)", je->text,
			 je->line, je->column);
}

/* ASCII case-insensitive equality; deliberately blind to the locale. */
static int ascii_eq_nocase(const char *x, const char *y)
{
	for (;; x++, y++) {
		unsigned char a = (unsigned char)*x, b = (unsigned char)*y;
		if (a >= 'A' && a <= 'Z')
			a += 'a' - 'A';
		if (b >= 'A' && b <= 'Z')
			b += 'a' - 'A';
		if (a != b)
			return 0;
		if (!a)
			return 1;
	}
}

/* Shortest text that strtod reads back as d. An integral real keeps a ".0" so that an int field
 * can still tell JSON 2.0 (rejected) from 2 (SPEC §2.6). Relies on the "C" numeric locale. */
static const char *real_text(struct arena *a, double d)
{
	char buf[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	size_t n = strlen(buf);
	if (strspn(buf, "-0123456789") == n)
		memcpy(buf + n, ".0", 3);
	return arena_strdup(a, buf);
}

/* Fills f's value and complex flag from v. Returns 0, or -1 when the arena is full. */
static int json_value(struct arena *a, json_t *v, struct body_field *f)
{
	char buf[24];
	f->complex = 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		f->value = body_value(a, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		f->value = arena_strdup(a, buf);
		break;
	case JSON_REAL:
		f->value = real_text(a, json_real_value(v));
		break;
	case JSON_TRUE:
		f->value = "true";
		break;
	case JSON_FALSE:
		f->value = "false";
		break;
	case JSON_NULL:
		f->value = "";
		break;
	case JSON_ARRAY:
		f->value = "";
		f->complex = json_array_size(v) > 0;
		break;
	case JSON_OBJECT:
	default:
		f->value = "";
		f->complex = 1;
		break;
	}
	return f->value ? 0 : -1;
}

int body_json_fields(const struct json_t *obj, struct arena *a, struct body *out, char *err,
		     size_t errlen)
{
	/* jansson's iterators take a non-const pointer but do not modify the object. */
	json_t *o = (json_t *)obj;
	out->f = NULL;
	out->n = 0;
	if (!json_is_object(o)) {
		body_err(err, errlen, "body: JSON value is not an object");
		return -1;
	}
	size_t n = json_object_size(o);
	if (!n)
		return 0;
	struct body_field *f = arena_alloc(a, n * sizeof(*f));
	if (!f)
		goto full;
	const char *key;
	json_t *v;
	size_t i = 0;
	json_object_foreach(o, key, v)
	{
		f[i].name = arena_strdup(a, key);
		if (!f[i].name || json_value(a, v, &f[i]) < 0)
			goto full;
		i++;
	}
	out->f = f;
	out->n = i;
	return 0;
full:
	body_err(err, errlen, "body too large");
	return -1;
}

/* Returns the object that holds the fields: root itself, or the value of its only member when
 * that member is named elem (ASCII case-insensitive) and is an object (the wrapper form). */
static json_t *unwrap(json_t *root, const char *elem)
{
	if (!elem || json_object_size(root) != 1)
		return root;
	void *it = json_object_iter(root);
	json_t *inner = json_object_iter_value(it);
	if (json_is_object(inner) && ascii_eq_nocase(json_object_iter_key(it), elem))
		return inner;
	return root;
}

/* Parses p[0..n) (already BOM-stripped, valid UTF-8, no NUL, not blank) into out.
 * Returns 0, or -1 with err. */
int body_json_parse(const char *p, size_t n, const char *elem, size_t max_fields, struct arena *a,
		    struct body *out, char *err, size_t errlen)
{
	int rc = -1;
	json_t *root = NULL;
	size_t items;
	/* The scan may see one member more than the cap: the wrapper's, which does not count. */
	if (json_scan(p, n, max_fields ? max_fields + 1 : 0, &items, err, errlen) < 0)
		goto out;
	if (max_fields && items > max_fields + 1) {
		body_err(err, errlen, "body: more than %zu fields", max_fields);
		goto out;
	}
	json_error_t je;
	root = json_loadb(p, n, JSON_DECODE_ANY, &je);
	if (!root) {
		json_fail(p, n, &je, err, errlen);
		goto out;
	}
	if (json_is_null(root)) {
		rc = 0;
		goto out;
	}
	if (!json_is_object(root)) {
		body_err(err, errlen, "body: JSON top level must be an object");
		goto out;
	}
	json_t *obj = unwrap(root, elem);
	if (obj != root)
		items--;
	if (max_fields && items > max_fields) {
		body_err(err, errlen, "body: more than %zu fields", max_fields);
		goto out;
	}
	rc = body_json_fields(obj, a, out, err, errlen);
out:
	json_decref(root);
	return rc;
}

int body_json_load(const char *data, size_t len, struct json_t **out, char *err, size_t errlen)
{
	*out = NULL;
	if (body_bytes(&data, &len, err, errlen) < 0)
		return -1;
	size_t items;
	if (json_scan(data, len, 0, &items, err, errlen) < 0)
		return -1;
	json_error_t je;
	json_t *j = json_loadb(data, len, JSON_DECODE_ANY, &je);
	if (!j) {
		json_fail(data, len, &je, err, errlen);
		return -1;
	}
	*out = j;
	return 0;
}

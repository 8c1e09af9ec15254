/* JSON writer: compact, every scalar a string, "@total" first, one element as an object
 * (SPEC §2.4). */
#include <string.h>

#include "codec/codec.h"
#include "util/buf.h"

/* The longest a JSON string of n bytes can be escaped to: \u00XX for each, and the quotes. */
#define JSON_STR_MAX(n) (6 * (n) + 2)

/* Bytes a JSON string must escape: control characters, the quote and the backslash. */
static const unsigned char needs_escape[256] = {
    [0 ... 0x1f] = 1,
    ['"'] = 1,
    ['\\'] = 1,
};

/* Writes s (n bytes) as a JSON string at p; returns the end. p has JSON_STR_MAX(n) bytes.
 * Runs that need no escape are copied whole. */
static char *str_at(char *p, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	*p++ = '"';
	size_t i = 0;
	while (i < n) {
		size_t run = i;
		while (run < n && !needs_escape[(unsigned char)s[run]])
			run++;
		memcpy(p, s + i, run - i);
		p += run - i;
		if ((i = run) == n)
			break;
		unsigned char c = (unsigned char)s[i++];
		*p++ = '\\';
		switch (c) {
		case '"':
			*p++ = '"';
			break;
		case '\\':
			*p++ = '\\';
			break;
		case '\n':
			*p++ = 'n';
			break;
		case '\r':
			*p++ = 'r';
			break;
		case '\t':
			*p++ = 't';
			break;
		default:
			*p++ = 'u';
			*p++ = '0';
			*p++ = '0';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p++ = '"';
	return p;
}

void codec_json_str(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	char *p = buf_reserve(b, JSON_STR_MAX(n));
	if (p)
		buf_advance(b, (size_t)(str_at(p, s, n) - p));
}

/* Each member is written in place, with room reserved once for its worst case. */
static void object(struct buf *b, const struct resource *r, const struct obj *o)
{
	int first = 1;
	buf_putc(b, '{');
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		const char *v = o->v[i];
		if (!v || f->acc == A_IN || (f->flags & F_NOOUT))
			continue;
		size_t nl = strlen(f->name), vl = strlen(v);
		char *p = buf_reserve(b, nl + 4 + JSON_STR_MAX(vl)), *at = p;
		if (!p)
			return;
		if (!first)
			*at++ = ',';
		first = 0;
		*at++ = '"';
		memcpy(at, f->name, nl);
		at += nl;
		*at++ = '"';
		*at++ = ':';
		at = str_at(at, v, vl);
		buf_advance(b, (size_t)(at - p));
	}
	buf_putc(b, '}');
}

void codec_json_obj(struct buf *b, const struct resource *r, const struct obj *o)
{
	object(b, r, o);
}

void codec_json_coll_begin(struct buf *b, const struct resource *r, long total, long n)
{
	buf_printf(b, "{\"@total\":\"%ld\"", total);
	if (n)
		buf_printf(b, ",\"%s\":%s", r->elem, n > 1 ? "[" : "");
}

void codec_json_coll_item(struct buf *b, const struct resource *r, const struct obj *o, long i)
{
	if (i)
		buf_putc(b, ',');
	object(b, r, o);
}

void codec_json_coll_end(struct buf *b, long n)
{
	buf_puts(b, n > 1 ? "]}" : "}");
}

void codec_json_error(struct buf *b, const char *code, const char *msg)
{
	buf_puts(b, "{\"errors\":{\"code\":");
	codec_json_str(b, code);
	buf_puts(b, ",\"message\":");
	codec_json_str(b, msg);
	buf_puts(b, "}}");
}

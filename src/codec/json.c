/* JSON writer: compact, every scalar a string, "@total" first, one element as an object
 * (SPEC §2.4). */
#include <string.h>

#include "codec/codec.h"
#include "util/buf.h"

void codec_json_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	buf_putc(b, '"');
	const char *run = s;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_put(b, run, (size_t)(s - run));
		run = s + 1;
		switch (c) {
		case '"':
			buf_puts(b, "\\\"");
			break;
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		case '\r':
			buf_puts(b, "\\r");
			break;
		case '\t':
			buf_puts(b, "\\t");
			break;
		default: {
			char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
			buf_puts(b, u);
		}
		}
	}
	buf_put(b, run, (size_t)(s - run));
	buf_putc(b, '"');
}

static void object(struct buf *b, const struct resource *r, const struct obj *o)
{
	int first = 1;
	buf_putc(b, '{');
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		if (!o->v[i] || f->acc == A_IN || (f->flags & F_NOOUT))
			continue;
		if (!first)
			buf_putc(b, ',');
		first = 0;
		buf_putc(b, '"');
		buf_puts(b, f->name);
		buf_puts(b, "\":");
		codec_json_str(b, o->v[i]);
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

/* XML writer: compact, declaration first, & < > escaped (SPEC §2.4). */
#include <string.h>

#include "codec/codec.h"
#include "util/buf.h"

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"

void codec_xml_text(struct buf *b, const char *s)
{
	const char *run = s;
	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		default:
			continue;
		}
		buf_put(b, run, (size_t)(s - run));
		buf_puts(b, rep);
		run = s + 1;
	}
	buf_put(b, run, (size_t)(s - run));
}

static void tag(struct buf *b, const char *open, const char *name, const char *close)
{
	buf_puts(b, open);
	buf_puts(b, name);
	buf_puts(b, close);
}

/* Writes <name>escaped text</name> (or <name/> when empty) in place, with room reserved once
 * for its worst case (&amp; for every byte). */
static void put_field(struct buf *b, const char *name, const char *v)
{
	size_t nl = strlen(name), vl = strlen(v);
	char *p = buf_reserve(b, 2 * nl + 5 + 5 * vl), *at = p;
	if (!p)
		return;
	*at++ = '<';
	memcpy(at, name, nl);
	at += nl;
	if (!vl) {
		*at++ = '/';
		*at++ = '>';
		buf_advance(b, (size_t)(at - p));
		return;
	}
	*at++ = '>';
	for (size_t i = 0; i < vl;) {
		size_t run = i; /* a run that needs no escape is copied whole */
		while (run < vl && v[run] != '&' && v[run] != '<' && v[run] != '>')
			run++;
		memcpy(at, v + i, run - i);
		at += run - i;
		if ((i = run) == vl)
			break;
		const char *rep = v[i] == '&' ? "&amp;" : v[i] == '<' ? "&lt;" : "&gt;";
		size_t rl = strlen(rep);
		memcpy(at, rep, rl);
		at += rl;
		i++;
	}
	*at++ = '<';
	*at++ = '/';
	memcpy(at, name, nl);
	at += nl;
	*at++ = '>';
	buf_advance(b, (size_t)(at - p));
}

/* Writes the element and its fields without the declaration. */
static void element(struct buf *b, const struct resource *r, const struct obj *o)
{
	tag(b, "<", r->elem, ">");
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		const char *v = o->v[i];
		if (!v || f->acc == A_IN || (f->flags & F_NOOUT))
			continue;
		put_field(b, f->name, v);
	}
	tag(b, "</", r->elem, ">");
}

void codec_xml_obj(struct buf *b, const struct resource *r, const struct obj *o)
{
	buf_puts(b, XML_DECL);
	element(b, r, o);
}

void codec_xml_coll_begin(struct buf *b, const struct resource *r, long total, long n)
{
	buf_printf(b, XML_DECL "<%s total=\"%ld\"%s>", r->coll, total, n ? "" : "/");
}

void codec_xml_coll_item(struct buf *b, const struct resource *r, const struct obj *o)
{
	element(b, r, o);
}

void codec_xml_coll_end(struct buf *b, const struct resource *r, long n)
{
	if (n)
		tag(b, "</", r->coll, ">");
}

void codec_xml_error(struct buf *b, const char *code, const char *msg)
{
	buf_puts(b, XML_DECL "<ErrorDetails><errors><code>");
	codec_xml_text(b, code);
	buf_puts(b, "</code><message>");
	codec_xml_text(b, msg);
	buf_puts(b, "</message></errors></ErrorDetails>");
}

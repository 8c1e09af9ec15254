/* Chooses the XML or JSON writer; the format is decided once, by the router. */
#include "codec/codec.h"

void codec_xml_obj(struct buf *b, const struct resource *r, const struct obj *o);
void codec_xml_coll_begin(struct buf *b, const struct resource *r, long total, long n);
void codec_xml_coll_item(struct buf *b, const struct resource *r, const struct obj *o);
void codec_xml_coll_end(struct buf *b, const struct resource *r, long n);
void codec_xml_error(struct buf *b, const char *code, const char *msg);
void codec_json_obj(struct buf *b, const struct resource *r, const struct obj *o);
void codec_json_coll_begin(struct buf *b, const struct resource *r, long total, long n);
void codec_json_coll_item(struct buf *b, const struct resource *r, const struct obj *o, long i);
void codec_json_coll_end(struct buf *b, long n);
void codec_json_error(struct buf *b, const char *code, const char *msg);

void codec_obj(struct buf *b, enum fmt f, const struct resource *r, const struct obj *o)
{
	if (f == FMT_JSON)
		codec_json_obj(b, r, o);
	else
		codec_xml_obj(b, r, o);
}

void codec_coll_begin(struct buf *b, enum fmt f, const struct resource *r, long total, long n)
{
	if (f == FMT_JSON)
		codec_json_coll_begin(b, r, total, n);
	else
		codec_xml_coll_begin(b, r, total, n);
}

void codec_coll_item(struct buf *b, enum fmt f, const struct resource *r, const struct obj *o,
		     long i, long n)
{
	(void)n;
	if (f == FMT_JSON)
		codec_json_coll_item(b, r, o, i);
	else
		codec_xml_coll_item(b, r, o);
}

void codec_coll_end(struct buf *b, enum fmt f, const struct resource *r, long total, long n)
{
	(void)total;
	if (f == FMT_JSON)
		codec_json_coll_end(b, n);
	else
		codec_xml_coll_end(b, r, n);
}

void codec_error(struct buf *b, enum fmt f, const char *code, const char *msg)
{
	if (f == FMT_JSON)
		codec_json_error(b, code, msg);
	else
		codec_xml_error(b, code, msg);
}

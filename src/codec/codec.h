/* Response writers: generic walkers over a resource's field table, in XML or JSON, exactly
 * as SPEC §2.4 renders them. */
#pragma once
#include "codec/body.h"
#include "model/model.h"

struct buf;

/* A single object: <Elem>...</Elem> or {...}. Fields are written in table order; NULL values
 * and never-written fields (A_IN, F_NOOUT) are omitted. */
void codec_obj(struct buf *b, enum fmt f, const struct resource *r, const struct obj *o);
/* A collection of n elements on this page out of total matches: call begin, then item for
 * i = 0..n-1, then end. */
void codec_coll_begin(struct buf *b, enum fmt f, const struct resource *r, long total, long n);
void codec_coll_item(struct buf *b, enum fmt f, const struct resource *r, const struct obj *o,
		     long i, long n);
void codec_coll_end(struct buf *b, enum fmt f, const struct resource *r, long total, long n);
/* An ErrorDetails body with one error (SPEC §2.5). */
void codec_error(struct buf *b, enum fmt f, const char *code, const char *msg);
/* JSON string escaping for the JSON writer and /cupid bodies: writes "s" with quotes. */
void codec_json_str(struct buf *b, const char *s);
/* XML text escaping (&, <, >). */
void codec_xml_text(struct buf *b, const char *s);

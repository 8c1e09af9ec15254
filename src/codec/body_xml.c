/* XML request bodies -> flat field list (SPEC §2.6), on libxml2's SAX interface: no tree is
 * built, and a hostile body is stopped at the first element past a limit. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "codec/body.h"
#include "util/arena.h"

/* From body.c, shared between the body*.c files only. */
const char *body_value(struct arena *a, const char *s, size_t n);
void body_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int body_xml_parse(const char *p, size_t n, size_t max_fields, struct arena *a, struct body *out,
		   char *err, size_t errlen);

#define MAX_DEPTH   32 /* SPEC §2.6; the root element is level 1 */
#define STR_(x)	    #x
#define STR(x)	    STR_(x)
#define TEXT_INLINE 256
#define FIELDS_MIN  16

/* NONET: nothing is fetched even if a DTD slipped through; IGNORE_ENC: bodies are UTF-8 whatever
 * the XML declaration says. Never NOENT or DTDLOAD: entities are not expanded or loaded. */
#define XML_OPTS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC)

struct sax {
	xmlParserCtxtPtr ctxt;
	struct arena *a;
	struct body *out;
	size_t cap;	   /* slots in out->f */
	size_t max_fields; /* 0 = unbounded */
	size_t count;	   /* elements below the root so far */
	int depth;	   /* of the element being read; root = 1 */
	int complex;	   /* the open field (depth 2) holds a child element */
	int failed;	   /* our own error is already in err */
	char *err;
	size_t errlen;
	/* Text of the open field, possibly delivered in several pieces (entities, CDATA). */
	char *text;
	size_t tlen, tcap;
	char text_inline[TEXT_INLINE];
	/* The most severe libxml2 message, reported if the document turns out not well-formed. */
	int xlevel, xline;
	char xmsg[200];
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
	xmlInitParser();
}

static void fail(struct sax *st, const char *msg)
{
	if (st->failed)
		return;
	st->failed = 1;
	body_err(st->err, st->errlen, "%s", msg);
	xmlStopParser(st->ctxt);
}

/* Appends a field named prefix:local (namespaces are not interpreted, SPEC §2.6: the name is
 * the qualified name as written). The array grows by doubling in the arena. */
static int push_field(struct sax *st, const char *prefix, const char *local, const char *value,
		      int complex)
{
	struct body *b = st->out;
	if (b->n == st->cap) {
		size_t ncap = st->cap ? st->cap * 2 : FIELDS_MIN;
		struct body_field *nf = arena_alloc(st->a, ncap * sizeof(*nf));
		if (!nf)
			return -1;
		if (b->n)
			memcpy(nf, b->f, b->n * sizeof(*nf));
		b->f = nf;
		st->cap = ncap;
	}
	size_t pl = prefix ? strlen(prefix) : 0, ll = strlen(local);
	char *nm = arena_alloc(st->a, pl + 1 + ll + 1);
	if (!nm)
		return -1;
	char *w = nm;
	if (prefix) {
		memcpy(w, prefix, pl);
		w += pl;
		*w++ = ':';
	}
	memcpy(w, local, ll + 1);
	b->f[b->n++] = (struct body_field){.name = nm, .value = value, .complex = complex};
	return 0;
}

static void on_start(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
		     int nb_ns, const xmlChar **ns, int nb_attr, int nb_def, const xmlChar **attr)
{
	struct sax *st = ud;
	/* Names are taken at the end tag; attributes and namespace declarations are ignored
	 * (SPEC §2.6). */
	(void)local, (void)prefix, (void)uri, (void)nb_ns, (void)ns, (void)nb_attr, (void)nb_def,
	    (void)attr;
	if (st->failed)
		return;
	if (++st->depth > MAX_DEPTH) {
		fail(st, "body: nesting deeper than " STR(MAX_DEPTH) " levels");
		return;
	}
	if (st->depth == 1)
		return;
	if (st->max_fields && ++st->count > st->max_fields) {
		char msg[64];
		snprintf(msg, sizeof(msg), "body: more than %zu fields", st->max_fields);
		fail(st, msg);
		return;
	}
	if (st->depth == 2) {
		st->tlen = 0;
		st->complex = 0;
	} else {
		st->complex = 1;
	}
}

/* The name comes again with the end tag, still in the parser's dictionary, so it is copied
 * only here, once the field is complete. */
static void on_end(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct sax *st = ud;
	(void)uri;
	if (st->failed)
		return;
	if (st->depth == 2) {
		const char *v = st->complex ? "" : body_value(st->a, st->text, st->tlen);
		if (!v ||
		    push_field(st, (const char *)prefix, (const char *)local, v, st->complex) < 0) {
			fail(st, "body too large");
			return;
		}
	}
	st->depth--;
}

/* Text and CDATA alike; only a field's own text is kept, whitespace between fields and text
 * deeper down (the field is then complex anyway) is dropped. */
static void on_text(void *ud, const xmlChar *s, int len)
{
	struct sax *st = ud;
	if (st->failed || st->depth != 2 || st->complex || len <= 0)
		return;
	size_t n = (size_t)len;
	if (n > st->tcap - st->tlen) {
		size_t ncap = st->tcap * 2 > st->tlen + n ? st->tcap * 2 : st->tlen + n;
		char *nt = arena_alloc(st->a, ncap);
		if (!nt) {
			fail(st, "body too large");
			return;
		}
		memcpy(nt, st->text, st->tlen);
		st->text = nt;
		st->tcap = ncap;
	}
	memcpy(st->text + st->tlen, s, n);
	st->tlen += n;
}

/* Second line of defence: body_xml_parse rejects "<!DOCTYPE" before parsing. */
static void on_doctype(void *ud, const xmlChar *name, const xmlChar *ext_id, const xmlChar *sys_id)
{
	(void)name;
	(void)ext_id;
	(void)sys_id;
	fail(ud, "body: DOCTYPE is not allowed");
}

/* Per-parser structured handler: libxml2 prints nothing, and no global state is touched, so
 * request threads can parse at once. Keeps the most severe message (the first of its level). */
static void on_error(void *ud, xmlErrorPtr e)
{
	struct sax *st = ud;
	if (!e || (int)e->level <= st->xlevel)
		return;
	st->xlevel = (int)e->level;
	st->xline = e->line;
	snprintf(st->xmsg, sizeof(st->xmsg), "%s", e->message ? e->message : "parse error");
	size_t n = strlen(st->xmsg);
	while (n && (st->xmsg[n - 1] == '\n' || st->xmsg[n - 1] == ' '))
		st->xmsg[--n] = 0;
}

/* SAX2 (the magic also routes errors to serror). An undeclared prefix is only a namespace
 * error, which leaves the document well-formed, and the callbacks still get prefix and local
 * name. No getEntity/entityDecl/resolveEntity: only the five predefined entities and character
 * references can ever resolve; comments and processing instructions have no callback. */
static const xmlSAXHandler sax_template = {
    .internalSubset = on_doctype,
    .externalSubset = on_doctype,
    .characters = on_text,
    .ignorableWhitespace = on_text,
    .cdataBlock = on_text,
    .initialized = XML_SAX2_MAGIC,
    .startElementNs = on_start,
    .endElementNs = on_end,
    .serror = on_error,
};

/* "<!DOCTYPE" anywhere in the bytes, in any letter case (SPEC §2.6 says anywhere). */
static int has_doctype(const char *p, size_t n)
{
	const char *end = p + n;
	while ((p = memchr(p, '<', (size_t)(end - p))) && end - p >= 9) {
		if (p[1] == '!' && !strncasecmp(p + 2, "DOCTYPE", 7))
			return 1;
		p++;
	}
	return 0;
}

/* Parses p[0..n) (already BOM-stripped, valid UTF-8, no NUL, not blank) into out.
 * Returns 0, or -1 with err. */
int body_xml_parse(const char *p, size_t n, size_t max_fields, struct arena *a, struct body *out,
		   char *err, size_t errlen)
{
	if (has_doctype(p, n)) {
		body_err(err, errlen, "body: DOCTYPE is not allowed");
		return -1;
	}
	if (n > INT_MAX) {
		body_err(err, errlen, "body too large");
		return -1;
	}
	pthread_once(&init_once, init_libxml);

	struct sax st = {
	    .a = a, .out = out, .max_fields = max_fields, .err = err, .errlen = errlen};
	st.text = st.text_inline;
	st.tcap = sizeof(st.text_inline);

	xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(p, (int)n);
	if (!ctxt) {
		body_err(err, errlen, "body: out of memory parsing XML");
		return -1;
	}
	xmlCtxtUseOptions(ctxt, XML_OPTS);
	/* Declaring the encoding turns off libxml2's own sniffing (which would, e.g., skip a
	 * second BOM); the bytes are already known to be UTF-8. */
	ctxt->encoding = xmlStrdup(BAD_CAST "UTF-8");
	/* The context owns its (default) handler; overwrite it rather than swap pointers, so
	 * xmlFreeParserCtxt frees what it allocated. Done after xmlCtxtUseOptions, which edits
	 * the handler in place. */
	*ctxt->sax = sax_template;
	ctxt->userData = &st;
	st.ctxt = ctxt;

	xmlParseDocument(ctxt);
	int well_formed = ctxt->wellFormed;
	xmlFreeParserCtxt(ctxt);

	if (st.failed)
		return -1;
	if (!well_formed) {
		if (st.xlevel)
			body_err(err, errlen, "body is not well-formed XML: line %d: %s", st.xline,
				 st.xmsg);
		else
			body_err(err, errlen, "body is not well-formed XML");
		return -1;
	}
	return 0;
}

/* Strict HTTP/1.1 request parsing (RFC 9112): request line, header fields, body framing and
 * the chunked coding. Everything is checked byte by byte: a NUL, a control byte, a bare CR, an
 * obs-fold or a framing that two readers could read differently is refused, never skipped. */
#include "http/parse.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* RFC 9110 §5.6.2 tchar */
static bool tchar(unsigned char c)
{
	static const char extra[] = "!#$%&'*+-.^_`|~";
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
	       (c && strchr(extra, c));
}

/* A byte of a request target: visible ASCII, or a byte of a (raw) UTF-8 sequence. */
static bool target_byte(unsigned char c)
{
	return (c > 0x20 && c < 0x7f) || c >= 0x80;
}

size_t http_head_end(const char *buf, size_t len, size_t *skip, size_t *pos)
{
	size_t i = 0;
	for (;;) {
		if (i < len && buf[i] == '\n')
			i++;
		else if (i + 1 < len && buf[i] == '\r' && buf[i + 1] == '\n')
			i += 2;
		else
			break;
	}
	*skip = i;
	if (i == len || (i + 1 == len && buf[i] == '\r'))
		return 0;
	size_t p = *pos > i ? *pos : i;
	while (p < len) {
		const char *nl = memchr(buf + p, '\n', len - p);
		if (!nl)
			break;
		size_t at = (size_t)(nl - buf);
		if (at + 1 >= len || (buf[at + 1] == '\r' && at + 2 >= len)) {
			*pos = at; /* look again when the next bytes are in */
			return 0;
		}
		if (buf[at + 1] == '\n')
			return at + 2;
		if (buf[at + 1] == '\r' && buf[at + 2] == '\n')
			return at + 3;
		p = at + 1;
	}
	*pos = len;
	return 0;
}

static int add_header(struct http_head *hd, const char *name, const char *value)
{
	if (hd->nh == hd->cap) {
		size_t cap = hd->cap ? 2 * hd->cap : 32;
		struct http_hdr *h = realloc(hd->h, cap * sizeof(*h));
		if (!h)
			return -1;
		hd->h = h;
		hd->cap = cap;
	}
	hd->h[hd->nh++] = (struct http_hdr){name, value};
	return 0;
}

int http_parse_head(char *buf, size_t n, struct http_head *hd, const char **why)
{
	char *p = buf, *end = buf + n;
	hd->nh = 0;
	char *le = memchr(p, '\n', n);
	if (!le) {
		*why = "the request head does not end";
		return 400;
	}
	char *ce = le > p && le[-1] == '\r' ? le - 1 : le;
	/* method SP request-target SP HTTP-version */
	hd->method = p;
	while (p < ce && tchar((unsigned char)*p))
		p++;
	if (p == hd->method || p == ce || *p != ' ') {
		*why = "the request line is not METHOD SP target SP HTTP-version";
		return 400;
	}
	*p++ = 0;
	hd->target = p;
	while (p < ce && target_byte((unsigned char)*p))
		p++;
	if (p == hd->target || p == ce || *p != ' ') {
		*why = p < ce && *p != ' ' ? "the request target holds a control byte"
					   : "the request line is not METHOD SP target SP HTTP-version";
		return 400;
	}
	*p++ = 0;
	if (ce - p != 8 || memcmp(p, "HTTP/", 5) || p[5] < '0' || p[5] > '9' || p[6] != '.' ||
	    p[7] < '0' || p[7] > '9') {
		*why = "the request line does not end with an HTTP version";
		return 400;
	}
	if (p[5] != '1' || p[7] > '1') {
		*why = "only HTTP/1.1 and HTTP/1.0 are served";
		return 505;
	}
	hd->minor = p[7] - '0';
	/* header fields, up to the empty line */
	for (p = le + 1; p < end; p = le + 1) {
		le = memchr(p, '\n', (size_t)(end - p));
		if (!le)
			break;
		ce = le > p && le[-1] == '\r' ? le - 1 : le;
		if (ce == p)
			return 0;
		if (*p == ' ' || *p == '\t') {
			*why = "a header line is folded (obs-fold)";
			return 400;
		}
		char *name = p;
		while (p < ce && tchar((unsigned char)*p))
			p++;
		if (p == name || p == ce || *p != ':') {
			*why = p == name ? "a header line has no name"
					 : "a header line is not name:value (a byte not allowed in the "
					   "name, a space before the colon, or no colon)";
			return 400;
		}
		*p++ = 0;
		while (p < ce && (*p == ' ' || *p == '\t'))
			p++;
		char *value = p, *q = p;
		for (; q < ce; q++) {
			unsigned char c = (unsigned char)*q;
			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				*why = "a header value holds a control byte";
				return 400;
			}
		}
		while (q > value && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		*q = 0;
		if (add_header(hd, name, value)) {
			*why = "out of memory";
			return 500;
		}
	}
	*why = "the request head does not end";
	return 400;
}

const char *http_header(const struct http_head *hd, const char *name)
{
	for (size_t i = 0; i < hd->nh; i++)
		if (!strcasecmp(hd->h[i].name, name))
			return hd->h[i].value;
	return NULL;
}

/* Calls each(ctx, element, length) for the non-empty elements of a comma-separated list,
 * without their surrounding whitespace; stops at a non-zero return and passes it on. */
static int each_element(const char *list, int (*each)(void *, const char *, size_t), void *ctx)
{
	for (const char *p = list;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *e = p;
		while (*e && *e != ',')
			e++;
		const char *t = e;
		while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		if (t > p) {
			int rc = each(ctx, p, (size_t)(t - p));
			if (rc)
				return rc;
		}
		if (!*e)
			return 0;
		p = e + 1;
	}
}

struct token_ctx {
	const char *token;
	size_t len;
};

static int is_token(void *ctx, const char *e, size_t n)
{
	struct token_ctx *t = ctx;
	return n == t->len && !strncasecmp(e, t->token, n);
}

bool http_has_token(const char *list, const char *token)
{
	struct token_ctx t = {token, strlen(token)};
	return list && each_element(list, is_token, &t) == 1;
}

struct length_ctx {
	bool seen;
	unsigned long long n;
};

/* One element of Content-Length: 1*DIGIT, the same as every other. 1: malformed, 2: differs. */
static int length_element(void *ctx, const char *e, size_t len)
{
	struct length_ctx *l = ctx;
	unsigned long long n = 0;
	for (size_t i = 0; i < len; i++) {
		if (e[i] < '0' || e[i] > '9')
			return 1;
		unsigned d = (unsigned)(e[i] - '0');
		n = n > (~0ULL - d) / 10 ? ~0ULL : n * 10 + d; /* saturates: "too large" */
	}
	if (l->seen && l->n != n)
		return 2;
	l->seen = true;
	l->n = n;
	return 0;
}

struct coding_ctx {
	int chunked, other;
};

static int coding_element(void *ctx, const char *e, size_t n)
{
	struct coding_ctx *c = ctx;
	if (n == 7 && !strncasecmp(e, "chunked", 7))
		c->chunked++;
	else
		c->other++;
	return 0;
}

int http_framing(const struct http_head *hd, bool *chunked, unsigned long long *length,
		 const char **why)
{
	struct length_ctx l = {0};
	struct coding_ctx c = {0};
	bool te = false;
	*chunked = false;
	*length = 0;
	for (size_t i = 0; i < hd->nh; i++) {
		const char *name = hd->h[i].name, *v = hd->h[i].value;
		if (!strcasecmp(name, "Content-Length")) {
			int rc = *v ? each_element(v, length_element, &l) : 1;
			if (rc || !l.seen) {
				*why = rc == 2 ? "Content-Length is given twice with different values"
					       : "Content-Length is not a decimal number";
				return 400;
			}
		} else if (!strcasecmp(name, "Transfer-Encoding")) {
			te = true;
			each_element(v, coding_element, &c);
		}
	}
	if (te && l.seen) {
		*why = "a request may not have both Content-Length and Transfer-Encoding";
		return 400;
	}
	if (te && hd->minor == 0) {
		*why = "Transfer-Encoding is not defined in HTTP/1.0";
		return 400;
	}
	if (te && (c.chunked != 1 || c.other)) {
		*why = "only Transfer-Encoding: chunked is supported";
		return 400;
	}
	*chunked = te;
	*length = l.n;
	return 0;
}

enum {
	CS_SIZE,
	CS_EXT,
	CS_EXT_LF,
	CS_DATA,
	CS_DATA_CR,
	CS_DATA_LF,
	CS_TRAILER_START,
	CS_TRAILER,
	CS_END_LF
};

#define EXT_MAX 4096 /* bytes of chunk extensions on one size line */

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The size line ended: the data of the chunk follows, or the trailers after the last one. */
static int size_done(struct http_chunked *st, size_t max, const char **why)
{
	if (!st->left) {
		st->state = CS_TRAILER_START;
		return 0;
	}
	if (st->left > max || st->total + st->left > max) {
		*why = "the body is too large";
		return 413;
	}
	st->state = CS_DATA;
	return 0;
}

int http_chunked_step(struct http_chunked *st, char *buf, size_t *dec, size_t *scan, size_t len,
		      size_t max, const char **why)
{
	while (*scan < len) {
		unsigned char c = (unsigned char)buf[*scan];
		int rc;
		switch (st->state) {
		case CS_SIZE: {
			int v = hexval(c);
			if (v >= 0) {
				if (st->line >= 16) {
					*why = "the chunk size is too large";
					return 413;
				}
				st->left = st->left * 16 + (unsigned)v;
				st->line++;
				(*scan)++;
			} else if (st->line && (c == ';' || c == ' ' || c == '\t' || c == '\r' ||
						c == '\n')) {
				st->state = CS_EXT;
				st->line = 0;
			} else {
				*why = "a chunk size is not a hexadecimal number";
				return 400;
			}
			break;
		}
		case CS_EXT:
			(*scan)++;
			if (c == '\n' || c == '\r') {
				if (c == '\r') {
					st->state = CS_EXT_LF;
					break;
				}
				if ((rc = size_done(st, max, why)))
					return rc;
			} else if ((c < 0x20 && c != '\t') || c == 0x7f || ++st->line > EXT_MAX) {
				*why = "a chunk extension is malformed";
				return 400;
			}
			break;
		case CS_EXT_LF:
			if (c != '\n') {
				*why = "a chunk size line has a bare CR";
				return 400;
			}
			(*scan)++;
			if ((rc = size_done(st, max, why)))
				return rc;
			break;
		case CS_DATA: {
			size_t n = len - *scan;
			if (n > st->left)
				n = (size_t)st->left;
			memmove(buf + *dec, buf + *scan, n);
			*dec += n;
			*scan += n;
			st->left -= n;
			st->total += n;
			if (!st->left)
				st->state = CS_DATA_CR;
			break;
		}
		case CS_DATA_CR:
		case CS_DATA_LF:
			if (c == '\r' && st->state == CS_DATA_CR) {
				st->state = CS_DATA_LF;
			} else if (c == '\n') {
				st->state = CS_SIZE;
				st->line = 0;
				st->left = 0;
			} else {
				*why = "chunk data is not followed by CRLF";
				return 400;
			}
			(*scan)++;
			break;
		case CS_TRAILER_START:
			(*scan)++;
			if (c == '\n')
				return 1;
			if (c == '\r') {
				st->state = CS_END_LF;
			} else {
				st->state = CS_TRAILER;
				st->line = 1;
			}
			break;
		case CS_END_LF:
			if (c != '\n') {
				*why = "the chunked body ends with a bare CR";
				return 400;
			}
			(*scan)++;
			return 1;
		case CS_TRAILER:
			(*scan)++;
			if (c == '\n') {
				st->state = CS_TRAILER_START;
			} else if (c == 0 || ++st->line > HTTP_HEAD_MAX) {
				*why = "a trailer line is malformed";
				return 400;
			}
			break;
		}
	}
	return 0;
}

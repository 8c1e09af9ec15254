/* HTTP/1.1 request heads and chunked bodies (RFC 9112), parsed strictly and in place: what
 * cannot be read exactly is refused, so that nothing downstream ever sees a truncated path,
 * header value or credential. No I/O here. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define HTTP_HEAD_MAX (16 * 1024) /* larger request heads are refused (SPEC §2.1) */

struct http_hdr {
	const char *name, *value; /* NUL-terminated in the parsed buffer; no NUL or CTL inside */
};

struct http_head {
	const char *method, *target;
	int minor; /* HTTP/1.<minor>: 0 or 1 */
	struct http_hdr *h;
	size_t nh, cap; /* h grows with realloc; the caller frees it */
};

/* Where the head at the start of buf[0..len) ends (through its empty line), or 0 when it is
 * not complete yet. Leading empty lines, which RFC 9112 §2.2 lets a server ignore, are counted
 * into *skip. Lines may end with CRLF or LF. *pos (0 for a new head) keeps where the search
 * stopped, so that a head trickled byte by byte is not scanned again from its start. */
size_t http_head_end(const char *buf, size_t len, size_t *skip, size_t *pos);

/* Parses the head buf[0..n) (as measured by http_head_end, without the leading empty lines)
 * in place: it NUL-terminates the method, the target and every header name and value, the
 * values without their surrounding whitespace. Returns 0, or the status to refuse the
 * request with (400, 505, or 500 when out of memory), with a one-line reason in *why. */
int http_parse_head(char *buf, size_t n, struct http_head *hd, const char **why);

/* The first value of the header named name (case-insensitive), or NULL. */
const char *http_header(const struct http_head *hd, const char *name);

/* The request's body framing, from Content-Length and Transfer-Encoding (RFC 9112 §6):
 * 0 with *chunked or *length set (*length may exceed max: the caller answers 413), or the
 * status to refuse it with (400), with a reason in *why. */
int http_framing(const struct http_head *hd, bool *chunked, unsigned long long *length,
		 const char **why);

/* True when the comma-separated header value list holds token (case-insensitive). */
bool http_has_token(const char *list, const char *token);

/* A chunked body decoded in place, as its bytes arrive. */
struct http_chunked {
	int state;
	unsigned long long left; /* data bytes left in the current chunk */
	size_t line;             /* bytes of the current size or trailer line */
	size_t total;            /* decoded bytes so far */
};

/* Decodes the raw bytes buf[*scan..len) into buf[*dec..], where *dec <= *scan. Returns 1 when
 * the last chunk and its trailers have been read (*scan is then the first byte after the
 * body), 0 when more bytes are needed, 413 as soon as the decoded body would pass max, or
 * 400 for a malformed chunk (reason in *why). */
int http_chunked_step(struct http_chunked *st, char *buf, size_t *dec, size_t *scan, size_t len,
		      size_t max, const char **why);

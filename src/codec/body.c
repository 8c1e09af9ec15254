/* Request bodies, the part both formats share (SPEC §2.6): byte-level checks (BOM, UTF-8, NUL),
 * the empty-body rule, value trimming, and dispatch to body_xml.c / body_json.c. */
#include "codec/body.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/arena.h"

/* Shared between the body*.c files only (body.h is the public contract and stays as it is). */
int body_bytes(const char **data, size_t *len, char *err, size_t errlen);
const char *body_value(struct arena *a, const char *s, size_t n);
void body_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int body_xml_parse(const char *p, size_t n, size_t max_fields, struct arena *a, struct body *out,
		   char *err, size_t errlen);
int body_json_parse(const char *p, size_t n, const char *elem, size_t max_fields, struct arena *a,
		    struct body *out, char *err, size_t errlen);

/* Writes a one-line message into err (which may be NULL when errlen is 0). */
void body_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	/* Messages quoted from libraries may carry newlines; the contract is one line. */
	for (char *c = err; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
}

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Returns the offset of the first byte that starts an invalid UTF-8 sequence or is NUL, or n.
 * *nul tells which. Strict RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF. */
static size_t utf8_scan(const unsigned char *s, size_t n, int *nul)
{
	const uint64_t hi = 0x8080808080808080ull, lo = 0x0101010101010101ull;
	size_t i = 0;
	*nul = 0;
	while (i < n) {
		/* Bodies are mostly ASCII: take 8 bytes at a time while none is NUL or >= 0x80. */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if ((w & hi) || ((w - lo) & ~w & hi))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned char c = s[i];
		if (c < 0x80) {
			if (c == 0) {
				*nul = 1;
				return i;
			}
			i++;
			continue;
		}
		size_t need;
		unsigned char lo2 = 0x80, hi2 = 0xBF; /* range of the second byte */
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo2 = 0xA0; /* overlong */
			else if (c == 0xED)
				hi2 = 0x9F; /* UTF-16 surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo2 = 0x90; /* overlong */
			else if (c == 0xF4)
				hi2 = 0x8F; /* past U+10FFFF */
		} else {
			return i; /* continuation byte, C0/C1 overlong lead, or F5..FF */
		}
		if (n - i <= need || s[i + 1] < lo2 || s[i + 1] > hi2)
			return i;
		for (size_t k = 2; k <= need; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
		i += need + 1;
	}
	return n;
}

/* Skips a leading BOM in place and rejects invalid UTF-8 and NUL bytes.
 * Returns 0, or -1 with err. */
int body_bytes(const char **data, size_t *len, char *err, size_t errlen)
{
	const char *p = *data;
	size_t n = *len;
	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
		p += 3;
		n -= 3;
	}
	int nul;
	size_t bad = utf8_scan((const unsigned char *)p, n, &nul);
	if (bad < n) {
		if (nul)
			body_err(err, errlen, "body: NUL character at byte %zu is not allowed",
				 bad);
		else
			body_err(err, errlen, "body: invalid UTF-8 at byte %zu", bad);
		return -1;
	}
	*data = p;
	*len = n;
	return 0;
}

/* Returns s[0..n) trimmed of space, tab, CR and LF, copied into a (a static "" when empty, so
 * the common empty value costs nothing); NULL when the arena is full. */
const char *body_value(struct arena *a, const char *s, size_t n)
{
	while (n && is_ws((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && is_ws((unsigned char)s[n - 1]))
		n--;
	if (!n)
		return "";
	return arena_strndup(a, s, n);
}

int body_parse(enum fmt fmt, const char *data, size_t len, const char *elem, size_t max_fields,
	       struct arena *a, struct body *out, char *err, size_t errlen)
{
	out->f = NULL;
	out->n = 0;
	if (body_bytes(&data, &len, err, errlen) < 0)
		return -1;
	size_t i = 0;
	while (i < len && is_ws((unsigned char)data[i]))
		i++;
	if (i == len)
		return 0;
	int rc = -1;
	switch (fmt) {
	case FMT_XML:
		rc = body_xml_parse(data, len, max_fields, a, out, err, errlen);
		break;
	case FMT_JSON:
		rc = body_json_parse(data, len, elem, max_fields, a, out, err, errlen);
		break;
	default:
		body_err(err, errlen, "body: unsupported format");
	}
	if (rc < 0) {
		/* A rejected body yields no fields, not the ones read before the error. */
		out->f = NULL;
		out->n = 0;
	}
	return rc;
}

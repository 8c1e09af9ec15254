/* The request journal: a ring of packed entries (one allocation each: the fixed part, then the
 * header pointers, then the strings) under one mutex. Recording copies; rendering happens
 * only when /cupid/requests is read. */
#include "api/journal.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "api/routes.h"
#include "util/buf.h"

#define HEADERS_MAX 100 /* headers kept per entry (the parser allows no more anyway) */

struct entry {
	long long id, time_ms;
	int status;
	long fault;
	size_t resp_bytes, body_len, body_total;
	bool truncated;
	double ms;
	size_t nh;
	const char *method, *path, *query, *request_id, *user, *body;
	const char **hn, **hv;
	char data[];
};

struct journal {
	pthread_mutex_t mu;
	long max, max_body;
	long long next_id;
	size_t head, n; /* the oldest entry, and how many */
	struct entry **ring;
};

struct journal *journal_new(long max, long max_body)
{
	struct journal *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->max = max > 0 ? max : 0;
	j->max_body = max_body > 0 ? max_body : 0;
	j->next_id = 1;
	if (j->max && !(j->ring = calloc((size_t)j->max, sizeof(*j->ring)))) {
		free(j);
		return NULL;
	}
	pthread_mutex_init(&j->mu, NULL);
	return j;
}

static void drop_all(struct journal *j)
{
	for (size_t i = 0; i < j->n; i++) {
		size_t k = (j->head + i) % (size_t)j->max;
		free(j->ring[k]);
		j->ring[k] = NULL;
	}
	j->head = j->n = 0;
}

void journal_free(struct journal *j)
{
	if (!j)
		return;
	drop_all(j);
	free(j->ring);
	pthread_mutex_destroy(&j->mu);
	free(j);
}

bool journal_on(const struct journal *j)
{
	return j && j->max > 0;
}

void journal_clear(struct journal *j)
{
	if (!journal_on(j))
		return;
	pthread_mutex_lock(&j->mu);
	drop_all(j);
	pthread_mutex_unlock(&j->mu);
}

/* --- redaction --------------------------------------------------------------------------- */

static bool name_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.' || c == ':';
}

/* The first place of word (lower case) in s (n bytes), in any letter case; NULL if none. */
static const char *find_ci(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);
	for (size_t i = 0; i + w <= n; i++)
		if ((s[i] | 0x20) == word[0] && !strncasecmp(s + i, word, w))
			return s + i;
	return NULL;
}

/* The value that belongs to the field name around p (an XML element or a JSON member), as
 * [*vs, *ve); false when p is not inside such a name. */
static bool value_at(const char *b, size_t n, const char *p, const char **vs, const char **ve)
{
	const char *end = b + n, *s = p, *e = p;
	while (s > b && name_char((unsigned char)s[-1]))
		s--;
	while (e < end && name_char((unsigned char)*e))
		e++;
	if (s > b && s[-1] == '<') { /* <AxlPassword ...>value</AxlPassword> */
		const char *gt = memchr(e, '>', (size_t)(end - e));
		if (!gt || gt[-1] == '/')
			return false;
		const char *lt = memchr(gt + 1, '<', (size_t)(end - gt - 1));
		*vs = gt + 1;
		*ve = lt ? lt : end;
		return true;
	}
	if (s > b && s[-1] == '"') { /* "Password" : "value" (or a bare token) */
		const char *q = memchr(e, '"', (size_t)(end - e));
		if (!q)
			return false;
		const char *v = q + 1;
		while (v < end && isspace((unsigned char)*v))
			v++;
		if (v >= end || *v != ':')
			return false;
		for (v++; v < end && isspace((unsigned char)*v); v++)
			;
		if (v < end && *v == '"') {
			const char *x = v + 1;
			while (x < end && *x != '"')
				x += *x == '\\' && x + 1 < end ? 2 : 1;
			*vs = v + 1;
			*ve = x < end ? x : end;
			return true;
		}
		const char *x = v;
		while (x < end && !strchr(",}] \t\r\n", *x))
			x++;
		*vs = v;
		*ve = x;
		return x > v;
	}
	return false;
}

void journal_redact(struct buf *out, const char *body, size_t n)
{
	const char *at = body, *end = body + n;
	while (at < end) {
		const char *p = find_ci(at, (size_t)(end - at), "password"), *vs, *ve;
		if (!p)
			break;
		if (value_at(body, n, p, &vs, &ve) && vs >= at) {
			buf_put(out, at, (size_t)(vs - at));
			if (ve > vs)
				buf_puts(out, "***");
			at = ve;
		} else {
			buf_put(out, at, (size_t)(p + 8 - at));
			at = p + 8;
		}
	}
	buf_put(out, at, (size_t)(end - at));
}

/* --- recording --------------------------------------------------------------------------- */

static char *put_str(char **at, const char *s, size_t n)
{
	char *d = *at;
	memcpy(d, s, n);
	d[n] = 0;
	*at += n + 1;
	return d;
}

static size_t slen(const char *s)
{
	return s ? strlen(s) : 0;
}

void journal_record(struct journal *j, const struct req *rq, const struct resp *rs, double secs)
{
	if (!journal_on(j) || (rq->route && (rq->route->flags & R_NOJOURNAL)))
		return;
	const char *hn[HEADERS_MAX], *hv[HEADERS_MAX];
	size_t nh = 0, strings = 0;
	for (size_t i = 0;
	     rq->header_at && nh < HEADERS_MAX && rq->header_at(rq->hctx, i, &hn[nh], &hv[nh]);
	     i++, nh++) {
		if (!strcasecmp(hn[nh], "Authorization") ||
		    !strcasecmp(hn[nh], "Proxy-Authorization"))
			hv[nh] = "[redacted]";
		strings += strlen(hn[nh]) + strlen(hv[nh]) + 2;
	}
	struct buf red = {0};
	const char *body = rq->body ? rq->body : "";
	size_t blen = rq->body ? rq->body_len : 0;
	if (blen && find_ci(body, blen, "password")) {
		journal_redact(&red, body, blen);
		if (!red.oom) {
			body = red.data ? red.data : "";
			blen = red.len;
		}
	}
	size_t keep = blen < (size_t)j->max_body ? blen : (size_t)j->max_body;
	const char *user = rq->user ? rq->user : "";
	strings += slen(rq->method_name) + slen(rq->path) + slen(rq->query) + slen(rq->request_id) +
		   strlen(user) + keep + 6;
	struct entry *e = malloc(sizeof(*e) + 2 * nh * sizeof(char *) + strings);
	if (!e) {
		buf_free(&red);
		return;
	}
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	*e = (struct entry){.time_ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000,
			    .status = rs->status,
			    .fault = rs->fault,
			    .resp_bytes =
				rq->method == M_HEAD || rs->status == 204 ? 0 : rs->body.len,
			    .body_len = keep,
			    .body_total = rq->body ? rq->body_len : 0,
			    .truncated = keep < blen,
			    .ms = secs * 1e3,
			    .nh = nh};
	e->hn = (const char **)(void *)e->data;
	e->hv = e->hn + nh;
	char *at = (char *)(e->hv + nh);
	e->method = put_str(&at, rq->method_name ? rq->method_name : "", slen(rq->method_name));
	e->path = put_str(&at, rq->path ? rq->path : "", slen(rq->path));
	e->query = rq->query ? put_str(&at, rq->query, strlen(rq->query)) : NULL;
	e->request_id = put_str(&at, rq->request_id ? rq->request_id : "", slen(rq->request_id));
	e->user = put_str(&at, user, strlen(user));
	e->body = put_str(&at, body, keep);
	for (size_t i = 0; i < nh; i++) {
		e->hn[i] = put_str(&at, hn[i], strlen(hn[i]));
		e->hv[i] = put_str(&at, hv[i], strlen(hv[i]));
	}
	buf_free(&red);
	pthread_mutex_lock(&j->mu);
	e->id = j->next_id++;
	if (j->n == (size_t)j->max) { /* full: the oldest goes */
		free(j->ring[j->head]);
		j->ring[j->head] = e;
		j->head = (j->head + 1) % (size_t)j->max;
	} else {
		j->ring[(j->head + j->n++) % (size_t)j->max] = e;
	}
	pthread_mutex_unlock(&j->mu);
}

/* --- reading ----------------------------------------------------------------------------- */

/* A JSON string of n bytes: control bytes and NULs escaped, invalid UTF-8 as U+FFFD. */
static void json_bytes(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	buf_putc(b, '"');
	while (p < end) {
		unsigned char c = *p;
		if (c < 0x80) {
			if (c == '"' || c == '\\') {
				buf_putc(b, '\\');
				buf_putc(b, (char)c);
			} else if (c == '\n') {
				buf_puts(b, "\\n");
			} else if (c == '\r') {
				buf_puts(b, "\\r");
			} else if (c == '\t') {
				buf_puts(b, "\\t");
			} else if (c < 0x20 || c == 0x7f) {
				char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
				buf_puts(b, u);
			} else {
				buf_putc(b, (char)c);
			}
			p++;
			continue;
		}
		/* a UTF-8 sequence: its length from the lead byte, each continuation checked,
		 * overlong forms, surrogates and values past U+10FFFF refused */
		size_t k = c >= 0xc2 && c <= 0xdf   ? 2
			   : c >= 0xe0 && c <= 0xef ? 3
			   : c >= 0xf0 && c <= 0xf4 ? 4
						    : 0;
		bool ok = k && (size_t)(end - p) >= k;
		for (size_t i = 1; ok && i < k; i++)
			ok = (p[i] & 0xc0) == 0x80;
		if (ok && k == 3)
			ok = !(c == 0xe0 && p[1] < 0xa0) && !(c == 0xed && p[1] >= 0xa0);
		if (ok && k == 4)
			ok = !(c == 0xf0 && p[1] < 0x90) && !(c == 0xf4 && p[1] >= 0x90);
		if (ok) {
			buf_put(b, p, k);
			p += k;
		} else {
			buf_puts(b, "\xef\xbf\xbd");
			p++;
		}
	}
	buf_putc(b, '"');
}

static void json_s(struct buf *b, const char *s)
{
	json_bytes(b, s, strlen(s));
}

static bool wanted(const struct entry *e, const struct journal_filter *f)
{
	if (f->method && *f->method && strcasecmp(e->method, f->method))
		return false;
	if (f->path && *f->path && strncmp(e->path, f->path, strlen(f->path)))
		return false;
	if (f->status >= 100 ? e->status != f->status
			     : f->status > 0 && e->status / 100 != f->status)
		return false;
	return e->id > f->since_id && e->time_ms >= f->since_ms;
}

static void write_entry(struct buf *b, const struct entry *e)
{
	time_t t = (time_t)(e->time_ms / 1000);
	struct tm tm;
	char when[40];
	gmtime_r(&t, &tm);
	size_t n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + n, sizeof(when) - n, ".%03dZ", (int)(e->time_ms % 1000));
	buf_printf(b, "{\"id\":%lld,\"time\":\"%s\",\"method\":", e->id, when);
	json_s(b, e->method);
	buf_puts(b, ",\"path\":");
	json_s(b, e->path);
	buf_puts(b, ",\"query\":");
	if (e->query)
		json_s(b, e->query);
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"headers\":{");
	for (size_t i = 0; i < e->nh; i++) {
		size_t k = 0; /* a repeated name: its values joined, as HTTP allows */
		while (k < i && strcasecmp(e->hn[k], e->hn[i]))
			k++;
		if (k < i)
			continue;
		buf_puts(b, i ? "," : "");
		json_s(b, e->hn[i]);
		buf_putc(b, ':');
		struct buf v = {0};
		for (size_t m = i; m < e->nh; m++)
			if (!strcasecmp(e->hn[m], e->hn[i])) {
				if (v.len)
					buf_put(&v, ", ", 2);
				buf_puts(&v, e->hv[m]);
			}
		json_bytes(b, v.data ? v.data : "", v.len);
		buf_free(&v);
	}
	buf_puts(b, "},\"body\":");
	json_bytes(b, e->body, e->body_len);
	buf_printf(b,
		   ",\"bodyBytes\":%zu,\"bodyTruncated\":%s,\"status\":%d,\"responseBytes\":%zu,"
		   "\"durationMs\":%.3f,\"requestId\":",
		   e->body_total, e->truncated ? "true" : "false", e->status, e->resp_bytes, e->ms);
	json_s(b, e->request_id);
	buf_puts(b, ",\"user\":");
	if (*e->user)
		json_s(b, e->user);
	else
		buf_puts(b, "null");
	if (e->fault)
		buf_printf(b, ",\"fault\":%ld", e->fault);
	buf_putc(b, '}');
}

void journal_write(struct journal *j, const struct journal_filter *f, bool count_only,
		   struct buf *b)
{
	long count = 0;
	if (!count_only)
		buf_puts(b, "{\"requests\":[");
	if (journal_on(j)) {
		pthread_mutex_lock(&j->mu);
		size_t first = 0;
		if (f->limit > 0 && !count_only) { /* the newest f->limit of those wanted */
			long seen = 0;
			for (size_t i = j->n; i-- > 0 && seen < f->limit;)
				if (wanted(j->ring[(j->head + i) % (size_t)j->max], f)) {
					seen++;
					first = i;
				}
		}
		for (size_t i = first; i < j->n; i++) {
			const struct entry *e = j->ring[(j->head + i) % (size_t)j->max];
			if (!wanted(e, f))
				continue;
			if (!count_only) {
				if (count)
					buf_putc(b, ',');
				write_entry(b, e);
			}
			count++;
		}
		pthread_mutex_unlock(&j->mu);
	}
	if (count_only)
		buf_printf(b, "{\"count\":%ld}", count);
	else
		buf_puts(b, "]}");
}

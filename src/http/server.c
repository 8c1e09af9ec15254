/* The HTTP/1.1 engine: listeners, TLS (GnuTLS), connections and their deadlines, request
 * framing, the common response headers and the access log. Worker threads each run their own
 * epoll set over both listening sockets and the connections they accepted; a connection never
 * changes thread. Writes run on one thread of their own. Everything after the request is
 * assembled happens in the router; this file never interprets a resource. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "api/journal.h"
#include "api/metrics.h"
#include "conf.h"
#include "err.h"
#include "http/negotiate.h"
#include "http/parse.h"
#include "http/throttle.h"
#include "util/arena.h"
#include "util/hash.h"

#define ARENA_BASE     (8u << 20)
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define IN_START       4096        /* first input buffer of a connection */
#define IN_KEEP        (16 * 1024) /* larger buffers are given back after their request */
#define LINGER_S       2  /* after a refusal, input is read and dropped this long ... */
#define LINGER_MAX     (1u << 20) /* ... or this much, before the connection is closed */
#define TICK_MS        250 /* how often each worker checks its connections' deadlines */
#define MAX_EVENTS     64
#define ADDR_BUCKETS   4096

struct server;

struct listener {
	int fd;
	bool tls;
	const char *scheme;
	char hostport[300]; /* for Location when the request has no Host */
	atomic_int nconn;
};

enum state {
	ST_HANDSHAKE, /* TLS handshake */
	ST_HEAD,      /* reading a request head */
	ST_BODY,      /* reading its body */
	ST_WAIT,      /* the writer thread or the throttle has it */
	ST_SEND,      /* writing the response */
	ST_LINGER,    /* refused: reading and dropping input until the client closes */
};

struct worker;

/* One connection, owned by one worker thread. The request it holds outlives a suspension by
 * the throttle or the writer thread. */
struct conn {
	int fd;
	enum state state;
	struct worker *w;
	struct listener *l;
	gnutls_session_t tls;
	unsigned char addr[16];
	unsigned addr_len;
	char peer[INET6_ADDRSTRLEN];
	struct conn *prev, *next; /* the worker's list */
	bool dead;                /* closed; freed once the events in hand are handled */
	struct conn *gnext;       /* in the worker's list of the dead */

	char *in;
	size_t len, cap;
	size_t skip, head_pos, head_len; /* head_len: 0 until the head is complete */
	struct http_head hd;
	bool chunked, expect_continue, keep_alive;
	unsigned long long clen;
	struct http_chunked ch;
	size_t dec, scan; /* chunked decoding: decoded end, raw position */
	size_t body_len, next_at; /* the body's decoded length; where the next request starts */
	unsigned long requests;  /* served on this connection */

	double t_start;   /* the head's deadline runs from here (0: no byte of it yet) */
	double t_body;    /* the head was complete */
	double t_idle;    /* the last response went out */
	double t_io;      /* the last progress of a response being written */
	double t_linger;
	size_t dropped; /* bytes read and dropped while lingering */

	struct buf out;
	size_t out_off, tls_try;
	bool final; /* out holds the final response (not 100 Continue) */
	bool close; /* close after it */
	bool reset; /* reset after it (a fault's drop) */
	bool drained; /* plain HTTP: the socket had no more bytes at the last read */

	struct timespec t0;
	struct arena *a;
	struct req rq;
	struct resp rs;
	bool throttled; /* went through throttle_enter (or throttle_delay) */
	int delaying;   /* in a fault's latency: DELAY_* */
	int verdict;    /* TH_RUN / TH_REJECT known at once, or -1: ask throttle_resumed */
	struct throttle_wait tw;
	bool written;        /* the writer thread has answered it */
	struct conn *qnext;  /* in the writer's queue, or a worker's resume queue */
};

struct worker {
	pthread_t th;
	struct server *srv;
	int ep, evfd;
	bool started, listening;
	struct conn *conns;
	struct conn *dead; /* closed in this round of events: freed at its end */
	pthread_mutex_t mu; /* guards ready */
	struct conn *ready; /* connections handed back by the writer thread or the throttle */
	time_t date_at;
	char date[40];
	double paused_until; /* accepts paused (out of descriptors) until then */
};

/* Writes run one at a time on their own thread, so that a commit waiting for the disk holds
 * no thread that serves reads. */
struct writer {
	pthread_t th;
	bool started, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct conn *head, *tail;
};

struct addr_node {
	unsigned char addr[16];
	unsigned len;
	long n;
	struct addr_node *next;
};

struct server {
	struct app *app;
	struct listener l[2];
	int n;
	struct worker *w;
	long wcap; /* workers set up */
	int nw;    /* ... and started */
	atomic_int inflight;
	atomic_bool stopping, exiting;
	bool access_log;
	struct writer wr;
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	long head_timeout, idle_timeout, body_min_rate, max_conns, max_per_addr;
	pthread_mutex_t addr_mu;
	struct addr_node *addrs[ADDR_BUCKETS];
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- connections per client address ---------------------------------------------------- */

static unsigned addr_hash(const unsigned char *a, unsigned n)
{
	return fnv1a(a, n, FNV_SEED) % ADDR_BUCKETS;
}

/* Counts one more connection from addr; false (nothing counted) when it is at the cap. */
static bool addr_take(struct server *s, const unsigned char *a, unsigned n)
{
	unsigned h = addr_hash(a, n);
	bool ok = false;
	pthread_mutex_lock(&s->addr_mu);
	struct addr_node *e = s->addrs[h];
	while (e && (e->len != n || memcmp(e->addr, a, n)))
		e = e->next;
	if (!e && (e = calloc(1, sizeof(*e)))) {
		memcpy(e->addr, a, n);
		e->len = n;
		e->next = s->addrs[h];
		s->addrs[h] = e;
	}
	if (e && e->n < s->max_per_addr) {
		e->n++;
		ok = true;
	}
	pthread_mutex_unlock(&s->addr_mu);
	return ok;
}

static void addr_give(struct server *s, const unsigned char *a, unsigned n)
{
	unsigned h = addr_hash(a, n);
	pthread_mutex_lock(&s->addr_mu);
	for (struct addr_node **pp = &s->addrs[h], *e; (e = *pp); pp = &e->next)
		if (e->len == n && !memcmp(e->addr, a, n)) {
			if (--e->n <= 0) {
				*pp = e->next;
				free(e);
			}
			break;
		}
	pthread_mutex_unlock(&s->addr_mu);
}

/* --- requests: assembled, routed, answered ---------------------------------------------- */

static const char *header(void *hctx, const char *name)
{
	return http_header(hctx, name);
}

static bool header_at(void *hctx, size_t i, const char **name, const char **value)
{
	const struct http_head *hd = hctx;
	if (i >= hd->nh)
		return false;
	*name = hd->h[i].name;
	*value = hd->h[i].value;
	return true;
}

static enum method method_of(const char *m)
{
	static const struct {
		const char *name;
		enum method m;
	} ms[] = {{"GET", M_GET}, {"HEAD", M_HEAD}, {"POST", M_POST}, {"PUT", M_PUT},
		  {"DELETE", M_DELETE}};
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++)
		if (!strcmp(m, ms[i].name))
			return ms[i].m;
	return M_OTHER;
}

static const char *reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

static void access_log(const struct req *rq, int status, double secs)
{
	double ms = secs * 1e3;
	char line[600];
	int n = snprintf(line, sizeof(line), "cupid: %s %.300s %d %.3fms %s %s\n",
			 rq->method_name, rq->path, status, ms, rq->user ? rq->user : "-",
			 rq->request_id);
	if (n > 0)
		(void)!write(2, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static const char *date_now(struct worker *w)
{
	time_t t = time(NULL);
	if (t != w->date_at) {
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(w->date, sizeof(w->date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		w->date_at = t;
	}
	return w->date;
}

static void put_header(struct buf *b, const char *name, const char *value)
{
	buf_puts(b, name);
	buf_put(b, ": ", 2);
	buf_puts(b, value);
	buf_put(b, "\r\n", 2);
}

/* Writes v in decimal into out (no NUL); returns the length. */
static size_t utoa(char out[24], unsigned long v)
{
	char tmp[24];
	size_t n = 0;
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

/* Writes the response head and body into c->out. */
static void compose(struct conn *c)
{
	struct req *rq = &c->rq;
	struct resp *rs = &c->rs;
	struct buf *b = &c->out;
	b->len = 0;
	c->out_off = 0;
	char num[24];
	buf_put(b, "HTTP/1.1 ", 9);
	buf_put(b, num, utoa(num, (unsigned long)rs->status));
	buf_putc(b, ' ');
	buf_puts(b, reason(rs->status));
	buf_put(b, "\r\n", 2);
	put_header(b, "Date", date_now(c->w));
	buf_puts(b, "Cache-Control: no-cache\r\nPragma: no-cache\r\n"
		    "Expires: Thu, 01 Jan 1970 00:00:00 GMT\r\nX-Frame-Options: SAMEORIGIN\r\n");
	put_header(b, "X-Request-Id", rq->request_id);
	if (rs->status != 204 && rs->ctype)
		put_header(b, "Content-Type", rs->ctype);
	if (rs->location)
		put_header(b, "Location", rs->location);
	if (rs->allow)
		put_header(b, "Allow", rs->allow);
	if (rs->www_auth)
		buf_puts(b, "WWW-Authenticate: Basic realm=\"cupid\"\r\n");
	if (rs->retry_after > 0) {
		buf_put(b, "Retry-After: ", 13);
		buf_put(b, num, utoa(num, (unsigned long)rs->retry_after));
		buf_put(b, "\r\n", 2);
	}
	if (c->close)
		buf_puts(b, "Connection: close\r\n");
	else if (c->hd.minor == 0)
		buf_puts(b, "Connection: keep-alive\r\n");
	if (rs->status != 204) {
		buf_put(b, "Content-Length: ", 16);
		buf_put(b, num, utoa(num, rs->body.len));
		buf_put(b, "\r\n", 2);
	}
	buf_put(b, "\r\n", 2);
	if (rs->drop == RESP_DROP_AT_ONCE)
		b->len = 0;
	else if (rq->method != M_HEAD && rs->status != 204 && rs->body.len)
		buf_put(b, rs->body.data, rs->drop ? rs->body.len / 2 : rs->body.len);
	c->final = true;
	if (rs->drop) { /* a reset (RST), not a close, once out is sent */
		struct linger lg = {1, 0};
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		c->reset = true;
	}
}

static void audit_alone(struct req *rq, const struct resp *rs)
{
	const struct store_handle *st = &rq->app->store;
	if (st->ops->begin(st->s, true))
		return;
	if (api_audit(rq, rs->status, rs->object_id) || st->ops->commit(st->s))
		st->ops->rollback(st->s);
}

static void conn_run(struct conn *c);
static void conn_free(struct conn *c);

/* Hands c back to its worker (from the writer thread or the throttle's timer). */
static void resume(struct conn *c)
{
	struct worker *w = c->w;
	pthread_mutex_lock(&w->mu);
	c->qnext = w->ready;
	w->ready = c;
	pthread_mutex_unlock(&w->mu);
	uint64_t one = 1;
	(void)!write(w->evfd, &one, sizeof(one));
}

static void wake(void *ctx)
{
	resume(ctx);
}

/* Logs, counts and composes the answer, then frees the request's memory. */
static void finish(struct conn *c)
{
	struct server *srv = c->w->srv;
	struct req *rq = &c->rq;
	struct resp *rs = &c->rs;
	if (c->throttled) {
		throttle_leave(srv->app->throttle, &c->tw);
		c->throttled = false;
	}
	if (!rs->status)
		api_error(rq, rs, ERR_INTERNAL, "no response");
	if (!rq->audited && api_auditable(rq)) /* a write that did not commit: audited alone */
		audit_alone(rq, rs);
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - c->t0.tv_sec) + (double)(t1.tv_nsec - c->t0.tv_nsec) / 1e9;
	metrics_record(rq->route, rq->method, rs->status, secs);
	journal_record(srv->app->journal, rq, rs, secs);
	if (srv->access_log)
		access_log(rq, rs->status, secs);
	if (rs->close)
		c->close = true;
	compose(c);
	buf_free(&rs->body);
	arena_free(c->a);
	c->a = NULL;
	c->written = false;
	atomic_fetch_sub(&srv->inflight, 1);
	c->state = ST_SEND;
	if (c->reset && !c->out.len)
		conn_free(c); /* nothing to send before the reset */
}

#define BATCH_MAX 64 /* writes sharing one commit */

/* Runs the writes queued, as one batch sharing one commit (group commit) when the store can
 * and there are several: each request is all or nothing inside it, and no answer goes out
 * before the commit. A write alone runs in its own transaction, without the savepoint, whose
 * journal would hold every page it changes (tens of MB for 10,000 ports into a large
 * inventory). */
static void write_batch(struct server *srv, struct conn *list)
{
	const struct store_handle *st = &srv->app->store;
	bool batched = list->qnext && st->ops->batch_begin && !st->ops->batch_begin(st->s);
	for (struct conn *c = list; c; c = c->qnext) {
		router_back(&c->rq, &c->rs);
		if (!c->rq.audited && api_auditable(&c->rq)) { /* a write that did not commit */
			audit_alone(&c->rq, &c->rs);
			c->rq.audited = true;
		}
	}
	if (batched && st->ops->batch_end(st->s, true))
		for (struct conn *c = list; c; c = c->qnext) {
			if (c->rs.status >= 300)
				continue; /* it changed nothing anyway */
			api_error(&c->rq, &c->rs, ERR_BUSY, "the database could not commit the write;"
							     " nothing was changed");
			c->rs.location = NULL;
		}
}

static void *writer_main(void *arg)
{
	struct server *srv = arg;
	struct writer *w = &srv->wr;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->head && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->head)
			break; /* stopping, and the queue is empty */
		if (!w->head->qnext && !w->stop) {
			/* One write waiting: let the request threads queue what they have read already,
			 * so that it shares this commit. */
			pthread_mutex_unlock(&w->mu);
			sched_yield();
			pthread_mutex_lock(&w->mu);
		}
		struct conn *list = w->head, *last = list;
		for (int n = 1; n < BATCH_MAX && last->qnext; n++)
			last = last->qnext;
		if (!(w->head = last->qnext))
			w->tail = NULL;
		last->qnext = NULL;
		pthread_mutex_unlock(&w->mu);
		write_batch(srv, list);
		for (struct conn *c = list, *next; c; c = next) {
			next = c->qnext;
			c->written = true;
			resume(c); /* its worker sends the answer */
		}
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Runs the second half of the router: on this thread for reads, on the writer thread (the
 * connection waiting meanwhile) for everything else. */
static void dispatch(struct conn *c)
{
	struct writer *w = &c->w->srv->wr;
	if (!w->started || c->rq.method == M_GET || c->rq.method == M_HEAD) {
		router_back(&c->rq, &c->rs);
		finish(c);
		return;
	}
	c->state = ST_WAIT;
	c->qnext = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->tail)
		w->tail->qnext = c;
	else
		w->head = c;
	w->tail = c;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

enum { DELAY_NONE, DELAY_THEN_GO_ON, DELAY_THEN_ANSWER };

static void after_front(struct conn *c);

/* Back from the writer thread or the throttle. */
static void resumed(struct conn *c)
{
	if (c->written) {
		finish(c);
		return;
	}
	struct app *app = c->w->srv->app;
	if (c->delaying) { /* a fault's latency is over */
		int then = c->delaying;
		c->delaying = DELAY_NONE;
		throttle_leave(app->throttle, &c->tw);
		c->throttled = false;
		if (then == DELAY_THEN_ANSWER)
			finish(c);
		else
			after_front(c);
		return;
	}
	int v = c->verdict >= 0 ? c->verdict : throttle_resumed(app->throttle, &c->tw);
	if (v == TH_REJECT) {
		api_error(&c->rq, &c->rs, ERR_BUSY, "the server is busy; try again later");
		finish(c);
		return;
	}
	dispatch(c);
}

/* A fresh request state for c's head (parsed, or NULL-pathed when it could not be). */
static int begin(struct conn *c)
{
	struct server *srv = c->w->srv;
	struct app *app = srv->app;
	struct arena *a = arena_new(ARENA_BASE + 4 * (size_t)app->max_body);
	if (!a)
		return -1;
	c->a = a;
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	atomic_fetch_add(&srv->inflight, 1);
	struct req *rq = &c->rq;
	*rq = (struct req){.app = app, .a = a, .method = M_OTHER, .method_name = "-", .path = "",
			   .out = FMT_XML, .header = header, .header_at = header_at,
			   .hctx = &c->hd};
	c->rs = (struct resp){0};
	rq->scheme = c->l->scheme;
	rq->listen_host = c->l->hostport;
	rq->peer = c->peer;
	rq->request_id = http_request_id(c->head_len ? http_header(&c->hd, "X-Request-Id") : NULL,
					 a);
	c->throttled = false;
	c->delaying = DELAY_NONE;
	c->written = false;
	if (!c->head_len) {
		rq->header_at = NULL; /* nothing to list: the head may be half parsed */
		return 0;
	}
	/* the request as far as its head tells */
	struct http_head *hd = &c->hd;
	rq->method_name = hd->method;
	rq->method = method_of(hd->method);
	rq->host = http_header(hd, "Host");
	char *q = strchr(hd->target, '?');
	rq->path = q ? arena_strndup(a, hd->target, (size_t)(q - hd->target)) : hd->target;
	rq->query = q ? q + 1 : NULL;
	if (!rq->path)
		rq->path = "";
	const char *ctype = http_header(hd, "Content-Type");
	rq->has_ctype = ctype != NULL;
	rq->in = http_body_format(ctype);
	rq->acceptable = http_negotiate(http_header(hd, "Accept"), &rq->out);
	return 0;
}

/* Answers 413 for a body over http.max_body_bytes, in the request's format, and closes. */
static void too_large(struct conn *c)
{
	long max = c->w->srv->app->max_body;
	if (begin(c)) {
		c->close = true;
		c->state = ST_LINGER;
		return;
	}
	api_error(&c->rq, &c->rs, ERR_TOO_LARGE, "the body is larger than %ld bytes", max);
	c->rs.close = true;
	finish(c);
}

/* Refuses the request with status (400, 413, 414, 431, 505) and an ErrorDetails body, then
 * closes the connection. */
static void refuse(struct conn *c, int status, const char *why)
{
	if (c->a)
		arena_free(c->a), atomic_fetch_sub(&c->w->srv->inflight, 1);
	c->a = NULL;
	c->head_len = 0; /* the head is not to be read: it may be half parsed */
	if (begin(c)) {
		c->close = true;
		c->state = ST_LINGER;
		return;
	}
	int err = status == 400 || status == 505 ? ERR_INVALID : status == 500 ? ERR_INTERNAL
								: ERR_TOO_LARGE;
	api_error(&c->rq, &c->rs, err, "%s", why);
	c->rs.status = status;
	c->rs.close = true;
	finish(c);
}

/* The head and body are in: assembles the request and runs the router; an authenticated
 * /vmrest request passes the throttle between the router's two halves, waiting outside
 * this thread. */
static void process(struct conn *c)
{
	struct app *app = c->w->srv->app;
	struct req *rq = &c->rq;
	struct resp *rs = &c->rs;
	char *body = arena_alloc(c->a, c->body_len + 1);
	if (!body) {
		refuse(c, 500, "out of memory");
		return;
	}
	memcpy(body, c->in + c->head_len, c->body_len);
	body[c->body_len] = 0;
	rq->body = body;
	rq->body_len = c->body_len;
	bool answered = router_front(rq, rs);
	if (rs->delay_ms > 0) { /* a fault's latency first, on the throttle's timer */
		c->tw = (struct throttle_wait){.wake = wake, .ctx = c};
		c->throttled = true;
		c->delaying = answered ? DELAY_THEN_ANSWER : DELAY_THEN_GO_ON;
		c->state = ST_WAIT;
		throttle_delay(app->throttle, &c->tw, rs->delay_ms);
		return;
	}
	if (answered) {
		finish(c);
		return;
	}
	after_front(c);
}

/* After the router's first half: the throttle for authenticated /vmrest requests, then the
 * second half. */
static void after_front(struct conn *c)
{
	struct app *app = c->w->srv->app;
	struct req *rq = &c->rq;
	if (!strncmp(rq->path, "/vmrest/", 8) && throttle_active(app->throttle)) {
		c->tw = (struct throttle_wait){.wake = wake, .ctx = c};
		c->throttled = true;
		c->verdict = -1;
		c->state = ST_WAIT;
		int v = throttle_enter(app->throttle, &c->tw);
		if (v != TH_WAIT) {
			c->verdict = v;
			resumed(c);
		}
		return;
	}
	dispatch(c);
}

/* The head is complete: parses it and decides how its body is framed. */
static void head_done(struct conn *c)
{
	struct server *srv = c->w->srv;
	const char *why = "";
	size_t n = c->head_len - c->skip;
	int st = http_parse_head(c->in + c->skip, n, &c->hd, &why);
	if (!st)
		st = http_framing(&c->hd, &c->chunked, &c->clen, &why);
	if (st) {
		refuse(c, st, why);
		return;
	}
	const char *conn = http_header(&c->hd, "Connection");
	c->keep_alive = c->hd.minor ? !http_has_token(conn, "close")
				    : http_has_token(conn, "keep-alive");
	c->close = !c->keep_alive;
	if (!c->chunked && c->clen > (unsigned long long)srv->app->max_body) {
		too_large(c);
		return;
	}
	c->t_body = now_s();
	c->dec = c->scan = c->head_len;
	c->ch = (struct http_chunked){0};
	c->expect_continue = c->hd.minor &&
			     http_has_token(http_header(&c->hd, "Expect"), "100-continue") &&
			     (c->chunked || c->clen) && c->len == c->head_len;
	if (c->expect_continue) {
		c->out.len = 0;
		c->out_off = 0;
		buf_puts(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
		c->final = false;
	}
	c->state = ST_BODY;
}

/* Consumes what is buffered of the body. True when the request is complete. */
static bool body_step(struct conn *c)
{
	struct server *srv = c->w->srv;
	if (!c->chunked) {
		if (c->len - c->head_len < c->clen)
			return false;
		c->body_len = (size_t)c->clen;
		c->next_at = c->head_len + c->body_len;
		return true;
	}
	const char *why = "";
	int rc = http_chunked_step(&c->ch, c->in, &c->dec, &c->scan, c->len,
				   (size_t)srv->app->max_body, &why);
	if (rc == 1) {
		c->body_len = c->dec - c->head_len;
		c->next_at = c->scan;
		return true;
	}
	/* keep the buffer to the decoded body plus what is not decoded yet */
	memmove(c->in + c->dec, c->in + c->scan, c->len - c->scan);
	c->len -= c->scan - c->dec;
	c->scan = c->dec;
	if (rc == 413)
		too_large(c);
	else if (rc)
		refuse(c, rc, why);
	return false;
}

/* --- bytes in and out ------------------------------------------------------------------ */

enum { IO_OK, IO_AGAIN, IO_EOF };

/* The parsed head points into the input buffer: moves its pointers along when it moves. */
static void rebase(struct http_head *hd, const char *was, char *now)
{
#define MOVE(p) ((p) = now + ((p) - was))
	MOVE(hd->method);
	MOVE(hd->target);
	for (size_t i = 0; i < hd->nh; i++) {
		MOVE(hd->h[i].name);
		MOVE(hd->h[i].value);
	}
#undef MOVE
}

/* Reads once into the input buffer (up to limit bytes in all). */
static int fill(struct conn *c, size_t limit)
{
	if (c->len >= limit)
		return IO_AGAIN; /* nothing is read past the limit: the caller decides */
	if (c->drained)
		return IO_AGAIN; /* the last read emptied the socket: epoll tells when more comes */
	if (c->cap - c->len < 1024 && c->cap < limit) {
		size_t cap = c->cap ? 2 * c->cap : IN_START;
		while (cap < c->len + 1024 && cap < limit)
			cap *= 2;
		if (cap > limit)
			cap = limit;
		char *in = malloc(cap);
		if (!in)
			return IO_EOF;
		if (c->len)
			memcpy(in, c->in, c->len);
		if (c->head_len)
			rebase(&c->hd, c->in, in);
		free(c->in);
		c->in = in;
		c->cap = cap;
	}
	size_t room = (c->cap < limit ? c->cap : limit) - c->len;
	ssize_t n;
	if (c->tls) {
		do
			n = gnutls_record_recv(c->tls, c->in + c->len, room);
		while (n == GNUTLS_E_INTERRUPTED);
		if (n == GNUTLS_E_AGAIN)
			return IO_AGAIN;
	} else {
		do
			n = recv(c->fd, c->in + c->len, room, 0);
		while (n < 0 && errno == EINTR);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			c->drained = true;
			return IO_AGAIN;
		}
		/* A short read over TCP took all there was: the next bytes bring an epoll event
		 * of their own (EPOLLET), so no read is spent on learning EAGAIN. (A TLS record
		 * read says nothing of what else waits in the socket.) */
		c->drained = n > 0 && (size_t)n < room;
	}
	if (n <= 0)
		return IO_EOF;
	if (!c->t_start)
		c->t_start = now_s();
	c->len += (size_t)n;
	return IO_OK;
}

/* Writes what is left of c->out. */
static int flush(struct conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n;
		if (c->tls) {
			size_t want = c->tls_try ? c->tls_try : c->out.len - c->out_off;
			n = gnutls_record_send(c->tls, c->out.data + c->out_off, want);
			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
				c->tls_try = want; /* GnuTLS wants the same call again */
				return IO_AGAIN;
			}
			c->tls_try = 0;
		} else {
			n = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return IO_AGAIN;
		}
		if (n <= 0)
			return IO_EOF;
		c->out_off += (size_t)n;
		c->t_io = now_s();
	}
	return IO_OK;
}

static void conn_free(struct conn *c)
{
	struct worker *w = c->w;
	struct server *srv = w->srv;
	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->throttled) /* ended while waiting */
		throttle_leave(srv->app->throttle, &c->tw);
	if (c->a) { /* a request that never reached finish() */
		arena_free(c->a);
		buf_free(&c->rs.body);
		atomic_fetch_sub(&srv->inflight, 1);
	}
	if (c->tls)
		gnutls_deinit(c->tls);
	close(c->fd);
	atomic_fetch_sub(&c->l->nconn, 1);
	addr_give(srv, c->addr, c->addr_len);
	free(c->in);
	free(c->hd.h);
	buf_free(&c->out);
	/* An event for it may still be in hand: it is freed after them (free_dead). */
	c->dead = true;
	c->gnext = w->dead;
	w->dead = c;
}

static void free_dead(struct worker *w)
{
	for (struct conn *c = w->dead, *next; c; c = next) {
		next = c->gnext;
		free(c);
	}
	w->dead = NULL;
}

/* The response went out: closes, or makes the connection ready for its next request with
 * any pipelined bytes kept. */
static void next_request(struct conn *c)
{
	c->requests++;
	if (c->reset) {
		conn_free(c);
		return;
	}
	if (c->close) {
		if (c->tls)
			gnutls_bye(c->tls, GNUTLS_SHUT_WR);
		shutdown(c->fd, SHUT_WR);
		c->state = ST_LINGER;
		c->t_linger = now_s();
		c->len = 0;
		return;
	}
	size_t rest = c->len > c->next_at ? c->len - c->next_at : 0;
	memmove(c->in, c->in + c->next_at, rest);
	c->len = rest;
	if (c->cap > IN_KEEP && rest < IN_START) {
		char *in = realloc(c->in, IN_START);
		if (in) {
			c->in = in;
			c->cap = IN_START;
		}
	}
	c->skip = c->head_pos = c->head_len = 0;
	c->body_len = c->next_at = 0;
	c->hd.nh = 0;
	c->t_idle = now_s();
	c->t_start = rest ? c->t_idle : 0;
	c->state = ST_HEAD;
}

/* Drives c as far as its bytes allow; returns when it waits for the socket, for another
 * thread, or is freed. */
static void conn_run(struct conn *c)
{
	struct server *srv = c->w->srv;
	while (!c->dead) {
		if (c->out_off < c->out.len) {
			int r = flush(c);
			if (r == IO_AGAIN)
				return;
			if (r == IO_EOF) {
				conn_free(c);
				return;
			}
			if (c->final) {
				c->out.len = c->out_off = 0;
				c->final = false;
				if (c->out.cap > IN_KEEP)
					buf_free(&c->out);
				next_request(c);
			} else {
				c->out.len = c->out_off = 0;
			}
			continue;
		}
		int r = IO_AGAIN;
		switch (c->state) {
		case ST_HANDSHAKE:
			r = gnutls_handshake(c->tls);
			if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
				return;
			if (r < 0 && !gnutls_error_is_fatal(r))
				continue; /* a warning alert: the handshake goes on */
			if (r < 0) {
				conn_free(c);
				return;
			}
			c->state = ST_HEAD;
			continue;
		case ST_HEAD:
			if (c->len) {
				size_t end = http_head_end(c->in, c->len, &c->skip, &c->head_pos);
				if (end && end <= HTTP_HEAD_MAX) {
					c->head_len = end;
					head_done(c);
					continue;
				}
				if (end || c->len > HTTP_HEAD_MAX) {
					const char *nl = memchr(c->in + c->skip, '\n',
								c->len - c->skip);
					bool line = nl && nl - c->in <= HTTP_HEAD_MAX;
					refuse(c, line ? 431 : 414,
					       line ? "the request headers are larger than 16 KiB"
						    : "the request line is longer than 16 KiB");
					continue;
				}
			}
			r = fill(c, HTTP_HEAD_MAX + 1);
			break;
		case ST_BODY:
			if (body_step(c)) {
				if (begin(c)) {
					conn_free(c);
					return;
				}
				process(c);
				continue;
			}
			if (c->state != ST_BODY)
				continue; /* refused */
			r = fill(c, c->chunked ? c->head_len + (size_t)srv->app->max_body + 65536
					       : c->head_len + (size_t)c->clen);
			if (r == IO_AGAIN && !c->chunked && c->len >= c->head_len + c->clen)
				continue;
			if (r == IO_AGAIN && c->chunked && c->len >= c->cap &&
			    c->cap >= c->head_len + (size_t)srv->app->max_body + 65536)
				r = IO_OK; /* decode what is there first */
			break;
		case ST_WAIT:
			return;
		case ST_SEND:
			return; /* nothing left to send: conn_run was called without new bytes */
		case ST_LINGER: {
			char drop[4096];
			ssize_t n = recv(c->fd, drop, sizeof(drop), 0);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
				return;
			if (n <= 0 || (c->dropped += (size_t)n) > LINGER_MAX) {
				conn_free(c);
				return;
			}
			continue;
		}
		}
		if (r == IO_AGAIN)
			return;
		if (r == IO_EOF) {
			conn_free(c);
			return;
		}
	}
}

/* Closes what passed its deadline (SPEC §2.1 and the http.*_timeout_s settings). */
static void check_deadlines(struct worker *w, double now)
{
	struct server *s = w->srv;
	for (struct conn *c = w->conns, *next; c; c = next) {
		next = c->next;
		bool late = false;
		switch (c->state) {
		case ST_HANDSHAKE:
			late = now - c->t_start > (double)s->head_timeout;
			break;
		case ST_HEAD:
			if (c->t_start)
				late = now - c->t_start > (double)s->head_timeout;
			else
				late = now - c->t_idle > (double)s->idle_timeout;
			break;
		case ST_BODY: {
			double t = now - c->t_body;
			size_t got = c->len - c->head_len;
			if (c->out_off < c->out.len)
				late = now - c->t_io > (double)s->idle_timeout;
			else if (s->body_min_rate && t > (double)s->head_timeout)
				late = (double)got < (double)s->body_min_rate *
							 (t - (double)s->head_timeout);
			break;
		}
		case ST_SEND:
			late = c->out_off < c->out.len && now - c->t_io > (double)s->idle_timeout;
			break;
		case ST_LINGER:
			late = now - c->t_linger > LINGER_S;
			break;
		case ST_WAIT:
			break;
		}
		if (late)
			conn_free(c);
	}
}

static void accept_on(struct worker *w, struct listener *l)
{
	struct server *s = w->srv;
	for (int i = 0; i < MAX_EVENTS; i++) {
		struct sockaddr_storage sa;
		socklen_t salen = sizeof(sa);
		int fd = accept4(l->fd, (struct sockaddr *)&sa, &salen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				/* out of descriptors: stop accepting for a moment rather than spin */
				for (int k = 0; k < s->n; k++)
					epoll_ctl(w->ep, EPOLL_CTL_DEL, s->l[k].fd, NULL);
				w->listening = false;
				w->paused_until = now_s() + 0.1;
			}
			return;
		}
		unsigned char addr[16];
		unsigned alen = 4;
		char peer[INET6_ADDRSTRLEN] = "";
		if (sa.ss_family == AF_INET6) {
			struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&sa;
			if (IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr)) {
				memcpy(addr, a6->sin6_addr.s6_addr + 12, 4);
				inet_ntop(AF_INET, addr, peer, sizeof(peer));
			} else {
				alen = 16;
				memcpy(addr, a6->sin6_addr.s6_addr, 16);
				inet_ntop(AF_INET6, addr, peer, sizeof(peer));
			}
		} else {
			memcpy(addr, &((struct sockaddr_in *)&sa)->sin_addr, 4);
			inet_ntop(AF_INET, addr, peer, sizeof(peer));
		}
		if (atomic_fetch_add(&l->nconn, 1) >= s->max_conns) {
			atomic_fetch_sub(&l->nconn, 1);
			close(fd);
			continue;
		}
		if (!addr_take(s, addr, alen)) {
			atomic_fetch_sub(&l->nconn, 1);
			close(fd);
			continue;
		}
		struct conn *c = calloc(1, sizeof(*c));
		if (!c) {
			addr_give(s, addr, alen);
			atomic_fetch_sub(&l->nconn, 1);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->w = w;
		c->l = l;
		memcpy(c->addr, addr, alen);
		c->addr_len = alen;
		memcpy(c->peer, peer, sizeof(peer));
		c->t_start = c->t_idle = now_s();
		c->state = ST_HEAD;
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->next = w->conns;
		if (w->conns)
			w->conns->prev = c;
		w->conns = c;
		if (l->tls) {
			if (gnutls_init(&c->tls, GNUTLS_SERVER | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL) < 0 ||
			    gnutls_priority_set(c->tls, s->prio) < 0 ||
			    gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, s->cred) < 0) {
				conn_free(c);
				continue;
			}
			gnutls_transport_set_int(c->tls, fd);
			c->state = ST_HANDSHAKE;
		}
		struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
					 .data.ptr = c};
		if (epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev)) {
			conn_free(c);
			continue;
		}
		conn_run(c);
	}
}

static void listen_all(struct worker *w)
{
	struct server *s = w->srv;
	for (int k = 0; k < s->n; k++) {
		struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = &s->l[k]};
		epoll_ctl(w->ep, EPOLL_CTL_ADD, s->l[k].fd, &ev);
	}
	w->listening = true;
}

static bool is_listener(struct server *s, void *p)
{
	for (int k = 0; k < s->n; k++)
		if (p == &s->l[k])
			return true;
	return false;
}

/* True while a connection of w holds a request or an answer not yet sent. */
static bool busy(struct worker *w)
{
	for (struct conn *c = w->conns; c; c = c->next)
		if (c->state == ST_WAIT || c->out_off < c->out.len)
			return true;
	return false;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct server *s = w->srv;
	struct epoll_event evs[MAX_EVENTS];
	double last_tick = now_s(), exit_by = 0;
	for (;;) {
		int n = epoll_wait(w->ep, evs, MAX_EVENTS, TICK_MS);
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			if (p == w) {
				uint64_t v;
				(void)!read(w->evfd, &v, sizeof(v));
				pthread_mutex_lock(&w->mu);
				struct conn *list = w->ready;
				w->ready = NULL;
				pthread_mutex_unlock(&w->mu);
				for (struct conn *c = list, *next; c; c = next) {
					next = c->qnext;
					resumed(c);
					conn_run(c);
				}
			} else if (is_listener(s, p)) {
				if (!atomic_load(&s->stopping))
					accept_on(w, p);
			} else {
				struct conn *c = p;
				if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
					c->drained = false;
				conn_run(c);
			}
		}
		free_dead(w);
		double now = now_s();
		if (atomic_load(&s->stopping) && w->listening) {
			for (int k = 0; k < s->n; k++)
				epoll_ctl(w->ep, EPOLL_CTL_DEL, s->l[k].fd, NULL);
			w->listening = false;
		}
		if (!w->listening && !atomic_load(&s->stopping) && now >= w->paused_until)
			listen_all(w);
		if (atomic_load(&s->exiting)) {
			if (!exit_by)
				exit_by = now + 1.0;
			if (!busy(w) || now > exit_by)
				break;
		}
		if (now - last_tick >= TICK_MS / 1000.0) {
			check_deadlines(w, now);
			free_dead(w);
			last_tick = now;
		}
	}
	while (w->conns)
		conn_free(w->conns);
	free_dead(w);
	return NULL;
}

/* --- listeners and start-up ------------------------------------------------------------ */

/* Parses "host:port" or "[v6]:port" and opens a listening socket on it. */
static int listen_on(struct listener *l, const char *addr, bool tls, char *err, size_t errlen)
{
	char host[256];
	const char *port;
	if (addr[0] == '[') {
		const char *end = strchr(addr, ']');
		if (!end || end[1] != ':' || (size_t)(end - addr) > sizeof(host)) {
			snprintf(err, errlen, "bad listen address '%s'", addr);
			return -1;
		}
		snprintf(host, sizeof(host), "%.*s", (int)(end - addr - 1), addr + 1);
		port = end + 2;
	} else {
		const char *colon = strrchr(addr, ':');
		if (!colon || (size_t)(colon - addr) >= sizeof(host)) {
			snprintf(err, errlen, "bad listen address '%s' (use host:port)", addr);
			return -1;
		}
		snprintf(host, sizeof(host), "%.*s", (int)(colon - addr), addr);
		port = colon + 1;
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
			*ai = NULL;
	if (!*port || getaddrinfo(*host ? host : NULL, port, &hints, &ai) || !ai) {
		snprintf(err, errlen, "bad listen address '%s'", addr);
		return -1;
	}
	l->tls = tls;
	l->scheme = tls ? "https" : "http";
	l->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (l->fd >= 0)
		setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l->fd >= 0 && ai->ai_family == AF_INET6)
		setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (l->fd < 0 || bind(l->fd, ai->ai_addr, ai->ai_addrlen) || listen(l->fd, 4096)) {
		snprintf(err, errlen, "cannot listen on %s (%s)", addr,
			 errno == EADDRINUSE ? "address in use" : strerror(errno));
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	struct sockaddr_storage sa;
	socklen_t salen = sizeof(sa);
	unsigned bound = 0;
	if (!getsockname(l->fd, (struct sockaddr *)&sa, &salen))
		bound = ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
						       : ((struct sockaddr_in *)&sa)->sin_port);
	bool v6 = strchr(host, ':') != NULL;
	snprintf(l->hostport, sizeof(l->hostport), "%s%s%s:%u", v6 ? "[" : "",
		 *host ? host : "0.0.0.0", v6 ? "]" : "", bound);
	return 0;
}

static int tls_setup(struct server *s, const char *cert, const char *key, char *err,
		     size_t errlen)
{
	gnutls_datum_t c = {(unsigned char *)cert, (unsigned)strlen(cert)};
	gnutls_datum_t k = {(unsigned char *)key, (unsigned)strlen(key)};
	int r = gnutls_certificate_allocate_credentials(&s->cred);
	if (r >= 0)
		r = gnutls_certificate_set_x509_key_mem2(s->cred, &c, &k, GNUTLS_X509_FMT_PEM, NULL,
							 0);
	if (r >= 0)
		r = gnutls_priority_init(&s->prio, TLS_PRIORITIES, NULL);
	if (r < 0) {
		snprintf(err, errlen, "tls: %s", gnutls_strerror(r));
		return -1;
	}
	return 0;
}

struct server *server_start(struct app *app, const char *https_listen, const char *http_listen,
			    const char *cert_pem, const char *key_pem, char *err, size_t errlen)
{
	struct server *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->app = app;
	s->l[0].fd = s->l[1].fd = -1;
	pthread_mutex_init(&s->addr_mu, NULL);
	pthread_mutex_init(&s->wr.mu, NULL);
	pthread_cond_init(&s->wr.cv, NULL);
	const struct conf *cf = app->conf;
	s->head_timeout = conf_int(cf, "http.head_timeout_s");
	s->idle_timeout = conf_int(cf, "http.idle_timeout_s");
	s->body_min_rate = conf_int(cf, "http.body_min_rate");
	s->max_conns = conf_int(cf, "http.max_connections");
	s->max_per_addr = conf_int(cf, "http.max_connections_per_address");
	/* Every connection holds a descriptor: make room for the cap on each listener (the
	 * usual soft limit, 1024, would refuse accepts long before). */
	struct rlimit rl;
	rlim_t want = (rlim_t)(2 * s->max_conns + 256);
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	const char *level = conf_str(cf, "log.level");
	s->access_log = !strcmp(level, "info") || !strcmp(level, "debug");
	/* One thread per CPU this process may run on: more only take turns on the same cores. */
	long threads = conf_int(cf, "http.threads");
	cpu_set_t cpus;
	if (!threads)
		threads = sched_getaffinity(0, sizeof(cpus), &cpus) ? 2 : CPU_COUNT(&cpus);
	if (threads < 1)
		threads = 1;
	if (*https_listen && (tls_setup(s, cert_pem, key_pem, err, errlen) ||
			      listen_on(&s->l[s->n++], https_listen, true, err, errlen)))
		goto fail;
	if (*http_listen && listen_on(&s->l[s->n++], http_listen, false, err, errlen))
		goto fail;
	if (pthread_create(&s->wr.th, NULL, writer_main, s)) {
		snprintf(err, errlen, "cannot start the writer thread");
		goto fail;
	}
	s->wr.started = true;
	s->w = calloc((size_t)threads, sizeof(*s->w));
	if (!s->w)
		goto fail;
	for (long i = 0; i < threads; i++) {
		struct worker *w = &s->w[i];
		w->srv = s;
		pthread_mutex_init(&w->mu, NULL);
		s->wcap++;
		w->ep = epoll_create1(EPOLL_CLOEXEC);
		w->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = w};
		if (w->ep < 0 || w->evfd < 0 || epoll_ctl(w->ep, EPOLL_CTL_ADD, w->evfd, &ev)) {
			snprintf(err, errlen, "cannot set up a request thread: %s", strerror(errno));
			goto fail;
		}
		listen_all(w);
		if (pthread_create(&w->th, NULL, worker_main, w)) {
			snprintf(err, errlen, "cannot start a request thread");
			goto fail;
		}
		w->started = true;
		s->nw++;
	}
	return s;
fail:
	server_stop(s);
	return NULL;
}

const char *server_hostport(const struct server *s, bool tls)
{
	for (int i = 0; i < s->n; i++)
		if (s->l[i].tls == tls)
			return s->l[i].hostport;
	return NULL;
}

static void signal_workers(struct server *s)
{
	uint64_t one = 1;
	for (int i = 0; i < s->nw; i++)
		(void)!write(s->w[i].evfd, &one, sizeof(one));
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	/* No new connections; requests in progress get up to 5 s to finish. */
	atomic_store(&s->stopping, true);
	signal_workers(s);
	for (int i = 0; i < 500 && atomic_load(&s->inflight) > 0; i++)
		usleep(10000);
	/* The writer answers what is still queued, then ends, while the workers still run. */
	if (s->wr.started) {
		pthread_mutex_lock(&s->wr.mu);
		s->wr.stop = true;
		pthread_cond_signal(&s->wr.cv);
		pthread_mutex_unlock(&s->wr.mu);
		pthread_join(s->wr.th, NULL);
	}
	/* The workers send what they still hold (at most 1 s more), then close everything. */
	atomic_store(&s->exiting, true);
	signal_workers(s);
	for (int i = 0; i < s->nw; i++)
		if (s->w[i].started)
			pthread_join(s->w[i].th, NULL);
	for (long i = 0; i < s->wcap; i++) {
		struct worker *w = &s->w[i];
		if (w->ep > 0)
			close(w->ep);
		if (w->evfd > 0)
			close(w->evfd);
		pthread_mutex_destroy(&w->mu);
	}
	free(s->w);
	for (int i = 0; i < s->n; i++)
		if (s->l[i].fd >= 0)
			close(s->l[i].fd);
	pthread_mutex_destroy(&s->wr.mu);
	pthread_cond_destroy(&s->wr.cv);
	for (int i = 0; i < ADDR_BUCKETS; i++)
		for (struct addr_node *e = s->addrs[i], *n; e; e = n) {
			n = e->next;
			free(e);
		}
	pthread_mutex_destroy(&s->addr_mu);
	if (s->prio)
		gnutls_priority_deinit(s->prio);
	if (s->cred)
		gnutls_certificate_free_credentials(s->cred);
	free(s);
}

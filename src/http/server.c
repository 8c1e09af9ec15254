/* libmicrohttpd glue: listeners, TLS, body limits, content negotiation, the common response
 * headers and the access log. Everything after the request is assembled happens in the
 * router; this file never interprets a resource. */
#include "http/server.h"

#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "conf.h"
#include "err.h"
#include "api/metrics.h"
#include "http/negotiate.h"
#include "http/throttle.h"
#include "util/arena.h"

#define CONN_MEMORY    (24 * 1024) /* request head and buffers per connection; libmicrohttpd
				       clears it for every request, so it is kept small */
#define HEAD_MAX       (16 * 1024) /* larger request heads are refused (SPEC §2.1) */
#define DROP_MAX       (16u << 20) /* body bytes read and dropped past the cap before closing */
#define HEAD_TIMEOUT_S 10 /* idle seconds allowed before the first request head is complete */
#define CONN_TIMEOUT_S 60 /* idle seconds allowed after it (bodies, keep-alive) */
#define MAX_CONNS      1000
#define ARENA_BASE     (8u << 20)
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

struct listener {
	struct MHD_Daemon *d;
	struct server *srv;
	const char *scheme;
	char hostport[300]; /* for Location when the request has no Host */
};

struct rctx;

/* Writes run one at a time on their own thread, so that a commit waiting for the disk holds
 * no thread that serves reads. */
struct writer {
	pthread_t th;
	bool started, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rctx *head, *tail;
};

struct server {
	struct app *app;
	struct listener l[2];
	int n;
	atomic_int inflight;
	bool access_log;
	struct writer w;
};

/* Per-request state, created when the request line arrives. The assembled request outlives
 * a suspension by the throttle. */
struct rctx {
	struct listener *l;
	struct MHD_Connection *con;
	char *uri;
	struct buf body;
	bool seen, too_large, head_too_large;
	size_t dropped; /* body bytes read past the cap */
	struct timespec t0;
	struct arena *a;
	struct req rq;
	struct resp rs;
	bool throttled;  /* went through throttle_enter */
	int verdict;     /* TH_RUN / TH_REJECT known at once, or -1: ask throttle_resumed */
	struct throttle_wait tw;
	bool written;      /* the writer thread has answered it */
	struct rctx *next; /* in the writer's queue */
};

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
	(void)con;
	struct listener *l = cls;
	struct rctx *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->l = l;
	c->uri = strdup(uri);
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	atomic_fetch_add(&l->srv->inflight, 1);
	return c;
}

static void on_done(void *cls, struct MHD_Connection *con, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	(void)con;
	(void)toe;
	struct listener *l = cls;
	struct rctx *c = *con_cls;
	if (!c)
		return;
	atomic_fetch_sub(&l->srv->inflight, 1);
	if (c->throttled)
		throttle_leave(l->srv->app->throttle, &c->tw); /* ended while waiting */
	buf_free(&c->rs.body);
	arena_free(c->a);
	buf_free(&c->body);
	free(c->uri);
	free(c);
	*con_cls = NULL;
}

static enum MHD_Result add_size(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *value)
{
	(void)kind;
	*(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/* Bytes of the request head: request line and header lines. */
static size_t head_size(struct MHD_Connection *con, const char *uri, const char *method)
{
	size_t n = strlen(method) + strlen(uri) + 12;
	MHD_get_connection_values(con, MHD_HEADER_KIND, add_size, &n);
	return n;
}

static const char *header(void *hctx, const char *name)
{
	return MHD_lookup_connection_value(hctx, MHD_HEADER_KIND, name);
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

static enum MHD_Result reply(struct MHD_Connection *con, struct req *rq, struct resp *rs)
{
	struct MHD_Response *r;
	if (rs->status == 204 || !rs->body.len) {
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	} else {
		/* The body's buffer is handed over, not copied: libmicrohttpd frees it. */
		r = MHD_create_response_from_buffer(rs->body.len, rs->body.data,
						    MHD_RESPMEM_MUST_FREE);
		if (r)
			rs->body = (struct buf){0};
	}
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "Pragma", "no-cache");
	MHD_add_response_header(r, "Expires", "Thu, 01 Jan 1970 00:00:00 GMT");
	MHD_add_response_header(r, "X-Frame-Options", "SAMEORIGIN");
	MHD_add_response_header(r, "X-Request-Id", rq->request_id);
	if (rs->status != 204 && rs->ctype)
		MHD_add_response_header(r, "Content-Type", rs->ctype);
	if (rs->location)
		MHD_add_response_header(r, "Location", rs->location);
	if (rs->allow)
		MHD_add_response_header(r, "Allow", rs->allow);
	if (rs->www_auth)
		MHD_add_response_header(r, "WWW-Authenticate", "Basic realm=\"cupid\"");
	if (rs->close)
		MHD_add_response_header(r, "Connection", "close");
	enum MHD_Result ok = MHD_queue_response(con, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	return ok;
}

static void audit_alone(struct req *rq, const struct resp *rs)
{
	const struct store_handle *st = &rq->app->store;
	if (st->ops->begin(st->s, true))
		return;
	if (api_audit(rq, rs->status, rs->object_id) || st->ops->commit(st->s))
		st->ops->rollback(st->s);
}

static void wake(void *ctx)
{
	struct rctx *c = ctx;
	MHD_resume_connection(c->con);
}

/* Logs, counts and queues the answer, then frees the request's memory. */
static enum MHD_Result finish(struct rctx *c, struct MHD_Connection *con)
{
	struct server *srv = c->l->srv;
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
	if (srv->access_log)
		access_log(rq, rs->status, secs);
	enum MHD_Result ok = reply(con, rq, rs);
	buf_free(&rs->body);
	arena_free(c->a);
	c->a = NULL;
	return ok;
}

#define BATCH_MAX 64 /* writes sharing one commit */

/* Runs the writes queued, as one batch sharing one commit (group commit) when the store can:
 * each request is all or nothing inside it, and no answer goes out before the commit. */
static void write_batch(struct server *srv, struct rctx *list)
{
	const struct store_handle *st = &srv->app->store;
	bool batched = st->ops->batch_begin && !st->ops->batch_begin(st->s);
	for (struct rctx *c = list; c; c = c->next) {
		router_back(&c->rq, &c->rs);
		if (!c->rq.audited && api_auditable(&c->rq)) { /* a write that did not commit */
			audit_alone(&c->rq, &c->rs);
			c->rq.audited = true;
		}
	}
	if (batched && st->ops->batch_end(st->s, true))
		for (struct rctx *c = list; c; c = c->next) {
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
	struct writer *w = &srv->w;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->head && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->head)
			break; /* stopping, and the queue is empty */
		if (!w->head->next && !w->stop) {
			/* One write waiting: let the request threads queue what they have read already,
			 * so that it shares this commit. */
			pthread_mutex_unlock(&w->mu);
			sched_yield();
			pthread_mutex_lock(&w->mu);
		}
		struct rctx *list = w->head, *last = list;
		for (int n = 1; n < BATCH_MAX && last->next; n++)
			last = last->next;
		if (!(w->head = last->next))
			w->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&w->mu);
		write_batch(srv, list);
		for (struct rctx *c = list, *next; c; c = next) {
			next = c->next;
			c->written = true;
			MHD_resume_connection(c->con); /* process() runs again and sends the answer */
		}
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Runs the second half of the router: on this thread for reads, on the writer thread (the
 * connection suspended meanwhile) for everything else. */
static enum MHD_Result dispatch(struct rctx *c, struct MHD_Connection *con)
{
	struct writer *w = &c->l->srv->w;
	if (!w->started || c->rq.method == M_GET || c->rq.method == M_HEAD) {
		router_back(&c->rq, &c->rs);
		return finish(c, con);
	}
	c->con = con;
	c->next = NULL;
	MHD_suspend_connection(con);
	pthread_mutex_lock(&w->mu);
	if (w->tail)
		w->tail->next = c;
	else
		w->head = c;
	w->tail = c;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return MHD_YES;
}

/* Assembles the request and runs the router; an authenticated /vmrest request passes the
 * throttle between the router's two halves, suspended while it waits. */
static enum MHD_Result process(struct rctx *c, struct MHD_Connection *con, const char *method)
{
	struct server *srv = c->l->srv;
	struct app *app = srv->app;
	struct req *rq = &c->rq;
	struct resp *rs = &c->rs;
	if (c->written) /* resumed by the writer thread */
		return finish(c, con);
	if (c->throttled) { /* resumed by the throttle */
		int v = c->verdict >= 0 ? c->verdict : throttle_resumed(app->throttle, &c->tw);
		if (v == TH_REJECT) {
			api_error(rq, rs, ERR_BUSY, "the server is busy; try again later");
			return finish(c, con);
		}
		return dispatch(c, con);
	}
	struct arena *a = arena_new(ARENA_BASE + 4 * (size_t)app->max_body);
	if (!a)
		return MHD_NO;
	c->a = a;
	*rq = (struct req){.app = app, .a = a, .method_name = method, .header = header, .hctx = con};
	rq->method = method_of(method);
	rq->scheme = c->l->scheme;
	rq->listen_host = c->l->hostport;
	rq->host = header(con, "Host");
	rq->request_id = http_request_id(header(con, "X-Request-Id"), a);
	char *q = strchr(c->uri, '?');
	rq->path = q ? arena_strndup(a, c->uri, (size_t)(q - c->uri)) : c->uri;
	rq->query = q ? q + 1 : NULL;
	rq->body = c->body.data ? c->body.data : "";
	rq->body_len = c->body.len;
	const char *ctype = header(con, "Content-Type");
	rq->has_ctype = ctype != NULL;
	rq->in = http_body_format(ctype);
	rq->acceptable = http_negotiate(header(con, "Accept"), &rq->out);
	if (c->head_too_large) {
		api_error(rq, rs, ERR_TOO_LARGE, "the request head is larger than %d bytes", HEAD_MAX);
		rs->close = true;
	} else if (c->too_large) {
		api_error(rq, rs, ERR_TOO_LARGE, "the body is larger than %ld bytes", app->max_body);
		rs->close = true;
	} else {
		if (!router_front(rq, rs)) {
			if (!strncmp(rq->path, "/vmrest/", 8) && throttle_active(app->throttle)) {
				c->con = con;
				c->tw = (struct throttle_wait){.wake = wake, .ctx = c};
				c->throttled = true;
				c->verdict = -1;
				MHD_suspend_connection(con);
				int v = throttle_enter(app->throttle, &c->tw);
				if (v != TH_WAIT) {
					c->verdict = v;
					MHD_resume_connection(con);
				}
				return MHD_YES;
			}
			return dispatch(c, con);
		}
	}
	return finish(c, con);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)url;
	(void)version;
	struct rctx *c = *con_cls;
	if (!c)
		return MHD_NO;
	long max = c->l->srv->app->max_body;
	if (!c->seen) {
		c->seen = true;
		/* The head is complete: from now on the longer idle timeout applies. */
		MHD_set_connection_option(con, MHD_CONNECTION_OPTION_TIMEOUT,
					  (unsigned)CONN_TIMEOUT_S);
		if (head_size(con, c->uri, method) > HEAD_MAX) {
			c->head_too_large = true;
			return process(c, con, method);
		}
		const char *cl = header(con, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > (unsigned long long)max) {
			/* Answer before reading: the connection closes after the 413. */
			c->too_large = true;
			return process(c, con, method);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!c->too_large && c->body.len + *upload_size > (size_t)max) {
			/* A chunked body over the cap. libmicrohttpd can only answer once the body
			 * has ended, so the rest is read and dropped, up to a bound. */
			c->too_large = true;
			buf_free(&c->body);
		}
		if (c->too_large) {
			c->dropped += *upload_size;
			if (c->dropped > DROP_MAX)
				return MHD_NO; /* close: an endless body gets no answer */
		} else {
			buf_put(&c->body, upload, *upload_size);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (c->body.oom)
		return MHD_NO;
	return process(c, con, method);
}

/* Parses "host:port" or "[v6]:port" and starts one daemon on it. */
static int listen_on(struct server *s, struct listener *l, const char *addr, bool tls,
		     const char *cert, const char *key, unsigned threads, char *err, size_t errlen)
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
	l->srv = s;
	l->scheme = tls ? "https" : "http";
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME |
			 (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0) | (tls ? MHD_USE_TLS : 0);
	struct MHD_OptionItem opts[] = {
		{MHD_OPTION_SOCK_ADDR, 0, ai->ai_addr},
		/* libmicrohttpd warns about a pool of one: one thread is no pool */
		{threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_CONNECTION_LIMIT,
		 threads > 1 ? threads : MAX_CONNS, NULL},
		{MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY, NULL},
		{MHD_OPTION_CONNECTION_TIMEOUT, HEAD_TIMEOUT_S, NULL},
		{MHD_OPTION_CONNECTION_LIMIT, MAX_CONNS, NULL},
		{MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, l},
		{MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_done, l},
		{tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)key},
		{MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)TLS_PRIORITIES},
		{MHD_OPTION_END, 0, NULL},
	};
	l->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, l, MHD_OPTION_ARRAY, opts,
				MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!l->d) {
		snprintf(err, errlen, "cannot listen on %s (address in use?)", addr);
		return -1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(l->d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned short bound = info ? info->port : 0;
	bool v6 = strchr(host, ':') != NULL;
	snprintf(l->hostport, sizeof(l->hostport), "%s%s%s:%u", v6 ? "[" : "",
		 *host ? host : "0.0.0.0", v6 ? "]" : "", bound);
	printf("cupid: listening on %s://%s\n", l->scheme, l->hostport);
	fflush(stdout);
	return 0;
}

struct server *server_start(struct app *app, const char *https_listen, const char *http_listen,
			    const char *cert_pem, const char *key_pem, char *err, size_t errlen)
{
	struct server *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->app = app;
	/* Every connection holds a descriptor: make room for MAX_CONNS on each listener (the
	 * usual soft limit, 1024, would refuse accepts long before). */
	struct rlimit rl;
	rlim_t want = 2 * MAX_CONNS + 256;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	const char *level = conf_str(app->conf, "log.level");
	s->access_log = !strcmp(level, "info") || !strcmp(level, "debug");
	/* One thread per CPU this process may run on: more only take turns on the same cores. */
	long threads = conf_int(app->conf, "http.threads");
	cpu_set_t cpus;
	if (!threads)
		threads = sched_getaffinity(0, sizeof(cpus), &cpus) ? 2 : CPU_COUNT(&cpus);
	if (threads < 1)
		threads = 1;
	pthread_mutex_init(&s->w.mu, NULL);
	pthread_cond_init(&s->w.cv, NULL);
	if (pthread_create(&s->w.th, NULL, writer_main, s)) {
		snprintf(err, errlen, "cannot start the writer thread");
		goto fail;
	}
	s->w.started = true;
	if (*https_listen && listen_on(s, &s->l[s->n++], https_listen, true, cert_pem, key_pem,
				       (unsigned)threads, err, errlen))
		goto fail;
	if (*http_listen && listen_on(s, &s->l[s->n++], http_listen, false, NULL, NULL,
				      (unsigned)threads, err, errlen))
		goto fail;
	return s;
fail:
	server_stop(s);
	return NULL;
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	MHD_socket fds[2] = {MHD_INVALID_SOCKET, MHD_INVALID_SOCKET};
	for (int i = 0; i < s->n; i++)
		if (s->l[i].d)
			fds[i] = MHD_quiesce_daemon(s->l[i].d);
	/* Requests in progress get up to 5 s to finish. */
	for (int i = 0; i < 500 && atomic_load(&s->inflight) > 0; i++)
		usleep(10000);
	/* The writer answers what is still queued, then ends, while the daemons still run. */
	if (s->w.started) {
		pthread_mutex_lock(&s->w.mu);
		s->w.stop = true;
		pthread_cond_signal(&s->w.cv);
		pthread_mutex_unlock(&s->w.mu);
		pthread_join(s->w.th, NULL);
	}
	pthread_mutex_destroy(&s->w.mu);
	pthread_cond_destroy(&s->w.cv);
	for (int i = 0; i < s->n; i++)
		if (s->l[i].d)
			MHD_stop_daemon(s->l[i].d);
	/* A quiesced listening socket is ours to close, once no thread of the daemon is left. */
	for (int i = 0; i < s->n; i++)
		if (fds[i] != MHD_INVALID_SOCKET)
			close(fds[i]);
	free(s);
}

/* Fault injection: an array of rules under one mutex, matched in the order they were added. */
#include "api/faults.h"

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "api/routes.h"
#include "codec/codec.h"
#include "err.h"
#include "util/buf.h"

enum action { A_ERROR, A_DELAY, A_DROP };
static const char *const action_names[] = {"error", "delay", "drop"};

struct rule {
	long id;
	char method[16];     /* "" or "*": any */
	char *path;	     /* a pattern: '*' within one segment, '**' across segments */
	char *query;	     /* a substring of the raw query, or NULL */
	char *body;	     /* a substring of the body, or NULL */
	char *field, *value; /* a body field and its value, or NULL */
	long times;	     /* matches it fires for; -1: every one */
	long remaining;
	double probability;
	enum action action;
	int status, err; /* for an error (and a write's cut-off answer) */
	char *message;
	long delay_ms;
	bool mid_body;
	unsigned long hits;
};

struct faults {
	pthread_mutex_t mu;
	struct rule *r;
	size_t n, cap;
	long next_id;
	uint64_t rng;
	unsigned long fired[3];
};

struct faults *faults_new(void)
{
	struct faults *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	pthread_mutex_init(&f->mu, NULL);
	f->next_id = 1;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	f->rng = (uint64_t)ts.tv_nsec * 6364136223846793005ull + (uint64_t)ts.tv_sec + 1;
	return f;
}

static void rule_free(struct rule *r)
{
	free(r->path);
	free(r->query);
	free(r->body);
	free(r->field);
	free(r->value);
	free(r->message);
}

void faults_free(struct faults *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		rule_free(&f->r[i]);
	free(f->r);
	pthread_mutex_destroy(&f->mu);
	free(f);
}

/* '*' matches any run of characters but '/', '**' any run at all. */
static bool glob(const char *p, const char *s)
{
	for (; *p; p++, s++) {
		if (*p == '*') {
			bool deep = p[1] == '*';
			p += deep ? 2 : 1;
			for (;; s++) {
				if (glob(p, s))
					return true;
				if (!*s || (!deep && *s == '/'))
					return false;
			}
		}
		if (*p != *s)
			return false;
	}
	return !*s;
}

/* A body field and its value, as XML (<F>V</F>) or JSON ("F":"V" or "F":V, spaces around
 * the colon allowed). Textual: no parse. */
static bool has_field(const char *body, size_t n, const char *name, const char *value)
{
	char xml[300];
	snprintf(xml, sizeof(xml), "<%s>%s</%s>", name, value, name);
	if (memmem(body, n, xml, strlen(xml)))
		return true;
	char key[120];
	snprintf(key, sizeof(key), "\"%s\"", name);
	size_t kl = strlen(key), vl = strlen(value);
	const char *end = body + n;
	for (const char *p = body; (p = memmem(p, (size_t)(end - p), key, kl)); p++) {
		const char *v = p + kl;
		while (v < end && strchr(" \t\r\n", *v))
			v++;
		if (v >= end || *v != ':')
			continue;
		for (v++; v < end && strchr(" \t\r\n", *v); v++)
			;
		bool quoted = v < end && *v == '"';
		v += quoted;
		if ((size_t)(end - v) < vl || memcmp(v, value, vl))
			continue;
		v += vl;
		if (quoted ? v < end && *v == '"' : v == end || strchr(",}] \t\r\n", *v))
			return true;
	}
	return false;
}

static bool matches(const struct rule *r, const struct req *rq)
{
	if (r->remaining == 0)
		return false;
	if (r->method[0] && strcmp(r->method, "*") && strcasecmp(r->method, rq->method_name))
		return false;
	char path[2048];
	size_t pl = strlen(rq->path);
	if (pl >= sizeof(path))
		return false;
	memcpy(path, rq->path, pl + 1);
	if (pl > 1 && path[pl - 1] == '/')
		path[pl - 1] = 0; /* one trailing slash, as the router ignores it */
	if (!glob(r->path, path))
		return false;
	if (r->query && (!rq->query || !strstr(rq->query, r->query)))
		return false;
	if (r->body && (!rq->body || !memmem(rq->body, rq->body_len, r->body, strlen(r->body))))
		return false;
	if (r->field && (!rq->body || !has_field(rq->body, rq->body_len, r->field, r->value)))
		return false;
	return true;
}

static double draw(struct faults *f)
{
	f->rng ^= f->rng << 13;
	f->rng ^= f->rng >> 7;
	f->rng ^= f->rng << 17;
	return (double)(f->rng >> 11) / 9007199254740992.0;
}

bool faults_apply(struct faults *f, struct req *rq, struct resp *rs)
{
	if (!f || !f->n || (rq->route && (rq->route->flags & R_NOFAULT)))
		return false;
	pthread_mutex_lock(&f->mu);
	struct rule *hit = NULL;
	for (size_t i = 0; i < f->n && !hit; i++) {
		struct rule *r = &f->r[i];
		if (matches(r, rq) && (r->probability >= 1 || draw(f) < r->probability))
			hit = r;
	}
	if (!hit) {
		pthread_mutex_unlock(&f->mu);
		return false;
	}
	hit->hits++;
	if (hit->remaining > 0)
		hit->remaining--;
	f->fired[hit->action]++;
	struct rule r = *hit;
	char message[300];
	snprintf(message, sizeof(message), "%s", r.message ? r.message : "");
	pthread_mutex_unlock(&f->mu);
	rs->fault = r.id;
	rs->delay_ms = r.delay_ms;
	bool reading = rq->method == M_GET || rq->method == M_HEAD;
	if (r.action == A_DROP) {
		rs->drop = r.mid_body ? RESP_DROP_MID_BODY : RESP_DROP_AT_ONCE;
		if (r.mid_body && reading)
			return false; /* the real answer, cut in the middle */
	} else if (r.action == A_DELAY) {
		return false;
	}
	if (!*message)
		snprintf(message, sizeof(message), "fault injected by rule %ld", r.id);
	api_error(rq, rs, r.err, "%s", message);
	rs->status = r.status;
	return true;
}

/* --- the rules as JSON ------------------------------------------------------------------- */

static void str_or_null(struct buf *b, const char *key, const char *v)
{
	buf_printf(b, ",\"%s\":", key);
	if (v)
		codec_json_str(b, v);
	else
		buf_puts(b, "null");
}

static void rule_json(struct buf *b, const struct rule *r)
{
	buf_printf(b, "{\"id\":%ld,\"method\":", r->id);
	codec_json_str(b, r->method[0] ? r->method : "*");
	str_or_null(b, "path", r->path);
	str_or_null(b, "query", r->query);
	str_or_null(b, "bodyContains", r->body);
	str_or_null(b, "field", r->field);
	str_or_null(b, "value", r->value);
	buf_printf(b, ",\"action\":\"%s\"", action_names[r->action]);
	if (r->action == A_ERROR || (r->action == A_DROP && r->mid_body))
		buf_printf(b, ",\"status\":%d,\"code\":\"%s\"", r->status, api_err_code(r->err));
	str_or_null(b, "message", r->message);
	buf_printf(b, ",\"delayMs\":%ld", r->delay_ms);
	if (r->action == A_DROP)
		buf_printf(b, ",\"drop\":\"%s\"", r->mid_body ? "midBody" : "beforeResponse");
	if (r->times >= 0)
		buf_printf(b, ",\"times\":%ld,\"remaining\":%ld", r->times, r->remaining);
	else
		buf_puts(b, ",\"times\":null,\"remaining\":null");
	buf_printf(b, ",\"probability\":%g,\"hits\":%lu}", r->probability, r->hits);
}

void faults_list(struct faults *f, struct buf *out)
{
	buf_puts(out, "{\"faults\":[");
	if (f) {
		pthread_mutex_lock(&f->mu);
		for (size_t i = 0; i < f->n; i++) {
			if (i)
				buf_putc(out, ',');
			rule_json(out, &f->r[i]);
		}
		pthread_mutex_unlock(&f->mu);
	}
	buf_puts(out, "]}");
}

int faults_remove(struct faults *f, long id)
{
	int rc = id ? ERR_NOT_FOUND : 0;
	pthread_mutex_lock(&f->mu);
	for (size_t i = 0; i < f->n;) {
		if (id && f->r[i].id != id) {
			i++;
			continue;
		}
		rule_free(&f->r[i]);
		memmove(&f->r[i], &f->r[i + 1], (f->n - i - 1) * sizeof(f->r[0]));
		f->n--;
		rc = 0;
	}
	pthread_mutex_unlock(&f->mu);
	return rc;
}

void faults_fired(struct faults *f, unsigned long *error, unsigned long *delay, unsigned long *drop)
{
	pthread_mutex_lock(&f->mu);
	*error = f->fired[A_ERROR];
	*delay = f->fired[A_DELAY];
	*drop = f->fired[A_DROP];
	pthread_mutex_unlock(&f->mu);
}

/* --- a rule from JSON -------------------------------------------------------------------- */

static int err_of_code(const char *code)
{
	for (int e = -1; e >= -ERR_COUNT; e--)
		if (!strcmp(api_err_code(e), code))
			return e;
	return 0;
}

static int err_of_status(int status)
{
	for (int e = -1; e >= -ERR_COUNT; e--)
		if (api_err_status(e) == status)
			return e;
	return status >= 500 ? ERR_INTERNAL : ERR_INVALID;
}

/* A string member of at most max bytes, copied; NULL when absent. Sets *bad on a wrong type. */
static char *opt_str(json_t *o, const char *key, size_t max, char *err, size_t errlen, bool *bad)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v) || json_string_length(v) > max || !json_string_length(v) ||
	    memchr(json_string_value(v), 0, json_string_length(v))) {
		snprintf(err, errlen, "%s: must be a string of 1 to %zu characters", key, max);
		*bad = true;
		return NULL;
	}
	return strdup(json_string_value(v));
}

int faults_add(struct faults *f, const char *body, size_t len, struct buf *out, char *err,
	       size_t errlen)
{
	static const char *const keys[] = {
	    "method",	   "path",   "query",  "bodyContains", "field",	  "value",   "times",
	    "probability", "action", "status", "code",	       "message", "delayMs", "drop"};
	json_error_t je;
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	struct rule r = {.times = -1, .remaining = -1, .probability = 1, .action = A_ERROR};
	bool bad = false;
	const char *key;
	json_t *v;
	if (!json_is_object(o)) {
		snprintf(err, errlen, "the body must be a JSON object (a fault rule)");
		goto fail;
	}
	json_object_foreach(o, key, v)
	{
		size_t k = 0;
		while (k < sizeof(keys) / sizeof(keys[0]) && strcmp(keys[k], key))
			k++;
		if (k == sizeof(keys) / sizeof(keys[0])) {
			snprintf(err, errlen, "%.60s: not a field of a fault rule", key);
			goto fail;
		}
	}
	char *method = opt_str(o, "method", sizeof(r.method) - 1, err, errlen, &bad);
	if (bad)
		goto fail;
	snprintf(r.method, sizeof(r.method), "%s", method ? method : "*");
	free(method);
	r.path = opt_str(o, "path", 1000, err, errlen, &bad);
	if (!bad && (!r.path || r.path[0] != '/')) {
		snprintf(err, errlen, "path: required, a path pattern starting with /");
		bad = true;
	}
	if (!bad)
		r.query = opt_str(o, "query", 1000, err, errlen, &bad);
	if (!bad)
		r.body = opt_str(o, "bodyContains", 1000, err, errlen, &bad);
	if (!bad)
		r.field = opt_str(o, "field", 100, err, errlen, &bad);
	if (!bad)
		r.value = opt_str(o, "value", 100, err, errlen, &bad);
	if (!bad)
		r.message = opt_str(o, "message", 200, err, errlen, &bad);
	if (bad)
		goto fail;
	if (!r.field != !r.value) {
		snprintf(err, errlen, "field and value: give both or neither");
		goto fail;
	}
	if ((v = json_object_get(o, "times")) && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 1000000000) {
			snprintf(err, errlen, "times: must be an integer from 1 to 1000000000");
			goto fail;
		}
		r.times = r.remaining = (long)json_integer_value(v);
	}
	if ((v = json_object_get(o, "probability"))) {
		if (!json_is_number(v) || json_number_value(v) <= 0 || json_number_value(v) > 1) {
			snprintf(err, errlen, "probability: must be a number above 0, at most 1");
			goto fail;
		}
		r.probability = json_number_value(v);
	}
	if ((v = json_object_get(o, "delayMs"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 600000) {
			snprintf(err, errlen, "delayMs: must be an integer from 0 to 600000");
			goto fail;
		}
		r.delay_ms = (long)json_integer_value(v);
	}
	json_t *st = json_object_get(o, "status"), *code = json_object_get(o, "code");
	if (st && (!json_is_integer(st) || json_integer_value(st) < 400 ||
		   json_integer_value(st) > 599)) {
		snprintf(err, errlen, "status: must be an integer from 400 to 599");
		goto fail;
	}
	if (code && (!json_is_string(code) || !err_of_code(json_string_value(code)))) {
		snprintf(err, errlen, "code: must be one of the CUPI error codes (SPEC §4.1)");
		goto fail;
	}
	r.err = code ? err_of_code(json_string_value(code))
		: st ? err_of_status((int)json_integer_value(st))
		     : 0;
	r.status = st ? (int)json_integer_value(st) : r.err ? api_err_status(r.err) : 0;
	json_t *act = json_object_get(o, "action"), *drop = json_object_get(o, "drop");
	const char *a = act && json_is_string(act) ? json_string_value(act) : NULL;
	if (act && (!a || (strcmp(a, "error") && strcmp(a, "delay") && strcmp(a, "drop")))) {
		snprintf(err, errlen, "action: must be \"error\", \"delay\" or \"drop\"");
		goto fail;
	}
	if (!a) /* inferred: an error when a status or code is given, else latency alone */
		a = drop ? "drop" : r.status ? "error" : "delay";
	r.action = !strcmp(a, "error") ? A_ERROR : !strcmp(a, "delay") ? A_DELAY : A_DROP;
	if (drop) {
		const char *d = json_is_string(drop) ? json_string_value(drop) : "";
		if (r.action != A_DROP || (strcmp(d, "beforeResponse") && strcmp(d, "midBody"))) {
			snprintf(err, errlen,
				 "drop: \"beforeResponse\" or \"midBody\", with action \"drop\"");
			goto fail;
		}
		r.mid_body = !strcmp(d, "midBody");
	}
	if (r.action == A_ERROR && !r.status) {
		snprintf(err, errlen, "an error rule needs a status or a code");
		goto fail;
	}
	if (r.action == A_DELAY && (r.status || !r.delay_ms)) {
		snprintf(err, errlen,
			 r.status ? "a delay rule answers normally: no status or code"
				  : "a delay rule needs delayMs above 0");
		goto fail;
	}
	if (r.action == A_DROP && !r.status) { /* a write cut mid-body is cut from this answer */
		r.err = ERR_BUSY;
		r.status = 503;
	}
	json_decref(o);
	o = NULL;
	pthread_mutex_lock(&f->mu);
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 8;
		struct rule *nr = cap <= 10000 ? realloc(f->r, cap * sizeof(*nr)) : NULL;
		if (!nr) {
			pthread_mutex_unlock(&f->mu);
			snprintf(err, errlen, "too many fault rules");
			goto fail;
		}
		f->r = nr;
		f->cap = cap;
	}
	r.id = f->next_id++;
	f->r[f->n++] = r;
	rule_json(out, &r);
	pthread_mutex_unlock(&f->mu);
	return 0;
fail:
	json_decref(o);
	rule_free(&r);
	return ERR_INVALID;
}

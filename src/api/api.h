/* What a handler sees: the parsed request, the response it fills, and the server state it may
 * use. Handlers never touch the socket. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "codec/body.h"
#include "store/store.h"
#include "util/buf.h"

struct conf;
struct route;

enum method { M_GET = 1, M_HEAD = 2, M_POST = 4, M_PUT = 8, M_DELETE = 16, M_OTHER = 32 };
enum role { ROLE_NONE, ROLE_READONLY, ROLE_ADMIN };

/* Process-wide state, set up by main and read by every request. */
struct app {
	const struct conf *conf;
	struct store_handle store;
	long max_body;
	long license;        /* license.voice_ports, 0 = 250 per VMS server */
	long max_port_groups;
	bool allow_odd;
	bool allow_reset;
	const char *public_url;
	const char *version; /* cupi.version */
	struct auth_cache *auth;
	struct cache *cache; /* rendered GET bodies (api/cache.h); NULL: none */
	struct throttle *throttle;
	struct guard *guard;  /* failed logins per client address (api/guard.h) */
	struct journal *journal; /* the last requests (api/journal.h) */
	struct faults *faults;   /* fault injection rules (api/faults.h) */
	long lockout_failures, lockout_minutes, lockout_reset_minutes; /* auth.lockout_* */
	long audit_max; /* audit.max_entries */
};

struct param {
	const char *name, *value; /* decoded; value NULL when the decoding failed */
};

struct req {
	struct app *app;
	struct arena *a;
	enum method method;
	const char *method_name;
	const char *path;         /* raw path, without the query */
	const char *query;        /* raw query, or NULL */
	char **seg;               /* percent-decoded path segments */
	size_t nseg;
	bool bad_path;            /* a segment did not decode: 400 at the routing step */
	const char *id;           /* the {id} segment of the matched route; below a parent, the
				     child's id segment (NULL on the sub-collection itself) */
	const char *pid;          /* below a parent (a sub-collection): the parent's id */
	const struct route *route;
	const char *body;
	size_t body_len;
	enum fmt out;             /* response format chosen from Accept */
	bool acceptable;          /* Accept allows XML or JSON */
	enum fmt in;              /* request body format from Content-Type; 0 if none/other */
	bool has_ctype;
	const char *user;
	enum role role;
	const char *scheme, *host, *listen_host;
	const char *peer;         /* the client's address, as text */
	const char *request_id;
	/* request header lookup, case-insensitive */
	const char *(*header)(void *hctx, const char *name);
	/* the i-th request header, in the order sent: false past the last */
	bool (*header_at)(void *hctx, size_t i, const char **name, const char **value);
	void *hctx;
	bool audited; /* its audit entry is written */
};

struct resp {
	int status;
	struct buf body;
	const char *ctype;
	const char *location;
	const char *allow;
	bool www_auth;
	long retry_after; /* seconds for Retry-After; 0: none */
	bool close;
	int drop; /* RESP_DROP_*: the connection is reset instead of (part of) the answer */
	long delay_ms; /* wait this long before going on (a fault's latency) */
	long fault;    /* the id of the fault rule that fired; 0: none */
	const char *object_id; /* the object a write touched, for the audit log */
};

enum {
	RESP_DROP_NONE,
	RESP_DROP_AT_ONCE,  /* reset before any byte of the response */
	RESP_DROP_MID_BODY, /* the head and half of the body, then a reset */
};

/* The route table's checks of SPEC §4.2, in two halves so that the throttle (step 5) can
 * suspend a request between them. router_front: steps 3-4 (paths outside /vmrest and
 * /cupid, route lookup, authentication); returns true when it answered. router_back: steps
 * 6-9 and the handler; always answers. */
bool router_front(struct req *rq, struct resp *rs);
void router_back(struct req *rq, struct resp *rs);

/* Fills rs with an error: the status and code of err (ERR_*) and an ErrorDetails body in the
 * request's format (/cupid paths: JSON). msg is one line. Returns the status. */
int api_error(struct req *rq, struct resp *rs, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Status and CUPI code of an ERR_* value. */
int api_err_status(int err);
const char *api_err_code(int err);

/* Parses the request body (for POST and PUT) with the resource's element name; on a syntax
 * error fills rs with 400 and returns ERR_INVALID. */
int api_body(struct req *rq, struct resp *rs, const char *elem, struct body *b);
/* Sets a 201 response for the object at path (relative URI), with Location. */
int api_created(struct req *rq, struct resp *rs, const char *path);
/* Writes a single object or a listing of r as the response (200). */
int api_send_obj(struct req *rq, struct resp *rs, const struct resource *r, const struct obj *o);
int api_send_list(struct req *rq, struct resp *rs, const struct resource *r,
		  const struct listq *q);
/* The Content-Type of a /vmrest body in format f. */
const char *api_ctype(enum fmt f);
/* Writes a /cupid JSON body (already serialised) with status. */
int api_json(struct resp *rs, int status, const char *json);
/* True when rq is an authenticated write that SPEC §6.5 audits. */
bool api_auditable(const struct req *rq);
/* Writes rq's audit entry with status and the object it touched (NULL: none; ignored for
 * /cupid paths) when rq is a write that SPEC §6.5 audits; otherwise does nothing. */
int api_audit(struct req *rq, int status, const char *object_id);
/* A fresh lower-case v4 GUID (36 chars + NUL) from the arena. */
char *api_guid(struct arena *a);
/* The same into out (36 chars + NUL), with no allocation. Returns 0 or -1. */
int api_guid_into(char out[37]);

/* Handlers: int handler(struct req *rq, struct resp *rs) returns the HTTP status. */
#define HANDLER(name) int name(struct req *rq __attribute__((unused)), struct resp *rs)

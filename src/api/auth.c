/* Basic authentication: header decoding, a cache of verified credentials, and the start-up
 * user rules of SPEC §6.9. */
#include "api/auth.h"

#include <ctype.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "api/guard.h"
#include "api/metrics.h"
#include "conf.h"
#include "err.h"
#include "api/passwd.h"
#include "util/arena.h"
#include "util/hash.h"
#include "util/b64.h"

#define CACHE_SLOTS 256
#define CACHE_TTL   5   /* seconds: a password changed by another process takes effect */
#define HDR_MAX     512 /* longer headers are verified but not remembered */

struct auth_entry {
	char hdr[HDR_MAX];
	char user[AUTH_USER_MAX + 1];
	enum role role;
	time_t expires;
};

struct auth_cache {
	pthread_mutex_t mu;
	struct auth_entry e[CACHE_SLOTS];
};

struct auth_cache *auth_cache_new(void)
{
	struct auth_cache *c = calloc(1, sizeof(*c));
	if (c)
		pthread_mutex_init(&c->mu, NULL);
	return c;
}

void auth_cache_free(struct auth_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void auth_cache_forget(struct auth_cache *c, const char *user)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	for (unsigned i = 0; i < CACHE_SLOTS; i++)
		if (!strcmp(c->e[i].user, user))
			memset(&c->e[i], 0, sizeof(c->e[i]));
	pthread_mutex_unlock(&c->mu);
}

static unsigned slot_of(const char *s)
{
	return fnv1a(s, strlen(s), FNV_SEED) % CACHE_SLOTS;
}

static time_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static enum role role_of(const char *s)
{
	return !strcmp(s, "administrator") ? ROLE_ADMIN
	       : !strcmp(s, "readonly")    ? ROLE_READONLY
					   : ROLE_NONE;
}

int auth_decode(const char *hdr, char user[AUTH_USER_MAX + 1], unsigned char dec[AUTH_DEC_MAX],
		const char **pw, size_t *pwlen)
{
	if (strncasecmp(hdr, "Basic ", 6))
		return ERR_AUTH;
	const char *b = hdr + 6;
	while (*b == ' ')
		b++;
	size_t n = strlen(b);
	while (n && b[n - 1] == ' ')
		n--;
	if (n > AUTH_B64_MAX)
		return ERR_AUTH;
	long len = b64_decode(b, n, dec);
	if (len < 0)
		return ERR_AUTH;
	dec[len] = 0;
	char *colon = memchr(dec, ':', (size_t)len);
	if (!colon || colon == (char *)dec || colon - (char *)dec > AUTH_USER_MAX)
		return ERR_AUTH;
	size_t ulen = (size_t)(colon - (char *)dec);
	/* A NUL would cut the name short: "admin\0x:pw" must not be read as user "admin". */
	if (memchr(dec, 0, ulen))
		return ERR_AUTH;
	for (size_t i = 0; i < ulen; i++)
		user[i] = (char)tolower(dec[i]);
	user[ulen] = 0;
	*pw = colon + 1;
	*pwlen = (size_t)len - ulen - 1;
	return 0;
}

/* A hash of a random password, made once: an unknown user name is checked against it, so that
 * it costs the same hashing as a wrong password and the answer time does not tell which user
 * names exist. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[PASSWD_HASH_MAX];

static void dummy_init(void)
{
	char pw[21];
	if (passwd_random(pw, 20) || passwd_hash(pw, 20, dummy_hash))
		dummy_hash[0] = 0;
}

/* Verifies user:password against the database (the slow path). */
static int verify(struct req *rq, const char *hdr, char *user, enum role *role)
{
	unsigned char dec[AUTH_DEC_MAX];
	const char *pw;
	size_t pwlen;
	if (auth_decode(hdr, user, dec, &pw, &pwlen))
		return ERR_AUTH; /* no password was checked: nothing for the guard to count */
	struct app *app = rq->app;
	/* Stored passwords are text (settings, the terminal) and never hold a NUL, and PBKDF2's
	 * HMAC pads a short key with zeros, so "pw\0" would hash as "pw": refuse any NUL. */
	if (memchr(pw, 0, pwlen)) {
		guard_failed(app->guard, rq->peer, user, pw, pwlen);
		return ERR_AUTH;
	}
	struct user_rec u;
	struct store_handle *st = &app->store;
	int rc = store_user_get(st, user, &u);
	if (rc && rc != ERR_NOT_FOUND)
		return rc; /* an unreachable database is not a wrong password (SPEC §4.1: 503) */
	bool known = rc == 0;
	if (!known) {
		pthread_once(&dummy_once, dummy_init);
		(void)passwd_verify(pw, pwlen, dummy_hash);
		guard_failed(app->guard, rq->peer, user, pw, pwlen);
		return ERR_AUTH;
	}
	bool ok = passwd_verify(pw, pwlen, u.hash);
	long long wall = (long long)time(NULL);
	if (!ok || u.locked_until == -1 || u.locked_until > wall)
		guard_failed(app->guard, rq->peer, user, pw, pwlen);
	if (u.locked_until == -1 || u.locked_until > wall)
		return ERR_AUTH; /* locked: the same 401 as a wrong password, whatever was sent */
	if (!ok) {
		if (app->lockout_failures > 0) {
			bool locked = false;
			long long until = app->lockout_minutes ? wall + 60LL * app->lockout_minutes : -1;
			/* The name's cached good login goes, so that the next one comes here and
			 * starts the count again (or finds the lock). */
			auth_cache_forget(app->auth, user);
			if (!store_user_failed(st, user, wall, 60L * app->lockout_reset_minutes,
					       app->lockout_failures, until, &locked) &&
			    locked) {
				metrics_auth_lockout();
				fprintf(stderr, "cupid: user \"%s\" locked after %ld failed logins\n", user,
					app->lockout_failures);
			}
		}
		return ERR_AUTH;
	}
	if (u.failures > 0 || u.locked_until)
		(void)store_user_unlock(st, user); /* a good login starts the count again */
	*role = role_of(u.role);
	return *role == ROLE_NONE ? ERR_AUTH : 0;
}

int auth_check(struct req *rq, long *wait)
{
	const char *hdr = rq->header(rq->hctx, "Authorization");
	if (!hdr)
		return ERR_AUTH;
	struct auth_cache *c = rq->app->auth;
	struct guard *g = rq->app->guard;
	/* While any login has failed lately, a held-off name waits before anything is checked,
	 * even with the right password (else the throttle would only hide the answer). */
	char name[AUTH_USER_MAX + 1] = "";
	bool guarded = guard_active(g);
	if (guarded) {
		unsigned char dec[AUTH_DEC_MAX];
		const char *pw;
		size_t pwlen;
		if (auth_decode(hdr, name, dec, &pw, &pwlen))
			name[0] = 0;
		else if ((*wait = guard_wait(g, rq->peer, name)) > 0)
			return ERR_TOO_MANY;
	}
	unsigned slot = slot_of(hdr);
	bool cacheable = strlen(hdr) < HDR_MAX;
	time_t now = now_s();
	if (cacheable) {
		pthread_mutex_lock(&c->mu);
		struct auth_entry *e = &c->e[slot];
		/* The cached header holds a password: compare it in constant time. */
		size_t hlen = strlen(hdr);
		if (e->expires > now && strlen(e->hdr) == hlen &&
		    !gnutls_memcmp(e->hdr, hdr, hlen)) {
			rq->user = arena_strdup(rq->a, e->user);
			rq->role = e->role;
			pthread_mutex_unlock(&c->mu);
			if (guarded)
				guard_ok(g, rq->peer, rq->user);
			return 0;
		}
		pthread_mutex_unlock(&c->mu);
	}
	char user[AUTH_USER_MAX + 1];
	enum role role;
	int rc = verify(rq, hdr, user, &role);
	if (rc)
		return rc;
	rq->user = arena_strdup(rq->a, user);
	rq->role = role;
	if (guarded)
		guard_ok(g, rq->peer, user);
	if (cacheable) {
		pthread_mutex_lock(&c->mu);
		struct auth_entry *e = &c->e[slot];
		snprintf(e->hdr, sizeof(e->hdr), "%s", hdr);
		snprintf(e->user, sizeof(e->user), "%s", user);
		e->role = role;
		e->expires = now + CACHE_TTL;
		pthread_mutex_unlock(&c->mu);
	}
	return 0;
}

static int put_user(struct store_handle *st, const char *name, const char *role,
		    const char *password)
{
	char lower[65], hash[PASSWD_HASH_MAX];
	size_t n = strlen(name);
	if (n > 64)
		return -1;
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	if (passwd_hash(password, strlen(password), hash))
		return -1;
	return store_user_put(st, lower, role, hash);
}

int auth_init_users(struct app *app, const struct conf *conf, char *err, size_t errlen)
{
	struct store_handle *st = &app->store;
	int rc = st->ops->begin(st->s, true);
	for (size_t i = 0; !rc && i < conf->nusers; i++)
		rc = put_user(st, conf->users[i].name, conf->users[i].role,
			      conf->users[i].password);
	long n = 0;
	if (!rc)
		rc = store_user_count(st, &n);
	char generated[21] = "";
	if (!rc && n == 0) {
		const char *pw = conf_str(conf, "admin_password");
		if (!*pw) {
			rc = passwd_random(generated, 20);
			pw = generated;
		}
		if (!rc)
			rc = put_user(st, "admin", "administrator", pw);
	}
	if (!rc)
		rc = st->ops->commit(st->s);
	if (rc) {
		st->ops->rollback(st->s);
		snprintf(err, errlen, "cannot set up users in the database");
		return -1;
	}
	if (*generated)
		fprintf(stderr, "cupid: created user \"admin\" with password %s\n", generated);
	return 0;
}

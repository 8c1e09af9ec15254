/* Basic authentication against the users in the database, with the verified credentials
 * remembered so that a request with known-good credentials costs no hashing (SPEC §2.2). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct app;
struct conf;
struct req;

struct auth_cache;

/* Returns a new, empty cache; free with auth_cache_free (NULL is a no-op). */
struct auth_cache *auth_cache_new(void);
void auth_cache_free(struct auth_cache *c);
/* Forgets every remembered login of user (it was locked or changed). */
void auth_cache_forget(struct auth_cache *c, const char *user);

#define AUTH_USER_MAX 64   /* longest user name (SPEC §6.9) */
#define AUTH_B64_MAX  1024 /* longer base64 credentials are refused */
#define AUTH_DEC_MAX  (AUTH_B64_MAX / 4 * 3 + 1)

/* Decodes an Authorization header value: the "Basic" scheme (any letter case), spaces, then
 * padded base64 of user:password. On success writes the lower-cased user name (1-64 bytes, no
 * NUL) into user, the decoded bytes into dec, and points *pw at the password inside dec
 * (*pwlen bytes, which may include NULs). Returns 0 or ERR_AUTH. Pure: no I/O, no state. */
int auth_decode(const char *hdr, char user[AUTH_USER_MAX + 1], unsigned char dec[AUTH_DEC_MAX],
		const char **pw, size_t *pwlen);

/* Checks rq's Authorization header; on success sets rq->user and rq->role and returns 0,
 * otherwise returns ERR_AUTH, ERR_TOO_MANY with *wait (seconds) while the name is held off
 * from rq->peer after too many failed logins (api/guard.h), or ERR_BUSY / ERR_INTERNAL when
 * the users could not be read. */
int auth_check(struct req *rq, long *wait);

/* At start: creates or updates every user.<name> setting, then creates "admin" when the
 * database holds no user (SPEC §6.9). Returns 0 or -1 with err. */
int auth_init_users(struct app *app, const struct conf *conf, char *err, size_t errlen);

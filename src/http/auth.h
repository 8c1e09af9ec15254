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

/* Checks rq's Authorization header; on success sets rq->user and rq->role and returns 0,
 * otherwise returns ERR_AUTH. */
int auth_check(struct req *rq);

/* At start: creates or updates every user.<name> setting, then creates "admin" when the
 * database holds no user (SPEC §6.9). Returns 0 or -1 with err. */
int auth_init_users(struct app *app, const struct conf *conf, char *err, size_t errlen);

/* The failed-login throttle: per client address and user name, a window in which a number of
 * distinct wrong passwords is allowed; past it, that user's logins from that address wait for
 * the window's end (429 with Retry-After). The same wrong password again counts once (it
 * teaches a guesser nothing), and a good login starts the count again. The address alone is
 * allowed five times as many distinct failures over all names, then every login from it waits.
 * Memory is a fixed table: a pair or address that has not failed for a window is forgotten. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct guard;

/* Returns a guard allowing max_failures failed logins per address and user per window_s
 * seconds (max_failures 0: never throttles); NULL on OOM. Free with guard_free (NULL: no-op). */
struct guard *guard_new(long max_failures, long window_s);
void guard_free(struct guard *g);
/* Whether any login failed within the last window: when not, the calls below have nothing to
 * look at and may be skipped. One atomic load. */
bool guard_active(const struct guard *g);
/* Seconds user must still wait before logging in again from addr; 0 when it may now. */
long guard_wait(struct guard *g, const char *addr, const char *user);
/* Counts a failed login of user from addr with the given password (pwlen bytes). */
void guard_failed(struct guard *g, const char *addr, const char *user, const void *pw,
		  size_t pwlen);
/* A good login of user from addr: its count starts again. */
void guard_ok(struct guard *g, const char *addr, const char *user);

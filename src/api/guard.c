/* The failed-login throttle (README "Security"): a fixed table of (client address, user name)
 * pairs and of client addresses alone, each with the start of its current window, the failed
 * logins in it and a fingerprint of each wrong password (for an address: name and password)
 * seen, so that a repeated one counts once. An address alone may fail ADDR_FACTOR times as
 * often as one name from it: guessing many names from one address is held off too. */
#include "api/guard.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/hash.h"

#define SLOTS	    4096 /* pairs tracked at once */
#define PROBE	    8	 /* slots looked at for one pair */
#define KEY_MAX	    120	 /* "u\naddress\nuser": 2 + 46 + 1 + 64, and a NUL */
#define FP_MAX	    128 /* distinct passwords remembered per slot; past them every failure counts */
#define ADDR_FACTOR 5

struct slot {
	char key[KEY_MAX]; /* "" when free */
	time_t start;	   /* the window began */
	long failures;	   /* in it */
	uint32_t fp[FP_MAX];
};

struct guard {
	pthread_mutex_t mu;
	long max, window;
	_Atomic long long last; /* the latest failure (monotonic seconds); 0: none yet */
	struct slot s[SLOTS];
};

struct guard *guard_new(long max_failures, long window_s)
{
	struct guard *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	pthread_mutex_init(&g->mu, NULL);
	g->max = max_failures;
	g->window = window_s > 0 ? window_s : 1;
	return g;
}

void guard_free(struct guard *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->mu);
	free(g);
}

static time_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

bool guard_active(const struct guard *g)
{
	if (!g || !g->max)
		return false;
	long long last = atomic_load_explicit(&g->last, memory_order_relaxed);
	return last && now_s() - last < g->window;
}

/* A pair's key, or with user NULL the address's own ("a\n" + address: no pair's key). */
static void key_of(char key[KEY_MAX], const char *addr, const char *user)
{
	if (user)
		snprintf(key, KEY_MAX, "u\n%s\n%s", addr ? addr : "", user);
	else
		snprintf(key, KEY_MAX, "a\n%s", addr ? addr : "");
}

/* The slot of key, or with create a slot for it (a free or expired one, else the one whose
 * window is oldest); NULL when it is not tracked. Called with mu held. */
static struct slot *find(struct guard *g, const char *key, time_t now, int create)
{
	uint32_t h = fnv1a(key, strlen(key), FNV_SEED);
	struct slot *spare = NULL, *oldest = NULL;
	for (unsigned i = 0; i < PROBE; i++) {
		struct slot *s = &g->s[(h + i) % SLOTS];
		if (s->key[0] && !strcmp(s->key, key))
			return s;
		if (!s->key[0] || now - s->start >= g->window) {
			if (!spare)
				spare = s; /* free, or its window is over: nothing to keep */
		} else if (!oldest || s->start < oldest->start) {
			oldest = s;
		}
	}
	if (!create)
		return NULL;
	struct slot *victim = spare ? spare : oldest;
	snprintf(victim->key, sizeof(victim->key), "%s", key);
	victim->start = now;
	victim->failures = 0;
	return victim;
}

long guard_wait(struct guard *g, const char *addr, const char *user)
{
	if (!guard_active(g))
		return 0;
	char key[2][KEY_MAX];
	key_of(key[0], addr, user);
	key_of(key[1], addr, NULL);
	time_t now = now_s();
	long wait = 0;
	pthread_mutex_lock(&g->mu);
	for (int k = 0; k < 2; k++) {
		struct slot *s = find(g, key[k], now, 0);
		long max = k ? ADDR_FACTOR * g->max : g->max;
		if (s && s->failures >= max && now - s->start < g->window &&
		    (long)(s->start + g->window - now) > wait)
			wait = (long)(s->start + g->window - now);
	}
	pthread_mutex_unlock(&g->mu);
	return wait;
}

/* Counts a failure with fingerprint fp in slot key (a repeated fingerprint counts once).
 * Called with mu held. */
static void count(struct guard *g, const char *key, uint32_t fp, time_t now)
{
	struct slot *s = find(g, key, now, 1);
	if (now - s->start >= g->window) {
		s->start = now;
		s->failures = 0;
	}
	long seen = s->failures < FP_MAX ? s->failures : FP_MAX;
	bool again = false;
	for (long i = 0; i < seen && !again; i++)
		again = s->fp[i] == fp;
	if (!again) {
		if (s->failures < FP_MAX)
			s->fp[s->failures] = fp;
		s->failures++;
	}
}

void guard_failed(struct guard *g, const char *addr, const char *user, const void *pw, size_t pwlen)
{
	if (!g || !g->max)
		return;
	char key[KEY_MAX];
	uint32_t fp = fnv1a(pw, pwlen, FNV_SEED);
	/* the address's fingerprint is of name and password: one password tried on many names
	 * is many guesses */
	uint32_t afp = fnv1a(pw, pwlen, fnv1a(":", 1, fnv1a(user, strlen(user), FNV_SEED)));
	time_t now = now_s();
	pthread_mutex_lock(&g->mu);
	key_of(key, addr, user);
	count(g, key, fp, now);
	key_of(key, addr, NULL);
	count(g, key, afp, now);
	pthread_mutex_unlock(&g->mu);
	atomic_store_explicit(&g->last, (long long)now, memory_order_relaxed);
}

void guard_ok(struct guard *g, const char *addr, const char *user)
{
	if (!guard_active(g))
		return;
	char key[KEY_MAX];
	key_of(key, addr, user);
	pthread_mutex_lock(&g->mu);
	struct slot *s = find(g, key, now_s(), 0);
	if (s)
		memset(s, 0, sizeof(*s));
	pthread_mutex_unlock(&g->mu);
}

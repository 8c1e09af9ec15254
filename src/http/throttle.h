/* Throttle emulation (SPEC §6.6): at most max_in_flight /vmrest requests at once, a FIFO queue
 * with a depth and a wait limit, and a fixed added latency. Waiting requests are suspended
 * connections, not blocked threads: a timer thread wakes them. */
#pragma once
#include <stdbool.h>
#include <time.h>

struct throttle;

struct throttle_settings {
	bool enabled;
	long max_in_flight, queue_depth, queue_timeout_ms, latency_ms;
};

enum { TH_RUN, TH_REJECT, TH_WAIT };

/* One request's place in the throttle. wake(ctx) is called from another thread when a
 * TH_WAIT ends; the caller then asks throttle_resumed(). Zero it before throttle_enter. */
struct throttle_wait {
	void (*wake)(void *ctx);
	void *ctx;
	int state;
	bool holds_slot;
	struct timespec deadline;
	struct throttle_wait *prev, *next;
};

/* Returns a throttle with the given settings and its timer thread; NULL on failure.
 * Free with throttle_free (NULL is a no-op). */
struct throttle *throttle_new(const struct throttle_settings *s);
void throttle_free(struct throttle *t);
/* Reads or changes the settings (changes apply at once); counts are the current figures. */
void throttle_get(struct throttle *t, struct throttle_settings *s, long *in_flight, long *queued,
		  long *rejected);
void throttle_set(struct throttle *t, const struct throttle_settings *s);
/* True when requests must go through throttle_enter (throttle on, or latency added). */
bool throttle_active(struct throttle *t);
/* Asks for admission: TH_RUN (go on), TH_REJECT (503), or TH_WAIT (wake() follows). */
int throttle_enter(struct throttle *t, struct throttle_wait *w);
/* Suspends w for ms milliseconds whatever the settings (a fault's latency): always TH_WAIT,
 * wake() follows; throttle_leave ends it. */
int throttle_delay(struct throttle *t, struct throttle_wait *w, long ms);
/* After wake(): TH_RUN or TH_REJECT. */
int throttle_resumed(struct throttle *t, struct throttle_wait *w);
/* The request is over: frees its slot and admits the next waiter. */
void throttle_leave(struct throttle *t, struct throttle_wait *w);

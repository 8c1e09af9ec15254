/* Throttle emulation: a slot count, a FIFO of suspended requests, and one timer thread that
 * ends queue waits and added latencies. */
#include "http/throttle.h"

#include <pthread.h>
#include <stdlib.h>

enum { W_NONE, W_QUEUED, W_DELAY, W_READY, W_REJECTED };

struct list {
	struct throttle_wait *head, *tail;
};

struct throttle {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	pthread_t timer;
	bool stop;
	struct throttle_settings s;
	long in_flight, queued, rejected;
	struct list queue, delays;
};

static void push(struct list *l, struct throttle_wait *w)
{
	w->next = NULL;
	w->prev = l->tail;
	if (l->tail)
		l->tail->next = w;
	else
		l->head = w;
	l->tail = w;
}

static void unlink_wait(struct list *l, struct throttle_wait *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		l->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		l->tail = w->prev;
	w->prev = w->next = NULL;
}

static struct timespec after_ms(long ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static bool before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Called with the lock held: either run now or wait out the added latency. */
static int admitted(struct throttle *t, struct throttle_wait *w)
{
	if (t->s.latency_ms <= 0) {
		w->state = W_READY;
		return TH_RUN;
	}
	w->state = W_DELAY;
	w->deadline = after_ms(t->s.latency_ms);
	push(&t->delays, w);
	pthread_cond_signal(&t->cond);
	return TH_WAIT;
}

/* Called with the lock held: gives free slots to the head of the queue. */
static void admit_waiters(struct throttle *t)
{
	while (t->queue.head && (!t->s.enabled || t->in_flight < t->s.max_in_flight)) {
		struct throttle_wait *w = t->queue.head;
		unlink_wait(&t->queue, w);
		t->queued--;
		if (t->s.enabled) {
			t->in_flight++;
			w->holds_slot = true;
		}
		if (admitted(t, w) == TH_RUN)
			w->wake(w->ctx);
	}
}

static void *timer_main(void *arg)
{
	struct throttle *t = arg;
	pthread_mutex_lock(&t->mu);
	while (!t->stop) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		struct timespec next = after_ms(60000);
		struct list *lists[] = {&t->queue, &t->delays};
		for (int i = 0; i < 2; i++) {
			for (struct throttle_wait *w = lists[i]->head, *n; w; w = n) {
				n = w->next;
				if (before(&now, &w->deadline)) {
					if (before(&w->deadline, &next))
						next = w->deadline;
					continue;
				}
				unlink_wait(lists[i], w);
				if (i == 0) { /* waited too long in the queue */
					t->queued--;
					t->rejected++;
					w->state = W_REJECTED;
				} else {
					w->state = W_READY;
				}
				w->wake(w->ctx);
			}
		}
		pthread_cond_timedwait(&t->cond, &t->mu, &next);
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

struct throttle *throttle_new(const struct throttle_settings *s)
{
	struct throttle *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->s = *s;
	pthread_mutex_init(&t->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&t->timer, NULL, timer_main, t)) {
		free(t);
		return NULL;
	}
	return t;
}

void throttle_free(struct throttle *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	t->stop = true;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->timer, NULL);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

void throttle_get(struct throttle *t, struct throttle_settings *s, long *in_flight, long *queued,
		  long *rejected)
{
	pthread_mutex_lock(&t->mu);
	*s = t->s;
	*in_flight = t->in_flight;
	*queued = t->queued;
	*rejected = t->rejected;
	pthread_mutex_unlock(&t->mu);
}

void throttle_set(struct throttle *t, const struct throttle_settings *s)
{
	pthread_mutex_lock(&t->mu);
	t->s = *s;
	admit_waiters(t); /* a larger limit, or the throttle off, lets waiters in */
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->mu);
}

bool throttle_active(struct throttle *t)
{
	pthread_mutex_lock(&t->mu);
	bool on = t->s.enabled || t->s.latency_ms > 0;
	pthread_mutex_unlock(&t->mu);
	return on;
}

int throttle_enter(struct throttle *t, struct throttle_wait *w)
{
	int rc;
	pthread_mutex_lock(&t->mu);
	if (!t->s.enabled) {
		rc = admitted(t, w);
	} else if (t->in_flight < t->s.max_in_flight && !t->queue.head) {
		t->in_flight++;
		w->holds_slot = true;
		rc = admitted(t, w);
	} else if (t->queued >= t->s.queue_depth || t->s.queue_timeout_ms <= 0) {
		t->rejected++;
		w->state = W_REJECTED;
		rc = TH_REJECT;
	} else {
		w->state = W_QUEUED;
		w->deadline = after_ms(t->s.queue_timeout_ms);
		push(&t->queue, w);
		t->queued++;
		pthread_cond_signal(&t->cond);
		rc = TH_WAIT;
	}
	pthread_mutex_unlock(&t->mu);
	return rc;
}

int throttle_delay(struct throttle *t, struct throttle_wait *w, long ms)
{
	pthread_mutex_lock(&t->mu);
	w->state = W_DELAY;
	w->deadline = after_ms(ms);
	push(&t->delays, w);
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->mu);
	return TH_WAIT;
}

int throttle_resumed(struct throttle *t, struct throttle_wait *w)
{
	pthread_mutex_lock(&t->mu);
	int rc = w->state == W_REJECTED ? TH_REJECT : w->state == W_READY ? TH_RUN : TH_WAIT;
	pthread_mutex_unlock(&t->mu);
	return rc;
}

void throttle_leave(struct throttle *t, struct throttle_wait *w)
{
	pthread_mutex_lock(&t->mu);
	/* A request that ends while still waiting (its connection closed) leaves its list. */
	if (w->state == W_QUEUED) {
		unlink_wait(&t->queue, w);
		t->queued--;
	} else if (w->state == W_DELAY) {
		unlink_wait(&t->delays, w);
	}
	w->state = W_NONE;
	if (w->holds_slot) {
		w->holds_slot = false;
		t->in_flight--;
	}
	admit_waiters(t);
	pthread_mutex_unlock(&t->mu);
}

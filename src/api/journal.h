/* The request journal (/cupid/requests): the last requests this process answered, in memory,
 * for a test to ask what its script sent. Each entry keeps the request line, headers (the
 * Authorization value redacted), the body up to a cap (password fields redacted), the status,
 * the response size and the duration. Bounded: a ring of max entries. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct buf;
struct req;
struct resp;
struct journal;

/* Returns a journal of max entries (0: one that records nothing) keeping bodies up to
 * max_body bytes; NULL on OOM. Free with journal_free (NULL is a no-op). */
struct journal *journal_new(long max, long max_body);
void journal_free(struct journal *j);
/* Whether it records anything. */
bool journal_on(const struct journal *j);
/* Records rq, answered with rs in secs; not a route flagged R_NOJOURNAL (the journal's own). */
void journal_record(struct journal *j, const struct req *rq, const struct resp *rs, double secs);
/* Forgets every entry (ids go on from where they were). */
void journal_clear(struct journal *j);

/* Which entries to show; zero values do not filter. */
struct journal_filter {
	const char *method;  /* exact, any letter case */
	const char *path;    /* prefix of the path */
	int status;          /* exact, or 1-5 for a class (4: every 4xx) */
	long long since_id;  /* entries with a larger id */
	long long since_ms;  /* entries at or after this wall-clock time (ms since the epoch) */
	long limit;          /* at most the newest this many; 0: all */
};

/* Writes {"requests":[...]} (newest last) or, with count_only, {"count":N} into b. */
void journal_write(struct journal *j, const struct journal_filter *f, bool count_only,
		   struct buf *b);

/* Copies body (n bytes) into out with the value of every field whose name holds "password"
 * (any letter case; XML elements and JSON members) replaced by "***". Pure. */
void journal_redact(struct buf *out, const char *body, size_t n);

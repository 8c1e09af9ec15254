/* Fault injection (/cupid/faults): rules that match a request after authentication and before
 * its handler, and answer an error, add latency or drop the connection, for the next K
 * matches or with a probability. In memory, per process. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct buf;
struct req;
struct resp;
struct faults;

/* Returns an empty rule set; NULL on OOM. Free with faults_free (NULL is a no-op). */
struct faults *faults_new(void);
void faults_free(struct faults *f);
/* Applies the first rule that matches rq, if any: sets rs->fault, and rs->delay_ms for
 * latency, rs->drop for a drop, and for an error the answer itself. Returns true when rs
 * holds the answer (the handler must not run), false to go on (perhaps after rs->delay_ms).
 * Routes flagged R_NOFAULT (the faults' and the journal's own) are never faulted. */
bool faults_apply(struct faults *f, struct req *rq, struct resp *rs);

/* The handlers' work, for api/cupid.c: */
/* Adds the rule in the JSON object body; writes the rule into out (201) or an error message
 * into err and returns ERR_INVALID. */
int faults_add(struct faults *f, const char *body, size_t len, struct buf *out, char *err,
	       size_t errlen);
/* Writes {"faults":[...]} into out. */
void faults_list(struct faults *f, struct buf *out);
/* Removes rule id (0 when it was there, ERR_NOT_FOUND otherwise) or, with id 0, every rule. */
int faults_remove(struct faults *f, long id);
/* Faults fired so far by action (error, delay, drop), for /cupid/metrics. */
void faults_fired(struct faults *f, unsigned long *error, unsigned long *delay,
		  unsigned long *drop);

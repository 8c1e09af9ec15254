/* Request metrics for /cupid/metrics (SPEC §6.3): counters and a latency histogram per
 * route and method, kept in lock-free counters. */
#pragma once
#include "api/api.h"

/* Counts one answered request. route is NULL for paths that match no route. */
void metrics_record(const struct route *route, enum method m, int status, double seconds);
/* Counts one request refused with 401 (cupid_auth_failures_total). */
void metrics_auth_failure(void);
/* Counts one request refused with 429 by the failed-login throttle, one account locked. */
void metrics_auth_throttled(void);
void metrics_auth_lockout(void);
/* Appends cupid_auth_failures_total, cupid_auth_throttled_total, cupid_auth_lockouts_total,
 * cupid_http_requests_total and cupid_http_request_duration_seconds in Prometheus
 * text format 0.0.4. */
void metrics_write(struct buf *b);

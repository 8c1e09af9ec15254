/* Request counters and latency histograms, indexed by route, method and status; written out
 * in Prometheus text format. */
#include "api/metrics.h"

#include <stdatomic.h>
#include <stdio.h>

#include "api/routes.h"

#define MAX_ROUTES 64 /* router_nroutes must stay below; the last row is "other" */
#define NMETHODS   6
#define NBUCKETS   12

static const int statuses[] = {200, 201, 204, 400, 401, 403, 404, 405, 406, 413, 415, 500, 503};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]) + 1) /* + any other status */
static const char *const methods[NMETHODS] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OTHER"};
static const double bounds[NBUCKETS] = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
					0.005,   0.01,   0.025,   0.05,   0.25,  1.0};

static atomic_ulong requests[MAX_ROUTES][NMETHODS][NSTATUS];
static atomic_ulong buckets[MAX_ROUTES][NMETHODS][NBUCKETS + 1];
static atomic_ulong nanos[MAX_ROUTES][NMETHODS];
static atomic_ulong auth_failures, auth_throttled, auth_lockouts;

static int method_index(enum method m)
{
	for (int i = 0; i < NMETHODS - 1; i++)
		if ((int)m == 1 << i)
			return i;
	return NMETHODS - 1;
}

static size_t status_index(int status)
{
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS - 1;
}

static size_t route_index(const struct route *r)
{
	size_t i = r ? (size_t)(r - router_routes) : router_nroutes;
	return i < MAX_ROUTES - 1 ? i : MAX_ROUTES - 1;
}

void metrics_record(const struct route *route, enum method m, int status, double seconds)
{
	size_t r = route_index(route);
	int mi = method_index(m);
	atomic_fetch_add_explicit(&requests[r][mi][status_index(status)], 1, memory_order_relaxed);
	int b = 0;
	while (b < NBUCKETS && seconds > bounds[b])
		b++;
	atomic_fetch_add_explicit(&buckets[r][mi][b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&nanos[r][mi], (unsigned long)(seconds * 1e9),
				  memory_order_relaxed);
}

void metrics_auth_failure(void)
{
	atomic_fetch_add_explicit(&auth_failures, 1, memory_order_relaxed);
}

void metrics_auth_throttled(void)
{
	atomic_fetch_add_explicit(&auth_throttled, 1, memory_order_relaxed);
}

void metrics_auth_lockout(void)
{
	atomic_fetch_add_explicit(&auth_lockouts, 1, memory_order_relaxed);
}

static const char *route_name(size_t r)
{
	return r < router_nroutes ? router_routes[r].pattern : "other";
}

void metrics_write(struct buf *b)
{
	size_t nr = router_nroutes + 1;
	buf_puts(b, "# HELP cupid_http_requests_total HTTP requests answered.\n"
		    "# TYPE cupid_http_requests_total counter\n");
	for (size_t r = 0; r < nr; r++)
		for (int m = 0; m < NMETHODS; m++)
			for (size_t s = 0; s < NSTATUS; s++) {
				unsigned long n = atomic_load(&requests[r][m][s]);
				if (!n)
					continue;
				char status[8] = "other";
				if (s < NSTATUS - 1)
					snprintf(status, sizeof(status), "%d", statuses[s]);
				buf_printf(b, "cupid_http_requests_total{method=\"%s\",route=\"%s\","
					      "status=\"%s\"} %lu\n",
					   methods[m], route_name(r), status, n);
			}
	buf_printf(b,
		   "# HELP cupid_auth_failures_total Requests refused with 401: credentials missing,"
		   " malformed or wrong.\n"
		   "# TYPE cupid_auth_failures_total counter\ncupid_auth_failures_total %lu\n",
		   atomic_load(&auth_failures));
	buf_printf(b,
		   "# HELP cupid_auth_throttled_total Requests refused with 429: too many failed"
		   " logins from their address (auth.max_failures).\n"
		   "# TYPE cupid_auth_throttled_total counter\ncupid_auth_throttled_total %lu\n"
		   "# HELP cupid_auth_lockouts_total Accounts locked by failed logins"
		   " (auth.lockout_failures).\n"
		   "# TYPE cupid_auth_lockouts_total counter\ncupid_auth_lockouts_total %lu\n",
		   atomic_load(&auth_throttled), atomic_load(&auth_lockouts));
	buf_puts(b, "# HELP cupid_http_request_duration_seconds Time to answer a request.\n"
		    "# TYPE cupid_http_request_duration_seconds histogram\n");
	for (size_t r = 0; r < nr; r++)
		for (int m = 0; m < NMETHODS; m++) {
			unsigned long cum = 0, c[NBUCKETS + 1];
			for (int k = 0; k <= NBUCKETS; k++)
				cum += c[k] = atomic_load(&buckets[r][m][k]);
			if (!cum)
				continue;
			unsigned long run = 0;
			for (int k = 0; k <= NBUCKETS; k++) {
				run += c[k];
				if (k < NBUCKETS)
					buf_printf(b,
						   "cupid_http_request_duration_seconds_bucket{method="
						   "\"%s\",route=\"%s\",le=\"%g\"} %lu\n",
						   methods[m], route_name(r), bounds[k], run);
				else
					buf_printf(b,
						   "cupid_http_request_duration_seconds_bucket{method="
						   "\"%s\",route=\"%s\",le=\"+Inf\"} %lu\n",
						   methods[m], route_name(r), run);
			}
			buf_printf(b,
				   "cupid_http_request_duration_seconds_sum{method=\"%s\",route="
				   "\"%s\"} %.9f\n"
				   "cupid_http_request_duration_seconds_count{method=\"%s\",route="
				   "\"%s\"} %lu\n",
				   methods[m], route_name(r), (double)atomic_load(&nanos[r][m]) / 1e9,
				   methods[m], route_name(r), cum);
		}
}

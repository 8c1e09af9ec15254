/* A libmicrohttpd hello-world that answers every GET with one fixed response: the floor that
 * bench/quick.sh compares cupid against. Daemon settings copy src/http/server.c where they
 * matter (epoll, internal thread pool, TLS priorities, memory and connection limits). */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Keep these equal to the values in src/http/server.c. */
#define POOL_THREADS   8
#define CONN_MEMORY    (24 * 1024)
#define CONN_TIMEOUT_S 60
#define MAX_CONNS      1000
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

/* Headers that libmicrohttpd writes itself or that describe the connection, not the body. */
static const char *const SKIP_HEADERS[] = {"Date", "Content-Length", "Connection", "Keep-Alive",
					   "Transfer-Encoding"};

static struct MHD_Response *response;
static struct MHD_Response *not_allowed;

/* Reads a whole file. Returns a NUL-terminated buffer the caller frees, or NULL. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t n = 0, cap = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? 2 * cap : 8192;
			char *p = realloc(data, cap);
			if (!p) {
				free(data);
				fclose(f);
				return NULL;
			}
			data = p;
		}
		size_t r = fread(data + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(data);
		return NULL;
	}
	data[n] = '\0';
	if (len)
		*len = n;
	return data;
}

/* Adds the "Name: value" lines of a curl -D dump (status line and connection headers
 * skipped) to r. Returns 0, or -1 when a header is refused. */
static int add_headers(struct MHD_Response *r, char *dump)
{
	for (char *line = strtok(dump, "\r\n"); line; line = strtok(NULL, "\r\n")) {
		char *colon = strchr(line, ':');
		if (!colon || !strncmp(line, "HTTP/", 5))
			continue;
		*colon = '\0';
		char *value = colon + 1;
		while (*value == ' ' || *value == '\t')
			value++;
		int skip = 0;
		for (size_t i = 0; i < sizeof(SKIP_HEADERS) / sizeof(SKIP_HEADERS[0]); i++)
			skip |= !strcasecmp(line, SKIP_HEADERS[i]);
		if (!skip && MHD_add_response_header(r, line, value) != MHD_YES)
			return -1;
	}
	return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	static int first_call_marker;
	(void)cls;
	(void)url;
	(void)version;
	(void)upload;
	/* Queuing on the first call makes libmicrohttpd close a keep-alive connection; wait for
	 * the second, as cupid does. */
	if (!*con_cls) {
		*con_cls = &first_call_marker;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return MHD_queue_response(con, 405, not_allowed);
	return MHD_queue_response(con, 200, response);
}

/* Starts one daemon on 127.0.0.1, any port, and prints where it listens. */
static struct MHD_Daemon *start(int tls, const char *cert, const char *key)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG | (tls ? MHD_USE_TLS : 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct MHD_OptionItem opts[] = {
	    {MHD_OPTION_SOCK_ADDR, 0, &sa},
	    {MHD_OPTION_THREAD_POOL_SIZE, POOL_THREADS, NULL},
	    {MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY, NULL},
	    {MHD_OPTION_CONNECTION_TIMEOUT, CONN_TIMEOUT_S, NULL},
	    {MHD_OPTION_CONNECTION_LIMIT, MAX_CONNS, NULL},
	    {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)cert},
	    {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)key},
	    {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)TLS_PRIORITIES},
	    {MHD_OPTION_END, 0, NULL},
	};
	struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
						MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "hello: cannot start the %s daemon\n", tls ? "https" : "http");
		return NULL;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("hello: listening on %s://127.0.0.1:%u\n", tls ? "https" : "http",
	       info ? info->port : 0);
	fflush(stdout);
	return d;
}

int main(int argc, char **argv)
{
	int rc = 1;
	char *body = NULL, *dump = NULL, *cert = NULL, *key = NULL;
	struct MHD_Daemon *https = NULL, *http = NULL;
	size_t body_len = 0;
	if (argc != 4 && argc != 5) {
		fprintf(stderr,
			"usage: %s BODY_FILE CERT_PEM KEY_PEM [HEADERS_FILE]\n"
			"  answers every GET with BODY_FILE and the headers of HEADERS_FILE\n"
			"  (a curl -D dump) over https and http on 127.0.0.1, ports printed\n",
			argv[0]);
		return 2;
	}
	if (!(body = slurp(argv[1], &body_len)) || !(cert = slurp(argv[2], NULL)) ||
	    !(key = slurp(argv[3], NULL)) || (argc == 5 && !(dump = slurp(argv[4], NULL)))) {
		fprintf(stderr, "hello: cannot read an input file: %s\n", strerror(errno));
		goto out;
	}
	response = MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_PERSISTENT);
	not_allowed = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!response || !not_allowed || (dump && add_headers(response, dump)) ||
	    MHD_add_response_header(not_allowed, "Allow", "GET, HEAD") != MHD_YES) {
		fprintf(stderr, "hello: cannot build the response\n");
		goto out;
	}

	/* Block the stop signals in every thread, then wait for one here. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	if (!(https = start(1, cert, key)) || !(http = start(0, NULL, NULL)))
		goto out;
	int sig;
	sigwait(&stop, &sig);
	rc = 0;
out:
	if (http)
		MHD_stop_daemon(http);
	if (https)
		MHD_stop_daemon(https);
	if (response)
		MHD_destroy_response(response);
	if (not_allowed)
		MHD_destroy_response(not_allowed);
	free(body);
	free(dump);
	free(cert);
	free(key);
	return rc;
}

/* The HTTP(S) listeners: the HTTP/1.1 engine, request limits, negotiation and headers. */
#pragma once
#include <stddef.h>

struct app;
struct server;

/* Starts the listeners named by https.listen and http.listen (TLS material from tls_load).
 * Prints "cupid: listening on <url>" for each. Returns NULL with err on failure. */
struct server *server_start(struct app *app, const char *https_listen, const char *http_listen,
			    const char *cert_pem, const char *key_pem, char *err, size_t errlen);
/* Stops accepting, lets requests in progress finish (at most 5 s), then closes everything.
 * server_stop(NULL) is a no-op. */
void server_stop(struct server *s);

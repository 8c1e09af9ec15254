/* The HTTP(S) listeners: the HTTP/1.1 engine, request limits, negotiation and headers. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct app;
struct server;

/* Starts the listeners named by https.listen and http.listen (TLS material from tls_load).
 * Returns NULL with err on failure. */
struct server *server_start(struct app *app, const char *https_listen, const char *http_listen,
			    const char *cert_pem, const char *key_pem, char *err, size_t errlen);
/* The HTTPS (tls) or plain-HTTP listener's "host:port", with the port it is bound to (the one
 * picked when port 0 was asked for); NULL when that listener is off. Owned by s. */
const char *server_hostport(const struct server *s, bool tls);
/* Stops accepting, lets requests in progress finish (at most 5 s), then closes everything.
 * server_stop(NULL) is a no-op. */
void server_stop(struct server *s);

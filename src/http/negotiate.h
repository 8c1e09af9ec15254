/* Request-head interpretation that needs no connection: Accept negotiation, the body's
 * Content-Type, and X-Request-Id (SPEC §2.3, §2.8). */
#pragma once
#include <stdbool.h>

#include "codec/body.h"

struct arena;

/* SPEC §2.3: sets *out (XML when Accept is absent) and returns true, or returns false when
 * Accept allows neither XML nor JSON (406). */
bool http_negotiate(const char *accept, enum fmt *out);
/* The body format named by a Content-Type value (parameters ignored), or 0. */
enum fmt http_body_format(const char *ctype);
/* The request's own X-Request-Id when it is 1-64 characters of [A-Za-z0-9._-], otherwise 32
 * new random lower-case hex digits (from the arena). */
const char *http_request_id(const char *given, struct arena *a);

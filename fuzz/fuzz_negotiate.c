/* libFuzzer target: the request-head parsers that need no connection (SPEC §2.3, §2.8):
 * Accept negotiation, the body's Content-Type and X-Request-Id, each on the same value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/negotiate.h"
#include "util/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v = malloc(size + 1);
	struct arena *a = arena_new(4096);
	if (!v || !a)
		goto out;
	memcpy(v, data, size);
	v[size] = 0; /* header values arrive NUL-terminated */
	enum fmt f = 0;
	bool ok = http_negotiate(v, &f);
	if (f != FMT_XML && f != FMT_JSON)
		abort();
	if (!ok && f == FMT_JSON)
		abort(); /* JSON is only chosen when acceptable */
	enum fmt in = http_body_format(v);
	if (in != 0 && in != FMT_XML && in != FMT_JSON)
		abort();
	const char *id = http_request_id(v, a);
	size_t n = strlen(id);
	if (n < 1 || n > 64)
		abort();
out:
	arena_free(a);
	free(v);
	return 0;
}

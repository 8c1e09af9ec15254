/* libFuzzer target: the path router without dispatch (SPEC §2.8): router_split decodes the
 * segments of an arbitrary raw path and router_match finds its route in the table. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/routes.h"
#include "util/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = malloc(size + 1);
	struct arena *a = arena_new(1u << 20);
	if (!path || !a)
		goto out;
	memcpy(path, data, size);
	path[size] = 0;
	char **seg;
	size_t nseg;
	int rc = router_split(path, a, &seg, &nseg);
	if (!seg)
		goto out; /* arena full */
	for (size_t i = 0; i < nseg; i++)
		if (!seg[i] || (rc == 0 && strlen(seg[i]) > size))
			abort();
	const char *ids[2] = {NULL, NULL};
	const struct route *rt = router_match(seg, nseg, ids);
	if (rt) {
		if (rt < router_routes || rt >= router_routes + router_nroutes)
			abort();
		if (strstr(rt->pattern, "{id}") && (!ids[0] || !*ids[0]))
			abort();
		if (strstr(rt->pattern, "Id}") && (!ids[1] || !*ids[1]))
			abort();
	}
out:
	arena_free(a);
	free(path);
	return 0;
}

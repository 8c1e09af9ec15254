/* libFuzzer target: the collection parameters rowsPerPage, pageNumber, query and sort
 * (query_parse, SPEC §3) on an arbitrary raw query string, against every resource with a
 * collection. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/query.h"
#include "util/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct resource *const res[] = {
	    &res_port,	    &res_portgroup, &res_phonesystem, &res_vmsserver,  &res_template,
	    &res_pgserver, &res_pgcodec,   &res_codecdef,    &res_axlserver, &res_sipprofile};
	char *raw = malloc(size + 1);
	if (!raw)
		return 0;
	memcpy(raw, data, size);
	raw[size] = 0; /* the server hands over a NUL-terminated query: NULs end it early */
	for (size_t i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		struct arena *a = arena_new(1u << 20);
		if (!a)
			break;
		struct listq q;
		char err[256];
		if (query_parse(raw, res[i], a, &q, err, sizeof(err)) == 0) {
			if (q.filter >= (int)res[i]->nfields || q.sort >= (int)res[i]->nfields ||
			    q.limit > QUERY_MAX_ROWS || q.offset < 0)
				abort();
			if (q.filter >= 0 && !q.value)
				abort();
			/* a field kept out of queries (an AXL password) is never matched or sorted on */
			if ((q.filter >= 0 && (res[i]->fields[q.filter].flags & F_NOQUERY)) ||
			    (q.sort >= 0 && (res[i]->fields[q.sort].flags & F_NOQUERY)))
				abort();
		}
		arena_free(a);
	}
	free(raw);
	return 0;
}

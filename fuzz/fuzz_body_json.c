/* libFuzzer target: the JSON request-body decoder (body_parse, SPEC §2.6) on arbitrary bytes,
 * with the /vmrest field cap. Checks the contract's invariants on every accepted body, then
 * matches it against every resource's field table (fuzz_tables.h), unwrapping {"Elem":{...}} for
 * each resource. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/query.h"
#include "codec/body.h"
#include "fuzz_tables.h"
#include "util/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(8u << 20);
	if (!a)
		return 0;
	struct body b;
	char err[256];
	if (body_parse(FMT_JSON, (const char *)data, size, "Port", 1000, a, &b, err, sizeof(err)) ==
	    0) {
		if (b.n > 1000)
			abort();
		/* Names and values are text: valid UTF-8 (numbers may grow: 1e11 is
		 * "100000000000.0"). */
		for (size_t i = 0; i < b.n; i++) {
			const struct body_field *f = &b.f[i];
			if (!f->name || !f->value ||
			    !utf8_valid((const unsigned char *)f->name, strlen(f->name)) ||
			    !utf8_valid((const unsigned char *)f->value, strlen(f->value)))
				abort();
		}
		/* the wrapper's name is the resource's element: parse again for each (the
		 * field cap counts differently with and without a wrapper, so a refusal here is
		 * no error) */
		for (size_t t = 0; t < FUZZ_NTABLES; t++) {
			struct body bt;
			char terr[256];
			if (!body_parse(FMT_JSON, (const char *)data, size, fuzz_tables[t]->elem,
					1000, a, &bt, terr, sizeof(terr)))
				fuzz_table(fuzz_tables[t], &bt, a);
		}
	} else if (b.n || !memchr(err, 0, sizeof(err)) || strchr(err, '\n')) {
		abort(); /* a rejected body has no fields and a one-line message */
	}
	arena_free(a);
	return 0;
}

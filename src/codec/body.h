/* Request bodies (XML or JSON) parsed into a flat list of fields (SPEC §2.6). Decoders know
 * nothing about resources: the model layer matches names against its field tables. */
#pragma once
#include <stddef.h>

struct arena;

enum fmt { FMT_XML = 1, FMT_JSON = 2 };

struct body_field {
	const char *name;  /* as sent (matching is the caller's, ASCII case-insensitive) */
	const char *value; /* trimmed of leading/trailing space, tab, CR, LF; "" for empty,
			      JSON null and []; JSON true/false -> "true"/"false"; JSON numbers
			      as decimal integer text or shortest round-trip double text (an
			      integral real keeps ".0": 2.0 -> "2.0", so int fields can reject
			      it; 1.50 -> "1.5") */
	int complex;       /* 1 if the value held child elements / was a non-empty array or an
			      object: the caller rejects it if the field is known */
};

struct body {
	struct body_field *f; /* in document order; duplicates kept, the caller takes the last */
	size_t n;
};

/* Parses data[0..len) in format fmt. A leading UTF-8 BOM is skipped; an empty or
 * whitespace-only body, or JSON null, gives n == 0. JSON wrapper form: an object whose only
 * member is named elem (ASCII case-insensitive) with an object value is unwrapped.
 * max_fields bounds the fields/elements in the whole body (0 = unbounded): every element
 * below the XML root, every JSON member and array element below the top level (a JSON wrapper
 * member does not count). Depth is bounded at 32 (the XML root / JSON top level is level 1).
 * Rejects invalid UTF-8, NUL bytes, any <!DOCTYPE, entities other than the five
 * predefined ones and numeric references, malformed syntax, a JSON top level that is not an
 * object, trailing garbage, numbers that fit neither int64 nor double. On error n == 0.
 * Returns 0, or -1 with a one-line English message in err. Memory comes from a. */
int body_parse(enum fmt fmt, const char *data, size_t len, const char *elem, size_t max_fields,
	       struct arena *a, struct body *out, char *err, size_t errlen);

struct json_t;

/* Fixture documents (SPEC §6.4): parses a whole JSON document with the same byte-level rules
 * as body_parse (BOM, UTF-8, NUL, depth 32, number range) but any shape and no field cap.
 * Returns 0 and a new reference in *out (caller json_decref()s), or -1 with err. */
int body_json_load(const char *data, size_t len, struct json_t **out, char *err, size_t errlen);
/* Flattens one JSON object's members into fields with body_parse's value rules.
 * Returns 0, or -1 with err. */
int body_json_fields(const struct json_t *obj, struct arena *a, struct body *out, char *err,
		     size_t errlen);

/* GET /cupid/openapi.json (SPEC §6.1): an OpenAPI 3.1 description of every route cupid serves,
 * built from the route table and the field tables when first asked for, so it cannot drift
 * from what the server does. */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/routes.h"
#include "err.h"
#include "version.h"

#define REF	 "#/components/schemas/"
#define NO_SPACE "^[^ ]*$" /* model_no_space: a host name or address */

/* The route's resource, when it has one that the document names (sub-lists included). */
static const struct resource *res_of(const struct route *rt)
{
	return rt->res && rt->res->elem ? rt->res : NULL;
}

static json_t *ref(const char *name, const char *suffix)
{
	char s[160];
	snprintf(s, sizeof(s), REF "%s%s", name, suffix);
	return json_pack("{s:s}", "$ref", s);
}

static char *class_char(char *p, int c)
{
	if (strchr("\\]^-[", c))
		*p++ = '\\';
	*p++ = (char)c;
	return p;
}

/* A regular expression for "any number of characters from set", with runs as ranges. */
static json_t *charset_pattern(const char *set)
{
	bool in[257] = {false};
	char out[600], *p = out;
	for (const unsigned char *s = (const unsigned char *)set; *s; s++)
		in[*s] = true;
	p += sprintf(p, "^[");
	for (int c = 1; c < 256; c++) {
		if (!in[c])
			continue;
		int end = c;
		while (in[end + 1])
			end++;
		p = class_char(p, c);
		if (end - c >= 2) {
			*p++ = '-';
			p = class_char(p, end);
		} else {
			for (int k = c + 1; k <= end; k++)
				p = class_char(p, k);
		}
		c = end;
	}
	sprintf(p, "]*$");
	return json_string(out);
}

#define MAXVALUES 16 /* an int range this small is written as its list of values */

/* The values an int field takes, when they are few: its `values` list, or every value of a
 * range of at most MAXVALUES. Returns how many were written to out, 0 for "any in range". */
static int int_values(const struct field *f, long out[MAXVALUES])
{
	int n = 0;
	if (f->type != T_INT)
		return 0;
	if (f->values) {
		for (const char *p = f->values; *p && n < MAXVALUES;) {
			char *end;
			long v = strtol(p, &end, 10);
			if (end == p)
				break;
			out[n++] = v;
			p = end + strspn(end, " ");
		}
		return n;
	}
	if (f->max <= f->min || f->max - f->min >= MAXVALUES)
		return 0;
	for (long v = f->min; v <= f->max; v++)
		out[n++] = v;
	return n;
}

/* A value computed as an SQL literal, the same for every row ("0", "103", "''"), in out;
 * NULL when the field is stored or computed from the row. */
static const char *constant(const struct field *f, char *out, size_t n)
{
	const char *e = f->expr;
	if (f->stored || !e || !*e)
		return NULL;
	size_t len = strlen(e);
	if (len >= 2 && e[0] == '\'' && e[len - 1] == '\'' && !memchr(e + 1, '\'', len - 2)) {
		snprintf(out, n, "%.*s", (int)(len - 2), e + 1);
		return out;
	}
	if (strspn(e, "0123456789") == len && len < n) {
		snprintf(out, n, "%s", e);
		return out;
	}
	return NULL;
}

/* Accepted on input, then dropped: never stored, read back as a constant (CcmAXLPassword). */
static bool write_only(const struct field *f)
{
	char c[64];
	return (f->acc == A_W || f->acc == A_C) && constant(f, c, sizeof(c));
}

/* "^[ \t\r\n]*(0*10|0*20)[ \t\r\n]*$": the text forms check_int takes for these values. */
static json_t *values_pattern(const long *v, int n)
{
	char out[600];
	size_t k = (size_t)snprintf(out, sizeof(out), "^[ \\t\\r\\n]*(");
	for (int i = 0; i < n && k < sizeof(out); i++)
		k += (size_t)snprintf(out + k, sizeof(out) - k, "%s%s%ld", i ? "|" : "",
				      v[i] < 0	  ? "-0*"
				      : v[i] == 0 ? "-?0*"
						  : "0*",
				      v[i] < 0 ? -v[i] : v[i]);
	if (k < sizeof(out))
		snprintf(out + k, sizeof(out) - k, ")[ \\t\\r\\n]*$");
	return json_string(out);
}

static json_t *values_array(const long *v, int n, bool text)
{
	json_t *a = json_array();
	char s[24];
	for (int i = 0; i < n; i++) {
		snprintf(s, sizeof(s), "%ld", v[i]);
		json_array_append_new(a, text ? json_string(s) : json_integer(v[i]));
	}
	return a;
}

/* A field as it is written: every scalar a JSON string (SPEC §2.4). */
static json_t *out_scalar(const struct field *f)
{
	json_t *s = json_pack("{s:s}", "type", "string");
	char c[64];
	long v[MAXVALUES];
	int nv = int_values(f, v);
	if (constant(f, c, sizeof(c))) {
		json_object_set_new(s, "const",
				    json_string(f->type != T_BOOL ? c
						: strcmp(c, "0")  ? "true"
								  : "false"));
		if (write_only(f))
			json_object_set_new(
			    s, "description",
			    json_string("Always shown as this value: what is sent is checked, then "
					"dropped, never kept."));
		return s;
	}
	if (nv) {
		json_object_set_new(s, "enum", values_array(v, nv, true));
		return s;
	}
	switch (f->type) {
	case T_BOOL:
		json_object_set_new(s, "enum", json_pack("[ss]", "true", "false"));
		break;
	case T_INT:
		json_object_set_new(
		    s, "pattern",
		    json_string(f->min < 0 ? "^(0|-?[1-9][0-9]*)$" : "^(0|[1-9][0-9]*)$"));
		break;
	case T_ID:
		json_object_set_new(s, "pattern", json_string("^[A-Za-z0-9-]{1,64}$"));
		break;
	case T_URI:
		json_object_set_new(s, "format", json_string("uri-reference"));
		json_object_set_new(s, "pattern", json_string("^/vmrest/"));
		break;
	case T_STR:
		if (f->charset)
			json_object_set_new(s, "pattern", charset_pattern(f->charset));
		else if (f->check == model_no_space)
			json_object_set_new(s, "pattern", json_string(NO_SPACE));
		if (f->max > 0) {
			json_object_set_new(s, "minLength", json_integer(f->min));
			json_object_set_new(s, "maxLength", json_integer(f->max));
		}
		break;
	}
	return s;
}

/* A field as it may be sent: XML text or a JSON string, number or boolean (SPEC §2.6). */
static json_t *in_value(const struct field *f)
{
	switch (f->type) {
	case T_BOOL:
		return json_pack(
		    "{s:[sss],s:s,s:i,s:i}", "type", "string", "boolean", "integer", "pattern",
		    "^[ \\t\\r\\n]*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)[ \\t\\r\\n]*$",
		    "minimum", 0, "maximum", 1);
	case T_INT: {
		long v[MAXVALUES];
		int nv = int_values(f, v);
		json_t *s = json_pack("{s:[ss],s:s,s:I,s:I}", "type", "string", "integer",
				      "pattern", "^[ \\t\\r\\n]*-?[0-9]+[ \\t\\r\\n]*$", "minimum",
				      (json_int_t)f->min, "maximum", (json_int_t)f->max);
		if (nv) /* few values: the text of one of them */
			json_object_set_new(s, "pattern", values_pattern(v, nv));
		if (nv && f->values) { /* a list within the range: or the number of one of them */
			json_object_set_new(s, "if", json_pack("{s:s}", "type", "integer"));
			json_object_set_new(s, "then",
					    json_pack("{s:o}", "enum", values_array(v, nv, false)));
		}
		return s;
	}
	case T_STR: {
		json_t *s = json_pack("{s:[sss]}", "type", "string", "number", "boolean");
		if (f->charset)
			json_object_set_new(s, "pattern", charset_pattern(f->charset));
		else if (f->check == model_no_space)
			json_object_set_new(s, "pattern", json_string(NO_SPACE));
		if (f->max > 0) {
			json_object_set_new(s, "minLength", json_integer(f->min));
			json_object_set_new(s, "maxLength", json_integer(f->max));
		}
		return s;
	}
	default: {
		json_t *s = json_pack("{s:s}", "type", "string");
		if (f->max > 0) {
			json_object_set_new(s, "minLength", json_integer(f->min));
			json_object_set_new(s, "maxLength", json_integer(f->max));
		}
		return s;
	}
	}
}

static json_t *in_scalar(const struct field *f)
{
	json_t *s = in_value(f);
	if (write_only(f)) {
		json_object_set_new(s, "writeOnly", json_true());
		json_object_set_new(s, "description",
				    json_string("Checked, then dropped: never stored, never shown "
						"(responses carry it empty)."));
	} else if (f->acc == A_IN) {
		json_object_set_new(s, "description",
				    json_string("Input only: never written out."));
	}
	return s;
}

/* The object as written out: every field but the input-only and never-written ones. */
static json_t *out_schema(const struct resource *r)
{
	json_t *props = json_object(), *req = json_array();
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		if (f->acc == A_IN || (f->flags & F_NOOUT))
			continue;
		char c[64];
		json_object_set_new(props, f->name, out_scalar(f));
		if (!strcmp(f->name, "URI") || !strcmp(f->name, "ObjectId") ||
		    (f->flags & F_REQUIRED) || constant(f, c, sizeof(c)))
			json_array_append_new(req, json_string(f->name));
	}
	return json_pack("{s:s,s:s,s:{s:s},s:o,s:o,s:b}", "type", "object", "description",
			 "A field whose value is NULL is omitted.", "xml", "name", r->elem,
			 "properties", props, "required", req, "additionalProperties", 0);
}

/* Required on POST, but either of two fields will do: a rule of the handler (SPEC §5.8.3
 * step 3) that the field table cannot say. */
static const struct either {
	const struct resource *r;
	const char *a, *b;
} eithers[] = {
    {&res_pgserver, "HostOrIPAddress", "HostOrIPAddressV6"},
};

/* {"anyOf":[{"required":[a],...},{"required":[b],...}]}: one of them, not empty. */
static json_t *either_of(const struct either *e)
{
	json_t *any = json_array();
	const char *names[2] = {e->a, e->b};
	for (int i = 0; i < 2; i++)
		json_array_append_new(any, json_pack("{s:[s],s:{s:{s:i}}}", "required", names[i],
						     "properties", names[i], "minLength", 1));
	return any;
}

/* The body of a POST (create: C, W and input-only fields) or a PUT (W and U fields). */
static json_t *in_schema(const struct resource *r, bool post)
{
	json_t *props = json_object(), *req = json_array();
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		bool takes = post ? f->acc == A_C || f->acc == A_W || f->acc == A_IN
				  : f->acc == A_W || f->acc == A_U;
		if (!takes)
			continue;
		json_object_set_new(props, f->name, in_scalar(f));
		if (post && (f->flags & F_REQUIRED))
			json_array_append_new(req, json_string(f->name));
	}
	const struct either *e = NULL;
	for (size_t i = 0; i < sizeof(eithers) / sizeof(eithers[0]); i++)
		if (eithers[i].r == r)
			e = &eithers[i];
	char desc[400];
	size_t n = (size_t)snprintf(
	    desc, sizeof(desc),
	    "Field names are matched ASCII case-insensitively; unknown and read-only fields "
	    "are ignored. In JSON the object may also come wrapped as {\"%s\":{...}}.",
	    r->elem);
	if (e)
		snprintf(desc + n, sizeof(desc) - n, " %s or %s must be %s non-empty.", e->a, e->b,
			 post ? "given" : "left");
	json_t *s = json_pack("{s:s,s:s,s:{s:s},s:o,s:o}", "type", "object", "description", desc,
			      "xml", "name", r->elem, "properties", props, "required", req);
	if (e && post)
		json_object_set_new(s, "anyOf", either_of(e));
	return s;
}

/* A listing in JSON: "@total" first, then one element as an object, more as an array, none
 * as no key (SPEC §2.4). */
static json_t *list_schema(const struct resource *r)
{
	json_t *one = ref(r->elem, "");
	json_t *many =
	    json_pack("{s:s,s:i,s:o}", "type", "array", "minItems", 2, "items", ref(r->elem, ""));
	json_t *props =
	    json_pack("{s:{s:s,s:s}}", "@total", "type", "string", "pattern", "^(0|[1-9][0-9]*)$");
	json_object_set_new(props, r->elem, json_pack("{s:[oo]}", "oneOf", one, many));
	return json_pack("{s:s,s:s,s:o,s:[s],s:b}", "type", "object", "description",
			 "@total counts every match of the request, whatever the paging.",
			 "properties", props, "required", "@total", "additionalProperties", 0);
}

/* The same listing in XML: <Coll total="N"><Elem>...</Elem>...</Coll>. */
static json_t *list_xml_schema(const struct resource *r)
{
	json_t *props =
	    json_pack("{s:{s:s,s:{s:b}}}", "total", "type", "string", "xml", "attribute", 1);
	json_object_set_new(props, r->elem,
			    json_pack("{s:s,s:o,s:{s:b}}", "type", "array", "items",
				      ref(r->elem, ""), "xml", "wrapped", 0));
	return json_pack("{s:s,s:{s:s},s:o}", "type", "object", "xml", "name", r->coll,
			 "properties", props);
}

static json_t *error_schema(void)
{
	json_t *codes = json_array();
	for (int e = -1; e >= -ERR_COUNT; e--)
		json_array_append_new(codes, json_string(api_err_code(e)));
	return json_pack("{s:s,s:{s:s},s:{s:{s:s,s:{s:{s:s,s:o},s:{s:s}},s:[ss]}},s:[s]}", "type",
			 "object", "xml", "name", "ErrorDetails", "properties", "errors", "type",
			 "object", "properties", "code", "type", "string", "enum", codes, "message",
			 "type", "string", "required", "code", "message", "required", "errors");
}

/* {"application/json":{"schema":json},"application/xml":{"schema":xml}}; xml may be NULL. */
static json_t *content(json_t *json, json_t *xml)
{
	json_t *c = json_pack("{s:{s:o}}", "application/json", "schema", json);
	if (xml)
		json_object_set_new(c, "application/xml", json_pack("{s:o}", "schema", xml));
	return c;
}

/* "INVALID_PARAMETER, LICENSE_EXCEEDED or DUPLICATE_NAME": the codes of one status. */
static json_t *error_response(int status, bool vmrest)
{
	char desc[200] = "";
	size_t n = 0;
	int total = 0, k = 0;
	for (int e = -1; e >= -ERR_COUNT; e--)
		total += api_err_status(e) == status;
	for (int e = -1; e >= -ERR_COUNT; e--)
		if (api_err_status(e) == status)
			n += (size_t)snprintf(desc + n, sizeof(desc) - n, "%s%s",
					      !k++	   ? ""
					      : k == total ? " or "
							   : ", ",
					      api_err_code(e));
	return json_pack("{s:s,s:o}", "description", desc, "content",
			 content(ref("ErrorDetails", ""), vmrest ? ref("ErrorDetails", "") : NULL));
}

static json_t *param(const char *name, const char *in, json_t *schema, const char *desc)
{
	return json_pack("{s:s,s:s,s:b,s:o,s:s}", "name", name, "in", in, "required",
			 !strcmp(in, "path"), "schema", schema, "description", desc);
}

/* The query parameters of every collection (SPEC §3); query and sort name r's columns. */
static void paging_params(json_t *params, const struct resource *r)
{
	char cols[1200];
	size_t n = 0;
	for (size_t i = 0; i < r->nfields && n < sizeof(cols); i++) {
		const struct field *f = &r->fields[i];
		if (f->expr && f->acc != A_IN && !(f->flags & (F_NOOUT | F_NOQUERY)))
			n += (size_t)snprintf(cols + n, sizeof(cols) - n, "%s%s", n ? ", " : "",
					      f->name);
	}
	char qdesc[1400], sdesc[1400];
	snprintf(qdesc, sizeof(qdesc),
		 "(Column is|startswith value), e.g. (DisplayName startswith Lab). Columns, "
		 "matched ASCII case-insensitively: %s.",
		 cols);
	snprintf(sdesc, sizeof(sdesc),
		 "(Column [asc|desc]), e.g. (DisplayName desc); ties go by ObjectId. The default "
		 "order is %s. Columns: %s.",
		 r->sort ? r->sort : "ObjectId", cols);
	json_array_append_new(params,
			      param("rowsPerPage", "query",
				    json_pack("{s:s,s:i,s:i}", "type", "integer", "minimum", 0,
					      "maximum", 2147483647),
				    "Page size; above 2000 counts as 2000; 0 means count only."));
	json_array_append_new(params, param("pageNumber", "query",
					    json_pack("{s:s,s:i,s:i}", "type", "integer", "minimum",
						      0, "maximum", 2147483647),
					    "Page, from 1; 0 means count only."));
	json_array_append_new(
	    params, param("query", "query",
			  json_pack("{s:s,s:s}", "type", "string", "pattern", "^\\s*\\(.*\\)\\s*$"),
			  qdesc));
	json_array_append_new(
	    params, param("sort", "query",
			  json_pack("{s:s,s:s}", "type", "string", "pattern", "^\\s*\\(.*\\)\\s*$"),
			  sdesc));
}

/* The name the document gives a placeholder of the pattern: the first, {id}, is the
 * ObjectId (a name below /cupid/); the others keep the route table's name ({serverId}). */
static void param_name(char *out, size_t n, const char *ph, size_t len, bool first, bool vmrest)
{
	if (first && len == 2 && !memcmp(ph, "id", 2))
		snprintf(out, n, "%s", vmrest ? "ObjectId" : "name");
	else
		snprintf(out, n, "%.*s", (int)len, ph);
}

/* The path parameters of the pattern, in order; *nph is set to their number. */
static void path_params(json_t *params, const struct route *rt, bool vmrest, int *nph)
{
	const struct resource *r = res_of(rt);
	int k = 0, total = 0;
	for (const char *p = strchr(rt->pattern, '{'); p; p = strchr(p + 1, '{'))
		total++;
	for (const char *p = strchr(rt->pattern, '{'); p; p = strchr(p + 1, '{'), k++) {
		const char *end = strchr(p, '}');
		if (!end)
			break;
		char name[64], desc[200];
		param_name(name, sizeof(name), p + 1, (size_t)(end - p - 1), k == 0, vmrest);
		bool last = !strchr(end, '/');
		if (!vmrest)
			snprintf(desc, sizeof(desc), "The name.");
		else if (last)
			snprintf(desc, sizeof(desc), "The %s's ObjectId, compared exactly%s.",
				 r ? r->elem : "object",
				 total > 1 ? "; it must belong to the parent in the path" : "");
		else if (r && r->parent_res)
			snprintf(desc, sizeof(desc),
				 "The ObjectId of the parent %s, compared exactly.",
				 r->parent_res->elem);
		else
			snprintf(
			    desc, sizeof(desc),
			    "The ObjectId of the object the list belongs to, compared exactly.");
		json_array_append_new(
		    params, param(name, "path", json_pack("{s:s}", "type", "string"), desc));
	}
	*nph = k;
}

/* "get_vmrest_ports_id" */
static void operation_id(char *out, size_t n, const char *method, const char *pattern)
{
	size_t k = (size_t)snprintf(out, n, "%s", method);
	for (const char *p = pattern; *p && k + 1 < n; p++) {
		char c = *p;
		bool word =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (word)
			out[k++] = c;
		else if (out[k - 1] != '_')
			out[k++] = '_';
	}
	while (k > 1 && out[k - 1] == '_')
		k--;
	out[k] = 0;
}

/* The description of one status's answer, for this route and method. */
static json_t *status_response(int s, const struct route *rt, bool reading, bool refused,
			       bool vmrest)
{
	json_t *o = error_response(s, vmrest);
	if (s == 429)
		json_object_set_new(o, "headers",
				    json_pack("{s:{s:s,s:{s:s}}}", "Retry-After", "description",
					      "seconds until this user may log in from this address "
					      "again",
					      "schema", "type", "integer"));
	const char *why = NULL;
	if (s == 403)
		why = refused		      ? "the resource is read-only (every user)"
		      : (rt->flags & R_ADMIN) ? "the user is not an administrator"
		      : !reading	      ? "the user has the readonly role"
					      : NULL;
	if (why) {
		char d[300];
		snprintf(d, sizeof(d), "%s: %s",
			 json_string_value(json_object_get(o, "description")), why);
		json_object_set_new(o, "description", json_string(d));
	}
	return o;
}

/* One operation of a route. refused: a POST, PUT or DELETE on a read-only resource, which
 * answers 403 whoever asks (SPEC §5 method table, §4.2 step 6). */
static json_t *operation(const struct route *rt, enum method m, const char *method, bool refused)
{
	const struct resource *r = res_of(rt);
	bool vmrest = !strncmp(rt->pattern, "/vmrest/", 8);
	bool reading = m == M_GET || m == M_HEAD, body = !refused && (m == M_POST || m == M_PUT);
	bool list = rt->get == coll_get || rt->get == sublist_get;
	bool noauth = (rt->flags & R_NOAUTH) && reading;
	/* a listing below a parent: an unknown parent gives an empty list (SPEC §5.7.1) */
	bool sublist = list && strchr(rt->pattern, '{');
	char id[160], summary[200];
	operation_id(id, sizeof(id), method, rt->pattern);
	if (refused)
		snprintf(summary, sizeof(summary), "%s: refused, %s is read-only",
			 m == M_POST  ? "POST"
			 : m == M_PUT ? "PUT"
				      : "DELETE",
			 r && list ? r->coll
			 : r	   ? r->elem
				   : rt->pattern);
	else if (vmrest && r && reading && sublist && r->parent_res)
		snprintf(summary, sizeof(summary), "List the %s of one %s", r->coll,
			 r->parent_res->elem);
	else if (vmrest && r && reading)
		snprintf(summary, sizeof(summary), list ? "List %s" : "Read one %s",
			 list ? r->coll : r->elem);
	else if (vmrest && r)
		snprintf(summary, sizeof(summary), "%s %s",
			 m == M_POST  ? "Create"
			 : m == M_PUT ? "Change"
				      : "Delete",
			 r->elem);
	else
		snprintf(summary, sizeof(summary), "%s %s",
			 m == M_GET    ? "GET"
			 : m == M_HEAD ? "HEAD"
			 : m == M_POST ? "POST"
			 : m == M_PUT  ? "PUT"
				       : "DELETE",
			 rt->pattern);
	json_t *op = json_pack("{s:[s],s:s,s:s}", "tags", vmrest ? "vmrest" : "cupid", "summary",
			       summary, "operationId", id);
	if (sublist && reading)
		json_object_set_new(op, "description",
				    json_string("When the parent in the path does not exist, the "
						"answer is 200 with an empty collection."));
	else if (refused)
		json_object_set_new(op, "description",
				    json_string("The resource is read-only: this method always "
						"answers 403 FORBIDDEN, after authentication."));
	json_t *params = json_array();
	int nph = 0;
	path_params(params, rt, vmrest, &nph);
	if (rt->get == coll_get && reading && r)
		paging_params(params, r);
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if (body && vmrest && r)
		json_object_set_new(
		    op, "requestBody",
		    json_pack("{s:b,s:o}", "required", 1, "content",
			      content(ref(r->elem, m == M_POST ? "Create" : "Update"),
				      ref(r->elem, m == M_POST ? "Create" : "Update"))));
	else if (body)
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b,s:{s:{s:{s:s}}}}", "required", 0, "content",
					      "application/json", "schema", "type", "object"));
	json_t *resp = json_object();
	if (refused) {
		/* no success answer */
	} else if (vmrest && reading && r) {
		json_t *c = list ? content(ref(r->elem, "List"), ref(r->elem, "ListXml"))
				 : content(ref(r->elem, ""), ref(r->elem, ""));
		json_object_set_new(resp, "200",
				    json_pack("{s:s,s:o}", "description", "OK", "content", c));
	} else if (vmrest && m == M_POST) {
		json_object_set_new(
		    resp, "201",
		    json_pack("{s:s,s:{s:{s:{s:s,s:s}}},s:{s:{s:{s:s,s:s}}}}", "description",
			      "Created: the body is the new object's relative URI (for several "
			      "ports, the first one's).",
			      "headers", "Location", "schema", "type", "string", "format", "uri",
			      "content", "text/plain", "schema", "type", "string", "pattern",
			      "^/vmrest/"));
	} else if (vmrest) {
		json_object_set_new(resp, "204",
				    json_pack("{s:s}", "description", "Done, no body."));
	} else {
		const char *type = rt->get == cupid_metrics ? "text/plain"
				   : rt->get == ui_get	    ? "*/*"
							    : "application/json";
		json_object_set_new(resp, "200",
				    json_pack("{s:s,s:{s:{s:{}}}}", "description", "OK", "content",
					      type, "schema"));
	}
	int statuses[] = {400, 401, 403, 404, 406, 413, 415, 429, 500, 503};
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		int s = statuses[i];
		/* a refused write is decided at routing (§4.2 step 6): only the checks before it */
		bool has = refused ? s == 401 || s == 429 || s == 403 || s == 500 ||
					 (s == 503 && vmrest) || (s == 413 && m != M_DELETE)
			   : s == 500 ? true
			   : s == 429 ? !noauth
			   : s == 400 ? body || (vmrest && rt->get == coll_get && reading)
			   : s == 401 ? !noauth
			   : s == 403 ? !noauth && (!reading || (rt->flags & R_ADMIN))
			   : s == 404 ? nph > 0 && !(sublist && reading)
			   : s == 406 ? vmrest
			   : s == 503 ? rt->get != ui_get
				      : body; /* 413, 415 */
		if (has) {
			char k[8];
			snprintf(k, sizeof(k), "%d", s);
			json_object_set_new(resp, k,
					    status_response(s, rt, reading, refused, vmrest));
		}
	}
	if (m == M_HEAD) { /* the same answers as GET, without their bodies */
		const char *k;
		json_t *v;
		json_object_foreach(resp, k, v) json_object_del(v, "content");
	}
	json_object_set_new(op, "responses", resp);
	if (noauth)
		json_object_set_new(op, "security", json_array());
	return op;
}

/* The document's path for a route: /vmrest/ports/{id} -> /vmrest/ports/{ObjectId}. */
static void doc_path(char *out, size_t n, const struct route *rt, bool vmrest)
{
	size_t k = 0;
	bool first = true;
	for (const char *p = rt->pattern; *p && k + 1 < n;) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		if (!end) {
			out[k++] = *p++;
			continue;
		}
		char name[64];
		param_name(name, sizeof(name), p + 1, (size_t)(end - p - 1), first, vmrest);
		k += (size_t)snprintf(out + k, n - k, "{%s}", name);
		if (k >= n)
			k = n - 1;
		first = false;
		p = end + 1;
	}
	out[k] = 0;
}

static json_t *document(void)
{
	json_t *paths = json_object(), *schemas = json_object();
	json_object_set_new(schemas, "ErrorDetails", error_schema());
	for (size_t i = 0; i < router_nroutes; i++) {
		const struct route *rt = &router_routes[i];
		const struct resource *r = res_of(rt);
		bool vmrest = !strncmp(rt->pattern, "/vmrest/", 8);
		/* POST, PUT and DELETE of a read-only resource answer 403, not 405 */
		bool ro = vmrest && (rt->flags & R_READONLY);
		char path[200];
		doc_path(path, sizeof(path), rt, vmrest);
		json_t *item = json_object();
		if (rt->get) {
			json_object_set_new(item, "get", operation(rt, M_GET, "get", false));
			json_object_set_new(item, "head", operation(rt, M_HEAD, "head", false));
		}
		if (rt->post || ro)
			json_object_set_new(item, "post", operation(rt, M_POST, "post", !rt->post));
		if (rt->put || ro)
			json_object_set_new(item, "put", operation(rt, M_PUT, "put", !rt->put));
		if (rt->del || ro)
			json_object_set_new(item, "delete",
					    operation(rt, M_DELETE, "delete", !rt->del));
		json_object_set_new(paths, path, item);
		if (!r || !vmrest)
			continue;
		char name[160];
		if (!json_object_get(schemas, r->elem))
			json_object_set_new(schemas, r->elem, out_schema(r));
		if (rt->get == coll_get || rt->get == sublist_get) {
			snprintf(name, sizeof(name), "%sList", r->elem);
			json_object_set_new(schemas, name, list_schema(r));
			snprintf(name, sizeof(name), "%sListXml", r->elem);
			json_object_set_new(schemas, name, list_xml_schema(r));
		}
		if (rt->post) {
			snprintf(name, sizeof(name), "%sCreate", r->elem);
			json_object_set_new(schemas, name, in_schema(r, true));
		}
		if (rt->put) {
			snprintf(name, sizeof(name), "%sUpdate", r->elem);
			json_object_set_new(schemas, name, in_schema(r, false));
		}
	}
	return json_pack(
	    "{s:s,s:{s:s,s:s,s:s},s:[{s:[]}],s:[{s:s,s:s},{s:s,s:s}],s:o,s:{s:{s:{s:s,s:s}},s:o}}",
	    "openapi", "3.1.0", "info", "title", "cupid: a CUPI-compatible provisioning API",
	    "version", CUPID_VERSION, "description",
	    "The Cisco Unity Connection Provisioning Interface (CUPI) for voice messaging ports, "
	    "and cupid's own endpoints. Generated from cupid's route and field tables. Responses "
	    "are XML unless Accept asks for application/json; in JSON every scalar is a string. "
	    "A method a path does not list answers 405 with Allow; POST, PUT and DELETE of a "
	    "read-only resource are listed with their only answer, 403.",
	    "security", "basicAuth", "tags", "name", "vmrest", "description", "CUPI (SPEC §5)",
	    "name", "cupid", "description", "cupid's own endpoints (SPEC §6)", "paths", paths,
	    "components", "securitySchemes", "basicAuth", "type", "http", "scheme", "basic",
	    "schemas", schemas);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char *text; /* the document, built once; lives as long as the process */

static void build(void)
{
	json_t *doc = document();
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
}

HANDLER(cupid_openapi)
{
	pthread_once(&once, build);
	if (!text)
		return api_error(rq, rs, ERR_INTERNAL, "cannot build the OpenAPI description");
	return api_json(rs, 200, text);
}

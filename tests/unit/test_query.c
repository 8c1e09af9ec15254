/* Unit tests for api/query: the collection parameters of SPEC §3 (decoding, grammar, meaning,
 * paging) as query_parse turns them into a struct listq, plus query_decode and utf8_valid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/query.h"
#include "err.h"
#include "model/model.h"
#include "util/arena.h"

#define SEED_GROUP "ledf504a-e9a1-4876-bcfc-bb674da8e385"

struct t {
	struct arena *a;
	struct listq q;
	char err[256];
};

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	t->a = arena_new(1u << 20);
	*state = t;
	return t->a ? 0 : -1;
}

static int teardown(void **state)
{
	struct t *t = *state;
	arena_free(t->a);
	free(t);
	return 0;
}

static int col(const struct resource *r, const char *name)
{
	int k = model_field(r, name);
	if (k < 0)
		fail_msg("%s has no field %s", r->name, name);
	return k;
}

/* Parses raw for r and expects success. */
static struct listq *ok(struct t *t, const struct resource *r, const char *raw)
{
	t->err[0] = 0;
	memset(&t->q, 0x5a, sizeof(t->q));
	int rc = query_parse(raw, r, t->a, &t->q, t->err, sizeof(t->err));
	if (rc != 0)
		fail_msg("query_parse(\"%s\") = %d: %s", raw ? raw : "(null)", rc, t->err);
	return &t->q;
}

/* Parses raw for r and expects ERR_INVALID with a one-line message naming param. */
static void bad(struct t *t, const struct resource *r, const char *raw, const char *param)
{
	t->err[0] = 0;
	int rc = query_parse(raw, r, t->a, &t->q, t->err, sizeof(t->err));
	if (rc != ERR_INVALID)
		fail_msg("query_parse(\"%s\") = %d, want ERR_INVALID naming %s", raw, rc, param);
	if (!strstr(t->err, param))
		fail_msg("query_parse(\"%s\"): message \"%s\" does not name %s", raw, t->err,
			 param);
	assert_null(strchr(t->err, '\n'));
}

static void no_paging(const struct listq *q)
{
	assert_false(q->count_only);
	assert_int_equal(q->limit, -1);
	assert_int_equal(q->offset, 0);
}

static void filter_is(const struct listq *q, int k, enum listq_op op, const char *value)
{
	assert_int_equal(q->filter, k);
	assert_int_equal(q->op, op);
	assert_non_null(q->value);
	assert_string_equal(q->value, value);
}

/* ---- SPEC §3.4 / §3.5: paging ---- */

static void test_no_parameters(void **state)
{
	struct t *t = *state;
	const char *raws[] = {NULL, "", "&", "&&", "foo=bar", "limit=3&offset=9", "x"};
	for (size_t i = 0; i < sizeof(raws) / sizeof(raws[0]); i++) {
		struct listq *q = ok(t, &res_port, raws[i]);
		no_paging(q);
		assert_int_equal(q->filter, -1);
		assert_int_equal(q->sort, -1);
		assert_false(q->desc);
	}
}

static void test_count_only(void **state)
{
	struct t *t = *state;
	assert_true(ok(t, &res_port, "pageNumber=0")->count_only);
	assert_true(ok(t, &res_port, "rowsPerPage=0")->count_only);
	assert_true(ok(t, &res_port, "rowsPerPage=0&pageNumber=5")->count_only);
	assert_true(ok(t, &res_port, "rowsPerPage=1000&pageNumber=0")->count_only);
	assert_true(ok(t, &res_port, "pageNumber=000")->count_only);
	/* count-only still parses query and sort */
	struct listq *q = ok(t, &res_port, "pageNumber=0&query=(HuntOrder%20is%200)");
	assert_true(q->count_only);
	filter_is(q, col(&res_port, "HuntOrder"), Q_IS, "0");
	bad(t, &res_port, "pageNumber=0&query=(Bogus%20is%201)", "query");
}

static void test_pages(void **state)
{
	struct t *t = *state;
	struct listq *q = ok(t, &res_port, "rowsPerPage=1");
	assert_false(q->count_only);
	assert_int_equal(q->limit, 1);
	assert_int_equal(q->offset, 0);

	q = ok(t, &res_port, "rowsPerPage=1&pageNumber=2");
	assert_int_equal(q->limit, 1);
	assert_int_equal(q->offset, 1);

	q = ok(t, &res_port, "rowsPerPage=1&pageNumber=3");
	assert_false(q->count_only);
	assert_int_equal(q->limit, 1);
	assert_int_equal(q->offset, 2);

	q = ok(t, &res_port, "pageNumber=4&rowsPerPage=25");
	assert_int_equal(q->limit, 25);
	assert_int_equal(q->offset, 75);

	q = ok(t, &res_port, "rowsPerPage=1000&pageNumber=1");
	assert_int_equal(q->limit, 1000);
	assert_int_equal(q->offset, 0);

	/* page 1 without rowsPerPage: everything */
	no_paging(ok(t, &res_port, "pageNumber=1"));
	/* leading zeros are digits too */
	q = ok(t, &res_port, "rowsPerPage=007&pageNumber=02");
	assert_int_equal(q->limit, 7);
	assert_int_equal(q->offset, 7);
	/* outer whitespace of the decoded value is removed */
	q = ok(t, &res_port, "rowsPerPage=%203%20&pageNumber=+2+");
	assert_int_equal(q->limit, 3);
	assert_int_equal(q->offset, 3);
}

static void test_cap_2000(void **state)
{
	struct t *t = *state;
	struct listq *q = ok(t, &res_port, "rowsPerPage=5000");
	assert_false(q->count_only);
	assert_int_equal(q->limit, QUERY_MAX_ROWS);
	assert_int_equal(q->limit, 2000);
	assert_int_equal(q->offset, 0);
	assert_int_equal(ok(t, &res_port, "rowsPerPage=2000")->limit, 2000);
	assert_int_equal(ok(t, &res_port, "rowsPerPage=2001")->limit, 2000);
	assert_int_equal(ok(t, &res_port, "rowsPerPage=1999")->limit, 1999);
	assert_int_equal(ok(t, &res_port, "rowsPerPage=2147483647")->limit, 2000);
	/* pages are counted in the capped size */
	q = ok(t, &res_port, "rowsPerPage=5000&pageNumber=2");
	assert_int_equal(q->limit, 2000);
	assert_int_equal(q->offset, 2000);
	/* the largest page number does not overflow */
	q = ok(t, &res_port, "rowsPerPage=2000&pageNumber=2147483647");
	assert_int_equal(q->limit, 2000);
	assert_int_equal(q->offset, 2147483646L * 2000L);
}

/* SPEC §3.4: pageNumber 2 or more without rowsPerPage is a page past the end. */
static void test_page_past_end_without_rows(void **state)
{
	struct t *t = *state;
	const char *raws[] = {"pageNumber=2", "pageNumber=3", "pageNumber=2147483647"};
	for (size_t i = 0; i < 3; i++) {
		struct listq *q = ok(t, &res_port, raws[i]);
		assert_false(q->count_only);
		/* one page holds every match, so this page starts beyond any possible row */
		assert_true(q->offset >= 2147483647L);
	}
}

static void test_paging_grammar(void **state)
{
	struct t *t = *state;
	/* a literal '+' is %2B: a raw '+' decodes to a space (and "+1" is then " 1", fine) */
	const char *vals[] = {"",    "-1",    "%2B1",	    "1.5",
			      "abc", "1a",    "0x10",	    "1e3",
			      "1+2", "1%202", "2147483648", "99999999999999999999",
			      "-0",  "%2D1",  "%201%2C2",   "1%00"};
	char raw[64];
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		snprintf(raw, sizeof(raw), "rowsPerPage=%s", vals[i]);
		bad(t, &res_port, raw, "rowsPerPage");
		snprintf(raw, sizeof(raw), "pageNumber=%s", vals[i]);
		bad(t, &res_port, raw, "pageNumber");
	}
	/* a name with no '=' has the empty value */
	bad(t, &res_port, "rowsPerPage", "rowsPerPage");
	bad(t, &res_port, "pageNumber&rowsPerPage=1", "pageNumber");
	/* the largest values are fine */
	assert_int_equal(ok(t, &res_port, "pageNumber=2147483647&rowsPerPage=0")->count_only, 1);
	assert_int_equal(ok(t, &res_port, "rowsPerPage=0002147483647")->limit, 2000);
}

/* ---- SPEC §3.1: names, repeats, decoding ---- */

static void test_names_case_insensitive(void **state)
{
	struct t *t = *state;
	struct listq *q =
	    ok(t, &res_port,
	       "ROWSPERPAGE=3&PageNumber=2&QUERY=(HuntOrder%20is%201)&Sort=(DisplayName"
	       "%20DESC)");
	assert_int_equal(q->limit, 3);
	assert_int_equal(q->offset, 3);
	filter_is(q, col(&res_port, "HuntOrder"), Q_IS, "1");
	assert_int_equal(q->sort, col(&res_port, "DisplayName"));
	assert_true(q->desc);
	/* other names are ignored, even those that look alike */
	no_paging(ok(t, &res_port, "rowsPerPages=x&page=y&queryx=(((&sorting=z&q=1"));
}

static void test_repeats(void **state)
{
	struct t *t = *state;
	bad(t, &res_port, "pageNumber=1&pageNumber=2", "pageNumber");
	bad(t, &res_port, "pageNumber=1&pageNumber=1", "pageNumber");
	bad(t, &res_port, "rowsPerPage=1&rowsPerPage=1", "rowsPerPage");
	bad(t, &res_port, "rowsPerPage=1&ROWSPERPAGE=1", "rowsPerPage");
	bad(t, &res_port, "query=(HuntOrder%20is%201)&query=(HuntOrder%20is%201)", "query");
	bad(t, &res_port, "sort=(DisplayName)&SORT=(DisplayName)", "sort");
	bad(t, &res_port, "sort=(DisplayName)&x=1&sort=", "sort");
	/* other parameters may repeat */
	no_paging(ok(t, &res_port, "x=1&x=2&foo&foo"));
}

static void test_bad_encoding(void **state)
{
	struct t *t = *state;
	bad(t, &res_port, "query=%zz", "query");
	bad(t, &res_port, "query=(DisplayName%20is%20x%2", "query");
	bad(t, &res_port, "query=(DisplayName%20is%20x)%", "query");
	bad(t, &res_port, "query=(DisplayName%20is%20%C3)", "query");	    /* truncated */
	bad(t, &res_port, "query=(DisplayName%20is%20%FF)", "query");	    /* never UTF-8 */
	bad(t, &res_port, "query=(DisplayName%20is%20%C0%AF)", "query");    /* overlong */
	bad(t, &res_port, "query=(DisplayName%20is%20%ED%A0%80)", "query"); /* surrogate */
	bad(t, &res_port, "query=(DisplayName%20is%20a%00b)", "query");	    /* NUL */
	bad(t, &res_port, "sort=(DisplayName%G0)", "sort");
	bad(t, &res_port, "rowsPerPage=%3", "rowsPerPage");
	bad(t, &res_port, "pageNumber=%", "pageNumber");
	/* encoded digits are digits */
	assert_int_equal(ok(t, &res_port, "rowsPerPage=%31%32")->limit, 12);
}

static void test_plus_and_percent(void **state)
{
	struct t *t = *state;
	int dn = col(&res_port, "DisplayName");
	filter_is(ok(t, &res_port, "query=(DisplayName+is+a+b)"), dn, Q_IS, "a b");
	filter_is(ok(t, &res_port, "query=(DisplayName%20is%20a%2Bb)"), dn, Q_IS, "a+b");
	filter_is(ok(t, &res_port, "query=(DisplayName%20is%20a%2bb)"), dn, Q_IS, "a+b");
	filter_is(ok(t, &res_port, "query=(DisplayName%20is%20a%26b%3Dc)"), dn, Q_IS, "a&b=c");
	filter_is(ok(t, &res_port, "query=(DisplayName%20is%20caf%C3%A9)"), dn, Q_IS,
		  "caf\xc3\xa9");
	filter_is(ok(t, &res_port, "query=(DisplayName%20is%20%F0%9F%98%80)"), dn, Q_IS,
		  "\xf0\x9f\x98\x80");
	/* '=' inside the value after the first one is part of the value */
	filter_is(ok(t, &res_port, "query=(DisplayName is a=b)"), dn, Q_IS, "a=b");
	/* tabs are whitespace in the grammar */
	filter_is(ok(t, &res_port, "query=(DisplayName%09is%09x%09)"), dn, Q_IS, "x");
}

/* ---- SPEC §3.2 / §3.3 / §3.5: query ---- */

static void test_query_seed_examples(void **state)
{
	struct t *t = *state;
	int grp = col(&res_port, "MediaPortGroupObjectId");
	filter_is(ok(t, &res_port, "query=(MediaPortGroupObjectId%20is%20" SEED_GROUP ")"), grp,
		  Q_IS, SEED_GROUP);
	filter_is(ok(t, &res_port,
		     "query=(mediaportgroupobjectid+IS+1edf504a-e9a1-4876-bcfc-bb674da8e385)"),
		  grp, Q_IS, "1edf504a-e9a1-4876-bcfc-bb674da8e385");
	struct listq *q =
	    ok(t, &res_port, "query=(%20DisplayName%20startswith%20phonesystem-1-00%20)");
	filter_is(q, col(&res_port, "DisplayName"), Q_STARTSWITH, "phonesystem-1-00");
	no_paging(q);
	assert_int_equal(q->sort, -1);

	q = ok(t, &res_port, "query=(CapEnabled%20is%201)&sort=(DisplayName%20desc)");
	filter_is(q, col(&res_port, "CapEnabled"), Q_IS, "1");
	assert_int_equal(q->sort, col(&res_port, "DisplayName"));
	assert_true(q->desc);

	filter_is(ok(t, &res_port, "query=(HuntOrder%20is%200)"), col(&res_port, "HuntOrder"), Q_IS,
		  "0");

	q = ok(t, &res_portgroup, "sort=(DisplayName%20desc)");
	assert_int_equal(q->filter, -1);
	assert_int_equal(q->sort, col(&res_portgroup, "DisplayName"));
	assert_true(q->desc);

	filter_is(ok(t, &res_portgroup, "query=(PortCount%20is%200)"),
		  col(&res_portgroup, "PortCount"), Q_IS, "0");

	/* SPEC §2.4's template queries */
	filter_is(ok(t, &res_template, "query=(CopyTelephonyIntegrationMethodEnum%20is%209)"),
		  col(&res_template, "CopyTelephonyIntegrationMethodEnum"), Q_IS, "9");
	filter_is(ok(t, &res_template, "query=(TemplateDescriptionDefault%20startswith%20S)"),
		  col(&res_template, "TemplateDescriptionDefault"), Q_STARTSWITH, "S");
}

static void test_query_seed_errors(void **state)
{
	struct t *t = *state;
	bad(t, &res_port, "query=DisplayName%20is%20x", "query");
	bad(t, &res_port, "query=(Bogus%20is%201)", "query");
	bad(t, &res_port, "query=(DisplayName%20contains%20x)", "query");
	bad(t, &res_port, "query=(CapAnswer%20is%20yes)", "query");
	bad(t, &res_port, "query=(CapAnswer%20startswith%201)", "query");
	bad(t, &res_port, "query=(HuntOrder%20is%20abc)", "query");
}

/* Rule V: the value runs to the last ')' and may hold spaces, ')' and quotes. */
static void test_rule_v(void **state)
{
	struct t *t = *state;
	int dn = col(&res_port, "DisplayName");
	filter_is(ok(t, &res_port, "query=(DisplayName%20is%20Lab%20(old))"), dn, Q_IS,
		  "Lab (old)");
	filter_is(ok(t, &res_port, "query=(DisplayName is Lab (old))"), dn, Q_IS, "Lab (old)");
	filter_is(ok(t, &res_port, "query=(DisplayName is a  b   c   )"), dn, Q_IS, "a  b   c");
	filter_is(ok(t, &res_port, "query=(DisplayName is ))"), dn, Q_IS, ")");
	filter_is(ok(t, &res_port, "query=(DisplayName is a)b)"), dn, Q_IS, "a)b");
	filter_is(ok(t, &res_port, "query=(DisplayName is (x)"), dn, Q_IS, "(x");
	filter_is(ok(t, &res_port, "query=(DisplayName is \"x y\")"), dn, Q_IS, "\"x y\"");
	filter_is(ok(t, &res_port, "query=(DisplayName is 'x')"), dn, Q_IS, "'x'");
	filter_is(ok(t, &res_port, "query=(DisplayName startswith is)"), dn, Q_STARTSWITH, "is");
	filter_is(ok(t, &res_port, "query=(DisplayName is startswith x)"), dn, Q_IS,
		  "startswith x");
	/* OWS around the whole thing and inside the parentheses */
	filter_is(ok(t, &res_port, "query=%20%20(%20%09DisplayName%20%20is%20%20%20x%20%09)%20"),
		  dn, Q_IS, "x");
	/* more than the operator's separating whitespace belongs to RWS, not to the value */
	filter_is(ok(t, &res_port, "query=(DisplayName   is   x)"), dn, Q_IS, "x");
}

static void test_query_grammar_errors(void **state)
{
	struct t *t = *state;
	const char *raws[] = {
	    "query=",
	    "query",
	    "query=(",
	    "query=)",
	    "query=()",
	    "query=(%20)",
	    "query=(DisplayName)",
	    "query=(DisplayName%20)",
	    "query=(DisplayName%20is)",
	    "query=(DisplayName%20is%20)",
	    "query=(DisplayName%20is%20%20%09)",
	    "query=(DisplayName%20is%20x",
	    "query=DisplayName%20is%20x)",
	    "query=(DisplayName%20is%20x)%20y",
	    "query=(DisplayName%20is%20x)y",
	    "query=[DisplayName%20is%20x]",
	    "query=(DisplayNameis%20x)",
	    "query=(DisplayName%20isx)",
	    "query=(DisplayName%20is:%20x)",
	    "query=(DisplayName%20=%20x)",
	    "query=(DisplayName%20starts%20x)",
	    "query=(DisplayName%20startswithx%20y)",
	    "query=(DisplayName%20in%20x)",
	    "query=(1DisplayName%20is%20x)",
	    "query=(_x%20is%20x)",
	    "query=(Display-Name%20is%20x)",
	    "query=(Display.Name%20is%20x)",
	    "query=(%22DisplayName%22%20is%20x)",
	    "query=((DisplayName%20is%20x))",
	};
	for (size_t i = 0; i < sizeof(raws) / sizeof(raws[0]); i++)
		bad(t, &res_port, raws[i], "query");
}

static void test_query_operator_case(void **state)
{
	struct t *t = *state;
	int dn = col(&res_port, "DisplayName");
	filter_is(ok(t, &res_port, "query=(DisplayName%20IS%20x)"), dn, Q_IS, "x");
	filter_is(ok(t, &res_port, "query=(DisplayName%20iS%20x)"), dn, Q_IS, "x");
	filter_is(ok(t, &res_port, "query=(DisplayName%20StartsWith%20x)"), dn, Q_STARTSWITH, "x");
	filter_is(ok(t, &res_port, "query=(DisplayName%20STARTSWITH%20x)"), dn, Q_STARTSWITH, "x");
	/* columns too; the value keeps its case (matching is the store's business) */
	filter_is(ok(t, &res_port, "query=(DISPLAYNAME%20is%20MiXeD)"), dn, Q_IS, "MiXeD");
	filter_is(ok(t, &res_port, "query=(capmwi%20is%20TRUE)"), col(&res_port, "CapMWI"), Q_IS,
		  "1");
}

/* SPEC §3.3: columns are the fields that appear in the representation. */
static void test_columns(void **state)
{
	struct t *t = *state;
	const char *port_cols[] = {"URI",
				   "ObjectId",
				   "MediaPortGroupObjectId",
				   "PortGroupURI",
				   "TelephonyIntegrationMethodEnum",
				   "PortNumInGroup",
				   "SkinnySecurityModeEnum",
				   "VmsServerObjectId",
				   "DisplayName",
				   "SkinnyDeviceName",
				   "PimgPortNumber",
				   "MediaSwitchDisplayName",
				   "MediaSwitchObjectId",
				   "PhoneSystemURI",
				   "MediaPortGroupDisplayName",
				   "SipSendPort",
				   "VmsServerName"};
	char raw[160];
	for (size_t i = 0; i < sizeof(port_cols) / sizeof(port_cols[0]); i++) {
		snprintf(raw, sizeof(raw), "query=(%s%%20is%%201)", port_cols[i]);
		filter_is(ok(t, &res_port, raw), col(&res_port, port_cols[i]), Q_IS, "1");
		snprintf(raw, sizeof(raw), "sort=(%s)", port_cols[i]);
		assert_int_equal(ok(t, &res_port, raw)->sort, col(&res_port, port_cols[i]));
	}
	/* never written out: not columns */
	bad(t, &res_port, "query=(NumberOfPorts%20is%202)", "query");
	bad(t, &res_port, "sort=(NumberOfPorts)", "sort");
	bad(t, &res_portgroup, "query=(HostOrIPAddress%20is%20x)", "query");
	bad(t, &res_portgroup, "sort=(HostOrIPAddress%20desc)", "sort");
	/* a field of another resource is not a column */
	bad(t, &res_template, "query=(DisplayName%20is%20x)", "query");
	bad(t, &res_portgroup, "query=(PortNumInGroup%20is%201)", "query");
	/* prefix or extension of a column name */
	bad(t, &res_port, "query=(Display%20is%20x)", "query");
	bad(t, &res_port, "query=(DisplayNames%20is%20x)", "query");
	/* read-only derived fields are columns */
	filter_is(ok(t, &res_portgroup, "query=(ResetStatusEnum%20is%200)"),
		  col(&res_portgroup, "ResetStatusEnum"), Q_IS, "0");
	filter_is(ok(t, &res_vmsserver, "query=(SubToPerformReplicationRole%20is%20false)"),
		  col(&res_vmsserver, "SubToPerformReplicationRole"), Q_IS, "0");
	filter_is(ok(t, &res_portgroup, "query=(ObjectId%20is%20" SEED_GROUP ")"),
		  col(&res_portgroup, "ObjectId"), Q_IS, SEED_GROUP);
}

static void test_query_bool(void **state)
{
	struct t *t = *state;
	int k = col(&res_port, "CapAnswer");
	const char *yes[] = {"1", "true", "TRUE", "True", "tRuE"};
	const char *no[] = {"0", "false", "FALSE", "False"};
	char raw[80];
	for (size_t i = 0; i < 5; i++) {
		snprintf(raw, sizeof(raw), "query=(CapAnswer%%20is%%20%s)", yes[i]);
		filter_is(ok(t, &res_port, raw), k, Q_IS, "1");
	}
	for (size_t i = 0; i < 4; i++) {
		snprintf(raw, sizeof(raw), "query=(CapAnswer%%20is%%20%s)", no[i]);
		filter_is(ok(t, &res_port, raw), k, Q_IS, "0");
	}
	const char *bad_vals[] = {"yes", "no", "2",	"-1",	   "01",       "10",
				  "t",	 "f",  "truee", "%3Etrue", "true%20x", "on"};
	for (size_t i = 0; i < sizeof(bad_vals) / sizeof(bad_vals[0]); i++) {
		snprintf(raw, sizeof(raw), "query=(CapAnswer%%20is%%20%s)", bad_vals[i]);
		bad(t, &res_port, raw, "query");
	}
	bad(t, &res_port, "query=(CapAnswer%20startswith%20t)", "query");
	bad(t, &res_port, "query=(CapAnswer%20startswith%20true)", "query");
	bad(t, &res_port, "query=(MediaPortGroupEnableMWI%20startswith%201)", "query");
	filter_is(ok(t, &res_port, "query=(MediaPortGroupEnableMWI%20is%20false)"),
		  col(&res_port, "MediaPortGroupEnableMWI"), Q_IS, "0");
	filter_is(ok(t, &res_portgroup, "query=(EnableMWI%20is%20True)"),
		  col(&res_portgroup, "EnableMWI"), Q_IS, "1");
}

static void test_query_int(void **state)
{
	struct t *t = *state;
	int k = col(&res_port, "HuntOrder");
	filter_is(ok(t, &res_port, "query=(HuntOrder%20is%20007)"), k, Q_IS, "7");
	filter_is(ok(t, &res_port, "query=(HuntOrder%20is%2012)"), k, Q_IS, "12");
	filter_is(ok(t, &res_port, "query=(HuntOrder%20is%20-0)"), k, Q_IS, "0");
	filter_is(ok(t, &res_port, "query=(HuntOrder%20is%20-5)"), k, Q_IS, "-5");
	filter_is(ok(t, &res_port, "query=(HuntOrder%20is%2000)"), k, Q_IS, "0");
	/* out of the field's range is still an integer: it simply matches nothing */
	filter_is(ok(t, &res_port, "query=(HuntOrder%20is%2010000)"), k, Q_IS, "10000");
	const char *bad_vals[] = {"abc", "1.0", "1e2",	 "1a",	 "0x1",
				  "--1", "-",	"1%202", "true", "%E2%80%8B1"};
	char raw[80];
	for (size_t i = 0; i < sizeof(bad_vals) / sizeof(bad_vals[0]); i++) {
		snprintf(raw, sizeof(raw), "query=(HuntOrder%%20is%%20%s)", bad_vals[i]);
		bad(t, &res_port, raw, "query");
	}
	/* startswith on an int column is a prefix of its decimal text */
	filter_is(ok(t, &res_port, "query=(PortNumInGroup%20startswith%201)"),
		  col(&res_port, "PortNumInGroup"), Q_STARTSWITH, "1");
	filter_is(ok(t, &res_template, "query=(CopyTelephonyIntegrationMethodEnum%20is%203)"),
		  col(&res_template, "CopyTelephonyIntegrationMethodEnum"), Q_IS, "3");
}

/* SPEC §3.3: "the value must be an integer" -- any integer, however long; one outside every
 * stored range simply matches nothing (200 with total 0), it is not a 400. */
static void test_query_int_huge(void **state)
{
	struct t *t = *state;
	const char *vals[] = {"2147483648",	      "-2147483649",
			      "9223372036854775807",  "9223372036854775808",
			      "99999999999999999999", "-99999999999999999999"};
	char raw[96];
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		snprintf(raw, sizeof(raw), "query=(HuntOrder%%20is%%20%s)", vals[i]);
		struct listq *q = ok(t, &res_port, raw);
		assert_int_equal(q->filter, col(&res_port, "HuntOrder"));
		assert_int_equal(q->op, Q_IS);
		assert_non_null(q->value);
	}
}

static void test_query_str_values_verbatim(void **state)
{
	struct t *t = *state;
	/* str, uri and id values are not normalised */
	filter_is(ok(t, &res_port, "query=(URI%20startswith%20/vmrest/ports/)"),
		  col(&res_port, "URI"), Q_STARTSWITH, "/vmrest/ports/");
	filter_is(ok(t, &res_port, "query=(ObjectId%20is%20EC664876)"), col(&res_port, "ObjectId"),
		  Q_IS, "EC664876");
	filter_is(ok(t, &res_port, "query=(DisplayName%20is%200007)"),
		  col(&res_port, "DisplayName"), Q_IS, "0007");
	filter_is(ok(t, &res_port, "query=(DisplayName%20is%20TRUE)"),
		  col(&res_port, "DisplayName"), Q_IS, "TRUE");
	filter_is(ok(t, &res_port, "query=(DisplayName%20startswith%20%25_)"),
		  col(&res_port, "DisplayName"), Q_STARTSWITH, "%_");
}

/* ---- sort ---- */

static void test_sort(void **state)
{
	struct t *t = *state;
	int dn = col(&res_port, "DisplayName");
	struct listq *q = ok(t, &res_port, "sort=(DisplayName)");
	assert_int_equal(q->sort, dn);
	assert_false(q->desc);
	assert_int_equal(q->filter, -1);
	q = ok(t, &res_port, "sort=(DisplayName%20asc)");
	assert_int_equal(q->sort, dn);
	assert_false(q->desc);
	q = ok(t, &res_port, "sort=(displayname+ASC)");
	assert_int_equal(q->sort, dn);
	assert_false(q->desc);
	q = ok(t, &res_port, "sort=(DisplayName%20Desc)");
	assert_int_equal(q->sort, dn);
	assert_true(q->desc);
	q = ok(t, &res_port, "sort=%20(%20%09DisplayName%20%20DESC%09)%20");
	assert_int_equal(q->sort, dn);
	assert_true(q->desc);
	q = ok(t, &res_port, "sort=(DisplayName%20%09)");
	assert_int_equal(q->sort, dn);
	assert_false(q->desc);
	q = ok(t, &res_port, "sort=(CapAnswer%20desc)");
	assert_int_equal(q->sort, col(&res_port, "CapAnswer"));
	assert_true(q->desc);
	q = ok(t, &res_port, "sort=(HuntOrder)");
	assert_int_equal(q->sort, col(&res_port, "HuntOrder"));
	/* query and sort may name different columns */
	q = ok(t, &res_port, "query=(CapAnswer%20is%201)&sort=(PortNumInGroup%20desc)");
	assert_int_equal(q->filter, col(&res_port, "CapAnswer"));
	assert_int_equal(q->sort, col(&res_port, "PortNumInGroup"));
	assert_true(q->desc);
	q = ok(t, &res_vmsserver, "sort=(ServerName%20desc)");
	assert_int_equal(q->sort, col(&res_vmsserver, "ServerName"));
}

static void test_sort_errors(void **state)
{
	struct t *t = *state;
	const char *raws[] = {
	    "sort=(DisplayName%20up)",
	    "sort=(DisplayName%20descending)",
	    "sort=(DisplayName%20desc%20desc)",
	    "sort=(DisplayName%20asc%20x)",
	    "sort=(DisplayNamedesc)",
	    "sort=(DisplayName-desc)",
	    "sort=(Bogus)",
	    "sort=(Bogus%20desc)",
	    "sort=()",
	    "sort=(%20)",
	    "sort=",
	    "sort",
	    "sort=DisplayName",
	    "sort=DisplayName%20desc",
	    "sort=(DisplayName",
	    "sort=(DisplayName%20desc",
	    "sort=(DisplayName)x",
	    "sort=(DisplayName%20desc)%20x",
	    "sort=(1abc)",
	    "sort=((DisplayName))",
	    "sort=(DisplayName,HuntOrder)",
	};
	for (size_t i = 0; i < sizeof(raws) / sizeof(raws[0]); i++)
		bad(t, &res_port, raws[i], "sort");
}

/* SPEC §4.2 step 11: rowsPerPage, pageNumber, query, sort, in that order. */
static void test_error_order(void **state)
{
	struct t *t = *state;
	bad(t, &res_port, "sort=(x%20y)&query=(Bogus%20is%201)&pageNumber=a&rowsPerPage=b",
	    "rowsPerPage");
	bad(t, &res_port, "sort=(x%20y)&query=(Bogus%20is%201)&pageNumber=a&rowsPerPage=1",
	    "pageNumber");
	bad(t, &res_port, "sort=(x%20y)&query=(Bogus%20is%201)&pageNumber=1", "query");
	bad(t, &res_port, "sort=(x%20y)&query=(HuntOrder%20is%201)", "sort");
}

/* ---- query_decode ---- */

static char *dec(struct t *t, const char *s, int plus)
{
	return query_decode(s, strlen(s), plus, t->a);
}

static void test_decode(void **state)
{
	struct t *t = *state;
	assert_string_equal(dec(t, "", 1), "");
	assert_string_equal(dec(t, "abc", 1), "abc");
	assert_string_equal(dec(t, "a%20b", 1), "a b");
	assert_string_equal(dec(t, "a+b", 1), "a b");
	assert_string_equal(dec(t, "a+b", 0), "a+b");
	assert_string_equal(dec(t, "a%2Bb", 1), "a+b");
	assert_string_equal(dec(t, "a%2bb", 0), "a+b");
	assert_string_equal(dec(t, "%41", 1), "A");
	assert_string_equal(dec(t, "x%41", 1), "xA");
	assert_string_equal(dec(t, "%41%42%43", 1), "ABC");
	assert_string_equal(dec(t, "%25", 1), "%");
	assert_string_equal(dec(t, "%2525", 1), "%25");
	assert_string_equal(dec(t, "%C3%A9", 1), "\xc3\xa9");
	assert_string_equal(dec(t, "%c3%a9", 1), "\xc3\xa9");
	assert_string_equal(dec(t, "\xc3\xa9", 1), "\xc3\xa9");
	assert_string_equal(dec(t, "%7F", 1), "\x7f");
	assert_string_equal(dec(t, "%01", 1), "\x01");
	/* only n bytes are read */
	char *s = query_decode("abc%41", 3, 1, t->a);
	assert_non_null(s);
	assert_string_equal(s, "abc");
	s = query_decode("%41%zz", 3, 1, t->a);
	assert_non_null(s);
	assert_string_equal(s, "A");
	/* a '%' whose two hex digits lie beyond n is incomplete */
	assert_null(query_decode("a%41", 3, 1, t->a));

	const char *bads[] = {"%",	"%4",	     "a%",	  "a%4",	  "%G1",
			      "%1G",	"%%",	     "%-1",	  "% 1",	  "%00",
			      "a%00b",	"%C3",	     "%C3%28",	  "%FF",	  "%80",
			      "%C0%AF", "%E0%80%AF", "%ED%A0%80", "%F4%90%80%80", "%F8%88%80%80%80",
			      "\xff",	"\xc3"};
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++)
		if (dec(t, bads[i], 1))
			fail_msg("query_decode(\"%s\") should fail", bads[i]);
}

/* ---- utf8_valid ---- */

static int u8(const char *s)
{
	return utf8_valid((const unsigned char *)s, strlen(s));
}

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(utf8_valid((const unsigned char *)"", 0));
	assert_true(utf8_valid((const unsigned char *)"\0", 1)); /* U+0000 is valid UTF-8 */
	assert_true(u8("plain ASCII ~\x7f"));
	assert_true(u8("\xc2\x80"));	     /* U+0080 */
	assert_true(u8("\xc3\xa9"));	     /* U+00E9 */
	assert_true(u8("\xdf\xbf"));	     /* U+07FF */
	assert_true(u8("\xe0\xa0\x80"));     /* U+0800 */
	assert_true(u8("\xe2\x82\xac"));     /* U+20AC */
	assert_true(u8("\xed\x9f\xbf"));     /* U+D7FF */
	assert_true(u8("\xee\x80\x80"));     /* U+E000 */
	assert_true(u8("\xef\xbb\xbf"));     /* U+FEFF */
	assert_true(u8("\xef\xbf\xbf"));     /* U+FFFF */
	assert_true(u8("\xf0\x90\x80\x80")); /* U+10000 */
	assert_true(u8("\xf0\x9f\x98\x80")); /* U+1F600 */
	assert_true(u8("\xf4\x8f\xbf\xbf")); /* U+10FFFF */
	assert_true(u8("a\xc3\xa9z\xe2\x82\xac!\xf0\x9f\x98\x80"));

	assert_false(u8("\x80")); /* lone continuation */
	assert_false(u8("\xbf"));
	assert_false(u8("a\x80z"));
	assert_false(u8("\xc0\x80"));	      /* overlong NUL */
	assert_false(u8("\xc0\xaf"));	      /* overlong '/' */
	assert_false(u8("\xc1\xbf"));	      /* overlong */
	assert_false(u8("\xe0\x80\x80"));     /* overlong */
	assert_false(u8("\xe0\x9f\xbf"));     /* overlong U+07FF */
	assert_false(u8("\xed\xa0\x80"));     /* U+D800 */
	assert_false(u8("\xed\xbf\xbf"));     /* U+DFFF */
	assert_false(u8("\xf0\x80\x80\x80")); /* overlong */
	assert_false(u8("\xf0\x8f\xbf\xbf")); /* overlong U+FFFF */
	assert_false(u8("\xf4\x90\x80\x80")); /* U+110000 */
	assert_false(u8("\xf5\x80\x80\x80"));
	assert_false(u8("\xf8\x88\x80\x80\x80")); /* 5-byte form */
	assert_false(u8("\xfc\x84\x80\x80\x80\x80"));
	assert_false(u8("\xfe"));
	assert_false(u8("\xff"));
	assert_false(u8("\xc3")); /* truncated */
	assert_false(u8("\xe2\x82"));
	assert_false(u8("\xf0\x9f\x98"));
	assert_false(u8("\xc3\x28")); /* bad continuation */
	assert_false(u8("\xe2\x28\xac"));
	assert_false(u8("\xe2\x82\x28"));
	assert_false(u8("\xf0\x9f\x28\x80"));
	/* n bounds the check: a sequence cut by n is truncated */
	assert_false(utf8_valid((const unsigned char *)"\xc3\xa9", 1));
	assert_false(utf8_valid((const unsigned char *)"\xf0\x9f\x98\x80", 3));
	assert_true(utf8_valid((const unsigned char *)"ab\xff", 2));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_no_parameters),
	    T(test_count_only),
	    T(test_pages),
	    T(test_cap_2000),
	    T(test_page_past_end_without_rows),
	    T(test_paging_grammar),
	    T(test_names_case_insensitive),
	    T(test_repeats),
	    T(test_bad_encoding),
	    T(test_plus_and_percent),
	    T(test_query_seed_examples),
	    T(test_query_seed_errors),
	    T(test_rule_v),
	    T(test_query_grammar_errors),
	    T(test_query_operator_case),
	    T(test_columns),
	    T(test_query_bool),
	    T(test_query_int),
	    T(test_query_int_huge),
	    T(test_query_str_values_verbatim),
	    T(test_sort),
	    T(test_sort_errors),
	    T(test_error_order),
	    T(test_decode),
	    T(test_utf8_valid),
	};
	return cmocka_run_group_tests_name("query", tests, NULL, NULL);
}

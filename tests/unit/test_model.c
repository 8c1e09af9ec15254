/* Unit tests for model/: body fields matched against the real field tables and checked as
 * SPEC §2.6 (value types, leniency, ignored fields), §4.2 13 (order) and §5 (ranges) say. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/body.h"
#include "err.h"
#include "model/model.h"
#include "util/arena.h"

#define SEED_SERVER "574ca5d3-9041-4ff9-8e7d-727c32d80dab"
#define SEED_PS	    "a8eb65f5-795b-41cd-98b1-934f6b987313"

struct t {
	struct arena *a;
	struct input in;
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

#define F(n, v)                                                                                    \
	{                                                                                          \
		(n), (v), 0                                                                        \
	}
#define CX(n)                                                                                      \
	{                                                                                          \
		(n), "", 1                                                                         \
	}
#define NF(a) (sizeof(a) / sizeof((a)[0]))

static int idx(const struct resource *r, const char *name)
{
	int k = model_field(r, name);
	if (k < 0)
		fail_msg("%s has no field %s", r->name, name);
	return k;
}

static int parse(struct t *t, const struct resource *r, enum model_mode m, struct body_field *f,
		 size_t n)
{
	struct body b = {f, n};
	t->err[0] = 0;
	memset(&t->in, 0x5a, sizeof(t->in));
	return model_parse(r, &b, m, t->a, &t->in, t->err, sizeof(t->err));
}

static void parse_ok(struct t *t, const struct resource *r, enum model_mode m, struct body_field *f,
		     size_t n)
{
	int rc = parse(t, r, m, f, n);
	if (rc)
		fail_msg("model_parse = %d: %s", rc, t->err);
}

static void parse_bad(struct t *t, const struct resource *r, enum model_mode m,
		      struct body_field *f, size_t n, const char *name)
{
	int rc = parse(t, r, m, f, n);
	if (rc != ERR_INVALID)
		fail_msg("model_parse = %d, want ERR_INVALID naming %s", rc, name);
	if (!strstr(t->err, name))
		fail_msg("message \"%s\" does not name %s", t->err, name);
	assert_null(strchr(t->err, '\n'));
}

/* The value parsed for field name, or NULL. */
static const char *val(struct t *t, const struct resource *r, const char *name)
{
	return t->in.v[idx(r, name)];
}

static void val_is(struct t *t, const struct resource *r, const char *name, const char *want)
{
	const char *v = val(t, r, name);
	if (!v)
		fail_msg("%s: no value, want \"%s\"", name, want);
	assert_string_equal(v, want);
}

static void val_null(struct t *t, const struct resource *r, const char *name)
{
	const char *v = val(t, r, name);
	if (v)
		fail_msg("%s: value \"%s\", want none", name, v);
}

/* One field, POST or PUT; expects success with the normalised value want. */
static void one_ok(struct t *t, const struct resource *r, enum model_mode m, const char *name,
		   const char *value, const char *want)
{
	struct body_field f[] = {F(name, value)};
	int rc = parse(t, r, m, f, 1);
	if (rc)
		fail_msg("%s = '%s': rc %d: %s", name, value, rc, t->err);
	val_is(t, r, name, want);
}

static void one_bad(struct t *t, const struct resource *r, enum model_mode m, const char *name,
		    const char *value)
{
	struct body_field f[] = {F(name, value)};
	int rc = parse(t, r, m, f, 1);
	if (rc != ERR_INVALID)
		fail_msg("%s = '%s' accepted (rc %d), want ERR_INVALID", name, value, rc);
	if (!strstr(t->err, name))
		fail_msg("message \"%s\" does not name %s", t->err, name);
	assert_null(strchr(t->err, '\n'));
}

static char *rep(const char *unit, size_t n)
{
	size_t u = strlen(unit);
	char *s = malloc(u * n + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * u, unit, u);
	s[u * n] = 0;
	return s;
}

/* ---- bool (SPEC §2.6) ---- */

static void test_bool_accepted(void **state)
{
	struct t *t = *state;
	const char *yes[] = {"true", "TRUE", "True", "tRuE", "1"};
	const char *no[] = {"false", "FALSE", "False", "fAlSe", "0"};
	for (size_t i = 0; i < NF(yes); i++) {
		one_ok(t, &res_port, MODE_POST, "CapAnswer", yes[i], "1");
		one_ok(t, &res_port, MODE_PUT, "CapMWI", yes[i], "1");
		one_ok(t, &res_phonesystem, MODE_PUT, "DefaultTRaPSwitch", yes[i], "1");
	}
	for (size_t i = 0; i < NF(no); i++) {
		one_ok(t, &res_port, MODE_POST, "CapAnswer", no[i], "0");
		one_ok(t, &res_port, MODE_PUT, "CapDeliverAmis", no[i], "0");
		one_ok(t, &res_portgroup, MODE_POST, "EnableMWI", no[i], "0");
	}
}

static void test_bool_rejected(void **state)
{
	struct t *t = *state;
	const char *bad[] = {
	    ">true",  "yes", "no",    "2",	    "",
	    "01",     "00",  "-1",    "1.0",	    "t",
	    "f",      "on",  "truee", "true false", "\xef\xbc\x91" /* fullwidth 1 */,
	    ">false", "10"};
	for (size_t i = 0; i < NF(bad); i++) {
		one_bad(t, &res_port, MODE_POST, "CapAnswer", bad[i]);
		one_bad(t, &res_port, MODE_PUT, "CapTrapConnection", bad[i]);
		one_bad(t, &res_phonesystem, MODE_POST, "MwiForceOff", bad[i]);
	}
}

/* SPEC §5.6.8 1: the exact message for the seed's typo. */
static void test_seed_typo_message(void **state)
{
	struct t *t = *state;
	struct body_field f[] = {
	    F("MediaPortGroupObjectId", "3c011243-e3e2-42f7-b658-d9fbdc966f26"),
	    F("VmsServerObjectId", SEED_SERVER),
	    F("HuntOrder", "0"),
	    F("CapAnswer", ">true"),
	    F("CapNotification", ">true"),
	    F("NumberOfPorts", "10"),
	    F("CapEnabled", ">true"),
	    F("CapTrapConnection", ">true"),
	    F("VmsServerName", "ucbu-aricent-vm413"),
	};
	assert_int_equal(parse(t, &res_port, MODE_POST, f, NF(f)), ERR_INVALID);
	assert_string_equal(t->err,
			    "CapAnswer: '>true' is not a boolean (use true, false, 1 or 0)");

	/* and with the typos fixed (SPEC §5.6.8 2) the body parses */
	f[3].value = f[4].value = f[6].value = f[7].value = "true";
	parse_ok(t, &res_port, MODE_POST, f, NF(f));
	val_is(t, &res_port, "MediaPortGroupObjectId", "3c011243-e3e2-42f7-b658-d9fbdc966f26");
	val_is(t, &res_port, "VmsServerObjectId", SEED_SERVER);
	val_is(t, &res_port, "HuntOrder", "0");
	val_is(t, &res_port, "CapAnswer", "1");
	val_is(t, &res_port, "NumberOfPorts", "10");
	val_null(t, &res_port, "CapMWI");
	val_null(t, &res_port, "VmsServerName");
}

/* SPEC §5.6.8 5: the seed's PUT body. */
static void test_seed_put(void **state)
{
	struct t *t = *state;
	struct body_field f[] = {
	    F("CapAnswer", "true"),  F("CapNotification", "true"),
	    F("CapMWI", "true"),     F("CapTrapConnection", "true"),
	    F("HuntOrder", "0"),     F("SkinnySecurityModeEnum", "0"),
	    F("CapEnabled", "true"),
	};
	parse_ok(t, &res_port, MODE_PUT, f, NF(f));
	val_is(t, &res_port, "CapMWI", "1");
	val_is(t, &res_port, "SkinnySecurityModeEnum", "0");
	val_null(t, &res_port, "CapDeliverAmis");
}

/* ---- int ---- */

static void test_int_accepted(void **state)
{
	struct t *t = *state;
	one_ok(t, &res_port, MODE_PUT, "HuntOrder", "0", "0");
	one_ok(t, &res_port, MODE_PUT, "HuntOrder", "12", "12");
	one_ok(t, &res_port, MODE_PUT, "HuntOrder", "9999", "9999");
	one_ok(t, &res_port, MODE_PUT, "HuntOrder", "0009999", "9999");
	one_ok(t, &res_port, MODE_PUT, "HuntOrder", "007", "7");
	one_ok(t, &res_port, MODE_PUT, "HuntOrder", "00", "0");
	one_ok(t, &res_port, MODE_PUT, "HuntOrder", "-0", "0");
	one_ok(t, &res_port, MODE_PUT, "HuntOrder", "-000", "0");
	one_ok(t, &res_port, MODE_POST, "HuntOrder", "00000000000000000000000000001", "1");
	for (int i = 0; i <= 2; i++) {
		char v[2] = {(char)('0' + i), 0};
		one_ok(t, &res_port, MODE_POST, "SkinnySecurityModeEnum", v, v);
	}
	one_ok(t, &res_port, MODE_POST, "NumberOfPorts", "2", "2");
	one_ok(t, &res_port, MODE_POST, "NumberOfPorts", "1", "1");
	one_ok(t, &res_port, MODE_POST, "NumberOfPorts", "2147483647", "2147483647");
	one_ok(t, &res_port, MODE_POST, "NumberOfPorts", "02147483647", "2147483647");
	one_ok(t, &res_phonesystem, MODE_POST, "CallLoopGuardTimeMs", "2147483647", "2147483647");
	one_ok(t, &res_phonesystem, MODE_POST, "CallLoopGuardTimeMs", "0", "0");
	one_ok(t, &res_phonesystem, MODE_PUT, "RestrictDialStartTime", "1439", "1439");
	one_ok(t, &res_phonesystem, MODE_PUT, "RestrictDialEndTime", "0", "0");
	one_ok(t, &res_portgroup, MODE_POST, "SipTransportProtocolEnum", "10", "10");
	one_ok(t, &res_portgroup, MODE_PUT, "SipTransportProtocolEnum", "11", "11");
	one_ok(t, &res_portgroup, MODE_PUT, "SipTLSModeEnum", "010", "10");
	one_ok(t, &res_portgroup, MODE_POST, "TelephonyIntegrationMethodEnum", "3", "3");
	one_ok(t, &res_portgroup, MODE_POST, "MwiRetryIntervalOnSuccessMs", "2147483647",
	       "2147483647");
}

static void test_int_rejected(void **state)
{
	struct t *t = *state;
	const char *bad[] = {"",
			     "+1",
			     "1.0",
			     "1e2",
			     "abc",
			     "1a",
			     "0x1",
			     "-",
			     "--1",
			     "- 1",
			     "1 2",
			     "2.0",
			     "1,0",
			     "\xef\xbc\x91",
			     "2147483648",
			     "99999999999999999999",
			     "-2147483649",
			     "10000",
			     "-1",
			     "true"};
	for (size_t i = 0; i < NF(bad); i++) {
		one_bad(t, &res_port, MODE_PUT, "HuntOrder", bad[i]);
		one_bad(t, &res_port, MODE_POST, "HuntOrder", bad[i]);
	}
	one_bad(t, &res_port, MODE_PUT, "SkinnySecurityModeEnum", "3");
	one_bad(t, &res_port, MODE_PUT, "SkinnySecurityModeEnum", "-1");
	one_bad(t, &res_port, MODE_PUT, "SkinnySecurityModeEnum", "");
	const char *nports[] = {"0", "-2", "two", "2.0", "", "+2", "2147483648", "-0", "1e1"};
	for (size_t i = 0; i < NF(nports); i++)
		one_bad(t, &res_port, MODE_POST, "NumberOfPorts", nports[i]);
	one_bad(t, &res_phonesystem, MODE_POST, "CallLoopGuardTimeMs", "2147483648");
	one_bad(t, &res_phonesystem, MODE_POST, "CallLoopGuardTimeMs", "-1");
	one_bad(t, &res_phonesystem, MODE_PUT, "RestrictDialStartTime", "1440");
	one_bad(t, &res_phonesystem, MODE_PUT, "RestrictDialEndTime", "-1");
	one_bad(t, &res_portgroup, MODE_PUT, "SipTransportProtocolEnum", "9");
	one_bad(t, &res_portgroup, MODE_PUT, "SipTransportProtocolEnum", "12");
	one_bad(t, &res_portgroup, MODE_PUT, "SipTLSModeEnum", "1");
	one_bad(t, &res_portgroup, MODE_POST, "TelephonyIntegrationMethodEnum", "0");
	one_bad(t, &res_portgroup, MODE_POST, "TelephonyIntegrationMethodEnum", "4");
}

/* "within signed 32 bits", on a field whose own range is the whole of it. */
static void test_int_32_bits(void **state)
{
	struct t *t = *state;
	const struct field f = {
	    .name = "Wide", .type = T_INT, .acc = A_W, .min = -2147483647L - 1, .max = 2147483647L};
	const char *good[][2] = {{"-2147483648", "-2147483648"},
				 {"2147483647", "2147483647"},
				 {"-0002147483648", "-2147483648"},
				 {"-5", "-5"},
				 {"-0", "0"}};
	for (size_t i = 0; i < NF(good); i++) {
		const char *v = good[i][0];
		t->err[0] = 0;
		assert_int_equal(model_check(&f, &v, t->a, t->err, sizeof(t->err)), 0);
		assert_string_equal(v, good[i][1]);
		assert_int_equal(model_long(v), strtol(good[i][1], NULL, 10));
	}
	const char *bad[] = {"-2147483649", "2147483648",	   "4294967296",
			     "-4294967296", "9223372036854775808", "-9223372036854775809"};
	for (size_t i = 0; i < NF(bad); i++) {
		const char *v = bad[i];
		assert_int_equal(model_check(&f, &v, t->a, t->err, sizeof(t->err)), ERR_INVALID);
		assert_non_null(strstr(t->err, "Wide"));
	}
}

/* ---- str ---- */

static void test_str_length_in_code_points(void **state)
{
	struct t *t = *state;
	const char *units[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
	for (size_t i = 0; i < NF(units); i++) {
		char *s64 = rep(units[i], 64), *s65 = rep(units[i], 65), *s1 = rep(units[i], 1);
		one_ok(t, &res_portgroup, MODE_POST, "DisplayName", s64, s64);
		one_ok(t, &res_portgroup, MODE_POST, "DisplayName", s1, s1);
		one_bad(t, &res_portgroup, MODE_POST, "DisplayName", s65);
		one_ok(t, &res_phonesystem, MODE_POST, "DisplayName", s64, s64);
		one_bad(t, &res_phonesystem, MODE_PUT, "DisplayName", s65);
		one_ok(t, &res_port, MODE_PUT, "DisplayName", s64, s64);
		one_bad(t, &res_port, MODE_PUT, "DisplayName", s65);
		free(s64);
		free(s65);
		free(s1);
	}
	one_bad(t, &res_portgroup, MODE_POST, "DisplayName", "");
	one_bad(t, &res_phonesystem, MODE_POST, "DisplayName", "");
	one_bad(t, &res_port, MODE_PUT, "DisplayName", "");
	/* spaces and punctuation are text */
	one_ok(t, &res_phonesystem, MODE_POST, "DisplayName", "Lab (old) & <new> \"x\"",
	       "Lab (old) & <new> \"x\"");
}

static void test_str_control_characters(void **state)
{
	struct t *t = *state;
	const char *bad[] = {"a\tb",
			     "a\nb",
			     "a\rb",
			     "\x01",
			     "x\x1f",
			     "\x7f",
			     "a\x7f"
			     "b",
			     "\x1b[31m"};
	for (size_t i = 0; i < NF(bad); i++) {
		one_bad(t, &res_phonesystem, MODE_POST, "DisplayName", bad[i]);
		one_bad(t, &res_port, MODE_PUT, "DisplayName", bad[i]);
		one_bad(t, &res_portgroup, MODE_PUT, "DisplayName", bad[i]);
	}
	/* only U+0000-U+001F and U+007F: C1 controls and other code points are text */
	one_ok(t, &res_phonesystem, MODE_POST, "DisplayName", "a\xc2\x85z", "a\xc2\x85z");
	one_ok(t, &res_phonesystem, MODE_POST, "DisplayName", "\xc2\x80\xc2\x9f",
	       "\xc2\x80\xc2\x9f");
	one_ok(t, &res_phonesystem, MODE_POST, "DisplayName", "~ \xe2\x80\xa8", "~ \xe2\x80\xa8");
}

static void test_mwi_codes(void **state)
{
	struct t *t = *state;
	const char *names[] = {"MwiOnCode", "MwiOffCode"};
	char *s40 = rep("7", 40), *s41 = rep("7", 41);
	for (size_t i = 0; i < 2; i++) {
		one_ok(t, &res_portgroup, MODE_POST, names[i], "0123456789*#", "0123456789*#");
		one_ok(t, &res_portgroup, MODE_PUT, names[i], "678", "678");
		one_ok(t, &res_portgroup, MODE_PUT, names[i], "", "");
		one_ok(t, &res_portgroup, MODE_PUT, names[i], s40, s40);
		one_bad(t, &res_portgroup, MODE_PUT, names[i], s41);
		const char *bad[] = {"12a",	     "1 2", "+1",  "A",	 "1-2",
				     "\xef\xbc\x91", "1\t", "(1)", "1,2"};
		for (size_t j = 0; j < NF(bad); j++)
			one_bad(t, &res_portgroup, MODE_PUT, names[i], bad[j]);
	}
	free(s40);
	free(s41);
}

static void test_skinny_device_prefix(void **state)
{
	struct t *t = *state;
	const char *good[] = {"CiscoUM1-VI", "Lab-VI", "a.b_c-D9", "x", "ABCDEFGHIJK", "..._---"};
	for (size_t i = 0; i < NF(good); i++) {
		one_ok(t, &res_portgroup, MODE_POST, "SkinnyDevicePrefix", good[i], good[i]);
		one_ok(t, &res_portgroup, MODE_PUT, "SkinnyDevicePrefix", good[i], good[i]);
	}
	/* SPEC §5.5: the format check accepts the empty value (the type rule decides later) */
	struct body_field f[] = {F("SkinnyDevicePrefix", "")};
	parse_ok(t, &res_portgroup, MODE_POST, f, 1);
	assert_non_null(val(t, &res_portgroup, "SkinnyDevicePrefix"));
	assert_string_equal(val(t, &res_portgroup, "SkinnyDevicePrefix"), "");
	parse_ok(t, &res_portgroup, MODE_PUT, f, 1);
	assert_non_null(val(t, &res_portgroup, "SkinnyDevicePrefix"));

	const char *bad[] = {"CiscoUM1-VI1", "ABCDEFGHIJKL", "Lab VI", "Lab/VI", "Lab:VI",
			     "caf\xc3\xa9",  "a+b",	     "a*b",    "a#b"};
	for (size_t i = 0; i < NF(bad); i++) {
		one_bad(t, &res_portgroup, MODE_POST, "SkinnyDevicePrefix", bad[i]);
		one_bad(t, &res_portgroup, MODE_PUT, "SkinnyDevicePrefix", bad[i]);
	}
}

static void test_host_or_ip_address(void **state)
{
	struct t *t = *state;
	char *s255 = rep("h", 255), *s256 = rep("h", 256);
	one_ok(t, &res_portgroup, MODE_POST, "HostOrIPAddress", "10.1.1.1", "10.1.1.1");
	one_ok(t, &res_portgroup, MODE_POST, "HostOrIPAddress", "cucm.example.net",
	       "cucm.example.net");
	one_ok(t, &res_portgroup, MODE_POST, "HostOrIPAddress", s255, s255);
	one_bad(t, &res_portgroup, MODE_POST, "HostOrIPAddress", s256);
	one_bad(t, &res_portgroup, MODE_POST, "HostOrIPAddress", "10.1.1.1 x");
	one_bad(t, &res_portgroup, MODE_POST, "HostOrIPAddress", "");
	free(s255);
	free(s256);
}

static void test_call_loop_dtmf(void **state)
{
	struct t *t = *state;
	const char *up[][2] = {{"a", "A"}, {"b", "B"}, {"c", "C"}, {"d", "D"}};
	for (size_t i = 0; i < NF(up); i++) {
		one_ok(t, &res_phonesystem, MODE_POST, "CallLoopDTMF", up[i][0], up[i][1]);
		one_ok(t, &res_phonesystem, MODE_PUT, "CallLoopDTMF", up[i][0], up[i][1]);
	}
	const char *same[] = {"A", "B", "C", "D", "0", "5", "9", "*", "#"};
	for (size_t i = 0; i < NF(same); i++)
		one_ok(t, &res_phonesystem, MODE_PUT, "CallLoopDTMF", same[i], same[i]);
	const char *bad[] = {"", "e", "E", "AB", "aa", "10", "x", "+", "\xc3\xa1", "A ", "-"};
	for (size_t i = 0; i < NF(bad); i++) {
		one_bad(t, &res_phonesystem, MODE_POST, "CallLoopDTMF", bad[i]);
		one_bad(t, &res_phonesystem, MODE_PUT, "CallLoopDTMF", bad[i]);
	}
}

/* ---- names, duplicates, unknown and ignored fields ---- */

static void test_names_case_insensitive(void **state)
{
	struct t *t = *state;
	const char *names[] = {"CapMWI", "CapMwi", "capmwi", "CAPMWI", "cApMwI"};
	for (size_t i = 0; i < NF(names); i++) {
		struct body_field f[] = {F(names[i], "0")};
		parse_ok(t, &res_port, MODE_PUT, f, 1);
		val_is(t, &res_port, "CapMWI", "0");
	}
	struct body_field f[] = {F("huntorder", "12"), F("CALLLOOPDTMF", "b"),
				 F("mediaportgroupobjectid", "g")};
	parse_ok(t, &res_port, MODE_POST, f, NF(f));
	val_is(t, &res_port, "HuntOrder", "12");
	val_is(t, &res_port, "MediaPortGroupObjectId", "g");
	parse_ok(t, &res_phonesystem, MODE_PUT, f, NF(f));
	val_is(t, &res_phonesystem, "CallLoopDTMF", "B");
	/* errors are reported with the contract's spelling */
	struct body_field g[] = {F("capmwi", "yes")};
	parse_bad(t, &res_port, MODE_PUT, g, 1, "CapMWI");
	/* only ASCII letters fold; a field name is not trimmed or prefix-matched */
	struct body_field h[] = {F("CapMWI ", "x"), F("a:CapMWI", "x"), F("CapMW", "x"),
				 F("CapMWIx", "x"), F("\xc4\xb0sCapMWI", "x")};
	parse_ok(t, &res_port, MODE_PUT, h, NF(h));
	val_null(t, &res_port, "CapMWI");
}

static void test_last_duplicate_wins(void **state)
{
	struct t *t = *state;
	struct body_field a[] = {F("CapMWI", "true"), F("capmwi", "0")};
	parse_ok(t, &res_port, MODE_PUT, a, NF(a));
	val_is(t, &res_port, "CapMWI", "0");

	/* an earlier invalid value is overridden and never checked */
	struct body_field b[] = {F("HuntOrder", "x"), F("CapAnswer", ">true"), F("HUNTORDER", "5"),
				 F("CapAnswer", "1")};
	parse_ok(t, &res_port, MODE_PUT, b, NF(b));
	val_is(t, &res_port, "HuntOrder", "5");
	val_is(t, &res_port, "CapAnswer", "1");

	struct body_field c[] = {F("HuntOrder", "5"), F("huntOrder", "x")};
	parse_bad(t, &res_port, MODE_PUT, c, NF(c), "HuntOrder");

	/* a complex earlier occurrence does not matter; a complex last one does */
	struct body_field d[] = {CX("CapEnabled"), F("CapEnabled", "false")};
	parse_ok(t, &res_port, MODE_PUT, d, NF(d));
	val_is(t, &res_port, "CapEnabled", "0");
	struct body_field e[] = {F("CapEnabled", "false"), CX("CapEnabled")};
	parse_bad(t, &res_port, MODE_PUT, e, NF(e), "CapEnabled");

	/* three times */
	struct body_field g[] = {F("DisplayName", "one"), F("DisplayName", "two"),
				 F("displayname", "three")};
	parse_ok(t, &res_phonesystem, MODE_POST, g, NF(g));
	val_is(t, &res_phonesystem, "DisplayName", "three");
}

static void test_unknown_fields_ignored(void **state)
{
	struct t *t = *state;
	struct body_field f[] = {
	    F("Bogus", ">true"),     F("a:CapMWI", "nonsense"),
	    CX("Whatever"),	     F("", "x"),
	    F("Port", ""),	     CX("Port"),
	    F("NumberOfPorts", "x"), /* not a phone-system field */
	    F("\xc3\xa9", "\x01"),
	};
	parse_ok(t, &res_phonesystem, MODE_POST, f, NF(f));
	for (size_t k = 0; k < res_phonesystem.nfields; k++)
		assert_null(t->in.v[k]);
	parse_ok(t, &res_phonesystem, MODE_PUT, f, NF(f));
	for (size_t k = 0; k < res_phonesystem.nfields; k++)
		assert_null(t->in.v[k]);
}

static void test_empty_body(void **state)
{
	struct t *t = *state;
	const struct resource *rs[] = {&res_port, &res_portgroup, &res_phonesystem};
	for (size_t i = 0; i < NF(rs); i++) {
		parse_ok(t, rs[i], MODE_POST, NULL, 0);
		for (size_t k = 0; k < rs[i]->nfields; k++)
			assert_null(t->in.v[k]);
		parse_ok(t, rs[i], MODE_PUT, NULL, 0);
		for (size_t k = 0; k < rs[i]->nfields; k++)
			assert_null(t->in.v[k]);
	}
}

/* SPEC §2.6: read-only fields are ignored and not validated. */
static void test_read_only_ignored(void **state)
{
	struct t *t = *state;
	struct body_field f[] = {
	    F("URI", "\x01not a uri"),
	    F("ObjectId", "bad id! \x01"),
	    F("PortGroupURI", ""),
	    F("TelephonyIntegrationMethodEnum", "99"),
	    F("PortNumInGroup", "abc"),
	    F("SkinnyDeviceName", "\x7f"),
	    F("PimgPortNumber", "-5"),
	    F("MediaSwitchDisplayName", ""),
	    F("MediaSwitchObjectId", "x"),
	    F("PhoneSystemURI", "x"),
	    F("MediaPortGroupDisplayName", "\x01"),
	    F("MediaPortGroupEnableMWI", ">true"),
	    CX("MediaPortGroupMwiReqPortSpecific"),
	    F("SipSendPort", "1.5"),
	    F("VmsServerName", "ucbu-aricent-vm413"),
	};
	const char *ro[] = {"URI",
			    "ObjectId",
			    "PortGroupURI",
			    "TelephonyIntegrationMethodEnum",
			    "PortNumInGroup",
			    "SkinnyDeviceName",
			    "PimgPortNumber",
			    "MediaSwitchDisplayName",
			    "MediaSwitchObjectId",
			    "PhoneSystemURI",
			    "MediaPortGroupDisplayName",
			    "MediaPortGroupEnableMWI",
			    "MediaPortGroupMwiReqPortSpecific",
			    "SipSendPort",
			    "VmsServerName"};
	parse_ok(t, &res_port, MODE_POST, f, NF(f));
	for (size_t i = 0; i < NF(ro); i++)
		val_null(t, &res_port, ro[i]);
	parse_ok(t, &res_port, MODE_PUT, f, NF(f));
	for (size_t i = 0; i < NF(ro); i++)
		val_null(t, &res_port, ro[i]);

	/* DisplayName of a port is update-only: ignored on POST, even when invalid */
	struct body_field d[] = {F("DisplayName", ""), F("MediaPortGroupObjectId", "g")};
	parse_ok(t, &res_port, MODE_POST, d, NF(d));
	val_null(t, &res_port, "DisplayName");
	val_is(t, &res_port, "MediaPortGroupObjectId", "g");

	/* SPEC §5.3 example: PortCount in a phone-system PUT is ignored */
	struct body_field p[] = {F("MwiAlwaysUpdate", "false"),	   F("CallLoopDTMF", "A"),
				 F("CallLoopGuardTimeMs", "2500"), F("PortCount", "2"),
				 F("AXLServerURI", "\x01"),	   F("ObjectId", "")};
	parse_ok(t, &res_phonesystem, MODE_PUT, p, NF(p));
	val_is(t, &res_phonesystem, "MwiAlwaysUpdate", "0");
	val_is(t, &res_phonesystem, "CallLoopDTMF", "A");
	val_is(t, &res_phonesystem, "CallLoopGuardTimeMs", "2500");
	val_null(t, &res_phonesystem, "PortCount");
	val_null(t, &res_phonesystem, "AXLServerURI");
	parse_ok(t, &res_phonesystem, MODE_POST, p, NF(p));
	val_null(t, &res_phonesystem, "PortCount");

	/* port group R fields, POST and PUT */
	struct body_field g[] = {
	    F("PortCount", "x"),     F("ResetStatusEnum", "7"), F("MediaSwitchDisplayName", "\x01"),
	    F("PhoneSystemURI", ""), F("ObjectId", "!!"),	CX("URI")};
	parse_ok(t, &res_portgroup, MODE_POST, g, NF(g));
	val_null(t, &res_portgroup, "PortCount");
	val_null(t, &res_portgroup, "ResetStatusEnum");
	val_null(t, &res_portgroup, "ObjectId");
	parse_ok(t, &res_portgroup, MODE_PUT, g, NF(g));
	val_null(t, &res_portgroup, "ResetStatusEnum");
}

/* SPEC §2.6, §5.5, §5.6.3: create-only fields in a PUT are ignored like read-only ones. */
static void test_create_only_ignored_on_put(void **state)
{
	struct t *t = *state;
	struct body_field p[] = {
	    F("MediaPortGroupObjectId", "575f43be-f5d0-4af7-a689-06d968227ff7"),
	    F("NumberOfPorts", "abc"), F("HuntOrder", "3")};
	parse_ok(t, &res_port, MODE_PUT, p, NF(p));
	val_null(t, &res_port, "MediaPortGroupObjectId");
	val_null(t, &res_port, "NumberOfPorts");
	val_is(t, &res_port, "HuntOrder", "3");

	struct body_field g[] = {
	    F("TelephonyIntegrationMethodEnum", "99"), F("MediaSwitchObjectId", "\x01"),
	    F("MediaPortGroupTemplateObjectId", "x"),  F("HostOrIPAddress", "a b"),
	    CX("TelephonyIntegrationMethodEnum"),      F("DisplayName", "Main")};
	parse_ok(t, &res_portgroup, MODE_PUT, g, NF(g));
	val_null(t, &res_portgroup, "TelephonyIntegrationMethodEnum");
	val_null(t, &res_portgroup, "MediaSwitchObjectId");
	val_null(t, &res_portgroup, "MediaPortGroupTemplateObjectId");
	val_null(t, &res_portgroup, "HostOrIPAddress");
	val_is(t, &res_portgroup, "DisplayName", "Main");

	/* the same create-only fields are taken (and checked) on POST */
	struct body_field h[] = {F("TelephonyIntegrationMethodEnum", "99")};
	parse_bad(t, &res_portgroup, MODE_POST, h, 1, "TelephonyIntegrationMethodEnum");
}

static void test_complex_value_rejected(void **state)
{
	struct t *t = *state;
	struct body_field a[] = {CX("CapAnswer")};
	parse_bad(t, &res_port, MODE_POST, a, 1, "CapAnswer");
	struct body_field b[] = {F("CapAnswer", "true"), CX("huntorder")};
	parse_bad(t, &res_port, MODE_PUT, b, NF(b), "HuntOrder");
	struct body_field c[] = {CX("DisplayName")};
	parse_bad(t, &res_phonesystem, MODE_POST, c, 1, "DisplayName");
	parse_bad(t, &res_port, MODE_PUT, c, 1, "DisplayName");
	struct body_field d[] = {CX("MediaPortGroupObjectId")};
	parse_bad(t, &res_port, MODE_POST, d, 1, "MediaPortGroupObjectId");
	struct body_field e[] = {CX("VmsServerObjectId")};
	parse_bad(t, &res_port, MODE_PUT, e, 1, "VmsServerObjectId");
	struct body_field g[] = {CX("NumberOfPorts")};
	parse_bad(t, &res_port, MODE_POST, g, 1, "NumberOfPorts");
	/* ignored fields may be complex (read-only, create-only on PUT, update-only on POST) */
	struct body_field h[] = {CX("PortNumInGroup"), CX("URI")};
	parse_ok(t, &res_port, MODE_POST, h, NF(h));
	parse_ok(t, &res_port, MODE_PUT, d, 1);
	parse_ok(t, &res_port, MODE_POST, c, 1);
}

/* SPEC §4.2 13.1 and §5.6.3 1: format errors in field-table order, not body order. */
static void test_field_table_order(void **state)
{
	struct t *t = *state;
	struct body_field a[] = {F("NumberOfPorts", "0"), F("CapTrapConnection", "x"),
				 F("CapAnswer", ">true"), F("HuntOrder", "x"),
				 F("SkinnySecurityModeEnum", "9")};
	parse_bad(t, &res_port, MODE_POST, a, NF(a), "SkinnySecurityModeEnum");
	assert_null(strstr(t->err, "CapAnswer"));
	assert_null(strstr(t->err, "HuntOrder"));
	a[4].value = "1";
	parse_bad(t, &res_port, MODE_POST, a, NF(a), "HuntOrder");
	a[3].value = "1";
	parse_bad(t, &res_port, MODE_POST, a, NF(a), "CapAnswer");
	a[2].value = "1";
	parse_bad(t, &res_port, MODE_POST, a, NF(a), "CapTrapConnection");
	a[1].value = "1";
	parse_bad(t, &res_port, MODE_POST, a, NF(a), "NumberOfPorts");
	a[0].value = "2";
	parse_ok(t, &res_port, MODE_POST, a, NF(a));

	/* §5.6.3 1's list: MediaPortGroupObjectId, SkinnySecurityModeEnum,
	 * SkinnyDoMediaEncryption, ... */
	struct body_field b[] = {F("SkinnyDoMediaEncryption", "maybe"),
				 F("SkinnySecurityModeEnum", "7"), CX("MediaPortGroupObjectId")};
	parse_bad(t, &res_port, MODE_POST, b, NF(b), "MediaPortGroupObjectId");
	b[2] = (struct body_field)F("MediaPortGroupObjectId", "g");
	parse_bad(t, &res_port, MODE_POST, b, NF(b), "SkinnySecurityModeEnum");
	b[1].value = "2";
	parse_bad(t, &res_port, MODE_POST, b, NF(b), "SkinnyDoMediaEncryption");

	/* a complex value is a format error at its own place in the table */
	struct body_field c[] = {F("EnableAGC", "x"), CX("DisplayName"), F("EnableMWI", "x")};
	parse_bad(t, &res_portgroup, MODE_PUT, c, NF(c), "EnableMWI");
	c[2].value = "1";
	parse_bad(t, &res_portgroup, MODE_PUT, c, NF(c), "DisplayName");

	struct body_field d[] = {F("RestrictDialEndTime", "9999"), F("CallLoopDTMF", "x"),
				 F("DisplayName", "")};
	parse_bad(t, &res_phonesystem, MODE_POST, d, NF(d), "DisplayName");
	d[2].value = "ok";
	parse_bad(t, &res_phonesystem, MODE_POST, d, NF(d), "CallLoopDTMF");
	d[1].value = "#";
	parse_bad(t, &res_phonesystem, MODE_POST, d, NF(d), "RestrictDialEndTime");
}

/* SPEC §2.6: an empty id value is treated as absent. */
static void test_empty_id_absent(void **state)
{
	struct t *t = *state;
	struct body_field a[] = {F("VmsServerObjectId", ""), F("MediaPortGroupObjectId", "g"),
				 F("VmsServerName", "ucbu-aricent-vm413")};
	parse_ok(t, &res_port, MODE_POST, a, NF(a));
	val_null(t, &res_port, "VmsServerObjectId");
	parse_ok(t, &res_port, MODE_PUT, a, NF(a));
	val_null(t, &res_port, "VmsServerObjectId");

	struct body_field b[] = {F("MediaPortGroupTemplateObjectId", ""),
				 F("MediaSwitchObjectId", SEED_PS),
				 F("TelephonyIntegrationMethodEnum", "2")};
	parse_ok(t, &res_portgroup, MODE_POST, b, NF(b));
	val_null(t, &res_portgroup, "MediaPortGroupTemplateObjectId");
	val_is(t, &res_portgroup, "MediaSwitchObjectId", SEED_PS);
	assert_int_equal(model_required(&res_portgroup, &t->in, t->err, sizeof(t->err)), 0);

	/* a required id left empty fails as missing, naming the field */
	struct body_field c[] = {F("MediaPortGroupObjectId", ""), F("NumberOfPorts", "2")};
	parse_ok(t, &res_port, MODE_POST, c, NF(c));
	val_null(t, &res_port, "MediaPortGroupObjectId");
	assert_int_equal(model_required(&res_port, &t->in, t->err, sizeof(t->err)), ERR_INVALID);
	assert_non_null(strstr(t->err, "MediaPortGroupObjectId"));

	struct body_field d[] = {F("MediaSwitchObjectId", "")};
	parse_ok(t, &res_portgroup, MODE_POST, d, 1);
	assert_int_equal(model_required(&res_portgroup, &t->in, t->err, sizeof(t->err)),
			 ERR_INVALID);
	assert_non_null(strstr(t->err, "MediaSwitchObjectId"));
}

/* Generic step 2 of SPEC §4.2 13. */
static void test_required(void **state)
{
	struct t *t = *state;
	parse_ok(t, &res_phonesystem, MODE_POST, NULL, 0);
	assert_int_equal(model_required(&res_phonesystem, &t->in, t->err, sizeof(t->err)),
			 ERR_INVALID);
	assert_non_null(strstr(t->err, "DisplayName"));
	assert_null(strchr(t->err, '\n'));

	parse_ok(t, &res_portgroup, MODE_POST, NULL, 0);
	assert_int_equal(model_required(&res_portgroup, &t->in, t->err, sizeof(t->err)),
			 ERR_INVALID);
	assert_non_null(strstr(t->err, "MediaSwitchObjectId"));

	parse_ok(t, &res_port, MODE_POST, NULL, 0);
	assert_int_equal(model_required(&res_port, &t->in, t->err, sizeof(t->err)), ERR_INVALID);
	assert_non_null(strstr(t->err, "MediaPortGroupObjectId"));

	struct body_field a[] = {F("DisplayName", "PhoneSystem1")};
	parse_ok(t, &res_phonesystem, MODE_POST, a, 1);
	assert_int_equal(model_required(&res_phonesystem, &t->in, t->err, sizeof(t->err)), 0);

	struct body_field b[] = {F("MediaPortGroupObjectId", "g"), F("NumberOfPorts", "2")};
	parse_ok(t, &res_port, MODE_POST, b, NF(b));
	assert_int_equal(model_required(&res_port, &t->in, t->err, sizeof(t->err)), 0);

	/* a value present only in an ignored form (PUT drops create-only) is still missing */
	struct body_field c[] = {F("MediaPortGroupObjectId", "g")};
	parse_ok(t, &res_port, MODE_PUT, c, 1);
	assert_int_equal(model_required(&res_port, &t->in, t->err, sizeof(t->err)), ERR_INVALID);
}

/* SPEC §6.4: fixture documents take stored fields, R ones included, with the same checks. */
static void test_fixture_mode(void **state)
{
	struct t *t = *state;
	struct body_field a[] = {F("ObjectId", "abc-DEF-123"),
				 F("MediaPortGroupObjectId", "g"),
				 F("PortNumInGroup", "0007"),
				 F("DisplayName", "Lab-007"),
				 F("URI", "\x01"),
				 F("MediaSwitchDisplayName", "\x01"),
				 F("CapMWI", "FALSE")};
	parse_ok(t, &res_port, MODE_FIXTURE, a, NF(a));
	val_is(t, &res_port, "ObjectId", "abc-DEF-123");
	val_is(t, &res_port, "PortNumInGroup", "7");
	val_is(t, &res_port, "DisplayName", "Lab-007");
	val_is(t, &res_port, "CapMWI", "0");
	val_null(t, &res_port, "URI");
	val_null(t, &res_port, "MediaSwitchDisplayName");

	char *s64 = rep("A", 64), *s65 = rep("a", 65);
	one_ok(t, &res_phonesystem, MODE_FIXTURE, "ObjectId", s64, s64);
	const char *bad[] = {"bad id", "a_b", "a.b", "caf\xc3\xa9", "{x}", s65};
	for (size_t i = 0; i < NF(bad); i++)
		one_bad(t, &res_portgroup, MODE_FIXTURE, "ObjectId", bad[i]);
	free(s64);
	free(s65);
	/* "If given, it must be >= 1" */
	one_bad(t, &res_port, MODE_FIXTURE, "PortNumInGroup", "0");
	one_bad(t, &res_port, MODE_FIXTURE, "PortNumInGroup", "-1");
	one_bad(t, &res_port, MODE_FIXTURE, "PortNumInGroup", "x");
	one_bad(t, &res_port, MODE_FIXTURE, "DisplayName", "");
}

/* ---- lookups ---- */

static void test_model_field(void **state)
{
	(void)state;
	assert_int_equal(model_field(&res_port, "URI"), 0);
	assert_int_equal(model_field(&res_port, "ObjectId"), 1);
	assert_int_equal(model_field(&res_port, "capmwi"), model_field(&res_port, "CapMWI"));
	assert_true(model_field(&res_port, "CapMWI") >= 0);
	assert_string_equal(res_port.fields[model_field(&res_port, "cApMwI")].name, "CapMWI");
	assert_int_equal(model_field(&res_port, "Bogus"), -1);
	assert_int_equal(model_field(&res_port, ""), -1);
	assert_int_equal(model_field(&res_port, "CapMWI "), -1);
	assert_int_equal(model_field(&res_port, "CapMW"), -1);
	assert_int_equal(model_field(&res_phonesystem, "defaulttrapswitch"),
			 model_field(&res_phonesystem, "DefaultTRaPSwitch"));
	assert_true(model_field(&res_port, "NumberOfPorts") >= 0);
	assert_true(model_field(&res_portgroup, "HostOrIPAddress") >= 0);
	/* every table fits struct input */
	assert_true(res_port.nfields <= MODEL_MAXF);
	assert_true(res_portgroup.nfields <= MODEL_MAXF);
	assert_true(res_phonesystem.nfields <= MODEL_MAXF);
	assert_true(res_vmsserver.nfields <= MODEL_MAXF);
	assert_true(res_template.nfields <= MODEL_MAXF);
}

static void test_model_raw(void **state)
{
	(void)state;
	struct body_field f[] = {F("VmsServerName", "one"), F("vmsservername", "two"), CX("Nested"),
				 F("Other", "x")};
	struct body b = {f, NF(f)};
	assert_string_equal(model_raw(&b, "VmsServerName"), "two");
	assert_string_equal(model_raw(&b, "VMSSERVERNAME"), "two");
	assert_string_equal(model_raw(&b, "other"), "x");
	assert_null(model_raw(&b, "Nested"));
	assert_null(model_raw(&b, "Missing"));
	struct body empty = {NULL, 0};
	assert_null(model_raw(&empty, "VmsServerName"));
}

/* The normalised value survives after the body is gone (int text lives in the arena). */
static void test_values_outlive_body(void **state)
{
	struct t *t = *state;
	char hunt[] = "0042", name[] = "Lab";
	struct body_field f[] = {F("HuntOrder", hunt), F("DisplayName", name)};
	parse_ok(t, &res_port, MODE_PUT, f, NF(f));
	memset(hunt, 'x', sizeof(hunt) - 1);
	val_is(t, &res_port, "HuntOrder", "42");
	assert_int_equal(model_long(val(t, &res_port, "HuntOrder")), 42);
}

/* A small err buffer gets a truncated, terminated message; a huge value does not overflow. */
static void test_small_err_buffer(void **state)
{
	struct t *t = *state;
	char *big = rep(">", 100000);
	struct body_field f[] = {F("CapAnswer", big)};
	struct body b = {f, 1};
	char err[16];
	memset(err, 'z', sizeof(err));
	assert_int_equal(model_parse(&res_port, &b, MODE_POST, t->a, &t->in, err, sizeof(err)),
			 ERR_INVALID);
	assert_non_null(memchr(err, 0, sizeof(err)));
	assert_int_equal(strncmp(err, "CapAnswer", 9), 0);
	/* and with room, the message is still one short line naming the field */
	assert_int_equal(parse(t, &res_port, MODE_POST, f, 1), ERR_INVALID);
	assert_non_null(strstr(t->err, "CapAnswer"));
	assert_true(strlen(t->err) < 200);
	free(big);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_bool_accepted),
	    T(test_bool_rejected),
	    T(test_seed_typo_message),
	    T(test_seed_put),
	    T(test_int_accepted),
	    T(test_int_rejected),
	    T(test_int_32_bits),
	    T(test_str_length_in_code_points),
	    T(test_str_control_characters),
	    T(test_mwi_codes),
	    T(test_skinny_device_prefix),
	    T(test_host_or_ip_address),
	    T(test_call_loop_dtmf),
	    T(test_names_case_insensitive),
	    T(test_last_duplicate_wins),
	    T(test_unknown_fields_ignored),
	    T(test_empty_body),
	    T(test_read_only_ignored),
	    T(test_create_only_ignored_on_put),
	    T(test_complex_value_rejected),
	    T(test_field_table_order),
	    T(test_empty_id_absent),
	    T(test_required),
	    T(test_fixture_mode),
	    T(test_model_field),
	    T(test_model_raw),
	    T(test_values_outlive_body),
	    T(test_small_err_buffer),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}

/* Unit tests for codec/body: the request-body rules of SPEC §2.6 for XML and JSON, the seed
 * document's bodies as printed, hostile inputs (entities, depth, field count, bad bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec/body.h"
#include "util/arena.h"

#define ARENA_CAP  (4u << 20)
#define MAX_FIELDS 1000

struct t {
	struct arena *a;
	struct body b;
	char err[256];
};

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	t->a = arena_new(ARENA_CAP);
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

static int parse_n(struct t *t, enum fmt fmt, const char *s, size_t n, size_t max)
{
	t->err[0] = 0;
	int rc = body_parse(fmt, s, n, "Port", max, t->a, &t->b, t->err, sizeof(t->err));
	if (rc == 0)
		assert_string_equal(t->err, "");
	else
		assert_true(t->err[0] != 0 && !strchr(t->err, '\n'));
	return rc;
}

static int xml(struct t *t, const char *s)
{
	return parse_n(t, FMT_XML, s, strlen(s), MAX_FIELDS);
}

static int json(struct t *t, const char *s)
{
	return parse_n(t, FMT_JSON, s, strlen(s), MAX_FIELDS);
}

static void field_is(const struct body *b, size_t i, const char *name, const char *value,
		     int complex)
{
	assert_true(i < b->n);
	assert_string_equal(b->f[i].name, name);
	assert_string_equal(b->f[i].value, value);
	assert_int_equal(b->f[i].complex, complex);
}

/* Expects rc -1 and a message containing want. */
static void fails_with(struct t *t, int rc, const char *want)
{
	assert_int_equal(rc, -1);
	if (!strstr(t->err, want))
		fail_msg("message \"%s\" lacks \"%s\"", t->err, want);
	assert_int_equal(t->b.n, 0);
}

/* ---- the seed document's bodies, exactly as printed (SPEC §1.5, §5.6.8) ---- */

static const char SEED_SCCP_POST[] =
    "<Port>\n"
    "  <MediaPortGroupObjectId>3c011243-e3e2-42f7-b658-d9fbdc966f26</MediaPortGroupObjectId>\n"
    "  <VmsServerObjectId>574ca5d3-9041-4ff9-8e7d-727c32d80dab</VmsServerObjectId>\n"
    "  <HuntOrder>0</HuntOrder>\n"
    "  <CapAnswer>>true</CapAnswer>\n"
    "  <CapNotification>>true</CapNotification>\n"
    "  <NumberOfPorts>10</NumberOfPorts>\n"
    "  <CapEnabled>>true</CapEnabled>\n"
    "  <CapTrapConnection>>true</CapTrapConnection>\n"
    "  <VmsServerName>ucbu-aricent-vm413</VmsServerName>\n"
    "</Port>\n";

static const char SEED_SIP_POST[] =
    "<Port>\n"
    "  <MediaPortGroupObjectId>575f43be-f5d0-4af7-a689-06d968227ff7</MediaPortGroupObjectId>\n"
    "  <VmsServerName>ucbu-aricent-vm413</VmsServerName>\n"
    "  <HuntOrder>0</HuntOrder>\n"
    "  <DisplayName>PhoneSystem-Rohit-001</DisplayName>\n"
    "  <CapAnswer>true</CapAnswer>\n"
    "  <CapNotification>true</CapNotification>\n"
    "  <NumberOfPorts>4</NumberOfPorts>\n"
    "  <CapEnabled>true</CapEnabled>\n"
    "  <CapTrapConnection>true</CapTrapConnection>\n"
    "</Port>\n";

static const char SEED_PIMG_POST[] =
    "<Port>\n"
    "  <MediaPortGroupObjectId>2c24f5a9-fb22-47fe-a74b-da9c72d6e7f3</MediaPortGroupObjectId>\n"
    "  <HuntOrder>0</HuntOrder>\n"
    "  <DisplayName>PhoneSystem-Rohit-002</DisplayName>\n"
    "  <CapAnswer>true</CapAnswer>\n"
    "  <CapNotification>true</CapNotification>\n"
    "  <NumberOfPorts>2</NumberOfPorts>\n"
    "  <CapEnabled>true</CapEnabled>\n"
    "  <CapTrapConnection>true</CapTrapConnection>\n"
    "</Port>\n";

static const char SEED_PUT[] = "<Port>\n"
			       "  <CapAnswer>true</CapAnswer>\n"
			       "  <CapNotification>true</CapNotification>\n"
			       "  <CapMWI>true</CapMWI>\n"
			       "  <CapTrapConnection>true</CapTrapConnection>\n"
			       "<HuntOrder>0</HuntOrder>\n"
			       "<SkinnySecurityModeEnum>0</SkinnySecurityModeEnum>\n"
			       "<CapEnabled>true</CapEnabled>\n"
			       "</Port>\n";

static void test_seed_sccp_post(void **state)
{
	struct t *t = *state;
	assert_int_equal(xml(t, SEED_SCCP_POST), 0);
	assert_int_equal(t->b.n, 9);
	field_is(&t->b, 0, "MediaPortGroupObjectId", "3c011243-e3e2-42f7-b658-d9fbdc966f26", 0);
	field_is(&t->b, 1, "VmsServerObjectId", "574ca5d3-9041-4ff9-8e7d-727c32d80dab", 0);
	field_is(&t->b, 2, "HuntOrder", "0", 0);
	field_is(&t->b, 3, "CapAnswer", ">true", 0);
	field_is(&t->b, 4, "CapNotification", ">true", 0);
	field_is(&t->b, 5, "NumberOfPorts", "10", 0);
	field_is(&t->b, 6, "CapEnabled", ">true", 0);
	field_is(&t->b, 7, "CapTrapConnection", ">true", 0);
	field_is(&t->b, 8, "VmsServerName", "ucbu-aricent-vm413", 0);
}

static void test_seed_sip_post(void **state)
{
	struct t *t = *state;
	assert_int_equal(xml(t, SEED_SIP_POST), 0);
	assert_int_equal(t->b.n, 9);
	field_is(&t->b, 0, "MediaPortGroupObjectId", "575f43be-f5d0-4af7-a689-06d968227ff7", 0);
	field_is(&t->b, 1, "VmsServerName", "ucbu-aricent-vm413", 0);
	field_is(&t->b, 2, "HuntOrder", "0", 0);
	field_is(&t->b, 3, "DisplayName", "PhoneSystem-Rohit-001", 0);
	field_is(&t->b, 4, "CapAnswer", "true", 0);
	field_is(&t->b, 5, "CapNotification", "true", 0);
	field_is(&t->b, 6, "NumberOfPorts", "4", 0);
	field_is(&t->b, 7, "CapEnabled", "true", 0);
	field_is(&t->b, 8, "CapTrapConnection", "true", 0);
}

static void test_seed_pimg_post(void **state)
{
	struct t *t = *state;
	assert_int_equal(xml(t, SEED_PIMG_POST), 0);
	assert_int_equal(t->b.n, 8);
	field_is(&t->b, 0, "MediaPortGroupObjectId", "2c24f5a9-fb22-47fe-a74b-da9c72d6e7f3", 0);
	field_is(&t->b, 1, "HuntOrder", "0", 0);
	field_is(&t->b, 2, "DisplayName", "PhoneSystem-Rohit-002", 0);
	field_is(&t->b, 3, "CapAnswer", "true", 0);
	field_is(&t->b, 4, "CapNotification", "true", 0);
	field_is(&t->b, 5, "NumberOfPorts", "2", 0);
	field_is(&t->b, 6, "CapEnabled", "true", 0);
	field_is(&t->b, 7, "CapTrapConnection", "true", 0);
}

static void test_seed_put(void **state)
{
	struct t *t = *state;
	assert_int_equal(xml(t, SEED_PUT), 0);
	assert_int_equal(t->b.n, 7);
	field_is(&t->b, 0, "CapAnswer", "true", 0);
	field_is(&t->b, 1, "CapNotification", "true", 0);
	field_is(&t->b, 2, "CapMWI", "true", 0);
	field_is(&t->b, 3, "CapTrapConnection", "true", 0);
	field_is(&t->b, 4, "HuntOrder", "0", 0);
	field_is(&t->b, 5, "SkinnySecurityModeEnum", "0", 0);
	field_is(&t->b, 6, "CapEnabled", "true", 0);
}

/* ---- shared byte-level rules ---- */

static void test_empty_and_blank(void **state)
{
	struct t *t = *state;
	static const char *const blank[] = {"", " ", "\r\n\t \n", "\xEF\xBB\xBF",
					    "\xEF\xBB\xBF \n"};
	for (size_t i = 0; i < sizeof(blank) / sizeof(blank[0]); i++) {
		assert_int_equal(xml(t, blank[i]), 0);
		assert_int_equal(t->b.n, 0);
		assert_int_equal(json(t, blank[i]), 0);
		assert_int_equal(t->b.n, 0);
	}
	assert_int_equal(json(t, "null"), 0);
	assert_int_equal(t->b.n, 0);
	assert_int_equal(json(t, " \r\n null \n"), 0);
	assert_int_equal(t->b.n, 0);
	assert_int_equal(json(t, "\xEF\xBB\xBFnull"), 0);
	assert_int_equal(t->b.n, 0);
	assert_int_equal(json(t, "{}"), 0);
	assert_int_equal(t->b.n, 0);
	assert_int_equal(xml(t, "<Port/>"), 0);
	assert_int_equal(t->b.n, 0);
	/* Whitespace is space, tab, CR and LF only. */
	fails_with(t, xml(t, "\v"), "XML");
	fails_with(t, json(t, "\f"), "JSON");
}

static void test_bom(void **state)
{
	struct t *t = *state;
	assert_int_equal(xml(t, "\xEF\xBB\xBF<Port><HuntOrder>1</HuntOrder></Port>"), 0);
	field_is(&t->b, 0, "HuntOrder", "1", 0);
	assert_int_equal(json(t, "\xEF\xBB\xBF{\"HuntOrder\":1}"), 0);
	field_is(&t->b, 0, "HuntOrder", "1", 0);
	/* Only one BOM is skipped; a second is text where no text may be. */
	fails_with(t, xml(t, "\xEF\xBB\xBF\xEF\xBB\xBF<Port/>"), "XML");
	fails_with(t, json(t, "\xEF\xBB\xBF\xEF\xBB\xBF{}"), "JSON");
}

static void test_nul(void **state)
{
	struct t *t = *state;
	static const char x[] = "<Port><A>a\0b</A></Port>";
	fails_with(t, parse_n(t, FMT_XML, x, sizeof(x) - 1, MAX_FIELDS), "NUL");
	static const char j[] = "{\"A\":\"a\0b\"}";
	fails_with(t, parse_n(t, FMT_JSON, j, sizeof(j) - 1, MAX_FIELDS), "NUL");
	/* A trailing NUL counts too, and in whitespace-only bodies. */
	static const char x2[] = "<Port/>\0";
	fails_with(t, parse_n(t, FMT_XML, x2, sizeof(x2) - 1, MAX_FIELDS), "NUL");
	fails_with(t, parse_n(t, FMT_JSON, " \0", 2, MAX_FIELDS), "NUL");
	/* JSON's escaped NUL names the field that holds it, nested ones too. */
	fails_with(t, json(t, "{\"A\":\"a\\u0000b\"}"), "A: the value holds a NUL character");
	fails_with(t, json(t, "{\"A\":\"x\",\"B\":[\"\\u0000\"]}"), "B: the value holds a NUL");
	fails_with(t, json(t, "{\"A\\u0000\":\"x\"}"), "member name holds a NUL");
}

static void test_invalid_utf8(void **state)
{
	struct t *t = *state;
	static const char *const bad[] = {
	    "\xC0\xAF",		/* overlong '/' */
	    "\xE0\x80\xAF",	/* overlong, 3 bytes */
	    "\xF0\x80\x80\xAF", /* overlong, 4 bytes */
	    "\x80",		/* lone continuation */
	    "\xBF",		/* lone continuation */
	    "\xED\xA0\x80",	/* UTF-16 surrogate D800 */
	    "\xED\xBF\xBF",	/* UTF-16 surrogate DFFF */
	    "\xF4\x90\x80\x80", /* past U+10FFFF */
	    "\xF5\x80\x80\x80", /* invalid lead */
	    "\xFF",		/* invalid byte */
	    "\xE2\x82",		/* truncated before the end tag */
	    "\xC3",		/* truncated */
	    "\xC3\x28",		/* bad continuation */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char x[128], j[128];
		snprintf(x, sizeof(x), "<Port><DisplayName>ab%scd</DisplayName></Port>", bad[i]);
		snprintf(j, sizeof(j), "{\"DisplayName\":\"ab%scd\"}", bad[i]);
		fails_with(t, xml(t, x), "invalid UTF-8");
		fails_with(t, json(t, j), "invalid UTF-8");
	}
	/* A truncated sequence at the very end of the body. */
	fails_with(t, xml(t, "<Port/>\xE2\x82"), "invalid UTF-8");
	/* Long ASCII runs before the bad byte exercise the 8-byte fast path. */
	fails_with(t,
		   xml(t, "<Port><DisplayName>0123456789abcdef0123456789\x80</DisplayName></Port>"),
		   "invalid UTF-8");
	/* The edges of the valid ranges pass. */
	assert_int_equal(xml(t, "<Port><D>\xC2\x80 \xDF\xBF \xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80 "
				"\xEF\xBF\xBD \xF0\x90\x80\x80 \xF4\x8F\xBF\xBF</D></Port>"),
			 0);
	field_is(&t->b, 0, "D",
		 "\xC2\x80 \xDF\xBF \xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80 \xEF\xBF\xBD "
		 "\xF0\x90\x80\x80 \xF4\x8F\xBF\xBF",
		 0);
	assert_int_equal(json(t, "{\"D\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"}"), 0);
	field_is(&t->b, 0, "D", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 0);
}

static void test_arena_cap(void **state)
{
	(void)state;
	struct arena *a = arena_new(64);
	struct body b;
	char err[128];
	static const char x[] = "<Port><DisplayName>a value that will not fit in a sixty-four "
				"byte arena at all</DisplayName></Port>";
	assert_int_equal(body_parse(FMT_XML, x, sizeof(x) - 1, "Port", 0, a, &b, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "body too large");
	assert_int_equal(b.n, 0);
	static const char j[] = "{\"DisplayName\":\"a value that will not fit in a sixty-four byte "
				"arena at all\",\"b\":1,\"c\":2}";
	assert_int_equal(body_parse(FMT_JSON, j, sizeof(j) - 1, "Port", 0, a, &b, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "body too large");
	arena_free(a);
}

/* ---- XML ---- */

static void test_xml_values(void **state)
{
	struct t *t = *state;
	assert_int_equal(xml(t, "<Anything>junk directly under the root"
				"<A>  x \n</A>text between<B/><C></C><D> \t\r\n </D>"
				"<E>a  b</E>\n<F>&lt;&gt;&amp;&apos;&quot;&#x41;&#66;</F>"
				"<G>  &amp; </G></Anything>"),
			 0);
	assert_int_equal(t->b.n, 7);
	field_is(&t->b, 0, "A", "x", 0);
	field_is(&t->b, 1, "B", "", 0);
	field_is(&t->b, 2, "C", "", 0);
	field_is(&t->b, 3, "D", "", 0);
	field_is(&t->b, 4, "E", "a  b", 0);
	field_is(&t->b, 5, "F", "<>&'\"AB", 0);
	field_is(&t->b, 6, "G", "&", 0);
}

static void test_xml_cdata_comments_pis_attributes(void **state)
{
	struct t *t = *state;
	assert_int_equal(xml(t, "<?xml version=\"1.0\"?>\n<!-- c --><?pi before?>"
				"<Port a=\"1\" b='2'>"
				"<!-- <Hidden>1</Hidden> --><?pi <Hidden/>?>"
				"<A x=\"y\"><![CDATA[ <not>&a;tag ]]></A>"
				"<B>a<!-- c -->b<?pi x?>c<![CDATA[d]]>e</B>"
				"<C><![CDATA[]]></C>"
				"</Port><!-- after --><?pi after?>\n"),
			 0);
	assert_int_equal(t->b.n, 3);
	field_is(&t->b, 0, "A", "<not>&a;tag", 0);
	field_is(&t->b, 1, "B", "abcde", 0);
	field_is(&t->b, 2, "C", "", 0);
}

static void test_xml_complex(void **state)
{
	struct t *t = *state;
	assert_int_equal(xml(t, "<Port><A><X>1</X></A><B>text<Y/>more</B><C>\n  <Z/>\n</C>"
				"<D>1</D></Port>"),
			 0);
	assert_int_equal(t->b.n, 4);
	field_is(&t->b, 0, "A", "", 1);
	field_is(&t->b, 1, "B", "", 1);
	field_is(&t->b, 2, "C", "", 1);
	field_is(&t->b, 3, "D", "1", 0);
}

static void test_xml_namespaces(void **state)
{
	struct t *t = *state;
	/* Undeclared and declared prefixes alike: the name is kept as written. */
	assert_int_equal(xml(t, "<Port xmlns:b=\"urn:b\" xmlns=\"urn:default\">"
				"<a:CapMWI>true</a:CapMWI><b:CapAnswer>1</b:CapAnswer>"
				"<CapEnabled>&amp;</CapEnabled></Port>"),
			 0);
	assert_int_equal(t->b.n, 3);
	field_is(&t->b, 0, "a:CapMWI", "true", 0);
	field_is(&t->b, 1, "b:CapAnswer", "1", 0);
	field_is(&t->b, 2, "CapEnabled", "&", 0);
	assert_int_equal(xml(t, "<x:Port><x:A>1</x:A></x:Port>"), 0);
	field_is(&t->b, 0, "x:A", "1", 0);
}

static void test_xml_duplicates(void **state)
{
	struct t *t = *state;
	assert_int_equal(
	    xml(t, "<Port><HuntOrder>1</HuntOrder><X/><HuntOrder>2</HuntOrder></Port>"), 0);
	assert_int_equal(t->b.n, 3);
	field_is(&t->b, 0, "HuntOrder", "1", 0);
	field_is(&t->b, 2, "HuntOrder", "2", 0);
}

static void test_xml_encoding_declaration_ignored(void **state)
{
	struct t *t = *state;
	/* Bodies are UTF-8 whatever the declaration says. */
	assert_int_equal(xml(t, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
				"<Port><D>caf\xC3\xA9</D></Port>"),
			 0);
	field_is(&t->b, 0, "D", "caf\xC3\xA9", 0);
	assert_int_equal(xml(t, "<?xml version=\"1.0\" encoding=\"UTF-16\"?><Port><D>x</D></Port>"),
			 0);
	field_is(&t->b, 0, "D", "x", 0);
}

static void test_xml_malformed(void **state)
{
	struct t *t = *state;
	static const char *const bad[] = {
	    "<Port><A>1</B></Port>",
	    "<Port><A>1</A>",
	    "<Port/><Port/>",
	    "<Port/>trailing",
	    "text",
	    "<",
	    "<Port><A>a < b</A></Port>",
	    "<Port><A>a & b</A></Port>",
	    "<Port><A x=1/></Port>",
	    "<Port><A x='1' x='2'/></Port>",
	    "<Port><A>]]></A></Port>",
	    "<Port><A>\x01</A></Port>",
	    "<Port><A>&#0;</A></Port>",
	    "<Port><A>&#xD800;</A></Port>",
	    "<?xml version=\"1.0\"?>",
	    "<!-- only a comment -->",
	    "<?xml version=\"1.0\"?><?xml version=\"1.0\"?><Port/>",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		fails_with(t, xml(t, bad[i]), "body is not well-formed XML");
}

static void test_xml_entities(void **state)
{
	struct t *t = *state;
	fails_with(t, xml(t, "<Port><A>&foo;</A></Port>"), "body is not well-formed XML");
	fails_with(t, xml(t, "<Port><A>x&foo;y</A></Port>"), "foo");
	fails_with(t, xml(t, "<Port><A b=\"&foo;\"/></Port>"), "body is not well-formed XML");
	fails_with(t, xml(t, "<Port><A>&nbsp;</A></Port>"), "body is not well-formed XML");
}

static void test_xml_doctype(void **state)
{
	struct t *t = *state;
	static const char *const bad[] = {
	    /* billion laughs */
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE lolz [\n"
	    " <!ENTITY lol \"lol\">\n"
	    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
	    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
	    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
	    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
	    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
	    "]>\n"
	    "<Port><DisplayName>&lol9;</DisplayName></Port>\n",
	    /* external entities: a file and a URL (a closed local port, were it ever tried) */
	    "<!DOCTYPE Port [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
	    "<Port><DisplayName>&xxe;</DisplayName></Port>",
	    "<!DOCTYPE Port [<!ENTITY xxe SYSTEM \"http://127.0.0.1:1/x\">]>"
	    "<Port><DisplayName>&xxe;</DisplayName></Port>",
	    "<!DOCTYPE Port SYSTEM \"http://127.0.0.1:1/port.dtd\"><Port/>",
	    "<!DOCTYPE Port [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><Port/>",
	    "<!DOCTYPE Port><Port/>",
	    "\xEF\xBB\xBF<!DOCTYPE Port><Port/>",
	    "<!doctype Port><Port/>",
	    /* "anywhere" (SPEC §2.6), even where it would not declare anything */
	    "<Port><!-- <!DOCTYPE x> --></Port>",
	    "<Port><A><![CDATA[<!DOCTYPE x>]]></A></Port>",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		fails_with(t, xml(t, bad[i]), "body: DOCTYPE is not allowed");
	/* The word alone is harmless. */
	assert_int_equal(xml(t, "<Port><A>DOCTYPE &lt;!DOCTYPE</A></Port>"), 0);
	field_is(&t->b, 0, "A", "DOCTYPE <!DOCTYPE", 0);
}

/* Writes depth nested elements <e>...</e> (root included) into buf. */
static char *xml_nested(int depth)
{
	char *s = malloc((size_t)depth * 8 + 16);
	char *w = s;
	for (int i = 0; i < depth; i++)
		w += sprintf(w, "<e>");
	w += sprintf(w, "x");
	for (int i = 0; i < depth; i++)
		w += sprintf(w, "</e>");
	return s;
}

static void test_xml_depth(void **state)
{
	struct t *t = *state;
	char *s = xml_nested(32);
	assert_int_equal(xml(t, s), 0);
	field_is(&t->b, 0, "e", "", 1);
	free(s);
	s = xml_nested(33);
	fails_with(t, xml(t, s), "body: nesting deeper than 32 levels");
	free(s);
	s = xml_nested(100000);
	fails_with(t, xml(t, s), "body: nesting deeper than 32 levels");
	free(s);
}

/* n elements below the root: fields of per children each (n / (per + 1) fields). */
static char *xml_fields(size_t fields, int child)
{
	char *s = malloc(fields * 40 + 32);
	char *w = s + sprintf(s, "<Port>");
	for (size_t i = 0; i < fields; i++)
		w += child ? sprintf(w, "<F%zu><c/></F%zu>", i, i)
			   : sprintf(w, "<F%zu>%zu</F%zu>", i, i, i);
	sprintf(w, "</Port>");
	return s;
}

static void test_xml_field_limit(void **state)
{
	struct t *t = *state;
	char *s = xml_fields(1000, 0);
	assert_int_equal(xml(t, s), 0);
	assert_int_equal(t->b.n, 1000);
	field_is(&t->b, 999, "F999", "999", 0);
	free(s);
	s = xml_fields(1001, 0);
	fails_with(t, xml(t, s), "body: more than 1000 fields");
	/* 0 means unbounded. */
	assert_int_equal(parse_n(t, FMT_XML, s, strlen(s), 0), 0);
	assert_int_equal(t->b.n, 1001);
	free(s);
	/* Elements count wherever they are: 500 fields with a child each are 1000 elements. */
	s = xml_fields(500, 1);
	assert_int_equal(xml(t, s), 0);
	assert_int_equal(t->b.n, 500);
	free(s);
	s = xml_fields(501, 1);
	fails_with(t, xml(t, s), "body: more than 1000 fields");
	free(s);
	/* The cap is the caller's. */
	fails_with(t, parse_n(t, FMT_XML, "<P><a/><b/><c/></P>", 19, 2),
		   "body: more than 2 fields");
}

/* ---- JSON ---- */

static void test_json_values(void **state)
{
	struct t *t = *state;
	assert_int_equal(
	    json(t, "{\"s\":\"  x \\n\",\"t\":true,\"f\":false,\"n\":null,\"e\":[],"
		    "\"a\":[1],\"o\":{},\"p\":{\"x\":1},\"in\":\"a  b\",\"ws\":\" \\t\\r\\n\","
		    "\"u\":\"\\u00e9\\t\"}"),
	    0);
	assert_int_equal(t->b.n, 11);
	field_is(&t->b, 0, "s", "x", 0);
	field_is(&t->b, 1, "t", "true", 0);
	field_is(&t->b, 2, "f", "false", 0);
	field_is(&t->b, 3, "n", "", 0);
	field_is(&t->b, 4, "e", "", 0);
	field_is(&t->b, 5, "a", "", 1);
	field_is(&t->b, 6, "o", "", 1);
	field_is(&t->b, 7, "p", "", 1);
	field_is(&t->b, 8, "in", "a  b", 0);
	field_is(&t->b, 9, "ws", "", 0);
	field_is(&t->b, 10, "u", "\xC3\xA9", 0);
}

static void test_json_numbers(void **state)
{
	struct t *t = *state;
	static const char *const ok[][2] = {
	    {"2", "2"},
	    {"-2", "-2"},
	    {"0", "0"},
	    {"-0", "0"},
	    {"007", NULL}, /* leading zeros are not JSON */
	    {"2.0", "2.0"},
	    {"-2.0", "-2.0"},
	    {"1.50", "1.5"},
	    {"0.1", "0.1"},
	    {"1e2", "100.0"},
	    {"1E2", "100.0"},
	    {"2.5e-3", "0.0025"},
	    {"1e20", "1e+20"},
	    {"0.30000000000000004", "0.30000000000000004"},
	    {"3.141592653589793", "3.141592653589793"},
	    {"9223372036854775807", "9223372036854775807"},
	    {"-9223372036854775808", "-9223372036854775808"},
	    {"1e-400", "0.0"}, /* underflow is in range: it rounds to zero */
	    {"1.7976931348623157e308", "1.7976931348623157e+308"},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char j[128];
		snprintf(j, sizeof(j), "{\"N\":%s}", ok[i][0]);
		if (!ok[i][1]) {
			fails_with(t, json(t, j), "body is not valid JSON");
			continue;
		}
		assert_int_equal(json(t, j), 0);
		field_is(&t->b, 0, "N", ok[i][1], 0);
	}
	static const char *const range[] = {"1e400",
					    "-1e400",
					    "1.8e308",
					    "99999999999999999999",
					    "-9223372036854775809",
					    "9223372036854775808"};
	for (size_t i = 0; i < sizeof(range) / sizeof(range[0]); i++) {
		char j[128];
		snprintf(j, sizeof(j), "{\"Unknown\":%s}", range[i]);
		fails_with(t, json(t, j), "body: JSON number out of range");
		snprintf(j, sizeof(j), "{\"x\":[{\"y\":[%s]}]}", range[i]);
		fails_with(t, json(t, j), "body: JSON number out of range");
	}
}

static void test_json_wrapper(void **state)
{
	struct t *t = *state;
	assert_int_equal(json(t, "{\"Port\":{\"HuntOrder\":1,\"CapMWI\":true}}"), 0);
	assert_int_equal(t->b.n, 2);
	field_is(&t->b, 0, "HuntOrder", "1", 0);
	field_is(&t->b, 1, "CapMWI", "true", 0);
	assert_int_equal(json(t, "{\"port\":{\"HuntOrder\":1}}"), 0);
	field_is(&t->b, 0, "HuntOrder", "1", 0);
	assert_int_equal(json(t, "{\"PORT\":{}}"), 0);
	assert_int_equal(t->b.n, 0);
	/* Two members: no wrapper. */
	assert_int_equal(json(t, "{\"Port\":{\"HuntOrder\":1},\"CapMWI\":true}"), 0);
	assert_int_equal(t->b.n, 2);
	field_is(&t->b, 0, "Port", "", 1);
	field_is(&t->b, 1, "CapMWI", "true", 0);
	/* Not an object inside, or another name: a field. */
	assert_int_equal(json(t, "{\"Port\":5}"), 0);
	assert_int_equal(t->b.n, 1);
	field_is(&t->b, 0, "Port", "5", 0);
	assert_int_equal(json(t, "{\"Port\":[{\"HuntOrder\":1}]}"), 0);
	field_is(&t->b, 0, "Port", "", 1);
	assert_int_equal(json(t, "{\"Ports\":{\"HuntOrder\":1}}"), 0);
	field_is(&t->b, 0, "Ports", "", 1);
	assert_int_equal(json(t, "{\"Por\":{\"HuntOrder\":1}}"), 0);
	field_is(&t->b, 0, "Por", "", 1);
	/* Without an element name there is no wrapper. */
	struct body b;
	static const char j[] = "{\"Port\":{\"HuntOrder\":1}}";
	assert_int_equal(body_parse(FMT_JSON, j, sizeof(j) - 1, NULL, MAX_FIELDS, t->a, &b, t->err,
				    sizeof(t->err)),
			 0);
	field_is(&b, 0, "Port", "", 1);
}

static void test_json_duplicates(void **state)
{
	struct t *t = *state;
	assert_int_equal(json(t, "{\"HuntOrder\":1,\"X\":2,\"HuntOrder\":3}"), 0);
	/* jansson keeps one member per name, holding the last value: last wins either way. */
	const char *last = NULL;
	for (size_t i = 0; i < t->b.n; i++)
		if (!strcmp(t->b.f[i].name, "HuntOrder"))
			last = t->b.f[i].value;
	assert_non_null(last);
	assert_string_equal(last, "3");
}

static void test_json_top_level(void **state)
{
	struct t *t = *state;
	static const char *const bad[] = {"[]", "[{}]", "5", "\"x\"", "true", "false"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		fails_with(t, json(t, bad[i]), "body: JSON top level must be an object");
	static const char *const syntax[] = {
	    "{} x",	   "{}{}",	 "{\"a\":1} {\"b\":2}", "null x",
	    "{",	   "{\"a\":}",	 "{\"a\":1,}",		"{'a':1}",
	    "{a:1}",	   "<Port/>",	 "{\"a\":\"\\x\"}",	"{\"a\":\"\x01\"}",
	    "{\"a\":NaN}", "{\"a\":01}", "{\"a\":tru}",
	};
	for (size_t i = 0; i < sizeof(syntax) / sizeof(syntax[0]); i++)
		fails_with(t, json(t, syntax[i]), "body is not valid JSON");
	/* Whitespace after the object is fine. */
	assert_int_equal(json(t, "{\"a\":1} \r\n\t"), 0);
	field_is(&t->b, 0, "a", "1", 0);
}

static char *json_nested(int depth, char open, char close)
{
	char *s = malloc((size_t)depth * 8 + 16);
	char *w = s;
	for (int i = 0; i < depth; i++)
		w += open == '{' ? sprintf(w, "{\"a\":") : sprintf(w, "[");
	w += sprintf(w, "1");
	for (int i = 0; i < depth; i++)
		*w++ = close;
	*w = 0;
	return s;
}

static void test_json_depth(void **state)
{
	struct t *t = *state;
	char *s = json_nested(32, '{', '}');
	assert_int_equal(json(t, s), 0);
	field_is(&t->b, 0, "a", "", 1);
	free(s);
	s = json_nested(33, '{', '}');
	fails_with(t, json(t, s), "body: nesting deeper than 32 levels");
	free(s);
	/* Arrays count as levels too; the top-level object is level 1. */
	char buf[256];
	char *w = buf + sprintf(buf, "{\"a\":");
	for (int i = 0; i < 31; i++)
		*w++ = '[';
	for (int i = 0; i < 31; i++)
		*w++ = ']';
	strcpy(w, "}");
	assert_int_equal(json(t, buf), 0);
	w = buf + sprintf(buf, "{\"a\":");
	for (int i = 0; i < 32; i++)
		*w++ = '[';
	for (int i = 0; i < 32; i++)
		*w++ = ']';
	strcpy(w, "}");
	fails_with(t, json(t, buf), "body: nesting deeper than 32 levels");
	/* Far deeper than jansson's own limit, and unterminated. */
	s = json_nested(100000, '[', ']');
	s[50000] = 0;
	fails_with(t, json(t, s), "body: nesting deeper than 32 levels");
	free(s);
	/* Brackets inside strings are text, escaped quotes included. */
	assert_int_equal(json(t, "{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[[[[[\"}"),
			 0);
	field_is(&t->b, 0, "a", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"[[[[[[", 0);
}

static char *json_fields(size_t n, int wrap, int array)
{
	char *s = malloc(n * 24 + 64);
	char *w = s + sprintf(s, wrap ? "{\"Port\":{" : "{");
	if (array)
		w += sprintf(w, "\"arr\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			*w++ = ',';
		w += array ? sprintf(w, "\"v%zu\"", i) : sprintf(w, "\"F%zu\":%zu", i, i);
	}
	sprintf(w, "%s%s", array ? "]}" : "}", wrap ? "}" : "");
	return s;
}

static void test_json_field_limit(void **state)
{
	struct t *t = *state;
	char *s = json_fields(1000, 0, 0);
	assert_int_equal(json(t, s), 0);
	assert_int_equal(t->b.n, 1000);
	field_is(&t->b, 999, "F999", "999", 0);
	free(s);
	s = json_fields(1001, 0, 0);
	fails_with(t, json(t, s), "body: more than 1000 fields");
	assert_int_equal(parse_n(t, FMT_JSON, s, strlen(s), 0), 0);
	assert_int_equal(t->b.n, 1001);
	free(s);
	/* The wrapper member is not a field. */
	s = json_fields(1000, 1, 0);
	assert_int_equal(json(t, s), 0);
	assert_int_equal(t->b.n, 1000);
	free(s);
	s = json_fields(1001, 1, 0);
	fails_with(t, json(t, s), "body: more than 1000 fields");
	free(s);
	/* Array elements count: one member plus 999 elements is 1000, plus 1000 is 1001. */
	s = json_fields(999, 0, 1);
	assert_int_equal(json(t, s), 0);
	free(s);
	s = json_fields(1000, 0, 1);
	fails_with(t, json(t, s), "body: more than 1000 fields");
	free(s);
	/* Colons and commas inside strings are text. */
	assert_int_equal(parse_n(t, FMT_JSON, "{\"a:b,c\":\"x:y,z,[1,2]\"}", 23, 1), 0);
	field_is(&t->b, 0, "a:b,c", "x:y,z,[1,2]", 0);
	fails_with(t, parse_n(t, FMT_JSON, "{\"a\":[[],[],{}]}", 16, 3),
		   "body: more than 3 fields");
}

/* ---- fixture documents ---- */

static void test_json_load(void **state)
{
	struct t *t = *state;
	json_t *j = NULL;
	static const char doc[] =
	    "\xEF\xBB\xBF{\"ports\":[{\"ObjectId\":\"p1\",\"PortNumInGroup\":1,"
	    "\"DisplayName\":\"  Port 1 \",\"Rate\":2.0,\"X\":[]}]}";
	assert_int_equal(body_json_load(doc, sizeof(doc) - 1, &j, t->err, sizeof(t->err)), 0);
	assert_non_null(j);
	json_t *port = json_array_get(json_object_get(j, "ports"), 0);
	assert_int_equal(body_json_fields(port, t->a, &t->b, t->err, sizeof(t->err)), 0);
	assert_int_equal(t->b.n, 5);
	field_is(&t->b, 0, "ObjectId", "p1", 0);
	field_is(&t->b, 1, "PortNumInGroup", "1", 0);
	field_is(&t->b, 2, "DisplayName", "Port 1", 0);
	field_is(&t->b, 3, "Rate", "2.0", 0);
	field_is(&t->b, 4, "X", "", 0);
	/* Not an object. */
	assert_int_equal(
	    body_json_fields(json_object_get(j, "ports"), t->a, &t->b, t->err, sizeof(t->err)), -1);
	assert_int_equal(t->b.n, 0);
	json_decref(j);

	/* Any shape, no field cap. */
	char *big = json_fields(5000, 0, 1);
	assert_int_equal(body_json_load(big, strlen(big), &j, t->err, sizeof(t->err)), 0);
	json_decref(j);
	free(big);
	assert_int_equal(body_json_load("[1,2]", 5, &j, t->err, sizeof(t->err)), 0);
	assert_true(json_is_array(j));
	json_decref(j);

	/* Same byte and depth rules. */
	char *deep = json_nested(33, '[', ']');
	assert_int_equal(body_json_load(deep, strlen(deep), &j, t->err, sizeof(t->err)), -1);
	assert_null(j);
	assert_string_equal(t->err, "body: nesting deeper than 32 levels");
	free(deep);
	assert_int_equal(body_json_load("{\"a\":\"\xC0\xAF\"}", 10, &j, t->err, sizeof(t->err)),
			 -1);
	assert_non_null(strstr(t->err, "invalid UTF-8"));
	assert_int_equal(body_json_load("{\"a\":1}\0", 8, &j, t->err, sizeof(t->err)), -1);
	assert_non_null(strstr(t->err, "NUL"));
	assert_int_equal(body_json_load("{\"a\":1e999}", 11, &j, t->err, sizeof(t->err)), -1);
	assert_non_null(strstr(t->err, "out of range"));
	assert_int_equal(body_json_load("{} {}", 5, &j, t->err, sizeof(t->err)), -1);
	assert_int_equal(body_json_load("", 0, &j, t->err, sizeof(t->err)), -1);
}

/* ---- behaviour around the parser ---- */

/* libxml2 must print nothing: its messages belong in err only. */
static void test_xml_errors_are_silent(void **state)
{
	struct t *t = *state;
	fflush(stderr);
	int saved = dup(2);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	dup2(fileno(tmp), 2);
	xml(t, "<Port><A>1</B></Port>");
	xml(t, "<Port><A>&foo;</A></Port>");
	xml(t, "<Port><a:A>1</a:A></Port>");
	xml(t, "<Port/><x/>");
	xml(t, "<Port xmlns:p=\"\"><p:A/></Port>");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fseek(tmp, 0, SEEK_END);
	long size = ftell(tmp);
	fclose(tmp);
	assert_int_equal(size, 0);
}

struct worker {
	int ok;
};

static void *parse_loop(void *arg)
{
	struct worker *w = arg;
	w->ok = 1;
	for (int i = 0; i < 300 && w->ok; i++) {
		struct arena *a = arena_new(1 << 16);
		struct body b;
		char err[256];
		const char *s = (i % 3 == 0)   ? SEED_SCCP_POST
				: (i % 3 == 1) ? SEED_PUT
					       : "<P><A>1</B></P>";
		int rc =
		    body_parse(FMT_XML, s, strlen(s), "Port", MAX_FIELDS, a, &b, err, sizeof(err));
		if (i % 3 == 0)
			w->ok = rc == 0 && b.n == 9 && !strcmp(b.f[3].value, ">true");
		else if (i % 3 == 1)
			w->ok = rc == 0 && b.n == 7 && !strcmp(b.f[6].name, "CapEnabled");
		else
			w->ok = rc == -1 && strstr(err, "mismatch") != NULL;
		arena_free(a);
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	enum { N = 8 };
	pthread_t th[N];
	struct worker w[N];
	for (int i = 0; i < N; i++)
		assert_int_equal(pthread_create(&th[i], NULL, parse_loop, &w[i]), 0);
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		assert_true(w[i].ok);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_seed_sccp_post),
	    T(test_seed_sip_post),
	    T(test_seed_pimg_post),
	    T(test_seed_put),
	    T(test_empty_and_blank),
	    T(test_bom),
	    T(test_nul),
	    T(test_invalid_utf8),
	    T(test_arena_cap),
	    T(test_xml_values),
	    T(test_xml_cdata_comments_pis_attributes),
	    T(test_xml_complex),
	    T(test_xml_namespaces),
	    T(test_xml_duplicates),
	    T(test_xml_encoding_declaration_ignored),
	    T(test_xml_malformed),
	    T(test_xml_entities),
	    T(test_xml_doctype),
	    T(test_xml_depth),
	    T(test_xml_field_limit),
	    T(test_json_values),
	    T(test_json_numbers),
	    T(test_json_wrapper),
	    T(test_json_duplicates),
	    T(test_json_top_level),
	    T(test_json_depth),
	    T(test_json_field_limit),
	    T(test_json_load),
	    T(test_xml_errors_are_silent),
	    T(test_threads),
	};
	return cmocka_run_group_tests_name("body", tests, NULL, NULL);
}

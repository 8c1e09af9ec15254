/* Unit tests for codec/: the XML and JSON writers over the real field tables, checked
 * against the exact bytes of SPEC §2.4, §2.5, §3.4 and the full objects of §5. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "model/model.h"
#include "util/buf.h"

#define X "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"

#define SCCP_ID "90dd306f-b8af-46b6-8289-f13437cc1e5e"
#define SIP_ID	"47e03eca-d077-466b-9c97-54e62938cf26"
#define PIMG_ID "d867d725-4e4b-4b60-b114-10aa0833ec14"

/* Full objects exactly as SPEC §5.2, §5.3, §5.5 and §5.6.7 print them (XML de-indented). */
#define PG_XML                                                                                     \
	"<PortGroup><URI>/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385</URI><Me"         \
	"diaPortGroupTemplateObjectId>47e03eca-d077-466b-9c97-54e62938cf26</MediaPortGrou"         \
	"pTemplateObjectId><MediaSwitchObjectId>a8eb65f5-795b-41cd-98b1-934f6b987313</Med"         \
	"iaSwitchObjectId><PhoneSystemURI>/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-93"         \
	"4f6b987313</PhoneSystemURI><TelephonyIntegrationMethodEnum>2</TelephonyIntegrati"         \
	"onMethodEnum><EnableMWI>true</EnableMWI><DisplayName>PhoneSystem-1</DisplayName>"         \
	"<CcmDoAutoFailback>true</CcmDoAutoFailback><MwiOnCode/><MwiOffCode/><MwiRetryCou"         \
	"ntOnSuccess>0</MwiRetryCountOnSuccess><MwiRetryIntervalOnSuccessMs>5</MwiRetryIn"         \
	"tervalOnSuccessMs><ObjectId>ledf504a-e9a1-4876-bcfc-bb674da8e385</ObjectId><SipT"         \
	"ransportProtocolEnum>10</SipTransportProtocolEnum><SipRegisterWithProxyServer>fa"         \
	"lse</SipRegisterWithProxyServer><SipDoAuthenticate>false</SipDoAuthenticate><Mwi"         \
	"MinRequestIntervalMs>0</MwiMinRequestIntervalMs><MwiMaxConcurrentRequests>0</Mwi"         \
	"MaxConcurrentRequests><MediaSwitchDisplayName>PhoneSystem</MediaSwitchDisplayNam"         \
	"e><PortCount>2</PortCount><SipDoSRTP>false</SipDoSRTP><SipTLSModeEnum>11</SipTLS"         \
	"ModeEnum><ResetStatusEnum>0</ResetStatusEnum><EnableAGC>true</EnableAGC></PortGr"         \
	"oup>"

#define PORT_XML                                                                                   \
	"<Port><URI>/vmrest/ports/ec664876-5879-4cff-a022-4929b37bd575</URI><ObjectId>ec6"         \
	"64876-5879-4cff-a022-4929b37bd575</ObjectId><MediaPortGroupObjectId>ledf504a-e9a"         \
	"1-4876-bcfc-bb674da8e385</MediaPortGroupObjectId><PortGroupURI>/vmrest/portgroup"         \
	"s/ledf504a-e9a1-4876-bcfc-bb674da8e385</PortGroupURI><TelephonyIntegrationMethod"         \
	"Enum>2</TelephonyIntegrationMethodEnum><PortNumInGroup>1</PortNumInGroup><Skinny"         \
	"SecurityModeEnum>0</SkinnySecurityModeEnum><SkinnyDoMediaEncryption>false</Skinn"         \
	"yDoMediaEncryption><VmsServerObjectId>574ca5d3-9041-4ff9-8e7d-727c32d80dab</VmsS"         \
	"erverObjectId><HuntOrder>0</HuntOrder><DisplayName>PhoneSystem-1-001</DisplayNam"         \
	"e><PimgPortNumber>1</PimgPortNumber><CapAnswer>true</CapAnswer><CapNotification>"         \
	"true</CapNotification><CapMWI>true</CapMWI><CapEnabled>true</CapEnabled><CapDeli"         \
	"verAmis>false</CapDeliverAmis><CapTrapConnection>true</CapTrapConnection><MediaS"         \
	"witchDisplayName>PhoneSystem</MediaSwitchDisplayName><MediaSwitchObjectId>a8eb65"         \
	"f5-795b-41cd-98b1-934f6b987313</MediaSwitchObjectId><PhoneSystemURI>/vmrest/phon"         \
	"esystems/a8eb65f5-795b-41cd-98b1-934f6b987313</PhoneSystemURI><MediaPortGroupDis"         \
	"playName>PhoneSystem-1</MediaPortGroupDisplayName><MediaPortGroupEnableMWI>true<"         \
	"/MediaPortGroupEnableMWI><MediaPortGroupMwiReqPortSpecific>true</MediaPortGroupM"         \
	"wiReqPortSpecific><SipSendPort>0</SipSendPort><VmsServerName>ucbu-aricent-vm413<"         \
	"/VmsServerName></Port>"

#define VMS_XML                                                                                    \
	"<VmsServers total=\"1\"><VmsServer><URI>/vmrest/vmsservers/574ca5d3-9041-4ff9-8e7d"       \
	"-727c32d80dab</URI><ObjectId>574ca5d3-9041-4ff9-8e7d-727c32d80dab</ObjectId><Ser"         \
	"verName>ucbu-aricent-vm413</ServerName><IpAddress>192.0.2.13</IpAddress><VmsServ"         \
	"erObjectId>574ca5d3-9041-4ff9-8e7d-727c32d80dab</VmsServerObjectId><ClusterMembe"         \
	"rId>0</ClusterMemberId><ServerState>20</ServerState><HostName>ucbu-aricent-vm413"         \
	"</HostName><ServerDisplayState>3</ServerDisplayState><SubToPerformReplicationRol"         \
	"e>false</SubToPerformReplicationRole></VmsServer></VmsServers>"

#define PG_JSON                                                                                    \
	"{\"URI\":\"/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da8e385\",\"MediaPortGroup"    \
	"TemplateObjectId\":\"47e03eca-d077-466b-9c97-54e62938cf26\",\"MediaSwitchObjectId\":\""   \
	"a8eb65f5-795b-41cd-98b1-934f6b987313\",\"PhoneSystemURI\":\"/vmrest/phonesystems/a8e"     \
	"b65f5-795b-41cd-98b1-934f6b987313\",\"TelephonyIntegrationMethodEnum\":\"2\",\"EnableM"   \
	"WI\":\"true\",\"DisplayName\":\"PhoneSystem-1\",\"CcmDoAutoFailback\":\"true\","          \
	"\"MwiOnCode\":"                                                                           \
	"\"\",\"MwiOffCode\":\"\",\"MwiRetryCountOnSuccess\":\"0\","                               \
	"\"MwiRetryIntervalOnSuccessMs\":\"5"                                                      \
	"\",\"ObjectId\":\"ledf504a-e9a1-4876-bcfc-bb674da8e385\",\"SipTransportProtocolEnum\":\"" \
	"10\",\"SipRegisterWithProxyServer\":\"false\",\"SipDoAuthenticate\":\"false\","           \
	"\"MwiMinRequ"                                                                             \
	"estIntervalMs\":\"0\",\"MwiMaxConcurrentRequests\":\"0\",\"MediaSwitchDisplayName\":"     \
	"\"Phon"                                                                                   \
	"eSystem\",\"PortCount\":\"2\",\"SipDoSRTP\":\"false\",\"SipTLSModeEnum\":\"11\","         \
	"\"ResetStatusE"                                                                           \
	"num\":\"0\",\"EnableAGC\":\"true\"}"

#define PORT_JSON                                                                                  \
	"{\"URI\":\"/vmrest/ports/ec664876-5879-4cff-a022-4929b37bd575\",\"ObjectId\":\"ec664876"  \
	"-5879-4cff-a022-4929b37bd575\",\"MediaPortGroupObjectId\":\"ledf504a-e9a1-4876-bcfc-"     \
	"bb674da8e385\",\"PortGroupURI\":\"/vmrest/portgroups/ledf504a-e9a1-4876-bcfc-bb674da"     \
	"8e385\",\"TelephonyIntegrationMethodEnum\":\"2\",\"PortNumInGroup\":\"1\","               \
	"\"SkinnySecurity"                                                                         \
	"ModeEnum\":\"0\",\"SkinnyDoMediaEncryption\":\"false\",\"VmsServerObjectId\":\"574ca5d3-" \
	"90"                                                                                       \
	"41-4ff9-8e7d-727c32d80dab\",\"HuntOrder\":\"0\",\"DisplayName\":\"PhoneSystem-1-001\","   \
	"\"Pi"                                                                                     \
	"mgPortNumber\":\"1\",\"CapAnswer\":\"true\",\"CapNotification\":\"true\",\"CapMWI\":"     \
	"\"true\",\"C"                                                                             \
	"apEnabled\":\"true\",\"CapDeliverAmis\":\"false\",\"CapTrapConnection\":\"true\","        \
	"\"MediaSwit"                                                                              \
	"chDisplayName\":\"PhoneSystem\",\"MediaSwitchObjectId\":\"a8eb65f5-795b-41cd-98b1-934f"   \
	"6b987313\",\"PhoneSystemURI\":\"/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b9"     \
	"87313\",\"MediaPortGroupDisplayName\":\"PhoneSystem-1\",\"MediaPortGroupEnableMWI\":\"tr" \
	"ue\",\"MediaPortGroupMwiReqPortSpecific\":\"true\",\"SipSendPort\":\"0\","                \
	"\"VmsServerName\":"                                                                       \
	"\"ucbu-aricent-vm413\"}"

#define VMS_JSON                                                                                   \
	"{\"@total\":\"1\",\"VmsServer\":{\"URI\":\"/vmrest/vmsservers/"                           \
	"574ca5d3-9041-4ff9-8e7d-727"                                                              \
	"c32d80dab\",\"ObjectId\":\"574ca5d3-9041-4ff9-8e7d-727c32d80dab\",\"ServerName\":\"ucbu-" \
	"aricent-vm413\",\"IpAddress\":\"192.0.2.13\",\"VmsServerObjectId\":\"574ca5d3-9041-4ff9-" \
	"8e7d-727c32d80dab\",\"ClusterMemberId\":\"0\",\"ServerState\":\"20\",\"HostName\":"       \
	"\"ucbu-ari"                                                                               \
	"cent-vm413\",\"ServerDisplayState\":\"3\",\"SubToPerformReplicationRole\":\"false\"}}"

#define PS_JSON                                                                                    \
	"{\"URI\":\"/vmrest/phonesystems/a8eb65f5-795b-41cd-98b1-934f6b987313\",\"ObjectId\":\"a"  \
	"8eb65f5-795b-41cd-98b1-934f6b987313\",\"DisplayName\":\"PhoneSystem\",\"MwiAlwaysUpdat"   \
	"e\":\"false\",\"MwiPortMemory\":\"false\",\"CallLoopSupervisedTransferDetect\":"          \
	"\"false\",\"C"                                                                            \
	"allLoopForwardNotificationDetect\":\"false\",\"CallLoopDTMF\":\"A\",\"CallLoopGuardTimeM" \
	"s\":\"2500\",\"PortCount\":\"2\",\"EnablePhoneApplications\":\"false\","                  \
	"\"DefaultTRaPSwitch\":"                                                                   \
	"\"true\",\"MwiForceOff\":\"false\",\"RestrictDialUnconditional\":\"false\","              \
	"\"RestrictDialSc"                                                                         \
	"heduled\":\"false\",\"RestrictDialStartTime\":\"0\",\"RestrictDialEndTime\":\"0\","       \
	"\"CallLoop"                                                                               \
	"ExtensionDetect\":\"true\",\"AXLServerURI\":\"/vmrest/phonesystems/a8eb65f5-795b-41cd-"   \
	"98b1-934f6b987313/axlservers\",\"PhoneSystemAssociationURI\":\"/vmrest/phonesystems/"     \
	"a8eb65f5-795b-41cd-98b1-934f6b987313/phonesystemassociations\"}"

/* ---- helpers ---- */

static void set(const struct resource *r, struct obj *o, const char *name, const char *v)
{
	int k = model_field(r, name);
	if (k < 0)
		fail_msg("%s has no field %s", r->name, name);
	o->v[k] = v;
}

static struct obj tmpl(const char *uri, const char *id, const char *desc, const char *type)
{
	struct obj o = {0};
	set(&res_template, &o, "URI", uri);
	set(&res_template, &o, "ObjectId", id);
	set(&res_template, &o, "TemplateDescriptionDefault", desc);
	set(&res_template, &o, "CopyTelephonyIntegrationMethodEnum", type);
	return o;
}

#define TMPL_SCCP tmpl("/vmrest/portgrouptemplates/" SCCP_ID, SCCP_ID, "SCCP", "1")
#define TMPL_SIP  tmpl("/vmrest/portgrouptemplates/" SIP_ID, SIP_ID, "SIP", "2")
#define TMPL_PIMG tmpl("/vmrest/portgrouptemplates/" PIMG_ID, PIMG_ID, "PIMG/TIMG", "3")

/* Renders a collection page of n objects out of total, compares with want, frees. */
static void coll_is(enum fmt f, const struct resource *r, long total, const struct obj *os, long n,
		    const char *want)
{
	struct buf b = {0};
	codec_coll_begin(&b, f, r, total, n);
	for (long i = 0; i < n; i++)
		codec_coll_item(&b, f, r, &os[i], i, n);
	codec_coll_end(&b, f, r, total, n);
	assert_int_equal(b.oom, 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, want);
	assert_int_equal(b.len, strlen(want));
	buf_free(&b);
}

static void obj_is(enum fmt f, const struct resource *r, const struct obj *o, const char *want)
{
	struct buf b = {0};
	codec_obj(&b, f, r, o);
	assert_int_equal(b.oom, 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, want);
	assert_int_equal(b.len, strlen(want));
	buf_free(&b);
}

static void error_is(enum fmt f, const char *code, const char *msg, const char *want)
{
	struct buf b = {0};
	codec_error(&b, f, code, msg);
	assert_non_null(b.data);
	assert_string_equal(b.data, want);
	buf_free(&b);
}

/* Builds an object of r from a flat JSON object of strings (the SPEC's JSON example); the
 * jansson object must outlive the obj. */
static struct obj from_json(const struct resource *r, json_t *j)
{
	struct obj o = {0};
	const char *key;
	json_t *v;
	assert_true(json_is_object(j));
	json_object_foreach(j, key, v)
	{
		assert_true(json_is_string(v));
		set(r, &o, key, json_string_value(v));
	}
	return o;
}

static json_t *load(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
	if (!j)
		fail_msg("bad JSON in test (%s): %s", e.text, s);
	return j;
}

static char *json_of(const char *s)
{
	struct buf b = {0};
	codec_json_str(&b, s);
	assert_non_null(b.data);
	return b.data; /* caller frees */
}

static char *xml_of(const char *s)
{
	struct buf b = {0};
	codec_xml_text(&b, s);
	buf_putc(&b, 0); /* data stays non-NULL for the empty string */
	return b.data;
}

/* ---- SPEC §2.4: the template examples, exact bytes ---- */

static void test_templates_zero(void **state)
{
	(void)state;
	coll_is(FMT_XML, &res_template, 0, NULL, 0, X "<PortGroupTemplates total=\"0\"/>");
	coll_is(FMT_JSON, &res_template, 0, NULL, 0, "{\"@total\":\"0\"}");
}

static void test_templates_one(void **state)
{
	(void)state;
	struct obj o[] = {TMPL_PIMG};
	coll_is(FMT_XML, &res_template, 1, o, 1,
		X "<PortGroupTemplates total=\"1\"><PortGroupTemplate><URI>/vmrest/"
		  "portgrouptemplates/" PIMG_ID "</URI><ObjectId>" PIMG_ID "</ObjectId>"
		  "<TemplateDescriptionDefault>PIMG/TIMG</TemplateDescriptionDefault>"
		  "<CopyTelephonyIntegrationMethodEnum>3</CopyTelephonyIntegrationMethodEnum>"
		  "</PortGroupTemplate></PortGroupTemplates>");
	coll_is(
	    FMT_JSON, &res_template, 1, o, 1,
	    "{\"@total\":\"1\",\"PortGroupTemplate\":{\"URI\":\"/vmrest/portgrouptemplates/" PIMG_ID
	    "\",\"ObjectId\":\"" PIMG_ID "\",\"TemplateDescriptionDefault\":\"PIMG/TIMG\","
	    "\"CopyTelephonyIntegrationMethodEnum\":\"3\"}}");
}

static void test_templates_two(void **state)
{
	(void)state;
	struct obj o[] = {TMPL_SCCP, TMPL_SIP};
	coll_is(FMT_XML, &res_template, 2, o, 2,
		X "<PortGroupTemplates total=\"2\"><PortGroupTemplate><URI>/vmrest/"
		  "portgrouptemplates/" SCCP_ID "</URI><ObjectId>" SCCP_ID "</ObjectId>"
		  "<TemplateDescriptionDefault>SCCP</TemplateDescriptionDefault>"
		  "<CopyTelephonyIntegrationMethodEnum>1</CopyTelephonyIntegrationMethodEnum>"
		  "</PortGroupTemplate><PortGroupTemplate><URI>/vmrest/portgrouptemplates/" SIP_ID
		  "</URI><ObjectId>" SIP_ID "</ObjectId>"
		  "<TemplateDescriptionDefault>SIP</TemplateDescriptionDefault>"
		  "<CopyTelephonyIntegrationMethodEnum>2</CopyTelephonyIntegrationMethodEnum>"
		  "</PortGroupTemplate></PortGroupTemplates>");
	coll_is(FMT_JSON, &res_template, 2, o, 2,
		"{\"@total\":\"2\",\"PortGroupTemplate\":[{\"URI\":\"/vmrest/"
		"portgrouptemplates/" SCCP_ID "\",\"ObjectId\":\"" SCCP_ID
		"\",\"TemplateDescriptionDefault\":\"SCCP\","
		"\"CopyTelephonyIntegrationMethodEnum\":\"1\"},{\"URI\":\"/vmrest/"
		"portgrouptemplates/" SIP_ID "\",\"ObjectId\":\"" SIP_ID
		"\",\"TemplateDescriptionDefault\":\"SIP\","
		"\"CopyTelephonyIntegrationMethodEnum\":\"2\"}]}");
}

static void test_template_single(void **state)
{
	(void)state;
	struct obj o = TMPL_SIP;
	obj_is(FMT_XML, &res_template, &o,
	       X "<PortGroupTemplate><URI>/vmrest/portgrouptemplates/" SIP_ID
		 "</URI><ObjectId>" SIP_ID
		 "</ObjectId><TemplateDescriptionDefault>SIP</TemplateDescriptionDefault>"
		 "<CopyTelephonyIntegrationMethodEnum>2</CopyTelephonyIntegrationMethodEnum>"
		 "</PortGroupTemplate>");
	obj_is(FMT_JSON, &res_template, &o,
	       "{\"URI\":\"/vmrest/portgrouptemplates/" SIP_ID "\",\"ObjectId\":\"" SIP_ID
	       "\",\"TemplateDescriptionDefault\":\"SIP\",\"CopyTelephonyIntegrationMethodEnum\":"
	       "\"2\"}");
}

/* Three elements: still one array, commas between elements and none after the last. */
static void test_templates_three(void **state)
{
	(void)state;
	struct obj o[] = {TMPL_SCCP, TMPL_SIP, TMPL_PIMG};
	struct buf b = {0};
	codec_coll_begin(&b, FMT_JSON, &res_template, 3, 3);
	for (long i = 0; i < 3; i++)
		codec_coll_item(&b, FMT_JSON, &res_template, &o[i], i, 3);
	codec_coll_end(&b, FMT_JSON, &res_template, 3, 3);
	assert_non_null(b.data);
	const char *start = "{\"@total\":\"3\",\"PortGroupTemplate\":[{";
	assert_memory_equal(b.data, start, strlen(start));
	json_t *j = load(b.data);
	json_t *arr = json_object_get(j, "PortGroupTemplate");
	assert_true(json_is_array(arr));
	assert_int_equal(json_array_size(arr), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 2),
							      "TemplateDescriptionDefault")),
			    "PIMG/TIMG");
	assert_int_equal(json_object_size(j), 2);
	json_decref(j);
	assert_int_equal(b.data[b.len - 1], '}');
	assert_int_equal(b.data[b.len - 2], ']');
	buf_free(&b);
}

/* "Exactly one" counts the elements of this response, not total (SPEC §2.4); count-only
 * (SPEC §3.4) looks like the empty form with the real total. */
static void test_page_counts_not_total(void **state)
{
	(void)state;
	struct obj o[] = {TMPL_SIP};
	coll_is(
	    FMT_JSON, &res_template, 5, o, 1,
	    "{\"@total\":\"5\",\"PortGroupTemplate\":{\"URI\":\"/vmrest/portgrouptemplates/" SIP_ID
	    "\",\"ObjectId\":\"" SIP_ID "\",\"TemplateDescriptionDefault\":\"SIP\","
	    "\"CopyTelephonyIntegrationMethodEnum\":\"2\"}}");
	coll_is(FMT_XML, &res_template, 5, o, 1,
		X "<PortGroupTemplates total=\"5\"><PortGroupTemplate><URI>/vmrest/"
		  "portgrouptemplates/" SIP_ID "</URI><ObjectId>" SIP_ID "</ObjectId>"
		  "<TemplateDescriptionDefault>SIP</TemplateDescriptionDefault>"
		  "<CopyTelephonyIntegrationMethodEnum>2</CopyTelephonyIntegrationMethodEnum>"
		  "</PortGroupTemplate></PortGroupTemplates>");
	coll_is(FMT_XML, &res_port, 7, NULL, 0, X "<Ports total=\"7\"/>");
	coll_is(FMT_JSON, &res_port, 7, NULL, 0, "{\"@total\":\"7\"}");
	coll_is(FMT_XML, &res_vmsserver, 0, NULL, 0, X "<VmsServers total=\"0\"/>");
	coll_is(FMT_XML, &res_phonesystem, 0, NULL, 0, X "<PhoneSystems total=\"0\"/>");
	coll_is(FMT_XML, &res_portgroup, 12345678901L, NULL, 0,
		X "<PortGroups total=\"12345678901\"/>");
	coll_is(FMT_JSON, &res_portgroup, 12345678901L, NULL, 0, "{\"@total\":\"12345678901\"}");
}

/* ---- full objects of SPEC §5: field-table order, JSON built from the SPEC's own JSON ---- */

static void full(const struct resource *r, const char *json, const char *xml_elem)
{
	json_t *j = load(json);
	struct obj o = from_json(r, j);
	obj_is(FMT_JSON, r, &o, json);
	char *want = malloc(strlen(X) + strlen(xml_elem) + 1);
	assert_non_null(want);
	strcpy(want, X);
	strcat(want, xml_elem);
	obj_is(FMT_XML, r, &o, want);
	free(want);
	json_decref(j);
}

static void test_full_portgroup(void **state)
{
	(void)state;
	full(&res_portgroup, PG_JSON, PG_XML);
}

static void test_full_port(void **state)
{
	(void)state;
	full(&res_port, PORT_JSON, PORT_XML);
}

static void test_full_phonesystem(void **state)
{
	(void)state;
	json_t *j = load(PS_JSON);
	struct obj o = from_json(&res_phonesystem, j);
	obj_is(FMT_JSON, &res_phonesystem, &o, PS_JSON);
	json_decref(j);
}

static void test_full_vmsserver_collection(void **state)
{
	(void)state;
	json_t *j = load(VMS_JSON);
	struct obj o = from_json(&res_vmsserver, json_object_get(j, "VmsServer"));
	coll_is(FMT_JSON, &res_vmsserver, 1, &o, 1, VMS_JSON);
	coll_is(FMT_XML, &res_vmsserver, 1, &o, 1, X VMS_XML);
	json_decref(j);
}

/* ---- NULL, empty, never-written fields ---- */

static void test_null_omitted_empty_written(void **state)
{
	(void)state;
	struct obj o = {0};
	set(&res_portgroup, &o, "URI", "/vmrest/portgroups/g1");
	set(&res_portgroup, &o, "MwiOnCode", "");
	set(&res_portgroup, &o, "ObjectId", "g1");
	set(&res_portgroup, &o, "SkinnyDevicePrefix", NULL);
	obj_is(FMT_XML, &res_portgroup, &o,
	       X "<PortGroup><URI>/vmrest/portgroups/g1</URI><MwiOnCode/><ObjectId>g1</ObjectId>"
		 "</PortGroup>");
	obj_is(FMT_JSON, &res_portgroup, &o,
	       "{\"URI\":\"/vmrest/portgroups/g1\",\"MwiOnCode\":\"\",\"ObjectId\":\"g1\"}");
	/* An object whose every value is NULL is still an element. */
	struct obj none = {0};
	obj_is(FMT_XML, &res_portgroup, &none, X "<PortGroup></PortGroup>");
	obj_is(FMT_JSON, &res_portgroup, &none, "{}");
	/* The first written field gets no leading comma even when earlier ones are NULL. */
	struct obj last = {0};
	set(&res_portgroup, &last, "EnableAGC", "true");
	obj_is(FMT_JSON, &res_portgroup, &last, "{\"EnableAGC\":\"true\"}");
}

static void test_never_written_fields(void **state)
{
	(void)state;
	struct obj p = {0};
	set(&res_port, &p, "ObjectId", "p1");
	set(&res_port, &p, "NumberOfPorts", "2");
	obj_is(FMT_XML, &res_port, &p, X "<Port><ObjectId>p1</ObjectId></Port>");
	obj_is(FMT_JSON, &res_port, &p, "{\"ObjectId\":\"p1\"}");
	coll_is(FMT_JSON, &res_port, 1, &p, 1, "{\"@total\":\"1\",\"Port\":{\"ObjectId\":\"p1\"}}");

	struct obj g = {0};
	set(&res_portgroup, &g, "HostOrIPAddress", "10.1.1.1");
	set(&res_portgroup, &g, "EnableAGC", "true");
	obj_is(FMT_XML, &res_portgroup, &g, X "<PortGroup><EnableAGC>true</EnableAGC></PortGroup>");
	obj_is(FMT_JSON, &res_portgroup, &g, "{\"EnableAGC\":\"true\"}");
	/* Even empty, a never-written field is not written. */
	set(&res_portgroup, &g, "HostOrIPAddress", "");
	obj_is(FMT_XML, &res_portgroup, &g, X "<PortGroup><EnableAGC>true</EnableAGC></PortGroup>");
	obj_is(FMT_JSON, &res_portgroup, &g, "{\"EnableAGC\":\"true\"}");
}

/* ---- SPEC §2.5: the error body ---- */

static void test_error_body(void **state)
{
	(void)state;
	const char *msg = "no portgroup has ObjectId 1edf504a-e9a1-4876-bcfc-bb674da8e385";
	error_is(FMT_XML, "NOT_FOUND", msg,
		 X "<ErrorDetails><errors><code>NOT_FOUND</code><message>no portgroup has ObjectId "
		   "1edf504a-e9a1-4876-bcfc-bb674da8e385</message></errors></ErrorDetails>");
	error_is(FMT_JSON, "NOT_FOUND", msg,
		 "{\"errors\":{\"code\":\"NOT_FOUND\",\"message\":\"no portgroup has ObjectId "
		 "1edf504a-e9a1-4876-bcfc-bb674da8e385\"}}");
}

/* SPEC §5.6.8 1: the seed's typo comes back escaped. */
static void test_error_body_escaped(void **state)
{
	(void)state;
	const char *msg = "CapAnswer: '>true' is not a boolean (use true, false, 1 or 0)";
	error_is(FMT_XML, "INVALID_PARAMETER", msg,
		 X "<ErrorDetails><errors><code>INVALID_PARAMETER</code><message>CapAnswer: "
		   "'&gt;true' is not a boolean (use true, false, 1 or 0)</message></errors>"
		   "</ErrorDetails>");
	error_is(FMT_JSON, "INVALID_PARAMETER", msg,
		 "{\"errors\":{\"code\":\"INVALID_PARAMETER\",\"message\":\"CapAnswer: '>true' is "
		 "not a boolean (use true, false, 1 or 0)\"}}");
	error_is(FMT_JSON, "INVALID_PARAMETER", "a \"b\" \\ c/d",
		 "{\"errors\":{\"code\":\"INVALID_PARAMETER\",\"message\":\"a \\\"b\\\" \\\\ "
		 "c/d\"}}");
	error_is(FMT_XML, "INVALID_PARAMETER", "x < y & z",
		 X "<ErrorDetails><errors><code>INVALID_PARAMETER</code><message>x &lt; y &amp; "
		   "z</message></errors></ErrorDetails>");
}

/* ---- escaping ---- */

static void test_xml_escaping(void **state)
{
	(void)state;
	char *s = xml_of("a&b<c>d");
	assert_string_equal(s, "a&amp;b&lt;c&gt;d");
	free(s);
	s = xml_of("&&<<>>");
	assert_string_equal(s, "&amp;&amp;&lt;&lt;&gt;&gt;");
	free(s);
	s = xml_of("");
	assert_string_equal(s, "");
	free(s);
	s = xml_of("&amp;");
	assert_string_equal(s, "&amp;amp;");
	free(s);
	s = xml_of("plain/text-1");
	assert_string_equal(s, "plain/text-1");
	free(s);

	struct obj o = {0};
	set(&res_phonesystem, &o, "DisplayName", "R&D <lab> >x");
	obj_is(FMT_XML, &res_phonesystem, &o,
	       X "<PhoneSystem><DisplayName>R&amp;D &lt;lab&gt; &gt;x</DisplayName></PhoneSystem>");
}

static void test_json_escaping(void **state)
{
	(void)state;
	char *s = json_of("");
	assert_string_equal(s, "\"\"");
	free(s);
	s = json_of("a\"b\\c");
	assert_string_equal(s, "\"a\\\"b\\\\c\"");
	free(s);
	/* '/' is not escaped; other characters are raw UTF-8, DEL and U+2028 included. */
	s = json_of("/vmrest/ports/x");
	assert_string_equal(s, "\"/vmrest/ports/x\"");
	free(s);
	s = json_of("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x7f \xe2\x80\xa8 \xc2\x85");
	assert_string_equal(
	    s, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x7f \xe2\x80\xa8 \xc2\x85\"");
	free(s);
	/* XML specials are not escaped in JSON. */
	s = json_of("<a>&amp;");
	assert_string_equal(s, "\"<a>&amp;\"");
	free(s);

	struct obj o = {0};
	set(&res_phonesystem, &o, "DisplayName", "Lab \"1\" \\ caf\xc3\xa9/x");
	obj_is(FMT_JSON, &res_phonesystem, &o,
	       "{\"DisplayName\":\"Lab \\\"1\\\" \\\\ caf\xc3\xa9/x\"}");
}

/* Every control character U+0001-U+001F is escaped (no raw byte below 0x20), and the result
 * reads back as the original string. */
static void test_json_control_characters(void **state)
{
	(void)state;
	for (int c = 1; c < 0x20; c++) {
		char in[4] = {'a', (char)c, 'b', 0};
		char *s = json_of(in);
		for (const char *p = s; *p; p++)
			if ((unsigned char)*p < 0x20)
				fail_msg("raw control byte 0x%02x in %s",
					 (unsigned)(unsigned char)*p, s);
		json_t *j = load(s);
		assert_true(json_is_string(j));
		assert_string_equal(json_string_value(j), in);
		json_decref(j);
		free(s);
	}
	/* Several in a row, and at both ends. */
	const char *in = "\x01\n\r\t\x1f";
	char *s = json_of(in);
	json_t *j = load(s);
	assert_string_equal(json_string_value(j), in);
	json_decref(j);
	free(s);
}

/* The writers append: a body can be built in several calls. */
static void test_appends(void **state)
{
	(void)state;
	struct buf b = {0};
	buf_puts(&b, "pre:");
	codec_json_str(&b, "x");
	codec_xml_text(&b, "<");
	assert_string_equal(b.data, "pre:\"x\"&lt;");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_templates_zero),
	    cmocka_unit_test(test_templates_one),
	    cmocka_unit_test(test_templates_two),
	    cmocka_unit_test(test_template_single),
	    cmocka_unit_test(test_templates_three),
	    cmocka_unit_test(test_page_counts_not_total),
	    cmocka_unit_test(test_full_portgroup),
	    cmocka_unit_test(test_full_port),
	    cmocka_unit_test(test_full_phonesystem),
	    cmocka_unit_test(test_full_vmsserver_collection),
	    cmocka_unit_test(test_null_omitted_empty_written),
	    cmocka_unit_test(test_never_written_fields),
	    cmocka_unit_test(test_error_body),
	    cmocka_unit_test(test_error_body_escaped),
	    cmocka_unit_test(test_xml_escaping),
	    cmocka_unit_test(test_json_escaping),
	    cmocka_unit_test(test_json_control_characters),
	    cmocka_unit_test(test_appends),
	};
	return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}

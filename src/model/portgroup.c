/* Field table of /vmrest/portgroups (SPEC §5.5). */
#include "model/fields.h"

#define ALIAS "g"
#define MWI_CODE "0123456789*#"
#define PREFIX_SET "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

static const struct field fields[] = {
	DERIVED("URI", T_URI, "'/vmrest/portgroups/' || g.ObjectId"),
	COL("MediaPortGroupTemplateObjectId", T_ID, A_C, 0, 0, NULL, 0),
	COL("MediaSwitchObjectId", T_ID, A_C, 0, 0, NULL, F_REQUIRED),
	DERIVED("PhoneSystemURI", T_URI, "'/vmrest/phonesystems/' || g.MediaSwitchObjectId"),
	COL("TelephonyIntegrationMethodEnum", T_INT, A_C, 1, 3, NULL, 0),
	BOOLCOL("EnableMWI", A_W, "1"),
	COL("DisplayName", T_STR, A_W, 1, 64, NULL, 0),
	BOOLCOL("CcmDoAutoFailback", A_W, "1"),
	{.name = "MwiOnCode", .type = T_STR, .acc = A_W, .expr = "g.MwiOnCode", .stored = true,
	 .min = 0, .max = 40, .charset = MWI_CODE, .def = ""},
	{.name = "MwiOffCode", .type = T_STR, .acc = A_W, .expr = "g.MwiOffCode", .stored = true,
	 .min = 0, .max = 40, .charset = MWI_CODE, .def = ""},
	COL("MwiRetryCountOnSuccess", T_INT, A_W, 0, INT32MAX, "0", 0),
	COL("MwiRetryIntervalOnSuccessMs", T_INT, A_W, 0, INT32MAX, "5", 0),
	OBJECTID,
	COL("SipTransportProtocolEnum", T_INT, A_W, 10, 11, "10", 0),
	BOOLCOL("SipRegisterWithProxyServer", A_W, "0"),
	BOOLCOL("SipDoAuthenticate", A_W, "0"),
	{.name = "SkinnyDevicePrefix", .type = T_STR, .acc = A_W, .expr = "g.SkinnyDevicePrefix",
	 .stored = true, .min = 0, .max = 11, .charset = PREFIX_SET},
	COL("MwiMinRequestIntervalMs", T_INT, A_W, 0, INT32MAX, "0", 0),
	COL("MwiMaxConcurrentRequests", T_INT, A_W, 0, INT32MAX, "0", 0),
	DERIVED("MediaSwitchDisplayName", T_STR, "s.DisplayName"),
	DERIVED("PortCount", T_INT,
		"coalesce((SELECT x.n FROM port_count x WHERE x.group_id = g.ObjectId), 0)"),
	BOOLCOL("SipDoSRTP", A_W, "0"),
	COL("SipTLSModeEnum", T_INT, A_W, 10, 11, "11", 0),
	DERIVED("ResetStatusEnum", T_INT, "0"),
	BOOLCOL("EnableAGC", A_W, "1"),
	/* POST input only: they create the group's first server (SPEC §5.8.4) */
	{.name = "HostOrIPAddress", .type = T_STR, .acc = A_IN, .min = 1, .max = 255,
	 .check = model_no_space},
	{.name = "HostOrIPAddressV6", .type = T_STR, .acc = A_IN, .min = 1, .max = 255,
	 .check = model_no_space},
};

const struct resource res_portgroup = {
	.name = "portgroup",
	.elem = "PortGroup",
	.coll = "PortGroups",
	.path = "/vmrest/portgroups",
	.table = "portgroup",
	.from = "portgroup g JOIN phonesystem s ON s.ObjectId = g.MediaSwitchObjectId",
	.alias = ALIAS,
	.sort = "DisplayName",
	.fields = fields,
	.nfields = NFIELDS(fields),
};

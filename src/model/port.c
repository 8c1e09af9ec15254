/* Field table of /vmrest/ports (SPEC §5.6.2). */
#include "model/fields.h"

#define ALIAS "p"

static const struct field fields[] = {
	DERIVED("URI", T_URI, "'/vmrest/ports/' || p.ObjectId"),
	OBJECTID,
	COL("MediaPortGroupObjectId", T_ID, A_C, 0, 0, NULL, F_REQUIRED),
	DERIVED("PortGroupURI", T_URI, "'/vmrest/portgroups/' || p.MediaPortGroupObjectId"),
	DERIVED("TelephonyIntegrationMethodEnum", T_INT, "g.TelephonyIntegrationMethodEnum"),
	COL("PortNumInGroup", T_INT, A_R, 1, INT32MAX, NULL, 0),
	COL("SkinnySecurityModeEnum", T_INT, A_W, 0, 2, "0", 0),
	BOOLCOL("SkinnyDoMediaEncryption", A_W, "0"),
	COL("VmsServerObjectId", T_ID, A_W, 0, 0, NULL, 0),
	COL("HuntOrder", T_INT, A_W, 0, 9999, "0", 0),
	COL("DisplayName", T_STR, A_U, 1, 64, NULL, 0),
	DERIVED("SkinnyDeviceName", T_STR,
		"CASE WHEN g.TelephonyIntegrationMethodEnum = 1 THEN g.SkinnyDevicePrefix || "
		"p.PortNumInGroup END"),
	DERIVED("PimgPortNumber", T_INT, "p.PortNumInGroup"),
	BOOLCOL("CapAnswer", A_W, "1"),
	BOOLCOL("CapNotification", A_W, "1"),
	BOOLCOL("CapMWI", A_W, "1"),
	BOOLCOL("CapEnabled", A_W, "1"),
	BOOLCOL("CapDeliverAmis", A_W, "0"),
	BOOLCOL("CapTrapConnection", A_W, "1"),
	DERIVED("MediaSwitchDisplayName", T_STR, "s.DisplayName"),
	DERIVED("MediaSwitchObjectId", T_ID, "g.MediaSwitchObjectId"),
	DERIVED("PhoneSystemURI", T_URI, "'/vmrest/phonesystems/' || g.MediaSwitchObjectId"),
	DERIVED("MediaPortGroupDisplayName", T_STR, "g.DisplayName"),
	DERIVED("MediaPortGroupEnableMWI", T_BOOL, "g.EnableMWI"),
	DERIVED("MediaPortGroupMwiReqPortSpecific", T_BOOL, "1"),
	DERIVED("SipSendPort", T_INT, "0"),
	DERIVED("VmsServerName", T_STR, "v.ServerName"),
	{.name = "NumberOfPorts", .type = T_INT, .acc = A_IN, .min = 1, .max = INT32MAX},
};

const struct resource res_port = {
	.name = "port",
	.elem = "Port",
	.coll = "Ports",
	.path = "/vmrest/ports",
	.table = "port",
	/* kept by triggers (schema 4): the licence reads the total on every POST */
	.count_table = "port_count:group_id",
	.count_by = "MediaPortGroupObjectId",
	.from = "port p JOIN portgroup g ON g.ObjectId = p.MediaPortGroupObjectId"
		" JOIN phonesystem s ON s.ObjectId = g.MediaSwitchObjectId"
		" LEFT JOIN vmsserver v ON v.ObjectId = p.VmsServerObjectId",
	.alias = ALIAS,
	.sort = "DisplayName",
	.fields = fields,
	.nfields = NFIELDS(fields),
};

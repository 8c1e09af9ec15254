/* Field table of /vmrest/phonesystems/{id}/axlservers (SPEC §5.11). */
#include "model/fields.h"

#define ALIAS "ax"

static const struct field fields[] = {
	DERIVED("URI", T_URI,
		"'/vmrest/phonesystems/' || ax.MediaSwitchObjectId || '/axlservers/' || ax.ObjectId"),
	OBJECTID,
	DERIVED("MediaRemoteServiceEnum", T_INT, "103"),
	{.name = "HostOrIPAddress", .type = T_STR, .acc = A_W, .expr = "ax.HostOrIPAddress",
	 .stored = true, .min = 1, .max = 255, .flags = F_REQUIRED, .check = model_no_space},
	COL("Port", T_INT, A_W, 1, 65535, "443", 0),
	COL("TlsPort", T_INT, A_W, 1, 65535, "443", 0),
	COL("Precedence", T_INT, A_W, 0, 9999, NULL, 0),
	COL("MediaSwitchObjectId", T_ID, A_R, 1, 64, NULL, 0),
	DERIVED("PhoneSystemURI", T_URI, "'/vmrest/phonesystems/' || ax.MediaSwitchObjectId"),
	{.name = "SkinnyStateMachineEnum", .type = T_INT, .acc = A_W,
	 .expr = "ax.SkinnyStateMachineEnum", .stored = true, .min = 10, .max = 20, .def = "10",
	 .values = "10 20"},
	BOOLCOL("IsPinSyncEnabled", A_W, "0"),
	COL("CcmAXLUser", T_STR, A_W, 0, 128, "", 0),
	/* checked, then dropped: never stored, always shown empty (SPEC §5.11) */
	{.name = "CcmAXLPassword", .type = T_STR, .acc = A_W, .expr = "''", .min = 0, .max = 128,
	 .flags = F_NOQUERY},
	COL("CcmVersion", T_INT, A_W, 0, 99, "5", 0),
};

const struct resource res_axlserver = {
	.name = "axlserver",
	.elem = "AXLServer",
	.coll = "AXLServers",
	.path = "/vmrest/phonesystems/{id}/axlservers",
	.table = "axlserver",
	.from = "axlserver ax",
	.alias = ALIAS,
	.sort = "Precedence",
	.parent = "MediaSwitchObjectId",
	.parent_res = &res_phonesystem,
	.fields = fields,
	.nfields = NFIELDS(fields),
};

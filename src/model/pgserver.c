/* Field table of /vmrest/portgroups/{id}/portgroupservers (SPEC §5.8.2). */
#include "model/fields.h"

#define ALIAS "gs"

static const struct field fields[] = {
	DERIVED("URI", T_URI,
		"'/vmrest/portgroups/' || gs.MediaPortGroupObjectId || '/portgroupservers/' ||"
		" gs.ObjectId"),
	OBJECTID,
	COL("MediaRemoteServiceEnum", T_INT, A_C, 100, 106, NULL, 0),
	{.name = "HostOrIPAddress", .type = T_STR, .acc = A_W, .expr = "gs.HostOrIPAddress",
	 .stored = true, .min = 0, .max = 255, .check = model_no_space},
	{.name = "HostOrIPAddressV6", .type = T_STR, .acc = A_W, .expr = "gs.HostOrIPAddressV6",
	 .stored = true, .min = 0, .max = 255, .check = model_no_space},
	COL("Port", T_INT, A_W, 1, 65535, NULL, 0),
	COL("TlsPort", T_INT, A_W, 1, 65535, NULL, 0),
	COL("Precedence", T_INT, A_W, 0, 9999, NULL, 0),
	COL("MediaPortGroupObjectId", T_ID, A_R, 1, 64, NULL, 0),
	DERIVED("PortGroupURI", T_URI, "'/vmrest/portgroups/' || gs.MediaPortGroupObjectId"),
	{.name = "SkinnyStateMachineEnum", .type = T_INT, .acc = A_W,
	 .expr = "gs.SkinnyStateMachineEnum", .stored = true, .min = 10, .max = 20, .def = "10",
	 .values = "10 20"},
};

const struct resource res_pgserver = {
	.name = "portgroupserver",
	.elem = "PortGroupServer",
	.coll = "PortGroupServers",
	.path = "/vmrest/portgroups/{id}/portgroupservers",
	.table = "portgroupserver",
	.from = "portgroupserver gs",
	.alias = ALIAS,
	.sort = "Precedence",
	.parent = "MediaPortGroupObjectId",
	.parent_res = &res_portgroup,
	.fields = fields,
	.nfields = NFIELDS(fields),
};

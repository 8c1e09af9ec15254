/* Field table of /vmrest/vmsservers and /vmrest/cluster (SPEC §5.2). */
#include "model/fields.h"

#define ALIAS "v"

static const struct field fields[] = {
	DERIVED("URI", T_URI, "'/vmrest/vmsservers/' || v.ObjectId"),
	OBJECTID,
	COL("ServerName", T_STR, A_R, 1, 64, NULL, F_REQUIRED),
	COL("IpAddress", T_STR, A_R, 1, 64, NULL, 0),
	DERIVED("VmsServerObjectId", T_ID, "v.ObjectId"),
	COL("ClusterMemberId", T_INT, A_R, 0, 1, NULL, 0),
	DERIVED("ServerState", T_INT,
		"CASE WHEN (SELECT count(*) FROM vmsserver) = 1 THEN 20"
		" WHEN v.ClusterMemberId = 0 THEN 1 ELSE 8 END"),
	COL("HostName", T_STR, A_R, 1, 255, NULL, 0),
	DERIVED("ServerDisplayState", T_INT, "3 + v.ClusterMemberId"),
	COL("IpAddressV6", T_STR, A_R, 1, 64, NULL, 0),
	DERIVED("SubToPerformReplicationRole", T_BOOL, "0"),
};

const struct resource res_vmsserver = {
	.name = "vmsserver",
	.elem = "VmsServer",
	.coll = "VmsServers",
	.path = "/vmrest/vmsservers",
	.table = "vmsserver",
	.from = "vmsserver v",
	.alias = ALIAS,
	.sort = "ClusterMemberId",
	.fields = fields,
	.nfields = NFIELDS(fields),
};

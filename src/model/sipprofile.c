/* Field table of /vmrest/sipsecurityprofiles (SPEC §5.12). */
#include "model/fields.h"

#define ALIAS "sp"

static const struct field fields[] = {
	DERIVED("URI", T_URI, "'/vmrest/sipsecurityprofiles/' || sp.ObjectId"),
	OBJECTID,
	COL("Port", T_INT, A_W, 1, 65535, NULL, F_REQUIRED),
	BOOLCOL("DoTLS", A_W, "0"),
	DERIVED("DisplayName", T_STR,
		"CAST(sp.Port AS TEXT) || CASE WHEN sp.DoTLS = 1 THEN '/TLS' ELSE '' END"),
};

const struct resource res_sipprofile = {
	.name = "sipsecurityprofile",
	.elem = "SipSecurityProfile",
	.coll = "SipSecurityProfiles",
	.path = "/vmrest/sipsecurityprofiles",
	.table = "sipsecurityprofile",
	.from = "sipsecurityprofile sp",
	.alias = ALIAS,
	.sort = "Port",
	.fields = fields,
	.nfields = NFIELDS(fields),
};

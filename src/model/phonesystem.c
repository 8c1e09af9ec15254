/* Field table of /vmrest/phonesystems (SPEC §5.3). */
#include <string.h>

#include "model/fields.h"

#define ALIAS "s"

/* CallLoopDTMF: one of 0-9 * # A B C D; a-d are stored upper-case. */
static int dtmf(const char **v, struct arena *a)
{
	(void)a;
	static const char *const up[] = {"A", "B", "C", "D"};
	const char *s = *v;
	if (strlen(s) != 1 || !strchr("0123456789*#ABCDabcd", s[0]))
		return -1;
	if (s[0] >= 'a' && s[0] <= 'd')
		*v = up[s[0] - 'a'];
	return 0;
}

static const struct field fields[] = {
	DERIVED("URI", T_URI, "'/vmrest/phonesystems/' || s.ObjectId"),
	OBJECTID,
	COL("DisplayName", T_STR, A_W, 1, 64, NULL, F_REQUIRED),
	BOOLCOL("MwiAlwaysUpdate", A_W, "0"),
	BOOLCOL("MwiPortMemory", A_W, "0"),
	BOOLCOL("CallLoopSupervisedTransferDetect", A_W, "0"),
	BOOLCOL("CallLoopForwardNotificationDetect", A_W, "0"),
	{.name = "CallLoopDTMF", .type = T_STR, .acc = A_W, .expr = "s.CallLoopDTMF",
	 .stored = true, .min = 1, .max = 1, .def = "A", .charset = "0123456789*#ABCDabcd",
	 .check = dtmf},
	COL("CallLoopGuardTimeMs", T_INT, A_W, 0, INT32MAX, "2500", 0),
	DERIVED("PortCount", T_INT,
		"(SELECT coalesce(sum(x.n), 0) FROM port_count x JOIN portgroup y ON y.ObjectId = "
		"x.group_id WHERE y.MediaSwitchObjectId = s.ObjectId)"),
	BOOLCOL("EnablePhoneApplications", A_W, "0"),
	BOOLCOL("DefaultTRaPSwitch", A_W, NULL),
	BOOLCOL("MwiForceOff", A_W, "0"),
	BOOLCOL("RestrictDialUnconditional", A_W, "0"),
	BOOLCOL("RestrictDialScheduled", A_W, "0"),
	COL("RestrictDialStartTime", T_INT, A_W, 0, 1439, "0", 0),
	COL("RestrictDialEndTime", T_INT, A_W, 0, 1439, "0", 0),
	BOOLCOL("CallLoopExtensionDetect", A_W, "1"),
	DERIVED("AXLServerURI", T_URI, "'/vmrest/phonesystems/' || s.ObjectId || '/axlservers'"),
	DERIVED("PhoneSystemAssociationURI", T_URI,
		"'/vmrest/phonesystems/' || s.ObjectId || '/phonesystemassociations'"),
};

const struct resource res_phonesystem = {
	.name = "phonesystem",
	.elem = "PhoneSystem",
	.coll = "PhoneSystems",
	.path = "/vmrest/phonesystems",
	.table = "phonesystem",
	.from = "phonesystem s",
	.alias = ALIAS,
	.sort = "DisplayName",
	.fields = fields,
	.nfields = NFIELDS(fields),
};

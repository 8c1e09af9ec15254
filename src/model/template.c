/* Field table of /vmrest/portgrouptemplates (SPEC §5.4); the three rows are fixed. */
#include "model/fields.h"

#define ALIAS "t"

static const struct field fields[] = {
	DERIVED("URI", T_URI, "'/vmrest/portgrouptemplates/' || t.ObjectId"),
	OBJECTID,
	COL("TemplateDescriptionDefault", T_STR, A_R, 1, 64, NULL, 0),
	COL("CopyTelephonyIntegrationMethodEnum", T_INT, A_R, 1, 3, NULL, 0),
};

const struct resource res_template = {
	.name = "portgrouptemplate",
	.elem = "PortGroupTemplate",
	.coll = "PortGroupTemplates",
	.path = "/vmrest/portgrouptemplates",
	.table = "template",
	.from = "template t",
	.alias = ALIAS,
	.sort = "CopyTelephonyIntegrationMethodEnum",
	.fields = fields,
	.nfields = NFIELDS(fields),
};

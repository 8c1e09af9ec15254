/* Field tables of /vmrest/portgroups/{id}/portgroupcodecs (SPEC §5.9.2) and of the fixed
 * codec definitions, /vmrest/rtpcodecdefs (SPEC §5.10). */
#include "model/fields.h"

#define ALIAS "gc"
static const struct field codec_fields[] = {
	DERIVED("URI", T_URI,
		"'/vmrest/portgroups/' || gc.MediaPortGroupObjectId || '/portgroupcodecs/' ||"
		" gc.ObjectId"),
	OBJECTID,
	COL("MediaPortGroupObjectId", T_ID, A_R, 1, 64, NULL, 0),
	COL("RtpCodecDefObjectId", T_ID, A_C, 1, 64, NULL, F_REQUIRED),
	DERIVED("RtpCodecDefDisplayName", T_STR, "cd.DisplayName"),
	{.name = "PreferredPacketSizeMs", .type = T_INT, .acc = A_W,
	 .expr = "gc.PreferredPacketSizeMs", .stored = true, .min = 10, .max = 30, .def = "20",
	 .values = "10 20 30"},
	COL("Preference", T_INT, A_W, 0, 9999, NULL, 0),
};
#undef ALIAS

const struct resource res_pgcodec = {
	.name = "portgroupcodec",
	.elem = "PortGroupCodec",
	.coll = "PortGroupCodecs",
	.path = "/vmrest/portgroups/{id}/portgroupcodecs",
	.table = "portgroupcodec",
	.from = "portgroupcodec gc JOIN rtpcodecdef cd ON cd.ObjectId = gc.RtpCodecDefObjectId",
	.alias = "gc",
	.sort = "Preference",
	.parent = "MediaPortGroupObjectId",
	.parent_res = &res_portgroup,
	.fields = codec_fields,
	.nfields = NFIELDS(codec_fields),
};

#define ALIAS "cd"
static const struct field def_fields[] = {
	DERIVED("URI", T_URI, "'/vmrest/rtpcodecdefs/' || cd.ObjectId"),
	OBJECTID,
	COL("DisplayName", T_STR, A_R, 1, 64, NULL, 0),
};

const struct resource res_codecdef = {
	.name = "rtpcodecdef",
	.elem = "RtpCodecDef",
	.coll = "RtpCodecDefs",
	.path = "/vmrest/rtpcodecdefs",
	.table = "rtpcodecdef",
	.from = "rtpcodecdef cd",
	.alias = ALIAS,
	.sort = "DisplayName",
	.fields = def_fields,
	.nfields = NFIELDS(def_fields),
};

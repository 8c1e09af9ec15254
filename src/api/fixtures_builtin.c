/* The built-in fixtures of SPEC §6.7, written in the custom fixture format of §6.4. */
#include <string.h>

#include "api/fixtures.h"

static const char seed[] =
	"{\"vmsservers\":[{\"ObjectId\":\"574ca5d3-9041-4ff9-8e7d-727c32d80dab\","
	"\"ServerName\":\"ucbu-aricent-vm413\",\"HostName\":\"ucbu-aricent-vm413\","
	"\"IpAddress\":\"192.0.2.13\"}],"
	"\"phonesystems\":[{\"ObjectId\":\"a8eb65f5-795b-41cd-98b1-934f6b987313\","
	"\"DisplayName\":\"PhoneSystem\",\"DefaultTRaPSwitch\":true}],"
	"\"portgroups\":["
	"{\"ObjectId\":\"ledf504a-e9a1-4876-bcfc-bb674da8e385\","
	"\"MediaSwitchObjectId\":\"a8eb65f5-795b-41cd-98b1-934f6b987313\","
	"\"TelephonyIntegrationMethodEnum\":2,\"DisplayName\":\"PhoneSystem-1\"},"
	"{\"ObjectId\":\"3c011243-e3e2-42f7-b658-d9fbdc966f26\","
	"\"MediaSwitchObjectId\":\"a8eb65f5-795b-41cd-98b1-934f6b987313\","
	"\"TelephonyIntegrationMethodEnum\":1,\"DisplayName\":\"PhoneSystem-SCCP\","
	"\"SkinnyDevicePrefix\":\"CiscoUM1-VI\"},"
	"{\"ObjectId\":\"575f43be-f5d0-4af7-a689-06d968227ff7\","
	"\"MediaSwitchObjectId\":\"a8eb65f5-795b-41cd-98b1-934f6b987313\","
	"\"TelephonyIntegrationMethodEnum\":2,\"DisplayName\":\"PhoneSystem-Rohit\"},"
	"{\"ObjectId\":\"2c24f5a9-fb22-47fe-a74b-da9c72d6e7f3\","
	"\"MediaSwitchObjectId\":\"a8eb65f5-795b-41cd-98b1-934f6b987313\","
	"\"TelephonyIntegrationMethodEnum\":3,\"DisplayName\":\"PhoneSystem-PIMG\"}],"
	"\"axlservers\":[{\"ObjectId\":\"ccc67ad1-3ee6-45ca-9556-855e5a3b3806\","
	"\"MediaSwitchObjectId\":\"a8eb65f5-795b-41cd-98b1-934f6b987313\",\"HostOrIPAddress\":\"192.0.2.21\","
	"\"Port\":443,\"TlsPort\":443,\"Precedence\":0,\"CcmAXLUser\":\"axladmin\",\"CcmVersion\":5}],"
	"\"portgroupservers\":["
	"{\"ObjectId\":\"2cbf5f65-6490-46d8-8972-b497c3f8c634\",\"MediaPortGroupObjectId\":\"ledf504a-e9a1-4876-bcfc-bb674da8e385\",\"MediaRemoteServiceEnum\":102,"
	"\"HostOrIPAddress\":\"192.0.2.21\",\"Port\":5060,\"TlsPort\":5061,\"Precedence\":0},"
	"{\"ObjectId\":\"34a9a308-f724-43de-b860-6b914668971e\",\"MediaPortGroupObjectId\":\"3c011243-e3e2-42f7-b658-d9fbdc966f26\",\"MediaRemoteServiceEnum\":100,"
	"\"HostOrIPAddress\":\"192.0.2.21\",\"Port\":2000,\"TlsPort\":2443,\"Precedence\":0},"
	"{\"ObjectId\":\"a383ab04-54aa-4c27-9010-237261c5df29\",\"MediaPortGroupObjectId\":\"3c011243-e3e2-42f7-b658-d9fbdc966f26\",\"MediaRemoteServiceEnum\":100,"
	"\"HostOrIPAddress\":\"192.0.2.22\",\"Port\":2000,\"TlsPort\":2443,\"Precedence\":1},"
	"{\"ObjectId\":\"4d37a130-1c53-4ce2-a8fd-fddd8095edde\",\"MediaPortGroupObjectId\":\"3c011243-e3e2-42f7-b658-d9fbdc966f26\",\"MediaRemoteServiceEnum\":101,"
	"\"HostOrIPAddress\":\"192.0.2.21\",\"Port\":69,\"Precedence\":0},"
	"{\"ObjectId\":\"4009b408-09e7-455b-856a-d18dfd71a8d6\",\"MediaPortGroupObjectId\":\"575f43be-f5d0-4af7-a689-06d968227ff7\",\"MediaRemoteServiceEnum\":102,"
	"\"HostOrIPAddress\":\"192.0.2.21\",\"Port\":5060,\"TlsPort\":5061,\"Precedence\":0},"
	"{\"ObjectId\":\"5c3a6c05-f872-4978-acd7-35bd25cb6ac2\",\"MediaPortGroupObjectId\":\"2c24f5a9-fb22-47fe-a74b-da9c72d6e7f3\",\"MediaRemoteServiceEnum\":104,"
	"\"HostOrIPAddress\":\"192.0.2.31\",\"Port\":5060,\"TlsPort\":5061,\"Precedence\":0}],"
	"\"portgroupcodecs\":["
	"{\"ObjectId\":\"8ef891b4-b0e7-4301-b15f-9114e3b146f4\",\"MediaPortGroupObjectId\":\"ledf504a-e9a1-4876-bcfc-bb674da8e385\",\"RtpCodecDefObjectId\":"
	"\"0a588d98-bcd0-43f7-beed-4066b1b8bd89\",\"PreferredPacketSizeMs\":20,\"Preference\":0},"
	"{\"ObjectId\":\"4c01713a-9173-41ad-99f1-68e7846a09e9\",\"MediaPortGroupObjectId\":\"ledf504a-e9a1-4876-bcfc-bb674da8e385\",\"RtpCodecDefObjectId\":"
	"\"07f16d07-3057-47e8-9029-9abee97dfffe\",\"PreferredPacketSizeMs\":20,\"Preference\":1},"
	"{\"ObjectId\":\"3d358e3b-c2a2-43e2-a5b1-52feff843903\",\"MediaPortGroupObjectId\":\"3c011243-e3e2-42f7-b658-d9fbdc966f26\",\"RtpCodecDefObjectId\":"
	"\"0a588d98-bcd0-43f7-beed-4066b1b8bd89\",\"PreferredPacketSizeMs\":20,\"Preference\":0},"
	"{\"ObjectId\":\"a12fb7b0-29d5-4d28-bbeb-ea30bd46b638\",\"MediaPortGroupObjectId\":\"3c011243-e3e2-42f7-b658-d9fbdc966f26\",\"RtpCodecDefObjectId\":"
	"\"07f16d07-3057-47e8-9029-9abee97dfffe\",\"PreferredPacketSizeMs\":20,\"Preference\":1},"
	"{\"ObjectId\":\"283cdb73-a014-4fcc-9640-3e09f9731414\",\"MediaPortGroupObjectId\":\"575f43be-f5d0-4af7-a689-06d968227ff7\",\"RtpCodecDefObjectId\":"
	"\"0a588d98-bcd0-43f7-beed-4066b1b8bd89\",\"PreferredPacketSizeMs\":20,\"Preference\":0},"
	"{\"ObjectId\":\"8d3f8727-4633-47e3-b9cb-a5b147ae145d\",\"MediaPortGroupObjectId\":\"575f43be-f5d0-4af7-a689-06d968227ff7\",\"RtpCodecDefObjectId\":"
	"\"07f16d07-3057-47e8-9029-9abee97dfffe\",\"PreferredPacketSizeMs\":20,\"Preference\":1},"
	"{\"ObjectId\":\"74150598-84ba-4519-a43d-3ecd1ee4f100\",\"MediaPortGroupObjectId\":\"2c24f5a9-fb22-47fe-a74b-da9c72d6e7f3\",\"RtpCodecDefObjectId\":"
	"\"0a588d98-bcd0-43f7-beed-4066b1b8bd89\",\"PreferredPacketSizeMs\":20,\"Preference\":0},"
	"{\"ObjectId\":\"e82e7bf7-c231-43b1-aba6-80d96bbe8de0\",\"MediaPortGroupObjectId\":\"2c24f5a9-fb22-47fe-a74b-da9c72d6e7f3\",\"RtpCodecDefObjectId\":"
	"\"07f16d07-3057-47e8-9029-9abee97dfffe\",\"PreferredPacketSizeMs\":20,\"Preference\":1}],"
	"\"ports\":["
	"{\"ObjectId\":\"ec664876-5879-4cff-a022-4929b37bd575\","
	"\"MediaPortGroupObjectId\":\"ledf504a-e9a1-4876-bcfc-bb674da8e385\","
	"\"PortNumInGroup\":1,\"DisplayName\":\"PhoneSystem-1-001\","
	"\"VmsServerObjectId\":\"574ca5d3-9041-4ff9-8e7d-727c32d80dab\"},"
	"{\"ObjectId\":\"761fa322-63ae-47d9-9fbf-b35142b11eef\","
	"\"MediaPortGroupObjectId\":\"ledf504a-e9a1-4876-bcfc-bb674da8e385\","
	"\"PortNumInGroup\":2,\"DisplayName\":\"PhoneSystem-1-002\","
	"\"VmsServerObjectId\":\"574ca5d3-9041-4ff9-8e7d-727c32d80dab\"}]}";

static const char seed_example2[] =
	"{\"vmsservers\":[{\"ObjectId\":\"d190d99e-e9e8-4d63-8c6c-9aca4956afff\","
	"\"ServerName\":\"ucbu-aricent-vm413\",\"HostName\":\"ucbu-aricent-vm413\","
	"\"IpAddress\":\"192.0.2.13\"}],"
	"\"phonesystems\":[{\"ObjectId\":\"0d15753c-e1b4-4865-b00b-999a1ccf56ce\","
	"\"DisplayName\":\"PhoneSystem\",\"DefaultTRaPSwitch\":true}],"
	"\"portgroups\":[{\"ObjectId\":\"668e5869-7c16-48d6-8858-cd0e00fdd47c\","
	"\"MediaSwitchObjectId\":\"0d15753c-e1b4-4865-b00b-999a1ccf56ce\","
	"\"TelephonyIntegrationMethodEnum\":2,\"DisplayName\":\"PhoneSystem-1\"}],"
	"\"portgroupservers\":["
	"{\"ObjectId\":\"9fa816f9-6721-4020-b801-03d1dda14982\",\"MediaPortGroupObjectId\":\"668e5869-7c16-48d6-8858-cd0e00fdd47c\",\"MediaRemoteServiceEnum\":102,"
	"\"HostOrIPAddress\":\"192.0.2.21\",\"Port\":5060,\"TlsPort\":5061,\"Precedence\":0}],"
	"\"portgroupcodecs\":["
	"{\"ObjectId\":\"bc718e12-19f3-4422-9556-40780248707c\",\"MediaPortGroupObjectId\":\"668e5869-7c16-48d6-8858-cd0e00fdd47c\",\"RtpCodecDefObjectId\":"
	"\"0a588d98-bcd0-43f7-beed-4066b1b8bd89\",\"PreferredPacketSizeMs\":20,\"Preference\":0},"
	"{\"ObjectId\":\"50ad8e70-ce89-4ca2-a207-742c55787451\",\"MediaPortGroupObjectId\":\"668e5869-7c16-48d6-8858-cd0e00fdd47c\",\"RtpCodecDefObjectId\":"
	"\"07f16d07-3057-47e8-9029-9abee97dfffe\",\"PreferredPacketSizeMs\":20,\"Preference\":1}],"
	"\"ports\":[{\"ObjectId\":\"e4a48f12-d22b-438c-89eb-0b25f2f73d12\","
	"\"MediaPortGroupObjectId\":\"668e5869-7c16-48d6-8858-cd0e00fdd47c\","
	"\"PortNumInGroup\":2,\"DisplayName\":\"PhoneSystem-1-002\","
	"\"VmsServerObjectId\":\"d190d99e-e9e8-4d63-8c6c-9aca4956afff\","
	"\"CapNotification\":false}]}";

const char *const fixture_names[] = {"empty", "seed", "seed-example2", NULL};

const char *fixture_builtin(const char *name)
{
	if (!strcmp(name, "empty"))
		return "{}";
	if (!strcmp(name, "seed"))
		return seed;
	if (!strcmp(name, "seed-example2"))
		return seed_example2;
	return NULL;
}

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

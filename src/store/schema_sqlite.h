/* The SQLite schema, one entry per version: migrations run in order at start, in one write
 * transaction, guarded by PRAGMA user_version. Column names are the CUPI field names of the
 * tables in src/model/. */
#pragma once

/* A random v4 GUID in SQL, for rows that a migration creates. */
#define GUID                                                                                        \
	"lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||"                          \
	" substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) ||"      \
	" substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"

static const char *const sqlite_migrations[] = {
	/* 1: the object graph, users, meta */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE TABLE template (ObjectId TEXT PRIMARY KEY, TemplateDescriptionDefault TEXT NOT NULL,"
	" CopyTelephonyIntegrationMethodEnum INTEGER NOT NULL);"
	"INSERT INTO template VALUES"
	" ('90dd306f-b8af-46b6-8289-f13437cc1e5e', 'SCCP', 1),"
	" ('47e03eca-d077-466b-9c97-54e62938cf26', 'SIP', 2),"
	" ('d867d725-4e4b-4b60-b114-10aa0833ec14', 'PIMG/TIMG', 3);"
	"CREATE TABLE vmsserver (ObjectId TEXT PRIMARY KEY, ServerName TEXT NOT NULL,"
	" IpAddress TEXT, ClusterMemberId INTEGER NOT NULL UNIQUE, HostName TEXT,"
	" IpAddressV6 TEXT);"
	"CREATE TABLE phonesystem (ObjectId TEXT PRIMARY KEY, DisplayName TEXT NOT NULL UNIQUE,"
	" MwiAlwaysUpdate INTEGER NOT NULL, MwiPortMemory INTEGER NOT NULL,"
	" CallLoopSupervisedTransferDetect INTEGER NOT NULL,"
	" CallLoopForwardNotificationDetect INTEGER NOT NULL, CallLoopDTMF TEXT NOT NULL,"
	" CallLoopGuardTimeMs INTEGER NOT NULL, EnablePhoneApplications INTEGER NOT NULL,"
	" DefaultTRaPSwitch INTEGER NOT NULL, MwiForceOff INTEGER NOT NULL,"
	" RestrictDialUnconditional INTEGER NOT NULL, RestrictDialScheduled INTEGER NOT NULL,"
	" RestrictDialStartTime INTEGER NOT NULL, RestrictDialEndTime INTEGER NOT NULL,"
	" CallLoopExtensionDetect INTEGER NOT NULL);"
	"CREATE TABLE portgroup (ObjectId TEXT PRIMARY KEY, MediaPortGroupTemplateObjectId TEXT,"
	" MediaSwitchObjectId TEXT NOT NULL REFERENCES phonesystem (ObjectId) ON DELETE CASCADE,"
	" TelephonyIntegrationMethodEnum INTEGER NOT NULL, EnableMWI INTEGER NOT NULL,"
	" DisplayName TEXT NOT NULL, CcmDoAutoFailback INTEGER NOT NULL, MwiOnCode TEXT NOT NULL,"
	" MwiOffCode TEXT NOT NULL, MwiRetryCountOnSuccess INTEGER NOT NULL,"
	" MwiRetryIntervalOnSuccessMs INTEGER NOT NULL, SipTransportProtocolEnum INTEGER NOT NULL,"
	" SipRegisterWithProxyServer INTEGER NOT NULL, SipDoAuthenticate INTEGER NOT NULL,"
	" SkinnyDevicePrefix TEXT, MwiMinRequestIntervalMs INTEGER NOT NULL,"
	" MwiMaxConcurrentRequests INTEGER NOT NULL, SipDoSRTP INTEGER NOT NULL,"
	" SipTLSModeEnum INTEGER NOT NULL, EnableAGC INTEGER NOT NULL, HostOrIPAddress TEXT,"
	" UNIQUE (MediaSwitchObjectId, DisplayName));"
	"CREATE TABLE port (ObjectId TEXT PRIMARY KEY,"
	" MediaPortGroupObjectId TEXT NOT NULL REFERENCES portgroup (ObjectId) ON DELETE CASCADE,"
	" PortNumInGroup INTEGER NOT NULL, SkinnySecurityModeEnum INTEGER NOT NULL,"
	" SkinnyDoMediaEncryption INTEGER NOT NULL, VmsServerObjectId TEXT,"
	" HuntOrder INTEGER NOT NULL, DisplayName TEXT NOT NULL, CapAnswer INTEGER NOT NULL,"
	" CapNotification INTEGER NOT NULL, CapMWI INTEGER NOT NULL, CapEnabled INTEGER NOT NULL,"
	" CapDeliverAmis INTEGER NOT NULL, CapTrapConnection INTEGER NOT NULL,"
	" UNIQUE (MediaPortGroupObjectId, PortNumInGroup));"
	"CREATE INDEX port_name ON port (DisplayName COLLATE NOCASE, DisplayName, ObjectId);"
	"CREATE INDEX portgroup_switch ON portgroup (MediaSwitchObjectId);",
	/* 2: the audit log (SPEC §6.5) */
	"CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL,"
	" username TEXT, method TEXT NOT NULL, path TEXT NOT NULL, status INTEGER NOT NULL,"
	" object_id TEXT, request_id TEXT NOT NULL);",
	/* 3: the ports of one group in the default order, without sorting the whole group */
	("CREATE INDEX port_group_name ON port (MediaPortGroupObjectId, DisplayName COLLATE NOCASE,"
	 " DisplayName, ObjectId);"),
	/* 4: the number of ports of each group, kept by triggers, so that a POST's licence check,
	 * PortCount and an unfiltered listing count no rows (a port never changes group) */
	("CREATE TABLE port_count (group_id TEXT PRIMARY KEY"
	 " REFERENCES portgroup (ObjectId) ON DELETE CASCADE, n INTEGER NOT NULL);"
	 "INSERT INTO port_count SELECT MediaPortGroupObjectId, count(*) FROM port GROUP BY 1;"
	 "CREATE TRIGGER port_added AFTER INSERT ON port BEGIN"
	 " INSERT INTO port_count VALUES (NEW.MediaPortGroupObjectId, 1)"
	 " ON CONFLICT (group_id) DO UPDATE SET n = n + 1; END;"
	 "CREATE TRIGGER port_removed AFTER DELETE ON port BEGIN"
	 " UPDATE port_count SET n = n - 1 WHERE group_id = OLD.MediaPortGroupObjectId; END;"),
	/* 5: the telephony integration (SPEC §5.7-§5.12): the fixed codec definitions, port group
	 * servers and codecs, AXL servers, SIP security profiles (the two built-in ones). A group's
	 * HostOrIPAddress becomes its first server, and every group gets the default codecs. */
	("CREATE TABLE rtpcodecdef (ObjectId TEXT PRIMARY KEY, DisplayName TEXT NOT NULL);"
	 "INSERT INTO rtpcodecdef VALUES"
	 "('0a588d98-bcd0-43f7-beed-4066b1b8bd89', 'G.711 mu-law'),"
	 " ('568914d1-6ac1-42f9-94fb-8d6beddef6cb', 'G.711 a-law'),"
	 " ('40ee229d-e585-4b01-87af-e01283c34dd4', 'G.722'),"
	 " ('07f16d07-3057-47e8-9029-9abee97dfffe', 'G.729'),"
	 " ('0f437ce5-81b5-458c-a92f-cff6dbd90163', 'iLBC');"
	 "CREATE TABLE portgroupserver (ObjectId TEXT PRIMARY KEY, MediaPortGroupObjectId TEXT NOT"
	 " NULL REFERENCES portgroup (ObjectId) ON DELETE CASCADE,"
	 " MediaRemoteServiceEnum INTEGER NOT NULL, HostOrIPAddress TEXT, HostOrIPAddressV6 TEXT,"
	 " Port INTEGER NOT NULL, TlsPort INTEGER, Precedence INTEGER NOT NULL,"
	 " SkinnyStateMachineEnum INTEGER NOT NULL);"
	 "CREATE INDEX portgroupserver_group ON portgroupserver (MediaPortGroupObjectId);"
	 "CREATE TABLE portgroupcodec (ObjectId TEXT PRIMARY KEY, MediaPortGroupObjectId TEXT NOT"
	 " NULL REFERENCES portgroup (ObjectId) ON DELETE CASCADE, RtpCodecDefObjectId TEXT NOT"
	 " NULL REFERENCES rtpcodecdef (ObjectId), PreferredPacketSizeMs INTEGER NOT NULL,"
	 " Preference INTEGER NOT NULL, UNIQUE (MediaPortGroupObjectId, RtpCodecDefObjectId));"
	 "CREATE TABLE axlserver (ObjectId TEXT PRIMARY KEY, MediaSwitchObjectId TEXT NOT NULL"
	 " REFERENCES phonesystem (ObjectId) ON DELETE CASCADE, HostOrIPAddress TEXT NOT NULL,"
	 " Port INTEGER NOT NULL, TlsPort INTEGER NOT NULL, Precedence INTEGER NOT NULL,"
	 " SkinnyStateMachineEnum INTEGER NOT NULL, IsPinSyncEnabled INTEGER NOT NULL,"
	 " CcmAXLUser TEXT NOT NULL, CcmVersion INTEGER NOT NULL);"
	 "CREATE INDEX axlserver_switch ON axlserver (MediaSwitchObjectId);"
	 "CREATE TABLE sipsecurityprofile (ObjectId TEXT PRIMARY KEY, Port INTEGER NOT NULL,"
	 " DoTLS INTEGER NOT NULL, UNIQUE (Port, DoTLS));"
	 "INSERT INTO sipsecurityprofile VALUES ('0cffee9f-bbf4-4cc0-9b1a-ee08604a7e13', 5060, 0),"
	 " ('eb090a6b-c9d4-4a9a-8f52-a6f6ded28e39', 5061, 1);"
	 "INSERT INTO portgroupserver SELECT " GUID ", ObjectId, CASE"
	 " TelephonyIntegrationMethodEnum WHEN 1 THEN 100 WHEN 2 THEN 102 ELSE 104 END,"
	 " HostOrIPAddress, NULL, CASE TelephonyIntegrationMethodEnum WHEN 1 THEN 2000 ELSE 5060"
	 " END, CASE TelephonyIntegrationMethodEnum WHEN 1 THEN 2443 ELSE 5061 END, 0, 10"
	 " FROM portgroup WHERE HostOrIPAddress IS NOT NULL;"
	 "UPDATE portgroup SET HostOrIPAddress = NULL;"
	 "INSERT INTO portgroupcodec SELECT " GUID ", ObjectId,"
	 " '0a588d98-bcd0-43f7-beed-4066b1b8bd89', 20, 0 FROM portgroup;"
	 "INSERT INTO portgroupcodec SELECT " GUID ", ObjectId,"
	 " '07f16d07-3057-47e8-9029-9abee97dfffe', 20, 1 FROM portgroup;"),
	/* 6: the account lockout of the credential policy (auth.lockout_*): failed logins since
	 * the first of the current window, and the end of a lock (unix seconds; -1: until
	 * `cupid user unlock`) */
	"ALTER TABLE users ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN failed_since INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;",
};

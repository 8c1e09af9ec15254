/* The SQLite schema, one entry per version: migrations run in order at start, in one write
 * transaction, guarded by PRAGMA user_version. Column names are the CUPI field names of the
 * tables in src/model/. */
#pragma once

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
};

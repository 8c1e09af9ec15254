/* The PostgreSQL schema, one entry per version: migrations run in order at start, in one
 * transaction under an advisory lock, recorded in schema_version. Column names are the CUPI
 * field names of src/model/ (unquoted, so folded to lower case, like every query's). Integers
 * and booleans are BIGINT (booleans 0/1, as on SQLite), so that any 64-bit query value
 * compares without an error. */
#pragma once

/* A random v4 GUID in SQL, for rows that a migration creates. */
#define GUID "CAST(gen_random_uuid() AS TEXT)"

static const char *const pg_migrations[] = {
	/* 1: the object graph, users, meta, the change counter */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE TABLE data_version (n BIGINT NOT NULL);"
	"INSERT INTO data_version VALUES (0);"
	"CREATE TABLE template (ObjectId TEXT PRIMARY KEY, TemplateDescriptionDefault TEXT NOT NULL,"
	" CopyTelephonyIntegrationMethodEnum BIGINT NOT NULL);"
	"INSERT INTO template VALUES"
	" ('90dd306f-b8af-46b6-8289-f13437cc1e5e', 'SCCP', 1),"
	" ('47e03eca-d077-466b-9c97-54e62938cf26', 'SIP', 2),"
	" ('d867d725-4e4b-4b60-b114-10aa0833ec14', 'PIMG/TIMG', 3);"
	"CREATE TABLE vmsserver (ObjectId TEXT PRIMARY KEY, ServerName TEXT NOT NULL,"
	" IpAddress TEXT, ClusterMemberId BIGINT NOT NULL UNIQUE, HostName TEXT,"
	" IpAddressV6 TEXT);"
	"CREATE TABLE phonesystem (ObjectId TEXT PRIMARY KEY, DisplayName TEXT NOT NULL UNIQUE,"
	" MwiAlwaysUpdate BIGINT NOT NULL, MwiPortMemory BIGINT NOT NULL,"
	" CallLoopSupervisedTransferDetect BIGINT NOT NULL,"
	" CallLoopForwardNotificationDetect BIGINT NOT NULL, CallLoopDTMF TEXT NOT NULL,"
	" CallLoopGuardTimeMs BIGINT NOT NULL, EnablePhoneApplications BIGINT NOT NULL,"
	" DefaultTRaPSwitch BIGINT NOT NULL, MwiForceOff BIGINT NOT NULL,"
	" RestrictDialUnconditional BIGINT NOT NULL, RestrictDialScheduled BIGINT NOT NULL,"
	" RestrictDialStartTime BIGINT NOT NULL, RestrictDialEndTime BIGINT NOT NULL,"
	" CallLoopExtensionDetect BIGINT NOT NULL);"
	"CREATE TABLE portgroup (ObjectId TEXT PRIMARY KEY, MediaPortGroupTemplateObjectId TEXT,"
	" MediaSwitchObjectId TEXT NOT NULL REFERENCES phonesystem (ObjectId) ON DELETE CASCADE,"
	" TelephonyIntegrationMethodEnum BIGINT NOT NULL, EnableMWI BIGINT NOT NULL,"
	" DisplayName TEXT NOT NULL, CcmDoAutoFailback BIGINT NOT NULL, MwiOnCode TEXT NOT NULL,"
	" MwiOffCode TEXT NOT NULL, MwiRetryCountOnSuccess BIGINT NOT NULL,"
	" MwiRetryIntervalOnSuccessMs BIGINT NOT NULL, SipTransportProtocolEnum BIGINT NOT NULL,"
	" SipRegisterWithProxyServer BIGINT NOT NULL, SipDoAuthenticate BIGINT NOT NULL,"
	" SkinnyDevicePrefix TEXT, MwiMinRequestIntervalMs BIGINT NOT NULL,"
	" MwiMaxConcurrentRequests BIGINT NOT NULL, SipDoSRTP BIGINT NOT NULL,"
	" SipTLSModeEnum BIGINT NOT NULL, EnableAGC BIGINT NOT NULL, HostOrIPAddress TEXT,"
	" UNIQUE (MediaSwitchObjectId, DisplayName));"
	"CREATE TABLE port (ObjectId TEXT PRIMARY KEY,"
	" MediaPortGroupObjectId TEXT NOT NULL REFERENCES portgroup (ObjectId) ON DELETE CASCADE,"
	" PortNumInGroup BIGINT NOT NULL, SkinnySecurityModeEnum BIGINT NOT NULL,"
	" SkinnyDoMediaEncryption BIGINT NOT NULL, VmsServerObjectId TEXT,"
	" HuntOrder BIGINT NOT NULL, DisplayName TEXT NOT NULL, CapAnswer BIGINT NOT NULL,"
	" CapNotification BIGINT NOT NULL, CapMWI BIGINT NOT NULL, CapEnabled BIGINT NOT NULL,"
	" CapDeliverAmis BIGINT NOT NULL, CapTrapConnection BIGINT NOT NULL,"
	" UNIQUE (MediaPortGroupObjectId, PortNumInGroup));"
	/* the default listing order of ports, as src/store/sql.c writes it */
	"CREATE INDEX port_name ON port (lower(DisplayName COLLATE \"C\") NULLS FIRST,"
	" (DisplayName COLLATE \"C\") NULLS FIRST, (ObjectId COLLATE \"C\"));"
	/* the highest PortNumInGroup of a group, read by every POST of ports (scanned backward:
	 * PortNumInGroup DESC NULLS LAST, then ObjectId) */
	"CREATE INDEX port_group_num ON port (MediaPortGroupObjectId, PortNumInGroup NULLS FIRST,"
	" (ObjectId COLLATE \"C\") DESC);"
	"CREATE INDEX portgroup_switch ON portgroup (MediaSwitchObjectId);",
	/* 2: the audit log (SPEC §6.5) */
	"CREATE TABLE audit (id BIGSERIAL PRIMARY KEY, time TEXT NOT NULL, username TEXT,"
	" method TEXT NOT NULL, path TEXT NOT NULL, status BIGINT NOT NULL, object_id TEXT,"
	" request_id TEXT NOT NULL);",
	/* 3: the ports of one group in the default order, without sorting the whole group */
	("CREATE INDEX port_group_name ON port (MediaPortGroupObjectId,"
	 " lower(DisplayName COLLATE \"C\") NULLS FIRST, (DisplayName COLLATE \"C\") NULLS FIRST,"
	 " (ObjectId COLLATE \"C\"));"),
	/* 4: the number of ports of each group, kept by statement triggers, so that a POST's
	 * licence check, PortCount and an unfiltered listing count no rows (a port never changes
	 * group) */
	("CREATE TABLE port_count (group_id TEXT PRIMARY KEY"
	 " REFERENCES portgroup (ObjectId) ON DELETE CASCADE, n BIGINT NOT NULL);"
	 "INSERT INTO port_count SELECT MediaPortGroupObjectId, count(*) FROM port GROUP BY 1;"
	 "CREATE FUNCTION port_added() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	 " INSERT INTO port_count SELECT MediaPortGroupObjectId, count(*) FROM changed GROUP BY 1"
	 " ON CONFLICT (group_id) DO UPDATE SET n = port_count.n + EXCLUDED.n; RETURN NULL;"
	 " END $$;"
	 "CREATE FUNCTION port_removed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	 " UPDATE port_count c SET n = c.n - d.k FROM (SELECT MediaPortGroupObjectId AS g,"
	 " count(*) AS k FROM changed GROUP BY 1) d WHERE c.group_id = d.g; RETURN NULL; END $$;"
	 "CREATE TRIGGER port_added AFTER INSERT ON port REFERENCING NEW TABLE AS changed"
	 " FOR EACH STATEMENT EXECUTE FUNCTION port_added();"
	 "CREATE TRIGGER port_removed AFTER DELETE ON port REFERENCING OLD TABLE AS changed"
	 " FOR EACH STATEMENT EXECUTE FUNCTION port_removed();"),
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
	 " MediaRemoteServiceEnum BIGINT NOT NULL, HostOrIPAddress TEXT, HostOrIPAddressV6 TEXT,"
	 " Port BIGINT NOT NULL, TlsPort BIGINT, Precedence BIGINT NOT NULL,"
	 " SkinnyStateMachineEnum BIGINT NOT NULL);"
	 "CREATE INDEX portgroupserver_group ON portgroupserver (MediaPortGroupObjectId);"
	 "CREATE TABLE portgroupcodec (ObjectId TEXT PRIMARY KEY, MediaPortGroupObjectId TEXT NOT"
	 " NULL REFERENCES portgroup (ObjectId) ON DELETE CASCADE, RtpCodecDefObjectId TEXT NOT"
	 " NULL REFERENCES rtpcodecdef (ObjectId), PreferredPacketSizeMs BIGINT NOT NULL,"
	 " Preference BIGINT NOT NULL, UNIQUE (MediaPortGroupObjectId, RtpCodecDefObjectId));"
	 "CREATE TABLE axlserver (ObjectId TEXT PRIMARY KEY, MediaSwitchObjectId TEXT NOT NULL"
	 " REFERENCES phonesystem (ObjectId) ON DELETE CASCADE, HostOrIPAddress TEXT NOT NULL,"
	 " Port BIGINT NOT NULL, TlsPort BIGINT NOT NULL, Precedence BIGINT NOT NULL,"
	 " SkinnyStateMachineEnum BIGINT NOT NULL, IsPinSyncEnabled BIGINT NOT NULL,"
	 " CcmAXLUser TEXT NOT NULL, CcmVersion BIGINT NOT NULL);"
	 "CREATE INDEX axlserver_switch ON axlserver (MediaSwitchObjectId);"
	 "CREATE TABLE sipsecurityprofile (ObjectId TEXT PRIMARY KEY, Port BIGINT NOT NULL,"
	 " DoTLS BIGINT NOT NULL, UNIQUE (Port, DoTLS));"
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
	"ALTER TABLE users ADD COLUMN failed_since BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN locked_until BIGINT NOT NULL DEFAULT 0;",
};

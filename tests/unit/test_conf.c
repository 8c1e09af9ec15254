/* Unit tests for conf: the settings table, the priority of flags > environment > file >
 * defaults, validation of every type, user.<name> settings, the file syntax and --help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

static char cfg_path[64];

/* CUPID_<NAME> of setting i. */
static void env_name(size_t i, char *out, size_t n)
{
	size_t k = (size_t)snprintf(out, n, "CUPID_");
	for (const char *p = conf_settings[i].name; *p && k + 1 < n; p++)
		out[k++] = *p == '.' ? '_' : (char)toupper((unsigned char)*p);
	out[k] = 0;
}

/* Each test starts with no CUPID_* setting in the environment and no config file. */
static int setup(void **state)
{
	(void)state;
	char var[128];
	for (size_t i = 0; i < conf_nsettings; i++) {
		env_name(i, var, sizeof(var));
		unsetenv(var);
	}
	snprintf(cfg_path, sizeof(cfg_path), "/tmp/cupid-test-conf-XXXXXX");
	int fd = mkstemp(cfg_path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(cfg_path);
	return 0;
}

static void write_cfg(const char *text)
{
	FILE *f = fopen(cfg_path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* conf_load over a NULL-terminated list of arguments. */
static int load(struct conf *c, char *err, size_t errlen, ...)
{
	char *args[32];
	int n = 0;
	va_list ap;
	va_start(ap, errlen);
	for (char *a; (a = va_arg(ap, char *)) && n < 32;)
		args[n++] = a;
	va_end(ap);
	err[0] = 0;
	return conf_load(c, n, args, err, errlen);
}

static char *config_flag(void)
{
	static char flag[96];
	snprintf(flag, sizeof(flag), "--config=%s", cfg_path);
	return flag;
}

static void test_table_is_sane(void **state)
{
	(void)state;
	assert_true(conf_nsettings >= 30);
	for (size_t i = 0; i < conf_nsettings; i++) {
		const struct conf_setting *s = &conf_settings[i];
		assert_non_null(s->name);
		assert_non_null(s->def);
		assert_non_null(s->help);
		assert_true(s->help[0] != 0);
		assert_null(strstr(s->name, "user."));
		for (size_t j = i + 1; j < conf_nsettings; j++)
			assert_string_not_equal(s->name, conf_settings[j].name);
		if (s->type == CONF_INT) {
			long v = strtol(s->def, NULL, 10);
			assert_true(s->min <= v && v <= s->max);
		}
		if (s->type == CONF_ENUM) {
			assert_non_null(s->choices);
			assert_non_null(strstr(s->choices, s->def));
		}
		if (s->type == CONF_BOOL)
			assert_true(!strcmp(s->def, "true") || !strcmp(s->def, "false"));
	}
}

static void test_defaults(void **state)
{
	(void)state;
	struct conf c;
	char err[256];
	assert_int_equal(load(&c, err, sizeof(err), NULL), 0);
	assert_string_equal(conf_str(&c, "https.listen"), "127.0.0.1:8443");
	assert_string_equal(conf_str(&c, "http.listen"), "");
	assert_string_equal(conf_str(&c, "data_dir"), "./cupid-data");
	assert_string_equal(conf_str(&c, "database"), "");
	assert_string_equal(conf_str(&c, "sqlite.synchronous"), "full");
	assert_string_equal(conf_str(&c, "cupi.version"), "14.0.1.10000-1");
	assert_string_equal(conf_str(&c, "vms.1.ip_address"), "127.0.0.1");
	assert_string_equal(conf_str(&c, "vms.2.server_name"), "");
	assert_string_equal(conf_str(&c, "log.level"), "info");
	assert_string_equal(conf_str(&c, "admin_password"), "");
	assert_int_equal(conf_int(&c, "license.voice_ports"), 0);
	assert_int_equal(conf_int(&c, "limits.max_port_groups"), 90);
	assert_int_equal(conf_int(&c, "http.max_body_bytes"), 1048576);
	assert_int_equal(conf_int(&c, "throttle.max_in_flight"), 5);
	assert_int_equal(conf_int(&c, "throttle.queue_depth"), 255);
	assert_int_equal(conf_int(&c, "throttle.queue_timeout_ms"), 20000);
	assert_int_equal(conf_int(&c, "throttle.latency_ms"), 0);
	assert_int_equal(conf_int(&c, "audit.max_entries"), 10000);
	assert_true(conf_bool(&c, "admin.allow_reset"));
	assert_false(conf_bool(&c, "ports.allow_odd"));
	assert_false(conf_bool(&c, "throttle.enabled"));
	assert_int_equal(c.nusers, 0);
	assert_null(c.config_file);
	for (size_t i = 0; i < conf_nsettings; i++)
		assert_non_null(c.values[i]);
	conf_free(&c);
	conf_free(&c); /* zeroed: a second call is harmless */
	conf_free(NULL);
}

static void test_priority(void **state)
{
	(void)state;
	struct conf c;
	char err[256];
	write_cfg("throttle.max_in_flight = 7\n"
		  "license.voice_ports = 10\n"
		  "log.level = debug\n"
		  "http.listen = 127.0.0.1:1\n");
	setenv("CUPID_THROTTLE_MAX_IN_FLIGHT", "8", 1);
	setenv("CUPID_LICENSE_VOICE_PORTS", "20", 1);
	setenv("CUPID_DATA_DIR", "/env/dir", 1);
	setenv("CUPID_HTTP_LISTEN", "", 1); /* set but empty: overrides the file */
	assert_int_equal(
	    load(&c, err, sizeof(err), "--throttle.max_in_flight=9", config_flag(), NULL), 0);
	assert_int_equal(conf_int(&c, "throttle.max_in_flight"), 9); /* flag */
	assert_int_equal(conf_int(&c, "license.voice_ports"), 20);   /* env */
	assert_string_equal(conf_str(&c, "log.level"), "debug");     /* file */
	assert_string_equal(conf_str(&c, "data_dir"), "/env/dir");   /* env over default */
	assert_string_equal(conf_str(&c, "http.listen"), "");	     /* env "" over file */
	assert_int_equal(conf_int(&c, "audit.max_entries"), 10000);  /* default */
	assert_string_equal(c.config_file, cfg_path);
	conf_free(&c);
}

static void test_config_separate_argument_and_later_flag_wins(void **state)
{
	(void)state;
	struct conf c;
	char err[256];
	write_cfg("fixture = seed\n");
	assert_int_equal(load(&c, err, sizeof(err), "--public_url=http://a", "--config", cfg_path,
			      "--public_url=http://b", NULL),
			 0);
	assert_string_equal(conf_str(&c, "fixture"), "seed");
	assert_string_equal(conf_str(&c, "public_url"), "http://b");
	/* A value may itself contain '=' and ':'. */
	conf_free(&c);
	assert_int_equal(load(&c, err, sizeof(err), "--database=postgresql://u:p@h/db?x=1", NULL),
			 0);
	assert_string_equal(conf_str(&c, "database"), "postgresql://u:p@h/db?x=1");
	conf_free(&c);
}

static void test_unknown_setting(void **state)
{
	(void)state;
	struct conf c;
	char err[256];

	write_cfg("# comment\nhttps.listen = 127.0.0.1:1\nno.such.thing = 1\n");
	assert_int_equal(load(&c, err, sizeof(err), config_flag(), NULL), -1);
	assert_non_null(strstr(err, "unknown setting"));
	assert_non_null(strstr(err, "no.such.thing"));
	assert_non_null(strstr(err, ":3")); /* the line number */
	assert_null(strchr(err, '\n'));
	assert_null(c.values); /* nothing left to free */

	assert_int_equal(load(&c, err, sizeof(err), "--bogus=1", NULL), -1);
	assert_non_null(strstr(err, "bogus"));
	assert_int_equal(load(&c, err, sizeof(err), "--https.listen", NULL), -1);
	assert_int_equal(load(&c, err, sizeof(err), "--=x", NULL), -1);
	assert_int_equal(load(&c, err, sizeof(err), "https.listen=x", NULL), -1);
	assert_int_equal(load(&c, err, sizeof(err), "-x", NULL), -1);
	assert_int_equal(load(&c, err, sizeof(err), "--user.=administrator:x", NULL), -1);
	assert_int_equal(load(&c, err, sizeof(err), "--config", NULL), -1);
	assert_non_null(strstr(err, "--config"));
	assert_int_equal(load(&c, err, sizeof(err), "--config=", NULL), -1);

	/* Unknown CUPID_* variables belong to someone else and are ignored. */
	setenv("CUPID_NO_SUCH_THING", "1", 1);
	setenv("CUPID_USER_BOB", "nonsense", 1);
	assert_int_equal(load(&c, err, sizeof(err), NULL), 0);
	assert_int_equal(c.nusers, 0);
	conf_free(&c);
	unsetenv("CUPID_NO_SUCH_THING");
	unsetenv("CUPID_USER_BOB");
}

static void test_bad_int(void **state)
{
	(void)state;
	struct conf c;
	char err[256];
	static char *const bad[] = {
	    "--license.voice_ports=abc",       "--license.voice_ports=12x",
	    "--license.voice_ports=",	       "--license.voice_ports= 5",
	    "--license.voice_ports=-1",	       "--license.voice_ports=1000001",
	    "--http.max_body_bytes=0",	       "--http.max_body_bytes=1073741825",
	    "--throttle.max_in_flight=0",      "--throttle.queue_timeout_ms=600001",
	    "--audit.max_entries=0",	       "--license.voice_ports=99999999999999999999999",
	    "--limits.max_port_groups=100001", "--throttle.latency_ms=1.5",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load(&c, err, sizeof(err), bad[i], NULL), -1);
		assert_true(err[0] != 0);
	}
	assert_int_equal(load(&c, err, sizeof(err), "--throttle.max_in_flight=0", NULL), -1);
	assert_non_null(strstr(err, "1..1000"));

	assert_int_equal(load(&c, err, sizeof(err), "--license.voice_ports=1000000",
			      "--http.max_body_bytes=1073741824", "--throttle.queue_depth=0",
			      "--limits.max_port_groups=+7", NULL),
			 0);
	assert_int_equal(conf_int(&c, "license.voice_ports"), 1000000);
	assert_int_equal(conf_int(&c, "http.max_body_bytes"), 1073741824);
	assert_int_equal(conf_int(&c, "throttle.queue_depth"), 0);
	assert_int_equal(conf_int(&c, "limits.max_port_groups"), 7);
	conf_free(&c);

	/* A bad value is an error even where a higher source would override it. */
	write_cfg("audit.max_entries = lots\n");
	assert_int_equal(load(&c, err, sizeof(err), config_flag(), "--audit.max_entries=5", NULL),
			 -1);
	setenv("CUPID_THROTTLE_LATENCY_MS", "slow", 1);
	assert_int_equal(load(&c, err, sizeof(err), "--throttle.latency_ms=5", NULL), -1);
	assert_non_null(strstr(err, "CUPID_THROTTLE_LATENCY_MS"));
	unsetenv("CUPID_THROTTLE_LATENCY_MS");
}

static void test_bool(void **state)
{
	(void)state;
	struct conf c;
	char err[256];
	static const char *const yes[] = {"true", "TRUE", "1", "yes", "Yes", "on", "ON"};
	static const char *const no[] = {"false", "False", "0", "no", "NO", "off", "Off"};
	char flag[64];
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		snprintf(flag, sizeof(flag), "--ports.allow_odd=%s", yes[i]);
		assert_int_equal(load(&c, err, sizeof(err), flag, NULL), 0);
		assert_true(conf_bool(&c, "ports.allow_odd"));
		assert_string_equal(conf_str(&c, "ports.allow_odd"), "true");
		conf_free(&c);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		snprintf(flag, sizeof(flag), "--admin.allow_reset=%s", no[i]);
		assert_int_equal(load(&c, err, sizeof(err), flag, NULL), 0);
		assert_false(conf_bool(&c, "admin.allow_reset"));
		assert_string_equal(conf_str(&c, "admin.allow_reset"), "false");
		conf_free(&c);
	}
	static char *const bad[] = {"--throttle.enabled=2",
				    "--throttle.enabled=", "--throttle.enabled=y",
				    "--throttle.enabled=truee", "--throttle.enabled= true"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(load(&c, err, sizeof(err), bad[i], NULL), -1);
	assert_non_null(strstr(err, "throttle.enabled"));

	/* A boolean alone means true; a later flag still wins. */
	assert_int_equal(load(&c, err, sizeof(err), "--ephemeral", "--throttle.enabled",
			      "--throttle.enabled=off", NULL),
			 0);
	assert_true(conf_bool(&c, "ephemeral"));
	assert_false(conf_bool(&c, "throttle.enabled"));
	assert_false(conf_bool(&c, "ports.allow_odd"));
	conf_free(&c);
	assert_int_equal(load(&c, err, sizeof(err), "--ephemeral=", NULL), -1);
	assert_int_equal(load(&c, err, sizeof(err), "--nosuchbool", NULL), -1);
}

static void test_given_and_set(void **state)
{
	(void)state;
	struct conf c;
	char err[256];
	write_cfg("fixture = seed\n");
	setenv("CUPID_PUBLIC_URL", "http://env", 1);
	assert_int_equal(load(&c, err, sizeof(err), config_flag(), "--http.listen=", NULL), 0);
	assert_true(conf_given(&c, "fixture"));     /* file */
	assert_true(conf_given(&c, "public_url"));  /* environment */
	assert_true(conf_given(&c, "http.listen")); /* flag, even empty */
	assert_false(conf_given(&c, "https.listen"));
	assert_false(conf_given(&c, "data_dir"));
	assert_int_equal(conf_set(&c, "data_dir", "/x", "test", err, sizeof(err)), 0);
	assert_string_equal(conf_str(&c, "data_dir"), "/x");
	assert_true(conf_given(&c, "data_dir"));
	assert_int_equal(conf_set(&c, "user.Admin", "administrator:pw", "test", err, sizeof(err)),
			 0);
	assert_int_equal(c.nusers, 1);
	assert_string_equal(c.users[0].password, "pw");
	assert_int_equal(conf_set(&c, "ports.allow_odd", "maybe", "test", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "test"));
	assert_int_equal(conf_set(&c, "no.such", "1", "test", err, sizeof(err)), -1);
	conf_free(&c);
	unsetenv("CUPID_PUBLIC_URL");
}

static void test_enum(void **state)
{
	(void)state;
	struct conf c;
	char err[256];
	assert_int_equal(
	    load(&c, err, sizeof(err), "--sqlite.synchronous=NORMAL", "--log.level=warn", NULL), 0);
	assert_string_equal(conf_str(&c, "sqlite.synchronous"), "normal");
	assert_string_equal(conf_str(&c, "log.level"), "warn");
	conf_free(&c);
	static char *const ok[] = {"--log.level=error", "--log.level=warn", "--log.level=info",
				   "--log.level=debug"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(load(&c, err, sizeof(err), ok[i], NULL), 0);
		assert_string_equal(conf_str(&c, "log.level"), ok[i] + strlen("--log.level="));
		conf_free(&c);
	}
	static char *const bad[] = {"--log.level=verbose", "--log.level=", "--log.level=inf",
				    "--log.level=info|debug", "--sqlite.synchronous=off"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(load(&c, err, sizeof(err), bad[i], NULL), -1);
	assert_non_null(strstr(err, "full|normal"));
	setenv("CUPID_LOG_LEVEL", "loud", 1);
	assert_int_equal(load(&c, err, sizeof(err), NULL), -1);
	assert_non_null(strstr(err, "error|warn|info|debug"));
	unsetenv("CUPID_LOG_LEVEL");
}

static void test_users(void **state)
{
	(void)state;
	struct conf c;
	char err[256];
	write_cfg("user.alice = administrator:pa:ss:word\n"
		  "user.bob = readonly:b#b\n"
		  "user.carol@example.com = readonly:x\n"
		  "user.alice = readonly:second\n");
	assert_int_equal(load(&c, err, sizeof(err), config_flag(), "--user.dave=administrator:d",
			      "--user.BOB=Administrator:flag:pw", NULL),
			 0);
	assert_int_equal(c.nusers, 4);
	/* Order of first appearance; a later one of the same name replaces the earlier one. */
	assert_string_equal(c.users[0].name, "alice");
	assert_string_equal(c.users[0].role, "readonly");
	assert_string_equal(c.users[0].password, "second");
	assert_string_equal(c.users[1].name, "BOB");
	assert_string_equal(c.users[1].role, "administrator");
	assert_string_equal(c.users[1].password, "flag:pw");
	assert_string_equal(c.users[2].name, "carol@example.com");
	assert_string_equal(c.users[2].password, "x");
	assert_string_equal(c.users[3].name, "dave");
	assert_string_equal(c.users[3].role, "administrator");
	assert_string_equal(c.users[3].password, "d");
	conf_free(&c);

	/* The password is everything after the first ':', '#' and '=' included. */
	write_cfg("user.eve = administrator:a:b=c#d\n");
	assert_int_equal(load(&c, err, sizeof(err), config_flag(), NULL), 0);
	assert_int_equal(c.nusers, 1);
	assert_string_equal(c.users[0].password, "a:b=c#d");
	conf_free(&c);

	/* Names of 64 characters are accepted, 65 are not. */
	char name64[100], name65[100], a65[66];
	memset(a65, 'a', 65);
	a65[65] = 0;
	snprintf(name64, sizeof(name64), "--user.%s=readonly:p", a65 + 1);
	snprintf(name65, sizeof(name65), "--user.%s=readonly:p", a65);
	assert_int_equal(load(&c, err, sizeof(err), name64, "--user.A-b_c.d@e=readonly:p", NULL),
			 0);
	assert_int_equal(c.nusers, 2);
	conf_free(&c);

	static char *const bad[] = {
	    "--user.x=admin:secret",	  "--user.x=administrator:",
	    "--user.x=administrator",	  "--user.x=secret",
	    "--user.x=:secret",		  "--user.x y=readonly:secret",
	    "--user.x/y=readonly:secret", "--user.é=readonly:secret",
	    "--user.x=readonly :secret",  "--user.x=",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load(&c, err, sizeof(err), bad[i], NULL), -1);
		assert_true(err[0] != 0);
		assert_null(strstr(err, "secret")); /* passwords never echoed */
	}
	assert_int_equal(load(&c, err, sizeof(err), name65, NULL), -1);

	write_cfg("user.ok = readonly:fine\nuser.bad = superuser:secret\n");
	assert_int_equal(load(&c, err, sizeof(err), config_flag(), NULL), -1);
	assert_non_null(strstr(err, ":2"));
	assert_null(strstr(err, "secret"));
}

static void test_file_syntax(void **state)
{
	(void)state;
	struct conf c;
	char err[256];
	write_cfg("# cupid settings\n"
		  "\n"
		  "   # indented comment\n"
		  "\t\n"
		  "  https.listen   =   [::1]:9443   \n"
		  "http.listen=127.0.0.1:8080 # trailing comment\n"
		  "log.level = warn\r\n"
		  "public_url = https://h/x#frag\n"
		  "vms.1.server_name =\n"
		  "fixture = seed # = not a second value\n"
		  "# last line without newline = ignored");
	assert_int_equal(load(&c, err, sizeof(err), config_flag(), NULL), 0);
	assert_string_equal(conf_str(&c, "https.listen"), "[::1]:9443");
	assert_string_equal(conf_str(&c, "http.listen"), "127.0.0.1:8080");
	assert_string_equal(conf_str(&c, "log.level"), "warn");
	assert_string_equal(conf_str(&c, "public_url"), "https://h/x#frag");
	assert_string_equal(conf_str(&c, "vms.1.server_name"), "");
	assert_string_equal(conf_str(&c, "fixture"), "seed");
	conf_free(&c);

	write_cfg("log.level = warn\nthis line has no equals sign\n");
	assert_int_equal(load(&c, err, sizeof(err), config_flag(), NULL), -1);
	assert_non_null(strstr(err, ":2"));
	assert_non_null(strstr(err, "name = value"));
	write_cfg(" = value\n");
	assert_int_equal(load(&c, err, sizeof(err), config_flag(), NULL), -1);
	write_cfg("throttle.enabled = maybe\n");
	assert_int_equal(load(&c, err, sizeof(err), config_flag(), NULL), -1);
	assert_non_null(strstr(err, cfg_path));

	assert_int_equal(load(&c, err, sizeof(err), "--config=/nonexistent/cupid.conf", NULL), -1);
	assert_non_null(strstr(err, "/nonexistent/cupid.conf"));
	assert_int_equal(load(&c, err, sizeof(err), "--config=/tmp", NULL), -1); /* a directory */
	assert_non_null(strstr(err, "/tmp"));

	FILE *f = fopen(cfg_path, "w");
	assert_non_null(f);
	fwrite("fixture = a\0b\n", 1, 14, f);
	fclose(f);
	assert_int_equal(load(&c, err, sizeof(err), config_flag(), NULL), -1);
}

static void test_small_error_buffer(void **state)
{
	(void)state;
	struct conf c;
	char err[8];
	assert_int_equal(load(&c, err, sizeof(err), "--no.such.setting.with.a.long.name=1", NULL),
			 -1);
	assert_int_equal(strlen(err), 7);
}

static void test_help(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	conf_print_help(f);
	fclose(f);
	assert_non_null(strstr(text, "cupid [--name=value ...]"));
	assert_non_null(strstr(text, "cupid serve [--ephemeral]"));
	assert_non_null(strstr(text, "cupid --version"));
	assert_non_null(strstr(text, "cupid --help"));
	assert_non_null(strstr(text, "user.<name>"));
	assert_non_null(strstr(text, "CUPID_"));
	for (size_t i = 0; i < conf_nsettings; i++) {
		assert_non_null(strstr(text, conf_settings[i].name));
		assert_non_null(strstr(text, conf_settings[i].help));
	}
	assert_non_null(strstr(text, "14.0.1.10000-1"));
	assert_non_null(strstr(text, "error|warn|info|debug"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_is_sane),
	    cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_priority, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_separate_argument_and_later_flag_wins,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_setting, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_int, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bool, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_given_and_set, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_enum, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_users, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_file_syntax, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_small_error_buffer, setup, teardown),
	    cmocka_unit_test(test_help),
	};
	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}

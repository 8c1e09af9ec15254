/* Settings (SPEC §6.8): the one table of every setting, and the loader that layers defaults,
 * the --config file, CUPID_* environment variables and --flags over it, validating each value
 * against its type. user.<name> settings are a pattern, collected into struct conf.users. */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define USER_PREFIX   "user."
#define USER_NAME_MAX 64

const struct conf_setting conf_settings[] = {
    {"https.listen", CONF_STR, "127.0.0.1:8443", 0, 0, NULL,
     "HTTPS address host:port ([::1]:8443 for IPv6); empty disables it"},
    {"http.listen", CONF_STR, "", 0, 0, NULL,
     "plain-HTTP address, e.g. 127.0.0.1:8080; empty disables it"},
    {"tls.cert_file", CONF_STR, "", 0, 0, NULL,
     "PEM certificate; with tls.key_file, or both empty for a generated one"},
    {"tls.key_file", CONF_STR, "", 0, 0, NULL,
     "PEM private key; with tls.cert_file, or both empty for a generated one"},
    {"data_dir", CONF_STR, "./cupid-data", 0, 0, NULL,
     "directory for the SQLite file and the generated certificate; created if missing"},
    {"database", CONF_STR, "", 0, 0, NULL,
     "sqlite:<path> or postgresql://user:pass@host:port/db; empty means "
     "sqlite:<data_dir>/cupid.db"},
    {"ephemeral", CONF_BOOL, "false", 0, 0, NULL,
     "for test harnesses: free ports, a throwaway data_dir removed on exit, and one JSON line "
     "on stdout with the URLs, credentials and certificate"},
    {"sqlite.synchronous", CONF_ENUM, "full", 0, 0, "full|normal",
     "full: commits survive a power cut; normal: they survive a crash of cupid"},
    {"postgresql.notify", CONF_BOOL, "true", 0, 0, NULL,
     "true: the response cache learns of other processes' writes by LISTEN/NOTIFY and a cached "
     "GET asks the database nothing; false: every cached GET reads the change counter, so a "
     "write by another process is seen by the very next GET rather than a moment later"},
    {"public_url", CONF_STR, "", 0, 0, NULL,
     "base URL for Location headers behind a proxy or load balancer"},
    {"admin.allow_reset", CONF_BOOL, "true", 0, 0, NULL,
     "false refuses /cupid/reset and fixture loading over HTTP"},
    {"license.voice_ports", CONF_INT, "0", 0, 1000000, NULL,
     "licensed voice ports; 0 means 250 x the number of VMS servers"},
    {"ports.allow_odd", CONF_BOOL, "false", 0, 0, NULL, "accept odd NumberOfPorts"},
    {"limits.max_port_groups", CONF_INT, "90", 0, 100000, NULL,
     "most port groups in the whole system"},
    {"http.threads", CONF_INT, "0", 0, 256, NULL,
     "request threads, serving both listeners; 0 means one per CPU cupid may run on (writes "
     "run on one more thread of their own)"},
    {"http.max_body_bytes", CONF_INT, "1048576", 1, 1073741824, NULL,
     "request bodies larger than this get 413"},
    {"http.head_timeout_s", CONF_INT, "10", 1, 3600, NULL,
     "seconds a client has for a whole request head (from the connection, or from the first "
     "byte of a later request on it); then the connection is closed"},
    {"http.idle_timeout_s", CONF_INT, "60", 1, 86400, NULL,
     "seconds a kept-alive connection may wait idle between requests, or stall a response"},
    {"http.body_min_rate", CONF_INT, "1024", 0, 1073741824, NULL,
     "bytes per second a request body must average once http.head_timeout_s has passed; "
     "0 turns the check off"},
    {"http.max_connections", CONF_INT, "1000", 1, 100000, NULL,
     "open connections per listener; more are accepted and closed at once"},
    {"http.max_connections_per_address", CONF_INT, "256", 1, 100000, NULL,
     "open connections from one client address, over both listeners; more are closed at once"},
    {"auth.max_failures", CONF_INT, "20", 0, 1000000, NULL,
     "distinct wrong passwords allowed for one user name from one client address per "
     "auth.failure_window_s (and five times as many over all names); more get 429 with "
     "Retry-After until the window ends; 0 turns the throttle off"},
    {"auth.failure_window_s", CONF_INT, "60", 1, 86400, NULL,
     "the window of auth.max_failures, in seconds"},
    {"auth.lockout_failures", CONF_INT, "0", 0, 1000000, NULL,
     "failed logins after which an account is locked (Unity Connection's credential "
     "policy); 0 turns the lockout off"},
    {"auth.lockout_minutes", CONF_INT, "30", 0, 525600, NULL,
     "how long a locked account stays locked; 0 means until `cupid user unlock`"},
    {"auth.lockout_reset_minutes", CONF_INT, "30", 1, 525600, NULL,
     "failed logins further apart than this start the count again"},
    {"journal.max_entries", CONF_INT, "1000", 0, 1000000, NULL,
     "requests kept in the request journal (/cupid/requests), in memory; 0 turns it off"},
    {"journal.max_body_bytes", CONF_INT, "65536", 0, 16777216, NULL,
     "bytes of each request body the journal keeps; longer ones are cut"},
    {"throttle.enabled", CONF_BOOL, "false", 0, 0, NULL,
     "limit concurrent /vmrest requests like Cisco's server"},
    {"throttle.max_in_flight", CONF_INT, "5", 1, 1000, NULL,
     "throttle: requests processed at once"},
    {"throttle.queue_depth", CONF_INT, "255", 0, 10000, NULL,
     "throttle: requests that may wait; more get 503"},
    {"throttle.queue_timeout_ms", CONF_INT, "20000", 0, 600000, NULL,
     "throttle: longest wait before 503; 0 means no waiting"},
    {"throttle.latency_ms", CONF_INT, "0", 0, 60000, NULL,
     "fixed delay added to every authenticated /vmrest request"},
    {"cupi.version", CONF_STR, "14.0.1.10000-1", 0, 0, NULL,
     "the version returned by /vmrest/version"},
    {"vms.1.server_name", CONF_STR, "", 0, 0, NULL,
     "first VMS server's name; empty means the host name up to the first '.'"},
    {"vms.1.host_name", CONF_STR, "", 0, 0, NULL,
     "first VMS server's host name; empty means the full host name"},
    {"vms.1.ip_address", CONF_STR, "127.0.0.1", 0, 0, NULL, "first VMS server's IPv4 address"},
    {"vms.1.ip_address_v6", CONF_STR, "", 0, 0, NULL, "first VMS server's IPv6 address"},
    {"vms.1.object_id", CONF_STR, "", 0, 0, NULL,
     "first VMS server's ObjectId; empty means generated once per database"},
    {"vms.2.server_name", CONF_STR, "", 0, 0, NULL,
     "second VMS server's name; the server exists only if this is set"},
    {"vms.2.host_name", CONF_STR, "", 0, 0, NULL, "second VMS server's host name"},
    {"vms.2.ip_address", CONF_STR, "127.0.0.1", 0, 0, NULL, "second VMS server's IPv4 address"},
    {"vms.2.ip_address_v6", CONF_STR, "", 0, 0, NULL, "second VMS server's IPv6 address"},
    {"vms.2.object_id", CONF_STR, "", 0, 0, NULL,
     "second VMS server's ObjectId; empty means generated once per database"},
    {"fixture", CONF_STR, "", 0, 0, NULL, "built-in fixture to load into a newly created database"},
    {"admin_password", CONF_STR, "", 0, 0, NULL,
     "password of the first-start admin account (usually CUPID_ADMIN_PASSWORD)"},
    {"audit.max_entries", CONF_INT, "10000", 1, 10000000, NULL, "audit log entries kept"},
    {"cache.max_bytes", CONF_INT, "2097152", 0, 1073741824, NULL,
     "memory for rendered GET bodies, reused until the data changes; 0 turns the cache off"},
    {"log.level", CONF_ENUM, "info", 0, 0, "error|warn|info|debug",
     "stderr logging; info logs one access-log line per request"},
};

const size_t conf_nsettings = sizeof(conf_settings) / sizeof(conf_settings[0]);

static void fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Index of name[0..len) in conf_settings, or -1. */
static long find(const char *name, size_t len)
{
	for (size_t i = 0; i < conf_nsettings; i++)
		if (strlen(conf_settings[i].name) == len &&
		    !memcmp(conf_settings[i].name, name, len))
			return (long)i;
	return -1;
}

/* Index of name in conf_settings; aborts when it is not there (a programming error). */
static size_t find_or_die(const char *name, enum conf_type type)
{
	long i = find(name, strlen(name));
	if (i < 0 || conf_settings[i].type != type) {
		fprintf(stderr, "cupid: bug: no setting \"%s\" of that type\n", name);
		abort();
	}
	return (size_t)i;
}

/* Parses a decimal integer (optional sign, then digits only). Returns 0 or -1. */
static int parse_long(const char *s, long *out)
{
	const char *d = s + (*s == '-' || *s == '+');
	if (!isdigit((unsigned char)*d))
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* Returns the canonical form of value for setting s (malloc'd: value itself, "true"/"false"
 * for CONF_BOOL, the table's spelling for CONF_ENUM), or NULL with err set when it is invalid.
 * where names the source ("command line", "CUPID_X", "file:3") for the message. */
static char *canonical(const struct conf_setting *s, const char *value, const char *where,
		       char *err, size_t errlen)
{
	static const char *const yes[] = {"true", "1", "yes", "on"};
	static const char *const no[] = {"false", "0", "no", "off"};
	const char *canon = NULL;
	size_t len = strlen(value);
	long v;

	switch (s->type) {
	case CONF_STR:
		canon = value;
		break;
	case CONF_INT:
		if (parse_long(value, &v)) {
			fail(err, errlen, "%s: %s: \"%s\" is not an integer", where, s->name,
			     value);
			return NULL;
		}
		if (v < s->min || v > s->max) {
			fail(err, errlen, "%s: %s: %ld is outside the range %ld..%ld", where,
			     s->name, v, s->min, s->max);
			return NULL;
		}
		canon = value;
		break;
	case CONF_BOOL:
		for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]) && !canon; i++) {
			if (!strcasecmp(value, yes[i]))
				canon = "true";
			else if (!strcasecmp(value, no[i]))
				canon = "false";
		}
		if (!canon) {
			fail(err, errlen,
			     "%s: %s: \"%s\" is not a boolean (true/false, yes/no, on/off, 1/0)",
			     where, s->name, value);
			return NULL;
		}
		len = strlen(canon);
		break;
	case CONF_ENUM:
		for (const char *c = s->choices; *c && !canon; c += len + (c[len] == '|')) {
			len = strcspn(c, "|");
			if (strlen(value) == len && !strncasecmp(value, c, len))
				canon = c;
		}
		if (!canon) {
			fail(err, errlen, "%s: %s: \"%s\" is not one of %s", where, s->name, value,
			     s->choices);
			return NULL;
		}
		break;
	}
	char *out = strndup(canon, len);
	if (!out)
		fail(err, errlen, "out of memory");
	return out;
}

static int valid_user_name(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > USER_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._@-", *s))
			return 0;
	return 1;
}

/* Adds or replaces (names compare ASCII case-insensitively) the user named name from a
 * "<role>:<password>" value. The message never repeats the value: it holds a password. */
static int set_user(struct conf *c, const char *name, const char *value, const char *where,
		    char *err, size_t errlen)
{
	const char *colon = strchr(value, ':');
	const char *role = NULL;
	if (!valid_user_name(name)) {
		fail(err, errlen,
		     "%s: user.%s: a user name is 1-%d characters from A-Z a-z 0-9 . _ @ -", where,
		     name, USER_NAME_MAX);
		return -1;
	}
	if (colon && (size_t)(colon - value) == strlen("administrator") &&
	    !strncasecmp(value, "administrator", strlen("administrator")))
		role = "administrator";
	else if (colon && (size_t)(colon - value) == strlen("readonly") &&
		 !strncasecmp(value, "readonly", strlen("readonly")))
		role = "readonly";
	if (!role || !colon[1]) {
		fail(err, errlen,
		     "%s: user.%s: expected <role>:<password>, role administrator or readonly, "
		     "password not empty",
		     where, name);
		return -1;
	}

	struct conf_user u = {strdup(name), strdup(role), strdup(colon + 1)};
	if (!u.name || !u.role || !u.password) {
		free(u.name);
		free(u.role);
		free(u.password);
		fail(err, errlen, "out of memory");
		return -1;
	}
	size_t i = 0;
	while (i < c->nusers && strcasecmp(c->users[i].name, name))
		i++;
	if (i == c->nusers) {
		struct conf_user *grown = realloc(c->users, (c->nusers + 1) * sizeof(*grown));
		if (!grown) {
			free(u.name);
			free(u.role);
			free(u.password);
			fail(err, errlen, "out of memory");
			return -1;
		}
		c->users = grown;
		c->nusers++;
	} else {
		free(c->users[i].name);
		free(c->users[i].role);
		free(c->users[i].password);
	}
	c->users[i] = u;
	return 0;
}

/* Applies name[0..namelen) = value (a setting of the table or user.<name>) from where. */
static int apply(struct conf *c, const char *name, size_t namelen, const char *value,
		 const char *where, char *err, size_t errlen)
{
	size_t plen = strlen(USER_PREFIX);
	if (namelen > plen && !strncmp(name, USER_PREFIX, plen)) {
		char *uname = strndup(name + plen, namelen - plen);
		if (!uname) {
			fail(err, errlen, "out of memory");
			return -1;
		}
		int r = set_user(c, uname, value, where, err, errlen);
		free(uname);
		return r;
	}
	long i = find(name, namelen);
	if (i < 0) {
		fail(err, errlen, "%s: unknown setting \"%.*s\" (see cupid --help)", where,
		     (int)namelen, name);
		return -1;
	}
	char *v = canonical(&conf_settings[i], value, where, err, errlen);
	if (!v)
		return -1;
	free(c->values[i]);
	c->values[i] = v;
	c->given[i] = true;
	return 0;
}

/* Trims ASCII white space from both ends of s[0..*n); returns the new start. */
static char *trim(char *s, size_t *n)
{
	while (*n && isspace((unsigned char)*s)) {
		s++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)s[*n - 1]))
		(*n)--;
	return s;
}

/* Reads "name = value" lines. '#' starts a comment at the start of a line or after white
 * space, so that a '#' inside a password or URL survives. */
static int load_file(struct conf *c, const char *path, char *err, size_t errlen)
{
	char *line = NULL, where[512];
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	int rc = -1;
	FILE *f = fopen(path, "re");
	if (!f) {
		fail(err, errlen, "cannot read config file %s: %s", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%lu", path, lineno);
		if ((size_t)len != strlen(line)) {
			fail(err, errlen, "%s: NUL byte in line", where);
			goto out;
		}
		for (char *p = line; *p; p++) {
			if (*p == '#' && (p == line || isspace((unsigned char)p[-1]))) {
				*p = 0;
				break;
			}
		}
		size_t n = strlen(line);
		char *s = trim(line, &n);
		if (!n)
			continue;
		s[n] = 0;
		char *eq = strchr(s, '=');
		if (!eq) {
			fail(err, errlen, "%s: expected \"name = value\"", where);
			goto out;
		}
		size_t namelen = (size_t)(eq - s), vlen = strlen(eq + 1);
		char *name = trim(s, &namelen);
		char *value = trim(eq + 1, &vlen);
		value[vlen] = 0;
		if (!namelen) {
			fail(err, errlen, "%s: expected \"name = value\"", where);
			goto out;
		}
		if (apply(c, name, namelen, value, where, err, errlen))
			goto out;
	}
	if (ferror(f)) {
		fail(err, errlen, "cannot read config file %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(f);
	return rc;
}

/* Applies CUPID_<NAME> for every setting of the table; unknown CUPID_* variables are left
 * alone (test harnesses set some of their own). */
static int load_env(struct conf *c, char *err, size_t errlen)
{
	char var[128];
	for (size_t i = 0; i < conf_nsettings; i++) {
		const char *name = conf_settings[i].name;
		size_t k = (size_t)snprintf(var, sizeof(var), "CUPID_");
		for (; *name && k + 1 < sizeof(var); name++)
			var[k++] = *name == '.' ? '_' : (char)toupper((unsigned char)*name);
		var[k] = 0;
		const char *v = getenv(var);
		if (v && apply(c, conf_settings[i].name, strlen(conf_settings[i].name), v, var, err,
			       errlen))
			return -1;
	}
	return 0;
}

/* Whether a is "--name" alone for a boolean setting of the table. */
static bool bare_bool(const char *a)
{
	long i = strncmp(a, "--", 2) || strchr(a, '=') ? -1 : find(a + 2, strlen(a + 2));
	return i >= 0 && conf_settings[i].type == CONF_BOOL;
}

/* Recognises --config=FILE and --config FILE at args[*i]; advances *i past a separate FILE.
 * Returns the file name, or NULL when args[*i] is not --config. */
static const char *config_arg(int n, char **args, int *i)
{
	if (!strncmp(args[*i], "--config=", 9))
		return args[*i] + 9;
	if (!strcmp(args[*i], "--config") && *i + 1 < n)
		return args[++*i];
	return NULL;
}

int conf_load(struct conf *c, int n, char **args, char *err, size_t errlen)
{
	const char *config = NULL;
	memset(c, 0, sizeof(*c));
	c->values = calloc(conf_nsettings, sizeof(*c->values));
	c->given = calloc(conf_nsettings, sizeof(*c->given));
	if (!c->values || !c->given) {
		fail(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < conf_nsettings; i++) {
		if (!(c->values[i] = strdup(conf_settings[i].def))) {
			fail(err, errlen, "out of memory");
			goto fail;
		}
	}

	/* First pass: syntax and names only, and find --config, which is read before the flags
	 * that override it are applied. */
	for (int i = 0; i < n; i++) {
		const char *a = args[i], *eq;
		const char *file = config_arg(n, args, &i);
		if (file) {
			if (!*file) {
				fail(err, errlen, "--config needs a file name");
				goto fail;
			}
			config = file;
			continue;
		}
		if (!strcmp(a, "--config")) {
			fail(err, errlen, "--config needs a file name");
			goto fail;
		}
		if (bare_bool(a))
			continue;
		if (strncmp(a, "--", 2) || !(eq = strchr(a + 2, '=')) || eq == a + 2) {
			fail(err, errlen, "unexpected argument \"%s\" (expected --name=value)", a);
			goto fail;
		}
		size_t namelen = (size_t)(eq - a - 2);
		if (find(a + 2, namelen) < 0 &&
		    (namelen <= strlen(USER_PREFIX) ||
		     strncmp(a + 2, USER_PREFIX, strlen(USER_PREFIX)))) {
			fail(err, errlen,
			     "command line: unknown setting \"%.*s\" (see cupid --help)",
			     (int)namelen, a + 2);
			goto fail;
		}
	}
	if (config) {
		if (!(c->config_file = strdup(config))) {
			fail(err, errlen, "out of memory");
			goto fail;
		}
		if (load_file(c, config, err, errlen))
			goto fail;
	}
	if (load_env(c, err, errlen))
		goto fail;
	for (int i = 0; i < n; i++) {
		if (config_arg(n, args, &i))
			continue;
		const char *name = args[i] + 2, *eq = strchr(name, '=');
		size_t namelen = eq ? (size_t)(eq - name) : strlen(name); /* or a bare boolean */
		if (apply(c, name, namelen, eq ? eq + 1 : "true", "command line", err, errlen))
			goto fail;
	}
	return 0;
fail:
	conf_free(c);
	return -1;
}

void conf_free(struct conf *c)
{
	if (!c)
		return;
	if (c->values)
		for (size_t i = 0; i < conf_nsettings; i++)
			free(c->values[i]);
	free(c->values);
	free(c->given);
	for (size_t i = 0; i < c->nusers; i++) {
		free(c->users[i].name);
		free(c->users[i].role);
		free(c->users[i].password);
	}
	free(c->users);
	free(c->config_file);
	memset(c, 0, sizeof(*c));
}

bool conf_given(const struct conf *c, const char *name)
{
	long i = find(name, strlen(name));
	if (i < 0) {
		fprintf(stderr, "cupid: bug: no setting \"%s\"\n", name);
		abort();
	}
	return c->given[i];
}

int conf_set(struct conf *c, const char *name, const char *value, const char *where, char *err,
	     size_t errlen)
{
	return apply(c, name, strlen(name), value, where, err, errlen);
}

const char *conf_str(const struct conf *c, const char *name)
{
	long i = find(name, strlen(name));
	if (i < 0) {
		fprintf(stderr, "cupid: bug: no setting \"%s\"\n", name);
		abort();
	}
	return c->values[i];
}

long conf_int(const struct conf *c, const char *name)
{
	return strtol(c->values[find_or_die(name, CONF_INT)], NULL, 10);
}

bool conf_bool(const struct conf *c, const char *name)
{
	return !strcmp(c->values[find_or_die(name, CONF_BOOL)], "true");
}

void conf_print_help(FILE *out)
{
	fprintf(
	    out,
	    "usage: cupid [--name=value ...] [--config=FILE]\n"
	    "       cupid serve [--ephemeral] [--name=value ...]\n"
	    "                                                   the same; --ephemeral: a throwaway\n"
	    "                                                   server for a test run\n"
	    "       cupid --version\n"
	    "       cupid --help\n"
	    "       cupid export [--name=value ...] > FILE      write the inventory as a fixture\n"
	    "       cupid import FILE [--name=value ...]        replace the inventory with FILE\n"
	    "       cupid user add NAME ROLE | passwd NAME | del NAME | unlock NAME | list\n"
	    "                                                   manage users; passwords from stdin\n"
	    "       cupid clone --from URL --user NAME [--insecure] [--out FILE | --load]\n"
	    "                                                   copy a CUPI server's inventory\n"
	    "\n"
	    "Settings, highest priority first: --name=value flags; environment variables\n"
	    "CUPID_<NAME> (upper case, '.' written as '_'; not for user.<name>); the --config\n"
	    "file (lines \"name = value\", '#' at the start of a line or after a space starts a\n"
	    "comment); the defaults below. A boolean given alone, --name, means --name=true.\n"
	    "\n"
	    "  %-26s %-16s %s\n",
	    "setting", "default", "meaning");
	for (size_t i = 0; i < conf_nsettings; i++) {
		const struct conf_setting *s = &conf_settings[i];
		fprintf(out, "  %-26s %-16s %s", s->name, s->def[0] ? s->def : "(empty)", s->help);
		if (s->type == CONF_INT)
			fprintf(out, " [%ld..%ld]", s->min, s->max);
		else if (s->type == CONF_ENUM)
			fprintf(out, " [%s]", s->choices);
		else if (s->type == CONF_BOOL)
			fprintf(out, " [true|false]");
		fputc('\n', out);
	}
	fprintf(out, "  %-26s %-16s %s\n", "user.<name>", "(none)",
		"<role>:<password>, role administrator or readonly; may be repeated");
}

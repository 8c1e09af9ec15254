/* `cupid serve --ephemeral` (ephemeral.h): the settings it implies, its throwaway data_dir and
 * the JSON line a test harness reads to find and log in to the server. */
#include "ephemeral.h"

#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api/passwd.h"
#include "conf.h"
#include "http/tls.h"

#define ADMIN "admin"

/* The password of the configured user admin, or NULL. */
static const char *admin_password(const struct conf *c)
{
	for (size_t i = 0; i < c->nusers; i++)
		if (!strcasecmp(c->users[i].name, ADMIN))
			return c->users[i].password;
	return NULL;
}

int ephemeral_prepare(struct conf *c, char *err, size_t errlen)
{
	static const char *const listen[] = {"https.listen", "http.listen"};
	for (size_t i = 0; i < 2; i++)
		if (!conf_given(c, listen[i]) &&
		    conf_set(c, listen[i], "127.0.0.1:0", "ephemeral", err, errlen))
			return -1;
	if (admin_password(c))
		return 0;
	char random[21], *value = NULL;
	const char *pw = conf_str(c, "admin_password");
	if (!*pw && passwd_random(random, 20)) {
		snprintf(err, errlen, "ephemeral: cannot make a password");
		return -1;
	}
	if (asprintf(&value, "administrator:%s", *pw ? pw : random) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int rc = conf_set(c, "user." ADMIN, value, "ephemeral", err, errlen);
	free(value);
	return rc;
}

int ephemeral_data_dir(struct conf *c, char **made, char *err, size_t errlen)
{
	*made = NULL;
	if (conf_given(c, "data_dir"))
		return 0;
	const char *tmp = getenv("TMPDIR");
	char templ[PATH_MAX], *dir = NULL;
	if (snprintf(templ, sizeof(templ), "%s/cupid-XXXXXX", tmp && *tmp ? tmp : "/tmp") >=
	    (int)sizeof(templ)) {
		snprintf(err, errlen, "ephemeral: TMPDIR is too long");
		return -1;
	}
	if (!mkdtemp(templ)) {
		snprintf(err, errlen, "ephemeral: cannot create a directory %s: %s", templ,
			 strerror(errno));
		return -1;
	}
	if (!(dir = realpath(templ, NULL)) ||
	    conf_set(c, "data_dir", dir, "ephemeral", err, errlen)) {
		if (!dir)
			snprintf(err, errlen, "ephemeral: %s: %s", templ, strerror(errno));
		rmdir(templ);
		free(dir);
		return -1;
	}
	*made = dir;
	return 0;
}

/* Sets key to prefix + s; NULL s sets nothing. Returns 0 or -1. */
static int put(json_t *o, const char *key, const char *prefix, const char *s)
{
	char *v = NULL;
	if (!s)
		return 0;
	if (asprintf(&v, "%s%s", prefix, s) < 0)
		return -1;
	int rc = json_object_set_new(o, key, json_string(v));
	free(v);
	return rc;
}

int ephemeral_announce(FILE *out, const struct conf *c, const char *https, const char *http)
{
	const char *certf = conf_str(c, "tls.cert_file"), *pw = admin_password(c);
	char *dir = realpath(conf_str(c, "data_dir"), NULL), *cert = NULL, *line = NULL;
	json_t *o = json_object();
	int rc = -1;
	if (!o || !dir || !pw)
		goto out;
	if (*certf)
		cert = realpath(certf, NULL);
	else if (asprintf(&cert, "%s/%s", dir, TLS_CERT_NAME) < 0)
		cert = NULL;
	if (!cert || put(o, "url", "https://", https) || put(o, "httpUrl", "http://", http) ||
	    put(o, "user", "", ADMIN) || put(o, "password", "", pw) ||
	    put(o, "cert", "", https ? cert : NULL) || put(o, "dataDir", "", dir) ||
	    !(line = json_dumps(o, JSON_COMPACT)))
		goto out;
	fprintf(out, "%s\n", line);
	rc = fflush(out) ? -1 : 0;
out:
	free(line);
	json_decref(o);
	free(cert);
	free(dir);
	return rc;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((type == FTW_DP ? rmdir(path) : unlink(path)) && errno != ENOENT)
		return -1;
	return 0;
}

int ephemeral_remove(const char *dir)
{
	return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

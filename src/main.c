/* cupid: argv, configuration and signals in; the server started and stopped. Nothing else. */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/api.h"
#include "api/cache.h"
#include "api/fixtures.h"
#include "cli.h"
#include "clone.h"
#include "conf.h"
#include "ephemeral.h"
#include "api/auth.h"
#include "api/faults.h"
#include "api/guard.h"
#include "api/journal.h"
#include "http/server.h"
#include "http/throttle.h"
#include "store/sql.h"
#include "http/tls.h"
#include "util/arena.h"
#include "version.h"


/* Creates dir (and missing parents) with mode 0700. */
static int make_dir(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0700) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0700) && errno != EEXIST ? -1 : 0;
}

static int setup(struct app *app, const struct conf *conf, bool created, char *err,
		 size_t errlen)
{
	app->conf = conf;
	app->max_body = conf_int(conf, "http.max_body_bytes");
	app->license = conf_int(conf, "license.voice_ports");
	app->max_port_groups = conf_int(conf, "limits.max_port_groups");
	app->allow_odd = conf_bool(conf, "ports.allow_odd");
	app->allow_reset = conf_bool(conf, "admin.allow_reset");
	app->public_url = conf_str(conf, "public_url");
	app->version = conf_str(conf, "cupi.version");
	app->audit_max = conf_int(conf, "audit.max_entries");
	struct throttle_settings ts = {
		.enabled = conf_bool(conf, "throttle.enabled"),
		.max_in_flight = conf_int(conf, "throttle.max_in_flight"),
		.queue_depth = conf_int(conf, "throttle.queue_depth"),
		.queue_timeout_ms = conf_int(conf, "throttle.queue_timeout_ms"),
		.latency_ms = conf_int(conf, "throttle.latency_ms"),
	};
	if (!(app->auth = auth_cache_new()) || !(app->throttle = throttle_new(&ts)) ||
	    !(app->guard = guard_new(conf_int(conf, "auth.max_failures"),
				     conf_int(conf, "auth.failure_window_s"))) ||
	    !(app->journal = journal_new(conf_int(conf, "journal.max_entries"),
					 conf_int(conf, "journal.max_body_bytes"))) ||
	    !(app->faults = faults_new()))
		return -1;
	app->lockout_failures = conf_int(conf, "auth.lockout_failures");
	app->lockout_minutes = conf_int(conf, "auth.lockout_minutes");
	app->lockout_reset_minutes = conf_int(conf, "auth.lockout_reset_minutes");
	long cache_max = conf_int(conf, "cache.max_bytes");
	if (cache_max && !(app->cache = cache_new((size_t)cache_max)))
		return -1;
	if (created) {
		/* A new database gets the configured VMS servers, or the `fixture` setting. */
		const char *name = conf_str(conf, "fixture");
		const char *doc = *name ? fixture_builtin(name) : NULL;
		struct arena *a = arena_new(64u << 20);
		struct domain_ctx d = {.app = app, .a = a};
		struct fixture_counts c;
		int rc = a ? fixture_load(&d, doc, doc ? strlen(doc) : 0, &c) : -1;
		if (rc)
			snprintf(err, errlen, "cannot load the initial state: %s", d.err);
		arena_free(a);
		if (rc)
			return -1;
	}
	return 0;
}

static struct clone_opts clone_opts; /* `cupid clone` takes its own options (clone.h) */

/* Runs a subcommand (pos[0..npos)) on the opened database; returns the exit code. */
static int subcommand(struct app *app, int npos, char **pos)
{
	if (!strcmp(pos[0], "clone") && npos == 1)
		return clone_run(&clone_opts, app);
	if (!strcmp(pos[0], "export") && npos == 1)
		return cli_export(app, stdout) ? 1 : 0;
	if (!strcmp(pos[0], "import") && npos == 2)
		return cli_import(app, pos[1]) ? 1 : 0;
	if (!strcmp(pos[0], "user") && npos >= 2)
		return cli_user(app, npos - 1, pos + 1);
	fprintf(stderr, "cupid: unknown command '%s' (see cupid --help)\n", pos[0]);
	return 2;
}

int main(int argc, char **argv)
{
	struct conf conf = {0};
	struct app app = {0};
	struct server *srv = NULL;
	char err[512] = "", *cert = NULL, *key = NULL, *tmp_dir = NULL;
	int rc = 2;
	/* Words that are not --name=value settings name a subcommand and its operands. */
	char **flags = calloc((size_t)argc + 1, sizeof(char *)), *pos[8];
	int nflags = 0, npos = 0;
	const char *cmd = NULL;
	for (int i = 1; i < argc && !cmd; i++) {
		char scratch[160]; /* the loop below reports bad clone options */
		int k = clone_arg(NULL, argc, argv, i, scratch, sizeof(scratch));
		if (k > 0)
			i += k - 1;
		else if (!strcmp(argv[i], "--config"))
			i++;
		else if (strncmp(argv[i], "--", 2))
			cmd = argv[i];
	}
	bool clone = cmd && !strcmp(cmd, "clone");
	for (int i = 1; flags && i < argc; i++) {
		int k = clone ? clone_arg(&clone_opts, argc, argv, i, err, sizeof(err)) : 0;
		if (k < 0)
			goto out;
		if (k > 0) {
			i += k - 1;
			continue;
		}
		if (!strncmp(argv[i], "--", 2)) {
			flags[nflags++] = argv[i];
			if (!strcmp(argv[i], "--config") && i + 1 < argc)
				flags[nflags++] = argv[++i];
		} else if (npos < 8) {
			pos[npos++] = argv[i];
		}
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			conf_print_help(stdout);
			free(flags);
			return 0;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("cupid %s\n", CUPID_VERSION);
			free(flags);
			return 0;
		}
	}
	if (!flags || conf_load(&conf, nflags, flags, err, sizeof(err)))
		goto out;
	if (npos && !strcmp(pos[0], "serve")) { /* the same as no command */
		if (npos > 1) {
			snprintf(err, sizeof(err), "serve takes no operands (see cupid --help)");
			goto out;
		}
		npos = 0;
	}
	bool ephemeral = conf_bool(&conf, "ephemeral");
	if (ephemeral && npos) {
		snprintf(err, sizeof(err), "ephemeral is only for serving, not for '%s'", pos[0]);
		goto out;
	}
	if (ephemeral && ephemeral_prepare(&conf, err, sizeof(err)))
		goto out;
	const char *https = conf_str(&conf, "https.listen"), *http = conf_str(&conf, "http.listen");
	const char *certf = conf_str(&conf, "tls.cert_file"), *keyf = conf_str(&conf, "tls.key_file");
	const char *fixture = conf_str(&conf, "fixture");
	if (!*https && !*http && !npos) {
		snprintf(err, sizeof(err), "both https.listen and http.listen are empty");
		goto out;
	}
	if (!*certf != !*keyf) {
		snprintf(err, sizeof(err), "tls.cert_file and tls.key_file must be set together");
		goto out;
	}
	if (*fixture && !fixture_builtin(fixture)) {
		snprintf(err, sizeof(err), "fixture: no built-in fixture is named '%s'", fixture);
		goto out;
	}
	rc = 1;
	if (clone && !clone_opts.load && npos == 1) {
		rc = clone_run(&clone_opts, NULL); /* --out needs no database */
		goto out;
	}
	/* A server takes SIGTERM and SIGINT in this thread alone, with sigwait; they are blocked
	 * before any other thread exists (the throttle's starts in setup) and before a throwaway
	 * data_dir exists, so that a signal during the start still ends in a clean exit. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (!npos)
		pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (ephemeral && ephemeral_data_dir(&conf, &tmp_dir, err, sizeof(err)))
		goto out;
	const char *data_dir = conf_str(&conf, "data_dir");
	if (make_dir(data_dir)) {
		snprintf(err, sizeof(err), "cannot create data_dir %s: %s", data_dir,
			 strerror(errno));
		goto out;
	}
	if (*https && !npos && tls_load(certf, keyf, data_dir, &cert, &key, err, sizeof(err)))
		goto out;
	char database[4200];
	snprintf(database, sizeof(database), "%s", conf_str(&conf, "database"));
	if (!*database)
		snprintf(database, sizeof(database), "sqlite:%s/cupid.db", data_dir);
	bool created = false;
	struct store_opts so = {.synchronous = conf_str(&conf, "sqlite.synchronous"),
				.notify = conf_bool(&conf, "postgresql.notify")};
	if (store_open(&app.store, database, &so, &created, err, sizeof(err)))
		goto out;
	if (setup(&app, &conf, created, err, sizeof(err)))
		goto out;
	if (npos) {
		rc = subcommand(&app, npos, pos);
		goto out;
	}
	if (auth_init_users(&app, &conf, err, sizeof(err)))
		goto out;
	signal(SIGPIPE, SIG_IGN);
	/* Response bodies (a page of 100 ports is about 100 KB) come from the heap and stay
	 * mapped between requests: otherwise glibc gives them back after every request
	 * (madvise) and faults them in again on the next. */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	mallopt(M_TRIM_THRESHOLD, 2 << 20);
	if (!(srv = server_start(&app, https, http, cert, key, err, sizeof(err))))
		goto out;
	/* A harness reads the JSON line on stdout; the usual lines go to stderr then. */
	const char *hp[2] = {server_hostport(srv, true), server_hostport(srv, false)};
	for (int i = 0; i < 2; i++)
		if (hp[i])
			fprintf(ephemeral ? stderr : stdout, "cupid: listening on %s://%s\n",
				i ? "http" : "https", hp[i]);
	fflush(stdout);
	if (ephemeral && ephemeral_announce(stdout, &conf, hp[0], hp[1])) {
		snprintf(err, sizeof(err), "ephemeral: cannot write the JSON line");
		server_stop(srv);
		goto out;
	}
	int sig;
	sigwait(&set, &sig);
	server_stop(srv);
	rc = 0;
out:
	if (rc && (*err || !npos))
		fprintf(stderr, "cupid: %s\n", *err ? err : "cannot start");
	if (app.store.ops)
		app.store.ops->close(app.store.s);
	if (tmp_dir && ephemeral_remove(tmp_dir))
		fprintf(stderr, "cupid: cannot remove %s: %s\n", tmp_dir, strerror(errno));
	free(tmp_dir);
	sql_select_forget();
	auth_cache_free(app.auth);
	guard_free(app.guard);
	journal_free(app.journal);
	faults_free(app.faults);
	cache_free(app.cache);
	throttle_free(app.throttle);
	free(cert);
	free(key);
	conf_free(&conf);
	free(flags);
	return rc;
}

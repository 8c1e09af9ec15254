/* Subcommands: export and import of fixture documents, and user management, on the configured
 * database. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <ctype.h>

#include "api/fixtures.h"
#include "codec/codec.h"
#include "err.h"
#include "api/passwd.h"
#include "util/arena.h"

struct export_ctx {
	struct buf *b;
	const struct resource *r;
	long rows;
};

static int export_row(void *ctx, const struct obj *o, long i, long n)
{
	(void)i;
	(void)n;
	struct export_ctx *ec = ctx;
	buf_puts(ec->b, ec->rows++ ? ",\n  {" : "\n  {");
	int first = 1;
	for (size_t k = 0; k < ec->r->nfields; k++) {
		const struct field *f = &ec->r->fields[k];
		if (!f->stored || !o->v[k] || !strcmp(f->name, "ClusterMemberId"))
			continue; /* a VMS server's member id is its place in the list */
		buf_printf(ec->b, "%s\"%s\":", first ? "" : ",", f->name);
		codec_json_str(ec->b, o->v[k]);
		first = 0;
	}
	buf_putc(ec->b, '}');
	return ec->b->oom;
}

int cli_export(struct app *app, FILE *out)
{
	static const struct {
		const char *key;
		const struct resource *r;
	} sections[] = {{"vmsservers", &res_vmsserver},
			{"sipsecurityprofiles", &res_sipprofile},
			{"phonesystems", &res_phonesystem},
			{"axlservers", &res_axlserver},
			{"portgroups", &res_portgroup},
			{"portgroupservers", &res_pgserver},
			{"portgroupcodecs", &res_pgcodec},
			{"ports", &res_port}};
	struct arena *a = arena_new(1u << 20);
	struct buf b = {0};
	int rc = a ? 0 : ERR_INTERNAL;
	/* One read snapshot for the whole document. */
	if (!rc)
		rc = app->store.ops->begin(app->store.s, false);
	buf_putc(&b, '{');
	for (size_t i = 0; !rc && i < sizeof(sections) / sizeof(sections[0]); i++) {
		struct export_ctx ec = {.b = &b, .r = sections[i].r};
		struct list_cb cb = {.row = export_row, .ctx = &ec};
		struct listq q = LISTQ_ALL;
		buf_printf(&b, "%s\"%s\":[", i ? ",\n" : "", sections[i].key);
		rc = app->store.ops->list(app->store.s, sections[i].r, &q, a, &cb);
		buf_puts(&b, "]");
	}
	buf_puts(&b, "}\n");
	if (!rc)
		app->store.ops->commit(app->store.s);
	else
		app->store.ops->rollback(app->store.s);
	if (!rc && (b.oom || fwrite(b.data, 1, b.len, out) != b.len || fflush(out)))
		rc = ERR_INTERNAL;
	if (rc)
		fprintf(stderr, "cupid: export failed\n");
	buf_free(&b);
	arena_free(a);
	return rc ? -1 : 0;
}

int cli_import(struct app *app, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cupid: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	struct buf b = {0};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	int bad = ferror(f) || b.oom;
	fclose(f);
	struct arena *a = arena_new(256u << 20);
	struct domain_ctx d = {.app = app, .a = a};
	struct fixture_counts c;
	int rc = bad || !a ? ERR_INTERNAL : fixture_load(&d, b.data ? b.data : "", b.len, &c);
	if (rc)
		fprintf(stderr, "cupid: import of %s failed: %s\n", path,
			*d.err ? d.err : "cannot read the file");
	else
		fprintf(stderr,
			"cupid: imported %s: %ld VMS servers, %ld phone systems, %ld port groups, "
			"%ld ports\n",
			path, c.vmsservers, c.phonesystems, c.portgroups, c.ports);
	arena_free(a);
	buf_free(&b);
	return rc ? -1 : 0;
}

/* Reads one line from f into out without its line end; -1 at end of input or past n. */
static int read_line(FILE *f, char *out, size_t n)
{
	if (!fgets(out, (int)n, f))
		return -1;
	size_t len = strlen(out);
	if (len && out[len - 1] != '\n' && !feof(f))
		return -1; /* longer than the buffer */
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = 0;
	return 0;
}

static int prompt_once(const char *prompt, char *out, size_t n)
{
	struct termios old, quiet;
	fprintf(stderr, "%s", prompt);
	fflush(stderr);
	bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	int rc = read_line(stdin, out, n);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	return rc;
}

int cli_read_password(const char *prompt, bool confirm, char *out, size_t n)
{
	bool tty = isatty(STDIN_FILENO);
	if (tty ? prompt_once(prompt, out, n) : read_line(stdin, out, n)) {
		fprintf(stderr, "cupid: no password was given\n");
		return -1;
	}
	if (!*out) {
		fprintf(stderr, "cupid: the password must not be empty\n");
		return -1;
	}
	if (tty && confirm) {
		char again[256];
		int rc = prompt_once("again: ", again, sizeof(again)) || strcmp(again, out) ? -1 : 0;
		explicit_bzero(again, sizeof(again));
		if (rc) {
			fprintf(stderr, "cupid: the passwords differ\n");
			return -1;
		}
	}
	return 0;
}

/* name, role and, for a locked account, a third column saying until when. */
static int print_user(void *ctx, const char *name, const struct user_rec *u)
{
	char until[48] = "";
	time_t t = (time_t)u->locked_until;
	struct tm tm;
	if (u->locked_until == -1)
		snprintf(until, sizeof(until), "\tlocked until unlocked");
	else if (u->locked_until > time(NULL) && gmtime_r(&t, &tm))
		strftime(until, sizeof(until), "\tlocked until %Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(ctx, "%s\t%s%s\n", name, u->role, until);
	return 0;
}

/* The stored (lower-case) form of a user name, or -1 when it is not 1-64 characters from
 * [A-Za-z0-9._@-]. */
static int user_key(const char *name, char out[65])
{
	size_t n = strlen(name);
	if (!n || n > 64 || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					 "0123456789._@-") != n) {
		fprintf(stderr, "cupid: a user name is 1-64 characters from [A-Za-z0-9._@-]\n");
		return -1;
	}
	for (size_t i = 0; i <= n; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	return 0;
}

/* Asks for a password and stores name with role. Returns an exit code. */
static int set_password(struct app *app, const char *key, const char *role)
{
	char pw[256], hash[PASSWD_HASH_MAX];
	int rc = cli_read_password("password: ", true, pw, sizeof(pw)) ||
			 passwd_hash(pw, strlen(pw), hash)
		     ? 1
		     : 0;
	explicit_bzero(pw, sizeof(pw));
	if (!rc && store_user_put(&app->store, key, role, hash)) {
		fprintf(stderr, "cupid: cannot store user %s\n", key);
		rc = 1;
	}
	return rc;
}

int cli_user(struct app *app, int n, char **args)
{
	const struct store_handle *st = &app->store;
	struct user_rec u;
	char key[65];
	const char *cmd = args[0];
	if (!strcmp(cmd, "list") && n == 1)
		return store_user_list(st, print_user, stdout) ? 1 : 0;
	if (n < 2 || user_key(args[1], key))
		goto usage;
	int missing = store_user_get(st, key, &u); /* 0 when the user exists */
	if (missing && missing != ERR_NOT_FOUND) {
		fprintf(stderr, "cupid: cannot read the users\n");
		return 1;
	}
	if (!strcmp(cmd, "add") && n == 3) {
		if (strcmp(args[2], "administrator") && strcmp(args[2], "readonly"))
			goto usage;
		if (!missing) {
			fprintf(stderr, "cupid: user %s exists (use cupid user passwd)\n", key);
			return 1;
		}
		return set_password(app, key, args[2]);
	}
	if ((!strcmp(cmd, "passwd") || !strcmp(cmd, "del") || !strcmp(cmd, "unlock")) && n == 2) {
		if (missing) {
			fprintf(stderr, "cupid: no user is named %s\n", key);
			return 1;
		}
		if (!strcmp(cmd, "passwd"))
			return set_password(app, key, u.role);
		if (!strcmp(cmd, "unlock"))
			return store_user_unlock(st, key) ? 1 : 0;
		return store_user_del(st, key) ? 1 : 0;
	}
usage:
	fprintf(stderr, "usage: cupid user add NAME administrator|readonly | user passwd NAME |"
			" user del NAME | user unlock NAME | user list\n");
	return 2;
}

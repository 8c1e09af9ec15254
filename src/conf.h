/* Settings: ONE table {name, type, default, help} serving --flags, CUPID_* environment,
 * the --config file and --help (SPEC §6.8). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum conf_type { CONF_STR, CONF_INT, CONF_BOOL, CONF_ENUM };

struct conf_setting {
	const char *name;    /* e.g. "https.listen" */
	enum conf_type type;
	const char *def;     /* default as text; "" when empty */
	long min, max;       /* CONF_INT range */
	const char *choices; /* CONF_ENUM: "full|normal" */
	const char *help;    /* one line for --help */
};

extern const struct conf_setting conf_settings[];
extern const size_t conf_nsettings;

struct conf_user {
	char *name, *role, *password; /* from user.<name> = <role>:<password> */
};

struct conf {
	char **values;           /* parallel to conf_settings; never NULL after conf_load */
	bool *given;             /* parallel: set by a flag, the environment or the file */
	struct conf_user *users; /* in the order given (file first, then flags) */
	size_t nusers;
	char *config_file;       /* --config value or NULL */
};

/* Fills c from argv (args[0..n) are --name=value flags, --name alone for a boolean meaning
 * --name=true, and --config=FILE; anything else is an error), the environment (CUPID_<NAME>,
 * '.' -> '_', upper case; not for user.*), the config file, and the defaults, highest priority
 * first. Returns 0, or -1 with a one-line message in err (the caller exits 2). Free with
 * conf_free(). */
int conf_load(struct conf *c, int n, char **args, char *err, size_t errlen);
void conf_free(struct conf *c);

/* Whether a flag, the environment or the file gave the setting name (of the table). */
bool conf_given(const struct conf *c, const char *name);

/* Applies name=value (a setting of the table or user.<name>) as if from the command line, where
 * naming the source for a message. Returns 0, or -1 with a message in err. */
int conf_set(struct conf *c, const char *name, const char *value, const char *where, char *err,
	     size_t errlen);

/* Value of a setting in the table (never NULL; "" when empty). Aborts on a name not in the
 * table: that is a programming error, not input. */
const char *conf_str(const struct conf *c, const char *name);
long conf_int(const struct conf *c, const char *name);
bool conf_bool(const struct conf *c, const char *name);

/* Writes the usage text and one line per setting (name, default, help). */
void conf_print_help(FILE *out);

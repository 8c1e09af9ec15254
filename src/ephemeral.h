/* `cupid serve --ephemeral`, for test harnesses: free ports, a throwaway data_dir removed on
 * exit, a known admin password, and one JSON line saying where and how to connect. */
#pragma once
#include <stddef.h>
#include <stdio.h>

struct conf;

/* Gives https.listen and http.listen the value 127.0.0.1:0 unless they were given, and makes
 * sure of an administrator "admin" whose password the JSON line can show: user.admin if given,
 * else admin_password, else a random one (set at every start, so that an existing data_dir
 * given explicitly works too). Returns 0, or -1 with a message in err. */
int ephemeral_prepare(struct conf *c, char *err, size_t errlen);

/* Unless data_dir was given, creates a directory with mkdtemp(3) under $TMPDIR (or /tmp) and
 * makes it data_dir. Sets *made to its absolute path (malloc'd; caller frees), or to NULL when
 * data_dir was given. Returns 0, or -1 with a message in err. */
int ephemeral_data_dir(struct conf *c, char **made, char *err, size_t errlen);

/* Writes the line {"url":..,"httpUrl":..,"user":"admin","password":..,"cert":..,"dataDir":..}
 * to out and flushes it. https and http are the listeners' host:port, NULL when off (their
 * keys, and "cert" with https, are then left out). Returns 0 or -1. */
int ephemeral_announce(FILE *out, const struct conf *c, const char *https, const char *http);

/* Removes dir and everything below it, neither following symbolic links nor leaving its file
 * system. Returns 0 or -1. */
int ephemeral_remove(const char *dir);

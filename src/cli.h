/* cupid's subcommands, run on the configured database without starting a server:
 * export, import FILE, user add|passwd|list|del (SPEC §6.9). */
#pragma once
#include <stdio.h>

struct app;

/* Writes the whole inventory as a fixture document (SPEC §6.4) to out. Returns 0 or -1. */
int cli_export(struct app *app, FILE *out);
/* Replaces the inventory with the fixture document in path, in one transaction. 0 or -1. */
int cli_import(struct app *app, const char *path);
/* user add NAME ROLE | passwd NAME | list | del NAME (args[0..n)). The password comes from
 * stdin, or a prompt on a terminal; never from argv. Returns an exit code. */
int cli_user(struct app *app, int n, char **args);

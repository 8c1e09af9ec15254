/* cupid's subcommands, run on the configured database without starting a server:
 * export, import FILE, user add|passwd|list|del (SPEC §6.9). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct app;

/* Writes the whole inventory as a fixture document (SPEC §6.4) to out. Returns 0 or -1. */
int cli_export(struct app *app, FILE *out);
/* Replaces the inventory with the fixture document in path, in one transaction. 0 or -1. */
int cli_import(struct app *app, const char *path);
/* Reads a password into out (n bytes): from a prompt with echo off when stdin is a terminal
 * (asked twice when confirm), otherwise one line from stdin. Returns 0, or -1 (empty, too
 * long, mismatch, end of input) with a message on stderr. */
int cli_read_password(const char *prompt, bool confirm, char *out, size_t n);
/* user add NAME ROLE | passwd NAME | list | del NAME (args[0..n)). The password comes from
 * stdin, or a prompt on a terminal; never from argv. Returns an exit code. */
int cli_user(struct app *app, int n, char **args);
